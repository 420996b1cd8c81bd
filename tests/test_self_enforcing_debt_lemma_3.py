"""Hellwig-Lorenzoni, Lemma 3 (App. B): V(a, s) strictly increasing and strictly concave in a above the
zero-consumption level, optimal choices non-decreasing in a.

:func:`commitment.self_enforcing_debt.lemma_3_margins` solves the household (time iteration, policy
evaluation: neither imposes the properties) and measures the smallest increase and concavity gap of V and
the smallest policy step at equally spaced test points. Tolerances are the function's own error bounds:
twice (the change of the values at the test points on grids with n/2, n - 1, n + 1 points + the solver's
stopping rule, 1e-8). The solver admits only CRRA utility, for which the lemma holds, so the falsifiers
are perturbations (labelled as such): a convex bump added to the solver's value, a wiggle added to its
consumption policy.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify_leq
from tests.deciding import decided

E_HI, E_LO, BETA = 1.5, 0.5, 0.9


def _economies():
    from commitment.self_enforcing_debt import example_chain, two_state_markov
    hl = two_state_markov(E_HI, E_LO, BETA, persistence=0.3)
    P3, Q3, y3, v3 = example_chain()
    return {"two-state, pi = 0.3": (hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat),
            "three-state chain (ours), phi = -0.3 v": (P3, Q3, y3, -0.3 * v3, BETA)}


def _checks(name, l3):
    # the page's two checks, called exactly as the page calls them
    return ((verify_leq, "hl-lemma-3", 0.0, l3.margin, l3.error,
             dict(strict=True, kind="claim", what=f"{name}: min(increase, concavity gap) of V > 0")),
            (verify_leq, "hl-lemma-3", -l3.policy_step, 0.0, l3.policy_error,
             dict(kind="claim", what=f"{name}: smallest step of c and a'(s') >= 0")))


def test_lemma_3_page_cases():
    from commitment.self_enforcing_debt import lemma_3_margins
    for name, args in _economies().items():
        l3 = lemma_3_margins(*args)
        assert not l3.perturbed and l3.error < 1e-4 and l3.policy_error < 1e-2
        for check, rid, lhs, rhs, tol, kw in _checks(name, l3):
            check(rid, lhs, rhs, tol, **kw)


@pytest.mark.falsifies("hl-lemma-3", how="perturbation")
def test_concavity_check_fails_on_a_convex_bump():
    from commitment.self_enforcing_debt import lemma_3_margins
    for name, args in _economies().items():
        # perturbation, not an economy: V + 0.2 (a - mean a)^2 is convex where |V''| < 0.4
        l3 = lemma_3_margins(*args, value_perturbation=lambda s, a: 0.2 * (a - a.mean()) ** 2)
        assert l3.perturbed
        check, rid, lhs, rhs, tol, kw = _checks(name, l3)[0]
        o = assert_falsified(check, rid, lhs, rhs, tol, **kw)
        print(f"{name}: falsified, excess / tol = {o.excess / o.tol:.3g}")


@pytest.mark.falsifies("hl-lemma-3", how="perturbation")
def test_policy_check_fails_on_a_wiggle():
    from commitment.self_enforcing_debt import lemma_3_margins
    for name, args in _economies().items():
        # perturbation: c + 0.1 sin(4 pi a) decreases where the wiggle falls faster than c rises
        l3 = lemma_3_margins(*args, policy_perturbation=lambda s, a: 0.1 * np.sin(4 * np.pi * a))
        check, rid, lhs, rhs, tol, kw = _checks(name, l3)[1]
        o = assert_falsified(check, rid, lhs, rhs, tol, **kw)
        print(f"{name}: falsified, excess / tol = {o.excess / o.tol:.3g}")


def test_lemma_3_margins_validates_its_parameters():
    from commitment.self_enforcing_debt import lemma_3_margins
    args = _economies()["two-state, pi = 0.3"]
    with pytest.raises(ValueError, match="m "):
        lemma_3_margins(*args, m=2)
    with pytest.raises(ValueError, match="n "):
        lemma_3_margins(*args, n=50)
    with pytest.raises(ValueError, match="a_top"):
        lemma_3_margins(*args, a_top=100.0)
    with pytest.raises(ValueError, match="beta"):
        lemma_3_margins(*args[:4], 1.2)


@given(e_hi=st.floats(1.1, 2.5), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.8, 0.95),
       pi=st.floats(0.0, 0.6), sigma=st.sampled_from([1.0, 2.0]))
@settings(max_examples=8, deadline=None)
def test_lemma_3_holds_on_random_two_state_economies(e_hi, e_lo, beta, pi, sigma):
    from hypothesis import assume

    from commitment.self_enforcing_debt import lemma_3_margins, two_state_markov
    hl = two_state_markov(e_hi, e_lo, beta, pi, sigma=sigma)
    assume(hl.exists)
    l3 = decided(lambda: lemma_3_margins(hl.P, hl.Q, hl.y, hl.phi, hl.beta_hat, sigma))
    for check, rid, lhs, rhs, tol, kw in _checks("random economy", l3):
        check(rid, lhs, rhs, tol, **kw)
