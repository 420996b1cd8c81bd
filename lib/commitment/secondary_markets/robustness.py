r"""Limits of the result (page ``robustness``): missing secondary markets (R9), a bond-only primary market
(R8), a monopoly issuer and large agents (R11), short-run commitment (R12) and individual enforcement
(R13, footnotes 15-16). Enforcement risk (R10, footnote 13) is in :mod:`.enforcement_risk`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.secondary_markets.economies import (FOREIGN, HOME, _check_sigma, brentq, make_economy,
                                                     mirror_economy)
from commitment.secondary_markets.enforcement import (_mask_to_rows, best_response, consumption_given_enforcement,
                                                      enumerate_enforcement, enumerate_enforcement_numpy)
from commitment.secondary_markets.first_best import complete_markets
from commitment.utility import crra_kernel
from commitment.secondary_markets.resale import Allocation, gross_holdings, regional_autarky, secondary_market

__all__ = [
    "partial_secondary_markets", "partial_market_volume", "bond_only_equilibrium", "bond_excess_numpy",
    "monopoly_issuer", "short_run_gap", "short_run_boundary", "short_run_equilibrium",
    "individual_enforcement_example", "no_trade_deviation", "footnote_15_gain", "footnote_16_gain",
    "large_agents_sm_price", "r13_no_trade_limit", "r8_allocation_gap", "r9_allocation_gap", "r12_boundary_residual",
    "r11_lerner_residual",
]


# ----------------------------------------------------------------------------------------- R9


def partial_secondary_markets(economy, sigma, sm_mask):
    r"""R9 (§3.3): secondary markets only in the states of ``sm_mask`` (closed form, ours, CRRA).

    Regions act as representative agents (within-region pooling is always available, symmetry assumed).
    Claims on states without a secondary market are worth nothing abroad, so regions trade youth goods
    and claims on the states in :math:`\mathcal S` only, at the R0 prices; Home consumes the share
    :math:`\omega_H` of world output at those dates and its own output elsewhere.
    """
    sigma = _check_sigma(sigma)
    e = economy
    aut = regional_autarky(e)
    mask = np.asarray(sm_mask, dtype=bool)
    if mask.shape != (e.n_states,):
        raise ValueError("sm_mask needs one entry per state")
    YR0 = np.array([e.mass[e.region == j] @ e.y0[e.region == j] for j in (0, 1)])
    YR = np.array([e.mass[e.region == j] @ e.Y[e.region == j] for j in (0, 1)])
    M = np.array([e.mass[e.region == j].sum() for j in (0, 1)])
    C0, C = YR0.sum(), YR.sum(axis=0)
    q = e.pi * (C / C0) ** (-sigma)
    c0, c = aut.c0.copy(), aut.c.copy()
    omega = np.empty(2)
    for j in (0, 1):
        omega[j] = (YR0[j] + q[mask] @ YR[j, mask]) / (C0 + q[mask] @ C[mask])
        m = e.region == j
        c0[m] = omega[j] * C0 / M[j]
        c[np.ix_(m, mask)] = omega[j] * C[mask] / M[j]
    return Allocation(c0, c), q, omega


def partial_market_volume(economy, sigma, sm_mask, rule="regional_netting", kappa=1.0):
    r"""Secondary-market volume when markets open only in the states of ``sm_mask`` (R9, §3.3).

    In each state with a market: the gross holdings (``rule``, ``kappa``; :func:`gross_holdings`) that
    implement the *partial-market* net positions of :func:`partial_secondary_markets`, then the
    secondary market (:func:`secondary_market`, eqs. 13-14); its volume is the face value of paper
    resold by foreign holders to the issuer's compatriots. In the other states nothing is resold.
    Returns ``(volume[s], expected volume)``. (The first edition's explorer took the first-best
    portfolios and masked them by state, which is wrong whenever markets are partial.)
    """
    e = economy
    mask = np.asarray(sm_mask, dtype=bool)
    alloc, _, _ = partial_secondary_markets(e, sigma, mask)
    vol = np.zeros(e.n_states)
    for s in np.flatnonzero(mask):
        D = gross_holdings(alloc.c[:, s] - e.Y[:, s], e, rule, kappa)
        vol[s] = secondary_market(e.Y[:, s].copy(), D, e, "issuer_region").volume.sum()
    return vol, float(vol @ e.pi)


# ----------------------------------------------------------------------------------------- R8


@njit(cache=True)
def _bond_q_home(q, b, y0, Y, pi, sigma):
    """Home's Euler residual for a bond position b at price q: q u'(y0 - q b) - E u'(Y + b)."""
    out = q * (y0 - q * b) ** (-sigma)
    for s in range(pi.size):
        out -= pi[s] * (Y[s] + b) ** (-sigma)
    return out


@njit(cache=True)
def _bond_price(b, y0, Y, pi, sigma):
    """Home's price for bond position b > 0: bisection on its Euler residual, increasing in q."""
    lo, hi = 0.0, min(y0 / b, 1e6)
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        if _bond_q_home(mid, b, y0, Y, pi, sigma) < 0.0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-16 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


@njit(cache=True)
def _bond_excess(b, y0H, YH, y0F, YF, pi, sigma):
    q = _bond_price(b, y0H, YH, pi, sigma)
    out = q * (y0F + q * b) ** (-sigma)
    for s in range(pi.size):
        out -= pi[s] * (YF[s] - b) ** (-sigma)
    return out


@njit(cache=True)
def _bond_excess_grid(bs, y0H, YH, y0F, YF, pi, sigma):
    """:func:`_bond_excess` on an array of bond positions (one compiled call for the bracketing grid)."""
    out = np.empty(bs.size)
    for i in range(bs.size):
        out[i] = _bond_excess(bs[i], y0H, YH, y0F, YF, pi, sigma)
    return out


def bond_excess_numpy(bs, y0H, YH, y0F, YF, pi, sigma):
    """Plain NumPy twin of ``_bond_excess_grid``: the same bisection for Home's price at each bond
    position (vectorised over ``bs``), then the lender-side excess of Foreign's Euler equation."""
    bs, YH, YF, pi = (np.asarray(a, dtype=float) for a in (bs, YH, YF, pi))
    lo, hi = np.zeros(bs.size), np.minimum(y0H / bs, 1e6)
    done = np.zeros(bs.size, dtype=bool)
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        home = mid * (y0H - mid * bs) ** (-sigma) - ((YH[None, :] + bs[:, None]) ** (-sigma)) @ pi
        below = home < 0.0
        lo = np.where(done, lo, np.where(below, mid, lo))
        hi = np.where(done, hi, np.where(below, hi, mid))
        done |= hi - lo < 1e-16 * np.maximum(1.0, hi)  # the kernel's stopping rule, element by element
        if done.all():
            break
    q = 0.5 * (lo + hi)
    return q * (y0F + q * bs) ** (-sigma) - ((YF[None, :] - bs[:, None]) ** (-sigma)) @ pi


class BondEquilibrium(NamedTuple):
    q: float
    b: float
    c0: np.ndarray
    c: np.ndarray
    residuals: np.ndarray


def bond_only_equilibrium(economy, sigma, b_limit=None):
    r"""R8 (§3.2, ours): commitment equilibrium when the only cross-border security is a risk-free bond.

    Regions pool risk internally; Home buys ``b`` bonds at price ``q`` (``b < 0``: Home borrows). Solves
    the two Euler equations :math:`q\,u'(c_{j0}) = \sum_s \pi_s u'(c_{js})` (nested Brent: the inner root
    is Home's price for a given b, the outer root clears Foreign's Euler equation). With a borrowing limit
    ``b_limit >= 0`` (a restriction :math:`|b| \le` ``b_limit`` on issuance) that binds, the bond position is
    the limit and the price is the lender's Euler price; the borrower's Euler equation then holds as an
    inequality and is not among the ``residuals``.
    """
    sigma = _check_sigma(sigma)
    if b_limit is not None and not (np.isfinite(b_limit) and b_limit >= 0):
        raise ValueError(f"b_limit (borrowing limit on the bond position) must be finite and >= 0, got {b_limit}")
    e = economy
    aut = regional_autarky(e)
    iH, iF = np.flatnonzero(e.region == 0)[0], np.flatnonzero(e.region == 1)[0]
    y0H, y0F, YH, YF = aut.c0[iH], aut.c0[iF], aut.c[iH], aut.c[iF]
    args = (y0H, YH, y0F, YF, e.pi, sigma)
    # Home lends if its autarky MRS exceeds Foreign's; otherwise mirror the problem
    mrs = lambda y0, Y: (e.pi @ Y ** (-sigma)) / y0 ** (-sigma)
    mH, mF = mrs(y0H, YH), mrs(y0F, YF)
    sign = 1.0 if mH >= mF else -1.0
    if sign < 0:
        args = (y0F, YF, y0H, YH, e.pi, sigma)
    if abs(mH - mF) <= 1e-14 * max(mH, mF):  # equal autarky prices (e.g. g = 0): no trade, q = MRS
        b, q = 0.0, mH
    else:
        bmax = min(args[3].min(), args[0]) * (1 - 1e-9)
        grid = np.linspace(1e-9, bmax, 200)
        vals = _bond_excess_grid(grid, *args)
        k = np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
        if k.size == 0:
            raise RuntimeError("bond_only_equilibrium: no bracket for the bond position")
        b = brentq(_bond_excess, grid[k[0]], grid[k[0] + 1], args, xtol=1e-15, rtol=8.9e-16)
        binds = b_limit is not None and b > b_limit
        if binds:
            b = float(b_limit)
        q = _bond_price(b, args[0], args[1], e.pi, sigma)
    bH = sign * b
    c0 = np.where(e.region == 0, y0H - q * bH, y0F + q * bH)
    c = np.where((e.region == 0)[:, None], YH[None] + bH, YF[None] - bH)
    res = np.array([q * c0[iH] ** (-sigma) - e.pi @ c[iH] ** (-sigma), q * c0[iF] ** (-sigma) - e.pi @ c[iF] ** (-sigma)])
    if abs(mH - mF) > 1e-14 * max(mH, mF) and binds:
        res = res[[iH if sign > 0 else iF]]  # only the lender's Euler equation holds at the limit
    return BondEquilibrium(q, bH, c0, c, res)


def _pipeline_gap(economy, sigma, c_target, sm_states, rule, kappa, resale):
    """Largest distance between ``c_target`` and the old-age consumption realised when its net positions go
    through the secondary market (in ``sm_states``) and the governments' enforcement (enumeration), and
    the rounding error of that comparison (eight ulps of the largest consumption)."""
    from commitment.secondary_markets.equilibrium import realised_consumption

    e = economy
    c, _ = realised_consumption(e, sigma, c_target - e.Y, rule, kappa, resale, sm_states)
    rounding = 8 * np.finfo(float).eps * max(1.0, float(np.abs(c_target).max()))
    return float(np.max(np.abs(c - c_target))), rounding


def r8_allocation_gap(economy, sigma, b_limit=None, sm=True, rule="regional_netting", kappa=1.0,
                      resale="valuation"):
    r"""R8 (§3.2): with secondary markets the economy without commitment attains the allocation of the
    commitment economy with the same restriction on issuance.

    The restriction: the only cross-border security is a risk-free bond, optionally with the borrowing
    limit ``b_limit`` on the bond position (:func:`bond_only_equilibrium`). Its commitment allocation's
    net positions go through the secondary market (``sm``; ``resale`` as in
    :func:`commitment.secondary_markets.equilibrium.realised_consumption`, default buyers and sellers
    from valuations) and the governments' enforcement by enumeration. Returns ``(gap, error)``: the
    largest distance between the realised and the commitment old-age consumption, and its rounding
    error. R8 asserts gap = 0; with ``sm=False`` (fewer secondary markets than primary ones, R8's
    proviso violated) the bond is not repaid and the gap is Home's bond position.
    """
    e = economy
    bond = bond_only_equilibrium(e, sigma, b_limit)
    states = None if sm else np.zeros(e.n_states, dtype=bool)
    return _pipeline_gap(e, sigma, bond.c, states, rule, kappa, resale)


def r9_allocation_gap(economy, sigma, sm_mask, open_states=None, rule="regional_netting", kappa=1.0,
                      resale="valuation"):
    r"""R9 (§3.3): with secondary markets only in the states of ``sm_mask``, claims on the other states are
    shared only domestically, and risk sharing and full repayment survive in the states with a market.

    The closed form :func:`partial_secondary_markets` (ours) gives the allocation; its net positions go
    through the secondary market, opened in ``open_states`` (default ``sm_mask``), and the governments'
    enforcement by enumeration. Returns ``(gap, error)`` as :func:`r8_allocation_gap`. R9 asserts gap = 0
    (every claim the allocation needs is repaid, and none is needed across borders where markets are
    missing). If a market the allocation counts on does not open (``open_states`` smaller than
    ``sm_mask``), cross-border claims on that state are refused and the gap is positive.
    """
    e = economy
    mask = np.asarray(sm_mask, dtype=bool)
    alloc, _, _ = partial_secondary_markets(e, sigma, mask)
    opened = mask if open_states is None else np.asarray(open_states, dtype=bool)
    if opened.shape != (e.n_states,):
        raise ValueError(f"open_states needs one entry per state ({e.n_states}), got shape {opened.shape}")
    return _pipeline_gap(e, sigma, alloc.c, opened, rule, kappa, resale)


# ----------------------------------------------------------------------------------------- R11


def _monopoly_foc(b, alpha):
    """Derivative of the monopolist's utility 1/2 ln(1-alpha+q(b)b) + 1/2 ln(alpha-b)."""
    k = 1.0 - alpha
    q = alpha / (k + 2.0 * b)
    dq = -2.0 * alpha / (k + 2.0 * b) ** 2
    return 0.5 * (q + dq * b) / (k + q * b) - 0.5 / (alpha - b)


def monopoly_issuer(alpha=0.75):
    r"""R11(a) with commitment, ours: a single Foreign issuer facing Home's price-taking inverse demand
    :math:`q(b) = \alpha/(1-\alpha+2b)` (log utility, weights 1/2) chooses b numerically (Brent on
    the first-order condition, which is positive at b = 0 and tends to -inf as b -> alpha);
    ``b_closed`` is the root of :math:`2(1+k)b^2 + 2k(1+k)b - k(2\alpha-1) = 0`, :math:`k = 1-\alpha`."""
    alpha = float(alpha)
    if not 0.5 < alpha < 1:
        raise ValueError(f"alpha must satisfy 1/2 < alpha < 1, got {alpha}")
    b = brentq(_monopoly_foc, 0.0, alpha * (1 - 1e-12), (alpha,), xtol=1e-15, rtol=8.9e-16)
    k = 1 - alpha
    A, B, C = 2 * (1 + k), 2 * k * (1 + k), -k * (2 * alpha - 1)
    b_closed = (-B + np.sqrt(B * B - 4 * A * C)) / (2 * A)
    q = alpha / (1 - alpha + 2 * b)
    UF = 0.5 * np.log(1 - alpha + q * b) + 0.5 * np.log(alpha - b)
    UH = 0.5 * np.log(alpha - q * b) + 0.5 * np.log(1 - alpha + b)
    return dict(b=float(b), b_closed=float(b_closed), q=float(q), U_F=float(UF), U_H=float(UH),
                b_star=alpha - 0.5, U_star=float(np.log(0.5)))


def _home_inverse_demand(b, alpha):
    """Home's price-taking inverse demand for Foreign paper, q(b) = alpha/(1-alpha+2b) (Home's Euler equation,
    log utility, weights 1/2), and its slope q'(b)."""
    d = 1.0 - alpha + 2.0 * b
    return alpha / d, -2.0 * alpha / d ** 2


def _issuer_utility(b, alpha):
    """The Foreign issuer's utility 1/2 ln(1-alpha+q(b)b) + 1/2 ln(alpha-b) at Home's inverse demand."""
    q, _ = _home_inverse_demand(b, alpha)
    return 0.5 * np.log(1.0 - alpha + q * b) + 0.5 * np.log(alpha - b)


def _lerner_gap(b, alpha):
    """(q - MRS_F)/q - 1/epsilon at issuance b: the issuer's markup over his marginal valuation
    MRS_F = c_F0/c_F1 minus the inverse elasticity of Home's demand, 1/epsilon = -b q'(b)/q(b)."""
    q, dq = _home_inverse_demand(b, alpha)
    mrs = (1.0 - alpha + q * b) / (alpha - b)
    return (q - mrs) / q + b * dq / q


def r11_lerner_residual(alpha=0.75, issuer="monopolist"):
    r"""R11(a) (§3.4): a single issuer who understands that the demand for his paper slopes down sets
    marginal revenue, not the price, equal to his marginal valuation, i.e. the Lerner rule
    :math:`(q - MRS_F)/q = 1/\varepsilon` with :math:`\varepsilon` the elasticity of Home's demand (the
    book's parametric model of :func:`monopoly_issuer`: log utility, Home a price taker with inverse demand
    :math:`q(b) = \alpha/(1-\alpha+2b)`). Since :math:`1/\varepsilon > 0` the markup is positive and
    issuance is restricted.

    The issuer's choice is found by maximising his utility directly (bounded Brent search, derivative
    free: it does not impose the first-order condition); the rule is then evaluated with the elasticity of
    Home's demand. ``issuer="price_taker"`` (the hypothesis violated: many small issuers, each taking q as
    given) finds issuance from q(b) = MRS_F(b) instead, where the markup is 0 and the rule fails by
    :math:`1/\varepsilon`.

    Returns ``(residual, error)``: the Lerner rule's residual and its measured error, the residual's
    slope times the maximiser's location error (its tolerance, or the flatness limit
    :math:`\sqrt{2\,\epsilon_{\rm mach}|U|/|U''|}` if larger), plus eight ulps.
    """
    alpha = float(alpha)
    if not 0.5 < alpha < 1.0:
        raise ValueError(f"alpha must satisfy 1/2 < alpha < 1, got {alpha}")
    eps = np.finfo(float).eps
    hi = alpha * (1.0 - 1e-9)
    if issuer == "monopolist":
        from scipy.optimize import minimize_scalar

        xatol = 1e-12
        opt = minimize_scalar(lambda b: -_issuer_utility(b, alpha), bounds=(0.0, hi), method="bounded",
                              options={"xatol": xatol, "maxiter": 500})
        b = float(opt.x)
        h = 1e-4 * alpha
        d2 = (_issuer_utility(b + h, alpha) - 2 * _issuer_utility(b, alpha) + _issuer_utility(b - h, alpha)) / h ** 2
        if not (h < b < hi - h and d2 < 0):
            raise RuntimeError(f"r11_lerner_residual: no interior maximum found (b = {b}, U'' = {d2})")
        delta = max(10 * xatol, np.sqrt(2 * eps * abs(_issuer_utility(b, alpha)) / abs(d2)))
        # the maximiser's own check: utility does not rise a few location errors away on either side
        if max(_issuer_utility(b - 10 * delta, alpha), _issuer_utility(b + 10 * delta, alpha)) > _issuer_utility(b, alpha):
            raise RuntimeError(f"r11_lerner_residual: the bounded search did not find the maximum (b = {b})")
    elif issuer == "price_taker":
        def excess(b):
            q, _ = _home_inverse_demand(b, alpha)
            return q - (1.0 - alpha + q * b) / (alpha - b)

        b = brentq(excess, 0.0, hi, xtol=1e-15, rtol=8.9e-16)
        delta = 1e-14
    else:
        raise ValueError(f"issuer must be 'monopolist' or 'price_taker', got {issuer!r}")
    res = _lerner_gap(b, alpha)
    slope = abs(_lerner_gap(b + delta, alpha) - _lerner_gap(b - delta, alpha)) / 2
    return float(res), float(slope + 8 * eps)


# ----------------------------------------------------------------------------------------- R12


def short_run_gap(economy, sigma, rule="regional_netting", kappa=1.0, c_target=None):
    """R12 (§3.5, ours): with commitment only within old age, each government chooses between enforcing
    everything (then the secondary market delivers the first best) and enforcing nothing (then no
    payment is made and nobody buys foreign-held paper). Returns W_none - W_all (2, S) at the gross
    holdings of the first best (or of the old-age consumption ``c_target``) (``rule``, ``kappa``: :func:`gross_holdings`), both computed with the enforcement kernel
    on the pre-market holdings."""
    sigma = _check_sigma(sigma)
    e = economy
    c_t = complete_markets(e, sigma).c if c_target is None else np.asarray(c_target, dtype=float)
    G = e.n_groups
    out = np.empty((2, e.n_states))
    for s in range(e.n_states):
        D = gross_holdings(c_t[:, s] - e.Y[:, s], e, rule, kappa)
        cash = e.Y[:, s].copy()
        for j in (HOME, FOREIGN):
            own = e.group_region == j
            E_all = np.ones((G, G), dtype=np.int64)
            E_none = E_all.copy()
            E_none[own, :] = 0
            W = []
            for E in (E_none, E_all):
                c = consumption_given_enforcement(cash, D, e.mass, e.group, E)
                m = e.region == j
                W.append(np.sum(e.psi[m] * e.mass[m] * _crra(c[m], sigma)) / e.mass[m].sum())
            out[j, s] = W[0] - W[1]
    return out


def _crra(c, sigma):
    """The shared kernel's form, expm1((1 - sigma) log c)/(1 - sigma): differences keep their digits near sigma = 1."""
    c = np.asarray(c, dtype=float)
    return np.log(c) if sigma == 1.0 else np.expm1((1.0 - sigma) * np.log(c)) / (1.0 - sigma)


class ShortRunEquilibrium(NamedTuple):
    """:func:`short_run_equilibrium`'s result: ``none[s]`` the states where nothing is enforced, primary
    prices ``q`` (nan where nothing trades), consumption ``c0``, ``c``, the governments' ``gap``
    W_none - W_all (2, S) at the final holdings, and the rounds it took."""

    none: np.ndarray
    q: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    gap: np.ndarray
    rounds: int


def short_run_equilibrium(economy, sigma, rule="regional_netting", maxit=None):
    r"""An equilibrium under short-run commitment (§3.5; ours): which states choose "none", and the primary
    trades that follow.

    Start from the first best. In each round: at the holdings of the current allocation, each government
    compares enforcing everything with enforcing nothing (:func:`short_run_gap`); the states where either
    prefers "none" join the set of states without enforcement. Agents who expect that trade no claims on
    those states (they would not be paid), so they consume their endowment there, and the primary market
    for the other states clears again (:func:`commitment.secondary_markets.equilibrium.primary_market`
    on those states; separable utility makes the rest a constant). Stop when no new state chooses
    "none". In the states without enforcement nothing is outstanding, so "none" is a best response there
    (a tie): the expectation is self-fulfilling.
    """
    from commitment.secondary_markets.economies import Economy
    from commitment.secondary_markets.equilibrium import primary_market

    sigma = _check_sigma(sigma)
    e = economy
    S = e.n_states
    none = np.zeros(S, dtype=bool)
    c0, c, q = complete_markets(e, sigma).c0, complete_markets(e, sigma).c, complete_markets(e, sigma).q
    for rounds in range(1, (maxit or S + 1) + 1):
        gap = short_run_gap(e, sigma, rule, c_target=c)
        new = none | (gap.max(axis=0) > 1e-12)
        if np.array_equal(new, none):
            return ShortRunEquilibrium(none, q, c0, c, gap, rounds)
        none = new
        keep = ~none
        c, q = e.Y.copy(), np.full(S, np.nan)
        if keep.any():
            sub = Economy(e.y0, e.Y[:, keep], e.pi[keep], e.mass, e.region, e.group, e.psi, e.labels,
                          tuple(np.array(e.state_labels)[keep]))
            pm = primary_market(sub, sigma)
            c0, c[:, keep], q[keep] = pm.c0, pm.c, pm.q
        else:
            c0 = e.y0.copy()
    raise RuntimeError(f"short_run_equilibrium: the set of states without enforcement still grew after {rounds} rounds")


def short_run_boundary(v, sigma, tol=1e-13, rule="regional_netting", kappa=1.0):
    r"""The dispersion e* below which Home prefers 'none' in its rich states (mirror economy, g = a = 0),
    found by Brent's method on :func:`short_run_gap` (the enumeration itself, not the closed form
    :math:`(1+v)M_{1-\sigma}(1+e, 1-e) = 1`); ``tol`` is the bracket width in e. The gap is continuous
    in e (a maximum of continuous welfare differences) and changes sign once on [0, 1). ``rule`` and
    ``kappa`` give the gross holdings (:func:`gross_holdings`)."""
    def gap(e):
        econ = mirror_economy(g=0.0, v=v, e=e, a=0.0)
        d = short_run_gap(econ, sigma, rule, kappa)
        rich = [s for s, lab in enumerate(econ.state_labels) if lab.startswith("z=+1")]
        return d[HOME, rich].max()
    lo, hi = 0.0, 1.0 - 1e-9
    if gap(lo) <= 0 or gap(hi) >= 0:
        raise RuntimeError("short_run_boundary: no sign change of W_none - W_all on [0, 1)")
    return float(brentq(gap, lo, hi, xtol=tol, rtol=8.9e-16))


def r12_boundary_residual(v, sigma, kappa=1.0, tol=1e-13):
    r"""R12 (§3.5): under short-run commitment Home prefers enforcing nothing in its rich states when
    idiosyncratic dispersion is small; in the mirror economy with ``g = a = 0`` and regional-netting
    holdings the boundary solves :math:`(1+v)\,M_{1-\sigma}(1+e, 1-e) = 1` (ours, eq. bmv-short-run).

    Returns ``(residual, error)``: the closed form's residual at the boundary :math:`e^*` found by root
    finding on the enforcement kernel's welfare gap (:func:`short_run_boundary`), and its measured error
    (half the change of the residual across the root's bracket :math:`e^* \pm` ``tol``, plus eight ulps).
    With extra two-way cross-border claims (``kappa > 1``, the closed form's hypothesis of regional netting
    violated) "none" cancels more payments abroad, the boundary moves up and the residual is not zero.
    """
    from commitment.secondary_markets.welfare import power_mean

    e_star = short_run_boundary(v, sigma, tol, "regional_netting", kappa)

    def F(e):
        return (1.0 + v) * power_mean([1.0 + e, 1.0 - e], [0.5, 0.5], 1.0 - sigma) - 1.0

    error = 0.5 * abs(F(min(e_star + tol, 1.0)) - F(max(e_star - tol, 0.0))) + 8 * np.finfo(float).eps
    return float(F(e_star)), float(error)


# ----------------------------------------------------------------------------------------- R13, footnotes 15-16


class IndividualEnforcement(NamedTuple):
    """Footnotes 15-16 computed with individual-level enforcement: the government's choice for the
    deviator's payments and the ones owed to him, consumption of the deviator, his partner and the
    rest, and the government's objective at the chosen and at full enforcement."""

    pays_enforced: bool
    paid_enforced: bool
    c_deviator: float
    c_partner: float
    c_rest: float
    W_best: float
    W_full: float
    decided: bool  # False if choices tied within best_response's tolerance give the deviator other consumption


def individual_enforcement_example(sigma, single_creditor, delta=1e-4, cash=1.0, deviator_cash=0.91, debt=0.1,
                                   twin=False):
    """The draft's footnotes 15 and 16 (Appendix), ours as a computation.

    After the secondary market every Home resident has ``cash`` and owes ``debt``; a deviator of mass
    ``delta`` has cut his own cash to ``deviator_cash``. He is owed ``debt`` by a single partner. His own
    debt is spread over all other residents (footnote 15) or held by that same partner
    (``single_creditor=True``, footnote 16). Enforcement is individual: the deviator, his partner and
    the rest are separate enforcement groups, and the government's choice is found by enumeration.
    Amounts are in units of 100 of the footnote (cash 1 for its 100), which keeps utilities of order one.
    ``twin=True`` enumerates with the NumPy twin of the kernel.
    """
    sigma = _check_sigma(sigma)
    delta, cash, deviator_cash, debt = float(delta), float(cash), float(deviator_cash), float(debt)
    if not 0.0 < delta < 0.5:
        raise ValueError(f"delta (the deviator's mass) must lie in (0, 0.5), got {delta}")
    if not (0.0 < deviator_cash and 0.0 < debt < cash):
        raise ValueError("need deviator_cash > 0 and 0 < debt < cash")
    m_dev, m_par = delta, delta
    m_rest = 1.0 - 2 * delta
    econ = make_economy(y0=[1, 1, 1, 1], Y=[[1.0], [1.0], [1.0], [1.0]], pi=[1.0],
                        mass=[m_dev, m_par, m_rest, 1.0], region=[0, 0, 0, 1], group=[0, 1, 2, 3])
    D = np.zeros((4, 4))
    DEV, PAR, REST = 0, 1, 2
    D[PAR, DEV] = debt * m_par  # the partner owes the deviator
    if single_creditor:
        D[DEV, PAR] = debt * m_dev  # ... and holds all of the deviator's debt
    else:
        D[DEV, REST] = debt * m_dev  # the deviator's debt is spread over the rest
        D[REST, PAR] = debt * m_par  # the rest owe the partner what keeps him at `cash`
    D[REST, REST] = debt * m_rest * 0.5  # claims among the rest (irrelevant for the choice)
    cash_v = np.array([deviator_cash, cash, cash, cash])
    kernel = enumerate_enforcement_numpy if twin else enumerate_enforcement
    W = kernel(HOME, cash_v, D, econ.mass, econ.region, econ.group, econ.group_region, econ.psi,
               sigma, np.ones((4, 4), dtype=np.int64))
    mask, Wb, _ = best_response(W)

    def outcome(m):
        E = np.ones((4, 4), dtype=np.int64)
        _mask_to_rows(m, np.array([0, 1, 2]), 4, E)
        return E, consumption_given_enforcement(cash_v, D, econ.mass, econ.group, E)

    E, c = outcome(mask)
    # the tie-break decides only if every choice it breaks ties among gives the deviator the same: with
    # sigma near 1 the objective is of order 1/|1 - sigma| and best_response's relative tolerance can
    # exceed the deviator's whole effect (order delta * debt)
    tied = np.flatnonzero(W >= np.max(W) - 1e-12 * (1.0 + abs(np.max(W))))  # best_response's ties
    decided = all(abs(outcome(int(m))[1][DEV] - c[DEV]) <= 1e-12 for m in tied)
    return IndividualEnforcement(bool(E[DEV, PAR if single_creditor else REST]), bool(E[PAR, DEV]),
                                 float(c[DEV]), float(c[PAR]), float(c[REST]), Wb, float(W[-1]), decided)


def _deviation_gain(sigma, single_creditor, delta, cash, cut, debt):
    """The deviator's consumption at the government's best response minus ``cash`` (what he has without
    deviating, as everybody else), and its measured error (kernel against its NumPy twin)."""
    args = (sigma, single_creditor, delta, cash, cash - cut, debt)
    kernel, twin = individual_enforcement_example(*args), individual_enforcement_example(*args, twin=True)
    if not (kernel.decided and twin.decided):
        return kernel.c_deviator - cash, np.inf  # the government's choice is a tie: no evidence either way
    gain = kernel.c_deviator - cash
    return gain, abs(twin.c_deviator - cash - gain)


def footnote_15_gain(sigma, single_creditor=False, delta=1e-4, cash=1.0, cut=0.09, debt=0.1):
    r"""Footnote 15 (Appendix): with individual enforcement, an agent owed ``debt`` by one resident and
    owing ``debt`` spread over many (``single_creditor=False``, the footnote's case) gains by making
    himself poorer by ``cut`` before enforcement (the footnote's 9 out of 100). Returns ``(gain, error)``:
    his consumption when the government best-responds, found by enumeration
    (:func:`individual_enforcement_example`), minus his consumption without the deviation; ``error`` is
    the gap to the same computation with the NumPy twin, or ``inf`` when the government's choice is a tie
    within :func:`best_response`'s tolerance that the tie-break decides (sigma near 1 and a tiny ``delta``:
    the objective is of order 1/|1 - sigma|). Footnote 15 asserts gain > 0 (the government
    blocks his payments, which cost each creditor an infinitesimal amount, and enforces the one to him).
    With a single creditor (``single_creditor=True``, footnote 16) it is negative."""
    return _deviation_gain(sigma, single_creditor, delta, cash, cut, debt)


def footnote_16_gain(sigma, single_creditor=True, delta=1e-4, cash=1.0, cut=0.09, debt=0.1):
    r"""Footnote 16 (Appendix): if each agent's debt is held by a single domestic creditor (his partner),
    the deviation of footnote 15 does not pay, whatever the ``cut``: the government compares the pair's
    two consumption profiles, which have the same total, and by strict concavity enforces unless blocking
    makes the pair more equal, which happens only when the deviator ends below his starting point.
    Returns ``(gain, error)`` as :func:`footnote_15_gain`; footnote 16 asserts gain <= 0. With debts spread
    over many creditors (``single_creditor=False``) the gain is positive."""
    return _deviation_gain(sigma, single_creditor, delta, cash, cut, debt)


class NoTradeDeviation(NamedTuple):
    """A deviating pair in a no-trade situation (R13, appendix; ours), state by state.

    ``margin[s]`` Home's objective when it enforces the pair's payment minus its best objective when it
    does not (the gain from enforcing); ``per_mass[s]`` that margin per unit of the mass whose payments
    the decision covers (the pair, ``2 delta``, under individual enforcement; all of Home under coarse
    enforcement); ``k[s]`` the pair's gain from equalising, :math:`2u(\bar y) - u(y_A) - u(y_B)`."""

    margin: np.ndarray
    per_mass: np.ndarray
    k: np.ndarray


def no_trade_deviation(economy, sigma, delta, enforcement="individual"):
    r"""R13's no-trade argument (appendix), computed (ours): in a no-trade situation of the two-type-per-region
    ``economy`` (:func:`mirror_economy`), a pair of Home residents of mass ``delta`` each (one of type A,
    one of type B) writes a contract by which the richer pays the poorer half the gap between their
    endowments. Nothing else is outstanding. Home's gain from enforcing that payment, by enumeration of
    its choices: ``enforcement="individual"`` makes the pair and the rest of Home separate enforcement
    groups (the deviators are decided on individually); ``"coarse"`` keeps one group per region.

    The gain is :math:`\delta k` in both cases, so any coalition of positive mass breaks the no-trade
    outcome under either technology. The distinction of the draft is about a measure-zero individual: per
    unit of the mass the decision covers, the gain is :math:`k/2` under individual enforcement, whatever
    ``delta``, and :math:`\delta k` under coarse enforcement, which goes to 0 with ``delta`` -- a tie, so
    the expectation of no enforcement survives a measure-zero deviator only under coarse enforcement.
    """
    sigma = _check_sigma(sigma)
    delta = float(delta)
    if not 0.0 < delta < 0.5:
        raise ValueError(f"delta (the deviating pair's mass) must lie in (0, 0.5), got {delta}")
    if enforcement not in ("individual", "coarse"):
        raise ValueError(f"enforcement must be 'individual' or 'coarse', got {enforcement!r}")
    e = economy
    if e.n_types != 4 or list(e.region) != [HOME, HOME, FOREIGN, FOREIGN]:
        raise ValueError("economy must have types (H-A, H-B, F-A, F-B), as mirror_economy")
    mass = np.array([delta, delta, e.mass[0] - delta, e.mass[1] - delta, e.mass[2], e.mass[3]])
    group = [0, 1, 2, 2, 3, 3] if enforcement == "individual" else [0, 0, 0, 0, 1, 1]
    covered = 2 * delta if enforcement == "individual" else e.mass[:2].sum()
    S = e.n_states
    margin, k = np.empty(S), np.empty(S)
    for s in range(S):
        y = e.Y[[0, 1, 0, 1, 2, 3], s].copy()
        ec = make_economy(y0=np.ones(6), Y=y[:, None], pi=[1.0], mass=mass, region=[0, 0, 0, 0, 1, 1], group=group)
        rich, poor = (0, 1) if y[0] >= y[1] else (1, 0)
        D = np.zeros((6, 6))
        D[rich, poor] = delta * (y[rich] - y[poor]) / 2  # the only claim in the economy
        G, gr = ec.n_groups, ec.group_region
        W = enumerate_enforcement(HOME, y, D, ec.mass, ec.region, ec.group, gr, ec.psi, sigma,
                                  np.ones((G, G), dtype=np.int64))
        own = np.flatnonzero(gr == HOME)
        bit = np.flatnonzero(own == ec.group[rich])[0] * G + ec.group[poor]  # bit a * G + b: group a pays b
        on = ((np.arange(W.size) >> bit) & 1).astype(bool)
        margin[s] = W[on].max() - W[~on].max()
        k[s] = 2 * crra_kernel(y[:2].mean(), sigma) - crra_kernel(y[0], sigma) - crra_kernel(y[1], sigma)
    return NoTradeDeviation(margin, margin / covered, k)


class R13Limit(NamedTuple):
    """:func:`r13_no_trade_limit`'s result, state by state: ``limit[s]`` the government's gain from enforcing
    the deviating pair's payment per unit of the mass its decision covers, extrapolated to a deviator of
    measure zero; ``k_half[s]`` half the pair's gain from equalising, :math:`k/2`; ``error`` the measured
    error of the extrapolation."""

    limit: np.ndarray
    k_half: np.ndarray
    error: float


def r13_no_trade_limit(economy, sigma, enforcement="individual", deltas=(1e-2, 1e-3, 1e-4)):
    r"""R13 (Appendix): with individual-level enforcement the no-trade equilibria of coarse enforcement
    disappear, because the government decides on a single deviator's payments and strictly wants to enforce
    a contract by which the richer pays the poorer.

    Our formalisation (:func:`no_trade_deviation`): in the no-trade situation a Home pair of mass
    :math:`\delta` writes that contract; the government's gain from enforcing it, per unit of the mass its
    decision covers, is computed by enumeration at each of ``deltas`` and extrapolated linearly in
    :math:`\delta` to :math:`\delta \to 0` (from the two smallest; ``error`` is the change against the
    extrapolation from the two largest). R13 asserts that this limit is strictly positive under individual
    enforcement: in our formalisation it equals :math:`k/2`, the pair's own gain from equalising, computed
    from the closed form :math:`k = 2u(\bar y) - u(y_A) - u(y_B)`. Under coarse enforcement
    (``enforcement="coarse"``, R13's hypothesis violated) the limit is 0: the government is indifferent and
    the expectation that nothing is enforced survives.
    """
    deltas = tuple(float(d) for d in deltas)
    if len(deltas) != 3 or not (deltas[0] > deltas[1] > deltas[2] > 0):
        raise ValueError(f"deltas must be three decreasing positive masses, got {deltas}")
    runs = [no_trade_deviation(economy, sigma, d, enforcement) for d in deltas]
    p = [r.per_mass for r in runs]

    def extrapolate(i, j):  # linear in delta through (delta_i, p_i) and (delta_j, p_j), at delta = 0
        return (deltas[i] * p[j] - deltas[j] * p[i]) / (deltas[i] - deltas[j])

    limit = extrapolate(1, 2)
    error = float(np.max(np.abs(limit - extrapolate(0, 1))))
    return R13Limit(limit, runs[-1].k / 2, error)


def large_agents_sm_price(n, paper="issuer", protocol="buyers_bid", resources=0.75, supply=0.25):
    r"""R11(c) (§3.4) examined in a worked model (ours): the old-age secondary-market price of Foreign
    paper held by Home when Foreign has ``n`` identical large agents.

    Valuations: a Foreign agent values a unit of a compatriot's paper at face value 1 (once domestic it is
    enforced: R2's Step 5) and a unit of his own paper at 0 (held abroad it is not enforced; held by
    himself it pays himself). ``paper="issuer"``: each issuer's paper is a separate security, with
    buyers' valuations 0 (the issuer) and 1 (the ``n - 1`` others); ``"pooled"``: a unit is a claim on all
    ``n`` issuers equally, worth :math:`(n-1)/n` to every buyer. Home holders value the paper at 0 if
    they keep it. ``protocol="buyers_bid"``: Bertrand competition among buyers (an English auction), so
    the price is the second-highest valuation (0 with a single bidder); ``"sellers_post"``: the holders
    post a price, which is the highest valuation. Each buyer's old-age ``resources`` must cover the
    ``supply`` he may buy (else the price is the resources-limited one of footnote 14). Returns the price.

    The draft's claim ("Bertrand among buyers" gives face value with two agents) holds with
    issuer-specific paper only for ``n >= 3``; with two agents the only buyer who values an issuer's paper
    is his compatriot, and bidding competition gives 0; pooled paper trades at :math:`(n-1)/n`.
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n (agents per region) must be >= 1, got {n}")
    if paper not in ("issuer", "pooled"):
        raise ValueError(f"paper must be 'issuer' or 'pooled', got {paper!r}")
    if protocol not in ("buyers_bid", "sellers_post"):
        raise ValueError(f"protocol must be 'buyers_bid' or 'sellers_post', got {protocol!r}")
    if not (resources > 0 and supply > 0):
        raise ValueError("resources and supply must be > 0")
    if paper == "issuer":
        values = np.array([0.0] + [1.0] * (n - 1))  # the issuer, then his compatriots
    else:
        values = np.full(n, (n - 1) / n)
    values = np.sort(values)[::-1]
    price = values[0] if protocol == "sellers_post" else (values[1] if n >= 2 else 0.0)
    return float(min(price, resources / supply))
