"""Benchmark: the standard statistics tables on a registry of N contracts a year for two years.

    .venv/bin/python bench/stats_bench.py --per-year 1000000
    scripts/with-postgres .venv/bin/python bench/stats_bench.py --per-year 1000000

Builds the registry once (reused on the next run when it already holds enough contracts):
`--seed-rows` synthetic contracts go through the real importer, then the table is multiplied
with INSERT … SELECT (new ids, registration numbers and external ids), because importing two
million rows one by one would measure the importer, not the statistics.

It then measures, in one run on one engine:
* building the DuckDB snapshot from scratch;
* every standard table for the later year (with growth), for one city, all together;
* a refresh after 1,000 new registrations (through the importer);
* the same tables computed with Django ORM aggregates on the same database (the baseline);
and prints each time and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
YEARS = (2024, 2025)
CITY = "440100"


def _setup() -> str:
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("TECHMARKET_DATABASE_URL", f"sqlite:///{OUT / 'stats.sqlite3'}")
    os.environ["TECHMARKET_STATS_PATH"] = str(OUT / "bench_stats.duckdb")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def _import(agency, count: int, seed: int, years) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records
    from techmarket.synth.contracts import generate

    rows = enumerate(
        generate(
            count,
            years=years,
            region=CITY,
            seed=seed,
            as_registered=True,
            agency_code=agency.code,
            today=date(2026, 1, 1),
        ),
        start=1,
    )
    result = import_records(
        rows,
        agency=agency,
        actor=system_actor(agency),
        now=timezone.now(),
        as_registered=True,
        parallel=True,
    )
    if not result.ok:
        sys.exit(f"import failed: {result.problems[:3]}")


def _multiply(target: int) -> None:
    """Copy the seeded contracts until the table holds `target` rows (ids and keys made unique)."""
    from django.db import connection, transaction

    from techmarket.registry.models import Contract

    columns = [f.column for f in Contract._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(id) FROM registry_contract")
        seed_count, max_id = cursor.fetchone()
    copies = 0
    while seed_count * (copies + 1) < target:
        copies += 1
        offset = max_id * copies
        select = []
        for column in columns:
            if column == "id":
                select.append(f"id + {offset}")
            elif column in ("registration_number", "external_id"):
                select.append(f"{column} || '-{copies}'")
            else:
                select.append(column)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO registry_contract ({', '.join(columns)}) "
                f"SELECT {', '.join(select)} FROM registry_contract WHERE id <= {max_id}"
            )
        print(f"  … {seed_count * (copies + 1):,} contracts", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('registry_contract', 'id'), "
                "(SELECT MAX(id) FROM registry_contract))"
            )
            cursor.execute("ANALYZE")


def _engine_tables(con) -> float:  # type: ignore[no-untyped-def]
    from techmarket.stats.engine import Scope, compute
    from techmarket.stats.periods import parse_period
    from techmarket.stats.tables import ALL_TABLE_NAMES

    scope = Scope(parse_period(str(YEARS[1])), region=CITY, view="registered")
    started = time.perf_counter()
    for name in ALL_TABLE_NAMES:
        compute(con, name, scope)
    return time.perf_counter() - started


def _orm_tables() -> float:
    """The same tables with Django ORM aggregates (grouping by code, then naming in Python)."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncMonth

    from techmarket.codes.lists import nature_group
    from techmarket.registry.models import Contract

    started = time.perf_counter()
    for year in YEARS:
        base = Contract.objects.filter(
            Q(status="registered") | Q(status="cancelled"),
            registered_on__year=year,
            agency__region_code__startswith=CITY[:4],
        )
        measures = {"n": Count("id"), "total": Sum("total_amount"), "tech": Sum("tech_amount")}
        base.aggregate(**measures)
        for key in (
            "contract_type",
            "tech_field",
            "ip_type",
            "plan_source",
            "seller_region",
            "seller_id",
        ):
            list(base.values(key).annotate(**measures).order_by())
        list(base.values("contract_type", "subtype").annotate(**measures).order_by())
        for side in ("seller_nature", "buyer_nature"):
            groups: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
            for row in base.values(side).annotate(**measures).order_by():
                bucket = groups[nature_group(row[side]) or "other"]
                bucket[0] += row["n"]
        list(base.values("buyer_country", "buyer_region").annotate(**measures).order_by())
        list(
            base.annotate(month=TruncMonth("registered_on"))
            .values("month")
            .annotate(**measures)
            .order_by()
        )
        list(base.filter(is_large=True).order_by("-tech_amount")[:200])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=100_000)
    parser.add_argument("--seed-rows", type=int, default=50_000)
    args = parser.parse_args()
    vendor = _setup()

    from techmarket.accounts.services import save_agency
    from techmarket.registry.models import Contract
    from techmarket.stats.snapshot import Snapshot

    agency, _ = save_agency("C440100", name="广州市技术合同登记处", region=CITY)
    target = args.per_year * len(YEARS)
    if Contract.objects.count() < target:
        print(f"building the registry: {args.seed_rows:,} imported, copied up to {target:,}")
        if not Contract.objects.exists():
            _import(agency, args.seed_rows, seed=11, years=YEARS)
        _multiply(target)
    total = Contract.objects.count()

    Path(os.environ["TECHMARKET_STATS_PATH"]).unlink(missing_ok=True)
    with Snapshot() as snapshot:
        started = time.perf_counter()
        snapshot.refresh(full=True)
        build_s = time.perf_counter() - started
        _engine_tables(snapshot.con)  # warm
        tables_s = min(_engine_tables(snapshot.con) for _ in range(3))
        _import(agency, 1000, seed=int(time.time()) % 100000, years=[YEARS[1]])
        started = time.perf_counter()
        report = snapshot.refresh()
        refresh_s = time.perf_counter() - started
    orm_s = _orm_tables()

    print(f"engine: {vendor}; contracts: {total:,} ({len(YEARS)} years)")
    print(f"snapshot build     : {build_s:7.2f} s")
    print(f"all tables, 1 year : {tables_s:7.3f} s  (with growth; {CITY}, registered view)")
    print(f"refresh +1,000     : {refresh_s:7.3f} s  ({report.contracts_changed} contracts)")
    print(f"ORM aggregates     : {orm_s:7.2f} s  (same tables, same database)")
    print(f"ratio              : {orm_s / tables_s:7.1f}x faster than the ORM")


if __name__ == "__main__":
    main()
