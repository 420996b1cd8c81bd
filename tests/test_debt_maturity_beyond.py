"""Around the theorem (beyond.md): the three-period buyback example (ours) and the indeterminacy of maturity
without default risk (the paper's introduction).

Falsifiers (violations): the buyback in an economy without default risk, where the remaining bonds' price
does not move; the second differences of B* in the coupon at states with interior default risk, where B* is
strictly convex (Proposition 2) and maturity is determinate."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify, verify_leq

XS = (0.1, 0.3, 0.6)          # the page's buybacks: 1/6, 1/2 and all of the long bond (l = 0.6)


def _buyback_check(toy):
    rs = [dm.buyback_price_rise(toy, x) for x in XS]
    tol = max(r.error for r in rs)
    rise = np.array([r.P1 - r.P0 for r in rs])
    return ("aahw-ours-buyback-toy", -rise, -20 * tol), tol


def test_buyback_raises_the_price_of_the_remaining_bonds():
    args, tol = _buyback_check(dm.create_buyback_toy())
    verify_leq(*args, tol=tol, kind="claim", what="P1 - P0 >= 20 x solver error")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(y1=st.floats(0.5, 2.0), y2=st.floats(1.0, 3.0), R=st.floats(1.01, 1.1), beta_R=st.floats(0.85, 1.0),
       tau_lo=st.floats(0.1, 0.5), width=st.floats(0.2, 0.5), l_share=st.floats(0.05, 0.4),
       x_share=st.floats(0.1, 1.0))
def test_buyback_raises_the_price_across_economies(y1, y2, R, beta_R, tau_lo, width, l_share, x_share):
    """Not only the page's economy: wherever default at t = 2 has an interior probability (5 % to 95 %) and
    the government borrows at t = 1 (b2 > 0, so the toy's b2 >= 0 does not bind), a buyback raises the
    remaining bonds' price by >= 20 x its error and lowers the government's value. At the edges (F = 1 up
    to rounding, or b2 = 0) the strictness fails, as in the falsifier."""
    toy = dm.create_buyback_toy(y1=y1, y2=y2, R=R, beta=beta_R / R, tau_lo=tau_lo, tau_hi=tau_lo + width,
                                l=l_share * y2)
    try:
        r = dm.buyback_price_rise(toy, x_share * toy.l)
    except ValueError:                       # b1 cannot be repaid at t = 1 in this economy
        assume(False)
    assume(0.05 < r.F0 < 0.95 and r.b2_0 > 1e-6)
    verify_leq("aahw-ours-buyback-toy", -(r.P1 - r.P0), -20 * r.error, tol=r.error, kind="claim",
               what="P1 - P0 >= 20 x solver error")
    assert r.government_change < 0


@pytest.mark.falsifies("aahw-ours-buyback-toy", how="violation")
def test_buyback_price_rise_fails_without_default_risk():
    """tau_hi y2 = 0.4 lies below every c2 the government chooses: F = 1, the price stays at 1/R^2."""
    toy = dm.create_buyback_toy(tau_lo=0.05, tau_hi=0.2)
    assert all(dm.buyback_price_rise(toy, x).F0 == 1.0 for x in XS)
    args, tol = _buyback_check(toy)
    assert_falsified(verify_leq, *args, tol=tol, kind="claim", what="P1 - P0 >= 20 x solver error")


def test_buyback_with_a_fixed_allocation_moves_nothing():
    """The incentive channel: holding (c1, c2) fixed the swap is absorbed by b2 and the price cannot move."""
    r = dm.buyback_price_rise(dm.create_buyback_toy(), 0.3, reoptimize=False)
    assert r.P1 == r.P0 and r.b2_1 == pytest.approx(r.b2_0 + 0.3)


def test_buyback_gains_go_to_bondholders_and_the_government_loses():
    for x in XS:
        r = dm.buyback_price_rise(dm.create_buyback_toy(), x)
        assert r.holdout_gain >= 0 and r.seller_gain > 0 and r.government_change < 0
        assert r.F1 > r.F0


def test_buyback_price_against_a_brute_force_grid():
    """An independent t = 1 solution: a grid of 200 001 values of b2, no refinement; the fixed point of
    the buyback price by bisection. Agreement to the grid's resolution (y2 / 2e5 in b2, slope of F/R^2)."""
    toy = dm.create_buyback_toy()
    x = 0.3

    def c2_of(b1, l2):
        b2 = np.linspace(0.0, toy.y2 - l2, 200_001)[:-1]
        c2 = toy.y2 - l2 - b2
        F = np.clip((c2 / toy.y2 - toy.tau_lo) / (toy.tau_hi - toy.tau_lo), 0, 1)
        c1 = toy.y1 - b1 + F / toy.R * b2
        t = np.clip(c2 / toy.y2, toy.tau_lo, toy.tau_hi)
        prim = lambda s: s * np.log(s * toy.y2) - s
        W = F * np.log(c2) + (prim(toy.tau_hi) - prim(t)) / (toy.tau_hi - toy.tau_lo)
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where(c1 > 0, np.log(np.maximum(c1, 1e-300)) + toy.beta * W, -np.inf)
        return c2[int(np.argmax(val))]

    F = lambda c2: min(max((c2 / toy.y2 - toy.tau_lo) / (toy.tau_hi - toy.tau_lo), 0), 1)
    lo, hi = 0.0, 1 / toy.R ** 2
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if mid < F(c2_of(toy.R * mid * x, toy.l - x)) / toy.R ** 2 else (lo, mid)
    r = dm.buyback_price_rise(toy, x)
    step = toy.y2 / 2e5 / (toy.y2 * (toy.tau_hi - toy.tau_lo)) / toy.R ** 2
    assert abs(r.P1 - 0.5 * (lo + hi)) <= 5 * step
    assert abs(r.P0 - F(c2_of(0.0, toy.l)) / toy.R ** 2) <= 5 * step


@pytest.mark.parametrize("kwargs, name", [(dict(y1=0.0), "y1"), (dict(R=0.9), "R"), (dict(beta=1.5), "beta"),
                                          (dict(tau_lo=0.5, tau_hi=0.4), "tau_lo"), (dict(l=3.0), "l")])
def test_create_buyback_toy_validates(kwargs, name):
    with pytest.raises(ValueError, match=name):
        dm.create_buyback_toy(**kwargs)


def test_buyback_price_rise_validates():
    with pytest.raises(ValueError, match="x must be"):
        dm.buyback_price_rise(dm.create_buyback_toy(), 0.7)
    with pytest.raises(ValueError, match="toy must be"):
        dm.buyback_price_rise((1, 2), 0.1)


# ----------------------------------------------------------------- indeterminacy without default risk


@pytest.fixture(scope="module")
def riskless_economy():
    m = dm.create_model()          # beta R = 1
    return m, dm.solve_map(m, [0.05, 0.1, 0.15])


def test_maturity_indeterminate_without_default_risk(riskless_economy):
    m, fine = riskless_economy
    r = dm.maturity_indeterminacy(m, 0.1, m.vD_hi, m.v[-1], fine=fine)
    assert np.all(r.F_next == 1.0) and r.v.size >= 5
    verify("aahw-claim-indeterminacy", r.d2, float(r.error.max()), kind="claim",
           what="|B*(v, l-dl) - 2 B*(v, l) + B*(v, l+dl)| <= grid error, F = 1")


@pytest.mark.falsifies("aahw-claim-indeterminacy", how="violation")
def test_maturity_indeterminacy_fails_with_default_risk(riskless_economy):
    """The same computation at states whose next-period repayment probability is interior."""
    m, fine = riskless_economy
    lo, hi = m.vD_lo + 0.3 * (m.vD_hi - m.vD_lo), m.vD_lo + 0.9 * (m.vD_hi - m.vD_lo)
    r = dm.maturity_indeterminacy(m, 0.1, lo, hi, fine=fine)
    assert np.all((r.F_next > 0) & (r.F_next < 1))
    out = assert_falsified(verify, "aahw-claim-indeterminacy", r.d2, float(r.error.max()), kind="claim",
                           what="|B*(v, l-dl) - 2 B*(v, l) + B*(v, l+dl)| <= grid error, F = 1")
    assert out.excess >= 100 * out.tol


def test_maturity_indeterminacy_validates(riskless_economy):
    m, fine = riskless_economy
    with pytest.raises(ValueError, match="v_lo"):
        dm.maturity_indeterminacy(m, 0.1, 1.0, 0.0, fine=fine)
    with pytest.raises(ValueError, match="l must be"):
        dm.maturity_indeterminacy(m, 0.01, m.vD_hi, m.v[-1])


# ----------------------------------------------- the exercise: shocks correlated with the default cost

SIGMAS = np.round(np.linspace(0.0, 1.0, 11), 10)


def test_short_route_without_shocks_and_long_bonds_with_them():
    """Corollary 1 in the example: with Assumption 1 (no shocks) the value falls with every long share;
    with the exercise's shocks the best share is interior (ours, shown for this example)."""
    calm = dm.maturity_choice_with_shocks(0.5, SIGMAS)
    finite = np.isfinite(calm.value)
    assert calm.best == 0.0 and np.all(np.diff(calm.value[finite]) < 0)
    shocked = dm.maturity_choice_with_shocks(0.5, SIGMAS, 0.4, 0.1)
    assert 0.0 < shocked.best < 1.0
    bad, good = shocked.F_states[int(np.argmax(shocked.value))]
    assert bad < good


def test_maturity_choice_prices_break_even():
    """The long bond's price is the lenders' break-even price at the government's choices."""
    mc = dm.maturity_choice_with_shocks(0.5, [0.2, 0.4], 0.4, 0.1)
    assert np.allclose(mc.P, mc.F_states.mean(axis=1) / 1.05 ** 2, atol=1e-12)
    assert np.allclose(mc.P * mc.l, np.array([0.2, 0.4]) * 0.5, atol=1e-12)


def test_exercise_answer_matches_the_page_cases():
    from commitment.debt_maturity.exercises import correlated_shocks_long_shares
    assert np.allclose(correlated_shocks_long_shares(), [0.0, 0.2, 0.4])


@pytest.mark.parametrize("args, name", [((0.0, [0.1]), "D"), ((0.5, [1.2]), "sigmas"),
                                        ((0.5, [0.1], 1.5), "dy"), ((0.5, [0.1], 0.1, 0.3), "dt")])
def test_maturity_choice_with_shocks_validates(args, name):
    with pytest.raises(ValueError, match=name):
        dm.maturity_choice_with_shocks(*args)
