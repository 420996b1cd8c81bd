"""Hellwig-Lorenzoni, Section 5 (``book/self_enforcing_debt/section5.md``): our computations.

- :func:`commitment.self_enforcing_debt.section5.two_monies_gap` -- two unbacked monies (Kareken-Wallace):
  every split of B* clears with Proposition 1's allocation; a total other than B* or a moving exchange
  rate does not;
- :func:`commitment.self_enforcing_debt.section5.issuer_seignorage_gap` -- seignorage from the re-solved
  holders against the closed form; beyond mu = beta_hat (e_hi / e_lo)^sigma money is not held and the
  closed form fails;
- :func:`commitment.self_enforcing_debt.section5.zero_asset_collapse_gap` -- the collapse from zero
  assets re-solved; a wrong q_0 or sigma = 2 does not clear.

Tolerances are each function's own error estimate (grid changes n/2, n - 1, n + 1 refined to <= 1e-6,
plus the 1e-8 stopping rule of the household solver, plus for the collapse the change when the path is
cut later); a draw that does not reach it (RuntimeError) is rejected, not counted.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify
from tests.deciding import decided

_decided = decided
E = (1.5, 0.5, 0.9)


# ---------------------------------------------------------------- two monies

@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_two_monies_every_split_clears(share):
    from commitment.self_enforcing_debt.section5 import two_monies_gap
    out = two_monies_gap(*E, share)
    verify("hl-claim-two-monies", out.gap, out.error, kind="claim", what=f"share {share}: money markets, c_hi")
    assert out.supply.sum() == pytest.approx(out.B)


@settings(max_examples=15, deadline=None)
@given(e_hi=st.floats(1.1, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.5, 0.97), share=st.floats(0.02, 0.98),
       sigma=st.sampled_from([1.0, 2.0]))
def test_two_monies_random_economies(e_hi, e_lo, beta, share, sigma):
    from commitment.self_enforcing_debt.section5 import two_monies_gap
    assume(beta * (e_hi / e_lo) ** sigma > 1.05)  # a monetary steady state
    out = two_monies_gap(e_hi, e_lo, beta, share, sigma=sigma)
    verify("hl-claim-two-monies", out.gap, out.error, kind="claim", what="random economy: money markets, c_hi")


@pytest.mark.falsifies("hl-claim-two-monies", how="violation")
@pytest.mark.parametrize("scale", [0.9, 1.1])
def test_two_monies_fail_with_a_wrong_total(scale):
    # the total real value is not B*: the holders' demand does not match the supply
    from commitment.self_enforcing_debt import steady_state
    from commitment.self_enforcing_debt.section5 import two_monies_gap
    out = two_monies_gap(*E, 0.3, total=scale * steady_state(*E).total_debt)
    o = assert_falsified(verify, "hl-claim-two-monies", out.gap, out.error, kind="claim",
                         what=f"total {scale} B*: money markets")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


@pytest.mark.falsifies("hl-claim-two-monies", how="violation")
def test_two_monies_fail_with_a_moving_exchange_rate():
    from commitment.self_enforcing_debt.section5 import two_monies_gap
    out = two_monies_gap(*E, 0.3, share_a_next=0.31)
    o = assert_falsified(verify, "hl-claim-two-monies", out.gap, out.error, kind="claim",
                         what="A's share 0.3 -> 0.31: money markets")
    assert out.gap[1] == pytest.approx(-out.supply[1])  # money B is not held at all
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_two_monies_validate_parameters():
    from commitment.self_enforcing_debt.section5 import two_monies_gap
    with pytest.raises(ValueError, match="share_a"):
        two_monies_gap(*E, 1.0)
    with pytest.raises(ValueError, match="share_a_next"):
        two_monies_gap(*E, 0.5, share_a_next=0.0)
    with pytest.raises(ValueError, match="total"):
        two_monies_gap(*E, 0.5, total=-1.0)
    with pytest.raises(ValueError, match="monetary steady state"):
        two_monies_gap(1.1, 1.0, 0.9, 0.5)


# ---------------------------------------------------------------- seignorage

@pytest.mark.parametrize("mu", [1.0, 1.3, np.sqrt(2.7), 2.6])
def test_seignorage_page_cases(mu):
    from commitment.self_enforcing_debt.section5 import issuer_seignorage_gap
    out = issuer_seignorage_gap(*E, mu)
    verify("hl-claim-issuer-seignorage", out.gap, out.error, kind="claim", what=f"mu = {mu}: seignorage")
    assert out.hypothesis_holds


def test_seignorage_is_zero_at_a_fixed_stock_and_peaks_at_sqrt_kappa():
    from commitment.self_enforcing_debt.section5 import issuer_seignorage_gap, seignorage_peak
    assert issuer_seignorage_gap(*E, 1.0).seignorage == 0.0
    mu_star, s_star = seignorage_peak()
    assert mu_star == pytest.approx(np.sqrt(0.9 * 1.5 / 0.5), abs=1e-8)
    # the solver's seignorage at the peak and 0.05 either side: the peak is a maximum of the solver's too
    s = [issuer_seignorage_gap(*E, m).seignorage for m in (mu_star - 0.05, mu_star, mu_star + 0.05)]
    assert s[1] > max(s[0], s[2]) and s[1] == pytest.approx(s_star, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(e_hi=st.floats(1.1, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.5, 0.97), u=st.floats(0.0, 0.95),
       sigma=st.sampled_from([1.0, 2.0]), g=st.floats(0.98, 1.05))
def test_seignorage_random_economies(e_hi, e_lo, beta, u, sigma, g):
    from commitment.self_enforcing_debt.section5 import issuer_seignorage_gap
    top = beta * g ** (1.0 - sigma) * (e_hi / e_lo) ** sigma
    assume(top > 1.05)
    mu = 1.0 + u * (min(top, 4.0) - 1.0)
    out = _decided(lambda: issuer_seignorage_gap(e_hi, e_lo, beta, mu, g=g, sigma=sigma))
    verify("hl-claim-issuer-seignorage", out.gap, out.error, kind="claim", what="random economy: seignorage")


@pytest.mark.falsifies("hl-claim-issuer-seignorage", how="violation")
def test_seignorage_fails_where_money_is_not_held():
    # mu = 2.8 > beta e_hi / e_lo = 2.7: the holders buy nothing, the closed form is negative
    from commitment.self_enforcing_debt.section5 import issuer_seignorage_gap
    out = issuer_seignorage_gap(*E, 2.8)
    assert not out.hypothesis_holds and out.seignorage == 0.0
    o = assert_falsified(verify, "hl-claim-issuer-seignorage", out.gap, out.error, kind="claim",
                         what="mu = 2.8: seignorage")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_seignorage_validates_parameters():
    from commitment.self_enforcing_debt.section5 import issuer_seignorage_gap, money_demand_closed_form
    with pytest.raises(ValueError, match="mu"):
        issuer_seignorage_gap(*E, 0.9)
    with pytest.raises(ValueError, match="x"):
        money_demand_closed_form(*E, 0.0)


# ---------------------------------------------------------------- collapse from zero assets

@pytest.mark.parametrize("capacity", [0.25, 0.5, 0.9])
def test_zero_asset_collapse_page_cases(capacity):
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse_gap
    out = zero_asset_collapse_gap(*E, capacity)
    verify("hl-claim-zero-asset-collapse", out.gap, out.error, kind="claim", what=f"B_1 = {capacity} B*")
    assert out.path.euler_slack_even0 > 0.0
    assert out.q[-1] == pytest.approx(0.9 * 1.5 / 0.5) and out.B[-1] == 0.0


def test_zero_asset_collapse_meets_the_transition_at_full_capacity():
    # as B_1 -> B*, q_0 tends to App. C(a)'s (hl-q0) and q_1 to the steady-state price 1
    from commitment.self_enforcing_debt import transition
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse
    z = zero_asset_collapse(*E, 1.0 - 1e-9, share_even=0.4)
    assert z.q[0] == pytest.approx(transition(*E, 0.4).q0, abs=1e-8)
    assert z.q[1] == pytest.approx(1.0, abs=1e-8)


@settings(max_examples=10, deadline=None)
@given(e_hi=st.floats(1.05, 3.0), e_lo=st.floats(0.2, 1.0), beta=st.floats(0.5, 0.95), cap=st.floats(0.05, 0.95),
       share=st.floats(0.0, 1.0))
def test_zero_asset_collapse_random_economies(e_hi, e_lo, beta, cap, share):
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse_gap
    assume(beta * e_hi / e_lo > 1.5)  # room for a collapse, short chains
    out = _decided(lambda: zero_asset_collapse_gap(e_hi, e_lo, beta, cap, share_even=share))
    verify("hl-claim-zero-asset-collapse", out.gap, out.error, kind="claim", what="random economy")


@pytest.mark.falsifies("hl-claim-zero-asset-collapse", how="violation")
def test_zero_asset_collapse_fails_at_a_wrong_date0_price():
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse, zero_asset_collapse_gap
    q0 = zero_asset_collapse(*E, 0.5).q[0]
    out = zero_asset_collapse_gap(*E, 0.5, q0=1.02 * q0)
    o = assert_falsified(verify, "hl-claim-zero-asset-collapse", out.gap, out.error, kind="claim",
                         what="q_0 2% too high")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


@pytest.mark.falsifies("hl-claim-zero-asset-collapse", how="violation")
def test_zero_asset_collapse_fails_with_crra_utility():
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse_gap
    out = zero_asset_collapse_gap(*E, 0.5, sigma=2.0)
    o = assert_falsified(verify, "hl-claim-zero-asset-collapse", out.gap, out.error, kind="claim",
                         what="sigma = 2")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_zero_asset_collapse_validates_parameters():
    from commitment.self_enforcing_debt.section5 import zero_asset_collapse, zero_asset_collapse_gap
    with pytest.raises(ValueError, match="capacity"):
        zero_asset_collapse(*E, 1.0)
    with pytest.raises(ValueError, match="share_even"):
        zero_asset_collapse(*E, 0.5, share_even=1.5)
    with pytest.raises(ValueError, match="q0"):
        zero_asset_collapse_gap(*E, 0.5, q0=-1.0)
    with pytest.raises(ValueError, match="cut"):
        zero_asset_collapse_gap(*E, 0.5, cut=0.1)
