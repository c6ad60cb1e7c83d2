"""Where the demo's national paths must pass: one linear programme over every published figure.

Each current national figure says that some expression of the demo's national values, rounded as
the figure was written, equals the figure: a level (SI participants at the end of June 2025), a
sum (compulsory + voluntary), a rate (participants / labour force), a change on an earlier month,
a year-on-year rate, a share of the annual plan. Every one of these is a pair of linear
inequalities in the values of a few months, so the whole record is one linear programme. Its
solution (HiGHS, through scipy) is the set of knots the demo's paths go through: values as close
as the record allows to the demo's design (relative L1 distance), each published figure held
with a margin so that rounding the knots to whole persons or million VND keeps it.

Pure: figures and design values in, knots out. `demo.py` draws the paths through the knots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from vss_dash import catalog

# The national quantities the demo generates, and whose values at a month can be knots.
STOCKS = (
    "si_compulsory",
    "si_voluntary",
    "ui_participants",
    "hi_participants",
    "labour_force_working_age",
    "population",
    "late_payment_amount",
)
FLOWS = (
    "revenue_collected",
    "amount_receivable",
    "hi_medical_cost",
    "hi_medical_visits",
    "pension_monthly_allowance_cases",
    "si_one_time_benefit_persons",
    "short_term_benefit_cases",
    "ui_benefit_persons",
    "ui_vocational_training_persons",
)
PLAN = "plan:"  # a variable for a national annual plan, e.g. "plan:revenue_collected:2025"
MARGIN = 0.01  # share of a figure's interval kept clear on each side (rounding the knots)

Var = tuple[str, int]  # (quantity, month index) or (PLAN + measure + year, -1)
Linear = dict[Var, float]


@dataclass(frozen=True)
class Constraint:
    """low <= sum(coef * var) <= high (either bound may be None)."""

    terms: Linear
    low: float | None
    high: float | None
    label: str


def _add(a: Linear, b: Linear, k: float = 1.0) -> Linear:
    out = dict(a)
    for v, c in b.items():
        out[v] = out.get(v, 0.0) + k * c
    return out


def linear(measure: str, t: int) -> Linear | None:
    """The national value of `measure` at month t as a linear expression, if it is one."""
    if measure in STOCKS or measure in FLOWS:
        return {(measure, t): 1.0}
    if not catalog.has(measure):
        return None
    m = catalog.get(measure)
    if m.formula is not None and m.formula.op == "sum":
        out: Linear = {}
        for arg in m.formula.args:
            part = linear(arg, t)
            if part is None:
                return None
            out = _add(out, part)
        return out
    return None


def ratio_constraints(
    num: Linear, den: Linear, low_pct: float, high_pct: float, label: str
) -> list[Constraint]:
    """low% <= 100 num / den <= high%, as two linear inequalities (den > 0)."""
    return [
        Constraint(_add(num, den, -low_pct / 100), 0.0, None, label),
        Constraint(_add(num, den, -high_pct / 100), None, 0.0, label),
    ]


def between(terms: Linear, low: float, high: float, label: str) -> list[Constraint]:
    return [Constraint(terms, low, high, label)]


def shrink(low: float, high: float) -> tuple[float, float]:
    pad = (high - low) * MARGIN
    return low + pad, high - pad


def solve(
    constraints: list[Constraint],
    design: Callable[[Var], float],
    extra_vars: list[Var] = (),
) -> dict[Var, float]:
    """Knots closest to `design` (relative L1) that satisfy every constraint.

    Raises ValueError naming the constraints when the record cannot all hold."""
    names: list[Var] = sorted({v for c in constraints for v in c.terms} | set(extra_vars), key=str)
    index = {v: i for i, v in enumerate(names)}
    n = len(names)
    d = np.array([design(v) for v in names], dtype=float)
    scale = np.abs(d)
    scale[scale == 0] = 1.0
    # variables: x (n), then u (n) with u >= |x - d| / scale
    rows, rhs = [], []

    def row(terms: Linear) -> np.ndarray:
        r = np.zeros(2 * n)
        for v, c in terms.items():
            r[index[v]] += c
        return r

    for c in constraints:
        r = row(c.terms)
        if c.high is not None:
            rows.append(r)
            rhs.append(c.high)
        if c.low is not None:
            rows.append(-r)
            rhs.append(-c.low)
    for i in range(n):
        a = np.zeros(2 * n)
        a[i], a[n + i] = 1 / scale[i], -1
        rows.append(a)
        rhs.append(d[i] / scale[i])
        b = np.zeros(2 * n)
        b[i], b[n + i] = -1 / scale[i], -1
        rows.append(b)
        rhs.append(-d[i] / scale[i])
    cost = np.concatenate([np.zeros(n), np.ones(n)])
    bounds = [(0, None)] * (2 * n)
    res = linprog(cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
    if res.status != 0:
        raise ValueError(f"the published record cannot all hold: {res.message}")
    return {v: float(res.x[index[v]]) for v in names}


def fit(
    groups: list[tuple[object, list[Constraint]]],
    base: list[Constraint],
    design: Callable[[Var], float],
    extra_vars: list[Var] = (),
) -> tuple[dict[Var, float], list[object]]:
    """Knots for as many figures as can hold together: `groups` (a figure and its constraints)
    in order of trust, each kept if it holds with every group kept before it, else dropped.
    Returns the knots and the dropped figures (those that contradict more trusted ones)."""
    extra = list(extra_vars)
    everything = base + [c for _, cs in groups for c in cs]
    try:
        return solve(everything, design, extra), []
    except ValueError:
        pass
    kept, dropped = list(base), []
    for item, cs in groups:
        try:
            solve(kept + cs, design, extra)
        except ValueError:
            dropped.append(item)
            continue
        kept += cs
    return solve(kept, design, extra), dropped
