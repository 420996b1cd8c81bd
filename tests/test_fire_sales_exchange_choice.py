"""Kilenthong--Townsend: the types' own choice of exchange at given prices
(:func:`commitment.fire_sales.exchange_choice_gap`), for Table 5 (kt-claim-table-5,
:func:`~commitment.fire_sales.table_5_choice_gap`), for our numerical witness of Theorem 3
(kt-ours-existence-witness, :func:`~commitment.fire_sales.existence_witness_gap`), for Environment 3's
two exchanges (kt-claim-active-exchanges) and for Table 2's grid (kt-claim-table-2).

Each type solves its own lottery problem over the offered exchanges (through its dual: storage by
root-finding, the budget multiplier by root-finding), without the band formula or the equilibrium's
multiplier. The check is that its best choice stays in the exchanges it uses in the equilibrium.
Supporting prices at unused exchanges hold in every equilibrium (that is what an equilibrium is), so the
falsifiers perturb: a rights price of zero at an unused exchange (outside the band), or the
single-exchange allocation of Environment 3, whose band is empty somewhere (no price keeps every type
out). The tolerance is the function's own error bound (the multiplier's root bracket times the cost
difference, plus rounding).
"""

import numpy as np
import pytest

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify_leq

T5_WHAT = "Env 3 (z at the printed values): each type's best exchange, by its own optimisation, is one it uses"
W_WHAT = "continuum equilibrium: no type prefers an unused exchange at in-band prices"
UNUSED_T5 = [z for z in fs.TABLE_5 if z not in fs.TABLE_4_Z]


@pytest.fixture(scope="module")
def sg3():
    return fs.segregated_equilibrium(fs.ENV3, z_grid=list(fs.TABLE_4_Z), structure="mixture")


def test_table5_page_case(sg3):
    g = fs.table_5_choice_gap(fs.ENV3)
    verify_leq("kt-claim-table-5", g.residual, 0.0, g.tol, kind="claim", what=T5_WHAT)
    # the types' own multipliers are the equilibrium's (a second, independent computation of mu0)
    np.testing.assert_allclose(g.mu, sg3.mu0, rtol=1e-9)


@pytest.mark.falsifies("kt-claim-table-5", how="perturbation")
@pytest.mark.parametrize("z", UNUSED_T5)
def test_table5_fails_with_a_zero_price_at_an_unused_exchange(sg3, z):
    offers = fs.band_prices(fs.ENV3, sg3, UNUSED_T5)
    offers[z] = 0.0  # the lender, who pays for rights, moves there
    g = fs.table_5_choice_gap(fs.ENV3, prices=offers)
    assert_falsified(verify_leq, "kt-claim-table-5", g.residual, 0.0, g.tol, kind="claim", what=T5_WHAT)
    assert g.best[0] == z


def test_exchange_choice_validates(sg3):
    with pytest.raises(ValueError, match="offers"):
        fs.exchange_choice_gap(fs.ENV3, sg3, {0.6113: 1.0})
    with pytest.raises(ValueError, match="offers"):
        fs.exchange_choice_gap(fs.ENV3, sg3, {-0.5: 1.0})
    with pytest.raises(fs.UnsupportedEconomy):
        fs.exchange_choice_gap(fs.ENV2, sg3, {})
    with pytest.raises(ValueError, match="prices"):
        fs.table_5_choice_gap(fs.ENV3, prices={0.6088: 0.9})
    with pytest.raises(ValueError, match="z_active"):
        fs.table_5_choice_gap(fs.ENV3, z_active=(0.6113, -1.0))
    with pytest.raises(fs.UnsupportedEconomy):
        fs.table_5_choice_gap(fs.ENV1)
    with pytest.raises(ValueError, match="z_values"):
        fs.existence_witness_gap(fs.ENV1, [])
    with pytest.raises(ValueError, match="z_values"):
        fs.existence_witness_gap(fs.ENV1, [0.7, np.nan])


@pytest.mark.parametrize("env, zs", [("ENV1", np.linspace(0.55, 0.99, 45)), ("ENV3", np.linspace(0.45, 1.0, 56))])
def test_existence_witness_page_cases(env, zs):
    g = fs.existence_witness_gap(getattr(fs, env), zs)
    verify_leq("kt-ours-existence-witness", g.residual, 0.0, g.tol, kind="claim", what=W_WHAT)


@pytest.mark.falsifies("kt-ours-existence-witness", how="perturbation")
def test_existence_witness_fails_for_the_single_exchange_allocation():
    """Environment 3's single-exchange allocation solves the single-exchange first-order conditions but
    is not an equilibrium: its band is empty somewhere, so at any prices some type moves."""
    single = fs.segregated_equilibrium(fs.ENV3, structure="single")
    g = fs.existence_witness_gap(fs.ENV3, np.linspace(0.45, 1.0, 56), eq=single)
    assert_falsified(verify_leq, "kt-ours-existence-witness", g.residual, 0.0, g.tol, kind="claim", what=W_WHAT)


@pytest.mark.falsifies("kt-ours-existence-witness", how="perturbation")
def test_existence_witness_fails_for_the_fixed_z_allocation_on_a_continuum():
    """The Environment 3 allocation with the exchanges held at the printed (rounded) values survives on
    Table 5's exchanges but not with 56 exchanges open: at 0.61 and 0.81, next to the exact exchanges,
    its band is empty, and at the offered price (the band formula's midpoint) some type gains."""
    sg = fs.segregated_equilibrium(fs.ENV3, z_grid=list(fs.TABLE_4_Z), structure="mixture")
    g = fs.existence_witness_gap(fs.ENV3, np.linspace(0.45, 1.0, 56), eq=sg)
    assert_falsified(verify_leq, "kt-ours-existence-witness", g.residual, 0.0, g.tol, kind="claim", what=W_WHAT)


# ---------------------------------------------------------------- kt-claim-active-exchanges

AE_WHAT = ("Env 3: one exchange per constrained type survives the types' own choice of exchange, "
           "a single exchange does not")


def _env3_spread(d, e0_borrowers=(3.92, 4.32)):
    """Environment 3 with the borrowers' date-1 endowments (6 + d, 6 - d) and (6 - d, 6 + d) (d = 1:
    the paper's), optionally other date-0 good-1 endowments of the borrowers (ours)."""
    e = fs.ENV3
    e0 = np.array(e.e0)
    e0[1, 0], e0[2, 0] = e0_borrowers
    return fs.collateral_economy(e.alpha, e0, [[0.5, 0.5], [6 + d, 6 - d], [6 - d, 6 + d]])


def test_active_exchanges_page_case():
    g = fs.active_exchanges_gap(fs.ENV3)
    verify_leq("kt-claim-active-exchanges", g.residual, 0.0, g.tol, kind="claim", what=AE_WHAT)
    assert g.n_constrained == 2 and g.n_active == 2


@pytest.mark.parametrize("d, e0b", [(0.5, (3.92, 4.32)), (0.2, (3.92, 4.32)), (0.1, (4.1, 4.1)),
                                    (1.0, (4.5, 3.9))])
def test_active_exchanges_other_spreads(d, e0b):
    g = fs.active_exchanges_gap(_env3_spread(d, e0b))
    verify_leq("kt-claim-active-exchanges", g.residual, 0.0, g.tol, kind="claim", what=f"d = {d}, e0 {e0b}")
    assert g.n_constrained == 2 and g.n_active == 2


@pytest.mark.falsifies("kt-claim-active-exchanges", how="violation")
def test_active_exchanges_fails_with_identical_borrowers():
    """d = 0 with equal date-0 endowments: two constrained types, but identical, so nothing needs to be
    compensated separately and a single exchange is an equilibrium (the claim's reason is absent)."""
    g = fs.active_exchanges_gap(_env3_spread(0.0, (4.1, 4.1)))
    assert g.n_constrained == 2
    assert_falsified(verify_leq, "kt-claim-active-exchanges", g.residual, 0.0, g.tol, kind="claim", what=AE_WHAT)


def test_active_exchanges_validates():
    with pytest.raises(fs.UnsupportedEconomy):
        fs.active_exchanges_gap(fs.ENV1)
    with pytest.raises(ValueError, match="z_values"):
        fs.active_exchanges_gap(fs.ENV3, z_values=[0.7, -0.1])


# ---------------------------------------------------------------- kt-claim-table-2

T2_WHAT = ("Env 1, grid (0.7479, 0.7729, 0.7979): only 0.7729 survives the types' own choice of exchange, "
           "and supporting prices rise with z")


def test_table2_page_case():
    g = fs.table_2_selection_gap(fs.ENV1)
    verify_leq("kt-claim-table-2", g.residual, 0.0, g.tol, kind="claim", what=T2_WHAT)
    assert g.Delta[1] < 0  # the borrower is paid


def _env1_with(**kw):
    e = fs.ENV1
    return fs.collateral_economy(e.alpha, e.e0, e.e[:, 0, :], **kw)


@pytest.mark.falsifies("kt-claim-table-2", how="violation")
@pytest.mark.parametrize("kw", [dict(R=[1.05]), dict(sigma=2.2), dict(beta=0.95)])
def test_table2_fails_for_other_economies(kw):
    """A printed table holds for one economy: with another return on storage, utility curvature or
    discount factor the same computation finds that 0.7729 alone is not an equilibrium on Table 2's grid."""
    g = fs.table_2_selection_gap(_env1_with(**kw))
    assert_falsified(verify_leq, "kt-claim-table-2", g.residual, 0.0, g.tol, kind="claim", what=T2_WHAT)


def test_table2_validates():
    with pytest.raises(ValueError, match="grid"):
        fs.table_2_selection_gap(fs.ENV1, grid=(0.7479, 0.7979))
    with pytest.raises(fs.UnsupportedEconomy):
        fs.table_2_selection_gap(fs.ENV2)
