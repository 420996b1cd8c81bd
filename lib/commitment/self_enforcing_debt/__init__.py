r"""Hellwig and Lorenzoni, "Bubbles and Self-Enforcing Debt" (Econometrica 2009; NBER WP 12614, 2006).

- :mod:`.example` -- closed forms of the alternating-endowment example (Lemmas 1-2, Propositions 1-2,
  App. C dynamics), generalised by us to CRRA utility and growth;
- :mod:`.markov` -- the household problem P1 with complete Markov Arrow markets (numba time
  iteration + NumPy twin), exact roll-over and Perron roots, the fixed-price not-too-tight debt-limit
  iteration for both punishments, and our two-state stochastic extension;
- :mod:`.deterministic` -- deterministic economies with time-varying prices and limits as Markov
  chains on dates, used for Figures 1-3 and the Theorem 2 check on transition paths;
- :mod:`.asymmetric` -- our two-state economy with an asymmetric chain: Perron root one, one-period
  risk-free rates that differ from growth;
- :mod:`.claims` -- the quantities the claim checks test, one function per result, each with its error
  estimate: household-level results (Lemma 1, Theorem 1, the Figure 1 and 2 arguments, Propositions 3
  and 4);
- :mod:`.claims_equilibrium` -- the same for equilibrium-level results (Lemma 2, Propositions 1, 2 and 5,
  Theorem 2, the App. C transition and collapse);
- :mod:`.claims_example` -- the same for condition (13), the interest-rate ladder and our growth extension of
  the example;
- :mod:`.ge_stochastic` -- our general-equilibrium example: one-period risk-free rates against the
  long-run yield when the Perron root is one;
- :mod:`.proposition_4` -- Proposition 4 date by date on deterministic limits that do not roll over;
- :mod:`.claims_markov` -- the same for Lemmas 3 and 8, footnote 6 (the bubble) and our Perron condition;
- :mod:`.exercises` -- the answers of the chapter's exercises, computed for their self-checks.

Importing does no work. The closed forms are imported eagerly; the numba-based modules are loaded
on first use of one of their names (so that pages using only closed forms do not pay for numba's
start-up), and their kernels compile on first call (cached on disk).
"""

import importlib

from commitment.self_enforcing_debt.example import (  # noqa: F401
    CollapsePath, ExampleParameters, OffSteadyState, Plan, SteadyState, Transition, collapse_map,
    collapse_path, create_example, default_gap, default_gap_log, default_plan, er_residual_det,
    off_steady_state, repaying_plan, steady_state, symmetric_market_price, transition)

_LAZY = {
    "markov": ("HouseholdSolution", "LimitIteration", "TwoStateEquilibrium", "autarky_values",
               "consumption_at", "debt_limit_iteration", "er_residual_markov", "natural_limits",
               "perron", "risk_free_yields", "example_chain", "solve_household", "time_iteration_numpy",
               "two_state_markov", "value_at"),
    "deterministic": ("FirstBinding", "PVArgument", "ShadowLimits", "TimeChain", "first_binding", "pv_argument",
                      "shadow_limits", "simulate", "time_chain"),
    "asymmetric": ("AsymmetricEquilibrium", "asymmetric_two_state"),
    "claims": ("SOLVER_ERROR", "Lemma1Error", "Theorem1Gap", "lemma_1_error", "theorem_1_gap",
               "Figure1Gap", "figure_1_gap", "figure_2_gap", "Proposition3Gap", "proposition_3_gap", "Proposition4RollOver",
               "proposition_4_roll_over", "TARGET", "TARGET_P3", "TARGET_FIGURES", "MAX_N"),
    "claims_equilibrium": ("Lemma2Error", "lemma_2_error", "Proposition1Gap", "proposition_1_gap",
                           "Proposition2Gap", "proposition_2_gap", "Proposition5Gap", "proposition_5_gap",
                           "Theorem2Gap", "theorem_2_gap", "TransitionGap", "appc_transition_gap",
                           "DebtCollapseGap", "debt_collapse_gap"),
    "claims_example": ("Condition13Gap", "condition_13_gap", "GrowthIrrelevanceGap", "growth_irrelevance_gap",
                       "InterestRateLadder", "interest_rate_ladder"),
    "ge_stochastic": ("GEStochasticRates", "ge_stochastic_rates", "rates_from_prices", "LONG_HORIZON"),
    "proposition_4": ("Proposition4Violation", "proposition_4_violation_margins", "ROUNDING_P4"),
    "claims_markov": ("Lemma8Gap", "lemma_8_gap", "PerronLimits", "perron_condition_limits", "Lemma3Margins",
                      "lemma_3_margins", "BubblePV", "bubble_present_values", "AJvsHLOrdering",
                      "aj_vs_hl_ordering"),
}
_WHERE = {name: mod for mod, names in _LAZY.items() for name in names}

__all__ = sorted(
    ["CollapsePath", "ExampleParameters", "OffSteadyState", "Plan", "SteadyState", "Transition",
     "collapse_map", "collapse_path", "create_example", "default_gap", "default_gap_log", "default_plan",
     "er_residual_det", "off_steady_state", "repaying_plan", "steady_state", "symmetric_market_price",
     "transition"] + list(_WHERE))


def __getattr__(name):
    if name in _WHERE:
        module = importlib.import_module(f"commitment.self_enforcing_debt.{_WHERE[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
