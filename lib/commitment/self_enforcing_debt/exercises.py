"""Answers of the self-enforcing-debt chapter's exercises, computed (``book/self_enforcing_debt/exercises.md``).

Each function computes what an exercise asks for, from its statement; the exercise's self-check
(:func:`commitment.selfcheck.check_answer`, entries in ``commitment/data/selfchecks.toml``) compares a
student's values with it. The page's solutions compute the same quantities in their own cells, mostly by
the closed forms the solutions derive; where an answer has a closed form, the function here finds it by
a root finder on the library's economy instead, so that the two routes meet.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from commitment.self_enforcing_debt.example import collapse_path, steady_state, symmetric_market_price, transition

__all__ = ["EXISTENCE", "growth_bound", "growth_bound_log_mistake", "SPLIT_SHARES", "even_consumption_by_split",
           "odd_consumption_by_split", "loose_limit_capacity", "PERRON_CHAIN", "perron_chain_gaps",
           "COLLAPSE_EPS", "collapse_durations", "bulow_rogoff_unravelling_factor"]

EXISTENCE = dict(e_hi=1.1, e_lo=0.9, beta=0.9, sigma=2.0)
SPLIT_SHARES = (0.0, 0.5, 1.0)
BASELINE = (1.5, 0.5, 0.9)  # the paper's example (e_hi, e_lo, beta)
COLLAPSE_EPS = (1e-2, 1e-4, 1e-6)


def growth_bound(e_hi=EXISTENCE["e_hi"], e_lo=EXISTENCE["e_lo"], beta=EXISTENCE["beta"], sigma=EXISTENCE["sigma"]):
    r"""Exercise hl-ex-existence: the growth factor $g^*$ above which the CRRA example has no steady state
    with self-enforcing debt (Lemma 1 at $x=1$ with $\hat\beta=\beta g^{1-\sigma}$). The
    bound is where the highest interest rate compatible with autarky, $1/q^{aut}$, equals $g$: the root of
    $1/q^{aut}(g)-g$, found by Brent's method on the library's steady state (the solution derives the
    closed form $g^*=\beta(\bar e/\underline e)^\sigma$ for $\sigma=2$ from $B^*(g)>0$)."""
    def gap(g):
        return 1.0 / steady_state(e_hi, e_lo, beta, g=g, sigma=sigma).q_aut_min - g
    lo, hi = 1.0, 1.0
    while gap(lo) >= 0:  # the autarky rate is below g at low growth when sigma > 1
        lo /= 1.5
    while gap(hi) <= 0:
        hi *= 1.5
    return np.array([brentq(gap, lo, hi, xtol=1e-14, rtol=1e-14)])


def growth_bound_log_mistake():
    r"""A known mistake for hl-ex-existence: the log-utility bound $\beta\bar e/\underline e$ ($\sigma=1$)."""
    return np.array([EXISTENCE["beta"] * EXISTENCE["e_hi"] / EXISTENCE["e_lo"]])


def even_consumption_by_split(shares=SPLIT_SHARES):
    r"""Exercise hl-ex-split: the even type's date-0 consumption $c^e_0$ on the App. C transition of the
    paper's example when he holds the share ``shares`` of the date-1 debt capacity $B^*$."""
    return np.array([transition(*BASELINE, share).c_even0 for share in shares])


def odd_consumption_by_split(shares=SPLIT_SHARES):
    r"""A known mistake for hl-ex-split: the odd type's date-0 consumption $c^o_0$ instead of the even type's."""
    return np.array([transition(*BASELINE, share).c_odd0 for share in shares])


def loose_limit_capacity():
    r"""Exercise hl-ex-loose: the largest symmetric debt capacity $-2\phi$ at which Lemma 1 applies
    (the market-clearing price $x$ of the log example equals $\beta$), and its ratio to $B^*$. Found by
    Brent's method on the library's market-clearing price (the solution derives
    $-2\phi=(\bar e-\underline e)/(1+\beta)$)."""
    e_hi, e_lo, beta = BASELINE
    B_star = steady_state(e_hi, e_lo, beta).total_debt
    def excess(cap):
        return symmetric_market_price(e_hi, e_lo, beta, -cap / 2) - beta
    hi = B_star
    while excess(hi) > 0:  # x falls as the limits loosen; x = 1 > beta at B*
        hi *= 1.5
    cap = brentq(excess, B_star, hi, xtol=1e-14, rtol=1e-14)
    return np.array([cap, cap / B_star])


PERRON_CHAIN = dict(P=((0.6, 0.3, 0.1), (0.2, 0.6, 0.2), (0.1, 0.3, 0.6)), y=(1.4, 1.0, 0.6), m=(0.8, 1.0, 1.2),
                    beta=0.9, scale=0.98, depth=0.2)


def perron_chain_gaps(n=500):
    r"""Exercise hl-ex-perron (c): $V(\phi,s)-D(0,s)$ in each state of the exercise's chain with Arrow prices
    $Q=P\odot(m'/m)$ scaled to Perron root 0.98 and limits $\phi=-0.2\,v/\max v$ along the Perron vector,
    from the household solver (problem P1) on ``n`` grid points."""
    from commitment.self_enforcing_debt.markov import perron, solve_household, value_at
    P, y, m = (np.array(PERRON_CHAIN[k], dtype=float) for k in ("P", "y", "m"))
    Q = P * m[None, :] / m[:, None]
    Q = Q / perron(Q)[0]
    v = perron(Q)[1]
    Qs = PERRON_CHAIN["scale"] * Q
    phi = -PERRON_CHAIN["depth"] * v / v.max()
    rep = solve_household(P, Qs, y, phi, PERRON_CHAIN["beta"], n=n)
    dft = solve_household(P, Qs, y, np.zeros(3), PERRON_CHAIN["beta"], n=n)
    return np.array([value_at(rep, s, phi[s]) - value_at(dft, s, 0.0) for s in range(3)])


def collapse_durations(eps=COLLAPSE_EPS, T=80):
    r"""Exercise hl-ex-collapse: for each $\varepsilon$, the first date $t$ (with $q_0=1+\varepsilon$ at
    date 0) at which the debt capacity $B_t$ on the collapse path of map (20) is below 1% of $B^*$."""
    e_hi, e_lo, beta = BASELINE
    B_star = steady_state(e_hi, e_lo, beta).total_debt
    out = []
    for e in eps:
        below = collapse_path(1 + e, e_hi, e_lo, beta, T=T).B < 0.01 * B_star
        if not below.any():
            raise RuntimeError(f"the collapse from eps = {e} stays above 1% of B* for T = {T} periods")
        out.append(float(np.argmax(below)))
    return np.array(out)


def bulow_rogoff_unravelling_factor(delta=0.05, steps=8, n=300):
    r"""Exercise hl-ex-br: at prices $(1-\delta)\hat q$ (the paper's example as a two-state chain with
    $\pi=0$), the not-too-tight iteration with the Bulow--Rogoff punishment from 0.9 times the natural
    limits: the debt capacity in state 1 after step ``steps`` divided by that after step ``steps - 1``."""
    from commitment.self_enforcing_debt.markov import debt_limit_iteration, two_state_markov
    hl = two_state_markov(*BASELINE, 0.0)
    it = debt_limit_iteration(hl.P, (1 - delta) * hl.Q, hl.y, hl.beta_hat, max_steps=steps, n=n)
    capacity = -it.history[:, 0]
    return np.array([capacity[steps] / capacity[steps - 1]])

