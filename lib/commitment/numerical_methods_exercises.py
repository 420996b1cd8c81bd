"""Answers of the numerical-methods appendix's exercises, computed (``book/numerical_methods.md``).

Each function computes what an exercise asks for, from its statement; the exercise's self-check
(:func:`commitment.selfcheck.check_answer`, entries in ``commitment/data/selfchecks.toml``) compares a
student's value with it. The page's solution computes the same quantity with its own code.
"""

from __future__ import annotations

import numpy as np

from commitment.interpolation import interp_hermite_many, interp_linear_many, pchip_slopes

__all__ = ["KINK", "KINK_NODES", "kink_interpolation_errors", "kink_interpolation_orders", "kink_orders_spread"]

KINK = 1.3  # f(c) = max(c, 1.3) on [0.5, 4]
KINK_NODES = (11, 21, 41, 81, 161)


def kink_interpolation_errors(nodes=KINK_NODES, kink_node=False, points=20_001):
    """Maximum errors of linear and PCHIP interpolation of max(c, 1.3) on [0.5, 4] with ``nodes`` evenly
    spaced nodes (plus a node at the kink if ``kink_node``), measured on ``points`` evenly spaced points:
    an array of shape (len(nodes), 2), columns linear and PCHIP (exercise nm-ex-kink)."""
    nodes = [int(n) for n in nodes]
    if any(n < 2 for n in nodes):
        raise ValueError(f"nodes: every grid needs at least 2 nodes, got {nodes}")
    if int(points) < 2:
        raise ValueError(f"points must be >= 2, got {points}")
    xs = np.linspace(0.5, 4.0, int(points))
    f = lambda x: np.maximum(x, KINK)  # noqa: E731
    errors = []
    for n in nodes:
        xp = np.linspace(0.5, 4.0, n)
        if kink_node:
            xp = np.unique(np.append(xp, KINK))
        fp = f(xp)
        errors.append((np.max(np.abs(interp_linear_many(xp, fp, xs) - f(xs))),
                       np.max(np.abs(interp_hermite_many(xp, fp, pchip_slopes(xp, fp), xs) - f(xs)))))
    return np.array(errors)


def kink_interpolation_orders(nodes=KINK_NODES, points=20_001):
    """Estimated orders of accuracy (linear, PCHIP) with the kink between nodes: the slope of the
    least-squares line of log(max error) on log(h), h = 3.5 / (n - 1), over the grids ``nodes``
    (exercise nm-ex-kink, first part)."""
    errors = kink_interpolation_errors(nodes, kink_node=False, points=points)
    log_h = np.log(3.5 / (np.array(nodes, dtype=float) - 1.0))
    return np.array([np.polyfit(log_h, np.log(errors[:, k]), 1)[0] for k in range(2)])


def kink_orders_spread():
    """How much the nm-ex-kink estimates move with the points the error is measured on (2 001 and
    1 000 001 instead of the 20 001 the exercise states): the largest absolute change, the measured basis
    of the self-check's tolerance."""
    base = kink_interpolation_orders()
    return max(float(np.max(np.abs(kink_interpolation_orders(points=m) - base))) for m in (2_001, 1_000_001))
