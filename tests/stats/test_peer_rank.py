"""A region's rank among its peers: the engine's own ranking, and nothing else leaves."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from techmarket.accounts.services import save_agency
from techmarket.domain.problems import PermissionDenied
from techmarket.registry.actors import system_actor
from techmarket.stats import refresher
from techmarket.stats.levels import peer_level
from techmarket.stats.queries import PeerRank, rank_among_peers, read_tables
from techmarket.synth.contracts import generate
from tests.stats.helpers import import_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cities(tmp_path, records, monkeypatch):
    """Guangzhou's 400 contracts and 60 of Shenzhen's agency, published."""
    shenzhen, _ = save_agency("C440300", name="深圳市技术合同登记处", region="440300")
    rows = generate(
        60,
        years=[2024, 2025],
        region="440300",
        seed=9,
        as_registered=True,
        agency_code="C440300",
        today=date(2026, 1, 1),
    )
    import_registered(shenzhen, rows)
    path = tmp_path / "stats.duckdb"
    refresher.refresh(path)
    return path


def test_guangzhou_ranks_among_all_cities_as_the_national_ranking_says(two_cities, analyst):
    from techmarket.stats.queries import parse_scope

    ranking = read_tables(
        system_actor(),
        ["by_region"],
        parse_scope("2025", "000000", "registered", level="city"),
        path=two_cities,
    ).tables[0]
    expected = {row["code"]: row["rank"] for row in ranking.rows}
    found = rank_among_peers(analyst, "440100", "2025", path=two_cities)
    assert (found.level, found.rank, found.peers) == ("city", expected["440100"], 2)
    assert found.rank == 1  # 400 contracts against 60


def test_only_the_rank_leaves_never_another_regions_figures(two_cities, analyst):
    assert {f.name for f in fields(PeerRank)} == {"level", "rank", "peers", "freshness"}


def test_a_region_outside_the_readers_jurisdiction_is_refused(two_cities):
    from tests.conftest import _person

    guangzhou = _person("guangzhou_analyst", "analyst", agency="C440100")
    assert rank_among_peers(guangzhou, "440100", "2025", path=two_cities).rank == 1
    with pytest.raises(PermissionDenied):
        rank_among_peers(guangzhou, "440300", "2025", path=two_cities)  # Shenzhen's own rank


@pytest.mark.parametrize(
    ("region", "level"),
    [("440000", "province"), ("110000", "province"), ("440100", "city"), ("440106", "county")],
)
def test_peers_are_the_regions_of_the_same_level(region, level):
    assert peer_level(region) == level
