"""Every page on the store in PostgreSQL (VSS_STORE, AppTest): the same page as on the Parquet
store, and a database that cannot be reached stops the page with a bilingual message that does
not show the password."""

from __future__ import annotations

from pathlib import Path

import app_run
import pytest
from streamlit.testing.v1 import AppTest

from vss_dash import data, i18n, store
from vss_dash.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_in_postgres(pg_server, demo_store) -> str:
    uri = pg_server.create_database("pages_demo")
    obs = demo_store.observations.collect()
    store.write(uri, obs, demo_store.plans, demo_store.sources, generation_id="demo-pages")
    return uri


def run(script: str, monkeypatch: pytest.MonkeyPatch, where: str | None, **params) -> AppTest:
    if where is None:
        monkeypatch.delenv("VSS_STORE", raising=False)
    else:
        monkeypatch.setenv("VSS_STORE", where)
    at = app_run.page(script, 60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def shown(at: AppTest) -> list[str]:
    """The page's text: headings, metrics, markdown and notices, in order."""
    parts = [e.value for e in (*at.title, *at.subheader, *at.markdown, *at.caption)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return parts


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_is_the_same_on_postgresql(page, demo_in_postgres, monkeypatch):
    on_parquet = run(page.script, monkeypatch, None, lang="en")
    on_postgres = run(page.script, monkeypatch, demo_in_postgres, lang="en")
    assert not on_postgres.exception, [e.value for e in on_postgres.exception]
    assert shown(on_postgres) == shown(on_parquet)


def test_a_database_out_of_reach_stops_the_page_without_the_password(monkeypatch):
    where = "postgresql://viewer:s3cret-Pa55@127.0.0.1:9/vss?connect_timeout=2"
    for lang in i18n.LANGS:
        at = run("views/overview.py", monkeypatch, where, lang=lang)
        assert not at.exception
        (error,) = at.error
        assert error.value.startswith(i18n.t("store_unavailable", lang))
        text = " ".join([e.value for e in at.error] + shown(at))
        assert "s3cret-Pa55" not in text


def test_the_pages_read_the_database(demo_in_postgres, monkeypatch):
    """The page's frames come from postgres.load with the URI (not the bundled Parquet files)."""
    import streamlit as st

    from vss_dash.store import postgres

    calls = []
    real = postgres.load
    monkeypatch.setattr(postgres, "load", lambda uri, **kw: calls.append(uri) or real(uri, **kw))
    st.cache_resource.clear()
    data.clear()
    at = run("views/overview.py", monkeypatch, demo_in_postgres, lang="en")
    assert not at.exception and calls == [demo_in_postgres]
