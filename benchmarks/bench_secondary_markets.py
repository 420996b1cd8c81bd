"""Secondary markets: the governments' enforcement enumeration, numba kernel against its NumPy twin.

The redistribution economy of the chapter (six types, enforcement groups {rich}, {poor}, {Foreign}):
in each of its 32 states, at first-best gross holdings without a secondary market, Home's 64 and
Foreign's 8 enforcement choices are evaluated (the inner loop of the no-secondary-market counterfactual
of R3). The numba side is one compiled call per government for all states; the NumPy twin evaluates
all choices of a state at once (vectorised) and loops over states.

Two more kernels against their twins (same bisections, vectorised in NumPy):

- the Negishi planner allocation behind ``complete_markets_negishi`` (R0): for given weights, the
  multiplier of every date and state by bisection in log mu; the redistribution economy's 6 types and
  33 dates, at the weights of its first best;
- the bond-only market of R8: Foreign's Euler residual at Home's price (an inner bisection) on the
  200-point grid that ``bond_only_equilibrium`` scans to bracket the bond position;
- the ordered secondary market of footnotes 9 and 11 (``ordered_resale``, poorest group buys first) in
  each of the redistribution economy's 32 states, at first-best gross holdings.
"""

import numpy as np

import commitment.secondary_markets as sm
from run import Case


def setup():
    econ = sm.redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3)
    cm = sm.complete_markets(econ, 2.0)
    cash = np.ascontiguousarray(econ.Y.T)
    D = np.array([sm.gross_holdings(cm.x[:, s], econ, "world_pool") for s in range(econ.n_states)])
    E = np.ones((econ.n_groups, econ.n_groups), dtype=np.int64)
    return econ, cash, D, E


def _both(kernel, econ, cash, D, E):
    return np.concatenate([kernel(j, cash, D, econ.mass, econ.region, econ.group, econ.group_region, econ.psi,
                                  2.0, E).ravel() for j in (0, 1)])


def fast(econ, cash, D, E):
    return _both(sm.enumerate_enforcement_states, econ, cash, D, E)


def twin(econ, cash, D, E):
    return _both(sm.enumerate_enforcement_states_numpy, econ, cash, D, E)


def setup_negishi():
    econ = sm.redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3)
    cm = sm.complete_markets(econ, 2.0)
    totals = np.concatenate([[econ.mass @ econ.y0], econ.mass @ econ.Y])
    return cm.c0 ** 2.0, econ.mass, totals, 2.0


def setup_bond():
    econ = sm.mirror_economy(g=0.1, v=0.2, e=0.0)
    aut = sm.regional_autarky(econ)
    grid = np.linspace(1e-9, min(aut.c[2].min(), aut.c0[0]) * (1 - 1e-9), 200)
    return grid, aut.c0[0], aut.c[0], aut.c0[2], aut.c[2], econ.pi, 2.0


def setup_ordered():
    econ, cash, D, E = setup()
    key = np.arange(econ.n_groups, dtype=float)[::-1].copy()  # the last group buys first
    return econ, cash, D, key


def _ordered(econ, cash, D, key, twin):
    out = [sm.ordered_resale(cash[s], D[s], econ, key, twin=twin) for s in range(econ.n_states)]
    return np.concatenate([np.concatenate([c.ravel(), d.ravel()]) for c, d in out])


def ordered_fast(econ, cash, D, key):
    return _ordered(econ, cash, D, key, twin=False)


def ordered_twin(econ, cash, D, key):
    return _ordered(econ, cash, D, key, twin=True)


CASES = [
    Case("secondary markets: enforcement enumeration, 32 states", fast, twin, setup, target=10.0, rtol=1e-12),
    Case("secondary markets: Negishi allocation, 6 x 33", sm.first_best._negishi_allocation, sm.negishi_allocation_numpy,
         setup_negishi, rtol=1e-12),
    Case("secondary markets: bond-only excess, 200 b", sm.robustness._bond_excess_grid, sm.bond_excess_numpy, setup_bond,
         rtol=1e-12),
    Case("secondary markets: ordered resale (footnotes 9, 11), 32 states", ordered_fast, ordered_twin, setup_ordered,
         rtol=1e-12),
]
