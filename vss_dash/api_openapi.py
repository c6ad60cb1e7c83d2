"""The data API (vss_dash/api.py) described in OpenAPI 3.1, served by the API itself at
/api/v1/openapi.json: every route, parameter, format, refusal and status. Written by hand, with
the lists that can change (layouts, formats, languages, measures, the rate limit) taken from
the code, so that the description cannot drift from what the routes accept; tests/test_api.py
checks it against the real router. Nothing in it points outside the server. A personal token
(vss_dash/api_tokens.py) is the security scheme `bearer`, optional: without one a client is
anonymous."""

from __future__ import annotations

from typing import Any

from vss_dash import catalog, i18n

VERSION = "1.0.0"

_ERROR_STATUSES = {  # status -> (component name, what it means)
    400: ("BadParameter", "A parameter is unknown, repeated or invalid; the texts say which."),
    401: (
        "Unauthorized",
        "An Authorization header that is not a personal token in force: malformed, another "
        "scheme, unknown, revoked or expired (outside the open demo). Never served as anonymous.",
    ),
    403: ("Forbidden", "An internal measure, outside the open demo profile, without a token."),
    404: ("NotFound", "No such address under the prefix."),
    405: ("MethodNotAllowed", "A method other than GET (or HEAD); see Allow."),
    429: ("TooMany", "Too many requests from this token, or client address; see Retry-After."),
    500: ("Internal", "The server failed; the error is logged, no detail is given."),
    503: ("Unavailable", "The store, or the server's access settings, cannot be read."),
}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _ref("responses", _ERROR_STATUSES[s][0]) for s in statuses}


def _json(schema: dict[str, Any], description: str, cached: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if cached:
        out["headers"] = {"ETag": _ref("headers", "ETag")}
    return out


def _parameters(layouts: tuple[str, ...], formats: tuple[str, ...]) -> dict[str, Any]:
    """/data's query parameters (api.DATA_PARAMETERS) and the If-None-Match header."""
    month = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "examples": ["2026-09"]}
    measures = ", ".join(m.id for m in catalog.MEASURES)

    def query(name: str, schema: dict[str, Any], description: str, **kw: Any) -> dict:
        return {"name": name, "in": "query", "schema": schema, "description": description, **kw}

    return {
        "measure": query(
            "measure",
            {"type": "string", "pattern": r"^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$"},
            "One measure id, or several separated by commas (see /measures; an alias answers "
            f"for its measure). Ids: {measures}.",
            required=True,
            examples={
                "one": {"value": "si_coverage_rate"},
                "two": {"value": "si_coverage_rate,hi_coverage_rate"},
            },
        ),
        "layout": query(
            "layout",
            {"type": "string", "enum": list(layouts), "default": "VN"},
            "VN: the nation; P63: the 63 provinces (to 2025-06); P34: the 34 provinces (older "
            "months summed through the crosswalk). A national-only measure needs VN.",
        ),
        "provinces": query(
            "provinces",
            {"type": "string", "pattern": r"^[0-9A-Za-z]+(,[0-9A-Za-z]+)*$"},
            "Province codes of the layout, separated by commas (default: every province). "
            "Not with layout=VN.",
            examples={"two": {"value": "01,79"}},
        ),
        "from": query("from", month, "First month, YYYY-MM (default: the layout's first month)."),
        "to": query("to", month, "Last month, YYYY-MM (default: the layout's last month)."),
        "format": query(
            "format",
            {"type": "string", "enum": list(formats), "default": "json"},
            "json: the filters, status and sources, and the rows (ids, values rounded as "
            "published); csv: the Data page's CSV (UTF-8 with BOM, headers and words in lang); "
            "parquet: the rows with the export's metadata.",
        ),
        "lang": query(
            "lang",
            {"type": "string", "enum": list(i18n.LANGS), "default": i18n.DEFAULT_LANG},
            "The language of names, headers and notes.",
        ),
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "The ETag of an earlier answer: a 304 if nothing changed since.",
        },
    }


def _schemas() -> dict[str, Any]:
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}
    return {
        "Error": {
            "type": "object",
            "required": ["error_vi", "error_en"],
            "properties": {"error_vi": text, "error_en": text},
            "additionalProperties": False,
        },
        "Measure": {
            "type": "object",
            "required": ["id", "name_vi", "name_en", "unit", "internal", "available"],
            "properties": {
                "id": text,
                "name_vi": text,
                "name_en": text,
                "unit": text,
                "internal": {"type": "boolean"},
                "national_only": {"type": "boolean"},
                "available": {
                    "type": "boolean",
                    "description": "Whether this client may have the measure's data.",
                },
            },
        },
        "Row": {
            "type": "object",
            "description": "One value; ids, not words, except the names in lang.",
            "properties": {
                "period": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                "layout": text,
                "geo_code": text,
                "province": text,
                "measure": text,
                "measure_label": text,
                "value": {"type": ["number", "null"]},
                "unit": text,
                "status": {"type": "string", "description": "demo, reported or published"},
                "source_id": nullable_text,
            },
            "additionalProperties": True,
        },
        "Data": {
            "type": "object",
            "required": ["measure", "measures", "layout", "from", "to", "lang", "rows"],
            "properties": {
                "measure": {"type": "string", "description": "The ids, comma-separated."},
                "measures": {"type": "array", "items": text},
                "layout": text,
                "provinces": {"type": "array", "items": text},
                "from": text,
                "to": text,
                "lang": text,
                "title": text,
                "filters": {"type": "object", "additionalProperties": text},
                "as_of": nullable_text,
                "status": nullable_text,
                "status_text": nullable_text,
                "sources": {"type": "array", "items": text},
                "rows": {"type": "array", "items": _ref("schemas", "Row")},
            },
        },
        "Published": {
            "type": "object",
            "required": ["figures", "sources"],
            "properties": {
                "figures": {"type": "array", "items": {"type": "object"}},
                "sources": {"type": "array", "items": {"type": "object"}},
            },
        },
        "Ready": {
            "type": "object",
            "required": ["status", "generation"],
            "properties": {
                "status": {"const": "ready"},
                "generation": nullable_text,
                "token": {},
                "key": text,
                "periods": {"type": "integer"},
            },
        },
    }


def document(
    prefix: str,
    layouts: tuple[str, ...],
    formats: tuple[str, ...],
    limit: int,
    window: float,
) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the routes api.routes() makes under `prefix`."""
    params = _parameters(layouts, formats)
    etag = _ref("parameters", "If-None-Match")
    not_modified = _ref("responses", "NotModified")
    seconds = int(window) if window == int(window) else window
    data_params = [_ref("parameters", n) for n in params if n != "If-None-Match"]
    files = {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
    }
    data_ok = _json(_ref("schemas", "Data"), "The values (format=json), or a file (csv, parquet).")
    data_ok["content"] |= files
    data_ok["headers"]["Content-Disposition"] = {
        "schema": {"type": "string"},
        "description": "The Data page's file name; inline for JSON, attachment for files.",
    }
    paths = {
        f"{prefix}/measures": {
            "get": {
                "operationId": "measures",
                "summary": "The catalogue of measures",
                "parameters": [etag],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "measures": {"type": "array", "items": _ref("schemas", "Measure")}
                            },
                        },
                        "Every measure, and whether this client may have its data.",
                    ),
                    "304": not_modified,
                    **_errors(400, 401, 405, 429, 500, 503),
                },
            }
        },
        f"{prefix}/data": {
            "get": {
                "operationId": "data",
                "summary": "Values of one or more measures by layout, provinces and months",
                "parameters": [*data_params, etag],
                "responses": {
                    "200": data_ok,
                    "304": not_modified,
                    **_errors(400, 401, 403, 405, 429, 500, 503),
                },
            }
        },
        f"{prefix}/published": {
            "get": {
                "operationId": "published",
                "summary": "The published figures and their sources",
                "parameters": [etag],
                "responses": {
                    "200": _json(_ref("schemas", "Published"), "Every published figure."),
                    "304": not_modified,
                    **_errors(400, 401, 405, 429, 500, 503),
                },
            }
        },
        f"{prefix}/ready": {
            "get": {
                "operationId": "ready",
                "summary": "Readiness: the store's generation",
                "responses": {
                    "200": _json(_ref("schemas", "Ready"), "The store loads.", cached=False),
                    **_errors(401, 405, 429, 500, 503),
                },
            }
        },
        f"{prefix}/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "parameters": [etag],
                "responses": {
                    "200": _json({"type": "object"}, "OpenAPI 3.1, as JSON."),
                    "304": not_modified,
                    **_errors(400, 401, 405, 429, 500, 503),
                },
            }
        },
    }
    responses: dict[str, Any] = {
        name: {
            "description": what,
            "content": {"application/json": {"schema": _ref("schemas", "Error")}},
        }
        for name, what in _ERROR_STATUSES.values()
    }
    responses["MethodNotAllowed"]["headers"] = {
        "Allow": {"schema": {"type": "string"}, "description": "GET, HEAD"}
    }
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": 'Bearer realm="vss-dash", error="invalid_token"',
        }
    }
    responses["TooMany"]["headers"] = {
        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
    }
    responses["NotModified"] = {
        "description": "Nothing changed since the ETag in If-None-Match; no body.",
        "headers": {"ETag": _ref("headers", "ETag")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{i18n.t('app_title', 'vi')} / {i18n.t('app_title', 'en')}: data API",
            "version": VERSION,
            "description": (
                "Read-only data of the VSS dashboard: the pages' figures, statuses, sources and "
                "rounding. Outside the open demo an anonymous client gets the public measures "
                "only; a personal token (made on the Data page by an analyst or leadership "
                "member, sent as `Authorization: Bearer vss_...`) gets its maker's role, and "
                "one that is malformed, unknown, revoked or expired is a 401. "
                f"At most {limit} requests in {seconds} seconds per token, else per client "
                "address. Every "
                "refusal is JSON with the message in Vietnamese (error_vi) and English "
                "(error_en). Answers carry an ETag from the store's generation. Any other "
                "address under the prefix is a 404 (NotFound); a method other than GET or HEAD "
                "is a 405 (MethodNotAllowed)."
            ),
        },
        "servers": [{"url": "/"}],
        # a token, or none: anonymous
        "security": [{"bearer": []}, {}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token (vss_ and 43 characters), made and revoked "
                    "on the Data page's API access tab; in the open demo it is not read.",
                }
            },
            "parameters": params,
            "schemas": _schemas(),
            "responses": responses,
            "headers": {
                "ETag": {
                    "schema": {"type": "string"},
                    "description": "Changes when the store's generation (or the server) does.",
                }
            },
        },
    }
