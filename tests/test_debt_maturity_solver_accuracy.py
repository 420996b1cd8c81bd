"""Ours (aahw-ours-solver-accuracy, perpetuity.md): on a grid with a node at the top of the default support
vD_hi, the planner solver's debt on the no-default boundary equals its closed form R/(R-1)(y(1-tau_hi) - l)
(beta R < 1, l < l*) within R/(R-1) times the Bellman tolerance at every grid size
(boundary_closed_form_gap). The violation of the hypothesis: a uniform grid with vD_hi half-way between two
nodes (align_kink=False), where the boundary is interpolated across the kink of F."""

import numpy as np
import pytest

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify

R = 1.05


def _check(g):
    return ("aahw-ours-solver-accuracy", g.gap, g.tol), dict(
        kind="claim", what=f"B*(vD_hi, l) = R/(R-1)(y(1 - tau_hi) - l), {g.ls.size} coupons, aligned={g.aligned}")


def test_boundary_closed_form_gap_validates():
    m = dm.create_model(beta=0.9 / R, N=100)
    for args, kw, name in [((m, [0.0]), dict(tol=0.0), "tol"), ((m, [1.0]), {}, "ls"), ((m, []), {}, "ls"),
                           ((dm.create_model(beta=1 / R, N=100), [0.0]), {}, "beta R")]:
        with pytest.raises(ValueError, match=name):
            dm.boundary_closed_form_gap(*args, **kw)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("N", [200, 400, 800, 1600])
def test_boundary_on_kink_aligned_grids(N):
    m = dm.create_model(beta=0.9 / R, N=N)
    g = dm.boundary_closed_form_gap(m, np.linspace(0.0, dm.boundary_threshold(m), 4, endpoint=False))
    assert g.aligned
    verify(*_check(g)[0], **_check(g)[1])


def _random_economy(seed):
    rng = np.random.default_rng(2000 + seed)
    tau_lo = rng.uniform(0.1, 0.4)
    beta_R, tau_hi = rng.uniform(0.85, 0.99), rng.uniform(tau_lo + 0.3, min(tau_lo + 0.6, 0.95))
    return beta_R, tau_lo, tau_hi, rng


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("seed", range(6))
def test_boundary_on_random_economies(seed):
    """Ranges ours: beta R in [0.85, 0.99], tau_lo in [0.1, 0.4], tau_hi - tau_lo in [0.3, 0.6], l in [0, l*)
    (measured 2026-12-04 on 12 such economies at N = 200, 400, 800: largest gap 0.034 of the tolerance)."""
    beta_R, tau_lo, tau_hi, rng = _random_economy(seed)
    m = dm.create_model(beta=beta_R / R, tau_lo=tau_lo, tau_hi=tau_hi, N=400)
    l_star = dm.boundary_threshold(m)
    assert l_star > 0  # every seed here draws an economy whose boundary is a steady state for small coupons
    g = dm.boundary_closed_form_gap(m, rng.uniform(0.0, l_star, 2))
    verify(*_check(g)[0], **_check(g)[1])


@pytest.mark.falsifies("aahw-ours-solver-accuracy", how="violation")
@pytest.mark.usefixtures("one_thread")
def test_boundary_without_a_node_at_the_kink_fails():
    """The paper's beta R = 0.9 economy on a uniform 200-node grid: the gap is about 20 times the tolerance."""
    m = dm.create_model(beta=0.9 / R, N=200, align_kink=False)
    g = dm.boundary_closed_form_gap(m, [0.0, 0.1])
    assert not g.aligned
    assert_falsified(verify, *_check(g)[0], **_check(g)[1])
