"""Sign-in for real: the production profile behind a local OpenID Connect provider
(`oidc-provider-mock`), in headless Chromium. Each role signs in through the provider's form and
the test checks what is shown and what is refused: internal figures, downloads, an export, a
crafted URL naming an internal measure, and sign-out."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from vss_dash import catalog, deck_export
from vss_harness.browser import open_page, wait_idle

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored
USERS = {
    "viewer": {"email": "press@example.com", "name": "Press Office"},
    "leadership": {"email": "lead@vss.gov.vn", "name": "Lãnh đạo", "groups": ["vss-leaders"]},
    "analyst": {"email": "ana@vss.gov.vn", "name": "Phân tích", "groups": ["vss-analysts"]},
}
LATE_PAYMENT = catalog.get("late_payment_rate").label("en")  # internal: not press-safe


@contextlib.contextmanager
def provider(log: Path) -> Iterator[str]:
    """oidc-provider-mock in its own process (as it would run beside a real deployment), with
    the three users predefined; yields its issuer URL."""
    port = deck_export.free_port()
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    for u in USERS.values():
        cmd += ["--user-claims", json.dumps({"sub": u["email"], **u})]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def production_secrets(port: int, issuer: str) -> str:
    """secrets.toml of the production profile signing in through the mock provider at `issuer`,
    for a server on `port`: leaders and analysts by group."""
    return f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "e2e-only-cookie-secret"
client_id = "vss-dash"
client_secret = "e2e"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[access]
profile = "production"
[access.groups]
leadership = ["vss-leaders"]
analyst = ["vss-analysts"]
"""


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in the production profile, signing in through the mock provider."""
    tmp = tmp_path_factory.mktemp("signin")
    with provider(tmp / "provider.log") as issuer:
        port = deck_export.free_port()
        secrets = tmp / "secrets.toml"
        secrets.write_text(production_secrets(port, issuer), encoding="utf-8")
        with deck_export.serve(
            log=tmp / "server.log", port=port, args=("--secrets.files", str(secrets)),
            env={"VSS_PROFILE": "production"},
        ) as base:  # fmt: skip
            yield base


def _local_only(page: Page, base: str, provider_host: str) -> None:
    """The provider's page links a CDN stylesheet: refuse anything outside the two servers, so
    the test never waits on the (absent) internet."""
    allowed = {urlsplit(base).netloc, provider_host}

    def route(r) -> None:
        if urlsplit(r.request.url).netloc in allowed:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


@contextlib.contextmanager
def signed_in(browser: Browser, base: str, role: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        open_page(page, f"{base}/?lang=en")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.get_by_role("button", name="Sign in").click()
        # the provider's authorisation form: one button per predefined user
        page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
        provider_host = urlsplit(page.url).netloc
        _local_only(page, base, provider_host)
        page.get_by_role("button", name=USERS[role]["email"]).click()
        page.wait_for_url(f"{base}/**", timeout=30_000)
        wait_idle(page)
        open_page(page, f"{base}/?lang=en")  # the callback lands on "/" in the default language
        yield page
    finally:
        context.close()


def test_anonymous_visitors_see_only_the_sign_in_screen(signin_server: str, page: Page) -> None:
    for path in ("/", "/map?measure=late_payment_rate", "/data"):
        open_page(page, f"{signin_server}{path}")
        expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
        assert page.get_by_test_id("stMetric").count() == 0
        assert page.get_by_test_id("stDataFrame").count() == 0


def test_viewer(signin_server: str, browser: Browser) -> None:
    with signed_in(browser, signin_server, "viewer") as page:
        expect(page.get_by_text("Signed in: press@example.com (viewer, press-safe figures)"))\
            .to_be_visible()  # fmt: skip
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        assert LATE_PAYMENT not in page.inner_text("body")
        assert page.get_by_test_id("stDownloadButton").count() == 0
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / "signin_viewer_overview.png")
        # a copied link naming an internal measure: a polite notice, never the figure
        open_page(page, f"{signin_server}/map?lang=en&measure=late_payment_rate")
        expect(page.get_by_text("This link names an internal measure")).to_be_visible()
        assert LATE_PAYMENT not in page.inner_text("body")
        page.screenshot(path=SCREENSHOT_DIR / "signin_viewer_crafted_url.png")
        # no import for a viewer
        open_page(page, f"{signin_server}/data?lang=en")
        page.get_by_role("tab", name="Import reports").click()
        expect(page.get_by_text("Importing reports is for analysts.")).to_be_visible()


def test_leadership(signin_server: str, browser: Browser) -> None:
    with signed_in(browser, signin_server, "leadership") as page:
        expect(page.get_by_text(LATE_PAYMENT).first).to_be_visible()
        assert page.get_by_test_id("stDownloadButton").count() == 0
        open_page(page, f"{signin_server}/map?lang=en&measure=late_payment_rate")
        assert "This link names an internal measure" not in page.inner_text("body")


def test_analyst_exports_and_signs_out(signin_server: str, browser: Browser) -> None:
    with signed_in(browser, signin_server, "analyst") as page:
        expect(page.get_by_text(LATE_PAYMENT).first).to_be_visible()
        page.get_by_text("Show data table").first.click()
        wait_idle(page)  # opening draws the table in a rerun
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Download CSV").first.click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"late_payment_rate" in data
        page.get_by_role("button", name="Sign out").click()
        # the provider publishes an end-session endpoint: Streamlit sends the browser there
        page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
        page.get_by_role("button", name="End session").click()
        open_page(page, f"{signin_server}/?lang=en")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert page.get_by_test_id("stMetric").count() == 0
