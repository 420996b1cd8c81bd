"""Kilenthong--Townsend: Program 2 with H types (:mod:`commitment.fire_sales.lottery_h`).

The H-type lottery LP agrees with the two-type one on Environment 1; the Negishi tatonnement balances
the budgets of Environment 3 from equal weights; two exchanges emerge in Environment 3 and one where a
single exchange suffices (identical borrowers, Environment 1: the falsifiers of
kt-claim-lp-two-exchanges-emerge); the competitive equilibrium is beaten by the LP at its own weights
(the falsifier of kt-ours-theorem-1-program-2).
"""

import numpy as np
import pytest

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify_leq

EMERGE_WHAT = "the LP uses exactly two exchanges (third <= noise, second >= floor)"
T1_WHAT = "the lottery LP does not beat the allocation at its weights"
G3 = dict(k_step=0.01, c_step=0.0025, k_max=10.0)
Z6 = sorted(fs.TABLE_5)


def _emerge_args(ee):
    """The page's check of kt-claim-lp-two-exchanges-emerge, as arguments of verify_leq."""
    return ("kt-claim-lp-two-exchanges-emerge", [ee.cluster_mass[2], fs.MASS_FLOOR], [0.0, ee.cluster_mass[1]],
            fs.MASS_TOL)


def _env3_identical_borrowers():
    """Environment 3 with both borrowers' endowments (4.1, 0.5) at date 0 and (6, 6) at date 1 (ours)."""
    e = fs.ENV3
    e0 = np.array(e.e0)
    e0[1, 0] = e0[2, 0] = 4.1
    return fs.collateral_economy(e.alpha, e0, [[0.5, 0.5], [6, 6], [6, 6]])


def test_h_type_lp_equals_two_type_lp_on_env1():
    """Same rows, same grids: the H-type LP reproduces the two-type LP's duals and budget gaps."""
    c = fs.load_lottery_lp_cache()
    r = c["runs"][1]  # k-step 0.05: small
    a = fs.lottery_lp(fs.ENV1, c["z_grid"], r["lam2"], k_step=r["k_step"], c_step=r["c_step"])
    b = fs.lottery_lp_h(fs.ENV1, c["z_grid"], [1.0, r["lam2"]], k_step=r["k_step"], c_step=r["c_step"],
                        k_max=2.5, c_range=(0.4, 4.0), method="highs")
    np.testing.assert_allclose([b.p0, *b.P], [a.p0, *a.P], atol=1e-7)
    np.testing.assert_allclose(b.budget_gap, a.budget_gap, atol=1e-7)
    np.testing.assert_allclose(b.mass, a.mass, atol=1e-7)
    # Walras: the type-weighted budget gaps add up to zero at the duals
    assert abs(fs.ENV1.alpha @ b.budget_gap) < 1e-6


def test_negishi_tatonnement_env3_from_equal_weights():
    """The search balances every budget to the grid's resolution from weights (1, 1, 1), and two
    exchanges emerge at the weights it finds (Table 5's six exchanges offered)."""
    ng = fs.negishi_lp_h(fs.ENV3, Z6, [1.0, 1.0, 1.0], **G3)
    g = fs.relative_budget_gaps(fs.ENV3, ng.lp)
    assert np.abs(g).max() <= ng.tol
    assert ng.n_solves < 40
    ee = fs.lp_exchanges_emerge(fs.ENV3, Z6, ng.lp.lam, **G3)
    verify_leq(*_emerge_args(ee), kind="claim", what=EMERGE_WHAT)
    assert ee.n_exchanges == 2
    assert sorted(float(c[0]) for c in ee.clusters) == [0.6113, 0.8132]


@pytest.mark.falsifies("kt-claim-lp-two-exchanges-emerge", how="violation")
def test_emerge_fails_with_identical_borrowers():
    """Identical borrowers: nothing needs to be compensated separately, and the LP (all of 51 exchanges
    offered, weights re-balanced) uses a single exchange."""
    econ = _env3_identical_borrowers()
    se = fs.segregated_equilibrium(econ, structure="single")
    zg = np.round(np.arange(0.60, 0.85 + 1e-9, 0.005), 6)
    G = dict(k_step=0.02, c_step=0.0025, k_max=10.0)
    ng = fs.negishi_lp_h(econ, zg, 1.0 / se.mu0, **G)
    assert np.abs(fs.relative_budget_gaps(econ, ng.lp)).max() <= ng.tol
    ee = fs.lp_exchanges_emerge(econ, zg, ng.lp.lam, **G)
    assert ee.n_exchanges == 1
    assert_falsified(verify_leq, *_emerge_args(ee), kind="claim", what=EMERGE_WHAT)


@pytest.mark.falsifies("kt-claim-lp-two-exchanges-emerge", how="violation")
def test_emerge_fails_in_env1():
    """Environment 1 (one borrower type) on the finest cached exchange grid: one exchange, split by the
    grid into two neighbouring points (a mixture of both types)."""
    zr = fs.load_lottery_lp_cache()["z_runs"][-1]
    zg = np.round(np.arange(0.7479, 0.7979 + 1e-9, zr["z_step"]), 6)
    ee = fs.lp_exchanges_emerge(fs.ENV1, zg, [1.0, zr["lam2"]], k_step=zr["k_step"], c_step=zr["c_step"],
                                k_max=2.5, c_range=(0.4, 4.0))
    assert ee.n_exchanges == 1 and len(ee.clusters[0]) == 2
    assert (ee.lp.mass[0] > fs.MASS_TOL).sum() == 2  # the lender mixes two grid points
    assert_falsified(verify_leq, *_emerge_args(ee), kind="claim", what=EMERGE_WHAT)


def test_theorem_1_program_2_env3():
    se = fs.segregated_equilibrium(fs.ENV3)
    t = fs.theorem_1_program2_gap(fs.ENV3, se, Z6, **G3)
    verify_leq("kt-ours-theorem-1-program-2", t.gap, 0.0, t.tol, kind="claim", what=T1_WHAT)
    assert t.gap < 0  # the grid loses welfare (the equilibrium's exchanges are off the grid)


@pytest.mark.falsifies("kt-ours-theorem-1-program-2", how="violation")
def test_theorem_1_program_2_fails_for_the_competitive_equilibrium():
    """The competitive equilibrium with the externality is not constrained optimal: the LP at its weights
    beats it by far more than the LP's objective error."""
    ce = fs.collateral_equilibrium(fs.ENV3)
    t = fs.theorem_1_program2_gap(fs.ENV3, ce, Z6, **G3)
    assert_falsified(verify_leq, "kt-ours-theorem-1-program-2", t.gap, 0.0, t.tol, kind="claim", what=T1_WHAT)


def test_validation():
    with pytest.raises(ValueError, match="lam"):
        fs.lottery_lp_h(fs.ENV3, Z6, [1.0, 1.0])
    with pytest.raises(ValueError, match="z_grid"):
        fs.lottery_lp_h(fs.ENV3, [0.5, 1.2], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="k_step"):
        fs.lottery_lp_h(fs.ENV3, Z6, [1.0, 1.0, 1.0], k_step=0.0)
    with pytest.raises(ValueError, match="method"):
        fs.lottery_lp_h(fs.ENV3, Z6, [1.0, 1.0, 1.0], method="simplex")
    with pytest.raises(ValueError, match="tol"):
        fs.negishi_lp_h(fs.ENV3, Z6, [1.0, 1.0, 1.0], tol=2.0)
    with pytest.raises(fs.UnsupportedEconomy):
        fs.lottery_lp_h(fs.ENV2, [0.8], [1.0, 1.0])
