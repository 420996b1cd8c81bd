"""Explorers of the self-enforcing-debt chapter (``book/self_enforcing_debt/``): draw functions, sliders.

Every chapter keeps its explorers in ``commitment/<chapter>_explorers.py``, next to the chapter's code
(here the package :mod:`commitment.self_enforcing_debt`): for each explorer a draw function
``draw_*(**params)`` returning a figure, or ``(figure, html)``, and its sliders ``*_SLIDERS`` (tuples of
:class:`commitment.explorer.Slider`); the page calls ``static_explorer(draw_*, *_SLIDERS, ...)`` and, in a
cell that is not executed, ``live_explorer(draw_*, *_SLIDERS)``. Where the sliders describe a point with
nothing to draw, a draw function raises :class:`commitment.explorer.NothingToDraw` with a short reason.

- :func:`draw_example` -- the two-agent example: Proposition 1's steady state and limits m times as
  large (page ``example``);
- :func:`draw_two_state` -- Hellwig-Lorenzoni against Alvarez-Jermann in the two-state extension (page
  ``stochastic``);
- :func:`draw_collapse` -- collapsing private debt, App. C(b) (page ``dynamics``);
- :func:`draw_small_open` -- our small open economy: exogenous R, limits growing at gamma; the default gap
  V - D date by date from the household solver, and debt against output (page ``environment``).

On the website (the pre-rendered explorers) risk aversion is fixed at σ = 1 (log utility, the paper's
case) in the example and the two-state explorers, which halves their rendering, most of those pages'
execution time; the example's static grid varies the split (footnote 8's transition) instead of β. The live
panels still move σ.

Importing does no work.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from commitment.explorer import NothingToDraw, Slider
from commitment.plotting import COLORS
from commitment.self_enforcing_debt import collapse_path, off_steady_state, repaying_plan, steady_state, transition

__all__ = ["draw_example", "EXAMPLE_SLIDERS", "draw_two_state", "TWO_STATE_SLIDERS", "draw_collapse",
           "COLLAPSE_SLIDERS", "draw_small_open", "SMALL_OPEN_SLIDERS"]

M_GRID = np.linspace(0.3, 1.8, 21)   # debt levels relative to the self-enforcing level, right panel
M_GRID.flags.writeable = False


def _finite_utility(beta, g, sigma):
    """Raise :class:`NothingToDraw` unless beta_hat = beta g^(1 - sigma) < 1 (finite lifetime utility)."""
    if beta * g ** (1 - sigma) >= 1:
        raise NothingToDraw(f"infinite utility: β g^(1-σ) = {beta * g ** (1 - sigma):.3f} ≥ 1 "
                            f"(β = {beta:g}, g = {g:g}, σ = {sigma:g})")


# ------------------------------------------------------------------ the two-agent example (page example)


def draw_example(e_hi, beta, g, sigma, split, m):
    """Left: the odd type's (detrended) consumption under Proposition 1's self-enforcing limits and under
    symmetric limits m times as large (Lemma 1's plan; "conjectured" where it is not optimal). Right: the
    default gap V - D at the limit against m (positive: too tight; negative: default). Under the figure:
    existence, rates against growth, the limits' split and the roll-over residual."""
    _finite_utility(beta, g, sigma)
    e_lo = 2.0 - e_hi
    # fixed spacing instead of tight_layout: one layout pass less per pre-rendered frame
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 3.4), gridspec_kw={"wspace": 0.28, "bottom": 0.16})
    s = steady_state(e_hi, e_lo, beta, g, sigma, split)
    t = np.arange(8)
    ax.step(t, np.where(t % 2 == 0, e_hi, e_lo), where="mid", color=COLORS["autarky"], label="endowment")
    info = (f"debt exists: <b>{s.exists}</b>; R_aut ≤ {1 / s.q_aut_min:.3f}, R = {s.R:.3f}, g = {g:.3f}, "
            f"R_FB = {1 / s.q_fb:.3f}")
    if s.exists:
        ax.step(t, np.where(t % 2 == 0, s.c_hi, s.c_lo), where="mid", color=COLORS["equilibrium"],
                label="self-enforcing limits (m = 1)")
        off = off_steady_state(e_hi, e_lo, beta, m, g, sigma)
        plan = repaying_plan(e_hi, e_lo, beta, off.x, off.x, off.phi, g, sigma)
        ax.step(t, np.where(t % 2 == 0, plan.c_hi, plan.c_lo), where="mid", color=COLORS["alternative"],
                linestyle="--", label=f"limits m × B*, m = {m:g}" + ("" if plan.valid else " (conjectured)"))
        if sigma == 1.0 and g == 1.0:
            # App. C(a) (footnote 8): both types start with zero assets; the odd type's share of the date-1
            # limits is `split`. Date 0 depends on it (price q0, consumption); from date 1 on the steady state
            tr = transition(e_hi, e_lo, beta, 1.0 - split)
            c_path = np.where(t % 2 == 0, s.c_hi, s.c_lo)
            c_path[0] = tr.c_odd0
            c_path[1] = e_lo + tr.a_odd1 + tr.b_odd1  # date 1: the odd type's budget with the transition's assets
            ax.step(t, c_path, where="mid", color=COLORS["data"], linestyle=":", linewidth=2,
                    label=f"from zero assets, split {split:g} (App. C(a))")
            info_tr = (f"<br>from zero assets (App. C(a), footnote 8): odd type's share of the date-1 limits "
                       f"{split:g}: date-0 price q0 = {tr.q0:.4f}, odd consumes {tr.c_odd0:.4f} at date 0 and "
                       f"{c_path[1]:.4f} at date 1 (steady state: {s.c_lo:.4f}); the split moves date 0 only")
        else:
            info_tr = ("<br>the transition from zero assets (App. C(a), where the split matters) is computed "
                       "for log utility and g = 1 only")
        gaps = [off_steady_state(e_hi, e_lo, beta, mm, g, sigma).gap for mm in M_GRID]
        ax2.plot(M_GRID, gaps, color=COLORS["equilibrium"])
        ax2.axhline(0.0, color=COLORS["reference"], linewidth=1)
        ax2.plot([m], [off.gap], "o", color=COLORS["alternative"])
        ax2.set_xlabel("debt level m (× self-enforcing level)")
        ax2.set_ylabel("V − D at the limit")
        phi_o, phi_e = -m * split * s.total_debt, -m * (1 - split) * s.total_debt
        info += (f"<br>limits m × B*: odd {phi_o:.3f}, even {phi_e:.3f}; market price x = qg = {off.x:.4f}; "
                 f"V − D at the limit (symmetric split) = {off.gap:+.4f} ({off.verdict}); "
                 f"roll-over residual |φ − xφ| = {abs(off.phi * (1 - off.x)):.2e}" + info_tr)
    else:
        ax2.text(0.5, 0.5, "no debt steady state", transform=ax2.transAxes, ha="center")
    ax.set_xlabel("date t")
    ax.set_ylabel("odd type (detrended)")
    ax.set_ylim(0, 2.1)
    ax.legend(loc="lower right", fontsize=8)
    return fig, f"<p>{info}</p>"


EXAMPLE_SLIDERS = (
    Slider("e_hi", "high endowment ē (ē + e̲ = 2)", (1.3, 1.5), 1.5, live=(1.02, 1.95, 0.01)),
    Slider("beta", "discount factor β", (0.9,), 0.9, live=(0.3, 0.99, 0.01)),
    Slider("g", "growth g", (1.0,), 1.0, live=(0.97, 1.06, 0.005)),
    Slider("sigma", "risk aversion σ", (1.0,), 1.0, live=(0.5, 5.0, 0.1)),
    Slider("split", "odd type's share of debt", (0.0, 0.5, 1.0), 0.5, live=(0.0, 1.0, 0.05)),
    Slider("m", "debt level m (× B*)", (0.6, 1.0, 1.4), 1.0, live=(0.3, 1.8, 0.05)),
)


# ------------------------------------------------------------------ the two-state extension (page stochastic)


def draw_two_state(persistence, punishment, beta, sigma, g, e_hi):
    """Consumption of the high agent against persistence pi in the two-state extension (ours), under
    exclusion from borrowing (Hellwig-Lorenzoni) or autarky (Alvarez-Jermann); under the figure:
    existence, R against g, the binding limit, the Perron root q_s + q_w and the roll-over residual of a
    constant limit at the binding level."""
    from commitment.self_enforcing_debt import er_residual_markov, two_state_markov

    _finite_utility(beta, g, sigma)
    e_lo = 2.0 - e_hi
    fig, ax = plt.subplots(figsize=(7, 3.4), gridspec_kw={"bottom": 0.16})  # labels inside: no cropping
    grid = np.linspace(0.0, 0.95, 40)
    cs = [two_state_markov(e_hi, e_lo, beta, p, sigma, g, punishment, low_limit=False).c_hi for p in grid]
    eq = two_state_markov(e_hi, e_lo, beta, persistence, sigma, g, punishment, low_limit=False)
    color = COLORS["equilibrium"] if punishment == "exclusion" else COLORS["alternative"]
    ax.plot(grid, cs, color=color)
    ax.plot([persistence], [eq.c_hi], "o", color=COLORS["data"])
    ax.axhline(1.0, color=COLORS["first_best"], lw=1, ls="--")
    ax.set_ylim(0.95, e_hi + 0.05)
    ax.set_xlabel("persistence π")
    ax.set_ylabel("consumption of the high agent")
    resid = er_residual_markov(eq.Q, [eq.phi[0], eq.phi[0]])[0]
    return fig, (f"<p>debt exists: <b>{eq.exists}</b>{' (first best)' if eq.first_best else ''}; "
                 f"R = {eq.R:.4f} vs g = {g:.3f}; binding limit φ_H = {eq.phi[0]:.4f}; Perron root "
                 f"q_s + q_w = {eq.q_stay + eq.q_switch:.4f}; roll-over residual of a constant limit φ_H, "
                 f"φ − Qφ = {resid:+.4f}</p>")


TWO_STATE_SLIDERS = (
    Slider("persistence", "persistence π", (0.0, 0.3, 0.6), 0.3, live=(0.0, 0.95, 0.01)),
    Slider("punishment", "punishment", ("exclusion", "autarky"), "exclusion", fmt="{}"),
    Slider("beta", "discount factor β", (0.7, 0.9), 0.7, live=(0.3, 0.99, 0.01)),
    Slider("sigma", "risk aversion σ", (1.0,), 1.0, live=(0.5, 5.0, 0.1)),
    Slider("g", "growth g", (1.0,), 1.0, live=(0.97, 1.06, 0.005)),
    Slider("e_hi", "high endowment ē (ē + e̲ = 2)", (1.5,), 1.5, live=(1.05, 1.95, 0.01)),
)


# ------------------------------------------------------------------ collapsing debt (page dynamics)


def draw_collapse(e_hi, beta, q0):
    """The collapse map (20) from q0, App. C(b): aggregate debt capacity B_t and q_t/kappa along the path
    (kappa = beta e_hi / e_lo), up to the date where q turns negative if it does (q0 < 1)."""
    e_lo = 2.0 - e_hi
    kappa = beta * e_hi / e_lo
    if kappa <= 1:
        raise NothingToDraw(f"no debt steady state, only autarky: κ = β ē/e̲ = {kappa:.3f} ≤ 1 "
                            f"(β = {beta:g}, ē = {e_hi:g})")
    fig, ax = plt.subplots(figsize=(7, 3.4), gridspec_kw={"bottom": 0.16})  # labels inside: no cropping
    p = collapse_path(q0, e_hi, e_lo, beta, T=40)
    n = p.valid_until
    ax.plot(np.arange(n), p.B[:n], color=COLORS["equilibrium"], label=r"debt capacity $B_t$")
    ax.plot(np.arange(n), p.q[:n] / kappa, color=COLORS["alternative"], label=r"$q_t/\kappa$")
    ax.set_xlabel("date t")
    ax.set_ylim(-0.05, 1.2)
    ax.legend(fontsize=9)
    status = "equilibrium path" if n == 40 else f"not an equilibrium: q turns negative at t = {n}"
    return fig, (f"<p>kappa = {kappa:.3f}; B* = {steady_state(e_hi, e_lo, beta).total_debt:.4f}; "
                 f"interest rate falls from {1 / q0:.3f} toward {1 / kappa:.3f}; {status}</p>")


COLLAPSE_SLIDERS = (
    Slider("e_hi", "high endowment ē (ē + e̲ = 2)", (1.3, 1.5), 1.5, live=(1.02, 1.95, 0.01)),
    Slider("beta", "discount factor β", (0.9,), 0.9, live=(0.3, 0.99, 0.01)),
    Slider("q0", "initial bond price q0", (0.999, 1.001, 1.05, 1.5), 1.05, live=(0.95, 2.5, 0.001), fmt="{:.3f}"),
)


# ------------------------------------------------------------------ our small open economy (page environment)


def draw_small_open(gamma, R, g):
    """Our small open economy (exogenous gross rate R, limits phi_t = phi_0 gamma^t, endowment growing at g).
    Left: V_t(phi_t) - D_t(0) at dates 0..11 from the household solver (Definition 1: zero at every date;
    negative: default; positive: too tight). Right: the limit relative to trend output, -phi_t / g^t."""
    from commitment.self_enforcing_debt.teaching import small_open_economy_gap

    if not gamma / R > 0.9:
        raise NothingToDraw(f"the saver's value diverges: γ/R = {gamma / R:.3f} ≤ β = 0.9 "
                            f"(γ = {gamma:g}, R = {R:g})")
    r = small_open_economy_gap(gamma, R, g, errors=False)
    t = np.arange(r.gap.size)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 3.4), gridspec_kw={"wspace": 0.3, "bottom": 0.16})
    ax.plot(t, r.gap, "o-", color=COLORS["equilibrium"], label=f"γ = {gamma:g}, R = {R:g}")
    ax.axhline(0.0, color=COLORS["reference"], linewidth=1)
    top = max(0.1, 1.15 * r.max_gap)
    ax.set_ylim(-top, top)
    ax.set_xlabel("date t")
    ax.set_ylabel(r"$V_t(\phi_t) - D_t(0)$")
    ax.legend(loc="upper left", fontsize=8)
    T = np.arange(40)
    ax2.plot(T, -r.phi0 * (gamma / g) ** T, color=COLORS["alternative"], label="limit / trend output")
    ax2.axhline(-r.phi0, color=COLORS["reference"], linewidth=1)
    ax2.set_ylim(0.0, 1.0)
    ax2.set_xlabel("date t")
    ax2.set_ylabel(r"$-\phi_t / g^t$")
    ax2.legend(loc="upper left", fontsize=8)
    # the verdict read off the computed gaps; GAP_RESOLUTION bounds the claim's measured error on the page
    if r.max_gap <= GAP_RESOLUTION:
        verdict = f"V − D = 0 at every date (within {GAP_RESOLUTION:.0e}): self-enforcing"
    elif np.all(r.gap < 0):
        verdict = "V − D < 0 at every date: the borrower at his limit defaults (too loose)"
    elif np.all(r.gap > 0):
        verdict = "V − D > 0 at every date: too tight (lenders would lend more)"
    else:
        verdict = "V − D changes sign across dates"
    verdict = f"γ = {gamma:.3f}, R = {R:.3f}: " + verdict
    feas = ("γ ≤ g: the limits stay a bounded share of output" if gamma <= g
            else "γ > g: the limits outgrow the economy (not feasible in general equilibrium)")
    return fig, (f"<p>{verdict}; max<sub>t</sub> |V − D| = {r.max_gap:.2e}; roll-over residual "
                 f"φ<sub>0</sub> − φ<sub>1</sub>/R = {r.er_residual[0]:+.4f}; {feas}.</p>")


GAP_RESOLUTION = 1e-5  # above the measured error of the gaps (1e-7 to 1e-6 on the page and in the tests)

SMALL_OPEN_SLIDERS = (
    Slider("gamma", "growth of the limits γ", (1.0, 1.02), 1.0, live=(0.96, 1.06, 0.005), fmt="{:.3f}"),
    Slider("R", "world interest rate R", (1.0, 1.02), 1.0, live=(0.96, 1.06, 0.005), fmt="{:.3f}"),
    Slider("g", "growth of the economy g", (1.01,), 1.01, live=(0.96, 1.06, 0.005), fmt="{:.3f}"),
)
