r"""Theorem 2 numerically (ours): supporting prices and lump-sum transfers on the constrained frontier.

The second welfare theorem (Section 2.1.7, Appendix B) for two types and one state (Environment 1):

- :func:`frontier_point` -- a point of the constrained frontier of Program 1 (the planner of
  :func:`~commitment.fire_sales.planner_kernel`) with the prices (p0, z, P) and transfers that support it,
  built by :func:`supporting_point` (which takes any one-market allocation);
- :func:`own_choice_residual` -- each type's own choice at those prices and its transfer
  (:func:`~commitment.fire_sales.decentralised._household`), clearing, and the continuum rights price;
- :func:`theorem_2_witness_gap` -- the claim function of ``kt-ours-theorem-2-witness``;
- :func:`pareto_improving_arc` -- the frontier's arc that Pareto-improves on the competitive equilibrium.

Page ``segregated_exchanges``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from commitment.fire_sales.decentralised import _EPS, _household, _split
from commitment.fire_sales.economy import _v
from commitment.fire_sales.equilibrium import UnsupportedEconomy, _one_state, collateral_equilibrium
from commitment.fire_sales.exchanges import segregated_equilibrium
from commitment.fire_sales.planner import planner_kernel, planner_max_u1

__all__ = ["FrontierPoint", "Theorem2Witness", "frontier_point", "own_choice_residual", "pareto_improving_arc",
           "supporting_point", "theorem_2_witness_gap"]



class FrontierPoint(NamedTuple):
    """One point of the constrained frontier (Program 1, two types, one state) with the supporting prices
    and transfers of Theorem 2 (:func:`frontier_point`). U (H,) utilities (U[1] the floor given to the
    planner); K aggregate storage; alloc (H, 5) per type (k, c10, c20, c11, c21), k the date-1 wealth above
    the collateral-free floor in storage units, (W - e1 - p e2) / (p R); p0, z, p, P the prices (date-0
    good 2, the exchange, its spot price, its rights price); transfers (H,) lump-sum, date-0 good 1, paid
    to each type (negative: paid by it); weights (H,) the Pareto weights 1/mu0 that the prices imply,
    normalised to sum to one; interior the type whose storage first-order condition sets P."""

    U: np.ndarray
    K: float
    alloc: np.ndarray
    p0: float
    z: float
    p: float
    P: float
    transfers: np.ndarray
    weights: np.ndarray
    interior: int


def frontier_point(economy, U2, n_scan=41) -> FrontierPoint:
    r"""The constrained optimum of Program 1 (eqs. 15-16; :func:`~commitment.fire_sales.planner_kernel`,
    two types, one state) at the utility floor ``U2`` of type 2, and the prices and lump-sum transfers
    that the proof of Theorem 2 (Appendix B) says support it as an equilibrium with segregated exchanges
    (ours: the construction below; the paper obtains the prices as Program 2's multipliers).

    The allocation is rebuilt from the planner's storage K and date-1 split x as in the planner (date-0
    consumption the shares omega^h of the aggregate, date-1 wealths W^h >= e^h_1 + p e^h_2). Prices:
    p0 = (E10 / (E20 - K))**sigma (both types consume the aggregate date-0 ratio), z from consistency
    (eq. 10), p = z**sigma, and the rights price P from the storage first-order condition
    (p0 + P z R) u'(c10) = beta p R u'(c11) of the type with the larger k (which must be > 0). Transfers:
    what makes the planner's bundle exactly affordable at these prices (eq. 19 with the fee P Delta).
    They net to zero by consistency, sum_h alpha_h T_h = P (z (E2 + R K) - E1)."""
    if economy.S != 1 or economy.H != 2:
        raise UnsupportedEconomy("frontier_point: two types and one state (Program 1 of planner_kernel)")
    if not np.isfinite(U2):
        raise ValueError(f"U2 (type 2's utility floor) must be finite, got {U2!r}")
    if int(n_scan) < 3:
        raise ValueError(f"n_scan must be an integer >= 3, got {n_scan!r}")
    args = _one_state(economy)
    alpha, e10, e20, e1, e2, R, beta, sigma = args
    if sigma == 1.0:
        raise UnsupportedEconomy("frontier_point: sigma != 1 (the closed-form date-0 share)")
    U1, K, x = planner_kernel(float(U2), *args, int(n_scan))
    if U1 < -1e299:
        raise ValueError(f"U2 = {U2!r} is not attainable on the frontier (type 2's floor too high)")
    E10, E20 = alpha @ e10, alpha @ e20
    C20 = E20 - K
    z = float(alpha @ e1 / (alpha @ e2 + R * K))
    p = z**sigma
    F = e1 + p * e2
    T1 = alpha @ e1 + p * (alpha @ e2 + R * K)
    W2 = F[1] + x * (T1 - alpha @ F) / alpha[1]
    W = np.array([(T1 - alpha[1] * W2) / alpha[0], W2])
    om2 = ((1.0 - sigma) * (U2 - beta * _v(W2, z, sigma)) / (E10 ** (1.0 - sigma) + C20 ** (1.0 - sigma))) \
        ** (1.0 / (1.0 - sigma))
    om = np.array([(1.0 - alpha[1] * om2) / alpha[0], om2])
    c11 = np.array([_split(w, p, sigma)[0] for w in W])
    alloc = np.column_stack([(W - F) / (p * R), om * E10, om * C20, c11, (W - c11) / p])
    return supporting_point(economy, np.array([U1, float(U2)]), float(K), alloc)


def supporting_point(economy, U, K, alloc) -> FrontierPoint:
    """The prices and transfers of :func:`frontier_point` (Theorem 2's construction, ours) for any
    one-market allocation of a one-state economy: ``alloc`` (H, 5) per type (k, c10, c20, c11, c21) with
    aggregate storage ``K`` in [0, E20) and utilities ``U`` (H,) (only carried along). Used on a frontier
    point, or on an allocation that is not constrained-optimal (the competitive equilibrium's) to show
    the check of :func:`theorem_2_witness_gap` failing. RuntimeError if no type stores (P is then not
    pinned by a storage condition)."""
    if economy.S != 1:
        raise UnsupportedEconomy("supporting_point: one state")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    alloc = np.asarray(alloc, dtype=float)
    if alloc.shape != (economy.H, 5) or not np.all(np.isfinite(alloc)) or np.any(alloc[:, 1:] <= 0.0):
        raise ValueError(f"alloc must be {economy.H} rows (k, c10, c20, c11, c21) with positive consumption")
    if not 0.0 <= K < alpha @ e20:
        raise ValueError(f"K (aggregate storage) must lie in [0, {alpha @ e20!r}), got {K!r}")
    E10, E20 = alpha @ e10, alpha @ e20
    z = float(alpha @ e1 / (alpha @ e2 + R * K))
    p = z**sigma
    p0 = float((E10 / (E20 - K)) ** sigma)
    i = int(np.argmax(alloc[:, 0]))
    if not alloc[i, 0] > 0.0:
        raise RuntimeError("supporting_point: no type stores; the rights price is not pinned by a storage condition")
    P = float((beta * p * R * (alloc[i, 3] / alloc[i, 1]) ** (-sigma) - p0) / (z * R))
    ck = p0 + P * z * R
    w0 = e10 + p0 * e20 - P * (z * e2 - e1)
    T = alloc[:, 1] + p0 * alloc[:, 2] + ck * alloc[:, 0] - w0
    lam = alloc[:, 1] ** sigma  # 1 / u'(c10)
    return FrontierPoint(np.asarray(U, dtype=float), float(K), alloc, p0, z, float(p), P, T, lam / lam.sum(), i)


class Theorem2Witness(NamedTuple):
    """Our numerical witness of Theorem 2 (:func:`theorem_2_witness_gap`).

    residual (n, 15): per frontier point, the types' own choices minus the planner's allocation (2 x 5),
    the clearing of rights, date-0 good 2, date-1 good 2 and date-0 good 1 computed from the choices (4),
    and P minus the continuum rights price of eq. (kt-rights-price) at the choices (1); tol the
    tolerance (see :func:`theorem_2_witness_gap`); error_search, error_root, error_rounding its parts
    (before the factor 10); points the :class:`FrontierPoint` of each U2; choices (n, 2, 5) the types'
    own choices; corner_margin (n, 2) each type's marginal value of storage at k = 0, in date-0 good 1
    per unit (<= 0: the corner k = 0 is its own choice)."""

    residual: np.ndarray
    tol: float
    error_search: float
    error_root: float
    error_rounding: float
    points: list
    choices: np.ndarray
    corner_margin: np.ndarray


def own_choice_residual(economy, pt, transfers=None):
    r"""Each type's own choice at the prices of ``pt`` (a :class:`FrontierPoint`) and its transfer
    (``transfers``, (H,); default ``pt.transfers``): :func:`~commitment.fire_sales.decentralised._household`
    with the date-0 wealth e10 + p0 e20 - P (z e2 - e1) + T (eq. 19 with the fee of eq. 11) and storage
    cost p0 + P z R. Returns (residual (15,) as in :class:`Theorem2Witness`, choices (H, 5), brentq's
    bounds on the storage roots (H,), each type's marginal value of storage at k = 0 (H,)). The
    continuum rights price is :math:`\sigma z^{\sigma-1}\sum_h\alpha^h\beta(\mu^h_1/\mu^h_0)(e^h_2+Rk^h-c^h_{21})
    / \sum_h\alpha^h(e^h_2+Rk^h)` (eq. kt-rights-price), at the choices."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    transfers = pt.transfers if transfers is None else np.asarray(transfers, dtype=float)
    if transfers.shape != (economy.H,) or not np.all(np.isfinite(transfers)):
        raise ValueError(f"transfers must be None or {economy.H} finite numbers, got {transfers!r}")
    z, p, p0, P = pt.z, pt.p, pt.p0, pt.P
    ck = p0 + P * z * R
    if not ck > 0.0:
        raise ValueError(f"the rights price P = {P!r} makes storage free (p0 + P z R <= 0)")
    rows, kb, margin = [], [], []
    for h in range(alpha.size):
        w0 = e10[h] + p0 * e20[h] - P * (z * e2[h] - e1[h]) + transfers[h]
        out = _household(w0, ck, e1[h] + p * e2[h], p * R, p0, p, beta, sigma)
        rows.append(out[:5])
        kb.append(out[5])
        c10_0 = _split(w0, p0, sigma)[0]
        c11_0 = _split(e1[h] + p * e2[h], p, sigma)[0]
        margin.append((beta * p * R * c11_0 ** (-sigma) - ck * c10_0 ** (-sigma)) / c10_0 ** (-sigma))
    a = np.array(rows)
    k, c10, c20, c11, c21 = a.T
    mu0, mu1 = c10 ** (-sigma), c11 ** (-sigma)
    P_formula = sigma * z ** (sigma - 1.0) * (alpha @ (beta * mu1 / mu0 * (e2 + R * k - c21))) / (alpha @ (e2 + R * k))
    clearing = [alpha @ (z * (e2 + R * k) - e1), alpha @ (c20 + k - e20), alpha @ (c21 - e2 - R * k),
                alpha @ (c10 - e10)]
    res = np.concatenate([(a - pt.alloc).ravel(), clearing, [P - P_formula]])
    return res, a, np.array(kb), np.array(margin)


def theorem_2_witness_gap(economy, U2_points, n_scan=41, transfers=None) -> Theorem2Witness:
    r"""Our numerical witness of Theorem 2 (second welfare theorem, Section 2.1.7, Appendix B): at
    several points of the constrained frontier of Program 1 (eqs. 15-16), the supporting prices and
    lump-sum transfers of :func:`frontier_point` decentralise the planner's allocation as an equilibrium
    with segregated exchanges. Two types, one state (Environment 1); shown for the points computed.

    At each point every type solves its *own* problem at the prices and its transfer
    (:func:`own_choice_residual`: storage by root-finding on its first-order condition, k = 0 when the marginal
    value of storage is <= 0 there), not the planner's allocation. The claim: (a) the choices equal the
    planner's allocation, (b) markets clear from the choices (rights, eq. 12; date-0 good 2; date-1 good
    2; date-0 good 1), (c) the rights price equals the continuum price of eq. (kt-rights-price) at the
    choices, the condition that members do not want a marginally different exchange (the planner
    knows nothing of it: it chooses K, which moves z). The price P is set from one type's storage
    condition, so that type's part of (a) is close to an identity; the evidence is the other type's
    corner choice, (b) and (c). Only the local condition (c) is checked for unused exchanges, not each
    type's global choice among them (see :func:`existence_witness_gap` for that check at the
    equilibrium without transfers).

    ``transfers``: None (those of :func:`frontier_point`) or an (H,) vector used at every point (zero
    transfers: the falsifier; only the point of the equilibrium with segregated exchanges then holds).

    tol = 10 (error_search + error_root + error_rounding): error_search the largest change of a residual
    entry when the planner is re-solved on a four times finer storage scan (4 n_scan - 3: the golden
    section's argmax is accurate to about sqrt(machine epsilon) relative); error_root brentq's bound on
    each storage root times the residuals' largest sensitivity to storage (max(1, z R, R)); error_rounding
    64 ulps of the largest allocation entry.
    """
    U2s = np.asarray(U2_points, dtype=float).ravel()
    if U2s.size == 0 or not np.all(np.isfinite(U2s)):
        raise ValueError(f"U2_points must be a non-empty list of finite utilities of type 2, got {U2_points!r}")
    if transfers is not None:
        transfers = np.asarray(transfers, dtype=float)
        if transfers.shape != (economy.H,) or not np.all(np.isfinite(transfers)):
            raise ValueError(f"transfers must be None or {economy.H} finite numbers, got {transfers!r}")
    R = float(economy.R[0])
    res, res_fine, choices, margins, points = [], [], [], [], []
    err_root, scale = 0.0, 1.0
    for U2 in U2s:
        pt = frontier_point(economy, U2, n_scan)
        fine = frontier_point(economy, U2, 4 * int(n_scan) - 3)
        r, a, kb, m = own_choice_residual(economy, pt, pt.transfers if transfers is None else transfers)
        rf = own_choice_residual(economy, fine, fine.transfers if transfers is None else transfers)[0]
        res.append(r)
        res_fine.append(rf)
        choices.append(a)
        margins.append(m)
        points.append(pt)
        err_root = max(err_root, float(np.max(kb)) * max(1.0, pt.z * R, R))
        scale = max(scale, float(np.max(np.abs(pt.alloc))), abs(pt.P))
    res, res_fine = np.array(res), np.array(res_fine)
    err_search = float(np.max(np.abs(res - res_fine)))
    err_round = 64.0 * _EPS * scale
    return Theorem2Witness(res, 10.0 * (err_search + err_root + err_round), err_search, err_root, err_round, points,
                           np.array(choices), np.array(margins))


def pareto_improving_arc(economy, n_scan=41):
    r"""The arc of the constrained frontier (Program 1, :func:`~commitment.fire_sales.planner_max_u1`) that
    Pareto-improves on the competitive collateral equilibrium (Definition 1): the interval (U2_lo, U2_hi)
    of type 2's utility with U2_lo = U^2_ce and U1_frontier(U2_hi) = U^1_ce (brentq, xtol 1e-12, on the
    planner's value; the bracket is widened upwards from the equilibrium with segregated exchanges).
    Two types, one state. Empty (U2_lo = U2_hi) when the equilibrium is on the frontier (no constraint
    binds, Proposition 1). Ours: the interval; Theorem 2 says each of its points is an equilibrium with
    segregated exchanges after lump-sum transfers."""
    if economy.S != 1 or economy.H != 2:
        raise UnsupportedEconomy("pareto_improving_arc: two types and one state")
    if int(n_scan) < 3:
        raise ValueError(f"n_scan must be an integer >= 3, got {n_scan!r}")
    ce = collateral_equilibrium(economy)

    def gain(U2):
        return planner_max_u1(economy, U2, n_scan)[0] - float(ce.U[0])

    lo = float(ce.U[1])
    if gain(lo) <= 0.0:
        return lo, lo
    hi = float(max(segregated_equilibrium(economy).U[1], lo + 1e-3))
    for _ in range(40):
        if gain(hi) < 0.0:  # planner_max_u1 raises ValueError past the frontier's end: not bracketed
            return lo, float(brentq(gain, lo, hi, xtol=1e-12))
        hi = lo + 2.0 * (hi - lo)
    raise RuntimeError("pareto_improving_arc: no upper end of the arc found")
