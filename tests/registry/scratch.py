"""A database of its own for tests that run other processes (they cannot see a test transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """Yield a TECHMARKET_DATABASE_URL for an empty database of the same engine as the tests."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    dsn = f"host={settings['HOST']} port={settings['PORT']} user={settings['USER']} dbname=postgres"
    if settings.get("PASSWORD"):
        dsn += f" password={settings['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        yield (
            f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{name}"
        )
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
