"""Teaching figures and explorers of the self-enforcing-debt chapter (issue 13, item 7; ours).

small_open_economy_gap: V_t(phi_t) - D_t(0) from two household solves; the claim (gamma = R gives zero gaps
within the measured error) and its falsifier (gamma != R: the gaps exceed the error, with the stated signs).
sawtooth_positions: each type solved alone; market clearing and the positions against Proposition 1's closed
form. The explorers: every static frame and the live ends draw finite numbers or raise NothingToDraw; one drawn
quantity against an independent computation.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from commitment import verify  # noqa: E402
from commitment.explorer import NothingToDraw, live_positions  # noqa: E402
from commitment.self_enforcing_debt import steady_state, transition  # noqa: E402
from commitment.self_enforcing_debt.teaching import sawtooth_positions, small_open_economy_gap  # noqa: E402
from commitment.self_enforcing_debt_explorers import (EXAMPLE_SLIDERS, SMALL_OPEN_SLIDERS, draw_example,  # noqa: E402
                                                      draw_small_open)
from commitment.verification import assert_falsified  # noqa: E402

G = 1.01


@pytest.mark.parametrize("R", [1.0, 1.02])
def test_page_case_gamma_equals_R(R):
    r = small_open_economy_gap(R, R, G)
    assert r.error < 1e-5  # measured: grid change + horizon change, about 1e-7
    verify("hl-ours-small-open-economy", r.gap, r.error, kind="claim", what=f"gamma = R = {R}: V_t - D_t")


@pytest.mark.falsifies("hl-ours-small-open-economy", how="violation")
@pytest.mark.parametrize("gamma, sign", [(0.99, -1), (1.01, +1)])
def test_gamma_not_R_fails(gamma, sign):
    # violation: limits that grow slower (faster) than R do not roll over; V - D < 0 (> 0) at every date
    r = small_open_economy_gap(gamma, 1.0, G)
    out = assert_falsified(verify, "hl-ours-small-open-economy", r.gap, r.error, kind="claim",
                           what=f"gamma = {gamma}, R = 1")
    assert np.all(sign * r.gap > r.error)
    print(f"falsified: excess / tol = {out.excess / out.tol:.3g}")


@given(R=st.floats(0.97, 1.04), g=st.floats(0.97, 1.04))
@settings(max_examples=4, deadline=None)
def test_random_rates(R, g):
    r = small_open_economy_gap(R, R, g, n=120)
    verify("hl-ours-small-open-economy", r.gap, r.error, kind="claim", what=f"gamma = R = {R:.4f}, g = {g:.4f}")
    # debt relative to output in levels is phi_0 (gamma / g)^t / e_t: bounded iff gamma <= g
    t = np.arange(r.gap.size)
    np.testing.assert_allclose(r.debt_to_output, 0.3 * (R / g) ** t / np.where(t % 2 == 0, 1.5, 0.5), rtol=1e-12)


def test_validation():
    with pytest.raises(ValueError, match="gamma"):
        small_open_economy_gap(1.5, 1.0)
    with pytest.raises(ValueError, match="R must be"):
        small_open_economy_gap(0.95, 1.09)  # gamma / R <= beta: the saver's value diverges
    with pytest.raises(ValueError, match="phi0"):
        small_open_economy_gap(1.0, 1.0, phi0=0.1)


def test_sawtooth_against_proposition_1():
    # each type solved alone: clearing is not imposed; positions against Proposition 1's closed form
    # (tolerance: the solver's policies are exact to about 1e-10 at grid nodes, and a_0 is a node)
    for split in (0.3, 0.5, 1.0):
        saw = sawtooth_positions(1.5, 0.5, 0.9, split=split, T=10)
        ss = steady_state(1.5, 0.5, 0.9, split=split)
        assert saw.clearing < 1e-9
        np.testing.assert_allclose(saw.a_odd[0::2], ss.phi_odd, atol=1e-9)
        np.testing.assert_allclose(saw.a_odd[1::2], ss.a_odd, atol=1e-9)
        np.testing.assert_allclose(saw.c_odd[0::2], ss.c_hi, atol=1e-8)
    with pytest.raises(ValueError, match="no debt steady state"):
        sawtooth_positions(1.2, 1.1, 0.9)


def _finite_html(html):
    assert "nan" not in html.lower() and "inf" not in html.lower().replace("info", "")


def _static_positions(sliders):
    import itertools
    for combo in itertools.product(*(s.values for s in sliders)):
        yield {s.name: v for s, v in zip(sliders, combo)}


@pytest.mark.parametrize("draw, sliders", [(draw_small_open, SMALL_OPEN_SLIDERS), (draw_example, EXAMPLE_SLIDERS)])
def test_explorers_static_and_live_ends(draw, sliders):
    positions = list(_static_positions(sliders)) + list(live_positions(sliders, n_random=4, seed=1))
    for params in positions:
        try:
            fig, html = draw(**params)
        except NothingToDraw as err:
            assert len(str(err)) < 200
            continue
        for ax in fig.axes:
            for line in ax.get_lines():
                assert np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float))), params
        _finite_html(html)
        plt.close(fig)


def test_small_open_drawn_gap_matches_claim():
    # the explorer's drawn V - D (one solve, errors off) against the claim function's (its own solves)
    fig, _ = draw_small_open(0.99, 1.0, G)
    drawn = np.asarray(fig.axes[0].get_lines()[0].get_ydata())
    plt.close(fig)
    r = small_open_economy_gap(0.99, 1.0, G)
    np.testing.assert_allclose(drawn, r.gap, atol=1e-12)
    assert np.all(drawn < -r.error)


def test_example_transition_line_is_appc():
    # the dotted transition drawn by the example explorer against App. C(a)'s closed form, for two splits
    for split in (0.0, 1.0):
        fig, html = draw_example(1.5, 0.9, 1.0, 1.0, split, 1.0)
        line = [ln for ln in fig.axes[0].get_lines() if "App. C(a)" in str(ln.get_label())][0]
        plt.close(fig)
        tr = transition(1.5, 0.5, 0.9, 1.0 - split)
        assert abs(line.get_ydata()[0] - tr.c_odd0) < 1e-12
        assert "moves date 0 only" in html
    # the two splits give different date-0 consumption: the slider matters
    assert abs(transition(1.5, 0.5, 0.9, 0.0).c_odd0 - transition(1.5, 0.5, 0.9, 1.0).c_odd0) > 0.1
