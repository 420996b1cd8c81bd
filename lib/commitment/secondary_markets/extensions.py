r"""Extensions (page ``extensions``): uncertainty about government preferences (R5, footnote 12) and
enforcement partitions (R7, footnote 8).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from commitment.secondary_markets.economies import FOREIGN, HOME, _check_sigma, friends_economy, make_economy
from commitment.secondary_markets.enforcement import (_decided, _full_domestic, enforcement_margins, enumerate_enforcement,
                                                      nash_enforcement)
from commitment.secondary_markets.first_best import complete_markets, complete_markets_negishi
from commitment.secondary_markets.resale import gross_holdings, secondary_market

__all__ = [
    "political_uncertainty", "set_partitions", "enforcement_under_partitions", "with_enforcement_groups",
    "r7_enforcement_margin", "is_finer", "footnote_8_enforcement_margin", "r5_enforcement_margin",
    "footnote_12_enforcement_margin", "ordered_resale", "ordered_resale_numpy", "footnote_9_enforcement_margin",
    "footnote_11_enforcement_margin",
]


# ----------------------------------------------------------------------------------------- R5, footnote 12


def political_uncertainty(profiles=((0, 1), (0, 2)), sigma=2.0, psi_friend=1.5, e=0.3, v=0.2, contingent=True):
    r"""R5 (§2.2) and footnote 12 in the economy of :func:`friends_economy` (ours).

    The government's preference profile :math:`\theta` (which two Home types are its friends) is
    revealed only at enforcement. With :math:`\theta`-contingent claims (``contingent=True``) the
    post-market holdings in :math:`(s,\theta)` are the within-group holdings for the groups of
    :math:`\theta`; without contingency, the holdings are those built for the first profile and must
    serve every :math:`\theta`. Returns ``(full[t, s], max |c - c*|)``: whether all domestic payments are
    enforced in each :math:`(\theta, s)`, and the largest deviation from the first best.
    """
    sigma = _check_sigma(sigma)
    econs = [friends_economy(psi_friend, e, v, friends=f) for f in profiles]
    cm = complete_markets(econs[0], sigma)  # the first best does not depend on government preferences
    S = econs[0].n_states
    full = np.zeros((len(econs), S), dtype=bool)
    dev = 0.0
    for t, econ_t in enumerate(econs):
        holder = econ_t if contingent else econs[0]
        for s in range(S):
            D = gross_holdings(cm.c[:, s] - econ_t.Y[:, s], holder, "world_pool")
            out = secondary_market(econ_t.Y[:, s].copy(), D, holder, "issuer_group")
            ne = nash_enforcement(out.cash, out.D, econ_t, sigma)
            full[t, s] = _full_domestic(ne.E, econ_t, out.D)
            dev = max(dev, float(np.max(np.abs(ne.c - cm.c[:, s]))))
    return full, dev


def _profile_margins(profiles, sigma, psi_friend, e, v, contingent, first_best, twin):
    """Margins of :func:`enforcement_margins` in every (theta, s): the government of profile theta (its
    friends' group and weights) after within-group resale into the groups of theta (``contingent``) or of
    the first profile (holdings that cannot depend on theta)."""
    if first_best not in ("closed_form", "negishi"):
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    econs = [friends_economy(psi_friend, e, v, friends=f) for f in profiles]
    c = (complete_markets if first_best == "closed_form" else complete_markets_negishi)(econs[0], sigma).c
    out = []
    for econ_t in econs:
        holder = econ_t if contingent else econs[0]
        out.append(_decided(enforcement_margins(econ_t, sigma, c, "world_pool", 1.0, "issuer_group", True, twin,
                                                resale_groups=holder.group)))
    return np.concatenate(out)


def r5_enforcement_margin(sigma=2.0, profiles=((0, 1), (0, 2)), psi_friend=1.5, e=0.3, v=0.2, contingent=True,
                          first_best="closed_form", twin=False):
    r"""R5(b) (§2.2) in the economy of :func:`friends_economy` (ours): the government's profile
    :math:`\theta` (which two Home types are its friends) is revealed only at enforcement. After the
    secondary market of state s, the holdings are the within-group holdings for the groups of
    :math:`\theta` when claims are :math:`\theta`-contingent (``contingent=True``), and those of the first
    profile otherwise. Returns the governments' strict margins for enforcing every claim in every
    :math:`(\theta, s)` where they have something to decide (see :func:`enforcement_margins`); R5(b)
    asserts they are positive with contingent claims. Non-contingent holdings fail when the profiles cut
    across each other's groups (the default profiles)."""
    return _profile_margins(profiles, sigma, psi_friend, e, v, contingent, first_best, twin)


def footnote_12_enforcement_margin(sigma=2.0, profiles=((0, 1), (2, 3)), psi_friend=1.5, e=0.3, v=0.2,
                                   contingent=False, first_best="closed_form", twin=False):
    r"""Footnote 12 (§3.3): if friendship is decided by predetermined groups (every profile makes a whole
    group friends, as the default profiles {1, 2} against {3, 4}), within-group holdings that are *not*
    :math:`\theta`-contingent already give full enforcement in every :math:`(\theta, s)`. The computation
    of :func:`r5_enforcement_margin` with ``contingent=False``; footnote 12 asserts positive margins. If the
    profiles cut across the groups (friends {1, 2} or {1, 3}), statuses are not group-wise and some
    margins are negative."""
    return _profile_margins(profiles, sigma, psi_friend, e, v, contingent, first_best, twin)


# ----------------------------------------------------------------------------------------- R7, footnote 8


def set_partitions(items):
    """All partitions of a list into non-empty blocks (Bell-number many)."""
    items = list(items)
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1:]
        yield [[first]] + part


def enforcement_under_partitions(cash, D, mass, region, psi, sigma, partitions, tol=1e-12):
    """Home's optimal enforcement when its residents are grouped by each partition in ``partitions``
    (lists of blocks of Home type indices; Foreign types form one group). Returns a list of
    ``(full_is_optimal, W_full, W_best)``, one per partition (§3.1, footnotes 8 and 10)."""
    region = np.asarray(region, dtype=np.int64)
    K = region.size
    out = []
    for part in partitions:
        group = np.empty(K, dtype=np.int64)
        for gi, block in enumerate(part):
            group[list(block)] = gi
        group[region == FOREIGN] = len(part)
        gr = np.array([HOME] * len(part) + [FOREIGN], dtype=np.int64)
        G = gr.size
        W = enumerate_enforcement(HOME, cash, D, mass, region, group, gr, psi, sigma, np.ones((G, G), dtype=np.int64))
        Wmax = W.max()
        W_full = W[-1]
        out.append((bool(W_full >= Wmax - tol * (1 + abs(Wmax))), float(W_full), float(Wmax)))
    return out




def with_enforcement_groups(economy, enforcement_groups):
    """The same economy with the enforcement partition :math:`G^H_E, G^F_E` of §3.1: ``enforcement_groups[k]``
    is type k's enforcement group (consecutive ids, each group inside one region; validated by
    :func:`make_economy`). Endowments, masses and weights are unchanged."""
    e = economy
    return make_economy(e.y0, e.Y, e.pi, e.mass, e.region, group=enforcement_groups, psi=e.psi, labels=e.labels,
                        state_labels=e.state_labels)


R7_RESALE = ("endowment_group", "enforcement_group", "issuer_region", "none")


def r7_enforcement_margin(economy, sigma, enforcement_groups, resale="endowment_group", rule="world_pool",
                          first_best="closed_form", twin=False):
    r"""R7(b) (§3.1): with an enforcement partition that need not coincide with the groups of §2, the
    governments' strict margin for enforcing every outstanding claim after the secondary market, at the
    first-best portfolios (spread by ``rule``; ``first_best`` the solver, as in
    :func:`r2_enforcement_margin`).

    ``economy.group`` are the endowment/weight groups :math:`G^H, G^F` of §2 (agents alike in endowment
    process and government weight); ``enforcement_groups`` the enforcement partition
    :math:`G^H_E, G^F_E`, finer, coarser or cutting across them. ``resale="endowment_group"`` is the
    draft's construction: every agent sells the paper of other *endowment* groups and buys that of his
    own ("groups are those of partitions G^H and G^F, not of enforcement partitions"). The alternatives
    are resale into the issuer's enforcement group (``"enforcement_group"``, a rule the draft does not
    use), into the issuer's region (``"issuer_region"``) or no resale (``"none"``). Returns the margins of
    :func:`enforcement_margins` where a government has something to decide (a flat array); R7(b)
    asserts they are positive under the draft's construction. Nothing imposes it: a deviation moves
    consumption only between members of one endowment group, who are equal at the first best, so full
    enforcement is strictly best by concavity -- if the groups are homogeneous, which is what can fail.
    """
    if resale not in R7_RESALE:
        raise ValueError(f"resale must be one of {R7_RESALE}, got {resale!r}")
    if first_best not in ("closed_form", "negishi"):
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    c = (complete_markets if first_best == "closed_form" else complete_markets_negishi)(economy, sigma).c
    econ_E = with_enforcement_groups(economy, enforcement_groups)
    outcome = {"endowment_group": "issuer_group", "enforcement_group": "issuer_group"}.get(resale, resale)
    groups = economy.group if resale == "endowment_group" else None
    return _decided(enforcement_margins(econ_E, sigma, c, rule, 1.0, outcome, enforce_foreign=True, twin=twin,
                                        resale_groups=groups))


def is_finer(enforcement_groups, groups):
    """True if every enforcement group lies inside one group of ``groups`` (a refinement, or equal)."""
    enforcement_groups, groups = np.asarray(enforcement_groups), np.asarray(groups)
    return all(len(set(groups[enforcement_groups == a].tolist())) == 1 for a in set(enforcement_groups.tolist()))


def footnote_8_enforcement_margin(economy, sigma, enforcement_groups, rule="world_pool", first_best="closed_form",
                                  twin=False):
    r"""Footnote 8 (§2.1.1), its second sentence: enforcement *finer* than the groups of §2 "makes no
    difference" -- after resale into the endowment/weight groups ``economy.group``, the governments'
    strict margin for enforcing every claim under the finer partition ``enforcement_groups``.

    The computation of :func:`r7_enforcement_margin` restricted to refinements: raises ``ValueError``
    if some enforcement group straddles two groups of ``economy.group``. (The first sentence, finer ->
    coarser, is R7(a), a subset argument.) Footnote 8 asserts the margins are positive; they are not if
    the groups of ``economy.group`` mix agents with different endowments or weights.
    """
    if not is_finer(enforcement_groups, economy.group):
        raise ValueError("enforcement_groups must refine the economy's groups (footnote 8 is about finer "
                         "enforcement); use r7_enforcement_margin for coarser or cross-cutting partitions")
    return r7_enforcement_margin(economy, sigma, enforcement_groups, "endowment_group", rule, first_best, twin)


# ----------------------------------------------------------------------------------------- footnotes 9 and 11


def ordered_resale(cash, D, economy, key, twin=False):
    r"""Footnotes 9 and 11 (§2.1): the secondary-market outcome in which groups buy in order (ours as code).

    Paper held abroad first comes home as in R2 (:func:`secondary_market`, ``"issuer_region"``). Then, in
    each region, every resident sells the region's paper at face value, and the groups buy it back in
    increasing order of ``key[g]`` (footnote 9: poorest first, ``key`` = consumption; footnote 11: the
    least liked last, ``key`` = minus the government's weight): a group spends its resources on the paper
    of its own members, then on that of the next group in the order, and so on, so that no group holds
    paper of a group earlier in the order (groups with equal keys in increasing order of their ids).
    Returns ``(cash, D)`` after the market; raises ``RuntimeError`` if the buyers' resources do not cover
    the paper.

    The ordered market runs in a compiled kernel; ``twin=True`` runs its plain NumPy twin instead
    (:func:`ordered_resale_numpy`: the loop over NumPy arrays that preceded the kernel, whose ties between
    group ids from 8 up followed the hash order of a set; the chapter's economies have fewer groups);
    ``tests/test_secondary_markets_twins.py`` checks that the two agree.
    """
    e = economy
    out = secondary_market(cash, D, e, "issuer_region")
    cash, D = out.cash.copy(), out.D.copy()
    key = np.asarray(key, dtype=float)
    if key.shape != (e.n_groups,):
        raise ValueError(f"key must have one entry per enforcement group ({e.n_groups}), got shape {key.shape}")
    if twin:
        left = _ordered_market_numpy(cash, D, e, key)
    else:
        cash, D = np.ascontiguousarray(cash, dtype=float), np.ascontiguousarray(D, dtype=float)
        left = _ordered_market(cash, D, e.mass, e.region, e.group, key)
    for j in (HOME, FOREIGN):
        if left[j] > 1e-12:
            raise RuntimeError(f"ordered_resale: buyers cannot pay for {left[j]:.3g} of region {j}'s paper")
    return cash, D


def ordered_resale_numpy(cash, D, economy, key):
    """:func:`ordered_resale` with the ordered market in plain NumPy (its twin: the code that preceded the
    kernel)."""
    return ordered_resale(cash, D, economy, key, twin=True)


@njit(cache=True)
def _ordered_market(cash, D, mass, region, group, key):
    """The ordered market of :func:`ordered_resale` after R2's resale, in place on ``cash`` and ``D``: the
    same steps as :func:`_ordered_market_numpy`, in loops. Returns the face value left unsold per region."""
    K = cash.size
    left = np.zeros(2)
    for j in range(2):
        types = np.empty(K, np.int64)
        m = 0
        for k in range(K):
            if region[k] == j:
                types[m] = k
                m += 1
        types = types[:m]
        pool = np.zeros(m)  # face value issued by each type of region j, all for sale
        for b in range(m):  # every holder sells at face value 1
            sold = 0.0
            for a in range(m):
                sold += D[types[a], types[b]]
                pool[a] += D[types[a], types[b]]
            cash[types[b]] += sold / mass[types[b]]
        for a in range(m):
            for b in range(m):
                D[types[a], types[b]] = 0.0
        # the region's groups, ascending, then stably sorted by key (as Python's sorted on the set of ids)
        gids = np.unique(group[types])
        for i in range(1, gids.size):  # insertion sort: stable
            g = gids[i]
            p = i - 1
            while p >= 0 and key[gids[p]] > key[g]:
                gids[p + 1] = gids[p]
                p -= 1
            gids[p + 1] = g
        for pos in range(gids.size):
            b = gids[pos]
            for q in range(pos, gids.size):
                g = gids[q]
                R = 0.0
                for k in types:
                    if group[k] == b:
                        R += mass[k] * cash[k]
                P = 0.0
                for i in range(m):
                    if group[types[i]] == g:
                        P += pool[i]
                x = min(P, R)
                if x <= 0:
                    continue
                for i in range(m):  # buyers pay in proportion to their resources
                    if group[types[i]] == g:
                        for k in types:
                            if group[k] == b:
                                D[types[i], k] += x * pool[i] / P * (mass[k] * cash[k] / R)
                for k in types:
                    if group[k] == b:
                        cash[k] -= x * (mass[k] * cash[k] / R) / mass[k]
                for i in range(m):
                    if group[types[i]] == g:
                        pool[i] -= x * pool[i] / P
        left[j] = pool.sum()
    return left


def _ordered_market_numpy(cash, D, economy, key):
    """The ordered market of :func:`ordered_resale` in plain NumPy, in place; the face value left unsold
    per region."""
    e = economy
    left = np.zeros(2)
    for j in (HOME, FOREIGN):
        types = np.flatnonzero(e.region == j)
        sub = np.ix_(types, types)
        cash[types] += D[sub].sum(axis=0) / e.mass[types]  # every holder sells at face value 1
        pool = D[sub].sum(axis=1)  # face value issued by each type of region j, all for sale
        D[sub] = 0.0
        # by key, ties by group id (sorting the set itself would break ties in hash order, which is not
        # the id order for ids >= 8)
        groups = sorted(sorted({int(e.group[k]) for k in types}), key=lambda g: key[g])
        for pos, b in enumerate(groups):
            buyers = types[e.group[types] == b]
            for g in groups[pos:]:
                issuers = np.flatnonzero(e.group[types] == g)
                R = float(e.mass[buyers] @ cash[buyers])
                P = float(pool[issuers].sum())
                x = min(P, R)
                if x <= 0:
                    continue
                w = e.mass[buyers] * cash[buyers] / R  # buyers pay in proportion to their resources
                for i in issuers:
                    D[types[i], buyers] += x * pool[i] / P * w
                cash[buyers] -= x * w / e.mass[buyers]
                pool[issuers] -= x * pool[issuers] / P
        left[j] = pool.sum()
    return left


def _group_means(economy, c_s):
    """Mass-weighted mean of ``c_s`` over each enforcement group."""
    e = economy
    return np.array([e.mass[e.group == g] @ c_s[e.group == g] / e.mass[e.group == g].sum()
                     for g in range(e.n_groups)])


def _ordered_margins(economy, sigma, key_of_state, rule, first_best, twin):
    if first_best not in ("closed_form", "negishi"):
        raise ValueError(f"first_best must be 'closed_form' or 'negishi', got {first_best!r}")
    c = (complete_markets if first_best == "closed_form" else complete_markets_negishi)(economy, sigma).c
    resale = lambda cash, D, e, s: ordered_resale(cash, D, e, key_of_state(c, s), twin)  # noqa: E731
    return _decided(enforcement_margins(economy, sigma, c, rule, 1.0, resale, enforce_foreign=True, twin=twin))


def footnote_9_enforcement_margin(economy, sigma, order="poorest_first", rule="world_pool", first_best="closed_form",
                                  twin=False):
    r"""Footnote 9 (§2.1.1): the alternative secondary-market outcome in which the poorest group buys first
    (its own members' paper, then the next poorest group's, and so on; :func:`ordered_resale`, with groups
    ranked by first-best consumption in the state), so that only payments from richer to poorer residents
    remain. Returns the governments' strict margins for enforcing every claim, in every state where they
    have something to decide (as :func:`r3_enforcement_margin`); footnote 9 asserts they are positive.
    ``order="richest_first"`` reverses the order (not the footnote's outcome): the rich then hold the
    poor's paper, and the government refuses some poor-to-rich payment."""
    if order not in ("poorest_first", "richest_first"):
        raise ValueError(f"order must be 'poorest_first' or 'richest_first', got {order!r}")
    sign = 1.0 if order == "poorest_first" else -1.0
    return _ordered_margins(economy, sigma, lambda c, s: sign * _group_means(economy, c[:, s]), rule, first_best,
                            twin)


def footnote_11_enforcement_margin(economy, sigma, order="liked_first", rule="world_pool", first_best="closed_form",
                                   twin=False):
    r"""Footnote 11 (§2.1.2): the outcome in which the groups the government likes more buy the paper of
    the groups it likes less (:func:`ordered_resale`, groups ranked by decreasing weight :math:`\psi`), so
    that payments go from less to more liked residents. Returns the governments' strict margins for
    enforcing every claim (as :func:`r4_enforcement_margin`); footnote 11 asserts they are positive.
    ``order="disliked_first"`` reverses the order: the disliked then hold the friends' paper."""
    if order not in ("liked_first", "disliked_first"):
        raise ValueError(f"order must be 'liked_first' or 'disliked_first', got {order!r}")
    sign = -1.0 if order == "liked_first" else 1.0
    return _ordered_margins(economy, sigma, lambda c, s: sign * _group_means(economy, economy.psi), rule,
                            first_best, twin)
