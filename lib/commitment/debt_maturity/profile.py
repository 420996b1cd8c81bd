r"""The non-stationary planner for a general legacy profile (Proposition 2, convexity page).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .model import DebtMaturityModel, repay_cdf
from .bellman import bellman_operator
from .planner import PlannerSolution, _args, _hermite_many, _invert, _optimize_at, solve_planner


# --------------------------------------------------------------- general legacy profiles (Prop. 2)


class ProfileSolution(NamedTuple):
    """Non-stationary planner for a legacy profile ``l_0, ..., l_{T-1}`` followed by the perpetuity
    ``tail`` from T on: ``B[t]`` is ``B*(v, l_{>=t}, t)`` on the grid, with consumption ``c[t]`` and
    promises ``v_next[t]``; ``B[T]`` is the stationary solution at the tail coupon."""

    model: DebtMaturityModel
    l: np.ndarray
    tail: PlannerSolution
    B: np.ndarray
    c: np.ndarray
    v_next: np.ndarray


def solve_profile(model, l_seq, tail=None):
    """Backward induction on the planner's Bellman equation with time-varying legacy payments:
    ``B_t(v) = max_{v'} {y - l_t - C(v - beta G(v')) + F(v') B_{t+1}(v')/R}``, t = T-1, ..., 0, from
    ``B_T = B*(., tail)`` (a :class:`PlannerSolution`; default: no legacy debt after T)."""
    l_seq = np.asarray(l_seq, dtype=float)
    tail = tail if tail is not None else solve_planner(model, 0.0)
    T = l_seq.size
    B = np.empty((T + 1, model.N))
    c = np.empty((T + 1, model.N))
    vn = np.empty((T + 1, model.N))
    B[T], c[T], vn[T] = tail.B, tail.c, tail.v_next
    for t in range(T - 1, -1, -1):
        B[t], c[t], vn[t] = bellman_operator(model, l_seq[t], B[t + 1], -c[t + 1])
    return ProfileSolution(model, l_seq, tail, B, c, vn)


def profile_debt_capacity(prof, t, v):
    """``B*(v, l_{>=t}, t)`` at any promise ``v`` (Hermite interpolation with envelope slopes ``-c[t]``)."""
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = _hermite_many(prof.model.v, prof.model.h, prof.B[t], -prof.c[t], arr.ravel()).reshape(arr.shape)
    return out if np.ndim(v) else float(out[0])


def profile_discounts(prof, v0, K):
    """Survival-weighted discounts ``p_k = prod_{i=1}^k F(V_{t+i})/R``, k = 0..K, along the planner's
    path from the promise ``v0`` at t = 0 (Proposition 2: ``dB*/dl_k = -p_k``)."""
    m = prof.model
    T = prof.l.size
    p = np.empty(K + 1)
    p[0] = 1.0
    v = float(v0)
    for k in range(1, K + 1):
        t = k - 1
        if t < T:
            _, _, v = _optimize_at(v, m.v, m.h, prof.B[t + 1], -prof.c[t + 1], m.F_nodes, m.A_nodes, m.i_hi,
                                   m.y - prof.l[t], m.beta, m.R, m.y, m.tau_lo, m.tau_hi)
        else:
            _, _, v = _optimize_at(v, *_args(prof.tail))
        p[k] = p[k - 1] * repay_cdf(v, m.beta, m.y, m.tau_lo, m.tau_hi) / m.R
    return p


def profile_value_of_debt(prof, t, b):
    """``V(b, l_{>=t}, t)``: the promise at which ``B*(., l_{>=t}, t)`` equals the one-period debt ``b``
    (Lemma 3's inverse, on the Hermite interpolant of ``B[t]``). Raises ``ValueError`` outside the grid's range."""
    m = prof.model
    B = prof.B[t]
    b = float(b)
    if not (B[-1] <= b <= B[0]):
        raise ValueError(f"b = {b} is outside [B*(v_max), b_max] = [{B[-1]:.6g}, {B[0]:.6g}] of the profile at t = {t}")
    return float(_invert(m.v, m.h, B, -prof.c[t], b))


def profile_policy_at(prof, t, v):
    """The planner's choice at date ``t`` and promise ``v`` (off the grid): ``(c, v')``."""
    m = prof.model
    if t >= prof.l.size:
        _, c, vn = _optimize_at(float(v), *_args(prof.tail))
        return float(c), float(vn)
    _, c, vn = _optimize_at(float(v), m.v, m.h, prof.B[t + 1], -prof.c[t + 1], m.F_nodes, m.A_nodes, m.i_hi,
                            m.y - prof.l[t], m.beta, m.R, m.y, m.tau_lo, m.tau_hi)
    return float(c), float(vn)


class ZeroCouponCurve(NamedTuple):
    """``B*(v, x e_k, 0)`` for a legacy of one zero-coupon bond of face ``x`` due at date ``k`` (and nothing
    else, or the perpetuity ``tail`` from a later date), at the promise ``v``, for each face ``x`` in
    ``face``: ``B``; ``p_k`` the survival-weighted discount of date ``k`` along each allocation (Proposition 2:
    ``dB*/dx = -p_k``, the bond's price)."""

    k: int
    v: float
    face: np.ndarray
    B: np.ndarray
    p_k: np.ndarray


def zero_coupon_curve(model, k, faces, v, *, tail=None):
    """Figures 1 and 5 of the paper with a zero-coupon legacy bond, as drawn there: the debt capacity
    ``B*(v, x e_k, 0)`` as a function of the face ``x`` of a single bond due at date ``k`` (k = 0: due now),
    and the bond's price ``p_k`` at each ``x`` (the slope of the tangent, Proposition 2). Each point is one
    :func:`solve_profile` with the profile ``(0, ..., 0, x)`` of length ``k + 1`` (``tail``: the stationary
    solution after ``k``; default no legacy). Returns a :class:`ZeroCouponCurve`."""
    if not (isinstance(k, (int, np.integer)) and 0 <= k <= 200):
        raise ValueError(f"k must be an integer maturity in [0, 200], got {k!r}")
    x = np.atleast_1d(np.asarray(faces, dtype=float))
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"faces must be finite, got {faces!r}")
    if not (math.isfinite(v) and model.v[0] <= v <= model.v[-1]):
        raise ValueError(f"v must lie on the model's grid [{model.v[0]:.6g}, {model.v[-1]:.6g}], got {v!r}")
    tail = tail if tail is not None else solve_planner(model, 0.0)
    B, p = np.empty(x.size), np.empty(x.size)
    for i, xi in enumerate(x):
        seq = np.zeros(int(k) + 1)
        seq[int(k)] = xi
        prof = solve_profile(model, seq, tail)
        B[i] = profile_debt_capacity(prof, 0, v)
        p[i] = profile_discounts(prof, v, int(k))[int(k)]
    return ZeroCouponCurve(int(k), float(v), x, B, p)
