"""The deck export's private server (#14): behind sign-in the PDF is printed from a server on a
loopback port, and anyone on the machine can reach that port. It lets in only the holder of its
one-time token; without it, or with another, a visitor sees a refusal and no figure."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser

from vss_dash import catalog, deck_export, i18n

INTERNAL = catalog.get("late_payment_rate").label("en")


@pytest.fixture(scope="module")
def print_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("print") / "server.log"
    with deck_export.print_server(log=log) as server:
        yield server


def visit(browser: Browser, base: str, path: str, **query: str) -> str:
    page = browser.new_page()
    try:
        page.goto(f"{base}{path}?{urlencode({'lang': 'en', **query})}")
        page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
        page.wait_for_function(
            '() => document.querySelector(\'[data-testid="stAlert"], [data-testid="stMetric"]\')',
            timeout=60_000,
        )
        page.wait_for_timeout(500)
        return page.inner_text("[data-testid='stApp']")
    finally:
        page.close()


@pytest.mark.parametrize("token", [None, "", "wrong" * 10])
@pytest.mark.parametrize("path", ["/", "/briefing", "/watch"])
def test_without_its_token_nobody_reads_a_figure(browser: Browser, print_server, token, path):
    query = {} if token is None else {"token": token}
    text = visit(browser, print_server.base_url, path, **query)
    assert i18n.t("not_authorised", "en", user="?") in text
    assert INTERNAL not in text and "%" not in text


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ({}, {}, 403),  # anonymous: public measures only
        ({"token": "PRINT"}, {}, 400),  # the print token is for the pages: an unknown parameter
        ({}, {"Authorization": "Bearer PRINT"}, 401),
        ({}, {"Authorization": "Bearer vss_" + "a" * 43}, 401),  # no token is made here
    ],
)
def test_its_data_api_serves_no_internal_measure(print_server, query, headers, status):
    """The print server is the app `make run` starts, data API included: to anyone on the
    machine, that API is the open one of a production server (public measures only)."""
    secret = print_server.token
    query = {k: v.replace("PRINT", secret) for k, v in query.items()}
    headers = {k: v.replace("PRINT", secret) for k, v in headers.items()}
    url = f"{print_server.base_url}/api/v1/data?" + urlencode(
        {"measure": "late_payment_rate", **query}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)
    assert refused.value.code == status
    body = json.loads(refused.value.read())
    assert body["error_vi"] and body["error_en"]
    public = f"{print_server.base_url}/api/v1/data?measure=si_participants"
    with urllib.request.urlopen(public, timeout=30) as r:
        assert r.status == 200


def test_the_token_lets_the_exporter_in(browser: Browser, print_server):
    text = visit(browser, print_server.base_url, "/", token=print_server.token)
    assert INTERNAL in text  # an analyst's overview, internal measures included
    assert i18n.t("not_authorised", "en", user="?") not in text


def test_the_command_line_prints_the_internal_deck_through_it(tmp_path, capsys):
    """`vss-dash briefing` (the PDF) starts its own print server: the internal deck, complete."""
    from vss_dash import cli

    code = cli.main(["briefing", "--quarter", "2026-Q3", "--lang", "en", "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    pdf = next(tmp_path.glob("*.pdf"))
    text = "\n".join(deck_export.pdf_texts(pdf.read_bytes()))
    assert INTERNAL in text  # an internal measure: the analyst's deck, not the public one
