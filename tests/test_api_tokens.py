"""Personal API tokens (vss_dash/api_tokens.py, issue 30): made, listed, verified, revoked and
expired on a Parquet store, only their hash on disk; and the data API with them in the
production profile (tests/test_api.py's style): no token gives the public measures, an
analyst's token an internal one, a revoked, expired, malformed or unknown token a bilingual 401
that writes nothing; a token's requests are counted under the token. The Data page's tab is
tests/test_api_tokens_page.py; PostgreSQL's table is tested in tests/test_api_tokens_pg.py."""

from __future__ import annotations

import json
import os
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import app_run
import pytest
from starlette.applications import Starlette

from vss_dash import api, api_tokens, catalog, i18n, store
from vss_dash.store import parquet_tokens

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DATA = "/api/v1/data"
INTERNAL = next(m.id for m in catalog.MEASURES if not m.public and not m.national_only)
PUBLIC = "si_coverage_rate"
OWNER = "http://localhost:9400 ana-subject"
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the demo store, the app's store (VSS_DATA_DIR), in the production profile."""
    d = app_run.demo_store_copy(tmp_path / "store")
    monkeypatch.delenv("VSS_STORE", raising=False)
    monkeypatch.setenv("VSS_DATA_DIR", str(d))
    monkeypatch.setenv("VSS_PROFILE", "production")
    for name in ("VSS_PRINT_TOKEN", "VSS_PRINT_TOKEN_EXPIRES"):
        monkeypatch.delenv(name, raising=False)
    return d


def tokens_file(d: Path) -> Path:
    return d / parquet_tokens.TOKENS_FILE


def snapshot(d: Path) -> bytes | None:
    return tokens_file(d).read_bytes() if tokens_file(d).exists() else None


# ---------------------------------------------------------------- the token functions


def test_a_secret_is_prefixed_random_and_well_formed():
    a, b = api_tokens.new_secret(), api_tokens.new_secret()
    assert a != b and a.startswith("vss_") and len(a) == 4 + 43
    assert api_tokens.well_formed(a)
    for bad in ("", "vss_", a[:-1], a + "x", "xyz_" + a[4:], a.replace("vss_", "VSS_"), None, 7):
        assert not api_tokens.well_formed(bad)
    assert api_tokens.bearer(f"Bearer {a}") == a == api_tokens.bearer(f"  bearer   {a} ")
    for header in (a, f"Basic {a}", "Bearer", "Bearer x", f"Token {a}", ""):
        with pytest.raises(api_tokens.Refused, match="malformed"):
            api_tokens.bearer(header)


def test_make_then_verify_gives_the_makers_role_and_only_the_hash_is_stored(tmp_path):
    secret, token = api_tokens.make(OWNER, "Monthly – Excel", "analyst", where=tmp_path, now=T0)
    assert token.expires == T0 + timedelta(days=api_tokens.DAYS)
    assert token.role == "analyst" and token.label == "Monthly – Excel"
    on_disk = tokens_file(tmp_path).read_text(encoding="utf-8")
    assert secret not in on_disk and secret[4:] not in on_disk and secret[4:20] not in on_disk
    assert api_tokens.digest(secret) in on_disk
    assert json.loads(on_disk)["tokens"][0]["hash"] == api_tokens.digest(secret)
    assert secret not in repr(token) and token.hash not in repr(token)
    got = api_tokens.verify(secret, where=tmp_path, now=T0 + timedelta(days=1))
    assert (got.id, got.role, got.owner) == (token.id, "analyst", OWNER)
    assert [t.id for t in api_tokens.owned(OWNER, tmp_path)] == [token.id]
    assert api_tokens.owned("someone else", tmp_path) == []
    assert oct(tokens_file(tmp_path).stat().st_mode & 0o777) == "0o644"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # nothing left over


def test_a_revoked_an_expired_and_an_unknown_token_are_refused(tmp_path):
    secret, token = api_tokens.make(OWNER, "a", "leadership", days=30, where=tmp_path, now=T0)
    later = T0 + timedelta(days=30)
    with pytest.raises(api_tokens.Refused, match="expired"):
        api_tokens.verify(secret, where=tmp_path, now=later)
    assert api_tokens.verify(secret, where=tmp_path, now=later - timedelta(seconds=1))
    with pytest.raises(api_tokens.Refused, match="unknown"):
        api_tokens.verify(api_tokens.new_secret(), where=tmp_path, now=T0)
    with pytest.raises(api_tokens.Refused, match="malformed"):
        api_tokens.verify("vss_short", where=tmp_path, now=T0)
    assert not api_tokens.revoke("someone else", token.id, tmp_path)  # only its owner
    assert api_tokens.verify(secret, where=tmp_path, now=T0)
    assert api_tokens.revoke(OWNER, token.id, tmp_path, now=T0)
    assert not api_tokens.revoke(OWNER, token.id, tmp_path, now=T0)  # once
    with pytest.raises(api_tokens.Refused, match="revoked"):
        api_tokens.verify(secret, where=tmp_path, now=T0)
    [listed] = api_tokens.owned(OWNER, tmp_path)
    assert listed.state(T0) == "revoked" and listed.revoked == T0


def test_who_may_make_a_token_and_for_how_long(tmp_path):
    from vss_dash import access

    production = access.settings({}, {"VSS_PROFILE": "production"})
    assert api_tokens.may_make(production, "analyst") and api_tokens.may_make(
        production, "leadership"
    )
    assert not api_tokens.may_make(production, "viewer") and not api_tokens.may_make(
        production, None
    )
    assert not api_tokens.may_make(access.settings({}, {}), "analyst")  # the open demo
    for bad in (
        dict(owner="", role="analyst"),
        dict(owner=OWNER, role="viewer"),
        dict(owner=OWNER, role="analyst", days=0),
        dict(owner=OWNER, role="analyst", days=api_tokens.MAX_DAYS + 1),
    ):
        with pytest.raises(ValueError):
            api_tokens.make(label="x", where=tmp_path, **bad)
    assert not tokens_file(tmp_path).exists()
    for _ in range(api_tokens.MAX_ACTIVE):
        api_tokens.make(OWNER, "x", "analyst", where=tmp_path, now=T0)
    with pytest.raises(ValueError, match="in force"):
        api_tokens.make(OWNER, "x", "analyst", where=tmp_path, now=T0)
    assert api_tokens.clean_label(" a\x00b\n\x1b[31m" + "x" * 200) == "ab[31m" + "x" * 74
    assert (
        api_tokens.owner_of({"iss": "https://id", "sub": "42", "email": "a@b"}) == "https://id 42"
    )
    assert api_tokens.owner_of({"iss": "https://id", "email": "a@b"}) == "https://id a@b"
    assert api_tokens.owner_of({"iss": "https://id"}) == ""


def test_last_use_is_written_at_most_every_hour(tmp_path):
    secret, token = api_tokens.make(OWNER, "a", "analyst", where=tmp_path, now=T0)
    api_tokens.verify(secret, where=tmp_path, now=T0 + timedelta(minutes=1))
    before = snapshot(tmp_path)
    api_tokens.verify(secret, where=tmp_path, now=T0 + timedelta(minutes=30))
    assert snapshot(tmp_path) == before  # a refresh every minute does not write every minute
    assert api_tokens.owned(OWNER, tmp_path)[0].last_used == T0 + timedelta(minutes=1)
    api_tokens.verify(secret, where=tmp_path, now=T0 + timedelta(minutes=62))
    assert api_tokens.owned(OWNER, tmp_path)[0].last_used == T0 + timedelta(minutes=62)


@pytest.mark.parametrize("what", ["symlink", "directory", "fifo"])
def test_a_tokens_file_that_is_not_a_plain_file_is_neither_followed_nor_written(tmp_path, what):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"tokens": []}')
    d = tmp_path / "store"
    d.mkdir()
    path = tokens_file(d)
    if what == "symlink":
        path.symlink_to(elsewhere)
    elif what == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(store.UnsafeFile):
        api_tokens.make(OWNER, "x", "analyst", where=d)
    with pytest.raises(store.UnsafeFile):
        api_tokens.verify(api_tokens.new_secret(), where=d)
    assert elsewhere.read_text() == '{"tokens": []}'
    assert path.is_symlink() or path.is_dir() or path.is_fifo()


# ---------------------------------------------------------------- the API with tokens


def make_client(**kw) -> TestClient:
    return TestClient(Starlette(routes=api.routes(**{"limit": 10_000, **kw})))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_401(r) -> dict:
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")
    body = r.json()
    assert set(body) == {"error_vi", "error_en"} and body["error_vi"] != body["error_en"]
    return body


def test_without_a_token_only_public_measures_with_one_every_measure(tmp_store):
    c = make_client()
    assert c.get(DATA, params={"measure": INTERNAL}).status_code == 403
    assert c.get(DATA, params={"measure": PUBLIC}).status_code == 200
    secret, _ = api_tokens.make(OWNER, "script", "analyst")
    r = c.get(DATA, params={"measure": INTERNAL, "format": "csv"}, headers=bearer(secret))
    assert r.status_code == 200 and r.content and r.headers["vary"] == "Authorization"
    got = {
        m["id"]: m["available"]
        for m in c.get("/api/v1/measures", headers=bearer(secret)).json()["measures"]
    }
    assert all(got.values())
    anonymous = c.get("/api/v1/measures").json()["measures"]
    assert not all(m["available"] for m in anonymous)
    # the ETag takes the role: an anonymous client's is not an analyst's
    tag = c.get(DATA, params={"measure": PUBLIC}, headers=bearer(secret)).headers["etag"]
    assert c.get(DATA, params={"measure": PUBLIC}).headers["etag"] != tag
    r = c.get(DATA, params={"measure": PUBLIC}, headers={**bearer(secret), "If-None-Match": tag})
    assert r.status_code == 304


def test_a_leadership_token_sees_internal_measures(tmp_store):
    secret, _ = api_tokens.make(OWNER, "lead", "leadership")
    r = make_client().get(DATA, params={"measure": INTERNAL}, headers=bearer(secret))
    assert r.status_code == 200 and r.json()["rows"]


@pytest.mark.parametrize("kind", ["revoked", "expired", "unknown", "garbage", "basic", "empty"])
def test_a_bad_token_is_a_bilingual_401_and_writes_nothing(tmp_store, kind):
    secret, token = api_tokens.make(
        OWNER, "x", "analyst", now=datetime.now(UTC) - timedelta(days=10)
    )
    if kind == "revoked":
        api_tokens.revoke(OWNER, token.id)
    if kind == "expired":
        secret, _ = api_tokens.make(
            OWNER, "old", "analyst", days=1, now=datetime.now(UTC) - timedelta(days=2)
        )
    header = {
        "revoked": f"Bearer {secret}",
        "expired": f"Bearer {secret}",
        "unknown": f"Bearer {api_tokens.new_secret()}",
        "garbage": "Bearer <script>alert(1)</script>",
        "basic": "Basic dXNlcjpwYXNz",
        "empty": "",
    }[kind]
    before = snapshot(tmp_store)
    c = make_client()
    for params in ({"measure": INTERNAL}, {"measure": PUBLIC}):  # never served as anonymous
        body = assert_401(c.get(DATA, params=params, headers={"Authorization": header}))
    assert_401(c.get("/api/v1/measures", headers={"Authorization": header}))
    key = {"revoked": "api.token_revoked", "expired": "api.token_expired",
           "unknown": "api.token_unknown"}.get(kind, "api.token_malformed")  # fmt: skip
    assert (body["error_vi"], body["error_en"]) == i18n.both(key)
    assert snapshot(tmp_store) == before  # no last use, nothing at all


def test_the_open_demo_does_not_read_the_header(tmp_store, monkeypatch):
    monkeypatch.setenv("VSS_PROFILE", "demo")
    r = make_client().get(DATA, params={"measure": INTERNAL}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 200


def test_tokens_that_cannot_be_read_are_a_503(tmp_store):
    tokens_file(tmp_store).symlink_to(tmp_store / "current")
    r = make_client().get(DATA, params={"measure": PUBLIC}, headers=bearer(api_tokens.new_secret()))
    assert r.status_code == 503 and set(r.json()) == {"error_vi", "error_en"}


def test_a_tokens_requests_are_counted_under_the_token(tmp_store):
    """Behind one address (an office's NAT), each token has the limit of its own; an anonymous
    client, and a refused token, count under the address."""
    clock = Clock()
    c = make_client(limit=2, window=60.0, clock=clock)
    first, _ = api_tokens.make(OWNER, "one", "analyst")
    second, _ = api_tokens.make(OWNER, "two", "analyst")
    for secret in (first, second):
        for _ in range(2):
            assert c.get("/api/v1/measures", headers=bearer(secret)).status_code == 200
    r = c.get("/api/v1/measures", headers=bearer(first))
    assert r.status_code == 429 and "token" in r.json()["error_en"]
    assert c.get("/api/v1/measures").status_code == 200  # the address has its own count
    assert_401(c.get("/api/v1/measures", headers=bearer(api_tokens.new_secret())))
    r = c.get("/api/v1/measures", headers=bearer(api_tokens.new_secret()))
    assert r.status_code == 429  # refused tokens spend the address's requests
    clock.now += 61
    assert c.get("/api/v1/measures", headers=bearer(first)).status_code == 200


def test_the_openapi_description_names_the_bearer_scheme_and_the_401(tmp_store):
    doc = make_client().get("/api/v1/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert {"bearer": []} in doc["security"] and {} in doc["security"]
    data = doc["paths"]["/api/v1/data"]["get"]["responses"]
    assert "401" in data and "403" in data
