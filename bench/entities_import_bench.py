"""Benchmark: importing innovation-entity lists (issue #14: 50,000 rows in at most 30 s).

    .venv/bin/python bench/entities_import_bench.py [--rows 50000] [--naive-rows 2000]
    scripts/with-postgres .venv/bin/python bench/entities_import_bench.py

Runs on the database named by TECHMARKET_DATABASE_URL (a fresh SQLite file under bench/out/
when unset). Synthetic Guangzhou high-tech lists (`synth.entities`, scaled to --rows), as the
operator, in one run:

1. the lists with credit codes, into an empty register (every firm and certificate created);
2. the same file again (everything skipped, nothing written);
3. the rename notices, then the same lists as 备案公告 print them — names and numbers only,
   matched by name through the renames (everything skipped);

and the ORM baseline: one `services.save_recognition` per row (a party found or created, the
recognition checked, saved and audited in its own transaction) on --naive-rows, with its rate
extrapolated to --rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _setup_database() -> str:
    OUT.mkdir(exist_ok=True)
    if "TECHMARKET_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'entities-import.sqlite3'}{suffix}").unlink(missing_ok=True)
        os.environ["TECHMARKET_DATABASE_URL"] = f"sqlite:///{OUT / 'entities-import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def _write(path: Path, rows: list[dict[str, str]], keys: tuple[str, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(keys)
        writer.writerows([row.get(k, "") for k in keys] for row in rows)
    return path


def _timed(label: str, kind: str, path: Path, **options: object) -> float:
    from techmarket.entities.importer import import_entities
    from techmarket.registry.actors import system_actor

    started, cpu = time.perf_counter(), time.process_time()
    result = import_entities(kind, path, actor=system_actor(), now=NOW, **options)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.ok, result.problems[:5]
    print(
        f"{label:<40} {result.rows:>6} rows {seconds:6.2f} s (CPU {cpu:5.2f} s) "
        f"{result.rows / seconds:6.0f} rows/s"
        f"   created {result.created}, updated {result.updated}, skipped {result.skipped}"
    )
    return seconds


def _naive(rows: list[dict[str, str]]) -> float:
    """One service call per row, as a page or the API records a single certificate."""
    from datetime import date

    from techmarket.entities.services import RecognitionFacts, save_recognition
    from techmarket.registry.actors import system_actor
    from techmarket.registry.models import Party

    actor = system_actor()
    started = time.perf_counter()
    for row in rows:
        party, _ = Party.objects.get_or_create(
            identifier=row["uscc"],
            defaults={"name": row["name"], "nature": "100", "region_code": row["region"]},
        )
        facts = RecognitionFacts(
            kind="high_tech_enterprise",
            number=row["certificate_number"][:6] + "45" + row["certificate_number"][8:],
            batch=row["batch"],
            granted_on=date.fromisoformat(row["granted_on"]),
            region_code=row["region"],
        )
        save_recognition(party, facts, actor, NOW)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--naive-rows", type=int, default=2_000)
    args = parser.parse_args()
    vendor = _setup_database()
    from techmarket.synth import entities as synth

    grants = sum(synth.high_tech_grants().values())
    register = synth.generate(seed=1, scale=args.rows / grants * 1.01)
    rows = register.high_tech[: args.rows]
    if len(rows) < args.rows:  # scale misjudged: top up from a second seed
        rows += synth.generate(seed=2, scale=1.0).high_tech[: args.rows - len(rows)]
    print(f"engine: {vendor}; {len(rows)} high-tech list rows, {len(register.renames)} renames")
    full = _write(
        OUT / "ht-full.csv",
        rows,
        ("name", "uscc", "certificate_number", "granted_on", "region", "batch"),
    )
    notice = _write(OUT / "ht-notice.csv", rows, ("name", "certificate_number", "granted_on"))
    listed = {row["uscc"] for row in rows}
    renamed = [row for row in register.renames if row["uscc"] in listed]
    renames = _write(OUT / "renames.csv", renamed, ("old_name", "new_name", "uscc"))
    total = _timed("1. lists with credit codes, empty register", "high_tech_enterprise", full)
    _timed("2. the same file again", "high_tech_enterprise", full)
    _timed("   rename notices", "rename", renames)
    _timed("3. names and numbers only (备案公告)", "high_tech_enterprise", notice)

    from techmarket.registry.models import AuditEvent

    naive_rows = synth.generate(seed=7, scale=args.naive_rows / 34_800 * 1.05).high_tech
    naive_rows = naive_rows[: args.naive_rows]  # numbered in another province: no clash
    before = AuditEvent.objects.count()
    naive_s = _naive(naive_rows)
    assert AuditEvent.objects.count() - before == len(naive_rows)
    per_row = naive_s / len(naive_rows)
    print(
        f"ORM baseline, one save_recognition per row: {len(naive_rows)} rows {naive_s:.2f} s, "
        f"{1 / per_row:.0f} rows/s; {args.rows} rows ≈ {per_row * args.rows:.0f} s"
    )
    print(
        f"bulk first import vs ORM baseline: {per_row * args.rows / total:.1f}× faster; "
        f"target ≤ 30 s: {'met' if total <= 30 else 'NOT met'}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
