"""Kilenthong--Townsend, Figure 1 and Definition 5 (kt-claim-figure-1): with exogenously incomplete
markets, exchanges indexed by the spot-price vector give constrained efficiency but not the first best
(:func:`commitment.fire_sales.figure_1_first_best_gap`, ours).

The equilibrium with rights is compared with the complete-markets Pareto frontier (closed form for a
Negishi weight, the weight by root-finding on U2): it lies strictly inside (gap >= STRICT_MARGIN x tol)
when the bond does not span the states, and on the frontier when it does (date-1 endowments the same in
every state: markets are then complete), which is the falsifier (the claim's hypothesis violated).
The tolerance is the function's own error bound (root bracket, rounding, the equilibrium's residual
propagated).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify_leq
from tests.deciding import decided

WHAT = "the equilibrium with rights lies strictly inside the complete-markets frontier (gap >= 20 tol)"


def _check(g, what=WHAT):
    return verify_leq("kt-claim-figure-1", fs.STRICT_MARGIN * g.tol, g.gap, g.tol, kind="claim", what=what)


def test_figure_1_page_case():
    g = fs.figure_1_first_best_gap(fs.incomplete_economy())
    _check(g)
    # the first-best point holds type 2 at its equilibrium utility and gives type 1 more
    assert g.U_fb[1] == pytest.approx(g.eq.U[1], abs=1e-12) and g.U_fb[0] > g.eq.U[0]
    # the frontier's points are feasible: they share out the pair's endowments exactly
    ec = fs.incomplete_economy()
    totals = np.concatenate([ec.e0.sum(axis=0)[None, :], ec.e.sum(axis=0)])
    np.testing.assert_allclose(g.c_fb.sum(axis=0), totals, rtol=1e-14)


@pytest.mark.falsifies("kt-claim-figure-1", how="violation")
@pytest.mark.parametrize("e", [(((3, 3), (3, 3)), ((0.5, 0.5), (0.5, 0.5))),
                               (((2, 1), (2, 1)), ((0.8, 1.5), (0.8, 1.5)))])
def test_figure_1_fails_when_the_bond_spans_the_states(e):
    """Date-1 endowments the same in both states: the bond completes the markets, the equilibrium with
    rights is first best, and the strict gap is absent."""
    g = fs.figure_1_first_best_gap(fs.incomplete_economy(e=e))
    assert_falsified(verify_leq, "kt-claim-figure-1", fs.STRICT_MARGIN * g.tol, g.gap, g.tol, kind="claim",
                     what=WHAT)


@st.composite
def non_spanning(draw):
    """Random Section 2.2 economies whose date-1 endowments differ across the two states (type 1's share
    of each good moves by at least 0.2 between them), other preferences and probabilities."""
    a = (draw(st.floats(0.1, 0.9)), draw(st.floats(0.1, 0.9)))
    e0 = [[draw(st.floats(0.5, 2.0)) for _ in range(2)] for _ in range(2)]
    tot = draw(st.floats(2.0, 4.0))
    s1 = draw(st.floats(0.1, 0.9))
    d = draw(st.floats(0.2, 0.4))
    s2 = s1 + d if s1 + d <= 0.9 else s1 - d
    e = [[[s1 * tot, s1 * tot], [s2 * tot, s2 * tot]], [[(1 - s1) * tot, (1 - s1) * tot], [(1 - s2) * tot, (1 - s2) * tot]]]
    pi1 = draw(st.floats(0.2, 0.8))
    return fs.incomplete_economy(a=a, e0=e0, e=e, pi=(pi1, 1 - pi1))


@given(non_spanning())
@settings(max_examples=30, deadline=None)
def test_figure_1_holds_on_random_economies(ec):
    g = decided(lambda: fs.figure_1_first_best_gap(ec))
    _check(g, what="random non-spanning economy")

