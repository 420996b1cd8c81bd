"""Our comparison of the two punishments in the two-state economy (not the paper's):
c_FB <= c_AJ <= c_HL < e_hi and g = R_HL <= R_AJ <= R_FB.

:func:`commitment.self_enforcing_debt.aj_vs_hl_ordering` finds both equilibria with the household solver:
c_HL where the not-too-tight operator with the exclusion punishment switches from shrinking to loosening
the limits (Brent), c_AJ where the solver's consumption at the autarky-punishment limits equals the
candidate c (Brent). Tolerances: the function's error bound (changes on grids with n/2, n - 1, n + 1
points + bracket + solver tolerance 1e-8; times |dR/dc| for the rates). The closed forms of
two_state_markov are used only as an independent cross-check here. Falsifier (perturbation): the two
solved equilibria passed with the punishments swapped.
"""

import functools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify, verify_leq, verify_ordered
from tests.deciding import decided

TABLE = [(1.5, 0.5, 0.9, 0.3), (1.3, 0.7, 0.7, 0.0), (1.5, 0.5, 0.7, 0.5)]


@functools.lru_cache(maxsize=None)
def _ordering(p):
    from commitment.self_enforcing_debt import aj_vs_hl_ordering
    return aj_vs_hl_ordering(*p)


def _check_all(p, o):
    # the page's checks, called exactly as the page calls them
    verify_ordered("hl-claim-aj-vs-hl", [o.c_fb, o.c_aj, o.c_hl], tol=o.c_error, kind="claim",
                   what=f"{p}: c_FB <= c_AJ <= c_HL (solver)")
    verify_leq("hl-claim-aj-vs-hl", o.c_hl, o.e_hi, o.c_error, strict=True, kind="claim",
               what=f"{p}: c_HL < e_hi (solver)")
    verify_ordered("hl-claim-aj-vs-hl", [o.R_hl, o.R_aj, o.R_fb], tol=o.R_error, kind="claim",
                   what=f"{p}: R_HL <= R_AJ <= R_FB (solver, over g)")
    verify("hl-claim-aj-vs-hl", o.R_hl - 1.0, o.R_error, kind="claim", what=f"{p}: R_HL / g - 1 (solver)")


@pytest.mark.parametrize("p", TABLE)
def test_aj_vs_hl_page_cases(p):
    from commitment.self_enforcing_debt import two_state_markov
    o = _ordering(p)
    _check_all(p, o)
    # cross-check against the closed forms (not the claim: independent only of the solver)
    hl = two_state_markov(*p)
    aj = two_state_markov(*p, punishment="autarky", low_limit=False)
    assert o.aj_first_best == aj.first_best
    assert abs(o.c_hl - hl.c_hi) <= o.c_error and abs(o.c_aj - aj.c_hi) <= o.c_error
    assert abs(o.R_aj - aj.R) <= o.R_error


@pytest.mark.falsifies("hl-claim-aj-vs-hl", how="perturbation")
def test_orderings_fail_with_the_punishments_swapped():
    # perturbation: the solver's AJ equilibrium passed as HL and conversely (equivalently, closed forms swapped)
    for p in TABLE[1:]:  # economies where AJ is not the first best, so that c_AJ < c_HL strictly
        o = _ordering(p)
        a = assert_falsified(verify_ordered, "hl-claim-aj-vs-hl", [o.c_fb, o.c_hl, o.c_aj], tol=o.c_error,
                             kind="claim", what=f"{p}: c_FB <= c_AJ <= c_HL (solver, punishments swapped)")
        b = assert_falsified(verify_ordered, "hl-claim-aj-vs-hl", [o.R_aj, o.R_hl, o.R_fb], tol=o.R_error,
                             kind="claim", what=f"{p}: R_HL <= R_AJ <= R_FB (solver, punishments swapped)")
        c = assert_falsified(verify, "hl-claim-aj-vs-hl", o.R_aj - 1.0, o.R_error, kind="claim",
                             what=f"{p}: R_HL / g - 1 (solver, punishments swapped)")
        print(f"{p}: falsified, excess / tol = {a.excess / a.tol:.3g}, {b.excess / b.tol:.3g}, {c.excess / c.tol:.3g}")


def test_aj_vs_hl_ordering_validates_its_parameters():
    from commitment.self_enforcing_debt import aj_vs_hl_ordering
    with pytest.raises(ValueError, match="persistence"):
        aj_vs_hl_ordering(1.5, 0.5, 0.7, 1.0)
    with pytest.raises(ValueError, match="beta"):
        aj_vs_hl_ordering(1.5, 0.5, 1.2, 0.3)
    with pytest.raises(ValueError, match="e_hi"):
        aj_vs_hl_ordering(0.5, 1.5, 0.7, 0.3)
    with pytest.raises(ValueError, match="xtol"):
        aj_vs_hl_ordering(1.5, 0.5, 0.7, 0.3, xtol=0.1)


@given(e_hi=st.floats(1.2, 2.0), e_lo=st.floats(0.3, 0.8), beta=st.floats(0.65, 0.9), pi=st.floats(0.0, 0.5))
@settings(max_examples=3, deadline=None)
def test_ordering_on_random_economies(e_hi, e_lo, beta, pi):
    from commitment.self_enforcing_debt import aj_vs_hl_ordering, two_state_markov
    assume(two_state_markov(e_hi, e_lo, beta, pi).exists)   # the claim is about economies with a debt equilibrium
    o = decided(lambda: aj_vs_hl_ordering(e_hi, e_lo, beta, pi))
    _check_all((round(e_hi, 3), round(e_lo, 3), round(beta, 3), round(pi, 3)), o)
