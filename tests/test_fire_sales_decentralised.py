"""Kilenthong--Townsend: the public-finance reading (kt-claim-public-finance) and rights clearing
(kt-claim-rights-clearing), decided from the types' own choices at given prices
(:mod:`commitment.fire_sales.decentralised`).

The public-finance claim is checked by a market solver that knows only the three tax rates (prices and
the rebate are free) against the equilibrium with segregated exchanges; its violation is the paper's own
counter-statement: a tax on storage alone (revenue rebated per capita) does not reproduce the
allocation. Rights clearing is checked from the types' storage choices at the equilibrium prices; it is
a property of equilibrium prices, which no economy violates, so its falsifier perturbs the price.
Tolerances are the functions' own error bounds (root finders' brackets propagated, rounding).
"""

import numpy as np
import pytest
from hypothesis import given, settings

from commitment import fire_sales as fs
from commitment.verification import assert_falsified, verify
from tests.deciding import decided
from tests.test_fire_sales import env1_like_economies as env1_like  # two types shaped like Environment 1

PF_WHAT = "Env 1: taxed competitive equilibrium (market solver) minus the segregated allocation"
RC_WHAT = "Env 1: rights, date-1 spot and date-0 clearing from the types' own choices at the SE prices"


def test_public_finance_page_case():
    g = fs.public_finance_gap(fs.ENV1)
    verify("kt-claim-public-finance", g.residual, g.tol, kind="claim", what=PF_WHAT)
    te = g.detail["taxed"]
    se = g.detail["se"]
    # the market solver found the exchange's prices without being told them
    assert te.p == pytest.approx(se.z[0, 0] ** 2, rel=1e-10) and te.p0 == pytest.approx(se.p0, rel=1e-10)
    assert abs(te.rebate) < 1e-10  # the three taxes balance in equilibrium (fees net to zero)
    assert g.tol < 1e-10


@pytest.mark.falsifies("kt-claim-public-finance", how="violation")
def test_public_finance_fails_with_a_storage_tax_alone():
    """The paper: "it is not sufficient to tax/subsidize only saving/collateral". The storage tax P z R
    alone, its revenue rebated per capita, gives another allocation."""
    g = fs.public_finance_gap(fs.ENV1, storage_only=True)
    out = assert_falsified(verify, "kt-claim-public-finance", g.residual, g.tol, kind="claim", what=PF_WHAT)
    assert out.excess > 1e-3


def test_no_storage_tax_alone_reproduces_the_allocation():
    """Not only the rate P z R: no storage-tax rate (rebated per capita) comes within 1e-3 of the
    segregated allocation in Environment 1 (a scan of rates)."""
    se = fs.segregated_equilibrium(fs.ENV1)
    target = np.column_stack([se.k, se.c0, se.c1[:, 0, 0, :]])
    gaps = [np.max(np.abs(fs.taxed_equilibrium(fs.ENV1, t).alloc - target)) for t in np.linspace(0.0, 1.0, 21)]
    assert min(gaps) > 1e-2


@given(env1_like())
@settings(max_examples=25, deadline=None)
def test_public_finance_holds_on_random_economies(econ):
    g = decided(lambda: fs.public_finance_gap(econ))
    verify("kt-claim-public-finance", g.residual, g.tol, kind="claim", what="random economy: taxed CE vs SE")


@pytest.mark.falsifies("kt-claim-public-finance", how="violation")
@given(env1_like())
@settings(max_examples=25, deadline=None)
def test_public_finance_fails_with_storage_tax_alone_on_random_economies(econ):
    g = decided(lambda: fs.public_finance_gap(econ, storage_only=True))
    assert_falsified(verify, "kt-claim-public-finance", g.residual, g.tol, kind="claim",
                     what="random economy: storage tax alone")


def test_taxed_equilibrium_validates():
    with pytest.raises(ValueError, match="tax_storage"):
        fs.taxed_equilibrium(fs.ENV1, np.nan)
    with pytest.raises(fs.UnsupportedEconomy):
        fs.taxed_equilibrium(fs.ENV2, 0.1)
    # without taxes the market solver is a second solver of the competitive equilibrium
    ce = fs.collateral_equilibrium(fs.ENV1)
    te = fs.taxed_equilibrium(fs.ENV1, 0.0)
    np.testing.assert_allclose(te.alloc[:, 0], ce.k, atol=1e-10)
    np.testing.assert_allclose(te.p, ce.p[0], rtol=1e-10)


def test_rights_clearing_page_case():
    g = fs.rights_clearing_gap(fs.ENV1)
    verify("kt-claim-rights-clearing", g.residual, g.tol, kind="claim", what=RC_WHAT)


@pytest.mark.falsifies("kt-claim-rights-clearing", how="perturbation")
@pytest.mark.parametrize("factor", [0.0, 0.99, 1.01])
def test_rights_clearing_fails_at_a_wrong_price(factor):
    """Clearing at equilibrium prices holds in every economy (it is what an equilibrium is), so no economy
    violates it; the check is shown to fail at a wrong rights price: zero, or 1% off."""
    se = fs.segregated_equilibrium(fs.ENV1)
    g = fs.rights_clearing_gap(fs.ENV1, P=factor * se.P[0, 0])
    assert_falsified(verify, "kt-claim-rights-clearing", g.residual, g.tol, kind="claim", what=RC_WHAT)


@given(env1_like())
@settings(max_examples=25, deadline=None)
def test_rights_clearing_random_economies(econ):
    g = decided(lambda: fs.rights_clearing_gap(econ))
    verify("kt-claim-rights-clearing", g.residual, g.tol, kind="claim", what="random economy")


def test_rights_clearing_validates():
    with pytest.raises(ValueError, match="P"):
        fs.rights_clearing_gap(fs.ENV1, P=-100.0)
