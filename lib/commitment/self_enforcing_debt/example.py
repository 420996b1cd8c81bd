r"""Closed forms of Hellwig and Lorenzoni's alternating-endowment example (WP §3, App. A and App. C).

Two types, *odd* and *even*, with endowments $(\bar e,\underline e,\bar e,\dots)g^t$ and
$(\underline e,\bar e,\underline e,\dots)g^t$, CRRA utility with coefficient $\sigma$ (log at
$\sigma=1$, the paper's case), a non-contingent bond with price $q_j$ in periods when type $j$ is high,
and debt limits $\phi^j_t=\phi_j g^t\le 0$. Everything is *detrended* by $g^t$: the growth-adjusted
bond price is $x_j=q_jg$ and the growing economy is the $g=1$ economy with discount factor
$\hat\beta=\beta g^{1-\sigma}$ (for log utility $\hat\beta=\beta$). The CRRA and growth
generalisations are ours (the paper has log utility); they reduce to the paper's formulas at
$\sigma=1$.

Public functions:

- :func:`steady_state` -- Proposition 1 (and Proposition 2's fiat-money value);
- :func:`repaying_plan`, :func:`default_plan` -- Lemmas 1 and 2;
- :func:`default_gap` -- value of repaying minus value of defaulting, whose sign is condition (13);
- :func:`symmetric_market_price` -- the bond price that clears the market for symmetric limits that
  need not be self-enforcing (too tight / self-enforcing / default);
- :func:`transition` -- App. C(a), the one-period transition from zero assets;
- :func:`collapse_map`, :func:`collapse_path` -- App. C(b), equation (20) and Figure 4.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "ExampleParameters",
    "create_example",
    "SteadyState",
    "steady_state",
    "Plan",
    "repaying_plan",
    "default_plan",
    "default_gap",
    "default_gap_log",
    "symmetric_market_price",
    "OffSteadyState",
    "off_steady_state",
    "Transition",
    "transition",
    "er_residual_det",
    "collapse_map",
    "CollapsePath",
    "collapse_path",
    "crra",
]


def bisect(f, lo, hi, xtol=1e-14, maxiter=200):
    """Root of a continuous scalar f with f(lo) f(hi) <= 0, by bisection to |bracket| <= xtol (1 + |x|).

    Plain Python (no SciPy import, which costs about a second in a fresh kernel); raises ValueError
    without a sign change and RuntimeError if maxiter halvings do not reach the tolerance."""
    flo, fhi = f(lo), f(hi)
    if flo == 0.0:
        return lo
    if fhi == 0.0:
        return hi
    if flo * fhi > 0.0:
        raise ValueError("bisect: f(lo) and f(hi) must have opposite signs")
    for _ in range(maxiter):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if fm == 0.0:
            return mid
        if (fm > 0.0) == (flo > 0.0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo <= xtol * (1.0 + abs(mid)):
            return 0.5 * (lo + hi)
    raise RuntimeError("bisect: no convergence within maxiter halvings")


def crra(c, sigma):
    """u(c) = (c^{1-sigma} - 1)/(1 - sigma), log c at sigma = 1 (same normalisation as commitment.utility)."""
    c = np.asarray(c, dtype=float)
    if sigma == 1.0:
        return np.log(c)
    return (c ** (1.0 - sigma) - 1.0) / (1.0 - sigma)


class ExampleParameters(NamedTuple):
    """Validated parameters of the alternating-endowment example (detrended)."""

    e_hi: float  # \bar e, endowment in a high period (detrended)
    e_lo: float  # \underline e, endowment in a low period
    beta: float  # discount factor
    g: float  # gross growth factor
    sigma: float  # relative risk aversion (1 = log, the paper's case)
    beta_hat: float  # beta g^{1 - sigma}, the discount factor of the detrended economy


def _finite(x, name):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return x


def create_example(e_hi, e_lo, beta, g=1.0, sigma=1.0) -> ExampleParameters:
    """Validate the example's parameters: e_hi > e_lo > 0, beta in (0, 1), g > 0, sigma > 0, beta g^(1-sigma) < 1."""
    e_hi, e_lo = _finite(e_hi, "e_hi"), _finite(e_lo, "e_lo")
    beta, g, sigma = _finite(beta, "beta"), _finite(g, "g"), _finite(sigma, "sigma")
    if not e_lo > 0.0:
        raise ValueError(f"e_lo (low endowment) must be > 0, got {e_lo}")
    if not e_hi > e_lo:
        raise ValueError(f"e_hi (high endowment) must be > e_lo = {e_lo}, got {e_hi}")
    if not 0.0 < beta < 1.0:
        raise ValueError(f"beta (discount factor) must be in (0, 1), got {beta}")
    if not g > 0.0:
        raise ValueError(f"g (gross growth factor) must be > 0, got {g}")
    if not sigma > 0.0:
        raise ValueError(f"sigma (relative risk aversion) must be > 0, got {sigma}")
    beta_hat = beta * g ** (1.0 - sigma)
    if not beta_hat < 1.0:
        raise ValueError(
            f"beta * g**(1 - sigma) must be < 1 for finite utility, got {beta_hat:.6g} "
            f"(beta={beta}, g={g}, sigma={sigma})")
    return ExampleParameters(e_hi, e_lo, beta, g, sigma, beta_hat)


class SteadyState(NamedTuple):
    """Proposition 1's steady state (detrended; limits phi are non-positive, total_debt positive)."""

    exists: bool  # True iff a non-autarkic steady state exists: beta_hat (e_hi/e_lo)^sigma > 1
    c_hi: float  # consumption in a high-endowment period
    c_lo: float  # consumption in a low-endowment period
    q: float  # bond price: 1/g with debt; the lowest autarky-supporting price otherwise
    R: float  # gross interest rate 1/q
    x: float  # growth-adjusted price q g (1 with debt)
    total_debt: float  # B* = -(phi_odd + phi_even) >= 0
    phi_odd: float  # odd type's (detrended) limit, -split * B*
    phi_even: float  # even type's limit, -(1 - split) * B*
    a_odd: float  # odd type's assets entering his low periods (= -phi_even)
    a_even: float  # even type's assets entering his low periods (= -phi_odd)
    q_fb: float  # first-best bond price beta g^{-sigma}
    q_aut_min: float  # autarky is an equilibrium at every q >= q_aut_min = beta g^{-sigma} (e_hi/e_lo)^sigma
    money_value: float  # Proposition 2: real value of the fiat money stock QM (= B*)
    euler_slack: float  # borrower's Euler slack u'(c_lo) - beta_hat u'(c_hi) / x at the limit (> 0)
    params: ExampleParameters


def steady_state(e_hi, e_lo, beta, g=1.0, sigma=1.0, split=0.5) -> SteadyState:
    r"""Proposition 1: the steady state with self-enforcing private debt, for CRRA utility and growth.

    With $\hat\beta=\beta g^{1-\sigma}$ and $b=\hat\beta^{1/\sigma}$: $qg=1$ ($R=g$),
    $\bar c=(\bar e+\underline e)/(1+b)$, $\underline c=b\,\bar c$ and
    $B^*=-(\phi_o+\phi_e)=\bar e-\bar c=(b\bar e-\underline e)/(1+b)$ (equation (15) at $\sigma=1$).
    ``split`` in [0, 1] is the odd type's share of $B^*$; it does not affect consumption. If
    $B^*\le 0$ only autarky exists: ``exists`` is False, consumption equals endowments, limits are 0
    and ``q`` is the lowest price at which autarky is an equilibrium.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    split = _finite(split, "split")
    if not 0.0 <= split <= 1.0:
        raise ValueError(f"split (odd type's share of aggregate debt) must be in [0, 1], got {split}")
    b = p.beta_hat ** (1.0 / p.sigma)
    q_fb = p.beta * p.g ** (-p.sigma)
    q_aut = q_fb * (p.e_hi / p.e_lo) ** p.sigma
    B = (b * p.e_hi - p.e_lo) / (1.0 + b)
    if B > 0.0:
        c_hi = (p.e_hi + p.e_lo) / (1.0 + b)
        c_lo = b * c_hi
        q, x = 1.0 / p.g, 1.0
        phi_o, phi_e = -split * B, -(1.0 - split) * B
        slack = c_lo ** (-p.sigma) - p.beta_hat * c_hi ** (-p.sigma)
        return SteadyState(True, c_hi, c_lo, q, 1.0 / q, x, B, phi_o, phi_e, -phi_e, -phi_o,
                           q_fb, q_aut, B, slack, p)
    return SteadyState(False, p.e_hi, p.e_lo, q_aut, 1.0 / q_aut, q_aut * p.g, 0.0, 0.0, 0.0, 0.0, 0.0,
                       q_fb, q_aut, 0.0, math.nan, p)


class Plan(NamedTuple):
    """Stationary two-period plan of an agent who is high at t (Lemma 1 / Lemma 2), detrended."""

    c_hi: float  # consumption in his high periods
    c_lo: float  # consumption in his low periods
    a: float  # assets carried into his low periods
    phi: float  # assets (= his limit) carried into his high periods
    valid: bool  # Lemma 1: x_j >= beta_hat... conditions hold (a >= phi, borrower Euler inequality)
    trades: bool  # False when the defaulter eats his endowment (Lemma 2 with x_j > kappa)


def _lemma1(p: ExampleParameters, x_j, x_other, phi_j):
    Pi = x_j * x_other
    W = p.e_hi + x_j * p.e_lo - phi_j * (Pi - 1.0)
    b = p.beta_hat ** (1.0 / p.sigma)
    c_hi = W / (1.0 + b * x_j ** (1.0 - 1.0 / p.sigma))
    c_lo = c_hi * b * x_j ** (-1.0 / p.sigma)
    a = (p.e_hi + phi_j - c_hi) / x_j
    return c_hi, c_lo, a


def repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi_j, g=1.0, sigma=1.0) -> Plan:
    r"""Lemma 1 (equations (7)-(9), CRRA form ours): the repaying agent's stationary plan.

    Type $j$ enters each high period at his limit $\phi_j$, saves $a_j$ (Euler equation with
    equality), and borrows to the limit in his low periods. With $\Pi=x_jx_{-j}$ and
    $W_j=\bar e+x_j\underline e-\phi_j(\Pi-1)$:
    $\bar c_j=W_j/(1+\hat\beta^{1/\sigma}x_j^{1-1/\sigma})$,
    $\underline c_j=\hat\beta^{1/\sigma}x_j^{-1/\sigma}\bar c_j$, $a_j=(\bar e+\phi_j-\bar c_j)/x_j$.
    ``x_j = q_j g`` is the growth-adjusted price when j is high, ``x_other`` when the other type is.
    ``valid`` reports the lemma's conditions: $a_j\ge\phi_j$ and the borrower's Euler inequality
    ($\Pi\ge\hat\beta^2$; $x_j, x_{-j}\ge\beta$ in the paper's log case).
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    x_j, x_other, phi_j = float(x_j), float(x_other), float(phi_j)
    if not (x_j > 0 and x_other > 0):
        raise ValueError(f"x_j and x_other (growth-adjusted bond prices) must be > 0, got {x_j}, {x_other}")
    if phi_j > 0:
        raise ValueError(f"phi_j (debt limit) must be <= 0, got {phi_j}")
    c_hi, c_lo, a = _lemma1(p, x_j, x_other, phi_j)
    valid = (a >= phi_j) and (x_j * x_other >= p.beta_hat ** 2 * (1 - 1e-12)) and c_lo > 0 and c_hi > 0
    return Plan(c_hi, c_lo, a, phi_j, bool(valid), True)


def default_plan(e_hi, e_lo, beta, x_j, g=1.0, sigma=1.0) -> Plan:
    r"""Lemma 2 (equations (11)-(12)): the plan of an agent who defaults in a high period.

    He restarts with zero assets and zero limits. If $a^d_j\ge0$, i.e.
    $x_j\le\hat\beta(\bar e/\underline e)^\sigma$ ($=\kappa=\beta\bar e/\underline e$ for log utility),
    he follows Lemma 1 with $\phi_j=0$ (the price in his low periods does not matter); otherwise he
    eats his endowment.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    x_j = float(x_j)
    if not x_j > 0:
        raise ValueError(f"x_j (growth-adjusted bond price) must be > 0, got {x_j}")
    c_hi, c_lo, a = _lemma1(p, x_j, 1.0, 0.0)
    if a >= 0.0:
        return Plan(c_hi, c_lo, a, 0.0, True, True)
    return Plan(p.e_hi, p.e_lo, 0.0, 0.0, True, False)


def default_gap(e_hi, e_lo, beta, x_j, x_other, phi_j, g=1.0, sigma=1.0, require_valid=True) -> float:
    r"""$V-D$ for type $j$ at his limit at the start of a high period (detrended units at that date).

    Both plans are stationary two-period cycles, so
    $V-D=[u(\bar c_j)-u(\bar c^d_j)+\hat\beta(u(\underline c_j)-u(\underline c^d_j))]/(1-\hat\beta^2)$.
    Its sign is that of $\Pi-1$ (condition (13)). With ``require_valid`` (default) Lemma 1's
    conditions must hold; otherwise the gap is that of the conjectured plan, which is then not optimal.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    rep = repaying_plan(e_hi, e_lo, beta, x_j, x_other, phi_j, g, sigma)
    if require_valid and not rep.valid:
        raise ValueError("Lemma 1's conditions fail at these prices and limits (a_j < phi_j or Euler)")
    dft = default_plan(e_hi, e_lo, beta, x_j, g, sigma)
    s = p.sigma
    du_hi = crra(rep.c_hi, s) - crra(dft.c_hi, s)
    du_lo = crra(rep.c_lo, s) - crra(dft.c_lo, s)
    return float((du_hi + p.beta_hat * du_lo) / (1.0 - p.beta_hat ** 2))


def default_gap_log(e_hi, e_lo, beta, x_j, x_other, phi_j) -> float:
    r"""Closed form of the gap for log utility when the defaulter saves (our derivation):
    $V-D=\frac{1}{1-\beta}\log\bigl(1-\phi_j(\Pi-1)/(\bar e+x_j\underline e)\bigr)$."""
    Pi = x_j * x_other
    return math.log(1.0 - phi_j * (Pi - 1.0) / (e_hi + x_j * e_lo)) / (1.0 - beta)


def symmetric_market_price(e_hi, e_lo, beta, phi, g=1.0, sigma=1.0) -> float:
    r"""Growth-adjusted price $x=x_o=x_e$ clearing the bond market for symmetric limits $\phi_o=\phi_e=\phi$.

    Solves $a(x)=-\phi$ with $a(x)$ from Lemma 1 (equation (10)), without imposing (13). For log
    utility this is $\phi(x+1)(x+\beta)=\underline e x-\beta\bar e$ (our derivation).
    The result may violate Lemma 1's conditions (check with :func:`repaying_plan`).
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    phi = float(phi)
    if not phi < 0.0:
        raise ValueError(f"phi (symmetric debt limit) must be < 0, got {phi}")
    def excess(x):
        return _lemma1(p, x, x, phi)[2] + phi

    lo, hi = 1e-9, 1.0
    # excess demand for bonds is decreasing in the price: raise hi until negative
    while excess(hi) > 0.0:
        hi *= 2.0
        if hi > 1e6:
            raise ValueError("no market-clearing price for these limits")
    return float(bisect(excess, lo, hi, xtol=1e-15))


class OffSteadyState(NamedTuple):
    """Symmetric limits m times the SE level: market price and the default gap (ours)."""

    multiplier: float
    phi: float  # each type's limit, -m B*/2
    x: float  # market-clearing q g
    Pi_minus_1: float
    gap: float  # V - D at the limit, for the conjectured (Lemma 1) plan
    verdict: str  # 'too tight' | 'self-enforcing' | 'default'
    lemma1_valid: bool  # False: x < beta_hat, the conjectured plan is not optimal at this price


def off_steady_state(e_hi, e_lo, beta, multiplier, g=1.0, sigma=1.0, tol=1e-10) -> OffSteadyState:
    """Clear the bond market with symmetric limits -m B*/2 each and classify them by the sign of V - D."""
    ss = steady_state(e_hi, e_lo, beta, g, sigma)
    if not ss.exists:
        raise ValueError("no debt steady state: beta_hat (e_hi/e_lo)^sigma <= 1")
    m = float(multiplier)
    if not m > 0:
        raise ValueError(f"multiplier must be > 0, got {m}")
    phi = -m * ss.total_debt / 2.0
    x = symmetric_market_price(e_hi, e_lo, beta, phi, g, sigma)
    gap = default_gap(e_hi, e_lo, beta, x, x, phi, g, sigma, require_valid=False)
    verdict = "self-enforcing" if abs(gap) <= tol else ("too tight" if gap > 0 else "default")
    valid = repaying_plan(e_hi, e_lo, beta, x, x, phi, g, sigma).valid
    return OffSteadyState(m, phi, x, x * x - 1.0, gap, verdict, valid)


class Transition(NamedTuple):
    """App. C(a): transition from zero assets to the steady state (g = 1, log utility, b = -phi)."""

    q0: float  # date-0 bond price
    c_odd0: float  # odd (high at 0) consumption at date 0
    c_even0: float  # even (low at 0, constrained) consumption at date 0
    a_odd1: float  # odd type's assets at date 1
    b_odd1: float  # date-1 debt limits (positive amounts), summing to B*
    b_even1: float
    goods_residual: float
    asset_residual: float  # a_odd1 - b_even1 (odd holds even's debt)
    euler_residual: float  # odd type's Euler equation at date 0
    euler_slack_even: float  # even type's Euler inequality at date 0 (>= 0: constrained)


def transition(e_hi, e_lo, beta, share_even) -> Transition:
    r"""App. C(a): both types start with zero assets, odd high at 0, limits from date 1 on sum to $B^*$.

    ``share_even`` $=b^e_1/B^*\in[0,1]$. The date-0 price is
    $q_0=\bar e/(b^e_1+(\bar e+\underline e)/(1+\beta))\in[1,(1+\beta)\bar e/(\bar e+\underline e)]$;
    from date 1 on the economy is in Proposition 1's steady state with $q=1$.
    """
    ss = steady_state(e_hi, e_lo, beta)
    if not ss.exists:
        raise ValueError("no debt steady state: beta e_hi <= e_lo")
    s = float(share_even)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"share_even must be in [0, 1], got {s}")
    B = ss.total_debt
    be, bo = s * B, (1 - s) * B
    q0 = e_hi / (be + (e_hi + e_lo) / (1 + beta))
    a_o1 = (beta * e_hi - q0 * e_lo) / (q0 * (1 + beta)) - bo / (1 + beta)
    c_o0 = e_hi - q0 * a_o1
    c_e0 = e_lo + q0 * be
    # date 1: odd is low, enters with a_o1 and borrows to his limit, a_2 = -b_o1 (q = 1, ER)
    c_o1 = e_lo + a_o1 + bo
    euler = q0 / c_o0 - beta / c_o1
    # even is high at 1: enters with -be, steady-state consumption c_hi
    slack_e = q0 / c_e0 - beta / ss.c_hi
    return Transition(q0, c_o0, c_e0, a_o1, bo, be, c_o0 + c_e0 - e_hi - e_lo, a_o1 - be,
                      euler, slack_e)


def er_residual_det(q, phi):
    r"""Exact roll-over residual (16) on a deterministic path: $\phi_t-q_t\phi_{t+1}$, t = 0..T-2."""
    q, phi = np.asarray(q, dtype=float), np.asarray(phi, dtype=float)
    return phi[:-1] - q[:-1] * phi[1:]


def collapse_map(q, kappa):
    r"""Equation (20): $q_{t+1}=\kappa(1-1/q_t)+1$ with $\kappa=\beta\bar e/\underline e$ (App. C(b), g = 1)."""
    q = np.asarray(q, dtype=float)
    return kappa * (1.0 - 1.0 / q) + 1.0


class CollapsePath(NamedTuple):
    """A collapsing-debt equilibrium path (App. C(b), Figure 4); arrays indexed by t = 0..T-1."""

    q: np.ndarray  # bond prices
    B: np.ndarray  # aggregate debt capacity at t (positive): B_t = (beta e_hi - q_t e_lo)/(1 + beta)
    c_high: np.ndarray  # consumption of the type that is high at t
    c_low: np.ndarray  # consumption of the type that is low at t (nan at t = 0)
    er_residual: np.ndarray  # B_t - q_t B_{t+1} (exact roll-over of the aggregate limit)
    goods_residual: np.ndarray  # c_high + c_low - e_hi - e_lo (t >= 1)
    euler_slack: np.ndarray  # borrower's q_t u'(c_low_t) - beta u'(c_high_{t+1}) (>= 0)
    valid_until: int  # first t with q_t < 0 or B_t < 0 (T if none): not an equilibrium beyond


def collapse_path(q0, e_hi, e_lo, beta, T=60) -> CollapsePath:
    r"""Iterate (20) from $q_0$: with $\kappa=\beta\bar e/\underline e$, $q_0\in(1,\kappa)$ collapses to
    autarky, $q_0=1$ stays at the steady state and $q_0<1$ leaves the equilibrium set (q turns negative)."""
    p = create_example(e_hi, e_lo, beta)
    kappa = p.beta * p.e_hi / p.e_lo
    T = int(T)
    if T < 2:
        raise ValueError(f"T must be >= 2, got {T}")
    q = np.empty(T)
    q[0] = float(q0)
    for t in range(T - 1):
        q[t + 1] = collapse_map(q[t], kappa) if q[t] > 0 else np.nan
    B = (beta * e_hi - q * e_lo) / (1 + beta)
    c_high = (e_hi + q * e_lo) / (1 + beta)
    c_low = np.full(T, np.nan)
    c_low[1:] = beta * (e_hi + q[:-1] * e_lo) / (q[:-1] * (1 + beta))
    er = np.full(T, np.nan)
    er[:-1] = B[:-1] - q[:-1] * B[1:]
    goods = c_high + c_low - e_hi - e_lo
    slack = np.full(T, np.nan)
    slack[1:-1] = q[1:-1] / c_low[1:-1] - beta / c_high[2:]
    bad = np.nonzero(~(q > 0) | ~(B >= -1e-15))[0]
    return CollapsePath(q, B, c_high, c_low, er, goods, slack, int(bad[0]) if bad.size else T)
