"""Importing provincial reports: every accepted format and encoding, every refusal with its sheet,
row and column in both languages, and the safety of the store (all or nothing, vintages kept,
an append-only log)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import unicodedata
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from vss_dash import cli, geo, ingest, metrics, store
from vss_dash.paths import store_dir
from vss_dash.store import parquet_log
from vss_harness.ingest_files import AMOUNTS, PERSONS, Wide, long_csv, long_xlsx

SEP_2024 = date(2024, 9, 30)  # 63 provinces
MAR_2026 = date(2026, 3, 31)  # 34 provinces


@pytest.fixture(scope="module")
def wide(frames) -> Wide:
    return Wide.from_store(frames, SEP_2024)


@pytest.fixture
def tmp_store(tmp_path: Path) -> Path:
    """A copy of the demo store that a test may write to."""
    d = tmp_path / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    return d


def read(data: bytes, name: str, frames, **kw) -> ingest.Report:
    return ingest.read(data, name, frames=frames, **kw)


def rules(report: ingest.Report, severity: str = "error") -> list[str]:
    return [f.rule for f in report.findings if f.severity == severity]


def the(report: ingest.Report, rule: str) -> ingest.Finding:
    found = [f for f in report.findings if f.rule == rule]
    assert len(found) == 1, (rule, [str(f) for f in report.findings])
    return found[0]


def store_bytes(d: Path) -> dict[str, str]:
    return {
        f: hashlib.sha256((d / f).read_bytes()).hexdigest()
        for f in store.FILES.values()
        if (d / f).exists()
    }


def expected_rows(w: Wide) -> dict[tuple[str, str], float]:
    """(province name, measure) -> value in the catalogue's unit."""
    out = {}
    for name, values in w.rows.items():
        for m in PERSONS:
            out[(name, m)] = values[m]
        for m in AMOUNTS:
            out[(name, m)] = values[m] / 1000  # million -> billion VND
    return out


def as_read(report: ingest.Report) -> dict[tuple[str, str], float]:
    from vss_dash import geo

    return {
        (geo.province_name(r["layout"], r["geo_code"]), r["measure"]): r["value"]
        for r in report.rows.iter_rows(named=True)
    }


# ---------------------------------------------------------------- formats and encodings


def to_windows_1258(text: str) -> bytes:
    """Encode as legacy Vietnamese Windows-1258: letters the code page holds precomposed stay
    so, and the tone marks follow as combining characters (how such files really look)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        # keep circumflex, breve and horn with the letter when the code page has that letter
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", errors="ignore"):
                base = composed
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "windows-1258": to_windows_1258,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_wide_csv_in_every_encoding(frames, wide, encoding):
    data = ENCODINGS[encoding](wide.csv_text())
    report = read(data, "bao_cao.csv", frames)
    assert report.ok, [str(f) for f in report.findings]
    assert report.shape == "wide" and report.periods() == [SEP_2024]
    assert as_read(report) == pytest.approx(expected_rows(wide))
    # the footer below the blank row is reported, not read
    assert rules(report, "warning") == ["below_table"]


def test_windows_1258_really_uses_combining_marks(wide):
    data = to_windows_1258(wide.csv_text())
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Hà Nội" not in data.decode("cp1258")  # decomposed until normalised
    assert "Hà Nội" in unicodedata.normalize("NFC", data.decode("cp1258"))
    assert ingest.decode(data)[1] == "windows-1258"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_wide_csv_delimiters(frames, wide, delimiter):
    report = read(wide.csv_bytes(delimiter=delimiter), "r.csv", frames)
    assert report.ok and report.rows.height == 63 * 7


@pytest.mark.parametrize("numbers_as_text", [False, True], ids=["numeric-cells", "text-cells"])
def test_wide_xlsx_with_merged_headers(frames, wide, numbers_as_text):
    report = read(wide.xlsx_bytes(numbers_as_text), "bao_cao.xlsx", frames)
    assert report.ok, [str(f) for f in report.findings]
    assert report.sheet == "Báo cáo"
    assert as_read(report) == pytest.approx(expected_rows(wide))


def test_header_with_units_in_a_units_row_and_one_header_row(frames, wide):
    grid = wide.grid()
    # one header row naming each measure fully, then a row of units
    grid[3] = ["STT", "Đơn vị", "Số người tham gia BHXH bắt buộc", "BHXH tự nguyện", "BHTN",
               "BHYT", "Số phải thu", "Số đã thu", "Số chậm đóng"]  # fmt: skip
    grid[4] = [None, None, "người", "người", "người", "người", "tỷ đồng", "tỷ đồng", "tỷ đồng"]
    del grid[5]  # no column-number row
    for row in grid[5 : 5 + 63]:  # amounts from million to billion, with a decimal comma
        for j in (6, 7, 8):
            value = float(row[j].replace(".", "")) / 1000
            row[j] = f"{value:.3f}".replace(".", ",")
    total = grid[5 + 63]
    for j in (6, 7, 8):
        total[j] = f"{float(total[j].replace('.', '')) / 1000:.3f}".replace(".", ",")
    text = "\n".join(",".join(f'"{c}"' if c else "" for c in row) for row in grid)
    report = read(text.encode(), "r.csv", frames)
    assert report.ok, [str(f) for f in report.findings]
    assert as_read(report) == pytest.approx(expected_rows(wide), abs=5e-4)


def test_long_csv_with_names_codes_and_units(frames):
    rows = [
        ("2024-09", "Hà Nội", "si_compulsory", "2000000", "người"),
        ("2024-09", "79", "si_compulsory", "2600", "nghìn người"),
        ("2024-09", "TP. Hồ Chí Minh", "revenue_collected", "150000", "triệu đồng"),
        ("2024-09", "Đà Nẵng", "hi_participants", "1100000", ""),
        ("2024-09", "VN", "pm_assigned_tasks_completed", "12", ""),
    ]
    report = read(long_csv(rows), "long.csv", frames)
    assert report.ok, [str(f) for f in report.findings]
    got = {(r["geo_code"], r["measure"]): r["value"] for r in report.rows.iter_rows(named=True)}
    assert got == {
        ("01", "si_compulsory"): 2_000_000,
        ("79", "si_compulsory"): 2_600_000,
        ("79", "revenue_collected"): 150.0,
        ("48", "hi_participants"): 1_100_000,
        ("VN", "pm_assigned_tasks_completed"): 12,
    }
    assert "missing_provinces" in rules(report, "warning")


def test_long_xlsx_with_date_cells(frames):
    rows = [(datetime(2026, 3, 1), "Hà Nội", "hi_participants", 8_000_000.0)]
    report = read(long_xlsx(rows), "long.xlsx", frames)
    assert report.ok, [str(f) for f in report.findings]
    assert report.rows.row(0, named=True)["period"] == MAR_2026
    assert report.rows.row(0, named=True)["layout"] == "P34"


def test_period_from_option_when_the_title_lacks_it(frames, wide):
    w = Wide(SEP_2024, wide.rows, title="BÁO CÁO TÌNH HÌNH THU")
    refused = read(w.csv_bytes(), "r.csv", frames)
    assert rules(refused) == ["no_period"] and not refused.ok
    report = read(w.csv_bytes(), "r.csv", frames, period=SEP_2024)
    assert report.ok and report.periods() == [SEP_2024]


def test_period_option_overrides_the_title_with_a_warning(frames, wide):
    report = read(wide.csv_bytes(), "r.csv", frames, period=date(2024, 10, 31))
    assert report.periods() == [date(2024, 10, 31)]
    f = the(report, "period_override")
    assert "09/2024" in f.message_vi and "10/2024" in f.message_en


def test_title_periods():
    assert ingest.title_period("BÁO CÁO THÁNG 9 NĂM 2024") == SEP_2024
    assert ingest.title_period("Tháng 09/2024") == SEP_2024
    assert ingest.title_period("thang 12 nam 2025") == date(2025, 12, 31)
    assert ingest.title_period("BÁO CÁO THÁNG 13 NĂM 2024") is None
    assert ingest.title_period("BẢO HIỂM XÃ HỘI VIỆT NAM") is None


@pytest.mark.parametrize(
    ("cell", "vietnamese", "expected"),
    [
        ("1.234.567", True, 1234567.0),
        ("1.234,5", True, 1234.5),
        ("1 234 567", True, 1234567.0),
        ("12", True, 12.0),
        ("-", True, None),
        (None, True, None),
        (3.5, True, 3.5),
        ("(1.000)", True, -1000.0),
        ("1234.5", False, 1234.5),
        ("1e3", False, 1000.0),
    ],
)
def test_numbers(cell, vietnamese, expected):
    assert ingest.parse_number(cell, vietnamese) == expected


@pytest.mark.parametrize(("cell", "vietnamese"), [("1,234.5", True), ("12.5", True),
                                                  ("1,234", False), ("abc", True)])  # fmt: skip
def test_numbers_that_are_refused(cell, vietnamese):
    with pytest.raises(ingest._BadNumber):
        ingest.parse_number(cell, vietnamese)


@pytest.mark.parametrize(
    ("text", "kind", "factor"),
    [
        ("Số đã thu (triệu đồng)", "billion_vnd", 1e-3),
        ("TỶ ĐỒNG", "billion_vnd", 1.0),
        ("đồng", "billion_vnd", 1e-9),
        ("Số người (người)", "persons", 1.0),
        ("nghìn người", "persons", 1e3),
    ],
)
def test_units(text, kind, factor):
    unit = ingest.find_unit(text)
    assert (unit.kind, unit.factor) == (kind, factor)


def test_to_pay_is_not_the_currency():
    # "đóng" (to pay) and "đồng" (dong) are both "dong" without diacritics
    assert ingest.find_unit("Số chậm đóng") is None


# ---------------------------------------------------------------- refusals


def mutate(w: Wide, name: str, **values) -> Wide:
    rows = {k: dict(v) for k, v in w.rows.items()}
    rows[name].update(values)
    return Wide(w.period, rows, total=w.sums())  # the total as the province wrote it


def test_unknown_province_with_suggestions(frames, wide):
    rows = {("Ha Noj" if k == "Hà Nội" else k): v for k, v in wide.rows.items()}
    report = read(Wide(SEP_2024, rows).csv_bytes(), "r.csv", frames)
    f = the(report, "unknown_province")
    assert (f.row, f.column, f.header) == (7, "B", "Tỉnh/Thành phố")
    assert "Hà Nội" in f.message_vi and "Did you mean" in f.message_en
    assert rules(report) == ["unknown_province"]  # no knock-on total errors
    assert not report.ok


def test_a_province_of_the_old_layout_in_a_2026_report(frames):
    w = Wide.from_store(frames, MAR_2026)
    rows = dict(w.rows)
    rows["Bình Dương"] = rows.pop("TP. Hồ Chí Minh", None) or rows.pop(next(iter(rows)))
    report = read(Wide(MAR_2026, rows).csv_bytes(), "r.csv", frames)
    f = the(report, "unknown_province")
    assert "Bình Dương" in f.message_vi and "Hồ Chí Minh" in f.message_vi
    assert "merged into" in f.message_en and "1 Jul 2025" in f.message_en


def test_duplicate_province(frames, wide):
    w = Wide(SEP_2024, wide.rows, extra_rows=[["64", "Hà Nội", *["1"] * 7]])
    report = read(w.csv_bytes(), "r.csv", frames)
    f = the(report, "duplicate_province")
    assert f.row == 7 + 63 and "dòng 7" in f.message_vi and "row 7" in f.message_en


@pytest.mark.parametrize(
    ("value", "rule"),
    [("-5", "negative"), ("abc", "not_a_number"), ("=SUM(C7:C69)", "formula"),
     ("@cmd", "formula"), ("+1+1", "formula")],
)  # fmt: skip
def test_bad_value_cells(frames, wide, value, rule):
    report = read(mutate(wide, "Đà Nẵng", si_voluntary=value).csv_bytes(), "r.csv", frames)
    f = the(report, rule)
    row = 7 + list(wide.rows).index("Đà Nẵng")
    assert (f.row, f.column, f.severity) == (row, "D", "error")
    assert value in f.message_vi and value in f.message_en
    assert "total_mismatch" not in rules(report)  # a column with a refused cell is not summed


def test_formula_in_a_province_cell(frames, wide):
    rows = {
        ('=HYPERLINK("http://x","Đà Nẵng")' if k == "Đà Nẵng" else k): v
        for k, v in wide.rows.items()
    }
    report = read(Wide(SEP_2024, rows).csv_bytes(), "r.csv", frames)
    assert the(report, "formula").column == "B"


def test_total_row_not_equal_to_the_sum(frames, wide):
    total = wide.sums() | {"hi_participants": wide.sums()["hi_participants"] + 1}
    report = read(Wide(SEP_2024, wide.rows, total=total).csv_bytes(), "r.csv", frames)
    f = the(report, "total_mismatch")
    assert (f.row, f.column) == (7 + 63, "F")
    assert "(chênh \u22121)" in f.message_vi and "(difference \u22121)" in f.message_en


def test_total_row_is_not_stored(frames, wide):
    report = read(wide.csv_bytes(), "r.csv", frames)
    assert report.rows.height == 63 * 7 and "VN" not in set(report.rows["geo_code"])


def test_participants_above_their_denominator(frames, wide):
    report = read(mutate(wide, "Lai Châu", si_compulsory=5_000_000).csv_bytes(), "r.csv", frames)
    f = the(report, "above_denominator")
    assert f.severity == "error" and f.column == "C"
    assert "Lai Châu" in f.message_vi and "Lực lượng lao động" in f.message_vi
    assert "exceeds" in f.message_en


def test_missing_provinces_are_a_warning(frames, wide):
    rows = {k: v for k, v in wide.rows.items() if k not in ("Hà Giang", "Cao Bằng")}
    report = read(Wide(SEP_2024, rows).csv_bytes(), "r.csv", frames)
    assert report.ok
    f = the(report, "missing_provinces")
    assert f.severity == "warning" and "Hà Giang" in f.message_vi and "2 of 63" in f.message_en


def test_a_jump_against_last_month_is_a_warning(frames, wide):
    vol = wide.rows["Điện Biên"]["si_voluntary"]
    w = mutate(wide, "Điện Biên", si_voluntary=round(vol * 1.6))
    w.total = None
    report = read(w.csv_bytes(), "r.csv", frames)
    f = the(report, "jump")
    assert f.severity == "warning" and f.column == "D" and "Điện Biên" in f.message_en
    code = geo.match_province("Điện Biên", "P63")
    prev = metrics.value_at(frames, "si_voluntary", "P63", code, date(2024, 8, 31), False)
    pct = f"{100 * (round(vol * 1.6) / prev - 1):+.2f}%"
    assert pct in f.message_en and pct.replace(".", ",") in f.message_vi
    assert report.ok  # warnings never refuse a file
    assert "jump" not in rules(read(w.csv_bytes(), "r.csv", frames, max_jump_pct=80), "warning")


def test_money_columns_need_a_unit(frames, wide):
    text = wide.csv_text().replace("Số tiền (triệu đồng)", "Số tiền")
    report = read(text.encode(), "r.csv", frames)
    assert sorted({f.column for f in report.findings if f.rule == "unit_missing"}) == [
        "G",
        "H",
        "I",
    ]


def test_a_unit_that_does_not_fit(frames, wide):
    text = wide.csv_text().replace("Số tiền (triệu đồng)", "Số tiền (người)")
    assert "unit_mismatch" in rules(read(text.encode(), "r.csv", frames))


def test_long_table_refusals(frames):
    rows = [
        ("2024-13", "Hà Nội", "si_compulsory", "1"),
        ("2024-09", "Hà Nội", "si_compulsry", "1"),
        ("2024-09", "Hà Nội", "si_coverage_rate", "40"),
        ("2024-09", "Hà Nội", "pm_assigned_tasks_completed", "3"),
        ("2024-09", "VN", "si_compulsory", "1"),
        ("2024-09", "Hà Nội", "si_voluntary", "1,5"),
        ("2024-09", "Hà Nội", "si_voluntary", ""),
        ("2024-09", "Hà Nội", "hi_participants", "10"),
        ("2024-09", "1", "hi_participants", "10"),
    ]
    report = read(long_csv(rows, header=("period", "province", "measure", "value")), "l.csv",
                  frames)  # fmt: skip
    by_row = {f.row: f.rule for f in report.errors}
    assert by_row == {
        2: "bad_period",
        3: "unknown_measure",
        4: "derived_measure",
        5: "national_only",
        6: "national_computed",
        7: "not_a_number",
        8: "empty_value",
        10: "duplicate_province",
    }
    assert "si_compulsory" in the(report, "unknown_measure").message_en  # the suggestion


@pytest.mark.parametrize(
    ("data", "name", "rule"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "xls"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "file_type"),
        (b"just,some,words\n1,2,3\n", "x.csv", "no_header"),
        (b"", "empty.csv", "no_header"),
    ],
)
def test_files_that_are_not_reports(data, name, rule, frames):
    report = read(data, name, frames)
    assert rules(report) == [rule] and not report.ok
    f = report.errors[0]
    assert f.message_vi != f.message_en and f.message_vi and f.message_en


def test_every_rule_has_both_languages_and_the_same_placeholders():
    from vss_dash.i18n import STRINGS, placeholders

    rules = {k: v for k, v in STRINGS.items() if k.startswith("import.")}
    assert len(rules) > 40
    for rule, texts in rules.items():
        vi, en = texts["vi"], texts["en"]
        assert vi and en and vi != en, rule
        assert placeholders(vi) == placeholders(en), rule


# ---------------------------------------------------------------- storing


def test_commit_adds_a_vintage_and_keeps_the_old_one(frames, wide, tmp_store):
    hi = wide.rows["Hà Nội"]["hi_participants"]
    w = mutate(wide, "Hà Nội", hi_participants=hi + 1000)
    w.total = None
    report = read(w.csv_bytes(), "thang9.csv", frames)
    assert report.ok
    before = store.load(tmp_store).observations.collect()
    stored = ingest.commit(report, tmp_store, by="test", now=datetime(2026, 11, 20, 8, 0))
    after = store.load(tmp_store)  # validates the whole store
    all_obs = after.observations.collect()
    assert all_obs.height == before.height + 63 * 7 and stored.rows == 63 * 7
    assert stored.revised == 63 * 7  # every value replaces a demo value
    fr = metrics.Frames.from_store(after)
    assert metrics.value_at(fr, "hi_participants", "P63", "01", SEP_2024) == hi + 1000
    row = fr.obs.filter((pl.col("geo_code") == "01") & (pl.col("measure") == "hi_participants")
                        & (pl.col("period") == SEP_2024))  # fmt: skip
    assert row["status"].item() == "reported" and row["source_id"].item() == stored.source_id
    # the old vintage is still there, and the two compare
    vintages = ingest.vintages(all_obs, SEP_2024)
    assert vintages.height == 2
    diff = ingest.compare_vintages(all_obs, SEP_2024, vintages["vintage"][1], stored.vintage)
    hn = diff.filter((pl.col("geo_code") == "01") & (pl.col("measure") == "hi_participants"))
    assert hn["new"].item() - hn["old"].item() == pytest.approx(1000, abs=0.5)
    # the source names the file and its hash
    src = after.sources.filter(pl.col("source_id") == stored.source_id)
    assert report.sha256 in src["reference"].item() and "thang9.csv" in src["title"].item()


def test_a_second_file_for_the_month_is_another_vintage(frames, wide, tmp_store):
    report = read(wide.csv_bytes(), "a.csv", frames)
    first = ingest.commit(report, tmp_store, now=datetime(2026, 11, 20, 8, 0))
    second = ingest.commit(report, tmp_store, now=datetime(2026, 11, 21, 8, 0))
    all_obs = store.load(tmp_store).observations.collect()
    assert ingest.vintages(all_obs, SEP_2024)["vintage"].to_list()[:2] == [
        second.vintage, first.vintage
    ]  # fmt: skip


def test_nothing_is_written_when_a_file_fails_late(frames, wide, tmp_store, tmp_path, capsys):
    # every row is fine except the last province: the whole file is refused
    last = list(wide.rows)[-1]
    path = tmp_path / "late.csv"
    path.write_bytes(mutate(wide, last, ui_participants="=1+1").csv_bytes())
    before = store_bytes(tmp_store)
    assert cli.main(["ingest", str(path), "--store", str(tmp_store)]) == 1
    assert store_bytes(tmp_store) == before
    assert not list(tmp_store.glob(".*.tmp"))
    entry = ingest.log(tmp_store)[-1]
    assert entry["outcome"] == "refused" and entry["stored"] == 0
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "refused" in capsys.readouterr().out


def test_nothing_is_written_when_writing_fails_half_way(frames, wide, tmp_store, monkeypatch):
    report = read(wide.csv_bytes(), "a.csv", frames)
    before = store_bytes(tmp_store)
    real = pl.DataFrame.write_parquet

    def fail_on_observations(self, file, *args, **kwargs):
        if str(file).endswith("observations.parquet"):
            raise OSError("disk full")
        return real(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", fail_on_observations)
    with pytest.raises(OSError, match="disk full"):
        ingest.commit(report, tmp_store)
    assert store_bytes(tmp_store) == before  # sources and plans were written but not switched to
    assert not list(tmp_store.glob(".*.tmp")) and not list(tmp_store.glob("generations/.tmp-*"))


def test_the_log_is_only_appended_to(frames, wide, tmp_store):
    report = read(wide.csv_bytes(), "a.csv", frames)
    ingest.commit(report, tmp_store)
    first = (tmp_store / ingest.LOG_FILE).read_bytes()
    ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    ingest.commit(report, tmp_store)
    now = (tmp_store / ingest.LOG_FILE).read_bytes()
    assert now.startswith(first)
    entries = [json.loads(x) for x in now.decode().splitlines()]
    assert [e["outcome"] for e in entries] == ["stored", "refused", "stored"]
    assert entries[0]["sha256"] == report.sha256 and entries[0]["stored"] == 63 * 7


def test_a_torn_last_line_is_skipped_counted_and_ended_by_the_next_entry(frames, wide, tmp_store):
    """A crash mid-append leaves half a line: reading skips and counts it, and the next entry
    starts on a line of its own instead of being glued to the torn one."""
    report = read(wide.csv_bytes(), "a.csv", frames)
    ingest.commit(report, tmp_store)
    whole = (tmp_store / ingest.LOG_FILE).read_bytes()
    with open(tmp_store / ingest.LOG_FILE, "ab") as f:
        f.write(whole[: len(whole) // 2])  # torn: no end of line
    entries = ingest.log(tmp_store)
    assert [e["outcome"] for e in entries] == ["stored"] and entries.skipped == 1
    ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    entries = ingest.log(tmp_store)
    assert [e["outcome"] for e in entries] == ["stored", "refused"] and entries.skipped == 1


@pytest.mark.parametrize(
    "junk",
    [b"\xff\xfe not utf-8", b"[1, 2]", b"null", b'{"time": 5}', b"[" * 100_000,
     b'{"time": "t", "outcome": "hacked", "by": "", "file": "", "sha256": "", "stored": 0}',
     b'{"time": "t", "outcome": "stored", "by": "", "file": "", "sha256": "", "stored": "0"}'],
)  # fmt: skip
def test_lines_that_are_not_whole_entries_are_skipped(tmp_store, frames, junk):
    ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    with open(tmp_store / ingest.LOG_FILE, "ab") as f:
        f.write(junk + b"\n")
    entries = ingest.log(tmp_store)
    assert len(entries) == 1 and entries.skipped == 1 and not entries.unsafe


def test_only_the_newest_part_of_a_huge_log_is_read(tmp_store, frames, monkeypatch):
    for _ in range(3):
        ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    size = (tmp_store / ingest.LOG_FILE).stat().st_size
    monkeypatch.setattr(parquet_log, "LOG_READ_MAX", size // 2)  # log() reads it there
    entries = ingest.log(tmp_store)
    assert entries.truncated and 1 <= len(entries) < 3 and entries.skipped == 0


@pytest.mark.parametrize("name", [ingest.LOG_FILE, store.WRITE_LOCK])
def test_a_symlinked_log_or_lock_is_refused_not_followed(frames, wide, tmp_store, tmp_path, name):
    target = tmp_path / "elsewhere"
    target.write_bytes(b"")
    (tmp_store / name).symlink_to(target)
    before = store_bytes(tmp_store)
    with pytest.raises(ingest.UnsafeFile) as e:
        ingest.commit(read(wide.csv_bytes(), "a.csv", frames), tmp_store)
    assert isinstance(e.value, OSError) and isinstance(e.value, store.StoreInvalid)
    assert "symbolic link" in str(e.value) and "liên kết" in str(e.value)
    with pytest.warns(RuntimeWarning, match="not a plain file"):
        assert not ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    assert target.read_bytes() == b"" and store_bytes(tmp_store) == before
    if name == ingest.LOG_FILE:
        entries = ingest.log(tmp_store)  # not followed when read either
        assert entries == [] and entries.unsafe == "symbolic link"


def test_a_log_that_is_a_pipe_does_not_hang(frames, tmp_store):
    os.mkfifo(tmp_store / ingest.LOG_FILE)
    with pytest.warns(RuntimeWarning):
        assert not ingest.log_refusal(read(b"nonsense", "b.csv", frames), tmp_store)
    assert ingest.log(tmp_store).unsafe == "not a regular file"


def test_the_command_refuses_a_symlinked_lock_cleanly(wide, tmp_store, tmp_path, capsys):
    (tmp_store / store.WRITE_LOCK).symlink_to(tmp_path / "elsewhere")
    path = tmp_path / "r.csv"
    path.write_bytes(wide.csv_bytes())
    assert cli.main(["ingest", str(path), "--store", str(tmp_store)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unsafe_file" in captured.err
    assert not (tmp_path / "elsewhere").exists()


def test_a_report_with_errors_is_never_committed(frames, tmp_store):
    with pytest.raises(ValueError):
        ingest.commit(read(b"nonsense", "b.csv", frames), tmp_store)


def test_ingest_into_a_new_store(wide, tmp_path):
    d = tmp_path / "new"
    report = ingest.read(wide.csv_bytes(), "a.csv")
    assert report.ok
    ingest.commit(report, d)
    s = store.load(d)
    assert s.observations.collect().height == 63 * 7 and s.plans.height == 0


# ---------------------------------------------------------------- the command


def test_cli_dry_run_writes_nothing(frames, wide, tmp_store, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_bytes(wide.csv_bytes())
    before = store_bytes(tmp_store)
    assert cli.main(["ingest", str(path), "--store", str(tmp_store), "--dry-run"]) == 0
    assert store_bytes(tmp_store) == before and not (tmp_store / ingest.LOG_FILE).exists()
    assert "would store 441 values" in capsys.readouterr().out


def test_cli_stores_and_summarises(wide, tmp_store, tmp_path, capsys):
    path = tmp_path / "r.xlsx"
    path.write_bytes(wide.xlsx_bytes())
    assert cli.main(["ingest", str(path), "--store", str(tmp_store)]) == 0
    out = capsys.readouterr().out
    assert "read r.xlsx (wide, sheet Báo cáo): 441 values, 63 provinces, 7 measures" in out
    assert "stored 441 values" in out
    assert ingest.log(tmp_store)[-1]["outcome"] == "stored"


@pytest.mark.parametrize(
    "argv",
    [["ingest"], ["ingest", "/nonexistent.csv"], ["ingest", "x.csv", "--period", "2024/09"]],
)
def test_cli_usage_errors_exit_2(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("a\n")
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2


@pytest.mark.parametrize("measure", ["population", "labour_force_working_age"])
def test_a_zero_denominator_is_refused(frames, measure):
    """A population or labour force of 0 would make every rate of the province infinite: an
    error in both languages, not only a month-on-month jump warning (#27)."""
    rows = [
        ("2024-09", "Hà Nội", measure, "0", "người"),
        ("2024-09", "Đà Nẵng", measure, "1100000", "người"),
    ]
    report = read(long_csv(rows), "long.csv", frames)
    assert not report.ok
    f = the(report, "zero_denominator")
    assert f.severity == "error" and f.row == 2
    assert "Hà Nội" in f.message_vi and "bằng 0" in f.message_vi
    assert "is 0" in f.message_en and "Đà Nẵng" not in f.message_en


def test_missing_provinces_are_named_as_a_sentence_writes_them(frames, wide):
    """Issue 25: the bare "Hồ Chí Minh" is the person; the message names the city."""
    rows = {k: v for k, v in wide.rows.items() if geo.match_province(k, "P63") != "79"}
    report = read(Wide(SEP_2024, rows).csv_bytes(), "r.csv", frames)
    f = the(report, "missing_provinces")
    assert f.message_vi.endswith(": TP. Hồ Chí Minh.")
    assert f.message_en.endswith(": Hồ Chí Minh City.")


def test_a_finding_names_a_province_as_a_sentence_does(frames, wide):
    """Hồ Chí Minh alone is the person: a finding says "TP. Hồ Chí Minh" / "Hồ Chí Minh City"."""
    hcm = next(name for name in wide.rows if "Hồ Chí Minh" in name)
    vol = wide.rows[hcm]["si_voluntary"]
    w = mutate(wide, hcm, si_voluntary=round(vol * 1.6))
    w.total = None
    f = the(read(w.csv_bytes(), "r.csv", frames), "jump")
    assert "TP. Hồ Chí Minh" in f.message_vi
    assert "Hồ Chí Minh City" in f.message_en
