r"""The model of Section 6 (environment page): parameters, the grid, and the closed forms of the
distribution of the default value ``v^D`` (``F``, ``f``, ``G``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit


# ----------------------------------------------------------------------------------------- model


class DebtMaturityModel(NamedTuple):
    """Parameters of the stationary perpetuity economy of Section 6 and the solver's ``v``-grid.

    ``v`` runs from ``vD_lo`` (the lowest value of default) with spacing ``h`` chosen so that the node
    ``v[i_hi]`` is exactly ``vD_hi``, the top of the default-value support, and continues with the same
    spacing up to about ``vD_hi + pad * (vD_hi - vD_lo)`` (Lemma 2: the planner never promises more
    than ``max{v, vD_hi}``, so the grid needs only modest room above ``vD_hi``).
    """

    y: float
    R: float
    beta: float
    tau_lo: float
    tau_hi: float
    N: int
    pad: float
    vD_lo: float
    vD_hi: float
    i_hi: int
    h: float
    v: np.ndarray
    F_nodes: np.ndarray
    G_nodes: np.ndarray
    A_nodes: np.ndarray  # exp(-beta G) at the nodes: consumption per unit of exp(v) when promising v_j


def create_model(y=2.0, R=1.05, beta=None, tau_lo=0.2, tau_hi=0.9, N=800, pad=None, align_kink=True):
    """The perpetuity economy of Section 6: log utility, ``v^D = log(tau y)/(1-beta)``, ``tau ~ U[tau_lo, tau_hi]``.

    ``beta`` defaults to ``1/R`` (Figure 2); the paper's Figures 3-4 use ``beta = 0.9/R``. ``N`` is the
    number of grid nodes in ``v``; ``pad`` the room above ``vD_hi`` as a share of the support width.
    With ``pad=None`` (default) the grid top is the larger of ``vD_hi + 0.07 (vD_hi - vD_lo)`` and
    ``V(0, 0) + 0.01 (vD_hi - vD_lo)``, capped at ``vD_hi + 0.5 (vD_hi - vD_lo)``. Here ``V(0, 0)`` is the
    repayment value of a government with no debt and no coupon, in closed form when its path is
    riskless (:func:`riskless_value_of_zero_debt`; so whenever ``l* >= 0``, :func:`boundary_threshold`).
    More legacy debt only lowers the value of a given debt, so unless the cap binds every state with
    ``b >= 0`` and ``l >= 0`` is on the grid (at the paper's parameters the pad is 0.08 for beta R = 1
    and 0.16 for beta R = 0.9). Where the cap binds (narrow default-cost ranges), debt levels below
    ``B*(v_max, l)`` are off the grid, and :func:`simulate_path` and the functions built on it raise an
    error that names the smallest representable debt. A larger pad only adds creditor states (b < 0),
    where policy iteration converges slowly or cycles. ``align_kink=False`` spaces the grid uniformly from ``vD_lo`` to the top without a
    node at ``vD_hi`` (only to show why the node matters). Raises ``ValueError`` naming the parameter
    and its admissible range.
    """
    y, R = float(y), float(R)
    if not (math.isfinite(y) and y > 0):
        raise ValueError(f"y must be > 0 (endowment), got {y!r}")
    if not (math.isfinite(R) and R > 1):
        raise ValueError(f"R must be > 1 (gross interest rate), got {R!r}")
    beta = 1.0 / R if beta is None else float(beta)
    if not (math.isfinite(beta) and beta > 0 and beta * R <= 1 + 1e-12):
        raise ValueError(f"beta must satisfy 0 < beta*R <= 1 (here R = {R}), got beta = {beta!r}")
    tau_lo, tau_hi = float(tau_lo), float(tau_hi)
    if not (0 < tau_lo < tau_hi < 1):
        raise ValueError(f"tau_lo, tau_hi must satisfy 0 < tau_lo < tau_hi < 1, got {tau_lo!r}, {tau_hi!r}")
    if int(N) != N or N < 50:
        raise ValueError(f"N must be an integer >= 50 (grid nodes), got {N!r}")
    N = int(N)
    vD_lo = math.log(tau_lo * y) / (1 - beta)
    vD_hi = math.log(tau_hi * y) / (1 - beta)
    if pad is None:
        v0 = riskless_value_of_zero_debt(y, R, beta, tau_hi)
        pad = min(max(0.07, (v0 - vD_hi) / (vD_hi - vD_lo) + 0.01), 0.5)
    pad = float(pad)
    if not (0.01 <= pad <= 1.0):
        raise ValueError(f"pad must be in [0.01, 1] (grid room above the default support), got {pad!r}")
    if align_kink:
        n1 = int(round((N - 1) / (1 + pad))) + 1  # nodes on [vD_lo, vD_hi]
        h = (vD_hi - vD_lo) / (n1 - 1)
        v = vD_lo + h * np.arange(N, dtype=float)
        v[n1 - 1] = vD_hi  # kink node exactly
        i_hi = n1 - 1
    else:
        h = (vD_hi - vD_lo) * (1 + pad) / (N - 1.5)  # vD_hi half-way between two nodes
        v = vD_lo + h * np.arange(N, dtype=float)
        i_hi = int(np.searchsorted(v, vD_hi))  # first node above the kink; cell i_hi - 1 straddles it
    F_nodes = repay_cdf(v, beta, y, tau_lo, tau_hi)
    G_nodes = expected_max(v, beta, y, tau_lo, tau_hi)
    return DebtMaturityModel(y, R, beta, tau_lo, tau_hi, N, pad, vD_lo, vD_hi, i_hi, h, v, F_nodes, G_nodes,
                             np.exp(-beta * G_nodes))


def riskless_value_of_zero_debt(y, R, beta, tau_hi):
    """The repayment value ``V(0, 0)`` of a government with no debt and no legacy coupon whose
    equilibrium path never meets default risk (ours; the case ``l* >= 0`` of :func:`boundary_threshold`).

    Such a path follows the riskless Euler equation (15), ``c_k = c_0 (beta R)^k``, for ``k < T`` and
    then sits on the no-default boundary with ``c = tau_hi y`` and debt ``R/(R-1) y (1 - tau_hi)``
    (beta R < 1), or keeps ``c = y`` forever (beta R = 1, ``T`` infinite). The budget from ``b = 0``
    gives ``c_0`` for each ``T``; the equilibrium path is one of these plans with ``c_{T-1} >= tau_hi y``,
    so the largest value among them bounds ``V(0, 0)`` from above (and equals it). Used to place the
    top of the ``v``-grid (:func:`create_model`).
    """
    if abs(beta * R - 1.0) < 1e-12:
        return math.log(y) / (1.0 - beta)
    vD_hi = math.log(tau_hi * y) / (1.0 - beta)
    b_bar = R / (R - 1.0) * y * (1.0 - tau_hi)
    best = -math.inf
    tilt = 0.0  # sum_{k<T} k beta^k
    for T in range(1, 100000):
        tilt += (T - 1) * beta ** (T - 1)
        S = (1.0 - beta ** T) / (1.0 - beta)
        c0 = (y * (1.0 - R ** -T) / (1.0 - 1.0 / R) + R ** -T * b_bar) / S
        if c0 * (beta * R) ** (T - 1) < tau_hi * y:
            break
        best = max(best, math.log(c0) * S + math.log(beta * R) * tilt + beta ** T * vD_hi)
    return best


def default_bounds(model):
    """``(vD_lo, vD_hi)``: the support of the value of default, ``log(tau y)/(1-beta)`` at ``tau_lo, tau_hi``."""
    return model.vD_lo, model.vD_hi


# ------------------------------------------------------------------- distribution of v^D (closed forms)


@njit(cache=True)
def _tau(v, beta, y, tlo, thi):
    t = math.exp((1.0 - beta) * v) / y
    return min(max(t, tlo), thi)


@njit(cache=True)
def _F(v, beta, y, tlo, thi):
    return (_tau(v, beta, y, tlo, thi) - tlo) / (thi - tlo)


@njit(cache=True)
def _f(v, beta, y, tlo, thi):
    t = math.exp((1.0 - beta) * v) / y
    if t <= tlo or t >= thi:
        return 0.0
    return (1.0 - beta) * t / (thi - tlo)


@njit(cache=True)
def _phi(t, y):
    return t * math.log(t * y) - t


@njit(cache=True)
def _G(v, beta, y, tlo, thi):
    t = _tau(v, beta, y, tlo, thi)
    return (t - tlo) / (thi - tlo) * v + (_phi(thi, y) - _phi(t, y)) / ((1.0 - beta) * (thi - tlo))


@njit(cache=True)
def _vec(fun_id, v, beta, y, tlo, thi):
    out = np.empty(v.shape[0])
    for i in range(v.shape[0]):
        if fun_id == 0:
            out[i] = _F(v[i], beta, y, tlo, thi)
        elif fun_id == 1:
            out[i] = _f(v[i], beta, y, tlo, thi)
        else:
            out[i] = _G(v[i], beta, y, tlo, thi)
    return out


def _apply(fun_id, v, beta, y, tlo, thi):
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    out = _vec(fun_id, arr.ravel(), float(beta), float(y), float(tlo), float(thi)).reshape(arr.shape)
    return out if np.ndim(v) else float(out[0])


def repay_cdf(v, beta, y, tau_lo, tau_hi):
    """``F(v) = Pr(v^D <= v)``: the probability of repaying at promised value ``v`` (linear in ``exp((1-beta)v)``)."""
    return _apply(0, v, beta, y, tau_lo, tau_hi)


def repay_pdf(v, beta, y, tau_lo, tau_hi):
    """``f(v) = F'(v)`` inside the support, 0 outside (it jumps to 0 at ``vD_hi``)."""
    return _apply(1, v, beta, y, tau_lo, tau_hi)


def expected_max(v, beta, y, tau_lo, tau_hi):
    """``G(v) = E max{v, v^D}`` in closed form (the continuation value in (6)); ``G' = F``."""
    return _apply(2, v, beta, y, tau_lo, tau_hi)


class DistributionErrors(NamedTuple):
    """Closed forms (aahw-F), (aahw-G) against quadrature over ``tau`` (:func:`default_distribution_error`):
    at the promises ``v``, ``err_F`` and ``err_G`` the closed form minus the quadrature, ``tol_F`` and
    ``tol_G`` the quadrature's own error (twice its change from a grid with half the nodes, plus rounding)."""

    v: np.ndarray
    err_F: np.ndarray
    err_G: np.ndarray
    tol_F: float
    tol_G: float
    tau_density: str


def _tau_weights(tau, tau_lo, tau_hi, tau_density):
    """Density of ``tau`` on the nodes: ``"uniform"`` (the paper's Section 6) or ``"triangular"``
    (``2 (tau - tau_lo) / (tau_hi - tau_lo)^2``, which the closed forms do not assume)."""
    if tau_density == "uniform":
        return np.full(tau.size, 1.0 / (tau_hi - tau_lo))
    if tau_density == "triangular":
        return 2.0 * (tau - tau_lo) / (tau_hi - tau_lo) ** 2
    raise ValueError(f"tau_density must be 'uniform' or 'triangular', got {tau_density!r}")


def default_distribution_error(model, *, tau_density="uniform", n_tau=400_001, n_v=9):
    """Our closed forms for the Section 6 default value ``v^D = log(tau y)/(1 - beta)``, ``tau ~ U[tau_lo,
    tau_hi]``: ``F(v) = Pr(v^D <= v)`` (aahw-F) and ``G(v) = E max{v, v^D}`` (aahw-G), against the
    trapezoid rule over ``tau`` (``n_tau`` nodes) of their definitions with the density ``tau_density``, at
    ``n_v`` promises from ``vD_lo - 1`` to ``vD_hi + 1``. With ``tau_density="triangular"`` the closed forms'
    hypothesis (uniform ``tau``) fails and so do they. The tolerances are the quadrature's measured error:
    twice the change from ``(n_tau + 1)/2`` nodes (the error of the finer rule is at most the change for a
    rule converging at least linearly), plus 1e-12 relative rounding. Returns :class:`DistributionErrors`."""
    if not (isinstance(n_tau, (int, np.integer)) and n_tau >= 1001 and n_tau % 2 == 1):
        raise ValueError(f"n_tau must be an odd integer >= 1001 (the half grid is every other node), got {n_tau!r}")
    if not (isinstance(n_v, (int, np.integer)) and n_v >= 2):
        raise ValueError(f"n_v must be an integer >= 2, got {n_v!r}")
    m = model
    v = np.linspace(m.vD_lo - 1.0, m.vD_hi + 1.0, int(n_v))
    tau = np.linspace(m.tau_lo, m.tau_hi, int(n_tau))
    w = _tau_weights(tau, m.tau_lo, m.tau_hi, tau_density)
    vD = np.log(tau * m.y) / (1.0 - m.beta)

    def quad(step):
        t, ww, vd = tau[::step], w[::step], vD[::step]
        F = np.array([np.trapezoid(ww * (vd <= x), t) for x in v])
        G = np.array([np.trapezoid(ww * np.maximum(x, vd), t) for x in v])
        return F, G

    (F1, G1), (F2, G2) = quad(1), quad(2)
    F_cf = repay_cdf(v, m.beta, m.y, m.tau_lo, m.tau_hi)
    G_cf = expected_max(v, m.beta, m.y, m.tau_lo, m.tau_hi)
    tol_F = 2.0 * float(np.max(np.abs(F1 - F2))) + 1e-12
    tol_G = 2.0 * float(np.max(np.abs(G1 - G2))) + 1e-12 * float(np.max(np.abs(G1)))
    return DistributionErrors(v, F_cf - F1, G_cf - G1, tol_F, tol_G, str(tau_density))
