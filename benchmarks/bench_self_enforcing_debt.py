"""Hellwig-Lorenzoni: Arrow-market household solver (time iteration), numba kernel against NumPy twin.

Three-state chain with prices rescaled to Perron root 1 (R = g, as in a Hellwig-Lorenzoni
equilibrium), limits proportional to the Perron vector (exact roll-over), 500-point grids.
"""

import numpy as np

from commitment.self_enforcing_debt.markov import (example_chain, make_grids, time_iteration_kernel,
                                                    time_iteration_numpy)
from run import Case


def setup():
    P, Q, y, v = example_chain(1)
    phi = -0.3 * v
    A = make_grids(Q, y, phi, 500, 6.0)
    return A, P, Q, y, phi, 0.9, 1.0, 1e-10, 5000


def fast(*args):
    return time_iteration_kernel(*args)[0]


def twin(*args):
    return time_iteration_numpy(*args)[0]


CASES = [Case("self-enforcing debt: household solver, 3 states x 500", fast, twin, setup, target=20.0,
              rtol=1e-8)]
