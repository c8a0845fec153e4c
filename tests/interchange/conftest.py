"""Fixtures for the interchange tests: a complete valid record in canonical strings."""

from __future__ import annotations

import pytest

from techmarket.domain.fields import RECORD_FIELDS
from techmarket.interchange.writers import EXAMPLE_RECORD

RECORD_KEYS = [f.key for f in RECORD_FIELDS]
REQUIRED_KEYS = [f.key for f in RECORD_FIELDS if f.required]


@pytest.fixture
def record() -> dict[str, str]:
    return dict(EXAMPLE_RECORD)
