"""Numba kernels of commitment.secondary_markets against their plain NumPy twins.

The twins run the same algorithms (the same bisections with the same brackets and stopping rules) in
vectorised NumPy, so the two sides agree to a few ulps: the only differences come from numba's and
NumPy's own ``exp``/``pow``. Tolerances are stated relative to the size of the compared quantities.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import commitment.secondary_markets as sm


# --------------------------------------------------------------------------- R0: the Negishi kernel


@given(K=st.integers(2, 8), T=st.integers(1, 40), sigma=st.floats(0.2, 10.0),
       seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40)
def test_property_negishi_kernel_matches_numpy_twin(K, T, sigma, seed):
    """Random Negishi weights, masses and world totals: same planner allocation and multipliers, and
    the allocation exhausts every date's total (the condition the bisection solves)."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.2, 5.0, K)
    mass = rng.uniform(0.05, 1.0, K)
    totals = rng.uniform(0.5, 3.0, T)
    c, mu = sm.first_best._negishi_allocation(lam, mass, totals, sigma)
    c_np, mu_np = sm.negishi_allocation_numpy(lam, mass, totals, sigma)
    # log-mu brackets stop at 1e-15; exp/pow differences between numba and NumPy are a few ulps
    np.testing.assert_allclose(mu, mu_np, rtol=1e-12)
    np.testing.assert_allclose(c, c_np, rtol=1e-12)
    # market clearing in every date/state: the bracket width 1e-15 in log mu moves c by ~1e-15/sigma
    np.testing.assert_allclose(mass @ c, totals, rtol=1e-12)


@given(g=st.floats(-0.3, 0.3), v=st.floats(0.0, 0.4), e=st.floats(0.0, 0.9), a=st.sampled_from([0.0, 0.15]),
       sigma=st.floats(0.3, 8.0))
@settings(max_examples=25)
def test_property_negishi_twin_gives_the_first_best(g, v, e, a, sigma):
    """At the closed-form weights (lambda_k = u'(c*_k0)^-1, the planner's weights of R0) the NumPy twin
    reproduces the CRRA first best, as the kernel does inside complete_markets_negishi."""
    if 1 - abs(g) - v <= 0.05:
        return
    econ = sm.mirror_economy(g, v, e, a)
    cm = sm.complete_markets(econ, sigma)
    lam = cm.c0 ** sigma  # u'(c0)^-1 with u'(c) = c^-sigma
    totals = np.concatenate([[econ.mass @ econ.y0], econ.mass @ econ.Y])
    c, mu = sm.negishi_allocation_numpy(lam, econ.mass, totals, sigma)
    np.testing.assert_allclose(c[:, 0], cm.c0, rtol=1e-12)  # bisection bracket 1e-15 in log mu
    np.testing.assert_allclose(c[:, 1:], cm.c, rtol=1e-12)
    np.testing.assert_allclose(econ.pi * mu[1:] / mu[0], cm.q, rtol=1e-12)


# --------------------------------------------------------------------------- R8: the bond-only kernel


@given(g=st.floats(-0.3, 0.3), v=st.floats(0.0, 0.45), sigma=st.floats(0.3, 8.0))
@settings(max_examples=30)
def test_property_bond_kernel_matches_numpy_twin(g, v, sigma):
    """Mirror economy without idiosyncratic risk, regions as representative agents: Foreign's Euler
    residual at Home's price, on the bracketing grid of bond_only_equilibrium, numba against NumPy."""
    if 1 - abs(g) - v <= 0.05:
        return
    econ = sm.mirror_economy(g=g, v=v, e=0.0)
    aut = sm.regional_autarky(econ)
    args = (aut.c0[0], aut.c[0], aut.c0[2], aut.c[2], econ.pi, sigma)
    bmax = min(aut.c[2].min(), aut.c0[0]) * (1 - 1e-9)
    grid = np.linspace(1e-9, bmax, 200)
    kernel = sm.robustness._bond_excess_grid(grid, *args)
    twin = sm.bond_excess_numpy(grid, *args)
    # both sides are differences of marginal utilities of size up to max|u'|: compare on that scale
    scale = np.max(np.abs(args[3] - grid[:, None]) ** -sigma, axis=1) + 1.0
    np.testing.assert_array_less(np.abs(kernel - twin), 1e-12 * scale)


@given(g=st.floats(0.0, 0.3), v=st.floats(0.05, 0.45), sigma=st.floats(0.5, 6.0))
@settings(max_examples=25)
def test_property_bond_equilibrium_from_the_twin(g, v, sigma):
    """The equilibrium bond position is a root of the twin's excess too, and at the kernel's price both
    regions' Euler equations hold."""
    if 1 - g - v <= 0.05:
        return
    econ = sm.mirror_economy(g=g, v=v, e=0.0)
    bond = sm.bond_only_equilibrium(econ, sigma)
    assert np.max(np.abs(bond.residuals)) < 1e-10  # Brent on b to 1e-15, marginal utilities O(10)
    aut = sm.regional_autarky(econ)
    lender, borrower = (0, 2) if bond.b >= 0 else (2, 0)
    args = (aut.c0[lender], aut.c[lender], aut.c0[borrower], aut.c[borrower], econ.pi, sigma)
    b = abs(bond.b)
    if b < 1e-9:
        return
    twin = sm.bond_excess_numpy(np.array([b * (1 - 1e-6), b * (1 + 1e-6)]), *args)
    assert twin[0] * twin[1] < 0  # the twin brackets the same root


# --------------------------------------------------------------------------- R10, footnote 13: one price kernel


@given(alpha=st.floats(0.55, 0.95), pi_d=st.floats(0.01, 0.9), frac=st.floats(0.01, 0.95))
@settings(max_examples=40)
def test_property_defaulter_branch_of_the_price_kernel(alpha, pi_d, frac):
    """The shared bisection ``_sm_price`` in its DEFAULTER branch against the closed form: at h = b a
    resident who issued b and holds b consumes alpha - p b whether or not the government defaults, so
    the first-order condition gives p = 1 - pi_d for every b (the bracket (0, 1) is bisected to 1e-16)."""
    b = frac * alpha
    p = sm.enforcement_risk._sm_price(b, alpha, pi_d, sm.enforcement_risk.DEFAULTER)
    assert abs(p - (1 - pi_d)) < 1e-12


@given(alpha=st.floats(0.55, 0.95), phi=st.floats(0.05, 0.95), frac=st.floats(0.01, 0.6))
@settings(max_examples=40)
def test_property_friends_foes_branch_of_the_price_kernel(alpha, phi, frac):
    """The FRIENDS_FOES branch clears the secondary market: at the returned p, the buyers' first-order
    condition holds at h = b (a sign change within the final bracket), and p lies strictly between
    1 - phi and the expected repayment phi + (1 - phi)^2."""
    b = frac * alpha / (1 + phi)
    p = sm.enforcement_risk._sm_price(b, alpha, phi, sm.enforcement_risk.FRIENDS_FOES)
    assert 1 - phi < p < phi + (1 - phi) ** 2
    foc = sm.enforcement_risk._ff_sm_foc
    lo, hi = foc(p - 1e-9, b, b, alpha, phi), foc(p + 1e-9, b, b, alpha, phi)
    assert lo > 0 > hi
