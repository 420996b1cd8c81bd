"""Proposition 1 of Aguiar, Amador, Hopenhayn and Werning (2019) (welfare_theorem.md): the Eaton-Gersovitz
price iteration, which never uses the planner's Bellman equation, converges to the planner's prices and
values (proposition_1_gap). The violation: lenders who require R_L > R, so that they do not break even at
the planner's R (a hypothesis of the proposition)."""

import numpy as np
import pytest

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify

R = 1.05


def _checks(g):
    return [(("aahw-proposition-1", g.q_gap, g.tol_q), dict(kind="claim", what="q_EG(b') = q*(b')")),
            (("aahw-proposition-1", g.V_gap, g.tol_V), dict(kind="claim", what="V_EG(b) = V*(b)"))]


def test_proposition_1_gap_validates():
    m = dm.create_model(N=100)
    for kw, name in [(dict(n_b=41), "n_b"), (dict(R_L=1.0), "R_L"), (dict(margin=-1.0), "margin")]:
        with pytest.raises(ValueError, match=name):
            dm.proposition_1_gap(m, 0.25, **kw)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_proposition_1_in_the_paper_economies(beta_R):
    g = dm.proposition_1_gap(dm.create_model(beta=beta_R / R), 0.25, 500)    # the page's call
    for args, kw in _checks(g):
        verify(*args, **kw)


@pytest.mark.usefixtures("one_thread")
def test_proposition_1_gap_refines_a_coarse_debt_grid():
    """From 120 levels (where the change from the half grid understated the error in an earlier random test)
    the claim function doubles the debt grid until its own error estimates meet the targets, then passes."""
    g = dm.proposition_1_gap(dm.create_model(beta=1.0 / R), 0.25, 120)
    assert g.n_b > 120 and g.grid_error_V <= 2e-3 and g.grid_error_q <= 2e-4
    for args, kw in _checks(g):
        verify(*args, **kw)


@pytest.mark.usefixtures("one_thread")
def test_proposition_1_gap_raises_when_the_grid_cannot_be_refined_enough():
    with pytest.raises(RuntimeError, match="debt-grid error estimates"):
        dm.proposition_1_gap(dm.create_model(beta=1.0 / R), 0.0, 120, max_n_b=240)


# Not yet a registered falsifier: the claim function now refines its debt grid until its own error estimates
# are small, but on random economies (2026-12-03, third increment: 15 draws, beta R in [0.85, 1], l in [0, 0.3],
# tau_lo in [0.1, 0.4], tau_hi - tau_lo >= 0.3) the estimate still failed to bound the gap within about 0.3 of
# b_max (log utility with consumption near 0), and wherever the planner's v-grid is capped (B*(v_max, l) above
# the lowest debt level, narrow default-cost ranges) the planner itself is constrained at its grid top. Until the
# kept region is defined by consumption rather than by a fixed debt margin, aahw-proposition-1 stays on the
# allowance list. A third failure is not near b_max: at beta R = 0.899, l = 0.237, tau ~ U[0.19, 0.70] (not
# capped), q_EG - q* = -3.4e-3 on the levels just above the no-default boundary's debt B*(vD_hi, l) = 7.67 while
# the change from the half grid is 3e-10; with the debt grid anchored at that kink the gap was 3e-9 at 120
# levels but 1.1e-2 at 240 and 5.6e-3 at 480. The price iteration on a debt grid seems to settle on different
# fixed points near the kink: the next thing to understand before this test can be written.
# 2026-12-04 (same economy, l = 0.237): from 500 levels the claim refines to 2000 and the q gap is 3.9e-5 at
# b = 8.97 (0.05 below b_max = 9.02) against tol_q = 1.1e-7; with margin = 0.2 (0.5) it stops at 500 levels
# (half-grid change ~1e-10) with q gap 6.0e-3 (2.6e-3) at b = 8.81 (8.51); from 120 levels it cannot reach the
# targets by 4000 (RuntimeError, undecided). So near b_max the grids n and n/2 agree with each other but not
# with the planner: the change from the half grid is not an error bound there, and a random-economy test that
# counts only economies with small estimates would still count this one as a failure.
@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_proposition_1_fails_when_lenders_require_more(beta_R):
    """Lenders at R_L = R + 0.01: the equilibrium prices differ from the planner's at R."""
    g = dm.proposition_1_gap(dm.create_model(beta=beta_R / R), 0.25, 500, R_L=R + 0.01)
    args, kw = _checks(g)[0]
    assert_falsified(verify, *args, **kw)
