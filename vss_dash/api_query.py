"""The data API's query (vss_dash/api.py, issue 30): the parameters of /api/v1/data checked into
a `DataQuery` (a JSON 400 for a bad one, 403 for a measure the client may not see), and the
other way round, the "link to this data" the pages show: the /data address that serves a frame
shown on a page exactly (`data_link`). Refusals are `ApiError`: a status and a texts.toml key's
message in both languages, answered as `{"error_vi": ..., "error_en": ...}`. No Streamlit."""

from __future__ import annotations

import calendar
import dataclasses
import re
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import date

import polars as pl
from starlette.responses import JSONResponse

from vss_dash import access, catalog, dataset, geo, i18n, metrics

PREFIX = "/api/v1"
LAYOUTS = ("VN", *geo.LAYOUTS)
FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
DATA_PARAMETERS = ("measure", "layout", "provinces", "from", "to", "format", "lang")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ApiError(Exception):
    """A refusal: its HTTP status and its texts.toml key's message in both languages."""

    def __init__(self, status: int, message: tuple[str, str], headers: dict | None = None):
        super().__init__(message[1])
        self.status, self.message, self.headers = status, message, headers or {}

    def response(self) -> JSONResponse:
        vi, en = self.message
        return JSONResponse(
            {"error_vi": vi, "error_en": en}, status_code=self.status, headers=self.headers
        )


# ---------------------------------------------------------------- the data request


@dataclasses.dataclass(frozen=True)
class DataQuery:
    measures: tuple[str, ...]  # canonical ids, in the order asked
    layout: str = "VN"
    codes: tuple[str, ...] = ()
    start: date | None = None  # first day of the first month; None: the layout's first
    end: date | None = None  # last day of the last month; None: the layout's last
    format: str = "json"
    lang: str = i18n.DEFAULT_LANG


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    return values[0].strip() if values else None


def _allowed(values) -> str:
    return ", ".join(values)


def _month(value: str, name: str, last: bool) -> date:
    found = _MONTH.match(value)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise ApiError(400, i18n.both("api.bad_month", value=value, name=name))
    y, m = int(found.group(1)), int(found.group(2))
    return date(y, m, calendar.monthrange(y, m)[1] if last else 1)


def check_parameters(params: Mapping[str, list[str]], allowed: tuple[str, ...]) -> None:
    """A 400 for a parameter not known (a typo would otherwise be ignored) or given twice."""
    for name, values in params.items():
        if name not in allowed or len(values) > 1:
            raise ApiError(
                400, i18n.both("api.bad_parameter", name=name, allowed=_allowed(allowed))
            )


def parse_data_query(params: Mapping[str, list[str]], role_: str | None) -> DataQuery:
    """The data request's parameters checked (400 for any bad one, 403 for a measure the
    client may not see). `params`: name -> its values, as a query string gives them."""
    check_parameters(params, DATA_PARAMETERS)
    measures: list[str] = []
    for raw in (m.strip() for m in (_one(params, "measure") or "").split(",")):
        if not raw:
            continue
        if not catalog.has(raw):
            raise ApiError(400, i18n.both("api.bad_measure", value=raw))
        if (measure := catalog.canonical_id(raw)) not in measures:
            measures.append(measure)
    if not measures:
        raise ApiError(400, i18n.both("api.missing_measure"))
    for measure in measures:
        if not access.can_see(role_, measure):
            raise ApiError(403, i18n.both("api.forbidden", value=measure))
    layout = _one(params, "layout") or "VN"
    if layout not in LAYOUTS:
        raise ApiError(400, i18n.both("api.bad_layout", value=layout, allowed=_allowed(LAYOUTS)))
    for measure in measures:
        if catalog.get(measure).national_only and layout != "VN":
            raise ApiError(400, i18n.both("api.national_only", value=measure))
    fmt = (_one(params, "format") or "json").lower()
    if fmt not in FORMATS:
        raise ApiError(400, i18n.both("api.bad_format", value=fmt, allowed=_allowed(FORMATS)))
    lang = _one(params, "lang") or i18n.DEFAULT_LANG
    if lang not in i18n.LANGS:
        raise ApiError(400, i18n.both("api.bad_lang", value=lang, allowed=_allowed(i18n.LANGS)))
    codes: list[str] = []
    valid = [geo.NATIONAL] if layout == "VN" else geo.codes(layout)
    for code in (c.strip() for c in (_one(params, "provinces") or "").split(",")):
        if not code or code in codes:
            continue
        if code not in valid:
            shown = _allowed(valid)
            raise ApiError(
                400, i18n.both("api.bad_province", value=code, layout=layout, allowed=shown)
            )
        codes.append(code)
    if layout == "VN":
        codes = []  # one place: the nation
    start = _month(s, "from", last=False) if (s := _one(params, "from")) else None
    end = _month(e, "to", last=True) if (e := _one(params, "to")) else None
    if start and end and start > end:
        raise ApiError(400, i18n.both("api.bad_range", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}"))
    return DataQuery(tuple(measures), layout, tuple(sorted(codes)), start, end, fmt, lang)


# ---------------------------------------------------------------- the pages' links


def data_address(params: Mapping[str, str]) -> str:
    """The root-relative address of /data with these parameters (empty ones left out), in
    DATA_PARAMETERS order, commas kept as they are ("provinces=01,79")."""
    pairs = [(k, params[k]) for k in DATA_PARAMETERS if params.get(k)]
    return f"{PREFIX}/data?" + urllib.parse.urlencode(pairs, safe=",")


_KEYS = ("measure", "layout", "geo_code", "period")
_KEY_TYPES = {"measure": pl.String, "layout": pl.String, "geo_code": pl.String, "period": pl.Date}


def _values(df: pl.DataFrame, place: Mapping[str, object]) -> pl.DataFrame | None:
    """measure, layout, geo_code, period and value of each value `df` holds, what a column does
    not say taken from `place`; None when neither says it, or there is no value column."""
    if "value" not in df.columns:
        return None
    cols = {}
    for k in _KEYS:
        if k in df.columns:
            cols[k] = pl.col(k).cast(_KEY_TYPES[k])
        elif k in place:
            cols[k] = pl.lit(place[k], _KEY_TYPES[k])
        else:
            return None
    try:
        out = df.select(**cols, value=pl.col("value").cast(pl.Float64))
    except pl.exceptions.PolarsError:  # a column that is not what its name says
        return None
    return out.filter(pl.col("value").is_not_null())


def data_link(
    frames: metrics.Frames,
    df: pl.DataFrame,
    place: Mapping[str, object] | None,
    lang: str,
    role_: str | None,
    table: Callable[..., pl.DataFrame] = dataset.table,
    fmt: str = "csv",
) -> str | None:
    """The address at which /data serves a client of `role_` exactly the values of `df` (a
    frame a page shows and downloads; `place`: what its columns do not say, as `downloads`
    takes it), in `lang`: its measures, layout, provinces and months. None where it cannot:
    no measure, place or month to go by, several layouts, a measure `role_` may not see, or
    values that the API's table does not hold as they are (a series beside the country, a
    month picked from a range). `table`: dataset.table, or the pages' cached copy of it."""
    shown = _values(df, place or {})
    if shown is None or shown.is_empty() or shown.get_column("layout").n_unique() != 1:
        return None
    layout = shown.item(0, "layout")
    codes = sorted(shown.get_column("geo_code").unique().to_list())
    whole = layout == "VN" or set(codes) == set(geo.codes(layout))
    months = shown.get_column("period")
    params = {
        "measure": ",".join(shown.get_column("measure").unique(maintain_order=True).to_list()),
        "layout": layout,
        "provinces": "" if whole else ",".join(codes),
        "from": f"{months.min():%Y-%m}",
        "to": f"{months.max():%Y-%m}",
        "format": fmt,
        "lang": lang,
    }
    try:
        q = parse_data_query({k: [v] for k, v in params.items() if v}, role_)
    except ApiError:
        return None
    served_ = _values(table(frames, q.measures, q.layout, q.codes, q.start, q.end, q.lang), {})
    if served_ is None or not served_.sort(_KEYS).equals(shown.sort(_KEYS)):
        return None
    return data_address(params)
