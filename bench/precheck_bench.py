"""Benchmark: pre-check of a 20-page contract (issue #13: at most 1 s, docx and pdf).

    PYTHONPATH=src .venv/bin/python bench/precheck_bench.py [--pages 20] [--runs 5]

Writes one synthetic development contract with a long technical annex (`--pages` A4 pages as
WeasyPrint lays it out) as .docx and .pdf, then times, in the same run and on the same bytes:

* the baseline: plain text extraction only (python-docx paragraphs and tables; pypdfium2 text);
* the full pre-check: extraction + fields + type suggestion + every rule;

and prints the median and worst of `--runs` for each, the rules' share, and the page count.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import date

from techmarket.interchange.documents import read_document
from techmarket.interchange.precheck import precheck_document
from techmarket.synth.contract_documents import generate_document
from techmarket.synth.document_files import document_bytes


def _timed(work, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # 28 annex paragraphs fill a little under a page; --pages 20 lays out as 20 A4 pages
    document = generate_document(20, "development", "commissioned", pages=args.pages + 1)
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    for fmt in ("docx", "pdf"):
        data = document_bytes(document, fmt)
        text = read_document(data, f"c.{fmt}")
        base = _timed(lambda data=data, fmt=fmt: read_document(data, f"c.{fmt}"), args.runs)
        full = _timed(
            lambda data=data, fmt=fmt: precheck_document(data, f"c.{fmt}", today=date(2025, 6, 30)),
            args.runs,
        )
        pages = f"{text.pages} pages, " if text.pages else ""
        print(
            f"{fmt}: {pages}{len(data) / 1024:.0f} KiB, {len(text.lines)} lines | "
            f"text only: median {statistics.median(base):.3f} s, worst {max(base):.3f} s | "
            f"full pre-check: median {statistics.median(full):.3f} s, worst {max(full):.3f} s | "
            f"rules and fields add {statistics.median(full) - statistics.median(base):.3f} s "
            f"({statistics.median(full) / statistics.median(base):.2f}× the baseline) | "
            f"target 1 s: {'met' if max(full) <= 1.0 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
