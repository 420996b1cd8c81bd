"""Tests of commitment.secondary_markets against the study notes' reference values (T1-T16).

Reference numbers are the notes' prototype values printed to 6 decimals, so they are compared with
tolerance 1e-6 (half a unit in the last printed digit would be 5e-7; 1e-6 allows for the prototype's own
rounding). Identities that hold exactly in the model are compared at 1e-12 (a few hundred machine
epsilons on quantities of order one).
"""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import commitment.secondary_markets as sm

SIGMAS = (0.5, 1.0, 2.0, 5.0)
PRINTED = 1e-6  # notes' values printed to 6 decimals
EXACT = 1e-12  # identities, floating-point rounding only


# --------------------------------------------------------------------------- factories


@pytest.mark.parametrize("kw, word", [
    (dict(g=0.5, v=0.5), "1 - |g| - v"),
    (dict(e=1.0), "0 <= e < 1"),
    (dict(e=-0.1), "0 <= e < 1"),
    (dict(a=-0.1), "a >= 0"),
    (dict(v=-0.1), "v"),
])
def test_mirror_economy_validates(kw, word):
    with pytest.raises(ValueError, match=word.replace("|", r"\|")):
        sm.mirror_economy(**kw)


def test_other_validation():
    with pytest.raises(ValueError, match="alpha"):
        sm.friends_foes_equilibrium(alpha=0.5)
    with pytest.raises(ValueError, match="phi"):
        sm.friends_foes_equilibrium(phi=1.0)
    with pytest.raises(ValueError, match="sigma"):
        sm.complete_markets(sm.mirror_economy(), -1.0)
    with pytest.raises(ValueError, match="symmetry"):
        sm.regional_autarky(sm.redistribution_economy())
    with pytest.raises(ValueError, match="kappa"):
        sm.gross_holdings(np.zeros(4), sm.mirror_economy(), kappa=0.5)


def test_symmetry_check():
    assert sm.check_within_region_symmetry(sm.mirror_economy(a=0.15))
    assert not sm.check_within_region_symmetry(sm.redistribution_economy())


# --------------------------------------------------------------------------- R0: T1, T2


@pytest.mark.parametrize("sigma", SIGMAS)
def test_t1_closed_form_equals_negishi(sigma):
    e = sm.mirror_economy(a=0.15)
    cf, ng = sm.complete_markets(e, sigma), sm.complete_markets_negishi(e, sigma)
    assert ng.converged
    np.testing.assert_allclose(cf.c, ng.c, atol=1e-10)  # Newton tolerance 1e-12 on budgets
    np.testing.assert_allclose(cf.q, ng.q, atol=1e-10)
    # budgets (2)-(3), clearing (4), equal FOC ratios q_s u'(c_0) = pi_s u'(c_s)
    budget = (cf.c0 - e.y0) + cf.x @ cf.q
    assert np.max(np.abs(budget)) < 1e-12
    assert np.max(np.abs(e.mass @ cf.x)) < 1e-12
    foc = cf.q[None] * cf.c0[:, None] ** (-sigma) - e.pi[None] * cf.c ** (-sigma)
    assert np.max(np.abs(foc)) < 1e-10


@given(g=st.floats(-0.4, 0.4), v=st.floats(0.0, 0.5), e=st.floats(0.0, 0.95), sigma=st.floats(0.2, 10))
@settings(max_examples=30)
def test_t2_footnote5_mirror_gives_one(g, v, e, sigma):
    if 1 - abs(g) - v <= 0.02:
        return
    econ = sm.mirror_economy(g, v, e)
    cm = sm.complete_markets(econ, sigma)
    assert np.max(np.abs(cm.c - 1)) < EXACT and np.max(np.abs(cm.c0 - 1)) < EXACT
    assert np.max(np.abs(cm.q - econ.pi)) < EXACT


# --------------------------------------------------------------------------- R1: T3


@pytest.mark.parametrize("sigma", SIGMAS)
def test_t3_no_commitment(sigma):
    e = sm.mirror_economy(a=0.15)
    aut = sm.regional_autarky(e)
    rcm = sm.regional_complete_markets(e, sigma)
    assert np.max(np.abs(aut.c - rcm.c)) < EXACT and np.max(np.abs(aut.c0 - rcm.c0)) < EXACT
    # at the regional-pooling holdings, domestic enforcement is strictly optimal
    rep = sm.enforcement_at_target(e, sigma, aut.c, sm=False)
    assert rep.full_domestic.all()
    assert np.min(rep.margin) > 1e-10
    # at first-best holdings without secondary markets, no claim on a foreigner is enforced
    cm = sm.complete_markets(e, sigma)
    for rule in ("world_pool", "regional_netting"):
        rep = sm.enforcement_at_target(e, sigma, cm.c, rule=rule, sm=False)
        assert rep.foreign_pairs_with_claims.sum() > 0
        assert rep.foreign_enforced_with_claims.sum() == 0


# --------------------------------------------------------------------------- R2: T4, T5, T6


@pytest.mark.parametrize("rule", ["world_pool", "regional_netting"])
@pytest.mark.parametrize("kappa", [1.0, 3.0])
@pytest.mark.parametrize("sigma", [0.5, 2.0])
def test_t4_pipeline_restores_first_best(rule, kappa, sigma):
    e = sm.mirror_economy(a=0.15)
    eq = sm.secondary_market_equilibrium(e, sigma, rule=rule, kappa=kappa)
    rep = eq.enforcement
    assert rep.full_domestic.all() and eq.no_default
    assert np.max(np.abs(eq.c - eq.first_best.c)) < EXACT
    assert np.all(eq.sm_price == 1.0)
    for D in rep.D:  # after the market nobody holds foreign paper: x_hat_{-j} = d_hat = 0
        assert np.all(D[np.ix_(e.region == 0, e.region == 1)] == 0)
        assert np.all(D[np.ix_(e.region == 1, e.region == 0)] == 0)


def test_t4_volume_equals_net_international_payment_and_grows_with_kappa():
    e = sm.mirror_economy()  # g = 0.1, v = 0.2: Home pays v - g = 0.1 if z = +1, receives v + g = 0.3 if z = -1
    eq1 = sm.secondary_market_equilibrium(e, 2.0, kappa=1.0)
    z = np.array([1 if lab.startswith("z=+1") else -1 for lab in e.state_labels])
    np.testing.assert_allclose(eq1.volume[z == 1, 0], 0.1, atol=EXACT)
    np.testing.assert_allclose(eq1.volume[z == -1, 1], 0.3, atol=EXACT)
    eq3 = sm.secondary_market_equilibrium(e, 2.0, kappa=3.0)
    assert np.all(eq3.volume.sum(axis=1) > eq1.volume.sum(axis=1))
    assert np.max(np.abs(eq3.c - eq1.c)) < EXACT


def test_t5_secondary_market_clearing():
    res, supply = 2.0, 0.3
    for p in (0.5, 0.9, 0.999):
        lo, hi = sm.secondary_market_demand(p, res)
        assert lo - supply > 0  # excess demand below face value
    for p in (1.001, 1.5):
        assert sm.secondary_market_demand(p, res) == (0.0, 0.0)  # no demand above
    assert sm.secondary_market_clearing(res, supply) == 1.0
    assert sm.secondary_market_clearing(0.2, 0.4) == 0.5  # insolvent buyers: the case the draft rules out
    e = sm.mirror_economy(a=0.15)
    cm = sm.complete_markets(e, 2.0)
    for s in range(e.n_states):
        D = sm.gross_holdings(cm.x[:, s], e, "world_pool", 3.0)
        out = sm.secondary_market(e.Y[:, s].copy(), D, e)
        assert out.price == 1.0 and np.all(out.cash >= 0)


@pytest.mark.parametrize("sigma, ref", [(0.5, 0.008511), (1.0, 0.017843), (2.0, 0.038961), (5.0, 0.116419)])
def test_t6_gain_reference_values(sigma, ref):
    gain = sm.welfare_gain(sm.mirror_economy(), sigma)
    assert abs(gain[0] - ref) < PRINTED
    for j in (0, 1):
        assert abs(gain[j] - sm.mirror_gain_closed_form(0.1, 0.2, sigma, j)) < EXACT


def test_t6_gain_zero_iff_no_trade_motive():
    assert np.max(np.abs(sm.welfare_gain(sm.mirror_economy(g=0.0, v=0.0), 2.0))) < EXACT
    assert np.all(sm.welfare_gain(sm.mirror_economy(g=0.0, v=0.1), 2.0) > 1e-6)
    assert np.all(sm.welfare_gain(sm.mirror_economy(g=0.1, v=0.0), 2.0) > 1e-6)


@pytest.mark.parametrize("g, v, sigma", [(0.1, 0.2, 2.0), (-0.2, 0.1, 0.5), (0.0, 0.3, 5.0), (0.15, 0.0, 1.0)])
def test_gain_decomposition_total_is_the_pipelines_gain(g, v, sigma):
    """The split's total (power means of hand-built plans) against the pipeline's gain (enumeration,
    secondary market, regional welfare), for both regions and both orders."""
    gain = sm.welfare_gain(sm.mirror_economy(g=g, v=v, e=0.3), sigma)
    for j in (0, 1):
        for order in ("smoothing_first", "insurance_first"):
            d = sm.mirror_gain_decomposition(g, v, sigma, region=j, order=order)
            assert abs(d.total - gain[j]) < EXACT
            assert abs((1 + d.smoothing) * (1 + d.insurance) - (1 + d.total)) < EXACT


@pytest.mark.parametrize("order", ["smoothing_first", "insurance_first"])
def test_gain_decomposition_parts_vanish_without_their_motive(order):
    """No youth gap (g = 0): nothing to smooth; no regional risk (v = 0): nothing to insure. A split that
    mislabelled its steps fails here (the other part is of order 1e-2)."""
    for sigma in SIGMAS:
        for j in (0, 1):
            no_gap = sm.mirror_gain_decomposition(0.0, 0.2, sigma, region=j, order=order)
            no_risk = sm.mirror_gain_decomposition(0.1, 0.0, sigma, region=j, order=order)
            assert abs(no_gap.smoothing) < EXACT and no_gap.insurance > 1e-3
            assert abs(no_risk.insurance) < EXACT and no_risk.smoothing > 1e-3


@pytest.mark.parametrize("kw, word", [
    (dict(g=0.1, v=-0.1, sigma=2.0), "v (regional volatility)"),
    (dict(g=0.6, v=0.5, sigma=2.0), "g (youth endowment gap)"),
    (dict(g=0.1, v=0.2, sigma=0.0), "sigma"),
    (dict(g=0.1, v=0.2, sigma=2.0, region=2), "region"),
    (dict(g=0.1, v=0.2, sigma=2.0, order="both"), "order"),
])
def test_gain_decomposition_validates(kw, word):
    with pytest.raises(ValueError, match=word.replace("(", r"\(").replace(")", r"\)")):
        sm.mirror_gain_decomposition(**kw)


@given(g=st.floats(-0.3, 0.3), v=st.floats(0.01, 0.4), e=st.floats(0.0, 0.9), a=st.sampled_from([0.0, 0.15]),
       sigma=st.floats(0.2, 10.0), rule=st.sampled_from(["world_pool", "regional_netting"]),
       kappa=st.sampled_from([1.0, 2.5]))
@settings(max_examples=30)
def test_property_secondary_markets_restore_first_best(g, v, e, a, sigma, rule, kappa):
    if 1 - abs(g) - v <= 0.05:
        return
    econ = sm.mirror_economy(g, v, e, a)
    eq = sm.secondary_market_equilibrium(econ, sigma, rule=rule, kappa=kappa)
    assert eq.enforcement.full_domestic.all() and eq.no_default
    assert np.all(eq.sm_price == 1.0)
    assert np.max(np.abs(eq.c - eq.first_best.c)) < 1e-11  # sums of O(kappa) gross claims


@given(g=st.floats(-0.3, 0.3), v=st.floats(0.0, 0.4), e=st.floats(0.0, 0.9))
@settings(max_examples=25)
def test_property_gains_nonnegative_and_increasing_in_risk_aversion(g, v, e):
    if 1 - abs(g) - v <= 0.05:
        return
    econ = sm.mirror_economy(g, v, e)
    sigmas = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0])
    gains = np.array([sm.welfare_gain(econ, s) for s in sigmas])
    assert np.all(gains >= -EXACT)
    trade_motive = abs(g) > 1e-3 or v > 1e-3
    if trade_motive:  # strict power-mean inequality, with margin for rounding in the gains
        assert np.all(np.diff(gains, axis=0) > 0)


# --------------------------------------------------------------------------- R3, R4, R5: T7, T8


def test_t7_redistribution():
    e = sm.redistribution_economy()
    cm = sm.complete_markets(e, 2.0)
    rep = sm.enforcement_at_target(e, 2.0, cm.c, rule="world_pool", sm=False)
    assert rep.foreign_pairs_with_claims[0] == 48 and rep.foreign_enforced_with_claims[0] == 0
    poor, rich = 1, 0
    refused = np.array([E[poor, rich] == 0 for E in rep.E])
    assert refused.sum() == 24  # notes' prototype: 24 of 32 states
    rep = sm.enforcement_at_target(e, 2.0, cm.c, rule="world_pool", sm=True, outcome="issuer_group")
    assert rep.full_domestic.all()
    assert np.max(np.abs(rep.c - cm.c)) < EXACT


def test_t8_friends_and_political_uncertainty():
    e = sm.friends_economy()
    cm = sm.complete_markets(e, 2.0)
    assert not sm.enforcement_at_target(e, 2.0, cm.c, rule="world_pool", sm=False).full_domestic.all()
    rep = sm.enforcement_at_target(e, 2.0, cm.c, rule="world_pool", sm=True, outcome="issuer_group")
    assert rep.full_domestic.all() and np.max(np.abs(rep.c - cm.c)) < EXACT
    full, dev = sm.political_uncertainty(contingent=True)
    assert full.all() and dev < EXACT
    full, dev = sm.political_uncertainty(contingent=False)  # groups cut across profiles: fails
    assert not full.all()
    full, dev = sm.political_uncertainty(profiles=((0, 1), (2, 3)), contingent=False)  # footnote 12
    assert full.all() and dev < EXACT


# --------------------------------------------------------------------------- R7, footnote 8: T9


def _random_instance(rng, force_equal):
    """Three Home types and one Foreign type; claims among Home types and to Foreign. With
    ``force_equal`` the cash is set so that full enforcement equalises Home consumption."""
    K = 4
    mass = rng.uniform(0.1, 1.0, K)
    region = np.array([0, 0, 0, 1])
    D = rng.uniform(0, 0.3, (K, K)) * (rng.uniform(size=(K, K)) < 0.6)
    D[3] = 0.0
    if force_equal:
        D[:, 3] = 0.0  # claims on foreigners would make full enforcement suboptimal by construction
    psi = np.ones(K)
    net = (D.sum(axis=0) - D.sum(axis=1)) / mass
    cash = (1.0 - net) if force_equal else rng.uniform(0.5, 1.5, K)
    cash[3] = 1.0
    return cash, D, mass, region, psi


def test_t9_coarsening_preserves_full_enforcement():
    rng = np.random.default_rng(20240601)
    parts = list(sm.set_partitions(range(3)))
    fine = [[0], [1], [2]]
    premise = 0
    for i in range(300):
        cash, D, mass, region, psi = _random_instance(rng, force_equal=i % 2 == 0)
        if np.any(cash <= 0.05):
            continue
        res = sm.enforcement_under_partitions(cash, D, mass, region, psi, 2.0, [fine] + parts)
        if res[0][0]:
            premise += 1
            for ok, W_full, W_best in res[1:]:
                assert ok
                assert abs(W_full - res[0][1]) <= 1e-12 * abs(res[0][1])
    assert premise >= 100  # the implication is tested on enough instances


# --------------------------------------------------------------------------- R9: T10


def test_t10_partial_secondary_markets():
    e = sm.mirror_economy()
    sigma = 2.0
    S = e.n_states
    cm, aut = sm.complete_markets(e, sigma), sm.regional_autarky(e)
    full, _, _ = sm.partial_secondary_markets(e, sigma, np.ones(S, bool))
    none, _, _ = sm.partial_secondary_markets(e, sigma, np.zeros(S, bool))
    assert np.max(np.abs(full.c - cm.c)) < EXACT and np.max(np.abs(full.c0 - cm.c0)) < EXACT
    assert np.max(np.abs(none.c - aut.c)) < EXACT and np.max(np.abs(none.c0 - aut.c0)) < EXACT
    W = {}
    for bits in itertools.product((False, True), repeat=S):
        mask = np.array(bits)
        alloc, _, _ = sm.partial_secondary_markets(e, sigma, mask)
        W[bits] = sm.regional_welfare(e, alloc.c0, alloc.c, sigma)
        assert np.all(np.abs(alloc.c[:, ~mask] - aut.c[:, ~mask]) <= 1e-13)
    violations = 0
    for bits, w in W.items():
        for s in range(S):
            if not bits[s]:
                up = bits[:s] + (True,) + bits[s + 1:]
                violations += int(np.any(W[up] < w - 1e-13))
    assert violations == 0


# --------------------------------------------------------------------------- R10: T11, T15


def test_t11_friends_and_foes():
    ff = sm.friends_foes_equilibrium(0.75, 0.5)
    assert ff.expected_recovery == 0.75 and ff.default_rate == 0.25
    np.testing.assert_array_equal(ff.enforce, [[1, 0], [1, 1]])  # friend->foe is the only default
    assert abs(ff.b - 0.297952) < PRINTED and abs(ff.p - 0.681891) < PRINTED and abs(ff.q - 0.779195) < PRINTED
    assert abs(ff.U_F - (-0.685826)) < PRINTED and abs(ff.U_H - (-0.724790)) < PRINTED
    assert 0.5 < ff.p < 0.75 and ff.c_F0 < 0.5
    assert np.max(np.abs(ff.residuals)) < 1e-10
    assert ff.U_F + ff.U_H < 2 * np.log(0.5)
    aut = 0.5 * np.log(0.75) + 0.5 * np.log(0.25)
    assert ff.U_H > aut and ff.U_F > aut
    assert abs(sm.friends_foes_sm_price(1e-9, 0.75, 0.5) - 0.75) < 1e-8
    assert sm.friends_foes_equilibrium(0.75, 1e-4).p > 0.999
    assert sm.friends_foes_equilibrium(0.75, 1 - 1e-4).p > 0.999
    for alpha, b, p, q in ((0.6, 0.120012, 0.720786, 0.754742), (0.9, 0.469491, 0.651243, 0.823773)):
        f = sm.friends_foes_equilibrium(alpha, 0.5)
        assert abs(f.b - b) < PRINTED and abs(f.p - p) < PRINTED and abs(f.q - q) < PRINTED
    assert abs(sm.friends_foes_equilibrium(0.75, 0.1).p - 0.906698) < PRINTED
    assert abs(sm.friends_foes_equilibrium(0.75, 0.9).p - 0.839365) < PRINTED
    assert abs(sm.friends_foes_equilibrium(0.9, 0.9).b - 0.43) < 0.005  # notes: "b about 0.43"
    # demand at the equilibrium price equals the supply b; slopes down
    h = sm.friends_foes_demand(np.array([0.60, 0.65, 0.70]), ff.b)
    np.testing.assert_allclose(h, [1.509, 0.648, 0.128], atol=5e-4)  # notes print 3 decimals
    assert abs(sm.friends_foes_demand(ff.p, ff.b) - ff.b) < 1e-10


@pytest.mark.parametrize("pi_d", [0.05, 0.2, 0.5])
def test_t15_defaulter_variant_is_first_best(pi_d):
    d = sm.defaulter_equilibrium(0.75, pi_d)
    assert abs(d["p"] - (1 - pi_d)) < EXACT and abs(d["q"] - d["p"]) < EXACT
    for k in ("c_F0", "c_F1", "c_H0", "c_H1"):
        assert abs(d[k] - 0.5) < EXACT


# --------------------------------------------------------------------------- R11, R12, R13: T12-T14


def test_t12_monopoly_issuer():
    m = sm.monopoly_issuer(0.75)
    assert abs(m["b"] - m["b_closed"]) < 1e-10
    assert abs(m["b"] - 0.131174) < PRINTED and abs(m["q"] - 1.463850) < PRINTED
    assert m["b"] < m["b_star"] and m["q"] > 1
    assert m["U_F"] > m["U_star"] and m["U_H"] < m["U_star"] and m["U_F"] + m["U_H"] < 2 * m["U_star"]
    assert abs(m["U_F"] - (-0.648167)) < PRINTED and abs(m["U_H"] - (-0.773965)) < PRINTED
    assert abs(sm.monopoly_issuer(0.6)["b"] - 0.061861) < PRINTED
    assert abs(sm.monopoly_issuer(0.9)["b"] - 0.147139) < PRINTED


def test_t12_large_agents_secondary_market():
    """R11 (b)-(c): one agent per region leaves no buyer for his foreign-held paper (price 0, no trade);
    a second agent with resources covering the paper bids it to face value."""
    b_first_best, alpha = 0.25, 0.75
    assert sm.secondary_market_clearing(0.0, b_first_best) == 0.0
    assert sm.secondary_market_clearing(alpha, b_first_best) == 1.0
    # footnote 14: a poorer compatriot clears the market below face value, at his resources over the supply
    assert sm.secondary_market_clearing(0.2, b_first_best) == pytest.approx(0.8, abs=1e-15)


@pytest.mark.parametrize("v, ref", [(0.05, 0.304911), (0.1, 0.416598), (0.2, 0.552771)])
def test_t13_short_run_boundary_log(v, ref):
    e_star = sm.short_run_boundary(v, 1.0)
    assert abs(e_star - np.sqrt(1 - (1 + v) ** -2)) < 1e-10  # bisection tolerance 1e-13
    assert abs(e_star - ref) < PRINTED


@pytest.mark.parametrize("sigma", [0.5, 2.0, 5.0])
def test_t13_short_run_boundary_crra(sigma):
    v = 0.1
    e_star = sm.short_run_boundary(v, sigma)
    assert abs((1 + v) * sm.power_mean([1 + e_star, 1 - e_star], [0.5, 0.5], 1 - sigma) - 1) < 1e-10


@pytest.mark.parametrize("sigma", SIGMAS)
def test_t14_footnotes_15_16(sigma):
    u = lambda c: sm.u_raw(float(c), sigma)
    assert u(91) + u(100) > u(90) + u(101)
    assert u(101) > u(91)


# --------------------------------------------------------------------------- R8: T16


def test_t16_bond_only():
    e = sm.mirror_economy(e=0.0)
    bond = sm.bond_only_equilibrium(e, 2.0)
    assert abs(bond.q - 1.128476) < PRINTED and abs(bond.b - 0.094291) < PRINTED
    assert np.max(np.abs(bond.residuals)) < 1e-12
    U = sm.regional_welfare(e, bond.c0, bond.c, 2.0)
    assert abs(U[0] - (-2.054597)) < PRINTED
    for rule in ("world_pool", "regional_netting"):
        rep = sm.enforcement_at_target(e, 2.0, bond.c, rule=rule)
        assert rep.full_domestic.all() and np.max(np.abs(rep.c - bond.c)) < EXACT


def test_t16_bond_only_without_a_motive_to_trade():
    """g = 0: both regions have the same autarky MRS, so the bond market clears at b = 0 (no bracket
    with b > 0 exists; the solver must say so by returning b = 0, not fail)."""
    e = sm.mirror_economy(g=0.0, v=0.2, e=0.0)
    bond = sm.bond_only_equilibrium(e, 2.0)
    assert bond.b == 0.0
    assert np.max(np.abs(bond.residuals)) < EXACT
    aut = sm.regional_autarky(e)
    assert np.max(np.abs(bond.c - aut.c)) == 0.0 and np.max(np.abs(bond.c0 - aut.c0)) == 0.0


# --------------------------------------------------------------------------- kernels vs twins


def test_enumeration_kernel_matches_numpy_twin():
    rng = np.random.default_rng(7)
    e = sm.redistribution_economy()
    cm = sm.complete_markets(e, 2.0)
    for s in rng.choice(e.n_states, 6, replace=False):
        D = sm.gross_holdings(cm.x[:, s], e, "world_pool")
        args = (0, e.Y[:, s].copy(), D, e.mass, e.region, e.group, e.group_region, e.psi, 2.0,
                np.ones((3, 3), dtype=np.int64))
        a, b = sm.enumerate_enforcement(*args), sm.enumerate_enforcement_numpy(*args)
        assert a.size == 64
        np.testing.assert_allclose(a, b, rtol=1e-13)


def test_all_states_kernel_matches_twin():
    e = sm.redistribution_economy()
    cm = sm.complete_markets(e, 2.0)
    cash = np.ascontiguousarray(e.Y.T)
    D = np.array([sm.gross_holdings(cm.x[:, s], e, "world_pool") for s in range(e.n_states)])
    E = np.ones((3, 3), dtype=np.int64)
    for j in (0, 1):
        args = (j, cash, D, e.mass, e.region, e.group, e.group_region, e.psi, 2.0, E)
        np.testing.assert_allclose(sm.enumerate_enforcement_states(*args),
                                   sm.enumerate_enforcement_states_numpy(*args), rtol=1e-13)


@pytest.mark.parametrize("sigma", SIGMAS)
def test_t14_footnotes_15_16_by_enumeration(sigma):
    spread = sm.individual_enforcement_example(sigma, single_creditor=False)
    assert not spread.pays_enforced and spread.paid_enforced and abs(spread.c_deviator - 1.01) < 1e-15
    assert spread.W_best > spread.W_full
    single = sm.individual_enforcement_example(sigma, single_creditor=True)
    assert single.pays_enforced and single.paid_enforced and abs(single.c_deviator - 0.91) < 1e-15


def test_welfare_gain_needs_symmetry():
    with pytest.raises(ValueError, match="symmetry"):
        sm.welfare_gain(sm.redistribution_economy(), 2.0)


def test_insolvent_buyers_are_reported():
    """The secondary market does not assume face value: with buyers who cannot pay, it says so."""
    e = sm.mirror_economy()
    D = np.zeros((4, 4))
    D[0, 2] = 5.0  # Home type A owes Foreign 5 units of face value, far beyond Home's resources
    with pytest.raises(RuntimeError, match="below face value"):
        sm.secondary_market(e.Y[:, 0].copy(), D, e)
    assert sm.secondary_market_clearing(1.0, 4.0) == 0.25


def test_friends_foes_price_kernel_matches_quadratic_twin():
    """The numba bisection for p(b) against its NumPy twin at phi = 1/2: the smaller root of the notes'
    quadratic 2 b p^2 - (3/2 b + 2 alpha) p + 3/2 alpha - b/4 = 0 (vectorised over b and alpha)."""
    alpha, b = np.meshgrid([0.55, 0.75, 0.95], np.linspace(0.01, 0.5, 25))
    A, B, C = 2 * b, -(1.5 * b + 2 * alpha), 1.5 * alpha - b / 4
    twin = (-B - np.sqrt(B**2 - 4 * A * C)) / (2 * A)
    kernel = np.vectorize(lambda bb, aa: sm.friends_foes_sm_price(bb, aa, 0.5))(b, alpha)
    # bisection stops at a bracket of 1e-16; the quadratic formula loses a few ulps to cancellation
    np.testing.assert_allclose(kernel, twin, rtol=0, atol=1e-12)




# --------------------------------------------------------------------------- claims and falsifiers: R1, R2
#
# The pages check that the governments' margins for the equilibrium enforcement choice are strictly
# positive (commitment.verification.verify_leq, 0 < margin - tol). The tolerance is derived, in the page and
# here alike, from the margins' measured error: sm.margin_error recomputes them with the Negishi first
# best and with the NumPy twin of the enumeration kernel, sm.margin_tolerance takes ten times the largest
# gap, rounded up to a power of ten.

from commitment.verification import assert_falsified, verify_leq  # noqa: E402


def _margin_check(rid, claim, *args, **kwargs):
    """Arguments of the pages' check: (id, 0, margins, tol) with tol from the measured error."""
    margins = claim(*args, **kwargs)
    return (rid, 0.0, margins, sm.margin_tolerance(sm.margin_error(claim, *args, **kwargs)))


R2_WHAT = "governments' margin for enforcing every claim after resale"
R1_WHAT = "governments' margin for enforcing domestic, refusing foreign claims"
PAGE_ECON = dict(g=0.1, v=0.2, e=0.3, a=0.15)  # the mirror economy of the R1 and R2 pages


def _r2_page_margins(resale):
    """The R2 page's claim computation (secondary_markets.md), with the secondary market's outcome."""
    econ = sm.mirror_economy(**PAGE_ECON)
    margins, errors = [], []
    for sigma in SIGMAS:
        for rule in ("regional_netting", "world_pool"):
            for kappa in (1.0, 3.0):
                margins.append(sm.r2_enforcement_margin(econ, sigma, rule, kappa, resale))
                errors.append(sm.margin_error(sm.r2_enforcement_margin, econ, sigma, rule, kappa, resale))
    return np.concatenate(margins), sm.margin_tolerance(max(errors))


def _r1_page_margins(econ):
    """The R1 page's claim computation (no_commitment.md) on an economy."""
    margins, errors = [], []
    for sigma in SIGMAS:
        for holdings in ("autarky", "first_best"):
            margins.append(sm.r1_enforcement_margin(econ, sigma, holdings))
            errors.append(sm.margin_error(sm.r1_enforcement_margin, econ, sigma, holdings))
    return np.concatenate(margins), sm.margin_tolerance(max(errors))


def test_r2_page_claim_passes():
    margins, tol = _r2_page_margins("issuer_region")
    verify_leq("bmv-r2", 0.0, margins, tol, strict=True, kind="claim", what=R2_WHAT)
    assert margins.min() > 1e6 * tol  # the effect is not a rounding artefact


@pytest.mark.falsifies("bmv-r2", how="violation")
@pytest.mark.parametrize("resale", ["world", "none"])
def test_r2_falsified_by_the_wrong_buyers(resale):
    """Eqs. (13)-(14) violated: foreign-held paper resold to buyers anywhere in the world (so part stays
    abroad), or not resold at all (no secondary market, R1). Claims on foreigners survive to
    enforcement, each government refuses them, and the margin for full enforcement is negative."""
    margins, tol = _r2_page_margins(resale)
    assert_falsified(verify_leq, "bmv-r2", 0.0, margins, tol, strict=True, kind="claim", what=R2_WHAT)


mirror_params = st.tuples(  # g, v, e, a, sigma, holdings rule, kappa
    st.floats(-0.2, 0.2), st.floats(0.0, 0.3), st.floats(0.05, 0.5), st.floats(0.0, 0.3),
    st.floats(0.3, 6.0), st.sampled_from(["regional_netting", "world_pool"]), st.floats(1.0, 4.0),
)


@settings(max_examples=100)
@given(mirror_params)
def test_r2_claim_holds_on_random_mirror_economies(p):
    """R2 on random admissible mirror economies (idiosyncratic dispersion e >= 0.05, so that every
    government has claims to decide on: as e -> 0 with g = v = 0 there is nothing to trade)."""
    g, v, e, a, sigma, rule, kappa = p
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)
    args = _margin_check("bmv-r2", sm.r2_enforcement_margin, econ, sigma, rule, kappa)
    verify_leq(*args, strict=True, kind="claim", what=R2_WHAT)


@pytest.mark.falsifies("bmv-r2", how="violation")
@settings(max_examples=40)
@given(mirror_params, st.sampled_from(["world", "none"]), st.floats(0.05, 0.3))
def test_r2_falsified_on_random_mirror_economies(p, resale, v):
    """The wrong buyers (or none) on random mirror economies with regional risk v >= 0.05, so that some
    paper crosses borders (with g = v = 0 and regional netting nothing does, and R2 holds trivially)."""
    g, _, e, a, sigma, rule, kappa = p
    g = float(np.clip(g, -(0.95 - v), 0.95 - v))  # keep 1 - |g| - v > 0
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)
    args = _margin_check("bmv-r2", sm.r2_enforcement_margin, econ, sigma, rule, kappa, resale)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R2_WHAT)


def test_r1_page_claim_passes():
    margins, tol = _r1_page_margins(sm.mirror_economy(**PAGE_ECON))
    verify_leq("bmv-r1", 0.0, margins, tol, strict=True, kind="claim", what=R1_WHAT)
    assert margins.min() > 1e6 * tol


@pytest.mark.falsifies("bmv-r1", how="violation")
def test_r1_falsified_without_within_region_symmetry():
    """The within-region symmetry of §1 violated: the redistribution economy of R3 (rich and poor
    residents, enforced as separate groups, §2.1.1). At the within-region equilibrium some payments go
    from poor to rich residents, the government refuses them, and the margin is negative."""
    margins, tol = _r1_page_margins(sm.redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3))
    assert_falsified(verify_leq, "bmv-r1", 0.0, margins, tol, strict=True, kind="claim", what=R1_WHAT)


@settings(max_examples=100)
@given(mirror_params, st.sampled_from(["autarky", "first_best"]))
def test_r1_claim_holds_on_random_mirror_economies(p, holdings):
    g, v, e, a, sigma, rule, _ = p
    econ = sm.mirror_economy(g=g, v=v, e=e, a=a)
    args = _margin_check("bmv-r1", sm.r1_enforcement_margin, econ, sigma, holdings, rule)
    verify_leq(*args, strict=True, kind="claim", what=R1_WHAT)


@pytest.mark.falsifies("bmv-r1", how="violation")
@settings(max_examples=40)
@given(st.floats(0.15, 0.3), st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.5, 5.0))
def test_r1_falsified_on_random_redistribution_economies(r, e, v, agg, sigma):
    """Rich and poor residents (permanent component r at least 0.15, idiosyncratic dispersion at most 0.25:
    where a poor-to-rich payment's first-order gain from refusal outweighs the inequality it creates)."""
    econ = sm.redistribution_economy(r=r, e=e, v=v, agg=agg)
    args = _margin_check("bmv-r1", sm.r1_enforcement_margin, econ, sigma, "autarky")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R1_WHAT)


# --------------------------------------------------------------------------- claims and falsifiers: R3

R3_WHAT = "margin for enforcing every claim after within-group resale"
R3_PAGE_ECON = dict(r=0.3, e=0.3, v=0.2, agg=0.3)  # the redistribution economy of extensions.md


def test_r3_page_claim_passes():
    args = _margin_check("bmv-r3", sm.r3_enforcement_margin, sm.redistribution_economy(**R3_PAGE_ECON), 2.0)
    verify_leq(*args, strict=True, kind="claim", what=R3_WHAT)
    assert args[2].min() > 1e6 * args[3]


@pytest.mark.falsifies("bmv-r3", how="violation")
@pytest.mark.parametrize("resale", ["issuer_region", "none"])
def test_r3_falsified_by_resale_outside_the_group(resale):
    """R3's outcome violated: paper resold only into the issuer's region (poor residents' paper can end
    with rich ones), or no secondary market. Poor-to-rich claims (and, without resale, claims on
    foreigners) remain at enforcement and are refused."""
    args = _margin_check("bmv-r3", sm.r3_enforcement_margin, sm.redistribution_economy(**R3_PAGE_ECON), 2.0, resale)
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R3_WHAT)


@settings(max_examples=100)
@given(st.floats(0.0, 0.3), st.floats(0.05, 0.45), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.3, 6.0),
       st.sampled_from(["world_pool", "regional_netting"]))
def test_r3_claim_holds_on_random_redistribution_economies(r, e, v, agg, sigma, rule):
    assume(-r + (1 - agg) * (1 - v) * (1 - e) > 0)  # every old-age endowment positive (admissible economy)
    econ = sm.redistribution_economy(r=r, e=e, v=v, agg=agg)
    args = _margin_check("bmv-r3", sm.r3_enforcement_margin, econ, sigma, "issuer_group", rule)
    verify_leq(*args, strict=True, kind="claim", what=R3_WHAT)


@pytest.mark.falsifies("bmv-r3", how="violation")
@settings(max_examples=40)
@given(st.floats(0.2, 0.3), st.floats(0.05, 0.25), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.floats(0.5, 5.0))
def test_r3_falsified_on_random_redistribution_economies(r, e, v, agg, sigma):
    """Resale into the issuer's region only, with a permanent component r >= 0.2 large against the
    idiosyncratic dispersion e <= 0.25 (where the government refuses some poor-to-rich payment)."""
    econ = sm.redistribution_economy(r=r, e=e, v=v, agg=agg)
    args = _margin_check("bmv-r3", sm.r3_enforcement_margin, econ, sigma, "issuer_region")
    assert_falsified(verify_leq, *args, strict=True, kind="claim", what=R3_WHAT)
