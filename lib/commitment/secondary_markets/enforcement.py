r"""Governments' enforcement choices (pages ``no_commitment``, ``secondary_markets``, ``extensions``): the
enumeration kernel :func:`enumerate_enforcement` and its NumPy twin, the Nash fixed point
:func:`nash_enforcement`, the pipeline :func:`secondary_market_equilibrium`, and the claim functions of
R1-R4 (``r*_enforcement_margin``) with their enforcement margins.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from commitment.secondary_markets.economies import FOREIGN, HOME, _check_sigma
from commitment.utility import crra_kernel
from commitment.secondary_markets.first_best import CompleteMarkets, complete_markets, complete_markets_negishi
from commitment.secondary_markets.resale import gross_holdings, regional_complete_markets, secondary_market

__all__ = [
    "consumption_given_enforcement", "enumerate_enforcement", "enumerate_enforcement_numpy",
    "enumerate_enforcement_states", "enumerate_enforcement_states_numpy", "best_response",
    "nash_enforcement", "enforcement_at_target", "secondary_market_equilibrium", "enforcement_margins",
    "r1_enforcement_margin", "r2_enforcement_margin", "r3_enforcement_margin", "r4_enforcement_margin",
    "margin_tolerance", "margin_error",
]


# ----------------------------------------------------------------------------------------- enforcement


@njit(cache=True)
def consumption_given_enforcement(cash, D, mass, group, E):
    """Per-capita consumption (eq. 10) when payments from group a to group b are made iff E[a, b]."""
    K = cash.size
    c = cash.copy()
    for k in range(K):
        for l in range(K):
            if D[k, l] != 0.0 and E[group[k], group[l]]:
                c[k] -= D[k, l] / mass[k]
                c[l] += D[k, l] / mass[l]
    return c


@njit(cache=True)
def enumerate_enforcement(j, cash, D, mass, region, group, group_region, psi, sigma, E_other):
    """Government j's objective for each of its 2**(n_j * G) enforcement choices (§1.2, §2.1.1).

    Choice ``m`` enforces payments from j's a-th group to group b iff bit ``a * G + b`` of m is set
    (so ``m = 2**(n_j G) - 1`` is full enforcement). Rows of issuers in the other region come from
    ``E_other``. The objective is the psi-weighted average of u over j's residents (-inf if someone's
    consumption is not positive), with u the shared kernel :func:`commitment.utility.crra_kernel`,
    normalised u(1) = 0 and accurate as sigma -> 1: only differences between choices matter, and the
    chapter's own convention c**(1-sigma)/(1-sigma) (kept for welfare levels) would make them cancel near
    sigma = 1, where it is of order 1/|1 - sigma|.
    """
    G = group_region.size
    own = np.flatnonzero(group_region == j)
    nbits = own.size * G
    n = 1 << nbits
    W = np.empty(n)
    E = E_other.copy()
    K = cash.size
    Mj = 0.0
    for k in range(K):
        if region[k] == j:
            Mj += mass[k]
    c = np.empty(K)
    for m in range(n):
        bit = 0
        for ia in range(own.size):
            for b in range(G):
                E[own[ia], b] = (m >> bit) & 1
                bit += 1
        for k in range(K):
            c[k] = cash[k]
        for k in range(K):
            gk = group[k]
            for l in range(K):
                if D[k, l] != 0.0 and E[gk, group[l]]:
                    c[k] -= D[k, l] / mass[k]
                    c[l] += D[k, l] / mass[l]
        w = 0.0
        ok = True
        for k in range(K):
            if region[k] == j:
                if c[k] <= 0.0:
                    ok = False
                    break
                w += psi[k] * mass[k] * crra_kernel(c[k], sigma)
        W[m] = w / Mj if ok else -np.inf
    return W


@njit(cache=True)
def enumerate_enforcement_states(j, cash, D, mass, region, group, group_region, psi, sigma, E_other):
    """:func:`enumerate_enforcement` in every state at once: ``cash[s, k]``, ``D[s, k, l]``; returns
    ``W[s, m]`` (one compiled call for a whole economy)."""
    S = cash.shape[0]
    own = 0
    for a in range(group_region.size):
        if group_region[a] == j:
            own += 1
    W = np.empty((S, 1 << (own * group_region.size)))
    for s in range(S):
        W[s] = enumerate_enforcement(j, cash[s], D[s], mass, region, group, group_region, psi, sigma, E_other)
    return W


def enumerate_enforcement_states_numpy(j, cash, D, mass, region, group, group_region, psi, sigma, E_other):
    """NumPy twin of :func:`enumerate_enforcement_states` (vectorised within a state, looping over states)."""
    return np.array([enumerate_enforcement_numpy(j, cash[s], D[s], mass, region, group, group_region, psi, sigma,
                                                 E_other) for s in range(cash.shape[0])])


def _crra_numpy(c, sigma):
    """NumPy form of :func:`commitment.utility.crra_kernel`: expm1((1 - sigma) log c) / (1 - sigma), log c at 1."""
    if sigma == 1.0:
        return np.log(c)
    return np.expm1((1.0 - sigma) * np.log(c)) / (1.0 - sigma)


def enumerate_enforcement_numpy(j, cash, D, mass, region, group, group_region, psi, sigma, E_other):
    """Plain NumPy twin of :func:`enumerate_enforcement` (all choices at once, vectorised)."""
    G = group_region.size
    own = np.flatnonzero(group_region == j)
    nbits = own.size * G
    masks = np.arange(1 << nbits)
    bits = (masks[:, None] >> np.arange(nbits)) & 1
    E = np.broadcast_to(E_other, (masks.size, G, G)).copy()
    E[:, own, :] = bits.reshape(masks.size, own.size, G)
    on = E[:, group[:, None], group[None, :]]  # (M, K, K)
    T = D[None] * on
    c = cash[None] - T.sum(axis=2) / mass + T.sum(axis=1) / mass
    mj = region == j
    with np.errstate(invalid="ignore", divide="ignore"):
        uu = _crra_numpy(np.where(c[:, mj] > 0, c[:, mj], 1.0), sigma)
    W = (uu * psi[mj] * mass[mj]).sum(axis=1) / mass[mj].sum()
    return np.where(np.all(c[:, mj] > 0, axis=1), W, -np.inf)


def _popcount(m):
    return bin(int(m)).count("1")


def best_response(W, tol=1e-12):
    """The optimal choice with the draft's implicit tie-break: among the choices within ``tol``
    (relative) of the maximum, the one that enforces most (then the largest mask). Returns
    ``(mask, W_best, margin)`` where ``margin`` is the gap to the best choice outside the ties."""
    Wmax = np.max(W)
    thr = Wmax - tol * (1.0 + abs(Wmax))
    ties = np.flatnonzero(W >= thr)
    best = max(ties, key=lambda m: (_popcount(m), m))
    others = W[W < thr]
    margin = Wmax - others.max() if others.size else np.inf
    return int(best), float(W[best]), float(margin)


def _mask_to_rows(mask, own, G, E):
    bit = 0
    for a in own:
        for b in range(G):
            E[a, b] = (mask >> bit) & 1
            bit += 1


class EnforcementChoice(NamedTuple):
    """Nash equilibrium of the two governments' enforcement choices in one state."""

    E: np.ndarray  # (G, G) int: payments from group a to group b enforced
    c: np.ndarray  # final per-capita consumption
    W: np.ndarray  # (2,) governments' objectives at the equilibrium
    W_all: tuple  # each government's objective over all its choices (at the equilibrium of the other)
    margin: np.ndarray  # (2,) gap between the optimum and the best non-tied choice
    iterations: int


def nash_enforcement(cash, D, economy, sigma, tol=1e-12, maxit=20):
    """Iterate the governments' best responses (from full enforcement) until neither changes."""
    e = economy
    G, gr = e.n_groups, e.group_region
    E = np.ones((G, G), dtype=np.int64)
    cash = np.ascontiguousarray(cash, dtype=float)
    D = np.ascontiguousarray(D, dtype=float)
    for it in range(1, maxit + 1):
        changed = False
        Ws, W_all, margins = np.empty(2), [], np.empty(2)
        for j in (HOME, FOREIGN):
            W = enumerate_enforcement(j, cash, D, e.mass, e.region, e.group, gr, e.psi, sigma, E)
            mask, Wb, margin = best_response(W, tol)
            Enew = E.copy()
            _mask_to_rows(mask, np.flatnonzero(gr == j), G, Enew)
            changed |= not np.array_equal(Enew, E)
            E = Enew
            Ws[j], margins[j] = Wb, margin
            W_all.append(W)
        if not changed:
            c = consumption_given_enforcement(cash, D, e.mass, e.group, E)
            return EnforcementChoice(E, c, Ws, tuple(W_all), margins, it)
    raise RuntimeError(f"nash_enforcement: best responses did not settle in {maxit} rounds")


def _full_domestic(E, economy, D):
    """True if every within-region group pair is enforced (cross-border pairs are not looked at; ``D`` is
    unused, kept for the callers' signature)."""
    e = economy
    gr = e.group_region
    dom = gr[:, None] == gr[None, :]
    return bool(np.all(E[dom] == 1))


def _pair_claims(D, economy):
    G = economy.n_groups
    P = np.zeros((G, G))
    for k in range(economy.n_types):
        for l in range(economy.n_types):
            P[economy.group[k], economy.group[l]] += D[k, l]
    return P


class EnforcementReport(NamedTuple):
    """State-by-state enforcement at given post-market holdings.

    ``E[s]`` the equilibrium enforcement matrix; ``c`` final consumption (K, S); ``full_domestic[s]``;
    ``foreign_pairs_with_claims[j]`` / ``foreign_enforced_with_claims[j]`` count the (state, group pair)
    cells where a group of region j owes a foreign group a positive amount (and how many of them
    region j enforces); ``unenforced_domestic[s]`` counts
    within-region pairs with claims left unenforced; ``margin`` (2, S); ``default_rate[s]`` the share
    of face value outstanding at enforcement that is not paid."""

    E: np.ndarray
    c: np.ndarray
    full_domestic: np.ndarray
    foreign_pairs_with_claims: np.ndarray
    foreign_enforced_with_claims: np.ndarray
    unenforced_domestic: np.ndarray
    margin: np.ndarray
    default_rate: np.ndarray
    D: tuple
    cash: np.ndarray


def enforcement_at_target(economy, sigma, c_target, rule="regional_netting", kappa=1.0, sm=True,
                          outcome="issuer_region", sm_states=None):
    """Holdings implementing the old-age consumption ``c_target[k, s]`` -> (optionally) the secondary
    market -> the governments' enforcement, state by state. ``sm_states`` (bool, S) limits the
    secondary market to some states."""
    sigma = _check_sigma(sigma)
    e = economy
    S, G = e.n_states, e.n_groups
    gr = e.group_region
    Es = np.empty((S, G, G), dtype=np.int64)
    c = np.empty_like(e.Y)
    full = np.zeros(S, dtype=bool)
    margin = np.empty((2, S))
    dr = np.empty(S)
    undom = np.zeros(S, dtype=np.int64)
    fp, fe = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int64)
    Ds, cashs = [], np.empty_like(e.Y)
    cross = gr[:, None] != gr[None, :]
    for s in range(S):
        D = gross_holdings(c_target[:, s] - e.Y[:, s], e, rule, kappa)
        cash = e.Y[:, s].copy()
        if sm and (sm_states is None or sm_states[s]):
            out = secondary_market(cash, D, e, outcome)
            cash, D = out.cash, out.D
        ne = nash_enforcement(cash, D, e, sigma)
        Es[s], c[:, s], margin[:, s] = ne.E, ne.c, ne.margin
        full[s] = _full_domestic(ne.E, e, D)
        P = _pair_claims(D, e)
        has = P > 1e-14
        for j in (HOME, FOREIGN):
            rows = (gr == j)[:, None]
            fp[j] += int(np.sum(has & cross & rows))
            fe[j] += int(np.sum(has & cross & rows & (ne.E == 1)))
        undom[s] = int(np.sum(has & ~cross & (ne.E == 0)))
        tot = P.sum()
        dr[s] = (P * (ne.E == 0)).sum() / tot if tot > 0 else 0.0
        Ds.append(D)
        cashs[:, s] = cash
    return EnforcementReport(Es, c, full, fp, fe, undom, margin, dr, tuple(Ds), cashs)


class SecondaryMarketEquilibrium(NamedTuple):
    """The no-commitment equilibrium with secondary markets (R2, §1.3).

    ``q`` primary prices, ``c0``/``c`` final consumption, ``sm_price[s]`` and ``volume[s, j]`` of the
    secondary market, ``enforcement`` the per-state report, ``first_best`` the commitment benchmark."""

    q: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    sm_price: np.ndarray
    volume: np.ndarray
    enforcement: EnforcementReport
    first_best: CompleteMarkets
    no_default: bool


def secondary_market_equilibrium(economy, sigma, rule="regional_netting", kappa=1.0, outcome="issuer_region"):
    """R2 pipeline: primary markets trade as under commitment (the candidate equilibrium of §1.3), gross
    holdings by ``rule``/``kappa``, the secondary market in every state, then each government's optimal
    enforcement by enumeration. Returns the realised allocation; whether it is the first best is a
    result, checked by the caller, not assumed."""
    e = economy
    cm = complete_markets(e, sigma)
    rep = enforcement_at_target(e, sigma, cm.c, rule, kappa, True, outcome)
    prices, vol = np.empty(e.n_states), np.empty((e.n_states, 2))
    for s in range(e.n_states):
        D = gross_holdings(cm.c[:, s] - e.Y[:, s], e, rule, kappa)
        out = secondary_market(e.Y[:, s].copy(), D, e, outcome)
        prices[s], vol[s] = out.price, out.volume
    return SecondaryMarketEquilibrium(cm.q, cm.c0.copy(), rep.c, prices, vol, rep, cm,
                                      bool(np.all(rep.default_rate == 0.0)))


# ----------------------------------------------------------------------------------------- enforcement margins


CONSUMPTION_FLOOR = 1e-12  # choices moving nobody's consumption by more are ties (sums of O(1) terms: ~1e-15)


class EnforcementMargins(NamedTuple):
    """Each government's strict margin for a target enforcement choice, state by state.

    ``margin[j, s]``: government j's objective at the target choice minus its best objective among the
    choices that change somebody's consumption (``inf`` if none does: j has nothing to decide);
    ``W_target[j, s]`` the objective at the target; ``claims[s]`` the (G, G) face values outstanding at
    enforcement, pair by pair; ``target[s]`` the target choice."""

    margin: np.ndarray
    W_target: np.ndarray
    claims: np.ndarray
    target: np.ndarray


def enforcement_margins(economy, sigma, c_target, rule="regional_netting", kappa=1.0, resale="issuer_region",
                        enforce_foreign=True, twin=False, resale_groups=None):
    """Is a target enforcement profile a strict Nash equilibrium of the governments' choice (§1.2, §1.3)?

    In each state: gross holdings implementing ``c_target[:, s]`` (``rule``, ``kappa``), the secondary
    market (``resale``: an outcome of :func:`secondary_market`, ``"none"``, or a callable
    ``resale(cash, D, economy, s) -> (cash, D)``; ``resale_groups`` the
    groups of its ``"issuer_group"`` outcome, default the enforcement groups), then for each government
    the objective of *all* its choices (:func:`enumerate_enforcement`, or its NumPy twin when
    ``twin=True``) with the other government at the target. The target enforces every payment, except
    payments to foreigners when ``enforce_foreign=False``. Choices that move nobody's consumption by more
    than :data:`CONSUMPTION_FLOOR` from the target's (pairs without claims, or whose payments net out)
    are ties and are left out. The margin is positive iff the target is each government's unique optimum
    up to such ties: nothing here imposes it.
    """
    sigma = _check_sigma(sigma)
    e = economy
    S, G, gr = e.n_states, e.n_groups, e.group_region
    if not (callable(resale) or resale in ("none", "issuer_region", "issuer_group", "world")):
        raise ValueError(f"resale must be 'none', an outcome of secondary_market or a callable, got {resale!r}")
    kernel = enumerate_enforcement_numpy if twin else enumerate_enforcement
    cross = gr[:, None] != gr[None, :]
    margin, W_target = np.empty((2, S)), np.empty((2, S))
    claims, target = np.empty((S, G, G)), np.ones((S, G, G), dtype=np.int64)
    for s in range(S):
        D = gross_holdings(c_target[:, s] - e.Y[:, s], e, rule, kappa)
        cash = e.Y[:, s].copy()
        if callable(resale):  # resale(cash, D, economy, s) -> (cash, D), e.g. footnote 9's ordered market
            cash, D = resale(cash, D, e, s)
        elif resale != "none":
            out = secondary_market(cash, D, e, resale, resale_groups)
            cash, D = out.cash, out.D
        cash, D = np.ascontiguousarray(cash), np.ascontiguousarray(D)
        E_t = np.ones((G, G), dtype=np.int64)
        if not enforce_foreign:
            E_t[cross] = 0
        claims[s], target[s] = _pair_claims(D, e), E_t
        for j in (HOME, FOREIGN):
            own = np.flatnonzero(gr == j)
            W = kernel(j, cash, D, e.mass, e.region, e.group, gr, e.psi, sigma, E_t)
            bits = (np.arange(W.size)[:, None] >> np.arange(own.size * G)) & 1  # choice m, bit a * G + b
            E = np.broadcast_to(E_t, (W.size, G, G)).copy()
            E[:, own, :] = bits.reshape(W.size, own.size, G)
            T = D[None] * E[:, e.group[:, None], e.group[None, :]]
            c = cash[None] - T.sum(axis=2) / e.mass + T.sum(axis=1) / e.mass  # eq. (10), every choice
            want = E_t[own].ravel()
            m_target = int(np.sum(want << np.arange(want.size)))
            moves = np.max(np.abs(c - c[m_target]), axis=1) > CONSUMPTION_FLOOR
            W_target[j, s] = W[m_target]
            margin[j, s] = W[m_target] - W[moves].max() if moves.any() else np.inf
    return EnforcementMargins(margin, W_target, claims, target)


def margin_tolerance(error, safety=10.0):
    """Tolerance of a margin check from a measured numerical error: ``safety`` times the error, rounded up
    to a power of ten (never below ten machine epsilons). The error is measured by recomputing the margin
    another way (another first-best solver, the enumeration's NumPy twin) and taking the largest gap."""
    err = max(float(error), np.finfo(float).eps)
    return float(10.0 ** np.ceil(np.log10(safety * err)))


def margin_error(claim, *args, known=None, **kwargs):
    """Measured numerical error of a margin claim function (:func:`r1_enforcement_margin` to
    :func:`r4_enforcement_margin`) at the given arguments: the largest gap between its margins and the
    same margins recomputed with the Negishi solver for the first best (an independent algorithm,
    budget tolerance 1e-12) and with the NumPy twin of the enumeration kernel. ``known``: the claim's
    margins at these arguments if the caller has them already (saves one solve)."""
    m = claim(*args, **kwargs) if known is None else np.asarray(known, dtype=float)
    others = (claim(*args, **{**kwargs, "first_best": "negishi"}), claim(*args, **{**kwargs, "twin": True}))
    if any(o.shape != m.shape for o in others):
        raise RuntimeError("margin_error: the recomputations disagree on where governments have a choice")
    return float(max(np.max(np.abs(o - m)) for o in others))


def _decided(em):
    """The finite margins of an :class:`EnforcementMargins`, as a flat array: one per (government,
    state) in which some choice moves somebody's consumption (where there is something to decide)."""
    return em.margin[np.isfinite(em.margin)]


def r1_enforcement_margin(economy, sigma, holdings="autarky", rule="regional_netting", first_best="closed_form",
                          twin=False):
    r"""R1 (§1.2, Steps 1 and 3 of the proof): the governments' strict margin for enforcing every
    domestic claim and no claim on foreigners, without secondary markets, in every state.

    ``holdings="autarky"``: the claims that implement the within-region equilibrium (regional complete
    markets, eqs. 8-9 under symmetry; only domestic claims); ``"first_best"``: the R0 portfolios held to
    enforcement (domestic and cross-border claims). ``first_best`` names the solver of these
    allocations (``"closed_form"`` or ``"negishi"``, region by region for the autarky holdings). Returns
    the margins of :func:`enforcement_margins` where a government has something to decide (a flat
    array). R1 asserts they are positive; the argument (Step 3) uses the within-region symmetry of §1,
    under which debtors are the richer residents, and can fail without it (poor and rich residents
    enforced as separate groups, §2.1.1).
    """
    if first_best not in ("closed_form", "negishi"):
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    if holdings == "autarky":
        c = regional_complete_markets(economy, sigma, first_best).c
    elif holdings == "first_best":
        c = (complete_markets if first_best == "closed_form" else complete_markets_negishi)(economy, sigma).c
    else:
        raise ValueError(f"holdings must be 'autarky' or 'first_best', got {holdings!r}")
    return _decided(enforcement_margins(economy, sigma, c, rule, 1.0, "none", enforce_foreign=False, twin=twin))


def r2_enforcement_margin(economy, sigma, rule="regional_netting", kappa=1.0, resale="issuer_region",
                          first_best="closed_form", twin=False):
    r"""R2 (§1.3, Step 5 of the proof; eqs. 13-15): after the secondary market, the governments' strict
    margin for enforcing every outstanding claim, in every state, at the first-best portfolios.

    The primary portfolios are those of R0 (``first_best``: the CRRA closed form, or the Negishi
    solver :func:`complete_markets_negishi`), spread by ``rule``/``kappa``; ``resale`` is the secondary
    market's outcome (``"issuer_region"``, eqs. 13-14: foreign-held paper bought by the issuer's
    compatriots). Returns the margins of :func:`enforcement_margins` where a government has something to
    decide (a flat array). R2 asserts they are positive: then full enforcement is chosen, the budget is
    the commitment budget and the allocation is c*. With the wrong buyers (``"world"``) or no secondary
    market (``"none"``) claims on foreigners remain, and the margin is negative.
    """
    if first_best == "closed_form":
        c = complete_markets(economy, sigma).c
    elif first_best == "negishi":
        c = complete_markets_negishi(economy, sigma).c
    else:
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    return _decided(enforcement_margins(economy, sigma, c, rule, kappa, resale, enforce_foreign=True, twin=twin))


def r3_enforcement_margin(economy, sigma, resale="issuer_group", rule="world_pool", first_best="closed_form",
                          twin=False):
    r"""R3 (§2.1.1): with poorer and richer residents enforced as separate groups, the governments'
    strict margin for enforcing every outstanding claim after the secondary market, at the first-best
    portfolios (spread by ``rule``; ``first_best`` the solver, as in :func:`r2_enforcement_margin`).

    ``resale="issuer_group"`` is the proof's outcome: every group's paper is held inside the group.
    Returns the margins of :func:`enforcement_margins` where a government has something to decide (a
    flat array); R3 asserts they are positive. Without a secondary market (``"none"``), or when paper is
    resold only into the issuer's region (``"issuer_region"``, the wrong buyers), poor-to-rich claims
    can remain at enforcement and be refused.
    """
    if first_best not in ("closed_form", "negishi"):
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    c = (complete_markets if first_best == "closed_form" else complete_markets_negishi)(economy, sigma).c
    return _decided(enforcement_margins(economy, sigma, c, rule, 1.0, resale, enforce_foreign=True, twin=twin))


def r4_enforcement_margin(economy, sigma, resale="issuer_group", rule="world_pool", first_best="closed_form",
                          twin=False):
    r"""R4 (§2.1.2): with unequal government weights :math:`\psi` (friends and others enforced as separate
    groups), the governments' strict margin for enforcing every outstanding claim after the secondary
    market, at the first-best portfolios. The same computation as :func:`r3_enforcement_margin`; R4
    asserts the margins are positive when every group's paper is held inside the group
    (``"issuer_group"``), so that nobody holds paper of someone the government likes more.
    """
    return r3_enforcement_margin(economy, sigma, resale, rule, first_best, twin)


