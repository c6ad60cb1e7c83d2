"""A figure: one value of one measure with its status and source, as the data layer hands it to
every renderer. Its text comes from here and only here (through i18n, at the precision the
catalogue says the measure is published at), so a page, a slide, its notes, the PowerPoint, the
press release and a file show the same fact alike.

Pure: no Streamlit, no Polars. Below it: catalog and i18n; above it: narrative, press, export,
the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from vss_dash import catalog, i18n


@dataclass(frozen=True)
class Figure:
    """A value of `measure` (in the catalogue's unit), its status and its source."""

    measure: str
    value: float | None
    status: str | None = None
    source_id: str | None = None

    @property
    def spec(self) -> catalog.Measure:
        return catalog.get(self.measure)

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def missing(self) -> bool:
        return self.value is None or self.value != self.value  # None or NaN

    def text(self, lang: str) -> str:
        """The value as a reader sees it: "65,45%", "19,02 triệu", "399,2 nghìn tỷ đồng"."""
        return i18n.format_value(self.value, self.unit, lang)

    def tag(self, lang: str) -> str:
        """The status marker that follows the figure in a sentence."""
        return i18n.status_word(self.status, lang, "tag")

    @property
    def rounded(self) -> float | None:
        """The value at the precision it is published at: what a file holds."""
        return round_published(self.value, self.unit)


@dataclass(frozen=True)
class Change:
    """A change of a figure (year on year, against a target): its value and kind ("percent",
    "pp", "count", "vnd_billion", as metrics.snapshot gives it)."""

    value: float | None
    kind: str

    def text(self, lang: str, prose: bool = False) -> str:
        """ "+5,84%", "+2,24 điểm %", "−1.2 pp"; `prose` inside a sentence, points spelled out
        ("+2,24 điểm phần trăm")."""
        return i18n.format_change(self.value, lang, self.kind, prose=prose)


def round_published(value: float | None, unit: str) -> float | None:
    """`value` at the precision `unit` is published at (i18n.round_published): what a file holds."""
    return i18n.round_published(value, unit)
