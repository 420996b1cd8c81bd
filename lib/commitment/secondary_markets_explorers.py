"""Explorers of the secondary-markets chapter (``book/secondary_markets/``): draw functions and sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here :mod:`commitment.secondary_markets`): for each explorer a draw function ``draw_*(**params)``
returning a figure, or ``(figure, html)``, and its sliders ``*_SLIDERS`` (tuples of
:class:`commitment.explorer.Slider`) and, where the live version moves more, ``*_LIVE_SLIDERS``; the page
calls ``static_explorer(draw_*, *_SLIDERS, ...)`` and, in a cell that is not executed,
``live_explorer(draw_*, *_LIVE_SLIDERS)``. Where the sliders describe a point with nothing to draw, a draw
function raises :class:`commitment.explorer.NothingToDraw` with a short reason (here: a youth gap and a
regional volatility that leave a region without endowment, ``1 - |g| - v <= 0``).

- :func:`draw_regimes` -- the four regimes of the mirror economy, the gain of secondary markets against
  risk aversion, and the paper that crosses the border (page ``secondary_markets``).

Every slider moves the figure (``tests/test_secondary_markets_explorer.py`` checks it): risk aversion,
the endowment parameters and the states with secondary markets move the gain curves and the welfare
bars; the dispersion ``e`` moves the "no markets" bars (every regime with markets pools it within
regions); the gross-up ``kappa`` moves the face value resold, and nothing else.

Importing does no work; the gain curves are computed on the first call and cached (they do not depend
on sigma or kappa).
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib.figure import Figure
import numpy as np
from matplotlib.ticker import NullLocator

from commitment import secondary_markets as sm
from commitment.explorer import NothingToDraw, Slider
from commitment.plotting import COLORS
from commitment.secondary_markets.economies import HOME

__all__ = ["SM_SETS", "REGIMES_SHOWN", "sm_mask", "regimes", "gain_curve", "regime_welfare", "border_paper",
           "draw_regimes", "REGIME_SLIDERS", "REGIME_LIVE_SLIDERS"]

SM_SETS = ("all states", "Home-rich states", "Foreign-rich states", "no state")
# the regimes drawn as welfare bars (commitment, the first best, is their zero line)
REGIMES_SHOWN = ("no markets", "no commitment", "no commitment + SM")


def sm_mask(econ, which):
    """The states of the mirror economy where secondary markets open: one of :data:`SM_SETS`."""
    if which not in SM_SETS:
        raise ValueError(f"sm_states must be one of {SM_SETS}, got {which!r}")
    z = np.array([1 if lab.startswith("z=+1") else -1 for lab in econ.state_labels])
    return {"all states": z != 0, "Home-rich states": z == 1, "Foreign-rich states": z == -1,
            "no state": z == 0}[which]


def _mirror(g, v, e, a):
    """The mirror economy, or :class:`NothingToDraw` where the sliders leave a region without endowment
    (the live ranges of g and v reach ``1 - |g| - v <= 0``)."""
    if not 1.0 - abs(g) - v > 0:
        raise NothingToDraw(f"a region has no endowment: 1 - |g| - v = {1.0 - abs(g) - v:.2f} must be > 0 "
                            f"(g = {g:g}, v = {v:g})")
    return sm.mirror_economy(g=g, v=v, e=e, a=a)


def regimes(econ, sigma, which):
    """Consumption (c0, c) in the four regimes: no markets (endowments), no commitment (regional
    autarky), no commitment with secondary markets in the states ``which``, and commitment (complete
    markets)."""
    cm = sm.complete_markets(econ, sigma)
    aut = sm.regional_autarky(econ)
    part, _, _ = sm.partial_secondary_markets(econ, sigma, sm_mask(econ, which))
    return {"no markets": (econ.y0, econ.Y), "no commitment": (aut.c0, aut.c),
            "no commitment + SM": (part.c0, part.c), "commitment": (cm.c0, cm.c)}


def regime_welfare(econ, regs, sigma):
    """Each regime's welfare against the first best, per region: the consumption-equivalent
    ``ce_gain(W_regime, W_commitment)`` (eq. 1 averaged over the region's residents), as a dict of
    arrays ``[home, foreign]``."""
    W_fb = sm.regional_welfare(econ, *regs["commitment"], sigma)
    return {name: sm.ce_gain(sm.regional_welfare(econ, c0, c, sigma), W_fb, sigma) for name, (c0, c) in regs.items()}


def border_paper(econ, sigma, mask, kappa):
    """``(net, resold)``: the expected face value that Home's residents owe or are owed across the border,
    net, at the partial-market allocation (``|sum_k m_k (c_ks - Y_ks)|`` over Home types, in the states
    of ``mask``), and the expected face value resold home on the secondary market at gross positions
    ``kappa`` times those nets (:func:`commitment.secondary_markets.partial_market_volume`)."""
    alloc, _, _ = sm.partial_secondary_markets(econ, sigma, mask)
    H = econ.region == HOME
    net = np.where(mask, np.abs(econ.mass[H] @ (alloc.c[H] - econ.Y[H])), 0.0) @ econ.pi
    _, resold = sm.partial_market_volume(econ, sigma, mask, kappa=kappa)
    return float(net), float(resold)


@lru_cache(maxsize=64)
def gain_curve(g, v, e, a, sm_states):
    """Both regions' gains (%) of secondary markets in the chosen states, against risk aversion."""
    econ = _mirror(g, v, e, a)
    sig = np.geomspace(0.2, 10, 30)
    lam = []
    for s_ in sig:
        r = regimes(econ, s_, sm_states)
        lam.append(100 * sm.ce_gain(sm.regional_welfare(econ, *r["no commitment + SM"], s_),
                                    sm.regional_welfare(econ, *r["no commitment"], s_), s_))
    return sig, np.array(lam)


def _regime_table(econ, regs, ce):
    """Rows of the table: c0, mean and sd of c1 of each region's type A, and the certainty-equivalent
    welfare against the first best, per regime (HTML rows)."""
    rows = []
    for name, (c0, c) in regs.items():
        cells = []
        for k in (0, 2):  # type A of each region
            mean = c[k] @ econ.pi
            sd = np.sqrt(((c[k] - mean) ** 2) @ econ.pi)
            cells += [f"{c0[k]:.3f}", f"{mean:.3f}", f"{sd:.3f}", f"{100 * ce[name][econ.region[k]]:+.2f}%"]
        rows.append(f"<tr><td>{name}</td>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    return rows


def _gain_panel(ax, sig, lam, sigma):
    ax.plot(sig, lam[:, 0], color=COLORS["equilibrium"], label="home")
    ax.plot(sig, lam[:, 1], color=COLORS["alternative"], label="foreign")
    ax.axvline(sigma, color=COLORS["reference"], ls=":")
    ax.set_xscale("log")
    ax.set_xlim(0.2, 10)
    ax.set_xticks([0.2, 0.5, 1, 2, 5, 10], ["0.2", "0.5", "1", "2", "5", "10"])
    ax.xaxis.set_minor_locator(NullLocator())  # the log axis's unlabelled minor ticks: a third of each frame's time
    ax.set_xlabel("risk aversion σ")
    ax.set_ylabel("gain of secondary markets, %")
    if np.ptp(lam) < 1e-9:  # no gain anywhere (no state with markets): matplotlib's +-0.055 axis has wide labels
        ax.set_ylim(lam.min() - 1, lam.max() + 1)
    ax.legend(loc="upper left", fontsize=8)


def _welfare_panel(ax, ce):
    x = np.arange(len(REGIMES_SHOWN))
    for j, (name, col) in enumerate((("home", COLORS["equilibrium"]), ("foreign", COLORS["alternative"]))):
        ax.bar(x + (j - 0.5) * 0.38, [100 * ce[r][j] for r in REGIMES_SHOWN], 0.38, color=col, label=name)
    ax.axhline(0, color=COLORS["reference"], lw=1)
    ax.set_xticks(x, ["no\nmarkets", "no\ncommitment", "no comm.\n+ SM"], fontsize=8)
    ax.set_ylabel("welfare vs first best, %")


def _border_panel(ax, net, resold):
    ax.bar([0, 1], [net, resold], 0.6, color=[COLORS["reference"], COLORS["first_best"]])
    ax.set_xticks([0, 1], ["net\nclaim", "paper\nresold"], fontsize=8)
    ax.set_ylabel("expected face value")


def draw_regimes(sigma=2.0, g=0.1, v=0.2, e=0.3, a=0.0, kappa=1.0, sm_states="all states"):
    """Three panels: the gain of secondary markets (in the states ``sm_states``) over no commitment, for
    both regions, against risk aversion, with the chosen sigma marked; each regime's welfare against the
    first best (the "no markets" bars move with ``e``); Home's expected net claim across the border and
    the face value resold on the secondary market with the gross-up ``kappa``. Under it, a table of the
    four regimes (type A's consumption and welfare against the first best)."""
    econ = _mirror(g, v, e, a)
    regs = regimes(econ, sigma, sm_states)
    ce = regime_welfare(econ, regs, sigma)
    mask = sm_mask(econ, sm_states)
    net, resold = border_paper(econ, sigma, mask, kappa)
    head = ("<tr><th>regime</th>" + "".join(f"<th>{r}: {x}</th>" for r in ("H", "F")
            for x in ("c₀", "E c₁", "sd c₁", "CE vs FB")) + "</tr>")
    html = (f"<table>{head}{''.join(_regime_table(econ, regs, ce))}</table><p>Type-A agents shown. Expected "
            f"net claim across the border {net:.3f}; face value resold on the secondary market {resold:.3f} "
            f"(gross-up κ = {kappa:g}).</p>")
    sig, lam = gain_curve(g, v, e, a, sm_states)
    # a bare Figure, not pyplot's: no figure manager to create and destroy for each of the static frames
    fig = Figure(figsize=(9.6, 3.2))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.5, 1.15, 0.6]})
    _gain_panel(axes[0], sig, lam, sigma)
    _welfare_panel(axes[1], ce)
    _border_panel(axes[2], net, resold)
    # fixed margins: tight_layout cost 50 ms a frame
    fig.subplots_adjust(left=0.075, right=0.99, bottom=0.2, top=0.96, wspace=0.42)
    return fig, html


# 16 static frames (about 0.15 s each: three panels of ticks and labels). Risk aversion is fixed on the
# website -- the left panel draws the gain over its whole range -- and moves in the live version.
REGIME_SLIDERS = (
    Slider("sigma", "risk aversion σ", (2.0,), 2.0, live=(0.2, 10.0, 0.1)),
    Slider("g", "youth endowment gap g", (0.1,), 0.1, live=(-0.3, 0.3, 0.01)),
    Slider("v", "regional volatility v", (0.1, 0.3), 0.1, live=(0.0, 0.8, 0.01)),
    Slider("e", "idiosyncratic dispersion e", (0.0, 0.3), 0.3, live=(0.0, 0.9, 0.05)),
    Slider("a", "world risk a", (0.0,), 0.0, live=(0.0, 0.3, 0.01)),
    Slider("kappa", "cross-border gross-up κ", (1.0, 3.0), 1.0, live=(1.0, 5.0, 0.5)),
    Slider("sm_states", "states with secondary markets", SM_SETS[:2], "all states", fmt="{}"),
)
# the live version also offers secondary markets in the Foreign-rich states only, or in none
REGIME_LIVE_SLIDERS = REGIME_SLIDERS[:-1] + (
    Slider("sm_states", "states with secondary markets", SM_SETS, "all states", fmt="{}"),
)
