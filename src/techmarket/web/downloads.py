"""What the pages hand out: a file a writer produces, and a link to the same view changed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse, QueryDict

from techmarket.exports.model import TableResult
from techmarket.exports.pdf import write_pdf
from techmarket.exports.xlsx import write_report


def written_file(write: Callable[[Path], object], suffix: str, filename: str) -> FileResponse:
    """Run a writer that takes a path (the exports' writers do), and send what it wrote as a
    download; the temporary file is gone from the disk once the response is sent."""
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        write(path)
        stream = path.open("rb")
    finally:
        path.unlink()  # an open handle keeps the bytes until the response is sent
    return FileResponse(stream, as_attachment=True, filename=filename)


def table_file(table: TableResult, kind: str, title: str, filename: str) -> FileResponse:
    """Exactly the table on screen as `kind` ("xlsx": the workbook in exact figures, as the
    CLI's `stats report`; "pdf": with its chart, as the CLI's PDF report)."""
    if kind == "pdf":
        return written_file(lambda path: write_pdf(path, [table], title=title), ".pdf", filename)
    return written_file(lambda path: write_report(path, [table]), ".xlsx", filename)


def with_query(query: QueryDict, **changes: str | None) -> str:
    """`?…`: the current view's query with some parameters replaced (None removes one)."""
    new = query.copy()
    for key, value in changes.items():
        new.pop(key, None)
        if value is not None:
            new[key] = value
    return "?" + new.urlencode()
