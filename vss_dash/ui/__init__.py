"""The Streamlit layer: the only package of vss_dash that imports streamlit. A page script
(views/*.py) imports the modules it uses:

- `state`: the URL binding every filter goes through, the language, the pickers, and `View`,
  what a page shows (language, month, geography, province, measure), read once per run;
- `auth`: sign-in, roles, and what a visitor may see;
- `queries`: the store's frames and the cached queries over them (`queries.kpis` is
  `metrics.kpis`, cached per store generation);
- `widgets`: the page style, notices, status badges and KPI cards;
- `tables`: tables, charts with their data, downloads and the export header, the sources footer;
- one module of widgets per page: `map_page`, `province_page`, `plan_page`, `watch_page`,
  `sources_page`, `data_page` (with `data_quality` and `data_import`), and `briefing_page`
  (with `briefing_slides` and `briefing_style`).

Caching lives in `queries`, at the boundary: the pure layers below run uncached in tests and
the CLI.
"""
