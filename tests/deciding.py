"""Random-economy tests count only economies that decide a claim."""

from hypothesis import event, reject


def decided(compute):
    """``compute()``, counted only if it decides: a claim computation that raises RuntimeError (its solver
    did not converge by its own residual, or its error estimate did not reach its target) is rejected as
    undecided (no evidence either way) and the draw does not count."""
    try:
        return compute()
    except RuntimeError as e:
        event(f"undecided: {str(e)[:40]}")
        reject()
