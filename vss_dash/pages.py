"""The one list of pages. `app.py` builds the navigation from it; the AppTest smoke tests and the
browser tests loop over it, so a page is tested the moment it is listed here."""

from __future__ import annotations

from dataclasses import dataclass

from vss_dash import i18n


@dataclass(frozen=True)
class Page:
    script: str  # path relative to the project root
    url_path: str  # the page's address: /<url_path>
    icon: str  # its title is texts.toml's page.<url_path>

    @property
    def address(self) -> str:
        """The path the browser shows. Streamlit serves the first (default) page at "/" and
        answers its url_path with "Page not found", so that page is linked by "/"."""
        return "/" if self is PAGES[0] else f"/{self.url_path}"

    def title(self, lang: str) -> str:
        return i18n.STRINGS[f"page.{self.url_path}"][i18n.normalize_lang(lang)]


PAGES: tuple[Page, ...] = (
    Page("views/overview.py", "overview", ":material/dashboard:"),
    Page("views/plan.py", "plan", ":material/flag:"),
    Page("views/briefing.py", "briefing", ":material/slideshow:"),
    Page("views/map.py", "map", ":material/map:"),
    Page("views/province.py", "province", ":material/location_city:"),
    Page("views/watch.py", "watch", ":material/warning:"),
    Page("views/data.py", "data", ":material/table_chart:"),
    Page("views/sources.py", "sources", ":material/fact_check:"),
)

# What the pages show, in one place: the page scripts draw these, and the tests and benchmarks
# that mirror a page's queries read them from here. Card rows are drawn as rows.
OVERVIEW_CARDS: tuple[tuple[str, ...], ...] = (
    ("si_participants", "ui_participants", "hi_participants"),
    ("si_coverage_rate", "ui_coverage_rate", "hi_coverage_rate"),
    ("revenue_collected", "revenue_plan_completion", "late_payment_rate"),
)
OVERVIEW_SPLIT = ("si_compulsory", "si_voluntary")  # the SI card's note
COVERAGE = ("si_coverage_rate", "ui_coverage_rate", "hi_coverage_rate")
PROFILE_CARDS: tuple[tuple[str, ...], ...] = (
    ("si_participants", "ui_participants", "hi_participants"),
    ("si_coverage_rate", "ui_coverage_rate", "hi_coverage_rate"),
    ("revenue_collected", "revenue_plan_completion", "hi_plan_completion"),
    ("late_payment_rate", "hi_medical_cost_yoy", "si_voluntary_rate"),
)
PLAN_MEASURES = (
    "revenue_collected",
    "si_participants",
    "hi_participants",
    "ui_participants",
    "si_coverage_rate",
    "si_voluntary_rate",
    "ui_coverage_rate",
    "hi_coverage_rate",
)
COMPLETION = ("revenue_plan_completion", "si_plan_completion", "hi_plan_completion")


def flat(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    """Card rows as one list, in reading order."""
    return [m for row in rows for m in row]
