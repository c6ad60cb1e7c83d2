"""The Data page through AppTest: the filter builder shows exactly the data layer's rows and keeps
its filters in the URL; the quality panel; and the upload path end to end (off by default, the
admin secret, a refused file that writes nothing, a clean file that becomes a new vintage)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import access, catalog, dataset, i18n, ingest, metrics, published, store
from vss_dash.paths import store_dir
from vss_dash.ui import data_import, data_page
from vss_harness.ingest_files import Wide

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(ROOT / "views" / "data.py")
SEP_2024 = date(2024, 9, 30)
SECRET = "correct horse battery staple"


def app(secrets: dict | None = None, tab: str = "", **params: str) -> AppTest:
    """The page run with these URL parameters and secrets; `tab` ("quality", "upload") opens
    that tab (only the open one runs)."""
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    if tab:
        at.session_state[data_page.TAB_KEY] = i18n.t(f"tab_{tab}", params.get("lang", "vi"))
    for k, v in params.items():
        at.query_params[k] = v
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    return at.run()


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch) -> Path:
    d = tmp_path / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    monkeypatch.setenv("VSS_DATA_DIR", str(d))
    monkeypatch.delenv("VSS_UPLOAD_SECRET", raising=False)
    monkeypatch.delenv("VSS_UPLOAD_ENABLED", raising=False)
    monkeypatch.setattr(data_import, "_SECRET_ATTEMPTS", access.Attempts(limit=5, window=300.0))
    return d


def frame_with(at: AppTest, column: str):
    """The first table on the page with `column` (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def digest(d: Path) -> str:
    return hashlib.sha256(b"".join((d / f).read_bytes() for f in store.FILES.values())).hexdigest()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_table_shows_the_data_layers_rows(frames, lang):
    params = dict(lang=lang, layout="P34", measures="hi_coverage_rate,si_participants",
                  provinces="01,79", **{"from": "2026-01", "to": "2026-03"})  # fmt: skip
    at = app(**params)
    assert not at.exception
    expected = dataset.table(frames, ("hi_coverage_rate", "si_participants"), "P34",
                             ("01", "79"), date(2026, 1, 31), date(2026, 3, 31), lang)  # fmt: skip
    shown = frame_with(at, i18n.t("col_code", lang))
    assert len(shown) == expected.height == 2 * 2 * 3
    value_col = i18n.t("col_value", lang)
    assert shown[value_col].tolist() == [
        i18n.format_value(r["value"], r["unit"], lang) for r in expected.iter_rows(named=True)
    ]
    assert i18n.t("data_rows", lang, n=12) in [c.value for c in at.caption]


def test_filters_live_in_the_url():
    at = app(lang="en")
    at.multiselect(key="measures").set_value(["late_payment_rate"]).run()
    at.selectbox(key="layout").set_value("P63").run()
    assert at.query_params["measures"] == "late_payment_rate"
    assert at.query_params["layout"] == "P63"
    # P63 ends in June 2025: the month range follows the layout
    assert at.selectbox(key="to").value == "2025-06"
    at.selectbox(key="from").set_value("2024-01").run()
    at.selectbox(key="to").set_value("2024-03").run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-01", "2024-03")
    assert i18n.t("data_rows", "en", n=3 * 63) in [c.value for c in at.caption]
    at.selectbox(key="from").set_value("2024-06").run()  # crossed: put in order
    assert i18n.t("data_rows", "en", n=4 * 63) in [c.value for c in at.caption]


def test_a_bad_url_value_falls_back_with_a_notice():
    at = app(lang="en", measures="si_participants,not_a_measure")
    assert not at.exception
    assert at.multiselect(key="measures").value == ["si_participants"]
    assert any(i18n.md_escape("not_a_measure") in w.value for w in at.warning)


def test_quality_panel_on_the_demo_store(frames):
    at = app(lang="en", tab="quality")
    assert not at.exception
    # listed: the figures published.check does not reproduce (tests/test_sources_page.py: the
    # same as the sources page and `vss-dash validate`), the current ones among them the five the
    # published record contradicts (tests/test_published.py)
    n = published.tally(published.check(frames))
    assert n.current_not_reproduced == 5
    warning = i18n.t("q_disagree_some", "en", k=n.not_reproduced, n=n.figures,
                     current=5, superseded=n.superseded_not_reproduced)  # fmt: skip
    assert warning in [w.value for w in at.warning]
    # the estimates that final figures replaced (December 2025) are revisions to compare
    assert "December 2025" in at.selectbox(key="revision_month").options[0]


def test_upload_is_off_unless_configured(tmp_store):
    at = app(lang="en", tab="upload")
    assert not at.file_uploader
    assert i18n.t("up_off", "en") in [i.value for i in at.info]


def test_upload_needs_the_admin_secret(tmp_store):
    at = app({"upload": {"admin_secret": SECRET}}, tab="upload", lang="en")
    assert not at.file_uploader
    at.text_input(key="up_secret").set_value("wrong")
    [b for b in at.button if b.label == i18n.t("up_unlock", "en")][0].click().run()
    assert i18n.t("up_secret_wrong", "en") in [e.value for e in at.error]
    assert not at.file_uploader
    at.text_input(key="up_secret").set_value(SECRET)
    [b for b in at.button if b.label == i18n.t("up_unlock", "en")][0].click().run()
    assert len(at.file_uploader) == 1


def test_wrong_admin_secrets_are_limited_and_logged(tmp_store, caplog):
    """Five wrong guesses in five minutes, from any session: the next guess is not checked,
    even the right one, and a new session does not reset the count."""
    for _ in range(5):
        at = app({"upload": {"admin_secret": SECRET}}, tab="upload", lang="en")
        at.text_input(key="up_secret").set_value("guess")
        [b for b in at.button if b.label == i18n.t("up_unlock", "en")][0].click().run()
        assert i18n.t("up_secret_wrong", "en") in [e.value for e in at.error]
    assert sum("wrong admin secret" in r.getMessage() for r in caplog.records) == 5
    at = app({"upload": {"admin_secret": SECRET}}, tab="upload", lang="vi")
    at.text_input(key="up_secret").set_value(SECRET)
    [b for b in at.button if b.label == i18n.t("up_unlock", "vi")][0].click().run()
    assert any(e.value.startswith("Đã nhập sai mã quản trị quá nhiều lần") for e in at.error)
    assert not at.file_uploader


def test_a_refused_upload_shows_the_report_and_writes_nothing(tmp_store, frames):
    w = Wide.from_store(frames, SEP_2024)
    rows = {("Ha Noj" if k == "Hà Nội" else k): v for k, v in w.rows.items()}
    before = digest(tmp_store)
    at = app({"upload": {"enabled": True}}, tab="upload", lang="en")
    at.file_uploader[0].set_value(("bad.csv", Wide(SEP_2024, rows).csv_bytes(),
                                               "text/csv")).run()  # fmt: skip
    assert not at.exception
    assert i18n.t("up_refused", "en", n=1) in [e.value for e in at.error]
    findings = frame_with(at, i18n.t("col_rule", "en"))
    assert "unknown_province" in findings[i18n.t("col_rule", "en")].tolist()
    assert not [b for b in at.button if b.label == i18n.t("up_store", "en")]
    assert digest(tmp_store) == before
    entry = ingest.log(tmp_store)[-1]  # the refusal is logged once, with who sent it
    assert (entry["outcome"], entry["file"]) == ("refused", "bad.csv")
    assert entry["by"].startswith("web:open-demo:")
    at.run()
    assert len(ingest.log(tmp_store)) == 1


def test_a_clean_upload_is_stored_as_a_new_vintage(tmp_store, frames):
    w = Wide.from_store(frames, SEP_2024)
    w.rows["Hà Nội"]["si_voluntary"] += 1234
    at = app({"upload": {"enabled": True}}, tab="upload", lang="vi")
    at.file_uploader[0].set_value(("thang9.csv", w.csv_bytes(), "text/csv")).run()
    assert not at.exception
    assert i18n.t("up_valid", "vi", w=1) in [s.value for s in at.success]
    assert len(frame_with(at, i18n.t("col_file_value", "vi"))) == 63 * 7
    at.button(key="up_store").click().run()
    assert not at.exception
    stored = [s.value for s in at.success if s.value.startswith("Đã lưu 441 giá trị")]
    assert stored, [s.value for s in at.success]
    fr = metrics.Frames.from_store(store.load(tmp_store))
    hn = metrics.value_at(fr, "si_voluntary", "P63", "01", SEP_2024)
    assert hn == w.rows["Hà Nội"]["si_voluntary"]
    entry = ingest.log(tmp_store)[-1]
    assert (entry["outcome"], entry["file"]) == ("stored", "thang9.csv")
    assert entry["by"].startswith("web:open-demo:")
    assert not at.file_uploader[0].value  # emptied: the same file is not stored twice by mistake
    # the quality tab, opened, now offers the month's two vintages to compare
    at.session_state[data_page.TAB_KEY] = i18n.t("tab_quality", "vi")
    at.run()
    assert not at.file_uploader  # only the open tab runs
    options = at.selectbox(key="revision_month").options
    assert "Tháng 9/2024" in options


def test_a_file_name_is_text_not_markdown(tmp_store):
    """#14: the name a sender gives a file reaches the page's markdown escaped."""
    name = "[Sign in](http:evil) ![t](http:evil.png) `x`.csv"  # no "/": it would be a folder
    at = app({"upload": {"enabled": True}}, tab="upload", lang="en")
    at.file_uploader[0].set_value((name, b"period,province,measure,value\n", "text/csv")).run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if "values" in m.value and "evil" in m.value)
    assert summary.startswith("**\\[Sign in\\]\\(http\\:evil\\) \\!\\[t\\]")
    assert "](" not in summary and "![" not in summary


def test_a_measure_without_values_is_named_not_dropped_silently():
    at = app(lang="en", layout="P34", measures="si_participants,ui_fund_support_employees")
    assert not at.exception
    label = catalog.get("ui_fund_support_employees").label("en")  # Res. 116 ended in 2022
    assert i18n.t("data_no_values", "en", names=label) in [c.value for c in at.caption]


def test_the_table_names_each_source_by_its_title(frames):
    at = app(lang="en", layout="P34", measures="si_participants")
    shown = frame_with(at, i18n.t("col_source", "en"))[i18n.t("col_source", "en")]
    titles = set(frames.source_titles().values())
    assert set(shown) <= titles


def test_the_upload_summary_writes_its_months_in_lower_case(tmp_store, frames):
    """Issue 25: the summary is a sentence, "… kỳ tháng 9/2024."."""
    w = Wide.from_store(frames, SEP_2024)
    at = app({"upload": {"enabled": True}}, tab="upload", lang="vi")
    at.file_uploader[0].set_value(("thang9.csv", w.csv_bytes(), "text/csv")).run()
    assert not at.exception
    summary = next(m.value for m in at.markdown if m.value.startswith("**thang9"))
    assert summary.endswith("kỳ tháng 9/2024.") and "Tháng" not in summary
