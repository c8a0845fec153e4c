"""Finding or creating the parties of a contract: one Party per identifier (or foreign name)."""

from __future__ import annotations

from datetime import date

from techmarket.domain.identifiers import check_party_id
from techmarket.domain.problems import Conflict, DomainError, ValidationFailed
from techmarket.domain.record import ContractRecord
from techmarket.registry.models import Party
from techmarket.server.rows import rows

# ("id", identifier) or ("name", "country:name"): how a party is found again.
PartyKey = tuple[str, str]


def party_key(identifier: str | None, name: str, country: str) -> PartyKey:
    return ("id", identifier) if identifier else ("name", f"{country}:{name}")


def party_values(record: ContractRecord, side: str) -> dict[str, str | None]:
    return {
        "identifier": getattr(record, f"{side}_id") or None,
        "name": getattr(record, f"{side}_name"),
        "nature": getattr(record, f"{side}_nature"),
        "region_code": getattr(record, f"{side}_region") or "",
        "country": getattr(record, f"{side}_country") or "CHN",
    }


def find_party(record: ContractRecord, side: str) -> Party | None:
    """The party if it exists already. Parties are never deleted, so a party found before a
    write transaction is still there inside it: the lookup can stay out of the write lock."""
    values = party_values(record, side)
    if values["identifier"]:
        found = rows(Party, where={"identifier": values["identifier"]})  # prepared: every draft
        return found[0] if found else None
    return Party.objects.filter(
        identifier=None, name=values["name"], country=values["country"]
    ).first()


def get_or_create_party(record: ContractRecord, side: str) -> Party:
    values = party_values(record, side)
    if values["identifier"]:
        party, _ = Party.objects.get_or_create(identifier=values["identifier"], defaults=values)
    else:
        party, _ = Party.objects.get_or_create(
            identifier=None, name=values["name"], country=values["country"], defaults=values
        )
    return party


# (identifier or None, name, nature, region, country): a party as written in one contract.
PartyRow = tuple[str | None, str, str, str, str]


def party_row(record: ContractRecord, side: str) -> PartyRow:
    """The party as `party_values` describes it, as a tuple (read once per imported row)."""
    values = record.__dict__
    return (
        values[f"{side}_id"] or None,
        str(values[f"{side}_name"]),
        str(values[f"{side}_nature"]),
        str(values[f"{side}_region"] or ""),
        str(values[f"{side}_country"] or "CHN"),
    )


def row_key(party: PartyRow) -> PartyKey:
    return party_key(party[0], party[1], party[4])


class PartyCache:
    """Resolves parties for a bulk import with one query per batch, not one per row."""

    def __init__(self) -> None:
        self.ids: dict[PartyKey, int] = {}  # filled by resolve()

    def resolve(self, parties: list[tuple[PartyKey, PartyRow]]) -> None:
        """Find or create these (key, party) pairs; afterwards `ids[key]` holds each one's id."""
        wanted = {key: party for key, party in parties if key not in self.ids}
        if not wanted:
            return
        self._load(wanted)
        missing = [p for k, p in wanted.items() if k not in self.ids]
        if missing:
            Party.objects.bulk_create(
                [
                    Party(identifier=i, name=n, nature=t, region_code=r, country=c)
                    for i, n, t, r, c in missing
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
            self._load(wanted)

    def _load(self, wanted: dict[PartyKey, PartyRow]) -> None:
        identifiers = [k[1] for k in wanted if k[0] == "id"]
        names = sorted({p[1] for k, p in wanted.items() if k[0] == "name"})
        for start in range(0, len(identifiers), 900):
            found = Party.objects.filter(identifier__in=identifiers[start : start + 900])
            for pk, ident in found.values_list("pk", "identifier"):
                self.ids[("id", ident)] = pk
        for start in range(0, len(names), 900):
            found = Party.objects.filter(identifier=None, name__in=names[start : start + 900])
            for pk, name, country in found.values_list("pk", "name", "country"):
                self.ids[party_key(None, name, country)] = pk


# The nature an organisation gets by default from its USCC's registering department
# (GB 32100 first character): 1 机构编制 (public bodies), 5 民政 (associations), 9 工商 (firms).
_NATURE_BY_DEPARTMENT = {"1": "020", "5": "030", "9": "100"}


def register_organisation(
    identifier: str, *, name: str, region: str, nature: str | None = None, today: date
) -> Party:
    """A seller organisation signing up: its identifier, name and region checked; an existing
    party with the identifier is refused (join it instead of renaming it)."""
    from techmarket.codes.lists import code_list
    from techmarket.codes.regions import is_valid_on
    from techmarket.domain.identifiers import (
        NATURAL_PERSON,
        check_resident_id,
        check_uscc,
        normalise_party_id,
    )

    ident = normalise_party_id(identifier)
    if nature is None:  # a valid resident ID is a person; anything else is read as a USCC
        person = not check_resident_id(ident, "party") and bool(check_uscc(ident, "party"))
        nature = NATURAL_PERSON if person else _NATURE_BY_DEPARTMENT.get(ident[:1], "900")
    if code_list("entity_natures").get(nature) is None:
        raise DomainError(
            f"单位性质代码无效：{nature}", f"unknown entity nature {nature}", code="unknown_nature"
        )
    problems = check_party_id(ident, "party", nature)
    if problems:
        raise ValidationFailed(problems)
    if not name.strip():
        raise DomainError(
            "单位名称不能为空", "the organisation's name is blank", code="party_name_blank"
        )
    if not is_valid_on(region, today):
        raise DomainError(
            f"地区代码 {region} 不是现行的 GB/T 2260 代码",
            f"{region} is not a GB/T 2260 code in use",
            code="region_unknown",
        )
    if Party.objects.filter(identifier=ident).exists():
        raise Conflict(
            f"单位 {ident} 已存在", f"an organisation {ident} exists already", code="party_exists"
        )
    return Party.objects.create(
        identifier=ident, name=name.strip()[:200], nature=nature, region_code=region
    )
