"""Answers of the secondary-markets chapter's exercises, computed (``book/secondary_markets/exercises.md``).

Each function computes what an exercise asks for, from its statement; the exercise's self-check
(:func:`commitment.selfcheck.check_answer`, entries in ``commitment/data/selfchecks.toml``) compares a
student's values with it. The page's solutions compute the same quantities in their own cells.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from commitment.secondary_markets.economies import mirror_economy, redistribution_economy
from commitment.secondary_markets.enforcement import enforcement_at_target
from commitment.secondary_markets.enforcement_risk import friends_foes_equilibrium
from commitment.secondary_markets.first_best import complete_markets
from commitment.secondary_markets.robustness import short_run_gap
from commitment.secondary_markets.welfare import welfare_gain

__all__ = ["FF_ALPHAS", "log_wealth_share_rich_home", "secondary_market_gains_pct", "wrong_buyers_outcome",
           "swapped_gains_pct", "tie_breaking_with_enforced_recovery", "ff_welfare_regions_swapped",
           "tie_breaking_prices", "ff_welfare_against_first_best", "short_run_none_counts"]

FF_ALPHAS = (0.55, 0.6, 0.75, 0.9, 0.95)


def log_wealth_share_rich_home():
    r"""Exercise bmv-ex-log: the wealth share of a rich Home resident (rich-A) of the redistribution economy
    under log utility, from the closed form
    :math:`\theta_i = (y_{i0} + C_0\sum_s \pi_s y_{is}/C_s)/(2C_0)` (not from :func:`complete_markets`)."""
    red = redistribution_economy()
    C0, C = red.mass @ red.y0, red.mass @ red.Y
    return float((red.y0[0] + C0 * red.pi @ (red.Y[0] / C)) / (2 * C0))


def secondary_market_gains_pct(g=0.1, v=0.2, sigma=2.0):
    """Exercise bmv-ex-who-gains: [Home, Foreign] consumption-equivalent gains of secondary markets, in
    percent, in the mirror economy without world risk (:func:`welfare_gain`)."""
    return 100.0 * np.asarray(welfare_gain(mirror_economy(g=g, v=v), sigma), dtype=float)


def wrong_buyers_outcome(outcome="issuer_region"):
    """Exercise bmv-ex-break: [states with full domestic enforcement (of 32), max |c - c*|, worst default
    rate] in the redistribution economy at sigma = 2, world-pool holdings, with the resale rule
    ``outcome`` (the baseline: any residents of the issuing region buy)."""
    red = redistribution_economy()
    cm = complete_markets(red, 2.0)
    rep = enforcement_at_target(red, 2.0, cm.c, rule="world_pool", outcome=outcome)
    return np.array([float(rep.full_domestic.sum()), float(np.abs(rep.c - cm.c).max()),
                     float(rep.default_rate.max())])


def _buyer_foc(p, b, alpha, phi, foe_to_foe):
    """A Foreign buyer's first-order condition in the secondary market at holdings h = b (§3.3, ours), with
    payments between foes enforced (``foe_to_foe``) or not."""
    R_o = (1.0 - phi) if foe_to_foe else 0.0  # what a unit pays a foe holder
    pays_o = phi * b + (1.0 - phi) * b * foe_to_foe  # what a foe issuer pays
    c_f = alpha - p * b + b - phi * b
    c_o = alpha - p * b + R_o * b - pays_o
    return phi * (1.0 - p) / c_f + (1.0 - phi) * (R_o - p) / c_o


def tie_breaking_prices(alpha=0.75, phi=0.5):
    r"""Exercise bmv-ex-ties: [expected recovery on a diversified holding when indifferent (foe-to-foe)
    payments are not enforced, the secondary-market price with foe-to-foe payments enforced, the price
    without], at the equilibrium issuance of :func:`friends_foes_equilibrium`."""
    b = friends_foes_equilibrium(alpha, phi).b
    p_tie = brentq(_buyer_foc, 1e-9, 1 - 1e-9, args=(b, alpha, phi, True), xtol=1e-14)
    p_alt = brentq(_buyer_foc, 1e-9, 1 - 1e-9, args=(b, alpha, phi, False), xtol=1e-14)
    return np.array([phi, p_tie, p_alt])


def ff_welfare_against_first_best(alphas=FF_ALPHAS, phi=0.5):
    r"""Exercise bmv-ex-ff-welfare: Home's utility minus :math:`\ln\tfrac12` at each alpha, then Foreign's,
    in the friends-and-foes economy (R10)."""
    eqs = [friends_foes_equilibrium(a, phi) for a in alphas]
    return np.array([e.U_H - np.log(0.5) for e in eqs] + [e.U_F - np.log(0.5) for e in eqs])


def short_run_none_counts():
    """Exercise bmv-ex-short-run: the number of states (of 8) in which Home, then Foreign, prefers "none"
    with regional netting, then with world-pool holdings, in the mirror economy g = 0, v = 0.2, e = 0.3,
    log utility (:func:`short_run_gap`)."""
    m = mirror_economy(g=0.0, v=0.2, e=0.3)
    out = []
    for rule in ("regional_netting", "world_pool"):
        gap = short_run_gap(m, 1.0, rule)
        out += [float(np.sum(gap[0] > 0)), float(np.sum(gap[1] > 0))]
    return np.array(out)


# Known mistakes (hints of the self-checks): the answer computed under the mistake.

def swapped_gains_pct():
    """bmv-ex-who-gains with the regions swapped (the gains at g = -0.1)."""
    return secondary_market_gains_pct(g=-0.1)


def tie_breaking_with_enforced_recovery():
    """bmv-ex-ties with the recovery phi + (1 - phi)^2 of the enforced tie (0.75 at phi = 1/2)."""
    out = tie_breaking_prices()
    out[0] = out[0] + (1.0 - out[0]) ** 2
    return out


def ff_welfare_regions_swapped():
    """bmv-ex-ff-welfare with Foreign's five numbers first."""
    out = ff_welfare_against_first_best()
    return np.concatenate([out[5:], out[:5]])
