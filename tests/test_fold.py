"""The one ASCII fold of Vietnamese text (geo.ascii_fold) and the three uses built on it: place-name
keys, import headers and export file names."""

from __future__ import annotations

import unicodedata

import pytest

from vss_dash import export, geo, ingest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội", "Ha Noi"),
        ("Đắk Lắk", "Dak Lak"),  # đ/Đ have no decomposition
        ("đồng", "dong"),
        ("Ðà Nẵng", "Da Nang"),  # eth, a frequent stand-in for Đ
        ("Thừa Thiên Huế", "Thua Thien Hue"),
        ("ả ã á ạ à ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ", "a a a a a a a a a a a a a a a"),  # every tone, 3 vowels
        ("Ơ Ư ơ ư Ô Ê Â", "O U o u O E A"),  # vowel marks without a tone
        ("  Bà  Rịa\n- Vũng Tàu ", "  Ba  Ria\n- Vung Tau "),  # spacing and punctuation kept
        ("TP. Hồ Chí Minh", "TP. Ho Chi Minh"),  # case kept
        ("ﬁ２", "fi2"),  # compatibility characters
        ("", ""),
    ],
)
def test_ascii_fold(text, expected):
    assert geo.ascii_fold(text) == expected


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
def test_the_fold_is_the_same_in_every_normalisation_form(form):
    assert geo.ascii_fold(unicodedata.normalize(form, "Quảng Ngãi Đồng Tháp")) == (
        "Quang Ngai Dong Thap"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [("Tỉnh Đắk Lắk", "daklak"), ("TP. Hồ Chí Minh", "hochiminh"), ("Ðà Nẵng City", "danang")],
)
def test_place_keys_use_the_fold(text, key):
    assert geo.normalize_key(text) == key


def test_import_headers_use_the_fold():
    assert ingest._plain("Số người\nBHXH  bắt buộc (Đồng)") == "so nguoi bhxh bat buoc dong"


def test_export_file_names_use_the_fold():
    assert export.file_name("ranking", "Đắk Lắk", "Hà Nội") == "vss_ranking_Dak-Lak_Ha-Noi.csv"
