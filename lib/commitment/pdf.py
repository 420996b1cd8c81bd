r"""Sphinx extension for the book's PDF (``make pdf``, ``make pdf-student``): what the LaTeX builder needs
beyond jupyter-book's own LaTeX support (``sphinx-jupyterbook-latex``).

- **Macros.** The pages use the macros of ``_config.yml``'s ``mathjax3_config`` (``\E``, ``\R``, ``\abs``, ...).
  :func:`latex_macros` turns that one list into LaTeX definitions for the preamble, so the PDF and the
  website typeset the same source and a new macro needs no second definition.
- **A stand-in for** ``bbm.sty``: the jupyter-book document class loads ``bbm`` (from Debian's 1.4 GB
  ``texlive-fonts-extra``) for macros the book does not use; ``commitment/latex/bbm.sty`` maps
  ``\mathbbm`` to ``\mathbb`` so the class loads with the smaller TeX Live set the README lists.
- **Exercise numbers.** sphinx-exercise labels an exercise ``exercise:<label>`` in LaTeX, while Sphinx's
  numbered references point to ``<docname>:<label>``; :class:`ExerciseLabels` adds the second label, carrying
  the exercise's number, so that "Exercise 6.3" in the text resolves (instead of "Exercise ??").
- **Proofs.** :class:`ProofTitles` gives each proof's box the title "Proof" (sphinx-proof leaves LaTeX's box
  without one, and the box then shows an empty title bar).
- **Explorers.** A static explorer (:func:`commitment.explorer.static_explorer`) offers its default figure as
  a PNG beside its HTML; the LaTeX builder takes the PNG, and :class:`ExplorerNote` adds one sentence under it,
  for LaTeX only, saying where the sliders are (the page of the HTML edition, or Jupyter).

The PDF build itself is :func:`commitment.editions.build_pdf`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["latex_macros", "ExerciseLabels", "ProofTitles", "ExplorerNote", "EXPLORER_NOTE", "setup"]

BBM_STAND_IN = Path(__file__).resolve().parent / "latex" / "bbm.sty"
EXPLORER_CALL = "static_explorer("
EXPLORER_NOTE = ("Explorer: in the HTML edition of this page ({page}.html) and in Jupyter, sliders move this figure; "
                 "the PDF shows it at the sliders' default values.")


def latex_macros(macros: dict) -> str:
    r"""LaTeX definitions of MathJax 3 macros (``tex.macros``: ``name: body`` or ``name: [body, n_args]``).

    Each is a ``\DeclareRobustCommand``, which (re)defines the name whether or not a loaded package
    already did (the jupyter-book class defines ``\argmax``, for example), so that the PDF typesets
    every macro exactly as the website does."""
    lines = []
    for name, spec in macros.items():
        if not name.isalpha():
            raise ValueError(f"macro name {name!r}: LaTeX control words are letters only")
        body, nargs = (spec, 0) if isinstance(spec, str) else (spec[0], int(spec[1]))
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\DeclareRobustCommand{{\\{name}}}{args}{{{body}}}")
    return "\n".join(lines)


def _configure_latex(app, config):
    """After sphinx-jupyterbook-latex's own ``config-inited`` handler: add the macros and the stand-in."""
    macros = (config.mathjax3_config or {}).get("tex", {}).get("macros", {})
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + "\n% the website's MathJax macros\n" + latex_macros(macros) + "\n"
    config.latex_elements = elements
    config.latex_additional_files = [*config.latex_additional_files, str(BBM_STAND_IN)]


class ExerciseLabels(SphinxPostTransform):
    """In the LaTeX build, put a ``<docname>:<label>`` label carrying the exercise's number before each
    numbered exercise (the target of ``{numref}`` and ``{ref}`` references to it)."""

    default_priority = 30  # after sphinx-exercise's own post-transforms (5 to 22)
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import exercise_enumerable_node

        for node in list(self.document.findall(exercise_enumerable_node)):
            docname, label = node.get("docname", ""), node.get("label", "")
            ids = node.get("ids", [])
            number = self.env.toc_fignumbers.get(docname, {}).get("exercise", {}).get(ids[0] if ids else "", ())
            if not (docname and label and number):
                continue
            shown = ".".join(map(str, number))
            raw = (r"\phantomsection\expandafter\def\csname @currentlabel\endcsname{%s}"
                   r"\label{\detokenize{%s:%s}}" % (shown, docname, label))
            node.parent.insert(node.parent.index(node), nodes.raw("", raw + "\n", format="latex"))


class ProofTitles(SphinxPostTransform):
    """In the LaTeX build, give each proof's box its title: sphinx-proof makes a proof an admonition with no
    title node (the word "Proof." is written at the start of its first paragraph), which LaTeX's
    ``sphinxadmonition`` then lacks (it takes the first paragraph's start as the title, and draws an empty
    title bar). The word moves from the paragraph to the title."""

    default_priority = 30
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinx_proof.nodes import proof_node

        for proof in list(self.document.findall(proof_node)):
            for box in proof.children:
                if not isinstance(box, nodes.admonition) or any(isinstance(c, nodes.title) for c in box.children):
                    continue
                first = next(iter(box.findall(nodes.Text)), None)
                word = first.astext().split(".", 1)[0] if first is not None else ""
                if not word or " " in word or not first.astext().startswith(word + "."):
                    continue
                rest = first.astext()[len(word) + 1:].lstrip()
                first.parent.replace(first, nodes.Text(rest))
                box.insert(0, nodes.title("", word))


class ExplorerNote(SphinxTransform):
    """Under the output of every cell that calls :func:`~commitment.explorer.static_explorer` (in the PDF,
    its default figure), a sentence that only the LaTeX builder shows: :data:`EXPLORER_NOTE`. Added when
    the page is read (where its name is known), inside an ``only`` node for LaTeX."""

    default_priority = 900

    def apply(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            if "cell" not in cell.get("classes", []):
                continue
            source = "".join(n.astext() for n in cell.findall(nodes.literal_block)
                             if "cell_input" in n.parent.get("classes", []))
            if EXPLORER_CALL not in source:
                continue
            only = addnodes.only(expr="latex")
            note = nodes.paragraph(classes=["explorer-note"])
            note += nodes.emphasis(text=EXPLORER_NOTE.format(page=self.env.docname))
            only += note
            cell.parent.insert(cell.parent.index(cell) + 1, only)


def setup(app):
    app.connect("config-inited", _configure_latex, priority=900)
    app.add_post_transform(ExerciseLabels)
    app.add_post_transform(ProofTitles)
    app.add_transform(ExplorerNote)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
