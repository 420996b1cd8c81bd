"""The verification helpers: one line on success, AssertionError with the same line on failure."""

import numpy as np
import pytest

from commitment import verify, verify_close, verify_leq, verify_ordered
from commitment.verification import CheckFailed, assert_falsified
from commitment.registry import UnknownResultError

RID = "hl-theorem-1"


def test_verify_passes_and_prints_one_line(capsys):
    verify(RID, np.array([1e-12, -3e-12]), 1e-10, what="V - D", kind="claim")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("✓ [claim] hl-theorem-1 (Hellwig–Lorenzoni, Theorem 1) | V - D | max|residual| = 3e-12")
    assert out.rstrip().endswith("| margin 33")
    assert "tol 1e-10" in out


def test_verify_fails_with_result_and_residual():
    with pytest.raises(AssertionError) as exc:
        verify(RID, 1.0, 1e-8, kind="claim")
    msg = str(exc.value)
    assert msg.startswith("✗ [claim] hl-theorem-1") and "max|residual| = 1 > tol 1e-08" in msg


@pytest.mark.parametrize("bad", [np.nan, np.inf, [0.0, np.nan]])
def test_non_finite_residuals_fail(bad):
    with pytest.raises(AssertionError):
        verify(RID, bad, 1.0, kind="claim")


def test_unknown_id_is_refused_before_anything_else():
    with pytest.raises(UnknownResultError):
        verify("hl-theorem-99", 0.0, 1.0, kind="claim")


@pytest.mark.parametrize("tol", [-1.0, np.nan, np.inf])
def test_invalid_tolerance(tol):
    with pytest.raises(ValueError, match="tol"):
        verify(RID, 0.0, tol, kind="claim")


def test_empty_residual_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        verify(RID, [], 1.0, kind="claim")


def test_verify_close_absolute_and_relative(capsys):
    verify_close(RID, 1.0 + 1e-9, 1.0, 1e-8, what="price", kind="claim")
    assert "1.000000001 vs 1, error = 1e-09 <= tol 1e-08" in capsys.readouterr().out
    verify_close(RID, 1000.5, 1000.0, 1e-3, rel=True, kind="claim")
    with pytest.raises(AssertionError, match="relative error"):
        verify_close(RID, 1001.5, 1000.0, 1e-3, rel=True, kind="claim")
    with pytest.raises(AssertionError):
        verify_close(RID, [1.0, 2.0], [1.0, 2.1], 0.05, kind="claim")


def test_verify_leq():
    verify_leq(RID, [1.0, 2.0], [1.0, 3.0], kind="claim")
    verify_leq(RID, 1.0 + 1e-12, 1.0, tol=1e-10, kind="claim")
    with pytest.raises(AssertionError, match="max\\(lhs - rhs\\) = 0.5"):
        verify_leq(RID, [1.5, 0.0], [1.0, 1.0], kind="claim")


def test_verify_leq_strict():
    verify_leq(RID, [0.5, 1.0], [1.0, 2.0], strict=True, kind="claim")
    with pytest.raises(AssertionError, match="strict"):
        verify_leq(RID, [1.0], [1.0], strict=True, kind="claim")
    with pytest.raises(AssertionError):
        verify_leq(RID, [0.95], [1.0], tol=0.1, strict=True, kind="claim")


def test_verify_ordered():
    verify_ordered(RID, [1, 2, 3], strict=True, kind="claim")
    verify_ordered(RID, [3, 3, 1], decreasing=True, kind="claim")
    with pytest.raises(AssertionError):
        verify_ordered(RID, [1, 1, 2], strict=True, kind="claim")
    with pytest.raises(AssertionError):
        verify_ordered(RID, [1, 0.5, 2], kind="claim")
    with pytest.raises(ValueError, match="two elements"):
        verify_ordered(RID, [1], kind="claim")


def test_kind_is_required_and_validated():
    with pytest.raises(TypeError, match="kind"):
        verify(RID, 0.0, 1.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        verify(RID, 0.0, 1.0, kind="evidence")


@pytest.mark.parametrize("kind", ["claim", "reference", "consistency"])
def test_line_shows_kind(kind, capsys):
    verify_close(RID, 1.0, 1.0, 1e-9, kind=kind)
    assert capsys.readouterr().out.startswith(f"✓ [{kind}] {RID}")


def test_margins_and_slacks(capsys):
    verify(RID, 1e-12, 1e-10, kind="claim")
    verify(RID, 0.0, 1e-10, kind="claim")
    verify_leq(RID, 1.0, 1.5, 1e-3, kind="claim")
    verify_ordered(RID, [0.0, 0.25, 1.0], strict=True, tol=0.05, kind="claim")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("| margin 1e+02") and lines[1].endswith("| margin inf")
    assert lines[2].endswith("| slack 0.501")  # the check fails once lhs - rhs exceeds tol: 1e-3 - (-0.5)
    assert lines[3].endswith("| slack 0.2")  # smallest step 0.25 against the strict bound 0.05


def test_failure_carries_the_outcome():
    with pytest.raises(CheckFailed) as exc:
        verify_leq(RID, 2.0, 1.0, 0.1, kind="claim")
    o = exc.value.outcome
    assert not o.ok and o.excess == 1.0 and o.bound == 0.1 and o.kind == "claim"


def test_assert_falsified_demands_a_failure_by_ten_tolerances():
    assert assert_falsified(verify, RID, 1e-6, 1e-8, kind="claim").excess == 1e-6
    with pytest.raises(AssertionError, match="passed on a case"):
        assert_falsified(verify, RID, 1e-9, 1e-8, kind="claim")
    with pytest.raises(AssertionError, match="by less than 10"):
        assert_falsified(verify, RID, 5e-8, 1e-8, kind="claim")
    assert_falsified(verify_leq, RID, 1.2, 1.0, 0.01, kind="claim")  # lhs - rhs = 0.2 >= 10 x 0.01
    assert_falsified(verify_ordered, RID, [1.0, 0.5], tol=0.01, kind="reference")  # a step of -0.5
    with pytest.raises(AssertionError, match="by less than"):
        assert_falsified(verify_ordered, RID, [1.0, 0.95], tol=0.01, kind="claim")


def test_assert_falsified_refuses_what_cannot_show_a_margin():
    with pytest.raises(ValueError, match="consistency"):
        assert_falsified(verify, RID, 1.0, 1e-8, kind="consistency")
    with pytest.raises(ValueError, match="tol = 0"):
        assert_falsified(verify_leq, RID, 1.0, 0.0, kind="claim")
    with pytest.raises(ValueError, match="check must be one of"):
        assert_falsified(print, RID, 1.0, 1e-8, kind="claim")
