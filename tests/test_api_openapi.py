"""The data API's OpenAPI description (vss_dash/api_openapi.py), served at /api/v1/openapi.json:
valid JSON in OpenAPI 3.x, every route and parameter of the real router in it, every reference
resolved, its schemas valid JSON Schema that the real answers meet, nothing outside the server."""

from __future__ import annotations

import json
import warnings

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.routing import Route

from vss_dash import api, catalog, i18n

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

URL = "/api/v1/openapi.json"
PUBLIC = "si_coverage_rate"


@pytest.fixture(autouse=True)
def open_demo(monkeypatch):
    for name in ("VSS_PROFILE", "VSS_PRINT_TOKEN", "VSS_PRINT_TOKEN_EXPIRES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(Starlette(routes=api.routes(limit=10_000)))


@pytest.fixture(scope="module")
def doc(client) -> dict:
    r = client.get(URL)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    return json.loads(r.content)


def real_routes() -> dict[str, set[str]]:
    """Path -> methods of the router's routes, the catch-all 404s left out."""
    return {
        r.path: set(r.methods or ()) - {"HEAD"}
        for r in api.routes()
        if isinstance(r, Route) and r.name != "not_found"
    }


def refs(node) -> list[str]:
    if isinstance(node, dict):
        here = [node["$ref"]] if "$ref" in node else []
        return here + [x for v in node.values() for x in refs(v)]
    if isinstance(node, list):
        return [x for v in node for x in refs(v)]
    return []


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [*node, *(x for v in node.values() for x in strings(v))]
    if isinstance(node, list):
        return [x for v in node for x in strings(v)]
    return [node] if isinstance(node, str) else []


def resolve(doc: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_it_is_openapi_3(doc, client):
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] and doc["info"]["version"]
    assert i18n.t("app_title", "vi") in doc["info"]["title"]
    assert str(api.RATE_LIMIT) in doc["info"]["description"]
    tag = client.get(URL).headers["etag"]
    assert client.get(URL, headers={"If-None-Match": tag}).status_code == 304


def test_every_route_of_the_router_is_described(doc):
    routes = real_routes()
    assert set(routes) == set(doc["paths"]) and f"{api.PREFIX}/openapi.json" in routes
    assert len(routes) == 5
    for path, methods in routes.items():
        assert {m.lower() for m in methods} == set(doc["paths"][path]), path
        for op in doc["paths"][path].values():
            assert op["operationId"] and op["summary"] and "200" in op["responses"]
            assert {"429", "500"} <= set(op["responses"])  # every route is guarded


def test_every_parameter_of_data_is_described(doc):
    op = doc["paths"][f"{api.PREFIX}/data"]["get"]
    params = [resolve(doc, p["$ref"]) if "$ref" in p else p for p in op["parameters"]]
    query = {p["name"]: p for p in params if p["in"] == "query"}
    assert list(query) == list(api.DATA_PARAMETERS)
    assert query["measure"]["required"] is True
    assert query["layout"]["schema"]["enum"] == list(api.LAYOUTS)
    assert query["format"]["schema"]["enum"] == list(api.FORMATS)
    assert query["lang"]["schema"]["enum"] == list(i18n.LANGS)
    assert all(m.id in query["measure"]["description"] for m in catalog.MEASURES)
    assert "If-None-Match" in {p["name"] for p in params if p["in"] == "header"}
    assert set(op["responses"]["200"]["content"]) == {
        media.split(";")[0] for media in api.FORMATS.values()
    }
    assert {"304", "400", "403", "503"} <= set(op["responses"])


def test_every_reference_resolves_and_every_schema_is_json_schema(doc):
    for ref in refs(doc):
        resolve(doc, ref)
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema.get("type") == "object", name


def test_nothing_points_outside_the_server(doc):
    assert doc["servers"] == [{"url": "/"}]
    assert not [s for s in strings(doc) if "http://" in s or "https://" in s]


def validate(doc: dict, schema: str, instance) -> None:
    registry = Registry().with_resource("urn:api", Resource(doc, DRAFT202012))
    ref = {"$ref": f"urn:api#/components/schemas/{schema}"}
    jsonschema.Draft202012Validator(ref, registry=registry).validate(instance)


def test_the_real_answers_meet_their_schemas(doc, client):
    measures = client.get(f"{api.PREFIX}/measures").json()["measures"]
    for m in measures:
        validate(doc, "Measure", m)
    data = client.get(f"{api.PREFIX}/data", params={"measure": PUBLIC, "to": "2024-03"}).json()
    validate(doc, "Data", data)
    validate(doc, "Ready", client.get(f"{api.PREFIX}/ready").json())
    validate(doc, "Published", client.get(f"{api.PREFIX}/published").json())
    for path in (f"{api.PREFIX}/data?layout=P99", f"{api.PREFIX}/nothing", f"{URL}?x=1"):
        validate(doc, "Error", client.get(path).json())
