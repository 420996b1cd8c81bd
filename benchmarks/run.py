"""Run every benchmark in benchmarks/bench_*.py and print a table.

Each module defines ``CASES``, a list of :class:`Case`: a numba kernel (``fast``), its plain NumPy
twin (``twin``) computing the same thing, a ``setup`` returning their arguments, and optionally the
speed-up the chapter's issue targets. The runner compiles first (the table shows run time after
compilation), checks that both return the same numbers, then reports the best of several timings.

    python benchmarks/run.py [name-filter]

(``bench_explorers.py`` times the live explorers' redraws instead; its ``CASES`` is empty, and it runs on
its own: ``python benchmarks/bench_explorers.py``.)
"""

from __future__ import annotations

import importlib.util
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

HERE = Path(__file__).resolve().parent


@dataclass
class Case:
    name: str
    fast: Callable
    twin: Callable
    setup: Callable[[], tuple]
    target: float | None = None  # required speed-up of fast over twin
    rtol: float = 1e-10  # agreement required between the two outputs


def best_time(fn, args, budget=1.0, max_reps=50):
    """Best wall time of fn(*args) over repeated runs within about ``budget`` seconds."""
    times, start = [], time.perf_counter()
    while len(times) < max_reps and (len(times) < 3 or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def load_cases(pattern=""):
    cases = []
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        cases += [c for c in module.CASES if pattern in c.name]
    return cases


def main(argv):
    cases = load_cases(argv[1] if len(argv) > 1 else "")
    if not cases:
        print("no benchmarks found")
        return 0
    header = f"{'benchmark':<44} {'numba':>11} {'numpy twin':>11} {'speed-up':>9} {'target':>7}  status"
    print(header)
    print("-" * len(header))
    failed = 0
    for c in cases:
        args = c.setup()
        out_fast = c.fast(*args)  # compile (or load from the numba cache)
        out_twin = c.twin(*args)
        pairs = zip(out_fast, out_twin) if isinstance(out_fast, tuple) else [(out_fast, out_twin)]
        agree = all(np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=c.rtol, atol=0) for a, b in pairs)
        t_fast, t_twin = best_time(c.fast, args), best_time(c.twin, args)
        speedup = t_twin / t_fast
        ok = agree and (c.target is None or speedup >= c.target)
        status = "ok" if ok else ("OUTPUTS DIFFER" if not agree else "below target")
        failed += not ok
        target = f"{c.target:.0f}x" if c.target else "-"
        print(f"{c.name:<44} {t_fast * 1e3:9.3f}ms {t_twin * 1e3:9.3f}ms {speedup:8.1f}x {target:>7}  {status}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
