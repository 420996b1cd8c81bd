"""Every live explorer of the book, driven through its live ranges outside the page build.

The live versions (cells tagged ``skip-execution, nbval-skip`` that call
``live_explorer(draw, sliders)``) are executed by neither the book build nor nbval, so nothing else
notices a slider position where ``draw`` fails. This test finds every ``live_explorer(`` call in the
pages' code cells, resolves ``draw`` and ``sliders`` to the library names the page imports (each chapter
keeps them in ``commitment/<chapter>_explorers.py``), and calls ``draw`` at

- all sliders at the ends of their live ranges (all at min, all at max),
- each slider alone at its min and at its max, the others at their defaults,
- ``N_RANDOM`` random positions (fixed seed) in the product of the live ranges, snapped to the steps.

At each position ``draw`` must return a figure (or ``(figure, html)``) whose content stays inside the
figure (the live panel renders it uncropped, :func:`commitment.explorer.render_png`), or raise an *explained*
exception (:func:`commitment.explorer.is_explained`: ``NothingToDraw``, ``NoEquilibrium``, or a
``ValueError`` of the library's validation) whose message is short and names a parameter value or the
reason. Anything else is a bug that the live panel would report: the test fails and lists the positions.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from commitment.explorer import LIVE_DPI, MAX_MESSAGE, is_explained, live_positions, overhang  # noqa: E402
from commitment.registry import code_cells  # noqa: E402

BOOK = Path(__file__).resolve().parents[1] / "book"
N_RANDOM = 24
# words that say why there is nothing to draw, when the message names no parameter value ("x = 0.8")
REASONS = ("equilibrium", "steady state", "attainable", "utility", "autarky", "must")


def _python(cell):
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in cell.splitlines())


def live_calls(pages=None):
    """``(page, draw_expr, sliders_expr, imports)`` for every ``live_explorer(...)`` call in the code
    cells of ``pages`` (default: every page of the book); ``imports`` maps the names the page imports with
    ``from commitment... import`` to their modules."""
    calls = []
    for page in sorted(BOOK.rglob("*.md")) if pages is None else pages:
        text = page.read_text(encoding="utf-8")
        if "live_explorer(" not in text:
            continue
        name = page.relative_to(BOOK.parent).as_posix() if BOOK in page.parents else page.name
        trees = [ast.parse(_python(c)) for c in code_cells(text)]
        imports = {a.asname or a.name: node.module for t in trees for node in ast.walk(t)
                   if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("commitment")
                   for a in node.names}
        for t in trees:
            for node in ast.walk(t):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "live_explorer":
                    args = [ast.unparse(a) for a in node.args] + [ast.unparse(k.value) for k in node.keywords]
                    draw, sliders = (args + ["?", "?"])[:2]  # "?": not resolvable, reported as uncovered
                    calls.append((name, draw, sliders, imports))
    return calls


CALLS = live_calls()


def _resolve(expr, imports):
    """The library object a page's bare name stands for, or None (defined in the page, or an expression)."""
    if expr not in imports:
        return None
    return getattr(importlib.import_module(imports[expr]), expr, None)


def test_every_live_explorer_is_covered():
    """Each ``live_explorer(`` in a code cell is a call with library names for draw and sliders."""
    n_text = sum(c.count("live_explorer(") for p in BOOK.rglob("*.md")
                 for c in code_cells(p.read_text(encoding="utf-8")))
    assert len(CALLS) == n_text, f"{n_text} live_explorer( calls in code cells, {len(CALLS)} parsed as calls"
    assert len(CALLS) >= 8, f"expected the book's 8 live explorers, found {len(CALLS)}"
    uncovered = [f"{page}: live_explorer({d}, {s})" for page, d, s, imports in CALLS
                 if _resolve(d, imports) is None or _resolve(s, imports) is None]
    assert not uncovered, ("live explorers whose draw or sliders are not imported from commitment (move them to "
                           "commitment/<chapter>_explorers.py): " + "; ".join(uncovered))


def test_a_draw_defined_in_the_page_is_not_covered(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```{code-cell} ipython3\nfrom commitment.explorer import live_explorer\n"
                    "from commitment.self_enforcing_debt_explorers import COLLAPSE_SLIDERS\n```\n\n"
                    "```{code-cell} ipython3\ndef draw(e_hi, beta, q0):\n    pass\n```\n\n"
                    "```{code-cell} ipython3\n:tags: [skip-execution, nbval-skip]\n\n"
                    "live_explorer(draw, COLLAPSE_SLIDERS)\n```\n", encoding="utf-8")
    [(_, d, s, imports)] = live_calls([page])
    assert (d, s) == ("draw", "COLLAPSE_SLIDERS")
    assert _resolve(d, imports) is None and _resolve(s, imports) is not None


def _names_parameter_or_reason(msg):
    return bool(re.search(r"\S+ = -?\d", msg)) or any(r in msg.lower() for r in REASONS)


def check(draw, params):
    """None if ``draw(**params)`` returns a figure or raises an explained exception with a short message
    naming a parameter or the reason; otherwise a one-line description of the failure."""
    try:
        result = draw(**params)
    except Exception as err:  # noqa: BLE001 - every exception is classified below
        msg = str(err)
        if not is_explained(err):
            return f"{params}: unexplained {type(err).__name__}: {msg[:300]}"
        if len(msg) > MAX_MESSAGE or msg.count("\n") > 1:
            return f"{params}: message longer than {MAX_MESSAGE} characters or two lines: {msg!r}"
        if not _names_parameter_or_reason(msg):
            return f"{params}: message names no parameter value and no reason: {msg!r}"
        return None
    finally:
        plt.close("all")
    fig = result[0] if isinstance(result, tuple) else result
    if not isinstance(fig, Figure) or (isinstance(result, tuple) and not isinstance(result[1], str)):
        return f"{params}: draw returned {type(result).__name__}, not a figure or (figure, html)"
    out = overhang(fig)
    if out > 1.0 / LIVE_DPI:  # the live panel renders the whole figure, uncropped: more than a pixel is clipped
        return f"{params}: content reaches {out:.3f} inch outside the figure (clipped in the live panel)"
    return None


@pytest.mark.filterwarnings("error::RuntimeWarning")  # a warning would be printed in the live panel
@pytest.mark.parametrize("page, draw_name, sliders_name, imports", CALLS,
                         ids=[f"{c[0]}::{c[1]}" for c in CALLS])
def test_live_explorer_over_its_live_ranges(page, draw_name, sliders_name, imports):
    draw, sliders = _resolve(draw_name, imports), _resolve(sliders_name, imports)
    if draw is None or sliders is None:
        pytest.fail(f"{page}: {draw_name} or {sliders_name} is not a library name (see the coverage test)")
    pos = live_positions(sliders, n_random=N_RANDOM, seed=0)
    assert len(pos) >= 2 + 2 * len(sliders) + 20
    failures = [f for f in (check(draw, p) for p in pos) if f]
    assert not failures, f"{page}, {draw_name}: {len(failures)} of {len(pos)} positions fail:\n" + "\n".join(failures)
