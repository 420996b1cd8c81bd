"""Hellwig-Lorenzoni, App. C(b) (map (20), Figure 4): the collapse path re-solved.

:func:`commitment.self_enforcing_debt.claims_equilibrium.debt_collapse_gap` takes the path that map (20)
gives from q_0 in (1, kappa), puts both types on the chain of its dates and re-solves them with the
household solver, which knows nothing of (20): their plans clear the bond market at every date (that the
limits are self-enforcing is Theorem 1: they roll over exactly by construction). The map is derived for
log utility; with sigma != 1 the same path is not an equilibrium (the violating economies). Tolerances are
the function's own error estimate (grid changes, the change between two cuts of the path's tail, the
solver's stopping rule; refined until <= 1e-6); a draw that does not reach it (RuntimeError) is
rejected, not counted.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify
from tests.deciding import decided


_decided = decided


def test_debt_collapse_page_case():
    from commitment.self_enforcing_debt import debt_collapse_gap
    out = debt_collapse_gap(1.5, 0.5, 0.9, 1.05)
    verify("hl-claim-debt-collapse", out.gap, out.error, kind="claim", what="q0 = 1.05: bond-market clearing")
    assert out.q[-1] == pytest.approx(0.9 * 1.5 / 0.5) and out.B[-1] == 0.0


@pytest.mark.falsifies("hl-claim-debt-collapse", how="violation")
def test_debt_collapse_fails_with_crra_utility():
    # map (20) is derived for log utility: with sigma = 2 its path is not an equilibrium
    from commitment.self_enforcing_debt import debt_collapse_gap
    out = debt_collapse_gap(1.5, 0.5, 0.9, 1.05, sigma=2.0)
    o = assert_falsified(verify, "hl-claim-debt-collapse", out.gap, out.error, kind="claim",
                         what="q0 = 1.05: bond-market clearing")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_debt_collapse_validates_its_parameters():
    from commitment.self_enforcing_debt import debt_collapse_gap
    with pytest.raises(ValueError, match="q0"):
        debt_collapse_gap(1.5, 0.5, 0.9, 0.99)
    with pytest.raises(ValueError, match="share"):
        debt_collapse_gap(1.5, 0.5, 0.9, 1.05, share=1.2)


# beta <= 0.95 and kappa > 1.5 keep each draw's chain of dates short (at beta = 0.97 and kappa = 1.2 one
# draw takes seconds); q0 anywhere in (1, kappa) but the last 5% at each end
_collapse = dict(e_hi=st.floats(1.05, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.5, 0.95),
                 u=st.floats(0.05, 0.95), share=st.floats(0.0, 1.0))


def _q0(e_hi, e_lo, beta, u):
    kappa = beta * e_hi / e_lo
    assume(kappa > 1.5)  # a debt steady state with room for a collapse
    return 1.0 + u * (kappa - 1.0)


@given(**_collapse)
@settings(max_examples=100, deadline=None)
def test_debt_collapse_holds_on_random_economies(e_hi, e_lo, beta, u, share):
    from commitment.self_enforcing_debt import debt_collapse_gap
    q0 = _q0(e_hi, e_lo, beta, u)
    out = _decided(lambda: debt_collapse_gap(e_hi, e_lo, beta, q0, share=share))
    verify("hl-claim-debt-collapse", out.gap, out.error, kind="claim", what="random economy: collapse path")


@pytest.mark.falsifies("hl-claim-debt-collapse", how="violation")
@given(**_collapse, sigma=st.floats(1.5, 3.0))
@settings(max_examples=30, deadline=None)
def test_debt_collapse_fails_on_random_crra_economies(e_hi, e_lo, beta, u, share, sigma):
    from commitment.self_enforcing_debt import debt_collapse_gap
    q0 = _q0(e_hi, e_lo, beta, u)
    out = _decided(lambda: debt_collapse_gap(e_hi, e_lo, beta, q0, sigma=sigma, share=share))
    assert_falsified(verify, "hl-claim-debt-collapse", out.gap, out.error, kind="claim",
                     what="random CRRA economy: the log path")
