"""The regimes explorer of ``book/secondary_markets/secondary_markets.md`` (issue 12, item 4).

- every slider changes the figure: for each slider, two positions (its static grid values where it has
  two, else the ends of its live range; the others at their defaults) give different images;
- what each of kappa and e moves, as the page says: the gross-up only the paper resold, the dispersion
  only the "no markets" bars, at several slider positions (the data drawn, panel by panel);
- the numbers drawn against independent counts: the border panel against a count from the regions'
  budgets, the welfare bars against consumption written out by hand and a root-finder's consumption
  equivalent (with a falsifier of each comparison);
- the live panel (``live_explorer``, driven through its callback with ``IPython.display`` captured) shows
  a figure or a short message, never a traceback and never the "unexpected error" line, at the ends of
  every live range and at the inadmissible combinations of g and v.
"""

from __future__ import annotations

import html
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import commitment.secondary_markets_explorers as smx  # noqa: E402
from commitment.explorer import MAX_MESSAGE, NothingToDraw, live_positions, live_values, render_png  # noqa: E402

SLIDERS = {s.name: s for s in smx.REGIME_LIVE_SLIDERS}
STATIC = {s.name: s for s in smx.REGIME_SLIDERS}
DEFAULT = {s.name: s.default for s in smx.REGIME_LIVE_SLIDERS}
# a few admissible positions of the live ranges (seeded), besides the defaults, for the kappa / e statements
POSITIONS = [DEFAULT] + [p for p in live_positions(smx.REGIME_LIVE_SLIDERS, n_random=12, seed=3)
                         if 1.0 - abs(p["g"]) - p["v"] > 0][-6:]


def _draw(**params):
    fig, extra = smx.draw_regimes(**params)
    return fig, extra


def _image(params):
    fig, _ = _draw(**params)
    try:
        return render_png(fig)
    finally:
        plt.close(fig)


def _panels(params):
    """The data drawn in each panel: the lines' (x, y) and the bars' heights, as flat float arrays."""
    fig, _ = _draw(**params)
    out = []
    for ax in fig.axes:
        parts = [np.concatenate([np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)])
                 for ln in ax.lines]
        parts.append(np.array([p.get_height() for p in ax.patches], dtype=float))
        out.append(np.concatenate(parts) if parts else np.array([]))
    plt.close(fig)
    return out


def _two_positions(slider):
    """Two values of a slider: its first and last static grid values where the static explorer moves it,
    else the ends of its live range."""
    static = STATIC[slider.name].values
    if len(static) > 1:
        return static[0], static[-1]
    vals = live_values(slider)
    return vals[0], vals[-1]


@pytest.mark.parametrize("name", list(SLIDERS))
def test_every_slider_changes_the_figure(name):
    a, b = _two_positions(SLIDERS[name])
    assert a != b
    assert _image({**DEFAULT, name: a}) != _image({**DEFAULT, name: b}), f"{name} = {a} and {b} draw the same figure"


@pytest.mark.parametrize("name", [s.name for s in smx.REGIME_SLIDERS if len(s.values) > 1])
def test_every_static_slider_value_gives_a_new_frame(name):
    """Each step of a static slider changes the frame (the other sliders at their static defaults)."""
    base = {s.name: s.default for s in smx.REGIME_SLIDERS}
    vals = STATIC[name].values
    for a, b in itertools.pairwise(vals):
        assert _image({**base, name: a}) != _image({**base, name: b}), f"static {name}: {a} and {b} give one frame"


def test_the_live_selection_of_states_changes_the_figure():
    """At v = 0.3 the four selections of the live slider draw four different figures. At the default
    g = v = 0.1 "Foreign-rich states" draws what "all states" draws, and rightly: in the Home-rich states
    the regions' endowments 1 - g + v and 1 + g - v are equal, so there is nothing to trade there and
    markets in the Foreign-rich states alone reach the first best."""
    images = [_image({**DEFAULT, "v": 0.3, "sm_states": w}) for w in smx.SM_SETS]
    assert len(set(images)) == len(images)
    assert DEFAULT["g"] == DEFAULT["v"]
    full, foreign = (_panels({**DEFAULT, "sm_states": w}) for w in ("all states", "Foreign-rich states"))
    for a, b in zip(full, foreign):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("pos", POSITIONS, ids=range(len(POSITIONS)))
def test_kappa_moves_only_the_paper_resold(pos):
    """Page: the gross-up moves only the paper resold, never the net claim, the gains or the welfare.
    Between kappa = 1 and kappa = 4 the gain curves and welfare bars agree to rounding (1e-12 on O(1)
    numbers: the same computation, kappa enters none of it) and the resold face value is kappa times
    the net claim wherever any paper crosses the border (``gross_holdings``: (kappa - 1) times the
    cross-border face value added both ways)."""
    one, four = _panels({**pos, "kappa": 1.0}), _panels({**pos, "kappa": 4.0})
    for k in (0, 1):
        np.testing.assert_allclose(one[k], four[k], rtol=0, atol=1e-12)
    (net1, resold1), (net4, resold4) = one[2], four[2]
    assert net1 == pytest.approx(net4, abs=1e-12)
    assert resold1 == pytest.approx(net1, abs=1e-12)
    assert resold4 == pytest.approx(4.0 * net4, abs=1e-12)
    if net1 > 1e-9:
        assert resold4 > 3 * resold1


@pytest.mark.parametrize("pos", POSITIONS, ids=range(len(POSITIONS)))
def test_e_moves_only_the_no_markets_bars(pos):
    """Page: idiosyncratic dispersion moves only the "no markets" bars (every regime with markets pools
    it within regions). Between e = 0 and e = 0.6: gain curves and border paper agree to 1e-10 (the
    welfare of regimes computed on two economies: a relative rounding of about 1e-15 in the welfare sums,
    times 100 for percent and 1/|1 - sigma| <= 107 on the gain curve's grid, is 1e-11; ten times that), the
    other regimes' bars too, and the no-markets bars of both regions fall."""
    lo, hi = _panels({**pos, "e": 0.0}), _panels({**pos, "e": 0.6})
    np.testing.assert_allclose(lo[0], hi[0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(lo[2], hi[2], rtol=0, atol=1e-10)
    n = len(smx.REGIMES_SHOWN)
    bars_lo, bars_hi = lo[1][-2 * n:].reshape(2, n), hi[1][-2 * n:].reshape(2, n)  # [region, regime]
    i = smx.REGIMES_SHOWN.index("no markets")
    others = [k for k in range(n) if k != i]
    np.testing.assert_allclose(bars_lo[:, others], bars_hi[:, others], rtol=0, atol=1e-10)
    assert np.all(bars_hi[:, i] < bars_lo[:, i] - 0.1), (bars_lo[:, i], bars_hi[:, i])  # in %: a visible drop


# --------------------------------------------------------------------------- the numbers drawn, counted independently


def _budget_count(pos):
    """Home's expected net claim across the border, counted from the regions' budgets alone (as
    ``test_partial_market_volume_against_an_independent_count``): in a state with a secondary market Home
    consumes the share omega_H of world output, omega_H solving Home's budget at the R0 prices of a
    representative world agent (CRRA); the net claim is |omega_H C_s - Y_H,s| there, zero elsewhere."""
    econ = smx.sm.mirror_economy(g=pos["g"], v=pos["v"], e=pos["e"], a=pos["a"])
    mask = smx.sm_mask(econ, pos["sm_states"])
    H = econ.region == 0
    YH0, YF0 = econ.mass[H] @ econ.y0[H], econ.mass[~H] @ econ.y0[~H]
    YH, YF = econ.mass[H] @ econ.Y[H], econ.mass[~H] @ econ.Y[~H]
    C0, C = YH0 + YF0, YH + YF
    q = econ.pi * (C / C0) ** (-pos["sigma"])
    omega = (YH0 + q[mask] @ YH[mask]) / (C0 + q[mask] @ C[mask])
    return float(np.where(mask, np.abs(omega * C - YH), 0.0) @ econ.pi)


# every selection of states, at the default and at the seeded live positions
COUNT_POSITIONS = [{**p, "sm_states": w} for p in POSITIONS[:4] for w in smx.SM_SETS]


@pytest.mark.parametrize("pos", COUNT_POSITIONS, ids=range(len(COUNT_POSITIONS)))
def test_border_panel_against_a_budget_count(pos):
    """The right panel's bars (net claim; paper resold at kappa = 2.5) against the budget count: the net
    claim equals it, the paper resold is 2.5 times it (regional netting grosses every cross-border position
    up by kappa). 1e-12: sums of O(1) terms, the same closed form evaluated by other code."""
    count = _budget_count(pos)
    net, resold = _panels({**pos, "kappa": 2.5})[2]
    assert net == pytest.approx(count, abs=1e-12)
    assert resold == pytest.approx(2.5 * count, abs=1e-12)


def _welfare_by_hand(pos, region):
    """Each shown regime's welfare against the first best for ``region`` (0 Home, 1 Foreign), in %, by hand
    for a = 0 (world output 2 at every date and state, so the first best gives everybody 1): the regimes'
    consumption written out (endowments; regional pooling; pooling plus the share omega of world output in
    the states with markets, from the regions' budgets at prices pi), utility c^(1-sigma)/(1-sigma) (log at
    sigma = 1) averaged over the region's two types, and the consumption equivalent found by root-finding:
    lambda with the region's welfare at (1 + lambda) times the first best equal to the regime's."""
    from scipy.optimize import brentq

    g, v, e, sigma = pos["g"], pos["v"], pos["e"], pos["sigma"]
    u = (lambda c: np.log(c)) if sigma == 1.0 else (lambda c: c ** (1.0 - sigma) / (1.0 - sigma))
    sign = 1.0 if region == 0 else -1.0
    y0 = 1.0 + sign * g
    states = [(z, i) for z in (1, -1) for i in (1, -1)]  # the other region's draw does not matter here
    Yr = {z: 1.0 - sign * g + sign * v * z for z in (1, -1)}  # the region's mean endowment when old
    z_with = {"all states": (1, -1), "Home-rich states": (1,), "Foreign-rich states": (-1,), "no state": ()}[
        pos["sm_states"]]
    home_with = [z for z in z_with]  # Home's output 1 - g + v z, Foreign's 1 + g - v z: world 2
    omega_H = (1.0 + g + sum(1.0 - g + v * z for z in home_with) / 2) / (2.0 + len(home_with))  # prices pi = 1/2
    omega = omega_H if region == 0 else 1.0 - omega_H

    def welfare(c0, c_of):  # average over types A and B (mass 1/2 each) of u(c0) + E u(c)
        return np.mean([u(c0) + np.mean([u(c_of(z, i, t)) for z, i in states]) for t in (1, -1)])

    regimes = {
        "no markets": welfare(y0, lambda z, i, t: Yr[z] * (1 + e * i * t)),
        "no commitment": welfare(y0, lambda z, i, t: Yr[z]),
        "no commitment + SM": welfare(2 * omega, lambda z, i, t: 2 * omega if z in z_with else Yr[z]),
    }
    fb = lambda lam: welfare(1.0 + lam, lambda z, i, t: 1.0 + lam)  # noqa: E731
    return [100 * brentq(lambda lam: fb(lam) - regimes[r], -0.99, 1.0, xtol=1e-14) for r in smx.REGIMES_SHOWN]


WELFARE_POSITIONS = [{**p, "a": 0.0, "sm_states": w} for p in POSITIONS[:4] for w in smx.SM_SETS]


@pytest.mark.parametrize("pos", WELFARE_POSITIONS, ids=range(len(WELFARE_POSITIONS)))
def test_welfare_panel_against_a_count_by_hand(pos):
    """The middle panel's bars against :func:`_welfare_by_hand` (a = 0), to 1e-11 in %: the root-finder's
    tolerance xtol = 1e-14 on lambda is 1e-12 in %, ten times that (rounding of the sums of powers adds
    less: the largest gap over these positions is 1.7e-13). The "no commitment + SM" bars are zero when
    every state has a secondary market (the page: that regime is the first best)."""
    n = len(smx.REGIMES_SHOWN)
    bars = _panels(pos)[1][-2 * n:].reshape(2, n)  # [region, regime]
    for region in (0, 1):
        np.testing.assert_allclose(bars[region], _welfare_by_hand(pos, region), rtol=0, atol=1e-11)
    if pos["sm_states"] == "all states":
        np.testing.assert_allclose(bars[:, smx.REGIMES_SHOWN.index("no commitment + SM")], 0.0, atol=1e-11)


def test_the_counts_by_hand_can_fail():
    """Falsifiers of the two comparisons (perturbations, at v = 0.3 with markets in the Home-rich states):
    the budget count taken with markets in the Foreign-rich states, and the welfare count taken with
    markets in every state (Home at the first best), differ from the drawn bars by more than 1e-3, far
    beyond the tolerances 1e-12 and 1e-11."""
    pos = {**DEFAULT, "v": 0.3, "sm_states": "Home-rich states"}
    net, _ = _panels(pos)[2]
    assert abs(net - _budget_count({**pos, "sm_states": "Foreign-rich states"})) > 1e-3
    n = len(smx.REGIMES_SHOWN)
    bars = _panels({**pos, "a": 0.0})[1][-2 * n:].reshape(2, n)
    wrong = _welfare_by_hand({**pos, "a": 0.0, "sm_states": "all states"}, 0)
    assert abs(bars[0, 2] - wrong[2]) > 1e-3


# --------------------------------------------------------------------------- the live panel


@pytest.fixture
def panel(monkeypatch):
    """The live panel with ``IPython.display.display`` captured: returns (widget, shown objects)."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    from commitment.explorer import live_explorer

    w = live_explorer(smx.draw_regimes, smx.REGIME_LIVE_SLIDERS)
    shown.clear()
    return w, shown


def _shown(panel, params):
    """What the panel shows at ``params``: ("figure", None) or ("message", text)."""
    w, shown = panel
    shown.clear()
    w.f(**params)  # the panel's callback, as interact calls it after a slider moves
    kinds = [type(o).__name__ for o in shown]
    if kinds and kinds[0] == "Image":
        assert kinds in (["Image"], ["Image", "HTML"]), kinds
        plt.close("all")
        return "figure", None
    assert kinds == ["HTML"], kinds
    data = shown[0].data
    assert data.startswith('<p class="explorer-message">'), data
    return "message", html.unescape(data[len('<p class="explorer-message">'):-len("</p>")])


INADMISSIBLE = [{**DEFAULT, "g": 0.3, "v": 0.7}, {**DEFAULT, "g": -0.3, "v": 0.8}, {**DEFAULT, "g": 0.0, "v": 0.8},
                {**DEFAULT, "g": 0.25, "v": 0.75, "e": 0.9, "a": 0.3, "sigma": 10.0, "kappa": 5.0}]


def test_live_panel_at_the_range_ends_and_inadmissible_combinations(panel):
    ends = live_positions(smx.REGIME_LIVE_SLIDERS, n_random=0)  # all at min, all at max, each alone at min / max
    near = [{**DEFAULT, "g": 0.3, "v": 0.69, "e": 0.9, "a": 0.3, "sigma": s, "kappa": 5.0, "sm_states": w}
            for s in (0.2, 10.0) for w in ("all states", "Foreign-rich states")]  # 1 % endowment left: drawn
    for params in ends + near + INADMISSIBLE:
        kind, text = _shown(panel, params)
        admissible = 1.0 - abs(params["g"]) - params["v"] > 0
        assert kind == ("figure" if admissible else "message"), (params, kind, text)
        if kind == "message":
            assert text.startswith("Nothing to draw here:"), text  # never "Unexpected error (a bug ...)"
            assert "Traceback" not in text and "\n" not in text and len(text) <= MAX_MESSAGE + 30, text
            assert f"g = {params['g']:g}" in text and f"v = {params['v']:g}" in text, text


def test_live_panel_sliders_moved_like_a_reader(panel):
    """The widgets themselves: moving g and v into the inadmissible corner shows the message, moving v
    back shows a figure again."""
    w, shown = panel
    ctl = {c._kwarg: c for c in w.kwargs_widgets}
    ctl["g"].value = 0.3
    shown.clear()
    ctl["v"].value = 0.8
    assert [type(o).__name__ for o in shown] == ["HTML"] and "Nothing to draw here" in shown[0].data
    shown.clear()
    ctl["v"].value = 0.2
    assert [type(o).__name__ for o in shown] == ["Image", "HTML"]
    plt.close("all")


def test_inadmissible_endowments_raise_nothing_to_draw():
    with pytest.raises(NothingToDraw, match=r"g = 0.3, v = 0.7"):
        smx.draw_regimes(g=0.3, v=0.7)
