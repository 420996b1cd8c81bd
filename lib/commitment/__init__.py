"""commitment: the library behind *Limited Commitment and Markets: Executable Lecture Notes*.

One module per paper (added chapter by chapter) plus shared numerics:

- :mod:`commitment.utility` -- CRRA/log utility, marginal utility and its inverse (numba kernels and
  validated wrappers);
- :mod:`commitment.numerics` -- scalar root finding, maximisation and interpolation usable inside numba
  kernels;
- :mod:`commitment.registry` -- the registry of the papers' formal results and the scanner that finds the
  checks in the book's pages;
- :mod:`commitment.verification` -- ``verify`` and friends, the one-line numerical checks used in the pages;
- :mod:`commitment.notebook` -- ``glue``, to quote computed values in a page's prose (and ``glue_text``, which
  shows them in JupyterLab, see :mod:`commitment.lab`);
- :mod:`commitment.explorer` -- figures with sliders, static on the website and live in Jupyter; each
  chapter's draw functions and sliders are in ``commitment.<chapter>_explorers``;
- :mod:`commitment.errors` -- exceptions shared by the chapters (``NoEquilibrium``).

Importing the package does no work: no compilation, no solving, no file reads.
"""

from commitment.notebook import glue, glue_text
from commitment.verification import verify, verify_close, verify_leq, verify_ordered

__all__ = ["glue", "glue_text", "verify", "verify_close", "verify_leq", "verify_ordered"]
__version__ = "0.1.0"
