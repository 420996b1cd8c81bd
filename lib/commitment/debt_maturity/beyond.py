r"""Around the theorem (beyond page): a three-period buyback example (ours) and the indeterminacy of
maturity without default risk (the paper's introduction and Section 5.3).

The buyback example (ours, not the paper's) isolates the incentive channel of Section 5.3 in the smallest
economy that has it. Dates ``t = 0, 1, 2``; log utility; endowments ``y1`` at ``t = 1`` and ``y2`` at
``t = 2``; risk-neutral lenders discounting at ``R``. The government enters ``t = 0`` owing ``l`` units of a
zero-coupon long bond due at ``t = 2``. Default is possible only at ``t = 2`` (the toy's simplification):
the government repays iff ``log c2 >= v^D = log(tau y2)`` with ``tau ~ U[tau_lo, tau_hi]`` (the chapter's
default-value family, Section 6, in its one-period form), and lenders then get nothing (zero recovery, as
in the paper). So the probability of repayment is ``F(c2) = (c2/y2 - tau_lo)/(tau_hi - tau_lo)`` clipped to
``[0, 1]``, with ``c2 = y2 - l2 - b2`` the consumption promised if the government repays.

- ``t = 0``: the government buys back ``x`` units of the long bond and pays with a one-period bond due at
  ``t = 1`` of face ``b1 = R P x`` (riskless, since nobody defaults at ``t = 1``). Holders sell only at the
  price the bond will have after the operation (they could hold out), so ``P`` is the post-buyback price.
- ``t = 1``: the government owes ``b1`` and ``l2 = l - x`` (due at ``t = 2``). It chooses new one-period
  debt ``b2 >= 0`` at the schedule ``q(b2) = F(y2 - l2 - b2)/R`` (the paper's break-even condition (4)),
  taking the schedule as given but knowing that it slopes:

      max_{b2} log(y1 - b1 + q(b2) b2) + beta E max{log(y2 - l2 - b2), v^D}.

- ``t = 2``: repay or default.

The long bond's price at ``t = 0`` is ``P = F(c2)/R^2`` at the ``c2`` the government chooses at ``t = 1``;
the buyback's price solves ``P = F(c2(b1 = R P x, l2 = l - x))/R^2`` (a fixed point in one number).
With the allocation held fixed (``reoptimize=False``: the government keeps ``c2`` and only rolls the swap
into ``b2``), long and short debt due at ``t = 2`` are the same claim and the price cannot move -- the
paper's "if the borrower could commit to the path of debt issuance ... maturity would be indeterminate".
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .convexity import proposition_2_second_difference
from .planner import solve_map

# ------------------------------------------------------------------ the three-period buyback example


class BuybackToy(NamedTuple):
    """The parameters of the three-period buyback example (ours; :func:`create_buyback_toy`)."""

    y1: float
    y2: float
    R: float
    beta: float
    tau_lo: float
    tau_hi: float
    l: float


def create_buyback_toy(y1=1.0, y2=2.0, R=1.05, beta=None, tau_lo=0.2, tau_hi=0.9, l=0.6):
    """The three-period buyback example (ours; module docstring). ``beta`` defaults to ``1/R``; ``l`` is the
    face value of the zero-coupon long bond due at ``t = 2``. The defaults borrow the chapter's default-cost
    range ``tau ~ U[0.2, 0.9]`` and ``R = 1.05``. Raises ``ValueError`` naming the parameter and its
    admissible range."""
    y1, y2, R, l = float(y1), float(y2), float(R), float(l)
    if not (math.isfinite(y1) and y1 > 0):
        raise ValueError(f"y1 must be > 0 (endowment at t = 1), got {y1!r}")
    if not (math.isfinite(y2) and y2 > 0):
        raise ValueError(f"y2 must be > 0 (endowment at t = 2), got {y2!r}")
    if not (math.isfinite(R) and R >= 1):
        raise ValueError(f"R must be >= 1 (gross interest rate), got {R!r}")
    beta = 1.0 / R if beta is None else float(beta)
    if not (math.isfinite(beta) and 0 < beta <= 1):
        raise ValueError(f"beta must be in (0, 1], got {beta!r}")
    tau_lo, tau_hi = float(tau_lo), float(tau_hi)
    if not (0 < tau_lo < tau_hi):
        raise ValueError(f"tau_lo, tau_hi must satisfy 0 < tau_lo < tau_hi, got {tau_lo!r}, {tau_hi!r}")
    if not (math.isfinite(l) and 0 <= l < y2):
        raise ValueError(f"l must be in [0, y2) (long-bond face due at t = 2), got {l!r}")
    return BuybackToy(y1, y2, R, beta, tau_lo, tau_hi, l)


def _repay_prob(toy, c2):
    """``F(c2)``: probability that ``log c2 >= log(tau y2)``, ``tau ~ U[tau_lo, tau_hi]``."""
    return min(max((c2 / toy.y2 - toy.tau_lo) / (toy.tau_hi - toy.tau_lo), 0.0), 1.0)


def _expected_max(toy, c2):
    """``E max{log c2, log(tau y2)}`` in closed form (uniform ``tau``)."""
    t = min(max(c2 / toy.y2, toy.tau_lo), toy.tau_hi)
    F = (t - toy.tau_lo) / (toy.tau_hi - toy.tau_lo)
    prim = lambda s: s * math.log(s * toy.y2) - s  # antiderivative of log(s y2)
    return F * math.log(c2) + (prim(toy.tau_hi) - prim(t)) / (toy.tau_hi - toy.tau_lo)


def _period_1(toy, b1, l2, xtol):
    """The government's choice at ``t = 1`` given ``(b1, l2)``: ``(b2, c1, c2, value)``. Grid search over
    ``b2 in [0, y2 - l2)`` (the objective need not be concave: revenue ``q(b2) b2`` has a Laffer peak),
    then bounded Brent refinement around the best node to ``xtol``."""
    top = toy.y2 - l2

    def obj(b2):
        c1 = toy.y1 - b1 + _repay_prob(toy, top - b2) / toy.R * b2
        c2 = top - b2
        if c1 <= 0 or c2 <= 0:
            return -math.inf
        return math.log(c1) + toy.beta * _expected_max(toy, c2)

    grid = np.linspace(0.0, top * (1 - 1e-9), 2001)
    c2 = top - grid
    t = np.clip(c2 / toy.y2, toy.tau_lo, toy.tau_hi)
    F = (t - toy.tau_lo) / (toy.tau_hi - toy.tau_lo)
    c1 = toy.y1 - b1 + F / toy.R * grid
    prim = t * np.log(t * toy.y2) - t
    prim_hi = toy.tau_hi * math.log(toy.tau_hi * toy.y2) - toy.tau_hi
    with np.errstate(divide="ignore", invalid="ignore"):
        W = F * np.log(c2) + (prim_hi - prim) / (toy.tau_hi - toy.tau_lo)
        vals = np.where((c1 > 0) & (c2 > 0), np.log(np.where(c1 > 0, c1, 1.0)) + toy.beta * W, -np.inf)
    k = int(np.argmax(vals))
    if not np.isfinite(vals[k]):
        raise ValueError(f"no feasible t = 1 choice: b1 = {b1:.4g} exceeds what y1 = {toy.y1} can repay")
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    from scipy.optimize import minimize_scalar  # here, not at import: scipy.optimize takes ~0.7 s to import

    res = minimize_scalar(lambda b: -obj(b), bounds=(lo, hi), method="bounded", options={"xatol": xtol})
    b2 = float(res.x) if -res.fun >= obj(grid[k]) else float(grid[k])
    c2 = top - b2
    c1 = toy.y1 - b1 + _repay_prob(toy, c2) / toy.R * b2
    return b2, c1, c2, obj(b2)


# a floor for the measured error: 100 machine epsilons on prices of order one (the root finder's relative
# tolerance is 4 epsilons); without it a riskless economy, where both tolerances give the same price, reports 0
_ROUNDOFF = 100 * np.finfo(float).eps


class Buyback(NamedTuple):
    """A buyback of ``x`` units of the long bond in the three-period example (:func:`buyback_price_rise`).

    ``P0``/``P1``: the long bond's price at ``t = 0`` before / after (the price the sellers get and the
    remaining holders' bonds are worth); ``F0``/``F1``: the probability of repayment at ``t = 2``;
    ``b2_0``/``b2_1``: the new one-period debt chosen at ``t = 1``; ``holdout_gain = (l - x)(P1 - P0)``
    and ``seller_gain = x (P1 - P0)``: the capital gains of the remaining holders and of the sellers;
    ``government_change``: the change of the government's value at ``t = 1`` (utils); ``error``: the
    change of ``P1 - P0`` between solver tolerances 1e-9 and 1e-12 (the measured numerical error, at least
    100 machine epsilons)."""

    l: float
    x: float
    P0: float
    P1: float
    F0: float
    F1: float
    b2_0: float
    b2_1: float
    holdout_gain: float
    seller_gain: float
    government_change: float
    error: float


def _buyback(toy, x, reoptimize, xtol):
    l2 = toy.l - x
    b0, c1_0, c2_0, v0 = _period_1(toy, 0.0, toy.l, xtol)
    P0 = _repay_prob(toy, c2_0) / toy.R ** 2
    if x == 0:
        return P0, P0, b0, b0, 0.0
    if not reoptimize:
        # the allocation (c1, c2) held fixed: b2 rises by x, its revenue q x = F x/R repays b1 = R P x
        return P0, P0, b0, b0 + x, 0.0

    def gap(P):
        return P - _repay_prob(toy, _period_1(toy, toy.R * P * x, l2, xtol)[2]) / toy.R ** 2

    from scipy.optimize import brentq

    P1 = brentq(gap, 0.0, 1.0 / toy.R ** 2, xtol=xtol * 1e-2, rtol=4 * np.finfo(float).eps)
    b1_, c1_1, c2_1, v1 = _period_1(toy, toy.R * P1 * x, l2, xtol)
    return P0, P1, b0, b1_, v1 - v0


def buyback_price_rise(toy, x, *, reoptimize=True):
    """The price of the remaining long bonds after a buyback of ``x`` units in the three-period example
    (ours; module docstring), the capital gains of remaining holders and sellers, and the government's
    change of value. Section 5.3 of the paper (and the introduction): a buyback financed with short debt
    changes the government's incentives to borrow later, lowers later default risk and so raises the price
    of the long bonds -- a transfer to bondholders; with no default risk nothing moves.

    ``P1 - P0`` is computed from the government's own optimisation at ``t = 1`` and the lenders' break-even
    prices; nothing in the computation imposes its sign. ``reoptimize=False`` holds the allocation fixed
    (the government could commit to its issuance), so ``P1 = P0`` by construction -- shown, not evidence.
    The example rules out saving at ``t = 1`` (``b2 >= 0``); where that bound binds, or where default at
    ``t = 2`` is certain or impossible, the strict rise need not hold (the tests check economies with
    interior default risk and ``b2 > 0``). Returns a :class:`Buyback` whose ``error`` is the change of ``P1 - P0`` between solver tolerances."""
    if not isinstance(toy, BuybackToy):
        raise ValueError(f"toy must be a BuybackToy from create_buyback_toy, got {type(toy).__name__}")
    x = float(x)
    if not (math.isfinite(x) and 0 <= x <= toy.l):
        raise ValueError(f"x must be in [0, l] = [0, {toy.l}] (units bought back), got {x!r}")
    P0, P1, b2_0, b2_1, dv = _buyback(toy, x, reoptimize, 1e-12)
    Q0, Q1, _, _, _ = _buyback(toy, x, reoptimize, 1e-9)
    err = abs((P1 - P0) - (Q1 - Q0))
    F0, F1 = P0 * toy.R ** 2, P1 * toy.R ** 2
    return Buyback(toy.l, x, P0, P1, F0, F1, b2_0, b2_1, (toy.l - x) * (P1 - P0), x * (P1 - P0), dv,
                   max(err, _ROUNDOFF))


# ------------------------------------------------- indeterminacy of maturity without default risk


class Indeterminacy(NamedTuple):
    """Second differences of ``B*(v, .)`` in the coupon at the grid nodes with ``v`` in ``[v_lo, v_hi]``
    (:func:`maturity_indeterminacy`): ``d2`` with its grid ``error``, and ``F_next`` the planner's
    probability of repayment next period at those nodes."""

    l: float
    dl: float
    v: np.ndarray
    d2: np.ndarray
    error: np.ndarray
    F_next: np.ndarray


def maturity_indeterminacy(model, l, v_lo, v_hi, dl=0.05, *, fine=None):
    """The introduction's indeterminacy: when default has zero probability along the allocation, ``B*`` is
    affine in the legacy coupon and the government is indifferent to the maturity of its debt.

    Returns the second differences ``d2 = B*(v, l-dl) - 2 B*(v, l) + B*(v, l+dl)`` of the planner's value
    (:func:`proposition_2_second_difference`, solved by :func:`solve_planner`, which imposes nothing about
    the shape in ``l``) at the nodes with ``v_lo <= v <= v_hi`` and ``B*(v, l + dl) >= 0`` (the paper's
    domain of non-negative debt), with their grid error (the change from a
    grid with half the nodes). With beta R = 1 and ``v >= vD_hi`` the allocation is riskless forever
    (``F = 1``), and ``d2 = 0``: swapping coupon for one-period debt at the prices ``1 + P`` leaves the
    government's value unchanged, so maturity is indeterminate. Where default has an interior probability
    ``d2 > 0`` (Proposition 2), and maturity is determinate. ``fine`` as in
    :func:`proposition_2_second_difference`. Returns an :class:`Indeterminacy`."""
    v_lo, v_hi = float(v_lo), float(v_hi)
    if not (math.isfinite(v_lo) and math.isfinite(v_hi) and v_lo <= v_hi):
        raise ValueError(f"v_lo, v_hi must be finite with v_lo <= v_hi, got {v_lo!r}, {v_hi!r}")
    l = float(l)
    if not (math.isfinite(l) and l >= float(dl)):
        raise ValueError(f"l must be finite and >= dl = {dl} (coupons l - dl, l, l + dl), got {l!r}")
    if fine is None:
        fine = solve_map(model, [l - dl, l, l + dl])
    cv = proposition_2_second_difference(model, l, dl, fine=fine)
    # the paper's domain b >= 0 (the government a debtor at all three coupons; B* falls with the coupon):
    # as a creditor the planner may induce default even above vD_hi
    mask = (cv.v >= v_lo) & (cv.v <= v_hi) & np.isfinite(cv.d2) & (fine[-1].B >= 0)
    if not mask.any():
        raise ValueError(f"no grid node in [v_lo, v_hi] = [{v_lo}, {v_hi}] with B*(v, l + dl) >= 0; the grid "
                         f"spans [{model.v[0]:.4g}, {model.v[-1]:.4g}]")
    return Indeterminacy(l, float(dl), cv.v[mask], cv.d2[mask], cv.error[mask], cv.F_next[mask])


# ------------------------------------- breaking Assumption 1(ii): shocks correlated with the default cost


class MaturityChoice(NamedTuple):
    """The government's value at ``t = 0`` for each long share ``sigma`` in the shock economy
    (:func:`maturity_choice_with_shocks`): ``value`` (expected value at ``t = 1``; ``-inf`` where the plan has
    no equilibrium price or cannot be repaid at ``t = 1``), ``P`` the long bond's price, ``l`` its face,
    ``best`` the share with the largest value, ``F_states[k]`` the probability of repaying at ``t = 2``
    after the bad and the good state."""

    sigma: np.ndarray
    value: np.ndarray
    P: np.ndarray
    l: np.ndarray
    best: float
    F_states: np.ndarray


def maturity_choice_with_shocks(D, sigmas, dy=0.0, dt=0.0, *, y1=1.0, y2=2.0, R=1.05, beta=None, tau_lo=0.2,
                                tau_hi=0.9):
    """Maturity choice when Assumption 1(ii) fails (ours; the exercise on the beyond page).

    The three-period example of :func:`buyback_price_rise`, started one step earlier. At ``t = 0`` the
    government must raise ``D`` (to repay a maturing debt; nothing is consumed at ``t = 0``): a share
    ``sigma`` with the zero-coupon long bond due at ``t = 2`` (face ``l = sigma D / P``) and the rest with a
    riskless one-period bond due at ``t = 1`` (face ``b1 = (1 - sigma) D R``). At ``t = 1`` a state, bad or
    good with probability 1/2 each, is revealed: the endowment is ``y1 -/+ dy`` and the default-cost range is
    ``tau ~ U[tau_lo +/- dt, tau_hi +/- dt]``, so ``dt > 0`` makes default more attractive exactly when the
    endowment is low -- shocks correlated with the default cost, which Assumption 1(ii) rules out. The
    government then chooses ``b2`` as in the example, and ``P = E_s F_s(c2_s) / R^2``. When several prices
    solve this fixed point we take the largest (lenders coordinate on the best equilibrium; ours).

    With ``dy = dt = 0`` (Assumption 1 holds) Corollary 1 says the short route ``sigma = 0`` is optimal.
    Returns a :class:`MaturityChoice`. Raises ``ValueError`` naming the parameter and its admissible range.
    """
    D, dy, dt = float(D), float(dy), float(dt)
    if not (math.isfinite(D) and D > 0):
        raise ValueError(f"D must be > 0 (amount raised at t = 0), got {D!r}")
    if not (math.isfinite(dy) and 0 <= dy < y1):
        raise ValueError(f"dy must be in [0, y1) = [0, {y1}) (endowment shock at t = 1), got {dy!r}")
    if not (math.isfinite(dt) and 0 <= dt < tau_lo):
        raise ValueError(f"dt must be in [0, tau_lo) = [0, {tau_lo}) (shift of the default-cost range), got {dt!r}")
    sig = np.atleast_1d(np.asarray(sigmas, dtype=float))
    if sig.size == 0 or not np.all((sig >= 0) & (sig <= 1)):
        raise ValueError(f"sigmas must be long shares in [0, 1], got {sigmas!r}")
    toys = [create_buyback_toy(y1=y1 + s * dy, y2=y2, R=R, beta=beta, tau_lo=tau_lo - s * dt,
                               tau_hi=tau_hi - s * dt, l=0.0) for s in (-1, 1)]   # bad, good

    def outcome(b1, l, states=False):
        F, V = [], []
        for t in toys:
            if l >= t.y2 * (1 - 1e-9):
                return (0.0, -math.inf, (0.0, 0.0)) if states else (0.0, -math.inf)
            try:
                _, _, c2, v = _period_1(t, b1, l, 1e-10)
            except ValueError:            # b1 cannot be repaid at t = 1 in this state
                return (math.nan, -math.inf, (math.nan, math.nan)) if states else (math.nan, -math.inf)
            F.append(_repay_prob(t, c2))
            V.append(v)
        return (float(np.mean(F)), float(np.mean(V)), tuple(F)) if states else (float(np.mean(F)), float(np.mean(V)))

    values, prices, faces, Fs = [], [], [], []
    for sg in sig:
        b1 = (1 - sg) * D * R
        if sg == 0:
            F, V, Fst = outcome(b1, 0.0, states=True)
            values.append(V), prices.append(F / R ** 2 if np.isfinite(F) else math.nan), faces.append(0.0)
            Fs.append(Fst)
            continue

        def gap(P):
            F, _ = outcome(b1, sg * D / P)
            return P - (F if np.isfinite(F) else 0.0) / R ** 2

        Ps = np.linspace(1 / R ** 2, sg * D / (0.99 * y2), 24)
        g = [gap(P) for P in Ps]
        k = next((i for i in range(1, Ps.size) if g[i] < 0 <= g[i - 1]), None)
        if k is None:
            values.append(-math.inf), prices.append(math.nan), faces.append(math.nan)
            Fs.append((math.nan, math.nan))
            continue
        from scipy.optimize import brentq

        P = brentq(gap, Ps[k], Ps[k - 1], xtol=1e-13)
        _, V, Fst = outcome(b1, sg * D / P, states=True)
        values.append(V), prices.append(P), faces.append(sg * D / P), Fs.append(Fst)
    values = np.array(values)
    return MaturityChoice(sig, values, np.array(prices), np.array(faces), float(sig[int(np.argmax(values))]),
                          np.array(Fs))
