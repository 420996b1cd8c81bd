"""Claims and falsifiers of the secondary-markets chapter added in its second edition (issue 12).

Each claim is checked as its page checks it (the same library function, the same tolerance rule: ten
times the error measured by recomputing with the Negishi first best and the NumPy enumeration twin,
:func:`commitment.secondary_markets.margin_tolerance`), then shown to fail by at least ten times that
tolerance where the result's hypothesis is violated, and to hold on random admissible economies.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import commitment.secondary_markets as sm
from commitment.verification import assert_falsified, verify_leq


def _margin_check(rid, claim, *args, **kwargs):
    """Arguments of the pages' check: (id, 0, margins, tol) with tol from the measured error."""
    margins = claim(*args, **kwargs)
    return (rid, 0.0, margins, sm.margin_tolerance(sm.margin_error(claim, *args, **kwargs)))


# --------------------------------------------------------------------------- R7(b): enforcement partitions

R7_WHAT = "margin for enforcing every claim after resale into endowment groups"
R7_PAGE_ECON = dict(r=0.3, e=0.3, v=0.2, agg=0.3)  # the redistribution economy of extensions.md
# types: rich-A, rich-B, poor-A, poor-B, F-A, F-B; endowment groups G = {rich}, {poor}, {Foreign}
R7_PARTITIONS = {  # the page's enforcement partitions G_E
    "finer (Home)": [0, 1, 2, 2, 3, 3],
    "finer (Foreign)": [0, 0, 1, 1, 2, 3],
    "coarser": [0, 0, 0, 0, 1, 1],
    "cross-cutting A/B": [0, 1, 0, 1, 2, 2],
    "cross-cutting A/B swapped": [0, 1, 1, 0, 2, 2],
}
CROSS = [R7_PARTITIONS["cross-cutting A/B"], R7_PARTITIONS["cross-cutting A/B swapped"]]


def _r7_page_check(econ, partitions, resale="endowment_group"):
    """The page's R7(b) computation: margins over all partitions, tolerance from the largest measured error."""
    margins, errors = [], []
    for groups in partitions:
        margins.append(sm.r7_enforcement_margin(econ, 2.0, groups, resale))
        errors.append(sm.margin_error(sm.r7_enforcement_margin, econ, 2.0, groups, resale))
    return "bmv-r7", 0.0, np.concatenate(margins), sm.margin_tolerance(max(errors))


def test_r7_page_claim_passes():
    args = _r7_page_check(sm.redistribution_economy(**R7_PAGE_ECON), list(R7_PARTITIONS.values()))
    verify_leq(*args, strict=True, kind="claim", what=R7_WHAT)
    assert args[2].min() > 1e6 * args[3]  # the effect is not a rounding artefact


@pytest.mark.falsifies("bmv-r7", how="violation")
def test_r7_falsified_when_groups_are_not_homogeneous():
    """The hypothesis of §3.1 violated: the groups G into which paper is resold are not groups of agents
    alike in endowments and weights (here G = the whole of each region, rich and poor together). After
    resale poor-to-rich claims remain, the enforcement partition lets the government refuse them, and
    the margin is negative."""
    het = sm.with_enforcement_groups(sm.redistribution_economy(**R7_PAGE_ECON), [0, 0, 0, 0, 1, 1])
    partitions = [[0, 0, 1, 1, 2, 2]] + CROSS
    assert_falsified(verify_leq, *_r7_page_check(het, partitions), strict=True, kind="claim", what=R7_WHAT)


@pytest.mark.falsifies("bmv-r7", how="violation")
@pytest.mark.parametrize("resale", ["enforcement_group", "none"])
def test_r7_falsified_by_resale_into_the_enforcement_group(resale):
    """The draft's construction violated on cross-cutting partitions: paper resold into the issuer's
    *enforcement* group (the first edition's rule) or not resold. Claims between rich and poor members
    of one enforcement group remain and are refused."""
    args = _r7_page_check(sm.redistribution_economy(**R7_PAGE_ECON), CROSS, resale)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R7_WHAT)


def _partition_labels(blocks_of):
    """Consecutive group ids from a list of block ids per type."""
    ids = {}
    return [ids.setdefault(b, len(ids)) for b in blocks_of]


home_partition = st.lists(st.integers(0, 1), min_size=4, max_size=4)  # block of each Home type (<= 2 blocks)
foreign_partition = st.lists(st.integers(0, 1), min_size=2, max_size=2)
redistribution_params = st.tuples(st.floats(0.0, 0.3), st.floats(0.05, 0.45), st.floats(0.0, 0.3),
                                  st.floats(0.0, 0.3), st.floats(0.3, 6.0))


def _enforcement_groups(home, foreign):
    """An enforcement partition from random block ids: at most two blocks per region, so that each
    government has at most 2**8 choices and an example runs in a fraction of a second (the page checks a
    partition with three Home blocks, 2**12 choices)."""
    gh = _partition_labels(home)
    return gh + [len(set(gh)) + f for f in _partition_labels(foreign)]


@settings(max_examples=100, deadline=None)
@given(redistribution_params, home_partition, foreign_partition, st.sampled_from(["world_pool", "regional_netting"]))
def test_r7_claim_holds_on_random_economies_and_partitions(p, home, foreign, rule):
    """R7(b) on random redistribution economies and random enforcement partitions (finer in Foreign,
    coarser, equal to or cutting across the endowment groups), with resale into the endowment groups."""
    r, e, v, agg, sigma = p
    assume(-r + (1 - agg) * (1 - v) * (1 - e) > 0)  # every old-age endowment positive (admissible economy)
    groups = _enforcement_groups(home, foreign)
    econ = sm.redistribution_economy(r=r, e=e, v=v, agg=agg)
    args = _margin_check("bmv-r7", sm.r7_enforcement_margin, econ, sigma, groups, "endowment_group", rule)
    verify_leq(*args, strict=True, kind="claim", what=R7_WHAT)


@pytest.mark.falsifies("bmv-r7", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 0.3), st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.5, 5.0),
       st.sampled_from(CROSS + [[0, 0, 1, 1, 2, 2]]))
def test_r7_falsified_on_random_economies_with_heterogeneous_groups(r, e, v, agg, sigma, groups):
    """Groups G that pool rich and poor residents (not homogeneous), with a permanent component r >= 0.2
    large against the idiosyncratic dispersion e <= 0.25, and an enforcement partition separating rich
    from poor or cutting across A/B: some poor-to-rich claim is refused."""
    het = sm.with_enforcement_groups(sm.redistribution_economy(r=r, e=e, v=v, agg=agg), [0, 0, 0, 0, 1, 1])
    args = _margin_check("bmv-r7", sm.r7_enforcement_margin, het, sigma, groups)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R7_WHAT)


def test_r7_validates():
    red = sm.redistribution_economy()
    with pytest.raises(ValueError, match="resale"):
        sm.r7_enforcement_margin(red, 2.0, [0, 0, 1, 1, 2, 2], resale="group")
    with pytest.raises(ValueError, match="spans both regions"):
        sm.r7_enforcement_margin(red, 2.0, [0, 0, 1, 1, 1, 2])
    with pytest.raises(ValueError, match="groups must give one resale group per type"):
        sm.secondary_market(np.ones(6), np.zeros((6, 6)), red, "issuer_group", groups=[0, 1])


# --------------------------------------------------------------------------- footnote 8: finer enforcement

FN8_WHAT = "finer enforcement, resale into endowment groups: margin for enforcing every claim"


def _fn8_page_check(cases):
    margins = np.concatenate([sm.footnote_8_enforcement_margin(ec, 2.0, gr) for ec, gr in cases])
    tol = sm.margin_tolerance(max(sm.margin_error(sm.footnote_8_enforcement_margin, ec, 2.0, gr) for ec, gr in cases))
    return "bmv-footnote-8", 0.0, margins, tol


def test_footnote_8_page_claim_passes():
    cases = [(sm.mirror_economy(g=0.1, v=0.2, e=0.3, a=0.15), [0, 1, 2, 3]),
             (sm.redistribution_economy(**R7_PAGE_ECON), R7_PARTITIONS["finer (Foreign)"])]
    args = _fn8_page_check(cases)
    verify_leq(*args, strict=True, kind="claim", what=FN8_WHAT)
    assert args[2].min() > 1e6 * args[3]


@pytest.mark.falsifies("bmv-footnote-8", how="violation")
def test_footnote_8_falsified_when_groups_are_not_homogeneous():
    """Groups that mix rich and poor residents (G = the whole region) refined into {rich}, {poor}: after
    resale into G, poor-to-rich claims remain and the finer enforcement lets the government refuse them."""
    het = sm.with_enforcement_groups(sm.redistribution_economy(**R7_PAGE_ECON), [0, 0, 0, 0, 1, 1])
    args = _fn8_page_check([(het, [0, 0, 1, 1, 2, 2])])
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN8_WHAT)


mirror_params = st.tuples(st.floats(-0.2, 0.2), st.floats(0.0, 0.3), st.floats(0.05, 0.5), st.floats(0.0, 0.3),
                          st.floats(0.3, 6.0))


@settings(max_examples=100, deadline=None)
@given(mirror_params, st.sampled_from([[0, 1, 2, 3], [0, 1, 2, 2], [0, 0, 1, 2], [0, 0, 1, 1]]),
       st.sampled_from(["world_pool", "regional_netting"]))
def test_footnote_8_claim_holds_on_random_mirror_economies(p, groups, rule):
    g, v, e, a, sigma = p
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)
    args = _margin_check("bmv-footnote-8", sm.footnote_8_enforcement_margin, econ, sigma, groups, rule)
    verify_leq(*args, strict=True, kind="claim", what=FN8_WHAT)


@pytest.mark.falsifies("bmv-footnote-8", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 0.3), st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.5, 5.0))
def test_footnote_8_falsified_on_random_heterogeneous_groups(r, e, v, agg, sigma):
    het = sm.with_enforcement_groups(sm.redistribution_economy(r=r, e=e, v=v, agg=agg), [0, 0, 0, 0, 1, 1])
    args = _margin_check("bmv-footnote-8", sm.footnote_8_enforcement_margin, het, sigma, [0, 0, 1, 1, 2, 2])
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN8_WHAT)


def test_footnote_8_refuses_partitions_that_are_not_finer():
    with pytest.raises(ValueError, match="refine"):
        sm.footnote_8_enforcement_margin(sm.redistribution_economy(), 2.0, [0, 1, 0, 1, 2, 2])


# --------------------------------------------------------------------------- R4: friends

R4_WHAT = "margin for enforcing every claim after within-group resale, friends economy, 16 states"
R4_PAGE_ECON = dict(psi_friend=1.5, e=0.3, v=0.2)


def test_r4_page_claim_passes():
    args = _margin_check("bmv-r4", sm.r4_enforcement_margin, sm.friends_economy(**R4_PAGE_ECON), 2.0)
    verify_leq(*args, strict=True, kind="claim", what=R4_WHAT)
    assert args[2].min() > 1e6 * args[3]


@pytest.mark.falsifies("bmv-r4", how="violation")
@pytest.mark.parametrize("resale", ["issuer_region", "none"])
def test_r4_falsified_when_others_hold_friends_paper(resale):
    """R4's outcome violated: paper resold only into the issuer's region (an "other" may hold a friend's
    paper), or not resold. The government refuses friend-to-other payments in some states."""
    args = _margin_check("bmv-r4", sm.r4_enforcement_margin, sm.friends_economy(**R4_PAGE_ECON), 2.0, resale)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R4_WHAT)


friends_params = st.tuples(st.floats(0.05, 0.5), st.floats(0.0, 0.3), st.floats(-0.2, 0.2), st.floats(0.3, 6.0),
                           st.sampled_from([(0, 1), (0, 2), (1, 3)]))


@settings(max_examples=100, deadline=None)
@given(friends_params, st.floats(0.1, 1.9), st.sampled_from(["world_pool", "regional_netting"]))
def test_r4_claim_holds_on_random_friends_economies(p, psi_friend, rule):
    """R4 on random friends economies with both weights positive (psi_friend and 2 - psi_friend >= 0.1): at a
    weight of 0 the government is indifferent to payments inside the unweighted group, a tie, not a margin."""
    e, v, g, sigma, friends = p
    assume(1 - abs(g) - v > 0.05)
    econ = sm.friends_economy(psi_friend=psi_friend, e=e, v=v, g=g, friends=friends)
    args = _margin_check("bmv-r4", sm.r4_enforcement_margin, econ, sigma, "issuer_group", rule)
    verify_leq(*args, strict=True, kind="claim", what=R4_WHAT)


@pytest.mark.falsifies("bmv-r4", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 0.3), st.floats(0.0, 0.2), st.floats(0.5, 2.5), st.sampled_from([(0, 1), (0, 2), (1, 3)]),
       st.floats(1.6, 1.9))
def test_r4_falsified_on_random_friends_economies(e, v, sigma, friends, psi_friend):
    """Resale into the issuer's region with a strong preference for friends (weight 1.6 to 1.9 against 0.4
    to 0.1), no youth gap, moderate risk aversion: some friend-to-other payment is refused. Outside this
    box region-wide resale can still be enforced in every state (e.g. weight 1.375, e = 0.5, sigma = 5: a
    poor enough "other" has a high weighted marginal utility)."""
    econ = sm.friends_economy(psi_friend=psi_friend, e=e, v=v, g=0.0, friends=friends)
    args = _margin_check("bmv-r4", sm.r4_enforcement_margin, econ, sigma, "issuer_region")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R4_WHAT)


# --------------------------------------------------------------------------- explorer volume (review E3)


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.2, 0.2), st.floats(0.0, 0.3), st.floats(0.0, 0.5), st.floats(0.3, 6.0), st.floats(1.0, 4.0),
       st.sampled_from(["all states", "Home-rich states", "Foreign-rich states", "no state"]))
def test_partial_market_volume_against_an_independent_count(g, v, e, sigma, kappa, which):
    """The explorer's volume (holdings -> secondary market at the partial-market portfolios) against a count
    from the regions' budgets alone: with regional netting, what crosses the border in a state with a market
    is Home's net position |sum_k m_k (c_ks - Y_ks)| over Home types, grossed up by kappa, where Home consumes
    the share omega_H of world output and omega_H solves Home's budget at the R0 prices (computed here)."""
    from commitment.secondary_markets_explorers import sm_mask

    econ = sm.mirror_economy(g=g, v=v, e=e)
    mask = sm_mask(econ, which)
    vol, ev = sm.partial_market_volume(econ, sigma, mask, kappa=kappa)
    H = econ.region == 0
    YH0, YF0 = econ.mass[H] @ econ.y0[H], econ.mass[~H] @ econ.y0[~H]
    YH, YF = econ.mass[H] @ econ.Y[H], econ.mass[~H] @ econ.Y[~H]
    C0, C = YH0 + YF0, YH + YF
    q = econ.pi * (C / C0) ** (-sigma)  # R0 prices of a representative world agent, CRRA
    omega = (YH0 + q[mask] @ YH[mask]) / (C0 + q[mask] @ C[mask])  # Home's budget: trade on the market states only
    count = np.where(mask, kappa * np.abs(omega * C - YH), 0.0)
    np.testing.assert_allclose(vol, count, atol=1e-12)  # sums of O(1) terms
    assert abs(ev - count @ econ.pi) < 1e-12


def test_review_e3_cases():
    """The referee's cases: g = 0.1, Home-rich states only; v = 0.1 gives 1/30, v = 0.2 gives 0 (Home's
    partial-market position in its rich states is zero there)."""
    from commitment.secondary_markets_explorers import sm_mask

    for v, expected in ((0.1, 1 / 30), (0.2, 0.0)):
        econ = sm.mirror_economy(g=0.1, v=v, e=0.3)
        _, ev = sm.partial_market_volume(econ, 2.0, sm_mask(econ, "Home-rich states"))
        assert abs(ev - expected) < 1e-12


# --------------------------------------------------------------------------- footnotes 15 and 16

FN15_WHAT = "spread debts: the deviator's gain from cutting his cash by 9 (4 sigmas)"
FN16_WHAT = "single creditor: the deviator's gain, cuts 5, 9, 20, 50 (4 sigmas)"
PAGE_SIGMAS = (0.5, 1.0, 2.0, 5.0)


def _fn15_args(single_creditor=False):
    g = [sm.footnote_15_gain(s, single_creditor) for s in PAGE_SIGMAS]
    return "bmv-footnote-15", 0.0, [x for x, _ in g], sm.margin_tolerance(max(e for _, e in g))


def _fn16_args(single_creditor=True):
    g = [sm.footnote_16_gain(s, single_creditor, cut=c) for s in PAGE_SIGMAS for c in (0.05, 0.09, 0.2, 0.5)]
    return "bmv-footnote-16", [x for x, _ in g], 0.0, sm.margin_tolerance(max(e for _, e in g))


def test_footnotes_15_16_page_claims_pass():
    verify_leq(*_fn15_args(), strict=True, kind="claim", what=FN15_WHAT)
    verify_leq(*_fn16_args(), kind="claim", what=FN16_WHAT)


@pytest.mark.falsifies("bmv-footnote-15", how="violation")
def test_footnote_15_falsified_with_a_single_creditor():
    """Footnote 15's hypothesis (debts spread over many creditors) violated: with a single creditor the
    government enforces everything and the deviator keeps his 91: the gain is -9 (of 100)."""
    assert_falsified(verify_leq, *_fn15_args(single_creditor=True), strict=True, kind="claim", what=FN15_WHAT)


@pytest.mark.falsifies("bmv-footnote-16", how="violation")
def test_footnote_16_falsified_with_spread_debts():
    """Footnote 16's hypothesis (a single creditor) violated: with debts spread, the cut of 9 pays 1."""
    assert_falsified(verify_leq, *_fn16_args(single_creditor=False), kind="claim", what=FN16_WHAT)


deviation_params = st.tuples(st.floats(0.3, 6.0), st.floats(0.02, 0.3), st.floats(-5.0, -2.0))


@settings(max_examples=100, deadline=None)
@given(deviation_params, st.floats(0.6, 0.95))
def test_footnote_15_holds_on_random_deviations(p, share):
    """Spread debts, CRRA, a cut of ``share`` times the debt (the footnote's 9 of 10 is 0.9), share >= 0.6: the
    government blocks his payments when the average of u' over [1 - cut, 1 - cut + debt] exceeds u'(1), which
    convexity of u' guarantees when the interval's midpoint is below 1 (share > 1/2). With small cuts
    (share 0.25, say) the deviation does not pay: footnote 15 is about the footnote's numbers, not any cut."""
    sigma, debt, log_delta = p
    gain, err = sm.footnote_15_gain(sigma, delta=10 ** log_delta, cut=share * debt, debt=debt)
    assume(np.isfinite(err))  # a tie the tie-break decides is no evidence (see _deviation_gain)
    verify_leq("bmv-footnote-15", 0.0, gain, sm.margin_tolerance(err), strict=True, kind="claim", what=FN15_WHAT)


@settings(max_examples=100, deadline=None)
@given(deviation_params, st.floats(0.001, 0.95))
def test_footnote_16_holds_on_random_deviations(p, cut):
    sigma, debt, log_delta = p
    gain, err = sm.footnote_16_gain(sigma, delta=10 ** log_delta, cut=cut, debt=debt)
    assume(np.isfinite(err))  # a tie the tie-break decides is no evidence (see _deviation_gain)
    verify_leq("bmv-footnote-16", gain, 0.0, sm.margin_tolerance(err), kind="claim", what=FN16_WHAT)


@pytest.mark.falsifies("bmv-footnote-15", how="violation")
@settings(max_examples=30, deadline=None)
@given(deviation_params, st.floats(0.6, 0.95))
def test_footnote_15_falsified_on_random_single_creditors(p, share):
    sigma, debt, log_delta = p
    gain, err = sm.footnote_15_gain(sigma, True, delta=10 ** log_delta, cut=share * debt, debt=debt)
    assume(np.isfinite(err))  # a tie the tie-break decides is no evidence (see _deviation_gain)
    assert_falsified(verify_leq, "bmv-footnote-15", 0.0, gain, sm.margin_tolerance(err), strict=True, kind="claim",
                     what=FN15_WHAT)


@pytest.mark.falsifies("bmv-footnote-16", how="violation")
@settings(max_examples=30, deadline=None)
@given(deviation_params, st.floats(0.6, 0.95))
def test_footnote_16_falsified_on_random_spread_debts(p, share):
    """Spread debts and a cut of 0.6 to 0.95 times the debt (where footnote 15's deviation pays, see
    test_footnote_15_holds_on_random_deviations): the deviator ends above his starting cash."""
    sigma, debt, log_delta = p
    gain, err = sm.footnote_16_gain(sigma, False, delta=10 ** log_delta, cut=share * debt, debt=debt)
    assume(np.isfinite(err))  # a tie the tie-break decides is no evidence (see _deviation_gain)
    assert_falsified(verify_leq, "bmv-footnote-16", gain, 0.0, sm.margin_tolerance(err), kind="claim", what=FN16_WHAT)


# --------------------------------------------------------------------------- footnote 5

FN5_WHAT = "mirror economy, a = 0: |c* - world per-capita endowment| (g = 0 and g != 0, 3 sigmas)"
FN5_PAGE = [(0.0, 0.2, 0.3), (0.0, 0.0, 0.5), (0.1, 0.2, 0.3), (-0.2, 0.5, 0.0), (0.3, 0.1, 0.9)]


def _fn5_args(economies):
    out = [sm.footnote_5_gap(ec, s) for ec in economies for s in (0.5, 2.0, 5.0)]
    return "bmv-footnote-5", [g for g, _ in out], sm.margin_tolerance(max(e for _, e in out))


def test_footnote_5_page_claim_passes():
    from commitment.verification import verify
    verify(*_fn5_args([sm.mirror_economy(g=g, v=v, e=e) for g, v, e in FN5_PAGE]), kind="claim", what=FN5_WHAT)


@pytest.mark.falsifies("bmv-footnote-5", how="violation")
def test_footnote_5_falsified_with_rich_and_poor_residents():
    """Symmetry within regions violated: the redistribution economy (a permanent component r = 0.3)."""
    from commitment.verification import verify
    args = _fn5_args([sm.redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.0)])
    assert_falsified(verify, *args, kind="claim", what=FN5_WHAT)


@settings(max_examples=100, deadline=None)
@given(st.floats(-0.3, 0.3), st.floats(0.0, 0.3), st.floats(0.0, 0.9), st.floats(0.3, 6.0))
def test_footnote_5_holds_on_random_mirror_economies(g, v, e, sigma):
    from commitment.verification import verify
    assume(1 - abs(g) - v > 0.05)
    gap, err = sm.footnote_5_gap(sm.mirror_economy(g=g, v=v, e=e), sigma)
    verify("bmv-footnote-5", gap, sm.margin_tolerance(err), kind="claim", what=FN5_WHAT)


@pytest.mark.falsifies("bmv-footnote-5", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 0.3), st.floats(0.0, 0.3), st.floats(0.0, 0.2), st.floats(0.0, 0.3), st.floats(0.3, 6.0))
def test_footnote_5_falsified_on_random_redistribution_economies(r, e, v, agg, sigma):
    from commitment.verification import verify
    assume(-r + (1 - agg) * (1 - v) * (1 - e) > 0)
    gap, err = sm.footnote_5_gap(sm.redistribution_economy(r=r, e=e, v=v, agg=agg), sigma)
    assert_falsified(verify, "bmv-footnote-5", gap, sm.margin_tolerance(err), kind="claim", what=FN5_WHAT)


# --------------------------------------------------------------------------- R5 and footnote 12

R5_WHAT = "theta-contingent holdings: margin for enforcing every claim, every (s, theta)"
FN12_WHAT = "predetermined groups, non-contingent holdings: margin for enforcing every claim"


def test_r5_and_footnote_12_page_claims_pass():
    verify_leq(*_margin_check("bmv-r5", sm.r5_enforcement_margin, 2.0, contingent=True), strict=True, kind="claim",
               what=R5_WHAT)
    verify_leq(*_margin_check("bmv-footnote-12", sm.footnote_12_enforcement_margin, 2.0), strict=True, kind="claim",
               what=FN12_WHAT)


@pytest.mark.falsifies("bmv-r5", how="violation")
def test_r5_falsified_without_contingent_claims():
    """R5(b)'s hypothesis (theta-contingent securities) violated, with profiles {1, 2} and {1, 3} that cut
    across each other's groups: the holdings built for the first profile leave claims the second refuses."""
    args = _margin_check("bmv-r5", sm.r5_enforcement_margin, 2.0, contingent=False)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R5_WHAT)


@pytest.mark.falsifies("bmv-footnote-12", how="violation")
def test_footnote_12_falsified_when_friendship_is_not_group_wise():
    args = _margin_check("bmv-footnote-12", sm.footnote_12_enforcement_margin, 2.0, profiles=((0, 1), (0, 2)))
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN12_WHAT)


PAIRS = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
profile_params = st.tuples(st.floats(0.1, 1.9), st.floats(0.05, 0.5), st.floats(0.0, 0.3), st.floats(0.3, 6.0))


@settings(max_examples=100, deadline=None)
@given(profile_params, st.sampled_from(PAIRS), st.sampled_from(PAIRS))
def test_r5_holds_on_random_profiles(p, f1, f2):
    psi, e, v, sigma = p
    args = _margin_check("bmv-r5", sm.r5_enforcement_margin, sigma, (f1, f2), psi, e, v, True)
    verify_leq(*args, strict=True, kind="claim", what=R5_WHAT)


@settings(max_examples=100, deadline=None)
@given(profile_params, st.sampled_from(PAIRS))
def test_footnote_12_holds_on_random_predetermined_profiles(p, f1):
    """Two profiles that make one predetermined group, then the complementary one, friends."""
    psi, e, v, sigma = p
    f2 = tuple(k for k in range(4) if k not in f1)
    args = _margin_check("bmv-footnote-12", sm.footnote_12_enforcement_margin, sigma, (f1, f2), psi, e, v)
    verify_leq(*args, strict=True, kind="claim", what=FN12_WHAT)


@pytest.mark.falsifies("bmv-r5", how="violation")
@pytest.mark.falsifies("bmv-footnote-12", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.3, 2.0), st.floats(1.3, 1.9),
       st.sampled_from([((0, 1), (0, 2)), ((0, 1), (1, 3)), ((0, 2), (0, 3))]))
def test_r5_and_footnote_12_falsified_on_random_cutting_profiles(e, v, sigma, psi, profiles):
    """Non-contingent holdings, profiles that cut across each other's groups, a strong preference for friends
    (weight >= 1.3 against <= 0.7), dispersion e <= 0.25 and risk aversion sigma <= 2. Outside this box the
    violation can vanish, so the box is not wider: with e = 0.5, v = 0, sigma = 3, weight 1.375 every margin
    is positive (smallest 0.0016), and a scan of e up to 0.5 and sigma up to 6 found 130 such points of 1,350,
    all with e >= 0.3 and sigma >= 2 (at sigma = 2 only with e = 0.4). Inside it, a grid (weight 1.3 to 1.9, e
    0.05 to 0.25, v 0 to 0.3, sigma 0.3 to 2, the three pairs of profiles; 720 points) had every smallest
    margin at most -0.008, against tolerances near 1e-14."""
    for rid, claim, what in (("bmv-r5", sm.r5_enforcement_margin, R5_WHAT),
                             ("bmv-footnote-12", sm.footnote_12_enforcement_margin, FN12_WHAT)):
        args = _margin_check(rid, claim, sigma, profiles, psi, e, v, False)
        assert_falsified(verify_leq, *args, strict=True, kind="claim", what=what)


def test_r5_violation_vanishes_outside_the_falsifier_box():
    """Why the falsifier's box stops at e = 0.25, sigma = 2: at e = 0.5, v = 0, sigma = 3, weight 1.375,
    non-contingent claims and cutting profiles, R5's and footnote 12's checks pass (every margin positive,
    by far more than the tolerance)."""
    for claim in (sm.r5_enforcement_margin, sm.footnote_12_enforcement_margin):
        _, _, margins, tol = _margin_check("bmv-r5", claim, 3.0, ((0, 1), (0, 2)), 1.375, 0.5, 0.0, False)
        assert margins.min() > 10 * tol, (claim.__name__, margins.min(), tol)


# --------------------------------------------------------------------------- R11(c) worked model (ours)


def test_large_agents_prices():
    """Issuer-specific paper: Bertrand among buyers gives 0 with two agents (one bidder), 1 with three or
    more; holders posting a price get the top valuation. Pooled paper trades at (n - 1)/n either way."""
    assert [sm.large_agents_sm_price(n) for n in (1, 2, 3, 7)] == [0.0, 0.0, 1.0, 1.0]
    assert [sm.large_agents_sm_price(n, protocol="sellers_post") for n in (1, 2, 3)] == [0.0, 1.0, 1.0]
    for n in (1, 2, 3, 7):
        for protocol in ("buyers_bid", "sellers_post"):
            assert abs(sm.large_agents_sm_price(n, "pooled", protocol) - (n - 1) / n) < 1e-15
    assert sm.large_agents_sm_price(3, resources=0.1, supply=0.25) == pytest.approx(0.4)  # footnote 14's limit
    with pytest.raises(ValueError, match="paper"):
        sm.large_agents_sm_price(2, paper="region")
    with pytest.raises(ValueError, match="n"):
        sm.large_agents_sm_price(0)


def test_no_trade_deviation_margin_is_delta_k_under_both_technologies():
    econ = sm.mirror_economy(g=0.1, v=0.2, e=0.3)
    for delta in (1e-1, 1e-3):
        ind = sm.no_trade_deviation(econ, 2.0, delta, "individual")
        coa = sm.no_trade_deviation(econ, 2.0, delta, "coarse")
        np.testing.assert_allclose(ind.margin, delta * ind.k, rtol=1e-9)
        np.testing.assert_allclose(coa.margin, delta * coa.k, rtol=1e-9)
        np.testing.assert_allclose(ind.per_mass, ind.k / 2, rtol=1e-9)  # independent of delta
    with pytest.raises(ValueError, match="delta"):
        sm.no_trade_deviation(econ, 2.0, 0.0)


def test_friends_foes_map_signs_at_the_referees_points():
    """The referee's independent fsolve: q < expected repayment at (0.75, 0.9); U_F below ln 1/2 at (0.52, 0.5)."""
    m = sm.friends_foes_map([0.52, 0.75], [0.5, 0.9])
    assert m.q_minus_repayment[1, 1] < 0 < m.q_minus_repayment[1, 0]
    assert m.dU_F[0, 0] < 0 < m.dU_F[1, 0]
    assert abs(m.dU_F[0, 0] + 3.4e-6) < 1e-7  # the referee's -3.4e-6, printed to two digits
    assert np.all(m.dU_H < 0)


# --------------------------------------------------------------------------- footnotes 9 and 11: ordered resale

FN9_WHAT = "poorest group buys first: margin for enforcing every claim, 32 states"
FN11_WHAT = "liked groups buy first: margin for enforcing every claim, 16 states"


def test_footnotes_9_11_page_claims_pass():
    red, fr = sm.redistribution_economy(**R7_PAGE_ECON), sm.friends_economy(**R4_PAGE_ECON)
    verify_leq(*_margin_check("bmv-footnote-9", sm.footnote_9_enforcement_margin, red, 2.0), strict=True,
               kind="claim", what=FN9_WHAT)
    verify_leq(*_margin_check("bmv-footnote-11", sm.footnote_11_enforcement_margin, fr, 2.0), strict=True,
               kind="claim", what=FN11_WHAT)


@pytest.mark.falsifies("bmv-footnote-9", how="violation")
def test_footnote_9_falsified_when_the_richest_buy_first():
    """The footnote's order violated: the richest group buys first, so the rich hold the poor's paper."""
    args = _margin_check("bmv-footnote-9", sm.footnote_9_enforcement_margin, sm.redistribution_economy(**R7_PAGE_ECON),
                         2.0, "richest_first")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN9_WHAT)


@pytest.mark.falsifies("bmv-footnote-11", how="violation")
def test_footnote_11_falsified_when_the_disliked_buy_first():
    args = _margin_check("bmv-footnote-11", sm.footnote_11_enforcement_margin, sm.friends_economy(**R4_PAGE_ECON),
                         2.0, "disliked_first")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN11_WHAT)


@settings(max_examples=100, deadline=None)
@given(redistribution_params, st.sampled_from(["world_pool", "regional_netting"]))
def test_footnote_9_holds_on_random_redistribution_economies(p, rule):
    r, e, v, agg, sigma = p
    assume(-r + (1 - agg) * (1 - v) * (1 - e) > 0)
    args = _margin_check("bmv-footnote-9", sm.footnote_9_enforcement_margin,
                         sm.redistribution_economy(r=r, e=e, v=v, agg=agg), sigma, "poorest_first", rule)
    verify_leq(*args, strict=True, kind="claim", what=FN9_WHAT)


@pytest.mark.falsifies("bmv-footnote-9", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 0.3), st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.5, 5.0))
def test_footnote_9_falsified_on_random_economies(r, e, v, agg, sigma):
    args = _margin_check("bmv-footnote-9", sm.footnote_9_enforcement_margin,
                         sm.redistribution_economy(r=r, e=e, v=v, agg=agg), sigma, "richest_first")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN9_WHAT)


@settings(max_examples=100, deadline=None)
@given(friends_params, st.floats(0.1, 1.9), st.sampled_from(["world_pool", "regional_netting"]))
def test_footnote_11_holds_on_random_friends_economies(p, psi_friend, rule):
    e, v, g, sigma, friends = p
    assume(1 - abs(g) - v > 0.05 and abs(psi_friend - 1) > 1e-3)  # equal weights: no order to speak of
    econ = sm.friends_economy(psi_friend=psi_friend, e=e, v=v, g=g, friends=friends)
    args = _margin_check("bmv-footnote-11", sm.footnote_11_enforcement_margin, econ, sigma, "liked_first", rule)
    verify_leq(*args, strict=True, kind="claim", what=FN11_WHAT)


@pytest.mark.falsifies("bmv-footnote-11", how="violation")
@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 0.3), st.floats(0.0, 0.2), st.floats(0.5, 2.5), st.sampled_from([(0, 1), (0, 2), (1, 3)]),
       st.floats(1.6, 1.9))
def test_footnote_11_falsified_on_random_friends_economies(e, v, sigma, friends, psi_friend):
    """The reverse order (the disliked buy the friends' paper) with a strong preference for friends (1.6 to
    1.9 against 0.4 to 0.1), no youth gap, moderate risk aversion. Outside this box the reverse order can
    still be enforced in every state (a poor enough "other" has a high weighted marginal utility; e.g.
    weight 1.3, v = 0.3, sigma = 2.5): the check is falsified here, not everywhere."""
    econ = sm.friends_economy(psi_friend=psi_friend, e=e, v=v, g=0.0, friends=friends)
    args = _margin_check("bmv-footnote-11", sm.footnote_11_enforcement_margin, econ, sigma, "disliked_first")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=FN11_WHAT)


def test_margin_error_with_known_margins_equals_the_recomputed_one():
    """The pages pass the margins they already have (``known=``) to save a solve; the measured error must
    be the same as when margin_error recomputes them."""
    econ = sm.mirror_economy(g=0.1, v=0.2, e=0.3, a=0.15)
    m = sm.r2_enforcement_margin(econ, 2.0, "world_pool", 3.0)
    assert sm.margin_error(sm.r2_enforcement_margin, econ, 2.0, "world_pool", 3.0, known=m) == \
        sm.margin_error(sm.r2_enforcement_margin, econ, 2.0, "world_pool", 3.0)
