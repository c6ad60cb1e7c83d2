"""The checks of a sheet's values, once read, against each other and against the store:
values above what any place can hold or above the province's population, measures the
catalogue divides by that are 0, provinces missing from a month, participants above their
denominator (the file's, else the store's latest), and jumps of more than DEFAULT_MAX_JUMP_PCT
from the store's previous month (warnings).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from vss_dash import catalog, geo, i18n, metrics
from vss_dash.ingest.collector import _label, _place, _Reader
from vss_dash.ingest.findings import finding
from vss_dash.ingest.numbers import _numbers

DEFAULT_MAX_JUMP_PCT = 30.0


# ---------------------------------------------------------------- checks against the store


def _stored(
    frames: metrics.Frames | None, measure: str, layout: str, period: date, latest: bool = False
) -> dict[str, float]:
    """The store's values of a month by province; with `latest`, of the last month up to it
    (denominators are estimated once a year)."""
    if frames is None or not frames.obs.height:
        return {}
    df = metrics.resolve(frames, measure, layout, prefer_published=False)
    if latest:
        df = df.filter(pl.col("period") <= period).sort("period").group_by("geo_code").last()
    else:
        df = df.filter(pl.col("period") == period)
    return dict(df.select("geo_code", "value").iter_rows())


def _check_denominators(reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None) -> None:
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        if layout == "VN":
            continue
        cells = {(r["geo_code"], r["measure"]): r for r in part.iter_rows(named=True)}
        for parts, denom in catalog.shares_of_a_whole():
            present = [p for p in parts if p in set(part.get_column("measure"))]
            if not present:
                continue
            stored = _stored(frames, denom, layout, period, latest=True)
            for code in sorted({c for c, m in cells if m in present}):
                total = sum(cells[(code, p)]["value"] for p in present if (code, p) in cells)
                d = cells[(code, denom)]["value"] if (code, denom) in cells else stored.get(code)
                if d is None or total <= d:
                    continue
                at = cells[next((code, p) for p in present if (code, p) in cells)]
                reader.keep(
                    finding(
                        "error",
                        "above_denominator",
                        at["sheet"],
                        at["row"],
                        at["column"],
                        **_place(layout, code),
                        parts_vi=" + ".join(catalog.get(p).label("vi") for p in present),
                        parts_en=" + ".join(catalog.get(p).label("en") for p in present),
                        denom_vi=catalog.get(denom).label("vi"),
                        denom_en=catalog.get(denom).label("en"),
                        **_numbers(total=total, d=d),
                    )
                )


# what the catalogue divides by: the second measure of every ratio (population, labour force)
_DIVISORS = frozenset(
    m.formula.args[1] for m in catalog.MEASURES if m.formula and m.formula.op == "ratio"
)


def _check_zero_divisors(reader: _Reader, rows: pl.DataFrame) -> None:
    """An error where a measure the catalogue divides by (a population, a labour force) is 0:
    every rate of that place would be infinite or empty, never a real figure."""
    for r in rows.filter(
        pl.col("measure").is_in(list(_DIVISORS)) & (pl.col("value") == 0)
    ).iter_rows(named=True):
        layout, code = r["layout"], r["geo_code"]
        reader.keep(
            finding(
                "error",
                "zero_denominator",
                r["sheet"],
                r["row"],
                r["column"],
                **_place(layout, code),
                **_label(r["measure"]),
            )
        )


def _check_plausible(reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None) -> None:
    """An error where a value (in the measure's unit) is above what any place can hold, or a
    province's count of persons is above its population (the file's, else the store's latest)."""
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        population = {} if layout == "VN" else _stored(frames, "population", layout, period, True)
        population |= dict(
            part.filter(pl.col("measure") == "population").select("geo_code", "value").iter_rows()
        )
        for r in part.iter_rows(named=True):
            m, code = catalog.get(r["measure"]), r["geo_code"]
            against_population = m.unit == "persons" and m.id not in _CHECKED_AGAINST_POPULATION
            by_population = (
                r["value"] <= m.plausible_max and against_population and code in population
            )
            limit = population[code] if by_population else m.plausible_max
            if r["value"] <= limit:
                continue
            shown = {
                f"{what}_{lang}": i18n.format_value(value, m.unit, lang)
                for what, value in (("value", r["value"]), ("limit", limit))
                for lang in i18n.LANGS
            }
            reader.keep(
                finding(
                    "error",
                    "above_population" if by_population else "implausible",
                    r["sheet"],
                    r["row"],
                    r["column"],
                    **_place(layout, code),
                    **shown,
                    **_label(r["measure"]),
                )
            )


# the population itself, and HI participants (checked against it by _check_denominators)
_CHECKED_AGAINST_POPULATION = ("population", "hi_participants")


def _check_missing(reader: _Reader, rows: pl.DataFrame) -> None:
    for (period, layout), part in rows.group_by(["period", "layout"], maintain_order=True):
        if layout == "VN":
            continue
        missing = sorted(set(geo.codes(layout)) - set(part.get_column("geo_code")))
        if missing:
            reader.add(
                "warning",
                "missing_provinces",
                period_vi=i18n.format_month(period, "vi"),
                period_en=i18n.format_month(period, "en"),
                n=len(missing),
                of=len(geo.codes(layout)),
                # in a sentence: "TP. Hồ Chí Minh", never the bare (ambiguous) short name
                names_vi=", ".join(geo.prose_name(layout, c, "vi") for c in missing),
                names_en=", ".join(geo.prose_name(layout, c, "en") for c in missing),
            )


def _check_jumps(
    reader: _Reader, rows: pl.DataFrame, frames: metrics.Frames | None, limit: float
) -> None:
    """A warning where a value moves more than `limit` % from the store's previous month (in
    the same layout: across the merger the 63 provinces are summed into the 34). Year-to-date
    flows restart in January, so January is not compared."""
    groups = rows.group_by(["period", "layout", "measure"], maintain_order=True)
    for (period, layout, measure), part in groups:
        if catalog.get(measure).kind == "ytd_flow" and period.month == 1:
            continue
        before = _stored(frames, measure, layout, metrics.months_back(period, 1))
        for r in part.iter_rows(named=True):
            prev = before.get(r["geo_code"])
            if not prev:
                continue
            change = 100 * (r["value"] / prev - 1)
            if abs(change) > limit:
                reader.keep(
                    finding(
                        "warning",
                        "jump",
                        r["sheet"],
                        r["row"],
                        r["column"],
                        **_place(layout, r["geo_code"]),
                        change_vi=i18n.format_change(change, "vi", "percent"),
                        change_en=i18n.format_change(change, "en", "percent"),
                        **_numbers(limit=limit),
                        **_label(measure),
                    )
                )
