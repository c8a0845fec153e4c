"""Two registrars register the same queue at once through a running server (gunicorn, two
worker processes): every contract gets one number, and the numbers have no gap."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from tests.domain.builders import valid_row

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CONTRACTS = 24
MARK = "并发登记测试技术开发合同"


def _request(
    base: str,
    token: str,
    method: str,
    path: str,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _multipart(csv_bytes: bytes) -> tuple[bytes, str]:
    boundary = "techmarketboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="agency_code"\r\n\r\nC440100\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="q.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + csv_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_two_registrars_registering_at_once_leave_unique_gap_free_numbers(served):
    base, tokens = served
    rows = [valid_row(external_id=f"Q-{n}", name=f"{MARK}{n}") for n in range(CONTRACTS)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    body, content_type = _multipart(out.getvalue().encode())
    status, result = _request(base, tokens["registrar"], "POST", "/imports", body, content_type)
    assert (status, result.get("created")) == (200, CONTRACTS), result
    status, page = _request(
        base, tokens["registrar"], "GET", "/contracts?status=submitted&limit=200&q=" + quote(MARK)
    )
    queue = [item["id"] for item in page["items"]]
    assert len(queue) == CONTRACTS
    for contract_id in queue:
        assert (
            _request(base, tokens["registrar"], "POST", f"/contracts/{contract_id}/actions/accept")[
                0
            ]
            == 200
        )

    answers: dict[str, list[tuple[int, dict]]] = {"registrar": [], "registrar2": []}

    def work(user: str, order: list[int]) -> None:
        for contract_id in order:
            answers[user].append(
                _request(base, tokens[user], "POST", f"/contracts/{contract_id}/actions/register")
            )

    threads = [
        threading.Thread(target=work, args=("registrar", queue)),
        threading.Thread(target=work, args=("registrar2", list(reversed(queue)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    done = [body for answer in answers.values() for status, body in answer if status == 200]
    refused = [
        body["code"] for answer in answers.values() for status, body in answer if status != 200
    ]
    assert len(done) == CONTRACTS  # each contract registered exactly once
    assert set(refused) <= {"transition_not_allowed"}  # the other registrar found it done
    numbers = sorted(body["registration_number"] for body in done)
    assert len(set(numbers)) == CONTRACTS
    serials = [int(number[-6:]) for number in numbers]
    assert serials == list(range(serials[0], serials[0] + CONTRACTS))  # no gap

    _assert_database_intact(served.database_url)
    _assert_statistics_follow(base, tokens["registrar"], numbers)


def _assert_statistics_follow(base: str, token: str, numbers: list[str]) -> None:
    """The refresher beside the server brings the new registrations into the figures."""
    import time

    year = numbers[0][:4]
    deadline = time.monotonic() + 60
    while True:
        status, table = _request(base, token, "GET", f"/stats/tables/overview?period={year}")
        counted = status == 200 and table["rows"] and int(table["rows"][0]["count"]) >= len(numbers)
        if counted or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert counted, (status, table)


def _assert_database_intact(url: str) -> None:
    """The server's workers and the statistics refresher shared the file without damaging it."""
    if not url.startswith("sqlite:///"):
        return
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
