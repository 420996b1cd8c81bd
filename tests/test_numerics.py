"""Shared numerics: root finding, maximisation, interpolation, CRRA utility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from scipy.interpolate import PchipInterpolator

from commitment import numerics as nm
from commitment import utility as ut

sigmas = st.floats(0.1, 10.0)
positive = st.floats(1e-3, 1e3)


@njit
def cubic(x, a):
    return x**3 - a


@njit
def flat(x):
    return 1.0 + 0.0 * x


@given(a=st.floats(0.01, 100.0))
@settings(max_examples=50)
def test_find_root_cube_root(a):
    # Brent stops at xtol + rtol |x|: 2e-12 absolute
    assert abs(nm.find_root(cubic, 0.0, 5.0, (a,)) - a ** (1 / 3)) < 4e-12


def test_find_root_refuses_a_non_bracket():
    with pytest.raises(ValueError, match="opposite signs"):
        nm.find_root(cubic, 3.0, 4.0, (2.0,))


def test_find_root_reports_non_convergence():
    with pytest.raises(RuntimeError, match="did not converge"):
        nm.find_root(cubic, 0.0, 5.0, (2.0,), 2e-12, 8.9e-16, 2)


@njit
def concave(x, m):
    return -(x - m) ** 2


@given(m=st.floats(-2.0, 3.0))
@settings(max_examples=50)
def test_maximize_scalar_interior_and_corners(m):
    x, fx = nm.maximize_scalar(concave, 0.0, 1.0, (m,))
    expected = min(max(m, 0.0), 1.0)
    assert abs(x - expected) < 1e-8  # xtol = 1e-10 on the argmax; corners are exact
    assert fx == pytest.approx(concave(expected, m), abs=1e-14)


@given(slope=st.floats(-5, 5), intercept=st.floats(-5, 5), x=st.floats(-1.0, 3.0))
def test_linear_interpolation_is_exact_for_affine_functions_including_extrapolation(slope, intercept, x):
    xp = np.array([0.0, 0.3, 1.0, 2.0])
    fp = intercept + slope * xp
    assert nm.interp_linear(xp, fp, x) == pytest.approx(intercept + slope * x, abs=1e-12)


@given(c=st.lists(st.floats(-3, 3), min_size=4, max_size=4), x=st.floats(0.0, 2.0))
def test_hermite_is_exact_for_cubics(c, x):
    xp = np.array([0.0, 0.5, 1.2, 2.0])
    f = lambda t: c[0] + c[1] * t + c[2] * t**2 + c[3] * t**3
    df = lambda t: c[1] + 2 * c[2] * t + 3 * c[3] * t**2
    assert nm.interp_hermite(xp, f(xp), df(xp), x) == pytest.approx(f(x), abs=1e-10)


@given(st.lists(st.floats(-10, 10), min_size=5, max_size=30))
def test_pchip_slopes_match_scipy(values):
    y = np.array(values)
    x = np.cumsum(np.linspace(0.5, 1.5, y.size))
    xs = np.linspace(x[0], x[-1], 200)
    ours = nm.interp_hermite_many(x, y, nm.pchip_slopes(x, y), xs)
    assert np.allclose(ours, PchipInterpolator(x, y)(xs), atol=1e-9)


def test_interpolation_orders():
    # log on [0.5, 4]: the error ratio between h and h/2 is 4 (linear) and 16 (Hermite, exact slopes)
    xs = np.linspace(0.5, 4.0, 5001)
    def err(n, kind):
        xp = np.linspace(0.5, 4.0, n)
        if kind == "linear":
            y = nm.interp_linear_many(xp, np.log(xp), xs)
        else:
            y = nm.interp_hermite_many(xp, np.log(xp), 1 / xp, xs)
        return np.max(np.abs(y - np.log(xs)))
    assert 3.6 < err(81, "linear") / err(161, "linear") < 4.4
    assert 14.0 < err(81, "hermite") / err(161, "hermite") < 18.0


@given(c=positive, sigma=sigmas)
def test_inverse_marginal_utility_inverts(c, sigma):
    m = ut.marginal_utility(c, sigma)
    assert ut.inverse_marginal_utility(m, sigma) == pytest.approx(c, rel=1e-9)


@given(c=positive)
def test_utility_is_continuous_in_sigma_at_one(c):
    assert ut.utility(c, 1.0 + 1e-7) == pytest.approx(np.log(c), abs=1e-5 * (1 + np.log(c) ** 2))


@given(c=positive, a=st.sampled_from([1e-12, -1e-12, 1e-9, -1e-9]))
def test_utility_keeps_its_accuracy_as_sigma_tends_to_one(c, a):
    """u(c) = log c + a log(c)**2 / 2 + O(a**2) with a = 1 - sigma; the direct form (c**a - 1)/a loses about
    eps/a (1e-4 at a = 1e-12) to cancellation, so this fails on it."""
    log_c = np.log(c)
    expected = log_c + a * log_c**2 / 2.0
    assert abs(ut.utility(c, 1.0 - a) - expected) <= 1e-12 * (1.0 + abs(log_c) ** 3)


def test_utility_vectorised_and_validated():
    assert np.allclose(ut.utility(np.array([1.0, 2.0]), 2.0), [0.0, 0.5])
    with pytest.raises(ValueError, match="sigma"):
        ut.utility(1.0, 0.0)
    with pytest.raises(ValueError, match="consumption"):
        ut.utility(np.array([1.0, -1.0]), 2.0)
    with pytest.raises(ValueError, match="marginal utility"):
        ut.inverse_marginal_utility(0.0, 2.0)
