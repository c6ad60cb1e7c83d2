"""The Data page's "API access" tab (vss_dash/ui/data_tokens.py) through AppTest, behind app.py's
access gate: a signed-in analyst of the production profile makes a token (its secret shown once,
with how to use it; the API then takes it), sees it listed without its secret, and revokes it;
a label is escaped; a viewer is told who may make one; the open demo says there is nothing to
make."""

from __future__ import annotations

from pathlib import Path

import app_run
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import api_tokens, i18n
from vss_dash.store import parquet_tokens
from vss_dash.ui import data_page

AUTH = app_run.AUTH
ACCESS = {
    "profile": "production",
    "emails": {"leadership": ["lead@vss.gov.vn"], "analyst": ["ana@vss.gov.vn"]},
    "default_role": "viewer",
}
SIGNED_IN = {"is_logged_in": True, "iss": "http://localhost:9400", "email_verified": True}
ANALYST = {**SIGNED_IN, "sub": "ana-1", "email": "ana@vss.gov.vn", "name": "Ana"}
VIEWER = {**SIGNED_IN, "sub": "press-1", "email": "press@example.com", "name": "Press"}


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch) -> Path:
    d = app_run.demo_store_copy(tmp_path / "store")
    monkeypatch.delenv("VSS_STORE", raising=False)
    monkeypatch.setenv("VSS_DATA_DIR", str(d))
    monkeypatch.delenv("VSS_PROFILE", raising=False)
    return d


def app(user: dict | None, lang: str = "en", production: bool = True) -> AppTest:
    at = app_run.page("views/data.py", 60)
    at.session_state[data_page.TAB_KEY] = i18n.t("tab_api", lang)
    if production:
        at.secrets["access"] = ACCESS
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    at.query_params["lang"] = lang
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def make(at: AppTest, label: str, lang: str = "en") -> AppTest:
    at.text_input(key="token_label").input(label)
    (button,) = [b for b in at.button if b.label == i18n.t("tokens_make", lang)]
    return button.click().run()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_an_analyst_makes_a_token_sees_it_once_and_revokes_it(tmp_store, lang):
    at = app(ANALYST, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert i18n.t("tokens_none", lang) in texts(at, "caption")
    at = make(at, "Monthly report – Excel", lang)
    assert not at.exception, [e.value for e in at.exception]
    secret = at.code[0].value
    assert api_tokens.well_formed(secret)
    assert any(f"Bearer {secret}" in c.value for c in at.code)  # how to send it
    token = api_tokens.verify(secret)
    assert token.role == "analyst" and token.label == "Monthly report – Excel"
    assert token.owner == "http://localhost:9400 ana-1"
    assert secret not in (tmp_store / parquet_tokens.TOKENS_FILE).read_text()
    listed = at.dataframe[0].value
    assert listed[i18n.t("tokens_col_label", lang)].tolist() == ["Monthly report – Excel"]
    assert listed[i18n.t("tokens_col_state", lang)].tolist() == [i18n.t("tokens_active", lang)]
    assert secret not in listed.to_csv()

    at = at.run()  # any later run: the secret is gone from the page
    assert not any(secret in c.value for c in at.code)
    assert at.dataframe[0].value.shape[0] == 1

    at.selectbox(key="token_revoke").set_value(token.id)
    at = at.button(key="token_revoke_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = i18n.t("tokens_revoke_done", lang, label=i18n.md_escape("Monthly report – Excel"))
    assert done in texts(at, "success")
    with pytest.raises(api_tokens.Refused, match="revoked"):
        api_tokens.verify(secret)
    listed = at.dataframe[0].value
    assert listed[i18n.t("tokens_col_state", lang)].tolist() == [i18n.t("tokens_revoked", lang)]


def test_a_label_is_escaped_before_it_reaches_markdown(tmp_store):
    label = "**bold** [link](https://evil.example) <b>x</b>"
    at = make(app(ANALYST), label)
    (made,) = [s for s in texts(at, "success") if "made" in s]
    assert i18n.md_escape(label) in made and "[link](https" not in made


def test_a_viewer_is_told_who_may_make_one(tmp_store):
    at = app(VIEWER)
    assert not at.exception
    assert i18n.t("tokens_not_allowed", "en") in texts(at, "info")
    assert not at.text_input and not (tmp_store / parquet_tokens.TOKENS_FILE).exists()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_open_demo_has_nothing_to_make(tmp_store, lang):
    at = app(None, lang, production=False)
    assert not at.exception
    assert i18n.t("tokens_demo", lang) in texts(at, "info")
    assert not at.text_input and not at.get("form")
