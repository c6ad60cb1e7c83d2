"""The sources page through AppTest: every published figure with the value the dashboard holds
and whether it reproduces it, in both languages; filters change the rows and live in the URL;
links are links, never markdown; the events are listed; the table downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import cli, i18n, published
from vss_dash.ui import data_page, sources_page

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
    links = [v for v in table[i18n.t("col_link", lang)] if v]  # "" where none: never "None"
    assert all(isinstance(v, str) for v in table[i18n.t("col_link", lang)])
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


# ---------------------------------------------------------------- one answer on three surfaces


def _figure_key(lang: str, period, place, measure, value, role, decimals) -> tuple:
    """A figure as a row of the sources page and of the quality tab names it."""
    return (
        i18n.format_month(period, lang),
        sources_page._place_label(place, lang),
        sources_page.measure_label(measure, sources_page.base_measure(measure), lang),
        i18n.format_number(value, lang, max(decimals, 0)),
        sources_page.role_label(role, lang),
    )


def _row_keys(df, lang: str) -> list[tuple]:
    cols = ["col_period", "src_place", "col_measure", "col_published_value", "src_role"]
    return sorted(tuple(r) for r in df[[i18n.t(c, lang) for c in cols]].itertuples(index=False))


def test_the_sources_page_the_quality_tab_and_validate_agree(frames, capsys):
    """The same counts and the same verdict for every figure: `published.check` on all three."""
    lang = "en"
    checks = published.check(frames)
    n = published.tally(checks)
    bad = sorted(
        _figure_key(lang, c.figure.period, c.figure.geo_text, c.figure.measure,
                    c.figure.value, c.figure.role, c.figure.decimals)
        for c in checks
        if not c.ok
    )  # fmt: skip
    assert len(bad) == n.not_reproduced > n.current_not_reproduced > 0
    # the sources page: every figure, ✗ on exactly those
    at = app(lang=lang)
    table = figures_table(at)
    mark = table[i18n.t("col_reproduced", lang)]
    assert (list(mark).count("✓"), list(mark).count("✗")) == (n.reproduced, n.not_reproduced)
    assert _row_keys(table[mark == "✗"], lang) == bad
    summary = i18n.t("src_summary", lang, shown=n.figures, n=n.figures, ok=n.reproduced,
                     bad=n.not_reproduced)  # fmt: skip
    assert summary in [c.value for c in at.caption]
    # the data page's quality tab: the same rows, the same counts
    dq = AppTest.from_file(str(ROOT / "views/data.py"), default_timeout=TIMEOUT)
    dq.query_params["lang"] = lang
    dq.session_state[data_page.TAB_KEY] = i18n.t("tab_quality", lang)
    dq.run()
    assert not dq.exception
    listed = next(d.value for d in dq.tabs[1].dataframe if i18n.t("col_held", lang) in d.value)
    assert _row_keys(listed, lang) == bad
    warning = i18n.t("q_disagree_some", lang, k=n.not_reproduced, n=n.figures,
                     current=n.current_not_reproduced,
                     superseded=n.superseded_not_reproduced)  # fmt: skip
    assert warning in [w.value for w in dq.tabs[1].warning]
    # vss-dash validate: the same figures not reproduced, the same counts
    assert cli.main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert f"reproduced: {n.reproduced}/{n.figures} " in out
    assert f"current {n.current - n.current_not_reproduced}/{n.current}," in out
    said = sorted(re.findall(r"^.*?(\d{4}-\d{2}) (.+) (\S+) \(([a-z ]+)\): published", err, re.M))
    assert said == sorted(
        (c.figure.ym, c.figure.geo_text, c.figure.measure, c.figure.role)
        for c in checks
        if not c.ok
    )


# ---------------------------------------------------------------- every word in the page's language

_ID = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a catalogue id, a column name
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_EN_DECIMAL = re.compile(r"\d\.(?:\d{1,2}|\d{4,})\b")  # 30.0907, 1.69: vi writes 30,0907
_ENGLISH = ("percent", "billion VND", "Government of", "National Assembly", "Prime Minister",
            "of Viet Nam", "Law ", "earlier estimate", "None", "`")  # fmt: skip
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def _texts(block, lang: str) -> list[tuple[str, str]]:
    """(where, text) of every header, cell and caption of `block`; of quotes and addresses,
    given as the source wrote them, only a missing one (a table shows it as "None")."""
    verbatim = {i18n.t("col_quote", lang), i18n.t("col_link", lang)}
    out = []
    for d in block.dataframe:
        df = d.value
        out += [("header", str(c)) for c in df.columns]
        for c in df.columns:
            cells = ["None" if v is None or v != v else str(v) for v in df[c]]  # as shown
            out += [(str(c), v) for v in cells if c not in verbatim or v == "None"]
    for kind in ("caption", "warning", "success", "markdown", "subheader"):
        out += [(kind, e.value) for e in getattr(block, kind)]
    return out


def test_a_vietnamese_page_shows_no_english_words_ids_or_marks():
    """The sources page and the data page's quality tab in Vietnamese: units, publishers,
    measures, headers, dates and decimals in Vietnamese; no id, no "None", no markdown mark."""
    sources = app(lang="vi")
    data = AppTest.from_file(str(ROOT / "views/data.py"), default_timeout=TIMEOUT)
    data.query_params["lang"] = "vi"
    data.run()
    assert not data.exception
    found = []
    for where, text in _texts(sources, "vi") + _texts(data.tabs[1], "vi"):
        if where == i18n.t("col_source", "vi") and text.endswith((".csv", ".txt")):
            text = ""  # a file of the project, named by its path
        bad = [w for w in _ENGLISH if w in text]
        bad += _ID.findall(text) + _ISO_DAY.findall(text) + _EN_DECIMAL.findall(text)
        if bad:
            found.append((where, text[:80], bad))
    assert not found, found[:20]


def test_an_english_page_shows_no_vietnamese_unit_measure_or_role():
    at = app(lang="en")
    table = figures_table(at)
    for col in ("col_unit", "col_measure", "src_role", "col_held", "col_computed"):
        cells = [v for v in table[i18n.t(col, "en")] if _VIETNAMESE.search(str(v))]
        assert not cells, (col, cells[:5])
    assert "Bảo hiểm xã hội Việt Nam (VSS)" not in set(table[i18n.t("col_publisher", "en")])


def test_a_change_since_a_month_writes_the_month_in_lower_case_mid_sentence():
    """Issue 25: "… thay đổi so với tháng 9/2021", not "so với Tháng 9/2021"."""
    expr = "si_participants_change_vs_2021-09"
    base = sources_page.base_measure(expr)
    vi = sources_page.measure_label(expr, base, "vi")
    assert vi.endswith("thay đổi so với tháng 9/2021") and "Tháng" not in vi
    assert sources_page.measure_label(expr, base, "en").endswith("change since September 2021")
