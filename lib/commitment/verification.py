"""One-line numerical checks of the papers' results, used in the book's pages.

Each function names a result of the registry (:mod:`commitment.registry`), says what *kind* of evidence
the check is, checks one quantity, and either prints one readable line, e.g.::

    ✓ [claim] hl-theorem-1 (Hellwig–Lorenzoni, Theorem 1) | V - D at roll-over limits | max|residual| = 3.1e-13 <= tol 1e-10 | margin 3.2e+02

or raises :class:`CheckFailed` (an ``AssertionError``) with the same line. An id that is not in the
registry is refused (:class:`~commitment.registry.UnknownResultError`) before anything is computed, so
that every check in the book is counted in the verification report.

Kinds (``kind=``, required, no default):

- ``"claim"`` -- the quantity tests the paper's result and is computed from objects that were not
  constructed to satisfy it (an equilibrium from a solver that does not impose the proposition, a
  frontier from an independent planner, a value from a second algorithm);
- ``"reference"`` -- a computed number against a number printed in the paper, with the printed
  precision as the tolerance;
- ``"consistency"`` -- an identity, a round trip, a solver diagnostic or a regression number: worth
  showing, never evidence for a result.

Functions:

- :func:`verify` -- a residual (scalar or array) is zero up to ``tol``;
- :func:`verify_close` -- a computed value equals a reference value up to ``tol``;
- :func:`verify_leq` -- an inequality ``lhs <= rhs`` holds (with slack ``tol``);
- :func:`verify_ordered` -- a sequence is increasing (or decreasing), weakly or strictly;
- :func:`assert_falsified` -- for the tests: a check *fails* on a case where the result is false, by at
  least ``factor`` times its tolerance.

The **margin** printed with a passing check says how far it is from failing: for :func:`verify` and
:func:`verify_close` it is ``tol / error`` (``inf`` for an exact zero), so a margin near 1 passes by a
hair; for :func:`verify_leq` and :func:`verify_ordered` it is the *slack*, the distance from the
measured quantity to the bound at which the check would fail, in the units of the quantity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from commitment.registry import KINDS, get_result, load_registry

__all__ = ["KINDS", "CheckFailed", "Outcome", "verify", "verify_close", "verify_leq", "verify_ordered",
           "assert_falsified"]


@dataclass(frozen=True)
class Outcome:
    """What a check measured.

    ``excess`` is the checked quantity oriented so that larger is worse (the largest error, the largest
    ``lhs - rhs``, minus the smallest step of an ordering); the check passes when ``excess`` is at most
    ``bound`` (strictly below it for strict checks). ``tol`` is the tolerance as given. ``style`` is
    ``"ratio"`` (error checks: the margin is ``tol / excess``) or ``"slack"`` (inequalities and
    orderings: the margin is ``bound - excess``).
    """

    result_id: str
    kind: str
    what: str
    ok: bool
    excess: float
    bound: float
    tol: float
    style: str
    line: str

    @property
    def margin(self) -> float:
        if self.style == "ratio":
            return math.inf if self.excess == 0.0 else self.tol / self.excess
        return self.bound - self.excess


class CheckFailed(AssertionError):
    """A check that did not pass; ``outcome`` holds what it measured."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.line)
        self.outcome = outcome


def _header(result_id, kind, what):
    r = get_result(result_id)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} (what kind of evidence the check is), got {kind!r}")
    who = load_registry().papers[r.paper].authors
    return f"[{kind}] {result_id} ({who}, {r.label}) | {what}"


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


def _margin_text(style, excess, bound, tol):
    if style == "ratio":
        return f"margin {'inf' if excess == 0.0 else format(tol / excess, '.2g')}"
    return f"slack {bound - excess:.3g}"


def _outcome(result_id, kind, what, ok, excess, bound, tol, style, detail):
    header = _header(result_id, kind, what)
    mark = "✓" if ok else "✗"
    tail = f" | {_margin_text(style, excess, bound, tol)}" if ok else ""
    line = f"{mark} {header} | {detail}{tail}"
    return Outcome(result_id, kind, what, ok, excess, bound, tol, style, line)


def _conclude(outcome):
    """Print the check's line, or raise CheckFailed with it (from inside the helper's own frame)."""
    __tracebackhide__ = True  # IPython and pytest show the caller's check, not this helper
    if not outcome.ok:
        raise CheckFailed(outcome) from None
    print(outcome.line)


def _evaluate_verify(result_id, residual, tol, *, kind, what="residual"):
    get_result(result_id)
    tol = _check_tol(tol)
    err = float(np.max(np.abs(_as_float_array(residual, "residual"))))
    ok = math.isfinite(err) and err <= tol
    detail = f"max|residual| = {err:.3g} {'<=' if ok else '>'} tol {tol:.3g}"
    return _outcome(result_id, kind, what, ok, err, tol, tol, "ratio", detail)


def _evaluate_verify_close(result_id, value, expected, tol, *, kind, what="value", rel=False):
    get_result(result_id)
    tol = _check_tol(tol)
    v = _as_float_array(value, "value")
    e = _as_float_array(expected, "expected")
    diff = np.abs(v - e)
    if rel:
        diff = diff / np.maximum(np.abs(e), np.finfo(float).tiny)
    err = float(np.max(diff))
    ok = math.isfinite(err) and err <= tol
    shown = f"{v.item():.10g} vs {e.item():.10g}, " if v.size == 1 and e.size == 1 else ""
    name = "relative error" if rel else "error"
    detail = f"{shown}{name} = {err:.3g} {'<=' if ok else '>'} tol {tol:.3g}"
    return _outcome(result_id, kind, what, ok, err, tol, tol, "ratio", detail)


def _evaluate_verify_leq(result_id, lhs, rhs, tol=0.0, *, kind, what="inequality", strict=False):
    get_result(result_id)
    tol = _check_tol(tol)
    gap = _as_float_array(lhs, "lhs") - _as_float_array(rhs, "rhs")
    worst = float(np.max(gap))
    finite = bool(np.all(np.isfinite(gap)))
    if strict:
        ok = finite and worst < -tol
        detail = f"max(lhs - rhs) = {worst:.3g} {'<' if ok else 'is not <'} {-tol:.3g} (strict)"
        bound = -tol
    else:
        ok = finite and worst <= tol
        detail = f"max(lhs - rhs) = {worst:.3g} {'<=' if ok else '>'} tol {tol:.3g}"
        bound = tol
    return _outcome(result_id, kind, what, ok, worst if finite else math.inf, bound, tol, "slack", detail)


def _evaluate_verify_ordered(result_id, values, *, kind, what="ordering", decreasing=False, strict=False,
                             tol=0.0):
    get_result(result_id)
    tol = _check_tol(tol)
    x = _as_float_array(values, "values").ravel()
    if x.size < 2:
        raise ValueError("values must have at least two elements to be ordered")
    steps = np.diff(x)
    if decreasing:
        steps = -steps
    worst = float(np.min(steps))
    finite = bool(np.all(np.isfinite(x)))
    ok = finite and (worst > tol if strict else worst >= -tol)
    direction = "decreasing" if decreasing else "increasing"
    cmp = ">" if strict else ">="
    bound = tol if strict else -tol
    detail = (f"{'strictly' if strict else 'weakly'} {direction}: smallest step = {worst:.3g} "
              f"{cmp if ok else 'fails ' + cmp} {bound:.3g}")
    # oriented so that larger is worse: the check passes while -worst stays below -bound
    return _outcome(result_id, kind, what, ok, -worst if finite else math.inf, -bound, tol, "slack", detail)


def verify(result_id, residual, tol, *, kind, what="residual"):
    """Check that ``max|residual| <= tol``; NaN or infinite residuals fail."""
    __tracebackhide__ = True
    _conclude(_evaluate_verify(result_id, residual, tol, kind=kind, what=what))


def verify_close(result_id, value, expected, tol, *, kind, what="value", rel=False):
    """Check ``max|value - expected| <= tol`` (relative to ``|expected|`` when ``rel=True``)."""
    __tracebackhide__ = True
    _conclude(_evaluate_verify_close(result_id, value, expected, tol, kind=kind, what=what, rel=rel))


def verify_leq(result_id, lhs, rhs, tol=0.0, *, kind, what="inequality", strict=False):
    """Check ``lhs <= rhs + tol`` elementwise (``strict=True``: ``lhs < rhs - tol``).

    Reports the largest ``lhs - rhs``.
    """
    __tracebackhide__ = True
    _conclude(_evaluate_verify_leq(result_id, lhs, rhs, tol, kind=kind, what=what, strict=strict))


def verify_ordered(result_id, values, *, kind, what="ordering", decreasing=False, strict=False, tol=0.0):
    """Check that ``values`` is increasing (``decreasing=True``: decreasing).

    Weakly: each step is >= -tol; strictly: each step is > tol.
    """
    __tracebackhide__ = True
    _conclude(_evaluate_verify_ordered(result_id, values, kind=kind, what=what, decreasing=decreasing,
                                       strict=strict, tol=tol))


_EVALUATORS = {verify: _evaluate_verify, verify_close: _evaluate_verify_close, verify_leq: _evaluate_verify_leq,
               verify_ordered: _evaluate_verify_ordered}


def assert_falsified(check, *args, factor=10.0, **kwargs) -> Outcome:
    """Assert that ``check(*args, **kwargs)`` -- one of the ``verify*`` functions, called exactly as a page
    calls it but on a case where the result is false -- **fails**, and by a wide margin: its oriented
    quantity (the error, ``lhs - rhs``, or the worst step against the ordering) is at least ``factor``
    times the check's tolerance. A falsifier shows that the check can fail and that its tolerance is
    narrower than the effect it claims to distinguish. Returns the measured :class:`Outcome`.

    Only claim and reference checks have falsifiers; a tolerance of 0 cannot show a margin and is refused.
    """
    __tracebackhide__ = True
    evaluate = _EVALUATORS.get(check)
    if evaluate is None:
        raise ValueError(f"check must be one of verify, verify_close, verify_leq, verify_ordered; got {check!r}")
    if not (math.isfinite(factor) and factor >= 1.0):
        raise ValueError(f"factor must be finite and >= 1, got {factor!r}")
    out = evaluate(*args, **kwargs)
    if out.kind == "consistency":
        raise ValueError(f"{out.result_id}: a consistency check is no evidence and has no falsifier")
    if out.tol <= 0.0:
        raise ValueError(f"{out.result_id}: tol = 0 cannot show a margin; derive a positive tolerance "
                         "from a measured error or the paper's printed precision")
    if out.ok:
        raise AssertionError(f"the check passed on a case where the result should be false: {out.line}")
    if not out.excess >= factor * out.tol:
        raise AssertionError(f"the check fails, but by less than {factor:g} x its tolerance "
                             f"(excess {out.excess:.3g} vs tol {out.tol:.3g}): {out.line}")
    return out
