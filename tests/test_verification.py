"""The verification helpers: one line on success, AssertionError with the same line on failure."""

import numpy as np
import pytest

from commitment import verify, verify_close, verify_leq, verify_ordered
from commitment.registry import UnknownResultError

RID = "hl-theorem-1"


def test_verify_passes_and_prints_one_line(capsys):
    verify(RID, np.array([1e-12, -3e-12]), 1e-10, what="V - D")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("✓ hl-theorem-1 (Hellwig–Lorenzoni, Theorem 1) | V - D | max|residual| = 3e-12")
    assert "tol 1e-10" in out


def test_verify_fails_with_result_and_residual():
    with pytest.raises(AssertionError) as exc:
        verify(RID, 1.0, 1e-8)
    msg = str(exc.value)
    assert msg.startswith("✗ hl-theorem-1") and "max|residual| = 1 > tol 1e-08" in msg


@pytest.mark.parametrize("bad", [np.nan, np.inf, [0.0, np.nan]])
def test_non_finite_residuals_fail(bad):
    with pytest.raises(AssertionError):
        verify(RID, bad, 1.0)


def test_unknown_id_is_refused_before_anything_else():
    with pytest.raises(UnknownResultError):
        verify("hl-theorem-99", 0.0, 1.0)


@pytest.mark.parametrize("tol", [-1.0, np.nan, np.inf])
def test_invalid_tolerance(tol):
    with pytest.raises(ValueError, match="tol"):
        verify(RID, 0.0, tol)


def test_empty_residual_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        verify(RID, [], 1.0)


def test_verify_close_absolute_and_relative(capsys):
    verify_close(RID, 1.0 + 1e-9, 1.0, 1e-8, what="price")
    assert "1.000000001 vs 1, error = 1e-09 <= tol 1e-08" in capsys.readouterr().out
    verify_close(RID, 1000.5, 1000.0, 1e-3, rel=True)
    with pytest.raises(AssertionError, match="relative error"):
        verify_close(RID, 1001.5, 1000.0, 1e-3, rel=True)
    with pytest.raises(AssertionError):
        verify_close(RID, [1.0, 2.0], [1.0, 2.1], 0.05)


def test_verify_leq():
    verify_leq(RID, [1.0, 2.0], [1.0, 3.0])
    verify_leq(RID, 1.0 + 1e-12, 1.0, tol=1e-10)
    with pytest.raises(AssertionError, match="max\\(lhs - rhs\\) = 0.5"):
        verify_leq(RID, [1.5, 0.0], [1.0, 1.0])


def test_verify_leq_strict():
    verify_leq(RID, [0.5, 1.0], [1.0, 2.0], strict=True)
    with pytest.raises(AssertionError, match="strict"):
        verify_leq(RID, [1.0], [1.0], strict=True)
    with pytest.raises(AssertionError):
        verify_leq(RID, [0.95], [1.0], tol=0.1, strict=True)


def test_verify_ordered():
    verify_ordered(RID, [1, 2, 3], strict=True)
    verify_ordered(RID, [3, 3, 1], decreasing=True)
    with pytest.raises(AssertionError):
        verify_ordered(RID, [1, 1, 2], strict=True)
    with pytest.raises(AssertionError):
        verify_ordered(RID, [1, 0.5, 2])
    with pytest.raises(ValueError, match="two elements"):
        verify_ordered(RID, [1])
