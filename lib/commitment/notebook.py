"""Helpers for the book's pages.

:func:`glue` stores a computed value so that the page's prose can quote it (``{glue:text}`name:.4f```),
exactly as :func:`myst_nb.glue` does, with two differences:

- it does not import ``myst_nb.ext.glue``, whose import chain (nbformat -> jsonschema ->
  rfc3987_syntax, which compiles 39 Lark grammars) costs about two seconds of CPU in every page;
- NumPy scalars are glued as the Python numbers they hold: ``np.float64(0.5)`` would otherwise be
  stored with the text ``'np.float64(0.5)'`` (NumPy 2's repr), which ``{glue:text}`name:.3f``` cannot
  format (a Sphinx warning, which fails the strict build).

The display message is the one myst-nb reads at build time (``tests/test_notebook.py`` compares it
with myst-nb's own for several values).
"""

import numpy as np

__all__ = ["glue", "glue_text", "GLUED"]

GLUE_PREFIX = "application/papermill.record/"  # myst_nb.ext.glue.GLUE_PREFIX


def glue(name, variable, display=True):
    """Store ``variable`` under ``name`` for ``{glue}`` roles and directives (myst-nb's protocol)."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if isinstance(variable, np.generic):
        variable = variable.item()
    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
    GLUED[name] = mimebundle.get("text/plain", "")
    ipy_display({mime_prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)


GLUED: dict[str, str] = {}  # name -> text/plain of the value glued last in this kernel (for glue_text)


class _Shown(str):
    """A string that Jupyter shows without quotes (an inline expression's value)."""

    def __repr__(self):
        return str(self)


def glue_text(spec: str) -> str:
    """The value glued under ``name`` in this kernel, formatted as the website's ``{glue:text}`name:format```
    shows it (``spec`` is ``name`` or ``name:format``). JupyterLab's pages call it from their inline
    expressions (:mod:`commitment.lab`); before the cell that glues the value has run, a short note."""
    from commitment.portable import plain_text

    name, _, fmt = spec.partition(":")
    if name not in GLUED:
        return _Shown(f"[{name}: run the page's code cells]")
    return _Shown(plain_text(GLUED[name], fmt))
