"""Benchmark: the REST API under concurrent clients, gunicorn against Django's development server.

    .venv/bin/python bench/api_bench.py --rows 1000000
    scripts/with-postgres .venv/bin/python bench/api_bench.py --rows 1000000

Builds a registry of `--rows` registered contracts at the Guangzhou city agency through the
real bulk importer (`--as-registered`, synthetic rows from `techmarket.synth`), plus `--open`
open contracts there (drafted, submitted and, two thirds of them, accepted with a deadline
through the services), a registrar, two sellers and their API tokens. On SQLite the database
is kept under var/bench/ and reused by the next run with the same `--rows`; a throwaway
PostgreSQL server (scripts/with-postgres) is built each time.

It then starts `techmarket serve` (gunicorn) and, after it, Django's development server
(`runserver --noreload`, the baseline), one at a time, with the same settings (DEBUG off), and
drives `--clients` concurrent clients (threads, keep-alive connections) for `--seconds` per
scenario:

* queue   — the registrar's review queue: submitted and accepted, by deadline, 50 a page;
* page 2  — a filtered list (registered in a date range, newest first) at its second page;
* search  — a text search (`q=`) over the registrar's contracts, newest first;
* detail  — one contract by a random id;
* write   — a seller creates a draft and submits it (POST, then POST …/actions/submit), at
  another agency, so that runs do not change what the read scenarios read.

For each it prints p50/p95/p99 latency and throughput for both servers and their ratio, and the
CPU the load generator took (it shares the machine with the server).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"  # --dir
CITY, CITY_AGENCY = "440100", "C440100"
WRITE_REGION, WRITE_AGENCY = "440300", "C440300"
TODAY = date(2026, 1, 1)  # the synthetic data's "today": the same rows on every run
SETTINGS = {
    "TECHMARKET_DEBUG": "0",
    "TECHMARKET_SECRET_KEY": "bench-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
    "TECHMARKET_ALLOWED_HOSTS": "127.0.0.1",
}


# --- the database -------------------------------------------------------------------------


def _setup_django(rows: int) -> str:
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TECHMARKET_DATABASE_URL", f"sqlite:///{VAR / f'api-{rows}.sqlite3'}")
    os.environ.setdefault("TECHMARKET_VAR_DIR", str(VAR))
    os.environ.update(SETTINGS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def _state_file(rows: int) -> Path:
    url = os.environ["TECHMARKET_DATABASE_URL"]
    return VAR / f"api-{rows}-{zlib.crc32(url.encode()):08x}.json"


def _reusable(state: dict) -> bool:
    """A state file names tokens and contracts: reuse it only if the database still has them."""
    from techmarket.accounts.models import ApiToken
    from techmarket.accounts.tokens import _digest
    from techmarket.registry.models import Contract

    tokens = [state["registrar_token"], state["seller_token"]]
    return (
        ApiToken.objects.filter(digest__in=[_digest(t) for t in tokens]).count() == 2
        and Contract.objects.filter(agency__code=CITY_AGENCY, status="registered").count()
        == state["rows"]
    )


def _import(agency, rows: int) -> float:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from techmarket.registry.actors import system_actor
    from techmarket.registry.importer import import_records
    from techmarket.synth.contracts import generate

    started = time.perf_counter()
    source = enumerate(
        generate(
            rows,
            years=[2024, 2025],
            region=CITY,
            seed=1,
            as_registered=True,
            agency_code=agency.code,
            today=TODAY,
        ),
        start=1,
    )
    result = import_records(
        source,
        agency=agency,
        actor=system_actor(agency),
        now=timezone.now(),
        as_registered=True,
        parallel=True,
    )
    if not result.ok:
        sys.exit(f"import failed: {result.problems[:3]}")
    return time.perf_counter() - started


def _seller_records(region: str, seed: int, count: int) -> list[dict[str, str]]:
    """`count` draft records still in force, all sold by the first organisation drawn."""
    from techmarket.synth.contracts import generate

    today = date.today()
    later = (today + timedelta(days=60)).isoformat()
    records = [
        r
        for r in generate(2 * count + 50, years=[today.year], region=region, seed=seed)
        if r["valid_to"] > later and r["signed_on"] <= today.isoformat()
    ]
    template = next(r for r in records if r["seller_id"].startswith("9"))
    seller = {k: v for k, v in template.items() if k.startswith("seller_")}
    return [{**r, **seller} for r in records][:count]


def _seller(username: str, record: dict[str, str]):  # type: ignore[no-untyped-def]
    from techmarket.domain.record import parse_record
    from techmarket.registry.actors import actor_for
    from techmarket.registry.parties import get_or_create_party
    from techmarket.registry.users import save_user

    parsed, problems = parse_record(record, 1)
    assert parsed is not None, problems
    party = get_or_create_party(parsed, "seller")
    save_user(username, role="seller", party_identifier=party.identifier)
    return actor_for(username)


def _open_contracts(agency, count: int, registrar) -> None:  # type: ignore[no-untyped-def]
    """Work for the queue: `count` contracts submitted, two thirds of them accepted."""
    from django.utils import timezone

    from techmarket.domain.record import parse_record
    from techmarket.registry import services

    records = _seller_records(CITY, 8, count)
    seller = _seller("bench_queue_seller", records[0])
    for n, raw in enumerate(records):
        record, problems = parse_record({**raw, "external_id": f"Q-{n}"}, n + 1)
        assert record is not None, problems
        now = timezone.now()
        draft = services.create_draft(record, agency=agency, actor=seller, now=now)
        services.submit(draft.pk, actor=seller, now=now)
        if n % 3:
            services.accept(draft.pk, actor=registrar, now=now)


def build(rows: int, open_count: int) -> dict:
    """The registry, the people and their tokens; reused when the state file still holds."""
    from django.utils import timezone

    from techmarket.accounts.services import save_agency
    from techmarket.accounts.tokens import create_token
    from techmarket.registry.actors import actor_for
    from techmarket.registry.models import Contract
    from techmarket.registry.users import save_user

    state_file = _state_file(rows)
    if state_file.exists():
        state = json.loads(state_file.read_text())
        if _reusable(state):
            return {**state, "reused": True}
    city, _ = save_agency(CITY_AGENCY, name="广州市技术合同登记处", region=CITY)
    save_agency(WRITE_AGENCY, name="深圳市技术合同登记处", region=WRITE_REGION)
    import_s = _import(city, rows)
    save_user("bench_registrar", role="registrar", agency_code=CITY_AGENCY)
    registrar = actor_for("bench_registrar")
    _open_contracts(city, open_count, registrar)
    write_template = _seller_records(WRITE_REGION, 9, 1)[0]
    writer = _seller("bench_seller", write_template)
    registered = Contract.objects.filter(agency=city, status="registered")
    ids = registered.order_by("pk").values_list("pk", flat=True)
    now = timezone.now()
    state = {
        "rows": rows,
        "import_s": round(import_s, 1),
        "first_id": ids.first(),
        "last_id": ids.last(),
        "registrar_token": create_token(registrar.username, now=now).secret,
        "seller_token": create_token(writer.username, now=now).secret,
        "write_record": write_template,
        "search": _search_term(),
    }
    state_file.write_text(json.dumps(state, ensure_ascii=False))
    return {**state, "reused": False}


def _search_term() -> str:
    """A seller-name fragment of a mid-sized seller: its contracts are a fraction of a percent."""
    from django.db.models import Count

    from techmarket.registry.models import Contract

    sellers = list(
        Contract.objects.values("seller_name").annotate(n=Count("id")).order_by("-n")[:200]
    )
    name = sellers[len(sellers) // 2]["seller_name"]
    return name.removesuffix("有限公司")[-6:] or name


# --- the load -----------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, every timed request
    errors: list[str] = field(default_factory=list)
    done: int = 0  # units of work: requests, or contracts for the write scenario
    seconds: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this process (the load generator)
    server_cpu: float = 0.0
    helper_cpu: float = 0.0  # of server_cpu: `serve`'s helpers (statistics, notices, imports)
    writes: bool = False  # units are contracts (two requests each), not requests

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


class Client:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                raw = response.read()
                elapsed = time.perf_counter() - started
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                try:
                    answer = json.loads(raw) if raw else {}
                except ValueError:  # an error page, not a problem document
                    answer = {"code": raw[:80].decode(errors="replace").split("\n")[0]}
                return response.status, answer, elapsed
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# One unit of work (a request, or a contract drafted and submitted); returns units done.
Work = Callable[[Client, random.Random, Result], int]


def _get(path: str) -> Work:
    def work(client: Client, rnd: random.Random, result: Result) -> int:
        status, body, elapsed = client.call("GET", path)
        return _record(result, status, body, elapsed, path)

    return work


def _record(result: Result, status: int, body: dict, elapsed: float, what: str) -> int:
    result.latencies.append(elapsed)
    if status >= 300:
        result.errors.append(f"{what}: {status} {body.get('code', '')}")
        return 0
    return 1


def _detail(first_id: int, last_id: int) -> Work:
    def work(client: Client, rnd: random.Random, result: Result) -> int:
        path = f"/api/v1/contracts/{rnd.randint(first_id, last_id)}"
        status, body, elapsed = client.call("GET", path)
        return _record(result, status, body, elapsed, "detail")

    return work


def _write(record: dict[str, str], run_id: str) -> Work:
    counter = iter(range(10**9))
    lock = threading.Lock()

    def work(client: Client, rnd: random.Random, result: Result) -> int:
        with lock:
            n = next(counter)
        body = {"agency_code": WRITE_AGENCY, "record": {**record, "external_id": f"{run_id}-{n}"}}
        status, created, elapsed = client.call("POST", "/api/v1/contracts", body)
        if not _record(result, status, created, elapsed, "create"):
            return 0
        path = f"/api/v1/contracts/{created['id']}/actions/submit"
        status, submitted, elapsed = client.call("POST", path)
        return _record(result, status, submitted, elapsed, "submit")  # one contract

    return work


def drive(port: int, token: str, work: Work, clients: int, seconds: float, pids) -> Result:  # type: ignore[no-untyped-def]
    """`clients` threads repeat `work` for `seconds`; each keeps its own connection."""
    result = Result()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(seed: int) -> None:
        client, rnd, own = Client(port, token), random.Random(seed), Result()
        while time.perf_counter() < stop_at:
            try:
                own.done += work(client, rnd, own)
            except (OSError, http.client.HTTPException, ValueError) as error:
                own.errors.append(f"{type(error).__name__}: {error}")
        with lock:
            result.latencies += own.latencies
            result.errors += own.errors
            result.done += own.done

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    cpu, server_cpu, started = time.process_time(), _tree_cpu(pids()), time.perf_counter()
    helper_cpu = _tree_cpu(_helpers(pids()))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu
    result.server_cpu = _tree_cpu(pids()) - server_cpu
    result.helper_cpu = _tree_cpu(_helpers(pids())) - helper_cpu
    return result


def _tree_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _helpers(pids: list[int]) -> list[int]:
    """The processes `techmarket serve` starts beside the web workers (`techmarket.cli …`)."""
    found = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"techmarket.cli" in command and b"serve" not in command:
            found.append(pid)
    return found


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


# --- the servers --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    kind: str, workers: int | None, threads: int | None = None
) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    python = [sys.executable, "-m"]
    if kind == "gunicorn":
        command = [*python, "techmarket.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers)] if workers else []
        command += ["--threads", str(threads)] if threads else []
    else:
        command = [*python, "django", "runserver", f"127.0.0.1:{port}", "--noreload"]
    import techmarket

    # The servers run the same sources as this process (PYTHONPATH may name another checkout).
    source = str(Path(techmarket.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    # The server's own output (access log, errors) goes to a file beside the database.
    log = (VAR / f"{kind}.log").open("w")
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"{kind} exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    sys.exit(f"{kind} did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def scenarios(state: dict, port: int, run_id: str) -> list[tuple[str, str, Work]]:
    """(name, token key, work) for each scenario; page 2's cursor is fetched once here."""
    queue = "/api/v1/contracts?status=accepted&status=submitted&sort=deadline&limit=50"
    listed = "/api/v1/contracts?status=registered&registered_from=2025-07-01&sort=-registered_on&limit=50"
    first = Client(port, state["registrar_token"])
    status, page1, _ = first.call("GET", listed)
    if status != 200 or not page1.get("next_cursor"):
        sys.exit(f"cannot read page 1 of {listed}: {status} {page1}")
    from urllib.parse import quote

    search = f"/api/v1/contracts?q={quote(state['search'])}&limit=50"
    return [
        ("queue", "registrar_token", _get(queue)),
        ("page 2", "registrar_token", _get(f"{listed}&cursor={page1['next_cursor']}")),
        ("search", "registrar_token", _get(search)),
        ("detail", "registrar_token", _detail(state["first_id"], state["last_id"])),
        ("write", "seller_token", _write(state["write_record"], run_id)),
    ]


def measure(kind: str, state: dict, args: argparse.Namespace) -> dict[str, Result]:
    server, port = start_server(kind, args.workers, args.threads)
    pids = lambda: _descendants(server.pid)  # noqa: E731
    results: dict[str, Result] = {}
    try:
        run_id = f"{kind[:1]}{int(time.time())}"
        for name, token_key, work in scenarios(state, port, run_id):
            if args.only and name not in args.only.split(","):
                continue
            token = state[token_key]
            if args.warmup:
                drive(port, token, work, args.clients, args.warmup, pids)
            results[name] = drive(port, token, work, args.clients, args.seconds, pids)
            results[name].writes = name == "write"
            print(f"  {kind:9} {name:7} {_line(results[name])}", flush=True)
            for error, count in Counter(results[name].errors).most_common(3):
                print(f"      {count} × {error}")
    finally:
        stop_server(server)
    return results


def _line(r: Result) -> str:
    if not r.latencies:
        return "no requests"
    unit = "contracts/s" if r.writes else "req/s"
    return (
        f"p50 {r.percentile(50):7.1f} ms  p95 {r.percentile(95):7.1f} ms  "
        f"p99 {r.percentile(99):7.1f} ms  {r.rate:7.1f} {unit}  errors {len(r.errors)}  "
        f"CPU: load generator {r.client_cpu / r.seconds:.0%}, server {r.server_cpu / r.seconds:.0%}"
        f" (helpers {r.helper_cpu / r.seconds:.0%})"
    )


def main(argv: list[str] | None = None) -> dict[str, dict[str, Result]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engine",
        choices=["sqlite", "postgres"],
        default=None,
        help="checked against TECHMARKET_DATABASE_URL (postgres: run under scripts/with-postgres)",
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=300, help="open contracts in the queue")
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario and server")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers [techmarket's default]"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per worker [techmarket's default]"
    )
    parser.add_argument("--servers", default="gunicorn,runserver", help="gunicorn,runserver")
    parser.add_argument("--only", default="", help="these scenarios only, e.g. search,write")
    parser.add_argument("--dir", type=Path, default=VAR, help="the SQLite database and state")
    args = parser.parse_args(argv)
    globals()["VAR"] = args.dir.resolve()

    url = os.environ.get("TECHMARKET_DATABASE_URL", "sqlite")
    if args.engine == "postgres" and not url.startswith("postgres"):
        sys.exit("--engine postgres: run under scripts/with-postgres (TECHMARKET_DATABASE_URL)")
    if args.engine == "sqlite" and not url.startswith("sqlite"):
        sys.exit("--engine sqlite: unset TECHMARKET_DATABASE_URL")
    vendor = _setup_django(args.rows)
    started = time.perf_counter()
    state = build(args.rows, args.open)
    how = (
        "reused"
        if state["reused"]
        else f"built in {time.perf_counter() - started:.0f} s (import {state['import_s']} s)"
    )
    print(f"engine: {vendor}; {args.rows:,} registered contracts + {args.open} open, {how}")
    # As on a running platform: the statistics snapshot is built once (the command line's fast
    # attached build); the refresher `serve` starts beside the server then only follows writes.
    from techmarket.stats.refresher import refresh as refresh_snapshot

    built = time.perf_counter()
    refresh_snapshot()
    print(f"statistics snapshot up to date in {time.perf_counter() - built:.0f} s")
    # Likewise the risk scan, which the refresher runs when the registry moved and the last scan
    # is older than ten minutes: due on a fresh database, and due again once the write scenario
    # moves the registry of a reused one, it would run (10–20 s of CPU) inside a scenario. Scanned
    # now, it is not due again before the run ends.
    from techmarket.stats.risk_scan import scan

    scanned = time.perf_counter()
    scan()
    print(f"risk signals scanned in {time.perf_counter() - scanned:.0f} s")
    print(
        f"{args.clients} clients, {args.seconds:g} s per scenario; load average {os.getloadavg()[0]:.2f}"
    )
    from django.db import connections

    connections.close_all()  # the servers are separate processes; hold no lock meanwhile
    kinds = [k for k in args.servers.split(",") if k]  # --servers "": build the database only
    results = {kind: measure(kind, state, args) for kind in kinds}
    if {"gunicorn", "runserver"} <= set(results):
        print("ratio gunicorn / runserver (p95 latency ÷, throughput ×):")
        for name, fast in results["gunicorn"].items():
            slow = results["runserver"][name]
            if fast.latencies and slow.latencies:
                print(
                    f"  {name:7} p95 {slow.percentile(95) / fast.percentile(95):5.1f}× lower, "
                    f"throughput {fast.rate / max(slow.rate, 1e-9):5.1f}×"
                )
    return results


if __name__ == "__main__":
    main()
