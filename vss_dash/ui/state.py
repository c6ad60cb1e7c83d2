"""What a page shows, read once per run: the URL binding every filter goes through, the language,
the month, geography, province and measure pickers, and `View`, the small object a page reads them
into and passes on.

Every filter lives in the URL so that a copied link reproduces the view. The binding is done here
rather than with Streamlit's `bind="query-params"` (1.67), which does not do what the pages need:
it drops a bad value without a word (the pages say which parameter fell back, in vi and en), it
does not carry a choice to the next page when the link lacks it (the language and the month
follow the visitor), it writes a multiselect as repeated parameters (the Data page's links say
`?measures=a,b`), a bound parameter can no longer be removed through `st.query_params` (a link
naming an internal measure is emptied), and it did not seed a widget of a page under
`st.navigation` on first load when tried. So: `seed` the widget's state from ?key= before it is
drawn, `write` its value back after, and `notices` for what fell back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import streamlit as st

from vss_dash import catalog, geo, i18n
from vss_dash.ui import auth

# ---------------------------------------------------------------- the URL binding


def note_bad(key: str, raw: str) -> None:
    """Remember that ?key=raw was malformed or stale, for `notices`."""
    st.session_state.setdefault("_url_notices", []).append((key, raw))


def notices(lang: str) -> None:
    """A short notice for each URL parameter that was malformed or stale and so fell back. The
    value comes from the link and is shown as text, never as markdown (a crafted link could
    otherwise draw a link or an image inside the notice)."""
    for key, raw in st.session_state.pop("_url_notices", []):
        # `key` is one of the pages' own parameter names; `raw` is whatever the link said
        text = i18n.t("bad_url_param", lang, param=key, value=i18n.md_escape(raw))
        st.warning(text, icon=":material/link_off:")


def remembered(key: str) -> str | None:
    """The value last written for ?key= on any page (Streamlit drops a widget's state on a page
    switch; the language and the month should carry over)."""
    return st.session_state.get(f"_last_{key}")


_WRITES = "_url_writes"  # this run's changes to the URL, sent by flush()


def url(key: str) -> str | None:
    """?key= as this run has left it so far (its writes are held until `flush`)."""
    writes = st.session_state.get(_WRITES, {})
    return writes[key] if key in writes else st.query_params.get(key)


def put(key: str, value: str | None) -> None:
    """?key= as it should be when the run ends (None: left out). Held until `flush`, because
    the browser makes a history entry of every change Streamlit sends: written one by one, a
    click on a page with five filters made five, and Back needed five presses."""
    st.session_state.setdefault(_WRITES, {})[key] = value


def begin() -> None:
    """Forget what a run cut short left to write (app.py, first): its filters were another
    page's, or the same ones the new run writes again. On a run the browser's Back or Forward
    started, the URL wins (`from_history`)."""
    st.session_state.pop(_WRITES, None)
    if _history_navigation():
        from_history()


_BOUND = "_url_bound"  # the keys whose widget state is its ?key= (seed, bind)


def bind(key: str) -> None:
    """Note that the widget state `key` is ?key= itself (the pickers do, through `seed`), so
    that Back can restore it."""
    st.session_state.setdefault(_BOUND, set()).add(key)


def _history_navigation() -> bool:
    """Whether this run was started by the browser's Back or Forward (Streamlit sends the
    entry's query with the rerun and marks it; 1.67 keeps the mark on the run's context)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def from_history() -> None:
    """Back or Forward: every bound widget whose value differs from the history entry's URL
    forgets its state and the value last chosen, so the picker takes the URL's value (its
    default where the URL has none) as on a fresh link. Without it the widget kept the value of
    the view being left and wrote it back over the entry: Back did not go back. An entry with
    no filter at all is the one Streamlit makes for a page opened from the sidebar, before the
    page wrote its filters: there the filters carried from the last page stay."""
    bound = st.session_state.get(_BOUND, set())
    if not any(key in st.query_params for key in bound - {"lang"}):
        return
    for key in bound:
        if st.query_params.get(key) != st.session_state.get(f"_last_{key}"):
            st.session_state.pop(key, None)
            st.session_state.pop(f"_last_{key}", None)


def flush() -> None:
    """Send this run's URL changes as one (one history entry). The last call of every page
    script, and of a fragment that writes; a run stopped before it leaves the URL as it was."""
    writes = st.session_state.pop(_WRITES, None)
    if not writes:
        return
    now = st.query_params.to_dict()
    new = {k: v for k, v in {**now, **writes}.items() if v is not None}
    if new != now:
        st.query_params.from_dict(new)


def seed(key: str, options: list[str], default: str) -> None:
    """Before the widget is drawn: its state from ?key=, else the last value chosen on any page,
    else the default. A value not among `options` in the URL is noted for `notices`."""
    bind(key)
    if st.session_state.get(key) in options:
        # set again through the Session State API: after a page switch the value belongs to
        # the last page's widget (other options, so another widget id), and the new widget
        # would start from its default instead (the month reset on navigation, issue 16)
        st.session_state[key] = st.session_state[key]
        return
    raw = url(key)
    if raw is not None and raw not in options:
        note_bad(key, raw)
    last = remembered(key)
    if raw in options:
        st.session_state[key] = raw
    elif last in options:
        st.session_state[key] = last
    else:
        st.session_state[key] = default


def write(key: str, value: str, default: str) -> None:
    """After the widget is drawn: its value into ?key= (left out when it is the default, unless
    the URL already says so: a link that names the default, as the links between pages do, is
    left as it came, so arriving by it adds no second entry to the browser's history and one
    Back returns to where the link was)."""
    st.session_state[f"_last_{key}"] = value
    put(key, None if value == default and url(key) != value else value)


def link(**params: str | None) -> dict[str, str]:
    """Query parameters of a link to another page: `params` (None left out) and the language,
    so that the page it opens writes nothing more into the URL on arrival (each change the
    page writes would be another entry in the browser's history, and Back would stop there)."""
    out = {"lang": lang()}
    out.update({k: v for k, v in params.items() if v is not None})
    return out


def select(
    label: str,
    options: list[str],
    key: str,
    lang: str,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    container=None,
) -> str:
    """A select box whose value lives in ?key=; a bad value in the URL falls back to the default
    (first option) with a notice. In the sidebar unless `container` is given."""
    default = options[0] if default is None else default
    seed(key, options, default)
    notices(lang)
    where = st.sidebar if container is None else container
    choice = where.selectbox(label, options, format_func=format_func, key=key)
    write(key, choice, default)
    return choice


# ---------------------------------------------------------------- language


def language_switch() -> str:
    """The language switch in the sidebar, kept in ?lang=vi|en. app.py renders it on every page,
    so the choice survives page changes."""
    seed("lang", list(i18n.LANGS), i18n.DEFAULT_LANG)
    current = st.session_state["lang"]
    choice = st.sidebar.segmented_control(
        i18n.t("language", current),
        list(i18n.LANGS),
        format_func=lambda code: i18n.t("lang_vi" if code == "vi" else "lang_en", current),
        key="lang",
        required=True,
    )
    write("lang", choice, i18n.DEFAULT_LANG)
    return choice


def lang() -> str:
    """The page language: the switch's value, else the URL's ?lang=, else Vietnamese."""
    return i18n.normalize_lang(st.session_state.get("lang") or st.query_params.get("lang"))


def print_mode() -> bool:
    """?print=1 draws every slide one after another, a page each (for the PDF export)."""
    return st.query_params.get("print") == "1"


# ---------------------------------------------------------------- the view


@dataclasses.dataclass(frozen=True)
class View:
    """What one run of a page shows, read once from the URL and the sidebar and then passed on:
    the language, the month (a month end), the geography ("VN", "P63" or "P34"), the province
    (a GSO code of that layout) and the measure. What a page does not choose stays None.
    The export header's filters are these fields in words (`tables.export_meta`)."""

    lang: str
    period: date | None = None
    layout: str | None = None
    geo_code: str | None = None
    measure: str | None = None

    def but(self, **changes) -> View:
        """The same view with some fields changed (e.g. a section's own measure)."""
        return dataclasses.replace(self, **changes)


# ---------------------------------------------------------------- pickers


def month_picker(periods: list[date], lang: str) -> date:
    """Month select kept in ?month=YYYY-MM; newest first, and the default."""
    by_key = {f"{p:%Y-%m}": p for p in sorted(periods, reverse=True)}
    choice = select(
        i18n.t("month", lang),
        list(by_key),
        "month",
        lang,
        format_func=lambda k: i18n.format_month(by_key[k], lang),
    )
    return by_key[choice]


def multiselect(
    label: str,
    options: list[str],
    key: str,
    lang_: str,
    default: list[str],
    format_func=str,
    container=None,
    max_selections: int | None = None,
) -> list[str]:
    """A multiselect whose values live in ?key=a,b,c. Unknown values in the URL are dropped
    with a notice; an empty choice is written as ?key= (not the default).

    Typing filters the options by what they contain ("BHTN": the measures whose name holds
    BHTN, not every name with a B, an H, a T and an N in that order), and Enter adds the first
    match, one at a time: Streamlit's "Select N matches" row (on by default, first in the list,
    so Enter chose every match) is off. At most `max_selections` values, when given."""
    bind(key)
    if key not in st.session_state:
        raw = url(key)
        text = raw if raw is not None else remembered(key)
        if text is None:
            chosen = list(default)
        else:
            values = [v for v in text.split(",") if v]
            chosen = [v for v in values if v in options]
            if raw is not None and len(chosen) != len(values):
                note_bad(key, raw)
        st.session_state[key] = chosen
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    if max_selections is not None:  # a longer list from a link: its first values
        st.session_state[key] = st.session_state[key][:max_selections]
    notices(lang_)
    chosen = (container or st.sidebar).multiselect(
        label,
        options,
        format_func=format_func,
        key=key,
        filter_mode="contains",
        select_all=False,
        wrap=True,  # every chosen chip shown (a phone's box cut the second one)
        max_selections=max_selections,
    )
    write(key, ",".join(chosen), ",".join(default))
    return chosen


def measure_picker(
    measures: list[str], lang: str, default: str | None = None, container=None
) -> str:
    """Measure select kept in ?measure=<catalogue id>, offering only the measures the visitor
    may see. A link naming an internal measure gets a polite notice, never the figure."""
    allowed = auth.visible(measures)
    raw = st.query_params.get("measure")
    if raw in measures and raw not in allowed:
        put("measure", None)
        st.info(i18n.t("measure_restricted", lang, measure=raw), icon=":material/lock:")
    if default not in allowed:
        default = None
    return select(
        i18n.t("measure", lang),
        allowed,
        "measure",
        lang,
        default,
        format_func=lambda mid: catalog.get(mid).label(lang),
        container=container,
    )


def geography_picker(options: list[str], label_key: str, lang: str) -> str:
    """Geography select kept in ?layout= among `options` ("VN", "P34", "P63"), the first the
    default."""
    return select(
        i18n.t(label_key, lang),
        options,
        "layout",
        lang,
        format_func=lambda v: i18n.t(i18n.LAYOUT_KEYS[v], lang),
    )


def layout_picker(period: date, lang: str) -> str:
    """P63 or P34, kept in ?layout=. P63 exists only up to 2025-06: asked for later, the page
    explains and shows P34."""
    choice = geography_picker(["P34", "P63"], "layout", lang)
    if choice == "P63" and geo.layout_for_period(period) == "P34":
        st.info(i18n.t("p63_unavailable", lang), icon=":material/info:")
        return "P34"
    return choice


def province_picker(layout: str, lang: str) -> str:
    """Province select kept in ?province=<GSO code of the layout>."""
    names = dict(geo.provinces(layout).select("code", "short_name").iter_rows())
    return select(
        i18n.t("province", lang),
        list(names),
        "province",
        lang,
        format_func=lambda code: names[code],
    )
