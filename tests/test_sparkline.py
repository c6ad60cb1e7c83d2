"""KPI sparklines: an SVG with a text alternative; a year-to-date measure drawn year by year so
January's restart does not look like a collapse (issue 16)."""

from __future__ import annotations

from datetime import date

from vss_dash import catalog, charts
from vss_dash.ui import widgets


def _months(n: int, start: date = date(2024, 9, 30)) -> list[date]:
    out, y, m = [], start.year, start.month
    for _ in range(n):
        out.append(date(y, m, 28))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_sparkline_has_text_alternative():
    svg = charts.sparkline_svg(_months(3), [1.0, 2.0, 3.0], "SI <participants>")
    assert 'role="img"' in svg
    assert 'aria-label="SI &lt;participants&gt;"' in svg
    assert "<title>SI &lt;participants&gt;</title>" in svg
    assert svg.count("<polyline") == 1


def test_ytd_sparkline_breaks_at_january():
    periods = _months(6)  # Sep 2024 .. Feb 2025
    values = [90.0, 100.0, 110.0, 120.0, 10.0, 20.0]
    one = charts.sparkline_svg(periods, values, "x")
    by_year = charts.sparkline_svg(periods, values, "x", by_year=True)
    assert one.count("<polyline") == 1
    assert by_year.count("<polyline") == 2  # no line drawn down from December to January
    assert by_year.count("<line ") == 1  # the new year's tick


def test_missing_values_break_the_line():
    svg = charts.sparkline_svg(_months(5), [1.0, 2.0, None, 3.0, 4.0], "x")
    assert svg.count("<polyline") == 2


def test_which_measures_restart_in_january():
    assert charts.resets_in_january("revenue_collected")
    assert charts.resets_in_january("revenue_plan_completion")
    assert not charts.resets_in_january("si_participants")
    assert not charts.resets_in_january("si_coverage_rate")


def test_the_text_alternative_writes_a_month_mid_sentence_in_lower_case():
    """Issue 25: "từ 1 (tháng 9/2024) đến …", the month inside the alt sentence."""
    m = catalog.get("si_participants")
    periods = _months(2)  # Sep, Oct 2024
    vi = widgets.sparkline(m, periods, [1.0, 2.0], "vi")
    assert "(tháng 9/2024)" in vi and "(tháng 10/2024)" in vi and "Tháng" not in vi
    en = widgets.sparkline(m, periods, [1.0, 2.0], "en")
    assert "(September 2024)" in en and "(October 2024)" in en
