r"""Households in stationary Markov economies with complete one-period Arrow markets (HL §2, §4).

A household in state $s$ with net financial position $a$ chooses consumption and a portfolio of
Arrow claims $a(s')$, one for each successor state, at (detrended) prices $Q(s,s')$, subject to debt
limits $a(s')\ge\phi(s')$:
$$V(a,s)=\max\ u(c)+\beta\sum_{s'}P(s,s')V(a(s'),s'),\qquad c+\sum_{s'}Q(s,s')a(s')=y(s)+a.$$
This is problem P1 of the paper (equation (4)) for Markov prices and limits. With growth $g$,
quantities are divided by $g^t$, $Q$ is $g$ times the Arrow price and $\beta$ is
$\hat\beta=\beta g^{1-\sigma}$ (our detrending, exact for CRRA utility).

The solver is time iteration on the consumption policy (the first-order conditions of Lemma 3):
for each grid point it finds $c$ with
$c+\sum_{s'}Q(s,s')\max\{c_{s'}^{-1}(cK(s,s')),\phi(s')\}=y(s)+a$,
$K=(\beta P/Q)^{1/\sigma}$, where $c_{s'}^{-1}$ inverts the current policy by linear interpolation.
Values follow by policy evaluation with Hermite interpolation (slopes $u'(c)$ from the envelope
condition). :func:`time_iteration_numpy` is the plain NumPy twin of the numba kernel.

Public functions: :func:`solve_household`, :func:`value_at`, :func:`debt_limit_iteration`,
:func:`perron`, :func:`er_residual_markov`, :func:`natural_limits`, :func:`autarky_values`,
:func:`two_state_markov`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.optimize import brentq

from commitment.interpolation import interp_hermite_many, locate
from commitment.self_enforcing_debt.example import bisect, create_example, crra
from commitment.utility import crra_kernel

__all__ = [
    "HouseholdSolution",
    "solve_household",
    "value_at",
    "time_iteration_numpy",
    "make_grids",
    "LimitIteration",
    "debt_limit_iteration",
    "perron",
    "example_chain",
    "er_residual_markov",
    "natural_limits",
    "autarky_values",
    "TwoStateEquilibrium",
    "two_state_markov",
]


# ----------------------------------------------------------------------------------------------
# kernels
# ----------------------------------------------------------------------------------------------


@njit(cache=True)
def _inverse_policy(A, C, ct):
    """a with C(a) = ct on the increasing policy (A, C); linear inside, linear extrapolation outside.

    Returns (a, slope dA/dC of the segment used)."""
    n = A.shape[0]
    if ct <= C[0]:
        j = 0
    elif ct >= C[n - 1]:
        j = n - 2
    else:
        lo, hi = 0, n - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if C[mid] <= ct:
                lo = mid
            else:
                hi = mid
        j = lo
    slope = (A[j + 1] - A[j]) / (C[j + 1] - C[j])
    return A[j] + (ct - C[j]) * slope, slope


@njit(cache=True)
def _excess(c, s, w, A, C, Q, K, active, phi):
    """F(c) = c + sum_s' Q a'(s') - w and dF/dc for the household in state s with wealth w."""
    S = A.shape[0]
    f = c - w
    df = 1.0
    for sp in range(S):
        if not active[s, sp]:
            f += Q[s, sp] * phi[sp]
            continue
        a, slope = _inverse_policy(A[sp], C[sp], c * K[s, sp])
        if a <= phi[sp]:
            f += Q[s, sp] * phi[sp]
        else:
            f += Q[s, sp] * a
            df += Q[s, sp] * K[s, sp] * slope
    return f, df


@njit(cache=True)
def _solve_c(s, w, c0, A, C, Q, K, active, phi):
    """Root of _excess in c by Newton's method safeguarded with bisection (F is increasing in c)."""
    S = A.shape[0]
    hi = w
    for sp in range(S):
        hi -= Q[s, sp] * phi[sp]
    lo = 0.0
    c = c0
    if not (lo < c < hi):
        c = 0.5 * (lo + hi)
    for _ in range(200):
        f, df = _excess(c, s, w, A, C, Q, K, active, phi)
        if f > 0.0:
            hi = c
        else:
            lo = c
        if abs(f) <= 1e-14 * (1.0 + abs(w)) or hi - lo <= 1e-15 * (1.0 + hi):
            return c
        cn = c - f / df
        if not (lo < cn < hi):
            cn = 0.5 * (lo + hi)
        c = cn
    return c


@njit(cache=True)
def _advance(X, Xn):
    """One step of a fixed-point iteration: returns sup |Xn - X| (nan if any entry is nan) and copies
    Xn into X."""
    err = 0.0
    for k in range(X.size):
        d = abs(Xn.flat[k] - X.flat[k])
        if d > err or d != d:
            err = d
    X[...] = Xn
    return err


@njit(cache=True)
def _claim_ratios(P, Q, beta, sigma):
    """Which claims are traded (P > 0 and Q > 0) and the consumption ratios K = (beta P / Q)^(1/sigma)
    of their Euler equations, c(a'(s'), s') = c K(s, s'); K = 0 for claims not traded."""
    S = P.shape[0]
    active = np.zeros((S, S), dtype=np.bool_)
    K = np.zeros((S, S))
    for s in range(S):
        for sp in range(S):
            if P[s, sp] > 0.0 and Q[s, sp] > 0.0:
                active[s, sp] = True
                K[s, sp] = (beta * P[s, sp] / Q[s, sp]) ** (1.0 / sigma)
    return active, K


@njit(cache=True)
def time_iteration_kernel(A, P, Q, y, phi, beta, sigma, tol, max_iter):
    """Fixed point of the time-iteration operator on the consumption policy (numba kernel).

    A: (S, n) increasing grids, A[s, 0] >= zero-consumption level. Returns (C, iterations, sup change).
    """
    S, n = A.shape
    active, K = _claim_ratios(P, Q, beta, sigma)
    C = np.empty((S, n))
    for s in range(S):
        base = y[s]
        for sp in range(S):
            base -= Q[s, sp] * phi[sp]
        for i in range(n):
            C[s, i] = 0.5 * (base + A[s, i])
    Cn = np.empty((S, n))
    err = np.inf
    it = 0
    while it < max_iter:
        it += 1
        for s in range(S):
            for i in range(n):
                Cn[s, i] = _solve_c(s, y[s] + A[s, i], C[s, i], A, C, Q, K, active, phi)
        err = _advance(C, Cn)
        if err < tol or err != err:
            break
    return C, it, err


@njit(cache=True)
def _policies(A, C, P, Q, y, phi, beta, sigma):
    """Arrow-claim policies a'(s, s', i) implied by the consumption policy C."""
    S, n = A.shape
    active, K = _claim_ratios(P, Q, beta, sigma)
    Ap = np.empty((S, S, n))
    for s in range(S):
        for sp in range(S):
            for i in range(n):
                if active[s, sp]:
                    a, _ = _inverse_policy(A[sp], C[sp], C[s, i] * K[s, sp])
                    Ap[s, sp, i] = max(a, phi[sp])
                else:
                    Ap[s, sp, i] = phi[sp]
    return Ap


@njit(cache=True)
def _policy_evaluation(A, C, Ap, P, beta, sigma, tol, max_iter):
    """Values of the policy: V(s, i) = u(C) + beta sum_s' P V(a'(s'), s'), V(., s') interpolated by
    cubic Hermite with slopes u'(C) (envelope condition).

    The points a'(s') are fixed, so the interpolation is a fixed sparse linear map: with rows
    r = (s, i), V_r = b_r + sum_s' [w0 V(s', j) + w1 V(s', j + 1)], where j brackets a'(s') and the
    slope terms of the Hermite formula are part of b. The map is iterated (a contraction with
    modulus beta) from u(C)/(1 - beta)."""
    S, n = A.shape
    rows = S * n
    col = np.zeros((rows, S), dtype=np.int64)  # flat index s' n + j of the left node
    w0 = np.zeros((rows, S))
    w1 = np.zeros((rows, S))
    b = np.empty(rows)
    V = np.empty(rows)
    for s in range(S):
        for i in range(n):
            r = s * n + i
            b[r] = crra_kernel(C[s, i], sigma)
            V[r] = b[r] / (1.0 - beta)
            for sp in range(S):
                if P[s, sp] > 0.0:
                    # beyond the top of the grid the value is held at its top value (truncation,
                    # reported by HouseholdSolution.overflow); cubic extrapolation far out diverges
                    x = min(Ap[s, sp, i], A[sp, n - 1])
                    j = locate(A[sp], x)
                    h = A[sp, j + 1] - A[sp, j]
                    t = (x - A[sp, j]) / h
                    w = beta * P[s, sp]
                    col[r, sp] = sp * n + j
                    w0[r, sp] = w * (2.0 * t ** 3 - 3.0 * t ** 2 + 1.0)
                    w1[r, sp] = w * (-2.0 * t ** 3 + 3.0 * t ** 2)
                    b[r] += w * h * ((t ** 3 - 2.0 * t ** 2 + t) * C[sp, j] ** (-sigma)
                                     + (t ** 3 - t ** 2) * C[sp, j + 1] ** (-sigma))
    Vn = np.empty(rows)
    err = np.inf
    it = 0
    for it in range(1, max_iter + 1):
        for r in range(rows):
            v = b[r]
            for k in range(S):
                v += w0[r, k] * V[col[r, k]] + w1[r, k] * V[col[r, k] + 1]
            Vn[r] = v
        err = _advance(V, Vn)
        if err < tol or err != err:
            break
    return V.reshape((S, n)), it, err


# ----------------------------------------------------------------------------------------------
# NumPy twin
# ----------------------------------------------------------------------------------------------


def _inverse_policy_numpy(A, C, ct):
    n = A.size
    j = np.clip(np.searchsorted(C, ct, side="right") - 1, 0, n - 2)
    slope = (A[j + 1] - A[j]) / (C[j + 1] - C[j])
    return A[j] + (ct - C[j]) * slope


def time_iteration_numpy(A, P, Q, y, phi, beta, sigma, tol, max_iter):
    """Plain NumPy twin of :func:`time_iteration_kernel`: the same operator, with the root in c found
    by vectorised bisection (80 halvings) for all grid points at once. Returns (C, iterations, error)."""
    S, n = A.shape
    active = (P > 0) & (Q > 0)
    K = np.where(active, (beta * np.where(active, P, 1.0) / np.where(active, Q, 1.0)) ** (1.0 / sigma), 0.0)
    base = y - Q @ phi
    C = 0.5 * (base[:, None] + A)
    it, err = 0, np.inf
    W = y[:, None] + A
    while it < max_iter:
        it += 1
        Cn = np.empty_like(C)
        for s in range(S):
            lo = np.zeros(n)
            hi = W[s] - Q[s] @ phi
            for _ in range(80):
                c = 0.5 * (lo + hi)
                f = c - W[s]
                for sp in range(S):
                    if active[s, sp]:
                        a = np.maximum(_inverse_policy_numpy(A[sp], C[sp], c * K[s, sp]), phi[sp])
                    else:
                        a = phi[sp]
                    f = f + Q[s, sp] * a
                pos = f > 0
                hi = np.where(pos, c, hi)
                lo = np.where(pos, lo, c)
            Cn[s] = 0.5 * (lo + hi)
        err = float(np.max(np.abs(Cn - C)))
        C = Cn
        if err < tol:
            break
    return C, it, err


# ----------------------------------------------------------------------------------------------
# validated wrappers
# ----------------------------------------------------------------------------------------------


def _check_chain(P, Q, y, phi, beta, sigma):
    P = np.atleast_2d(np.asarray(P, dtype=float))
    S = P.shape[0]
    if P.shape != (S, S) or not np.all(np.isfinite(P)) or np.any(P < 0) or not np.allclose(P.sum(1), 1.0):
        raise ValueError("P (transition matrix) must be square, non-negative, with rows summing to 1")
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    if Q.shape != (S, S) or not np.all(np.isfinite(Q)) or np.any(Q < 0):
        raise ValueError(f"Q (Arrow prices) must be a finite non-negative {S}x{S} matrix")
    if np.any((P > 0) & (Q <= 0)):
        raise ValueError("Q (Arrow prices) must be > 0 wherever P > 0 (otherwise claims are free)")
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.shape != (S,) or not np.all(np.isfinite(y) & (y > 0)):
        raise ValueError(f"y (endowments) must be {S} positive numbers")
    phi = np.asarray(phi, dtype=float).reshape(-1)
    if phi.shape != (S,) or not np.all(np.isfinite(phi)) or np.any(phi > 0):
        raise ValueError(f"phi (debt limits) must be {S} finite numbers <= 0")
    beta, sigma = float(beta), float(sigma)
    if not 0.0 < beta < 1.0:
        raise ValueError(f"beta (discount factor of the detrended economy) must be in (0, 1), got {beta}")
    if not (math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma (relative risk aversion) must be > 0, got {sigma}")
    return P, Q, y, phi, beta, sigma


def make_grids(Q, y, phi, n, a_max, below=0.5, power=2.0, frac_below=0.1):
    r"""Grids $A_s$: about ``frac_below`` of the ``n`` points evenly between
    $\phi(s)-\text{below}\,(\phi(s)-\underline a(s))$ and $\phi(s)$, where
    $\underline a(s)=-y(s)+\sum_{s'}Q(s,s')\phi(s')$ is the zero-consumption level (Lemma 3), and the
    rest from $\phi(s)$ (a node, where the policy has a kink) to ``a_max``, concentrated near
    $\phi(s)$ (``power`` > 1). If $\phi(s)\le\underline a(s)+0.05y(s)$ the node is moved up to that level."""
    a_zero = -y + Q @ phi
    # a limit at or below the zero-consumption level cannot be reached with c > 0 (Lemma 3(ii));
    # iterates of the limit operator can be there, and the grid then starts just above a_zero
    node = np.maximum(phi, a_zero + 0.05 * y)
    lo = node - below * (node - a_zero)
    nb = max(int(round(frac_below * n)), 2)
    na = n - nb
    u = np.linspace(0.0, 1.0, na) ** power
    top = node[:, None] + (a_max - node[:, None]) * u[None, :]
    v = np.linspace(0.0, 1.0, nb + 1)[:-1]
    bottom = lo[:, None] + (node - lo)[:, None] * v[None, :]
    return np.concatenate([bottom, top], axis=1)


class HouseholdSolution(NamedTuple):
    """Solution of P1 on grids: values, consumption and Arrow-claim policies, with diagnostics."""

    grid: np.ndarray  # (S, n) asset grids
    c: np.ndarray  # (S, n) consumption policy
    a_next: np.ndarray  # (S, S, n) claims a'(s') bought in s, by successor s'
    V: np.ndarray  # (S, n) values
    phi: np.ndarray  # the limits used
    converged: bool
    iterations: int  # time-iteration steps
    residual: float  # last sup change of the consumption policy
    value_iterations: int
    value_residual: float
    overflow: float  # max a'(s') - a_max over grid points with a <= a_max / 2 (> 0: grid truncation)
    sigma: float
    beta: float


def solve_household(P, Q, y, phi, beta, sigma=1.0, *, n=500, a_max=None, below=0.5, power=2.0,
                    tol=1e-10, max_iter=5000, value_tol=1e-11) -> HouseholdSolution:
    r"""Solve problem P1 (equation (4)) for Markov Arrow prices ``Q`` and limits ``phi`` by time iteration.

    ``P``: transition matrix; ``Q``: (growth-adjusted) Arrow prices, $Q(s,s')>0$ where $P(s,s')>0$;
    ``y``: endowments; ``phi``: limits $\phi(s')\le 0$ on claims paying in $s'$; ``beta``: discount
    factor (use $\hat\beta=\beta g^{1-\sigma}$ with growth). ``a_max`` defaults to
    $4\max y+2\max|\phi|$. Raises ``RuntimeError`` if time iteration or policy evaluation does not
    converge. Check ``overflow`` <= 0 (policies from the lower half of the grid stay inside it).
    """
    P, Q, y, phi, beta, sigma = _check_chain(P, Q, y, phi, beta, sigma)
    n = int(n)
    if n < 10:
        raise ValueError(f"n (grid points) must be >= 10, got {n}")
    if a_max is None:
        a_max = 4.0 * y.max() + 2.0 * np.abs(phi).max()
    a_max = float(a_max)
    if not a_max > 0:
        raise ValueError(f"a_max must be > 0, got {a_max}")
    A = make_grids(Q, y, phi, n, a_max, below, power)
    C, it, err = time_iteration_kernel(A, P, Q, y, phi, beta, sigma, tol, max_iter)
    if not err < tol:
        raise RuntimeError(f"time iteration did not converge: sup change {err:.3g} after {it} iterations")
    Ap = _policies(A, C, P, Q, y, phi, beta, sigma)
    V, vit, verr = _policy_evaluation(A, C, Ap, P, beta, sigma, value_tol, 20000)
    if not verr < value_tol:
        raise RuntimeError(f"policy evaluation did not converge: sup change {verr:.3g} (values diverge "
                           "or wealth leaves the grid, e.g. when some Q(s, s') < beta P(s, s'))")
    half = A <= a_max / 2
    over = max(float(np.max(Ap[s][:, half[s]]) - a_max) for s in range(len(y)))
    return HouseholdSolution(A, C, Ap, V, phi, True, int(it), float(err), int(vit), float(verr), over,
                             sigma, beta)


def value_at(sol: HouseholdSolution, s, a):
    """V(a, s) by Hermite interpolation with slopes u'(c) (envelope condition); a may be an array."""
    A, V = sol.grid[s], sol.V[s]
    dV = sol.c[s] ** (-sol.sigma)
    a = np.asarray(a, dtype=float)
    if np.any(a < A[0]) or np.any(a > A[-1]):
        raise ValueError(f"a outside the grid of state {s}: [{A[0]:.4g}, {A[-1]:.4g}]")
    out = interp_hermite_many(A, V, dV, np.atleast_1d(a))
    return out if a.ndim else float(out[0])


def consumption_at(sol: HouseholdSolution, s, a):
    """Consumption policy c(a, s) by linear interpolation."""
    return np.interp(a, sol.grid[s], sol.c[s])


# ----------------------------------------------------------------------------------------------
# limits: exact roll-over, Perron root, not-too-tight iteration
# ----------------------------------------------------------------------------------------------


def er_residual_markov(Q, phi):
    r"""Exact roll-over residual (16) for stationary Markov limits: $\phi-Q\phi$ (Q growth-adjusted)."""
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    phi = np.asarray(phi, dtype=float)
    return phi - Q @ phi


def perron(Q):
    r"""Perron root $\rho(Q)$ and the positive Perron vector (normalised to sum 1) of a non-negative
    irreducible matrix. Non-zero stationary ER limits exist iff $\rho=1$, and are then multiples of
    $-v$ (our extension of Theorem 1 to Markov prices)."""
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    w, V = np.linalg.eig(Q)
    k = int(np.argmax(w.real))
    v = np.abs(V[:, k].real)
    return float(w[k].real), v / v.sum()


def risk_free_yields(Q, horizons):
    r"""Growth-adjusted gross yields per period of risk-free zero-coupon bonds, by state and maturity.

    A bond paying one (detrended) unit in every state $k$ periods ahead costs $(Q^k\mathbf 1)(s)$ in
    state $s$, so its yield is $R_k(s)/g=[(Q^k\mathbf 1)(s)]^{-1/k}$; $k=1$ is the one-period
    risk-free rate $g/\sum_{s'}Q(s,s')$. For irreducible $Q$, $R_k(s)/g\to1/\rho(Q)$ as
    $k\to\infty$ in every state (Perron--Frobenius), which is what $\rho(Q)=1$ says: the long-run
    risk-free yield equals growth (our remark). Returns an array (len(horizons), S).
    """
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    out = []
    for k in horizons:
        k = int(k)
        if k < 1:
            raise ValueError(f"horizons must be >= 1, got {k}")
        out.append(np.linalg.matrix_power(Q, k).sum(1) ** (-1.0 / k))
    return np.array(out)


def example_chain(seed=1):
    """A random 3-state economy (ours) used by the tests, the roll-over page's checks and the benchmark.

    Transition matrix P with entries drawn from U[0.2, 1] (rows normalised), endowments (1.4, 1.0, 0.6),
    and Arrow prices Q = P m(s')/m(s) with m drawn from U[0.7, 1.4], rescaled to Perron root one (the
    growth-adjusted interest rate equals growth, as in an equilibrium with self-enforcing debt).
    Returns ``(P, Q, y, v)`` with ``v`` the Perron vector of Q (largest entry one).
    """
    rng = np.random.default_rng(seed)
    P = rng.uniform(0.2, 1.0, (3, 3))
    P /= P.sum(1, keepdims=True)
    y = np.array([1.4, 1.0, 0.6])
    m = rng.uniform(0.7, 1.4, 3)
    Q = P * m[None, :] / m[:, None]
    rho, v = perron(Q)
    return P, Q / rho, y, v / v.max()


def natural_limits(Q, y):
    r"""Natural borrowing limits $-(I-Q)^{-1}y$ (the PV of endowments); requires $\rho(Q)<1$."""
    Q = np.atleast_2d(np.asarray(Q, dtype=float))
    rho, _ = perron(Q)
    if not rho < 1.0:
        raise ValueError(f"natural limits are infinite: Perron root of Q is {rho:.6g} >= 1 (R <= g)")
    return -np.linalg.solve(np.eye(Q.shape[0]) - Q, np.asarray(y, dtype=float))


def autarky_values(P, y, beta, sigma=1.0):
    r"""$V^{aut}=(I-\beta P)^{-1}u(y)$, the value of permanent autarky (Alvarez--Jermann's punishment)."""
    P = np.atleast_2d(np.asarray(P, dtype=float))
    u = crra(np.asarray(y, dtype=float), float(sigma))
    return np.linalg.solve(np.eye(P.shape[0]) - beta * P, u)


def _limit_from_value(sol, s, target):
    """inf{a : V(a, s) >= target}, clamped to the grid bottom (and to <= 0).

    The root is bracketed between the grid nodes where the nodal values first reach ``target`` (V is
    increasing, Lemma 3), and found there by Brent's method on the Hermite interpolant to 1e-13 (bisecting
    on the whole of [A[0], 0] gave the same root with five times the interpolations)."""
    A, V = sol.grid[s], sol.V[s]
    f = lambda a: value_at(sol, s, a) - target  # noqa: E731
    if f(A[0]) >= 0.0:
        return A[0], True
    if f(0.0) <= 0.0:
        return 0.0, False
    j = int(np.argmax(V >= target))  # first node at or above the target (V[0] < target here)
    lo = A[j - 1] if j > 0 else A[0]
    hi = min(A[j], 0.0) if V[j] >= target else 0.0
    if f(lo) >= 0.0 or f(hi) <= 0.0:  # the interpolant is not monotone in this cell: whole interval
        lo, hi = A[0], 0.0
    return brentq(f, lo, hi, xtol=1e-13, rtol=4 * np.finfo(float).eps), False


class LimitIteration(NamedTuple):
    """Result of the fixed-price not-too-tight iteration T(phi)(s) = inf{a: V(a, s; phi) >= target(s)}."""

    phi: np.ndarray  # limits at the last iterate
    target: np.ndarray  # D(0, s) (exclusion) or V_aut(s) (autarky)
    history: np.ndarray  # (iterations + 1, S) iterates, starting with phi0
    converged: bool
    iterations: int
    residual: float  # sup |phi_k - phi_{k-1}|
    clamped: bool  # some step hit the grid bottom (the limit was looser than the grid allows)


def debt_limit_iteration(P, Q, y, beta, sigma=1.0, punishment="exclusion", phi0=None, *, tol=1e-6,
                         max_iter=60, max_steps=None, n=300, a_max=None) -> LimitIteration:
    r"""Iterate the not-too-tight operator at fixed prices (Alvarez--Jermann's "not too tight" definition).

    ``punishment="exclusion"`` (Hellwig--Lorenzoni / Bulow--Rogoff): target $D(0,s)$, the value of
    saving only, computed once with zero limits. ``punishment="autarky"`` (Alvarez--Jermann): target
    $V^{aut}(s)$. ``phi0`` defaults to 0.9 times the natural limits (needs $\rho(Q)<1$). Stops when the
    sup change is below ``tol``; ``max_steps`` (optional) applies only that many steps and returns
    without the convergence requirement (e.g. one application of T). Raises RuntimeError if
    ``max_iter`` is reached.
    """
    P, Q, y, _, beta, sigma = _check_chain(P, Q, y, np.zeros(len(np.atleast_1d(y))), beta, sigma)
    if punishment not in ("exclusion", "autarky"):
        raise ValueError(f"punishment must be 'exclusion' or 'autarky', got {punishment!r}")
    S = len(y)
    if phi0 is None:
        phi0 = 0.9 * natural_limits(Q, y)
    phi = np.asarray(phi0, dtype=float).copy()
    if phi.shape != (S,) or np.any(phi > 0):
        raise ValueError(f"phi0 must be {S} numbers <= 0")
    if a_max is None:
        a_max = 4.0 * y.max() + 2.0 * np.abs(phi).max()
    if punishment == "exclusion":
        d = solve_household(P, Q, y, np.zeros(S), beta, sigma, n=n, a_max=a_max)
        target = np.array([value_at(d, s, 0.0) for s in range(S)])
    else:
        target = autarky_values(P, y, beta, sigma)
    hist = [phi.copy()]
    clamped = False
    steps = max_steps if max_steps is not None else max_iter
    err = np.inf
    for k in range(1, steps + 1):
        sol = solve_household(P, Q, y, phi, beta, sigma, n=n, a_max=a_max)
        new = np.empty(S)
        for s in range(S):
            new[s], c = _limit_from_value(sol, s, target[s])
            clamped |= c
        err = float(np.max(np.abs(new - phi)))
        phi = new
        hist.append(phi.copy())
        if max_steps is None and err < tol:
            return LimitIteration(phi, target, np.array(hist), True, k, err, clamped)
    if max_steps is not None:
        return LimitIteration(phi, target, np.array(hist), err < tol, steps, err, clamped)
    raise RuntimeError(f"debt-limit iteration did not converge in {max_iter} steps (sup change {err:.3g})")


# ----------------------------------------------------------------------------------------------
# the two-state stochastic economy (our extension)
# ----------------------------------------------------------------------------------------------


class TwoStateEquilibrium(NamedTuple):
    """Symmetric stationary equilibrium of the two-state economy (ours; detrended).

    State 1: agent 1 high (endowment e_hi), agent 2 low; state 2 the reverse. Agent 1's limits
    ``phi`` are indexed by the successor state (claims paying in state 1, in state 2)."""

    punishment: str
    exists: bool  # a non-autarkic equilibrium with c_hi < e_hi
    first_best: bool  # the participation constraints are slack (AJ only)
    c_hi: float  # consumption of the high-endowment agent
    c_lo: float
    q_stay: float  # growth-adjusted Arrow price of the current state
    q_switch: float  # ... of the other state
    R: float  # gross risk-free rate g / (q_stay + q_switch)
    phi: np.ndarray  # agent 1's limits on claims paying in state 1 (high) and state 2 (low)
    total_debt: float  # debt of the high agent's counterparty: -(phi_1 + phi_2 of the two agents) for HL
    beta_hat: float
    P: np.ndarray
    Q: np.ndarray  # growth-adjusted Arrow-price matrix
    y: np.ndarray  # agent 1's endowment by state


def two_state_markov(e_hi, e_lo, beta, persistence, sigma=1.0, g=1.0, punishment="exclusion",
                     split=0.5, low_limit=True, n=300) -> TwoStateEquilibrium:
    r"""Two-state stochastic version of the example (our extension; $\pi$ = ``persistence``).

    Prices: $\hat q_s=\hat\beta\pi$, $\hat q_w=\hat\beta(1-\pi)(c_h/c_l)^\sigma$ (priced by the
    unconstrained high agent); $R=g/(\hat q_s+\hat q_w)$.

    * ``"exclusion"`` (HL): exact roll-over of constant limits forces $\hat q_s+\hat q_w=1$ ($R=g$), so
      $(c_h/c_l)^\sigma=(1-\hat\beta\pi)/(\hat\beta(1-\pi))$; limits are constant across states with
      $\phi^1+\phi^2=(c_h-\bar e)/\hat q_w$, agent 1 holding ``split`` of it.
    * ``"autarky"`` (Alvarez--Jermann): $c_h$ is the smallest $c\in[(\bar e+\underline e)/2,\bar e]$
      with $V_h(c)\ge V^{aut}_h$; the binding limit is $\phi_H=(c_h-\bar e)/(1-\hat q_s+\hat q_w)$ and
      the slack one $\phi_L$ comes from :func:`debt_limit_iteration` at these prices (skipped, nan, if
      ``low_limit`` is False or at the first best).

    At $\pi=0$ the HL case is Proposition 1. Without a debt equilibrium (``exists`` False) consumption
    equals endowments, limits are zero and prices are those at which the high agent is unconstrained.
    """
    if punishment not in ("exclusion", "autarky"):
        raise ValueError(f"punishment must be 'exclusion' or 'autarky', got {punishment!r}")
    # the same admissible endowments, beta, g and sigma as the deterministic example (create_example)
    p = create_example(e_hi, e_lo, beta, g, sigma)
    e_hi, e_lo, sigma, g, bh = p.e_hi, p.e_lo, p.sigma, p.g, p.beta_hat
    pi, split = float(persistence), float(split)
    if not 0 <= pi < 1:
        raise ValueError(f"persistence must be in [0, 1), got {persistence!r}")
    if not 0 <= split <= 1:
        raise ValueError(f"split must be in [0, 1], got {split!r}")
    Y = e_hi + e_lo
    P = np.array([[pi, 1 - pi], [1 - pi, pi]])
    y = np.array([e_hi, e_lo])

    def prices(ch):
        qs, qw = bh * pi, bh * (1 - pi) * (ch / (Y - ch)) ** sigma
        return qs, qw, np.array([[qs, qw], [qw, qs]])

    nan2 = np.array([np.nan, np.nan])
    if punishment == "exclusion":
        r = ((1 - bh * pi) / (bh * (1 - pi))) ** (1 / sigma)
        ch = Y * r / (1 + r)
        if not ch < e_hi:
            qs, qw, Q = prices(e_hi)
            return TwoStateEquilibrium(punishment, False, False, e_hi, e_lo, qs, qw, g / (qs + qw),
                                       np.zeros(2), 0.0, bh, P, Q, y)
        qs, qw, Q = prices(ch)
        tot = (ch - e_hi) / qw
        phi1 = split * tot
        return TwoStateEquilibrium(punishment, True, False, ch, Y - ch, qs, qw, g / (qs + qw),
                                   np.array([phi1, phi1]), -tot, bh, P, Q, y)

    vaut = autarky_values(P, y, bh, sigma)
    M = np.linalg.inv(np.eye(2) - bh * P)

    def gap(c):
        u = crra(np.array([c, Y - c]), sigma)
        return (M @ u)[0] - vaut[0]

    lo = Y / 2
    if gap(lo) >= 0:
        ch, fb = lo, True
    else:
        # gap is concave in c, zero at e_hi; an interior root exists iff gap'(e_hi) < 0
        top = e_hi - 1e-9 * (e_hi - lo)
        if gap(top) <= 0:
            qs, qw, Q = prices(e_hi)
            return TwoStateEquilibrium(punishment, False, False, e_hi, e_lo, qs, qw, g / (qs + qw),
                                       np.zeros(2), 0.0, bh, P, Q, y)
        ch, fb = bisect(gap, lo, top, xtol=1e-14), False
    qs, qw, Q = prices(ch)
    phiH = (ch - e_hi) / (1 - qs + qw)
    phiL = np.nan
    if low_limit and not fb:
        it = debt_limit_iteration(P, Q, y, bh, sigma, "autarky", n=n)
        phiL = it.phi[1]
    return TwoStateEquilibrium(punishment, True, fb, ch, Y - ch, qs, qw, g / (qs + qw),
                               np.array([phiH, phiL]), -2 * phiH, bh, P, Q, y)
