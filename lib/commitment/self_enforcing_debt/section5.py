r"""Section 5 of Hellwig and Lorenzoni (extensions), computed in the example of Section 3
(``book/self_enforcing_debt/section5.md``).

Claim functions, with the conventions of :mod:`.claims` (each re-solves households with the solver of
:mod:`.markov`, which knows nothing of the result, returns the quantity the result says is zero and an
error estimate -- grid changes plus :data:`~.claims.SOLVER_ERROR` -- for which the grid is refined until it
is at most the target, or raises ``RuntimeError``):

- :func:`two_monies_gap` -- two unbacked monies (Section 5, "co-existence", and Kareken and Wallace 1981):
  every split of the real value $B^*$ between them is a steady state (ours: the computation);
- :func:`issuer_seignorage_gap` -- the seignorage of an issuer of unbacked money who keeps the new money
  (ours; Section 5, "sovereign debt", and footnote 14 of the paper speak of it only in words);
- :func:`zero_asset_collapse_gap` -- a collapse of private debt that starts from zero assets: App. C(a)'s
  date 0 followed by App. C(b)'s map (20) (ours: the paper treats the two parts separately).

The answers of the page's exercises are at the end (:func:`seignorage_peak`, :func:`zero_asset_collapse_numbers`).
Importing does no work.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import (_ALTERNATE, SOLVER_ERROR, TARGET, _check_target, _grid_change,
                                                   _refined)
from commitment.self_enforcing_debt.claims_equilibrium import _follow
from commitment.self_enforcing_debt.deterministic import time_chain
from commitment.self_enforcing_debt.example import collapse_path, create_example
from commitment.self_enforcing_debt.markov import solve_household

__all__ = ["TwoMoniesGap", "two_monies_gap", "SeignorageGap", "issuer_seignorage_gap", "money_demand_closed_form",
           "ZeroAssetCollapse", "zero_asset_collapse", "ZeroAssetCollapseGap", "zero_asset_collapse_gap",
           "SEIGNORAGE_EXERCISE", "seignorage_peak", "seignorage_peak_at_unit_growth", "ZERO_COLLAPSE_EXERCISE",
           "zero_asset_collapse_numbers"]


def _b(p):
    return p.beta_hat ** (1.0 / p.sigma)


def _holder(p, x, m):
    """The money holder of the example re-solved at growth-adjusted price ``x`` of real balances (zero
    limits, the alternating chain): (real balances a high agent holding none buys, valued today, i.e. $x$
    times the claims on tomorrow the solver returns; his consumption; the consumption of a low agent
    holding those balances)."""
    sol = solve_household(_ALTERNATE, x * _ALTERNATE, [p.e_hi, p.e_lo], [0.0, 0.0], p.beta_hat, p.sigma, n=m,
                          a_max=4.0 * p.e_hi)
    i = int(np.argmin(np.abs(sol.grid[0])))  # zero money is a node (the limit)
    claim = float(sol.a_next[0, 1, i])  # tomorrow's (detrended) value of the balances bought
    return np.array([x * claim, sol.c[0, i], float(np.interp(claim, sol.grid[1], sol.c[1]))])


def money_demand_closed_form(e_hi, e_lo, beta, x, g=1.0, sigma=1.0):
    r"""Real balances (detrended) that a high agent without money buys at the growth-adjusted price $x$ of
    money (gross real return $g/x$), if he spends them in his next, low, period (ours, from the Euler
    equation $u'(\bar e-m)=(\hat\beta/x)u'(\underline e+m/x)$):
    $m(x)=(b_x\bar e-\underline e)/(b_x+1/x)$, $b_x=(\hat\beta/x)^{1/\sigma}$. At $x=1$ this is $B^*$
    (Proposition 2); it is negative (no money is held) for $x\ge\hat\beta(\bar e/\underline e)^\sigma$."""
    p = create_example(e_hi, e_lo, beta, g, sigma)
    x = float(x)
    if not x > 0.0:
        raise ValueError(f"x (growth-adjusted price of money) must be > 0, got {x}")
    bx = (p.beta_hat / x) ** (1.0 / p.sigma)
    return (bx * p.e_hi - p.e_lo) / (bx + 1.0 / x)


# ---------------------------------------------------------------- two monies (Kareken-Wallace)

class TwoMoniesGap(NamedTuple):
    """Two unbacked monies in the example's steady state, the holders re-solved."""

    gap: np.ndarray  # (demand for A - supply of A, demand for B - supply of B, c_hi - Proposition 1's c_bar)
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    demand: float  # the solver's real balances bought by a high agent holding no money
    supply: np.ndarray  # (real value of A, real value of B) = (share, 1 - share) * total
    x: np.ndarray  # growth-adjusted prices of A and B (value today / value tomorrow)
    B: float  # Proposition 1's B* = (b e_hi - e_lo) / (1 + b)
    n: int


def two_monies_gap(e_hi, e_lo, beta, share_a, total=None, share_a_next=None, g=1.0, sigma=1.0, *, n=500,
                   target=TARGET) -> TwoMoniesGap:
    r"""Two unbacked monies A and B (Section 5 of the paper, after Kareken and Wallace 1981; the computation is
    ours): in the example's steady state any split of the real value $B^*$ of Proposition 2 between them,
    $Q_AM_A=sB^*$, $Q_BM_B=(1-s)B^*$ with a constant exchange rate, is an equilibrium with Proposition 1's
    allocation.

    Both monies are held from one period to the next; money $k$'s growth-adjusted price $x_k$ is its real
    value today over its (detrended) value tomorrow: $x_A=s/s'$, $x_B=(1-s)/(1-s')$, where $s'$ =
    ``share_a_next`` is A's share tomorrow (default $s$: a constant exchange rate) and the total is
    ``total`` (default $B^*$). The holder is re-solved by :func:`~.markov.solve_household` (zero limits,
    the alternating chain) at the lower of the two prices (the higher return). With equal returns he is
    indifferent between the monies, so every portfolio with his demand $D$ is optimal, in particular the
    one with shares $s$, $1-s$; with unequal returns he holds only the better money. Returns the demand
    for each money minus its supply and his consumption minus $\bar c=(\bar e+\underline e)/(1+b)$: zero
    for every $s$ when the total is $B^*$ and $s'=s$. With a total other than $B^*$ the money markets do
    not clear; with $s'\ne s$ (the exchange rate moves) the worse money is not held.

    ``error``: the change of the three numbers on grids of $n/2$, $n-1$, $n+1$ points plus
    :data:`~.claims.SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    b = _b(p)
    B = (b * p.e_hi - p.e_lo) / (1.0 + b)
    if not B > 0.0:
        raise ValueError("two monies need a monetary steady state: beta_hat^(1/sigma) e_hi > e_lo")
    s = float(share_a)
    if not 0.0 < s < 1.0:
        raise ValueError(f"share_a (money A's share of the real value) must be in (0, 1), got {s}")
    s1 = s if share_a_next is None else float(share_a_next)
    if not 0.0 < s1 < 1.0:
        raise ValueError(f"share_a_next (A's share tomorrow) must be in (0, 1), got {s1}")
    T = B if total is None else float(total)
    if not T > 0.0:
        raise ValueError(f"total (real value of both monies) must be > 0, got {T}")
    x = np.array([s / s1, (1.0 - s) / (1.0 - s1)])
    if not np.all((x >= p.beta_hat) & (x <= 4.0)):
        raise ValueError(f"the monies' prices {x} must be in [beta_hat, 4]: choose share_a_next closer to share_a")
    supply = np.array([s, 1.0 - s]) * T
    c_bar = (p.e_hi + p.e_lo) / (1.0 + b)
    best = float(np.min(x))
    weights = np.array([s, 1.0 - s]) if x[0] == x[1] else (x == best).astype(float)

    def solve(m):
        got = _holder(p, best, m)
        return np.concatenate([got[0] * weights, [got[1]]])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "two_monies_gap")
    gap = got - np.concatenate([supply, [c_bar]])
    return TwoMoniesGap(gap, grid + SOLVER_ERROR, float(got[:2].sum()), supply, x, float(B), n)


# ---------------------------------------------------------------- seignorage

class SeignorageGap(NamedTuple):
    """Seignorage of an issuer of unbacked money, from the re-solved holders, against the closed form."""

    gap: np.ndarray  # (1,): seignorage from the solver's money demand minus (1 - 1/mu) m(mu) of the closed form
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR, times (1 - 1/mu) (<= target)
    seignorage: float  # (1 - 1/mu) times the solver's real balances: resources per period (detrended)
    demand: float  # the solver's real balances m(mu)
    consumption: np.ndarray  # (c_hi, c_lo) of the holders, from the solver
    closed_form: float  # (1 - 1/mu) money_demand_closed_form(mu)
    hypothesis_holds: bool  # money is held: mu < beta_hat (e_hi / e_lo)^sigma
    n: int


def issuer_seignorage_gap(e_hi, e_lo, beta, mu, g=1.0, sigma=1.0, *, n=500, target=TARGET) -> SeignorageGap:
    r"""Seignorage of an issuer of unbacked money held by the example economy's households (ours; Section 5 and
    footnote 14 of the paper describe it in words).

    The issuer lets the nominal stock grow by the factor $\mu\ge1$ per period and keeps the new money (it
    pays no interest). In a steady state real balances grow with output, so money's gross real return is
    $g/\mu$ and its growth-adjusted price is $x=\mu$; the issuer's resources per period, detrended, are
    $s(\mu)=Q_t(M_{t+1}-M_t)/g^t=(1-1/\mu)\,m(\mu)$, where $m(\mu)$ is the holders' real balances. At
    $\mu=1$ (a fixed stock: return $g$, the paper's Proposition 2 steady state) $s=0$: the issuer only
    rolls its debt over. The holders are re-solved by :func:`~.markov.solve_household` at $x=\mu$;
    $m(\mu)$ is the real balances a high agent without money buys. The function returns $s$ from the
    solver minus $(1-1/\mu)$ times :func:`money_demand_closed_form` (our derivation, valid while money is
    held, $\mu<\hat\beta(\bar e/\underline e)^\sigma$); beyond that bound the holders buy nothing while
    the closed form is negative, and the gap is positive.

    ``error``: the change of the solver's seignorage on grids of $n/2$, $n-1$, $n+1$ points plus
    :data:`~.claims.SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    mu = float(mu)
    if not 1.0 <= mu <= 4.0:
        raise ValueError(f"mu (gross growth of the nominal money stock) must be in [1, 4], got {mu}")
    keep = 1.0 - 1.0 / mu
    store = {}

    def solve(m):
        got = _holder(p, mu, m)
        store[m] = got
        return np.array([keep * got[0]])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "issuer_seignorage_gap")
    closed = keep * money_demand_closed_form(e_hi, e_lo, beta, mu, g, sigma)
    hyp = bool(mu < p.beta_hat * (p.e_hi / p.e_lo) ** p.sigma)
    held = store[n]
    return SeignorageGap(got - closed, grid + SOLVER_ERROR, float(got[0]), float(held[0]), held[1:].copy(),
                         float(closed), hyp, n)


# ---------------------------------------------------------------- collapse from zero assets

class ZeroAssetCollapse(NamedTuple):
    """The candidate path from zero assets: App. C(a)'s date 0, then map (20) from q_1 (ours)."""

    q: np.ndarray  # q_0, q_1, ... (q_0 from date-0 clearing, then map (20))
    B: np.ndarray  # aggregate limit B_t entering date t (B_0 = q_0 B_1 is not used: nobody owes at date 0)
    c0: np.ndarray  # (c^o_0, c^e_0) date-0 consumption, closed form
    b1: np.ndarray  # (b^o_1, b^e_1) date-1 limits
    euler_slack_even0: float  # q_0 / c^e_0 - beta / c^e_1 >= 0: the even type wants to borrow more at date 0


def zero_asset_collapse(e_hi, e_lo, beta, capacity, share_even=0.4, T=60) -> ZeroAssetCollapse:
    r"""A collapse of private debt from zero assets (ours: the paper's App. C treats the transition from
    zero assets, C(a), and the collapse from the steady-state positions, C(b), separately; log utility,
    $g=1$).

    Both types start with zero assets, the odd type high at date 0, and the date-1 limits sum to
    $B_1=$ ``capacity`` $\cdot B^*$ with $b^e_1=$ ``share_even`` $\cdot B_1$. From date 1 on the high agent
    enters at his limit, so App. C(b)'s derivation applies: $B_1=(\beta\bar e-q_1\underline e)/(1+\beta)$,
    i.e. $q_1=(\beta\bar e-(1+\beta)B_1)/\underline e\in(1,\kappa)$, and then $q_{t+1}=f(q_t)$ (20). At
    date 0 the even type borrows to his limit, $c^e_0=\underline e+q_0b^e_1$; the odd type saves
    $a^o_1=b^e_1$ and is low at date 1 with $c^o_1=\underline e+a^o_1+b^o_1$; his Euler equation and
    goods clearing give $q_0=\beta\bar e/(\underline e+B_1+\beta b^e_1)$ (at $B_1=B^*$ this is App. C(a)'s
    (hl-q0)).
    """
    p = create_example(e_hi, e_lo, beta)
    capacity, s = float(capacity), float(share_even)
    if not 0.0 < capacity < 1.0:
        raise ValueError(f"capacity (B_1 / B*) must be in (0, 1), got {capacity}")
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"share_even (even type's share of B_1) must be in [0, 1], got {s}")
    B_star = (p.beta * p.e_hi - p.e_lo) / (1.0 + p.beta)
    if not B_star > 0.0:
        raise ValueError("no debt steady state: beta e_hi <= e_lo")
    B1 = capacity * B_star
    q1 = (p.beta * p.e_hi - (1.0 + p.beta) * B1) / p.e_lo
    tail = collapse_path(q1, p.e_hi, p.e_lo, p.beta, T=max(int(T), 2))
    be, bo = s * B1, (1.0 - s) * B1
    q0 = p.beta * p.e_hi / (p.e_lo + B1 + p.beta * be)
    c0 = np.array([p.e_hi - q0 * be, p.e_lo + q0 * be])
    c_even1 = (p.e_hi + q1 * p.e_lo) / (1.0 + p.beta)  # high at date 1, at his limit (App. C(b))
    return ZeroAssetCollapse(np.r_[q0, tail.q], np.r_[q0 * B1, tail.B], c0, np.array([bo, be]),
                             float(q0 / c0[1] - p.beta / c_even1))


class ZeroAssetCollapseGap(NamedTuple):
    """Both types re-solved from zero assets on the chain of the path's dates."""

    gap: np.ndarray  # (max_t |a^o_t + a^e_t|, c^o_0 - closed form, c^e_0 - closed form)
    error: float  # grid changes + truncation (a later cut) + SOLVER_ERROR (<= target)
    q: np.ndarray  # the prices used (q_0 possibly overridden), then kappa repeating
    B: np.ndarray  # the limits' aggregate, zero after the cut
    a: np.ndarray  # (2, S) re-solved positions entering each date (odd, even)
    c0: np.ndarray  # the solver's date-0 consumption (odd, even)
    path: ZeroAssetCollapse
    n: int


def zero_asset_collapse_gap(e_hi, e_lo, beta, capacity, share_even=0.4, sigma=1.0, q0=None, *, cut=None, n=40,
                            target=TARGET) -> ZeroAssetCollapseGap:
    r"""Is :func:`zero_asset_collapse` an equilibrium? Both types solve P1 anew with
    :func:`~.markov.solve_household` on the chain of the path's dates (:func:`~.deterministic.time_chain`;
    limits $-q_0b^j_1$ at date 0, which does not bind, and $-b^j_t$, the type's share of $B_t$, after),
    from zero assets, with utility of curvature ``sigma``; nothing in the solver knows (20) or the date-0
    price. The path is cut at the first date with $B_t\le$ ``cut`` $\cdot B^*$ (default 0.1 ``target``),
    after which the limits are zero and $q=\kappa$ repeats. Returns the largest bond-market residual
    $|a^o_t+a^e_t|$ along the re-solved plans and their date-0 consumption minus the closed forms.
    ``q0`` overrides the date-0 price (to show the check failing: at any other price the date-0 market
    does not clear); ``sigma != 1`` re-solves a path derived for log utility.

    ``error``: as in :func:`~.claims_equilibrium.debt_collapse_gap`: the change of the numbers on grids of
    $n/2$, $n-1$, $n+1$ points, plus the largest change of the residual date by date when the path is cut
    ten times later, plus :data:`~.claims.SOLVER_ERROR`; the grid is refined until it is <= ``target``.
    The numbers returned are those of the later cut.
    """
    p = create_example(e_hi, e_lo, beta, 1.0, sigma)
    kappa = p.beta * p.e_hi / p.e_lo
    target = _check_target(target)
    cut = 0.1 * target if cut is None else float(cut)
    if not 0.0 < cut < 1e-3:
        raise ValueError(f"cut (relative limit at which the path is cut) must be in (0, 1e-3), got {cut}")
    base = zero_asset_collapse(e_hi, e_lo, beta, capacity, share_even, T=8)
    q_0 = base.q[0] if q0 is None else float(q0)
    if not 0.0 < q_0 <= 2.0 * kappa:
        raise ValueError(f"q0 (date-0 bond price) must be in (0, 2 kappa = {2.0 * kappa:.6g}], got {q_0}")
    B_star = (p.beta * p.e_hi - p.e_lo) / (1.0 + p.beta)
    bo, be = base.b1
    s = float(share_even)
    closed = np.array([p.e_hi - q_0 * be, p.e_lo + q_0 * be])

    def setup(c):
        T = 8
        while True:
            path = zero_asset_collapse(e_hi, e_lo, beta, capacity, share_even, T=T)
            below = np.nonzero(path.B[1:] <= c * B_star)[0]
            if below.size:
                break
            if T > 800:
                raise RuntimeError(f"zero_asset_collapse_gap: B_t stays above {c:g} B* for 800 dates")
            T *= 2
        end = int(below[0]) + 1
        q = np.r_[q_0, path.q[1:end], kappa, kappa]
        B = np.r_[path.B[:end], 0.0, 0.0]
        S = q.size
        even = np.arange(S) % 2 == 0
        y = np.array([np.where(even, p.e_hi, p.e_lo), np.where(even, p.e_lo, p.e_hi)])
        phi = np.array([-(1.0 - s) * B, -s * B])
        phi[:, 0] = [-q_0 * bo, -q_0 * be]
        return q, B, y, phi

    top = 4.0 * p.e_hi + 4.0 * B_star
    store = {}

    def compute(m, c=cut):
        q, B, y, phi = setup(c)
        S = q.size
        pos, c0 = [], []
        for j in range(2):
            chain = time_chain(q, y[j], phi[j])
            sol = solve_household(chain.P, chain.Q, y[j], phi[j], p.beta, p.sigma, n=m, a_max=top)
            cons, a = _follow(sol, 0.0, np.r_[np.arange(S), S - 2])
            pos.append(a[:S])
            c0.append(cons[0])
        store[m, c] = (q, B, np.array(pos), np.array(c0))
        return np.concatenate([[np.max(np.abs(store[m, c][2].sum(0)))], np.array(c0) - closed])

    def estimate(m, _):
        _, grid = _grid_change(compute, m)
        finer = compute(m, 0.1 * cut)
        r_cut, r_fine = store[m, cut][2].sum(0), store[m, 0.1 * cut][2].sum(0)
        t = np.arange(r_fine.size)
        S = r_cut.size
        at = np.where(t < S, t, S - 2 + (t - (S - 2)) % 2)
        return finer, grid, float(np.max(np.abs(r_cut[at] - r_fine)))

    gap, grid, trunc, n, _, _ = _refined(estimate, int(n), None, target, "zero_asset_collapse_gap")
    q, B, a, c0 = store[n, 0.1 * cut]
    return ZeroAssetCollapseGap(gap, grid + trunc + SOLVER_ERROR, q, B, a, c0, base, n)


# ---------------------------------------------------------------- exercises

SEIGNORAGE_EXERCISE = dict(e_hi=1.5, e_lo=0.5, beta=0.9)
ZERO_COLLAPSE_EXERCISE = dict(e_hi=1.5, e_lo=0.5, beta=0.9, capacity=0.5, share_even=0.4)


def seignorage_peak(e_hi=SEIGNORAGE_EXERCISE["e_hi"], e_lo=SEIGNORAGE_EXERCISE["e_lo"],
                    beta=SEIGNORAGE_EXERCISE["beta"]):
    r"""Exercise hl-ex-seignorage: the money growth $\mu^*$ that maximises the issuer's seignorage
    $s(\mu)=(1-1/\mu)m(\mu)$ (log utility, $g=1$), and $s(\mu^*)$. Found by a bounded scalar search on
    :func:`money_demand_closed_form`, not by the exercise's closed form $\mu^*=\sqrt\kappa$."""
    from scipy.optimize import minimize_scalar

    p = create_example(e_hi, e_lo, beta)
    top = p.beta * p.e_hi / p.e_lo
    res = minimize_scalar(lambda mu: -(1.0 - 1.0 / mu) * money_demand_closed_form(e_hi, e_lo, beta, mu),
                          bounds=(1.0, top), method="bounded", options={"xatol": 1e-12})
    return np.array([res.x, -res.fun])


def seignorage_peak_at_unit_growth():
    """A wrong answer for hl-ex-seignorage: kappa itself (the growth at which money stops being held)."""
    p = SEIGNORAGE_EXERCISE
    return np.array([p["beta"] * p["e_hi"] / p["e_lo"], 0.0])


def zero_asset_collapse_numbers(e_hi=ZERO_COLLAPSE_EXERCISE["e_hi"], e_lo=ZERO_COLLAPSE_EXERCISE["e_lo"],
                                beta=ZERO_COLLAPSE_EXERCISE["beta"], capacity=ZERO_COLLAPSE_EXERCISE["capacity"],
                                share_even=ZERO_COLLAPSE_EXERCISE["share_even"]):
    r"""Exercise hl-ex-zero-collapse: $q_0$, $q_1$ and the first date $t\ge1$ with $B_t<0.01B^*$ on the
    collapse from zero assets (:func:`zero_asset_collapse`)."""
    path = zero_asset_collapse(e_hi, e_lo, beta, capacity, share_even, T=400)
    B_star = (beta * e_hi - e_lo) / (1.0 + beta)
    t = int(np.nonzero(path.B[1:] < 0.01 * B_star)[0][0]) + 1
    return np.array([path.q[0], path.q[1], float(t)])
