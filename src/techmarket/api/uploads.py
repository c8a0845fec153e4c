"""Upload limits enforced while the request body arrives, not after it has all been stored.

Django spools a large upload to a temporary file before any view runs; without this handler an
oversized attachment would be written to disk whole and only then refused. The handler refuses
it as soon as Content-Length (or the bytes received) pass the route's limit; the error travels
through the API's exception handlers like any other refusal, as a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from techmarket.domain.problems import FileProblem
from techmarket.registry.attachments import max_bytes, too_large
from techmarket.registry.import_jobs import import_too_large

# Multipart boundaries, part headers and small form fields around the file itself.
MULTIPART_SLACK = 64 * 1024


class Limit(NamedTuple):
    route: re.Pattern[str]
    limit: Callable[[], int]
    refusal: Callable[[int], FileProblem] = too_large
    # A page's form: the refusal cannot be raised here, since the CSRF check reads the form
    # before any view runs and would turn it into a server error. The file is dropped instead,
    # the rest of the body read and thrown away, and the refusal left on the request as
    # `request.refused_upload` for the view to show beside the form (pages cannot import this
    # module: the front ends are independent of one another).
    page: bool = False


# The uploads that have a limit; other uploads pass untouched.
LIMITS: tuple[Limit, ...] = (
    Limit(re.compile(r"/api/v1/contracts/[^/]+/attachments/?"), max_bytes),
    Limit(re.compile(r"/contracts/\d+/attachments/?"), max_bytes, page=True),  # contract page
    Limit(re.compile(r"/imports/"), max_bytes, import_too_large, page=True),  # bulk import page
    Limit(re.compile(r"/api/v1/(achievements|demands)/import/?"), max_bytes, import_too_large),
    Limit(re.compile(r"/market/import/"), max_bytes, import_too_large, page=True),  # listings
)


def limit_for(request: HttpRequest | None) -> Limit | None:
    if request is None or request.method != "POST":
        return None
    path = request.path_info
    return next((limit for limit in LIMITS if limit.route.fullmatch(path)), None)


class UploadSizeLimit(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on, unless the upload is over its limit."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.route = limit_for(request)
        self.limit = self.route.limit() if self.route else None
        self.over = False  # the whole body is: a page's file is dropped at its first chunk

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        if self.limit is not None and content_length > self.limit + MULTIPART_SLACK:
            self.over = True
            if not self._page():  # a page reads on: the CSRF token comes before the file
                raise self._refusal()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.limit is not None and (self.over or start + len(raw_data) > self.limit):
            if not self._page():
                raise self._refusal()
            self.request.refused_upload = self._refusal()  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _page(self) -> bool:
        return self.route is not None and self.route.page and self.request is not None

    def _refusal(self) -> FileProblem:
        assert self.route is not None and self.limit is not None
        return self.route.refusal(self.limit)
