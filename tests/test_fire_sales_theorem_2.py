"""Kilenthong--Townsend: our numerical witness of Theorem 2 (kt-ours-theorem-2-witness,
:func:`commitment.fire_sales.theorem_2_witness_gap`).

At points of Environment 1's constrained frontier (Program 1, the planner of ``planner_kernel``), the
supporting prices (p0, the exchange z, the rights price P) and the lump-sum transfers of
:func:`~commitment.fire_sales.frontier_point` are offered to the types, each of which re-solves its own
problem; the check is that the choices are the planner's allocation, that markets clear from them and
that P is the continuum rights price at them. Falsifiers: zero transfers at frontier points away from
the equilibrium with segregated exchanges (a perturbation of the transfers), and the competitive
collateral equilibrium put through the same construction (not constrained-optimal, Proposition 1: no
prices and transfers make it an equilibrium with segregated exchanges, the theorem's hypothesis
violated). The tolerance is ten times the residuals' change when the planner is re-solved on a four
times finer storage scan, plus root-finding bounds and rounding.
"""

import numpy as np
import pytest
from hypothesis import given, settings

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify
from tests.deciding import decided
from tests.test_fire_sales_decentralised import env1_like

RID = "kt-ours-theorem-2-witness"
WHAT = "Env 1 frontier points: the types' own choices at the supporting prices and transfers, clearing, rights price"


def page_points(economy=fs.ENV1):
    """The page's points: below the arc, its two ends and middle, the equilibrium with segregated
    exchanges and beyond it."""
    lo, hi = fs.pareto_improving_arc(economy)
    se = fs.segregated_equilibrium(economy)
    return np.array([lo - 0.1, lo, 0.5 * (lo + hi), hi, se.U[1], se.U[1] + 0.1])


@pytest.fixture(scope="module")
def witness():
    return fs.theorem_2_witness_gap(fs.ENV1, page_points())


def test_theorem_2_witness_page_case(witness):
    verify(RID, witness.residual, witness.tol, kind="claim", what=WHAT)
    assert witness.tol < 1e-5
    # the borrower's corner is its own choice, strictly (its marginal value of storage at k = 0 is < 0)
    assert np.all(witness.corner_margin[:, 1] < 0.0)
    # transfers net to zero and change sign across the equilibrium with segregated exchanges
    T = np.array([p.transfers for p in witness.points])
    np.testing.assert_allclose(T @ fs.ENV1.alpha, 0.0, atol=1e-12)
    assert T[0, 1] < 0.0 < T[-1, 1]


def test_transfers_vanish_at_the_equilibrium_with_segregated_exchanges():
    """Where the frontier passes through the equilibrium without transfers (Theorem 1), the construction
    finds (numerically) zero transfers and the equilibrium's rights price: a second route to both."""
    se = fs.segregated_equilibrium(fs.ENV1)
    pt = fs.frontier_point(fs.ENV1, se.U[1])
    assert np.max(np.abs(pt.transfers)) < 1e-6
    assert pt.P == pytest.approx(se.P[0, 0], abs=1e-6)


@pytest.mark.falsifies("kt-ours-theorem-2-witness", how="perturbation")
def test_theorem_2_witness_fails_with_zero_transfers():
    pts = page_points()
    pts = pts[np.abs(pts - fs.segregated_equilibrium(fs.ENV1).U[1]) > 1e-3]
    w = fs.theorem_2_witness_gap(fs.ENV1, pts, transfers=np.zeros(2))
    out = assert_falsified(verify, RID, w.residual, w.tol, kind="claim", what=WHAT + " (zero transfers)")
    assert out.excess > 1e-3


@pytest.mark.falsifies("kt-ours-theorem-2-witness", how="violation")
def test_theorem_2_witness_fails_for_the_competitive_equilibrium():
    """The competitive collateral equilibrium is not constrained-optimal (Proposition 1): put through the
    same construction, every type's choice is its own (the transfers are zero) but the rights price set
    by the lender's storage condition (zero) is not the continuum price at the choices."""
    ce = fs.collateral_equilibrium(fs.ENV1)
    alloc = np.column_stack([ce.k, ce.c0, ce.c1[:, 0, :]])
    pt = fs.supporting_point(fs.ENV1, ce.U, ce.K, alloc)
    res = fs.own_choice_residual(fs.ENV1, pt, pt.transfers)[0]
    tol = fs.theorem_2_witness_gap(fs.ENV1, [ce.U[1]]).tol
    out = assert_falsified(verify, RID, res, tol, kind="claim", what="Env 1: the competitive equilibrium")
    assert out.excess > 0.1


@given(env1_like())
@settings(max_examples=10, deadline=None)
def test_theorem_2_witness_random_economies(econ):
    def run():
        se = fs.segregated_equilibrium(econ)
        return fs.theorem_2_witness_gap(econ, [se.U[1] - 0.05, se.U[1], se.U[1] + 0.05])

    w = decided(run)
    verify(RID, w.residual, w.tol, kind="claim", what="random Env-1-like economy, three frontier points")


def test_pareto_improving_arc():
    ce = fs.collateral_equilibrium(fs.ENV1)
    lo, hi = fs.pareto_improving_arc(fs.ENV1)
    assert lo == ce.U[1] < hi
    mid = fs.planner_max_u1(fs.ENV1, 0.5 * (lo + hi))[0]
    assert mid > ce.U[0]  # the middle of the arc Pareto-improves
    assert fs.planner_max_u1(fs.ENV1, hi + 1e-3)[0] < ce.U[0]  # beyond its end the lender loses


def test_theorem_2_witness_validates():
    with pytest.raises(ValueError, match="U2_points"):
        fs.theorem_2_witness_gap(fs.ENV1, [])
    with pytest.raises(ValueError, match="U2_points"):
        fs.theorem_2_witness_gap(fs.ENV1, [np.nan])
    with pytest.raises(ValueError, match="transfers"):
        fs.theorem_2_witness_gap(fs.ENV1, [-2.4], transfers=[0.0])
    with pytest.raises(ValueError, match="n_scan"):
        fs.frontier_point(fs.ENV1, -2.4, n_scan=1)
    with pytest.raises(ValueError, match="U2"):
        fs.frontier_point(fs.ENV1, -0.5)  # above the frontier's end
    with pytest.raises(fs.UnsupportedEconomy):
        fs.frontier_point(fs.ENV3, -2.4)
    with pytest.raises(fs.UnsupportedEconomy):
        fs.pareto_improving_arc(fs.ENV2)
    with pytest.raises(ValueError, match="n_scan"):
        fs.pareto_improving_arc(fs.ENV1, n_scan=2)
    with pytest.raises(ValueError, match="alloc"):
        fs.supporting_point(fs.ENV1, [0.0, 0.0], 0.5, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="K"):
        fs.supporting_point(fs.ENV1, [0.0, 0.0], -0.1, np.ones((2, 5)))
    pt = fs.frontier_point(fs.ENV1, -2.4)
    with pytest.raises(ValueError, match="transfers"):
        fs.own_choice_residual(fs.ENV1, pt, [np.nan, 0.0])
