"""Lemma 1 of Aguiar, Amador, Hopenhayn and Werning (2019) (planner.md): in a Markov equilibrium V(b, l) is
non-increasing in b and takes every value from vD_lo up to V-bar (no downward jump).

:func:`commitment.debt_maturity.lemma_1_margins` computes the Eaton-Gersovitz equilibrium (value iteration on
the government's own Bellman equation, which imposes neither property) on n_b, n_b/2 and n_b/4 debt levels and
measures the largest rise of V between neighbouring levels and the largest second difference of V extrapolated
to a zero debt step (a jump survives the extrapolation, a kink or a smooth fall does not). Tolerances are the
function's own error bounds (the change of V from the half grid, and of the extrapolation from the coarser pair).
With one-period debt the government's value is non-increasing at any prices, so no economy of the model
violates the lemma: the falsifiers are perturbations (labelled as such) added to the solver's V on every grid.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify_leq
from tests.deciding import decided

R = 1.05


def _checks(r, label=""):
    # the page's two checks, called exactly as the page calls them
    return [(("aahw-lemma-1", r.increase, 0.0, r.tol_increase),
             dict(kind="claim", what=f"{label}largest rise of V(b) between neighbouring debt levels <= 0")),
            (("aahw-lemma-1", r.jump, 0.0, r.tol_jump),
             dict(kind="claim", what=f"{label}largest jump of V(b), extrapolated to a zero debt step, <= 0"))]


def _run(beta_R, l=0.25, **kw):
    m = dm.create_model(beta=beta_R / R)
    return dm.lemma_1_margins(m, l, sol=dm.solve_planner(m, l), **kw)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_lemma_1_in_the_paper_economies(beta_R):
    r = _run(beta_R)
    assert not r.perturbed and r.V_range[0] > r.vD_lo
    for args, kw in _checks(r):
        verify_leq(*args, **kw)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.falsifies("aahw-lemma-1", how="perturbation")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_lemma_1_monotonicity_check_fails_on_a_wiggle(beta_R):
    # perturbation, not an economy: V + sin(2 pi b) rises where its slope 2 pi cos(2 pi b) exceeds |V'|
    r = _run(beta_R, value_perturbation=lambda b: np.sin(2 * np.pi * b))
    assert r.perturbed
    args, kw = _checks(r)[0]
    assert_falsified(verify_leq, *args, **kw)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.falsifies("aahw-lemma-1", how="perturbation")
@pytest.mark.parametrize("beta_R", [0.9, 1.0])
def test_lemma_1_continuity_check_fails_on_a_jump(beta_R):
    # perturbation, not an economy: V falls by 0.3 at b = 2 on every grid (values in (vD_lo, V(-0.5)) skipped)
    r = _run(beta_R, value_perturbation=lambda b: -0.3 * (b > 2.0))
    assert r.perturbed
    args, kw = _checks(r)[1]
    assert_falsified(verify_leq, *args, **kw)


def test_lemma_1_margins_validates_its_parameters():
    m = dm.create_model(N=100)
    for kw, name in [(dict(n_b=82), "n_b"), (dict(margin=-1.0), "margin"), (dict(value_perturbation=1.0), "value_perturbation")]:
        with pytest.raises(ValueError, match=name):
            dm.lemma_1_margins(m, 0.25, **kw)


@pytest.mark.usefixtures("one_thread")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(beta_R=st.floats(0.85, 1.0), l=st.floats(0.0, 0.3), tau_lo=st.floats(0.1, 0.4), width=st.floats(0.3, 0.55))
@example(beta_R=1.0, l=0.0, tau_lo=0.125, width=0.375)  # b_max = 22: failed while the kept region was
# b_max - 0.05 on every grid (second differences near b_max were outside their asymptotic range)
def test_lemma_1_on_random_economies(beta_R, l, tau_lo, width):
    """Random economies (same ranges as the Proposition 1 notes): both checks pass; draws whose price
    iteration does not converge (RuntimeError) are counted as undecided, not as passes."""
    m = dm.create_model(beta=beta_R / R, tau_lo=tau_lo, tau_hi=min(tau_lo + width, 0.95), N=400)
    r = decided(lambda: dm.lemma_1_margins(m, l, sol=dm.solve_planner(m, l)))
    label = f"beta R = {beta_R:.3f}, l = {l:.3f}, tau ~ U[{m.tau_lo:.2f}, {m.tau_hi:.2f}]: "
    for args, kw in _checks(r, label):
        verify_leq(*args, **kw)
