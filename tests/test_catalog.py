"""The catalogue is complete: every measure fully described, every formula resolvable, every
source of the demo store described."""

from __future__ import annotations

import pytest

from vss_dash import catalog

# a measure is named in texts.toml (measure_name.<id>), so the entry borrows a real id
GOOD = dict(id="si_compulsory", unit="persons", kind="stock", geo_agg="sum", time_agg="last",
            good="up", public=True)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"unit": "people"}, "unit 'people'"),
        ({"kind": "flow"}, "kind 'flow'"),
        ({"geo_agg": "mean"}, "geo_agg 'mean'"),
        ({"good": "higher"}, "good 'higher'"),
        ({"id": "Bad Id"}, "snake_case"),
        ({"id": "not_named_anywhere"}, "no name in texts.toml"),
        ({"unit": "percent"}, "rates and only rates are percent"),
        ({"geo_agg": "ratio"}, "only rates aggregate as ratio"),
        ({"national_only": True, "mappable": True}, "national-only measure is on the map"),
    ],
)
def test_a_measure_that_contradicts_itself_is_refused_when_made(change, why):
    catalog.Measure(**GOOD)  # the unchanged entry is valid
    with pytest.raises(ValueError, match=why):
        catalog.Measure(**{**GOOD, **change})


def test_measure_arguments_are_keywords_only():
    with pytest.raises(TypeError):
        catalog.Measure(*GOOD.values())


def test_a_formula_over_an_unknown_measure_is_refused():
    formula = catalog.Formula("ratio", ("si_compulsory", "nowhere"))
    rate = catalog.Measure(
        **GOOD | dict(id="si_coverage_rate", unit="percent", kind="rate", geo_agg="ratio",
                      time_agg="recompute", formula=formula)
    )  # fmt: skip
    with pytest.raises(ValueError, match="unknown"):
        catalog._check((catalog.Measure(**GOOD), rate))
    with pytest.raises(ValueError, match="used twice"):
        catalog._check((catalog.Measure(**GOOD), catalog.Measure(**GOOD)))


@pytest.mark.parametrize("m", catalog.MEASURES, ids=[m.id for m in catalog.MEASURES])
def test_measure_is_complete(m: catalog.Measure):
    assert m.label("vi") != m.label("en")
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


def test_the_import_reads_its_rules_from_the_catalogue():
    # coverage rates give the caps: parts within another rate's parts add nothing
    assert catalog.shares_of_a_whole() == (
        (("hi_participants",), "population"),
        (("si_compulsory", "si_voluntary"), "labour_force_working_age"),
        (("ui_participants",), "labour_force_working_age"),
    )
    order = [m for m, _ in catalog.report_headers()]
    units = [catalog.get(m).unit for m in order]
    assert units.index("persons") == 4 and set(units[4:]) == {"persons"}  # money first
    assert set(order) == {m.id for m in catalog.MEASURES if m.headers}
    assert all(not catalog.get(m).derived for m in order)
