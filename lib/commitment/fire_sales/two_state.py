r"""Competitive collateral equilibrium (Definition 1) of any two-state economy, by per-agent KKT conditions.

Ours: the chapter's other solvers cover one state and the *mirror* two-state economy of Environment 2,
whose binding pattern is imposed. Here the probabilities, masses, endowments and returns are free
(two states, any number of types), and each type's binding pattern is found, not assumed.

**Reduction (ours, from eqs. 1-4).** With good-1 securities :math:`\theta^h_s` and spot markets (footnote 7),
write :math:`y^h_s = \theta^h_s + p_sR_sk^h`, the net value of type h's assets in state s. The collateral
constraint (1) is :math:`y^h_s \ge 0`, state-s wealth is :math:`F^h_s + y^h_s` with
:math:`F^h_s = e^h_{1s} + p_se^h_{2s}`, and the date-0 budget (3) is

.. math:: W^h_0 = e^h_{10} + p_0e^h_{20} - \sum_s Q_sy^h_s - k^h\Big(p_0 - \sum_s Q_sp_sR_s\Big).

An equilibrium with positive storage needs :math:`p_0 = \sum_s Q_sp_sR_s` (the first-order condition for
:math:`k`, eq. 9, after the one for :math:`\theta_s`): individual storage then drops out and only the
:math:`y^h_s` matter (we report the equal split :math:`k^h = K`, the mirror solver's convention, with
:math:`\theta^h_s = y^h_s - p_sR_sK`). Each type's problem in :math:`y^h \ge 0` is strictly concave; for a
candidate set of states with interior :math:`y_s` the first-order conditions
:math:`\beta\pi_s u_1(c_{1s}) = Q_s u_1(c_{10})` give closed forms, and the set is enumerated (four per type)
until every KKT condition holds. Prices: :math:`q = \bar e_{10}/(\bar e_{20}-K)`, :math:`p_0 = q^\sigma`,
:math:`z_s` by eq. (10), :math:`p_s = z_s^\sigma`; unknowns :math:`K` and :math:`Q_1` (:math:`Q_2` from the
no-arbitrage condition). Brent in :math:`Q_1` clears the state-1 securities market, an outer scan and Brent
in :math:`K` clears state 2; if storage is in excess supply at every :math:`K`, the corner :math:`K = 0`
(autarky) is checked.

**The check** (:func:`two_state_kkt_residual`) does not use the reduction: from the reported allocation in
the paper's variables :math:`(c_0, k, \theta, c_1)` and prices :math:`(p_0, Q, p)` it evaluates every type's
budgets, first-order conditions (eq. 9 and those of :math:`\theta_s`), the signs of the collateral multipliers
and complementary slackness, and every market's clearing. Page ``collateral_economy``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.fire_sales.economy import CollateralEconomy, _phi, _share
from commitment.fire_sales.equilibrium import CollateralEquilibrium, NoSupportedEquilibrium

__all__ = [
    "TwoStateEquilibrium", "TwoStateKKT", "TwoStatePropositions", "TwoStateRandomClaims",
    "random_two_state_economy", "two_state_collateral_equilibrium", "two_state_equilibrium",
    "two_state_kkt_residual", "two_state_propositions_gap",
    "two_state_random_claims",
]

_XTOL = 1e-15  # brentq's absolute stopping tolerance in K and Q1
_RTOL = 4.0 * np.finfo(float).eps


class TwoStateEquilibrium(NamedTuple):
    """Competitive collateral equilibrium of a two-state economy (:func:`two_state_equilibrium`).

    K aggregate storage; k (H,) individual storage (the equal split, see the module docstring); p0; q
    (date-0 ratio); z, p (2,) fundamentals and spot prices; Q (2,) prices of the good-1 securities; y (H, 2)
    net asset values (collateral constraint: y >= 0); theta (H, 2); c0 (H, 2); c1 (H, 2, 2); U (H,); mu0
    (H,), mu1 (H, 2) marginal utilities of good 1; gamma (H, 2) collateral multipliers Q mu0 - beta pi mu1;
    binding (H, 2) y = 0 with gamma > 0; K_bracket the final bracket of the outer root finder; roots the
    number of sign changes of the outer residual on the scan (more than one: several equilibria, the
    lowest K is returned; 0: the corner K = 0, where Q is the lowest supporting price).
    """

    K: float
    k: np.ndarray
    p0: float
    q: float
    z: np.ndarray
    p: np.ndarray
    Q: np.ndarray
    y: np.ndarray
    theta: np.ndarray
    c0: np.ndarray
    c1: np.ndarray
    U: np.ndarray
    mu0: np.ndarray
    mu1: np.ndarray
    gamma: np.ndarray
    binding: np.ndarray
    K_bracket: tuple
    roots: int


def _check_two_state(economy):
    if not isinstance(economy, CollateralEconomy):
        raise ValueError("economy must be a CollateralEconomy (build it with collateral_economy)")
    if economy.S != 2:
        raise ValueError(f"economy.S (number of states) must be 2 for the two-state solver, got {economy.S}")


def _prices(econ, K):
    a, s = econ.alpha, econ.sigma
    E10, E20 = a @ econ.e0[:, 0], a @ econ.e0[:, 1]
    E1, E2 = a @ econ.e[:, :, 0], a @ econ.e[:, :, 1]
    q = E10 / (E20 - K)
    z = E1 / (E2 + econ.R * K)
    return q, q**s, z, z**s


def _agent(w, F, q, z, Q, pi, beta, sigma):
    """One type's choice of y >= 0 (two states) at prices: enumerate the four sets of interior states and
    keep the one whose KKT conditions hold (the problem is strictly concave, so exactly one does up to
    rounding; the least violated is kept). Returns (y, W0)."""
    a0 = _share(q, sigma)
    a = _share(z, sigma)
    c = (a0 / a) * (beta * pi / Q) ** (1.0 / sigma)  # W_s = c_s W0 on interior states
    best, best_v = None, np.inf
    for mask in ((True, True), (True, False), (False, True), (False, False)):
        I = np.array(mask)
        W0 = (w + np.sum(Q[I] * F[I])) / (1.0 + np.sum(Q[I] * c[I]))
        if W0 <= 0.0:
            continue
        y = np.where(I, c * W0 - F, 0.0)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # extreme trial prices
            mu0 = (a0 * W0) ** (-sigma)
            mu1 = (a * (F + y)) ** (-sigma)
            gam = Q * mu0 - beta * pi * mu1  # multiplier of y_s >= 0, scaled
        if not (np.all(np.isfinite(y)) and np.all(np.isfinite(gam)) and np.isfinite(mu0)):
            continue
        viol = max(0.0, float(np.max(-y[I] / (1.0 + F[I]), initial=0.0)),
                   float(np.max(-gam[~I] / mu0, initial=0.0)))
        if viol < best_v:
            best, best_v = (y, W0), viol
            if viol == 0.0:
                break
    if best is None:
        raise NoSupportedEquilibrium("two-state solver: a type's problem has no finite solution at the trial "
                                     "prices (utility out of floating-point range)")
    return best


def _demands(econ, K, Q1):
    q, p0, z, p = _prices(econ, K)
    R = econ.R
    Q = np.array([Q1, (p0 - Q1 * p[0] * R[0]) / (p[1] * R[1])])
    w = econ.e0[:, 0] + p0 * econ.e0[:, 1]
    F = econ.e[:, :, 0] + p[None, :] * econ.e[:, :, 1]
    y = np.empty((econ.H, 2))
    W0 = np.empty(econ.H)
    for h in range(econ.H):
        y[h], W0[h] = _agent(w[h], F[h], q, z, Q, econ.pi, econ.beta, econ.sigma)
    return q, p0, z, p, Q, y, W0


def _excess(econ, K, Q1):
    """Securities-market excess demands sum_h alpha_h y_hs - p_s R_s K (zero: theta clears)."""
    _, _, _, p, Q, y, _ = _demands(econ, K, Q1)
    return econ.alpha @ y - p * econ.R * K


def _clear_state_1(econ, K):
    """Q1 clearing the state-1 securities market at storage K (Brent on (0, p0/(p1 R1)))."""
    from scipy.optimize import brentq

    q, p0, z, p = _prices(econ, K)
    hi = p0 / (p[0] * econ.R[0])
    lo_x, hi_x = hi * 1e-12, hi * (1.0 - 1e-12)
    f_lo, f_hi = _excess(econ, K, lo_x)[0], _excess(econ, K, hi_x)[0]
    if f_lo * f_hi > 0.0:
        return None if f_lo > 0.0 else -1.0  # claims in short (None) or excess (-1) supply at every Q1
    return brentq(lambda x: _excess(econ, K, x)[0], lo_x, hi_x, xtol=_XTOL * hi, rtol=_RTOL)


def _state_2_residual(econ, K):
    """State-2 excess demand for claims once state 1 clears; where no Q1 clears state 1, a large value of
    the sign of the excess demand (at the edge Q2 -> 0 the state-2 demand grows without bound)."""
    Q1 = _clear_state_1(econ, K)
    if Q1 is None:
        return 1e6
    if Q1 == -1.0:
        return -1e6
    return _excess(econ, K, Q1)[1]


def two_state_equilibrium(economy, n_scan=24) -> TwoStateEquilibrium:
    """Competitive collateral equilibrium (Definition 1) of a two-state economy with any probabilities,
    masses, endowments and returns (ours: per-type KKT conditions with the binding pattern enumerated, see
    the module docstring). ``n_scan`` points of K in (0, e20) bracket the outer root; when storage is in
    excess supply everywhere, the corner K = 0 (nobody stores or trades securities) is checked and
    returned; otherwise raises :class:`NoSupportedEquilibrium`.
    Raises ``ValueError`` unless the economy has two states and ``n_scan`` is an integer in [4, 400]."""
    from scipy.optimize import brentq

    _check_two_state(economy)
    if not (isinstance(n_scan, (int, np.integer)) and 4 <= n_scan <= 400):
        raise ValueError(f"n_scan (points of the storage scan) must be an integer in [4, 400], got {n_scan!r}")
    E20 = float(economy.alpha @ economy.e0[:, 1])
    grid = E20 * (np.linspace(0.0, 1.0, n_scan + 2)[1:-1] ** 1.5)
    vals = np.array([_state_2_residual(economy, K) for K in grid])
    sc = np.nonzero(np.sign(vals[:-1]) * np.sign(vals[1:]) < 0)[0]
    if sc.size == 0:
        if np.all(vals < 0.0):
            corner = _corner(economy)
            if corner is not None:
                return corner
        raise NoSupportedEquilibrium("two-state solver: no aggregate storage clears the securities markets "
                                     "on the scan, and K = 0 is not an equilibrium")
    i = int(sc[0])
    K = brentq(lambda K: _state_2_residual(economy, K), grid[i], grid[i + 1], xtol=_XTOL * E20, rtol=_RTOL)
    dK = 2.0 * (_XTOL * E20 + _RTOL * abs(K))
    return _assemble(economy, K, (K - dK, K + dK), int(sc.size))


def _corner(econ):
    """K = 0: nobody stores, so (eq. 7) every y^h_s = 0 and each type consumes its endowment's value.
    The lowest security prices at which nobody buys claims are Q_s = max_h beta pi_s mu^h_s / mu^h_0; K = 0
    is an equilibrium when storage does not pay at them, p0 >= sum_s Q_s p_s R_s (eq. 9 at k = 0).
    Returns the equilibrium, or None."""
    q, p0, z, p = _prices(econ, 0.0)
    s = econ.sigma
    w = econ.e0[:, 0] + p0 * econ.e0[:, 1]
    F = econ.e[:, :, 0] + p[None, :] * econ.e[:, :, 1]
    mu0 = (_share(q, s) * w) ** (-s)
    mu1 = (_share(z, s)[None, :] * F) ** (-s)
    Q = np.max(econ.beta * econ.pi[None, :] * mu1 / mu0[:, None], axis=0)
    if p0 < Q @ (p * econ.R):
        return None
    return _assemble(econ, 0.0, (0.0, 0.0), 0, y=np.zeros((econ.H, 2)), W0=w, Q=Q)


def _assemble(econ, K, bracket, roots, y=None, W0=None, Q=None):
    if y is None:
        Q1 = _clear_state_1(econ, K)
        q, p0, z, p, Q, y, W0 = _demands(econ, K, Q1)
    else:
        q, p0, z, p = _prices(econ, K)
    s, R, beta, pi = econ.sigma, econ.R, econ.beta, econ.pi
    a0, a = _share(q, s), _share(z, s)
    c0 = np.column_stack([a0 * W0, a0 * W0 / q])
    F = econ.e[:, :, 0] + p[None, :] * econ.e[:, :, 1]
    W1 = F + y
    c1 = np.stack([W1 * a[None, :], W1 * a[None, :] / z[None, :]], axis=2)
    k = np.full(econ.H, K)
    theta = y - (p * R)[None, :] * K
    U = _phi(c0, s).sum(axis=1) + beta * (_phi(c1, s).sum(axis=2) @ pi)
    mu0 = c0[:, 0] ** (-s)
    mu1 = c1[:, :, 0] ** (-s)
    gamma = Q[None, :] * mu0[:, None] - beta * pi[None, :] * mu1
    binding = (y <= 1e-12 * (1.0 + F)) & (gamma > 1e-10 * mu0[:, None])
    return TwoStateEquilibrium(float(K), k, float(p0), float(q), z, p, Q, y, theta, c0, c1, U, mu0, mu1,
                               gamma, binding, tuple(bracket), roots)


def two_state_collateral_equilibrium(economy) -> CollateralEquilibrium:
    """:func:`two_state_equilibrium` as a :class:`CollateralEquilibrium` (what
    :func:`collateral_equilibrium` returns for two-state economies other than the mirror ones); its
    ``residual`` is the KKT residual of :func:`two_state_kkt_residual` and ``converged`` says it is within
    that function's tolerance."""
    eq = two_state_equilibrium(economy)
    kkt = two_state_kkt_residual(economy, eq)
    return CollateralEquilibrium(eq.k, eq.K, eq.p0, eq.z, eq.p, eq.theta, eq.c0, eq.c1, eq.U, eq.mu0, eq.mu1,
                                 eq.binding, float(kkt.residual), bool(kkt.residual <= kkt.tol))


class TwoStateKKT(NamedTuple):
    """Every type's KKT conditions and every market's clearing, evaluated from an allocation in the
    paper's variables (:func:`two_state_kkt_residual`). residual: the largest violation (equalities in
    absolute value, inequalities by their negative part), each relative to its scale; tol: the largest
    such violation at the two ends of the outer root finder's final bracket in K (the error a solver
    stopping there can leave), times 10, plus 64 ulps; detail: the violations by kind."""

    residual: float
    tol: float
    detail: dict


def _violations(econ, K, Q, p0, p, z, k, theta, c0, c1):
    """Relative violations of each condition of Definition 1 at an allocation (no use of the reduction)."""
    s, R, beta, pi, a = econ.sigma, econ.R, econ.beta, econ.pi, econ.alpha
    e0, e = econ.e0, econ.e
    wealth0 = e0[:, 0] + p0 * e0[:, 1]
    v = {}
    v["budget0"] = np.abs(c0[:, 0] + p0 * (c0[:, 1] + k) + theta @ Q - wealth0) / wealth0
    inc1 = e[:, :, 0] + p[None, :] * (e[:, :, 1] + R[None, :] * k[:, None]) + theta
    v["budget1"] = np.abs(c1[:, :, 0] + p[None, :] * c1[:, :, 1] - inc1) / np.abs(inc1)
    mu0 = c0[:, 0] ** (-s)
    mu1 = c1[:, :, 0] ** (-s)
    v["mrs0"] = np.abs(c0[:, 1] ** (-s) / mu0 - p0) / p0  # u_2/u_1 = p0
    v["mrs1"] = np.abs(c1[:, :, 1] ** (-s) / mu1 - p[None, :]) / p[None, :]
    gamma = Q[None, :] * mu0[:, None] - beta * pi[None, :] * mu1  # theta FOC: gamma = Q mu0 - beta pi mu1
    coll = theta + (p * R)[None, :] * k[:, None]
    scale = Q[None, :] * mu0[:, None]
    v["gamma_sign"] = np.maximum(-gamma / scale, 0.0)
    v["collateral"] = np.maximum(-coll / (1.0 + np.abs(inc1)), 0.0)
    v["slackness"] = np.abs(gamma / scale * coll / (1.0 + np.abs(inc1)))
    dk = -p0 * mu0 + ((beta * pi[None, :] * mu1 + gamma) * (p * R)[None, :]).sum(axis=1)  # eq. (9)
    v["k_foc"] = np.where(k > 0.0, np.abs(dk), np.maximum(dk, 0.0)) / (p0 * mu0)
    E10, E20 = a @ e0[:, 0], a @ e0[:, 1]
    E1, E2 = a @ e[:, :, 0], a @ e[:, :, 1]
    v["clear0"] = np.array([abs(a @ c0[:, 0] - E10) / E10, abs(a @ (c0[:, 1] + k) - E20) / E20])
    v["clear_theta"] = np.abs(a @ theta) / (p * R * max(K, 1e-300) + 1.0)
    v["clear1"] = np.concatenate([np.abs(a @ c1[:, :, 0] - E1) / E1,
                                  np.abs(a @ c1[:, :, 1] - E2 - R * K) / (E2 + R * K)])
    v["aggregate_k"] = np.array([abs(a @ k - K) / E20])
    return v


def two_state_kkt_residual(economy, eq: TwoStateEquilibrium | None = None) -> TwoStateKKT:
    """Definition 1's conditions for every type of a two-state economy, evaluated from the allocation
    :math:`(c_0, k, \\theta, c_1)` and prices :math:`(p_0, Q, p)` (the paper's eqs. 1-8 and the
    first-order conditions (9) and of :math:`\\theta_s`, with multipliers
    :math:`\\gamma_s = Q_su_1(c_{10}) - \\beta\\pi_su_1(c_{1s}) \\ge 0`), not from the solver's reduction.
    A wrong price, a wrong binding pattern or a misallocation shows as a violation. tol: see
    :class:`TwoStateKKT`."""
    _check_two_state(economy)
    if eq is None:
        eq = two_state_equilibrium(economy)
    v = _violations(economy, eq.K, eq.Q, eq.p0, eq.p, eq.z, eq.k, eq.theta, eq.c0, eq.c1)
    res = max(float(np.max(x)) for x in v.values())
    ends = [0.0]
    for Kb in (eq.K_bracket if eq.K > 0.0 else ()):  # the corner K = 0 is exact: rounding only
        b = _assemble(economy, Kb, eq.K_bracket, eq.roots)
        vb = _violations(economy, b.K, b.Q, b.p0, b.p, b.z, b.k, b.theta, b.c0, b.c1)
        ends.append(max(float(np.max(x)) for x in vb.values()))
    tol = 10.0 * max(ends) + 64.0 * float(np.finfo(float).eps)
    return TwoStateKKT(res, float(tol), {kk: float(np.max(x)) for kk, x in v.items()})


# --------------------------------------------------------------------------- Propositions 1-2, two states


class TwoStatePropositions(NamedTuple):
    """Propositions 1-2 at one two-state economy (:func:`two_state_propositions_gap`).

    gap: max{U^1 : U^2 >= U^2_ce} (Program 1, :func:`program1_max_u1`) minus U^1_ce; tol its numerical
    error (as in :func:`theorem_1_program1_gap`); binding: some collateral constraint binds in the
    competitive equilibrium; K_ce, K_op, p0_ce, p0_op: storage and date-0 price there and at the
    constrained optimum; tol_K: the planner's storage error (the two searches' difference, times 10,
    plus the equilibrium bracket); tol_p0: tol_K times dp0/dK plus 64 ulps; sign_condition: every type
    whose constraint binds in a state buys good 2 there (c_2s > e_2s; ours, the two-state reading of
    the chapter's qualification); kkt: the equilibrium's KKT residual and its tolerance
    (:func:`two_state_kkt_residual`)."""

    gap: float
    tol: float
    binding: bool
    K_ce: float
    K_op: float
    p0_ce: float
    p0_op: float
    tol_K: float
    tol_p0: float
    sign_condition: bool
    kkt: TwoStateKKT


def two_state_propositions_gap(economy, n_starts=6) -> TwoStatePropositions:
    """Propositions 1-2 (§2.1.4) for a two-type, two-state economy: the competitive equilibrium of
    :func:`two_state_equilibrium` against the constrained frontier of Program 1 (eqs. 15-16) computed by
    :func:`program1_max_u1` (SLSQP in the paper's variables, from ``n_starts`` random points, twice with
    different seeds; it knows nothing of the equilibrium solver). Proposition 1: ``gap > tol`` exactly
    when a collateral constraint binds. Proposition 2: ``K_op < K_ce`` and ``p0_op < p0_ce`` when it binds
    and the sign condition holds. Raises ``ValueError`` unless the economy has two types and two states
    and ``n_starts`` is an integer in [1, 100]."""
    from commitment.fire_sales.program1 import program1_max_u1

    _check_two_state(economy)
    if economy.H != 2:
        raise ValueError(f"economy.H (number of types) must be 2 for Program 1, got {economy.H}")
    if not (isinstance(n_starts, (int, np.integer)) and 1 <= n_starts <= 100):
        raise ValueError(f"n_starts (SLSQP starting points) must be an integer in [1, 100], got {n_starts!r}")
    eq = two_state_equilibrium(economy)
    kkt = two_state_kkt_residual(economy, eq)
    a = program1_max_u1(economy, eq.U[1], n_starts, seed=0)
    b = program1_max_u1(economy, eq.U[1], n_starts, seed=1)
    best = a if a.U1 >= b.U1 else b
    err_search = abs(a.U1 - b.U1)
    err_con = max(a.residual, b.residual) + 64.0 * float(np.spacing(max(abs(best.U1), 1.0)))
    # the equilibrium's error valued in U^1: its KKT tolerance (relative, in goods) times wealth times mu0
    w = float(economy.e0[0, 0] + eq.p0 * economy.e0[0, 1])
    err_eq = kkt.tol * w * float(eq.mu0[0]) / float(np.min(economy.alpha))
    tol = 10.0 * (err_search + err_con + err_eq)
    E10, E20, s = float(economy.alpha @ economy.e0[:, 0]), float(economy.alpha @ economy.e0[:, 1]), economy.sigma
    p0_op = (E10 / (E20 - best.K)) ** s
    tol_K = 10.0 * abs(a.K - b.K) + abs(eq.K_bracket[1] - eq.K_bracket[0])
    Kmax = max(eq.K, best.K)
    tol_p0 = tol_K * s * (E10 / (E20 - Kmax)) ** s / (E20 - Kmax) + 64.0 * float(np.spacing(max(eq.p0, p0_op)))
    b_hs = eq.binding
    buys2 = bool(np.all(eq.c1[:, :, 1][b_hs] > economy.e[:, :, 1][b_hs])) if b_hs.any() else False
    return TwoStatePropositions(float(best.U1 - eq.U[0]), float(tol), bool(b_hs.any()), eq.K, float(best.K),
                                eq.p0, float(p0_op), float(tol_K), float(tol_p0), buys2, kkt)


def random_two_state_economy(rng, lo=0.5, hi=4.0, pi_range=(0.2, 0.8), alpha_range=(0.3, 0.7)):
    """A random two-type, two-state economy (ours): masses alpha_1 ~ U(alpha_range), pi_1 ~ U(pi_range),
    every endowment ~ U(lo, hi), R = 1, beta = 1, sigma = 2. Raises ``ValueError`` for empty or
    non-positive ranges."""
    from commitment.fire_sales.economy import collateral_economy

    if not (0.0 < lo < hi):
        raise ValueError(f"lo, hi (endowment range) must satisfy 0 < lo < hi, got {lo!r}, {hi!r}")
    if not (0.0 < pi_range[0] < pi_range[1] < 1.0):
        raise ValueError(f"pi_range must satisfy 0 < low < high < 1, got {pi_range!r}")
    if not (0.0 < alpha_range[0] < alpha_range[1] < 1.0):
        raise ValueError(f"alpha_range must satisfy 0 < low < high < 1, got {alpha_range!r}")
    a1, p1 = rng.uniform(*alpha_range), rng.uniform(*pi_range)
    return collateral_economy([a1, 1.0 - a1], rng.uniform(lo, hi, (2, 2)), rng.uniform(lo, hi, (2, 2, 2)),
                              pi=[p1, 1.0 - p1])


class TwoStateRandomClaims(NamedTuple):
    """Propositions 1-2 and the KKT check over a sample of two-state economies
    (:func:`two_state_random_claims`); one entry per solved economy (arrays), plus ``skipped``: how many
    drawn economies have the corner equilibrium K = 0 (outside Proposition 1's qualification, interior
    aggregate storage) or no equilibrium found."""

    gap: np.ndarray
    tol: np.ndarray
    binding: np.ndarray
    sign_condition: np.ndarray
    K_ce: np.ndarray
    K_op: np.ndarray
    tol_K: np.ndarray
    tol_p0: np.ndarray
    p0_ce: np.ndarray
    p0_op: np.ndarray
    kkt: np.ndarray
    kkt_tol: np.ndarray
    pi1: np.ndarray
    skipped: int


def two_state_random_claims(n=8, seed=0, economies=None, n_starts=4) -> TwoStateRandomClaims:
    """Propositions 1-2 (§2.1.4) on two-state economies (ours): ``n`` draws of
    :func:`random_two_state_economy` from ``seed`` (or the given ``economies``), each solved by
    :func:`two_state_equilibrium`, checked by :func:`two_state_kkt_residual` and compared with Program 1
    by :func:`two_state_propositions_gap`. Proposition 1: ``gap > tol`` where a constraint binds, ``|gap| <=
    tol`` where none does; Proposition 2: ``K_op < K_ce`` and ``p0_op < p0_ce`` where one binds and the
    sign condition holds. Raises ``ValueError`` unless ``n`` is an integer in [1, 200]."""
    if economies is None:
        if not (isinstance(n, (int, np.integer)) and 1 <= n <= 200):
            raise ValueError(f"n (number of random economies) must be an integer in [1, 200], got {n!r}")
        rng = np.random.default_rng(seed)
        economies = [random_two_state_economy(rng) for _ in range(n)]
    rows, skipped = [], 0
    for econ in economies:
        try:
            if two_state_equilibrium(econ).K <= 0.0:  # outside Proposition 1's qualification
                skipped += 1
                continue
            r = two_state_propositions_gap(econ, n_starts)
        except NoSupportedEquilibrium:
            skipped += 1
            continue
        rows.append((r.gap, r.tol, r.binding, r.sign_condition, r.K_ce, r.K_op, r.tol_K, r.tol_p0, r.p0_ce, r.p0_op,
                     r.kkt.residual, r.kkt.tol, float(econ.pi[0])))
    cols = [np.array(c) for c in zip(*rows)] if rows else [np.array([])] * 13
    return TwoStateRandomClaims(*cols, skipped)
