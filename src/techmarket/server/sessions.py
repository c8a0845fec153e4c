"""Django's database sessions, read with a prepared query (`server.rows`).

Every signed-in request reads its session first; the ORM compiled that one-line query anew
each time. The expiry is compared here instead of in SQL, which is the same rule.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from techmarket.server.rows import rows


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):  # type: ignore[no-untyped-def]
        found = rows(self.model, where={"session_key": self.session_key})
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
