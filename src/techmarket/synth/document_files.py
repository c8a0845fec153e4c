"""Write a synthetic contract document as .txt, .docx (python-docx) or text-layer .pdf
(WeasyPrint with the Noto CJK fonts), so the readers are tested on the formats sellers upload."""

from __future__ import annotations

import html
import io

from techmarket.synth.contract_documents import Document

FORMATS = ("txt", "docx", "pdf")


def document_bytes(document: Document, fmt: str) -> bytes:
    if fmt == "txt":
        return document.text().encode("utf-8")
    if fmt == "docx":
        return _docx(document)
    if fmt == "pdf":
        return _pdf(document)
    raise ValueError(f"unknown format {fmt!r}")


def _docx(document: Document) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    for kind, content in document.blocks:
        if kind == "title":
            word.add_heading(str(content), level=1)
        elif kind == "h":
            word.add_heading(str(content), level=2)
        elif kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = word.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            word.add_paragraph(str(content))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


_CSS = """
@page { size: A4; margin: 2.2cm 2.5cm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt;
       line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; }
h2 { font-size: 12pt; margin: 0.8em 0 0.2em; }
p { margin: 0 0 0.3em; text-indent: 2em; }
table { border-collapse: collapse; margin-top: 1em; width: 100%; }
td { border: 1px solid #333; padding: 3pt 6pt; }
"""


def _pdf(document: Document) -> bytes:
    from weasyprint import HTML

    parts = [f"<html><head><meta charset='utf-8'><style>{_CSS}</style></head><body>"]
    for kind, content in document.blocks:
        if kind == "title":
            parts.append(f"<h1>{html.escape(str(content))}</h1>")
        elif kind == "h":
            parts.append(f"<h2>{html.escape(str(content))}</h2>")
        elif kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in content  # type: ignore[attr-defined]
            )
            parts.append(f"<table>{rows}</table>")
        else:
            parts.append(f"<p>{html.escape(str(content))}</p>")
    parts.append("</body></html>")
    return HTML(string="".join(parts)).write_pdf()
