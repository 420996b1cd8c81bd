"""Hellwig-Lorenzoni Lemma 8 and our Perron condition, on stationary Markov prices.

:func:`commitment.self_enforcing_debt.lemma_8_gap` follows the household solver's plan from each state's
limit over the event tree until it binds again and returns the present value of the limits at those
first-binding events minus the limit (Lemma 8: zero for self-enforcing limits). The page checks it on the
limits that the not-too-tight operator T (exclusion punishment) reaches on a random chain with Perron root
one; those are self-enforcing, and not built to roll over. The violating cases are limits that are not
self-enforcing: the uniform starting limits, and Alvarez-Jermann's autarky-punishment limits.

:func:`commitment.self_enforcing_debt.perron_condition_limits` iterates T and returns the size of the limits
it reaches and their distance from the Perron ray (our Perron condition: stationary self-enforcing limits
lie on the ray {-k v : k >= 0}, non-zero only if rho(Q) = 1). The violating case is the same operator with
the autarky punishment at rho < 1: its limits are not self-enforcing in the sense of Definition 1, non-zero
and off the ray.

Tolerances are the functions' own error estimates (grid changes, the iteration's geometric tail and the
error of the limits passed in, the solver's stopping rule); a random draw whose computation does not
decide (RuntimeError) is rejected, not counted.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.self_enforcing_debt import (lemma_8_gap, perron_condition_limits, proposition_4_roll_over,
                                            two_state_markov)
from commitment.self_enforcing_debt.markov import example_chain
from commitment.verification import assert_falsified, verify
from tests.deciding import decided
from tests.test_self_enforcing_debt import _patient, _perron_chain

BETA = 0.9


def _chain():
    return example_chain(1)[:3]   # the page's random three-state chain (Perron root one)


def _aj():
    # Alvarez-Jermann prices of the stochastic page (rho < 1); the object is used for its prices only
    return two_state_markov(1.3, 0.7, 0.7, persistence=0.0, punishment="autarky", low_limit=False)


# ---------------------------------------------------------------------------------------------- Lemma 8


def test_lemma_8_page_case():
    P, Q, y = _chain()
    se = proposition_4_roll_over(P, Q, y, BETA, phi0=np.full(3, -0.3), steps=8, n=200)
    out = lemma_8_gap(P, Q, y, se.phi, BETA, residual_error=se.error, n=200)
    assert np.all(out.unbound == 0.0)   # every branch bound again within the depth followed
    verify("hl-lemma-8", out.gap, out.error, kind="claim", what="limits found by T: PV at first binding - phi")


@pytest.mark.falsifies("hl-lemma-8", how="violation")
def test_lemma_8_fails_on_limits_that_are_not_self_enforcing():
    # the uniform starting limits of the page: V != D, and they do not roll over
    P, Q, y = _chain()
    out = lemma_8_gap(P, Q, y, np.full(3, -0.3), BETA, n=200)
    o = assert_falsified(verify, "hl-lemma-8", out.gap, out.error, kind="claim", what="uniform limits -0.3")
    print(f"uniform limits: falsified, excess / tol = {o.excess / o.tol:.3g}")
    # Alvarez-Jermann's limits (autarky punishment, V(phi) = V_aut < D(0)) at their prices
    aj = _aj()
    lim = proposition_4_roll_over(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky", steps=8, n=200)
    assert np.all(lim.se_gap < -1e-2)
    out = lemma_8_gap(aj.P, aj.Q, aj.y, lim.phi, aj.beta_hat, residual_error=lim.error, n=200)
    o = assert_falsified(verify, "hl-lemma-8", out.gap, out.error, kind="claim", what="autarky limits")
    print(f"autarky limits: falsified, excess / tol = {o.excess / o.tol:.3g}")


_chains = dict(seed=st.integers(0, 2 ** 32 - 1), S=st.integers(2, 3), beta=st.floats(0.5, 0.95),
               k=st.floats(0.05, 0.5), tilt=st.floats(-0.5, 0.5))


@given(**_chains)
@settings(max_examples=15, deadline=None)
def test_lemma_8_holds_on_random_chains(seed, S, beta, k, tilt):
    # random prices with Perron root one; T started off the Perron vector (limits that do not roll over)
    P, Q, y, v = _perron_chain(seed, S)
    beta = _patient(beta, P, Q)
    phi0 = -k * y.mean() * v * np.exp(tilt * np.linspace(-1.0, 1.0, S))
    se = decided(lambda: proposition_4_roll_over(P, Q, y, beta, phi0=phi0, n=150, steps=12))
    assume(se.residual_change < 1e-6 and np.all(se.phi < 0.0))   # converged across the Perron direction
    out = decided(lambda: lemma_8_gap(P, Q, y, se.phi, beta, residual_error=se.error, n=150))
    verify("hl-lemma-8", out.gap, out.error, kind="claim", what="random chain, limits found by T")


def test_lemma_8_gap_validates_its_parameters():
    P, Q, y = _chain()
    with pytest.raises(ValueError, match="phi"):
        lemma_8_gap(P, Q, y, np.array([-0.3, 0.0, -0.3]), BETA)
    with pytest.raises(ValueError, match="depth"):
        lemma_8_gap(P, Q, y, np.full(3, -0.3), BETA, depth=0)
    with pytest.raises(ValueError, match="residual_error"):
        lemma_8_gap(P, Q, y, np.full(3, -0.3), BETA, residual_error=-1.0)
    with pytest.raises(ValueError, match="bind_tol"):
        lemma_8_gap(P, Q, y, np.full(3, -0.3), BETA, bind_tol=0.0)


# ------------------------------------------------------------------------------------- Perron condition


def test_perron_condition_page_cases():
    P, Q, y = _chain()
    aj = _aj()
    r1 = perron_condition_limits(P, Q, y, BETA, steps=15)
    low = perron_condition_limits(P, 0.95 * Q, y, BETA, steps=30)
    r_aj = perron_condition_limits(aj.P, aj.Q, aj.y, aj.beta_hat, steps=20)
    for r in (r1, low, r_aj):
        verify("hl-claim-perron-condition", r.ray_distance, r.ray_error, kind="claim", what="on the Perron ray")
    for r in (low, r_aj):
        assert r.rho < 1.0
        verify("hl-claim-perron-condition", r.size, r.error, kind="claim", what="rho < 1: zero limits")
    assert abs(r1.rho - 1.0) < 1e-12 and r1.size > 100 * r1.error


@pytest.mark.falsifies("hl-claim-perron-condition", how="violation")
def test_perron_condition_fails_for_autarky_limits():
    # same operator, autarky punishment (V(phi) = V_aut < D(0): not self-enforcing in the sense of Definition 1)
    aj = _aj()
    r = perron_condition_limits(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky", steps=20)
    assert r.rho < 1.0
    o = assert_falsified(verify, "hl-claim-perron-condition", r.size, r.error, kind="claim",
                         what="rho < 1, autarky limits: zero limits")
    print(f"size: falsified, excess / tol = {o.excess / o.tol:.3g}")
    o = assert_falsified(verify, "hl-claim-perron-condition", r.ray_distance, r.ray_error, kind="claim",
                         what="autarky limits: on the Perron ray")
    print(f"ray distance: falsified, excess / tol = {o.excess / o.tol:.3g}")


@given(**_chains, rho=st.floats(0.85, 0.97))
@settings(max_examples=10, deadline=None)
def test_perron_condition_on_random_chains(seed, S, beta, k, tilt, rho):
    # rho = 1: the limits found by T from limits off the Perron vector are on the ray and non-zero;
    # the same chain with prices scaled to rho < 1: they are zero
    P, Q, y, v = _perron_chain(seed, S)
    beta = _patient(beta, P, Q)
    phi0 = -k * y.mean() * v * np.exp(tilt * np.linspace(-1.0, 1.0, S))
    r1 = decided(lambda: perron_condition_limits(P, Q, y, beta, phi0=phi0, steps=15, n=150))
    assume(r1.error <= 1e-5)   # settled (as below): the tail term no longer of the order of the moves
    verify("hl-claim-perron-condition", r1.ray_distance, r1.ray_error, kind="claim", what="random chain, rho = 1")
    assert r1.size > r1.error
    low = decided(lambda: perron_condition_limits(P, rho * Q, y, beta, phi0=phi0, steps=60, n=150))
    # decided only once the iteration has settled: while the limits still shrink, the error estimate's tail
    # term is of the order of their size, and the check could not tell a slow collapse from a non-zero limit
    assume(low.error <= 1e-6)
    verify("hl-claim-perron-condition", low.size, low.error, kind="claim", what=f"random chain, rho = {rho:.3f}")


def test_perron_condition_limits_validates_its_parameters():
    P, Q, y = _chain()
    with pytest.raises(ValueError, match="steps"):
        perron_condition_limits(P, Q, y, BETA, steps=1)
    with pytest.raises(ValueError, match="n"):
        perron_condition_limits(P, Q, y, BETA, n=50)
    with pytest.raises(ValueError, match="phi0"):
        perron_condition_limits(P, Q, y, BETA, phi0=[-0.3, 0.1, -0.3])
    with pytest.raises(ValueError, match="punishment"):
        perron_condition_limits(P, Q, y, BETA, punishment="exile")
    with pytest.raises(RuntimeError, match="bottom of the grid"):
        perron_condition_limits(P, 1.02 * Q, y, BETA, steps=30)   # rho > 1: no fixed point to test
