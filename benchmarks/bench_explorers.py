"""Live explorers: redraw time per explorer, at random slider positions in the live ranges.

Not a kernel-against-twin comparison like the other benchmarks (``CASES`` is empty, so ``run.py``
skips it); run it on its own:

    python benchmarks/bench_explorers.py [name-filter]

For each live explorer of the book (the same ones ``tests/test_explorers_live.py`` finds in the pages)
it draws once at the defaults (the static explorer did so when the page ran; this compiles or loads the
numba kernels and solves the default economy), then times ``N_RANDOM`` random positions
(:func:`commitment.explorer.live_positions`, seed 1; every slider moves, so each position is a new
solve): ``draw`` alone (the solve and the figure's construction, the part the explorer modules
control), and ``draw`` plus the PNG the live panel shows (:func:`commitment.explorer.render_png`: one
drawing pass at 72 dpi; Jupyter's inline backend would crop with ``bbox_inches="tight"`` and draw twice,
at 100 dpi), which is the redraw a reader waits for. Positions with nothing to draw (an explained exception) are counted, not timed. The goal is
a 95th percentile of the redraw of at most ``TARGET`` seconds on the 2-core machine.
"""

from __future__ import annotations

import sys
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from commitment.explorer import is_explained, live_positions, render_png  # noqa: E402
from commitment.plotting import use_book_style  # noqa: E402

CASES = []  # no numba kernel / NumPy twin pairs here: see main()
N_RANDOM = 40
TARGET = 0.3  # seconds, 95th percentile of draw + render


def explorers():
    """(name, draw, live sliders) of every live explorer; imported here, so that loading the module (as
    run.py does) does no work."""
    from commitment import (debt_maturity_explorers as dmx, fire_sales_explorers as fsx,
                            numerical_methods_explorers as nmx, secondary_markets_explorers as smx,
                            self_enforcing_debt_explorers as sex)

    return [
        ("fire sales: environment 1", fsx.draw_env1, fsx.ENV1_LIVE_SLIDERS),
        ("debt maturity: debt-capacity map", dmx.draw_capacity_map, dmx.CAPACITY_SLIDERS),
        ("debt maturity: yield curves", dmx.draw_yields, dmx.YIELD_SLIDERS),
        ("debt maturity: trade size (Figure 1)", dmx.draw_trade, dmx.TRADE_SLIDERS),
        ("debt maturity: restructuring (Figure 5)", dmx.draw_restructuring, dmx.RESTRUCTURING_SLIDERS),
        ("fire sales: any two-state economy", fsx.draw_two_state, fsx.TWO_STATE_LIVE_SLIDERS),
        ("self-enforcing debt: small open economy", sex.draw_small_open, sex.SMALL_OPEN_SLIDERS),
        ("secondary markets: regimes", smx.draw_regimes, smx.REGIME_LIVE_SLIDERS),
        ("numerical methods: interpolation", nmx.draw_interpolation, nmx.INTERPOLATION_SLIDERS),
        ("self-enforcing debt: two-agent example", sex.draw_example, sex.EXAMPLE_SLIDERS),
        ("self-enforcing debt: two-state extension", sex.draw_two_state, sex.TWO_STATE_SLIDERS),
        ("self-enforcing debt: collapses", sex.draw_collapse, sex.COLLAPSE_SLIDERS),
    ]


def redraw(draw, params):
    """(seconds for draw(**params), seconds for that plus the PNG Jupyter's inline backend makes of the
    figure), or None if ``draw`` raises an explained exception (the panel then shows a message)."""
    t0 = time.perf_counter()
    try:
        result = draw(**params)
    except Exception as err:
        plt.close("all")
        if is_explained(err):
            return None
        raise
    t1 = time.perf_counter()
    render_png(result[0] if isinstance(result, tuple) else result)  # what the live panel shows
    t2 = time.perf_counter()
    plt.close("all")
    return t1 - t0, t2 - t0


def measure(draw, sliders, n_random=N_RANDOM, seed=1):
    """Draw and draw + render times (arrays, seconds) over the random positions, and the number of
    positions with nothing to draw."""
    redraw(draw, {s.name: s.default for s in sliders})  # warm-up: kernels, the default economy, fonts
    pos = live_positions(sliders, n_random=n_random, seed=seed)[-n_random:]  # the random positions only
    times = [t for t in (redraw(draw, p) for p in pos) if t is not None]
    return np.array([t[0] for t in times]), np.array([t[1] for t in times]), n_random - len(times)


def main(argv):
    use_book_style()
    pattern = argv[1] if len(argv) > 1 else ""
    header = (f"{'live explorer':<42} {'draw med':>9} {'draw p95':>9} {'+png med':>9} {'+png p95':>9}"
              f" {'nothing':>8}  status (p95 of draw + png)")
    print(header)
    print("-" * len(header))
    failed = 0
    for name, draw, sliders in explorers():
        if pattern not in name:
            continue
        t_draw, t_full, nothing = measure(draw, sliders)
        p95 = float(np.quantile(t_full, 0.95))
        ok = p95 <= TARGET
        failed += not ok
        print(f"{name:<42} {np.median(t_draw):8.3f}s {np.quantile(t_draw, 0.95):8.3f}s "
              f"{np.median(t_full):8.3f}s {p95:8.3f}s {nothing:>5}/{N_RANDOM}  "
              f"{'ok' if ok else f'above the {TARGET} s target'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
