"""Shared Streamlit widgets: the only package of vss_dash that imports streamlit. This file holds
the shared parts (URL state, data loading and caching, widgets used by several pages); a page's
own widgets may live in a module of this package (`vss_dash/ui/data.py`).

Caching lives here, at the boundary: the pure layers below run uncached in tests and the CLI.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import os
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from vss_dash import (
    access,
    briefing,
    catalog,
    charts,
    dataset,
    export,
    geo,
    i18n,
    metrics,
    projection,
    published,
    store,
    watch,
)
from vss_dash.paths import store_dir

# ---------------------------------------------------------------- language


# Every filter lives in the URL so that a copied link reproduces the view. Streamlit's own
# bind="query-params" does not seed widgets of a page under st.navigation on first load (seen
# with 1.67), so the sync is done here: read ?key= once into session state, write it back after.


def _seed_from_url(key: str, options: list[str], default: str) -> None:
    """Before the widget is drawn: its state from ?key=, else the last value chosen on any page
    (Streamlit drops widget state on a page switch, and the language and month should carry
    over), else the default."""
    if st.session_state.get(key) in options:
        return
    raw = st.query_params.get(key)
    if raw is not None and raw not in options:
        st.session_state.setdefault("_url_notices", []).append((key, raw))
    remembered = st.session_state.get(f"_last_{key}")
    if raw in options:
        st.session_state[key] = raw
    elif remembered in options:
        st.session_state[key] = remembered
    else:
        st.session_state[key] = default


def _write_to_url(key: str, value: str, default: str) -> None:
    st.session_state[f"_last_{key}"] = value
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def url_notices(lang_: str) -> None:
    """A short notice for URL parameters that were malformed or stale and so fell back."""
    for key, raw in st.session_state.pop("_url_notices", []):
        st.warning(i18n.t("bad_url_param", lang_, param=key, value=raw), icon=":material/link_off:")


def language_switch() -> str:
    """The language switch in the sidebar, kept in ?lang=vi|en. app.py renders it on every page,
    so the choice survives page changes."""
    _seed_from_url("lang", list(i18n.LANGS), i18n.DEFAULT_LANG)
    current = st.session_state["lang"]
    choice = st.sidebar.segmented_control(
        i18n.t("language", current),
        list(i18n.LANGS),
        format_func=lambda code: i18n.t(f"lang_{code}", current),
        key="lang",
        required=True,
    )
    _write_to_url("lang", choice, i18n.DEFAULT_LANG)
    return choice


def lang() -> str:
    """The page language: the switch's value, else the URL's ?lang=, else Vietnamese."""
    return i18n.normalize_lang(st.session_state.get("lang") or st.query_params.get("lang"))


# ---------------------------------------------------------------- sign-in and roles


def _secrets() -> dict:
    """secrets.toml as a plain dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:
        return {}


def access_settings() -> access.Settings:
    return access.settings(_secrets(), os.environ)


def role() -> str | None:
    """The visitor's role: everyone is an analyst in the open demo; else the signed-in user's
    role from their identity claims (None: not signed in, or not let in)."""
    s = access_settings()
    if s.open:
        return "analyst"
    if not st.user.is_logged_in:
        return None
    return access.role_for(st.user.to_dict(), s)


def access_gate(lang_: str) -> str:
    """Run by app.py before any page. The open demo says so in a banner; the production profile
    shows a sign-in screen to anonymous visitors and stops, and names the signed-in user and
    their role in the sidebar with a sign-out button."""
    try:
        s = access_settings()
    except access.BadSettings as e:
        st.error(i18n.t("access_settings_bad", lang_, error=e))
        st.stop()
    if s.open:
        if not print_mode():
            st.warning(i18n.t("demo_open", lang_), icon=":material/lock_open:")
        return "analyst"
    if not s.auth_configured:
        st.error(i18n.t("auth_not_configured", lang_), icon=":material/lock:")
        st.stop()
    if not st.user.is_logged_in:
        st.title(i18n.t("signin_title", lang_))
        st.markdown(i18n.t("signin_intro", lang_))
        if st.button(i18n.t("signin_button", lang_), type="primary", icon=":material/login:"):
            provider = _secrets().get("access", {}).get("provider")
            st.login(provider) if provider else st.login()
        st.stop()
    user = st.user.get("email") or st.user.get("name") or "?"
    r = access.role_for(st.user.to_dict(), s)
    if r is None:
        st.error(i18n.t("not_authorised", lang_, user=user), icon=":material/block:")
        if st.button(i18n.t("signout_button", lang_)):
            st.logout()
        st.stop()
    with st.sidebar:
        st.caption(i18n.t("signed_in_as", lang_, user=user, role=i18n.t(f"role_{r}", lang_)))
        if st.button(i18n.t("signout_button", lang_), icon=":material/logout:", key="signout"):
            st.logout()
    return r


def visible(measures: list[str]) -> list[str]:
    """The measures the visitor may see (the catalogue's press-safe flag decides for viewers)."""
    return access.visible(role(), measures)


def visible_cards(rows: list[list[str]]) -> list[list[str]]:
    """Rows of KPI cards without the ones the visitor may not see (empty rows dropped)."""
    return [kept for row in rows if (kept := visible(row))]


def sees_internal() -> bool:
    return access.sees_internal(role())


# ---------------------------------------------------------------- data


def _store_token(directory: Path) -> tuple:
    """Changes whenever a store file is replaced, so a new import is picked up."""
    return tuple(
        (f, (directory / f).stat().st_mtime_ns)
        for f in store.FILES.values()
        if (directory / f).exists()
    )


@st.cache_resource(show_spinner=False, max_entries=2)
def _frames(directory: str, token: tuple) -> metrics.Frames:
    # cache_resource, not cache_data: the frames are read-only and shared by every session,
    # so one copy in memory serves all of them. `token` (file times) notices a new store;
    # the frames' own `version` (the generation they were read from) keys what is computed
    # from them, so a result is never cached under another store's name.
    fr = metrics.Frames.from_store(store.load(Path(directory)))
    return fr if fr.version else dataclasses.replace(fr, version=repr(token))


def frames(lang_: str) -> metrics.Frames:
    """The current store's data, or a bilingual error that stops the page."""
    directory = store_dir()
    try:
        return _frames(str(directory), _store_token(directory))
    except store.StoreInvalid as e:
        st.error(i18n.t("store_invalid", lang_))
        st.dataframe(
            pl.DataFrame(
                [
                    {
                        "file": p.file,
                        "key": p.key,
                        "rule": p.rule,
                        "message": p.message_vi if lang_ == "vi" else p.message_en,
                        "message_other": p.message_en if lang_ == "vi" else p.message_vi,
                    }
                    for p in e.problems
                ]
            ),
            hide_index=True,
        )
        st.stop()
    except FileNotFoundError as e:
        st.error(f"{i18n.t('store_missing', lang_)}\n\n`{e}`")
        st.stop()
    raise AssertionError("unreachable")


_COMPUTE_MODULES = {
    "dataset": dataset,
    "metrics": metrics,
    "projection": projection,
    "watch": watch,
    "briefing": briefing,
}


@st.cache_data(show_spinner=False, max_entries=256)
def _compute(_frames: metrics.Frames, version: str, module: str, name: str, args: tuple):
    # `_frames` is not hashed (leading underscore); its `version` stands for it, so a new
    # store invalidates every cached result
    return getattr(_COMPUTE_MODULES[module], name)(_frames, *args)


def store_token() -> tuple:
    """Stands for the current store's version in cache keys."""
    return _store_token(store_dir())


@st.cache_resource(show_spinner=False, max_entries=2)
def _all_observations(directory: str, token: tuple) -> pl.DataFrame:
    return store.load(Path(directory), validate=False).observations.collect()


def all_observations() -> pl.DataFrame:
    """Every vintage of every observation (the Data page's vintage views), shared by sessions."""
    directory = store_dir()
    return _all_observations(str(directory), _store_token(directory))


def compute(fr: metrics.Frames, name: str, *args, module=metrics):
    """<module>.<name>(fr, *args), cached per store version (module: metrics or projection).
    Lists become tuples for hashing."""
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _compute(fr, fr.version, module.__name__.rsplit(".", 1)[-1], name, args)


@st.cache_resource(show_spinner=False)
def alternatives() -> pl.DataFrame:
    """Every published figure that is not current (published.alternatives), read once."""
    return published.alternatives()


@st.cache_resource(show_spinner=False)
def events() -> pl.DataFrame:
    """The dated events drawn on time axes (published.events), read once."""
    return published.events()


def provenance(
    fr: metrics.Frames, layout: str = "VN", geo_code: str = geo.NATIONAL
) -> charts.Provenance:
    """What a time chart of one place needs besides its values: sources, what else was
    published, events."""
    return charts.Provenance(fr.sources, alternatives(), events(), layout, geo_code)


# ---------------------------------------------------------------- widgets


def url_select(
    label: str,
    options: list[str],
    key: str,
    lang_: str,
    default: str | None = None,
    format_func=str,
    container=None,
) -> str:
    """A select box whose value lives in ?key=; a bad value in the URL falls back to the default
    (first option) with a notice."""
    default = options[0] if default is None else default
    _seed_from_url(key, options, default)
    url_notices(lang_)
    where = st.sidebar if container is None else container
    choice = where.selectbox(label, options, format_func=format_func, key=key)
    _write_to_url(key, choice, default)
    return choice


def month_picker(periods: list[date], lang_: str) -> date:
    """Month select kept in ?month=YYYY-MM; newest first, and the default."""
    by_key = {f"{p:%Y-%m}": p for p in sorted(periods, reverse=True)}
    choice = url_select(
        i18n.t("month", lang_),
        list(by_key),
        "month",
        lang_,
        format_func=lambda k: i18n.format_month(by_key[k], lang_),
    )
    return by_key[choice]


def measure_picker(
    measures: list[str], lang_: str, default: str | None = None, container=None
) -> str:
    """Measure select kept in ?measure=<catalogue id>, offering only the measures the visitor
    may see. A link naming an internal measure gets a polite notice, never the figure."""
    allowed = visible(measures)
    raw = st.query_params.get("measure")
    if raw in measures and raw not in allowed:
        st.query_params.pop("measure")
        st.info(i18n.t("measure_restricted", lang_, measure=raw), icon=":material/lock:")
    if default not in allowed:
        default = None
    return url_select(
        i18n.t("measure", lang_),
        allowed,
        "measure",
        lang_,
        default,
        format_func=lambda mid: catalog.get(mid).label(lang_),
        container=container,
    )


def layout_picker(period: date, lang_: str) -> str:
    """P63 or P34, kept in ?layout=. P63 exists only up to 2025-06: asked for later, the page
    explains and shows P34."""
    choice = url_select(
        i18n.t("layout", lang_),
        ["P34", "P63"],
        "layout",
        lang_,
        format_func=lambda v: i18n.t(f"layout_{v}", lang_),
    )
    if choice == "P63" and geo.layout_for_period(period) == "P34":
        st.info(i18n.t("p63_unavailable", lang_), icon=":material/info:")
        return "P34"
    return choice


def province_picker(layout: str, lang_: str) -> str:
    """Province select kept in ?province=<GSO code of the layout>."""
    names = dict(geo.provinces(layout).select("code", "short_name").iter_rows())
    return url_select(
        i18n.t("province", lang_),
        list(names),
        "province",
        lang_,
        format_func=lambda code: names[code],
    )


def status_badge(status: str | None, source_title: str | None, lang_: str) -> None:
    """Demo or published marker with the source, under every number."""
    if status == "published":
        st.badge(i18n.t("published_badge", lang_), icon=":material/verified:", color="blue")
        if source_title:
            st.caption(f"{i18n.t('source', lang_)}: {source_title}")
    elif status == "reported":
        st.badge(i18n.t("reported_badge", lang_), icon=":material/description:", color="gray")
    else:
        st.badge(i18n.t("demo_badge", lang_), icon=":material/science:", color="orange")


def kpi_card(
    row: dict,
    history: list[float],
    lang_: str,
    titles: dict[str, str],
    note: str | None = None,
    also: str = "",
    periods: list[date] | None = None,
) -> None:
    """One KPI: value, year-on-year change (arrow + colour by the measure's good direction),
    24-month sparkline (`history` over `periods`; an SVG with a text alternative, a
    year-to-date measure drawn year by year), status and source, and what else was published
    for the value."""
    m = catalog.get(row["measure"])
    value = i18n.format_value(row["value"], m.unit, lang_)
    change = row["change"]
    delta, arrow, colour = None, "off", "gray"
    if change is not None:
        delta = i18n.format_change(change, lang_, row["change_kind"])
        if not any(ch in "123456789" for ch in delta):  # "0,00 điểm %": no arrow, no colour
            change = 0
        arrow = "up" if change > 0 else "down" if change < 0 else "off"
        if m.good and change != 0:
            better = (change > 0) == (m.good == "up")
            colour = "blue" if better else "orange"
    with st.container(border=True):
        st.metric(
            m.label(lang_),
            value,
            delta,
            delta_color=colour,
            delta_arrow=arrow,
            delta_description=i18n.t("yoy", lang_) if delta else None,
            help=m.description(lang_) or None,
        )
        if periods and len(history) >= 2:
            st.markdown(sparkline(m, periods, history, lang_), unsafe_allow_html=True)
        if note:
            st.caption(note)
        status_badge(row["status"], titles.get(row["source_id"] or ""), lang_)
        if also:
            st.caption(i18n.md_escape(also))


# Every page's shared style (issue 16):
# - a KPI value fits its card at any width: the type scales with the window (28 px at 1366 px with
#   the sidebar, 36 px from 1700 px, 24 px on a phone) and a long Vietnamese value
#   ("448,3 nghìn tỷ đồng") wraps between words, never runs over the next card; labels wrap too;
# - captions in the theme's grey (#555A66, 7:1 on white): Streamlit draws them in the text colour
#   at 60 % opacity (#797c83, 4.18:1, below WCAG AA's 4.5:1), which no theme option changes;
# - the answer above the fold: less empty space over the first element, compact notices, a
#   smaller title. The presenter's deck sets its own sizes with !important and keeps them.
_STYLE = """<style>
[data-testid="stMetric"] [data-testid="stMetricValue"] {
  font-size: clamp(1.5rem, 0.5rem + 1.45vw, 2.25rem); line-height: 1.2; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricValue"] p,
[data-testid="stMetricDelta"] > div, [data-testid="stMetricLabel"] p,
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] {
  white-space: normal !important; overflow: visible !important; overflow-wrap: anywhere; }
[data-testid="stCaptionContainer"] { color: #555A66; opacity: 1; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] {
  padding: 0.4rem 0.75rem; font-size: 0.875rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlertContainer"] p { font-size: 0.875rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; }
}
</style>"""


def page_style() -> None:
    st.html(_STYLE)


def demo_notice(lang_: str) -> None:
    st.info(i18n.t("demo_notice", lang_), icon=":material/science:")


def as_of(period: date, lang_: str) -> None:
    """The data's month, and for a visitor who may not see internal figures, a word that some
    are left out."""
    st.caption(i18n.t("as_of", lang_, date=i18n.format_date(period, lang_)))
    if not sees_internal():
        st.caption(i18n.t("internal_hidden", lang_))


def formatted(snap: pl.DataFrame, measure: str, lang_: str) -> str:
    """A snapshot value formatted for display."""
    row = snap.row(by_predicate=pl.col("measure") == measure, named=True)
    return i18n.format_value(row["value"], catalog.get(measure).unit, lang_)


def sparkline(m: catalog.Measure, periods: list[date], values: list, lang_: str) -> str:
    """A KPI card's sparkline SVG, its text alternative naming the first and last value."""
    ytd = charts.resets_in_january(m.id)
    alt = i18n.t(
        "spark_alt",
        lang_,
        n=len(periods),
        label=m.label(lang_),
        first=i18n.format_value(values[0], m.unit, lang_),
        first_month=i18n.format_month(periods[0], lang_),
        last=i18n.format_value(values[-1], m.unit, lang_),
        last_month=i18n.format_month(periods[-1], lang_),
    ) + (i18n.t("spark_alt_ytd", lang_) if ytd else "")
    # an <img> of the SVG, with the text alternative as alt: Streamlit's HTML sanitiser drops
    # inline SVG, and an image's alt is what every screen reader announces
    svg = charts.sparkline_svg(periods, values, alt, by_year=ytd)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}"'
        ' style="width:100%;height:40px;display:block">'
    )


def kpi_grid(
    rows: list[list[str]],
    snap: pl.DataFrame,
    history: pl.DataFrame,
    lang_: str,
    titles: dict[str, str],
    notes: dict[str, str] | None = None,
    prov: charts.Provenance | None = None,
) -> None:
    by_measure = {r["measure"]: r for r in snap.iter_rows(named=True)}
    if "period" not in history.columns:  # no sparklines (the deck)
        history = pl.DataFrame(
            schema={"measure": pl.String, "period": pl.Date, "value": pl.Float64}
        )
    spark = {m: history.filter(pl.col("measure") == m).sort("period") for m in by_measure}
    for row in rows:
        for col, mid in zip(st.columns(len(row)), row, strict=True):
            r = by_measure[mid]
            also = prov.also(mid, r["period"], lang_) if prov is not None else ""
            with col:
                h = spark[mid]
                kpi_card(
                    r,
                    h.get_column("value").to_list(),
                    lang_,
                    titles,
                    (notes or {}).get(mid),
                    also,
                    periods=h.get_column("period").to_list(),
                )


def status_label(status: str | None, lang_: str) -> str:
    key = {"published": "published_badge", "reported": "reported_badge"}.get(
        status or "", "demo_badge"
    )
    return i18n.t(key, lang_)


def snapshot_table(
    snap: pl.DataFrame, lang_: str, titles: dict[str, str] | None = None
) -> pl.DataFrame:
    """The KPI cards as a table, formatted for reading; the source by its title where known
    (the id stays in the downloads)."""
    titles = titles or {}
    out = []
    for r in snap.iter_rows(named=True):
        m = catalog.get(r["measure"])
        out.append(
            {
                i18n.t("col_measure", lang_): m.label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("col_prev", lang_): i18n.format_value(r["prev_value"], m.unit, lang_),
                i18n.t("col_change", lang_): i18n.format_change(
                    r["change"], lang_, r["change_kind"]
                ),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
                i18n.t("col_source", lang_): titles.get(r["source_id"] or "", r["source_id"] or ""),
            }
        )
    return pl.DataFrame(out)


def history_table(history: pl.DataFrame, lang_: str) -> pl.DataFrame:
    """A chart's data (measure, period, value, status) as a table, formatted for reading, in the
    history's own row order (the page's measure order, then month), as it is exported."""
    out = []
    for r in history.iter_rows(named=True):
        m = catalog.get(r["measure"])
        out.append(
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_measure", lang_): m.label(lang_),
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
            }
        )
    return pl.DataFrame(out)


def table_expander(
    table: pl.DataFrame,
    lang_: str,
    key: str,
    *,
    data: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    place: dict | None = None,
) -> None:
    """A table formatted for reading, in an expander, with `data` (the same rows, raw values)
    as CSV, Excel and Parquet under it (`place`: see `downloads`)."""
    with st.expander(i18n.t("show_table", lang_), icon=":material/table:"):
        st.dataframe(table, hide_index=True, key=f"table_{key}")
        downloads(data, meta, name_stem, lang_, key, place)


def chart(
    fig,
    table: pl.DataFrame,
    lang_: str,
    key: str,
    *,
    data: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    place: dict | None = None,
) -> None:
    """A Plotly chart with its data one click away, and that data's downloads. Plotly's own
    toolbar is hidden: nothing on it works offline that the table does not do better."""
    st.plotly_chart(fig, key=f"chart_{key}", config={"displayModeBar": False}, width="stretch")
    table_expander(table, lang_, key, data=data, meta=meta, name_stem=name_stem, place=place)


def targets(fr: metrics.Frames, measures: list[str], history: pl.DataFrame) -> pl.DataFrame:
    """National targets of `measures` whose year ends within the history's range."""
    periods = history.get_column("period")
    return metrics.targets(fr, measures, periods.min(), periods.max())


def sources_footer(
    snap: pl.DataFrame,
    history: pl.DataFrame,
    fr: metrics.Frames,
    lang_: str,
    prov: charts.Provenance | None = None,
) -> None:
    """Provenance: every source behind the numbers on the page (publisher and date where
    known), and for each value shown that other sources published differently, what they
    published ("Also published: ..."). Text from the files is escaped for markdown."""
    used = set(snap.get_column("source_id").drop_nulls()) | set(
        history.get_column("source_id").drop_nulls() if "source_id" in history.columns else []
    )
    info = {}
    if fr.sources is not None:
        info = {r["source_id"]: r for r in fr.sources.iter_rows(named=True)}
    lines = []
    for sid in sorted(used):
        r = info.get(sid, {})
        title = i18n.md_escape(r.get("title") or sid)
        who = ", ".join(
            x for x in (r.get("publisher"), i18n.format_date(r.get("date"), lang_)) if x
        ) if r.get("publisher") else ""  # fmt: skip
        lines.append(f"- `{sid}`: {title}" + (f" ({i18n.md_escape(who)})" if who else ""))
    if prov is not None:
        seen = set()
        for r in pl.concat(
            [snap.select("measure", "period"), history.select("measure", "period")]
        ).iter_rows(named=True):
            if (r["measure"], r["period"]) in seen:
                continue
            seen.add((r["measure"], r["period"]))
            if also := prov.also(r["measure"], r["period"], lang_):
                label = catalog.get(r["measure"]).label(lang_)
                what = f"{label}, {i18n.format_month(r['period'], lang_)}"
                lines.append(f"- {i18n.md_escape(what)}: {i18n.md_escape(also)}")
    st.divider()
    st.caption(i18n.t("sources_used", lang_) + "\n" + "\n".join(lines))


# ---------------------------------------------------------------- provinces


def profile_link_params(layout: str, code: str) -> dict[str, str]:
    return {"layout": layout, "province": code}


def open_profile(layout: str, code: str) -> None:
    """Go to the province profile (the language stays in session state)."""
    st.switch_page("views/province.py", query_params=profile_link_params(layout, code))


def map_chart(fig, key: str) -> str | None:
    """The map, with click selection. Returns the GSO code of a clicked province, if any."""
    event = st.plotly_chart(
        fig,
        key=f"chart_{key}",
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False, "topojsonURL": TOPOJSON_URL, "scrollZoom": False},
        width="stretch",
    )
    return clicked_location(event)


# plotly.js fetches its base layer for every geo map, even hidden; the app serves it itself
# (static/ with server.enableStaticServing) so that nothing leaves the office network
TOPOJSON_URL = "app/static/topojson/"


def clicked_location(event) -> str | None:
    """The `location` of the first selected point of a Plotly selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for p in points:
        if p.get("location"):
            return str(p["location"])
    return None


def ranking(table: pl.DataFrame, measure: str, layout: str, n: int, lang_: str) -> str | None:
    """Top and bottom n provinces as two tables; a clicked row returns its GSO code."""
    m = catalog.get(measure)
    chosen = None
    for title_key, part in (("best", table.head(n)), ("worst", table.tail(n).reverse())):
        st.markdown(f"**{i18n.t(title_key, lang_)}**")
        shown = pl.DataFrame(
            {
                i18n.t("col_rank", lang_): part.get_column("rank"),
                i18n.t("col_province", lang_): part.get_column("name"),
                i18n.t("col_value", lang_): [
                    i18n.format_value(v, m.unit, lang_) for v in part.get_column("value")
                ],
                i18n.t("yoy_short", lang_): [
                    i18n.format_change(c, lang_, k)
                    for c, k in zip(
                        part.get_column("change"), part.get_column("change_kind"), strict=True
                    )
                ],
            }
        )
        event = st.dataframe(
            shown,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key=f"rank_{title_key}",
        )
        rows = event.selection.rows if event is not None else []
        if rows:
            chosen = part.item(rows[0], "geo_code")
    return chosen


def province_table_view(table: pl.DataFrame, measure: str, lang_: str) -> pl.DataFrame:
    """The whole province table, formatted for reading (the map's data as a table)."""
    m = catalog.get(measure)
    f = m.formula
    num_unit = catalog.get(f.args[0]).unit if f is not None and f.op != "sum" else m.unit
    den_unit = catalog.get(f.args[-1]).unit if f is not None and f.op != "sum" else m.unit
    return pl.DataFrame(
        [
            {
                i18n.t("col_rank", lang_): r["rank"],
                i18n.t("col_province", lang_): r["name"],
                i18n.t("col_value", lang_): i18n.format_value(r["value"], m.unit, lang_),
                i18n.t("numerator", lang_): i18n.format_value(r["numerator"], num_unit, lang_),
                i18n.t("denominator", lang_): i18n.format_value(r["denominator"], den_unit, lang_),
                i18n.t("yoy_short", lang_): i18n.format_change(
                    r["change"], lang_, r["change_kind"]
                ),
                i18n.t("col_status", lang_): status_label(r["status"], lang_),
            }
            for r in table.iter_rows(named=True)
        ]
    )


def series_table(df: pl.DataFrame, unit: str, lang_: str) -> pl.DataFrame:
    """A series_lines chart's data (series, period, value) as a table, formatted for reading."""
    return pl.DataFrame(
        [
            {
                i18n.t("month", lang_): i18n.format_month(r["period"], lang_),
                i18n.t("col_province", lang_): r["series"],
                i18n.t("col_value", lang_): i18n.format_value(r["value"], unit, lang_),
            }
            for r in df.sort("series", "period").iter_rows(named=True)
        ]
    )


# ---------------------------------------------------------------- exports

_DOWNLOADS = (  # extension, label key, MIME type
    ("csv", "download_csv", "text/csv"),
    ("xlsx", "download_xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("parquet", "download_parquet", "application/vnd.apache.parquet"),
)


def downloads(
    df: pl.DataFrame,
    meta: export.ExportMeta,
    name_stem: str,
    lang_: str,
    key: str,
    place: dict | None = None,
) -> None:
    """CSV, Excel and Parquet of `df` in one row (keys csv_<key>, xlsx_<key>, parquet_<key>).
    Demo data says so in the file name too. Each file is built only when its button is clicked
    (a callable), so a page with many tables pays nothing for them on every run.
    Where each row's value has a key (period, layout, geo_code, measure: from its columns, the
    rest from `place`), the files carry what else was published for it (`also_published`)."""
    if not access.can_export(role()):
        return
    df = export.with_alternatives(df, alternatives(), lang_, **(place or {}))
    stem = f"{name_stem}_demo" if meta.is_demo else name_stem
    build = {
        "csv": lambda: export.to_csv(df),
        "xlsx": lambda: export.to_xlsx(df, meta),
        "parquet": lambda: export.to_parquet(df, meta),
    }
    with st.container(horizontal=True, gap="small", key=f"downloads_{key}"):
        for ext, label, mime in _DOWNLOADS:
            st.download_button(
                i18n.t(label, lang_),
                data=build[ext],
                file_name=f"{stem}.{ext}",
                mime=mime,
                icon=":material/download:",
                help=i18n.t(f"{label}_help", lang_),
                key=f"{ext}_{key}",
                on_click="ignore",
            )


def _demo_sources(fr: metrics.Frames) -> list[str]:
    return sorted(
        fr.obs.filter(pl.col("status") == "demo").get_column("source_id").unique().to_list()
    )


def export_meta(
    fr: metrics.Frames,
    title: str,
    data: pl.DataFrame,
    lang_: str,
    *,
    period: date | None = None,
    measure: str | None = None,
    layout: str | None = None,
    province: str | None = None,
    extra: dict[str, str] | None = None,
) -> export.ExportMeta:
    """What an exported frame is, from what the page knows: the filters in words (month,
    measure, geography, province, then `extra`), as of `period` (else the data's last month),
    the status of its rows and the sources its rows name (a frame without source ids but with
    demo rows names the demo data's source)."""
    filters: dict[str, str] = {}
    if period is not None:
        # vi format_month reads "Tháng 9/2026": after the label "Tháng", the number alone
        month = f"{period.month}/{period.year}" if lang_ == "vi" else None
        filters[i18n.t("month", lang_)] = month or i18n.format_month(period, lang_)
    if measure is not None:
        filters[i18n.t("measure", lang_)] = catalog.get(measure).label(lang_)
    if layout is not None:
        label = i18n.t("geography" if layout == "VN" else "layout", lang_)
        filters[label] = i18n.t(f"layout_{layout}", lang_)
    if province is not None and layout in geo.LAYOUTS:
        filters[i18n.t("province", lang_)] = f"{geo.province_name(layout, province)} ({province})"
    filters.update(extra or {})
    as_of_ = period
    if as_of_ is None and "period" in data.columns and data.height:
        as_of_ = data.get_column("period").max()
    status = export.frame_status(data)
    id_cols = [c for c in data.columns if c == "source_id" or c.endswith("_source_id")]
    ids = sorted({v for c in id_cols for v in data.get_column(c).drop_nulls().unique().to_list()})
    if not id_cols and status in ("demo", "mixed"):
        ids = _demo_sources(fr)
    titles = fr.source_titles()
    sources = [f"{i}: {titles[i]}" if i in titles else i for i in ids]
    return export.ExportMeta(title, filters, as_of_, status, sources, lang_)


def watch_filters(thresholds: watch.Thresholds, lang_: str) -> dict[str, str]:
    """The watch list's thresholds as export filters."""
    return {
        i18n.t(f"th_{name}", lang_): i18n.format_number(getattr(thresholds, name), lang_, 1)
        for name in watch.LIMITS
    }


def constituent_frame(fr: metrics.Frames, hist: pl.DataFrame, measure: str) -> pl.DataFrame:
    """`metrics.constituent_history` with each value's status and source, in the order of
    `series_table`."""
    known = pl.concat(
        compute(fr, "resolve", measure, lay)
        .select("period", "geo_code", "status", "source_id")
        .with_columns(layout=pl.lit(lay))
        for lay in ("P63", "P34")
    )
    return hist.join(known, on=["layout", "geo_code", "period"], how="left").sort(
        "series", "period", maintain_order=True
    )


def completion_frame(
    fr: metrics.Frames, table: pl.DataFrame, measures: list[str], period: date
) -> pl.DataFrame:
    """`metrics.completion_table` with a status per row: the weakest of its values' statuses
    (demo < reported < published), as metrics combines statuses."""
    layout = geo.layout_for_period(period)
    national = compute(fr, "snapshot", measures, period).select(
        geo_code=pl.lit(geo.NATIONAL), status="status"
    )
    parts = [
        compute(fr, "province_values", mid, layout, period).select("geo_code", "status")
        for mid in measures
    ]
    weakest = (
        pl.concat([national, *parts])
        .drop_nulls("status")
        .group_by("geo_code")
        .agg(pl.col("status").sort_by(pl.col("status").replace_strict(metrics.STATUS_RANK)).first())
    )
    return table.join(weakest, on="geo_code", how="left", maintain_order="left")


def print_mode() -> bool:
    """?print=1 draws every slide one after another, a page each (for the PDF export)."""
    return st.query_params.get("print") == "1"


def province_slug(layout: str, code: str) -> str:
    """A province in a file name, e.g. "01 Hà Nội" (codes alone collide across layouts)."""
    return f"{code} {geo.province_name(layout, code)}"
