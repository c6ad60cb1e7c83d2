"""Roles and sign-in: the pure rules (settings, role from claims, what each role may see and do),
then every page through AppTest as each role of the production profile, with a signed-in user
simulated by AppTest's `user`: internal measures, exports, uploads, crafted URLs, anonymous
visitors and a server without sign-in configured."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import app_run
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import access, catalog, i18n, watch
from vss_dash.pages import PAGES
from vss_dash.ui import data_page

ROOT = Path(__file__).resolve().parent.parent
AUTH = app_run.AUTH
ACCESS = {
    "profile": "production",
    "emails": {"leadership": ["lead@vss.gov.vn"], "analyst": ["ana@vss.gov.vn"]},
    "groups": {"analyst": ["vss-analysts"]},
    "default_role": "viewer",
}
ISSUER = "http://localhost:9400"  # what AUTH's server_metadata_url names
TOKEN = {"is_logged_in": True, "iss": ISSUER, "email_verified": True}
USERS = {
    "viewer": {**TOKEN, "email": "press@example.com", "name": "Press"},
    "leadership": {**TOKEN, "email": "lead@vss.gov.vn", "name": "Lead"},
    "analyst": {**TOKEN, "email": "ana@vss.gov.vn", "name": "Ana"},
}
INTERNAL = [m for m in catalog.MEASURES if not m.public]


# ---------------------------------------------------------------- the rules


def test_the_demo_is_open_by_default():
    s = access.settings({}, {})
    assert s.open and s.profile == "demo"


def test_the_environment_chooses_the_profile():
    assert not access.settings({}, {"VSS_PROFILE": "production"}).open
    assert access.settings({"access": {"profile": "production"}}, {"VSS_PROFILE": "demo"}).open


PRINT_TOKEN = "t" * access.PRINT_TOKEN_MIN


def print_env(token: str = PRINT_TOKEN, seconds: float = 60) -> dict[str, str]:
    return {
        "VSS_PROFILE": "print",
        "VSS_PRINT_TOKEN": token,
        "VSS_PRINT_TOKEN_EXPIRES": str(time.time() + seconds),
    }


def test_the_print_profile_lets_in_only_its_token():
    s = access.settings({}, print_env())
    assert not s.open and PRINT_TOKEN not in repr(s)
    assert access.print_role(s, PRINT_TOKEN) == "analyst"
    for wrong in ("", PRINT_TOKEN[:-1], PRINT_TOKEN + "x", None, ["x"], "T" * len(PRINT_TOKEN)):
        assert access.print_role(s, wrong) is None
    production = access.settings({}, {"VSS_PROFILE": "production", "VSS_PRINT_TOKEN": PRINT_TOKEN})
    assert access.print_role(production, PRINT_TOKEN) is None  # only the print profile reads it


def test_the_print_token_serves_one_export_and_is_then_spent():
    """Before (#27): accepted for as long as the print server ran. Now only until the end of the
    one export's time that deck_export.print_server sets, and never without that time."""
    s = access.settings({}, print_env(seconds=30))
    assert access.print_role(s, PRINT_TOKEN) == "analyst"
    assert access.print_role(s, PRINT_TOKEN, now=time.time() + 29) == "analyst"
    assert access.print_role(s, PRINT_TOKEN, now=time.time() + 31) is None
    assert access.print_role(access.settings({}, print_env(seconds=-1)), PRINT_TOKEN) is None
    for expires in (None, "", "soon"):
        env = print_env()
        if expires is None:
            del env["VSS_PRINT_TOKEN_EXPIRES"]
        else:
            env["VSS_PRINT_TOKEN_EXPIRES"] = expires
        with pytest.raises(access.BadSettings, match="VSS_PRINT_TOKEN_EXPIRES"):
            access.settings({}, env)


def test_the_print_server_gives_its_token_one_export_s_time(monkeypatch):
    from vss_dash import deck_export

    seen = {}

    @contextlib.contextmanager
    def fake_serve(env, log, timeout_s):
        seen.update(env)
        yield "http://127.0.0.1:1"

    monkeypatch.setattr(deck_export, "serve", fake_serve)
    with deck_export.print_server(seconds=45) as server:
        s = access.settings({}, seen)
        assert access.print_role(s, server.token) == "analyst"
    assert time.time() + 40 < float(seen["VSS_PRINT_TOKEN_EXPIRES"]) <= time.time() + 45.01
    assert access.print_role(s, server.token, now=time.time() + 46) is None


@pytest.mark.parametrize("token", [None, "", "short"])
def test_the_print_profile_needs_a_long_token(token):
    env = {"VSS_PROFILE": "print"} | ({"VSS_PRINT_TOKEN": token} if token is not None else {})
    with pytest.raises(access.BadSettings, match="VSS_PRINT_TOKEN"):
        access.settings({}, env)


@pytest.mark.parametrize(
    ("section", "message"),
    [({"profile": "prod"}, "profile"), ({"default_role": "admin"}, "default_role"),
     ({"emails": {"boss": ["a@b"]}}, "role 'boss'")],
)  # fmt: skip
def test_bad_settings_are_named(section, message):
    with pytest.raises(access.BadSettings, match=message):
        access.settings({"access": section}, {})


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "LEAD@vss.gov.vn"}, "leadership"),  # e-mail case does not matter
        ({"email": "ana@vss.gov.vn"}, "analyst"),
        ({"email": "x@vss.gov.vn", "groups": ["vss-analysts", "staff"]}, "analyst"),
        ({"email": "lead@vss.gov.vn", "groups": ["vss-analysts"]}, "analyst"),  # strongest wins
        ({"email": "someone@example.com"}, "viewer"),
        ({}, "viewer"),
    ],
)
def test_role_from_claims(claims, role):
    s = access.settings({"auth": AUTH, "access": ACCESS}, {})
    assert access.role_for({"iss": ISSUER, "email_verified": True, **claims}, s) == role


def test_unlisted_users_can_be_refused():
    s = access.settings({"auth": AUTH, "access": {**ACCESS, "default_role": ""}}, {})
    assert access.role_for({**TOKEN, "email": "someone@example.com"}, s) is None


@pytest.mark.parametrize(
    ("verified", "role"),
    [(True, "leadership"), ("true", "leadership"), (False, "viewer"), ("false", "viewer"),
     (None, "viewer"), ("yes", "viewer"), (1, "viewer")],
)  # fmt: skip
def test_an_e_mail_gives_a_role_only_when_verified(verified, role):
    s = access.settings({"auth": AUTH, "access": ACCESS}, {})
    claims = {"iss": ISSUER, "email": "lead@vss.gov.vn", "email_verified": verified}
    if verified is None:
        del claims["email_verified"]  # a provider that says nothing vouches for nothing
    assert access.role_for(claims, s) == role


def test_groups_still_count_for_an_unverified_e_mail_and_the_check_can_be_turned_off():
    s = access.settings({"auth": AUTH, "access": ACCESS}, {})
    claims = {"iss": ISSUER, "email": "lead@vss.gov.vn", "groups": ["vss-analysts"]}
    assert access.role_for(claims, s) == "analyst"
    trusting = {**ACCESS, "require_verified_email": False}
    s = access.settings({"auth": AUTH, "access": trusting}, {})
    assert access.role_for({"iss": ISSUER, "email": "lead@vss.gov.vn"}, s) == "leadership"


@pytest.mark.parametrize(
    "iss", ["https://accounts.example.com", "http://localhost:9400/realms/other", "", None]
)
def test_a_token_from_another_issuer_is_refused(iss):
    """Whatever its e-mail, verified or not, and its groups: not even the default role."""
    s = access.settings({"auth": AUTH, "access": ACCESS}, {})
    assert s.issuers == {ISSUER}  # from the provider's metadata URL
    claims = {**USERS["analyst"], "groups": ["vss-analysts"], "iss": iss}
    assert access.role_for(claims, s) is None
    assert access.role_for({**claims, "iss": ISSUER + "/"}, s) == "analyst"  # one slash is alike


def test_the_expected_issuers_can_be_configured_and_every_provider_counts():
    section = {**ACCESS, "issuer": ["https://sso.vss.gov.vn/", "https://login.gov.vn"]}
    s = access.settings({"auth": AUTH, "access": section}, {})
    assert s.issuers == {"https://sso.vss.gov.vn", "https://login.gov.vn"}
    assert access.role_for({**USERS["analyst"], "iss": "https://login.gov.vn"}, s) == "analyst"
    assert access.role_for(USERS["analyst"], s) is None  # the metadata's issuer is not listed
    auth = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": "x",
        "a": {**AUTH, "server_metadata_url": "https://a.vn/.well-known/openid-configuration"},
        "b": {**AUTH, "server_metadata_url": "https://b.vn/x/.well-known/openid-configuration"},
    }
    s = access.settings({"auth": auth, "access": ACCESS}, {})
    assert s.issuers == {"https://a.vn", "https://b.vn/x"}


# a provider's metadata somewhere other than the discovery path (#27): it names no issuer
ODD_METADATA = {**AUTH, "server_metadata_url": "https://sso.vss.gov.vn/oidc/metadata.json"}


def test_a_metadata_url_that_names_no_issuer_never_turns_the_check_off():
    """Before: the expected issuers were empty, the check was skipped and a token from
    https://evil got analyst. Now production refuses the settings, saying what to set, and a
    token is never accepted with no issuer expected."""
    evil = {**USERS["analyst"], "groups": ["vss-analysts"], "iss": "https://evil"}
    with pytest.raises(access.BadSettings, match=r"\[access\] issuer") as e:
        access.settings({"auth": ODD_METADATA, "access": ACCESS}, {})
    assert "[auth]" in str(e.value) and "server_metadata_url" in str(e.value)
    several = {"cookie_secret": "x", "a": AUTH, "b": ODD_METADATA}  # one provider is enough
    with pytest.raises(access.BadSettings, match=r"\[auth\.b\]"):
        access.settings({"auth": several, "access": ACCESS}, {})
    # with the issuer set, that issuer and no other
    s = access.settings(
        {"auth": ODD_METADATA, "access": {**ACCESS, "issuer": "https://sso.vss.gov.vn"}}, {}
    )
    assert access.role_for(evil, s) is None
    assert access.role_for({**evil, "iss": "https://sso.vss.gov.vn"}, s) == "analyst"
    # settings built with no issuer at all (another profile, or by hand): every token refused
    for s in (
        access.Settings(profile="production", auth_configured=True),
        access.settings({"auth": ODD_METADATA, "access": ACCESS}, {"VSS_PROFILE": "demo"}),
    ):
        assert not s.issuers and access.role_for(evil, s) is None  # fmt: skip


def test_the_sign_in_page_refuses_to_start_when_no_issuer_is_known(production):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["access"] = ACCESS
    at.secrets["auth"] = ODD_METADATA
    at.user = {**USERS["analyst"], "iss": "https://evil"}
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "[access] issuer" in error and not at.metric and not at.button


@pytest.mark.parametrize(
    ("section", "message"),
    [({"issuer": 5}, "issuer"), ({"require_verified_email": "no"}, "require_verified_email")],
)
def test_bad_sign_in_checks_are_named(section, message):
    with pytest.raises(access.BadSettings, match=message):
        access.settings({"access": section}, {})


def test_what_each_role_may_do():
    public = [m.id for m in catalog.MEASURES if m.public]
    every = [m.id for m in catalog.MEASURES]
    assert access.visible("viewer", every) == public
    assert access.visible("leadership", every) == every == access.visible("analyst", every)
    assert [access.can_export(r) for r in access.ROLES] == [False, False, True]
    assert [access.can_upload(r) for r in access.ROLES] == [False, False, True]
    assert INTERNAL, "the catalogue marks some measures internal"


# ---------------------------------------------------------------- pages as each role


def app(script: str, user: dict | None, auth: bool = True, tab: str = "", **params: str) -> AppTest:
    at = app_run.page(script, 60)
    if tab:  # a tab of the Data page (only the open one runs)
        at.session_state[data_page.TAB_KEY] = i18n.t(f"tab_{tab}", params.get("lang", "vi"))
    at.secrets["access"] = ACCESS
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def page_text(at: AppTest) -> str:
    """Everything a visitor can read on the page, tables included."""
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning",
                                  "success", "error") for e in getattr(at, kind)]  # fmt: skip
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for d in at.dataframe:
        parts.append(d.value.to_csv())
    for s in at.selectbox:
        parts += [str(o) for o in s.options]
    for s in at.multiselect:
        parts += [str(o) for o in s.options]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("VSS_PROFILE", "production")


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_a_viewer_never_sees_an_internal_measure(production, page):
    at = app(page.script, USERS["viewer"], lang="en")
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    for m in INTERNAL:
        assert m.label("en") not in text, (page.url_path, m.id)
    assert not at.get("download_button"), "viewers download nothing"


@pytest.mark.parametrize("role", ["leadership", "analyst"])
def test_leadership_and_analysts_see_internal_measures(production, role):
    at = app("views/overview.py", USERS[role], lang="en")
    assert catalog.get("late_payment_rate").label("en") in [m.label for m in at.metric]
    assert bool(at.get("download_button")) == (role == "analyst")


@pytest.mark.parametrize("role", access.ROLES)
def test_a_crafted_url_naming_an_internal_measure(production, role):
    at = app("views/map.py", USERS[role], lang="en", measure="late_payment_rate")
    assert not at.exception
    shown = at.selectbox(key="measure").value
    if role == "viewer":
        assert shown == "si_coverage_rate"
        notice = i18n.t("measure_restricted", "en", measure="late_payment_rate")
        assert notice in [i.value for i in at.info]
        assert catalog.get("late_payment_rate").label("en") not in page_text(at)
    else:
        assert shown == "late_payment_rate"


def test_a_crafted_data_page_url(production):
    at = app("views/data.py", USERS["viewer"], lang="en", measures="late_payment_amount,population")
    assert not at.exception
    assert at.multiselect(key="measures").value == ["population"]
    assert any("late_payment_amount" in i.value for i in at.info)
    assert catalog.get("late_payment_amount").label("en") not in page_text(at)


def test_the_watch_list_for_a_viewer_has_only_press_safe_reasons(production):
    at = app("views/watch.py", USERS["viewer"], lang="en", month="2026-10")
    assert not at.exception
    internal = [r for r in watch.REASONS if not catalog.get(r.measure).public]
    assert internal
    for r in internal:
        assert i18n.t(f"reason_{r.id}", "en") not in page_text(at), r.id


def test_the_briefing_is_public_for_a_viewer(production):
    at = app("views/briefing.py", USERS["viewer"], lang="en", public="0")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "public"]
    assert not at.get("download_button") and not [b for b in at.button if b.key == "export"]


@pytest.mark.parametrize("role", access.ROLES)
def test_upload_is_for_analysts(production, role):
    at = app("views/data.py", USERS[role], tab="upload", lang="en")
    assert bool(at.file_uploader) == (role == "analyst")


def test_anonymous_visitors_get_the_sign_in_screen(production):
    at = app("app.py", {"is_logged_in": False}, lang="en")
    assert not at.exception
    assert at.title[0].value == i18n.t("signin_title", "en")
    assert [b.label for b in at.button] == [i18n.t("signin_button", "en")]
    assert not at.metric and not at.dataframe


def test_production_without_sign_in_configured_refuses_everyone(production):
    at = app("app.py", USERS["analyst"], auth=False, lang="en")
    assert i18n.t("auth_not_configured", "en") in [e.value for e in at.error]
    assert not at.metric


def test_an_unverified_leadership_e_mail_is_a_viewer_on_every_page(production):
    user = {**USERS["leadership"], "email_verified": False}
    at = app("views/overview.py", user, lang="en")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels and catalog.get("late_payment_rate").label("en") not in labels


def test_a_token_from_another_issuer_is_not_let_in(production):
    at = app("app.py", {**USERS["analyst"], "iss": "https://accounts.example.com"}, lang="en")
    assert not at.exception
    assert i18n.t("not_authorised", "en", user="ana@vss.gov.vn") in [e.value for e in at.error]
    assert not at.metric and not at.dataframe


def test_a_signed_in_user_sees_who_and_which_role(production):
    at = app("app.py", USERS["leadership"], lang="en")
    expected = i18n.t("signed_in_as", "en", user="lead@vss.gov.vn", role="leadership")
    assert expected in [c.value for c in at.sidebar.caption]
    assert i18n.t("signout_button", "en") in [b.label for b in at.sidebar.button]


def test_failed_guesses_of_a_secret_are_limited_across_sessions():
    attempts = access.Attempts(limit=3, window=60)
    assert attempts.wait(0) == 0
    for t in (0, 10, 20):
        attempts.failed(t)
    assert attempts.wait(30) == 30  # the first failure leaves the window at 60
    assert attempts.wait(60) == 0
    assert attempts.failed(61) == 3  # 10, 20 and 61 are in the window
    assert attempts.wait(61) == pytest.approx(9)
