r"""Proposition 2 (convexity of ``B*`` in the legacy coupon) and the Section 5.2 cost of trading long
bonds (convexity page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import create_model, expected_max, repay_cdf
from .planner import _off_grid_message, debt_capacity, policy_at, solve_map, solve_planner, value_of_debt
from .prices import perpetuity_price


class ConvexityInL(NamedTuple):
    """Second differences of ``B*(v, l)`` in the perpetuity coupon (:func:`proposition_2_second_difference`).

    At the nodes ``v`` of the model's grid: ``d2 = B*(v, l - dl) - 2 B*(v, l) + B*(v, l + dl)``;
    ``error = |d2 - d2_coarse|``, the change from the same computation on a grid with half the nodes
    (a bound on the grid error of ``d2`` for a scheme that converges with order >= 1); ``B``, ``c`` and
    ``F_next`` are the planner's debt, consumption and next-period repayment probability at ``(v, l)``.
    """

    l: float
    dl: float
    v: np.ndarray
    d2: np.ndarray
    error: np.ndarray
    B: np.ndarray
    c: np.ndarray
    F_next: np.ndarray


def proposition_2_second_difference(model, l, dl=0.05, *, fine=None):
    """Proposition 2 (convexity) in the perpetuity economy: ``d2(v) = B*(v, l-dl) - 2 B*(v, l) + B*(v, l+dl)``.

    Adding the inequality (aahw-convexity) of Proposition 2 at the coupon ``l`` for ``l' = l + dl`` and
    ``l' = l - dl`` cancels the price terms ``(1 + P(v, l)) dl``, so ``d2 >= 0`` at every ``v``. It is
    strictly positive where the strictness conditions hold with ``j = 1``: default next period has an
    interior probability, ``0 < F(v') < 1`` (condition (ii); (i) and (iii) hold, with ``p_0 = 1`` and
    ``sum_{k>=1} p_k dl = P dl != 0``). Where the allocation at ``l`` is riskless at every date (``beta R = 1``,
    ``v >= vD_hi``: ``v' = v`` and ``F = 1`` forever) condition (ii) fails and ``B*`` is affine in ``l``.

    ``B*`` comes from :func:`solve_planner`, which imposes nothing about convexity in ``l``. The three
    coupons are solved on ``model``'s grid and on a grid with half the nodes (same parameters and pad);
    the coarse ``d2``, interpolated at the fine nodes, gives the measured grid error. ``fine`` (optional):
    the planner's solutions at ``l - dl``, ``l``, ``l + dl`` on ``model``'s grid (e.g. from the page's own
    map), used instead of solving them again. Returns a :class:`ConvexityInL`.
    """
    l, dl = float(l), float(dl)
    if not (math.isfinite(dl) and dl > 0):
        raise ValueError(f"dl must be > 0 (coupon step), got {dl!r}")
    if not model.v[model.i_hi] == model.vD_hi:
        raise ValueError("proposition_2_second_difference needs a kink-aligned grid (create_model(align_kink=True))")
    coarse = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                          N=max(50, model.N // 2), pad=model.pad)
    ls = [l - dl, l, l + dl]
    if fine is None:
        fine = solve_map(model, ls)
    elif len(fine) != 3:
        raise ValueError(f"fine must hold three solutions (at l - dl, l, l + dl), got {len(fine)}")
    else:
        fine = [_given_or_solved(model, x, s) for x, s in zip(ls, fine)]
    d2 = fine[0].B - 2.0 * fine[1].B + fine[2].B
    d2_coarse = sum(w * debt_capacity(s, model.v) for w, s in zip((1.0, -2.0, 1.0), solve_map(coarse, ls)))
    mid = fine[1]
    return ConvexityInL(l, dl, model.v, d2, np.abs(d2 - d2_coarse), mid.B, mid.c, mid.F_next)


def trade_loss(sol_l, sol_lp, b):
    """Loss (current consumption) from reaching next period's value with perpetuity stock ``l'`` instead
    of passively (Section 5.2, Figure 1), at state ``(b, l)``:

    ``L = F(V1)/R [B*(V1, l) - B*(V1, l') - (1 + P(V1, l'))(l' - l)]``, ``V1`` the passive continuation.
    Returns ``(loss, V1)``; Proposition 2 says ``loss >= 0``."""
    m = sol_l.model
    v0 = value_of_debt(sol_l, b)
    if not np.isfinite(v0):
        raise ValueError(_off_grid_message(sol_l, b))
    _, v1 = policy_at(sol_l, v0)
    F1 = repay_cdf(v1, m.beta, m.y, m.tau_lo, m.tau_hi)
    P1 = perpetuity_price(sol_lp, v1)
    loss = F1 / m.R * (debt_capacity(sol_l, v1) - debt_capacity(sol_lp, v1) - (1 + P1) * (sol_lp.l - sol_l.l))
    return float(loss), float(v1)


def _given_or_solved(model, l, given):
    """``given`` (a :class:`PlannerSolution` at coupon ``l`` on ``model``'s grid, e.g. from the page's own
    map, to save a solve) or a fresh :func:`solve_planner`."""
    if given is None:
        return solve_planner(model, l)
    if not (given.model is model or np.array_equal(given.model.v, model.v)) or abs(given.l - l) > 1e-12:
        raise ValueError(f"a given solution must be at coupon l = {l} on the model's grid (got l = {given.l})")
    return given


class TradeLosses(NamedTuple):
    """Losses from trading long bonds (:func:`long_bond_trading_loss`) at the state ``(b, l)``: ``loss[k]``
    for the target stock ``l_prime[k]`` on ``model``'s grid, ``error[k]`` its change from a grid with half
    the nodes, ``V1`` the passive continuation value, ``F1 = F(V1)`` its repayment probability, and
    ``F2[k] = F(V2)`` the repayment probability one period later, ``V2`` the promise the ``l'[k]``-efficient
    allocation makes at ``V1``."""

    l: float
    b: float
    l_prime: np.ndarray
    loss: np.ndarray
    error: np.ndarray
    V1: float
    F1: float
    F2: np.ndarray


def long_bond_trading_loss(model, l, b, l_primes, *, solutions=None):
    """Section 5.2 (Figure 1): the loss :func:`trade_loss` ``L(b, l -> l')`` of reaching the passive
    continuation value ``V1`` with the perpetuity stock ``l'`` instead of ``l``, for each ``l'`` in
    ``l_primes``, with its grid error (the change from a grid with half the nodes).

    By Proposition 2 (the inequality (aahw-convexity) at date ``t+1``, promise ``V1``, with ``l`` and ``l'``
    exchanged) ``L >= 0``; it is strictly positive when the strictness conditions hold there with ``j = 1``:
    along the ``l'``-efficient allocation from ``V1``, default at ``t+2`` has an interior probability,
    ``0 < F2 < 1`` (``F1`` only scales the loss). Where the continuation is riskless forever (beta R = 1 and
    ``V1 >= vD_hi``; or beta R < 1, ``V1 = vD_hi`` and ``l' <= l*``, :func:`boundary_threshold`) the
    conditions fail, ``B*(V1, .)`` is affine between ``l`` and ``l'`` and ``L = 0``. ``B*`` comes from
    :func:`solve_planner`, which imposes nothing about trades. ``solutions`` (optional): a dict
    ``{coupon: PlannerSolution}`` on ``model``'s grid, used instead of solving again. Returns a
    :class:`TradeLosses`.
    """
    l, b = float(l), float(b)
    lp = np.atleast_1d(np.asarray(l_primes, dtype=float))
    if lp.size == 0 or not np.all(np.isfinite(lp)) or np.any(lp < 0):
        raise ValueError(f"l_primes must be finite target stocks >= 0, got {l_primes!r}")
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    out, F2 = [], []
    given = solutions or {}
    for m in (model, half):
        if m is model:
            s_l = _given_or_solved(m, l, given.get(l))
            s_lps = [_given_or_solved(m, x, given.get(x)) if x in given else solve_planner(m, x, initial=s_l)
                     for x in lp]
        else:
            s_l = solve_planner(m, l)
            s_lps = [solve_planner(m, x, initial=s_l) for x in lp]
        out.append([trade_loss(s_l, s_lp, b) for s_lp in s_lps])
        if m is model:
            V1 = out[0][0][1]
            F2 = [float(repay_cdf(policy_at(s_lp, V1)[1], m.beta, m.y, m.tau_lo, m.tau_hi)) for s_lp in s_lps]
    loss = np.array([x[0] for x in out[0]])
    F1 = float(repay_cdf(V1, model.beta, model.y, model.tau_lo, model.tau_hi))
    return TradeLosses(l, b, lp, loss, np.abs(loss - np.array([x[0] for x in out[1]])), V1, F1, np.array(F2))


# ------------------------------------------- Corollary 1: the sovereign's own joint choice of (V', l')


class JointChoice(NamedTuple):
    """The government's own choice of next period's promise ``V'`` and new perpetuity stock ``l'`` at the
    state ``(b, l)`` (:func:`corollary_1_gain`). For each target stock ``l_prime[k]``: ``W[k]`` the best
    value over ``V'``, ``V1[k]`` the best ``V'``, ``price[k] = F(V1)/R (1 + P(V1, l'))`` the price of a new
    perpetuity at that choice under the schedule ``prices``; ``gain[k] = W[k] - W(l)`` the value of trading
    to ``l'`` over staying at ``l``, ``error[k]`` its change from a grid with half the nodes. ``v0 = V(b, l)``
    is the equilibrium value at the state (the planner's inverse, Lemma 3)."""

    l: float
    b: float
    v0: float
    l_prime: np.ndarray
    W: np.ndarray
    V1: np.ndarray
    price: np.ndarray
    gain: np.ndarray
    error: np.ndarray
    prices: str


_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def _joint_value(s_l, s_lp, s_price, b, V1):
    """The government's value of the choice ``(V1, l')`` at ``(b, l)``: ``log c + beta G(V1)`` with
    ``c = y - l - b + F(V1)/R [B*(V1, l') + (1 + P(V1, l'_price))(l' - l)]`` (the budget (1) with the
    one-period price (4) and the perpetuity price (5)); ``s_price`` is the solution whose paths price the
    perpetuity. ``-inf`` where ``c <= 0``."""
    m = s_l.model
    F1 = repay_cdf(V1, m.beta, m.y, m.tau_lo, m.tau_hi)
    P1 = perpetuity_price(s_price, V1)
    c = m.y - s_l.l - b + F1 / m.R * (debt_capacity(s_lp, V1) + (1.0 + P1) * (s_lp.l - s_l.l))
    G1 = expected_max(V1, m.beta, m.y, m.tau_lo, m.tau_hi)
    return (math.log(c) if c > 0 else -math.inf) + m.beta * G1, F1 / m.R * (1.0 + P1), c, F1


def _best_joint_choice(s_l, s_lp, s_price, b, iters, v_hint):
    """``max_{V'} log c + beta G(V')`` at stock ``l'``: the best grid node or ``v_hint`` (the planner's own
    choice at ``l``; near ``b_max`` consumption is positive only close to it), perpetuity prices at the nodes
    from the grid's fixed point (:func:`perpetuity_price` with ``v=None``), then golden-section search on
    the two cells around it with prices along re-optimised paths. Returns ``(W, V1, price, e_W)``, ``e_W``
    the error of ``W`` that the planner solutions' own residuals allow: ``B*`` is within
    ``residual R/(R-1)`` of the fixed point (the operator contracts with modulus ``F/R <= 1/R``), which
    moves ``c`` by ``F/R`` times that, and ``log c`` by that over ``c``."""
    m = s_l.model
    v = m.v
    P = perpetuity_price(s_price)
    c = m.y - s_l.l - b + m.F_nodes / m.R * (s_lp.B + (1.0 + P) * (s_lp.l - s_l.l))
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(c > 0, np.log(np.where(c > 0, c, 1.0)), -np.inf) + m.beta * m.G_nodes
    k = int(np.argmax(w))
    centre = v[k]
    w_hint = _joint_value(s_l, s_lp, s_price, b, v_hint)[0]
    if w_hint > w[k]:
        centre = v_hint
    elif not np.isfinite(w[k]):   # no promise V' finances the trade with positive consumption: it loses all
        return -math.inf, math.nan, math.nan, 0.0
    lo, hi = max(centre - m.h, v[0]), min(centre + m.h, v[-1])
    f = lambda x: _joint_value(s_l, s_lp, s_price, b, x)[0]   # noqa: E731
    x1, x2 = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(iters):
        if f1 >= f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - _GOLDEN * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + _GOLDEN * (hi - lo)
            f2 = f(x2)
    cands = [(f1, x1), (f2, x2), (f(centre), centre)]
    Wbest, Vbest = max(cands)
    _, price, c_best, F_best = _joint_value(s_l, s_lp, s_price, b, Vbest)
    e_B = max(s_l.residual, s_lp.residual, s_price.residual) * m.R / (m.R - 1.0)
    e_W = F_best / m.R * e_B * (1.0 + abs(s_lp.l - s_l.l)) / c_best
    return Wbest, Vbest, price, e_W


def corollary_1_gain(model, l, b, l_primes, *, prices="equilibrium", solutions=None, iters=24):
    """Corollary 1 (sufficiency of short-term debt) as the government's own choice: at the state ``(b, l)``
    the government picks next period's promise ``V'`` and a new perpetuity stock ``l'`` jointly, facing the
    equilibrium schedules -- one-period bonds at ``q = F(V')/R`` (4) and new perpetuities at
    ``q (1 + P(V', l'))`` (5), where ``B*(., l')`` and ``P(., l')`` are those of the Markov equilibrium with
    stock ``l'`` (:func:`solve_planner`, which imposes nothing about trades). Its value is
    ``W(V', l') = log c + beta G(V')`` with ``c = y - l - b + q [B*(V', l') + (1 + P(V', l'))(l' - l)]``.
    The corollary says that staying at ``l`` is optimal: ``gain(l') = max_V' W(V', l') - max_V' W(V', l)
    <= 0`` for every ``l'`` (and ``max_V' W(V', l) = V(b, l)``, Proposition 1).

    ``prices="stale"`` prices the new perpetuities at ``1 + P(V', l)``, as if the stock stayed at ``l``:
    lenders who ignore that the trade changes the government's later choices, which violates the pricing
    condition (5) that the corollary's proof uses. Then prices no longer move against the government and,
    with ``B*`` strictly convex in ``l`` (Proposition 2), trading gains. ``error`` is the change of each gain
    from a grid with half the nodes plus the error the planner's residuals allow (see
    :func:`_best_joint_choice`); the golden-section search pins ``V'`` to ``2 h 0.618^iters``, which moves the
    maximum only to second order. A trade that no ``V'`` can finance with positive consumption has
    ``W = -inf`` (it loses everything).
    ``b`` may be an array of debt levels at the same ``l`` (the solves are shared); the fields of the
    result then have one row per level. ``solutions`` (optional): ``{coupon: PlannerSolution}`` on ``model``'s
    grid. Returns a :class:`JointChoice`.
    """
    l = float(l)
    bs = np.atleast_1d(np.asarray(b, dtype=float))
    if bs.ndim != 1 or bs.size == 0 or not np.all(np.isfinite(bs)):
        raise ValueError(f"b must be a finite number or a 1-d array of debt levels, got {b!r}")
    if prices not in ("equilibrium", "stale"):
        raise ValueError(f"prices must be 'equilibrium' or 'stale', got {prices!r}")
    lp = np.atleast_1d(np.asarray(l_primes, dtype=float))
    if lp.ndim != 1 or lp.size == 0 or not np.all(np.isfinite(lp)) or np.any(lp < 0):
        raise ValueError(f"l_primes must be finite target stocks >= 0, got {l_primes!r}")
    if not (isinstance(iters, (int, np.integer)) and 5 <= iters <= 200):
        raise ValueError(f"iters must be an integer in [5, 200] (golden-section steps), got {iters!r}")
    half = create_model(y=model.y, R=model.R, beta=model.beta, tau_lo=model.tau_lo, tau_hi=model.tau_hi,
                        N=max(50, model.N // 2), pad=model.pad)
    given = solutions or {}
    runs = []
    for m in (model, half):
        s_l = _given_or_solved(m, l, given.get(l)) if m is model else solve_planner(m, l)
        for x in bs:
            if not np.isfinite(value_of_debt(s_l, x)):
                raise ValueError(_off_grid_message(s_l, x))
        s_x = []
        for x in lp:
            if m is model and x in given:
                s_x.append(_given_or_solved(m, x, given[x]))
            else:
                s_x.append(s_l if x == l else solve_planner(m, x, initial=s_l))
        out, e = [], []
        for x in bs:
            hint = policy_at(s_l, value_of_debt(s_l, x))[1]
            W0, _, _, e0 = _best_joint_choice(s_l, s_l, s_l, x, int(iters), hint)
            if not np.isfinite(W0):
                raise ValueError(f"no promise V' leaves positive consumption at (b, l) = ({x}, {l}) without trading")
            row = [_best_joint_choice(s_l, s, s if prices == "equilibrium" else s_l, x, int(iters), hint)
                   for s in s_x]
            out.append([(o[0] - W0, o[0], o[1], o[2]) for o in row])
            e.append([o[3] + e0 for o in row])
        runs.append((np.array(out), np.array(e), s_l))
    (out, e_solver, s_l), (out_half, _, _) = runs
    gain = out[..., 0]
    with np.errstate(invalid="ignore"):
        diff = np.abs(gain - out_half[..., 0])
    diff[np.isneginf(gain) & np.isneginf(out_half[..., 0])] = 0.0   # infeasible on both grids
    shape = (lambda a: a) if np.ndim(b) else (lambda a: a[0])
    return JointChoice(l, shape(bs), shape(value_of_debt(s_l, bs)), lp, shape(out[..., 1]), shape(out[..., 2]),
                       shape(out[..., 3]), shape(gain), shape(diff + e_solver), prices)
