"""Our closed forms for the distribution of the default value in the Section 6 example (environment.md):
F(v) = Pr(v^D <= v) and G(v) = E max{v, v^D} with v^D = log(tau y)/(1 - beta), tau uniform, against the
trapezoid rule over tau (default_distribution_error). The violation: tau not uniform (triangular density),
which the closed forms assume."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify

R = 1.05


def _checks(e, beta_R):
    return [(("aahw-ours-default-distribution", e.err_G, e.tol_G),
             dict(kind="claim", what=f"closed-form G = E max{{v, vD}} vs quadrature over tau, beta R = {beta_R}")),
            (("aahw-ours-default-distribution", e.err_F, e.tol_F),
             dict(kind="claim", what=f"closed-form F vs quadrature of Pr(vD <= v), beta R = {beta_R}"))]


def test_default_distribution_error_validates():
    m = dm.create_model(N=100)
    for kw, name in [(dict(tau_density="beta"), "tau_density"), (dict(n_tau=1000), "n_tau"), (dict(n_v=1), "n_v")]:
        with pytest.raises(ValueError, match=name):
            dm.default_distribution_error(m, **kw)


@pytest.mark.parametrize("beta_R", [1.0, 0.9])
def test_closed_forms_in_the_paper_economies(beta_R):
    e = dm.default_distribution_error(dm.create_model(beta=beta_R / R))   # the page's call
    for args, kw in _checks(e, beta_R):
        verify(*args, **kw)


@pytest.mark.falsifies("aahw-ours-default-distribution", how="violation")
@pytest.mark.parametrize("beta_R", [1.0, 0.9])
def test_closed_forms_fail_when_tau_is_not_uniform(beta_R):
    e = dm.default_distribution_error(dm.create_model(beta=beta_R / R), tau_density="triangular")
    for args, kw in _checks(e, beta_R):
        assert_falsified(verify, *args, **kw)


_ECONOMIES = dict(y=st.floats(0.5, 5.0), R_=st.floats(1.01, 1.1), beta_R=st.floats(0.8, 1.0),
                  tau_lo=st.floats(0.05, 0.6), width=st.floats(0.05, 0.4))


def _model(y, R_, beta_R, tau_lo, width):
    return dm.create_model(y=y, R=R_, beta=beta_R / R_, tau_lo=tau_lo, tau_hi=min(tau_lo + width, 0.95), N=60)


@settings(max_examples=100, deadline=None)
@given(**_ECONOMIES)
def test_closed_forms_over_economies(y, R_, beta_R, tau_lo, width):
    """Admissible economies (tau uniform), 40,001 quadrature nodes; the tolerance is measured per economy."""
    e = dm.default_distribution_error(_model(y, R_, beta_R, tau_lo, width), n_tau=40_001)
    for args, kw in _checks(e, beta_R):
        verify(*args, **kw)


@pytest.mark.falsifies("aahw-ours-default-distribution", how="violation")
@settings(max_examples=30, deadline=None)
@given(**_ECONOMIES)
def test_closed_forms_fail_over_economies_when_tau_is_not_uniform(y, R_, beta_R, tau_lo, width):
    e = dm.default_distribution_error(_model(y, R_, beta_R, tau_lo, width), n_tau=40_001, tau_density="triangular")
    for args, kw in _checks(e, beta_R):
        assert_falsified(verify, *args, **kw)
