r"""Self-checking exercises: is a student's numerical answer right, without showing the answer?

In an exercise's page (or the student edition's notebook)::

    from commitment.selfcheck import check_answer
    check_answer("nm-ex-kink", [0.98, 0.91])

says ``✓ nm-ex-kink: right to the exercise's tolerance (±0.02 on each number)`` or ``✗ ...`` with a hint
when one applies (a known mistake, a sign, a factor of 100, the wrong number of values), and never the
answer itself. ``check_answer(id, None)`` (the cell as the student edition ships it) says what to enter.

The answers are computed, not stored: each entry of ``commitment/data/selfchecks.toml`` names the library
function that computes the exercise's answer from its statement (the page's solution computes the same
quantity with its own code, and checks it with :func:`check_answer`), the tolerance and where it comes
from, and hints for known wrong answers (each a value, or a function computing the answer under the
mistake, with the text to show). Exercises without a numerical answer (proofs, discussions) are listed
with ``numerical = false`` and the reason, so that ``tests/test_selfchecks.py`` can require an entry for
every exercise of the book.

Grading: ``python -m commitment.selfcheck grade submissions/*.ipynb`` executes each submitted notebook
(nbclient, in its folder) with the environment variable ``COMMITMENT_SELFCHECK_LOG`` set, so that every
:func:`check_answer` call is recorded, and prints one row per notebook: each exercise's last recorded
result (✓, ✗, or - when not attempted), and whether the notebook ran to the end. The book's own library
computes the answers, so a submission cannot change what counts as right except by changing the library
in its own kernel; an instructor grading for credit should run the grader on submissions whose cells do
not import anything else (the instructor guide says how).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["SelfCheck", "Hint", "Result", "load_selfchecks", "pending_selfchecks", "expected_answer", "check_answer",
           "grade"]

DATA = Path(__file__).resolve().parent / "data" / "selfchecks.toml"
LOG_VARIABLE = "COMMITMENT_SELFCHECK_LOG"


@dataclass(frozen=True)
class Hint:
    """A known wrong answer: a ``value`` (or the dotted path of a function computing it) and the text."""

    text: str
    value: tuple = ()
    function: str = ""


@dataclass(frozen=True)
class SelfCheck:
    """One exercise's self-check (an entry of ``selfchecks.toml``)."""

    id: str
    page: str
    numerical: bool
    asks: str = ""
    answer: str = ""
    atol: float = 0.0
    rtol: float = 0.0
    tolerance_from: str = ""
    spread: str = ""  # dotted path: how much the answer moves with choices the statement leaves open
    reason: str = ""
    hints: tuple[Hint, ...] = field(default_factory=tuple)

    def tolerance(self, expected: np.ndarray) -> np.ndarray:
        return self.atol + self.rtol * np.abs(expected)

    def describe_tolerance(self) -> str:
        parts = ([f"±{self.atol:g}"] if self.atol else []) + ([f"{self.rtol:.0%} relative"] if self.rtol else [])
        return " + ".join(parts) + " on each number"


@cache
def load_selfchecks(path: Path = DATA) -> dict[str, SelfCheck]:
    """Every exercise's entry, by exercise label; raises ValueError on an inconsistent entry."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = {}
    for entry in raw.get("exercise", []):
        hints = tuple(Hint(text=h["text"], value=tuple(np.atleast_1d(h.get("value", [])).tolist()),
                           function=h.get("function", "")) for h in entry.pop("hints", []))
        sc = SelfCheck(**entry, hints=hints)
        if sc.id in out:
            raise ValueError(f"selfchecks.toml: exercise {sc.id!r} is listed twice")
        if sc.numerical and not (sc.answer and sc.asks and sc.tolerance_from and (sc.atol > 0 or sc.rtol > 0)):
            raise ValueError(f"selfchecks.toml: {sc.id!r} needs asks, answer, a positive atol or rtol and tolerance_from")
        if not sc.numerical and not sc.reason:
            raise ValueError(f"selfchecks.toml: {sc.id!r} has no numerical answer: give the reason")
        out[sc.id] = sc
    return out


def pending_selfchecks(path: Path = DATA) -> list[str]:
    """Exercises not yet classified in ``selfchecks.toml`` (its ``pending`` list, which may only shrink)."""
    return list(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("pending", []))


def _call(dotted: str) -> np.ndarray:
    module, _, name = dotted.rpartition(".")
    return np.atleast_1d(np.asarray(getattr(importlib.import_module(module), name)(), dtype=float))


@cache
def _expected(exercise_id: str) -> np.ndarray:
    return _call(_entry(exercise_id).answer)


def _entry(exercise_id: str) -> SelfCheck:
    checks = load_selfchecks()
    if exercise_id not in checks:
        raise ValueError(f"exercise_id: no self-check named {exercise_id!r}; known: {', '.join(sorted(checks))}")
    sc = checks[exercise_id]
    if not sc.numerical:
        raise ValueError(f"exercise_id: {exercise_id!r} has no numerical answer ({sc.reason})")
    return sc


def expected_answer(exercise_id: str) -> np.ndarray:
    """The exercise's answer as the library computes it (for tests and instructors; the self-check never
    prints it)."""
    return _expected(exercise_id).copy()


@dataclass(frozen=True)
class Result:
    """What :func:`check_answer` says: ``ok`` (None when there was no answer to check) and the message."""

    exercise_id: str
    ok: bool | None
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        return self.message


def _within(value: np.ndarray, target: np.ndarray, sc: SelfCheck) -> bool:
    return value.shape == target.shape and bool(np.all(np.abs(value - target) <= sc.tolerance(target)))


def _hint(value: np.ndarray, expected: np.ndarray, sc: SelfCheck) -> str:
    for h in sc.hints:
        wrong = _call(h.function) if h.function else np.atleast_1d(np.asarray(h.value, dtype=float))
        if _within(value, wrong, sc):
            return h.text
    if _within(-value, expected, sc):
        return "check the sign"
    for factor, what in ((100.0, "a percentage where a fraction is asked (or the reverse)"),
                         (0.01, "a percentage where a fraction is asked (or the reverse)"),
                         (2.0, "a factor of 2"), (0.5, "a factor of 2")):
        if _within(value / factor, expected, sc):
            return f"off by {what}"
    return ""


def _record(result: Result) -> None:
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"exercise": result.exercise_id, "ok": result.ok}) + "\n")


def check_answer(exercise_id: str, value) -> Result:
    """Whether ``value`` (a number or a sequence of numbers, as the exercise asks) is the exercise's answer
    to its stated tolerance; the result prints as one line, with a hint for a known kind of mistake. It
    never shows the answer. ``value=None`` only says what to enter."""
    sc = _entry(exercise_id)
    if value is None:
        result = Result(exercise_id, None, f"… {exercise_id}: enter {sc.asks}, then run this cell again")
        _record(result)
        return result
    try:
        given = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return Result(exercise_id, False, f"✗ {exercise_id}: expected numbers ({sc.asks}), got {type(value).__name__}")
    expected = _expected(exercise_id)
    if given.shape != expected.shape:
        result = Result(exercise_id, False,
                        f"✗ {exercise_id}: expected {expected.size} number{'s' * (expected.size > 1)} ({sc.asks}), got {given.size}")
    elif not np.all(np.isfinite(given)):
        result = Result(exercise_id, False, f"✗ {exercise_id}: the answer has a NaN or an infinity")
    elif _within(given, expected, sc):
        result = Result(exercise_id, True, f"✓ {exercise_id}: right to the exercise's tolerance ({sc.describe_tolerance()})")
    else:
        hint = _hint(given, expected, sc)
        wrong = [] if expected.size == 1 else [i + 1 for i in np.flatnonzero(np.abs(given - expected) > sc.tolerance(expected))]
        where = f" (number{'s' * (len(wrong) > 1)} {', '.join(map(str, wrong))})" if wrong else ""
        result = Result(exercise_id, False, f"✗ {exercise_id}: not right to the exercise's tolerance{where}"
                        + (f"; hint: {hint}" if hint else ""))
    _record(result)
    return result


def grade(notebooks, timeout: int = 600) -> list[dict]:
    """Execute each notebook with :func:`check_answer`'s calls recorded; one dict per notebook: ``notebook``,
    ``ran`` (True if every cell ran), ``error`` (the failing cell's exception line, or ""), and each
    exercise's last result (True, False, or None for an empty answer)."""
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    rows = []
    for path in map(Path, notebooks):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "selfcheck.jsonl"
            os.environ[LOG_VARIABLE] = str(log)
            try:
                NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
                ran, error = True, ""
            except CellExecutionError as err:
                ran, error = False, str(err).strip().splitlines()[-1] if str(err).strip() else "a cell failed"
            except DeadKernelError:
                ran, error = False, "the kernel died (a crash in the notebook's code or out of memory)"
            finally:
                os.environ.pop(LOG_VARIABLE, None)
            results = {}
            if log.exists():
                for line in log.read_text(encoding="utf-8").splitlines():
                    rec = json.loads(line)
                    results[rec["exercise"]] = rec["ok"]
        rows.append({"notebook": str(path), "ran": ran, "error": error, **results})
    return rows


def _print_grades(rows) -> None:
    exercises = sorted({k for r in rows for k in r} - {"notebook", "ran", "error"})
    mark = {True: "✓", False: "✗", None: "…"}
    print("\t".join(["notebook", *exercises, "ran to the end"]))
    for r in rows:
        cells = [mark[r[e]] if e in r else "-" for e in exercises]
        print("\t".join([r["notebook"], *cells, "yes" if r["ran"] else f"no: {r['error']}"]))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "grade":
        sys.exit("usage: python -m commitment.selfcheck grade NOTEBOOK.ipynb [...]")
    _print_grades(grade(sys.argv[2:]))
