r"""The quantities that the chapter's claim checks test for its equilibrium-level results, one function per
result (HL Lemma 2, Propositions 1, 2 and 5, Theorem 2, the App. C transition and collapse), with the
conventions of :mod:`.claims`: each re-solves households with the solver of :mod:`.markov`, which knows nothing of the
result, returns the quantity the result says is zero, and an error estimate (grid changes plus
:data:`~.claims.SOLVER_ERROR`) for which the grid is refined until it is at most the target
(:data:`~.claims.TARGET`, 1e-6), or raises ``RuntimeError``.

- :func:`lemma_2_error` -- the solver's plan of a defaulter (zero assets, zero limits) minus the closed
  form (11)-(12) of Lemma 2;
- :func:`proposition_1_gap` -- both types of the example solved anew at the steady-state price:
  consumption and bond-market clearing against Proposition 1, for any split;
- :func:`proposition_2_gap` -- the money holder solved at $x=1$: money demanded minus $QM=B^*$ and
  consumption minus Proposition 1's (Proposition 2);
- :func:`proposition_5_gap` -- a household with private limits and money re-solved: consumption and net
  assets against Proposition 5's allocation (coexistence);
- :func:`theorem_2_gap` -- a private-debt equilibrium and the unbacked-public-debt economy it maps into,
  all households solved anew: consumption gap and public-debt clearing gap along a path (Theorem 2);
- :func:`appc_transition_gap` -- App. C(a)'s transition from zero assets, both types solved anew on the
  chain of dates: bond-market clearing along the path and date-0 consumption;
- :func:`debt_collapse_gap` -- App. C(b)'s collapse path of map (20), both types solved anew on the chain
  of dates: bond-market clearing along the path.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.claims import (_ALTERNATE, SOLVER_ERROR, TARGET, _check_target, _grid_change,
                                                   _refined)
from commitment.self_enforcing_debt.deterministic import time_chain
from commitment.self_enforcing_debt.example import collapse_path, create_example, default_plan
from commitment.self_enforcing_debt.markov import consumption_at, er_residual_markov, solve_household, value_at

__all__ = ["Lemma2Error", "lemma_2_error", "Proposition1Gap", "proposition_1_gap", "Proposition2Gap",
           "proposition_2_gap", "Proposition5Gap", "proposition_5_gap", "Theorem2Gap", "theorem_2_gap",
           "TransitionGap", "appc_transition_gap", "DebtCollapseGap", "debt_collapse_gap"]


class Proposition2Gap(NamedTuple):
    """The money holder solved at $x=1$ against Proposition 2's steady state."""

    gap: np.ndarray  # (QM demanded by the high agent, c_hi, c_lo): solver minus Proposition 2
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    QM: float  # Proposition 2's real value of money, (b e_hi - e_lo) / (1 + b) (b = beta_hat^(1/sigma))
    demand: float  # the solver's real balances bought by a high agent holding no money
    hypothesis_holds: bool  # beta_hat (e_hi / e_lo)^sigma > 1, i.e. QM > 0
    n: int


def proposition_2_gap(e_hi, e_lo, beta, g=1.0, sigma=1.0, *, n=500, target=TARGET) -> Proposition2Gap:
    r"""Proposition 2 (fiat money): if $\beta\bar e>\underline e$ ($\hat\beta^{1/\sigma}\bar e>\underline e$
    with CRRA, ours), a fixed money stock has a steady state with $x=qg=1$ and real value
    $QM=B^*=(b\bar e-\underline e)/(1+b)$, $b=\hat\beta^{1/\sigma}$, held by the low agents, with
    Proposition 1's consumption $\bar c=(\bar e+\underline e)/(1+b)$, $\underline c=b\bar c$.

    Holding money is saving at zero limits: the money holder's problem is P1 with zero limits at the
    price $x=1$ of real balances (constant real value), solved by :func:`~.markov.solve_household`,
    which knows nothing of the proposition. The function returns the solver's real balances bought by a
    high agent without money (money demand) minus $QM$, his consumption minus $\bar c$, and the
    consumption of a low agent holding the balances he bought minus $\underline c$ (the formulas
    are evaluated whether or not $QM>0$). When $QM\le0$ (the hypothesis fails) the agent saves nothing
    at $x=1$ (Lemma 2), so the first entry is $-QM>0$ and consumption is the endowment.

    ``error``: the change of the three numbers on grids of $n/2$, $n-1$, $n+1$ points
    (:func:`_grid_change`) plus :data:`SOLVER_ERROR`; the grid is refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    b = p.beta_hat ** (1.0 / p.sigma)
    c_hi = (p.e_hi + p.e_lo) / (1.0 + b)
    QM = (b * p.e_hi - p.e_lo) / (1.0 + b)
    want = np.array([QM, c_hi, b * c_hi])

    def solve(m):
        sol = solve_household(_ALTERNATE, _ALTERNATE, [p.e_hi, p.e_lo], [0.0, 0.0], p.beta_hat, p.sigma, n=m,
                              a_max=4.0 * p.e_hi)
        i = int(np.argmin(np.abs(sol.grid[0])))  # zero money is a node (the limit)
        demand = float(sol.a_next[0, 1, i])
        return np.array([demand, sol.c[0, i], float(np.interp(demand, sol.grid[1], sol.c[1]))])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "proposition_2_gap")
    return Proposition2Gap(got - want, grid + SOLVER_ERROR, float(QM), float(got[0]), bool(QM > 0), n)


class Theorem2Gap(NamedTuple):
    """A private-debt equilibrium against the public-debt economy it maps into, along a path of states."""

    gap: np.ndarray  # (consumption gap, public-debt clearing gap): max over types and dates
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    c_private: np.ndarray  # (J, T) consumption of each type with limits phi^j from a^j_0
    c_public: np.ndarray  # (J, T) consumption with zero limits from a_hat^j_0 = a^j_0 - phi^j(s_0)
    private_clearing: float  # max_t |sum_j a^j_t| in the private economy (hypothesis: an equilibrium)
    holdings: np.ndarray  # (T + 1,) sum_j a_hat^j_t in the public-debt economy
    debt: np.ndarray  # (T + 1,) d(s_t) = -sum_j phi^j(s_t), the government's debt
    er_residual: np.ndarray  # (J, S) phi^j - Q phi^j (Theorem 2 needs exact roll-over)
    states: np.ndarray  # (T + 1,) the path of states
    n: int


def _follow(sol, a0, states):
    """Consumption and Arrow claims of a solved household along a given path of states (linear
    interpolation of the policies; claims kept at or above the limit)."""
    T = len(states) - 1
    a, c = np.empty(T + 1), np.empty(T)
    a[0] = a0
    for t in range(T):
        s, s1 = states[t], states[t + 1]
        c[t] = np.interp(a[t], sol.grid[s], sol.c[s])
        a[t + 1] = max(float(np.interp(a[t], sol.grid[s], sol.a_next[s, s1])), sol.phi[s1])
    return c, a


def theorem_2_gap(P, Q, y, phi, beta, sigma=1.0, a0=None, *, T=40, seed=0, s0=0, n=300,
                  target=TARGET) -> Theorem2Gap:
    r"""Theorem 2 (i): a self-enforcing private-debt equilibrium has the allocation of an equilibrium with
    unbacked public debt $d=\sum_j|\phi^j|$, positions $\hat a^j=a^j-\phi^j$.

    ``y`` and ``phi`` are (J, S): each type's endowment and (growth-adjusted) limits on claims paying in
    each state, at common Arrow prices ``Q``; ``a0`` (J,) the private positions at date 0 (zero, the
    paper's start, by default; a stationary equilibrium starts from its own positions), which must
    sum to zero. For each type, P1 is solved twice with :func:`~.markov.solve_household`, on separate
    grids: the private economy (limits $\phi^j$, from $a^j_0$) and the public-debt economy (zero limits,
    from $\hat a^j_0=a^j_0-\phi^j(s_0)$, the type's share of the debt). Both are followed along one
    path of ``T`` states drawn from ``P`` (``seed``).
    Returns the largest consumption gap between the two economies over types and dates, and the largest
    gap between the public-debt holdings $\sum_j\hat a^j_t$ that the re-solved households choose and the
    debt $d(s_t)$ the government rolls over. Nothing imposes either: the theorem (through Proposition 3)
    says both are zero when the $\phi^j$ satisfy exact roll-over and the private positions clear. With
    limits that do not roll over the plans differ.

    ``error``: the change of the residual on grids of $n/2$, $n-1$, $n+1$ points (:func:`_grid_change`)
    plus :data:`SOLVER_ERROR`; the grid is refined until it is <= ``target``.
    """
    P = np.atleast_2d(np.asarray(P, dtype=float))
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    y = np.atleast_2d(np.asarray(y, dtype=float))
    phi = np.atleast_2d(np.asarray(phi, dtype=float))
    J, S = y.shape
    if phi.shape != (J, S):
        raise ValueError(f"phi (limits by type and state) must have the shape of y, {(J, S)}, got {phi.shape}")
    a0 = np.zeros(J) if a0 is None else np.asarray(a0, dtype=float).reshape(-1)
    if a0.shape != (J,) or abs(float(a0.sum())) > 1e-12 * (1.0 + float(np.max(np.abs(a0)))):
        raise ValueError(f"a0 (date-0 private positions) must be {J} numbers summing to zero, got {a0}")
    T = int(T)
    if T < 1:
        raise ValueError(f"T (dates followed) must be >= 1, got {T}")
    if not 0 <= int(s0) < S:
        raise ValueError(f"s0 (initial state) must be in 0..{S - 1}, got {s0}")
    rng = np.random.default_rng(seed)
    states = np.empty(T + 1, dtype=int)
    states[0] = int(s0)
    for t in range(T):
        states[t + 1] = rng.choice(S, p=P[states[t]])
    debt = -phi.sum(0)[states]
    store = {}

    def compute(m):
        cp, cm, hold, priv_hold = [], [], np.zeros(T + 1), np.zeros(T + 1)
        for j in range(J):
            top = 4.0 * float(np.max(y)) + 4.0 * float(np.max(np.abs(phi)))
            priv = solve_household(P, Q, y[j], phi[j], beta, sigma, n=m, a_max=top)
            pub = solve_household(P, Q, y[j], np.zeros(S), beta, sigma, n=m, a_max=top)
            c1, a1 = _follow(priv, a0[j], states)
            c2, a2 = _follow(pub, a0[j] - phi[j, states[0]], states)
            cp.append(c1)
            cm.append(c2)
            hold += a2
            priv_hold += a1
        store[m] = (np.array(cp), np.array(cm), hold, float(np.max(np.abs(priv_hold))))
        return np.array([np.max(np.abs(np.array(cp) - np.array(cm))), np.max(np.abs(hold - debt))])

    gap, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(compute, m), 0.0), int(n), None,
                                     _check_target(target), "theorem_2_gap")
    cp, cm, hold, clearing = store[n]
    er = np.array([er_residual_markov(Q, phi[j]) for j in range(J)])
    return Theorem2Gap(gap, grid + SOLVER_ERROR, cp, cm, clearing, hold, debt, er, states, n)


class Lemma2Error(NamedTuple):
    """Solver minus closed form for the defaulter of Lemma 2 at zero assets in a high period."""

    error: np.ndarray  # (c_hi, a_j): solver minus equations (11)-(12)
    solver: np.ndarray  # (c_hi, a_j) from the solver
    closed_form: np.ndarray  # (c_hi, a_j) from default_plan
    saves: bool  # Lemma 2's case: x_j <= beta_hat (e_hi / e_lo)^sigma (he saves), else he eats his endowment
    phi_d: float  # the defaulter's limit (Lemma 2: zero; negative only to show the check failing)
    tol: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    n: int


def lemma_2_error(e_hi, e_lo, beta, x_j, x_other=1.0, g=1.0, sigma=1.0, *, phi_d=0.0, n=500,
                  target=TARGET) -> Lemma2Error:
    r"""Lemma 2 (equations (11)-(12)): the household solver's plan of a defaulter against the closed form.

    A defaulter restarts in a high period with zero assets and zero limits, at growth-adjusted bond
    prices $x_j$ (his high periods) and $x_{-j}$ (his low periods) on the alternating chain. The
    solver (:func:`~.markov.solve_household`, limits ``phi_d`` on both claims) returns his consumption
    $\bar c^d_j$ and saving $a^d_j$ at $a=0$; the function returns these minus
    :func:`~.example.default_plan`'s: Lemma 1's plan with $\phi_j=0$ if $x_j\le\hat\beta(\bar e/\underline
    e)^\sigma$, else $(\bar e, 0)$. Lemma 2 (``phi_d = 0``) says the error is zero when
    $x_j,x_{-j}\ge\hat\beta$. A defaulter who is *not* excluded from borrowing (``phi_d < 0``, the
    lemma's hypothesis violated) borrows in his low periods and saves less, so the error is non-zero.

    ``tol``: the change of $(\bar c^d_j,a^d_j)$ on grids of $n/2$, $n-1$, $n+1$ points
    (:func:`_grid_change`) plus :data:`SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    phi_d = float(phi_d)
    if not phi_d <= 0.0:
        raise ValueError(f"phi_d (the defaulter's limit) must be <= 0, got {phi_d}")
    plan = default_plan(e_hi, e_lo, beta, x_j, g, sigma)
    Q = np.array([[0.0, float(x_j)], [float(x_other), 0.0]])

    def solve(m):
        sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi_d, phi_d], p.beta_hat, p.sigma, n=m,
                              a_max=4.0 * p.e_hi + 2.0 * abs(phi_d))
        i = int(np.argmin(np.abs(sol.grid[0])))
        if phi_d == 0.0:
            return np.array([sol.c[0, i], sol.a_next[0, 1, i]])
        return np.array([consumption_at(sol, 0, 0.0), float(np.interp(0.0, sol.grid[0], sol.a_next[0, 1]))])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "lemma_2_error")
    want = np.array([plan.c_hi, plan.a])
    return Lemma2Error(got - want, got, want, bool(plan.trades), phi_d, grid + SOLVER_ERROR, n)


class Proposition5Gap(NamedTuple):
    """A household with private limits -k B*/2 and money at price x, against Proposition 5's allocation."""

    gap: np.ndarray  # (c_hi - Proposition 1's c_hi, net assets carried into the low period - (1 - k) B*)
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    c_hi: float  # the solver's consumption of a high agent at his private limit
    net_assets: float  # phi + a': his private debt plus the claims he buys (the other's debt and the money)
    B: float  # Proposition 1's aggregate B* = (b e_hi - e_lo) / (1 + b)
    er_residual: float  # phi - x phi: the constant limits roll over (are self-enforcing) iff x = 1
    n: int


def proposition_5_gap(e_hi, e_lo, beta, k, x=1.0, g=1.0, sigma=1.0, *, n=500, target=TARGET) -> Proposition5Gap:
    r"""Proposition 5 (coexistence) in the example: private limits $\phi=-kB^*/2$ for each type and fiat
    money (or public debt) worth $(1-k)B^*$ support Proposition 1's allocation for every $k\in[0,1]$.

    The household solver (:func:`~.markov.solve_household`) solves a type's problem with limits $\phi$ on
    the alternating chain at the growth-adjusted price ``x`` of bonds and of money (both returns must be
    equal). At $\phi$ in a high period it returns his consumption and the claims he carries into his low
    period; the function returns his consumption minus Proposition 1's $\bar c=(\bar e+\underline e)/(1+b)$
    and his net assets $\phi+a'$ minus the public debt $(1-k)B^*$ (he holds the other type's private debt
    and all the money). Proposition 5 says both are zero at $x=1$, where the constant limits roll over
    and are self-enforcing. At $x\ne1$ neither the constant limits (``er_residual``) nor the constant
    public debt roll over, the hypothesis (an equilibrium with self-enforcing private debt and unbacked
    public debt) fails, and the allocation differs.

    ``error``: the change of the residual on grids of $n/2$, $n-1$, $n+1$ points (:func:`_grid_change`)
    plus :data:`SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    k, x = float(k), float(x)
    if not 0.0 <= k <= 1.0:
        raise ValueError(f"k (private share of the debt) must be in [0, 1], got {k}")
    if not x > 0.0:
        raise ValueError(f"x (growth-adjusted price of bonds and money) must be > 0, got {x}")
    b = p.beta_hat ** (1.0 / p.sigma)
    B = (b * p.e_hi - p.e_lo) / (1.0 + b)
    if not B > 0.0:
        raise ValueError("Proposition 5 needs a debt steady state: beta_hat^(1/sigma) e_hi > e_lo")
    c_bar = (p.e_hi + p.e_lo) / (1.0 + b)
    phi = -k * B / 2.0
    Q = np.array([[0.0, x], [x, 0.0]])

    def solve(m):
        sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi, phi], p.beta_hat, p.sigma, n=m,
                              a_max=4.0 * p.e_hi)
        i = int(np.argmin(np.abs(sol.grid[0] - phi)))  # the limit is a node
        return np.array([sol.c[0, i], phi + sol.a_next[0, 1, i]])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "proposition_5_gap")
    gap = got - np.array([c_bar, (1.0 - k) * B])
    return Proposition5Gap(gap, grid + SOLVER_ERROR, float(got[0]), float(got[1]), float(B), phi - x * phi, n)


class TransitionGap(NamedTuple):
    """App. C(a)'s transition re-solved: asset-market clearing along the path and date-0 consumption."""

    gap: np.ndarray  # (max_t |a_odd + a_even|, c_odd0 - closed form, c_even0 - closed form)
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    q0: float  # App. C's date-0 price at these limits
    a: np.ndarray  # (2, T + 1) the two types' simulated positions (odd, even)
    c0: np.ndarray  # (c_odd0, c_even0) from the solver
    total: float  # b_odd1 + b_even1 (App. C: B*)
    n: int


def appc_transition_gap(e_hi, e_lo, beta, share_even, scale=1.0, *, T=20, n=300,
                        target=TARGET) -> TransitionGap:
    r"""App. C(a) (log utility, $g=1$): from zero assets, with date-1 limits $b^o_1+b^e_1=B^*$, the price
    $q_0=\bar e/(b^e_1+(\bar e+\underline e)/(1+\beta))$ and then $q_t=1$ clear the bond market at every
    date, with date-0 consumption $\bar e-q_0a^o_1$ (odd, high) and $\underline e+q_0b^e_1$ (even).

    Both types solve P1 on the chain of dates (:func:`~.deterministic.time_chain`; prices $q_0,1,1,\dots$,
    limits $-q_0b^j_1$ at date 0 and $-b^j_1$ after) with :func:`~.markov.solve_household`, from zero
    assets, and are followed for ``T`` dates; nothing imposes clearing. The function returns the largest
    $|a^o_t+a^e_t|$ and the date-0 consumptions minus the closed forms. ``scale`` multiplies both
    limits: at ``scale`` $\ne1$ they sum to $\text{scale}\cdot B^*$, the hypothesis fails, and at $q_t=1$
    the high type's saving no longer matches the low type's borrowing.

    ``error``: the change of the three numbers on grids of $n/2$, $n-1$, $n+1$ points
    (:func:`_grid_change`) plus :data:`SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    from commitment.self_enforcing_debt.deterministic import simulate
    from commitment.self_enforcing_debt.example import steady_state

    ss = steady_state(e_hi, e_lo, beta)
    if not ss.exists:
        raise ValueError("no debt steady state: beta e_hi <= e_lo")
    s, scale = float(share_even), float(scale)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"share_even must be in [0, 1], got {s}")
    if not scale > 0.0:
        raise ValueError(f"scale (multiplier of the limits) must be > 0, got {scale}")
    e_hi, e_lo, beta = float(e_hi), float(e_lo), float(beta)
    be, bo = s * scale * ss.total_debt, (1.0 - s) * scale * ss.total_debt
    q0 = e_hi / (be + (e_hi + e_lo) / (1.0 + beta))
    a_o1 = (beta * e_hi - q0 * e_lo) / (q0 * (1.0 + beta)) - bo / (1.0 + beta)
    closed = np.array([e_hi - q0 * a_o1, e_lo + q0 * be])
    q = [q0, 1.0, 1.0]
    types = (([e_hi, e_lo, e_hi], bo), ([e_lo, e_hi, e_lo], be))
    store = {}

    def compute(m):
        paths = []
        for y, b in types:
            ch = time_chain(q, y, [-q0 * b, -b, -b])
            paths.append(simulate(solve_household(ch.P, ch.Q, ch.y, ch.phi, beta, n=m), ch, 0.0, int(T)))
        a = np.array([p.a for p in paths])
        c0 = np.array([p.c[0] for p in paths])
        store[m] = (a, c0)
        return np.concatenate([[np.max(np.abs(a.sum(0)))], c0 - closed])

    gap, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(compute, m), 0.0), int(n), None,
                                     _check_target(target), "appc_transition_gap")
    a, c0 = store[n]
    return TransitionGap(gap, grid + SOLVER_ERROR, float(q0), a, c0, be + bo, n)


class Proposition1Gap(NamedTuple):
    """Both types of the example re-solved at the steady-state price against Proposition 1."""

    gap: np.ndarray  # (c_odd - c_bar, c_even - c_bar, a'_odd + phi_even, a'_even + phi_odd)
    error: float  # grid changes (n/2, n - 1, n + 1 points) + SOLVER_ERROR (<= target)
    phi: np.ndarray  # (phi_odd, phi_even) = -(split, 1 - split) B*
    c: np.ndarray  # the solver's high-period consumption of each type at his limit
    n: int


def proposition_1_gap(e_hi, e_lo, beta, split=0.5, x=1.0, g=1.0, sigma=1.0, *, n=500,
                      target=TARGET) -> Proposition1Gap:
    r"""Proposition 1: if $\hat\beta^{1/\sigma}\bar e>\underline e$ there is a steady state with
    self-enforcing debt at $qg=1$, limits $\phi_o+\phi_e=-B^*$ split in any proportion, and consumption
    $\bar c=(\bar e+\underline e)/(1+b)$ in high periods, $b=\hat\beta^{1/\sigma}$ ($B^*=\bar e-\bar c$;
    the CRRA and growth form is ours).

    Each type solves P1 (:func:`~.markov.solve_household`) on the alternating chain at the
    growth-adjusted price ``x`` with constant limits $\phi_j$ ($\phi_o=-\text{split}\,B^*$,
    $\phi_e=-(1-\text{split})B^*$). At his limit in a high period the solver gives his consumption and
    the claims he buys for his low period; the function returns the consumptions minus $\bar c$ and the
    bond-market clearing residuals $a'_o+\phi_e$, $a'_e+\phi_o$ (each type's saving is the other's
    debt). Proposition 1 says all four are zero at $x=1$, for every split. At $x\ne1$ ($R\ne g$)
    constant limits do not roll over (they are not self-enforcing) and the market does not clear.

    ``error``: the change of the four numbers on grids of $n/2$, $n-1$, $n+1$ points
    (:func:`_grid_change`) plus :data:`SOLVER_ERROR`, the grid refined until it is <= ``target``.
    """
    p = create_example(e_hi, e_lo, beta, g, sigma)
    split, x = float(split), float(x)
    if not 0.0 <= split <= 1.0:
        raise ValueError(f"split (odd type's share of the debt) must be in [0, 1], got {split}")
    if not x > 0.0:
        raise ValueError(f"x (growth-adjusted bond price) must be > 0, got {x}")
    b = p.beta_hat ** (1.0 / p.sigma)
    B = (b * p.e_hi - p.e_lo) / (1.0 + b)
    if not B > 0.0:
        raise ValueError("Proposition 1 needs beta_hat^(1/sigma) e_hi > e_lo (else only autarky)")
    c_bar = (p.e_hi + p.e_lo) / (1.0 + b)
    phi = np.array([-split * B, -(1.0 - split) * B])
    Q = np.array([[0.0, x], [x, 0.0]])

    def solve(m):
        out = []
        for j in range(2):
            sol = solve_household(_ALTERNATE, Q, [p.e_hi, p.e_lo], [phi[j], phi[j]], p.beta_hat, p.sigma, n=m,
                                  a_max=4.0 * p.e_hi)
            i = int(np.argmin(np.abs(sol.grid[0] - phi[j])))  # the limit is a node
            out.append((sol.c[0, i], sol.a_next[0, 1, i]))
        (c_o, a_o), (c_e, a_e) = out
        return np.array([c_o, c_e, a_o, a_e])

    got, grid, _, n, _, _ = _refined(lambda m, top: (*_grid_change(solve, m), 0.0), int(n), None,
                                     _check_target(target), "proposition_1_gap")
    gap = np.array([got[0] - c_bar, got[1] - c_bar, got[2] + phi[1], got[3] + phi[0]])
    return Proposition1Gap(gap, grid + SOLVER_ERROR, phi, got[:2], n)


class DebtCollapseGap(NamedTuple):
    """The App. C(b) collapse path of map (20) against both types re-solved on the chain of its dates."""

    gap: np.ndarray  # (1,): bond-market clearing max_t |a^o_t + a^e_t| along the re-solved plans
    error: float  # grid changes (n/2, n - 1, n + 1 points) + truncation (a later cut) + SOLVER_ERROR
    q: np.ndarray  # the path's prices, then kappa (autarky) repeating
    B: np.ndarray  # the path's aggregate limit, zero after the (later) cut
    a: np.ndarray  # (2, S) the re-solved positions of the odd and the even type entering each date
    n: int
    grid_error: float  # the grid-change part of error
    truncation: float  # the largest change of the residual, date by date, between the cuts at ``cut`` and 0.1 ``cut``


def debt_collapse_gap(e_hi, e_lo, beta, q0, sigma=1.0, share=0.4, *, cut=None, n=20,
                      target=TARGET) -> DebtCollapseGap:
    r"""App. C(b), map (20) (Figure 4): every $q_0\in(1,\kappa)$, $\kappa=\beta\bar e/\underline e$, starts an
    equilibrium in which $q_t$ rises to $\kappa$ and the aggregate limit $B_t$ falls to zero.

    Takes the path that :func:`~.example.collapse_path` computes from (20) (log utility, $g=1$), gives the
    odd type (high at date 0, at his limit) the share ``share`` of $B_t$ and the even type the rest, and
    re-solves both types with :func:`~.markov.solve_household` on the chain of dates (after the first
    date with $B_t\le$ ``cut`` $\cdot B^*$, by default ``cut`` = 0.1 ``target``, the limits are zero and
    $q=\kappa$ repeats: the chain is as short as the target allows), with utility of
    curvature ``sigma``. Returns the largest bond-market clearing residual $|a^o_t+a^e_t|$ along the
    re-solved plans. Nothing in the solver knows (20): with log utility (``sigma=1``) the residual is
    zero up to the error estimate (the households' optimal plans at the path's prices and limits clear
    the market: an equilibrium); the map is derived for log utility, so with ``sigma != 1`` the path is
    not an equilibrium and the plans do not clear. That the path's limits are self-enforcing is
    Theorem 1 (they roll over exactly, $B_t=q_tB_{t+1}$, by construction), checked by
    :func:`~.claims.theorem_1_gap`, not here.

    The residual returned is that of the path cut ten times later, at $0.1$ ``cut`` $\cdot B^*$.
    ``error``: the change of the residual on grids of $n/2$, $n-1$, $n+1$ points (on the chain cut at
    ``cut``), plus the largest change of the residual date by date between the two cuts (the cut's
    effect is about linear in the limit it drops, so this is about nine times the effect of the later
    cut), plus :data:`~.claims.SOLVER_ERROR`; the grid is refined until it is at most ``target``.
    """
    p = create_example(e_hi, e_lo, beta, 1.0, sigma)
    kappa = p.beta * p.e_hi / p.e_lo
    q0 = float(q0)
    if not 1.0 < q0 < kappa:
        raise ValueError(f"q0 (date-0 bond price) must be in (1, kappa = {kappa:.6g}), got {q0}")
    share = float(share)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share (odd type's share of the limit) must be in [0, 1], got {share}")
    target = _check_target(target)
    cut = 0.1 * target if cut is None else float(cut)
    if not 0.0 < cut < 1e-3:
        raise ValueError(f"cut (relative limit at which the path is cut) must be in (0, 1e-3), got {cut}")
    B_star = (p.beta * p.e_hi - p.e_lo) / (1.0 + p.beta)

    def setup(c):
        T = 8
        while True:
            path = collapse_path(q0, p.e_hi, p.e_lo, p.beta, T=T)
            below = np.nonzero(path.B <= c * B_star)[0]
            if below.size:
                break
            if T > 800:
                raise RuntimeError(f"debt_collapse_gap: B_t stays above {c:g} B* for 800 dates from q0 = {q0}")
            T *= 2
        end = int(below[0])
        q = np.r_[path.q[:end], kappa, kappa]
        B = np.r_[path.B[:end], 0.0, 0.0]
        S = q.size
        even = np.arange(S) % 2 == 0
        y = np.array([np.where(even, p.e_hi, p.e_lo), np.where(even, p.e_lo, p.e_hi)])
        phi = np.array([-share * B, -(1.0 - share) * B])
        return q, B, y, phi, time_chain(q, y[0], phi[0])

    top = 4.0 * p.e_hi + 4.0 * B_star
    store = {}

    def compute(m, c=cut):
        q, B, y, phi, chain = setup(c)
        S = q.size
        a0 = np.array([phi[0, 0], -phi[0, 0]])
        pos = []
        for j in range(2):
            sol = solve_household(chain.P, chain.Q, y[j], phi[j], p.beta, p.sigma, n=m, a_max=top)
            pos.append(_follow(sol, a0[j], np.r_[np.arange(S), S - 2])[1][:S])
        store[m, c] = (q, B, np.array(pos))
        return np.array([np.max(np.abs(store[m, c][2].sum(0)))])

    def estimate(m, _):
        _, grid = _grid_change(compute, m)
        finer = compute(m, 0.1 * cut)
        r_cut, r_fine = store[m, cut][2].sum(0), store[m, 0.1 * cut][2].sum(0)
        t = np.arange(r_fine.size)  # the cut chain's date for each date of the longer chain
        S = r_cut.size
        at = np.where(t < S, t, S - 2 + (t - (S - 2)) % 2)
        return finer, grid, float(np.max(np.abs(r_cut[at] - r_fine)))

    gap, grid, trunc, n, _, _ = _refined(estimate, int(n), None, target, "debt_collapse_gap")
    q, B, a = store[n, 0.1 * cut]
    return DebtCollapseGap(gap, grid + trunc + SOLVER_ERROR, q, B, a, n, grid, trunc)
