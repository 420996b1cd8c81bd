"""Secondary markets: the governments' enforcement enumeration, numba kernel against its NumPy twin.

The redistribution economy of the chapter (six types, enforcement groups {rich}, {poor}, {Foreign}):
in each of its 32 states, at first-best gross holdings without a secondary market, Home's 64 and
Foreign's 8 enforcement choices are evaluated (the inner loop of the no-secondary-market counterfactual
of R3). The numba side is one compiled call per government for all states; the NumPy twin evaluates
all choices of a state at once (vectorised) and loops over states.
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


CASES = [Case("secondary markets: enforcement enumeration, 32 states", fast, twin, setup, target=10.0, rtol=1e-12)]
