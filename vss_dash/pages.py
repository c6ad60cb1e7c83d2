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

    @property
    def address(self) -> str:
        """The path the browser shows. Streamlit serves the first (default) page at "/" and
        answers its url_path with "Page not found", so that page is linked by "/"."""
        return "/" if self is PAGES[0] else f"/{self.url_path}"

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
    Page("views/plan.py", "plan", "Kế hoạch và thực hiện", "Plan versus actual", ":material/flag:"),
    Page(
        "views/briefing.py",
        "briefing",
        "Trình chiếu họp báo",
        "Press briefing",
        ":material/slideshow:",
    ),
    Page("views/map.py", "map", "Bản đồ tỉnh", "Province map", ":material/map:"),
    Page(
        "views/province.py",
        "province",
        "Hồ sơ tỉnh",
        "Province profile",
        ":material/location_city:",
    ),
    Page("views/watch.py", "watch", "Danh sách cần quan tâm", "Watch list", ":material/warning:"),
    Page("views/data.py", "data", "Số liệu", "Data", ":material/table_chart:"),
)
