"""Personal API tokens for real: the production profile behind the local OpenID Connect provider
(tests/e2e/test_signin.py's), the pages and the data API in one server (vss_dash/asgi.py). An
analyst signs in, makes a token on the Data page's "API access" tab, copies it, and a script
reads an internal measure with it; after the analyst revokes it, the same request is a 401."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import app_run
import pytest
from playwright.sync_api import Browser, expect
from test_signin import SCREENSHOT_DIR, production_secrets, provider, signed_in

from vss_dash import catalog, deck_export
from vss_harness.browser import open_page, wait_idle

INTERNAL = next(m.id for m in catalog.MEASURES if not m.public and not m.national_only)


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """vss_dash/asgi.py in the production profile, on a copy of the demo store."""
    tmp = tmp_path_factory.mktemp("tokens")
    data = app_run.demo_store_copy(tmp / "store")
    with provider(tmp / "provider.log") as issuer:
        port = deck_export.free_port()
        secrets = tmp / "secrets.toml"
        secrets.write_text(production_secrets(port, issuer), encoding="utf-8")
        with deck_export.serve(
            "vss_dash/asgi.py", log=tmp / "server.log", port=port,
            args=("--secrets.files", str(secrets)),
            env={"VSS_PROFILE": "production", "VSS_DATA_DIR": str(data), "VSS_STORE": ""},
        ) as base:  # fmt: skip
            yield base


def status(url: str, secret: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def test_an_analyst_makes_uses_and_revokes_a_token(token_server: str, browser: Browser) -> None:
    url = f"{token_server}/api/v1/data?measure={INTERNAL}&format=csv&lang=en"
    assert status(url) == 403  # anonymous: public measures only
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with signed_in(browser, token_server, "analyst") as page:
        open_page(page, f"{token_server}/data?lang=en")
        page.get_by_role("tab", name="API access").click()
        wait_idle(page)
        page.get_by_role("textbox", name="Label").fill("Monthly report – Excel")
        page.get_by_role("button", name="Make the token").click()
        wait_idle(page)
        expect(page.get_by_text("Copy it now")).to_be_visible()
        secret = page.get_by_test_id("stCode").first.inner_text().strip()
        assert secret.startswith("vss_") and len(secret) == 47
        page.screenshot(path=SCREENSHOT_DIR / "api_token_made.png", full_page=True)
        assert status(url, secret) == 200

        page.get_by_role("button", name="Revoke the token").click()
        wait_idle(page)
        expect(page.get_by_text("revoked: every request")).to_be_visible()
        assert secret not in page.inner_text("body")
        page.screenshot(path=SCREENSHOT_DIR / "api_token_revoked.png", full_page=True)
    assert status(url, secret) == 401
