"""The catalogue is complete: every measure fully described, every formula resolvable, every
source of the demo store described."""

from __future__ import annotations

import pytest

from vss_dash import catalog

KINDS = {"stock", "ytd_flow", "cumulative", "rate", "count"}
UNITS = {"persons", "billion_vnd", "percent", "visits", "cases", "count"}


@pytest.mark.parametrize("m", catalog.MEASURES, ids=[m.id for m in catalog.MEASURES])
def test_measure_is_complete(m: catalog.Measure):
    assert m.label_vi and m.label_en and m.label_vi != m.label_en
    assert m.unit in UNITS and m.kind in KINDS
    assert m.geo_agg in {"sum", "ratio", "none"} and m.time_agg in {"last", "recompute"}
    assert m.good in {"up", "down", None} and isinstance(m.public, bool)
    if m.kind == "rate":
        assert m.derived and m.unit == "percent" and m.geo_agg == "ratio"
    if m.formula:
        for arg in m.formula.args:
            assert arg in catalog.BY_ID, f"{m.id} uses unknown {arg}"
        assert catalog.base_measures(m.id) <= set(catalog.STORED_IDS)


def test_ids_are_unique_and_design_measures_present():
    assert len(catalog.BY_ID) == len(catalog.MEASURES)
    for mid in [
        "si_compulsory",
        "si_voluntary",
        "si_participants",
        "ui_participants",
        "hi_participants",
        "labour_force_working_age",
        "population",
        "late_payment_amount",
        "revenue_collected",
        "amount_receivable",
        "hi_medical_cost",
        "hi_medical_visits",
        "si_coverage_rate",
        "si_voluntary_rate",
        "ui_coverage_rate",
        "hi_coverage_rate",
        "late_payment_rate",
        "revenue_plan_completion",
        "hi_medical_cost_yoy",
    ]:
        assert mid in catalog.BY_ID


def test_internal_measures_are_the_sensitive_ones():
    internal = {m.id for m in catalog.MEASURES if not m.public}
    assert {"late_payment_amount", "late_payment_rate", "hi_medical_cost_yoy"} <= internal
    assert "si_coverage_rate" not in internal


def test_unknown_measure_lists_the_valid_ones():
    with pytest.raises(KeyError, match="si_compulsory"):
        catalog.get("si_everyone")


def test_sources_of_the_demo_store_are_described(demo_store):
    for row in demo_store.sources.iter_rows(named=True):
        assert all(row[c] for c in ("source_id", "title", "publisher", "date", "reference")), row
