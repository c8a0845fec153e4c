"""The flows between regions as a Sankey diagram: valid SVG, bands and places to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from techmarket.exports.sankey import sankey_svg

SVG = "{http://www.w3.org/2000/svg}"


def _flow(seller, seller_name, buyer, buyer_name, total, count=1):
    return {
        "seller_place": seller,
        "seller_place_name": seller_name,
        "buyer_place": buyer,
        "buyer_place_name": buyer_name,
        "count": count,
        "total_amount": Decimal(total),
    }


FLOWS = [
    _flow("440106", "广州市天河区", "110000", "北京市", "3000000", 3),
    _flow("440106", "广州市天河区", "440112", "广州市黄埔区", "1000000"),
    _flow("440112", "广州市黄埔区", "110000", "北京市", "2000000", 2),
]


def _bands(root):
    return root.findall(f".//{SVG}path")


def _band_width(path) -> float:
    """A band's thickness: the distance between its two ends on the right (the L segment)."""
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", path.get("d"))]
    return round(numbers[9] - numbers[7], 1)  # "L x,y+t" after "… xb,yb"


def test_each_flow_is_a_band_as_wide_as_its_turnover():
    root = ET.fromstring(sankey_svg(FLOWS))
    bands = _bands(root)
    assert len(bands) == 3
    widths = sorted(_band_width(p) for p in bands)
    assert widths[2] / widths[0] == pytest.approx(3, rel=0.02)
    assert widths[1] / widths[0] == pytest.approx(2, rel=0.02)
    tips = sorted(p.find(f"{SVG}title").text for p in bands)
    assert "广州市天河区 → 北京市: 3 项, 300.00 万元" in tips


def test_places_are_labelled_on_both_sides_with_their_totals():
    text = " ".join(t.text for t in ET.fromstring(sankey_svg(FLOWS)).iter(f"{SVG}text"))
    assert "广州市天河区 400.00" in text and "北京市 500.00" in text
    assert "卖方所在地" in text and "买方所在地" in text


def test_names_are_escaped_and_nothing_is_drawn_without_flows():
    svg = sankey_svg([_flow("x", "<b>境外</b>", "y", "港澳台", "10")])
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)  # still well-formed
    assert sankey_svg([]) == ""
    assert sankey_svg([_flow("x", "a", "y", "b", "0")]) == ""


def test_english_words_for_an_english_reader():
    svg = sankey_svg(FLOWS, english=True)
    assert "Sellers' places" in svg and "3 contracts, 300.00 10k yuan" in svg


def test_places_inside_the_region_are_named_short_and_thin_ones_by_tooltip_only():
    flows = [*FLOWS, _flow("440111", "广州市白云区", "110000", "北京市", "1000")]
    svg = sankey_svg(flows, within="广州市")
    labels = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "天河区 400.00" in labels and "北京市 500.10" in labels
    assert not any(label.startswith("白云区") for label in labels)  # 0.1 万元: too thin
    assert "广州市白云区: 0.10" in svg  # still named, in its tooltip
