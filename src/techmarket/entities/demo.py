"""A slice of the synthetic Guangzhou entity lists for `techmarket demo`, through the importer.

About one in a hundred of the calibrated high-tech certificates (2013–2023) with their rename
notices, a few incubators with residents, a potential list and a training list, so the demo
bureau's pages, counts and plan indicators have something to show. Re-running adds nothing:
the imports are idempotent.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from techmarket.codes.regions import is_within
from techmarket.entities.importer import import_entities
from techmarket.registry.actors import system_actor
from techmarket.synth import entities as synth

SCALE = 0.01


def _file(rows: list[dict[str, str]]) -> io.BytesIO:
    out = io.StringIO()
    keys = list(rows[0])
    writer = csv.DictWriter(out, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def load_entities_demo(*, region: str, seed: int, now: datetime) -> dict[str, int]:
    """Import the slice when the demo city is Guangzhou (the lists are calibrated to it)."""
    summary = {"recognitions": 0, "renames": 0, "residents": 0, "candidates": 0, "trained": 0}
    if not is_within("440106", region):
        return summary
    operator = system_actor()
    register = synth.generate(seed=seed, scale=SCALE)
    carriers = synth.incubators(seed=seed, count=6)
    lists = [
        ("recognitions", "high_tech_enterprise", register.high_tech),
        ("renames", "rename", register.renames),
        ("recognitions", "incubator", carriers),
        ("residents", "incubator_resident", synth.residents(carriers, seed=seed, per_carrier=6)),
        ("candidates", "candidate", synth.candidates(register, 2024, seed=seed, per_district=4)),
        ("trained", "trained_person", synth.trained_people(seed=seed, count=40)),
    ]
    for key, kind, rows in lists:
        if not rows:
            continue
        result = import_entities(kind, _file(rows), name=f"{kind}.csv", actor=operator, now=now)
        if not result.ok:
            raise RuntimeError(f"demo {kind} list: {result.problems[:3]}")
        summary[key] += result.created + result.updated
    return summary
