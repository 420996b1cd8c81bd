r"""R2 found, not imposed (page ``secondary_markets``): from primary portfolios that are not the first best,
the secondary market, the governments' enforcement choice and the agents' portfolio choice find the
allocation, and :func:`r2_first_best_gap` measures its distance from the first best c* of R0.

The pieces, each computed rather than set:

- :func:`valuation_resale` -- the secondary market of §1.3 with its buyers and sellers found from
  valuations. A holder values a claim on group ``a`` at face value iff the issuer's government gains
  (weakly) from paying it at the margin, at the consumption that full enforcement would give (Step 1 of
  the proof: a unit paid abroad lowers the issuer government's objective by :math:`\psi_k u'(c_k)`, so
  foreigners value the paper at 0 and sell; Step 2: compatriots value it at face value while the
  conjecture of domestic enforcement stands). Paper valued at 0 is sold to the types that value it at
  face value, at the price of :func:`secondary_market_clearing`.
- :func:`realised_consumption` -- gross holdings of the primary portfolios, the secondary market, each
  government's enforcement by enumeration (:func:`nash_enforcement`), final consumption (eq. 10).
- :func:`primary_market` -- atomistic agents choose their Arrow portfolios at primary prices
  :math:`q_s`, anticipating that a unit of net claim in state ``s`` changes their consumption by
  :math:`r_{ks}` (the return they saw realised: 1 under the commitment budget, eq. bmv-sm-consumption);
  the prices clear the primary market, :math:`\sum_k m_k x_{ks} = 0`, found by a root finder from
  :math:`q = \pi` (the book's own generic solver; it does not use the CRRA aggregation of R0).
- :func:`r2_first_best_gap` -- the fixed point of the two: realised returns -> portfolios -> realised
  returns, from several starting portfolios.

All of this is the book's own construction (ours): the draft proves that the first best *is* an
equilibrium; the iteration is a way of computing an equilibrium without starting from the answer.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.secondary_markets.economies import HOME, FOREIGN, _check_sigma
from commitment.secondary_markets.enforcement import (consumption_given_enforcement, enumerate_enforcement,
                                                     nash_enforcement)
from commitment.secondary_markets.first_best import _negishi_allocation, complete_markets, negishi_allocation_numpy
from commitment.secondary_markets.resale import (gross_holdings, regional_complete_markets, secondary_market,
                                                secondary_market_clearing)

__all__ = [
    "valuation_resale", "realised_consumption", "primary_market", "random_primary_portfolios",
    "autarky_path_portfolios", "r0_pareto_gap",
    "r2_first_best_gap", "R2Outcome",
]


VALUATION_TIE = 1e-12  # relative: marginal gains within it of zero are ties (valued at face value)


def valuation_resale(cash, D, economy, sigma):
    r"""The secondary market with buyers and sellers found from valuations (§1.3, Steps 1-3; ours).

    Holders in group ``b`` value group ``a``'s paper at face value iff its government, with every other
    payment made at the holdings before the market, does not gain by refusing the payments from ``a`` to
    ``b`` (up to a relative tie of :data:`VALUATION_TIE`; computed with :func:`enumerate_enforcement`),
    else at 0. For a pair that carries no claims yet (a prospective buyer), the same comparison at the
    margin: a unit paid from ``a`` to ``b``, spread by mass, changes the government's objective by
    :math:`\sum w_{kl}[\psi_l u'(c_l)1\{l\in j\} - \psi_k u'(c_k)]`, always negative for a buyer abroad. Paper valued at 0 is sold to the types that value the issuer's
    paper at face value, pro rata to their resources (cash plus proceeds), at the price of
    :func:`secondary_market_clearing`; paper nobody values is held to maturity. Returns
    ``(cash_hat, D_hat, price, valued)`` with ``valued[a, b]`` the valuation matrix.
    """
    e = economy
    sigma = _check_sigma(sigma)
    cash = np.asarray(cash, dtype=float)
    D = np.asarray(D, dtype=float)
    K, G = cash.size, e.n_groups
    cash_c, D_c = np.ascontiguousarray(cash), np.ascontiguousarray(D)
    gr = e.group_region
    full = np.ones((G, G), dtype=np.int64)
    valued = np.zeros((G, G), dtype=bool)
    c_full = consumption_given_enforcement(cash_c, D_c, e.mass, e.group, full)
    mu = e.psi * np.where(c_full > 0, c_full, np.inf) ** (-sigma)  # psi_k u'(c_k) at full enforcement
    for j in (HOME, FOREIGN):
        own = np.flatnonzero(gr == j)
        W = enumerate_enforcement(j, cash_c, D_c, e.mass, e.region, e.group, gr, e.psi, sigma, full)
        top = W.size - 1  # full enforcement
        for ia, a in enumerate(own):
            for b in range(G):
                if D[np.ix_(e.group == a, e.group == b)].sum() > 0:  # the pair (a, b) refused, all else paid
                    refused = W[top ^ (1 << (ia * G + b))]
                    valued[a, b] = W[top] >= refused - VALUATION_TIE * (1.0 + abs(W[top]))
                else:  # no claims yet: a prospective buyer's unit, spread over the pair by mass, at the margin
                    ka, lb = np.flatnonzero(e.group == a), np.flatnonzero(e.group == b)
                    paid = mu[lb] if gr[b] == j else np.zeros(lb.size)  # foreigners' utility is not counted
                    w = np.outer(e.mass[ka], e.mass[lb])
                    valued[a, b] = np.sum(w * (paid[None, :] - mu[ka][:, None])) >= -VALUATION_TIE * np.sum(
                        w * (paid[None, :] + mu[ka][:, None]))
    val = valued[e.group[:, None], e.group[None, :]]  # val[k, l]: l values k's paper at face value
    sold = np.where(val, 0.0, D)  # sold[k, l]: k's paper held by l, who values it at 0
    for k in range(K):  # paper that no type values finds no buyer: held to maturity
        if sold[k].sum() > 0 and not val[k].any():
            sold[k] = 0.0
    D_hat = D - sold
    res = e.mass * cash + sold.sum(axis=0)  # buyers' resources: cash plus proceeds at face value
    purchases = np.zeros(K)
    price = 1.0
    for k in range(K):
        tot = sold[k].sum()
        if tot <= 0:
            continue
        buyers = val[k]
        price = min(price, secondary_market_clearing(res[buyers].sum(), tot))
        w = np.where(buyers, res, 0.0)
        w = w / w.sum()
        D_hat[k] += tot * w
        purchases += tot * w
    if price < 1.0:
        raise RuntimeError(f"valuation_resale: the market clears below face value ({price:.4f}): buyers insolvent")
    cash_hat = cash + price * (sold.sum(axis=0) - purchases) / e.mass
    return cash_hat, D_hat, price, valued


def realised_consumption(economy, sigma, x, rule="regional_netting", kappa=1.0, resale="valuation", sm_states=None):
    """Old-age consumption realised from primary net positions ``x[k, s]`` (market clearing,
    :math:`\\sum_k m_k x_{ks} = 0`): gross holdings (``rule``, ``kappa``), the secondary market
    (``resale``: ``"valuation"`` for :func:`valuation_resale`, ``"none"``, or an outcome of
    :func:`secondary_market`, e.g. ``"world"``: the wrong buyers), then each government's enforcement
    by enumeration (:func:`nash_enforcement`) and eq. (10); ``sm_states`` (bool per state, default all)
    says in which states a secondary market opens (R9). Returns ``(c, E)``."""
    e = economy
    sigma = _check_sigma(sigma)
    x = np.asarray(x, dtype=float)
    if x.shape != e.Y.shape:
        raise ValueError(f"x (primary net positions) must have shape {e.Y.shape}, got {x.shape}")
    c = np.empty_like(e.Y)
    Es = []
    for s in range(e.n_states):
        D = gross_holdings(x[:, s], e, rule, kappa)
        cash = e.Y[:, s].copy()
        if sm_states is not None and not sm_states[s]:
            pass  # no secondary market in this state: the primary holders hold to maturity
        elif resale == "valuation":
            cash, D, _, _ = valuation_resale(cash, D, e, sigma)
        elif resale != "none":
            out = secondary_market(cash, D, e, resale)
            cash, D = out.cash, out.D
        ne = nash_enforcement(cash, D, e, sigma)
        c[:, s] = ne.c
        Es.append(ne.E)
    return c, np.array(Es)


class PrimaryMarket(NamedTuple):
    """Primary-market equilibrium given anticipated returns: prices ``q[s]``, youth consumption ``c0[k]``,
    planned old-age consumption ``c[k, s]``, net positions ``x[k, s]``, clearing ``residual``."""

    q: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    x: np.ndarray
    residual: float


def _demands(logq, economy, sigma, r):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # the root finder's wild trial steps
        return _demands_raw(logq, economy, sigma, r)


def _demands_raw(logq, economy, sigma, r):
    e = economy
    p = np.exp(logq)[None, :] / r  # price of a unit of consumption in state s, for type k
    wealth = e.y0 + (p * e.Y).sum(axis=1)
    ratio = (p / e.pi[None, :]) ** (-1.0 / sigma)  # c_s / c_0 from pi_s r u'(c_s) = q_s u'(c_0)
    c0 = wealth / (1.0 + (p * ratio).sum(axis=1))
    c = c0[:, None] * ratio
    return c0, c, (c - e.Y) / r


def primary_market(economy, sigma, r=None, tol=1e-12):
    r"""Primary-market equilibrium when each type anticipates that a unit of net Arrow claim on state s
    moves its old-age consumption by ``r[k, s] > 0`` (the commitment budget, eq. 3, is ``r = 1``).

    Each atomistic type maximises :math:`u(c_0)+\sum_s\pi_s u(y_{ks}+r_{ks}x_{ks})` subject to
    :math:`c_0+\sum_s q_s x_{ks}=y_{k0}` (first-order conditions
    :math:`\pi_s r_{ks} u'(c_{ks}) = q_s u'(c_0)`); the prices solve
    :math:`\sum_k m_k x_{ks}=0` by a root finder from :math:`q=\pi`, and the result is accepted only
    if the clearing residual (face value per unit of world endowment) is below ``tol``; otherwise
    ``RuntimeError``.
    """
    from scipy.optimize import root

    e = economy
    sigma = _check_sigma(sigma)
    r = np.ones_like(e.Y) if r is None else np.asarray(r, dtype=float)
    if r.shape != e.Y.shape or not np.all(r > 0):
        raise ValueError(f"r (anticipated returns) must be > 0 with shape {e.Y.shape}")
    scale = e.mass @ e.Y

    def excess(logq):
        return (e.mass @ _demands(logq, e, sigma, r)[2]) / scale

    sol = root(excess, np.log(e.pi), method="hybr", tol=1e-14)
    res = float(np.max(np.abs(excess(sol.x))))
    if not res <= tol:
        raise RuntimeError(f"primary_market: clearing residual {res:.1e} > {tol:.0e}")
    c0, c, x = _demands(sol.x, e, sigma, r)
    return PrimaryMarket(np.exp(sol.x), c0, c, x, res)


def random_primary_portfolios(economy, sigma, rng, size=0.5):
    """Primary net positions that clear the market but are not the first best (a starting point, ours):
    the first-best positions plus a random perturbation of relative ``size`` (each state's positions are
    perturbed by ``size`` times the state's mean absolute first-best position, then re-centred so that
    :math:`\\sum_k m_k x_{ks} = 0`)."""
    size = float(size)
    if not (np.isfinite(size) and size >= 0):
        raise ValueError(f"size (relative perturbation of the first-best positions) must be >= 0, got {size}")
    e = economy
    x_star = complete_markets(e, sigma).x
    z = rng.standard_normal(x_star.shape)
    z -= (e.mass @ z)[None, :] / e.mass.sum()
    level = np.maximum(np.abs(x_star).mean(axis=0), 0.01 * (e.mass @ e.Y) / e.mass.sum())
    return x_star + size * level[None, :] * z


def autarky_path_portfolios(economy, sigma, lam):
    r"""Primary net positions between R1 and R0 (a starting point, ours):
    :math:`x = \lambda x^* + (1-\lambda) x^{aut}`, where :math:`x^*` are the first-best positions and
    :math:`x^{aut}` those of within-region complete markets with no cross-border trade (R1's allocation,
    :func:`regional_complete_markets`). They clear the primary market for every ``lam`` in [0, 1] and are
    not the first best unless ``lam = 1``; ``lam = 0`` is where an economy without secondary markets
    stays."""
    lam = float(lam)
    if not 0 <= lam <= 1:
        raise ValueError(f"lam (weight on the first-best positions) must lie in [0, 1], got {lam}")
    e = economy
    x_aut = regional_complete_markets(e, sigma).c - e.Y
    return lam * complete_markets(e, sigma).x + (1 - lam) * x_aut


class R2Outcome(NamedTuple):
    """What :func:`r2_first_best_gap` found.

    ``gap``: the largest distance, over starts, between the fixed point's allocation (youth and
    old-age consumption) and the first best c*; ``fixed_point_gap``: the distance between c* and the
    allocation realised at the first-best portfolios themselves (no iteration: is c* a fixed point?);
    ``error``: the measured numerical error (the fixed point's last step plus the clearing residual,
    plus eight ulps of the largest consumption for rounding; ``inf`` for a start that did not settle in
    ``maxit`` rounds or where the primary market has no equilibrium at the anticipated returns); ``iterations`` per start;
    ``budget_gap``: per start, the largest distance between the consumption realised at the starting
    portfolios and the commitment budget y + x there."""

    gap: float
    fixed_point_gap: float
    error: float
    iterations: tuple
    budget_gap: tuple


def _returns(x, c, Y, floor):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.abs(x) > 1e-9, (c - Y) / x, 1.0)
    return np.maximum(r, floor)


def r2_first_best_gap(economy, sigma, starts, rule="regional_netting", kappa=1.0, resale="valuation",
                      maxit=8, step_tol=1e-11, r_floor=1e-3):
    r"""R2 (§1.3): without commitment but with secondary markets, the first best is an equilibrium, found
    from primary portfolios that are not the first best.

    For each starting net position ``x`` in ``starts`` (each (K, S), market clearing): (a) the
    secondary market and the governments' enforcement choice realise consumption
    :func:`realised_consumption`, and each type's realised return per unit of net claim
    :math:`r_{ks}=(c_{ks}-y_{ks})/x_{ks}` (1 where it holds nothing; floored at ``r_floor``, because
    the agents' problem needs :math:`r>0`); (b) agents anticipating these returns choose their
    portfolios and the primary market clears (:func:`primary_market`). Repeat until the portfolios
    stop moving (``step_tol``). R2 asserts that the fixed point is the first best of R0: ``gap`` = 0 up
    to ``error``; and the first best itself is a fixed point, ``fixed_point_gap`` = 0. With foreigners
    holding the paper at maturity (``resale="none"``) or the wrong buyers (``"world"``), claims on
    foreigners are refused, the realised returns are below one, and neither is zero.
    """
    e = economy
    sigma = _check_sigma(sigma)
    if int(maxit) < 1:
        raise ValueError(f"maxit (rounds of the fixed point) must be >= 1, got {maxit}")
    if not 0 < r_floor <= 1:
        raise ValueError(f"r_floor (smallest anticipated return) must lie in (0, 1], got {r_floor}")
    cm = complete_markets(e, sigma)
    c_fp, _ = realised_consumption(e, sigma, cm.x, rule, kappa, resale)
    fixed_point_gap = float(np.max(np.abs(c_fp - cm.c)))
    gap, error, its, bgaps = fixed_point_gap, 0.0, [], []
    for x0 in starts:
        x = np.asarray(x0, dtype=float)
        if x.shape != e.Y.shape or np.max(np.abs(e.mass @ x)) > 1e-12 * max(1.0, np.abs(x).max()):
            raise ValueError("starts must be market-clearing net positions x[k, s] (sum_k m_k x_ks = 0)")
        step, res, c0 = np.inf, 0.0, None
        for it in range(1, maxit + 1):
            c, _ = realised_consumption(e, sigma, x, rule, kappa, resale)
            if it == 1:
                bgaps.append(float(np.max(np.abs(c - (e.Y + x)))))
            try:
                pm = primary_market(e, sigma, _returns(x, c, e.Y, r_floor))
            except RuntimeError:  # no primary-market equilibrium at the anticipated returns: no fixed point here
                step = np.inf
                break
            step, res, c0 = float(np.max(np.abs(pm.x - x))), pm.residual, pm.c0
            x = pm.x
            if step <= step_tol:
                break
        its.append(it)
        c, _ = realised_consumption(e, sigma, x, rule, kappa, resale)
        gap = max(gap, float(np.max(np.abs(c - cm.c))))
        if c0 is not None:
            gap = max(gap, float(np.max(np.abs(c0 - cm.c0))))
        rounding = 8 * np.finfo(float).eps * max(1.0, float(np.abs(cm.c).max()))
        error = max(error, (step + res + rounding) if step <= step_tol else np.inf)
    return R2Outcome(gap, fixed_point_gap, error, tuple(its), tuple(bgaps))


def r0_pareto_gap(economy, sigma, markets="complete"):
    r"""R0 (§1.2): with commitment and a complete set of Arrow securities the competitive equilibrium attains
    the first best (a Pareto optimum; the first welfare theorem).

    The equilibrium is computed by the generic solver :func:`primary_market` (each agent optimises at
    given prices, the prices clear the markets; not R0's closed form). The planner's allocation with the
    Negishi weights the equilibrium implies, :math:`\lambda_k = 1/u'(c_{k0})`, is computed date by date
    and state by state by root finding (:func:`complete_markets_negishi`'s kernel, which does not use the
    CRRA aggregation). Returns ``(gap, error)``: the largest distance between the two allocations, and the
    measured error (the planner's kernel against its NumPy twin, plus the equilibrium's clearing residual
    and eight ulps of rounding). R0 asserts gap = 0. With ``markets="bond"`` (R0's hypothesis violated:
    the only cross-border security is a risk-free bond, :func:`bond_only_equilibrium`) the equilibrium
    is not Pareto optimal and the gap is positive.
    """
    e = economy
    sigma = _check_sigma(sigma)
    if markets == "complete":
        pm = primary_market(e, sigma)
        c0, c, res = pm.c0, pm.c, pm.residual
    elif markets == "bond":
        from commitment.secondary_markets.robustness import bond_only_equilibrium

        bond = bond_only_equilibrium(e, sigma)
        c0, c, res = bond.c0, bond.c, float(np.abs(bond.residuals).max())
    else:
        raise ValueError(f"markets must be 'complete' or 'bond', got {markets!r}")
    lam = c0 ** sigma
    totals = np.concatenate([[e.mass @ c0], e.mass @ c])
    planner, _ = _negishi_allocation(lam, e.mass, totals, sigma)
    twin, _ = negishi_allocation_numpy(lam, e.mass, totals, sigma)
    alloc = np.column_stack([c0, c])
    gap = float(np.max(np.abs(planner - alloc)))
    rounding = 8 * np.finfo(float).eps * max(1.0, float(np.abs(alloc).max()))
    return gap, float(np.max(np.abs(twin - planner))) + res + rounding
