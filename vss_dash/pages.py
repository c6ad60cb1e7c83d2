"""The one list of pages. `app.py` builds the navigation from it; the AppTest smoke tests and the
browser tests loop over it, so a page is tested the moment it is listed here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    script: str  # path relative to the project root
    url_path: str  # the page's address: /<url_path>
    title_vi: str
    title_en: str
    icon: str

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


PAGES: tuple[Page, ...] = (
    Page(
        "views/overview.py",
        "overview",
        "Tổng quan toàn quốc",
        "National overview",
        ":material/dashboard:",
    ),
)
