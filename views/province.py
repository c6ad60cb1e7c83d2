"""Province profile: every KPI of one province, its rank, plan completion, and for a merged
province the history of the former provinces that form it."""

import streamlit as st

from vss_dash import catalog, charts, export, geo, i18n, pages
from vss_dash.ui import auth, province_page, queries, state, tables, widgets

lang = state.lang()
CARDS = auth.visible_cards([list(row) for row in pages.PROFILE_CARDS])  # a viewer: press-safe
fr = queries.frames(lang)
layout = state.geography_picker(["P34", "P63"], "layout", lang)
code = state.province_picker(layout, lang)
periods = [p for p in fr.periods() if geo.layout_for_period(p) == layout or layout == "P34"]
view = state.View(lang, state.month_picker(periods, lang), layout, code)

heading = f"{i18n.t('profile_title', lang)}: {geo.province_name(layout, code, short=False)}"
st.title(heading)
widgets.as_of(view)
widgets.demo_notice(lang)
if layout == "P63" and len(geo.constituents(geo.successor(code))) > 1:
    new = geo.province_name("P34", geo.successor(code), short=False)
    st.caption(i18n.t("merged_into", lang, members=province_page.members(code, lang), new=new))
elif view.period < geo.MERGER_DATE:
    st.caption(i18n.t("harmonised_note", lang))

measures = [m for row in CARDS for m in row]
snap, history = queries.kpis(fr, measures, view.period, 24, layout, code)
ranks = queries.ranks(fr, measures, layout, view.period, code)
national, _ = queries.kpis(fr, measures, view.period, 24)  # each card's national value
notes = {
    m: i18n.t("rank_note", lang, rank=r, n=n, national=widgets.formatted(national, m, lang))
    for m, (r, n) in ranks.items()
}
prov = queries.provenance(fr, layout, code)
widgets.kpi_grid(CARDS, snap, history, lang, fr.source_titles(), notes, prov)
tables.table_expander(
    tables.snapshot_table(snap, lang, fr.source_titles()),
    lang,
    key="profile_table",
    data=snap,
    meta=tables.export_meta(fr, heading, snap, view),
    name_stem=export.stem("profile", layout, tables.province_slug(layout, code), view.period),
    place={"layout": layout, "geo_code": code},
)

# one measure for the charts below: the province beside the country and the provinces the
# visitor adds (?compare=), drawn when asked (a profile without it loads no chart library), and
# for a merged province the former provinces that form it
merged = layout == "P34" and len(geo.constituents(code)) > 1
compare_heading = i18n.t("compare_title", lang, name=geo.prose_name(layout, code, lang))
st.subheader(compare_heading)
comparing = st.toggle(
    i18n.t("compare_show", lang), value=bool(state.url("compare")), key="compare_on"
)
if comparing or merged:
    measure = state.measure_picker(
        [m.id for m in catalog.MEASURES if m.mappable], lang, "si_coverage_rate", container=st
    )
    unit = catalog.get(measure).unit
if not comparing:
    state.put("compare", None)
else:
    names = dict(geo.provinces(layout).select("code", "short_name").iter_rows())
    others = province_page.compare_picker(names, code, lang)
    data = queries.compared_history(fr, measure, layout, (code, *others), lang)
    meta = tables.export_meta(fr, compare_heading, data, view.but(period=None, measure=measure))
    tables.chart(
        charts.series_lines(data, unit, lang, prov=prov, measure=measure),
        province_page.series_table(data, unit, lang),
        lang,
        "compare",
        data=data,
        meta=meta,
        name_stem=export.stem(
            f"{measure}_compare", layout, tables.province_slug(layout, code), meta.as_of
        ),
        place={"measure": measure},
    )

if merged:
    sub_heading = i18n.t("constituents_title", lang, name=geo.prose_name("P34", code, lang))
    st.subheader(sub_heading)
    st.caption(i18n.t("constituents_note", lang))
    data = queries.constituent_history(fr, measure, code)  # with each value's status and source
    meta = tables.export_meta(fr, sub_heading, data, view.but(period=None, measure=measure))
    tables.chart(
        charts.series_lines(data, unit, lang, prov=prov, measure=measure),
        province_page.series_table(data, unit, lang),
        lang,
        "constituents",
        data=data,
        meta=meta,
        name_stem=export.stem(
            f"{measure}_history", "P34", tables.province_slug("P34", code), meta.as_of
        ),
        place={"measure": measure},
    )
tables.sources_footer(snap, history, fr, lang, prov)
state.flush()  # the URL as this run left it, in one history entry
