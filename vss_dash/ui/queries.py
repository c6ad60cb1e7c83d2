"""The store's data and the cached queries over it: caching lives here, at the boundary, and the
pure layers below run uncached in tests and the CLI.

Each query is one pure function of the data layer wrapped once by `st.cache_data`
(`queries.kpis` is `metrics.kpis`, cached): a page calls it with the frames and plain
arguments, and an editor follows the call to the function. The frames are not hashed: their
`cache_key()` (the data manager's token: the store's generation and the reference files'
release, see vss_dash.data) stands for them, so a new import or release invalidates every
cached result and a result is never cached under another store's name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import polars as pl
import streamlit as st

from vss_dash import (
    charts,
    data,
    dataset,
    geo,
    i18n,
    metrics,
    narrative,
    projection,
    published,
    store,
)
from vss_dash import watch as watch_module

P = ParamSpec("P")
R = TypeVar("R")

# ---------------------------------------------------------------- the store


def store_token() -> tuple:
    """The data manager's token of the app's store (data.token): what every cache keys on."""
    return data.token()


def frames(lang_: str) -> metrics.Frames:
    """The current store's data, or a bilingual error that stops the page."""
    try:
        return data.frames()
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
        st.error(f"{i18n.t('store_missing', lang_)}\n\n{i18n.md_escape(str(e))}")
        st.stop()
    except OSError as e:  # no database (store.postgres.StoreUnavailable, no password)
        st.error(f"{i18n.t('store_unavailable', lang_)}\n\n{i18n.md_escape(str(e))}")
        st.stop()
    raise AssertionError("unreachable")


@st.cache_resource(show_spinner=False, max_entries=2)
def _all_observations(where: str, token: tuple) -> pl.DataFrame:
    return store.load(_where(where), validate=False).observations.collect()


def _where(where: str) -> Path | str:
    """The cache key's text back to what store.load takes (a URI stays text)."""
    return where if store.is_database(where) else Path(where)


def all_observations() -> pl.DataFrame:
    """Every vintage of every observation (the Data page's vintage views), shared by sessions."""
    where = store.location()
    return _all_observations(str(where), data.token(where))


def alternatives() -> pl.DataFrame:
    """Every published figure that is not current (published.alternatives, cached per release)."""
    return published.alternatives()


def events() -> pl.DataFrame:
    """The dated events drawn on time axes (published.events, cached per release)."""
    return published.events()


# ---------------------------------------------------------------- cached queries


def _version(fr: metrics.Frames) -> str:
    return fr.cache_key()


def shared(fn: Callable[P, R], max_entries: int = 32) -> Callable[P, R]:
    """`fn(frames, ...)` cached per store version and arguments like `by_store`, but its value
    shared by every session rather than copied (st.cache_resource): for what copying would cost
    as much as making (a Plotly figure with frames), and that no caller changes
    (st.plotly_chart serialises a copy of the figure it is given)."""
    return st.cache_resource(
        fn,
        show_spinner=False,
        max_entries=max_entries,
        hash_funcs={metrics.Frames: _version},
    )


def by_store(fn: Callable[P, R], max_entries: int = 64) -> Callable[P, R]:
    """`fn(frames, ...)` cached per store version and arguments (each function its own cache;
    Streamlit keys it on the function's module, name and source)."""
    return st.cache_data(
        fn,
        show_spinner=False,
        max_entries=max_entries,
        hash_funcs={metrics.Frames: _version},
    )


def _provenance(
    fr: metrics.Frames, layout: str = "VN", geo_code: str = geo.NATIONAL
) -> charts.Provenance:
    """What a time chart of one place needs besides its values: sources, what else was
    published, events. Shared by the sessions (`provenance`): nothing changes it, and its index
    of what else was published is made once."""
    return charts.Provenance(fr.sources, alternatives(), events(), layout, geo_code)


# the national overview, the province profile, the map
provenance = shared(_provenance)
kpis = by_store(metrics.kpis)
snapshot = by_store(metrics.snapshot)
series = by_store(metrics.series)
resolve = by_store(metrics.resolve)
value_at = by_store(metrics.value_at)
province_values = by_store(metrics.province_values)
province_table = by_store(metrics.province_table)
ranks = by_store(metrics.ranks)
constituent_history = by_store(metrics.constituent_history)
compared_history = by_store(metrics.compared_history)  # the profile's comparison
completion_table = by_store(metrics.completion_table)
unallocated_line = by_store(metrics.unallocated_line)  # the map's "not allocated" line
# plan versus actual
plan_view = by_store(projection.plan_view)
# the watch list
watch_list = by_store(watch_module.watch_list)
furthest_behind = by_store(watch_module.furthest_behind)  # the overview's first screen
# the Data page
table = by_store(dataset.table, max_entries=16)
presence = by_store(dataset.presence)
disagreements = by_store(dataset.disagreements)
# the press briefing
brief_deck = by_store(narrative.build_deck, max_entries=16)


def targets(fr: metrics.Frames, measures: list[str], history: pl.DataFrame) -> pl.DataFrame:
    """National targets of `measures` whose year ends within the history's range (uncached:
    a filter of the plans)."""
    periods = history.get_column("period")
    return metrics.targets(fr, measures, periods.min(), periods.max())
