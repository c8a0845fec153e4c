"""The plan's projection chart: each indicator in percent of its target, the target at 100 %."""

from __future__ import annotations

from techmarket.exports.charts import progress_chart_option

INDICATORS = [
    {
        "name": "技术合同成交额",
        "year": 2025,
        "target": "1000.00",
        "actual": "520.00",
        "completion_pct": "52.00",
        "elapsed_pct": "49.73",
        "projected": "1150.00",
    },
    {
        "name": "高新技术企业数",
        "year": 2025,
        "target": "0",
        "actual": "3",
        "completion_pct": None,
        "elapsed_pct": "49.73",
        "projected": None,
    },
]


def test_indicators_with_a_target_are_drawn_in_percent_of_it():
    option = progress_chart_option(INDICATORS, "计划")
    assert option["yAxis"]["data"] == ["技术合同成交额 2025"]  # no target, no bar
    done, elapsed, projected = (s["data"] for s in option["series"])
    assert (done, elapsed, projected) == ([52.0], [49.73], [115.0])
    assert option["xAxis"]["max"] == 120.0  # the axis holds the largest bar and the target
    assert option["series"][0]["markLine"]["data"] == [{"xAxis": 100}]


def test_no_chart_without_any_target():
    assert progress_chart_option(INDICATORS[1:], "计划") is None
