"""Time the whole book's execution as `make book` runs it (commitment.editions.execute_pages).

    python benchmarks/book_execution.py [--workers N] [--warm-runs K]

Copies `_config.yml` and `book/` to a temporary folder (the project's own caches are left alone) and
executes every page there with `execute_pages` on N worker processes (default: every core): first with
an empty numba cache (cold: the kernels compile), then K more times with that cache filled (warm), each
time with an empty execution cache so that every page runs. Prints each run's wall time and the sum of
the pages' own times, then each page's time (the warm median), longest first. Run it on an otherwise idle
machine: the numbers are only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(root: Path, workers: int | None) -> tuple[float, dict[str, float]]:
    from commitment.editions import execute_pages

    shutil.rmtree(root / "_build" / ".jupyter_cache", ignore_errors=True)
    start = time.perf_counter()
    times = execute_pages(root, workers=workers, echo=False)
    wall = time.perf_counter() - start
    failed = sorted(str(p.relative_to(root)) for p, t in times.items() if t is None)
    if failed or not times:
        sys.exit(f"pages failed: {failed}" if failed else "no page was executed")
    return wall, {str(p.relative_to(root)): t for p, t in times.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--warm-runs", type=int, default=1, help="runs with the numba cache filled (default 1)")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.warm_runs < 1:
        parser.error("--warm-runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="book-execution-") as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "_config.yml", root)
        shutil.copytree(ROOT / "book", root / "book")
        os.environ["NUMBA_CACHE_DIR"] = str(root / "numba-cache")  # the workers' caches go under it
        workers = args.workers or os.cpu_count()
        print(f"{len(list((root / 'book').rglob('*.md')))} pages copied; {workers} worker(s)")
        warm = []
        for k in range(1 + args.warm_runs):
            wall, pages = run_once(root, args.workers)
            kind = "cold" if k == 0 else "warm"
            print(f"{kind:4s} run: {wall:6.1f} s wall, {sum(pages.values()):6.1f} page-seconds, {len(pages)} pages",
                  flush=True)
            if k:
                warm.append(pages)
        print("\npage (warm median, s)")
        medians = {p: statistics.median(run[p] for run in warm) for p in warm[0]}
        for page, t in sorted(medians.items(), key=lambda x: -x[1]):
            print(f"{t:6.1f}  {page}")


if __name__ == "__main__":
    main()
