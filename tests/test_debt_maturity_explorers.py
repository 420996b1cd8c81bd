"""The debt-maturity explorers (issue 14, item 7): the map (page ``perpetuity``), the size of a trade in a
zero-coupon bond (Figure 1, page ``convexity``) and the restructuring at other states (Figure 5, page
``restructuring``).

- every slider that the website moves changes the figure, and so does each live-only slider between the
  ends of its live range;
- what the pages say about them: beta R moves the regime boundary l* (and lowers the interior steady
  state); every trade loses, more the larger the trade;
- the numbers drawn against independent computations: the map's dashed steady-state line against the
  root finder of ``steady_state_interior``; the convex curve at face 0 (profile solver) against the
  stationary solver's B*(V, 0); the tangent's slope -p_k (a survival-weighted discount along the
  allocation) against a central difference of B* in the face (separate solves), each with a tolerance
  from a measured or derived error, and a falsifier (a perturbation: the price at the wrong face);
- at the live positions of ``tests/test_explorers_live.py`` (which checks that each draws or explains
  itself), the line data drawn are finite and the messages name no non-finite number.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import commitment.debt_maturity as dm  # noqa: E402
import commitment.debt_maturity_explorers as dmx  # noqa: E402
from commitment.explorer import NothingToDraw, live_positions, live_values, render_png  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_thread")  # many small solves (conftest: the pool's waits under load)

EXPLORERS = {
    "map": (dmx.draw_capacity_map, dmx.CAPACITY_SLIDERS),
    "trade": (dmx.draw_trade, dmx.TRADE_SLIDERS),
    "restructuring": (dmx.draw_restructuring, dmx.RESTRUCTURING_SLIDERS),
}


def _default(sliders):
    return {s.name: s.default for s in sliders}


def _image(draw, params):
    fig = draw(**params)
    try:
        return render_png(fig)
    finally:
        plt.close(fig)


def _two_positions(slider):
    """Its first and last static values where the website moves it, else the ends of its live range."""
    if len(slider.values) > 1:
        return slider.values[0], slider.values[-1]
    vals = live_values(slider)
    return vals[0], vals[-1]


@pytest.mark.parametrize("name, slider", [(n, s) for n, (_, sl) in EXPLORERS.items() for s in sl],
                         ids=[f"{n}-{s.name}" for n, (_, sl) in EXPLORERS.items() for s in sl])
def test_every_slider_changes_the_figure(name, slider):
    draw, sliders = EXPLORERS[name]
    a, b = _two_positions(slider)
    d = _default(sliders)
    assert _image(draw, {**d, slider.name: a}) != _image(draw, {**d, slider.name: b})


def test_the_static_map_moves_beta_R_over_four_to_six_values():
    grid = {s.name: s.values for s in dmx.CAPACITY_SLIDERS}
    assert 4 <= len(grid["beta_R"]) <= 6 and min(grid["beta_R"]) <= 0.85 and max(grid["beta_R"]) == 1.0
    assert all(len(v) == 1 for k, v in grid.items() if k != "beta_R")


def test_beta_R_moves_the_regime_boundary():
    """The page's statement, over the static grid: l* rises with beta R, the interior steady state at
    l = 0.5 falls (closed forms; strict, by more than the root finder's xtol 1e-13)."""
    bR = [x for x in next(s.values for s in dmx.CAPACITY_SLIDERS if s.name == "beta_R") if x < 1]
    ms = [dm.create_model(R=1.05, beta=x / 1.05, tau_lo=0.2, tau_hi=0.9, N=300) for x in bR]
    lstar = np.array([dm.boundary_threshold(m) for m in ms])
    b05 = np.array([dm.steady_state_interior(m, 0.5)[1] for m in ms])
    assert np.all(np.diff(lstar) > 1e-3) and np.all(np.diff(b05) < -1e-3)


def _dashed(fig):
    [line] = [ln for ln in fig.axes[0].lines if ln.get_label() == "steady states"]
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


@pytest.mark.parametrize("beta_R", [0.85, 0.94, 0.99])
def test_the_drawn_steady_state_line_against_the_roots(beta_R):
    """The dashed line drawn (parametric in v, no root finding) against steady_state_interior's roots at
    15 of its points: rounding only (brentq's xtol 1e-13 in v, times the slope of b in v, well below
    1e-8). Falsifier: the line of another beta R misses by more than 100 x the tolerance."""
    d = _default(dmx.CAPACITY_SLIDERS)
    fig = dmx.draw_capacity_map(**{**d, "beta_R": beta_R})
    x, y = _dashed(fig)
    plt.close(fig)
    m = dm.create_model(R=d["R"], beta=beta_R / d["R"], tau_lo=d["tau_lo"], tau_hi=d["tau_hi"], N=50)
    pick = np.linspace(0, x.size - 1, 15).astype(int)
    assert np.max(np.abs(dmx.stationary_line(m, x[pick]) - y[pick])) < 1e-8
    other = dm.create_model(R=d["R"], beta=(beta_R - 0.03) / d["R"], tau_lo=d["tau_lo"], tau_hi=d["tau_hi"], N=50)
    assert np.max(np.abs(dmx.stationary_line(other, x[pick]) - y[pick])) > 1e-6


# ------------------------------------------------ the zero-coupon curves against other code paths


def _half(beta_R):
    m = dm.create_model(beta=beta_R / 1.05, N=400)
    return m, dm.solve_planner(m, 0.0)


def _slope_and_tol(beta_R, k, x, v):
    """A central difference of B*(v, x e_k) in the face (h = 0.02 and 0.01, separate profile solves), and
    its tolerance against the price p_k: the change of the difference when h halves (three times the
    Richardson estimate of the O(h^2) error of the finer one) plus the grid errors of the price and of the
    difference (each: N = 800 against N = 400; at beta R = 0.97, k = 3, face 1.5 the difference's is 6e-6
    and the two meet at N = 1600 to 1e-8)."""
    m, tail = dmx._economy(beta_R)
    mh, th = _half(beta_R)
    d = []
    for h in (0.02, 0.01):
        z = dm.zero_coupon_curve(m, k, [x - h, x + h], v, tail=tail)
        d.append(-(z.B[1] - z.B[0]) / (2 * h))
    zh = dm.zero_coupon_curve(mh, k, [x - 0.01, x + 0.01], v, tail=th)
    d_half = -(zh.B[1] - zh.B[0]) / 0.02
    p = dm.zero_coupon_curve(m, k, [x], v, tail=tail).p_k[0]
    p_half = dm.zero_coupon_curve(mh, k, [x], v, tail=th).p_k[0]
    return d[1], abs(d[0] - d[1]) + abs(p - p_half) + abs(d[1] - d_half)


TRADES = [(0.9, 3, 1.5), (0.9, 1, -1.5), (0.9, 6, 3.0), (0.97, 3, -1.5), (1.0, 3, 1.5), (0.86, 8, 2.25)]


@pytest.mark.parametrize("beta_R, k, trade", TRADES)
def test_trade_curve_and_tangent_against_other_code_paths(beta_R, k, trade):
    g = dmx.zero_coupon_trade(beta_R, k, trade)
    m, tail = dmx._economy(beta_R)
    # face 0: the profile solver (k + 2 Bellman steps back from the stationary solution) against the
    # stationary solver; |T^n B - B| <= residual R/(R - 1) (T contracts with modulus F/R <= 1/R), plus rounding
    tol0 = tail.residual * m.R / (m.R - 1) + 1e-12
    assert abs(g.curve.B[0] - dm.debt_capacity(tail, g.V1)) <= tol0
    # the tangent drawn at A' has the slope -p_k of Proposition 2: against a central difference
    slope, tol = _slope_and_tol(beta_R, k, g.new_face, g.V1)
    assert abs(g.p_act - slope) <= tol, (g.p_act, slope, tol)
    # falsifier (a perturbation): the price at the inherited face is not the slope at the new one
    if trade != 0:
        wrong = dm.zero_coupon_curve(m, k, [g.face], g.V1, tail=tail).p_k[0]
        assert abs(wrong - slope) > 10 * tol
    # the loss drawn, against the geometry written out: F(V1)/R times (B*(V1, face) - tangent height)
    F1 = dm.repay_cdf(g.V1, m.beta, m.y, m.tau_lo, m.tau_hi)
    assert g.loss == pytest.approx(F1 / m.R * (g.b_hat - g.b_act - g.p_act * (g.new_face - g.face)), abs=1e-14)


def test_every_trade_loses_more_the_larger_it_is():
    """The page's statement, on the website's grid of sizes (beta R = 0.9) at k = 1, 3, 6: the loss is 0
    without a trade and rises with the size of the trade on each side, by more than the losses' grid error
    (N = 800 against N = 400: at most 5e-8 at these trades, measured; the required steps are 1e-3)."""
    sizes = next(s.values for s in dmx.TRADE_SLIDERS if s.name == "trade")
    for k in (1, 3, 6):
        loss = np.array([dmx.zero_coupon_trade(0.9, k, x).loss for x in sizes])
        i0 = sizes.index(0.0)
        assert abs(loss[i0]) < 1e-12
        assert np.all(np.diff(loss[i0:]) > 1e-3) and np.all(np.diff(loss[:i0 + 1]) < -1e-3), (k, loss)


RESTRUCTURINGS = [(4.0, 3.0, 3, 0.9), (1.0, 1.5, 6, 0.9), (2.5, 4.5, 2, 0.95), (3.0, 3.0, 5, 1.0)]


@pytest.mark.parametrize("b, face, k, beta_R", RESTRUCTURINGS)
def test_restructuring_against_other_code_paths(b, face, k, beta_R):
    r = dmx.zero_coupon_restructuring(b, face, k, beta_R)
    m, tail = dmx._economy(beta_R)
    tol0 = tail.residual * m.R / (m.R - 1) + 1e-12   # as for the trade curve
    # m' (top of the bar drawn) is the profile solver at face 0: the stationary solver's B*(V, 0)
    assert abs(r.m_prime - dm.debt_capacity(tail, r.V)) <= tol0
    # the curve passes through A (V inverts B* at b), to the inverse's tolerance
    assert abs(np.interp(face, r.curve.face, r.curve.B) - b) < 1e-6 or face not in r.curve.face
    slope, tol = _slope_and_tol(beta_R, k, face, r.V)
    assert abs(r.p_k - slope) <= tol, (r.p_k, slope, tol)
    # m = b + p_k face: the tangent's intercept, with the slope from the central difference
    assert abs(r.m - (b + slope * face)) <= tol * face + 1e-12
    assert r.m_prime >= r.m - tol0   # Proposition 2 (the page's check is on the perpetuity)


def test_restructuring_beyond_the_capacity_says_so():
    with pytest.raises(NothingToDraw, match=r"b = 6 .*exceeds the debt capacity"):
        dmx.draw_restructuring(b=6.0, face=6.0, k=1, beta_R=0.85)


@pytest.mark.parametrize("name", ["trade", "restructuring"])
def test_live_positions_draw_finite_lines_or_explain(name):
    draw, sliders = EXPLORERS[name]
    for p in live_positions(sliders, n_random=6, seed=1):
        try:
            fig = draw(**p)
        except NothingToDraw as err:
            assert not any(w in str(err).lower() for w in ("nan", "inf")), (p, str(err))
            continue
        for ln in fig.axes[0].lines:
            assert np.all(np.isfinite(np.asarray(ln.get_ydata(), float))), (p, ln.get_label())
        plt.close(fig)
