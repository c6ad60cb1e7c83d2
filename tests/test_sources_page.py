"""The sources page through AppTest: every published figure with the value the dashboard holds
and whether it reproduces it, in both languages; filters change the rows and live in the URL;
links are links, never markdown; the events are listed; the table downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import i18n, published

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "views/sources.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures_table(at: AppTest):
    return at.dataframe[0].value


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_figure_with_its_check_in_both_languages(frames, lang):
    at = app(lang=lang)
    assert at.title[0].value == i18n.t("sources_title", lang)
    table = figures_table(at)
    expected = published.check_table(frames)
    assert len(table) == expected.height == len(published.figures())
    col = i18n.t("col_reproduced", lang)
    assert set(table[col]) <= {"✓", "✗"}
    assert list(table[col]).count("✗") == expected.filter(~expected["reproduced"]).height
    roles = set(table[i18n.t("src_role", lang)])
    assert {i18n.t("figrole_current", lang), i18n.t("figrole_alternative", lang)} <= roles
    assert i18n.t("figrole_earlier_estimate", lang) in roles
    links = [v for v in table[i18n.t("col_link", lang)] if isinstance(v, str)]
    assert links and all(v.startswith(("https://", "http://")) for v in links)
    # SI coverage at the end of 2022: 38.08 % current (Prime Minister), 38.01 % (SGGP) beside it
    quote_col = i18n.t("col_quote", lang)
    assert any("38.01" in q or "38,01" in q for q in table[quote_col])
    events = at.dataframe[1].value
    assert len(events) == published.events().height
    assert i18n.t("events_title", lang) in [s.value for s in at.subheader]


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_filters_change_the_rows_and_live_in_the_url(lang):
    at = app(lang=lang)
    every = len(figures_table(at))
    at.selectbox(key="fig_role").set_value("alternative").run()
    alternatives = figures_table(at)
    n_alt = sum(1 for f in published.figures() if f.role == published.ALTERNATIVE)
    assert len(alternatives) == n_alt < every
    assert at.query_params["fig_role"] == "alternative"
    at.selectbox(key="fig_role").set_value("all").run()
    at.selectbox(key="place").set_value("An Giang").run()
    places = set(figures_table(at)[i18n.t("src_place", lang)])
    assert places == {"An Giang"}
    at.selectbox(key="place").set_value("all").run()
    at.toggle(key="not_reproduced").set_value(True).run()
    bad = figures_table(at)
    assert 0 < len(bad) < every and set(bad[i18n.t("col_reproduced", lang)]) == {"✗"}
    assert at.query_params["bad"] == "1"


def test_a_link_with_the_filters_reproduces_the_view():
    at = app(lang="en", fig_measure="si_coverage_rate", year="2022")
    table = figures_table(at)
    assert len(table) > 0
    assert set(table["Period"]) <= {f"{m} 2022" for m in i18n._MONTHS_EN}
    assert all(m.startswith("SI coverage") for m in table["Measure"])


def test_the_figures_download_as_published(deferred_files):
    at = app(lang="en")
    names = {b.key: deferred_files[b.proto.deferred_file_id] for b in at.get("download_button")}
    assert set(names) == {"csv_sources", "xlsx_sources", "parquet_sources"}
    assert names["csv_sources"][0] == "vss_published_figures.csv"  # published: no _demo


@pytest.fixture
def deferred_files(monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager

    found = {}
    register = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = register(self, data_callable, mimetype, coordinates, file_name, **kw)
        found[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return found
