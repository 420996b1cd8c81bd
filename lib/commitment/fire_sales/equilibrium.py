r"""Competitive collateral equilibrium (Definition 1) and the one-state kernels shared by every solver.

The numba kernels of one state (an agent's choice given prices, the price of rights that clears, storage
that clears), the result objects, the competitive equilibrium (one state, and the mirror two-state
economies of Environment 2), and the Table 1 and Table 3 "ex" columns. Pages ``collateral_economy``,
``tables``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.errors import NoEquilibrium
from commitment.fire_sales.economy import CollateralEconomy, _mu, _phi, _share, _v

__all__ = [
    "CollateralEquilibrium", "NoSupportedEquilibrium", "SegregatedEquilibrium", "UnsupportedEconomy",
    "ce_kernel", "collateral_equilibrium", "se_grid_kernel", "se_kernel", "table_1_ex", "table_3_ex",
    "tax_kernel",
]

# --------------------------------------------------------------------------- kernels: one state


@njit(cache=True)
def _agent(e10, e20, e1, e2, q, p0, z, P, R, beta, sigma):
    """Optimal storage of one type in an exchange z with rights price P (closed form).

    Budget: c10 + p0 c20 + (p0 + P z R) k = e10 + p0 e20 - P (z e2 - e1) (eq. 19 with Delta of eq. 11);
    date-1 wealth e1 + p (e2 + R k). Returns (k, w0 - cost, W1): the FOC
    c_k mu0 = beta p R mu1 is linear in k for CRRA utility.
    """
    p = z**sigma
    w0 = e10 + p0 * e20 - P * (z * e2 - e1)
    ck = p0 + P * z * R
    F = e1 + p * e2
    a0 = _share(q, sigma)
    a1 = _share(z, sigma)
    rho = (ck / (beta * p * R)) ** (1.0 / sigma)
    k = (a0 * w0 - rho * a1 * F) / (a0 * ck + rho * a1 * p * R)
    if k < 0.0:
        k = 0.0
    return k, w0 - ck * k, F + p * R * k


@njit(cache=True)
def _prices(K, E10, E20, E1, E2, R, sigma):
    q = E10 / (E20 - K)
    return q, q**sigma, E1 / (E2 + R * K)


@njit(cache=True)
def _excess_k(K, P, alpha, e10, e20, e1, e2, R, beta, sigma):
    """sum_h alpha_h k_h - K at aggregate storage K (z and p0 follow from K)."""
    E10, E20, E1, E2 = alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2
    q, p0, z = _prices(K, E10, E20, E1, E2, R, sigma)
    tot = 0.0
    for h in range(alpha.shape[0]):
        tot += alpha[h] * _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)[0]
    return tot - K


@njit(cache=True)
def _rights_formula(P, K, alpha, e10, e20, e1, e2, R, beta, sigma):
    """P - (summed z-FOC of the members): the continuum rights price of Section 2.1.5.

    P = p'(z) sum_h m_h beta (mu1/mu0)(e2 + R k - c2) / sum_h m_h (e2 + R k)
    """
    E10, E20, E1, E2 = alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2
    q, p0, z = _prices(K, E10, E20, E1, E2, R, sigma)
    num = 0.0
    den = 0.0
    for h in range(alpha.shape[0]):
        k, w0, W1 = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)
        mu0 = _mu(w0, q, sigma)
        mu1 = _mu(W1, z, sigma)
        c2 = W1 * _share(z, sigma) / z
        num += alpha[h] * beta * mu1 / mu0 * (e2[h] + R * k - c2)
        den += alpha[h] * (e2[h] + R * k)
    return P - sigma * z ** (sigma - 1.0) * num / den


@njit(cache=True)
def _p_residual(P, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix):
    """Residual in the rights price P: the summed z-FOC (continuum, zfix <= 0) or storage clearing at
    a fixed exchange zfix (grid)."""
    if zfix > 0.0:
        return _excess_k(K, P, alpha, e10, e20, e1, e2, R, beta, sigma)
    return _rights_formula(P, K, alpha, e10, e20, e1, e2, R, beta, sigma)


@njit(cache=True)
def _solve_P(K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix):
    """Root in P of :func:`_p_residual` on (-p0/(zR), inf): bracket expansion, then bisection to 1e-15.

    (Bisection rather than a generic Brent taking a function argument: numba cannot cache kernels that
    pass functions around, and 60 halvings of a closed-form residual cost microseconds.)
    """
    E10, E20, E1, E2 = alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2
    q, p0, z = _prices(K, E10, E20, E1, E2, R, sigma)
    lo_lim = -p0 / (z * R)
    a, b = 0.0, 0.5 * p0 + 0.1
    fa = _p_residual(a, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix)
    fb = _p_residual(b, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix)
    it = 0
    while fa * fb > 0.0:
        it += 1
        if it > 200:
            raise RuntimeError("no sign change found while bracketing the rights price")
        if abs(fa) < abs(fb):
            a = lo_lim + 0.5 * (a - lo_lim)
            if a - lo_lim <= 1e-12 * abs(lo_lim):
                raise RuntimeError("no sign change found while bracketing the rights price")
            fa = _p_residual(a, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix)
        else:
            b = b + 2.0 * (b - a)
            fb = _p_residual(b, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix)
    for _ in range(200):
        m = 0.5 * (a + b)
        if b - a <= 1e-15 * (1.0 + abs(m)):
            break
        fm = _p_residual(m, K, alpha, e10, e20, e1, e2, R, beta, sigma, zfix)
        if fm * fa > 0.0:
            a, fa = m, fm
        else:
            b = m
    return 0.5 * (a + b)


@njit(cache=True)
def _k_residual(K, P, alpha, e10, e20, e1, e2, R, beta, sigma, segregated):
    if segregated:
        P = _solve_P(K, alpha, e10, e20, e1, e2, R, beta, sigma, 0.0)
    return _excess_k(K, P, alpha, e10, e20, e1, e2, R, beta, sigma)


@njit(cache=True)
def _solve_K(P, alpha, e10, e20, e1, e2, R, beta, sigma, segregated):
    """Aggregate storage K in [0, E20): bisection on the excess storage (0 at a corner)."""
    a, b = 0.0, (alpha @ e20) * (1.0 - 1e-9)
    fa = _k_residual(a, P, alpha, e10, e20, e1, e2, R, beta, sigma, segregated)
    if fa <= 0.0:
        return 0.0
    fb = _k_residual(b, P, alpha, e10, e20, e1, e2, R, beta, sigma, segregated)
    if fb > 0.0:
        raise RuntimeError("excess storage is positive at K = aggregate good-2 endowment")
    for _ in range(200):
        m = 0.5 * (a + b)
        if b - a <= 1e-15 * (1.0 + m):
            break
        fm = _k_residual(m, P, alpha, e10, e20, e1, e2, R, beta, sigma, segregated)
        if fm > 0.0:
            a = m
        else:
            b = m
    return 0.5 * (a + b)


@njit(cache=True)
def ce_kernel(alpha, e10, e20, e1, e2, R, beta, sigma):
    """Competitive collateral equilibrium, one state (Definition 1): aggregate storage K.

    Bisection on K of sum_h alpha_h k_h(p0(K), z(K)) - K with the closed-form storage demands.
    """
    return _solve_K(0.0, alpha, e10, e20, e1, e2, R, beta, sigma, False)


@njit(cache=True)
def tax_kernel(P, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Competitive equilibrium with the rights price P held fixed as a tax book: aggregate storage K."""
    return _solve_K(P, alpha, e10, e20, e1, e2, R, beta, sigma, False)


@njit(cache=True)
def se_kernel(alpha, e10, e20, e1, e2, R, beta, sigma):
    """Segregated-exchange equilibrium with one active exchange, continuum of z: returns (K, P).

    Outer bisection on K (storage market), inner bisection in P of the summed z-first-order condition.
    """
    K = _solve_K(0.0, alpha, e10, e20, e1, e2, R, beta, sigma, True)
    return K, _solve_P(K, alpha, e10, e20, e1, e2, R, beta, sigma, 0.0)


@njit(cache=True)
def se_grid_kernel(z, alpha, e10, e20, e1, e2, R, beta, sigma):
    """One active exchange fixed at z: K from consistency (eq. 10), P from the storage market."""
    K = (alpha @ e1 / z - alpha @ e2) / R
    return K, _solve_P(K, alpha, e10, e20, e1, e2, R, beta, sigma, z)


# --------------------------------------------------------------------------- results


class CollateralEquilibrium(NamedTuple):
    """Competitive collateral equilibrium (Definition 1).

    k (H,) storage; K aggregate storage; p0 date-0 price of good 2; z, p (S,) fundamentals and spot prices;
    theta (H, S) collateralised good-1 securities (zero with one state); c0 (H, 2), c1 (H, S, 2)
    consumption; U (H,) utilities; mu0 (H,), mu1 (H, S) marginal utilities of wealth; binding (H, S)
    collateral constraints with a strictly positive multiplier; residual of the storage market;
    converged.
    """

    k: np.ndarray
    K: float
    p0: float
    z: np.ndarray
    p: np.ndarray
    theta: np.ndarray
    c0: np.ndarray
    c1: np.ndarray
    U: np.ndarray
    mu0: np.ndarray
    mu1: np.ndarray
    binding: np.ndarray
    residual: float
    converged: bool


class SegregatedEquilibrium(NamedTuple):
    """Equilibrium with segregated exchanges and rights to trade (Definition 3 / Definition 6).

    z (M, S) active exchanges; P (M, S) prices of rights there; weights (H, M) share of each type in each
    exchange (a lottery when a row has several positive entries); k (H,) expected storage per type and
    k_by_exchange (H, M); K aggregate storage; p0; Delta (H, M, S) discrepancies; fee (H,) expected rights
    fees paid at t = 0 (negative: received); c0 (H, 2); c1 (H, M, S, 2); U (H,); mu0 (H,); theta (H, S)
    (two-state mirror economies only); residual (max abs of the equilibrium conditions); converged.
    """

    z: np.ndarray
    P: np.ndarray
    weights: np.ndarray
    k: np.ndarray
    k_by_exchange: np.ndarray
    K: float
    p0: float
    Delta: np.ndarray
    fee: np.ndarray
    c0: np.ndarray
    c1: np.ndarray
    U: np.ndarray
    mu0: np.ndarray
    theta: np.ndarray
    residual: float
    converged: bool


def _one_state(econ):
    return (econ.alpha, econ.e0[:, 0].copy(), econ.e0[:, 1].copy(), econ.e[:, 0, 0].copy(),
            econ.e[:, 0, 1].copy(), float(econ.R[0]), econ.beta, econ.sigma)


def _is_mirror(econ):
    """Two types, two states swapped between them, equal masses, equal date-0 endowments, pi = 1/2."""
    return (econ.H == 2 and econ.S == 2 and np.allclose(econ.alpha, 0.5) and np.allclose(econ.pi, 0.5)
            and np.allclose(econ.e0[0], econ.e0[1]) and np.allclose(econ.e[0, 0], econ.e[1, 1])
            and np.allclose(econ.e[0, 1], econ.e[1, 0]) and np.isclose(econ.R[0], econ.R[1]))


class UnsupportedEconomy(ValueError, NotImplementedError):
    """An economy outside a solver's domain (e.g. a two-state economy that is not a mirror economy).

    A ``ValueError`` (the economy's parameters are outside the admissible set of the solver) and, for
    code written against earlier versions, a ``NotImplementedError``."""


class NoSupportedEquilibrium(NoEquilibrium):
    """A supported economy without an equilibrium of the kinds solved here: no single exchange (nor,
    with one saver and several borrowers, one exchange per borrower with a mixing lender) has non-empty
    rights-price bands everywhere (Definition 6); no grid point supports a pure grid equilibrium; a
    single exchange leaves a type with negative date-0 wealth; or, in a mirror economy, the collateral
    constraint does not bind in the rich state (the binding pattern the solver assumes).

    A ``RuntimeError`` (via :class:`commitment.errors.NoEquilibrium`), as these cases raised before."""


def _unsupported(what):
    return UnsupportedEconomy(
        f"{what}: supported are one-state economies and two-type mirror two-state economies "
        "(Environment 2 type: states swapped between the types, pi = 1/2, equal masses and date-0 endowments)")


def _allocation_one_state(econ, K, P_by_m, z_by_m, weights, k_hm):
    """Consumption, utilities and marginal utilities when the k_hm and the exchange prices are known."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    H, M = weights.shape
    q, p0, _ = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
    p_m = z_by_m**sigma
    a0 = 1.0 / (1.0 + q ** (sigma - 1.0))
    fee = np.zeros(H)
    W1 = np.zeros((H, M))
    Delta = np.zeros((H, M, 1))
    for h in range(H):
        for m in range(M):
            Delta[h, m, 0] = z_by_m[m] * (e2[h] + R * k_hm[h, m]) - e1[h]
            W1[h, m] = e1[h] + p_m[m] * (e2[h] + R * k_hm[h, m])
            fee[h] += weights[h, m] * P_by_m[m] * Delta[h, m, 0]
    w0 = e10 + p0 * e20 - fee - p0 * (weights * k_hm).sum(axis=1)
    c0 = np.column_stack([a0 * w0, a0 * w0 / q])
    a1 = 1.0 / (1.0 + z_by_m ** (sigma - 1.0))
    c1 = np.zeros((H, M, 1, 2))
    c1[:, :, 0, 0] = W1 * a1
    c1[:, :, 0, 1] = W1 * a1 / z_by_m
    U = _phi(c0[:, 0], sigma) + _phi(c0[:, 1], sigma)
    U = U + beta * (weights * (_phi(c1[:, :, 0, 0], sigma) + _phi(c1[:, :, 0, 1], sigma))).sum(axis=1)
    mu0 = c0[:, 0] ** (-sigma)
    return p0, Delta, fee, c0, c1, U, mu0


# --------------------------------------------------------------------------- competitive equilibrium


def collateral_equilibrium(economy: CollateralEconomy) -> CollateralEquilibrium:
    """Competitive collateral equilibrium with the externality (Definition 1; the "ex" columns).

    One state: Brent on aggregate storage with closed-form storage demands. Mirror two-state economies
    (Environment 2): each type stores k, pledges all of it in its rich state (theta = -p R k) and buys
    the other's claim; k solves p0 mu0 = 2 beta pi mu_poor p R (the k- and bond first-order conditions).
    Any other two-state economy: :func:`commitment.fire_sales.two_state.two_state_collateral_equilibrium`.
    """
    if economy.S == 1:
        args = _one_state(economy)
        K = ce_kernel(*args)
        alpha, e10, e20, e1, e2, R, beta, sigma = args
        q, p0, z = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
        k = np.array([_agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, 0.0, R, beta, sigma)[0]
                      for h in range(economy.H)])
        res = float(alpha @ k - K)
        _, _, _, c0, c1, U, mu0 = _allocation_one_state(economy, K, np.zeros(1), np.array([z]),
                                                        np.ones((economy.H, 1)), k[:, None])
        mu1 = (c1[:, 0, 0, 0] ** (-sigma))[:, None]
        # multiplier on the collateral constraint (forward-contract form) of a type at k = 0:
        # mu0 p0 - beta mu1 p R > 0 means it would borrow against collateral it does not have
        gap = mu0 * p0 - beta * mu1[:, 0] * z**sigma * R
        binding = ((k <= 0.0) & (gap > 1e-10 * mu0 * p0))[:, None]
        return CollateralEquilibrium(k, float(K), float(p0), np.array([z]), np.array([z**sigma]),
                                     np.zeros((economy.H, 1)), c0, c1[:, 0], U, mu0, mu1, binding,
                                     abs(res), abs(res) < 1e-9)
    if _is_mirror(economy):
        return _mirror_equilibrium(economy, segregated=False)
    if economy.S == 2:  # any other two-state economy: the general solver (binding patterns found, not imposed)
        from commitment.fire_sales.two_state import two_state_collateral_equilibrium
        return two_state_collateral_equilibrium(economy)
    raise _unsupported("collateral_equilibrium")


# --------------------------------------------------------------------------- Environment 2 (mirror)


def table_1_ex(economy) -> np.ndarray:
    """Table 1's "ex" columns (the competitive collateral equilibrium, Definition 1) for a one-state
    economy: one row per type, (k, c10, c20, c11, c21, U). For Environment 1 the paper prints them to
    four decimals."""
    if economy.S != 1:
        raise UnsupportedEconomy("table_1_ex: one state (Table 1 is Environment 1)")
    ce = collateral_equilibrium(economy)
    return np.column_stack([ce.k, ce.c0, ce.c1[:, 0, :], ce.U])


def table_3_ex(economy) -> np.ndarray:
    """Table 3's "ex" entries (the competitive collateral equilibrium of a two-state mirror economy such as
    Environment 2): type 1's storage k and the collateralised claim |theta| it issues in its rich state
    (type 2's holding in state 1). The paper prints 0.4603 and 0.3042."""
    ce = collateral_equilibrium(economy)
    if economy.S != 2:
        raise UnsupportedEconomy("table_3_ex: two states (Table 3 is Environment 2)")
    return np.array([ce.k[0], ce.theta[1, 0]])


def _mirror_parts(k, econ):
    e10, e20 = econ.e0[0]
    (r1, r2), (p1_, p2_) = econ.e[0, 0], econ.e[0, 1]  # rich state (state 1 for type 1), poor state
    R, beta, sigma = float(econ.R[0]), econ.beta, econ.sigma
    q = e10 / (e20 - k)
    p0 = q**sigma
    z = (r1 + p1_) / (r2 + p2_ + 2 * R * k)
    p = z**sigma
    W0 = e10 + p0 * e20 - p0 * k
    W_rich = r1 + p * r2
    W_poor = p1_ + p * p2_ + 2 * p * R * k
    return q, p0, z, p, W0, W_rich, W_poor, R, beta, sigma


def _mirror_U(k, econ):
    q, p0, z, p, W0, Wr, Wp, R, beta, sigma = _mirror_parts(k, econ)
    return float(_v(W0, q, sigma) + beta * 0.5 * (_v(Wr, z, sigma) + _v(Wp, z, sigma)))


def _mirror_equilibrium(econ, segregated, z_grid=None):
    from scipy.optimize import brentq, minimize_scalar

    e20 = econ.e0[0, 1]
    if not segregated:
        def foc(k):
            q, p0, z, p, W0, Wr, Wp, R, beta, sigma = _mirror_parts(k, econ)
            return p0 * _mu(W0, q, sigma) - 2 * beta * 0.5 * _mu(Wp, z, sigma) * p * R
        k = brentq(foc, 1e-12, e20 * (1 - 1e-9), xtol=1e-15)
        res = abs(foc(k))
    elif z_grid is None:
        out = minimize_scalar(lambda k: -_mirror_U(k, econ), bounds=(1e-12, e20 * (1 - 1e-9)),
                              method="bounded", options={"xatol": 1e-12})
        k = float(out.x)
        h = 1e-6
        res = abs(_mirror_U(k + h, econ) - _mirror_U(k - h, econ)) / (2 * h)
    else:
        raise UnsupportedEconomy("segregated_equilibrium with z_grid: one-state economies only")
    q, p0, z, p, W0, Wr, Wp, R, beta, sigma = _mirror_parts(k, econ)
    mu0 = _mu(W0, q, sigma)
    mu_r, mu_p = _mu(Wr, z, sigma), _mu(Wp, z, sigma)
    Q = beta * 0.5 * mu_p / mu0  # price of a claim to good 1 in a state (bond FOC, unconstrained state)
    gamma_rich = Q * mu0 - beta * 0.5 * mu_r  # collateral multiplier in the rich state
    if gamma_rich <= 0:
        raise NoSupportedEquilibrium("mirror economy: the collateral constraint does not bind in the rich "
                                     "state; the binding pattern assumed by the solver does not hold")
    a0, a1 = _share(q, sigma), _share(z, sigma)
    c0 = np.array([[a0 * W0, a0 * W0 / q]] * 2)
    c_r, c_p = [a1 * Wr, a1 * Wr / z], [a1 * Wp, a1 * Wp / z]
    c1 = np.array([[c_r, c_p], [c_p, c_r]])
    U = np.full(2, float(_v(W0, q, sigma) + beta * 0.5 * (_v(Wr, z, sigma) + _v(Wp, z, sigma))))
    theta = np.array([[-p * R * k, p * R * k], [p * R * k, -p * R * k]])
    if not segregated:
        binding = np.array([[True, False], [False, True]])
        return CollateralEquilibrium(np.full(2, k), float(k), float(p0), np.full(2, z), np.full(2, p), theta,
                                     c0, c1, U, np.full(2, mu0), np.array([[mu_r, mu_p], [mu_p, mu_r]]),
                                     binding, float(res), res < 1e-8)
    # rights price per state from the k first-order condition mu0 (p0 + sum_s P z R) = 2 Q mu0 p R
    Pz = (2 * Q * p * R - p0) / (2 * z * R)
    e = econ.e
    Delta = np.array([[[z * (e[h, s, 1] + R * k) - e[h, s, 0] for s in range(2)]] for h in range(2)])
    fee = Pz * Delta.sum(axis=(1, 2))
    return SegregatedEquilibrium(np.array([[z, z]]), np.array([[Pz, Pz]]), np.ones((2, 1)), np.full(2, k),
                                 np.full((2, 1), k), float(k), float(p0), Delta, fee, c0, c1[:, None],
                                 U, np.full(2, mu0), theta, float(res), res < 1e-5)
