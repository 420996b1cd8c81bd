r"""No commitment without secondary markets (R1, page ``no_commitment``) and the secondary market itself
(page ``secondary_markets``): regional autarky, eqs. (8)-(9), gross holdings of Arrow securities
(:func:`gross_holdings`) and the resale market at face value (:func:`secondary_market`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.secondary_markets.economies import Economy, FOREIGN, HOME, _check_sigma, check_within_region_symmetry
from commitment.secondary_markets.first_best import complete_markets, complete_markets_negishi

__all__ = [
    "regional_autarky", "regional_complete_markets", "gross_holdings", "secondary_market",
    "secondary_market_clearing", "secondary_market_demand",
]


# ----------------------------------------------------------------------------------------- R1


class Allocation(NamedTuple):
    c0: np.ndarray
    c: np.ndarray


def regional_autarky(economy):
    """R1 (§1.2, eqs. 8-9): no commitment and no secondary markets. Every resident consumes his
    region's per-capita endowment, in youth and in each state. Valid under the draft's within-region
    symmetry (:func:`check_within_region_symmetry`); raises ``ValueError`` otherwise."""
    e = economy
    if not check_within_region_symmetry(e):
        raise ValueError("regional_autarky: eqs. (8)-(9) need ex-ante symmetry within regions; "
                         "use regional_complete_markets for heterogeneous residents")
    c0, c = np.empty(e.n_types), np.empty_like(e.Y)
    for j in (HOME, FOREIGN):
        m = e.region == j
        M = e.mass[m].sum()
        c0[m] = e.mass[m] @ e.y0[m] / M
        c[m] = e.mass[m] @ e.Y[m] / M
    return Allocation(c0, c)


def regional_complete_markets(economy, sigma, solver="closed_form"):
    """Within-region complete markets with no cross-border trade (the region-by-region version of R0,
    prices q_{j,s} from regional aggregates). Equals :func:`regional_autarky` under symmetry. ``solver``:
    :func:`complete_markets` (``"closed_form"``) or :func:`complete_markets_negishi` (``"negishi"``)."""
    sigma = _check_sigma(sigma)
    solve = {"closed_form": complete_markets, "negishi": complete_markets_negishi}.get(solver)
    if solve is None:
        raise ValueError(f"solver must be 'closed_form' or 'negishi', got {solver!r}")
    e = economy
    c0, c = np.empty(e.n_types), np.empty_like(e.Y)
    for j in (HOME, FOREIGN):
        m = e.region == j
        sub = Economy(e.y0[m], e.Y[m], e.pi, e.mass[m], np.zeros(m.sum(), dtype=np.int64),
                      np.zeros(m.sum(), dtype=np.int64), e.psi[m], (), ())
        cm = solve(sub, sigma)
        c0[m], c[m] = cm.c0, cm.c
    return Allocation(c0, c)


# ----------------------------------------------------------------------------------------- holdings and SM


def gross_holdings(n, economy, rule="regional_netting", kappa=1.0):
    """Gross claims implementing per-capita net positions ``n[k]`` in one state (pitfall: the first best
    pins down only net positions). Returns ``D[k, l]``, the aggregate face value issued by type ``k`` and
    held by type ``l`` (issuers are the types with ``n < 0``).

    - ``"world_pool"``: every issuer's paper is spread over all receivers in the world, pro rata;
    - ``"regional_netting"``: receivers are paid by compatriots first; only each region's net position
      crosses the border;
    - ``kappa >= 1`` adds two-way cross-border claims of total ``(kappa - 1)`` times the base
      cross-border face value, spread by mass, which leave every type's net position unchanged.
    """
    e = economy
    n = np.asarray(n, dtype=float)
    if kappa < 1:
        raise ValueError(f"kappa (cross-border gross-up) must be >= 1, got {kappa}")
    pay = e.mass * np.maximum(-n, 0.0)
    rec = e.mass * np.maximum(n, 0.0)
    K = n.size
    D = np.zeros((K, K))
    if rule == "world_pool":
        if rec.sum() > 0:
            D = np.outer(pay, rec) / rec.sum()
    elif rule == "regional_netting":
        P = np.array([pay[e.region == j].sum() for j in (0, 1)])
        R = np.array([rec[e.region == j].sum() for j in (0, 1)])
        for j in (0, 1):
            m = e.region == j
            dom = min(P[j], R[j])
            if dom > 0:
                D[np.ix_(m, m)] += np.outer(pay[m], rec[m]) * dom / (P[j] * R[j])
        for j in (0, 1):  # the net payer region j pays its excess to the other region's net receivers
            o = 1 - j
            ex = P[j] - R[j]
            if ex > 0 and R[o] - P[o] > 0:
                mj, mo = e.region == j, e.region == o
                D[np.ix_(mj, mo)] += np.outer(pay[mj] / P[j], rec[mo] / R[o]) * ex
    else:
        raise ValueError(f"rule must be 'world_pool' or 'regional_netting', got {rule!r}")
    if kappa > 1:
        cross = sum(D[np.ix_(e.region == j, e.region != j)].sum() for j in (0, 1))
        A = (kappa - 1.0) * cross
        mH, mF = e.region == HOME, e.region == FOREIGN
        block = np.outer(e.mass[mH], e.mass[mF]) / (e.mass[mH].sum() * e.mass[mF].sum()) * A / 2
        D[np.ix_(mH, mF)] += block
        D[np.ix_(mF, mH)] += block.T
    return D


class SecondaryMarketOutcome(NamedTuple):
    """Post-secondary-market holdings (eqs. 10-12): per-capita resources ``cash[k]`` (= ŷ, eq. 11) and
    claims ``D[k, l]``; ``price`` (q̂, eq. 15) and ``volume[j]`` (face value of region j's paper bought
    back from foreigners); ``resources[j]`` are the buyers' resources before paying."""

    cash: np.ndarray
    D: np.ndarray
    price: float
    volume: np.ndarray
    resources: np.ndarray


def secondary_market_demand(price, resources):
    """Domestic buyers' demand correspondence for their compatriots' paper (Fig. 3, §1.3): nothing above
    face value, anything up to their resources at face value, all their resources below it.
    Returns ``(low, high)`` of the demanded quantity."""
    if price > 1.0:
        return 0.0, 0.0
    if price == 1.0:
        return 0.0, resources
    return resources / price, resources / price


def secondary_market_clearing(resources, supply):
    """The price at which foreigners' vertical supply ``supply`` meets domestic demand (Fig. 3): face
    value 1 when the buyers can pay for it (the solvency case of the draft's argument), else the price
    that exhausts their resources. Found from the correspondence, not assumed."""
    if supply <= 0:
        return 1.0
    lo, hi = secondary_market_demand(1.0, resources)
    if lo <= supply <= hi:
        return 1.0
    return resources / supply


def secondary_market(cash, D, economy, outcome="issuer_region", groups=None):
    """The secondary market of §1.3 in one state.

    ``outcome="issuer_region"`` (the baseline, eqs. 13-14): every holder sells the paper issued in the
    other region; residents of the issuing region buy it. ``"issuer_group"`` (§2.1, the sufficient
    condition): all paper ends with members of the issuer's own group, the enforcement group
    ``economy.group`` or, when given, ``groups[k]`` (§3.1: the endowment/weight groups G, which an
    enforcement partition may cut across). ``"world"`` (not an
    equilibrium outcome: the falsifiers' case of the wrong buyers, ours): the paper held outside the
    issuing region is sold at face value to buyers anywhere in the world, so part of it stays abroad.
    Buyers take the paper in proportion to their resources (cash plus sale proceeds), so no buyer's ŷ
    turns negative unless the whole buying side is insolvent. The price comes from
    :func:`secondary_market_clearing`.
    """
    e = economy
    cash = np.asarray(cash, dtype=float)
    K = cash.size
    if outcome in ("issuer_region", "world"):
        side = e.region
    elif outcome == "issuer_group":
        side = e.group if groups is None else np.asarray(groups, dtype=np.int64)
        if side.shape != (K,):
            raise ValueError(f"groups must give one resale group per type ({K}), got shape {side.shape}")
    else:
        raise ValueError(f"outcome must be 'issuer_region', 'issuer_group' or 'world', got {outcome!r}")
    buy_side = np.zeros(K, dtype=side.dtype) if outcome == "world" else side
    outside = side[:, None] != side[None, :]
    sold = np.where(outside, D, 0.0)  # sold[k, l]: paper of k held by an outsider l, for sale
    D_hat = D - sold
    supply_by_side = {}
    for k in range(K):
        supply_by_side[side[k]] = supply_by_side.get(side[k], 0.0) + sold[k].sum()
    # resources of buyers: cash plus proceeds of their own sales (valued at face value first)
    proceeds = sold.sum(axis=0)  # aggregate
    res = e.mass * cash + proceeds
    prices = {}
    for sd, supply in supply_by_side.items():
        prices[sd] = secondary_market_clearing(res[buy_side == buy_side[side == sd][0]].sum(), supply)
    price = min(prices.values()) if prices else 1.0
    if price < 1.0:
        raise RuntimeError(f"secondary market clears below face value ({price:.4f}): buyers are insolvent")
    purchases = np.zeros(K)
    for k in range(K):
        tot = sold[k].sum()
        if tot > 0:
            buyers = buy_side == buy_side[k]
            w = np.where(buyers, res, 0.0)
            w = w / w.sum()
            D_hat[k] += tot * w
            purchases += tot * w
    cash_hat = cash + price * (proceeds - purchases) / e.mass
    volume = np.array([sold[e.region == j].sum() for j in (0, 1)])
    resources = np.array([res[e.region == j].sum() for j in (0, 1)])
    return SecondaryMarketOutcome(cash_hat, D_hat, price, volume, resources)


