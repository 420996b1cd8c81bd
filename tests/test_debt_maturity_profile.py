"""Zero-coupon legacy bonds through the profile solver (convexity.md, restructuring.md: the paper's
Figures 1 and 5 as drawn there): B*(v, x e_k) as a function of one face x, its slope -p_k (Proposition 2),
and strictness in a single maturity only where Proposition 2's conditions hold."""

import numpy as np
import pytest

import commitment.debt_maturity as dm
from commitment.verification import assert_falsified, verify_leq

R = 1.05


@pytest.fixture(scope="module")
def economy():
    m9 = dm.create_model(beta=0.9 / R)
    tail0 = dm.solve_planner(m9, 0.0)
    tol_d2 = 4 * tail0.residual * m9.R / (m9.R - 1)   # as the page: the solver's residual propagated
    return m9, tail0, tol_d2


def test_zero_coupon_curve_validates(economy):
    m9, tail0, _ = economy
    for kw, name in [(dict(k=-1), "k"), (dict(k=1.5), "k"), (dict(faces=[np.nan]), "faces"), (dict(v=100.0), "v")]:
        args = dict(model=m9, k=2, faces=[1.0], v=2.0, tail=tail0)
        args.update(kw)
        with pytest.raises(ValueError, match=name):
            dm.zero_coupon_curve(**args)
    prof = dm.solve_profile(m9, [0.0, 1.0], tail0)
    with pytest.raises(ValueError, match="outside"):
        dm.profile_value_of_debt(prof, 0, 100.0)


def test_zero_coupon_slope_is_minus_the_price(economy):
    """Proposition 2's gradient: dB*/dx = -p_k, central differences (step 1e-3) against the survival-weighted
    discount along the allocation (O(h^2) plus the Hermite interpolation: 1e-4 relative)."""
    m9, tail0, _ = economy
    for k, v in [(1, 2.0), (3, 2.0), (3, 3.36), (5, 1.0)]:
        z = dm.zero_coupon_curve(m9, k, [0.999, 1.0, 1.001], v, tail=tail0)
        slope = (z.B[2] - z.B[0]) / 0.002
        assert slope == pytest.approx(-z.p_k[1], rel=1e-4)


def test_profile_value_of_debt_inverts_the_capacity(economy):
    m9, tail0, _ = economy
    prof = dm.solve_profile(m9, [0.0, 0.0, 0.0, 3.0], tail0)
    V = dm.profile_value_of_debt(prof, 0, 4.0)
    assert dm.profile_debt_capacity(prof, 0, V) == pytest.approx(4.0, abs=1e-10)
    c, vn = dm.profile_policy_at(prof, 0, V)
    assert c > 0 and m9.v[0] <= vn <= m9.v[-1]


def _strict_check(m9, tail0, tol_d2, v, js=(1, 3)):
    """The page's check: second differences in one face (step 0.5 around 1) at least 20 x their error."""
    d2 = []
    for j in js:
        z = dm.zero_coupon_curve(m9, j, [0.5, 1.0, 1.5], v, tail=tail0)
        d2.append(z.B[0] - 2 * z.B[1] + z.B[2])
    return ("aahw-proposition-2", -np.array(d2), -20 * tol_d2), dict(
        tol=tol_d2, kind="claim", what="strict convexity in a single zero-coupon face: d2 >= 20 x its error")


def test_strict_convexity_in_one_face_with_default_risk(economy):
    m9, tail0, tol_d2 = economy
    for v in (2.0, 3.36):
        args, kw = _strict_check(m9, tail0, tol_d2, v)
        verify_leq(*args, **kw)


@pytest.mark.falsifies("aahw-proposition-2", how="violation")
def test_strict_convexity_in_one_face_fails_without_default_risk(economy):
    """Where the strictness conditions fail, B* is affine in the face: riskless promises (beta R = 0.9, v above
    vD_hi, the allocation stays riskless) and the payment due now (l_0: the conditions need j > 0)."""
    m9, tail0, tol_d2 = economy
    for v, js in [(m9.vD_hi + 0.5, (1, 3)), (m9.vD_hi + 1.0, (1, 3)), (2.0, (0,))]:
        args, kw = _strict_check(m9, tail0, tol_d2, v, js)
        assert_falsified(verify_leq, *args, **kw)


# Default in simulation (euler_yields.md): simulate_defaults against the exact survival product.


def test_simulate_defaults_validates(economy):
    m9, tail0, _ = economy
    for kw, name in [(dict(T=0), "T"), (dict(n_paths=0), "n_paths"), (dict(T=1.5), "T")]:
        with pytest.raises(ValueError, match=name):
            dm.simulate_defaults(tail0, 1.0, **kw)


def test_simulated_defaults_match_the_survival_product(economy):
    """Share of draws still repaying vs prod F(v_s): within 5 binomial standard errors plus one draw's share,
    on a path with lasting default risk (beta R = 0.9, l = 0.5, from b = 0.2), and reproducible by seed."""
    m9, _, _ = economy
    s = dm.solve_planner(m9, 0.5)
    d = dm.simulate_defaults(s, 0.2, T=60, n_paths=20000, seed=3)
    se = np.sqrt(d.survival * (1 - d.survival) / 20000)
    assert np.all(np.abs(d.survival_mc - d.survival) <= 5 * se + 1 / 20000)
    assert d.survival[-1] < 1e-3 and np.all(np.diff(d.survival) <= 0)
    again = dm.simulate_defaults(s, 0.2, T=60, n_paths=20000, seed=3)
    assert np.array_equal(d.default_at, again.default_at)
    # a falsified simulator (defaults drawn with the wrong cost distribution) would fail the same bound:
    # shifting every v_t down by 0.5 raises default rates far beyond 5 standard errors
    shifted = d.path._replace(v=d.path.v - 0.5)
    F_shift = dm.repay_cdf(shifted.v[1:], m9.beta, m9.y, m9.tau_lo, m9.tau_hi)
    assert np.max(np.abs(np.concatenate(([1.0], np.cumprod(F_shift))) - d.survival_mc)) > 10 * (se.max() + 1 / 20000)
