r"""Equilibrium default and debt maturity: Aguiar, Amador, Hopenhayn and Werning (2019), "Take the
Short Route".

The module solves the paper's stationary perpetuity economy (Section 6): a small open economy with a
constant endowment ``y``, log utility, a one-period bond and a perpetuity paying ``l`` every period,
risk-neutral lenders discounting at ``R``, and an i.i.d. value of default
``v^D = log(tau * y) / (1 - beta)`` with ``tau ~ U[tau_lo, tau_hi]``.

Proposition 1 of the paper says that every Markov competitive equilibrium solves a planning problem
over the value ``v`` promised to the government. Its value function ``B*(v, l)`` -- the largest
one-period debt consistent with delivering ``v`` given the legacy perpetuity ``l`` -- solves the
Bellman equation (the recursive form of (9)-(10), with (12) holding as an equality)

    B*(v, l) = max_{v' >= vD_lo} { y - l - C(v - beta G(v')) + F(v') B*(v', l) / R },

with ``C = exp`` the inverse of log utility, ``F`` the c.d.f. of ``v^D`` and ``G(x) = E max{x, v^D}``.
Everything else in the paper (bond prices, yield curves, the losses from trading long bonds, the
restructuring surplus, equilibrium paths) is post-processing of ``B*``.

Solver (:func:`solve_planner`): policy iteration on a grid in ``v`` whose node set contains the top
of the default-value support exactly (``B*`` has a kink there); the maximisation over ``v'`` first
finds the best grid node for every state at once with the upper envelope of lines (the objective is
affine in ``x = exp(v)`` for each node ``v'``), then refines it by safeguarded Newton steps on the
first-order condition, using a cubic Hermite interpolant of ``B*`` whose slopes come from the envelope
condition ``B*_v = -1/u'(c) = -c``. Policy evaluation (Howard) iterates the interpolated Bellman
equation with the policy fixed.

Beyond the stationary planner: prices and paths (:func:`value_of_debt`, :func:`one_period_price`,
:func:`simulate_path`, :func:`yield_curve`, :func:`perpetuity_price`), Proposition 3's residuals
(:func:`euler_residuals`; the claim function with its measured error, :func:`proposition_3_residual`), the
slope of the yield curve with its measured error (:func:`yield_curve_slope`), Lemma 2's bound on the
policy (:func:`lemma_2_excess`), Proposition 2's second differences in the coupon with their grid error
(:func:`proposition_2_second_difference`), the cost of trading long bonds (:func:`trade_loss`), the restructuring
surplus (:func:`restructuring`), the non-stationary planner for a general legacy profile
(:func:`solve_profile`) and the government's own problem in debt space with the Eaton-Gersovitz price
iteration (:func:`sovereign_best_response`, :func:`eaton_gersovitz`), whose equilibrium values test Lemma 3
(:func:`lemma_3_residual`), and whose best responses test Lemmas 4 and 5 (:func:`lemma_4_excess`,
:func:`lemma_5_shortfall`). The claims of Sections 5.2, 6 and 7 have their own functions, each with a
measured grid error: :func:`long_bond_trading_loss`, :func:`steady_state_drift`, :func:`restructuring_surplus`.
Corollary 1 as the government's joint choice of promise and long-bond position (:func:`corollary_1_gain`),
Proposition 1 from the price iteration (:func:`proposition_1_gap`), zero-coupon legacy bonds for Figures 1
and 5 (:func:`zero_coupon_curve`), paths with realised default costs (:func:`simulate_defaults`) and the
closed forms of the default-value distribution against quadrature (:func:`default_distribution_error`).

Modules follow the chapter's pages: :mod:`.model` (environment), :mod:`.bellman` and :mod:`.planner`
(planner), :mod:`.simulation` and :mod:`.prices` (perpetuity, euler_yields), :mod:`.sovereign` (welfare_theorem),
:mod:`.convexity` and :mod:`.profile` (convexity), :mod:`.steady_states` (euler_yields), :mod:`.restructuring`,
:mod:`.beyond` (the three-period buyback example, ours, and maturity indeterminacy without default risk).
Every public name is re-exported here.

All kernels are ``@njit(cache=True)``; the NumPy twin of the Bellman operator lives in the tests
(``tests/test_debt_maturity_twin.py``) and is the baseline of ``benchmarks/bench_debt_maturity.py``.
"""

from __future__ import annotations

from .model import (  # noqa: F401
    DebtMaturityModel, create_model, default_bounds, riskless_value_of_zero_debt, repay_cdf, repay_pdf, expected_max, DistributionErrors, default_distribution_error,
)
from .bellman import (  # noqa: F401
    bellman_operator, _cell_eval, _cell_max, _evaluate,
)
from .planner import (  # noqa: F401
    PlannerSolution, solve_planner, solve_map, debt_capacity, debt_capacity_slope, value_of_debt, policy_at, one_period_price,
    Lemma2Excess, lemma_2_excess,
)
from .simulation import (  # noqa: F401
    Path, simulate_path, DefaultDraws, simulate_defaults,
)
from .prices import (  # noqa: F401
    zero_coupon_prices, yield_curve, forward_rates, perpetuity_price, euler_residuals, EulerResidual,
    proposition_3_residual, YieldCurveSlope, yield_curve_slope,
)
from .convexity import (  # noqa: F401
    ConvexityInL, proposition_2_second_difference, trade_loss, TradeLosses, long_bond_trading_loss, JointChoice, corollary_1_gain,
)
from .restructuring import (  # noqa: F401
    restructuring, RestructuringSurplus, restructuring_surplus,
)
from .beyond import (  # noqa: F401
    BuybackToy, create_buyback_toy, Buyback, buyback_price_rise, Indeterminacy, maturity_indeterminacy,
    MaturityChoice, maturity_choice_with_shocks,
)
from .steady_states import (  # noqa: F401
    steady_state_interior, boundary_threshold, SteadyStateDrift, steady_state_drift, BoundaryGap,
    boundary_closed_form_gap,
)
from .profile import (  # noqa: F401
    ProfileSolution, solve_profile, profile_discounts, profile_debt_capacity, profile_value_of_debt, profile_policy_at, ZeroCouponCurve, zero_coupon_curve,
)
from .sovereign import (  # noqa: F401
    SovereignSolution, sovereign_best_response, eaton_gersovitz, lemma_1_margins, Lemma1Margins, lemma_3_residual, BestResponseGap, lemma_4_excess, lemma_5_shortfall, Proposition1Gap, proposition_1_gap, debt_levels, boundary_anchor,
)

__all__ = [
    "DebtMaturityModel",
    "create_model",
    "default_bounds",
    "riskless_value_of_zero_debt",
    "repay_cdf",
    "repay_pdf",
    "expected_max",
    "DistributionErrors",
    "default_distribution_error",
    "bellman_operator",
    "PlannerSolution",
    "solve_planner",
    "solve_map",
    "debt_capacity",
    "debt_capacity_slope",
    "value_of_debt",
    "policy_at",
    "one_period_price",
    "Path",
    "simulate_path",
    "DefaultDraws",
    "simulate_defaults",
    "zero_coupon_prices",
    "yield_curve",
    "forward_rates",
    "perpetuity_price",
    "ConvexityInL",
    "proposition_2_second_difference",
    "euler_residuals",
    "EulerResidual",
    "proposition_3_residual",
    "YieldCurveSlope",
    "yield_curve_slope",
    "Lemma2Excess",
    "lemma_2_excess",
    "trade_loss",
    "restructuring",
    "steady_state_interior",
    "boundary_threshold",
    "ProfileSolution",
    "solve_profile",
    "profile_discounts",
    "profile_debt_capacity",
    "profile_value_of_debt",
    "profile_policy_at",
    "ZeroCouponCurve",
    "zero_coupon_curve",
    "SovereignSolution",
    "sovereign_best_response",
    "lemma_1_margins",
    "Lemma1Margins",
    "eaton_gersovitz",
    "lemma_3_residual",
    "BestResponseGap",
    "lemma_4_excess",
    "lemma_5_shortfall",
    "Proposition1Gap",
    "proposition_1_gap",
    "BoundaryGap",
    "boundary_closed_form_gap",
    "debt_levels",
    "boundary_anchor",
    "TradeLosses",
    "long_bond_trading_loss",
    "JointChoice",
    "corollary_1_gain",
    "RestructuringSurplus",
    "restructuring_surplus",
    "SteadyStateDrift",
    "steady_state_drift",
]
