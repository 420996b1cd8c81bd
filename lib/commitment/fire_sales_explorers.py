"""Explorers of the fire-sales chapter (``book/fire_sales/``): draw functions and their sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here :mod:`commitment.fire_sales`): for each explorer a draw function ``draw_*(**params)`` returning a
figure, or ``(figure, html)`` with a table shown under it, and its sliders as tuples of
:class:`commitment.explorer.Slider`: ``*_SLIDERS`` for the static version on the website and, where the
live version in Jupyter moves more parameters, ``*_LIVE_SLIDERS``. The page calls
``static_explorer(draw_env1, ENV1_SLIDERS, ...)`` and, in a cell that neither the build nor the tests
execute, ``live_explorer(draw_env1, ENV1_LIVE_SLIDERS)``. Where the sliders describe a point with nothing
to draw, a draw function raises :class:`commitment.explorer.NothingToDraw` with a short reason (the live
panel shows it); ``tests/test_explorers_live.py`` drives every live explorer through its live ranges.

Importing does no work: the economies are solved on the first call (and cached: the frames that differ
only in display sliders share one solve).

- :func:`draw_env1` -- Environment 1 of Kilenthong and Townsend (2014) under other parameters
  (page ``segregated_exchanges``); :func:`draw_env1_grids`, its website version, marks both grid steps
  of :data:`GRID_STEPS` in each figure.
- :func:`draw_two_state` -- the asymmetric two-state example of page ``collateral_economy`` (ours) as the
  probability of state 1 moves: binding patterns found by :func:`commitment.fire_sales.two_state_equilibrium`.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from commitment import fire_sales as fs
from commitment.explorer import NothingToDraw, Slider
from commitment.plotting import COLORS

__all__ = ["ENV1_SLIDERS", "ENV1_LIVE_SLIDERS", "GRID_STEPS", "solve_env1", "draw_env1", "draw_env1_grids",
           "TWO_STATE_SLIDERS", "TWO_STATE_LIVE_SLIDERS", "solve_two_state", "draw_two_state"]


def _frontier(econ, lo, hi, n):
    """Program 1's constrained frontier (:func:`commitment.fire_sales.planner_max_u1`) at ``n`` utilities
    U² evenly spaced on [lo, hi]: (U¹, U²), with U¹ = NaN (a gap in the line) where U² exceeds the largest
    attainable utility of type 2 (the top of the range can lie beyond the frontier's end)."""
    U2 = np.linspace(lo, hi, int(n))
    U1 = np.full(U2.size, np.nan)
    u2_max = None
    for i, u in enumerate(U2):
        if u2_max is not None and u >= u2_max:
            continue
        try:
            U1[i] = fs.planner_max_u1(econ, u)[0]
        except ValueError:  # "U2bar ... is not attainable"; and so is every larger U2
            u2_max = u
    return U1, U2


@lru_cache(maxsize=64)  # the frames differing only in z_eval or grid_step share the economics
def solve_env1(sigma, e20, alpha1, beta=1.0, R=1.0):
    """Environment 1 with CRRA ``sigma``, borrower's date-0 endowment ``e20`` (its date-1 endowment
    4 - e20 keeps the aggregates when alpha1 = 1/2), lenders' mass ``alpha1``, ``beta`` and ``R``: the
    economy, both equilibria ("ex": Definition 1; "op": Definition 3), 12 points of the constrained
    frontier around them (Program 1), and the supporting rights-price band (56) at 15 exchanges
    around the active one.

    Raises :class:`~commitment.explorer.NothingToDraw` where the segregated equilibrium is none of the
    kinds :func:`commitment.fire_sales.segregated_equilibrium` solves (e.g. lenders' mass alpha1 = 0.8:
    no single exchange has non-empty bands, and with two types there is no mixture of borrowers).
    """
    e21 = 4.0 - e20  # keep aggregates of Environment 1 when alpha1 = 1/2
    econ = fs.collateral_economy([alpha1, 1 - alpha1], [[3, 3], [e20, e20]], [[1, 1], [e21, e21]],
                                 beta=beta, R=[R], sigma=sigma)
    ce_ = fs.collateral_equilibrium(econ)
    try:
        se_ = fs.segregated_equilibrium(econ)
    except fs.NoSupportedEquilibrium as err:
        reason = str(err).split(";")[0].split(" (")[0]
        raise NothingToDraw(f"no equilibrium of the supported kinds at α¹ = {alpha1:g} (σ = {sigma:g}, "
                            f"e²₀ = {e20:g}, β = {beta:g}, R = {R:g}): {reason}") from err
    lo_, hi_ = sorted([ce_.U[1], se_.U[1]])
    m = max(hi_ - lo_, 0.02 * abs(hi_))
    U1_, U2_ = _frontier(econ, lo_ - m, hi_ + m, 12)
    zs_ = np.linspace(0.8 * se_.z[0, 0], min(1.2 * se_.z[0, 0], fs._z_max(econ) * 0.999), 15)
    b = np.array([fs.rights_price_band(econ, se_, z) for z in zs_])
    return econ, ce_, se_, U1_, U2_, zs_, b


def _allocation_table(ce_, se_):
    """Both allocations side by side: storage, prices, consumption c_{ℓt}^h and utilities (HTML)."""
    rows = [("k¹", ce_.k[0], se_.k[0]), ("k²", ce_.k[1], se_.k[1]), ("p₀", ce_.p0, se_.p0),
            ("z", ce_.z[0], se_.z[0, 0]), ("P(z)", None, se_.P[0, 0])]
    c_ex = np.stack([ce_.c0, ce_.c1[:, 0]], 1)     # (type, date, good)
    c_op = np.stack([se_.c0, se_.c1[:, 0, 0]], 1)
    rows += [(f"c{g + 1}{t}" + "¹²"[h], c_ex[h, t, g], c_op[h, t, g])
             for h in range(2) for t in range(2) for g in range(2)]
    rows += [("U¹", ce_.U[0], se_.U[0]), ("U²", ce_.U[1], se_.U[1])]
    cells = "".join(f"<tr><td>{n}</td><td>{'—' if x is None else format(x, '.4f')}</td><td>{y:.4f}</td></tr>"
                    for n, x, y in rows)
    return f"<table><tr><th></th><th>ex</th><th>op</th></tr>{cells}</table>"


def draw_env1(sigma, e20, alpha1, beta=1.0, R=1.0, z_eval=None, grid_step=0.0):
    """Left: the constrained frontier with the collateral equilibrium ("ex") and the equilibrium with
    segregated exchanges ("op"), which lies on it (Theorem 1), and, for ``grid_step > 0``, the equilibrium
    with exchanges restricted to the multiples of the step (as in the paper's tables). Right: the
    supporting band of rights prices (56) across exchanges z, the active exchange, and the whole band at
    the unused exchange ``z_eval``. Under the figure: both allocations.
    """
    return _draw_env1(sigma, e20, alpha1, beta, R, z_eval, (grid_step,) if grid_step > 0 else ())


def draw_env1_grids(sigma, e20, alpha1, z_eval=None):
    """The website's version of :func:`draw_env1`: the grid equilibria for the steps of
    :data:`GRID_STEPS` marked together in one figure (the live version moves the step with a slider), so
    the static explorer renders a third of the figures for the same content."""
    return _draw_env1(sigma, e20, alpha1, 1.0, 1.0, z_eval, GRID_STEPS)


GRID_STEPS = (0.025, 0.05)  # the grid steps the website's explorer marks
_GRID_MARKERS = ("D", "^", "v", "P")


def _draw_env1(sigma, e20, alpha1, beta, R, z_eval, grid_steps):
    econ, ce_, se_, U1_, U2_, zs_, b = solve_env1(sigma, e20, alpha1, beta, R)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    a1.plot(U2_, U1_, color=COLORS["first_best"], label="constrained frontier")
    a1.plot(ce_.U[1], ce_.U[0], "o", color=COLORS["autarky"], label="collateral equilibrium")
    a1.plot(se_.U[1], se_.U[0], "s", color=COLORS["equilibrium"], label="segregated exchanges")
    none = []
    for i, step in enumerate(grid_steps):  # exchanges restricted to the multiples of the step around z*
        zg = step * (np.round(se_.z[0, 0] / step) + np.arange(-4, 5))
        try:
            sg_ = fs.segregated_equilibrium(econ, z_grid=zg[(zg > 0) & (zg < fs._z_max(econ))])
            a1.plot(sg_.U[1], sg_.U[0], _GRID_MARKERS[i % len(_GRID_MARKERS)], color=COLORS["alternative"],
                    label=f"grid {step:g}: z = {sg_.z[0, 0]:.3f}")
        except RuntimeError:
            none.append(f"{step:g}")
    if none:
        a1.set_title(f"grid {', '.join(none)}: no single exchange is an equilibrium", fontsize=9)
    a1.set_xlabel("utility of type 2")
    a1.set_ylabel("utility of type 1")
    a1.legend(loc="lower left", fontsize=8)
    a2.plot(zs_, b[:, 0], color=COLORS["equilibrium"], label="band: lower")
    a2.plot(zs_, b[:, 1], color=COLORS["alternative"], label="band: upper")
    a2.plot(se_.z[0, 0], se_.P[0, 0], "o", color=COLORS["data"], label="active exchange")
    if z_eval is not None and z_eval < fs._z_max(econ):
        lo_z, hi_z = fs.rights_price_band(econ, se_, z_eval)
        a2.vlines(z_eval, lo_z, hi_z, color=COLORS["reference"], lw=4, label=f"band at z = {z_eval:.3f}")
    a2.set_xlabel("exchange z")
    a2.set_ylabel("price of rights")
    a2.legend(loc="upper left", fontsize=8)
    fig.subplots_adjust(left=0.095, right=0.975, bottom=0.14, top=0.92, wspace=0.25)  # fixed: no layout pass
    return fig, _allocation_table(ce_, se_)  # the table is shown below the figure


ENV1_SLIDERS = (  # the website's sliders, for draw_env1_grids (both grid steps in every figure)
    # σ is fixed on the website (each static value multiplies the frames to render, and the page has a
    # time budget); the live version moves it
    Slider("sigma", "CRRA σ", (2.0,), 2.0, live=(1.2, 4.0, 0.1)),
    Slider("e20", "borrower's date-0 endowment", (1.0, 1.75, 2.5), 1.0, live=(0.5, 2.5, 0.05)),
    Slider("alpha1", "share of lenders α¹", (0.5, 0.6), 0.5, live=(0.2, 0.8, 0.05)),
    Slider("z_eval", "band evaluated at z", (0.7,), 0.7, live=(0.6, 0.95, 0.005)),
)
# the live version (draw_env1) moves the grid step, adds beta and R, and moves every slider continuously
ENV1_LIVE_SLIDERS = ENV1_SLIDERS + (
    Slider("grid_step", "exchange-grid step (0: continuum)", (0.0, 0.025, 0.05), 0.0, live=(0.0, 0.05, 0.0025)),
    Slider("beta", "discount factor β", (0.9, 1.0), 1.0, live=(0.8, 1.0, 0.01)),
    Slider("R", "return on storage R", (1.0,), 1.0, live=(0.8, 1.2, 0.01)),
)


# --------------------------------------------------------------------------- any two-state economy


def _two_state_economy(pi1):
    """The chapter's asymmetric two-state example (collateral_economy page, ours) with pi = (pi1, 1 - pi1)."""
    if not (isinstance(pi1, (int, float, np.floating)) and 0.0 < pi1 < 1.0):
        raise ValueError(f"pi1 (probability of state 1) must be in (0, 1), got {pi1!r}")
    return fs.collateral_economy([0.4, 0.6], [[3, 3], [1, 1]], [[[1, 1], [2, 2]], [[3, 3], [1.5, 1.5]]],
                                 pi=[pi1, 1.0 - pi1])


@lru_cache(maxsize=64)
def solve_two_state(pi1):
    """The competitive equilibrium (:func:`commitment.fire_sales.two_state_equilibrium`) of the example at
    ``pi1``, and its KKT check; raises :class:`~commitment.explorer.NothingToDraw` where the solver finds
    none or its own check fails."""
    econ = _two_state_economy(pi1)
    try:
        eq = fs.two_state_equilibrium(econ)
    except fs.NoSupportedEquilibrium as err:
        raise NothingToDraw(f"no equilibrium found at π₁ = {pi1:g}") from err
    kkt = fs.two_state_kkt_residual(econ, eq)
    if not kkt.residual <= kkt.tol:
        raise NothingToDraw(f"the equilibrium at π₁ = {pi1:g} fails its KKT check")
    return econ, eq


_PI_CURVE = tuple(np.round(np.linspace(0.1, 0.9, 9), 10))


@lru_cache(maxsize=1)
def _storage_curve():
    K = []
    for p in _PI_CURVE:
        try:
            K.append(solve_two_state(float(p))[1].K)
        except NothingToDraw:
            K.append(np.nan)
    return np.array(K)


def draw_two_state(pi1):
    """Left: each type's net asset value y_s = θ_s + p_s R_s k in each state (the collateral constraint is
    y_s >= 0; hatched bars bind), at probability ``pi1`` of state 1. Right: aggregate storage K of the
    competitive equilibrium against π₁, and the current point. Under the figure: prices and multipliers."""
    econ, eq = solve_two_state(float(pi1))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    x = np.arange(2)
    for h, col in enumerate((COLORS["equilibrium"], COLORS["alternative"])):
        bars = a1.bar(x + (h - 0.5) * 0.38, eq.y[h], 0.36, color=col, label=f"type {h + 1}")
        for s, bar in enumerate(bars):
            if eq.binding[h, s]:
                bar.set_hatch("//")
                bar.set_edgecolor(COLORS["data"])
                a1.annotate("binds", (bar.get_x() + bar.get_width() / 2, 0.0), ha="center", va="bottom",
                            fontsize=8)
    a1.set_xticks(x, ["state 1", "state 2"])
    a1.set_ylabel("net asset value y (good 1)")
    a1.set_title(f"π₁ = {pi1:g}: K = {eq.K:.4f}", fontsize=10)
    a1.legend(loc="upper right", fontsize=8)
    a2.plot(_PI_CURVE, _storage_curve(), "-o", ms=3, color=COLORS["first_best"], label="competitive equilibrium")
    a2.plot(pi1, eq.K, "s", color=COLORS["data"], label="this π₁")
    a2.set_xlabel("probability of state 1, π₁")
    a2.set_ylabel("aggregate storage K")
    a2.legend(loc="best", fontsize=8)
    fig.subplots_adjust(left=0.095, right=0.975, bottom=0.14, top=0.9, wspace=0.28)
    rows = [("p₀", eq.p0), ("Q₁", eq.Q[0]), ("Q₂", eq.Q[1]), ("z₁", eq.z[0]), ("z₂", eq.z[1])]
    rows += [(f"γ{'₁₂'[s]}" + "¹²"[h] + " / u₁₀", eq.gamma[h, s] / eq.mu0[h])
             for h in range(2) for s in range(2)]
    cells = "".join(f"<tr><td>{n}</td><td>{v:.4f}</td></tr>" for n, v in rows)
    return fig, f"<table>{cells}</table>"


TWO_STATE_SLIDERS = (
    Slider("pi1", "probability of state 1, π₁", (0.2, 0.35, 0.5, 0.65, 0.8), 0.5, live=(0.05, 0.95, 0.01)),
)
TWO_STATE_LIVE_SLIDERS = TWO_STATE_SLIDERS
