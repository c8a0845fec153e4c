"""Benchmark: the analysts' pages under 16 signed-in clients while registrations go on.

    .venv/bin/python bench/stats_pages_bench.py --per-year 1000000

Uses the statistics benchmark's registry (`bench/stats_bench.py`: `--per-year` registered
contracts a year for 2024 and 2025 at the Guangzhou city agency, built once and reused), adds the
province agency with an analyst who signs in by password, and builds the snapshot. It then
starts `techmarket serve` (gunicorn, with the statistics refresher beside it) and Django's
development server (`runserver --noreload`, the baseline; its refreshing is the same refresher,
started here), and for each measures, with `--clients` clients for `--seconds` a page:

* dashboard — the bureau's first page `/overview/` (this year against the plan, growth, ranks);
* table     — `/stats/?table=by_type&period=2025&region=440100` (shares by type, with chart);
* ranking   — `/stats/?table=by_region&period=2025&region=440000&level=county&view=absorbed`
  (every county of the province ranked by the technology it bought, as the press reports it).

Meanwhile a writer registers contracts through the services (`--registrations` a second, each
drafted, submitted, accepted and registered), and each commit asks for a refresh, so the
snapshot is replaced every couple of seconds during the run, as on a working day. The run
prints p50/p95/max, throughput, the server's CPU and how many snapshots were published while
each page was measured; then each page's weight with every script and style sheet it loads.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench  # the servers, the load driver
import pages_bench  # signing in, fetching, weighing
import stats_bench  # the registry of N contracts a year
from api_bench import Result, drive

ANALYST = "bench_analyst"
SELLER, REGISTRAR = "bench_stats_seller", "bench_stats_registrar"
TARGET_MS = 150.0
PAGES = [
    ("dashboard", "/overview/"),
    ("table", "/stats/?table=by_type&period=2025&region=440100"),
    ("ranking", "/stats/?table=by_region&period=2025&region=440000&level=county&view=absorbed"),
]


def prepare(per_year: int, seed_rows: int) -> None:
    """The registry (stats_bench's), a province analyst with a password, a fresh snapshot."""
    from django.contrib.auth import get_user_model

    from techmarket.accounts.models import Profile
    from techmarket.accounts.services import save_agency
    from techmarket.registry.models import Contract, Party
    from techmarket.stats.refresher import refresh

    city, _ = save_agency("C440100", name="广州市技术合同登记处", region=stats_bench.CITY)
    bureau, _ = save_agency("P440000", name="广东省技术合同认定登记中心", region="440000")
    target = per_year * len(stats_bench.YEARS)
    if Contract.objects.count() < target:
        print(f"building the registry: {seed_rows:,} imported, copied up to {target:,}")
        if not Contract.objects.exists():
            stats_bench._import(city, seed_rows, seed=11, years=stats_bench.YEARS)
        stats_bench._multiply(target)
    user, _ = get_user_model().objects.get_or_create(username=ANALYST)
    user.set_password(pages_bench.PASSWORD)
    user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": "analyst", "agency": bureau})
    # The writer's people: a seller (a Guangzhou party of the registry) and a registrar.
    party = Party.objects.filter(region_code__startswith="4401").order_by("id").first()
    for username, role, agency, party_id in (
        (SELLER, "seller", None, party.pk),
        (REGISTRAR, "registrar", city, None),
    ):
        person, _ = get_user_model().objects.get_or_create(username=username)
        Profile.objects.update_or_create(
            user=person, defaults={"role": role, "agency": agency, "party_id": party_id}
        )
    started = time.perf_counter()
    refresh()
    print(f"snapshot up to date in {time.perf_counter() - started:.0f} s")


class Registrations:
    """Registers contracts through the services at `rate` a second until stopped."""

    def __init__(self, rate: float) -> None:
        self.rate, self.done, self.stop = rate, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from techmarket.domain.record import parse_record
        from techmarket.registry import services
        from techmarket.registry.actors import actor_for
        from techmarket.registry.models import Party
        from techmarket.synth.contracts import generate

        seller, registrar = actor_for(SELLER), actor_for(REGISTRAR)
        party = Party.objects.get(pk=seller.party_id)
        rows = generate(10**6, years=[2025], region=stats_bench.CITY, seed=int(time.time()))
        for n, raw in enumerate(rows, start=1):
            if self.stop.wait(1 / self.rate):
                break
            raw.update(  # below the second-review threshold: one registrar registers it
                total_amount="300000.00",
                tech_amount="300000.00",
                non_tech_equipment="",
                non_tech_materials="",
                non_tech_other="",
                external_id=f"LIVE-{int(time.time())}-{n}",
                seller_name=party.name,
                seller_id=party.identifier,
                seller_nature=party.nature,
                seller_region=party.region_code,
            )
            record, _ = parse_record(raw, n)
            if record is None:
                continue
            now = timezone.now()
            agency = registrar.agency
            draft = services.create_draft(record, agency=agency, actor=seller, now=now)
            services.submit(draft.pk, actor=seller, now=now)
            services.accept(draft.pk, actor=registrar, now=now)
            services.register(draft.pk, actor=registrar, now=now)
            self.done += 1
        connection.close()

    def __enter__(self) -> Registrations:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _published() -> int:
    """The snapshot file's inode: it changes each time a refresh publishes a new file."""
    from techmarket.stats.snapshot import snapshot_path

    return os.stat(snapshot_path()).st_ino


def measure(kind: str, args: argparse.Namespace) -> dict[str, Result]:
    server, port = api_bench.start_server(kind, args.workers, args.threads)
    pids = lambda: api_bench._descendants(server.pid)  # noqa: E731
    watcher = None
    if kind == "runserver":  # `serve` starts its own refresher; the baseline gets the same one
        import subprocess

        watcher = subprocess.Popen(
            [sys.executable, "-m", "techmarket.cli", "stats", "refresh", "--watch"],
            stdout=subprocess.DEVNULL,
        )
    results: dict[str, Result] = {}
    try:
        cookie = pages_bench.sign_in(port, ANALYST)
        for name, path in PAGES:
            work = pages_bench._page(cookie, lambda rnd, path=path: path)
            if args.warmup:
                drive(port, "", work, args.clients, args.warmup, pids)
            seen, published = set(), threading.Event()

            def watch(seen: set = seen, done: threading.Event = published) -> None:
                while not done.wait(0.2):
                    seen.add(_published())

            watching = threading.Thread(target=watch, daemon=True)
            watching.start()
            with Registrations(args.registrations) as writer:
                results[name] = drive(port, "", work, args.clients, args.seconds, pids)
            published.set()
            watching.join()
            r = results[name]
            verdict = "meets" if r.latencies and r.percentile(95) <= TARGET_MS else "OVER"
            print(
                f"  {kind:9} {name:9} p50 {r.percentile(50):7.1f}  p95 {r.percentile(95):7.1f}  "
                f"max {max(r.latencies) * 1000:7.1f} ms  {r.rate:6.1f} req/s  "
                f"errors {len(r.errors)}  server CPU {r.server_cpu / r.seconds:.0%}  "
                f"registered {writer.done}, snapshots {len(seen)}  [{verdict} p95 ≤ {TARGET_MS:g}]",
                flush=True,
            )
            for error in sorted(set(r.errors))[:3]:
                print(f"      {error}")
        if kind == "gunicorn":
            weigh(port, cookie, args.max_page_bytes)
    finally:
        api_bench.stop_server(server)
        if watcher is not None:
            watcher.terminate()
            watcher.wait(30)
    return results


def weigh(port: int, cookie: str, limit: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    print("page weight, the page and every asset it loads (no cache):")
    heaviest = 0
    for name, path in PAGES:
        plain, served, assets = pages_bench._weigh_one(conn, path, cookie)
        heaviest = max(heaviest, plain)
        print(f"  {name:9} {plain:9,} bytes, {served:9,} as served (gzip), {assets} assets")
    verdict = "meets" if heaviest <= limit else "OVER"
    print(f"  heaviest page {heaviest:,} bytes uncompressed: {verdict} ≤ {limit:,}")
    conn.close()


def main(argv: list[str] | None = None) -> dict[str, dict[str, Result]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=1_000_000)
    parser.add_argument("--seed-rows", type=int, default=50_000)
    parser.add_argument("--registrations", type=float, default=2.0, help="a second, meanwhile")
    parser.add_argument("--seconds", type=float, default=15.0, help="per page and server")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker")
    parser.add_argument("--servers", default="gunicorn,runserver", help="gunicorn,runserver")
    parser.add_argument("--max-page-bytes", type=int, default=pages_bench.MAX_PAGE_BYTES)
    args = parser.parse_args(argv)
    if os.environ.get("TECHMARKET_DATABASE_URL", "sqlite").split(":")[0] != "sqlite":
        sys.exit("SQLite only: unset TECHMARKET_DATABASE_URL")
    os.environ.update(api_bench.SETTINGS)
    os.environ.setdefault("TECHMARKET_VAR_DIR", str(stats_bench.OUT))
    api_bench.VAR = stats_bench.OUT  # the servers' logs
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    stats_bench._setup()
    prepare(args.per_year, args.seed_rows)
    from django.db import connections

    from techmarket.stats.refresher import refresh_after_registry_commits

    refresh_after_registry_commits()  # the writer's registrations ask for refreshes
    connections.close_all()
    kinds = [k for k in args.servers.split(",") if k]
    print(f"{args.clients} clients, {args.seconds:g} s a page, {args.registrations:g} reg./s")
    results = {kind: measure(kind, args) for kind in kinds}
    if {"gunicorn", "runserver"} <= set(results):
        print("ratio gunicorn / runserver (p95 latency ÷, throughput ×):")
        for name, fast in results["gunicorn"].items():
            slow = results["runserver"][name]
            print(
                f"  {name:9} p95 {slow.percentile(95) / fast.percentile(95):5.1f}× lower, "
                f"throughput {fast.rate / max(slow.rate, 1e-9):5.1f}×"
            )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return results


if __name__ == "__main__":
    main()
