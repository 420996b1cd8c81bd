r"""The collateral economy of Section 2.1 (Kilenthong and Townsend, 2014) and its spot markets.

:class:`CollateralEconomy` and its validating factory :func:`collateral_economy`; the paper's three
environments (``ENV1``-``ENV3``, built on first access); the CRRA preference kernels; the spot price as a
function of the market fundamental (eq. 10) and the claim functions about it (eq. 10, footnote 16).
Page ``collateral_economy``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

__all__ = [
    "ClaimResidual", "CollateralEconomy", "collateral_economy", "discrepancy", "excess_demand_good1",
    "footnote_16_residual", "indirect_utility", "market_fundamental_gap", "spot_demand", "spot_price",
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
