"""Finding a list's organisations in the register, a few queries per thousand rows.

The rule (`../shared/domain-entities.md` §7): a credit code decides; a code the register does
not know yet makes a new organisation when the row names it (nature from the code, as sign-up
does; region from the row, else from the code's positions 3–8). Without a code, a name matches
only exactly, after `normalise_name` (full-width brackets, spaces): first against current
names, then, when none matches, against the former names of recorded renames. A name matching
nothing, or several organisations, is a problem for a person to resolve: near-identical names
are different firms until someone says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from techmarket.domain.entities import normalise_name
from techmarket.domain.entity_lists import OrgRef, region_of_uscc
from techmarket.entities.import_context import ImportContext
from techmarket.entities.models import PartyName, PartyProfile
from techmarket.registry.models import Party

CHUNK = 900  # values per IN (…): under SQLite's limit of bound parameters

# The default nature from a credit code's first character (GB 32100), as
# `registry.parties.register_organisation` gives it: 1 public body, 5 association, 9 firm.
_NATURE_BY_DEPARTMENT = {"1": "020", "5": "030", "9": "100"}


@dataclass
class Org:
    """An organisation a row is about: stored (`pk` set) or to be created with the import."""

    pk: int | None
    uscc: str
    name: str
    region: str

    @property
    def label(self) -> str:
        """How the audit trail names it: its credit code, else its name."""
        return self.uscc or self.name


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class Organisations:
    """The organisations one file names, loaded once; `find` resolves a row's reference."""

    def __init__(self, refs: Iterable[OrgRef]) -> None:
        refs = list(refs)
        self.by_uscc: dict[str, Org] = {}
        self.current: dict[str, set[int]] = defaultdict(set)
        self.former: dict[str, set[int]] = defaultdict(set)
        self.by_pk: dict[int, Org] = {}
        self.new: dict[str, Org] = {}  # by credit code: created when the import writes
        self._load_codes(sorted({r.uscc for r in refs if r.uscc}))
        self._load_names({r.name for r in refs if r.name and not r.uscc})

    def _keep(self, pk: int, identifier: str | None, name: str, region: str) -> Org:
        org = self.by_pk.get(pk)
        if org is None:
            org = self.by_pk[pk] = Org(pk, identifier or "", name, region)
            if identifier:
                self.by_uscc[identifier] = org
        return org

    def _load_codes(self, codes: list[str]) -> None:
        for chunk in _chunks(codes):
            rows = Party.objects.filter(identifier__in=chunk).values_list(
                "pk", "identifier", "name", "region_code"
            )
            for row in rows:
                self._keep(*row)

    def _load_names(self, names: set[str]) -> None:
        normalised = sorted({normalise_name(n) for n in names})
        # The registry's names as typed: the list's own spelling, the normalised one, and the
        # normalised one with full-width brackets (the usual spelling of Chinese registers).
        spellings = sorted(
            names | set(normalised) | {n.replace("(", "（").replace(")", "）") for n in normalised}
        )
        pks: set[int] = set()
        for chunk in _chunks(normalised):
            for pk, name in PartyProfile.objects.filter(normalised_name__in=chunk).values_list(
                "party_id", "normalised_name"
            ):
                self.current[name].add(pk)
                pks.add(pk)
            for pk, name in PartyName.objects.filter(normalised__in=chunk).values_list(
                "party_id", "normalised"
            ):
                self.former[name].add(pk)
                pks.add(pk)
        for chunk in _chunks(spellings):
            for pk, name in Party.objects.filter(name__in=chunk).values_list("pk", "name"):
                self.current[normalise_name(name)].add(pk)
                pks.add(pk)
        for chunk in _chunks([str(pk) for pk in sorted(pks)]):
            rows = Party.objects.filter(pk__in=[int(pk) for pk in chunk]).values_list(
                "pk", "identifier", "name", "region_code"
            )
            for row in rows:
                self._keep(*row)

    def find(
        self,
        ref: OrgRef,
        row: int,
        context: ImportContext,
        *,
        key: str = "name",
        create: bool = True,
    ) -> Org | None:
        """The organisation a row names, or None with a problem on the row."""
        if ref.uscc:
            found = self.by_uscc.get(ref.uscc) or self.new.get(ref.uscc)
            if found is not None:
                return found
            if create and ref.name:
                org = Org(None, ref.uscc, ref.name, ref.region or region_of_uscc(ref.uscc))
                self.new[ref.uscc] = org
                return org
            context.problem(
                row,
                "uscc",
                "unknown_uscc",
                f"统一社会信用代码 {ref.uscc} 不在库中，且该行没有可用于新建单位的名称",
                f"no organisation has the credit code {ref.uscc}, and the row gives no name "
                "to record it under",
            )
            return None
        return self.find_name(ref.name, row, context, key=key)

    def find_name(
        self, name: str, row: int, context: ImportContext, *, key: str = "name"
    ) -> Org | None:
        wanted = normalise_name(name)
        pks = self.current.get(wanted) or self.former.get(wanted) or set()
        if len(pks) == 1:
            return self.by_pk[next(iter(pks))]
        if not pks:
            context.result.unmatched.append(name)
            context.problem(
                row,
                key,
                "unmatched_name",
                f"名称“{name}”与库中任何单位（现用名或曾用名）都不一致，请补充统一社会信用代码或核对名称",
                f"no organisation in the register is named (or was named): {name}",
            )
            return None
        context.problem(
            row,
            key,
            "ambiguous_name",
            f"名称“{name}”对应库中 {len(pks)} 个单位，请补充统一社会信用代码",
            f"{len(pks)} organisations in the register are (or were) named: {name}",
        )
        return None

    def create_new(self) -> None:
        """Record the organisations the file named by a new credit code."""
        if not self.new:
            return
        Party.objects.bulk_create(
            [
                Party(
                    identifier=org.uscc,
                    name=org.name,
                    nature=_NATURE_BY_DEPARTMENT.get(org.uscc[:1], "900"),
                    region_code=org.region,
                )
                for org in self.new.values()
            ],
            batch_size=500,
        )
        codes = list(self.new)
        for chunk in _chunks(codes):
            for pk, identifier in Party.objects.filter(identifier__in=chunk).values_list(
                "pk", "identifier"
            ):
                self.new[identifier].pk = pk

    def ensure_profiles(self, orgs: Iterable[Org]) -> None:
        """A register profile (its name as matched) for every organisation the import touched,
        so later lists without codes find them by name."""
        wanted = {org.pk: org for org in orgs if org.pk is not None}
        have: set[int] = set()
        pks = sorted(wanted)
        for start in range(0, len(pks), CHUNK):
            have.update(
                PartyProfile.objects.filter(party_id__in=pks[start : start + CHUNK]).values_list(
                    "party_id", flat=True
                )
            )
        PartyProfile.objects.bulk_create(
            [
                PartyProfile(party_id=pk, normalised_name=normalise_name(org.name)[:200])
                for pk, org in wanted.items()
                if pk not in have
            ],
            batch_size=500,
        )
