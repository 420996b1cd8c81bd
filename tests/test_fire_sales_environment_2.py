"""Kilenthong--Townsend, Environment 2: the supporting bands for deviations to pairs of exchanges
(kt-claim-table-3-op-equilibrium, :func:`commitment.fire_sales.environment_2_band_gap`).

The claim: at the equilibrium with rights of Table 3 ("op"), prices of rights and securities exist in
every exchange of a grid of pairs (z1, z2) such that no type gains from any pair (the KKT inequality (56),
solved as an LP by cutting planes). Falsifiers: the competitive equilibrium of Table 3 ("ex", not
constrained-optimal, so no prices support it: a violation), and the op allocation with its rights price
set to zero (a perturbation: storage becomes an arbitrage). The closed-form deviation value is checked
against each type's own optimisation over storage and securities (SLSQP).
"""

import numpy as np
import pytest
from scipy.optimize import minimize

from commitment import fire_sales as fs
from commitment.fire_sales import environment_2 as e2
from commitment.verification import assert_falsified, verify

RID = "kt-claim-table-3-op-equilibrium"
WHAT = "Env 2 op: largest gain from any exchange pair at the LP's supporting prices"


def mirror(a):
    """Environment 2 with rich-state endowment a (a = 3 is the paper's)."""
    return fs.collateral_economy([0.5, 0.5], [[2, 2], [2, 2]], [[[a, a], [1, 1]], [[1, 1], [a, a]]], pi=[0.5, 0.5])


@pytest.fixture(scope="module")
def env2():
    return fs.segregated_equilibrium(fs.ENV2), fs.collateral_equilibrium(fs.ENV2)


def test_table_3_op_is_supported(env2):
    se, _ = env2
    b = fs.environment_2_band_gap(fs.ENV2, se)
    verify(RID, b.gap, b.tol, kind="claim", what=WHAT)
    assert b.tol < 1e-5
    assert np.all(b.margin <= b.tol)  # the central prices support it too
    lo, hi = b.band[..., 0], b.band[..., 1]
    assert np.all(lo <= hi + b.tol)  # non-empty bands at every exchange of both states
    i = int(np.flatnonzero(b.z == se.z[0, 0])[0])
    np.testing.assert_allclose(b.band[:, i, :], se.P[0, 0], atol=1e-9)  # a point at the active exchange


@pytest.mark.parametrize("a", [2.5, 4.0])
def test_other_mirror_economies_are_supported(a):
    econ = mirror(a)
    b = fs.environment_2_band_gap(econ, fs.segregated_equilibrium(econ), bands=False)
    verify(RID, b.gap, b.tol, kind="claim", what=f"mirror economy, rich endowment {a}")


@pytest.mark.parametrize("offsets", [np.linspace(-0.41, 0.14, 51), np.array([-1e-2, -1e-3, -1e-4, 1e-4, 1e-3, 1e-2])],
                         ids=["fine-grid", "near-active"])
def test_other_grids(env2, offsets):
    """A twice finer grid, and exchanges within 1e-4 of the active one: supported for op, not for ex."""
    se, ce = env2
    b = fs.environment_2_band_gap(fs.ENV2, se, z_grid=se.z[0, 0] + offsets, bands=False)
    verify(RID, b.gap, b.tol, kind="claim", what="Env 2 op, other exchange grid")
    c = fs.environment_2_band_gap(fs.ENV2, ce, z_grid=ce.z[0] + offsets, bands=False)
    assert c.gap > 100 * c.tol


@pytest.mark.falsifies("kt-claim-table-3-op-equilibrium", how="violation")
@pytest.mark.parametrize("a", [2.5, 3.0, 4.0])
def test_competitive_equilibrium_is_not_supported(a):
    """The competitive equilibrium (rights priced at zero in its exchanges) is not constrained-optimal
    (Proposition 1, kt-proposition-1 on the planner page): no prices keep every type out of every pair."""
    econ = mirror(a)
    b = fs.environment_2_band_gap(econ, fs.collateral_equilibrium(econ), bands=False)
    out = assert_falsified(verify, RID, b.gap, b.tol, kind="claim", what=f"Env 2 ex, rich endowment {a}")
    assert out.excess > 1e-3


@pytest.mark.falsifies("kt-claim-table-3-op-equilibrium", how="perturbation")
def test_zero_rights_price_is_not_supported(env2):
    se, _ = env2
    b = fs.environment_2_band_gap(fs.ENV2, se._replace(P=np.zeros((1, 2))), bands=False)
    assert_falsified(verify, RID, b.gap, b.tol, kind="claim", what="Env 2 op with P = 0 (perturbation)")


def _own_choice(econ, eq, h, z, P, Q):
    """Type h's best deviation to pair z by SLSQP over storage and securities (linearised form of (56))."""
    pt = e2._parts(econ, eq)
    V = e2._net_values(econ, pt)
    e, s_ = econ.e, econ.sigma

    def neg(x):
        k, th = x[0], x[1:]
        val, cost = 0.0, pt.p0 * k
        for s in range(2):
            W = e[h, s, 0] + z[s] ** s_ * (e[h, s, 1] + k) + th[s]
            val += econ.pi[s] * fs._v(W, z[s], s_)
            cost += Q[s] * th[s] + P[s] * (z[s] * (e[h, s, 1] + k) - e[h, s, 0])
        return -(val - pt.mu0[h] * cost - V[h])

    cons = [{"type": "ineq", "fun": (lambda x, s=s: x[1 + s] + z[s] ** s_ * x[0])} for s in range(2)]
    best = -np.inf
    for x0 in ([0.1, 0.0, 0.0], [1.0, 0.5, -0.5], [0.5, -0.3, 0.3]):
        r = minimize(neg, x0, bounds=[(0, 5), (-5, 5), (-5, 5)], constraints=cons, method="SLSQP",
                     options={"ftol": 1e-14, "maxiter": 500})
        best = max(best, -r.fun)
    return best


def test_closed_form_gain_matches_the_types_own_optimisation(env2):
    se, _ = env2
    b = fs.environment_2_band_gap(fs.ENV2, se, z_grid=np.linspace(0.45, 0.95, 6), bands=False)
    rng = np.random.default_rng(0)
    for _ in range(6):
        i, j = rng.integers(0, b.z.size, 2)
        z, P, Q = (b.z[i], b.z[j]), (b.P[0, i], b.P[1, j]), (b.Q[0, i], b.Q[1, j])
        g = fs.environment_2_deviation_gain(fs.ENV2, se, z, P, Q)
        own = [_own_choice(fs.ENV2, se, h, z, P, Q) for h in range(2)]
        np.testing.assert_allclose(g, own, atol=1e-8)


def test_storage_arbitrage_gives_an_unbounded_gain(env2):
    se, _ = env2
    g = fs.environment_2_deviation_gain(fs.ENV2, se, se.z[0], [0.0, 0.0])
    assert np.all(np.isinf(g))
    g = fs.environment_2_deviation_gain(fs.ENV2, se, se.z[0], se.P[0])
    np.testing.assert_allclose(g, 0.0, atol=1e-12)  # the equilibrium's own pair: no gain


def test_validation(env2):
    se, ce = env2
    with pytest.raises(ValueError, match="two-state"):
        fs.environment_2_band_gap(fs.ENV1, fs.segregated_equilibrium(fs.ENV1))
    with pytest.raises(ValueError, match="z_grid"):
        fs.environment_2_band_gap(fs.ENV2, se, z_grid=[-0.5, 0.7])
    with pytest.raises(ValueError, match="max_rounds"):
        fs.environment_2_band_gap(fs.ENV2, se, max_rounds=0)
    with pytest.raises(ValueError, match="z \\(the pair"):
        fs.environment_2_deviation_gain(fs.ENV2, se, [0.5], [0.1, 0.1])
    with pytest.raises(ValueError, match="Q \\(security"):
        fs.environment_2_deviation_gain(fs.ENV2, se, [0.5, 0.6], [0.1, 0.1], Q=[0.0, 1.0])
