"""What a reader finds in a file and what it reports: a Finding (a rule, its severity, its text
in Vietnamese and English, the sheet, row and column it is about), `finding()` that makes one
from the rule's template (the entry "import.<rule>" of texts.toml), the file's text escaped and
cut short wherever it is echoed (`printable`, `echo`), and the Report `read()` returns: the
values it would store (ROW_SCHEMA) and its findings, those past MAX_PER_RULE a rule counted
rather than kept (`Report.groups()` gives the short report). A problem that stops a file being
read at all is raised as _Refused and becomes the report's one finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

from vss_dash import i18n

Severity = Literal["error", "warning"]

# A finding's text is the entry "import.<rule>" of i18n's table (texts.toml), in both languages;
# a field named x_vi or x_en fills {x} in that language. Unknown provinces take the geo matcher's
# own messages (with suggestions).


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message_vi: str
    message_en: str
    sheet: str = ""
    row: int | None = None  # 1-based, as a spreadsheet numbers it
    column: str = ""  # the spreadsheet column letter, "D"
    header: str = ""  # that column's header, as written

    @property
    def where(self) -> str:
        cell = f"{self.column}{self.row or ''}" if self.column else str(self.row or "")
        return "!".join(x for x in (self.sheet, cell) if x)

    def message(self, lang: str) -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def __str__(self) -> str:
        key = i18n.key("finding_error" if self.severity == "error" else "finding_warning")
        label = "/".join(i18n.both(key))
        where = f" {self.where}" if self.where else ""
        return f"{label}{where} [{self.rule}] {self.message_vi} / {self.message_en}"


# Control characters (C0, DEL, C1, line separators, bidirectional overrides) are shown escaped
# wherever a file's text is echoed: a cell cannot move the cursor or colour a terminal line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ECHO_CHARS = 80  # a cell's text is echoed in a report up to this length
# the message fields that quote the file, shortened
_ECHOED = ("text", "unit", "title", "detail", "part", "name", "used")


def printable(text: str) -> str:
    """`text` with its control characters escaped ("\x1b[32m" -> "\\x1b[32m")."""
    return _CONTROLS.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """A file's text as a report shows it: escaped, and cut at `limit` characters with "…"."""
    text = printable(text[: limit * 2])  # escaping at most quadruples a character
    return text if len(text) <= limit else text[: limit - 1] + "…"


def finding(
    severity: Severity,
    rule: str,
    sheet: str = "",
    row: int | None = None,
    column: str = "",
    header: str = "",
    **fmt: object,
) -> Finding:
    """A finding of `rule`; the text that comes from the file is escaped and shortened."""
    fields = {
        k: (echo(v) if k in _ECHOED else printable(v)) if isinstance(v, str) else v
        for k, v in fmt.items()
    }
    vi, en = i18n.both("import." + rule, **fields)
    return Finding(severity, rule, vi, en, echo(sheet), row, column, echo(header))


ROW_SCHEMA = {
    "period": pl.Date(),
    "layout": pl.String(),
    "geo_code": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),  # in the catalogue's unit
    "file_value": pl.Float64(),  # as written, in the file's unit
    "sheet": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
}


MAX_PER_RULE = 100  # findings kept per rule; the others are counted


@dataclass(frozen=True)
class Group:
    """The findings of one rule: how many, the first few in full, where the others are."""

    severity: Severity
    rule: str
    count: int
    examples: list[Finding]
    cells: list[str]  # where the findings after the examples are (of those kept)

    def lines(self, cells: int = 8) -> list[str]:
        """The group as plain lines for a terminal or a log."""
        out = [str(f) for f in self.examples]
        more = self.count - len(self.examples)
        if more > 0:
            where = ", ".join(self.cells[:cells]) + (" …" if len(self.cells) > cells else "")
            out.append(f"  … {more} nữa / more [{self.rule}]" + (f": {where}" if where else ""))
        return out


@dataclass
class Report:
    """What a file holds and what is wrong with it."""

    file_name: str
    sha256: str
    size: int
    shape: str = ""  # "long" or "wide"
    encoding: str = ""  # CSV only
    sheet: str = ""
    rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ROW_SCHEMA))
    findings: list[Finding] = field(default_factory=list)
    # findings of a rule beyond the first MAX_PER_RULE are counted here, not kept
    omitted: dict[tuple[Severity, str], int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def count(self, severity: Severity) -> int:
        """Findings of a severity, the omitted ones included."""
        kept = sum(1 for f in self.findings if f.severity == severity)
        return kept + sum(n for (sev, _), n in self.omitted.items() if sev == severity)

    def groups(self, examples: int = 3) -> list[Group]:
        """The findings by rule, errors first, each rule where it first occurs: a file with
        hundreds of findings gives a short report."""
        by_rule: dict[tuple[Severity, str], list[Finding]] = {}
        for f in sorted(self.findings, key=lambda f: f.severity != "error"):
            by_rule.setdefault((f.severity, f.rule), []).append(f)
        return [
            Group(
                sev,
                rule,
                len(fs) + self.omitted.get((sev, rule), 0),
                fs[:examples],
                [f.where for f in fs[examples:] if f.where],
            )
            for (sev, rule), fs in by_rule.items()
        ]

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows.height > 0

    def periods(self) -> list[date]:
        return self.rows.get_column("period").unique().sort().to_list()

    def summary(self) -> dict[str, object]:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "bytes": self.size,
            "shape": self.shape,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "periods": [f"{p:%Y-%m}" for p in self.periods()],
            "layouts": sorted(self.rows.get_column("layout").unique().to_list()),
            "provinces": self.rows.get_column("geo_code").n_unique(),
            "measures": sorted(self.rows.get_column("measure").unique().to_list()),
            "values": self.rows.height,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
        }

    def findings_frame(self, lang: str) -> pl.DataFrame:
        """The findings as a table in `lang`, with the other language beside it."""
        other = "en" if lang == "vi" else "vi"
        rows = [
            (
                f.severity,
                f.sheet,
                f.row,
                f.column,
                f.header,
                f.rule,
                f.message(lang),
                f.message(other),
            )
            for f in self.findings
        ]
        schema = {
            "severity": pl.String,
            "sheet": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "header": pl.String,
            "rule": pl.String,
            "message": pl.String,
            "message_other": pl.String,
        }
        return pl.DataFrame(rows, schema=schema, orient="row")


class _Refused(Exception):
    """A problem that stops the file being read at all (wrong type, no table, no period)."""

    def __init__(self, f: Finding):
        self.finding = f
