r"""Equilibrium with segregated exchanges (Definition 3, Appendix A mixtures) and rights-price bands.

One-state equilibria with one exchange or with one exchange per borrower type and a mixing lender
(Environment 3), grid restrictions of the exchange index, the supporting bands of rights prices (the KKT
inequality (56)), and the public-finance reading of the rights fees. Pages ``segregated_exchanges``,
``tables``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.optimize import root

from commitment.fire_sales.economy import CollateralEconomy, _mu, _share, _v
from commitment.fire_sales.equilibrium import (
    NoSupportedEquilibrium, SegregatedEquilibrium, UnsupportedEconomy, _agent, _allocation_one_state,
    _is_mirror, _mirror_equilibrium, _one_state, _prices, _unsupported, se_grid_kernel, se_kernel,
)

__all__ = [
    "TABLE_4_Z", "PRINTED_HALF_UNIT", "Table4Share", "TABLE_4_NAMES", "table_4_lottery_share", "TABLE_5",
    "Table5Distance", "table_5_band_distance", "MIXTURE_TOL", "PublicFinanceEquilibrium", "grid_candidate",
    "public_finance_equilibrium", "rights_price_band", "segregated_equilibrium", "supports",
]

# --------------------------------------------------------------------------- segregated exchanges, one state


def _se_single(econ, K, P, z):
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    q, p0, _ = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
    k = np.array([_agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)[0] for h in range(econ.H)])
    weights = np.ones((econ.H, 1))
    with np.errstate(invalid="ignore"):  # c0 <= 0 (raised just below) has no marginal utility
        p0, Delta, fee, c0, c1, U, mu0 = _allocation_one_state(econ, K, np.array([P]), np.array([z]), weights,
                                                               k[:, None])
    res = max(abs(alpha @ k - K), abs(alpha @ Delta[:, 0, 0]))
    if not np.all(c0 > 0):
        raise NoSupportedEquilibrium("no single-exchange equilibrium: a type's date-0 wealth net of rights fees "
                                     "is negative")
    return SegregatedEquilibrium(np.array([[z]]), np.array([[P]]), weights, k, k[:, None], float(K), float(p0),
                                 Delta, fee, c0, c1, U, mu0, np.zeros((econ.H, 1)), float(res), res < 1e-9)


def _mixture_residual(x, econ, mixer, groups, z_fixed):
    """Equilibrium conditions with M exchanges, deterministic members ``groups[m]`` and a lender ``mixer``
    spread over all exchanges (Appendix A lotteries). Unknowns: (z_m unless fixed), P_m, k_m (the
    mixer's storage in m), pi_m (m < M), mu0 of the mixer, p0.
    """
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    M = len(groups)
    i = 0
    if z_fixed is None:
        z = x[i:i + M]
        i += M
    else:
        z = z_fixed
    P = x[i:i + M]
    km = x[i + M:i + 2 * M]
    pis = np.append(x[i + 2 * M:i + 3 * M - 1], 1.0 - np.sum(x[i + 2 * M:i + 3 * M - 1]))
    mu0x, p0 = x[i + 3 * M - 1], x[i + 3 * M]
    q = p0 ** (1 / sigma)
    x_ = mixer
    res = []
    K = alpha[x_] * pis @ km
    det_k = {}
    for m in range(M):
        for h in groups[m]:
            det_k[h] = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)[0]
            K += alpha[h] * det_k[h]
    res.append(p0 - (alpha @ e10 / (alpha @ e20 - K)) ** sigma)
    budget = 0.0
    vals = []
    for m in range(M):
        pm = z[m] ** sigma
        # rights clearing in exchange m (eq. 25)
        clr = pis[m] * alpha[x_] * (z[m] * (e2[x_] + R * km[m]) - e1[x_])
        for h in groups[m]:
            clr += alpha[h] * (z[m] * (e2[h] + R * det_k[h]) - e1[h])
        res.append(clr)
        W = e1[x_] + pm * (e2[x_] + R * km[m])
        mu1 = _mu(W, z[m], sigma)
        ck = p0 + P[m] * z[m] * R
        res.append((ck * mu0x - beta * pm * R * mu1) / mu0x)  # mixer's storage FOC in exchange m
        fee_m = P[m] * (z[m] * (e2[x_] + R * km[m]) - e1[x_])
        vals.append(beta * _v(W, z[m], sigma) - mu0x * (p0 * km[m] + fee_m))
        budget += pis[m] * (p0 * km[m] + fee_m)
        if z_fixed is None:  # summed z-FOC of the members gives P_m
            num = pis[m] * alpha[x_] * beta * mu1 / mu0x * (e2[x_] + R * km[m] - W * _share(z[m], sigma) / z[m])
            den = pis[m] * alpha[x_] * (e2[x_] + R * km[m])
            for h in groups[m]:
                k_h, w0h, W1h = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)
                num += alpha[h] * beta * _mu(W1h, z[m], sigma) / _mu(w0h, q, sigma) * (
                    e2[h] + R * k_h - W1h * _share(z[m], sigma) / z[m])
                den += alpha[h] * (e2[h] + R * k_h)
            res.append(P[m] - sigma * z[m] ** (sigma - 1) * num / den)
    for m in range(1, M):
        res.append((vals[m] - vals[0]) / mu0x)  # mixer indifferent between its exchanges
    c10 = mu0x ** (-1 / sigma)
    res.append(c10 + p0 * c10 / q + budget - e10[x_] - p0 * e20[x_])
    return np.array(res)


def _se_mixture(econ, mixer, groups, z_fixed=None, x0=None):
    M = len(groups)
    if x0 is None:
        raise ValueError("x0 (starting values) is needed for the mixture solver")
    out = root(_mixture_residual, x0, args=(econ, mixer, groups, z_fixed), method="hybr",
               options={"xtol": 1e-13})
    x = out.x
    r = np.max(np.abs(_mixture_residual(x, econ, mixer, groups, z_fixed)))
    i = 0
    if z_fixed is None:
        z = x[:M]
        i = M
    else:
        z = np.asarray(z_fixed, dtype=float)
    P, km = x[i:i + M], x[i + M:i + 2 * M]
    pis = np.append(x[i + 2 * M:i + 3 * M - 1], 1 - np.sum(x[i + 2 * M:i + 3 * M - 1]))
    p0 = x[i + 3 * M]
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    q = p0 ** (1 / sigma)
    H = econ.H
    weights = np.zeros((H, M))
    k_hm = np.zeros((H, M))
    weights[mixer] = pis
    k_hm[mixer] = km
    for m in range(M):
        for h in groups[m]:
            weights[h, m] = 1.0
            k_hm[h, m] = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z[m], P[m], R, beta, sigma)[0]
    K = float(alpha @ (weights * k_hm).sum(axis=1))
    p0c, Delta, fee, c0, c1, U, mu0 = _allocation_one_state(econ, K, P, z, weights, k_hm)
    # converged: our own residual of the equilibrium conditions, not scipy's success flag (which reports
    # "not making good progress" at residuals of 1e-16 on some CPUs)
    ok = bool(r < MIXTURE_TOL) and bool(np.all(pis > 0)) and bool(np.all(km >= 0))
    return SegregatedEquilibrium(z[:, None], P[:, None], weights, (weights * k_hm).sum(axis=1), k_hm, K,
                                 float(p0c), Delta, fee, c0, c1, U, mu0, np.zeros((H, 1)), float(r), ok)


def _env3_start(econ, se1, borrowers, saver):
    """Starting values for the mixture solver: each borrower in its own exchange with a share of the
    lender proportional to what clears rights at the single-exchange storage."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    kx = se1.k[saver]
    pis, zs = [], []
    for b in borrowers:
        # share of the lender that clears rights with borrower b at the single-exchange z
        need = -alpha[b] * (se1.z[0, 0] * e2[b] - e1[b])
        pis.append(max(need / (alpha[saver] * max(se1.z[0, 0] * (e2[saver] + R * kx) - e1[saver], 1e-6)), 0.05))
        zs.append(se1.z[0, 0])
    pis = np.array(pis) / np.sum(pis)
    for j, b in enumerate(borrowers):
        zs[j] = (pis[j] * alpha[saver] * e1[saver] + alpha[b] * e1[b]) / (
            pis[j] * alpha[saver] * (e2[saver] + R * kx) + alpha[b] * e2[b])
    M = len(borrowers)
    return np.concatenate([zs, np.full(M, se1.P[0, 0]), np.full(M, kx), pis[:-1], [se1.mu0[saver], se1.p0]])


def segregated_equilibrium(economy: CollateralEconomy, z_grid=None, *, structure=None, x0=None):
    """Competitive equilibrium with segregated exchanges and rights to trade (Definition 3).

    ``z_grid=None``: exchanges form a continuum (the exact solution). Otherwise exchanges are restricted
    to the finite set ``z_grid`` (one state, one active exchange): every grid point is tried as the active
    exchange, and the equilibrium is the one whose supporting rights-price bands are non-empty at all
    other grid points (raises :class:`NoSupportedEquilibrium` if no grid point qualifies: a mixture over
    grid points is then needed; ``RuntimeError`` if several do). ``structure="mixture"`` with one state:
    one exchange per borrower type (k = 0 in the single-exchange solution) and the lender mixing over
    them (Environment 3); with ``z_grid`` given as the list of active exchanges, their z are held fixed.
    ``x0``: starting values for the mixture solver.
    """
    if economy.S != 1:
        if _is_mirror(economy):
            return _mirror_equilibrium(economy, segregated=True, z_grid=z_grid)
        raise _unsupported("segregated_equilibrium")
    args = _one_state(economy)
    if structure == "mixture":
        se1 = segregated_equilibrium(economy, structure="single")
        borrowers = [h for h in range(economy.H) if se1.k[h] <= 0]
        savers = [h for h in range(economy.H) if se1.k[h] > 0]
        if len(savers) != 1 or len(borrowers) < 2:
            raise UnsupportedEconomy("structure='mixture' needs exactly one saver and at least two borrowers")
        groups = [[b] for b in borrowers]
        start = _env3_start(economy, se1, borrowers, savers[0]) if x0 is None else np.asarray(x0, float)
        cont = _se_mixture(economy, savers[0], groups, None, start)
        if z_grid is None:
            return cont
        zf = np.asarray(z_grid, dtype=float).ravel()
        if zf.shape != (len(groups),):
            raise ValueError(f"z_grid must list the {len(groups)} active exchanges for structure='mixture'")
        # give each fixed exchange to the group whose continuum exchange is nearest
        order = np.argsort(cont.z[:, 0])
        zf = np.sort(zf)[np.argsort(order)]
        M = len(groups)
        start_g = np.concatenate([cont.P[:, 0], cont.k_by_exchange[savers[0]], cont.weights[savers[0], :-1],
                                  [cont.mu0[savers[0]], cont.p0]])
        return _se_mixture(economy, savers[0], groups, zf, start_g)
    if structure not in (None, "single"):
        raise ValueError("structure must be None, 'single' or 'mixture'")
    if z_grid is None:
        K, P = se_kernel(*args)
        alpha, e10, e20, e1, e2, R, beta, sigma = args
        single = _se_single(economy, K, P, float(alpha @ e1 / (alpha @ e2 + R * K)))
        if structure == "single" or supports(economy, single):
            return single
        n_borrowers = int(np.sum(single.k <= 0))
        if n_borrowers >= 2 and economy.H - n_borrowers == 1:
            mixed = segregated_equilibrium(economy, structure="mixture", x0=x0)
            if mixed.converged and supports(economy, mixed):
                return mixed
        raise NoSupportedEquilibrium("no supported market structure (one exchange; one exchange per borrower "
                                     "with a mixing lender) gives non-empty rights-price bands everywhere")
    grid = np.sort(np.asarray(z_grid, dtype=float).ravel())
    if grid.size == 0 or not np.all(grid > 0):
        raise ValueError("z_grid (exchanges) must be a non-empty set of positive numbers")
    candidates = []
    for z in grid:
        try:
            cand = grid_candidate(economy, z)
        except (ValueError, RuntimeError):
            continue
        others = sorted((g for g in grid if g != z), key=lambda g: abs(g - z))  # nearest first
        if all(_nonempty(rights_price_band(economy, cand, g)) for g in others):
            candidates.append(cand)
    if not candidates:
        raise NoSupportedEquilibrium("no grid point supports a pure equilibrium: a mixture over exchanges is needed")
    if len(candidates) > 1:
        raise RuntimeError(f"{len(candidates)} grid points support pure equilibria: the grid equilibrium is "
                           "not unique; pass a coarser or finer grid")
    return candidates[0]


def supports(economy, eq, z_values=None, tol=1e-9):
    """True when the rights-price band of ``eq`` is non-empty (lower <= upper + tol) at every z in
    ``z_values`` (default: 61 points from half to twice the active exchanges' range): no type would
    move any mass to an unused exchange, so ``eq`` is an equilibrium of the economy with a continuum
    of exchanges (Definition 6)."""
    if z_values is None:
        z_values = np.linspace(0.5 * eq.z.min(), min(2.0 * eq.z.max(), _z_max(economy) * (1 - 1e-9)), 61)
    for z in z_values:
        lo, hi = rights_price_band(economy, eq, float(z))
        if not lo <= hi + tol:
            return False
    return True


def _z_max(economy):
    """Largest fundamental (K = 0): aggregate date-1 good 1 over good 2."""
    return float(economy.alpha @ economy.e[:, 0, 0] / (economy.alpha @ economy.e[:, 0, 1]))


def _nonempty(band):
    return band[0] <= band[1]


def grid_candidate(economy, z):
    """The single-exchange allocation with the active exchange fixed at z (K from consistency, P from the
    storage market); an equilibrium on a grid when the rights-price bands at the other grid points are
    non-empty (:func:`rights_price_band`)."""
    if economy.S != 1:
        raise _unsupported("grid_candidate")
    alpha = economy.alpha
    args = _one_state(economy)
    z_max = alpha @ args[3] / (alpha @ args[4])
    if not (0 < z < z_max):
        raise ValueError(f"z must lie in (0, {z_max:.6g}) (K >= 0 needs z <= aggregate e1/e2), got {z!r}")
    K, P = se_grid_kernel(float(z), *args)
    return _se_single(economy, K, P, float(z))


# --------------------------------------------------------------------------- Table 4 (Environment 3)

TABLE_4_Z = (0.6113, 0.8132)  # the two active exchanges Table 4 prints (four decimals)
PRINTED_HALF_UNIT = 5e-5  # half a unit in the fourth decimal, the precision of the paper's tables


class Table4Share(NamedTuple):
    """Table 4's lottery and prices with the exchanges held at the printed z.

    ``share`` is the lender's weight on the lower exchange z_A and ``tol`` the error a comparison with the
    printed 0.1969 must allow: half a unit in the printed fourth decimal plus the change in the share when
    each printed exchange moves by its own rounding error (central differences over +-5e-5 in z_A and in
    z_B). ``values`` holds (share, P(z_A), P(z_B), T_A, T_B) -- the rights prices and the transfers
    received by the borrower in each exchange -- and ``tols`` the same tolerance for each of them;
    ``residual`` is the mixture solver's largest residual at the printed z."""

    share: float
    tol: float
    values: np.ndarray
    tols: np.ndarray
    z: np.ndarray
    residual: float


TABLE_4_NAMES = ("lender's share in z_A", "P(z_A)", "P(z_B)", "transfer to the borrower in z_A",
                 "transfer to the borrower in z_B")


def _table_4_values(economy, zA, zB):
    sg = segregated_equilibrium(economy, z_grid=[zA, zB], structure="mixture")
    if not sg.converged:
        raise RuntimeError(f"the Environment 3 mixture at z = ({zA}, {zB}) did not converge "
                           f"(residual {sg.residual:.1e})")
    iA, iB = np.argsort(sg.z[:, 0])
    saver = int(np.flatnonzero(sg.k > 0)[0])
    bA = int(np.argmax(np.where(np.arange(economy.H) == saver, -1.0, sg.weights[:, iA])))
    bB = int(np.argmax(np.where(np.arange(economy.H) == saver, -1.0, sg.weights[:, iB])))
    out = [sg.weights[saver, iA], sg.P[iA, 0], sg.P[iB, 0], -sg.fee[bA], -sg.fee[bB]]
    return np.array(out, dtype=float), float(sg.residual)


def table_4_lottery_share(economy, z=TABLE_4_Z) -> Table4Share:
    """Table 4's lottery (Section 2.1.6, Environment 3): the share of the lender's mass in the lower of the
    two active exchanges, with the exchanges held at the printed ``z`` = (z_A, z_B) and everything else
    (storage, rights prices, the lottery, p0) solved from the equilibrium conditions of Definition 3 with
    a mixing lender (Appendix A). The paper prints 0.1969 with z = (0.6113, 0.8132).

    The tolerance propagates the rounding of the printed z (each +-5e-5) by central differences and adds
    half a unit in the printed fourth decimal; the same is done for the rights prices and transfers."""
    zA, zB = sorted(float(x) for x in np.ravel(z))
    if economy.S != 1 or economy.H < 3:
        raise UnsupportedEconomy("table_4_lottery_share: one state, a lender and at least two borrower types")
    if not 0 < zA < zB < _z_max(economy):
        raise ValueError(f"z must be two exchanges with 0 < z_A < z_B < {_z_max(economy):.6g}, got {z!r}")
    v, res = _table_4_values(economy, zA, zB)
    h = PRINTED_HALF_UNIT
    dA = 0.5 * (_table_4_values(economy, zA + h, zB)[0] - _table_4_values(economy, zA - h, zB)[0])
    dB = 0.5 * (_table_4_values(economy, zA, zB + h)[0] - _table_4_values(economy, zA, zB - h)[0])
    tols = PRINTED_HALF_UNIT + np.abs(dA) + np.abs(dB)
    return Table4Share(float(v[0]), float(tols[0]), v, tols, np.array([zA, zB]), res)


# --------------------------------------------------------------------------- Table 5 (Environment 3)

TABLE_5 = {0.6088: 0.9119, 0.6113: 0.9348, 0.6138: 0.9589, 0.8088: 2.2339, 0.8132: 2.2537, 0.8138: 2.2564}


class Table5Distance(NamedTuple):
    """Distances of printed rights prices from the supporting band (Table 5).

    ``distance[i]`` = max(lower - printed, printed - upper, 0) at exchange ``z[i]`` (zero when the printed
    price lies in the band), for the equilibrium with the active exchanges held at the printed values;
    ``tol[i]`` = half a unit in the printed fourth decimal plus how far the band's edges move when each
    printed number they depend on (the exchange z[i] and the two active exchanges) moves by its rounding
    error +-5e-5 (central differences, summed in absolute value); ``empty`` the largest lower - upper."""

    z: np.ndarray
    printed: np.ndarray
    band: np.ndarray
    distance: np.ndarray
    tol: np.ndarray
    empty: float


def _table_5_bands(economy, zA, zB, zs, dz=0.0):
    sg = segregated_equilibrium(economy, z_grid=[zA, zB], structure="mixture")
    if not sg.converged:
        raise RuntimeError(f"the Environment 3 mixture at z = ({zA}, {zB}) did not converge "
                           f"(residual {sg.residual:.1e})")
    return np.array([rights_price_band(economy, sg, float(z) + dz) for z in zs])


def table_5_band_distance(economy, printed=None, z_active=TABLE_4_Z) -> Table5Distance:
    """Table 5 (Section 2.1.6, Environment 3): how far each printed price of rights lies from the band of
    prices that support the equilibrium (eq. 56, :func:`rights_price_band`), at the printed exchanges
    (active and unused), with the active exchanges held at ``z_active``. ``printed`` maps exchange z to
    its printed price (default: the paper's six, :data:`TABLE_5`). The tolerance propagates the printed
    precision of every number involved (see :class:`Table5Distance`)."""
    printed = dict(TABLE_5 if printed is None else printed)
    zs = np.array(sorted(printed), dtype=float)
    pr = np.array([printed[z] for z in sorted(printed)], dtype=float)
    zA, zB = sorted(float(x) for x in np.ravel(z_active))
    if economy.S != 1 or economy.H < 3:
        raise UnsupportedEconomy("table_5_band_distance: one state, a lender and at least two borrower types")
    if not (0 < zA < zB < _z_max(economy) and np.all((zs > 0) & (zs < _z_max(economy)))):
        raise ValueError(f"z_active and the printed exchanges must lie in (0, {_z_max(economy):.6g})")
    h = PRINTED_HALF_UNIT
    band = _table_5_bands(economy, zA, zB, zs)
    moves = [0.5 * (_table_5_bands(economy, zA + h, zB, zs) - _table_5_bands(economy, zA - h, zB, zs)),
             0.5 * (_table_5_bands(economy, zA, zB + h, zs) - _table_5_bands(economy, zA, zB - h, zs))]
    # the exchange's own z: hold the equilibrium, move the band's argument
    moves.append(0.5 * (_table_5_bands(economy, zA, zB, zs, h) - _table_5_bands(economy, zA, zB, zs, -h)))
    edge_err = sum(np.abs(m) for m in moves).max(axis=1)
    tol = h + edge_err
    distance = np.maximum.reduce([band[:, 0] - pr, pr - band[:, 1], np.zeros_like(pr)])
    return Table5Distance(zs, pr, band, distance, tol, float(np.max(band[:, 0] - band[:, 1])))


# --------------------------------------------------------------------------- rights-price bands


def _deterrence(P, h, econ, eq, z, net, args=None):
    """g_h(P): the best value of trading in exchange z at rights price P minus the type's equilibrium
    value, in the linearised (lottery) form of the KKT inequality (56); convex in P. ``args``:
    ``_one_state(econ)``, if the caller has it (root finders call this thousands of times)."""
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ) if args is None else args
    p = z**sigma
    mu0 = eq.mu0[h]
    ck = eq.p0 + P * z * R
    if ck <= 0:
        return np.inf
    F = e1[h] + p * e2[h]
    # interior storage: beta p R mu1(W) = mu0 ck  =>  W = (mu0 ck / (beta p R))**(-1/sigma) / share
    W = (mu0 * ck / (beta * p * R)) ** (-1 / sigma) / _share(z, sigma)
    k = max((W - F) / (p * R), 0.0)
    W = F + p * R * k
    return beta * _v(W, z, sigma) - mu0 * (eq.p0 * k + P * (z * (e2[h] + R * k) - e1[h])) - net[h]


def _net_values(econ, eq):
    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(econ)
    net = np.full(econ.H, -np.inf)
    for h in range(econ.H):
        for m in range(eq.z.shape[0]):
            if eq.weights[h, m] > 0:
                z, km = eq.z[m, 0], eq.k_by_exchange[h, m]
                W = e1[h] + z**sigma * (e2[h] + R * km)
                net[h] = max(net[h], beta * _v(W, z, sigma) - eq.mu0[h] * (eq.p0 * km + eq.P[m, 0] * (
                    z * (e2[h] + R * km) - e1[h])))
    return net


def rights_price_band(economy, eq, z):
    """Supporting band [lower, upper] of rights prices in exchange z (Section 2.1.5, eq. 56).

    A price P in exchange z supports the equilibrium ``eq`` when no type gains from moving (any share of)
    its mass there: g_h(P) <= 0 for every h. Each g_h is convex in P, so each type allows an interval;
    payers (Delta > 0) bound P from below, receivers from above. The band is the intersection; it is
    empty (lower > upper) when no price keeps everybody out. At an active exchange it shrinks to P.
    """
    from scipy.optimize import brentq, minimize_scalar

    if economy.S != 1:
        raise _unsupported("rights_price_band")
    args = _one_state(economy)
    alpha, e10, e20, e1, e2, R, beta, sigma = args
    net = _net_values(economy, eq)
    lo_lim = -eq.p0 / (z * R)
    lower, upper = -np.inf, np.inf
    for h in range(economy.H):
        g = lambda P: _deterrence(P, h, economy, eq, z, net, args)  # noqa: E731
        # minimiser of g: Delta_h(z, k*(P)) = 0, i.e. k* = (e1/z - e2)/R (if >= 0)
        k_hat = (e1[h] / z - e2[h]) / R
        if k_hat <= 0:
            # always a payer: g decreasing in P -> lower bound only
            a, b = lo_lim * (1 - 1e-12), max(1.0, abs(lo_lim))
            while g(b) > 0:
                b *= 2
                if b > 1e8:
                    return (np.inf, -np.inf)
            if g(a) <= 0:
                continue
            lower = max(lower, brentq(g, a, b, xtol=1e-14))
            continue
        p = z**sigma
        W_hat = e1[h] + p * (e2[h] + R * k_hat)
        ck_hat = beta * p * R * _mu(W_hat, z, sigma) / eq.mu0[h]
        P_hat = (ck_hat - eq.p0) / (z * R)
        g_min = g(P_hat)
        if g_min > 0:
            return (P_hat, P_hat - abs(g_min))  # empty band (lower > upper)
        b = P_hat + 1.0
        for _ in range(60):
            if g(b) > 0:
                upper = min(upper, brentq(g, P_hat, b, xtol=1e-14) if g_min < 0 else P_hat)
                break
            b = P_hat + 2 * (b - P_hat)
        # below P_hat: storage gets cheaper; the bound can disappear (utility bounded above, sigma > 1)
        floor = lo_lim + 1e-12 * max(abs(lo_lim), 1.0)
        a = max(P_hat - 1.0, floor)
        for _ in range(60):
            if g(a) > 0:
                lower = max(lower, brentq(g, a, P_hat, xtol=1e-14) if g_min < 0 else P_hat)
                break
            if a <= floor:
                break
            a = max(floor, lo_lim + 0.5 * (a - lo_lim))
    return (float(lower), float(upper))


# --------------------------------------------------------------------------- public-finance reading


class PublicFinanceEquilibrium(NamedTuple):
    """Competitive equilibrium with the taxes equivalent to rights (Section 2.1.5): a tax P z R per unit
    of storage, P z per unit of good-2 endowment and a subsidy P per unit of good-1 endowment."""

    k: np.ndarray
    K: float
    p0: float
    z: float
    U: np.ndarray
    tax_storage: float
    tax_e2: float
    subsidy_e1: float
    residual: float


def public_finance_equilibrium(economy, P, storage_only=False):
    """Competitive collateral equilibrium under the tax book of rights price P (one state, one exchange).

    Prices p0 and z are endogenous (storage market clearing), the tax rates are fixed. With
    ``storage_only=True`` only the storage tax P z R is levied (its revenue rebated lump sum equally
    per capita), which does not reproduce the segregated allocation: the endowment taxes are needed.
    """
    if economy.S != 1:
        raise _unsupported("public_finance_equilibrium")
    from scipy.optimize import brentq

    alpha, e10, e20, e1, e2, R, beta, sigma = _one_state(economy)

    def alloc(K):
        q, p0, z = _prices(K, alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2, R, sigma)
        out = []
        for h in range(economy.H):
            if storage_only:
                # storage tax P z R; its revenue alpha.k P z R returned lump sum (per capita, = K P z R)
                k, w0, W1 = _agent(e10[h] + P * z * R * K + P * (z * e2[h] - e1[h]), e20[h], e1[h], e2[h], q,
                                   p0, z, P, R, beta, sigma)
            else:
                k, w0, W1 = _agent(e10[h], e20[h], e1[h], e2[h], q, p0, z, P, R, beta, sigma)
            out.append((k, w0, W1))
        return q, p0, z, out

    def excess(K):
        return sum(alpha[h] * alloc(K)[3][h][0] for h in range(economy.H)) - K

    K = brentq(excess, 0.0, alpha @ e20 * (1 - 1e-9), xtol=1e-15)
    q, p0, z, out = alloc(K)
    U = np.array([_v(w0, q, sigma) + beta * _v(W1, z, sigma) for _, w0, W1 in out])
    return PublicFinanceEquilibrium(np.array([o[0] for o in out]), float(K), float(p0), float(z), U,
                                    float(P * z * R), float(P * z), float(P), float(abs(excess(K))))


MIXTURE_TOL = 1e-9  # max |residual| of the Environment 3 mixture conditions for `converged`
