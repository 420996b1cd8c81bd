"""Kilenthong--Townsend: the competitive equilibrium of any two-state economy and Propositions 1-2 on
random two-state economies (ours; kt-ours-two-state-random, :func:`commitment.fire_sales.two_state_random_claims`).

The general solver (:func:`commitment.fire_sales.two_state_equilibrium`) enumerates each type's binding
pattern inside root-finders on the security price and aggregate storage; the check evaluates Definition
1's conditions from the allocation in the paper's variables. It must reproduce the mirror solver on
Environment 2. Falsifiers: an economy where no collateral constraint binds (the inefficiency check of
Proposition 1 fails), a binding one (the efficiency check fails), a draw without the sign condition (the
storage comparison of Proposition 2 fails), and a perturbed security price (the KKT check fails).
"""

import numpy as np
import pytest

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify, verify_leq

RID = "kt-ours-two-state-random"

# our economy where both types save in both states: no collateral constraint binds
NB = dict(alpha=[0.5, 0.5], e0=[[3, 3], [2.5, 2.5]], e=[[[1, 1], [0.8, 0.8]], [[0.9, 0.9], [1, 1]]], pi=[0.3, 0.7])


def _nb():
    return fs.collateral_economy(NB["alpha"], NB["e0"], NB["e"], pi=NB["pi"])


def _first_draw(seed=3):
    """The page's first random economy (seed 3): a constraint binds, the sign condition fails."""
    return fs.random_two_state_economy(np.random.default_rng(seed))


def _p1_inefficient(rc, what):
    b = rc.binding
    verify(RID, rc.tol[b] / np.maximum(rc.gap[b], 1e-300), 1.0, kind="claim", what=what)


def _p1_efficient(rc, what):
    verify(RID, rc.gap[~rc.binding] / rc.tol[~rc.binding], 1.0, kind="claim", what=what)


def _p2(rc, what):
    sc = rc.binding & rc.sign_condition
    verify_leq(RID, rc.K_op[sc], rc.K_ce[sc], float(rc.tol_K[sc].max()), strict=True, kind="claim", what=what)


# --------------------------------------------------------------------------- the solver


def test_mirror_economy_reproduced():
    """Environment 2: the general solver (no symmetry imposed) equals the mirror solver to rounding."""
    old = fs.collateral_equilibrium(fs.ENV2)
    new = fs.two_state_equilibrium(fs.ENV2)
    assert abs(new.K - old.K) < 1e-12 and abs(new.p0 - old.p0) < 1e-12
    np.testing.assert_allclose(new.theta, old.theta, atol=1e-12)
    np.testing.assert_allclose(new.c1, old.c1, atol=1e-12)
    np.testing.assert_allclose(new.U, old.U, atol=1e-12)
    assert (new.binding == old.binding).all()
    assert new.roots == 1


def test_mirror_economy_with_pi_half_is_not_routed():
    """The routing in collateral_equilibrium leaves the mirror solver in charge of mirror economies."""
    assert fs.collateral_equilibrium(fs.ENV2).residual < 1e-12


@pytest.mark.parametrize("seed", range(12))
def test_kkt_holds_on_random_economies(seed):
    """Seeds 103, 107, 108 and 109 give the corner K = 0 (storage does not pay at the supporting prices)."""
    econ = fs.random_two_state_economy(np.random.default_rng(100 + seed))
    eq = fs.two_state_equilibrium(econ)
    assert (eq.K == 0.0) == (seed in (3, 7, 8, 9))
    k = fs.two_state_kkt_residual(econ, eq)
    verify(RID, k.residual / k.tol, 1.0, kind="claim", what="random two-state economy: KKT residual / tol")
    assert k.tol < 1e-10


def test_collateral_equilibrium_routes_non_mirror_economies():
    econ = fs.collateral_economy([0.4, 0.6], [[3, 3], [1, 1]], [[[1, 1], [2, 2]], [[3, 3], [1.5, 1.5]]],
                                 pi=[0.3, 0.7])
    ce = fs.collateral_equilibrium(econ)
    eq = fs.two_state_equilibrium(econ)
    assert ce.converged and ce.K == eq.K
    assert ce.binding.tolist() == [[False, False], [True, True]]


def test_pi_moves_the_equilibrium_continuously():
    """Ours: pi_1 from 0.3 to 0.7 in the asymmetric economy; storage moves continuously (no jump of the
    binding pattern search), each point passing its own KKT check."""
    Ks = []
    for p1 in np.linspace(0.3, 0.7, 9):
        econ = fs.collateral_economy([0.4, 0.6], [[3, 3], [1, 1]], [[[1, 1], [2, 2]], [[3, 3], [1.5, 1.5]]],
                                     pi=[p1, 1 - p1])
        eq = fs.two_state_equilibrium(econ)
        k = fs.two_state_kkt_residual(econ, eq)
        assert k.residual <= k.tol
        Ks.append(eq.K)
    assert np.max(np.abs(np.diff(Ks))) < 0.1


def test_validation():
    with pytest.raises(ValueError, match="economy.S"):
        fs.two_state_equilibrium(fs.ENV1)
    with pytest.raises(ValueError, match="n_scan"):
        fs.two_state_equilibrium(fs.ENV2, n_scan=2)
    with pytest.raises(ValueError, match="economy.H"):
        fs.two_state_propositions_gap(fs.collateral_economy([0.3, 0.3, 0.4], np.ones((3, 2)),
                                                            np.ones((3, 2, 2)) + np.arange(3)[:, None, None]))
    with pytest.raises(ValueError, match="n_starts"):
        fs.two_state_propositions_gap(fs.ENV2, n_starts=0)
    with pytest.raises(ValueError, match="n "):
        fs.two_state_random_claims(0)
    with pytest.raises(ValueError, match="pi_range"):
        fs.random_two_state_economy(np.random.default_rng(0), pi_range=(0.5, 0.4))
    with pytest.raises(ValueError, match="lo, hi"):
        fs.random_two_state_economy(np.random.default_rng(0), lo=2.0, hi=1.0)


# --------------------------------------------------------------------------- Propositions 1-2


@pytest.fixture(scope="module")
def more_draws():
    return fs.two_state_random_claims(10, seed=11)


def test_propositions_on_more_draws(more_draws):
    rc = more_draws
    assert rc.gap.size >= 6
    verify(RID, rc.kkt / rc.kkt_tol, 1.0, kind="claim", what="random two-state economies: KKT")
    _p1_inefficient(rc, "Prop. 1, seed 11: binding => inside the frontier")
    if (~rc.binding).any():
        _p1_efficient(rc, "Prop. 1, seed 11: no binding => on the frontier")
    if (rc.binding & rc.sign_condition).any():
        _p2(rc, "Prop. 2, seed 11, sign condition: K_op < K_ce")


def test_efficiency_without_binding():
    rn = fs.two_state_random_claims(economies=[_nb()])
    assert not rn.binding.any()
    _p1_efficient(rn, "Prop. 1: no constraint binds => on the frontier")


@pytest.mark.falsifies("kt-ours-two-state-random", how="violation")
def test_inefficiency_check_fails_when_no_constraint_binds():
    """Both types save in both states: the equilibrium is first best, and the check that it lies inside
    the frontier fails."""
    rn = fs.two_state_random_claims(economies=[_nb()])
    assert not rn.binding.any()
    b = np.ones_like(rn.binding)
    assert_falsified(verify, RID, rn.tol[b] / np.maximum(rn.gap[b], 1e-300), 1.0, kind="claim",
                     what="Prop. 1 inefficiency check on an economy where no constraint binds")


@pytest.mark.falsifies("kt-ours-two-state-random", how="violation")
def test_efficiency_check_fails_when_a_constraint_binds():
    rc = fs.two_state_random_claims(economies=[_first_draw()])
    assert rc.binding.all()
    out = assert_falsified(verify, RID, rc.gap / rc.tol, 1.0, kind="claim",
                           what="Prop. 1 efficiency check on an economy where a constraint binds")
    assert out.excess > 1e6


@pytest.mark.falsifies("kt-ours-two-state-random", how="violation")
def test_storage_check_fails_without_the_sign_condition():
    """The first draw of seed 3: a constraint binds but the constrained type does not buy good 2 in its
    binding state; the constrained optimum stores more (the chapter's counterexample, in two states)."""
    rc = fs.two_state_random_claims(economies=[_first_draw()])
    assert rc.binding.all() and not rc.sign_condition.any()
    assert_falsified(verify_leq, RID, rc.K_op, rc.K_ce, float(rc.tol_K.max()), strict=True, kind="claim",
                     what="Prop. 2 storage check without the sign condition")


@pytest.mark.falsifies("kt-ours-two-state-random", how="perturbation")
def test_kkt_check_fails_at_a_perturbed_security_price():
    """Perturbation: the state-1 security price raised by 0.1 % with the allocation kept; the budgets and
    first-order conditions no longer hold. The claim function runs unperturbed on the same economy."""
    econ = fs.collateral_economy([0.4, 0.6], [[3, 3], [1, 1]], [[[1, 1], [2, 2]], [[3, 3], [1.5, 1.5]]],
                                 pi=[0.3, 0.7])
    rc = fs.two_state_random_claims(economies=[econ], n_starts=2)
    verify(RID, rc.kkt / rc.kkt_tol, 1.0, kind="claim", what="KKT, unperturbed")
    eq = fs.two_state_equilibrium(econ)
    bad = eq._replace(Q=eq.Q * np.array([1.001, 1.0]))
    k = fs.two_state_kkt_residual(econ, bad)
    assert_falsified(verify, RID, k.residual / k.tol, 1.0, kind="claim", what="KKT at a perturbed price")


# --------------------------------------------------------------------------- the pi explorer


def test_two_state_explorer_draws_every_static_value():
    from matplotlib.figure import Figure

    from commitment.fire_sales_explorers import TWO_STATE_SLIDERS, draw_two_state
    import matplotlib.pyplot as plt

    for p in TWO_STATE_SLIDERS[0].values:
        fig, html = draw_two_state(p)
        assert isinstance(fig, Figure) and "Q₁" in html
        plt.close(fig)


def test_two_state_explorer_validates_pi():
    from commitment.fire_sales_explorers import draw_two_state

    with pytest.raises(ValueError, match="pi1"):
        draw_two_state(1.0)
