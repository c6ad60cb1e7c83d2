"""Province profile: every KPI of one province, its rank, plan completion, and for a merged
province the history of the former provinces that form it."""

import streamlit as st

from vss_dash import catalog, charts, export, geo, i18n, pages, ui

lang = ui.lang()
CARDS = ui.visible_cards([list(row) for row in pages.PROFILE_CARDS])  # a viewer: press-safe
fr = ui.frames(lang)
layout = ui.url_select(
    i18n.t("layout", lang),
    ["P34", "P63"],
    "layout",
    lang,
    format_func=lambda v: i18n.t(f"layout_{v}", lang),
)
code = ui.province_picker(layout, lang)
periods = [p for p in fr.periods() if geo.layout_for_period(p) == layout or layout == "P34"]
period = ui.month_picker(periods, lang)

heading = f"{i18n.t('profile_title', lang)}: {geo.province_name(layout, code, short=False)}"
st.title(heading)
ui.as_of(period, lang)
ui.demo_notice(lang)
if layout == "P63" and len(geo.constituents(geo.successor(code))) > 1:
    new = geo.province_name("P34", geo.successor(code), short=False)
    st.caption(i18n.t("merged_into", lang, old=geo.province_name("P63", code), new=new))
elif period < geo.MERGER_DATE:
    st.caption(i18n.t("harmonised_note", lang))

measures = [m for row in CARDS for m in row]
snap, history = ui.compute(fr, "kpis", measures, period, 24, layout, code)
ranks = ui.compute(fr, "ranks", measures, layout, period, code)
notes = {m: i18n.t("rank_note", lang, rank=r, n=n) for m, (r, n) in ranks.items()}
prov = ui.provenance(fr, layout, code)
ui.kpi_grid(CARDS, snap, history, lang, fr.source_titles(), notes, prov)
ui.table_expander(
    ui.snapshot_table(snap, lang, fr.source_titles()),
    lang,
    key="profile_table",
    data=snap,
    meta=ui.export_meta(fr, heading, snap, lang, period=period, layout=layout, province=code),
    name_stem=export.stem("profile", layout, ui.province_slug(layout, code), period),
    place={"layout": layout, "geo_code": code},
)

if layout == "P34" and len(geo.constituents(code)) > 1:
    sub_heading = i18n.t("constituents_title", lang, name=geo.province_name("P34", code))
    st.subheader(sub_heading)
    st.caption(i18n.t("constituents_note", lang))
    measure = ui.measure_picker(
        [m.id for m in catalog.MEASURES if m.mappable], lang, "si_coverage_rate", container=st
    )
    hist = ui.compute(fr, "constituent_history", measure, code)
    data = ui.constituent_frame(fr, hist, measure)
    meta = ui.export_meta(fr, sub_heading, data, lang, measure=measure, layout="P34", province=code)
    ui.chart(
        charts.series_lines(data, catalog.get(measure).unit, lang, prov=prov, measure=measure),
        ui.series_table(hist, catalog.get(measure).unit, lang),
        lang,
        "constituents",
        data=data,
        meta=meta,
        name_stem=export.stem(
            f"{measure}_history", "P34", ui.province_slug("P34", code), meta.as_of
        ),
        place={"measure": measure},
    )
ui.sources_footer(snap, history, fr, lang, prov)
