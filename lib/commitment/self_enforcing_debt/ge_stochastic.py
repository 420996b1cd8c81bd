r"""What "R = g" means under uncertainty, in general equilibrium (our example, beyond the paper).

In the asymmetric two-state economy of :mod:`.asymmetric` (two types, endowments that swap with the
state, a chain $P=[[p_1,1-p_1],[1-p_2,p_2]]$, growth $g$, the exclusion punishment), the equilibrium has
self-enforcing (not-too-tight) limits along the Perron vector of the growth-adjusted Arrow prices
$\hat Q$, and Theorem 1 with its Markov extension (ours) requires $\rho(\hat Q)=1$.
:func:`ge_stochastic_rates` re-solves both types' problems with the household solver at the
equilibrium's prices and limits, reads each type's consumption at his equilibrium positions, and
builds the prices from the solver's consumption alone: each claim is priced by the marginal rate of
substitution of the type who is unconstrained on it, the largest across types,
$\hat Q(s,s')=\hat\beta P(s,s')\max_j(c_j(s)/c_j(s'))^\sigma$. From these prices it computes

- the Perron root $\rho(\hat Q)$ (the claim: one);
- the one-period gross risk-free rate by state, $R_1(s)=g/\sum_{s'}\hat Q(s,s')$ (the claim: they differ
  from $g$ when the chain is asymmetric, because the row sums of $\hat Q$ are not constant);
- the long-run yield by state, the rate at which the price of an $n$-period risk-free bond decays,
  $g\,(\hat Q^{n}\mathbf 1)(s)/(\hat Q^{n+1}\mathbf 1)(s)$ at large $n$, which tends to $g/\rho(\hat Q)$ in
  every state (Perron--Frobenius): with $\rho=1$ it equals $g$.

So $\rho(\hat Q)=1$ says that the long-horizon risk-free yield equals growth; the one-period rates equal
$g$ in every state only when the row sums of $\hat Q$ are constant (for example in the symmetric chain,
whose Perron vector is constant).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.self_enforcing_debt.asymmetric import asymmetric_two_state
from commitment.self_enforcing_debt.claims import MAX_N, SOLVER_ERROR, _grid_change
from commitment.self_enforcing_debt.markov import consumption_at, perron, solve_household

__all__ = ["GEStochasticRates", "ge_stochastic_rates", "rates_from_prices", "LONG_HORIZON"]

#: Horizon $n$ of the long-run yield $(\hat Q^n\mathbf 1)/(\hat Q^{n+1}\mathbf 1)$; its truncation error is
#: measured as the change from horizon $n/2$.
LONG_HORIZON = 200


def rates_from_prices(Q, g, horizon=LONG_HORIZON):
    r"""Perron root, one-period gross risk-free rates $g/\sum_{s'}Q(s,s')$, and the long-run yield
    $g(Q^n\mathbf 1)(s)/(Q^{n+1}\mathbf 1)(s)$ at $n$ = ``horizon`` and at $n/2$ (for its truncation error)."""
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    if np.any(Q < 0) or Q.shape[0] != Q.shape[1]:
        raise ValueError("Q (Arrow prices) must be a square non-negative matrix")
    if not g > 0:
        raise ValueError(f"g (gross growth) must be > 0, got {g}")
    horizon = int(horizon)
    if horizon < 2:
        raise ValueError(f"horizon must be >= 2, got {horizon}")
    ones = np.ones(Q.shape[0])

    def long(k):
        b = np.linalg.matrix_power(Q, k) @ ones
        return g * b / (Q @ b)

    return float(perron(Q)[0]), g / Q.sum(1), long(horizon), long(horizon // 2)


class GEStochasticRates(NamedTuple):
    """Rates in the asymmetric two-state equilibrium, from prices built from the solver's consumption."""

    rho: float  # Perron root of the growth-adjusted prices Q built from the solver (claim: 1)
    R: np.ndarray  # one-period gross risk-free rate by state, g / sum_s' Q(s, s')
    long_yield: np.ndarray  # g (Q^n 1)(s) / (Q^{n+1} 1)(s), n = LONG_HORIZON (claim: g in every state)
    spread: float  # max_s |R(s) - g| (claim for an asymmetric chain: > error)
    error: float  # grid changes (n/2, n-1, n+1) of (rho, R, long_yield) + SOLVER_ERROR
    long_error: float  # error + change of the long yield from horizon n/2 to n
    Q: np.ndarray  # prices built from the solver's consumption
    Q_equilibrium: np.ndarray  # the equilibrium's prices (asymmetric_two_state), for comparison
    c: np.ndarray  # (2, 2): type j's consumption in state s, from the solver
    g: float
    perturbed: bool  # prices scaled by perturb_prices != 1 (falsifier tests only)
    n: int


def ge_stochastic_rates(e_hi, e_lo, beta, p1, p2, sigma=1.0, g=1.0, *, n=400, perturb_prices=1.0,
                        horizon=LONG_HORIZON) -> GEStochasticRates:
    r"""Perron root, one-period and long-run risk-free rates of our asymmetric two-state equilibrium
    (module docstring), from prices built from the household solver's consumption (not the closed form).

    The equilibrium (prices, limits $-k v$, positions) comes from :func:`~.asymmetric.asymmetric_two_state`.
    Type $j$ is high in state $j$, where he is at his limit $\phi_j(j)$, and holds the other's debt
    $-\phi_{1-j}(1-j)$ in the other state; both are re-solved with :func:`~.markov.solve_household` and
    their consumption read there. ``error`` is the sum of the largest changes of $(\rho,R,\text{long yield})$
    on grids of $n/2$, $n-1$, $n+1$ points plus :data:`~.claims.SOLVER_ERROR`; ``long_error`` adds the
    change of the long yield between horizons $n/2$ and $n$. ``perturb_prices`` multiplies the built
    prices (a perturbation for falsifier tests: the Perron root is then that factor, not one). Validates
    $p_s\in[0,1)$ (in :func:`~.asymmetric.asymmetric_two_state`), $g>0$ and $n$.
    """
    n = int(n)
    if not 100 <= n <= MAX_N:
        raise ValueError(f"n (grid points) must be in [100, {MAX_N}], got {n}")
    if not (np.isfinite(perturb_prices) and perturb_prices > 0):
        raise ValueError(f"perturb_prices must be > 0, got {perturb_prices}")
    g = float(g)
    if not g > 0:
        raise ValueError(f"g (gross growth) must be > 0, got {g}")
    eq = asymmetric_two_state(e_hi, e_lo, beta, p1, p2, sigma, g)
    s = float(sigma)
    # type j's position in state j (at his limit) and in state 1 - j (holding the other's debt)
    pos = np.array([[eq.phi[0, 0], -eq.phi[1, 1]], [-eq.phi[0, 0], eq.phi[1, 1]]])

    def build(m):
        c = np.empty((2, 2))
        for j in range(2):
            sol = solve_household(eq.P, eq.Q, eq.y[j], eq.phi[j], eq.beta_hat, s, n=m)
            c[j] = [consumption_at(sol, st, pos[j, st]) for st in range(2)]
        mrs = np.max([(c[j][:, None] / c[j][None, :]) ** s for j in range(2)], axis=0)
        return perturb_prices * eq.beta_hat * eq.P * mrs, c

    def quantities(m):
        rho, R, long, _ = rates_from_prices(build(m)[0], g, horizon)
        return np.concatenate([[rho], R, long])

    _, grid = _grid_change(quantities, n)
    Q, c = build(n)
    rho, R, long, long_half = rates_from_prices(Q, g, horizon)
    error = grid + SOLVER_ERROR
    long_error = error + float(np.max(np.abs(long - long_half)))
    return GEStochasticRates(rho, R, long, float(np.max(np.abs(R - g))), float(error), float(long_error), Q,
                             eq.Q, c, g, perturb_prices != 1.0, n)
