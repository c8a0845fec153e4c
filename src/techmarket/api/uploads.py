"""Upload limits enforced while the request body arrives, not after it has all been stored.

Django spools a large upload to a temporary file before any view runs; without this handler an
oversized attachment would be written to disk whole and only then refused. The handler refuses
it as soon as Content-Length (or the bytes received) pass the route's limit; the error travels
through the API's exception handlers like any other refusal, as a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from techmarket.registry.attachments import max_bytes, too_large

# Multipart boundaries, part headers and small form fields around the file itself.
MULTIPART_SLACK = 64 * 1024
# (route, limit in bytes) for the uploads that have one; other uploads pass untouched.
LIMITS: tuple[tuple[re.Pattern[str], Callable[[], int]], ...] = (
    (re.compile(r"/api/v1/contracts/[^/]+/attachments/?"), max_bytes),
    (re.compile(r"/contracts/\d+/attachments/?"), max_bytes),  # the contract page's upload
)


def limit_for(request: HttpRequest | None) -> int | None:
    if request is None or request.method != "POST":
        return None
    path = request.path_info
    return next((limit() for route, limit in LIMITS if route.fullmatch(path)), None)


class UploadSizeLimit(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on, unless the upload is over its limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = limit_for(request)

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        if self.limit is not None and content_length > self.limit + MULTIPART_SLACK:
            raise too_large(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.limit is not None and start + len(raw_data) > self.limit:
            raise too_large(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
