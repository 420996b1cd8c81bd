"""Explorers of the debt-maturity chapter (``book/debt_maturity/``): draw functions and their sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here :mod:`commitment.debt_maturity`): for each explorer a draw function ``draw_*(**params)`` returning
a figure, or ``(figure, html)``, and its sliders ``*_SLIDERS`` (tuples of
:class:`commitment.explorer.Slider`); the page calls ``static_explorer(draw_*, *_SLIDERS, ...)`` and, in a
cell that is not executed, ``live_explorer(...)``. Where the sliders describe a point with nothing to
draw, a draw function raises :class:`commitment.explorer.NothingToDraw` with a short reason (here
``draw_trade`` and ``draw_restructuring``, where the debt exceeds the capacity; ``draw_yields`` clips the
debt into the solved range instead).

- :func:`draw_map`, :func:`stationary_line` -- the debt-capacity map of Figures 2 and 3 (page
  ``perpetuity``), shared by those figures and the explorer;
- :func:`draw_capacity_map` -- the map for other discount factors, interest rates and default costs,
  with a path (page ``perpetuity``);
- :func:`draw_yields` -- yield curves and the cost of trading long bonds at beta R = 0.9 (page
  ``euler_yields``);
- :func:`draw_trade` -- Figure 1 with a zero-coupon bond, for a trade of any size (page ``convexity``);
- :func:`draw_restructuring` -- Figure 5 with a zero-coupon bond, at any state (page ``restructuring``).

Importing does no work: the planner is solved on the first call, and cached (the frames differing only
in the initial state share one solve).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from commitment import debt_maturity as dm
from commitment.explorer import NothingToDraw, Slider
from commitment.plotting import COLORS

__all__ = ["stationary_line", "stationary_curve", "draw_map", "solve_capacity_map", "draw_capacity_map", "CAPACITY_SLIDERS",
           "yield_map", "draw_yields", "YIELD_SLIDERS", "ZeroCouponTrade", "zero_coupon_trade", "draw_trade",
           "TRADE_SLIDERS", "ZeroCouponRestructuring", "zero_coupon_restructuring", "draw_restructuring",
           "RESTRUCTURING_SLIDERS"]

COUPONS = np.round(np.linspace(0.0, 1.0, 21), 10)  # the coupons l = 0, 0.05, ..., 1 solved for a map
COUPONS.flags.writeable = False


def stationary_line(m, ls):
    """Steady-state one-period debt against l: the no-default boundary for l <= l*, the root of
    (aahw-ss-interior) above it (beta R < 1); for beta R = 1 the b = 0 axis beyond the riskless region."""
    out = []
    for l in ls:
        if abs(m.beta * m.R - 1) < 1e-12:
            out.append(max(m.R / (m.R - 1) * (m.y * (1 - m.tau_hi) - l), 0.0))
        elif l <= dm.boundary_threshold(m):
            out.append(m.R / (m.R - 1) * (m.y * (1 - m.tau_hi) - l))
        else:
            out.append(dm.steady_state_interior(m, l)[1])
    return np.array(out)


def stationary_curve(m, n=2001):
    """The stationary line of :func:`stationary_line` as a curve ``(l, b)``, drawn without root finding.

    For beta R < 1, (aahw-ss-interior) is linear in ``l``: at a promise ``v`` in the default region it
    holds for ``l(v) = y - c - (1 - beta R) c (1 - F/R) F/f`` (``c = exp(v - beta G(v))``), with
    ``b(v) = (y - l - c)/(1 - F/R)``; ``n`` promises in ``(vD_lo, vD_hi)`` trace the interior branch
    (ours; the explorer's figure only), and the no-default boundary ``R/(R-1) (y (1 - tau_hi) - l)`` is the
    branch for ``0 <= l <= l*``. Only ``0 <= l <= 1`` is kept. ``l(v)`` falls with ``v`` (on 300 random
    economies of the live sliders' ranges), so the curve is the graph of a function of ``l``; a test checks
    its points against :func:`stationary_line`'s roots. For beta R = 1, :func:`stationary_line`."""
    if abs(m.beta * m.R - 1) < 1e-12:
        ls = np.linspace(0.0, 1.0, 201)
        return ls, stationary_line(m, ls)
    eps = 1e-9 * (m.vD_hi - m.vD_lo)
    v = np.linspace(m.vD_lo + eps, m.vD_hi - eps, n)
    F = dm.repay_cdf(v, m.beta, m.y, m.tau_lo, m.tau_hi)
    f = dm.repay_pdf(v, m.beta, m.y, m.tau_lo, m.tau_hi)
    c = np.exp(v - m.beta * dm.expected_max(v, m.beta, m.y, m.tau_lo, m.tau_hi))
    l_int = m.y - c - (1 - m.beta * m.R) * c * (1 - F / m.R) * F / f
    b_int = (m.y - l_int - c) / (1 - F / m.R)
    l_star = dm.boundary_threshold(m)
    l_bd = np.linspace(0.0, max(l_star, 0.0), 50) if l_star > 0 else np.empty(0)
    b_bd = m.R / (m.R - 1) * (m.y * (1 - m.tau_hi) - l_bd)
    order = np.argsort(l_int)
    l_int, b_int = l_int[order], b_int[order]
    keep = (l_int >= max(l_star, 0.0)) & (l_int <= 1.0)
    return np.concatenate([l_bd, l_int[keep]]), np.concatenate([b_bd, b_int[keep]])


def draw_map(ax, m, sols, ls, v_solid, v_dotted, paths, b_top, steady=None):
    """Iso-value lines b = B*(v, l), the shaded no-default region, the stationary line and paths.
    ``steady`` = (l, b) of the stationary line, if already computed."""
    B = np.array([s.B for s in sols])
    boundary = np.maximum(B[:, m.i_hi], 0.0)
    ax.fill_between(ls, 0, boundary, color=COLORS["first_best"], alpha=0.18, lw=0,
                    label="no-default region, v >= vD_hi")
    for k, v in enumerate(v_solid):
        b = np.array([dm.debt_capacity(s, v) for s in sols])
        ax.plot(ls, np.where((b >= 0) & (b <= b_top), b, np.nan), color=COLORS["equilibrium"], lw=1.5,
                label="iso-value line" if k == 0 else None)
    for k, v in enumerate(v_dotted):
        b = np.array([dm.debt_capacity(s, v) for s in sols])
        ax.plot(ls, np.where((b >= 0) & (b <= b_top), b, np.nan), color=COLORS["equilibrium"], lw=1.5, ls=":",
                label="iso-value line, v > vD_hi" if k == 0 else None)
    if steady is None:
        fine = np.linspace(ls[0], ls[-1], 201)
        steady = (fine, stationary_line(m, fine))
    ax.plot(*steady, color=COLORS["reference"], ls="--", label="steady states")
    for l0, b0, T in paths:
        s = sols[int(np.argmin(np.abs(ls - l0)))]
        p = dm.simulate_path(s, b0, T)
        ax.plot(np.full(T + 1, s.l), p.b, "o", color=COLORS["autarky"], ms=4,
                label="equilibrium path" if (l0, b0, T) == paths[0] else None)
        ax.annotate("", xy=(s.l, p.b[-1]), xytext=(s.l, p.b[0]),
                    arrowprops=dict(arrowstyle="->", color=COLORS["autarky"], lw=1.2))
    ax.set_xlim(ls[0], ls[-1])
    ax.set_ylim(0, b_top)
    ax.set_xlabel("perpetuity coupon l")
    ax.set_ylabel("one-period debt b")
    ax.legend(loc="upper right", fontsize=9)


# ------------------------------------------------------------------ the debt-capacity map (page perpetuity)


@lru_cache(maxsize=32)
def solve_capacity_map(beta_R, R, tau_lo, tau_hi):
    """The planner's debt capacity B*(v, l) at N = 300 for the coupons l = 0, 0.05, ..., 1, and the
    stationary line (:func:`stationary_curve`): ``(model, coupons, solutions, (l, b))``."""
    m = dm.create_model(R=R, beta=beta_R / R, tau_lo=tau_lo, tau_hi=tau_hi, N=300)
    return m, COUPONS, dm.solve_map(m, COUPONS), stationary_curve(m)


def draw_capacity_map(beta_R, R, tau_lo, tau_hi, l0):
    """The debt-capacity map of Figures 2-3 (iso-value lines through 15 %, ..., 95 % of b_max at l = 0;
    the no-default region; the steady states) for the given economy, with the equilibrium path from
    (l0, 0.9 b_max(l0)), or from half-way into the debt range the grid in v covers if that is higher."""
    m, lgrid, sols, steady = solve_capacity_map(beta_R, R, tau_lo, tau_hi)
    s0 = sols[0]
    top = float(np.ceil(s0.b_max))
    v_lines = dm.value_of_debt(s0, np.linspace(0.15, 0.95, 6) * s0.b_max)
    s = sols[int(np.argmin(np.abs(lgrid - l0)))]
    # start at 0.9 b_max, or halfway into the debt range the grid in v covers (very low R in the live version)
    b_start = max(0.9 * s.b_max, 0.5 * (s.B[-1] + s.b_max))
    fig, ax = plt.subplots(figsize=(7, 4.4))
    draw_map(ax, m, sols, lgrid, v_lines[v_lines < m.vD_hi], v_lines[v_lines >= m.vD_hi],
             [(l0, b_start, 40)], top, steady)
    return fig


CAPACITY_SLIDERS = (
    # the website moves beta R only, over six values (one solve each): the kink l* of the steady-state line
    # (the boundary between boundary and interior steady states) moves right and the interior steady states
    # sink to b = 0 as beta R rises to 1; Jupyter moves every slider
    Slider("beta_R", "β R", (0.85, 0.9, 0.94, 0.97, 0.99, 1.0), 0.9, live=(0.85, 1.0, 0.01)),
    Slider("R", "R", (1.05,), 1.05, live=(1.01, 1.10, 0.01)),
    Slider("tau_lo", "bottom of the default-cost range τ_lo", (0.2,), 0.2, live=(0.05, 0.45, 0.05)),
    Slider("tau_hi", "top of the default-cost range τ_hi", (0.9,), 0.9, live=(0.5, 0.95, 0.05)),
    Slider("l0", "initial coupon l", (0.5,), 0.5, live=(0.0, 1.0, 0.05)),
)


# ------------------------------------------------------------------ yield curves (page euler_yields)


@lru_cache(maxsize=1)
def yield_map():
    """The beta R = 0.9 economy of Figures 3-4 (R = 1.05, N = 800) solved at the coupons 0, 0.05, ..., 1 to
    sup|TB - B| < 1e-11, as on the page: ``(model, {l: solution})``."""
    m9 = dm.create_model(beta=0.9 / 1.05)
    return m9, dict(zip(COUPONS, dm.solve_map(m9, COUPONS, tol=1e-11)))


def draw_yields(b0, l, *, solved=None):
    """Left: the yield curve r_k, k = 1, ..., 30, after the period's choice at (b0, l), with the
    steady-state rate R/F - 1 (Section 6.1, Figure 4). Right: the loss in current consumption from moving
    the perpetuity stock to l' instead of staying passive (zero at l' = l, positive elsewhere).
    ``solved`` (optional): ``(model, {l: solution})`` as :func:`yield_map` returns it, e.g. the page's own
    solutions (bind it with ``functools.partial``), used instead of solving the economy again."""
    m9, map9 = yield_map() if solved is None else solved
    if solved is not None and not all(any(abs(c - k) < 1e-12 for k in map9) for c in COUPONS):
        raise ValueError("solved must hold a solution at every coupon l = 0, 0.05, ..., 1")
    R = m9.R
    l = COUPONS[np.argmin(np.abs(COUPONS - l))]  # the live slider moves on the grid of solved coupons
    s = map9[l]
    # the live slider can leave the debt range the grid in v covers, [B*(v_max, l), b_max(l)]: clip into it
    b0 = float(np.clip(b0, s.B[-1] + 1e-6, s.b_max - 1e-6))
    kk = np.arange(1, 31)
    r = 100 * dm.yield_curve(m9, l, b0, kk, solution=s)
    # below l* the steady state sits on the no-default boundary, where F = 1
    Fs = 1.0 if l <= dm.boundary_threshold(m9) else dm.steady_state_interior(m9, l)[2]
    loss = [dm.trade_loss(s, map9[lp], b0)[0] for lp in COUPONS]
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6))
    axes[0].plot(kk, r, "o-", ms=3, color=COLORS["equilibrium"])
    axes[0].axhline(100 * (R / Fs - 1), color=COLORS["reference"], ls=":", lw=1.5)
    axes[0].set_xlabel(f"periods to maturity k (b = {b0:.2f}, l = {l:.2f})")
    axes[0].set_ylabel("yield r_k (percent)")
    axes[1].plot(COUPONS, loss, "o-", ms=3, color=COLORS["autarky"])
    axes[1].axvline(l, color=COLORS["reference"], ls=":", lw=1.5)
    axes[1].set_xlabel("new perpetuity stock l'")
    axes[1].set_ylabel("loss in current consumption")
    fig.tight_layout()
    return fig


YIELD_SLIDERS = (
    Slider("b0", "one-period debt b", (0.23, 0.6, 1.0, 1.33), 0.23, live=(0.0, 2.0, 0.01)),
    Slider("l", "perpetuity coupon l", (0.25, 0.5), 0.25, live=(0.0, 1.0, 0.05)),
)


# ------------------------------------------- trading a zero-coupon bond: Figure 1 (page convexity)

FIG1_FACE, FIG1_DEBT = 3.0, 3.5  # the page's example: face 3 of a zero-coupon bond, one-period debt 3.5 due now
FACES = np.round(np.linspace(0.0, 6.0, 7), 10)  # the faces at which the explorers draw the convex curve (one solve each)
FACES.flags.writeable = False


@lru_cache(maxsize=16)
def _economy(beta_R):
    """The chapter's economy (R = 1.05, N = 800) at ``beta R`` and its solution without legacy debt."""
    m = dm.create_model(beta=beta_R / 1.05)
    return m, dm.solve_planner(m, 0.0)


def _check_beta_R(beta_R):
    if not (0.8 <= beta_R <= 1.0):
        raise ValueError(f"beta_R must lie in [0.8, 1], got {beta_R!r}")


def _check_k(k):
    if not (float(k).is_integer() and 1 <= k <= 20):
        raise ValueError(f"k must be an integer maturity in [1, 20], got {k!r}")
    return int(k)


@lru_cache(maxsize=64)
def _trade_curve(beta_R, k):
    """Figure 1 with a zero-coupon bond (ours: the page's example): at date t the government owes
    ``FIG1_DEBT`` now and the face ``FIG1_FACE`` due at t + k + 1, nothing else; ``V1`` is its passive
    continuation, and the curve ``B*(V1, x e_k)`` over :data:`FACES` (:func:`zero_coupon_curve`)."""
    m, tail0 = _economy(beta_R)
    seq = np.zeros(k + 2)
    seq[-1] = FIG1_FACE
    prof = dm.solve_profile(m, seq, tail0)
    if not (prof.B[0][-1] <= FIG1_DEBT <= prof.B[0][0]):
        raise NothingToDraw(f"b = {FIG1_DEBT} exceeds the debt capacity {prof.B[0][0]:.3f} with face "
                            f"{FIG1_FACE} due at k = {k} (beta_R = {beta_R})")
    v_t = dm.profile_value_of_debt(prof, 0, FIG1_DEBT)
    v1 = dm.profile_policy_at(prof, 0, v_t)[1]
    return m, tail0, v1, dm.zero_coupon_curve(m, k, FACES, v1, tail=tail0)


def _smooth(curve, n=121):
    """The curve B*(v, x e_k) between its solved faces, by cubic Hermite interpolation with the slopes
    -p_k that Proposition 2 gives at each face (for drawing only): ``(x, B)`` at ``n`` points."""
    x, B, d = curve.face, curve.B, -curve.p_k
    xs = np.linspace(x[0], x[-1], n)
    i = np.clip(np.searchsorted(x, xs, side="right") - 1, 0, x.size - 2)
    h = x[i + 1] - x[i]
    s = (xs - x[i]) / h
    h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
    return xs, h00 * B[i] + h10 * h * d[i] + h01 * B[i + 1] + h11 * h * d[i + 1]


def _curve_and_tangent(c, value, k, face, b, p, point):
    """A new figure with the zero-coupon curve ``c`` (B*(value, x e_k) against the face x), its tangent
    at the point (face, b) with slope -p, and that point labelled ``point``. Returns (fig, ax)."""
    fig, ax = plt.subplots(figsize=(7, 4.4))
    ax.plot(*_smooth(c), color=COLORS["equilibrium"], lw=2, label=f"B*({value}, x e_{k})")
    tx = np.linspace(0.0, FACES[-1], 50)
    ax.plot(tx, b - p * (tx - face), color=COLORS["reference"], ls="--", lw=1.5,
            label=f"tangent at {point}, slope -p_{k} = {-p:.3f}")
    ax.plot([face], [b], "o", color=COLORS["autarky"])
    ax.annotate(point, (face, b), textcoords="offset points", xytext=(6, 6))
    return fig, ax


class ZeroCouponTrade(NamedTuple):
    """The geometry of Figure 1 with a zero-coupon bond of maturity ``k`` (next period), for a trade that
    moves its face from ``face`` to ``new_face`` while delivering the passive continuation ``V1``:
    ``b_hat`` = B*(V1, face e_k) (A''), ``b_act`` = B*(V1, new_face e_k) (A'), ``p_act`` the bond's price
    after the trade (the tangent's slope is ``-p_act``, Proposition 2), ``m`` the tangent's height at the
    inherited face, and ``loss`` = F(V1)/R (b_hat - m), the consumption lost (Section 5.2); ``curve`` the
    :class:`commitment.debt_maturity.ZeroCouponCurve` drawn."""

    beta_R: float
    k: int
    face: float
    new_face: float
    V1: float
    F1: float
    b_hat: float
    b_act: float
    p_act: float
    m: float
    loss: float
    curve: object


def zero_coupon_trade(beta_R, k, trade):
    """Figure 1 of the paper with a zero-coupon bond (Section 5.2; our example of the page ``convexity``):
    the government owes 3.5 now and a bond of face 3 due in ``k + 1`` periods, and reaches its passive
    continuation ``V1`` while moving the bond's face to ``3 + trade`` (``trade < 0``: a buyback). Returns a
    :class:`ZeroCouponTrade`. Raises ``NothingToDraw`` where the debt exceeds the capacity."""
    _check_beta_R(beta_R)
    k = _check_k(k)
    if not (-FIG1_FACE <= trade <= FACES[-1] - FIG1_FACE):
        raise ValueError(f"trade must lie in [{-FIG1_FACE:g}, {FACES[-1] - FIG1_FACE:g}] (the new face in "
                         f"[0, {FACES[-1]:g}]), got {trade!r}")
    m, tail0, v1, curve = _trade_curve(float(beta_R), k)
    new = FIG1_FACE + float(trade)
    pts = dm.zero_coupon_curve(m, k, [FIG1_FACE, new], v1, tail=tail0)
    b_hat, b_act = float(pts.B[0]), float(pts.B[1])
    p_act = float(pts.p_k[1])
    height = b_act + p_act * (new - FIG1_FACE)
    F1 = float(dm.repay_cdf(v1, m.beta, m.y, m.tau_lo, m.tau_hi))
    return ZeroCouponTrade(float(beta_R), k, FIG1_FACE, new, float(v1), F1, b_hat, b_act, p_act, height,
                           F1 / m.R * (b_hat - height), curve)


def draw_trade(trade, k, beta_R):
    """Figure 1 with a zero-coupon bond for a trade of size ``trade`` in the bond of maturity ``k`` (next
    period), at ``beta R``: the convex curve B*(V1, x e_k), the passive point A'' at the inherited face,
    the active point A' at the new face with its tangent of slope -p_k (the price after the trade), and
    the tangent's height m at the inherited face; below it, the loss F(V1)/R (b-hat' - m)."""
    g = zero_coupon_trade(beta_R, k, trade)
    c = g.curve
    if not (np.all(np.isfinite(c.B)) and np.isfinite(g.loss)):
        raise NothingToDraw(f"the debt capacity is not finite on the faces drawn (k = {k}, beta_R = {beta_R})")
    fig, ax = _curve_and_tangent(c, "V'", g.k, g.new_face, g.b_act, g.p_act, "A'")
    ax.plot([g.face], [g.b_hat], "o", color=COLORS["first_best"])
    ax.annotate("A''", (g.face, g.b_hat), textcoords="offset points", xytext=(-22, 6))
    ax.plot([g.face], [g.m], "s", color=COLORS["alternative"])
    ax.annotate("m", (g.face, g.m), textcoords="offset points", xytext=(6, -12))
    ax.axvline(g.face, color=COLORS["reference"], lw=1, ls=":")
    lo, hi = min(c.B.min(), g.m), max(c.B.max(), g.m)
    ax.set_ylim(lo - 0.08 * (hi - lo) - 0.05, hi + 0.08 * (hi - lo) + 0.05)
    ax.set_xlim(-0.1, FACES[-1] + 0.1)
    kind = "no trade" if g.new_face == g.face else ("buyback" if g.new_face < g.face else "issue")
    ax.set_xlabel(f"face x due at k = {g.k} ({kind} to face {g.new_face:g}: loss F/R (b-hat' - m) = {g.loss:.4f})")
    ax.set_ylabel("one-period debt b'")
    ax.legend(loc="upper right", fontsize=9)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.13, top=0.97)  # cheaper than tight_layout
    return fig


TRADE_SLIDERS = (
    Slider("trade", "trade size (change of the face)", (-3.0, -1.5, 0.0, 1.5, 3.0), 1.5, live=(-3.0, 3.0, 0.25)),
    Slider("k", "maturity k of the bond next period", (3, 6), 3, live=(1, 12, 1)),
    Slider("beta_R", "β R", (0.9,), 0.9, live=(0.85, 1.0, 0.01)),
)


# ------------------------------------------- restructuring with a zero-coupon bond: Figure 5 (page restructuring)


class ZeroCouponRestructuring(NamedTuple):
    """Figure 5 of the paper with a zero-coupon bond: state A = (face ``face`` due at ``k``, one-period debt
    ``b`` due now), ``V`` the government's value there, ``p_k`` the bond's price (the tangent's slope is
    ``-p_k``), ``m = b + p_k face`` the market value of all debt (the tangent's intercept), ``m_prime`` =
    B*(V, 0) the one-period debt that leaves the government indifferent with no other debt (the curve's
    intercept), and ``curve`` B*(V, x e_k) over the faces drawn."""

    beta_R: float
    k: int
    face: float
    b: float
    V: float
    p_k: float
    m: float
    m_prime: float
    curve: object


def zero_coupon_restructuring(b, face, k, beta_R):
    """Section 7, Figure 5 with a zero-coupon legacy bond (our example on the page ``restructuring``): the
    market value ``m`` of all debt and the most ``m'`` the government would swap it for, at the state
    (``b`` due now, ``face`` due in ``k`` periods). By Proposition 2 ``m' >= m``. Returns a
    :class:`ZeroCouponRestructuring`; raises ``NothingToDraw`` where ``b`` exceeds the debt capacity."""
    _check_beta_R(beta_R)
    k = _check_k(k)
    if not (0.0 <= face <= FACES[-1]):
        raise ValueError(f"face must lie in [0, {FACES[-1]:g}], got {face!r}")
    if not (math.isfinite(b) and b >= 0):
        raise ValueError(f"b must be a finite debt >= 0, got {b!r}")
    m, tail0 = _economy(float(beta_R))
    seq = np.zeros(k + 1)
    seq[k] = face
    prof = dm.solve_profile(m, seq, tail0)
    if b > prof.B[0][0]:
        raise NothingToDraw(f"b = {b:g} with face {face:g} due at k = {k} exceeds the debt capacity "
                            f"{prof.B[0][0]:.3f} (beta_R = {beta_R})")
    V = dm.profile_value_of_debt(prof, 0, b)
    curve = dm.zero_coupon_curve(m, k, FACES, V, tail=tail0)
    p_k = float(dm.profile_discounts(prof, V, k)[k])
    return ZeroCouponRestructuring(float(beta_R), k, float(face), float(b), float(V), p_k,
                                   float(b) + p_k * float(face), float(curve.B[0]), curve)


def draw_restructuring(b, face, k, beta_R):
    """Figure 5 with a zero-coupon bond: the curve B*(V, x e_k), the state A = (face, b) with its tangent of
    slope -p_k meeting the vertical axis at the market value m, and the curve's intercept m'; the segment
    [m, m'] holds the Pareto-improving swaps of all legacy claims into one-period debt."""
    r = zero_coupon_restructuring(b, face, k, beta_R)
    c = r.curve
    if not np.all(np.isfinite(c.B)):
        raise NothingToDraw(f"the debt capacity is not finite on the faces drawn (k = {k}, beta_R = {beta_R})")
    fig, ax = _curve_and_tangent(c, "V", r.k, r.face, r.b, r.p_k, "A")
    ax.plot([0, 0], [r.m, r.m_prime], color=COLORS["first_best"], lw=6, alpha=0.5, label="Pareto-improving swaps")
    ax.annotate("m", (0, r.m), textcoords="offset points", xytext=(8, -4))
    ax.annotate("m'", (0, r.m_prime), textcoords="offset points", xytext=(8, -4))
    lo, hi = min(c.B.min(), r.m), max(c.B.max(), r.m_prime)
    ax.set_ylim(lo - 0.08 * (hi - lo) - 0.05, hi + 0.08 * (hi - lo) + 0.05)
    ax.set_xlim(-0.15, FACES[-1] + 0.1)
    ax.set_xlabel(f"face x due at k = {r.k} (m = {r.m:.3f}, m' = {r.m_prime:.3f}, surplus {r.m_prime - r.m:.3f})")
    ax.set_ylabel("one-period debt due now b")
    ax.legend(loc="upper right", fontsize=9)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.13, top=0.97)  # cheaper than tight_layout
    return fig


RESTRUCTURING_SLIDERS = (
    Slider("b", "one-period debt due now b", (1.0, 2.5, 4.0), 4.0, live=(0.0, 6.0, 0.25)),
    Slider("face", "face of the zero-coupon bond l_k", (1.5, 3.0), 3.0, live=(0.0, 6.0, 0.25)),
    Slider("k", "periods to its maturity k", (3, 6), 3, live=(1, 12, 1)),
    Slider("beta_R", "β R", (0.9,), 0.9, live=(0.85, 1.0, 0.01)),
)
