"""Benchmark: import + validate + register synthetic contracts (`--as-registered`).

    .venv/bin/python bench/import_bench.py --rows 1000000 [--naive-rows 10000]
    scripts/with-postgres .venv/bin/python bench/import_bench.py --rows 1000000

Runs on the database named by TECHMARKET_DATABASE_URL (a fresh SQLite file under bench/out/
when unset). It measures, in one run and on one database engine:

* the bulk path: `techmarket contracts import FILE --as-registered` (streamed, one transaction);
* the naive path: one service-style call per contract (parse, recognise, then its own
  transaction with ORM creates, a locked number and an audit event), on `--naive-rows`;

and prints rows per second for each and their ratio, and the bulk path's CPU per row in the
writing process, the checking processes and (PostgreSQL on this machine) the server. Peak
memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def _setup_database() -> str:
    OUT.mkdir(exist_ok=True)
    if "TECHMARKET_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
        os.environ["TECHMARKET_DATABASE_URL"] = f"sqlite:///{OUT / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def _write_file(path: Path, rows: int, seed: int, agency_code: str) -> None:
    from techmarket.synth.contracts import generate

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = None
        for record in generate(
            rows,
            years=[2023, 2024],
            region="440100",
            seed=seed,
            as_registered=True,
            agency_code=agency_code,
        ):
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(record))
                writer.writeheader()
            writer.writerow(record)


def _server_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend (read from /proc), None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_split(run) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Run `run()` and return the CPU seconds of this process, the checking processes and
    the database server, to show where an import's time goes."""
    own, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    server = _server_cpu_seconds()
    run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    split = {
        "writer": time.process_time() - own,
        "checkers": (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime),
    }
    server_after = _server_cpu_seconds()
    if server is not None and server_after is not None:
        split["server"] = server_after - server
    return split


def _bulk(path: Path, agency) -> tuple[float, int, dict[str, float]]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from techmarket.interchange.readers import open_records
    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records

    source = open_records(path)
    results = []
    started = time.perf_counter()
    split = _cpu_split(
        lambda: results.append(
            import_records(
                source,
                agency=agency,
                actor=system_actor(agency),
                now=timezone.now(),
                wan_yuan_fields=source.wan_yuan_fields,
                as_registered=True,
                parallel=True,
            )
        ),
    )
    elapsed = time.perf_counter() - started
    (result,) = results
    if not result.ok:
        sys.exit(f"bulk import failed: {result.problems[:3]}")
    per_row = {name: seconds / max(result.created, 1) * 1e6 for name, seconds in split.items()}
    return elapsed, result.created, per_row


def _naive(path: Path, agency) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The obvious implementation: one transaction and ORM calls per contract."""
    from django.db import transaction
    from django.utils import timezone

    from techmarket.domain.recognition import recognise
    from techmarket.domain.record import parse_record
    from techmarket.interchange.readers import open_records
    from techmarket.registry import audit, numbers
    from techmarket.registry.models import Contract
    from techmarket.registry.parties import get_or_create_party
    from techmarket.registry.records import contract_fields

    now = timezone.now()
    started = time.perf_counter()
    count = 0
    for row, raw in open_records(path):
        record, problems = parse_record(raw, row, as_registered=True)
        assert record is not None, problems
        recognition = recognise(
            record, agency_region=agency.region_code, applied_on=record.registered_on
        )
        with transaction.atomic():
            contract = Contract.objects.create(
                agency=agency,
                seller_party=get_or_create_party(record, "seller"),
                buyer_party=get_or_create_party(record, "buyer"),
                fingerprint=record.fingerprint(),
                status="registered",
                rule_set=recognition.rule_set.version,
                applied_on=record.registered_on,
                registered_on=record.registered_on,
                decided_on=record.registered_on,
                registration_number=numbers.issue(agency, record.registered_on.year),
                created_at=now,
                updated_at=now,
                **contract_fields(record),
            )
            audit.append(
                [
                    audit.PendingEvent(
                        contract.pk, "bench", "import", "", "registered", now, {"row": str(row)}
                    )
                ]
            )
        count += 1
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-rows", type=int, default=10_000)
    args = parser.parse_args()

    vendor = _setup_database()
    from techmarket.accounts.services import save_agency

    bulk_agency, _ = save_agency("C440100", name="广州市技术合同登记处", region="440100")
    naive_agency, _ = save_agency("D440106", name="天河区（对照）", region="440106")

    bulk_file, naive_file = OUT / f"bulk-{args.rows}.csv", OUT / f"naive-{args.naive_rows}.csv"
    if not bulk_file.exists():
        _write_file(bulk_file, args.rows, seed=1, agency_code="C440100")
    if not naive_file.exists():
        _write_file(naive_file, args.naive_rows, seed=2, agency_code="D440106")

    naive_s, naive_n = _naive(naive_file, naive_agency)
    bulk_s, bulk_n, split = _bulk(bulk_file, bulk_agency)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    naive_rate, bulk_rate = naive_n / naive_s, bulk_n / bulk_s

    from techmarket.registry.audit import verify

    chain_ok = verify().ok
    print(f"engine: {vendor}")
    print(f"naive : {naive_n:>9,} rows in {naive_s:8.1f} s = {naive_rate:9,.0f} rows/s")
    print(f"bulk  : {bulk_n:>9,} rows in {bulk_s:8.1f} s = {bulk_rate:9,.0f} rows/s")
    print(f"ratio : {bulk_rate / naive_rate:.1f}x faster than one call per contract")
    print("CPU per row: " + ", ".join(f"{name} {us:,.0f} µs" for name, us in split.items()))
    print(f"peak memory: {peak_mib:,.0f} MiB; audit chain intact: {chain_ok}")


if __name__ == "__main__":
    main()
