r"""Sovereign risk and secondary markets (Broner, Martin and Ventura, early draft; AER 2010).

Two regions (Home ``H = 0``, Foreign ``F = 1``), a continuum of agents grouped into *types* of positive
mass, two periods (youth, old age), an old-age state :math:`s \in S` with probability :math:`\pi_s`,
and a complete set of Arrow securities. Governments cannot commit: after the state is known they
choose which payments to enforce, pair of enforcement groups by pair of enforcement groups, to
maximise the (weighted) average utility of their residents.

The module computes, for an :class:`Economy`:

- the commitment benchmark (R0): :func:`complete_markets` (CRRA closed form) and
  :func:`complete_markets_negishi` (a generic Negishi solver used as a cross-check);
- no commitment without secondary markets (R1): :func:`regional_autarky`, eqs. (8)-(9);
- the secondary-market pipeline (R2): gross holdings (:func:`gross_holdings`) -> secondary market at
  face value (:func:`secondary_market`) -> each government's optimal enforcement, found by enumerating
  all its choices (:func:`enumerate_enforcement`, a numba kernel) -> final consumption
  (:func:`secondary_market_equilibrium`);
- the welfare gain of secondary markets (:func:`welfare_gain`);
- the paper's extensions and limits: partial secondary markets (R9), a bond-only primary market (R8),
  enforcement risk with friends and foes (R10, :func:`friends_foes_equilibrium`), the footnote-13
  "defaulter" variant, a monopoly issuer (R11), short-run commitment (R12).

The numba kernels have plain NumPy twins running the same algorithms, used by the tests and the
benchmark: :func:`enumerate_enforcement_numpy` (the governments' enumeration),
:func:`negishi_allocation_numpy` (the planner allocation behind :func:`complete_markets_negishi`) and
:func:`bond_excess_numpy` (the bond-only market of R8); the friends-and-foes price is checked against the
notes' closed-form quadratic.

Result labels R0-R13 are the book's (the draft numbers no result); equation numbers are the draft's.
Everything marked *ours* in a docstring is a parametric illustration built for the book, consistent with
the paper's assumptions but not stated in it.

Utility is CRRA *without* the ``-1`` normalisation, :math:`u(c) = c^{1-\sigma}/(1-\sigma)` (log at
:math:`\sigma = 1`), so that consumption-equivalent gains have the simple power form; it differs from
:func:`commitment.utility.crra_kernel` by a constant, which changes no choice.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
from numba import njit


__all__ = [
    "Economy",
    "make_economy",
    "mirror_economy",
    "redistribution_economy",
    "friends_economy",
    "check_within_region_symmetry",
    "complete_markets",
    "complete_markets_negishi",
    "negishi_allocation_numpy",
    "regional_autarky",
    "regional_complete_markets",
    "gross_holdings",
    "secondary_market",
    "secondary_market_clearing",
    "secondary_market_demand",
    "consumption_given_enforcement",
    "enumerate_enforcement",
    "enumerate_enforcement_numpy",
    "enumerate_enforcement_states",
    "enumerate_enforcement_states_numpy",
    "best_response",
    "nash_enforcement",
    "enforcement_at_target",
    "secondary_market_equilibrium",
    "enforcement_margins",
    "r1_enforcement_margin",
    "r2_enforcement_margin",
    "r3_enforcement_margin",
    "r4_enforcement_margin",
    "margin_tolerance",
    "margin_error",
    "regional_welfare",
    "ce_gain",
    "welfare_gain",
    "power_mean",
    "mirror_gain_closed_form",
    "partial_secondary_markets",
    "bond_only_equilibrium",
    "bond_excess_numpy",
    "friends_foes_equilibrium",
    "friends_foes_demand",
    "friends_foes_sm_price",
    "defaulter_equilibrium",
    "monopoly_issuer",
    "short_run_gap",
    "short_run_boundary",
    "political_uncertainty",
    "set_partitions",
    "enforcement_under_partitions",
    "u_raw",
    "individual_enforcement_example",
    "HOME",
    "FOREIGN",
]

HOME, FOREIGN = 0, 1


def brentq(f, a, b, args=(), **kw):
    """scipy.optimize.brentq, imported on first use (keeps the module's import light)."""
    from scipy.optimize import brentq as _brentq

    return _brentq(f, a, b, args, **kw)
_REGION_NAMES = ("Home", "Foreign")


# ----------------------------------------------------------------------------------------- utility


@njit(cache=True)
def u_raw(c, sigma):
    """CRRA utility c**(1-sigma)/(1-sigma) without the -1 normalisation; log c at sigma == 1."""
    if abs(sigma - 1.0) < 1e-12:
        return np.log(c)
    return c ** (1.0 - sigma) / (1.0 - sigma)


def _u(c, sigma):
    c = np.asarray(c, dtype=float)
    if abs(sigma - 1.0) < 1e-12:
        return np.log(c)
    return c ** (1.0 - sigma) / (1.0 - sigma)


def _check_sigma(sigma):
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma > 0.0):
        raise ValueError(f"sigma (relative risk aversion) must be finite and > 0, got {sigma!r}")
    return sigma


# ----------------------------------------------------------------------------------------- economies


class Economy(NamedTuple):
    """An endowment economy of the paper's §1 with finitely many types of positive mass.

    ``y0[k]`` and ``Y[k, s]`` are per-capita endowments of type ``k`` in youth and in old-age state ``s``;
    ``mass[k] > 0`` (each region has mass 1 in the paper's examples); ``region[k]`` is 0 (Home) or 1
    (Foreign); ``group[k]`` is the enforcement group (global ids 0..G-1, each inside one region);
    ``psi[k]`` is the government's weight on type ``k`` (§2.1.2; mass-weighted mean 1 in each region).
    """

    y0: np.ndarray
    Y: np.ndarray
    pi: np.ndarray
    mass: np.ndarray
    region: np.ndarray
    group: np.ndarray
    psi: np.ndarray
    labels: tuple
    state_labels: tuple

    @property
    def n_types(self):
        return self.y0.size

    @property
    def n_states(self):
        return self.pi.size

    @property
    def n_groups(self):
        return int(self.group.max()) + 1

    @property
    def group_region(self):
        gr = np.empty(self.n_groups, dtype=np.int64)
        for k in range(self.n_types):
            gr[self.group[k]] = self.region[k]
        return gr


def make_economy(y0, Y, pi, mass, region, group=None, psi=None, labels=None, state_labels=None):
    """Validating factory for :class:`Economy` (see its docstring for the fields).

    ``group`` defaults to one enforcement group per region (the paper's baseline); ``psi`` to equal
    weights. Raises ``ValueError`` naming the offending argument.
    """
    y0 = np.asarray(y0, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    pi = np.asarray(pi, dtype=float)
    mass = np.asarray(mass, dtype=float)
    region = np.asarray(region, dtype=np.int64)
    K = y0.size
    if Y.shape != (K, pi.size):
        raise ValueError(f"Y must have shape (types, states) = ({K}, {pi.size}), got {Y.shape}")
    if mass.shape != (K,) or region.shape != (K,):
        raise ValueError("mass and region must have one entry per type")
    if not (np.all(y0 > 0) and np.all(Y > 0)):
        raise ValueError("endowments y0 and Y must be > 0 (the paper assumes strictly positive endowments)")
    if not (np.all(pi > 0) and abs(pi.sum() - 1.0) < 1e-12):
        raise ValueError("pi (state probabilities) must be > 0 and sum to 1")
    if not np.all(mass > 0):
        raise ValueError("mass must be > 0 for every type (groups have positive mass)")
    if not set(region.tolist()) == {HOME, FOREIGN}:
        raise ValueError("region must contain both 0 (Home) and 1 (Foreign), and nothing else")
    if group is None:
        group = region.copy()
    group = np.asarray(group, dtype=np.int64)
    if group.shape != (K,) or group.min() < 0 or set(group.tolist()) != set(range(group.max() + 1)):
        raise ValueError("group must label types with consecutive enforcement-group ids 0..G-1")
    for gid in range(group.max() + 1):
        if len(set(region[group == gid].tolist())) != 1:
            raise ValueError(f"enforcement group {gid} spans both regions (a group lies in one region)")
    if psi is None:
        psi = np.ones(K)
    psi = np.asarray(psi, dtype=float).copy()
    if psi.shape != (K,) or not np.all(psi >= 0):
        raise ValueError("psi (government weights) must be >= 0, one per type")
    for j in (HOME, FOREIGN):
        m = region == j
        tot = np.sum(mass[m] * psi[m])
        if tot <= 0:
            raise ValueError(f"psi must put positive weight on {_REGION_NAMES[j]}")
        psi[m] *= mass[m].sum() / tot
    labels = tuple(labels) if labels is not None else tuple(f"type {k}" for k in range(K))
    state_labels = tuple(state_labels) if state_labels is not None else tuple(str(s) for s in range(pi.size))
    arrays = [y0, Y, pi, mass, region, group, psi]
    for a in arrays:
        a.setflags(write=False)
    return Economy(*arrays, labels, state_labels)


def mirror_economy(g=0.1, v=0.2, e=0.3, a=0.0):
    r"""The mirror-symmetric four-type economy (ours; the draft has no numerical example).

    Types H-A, H-B, F-A, F-B of mass 1/2. Youth endowments :math:`1+g` (Home) and :math:`1-g`
    (Foreign). Old-age states :math:`s=(z,\iota_H,\iota_F)\in\{\pm1\}^3`, plus world risk
    :math:`w=\pm1` when ``a > 0``, all equally likely. Regional means
    :math:`Y_H=(1-g+vz)(1+aw)`, :math:`Y_F=(1+g-vz)(1+aw)`; type A has :math:`Y_j(1+e\iota_j)`, type B
    :math:`Y_j(1-e\iota_j)`. With ``a = 0`` the world endowment is 2 in every date and state, so the
    first best gives everybody 1 (footnote 5).
    """
    g, v, e, a = float(g), float(v), float(e), float(a)
    if not np.isfinite([g, v, e, a]).all():
        raise ValueError("g, v, e, a must be finite")
    if v < 0:
        raise ValueError(f"v (regional volatility) must be >= 0, got {v}")
    if not 1.0 - abs(g) - v > 0:
        raise ValueError(f"g and v must satisfy 1 - |g| - v > 0 (positive regional endowments), got g={g}, v={v}")
    if not 0.0 <= e < 1.0:
        raise ValueError(f"e (idiosyncratic dispersion) must satisfy 0 <= e < 1, got {e}")
    if not 0.0 <= a < 1.0:
        raise ValueError(f"a (world risk) must satisfy a >= 0 (and a < 1 for positive endowments), got {a}")
    ws = (1.0, -1.0) if a > 0 else (0.0,)
    states = [(z, ih, if_, w) for w in ws for z in (1, -1) for ih in (1, -1) for if_ in (1, -1)]
    S = len(states)
    Y = np.empty((4, S))
    labels_s = []
    for s, (z, ih, if_, w) in enumerate(states):
        YH = (1 - g + v * z) * (1 + a * w)
        YF = (1 + g - v * z) * (1 + a * w)
        Y[:, s] = (YH * (1 + e * ih), YH * (1 - e * ih), YF * (1 + e * if_), YF * (1 - e * if_))
        labels_s.append(f"z={z:+d},iH={ih:+d},iF={if_:+d}" + (f",w={int(w):+d}" if a > 0 else ""))
    return make_economy(
        y0=[1 + g, 1 + g, 1 - g, 1 - g], Y=Y, pi=np.full(S, 1.0 / S), mass=[0.5] * 4, region=[0, 0, 1, 1],
        labels=("H-A", "H-B", "F-A", "F-B"), state_labels=labels_s,
    )


def redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3):
    r"""Six-type economy for the preference for redistribution, §2.1.1 (ours).

    Home: rich-A, rich-B, poor-A, poor-B (mass 1/4 each), with a permanent component
    :math:`\varepsilon=\pm r`; Foreign: A, B (mass 1/2). States
    :math:`(z, a, \iota_R, \iota_P, \iota_F)\in\{\pm1\}^5`, equally likely; regional means
    :math:`Y_H=(1+\text{agg}\,a)(1+vz)`, :math:`Y_F=(1+\text{agg}\,a)(1-vz)`. Enforcement groups:
    {rich}, {poor}, {Foreign}.
    """
    r, e, v, agg = float(r), float(e), float(v), float(agg)
    if not (0 <= r < 1 and 0 <= e < 1 and 0 <= v < 1 and 0 <= agg < 1):
        raise ValueError("r, e, v, agg must each lie in [0, 1)")
    low = -r + (1 - agg) * (1 - v) * (1 - e)
    if low <= 0:
        raise ValueError(f"r too large: the poorest old-age endowment -r + (1-agg)(1-v)(1-e) = {low:.3g} must be > 0")
    states = list(itertools.product((1, -1), repeat=5))
    Y = np.empty((6, len(states)))
    for s, (z, a, iR, iP, iF) in enumerate(states):
        YH, YF = (1 + agg * a) * (1 + v * z), (1 + agg * a) * (1 - v * z)
        Y[:, s] = (r + YH * (1 + e * iR), r + YH * (1 - e * iR), -r + YH * (1 + e * iP), -r + YH * (1 - e * iP),
                   YF * (1 + e * iF), YF * (1 - e * iF))
    return make_economy(
        y0=[1 + r, 1 + r, 1 - r, 1 - r, 1, 1], Y=Y, pi=np.full(len(states), 1 / len(states)),
        mass=[0.25] * 4 + [0.5] * 2, region=[0, 0, 0, 0, 1, 1], group=[0, 0, 1, 1, 2, 2],
        labels=("H-rich-A", "H-rich-B", "H-poor-A", "H-poor-B", "F-A", "F-B"),
        state_labels=[str(st) for st in states],
    )


def friends_economy(psi_friend=1.5, e=0.3, v=0.2, g=0.0, friends=(0, 1)):
    r"""Home split into four ex-ante identical types, for §2.1.2 and §2.2 (ours).

    Home types 0..3 (mass 1/4): types 0, 1 draw :math:`Y_H(1\pm e\iota_1)`, types 2, 3 draw
    :math:`Y_H(1\pm e\iota_2)`; Foreign A, B (mass 1/2) as in :func:`mirror_economy`. The government of
    Home weights the types in ``friends`` by ``psi_friend`` and the others by ``2 - psi_friend``; the
    enforcement groups are {friends}, {others}, {Foreign}.
    """
    psi_friend = float(psi_friend)
    if not 0 <= psi_friend <= 2:
        raise ValueError(f"psi_friend must lie in [0, 2] (weights psi_friend and 2 - psi_friend), got {psi_friend}")
    friends = tuple(sorted(int(k) for k in friends))
    if len(friends) != 2 or not set(friends) <= {0, 1, 2, 3}:
        raise ValueError("friends must name two of the Home types 0..3")
    if not (0 <= e < 1 and v >= 0 and 1 - abs(g) - v > 0):
        raise ValueError("need 0 <= e < 1, v >= 0 and 1 - |g| - v > 0")
    states = list(itertools.product((1, -1), repeat=4))
    Y = np.empty((6, len(states)))
    for s, (z, i1, i2, iF) in enumerate(states):
        YH, YF = 1 - g + v * z, 1 + g - v * z
        Y[:, s] = (YH * (1 + e * i1), YH * (1 - e * i1), YH * (1 + e * i2), YH * (1 - e * i2),
                   YF * (1 + e * iF), YF * (1 - e * iF))
    psi = np.array([psi_friend if k in friends else 2 - psi_friend for k in range(4)] + [1.0, 1.0])
    group = [0 if k in friends else 1 for k in range(4)] + [2, 2]
    return make_economy(
        y0=[1 + g] * 4 + [1 - g] * 2, Y=Y, pi=np.full(len(states), 1 / len(states)), mass=[0.25] * 4 + [0.5] * 2,
        region=[0, 0, 0, 0, 1, 1], group=group, psi=psi,
        labels=("H-1", "H-2", "H-3", "H-4", "F-A", "F-B"), state_labels=[str(st) for st in states],
    )


def check_within_region_symmetry(econ, tol=1e-12):
    """The draft's ex-ante symmetry within regions (§1): every two residents of a region have the same
    youth endowment, and their old-age endowment distributions are permutations of each other across
    states with equal probability and equal regional endowment sets."""
    K, S = econ.Y.shape
    sets = [tuple(np.round(np.sort(np.concatenate([econ.Y[econ.region == j, s] for j in (0, 1)])), 12))
            for s in range(S)]
    for j in (HOME, FOREIGN):
        ks = np.flatnonzero(econ.region == j)
        if np.ptp(econ.y0[ks]) > tol:
            return False
        for k, k2 in itertools.combinations(ks, 2):
            for s in range(S):
                match = False
                for s2 in range(S):
                    if (abs(econ.pi[s2] - econ.pi[s]) < tol and sets[s2] == sets[s]
                            and abs(econ.Y[k2, s2] - econ.Y[k, s]) < tol):
                        match = True
                        break
                if not match:
                    return False
    return True


# ----------------------------------------------------------------------------------------- R0


class CompleteMarkets(NamedTuple):
    """First-best (commitment, complete markets) allocation: prices ``q[s]``, consumption ``c0[k]``,
    ``c[k, s]``, wealth shares ``theta[k]``, net Arrow positions ``x[k, s] = c - Y`` (eq. 3)."""

    q: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    theta: np.ndarray
    x: np.ndarray
    converged: bool = True
    iterations: int = 0
    residual: float = 0.0


def complete_markets(economy, sigma):
    r"""R0 (§1.2, eqs. 2-4): the competitive equilibrium with commitment, CRRA closed form (ours).

    :math:`q_s = \pi_s (C_s/C_0)^{-\sigma}`, :math:`\theta_k = (y_{k0}+\sum_s q_s y_{ks})/(C_0+\sum_s q_s C_s)`,
    :math:`c_{k0}=\theta_k C_0`, :math:`c_{ks} = \theta_k C_s`, with world totals :math:`C_0, C_s`.
    """
    sigma = _check_sigma(sigma)
    e = economy
    C0 = e.mass @ e.y0
    C = e.mass @ e.Y
    q = e.pi * (C / C0) ** (-sigma)
    theta = (e.y0 + e.Y @ q) / (C0 + q @ C)
    c0 = theta * C0
    c = np.outer(theta, C)
    return CompleteMarkets(q, c0, c, theta, c - e.Y)


@njit(cache=True)
def _state_excess(logmu, lam, mass, total, sigma):
    out = -total
    for k in range(lam.size):
        out += mass[k] * (lam[k] / np.exp(logmu)) ** (1.0 / sigma)
    return out


@njit(cache=True)
def _negishi_allocation(lam, mass, totals, sigma):
    """Planner allocation for Negishi weights lam: in each date/state (columns of ``totals``), the
    multiplier mu solves sum_k m_k (u')^{-1}(mu / lam_k) = total (root in log mu)."""
    K, T = lam.size, totals.size
    c = np.empty((K, T))
    mu = np.empty(T)
    for t in range(T):
        lo, hi = -60.0, 60.0  # excess demand falls in log mu: bisection
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if _state_excess(mid, lam, mass, totals[t], sigma) > 0.0:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-15:
                break
        lm = 0.5 * (lo + hi)
        mu[t] = np.exp(lm)
        for k in range(K):
            c[k, t] = (lam[k] / mu[t]) ** (1.0 / sigma)
    return c, mu


def negishi_allocation_numpy(lam, mass, totals, sigma):
    """Plain NumPy twin of the numba kernel ``_negishi_allocation``: the same bisection in log mu,
    run for all dates and states at once (vectorised over the columns of ``totals``)."""
    lam, mass, totals = (np.asarray(a, dtype=float) for a in (lam, mass, totals))
    lo, hi = np.full(totals.size, -60.0), np.full(totals.size, 60.0)
    done = np.zeros(totals.size, dtype=bool)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        excess = mass @ (lam[:, None] / np.exp(mid)[None, :]) ** (1.0 / sigma) - totals
        up = excess > 0.0
        lo = np.where(done, lo, np.where(up, mid, lo))
        hi = np.where(done, hi, np.where(up, hi, mid))
        done |= hi - lo < 1e-15  # the kernel's stopping rule, column by column
        if done.all():
            break
    mu = np.exp(0.5 * (lo + hi))
    return (lam[:, None] / mu[None, :]) ** (1.0 / sigma), mu


def complete_markets_negishi(economy, sigma, tol=1e-12, maxit=100):
    """R0 by a generic method: Newton on the Negishi weights until every budget (2)-(3) balances.

    For given weights the planner's allocation is found state by state by root finding (it does not
    use the CRRA aggregation formula); prices are the multipliers' ratios, q_s = pi_s mu_s / mu_0.
    Used to cross-check :func:`complete_markets`. Raises ``RuntimeError`` if Newton does not converge.
    """
    sigma = _check_sigma(sigma)
    e = economy
    totals = np.concatenate([[e.mass @ e.y0], e.mass @ e.Y])

    def budget(loglam):
        lam = np.exp(loglam - loglam.mean())
        c, mu = _negishi_allocation(lam, e.mass, totals, sigma)
        q = e.pi * mu[1:] / mu[0]
        return (c[:, 0] - e.y0) + (c[:, 1:] - e.Y) @ q, c, q  # value of net purchases = 0

    x = np.zeros(e.n_types)
    for it in range(1, maxit + 1):
        r, c, q = budget(x)
        err = np.max(np.abs(r))
        if err < tol:
            return CompleteMarkets(q, c[:, 0], c[:, 1:], c[:, 0] / totals[0], c[:, 1:] - e.Y, True, it, err)
        J = np.empty((x.size, x.size))
        h = 1e-7
        for i in range(x.size):
            xp = x.copy()
            xp[i] += h
            J[:, i] = (budget(xp)[0] - r) / h
        # the weights are defined up to scale: fix the last one
        step = np.zeros_like(x)
        step[:-1] = np.linalg.lstsq(J[:-1, :-1], -r[:-1], rcond=None)[0]
        x = x + step
    raise RuntimeError(f"complete_markets_negishi: no convergence in {maxit} iterations (budget error {err:.2e})")


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


def secondary_market(cash, D, economy, outcome="issuer_region"):
    """The secondary market of §1.3 in one state.

    ``outcome="issuer_region"`` (the baseline, eqs. 13-14): every holder sells the paper issued in the
    other region; residents of the issuing region buy it. ``"issuer_group"`` (§2.1, the sufficient
    condition): all paper ends with members of the issuer's own enforcement group. ``"world"`` (not an
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
        side = e.group
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
    consumption is not positive).
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
                w += psi[k] * mass[k] * u_raw(c[k], sigma)
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
        uu = _u(np.where(c[:, mj] > 0, c[:, mj], 1.0), sigma)
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
    """True if every within-region group pair is enforced and no cross-border pair carrying claims is."""
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
                        enforce_foreign=True, twin=False):
    """Is a target enforcement profile a strict Nash equilibrium of the governments' choice (§1.2, §1.3)?

    In each state: gross holdings implementing ``c_target[:, s]`` (``rule``, ``kappa``), the secondary
    market (``resale``: an outcome of :func:`secondary_market`, or ``"none"``), then for each government
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
    if resale not in ("none", "issuer_region", "issuer_group", "world"):
        raise ValueError(f"resale must be 'none' or an outcome of secondary_market, got {resale!r}")
    kernel = enumerate_enforcement_numpy if twin else enumerate_enforcement
    cross = gr[:, None] != gr[None, :]
    margin, W_target = np.empty((2, S)), np.empty((2, S))
    claims, target = np.empty((S, G, G)), np.ones((S, G, G), dtype=np.int64)
    for s in range(S):
        D = gross_holdings(c_target[:, s] - e.Y[:, s], e, rule, kappa)
        cash = e.Y[:, s].copy()
        if resale != "none":
            out = secondary_market(cash, D, e, resale)
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


def margin_error(claim, *args, **kwargs):
    """Measured numerical error of a margin claim function (:func:`r1_enforcement_margin` to
    :func:`r4_enforcement_margin`) at the given arguments: the largest gap between its margins and the
    same margins recomputed with the Negishi solver for the first best (an independent algorithm,
    budget tolerance 1e-12) and with the NumPy twin of the enumeration kernel."""
    m = claim(*args, **kwargs)
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


# ----------------------------------------------------------------------------------------- welfare


def regional_welfare(economy, c0, c, sigma):
    """Average expected utility of each region's residents, u(c_0) + sum_s pi_s u(c_s), eq. (1)."""
    e = economy
    U = _u(c0, sigma) + _u(c, sigma) @ e.pi
    return np.array([np.sum(e.mass[e.region == j] * U[e.region == j]) / e.mass[e.region == j].sum()
                     for j in (HOME, FOREIGN)])


def ce_gain(U1, U0, sigma, weight_total=2.0):
    """Consumption-equivalent gain: lambda with U0 evaluated at (1 + lambda) c equal to U1."""
    U1, U0 = np.asarray(U1, float), np.asarray(U0, float)
    if abs(sigma - 1.0) < 1e-12:
        return np.exp((U1 - U0) / weight_total) - 1.0
    return (U1 / U0) ** (1.0 / (1.0 - sigma)) - 1.0


def welfare_gain(economy, sigma, rule="regional_netting"):
    """[gain_home, gain_foreign]: the consumption-equivalent gain of the secondary-market equilibrium
    (computed by the full pipeline) over the no-commitment equilibrium without secondary markets
    (eqs. 8-9). Needs within-region symmetry; raises ``RuntimeError`` if the pipeline does not deliver
    full enforcement."""
    sigma = _check_sigma(sigma)
    aut = regional_autarky(economy)
    eq = secondary_market_equilibrium(economy, sigma, rule)
    if not np.all(eq.enforcement.full_domestic):
        raise RuntimeError("welfare_gain: the governments do not enforce all domestic payments")
    return ce_gain(regional_welfare(economy, eq.c0, eq.c, sigma),
                   regional_welfare(economy, aut.c0, aut.c, sigma), sigma)


def power_mean(values, probs, r):
    """M_r = (sum p x**r)**(1/r); geometric mean at r = 0."""
    x, p = np.asarray(values, float), np.asarray(probs, float)
    if abs(r) < 1e-12:
        return float(np.exp(p @ np.log(x)))
    return float((p @ x ** r) ** (1.0 / r))


def mirror_gain_closed_form(g, v, sigma, region=HOME):
    r"""Closed form (ours) of the gain in the mirror economy with ``a = 0``:
    :math:`\lambda_H = 1/M_{1-\sigma}(\{1+g:\tfrac12, 1-g+v:\tfrac14, 1-g-v:\tfrac14\}) - 1` (and g -> -g,
    v -> -v for Foreign), because the first best gives 1 everywhere."""
    sg = 1 if region == HOME else -1
    vals = [1 + sg * g, 1 - sg * g + v, 1 - sg * g - v]
    return 1.0 / power_mean(vals, [0.5, 0.25, 0.25], 1.0 - sigma) - 1.0


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


def bond_only_equilibrium(economy, sigma):
    r"""R8 (§3.2, ours): commitment equilibrium when the only cross-border security is a risk-free bond.

    Regions pool risk internally; Home buys ``b`` bonds at price ``q`` (``b < 0``: Home borrows). Solves
    the two Euler equations :math:`q\,u'(c_{j0}) = \sum_s \pi_s u'(c_{js})` (nested Brent: the inner root
    is Home's price for a given b, the outer root clears Foreign's Euler equation).
    """
    sigma = _check_sigma(sigma)
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
        q = _bond_price(b, args[0], args[1], e.pi, sigma)
    bH = sign * b
    c0 = np.where(e.region == 0, y0H - q * bH, y0F + q * bH)
    c = np.where((e.region == 0)[:, None], YH[None] + bH, YF[None] - bH)
    res = np.array([q * c0[iH] ** (-sigma) - e.pi @ c[iH] ** (-sigma), q * c0[iF] ** (-sigma) - e.pi @ c[iF] ** (-sigma)])
    return BondEquilibrium(q, bH, c0, c, res)


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


# ----------------------------------------------------------------------------------------- R12


def short_run_gap(economy, sigma, rule="regional_netting"):
    """R12 (§3.5, ours): with commitment only within old age, each government chooses between enforcing
    everything (then the secondary market delivers the first best) and enforcing nothing (then no
    payment is made and nobody buys foreign-held paper). Returns W_none - W_all (2, S) at the first-best
    gross holdings, both computed with the enforcement kernel on the pre-market holdings."""
    sigma = _check_sigma(sigma)
    e = economy
    cm = complete_markets(e, sigma)
    G = e.n_groups
    out = np.empty((2, e.n_states))
    for s in range(e.n_states):
        D = gross_holdings(cm.c[:, s] - e.Y[:, s], e, rule)
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
                W.append(np.sum(e.psi[m] * e.mass[m] * _u(c[m], sigma)) / e.mass[m].sum())
            out[j, s] = W[0] - W[1]
    return out


def short_run_boundary(v, sigma, tol=1e-13):
    r"""The dispersion e* below which Home prefers 'none' in its rich states (mirror economy, g = a = 0),
    found by Brent's method on :func:`short_run_gap` (the enumeration itself, not the closed form
    :math:`(1+v)M_{1-\sigma}(1+e, 1-e) = 1`); ``tol`` is the bracket width in e. The gap is continuous
    in e (a maximum of continuous welfare differences) and changes sign once on [0, 1)."""
    def gap(e):
        econ = mirror_economy(g=0.0, v=v, e=e, a=0.0)
        d = short_run_gap(econ, sigma)
        rich = [s for s, lab in enumerate(econ.state_labels) if lab.startswith("z=+1")]
        return d[HOME, rich].max()
    lo, hi = 0.0, 1.0 - 1e-9
    if gap(lo) <= 0 or gap(hi) >= 0:
        raise RuntimeError("short_run_boundary: no sign change of W_none - W_all on [0, 1)")
    return float(brentq(gap, lo, hi, xtol=tol, rtol=8.9e-16))


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


def individual_enforcement_example(sigma, single_creditor, delta=1e-4, cash=1.0, deviator_cash=0.91, debt=0.1):
    """The draft's footnotes 15 and 16 (Appendix), ours as a computation.

    After the secondary market every Home resident has ``cash`` and owes ``debt``; a deviator of mass
    ``delta`` has cut his own cash to ``deviator_cash``. He is owed ``debt`` by a single partner. His own
    debt is spread over all other residents (footnote 15) or held by that same partner
    (``single_creditor=True``, footnote 16). Enforcement is individual: the deviator, his partner and
    the rest are separate enforcement groups, and the government's choice is found by enumeration.
    Amounts are in units of 100 of the footnote (cash 1 for its 100), which keeps utilities of order one.
    """
    sigma = _check_sigma(sigma)
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
    W = enumerate_enforcement(HOME, cash_v, D, econ.mass, econ.region, econ.group, econ.group_region, econ.psi,
                              sigma, np.ones((4, 4), dtype=np.int64))
    mask, Wb, _ = best_response(W)
    E = np.ones((4, 4), dtype=np.int64)
    _mask_to_rows(mask, np.array([0, 1, 2]), 4, E)
    c = consumption_given_enforcement(cash_v, D, econ.mass, econ.group, E)
    return IndividualEnforcement(bool(E[DEV, PAR if single_creditor else REST]), bool(E[PAR, DEV]),
                                 float(c[DEV]), float(c[PAR]), float(c[REST]), Wb, float(W[-1]))
