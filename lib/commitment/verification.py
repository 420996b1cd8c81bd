"""One-line numerical checks of the papers' results, used in the book's pages.

Each function names a result of the registry (:mod:`commitment.registry`), checks one quantity, and
either prints one readable line, e.g.::

    ✓ hl-theorem-1 (Hellwig–Lorenzoni, Theorem 1) | V - D at roll-over limits | max|residual| = 3.1e-13 <= tol 1e-10

or raises ``AssertionError`` with the same information. An id that is not in the registry is refused
(:class:`~commitment.registry.UnknownResultError`) before anything is computed, so that every check
in the book is counted in the verification report.

- :func:`verify` -- a residual (scalar or array) is zero up to ``tol``;
- :func:`verify_close` -- a computed value equals a reference value up to ``tol``;
- :func:`verify_leq` -- an inequality ``lhs <= rhs`` holds (with slack ``tol``);
- :func:`verify_ordered` -- a sequence is increasing (or decreasing), weakly or strictly.
"""

import math

import numpy as np

from commitment.registry import get_result, load_registry

__all__ = ["verify", "verify_close", "verify_leq", "verify_ordered"]


def _header(result_id, what):
    r = get_result(result_id)
    who = load_registry().papers[r.paper].authors
    return f"{result_id} ({who}, {r.label}) | {what}"


def _check_tol(tol):
    tol = float(tol)
    if not (math.isfinite(tol) and tol >= 0.0):
        raise ValueError(f"tol must be finite and >= 0, got {tol!r}")
    return tol


def _as_float_array(x, name):
    arr = np.asarray(x, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: nothing to check")
    return arr


def _conclude(ok, header, detail):
    """Print the check's line, or raise AssertionError with it (from inside the helper's own frame)."""
    __tracebackhide__ = True  # IPython and pytest show the caller's check, not this helper
    line = f"{'✓' if ok else '✗'} {header} | {detail}"
    if not ok:
        raise AssertionError(line) from None
    print(line)


def verify(result_id, residual, tol, *, what="residual"):
    """Check that ``max|residual| <= tol``; NaN or infinite residuals fail."""
    __tracebackhide__ = True
    header = _header(result_id, what)
    tol = _check_tol(tol)
    err = float(np.max(np.abs(_as_float_array(residual, "residual"))))
    ok = math.isfinite(err) and err <= tol
    _conclude(ok, header, f"max|residual| = {err:.3g} <= tol {tol:.3g}" if ok else
            f"max|residual| = {err:.3g} > tol {tol:.3g}")


def verify_close(result_id, value, expected, tol, *, what="value", rel=False):
    """Check ``max|value - expected| <= tol`` (relative to ``|expected|`` when ``rel=True``)."""
    __tracebackhide__ = True
    header = _header(result_id, what)
    tol = _check_tol(tol)
    v = _as_float_array(value, "value")
    e = _as_float_array(expected, "expected")
    diff = np.abs(v - e)
    if rel:
        diff = diff / np.maximum(np.abs(e), np.finfo(float).tiny)
    err = float(np.max(diff))
    ok = math.isfinite(err) and err <= tol
    shown = f"{v.item():.10g} vs {e.item():.10g}, " if v.size == 1 and e.size == 1 else ""
    kind = "relative error" if rel else "error"
    _conclude(ok, header, f"{shown}{kind} = {err:.3g} {'<=' if ok else '>'} tol {tol:.3g}")


def verify_leq(result_id, lhs, rhs, tol=0.0, *, what="inequality", strict=False):
    """Check ``lhs <= rhs + tol`` elementwise (``strict=True``: ``lhs < rhs - tol``).

    Reports the largest ``lhs - rhs``.
    """
    __tracebackhide__ = True
    header = _header(result_id, what)
    tol = _check_tol(tol)
    gap = _as_float_array(lhs, "lhs") - _as_float_array(rhs, "rhs")
    worst = float(np.max(gap))
    finite = bool(np.all(np.isfinite(gap)))
    if strict:
        ok = finite and worst < -tol
        detail = f"max(lhs - rhs) = {worst:.3g} {'<' if ok else 'is not <'} {-tol:.3g} (strict)"
    else:
        ok = finite and worst <= tol
        detail = f"max(lhs - rhs) = {worst:.3g} {'<=' if ok else '>'} tol {tol:.3g}"
    _conclude(ok, header, detail)


def verify_ordered(result_id, values, *, what="ordering", decreasing=False, strict=False, tol=0.0):
    """Check that ``values`` is increasing (``decreasing=True``: decreasing).

    Weakly: each step is >= -tol; strictly: each step is > tol.
    """
    __tracebackhide__ = True
    header = _header(result_id, what)
    tol = _check_tol(tol)
    x = _as_float_array(values, "values").ravel()
    if x.size < 2:
        raise ValueError("values must have at least two elements to be ordered")
    steps = np.diff(x)
    if decreasing:
        steps = -steps
    worst = float(np.min(steps))
    ok = bool(np.all(np.isfinite(x))) and (worst > tol if strict else worst >= -tol)
    direction = "decreasing" if decreasing else "increasing"
    cmp = ">" if strict else ">="
    bound = tol if strict else -tol
    _conclude(ok, header, f"{'strictly' if strict else 'weakly'} {direction}: smallest step = {worst:.3g} "
            f"{cmp if ok else 'fails ' + cmp} {bound:.3g}")
