"""The numba Bellman operator of commitment.debt_maturity against its plain NumPy twin.

The twin computes the same operator -- best grid node for every state (here by brute force over all
nodes instead of the upper envelope of lines), then the maximum on the neighbouring Hermite cell by
safeguarded Newton on the first-order condition -- with vectorised NumPy and no numba. It is also the
baseline of benchmarks/bench_debt_maturity.py.
"""

import numpy as np
import pytest

import commitment.debt_maturity as dm


def _cell_eval_np(p, k, v, B, D, x, yl, beta, R, y, tlo, thi, inside):
    """Vectorised twin of dm._cell_eval: objective and its first two derivatives in p on cell k."""
    hk = v[k + 1] - v[k]
    t = (p - v[k]) / hk
    t2, t3 = t * t, t * t * t
    Bk, Bk1, Dk, Dk1 = B[k], B[k + 1], D[k], D[k + 1]
    H = (2 * t3 - 3 * t2 + 1) * Bk + (t3 - 2 * t2 + t) * hk * Dk + (-2 * t3 + 3 * t2) * Bk1 + (t3 - t2) * hk * Dk1
    H1 = (6 * t2 - 6 * t) * (Bk - Bk1) / hk + (3 * t2 - 4 * t + 1) * Dk + (3 * t2 - 2 * t) * Dk1
    H2 = ((12 * t - 6) * (Bk - Bk1) / hk + (6 * t - 4) * Dk + (6 * t - 2) * Dk1) / hk
    w, dt = 1.0 - beta, thi - tlo
    tau = np.exp(w * p) / y
    inside = inside & (p <= np.log(thi * y) / w)  # at the node vD_hi itself: the left-hand limit
    F = np.where(inside, (tau - tlo) / dt, 1.0)
    f = np.where(inside, w * tau / dt, 0.0)
    G = np.where(inside, F * p + (thi * (np.log(thi * y) - 1.0) - tau * (w * p - 1.0)) / (w * dt), p)
    e = x * np.exp(-beta * G)
    obj = yl - e + F * H / R
    d1 = beta * F * e + (f * H + F * H1) / R
    d2 = beta * e * (f - beta * F * F) + (w * f * H + 2.0 * f * H1 + F * H2) / R
    return obj, d1, d2


def _cell_max_np(k, v, B, D, x, yl, beta, R, y, tlo, thi, inside):
    """Vectorised twin of dm._cell_max (fixed number of safeguarded Newton steps, masked)."""
    ev = lambda p: _cell_eval_np(p, k, v, B, D, x, yl, beta, R, y, tlo, thi, inside)
    a, b = v[k].copy(), v[k + 1].copy()
    fa, da, _ = ev(a)
    fb, db, _ = ev(b)
    interior = (da > 0) & (db < 0)
    p = 0.5 * (a + b)
    active = interior.copy()
    for _ in range(60):
        if not active.any():
            break
        fp, dp, d2 = ev(p)
        done = np.abs(dp) <= 1e-13 * (np.abs(fp) + 1.0)
        active &= ~done
        up = active & (dp > 0)
        dn = active & ~(dp > 0)
        a = np.where(up, p, a)
        da = np.where(up, dp, da)
        b = np.where(dn, p, b)
        db = np.where(dn, dp, db)
        with np.errstate(divide="ignore", invalid="ignore"):
            fpos = a - da * (b - a) / (db - da)
            q = np.where(d2 < 0, p - dp / d2, fpos)
            q = np.where((a < q) & (q < b), q, fpos)
            q = np.where((a < q) & (q < b), q, 0.5 * (a + b))
        small = np.abs(q - p) <= 1e-13 * (1.0 + np.abs(p))
        p = np.where(active, q, p)
        active &= ~small
    fp, _, _ = ev(p)
    end_p = np.where((da <= 0) & (db <= 0), a, np.where((da >= 0) & (db >= 0), b, np.where(fa >= fb, a, b)))
    end_f = np.where((da <= 0) & (db <= 0), fa, np.where((da >= 0) & (db >= 0), fb, np.maximum(fa, fb)))
    return np.where(interior, p, end_p), np.where(interior, fp, end_f)


def bellman_numpy(model, l, B, D, refine=True):
    """NumPy twin of dm.bellman_operator: returns (TB, c, v_next)."""
    m = model
    v, n = m.v, m.N
    yl, beta, R, y, tlo, thi = m.y - l, m.beta, m.R, m.y, m.tau_lo, m.tau_hi
    a = np.exp(-beta * m.G_nodes)
    bb = m.F_nodes * B / R
    x = np.exp(v)
    obj = yl - np.outer(x, a) + bb[None, :]
    j = np.argmax(obj, axis=1)
    best = obj[np.arange(n), j]
    best_v = v[j].copy()
    if refine:
        for side in (0, 1):  # right cell [v_j, v_{j+1}], then left cell [v_{j-1}, v_j]
            ok = j < n - 1 if side == 0 else j > 0
            k = np.clip(j if side == 0 else j - 1, 0, n - 2)
            inside = k < m.i_hi
            _, d, _ = _cell_eval_np(v[j], k, v, B, D, x, yl, beta, R, y, tlo, thi, inside)
            use = ok & ((d > 0) if side == 0 else (d < 0))
            if use.any():
                p, fp = _cell_max_np(k[use], v, B, D, x[use], yl, beta, R, y, tlo, thi, inside[use])
                better = fp > best[use]
                idx = np.where(use)[0][better]
                best[idx] = fp[better]
                best_v[idx] = p[better]
    c = x * np.exp(-beta * dm.expected_max(best_v, beta, y, tlo, thi))
    return best, c, best_v


@pytest.mark.parametrize("beta_R, l", [(1.0, 0.0), (1.0, 0.6), (0.9, 0.25), (0.9, 1.0)])
def test_numba_operator_equals_numpy_twin(beta_R, l):
    model = dm.create_model(beta=beta_R / 1.05, N=400)
    sol = dm.solve_planner(model, l)
    # evaluate at a perturbed (non-fixed-point) function, so that the policies are not trivial
    B = sol.B + 0.01 * np.sin(sol.v)
    D = sol.D
    TB, c, vn = dm.bellman_operator(model, l, B, D)
    TB2, c2, vn2 = bellman_numpy(model, l, B, D)
    # same maximisation up to the stopping rule of Newton's method (1e-13 relative in the FOC)
    assert np.max(np.abs(TB - TB2)) < 1e-10
    assert np.max(np.abs(c - c2) / c) < 1e-7
    # the policy itself is determined only up to sqrt of the objective's rounding where it is flat
    assert np.median(np.abs(vn - vn2)) < 1e-8


def test_grid_search_twin():
    model = dm.create_model(beta=0.9 / 1.05, N=300)
    sol = dm.solve_planner(model, 0.25)
    TB, _, vn = dm.bellman_operator(model, 0.25, sol.B, sol.D, refine=False)
    TB2, _, vn2 = bellman_numpy(model, 0.25, sol.B, sol.D, refine=False)
    assert np.max(np.abs(TB - TB2)) < 1e-12  # same node values, same max (argmax may tie)
    assert np.all(np.isin(vn, model.v))


def evaluate_numpy(model, l, B, c, vn, tol):
    """NumPy twin of dm._evaluate (Howard policy evaluation with Hermite weights, slopes -c fixed)."""
    m = model
    v = m.v
    k = np.clip(np.searchsorted(v, vn, side="right") - 1, 0, m.N - 2)
    hk = v[k + 1] - v[k]
    t = (vn - v[k]) / hk
    t2, t3 = t * t, t * t * t
    Fp = dm.repay_cdf(vn, m.beta, m.y, m.tau_lo, m.tau_hi) / m.R
    w00, w01 = (2 * t3 - 3 * t2 + 1) * Fp, (-2 * t3 + 3 * t2) * Fp
    w10, w11 = (t3 - 2 * t2 + t) * hk * Fp, (t3 - t2) * hk * Fp
    const = (m.y - l) - c - w10 * c[k] - w11 * c[k + 1]
    for _ in range(5000):
        Bn = const + w00 * B[k] + w01 * B[k + 1]
        diff = np.max(np.abs(Bn - B))
        B = Bn
        if diff < tol:
            break
    return B


def solve_planner_numpy(model, l, tol=1e-9, max_iter=200):
    """NumPy twin of dm.solve_planner (same policy iteration, NumPy operator and evaluation)."""
    m = model
    c = np.exp(m.v - m.beta * m.G_nodes[0])
    B = (m.y - l) - c
    for it in range(1, max_iter + 1):
        TB, c1, vn1 = bellman_numpy(m, l, B, -c)
        resid = np.max(np.abs(TB - B))
        B, c, vn = TB, c1, vn1
        if resid < tol:
            return B, c, vn, it
        B = evaluate_numpy(m, l, B.copy(), c, vn, 0.1 * tol)
    raise RuntimeError("no convergence")


def test_numpy_twin_solver_agrees():
    model = dm.create_model(beta=0.9 / 1.05, N=200)
    sol = dm.solve_planner(model, 0.25)
    B, c, vn, it = solve_planner_numpy(model, 0.25)
    # both stop when sup|TB - B| < 1e-9; the distance to the fixed point is <= 1e-9 / (1 - 1/R) ~ 2e-8
    assert np.max(np.abs(B - sol.B)) < 5e-8
