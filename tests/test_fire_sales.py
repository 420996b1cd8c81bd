"""Kilenthong--Townsend (fire sales): library checks against the study notes' reference values (§6.4)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify, verify_close, verify_leq

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_fire_sales", ROOT / "benchmarks" / "bench_fire_sales.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def env1():
    return fs.collateral_equilibrium(fs.ENV1), fs.segregated_equilibrium(fs.ENV1)


# ---------------------------------------------------------------- factory


def test_factory_validates_and_freezes():
    with pytest.raises(ValueError, match="alpha"):
        fs.collateral_economy([0.6, 0.6], [[1, 1], [1, 1]], [[1, 1], [1, 1]])
    with pytest.raises(ValueError, match="e0"):
        fs.collateral_economy([0.5, 0.5], [[1, -1], [1, 1]], [[1, 1], [1, 1]])
    with pytest.raises(ValueError, match="sigma"):
        fs.collateral_economy([0.5, 0.5], [[1, 1], [1, 1]], [[1, 1], [1, 1]], sigma=0.0)
    with pytest.raises(ValueError, match="pi"):
        fs.collateral_economy([0.5, 0.5], [[1, 1], [1, 1]], [[1, 1], [1, 1]], pi=[0.3])
    with pytest.raises(ValueError, match="beta"):
        fs.collateral_economy([0.5, 0.5], [[1, 1], [1, 1]], [[1, 1], [1, 1]], beta=-1)
    with pytest.raises(ValueError):
        fs.ENV1.e0[0, 0] = 5.0  # read-only arrays
    assert fs.ENV2.pi.tolist() == [0.5, 0.5]
    not_mirror = fs.collateral_economy([0.5, 0.5], [[2, 2], [2, 2]], [[[3, 3], [1, 1]], [[1, 1], [3, 3]]],
                                       pi=[0.3, 0.7])
    with pytest.raises(ValueError, match="mirror"):  # outside the two-state solver's domain
        fs.segregated_equilibrium(not_mirror)
    assert fs.collateral_equilibrium(not_mirror).converged  # the general two-state solver (two_state.py)
    assert issubclass(fs.UnsupportedEconomy, NotImplementedError)


# ---------------------------------------------------------------- T1, T2: Table 1 ex columns


def test_env1_collateral_equilibrium_table1(env1):
    ce, _ = env1
    printed = {"k": [1.3595, 0], "c": [[2.6899, 1.7756, 1.3252, 1.7756], [1.3101, 0.8649, 2.6748, 3.5839]],
               "U": [-2.2527, -2.5724]}
    c = np.column_stack([ce.c0, ce.c1[:, 0, :]])
    # printed to 4 decimals: half a unit in the last digit (plus float noise)
    assert np.max(np.abs(ce.k - printed["k"])) < 5.1e-5
    assert np.max(np.abs(c - printed["c"])) < 5.1e-5
    assert np.max(np.abs(ce.U - printed["U"])) < 5.1e-5
    # exact values from the notes' independent prototype (6 decimals)
    assert ce.k[0] == pytest.approx(1.359508, abs=1e-6)
    assert ce.U == pytest.approx([-2.252710, -2.572435], abs=1e-6)


def test_env1_prices_and_closed_forms(env1):
    ce, _ = env1
    k = ce.k[0]
    assert ce.p0 == pytest.approx(2.2948, abs=5.1e-5)
    assert ce.z[0] == pytest.approx(0.7463, abs=5.1e-5)
    assert ce.p[0] == pytest.approx(0.5570, abs=5.1e-5)
    # closed forms z = 4/(4+k), p0 = (4/(4-k))^2 and the saver's Euler equation c20 = c21 (beta = R = 1)
    assert ce.z[0] == pytest.approx(4 / (4 + k), rel=1e-12)
    assert ce.p0 == pytest.approx((4 / (4 - k)) ** 2, rel=1e-12)
    assert ce.c0[0, 1] == pytest.approx(ce.c1[0, 0, 1], rel=1e-10)
    assert ce.binding[:, 0].tolist() == [False, True]


# ---------------------------------------------------------------- T3-T6: grid SE, Table 2


def test_env1_grid_selects_07729():
    grid = [0.7479, 0.7729, 0.7979]
    se = fs.segregated_equilibrium(fs.ENV1, z_grid=grid)
    assert se.z[0, 0] == 0.7729
    assert se.k[0] == pytest.approx(1.1753, abs=5.1e-5)
    assert se.Delta[1, 0, 0] == pytest.approx(-0.6813, abs=5.1e-5)
    assert se.z[0, 0] ** 2 == pytest.approx(0.5974, abs=5.1e-5)
    # the two other grid points are not equilibria: a band at a neighbour is empty
    for z in (0.7479, 0.7979):
        cand = fs.grid_candidate(fs.ENV1, z)
        assert any(fs.rights_price_band(fs.ENV1, cand, g)[0] > fs.rights_price_band(fs.ENV1, cand, g)[1]
                   for g in grid if g != z)


def test_env1_grid_allocation_table1_op():
    se = fs.grid_candidate(fs.ENV1, 0.7729)
    c = np.column_stack([se.c0, se.c1[:, 0, 0, :]])
    printed = [[2.6073, 1.8410, 1.2970, 1.6781], [1.3927, 0.9837, 2.7030, 3.4972]]
    # the paper solved a lottery LP on grids: its consumptions are off by up to 2e-4 (notes §5.2)
    assert np.max(np.abs(c - printed)) < 3e-4
    assert se.U == pytest.approx([-2.2936, -2.3905], abs=1e-4)


def test_env1_active_rights_price_and_transfer():
    se = fs.grid_candidate(fs.ENV1, 0.7729)
    assert se.P[0, 0] == pytest.approx(0.528392, abs=1e-6)  # notes' prototype, 6 decimals
    assert -se.fee[1] == pytest.approx(0.359993, abs=1e-6)
    # the printed 0.5375 / 0.3662 are inconsistent with the printed allocation: 1.7 % / 0.0062 away
    assert se.P[0, 0] == pytest.approx(0.5375, rel=0.02)
    assert -se.fee[1] == pytest.approx(0.3662, abs=0.007)
    assert abs(se.P[0, 0] - 0.5375) > 0.005  # and the gap is real, not rounding


def test_table2_inactive_prices_against_bands():
    se = fs.grid_candidate(fs.ENV1, 0.7729)
    lo, hi = fs.rights_price_band(fs.ENV1, se, 0.7479)
    assert lo <= 0.4639 <= hi
    assert (lo, hi) == pytest.approx((0.4521, 0.4688), abs=1e-4)
    lo, hi = fs.rights_price_band(fs.ENV1, se, 0.7979)
    assert (lo, hi) == pytest.approx((0.5961, 0.6016), abs=1e-4)
    assert 0 < 0.6118 - hi < 0.011  # printed value lies above the band (LP grid noise)
    lo, hi = fs.rights_price_band(fs.ENV1, se, 0.7729)  # active exchange: the band is the point P
    assert lo == pytest.approx(se.P[0, 0], abs=1e-10) and hi == pytest.approx(se.P[0, 0], abs=1e-10)


# ---------------------------------------------------------------- continuum SE, T9, T10, T11, T17


def test_env1_continuum(env1):
    ce, se = env1
    assert se.z[0, 0] == pytest.approx(0.774435, abs=1e-6)
    assert se.k[0] == pytest.approx(1.165058, abs=1e-6)
    assert se.P[0, 0] == pytest.approx(0.556994, abs=1e-6)
    assert se.p0 == pytest.approx(1.990818, abs=1e-6)
    assert se.U == pytest.approx([-2.296032, -2.382076], abs=1e-6)
    assert -se.fee[1] == pytest.approx(0.376915, abs=1e-6)


def test_theorem1_env1(env1):
    ce, se = env1
    assert abs(fs.welfare_gap(fs.ENV1, se.U)) < 1e-10  # golden-section maxima, float noise ~1e-15
    assert fs.welfare_gap(fs.ENV1, ce.U) == pytest.approx(0.00437, abs=1e-5)
    U1, K = fs.planner_max_u1(fs.ENV1, ce.U[1])
    assert K == pytest.approx(1.2242 / 2, abs=1e-4)  # notes: the planner stores k = 1.2242 (K = k/2)


def test_clearing(env1):
    _, se = env1
    a = fs.ENV1.alpha
    assert abs(a @ se.Delta[:, 0, 0]) < 1e-12
    assert abs(a @ se.fee) < 1e-12
    assert abs(a @ se.c0[:, 0] - a @ fs.ENV1.e0[:, 0]) < 1e-12
    assert abs(a @ (se.c0[:, 1] + se.k) - a @ fs.ENV1.e0[:, 1]) < 1e-12
    c1 = se.c1[:, 0, 0, :]
    assert np.max(np.abs(a @ c1 - (a @ fs.ENV1.e[:, 0, :] + [0, a @ se.k]))) < 1e-12


def test_redistribution(env1):
    ce, se = env1
    assert se.U[0] < ce.U[0] and se.U[1] > ce.U[1]


def test_public_finance_equivalence(env1):
    _, se = env1
    pf = fs.public_finance_equilibrium(fs.ENV1, se.P[0, 0])
    assert np.max(np.abs(pf.k - se.k)) < 1e-9 and np.max(np.abs(pf.U - se.U)) < 1e-9
    assert pf.tax_storage == pytest.approx(0.4314, abs=5.1e-5)
    only = fs.public_finance_equilibrium(fs.ENV1, se.P[0, 0], storage_only=True)
    assert np.max(np.abs(only.U - se.U)) > 1e-3  # taxing storage alone (rebated) is not equivalent


# ---------------------------------------------------------------- T7, T8: Propositions 1-2 at the paper's environments


def test_proposition2_environments():
    for env in (fs.ENV1, fs.ENV2, fs.ENV3):
        ce, se = fs.collateral_equilibrium(env), fs.segregated_equilibrium(env)
        assert ce.K > se.K and ce.p0 > se.p0
        if se.z.shape[0] == 1:  # one active exchange (Envs 1, 2): the unwind price is higher too
            assert np.all(ce.p < se.z[0] ** env.sigma)


def test_proposition1_no_binding_env1_variant():
    econ = fs.collateral_economy([0.5, 0.5], [[3, 3], [2.5, 2.5]], [[1, 1], [1.5, 1.5]])
    ce, se = fs.collateral_equilibrium(econ), fs.segregated_equilibrium(econ)
    assert np.all(ce.k > 0) and not ce.binding.any()
    assert abs(se.P[0, 0]) < 1e-7
    assert np.max(np.abs(ce.k - se.k)) < 1e-7 and np.max(np.abs(ce.U - se.U)) < 1e-9
    assert abs(fs.welfare_gap(econ, ce.U)) < 1e-9


# ---------------------------------------------------------------- T12: Environment 2


def test_env2():
    ce, se = fs.collateral_equilibrium(fs.ENV2), fs.segregated_equilibrium(fs.ENV2)
    assert ce.k[0] == pytest.approx(0.4603, abs=5.1e-5) and ce.theta[1, 0] == pytest.approx(0.3042, abs=5.1e-5)
    assert ce.k[0] == pytest.approx(0.460277, abs=1e-6)
    assert se.k[0] == pytest.approx(0.416472, abs=1e-6) and se.theta[1, 0] == pytest.approx(0.285287, abs=1e-6)
    assert se.P[0, 0] == pytest.approx(0.123120, abs=1e-6)
    assert se.k[0] < ce.k[0] and se.theta[1, 0] < ce.theta[1, 0] and np.all(se.U > ce.U)
    # printed op pair (grid): within 0.004 / 0.002 of the continuum optimum
    assert abs(se.k[0] - 0.4200) < 0.004 and abs(se.theta[1, 0] - 0.2872) < 0.002
    assert np.max(np.abs(se.Delta.sum(axis=2))) < 1e-12  # each type's fees net to zero over states
    assert abs(se.Delta[0, 0, 0] + se.Delta[1, 0, 0]) < 1e-12


# ---------------------------------------------------------------- T13-T15: Environment 3, Table 5


def test_env3_fixed_z():
    se = fs.segregated_equilibrium(fs.ENV3, z_grid=[0.6113, 0.8132], structure="mixture")
    assert se.converged
    iA = int(np.argmin(se.z[:, 0]))
    iB = 1 - iA
    assert se.z[iA, 0] == 0.6113 and se.weights[0, iA] == pytest.approx(0.1969, abs=2e-4)
    assert se.P[:, 0][[iA, iB]] == pytest.approx([0.9348, 2.2537], abs=1e-3)
    assert se.Delta[2, iA, 0] == pytest.approx(-0.7209, abs=1e-4)
    assert se.Delta[1, iB, 0] == pytest.approx(-2.9340, abs=1e-4)
    assert -se.fee[2] == pytest.approx(0.6739, abs=1e-3)
    assert -se.fee[1] == pytest.approx(6.6122, abs=3e-3)
    printed = {0.6088: 0.9119, 0.6113: 0.9348, 0.6138: 0.9589, 0.8088: 2.2339, 0.8132: 2.2537, 0.8138: 2.2564}
    for z, P in printed.items():
        lo, hi = fs.rights_price_band(fs.ENV3, se, z)
        assert lo <= hi + 1e-12
        assert max(lo - P, P - hi, 0.0) < 1e-3  # printed prices sit ~7e-4 above the bands


def test_env3_continuum():
    se = fs.segregated_equilibrium(fs.ENV3)
    assert se.z.shape == (2, 1) and se.converged
    assert np.sort(se.z[:, 0]) == pytest.approx([0.6113, 0.8132], abs=2e-3)
    assert np.sort(se.z[:, 0]) == pytest.approx([0.611167, 0.812154], abs=1e-6)
    # one exchange per constrained type; both borrowers receive transfers
    assert se.weights[1].tolist().count(1.0) == 1 and se.weights[2].tolist().count(1.0) == 1
    assert se.fee[1] < 0 and se.fee[2] < 0 and np.all(se.Delta[1:, :, 0].sum(axis=1) < 0)
    assert fs.supports(fs.ENV3, se, np.linspace(0.4, 1.3, 91))


def test_bands_nonempty_env1():
    se = fs.segregated_equilibrium(fs.ENV1)
    assert fs.supports(fs.ENV1, se, np.linspace(0.4, 1.0, 61))  # z < 1 = z_max (K >= 0) in Env 1


# ---------------------------------------------------------------- footnote 16 and the NumPy twin


@given(z=st.floats(0.2, 3.0), sigma=st.floats(0.5, 5.0), e1=st.floats(0.1, 5), e2=st.floats(0.1, 5),
       W_extra=st.floats(0.0, 3.0))
@settings(max_examples=40)
def test_footnote16_excess_demand(z, sigma, e1, e2, W_extra):
    k = W_extra  # storage adds to good-2 holdings
    W = e1 + z**sigma * (e2 + k)
    c1, _ = fs.spot_demand(W, z, sigma)
    assert c1 - e1 == pytest.approx(fs.excess_demand_good1(z, e1, e2, k, 1.0, sigma), rel=1e-10, abs=1e-12)


def test_numpy_twin_matches_kernel():
    b = _bench()
    args = b.setup()
    fast, twin = b.se_fast(*args), b.se_numpy(*args)
    assert np.max(np.abs(np.asarray(fast) - np.asarray(twin))) < 1e-10


# ---------------------------------------------------------------- property-based: Props 1-2, Theorem 1


@st.composite
def economies(draw):
    a = draw(st.floats(0.3, 0.7))
    E = [[draw(st.floats(0.5, 4.0)) for _ in range(4)] for _ in range(2)]
    return fs.collateral_economy([a, 1 - a], [r[:2] for r in E], [r[2:] for r in E], R=[draw(st.floats(0.9, 1.1))],
                                 beta=draw(st.floats(0.85, 1.0)), sigma=draw(st.floats(1.2, 4.0)))


def _solve(econ):
    ce = fs.collateral_equilibrium(econ)
    try:
        se = fs.segregated_equilibrium(econ)
    except RuntimeError:
        se = None  # a single exchange is not an equilibrium there (a mixture is needed): not covered
    assume(se is not None and ce.K > 0)  # K = 0: storage's own bound binds, not collateral (see the chapter)
    return ce, se


@st.composite
def env1_like_economies(draw):
    """Two types shaped like Environment 1: a lender rich at t = 0 and a borrower rich at t = 1, who would
    like to borrow but owns no collateral, so its collateral constraint binds (the violating case of
    Theorem 1 without rights markets and of Proposition 1)."""
    a = draw(st.floats(0.3, 0.7))
    lender = [draw(st.floats(2.0, 4.0)) for _ in range(2)], [draw(st.floats(0.5, 1.5)) for _ in range(2)]
    borrower = [draw(st.floats(0.5, 1.5)) for _ in range(2)], [draw(st.floats(2.0, 4.0)) for _ in range(2)]
    return fs.collateral_economy([a, 1 - a], [lender[0], borrower[0]], [lender[1], borrower[1]],
                                 R=[draw(st.floats(0.9, 1.1))], beta=draw(st.floats(0.85, 1.0)),
                                 sigma=draw(st.floats(1.2, 4.0)))


@st.composite
def saver_economies(draw):
    """Two types, both richer at t = 0 than at t = 1: mostly both save and no collateral constraint binds
    (the hypothesis of Proposition 1's "if" direction; the tests keep the draws where none binds)."""
    a = draw(st.floats(0.3, 0.7))
    e0 = [[draw(st.floats(1.5, 4.0)) for _ in range(2)] for _ in range(2)]
    e1 = [[draw(st.floats(0.5, 2.0)) for _ in range(2)] for _ in range(2)]
    return fs.collateral_economy([a, 1 - a], e0, e1, R=[draw(st.floats(0.9, 1.1))], beta=draw(st.floats(0.85, 1.0)),
                                 sigma=draw(st.floats(1.2, 4.0)))


def _binding_wedge(econ, ce):
    """Largest relative multiplier (mu0 p0 - beta mu1 p R) / (mu0 p0) of a type at k = 0 (0 if none)."""
    w = (ce.mu0 * ce.p0 - econ.beta * ce.mu1[:, 0] * ce.p[0] * econ.R[0]) / (ce.mu0 * ce.p0)
    return float(np.max(np.where(ce.k <= 0, w, 0.0)))


T1_WHAT = "Env 1: max U1 s.t. U2 >= U2_SE (Program 1 planner) minus U1_SE (equilibrium solver)"
P1_WHAT = "our variant, no constraint binds: max U1 s.t. U2 >= U2_CE (planner) minus U1_CE (equilibrium)"


@given(economies())
@settings(max_examples=100)
def test_theorem1_segregated_on_frontier(econ):
    """Theorem 1's claim check (segregated_exchanges.md) on random two-type economies: the equilibrium with
    rights lies on the Program-1 frontier within the derived tolerance, which stays small (not inflated
    by a planner that misses the optimum: the scan refinement would show it)."""
    ce, se = _solve(econ)
    g = fs.theorem_1_frontier_gap(econ)
    verify("kt-theorem-1", g.gap, g.tol, kind="claim", what="random economy: frontier gap of the equilibrium with rights")
    assert g.tol < 1e-10 and se.converged


@pytest.mark.falsifies("kt-theorem-1", how="violation")
def test_theorem1_check_fails_without_rights_markets_env1():
    """Environment 1 without rights markets (the theorem's hypothesis removed; type 2's constraint binds):
    the same function and check as the page, on the competitive collateral equilibrium."""
    g = fs.theorem_1_frontier_gap(fs.ENV1, rights=False)
    out = assert_falsified(verify, "kt-theorem-1", g.gap, g.tol, kind="claim", what=T1_WHAT)
    assert out.excess >= 1e9 * out.tol  # gap 4.4e-3 against tol ~3e-13


@pytest.mark.falsifies("kt-theorem-1", how="violation")
@given(env1_like_economies())
@settings(max_examples=40)
def test_theorem1_check_fails_without_rights_markets_random(econ):
    """Random Environment-1-like economies without rights markets, where the borrower's constraint binds."""
    ce = fs.collateral_equilibrium(econ)
    assert ce.binding.any()  # the strategy's shape guarantees it (checked, not assumed)
    g = fs.theorem_1_frontier_gap(econ, rights=False)
    assert_falsified(verify, "kt-theorem-1", g.gap, g.tol, kind="claim", what="random economy without rights markets")


@given(saver_economies())
@settings(max_examples=100)
def test_proposition1_no_binding_on_frontier(econ):
    """Proposition 1's claim check (planner.md) on random economies where no constraint binds (interior K)."""
    ce = fs.collateral_equilibrium(econ)
    assume(not ce.binding.any() and ce.K > 0)
    g = fs.proposition_1_frontier_gap(econ)
    verify("kt-proposition-1", g.gap, g.tol, kind="claim", what="random economy, no constraint binds: frontier gap")
    assert g.tol < 1e-10


@pytest.mark.falsifies("kt-proposition-1", how="violation")
def test_proposition1_check_fails_when_a_constraint_binds_env1():
    """Environment 1, where type 2's collateral constraint binds: the page's check fails."""
    g = fs.proposition_1_frontier_gap(fs.ENV1)
    out = assert_falsified(verify, "kt-proposition-1", g.gap, g.tol, kind="claim", what=P1_WHAT)
    assert out.excess >= 1e9 * out.tol


@pytest.mark.falsifies("kt-proposition-1", how="violation")
@given(env1_like_economies())
@settings(max_examples=40)
def test_proposition1_check_fails_when_a_constraint_binds_random(econ):
    ce = fs.collateral_equilibrium(econ)
    assert ce.binding.any() and _binding_wedge(econ, ce) > 0.1
    g = fs.proposition_1_frontier_gap(econ)
    assert_falsified(verify, "kt-proposition-1", g.gap, g.tol, kind="claim", what="random economy, a constraint binds")


def test_planner_finds_a_target_reachable_only_with_most_date1_wealth():
    """Regression (found by test_theorem1_segregated_on_frontier): type 2 is rich and its utility target is
    reachable only when it gets most of the date-1 wealth (x in [0.66, 1]); the inner golden section over
    x used to start at two infeasible points and walk away, so the planner reported 0.25 less than the
    equilibrium it should match (here no constraint binds: the equilibrium is first best)."""
    econ = fs.collateral_economy([0.375, 0.625], [[1, 1], [3, 3]], [[1, 0.5], [2, 0.5]], sigma=3.0)
    g = fs.theorem_1_frontier_gap(econ)
    assert abs(g.gap) <= g.tol and g.error_search < 1e-12


@given(economies())
@settings(max_examples=30)
def test_proposition1_binding_iff_inefficient(econ):
    ce, se = _solve(econ)
    g = fs.proposition_1_frontier_gap(econ)
    if ce.binding.any():
        assert abs(se.P[0, 0]) > 0
        if _binding_wedge(econ, ce) > 1e-3:  # the gap is second order in the wedge: a margin needs one
            assert g.gap >= 10 * g.tol
    else:
        assert abs(g.gap) <= g.tol and abs(se.P[0, 0]) < 1e-8


@given(economies())
@settings(max_examples=30)
def test_proposition2_direction(econ):
    ce, se = _solve(econ)
    assume(ce.binding.any())
    b = ce.binding[:, 0]
    # the paper's direction, in the class of its examples: constrained types buy good 2 at t = 1
    assume(np.all(econ.e[b, 0, 1] < ce.c1[b, 0, 1]))
    assert ce.K > se.K and ce.p0 > se.p0 and ce.p[0] < se.z[0, 0] ** econ.sigma
    assert se.P[0, 0] > 0


def test_proposition2_can_fail_when_the_constrained_type_sells_good2():
    """Our counterexample: the borrower (type 1, k = 0) sells good 2 at t = 1; the planner stores MORE."""
    econ = fs.collateral_economy([0.57, 0.43], [[1.063, 2.554], [3.473, 1.487]], [[3.765, 3.683], [3.859, 1.199]],
                                 beta=0.91, R=[0.923], sigma=2.784)
    ce, se = fs.collateral_equilibrium(econ), fs.segregated_equilibrium(econ)
    assert ce.binding[0, 0] and ce.c1[0, 0, 1] < econ.e[0, 0, 1]
    assert fs.welfare_gap(econ, ce.U) > 1e-4 and abs(fs.welfare_gap(econ, se.U)) < 1e-10
    _, K_planner = fs.planner_max_u1(econ, se.U[1])
    assert K_planner > ce.K + 1e-3 and se.K > ce.K and se.P[0, 0] < 0


def _program1_slsqp(econ, U2bar, n_starts, seed=0):
    """Program 1 (eq. 15-16) for two types and one state in the paper's own variables, by SLSQP.

    Variables: type 1's date-0 consumption (c10, c20), storage (k1, k2), type 1's good-1 security theta
    (type 2 holds the opposite), type 1's spot purchase of good 2 tau2 (type 2: the opposite); type 2's
    date-0 consumption from the resource constraints (5)-(6); spot budgets (14) at p(z(K)), with z from
    (10); collateral constraints (13). Independent of the library's one-state reduction.
    """
    from scipy.optimize import minimize

    a, e0, e, R, beta, s = econ.alpha, econ.e0, econ.e[:, 0, :], econ.R[0], econ.beta, econ.sigma
    E0, E1 = a @ e0, a @ e

    def alloc(x):
        c10, c20, k1, k2, th, t2 = x
        K = a[0] * k1 + a[1] * k2
        p = (E1[0] / (E1[1] + R * K)) ** s
        c0 = np.array([[c10, c20], [(E0[0] - a[0] * c10) / a[1], (E0[1] - K - a[0] * c20) / a[1]]])
        thh, t2h, k = np.array([th, -a[0] * th / a[1]]), np.array([t2, -a[0] * t2 / a[1]]), np.array([k1, k2])
        c1 = np.column_stack([e[:, 0] + thh - p * t2h, e[:, 1] + R * k + t2h])
        return c0, c1, p * R * k + thh, K

    def U(x):
        c0, c1, _, _ = alloc(x)
        c = np.concatenate([c0, c1], axis=1)
        if np.any(c <= 1e-9):
            return np.full(2, -1e6)
        return (c[:, 0] ** (1 - s) + c[:, 1] ** (1 - s) + beta * (c[:, 2] ** (1 - s) + c[:, 3] ** (1 - s))) / (1 - s)

    cons = [{"type": "ineq", "fun": lambda x: U(x)[1] - U2bar},
            {"type": "ineq", "fun": lambda x: alloc(x)[2]},
            {"type": "ineq", "fun": lambda x: np.concatenate([alloc(x)[0].ravel(), alloc(x)[1].ravel()]) - 1e-6}]
    bounds = [(1e-6, None), (1e-6, None), (0, None), (0, None), (None, None), (None, None)]
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_starts):
        x0 = [rng.uniform(0.5, 2.5), rng.uniform(0.5, 2.5), rng.uniform(0, 2), rng.uniform(0, 2),
              rng.uniform(-1, 1), rng.uniform(-1, 1)]
        r = minimize(lambda x: -U(x)[0], x0, method="SLSQP", constraints=cons, bounds=bounds,
                     options={"ftol": 1e-14, "maxiter": 1000})
        if r.success and (best is None or -r.fun > best[0]):
            best = (-r.fun, alloc(r.x)[3])
    return best


def test_proposition2_counterexample_independent_program1():
    """The counterexample above, re-solved without the library's planner: Program 1 in the paper's variables."""
    econ = fs.collateral_economy([0.57, 0.43], [[1.063, 2.554], [3.473, 1.487]], [[3.765, 3.683], [3.859, 1.199]],
                                 beta=0.91, R=[0.923], sigma=2.784)
    ce = fs.collateral_equilibrium(econ)
    U1_max, K_op = _program1_slsqp(econ, ce.U[1], n_starts=20)
    U1_lib, K_lib = fs.planner_max_u1(econ, ce.U[1])
    assert U1_max == pytest.approx(U1_lib, abs=1e-9)  # SLSQP ftol 1e-14 on utilities of order 0.5
    assert K_op == pytest.approx(K_lib, abs=1e-5)  # flat objective near the optimum: K to ~sqrt(ftol)
    assert U1_max > ce.U[0] + 1e-4  # the equilibrium is inefficient (Proposition 1) ...
    assert K_op > ce.K + 1e-2  # ... and the planner stores MORE (Proposition 2 (ii) fails)


# ---------------------------------------------------------------- T16: the lottery LP; Section 2.2 example


def test_lottery_lp_reproduces_the_paper_grid():
    # one LP at the notes' Negishi weight (full bisection on this grid takes ~8 s; the book caches it)
    lp = fs.lottery_lp(fs.ENV1, [0.7479, 0.7729, 0.7979], 0.28544921875, k_step=0.005, c_step=0.0025)
    assert lp.mass[:, 1] == pytest.approx([1.0, 1.0], abs=1e-9)  # pure, at 0.7729
    assert lp.k_mean[0] == pytest.approx(1.1753, abs=5.1e-5)
    assert lp.p0 == pytest.approx(2.007, abs=2e-3)  # printed 2.0073 (a dual price)
    assert 0.51 <= lp.P[1] <= 0.54
    assert abs(lp.budget_gap[1]) < 2e-3  # grid: the gap is a step function of the weight


def test_negishi_on_a_coarse_grid_balances_budgets():
    lp = fs.negishi_lp(fs.ENV1, [0.7479, 0.7729, 0.7979], k_step=0.025, c_step=0.05)
    assert abs(lp.budget_gap[1]) < 1e-3 and lp.mass[0, 1] == pytest.approx(1.0)


def test_section22_example():
    ec = fs.incomplete_economy()
    ce, se = fs.incomplete_equilibrium(ec), fs.incomplete_equilibrium(ec, rights=True)
    assert ce.converged and se.converged
    assert ce.theta == pytest.approx(-0.3750, abs=5.1e-5) and ce.Q == pytest.approx(0.7490, abs=5.1e-5)
    assert ce.p == pytest.approx([0.3818, 4.0667], abs=5.1e-5)
    assert se.theta == pytest.approx(-0.3961, abs=5.1e-5)
    assert se.P == pytest.approx([-0.3918, 0.2484], abs=5.1e-5)
    assert fs.incomplete_welfare_gap(ec, ce.U) == pytest.approx(6.3e-4, abs=5e-6)
    assert abs(fs.incomplete_welfare_gap(ec, se.U)) < 1e-9
    ech = fs.incomplete_economy(a=(0.5, 0.5))
    assert np.max(np.abs(fs.incomplete_equilibrium(ech, rights=True).P)) < 1e-12  # mirror: nobody trades
    # identical homothetic preferences with a traded bond: no externality, the CE is on the frontier,
    # while the rights (an accounting device here) carry non-zero prices and pick another frontier point
    asym = dict(e0=((1.5, 0.7), (0.6, 1.2)), e=(((3, 2), (0.5, 1.0)), ((0.8, 0.5), (2, 3))))
    ech = fs.incomplete_economy(a=(0.5, 0.5), **asym)
    ceh, seh = fs.incomplete_equilibrium(ech), fs.incomplete_equilibrium(ech, rights=True)
    assert abs(ceh.theta) > 1e-2 and abs(fs.incomplete_welfare_gap(ech, ceh.U)) < 1e-9
    assert abs(fs.incomplete_welfare_gap(ech, seh.U)) < 1e-9
    ecn = fs.incomplete_economy(a=(0.9, 0.1), **asym)
    assert fs.incomplete_welfare_gap(ecn, fs.incomplete_equilibrium(ecn).U) > 1e-5  # the check can fail
    with pytest.raises(ValueError, match="a "):
        fs.incomplete_economy(a=(1.5, 0.1))


def test_indirect_utility_closed_form_sigma2():
    W, z = np.array([1.0, 2.5]), np.array([0.7, 1.3])
    assert fs.indirect_utility(W, z, 2.0) == pytest.approx(-(1 + z) ** 2 / W, rel=1e-13)
    c1, c2 = fs.spot_demand(W, z, 2.0)
    assert c1 + z**2 * c2 == pytest.approx(W, rel=1e-13) and c1 / c2 == pytest.approx(z, rel=1e-13)


# ---------------------------------------------------------------- Program 1 with three types (Environment 3)


def test_three_type_planner_on_environment3():
    ce = fs.collateral_equilibrium(fs.ENV3)
    single = fs.segregated_equilibrium(fs.ENV3, structure="single")
    se = fs.segregated_equilibrium(fs.ENV3)
    assert se.z.shape[0] == 2  # the mixture
    # reference values of our nested golden-section planner (scan 41 + golden 60 per level: ~1e-12)
    assert fs.welfare_gap(fs.ENV3, ce.U) == pytest.approx(0.0125572, abs=1e-6)
    assert abs(fs.welfare_gap(fs.ENV3, single.U)) < 1e-9  # FOCs of one exchange = Program 1's
    assert fs.welfare_gap(fs.ENV3, se.U) == pytest.approx(-0.0376128, abs=1e-6)  # outside: segregation pays
    assert np.all(se.U >= single.U)
    with pytest.raises(ValueError, match="U2bar"):
        fs.planner_max_u1(fs.ENV3, -1.0)
    with pytest.raises(NotImplementedError):
        fs.planner_frontier(fs.ENV3, 3)


@given(economies(), st.floats(0.2, 0.8))
@settings(max_examples=15)
def test_three_type_planner_matches_two_types_when_a_type_is_split(econ, f):
    """Splitting type 2 into two identical types of masses f a2 and (1 - f) a2 leaves Program 1 unchanged:
    the three-type kernel must reproduce the two-type kernel (an independent code path)."""
    a, e0, e = econ.alpha, econ.e0, econ.e[:, 0, :]
    econ3 = fs.collateral_economy([a[0], f * a[1], (1 - f) * a[1]], [e0[0], e0[1], e0[1]], [e[0], e[1], e[1]],
                                  R=econ.R, beta=econ.beta, sigma=econ.sigma)
    ce = fs.collateral_equilibrium(econ)
    U2 = ce.U[1]
    assert fs.planner_max_u1(econ3, [U2, U2])[0] == pytest.approx(fs.planner_max_u1(econ, U2)[0], abs=1e-9)


@st.composite
def economies3(draw):
    """One lender rich at date 0 and two borrowers rich at date 1 (the shape of Environment 3)."""
    w = [draw(st.floats(0.2, 0.5)) for _ in range(3)]
    alpha = np.array(w) / sum(w)
    e0 = [[draw(st.floats(2.0, 5.0)), draw(st.floats(2.0, 8.0))]] + \
         [[draw(st.floats(0.5, 4.0)), draw(st.floats(0.3, 1.0))] for _ in range(2)]
    e = [[draw(st.floats(0.3, 1.0)), draw(st.floats(0.3, 1.0))]] + \
        [[draw(st.floats(3.0, 7.0)), draw(st.floats(3.0, 7.0))] for _ in range(2)]
    return fs.collateral_economy(alpha, e0, e, sigma=draw(st.floats(1.5, 3.0)))


@given(economies3())
@settings(max_examples=12)
def test_theorem1_three_types(econ):
    """Theorem 1 against Program 1 with three types: the collateral equilibrium is strictly inside the
    one-market frontier when a constraint binds; an equilibrium with one exchange is on it; one with a
    mixing lender (several spot markets) is not dominated by it (gap <= 0)."""
    ce = fs.collateral_equilibrium(econ)
    try:
        se = fs.segregated_equilibrium(econ)
    except (RuntimeError, NotImplementedError):
        se = None
    assume(se is not None and se.converged and ce.K > 0)
    if ce.binding.any():
        assert fs.welfare_gap(econ, ce.U) > 1e-12
    gap = fs.welfare_gap(econ, se.U)
    if se.z.shape[0] == 1:
        assert abs(gap) < 1e-9
    else:
        assert gap < 1e-9
        # ... and it is ON the frontier of the planner who may split the spot market the same way
        saver = int(np.argmax(se.k))
        groups = [[h for h in range(3) if h != saver and se.weights[h, m] == 1] for m in range(se.z.shape[0])]
        best = fs.planner_exchanges_max_u1(econ, se.U, groups, saver=saver, n_starts=4)
        assert abs(best.U1 - se.U[saver]) < 1e-7  # SLSQP ftol 1e-13; root-finding residuals ~1e-12


def test_theorem1_environment3_two_exchange_planner():
    """Environment 3: the equilibrium (two exchanges, mixing lender) is on the frontier of Program 1 with
    the spot market split in two (independent SLSQP planner); the collateral equilibrium is strictly inside;
    with a single group the split planner reproduces the golden-section Program 1."""
    ce, se = fs.collateral_equilibrium(fs.ENV3), fs.segregated_equilibrium(fs.ENV3)
    groups = [[h for h in (1, 2) if se.weights[h, m] == 1] for m in range(2)]
    best = fs.planner_exchanges_max_u1(fs.ENV3, se.U, groups)
    assert best.converged and abs(best.U1 - se.U[0]) < 1e-9  # ~1e-13 observed
    assert np.sort(best.z) == pytest.approx(np.sort(se.z[:, 0]), abs=1e-5)  # flat optimum: z to ~sqrt(ftol)
    assert fs.planner_exchanges_max_u1(fs.ENV3, ce.U, groups).U1 - ce.U[0] > 1e-2
    one = fs.planner_exchanges_max_u1(fs.ENV3, ce.U, [[1, 2]])
    assert one.U1 == pytest.approx(fs.planner_max_u1(fs.ENV3, ce.U[1:])[0], abs=1e-9)
    with pytest.raises(ValueError, match="groups"):
        fs.planner_exchanges_max_u1(fs.ENV3, ce.U, [[1]])



def test_golden_section_machine():
    """The reverse-communication golden section behind every planner search: interior optimum, corner
    optimum, empty interval."""
    def run(f, lo, hi):
        st, t = fs._golden_start(lo, hi)
        n = 0
        while t == t:
            t, n = fs._golden_next(st, f(t)), n + 1
        return st[8], st[9], n

    t, v, n = run(lambda x: -(x - 1.3) ** 2, 0.0, 3.0)
    assert t == pytest.approx(1.3, abs=1e-9) and v == pytest.approx(0.0, abs=1e-15)  # 3 * 0.618^60 ~ 1e-12
    assert n == 2 + 60 + 3  # two first points, 60 steps, midpoint and both corners
    assert run(lambda x: x, 0.0, 1.0)[:2] == (1.0, 1.0)  # increasing: the corner hi wins
    assert run(lambda x: -x, 2.0, 5.0)[:2] == (2.0, -2.0)  # decreasing: the corner lo wins
    assert run(lambda x: 0.0, 1.0, 0.0)[1] == -1e300  # empty interval: infeasible

def _planner_numpy(econ, Ubar, n_starts=9):
    """NumPy/scipy twin of planner_kernel / planner3_kernel: Program 1 reduced as in the chapter, written
    for any number of types and maximised by SLSQP over (K, W^2..W^H) from several storage levels."""
    from scipy.optimize import minimize

    a, e10, e20 = econ.alpha, econ.e0[:, 0], econ.e0[:, 1]
    e1, e2, R, beta, s = econ.e[:, 0, 0], econ.e[:, 0, 1], econ.R[0], econ.beta, econ.sigma
    Ubar = np.atleast_1d(Ubar)

    def parts(x):
        K, W = x[0], x[1:]
        z = (a @ e1) / (a @ e2 + R * K)
        p = z**s
        F = e1 + p * e2
        W1 = (a @ e1 + p * (a @ e2 + R * K) - a[1:] @ W) / a[0]
        E10, C20 = a @ e10, a @ e20 - K
        v = lambda w: fs.indirect_utility(w, z, s)  # noqa: E731
        om = ((1 - s) * (Ubar - beta * v(W)) / (E10 ** (1 - s) + C20 ** (1 - s))) ** (1 / (1 - s))
        om1 = (1 - a[1:] @ om) / a[0]
        return F, W1, om1, E10, C20, v

    def neg_u1(x):
        F, W1, om1, E10, C20, v = parts(x)
        if not (om1 > 0 and W1 > 0 and np.all(np.isfinite(om1))):
            return 1e6
        return -(((om1 * E10) ** (1 - s) + (om1 * C20) ** (1 - s)) / (1 - s) + beta * v(W1))

    cons = [{"type": "ineq", "fun": lambda x: x[1:] - parts(x)[0][1:]},
            {"type": "ineq", "fun": lambda x: parts(x)[1] - parts(x)[0][0]}]
    best = -np.inf
    top = (a @ e20) * (1 - 1e-6)
    for K0 in np.linspace(0.05, 0.95, n_starts) * top:
        z = (a @ e1) / (a @ e2 + R * K0)
        F = e1 + z**s * e2
        x0 = np.concatenate([[K0], F[1:] + 0.5 * z**s * R * K0])
        out = minimize(neg_u1, x0, method="SLSQP", bounds=[(0, top)] + [(None, None)] * (econ.H - 1),
                       constraints=cons, options={"ftol": 1e-14, "maxiter": 500})
        if np.all(cons[0]["fun"](out.x) > -1e-9) and cons[1]["fun"](out.x) > -1e-9:
            best = max(best, -out.fun)
    return best


@pytest.mark.parametrize("name", ["ENV1", "ENV3"])
def test_planner_kernels_match_their_scipy_twin(name):
    econ = getattr(fs, name)
    ce = fs.collateral_equilibrium(econ)
    U1, _ = fs.planner_max_u1(econ, ce.U[1:] if econ.H > 2 else ce.U[1])
    # SLSQP (ftol 1e-14) and the golden sections (interval ~1e-13, concave maximum: error ~1e-26 in U)
    # agree to ~3e-15 here; 1e-9 leaves room for platform rounding
    assert _planner_numpy(econ, ce.U[1:]) == pytest.approx(U1, abs=1e-9)


# ---------------------------------------------------------------- eq. (10) and footnote 16: claims that can fail

MF_WHAT = "Env 1, state 1: price from individual demands vs with aggregate holdings and vs z^sigma (relative)"
F16_WHAT = "excess demand from the consumer's first-order condition minus z^(s-1)/(1+z^(s-1)) Delta, 200 points"


def _env1_holdings():
    ce = fs.collateral_equilibrium(fs.ENV1)
    return fs.ENV1.alpha, fs.ENV1.e[:, 0, 0] + ce.theta[:, 0], fs.ENV1.e[:, 0, 1] + fs.ENV1.R[0] * ce.k


@st.composite
def spot_holdings(draw, heterogeneous=False):
    """Two or three types with positive masses and date-1 holdings; one CRRA coefficient for all
    (identical homothetic preferences, eq. 10's hypothesis) or, violating it, one per type at least one
    apart, with holdings whose compositions e1/e2 differ by a factor of at least 2 (so that who holds
    what matters)."""
    H = draw(st.integers(2, 3))
    alpha = np.array([draw(st.floats(0.1, 1.0)) for _ in range(H)])
    e2 = np.array([draw(st.floats(0.2, 5.0)) for _ in range(H)])
    ratio = np.array([draw(st.floats(0.1, 5.0)) for _ in range(H)])
    if heterogeneous:
        ratio[1] = ratio[0] * draw(st.sampled_from([0.25, 0.5, 2.0, 4.0])) * draw(st.floats(1.0, 1.5))
        s0 = draw(st.floats(0.5, 4.0))
        sigma = np.array([s0] + [s0 + draw(st.floats(1.0, 3.0)) * draw(st.sampled_from([-0.4, 1.0]))
                                 for _ in range(H - 1)])
        sigma = np.maximum(sigma, 0.1)
        assume(abs(sigma[1] - sigma[0]) >= 0.4)
    else:
        sigma = draw(st.floats(0.3, 6.0))
    return alpha, ratio * e2, e2, sigma


@given(spot_holdings())
@settings(max_examples=100, deadline=None)
def test_market_fundamental_random_holdings(h):
    """Eq. (10) on random identical-preference economies: the clearing price ignores who holds what."""
    g = fs.market_fundamental_gap(*h)
    verify("kt-claim-market-fundamental", g.residual, g.tol, kind="claim", what="random holdings, common sigma")
    # the check is far tighter than the falsifier's violations (>= 1e-3 relative); the tolerance grows with the
    # price (p = 5489 at sigma = 6 gives 1.1e-10, drawn by the lowest-versions CI lane)
    assert g.tol < 1e-9


@pytest.mark.falsifies("kt-claim-market-fundamental", how="violation")
def test_market_fundamental_check_fails_with_different_risk_aversion():
    """Environment 1's equilibrium holdings, but the two types have different CRRA coefficients (1.5 and
    4): preferences are not identical and the price depends on the distribution."""
    alpha, e1, e2 = _env1_holdings()
    g = fs.market_fundamental_gap(alpha, e1, e2, [1.5, 4.0])
    out = assert_falsified(verify, "kt-claim-market-fundamental", g.residual, g.tol, kind="claim", what=MF_WHAT)
    assert out.excess >= 1e9 * out.tol  # a 11 % price difference against a tolerance of ~1e-13


@pytest.mark.falsifies("kt-claim-market-fundamental", how="violation")
@given(spot_holdings(heterogeneous=True))
@settings(max_examples=30, deadline=None)
def test_market_fundamental_check_fails_random_heterogeneous(h):
    g = fs.market_fundamental_gap(*h)
    assert_falsified(verify, "kt-claim-market-fundamental", g.residual, g.tol, kind="claim",
                     what="random holdings, different sigma per type")


def _f16_points(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.2, 3, 200), rng.uniform(0.1, 5, 200), rng.uniform(0.1, 5, 200), rng.uniform(0, 3, 200),
            1.0, rng.uniform(0.5, 5, 200))


def test_footnote16_page_points_pass():
    z, e1, e2, k, R, sig = _f16_points()
    f16 = fs.footnote_16_residual(z, e1, e2, k, R, sig)
    verify("kt-footnote-16", f16.residual, f16.tol, kind="claim", what=F16_WHAT)
    assert f16.tol < 1e-10


@given(st.integers(0, 2**32 - 1), st.floats(0.3, 6.0))
@settings(max_examples=100, deadline=None)
def test_footnote16_random(seed, sigma):
    """Footnote 16 on 100 random sets of 20 points (z, e1, e2, k, R) with a common sigma per set."""
    rng = np.random.default_rng(seed)
    n = 20
    f16 = fs.footnote_16_residual(rng.uniform(0.2, 3, n), rng.uniform(0.1, 5, n), rng.uniform(0.1, 5, n),
                                  rng.uniform(0, 3, n), rng.uniform(0.8, 1.2), sigma)
    verify("kt-footnote-16", f16.residual, f16.tol, kind="claim", what="random points, footnote's utility")


@pytest.mark.falsifies("kt-footnote-16", how="violation")
def test_footnote16_check_fails_for_unequal_weights():
    """The page's 200 points with u = 0.3 phi(c1) + 0.7 phi(c2): identical and homothetic, but not the
    footnote's symmetric utility; the excess demand is another multiple of Delta."""
    z, e1, e2, k, R, sig = _f16_points()
    f16 = fs.footnote_16_residual(z, e1, e2, k, R, sig, a=0.3)
    out = assert_falsified(verify, "kt-footnote-16", f16.residual, f16.tol, kind="claim", what=F16_WHAT)
    assert out.excess >= 1e9 * out.tol


@pytest.mark.falsifies("kt-footnote-16", how="violation")
@given(st.integers(0, 2**32 - 1), st.floats(0.3, 6.0), st.one_of(st.floats(0.1, 0.4), st.floats(0.6, 0.9)))
@settings(max_examples=30, deadline=None)
def test_footnote16_check_fails_random_weights(seed, sigma, a):
    rng = np.random.default_rng(seed)
    n = 20
    f16 = fs.footnote_16_residual(rng.uniform(0.2, 3, n), rng.uniform(0.1, 5, n), rng.uniform(0.1, 5, n),
                                  rng.uniform(0, 3, n), rng.uniform(0.8, 1.2), sigma, a=a)
    assert_falsified(verify, "kt-footnote-16", f16.residual, f16.tol, kind="claim", what="random points, a != 1/2")


def test_claim_functions_validate_parameters():
    with pytest.raises(ValueError, match="a "):
        fs.footnote_16_residual(0.5, 1, 1, a=1.2)
    with pytest.raises(ValueError, match="sigma"):
        fs.footnote_16_residual(0.5, 1, 1, sigma=-1.0)
    with pytest.raises(ValueError, match="alpha"):
        fs.market_fundamental_gap([0.5, -0.5], [1, 1], [1, 1])


# ---------------------------------------------------------------- Proposition 2: the claim and its counterexample

P2_WHAT = "{}: Program-1 optimum at the equilibrium's U2 stores less and prices good 2 lower"
COUNTER = dict(alpha=[0.57, 0.43], e0=[[1.063, 2.554], [3.473, 1.487]], e=[[3.765, 3.683], [3.859, 1.199]],
               beta=0.91, R=0.923, sigma=2.784)


def _p2_check(g, what):
    verify_leq("kt-proposition-2", [g.K_op, g.p0_op], [g.K_ce, g.p0_ce], g.tol, strict=True, kind="claim", what=what)


@given(env1_like_economies())
@settings(max_examples=100, deadline=None)
def test_proposition2_claim_random(econ):
    """Proposition 2 with the chapter's sign condition on random Environment-1-like economies (the
    borrower's constraint binds; it buys good 2 at t = 1: checked, not assumed away silently)."""
    g = fs.proposition_2_gap(econ)
    assume(g.binding and g.sign_condition)
    _p2_check(g, "random Env-1-like economy")
    assert g.tol < 1e-4


@pytest.mark.falsifies("kt-proposition-2", how="violation")
def test_proposition2_check_fails_on_the_counterexample():
    """Our counterexample (exercises.md): the constrained type sells good 2 at t = 1, the sign condition
    fails, and so do both inequalities: the page's function and check, failing by far more than 10 tol."""
    econ = fs.collateral_economy(COUNTER["alpha"], COUNTER["e0"], COUNTER["e"], beta=COUNTER["beta"],
                                 R=[COUNTER["R"]], sigma=COUNTER["sigma"])
    g = fs.proposition_2_gap(econ)
    assert g.binding and not g.sign_condition
    out = assert_falsified(verify_leq, "kt-proposition-2", [g.K_op, g.p0_op], [g.K_ce, g.p0_ce], g.tol,
                           strict=True, kind="claim", what=P2_WHAT.format("counterexample"))
    assert out.excess >= 1e4 * out.tol


@pytest.mark.falsifies("kt-proposition-2", how="violation")
@given(st.lists(st.floats(0.95, 1.05), min_size=12, max_size=12))
@settings(max_examples=30, deadline=None)
def test_proposition2_check_fails_near_the_counterexample(f):
    """Economies within 5 % of the counterexample in every endowment and in beta, R and sigma: the
    constrained type still sells good 2 and the check fails by 10 tol."""
    e0 = np.array(COUNTER["e0"]) * np.reshape(f[:4], (2, 2))
    e = np.array(COUNTER["e"]) * np.reshape(f[4:8], (2, 2))
    econ = fs.collateral_economy(COUNTER["alpha"], e0, e, beta=min(1.0, COUNTER["beta"] * f[8]),
                                 R=[COUNTER["R"] * f[9]], sigma=COUNTER["sigma"] * f[10])
    g = fs.proposition_2_gap(econ)
    assert g.binding and not g.sign_condition
    assert_falsified(verify_leq, "kt-proposition-2", [g.K_op, g.p0_op], [g.K_ce, g.p0_ce], g.tol, strict=True,
                     kind="claim", what="near the counterexample")


def test_three_type_planner_finds_targets_reachable_only_with_most_date1_wealth():
    """Regression (the weakness fixed in _golden_x, found again in the three-type searches): the rich
    type of test_planner_finds_a_target_reachable_only_with_most_date1_wealth split into types of mass
    0.0625 and 0.5625, both at its equilibrium utility. The nested golden sections over W2, W3 used to
    start at two infeasible points and walk away from the feasible interval: the planner reported
    0.0154 less than the two-type planner it must reproduce; it now finds the feasible interval first."""
    econ2 = fs.collateral_economy([0.375, 0.625], [[1, 1], [3, 3]], [[1, 0.5], [2, 0.5]], sigma=3.0)
    U2 = fs.segregated_equilibrium(econ2).U[1]
    econ3 = fs.collateral_economy([0.375, 0.0625, 0.5625], [[1, 1], [3, 3], [3, 3]],
                                  [[1, 0.5], [2, 0.5], [2, 0.5]], sigma=3.0)
    U1_two, _ = fs.planner_max_u1(econ2, U2)
    U1_three, _ = fs.planner_max_u1(econ3, [U2, U2])
    assert U1_three == pytest.approx(U1_two, abs=1e-12)


# ---------------------------------------------------------------- Tables 1 and 3 "ex": reference checks that can fail

T1_PRINTED = [[1.3595, 2.6899, 1.7756, 1.3252, 1.7756, -2.2527], [0.0, 1.3101, 0.8649, 2.6748, 3.5839, -2.5724]]
T1_WHAT = "Table 1 'ex' columns (printed to 4 decimals: half a unit in the last digit)"
T3_WHAT = "Table 3 ex: k and theta (printed to 4 decimals: half a unit in the last digit)"


def _env1_with(sigma=2.0, beta=1.0):
    e = fs.ENV1
    return fs.collateral_economy(e.alpha, e.e0, e.e[:, 0, :], beta=beta, sigma=sigma)


def _env2_with(sigma=2.0, beta=1.0):
    e = fs.ENV2
    return fs.collateral_economy(e.alpha, e.e0, e.e, pi=e.pi, beta=beta, sigma=sigma)


@pytest.mark.falsifies("kt-claim-table-1", how="violation")
def test_table1_check_fails_for_another_utility():
    """The paper's Environment 1 has u = -1/c1 - 1/c2 (sigma = 2); with sigma = 2.2 the same function and
    check fail (a printed table has one admissible economy, so the violations change its stated data)."""
    out = assert_falsified(verify_close, "kt-claim-table-1", fs.table_1_ex(_env1_with(sigma=2.2)), T1_PRINTED, 5.1e-5,
                           kind="reference", what=T1_WHAT)
    assert out.excess >= 100 * out.tol


@pytest.mark.falsifies("kt-claim-table-1", how="violation")
@given(st.one_of(st.floats(1.5, 1.95), st.floats(2.05, 3.0)), st.floats(0.9, 1.0))
@settings(max_examples=30, deadline=None)
def test_table1_check_fails_random_parameters(sigma, beta):
    """Environment 1 with sigma at least 0.05 from 2 (and any beta in [0.9, 1]): not the paper's economy."""
    assert_falsified(verify_close, "kt-claim-table-1", fs.table_1_ex(_env1_with(sigma, beta)), T1_PRINTED, 5.1e-5,
                     kind="reference", what="Env 1 with other sigma, beta")


def test_table1_and_table3_reference_pass():
    verify_close("kt-claim-table-1", fs.table_1_ex(fs.ENV1), T1_PRINTED, 5.1e-5, kind="reference", what=T1_WHAT)
    verify_close("kt-claim-table-3", fs.table_3_ex(fs.ENV2), [0.4603, 0.3042], 5.1e-5, kind="reference", what=T3_WHAT)


@pytest.mark.falsifies("kt-claim-table-3", how="violation")
def test_table3_check_fails_for_another_utility():
    out = assert_falsified(verify_close, "kt-claim-table-3", fs.table_3_ex(_env2_with(sigma=2.2)), [0.4603, 0.3042],
                           5.1e-5, kind="reference", what=T3_WHAT)
    assert out.excess >= 100 * out.tol


@pytest.mark.falsifies("kt-claim-table-3", how="violation")
@given(st.one_of(st.floats(1.5, 1.95), st.floats(2.05, 3.0)), st.floats(0.9, 1.0))
@settings(max_examples=30, deadline=None)
def test_table3_check_fails_random_parameters(sigma, beta):
    assert_falsified(verify_close, "kt-claim-table-3", fs.table_3_ex(_env2_with(sigma, beta)), [0.4603, 0.3042],
                     5.1e-5, kind="reference", what="Env 2 with other sigma, beta")


# ---------------------------------------------------------------- Table 4: the lender's lottery

T4_WHAT = "Table 4: the lender's lottery share in z = 0.6113 (tol: printed half-unit + z rounding propagated)"


def _env3_with(sigma=2.0, beta=1.0):
    e = fs.ENV3
    return fs.collateral_economy(e.alpha, e.e0, e.e[:, 0, :], beta=beta, sigma=sigma)


def test_table4_reference_passes_and_tolerance_is_derived():
    t4 = fs.table_4_lottery_share(fs.ENV3)
    verify_close("kt-claim-table-4", t4.share, 0.1969, t4.tol, kind="reference", what=T4_WHAT)
    assert t4.residual < 1e-12
    # the tolerance is the printed half-unit plus the z-rounding terms, which are not negligible
    assert t4.tol > 2 * fs.PRINTED_HALF_UNIT
    np.testing.assert_allclose(_env3_with().e, fs.ENV3.e)


def test_table4_validates_its_arguments():
    with pytest.raises(ValueError, match="z must be two exchanges"):
        fs.table_4_lottery_share(fs.ENV3, z=(0.6113, 5.0))
    with pytest.raises(fs.UnsupportedEconomy):
        fs.table_4_lottery_share(fs.ENV1)


@pytest.mark.falsifies("kt-claim-table-4", how="violation")
def test_table4_check_fails_for_another_utility():
    """Environment 3 with sigma = 2.2 instead of the paper's 2 (u = -1/c1 - 1/c2): the same function at
    the same printed exchanges gives another lottery share (a printed table has one admissible economy)."""
    t4 = fs.table_4_lottery_share(_env3_with(sigma=2.2))
    out = assert_falsified(verify_close, "kt-claim-table-4", t4.share, 0.1969, t4.tol, kind="reference",
                           what=T4_WHAT)
    assert out.excess >= 30 * out.tol


@pytest.mark.falsifies("kt-claim-table-4", how="violation")
@given(st.one_of(st.floats(1.5, 1.9), st.floats(2.1, 3.0)), st.floats(0.9, 1.0))
@settings(max_examples=30, deadline=None)
def test_table4_check_fails_random_parameters(sigma, beta):
    """Environment 3 with sigma at least 0.1 from 2 and any beta in [0.9, 1] (beta alone barely moves the
    share: 0.6 tolerances at beta = 0.95, so it is not the violation here). Draws whose mixture solver does
    not converge by its own residual are rejected (no evidence either way)."""
    try:
        t4 = fs.table_4_lottery_share(_env3_with(sigma, beta))
    except RuntimeError:
        assume(False)
    assert_falsified(verify_close, "kt-claim-table-4", t4.share, 0.1969, t4.tol, kind="reference",
                     what="Env 3 with other sigma, beta")


# ---------------------------------------------------------------- Environment 1's price smoothing

PS_WHAT = "Env 1: rights lower the date-0 price (p0_op < p0_ex) and raise the unwind price (p_ex < p_op)"


def _ps_check(ps, what):
    verify_leq("kt-claim-env1-price-smoothing", [ps.p0_op, ps.p_ex], [ps.p0_ex, ps.p_op], ps.tol, strict=True,
               kind="claim", what=what)


@given(env1_like_economies())
@settings(max_examples=100, deadline=None)
def test_price_smoothing_random(econ):
    """The claim on random Environment-1-like economies where the borrower binds and buys good 2 at t = 1."""
    try:
        ps = fs.env1_price_smoothing(econ)
    except RuntimeError:
        assume(False)  # no single-exchange equilibrium (a mixture is needed): not covered
    g = fs.proposition_2_gap(econ)
    assume(g.binding and g.sign_condition)
    _ps_check(ps, "random Env-1-like economy")


@pytest.mark.falsifies("kt-claim-env1-price-smoothing", how="violation")
def test_price_smoothing_check_fails_on_the_counterexample():
    """The counterexample of Proposition 2: the constrained type sells good 2 at t = 1, rights raise storage,
    so they raise p0 and lower the unwind price."""
    econ = fs.collateral_economy(COUNTER["alpha"], COUNTER["e0"], COUNTER["e"], beta=COUNTER["beta"],
                                 R=[COUNTER["R"]], sigma=COUNTER["sigma"])
    ps = fs.env1_price_smoothing(econ)
    out = assert_falsified(verify_leq, "kt-claim-env1-price-smoothing", [ps.p0_op, ps.p_ex], [ps.p0_ex, ps.p_op],
                           ps.tol, strict=True, kind="claim", what=PS_WHAT)
    assert out.excess >= 1e6 * out.tol


@pytest.mark.falsifies("kt-claim-env1-price-smoothing", how="violation")
@given(st.lists(st.floats(0.99, 1.01), min_size=12, max_size=12))
@settings(max_examples=30, deadline=None)
def test_price_smoothing_check_fails_near_the_counterexample(f):
    """Economies within 1 % of the counterexample (at 2 % some draws no longer reverse the comparison:
    selling good 2 is necessary for the reversal, not sufficient)."""
    e0 = np.array(COUNTER["e0"]) * np.reshape(f[:4], (2, 2))
    e = np.array(COUNTER["e"]) * np.reshape(f[4:8], (2, 2))
    econ = fs.collateral_economy(COUNTER["alpha"], e0, e, beta=min(1.0, COUNTER["beta"] * f[8]),
                                 R=[COUNTER["R"] * f[9]], sigma=COUNTER["sigma"] * f[10])
    ps = fs.env1_price_smoothing(econ)
    assert_falsified(verify_leq, "kt-claim-env1-price-smoothing", [ps.p0_op, ps.p_ex], [ps.p0_ex, ps.p_op], ps.tol,
                     strict=True, kind="claim", what="near the counterexample")



# ---------------------------------------------------------------- Theorem 1 for Environment 2 (Program 1, paper's variables)

T1_ENV2_WHAT = "Env 2: max U1 s.t. U2 >= U2_SE (Program 1 in the paper's variables, SLSQP) minus U1_SE"


@pytest.mark.falsifies("kt-theorem-1", how="violation")
def test_theorem1_env2_check_fails_without_rights_markets():
    """Environment 2 without rights markets: the competitive collateral equilibrium, 0.0023 inside the frontier."""
    g = fs.theorem_1_program1_gap(fs.ENV2, rights=False, n_starts=4)
    out = assert_falsified(verify, "kt-theorem-1", g.gap, g.tol, kind="claim", what=T1_ENV2_WHAT)
    assert out.excess >= 1e6 * out.tol


# ---------------------------------------------------------------- Section 2.2: identical homothetic preferences

HG_WHAT = "a1 = a2: the competitive equilibrium is on the constrained frontier"


@st.composite
def gei_economies(draw, same_preferences=True):
    """Section 2.2 economies (two types, two states, one bond, no storage) with a1 = a2, or with
    |a1 - a2| >= 0.3; endowments drawn so that the bond is usually traded."""
    a1 = draw(st.floats(0.2, 0.8))
    if same_preferences:
        a2 = a1
    else:
        a2 = draw(st.one_of(st.floats(0.05, 0.95).filter(lambda x: abs(x - a1) >= 0.3)))
    pos = st.floats(0.4, 3.5)
    e0 = [[draw(st.floats(0.5, 2.0)) for _ in range(2)] for _ in range(2)]
    e = [[[draw(pos) for _ in range(2)] for _ in range(2)] for _ in range(2)]
    return fs.incomplete_economy(a=(a1, a2), e0=e0, e=e)


def _decided_homothetic_gap(ec, min_effect=None):
    """The claim's numbers where they decide it: the equilibrium converged (by its own residual), the bond
    is traded (|theta| >= 0.05; with no trade the check could not fail) and the planner reached the
    equilibrium's own utility (gap >= -tol); other draws are rejected. ``min_effect``: also reject draws
    whose first-order price effect is below it (checked before the planner runs)."""
    try:
        if min_effect is not None:
            assume(abs(fs.gei_price_effect(ec)[1]) >= min_effect)
        hg = fs.gei_homothetic_gap(ec)
    except RuntimeError:
        assume(False)
    assume(abs(hg.theta) >= 0.05 and hg.gap >= -hg.tol)
    return hg


@given(gei_economies())
@settings(max_examples=100, deadline=None)
def test_gei_homothetic_no_externality_random(ec):
    hg = _decided_homothetic_gap(ec)
    assert hg.tol < 1e-11 and abs(hg.externality) < 1e-15
    verify_leq("kt-claim-gei-homothetic-no-externality", hg.gap, 0.0, hg.tol, kind="claim",
               what="random a1 = a2 economy")


@pytest.mark.falsifies("kt-claim-gei-homothetic-no-externality", how="violation")
def test_gei_homothetic_fails_with_different_preferences():
    """The Section 2.2 example (a = (0.9, 0.1)): preferences differ, the bond moves spot prices, and the
    competitive equilibrium lies inside the constrained frontier (Geanakoplos-Polemarchakis)."""
    hg = fs.gei_homothetic_gap(fs.incomplete_economy())
    out = assert_falsified(verify_leq, "kt-claim-gei-homothetic-no-externality", hg.gap, 0.0, hg.tol, kind="claim",
                           what=HG_WHAT)
    assert out.excess >= 1e6 * out.tol


@pytest.mark.falsifies("kt-claim-gei-homothetic-no-externality", how="violation")
@given(gei_economies(same_preferences=False))
@settings(max_examples=30, deadline=None)
def test_gei_homothetic_fails_random_different_preferences(ec):
    """Different preferences make the bond move spot prices, but the welfare effect can still vanish (the
    types' marginal valuations of the traded good may agree); the violating economies are those whose
    first-order price effect at the equilibrium is at least 1e-3 (computed from the equilibrium, not from
    the planner)."""
    hg = _decided_homothetic_gap(ec, min_effect=1e-3)
    assert abs(hg.externality) >= 1e-3
    assert_falsified(verify_leq, "kt-claim-gei-homothetic-no-externality", hg.gap, 0.0, hg.tol, kind="claim",
                     what="random economy with |a1 - a2| >= 0.3")


# ---------------------------------------------------------------- Section 2.2: incomplete markets are inefficient

IMG_WHAT = "the competitive equilibrium lies strictly inside the constrained frontier (gap >= 20 tol)"


def _img_check(img, what=IMG_WHAT):
    verify_leq("kt-claim-incomplete-markets-inefficiency", fs.STRICT_MARGIN * img.tol, img.gap, img.tol,
               kind="claim", what=what)


def test_incomplete_markets_inefficiency_example():
    _img_check(fs.incomplete_markets_gap(fs.incomplete_economy()))


@given(gei_economies(same_preferences=False))
@settings(max_examples=100, deadline=None)
def test_incomplete_markets_inefficiency_random(ec):
    """Different preferences (|a1 - a2| >= 0.3), a traded bond and a first-order price effect of the bond
    on welfare of at least 1e-3 (computed from the equilibrium): the generic case of the claim."""
    img = _decided_homothetic_gap(ec, min_effect=1e-3)
    assert abs(img.externality) >= 1e-3
    _img_check(img, "random economy with |a1 - a2| >= 0.3")


@pytest.mark.falsifies("kt-claim-incomplete-markets-inefficiency", how="violation")
@given(gei_economies())
@settings(max_examples=30, deadline=None)
def test_incomplete_markets_inefficiency_fails_with_identical_preferences(ec):
    """With a1 = a2 spot prices do not depend on the bond: no externality, and the strict inequality fails."""
    img = _decided_homothetic_gap(ec)
    assert_falsified(verify_leq, "kt-claim-incomplete-markets-inefficiency", fs.STRICT_MARGIN * img.tol, img.gap,
                     img.tol, kind="claim", what="random economy with a1 = a2")


@pytest.mark.falsifies("kt-claim-incomplete-markets-inefficiency", how="violation")
def test_incomplete_markets_inefficiency_fails_on_the_homothetic_example():
    ech = fs.incomplete_economy(a=(0.5, 0.5), e0=((1.5, 0.7), (0.6, 1.2)),
                                e=(((3, 2), (0.5, 1.0)), ((0.8, 0.5), (2, 3))))
    img = fs.incomplete_markets_gap(ech)
    out = assert_falsified(verify_leq, "kt-claim-incomplete-markets-inefficiency", fs.STRICT_MARGIN * img.tol,
                           img.gap, img.tol, kind="claim", what=IMG_WHAT)
    assert out.excess >= 10 * out.tol


# ---------------------------------------------------------------- Environment 1's redistribution

RD_WHAT = "Env 1: the lender loses (U1_op < U1_ex) and the borrower gains (U2_ex < U2_op)"


def _rd_check(rd, what=RD_WHAT):
    verify_leq("kt-claim-env1-redistribution", [rd.U_op[0], rd.U_ex[1]], [rd.U_ex[0], rd.U_op[1]], rd.tol,
               strict=True, kind="claim", what=what)


@given(st.lists(st.floats(0.9, 1.1), min_size=8, max_size=8), st.floats(1.6, 2.5), st.floats(0.9, 1.0),
       st.floats(0.95, 1.05))
@settings(max_examples=100, deadline=None)
def test_redistribution_random_near_env1(f, sigma, beta, R):
    """Economies within 10 % of Environment 1's endowments, with sigma in [1.6, 2.5], beta in [0.9, 1] and
    R within 5 % of 1. The claim is the paper's statement about Environment 1; on random economies of
    the Environment-1 shape (the wider class of the other tests) it can fail (we found a draw where both
    differences are about 1e-6 and of the other sign), so it is tested on this neighbourhood only."""
    e = fs.ENV1
    econ = fs.collateral_economy(e.alpha, e.e0 * np.reshape(f[:4], (2, 2)), e.e[:, 0, :] * np.reshape(f[4:], (2, 2)),
                                 beta=beta, R=[R], sigma=sigma)
    try:
        rd = fs.env1_redistribution(econ)
    except (RuntimeError, fs.UnsupportedEconomy):
        assume(False)  # no single-exchange equilibrium: not covered
    _rd_check(rd, "economy near Environment 1")


@pytest.mark.falsifies("kt-claim-env1-redistribution", how="violation")
def test_redistribution_check_fails_on_the_counterexample():
    """The counterexample of Proposition 2 (the constrained type sells good 2 at t = 1): there rights help
    the lender and hurt the borrower."""
    econ = fs.collateral_economy(COUNTER["alpha"], COUNTER["e0"], COUNTER["e"], beta=COUNTER["beta"],
                                 R=[COUNTER["R"]], sigma=COUNTER["sigma"])
    rd = fs.env1_redistribution(econ)
    out = assert_falsified(verify_leq, "kt-claim-env1-redistribution", [rd.U_op[0], rd.U_ex[1]],
                           [rd.U_ex[0], rd.U_op[1]], rd.tol, strict=True, kind="claim", what=RD_WHAT)
    assert out.excess >= 1e6 * out.tol


@pytest.mark.falsifies("kt-claim-env1-redistribution", how="violation")
@given(st.lists(st.floats(0.99, 1.01), min_size=12, max_size=12))
@settings(max_examples=30, deadline=None)
def test_redistribution_check_fails_near_the_counterexample(f):
    e0 = np.array(COUNTER["e0"]) * np.reshape(f[:4], (2, 2))
    e = np.array(COUNTER["e"]) * np.reshape(f[4:8], (2, 2))
    econ = fs.collateral_economy(COUNTER["alpha"], e0, e, beta=min(1.0, COUNTER["beta"] * f[8]),
                                 R=[COUNTER["R"] * f[9]], sigma=COUNTER["sigma"] * f[10])
    rd = fs.env1_redistribution(econ)
    assert_falsified(verify_leq, "kt-claim-env1-redistribution", [rd.U_op[0], rd.U_ex[1]], [rd.U_ex[0], rd.U_op[1]],
                     rd.tol, strict=True, kind="claim", what="near the counterexample")
