r"""Enforcement risk (page ``robustness``, §3.3 second part): the friends-and-foes economy of R10, where a
random, non-contractible share of each government's residents are its friends at enforcement, its map over
:math:`(\alpha, \varphi)`, and the footnote-13 "defaulter" variant.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.secondary_markets.economies import brentq, make_economy
from commitment.secondary_markets.enforcement import _mask_to_rows, best_response, enumerate_enforcement

__all__ = [
    "friends_foes_equilibrium", "friends_foes_map", "friends_foes_demand", "friends_foes_sm_price",
    "defaulter_equilibrium", "footnote_13_gap", "r10_expected_return",
]


# ----------------------------------------------------------------------------------------- R10


def _check_alpha_phi(alpha, phi):
    alpha, phi = float(alpha), float(phi)
    if not 0.5 < alpha < 1.0:
        raise ValueError(f"alpha (Home's youth endowment) must satisfy 1/2 < alpha < 1, got {alpha}")
    if not 0.0 < phi < 1.0:
        raise ValueError(f"phi (share of friends) must satisfy 0 < phi < 1, got {phi}")
    return alpha, phi


@njit(cache=True)
def _ff_sm_foc(p, b, h, alpha, phi):
    """Foreign buyer's first-order condition in the secondary market (ours, §3.3): derivative of
    phi ln c_f + (1-phi) ln c_o with respect to holdings h, at price p."""
    cf = alpha - p * h + h - phi * b
    co = alpha - p * h + (1.0 - phi) * h - b
    return phi * (1.0 - p) / cf + (1.0 - phi) * (1.0 - phi - p) / co


@njit(cache=True)
def _def_sm_foc(p, b, h, alpha, pid):
    """Secondary-market FOC in the defaulter variant: with prob. 1 - pi_d all payments are enforced, with
    prob. pi_d none (the resident neither pays his issues nor is paid on his holdings)."""
    cn = alpha - p * h + h - b
    cd = alpha - p * h
    return (1.0 - pid) * (1.0 - p) / cn - pid * p / cd


FRIENDS_FOES, DEFAULTER = 0, 1  # the two enforcement-risk variants of §3.3 (the `variant` of _sm_price)


@njit(cache=True)
def _sm_price(b, alpha, par, variant):
    """Secondary-market price p(b) at which Foreign residents hold the b bonds sold by Home: bisection on
    the buyer's first-order condition at h = b, decreasing in p.

    ``variant`` selects the condition (an integer, so that one cached kernel serves both; passing the
    condition as a jitted function would defeat numba's cache):

    - ``FRIENDS_FOES`` (``par`` = phi): :func:`_ff_sm_foc` on (1 - phi, min(1, alpha/b - phi)); it is
      positive at the lower end and tends to -inf at the upper one (where c_o -> 0), so only interior
      points are evaluated;
    - ``DEFAULTER`` (``par`` = pi_d): :func:`_def_sm_foc` on (0, 1), positive as p -> 0 and negative as
      p -> 1.
    """
    if variant == FRIENDS_FOES:
        lo = 1.0 - par
        hi = min(1.0, alpha / b - par)
    else:
        lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if variant == FRIENDS_FOES:
            f = _ff_sm_foc(mid, b, b, alpha, par)
        else:
            f = _def_sm_foc(mid, b, b, alpha, par)
        if f > 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-16:
            break
    return 0.5 * (lo + hi)


@njit(cache=True)
def _youth_foc(b, alpha, par, variant):
    """Foreign issuer's youth Euler residual at issuance b, given the secondary-market price p(b) of
    :func:`_sm_price` and Home's price q(b) from its Euler equation q/c_H0 = p/c_H1. ``variant`` as in
    :func:`_sm_price`: friends and foes, q/c_F0 = phi^2/c_f + (1-phi)/c_o; defaulter, q/c_F0 =
    (1-pi_d)/c_1 (if the government defaults the resident neither pays nor is paid)."""
    p = _sm_price(b, alpha, par, variant)
    q = p * alpha / (1.0 - alpha + 2.0 * p * b)
    cf0 = 1.0 - alpha + q * b
    if variant == FRIENDS_FOES:
        cf = alpha - p * b + b - par * b
        co = alpha - p * b + (1.0 - par) * b - b
        return q / cf0 - par * par / cf - (1.0 - par) / co
    cn = alpha - p * b
    return q / cf0 - (1.0 - par) / cn


def _solve_issuance(alpha, par, variant, b_low, who):
    """Issuance b solving :func:`_youth_foc` (a sign change on a 400-point grid from ``b_low`` to
    alpha, then Brent), with the prices p(b) and q(b) there. Raises ``RuntimeError`` unless the grid
    shows exactly one root."""
    grid = np.linspace(b_low, alpha * (1 - 1e-6), 400)
    vals = np.array([_youth_foc(b, alpha, par, variant) for b in grid])
    k = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    if k.size != 1:
        raise RuntimeError(f"{who}: expected one root in b, found {k.size} sign changes")
    b = float(brentq(_youth_foc, grid[k[0]], grid[k[0] + 1], (alpha, par, variant), xtol=1e-15, rtol=8.9e-16))
    p = float(_sm_price(b, alpha, par, variant))
    return b, p, p * alpha / (1 - alpha + 2 * p * b)


def friends_foes_sm_price(b, alpha=0.75, phi=0.5):
    """Secondary-market price p at which Foreign residents hold exactly the b bonds sold by Home."""
    alpha, phi = _check_alpha_phi(alpha, phi)
    if not 0 < b < alpha:
        raise ValueError(f"b must satisfy 0 < b < alpha, got {b}")
    return float(_sm_price(float(b), alpha, phi, FRIENDS_FOES))


def friends_foes_demand(p, b, alpha=0.75, phi=0.5):
    """Foreign residents' secondary-market demand h(p) at fixed issuance b (linear FOC, solved in closed
    form; negative values mean they would rather sell and are truncated by the caller)."""
    alpha, phi = _check_alpha_phi(alpha, phi)
    A, B = phi * (1 - p), (1 - phi) * (1 - phi - p)
    return -(A * (alpha - b) + B * (alpha - phi * b)) / (A * (1 - phi - p) + B * (1 - p))


class FriendsFoes(NamedTuple):
    """Enforcement-risk equilibrium (R10, ours): issuance b, primary price q, secondary price p,
    consumption, utilities, the enforcement rule derived by enumeration, default rate and expected
    recovery on domestically held paper, and first-order-condition residuals."""

    b: float
    q: float
    p: float
    c_F0: float
    c_H0: float
    c_H1: float
    c_f: float
    c_o: float
    U_F: float
    U_H: float
    enforce: np.ndarray  # enforce[issuer status, holder status], status 0 = friend, 1 = foe
    default_rate: float
    expected_recovery: float
    residuals: np.ndarray
    converged: bool


def _ff_enforcement_rule(phi):
    """The Foreign government's rule, found by enumeration: friends (weight 1/phi) and foes (weight 0)
    with claims on each other; payments to Home are never in the choice set that matters here."""
    # types: F-friend, F-foe, plus a Home type (to make a two-region economy); unit claims between all
    econ = make_economy(y0=[1, 1, 1], Y=[[1.0], [1.0], [1.0]], pi=[1.0], mass=[phi, 1 - phi, 1.0],
                        region=[1, 1, 0], group=[0, 1, 2], psi=[1.0, 0.0, 1.0])
    D = np.array([[0.1 * phi * phi, 0.1 * phi * (1 - phi), 0.0], [0.1 * phi * (1 - phi), 0.1 * (1 - phi) ** 2, 0.0],
                  [0.0, 0.0, 0.0]])
    cash = np.array([1.0, 1.0, 1.0])
    W = enumerate_enforcement(1, cash, D, econ.mass, econ.region, econ.group, econ.group_region, econ.psi, 1.0,
                              np.ones((3, 3), dtype=np.int64))
    mask, _, _ = best_response(W)
    E = np.ones((3, 3), dtype=np.int64)
    _mask_to_rows(mask, np.array([0, 1]), 3, E)
    return E[:2, :2].copy()


def friends_foes_equilibrium(alpha=0.75, phi=0.5):
    r"""R10 (§3.3): enforcement risk from friends and foes, formalised by us.

    Log utility with weights 1/2 on each period; Home endows :math:`(\alpha, 1-\alpha)`, Foreign
    :math:`(1-\alpha, \alpha)`. At enforcement the Foreign government maximises the utility of a random
    share ``phi`` of its residents (friends); statuses are independent, unknown until enforcement and not
    contractible. Home's lenders sell all their Foreign bonds in the secondary market (they are never
    repaid). Solves for issuance b: the inner root is the price p(b) that clears the secondary market,
    Home's Euler equation gives q, the outer root is Foreign's youth Euler equation.
    """
    alpha, phi = _check_alpha_phi(alpha, phi)
    b, p, q = _solve_issuance(alpha, phi, FRIENDS_FOES, alpha * 1e-6, "friends_foes_equilibrium")
    cF0, cH0, cH1 = 1 - alpha + q * b, alpha - q * b, 1 - alpha + p * b
    cf, co = alpha - p * b + b - phi * b, alpha - p * b + (1 - phi) * b - b
    UF = 0.5 * np.log(cF0) + 0.5 * (phi * np.log(cf) + (1 - phi) * np.log(co))
    UH = 0.5 * np.log(cH0) + 0.5 * np.log(cH1)
    E = _ff_enforcement_rule(phi)
    probs = np.array([[phi * phi, phi * (1 - phi)], [(1 - phi) * phi, (1 - phi) ** 2]])
    recovery = float((probs * E).sum())
    res = np.array([q / cH0 - p / cH1, _ff_sm_foc(p, b, b, alpha, phi), q / cF0 - phi ** 2 / cf - (1 - phi) / co])
    return FriendsFoes(b, q, p, cF0, cH0, cH1, cf, co, float(UF), float(UH), E, 1 - recovery, recovery, res,
                       bool(np.max(np.abs(res)) < 1e-9))


class FriendsFoesMap(NamedTuple):
    """R10 over a grid of (alpha, phi) (:func:`friends_foes_map`): arrays of shape (len(alphas), len(phis))."""

    alphas: np.ndarray
    phis: np.ndarray
    q_minus_repayment: np.ndarray  # primary price q minus the expected repayment phi + (1 - phi)^2
    dU_F: np.ndarray  # Foreign's (the borrower's) utility minus its first-best utility ln(1/2)
    dU_H: np.ndarray  # Home's (the lender's) utility minus ln(1/2)
    residual: float  # largest equilibrium residual over the grid


def friends_foes_map(alphas, phis):
    r"""R10 (§3.3) as a map over :math:`(\alpha, \varphi)` (ours): where the primary price is below the
    expected repayment :math:`\varphi + (1-\varphi)^2` (the draft's "lower than their expected return"),
    and the sign of each region's welfare change against the first best :math:`\ln\tfrac12` (who bears
    the cost of enforcement risk), from :func:`friends_foes_equilibrium` at every grid point. Raises
    ``RuntimeError`` if an equilibrium does not converge by its own residuals (1e-10)."""
    alphas, phis = np.atleast_1d(np.asarray(alphas, float)), np.atleast_1d(np.asarray(phis, float))
    shape = (alphas.size, phis.size)
    qr, dF, dH = np.empty(shape), np.empty(shape), np.empty(shape)
    res = 0.0
    for i, a in enumerate(alphas):
        for j, f in enumerate(phis):
            ff = friends_foes_equilibrium(a, f)
            res = max(res, float(np.max(np.abs(ff.residuals))))
            qr[i, j] = ff.q - (f + (1 - f) ** 2)
            dF[i, j], dH[i, j] = ff.U_F - np.log(0.5), ff.U_H - np.log(0.5)
    if res > 1e-10:
        raise RuntimeError(f"friends_foes_map: equilibrium residual {res:.1e} > 1e-10")
    return FriendsFoesMap(alphas, phis, qr, dF, dH, res)


def defaulter_equilibrium(alpha=0.75, pi_d=0.2):
    """Footnote 13's 'defaulter' government, formalised by us: with probability ``pi_d`` the Foreign
    government enforces nothing. Identical Foreign residents are issuers and holders at once, so each is
    hedged; solved with the same nested roots as :func:`friends_foes_equilibrium`."""
    alpha = float(alpha)
    if not 0.5 < alpha < 1:
        raise ValueError(f"alpha must satisfy 1/2 < alpha < 1, got {alpha}")
    if not 0 < pi_d < 1:
        raise ValueError(f"pi_d (default probability) must satisfy 0 < pi_d < 1, got {pi_d}")
    b, p, q = _solve_issuance(alpha, pi_d, DEFAULTER, 1e-6, "defaulter_equilibrium")
    return dict(b=b, p=p, q=q, c_F0=1 - alpha + q * b, c_F1=alpha - p * b, c_H0=alpha - q * b, c_H1=1 - alpha + p * b)


def footnote_13_gap(alpha=0.75, par=0.2, variant="defaulter"):
    r"""Footnote 13 (§3.3) in our formalisation: with a government that enforces nothing with probability
    ``par`` (``variant="defaulter"``, :func:`defaulter_equilibrium`) and identical Foreign residents who
    are issuers and holders at once, the allocation is the first best, 1/2 for both regions in both
    periods (each resident is hedged: if the government defaults he neither pays nor is paid).

    Returns ``(gap, error)``: the largest distance of the equilibrium consumption, solved numerically (not
    from the closed form), from 1/2; ``error`` is the largest residual of the equilibrium's three
    conditions (Home's Euler equation, the secondary-market condition, Foreign's youth condition), in
    marginal-utility units of order 2, plus eight ulps. The footnote needs heterogeneity between issuers
    and holders to produce a failure: with ``variant="friends_foes"`` (``par`` = the share of friends,
    R10's economy: the issuer's and the holder's enforcement status differ) the gap is positive.
    """
    if variant == "defaulter":
        d = defaulter_equilibrium(alpha, par)
        b, p, q = d["b"], d["p"], d["q"]
        cons = [d[k] for k in ("c_F0", "c_F1", "c_H0", "c_H1")]
        res = [q / d["c_H0"] - p / d["c_H1"], _def_sm_foc(p, b, b, alpha, par), _youth_foc(b, alpha, par, DEFAULTER)]
    elif variant == "friends_foes":
        ff = friends_foes_equilibrium(alpha, par)
        cons = [ff.c_F0, ff.c_f, ff.c_o, ff.c_H0, ff.c_H1]
        res = list(ff.residuals)
    else:
        raise ValueError(f"variant must be 'defaulter' or 'friends_foes', got {variant!r}")
    gap = float(np.max(np.abs(np.array(cons) - 0.5)))
    return gap, float(np.max(np.abs(res))) + 8 * np.finfo(float).eps


def r10_expected_return(phi=0.5, independent=True):
    r"""R10 (§3.3): the expected return, per unit of face value, of Foreign paper bought in the secondary
    market by a Foreign resident whose status (friend with probability ``phi``, foe otherwise) is unknown.

    The enforcement rule is the Foreign government's choice found by enumeration
    (:func:`_ff_enforcement_rule`: payments to friends and between foes are enforced, friend-to-foe payments
    are not); the expected return is :math:`\sum_{a,b} P(\text{issuer } a, \text{holder } b) E_{ab}`. With
    statuses independent across agents (the draft's hypothesis, footnote 12) this is
    :math:`\varphi + (1-\varphi)^2`, the draft's ".75" at :math:`\varphi = 1/2`. With
    ``independent=False`` (footnote 12's predetermined groups, wholly friends or wholly foes, each holding
    its own members' paper) issuer and holder share their status and the return is 1: no enforcement risk.
    """
    phi = float(phi)
    if not 0.0 < phi < 1.0:
        raise ValueError(f"phi (share of friends) must satisfy 0 < phi < 1, got {phi}")
    E = _ff_enforcement_rule(phi)
    if independent:
        probs = np.array([[phi * phi, phi * (1 - phi)], [(1 - phi) * phi, (1 - phi) ** 2]])
    else:
        probs = np.diag([phi, 1 - phi])
    return float((probs * E).sum())
