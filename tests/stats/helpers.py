"""Small builders shared by the statistics tests."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from techmarket.registry.actors import system_actor
from techmarket.registry.importer import import_records


def import_registered(agency, rows, *, as_registered=True):
    """Import rows through the real importer (as registered contracts by default)."""
    result = import_records(
        list(enumerate(rows, start=1)),
        agency=agency,
        actor=system_actor(agency),
        now=timezone.now(),
        as_registered=as_registered,
    )
    assert result.ok, result.problems[:3]
    return result


def figures_between(rows, first, last, key=lambda row: "total"):
    """[count, 成交额, 技术交易额] by key of the rows registered from ``first`` to ``last``."""
    totals = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for row in rows:
        if first <= row["registered_on"] <= last:
            bucket = totals[key(row)]
            bucket[0] += 1
            bucket[1] += Decimal(row["total_amount"])
            bucket[2] += Decimal(row["tech_amount"])
    return totals
