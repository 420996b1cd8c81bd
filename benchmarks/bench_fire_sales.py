"""Fire sales (Kilenthong--Townsend): exact segregated-exchange equilibrium of Environment 1.

The numba kernel (nested bisection on storage K and the rights price P, closed-form storage demands)
against its NumPy/scipy twin (the same equations, nested ``scipy.optimize.brentq`` on NumPy arrays).
Target: under 0.2 s after compilation (the kernel takes well under a millisecond).
"""

import numpy as np
from scipy.optimize import brentq

from commitment import fire_sales as fs
from run import Case


def setup():
    return fs._one_state(fs.ENV1)


def se_fast(alpha, e10, e20, e1, e2, R, beta, sigma):
    return np.array(fs.se_kernel(alpha, e10, e20, e1, e2, R, beta, sigma))


def se_numpy(alpha, e10, e20, e1, e2, R, beta, sigma):
    """NumPy twin of :func:`commitment.fire_sales.se_kernel` (vectorised over types, scipy roots)."""
    E10, E20, E1, E2 = alpha @ e10, alpha @ e20, alpha @ e1, alpha @ e2

    def agents(K, P):
        q = E10 / (E20 - K)
        p0, z = q**sigma, E1 / (E2 + R * K)
        p = z**sigma
        w0 = e10 + p0 * e20 - P * (z * e2 - e1)
        ck = p0 + P * z * R
        F = e1 + p * e2
        a0, a1 = 1 / (1 + q ** (sigma - 1)), 1 / (1 + z ** (sigma - 1))
        rho = (ck / (beta * p * R)) ** (1 / sigma)
        k = np.maximum((a0 * w0 - rho * a1 * F) / (a0 * ck + rho * a1 * p * R), 0.0)
        return q, p0, z, k, a0 * (w0 - ck * k), a1 * (F + p * R * k)

    def rights(P, K):
        q, p0, z, k, c10, c11 = agents(K, P)
        num = alpha @ (beta * (c11 / c10) ** (-sigma) * (e2 + R * k - c11 / z))
        return P - sigma * z ** (sigma - 1) * num / (alpha @ (e2 + R * k))

    def P_of(K):
        q, p0, z = E10 / (E20 - K), (E10 / (E20 - K)) ** sigma, E1 / (E2 + R * K)
        lo, a, b = -p0 / (z * R), 0.0, 0.5 * p0 + 0.1
        while rights(a, K) * rights(b, K) > 0:
            if abs(rights(a, K)) < abs(rights(b, K)):
                a = lo + 0.5 * (a - lo)
            else:
                b = b + 2 * (b - a)
        return brentq(rights, a, b, args=(K,), xtol=1e-15)

    def excess(K):
        return alpha @ agents(K, P_of(K))[3] - K

    K = brentq(excess, 0.0, E20 * (1 - 1e-9), xtol=1e-15)
    return np.array([K, P_of(K)])


def lp3_setup():
    """Environment 3's lottery LP (Program 2, three types) on Table 5's six exchanges at the cached
    Negishi weights: 47,022 variables, 17 equality rows."""
    c = fs.load_lottery_lp_cache()["env3"]
    return fs.ENV3, c["z_six"], c["six"]["lam"]


def lp3_ipm(econ, z, lam):
    return np.array([fs.lottery_lp_h(econ, z, lam, k_step=0.01, c_step=0.0025, k_max=10.0, method="highs-ipm").welfare])


def lp3_simplex(econ, z, lam):
    """Twin: the same LP by HiGHS' default (dual simplex); the optimal value must agree (the optimal
    lotteries need not: the optimum is flat to the LP's tolerance)."""
    return np.array([fs.lottery_lp_h(econ, z, lam, k_step=0.01, c_step=0.0025, k_max=10.0, method="highs").welfare])


CASES = [Case("fire sales: exact segregated equilibrium, Environment 1", se_fast, se_numpy, setup, rtol=1e-9),
         # not numba: HiGHS interior point (the module's default) against HiGHS simplex, same LP; rtol is the
         # LP's optimality tolerance LP_TOL
         Case("fire sales: Env 3 lottery LP, IPM vs simplex", lp3_ipm, lp3_simplex, lp3_setup, rtol=1e-7)]
