"""Portable notebook downloads (commitment.portable): MyST turned into the Markdown every Jupyter client renders.

The unit tests run the rewriting on small texts with a hand-made context; the site tests check every
``.ipynb`` the built website offers and execute one of them, outside the book, in a plain kernel.
"""

import json
import shutil

import pytest

from commitment.portable import (Context, INSTALL_CELL, myst_left, plain_text, portable_markdown,
                                 portable_notebook)
from tests.pages import ROOT, code_cells, is_notebook, toc_files


def _ctx(**kw):
    ctx = Context(
        labels={"hl-theorem-1": ("Theorem 8.1", "book/x.html#hl-theorem-1"),
                "hl-bc": ("(8.2)", "book/x.html#equation-hl-bc"),
                "hl-ex-split": ("Exercise 12.2", "book/y.html#hl-ex-split"),
                "fig-hl-phase": ("Figure 8.3", "book/x.html#fig-hl-phase"),
                "sec-proofs": ("Proofs of the lemmas", "book/x.html#sec-proofs")},
        docs={"book/a/dynamics": ("Dynamics of debt", "book/a/dynamics.html"),
              "book/numerical_methods": ("Numerical methods", "book/numerical_methods.html"),
              "book/a/page": ("This page", "book/a/page.html")},
        citations={"hellwig2009bubbles": ("Hellwig and Lorenzoni", "2009"), "tirole1985": ("Tirole", "1985")},
        glue={"r": "1.0412345", "n": "17", "name": "'stochastic'"},
        macros={"E": (r"\mathbb{E}", 0), "abs": (r"\left\lvert #1 \right\rvert", 1),
                "set": (r"\left\{ #1 \right\}", 1)},
        docname="book/a/page")
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def test_a_result_becomes_a_numbered_block_quote_without_its_options():
    src = "```{prf:theorem} Bubbles\n:label: hl-theorem-1\n\nDebt is $d_t$ with $\\E[x]$.\n```"
    out = portable_markdown(src, _ctx())
    assert out == "> **Theorem 8.1** (Bubbles).\n>\n> Debt is $d_t$ with $\\mathbb{E}[x]$."
    assert not myst_left(out) and myst_left(src)


def test_a_proof_an_admonition_and_a_gated_solution():
    src = ("```{prf:proof}\nBy {prf:ref}`hl-theorem-1`.\n```\n\n:::{admonition} What you will learn\n"
           ":class: tip\n\n- one\n:::\n\n````{solution-start} hl-ex-split\n:class: dropdown\n````\n\ntext\n\n"
           "````{solution-end}\n````")
    out = portable_markdown(src, _ctx())
    assert "> *Proof.* By Theorem 8.1. ∎" in out
    assert "> **What you will learn**\n>\n> - one" in out
    assert "**Solution to Exercise 12.2.**" in out and "*End of the solution.*" in out
    assert not myst_left(out), myst_left(out)


def test_references_citations_and_glued_values_become_the_websites_text():
    src = ("See {eq}`hl-bc`, {prf:ref}`the theorem <hl-theorem-1>`, {numref}`Figure %s <fig-hl-phase>`,\n"
           "{ref}`sec-proofs`, {doc}`dynamics`, {doc}`the appendix <../numerical_methods>`, {cite:t}`tirole1985`,\n"
           "{cite:p}`hellwig2009bubbles,tirole1985`: $R = {glue:text}`r:.3f`$ after {glue:text}`n` steps"
           " ({glue:text}`name`); a {doc}`link that\nbreaks a line <dynamics>`.")
    out = portable_markdown(src, _ctx())
    assert out == ("See (8.2), the theorem, Figure 8.3,\nProofs of the lemmas, *Dynamics of debt*, the appendix, "
                   "Tirole (1985),\n(Hellwig and Lorenzoni, 2009; Tirole, 1985): $R = 1.041$ after 17 steps"
                   " (stochastic); a link that\nbreaks a line.")
    linked = portable_markdown("{eq}`hl-bc`", _ctx(site="https://example.org/book"))
    assert linked == "[(8.2)](https://example.org/book/book/x.html#equation-hl-bc)"


@pytest.mark.parametrize("text, spec", [("1.0412345", ".3f"), ("17", ""), ("17", "d"), ("'abc'", ""),
                                        ("0.000123", ".2e"), ("0.25", ".1%"), ("3", ".2f"), ("True", "")])
def test_glued_text_is_formatted_as_myst_nb_formats_it(text, spec):
    from myst_nb.core.variables import format_plain_text

    assert plain_text(text, spec) == format_plain_text(text, spec)


def test_labelled_displays_get_their_number_and_targets_and_comments_go():
    src = "(sec-proofs)=\n## Proofs\n% a comment\n$$\nx = \\abs{y + \\set{z}}\n$$ (hl-bc)\n\n$$\ny\n$$"
    out = portable_markdown(src, _ctx())
    assert out == ("## Proofs\n$$\nx = \\left\\lvert y + \\left\\{ z \\right\\} \\right\\rvert\n\\tag{8.2}\n$$"
                   "\n\n$$\ny\n$$")


def test_macros_expand_only_as_whole_names_and_code_blocks_stay_as_they_are():
    ctx = _ctx()
    assert portable_markdown(r"$\Rightarrow \Ex \E_t$", ctx) == r"$\Rightarrow \Ex \mathbb{E}_t$"
    code = "```python\nx = '{eq}`hl-bc`'  # \\E\n```"
    assert portable_markdown(code, ctx) == code


@pytest.mark.parametrize("src, error", [("{eq}`nope`", KeyError), ("{glue:text}`nope`", KeyError),
                                        ("{cite:t}`nope`", KeyError), ("{doc}`nope`", KeyError),
                                        ("{abbr}`x`", ValueError), ("```{tab-set}\nx\n```", ValueError)])
def test_what_cannot_be_rewritten_is_an_error_naming_the_page(src, error):
    with pytest.raises(error, match="book/a/page"):
        portable_markdown(src, _ctx())


def test_the_site_only_directives_become_a_sentence():
    out = portable_markdown("```{verification-report} hl\n```", _ctx())
    assert out.startswith("*The verification report is shown on the book's website") and not myst_left(out)


def test_a_notebook_gets_an_install_cell_and_loses_its_outputs():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# T\n{eq}`hl-bc`"},
                    {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": "x = 1",
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    out = portable_notebook(nb, _ctx())
    assert [c["cell_type"] for c in out["cells"]] == ["markdown", "code", "code"]
    assert out["cells"][0]["source"] == "# T\n(8.2)"
    assert out["cells"][1]["source"] == INSTALL_CELL
    assert out["cells"][2]["outputs"] == [] and out["cells"][2]["execution_count"] is None
    assert nb["cells"][1]["outputs"], "the input notebook is left unchanged"
    assert portable_notebook(out, _ctx()) == out, "converting twice (an incremental build) changes nothing"


# ------------------------------------------------------------------ the built site's downloads

NOTEBOOK_PAGES = [p for p in toc_files() if is_notebook(p) and code_cells(p)]


def _download(book_html, page):
    return json.loads((book_html / "_sources" / page.relative_to(ROOT).with_suffix(".ipynb")).read_text("utf-8"))


@pytest.mark.browser
@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_downloaded_notebook_is_free_of_myst_only_syntax(book_html, page):
    nb = _download(book_html, page)
    left = [(k, x) for k, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
            for x in myst_left("".join(c["source"]))]
    assert not left, f"{page.relative_to(ROOT)}: MyST-only syntax left in the download: {left[:5]}"
    raw = page.read_text(encoding="utf-8")
    assert myst_left(raw), "the check finds MyST in the page's source (it could fail)"


@pytest.mark.browser
def test_a_downloaded_notebook_runs_top_to_bottom_in_a_plain_kernel_outside_the_book(book_html, tmp_path):
    """The download runs from a folder of its own (no book files beside it), with the package installed."""
    import nbformat
    from nbclient import NotebookClient

    page = ROOT / "book" / "self_enforcing_debt" / "environment.md"
    shutil.copy(book_html / "_sources" / page.relative_to(ROOT).with_suffix(".ipynb"), tmp_path / "page.ipynb")
    nb = nbformat.read(tmp_path / "page.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == INSTALL_CELL
    assert all(not any(o.get("output_type") == "error" for o in c.outputs) for c in code)
    assert len(code) == len(code_cells(page)) + 1


NUMBERED = r"(?:Theorem|Proposition|Lemma|Definition|Observation|Remark|Corollary|Exercise|Fig\.) \d+(?:\.\d+)+"


@pytest.mark.browser
def test_the_numbers_in_the_downloads_are_the_websites_numbers(book_html):
    """Every numbered result, exercise, figure and equation a download names is named so on the website."""
    import html as html_lib
    import re

    site = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")))
                    for p in (book_html / "book").rglob("*.html"))
    site = re.sub(r"\s+", " ", site)
    named = set()
    for page in NOTEBOOK_PAGES:
        text = " ".join("".join(c["source"]) for c in _download(book_html, page)["cells"] if c["cell_type"] == "markdown")
        named |= set(re.findall(NUMBERED, text))
        named |= {f"({n})" for n in re.findall(r"\\tag\{([\d.]+)\}", text)}
    missing = sorted(n for n in named if n not in site)
    assert len(named) > 100 and not missing, f"{len(named)} numbers named; not on the website: {missing[:10]}"
