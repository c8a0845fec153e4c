"""Text with a NUL character is refused at the door, whatever the page or API call.

PostgreSQL cannot store or even compare text holding U+0000 (psycopg raises `DataError` deep in
a query: a 500), and SQLite would store it silently; no form, file name or code of this platform
has a use for it. The API's fuzzing found it in a form field of the import call.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from techmarket.api.problems import problem

MESSAGE = "请求中含有不允许的空字符（\\0），请删除后重试"
MESSAGE_EN = "the request holds a NUL character (\\0), which no field accepts; remove it"


def _has_nul(request: HttpRequest) -> bool:
    def any_nul(data) -> bool:  # type: ignore[no-untyped-def]
        return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)

    if "\x00" in request.path or any_nul(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type == "application/x-www-form-urlencoded":
        return any_nul(request.POST)
    # A multipart body is not parsed here: its upload handlers must refuse an oversized file
    # inside the view, where the refusal becomes a problem (api/uploads.py); the services look
    # the form's values up themselves (e.g. `selectors.agency_by_code`).
    if request.content_type == "application/json":  # other bodies are files: any byte goes
        body = request.body
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


class RefuseNulCharacters:
    """Middleware: a request carrying U+0000 anywhere but a file's content is refused (422 in the
    API's problem format, 400 for a page) before any view or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return problem(422, "nul_character", MESSAGE, MESSAGE_EN)
            return HttpResponseBadRequest(f"{MESSAGE}\n{MESSAGE_EN}\n", content_type="text/plain")
        return self.get_response(request)
