"""Tests of vss_dash.geo: the province registry, the 2025 crosswalk and name matching."""

from __future__ import annotations

import pickle
import subprocess
import sys
import unicodedata
from datetime import date, datetime

import polars as pl
import pytest

from vss_dash import geo
from vss_dash.paths import REFERENCE_DIR

REGIONS = {
    "northern_midlands_mountains",
    "red_river_delta",
    "north_central_coast",
    "central_highlands",
    "southeast",
    "mekong_delta",
}
CITIES_P34 = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
# Codes that name different provinces in the two layouts: code -> (P63 name, P34 name).
COLLISIONS = {
    "80": ("Long An", "Tây Ninh"),
    "44": ("Quảng Bình", "Quảng Trị"),
    "52": ("Bình Định", "Gia Lai"),
    "15": ("Yên Bái", "Lào Cai"),
    "24": ("Bắc Giang", "Bắc Ninh"),
    "91": ("Kiên Giang", "An Giang"),
    "82": ("Tiền Giang", "Đồng Tháp"),  # not in the design brief's list, but the same case
}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def read_reference(name: str) -> pl.DataFrame:
    """A committed reference CSV with every column as a string."""
    return pl.read_csv(REFERENCE_DIR / name, infer_schema=False)


# --- crosswalk verification helper -------------------------------------------------------------


def crosswalk_mismatches(
    crosswalk: pl.DataFrame, wards_63: pl.DataFrame, wards_34: pl.DataFrame
) -> tuple[list[str], int]:
    """Compare a crosswalk with the provinces that the 2025 ward codes come from.

    For each P34 province, the P63 provinces holding its ward codes (joined on ward_code; codes
    new in 2025 are ignored) must be exactly those the crosswalk maps to it. Returns the list of
    discrepancies (empty when they agree) and the number of 2025 ward codes found in 0.6.0.
    """
    joined = wards_34.join(wards_63, on="ward_code", how="inner", suffix="_63")
    observed = {
        code: set(olds)
        for code, olds in joined.group_by("province_code")
        .agg(pl.col("province_code_63").unique())
        .iter_rows()
    }
    expected = {
        code: set(olds)
        for code, olds in crosswalk.group_by("code_34").agg(pl.col("code_63")).iter_rows()
    }
    problems = []
    for code in sorted(set(observed) | set(expected) | set(wards_34["province_code"])):
        seen, mapped = observed.get(code, set()), expected.get(code, set())
        if seen != mapped:
            problems.append(
                f"P34 {code}: wards come from {sorted(seen)}, crosswalk maps {sorted(mapped)}"
            )
    return problems, joined.height


@pytest.fixture(scope="module")
def wards_63() -> pl.DataFrame:
    return read_reference("wards_p63_v0.6.0.csv")


@pytest.fixture(scope="module")
def wards_34() -> pl.DataFrame:
    return read_reference("wards_p34_v2025.10.1.csv")


@pytest.fixture(scope="module")
def crosswalk_full() -> pl.DataFrame:
    return read_reference("crosswalk_2025.csv")


def test_ward_extracts_have_expected_shape(wards_63: pl.DataFrame, wards_34: pl.DataFrame) -> None:
    for wards, n_wards, n_provinces in ((wards_63, 10_051, 63), (wards_34, 3_321, 34)):
        assert wards.columns == ["ward_code", "province_code"]
        assert wards.height == n_wards
        assert wards["ward_code"].n_unique() == n_wards
        assert wards["province_code"].n_unique() == n_provinces
        assert wards["ward_code"].str.contains(r"^\d{5}$").all()
        assert wards["province_code"].str.contains(r"^\d{2}$").all()


def test_crosswalk_agrees_with_ward_codes(wards_63: pl.DataFrame, wards_34: pl.DataFrame) -> None:
    problems, matched = crosswalk_mismatches(geo.crosswalk(), wards_63, wards_34)
    assert problems == []
    assert matched >= 3_300


def _swap_target(cw: pl.DataFrame, code_63: str, code_34: str) -> pl.DataFrame:
    return cw.with_columns(
        pl.when(pl.col("code_63") == code_63)
        .then(pl.lit(code_34))
        .otherwise(pl.col("code_34"))
        .alias("code_34")
    )


def _exchange_targets(cw: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    target = dict(cw.select("code_63", "code_34").iter_rows())
    return _swap_target(_swap_target(cw, a, target[b]), b, target[a])


@pytest.mark.parametrize(
    ("label", "corrupt"),
    [
        ("Bình Dương sent to Đồng Nai", lambda cw: _swap_target(cw, "74", "75")),
        ("Long An sent to Đồng Tháp", lambda cw: _swap_target(cw, "80", "82")),
        ("Hà Giang and Lào Cai exchanged", lambda cw: _exchange_targets(cw, "02", "10")),
        ("Bạc Liêu row dropped", lambda cw: cw.filter(pl.col("code_63") != "95")),
    ],
)
def test_corrupted_crosswalk_is_caught(
    label: str, corrupt, wards_63: pl.DataFrame, wards_34: pl.DataFrame
) -> None:
    corrupted = corrupt(geo.crosswalk())
    assert not corrupted.equals(geo.crosswalk()), label
    problems, _ = crosswalk_mismatches(corrupted, wards_63, wards_34)
    assert problems, label


def test_crosswalk_names_match_packages(crosswalk_full: pl.DataFrame) -> None:
    names_63 = dict(read_reference("provinces_p63_v0.6.0.csv").iter_rows())
    names_34 = dict(read_reference("provinces_p34_v2025.10.1.csv").iter_rows())
    assert len(names_63) == 63 and len(names_34) == 34
    for code_63, name_63, code_34, name_34 in crosswalk_full.iter_rows():
        assert names_63[code_63] == name_63
        assert names_34[code_34] == name_34
    assert set(crosswalk_full["code_63"]) == set(names_63)
    assert set(crosswalk_full["code_34"]) == set(names_34)


def test_crosswalk_frame() -> None:
    cw = geo.crosswalk()
    assert cw.columns == ["code_63", "code_34"]
    assert cw.schema == pl.Schema({"code_63": pl.String, "code_34": pl.String})
    assert cw.height == 63
    assert cw["code_63"].is_unique().all()
    assert set(cw["code_63"]) == set(geo.codes("P63"))
    assert set(cw["code_34"]) == set(geo.codes("P34"))


# --- registry ----------------------------------------------------------------------------------


def test_registry_shape() -> None:
    reg = geo.provinces()
    assert reg.columns == [
        "layout",
        "code",
        "name",
        "short_name",
        "ascii_name",
        "region",
        "valid_from",
        "valid_to",
    ]
    assert reg.schema["valid_from"] == pl.Date and reg.schema["valid_to"] == pl.Date
    assert reg.height == 97
    assert reg.group_by("layout").len().sort("layout").rows() == [("P34", 34), ("P63", 63)]
    assert reg.select("layout", "code").is_unique().all()
    assert reg.equals(reg.sort("layout", "code"))
    assert reg["code"].str.contains(r"^\d{2}$").all()
    assert set(reg["region"]) == REGIONS
    assert geo.provinces("P63").height == 63 and geo.provinces("P34").height == 34
    with pytest.raises(ValueError):
        geo.provinces("P64")


def test_registry_names() -> None:
    for row in geo.provinces().iter_rows(named=True):
        for col in ("name", "short_name", "ascii_name"):
            assert unicodedata.is_normalized("NFC", row[col]), row
        assert row["name"] in (f"Tỉnh {row['short_name']}", f"Thành phố {row['short_name']}")
        assert row["ascii_name"].isascii()
        assert geo.normalize_key(row["ascii_name"]) == geo.normalize_key(row["short_name"])
        for old_style in ("oà", "oá", "oả", "oã", "oạ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"):
            assert old_style not in row["name"].lower(), row
    p34 = geo.provinces("P34")
    cities = set(p34.filter(pl.col("name").str.starts_with("Thành phố "))["short_name"])
    assert cities == CITIES_P34
    assert geo.province_name("P63", "17") == "Hòa Bình"
    assert geo.province_name("P63", "46", short=False) == "Tỉnh Thừa Thiên Huế"
    assert geo.province_name("P34", "46", short=False) == "Thành phố Huế"
    assert geo.province_name("P63", "77") == "Bà Rịa - Vũng Tàu"
    assert geo.provinces("P63").filter(pl.col("code") == "79")["ascii_name"].item() == "Ho Chi Minh"


def test_registry_agrees_with_packages() -> None:
    for layout, file in (
        ("P63", "provinces_p63_v0.6.0.csv"),
        ("P34", "provinces_p34_v2025.10.1.csv"),
    ):
        package = dict(read_reference(file).iter_rows())
        assert geo.codes(layout) == sorted(package)
        for code, name in package.items():
            if (layout, code) == ("P63", "46"):
                continue  # deliberately the pre-2025 name Tỉnh Thừa Thiên Huế
            assert geo.normalize_key(geo.province_name(layout, code, short=False)) == (
                geo.normalize_key(name)
            )


def test_registry_dates() -> None:
    reg = geo.provinces()
    p63, p34 = reg.filter(pl.col("layout") == "P63"), reg.filter(pl.col("layout") == "P34")
    assert set(p63["valid_from"]) == {date(2008, 8, 1)}
    assert set(p63["valid_to"]) == {date(2025, 6, 30)}
    assert set(p34["valid_from"]) == {geo.MERGER_DATE}
    assert p34["valid_to"].is_null().all()


def test_regions() -> None:
    counts = dict(geo.provinces("P63").group_by("region").len().iter_rows())
    assert counts == {
        "northern_midlands_mountains": 14,
        "red_river_delta": 11,
        "north_central_coast": 14,
        "central_highlands": 5,
        "southeast": 6,
        "mekong_delta": 13,
    }
    # A P34 province lies in the region of the P63 province whose name it kept.
    region_63 = {r["short_name"]: r["region"] for r in geo.provinces("P63").iter_rows(named=True)}
    region_63["Huế"] = region_63["Thừa Thiên Huế"]
    for row in geo.provinces("P34").iter_rows(named=True):
        assert row["region"] == region_63[row["short_name"]], row


def test_collision_list_is_complete() -> None:
    renamed = {
        code
        for code in geo.codes("P34")
        if geo.province_name("P63", code) != geo.province_name("P34", code)
    }
    assert renamed == set(COLLISIONS) | {"46"}  # 46: Thừa Thiên Huế renamed Huế, same land


def test_every_crosswalk_code_is_in_its_layout() -> None:
    for code_63, code_34 in geo.crosswalk().iter_rows():
        assert geo.is_valid_code("P63", code_63)
        assert geo.is_valid_code("P34", code_34)


@pytest.mark.parametrize("code", sorted(COLLISIONS))
def test_colliding_codes_are_different_provinces(code: str) -> None:
    name_63, name_34 = COLLISIONS[code]
    assert geo.province_name("P63", code) == name_63
    assert geo.province_name("P34", code) == name_34
    assert geo.match_province(name_63, "P63") == code
    assert geo.match_province(name_34, "P34") == code
    # In P34 the old province of that code was absorbed elsewhere or under another name.
    with pytest.raises(geo.UnknownProvince):
        geo.match_province(name_63, "P34")


def test_codes_and_validity() -> None:
    assert len(geo.codes("P63")) == 63 and len(geo.codes("P34")) == 34
    assert geo.codes("P34") == sorted(geo.codes("P34"))
    with pytest.raises(ValueError):
        geo.codes("VN")
    assert geo.is_valid_code("P63", "74")
    assert not geo.is_valid_code("P34", "74")
    assert not geo.is_valid_code("P63", "74 ")
    assert not geo.is_valid_code("P64", "01")
    assert geo.is_valid_code(geo.NATIONAL, geo.NATIONAL)
    assert not geo.is_valid_code(geo.NATIONAL, "01")
    assert geo.is_valid_code("P63", "01", date(2025, 6, 30))
    assert not geo.is_valid_code("P63", "01", date(2025, 7, 1))
    assert not geo.is_valid_code("P63", "01", date(2008, 7, 31))
    assert geo.is_valid_code("P34", "01", date(2025, 7, 1))
    assert geo.is_valid_code("P34", "01", datetime(2030, 1, 1, 12))
    assert not geo.is_valid_code("P34", "01", date(2025, 6, 30))


@pytest.mark.parametrize(
    ("period", "layout"),
    [
        (date(2024, 12, 31), "P63"),
        (date(2025, 6, 30), "P63"),
        (date(2025, 7, 1), "P34"),
        (datetime(2025, 6, 30, 23, 59), "P63"),
        (date(2026, 3, 31), "P34"),
    ],
)
def test_layout_for_period(period: date, layout: str) -> None:
    assert geo.layout_for_period(period) == layout


def test_province_name_unknown() -> None:
    with pytest.raises(KeyError):
        geo.province_name("P34", "74")
    with pytest.raises(KeyError):
        geo.province_name("P63", "1")
    with pytest.raises(ValueError):
        geo.province_name("p63", "01")


# --- normalisation and matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà Bình", "Hòa Bình"),
        (nfd("Hòa Bình"), "Hòa Bình"),
        ("Thanh Hoá", "THANH HÓA"),
        ("  Hà   Nội ", "ha noi"),
        ("Hà Nội", "Hanoi"),
        ("Đà Nẵng", "da nang"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Ho Chi Minh"),
        ("TP Hồ Chí Minh", "Ho Chi Minh"),
        ("T.P. Hồ Chí Minh", "Ho Chi Minh"),
        ("Tp.Hồ Chí Minh", "Ho Chi Minh"),
        ("Hồ Chí Minh City", "Ho Chi Minh"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu"),
        ("Tỉnh Quảng Nam", "quang-nam"),
    ],
)
def test_normalize_key_equivalences(a: str, b: str) -> None:
    assert geo.normalize_key(a) == geo.normalize_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hà Nam", "Hà Nội"), ("Quảng Nam", "Quảng Ninh"), ("Bình Định", "Bình Dương")],
)
def test_normalize_key_keeps_provinces_apart(a: str, b: str) -> None:
    assert geo.normalize_key(a) != geo.normalize_key(b)


def test_normalize_key_examples() -> None:
    assert geo.normalize_key("TP.HCM") == "hcm"
    assert geo.normalize_key("Tỉnh Hoà Bình") == "hoabinh"
    assert geo.normalize_key("Tỉnh") == "tinh"  # a prefix alone is kept, not emptied
    assert geo.normalize_key("") == ""


MATCHES = [
    # (text, layout, code)
    ("Hà Nội", "P63", "01"),
    ("Hà Nội", "P34", "01"),
    (nfd("Hà Nội"), "P34", "01"),
    ("Ha Noi", "P63", "01"),
    ("ha noi", "P34", "01"),
    ("HÀ NỘI", "P34", "01"),
    ("  Hà    Nội  ", "P63", "01"),
    ("Thành phố Hà Nội", "P34", "01"),
    ("Hoà Bình", "P63", "17"),
    ("Hòa Bình", "P63", "17"),
    (nfd("Hoà Bình"), "P63", "17"),
    ("Tỉnh Hoà Bình", "P63", "17"),
    ("hoa binh", "P63", "17"),
    ("Khánh Hoà", "P34", "56"),
    ("Thanh Hoá", "P34", "38"),
    ("TP. Hồ Chí Minh", "P63", "79"),
    ("TP. Hồ Chí Minh", "P34", "79"),
    ("TP.HCM", "P63", "79"),
    ("TP.HCM", "P34", "79"),
    ("TPHCM", "P34", "79"),
    ("tp hcm", "P34", "79"),
    ("HCM", "P63", "79"),
    ("HCMC", "P34", "79"),
    ("Ho Chi Minh", "P34", "79"),
    ("Hồ Chí Minh City", "P34", "79"),
    ("Ho Chi Minh City", "P63", "79"),
    ("Sài Gòn", "P63", "79"),
    ("Sài Gòn", "P34", "79"),
    ("Tp Hồ Chí Minh", "P34", "79"),
    ("T.P. Hồ Chí Minh", "P63", "79"),
    (nfd("Thành phố Hồ Chí Minh"), "P34", "79"),
    ("Thừa Thiên Huế", "P63", "46"),
    ("Thừa Thiên Huế", "P34", "46"),
    ("Tỉnh Thừa Thiên Huế", "P34", "46"),
    ("Huế", "P63", "46"),
    ("Huế", "P34", "46"),
    ("Thành phố Huế", "P63", "46"),
    ("Thành phố Huế", "P34", "46"),
    (nfd("Thừa Thiên - Huế"), "P34", "46"),
    ("Bà Rịa - Vũng Tàu", "P63", "77"),
    ("Bà Rịa Vũng Tàu", "P63", "77"),
    ("Ba Ria-Vung Tau", "P63", "77"),
    ("BR-VT", "P63", "77"),
    ("brvt", "P63", "77"),
    ("Đắk Lắk", "P34", "66"),
    ("Dak Lak", "P34", "66"),
    ("Daklak", "P34", "66"),
    ("Đà Nẵng", "P34", "48"),
    ("Da Nang", "P63", "48"),
    ("Bắc Cạn", "P63", "06"),
    ("Long An", "P63", "80"),
    ("Tây Ninh", "P34", "80"),
    ("Tây Ninh", "P63", "72"),
    ("01", "P63", "01"),
    ("1", "P34", "01"),
    (" 1 ", "P63", "01"),
    ("80", "P34", "80"),
    ("74", "P63", "74"),
    ("6", "P63", "06"),
]


@pytest.mark.parametrize(("text", "layout", "code"), MATCHES)
def test_match_province(text: str, layout: str, code: str) -> None:
    assert geo.match_province(text, layout) == code


@pytest.mark.parametrize("layout", geo.LAYOUTS)
def test_every_registry_name_matches_in_every_form(layout: str) -> None:
    for row in geo.provinces(layout).iter_rows(named=True):
        code = row["code"]
        for name in (row["name"], row["short_name"], row["ascii_name"]):
            for variant in (name, nfd(name), name.upper(), name.lower(), f"  {name}  "):
                assert geo.match_province(variant, layout) == code, (variant, layout)
        assert geo.match_province(f"TP. {row['short_name']}", layout) == code


REFUSALS = [
    # (text, layout, a suggestion that must be offered, fragments of the English message)
    ("Hà Tây", "P63", "Hà Nội", ("abolished", "1 Aug 2008", "Thành phố Hà Nội")),
    ("Ha Tay", "P34", "Hà Nội", ("abolished", "1 Aug 2008", "Thành phố Hà Nội")),
    ("Quang Nom", "P63", "Quảng Nam", ("Unknown province",)),
    ("Quảng Nom", "P63", "Quảng Nam", ("Unknown province",)),
    ("Bình Dương", "P34", "Hồ Chí Minh", ("merged into Thành phố Hồ Chí Minh", "1 Jul 2025")),
    (nfd("Tỉnh Bình Dương"), "P34", "Hồ Chí Minh", ("merged into Thành phố Hồ Chí Minh",)),
    ("BR-VT", "P34", "Hồ Chí Minh", ("merged into Thành phố Hồ Chí Minh",)),
    ("Long An", "P34", "Tây Ninh", ("merged into Tỉnh Tây Ninh", "1 Jul 2025")),
    ("Quảng Nam", "P34", "Đà Nẵng", ("merged into Thành phố Đà Nẵng",)),
    ("Hoà Bình", "P34", "Phú Thọ", ("merged into Tỉnh Phú Thọ",)),
    ("74", "P34", "Hồ Chí Minh", ("Code", "merged into Thành phố Hồ Chí Minh")),
]


@pytest.mark.parametrize(("text", "layout", "suggestion", "fragments"), REFUSALS)
def test_match_province_refuses(
    text: str, layout: str, suggestion: str, fragments: tuple[str, ...]
) -> None:
    with pytest.raises(geo.UnknownProvince) as info:
        geo.match_province(text, layout)
    exc = info.value
    assert exc.text == text and exc.layout == layout
    assert suggestion in exc.suggestions
    for fragment in fragments:
        assert fragment in exc.message_en
    assert exc.message_vi and exc.message_vi != exc.message_en
    assert exc.message_vi in str(exc) and exc.message_en in str(exc)


@pytest.mark.parametrize(
    ("text", "layout"), [("99", "P63"), ("VN", "P34"), ("", "P63"), ("xyz", "P34")]
)
def test_match_province_refuses_without_suggestions(text: str, layout: str) -> None:
    with pytest.raises(geo.UnknownProvince) as info:
        geo.match_province(text, layout)
    assert info.value.suggestions == []
    assert "Unknown" in info.value.message_en and "Không nhận ra" in info.value.message_vi


def test_vietnamese_messages() -> None:
    with pytest.raises(geo.UnknownProvince) as info:
        geo.match_province("Bình Dương", "P34")
    assert "Thành phố Hồ Chí Minh" in info.value.message_vi
    assert "1/7/2025" in info.value.message_vi
    with pytest.raises(geo.UnknownProvince) as info:
        geo.match_province("Hà Tây", "P63")
    assert "không còn là đơn vị hành chính" in info.value.message_vi
    assert "1/8/2008" in info.value.message_vi


def test_every_vanished_p63_province_points_to_its_heir() -> None:
    """Derived from the crosswalk: each P63 name absent from P34 names its P34 province."""
    p34_names = set(geo.provinces("P34")["short_name"]) | {"Thừa Thiên Huế"}
    for code_63, code_34 in geo.crosswalk().iter_rows():
        name_63 = geo.province_name("P63", code_63)
        if name_63 in p34_names:
            assert geo.match_province(name_63, "P34") == code_34
            continue
        with pytest.raises(geo.UnknownProvince) as info:
            geo.match_province(name_63, "P34")
        assert info.value.suggestions == [geo.province_name("P34", code_34)]
        assert geo.province_name("P34", code_34, short=False) in info.value.message_en
        assert geo.province_name("P34", code_34, short=False) in info.value.message_vi


def test_unknown_province_pickles() -> None:
    with pytest.raises(geo.UnknownProvince) as info:
        geo.match_province("Quang Nom", "P63")
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
    assert clone.suggestions == info.value.suggestions
    assert isinstance(clone, Exception)


def test_match_province_rejects_unknown_layout() -> None:
    with pytest.raises(ValueError):
        geo.match_province("Hà Nội", "VN")


# --- harmonisation -----------------------------------------------------------------------------


def test_harmonise_without_layout_column() -> None:
    df = pl.DataFrame(
        {
            "geo_code": ["74", "79", "77", "80", "VN", "72"],
            "value": [1.0, 2.0, 3.0, 4.0, 10.0, 5.0],
        }
    )
    out = geo.harmonise_codes_to_p34(df)
    assert out.columns == df.columns
    assert out["geo_code"].to_list() == ["79", "79", "79", "80", "VN", "80"]
    assert out["value"].to_list() == df["value"].to_list()


def test_harmonise_with_layout_column_and_custom_name() -> None:
    df = pl.DataFrame(
        {
            "layout": ["P63", "P34", "VN", "P63"],
            "code": ["80", "80", "VN", "44"],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = geo.harmonise_codes_to_p34(df, code_col="code")
    assert out.rows() == [
        ("P34", "80", 1.0),
        ("P34", "80", 2.0),
        ("VN", "VN", 3.0),
        ("P34", "44", 4.0),
    ]


def test_harmonise_then_sum_gives_34_provinces() -> None:
    df = pl.DataFrame({"geo_code": geo.codes("P63"), "value": [1.0] * 63})
    summed = geo.harmonise_codes_to_p34(df).group_by("geo_code").agg(pl.col("value").sum())
    assert sorted(summed["geo_code"]) == geo.codes("P34")
    assert summed["value"].sum() == 63
    assert dict(summed.iter_rows())["79"] == 3  # Hồ Chí Minh, Bình Dương, Bà Rịa - Vũng Tàu


def test_harmonise_rejects_bad_codes() -> None:
    with pytest.raises(ValueError, match="99"):
        geo.harmonise_codes_to_p34(pl.DataFrame({"geo_code": ["01", "99"]}))
    with pytest.raises(ValueError):
        geo.harmonise_codes_to_p34(pl.DataFrame({"layout": ["P63"], "geo_code": ["03"]}))
    with pytest.raises(TypeError):
        geo.harmonise_codes_to_p34(pl.DataFrame({"geo_code": [1, 79]}))
    with pytest.raises(TypeError):
        geo.harmonise_codes_to_p34(pl.DataFrame({"code": ["01"]}))


def test_geo_does_not_import_streamlit() -> None:
    probe = "import sys, vss_dash.geo; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("code_63", "code_34"), [("74", "79"), ("77", "79"), ("79", "79"), ("80", "80"), ("44", "44")]
)
def test_successor(code_63, code_34):
    assert geo.successor(code_63) == code_34


def test_constituents():
    assert geo.constituents("79") == ["74", "77", "79"]
    assert geo.constituents("80") == ["72", "80"]
    assert geo.constituents("04") == ["04"]
    assert sum(len(geo.constituents(c)) for c in geo.codes("P34")) == 63
