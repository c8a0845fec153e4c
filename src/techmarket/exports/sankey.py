"""The flows between regions drawn as a two-column Sankey diagram, in SVG, by the server.

The bundled ECharts build (the common one, 0.7 MB) has no Sankey series and the full build
alone would pass the page-weight limit of 1 MB, so the diagram is laid out here: sellers'
places on the left, buyers' places on the right, each place as tall as its turnover, each flow a
band as wide as its own. No script and no inline style (the pages' CSP): fills and opacity are
SVG attributes, and each band's <title> is its tooltip. The table below the diagram holds every
figure; the diagram shows the largest flows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

WAN = Decimal(10000)
MIN_LABELLED = 11  # px: a place drawn thinner than a line of text is named by its tooltip
# Distinct enough side by side, and readable on white (ECharts' default palette).
PALETTE = (
    "#5470c6",
    "#91cc75",
    "#fac858",
    "#ee6666",
    "#73c0de",
    "#3ba272",
    "#fc8452",
    "#9a60b4",
    "#ea7ccc",
)


@dataclass(frozen=True)
class Layout:
    width: int = 960
    height: int = 520
    label: int = 190  # room for the place names on each side
    node: int = 14  # width of a place's bar
    gap: int = 6  # between two places on one side
    top: int = 8


def _wan(value: Decimal) -> str:
    return f"{value / WAN:,.2f}"


def _places(flows: Sequence[Mapping[str, object]], side: str) -> list[tuple[str, str, Decimal]]:
    """(code, name, turnover) of one side's places, largest first."""
    totals: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for flow in flows:
        code = str(flow[f"{side}_place"])
        totals[code] = totals.get(code, Decimal(0)) + Decimal(str(flow["total_amount"]))
        names[code] = str(flow[f"{side}_place_name"])
    return sorted(
        ((code, names[code], total) for code, total in totals.items()), key=lambda p: -p[2]
    )


def sankey_svg(
    rows: Sequence[Mapping[str, object]],
    *,
    most: int = 30,
    english: bool = False,
    within: str = "",
    layout: Layout = Layout(),
) -> str:
    """The SVG of the `most` largest flows (rows of the flow_matrix table), or "" without any.

    `within`: the scope region's full name, left out of the places inside it ("越秀区", not
    "广东省广州市越秀区"). A place too thin for its name is named by its tooltip only."""
    flows = [r for r in rows if Decimal(str(r["total_amount"])) > 0][:most]
    if not flows:
        return ""
    sellers, buyers = _places(flows, "seller"), _places(flows, "buyer")
    whole = sum((p[2] for p in sellers), Decimal(0))
    usable = layout.height - 2 * layout.top - layout.gap * (max(len(sellers), len(buyers)) - 1)
    scale = Decimal(max(usable, 40)) / whole

    def stack(places: list[tuple[str, str, Decimal]]) -> dict[str, tuple[float, float]]:
        y, at = float(layout.top), {}
        for code, _, total in places:
            at[code] = (y, float(total * scale))
            y += float(total * scale) + layout.gap
        return at

    left, right = stack(sellers), stack(buyers)
    x0 = layout.label
    x1 = layout.width - layout.label - layout.node
    colour = {code: PALETTE[i % len(PALETTE)] for i, (code, _, _) in enumerate(sellers)}
    out_at = {code: y for code, (y, _) in left.items()}
    in_at = {code: y for code, (y, _) in right.items()}
    order = {code: i for i, (code, _, _) in enumerate(buyers)}
    bands = []
    # Bands leave each seller's place in the order of the buyers' column, so they cross less.
    for flow in sorted(flows, key=lambda f: (str(f["seller_place"]), order[str(f["buyer_place"])])):
        seller, buyer = str(flow["seller_place"]), str(flow["buyer_place"])
        thick = float(Decimal(str(flow["total_amount"])) * scale)
        ys, yb = out_at[seller], in_at[buyer]
        out_at[seller] += thick
        in_at[buyer] += thick
        xa, xb = x0 + layout.node, x1
        mid = (xa + xb) / 2
        path = (
            f"M{xa:.1f},{ys:.1f} C{mid:.1f},{ys:.1f} {mid:.1f},{yb:.1f} {xb:.1f},{yb:.1f} "
            f"L{xb:.1f},{yb + thick:.1f} C{mid:.1f},{yb + thick:.1f} {mid:.1f},{ys + thick:.1f} "
            f"{xa:.1f},{ys + thick:.1f} Z"
        )
        unit = "10k yuan" if english else "万元"
        count = f"{flow['count']} contracts" if english else f"{flow['count']} 项"
        tip = (
            f"{flow['seller_place_name']} → {flow['buyer_place_name']}: "
            f"{count}, {_wan(Decimal(str(flow['total_amount'])))} {unit}"
        )
        bands.append(
            f'<path d="{path}" fill="{colour[seller]}" fill-opacity="0.45">'
            f"<title>{escape(tip)}</title></path>"
        )
    nodes = []
    for places, at, x, anchor, text_x in (
        (sellers, left, x0, "end", x0 - 6),
        (buyers, right, x1, "start", x1 + layout.node + 6),
    ):
        for code, full, total in places:
            y, h = at[code]
            name = full.removeprefix(within) if within and full != within else full
            fill = colour.get(code, "#8a8f98") if places is sellers else "#8a8f98"
            nodes.append(
                f'<rect x="{x}" y="{y:.1f}" width="{layout.node}" height="{max(h, 1):.1f}" '
                f'fill="{fill}"><title>{escape(full)}: {_wan(total)}</title></rect>'
            )
            if h >= MIN_LABELLED:
                nodes.append(
                    f'<text x="{text_x}" y="{y + h / 2:.1f}" text-anchor="{anchor}" '
                    f'dominant-baseline="middle" font-size="12">{escape(name)} {_wan(total)}'
                    "</text>"
                )
    heading = ("Sellers' places", "Buyers' places") if english else ("卖方所在地", "买方所在地")
    summary = (
        f"The {len(flows)} largest flows between regions, by turnover"
        if english
        else f"地区间技术流向（成交额最大的 {len(flows)} 条）"
    )
    height = layout.height + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} {height}" '
        f'role="img" aria-label="{escape(summary)}" class="sankey">'
        f"<title>{escape(summary)}</title>"
        f'<g transform="translate(0,20)">{"".join(bands)}{"".join(nodes)}</g>'
        f'<text x="{x0 + layout.node}" y="12" text-anchor="end" font-size="12" '
        f'font-weight="bold">{heading[0]}</text>'
        f'<text x="{x1}" y="12" font-size="12" font-weight="bold">{heading[1]}</text>'
        "</svg>"
    )
