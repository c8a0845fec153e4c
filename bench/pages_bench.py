"""Benchmark: the browser pages under concurrent signed-in clients, gunicorn against runserver.

    .venv/bin/python bench/pages_bench.py --contracts 1000000 --dir var/bench

Works on a copy of the API benchmark's database (`bench/api_bench.py`: a million contracts
registered at the Guangzhou city agency, its registrar and sellers): on the first run
`<dir>/api-<contracts>.sqlite3` (or `--source`) is copied, through SQLite's backup, to
`<dir>/pages-<contracts>.sqlite3`, which this benchmark then owns and reuses. The API
benchmark's file is only read. On the copy it migrates, gives the registrar and a seller of its
own a password, and tops the city agency's open contracts (submitted, a third left so, the
rest accepted with a deadline, through the services as the demo does) up to `--open`.

It then starts `techmarket serve` (gunicorn) and Django's development server (`runserver
--noreload`, the baseline), one at a time with the same settings (DEBUG off, api_bench's), signs
in through the real sign-in form (GET /login/ for the CSRF token, POST it, keep the session
cookie) and drives `--clients` concurrent clients for `--seconds` per page:

* queue        — the registrar's queue `/contracts/?queue=1` (open contracts, by deadline);
* queue p2     — its second page by deadline, the page 1 "next page" link followed;
* contract     — a contract page `/contracts/<id>/` for a random registered contract;
* open contract — the same for a random open one (the one a registrar works on);
* home         — the registrar's to-do page `/home/`.

For each it prints p50/p95/max latency and requests per second on both servers and their ratio.
Page weight: each main page (landing, sign-in, sign-up as a visitor; to-do, queue, contract
page as the registrar; the new-contract form as a seller) with every asset it references
(`<link href>`, `<script src>`, `<img src>`, and `url()` in the style sheets), in bytes as
written and as served to a client that accepts gzip; a page over `--max-page-bytes` is flagged.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import shutil
import sqlite3
import sys
import time
from collections import Counter
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench  # the servers, the load driver, the figures
from api_bench import CITY, CITY_AGENCY, Client, Result, Work, drive

PASSWORD = "bench-pages-Passw0rd!"  # the bench database's own people only
REGISTRAR, SELLER = "bench_registrar", "bench_page_seller"
TARGET_MS = 150.0
MAX_PAGE_BYTES = 1_000_000


# --- the database -------------------------------------------------------------------------


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy (its WAL included); the source is only read."""
    if not source.exists():
        sys.exit(
            f"no {source}: build it first with "
            f"`bench/api_bench.py --rows N --servers '' --dir {source.parent}`, or pass --source"
        )
    free = shutil.disk_usage(target.parent).free
    if free < 2 * source.stat().st_size:
        sys.exit(f"{free / 2**30:.1f} GiB free: not enough to copy {source}")
    started = time.perf_counter()
    partial = target.with_suffix(".partial")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        with sqlite3.connect(partial) as dst:
            src.backup(dst, pages=65536)
        dst.close()
    src.close()
    partial.rename(target)
    print(f"copied {source} in {time.perf_counter() - started:.0f} s")


def _setup_django(path: Path) -> str:
    os.environ["TECHMARKET_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TECHMARKET_VAR_DIR", str(path.parent))
    os.environ.update(api_bench.SETTINGS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def _people() -> None:
    """The registrar (the API bench's) and a seller of its own, both signing in by password."""
    from django.contrib.auth import get_user_model

    from techmarket.registry.actors import actor_for

    if not get_user_model().objects.filter(username=SELLER).exists():
        api_bench._seller(SELLER, api_bench._seller_records(CITY, 18, 1)[0])
    for username in (REGISTRAR, SELLER):
        user = get_user_model().objects.get(username=username)
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        actor_for(username)  # the profile is complete


def _top_up_queue(wanted: int) -> int:
    """Open contracts at the city agency up to `wanted`, through the services; returns how many
    were added. Submitted by this benchmark's seller, two thirds then accepted."""
    from django.utils import timezone

    from techmarket.domain.record import parse_record
    from techmarket.registry import services
    from techmarket.registry.actors import actor_for
    from techmarket.registry.contract_list import OPEN_STATUSES
    from techmarket.registry.models import Contract, Party

    open_now = Contract.objects.filter(agency__code=CITY_AGENCY, status__in=OPEN_STATUSES).count()
    missing = wanted - open_now
    if missing <= 0:
        return 0
    agency = Contract.objects.filter(agency__code=CITY_AGENCY).first().agency
    seller, registrar = actor_for(SELLER), actor_for(REGISTRAR)
    party = Party.objects.get(pk=seller.party_id)
    done = Contract.objects.filter(seller_party=party).count()
    records = api_bench._seller_records(CITY, 28, done + missing)[done:]
    for n, raw in enumerate(records, start=done):
        raw.update(
            seller_name=party.name,
            seller_id=party.identifier,
            seller_nature=party.nature,
            seller_region=party.region_code,
            external_id=f"P-{n}",
        )
        record, problems = parse_record(raw, n + 1)
        assert record is not None, problems
        now = timezone.now()
        draft = services.create_draft(record, agency=agency, actor=seller, now=now)
        services.submit(draft.pk, actor=seller, now=now)
        if n % 3:
            services.accept(draft.pk, actor=registrar, now=now)
    return len(records)


def prepare(wanted_open: int) -> dict:
    from django.db.models import Max, Min

    from techmarket.registry.contract_list import OPEN_STATUSES
    from techmarket.registry.models import Contract

    _people()
    started = time.perf_counter()
    added = _top_up_queue(wanted_open)
    if added:
        print(f"{added} open contracts added in {time.perf_counter() - started:.0f} s")
    city = Contract.objects.filter(agency__code=CITY_AGENCY)
    registered = city.filter(status="registered").aggregate(first=Min("id"), last=Max("id"))
    open_ids = list(city.filter(status__in=OPEN_STATUSES).values_list("id", flat=True))
    return {
        "registered": city.filter(status="registered").count(),
        "first_id": registered["first"],
        "last_id": registered["last"],
        "open_ids": open_ids,
        "sample_id": registered["last"],
    }


# --- requests with a session --------------------------------------------------------------


def fetch(
    conn: http.client.HTTPConnection,
    path: str,
    cookie: str = "",
    *,
    method: str = "GET",
    form: dict[str, str] | None = None,
    gzip_ok: bool = False,
) -> tuple[int, bytes, float, http.client.HTTPResponse]:
    """One request on a keep-alive connection (reconnecting once if the server closed it)."""
    headers = {"Cookie": cookie} if cookie else {}
    if gzip_ok:
        headers["Accept-Encoding"] = "gzip"
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for attempt in (1, 2):
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
            return response.status, raw, elapsed, response
        except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
            conn.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


def sign_in(port: int, username: str) -> str:
    """The sign-in form as a browser fills it: its CSRF token, then the session cookie."""
    conn, jar = http.client.HTTPConnection("127.0.0.1", port, timeout=60), {}
    status, page, _, response = fetch(conn, "/login/")
    _cookies(response, jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        sys.exit(f"GET /login/: {status}, no CSRF token")
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, page, _, response = fetch(conn, "/login/", cookie, method="POST", form=form)
    _cookies(response, jar)
    conn.close()
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"signing in {username} failed: {status} {page[:200]!r}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _page(cookie: str, pick_path) -> Work:  # type: ignore[no-untyped-def]
    def work(client: Client, rnd: random.Random, result: Result) -> int:
        path = pick_path(rnd)
        status, _, elapsed, _ = fetch(client.conn, path, cookie)
        result.latencies.append(elapsed)
        if status != 200:
            result.errors.append(f"{path.split('?')[0]}: {status}")
            return 0
        return 1

    return work


def _next_link(page: bytes) -> str:
    found = re.search(rb'<a href="([^"]+)" rel="next"', page)
    if found is None:
        sys.exit("the queue's page 1 has no next-page link: raise --open above 50")
    return unescape(found[1].decode())


def scenarios(state: dict, port: int, cookie: str) -> list[tuple[str, Work]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    queue = "/contracts/?queue=1&sort=deadline"
    status, page1, _, _ = fetch(conn, queue, cookie)
    if status != 200:
        sys.exit(f"GET {queue}: {status}")
    page2 = urljoin("/contracts/", _next_link(page1))
    conn.close()
    first, last, open_ids = state["first_id"], state["last_id"], state["open_ids"]
    return [
        ("queue", _page(cookie, lambda rnd: "/contracts/?queue=1")),
        ("queue p2", _page(cookie, lambda rnd: page2)),
        ("contract", _page(cookie, lambda rnd: f"/contracts/{rnd.randint(first, last)}/")),
        ("open contract", _page(cookie, lambda rnd: f"/contracts/{rnd.choice(open_ids)}/")),
        ("home", _page(cookie, lambda rnd: "/home/")),
    ]


def measure(kind: str, state: dict, args: argparse.Namespace) -> dict[str, Result]:
    server, port = api_bench.start_server(kind, args.workers, args.threads)
    pids = lambda: api_bench._descendants(server.pid)  # noqa: E731
    results: dict[str, Result] = {}
    try:
        cookie = sign_in(port, REGISTRAR)
        for name, work in scenarios(state, port, cookie):
            if args.warmup:
                drive(port, "", work, args.clients, args.warmup, pids)
            results[name] = drive(port, "", work, args.clients, args.seconds, pids)
            print(f"  {kind:9} {name:13} {_line(results[name])}", flush=True)
            for error, count in Counter(results[name].errors).most_common(3):
                print(f"      {count} × {error}")
        if kind == args.weigh_on:
            weigh(port, state, cookie, sign_in(port, SELLER), args.max_page_bytes)
    finally:
        api_bench.stop_server(server)
    return results


def _line(r: Result) -> str:
    if not r.latencies:
        return "no requests"
    worst = max(r.latencies) * 1000
    verdict = "meets" if r.percentile(95) <= TARGET_MS else "OVER"
    return (
        f"p50 {r.percentile(50):7.1f}  p95 {r.percentile(95):7.1f}  max {worst:7.1f} ms  "
        f"{r.rate:6.1f} req/s  errors {len(r.errors)}  server CPU {r.server_cpu / r.seconds:.0%}"
        f"  [{verdict} p95 ≤ {TARGET_MS:g}]"
    )


# --- page weight --------------------------------------------------------------------------

_REFERENCES = re.compile(rb'<(?:link|script|img)\b[^>]*?\s(?:href|src)="([^"]+)"')
_CSS_URLS = re.compile(rb'url\(\s*["\']?([^"\')]+)["\']?\s*\)')


def _assets(page: bytes, base: str) -> list[str]:
    return [urljoin(base, unescape(m.decode())) for m in _REFERENCES.findall(page)]


def _weigh_one(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, int, int]:
    """(bytes as written, bytes as served with gzip accepted, assets) for a page and all it loads."""
    plain = served = 0
    todo, seen = [path], set()
    while todo:
        url = todo.pop(0)
        if url in seen or urlsplit(url).netloc or url.startswith("data:"):
            continue
        seen.add(url)
        status, raw, _, response = fetch(conn, url, cookie, gzip_ok=True)
        if status != 200:
            sys.exit(f"GET {url}: {status}")
        served += len(raw)
        gzipped = response.getheader("Content-Encoding", "") == "gzip"
        body = gzip.decompress(raw) if gzipped else raw
        plain += len(body)
        kind = response.getheader("Content-Type", "")
        if kind.startswith("text/html"):
            todo += _assets(body, url)
        elif kind.startswith("text/css"):
            todo += [urljoin(url, m.decode()) for m in _CSS_URLS.findall(body)]
    return plain, served, len(seen) - 1


def weigh(port: int, state: dict, registrar: str, seller: str, limit: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pages = [
        ("landing", "/", ""),
        ("sign-in", "/login/", ""),
        ("sign-up", "/signup/", ""),
        ("to-do (registrar)", "/home/", registrar),
        ("queue", "/contracts/?queue=1", registrar),
        ("contract (registered)", f"/contracts/{state['sample_id']}/", registrar),
        ("contract (open)", f"/contracts/{state['open_ids'][0]}/", registrar),
        ("new contract (seller)", "/contracts/new/", seller),
        ("to-do (seller)", "/home/", seller),
    ]
    print("page weight, the page and every asset it loads (no cache):")
    heaviest = 0
    for name, path, cookie in pages:
        plain, served, assets = _weigh_one(conn, path, cookie)
        heaviest = max(heaviest, plain)
        flag = "" if plain <= limit else f"  OVER {limit:,} bytes"
        print(
            f"  {name:22} {plain:9,} bytes, {served:9,} as served (gzip accepted), "
            f"{assets} assets{flag}"
        )
    verdict = "meets" if heaviest <= limit else "OVER"
    print(f"  heaviest page {heaviest:,} bytes uncompressed: {verdict} ≤ {limit:,}")
    conn.close()


# --- the run ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict[str, dict[str, Result]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1_000_000, help="registered contracts")
    parser.add_argument("--dir", type=Path, default=api_bench.VAR, help="databases and logs")
    parser.add_argument("--source", type=Path, help="the API bench database [DIR/api-N.sqlite3]")
    parser.add_argument("--open", type=int, default=2000, help="open contracts in the queue")
    parser.add_argument("--seconds", type=float, default=15.0, help="per page and server")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker")
    parser.add_argument("--servers", default="gunicorn,runserver", help="gunicorn,runserver")
    parser.add_argument("--weigh-on", default="gunicorn", help="the server pages are weighed on")
    parser.add_argument("--max-page-bytes", type=int, default=MAX_PAGE_BYTES)
    args = parser.parse_args(argv)
    if os.environ.get("TECHMARKET_DATABASE_URL", "sqlite").split(":")[0] != "sqlite":
        sys.exit("SQLite only: unset TECHMARKET_DATABASE_URL")
    folder = args.dir.resolve()
    api_bench.VAR = folder  # the servers' logs go beside the database
    database = folder / f"pages-{args.contracts}.sqlite3"
    if not database.exists():
        _copy_database(args.source or folder / f"api-{args.contracts}.sqlite3", database)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _setup_django(database)
    state = prepare(args.open)
    print(
        f"{database}: {state['registered']:,} registered contracts at {CITY_AGENCY}, "
        f"{len(state['open_ids']):,} open; {args.clients} clients, {args.seconds:g} s per page"
    )
    # As api_bench: the statistics snapshot is built before the servers start, so that the
    # refresher `serve` runs beside gunicorn only follows writes instead of building it.
    from techmarket.stats.refresher import refresh as refresh_snapshot

    built = time.perf_counter()
    refresh_snapshot()
    print(f"statistics snapshot up to date in {time.perf_counter() - built:.0f} s")
    from django.db import connections

    connections.close_all()  # the servers are separate processes; hold no lock meanwhile
    kinds = [k for k in args.servers.split(",") if k]
    results = {kind: measure(kind, state, args) for kind in kinds}
    if {"gunicorn", "runserver"} <= set(results):
        print("ratio gunicorn / runserver (p95 latency ÷, throughput ×):")
        for name, fast in results["gunicorn"].items():
            slow = results["runserver"][name]
            if fast.latencies and slow.latencies:
                print(
                    f"  {name:13} p95 {slow.percentile(95) / fast.percentile(95):5.1f}× lower, "
                    f"throughput {fast.rate / max(slow.rate, 1e-9):5.1f}×"
                )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return results


if __name__ == "__main__":
    main()
