r"""Welfare of the regimes (page ``secondary_markets``): regional welfare, consumption-equivalent gains and
the mirror economy's closed-form gain of secondary markets.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from commitment.secondary_markets.economies import FOREIGN, HOME, _check_sigma, _u
from commitment.secondary_markets.enforcement import secondary_market_equilibrium
from commitment.secondary_markets.resale import regional_autarky

__all__ = [
    "regional_welfare", "ce_gain", "welfare_gain", "power_mean", "mirror_gain_closed_form",
    "GainDecomposition", "mirror_gain_decomposition",
]


# ----------------------------------------------------------------------------------------- welfare


def regional_welfare(economy, c0, c, sigma):
    """Average expected utility of each region's residents, u(c_0) + sum_s pi_s u(c_s), eq. (1)."""
    e = economy
    U = _u(c0, sigma) + _u(c, sigma) @ e.pi
    return np.array([np.sum(e.mass[e.region == j] * U[e.region == j]) / e.mass[e.region == j].sum()
                     for j in (HOME, FOREIGN)])


def ce_gain(U1, U0, sigma, weight_total=2.0):
    """Consumption-equivalent gain: lambda with U0 evaluated at (1 + lambda) c equal to U1."""
    U1, U0 = np.asarray(U1, float), np.asarray(U0, float)
    if abs(sigma - 1.0) < 1e-12:
        return np.exp((U1 - U0) / weight_total) - 1.0
    return (U1 / U0) ** (1.0 / (1.0 - sigma)) - 1.0


def welfare_gain(economy, sigma, rule="regional_netting"):
    """[gain_home, gain_foreign]: the consumption-equivalent gain of the secondary-market equilibrium
    (computed by the full pipeline) over the no-commitment equilibrium without secondary markets
    (eqs. 8-9). Needs within-region symmetry; raises ``RuntimeError`` if the pipeline does not deliver
    full enforcement."""
    sigma = _check_sigma(sigma)
    aut = regional_autarky(economy)
    eq = secondary_market_equilibrium(economy, sigma, rule)
    if not np.all(eq.enforcement.full_domestic):
        raise RuntimeError("welfare_gain: the governments do not enforce all domestic payments")
    return ce_gain(regional_welfare(economy, eq.c0, eq.c, sigma),
                   regional_welfare(economy, aut.c0, aut.c, sigma), sigma)


def power_mean(values, probs, r):
    """M_r = (sum p x**r)**(1/r); geometric mean at r = 0. Computed as exp(log1p(sum p expm1(r log x)) / r)
    (probabilities summing to one), which keeps its digits as r -> 0, where the direct form cancels."""
    x, p = np.asarray(values, float), np.asarray(probs, float)
    if r == 0.0:
        return float(np.exp(p @ np.log(x)))
    with np.errstate(divide="ignore"):
        lx = np.log(x)
    if abs(p.sum() - 1.0) > 1e-12 or not np.all(np.isfinite(lx)):
        return float((p @ x ** r) ** (1.0 / r))
    return float(np.exp(np.log1p(p @ np.expm1(r * lx)) / r))


def mirror_gain_closed_form(g, v, sigma, region=HOME):
    r"""Closed form (ours) of the gain in the mirror economy with ``a = 0``:
    :math:`\lambda_H = 1/M_{1-\sigma}(\{1+g:\tfrac12, 1-g+v:\tfrac14, 1-g-v:\tfrac14\}) - 1` (and g -> -g,
    v -> -v for Foreign), because the first best gives 1 everywhere."""
    sg = 1 if region == HOME else -1
    vals = [1 + sg * g, 1 - sg * g + v, 1 - sg * g - v]
    return 1.0 / power_mean(vals, [0.5, 0.25, 0.25], 1.0 - sigma) - 1.0




class GainDecomposition(NamedTuple):
    """Gains as proportional consumption equivalents; ``(1 + total) = (1 + smoothing) (1 + insurance)``."""
    total: float
    smoothing: float
    insurance: float


def mirror_gain_decomposition(g, v, sigma, region=HOME, order="smoothing_first"):
    r"""Split (ours) the mirror economy's gain of secondary markets, eq. (bmv-gain-closed-form) with
    ``a = 0``, into intertemporal smoothing and insurance, in two steps at the first-best prices
    :math:`q_s = \pi_s` (footnote 5).

    With Home's autarky plan (youth :math:`1+g`, old age :math:`1-g \pm v` with probability 1/2 each):

    - ``order="smoothing_first"``: a risk-free loan of :math:`g` at price one moves the plan to youth 1,
      old age :math:`1 \pm v` (smoothing); full insurance then moves it to the first best, 1 everywhere;
    - ``order="insurance_first"``: fair insurance of :math:`v` moves the plan to youth :math:`1+g`, old
      age :math:`1-g` (insurance); the loan then moves it to the first best (smoothing).

    Each step's gain is a ratio of power means :math:`M_{1-\sigma}` of the plans (weights 1/2, 1/4, 1/4),
    as in the closed form; the split depends on the order, the total does not. With CRRA utility
    :math:`\sigma` is both the relative risk aversion and the inverse of the elasticity of intertemporal
    substitution, so both parts depend on it. For Foreign, ``g`` and ``v`` change sign.

    Raises ``ValueError`` unless ``v >= 0``, ``|g| + v < 1`` (positive endowments), ``sigma > 0``,
    ``region`` is 0 (Home) or 1 (Foreign) and ``order`` is one of the two above.
    """
    sigma = _check_sigma(sigma)
    g, v = float(g), float(v)
    if not (np.isfinite(v) and v >= 0.0):
        raise ValueError(f"v (regional volatility) must be >= 0, got {v!r}")
    if not (np.isfinite(g) and abs(g) + v < 1.0):
        raise ValueError(f"g (youth endowment gap) must satisfy |g| + v < 1 (positive endowments), got g={g!r}, v={v!r}")
    if region not in (HOME, FOREIGN):
        raise ValueError(f"region must be {HOME} (Home) or {FOREIGN} (Foreign), got {region!r}")
    if order not in ("smoothing_first", "insurance_first"):
        raise ValueError(f"order must be 'smoothing_first' or 'insurance_first', got {order!r}")
    sg = 1.0 if region == HOME else -1.0
    w, r = [0.5, 0.25, 0.25], 1.0 - sigma
    M_aut = power_mean([1 + sg * g, 1 - sg * g + v, 1 - sg * g - v], w, r)
    total = 1.0 / M_aut - 1.0
    if order == "smoothing_first":
        M_mid = power_mean([1.0, 1.0 + v, 1.0 - v], w, r)
        smoothing, insurance = M_mid / M_aut - 1.0, 1.0 / M_mid - 1.0
    else:
        M_mid = power_mean([1 + sg * g, 1 - sg * g, 1 - sg * g], w, r)
        insurance, smoothing = M_mid / M_aut - 1.0, 1.0 / M_mid - 1.0
    return GainDecomposition(float(total), float(smoothing), float(insurance))
