"""Proposition 1 of Aguiar, Amador, Hopenhayn and Werning (2019) (welfare_theorem.md): the Eaton-Gersovitz
price iteration, which never uses the planner's Bellman equation, converges to the planner's prices and
values (proposition_1_gap). The violation: lenders who require R_L > R, so that they do not break even at
the planner's R (a hypothesis of the proposition)."""

import numpy as np
import pytest

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify

R = 1.05


@pytest.fixture
def one_thread():
    """Many small solves: one numba thread (results do not depend on it; tests/test_debt_maturity.py)."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(threads)


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


# Not yet a registered falsifier: the random-economy test of the tolerance (twice the change from the half debt
# grid) failed at beta R = 1, l = 0 with 120 debt levels (gap 0.0092 against 0.0079), so the tolerance is not
# yet a bound on coarse debt grids, and aahw-proposition-1 stays on the allowance list.
@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_proposition_1_fails_when_lenders_require_more(beta_R):
    """Lenders at R_L = R + 0.01: the equilibrium prices differ from the planner's at R."""
    g = dm.proposition_1_gap(dm.create_model(beta=beta_R / R), 0.25, 500, R_L=R + 0.01)
    args, kw = _checks(g)[0]
    assert_falsified(verify, *args, **kw)
