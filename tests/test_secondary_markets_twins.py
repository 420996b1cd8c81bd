"""Numba kernels of commitment.secondary_markets against their plain NumPy twins.

The twins run the same algorithms (the same bisections with the same brackets and stopping rules) in
vectorised NumPy, so the two sides agree to a few ulps: the only differences come from numba's and
NumPy's own ``exp``/``pow``. Tolerances are stated relative to the size of the compared quantities.
"""

import numpy as np
import pytest
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


# --------------------------------------------------------------------------- footnotes 9 and 11: the ordered market


def _random_economy(rng, n_home, n_foreign):
    """Random types (masses, endowments) with random consecutive enforcement groups inside each region."""
    K = n_home + n_foreign
    region = np.array([0] * n_home + [1] * n_foreign)
    home = rng.integers(0, n_home, n_home)
    foreign = rng.integers(0, n_foreign, n_foreign)
    _, home = np.unique(home, return_inverse=True)  # consecutive ids 0..G_H-1
    _, foreign = np.unique(foreign, return_inverse=True)
    group = np.concatenate([home, foreign + home.max() + 1])
    return sm.make_economy(y0=rng.uniform(0.5, 1.5, K), Y=rng.uniform(0.2, 2.0, (K, 1)), pi=[1.0],
                           mass=rng.uniform(0.1, 1.0, K), region=region, group=group)


@given(n_home=st.integers(1, 6), n_foreign=st.integers(1, 4), scale=st.sampled_from([0.1, 1.0, 5.0]),
       seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60)
def test_property_ordered_resale_kernel_matches_numpy_twin(n_home, n_foreign, scale, seed):
    """Random economies, groups, holdings (face values up to ``scale``, a fifth of them zero) and keys with
    ties (integers 0..2, so the stable order of tied groups matters): the kernel and its NumPy twin return
    the same cash and holdings, or both raise (buyers short of resources, at the larger scales). The kernel
    runs the twin's steps in the same order, so they agree to rounding (NumPy's dot products sum in another
    order): a sum of K terms rounds by about K machine epsilons of the largest magnitude M, and the
    tolerance is ten times that, 10 K eps M (in 600 seeded draws, about half of which raise, the largest
    gap was 1.7 K eps M); on the chapter's economies the two are equal to the last bit (the next test)."""
    rng = np.random.default_rng(seed)
    econ = _random_economy(rng, n_home, n_foreign)
    K = econ.n_types
    D = rng.uniform(0.0, scale, (K, K)) * (rng.uniform(size=(K, K)) > 0.2)
    cash = econ.Y[:, 0].copy()
    key = rng.integers(0, 3, econ.n_groups).astype(float)
    outcomes = []
    for f in (sm.ordered_resale, sm.ordered_resale_numpy):
        try:
            outcomes.append(f(cash.copy(), D.copy(), econ, key))
        except RuntimeError as err:
            outcomes.append(str(err))
    fast, twin = outcomes
    assert isinstance(fast, str) == isinstance(twin, str), outcomes
    if isinstance(fast, str):
        assert fast == twin
        return
    tol = 10 * K * np.finfo(float).eps * max(np.abs(twin[0]).max(), np.abs(twin[1]).max(), 1.0)
    np.testing.assert_allclose(fast[0], twin[0], rtol=0, atol=tol)
    np.testing.assert_allclose(fast[1], twin[1], rtol=0, atol=tol)


def test_ordered_resale_kernel_matches_twin_on_the_chapter_economies():
    """Footnote 9 (redistribution economy, poorest first) and footnote 11 (friends economy, liked first) in
    every state at first-best holdings: identical to the last bit. The claims' margins with ``twin=True``
    (both the enumeration's and the market's NumPy twins) agree within the tolerance the pages use
    (``margin_tolerance`` of the measured ``margin_error``, 1e-13 and 1e-14 here)."""
    red, fr = sm.redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3), sm.friends_economy()
    for econ, key_of in ((red, lambda c: np.array([econ.mass[econ.group == g] @ c[econ.group == g]
                                                   / econ.mass[econ.group == g].sum()
                                                   for g in range(econ.n_groups)])),
                         (fr, lambda c: -np.array([fr.psi[fr.group == g].mean() for g in range(fr.n_groups)]))):
        cm = sm.complete_markets(econ, 2.0)
        for s in range(econ.n_states):
            D = sm.gross_holdings(cm.c[:, s] - econ.Y[:, s], econ, "world_pool")
            args = (econ.Y[:, s].copy(), D, econ, key_of(cm.c[:, s]))
            fast, twin = sm.ordered_resale(*args), sm.ordered_resale_numpy(*args)
            assert np.array_equal(fast[0], twin[0]) and np.array_equal(fast[1], twin[1])
    for claim, econ in ((sm.footnote_9_enforcement_margin, red), (sm.footnote_11_enforcement_margin, fr)):
        tol = sm.margin_tolerance(sm.margin_error(claim, econ, 2.0))
        np.testing.assert_allclose(claim(econ, 2.0), claim(econ, 2.0, twin=True), rtol=0, atol=tol)


def test_ordered_resale_breaks_ties_by_group_id():
    """Ten groups, one per type, all with the same key: both sides buy in increasing order of group id,
    also across ids 8 and 9 (where a set's iteration order is 8, 9, 6, 7): in Foreign, group 6 buys first
    and group 7 after it, and groups 8 and 9, which buy last, end up holding none of their region's paper
    (in the set's order group 8 would have bought first)."""
    rng = np.random.default_rng(0)
    K = 10
    econ = sm.make_economy(y0=np.ones(K), Y=rng.uniform(1.0, 2.0, (K, 1)), pi=[1.0], mass=np.full(K, 0.1),
                           region=[0] * 6 + [1] * 4, group=np.arange(K))
    D = rng.uniform(0.0, 0.01, (K, K))
    fast = sm.ordered_resale(econ.Y[:, 0].copy(), D.copy(), econ, np.zeros(K))
    twin = sm.ordered_resale_numpy(econ.Y[:, 0].copy(), D.copy(), econ, np.zeros(K))
    np.testing.assert_allclose(fast[1], twin[1], rtol=0, atol=10 * K * np.finfo(float).eps)
    held = fast[1][6:, 6:].sum(axis=0)  # Foreign paper held by each Foreign type
    assert held[0] > 0 and held[2] == 0 and held[3] == 0, held


def test_ordered_resale_validates_its_key():
    red = sm.redistribution_economy()
    with pytest.raises(ValueError, match="key must have one entry per enforcement group"):
        sm.ordered_resale(red.Y[:, 0].copy(), np.zeros((red.n_types, red.n_types)), red, [0.0])
