"""Benchmark: agency service quality (`stats agencies`) over N applications' audit trail.

    PYTHONPATH=src .venv/bin/python bench/agency_quality_bench.py --contracts 20000

N synthetic contracts go through the real importer (not registered), then each gets the
workflow's events through the real audit writer (`audit.append_run`, one run per day and step):
submit, accept with its deadline, for some a correction request and resubmission, then register,
refuse or withdraw, or none (still open). It prints the time of `agency_quality` for a year and
for a month. A fresh SQLite database under bench/out/ each run (or TECHMARKET_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent / "out"
TZ = ZoneInfo("Asia/Shanghai")


def _setup() -> None:
    OUT.mkdir(exist_ok=True)
    db = OUT / "agency_quality.sqlite3"
    db.unlink(missing_ok=True)
    os.environ.setdefault("TECHMARKET_DATABASE_URL", f"sqlite:///{db}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from techmarket.accounts.services import save_agency
    from techmarket.registry import audit
    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records
    from techmarket.registry.models import Contract
    from techmarket.synth.contracts import generate

    save_agency("P440000", name="广东省中心", region="440000")
    agency, _ = save_agency("C440100", name="广州市", region="440100", parent_code="P440000")
    rows = generate(count, years=[2025], region="440100", seed=7, agency_code="C440100")
    result = import_records(
        list(enumerate(rows, start=1)),
        agency=agency,
        actor=system_actor(agency),
        now=timezone.now(),
        as_registered=False,
    )
    assert result.ok, result.problems[:3]
    ids = list(Contract.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    steps: dict[tuple[datetime, str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for pk in ids:
        day = date(2025, 1, 2) + timedelta(days=rng.randrange(360))
        at = datetime(2025, day.month, day.day, 10, tzinfo=TZ)
        steps[(at, "submit", "draft", "submitted")].append((pk, "{}"))
        if rng.random() < 0.05:
            steps[(at + timedelta(days=2), "withdraw", "submitted", "withdrawn")].append((pk, "{}"))
            continue
        accepted = at + timedelta(days=rng.randrange(3))
        deadline = (accepted + timedelta(days=21)).date().isoformat()
        steps[(accepted, "accept", "submitted", "accepted")].append(
            (pk, f'{{"deadline":"{deadline}"}}')
        )
        decided = accepted + timedelta(days=rng.randrange(1, 30))
        if rng.random() < 0.15:
            asked = accepted + timedelta(days=1)
            steps[(asked, "request_correction", "accepted", "correction_requested")].append(
                (pk, '{"note":"x"}')
            )
            back = asked + timedelta(days=5)
            deadline = (back + timedelta(days=21)).date().isoformat()
            steps[(back, "resubmit", "correction_requested", "accepted")].append(
                (pk, f'{{"deadline":"{deadline}"}}')
            )
            decided = back + timedelta(days=rng.randrange(1, 30))
        fate = rng.random()
        if fate < 0.75:
            steps[(decided, "register", "accepted", "registered")].append((pk, "{}"))
        elif fate < 0.85:
            steps[(decided, "refuse", "accepted", "refused")].append((pk, '{"reason":"R01"}'))
    with transaction.atomic():
        for (at, action, before, after), events in sorted(steps.items()):
            audit.append_run(
                events, actor="bench", action=action, from_status=before, to_status=after, at=at
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=20000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    _setup()
    started = time.perf_counter()
    _build(args.contracts)
    print(f"built {args.contracts} applications in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    from techmarket.registry.actors import system_actor
    from techmarket.stats.agency_quality import agency_quality

    print(f"engine: {connection.vendor}")
    for period in ("2025", "2025-06"):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            rows = agency_quality(system_actor(), period, "440000", today=date(2026, 1, 15))
            times.append(time.perf_counter() - started)
        city = next(r for r in rows if r.code == "C440100")
        print(
            f"{period}: best {min(times) * 1000:.0f} ms of 3; city received {city.received}, "
            f"decided {city.decided}, median {city.median_working_days}, "
            f"within {city.within_limit_pct} %, backlog {city.backlog}, overdue {city.overdue}"
        )


if __name__ == "__main__":
    main()
