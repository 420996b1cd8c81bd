"""Proposition 4 date by date on deterministic limits that do not roll over (roll_over.md).

The page's claim check is the roll-over residual on the dates from which the household solver finds
V_t = D_t(0) at every date (Proposition 4: zero, to rounding), together with the failure of
self-enforcement (max_t |V_t - D_t| beyond its grid-change error) on limits that do not roll over.
Separation: on the steady state, which rolls over, the same check finds no violation. Falsifier
(violation of the hypothesis): Alvarez-Jermann's autarky punishment on their alternating economy (R > g),
where V_t = V_aut_t at every date although the limits do not roll over.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment import verify, verify_leq
from commitment.self_enforcing_debt import (ROUNDING_P4, debt_limit_iteration, proposition_4_roll_over,
                                            proposition_4_violation_margins, steady_state, time_chain,
                                            two_state_markov)
from commitment.verification import _evaluate_verify_leq, assert_falsified

E_HI, E_LO, BETA = 1.5, 0.5, 0.9
Y = np.array([E_HI, E_LO] * 6)
DATES = np.arange(12)


def _families():
    phi = steady_state(E_HI, E_LO, BETA).phi_odd
    loose = np.full(12, phi)
    loose[4] *= 1.3
    return {"slower": phi * 0.97 ** np.minimum(DATES, 10), "faster": phi * 1.03 ** np.minimum(DATES, 10),
            "one loose date": loose}, np.full(12, phi)


def test_page_cases_show_the_violation_and_the_steady_state_none():
    fams, ss = _families()
    for name, phi in fams.items():
        r = proposition_4_violation_margins(np.ones(12), Y, phi, BETA)
        assert np.max(np.abs(r.er_residual)) > 1e-3 and r.error < 1e-6
        verify("hl-proposition-4", r.tail_residual, ROUNDING_P4, kind="claim", what=f"{name}: tail residual")
        verify_leq("hl-proposition-4", 0.0, r.violation, r.error, strict=True, kind="claim",
                   what=f"{name}: max |V - D| > error")
        # the solver finds V = D exactly from the first date after which the limits roll over
        assert r.tail_start == (5 if name == "one loose date" else 10)
    # the direction the deterministic proof predicts at date 0
    r_slow = proposition_4_violation_margins(np.ones(12), Y, fams["slower"], BETA)
    r_fast = proposition_4_violation_margins(np.ones(12), Y, fams["faster"], BETA)
    assert r_slow.gap[0] < -100 * r_slow.error and r_slow.lemma_8_gap[0] > 0
    assert r_fast.gap[0] > 100 * r_fast.error and r_fast.lemma_8_gap[0] < 0
    # separation: the steady state rolls over and the violation check fails there (no violation)
    r = proposition_4_violation_margins(np.ones(12), Y, ss, BETA)
    out = _evaluate_verify_leq("hl-proposition-4", 0.0, r.violation, r.error, strict=True, kind="claim")
    assert not out.ok and r.first_violation == -1 and r.tail_start == 0
    verify("hl-proposition-4", r.tail_residual, ROUNDING_P4, kind="claim", what="steady state: residual")


def test_not_too_tight_operator_on_the_date_chain_reaches_roll_over():
    # the page's deterministic case of the registered claim function: T (exclusion punishment) on the 12-date
    # chain from the shrinking limits reaches limits that roll over, with V = D at every date
    fams, _ = _families()
    chain = time_chain(np.ones(12), Y, fams["slower"])
    out = proposition_4_roll_over(chain.P, chain.Q, chain.y, BETA, phi0=chain.phi, steps=10, n=200)
    assert out.residual_change < 1e-6 and np.max(np.abs(out.se_gap)) < 1e-6
    verify("hl-proposition-4", out.residual, out.error, kind="claim", what="date chain: phi - q phi'")


@given(gamma=st.one_of(st.floats(0.9, 0.99), st.floats(1.01, 1.1)), k=st.integers(1, 9))
@settings(max_examples=8, deadline=None)
def test_limits_off_roll_over_are_not_self_enforcing(gamma, k):
    # limits that change at rate gamma for k dates and then stay at phi* (q = 1): whenever they do not roll
    # over beyond 1e-3, the solver finds a violation beyond its error, and V = D only where they roll over
    phi = steady_state(E_HI, E_LO, BETA).phi_odd * gamma ** np.minimum(DATES, k)
    r = proposition_4_violation_margins(np.ones(12), Y, phi, BETA)
    verify("hl-proposition-4", r.tail_residual, ROUNDING_P4, kind="claim", what="tail residual")
    if np.max(np.abs(r.er_residual)) > 1e-3:
        verify_leq("hl-proposition-4", 0.0, r.violation, r.error, strict=True, kind="claim",
                   what="max |V - D| > error")


@pytest.mark.falsifies("hl-proposition-4", how="violation")
def test_tail_check_fails_with_the_autarky_punishment():
    # Alvarez-Jermann's economy with alternating endowments (persistence 0, so deterministic), R > g; limits
    # from the not-too-tight operator with the autarky punishment, converged; on the date chain the solver
    # finds V_t = V_aut_t at every date (the "tail" is every date) but the limits do not roll over
    aj = two_state_markov(1.3, 0.7, 0.7, persistence=0.0, punishment="autarky", low_limit=False)
    it = debt_limit_iteration(aj.P, aj.Q, aj.y, aj.beta_hat, punishment="autarky", tol=1e-11, max_iter=200, n=400)
    q = np.array([aj.Q[0, 1], aj.Q[1, 0]] * 2)
    y = np.array([aj.y[0], aj.y[1]] * 2)
    phi = np.array([it.phi[0], it.phi[1]] * 2)
    r = proposition_4_violation_margins(q, y, phi, aj.beta_hat, punishment="autarky", n=400)
    assert r.tail_start == 0 and r.violation <= r.error
    o = assert_falsified(verify, "hl-proposition-4", r.tail_residual, ROUNDING_P4, kind="claim",
                         what="autarky punishment: tail residual")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_validates_its_parameters():
    fams, ss = _families()
    args = (np.ones(12), Y, ss, BETA)
    with pytest.raises(ValueError, match="phi"):
        proposition_4_violation_margins(np.ones(12), Y, -ss, BETA)
    with pytest.raises(ValueError, match="punishment"):
        proposition_4_violation_margins(*args, punishment="prison")
    with pytest.raises(ValueError, match="beta"):
        proposition_4_violation_margins(np.ones(12), Y, ss, 1.2)
    with pytest.raises(ValueError, match="n "):
        proposition_4_violation_margins(*args, n=50)
    with pytest.raises(ValueError, match="cycle"):
        proposition_4_violation_margins(*args, cycle=20)
