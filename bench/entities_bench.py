"""Benchmark: every entity indicator of the Guangzhou plan's progress, on a register of 200,000
organisations with 500,000 recognitions (issue #14).

    .venv/bin/python bench/entities_bench.py [--organisations 200000 --recognitions 500000]

Builds the register once in its own SQLite file (`bench/out/entities.sqlite3`; reused when it
already holds the organisations asked for) with plain bulk inserts, since the import's own
speed is `bench/entities_import_bench.py`'s subject: several kinds and levels, re-recognitions
every three years, tech-SME numbers per year, 3 % revoked (some retroactively), 6 % of the
organisations moved between districts (a few under abolished codes), residents of the
incubators and maker spaces, and trained transfer professionals.

It then times, in one run:
* the plan's four entity indicators (high-tech enterprises, incubated enterprises, national
  enterprise technology centres: month ends through as_of; people trained: the months of the
  year and of three history years for the projection) computed together by `targets.progress`
  through `stats.actuals.PlanActuals`, cold (nothing fetched yet) and warm (same audit head);
* the baseline: the same figures from straightforward Django ORM queries, one per indicator
  and month (the district at each date through a correlated subquery on the history);
checks the two give the same figures, and prints each time and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
PLAN = "gz-sti-2019-2021"
ENTITY_INDICATORS = (
    "high_tech_enterprises",
    "incubated_enterprises",
    "national_enterprise_tech_centres",
    "tech_transfer_professionals_trained",
)
# Guangzhou's districts (萝岗 440116 and 从化市/增城市 under their old codes, abolished), the
# rest of Guangdong, and Shenzhen.
GUANGZHOU = [
    "440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
    "440117", "440118", "440116", "440183", "440184",
]  # fmt: skip
ELSEWHERE = ["440304", "440305", "440306", "440604", "440606", "441302", "440402", "441900"]
KIND_SHARES = (  # kind, levels, share of the recognitions
    ("high_tech_enterprise", ("national",), 0.56),
    ("tech_sme", ("national",), 0.30),
    ("specialised_sme", ("provincial", "municipal"), 0.07),
    ("enterprise_tech_centre", ("national", "provincial", "municipal"), 0.03),
    ("incubator", ("national", "provincial", "municipal"), 0.015),
    ("maker_space", ("national", "provincial", "municipal"), 0.015),
    ("new_rd_institution", ("provincial",), 0.01),
)


def _setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    OUT.mkdir(exist_ok=True)
    os.environ["TECHMARKET_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["TECHMARKET_STATS_PATH"] = str(OUT / "entities_bench.duckdb")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _build(organisations: int, recognitions: int, seed: int = 14) -> None:
    """The register, written with executemany in one transaction per table."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    at = datetime(2022, 1, 10, 9, 0).isoformat()
    cursor = connection.cursor()
    base = 10_000_000
    parties, regions = [], {}
    for i in range(organisations):
        pk = base + i
        region = rng.choice(GUANGZHOU) if rng.random() < 0.75 else rng.choice(ELSEWHERE)
        regions[pk] = region
        parties.append((pk, f"B{pk:017d}", f"基准测试企业{pk}有限公司", "150", region, "CHN"))
    ids = list(regions)
    with transaction.atomic():
        cursor.executemany(
            "INSERT INTO registry_party (id, identifier, name, nature, region_code, country) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            parties,
        )
        moves = []
        for pk in rng.sample(ids, organisations * 6 // 100):
            moves.append((pk, regions[pk], date.min.isoformat(), at))
            moved_to = rng.choice(GUANGZHOU + ELSEWHERE)
            moves.append((pk, moved_to, _day(rng, date(2016, 1, 1), date(2021, 12, 1)), at))
        cursor.executemany(
            "INSERT INTO entities_partyregion (party_id, region_code, valid_from, recorded_at) "
            "VALUES (%s, %s, %s, %s)",
            moves,
        )
        rows, serial = [], 0
        carriers: list[int] = []
        for kind, levels, share in KIND_SHARES:
            wanted = int(recognitions * share)
            holders = rng.sample(ids, min(len(ids), max(1, wanted // 3)))
            if kind in ("incubator", "maker_space"):
                carriers += holders
            made = 0
            while made < wanted:
                pk = rng.choice(holders)
                granted = _day(rng, date(2012, 1, 1), date(2021, 12, 31))
                if kind == "tech_sme":
                    valid_to = date(granted.year, 12, 31)
                elif kind in ("high_tech_enterprise", "specialised_sme"):
                    valid_to = granted.replace(year=granted.year + 3, day=min(granted.day, 28))
                else:
                    valid_to = None
                revoked = None
                if rng.random() < 0.03:  # some revoked from a date inside (or before) validity
                    end = valid_to or date(2022, 12, 31)
                    revoked = _day(rng, granted - timedelta(days=30), end)
                serial += 1
                rows.append(
                    (
                        pk,
                        kind,
                        rng.choice(levels),
                        f"BENCH{serial:09d}",
                        granted,
                        valid_to,
                        "revoked" if revoked else "recognised",
                        revoked,
                        regions[pk],
                        at,
                        at,
                    )
                )
                made += 1
        cursor.executemany(
            "INSERT INTO entities_recognition (party_id, kind, level, number, batch, notice, "
            "granted_on, valid_to, valid_to_printed, status, revoked_on, region_code, "
            "recorded_at, updated_at, version) VALUES "
            "(%s, %s, %s, %s, '', '', %s, %s, 0, %s, %s, %s, %s, %s, 1)",
            rows,
        )
        stays: dict[tuple[int, int, date], date | None] = {}
        for _ in range(60_000):
            carrier, resident = rng.choice(carriers), rng.choice(ids)
            entered = _day(rng, date(2014, 1, 1), date(2021, 12, 31))
            left = entered + timedelta(days=rng.randrange(200, 1600))
            if carrier != resident:
                stays[(carrier, resident, entered)] = left if rng.random() < 0.7 else None
        cursor.executemany(
            "INSERT INTO entities_residency (carrier_id, resident_id, entered_on, left_on, "
            "exit_reason, recorded_at, updated_at) VALUES (%s, %s, %s, %s, '', %s, %s)",
            [(c, r, e, lft, at, at) for (c, r, e), lft in stays.items()],
        )
        people = [(base + i, f"学员{i}", at, at) for i in range(30_000)]
        cursor.executemany(
            "INSERT INTO market_brokerprofile (id, name, fields, regions, certificate_number, "
            "organisation, version, created_at, updated_at) VALUES (%s, %s, '', '', '', '', 1, "
            "%s, %s)",
            people,
        )
        trainings: dict[tuple[int, date, str], str] = {}
        levels = ("junior_broker", "intermediate_broker", "senior_manager")
        for _ in range(60_000):
            person = base + rng.randrange(30_000)
            on = _day(rng, date(2016, 1, 1), date(2021, 12, 31))
            region = rng.choice(GUANGZHOU) if rng.random() < 0.7 else rng.choice(ELSEWHERE)
            trainings[(person, on, rng.choice(levels))] = region
        cursor.executemany(
            'INSERT INTO market_training (person_id, "on", course, hours, issuer, level, '
            "certificate_number, region_code) VALUES (%s, %s, %s, 32, '', %s, '', %s)",
            [(p, on, f"课程 {lvl}", lvl, r) for (p, on, lvl), r in trainings.items()],
        )


def _entity_plan():  # type: ignore[no-untyped-def]
    from techmarket.stats.plan_store import find_plan

    plan = find_plan(PLAN)
    return replace(plan, indicators=tuple(plan.indicator(c) for c in ENTITY_INDICATORS))


def _engine(plan, as_of: date) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The plan's entity figures as `targets progress` computes them: months and history."""
    from techmarket.stats.actuals import PlanActuals
    from techmarket.stats.targets import progress

    actuals = PlanActuals(None, plan, as_of, entered=[])
    rows = progress(plan, as_of=as_of, actuals=actuals)
    figures: dict[str, object] = {p.indicator.code: p.actual for p in rows}
    trained = plan.indicator("tech_transfer_professionals_trained")
    for year in range(as_of.year - 3, as_of.year + 1):
        figures[f"trained {year}"] = dict(actuals.monthly(trained, year))
    return figures


def _region_codes(region: str) -> list[str]:
    """Every code that rolls up into the region: what the ORM filters by."""
    from techmarket.codes.regions import all_codes, current_codes, is_within

    return [
        c for c in all_codes() if c.isdigit() and is_within((current_codes(c) or (c,))[0], region)
    ]


def _orm(plan, as_of: date) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The same figures, one straightforward ORM query per indicator and month."""
    from django.db.models import F, Min, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from techmarket.entities.models import PartyRegion, Recognition, Residency
    from techmarket.market.models import Training
    from techmarket.stats.actuals import month_ends

    def in_force(kind: str, levels, day: date, party: str = "party"):  # type: ignore[no-untyped-def]
        region_then = Subquery(
            PartyRegion.objects.filter(party=OuterRef(party), valid_from__lte=day)
            .order_by("-valid_from")
            .values("region_code")[:1]
        )
        rows = Recognition.objects.filter(kind=kind, granted_on__lte=day)
        if levels:
            rows = rows.filter(level__in=levels)
        return (
            rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .exclude(revoked_on__lte=day)
            .annotate(region_then=Coalesce(region_then, F(f"{party}__region_code")))
        )

    figures: dict[str, object] = {}
    for ind in plan.indicators:
        source = ind.entity
        codes = _region_codes(source.region)
        levels = list(source.levels) or None
        if source.measure == "organisations":
            days = month_ends(as_of.year, as_of)
            values = [
                in_force(source.entity, levels, d, "party")
                .filter(region_then__in=codes)
                .values("party")
                .distinct()
                .count()
                for d in days
            ]
            figures[ind.code] = values[-1]
        elif source.measure == "residents":
            values = []
            for d in month_ends(as_of.year, as_of):
                carriers = (
                    in_force(source.entity, levels, d).filter(region_then__in=codes).values("party")
                )
                values.append(
                    Residency.objects.filter(carrier__in=carriers, entered_on__lte=d)
                    .filter(Q(left_on__isnull=True) | Q(left_on__gt=d))
                    .values("resident")
                    .distinct()
                    .count()
                )
            figures[ind.code] = values[-1]
        else:
            for year in range(as_of.year - 3, as_of.year + 1):
                last = 12 if year < as_of.year else as_of.month
                months = {}
                for month in range(1, last + 1):
                    end = min(month_ends(year, date(year, 12, 31))[month - 1], as_of)
                    months[month] = (
                        Training.objects.filter(
                            on__gte=date(year, 1, 1),
                            on__lte=min(date(year, 12, 31), as_of),
                            region_code__in=codes,
                        )
                        .values("person")
                        .annotate(first=Min("on"))
                        .filter(first__gte=date(year, month, 1), first__lte=end)
                        .count()
                    )
                figures[f"trained {year}"] = months
            figures[ind.code] = sum(figures[f"trained {as_of.year}"].values())
    return figures


def _timed(func, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - started, result


def _cpu(func, *args) -> float:  # type: ignore[no-untyped-def]
    """The process's CPU seconds for one call: on a shared, loaded machine the wall time also
    holds the time other processes had the cores."""
    started = time.process_time()
    func(*args)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=200_000)
    parser.add_argument("--recognitions", type=int, default=500_000)
    parser.add_argument("--as-of", default="2021-06-30")
    parser.add_argument("--skip-orm", action="store_true", help="time the engine only")
    args = parser.parse_args()
    database = OUT / f"entities-{args.organisations}.sqlite3"
    _setup(database)

    from decimal import Decimal

    from techmarket.entities.counts import fetched
    from techmarket.entities.models import Recognition
    from techmarket.registry.models import Party

    if Party.objects.count() < args.organisations:
        started = time.perf_counter()
        _build(args.organisations, args.recognitions)
        print(f"built the register in {time.perf_counter() - started:.1f} s")
    print(
        f"register: {Party.objects.count():,} organisations, "
        f"{Recognition.objects.count():,} recognitions; SQLite {database.name}"
    )
    as_of = date.fromisoformat(args.as_of)
    plan = _entity_plan()
    print(f"as of {as_of}: {', '.join(ENTITY_INDICATORS)}")
    runs = []
    for _ in range(3):
        fetched.clear()
        runs.append(_timed(_engine, plan, as_of))
    cold_s, figures = min(runs, key=lambda run: run[0])
    warm_s = min(_timed(_engine, plan, as_of)[0] for _ in range(3))
    cpu = []
    for _ in range(3):
        fetched.clear()
        cpu.append(_cpu(_engine, plan, as_of))
    year_end = date(as_of.year, 12, 31)
    year_end_runs = []
    for _ in range(3):
        fetched.clear()
        year_end_runs.append(_timed(_engine, plan, year_end)[0])
    year_end_s = min(year_end_runs)
    for code in ENTITY_INDICATORS:
        print(f"  {code:38s} {figures[code]}")
    print(f"engine, cold (fetch + count) : {cold_s:7.3f} s  (best of 3)")
    print(f"engine, cold, CPU time       : {min(cpu):7.3f} s  (this process's, best of 3)")
    print(f"engine, warm (same head)     : {warm_s:7.3f} s")
    print(f"engine, cold, as of {year_end} : {year_end_s:7.3f} s  (12 month ends, best of 3)")
    if args.skip_orm:
        return
    orm_s, baseline = _timed(_orm, plan, as_of)
    for key, value in figures.items():
        expected = baseline[key]
        if isinstance(value, dict):
            value = {m: int(v) for m, v in value.items()}
        elif isinstance(value, Decimal):
            value = int(value)
        if value != expected:
            sys.exit(f"figures differ for {key}: engine {value}, ORM {expected}")
    print(f"ORM baseline                 : {orm_s:7.2f} s  (same figures, checked)")
    print(f"ratio                        : {orm_s / cold_s:7.1f}x faster cold")


if __name__ == "__main__":
    main()
