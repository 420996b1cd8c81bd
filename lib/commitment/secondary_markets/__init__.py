r"""Sovereign risk and secondary markets (Broner, Martin and Ventura, early draft; AER 2010).

Two regions (Home ``H = 0``, Foreign ``F = 1``), a continuum of agents grouped into *types* of positive
mass, two periods (youth, old age), an old-age state :math:`s \in S` with probability :math:`\pi_s`,
and a complete set of Arrow securities. Governments cannot commit: after the state is known they
choose which payments to enforce, pair of enforcement groups by pair of enforcement groups, to
maximise the (weighted) average utility of their residents.

The package computes, for an :class:`Economy`:

- the commitment benchmark (R0): :func:`complete_markets` (CRRA closed form) and
  :func:`complete_markets_negishi` (a generic Negishi solver used as a cross-check);
- no commitment without secondary markets (R1): :func:`regional_autarky`, eqs. (8)-(9);
- the secondary-market pipeline (R2): gross holdings (:func:`gross_holdings`) -> secondary market at
  face value (:func:`secondary_market`) -> each government's optimal enforcement, found by enumerating
  all its choices (:func:`enumerate_enforcement`, a numba kernel) -> final consumption
  (:func:`secondary_market_equilibrium`);
- the welfare gain of secondary markets (:func:`welfare_gain`);
- the paper's extensions and limits: partial secondary markets (R9), a bond-only primary market (R8),
  enforcement risk with friends and foes (R10, :func:`friends_foes_equilibrium`), the footnote-13
  "defaulter" variant, a monopoly issuer (R11), short-run commitment (R12).

The numba kernels have plain NumPy twins running the same algorithms, used by the tests and the
benchmark: :func:`enumerate_enforcement_numpy` (the governments' enumeration),
:func:`negishi_allocation_numpy` (the planner allocation behind :func:`complete_markets_negishi`) and
:func:`bond_excess_numpy` (the bond-only market of R8); the friends-and-foes price is checked against the
notes' closed-form quadratic.

Result labels R0-R13 are the book's (the draft numbers no result); equation numbers are the draft's.
Everything marked *ours* in a docstring is a parametric illustration built for the book, consistent with
the paper's assumptions but not stated in it.

Utility is CRRA *without* the ``-1`` normalisation, :math:`u(c) = c^{1-\sigma}/(1-\sigma)` (log at
:math:`\sigma = 1`), so that consumption-equivalent gains have the simple power form; it differs from
:func:`commitment.utility.crra_kernel` by a constant, which changes no choice.

Modules, following the chapter's pages:

- :mod:`.economies` -- the economy, its factory, the parametric economies and utility (page ``model``);
- :mod:`.first_best` -- R0, the commitment benchmark (page ``model``);
- :mod:`.resale` -- R1's regional autarky, gross holdings and the secondary market (pages ``no_commitment``,
  ``secondary_markets``);
- :mod:`.enforcement` -- the governments' enforcement choice, the pipeline and the claim functions of
  R1-R4 (pages ``no_commitment``, ``secondary_markets``, ``extensions``);
- :mod:`.welfare` -- welfare and consumption-equivalent gains (page ``secondary_markets``);
- :mod:`.extensions` -- R5, R7 and footnotes 8 and 12 (page ``extensions``);
- :mod:`.robustness` -- R8, R9, R11-R13 and footnotes 14-16 (page ``robustness``);
- :mod:`.enforcement_risk` -- R10 and footnote 13, friends and foes (page ``robustness``);
- :mod:`.equilibrium` -- R2 found from primary portfolios that are not the first best: the secondary
  market from valuations, the agents' portfolio choice and the fixed point (page ``secondary_markets``).
- :mod:`.exercises` -- the answers behind the exercises' self-checks (page ``exercises``; not
  re-exported).

Every public name is re-exported here, so ``from commitment.secondary_markets import X`` works for all of
them.
"""

from __future__ import annotations

from commitment.secondary_markets import economies
from commitment.secondary_markets import first_best
from commitment.secondary_markets import resale
from commitment.secondary_markets import enforcement
from commitment.secondary_markets import welfare
from commitment.secondary_markets import extensions
from commitment.secondary_markets import robustness
from commitment.secondary_markets import enforcement_risk
from commitment.secondary_markets import equilibrium

from commitment.secondary_markets.economies import *  # noqa: F401,F403
from commitment.secondary_markets.first_best import *  # noqa: F401,F403
from commitment.secondary_markets.resale import *  # noqa: F401,F403
from commitment.secondary_markets.enforcement import *  # noqa: F401,F403
from commitment.secondary_markets.welfare import *  # noqa: F401,F403
from commitment.secondary_markets.extensions import *  # noqa: F401,F403
from commitment.secondary_markets.robustness import *  # noqa: F401,F403
from commitment.secondary_markets.enforcement_risk import *  # noqa: F401,F403
from commitment.secondary_markets.equilibrium import *  # noqa: F401,F403

__all__ = [
    *economies.__all__,
    *first_best.__all__,
    *resale.__all__,
    *enforcement.__all__,
    *welfare.__all__,
    *extensions.__all__,
    *robustness.__all__,
    *enforcement_risk.__all__,
    *equilibrium.__all__,
]
