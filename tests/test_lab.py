"""The pages in JupyterLab (commitment.lab): what jupyterlab-myst is given, and that saving gives the sources back.

The unit tests run the rewriting on small texts with a hand-made context; the page tests run it on every
markdown cell of every page (without a build, and with the website build's context: ``site``); the contents
manager is exercised as the server uses it, on a copy of a page. ``tests/test_lab_browser.py`` looks at the
pages in a real JupyterLab.
"""

import asyncio
from dataclasses import replace
import json
import os
import re
import shutil
import subprocess
import threading

import jupytext
import pytest

from commitment.lab import (MARK, code_cell_labels, from_lab, front_matter, lab_notebook, load_context,
                            source_context, source_notebook, to_lab)
from commitment.portable import Context
from tests.pages import ROOT, toc_files

PAGES = [p for p in toc_files() if p.suffix == ".md"]


def _ctx(**kw):
    ctx = Context(
        labels={"hl-theorem-1": ("Theorem 8.1", "book/a/page.html#hl-theorem-1"),
                "aahw-lemma-3": ("Lemma 15.3", "book/b/planner.html#aahw-lemma-3"),
                "aahw-bc": ("(15.1)", "book/b/planner.html#equation-aahw-bc"),
                "hl-ex-split": ("Exercise 8.2", "book/a/page.html#hl-ex-split"),
                "fig-x": ("Fig. 15.2", "book/b/planner.html#fig-x")},
        docs={"book/a/page": ("This page", "book/a/page.html"), "book/b/planner": ("The planner", "book/b/planner.html"),
              "book/bibliography": ("Bibliography", "book/bibliography.html")},
        citations={"tirole1985": ("Tirole", "1985"), "broner2010sovereign": ("Broner et al.", "2010")},
        glue={"r": "1.0412345", "name": "'stochastic'"},
        macros={"E": (r"\mathbb{E}", 0), "abs": (r"\left\lvert #1 \right\rvert", 1)},
        docname="book/a/page")
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def _markdown_cells(page):
    nb = jupytext.read(page, fmt="md:myst")
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _doc(page):
    return page.relative_to(ROOT).with_suffix("").as_posix()


# ---------------------------------------------------------------- the rewriting, by hand

def test_a_glued_number_becomes_an_inline_expression_with_the_websites_value():
    expressions = []
    out = to_lab("$R = {glue:text}`r:.3f`$ and {glue:text}`name`.", _ctx(), expressions)
    assert out == ('$R = {eval}`__import__("commitment").glue_text("r:.3f")`$ and '
                   '{eval}`__import__("commitment").glue_text("name")`.')
    assert [e["result"]["data"]["text/plain"] for e in expressions] == ["1.041", "stochastic"]
    assert from_lab(out) == "$R = {glue:text}`r:.3f`$ and {glue:text}`name`."


def test_a_reference_to_another_page_becomes_a_link_with_the_websites_number_and_one_here_stays():
    src = ("By {prf:ref}`aahw-lemma-3`, {eq}`aahw-bc`, {numref}`Figure %s <fig-x>` and "
           "{prf:ref}`hl-theorem-1` (here); {doc}`the planner <../b/planner>`.")
    out = to_lab(src, _ctx())
    assert '[Lemma 15.3](../b/planner.md#aahw-lemma-3 "{prf:ref}`aahw-lemma-3`")' in out
    assert '[(15.1)](../b/planner.md#equation-aahw-bc "{eq}`aahw-bc`")' in out
    assert "[Figure 15.2](../b/planner.md#fig-x" in out
    assert "{prf:ref}`hl-theorem-1` (here)" in out  # jupyterlab-myst resolves it within the notebook
    assert '[the planner](../b/planner.md "{doc}`the planner <../b/planner>`")' in out
    assert from_lab(out) == src


def test_citations_become_author_year_links_to_the_bibliography():
    src = "{cite:t}`tirole1985` and {cite:p}`broner2010sovereign,tirole1985`"
    out = to_lab(src, _ctx())
    assert out.startswith('[Tirole (1985)](../bibliography.md "{cite:t}`tirole1985`")')
    assert "[(Broner et al., 2010; Tirole, 1985)](../bibliography.md" in out
    assert from_lab(out) == src


def test_site_directives_and_gated_solutions_become_notes_that_keep_their_lines():
    src = ("````{solution-start} hl-ex-split\n:class: dropdown\n````\n\ntext {glue:text}`r:.2f`\n\n"
           "````{solution-end}\n````\n\n```{verification-report} hl\n```")
    out = to_lab(src, _ctx())
    shown = "\n".join(line for line in out.split("\n") if not line.startswith(f"% {MARK}"))
    assert "{solution-start}" not in shown and "{verification-report}" not in shown
    assert ":::{admonition} Solution to Exercise 8.2" in shown and "*End of the solution.*" in shown
    assert "verification report is shown on the book's website" in shown
    assert from_lab(out) == src


def test_proofs_are_not_numbered_and_the_option_goes_on_save():
    src = "```{prf:proof}\nBy $\\abs{x}$.\n```"
    out = to_lab(src, _ctx())
    assert out.split("\n")[1] == ":enumerated: false"
    assert from_lab(out) == src


def test_a_figure_that_a_code_cell_defines_is_referenced_by_a_link_with_the_websites_number():
    """jupyterlab-myst resolves labels of the page's markdown, not a figure's name in a code cell's metadata
    (found by the browser test on numerical_methods)."""
    nb = {"metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-x", "caption": "c"}}}, "source": ""},
        {"cell_type": "markdown", "metadata": {}, "source": "See {numref}`fig-x` and {prf:ref}`aahw-lemma-3`."}]}
    ctx = _ctx(docname="book/b/planner")
    assert code_cell_labels(nb) == {"fig-x"}
    shown = lab_notebook(nb, ctx)["cells"][1]["source"].split("---\n")[-1]
    assert shown == 'See [Fig. 15.2](planner.md#fig-x "{numref}`fig-x`") and {prf:ref}`aahw-lemma-3`.'
    assert source_notebook(lab_notebook(nb, ctx))["cells"][1]["source"] == nb["cells"][1]["source"]


def test_a_directives_closing_fence_does_not_open_a_code_block():
    """The closing ``` of a result looks like a code fence; taken as one, it hid the rest of the cell from the
    rewriting (a reference after a proposition stayed a role: found on the secondary-markets model page)."""
    src = ("```{prf:lemma} A\n:label: x\nBy $y$.\n```\n\nSee {prf:ref}`aahw-lemma-3`.\n\n"
           "```python\n{prf:ref}`aahw-lemma-3`\n```\nand {prf:ref}`aahw-lemma-3`.")
    out = to_lab(src, _ctx())
    assert out.count("[Lemma 15.3]") == 2 and "python\n{prf:ref}`aahw-lemma-3`\n```" in out
    assert from_lab(out) == src


def test_the_front_matter_holds_the_macros_and_the_pages_number():
    fm = front_matter(_ctx(docname="book/b/planner"))
    assert "'\\E': '\\mathbb{E}'" in fm and "'\\abs': '\\left\\lvert #1 \\right\\rvert'" in fm
    assert "enumerator: '15.%s'" in fm
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}], "metadata": {}}
    shown = lab_notebook(nb, _ctx(docname="book/b/planner"))
    assert shown["cells"][0]["source"].startswith("---\n# commitment-lab")
    assert source_notebook(shown)["cells"][0]["source"] == "# Title"


def test_without_a_build_references_stay_roles_and_glue_waits_for_the_kernel():
    expressions = []
    ctx = Context(docname="book/a/page")
    out = to_lab("{prf:ref}`aahw-lemma-3` and {glue:text}`r:.3f`", ctx, expressions)
    assert out.startswith("{prf:ref}`aahw-lemma-3`") and "glue_text(\"r:.3f\")" in out and expressions == []
    assert front_matter(ctx) == f"---\n# {MARK}: added in JupyterLab for jupyterlab-myst; not saved to the page\n---\n"


def test_without_a_build_every_reference_in_the_book_finds_its_page_from_the_sources():
    """A fresh clone's `make lab` (no website build yet): every label a page refers to is found in the sources,
    with its page, so that a reference to another page becomes a link (its kind and label for text), and every
    citation has its author-year text from the bibliography."""
    ctx = source_context(ROOT)
    assert ctx.macros and ctx.citations
    missing = []
    for page in PAGES:
        for src in _markdown_cells(page):
            for m in re.finditer(r"\{(eq|prf:ref|numref|ref)\}`([^`]*)`", src):
                target = m[2].rsplit("<", 1)[-1].rstrip(">").strip().lower()
                if target not in ctx.labels:
                    missing.append(f"{_doc(page)}: {m[0]}")
            for m in re.finditer(r"\{cite(?::[tp])?\}`([^`]*)`", src):
                missing += [f"{_doc(page)}: {k}" for k in m[1].split(",") if k.strip() not in ctx.citations]
    assert not missing, missing[:20]
    doc = "book/debt_maturity/convexity"
    out = to_lab("By {prf:ref}`aahw-lemma-3`.", replace(ctx, docname=doc))
    assert out == 'By [Lemma (aahw-lemma-3)](planner.md#aahw-lemma-3 "{prf:ref}`aahw-lemma-3`").'


def test_glue_text_formats_the_kernels_glued_value_as_the_website_does():
    from commitment.notebook import GLUED, glue, glue_text

    glue("lab_test_value", 0.123456, display=False)
    assert glue_text("lab_test_value:.2f") == "0.12" and repr(glue_text("lab_test_value:.2f")) == "0.12"
    assert glue_text("lab_test_value") == "0.123456"
    assert "run the page's code cells" in glue_text("never_glued")
    GLUED.pop("lab_test_value")


# ---------------------------------------------------------------- every page

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_saving_a_page_opened_in_the_lab_gives_its_sources_back(page):
    ctx = load_context(ROOT, _doc(page))
    for src in _markdown_cells(page):
        assert from_lab(to_lab(src, ctx)) == src


def test_no_page_holds_a_lab_form():
    """What only the lab shows (the inline expressions, the kept lines, the front matter) never reaches a page."""
    bad = [f"{p.relative_to(ROOT)}: {what}" for p in (ROOT / "book").rglob("*.md")
           for what in (MARK, "glue_text(", "{eval}`", ":enumerated: false") if what in p.read_text(encoding="utf-8")]
    assert not bad, bad


ROLE_LEFT = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<content>[^`]*)`")


@pytest.mark.site
def test_in_the_lab_only_references_within_the_page_stay_roles(book_html):
    """With the website build's context every glued number, citation, page link and reference to another page
    is rewritten; what is left for jupyterlab-myst are references to labels of the same page."""
    assert (ROOT / "_build" / "lab-context.json").exists()
    bad = []
    for page in PAGES:
        doc = _doc(page)
        ctx = load_context(ROOT, doc)
        unseen = code_cell_labels(jupytext.read(page, fmt="md:myst"))
        for src in _markdown_cells(page):
            expressions = []
            out = to_lab(src, ctx, expressions, unseen)
            assert from_lab(out) == src
            shown = re.sub(r"^% " + MARK + ".*$", "", out, flags=re.M)
            shown = re.sub(r'\[[^\]]*\]\([^)]*"\{[^"]*"\)', "", shown)  # the links (their titles hold roles)
            for m in ROLE_LEFT.finditer(shown):
                name, content = m["name"], m["content"]
                if name == "eval":
                    continue
                target = content.rsplit("<", 1)[-1].rstrip(">").strip().lower()
                here = ctx.labels.get(target, ("", ""))[1].split(".html")[0] == doc and target not in unseen
                if not (name in ("eq", "prf:ref", "ref", "numref") and here):
                    bad.append(f"{doc}: {m.group(0)}")
            glued = src.count("{glue:text}")
            if len(expressions) != glued:
                bad.append(f"{doc}: {glued - len(expressions)} glued values without the website's value")
    assert not bad, bad[:20]


# ---------------------------------------------------------------- the contents manager, as the server uses it

def _checkout(tmp_path, page="book/self_enforcing_debt/dynamics.md"):
    for name in ("_toc.yml", "jupytext.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / page).parent.mkdir(parents=True)
    shutil.copy(ROOT / page, tmp_path / page)
    return page


def _manager(tmp_path):
    from commitment.lab import BookContentsManager

    return BookContentsManager(root_dir=str(tmp_path))


def _run_in_a_thread(coroutine_function):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop running in the main
    thread for the whole session, where asyncio.run fails."""
    outcome = {}

    def target():
        try:
            asyncio.run(coroutine_function())
        except BaseException as err:  # re-raised in the test's thread
            outcome["error"] = err

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]


async def _maybe(x):
    return await x if asyncio.iscoroutine(x) else x


def test_the_contents_manager_shows_the_lab_form_and_saves_the_sources(tmp_path):
    page = _checkout(tmp_path)
    cm = _manager(tmp_path)
    before = (tmp_path / page).read_bytes()

    async def run():
        model = await _maybe(cm.get("/" + page))  # as the server asks, with a leading slash
        cells = model["content"]["cells"]
        markdown = [c["source"] for c in cells if c["cell_type"] == "markdown"]
        assert markdown[0].startswith(f"---\n# {MARK}") and "{glue:text}" not in "".join(markdown)
        assert all(c["metadata"].get("trusted") for c in cells if c["cell_type"] == "markdown")
        await _maybe(cm.save({"type": "notebook", "format": "json", "content": model["content"]}, "/" + page))
        assert (tmp_path / page).read_bytes() == before  # unchanged cells: the file is not rewritten
        code = next(c for c in cells if c["cell_type"] == "code")
        code["source"] += "\n# a student's note"
        await _maybe(cm.save({"type": "notebook", "format": "json", "content": model["content"]}, "/" + page))

    _run_in_a_thread(run)
    after = (tmp_path / page).read_text(encoding="utf-8")
    assert "# a student's note" in after
    for what in (MARK, "glue_text(", "{eval}", "user_expressions", ":enumerated: false"):
        assert what not in after, what
    src = jupytext.read(ROOT / page, fmt="md:myst")
    new = jupytext.read(tmp_path / page, fmt="md:myst")
    assert [c.source for c in new.cells if c.cell_type == "markdown"] == \
        [c.source for c in src.cells if c.cell_type == "markdown"]


def test_postbuild_makes_the_server_use_the_books_contents_manager(tmp_path):
    env = {**os.environ, "NB_PYTHON_PREFIX": str(tmp_path), "COMMITMENT_BUILD_SITE": "0"}
    subprocess.run(["bash", str(ROOT / ".binder" / "postBuild")], check=True, env=env, cwd=ROOT)
    config = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.json").read_text())
    assert config["ServerApp"]["contents_manager_class"] == "commitment.lab.BookContentsManager"
