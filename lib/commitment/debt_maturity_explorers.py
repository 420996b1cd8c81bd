"""Explorers of the debt-maturity chapter (``book/debt_maturity/``): draw functions and their sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here :mod:`commitment.debt_maturity`): for each explorer a draw function ``draw_*(**params)`` returning
a figure, or ``(figure, html)``, and its sliders ``*_SLIDERS`` (tuples of
:class:`commitment.explorer.Slider`); the page calls ``static_explorer(draw_*, *_SLIDERS, ...)`` and, in a
cell that is not executed, ``live_explorer(...)``. Where the sliders describe a point with nothing to
draw, a draw function raises :class:`commitment.explorer.NothingToDraw` with a short reason (none does
here: every position of the live ranges draws; ``draw_yields`` clips the debt into the solved range).

- :func:`draw_map`, :func:`stationary_line` -- the debt-capacity map of Figures 2 and 3 (page
  ``perpetuity``), shared by those figures and the explorer;
- :func:`draw_capacity_map` -- the map for other discount factors, interest rates and default costs,
  with a path (page ``perpetuity``);
- :func:`draw_yields` -- yield curves and the cost of trading long bonds at beta R = 0.9 (page
  ``euler_yields``).

Importing does no work: the planner is solved on the first call, and cached (the frames differing only
in the initial state share one solve).
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from commitment import debt_maturity as dm
from commitment.explorer import Slider
from commitment.plotting import COLORS

__all__ = ["stationary_line", "stationary_curve", "draw_map", "solve_capacity_map", "draw_capacity_map", "CAPACITY_SLIDERS",
           "yield_map", "draw_yields", "YIELD_SLIDERS"]

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
    Slider("beta_R", "β R", (0.9, 1.0), 0.9, live=(0.85, 1.0, 0.01)),
    Slider("R", "R", (1.03, 1.05), 1.05, live=(1.01, 1.10, 0.01)),
    Slider("tau_lo", "bottom of the default-cost range τ_lo", (0.2,), 0.2, live=(0.05, 0.45, 0.05)),
    Slider("tau_hi", "top of the default-cost range τ_hi", (0.8, 0.9), 0.9, live=(0.5, 0.95, 0.05)),
    Slider("l0", "initial coupon l", (0.1, 0.5), 0.5, live=(0.0, 1.0, 0.05)),
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
