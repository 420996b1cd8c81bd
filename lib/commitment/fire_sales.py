r"""Collateral constraints, fire sales and segregated exchanges (Kilenthong and Townsend, 2014).

The economy of Section 2.1 of the paper: two dates, two goods, types :math:`h` with masses
:math:`\alpha^h`; good 2 can be stored at t = 0 (return :math:`R_s`) and serves as collateral; promises
are valued at the spot price :math:`p_s` of good 2, which is where the pecuniary externality enters.
All types share the CRRA period utility

.. math::  u(c_1, c_2) = \phi(c_1) + \phi(c_2), \qquad
           \phi(c) = \frac{c^{1-\sigma}}{1-\sigma}\ (\sigma \ne 1), \quad \phi(c) = \log c\ (\sigma = 1),

(the paper's eq. (26) is :math:`\sigma = 2`: :math:`u = -1/c_1 - 1/c_2`; we drop the ``-1`` of
:mod:`commitment.utility` so that utilities are the paper's numbers). With identical homothetic
preferences every consumer chooses :math:`c_1/c_2 = z`, so the spot price is a function of the
*market fundamental* only (eq. 10),

.. math::  z_s = \frac{\sum_h \alpha^h e^h_{1s}}{R_s K + \sum_h \alpha^h e^h_{2s}}, \qquad p_s = z_s^\sigma,

and a consumer with good-1 wealth :math:`W` facing ratio :math:`r` consumes
:math:`c_1 = W/(1 + r^{\sigma-1})`, :math:`c_2 = c_1/r`. The date-0 price is :math:`p_0 = q^\sigma` with
:math:`q = \bar e_{10}/(\bar e_{20} - K)`.

What is solved here (and what is not):

- :func:`collateral_equilibrium` (Definition 1): one state (S = 1, any number of types), and the
  *mirror* two-state economies of Environment 2 (two types, states swapped, probabilities one half).
- :func:`segregated_equilibrium` (Definition 3, with the mixtures of Appendix A): S = 1 with one exchange
  (Environment 1 and any two-type economy), S = 1 with one exchange per borrower type and a lender
  who mixes (Environment 3), and the mirror two-state economies. ``z_grid`` restricts exchanges to a
  finite set (the paper's printed tables are such grid solutions).
- :func:`planner_max_u1`, :func:`welfare_gap` (Program 1): one state, two or three types, one spot
  market; :func:`planner_frontier`: two types.
- :func:`planner_exchanges_max_u1` (Program 1 with the spot market split into exchanges and a saver who
  mixes over them): one state, any number of types; SciPy's SLSQP, independent of the equilibrium solver.
- :func:`rights_price_band`: prices of rights in any exchange, active or not (the KKT inequality (56)).

Other economies raise :class:`UnsupportedEconomy` (a ``ValueError``) naming the restriction; a
supported economy none of whose equilibria is of the kinds solved here raises
:class:`NoSupportedEquilibrium` (a ``RuntimeError``). With one
state, securities are not needed: a borrower who buys collateral and pledges it pays nothing down, so
every attainable allocation is reached by storage choices :math:`k^h \ge 0` and spot trade alone (the chapter proves it).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.optimize import root

from commitment.errors import NoEquilibrium

__all__ = [
    "CollateralEconomy",
    "UnsupportedEconomy",
    "NoSupportedEquilibrium",
    "ExchangePlanner",
    "planner_exchanges_max_u1",
    "load_lottery_lp_cache",
    "CollateralEquilibrium",
    "SegregatedEquilibrium",
    "PublicFinanceEquilibrium",
    "collateral_economy",
    "ENV1",
    "ENV2",
    "ENV3",
    "spot_price",
    "spot_demand",
    "indirect_utility",
    "discrepancy",
    "excess_demand_good1",
    "ClaimResidual",
    "footnote_16_residual",
    "market_fundamental_gap",
    "collateral_equilibrium",
    "segregated_equilibrium",
    "rights_price_band",
    "planner_max_u1",
    "planner_frontier",
    "welfare_gap",
    "FrontierGap",
    "theorem_1_frontier_gap",
    "proposition_1_frontier_gap",
    "Proposition2Gap",
    "proposition_2_gap",
    "public_finance_equilibrium",
    "table_1_ex",
    "Program1",
    "program1_max_u1",
    "theorem_1_program1_gap",
    "PriceSmoothing",
    "env1_price_smoothing",
    "table_3_ex",
]


# --------------------------------------------------------------------------- economy


class CollateralEconomy(NamedTuple):
    """A collateral economy (Section 2.1). Arrays are read-only; build with :func:`collateral_economy`.

    alpha : (H,) masses of the types (sum to one)
    e0    : (H, 2) date-0 endowments (good 1, good 2)
    e     : (H, S, 2) date-1 endowments per state (good 1, good 2)
    pi    : (S,) state probabilities
    R     : (S,) gross return on stored good 2
    beta  : discount factor
    sigma : CRRA coefficient (the paper: 2)
    """

    alpha: np.ndarray
    e0: np.ndarray
    e: np.ndarray
    pi: np.ndarray
    R: np.ndarray
    beta: float
    sigma: float

    @property
    def H(self):
        return self.alpha.shape[0]

    @property
    def S(self):
        return self.pi.shape[0]


def _frozen(x):
    a = np.array(x, dtype=float)
    a.setflags(write=False)
    return a


def collateral_economy(alpha, e0, e, pi=None, R=None, beta=1.0, sigma=2.0):
    """Validate and build a :class:`CollateralEconomy`.

    ``e`` is (H, S, 2), or (H, 2) for one state. ``pi`` defaults to equal probabilities, ``R`` to ones.
    Raises ``ValueError`` naming the parameter and its admissible range.
    """
    alpha = np.array(alpha, dtype=float)
    if alpha.ndim != 1 or alpha.size < 2:
        raise ValueError("alpha (type masses) must be a 1-d array with at least 2 entries")
    if not (np.all(np.isfinite(alpha)) and np.all(alpha > 0) and abs(alpha.sum() - 1.0) < 1e-12):
        raise ValueError("alpha (type masses) must be > 0 and sum to 1")
    H = alpha.size
    e0 = np.array(e0, dtype=float)
    if e0.shape != (H, 2):
        raise ValueError(f"e0 (date-0 endowments) must have shape ({H}, 2), got {e0.shape}")
    if not (np.all(np.isfinite(e0)) and np.all(e0 > 0)):
        raise ValueError("e0 (date-0 endowments) must be finite and > 0")
    e = np.array(e, dtype=float)
    if e.ndim == 2:
        e = e[:, None, :]
    if e.ndim != 3 or e.shape[0] != H or e.shape[2] != 2:
        raise ValueError(f"e (date-1 endowments) must have shape ({H}, S, 2), got {e.shape}")
    if not (np.all(np.isfinite(e)) and np.all(e > 0)):
        raise ValueError("e (date-1 endowments) must be finite and > 0")
    S = e.shape[1]
    pi = np.full(S, 1.0 / S) if pi is None else np.array(pi, dtype=float).reshape(-1)
    if pi.shape != (S,) or not (np.all(pi > 0) and np.all(pi < 1 + 1e-15) and abs(pi.sum() - 1) < 1e-12):
        raise ValueError(f"pi (state probabilities) must have {S} entries in (0, 1] summing to 1")
    R = np.ones(S) if R is None else np.array(R, dtype=float).reshape(-1)
    if R.shape != (S,) or not (np.all(np.isfinite(R)) and np.all(R > 0)):
        raise ValueError(f"R (returns on storage) must have {S} finite entries > 0")
    beta = float(beta)
    if not (np.isfinite(beta) and 0 < beta <= 1.5):
        raise ValueError(f"beta (discount factor) must be in (0, 1.5], got {beta!r}")
    sigma = float(sigma)
    if not (np.isfinite(sigma) and 0.2 <= sigma <= 10):
        raise ValueError(f"sigma (relative risk aversion) must be in [0.2, 10], got {sigma!r}")
    return CollateralEconomy(_frozen(alpha), _frozen(e0), _frozen(e), _frozen(pi), _frozen(R), beta, sigma)


_BUILT = {}


def __getattr__(name):
    # ENV1..ENV3 are built on first access (no work at import time) and then reused.
    if name in _ENVS:
        if name not in _BUILT:
            _BUILT[name] = _ENVS[name]()
        return _BUILT[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _env1():
    """Environment 1 (Table 1): one state, a rich-today lender and a rich-tomorrow borrower."""
    return collateral_economy([0.5, 0.5], [[3, 3], [1, 1]], [[1, 1], [3, 3]])


def _env2():
    """Environment 2 (Table 3): two mirror states; pi = (1/2, 1/2) (not printed; the CE matches it)."""
    return collateral_economy([0.5, 0.5], [[2, 2], [2, 2]], [[[3, 3], [1, 1]], [[1, 1], [3, 3]]], pi=[0.5, 0.5])


def _env3():
    """Environment 3 (Table 4): one lender, two borrower types, masses one third."""
    return collateral_economy([1 / 3, 1 / 3, 1 / 3], [[4.26, 11.5], [3.92, 0.5], [4.32, 0.5]],
                              [[0.5, 0.5], [7, 5], [5, 7]])


_ENVS = {"ENV1": _env1, "ENV2": _env2, "ENV3": _env3}


# --------------------------------------------------------------------------- kernels: preferences


@njit(cache=True)
def _phi(c, sigma):
    if sigma == 1.0:
        return np.log(c)
    return c ** (1.0 - sigma) / (1.0 - sigma)


@njit(cache=True)
def _share(r, sigma):
    """c1 = share * W for a consumer with wealth W (good-1 units) at ratio r = c1/c2."""
    return 1.0 / (1.0 + r ** (sigma - 1.0))


@njit(cache=True)
def _v(W, r, sigma):
    """Indirect period utility at wealth W and ratio r (price r**sigma)."""
    c1 = W * _share(r, sigma)
    return _phi(c1, sigma) + _phi(c1 / r, sigma)


@njit(cache=True)
def _mu(W, r, sigma):
    """Marginal utility of wealth: u_1(c1) = c1**(-sigma)."""
    return (W * _share(r, sigma)) ** (-sigma)


def spot_price(z, sigma=2.0):
    """p(z) = z**sigma, the spot price of good 2 at fundamental z (eq. 10 with CRRA utility)."""
    return np.asarray(z, dtype=float) ** sigma


def spot_demand(W, z, sigma=2.0):
    """Spot demand (c1, c2) of a consumer with good-1 wealth W at price p(z) = z**sigma."""
    c1 = np.asarray(W, dtype=float) / (1.0 + np.asarray(z, dtype=float) ** (sigma - 1.0))
    return c1, c1 / z


def indirect_utility(W, z, sigma=2.0):
    """v(W, z) = u(c1, c2) at the spot demand (sigma = 2: -(1 + z)**2 / W)."""
    c1, c2 = spot_demand(W, z, sigma)
    if sigma == 1.0:
        return np.log(c1) + np.log(c2)
    return (c1 ** (1.0 - sigma) + c2 ** (1.0 - sigma)) / (1.0 - sigma)


def discrepancy(z, e1, e2, k=0.0, R=1.0):
    r"""Discrepancy (eq. 11): :math:`\Delta^h_s(z_s) = z_s(e^h_{2s} + R_s k^h) - e^h_{1s}`."""
    return np.asarray(z, dtype=float) * (e2 + R * k) - e1


def excess_demand_good1(z, e1, e2, k=0.0, R=1.0, sigma=2.0):
    r"""Footnote 16: spot excess demand for good 1, :math:`z^{\sigma-1}/(1+z^{\sigma-1})\,\Delta`."""
    zs = np.asarray(z, dtype=float) ** (sigma - 1.0)
    return zs / (1.0 + zs) * discrepancy(z, e1, e2, k, R)


# --------------------------------------------------------------------------- claims about spot markets

_BRENT_XTOL = 1e-14  # brentq's absolute stopping tolerance in the claims below
_BRENT_RTOL = 4.0 * np.finfo(float).eps  # and its relative one (scipy's smallest)


def _brent_bound(x):
    """Bound on |x - root| when brentq stops (its bracket half-width): 2 (xtol + rtol |x|)."""
    return 2.0 * (_BRENT_XTOL + _BRENT_RTOL * np.abs(x))


def _good1_demand(W, p, sigma, a=0.5):
    """Good-1 demand of u = a phi(c1) + (1 - a) phi(c2), phi CRRA(sigma), at good-1 wealth W and price p
    of good 2, by bracketing the root of the first-order condition a c1^-sigma = (1 - a)/p (c2)^-sigma,
    c2 = (W - c1)/p, on (0, W) (the marginal gain falls from +inf to -inf). Returns (c1, error bound)."""
    from scipy.optimize import brentq

    def foc(c1):
        return a * c1 ** (-sigma) - (1.0 - a) / p * ((W - c1) / p) ** (-sigma)

    c1 = brentq(foc, W * 1e-12, W * (1.0 - 1e-12), xtol=_BRENT_XTOL, rtol=_BRENT_RTOL)
    return c1, float(_brent_bound(c1))


class ClaimResidual(NamedTuple):
    """A claim's residual (zero when the paper's result holds) and the tolerance of a check that it is
    zero, derived from the root finder's stopping rule (see each function); ``detail`` holds the
    intermediate quantities."""

    residual: np.ndarray
    tol: float
    detail: dict


def footnote_16_residual(z, e1, e2, k=0.0, R=1.0, sigma=2.0, a=0.5) -> ClaimResidual:
    r"""Footnote 16 (``sigma``, like the other arguments, may vary by point): with the common CRRA utility :math:`u = \phi(c_1) + \phi(c_2)` the spot excess demand
    for good 1 at fundamental :math:`z` is :math:`\tau_1 = z^{\sigma-1}/(1+z^{\sigma-1})\,\Delta(z)`,
    :math:`\Delta = z(e_2 + Rk) - e_1` (eq. 11).

    The excess demand is computed from the consumer's problem itself, without the closed form: demand by
    root-finding on the first-order condition (:func:`_good1_demand`) at the price at which every
    consumer of this utility demands the ratio :math:`c_1/c_2 = z` (eq. 10: :math:`p = z^\sigma`; for
    the weighted utility :math:`a\phi(c_1) + (1-a)\phi(c_2)`, :math:`p = ((1-a)/a) z^\sigma`). Residual:
    that excess demand minus the footnote's formula at each point. ``a = 1/2`` is the footnote's
    utility; ``a != 1/2`` is identical and homothetic but not the footnote's, and the formula fails.

    tol: the root finder's bound on |c1 - root| (2 (xtol + rtol c1)) plus 64 ulps of the wealth (the
    formula's evaluation), at the worst point.
    """
    z, e1, e2, k, sigma = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (z, e1, e2, k, sigma)))
    if not (0.0 < a < 1.0):
        raise ValueError(f"a (weight on good 1) must be in (0, 1), got {a!r}")
    if np.any(sigma <= 0.0):
        raise ValueError("sigma must be > 0")
    if np.any(z <= 0.0) or np.any(e1 < 0.0) or np.any(e2 < 0.0) or np.any(k < 0.0) or R <= 0.0:
        raise ValueError("z and R must be > 0 and e1, e2, k >= 0")
    p = (1.0 - a) / a * z**sigma
    W = e1 + p * (e2 + R * k)
    if np.any(W <= 0.0):
        raise ValueError("every point needs a positive wealth e1 + p (e2 + R k)")
    c1, bound = np.empty(z.shape), np.empty(z.shape)
    for i in np.ndindex(z.shape):
        c1[i], bound[i] = _good1_demand(W[i], p[i], sigma[i], a)
    tau = c1 - e1
    formula = excess_demand_good1(z, e1, e2, k, R, sigma)
    tol = float(np.max(bound + 64.0 * np.spacing(W)))
    return ClaimResidual(tau - formula, tol, {"tau": tau, "formula": formula, "p": p})


def _clearing_price(alpha, e1, e2, sigma):
    """Spot price of good 2 that clears good 1 among types with masses alpha, holdings (e1, e2) and CRRA
    utilities phi_h(c1) + phi_h(c2) (sigma_h each), from individual demands c1 = W/(1 + p^(1 - 1/sigma)):
    each type's excess demand for good 1 has the sign of p - (e1/e2)^sigma (its autarky price), so the
    root lies between the smallest and largest autarky price; brentq in log p. Returns (p, relative
    error bound)."""
    from scipy.optimize import brentq

    def excess(x):
        p = np.exp(x)
        W = e1 + p * e2
        return float(alpha @ (W / (1.0 + p ** (1.0 - 1.0 / sigma)) - e1))

    autarky = sigma * np.log(e1 / e2)
    lo, hi = float(autarky.min()), float(autarky.max())
    if hi - lo <= 0.0:
        return float(np.exp(lo)), 0.0
    lo, hi = lo - 1e-9, hi + 1e-9  # nearly equal autarky prices: rounding must not hide the sign change
    if excess(lo) * excess(hi) > 0.0:
        raise RuntimeError("spot market: no sign change of the excess demand between the autarky prices")
    x = brentq(excess, lo, hi, xtol=_BRENT_XTOL, rtol=_BRENT_RTOL)
    # rounding in the excess demand (64 ulps of the gross flows) moves its computed root by noise / slope
    h = 1e-6
    slope = abs(excess(x + h) - excess(x - h)) / (2.0 * h)
    noise = 64.0 * float(np.finfo(float).eps) * float(alpha @ (2.0 * e1 + np.exp(x) * e2))
    return float(np.exp(x)), float(_brent_bound(x)) + noise / slope


def market_fundamental_gap(alpha, e1, e2, sigma=2.0) -> ClaimResidual:
    r"""Eq. (10): with identical homothetic preferences the spot price depends on the aggregate pre-trade
    ratio :math:`z = \sum_h\alpha^he^h_1/\sum_h\alpha^he^h_2` only, not on who holds what.

    Clears the spot market from individual demands (:func:`_clearing_price`, no use of eq. 10) twice: at
    the given holdings ``e1``, ``e2`` (H,) of masses ``alpha``, and with every type holding the
    per-capita aggregate. Residual: the relative difference of the two prices, and of the first from
    :math:`z^\sigma` when ``sigma`` is common. ``sigma`` may be a vector (one CRRA coefficient per type):
    preferences are then not identical, the hypothesis fails and so, in general, does the claim.

    tol: for each of the two prices, the root finder's bound on |log p - root| (2 (xtol + rtol |log p|))
    plus the shift of the computed root by rounding (64 ulps of the gross flows divided by the slope of
    the excess demand in log p); plus 64 (1 + sigma) ulps for z**sigma.
    """
    alpha = np.asarray(alpha, dtype=float)
    e1, e2 = np.asarray(e1, dtype=float), np.asarray(e2, dtype=float)
    sig = np.broadcast_to(np.asarray(sigma, dtype=float), alpha.shape).copy()
    if alpha.ndim != 1 or e1.shape != alpha.shape or e2.shape != alpha.shape:
        raise ValueError("alpha, e1 and e2 must be vectors of the same length (one entry per type)")
    if np.any(alpha <= 0.0) or np.any(e1 <= 0.0) or np.any(e2 <= 0.0) or np.any(sig <= 0.0):
        raise ValueError("alpha, e1, e2 and sigma must be > 0")
    E1, E2 = alpha @ e1 / alpha.sum(), alpha @ e2 / alpha.sum()
    z = E1 / E2
    p, err = _clearing_price(alpha, e1, e2, sig)
    p_agg, err_agg = _clearing_price(alpha, np.full_like(e1, E1), np.full_like(e2, E2), sig)
    residual = [p / p_agg - 1.0]
    if np.all(sig == sig[0]):
        residual.append(p / z ** sig[0] - 1.0)
    tol = err + err_agg + 64.0 * float(np.finfo(float).eps) * (1.0 + float(sig.max()))  # z**sigma: sigma ulps
    return ClaimResidual(np.asarray(residual), float(tol), {"p": p, "p_aggregate": p_agg, "z": z})


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


# --------------------------------------------------------------------------- segregated exchanges, one state


def _se_single(econ, K, P, z):
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    q, p0, _ = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
    k = np.array([_agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)[0] for h in range(econ.H)])
    weights = np.ones((econ.H, 1))
    with np.errstate(invalid="ignore"):  # c0 <= 0 (raised just below) has no marginal utility
        p0, Delta, fee, c0, c1, U, mu0 = _allocation_one_state(econ, K, np.array([P]), np.array([z]), weights,
                                                               k[:, None])
    res = max(abs(alpha @ k - K), abs(alpha @ Delta[:, 0, 0]))
    if not np.all(c0 > 0):
        raise NoSupportedEquilibrium("no single-exchange equilibrium: a type's date-0 wealth net of rights fees "
                                     "is negative")
    return SegregatedEquilibrium(np.array([[z]]), np.array([[P]]), weights, k, k[:, None], float(K), float(p0),
                                 Delta, fee, c0, c1, U, mu0, np.zeros((econ.H, 1)), float(res), res < 1e-9)


def _mixture_residual(x, econ, mixer, groups, z_fixed):
    """Equilibrium conditions with M exchanges, deterministic members ``groups[m]`` and a lender ``mixer``
    spread over all exchanges (Appendix A lotteries). Unknowns: (z_m unless fixed), P_m, k_m (the
    mixer's storage in m), pi_m (m < M), mu0 of the mixer, p0.
    """
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    M = len(groups)
    i = 0
    if z_fixed is None:
        z = x[i:i + M]
        i += M
    else:
        z = z_fixed
    P = x[i:i + M]
    km = x[i + M:i + 2 * M]
    pis = np.append(x[i + 2 * M:i + 3 * M - 1], 1.0 - np.sum(x[i + 2 * M:i + 3 * M - 1]))
    mu0x, p0 = x[i + 3 * M - 1], x[i + 3 * M]
    q = p0 ** (1 / sigma)
    x_ = mixer
    res = []
    K = alpha[x_] * pis @ km
    det_k = {}
    for m in range(M):
        for h in groups[m]:
            det_k[h] = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)[0]
            K += alpha[h] * det_k[h]
    res.append(p0 - (alpha @ e10 / (alpha @ e20 - K)) ** sigma)
    budget = 0.0
    vals = []
    for m in range(M):
        pm = z[m] ** sigma
        # rights clearing in exchange m (eq. 25)
        clr = pis[m] * alpha[x_] * (z[m] * (e2[x_] + R * km[m]) - e1[x_])
        for h in groups[m]:
            clr += alpha[h] * (z[m] * (e2[h] + R * det_k[h]) - e1[h])
        res.append(clr)
        W = e1[x_] + pm * (e2[x_] + R * km[m])
        mu1 = _mu(W, z[m], sigma)
        ck = p0 + P[m] * z[m] * R
        res.append((ck * mu0x - beta * pm * R * mu1) / mu0x)  # mixer's storage FOC in exchange m
        fee_m = P[m] * (z[m] * (e2[x_] + R * km[m]) - e1[x_])
        vals.append(beta * _v(W, z[m], sigma) - mu0x * (p0 * km[m] + fee_m))
        budget += pis[m] * (p0 * km[m] + fee_m)
        if z_fixed is None:  # summed z-FOC of the members gives P_m
            num = pis[m] * alpha[x_] * beta * mu1 / mu0x * (e2[x_] + R * km[m] - W * _share(z[m], sigma) / z[m])
            den = pis[m] * alpha[x_] * (e2[x_] + R * km[m])
            for h in groups[m]:
                k_h, w0h, W1h = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)
                num += alpha[h] * beta * _mu(W1h, z[m], sigma) / _mu(w0h, q, sigma) * (
                    e2[h] + R * k_h - W1h * _share(z[m], sigma) / z[m])
                den += alpha[h] * (e2[h] + R * k_h)
            res.append(P[m] - sigma * z[m] ** (sigma - 1) * num / den)
    for m in range(1, M):
        res.append((vals[m] - vals[0]) / mu0x)  # mixer indifferent between its exchanges
    c10 = mu0x ** (-1 / sigma)
    res.append(c10 + p0 * c10 / q + budget - e10[x_] - p0 * e20[x_])
    return np.array(res)


def _se_mixture(econ, mixer, groups, z_fixed=None, x0=None):
    M = len(groups)
    if x0 is None:
        raise ValueError("x0 (starting values) is needed for the mixture solver")
    out = root(_mixture_residual, x0, args=(econ, mixer, groups, z_fixed), method="hybr",
               options={"xtol": 1e-13})
    x = out.x
    r = np.max(np.abs(_mixture_residual(x, econ, mixer, groups, z_fixed)))
    i = 0
    if z_fixed is None:
        z = x[:M]
        i = M
    else:
        z = np.asarray(z_fixed, dtype=float)
    P, km = x[i:i + M], x[i + M:i + 2 * M]
    pis = np.append(x[i + 2 * M:i + 3 * M - 1], 1 - np.sum(x[i + 2 * M:i + 3 * M - 1]))
    p0 = x[i + 3 * M]
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    q = p0 ** (1 / sigma)
    H = econ.H
    weights = np.zeros((H, M))
    k_hm = np.zeros((H, M))
    weights[mixer] = pis
    k_hm[mixer] = km
    for m in range(M):
        for h in groups[m]:
            weights[h, m] = 1.0
            k_hm[h, m] = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)[0]
    K = float(alpha @ (weights * k_hm).sum(axis=1))
    p0c, Delta, fee, c0, c1, U, mu0 = _allocation_one_state(econ, K, P, z, weights, k_hm)
    # converged: our own residual of the equilibrium conditions, not scipy's success flag (which reports
    # "not making good progress" at residuals of 1e-16 on some CPUs)
    ok = bool(r < MIXTURE_TOL) and bool(np.all(pis > 0)) and bool(np.all(km >= 0))
    return SegregatedEquilibrium(z[:, None], P[:, None], weights, (weights * k_hm).sum(axis=1), k_hm, K,
                                 float(p0c), Delta, fee, c0, c1, U, mu0, np.zeros((H, 1)), float(r), ok)


def _env3_start(econ, se1, borrowers, saver):
    """Starting values for the mixture solver: each borrower in its own exchange with a share of the
    lender proportional to what clears rights at the single-exchange storage."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    kx = se1.k[saver]
    pis, zs = [], []
    for b in borrowers:
        # share of the lender that clears rights with borrower b at the single-exchange z
        need = -alpha[b] * (se1.z[0, 0] * e2[b] - e1[b])
        pis.append(max(need / (alpha[saver] * max(se1.z[0, 0] * (e2[saver] + R * kx) - e1[saver], 1e-6)), 0.05))
        zs.append(se1.z[0, 0])
    pis = np.array(pis) / np.sum(pis)
    for j, b in enumerate(borrowers):
        zs[j] = (pis[j] * alpha[saver] * e1[saver] + alpha[b] * e1[b]) / (
            pis[j] * alpha[saver] * (e2[saver] + R * kx) + alpha[b] * e2[b])
    M = len(borrowers)
    return np.concatenate([zs, np.full(M, se1.P[0, 0]), np.full(M, kx), pis[:-1], [se1.mu0[saver], se1.p0]])


def segregated_equilibrium(economy: CollateralEconomy, z_grid=None, *, structure=None, x0=None):
    """Competitive equilibrium with segregated exchanges and rights to trade (Definition 3).

    ``z_grid=None``: exchanges form a continuum (the exact solution). Otherwise exchanges are restricted
    to the finite set ``z_grid`` (one state, one active exchange): every grid point is tried as the active
    exchange, and the equilibrium is the one whose supporting rights-price bands are non-empty at all
    other grid points (raises :class:`NoSupportedEquilibrium` if no grid point qualifies: a mixture over
    grid points is then needed; ``RuntimeError`` if several do). ``structure="mixture"`` with one state:
    one exchange per borrower type (k = 0 in the single-exchange solution) and the lender mixing over
    them (Environment 3); with ``z_grid`` given as the list of active exchanges, their z are held fixed.
    ``x0``: starting values for the mixture solver.
    """
    if economy.S != 1:
        if _is_mirror(economy):
            return _mirror_equilibrium(economy, segregated=True, z_grid=z_grid)
        raise _unsupported("segregated_equilibrium")
    args = _one_state(economy)
    if structure == "mixture":
        se1 = segregated_equilibrium(economy, structure="single")
        borrowers = [h for h in range(economy.H) if se1.k[h] <= 0]
        savers = [h for h in range(economy.H) if se1.k[h] > 0]
        if len(savers) != 1 or len(borrowers) < 2:
            raise UnsupportedEconomy("structure='mixture' needs exactly one saver and at least two borrowers")
        groups = [[b] for b in borrowers]
        start = _env3_start(economy, se1, borrowers, savers[0]) if x0 is None else np.asarray(x0, float)
        cont = _se_mixture(economy, savers[0], groups, None, start)
        if z_grid is None:
            return cont
        zf = np.asarray(z_grid, dtype=float).ravel()
        if zf.shape != (len(groups),):
            raise ValueError(f"z_grid must list the {len(groups)} active exchanges for structure='mixture'")
        # give each fixed exchange to the group whose continuum exchange is nearest
        order = np.argsort(cont.z[:, 0])
        zf = np.sort(zf)[np.argsort(order)]
        M = len(groups)
        start_g = np.concatenate([cont.P[:, 0], cont.k_by_exchange[savers[0]], cont.weights[savers[0], :-1],
                                  [cont.mu0[savers[0]], cont.p0]])
        return _se_mixture(economy, savers[0], groups, zf, start_g)
    if structure not in (None, "single"):
        raise ValueError("structure must be None, 'single' or 'mixture'")
    if z_grid is None:
        K, P = se_kernel(*args)
        alpha, e10, e20, e1, e2, R, beta, sigma = args
        single = _se_single(economy, K, P, float(alpha @ e1 / (alpha @ e2 + R * K)))
        if structure == "single" or supports(economy, single):
            return single
        n_borrowers = int(np.sum(single.k <= 0))
        if n_borrowers >= 2 and economy.H - n_borrowers == 1:
            mixed = segregated_equilibrium(economy, structure="mixture", x0=x0)
            if mixed.converged and supports(economy, mixed):
                return mixed
        raise NoSupportedEquilibrium("no supported market structure (one exchange; one exchange per borrower "
                                     "with a mixing lender) gives non-empty rights-price bands everywhere")
    grid = np.sort(np.asarray(z_grid, dtype=float).ravel())
    if grid.size == 0 or not np.all(grid > 0):
        raise ValueError("z_grid (exchanges) must be a non-empty set of positive numbers")
    candidates = []
    for z in grid:
        try:
            cand = grid_candidate(economy, z)
        except (ValueError, RuntimeError):
            continue
        others = sorted((g for g in grid if g != z), key=lambda g: abs(g - z))  # nearest first
        if all(_nonempty(rights_price_band(economy, cand, g)) for g in others):
            candidates.append(cand)
    if not candidates:
        raise NoSupportedEquilibrium("no grid point supports a pure equilibrium: a mixture over exchanges is needed")
    if len(candidates) > 1:
        raise RuntimeError(f"{len(candidates)} grid points support pure equilibria: the grid equilibrium is "
                           "not unique; pass a coarser or finer grid")
    return candidates[0]


def supports(economy, eq, z_values=None, tol=1e-9):
    """True when the rights-price band of ``eq`` is non-empty (lower <= upper + tol) at every z in
    ``z_values`` (default: 61 points from half to twice the active exchanges' range): no type would
    move any mass to an unused exchange, so ``eq`` is an equilibrium of the economy with a continuum
    of exchanges (Definition 6)."""
    if z_values is None:
        z_values = np.linspace(0.5 * eq.z.min(), min(2.0 * eq.z.max(), _z_max(economy) * (1 - 1e-9)), 61)
    for z in z_values:
        lo, hi = rights_price_band(economy, eq, float(z))
        if not lo <= hi + tol:
            return False
    return True


def _z_max(economy):
    """Largest fundamental (K = 0): aggregate date-1 good 1 over good 2."""
    return float(economy.alpha @ economy.e[:, 0, 0] / (economy.alpha @ economy.e[:, 0, 1]))


def _nonempty(band):
    return band[0] <= band[1]


def grid_candidate(economy, z):
    """The single-exchange allocation with the active exchange fixed at z (K from consistency, P from the
    storage market); an equilibrium on a grid when the rights-price bands at the other grid points are
    non-empty (:func:`rights_price_band`)."""
    if economy.S != 1:
        raise _unsupported("grid_candidate")
    alpha = economy.alpha
    args = _one_state(economy)
    z_max = alpha @ args[3] / (alpha @ args[4])
    if not (0 < z < z_max):
        raise ValueError(f"z must lie in (0, {z_max:.6g}) (K >= 0 needs z <= aggregate e1/e2), got {z!r}")
    K, P = se_grid_kernel(float(z), *args)
    return _se_single(economy, K, P, float(z))


# --------------------------------------------------------------------------- rights-price bands


def _deterrence(P, h, econ, eq, z, net, args=None):
    """g_h(P): the best value of trading in exchange z at rights price P minus the type's equilibrium
    value, in the linearised (lottery) form of the KKT inequality (56); convex in P. ``args``:
    ``_one_state(econ)``, if the caller has it (root finders call this thousands of times)."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ) if args is None else args
    p = z**sigma
    mu0 = eq.mu0[h]
    ck = eq.p0 + P * z * R
    if ck <= 0:
        return np.inf
    F = e1[h] + p * e2[h]
    # interior storage: beta p R mu1(W) = mu0 ck  =>  W = (mu0 ck / (beta p R))**(-1/sigma) / share
    W = (mu0 * ck / (beta * p * R)) ** (-1 / sigma) / _share(z, sigma)
    k = max((W - F) / (p * R), 0.0)
    W = F + p * R * k
    return beta * _v(W, z, sigma) - mu0 * (eq.p0 * k + P * (z * (e2[h] + R * k) - e1[h])) - net[h]


def _net_values(econ, eq):
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    net = np.full(econ.H, -np.inf)
    for h in range(econ.H):
        for m in range(eq.z.shape[0]):
            if eq.weights[h, m] > 0:
                z, km = eq.z[m, 0], eq.k_by_exchange[h, m]
                W = e1[h] + z**sigma * (e2[h] + R * km)
                net[h] = max(net[h], beta * _v(W, z, sigma) - eq.mu0[h] * (eq.p0 * km + eq.P[m, 0] * (
                    z * (e2[h] + R * km) - e1[h])))
    return net


def rights_price_band(economy, eq, z):
    """Supporting band [lower, upper] of rights prices in exchange z (Section 2.1.5, eq. 56).

    A price P in exchange z supports the equilibrium ``eq`` when no type gains from moving (any share of)
    its mass there: g_h(P) <= 0 for every h. Each g_h is convex in P, so each type allows an interval;
    payers (Delta > 0) bound P from below, receivers from above. The band is the intersection; it is
    empty (lower > upper) when no price keeps everybody out. At an active exchange it shrinks to P.
    """
    from scipy.optimize import brentq, minimize_scalar

    if economy.S != 1:
        raise _unsupported("rights_price_band")
    args = _one_state(economy)
    alpha, e10, e20, e1, e2, R, beta, sigma = args
    net = _net_values(economy, eq)
    lo_lim = -eq.p0 / (z * R)
    lower, upper = -np.inf, np.inf
    for h in range(economy.H):
        g = lambda P: _deterrence(P, h, economy, eq, z, net, args)  # noqa: E731
        # minimiser of g: Delta_h(z, k*(P)) = 0, i.e. k* = (e1/z - e2)/R (if >= 0)
        k_hat = (e1[h] / z - e2[h]) / R
        if k_hat <= 0:
            # always a payer: g decreasing in P -> lower bound only
            a, b = lo_lim * (1 - 1e-12), max(1.0, abs(lo_lim))
            while g(b) > 0:
                b *= 2
                if b > 1e8:
                    return (np.inf, -np.inf)
            if g(a) <= 0:
                continue
            lower = max(lower, brentq(g, a, b, xtol=1e-14))
            continue
        p = z**sigma
        W_hat = e1[h] + p * (e2[h] + R * k_hat)
        ck_hat = beta * p * R * _mu(W_hat, z, sigma) / eq.mu0[h]
        P_hat = (ck_hat - eq.p0) / (z * R)
        g_min = g(P_hat)
        if g_min > 0:
            return (P_hat, P_hat - abs(g_min))  # empty band (lower > upper)
        b = P_hat + 1.0
        for _ in range(60):
            if g(b) > 0:
                upper = min(upper, brentq(g, P_hat, b, xtol=1e-14) if g_min < 0 else P_hat)
                break
            b = P_hat + 2 * (b - P_hat)
        # below P_hat: storage gets cheaper; the bound can disappear (utility bounded above, sigma > 1)
        floor = lo_lim + 1e-12 * max(abs(lo_lim), 1.0)
        a = max(P_hat - 1.0, floor)
        for _ in range(60):
            if g(a) > 0:
                lower = max(lower, brentq(g, a, P_hat, xtol=1e-14) if g_min < 0 else P_hat)
                break
            if a <= floor:
                break
            a = max(floor, lo_lim + 0.5 * (a - lo_lim))
    return (float(lower), float(upper))


# --------------------------------------------------------------------------- planner (Program 1)


@njit(cache=True)
def _u1_given(x, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Type 1's utility when type 2 gets U2bar, storage is K and type 2's date-1 wealth is
    F2 + x (T1 - alpha1 F1 - alpha2 F2) / alpha2 (x in [0, 1]); -inf when infeasible."""
    E10 = alpha @ e10
    C20 = alpha @ e20 - K
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    F1 = e1[0] + p * e2[0]
    F2 = e1[1] + p * e2[1]
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    W2 = F2 + x * (T1 - alpha[0] * F1 - alpha[1] * F2) / alpha[1]
    W1 = (T1 - alpha[1] * W2) / alpha[0]
    X = U2bar - beta * _v(W2, z, sigma)
    if sigma == 1.0:
        om2 = np.exp(0.5 * (X - np.log(E10) - np.log(C20)))
    else:
        base = (1.0 - sigma) * X / (E10 ** (1.0 - sigma) + C20 ** (1.0 - sigma))
        if base <= 0.0:
            return -1e300
        om2 = base ** (1.0 / (1.0 - sigma))
    om1 = (1.0 - alpha[1] * om2) / alpha[0]
    if om1 <= 0.0:
        return -1e300
    return _phi(om1 * E10, sigma) + _phi(om1 * C20, sigma) + beta * _v(W1, z, sigma)


# A golden-section search as a state machine ("reverse communication"): the caller evaluates its own
# objective at the points the machine asks for. One copy of the search serves every level of the nested
# planner searches; numba cannot cache kernels that receive functions, nor recursive ones.
_GOLD = 0.6180339887498949


@njit(cache=True)
def _golden_start(lo, hi):
    """Start a golden-section search for the maximum over [lo, hi]; returns (state, first point).

    The objective is assumed concave on [lo, hi]; after 60 shrinking steps the midpoint and the corners
    lo, hi are evaluated too (a collateral floor may bind) and the best of them is kept. An empty
    interval (hi < lo) needs no evaluation: its value is -1e300. When the point returned by
    :func:`_golden_next` is NaN the search is over: the argmax is state[8], the maximum state[9].
    """
    st = np.zeros(13)  # a, b, c, d, fc, fd, lo, hi, t*, f*, steps, phase, new point is c (1) or d (0)
    st[0], st[1], st[6], st[7] = lo, hi, lo, hi
    if hi < lo:
        st[8], st[9] = lo, -1e300
        return st, np.nan
    st[2], st[3] = hi - _GOLD * (hi - lo), lo + _GOLD * (hi - lo)
    return st, st[2]


@njit(cache=True)
def _golden_next(st, f):
    """Feed the objective's value f at the last point asked for; returns the next point (NaN: done)."""
    phase = st[11]
    if phase == 0.0:  # f = f(c)
        st[4], st[11] = f, 1.0
        return st[3]
    if phase == 1.0:  # f = f(d)
        st[5] = f
    elif phase == 2.0:  # f at the point the last step created
        if st[12] > 0.0:
            st[4] = f
        else:
            st[5] = f
    if phase <= 2.0:
        if st[10] < 60.0:
            st[10] += 1.0
            st[11] = 2.0
            a, b, c, d, fc, fd = st[0], st[1], st[2], st[3], st[4], st[5]
            if fc >= fd:
                b, d, fd = d, c, fc
                c = b - _GOLD * (b - a)
                new, st[12] = c, 1.0
            else:
                a, c, fc = c, d, fd
                d = a + _GOLD * (b - a)
                new, st[12] = d, 0.0
            st[0], st[1], st[2], st[3], st[4], st[5] = a, b, c, d, fc, fd
            return new
        st[8], st[11] = 0.5 * (st[0] + st[1]), 3.0
        return st[8]
    if phase == 3.0:  # f at the midpoint
        st[9], st[11] = f, 4.0
        return st[6]
    if f > st[9]:  # f at a corner (phase 4: lo, phase 5: hi)
        st[8], st[9] = st[7] if phase == 5.0 else st[6], f
    st[11] = phase + 1.0
    return st[7] if phase == 4.0 else np.nan


@njit(cache=True)
def _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over x in [0, 1] of :func:`_u1_given` (golden section; the function is concave in x where it is
    feasible).

    With sigma >= 1 the feasible x form an interval [x_lo, 1]: type 2's target U2bar needs enough date-1
    wealth (W2 rises with x) and leaves type 1 a positive date-0 share only above some x. x_lo is found
    by bisection first; a golden section over all of [0, 1] would compare -1e300 with -1e300 when both
    of its first points are infeasible and walk away from the feasible interval (it did, for type-2
    targets reachable only with most of the date-1 wealth).
    """
    lo = 0.0
    if sigma >= 1.0 and _u1_given(0.0, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
        if _u1_given(1.0, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
            return 1.0, -1e300
        a, b = 0.0, 1.0  # a infeasible, b feasible
        for _ in range(100):
            m = 0.5 * (a + b)
            if b - a <= 1e-16:
                break
            if _u1_given(m, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma) < -1e299:
                a = m
            else:
                b = m
        lo = b
    st, x = _golden_start(lo, 1.0)
    while x == x:
        x = _golden_next(st, _u1_given(x, K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[8], st[9]


@njit(cache=True)
def _planner_value(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, three):
    """Type 1's best utility at storage K: the best division of date-1 wealth (two or three types)."""
    if three:
        return _golden_W2(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    return _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma)[1]


@njit(cache=True)
def _planner_K(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan, three):
    """Storage K for Program 1 with two types (three = False) or three: a scan on n_scan points (the
    problem need not be concave in K, footnote 12), refined by golden section between the neighbours of
    the best point. Returns (U1max, K*)."""
    top = (alpha @ e20) * (1.0 - 1e-6)
    best, ib = -1e301, 0
    Ks = np.linspace(0.0, top, n_scan)
    for i in range(n_scan):
        f = _planner_value(Ks[i], U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, three)
        if f > best:
            best, ib = f, i
    st, K = _golden_start(Ks[max(ib - 1, 0)], Ks[min(ib + 1, n_scan - 1)])
    while K == K:
        K = _golden_next(st, _planner_value(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, three))
    K, f = st[8], st[9]
    if best > f:  # the scan point itself (e.g. the corner K = 0)
        K, f = Ks[ib], best
    return f, K


@njit(cache=True)
def planner_kernel(U2bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """Program 1 with two types and one state: max U1 s.t. U2 >= U2bar. Returns (U1max, K*, x*).

    Storage K is scanned on n_scan points (the problem need not be concave in K, footnote 12) and refined
    by golden section between the neighbours of the best point; for each K the split of date-1 wealth
    above the collateral-free floors e1 + p e2 is chosen by golden section (concave there).
    """
    f, K = _planner_K(U2bar, 0.0, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan, False)
    x, f = _golden_x(K, U2bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    return f, K, x


@njit(cache=True)
def _u1_given3(W2, W3, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Three types: type 1's utility when types 2 and 3 get U2bar, U3bar with date-1 wealths W2, W3
    (type 1 keeps the rest of T1); -1e300 when infeasible (a floor W1 >= F1 or a share om1 > 0 fails)."""
    E10 = alpha @ e10
    C20 = alpha @ e20 - K
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    W1 = (T1 - alpha[1] * W2 - alpha[2] * W3) / alpha[0]
    if W1 < (e1[0] + p * e2[0]) * (1.0 - 1e-14):
        return -1e300
    W1 = max(W1, e1[0] + p * e2[0])
    om = np.empty(2)
    Ws = (W2, W3)
    Us = (U2bar, U3bar)
    for j in range(2):
        X = Us[j] - beta * _v(Ws[j], z, sigma)
        if sigma == 1.0:
            om[j] = np.exp(0.5 * (X - np.log(E10) - np.log(C20)))
        else:
            base = (1.0 - sigma) * X / (E10 ** (1.0 - sigma) + C20 ** (1.0 - sigma))
            if base <= 0.0:
                return -1e300
            om[j] = base ** (1.0 / (1.0 - sigma))
    om1 = (1.0 - alpha[1] * om[0] - alpha[2] * om[1]) / alpha[0]
    if om1 <= 0.0:
        return -1e300
    return _phi(om1 * E10, sigma) + _phi(om1 * C20, sigma) + beta * _v(W1, z, sigma)


# The three-type searches find the feasible interval first. A golden section alone compares -1e300 with
# -1e300 when both of its first points are infeasible and may walk away from the feasible interval (it
# did: a type whose target needs most of the date-1 wealth, see the tests). The objective of each level
# is concave on its feasible set, an interval (a convex slice of a convex set), so [a, b] is found by
# bisection from an infeasible end towards a feasible point; when both ends are infeasible, from the
# first and last feasible points of a 33-point scan (none: -1e300). numba compiles no recursion, so the
# two levels (W3 given W2; W2) have their own copies of the same few lines.

_FEAS_SCAN = 33


@njit(cache=True)
def _interval_W3(W2, lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Feasible interval [a, b] of :func:`_u1_given3` in W3 within [lo, hi]; (nan, nan) when none."""
    ok = np.empty(2)
    ok[0] = _u1_given3(W2, lo, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    ok[1] = _u1_given3(W2, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    if ok[0] and ok[1]:
        return lo, hi
    step = (hi - lo) / (_FEAS_SCAN - 1)
    ends = np.array([np.nan, np.nan, np.nan, np.nan])  # (bad, good) for a and for b
    if ok[0]:
        ends[0], ends[1] = lo, lo
    if ok[1]:
        ends[2], ends[3] = hi, hi
    if not ok[0] and not ok[1]:
        first, last = -1, -1
        for i in range(1, _FEAS_SCAN - 1):
            if _u1_given3(W2, lo + step * i, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                if first < 0:
                    first = i
                last = i
        if first < 0:
            return np.nan, np.nan
        ends[:] = lo + step * (first - 1), lo + step * first, lo + step * (last + 1), lo + step * last
    elif not ok[0]:
        ends[0], ends[1] = lo, hi
    else:
        ends[2], ends[3] = hi, lo
    for j in (0, 2):
        bad, good = ends[j], ends[j + 1]
        for _ in range(200):
            if bad == good or abs(good - bad) <= 1e-15 * max(1.0, abs(good)):
                break
            m = 0.5 * (bad + good)
            if _u1_given3(W2, m, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                good = m
            else:
                bad = m
        ends[j + 1] = good
    return ends[1], ends[3]


@njit(cache=True)
def _golden_W3(W2, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over W3 in [F3, (T1 - a1 F1 - a2 W2)/a3] of :func:`_u1_given3` (concave in W3 where feasible),
    corners checked, on the feasible interval (:func:`_interval_W3`)."""
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    lo, hi = e1[2] + p * e2[2], (T1 - alpha[0] * (e1[0] + p * e2[0]) - alpha[1] * W2) / alpha[2]
    if hi < lo:
        return -1e300
    a, b = _interval_W3(W2, lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    if a != a:
        return -1e300
    st, W3 = _golden_start(a, b)
    while W3 == W3:
        W3 = _golden_next(st, _u1_given3(W2, W3, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[9]


@njit(cache=True)
def _interval_W2(lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """Feasible interval [a, b] of :func:`_golden_W3` in W2 within [lo, hi]; (nan, nan) when none."""
    ok = np.empty(2)
    ok[0] = _golden_W3(lo, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    ok[1] = _golden_W3(hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299
    if ok[0] and ok[1]:
        return lo, hi
    step = (hi - lo) / (_FEAS_SCAN - 1)
    ends = np.array([np.nan, np.nan, np.nan, np.nan])
    if ok[0]:
        ends[0], ends[1] = lo, lo
    if ok[1]:
        ends[2], ends[3] = hi, hi
    if not ok[0] and not ok[1]:
        first, last = -1, -1
        for i in range(1, _FEAS_SCAN - 1):
            if _golden_W3(lo + step * i, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                if first < 0:
                    first = i
                last = i
        if first < 0:
            return np.nan, np.nan
        ends[:] = lo + step * (first - 1), lo + step * first, lo + step * (last + 1), lo + step * last
    elif not ok[0]:
        ends[0], ends[1] = lo, hi
    else:
        ends[2], ends[3] = hi, lo
    for j in (0, 2):
        bad, good = ends[j], ends[j + 1]
        for _ in range(200):
            if bad == good or abs(good - bad) <= 1e-15 * max(1.0, abs(good)):
                break
            m = 0.5 * (bad + good)
            if _golden_W3(m, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma) > -1e299:
                good = m
            else:
                bad = m
        ends[j + 1] = good
    return ends[1], ends[3]


@njit(cache=True)
def _golden_W2(K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma):
    """max over W2 of :func:`_golden_W3` (a maximum of a jointly concave function over a convex slice is
    concave in W2), corners checked, on the feasible interval (:func:`_interval_W2`)."""
    z = (alpha @ e1) / (alpha @ e2 + R * K)
    p = z**sigma
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    lo = e1[1] + p * e2[1]
    hi = (T1 - alpha[0] * (e1[0] + p * e2[0]) - alpha[2] * (e1[2] + p * e2[2])) / alpha[1]
    if hi < lo:
        return -1e300
    a, b = _interval_W2(lo, hi, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma)
    if a != a:
        return -1e300
    st, W2 = _golden_start(a, b)
    while W2 == W2:
        W2 = _golden_next(st, _golden_W3(W2, K, U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma))
    return st[9]


@njit(cache=True)
def planner3_kernel(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan):
    """Program 1 with three types and one state: max U1 s.t. U2 >= U2bar, U3 >= U3bar, one spot market.
    Returns (U1max, K*). Same design as :func:`planner_kernel`: a scan of K refined by golden section;
    for each K, nested golden sections over the date-1 wealths W2, W3 above their floors e1 + p e2."""
    return _planner_K(U2bar, U3bar, alpha, e10, e20, e1, e2, R, beta, sigma, n_scan, True)


def _check_planner(economy):
    if economy.S != 1 or economy.H not in (2, 3):
        raise UnsupportedEconomy("the constrained planner is implemented for two or three types and one state")


def planner_max_u1(economy, U2bar, n_scan=41):
    """Program 1 (eqs. 15-16) with one state and one spot market: the largest U^1 attainable when every
    other type h gets at least its entry of ``U2bar`` (a number for two types, a pair (U^2, U^3) for three
    types); returns (U1, K)."""
    _check_planner(economy)
    others = np.atleast_1d(np.asarray(U2bar, dtype=float))
    if others.shape != (economy.H - 1,):
        raise ValueError(f"U2bar must give the utility floors of the {economy.H - 1} types other than type 1")
    if economy.H == 2:
        U1, K, _ = planner_kernel(float(others[0]), *_one_state(economy), int(n_scan))
    else:
        U1, K = planner3_kernel(float(others[0]), float(others[1]), *_one_state(economy), int(n_scan))
    if U1 < -1e299:
        raise ValueError(f"U2bar = {U2bar!r} is not attainable")
    return float(U1), float(K)


def welfare_gap(economy, U):
    """How far a utility vector U = (U1, ..., UH) lies inside the constrained frontier of Program 1 (one
    state, one spot market, two or three types): max{U1 : Uh >= U[h], h > 1} - U[0]. Zero for
    constrained-optimal allocations (Theorem 1). With three types a segregated equilibrium with a mixing
    lender uses several spot markets, which Program 1 cannot: its gap is then <= 0 (Theorem 1 says no
    one-market allocation dominates it), not zero."""
    U = np.asarray(U, dtype=float)
    return planner_max_u1(economy, U[1:] if economy.H > 2 else U[1])[0] - float(U[0])


class FrontierGap(NamedTuple):
    """How far an equilibrium lies inside the constrained frontier of Program 1, with the tolerance of a
    check that it lies *on* it (:func:`theorem_1_frontier_gap`, :func:`proposition_1_frontier_gap`).

    gap: max{U^1 : U^h >= U^h_eq, h > 1} - U^1_eq (Program 1 solved with ``n_scan`` storage points);
    tol: 10 times the estimated numerical error of ``gap``, the sum of
    error_search (|gap(n_scan) - gap(4 n_scan - 3)|: the planner re-solved on a four times finer storage
    scan, whose golden-section refinement starts from a different bracket), error_rounding (64 ulps of the
    utilities compared: each is a sum of a few powers and a quotient, evaluated to a few ulps) and
    error_equilibrium (the equilibrium's own clearing residual r, in goods, valued at date 0: at most
    (1 + p0) r / min alpha goods for one type, i.e. max mu0 times that in utility);
    U the equilibrium utilities; U1_frontier the planner's U^1.
    """

    gap: float
    tol: float
    error_search: float
    error_rounding: float
    error_equilibrium: float
    U: np.ndarray
    U1_frontier: float


def _frontier_gap(economy, eq, n_scan):
    others = eq.U[1:] if economy.H > 2 else eq.U[1]
    U1a = planner_max_u1(economy, others, n_scan)[0]
    U1b = planner_max_u1(economy, others, 4 * int(n_scan) - 3)[0]
    err_search = abs(U1a - U1b)
    err_round = 64.0 * float(np.spacing(max(abs(U1a), float(np.max(np.abs(eq.U))))))
    err_eq = float(eq.residual) * float(np.max(eq.mu0)) * (1.0 + float(eq.p0)) / float(np.min(economy.alpha))
    gap = U1a - float(eq.U[0])
    return FrontierGap(float(gap), 10.0 * (err_search + err_round + err_eq), float(err_search), err_round, err_eq,
                       np.asarray(eq.U, dtype=float), float(U1a))


def theorem_1_frontier_gap(economy, rights=True, n_scan=41) -> FrontierGap:
    """Theorem 1 (first welfare theorem, the paper's §2.1.7 and Appendix B): distance of the equilibrium
    with segregated exchanges from the constrained Pareto frontier of Program 1 (eqs. 15-16), computed by
    the planner of :func:`planner_max_u1`, which knows nothing of rights, exchanges or first-order
    conditions. The theorem says ``gap`` is 0 (up to ``tol``, see :class:`FrontierGap`).

    ``rights=False`` removes the rights markets, the theorem's hypothesis: the equilibrium is then the
    competitive collateral equilibrium of Definition 1, strictly inside the frontier when a collateral
    constraint binds (Proposition 1) -- the case on which the check must fail.

    One state, two or three types, and an equilibrium with one active exchange: with a lender who mixes
    over several exchanges (Environment 3) the frontier is that of Program 2, which the one-market
    Program 1 does not compute (use :func:`planner_exchanges_max_u1`); this raises
    :class:`UnsupportedEconomy`.
    """
    _check_planner(economy)
    eq = segregated_equilibrium(economy) if rights else collateral_equilibrium(economy)
    if rights and eq.z.shape[0] != 1:
        raise UnsupportedEconomy("theorem_1_frontier_gap: the equilibrium uses several exchanges; Program 1 "
                                 "with one spot market is not its frontier (see planner_exchanges_max_u1)")
    return _frontier_gap(economy, eq, n_scan)


def proposition_1_frontier_gap(economy, n_scan=41) -> FrontierGap:
    """Proposition 1 (§2.1.4): distance of the competitive collateral equilibrium (Definition 1) from the
    constrained Pareto frontier of Program 1 (eqs. 15-16), computed by the planner of
    :func:`planner_max_u1`, independent of the equilibrium solver. The proposition says that ``gap`` is
    0 (up to ``tol``, see :class:`FrontierGap`) when no collateral constraint binds (with interior
    aggregate storage, the chapter's qualification), and positive when one binds -- the case on which the
    check of ``gap = 0`` must fail. One state, two or three types."""
    _check_planner(economy)
    return _frontier_gap(economy, collateral_equilibrium(economy), n_scan)


class Proposition2Gap(NamedTuple):
    """Proposition 2's two inequalities for a competitive collateral equilibrium (:func:`proposition_2_gap`).

    K_ce, K_op: aggregate storage of the equilibrium and of the constrained optimum at the equilibrium's
    utilities of the other types; p0_ce, p0_op: the date-0 price of good 2 (marginal rate of
    substitution at the aggregate date-0 ratio, eq. 10 at t = 0); tol: 10 times the numerical error of
    the differences (the planner's storage re-solved on a four times finer scan, plus the equilibrium's
    storage-market residual, propagated to p0 by dp0/dK); sign_condition: every constrained type buys
    good 2 at t = 1 (the condition under which the paper's sign argument holds); binding: some collateral
    constraint binds (otherwise the equilibrium is first best and the proposition says nothing).
    """

    K_ce: float
    K_op: float
    p0_ce: float
    p0_op: float
    tol: float
    sign_condition: bool
    binding: bool


def proposition_2_gap(economy, n_scan=41) -> Proposition2Gap:
    r"""Proposition 2 (§2.1.4): if the competitive collateral equilibrium is not first best (and, the
    chapter's qualification, the constrained types buy good 2 at t = 1), then :math:`K^{op} < K^{ce}` and
    :math:`p_0^{op} < p_0^{ce}`, where "op" is the constrained optimum of Program 1 (eqs. 15-16) at the
    equilibrium's utilities of types 2..H (:func:`planner_max_u1`, which knows nothing of the
    equilibrium's first-order conditions). Both prices are :math:`(\bar e_{10}/(\bar e_{20} - K))^\sigma`:
    with identical homothetic utility every type consumes the aggregate date-0 ratio. One state, two or
    three types.
    """
    _check_planner(economy)
    ce = collateral_equilibrium(economy)
    others = ce.U[1:] if economy.H > 2 else ce.U[1]
    _, K_a = planner_max_u1(economy, others, n_scan)
    _, K_b = planner_max_u1(economy, others, 4 * int(n_scan) - 3)
    E10, E20, s = float(economy.alpha @ economy.e0[:, 0]), float(economy.alpha @ economy.e0[:, 1]), economy.sigma

    def p0(K):
        return (E10 / (E20 - K)) ** s

    err_K = abs(K_a - K_b) + float(ce.residual)
    dp0 = s * p0(max(K_a, ce.K)) / (E20 - max(K_a, ce.K))
    tol = 10.0 * max(err_K, err_K * dp0) + 64.0 * float(np.spacing(max(1.0, p0(max(K_a, ce.K)))))
    b = ce.binding[:, 0]
    buys2 = bool(np.all(ce.c1[b, 0, 1] > economy.e[b, 0, 1])) if b.any() else False
    return Proposition2Gap(float(ce.K), float(K_a), float(p0(ce.K)), float(p0(K_a)), float(tol), buys2, bool(b.any()))


class PriceSmoothing(NamedTuple):
    """Date-0 price p0 and unwind price p(z) of good 2 in the competitive collateral equilibrium ("ex")
    and in the equilibrium with segregated exchanges ("op"), with the tolerance of a check of
    p0_op < p0_ex and p_ex < p_op (:func:`env1_price_smoothing`)."""

    p0_ex: float
    p0_op: float
    p_ex: float
    p_op: float
    tol: float


def env1_price_smoothing(economy) -> PriceSmoothing:
    r"""Environment 1's price claim (§2.1.6): rights to trade lower the date-0 price of good 2 and raise its
    unwind price, :math:`p_0^{op} < p_0^{ex}` and :math:`p(z^{ex}) < p(z^{op})`. Both equilibria come from
    their solvers (Definitions 1 and 3), neither of which imposes the comparison. One state and one
    active exchange. tol: ten times the two solvers' residuals (in goods) times the larger price
    sensitivity to storage, plus 64 ulps.
    """
    if economy.S != 1:
        raise UnsupportedEconomy("env1_price_smoothing: one state")
    ce, se = collateral_equilibrium(economy), segregated_equilibrium(economy)
    if se.z.shape[0] != 1:
        raise UnsupportedEconomy("env1_price_smoothing: the equilibrium with rights uses several exchanges")
    s = economy.sigma
    p_op = float(se.z[0, 0] ** s)
    E20 = float(economy.alpha @ economy.e0[:, 1])
    E2 = float(economy.alpha @ economy.e[:, 0, 1] + economy.R[0] * min(ce.K, se.K))
    slope = s * max(ce.p0 / (E20 - max(ce.K, se.K)), se.p0 / (E20 - max(ce.K, se.K)), ce.p[0] * economy.R[0] / E2)
    tol = 10.0 * (float(ce.residual) + float(se.residual)) * slope + 64.0 * float(np.spacing(max(ce.p0, se.p0)))
    return PriceSmoothing(float(ce.p0), float(se.p0), float(ce.p[0]), p_op, float(tol))


class Program1(NamedTuple):
    """Program 1 in the paper's own variables (:func:`program1_max_u1`): U1 the largest utility of type 1
    found; K aggregate storage there; x the variables; residual the largest violation of its constraints
    at x by our own evaluation; accepted how many of the starts ended feasible (residual <= 1e-10)."""

    U1: float
    K: float
    x: np.ndarray
    residual: float
    accepted: int


def program1_max_u1(economy, U2bar, n_starts=20, seed=0) -> Program1:
    r"""Program 1 (eqs. 15-16) for two types and any number of states, in the paper's own variables, by
    SciPy's SLSQP from ``n_starts`` random starting points: type 1's date-0 consumption, both types'
    storage, type 1's good-1 securities :math:`\theta^1_s` and spot purchases of good 2 :math:`\tau^1_s`
    per state (type 2 holds the opposite, scaled by the masses); type 2's date-0 consumption from the
    resource constraints; spot prices :math:`p_s = z_s^\sigma` with :math:`z_s` from eq. (10); collateral
    constraints :math:`\theta^h_s + p_sR_sk^h \ge 0` (eq. 13). It knows nothing of the equilibrium solvers
    or of the one-state reduction. A start counts only if its end point satisfies every constraint to
    1e-10 by our own evaluation (SLSQP's success flag is not used)."""
    from scipy.optimize import minimize

    if economy.H != 2:
        raise UnsupportedEconomy("program1_max_u1: two types")
    a, e0, e, R, pi, beta, sg = economy.alpha, economy.e0, economy.e, economy.R, economy.pi, economy.beta, economy.sigma
    S = economy.S
    E0, E1 = a @ e0, np.einsum("h,hsl->sl", a, e)
    r21 = a[0] / a[1]

    def alloc(x):
        c10, c20, k1, k2 = x[:4]
        th1, t1 = x[4:4 + S], x[4 + S:4 + 2 * S]
        k = np.array([k1, k2])
        K = a @ k
        p = (E1[:, 0] / (E1[:, 1] + R * K)) ** sg
        c0 = np.array([[c10, c20], [(E0[0] - a[0] * c10) / a[1], (E0[1] - K - a[0] * c20) / a[1]]])
        th = np.array([th1, -r21 * th1])
        t = np.array([t1, -r21 * t1])
        c1 = np.stack([e[:, :, 0] + th - p[None, :] * t, e[:, :, 1] + R[None, :] * k[:, None] + t], axis=2)
        coll = th + p[None, :] * R[None, :] * k[:, None]
        return c0, c1, coll, K

    def utils(x):
        c0, c1, _, _ = alloc(x)
        if np.any(c0 <= 0.0) or np.any(c1 <= 0.0):
            return np.full(2, -1e6)
        return _phi(c0, sg).sum(axis=1) + beta * (_phi(c1, sg).sum(axis=2) @ pi)

    def violation(x):
        c0, c1, coll, _ = alloc(x)
        return max(0.0, U2bar - utils(x)[1], -coll.min(), -c0.min(), -c1.min(), -min(x[2], x[3]))

    cons = [{"type": "ineq", "fun": lambda x: utils(x)[1] - U2bar},
            {"type": "ineq", "fun": lambda x: alloc(x)[2].ravel()},
            {"type": "ineq", "fun": lambda x: np.concatenate([alloc(x)[0].ravel(), alloc(x)[1].ravel()]) - 1e-9}]
    bounds = [(1e-9, None), (1e-9, None), (0.0, None), (0.0, None)] + [(None, None)] * (2 * S)
    rng = np.random.default_rng(seed)
    best, accepted = None, 0
    for _ in range(int(n_starts)):
        x0 = np.concatenate([rng.uniform(0.3, 0.9, 2) * E0, rng.uniform(0.0, 0.5, 2) * E0[1],
                             rng.uniform(-0.5, 0.5, S), rng.uniform(-0.5, 0.5, S)])
        res = minimize(lambda x: -utils(x)[0], x0, method="SLSQP", constraints=cons, bounds=bounds,
                       options={"ftol": 1e-15, "maxiter": 2000})
        v = violation(res.x)
        if np.all(np.isfinite(res.x)) and v <= 1e-10:
            accepted += 1
            U1 = float(utils(res.x)[0])
            if best is None or U1 > best[0]:
                best = (U1, float(alloc(res.x)[3]), res.x, v)
    if best is None:
        raise RuntimeError(f"program1_max_u1: no start of {n_starts} ended feasible")
    return Program1(best[0], best[1], best[2], float(best[3]), accepted)


def theorem_1_program1_gap(economy, rights=True, n_starts=6) -> FrontierGap:
    """Theorem 1 against Program 1 in the paper's variables (:func:`program1_max_u1`), for two-type
    economies with any number of states (Environment 2): max{U^1 : U^2 >= U^2_eq} - U^1_eq, with the
    equilibrium with segregated exchanges (``rights=False``: the competitive collateral equilibrium, the
    case on which the check must fail). tol: 10 times the sum of error_search (the planner re-solved from
    another ``n_starts`` random starting points), the planner's accepted constraint violation (an
    admissible shortfall of U^2, worth as much U^1 along a frontier of slope -1 -- the symmetric
    Environment 2; ``error_rounding`` holds it) and the equilibrium's residual valued at date 0
    (``error_equilibrium``, as in :class:`FrontierGap`)."""
    eq = segregated_equilibrium(economy) if rights else collateral_equilibrium(economy)
    a = program1_max_u1(economy, eq.U[1], n_starts, seed=0)
    b = program1_max_u1(economy, eq.U[1], n_starts, seed=1)
    err_search = abs(a.U1 - b.U1)
    err_con = max(a.residual, b.residual) + 64.0 * float(np.spacing(max(abs(a.U1), 1.0)))
    err_eq = float(eq.residual) * float(np.max(eq.mu0)) * (1.0 + float(eq.p0)) / float(np.min(economy.alpha))
    U1 = max(a.U1, b.U1)
    return FrontierGap(float(U1 - eq.U[0]), 10.0 * (err_search + err_con + err_eq), float(err_search), float(err_con),
                       err_eq, np.asarray(eq.U, dtype=float), float(U1))


class ExchangePlanner(NamedTuple):
    """Program 1 with the spot market split into exchanges (one state; see :func:`planner_exchanges_max_u1`).

    U1 largest utility of the saver; weights (M,) the saver's lottery over the exchanges; k (M,) its
    storage in each; z (M,) the exchanges' fundamentals; K aggregate storage; floors (min slack of the
    collateral floors W >= F, >= 0 up to SLSQP's tolerance); n_converged starts out of n_starts;
    converged (at least two starts converged and the best one is feasible).
    """

    U1: float
    weights: np.ndarray
    k: np.ndarray
    z: np.ndarray
    K: float
    floors: float
    n_converged: int
    n_starts: int
    converged: bool


def planner_exchanges_max_u1(economy, U_others, groups, saver=0, n_starts=8, seed=0):
    """Program 1 when the planner may split the spot market: the largest utility of type ``saver`` when
    every other type h gets ``U_others`` (a length-H vector; the saver's entry is ignored).

    Our construction for Theorem 1 with a mixing lender (Environment 3), independent of the equilibrium
    solver. ``groups`` lists, per exchange m, the types other than the saver that trade there (each
    exactly once; a group may be empty: an exchange of the saver alone); the saver is spread over the
    exchanges by a lottery with weights pi_m (each at least 1e-4). In exchange m
    the fundamental is z_m = (members' good 1) / (members' good 2 + alpha_saver pi_m R k_m) (eq. 10 within
    the exchange), the members' date-1 wealths add up to the exchange's aggregate value, and every member
    keeps at least its collateral-free floor F^h(z_m) = e^h_1 + p(z_m) e^h_2 (the one-state collateral
    constraint). Date-0 goods are common: type h consumes the share omega^h of the aggregate
    (e10, e20 - K); for the non-savers omega^h follows in closed form from U^h = U_others[h] (CRRA utility
    is homogeneous), the saver gets the rest. With one group this is Program 1 with one spot market.

    Unknowns: (pi_1..pi_{M-1}, k_1..k_M, the non-savers' date-1 wealths); SciPy's SLSQP from ``n_starts``
    random points (the problem is not concave, footnote 12), best feasible optimum kept.
    """
    from scipy.optimize import minimize

    if economy.S != 1:
        raise _unsupported("planner_exchanges_max_u1")
    H = economy.H
    members = [int(b) for g in groups for b in g]
    if sorted(members + [int(saver)]) != list(range(H)) or len(groups) < 1:
        raise ValueError("groups must list every type except the saver exactly once, in at least one exchange")
    Ubar = np.asarray(U_others, dtype=float)
    if Ubar.shape != (H,):
        raise ValueError(f"U_others must have {H} entries (the saver's is ignored)")
    a, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    if sigma == 1.0:
        raise _unsupported("planner_exchanges_max_u1 with sigma = 1 (the closed-form date-0 share needs sigma != 1)")
    E10, E20 = a @ e10, a @ e20
    M, s = len(groups), int(saver)

    def unpack(x):
        pis = np.append(x[:M - 1], 1.0 - np.sum(x[:M - 1]))
        return pis, x[M - 1:2 * M - 1], dict(zip(members, x[2 * M - 1:]))

    def slack_and_value(x):
        pis, k, Wb = unpack(x)
        K = a[s] * (pis @ k)
        u0 = _phi(E10, sigma) + _phi(E20 - K, sigma)  # utility of the per-capita date-0 aggregate
        floors = [pis[-1] - 1e-4] if M > 2 else []  # the last weight is 1 - the others (bounded if M = 2)
        value, rest, ok = 0.0, 0.0, True
        for m, g in enumerate(groups):
            ms = a[s] * pis[m]
            good1 = ms * e1[s] + sum(a[b] * e1[b] for b in g)
            good2 = ms * (e2[s] + R * k[m]) + sum(a[b] * e2[b] for b in g)
            z = good1 / good2
            p = z**sigma
            Ws = (good1 + p * good2 - sum(a[b] * Wb[b] for b in g)) / ms
            floors.append(Ws - (e1[s] + p * e2[s]))
            for b in g:
                floors.append(Wb[b] - (e1[b] + p * e2[b]))
                ratio = (Ubar[b] - beta * _v(max(Wb[b], 1e-12), z, sigma)) / u0
                ok = ok and ratio > 0.0  # U^b reachable with a positive date-0 share
                rest += a[b] * ratio ** (1.0 / (1.0 - sigma)) if ratio > 0.0 else 0.0
            ok = ok and Ws > 0.0
            value += pis[m] * beta * _v(Ws, z, sigma) if Ws > 0.0 else 0.0
        share = (1.0 - rest) / a[s]
        if not (ok and share > 0.0):
            return np.array(floors), -1e6
        return np.array(floors), share ** (1.0 - sigma) * u0 + value

    bounds = [(1e-4, 1 - 1e-4)] * (M - 1) + [(0.0, 0.999 * E20 / a[s])] * M + [(1e-6, None)] * len(members)
    cons = [{"type": "ineq", "fun": lambda x: slack_and_value(x)[0]}]
    rng = np.random.default_rng(seed)
    best, n_ok = None, 0
    for _ in range(int(n_starts)):
        x0 = np.concatenate([rng.dirichlet(np.ones(M))[:M - 1], rng.uniform(0, 0.8 * E20 / a[s], M),
                             [e1[b] + e2[b] * rng.uniform(0.3, 1.0) for b in members]])
        with np.errstate(invalid="ignore", divide="ignore"):  # SLSQP may try weights outside [0, 1]
            r = minimize(lambda x: -slack_and_value(x)[1], x0, method="SLSQP", bounds=bounds, constraints=cons,
                         options={"ftol": 1e-13, "maxiter": 500})
            floors, val = slack_and_value(r.x)
        # a start counts when its point is feasible by our own evaluation (SLSQP's success flag is not used:
        # it differs across CPUs); the best feasible value is a lower bound on the planner's maximum
        if np.all(np.isfinite(r.x)) and val > -1e5 and floors.min() > -1e-9:
            n_ok += 1
            if best is None or val > best[0]:
                best = (val, r.x, floors.min())
    if best is None:
        raise RuntimeError("planner_exchanges_max_u1: no start converged to a feasible point")
    pis, k, _ = unpack(best[1])
    z = np.array([(a[s] * pis[m] * e1[s] + sum(a[b] * e1[b] for b in g))
                  / (a[s] * pis[m] * (e2[s] + R * k[m]) + sum(a[b] * e2[b] for b in g)) for m, g in enumerate(groups)])
    return ExchangePlanner(float(best[0]), pis, k, z, float(a[s] * (pis @ k)), float(best[2]), n_ok, int(n_starts),
                           n_ok >= 2)


def planner_frontier(economy, n=40, U2_range=None):
    """The constrained Pareto frontier: n points (U1, U2), U2 evenly spaced over ``U2_range``.

    Default range: from the competitive equilibrium's U2 minus a margin to the segregated equilibrium's
    U2 plus a margin (the margin is the larger of their distance and 5 % of |U2|).
    """
    _check_planner(economy)
    if economy.H != 2:
        raise UnsupportedEconomy("planner_frontier draws the two-type frontier; use planner_max_u1 for three types")
    if U2_range is None:
        u_ce = collateral_equilibrium(economy).U[1]
        u_se = segregated_equilibrium(economy).U[1]
        lo, hi = min(u_ce, u_se), max(u_ce, u_se)
        m = max(hi - lo, 0.05 * abs(hi))
        U2_range = (lo - m, hi + m)
    U2 = np.linspace(U2_range[0], U2_range[1], int(n))
    U1 = np.array([planner_max_u1(economy, u)[0] for u in U2])
    return U1, U2


# --------------------------------------------------------------------------- public-finance reading


class PublicFinanceEquilibrium(NamedTuple):
    """Competitive equilibrium with the taxes equivalent to rights (Section 2.1.5): a tax P z R per unit
    of storage, P z per unit of good-2 endowment and a subsidy P per unit of good-1 endowment."""

    k: np.ndarray
    K: float
    p0: float
    z: float
    U: np.ndarray
    tax_storage: float
    tax_e2: float
    subsidy_e1: float
    residual: float


def public_finance_equilibrium(economy, P, storage_only=False):
    """Competitive collateral equilibrium under the tax book of rights price P (one state, one exchange).

    Prices p0 and z are endogenous (storage market clearing), the tax rates are fixed. With
    ``storage_only=True`` only the storage tax P z R is levied (its revenue rebated lump sum equally
    per capita), which does not reproduce the segregated allocation: the endowment taxes are needed.
    """
    if economy.S != 1:
        raise _unsupported("public_finance_equilibrium")
    from scipy.optimize import brentq

    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)

    def alloc(K):
        q, p0, z = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
        out = []
        for h in range(economy.H):
            if storage_only:
                # storage tax P z R; its revenue alpha.k P z R returned lump sum (per capita, = K P z R)
                k, w0, W1 = _agent(e10[h] + P * z * R * K + P * (z * e2[h] - e1[h]), e20[h], e1[h], e2[h], q,
                                   p0, z, P, R, beta, sigma)
            else:
                k, w0, W1 = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)
            out.append((k, w0, W1))
        return q, p0, z, out

    def excess(K):
        return sum(alpha[h] * alloc(K)[3][h][0] for h in range(economy.H)) - K

    K = brentq(excess, 0.0, alpha @ e20 * (1 - 1e-9), xtol=1e-15)
    q, p0, z, out = alloc(K)
    U = np.array([_v(w0, q, sigma) + beta * _v(W1, z, sigma) for _, w0, W1 in out])
    return PublicFinanceEquilibrium(np.array([o[0] for o in out]), float(K), float(p0), float(z), U,
                                    float(P * z * R), float(P * z), float(P), float(abs(excess(K))))


# --------------------------------------------------------------------------- the authors' method: lottery LP


class LotteryLP(NamedTuple):
    """Solution of the discretised Program 2 (Appendix A) at Pareto weights (1, lam2).

    z_grid exchanges; mass (H, nz) of each type in each exchange; k_mean (H,) expected storage;
    c0_mean (H, 2) expected date-0 consumption; p0 and P (nz,) dual prices (in units of date-0 good 1);
    budget_gap (H,) cost of each type's lottery at the dual prices minus the value of its endowment;
    lam2; status (HiGHS message); n_variables; n_constraints (equality rows).
    """

    z_grid: np.ndarray
    mass: np.ndarray
    k_mean: np.ndarray
    c0_mean: np.ndarray
    p0: float
    P: np.ndarray
    budget_gap: np.ndarray
    lam2: float
    status: str
    n_variables: int
    n_constraints: int


def lottery_lp(economy, z_grid, lam2, k_step=0.005, c_step=0.0025, k_max=2.5, c_range=(0.4, 4.0)):
    r"""Program 2 of the paper on grids, solved by linear programming (scipy HiGHS).

    A bundle is (c10, c20, z, k); utility and constraints are additively separable in c10, c20 and
    (z, k), so independent marginal lotteries over the three components suffice (a joint lottery with
    these marginals gives the same objective and constraints). Rows: three convexity rows per type, the
    two date-0 goods, and the rights-clearing row (55) of every exchange on ``z_grid``. Objective
    :math:`\sum_h\lambda^h\alpha^h E[V^h]` with :math:`\lambda = (1, \text{lam2})`. Dual prices:
    :math:`p_0` and :math:`P_\Delta(z)` are the multipliers of the good-2 and rights rows divided by the
    good-1 multiplier (HiGHS marginals refer to the minimised negative objective).
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    if economy.S != 1 or economy.H != 2:
        raise UnsupportedEconomy("lottery_lp: two types and one state")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    zg = np.asarray(z_grid, dtype=float)
    kg = np.arange(0.0, k_max + 1e-12, k_step)
    cg = np.arange(c_range[0], c_range[1] + 1e-12, c_step)
    nc, nz, nk = cg.size, zg.size, kg.size
    per = 2 * nc + nz * nk
    lam = np.array([1.0, float(lam2)])
    cost = np.zeros(2 * per)
    rows, cols, vals = [], [], []
    n_rows = 3 * 2 + 2 + nz
    b = np.zeros(n_rows)
    uc = _phi(cg, sigma)
    for h in range(2):
        o = h * per
        cost[o:o + nc] = -lam[h] * alpha[h] * uc
        cost[o + nc:o + 2 * nc] = -lam[h] * alpha[h] * uc
        Z, Kk = np.meshgrid(zg, kg, indexing="ij")
        W = e1[h] + Z**sigma * (e2[h] + R * Kk)
        c1 = W / (1 + Z ** (sigma - 1))
        V = _phi(c1, sigma) + _phi(c1 / Z, sigma)
        cost[o + 2 * nc:o + per] = -lam[h] * alpha[h] * beta * V.ravel()
        Delta = (Z * (e2[h] + R * Kk) - e1[h]).ravel()
        idx_x, idx_y, idx_w = np.arange(o, o + nc), np.arange(o + nc, o + 2 * nc), np.arange(o + 2 * nc, o + per)
        for r, idx in enumerate((idx_x, idx_y, idx_w)):
            rows += [np.full(idx.size, 3 * h + r)]
            cols += [idx]
            vals += [np.ones(idx.size)]
            b[3 * h + r] = 1.0
        rows += [np.full(nc, 6), np.full(nc, 7), np.full(nz * nk, 7)]
        cols += [idx_x, idx_y, idx_w]
        vals += [alpha[h] * cg, alpha[h] * cg, alpha[h] * Kk.ravel()]
        zi = np.repeat(np.arange(nz), nk)
        rows += [8 + zi]
        cols += [idx_w]
        vals += [alpha[h] * Delta]
    b[6], b[7] = alpha @ e10, alpha @ e20
    A = coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, 2 * per))
    A = A.tocsr()
    res = linprog(cost, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    _check_lp_optimal(res, A, b, cost)
    y = -res.eqlin.marginals  # shadow values of the maximisation
    p0 = y[7] / y[6]
    P = y[8:] / y[6]  # Lagrangian term -psi_R (sum alpha w Delta): a type pays P Delta in good 1
    x = res.x
    mass = np.zeros((2, nz))
    k_mean, c0_mean, gap = np.zeros(2), np.zeros((2, 2)), np.zeros(2)
    for h in range(2):
        o = h * per
        w = x[o + 2 * nc:o + per].reshape(nz, nk)
        mass[h] = w.sum(axis=1)
        k_mean[h] = (w * kg[None, :]).sum()
        c0_mean[h] = [x[o:o + nc] @ cg, x[o + nc:o + 2 * nc] @ cg]
        Delta = zg[:, None] * (e2[h] + R * kg[None, :]) - e1[h]
        spend = c0_mean[h, 0] + p0 * c0_mean[h, 1] + (w * (p0 * kg[None, :] + P[:, None] * Delta)).sum()
        gap[h] = spend - (e10[h] + p0 * e20[h])
    return LotteryLP(zg, mass, k_mean, c0_mean, float(p0), P, gap, float(lam2), res.message, 2 * per, n_rows)


LP_TOL = 1e-7  # primal feasibility, dual feasibility and duality gap of the lottery LP (HiGHS' defaults)


def _check_lp_optimal(res, A, b, cost):
    """Optimality of a solution of min c x s.t. A x = b, x >= 0, by our own residuals (not HiGHS' status):
    primal feasibility |A x - b|, x >= 0, dual feasibility c - A'y >= 0 and the duality gap c x - b y,
    each below LP_TOL (the gap relative to 1 + |c x|). Raises RuntimeError naming the failing residual."""
    if res.x is None or getattr(res, "eqlin", None) is None:
        raise RuntimeError(f"lottery LP: no solution returned ({res.message})")
    x, y = res.x, res.eqlin.marginals
    checks = {
        "primal |Ax - b|": float(np.max(np.abs(A @ x - b))),
        "x >= 0": float(max(0.0, -x.min())),
        "dual c - A'y >= 0": float(max(0.0, -(cost - A.T @ y).min())),
        "duality gap": abs(float(cost @ x - b @ y)) / (1.0 + abs(float(cost @ x))),
    }
    bad = {k: v for k, v in checks.items() if not v <= LP_TOL}
    if bad:
        raise RuntimeError(f"lottery LP not solved to {LP_TOL:g}: " + ", ".join(f"{k} = {v:.2g}" for k, v in bad.items())
                           + f" (HiGHS: {res.message})")


def negishi_lp(economy, z_grid, lam_bracket=(0.1, 1.0), tol=1e-4, **grids):
    """Weights (1, lam2) at which type 2's lottery costs its endowment (Negishi): bisection on lam2.

    The gap is piecewise constant in lam2 on a grid (vertex solutions jump), so the bisection stops at
    ``tol`` in lam2 and returns the solution with the smaller |budget gap| of the two ends.
    """
    lo, hi = lam_bracket
    s_lo, s_hi = lottery_lp(economy, z_grid, lo, **grids), lottery_lp(economy, z_grid, hi, **grids)
    if not (s_lo.budget_gap[1] < 0 < s_hi.budget_gap[1]):
        raise RuntimeError("lam_bracket does not bracket type 2's budget balance")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        s = lottery_lp(economy, z_grid, mid, **grids)
        if s.budget_gap[1] < 0:
            lo, s_lo = mid, s
        else:
            hi, s_hi = mid, s
    return s_lo if abs(s_lo.budget_gap[1]) <= abs(s_hi.budget_gap[1]) else s_hi


# --------------------------------------------------------------------------- Section 2.2: exogenous incomplete markets


class IncompleteEconomy(NamedTuple):
    """Section 2.2 demo (ours): two types of mass one half, S states, one bond paying one unit of good 1
    in every state, no storage; u^h = a_h log c1 + (1 - a_h) log c2. e0 (2, 2), e (2, S, 2)."""

    a: np.ndarray
    e0: np.ndarray
    e: np.ndarray
    pi: np.ndarray
    beta: float


def incomplete_economy(a=(0.9, 0.1), e0=((1, 1), (1, 1)), e=(((3, 3), (0.5, 0.5)), ((0.5, 0.5), (3, 3))),
                       pi=(0.5, 0.5), beta=1.0):
    """Validate and build the Section 2.2 demo economy (defaults: the study notes' parameters)."""
    a = np.array(a, dtype=float)
    if a.shape != (2,) or not np.all((a > 0) & (a < 1)):
        raise ValueError("a (Cobb-Douglas weights on good 1) must be two numbers in (0, 1)")
    e0, e, pi = np.array(e0, float), np.array(e, float), np.array(pi, float)
    if e0.shape != (2, 2) or not np.all(e0 > 0):
        raise ValueError("e0 must be (2, 2) and > 0")
    if e.ndim != 3 or e.shape[0] != 2 or e.shape[2] != 2 or not np.all(e > 0):
        raise ValueError("e must be (2, S, 2) and > 0")
    if pi.shape != (e.shape[1],) or not (np.all(pi > 0) and abs(pi.sum() - 1) < 1e-12):
        raise ValueError("pi must have S positive entries summing to 1")
    if not 0 < beta <= 1.5:
        raise ValueError("beta must be in (0, 1.5]")
    return IncompleteEconomy(_frozen(a), _frozen(e0), _frozen(e), _frozen(pi), float(beta))


def _gei_spot(ec, theta1):
    """Spot prices p_s and date-1 wealth W (2, S) when type 1 holds theta1 bonds (type 2: -theta1)."""
    th = np.array([theta1, -theta1])
    e1, e2 = ec.e[:, :, 0] + th[:, None], ec.e[:, :, 1]
    p = ((1 - ec.a) @ e1) / (ec.a @ e2)  # good-2 market clearing with Cobb-Douglas spot demand
    return p, e1 + p[None, :] * e2


def _gei_U(ec, w0, p0, W, p):
    a = ec.a[:, None]
    U0 = ec.a * np.log(ec.a * w0) + (1 - ec.a) * np.log((1 - ec.a) * w0 / p0)
    U1 = (a * np.log(a * W) + (1 - a) * np.log((1 - a) * W / p[None, :])) @ ec.pi
    return U0 + ec.beta * U1


def _gei_state(ec, x, rights):
    theta, Q = x[0], x[1]
    P = x[2:] if rights else np.zeros(ec.pi.size)
    p, W = _gei_spot(ec, theta)
    th = np.array([theta, -theta])
    Delta = ec.a[:, None] * p[None, :] * ec.e[:, :, 1] - (1 - ec.a)[:, None] * (ec.e[:, :, 0] + th[:, None])
    fees = Delta @ P
    # p0 from date-0 good-2 clearing: p0 sum e20 = sum (1 - a) w0, w0 = e10 + p0 e20 - Q th - fees
    base = ec.e0[:, 0] - Q * th - fees
    p0 = ((1 - ec.a) @ base) / (ec.e0[:, 1].sum() - (1 - ec.a) @ ec.e0[:, 1])
    w0 = base + p0 * ec.e0[:, 1]
    return theta, Q, P, p, W, Delta, p0, w0, th


def _gei_residual(x, ec, rights):
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, x, rights)
    mu_ratio = ec.beta * ec.pi[None, :] * w0[:, None] / W  # beta pi mu_s / mu0 (log utility: mu = 1/wealth)
    # bond FOC of each type: Q + sum_s P_s dDelta_s/dtheta = sum_s beta pi mu_s/mu0, dDelta/dtheta = -(1-a)
    res = [Q - P.sum() * (1 - ec.a[h]) - mu_ratio[h].sum() for h in range(2)]
    if rights:
        c2 = (1 - ec.a)[:, None] * W / p[None, :]
        minus_tau2 = ec.e[:, :, 1] - c2
        for s in range(ec.pi.size):  # summed p_s-FOC of the members (notes' formula)
            res.append(P[s] - (mu_ratio[:, s] @ minus_tau2[:, s]) / (ec.a @ ec.e[:, s, 1]))
    return np.array(res)


class IncompleteEquilibrium(NamedTuple):
    theta: float
    Q: float
    p0: float
    p: np.ndarray
    P: np.ndarray
    Delta: np.ndarray
    fee: np.ndarray
    U: np.ndarray
    residual: float
    converged: bool


GEI_TOL = 1e-10  # max |residual| of the Section 2.2 equilibrium conditions for `converged`
MIXTURE_TOL = 1e-9  # max |residual| of the Environment 3 mixture conditions for `converged`


def incomplete_equilibrium(ec, rights=False):
    """Definition 4 (rights=False) or Definition 5 (rights=True: one exchange per spot-price vector, rights
    priced by the summed first-order conditions) for the Section 2.2 demo; solved by scipy.optimize.root."""
    x0 = np.array([-0.3, 0.75] + ([0.0] * ec.pi.size if rights else []))
    out = root(_gei_residual, x0, args=(ec, rights), method="hybr", options={"xtol": 1e-14})
    r = float(np.max(np.abs(_gei_residual(out.x, ec, rights))))
    theta, Q, P, p, W, Delta, p0, w0, th = _gei_state(ec, out.x, rights)
    # converged: the equilibrium conditions hold to GEI_TOL by our own residual; scipy's success flag is
    # not used (hybr reports "not making good progress" at a residual of 1e-16 on some CPUs)
    return IncompleteEquilibrium(theta, Q, p0, p, P, Delta, Delta @ P, _gei_U(ec, w0, p0, W, p), r,
                                 bool(r < GEI_TOL))


def incomplete_welfare_gap(ec, U, starts=5):
    """max U1 s.t. U2 >= U[1] over the constrained-attainable set (date-0 split of goods and the bond
    position; date-1 spot markets clear at their own prices) minus U[0] (SLSQP from several starts)."""
    from scipy.optimize import minimize

    tot = ec.e0.sum(axis=0)

    def utils(y):
        c1 = np.array([[y[0], y[1]], [tot[0] - y[0], tot[1] - y[1]]])
        p, W = _gei_spot(ec, y[2])
        a = ec.a
        U0 = a * np.log(c1[:, 0]) + (1 - a) * np.log(c1[:, 1])
        U1 = (a[:, None] * np.log(a[:, None] * W) + (1 - a)[:, None] * np.log((1 - a)[:, None] * W / p[None, :])) @ ec.pi
        return U0 + ec.beta * U1

    best = -np.inf
    th_lo = -np.min(ec.e[0, :, 0]) * 0.999
    th_hi = np.min(ec.e[1, :, 0]) * 0.999
    for x1 in np.linspace(0.2, 0.8, starts):
        for th in (0.5 * th_lo, 0.0, 0.5 * th_hi):
            res = minimize(lambda y: -utils(y)[0], [x1 * tot[0], x1 * tot[1], th], method="SLSQP",
                           constraints=[{"type": "ineq", "fun": lambda y: utils(y)[1] - U[1]}],
                           bounds=[(1e-6, tot[0] - 1e-6), (1e-6, tot[1] - 1e-6), (th_lo, th_hi)],
                           options={"ftol": 1e-15, "maxiter": 500})
            # feasible by our own evaluation (not SLSQP's success flag): a lower bound on the maximum
            if np.all(np.isfinite(res.x)) and utils(res.x)[1] >= U[1] - 1e-12:
                best = max(best, -res.fun)
    return best - U[0]


def feasible_set_state(ec, s, h, theta_bounds):
    """Figure 1 (our reconstruction): the infeasible corners of type h's consumption set in state s when
    the only security pays the same good-1 amount in every state and theta lies in theta_bounds.

    Returns the two corner points (e_1s + theta_min, e_2s) and (e_1s + theta_max, e_2s): every point with
    c2 > e_2s and c1 >= e_1s + theta_max, or c2 < e_2s and c1 <= e_1s + theta_min, is unreachable by any
    spot price p_s > 0 and admissible theta."""
    e1, e2 = ec.e[h, s]
    return (e1 + theta_bounds[0], e2), (e1 + theta_bounds[1], e2)


def load_lottery_lp_cache() -> dict:
    """The stored Negishi weights of the Environment 1 lottery LP (``data/fire_sales_lottery_lp.json``).

    The full bisection of :func:`negishi_lp` on the paper's finest grid takes several seconds, so its
    result is stored with the package; the book's page re-solves the LP at each stored weight and
    checks that type 2's budget balances, so a stale file fails the page.
    """
    import json
    from importlib import resources

    text = resources.files("commitment").joinpath("data/fire_sales_lottery_lp.json").read_text(encoding="utf-8")
    return json.loads(text)
