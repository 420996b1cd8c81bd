"""Our general-equilibrium example (stochastic.md): one-period risk-free rates differ from g while the
Perron root of the growth-adjusted prices is one and the long-run yield equals g.

ge_stochastic_rates rebuilds the prices from the household solver's consumption. Claim checks: rho - 1 = 0,
long-run yield - g = 0, max_s |R_1(s) - g| > error. Falsifier (perturbation): the rebuilt prices scaled by
1.05. Separation: on a symmetric and on an i.i.d. chain every rate equals g and the rates-differ check fails.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment import verify, verify_leq
from commitment.self_enforcing_debt import ge_stochastic_rates
from commitment.verification import _evaluate_verify_leq, assert_falsified

E_HI, E_LO, BETA, G = 1.5, 0.5, 0.9, 1.02


def _checks(r):
    verify("hl-ours-ge-stochastic-rates", r.rho - 1.0, r.error, kind="claim", what="rho - 1")
    verify("hl-ours-ge-stochastic-rates", r.long_yield - r.g, r.long_error, kind="claim", what="long yield - g")


def test_page_case():
    r = ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 0.7, g=G)
    assert not r.perturbed and r.error < 1e-6
    _checks(r)
    verify_leq("hl-ours-ge-stochastic-rates", 0.0, r.spread, r.error, strict=True, kind="claim",
               what="max |R_1 - g| > error")
    assert r.R.min() < G < r.R.max()  # one state above g, the other below


@pytest.mark.parametrize("p", [(0.3, 0.3), (0.5, 0.5), (0.0, 0.0)])
def test_rates_differ_check_fails_where_rows_sum_to_one(p):
    # symmetric chains (p1 = p2) and the i.i.d. chain (p1 = p2 = 0.5): every one-period rate equals g, so the
    # check "the rates differ from g" must fail there, while rho = 1 and the long-yield check still hold
    r = ge_stochastic_rates(E_HI, E_LO, BETA, *p, g=G)
    _checks(r)
    out = _evaluate_verify_leq("hl-ours-ge-stochastic-rates", 0.0, r.spread, r.error, strict=True, kind="claim")
    assert not out.ok and r.spread < r.error


@pytest.mark.falsifies("hl-ours-ge-stochastic-rates", how="perturbation")
def test_rho_and_long_yield_checks_fail_on_scaled_prices():
    # perturbation, not an economy: the prices rebuilt from the solver's consumption times 1.05 (rho = 1.05)
    r = ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 0.7, g=G, perturb_prices=1.05)
    assert r.perturbed
    o1 = assert_falsified(verify, "hl-ours-ge-stochastic-rates", r.rho - 1.0, r.error, kind="claim", what="rho - 1")
    o2 = assert_falsified(verify, "hl-ours-ge-stochastic-rates", r.long_yield - r.g, r.long_error, kind="claim",
                          what="long yield - g")
    print(f"falsified: excess / tol = {o1.excess / o1.tol:.3g}, {o2.excess / o2.tol:.3g}")


@given(p1=st.floats(0.0, 0.8), p2=st.floats(0.0, 0.8), g=st.floats(0.98, 1.05))
@settings(max_examples=10, deadline=None)
def test_random_asymmetric_chains(p1, p2, g):
    try:
        r = ge_stochastic_rates(E_HI, E_LO, BETA, p1, p2, g=g)
    except RuntimeError:  # no debt equilibrium (or Newton's method fails) at these persistences
        assume(False)
    _checks(r)
    if abs(p1 - p2) > 0.05:
        verify_leq("hl-ours-ge-stochastic-rates", 0.0, r.spread, r.error, strict=True, kind="claim",
                   what="max |R_1 - g| > error")


def test_validates_its_parameters():
    with pytest.raises(ValueError, match="n "):
        ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 0.7, n=10)
    with pytest.raises(ValueError, match="g "):
        ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 0.7, g=-1.0)
    with pytest.raises(ValueError, match="p2"):
        ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 1.2)
    with pytest.raises(ValueError, match="perturb_prices"):
        ge_stochastic_rates(E_HI, E_LO, BETA, 0.3, 0.7, perturb_prices=0.0)
