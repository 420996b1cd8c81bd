r"""Economies of the secondary-markets chapter (page ``model``): the :class:`Economy` of types, its
factory :func:`make_economy` and the parametric economies used across the chapter (mirror,
redistribution, friends), plus the CRRA utility without the ``-1`` normalisation,
:math:`u(c) = c^{1-\sigma}/(1-\sigma)`, used everywhere in the chapter.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
from numba import njit

__all__ = [
    "Economy", "make_economy", "mirror_economy", "redistribution_economy", "friends_economy",
    "check_within_region_symmetry", "u_raw", "HOME", "FOREIGN",
]


HOME, FOREIGN = 0, 1


def brentq(f, a, b, args=(), **kw):
    """scipy.optimize.brentq, imported on first use (keeps the module's import light)."""
    from scipy.optimize import brentq as _brentq

    return _brentq(f, a, b, args, **kw)


_REGION_NAMES = ("Home", "Foreign")


# ----------------------------------------------------------------------------------------- utility


@njit(cache=True)
def u_raw(c, sigma):
    """CRRA utility c**(1-sigma)/(1-sigma) without the -1 normalisation; log c at sigma == 1."""
    if abs(sigma - 1.0) < 1e-12:
        return np.log(c)
    return c ** (1.0 - sigma) / (1.0 - sigma)


def _u(c, sigma):
    c = np.asarray(c, dtype=float)
    if abs(sigma - 1.0) < 1e-12:
        return np.log(c)
    return c ** (1.0 - sigma) / (1.0 - sigma)


def _check_sigma(sigma):
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma > 0.0):
        raise ValueError(f"sigma (relative risk aversion) must be finite and > 0, got {sigma!r}")
    return sigma


# ----------------------------------------------------------------------------------------- economies


class Economy(NamedTuple):
    """An endowment economy of the paper's §1 with finitely many types of positive mass.

    ``y0[k]`` and ``Y[k, s]`` are per-capita endowments of type ``k`` in youth and in old-age state ``s``;
    ``mass[k] > 0`` (each region has mass 1 in the paper's examples); ``region[k]`` is 0 (Home) or 1
    (Foreign); ``group[k]`` is the enforcement group (global ids 0..G-1, each inside one region);
    ``psi[k]`` is the government's weight on type ``k`` (§2.1.2; mass-weighted mean 1 in each region).
    """

    y0: np.ndarray
    Y: np.ndarray
    pi: np.ndarray
    mass: np.ndarray
    region: np.ndarray
    group: np.ndarray
    psi: np.ndarray
    labels: tuple
    state_labels: tuple

    @property
    def n_types(self):
        return self.y0.size

    @property
    def n_states(self):
        return self.pi.size

    @property
    def n_groups(self):
        return int(self.group.max()) + 1

    @property
    def group_region(self):
        gr = np.empty(self.n_groups, dtype=np.int64)
        for k in range(self.n_types):
            gr[self.group[k]] = self.region[k]
        return gr


def make_economy(y0, Y, pi, mass, region, group=None, psi=None, labels=None, state_labels=None):
    """Validating factory for :class:`Economy` (see its docstring for the fields).

    ``group`` defaults to one enforcement group per region (the paper's baseline); ``psi`` to equal
    weights. Raises ``ValueError`` naming the offending argument.
    """
    y0 = np.asarray(y0, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    pi = np.asarray(pi, dtype=float)
    mass = np.asarray(mass, dtype=float)
    region = np.asarray(region, dtype=np.int64)
    K = y0.size
    if Y.shape != (K, pi.size):
        raise ValueError(f"Y must have shape (types, states) = ({K}, {pi.size}), got {Y.shape}")
    if mass.shape != (K,) or region.shape != (K,):
        raise ValueError("mass and region must have one entry per type")
    if not (np.all(y0 > 0) and np.all(Y > 0)):
        raise ValueError("endowments y0 and Y must be > 0 (the paper assumes strictly positive endowments)")
    if not (np.all(pi > 0) and abs(pi.sum() - 1.0) < 1e-12):
        raise ValueError("pi (state probabilities) must be > 0 and sum to 1")
    if not np.all(mass > 0):
        raise ValueError("mass must be > 0 for every type (groups have positive mass)")
    if not set(region.tolist()) == {HOME, FOREIGN}:
        raise ValueError("region must contain both 0 (Home) and 1 (Foreign), and nothing else")
    if group is None:
        group = region.copy()
    group = np.asarray(group, dtype=np.int64)
    if group.shape != (K,) or group.min() < 0 or set(group.tolist()) != set(range(group.max() + 1)):
        raise ValueError("group must label types with consecutive enforcement-group ids 0..G-1")
    for gid in range(group.max() + 1):
        if len(set(region[group == gid].tolist())) != 1:
            raise ValueError(f"enforcement group {gid} spans both regions (a group lies in one region)")
    if psi is None:
        psi = np.ones(K)
    psi = np.asarray(psi, dtype=float).copy()
    if psi.shape != (K,) or not np.all(psi >= 0):
        raise ValueError("psi (government weights) must be >= 0, one per type")
    for j in (HOME, FOREIGN):
        m = region == j
        tot = np.sum(mass[m] * psi[m])
        if tot <= 0:
            raise ValueError(f"psi must put positive weight on {_REGION_NAMES[j]}")
        psi[m] *= mass[m].sum() / tot
    labels = tuple(labels) if labels is not None else tuple(f"type {k}" for k in range(K))
    state_labels = tuple(state_labels) if state_labels is not None else tuple(str(s) for s in range(pi.size))
    arrays = [y0, Y, pi, mass, region, group, psi]
    for a in arrays:
        a.setflags(write=False)
    return Economy(*arrays, labels, state_labels)


def mirror_economy(g=0.1, v=0.2, e=0.3, a=0.0):
    r"""The mirror-symmetric four-type economy (ours; the draft has no numerical example).

    Types H-A, H-B, F-A, F-B of mass 1/2. Youth endowments :math:`1+g` (Home) and :math:`1-g`
    (Foreign). Old-age states :math:`s=(z,\iota_H,\iota_F)\in\{\pm1\}^3`, plus world risk
    :math:`w=\pm1` when ``a > 0``, all equally likely. Regional means
    :math:`Y_H=(1-g+vz)(1+aw)`, :math:`Y_F=(1+g-vz)(1+aw)`; type A has :math:`Y_j(1+e\iota_j)`, type B
    :math:`Y_j(1-e\iota_j)`. With ``a = 0`` the world endowment is 2 in every date and state, so the
    first best gives everybody 1 (footnote 5).
    """
    g, v, e, a = float(g), float(v), float(e), float(a)
    if not np.isfinite([g, v, e, a]).all():
        raise ValueError("g, v, e, a must be finite")
    if v < 0:
        raise ValueError(f"v (regional volatility) must be >= 0, got {v}")
    if not 1.0 - abs(g) - v > 0:
        raise ValueError(f"g and v must satisfy 1 - |g| - v > 0 (positive regional endowments), got g={g}, v={v}")
    if not 0.0 <= e < 1.0:
        raise ValueError(f"e (idiosyncratic dispersion) must satisfy 0 <= e < 1, got {e}")
    if not 0.0 <= a < 1.0:
        raise ValueError(f"a (world risk) must satisfy a >= 0 (and a < 1 for positive endowments), got {a}")
    ws = (1.0, -1.0) if a > 0 else (0.0,)
    states = [(z, ih, if_, w) for w in ws for z in (1, -1) for ih in (1, -1) for if_ in (1, -1)]
    S = len(states)
    Y = np.empty((4, S))
    labels_s = []
    for s, (z, ih, if_, w) in enumerate(states):
        YH = (1 - g + v * z) * (1 + a * w)
        YF = (1 + g - v * z) * (1 + a * w)
        Y[:, s] = (YH * (1 + e * ih), YH * (1 - e * ih), YF * (1 + e * if_), YF * (1 - e * if_))
        labels_s.append(f"z={z:+d},iH={ih:+d},iF={if_:+d}" + (f",w={int(w):+d}" if a > 0 else ""))
    return make_economy(
        y0=[1 + g, 1 + g, 1 - g, 1 - g], Y=Y, pi=np.full(S, 1.0 / S), mass=[0.5] * 4, region=[0, 0, 1, 1],
        labels=("H-A", "H-B", "F-A", "F-B"), state_labels=labels_s,
    )


def redistribution_economy(r=0.3, e=0.3, v=0.2, agg=0.3):
    r"""Six-type economy for the preference for redistribution, §2.1.1 (ours).

    Home: rich-A, rich-B, poor-A, poor-B (mass 1/4 each), with a permanent component
    :math:`\varepsilon=\pm r`; Foreign: A, B (mass 1/2). States
    :math:`(z, a, \iota_R, \iota_P, \iota_F)\in\{\pm1\}^5`, equally likely; regional means
    :math:`Y_H=(1+\text{agg}\,a)(1+vz)`, :math:`Y_F=(1+\text{agg}\,a)(1-vz)`. Enforcement groups:
    {rich}, {poor}, {Foreign}.
    """
    r, e, v, agg = float(r), float(e), float(v), float(agg)
    if not (0 <= r < 1 and 0 <= e < 1 and 0 <= v < 1 and 0 <= agg < 1):
        raise ValueError("r, e, v, agg must each lie in [0, 1)")
    low = -r + (1 - agg) * (1 - v) * (1 - e)
    if low <= 0:
        raise ValueError(f"r too large: the poorest old-age endowment -r + (1-agg)(1-v)(1-e) = {low:.3g} must be > 0")
    states = list(itertools.product((1, -1), repeat=5))
    Y = np.empty((6, len(states)))
    for s, (z, a, iR, iP, iF) in enumerate(states):
        YH, YF = (1 + agg * a) * (1 + v * z), (1 + agg * a) * (1 - v * z)
        Y[:, s] = (r + YH * (1 + e * iR), r + YH * (1 - e * iR), -r + YH * (1 + e * iP), -r + YH * (1 - e * iP),
                   YF * (1 + e * iF), YF * (1 - e * iF))
    return make_economy(
        y0=[1 + r, 1 + r, 1 - r, 1 - r, 1, 1], Y=Y, pi=np.full(len(states), 1 / len(states)),
        mass=[0.25] * 4 + [0.5] * 2, region=[0, 0, 0, 0, 1, 1], group=[0, 0, 1, 1, 2, 2],
        labels=("H-rich-A", "H-rich-B", "H-poor-A", "H-poor-B", "F-A", "F-B"),
        state_labels=[str(st) for st in states],
    )


def friends_economy(psi_friend=1.5, e=0.3, v=0.2, g=0.0, friends=(0, 1)):
    r"""Home split into four ex-ante identical types, for §2.1.2 and §2.2 (ours).

    Home types 0..3 (mass 1/4): types 0, 1 draw :math:`Y_H(1\pm e\iota_1)`, types 2, 3 draw
    :math:`Y_H(1\pm e\iota_2)`; Foreign A, B (mass 1/2) as in :func:`mirror_economy`. The government of
    Home weights the types in ``friends`` by ``psi_friend`` and the others by ``2 - psi_friend``; the
    enforcement groups are {friends}, {others}, {Foreign}.
    """
    psi_friend = float(psi_friend)
    if not 0 <= psi_friend <= 2:
        raise ValueError(f"psi_friend must lie in [0, 2] (weights psi_friend and 2 - psi_friend), got {psi_friend}")
    friends = tuple(sorted(int(k) for k in friends))
    if len(friends) != 2 or not set(friends) <= {0, 1, 2, 3}:
        raise ValueError("friends must name two of the Home types 0..3")
    if not (0 <= e < 1 and v >= 0 and 1 - abs(g) - v > 0):
        raise ValueError("need 0 <= e < 1, v >= 0 and 1 - |g| - v > 0")
    states = list(itertools.product((1, -1), repeat=4))
    Y = np.empty((6, len(states)))
    for s, (z, i1, i2, iF) in enumerate(states):
        YH, YF = 1 - g + v * z, 1 + g - v * z
        Y[:, s] = (YH * (1 + e * i1), YH * (1 - e * i1), YH * (1 + e * i2), YH * (1 - e * i2),
                   YF * (1 + e * iF), YF * (1 - e * iF))
    psi = np.array([psi_friend if k in friends else 2 - psi_friend for k in range(4)] + [1.0, 1.0])
    group = [0 if k in friends else 1 for k in range(4)] + [2, 2]
    return make_economy(
        y0=[1 + g] * 4 + [1 - g] * 2, Y=Y, pi=np.full(len(states), 1 / len(states)), mass=[0.25] * 4 + [0.5] * 2,
        region=[0, 0, 0, 0, 1, 1], group=group, psi=psi,
        labels=("H-1", "H-2", "H-3", "H-4", "F-A", "F-B"), state_labels=[str(st) for st in states],
    )


def check_within_region_symmetry(econ, tol=1e-12):
    """The draft's ex-ante symmetry within regions (§1): every two residents of a region have the same
    youth endowment, and their old-age endowment distributions are permutations of each other across
    states with equal probability and equal regional endowment sets."""
    K, S = econ.Y.shape
    sets = [tuple(np.round(np.sort(np.concatenate([econ.Y[econ.region == j, s] for j in (0, 1)])), 12))
            for s in range(S)]
    for j in (HOME, FOREIGN):
        ks = np.flatnonzero(econ.region == j)
        if np.ptp(econ.y0[ks]) > tol:
            return False
        for k, k2 in itertools.combinations(ks, 2):
            for s in range(S):
                match = False
                for s2 in range(S):
                    if (abs(econ.pi[s2] - econ.pi[s]) < tol and sets[s2] == sets[s]
                            and abs(econ.Y[k2, s2] - econ.Y[k, s]) < tol):
                        match = True
                        break
                if not match:
                    return False
    return True


