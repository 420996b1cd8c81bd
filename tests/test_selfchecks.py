"""Self-checking exercises (commitment.selfcheck): every exercise is covered, the computed answer passes
its self-check, values off by 10 tolerances fail it, hints fire on the mistakes they name, each tolerance
covers the measured spread of its answer without being loose, and the grader reads submitted notebooks."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from commitment.selfcheck import (LOG_VARIABLE, check_answer, expected_answer, grade, load_selfchecks,
                                  pending_selfchecks, _call)
from tests.pages import ROOT, directives

NUMERICAL = sorted(i for i, sc in load_selfchecks().items() if sc.numerical)


def exercise_labels() -> dict[str, str]:
    """Every exercise's label and its page (relative path)."""
    out = {}
    for page, _, body in directives("exercise"):
        out[re.search(r"^:label:\s*(\S+)", body, re.M).group(1)] = page.relative_to(ROOT).as_posix()
    return out


def test_every_exercise_has_a_self_check_entry_or_is_pending():
    labels = exercise_labels()
    checks = load_selfchecks()
    pending = pending_selfchecks()
    assert len(pending) == len(set(pending))
    assert not set(pending) & set(checks), f"listed and pending at once: {sorted(set(pending) & set(checks))}"
    uncovered = sorted(set(labels) - set(checks) - set(pending))
    assert not uncovered, f"exercises with no self-check entry (add one, or numerical = false with a reason): {uncovered}"
    stale = sorted((set(checks) | set(pending)) - set(labels))
    assert not stale, f"self-check entries for exercises that do not exist: {stale}"
    wrong_page = sorted(i for i, sc in checks.items() if sc.page != labels[i])
    assert not wrong_page, f"entries naming the wrong page: {wrong_page}"


def test_no_exercise_is_pending():
    """26 chapter exercises were pending when self-checks were introduced (2026-12-03), none at the end of
    that day: every exercise has a self-check or is marked non-numerical with its reason. A new exercise
    must come with its entry."""
    assert pending_selfchecks() == []


@pytest.mark.parametrize("exercise_id", NUMERICAL)
def test_the_page_invites_a_check_and_its_solution_passes_it(exercise_id):
    """Outside the solution (so the student edition keeps it) a cell calls check_answer with the student's
    value; inside the solution, the solution's own value is checked (the page asserts it when it runs)."""
    sc = load_selfchecks()[exercise_id]
    page = (ROOT / sc.page).read_text(encoding="utf-8")
    call = f'check_answer("{exercise_id}"'
    solutions = [body for p, arg, body in directives("solution") if arg == exercise_id]
    assert solutions, f"{exercise_id}: no solution"
    inside = sum(body.count(call) for body in solutions)
    assert inside >= 1, f"{exercise_id}: the solution does not check its own value"
    assert page.count(call) > inside, f"{exercise_id}: no check_answer cell outside the solution for the student"


@pytest.mark.parametrize("exercise_id", NUMERICAL)
def test_the_computed_answer_passes_and_values_ten_tolerances_off_fail(exercise_id):
    sc = load_selfchecks()[exercise_id]
    answer = expected_answer(exercise_id)
    assert check_answer(exercise_id, answer).ok is True
    tol = sc.tolerance(answer)
    for k in range(answer.size):
        for sign in (1.0, -1.0):
            wrong = answer.copy()
            wrong[k] += sign * 10.0 * tol[k]
            result = check_answer(exercise_id, wrong)
            assert result.ok is False, f"{exercise_id}: {wrong} passed"
            assert not re.search(r"\d\.\d{3}", result.message.split(":", 1)[1].replace(exercise_id, "")), \
                f"the message may show a number: {result.message}"
    assert check_answer(exercise_id, np.append(answer, 0.0)).ok is False  # the wrong number of values


@pytest.mark.parametrize("exercise_id", NUMERICAL)
def test_each_hint_fires_on_its_mistake_and_the_mistake_fails(exercise_id):
    sc = load_selfchecks()[exercise_id]
    for hint in sc.hints:
        wrong = _call(hint.function) if hint.function else np.asarray(hint.value, dtype=float)
        result = check_answer(exercise_id, wrong)
        assert result.ok is False and hint.text in result.message, result.message


@pytest.mark.parametrize("exercise_id", [i for i in NUMERICAL if load_selfchecks()[i].spread])
def test_the_tolerance_covers_the_measured_spread_and_is_not_loose(exercise_id):
    sc = load_selfchecks()[exercise_id]
    spread = float(_call(sc.spread)[0])
    tol = float(np.max(sc.tolerance(expected_answer(exercise_id))))
    assert spread <= tol <= 3.0 * spread, f"{exercise_id}: tolerance {tol:g}, measured spread {spread:g}"


def test_empty_and_malformed_answers_and_unknown_exercises():
    some = NUMERICAL[0]
    empty = check_answer(some, None)
    assert empty.ok is None and "enter" in empty.message and not bool(empty)
    assert check_answer(some, "a number").ok is False
    assert check_answer(some, [np.nan] * expected_answer(some).size).ok is False
    with pytest.raises(ValueError, match="exercise_id"):
        check_answer("no-such-exercise", 1.0)
    proof = next(i for i, sc in load_selfchecks().items() if not sc.numerical)
    with pytest.raises(ValueError, match="no numerical answer"):
        check_answer(proof, 1.0)


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_the_grader_records_each_notebook_s_answers(tmp_path, monkeypatch):
    monkeypatch.delenv(LOG_VARIABLE, raising=False)
    some = "nm-ex-kink"  # a cheap answer (NumPy and small numba kernels): the test is about the grader
    right = [float(v) for v in expected_answer(some)]
    imp = "from commitment.selfcheck import check_answer"
    books = [
        _notebook(tmp_path / "right.ipynb", imp, f'check_answer("{some}", {[v + 1.0 for v in right]})',
                  f'check_answer("{some}", {right})'),  # the last attempt counts
        _notebook(tmp_path / "wrong.ipynb", imp, f'check_answer("{some}", {[v + 1.0 for v in right]})'),
        _notebook(tmp_path / "empty.ipynb", imp, f'check_answer("{some}", None)'),
        _notebook(tmp_path / "broken.ipynb", imp, "1 / 0", f'check_answer("{some}", {right})'),
    ]
    rows = {r["notebook"].rsplit("/", 1)[-1]: r for r in grade(books, timeout=120)}
    assert rows["right.ipynb"][some] is True and rows["right.ipynb"]["ran"]
    assert rows["wrong.ipynb"][some] is False
    assert rows["empty.ipynb"][some] is None
    assert not rows["broken.ipynb"]["ran"] and some not in rows["broken.ipynb"]
    assert "ZeroDivisionError" in rows["broken.ipynb"]["error"]
