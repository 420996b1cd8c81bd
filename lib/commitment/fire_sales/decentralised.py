r"""Agents' own choices at given prices: the taxed competitive equilibrium and rights clearing (ours).

The claim functions here decide a result from what each type *chooses* at given prices, computed by a
household problem of this module (:func:`_household`: storage by bracketing the root of the
first-order condition in :math:`k`, consumption from the CRRA demands), not by the equilibrium solvers'
closed-form storage rule (``_agent``), and markets are cleared from those choices:

- :func:`public_finance_gap` -- the public-finance reading of Section 2.1.5 (eq. after (19) in the
  paper): the competitive equilibrium under the three exchange-specific taxes, solved by a market
  solver that knows only the tax rates (prices and the lump-sum rebate are free), against the
  equilibrium with segregated exchanges;
- :func:`rights_clearing_gap` -- eqs. (12), (25): at the equilibrium prices, the types' own storage
  choices make the rights, the date-1 spot market of the active exchange and the date-0 market of good
  2 clear;
- :func:`exchange_choice_gap` -- Definition 3 with the lotteries of Appendix A, from the types' side:
  each type's own best lottery over the active exchanges and offered unused ones at given prices; and
  the claims decided by it: :func:`table_5_choice_gap` (Table 5), :func:`existence_witness_gap` (our
  witness of Theorem 3), :func:`active_exchanges_gap` (Environment 3: one exchange per constrained
  type), :func:`table_2_selection_gap` (Table 2's grid).

Pages ``segregated_exchanges`` (one active exchange) and ``tables``. One-state economies only.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq, root

from commitment.fire_sales.economy import ClaimResidual
from commitment.fire_sales.equilibrium import UnsupportedEconomy, _one_state
from commitment.fire_sales.exchanges import TABLE_4_Z, TABLE_5, segregated_equilibrium

__all__ = ["ActiveExchanges", "ExchangeChoice", "TaxedEquilibrium", "active_exchanges_gap", "band_prices",
           "exchange_choice_gap", "existence_witness_gap", "public_finance_gap", "rights_clearing_gap",
           "taxed_equilibrium", "TABLE_2_GRID", "Table2Selection", "table_2_selection_gap",
           "table_5_choice_gap"]

_EPS = float(np.finfo(float).eps)
_XTOL = 1e-14  # brentq's absolute stopping tolerance for storage
_RTOL = 4.0 * _EPS  # and its relative one (scipy's smallest)


def _split(W, price, sigma):
    """CRRA demand at wealth W (good-1 units) and price ``price`` of good 2:
    u1/u2 = 1/price gives c2 = c1 price**(-1/sigma), so c1 = W / (1 + price**(1 - 1/sigma))."""
    c1 = W / (1.0 + price ** (1.0 - 1.0 / sigma))
    return c1, (W - c1) / price


def _household(w0, ck, F, pR, p0, p, beta, sigma):
    """One type's choice at given prices: max over k >= 0 of u(c_0) + beta u(c_1) with
    c10 + p0 c20 = w0 - ck k and c11 + p c21 = F + pR k (u = phi(c1) + phi(c2), CRRA sigma).

    The marginal value of storage, -ck u'(c10) + beta pR u'(c11), falls in k from its value at k = 0 to
    -inf as w0 - ck k -> 0; its root is bracketed (brentq), k = 0 when it is <= 0 at k = 0.
    Returns (k, c10, c20, c11, c21, bound on |k - root|)."""
    if w0 <= 0.0 or ck <= 0.0:
        raise ValueError(f"the household needs date-0 wealth w0 > 0 and a positive cost of storage ck; got "
                         f"w0 = {w0!r}, ck = {ck!r}")

    def dU(k):
        c10 = _split(w0 - ck * k, p0, sigma)[0]
        c11 = _split(F + pR * k, p, sigma)[0]
        return -ck * c10 ** (-sigma) + beta * pR * c11 ** (-sigma)

    k, bound = 0.0, 0.0
    if dU(0.0) > 0.0:
        hi = w0 / ck * (1.0 - 1e-12)
        k = brentq(dU, 0.0, hi, xtol=_XTOL, rtol=_RTOL)
        bound = 2.0 * (_XTOL + _RTOL * k)
    c10, c20 = _split(w0 - ck * k, p0, sigma)
    c11, c21 = _split(F + pR * k, p, sigma)
    return k, c10, c20, c11, c21, bound


class TaxedEquilibrium(NamedTuple):
    """Competitive collateral equilibrium under a book of taxes (one state).

    alloc (H, 5): per type (k, c10, c20, c11, c21); p0, p the market prices; rebate the lump-sum
    transfer per capita that balances the budget; residual the largest |market-clearing or budget
    residual| at the solution (our own, not the root finder's flag); error (H, 5) a bound on the error of
    ``alloc`` (see :func:`taxed_equilibrium`)."""

    alloc: np.ndarray
    p0: float
    p: float
    rebate: float
    residual: float
    error: np.ndarray


def _taxed_choices(x, args, taxes):
    alpha, e10, e20, e1, e2, R, beta, sigma = args
    t_k, t_2, s_1 = taxes
    p0, p, T = np.exp(x[0]), np.exp(x[1]), x[2]
    rows, bounds = [], []
    for h in range(alpha.size):
        w0 = e10[h] + p0 * e20[h] - t_2 * e2[h] + s_1 * e1[h] + T
        out = _household(w0, p0 + t_k, e1[h] + p * e2[h], p * R, p0, p, beta, sigma)
        rows.append(out[:5])
        bounds.append(out[5])
    return np.array(rows), np.array(bounds)


def _taxed_residual(x, args, taxes):
    alpha, e10, e20, e1, e2, R = args[:6]
    t_k, t_2, s_1 = taxes
    if not np.all(np.abs(x[:2]) < 50.0):
        return np.full(5, 1e6)  # prices out of range: push the root finder back
    try:
        a, _ = _taxed_choices(x, args, taxes)
    except ValueError:
        return np.full(5, 1e6)  # a type with non-positive date-0 wealth: push the root finder back
    k, c10, c20, c11, c21 = a.T
    return np.array([alpha @ (c20 + k - e20),           # date-0 good 2 (storage included)
                     alpha @ (c11 - e1),                # date-1 spot market, good 1
                     x[2] - (t_k * (alpha @ k) + t_2 * (alpha @ e2) - s_1 * (alpha @ e1)),  # rebate = revenue
                     alpha @ (c10 - e10),               # date-0 good 1 and date-1 good 2: redundant by
                     alpha @ (c21 - e2 - R * k)])       # Walras' law, checked (a root at extreme prices fails)


def _square(x, args, taxes):
    return _taxed_residual(x, args, taxes)[:3]


def taxed_equilibrium(economy, tax_storage, tax_e2=0.0, subsidy_e1=0.0) -> TaxedEquilibrium:
    r"""Competitive collateral equilibrium (one state) under fixed tax rates: ``tax_storage`` per unit
    stored, ``tax_e2`` per unit of date-1 good-2 endowment and a subsidy ``subsidy_e1`` per unit of date-1
    good-1 endowment, all paid at date 0 (the public-finance reading of the paper's Section 2.1.5); the
    net revenue is rebated lump sum, equally per capita.

    A market solver that knows only the tax rates: the unknowns are the prices (p0, p) and the rebate;
    each type chooses by :func:`_household`; the conditions are clearing of good 2 at date 0, of good 1
    at date 1 and the government budget. Nothing of eq. (10) or of the equilibrium with exchanges is
    used. Solved by scipy's ``root`` (hybr) from autarky prices (then from the untaxed solution); a
    solution is accepted by our own residuals (<= 1e-11), never by the root finder's flag, and these
    include the two clearing conditions that Walras' law makes redundant at finite prices (date-0 good
    1, date-1 good 2): each excess demand alone tends to zero at an extreme price, and checking both
    goods rejects such spurious roots. RuntimeError if no start gives a solution, or if the error bound
    below exceeds 1e-8.

    ``error``: a first-order bound on the allocation's error, |A| |J^{-1}| (|r| + rounding), with J the
    Jacobian of the conditions and A that of the allocation in (log p0, log p, rebate) (central
    differences, step 1e-6), r the final residual and rounding 64 ulps of the gross flows; plus the
    bound on each storage root (brentq's bracket).
    """
    if economy.S != 1:
        raise UnsupportedEconomy("taxed_equilibrium: one-state economies only")
    for name, v in (("tax_storage", tax_storage), ("tax_e2", tax_e2), ("subsidy_e1", subsidy_e1)):
        if not np.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
    args = _one_state(economy)
    alpha, e10, e20, e1, e2, R, beta, sigma = args
    taxes = (float(tax_storage), float(tax_e2), float(subsidy_e1))
    # starting points: autarky prices (no storage), then the competitive prices without taxes from a
    # first solve, each with the rebate at zero; the first solution whose residual is small is kept
    x0 = np.array([sigma * np.log(alpha @ e10 / (alpha @ e20)), sigma * np.log(alpha @ e1 / (alpha @ e2)), 0.0])
    starts = [x0]
    if any(taxes):
        starts.append(root(_square, x0, args=(args, (0.0, 0.0, 0.0)), method="hybr",
                           options={"xtol": 1e-14}).x)
    for start in starts:
        x = root(_square, start, args=(args, taxes), method="hybr", options={"xtol": 1e-14}).x
        r = _taxed_residual(x, args, taxes)
        if np.max(np.abs(r)) <= 1e-11:
            break
    else:
        raise RuntimeError(f"taxed equilibrium: market-clearing residual {np.max(np.abs(r)):.1e} > 1e-11")
    alloc, kb = _taxed_choices(x, args, taxes)
    h = 1e-6
    J = np.empty((3, 3))
    A = np.empty((alloc.size, 3))
    for j in range(3):
        d = np.zeros(3)
        d[j] = h
        J[:, j] = (_square(x + d, args, taxes) - _square(x - d, args, taxes)) / (2 * h)
        A[:, j] = ((_taxed_choices(x + d, args, taxes)[0] - _taxed_choices(x - d, args, taxes)[0]) / (2 * h)).ravel()
    flows = alpha @ (e10 + e20 + e1 + e2) * (1.0 + np.exp(x[0]) + np.exp(x[1]))
    dx = np.abs(np.linalg.inv(J)) @ (np.abs(r[:3]) + 64.0 * _EPS * flows)
    err = (np.abs(A) @ dx).reshape(alloc.shape)
    err[:, 0] += kb
    if not np.max(err) <= 1e-8:
        raise RuntimeError(f"taxed equilibrium: error bound {np.max(err):.1e} > 1e-8 (ill-conditioned)")
    return TaxedEquilibrium(alloc, float(np.exp(x[0])), float(np.exp(x[1])), float(x[2]),
                            float(np.max(np.abs(r))), err)


def _se_alloc(se):
    return np.column_stack([se.k, se.c0, se.c1[:, 0, 0, :]])


def public_finance_gap(economy, storage_only=False) -> ClaimResidual:
    r"""The public-finance reading (Section 2.1.5): with one active exchange :math:`z^*` and rights price
    :math:`P`, the fee :math:`P\Delta^h = PzR\,k^h + Pz\,e^h_2 - P\,e^h_1` is a tax on storage, a tax on
    good-2 endowments and a subsidy to good-1 endowments; the competitive equilibrium under these three
    taxes has the allocation of the equilibrium with segregated exchanges. ``storage_only=True`` levies
    the storage tax :math:`PzR` alone (revenue rebated per capita): the paper says this is not enough.

    Residual: the allocation (k, c10, c20, c11, c21 per type) of :func:`taxed_equilibrium` at the
    equilibrium's tax rates minus that of :func:`~commitment.fire_sales.segregated_equilibrium`
    (continuum, one exchange). The two solvers share no code beyond the economy: the taxed one clears
    markets from :func:`_household`'s choices, the other bisects on storage and on the rights price of
    (kt-rights-price).

    tol: the taxed solver's error bound (:class:`TaxedEquilibrium`), plus the equilibrium's own clearing
    residual r in goods, at most (1 + p0) r / min alpha goods for one type (the rule of
    :class:`~commitment.fire_sales.FrontierGap`), plus 64 ulps of each entry.
    """
    if economy.S != 1:
        raise UnsupportedEconomy("public_finance_gap: one-state economies only")
    se = segregated_equilibrium(economy, structure="single")
    z, P = float(se.z[0, 0]), float(se.P[0, 0])
    R = float(economy.R[0])
    if storage_only:
        te = taxed_equilibrium(economy, P * z * R)
    else:
        te = taxed_equilibrium(economy, P * z * R, P * z, P)
    target = _se_alloc(se)
    residual = te.alloc - target
    se_error = (1.0 + se.p0) * se.residual / float(np.min(economy.alpha))
    tol = float(np.max(te.error) + se_error + 64.0 * _EPS * np.max(np.abs(target)))
    return ClaimResidual(residual.ravel(), tol, {"taxed": te, "se": se, "rates": (P * z * R, P * z, P)})


def rights_clearing_gap(economy, P=None) -> ClaimResidual:
    r"""Eqs. (12), (25): at the prices of the equilibrium with segregated exchanges (p0, the active
    exchange z*, its rights price P), each type's own choice (:func:`_household`, with the fee
    :math:`P\Delta^h` in its date-0 budget) makes rights clear in the exchange,
    :math:`\sum_h\alpha^h\Delta^h = 0`, the date-1 spot market clear at :math:`p(z^*)` from the spot
    demands, and good 2 clear at date 0. ``P`` replaces the equilibrium's rights price (to show that the
    check fails at a wrong price).

    Residual: (rights, date-1 good 2, date-0 good 2). The equilibrium solver's allocation is not used,
    only its prices.

    tol: brentq's bound on each type's storage root times the residuals' sensitivity to storage
    (z R, R, 1 per unit of alpha k), plus 64 ulps of the gross flows. The prices themselves come from
    the equilibrium solver's bisections to 1e-15; at Environment 1 the residuals move by less than one
    unit per unit of P (measured: 0.16), so their error is below the rounding term (not added).
    """
    if economy.S != 1:
        raise UnsupportedEconomy("rights_clearing_gap: one-state economies only")
    se = segregated_equilibrium(economy, structure="single")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    z, p0 = float(se.z[0, 0]), float(se.p0)
    P = float(se.P[0, 0]) if P is None else float(P)
    if not np.isfinite(P) or p0 + P * z * R <= 0.0:
        raise ValueError(f"P (rights price) must be finite with p0 + P z R > 0, i.e. P > {-p0 / (z * R):.6g}")
    p = z**sigma
    rows, kb = [], []
    for h in range(alpha.size):
        w0 = e10[h] + p0 * e20[h] - P * (z * e2[h] - e1[h])
        out = _household(w0, p0 + P * z * R, e1[h] + p * e2[h], p * R, p0, p, beta, sigma)
        rows.append(out[:5])
        kb.append(out[5])
    a = np.array(rows)
    k, c20, c21 = a[:, 0], a[:, 2], a[:, 4]
    Delta = z * (e2 + R * k) - e1
    residual = np.array([alpha @ Delta, alpha @ (c21 - e2 - R * k), alpha @ (c20 + k - e20)])
    flows = alpha @ (e1 + e2 + e20 + e10 + R * k) * (1.0 + p0 + p)
    tol = float((alpha @ np.array(kb)) * max(z * R, R, 1.0) * 2.0 + 64.0 * _EPS * flows)
    return ClaimResidual(residual, tol, {"k": k, "Delta": Delta, "P": P, "z": z, "p0": p0})


# --------------------------------------------------------------------------- exchange choice (Table 5)


def _phi_u(c, sigma):
    return np.log(c) if sigma == 1.0 else c ** (1.0 - sigma) / (1.0 - sigma)


def _exchange_value(mu, z, P, e1, e2, p0, R, beta, sigma):
    """max over k >= 0 of beta u(c_1) - mu (p0 k + P Delta(z, k)) in exchange z with rights price P, at the
    multiplier mu of the date-0 budget: storage from the root of the first-order condition
    beta p R u'(c11) = mu (p0 + P z R) (bracketed), consumption from the CRRA demands at p = z**sigma.
    Returns (value, date-0 cost p0 k + P Delta). -inf when p0 + P z R <= 0 (storage free: unbounded)."""
    p = z**sigma
    ck = p0 + P * z * R
    if ck <= 0.0:
        return np.inf, np.nan

    def dV(k):
        return beta * p * R * _split(e1 + p * (e2 + R * k), p, sigma)[0] ** (-sigma) - mu * ck

    k = 0.0
    if dV(0.0) > 0.0:
        hi = 1.0
        while dV(hi) > 0.0:
            hi *= 2.0
        k = brentq(dV, 0.0, hi, xtol=_XTOL, rtol=_RTOL)
    c11, c21 = _split(e1 + p * (e2 + R * k), p, sigma)
    cost = p0 * k + P * (z * (e2 + R * k) - e1)
    return beta * (_phi_u(c11, sigma) + _phi_u(c21, sigma)) - mu * cost, cost


class ExchangeChoice(NamedTuple):
    """Each type's own choice of exchange at given prices (:func:`exchange_choice_gap`).

    residual (H,): the advantage of the best exchange outside the type's equilibrium support over the
    best one inside it, in date-0 good 1 (<= 0: the type stays where the equilibrium puts it);
    tol: its numerical error (see :func:`exchange_choice_gap`); best (H,) the z each type prefers;
    mu (H,) the multiplier of its date-0 budget in its own problem (compare ``eq.mu0``); z, P the
    exchanges offered and their prices."""

    residual: np.ndarray
    tol: float
    best: np.ndarray
    mu: np.ndarray
    z: np.ndarray
    P: np.ndarray


def exchange_choice_gap(economy, eq, offers) -> ExchangeChoice:
    r"""Definition 3 with the lotteries of Appendix A, from the types' side: at the prices of the
    equilibrium ``eq`` (p0, its active exchanges and their rights prices) and at the rights prices
    ``offers`` = {z: P} of unused exchanges, each type chooses a lottery over all these exchanges, storage
    in each and date-0 consumption to maximise expected utility subject to its date-0 budget
    (:eq:`kt-se-budget`, the fee :math:`P\Delta` paid in expectation). The claim (Table 5, "these prices
    keep agents out"): each type's best choice puts no mass outside the exchanges it uses in ``eq``.

    The type's problem is concave in (lottery weights, weight x storage), so it is solved through its
    dual (ours): for a multiplier mu of the date-0 budget, the value of exchange m is
    :func:`_exchange_value` (storage by root-finding) and the lottery puts its mass on the best ones; mu
    is the root of the budget, income minus the cost of date-0 consumption and of the best exchange,
    which falls in mu (a jump where the best exchange changes: a lottery between the two). brentq in
    log mu, not the equilibrium's mu0 nor the band formula (:func:`rights_price_band`).

    residual[h] = (max over exchanges outside h's support minus max over its support of the exchange
    values at mu*) / mu*, in date-0 good 1. tol: the change of that difference when log mu moves by
    brentq's bound (|cost difference| times the bound), plus 64 ulps of the values compared, over mu*.
    The prices of ``eq`` are taken as given: its own residual (``eq.residual``, at most 1.5e-14 at the
    chapter's equilibria) moves the residual by about that times the discrepancies (of order one), far
    below the margins the chapter's checks show; it is not added to ``tol``.
    """
    if economy.S != 1:
        raise UnsupportedEconomy("exchange_choice_gap: one-state economies only")
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)
    zs = list(eq.z[:, 0])
    Ps = list(eq.P[:, 0])
    for z, P in sorted(dict(offers).items()):
        if not (np.isfinite(z) and z > 0 and np.isfinite(P)):
            raise ValueError(f"offers must map exchanges z > 0 to finite rights prices, got {z!r}: {P!r}")
        if np.min(np.abs(np.array(eq.z[:, 0]) - z)) < 1e-12:
            raise ValueError(f"offers: z = {z!r} is an active exchange; its price is the equilibrium's")
        zs.append(float(z))
        Ps.append(float(P))
    zs, Ps = np.array(zs), np.array(Ps)
    M = eq.z.shape[0]
    p0 = float(eq.p0)
    res, tols, best, mus = [], [], [], []
    for h in range(economy.H):
        w = e10[h] + p0 * e20[h]

        def values(mu):
            return [_exchange_value(mu, zs[m], Ps[m], e1[h], e2[h], p0, R, beta, sigma) for m in range(zs.size)]

        def budget(lmu):
            mu = np.exp(lmu)
            v = values(mu)
            m = int(np.argmax([x[0] for x in v]))
            if not np.isfinite(v[m][0]):
                return -np.inf
            c0 = mu ** (-1.0 / sigma) * (1.0 + p0 ** (1.0 - 1.0 / sigma))  # c10 + p0 c20 at u'(c) = mu (1, p0)
            return w - c0 - v[m][1]

        lo, hi = np.log(eq.mu0[h]) - 1.0, np.log(eq.mu0[h]) + 1.0  # a start; the bracket is widened below
        for _ in range(60):
            if budget(lo) < 0.0:
                break
            lo -= 1.0
        for _ in range(60):
            if budget(hi) > 0.0:
                break
            hi += 1.0
        if not (budget(lo) < 0.0 < budget(hi)):
            raise RuntimeError(f"exchange choice: no bracket for type {h}'s budget multiplier")
        lmu = brentq(budget, lo, hi, xtol=_XTOL, rtol=_RTOL)
        mu = float(np.exp(lmu))
        v = values(mu)
        val = np.array([x[0] for x in v])
        cost = np.array([x[1] for x in v])
        inside = np.zeros(zs.size, dtype=bool)
        inside[:M] = eq.weights[h] > 0
        i_in = int(np.argmax(np.where(inside, val, -np.inf)))
        i_out = int(np.argmax(np.where(inside, -np.inf, val)))
        res.append((val[i_out] - val[i_in]) / mu)
        dl = 2.0 * (_XTOL + _RTOL * abs(lmu))
        tols.append((abs(cost[i_out] - cost[i_in]) * mu * dl + 64.0 * _EPS * (abs(val[i_out]) + abs(val[i_in]))) / mu)
        best.append(zs[int(np.argmax(val))])
        mus.append(mu)
    return ExchangeChoice(np.array(res), float(max(tols)), np.array(best), np.array(mus), zs, Ps)


def table_5_choice_gap(economy, prices=None, z_active=None) -> ExchangeChoice:
    r"""Table 5 (Section 2.1.6, Environment 3), "these prices keep agents out of the unused exchanges",
    from the types' side. With the two active exchanges held at ``z_active`` (default: the printed
    :data:`~commitment.fire_sales.TABLE_4_Z`) and the lender mixing over them
    (``segregated_equilibrium(economy, z_grid=z_active, structure="mixture")``), the unused exchanges of
    Table 5 (the four keys of :data:`~commitment.fire_sales.TABLE_5` that are not active) are offered at
    ``prices`` = {z: P}, by default at prices inside the supporting band (:func:`band_prices`), and each
    type chooses by :func:`exchange_choice_gap`. The claim: ``residual <= 0`` for every type (ours: the
    computation; the paper prints the prices from its linear program).

    ``prices`` may replace the offers (the printed ones, or a perturbation to show the check failing);
    its keys must be exactly the unused exchanges of Table 5. Residual and tolerance: those of
    :func:`exchange_choice_gap`."""
    if economy.S != 1 or economy.H < 3:
        raise UnsupportedEconomy("table_5_choice_gap: one state, a lender and at least two borrower types")
    z_active = TABLE_4_Z if z_active is None else tuple(float(z) for z in np.ravel(z_active))
    if len(z_active) != 2 or not all(np.isfinite(z) and z > 0 for z in z_active):
        raise ValueError(f"z_active must be two exchanges z > 0, got {z_active!r}")
    unused = [z for z in TABLE_5 if min(abs(z - a) for a in z_active) > 1e-12]
    eq = segregated_equilibrium(economy, z_grid=list(z_active), structure="mixture")
    if prices is None:
        offers = band_prices(economy, eq, unused)
    else:
        offers = {float(z): float(P) for z, P in dict(prices).items()}
        if sorted(offers) != sorted(unused):
            raise ValueError(f"prices must give a rights price at each unused exchange of Table 5, {unused}; "
                             f"got {sorted(offers)}")
    return exchange_choice_gap(economy, eq, offers)


def existence_witness_gap(economy, z_values, eq=None) -> ExchangeChoice:
    r"""Our numerical witness of Theorem 3 (existence, Section 2.1.7): the computed equilibrium with
    segregated exchanges ``eq`` (default: :func:`~commitment.fire_sales.segregated_equilibrium` of
    ``economy``, continuum of exchanges) is an equilibrium of the economy with the exchanges
    ``z_values`` open as well: at prices inside the supporting band (:func:`band_prices`) of each unused
    one, no type's own optimal lottery (:func:`exchange_choice_gap`) puts mass outside the exchanges it
    uses in ``eq``. The claim: ``residual <= 0`` for every type. Shown for the economies computed, not a
    proof of Theorem 3 (which is about every economy satisfying its hypotheses).

    ``eq`` may be another allocation with its prices (the single-exchange allocation of Environment 3,
    or the exchanges held at rounded values) to show the check failing. ``z_values``: the exchanges
    offered (those within 1e-9 of an active one are dropped). Residual and tolerance: those of
    :func:`exchange_choice_gap`."""
    zs = np.asarray(z_values, dtype=float).ravel()
    if zs.size == 0 or not np.all(np.isfinite(zs) & (zs > 0)):
        raise ValueError(f"z_values must be a non-empty list of exchanges z > 0, got {z_values!r}")
    if economy.S != 1:
        raise UnsupportedEconomy("existence_witness_gap: one-state economies only")
    eq = segregated_equilibrium(economy) if eq is None else eq
    unused = [float(z) for z in zs if np.min(np.abs(eq.z[:, 0] - z)) > 1e-9]
    return exchange_choice_gap(economy, eq, band_prices(economy, eq, unused))


def band_prices(economy, eq, zs):
    """A rights price inside the supporting band (:func:`rights_price_band`) at each unused exchange z:
    the band's midpoint, or one unit inside its finite edge when the other edge is infinite (ours; any
    price in the band supports ``eq``). Returns {z: P}."""
    from commitment.fire_sales.exchanges import rights_price_band

    out = {}
    for z in zs:
        lo, hi = rights_price_band(economy, eq, float(z))
        if np.isfinite(lo) and np.isfinite(hi):
            out[float(z)] = 0.5 * (lo + hi)
        elif np.isfinite(lo):
            out[float(z)] = lo + 1.0
        elif np.isfinite(hi):
            out[float(z)] = hi - 1.0
        else:
            out[float(z)] = 0.0
    return out


# --------------------------------------------------------------------------- active exchanges (Environment 3)


class ActiveExchanges(NamedTuple):
    """Which market structure survives the types' own choice of exchange (:func:`active_exchanges_gap`).

    residual: (largest advantage of an outside exchange at the structure with one exchange per
    constrained type, minus the largest such advantage at the single-exchange structure), both in date-0
    good 1 (see :func:`exchange_choice_gap`); <= 0 when the first is an equilibrium and the second is not.
    tol: the larger of the two computations' tolerances. n_constrained: the types whose collateral
    constraint binds in the competitive equilibrium; n_active: the active exchanges of the structure that
    survives (0 if none, -1 if both); split, single: the two :class:`ExchangeChoice` results."""

    residual: np.ndarray
    tol: float
    n_constrained: int
    n_active: int
    split: ExchangeChoice
    single: ExchangeChoice


def active_exchanges_gap(economy, z_values=None) -> ActiveExchanges:
    r"""Environment 3's claim (Section 2.1.6): the number of active exchanges equals the number of
    constrained types, so that each can be compensated separately (ours: the computation below).

    Two candidate structures are solved by the equilibrium solver: a single exchange for everybody
    (``structure="single"``), and one exchange per borrower with the lender mixing over them
    (``structure="mixture"``). Neither is taken as an equilibrium: each type's own choice among the
    active exchanges and the unused ones ``z_values`` (default: 56 points in [0.45, 1.0]) at in-band
    rights prices (:func:`band_prices`) decides, by :func:`exchange_choice_gap`. The claim holds when the
    structure with one exchange per constrained type survives (its residual <= 0) and the single
    exchange does not (its residual > 0: at some unused exchange no price keeps every type out).
    Residual: (split residual, minus single residual), each the largest over types. Assumes the single-
    exchange conditions have one solution (no multiplicity was found in the chapter's economies).
    """
    if economy.S != 1 or economy.H < 3:
        raise UnsupportedEconomy("active_exchanges_gap: one state, a lender and at least two borrower types")
    from commitment.fire_sales.equilibrium import collateral_equilibrium

    zs = np.linspace(0.45, 1.0, 56) if z_values is None else np.asarray(z_values, dtype=float).ravel()
    if zs.size == 0 or not np.all(np.isfinite(zs) & (zs > 0)):
        raise ValueError(f"z_values must be a non-empty list of exchanges z > 0, got {z_values!r}")
    ce = collateral_equilibrium(economy)
    n_constrained = int(ce.binding.any(axis=1).sum())
    out = []
    for structure in ("mixture", "single"):
        eq = segregated_equilibrium(economy, structure=structure)
        if not eq.converged:
            raise RuntimeError(f"active exchanges: the {structure} solver did not converge (residual "
                               f"{eq.residual:.1e})")
        unused = [float(z) for z in zs if np.min(np.abs(eq.z[:, 0] - z)) > 1e-9]
        out.append((eq, exchange_choice_gap(economy, eq, band_prices(economy, eq, unused))))
    (split_eq, split), (single_eq, single) = out
    r_split, r_single = float(split.residual.max()), float(single.residual.max())
    ok_split, ok_single = r_split <= split.tol, r_single <= single.tol
    n_active = -1 if ok_split and ok_single else split_eq.z.shape[0] if ok_split else 1 if ok_single else 0
    return ActiveExchanges(np.array([r_split, -r_single]), max(split.tol, single.tol), n_constrained, n_active,
                           split, single)


# --------------------------------------------------------------------------- Table 2 (Environment 1)

TABLE_2_GRID = (0.7479, 0.7729, 0.7979)  # the exchanges Table 2 prices; 0.7729 is the active one


class Table2Selection(NamedTuple):
    """Table 2 from the types' side (:func:`table_2_selection_gap`).

    residual: (a) the largest advantage of an outside grid exchange when ``active`` is the only exchange
    used (<= 0: an equilibrium on the grid); (b) minus that advantage for each other grid point used
    alone (<= 0: some type leaves it at the prices offered, so it is no equilibrium at those prices;
    the offers are :func:`band_prices`, the midpoint of the band formula's interval, which is empty
    somewhere for these candidates: that *no* price keeps every type there rests on that emptiness,
    confirmed here at one price per exchange); (c) the supporting prices rise with z: the upper edge
    of every band below ``active`` minus P(active), and P(active) minus the lower edge of every band
    above it (<= 0). tol: the largest tolerance of the exchange-choice computations plus the band edges'
    root-finding bound (2e-14). choices: {z: ExchangeChoice}; P: the active exchange's rights price;
    bands: {z: (lower, upper)} at the unused grid points; Delta: discrepancies at the active exchange."""

    residual: np.ndarray
    tol: float
    choices: dict
    P: float
    bands: dict
    Delta: np.ndarray


def table_2_selection_gap(economy, grid=TABLE_2_GRID, active=0.7729) -> Table2Selection:
    r"""Table 2 (Section 2.1.6, Environment 1) on its own grid of exchanges: only ``active`` is used,
    prices of rights exist there and at the unused neighbours and rise with z.

    For each grid point, the allocation in which everybody trades there (:func:`grid_candidate`: storage
    from consistency, eq. 10, the rights price from storage-market clearing) is offered the other grid
    points at in-band rights prices (:func:`band_prices`), and each type's own choice decides whether it
    stays (:func:`exchange_choice_gap`). For the surviving point neither the band formula, which the
    library's grid selection uses, nor the equilibrium multipliers decide; for the others see (b) of
    :class:`Table2Selection`, which describes the residual."""
    from commitment.fire_sales.exchanges import grid_candidate, rights_price_band

    if economy.S != 1:
        raise UnsupportedEconomy("table_2_selection_gap: one-state economies only")
    grid = sorted(float(z) for z in grid)
    if len(grid) < 2 or min(abs(z - active) for z in grid) > 1e-12:
        raise ValueError(f"grid must have at least two exchanges and contain active = {active!r}")
    choices = {}
    for z in grid:
        cand = grid_candidate(economy, z)
        others = [g for g in grid if g != z]
        choices[z] = (cand, exchange_choice_gap(economy, cand, band_prices(economy, cand, others)))
    cand, ch = choices[min(grid, key=lambda g: abs(g - active))]
    P = float(cand.P[0, 0])
    bands = {g: rights_price_band(economy, cand, g) for g in grid if abs(g - active) > 1e-12}
    res = [float(ch.residual.max())]
    res += [-float(c.residual.max()) for z, (_, c) in choices.items() if abs(z - active) > 1e-12]
    res += [bands[g][1] - P if g < active else P - bands[g][0] for g in sorted(bands)]
    tol = max(c.tol for _, c in choices.values()) + 2e-14
    return Table2Selection(np.array(res), float(tol), {z: c for z, (_, c) in choices.items()}, P, bands,
                           cand.Delta[:, 0, 0].copy())
