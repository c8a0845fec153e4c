"""Benchmark: every risk signal (issue #13) over a registry of a million contracts.

    .venv/bin/python bench/risk_bench.py --db var/bench/api-1000000.sqlite3

Reads an existing bench registry (default: the 1,000,000-contract database of
bench/api_bench.py) read-only through DuckDB's SQLite scanner, never through Django (whose
connection would switch the file to WAL): nothing is written to it. Into the loaded table it
plants a known number of each pattern on parties of their own (new ids, beyond the file's),
then times, in one run:

* the baseline: one plain pass over the same table through the scanner (COUNT and SUM);
* loading the scanned contracts (`risk_scan.load_attached`);
* each rule of `stats/risk_scan.py`, and all of them;

and checks that every planted contract carries its signal. Storing the signals (one
bulk insert in a transaction, `registry.risk.replace_signals`) is not timed here: it needs a
writable copy of the registry.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("/work/wt-api-bench/var/bench/api-1000000.sqlite3")
BASE = 10**12  # planted ids and parties start here, far beyond the file's
PLANTED = 25  # of each pattern


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    # Django is set up for the settings only: its database is a throwaway one never opened.
    os.environ["TECHMARKET_DATABASE_URL"] = "sqlite:///:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()


def _plant(con) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    """Rows of each pattern on fresh parties; returns the ids that must carry each signal."""
    rows: list[tuple] = []
    expect: dict[str, set[int]] = {
        k: set()
        for k in (
            "duplicate",
            "split_below_threshold",
            "circular_deal",
            "amount_outlier_seller",
            "amount_outlier_kind",
            "period_end_spike",
            "related_parties",
        )
    }
    next_id = iter(range(BASE, BASE + 10**6))
    next_party = iter(range(BASE, BASE + 10**6))

    def add(kind, seller, buyer, name, amount, signed, applied=None, **more):  # type: ignore[no-untyped-def]
        pk = next(next_id)
        rows.append(
            (
                pk,
                1,
                "submitted",
                seller,
                buyer,
                name,
                amount,
                amount,
                signed,
                applied or signed,
                more.get("nature", "150"),
                "150",
                more.get("seller_name", f"甲{seller}"),
                more.get("buyer_name", f"乙{buyer}"),
                5000000.0,  # the agency's second-review threshold
            )
        )
        if kind:
            expect[kind].add(pk)
        return pk

    for i in range(PLANTED):
        a, b, c = next(next_party), next(next_party), next(next_party)
        # (a) the same contract twice, 20 days apart, 2 % apart in amount
        add("duplicate", a, b, f"智能电网故障诊断系统{i}技术开发合同", 800000.0, "2025-02-03")
        add("duplicate", a, b, f"智能电网故障诊断系统{i}（补）技术开发合同", 816000.0, "2025-02-23")
        # (b) three parts of 1.8 M within 60 days
        for k, day in enumerate(("2025-05-01", "2025-05-20", "2025-06-28")):
            add("split_below_threshold", a, c, f"分期{i}-{k}技术服务合同", 1800000.0, day)
        # (c) b sells back to a, c to b and a to c (a ring of three)
        add("circular_deal", b, a, f"回购{i}技术咨询合同", 300000.0, "2025-03-03")
        add("circular_deal", a, b, f"出售{i}技术咨询合同", 310000.0, "2025-04-03")
        # (d) a seller with five contracts near 100,000 and one of 4,000,000; a person at 2 M
        d, e = next(next_party), next(next_party)
        for k in range(5):
            add(None, d, e, f"检测{i}-{k}技术服务合同", 95000.0 + 2500 * k, f"2025-0{k + 1}-11")
        add("amount_outlier_seller", d, e, f"中试线{i}技术开发合同", 4000000.0, "2025-07-11")
        add(
            "amount_outlier_kind",
            next(next_party),
            e,
            f"配方{i}技术转让合同",
            2000000.0,
            "2025-07-12",
            nature="400",
        )
        # (e) one contract in spring, six in the last days of the year
        f = next(next_party)
        add(None, f, e, f"春季{i}技术服务合同", 50000.0 + i, "2025-04-08")
        for k in range(6):
            add(
                "period_end_spike",
                f,
                next(next_party),
                f"年末{i}-{k}技术服务合同",
                60000.0 + 1000 * k,
                f"2025-12-{22 + k}",
            )
        # (f) a seller and a buyer sharing an invented core
        core = f"鲸{chr(0x4E00 + 300 + i)}"
        add(
            "related_parties",
            next(next_party),
            next(next_party),
            f"关联{i}技术服务合同",
            200000.0,
            "2025-05-05",
            seller_name=f"广州{core}科技有限公司",
            buyer_name=f"深圳{core}材料有限公司",
        )
    marks = ", ".join(["?"] * 15)
    con.executemany(f"INSERT INTO rc VALUES ({marks})", rows)
    return expect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="a bench registry (read only)")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(
            f"no bench registry at {args.db}: build one with bench/api_bench.py --rows 1000000"
        )
    _setup()
    import duckdb

    from techmarket.domain.risk_signals import DEFAULTS
    from techmarket.stats import risk_scan
    from techmarket.stats.snapshot import _extension

    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false")
    con.execute(f"LOAD '{_extension('duckdb_extension_sqlite_scanner', 'sqlite_scanner')}'")
    con.execute(f"ATTACH '{args.db}' AS ops (TYPE sqlite, READ_ONLY)")

    start = time.perf_counter()
    count, _ = con.execute(
        "SELECT COUNT(*), SUM(CAST(total_amount AS DOUBLE)) FROM ops.registry_contract"
    ).fetchone()
    baseline = time.perf_counter() - start
    print(f"baseline: one pass over {count:,} contracts through the scanner  {baseline:6.2f} s")

    start = time.perf_counter()
    loaded = risk_scan.load_attached(con)
    load_s = time.perf_counter() - start
    con.execute("DETACH ops")
    expect = _plant(con)
    planted = sum(len(v) for v in expect.values())
    print(f"load: {loaded:,} open and registered contracts                {load_s:6.2f} s")
    print(f"planted: {planted} contracts in {len(expect)} patterns")

    found = []
    rules_s = 0.0
    for name, rule in risk_scan.RULES:
        start = time.perf_counter()
        signals = rule(con, DEFAULTS)
        took = time.perf_counter() - start
        rules_s += took
        found.extend(signals)
        print(f"  {name:<24} {len(signals):>8,} signals  {took:6.2f} s")
    total = load_s + rules_s
    print(
        f"all rules {rules_s:.2f} s; load + rules {total:.2f} s "
        f"({total / baseline:.1f} × the plain pass); limit 30 s"
    )

    by_kind: dict[str, set[int]] = {}
    for s in found:
        by_kind.setdefault(s.signal, set()).add(s.contract_id)
    missed = {k: sorted(v - by_kind.get(k, set()))[:3] for k, v in expect.items()}
    missed = {k: v for k, v in missed.items() if v}
    for kind, ids in expect.items():
        print(f"  planted {kind:<24} {len(ids & by_kind.get(kind, set())):>3}/{len(ids)} found")
    if missed or total > 30:
        sys.exit(f"FAILED: missed {missed}" if missed else f"FAILED: {total:.1f} s > 30 s")


if __name__ == "__main__":
    main()
