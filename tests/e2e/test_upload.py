"""A provincial report imported through the Data page in a real browser: the admin secret, the
file chooser, the validation report, Store, and the new vintage in the server's own store. The
server gets a copy of the demo store and an admin secret through the environment."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from vss_dash import ingest, metrics, store
from vss_dash.paths import store_dir
from vss_harness.browser import start_server
from vss_harness.ingest_files import Wide

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"  # git-ignored
SECRET = "e2e-secret"


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("upload")
    d = tmp / "store"
    shutil.copytree(store_dir(), d, ignore=shutil.ignore_patterns("ingest_log.jsonl", ".*"))
    saved = {k: os.environ.get(k) for k in ("VSS_DATA_DIR", "VSS_UPLOAD_SECRET")}
    os.environ.update(VSS_DATA_DIR=str(d), VSS_UPLOAD_SECRET=SECRET)
    try:
        with start_server(tmp / "log") as base:
            yield base, d
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_upload_a_monthly_report(
    upload_server: tuple[str, Path],
    page: Page,
    open_page: Callable[[Page, str], None],
    frames: metrics.Frames,
    tmp_path: Path,
) -> None:
    base, d = upload_server
    period = date(2024, 9, 30)
    report = Wide.from_store(frames, period)
    report.rows["Hà Nội"]["si_voluntary"] += 777
    path = tmp_path / "BC_thang_9_2024.xlsx"
    path.write_bytes(report.xlsx_bytes())

    open_page(page, f"{base}/data?lang=en")
    page.get_by_role("tab", name="Import reports").click()
    page.get_by_label("Admin secret").fill(SECRET)
    page.get_by_role("button", name="Unlock").click()
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    chooser.set_input_files(str(path))
    expect(page.get_by_text("The file is valid")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Store").click()
    expect(page.get_by_text("Stored 441 values from BC_thang_9_2024.xlsx")).to_be_visible(
        timeout=30_000
    )
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "data_upload_en.png", full_page=True)

    fr = metrics.Frames.from_store(store.load(d))
    assert (
        metrics.value_at(fr, "si_voluntary", "P63", "01", period)
        == (report.rows["Hà Nội"]["si_voluntary"])
    )
    assert [e["outcome"] for e in ingest.log(d)] == ["stored"]


def test_upload_is_refused_without_the_secret(
    upload_server: tuple[str, Path], page: Page, open_page: Callable[[Page, str], None]
) -> None:
    base, _ = upload_server
    open_page(page, f"{base}/data?lang=vi")
    page.get_by_role("tab", name="Nhập báo cáo").click()
    page.get_by_label("Mã quản trị").fill("sai")
    page.get_by_role("button", name="Mở khóa").click()
    expect(page.get_by_text("Mã quản trị không đúng.")).to_be_visible()
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
