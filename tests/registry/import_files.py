"""Small import files in memory, for the background import tests (service, pages, browser)."""

from __future__ import annotations

import csv
import io

from tests.domain.builders import valid_row


def rows(n: int, **overrides: str) -> list[dict[str, str]]:
    return [valid_row(external_id=f"GZ-{i}", **overrides) for i in range(1, n + 1)]


def csv_bytes(records: list[dict[str, str]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return text.getvalue().encode("utf-8")


def good_csv(n: int = 3) -> io.BytesIO:
    return io.BytesIO(csv_bytes(rows(n)))


def bad_csv() -> io.BytesIO:
    """Three rows, the second with no contract name and the third with a bad amount."""
    records = rows(3)
    records[1]["name"] = ""
    records[2]["total_amount"] = "很多"
    return io.BytesIO(csv_bytes(records))
