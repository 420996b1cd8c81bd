r"""A two-state economy with an asymmetric chain (our extension): self-enforcing debt with Perron root one
and one-period risk-free rates that differ from the growth rate.

State 1: type 1 has the high endowment $\bar e$, type 2 the low one; state 2 the reverse. The chain
$P=[[p_1,1-p_1],[1-p_2,p_2]]$ need not be symmetric. In the stationary equilibrium with the exclusion
punishment the type who will be high next period is at his limit on the claim paying then, and the
type who will be low holds the other's debt, as in :func:`~.markov.two_state_markov`. With
$x_s$ the high type's consumption in state $s$ and $\hat\beta=\beta g^{1-\sigma}$, the unconstrained
holders price the claims: $Q(s,s)=\hat\beta p_s$ and
$Q(1,2)=\hat\beta(1-p_1)(x_1/(Y-x_2))^\sigma$, $Q(2,1)=\hat\beta(1-p_2)(x_2/(Y-x_1))^\sigma$.
Self-enforcing limits are $\phi^j=-k\,v$ with $v$ the Perron vector of $Q$ and Perron root one
(Theorem 1 and its Markov extension); we give both types the same multiple $k$ (our selection). Type
1's budgets in states 1 and 2 close the system for $(x_1,x_2,k)$. With $p_1=p_2$ it is
:func:`~.markov.two_state_markov`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import fsolve

from commitment.self_enforcing_debt.example import create_example
from commitment.self_enforcing_debt.markov import perron, risk_free_yields, two_state_markov

__all__ = ["AsymmetricEquilibrium", "asymmetric_two_state"]


class AsymmetricEquilibrium(NamedTuple):
    """Stationary equilibrium of the asymmetric two-state economy (detrended, growth-adjusted prices)."""

    x: np.ndarray  # (x_1, x_2): the high type's consumption in states 1 and 2
    Q: np.ndarray  # growth-adjusted Arrow prices
    P: np.ndarray
    phi: np.ndarray  # (2, 2): row j = type j's limits on claims paying in states 1, 2
    y: np.ndarray  # (2, 2): row j = type j's endowments in states 1, 2
    rho: float  # Perron root of Q (one)
    R: np.ndarray  # one-period gross risk-free rate by state, g / (Q(s, 1) + Q(s, 2))
    long_yield: np.ndarray  # 200-period gross risk-free yield by state (times g)
    residual: float  # largest residual of the three equations (Perron root, type 1's two budgets)
    euler_slack: float  # smallest slack of the borrowers' Euler inequalities (>= 0 in an equilibrium)
    beta_hat: float


def asymmetric_two_state(e_hi, e_lo, beta, p1, p2, sigma=1.0, g=1.0) -> AsymmetricEquilibrium:
    r"""Solve the asymmetric two-state economy (module docstring) for $(x_1,x_2,k)$ by Newton's method
    (``fsolve``) from the symmetric solution at $p=(p_1+p_2)/2$; ``residual`` is the largest residual
    of the three equations at the solution (its own measure of convergence, not fsolve's flag), and
    ``euler_slack`` the smallest of $Q(s,s')-\hat\beta P(s,s')u'(c')/u'(c)$ over the claims on which a
    type is at his limit (non-negative in an equilibrium). Raises ``ValueError`` for $p_s$ outside
    $[0,1)$ and ``RuntimeError`` when the residual is above 1e-10 or no debt equilibrium exists."""
    p = create_example(e_hi, e_lo, beta, g, sigma)
    for name, val in (("p1", p1), ("p2", p2)):
        if not 0.0 <= float(val) < 1.0:
            raise ValueError(f"{name} (probability that state {name[1]} persists) must be in [0, 1), got {val}")
    p1, p2 = float(p1), float(p2)
    bh, s, Y = p.beta_hat, p.sigma, p.e_hi + p.e_lo
    P = np.array([[p1, 1 - p1], [1 - p2, p2]])
    y = np.array([[p.e_hi, p.e_lo], [p.e_lo, p.e_hi]])

    def prices(x1, x2):
        return np.array([[bh * p1, bh * (1 - p1) * (x1 / (Y - x2)) ** s],
                         [bh * (1 - p2) * (x2 / (Y - x1)) ** s, bh * p2]])

    def equations(z):
        x1, x2, k = z
        Q = prices(x1, x2)
        rho, v = perron(Q)
        v = v / v.max()
        f1, f2 = -k * v[0], -k * v[1]  # type 1's limit in state 1 and type 2's in state 2
        return np.array([rho - 1.0,
                         x1 + Q[0, 0] * f1 - Q[0, 1] * f2 - p.e_hi - f1,
                         Y - x2 + Q[1, 0] * f1 - Q[1, 1] * f2 - p.e_lo + f2])

    sym = two_state_markov(p.e_hi, p.e_lo, p.beta, 0.5 * (p1 + p2), p.sigma, p.g)
    if not sym.exists:
        raise RuntimeError("no debt equilibrium at the symmetric start (beta_hat (e_hi/e_lo)^sigma too small)")
    z = fsolve(equations, [sym.c_hi, sym.c_hi, -sym.phi[0]], xtol=1e-13)
    res = float(np.max(np.abs(equations(z))))
    if not res < 1e-10 or not (0 < z[0] < Y and 0 < z[1] < Y and z[2] > 0):
        raise RuntimeError(f"asymmetric_two_state did not converge: residual {res:.3g} at x, k = {z}")
    x1, x2, k = z
    Q = prices(x1, x2)
    rho, v = perron(Q)
    v = v / v.max()
    phi = np.array([-k * v, -k * v])
    # borrowers at their limits: type 2 in state 1 on the claim paying in 2 (he will be high), type 1 in
    # state 2 on the claim paying in 1; the types at their limits on the "stay" claim are indifferent
    slack = min(Q[0, 1] - bh * P[0, 1] * ((Y - x1) / x2) ** s, Q[1, 0] - bh * P[1, 0] * ((Y - x2) / x1) ** s)
    R = p.g / Q.sum(1)
    long = p.g * risk_free_yields(Q, (200,))[0]
    return AsymmetricEquilibrium(np.array([x1, x2]), Q, P, phi, y, float(rho), R, long, res, float(slack), bh)
