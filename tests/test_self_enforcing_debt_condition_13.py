"""Hellwig-Lorenzoni, condition (13): a borrower at his limit at the start of a high period is indifferent
between repaying and defaulting iff (q_o g)(q_e g) = 1, strictly prefers repaying above, defaulting below.

:func:`commitment.self_enforcing_debt.condition_13_gap` solves the repaying agent (limit phi_j) and the
defaulter (zero limits) with the household solver, which knows neither Lemma 1's closed form nor the product
Pi, and returns V(phi_j) - D(0) in the high state. The page checks it at two price pairs with Pi = 1 (zero)
and at the market prices of limits 0.6 B* and 1.1 B* (strict signs). The violating economies are those
with Pi != 1: there the zero check fails, and each sign check fails on the case of the other sign.
Tolerances are the function's own error estimate (grid changes, truncation, the solver's stopping rule;
refined until <= 1e-6); a random draw that does not reach it (RuntimeError) is rejected, not counted.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify, verify_leq
from tests.deciding import decided

E_HI, E_LO, BETA = 1.5, 0.5, 0.9


def _market(m):
    from commitment.self_enforcing_debt import off_steady_state
    return off_steady_state(E_HI, E_LO, BETA, m)


def _gap_at(m):
    from commitment.self_enforcing_debt import condition_13_gap
    o = _market(m)
    return condition_13_gap(E_HI, E_LO, BETA, o.x, o.x, o.phi)


def _zero_check(c):
    # the page's check at Pi = 1, called exactly as the page calls it
    return (verify, "hl-claim-se-price-condition", c.gap, c.error)


def test_condition_13_page_cases():
    from commitment.self_enforcing_debt import condition_13_gap
    se = _market(1.0)
    for xj, xo in ((se.x, se.x), (1.25, 0.8)):
        c = condition_13_gap(E_HI, E_LO, BETA, xj, xo, se.phi)
        assert c.Pi == pytest.approx(1.0, abs=1e-12) and c.lemma_1_holds and c.defaulter_saves
        verify("hl-claim-se-price-condition", c.gap, c.error, kind="claim", what="Pi = 1: V - D at the limit")
    tight, loose = _gap_at(0.6), _gap_at(1.1)
    verify_leq("hl-claim-se-price-condition", 0.0, tight.gap, tight.error, strict=True, kind="claim",
               what="Pi > 1: V - D > 0")
    verify_leq("hl-claim-se-price-condition", loose.gap, 0.0, loose.error, strict=True, kind="claim",
               what="Pi < 1: V - D < 0")


@pytest.mark.falsifies("hl-claim-se-price-condition", how="violation")
def test_zero_check_fails_where_the_product_is_not_one():
    # limits 0.6 B* (too tight, Pi = 1.74) and 1.1 B* (too loose, Pi = 0.89) at their market prices
    for m in (0.6, 1.1):
        c = _gap_at(m)
        assert abs(c.Pi - 1.0) > 0.1
        o = assert_falsified(verify, "hl-claim-se-price-condition", c.gap, c.error, kind="claim",
                             what=f"limits {m} B*: V - D at the limit")
        print(f"m = {m}: falsified, excess / tol = {o.excess / o.tol:.3g}")


@pytest.mark.falsifies("hl-claim-se-price-condition", how="violation")
def test_sign_checks_fail_on_the_other_side():
    tight, loose = _gap_at(0.6), _gap_at(1.1)
    # "V - D > 0" on the loose limits (Pi < 1) and "V - D < 0" on the tight ones (Pi > 1)
    assert_falsified(verify_leq, "hl-claim-se-price-condition", 0.0, loose.gap, loose.error, strict=True,
                     kind="claim", what="Pi > 1: V - D > 0")
    assert_falsified(verify_leq, "hl-claim-se-price-condition", tight.gap, 0.0, tight.error, strict=True,
                     kind="claim", what="Pi < 1: V - D < 0")


def test_condition_13_gap_validates_its_parameters():
    from commitment.self_enforcing_debt import condition_13_gap
    with pytest.raises(ValueError, match="phi_j"):
        condition_13_gap(E_HI, E_LO, BETA, 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="x_j"):
        condition_13_gap(E_HI, E_LO, BETA, -1.0, 1.0, -0.1)
    with pytest.raises(ValueError, match="beta"):
        condition_13_gap(E_HI, E_LO, 1.2, 1.0, 1.0, -0.1)


# economies where the defaulter saves at x_j (Lemma 2) and Lemma 1's plan is optimal; log and CRRA utility
_economy = dict(e_hi=st.floats(1.1, 2.5), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.8, 0.95),
                sigma=st.sampled_from([1.0, 2.0]), phi=st.floats(-0.4, -0.02), x_j=st.floats(0.9, 1.3))


def _hypotheses_hold(c):
    assume(c.lemma_1_holds and c.defaulter_saves)


@given(**_economy)
@settings(max_examples=25, deadline=None)
def test_zero_gap_where_the_product_is_one(e_hi, e_lo, beta, sigma, phi, x_j):
    from commitment.self_enforcing_debt import condition_13_gap
    c = decided(lambda: condition_13_gap(e_hi, e_lo, beta, x_j, 1.0 / x_j, phi, sigma=sigma))
    _hypotheses_hold(c)
    verify("hl-claim-se-price-condition", c.gap, c.error, kind="claim", what="random economy, Pi = 1")


@given(**_economy, x_other=st.floats(0.85, 1.3))
@settings(max_examples=20, deadline=None)
def test_gap_has_the_sign_of_the_product_minus_one(e_hi, e_lo, beta, sigma, phi, x_j, x_other):
    from commitment.self_enforcing_debt import condition_13_gap
    assume(abs(x_j * x_other - 1.0) >= 0.05)
    # two-period gross return below 1 / beta^2 + margin: wealth stays bounded and the estimate can converge
    assume(x_j * x_other >= beta ** 2 + 0.05)
    c = decided(lambda: condition_13_gap(e_hi, e_lo, beta, x_j, x_other, phi, sigma=sigma))
    _hypotheses_hold(c)
    if c.Pi > 1.0:
        verify_leq("hl-claim-se-price-condition", 0.0, c.gap, c.error, strict=True, kind="claim",
                   what="random economy, Pi > 1: V - D > 0")
    else:
        verify_leq("hl-claim-se-price-condition", c.gap, 0.0, c.error, strict=True, kind="claim",
                   what="random economy, Pi < 1: V - D < 0")
