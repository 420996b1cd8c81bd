"""Our growth extension of Hellwig-Lorenzoni §3: the growing economy is the g = 1 economy with discount factor
beta g^(1 - sigma) (for log utility g does not matter).

:func:`commitment.self_enforcing_debt.growth_irrelevance_gap` solves the growing economy in levels (its dates as
the states of a chain, endowments and limits growing at g, bond price x / g, discount factor beta), detrends
the plan afterwards, and subtracts the plan of the g = 1 economy solved at the discount factor it is given
(default beta g^(1 - sigma)). The violating comparison is the g = 1 economy at beta itself with sigma != 1,
i.e. the log-utility statement "g does not matter" applied to CRRA utility. Tolerances are the function's
own error estimate (grid changes, the change when the chain of dates is lengthened, the solver's stopping
rule; refined until <= 1e-6); a random draw that does not reach it (RuntimeError) is rejected.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commitment.verification import assert_falsified, verify
from tests.deciding import decided

E_HI, E_LO, BETA = 1.5, 0.5, 0.9


def test_growth_page_case():
    from commitment.self_enforcing_debt import growth_irrelevance_gap
    gi = growth_irrelevance_gap(E_HI, E_LO, BETA, g=1.05, sigma=2.0, x=1.1, a0=0.4)
    verify("hl-claim-growth-irrelevance", gi.gap, gi.error, kind="claim", what="g = 1.05, sigma = 2, x = 1.1")


@pytest.mark.falsifies("hl-claim-growth-irrelevance", how="violation")
@pytest.mark.parametrize("g, sigma", [(1.05, 2.0), (0.98, 3.0), (1.05, 0.5)])
def test_growth_matters_with_crra_at_the_same_beta(g, sigma):
    from commitment.self_enforcing_debt import growth_irrelevance_gap
    gi = growth_irrelevance_gap(E_HI, E_LO, BETA, g=g, sigma=sigma, a0=0.4, beta_hat=BETA)
    o = assert_falsified(verify, "hl-claim-growth-irrelevance", gi.gap, gi.error, kind="claim",
                         what=f"g = {g}, sigma = {sigma}, g = 1 economy at beta")
    print(f"falsified: excess / tol = {o.excess / o.tol:.3g}")


def test_growth_irrelevance_gap_validates_its_parameters():
    from commitment.self_enforcing_debt import growth_irrelevance_gap
    with pytest.raises(ValueError, match="x"):
        growth_irrelevance_gap(E_HI, E_LO, BETA, 1.05, x=0.0)
    with pytest.raises(ValueError, match="beta_hat"):
        growth_irrelevance_gap(E_HI, E_LO, BETA, 1.05, beta_hat=1.0)
    with pytest.raises(ValueError, match="a0"):
        growth_irrelevance_gap(E_HI, E_LO, BETA, 1.05, phi=-0.2, a0=-0.3)
    with pytest.raises(ValueError, match="horizon"):
        growth_irrelevance_gap(E_HI, E_LO, BETA, 1.05, horizon=30)


_economy = dict(e_hi=st.floats(1.1, 2.5), e_lo=st.floats(0.3, 1.0), beta=st.floats(0.7, 0.93),
                g=st.floats(0.97, 1.06), sigma=st.floats(0.5, 3.0), x=st.floats(0.95, 1.15),
                a0=st.floats(0.0, 0.5))


@given(**_economy)
@settings(max_examples=20, deadline=None)
def test_growth_irrelevance_on_random_economies(e_hi, e_lo, beta, g, sigma, x, a0):
    from commitment.self_enforcing_debt import growth_irrelevance_gap
    # bounded wealth in the detrended economy and in the non-growing tail of the chain of dates
    assume(beta * g ** (1 - sigma) < x ** 2 and beta * g < x)
    gi = decided(lambda: growth_irrelevance_gap(e_hi, e_lo, beta, g, sigma, x=x, phi=-0.1, a0=a0))
    verify("hl-claim-growth-irrelevance", gi.gap, gi.error, kind="claim", what="random economy")


@pytest.mark.falsifies("hl-claim-growth-irrelevance", how="violation")
@given(**_economy)
@settings(max_examples=10, deadline=None)
def test_growth_matters_on_random_crra_economies(e_hi, e_lo, beta, g, sigma, x, a0):
    from commitment.self_enforcing_debt import growth_irrelevance_gap
    assume(abs(g - 1.0) > 0.02 and abs(sigma - 1.0) > 0.5)
    assume(beta * g ** (1 - sigma) < x ** 2 and beta < x ** 2 and beta * g < x)
    gi = decided(lambda: growth_irrelevance_gap(e_hi, e_lo, beta, g, sigma, x=x, phi=-0.1, a0=a0,
                                                beta_hat=beta))
    assert_falsified(verify, "hl-claim-growth-irrelevance", gi.gap, gi.error, kind="claim",
                     what="random CRRA economy, g = 1 economy at beta")
