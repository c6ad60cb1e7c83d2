"""A read-only data API beside the pages (issue 30), under one versioned prefix, so that an
analyst's workbook or script refreshes a figure from an address:

    GET /api/v1/measures    the catalogue: id, names in vi/en, unit, internal or not
    GET /api/v1/data        ?measure=<id>[,<id>...]&layout=VN|P34|P63&provinces=01,79
                            &from=YYYY-MM&to=YYYY-MM&format=csv|json|parquet&lang=vi|en: the
                            values of one or more measures, as the Data page's table holds them
    GET /api/v1/openapi.json  this API described in OpenAPI 3.1 (vss_dash/api_openapi.py)
    GET /api/v1/published   the published figures with their sources
    GET /api/v1/ready       200 with the store's generation and token; 503 if it cannot be read

The data are the Data page's: `dataset.table` for the rows, `export.with_alternatives` for what
else was published, and the CSV is `export.to_csv(export.tidy(...))`, the very call behind the
page's CSV download (BOM, headers and words in `lang`). JSON and Parquet hold the same rows with
ids (not words), values rounded as the pages show them (`export.tidy`). The query's parameters
are checked, and the pages' "link to this data" made, by vss_dash/api_query.py.

Who sees what (`client`): in the open demo profile everyone is an analyst, as on the pages (an
Authorization header is not read: there is no token to make there). In any other profile a
client without an Authorization header is anonymous and gets the press-safe measures only
(`access.can_see`; an internal one is a 403), and a client that sends `Authorization: Bearer
<token>` gets the role of that personal token (vss_dash/api_tokens.py; an analyst or leadership
member makes it on the Data page): a token that is malformed, unknown, revoked or expired, or
another scheme, is a 401 with a WWW-Authenticate header, never served as an anonymous client.

Every answer but a file is JSON; every refusal is `{"error_vi": ..., "error_en": ...}` (texts.toml
`api.*`) with its status (400 bad parameter, 401 bad token, 403 internal measure, 404 no such
address, 405 a method other than GET, 429 too many requests, 503 store or settings unreadable,
500 anything else, logged), never a traceback.
Answers carry an ETag made from the store's token and the client's role; a request whose
If-None-Match holds it gets a 304. Each client may make `RATE_LIMIT` requests a `RATE_WINDOW` (a
429 after that): a token's requests are counted under the token, any other (a refused token's
too) under the client's address.

The handlers are thin async wrappers over pure functions (`catalogue`, `parse_data_query`,
`data_frame`, `render`, `published_figures`, `readiness`); the blocking work runs in Starlette's
thread pool. No Streamlit: secrets.toml is read by the caller (vss_dash/asgi.py) and handed in.

The pages link to it ("link to this data", ui/tables.py) through `data_link` (api_query.py),
which gives the address of a frame shown on a page when this API serves exactly its values to
anyone, and only in a server that serves the API (`mark_served`, called by vss_dash/asgi.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import polars as pl
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from vss_dash import (
    access,
    api_openapi,
    api_tokens,
    catalog,
    dataset,
    export,
    geo,
    i18n,
    metrics,
    published,
    reference,
)
from vss_dash import data as data_manager
from vss_dash import settings as registry
from vss_dash.api_query import (
    DATA_PARAMETERS,
    FORMATS,
    LAYOUTS,
    PREFIX,
    ApiError,
    DataQuery,
    _allowed,
    check_parameters,
    data_address,
    data_link,
    parse_data_query,
)

LOG = logging.getLogger(__name__)

RATE_LIMIT = 60  # requests per client (a token, else an address) ...
RATE_WINDOW = 60.0  # ... in this many seconds
MAX_CLIENTS = 10_000  # clients the limiter remembers at once (oldest forgotten first)
# the proxy in front (deploy/: nginx on the same host) names the visitor in X-Real-IP; a request
# from anywhere else cannot choose the address it is counted under
TRUSTED_PROXIES = frozenset({"127.0.0.1", "::1"})

_ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# whether this process serves the API beside the pages (vss_dash/asgi.py says so): the pages
# show a "link to this data" only then
_SERVED = threading.Event()
# the ETag of an answer that does not depend on the store (catalogue, published figures): the
# reference files ship with the code, so a new process (a deploy) may have new ones
_BOOT = uuid.uuid4().hex
# why a token gives no role -> its refusal's text
_REFUSED = {
    "malformed": i18n.key("api.token_malformed"),
    "unknown": i18n.key("api.token_unknown"),
    "revoked": i18n.key("api.token_revoked"),
    "expired": i18n.key("api.token_expired"),
}
# RFC 6750: a 401 names the scheme the client should use
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="vss-dash", error="invalid_token"'}


# ---------------------------------------------------------------- who may see what


@dataclasses.dataclass(frozen=True)
class Client:
    """Who asks: their role (None: anonymous, press-safe measures only) and the personal token
    they showed (None without one)."""

    role: str | None
    token: api_tokens.Token | None = None


def role(secrets: Mapping[str, object], environ: Mapping[str, str] | None = None) -> str | None:
    """The role of an API client without a token: everyone is an analyst in the open demo;
    otherwise an anonymous client (None: press-safe measures only). Bad access settings are a
    503, never open."""
    return role_for(_settings(secrets, environ))


def _settings(secrets: Mapping[str, object], environ: Mapping[str, str] | None) -> access.Settings:
    try:
        return access.settings(secrets, environ if environ is not None else _environ())
    except access.BadSettings as e:
        LOG.error("api: access settings: %s", e)
        raise ApiError(503, i18n.both("api.access_bad")) from None


def role_for(settings: access.Settings) -> str | None:
    """The role the API gives any client without a token under these access settings (see
    `role`)."""
    return "analyst" if settings.open else None


def client(
    secrets: Mapping[str, object],
    authorization: str | None,
    environ: Mapping[str, str] | None = None,
    where=None,
) -> Client:
    """A request's client from its Authorization header (None: none sent). The open demo: an
    analyst, the header not read. Elsewhere: anonymous without a header; with one, the role of
    the personal token it names if that is in force, else a 401 (api_tokens.Refused: malformed,
    another scheme, unknown, revoked, expired). Tokens that cannot be read are a 503. Blocking
    (it reads the store): run it in the thread pool. `where`: the store (default: its
    location)."""
    s = _settings(secrets, environ)
    if s.open or authorization is None:
        return Client(role_for(s))
    try:
        token = api_tokens.verify(api_tokens.bearer(authorization), where)
    except api_tokens.Refused as e:
        raise ApiError(401, i18n.both(_REFUSED[e.reason]), dict(_CHALLENGE)) from None
    except Exception:
        LOG.exception("api: the personal tokens cannot be read")
        raise ApiError(503, i18n.both("api.store_unavailable")) from None
    return Client(token.role, token)


def _environ() -> dict[str, str]:
    """The environment variables access.settings reads, through the registry."""
    names = ("VSS_PROFILE", "VSS_PRINT_TOKEN", "VSS_PRINT_TOKEN_EXPIRES")
    return {n: v for n in names if (v := registry.env(n)) is not None}


# ---------------------------------------------------------------- the catalogue


def catalogue(role_: str | None) -> list[dict[str, Any]]:
    """Every measure: id, names, unit, whether internal, whether national only, and whether
    this client may have its data (`available`)."""
    return [
        {
            "id": m.id,
            "name_vi": m.label("vi"),
            "name_en": m.label("en"),
            "unit": m.unit,
            "internal": not m.public,
            "national_only": m.national_only,
            "available": access.can_see(role_, m.id),
        }
        for m in catalog.MEASURES
    ]


# ---------------------------------------------------------------- the data


def data_frame(frames: metrics.Frames, q: DataQuery) -> tuple[pl.DataFrame, date, date]:
    """The Data page's table for the query (`dataset.table`, the layout's months by default),
    with what else was published for each value (`export.with_alternatives`), as the page's
    downloads hold it; and the months it covers."""
    periods = dataset.periods_for(frames, q.layout)
    start = q.start or (periods[0] if periods else date.min)
    end = q.end or (periods[-1] if periods else date.max)
    df = dataset.table(frames, q.measures, q.layout, q.codes, start, end, q.lang)
    df = export.with_alternatives(df, published.alternatives(), q.lang)
    return df, start, end


def meta(frames: metrics.Frames, df: pl.DataFrame, q: DataQuery, start: date, end: date):
    """What the file is (ExportMeta), in the words of the Data page's table export: the title,
    the filters, as of the last month, status and sources of its rows."""
    lang = q.lang
    filters = {
        i18n.t("geography", lang): i18n.t(i18n.LAYOUT_KEYS[q.layout], lang),
        i18n.t("f_measures", lang): ", ".join(catalog.get(m).label(lang) for m in q.measures),
        i18n.t("f_months", lang): f"{i18n.format_month(start, lang)} – "
        f"{i18n.format_month(end, lang)}",
    }
    if q.codes:
        names = ", ".join(f"{geo.province_name(q.layout, c)} ({c})" for c in q.codes)
        filters[i18n.t("f_provinces", lang)] = names
    as_of = df.get_column("period").max() if df.height else None
    sources = export.source_lines(export.frame_source_ids(df), frames.source_titles())
    status = export.frame_status(df)
    return export.ExportMeta(i18n.t("tab_table", lang), filters, as_of, status, sources, lang)


def file_stem(q: DataQuery, m: export.ExportMeta, start: date, end: date) -> str:
    """The Data page's file name for the same filters (demo data says so)."""
    stem = export.stem("data", q.layout, start, end)
    return f"{stem}_demo" if m.is_demo else stem


def _json_value(v: object) -> object:
    if isinstance(v, date):
        return f"{v:%Y-%m}"
    return v


def render(frames: metrics.Frames, q: DataQuery) -> tuple[bytes, str, str]:
    """The answer's body, media type and file name for the query's format. CSV: the Data
    page's CSV download exactly. JSON: the filters, status and sources, and the rows with ids,
    months as YYYY-MM, values rounded as published. Parquet: the same rows, with the export's
    metadata."""
    df, start, end = data_frame(frames, q)
    m = meta(frames, df, q, start, end)
    name = f"{file_stem(q, m, start, end)}.{q.format}"
    if q.format == "csv":
        return export.to_csv(export.tidy(df, q.lang, m.unit), q.lang), FORMATS["csv"], name
    tidy = export.tidy(df, q.lang, m.unit)
    if q.format == "parquet":
        return export.to_parquet(tidy, m), FORMATS["parquet"], name
    body = {
        "measure": ",".join(q.measures),
        "measures": list(q.measures),
        "layout": q.layout,
        "provinces": list(q.codes),
        "from": f"{start:%Y-%m}",
        "to": f"{end:%Y-%m}",
        "lang": q.lang,
        "title": m.title,
        "filters": m.filters,
        "as_of": f"{m.as_of:%Y-%m}" if m.as_of else None,
        "status": m.status,
        "status_text": export.status_text(m),
        "sources": m.sources,
        "rows": [{k: _json_value(v) for k, v in r.items()} for r in tidy.iter_rows(named=True)],
    }
    return _json_bytes(body), FORMATS["json"], name


def _json_bytes(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, allow_nan=False, default=str).encode()


# ---------------------------------------------------------------- the pages' links


def mark_served() -> None:
    """Say that this process serves the API beside the pages (vss_dash/asgi.py does)."""
    _SERVED.set()


def served() -> bool:
    """Whether this process serves the API: the pages link to it only then."""
    return _SERVED.is_set()


# ---------------------------------------------------------------- published figures


def published_figures() -> dict[str, Any]:
    """Every published figure (current ones, alternatives and earlier estimates, by `role`)
    and every source they come from."""
    figures = [
        {
            "period": f"{f.period:%Y-%m}",
            "layout": f.layout,
            "geo_code": f.geo_code,
            "geo": f.geo_text,
            "measure": f.measure,
            "value": f.value,
            "decimals": f.decimals,
            "unit": f.unit,
            "role": f.role,
            "source_id": f.source_id,
            "publisher": f.publisher,
            "published_on": f.published_on.isoformat() if f.published_on else None,
            "as_of": f.as_of.isoformat() if f.as_of else None,
            "official": f.official,
            "reference": f.reference,
            "basis": f.basis,
            "quote": f.quote,
        }
        for f in published.figures()
    ]
    sources = [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in s.items()}
        for s in published.sources()
    ]
    return {"figures": figures, "sources": sources}


# ---------------------------------------------------------------- the store


def store_token() -> tuple:
    """The data manager's token (the store's and the reference release), or a 503 when the
    store cannot even be asked."""
    try:
        return data_manager.token()
    except Exception:
        LOG.exception("api: the store's token cannot be read")
        raise ApiError(503, i18n.both("api.store_unavailable")) from None


def load_frames(token: tuple) -> metrics.Frames:
    """The store's frames (data.frames, shared with the pages), or a 503 (missing, invalid or
    unreachable store; logged)."""
    try:
        return data_manager.frames(tok=token)
    except Exception:
        LOG.exception("api: the store cannot be read")
        raise ApiError(503, i18n.both("api.store_unavailable")) from None


def readiness() -> dict[str, Any]:
    """The store's generation and token when it loads (else ApiError 503)."""
    token = store_token()
    fr = load_frames(token)
    return {
        "status": "ready",
        "generation": fr.version,
        "token": json.loads(json.dumps(token[0], default=str)),
        "key": fr.key,
        "periods": len(fr.periods()),
    }


# ---------------------------------------------------------------- caching and rate limits


def etag(*parts: object) -> str:
    """A strong ETag of what an answer depends on (the store's token, the query, the role)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(request: Request, tag: str) -> bool:
    """True if the request's If-None-Match names `tag` (or is *)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return tag in tags or "*" in tags


def client_address(host: str | None, real_ip: str | None) -> str:
    """The address a request is counted under: the visitor's as the local proxy names it
    (X-Real-IP, `real_ip`) when the connection comes from the proxy, else the connection's."""
    if host in TRUSTED_PROXIES and real_ip and real_ip.strip():
        return real_ip.strip()[:64]
    return host or "?"


class RateLimit:
    """At most `limit` requests per client (an address, or a token) in any `window` seconds (a
    sliding window),
    across the process's threads; the clock is passed in, for tests."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Count a request of `client`: 0 if it may be answered, else the seconds until it
        may ask again (a refused request is not counted)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.pop(client, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[client] = hits  # most recent last: the oldest are forgotten first
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            while len(self._hits) > MAX_CLIENTS:
                del self._hits[next(iter(self._hits))]
            return 0.0


# ---------------------------------------------------------------- the routes


def routes(
    secrets: Callable[[], Mapping[str, object]] | None = None,
    limit: int = RATE_LIMIT,
    window: float = RATE_WINDOW,
    clock: Callable[[], float] = time.monotonic,
) -> list[BaseRoute]:
    """The API's Starlette routes under PREFIX. `secrets`: reads secrets.toml (`[access]`
    profile); without it only the environment (VSS_PROFILE) chooses the profile."""
    read_secrets = secrets or (lambda: {})
    limiter = RateLimit(limit, window, clock)
    paths = [f"{PREFIX}/{p}" for p in ("measures", "data", "published", "ready", "openapi.json")]

    def throttle(key: str, text: str) -> None:
        """Count a request under `key`; a 429 when it is over the limit."""
        if wait := limiter.wait(key):
            seconds = int(window) if window == int(window) else window
            raise ApiError(
                429,
                i18n.both(text, limit=limit, seconds=seconds, wait=int(wait) + 1),
                {"Retry-After": str(int(wait) + 1)},
            )

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                host = request.client.host if request.client else None
                address = client_address(host, request.headers.get("x-real-ip"))
                header = request.headers.get("authorization")
                who = None  # no header: the handler asks for the role if it needs one
                if header is not None:
                    try:
                        who = await run_in_threadpool(client, read_secrets(), header)
                    except ApiError as e:
                        if e.status == 401:  # a refused token counts under the address
                            throttle(address, i18n.key("api.too_many"))
                        raise
                if who is not None and who.token is not None:
                    throttle(f"token {who.token.id}", i18n.key("api.too_many_token"))
                else:
                    throttle(address, i18n.key("api.too_many"))
                return await handler(request, who)
            except ApiError as e:
                return e.response()
            except Exception:
                LOG.exception("api: %s failed", request.url.path)
                return ApiError(500, i18n.both("api.internal")).response()

        return endpoint

    def role_of(who: Client | None) -> str | None:
        return who.role if who is not None else role(read_secrets())

    def params(request: Request) -> dict[str, list[str]]:
        q = request.query_params
        return {k: q.getlist(k) for k in q}

    def answer(request: Request, tag: str, body: bytes, media: str, **headers: str) -> Response:
        # a shared cache keeps no answer to one client for another (the role is the header's)
        common = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Authorization", **headers}
        if not_modified(request, tag):
            return Response(status_code=304, headers=common)
        return Response(body, media_type=media, headers=common)

    async def measures(request: Request, who: Client | None) -> Response:
        check_parameters(params(request), ())
        r = role_of(who)
        tag = etag("measures", _BOOT, r)
        if not_modified(request, tag):
            return answer(request, tag, b"", FORMATS["json"])
        return answer(request, tag, _json_bytes({"measures": catalogue(r)}), FORMATS["json"])

    async def data(request: Request, who: Client | None) -> Response:
        r = role_of(who)
        q = parse_data_query(params(request), r)
        token = await run_in_threadpool(store_token)
        tag = etag("data", _BOOT, repr(token), q, r)
        if not_modified(request, tag):
            return answer(request, tag, b"", FORMATS[q.format])
        frames = await run_in_threadpool(load_frames, token)
        body, media, name = await run_in_threadpool(render, frames, q)
        disposition = "inline" if q.format == "json" else "attachment"
        return answer(
            request,
            tag,
            body,
            media,
            **{"Content-Disposition": f'{disposition}; filename="{name}"'},
        )

    async def published_(request: Request, who: Client | None) -> Response:
        check_parameters(params(request), ())
        tag = etag("published", _BOOT, reference.release())
        if not_modified(request, tag):
            return answer(request, tag, b"", FORMATS["json"])
        body = await run_in_threadpool(lambda: _json_bytes(published_figures()))
        return answer(request, tag, body, FORMATS["json"])

    async def ready(request: Request, who: Client | None) -> Response:
        body = await run_in_threadpool(readiness)
        # not cached: a probe asks whether the store loads now
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def openapi(request: Request, who: Client | None) -> Response:
        check_parameters(params(request), ())
        tag = etag("openapi", _BOOT)
        if not_modified(request, tag):
            return answer(request, tag, b"", FORMATS["json"])
        body = _json_bytes(api_openapi.document(PREFIX, LAYOUTS, tuple(FORMATS), limit, window))
        return answer(request, tag, body, FORMATS["json"])

    async def not_found(request: Request, who: Client | None) -> Response:
        path = request.url.path
        if path in paths:  # a route's address, asked with another method than GET
            message = i18n.both("api.bad_method", path=path, method=request.method)
            raise ApiError(405, message, {"Allow": "GET, HEAD"})
        raise ApiError(404, i18n.both("api.not_found", path=path, allowed=_allowed(paths)))

    return [
        Route(f"{PREFIX}/measures", guarded(measures), methods=["GET"], name="measures"),
        Route(f"{PREFIX}/data", guarded(data), methods=["GET"], name="data"),
        Route(f"{PREFIX}/published", guarded(published_), methods=["GET"], name="published"),
        Route(f"{PREFIX}/ready", guarded(ready), methods=["GET"], name="ready"),
        Route(f"{PREFIX}/openapi.json", guarded(openapi), methods=["GET"], name="openapi"),
        # the rest of the prefix, and the routes' addresses with another method: a JSON 404 or
        # 405, not Starlette's plain text
        Route(PREFIX, guarded(not_found), methods=_ANY_METHOD, name="not_found"),
        Route(f"{PREFIX}/{{rest:path}}", guarded(not_found), methods=_ANY_METHOD, name="not_found"),
    ]


__all__ = [
    "DATA_PARAMETERS",
    "FORMATS",
    "LAYOUTS",
    "PREFIX",
    "ApiError",
    "Client",
    "DataQuery",
    "client",
    "data_address",
    "data_link",
    "mark_served",
    "parse_data_query",
    "routes",
    "served",
]
