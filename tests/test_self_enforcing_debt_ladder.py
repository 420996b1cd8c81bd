"""The interest-rate ladder of the Hellwig-Lorenzoni example (our derivation): R_aut_max < R_HL = g < R_FB, with
R_aut_max = g^sigma beta^-1 (e_lo / e_hi)^sigma and R_FB = g^sigma / beta; the first inequality is the existence
condition beta_hat e_hi^sigma > e_lo^sigma.

:func:`commitment.self_enforcing_debt.interest_rate_ladder` finds R_aut_max and R_FB with the household solver
at constant prices (the rate at which a high agent with zero limits starts to save; the rate at which an agent
with loose limits neither accumulates nor decumulates over a cycle), without the closed forms. The violating
economies: those where the existence condition fails (R_aut_max > g, the ordering fails), and, for the closed
forms, the log-utility formula applied to sigma = 2. Tolerances are the function's own error estimate (grid
changes, the change of the extrapolation, the solver's stopping rule over the slope; at most 1e-6); a random
draw that does not reach it (RuntimeError) is rejected, not counted.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify_close, verify_ordered
from tests.deciding import decided

E_HI, E_LO, BETA = 1.5, 0.5, 0.9


def _ladder(*args, **kw):
    from commitment.self_enforcing_debt import interest_rate_ladder
    return interest_rate_ladder(*args, **kw)


@pytest.mark.parametrize("sigma", [1.0, 2.0])
def test_ladder_page_cases(sigma):
    lad = _ladder(E_HI, E_LO, BETA, g=1.02, sigma=sigma)
    verify_ordered("hl-claim-interest-rate-ladder", lad.rates, strict=True, tol=lad.error, kind="claim",
                   what="R_aut_max < g < R_FB")
    verify_close("hl-claim-interest-rate-ladder", lad.rates, lad.closed_form, lad.error, kind="claim",
                 what="solver rates vs closed forms")


@pytest.mark.falsifies("hl-claim-interest-rate-ladder", how="violation")
@pytest.mark.parametrize("e_hi, e_lo, sigma", [(1.0, 0.95, 1.0), (1.05, 1.0, 2.0)])
def test_ordering_fails_without_the_existence_condition(e_hi, e_lo, sigma):
    # beta_hat e_hi^sigma < e_lo^sigma: no debt equilibrium, autarky rates above g
    lad = _ladder(e_hi, e_lo, BETA, g=1.02, sigma=sigma)
    o = assert_falsified(verify_ordered, "hl-claim-interest-rate-ladder", lad.rates, strict=True, tol=lad.error,
                         kind="claim", what="R_aut_max < g < R_FB")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


@pytest.mark.falsifies("hl-claim-interest-rate-ladder", how="violation")
def test_log_closed_form_fails_for_crra():
    # the observation's formulas are for log utility: g e_lo / (beta e_hi) and g / beta are false at sigma = 2
    lad = _ladder(E_HI, E_LO, BETA, g=1.02, sigma=2.0)
    log_form = [1.02 * E_LO / (BETA * E_HI), 1.02, 1.02 / BETA]
    o = assert_falsified(verify_close, "hl-claim-interest-rate-ladder", lad.rates, log_form, lad.error,
                         kind="claim", what="solver rates vs closed forms")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_interest_rate_ladder_validates_its_parameters():
    with pytest.raises(ValueError, match="step"):
        _ladder(E_HI, E_LO, BETA, step=0.0)
    with pytest.raises(ValueError, match="n "):
        _ladder(E_HI, E_LO, BETA, n=10)
    with pytest.raises(ValueError, match="e_hi"):
        _ladder(0.4, E_LO, BETA)


@given(e_hi=st.floats(1.1, 2.5), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.8, 0.95), g=st.floats(0.98, 1.05),
       sigma=st.sampled_from([1.0, 2.0]))
@settings(max_examples=8, deadline=None)
def test_ladder_on_random_economies(e_hi, e_lo, beta, g, sigma):
    assume(beta * g ** (1 - sigma) < 0.99)
    lad = decided(lambda: _ladder(e_hi, e_lo, beta, g=g, sigma=sigma))
    verify_close("hl-claim-interest-rate-ladder", lad.rates, lad.closed_form, lad.error, kind="claim",
                 what="random economy: solver rates vs closed forms")
    exists = beta * g ** (1 - sigma) * e_hi ** sigma > e_lo ** sigma
    # the ordering holds exactly where the existence condition does (decided well away from the boundary)
    assume(abs(lad.rates[0] - g) > 100 * lad.error)
    assert (lad.rates[0] < g) == exists
    if exists:
        verify_ordered("hl-claim-interest-rate-ladder", lad.rates, strict=True, tol=lad.error, kind="claim",
                       what="random economy with a debt equilibrium: R_aut_max < g < R_FB")
