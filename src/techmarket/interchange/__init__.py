"""File interchange: read and write contract records as CSV, JSON Lines or xlsx.

Pure Python and openpyxl (no Django), so the CLI, the web upload and scripts share one
reader and one writer and agree on the public formats of contract-format.md.
"""

from techmarket.interchange.readers import RecordSource, open_records
from techmarket.interchange.sources import FileInput
from techmarket.interchange.writers import write_problems, write_records, write_template

__all__ = [
    "FileInput",
    "RecordSource",
    "open_records",
    "write_problems",
    "write_records",
    "write_template",
]
