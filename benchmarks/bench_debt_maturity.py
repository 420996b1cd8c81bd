"""Debt maturity (Aguiar-Amador-Hopenhayn-Werning): the planner's Bellman operator and solver, numba
against their NumPy twins (tests/test_debt_maturity_twin.py).

Run through ``benchmarks/run.py debt`` for the table; run this file directly for the issue's timing
targets of one ``solve_planner`` at N = 800 (<= 30 ms) and the 41-level maps of Figures 2-3 (<= 1.5 s).

The numba operator refines the states one after another (a serial loop since 2026-12-04: under load, numba's
parallel loop with two threads took 60-90 ms a solve at N = 800 against 4-5 ms serially); the NumPy twin runs on
one core too, so the ratio is a one-core comparison.
"""

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

import commitment.debt_maturity as dm
from run import Case

_spec = importlib.util.spec_from_file_location(
    "debt_maturity_twin", Path(__file__).resolve().parents[1] / "tests" / "test_debt_maturity_twin.py")
twin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(twin)


def _operator_setup(beta_R):
    def setup():
        model = dm.create_model(beta=beta_R / 1.05, N=800)
        sol = dm.solve_planner(model, 0.25)
        B = sol.B + 0.01 * np.sin(sol.v)  # away from the fixed point: policies must move
        return model, 0.25, B, sol.D
    return setup


def operator_fast(model, l, B, D):
    return dm.bellman_operator(model, l, B, D)[0]


def operator_twin(model, l, B, D):
    return twin.bellman_numpy(model, l, B, D)[0]


def solve_fast(model, l):
    return dm.solve_planner(model, l).B


def solve_twin(model, l):
    return twin.solve_planner_numpy(model, l)[0]


def _solve_setup(beta_R):
    return lambda: (dm.create_model(beta=beta_R / 1.05, N=800), 0.25)


CASES = [
    # values agree to the Newton stopping rule (1e-13 relative in the first-order condition)
    Case("debt maturity: Bellman operator, N=800, bR=1", operator_fast, operator_twin, _operator_setup(1.0),
         target=20, rtol=1e-8),
    Case("debt maturity: Bellman operator, N=800, bR=.9", operator_fast, operator_twin, _operator_setup(0.9),
         target=20, rtol=1e-8),
    # both stop at sup|TB - B| < 1e-9: fixed points agree to ~1e-9 / (1 - 1/R)
    Case("debt maturity: solve_planner, N=800, bR=.9", solve_fast, solve_twin, _solve_setup(0.9), rtol=1e-6),
]


def main():
    print("one solve_planner at N = 800 (best of 10, after compilation), and the 41-level map (best of 3)")
    for beta_R in (1.0, 0.9):
        model = dm.create_model(beta=beta_R / 1.05, N=800)
        dm.solve_planner(model, 0.25)
        for l in (0.0, 0.25, 0.5, 1.0):
            t = min(_timed(dm.solve_planner, model, l) for _ in range(10))
            print(f"  beta R = {beta_R}: solve_planner(l = {l:4.2f}) {t * 1e3:7.1f} ms")
        ls = np.linspace(0.0, 1.0, 41)
        t = min(_timed(dm.solve_map, model, ls) for _ in range(3))
        print(f"  beta R = {beta_R}: 41-level map {t:6.2f} s")


def _timed(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
