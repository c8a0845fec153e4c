"""Hard filters: a listing is out only when what it states contradicts the search."""

import numpy as np

from techmarket.matching.filters import FilterColumns, Filters, region_fit, region_prefix
from techmarket.matching.listing import ListingText

LISTINGS = [
    ListingText("guangzhou", field="05", region="440106", modes=frozenset({"技术转让"}),
                amount_fen=50_000_000, maturity="通过中试"),
    ListingText("guangdong", field="05", region="440000", modes=frozenset({"许可"}),
                amount_fen=200_000_000, maturity="正在研发"),
    ListingText("beijing", field="01", region="110108", modes=frozenset({"合作开发"}),
                amount_fen=None, maturity="可以量产"),
    ListingText("blank"),
]  # fmt: skip
COLUMNS = FilterColumns.from_listings(LISTINGS)


def passing(filters: Filters) -> list[str]:
    mask = COLUMNS.mask(filters)
    return [doc.id for doc, keep in zip(LISTINGS, mask, strict=True) if keep]


def test_no_filters_means_no_mask():
    assert COLUMNS.mask(None) is None and COLUMNS.mask(Filters()) is None


def test_field_keeps_the_field_and_the_listings_that_state_none():
    assert passing(Filters(fields=frozenset({"05"}))) == ["guangzhou", "guangdong", "blank"]


def test_region_keeps_listings_inside_the_area_and_those_covering_it():
    # Guangzhou: the Tianhe listing lies inside, the province-wide one covers it, Beijing is out.
    assert passing(Filters(region="440100")) == ["guangzhou", "guangdong", "blank"]
    assert passing(Filters(region="110000")) == ["beijing", "blank"]


def test_region_prefixes_and_fits():
    assert region_prefix("440000") == "44" and region_prefix("440100") == "4401"
    assert region_prefix("440106") == "440106" and region_prefix("000000") == ""
    assert region_fit("440100", "440106") == "within"
    assert region_fit("440100", "440000") == "broader"
    assert region_fit("440100", "110108") == "outside"
    assert region_fit("440100", None) == "unknown"


def test_modes_fold_synonyms_and_keep_listings_that_state_none():
    assert passing(Filters(modes=frozenset({"转让"}))) == ["guangzhou", "blank"]
    assert passing(Filters(modes=frozenset({"联合开发"}))) == ["beijing", "blank"]
    assert passing(Filters(modes=frozenset({"作价入股"}))) == ["blank"]


def test_a_budget_excludes_dearer_listings_but_not_negotiable_ones():
    assert passing(Filters(max_amount_fen=100_000_000)) == ["guangzhou", "beijing", "blank"]
    assert passing(Filters(min_amount_fen=100_000_000)) == ["guangdong", "beijing", "blank"]


def test_maturity_needed_excludes_less_mature_achievements():
    assert passing(Filters(min_maturity="通过中试")) == ["guangzhou", "beijing", "blank"]
    assert passing(Filters(max_maturity="通过小试")) == ["guangdong", "blank"]


def test_filters_combine():
    found = passing(Filters(fields=frozenset({"05"}), region="440100", max_amount_fen=100_000_000))
    assert found == ["guangzhou", "blank"]
    assert COLUMNS.mask(Filters(region="440100")).dtype == np.bool_
