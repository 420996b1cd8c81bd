"""Explorers of the secondary-markets chapter (``book/secondary_markets/``): draw functions and sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here :mod:`commitment.secondary_markets`): for each explorer a draw function ``draw_*(**params)``
returning a figure, or ``(figure, html)``, and its sliders ``*_SLIDERS`` (tuples of
:class:`commitment.explorer.Slider`) and, where the live version moves more, ``*_LIVE_SLIDERS``; the page
calls ``static_explorer(draw_*, *_SLIDERS, ...)`` and, in a cell that is not executed,
``live_explorer(draw_*, *_LIVE_SLIDERS)``. Where the sliders describe a point with nothing to draw, a draw
function raises :class:`commitment.explorer.NothingToDraw` with a short reason (here none does: every
mirror economy in the live ranges is admissible).

- :func:`draw_regimes` -- the four regimes of the mirror economy and the gain of secondary markets
  against risk aversion (page ``secondary_markets``).

Importing does no work; the gain curves are computed on the first call and cached (they depend on
neither sigma nor kappa, the sliders a reader moves most).
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullLocator

from commitment import secondary_markets as sm
from commitment.explorer import Slider
from commitment.plotting import COLORS

__all__ = ["SM_SETS", "KAPPA_SHOWN", "E_SHOWN", "sm_mask", "regimes", "gain_curve", "draw_regimes", "REGIME_SLIDERS",
           "REGIME_LIVE_SLIDERS"]

SM_SETS = ("all states", "Home-rich states", "Foreign-rich states", "no state")


def sm_mask(econ, which):
    """The states of the mirror economy where secondary markets open: one of :data:`SM_SETS`."""
    z = np.array([1 if lab.startswith("z=+1") else -1 for lab in econ.state_labels])
    return {"all states": z != 0, "Home-rich states": z == 1, "Foreign-rich states": z == -1,
            "no state": z == 0}[which]


def regimes(econ, sigma, which):
    """Consumption (c0, c) in the four regimes: no markets (endowments), no commitment (regional
    autarky), no commitment with secondary markets in the states ``which``, and commitment (complete
    markets)."""
    cm = sm.complete_markets(econ, sigma)
    aut = sm.regional_autarky(econ)
    part, _, _ = sm.partial_secondary_markets(econ, sigma, sm_mask(econ, which))
    return {"no markets": (econ.y0, econ.Y), "no commitment": (aut.c0, aut.c),
            "no commitment + SM": (part.c0, part.c), "commitment": (cm.c0, cm.c)}


@lru_cache(maxsize=64)
def gain_curve(g, v, e, a, sm_states):
    """Both regions' gains (%) of secondary markets in the chosen states, against risk aversion."""
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)
    sig = np.geomspace(0.25, 10, 30)
    lam = []
    for s_ in sig:
        r = regimes(econ, s_, sm_states)
        lam.append(100 * sm.ce_gain(sm.regional_welfare(econ, *r["no commitment + SM"], s_),
                                    sm.regional_welfare(econ, *r["no commitment"], s_), s_))
    return sig, np.array(lam)


def _regime_table(econ, regs, sigma):
    """Rows of the table: c0, mean and sd of c1 of each region's type A, and the certainty-equivalent
    welfare against the first best, per regime (HTML rows)."""
    W_fb = sm.regional_welfare(econ, *regs["commitment"], sigma)
    rows = []
    for name, (c0, c) in regs.items():
        W = sm.regional_welfare(econ, c0, c, sigma)
        ce = sm.ce_gain(W, W_fb, sigma)
        cells = []
        for k in (0, 2):  # type A of each region
            mean = c[k] @ econ.pi
            sd = np.sqrt(((c[k] - mean) ** 2) @ econ.pi)
            cells += [f"{c0[k]:.3f}", f"{mean:.3f}", f"{sd:.3f}", f"{100 * ce[econ.region[k]]:+.2f}%"]
        rows.append(f"<tr><td>{name}</td>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
    return rows


KAPPA_SHOWN = (1.0, 2.0, 4.0)
E_SHOWN = (0.0, 0.3, 0.6)


def _kappa_e_line(econ, sigma, mask, g, v, a, regs):
    """One line of text for every frame: the expected volume at the gross-ups ``KAPPA_SHOWN`` and Home's
    no-markets welfare (CE vs the first best) at the dispersions ``E_SHOWN``, so that the static explorer
    shows what kappa and e change without a figure per value (neither moves the gain curve: kappa changes
    no allocation, e only the no-markets row)."""
    vols = [sm.partial_market_volume(econ, sigma, mask, kappa=k)[1] for k in KAPPA_SHOWN]
    ces = []
    for e_ in E_SHOWN:
        ec = sm.mirror_economy(g=g, v=v, e=e_, a=a)
        W_fb = sm.regional_welfare(ec, *regs["commitment"], sigma)  # the first best pools e: same allocation
        ces.append(100 * sm.ce_gain(sm.regional_welfare(ec, ec.y0, ec.Y, sigma), W_fb, sigma)[0])
    return ("<p>Volume at κ = " + ", ".join(f"{k:g}" for k in KAPPA_SHOWN) + ": "
            + ", ".join(f"{x:.3f}" for x in vols) + " (the allocation does not move). Home's no-markets welfare "
            "vs the first best at e = " + ", ".join(f"{x:g}" for x in E_SHOWN) + ": "
            + ", ".join(f"{x:+.2f}%" for x in ces) + " (the other rows do not move).</p>")


def draw_regimes(sigma=2.0, g=0.1, v=0.2, e=0.3, a=0.0, kappa=1.0, sm_states="all states"):
    """The gain of secondary markets (in the states ``sm_states``) over no commitment, for both regions,
    against risk aversion, with the chosen sigma marked; under it, a table of the four regimes (type A's
    consumption and welfare against the first best) and the expected secondary-market volume with the
    cross-border gross-up ``kappa``."""
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)  # the live ranges keep 1 - |g| - v >= 0.2 > 0
    regs = regimes(econ, sigma, sm_states)
    rows = _regime_table(econ, regs, sigma)
    mask = sm_mask(econ, sm_states)
    _, vol = sm.partial_market_volume(econ, sigma, mask, kappa=kappa)  # partial-market portfolios
    head = ("<tr><th>regime</th>" + "".join(f"<th>{r}: {x}</th>" for r in ("H", "F")
            for x in ("c₀", "E c₁", "sd c₁", "CE vs FB")) + "</tr>")
    html = (f"<table>{head}{''.join(rows)}</table><p>Type-A agents shown. Expected secondary-market volume "
            f"(face value resold): {vol:.3f}.</p>" + _kappa_e_line(econ, sigma, mask, g, v, a, regs))
    sig, lam = gain_curve(g, v, e, a, sm_states)
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.plot(sig, lam[:, 0], color=COLORS["equilibrium"], label="home")
    ax.plot(sig, lam[:, 1], color=COLORS["alternative"], label="foreign")
    ax.axvline(sigma, color=COLORS["reference"], ls=":")
    ax.set_xscale("log")
    ax.set_xticks([0.25, 0.5, 1, 2, 5, 10], ["0.25", "0.5", "1", "2", "5", "10"])
    ax.xaxis.set_minor_locator(NullLocator())  # the log axis's unlabelled minor ticks: a third of each frame's time
    ax.set_xlabel("risk aversion σ")
    ax.set_ylabel("gain of secondary markets, %")
    ax.legend(loc="upper left")
    fig.subplots_adjust(left=0.135, right=0.97, bottom=0.17, top=0.95)  # fixed margins: tight_layout cost 50 ms a frame
    return fig, html


REGIME_SLIDERS = (
    Slider("sigma", "risk aversion σ", (0.5, 2.0, 5.0), 2.0, live=(0.2, 10.0, 0.1)),
    Slider("g", "youth endowment gap g", (0.1,), 0.1, live=(-0.3, 0.3, 0.01)),
    Slider("v", "regional volatility v", (0.1, 0.3), 0.1, live=(0.0, 0.5, 0.01)),
    Slider("e", "idiosyncratic dispersion e", (0.3,), 0.3, live=(0.0, 0.9, 0.05)),
    Slider("a", "world risk a", (0.0,), 0.0, live=(0.0, 0.3, 0.01)),
    Slider("kappa", "cross-border gross-up κ", (1.0,), 1.0, live=(1.0, 5.0, 0.5)),
    Slider("sm_states", "states with secondary markets", SM_SETS[:2], "all states", fmt="{}"),
)
# the live version also offers secondary markets in the Foreign-rich states only, or in none
REGIME_LIVE_SLIDERS = REGIME_SLIDERS[:-1] + (
    Slider("sm_states", "states with secondary markets", SM_SETS, "all states", fmt="{}"),
)
