"""Hellwig-Lorenzoni: closed forms of the example, the Arrow-market household solver, debt-limit iteration.

Reference values are those of the study notes (§3, §6.8): regression numbers (the notes used the same
closed forms), not independent evidence; tolerances state their reason.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, event, given, reject, settings
from hypothesis import strategies as st

from commitment.self_enforcing_debt import (
    collapse_map, collapse_path, debt_limit_iteration, default_gap, default_gap_log, default_plan,
    er_residual_det, er_residual_markov, off_steady_state, perron, pv_argument, repaying_plan,
    solve_household, steady_state, time_iteration_numpy, transition, two_state_markov, value_at)
from commitment.self_enforcing_debt.claims import (figure_1_gap, figure_2_gap, lemma_1_error, proposition_3_gap,
                                                   proposition_4_roll_over, theorem_1_gap)
from commitment.self_enforcing_debt.markov import example_chain, time_iteration_kernel
from commitment.verification import assert_falsified, verify, verify_leq

BASE = dict(e_hi=1.5, e_lo=0.5, beta=0.9)


# ---------------------------------------------------------------------------------------------
# closed forms (notes T1-T10, T16)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("split", [0.0, 0.3, 0.5, 1.0])
def test_proposition_1_reference_values(split):
    ss = steady_state(**BASE, g=1.02, split=split)
    # closed forms: only rounding error (1e-12); references printed to 10 decimals (1e-10)
    assert abs(ss.q * 1.02 - 1) < 1e-12
    assert abs(ss.c_hi - 1.0526315789) < 1e-10
    assert abs(ss.c_lo - 0.9473684211) < 1e-10
    assert abs(ss.phi_odd + ss.phi_even + 0.4473684211) < 1e-10
    assert ss.phi_odd <= 0 and ss.phi_even <= 0 and ss.total_debt > 0 and ss.exists
    assert abs(ss.euler_slack - 0.2005555556) < 1e-9


def test_steady_state_autarky_and_bounds():
    ss = steady_state(1.2, 0.8, 0.6)
    assert not ss.exists and ss.total_debt == 0 and ss.c_hi == 1.2
    base = steady_state(**BASE, g=1.02)
    # ladder (notes T6), rounded to 4 decimals in the notes
    assert abs(1 / base.q_aut_min - 0.3778) < 5e-5
    assert abs(1 / base.q_fb - 1.1333) < 5e-5
    assert abs(base.q_aut_min - 2.647059) < 5e-7


def test_second_parameter_set():
    ss = steady_state(1.2, 0.8, 0.95)
    assert abs(ss.total_debt - 0.174359) < 5e-7 and abs(ss.c_hi - 1.025641) < 5e-7


def test_crra_growth_reference():
    # notes §3.7 / T16: sigma = 2 closed form (printed to 6 decimals)
    assert abs(steady_state(**BASE, g=1.02, sigma=2).c_hi - 1.031281) < 5e-7
    for g, ref in ((0.98, 1.021286), (1.0, 1.026334), (1.05, 1.038519)):
        assert abs(steady_state(**BASE, g=g, sigma=2).c_hi - ref) < 5e-7
    for g in (0.98, 1.0, 1.05):
        assert steady_state(**BASE, g=g).c_hi == pytest.approx(2 / 1.9, abs=1e-14)


def test_lemma_1_reference_plan():
    plan = repaying_plan(**BASE, x_j=1.0098, x_other=0.9894, phi_j=-0.1)
    # notes T2, printed to 6 decimals
    assert abs(plan.c_hi - 1.055163) < 5e-7
    assert abs(plan.c_lo - 0.940430) < 5e-7
    assert abs(plan.a - 0.341490) < 5e-7
    assert plan.valid


@given(x1=st.floats(0.9, 1.5), x2=st.floats(0.9, 1.5), phi=st.floats(-0.3, 0.0),
       sigma=st.floats(0.5, 4.0))
@settings(max_examples=40)
def test_lemma_1_budgets_and_euler(x1, x2, phi, sigma):
    e_hi, e_lo, beta = 1.5, 0.5, 0.9
    p = repaying_plan(e_hi, e_lo, beta, x1, x2, phi, sigma=sigma)
    # budgets and Euler equality of the closed form: rounding only (1e-12)
    assert abs(p.c_hi - (e_hi + phi - x1 * p.a)) < 1e-12
    assert abs(p.c_lo - (e_lo + p.a - x2 * phi)) < 1e-12
    assert abs(x1 * p.c_hi ** -sigma - beta * p.c_lo ** -sigma) < 1e-11
    # borrower's Euler inequality in low periods (Pi >= beta^2)
    assert x2 * p.c_lo ** -sigma - beta * p.c_hi ** -sigma >= -1e-12


def test_lemma_1_against_solver():
    # the deterministic example is the two-state chain with persistence 0
    x_o, x_e, phi = 1.0098, 0.9894, -0.1
    plan = repaying_plan(**BASE, x_j=x_o, x_other=x_e, phi_j=phi)
    P = np.array([[0.0, 1.0], [1.0, 0.0]])
    Q = np.array([[0.0, x_o], [x_e, 0.0]])
    sol = solve_household(P, Q, [1.5, 0.5], [phi, phi], 0.9, n=400)
    i = int(np.argmin(np.abs(sol.grid[0] - phi)))
    assert sol.grid[0, i] == phi
    # solver tolerance 1e-10 on the policy; interpolation at a grid node is exact
    assert abs(sol.c[0, i] - plan.c_hi) < 1e-8
    assert abs(sol.a_next[0, 1, i] - plan.a) < 1e-8


def test_lemma_2_defaulter():
    d = default_plan(**BASE, x_j=1.0)
    assert d.trades and abs(d.c_hi - 2 / 1.9) < 1e-14
    kappa = 0.9 * 1.5 / 0.5
    assert not default_plan(**BASE, x_j=kappa * 1.01).trades
    assert default_plan(**BASE, x_j=kappa * 0.999).a >= 0


def test_condition_13_off_steady_state():
    # notes T3 (printed to 6 decimals)
    lo, mid, hi = (off_steady_state(**BASE, multiplier=m) for m in (0.6, 1.0, 1.4))
    assert abs(lo.x - 1.318884) < 5e-7 and abs(hi.x - 0.794817) < 5e-7
    assert abs(lo.gap - 0.449328) < 5e-7 and abs(hi.gap + 0.627059) < 5e-7
    assert abs(mid.gap) < 1e-12 and mid.verdict == "self-enforcing"
    assert lo.verdict == "too tight" and hi.verdict == "default"
    assert lo.lemma1_valid and not hi.lemma1_valid


@given(x=st.floats(0.95, 1.6), y=st.floats(0.95, 1.6), phi=st.floats(-0.4, -0.01))
@settings(max_examples=40)
def test_default_gap_sign_is_condition_13(x, y, phi):
    gap = default_gap(**BASE, x_j=x, x_other=y, phi_j=phi)
    assert gap == pytest.approx(default_gap_log(**BASE, x_j=x, x_other=y, phi_j=phi), abs=1e-11)
    assert np.sign(round(gap, 12)) == np.sign(round(x * y - 1, 12))


def test_transition_reference():
    for s, q0 in ((0, 1.425), (0.25, 1.288136), (0.4, 1.217949), (0.5, 1.175258), (1, 1.0)):
        tr = transition(**BASE, share_even=s)
        assert abs(tr.q0 - q0) < 5e-7
        assert max(abs(tr.goods_residual), abs(tr.asset_residual), abs(tr.euler_residual)) < 1e-12
        assert tr.euler_slack_even >= 0 and tr.q0 >= 1


def test_collapse_reference():
    kappa = 2.7
    assert collapse_map(1.0, kappa) == 1.0 and abs(collapse_map(kappa, kappa) - kappa) < 1e-15
    h = 1e-6  # central differences: error O(h^2)
    assert abs((collapse_map(1 + h, kappa) - collapse_map(1 - h, kappa)) / (2 * h) - kappa) < 1e-6
    assert abs((collapse_map(kappa + h, kappa) - collapse_map(kappa - h, kappa)) / (2 * h) - 1 / kappa) < 1e-6
    cp = collapse_path(1.001, **BASE, T=60)
    assert abs(cp.q[10] - 2.57041) < 1e-5
    assert abs(cp.q[59] - kappa) < 1e-8
    assert np.all(np.diff(cp.B) <= 1e-15) and cp.B[-1] < 1e-8
    assert np.nanmax(np.abs(cp.er_residual)) < 1e-12 and np.nanmax(np.abs(cp.goods_residual)) < 1e-12
    assert np.nanmin(cp.euler_slack) > 0.2
    bad = collapse_path(0.999, **BASE, T=60)
    assert bad.valid_until <= 10


def test_er_residual_det():
    q = np.full(10, 1 / 1.02)
    assert np.max(np.abs(er_residual_det(q, -0.3 * 1.02 ** np.arange(10)))) < 1e-14
    assert np.max(np.abs(er_residual_det(q, np.full(10, -0.3)))) > 1e-3


# ---------------------------------------------------------------------------------------------
# property-based tests required by the issue
# ---------------------------------------------------------------------------------------------

params = dict(e_hi=st.floats(1.05, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.3, 0.99),
              g=st.floats(0.97, 1.06), sigma=st.floats(0.5, 5.0))


@given(**params)
@settings(max_examples=50)
def test_existence_condition(e_hi, e_lo, beta, g, sigma):
    assume(e_hi > e_lo and beta * g ** (1 - sigma) < 0.999)
    ss = steady_state(e_hi, e_lo, beta, g, sigma)
    bh = beta * g ** (1 - sigma)
    cond = bh * (e_hi / e_lo) ** sigma
    assume(abs(cond - 1) > 1e-9)
    assert ss.exists == (cond > 1)
    # existence iff the autarky interest rate is below growth
    assert ss.exists == (1 / ss.q_aut_min < g)


@given(**params, split=st.floats(0.0, 1.0))
@settings(max_examples=50)
def test_R_equals_g_and_split_neutrality(e_hi, e_lo, beta, g, sigma, split):
    assume(e_hi > e_lo and beta * g ** (1 - sigma) < 0.999)
    ss = steady_state(e_hi, e_lo, beta, g, sigma, split=split)
    assume(ss.exists)
    assert abs(ss.R - g) < 1e-12 * g
    ref = steady_state(e_hi, e_lo, beta, g, sigma, split=0.5)
    assert ss.c_hi == ref.c_hi and ss.c_lo == ref.c_lo
    # each type's repaying plan at q g = 1 gives the same consumption whatever its limit (W = e_hi + e_lo)
    for phi in (ss.phi_odd, ss.phi_even):
        plan = repaying_plan(e_hi, e_lo, beta, 1.0, 1.0, phi, g, sigma)
        assert abs(plan.c_hi - ss.c_hi) < 1e-12 and abs(plan.c_lo - ss.c_lo) < 1e-12
    # asset-market clearing: each low agent holds the other's debt (10)
    a_o = repaying_plan(e_hi, e_lo, beta, 1.0, 1.0, ss.phi_odd, g, sigma).a
    assert abs(a_o + ss.phi_even) < 1e-12


@given(e_hi=st.floats(1.1, 2.0), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.5, 0.98),
       pi=st.floats(0.0, 0.9), sigma=st.floats(0.5, 4.0), g=st.floats(0.98, 1.04))
@settings(max_examples=40)
def test_two_state_R_equals_g_and_hl_aj_ordering(e_hi, e_lo, beta, pi, sigma, g):
    assume(e_hi > e_lo and beta * g ** (1 - sigma) < 0.99)
    hl = two_state_markov(e_hi, e_lo, beta, pi, sigma, g, "exclusion")
    aj = two_state_markov(e_hi, e_lo, beta, pi, sigma, g, "autarky", low_limit=False)
    bh = beta * g ** (1 - sigma)
    assume(hl.exists)
    assert abs(hl.R - g) < 1e-12 * g and abs(hl.q_stay + hl.q_switch - 1) < 1e-12
    # HL consumption satisfies the AJ participation constraint, so AJ shares at least as much risk
    Y = e_hi + e_lo
    tol = 1e-9  # root finding in c (xtol 1e-14) and rounding
    assert Y / 2 - tol <= aj.c_hi <= hl.c_hi + tol and hl.c_hi < e_hi
    R_fb = g / (bh * pi + bh * (1 - pi))
    assert g - tol <= aj.R <= R_fb + tol
    assert aj.R >= hl.R - tol


# ---------------------------------------------------------------------------------------------
# stochastic HL, household solver, limit iteration (notes T12-T15)
# ---------------------------------------------------------------------------------------------


def test_two_state_reference_table():
    hl = two_state_markov(1.5, 0.5, 0.9, 0.3)
    assert abs(hl.c_hi - 1.073529) < 5e-7 and abs(-hl.total_debt + 0.584206) < 5e-7
    aj = two_state_markov(1.5, 0.5, 0.9, 0.3, punishment="autarky", low_limit=False)
    assert aj.first_best and abs(aj.phi[0] + 0.367647) < 5e-7
    for args, ch, R, phiH in (((1.3, 0.7, 0.7, 0.0), 1.049107, 1.29483, -0.141563),
                              ((1.5, 0.5, 0.7, 0.5), 1.080496, 1.31358, -0.395281)):
        aj = two_state_markov(*args, punishment="autarky", low_limit=False)
        assert abs(aj.c_hi - ch) < 5e-7 and abs(aj.R - R) < 5e-6 and abs(aj.phi[0] - phiH) < 5e-7


@pytest.mark.parametrize("pi,sigma", [(0.3, 1.0), (0.0, 1.0), (0.5, 2.0)])
def test_theorem_1_and_proposition_3_two_state(pi, sigma):
    hl = two_state_markov(1.5, 0.5, 0.9, pi, sigma=sigma)
    sol = solve_household(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, sigma, n=500)
    dft = solve_household(hl.P, hl.Q, hl.y, np.zeros(2), hl.beta_hat, sigma, n=500)
    assert sol.converged and sol.overflow < 0 and dft.overflow < 0
    tol = theorem_1_gap(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, sigma).error  # 2.6e-8 to 4.8e-8 here
    sol2 = solve_household(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, sigma, n=250)
    dft2 = solve_household(hl.P, hl.Q, hl.y, np.zeros(2), hl.beta_hat, sigma, n=250)
    for s in range(2):
        assert abs(value_at(sol, s, hl.phi[s]) - value_at(dft, s, 0.0)) < tol
        a = np.linspace(hl.phi[s], 3.0, 60)
        gap = value_at(sol, s, a) - value_at(dft, s, a - hl.phi[s])
        gap2 = value_at(sol2, s, a) - value_at(dft2, s, a - hl.phi[s])
        # tolerance: the change of the same gap on 250-point grids (far above the limit the grids are sparse;
        # measured gap up to 6.5e-7 at sigma = 2) plus the stopping rule; the error falls with the grid
        assert np.max(np.abs(gap)) < np.max(np.abs(gap - gap2)) + 1e-8
    i = int(np.argmin(np.abs(sol.grid[0] - hl.phi[0])))
    assert abs(sol.c[0, i] - hl.c_hi) < 1e-6
    assert abs(sol.a_next[0, 0, i] - hl.phi[0]) < 1e-6 and abs(sol.a_next[0, 1, i] + hl.phi[0]) < 1e-6


def _random_chain(seed=1):
    P, Q, y, _ = example_chain(seed)
    return P, Q, y


def test_theorem_1_three_states():
    P, Q, y = _random_chain()
    rho, v = perron(Q)
    assert abs(rho - 1) < 1e-12
    dft = solve_household(P, Q, y, np.zeros(3), 0.9, n=500)
    d0 = np.array([value_at(dft, s, 0.0) for s in range(3)])
    for scale in (0.3, 0.6):
        phi = -scale * v / v.max()
        assert np.max(np.abs(er_residual_markov(Q, phi))) < 1e-12
        sol = solve_household(P, Q, y, phi, 0.9, n=500)
        gap = np.array([value_at(sol, s, phi[s]) for s in range(3)]) - d0
        # theorem_1_gap's error estimate (grid changes, truncation, stopping rule): 9e-8 and 1.4e-7 here
        assert np.max(np.abs(gap)) < theorem_1_gap(P, Q, y, phi, 0.9).error
    phi = np.full(3, -0.3)
    res = er_residual_markov(Q, phi)
    sol = solve_household(P, Q, y, phi, 0.9, n=500)
    gap = np.array([value_at(sol, s, phi[s]) for s in range(3)]) - d0
    assert np.max(np.abs(gap)) > 1e-2
    # in this chain the state with the most negative roll-over residual defaults; a fact of the chain, not a
    # rule (test_default_is_not_decided_by_the_current_residual)
    assert gap[np.argmin(res)] < -1e-2


def test_numpy_twin_matches_kernel():
    P, Q, y = _random_chain()
    _, v = perron(Q)
    phi = -0.3 * v / v.max()
    sol = solve_household(P, Q, y, phi, 0.9, n=200)
    C1, it1, _ = time_iteration_kernel(sol.grid, P, Q, y, phi, 0.9, 1.0, 1e-10, 5000)
    C2, it2, _ = time_iteration_numpy(sol.grid, P, Q, y, phi, 0.9, 1.0, 1e-10, 5000)
    # Newton vs 80-step bisection of the same piecewise-linear equation: both to ~1e-14
    assert np.max(np.abs(C1 - C2)) < 1e-9


def test_policy_evaluation_solves_the_bellman_equation():
    # the kernel iterates a precomputed sparse linear map; check its fixed point against the Bellman
    # equation written directly with the Hermite interpolant (slopes u'(c)), for sigma = 2
    from commitment.interpolation import interp_hermite

    P, Q, y, v = example_chain(1)
    sol = solve_household(P, Q, y, -0.3 * v, 0.9, 2.0, n=200)
    S, n = sol.grid.shape
    res = 0.0
    for s in range(S):
        for i in range(n):
            cont = sum(0.9 * P[s, sp] * interp_hermite(sol.grid[sp], sol.V[sp], sol.c[sp] ** -2.0,
                                                       min(sol.a_next[s, sp, i], sol.grid[sp, -1]))
                       for sp in range(S))
            res = max(res, abs((1.0 - 1.0 / sol.c[s, i]) + cont - sol.V[s, i]))
    # value_tol 1e-11 on the sup change of a contraction with modulus 0.9: residual below 1e-10
    assert res < 1e-10


def test_bulow_rogoff_and_aj_iteration():
    aj = two_state_markov(1.3, 0.7, 0.7, 0.0, punishment="autarky", low_limit=False)
    br = debt_limit_iteration(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="exclusion", max_iter=20)
    assert br.converged and np.max(np.abs(br.phi)) < 1e-6
    it = debt_limit_iteration(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky")
    it2 = debt_limit_iteration(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky", n=150)
    # tolerance: the change on a 150-point grid plus the stopping rule (sup change 1e-6); measured error ~1e-8
    assert it.converged and abs(it.phi[0] - aj.phi[0]) < abs(it.phi[0] - it2.phi[0]) + 1e-6
    hl = two_state_markov(1.5, 0.5, 0.9, 0.3)
    for s in (0.5, 1.0, 2.0):
        one = debt_limit_iteration(hl.P, hl.Q, hl.y, hl.beta_hat, phi0=s * hl.phi, max_steps=1)
        half = debt_limit_iteration(hl.P, hl.Q, hl.y, hl.beta_hat, phi0=s * hl.phi, max_steps=1, n=150)
        # tolerance: the change on a 150-point grid plus the solver's stopping rule (measured error ~1e-9)
        err = np.max(np.abs(one.phi - half.phi)) + 1e-8
        assert np.max(np.abs(one.phi - s * hl.phi)) < err


def test_figures_2_and_3_values():
    S = 14
    y = np.array([1.5, 0.5] * (S // 2))
    phi = np.where(np.arange(S) <= 10, -0.2, -0.3)
    f2 = pv_argument(np.ones(S), y, phi, 0.9, "expanding", t_prime=10)
    assert abs(f2.V - 0.04618) < 5e-6 and abs(f2.D0 - 0.01386) < 5e-6  # notes §5, 5 decimals
    f3 = pv_argument([1.0, 1.0], [1.5, 0.5], [-0.2, -0.2], 0.9, "ER")
    assert abs(f3.V - f3.D0) < 1e-8
    assert np.max(np.abs(f3.C - f3.B - f3.A[0])) < 1e-8


def test_validation_errors():
    with pytest.raises(ValueError, match="beta"):
        steady_state(1.5, 0.5, 1.2)
    with pytest.raises(ValueError, match="e_hi"):
        steady_state(0.4, 0.5, 0.9)
    with pytest.raises(ValueError, match="split"):
        steady_state(1.5, 0.5, 0.9, split=1.5)
    with pytest.raises(ValueError, match="punishment"):
        two_state_markov(1.5, 0.5, 0.9, 0.3, punishment="prison")
    with pytest.raises(ValueError, match="persistence"):
        two_state_markov(1.5, 0.5, 0.9, 1.0)
    with pytest.raises(ValueError, match="phi"):
        solve_household(np.eye(2), np.eye(2), [1, 1], [0.1, 0], 0.9)
    with pytest.raises(ValueError, match="natural limits"):
        debt_limit_iteration(np.array([[0.5, 0.5], [0.5, 0.5]]), np.full((2, 2), 0.5), [1.5, 0.5], 0.9)
    assert math.isnan(steady_state(1.2, 0.8, 0.6).euler_slack)


def test_bisect_and_its_errors():
    from commitment.self_enforcing_debt.example import bisect

    assert abs(bisect(lambda x: x ** 3 - 2.0, 0.0, 2.0) - 2.0 ** (1 / 3)) < 1e-13  # xtol 1e-14 (1 + |x|)
    with pytest.raises(ValueError, match="opposite signs"):
        bisect(lambda x: x * x + 1.0, -1.0, 1.0)


def test_bulow_rogoff_unravelling_near_R_equals_g():
    # the paper's example (pi = 0) at prices scaled by 1 - delta: R > g, limits shrink to zero; the
    # first iterate puts a limit below the zero-consumption level, which the grid must handle
    hl = two_state_markov(1.5, 0.5, 0.9, 0.0)
    it = debt_limit_iteration(hl.P, 0.95 * hl.Q, hl.y, hl.beta_hat, max_steps=8)
    cap = -it.history[:, 0]
    assert np.all(np.diff(cap) < 0) and cap[-1] < 0.02 * cap[1]


def test_solver_reports_grid_truncation():
    # stay claims far cheaper than beta P: wealth runs off the top of the grid; the solution must say so
    hl = two_state_markov(1.5, 0.5, 0.9, 0.3)
    sol = solve_household(hl.P, 0.5 * hl.Q, hl.y, np.zeros(2), hl.beta_hat, n=100)
    assert sol.overflow > 0
    ok = solve_household(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, n=100)
    assert ok.overflow < 0


# ---------------------------------------------------------------------------------------------
# claim checks and their falsifiers (commitment.verification): Lemma 1 and Theorem 1
# ---------------------------------------------------------------------------------------------


def _perron_chain(seed, S, rho=1.0):
    """A random S-state economy (ours): P with entries U[0.2, 1] (rows normalised), endowments
    U[0.4, 1.6], Arrow prices Q = P m(s')/m(s) times independent noise exp(U[-0.2, 0.2]), rescaled to
    Perron root ``rho``. Returns (P, Q, y, v) with v the Perron vector (largest entry one)."""
    rng = np.random.default_rng(seed)
    P = rng.uniform(0.2, 1.0, (S, S))
    P /= P.sum(1, keepdims=True)
    y = rng.uniform(0.4, 1.6, S)
    m = rng.uniform(0.7, 1.4, S)
    Q = P * m[None, :] / m[:, None] * np.exp(rng.uniform(-0.2, 0.2, (S, S)))
    r, v = perron(Q)
    return P, Q * (rho / r), y, v / v.max()


def test_lemma_1_page_case():
    # the page's case (example.md): the claim check passes
    out = lemma_1_error(1.5, 0.5, 0.9, 1.0098, 0.9894, -0.1)
    assert out.hypotheses_hold
    verify("hl-lemma-1", out.error, out.tol, kind="claim", what="(c_hi, a_j): solver minus (7)-(9)")


@pytest.mark.falsifies("hl-lemma-1", how="violation")
def test_lemma_1_fails_when_the_saver_would_break_his_limit():
    # x_j = 3 > kappa = 2.7 with Pi = 1: the high agent would rather borrow than save, Lemma 1's plan
    # has a_j < phi_j, and the optimal plan sits at the limit in both periods
    out = lemma_1_error(1.5, 0.5, 0.9, 3.0, 1 / 3, -0.02)
    assert not out.hypotheses_hold
    o = assert_falsified(verify, "hl-lemma-1", out.error, out.tol, kind="claim",
                         what="(c_hi, a_j): solver minus (7)-(9)")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


_lemma_1_economy = dict(e_hi=st.floats(1.05, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.5, 0.97),
                        sigma=st.floats(0.5, 4.0), x_j=st.floats(0.6, 4.0), x_other=st.floats(0.6, 4.0),
                        share=st.floats(0.0, 0.5))


@given(**_lemma_1_economy)
@settings(max_examples=150)
def test_lemma_1_holds_on_random_admissible_economies(e_hi, e_lo, beta, sigma, x_j, x_other, share):
    phi = -share * e_lo
    assume(e_hi > e_lo and repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi, sigma=sigma).valid)
    # Admissible set of the numerics, not of the lemma: near Pi = beta_hat^2 the borrower is nearly
    # indifferent in low periods, the plan sits next to the kink where his limit starts to bind, and the
    # grid error there (O(h), up to 5e-4 at n = 500) is erratic in n, so the error estimate from
    # neighbouring grids can fall short (measured error / estimate up to 1.4 within 1.2% of the boundary;
    # at Pi = beta_hat^2 exactly time iteration also converges with modulus -> 1). We stay 5% away.
    beta_hat = beta  # g = 1
    assume(x_j * x_other >= 1.05 * beta_hat ** 2)
    out = lemma_1_error(e_hi, e_lo, beta, x_j, x_other, phi, sigma=sigma)
    verify("hl-lemma-1", out.error, out.tol, kind="claim", what="(c_hi, a_j): solver minus (7)-(9)")


@pytest.mark.falsifies("hl-lemma-1", how="violation")
@given(**_lemma_1_economy)
@settings(max_examples=40)
def test_lemma_1_fails_on_random_economies_where_a_j_is_below_the_limit(e_hi, e_lo, beta, sigma, x_j, x_other,
                                                                          share):
    phi = -share * e_lo
    assume(e_hi > e_lo and x_j * x_other >= beta ** 2)  # the borrower's Euler inequality holds ...
    plan = repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi, sigma=sigma)
    assume(plan.a < phi - 1e-4)  # ... but the conjectured saving breaks the limit (by >= 1e4 tol)
    out = lemma_1_error(e_hi, e_lo, beta, x_j, x_other, phi, sigma=sigma)
    o = assert_falsified(verify, "hl-lemma-1", out.error, out.tol, kind="claim",
                         what="(c_hi, a_j): solver minus (7)-(9)")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_theorem_1_page_cases():
    # the page's cases (roll_over.md): two-state HL and the three-state chain with Perron limits
    hl = two_state_markov(1.5, 0.5, 0.9, persistence=0.3)
    out = theorem_1_gap(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat)
    verify("hl-theorem-1", out.gap, out.error, kind="claim", what="two-state HL: V - D")
    P, Q, y, v = example_chain(1)
    for scale in (0.3, 0.6):
        out = theorem_1_gap(P, Q, y, -scale * v, 0.9)
        assert np.max(np.abs(out.er_residual)) < 1e-12
        verify("hl-theorem-1", out.gap, out.error, kind="claim", what="three states: V - D")
        # the error estimate is an estimate, not a slack 10^4 times too wide: measured 5e-8 and 1.2e-7
        assert out.error < 1e-6


@pytest.mark.falsifies("hl-theorem-1", how="violation")
def test_theorem_1_fails_at_uniform_limits():
    # the page's chain with uniform limits, which violate exact roll-over: V - D of order 0.1
    P, Q, y, _ = example_chain(1)
    out = theorem_1_gap(P, Q, y, np.full(3, -0.3), 0.9)
    assert np.max(np.abs(out.er_residual)) > 1e-2
    o = assert_falsified(verify, "hl-theorem-1", out.gap, out.error, kind="claim", what="three states: V - D")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


_chain_economy = dict(seed=st.integers(0, 2 ** 32 - 1), S=st.integers(2, 4), beta=st.floats(0.5, 0.95),
                      sigma=st.floats(0.5, 3.0), k=st.floats(0.05, 1.0))
# A random economy decides Theorem 1 only where the solver's own error estimate is small: in some draws
# (beta near 1, low sigma, prices that make saving attractive) households' wealth reaches the top of the
# grid and the estimate at a fixed grid grows to 0.1-1, and a check at that tolerance passes whatever the gap
# (the lowest-versions CI lane drew such economies). The claim functions now refine and widen their grids
# until their estimate reaches their target (1e-6; 1e-5 for Proposition 3, 1e-4 for the strict Figure 1-2
# inequalities) and raise RuntimeError when they cannot: such draws are rejected, not counted, and reported
# as a hypothesis event (none in 100-draw runs of these tests on the locked versions). ACCURATE stays as a
# guard for proposition_4_roll_over, which does not refine.
ACCURATE = 1e-4


def _patient(beta, P, Q):
    """``beta`` lowered, where needed, to 0.98 min Q(s, s')/P(s, s'): no state makes saving worth more than
    impatience, so wealth stays on the grid (the household solver's own error message names the condition;
    the lowest-versions CI lane drew chains that violate it, where the solver cannot converge)."""
    return min(beta, 0.98 * float(np.min(Q / P)))


def _decided(compute):
    """A claim computation on a random economy, counted only if it decides: the solver converges by its own
    residual (else the draw is rejected: no evidence either way) and the error estimate is <= ACCURATE."""
    try:
        out = compute()
    except RuntimeError as e:
        event(f"undecided: {str(e)[:40]}")
        reject()
    if not out.error <= ACCURATE:
        event("undecided: error estimate above ACCURATE")
        reject()
    return out


@given(**_chain_economy)
@settings(max_examples=100, deadline=None)
def test_theorem_1_holds_on_random_chains(seed, S, beta, sigma, k):
    # limits along the Perron vector of prices with Perron root one: exact roll-over holds
    P, Q, y, v = _perron_chain(seed, S)
    phi = -k * y.mean() * v
    beta = _patient(beta, P, Q)
    out = _decided(lambda: theorem_1_gap(P, Q, y, phi, beta, sigma, n=300))  # 300 points: ~0.1 s
    verify("hl-theorem-1", out.gap, out.error, kind="claim", what="random chain, Perron limits: V - D")


@pytest.mark.falsifies("hl-theorem-1", how="violation")
@given(**_chain_economy, off=st.booleans(), tilt=st.floats(0.1, 0.5), rho=st.floats(1.03, 1.15))
@settings(max_examples=40)
def test_theorem_1_fails_on_random_chains_without_roll_over(seed, S, beta, sigma, k, off, tilt, rho):
    # either Perron root one with limits tilted off the Perron vector, or the Perron vector at prices
    # with Perron root above one (R < g): in both, phi != Q phi
    if off:
        P, Q, y, v = _perron_chain(seed, S)
        w = v * np.exp(tilt * np.linspace(-1.0, 1.0, S))  # a tilt that no rescaling undoes
    else:
        P, Q, y, w = _perron_chain(seed, S, rho=rho)
    phi = -k * y.mean() * w
    beta = _patient(beta, P, Q)
    out = _decided(lambda: theorem_1_gap(P, Q, y, phi, beta, sigma, n=300))
    assert np.max(np.abs(out.er_residual)) > 1e-3 * k
    o = assert_falsified(verify, "hl-theorem-1", out.gap, out.error, kind="claim",
                         what="random chain, no roll-over: V - D")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


# ---------------------------------------------------------------------------------------------
# Proposition 4: the limits the not-too-tight iteration finds roll over exactly
# ---------------------------------------------------------------------------------------------


def test_proposition_4_page_cases():
    # the page's cases (roll_over.md): the three-state chain from uniform limits (which do not roll over)
    # and the collapse at Alvarez-Jermann prices (Perron root < 1) with the exclusion punishment
    P, Q, y, v = example_chain(1)
    out = proposition_4_roll_over(P, Q, y, 0.9, phi0=np.full(3, -0.3), steps=8, n=200)
    assert np.max(np.abs(er_residual_markov(Q, out.phi0))) > 1e-2 and np.max(np.abs(out.phi)) > 0.1
    verify("hl-proposition-4", out.residual, out.error, kind="claim", what="three states: phi - Q phi")
    assert np.max(np.abs(out.se_gap)) < 1e-5  # the limits found are self-enforcing (V = D up to the stopping rule)
    aj = two_state_markov(1.3, 0.7, 0.7, 0.0, punishment="autarky")
    out = proposition_4_roll_over(aj.P, aj.Q, aj.y, aj.beta_hat, steps=12, n=200)
    verify("hl-proposition-4", out.residual, out.error, kind="claim", what="R > g: phi - Q phi")
    assert np.max(np.abs(out.phi)) < 1e-4 and out.residual_change < 1e-6  # collapsing: 12 steps, modulus ~0.5


@pytest.mark.falsifies("hl-proposition-4", how="violation")
def test_proposition_4_fails_for_limits_that_are_not_self_enforcing():
    # the same iteration with Alvarez-Jermann's autarky punishment at their prices (R > g): its fixed point
    # satisfies V(phi) = V_aut < D(0), so the limits are not self-enforcing in the sense of Definition 1
    # (the hypothesis of Proposition 4 fails), and they do not roll over
    aj = two_state_markov(1.3, 0.7, 0.7, 0.0, punishment="autarky")
    out = proposition_4_roll_over(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky", steps=8, n=200)
    assert np.all(out.se_gap < -1e-2)
    o = assert_falsified(verify, "hl-proposition-4", out.residual, out.error, kind="claim", what="R > g: phi - Q phi")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


# k <= 0.6: tilted starting limits deeper than that can leave no positive consumption in some state (seed 3,
# S = 3, beta = 0.5, k = 1, tilt = -0.5), where the household solver reports divergence
_p4_chain = dict(seed=st.integers(0, 2 ** 32 - 1), S=st.integers(2, 3), beta=st.floats(0.5, 0.95),
                 sigma=st.floats(0.5, 3.0), k=st.floats(0.05, 0.6), tilt=st.floats(-0.5, 0.5))


@given(**_p4_chain)
@settings(max_examples=100, deadline=None)
def test_proposition_4_holds_on_random_chains(seed, S, beta, sigma, k, tilt):
    # prices with Perron root one, iteration started off the Perron vector (limits that do not roll over):
    # it ends at limits that are self-enforcing and, as Proposition 4 says, roll over
    P, Q, y, v = _perron_chain(seed, S)
    phi0 = -k * y.mean() * v * np.exp(tilt * np.linspace(-1.0, 1.0, S))
    beta = _patient(beta, P, Q)
    out = _decided(lambda: proposition_4_roll_over(P, Q, y, beta, sigma, phi0=phi0, n=100, steps=12))
    # and the iteration has converged across the Perron direction within its 12 steps (the clean-clone CI drew
    # seed 3, beta = 0.94, sigma = 1, where it had not: change 3.7e-6, error 4.7e-3)
    assume(out.residual_change < 1e-6)
    verify("hl-proposition-4", out.residual, out.error, kind="claim", what="random chain: phi - Q phi")


@pytest.mark.falsifies("hl-proposition-4", how="violation")
def test_proposition_4_fails_on_random_autarky_punishment_economies():
    # 30 random Alvarez-Jermann equilibria (prices with R > g, drawn from a fixed seed): the autarky-punishment
    # limits are not self-enforcing in the sense of Definition 1 and do not roll over; the check fails by far
    # more than 10x its tolerance in every one. Endowments at least 0.4 apart, R >= 1.05 g and sigma >= 1:
    # closer to R = g the natural limits (the start) explode, and at some of these prices the household
    # solver's policy evaluation diverges (reported as a RuntimeError); such draws are skipped and counted.
    rng = np.random.default_rng(2026)
    done, skipped = 0, 0
    while done < 30:
        e_hi, e_lo, beta, pi, sigma = (rng.uniform(1.2, 2.0), rng.uniform(0.3, 0.8), rng.uniform(0.6, 0.92),
                                       rng.uniform(0.0, 0.5), rng.uniform(1.0, 3.0))
        aj = two_state_markov(e_hi, e_lo, beta, pi, sigma=sigma, punishment="autarky", low_limit=False)
        if not (aj.exists and perron(aj.Q)[0] < 0.95):
            continue
        try:
            out = proposition_4_roll_over(aj.P, aj.Q, aj.y, aj.beta_hat, sigma, punishment="autarky", n=100,
                                          steps=12)
        except RuntimeError:
            skipped += 1
            continue
        assert np.min(out.se_gap) < 0
        assert_falsified(verify, "hl-proposition-4", out.residual, out.error, kind="claim",
                         what="autarky punishment: phi - Q phi")
        done += 1
    assert skipped <= 5


# ---------------------------------------------------------------------------------------------
# Proposition 3: V(a) = D(a - phi) for every a above the limit under exact roll-over
# ---------------------------------------------------------------------------------------------


def test_proposition_3_page_case():
    hl = two_state_markov(1.5, 0.5, 0.9, persistence=0.3)
    out = proposition_3_gap(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, n=300)
    verify("hl-proposition-3", out.gap, out.error, kind="claim", what="two-state HL: V(a) - D(a - phi)")
    assert out.error < 1e-4  # an estimate, not a slack: measured ~1e-5 (interpolation far above the limit)


@pytest.mark.falsifies("hl-proposition-3", how="violation")
def test_proposition_3_fails_without_roll_over():
    # the random chain with uniform limits: phi != Q phi, and V(a) - D(a - phi) is of order 0.1
    P, Q, y, _ = example_chain(1)
    out = proposition_3_gap(P, Q, y, np.full(3, -0.3), 0.9, n=300)
    assert np.max(np.abs(out.er_residual)) > 1e-2
    o = assert_falsified(verify, "hl-proposition-3", out.gap, out.error, kind="claim",
                         what="three states, uniform limits: V(a) - D(a - phi)")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


@given(**_chain_economy)
@settings(max_examples=100, deadline=None)
def test_proposition_3_holds_on_random_chains(seed, S, beta, sigma, k):
    P, Q, y, v = _perron_chain(seed, S)
    beta = _patient(beta, P, Q)
    out = _decided(lambda: proposition_3_gap(P, Q, y, -k * y.mean() * v, beta, sigma, m=20, n=200))
    verify("hl-proposition-3", out.gap, out.error, kind="claim", what="random chain, Perron limits: V(a) - D(a - phi)")


@pytest.mark.falsifies("hl-proposition-3", how="violation")
@given(**_chain_economy, off=st.booleans(), tilt=st.floats(0.1, 0.5), rho=st.floats(1.03, 1.15))
@settings(max_examples=30, deadline=None)
def test_proposition_3_fails_on_random_chains_without_roll_over(seed, S, beta, sigma, k, off, tilt, rho):
    # as for Theorem 1: limits tilted off the Perron vector, or the Perron vector at Perron root > 1
    if off:
        P, Q, y, v = _perron_chain(seed, S)
        w = v * np.exp(tilt * np.linspace(-1.0, 1.0, S))
    else:
        P, Q, y, w = _perron_chain(seed, S, rho=rho)
    phi = -k * y.mean() * w
    beta = _patient(beta, P, Q)
    out = _decided(lambda: proposition_3_gap(P, Q, y, phi, beta, sigma, m=20, n=200))
    assert np.max(np.abs(out.er_residual)) > 1e-3 * k
    assert_falsified(verify, "hl-proposition-3", out.gap, out.error, kind="claim",
                     what="random chain, no roll-over: V(a) - D(a - phi)")


# ---------------------------------------------------------------------------------------------
# the Figure 1 argument (Bulow-Rogoff): limits that vanish in present value are defaulted on
# ---------------------------------------------------------------------------------------------


def test_figure_1_page_cases():
    for pb in (0.05, 0.2):
        out = figure_1_gap([0.9, 0.9], [1.5, 0.5], [-pb, -pb], 0.9, n=200)
        assert out.vanishing and out.t_star_is_0
        verify_leq("hl-claim-bulow-rogoff-unravelling", out.gap, 0.0, out.error, strict=True, kind="claim",
                   what="V_0(phi_0) - D_0(0) < 0")


@pytest.mark.falsifies("hl-claim-bulow-rogoff-unravelling", how="violation")
def test_figure_1_fails_when_limits_do_not_vanish_in_present_value():
    # the page's Figure 2 economy: q = 1 and limits that expand at t' = 10, so p_t phi_t does not vanish
    S = 14
    out = figure_1_gap(np.ones(S), np.array([1.5, 0.5] * (S // 2)), np.where(np.arange(S) <= 10, -0.2, -0.3), 0.9,
                       n=200)
    assert not out.vanishing
    o = assert_falsified(verify_leq, "hl-claim-bulow-rogoff-unravelling", out.gap, 0.0, out.error, strict=True,
                         kind="claim", what="V_0(phi_0) - D_0(0) < 0")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


_figure_1_economy = dict(e_hi=st.floats(1.05, 2.0), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.5, 0.95),
                         sigma=st.floats(0.5, 3.0), k=st.floats(0.02, 0.5))


@given(**_figure_1_economy, u=st.tuples(st.floats(0.05, 0.9), st.floats(0.05, 0.9)))
@settings(max_examples=100, deadline=None)
def test_figure_1_holds_on_random_economies(e_hi, e_lo, beta, sigma, k, u):
    # prices between beta and 1 (R between g and g / beta: the agent neither saves without bound nor finds
    # limits worth anything in the long run), constant limits -k e_lo: p_t phi_t -> 0 with t* = 0
    q = [beta + (1 - beta) * ui for ui in u]
    out = _decided(lambda: figure_1_gap(q, [e_hi, e_lo], [-k * e_lo] * 2, beta, sigma, n=150))
    assert out.vanishing and out.t_star_is_0
    verify_leq("hl-claim-bulow-rogoff-unravelling", out.gap, 0.0, out.error, strict=True, kind="claim",
               what="random economy: V_0(phi_0) - D_0(0) < 0")


@pytest.mark.falsifies("hl-claim-bulow-rogoff-unravelling", how="violation")
@given(**_figure_1_economy, t_prime=st.integers(2, 10), extra=st.floats(0.05, 0.5))
@settings(max_examples=30, deadline=None)
def test_figure_1_fails_on_random_economies_with_expanding_limits(e_hi, e_lo, beta, sigma, k, t_prime, extra):
    # q = 1 (R = g) and limits that expand at t' by a fraction `extra`: p_t phi_t does not vanish, and
    # repaying is strictly better (Figure 2), so the Figure 1 check fails
    S = 2 * ((t_prime + 3) // 2 + 1)
    phi = np.where(np.arange(S) <= t_prime, -k * e_lo, -k * e_lo * (1 + extra))
    out = _decided(lambda: figure_1_gap(np.ones(S), np.array([e_hi, e_lo] * (S // 2)), phi, beta, sigma, n=150))
    assert not out.vanishing
    assert_falsified(verify_leq, "hl-claim-bulow-rogoff-unravelling", out.gap, 0.0, out.error, strict=True,
                     kind="claim", what="expanding limits: V_0(phi_0) - D_0(0) < 0")


def test_default_is_not_decided_by_the_current_residual():
    # the roll-over page's table: in example_chain(2) with uniform limits, state 2 cannot roll its limit over
    # (phi - Q phi < 0) and yet repaying is strictly better there (V - D = +0.016, against an error of ~1e-6
    # measured by theorem_1_gap at these grids)
    P, Q, y, _ = example_chain(2)
    phi = np.full(3, -0.3)
    rep = solve_household(P, Q, y, phi, 0.9, n=200)
    dft = solve_household(P, Q, y, np.zeros(3), 0.9, n=200)
    assert er_residual_markov(Q, phi)[1] < -1e-2
    assert value_at(rep, 1, phi[1]) - value_at(dft, 1, 0.0) > 1e-2


# ---------------------------------------------------------------------------------------------
# the Figure 2 argument: limits that expand in present value make repaying strictly better
# ---------------------------------------------------------------------------------------------


def _figure_2_economy(e_hi, e_lo, k, t_prime, extra):
    S = 2 * ((t_prime + 3) // 2 + 1)
    phi = np.where(np.arange(S) <= t_prime, -k * e_lo, -k * e_lo * (1 + extra))
    return np.ones(S), np.array([e_hi, e_lo] * (S // 2)), phi


def test_figure_2_page_case():
    S = 14
    out = figure_2_gap(np.ones(S), np.array([1.5, 0.5] * (S // 2)), np.where(np.arange(S) <= 10, -0.2, -0.3), 0.9,
                       n=200)
    verify_leq("hl-claim-expanding-limits", -out.gap, 0.0, out.error, strict=True, kind="claim",
               what="D_0(0) - V_0(phi_0) < 0")


@pytest.mark.falsifies("hl-claim-expanding-limits", how="violation")
def test_figure_2_fails_when_limits_vanish_in_present_value():
    # the page's Figure 1 economy: q = beta, constant limit, p_t phi_t rises to 0 (the limits contract)
    out = figure_2_gap([0.9, 0.9], [1.5, 0.5], [-0.05, -0.05], 0.9, n=200)
    assert np.all(np.diff(out.pv_limits) > 0)
    o = assert_falsified(verify_leq, "hl-claim-expanding-limits", -out.gap, 0.0, out.error, strict=True,
                         kind="claim", what="D_0(0) - V_0(phi_0) < 0")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


@given(**_figure_1_economy, t_prime=st.integers(2, 10), extra=st.floats(0.05, 0.5))
@settings(max_examples=100, deadline=None)
def test_figure_2_holds_on_random_economies(e_hi, e_lo, beta, sigma, k, t_prime, extra):
    q, y, phi = _figure_2_economy(e_hi, e_lo, k, t_prime, extra)
    out = _decided(lambda: figure_2_gap(q, y, phi, beta, sigma, n=100))  # error 1e-7-1e-6 at 100 points
    verify_leq("hl-claim-expanding-limits", -out.gap, 0.0, out.error, strict=True, kind="claim",
               what="random expanding limits: D_0(0) - V_0(phi_0) < 0")


@pytest.mark.falsifies("hl-claim-expanding-limits", how="violation")
@given(**_figure_1_economy, u=st.tuples(st.floats(0.05, 0.9), st.floats(0.05, 0.9)))
@settings(max_examples=30, deadline=None)
def test_figure_2_fails_on_random_economies_with_vanishing_limits(e_hi, e_lo, beta, sigma, k, u):
    q = [beta + (1 - beta) * ui for ui in u]
    out = _decided(lambda: figure_2_gap(q, [e_hi, e_lo], [-k * e_lo] * 2, beta, sigma, n=150))
    assert_falsified(verify_leq, "hl-claim-expanding-limits", -out.gap, 0.0, out.error, strict=True,
                     kind="claim", what="vanishing limits: D_0(0) - V_0(phi_0) < 0")
