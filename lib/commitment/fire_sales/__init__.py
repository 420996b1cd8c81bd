r"""Collateral constraints, fire sales and segregated exchanges (Kilenthong and Townsend, 2014).

The economy of Section 2.1 of the paper: two dates, two goods, types :math:`h` with masses
:math:`\alpha^h`; good 2 can be stored at t = 0 (return :math:`R_s`) and serves as collateral; promises
are valued at the spot price :math:`p_s` of good 2, which is where the pecuniary externality enters.
All types share the CRRA period utility

.. math::  u(c_1, c_2) = \phi(c_1) + \phi(c_2), \qquad
           \phi(c) = \frac{c^{1-\sigma}}{1-\sigma}\ (\sigma \ne 1), \quad \phi(c) = \log c\ (\sigma = 1),

(the paper's eq. (26) is :math:`\sigma = 2`: :math:`u = -1/c_1 - 1/c_2`; we drop the ``-1`` of
:mod:`commitment.utility` so that utilities are the paper's numbers). With identical homothetic
preferences every consumer chooses :math:`c_1/c_2 = z`, so the spot price is a function of the
*market fundamental* only (eq. 10),

.. math::  z_s = \frac{\sum_h \alpha^h e^h_{1s}}{R_s K + \sum_h \alpha^h e^h_{2s}}, \qquad p_s = z_s^\sigma,

and a consumer with good-1 wealth :math:`W` facing ratio :math:`r` consumes
:math:`c_1 = W/(1 + r^{\sigma-1})`, :math:`c_2 = c_1/r`. The date-0 price is :math:`p_0 = q^\sigma` with
:math:`q = \bar e_{10}/(\bar e_{20} - K)`.

What is solved here (and what is not):

- :func:`collateral_equilibrium` (Definition 1): one state (S = 1, any number of types), the
  *mirror* two-state economies of Environment 2 (two types, states swapped, probabilities one half), and
  any other two-state economy (:mod:`.two_state`: binding patterns found by per-type KKT conditions).
- :func:`segregated_equilibrium` (Definition 3, with the mixtures of Appendix A): S = 1 with one exchange
  (Environment 1 and any two-type economy), S = 1 with one exchange per borrower type and a lender
  who mixes (Environment 3), and the mirror two-state economies. ``z_grid`` restricts exchanges to a
  finite set (the paper's printed tables are such grid solutions).
- :func:`planner_max_u1`, :func:`welfare_gap` (Program 1): one state, two or three types, one spot
  market; :func:`planner_frontier`: two types.
- :func:`planner_exchanges_max_u1` (Program 1 with the spot market split into exchanges and a saver who
  mixes over them): one state, any number of types; SciPy's SLSQP, independent of the equilibrium solver.
- :func:`rights_price_band`: prices of rights in any exchange, active or not (the KKT inequality (56)).

Other economies raise :class:`UnsupportedEconomy` (a ``ValueError``) naming the restriction; a
supported economy none of whose equilibria is of the kinds solved here raises
:class:`NoSupportedEquilibrium` (a ``RuntimeError``). With one
state, securities are not needed: a borrower who buys collateral and pledges it pays nothing down, so
every attainable allocation is reached by storage choices :math:`k^h \ge 0` and spot trade alone (the chapter proves it).

Modules, following the chapter's pages:

- :mod:`.economy` -- the economy, its factory, the three environments, preferences and the spot market
  (eq. 10, footnote 16) (page ``collateral_economy``);
- :mod:`.equilibrium` -- the one-state kernels, the competitive equilibrium (Definition 1) and the
  mirror two-state economies, Tables 1 and 3 "ex" (pages ``collateral_economy``, ``tables``);
- :mod:`.exchanges` -- segregated exchanges (Definition 3), rights-price bands, the public-finance
  reading (pages ``segregated_exchanges``, ``tables``);
- :mod:`.planner` -- Program 1 by golden-section searches, Theorem 1 and Propositions 1-2 gaps (page
  ``planner``);
- :mod:`.program1` -- Program 1 in the paper's variables (SLSQP) and the planner with exchanges (pages
  ``planner``, ``tables``);
- :mod:`.lottery` -- the lottery LP (Program 2) and its Negishi search (page ``lottery_lp``);
- :mod:`.lottery_h` -- Program 2 with H types, the Negishi tatonnement, the emerging exchanges and Theorem 1
  against Program 2 (page ``lottery_lp``);
- :mod:`.incomplete` -- Section 2.2, exogenously incomplete markets (page ``incomplete_markets``);
- :mod:`.decentralised` -- the types' own choices at given prices: the taxed competitive equilibrium
  (public-finance reading), rights clearing and exchange choice (pages ``segregated_exchanges``,
  ``tables``);
- :mod:`.second_welfare` -- Theorem 2 numerically: supporting prices and transfers on the constrained
  frontier, the arc that Pareto-improves on the competitive equilibrium (page ``segregated_exchanges``);
- :mod:`.two_state` -- the competitive equilibrium of any two-state economy by per-type KKT conditions, and
  Propositions 1-2 on random two-state economies (page ``collateral_economy``).

Every public name is re-exported here, so ``from commitment.fire_sales import X`` works for all of them.
"""

from __future__ import annotations

from commitment.fire_sales import economy
from commitment.fire_sales import equilibrium
from commitment.fire_sales import exchanges
from commitment.fire_sales import planner
from commitment.fire_sales import program1
from commitment.fire_sales import lottery
from commitment.fire_sales import lottery_h
from commitment.fire_sales import incomplete
from commitment.fire_sales import decentralised
from commitment.fire_sales import second_welfare
from commitment.fire_sales import environment_2
from commitment.fire_sales import two_state

from commitment.fire_sales.economy import *  # noqa: F401,F403
from commitment.fire_sales.equilibrium import *  # noqa: F401,F403
from commitment.fire_sales.exchanges import *  # noqa: F401,F403
from commitment.fire_sales.planner import *  # noqa: F401,F403
from commitment.fire_sales.program1 import *  # noqa: F401,F403
from commitment.fire_sales.lottery import *  # noqa: F401,F403
from commitment.fire_sales.lottery_h import *  # noqa: F401,F403
from commitment.fire_sales.incomplete import *  # noqa: F401,F403
from commitment.fire_sales.decentralised import *  # noqa: F401,F403
from commitment.fire_sales.second_welfare import *  # noqa: F401,F403
from commitment.fire_sales.environment_2 import *  # noqa: F401,F403
from commitment.fire_sales.two_state import *  # noqa: F401,F403

# private helpers used by the tests and the benchmark
from commitment.fire_sales.economy import _phi, _v  # noqa: F401
from commitment.fire_sales.equilibrium import _one_state  # noqa: F401
from commitment.fire_sales.exchanges import _z_max  # noqa: F401
from commitment.fire_sales.planner import _golden_next, _golden_start  # noqa: F401

__all__ = [
    *economy.__all__,
    *equilibrium.__all__,
    *exchanges.__all__,
    *planner.__all__,
    *program1.__all__,
    *lottery.__all__,
    *lottery_h.__all__,
    *incomplete.__all__,
    *decentralised.__all__,
    *second_welfare.__all__,
    *environment_2.__all__,
    *two_state.__all__,
    "ENV1",
    "ENV2",
    "ENV3",
]


def __getattr__(name):
    # ENV1..ENV3 are built on first access by the economy module (no work at import time).
    if name in ("ENV1", "ENV2", "ENV3"):
        return getattr(economy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
