"""The pages in JupyterLab: what ``make lab`` and Binder show, rendered by ``jupyterlab-myst``.

JupyterLab opens a page ``book/<chapter>/<page>.md`` as a notebook through jupytext, and the
``jupyterlab-myst`` extension renders its markdown cells as MyST: results, proofs, exercises and
admonitions as blocks, mathematics typeset, references within the page resolved. What it cannot know is
the rest of the book. :class:`BookContentsManager` (the server's contents manager, set by
``.binder/postBuild``) rewrites each markdown cell when a page is opened (:func:`to_lab`) and back when
it is saved (:func:`from_lab`, the exact inverse: ``tests/test_lab.py`` checks it on every cell of every
page), so that the files on disk stay the book's sources:

- a glued number ``{glue:text}`name:spec``` becomes an inline expression ``{eval}`` that calls
  :func:`commitment.glue_text` (shown with the website's value, stored in the cell's ``user_expressions``,
  until the cell is run; then computed by the kernel from the page's own ``glue`` calls);
- a reference to another page (``{prf:ref}``, ``{eq}``, ``{ref}``, ``{numref}``, ``{doc}``) and a citation
  become links with the website's text (``Lemma 15.3``, ``(15.1)``, ``Broner et al. (2010)``) to the page
  in the lab; the link's title keeps the role, which is how :func:`from_lab` restores it;
- the book's own directives (verification report, execution table, bibliography) and the solutions' gated
  markers (``solution-start``/``solution-end``, which span cells) become notes; the original lines are kept
  in a MyST comment (``% commitment-lab ...``), which the renderer hides and :func:`from_lab` restores;
- the first cell gets a front matter with the book's LaTeX macros and the page's number as enumerator, so
  that results and equations carry the website's numbers; proofs are not numbered.

The website's numbers, titles, citation texts and glued values come from the last website build
(``_build/lab-context.json``, written by :mod:`commitment.sphinxext`, and ``_build/jupyter_execute``). Without
a build (a fresh clone before ``make book``) the labels, titles, citations and macros are read from the
sources (:func:`source_context`): references show the target's kind and label, and glued numbers appear
when the page's cells run.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, replace
from pathlib import Path

from commitment.portable import (CODE, FENCE, ROLE, SITE_ONLY, Context, _explicit, _resolve_doc, _split_directive,
                                 code_block_end, glued_values, plain_text)

__all__ = ["to_lab", "from_lab", "lab_notebook", "code_cell_labels", "source_context", "source_notebook", "load_context", "write_context",
           "BookContentsManager", "MARK", "CONTEXT_FILE"]

MARK = "commitment-lab"
CONTEXT_FILE = Path("_build") / "lab-context.json"
EVAL = '__import__("commitment").glue_text("{spec}")'
EVAL_ROLE = re.compile(r'\{eval\}`__import__\("commitment"\)\.glue_text\("(?P<spec>[^"`]*)"\)`')
# a link whose title holds the role it replaces: [text](target "{role}`content`")
TITLED = re.compile(r'\[(?:[^\[\]]|\[[^\[\]]*\])*\]\([^\s()]*\s"(?P<role>\{[a-z][\w:-]*\}`[^`"]*`)"\)')
KEPT = re.compile(r"^% " + MARK + r" (?P<original>\".*\")$")
KEPT_END = "% " + MARK + " end"
PROOF_OPTION = ":enumerated: false"
REFERENCES = ("eq", "ref", "prf:ref", "numref", "doc")
CITATIONS = ("cite", "cite:t", "cite:p")


# ---------------------------------------------------------------- the context

def write_context(ctx: Context, path: Path) -> None:
    """Store what :func:`to_lab` needs from a website build (labels, pages, citations, macros)."""
    data = {k: v for k, v in asdict(ctx).items() if k not in ("glue", "docname")}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


LABEL_OPTION = re.compile(r"^:(?:label|name):\s*(?P<label>\S+)\s*$")
TARGET_LINE = re.compile(r"^\((?P<label>[\w:.-]+)\)=\s*$")
EQUATION_END = re.compile(r"^\$\$\s*\((?P<label>[\w:.-]+)\)\s*$")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*$")
CELL_FIGURE = re.compile(r"^\s+name:\s*(?P<label>fig-[\w:.-]+)\s*$")


def _kind(directive: str) -> str:
    name = directive.split(":")[-1]
    return {"figure": "Fig.", "math": ""}.get(name, name.capitalize())


def _page_labels(doc: str, text: str) -> dict[str, tuple[str, str]]:
    """A page's labels as text and address, read from its source (no numbers: they come from a build)."""
    labels, directive, target = {}, None, None
    for line in text.split("\n"):
        if m := FENCE.match(line):
            directive = m["name"]
            continue
        if directive and (m := LABEL_OPTION.match(line)):
            label, kind = m["label"], _kind(directive)
            labels[label.lower()] = (f"{kind} ({label})" if kind else f"({label})",
                                     f"{doc}.html#{'equation-' if not kind else ''}{label}")
            continue
        if not line.startswith(":"):
            directive = None
        if m := TARGET_LINE.match(line):
            target = m["label"]
        elif target and (m := HEADING.match(line)):
            labels[target.lower()] = (m["title"], f"{doc}.html#{target}")
            target = None
        elif m := EQUATION_END.match(line):
            labels[m["label"].lower()] = (f"({m['label']})", f"{doc}.html#equation-{m['label']}")
        elif m := CELL_FIGURE.match(line):
            labels[m["label"].lower()] = (f"Fig. ({m['label']})", f"{doc}.html#{m['label']}")
    return labels


def source_context(root: Path) -> Context:
    """Without a website build: labels, page titles, citations and macros read from the sources
    (``_config.yml``, the bibliography, the pages); references show the target's kind and label."""
    import yaml

    root = Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) if (root / "_config.yml").exists() else {}
    sphinx = (config.get("sphinx") or {}).get("config") or {}
    macros = ((sphinx.get("mathjax3_config") or {}).get("tex") or {}).get("macros") or {}
    ctx = Context(macros={k: (v, 0) if isinstance(v, str) else (v[0], int(v[1])) for k, v in macros.items()})
    bibfiles = (config.get("bibtex_bibfiles") or sphinx.get("bibtex_bibfiles") or [])
    if bibfiles and all((root / b).exists() for b in bibfiles):
        from commitment.sphinxext import _citations

        ctx.citations = _citations(root, bibfiles)
    for page in sorted((root / "book").rglob("*.md")):
        doc = page.relative_to(root).with_suffix("").as_posix()
        if any(part.startswith(".") for part in doc.split("/")):
            continue
        text = page.read_text(encoding="utf-8")
        title = next((m["title"] for line in text.split("\n") if (m := HEADING.match(line)) and line.startswith("# ")), doc)
        ctx.docs[doc] = (title, f"{doc}.html")
        ctx.labels.update(_page_labels(doc, text))
    return ctx


def load_context(root: Path, docname: str) -> Context:
    """The context of page ``docname`` (``book/<chapter>/<page>``) of the checkout at ``root``: the last
    build's labels and glued values when there is one, else what the sources say (:func:`source_context`)."""
    stored = Path(root) / CONTEXT_FILE
    if stored.exists():
        data = json.loads(stored.read_text(encoding="utf-8"))
        ctx = Context(labels={k: tuple(v) for k, v in data["labels"].items()},
                      docs={k: tuple(v) for k, v in data["docs"].items()},
                      citations={k: tuple(v) for k, v in data["citations"].items()},
                      macros={k: (v[0], int(v[1])) for k, v in data["macros"].items()},
                      site="", docname=docname)
    else:
        ctx = replace(source_context(root), docname=docname)
    glue_file = Path(root) / "_build" / "jupyter_execute" / f"{docname}.glue.json"
    if glue_file.exists():
        ctx = replace(ctx, glue=glued_values(json.loads(glue_file.read_text(encoding="utf-8"))))
    return ctx


# ---------------------------------------------------------------- markdown cells

def _target_doc(url: str) -> tuple[str, str]:
    """``book/x/page.html#anchor`` -> (``book/x/page``, ``anchor``)."""
    page, _, anchor = url.partition("#")
    return re.sub(r"\.html$", "", page), anchor


def _lab_link(text: str, doc: str, anchor: str, role: str, ctx: Context) -> str:
    here = os.path.dirname(ctx.docname) or "."
    target = os.path.relpath(doc + ".md", here).replace(os.sep, "/") + (f"#{anchor}" if anchor else "")
    return f'[{text}]({target} "{role}")'


def _reference(name: str, content: str, role: str, ctx: Context, unseen=frozenset()) -> str:
    """A reference: kept where the target is in this page's markdown (the renderer resolves it), else a link
    (to another page, or to this one for ``unseen`` labels, which code cells define: figures)."""
    text, target = _explicit(content)
    if name == "doc":
        try:
            doc = _resolve_doc(target, ctx)
        except KeyError:  # no build: the page's own path
            return _lab_link(text or target, target.lstrip("/"), "", role, replace(ctx, docname=""))
        return _lab_link(text or f"*{ctx.docs[doc][0]}*", doc, "", role, ctx)
    shown = ctx.labels.get(target.lower())
    if shown is None:
        return role if not ctx.labels else _lab_link(text or target, ctx.docname, target, role, ctx)
    doc, anchor = _target_doc(shown[1])
    if doc == ctx.docname and target.lower() not in unseen:
        return role
    if text and name == "numref" and "%s" in text:
        text = text.replace("%s", re.sub(r"^\D*", "", shown[0]))
    return _lab_link(text or shown[0], doc, anchor, role, ctx)


def _citation(name: str, content: str, role: str, ctx: Context) -> str:
    keys = [k.strip() for k in content.split(",") if k.strip()]
    if all(k in ctx.citations for k in keys):
        pairs = [ctx.citations[k] for k in keys]
        text = ("; ".join(f"{a} ({y})" for a, y in pairs) if name == "cite:t"
                else "(" + "; ".join(f"{a}, {y}" for a, y in pairs) + ")")
    else:
        text = ", ".join(keys)
    bibliography = next((d for d in ctx.docs if d.endswith("bibliography")), "book/bibliography")
    return _lab_link(text, bibliography, "", role, ctx)


def _inline(text: str, ctx: Context, expressions: list, unseen=frozenset()) -> str:
    def one(m: re.Match) -> str:
        name, content, role = m["name"], m["content"], m.group(0)
        if name == "glue:text":
            expression = EVAL.format(spec=content.strip())
            name_, _, spec = content.strip().partition(":")
            if name_ in ctx.glue:
                value = plain_text(ctx.glue[name_], spec)
                expressions.append({"expression": expression,
                                    "result": {"status": "ok", "data": {"text/plain": value}, "metadata": {}}})
            return f"{{eval}}`{expression}`"
        if name in CITATIONS:
            return _citation(name, content, role, ctx)
        if name in REFERENCES:
            return _reference(name, content, role, ctx, unseen)
        return role

    return ROLE.sub(one, text)


def _kept(original: list[str], shown: str) -> list[str]:
    """``shown`` in the lab, ``original`` kept in a MyST comment for :func:`from_lab`."""
    return [f"% {MARK} {json.dumps(chr(10).join(original), ensure_ascii=False)}", *shown.split("\n"), KEPT_END]


def _site_note(what: str, ctx: Context) -> str:
    title, url = ctx.docs.get(ctx.docname, ("this page", ""))
    return f":::{{note}}\n{what.capitalize()} is shown on the book's website (`make book`), on the page *{title}*.\n:::"


def _exercise_text(label: str, ctx: Context) -> str:
    return ctx.labels.get(label.lower(), (f"exercise {label}", ""))[0]


def to_lab(source: str, ctx: Context, expressions: list | None = None, unseen=frozenset()) -> str:
    """One markdown cell of a page as JupyterLab shows it (module docstring); the inline expressions'
    stored results are appended to ``expressions``; ``unseen`` are the page's labels that its code cells
    define (:func:`code_cell_labels`), which the renderer cannot resolve."""
    expressions = [] if expressions is None else expressions
    lines = source.split("\n")
    out: list[str] = []
    run: list[str] = []  # ordinary lines: a role may span their line breaks

    def flush():
        if run:
            out.append(_inline("\n".join(run), ctx, expressions, unseen))
            run.clear()

    directives: list[str] = []  # the fences of the open directives (their closing lines look like code fences)
    i = 0
    while i < len(lines):
        line = lines[i]
        code, fence = CODE.match(line), FENCE.match(line)
        if code and directives and line.strip() == directives[-1]:  # a directive's closing fence
            directives.pop()
            run.append(line)
            i += 1
            continue
        if fence and fence["fence"][0] == "`" and fence["name"] not in (*SITE_ONLY, "solution-start", "solution-end"):
            directives.append(fence["fence"])
        if code:  # a plain code block: as it is
            flush()
            j = code_block_end(lines, i, code["fence"])
            out.extend(lines[i:j + 1])
            i = j + 1
            continue
        if fence and fence["name"] in (*SITE_ONLY, "solution-start", "solution-end"):
            flush()
            d, j = _split_directive(lines, i)
            if d["name"] in SITE_ONLY:
                shown = _site_note(SITE_ONLY[d["name"]], ctx)
            elif d["name"] == "solution-start":
                shown = (f":::{{admonition}} Solution to {_exercise_text(d['arg'], ctx)}\n:class: tip\n"
                         "The solution's code is in the cells that follow, up to the end of the solution.\n:::")
            else:
                shown = "*End of the solution.*"
            out.extend(_kept(lines[i:j], shown))
            i = j
            continue
        run.append(line)
        if fence and fence["name"] == "prf:proof":
            flush()
            out.append(PROOF_OPTION)
        i += 1
    flush()
    return "\n".join(out)


def from_lab(source: str) -> str:
    """The inverse of :func:`to_lab` (and of the front matter :func:`lab_notebook` adds)."""
    source = _strip_front_matter(source)
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        kept = KEPT.match(lines[i])
        if kept:
            j = i + 1
            while j < len(lines) and lines[j] != KEPT_END:
                j += 1
            out.extend(json.loads(kept["original"]).split("\n"))
            i = j + 1
            continue
        if lines[i] == PROOF_OPTION and out and (m := FENCE.match(out[-1])) and m["name"] == "prf:proof":
            i += 1
            continue
        out.append(lines[i])
        i += 1
    text = "\n".join(out)
    text = EVAL_ROLE.sub(lambda m: f"{{glue:text}}`{m['spec']}`", text)
    return TITLED.sub(lambda m: m["role"], text)


# ---------------------------------------------------------------- front matter, notebooks

FRONT = re.compile(r"^---\n# " + MARK + r"[^\n]*\n(?:.*?\n)?---\n?", re.S)


def _strip_front_matter(source: str) -> str:
    return FRONT.sub("", source, count=1)


def _yaml(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def front_matter(ctx: Context) -> str:
    """The LaTeX macros and the page's enumerator (``15.%s`` when the website numbers its results 15.1, ...)."""
    lines = ["---", f"# {MARK}: added in JupyterLab for jupyterlab-myst; not saved to the page"]
    if ctx.macros:
        lines.append("math:")
        lines += [f"  {_yaml(chr(92) + name)}: {_yaml(definition)}" for name, (definition, _) in sorted(ctx.macros.items())]
    prefix = _page_number(ctx)
    if prefix:
        lines += ["numbering:", f"  enumerator: {_yaml(prefix + '.%s')}"]
    return "\n".join(lines + ["---", ""])


def _page_number(ctx: Context) -> str:
    """The page's number as the website uses it in its results' numbers (``15`` in ``Lemma 15.3``)."""
    for text, url in ctx.labels.values():
        if _target_doc(url)[0] == ctx.docname:
            m = re.search(r"(\d+(?:\.\d+)*)\.\d+\)?$", text)
            if m and not text.startswith("("):
                return m[1]
    return ""


def code_cell_labels(nb: dict) -> frozenset:
    """The labels a page's code cells define (a figure's ``mystnb: figure: name:``): the website numbers them,
    jupyterlab-myst does not see them."""
    names = set()
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            mystnb = cell.get("metadata", {}).get("mystnb", {})
            for key in ("figure", "image"):
                if isinstance(mystnb.get(key), dict) and mystnb[key].get("name"):
                    names.add(str(mystnb[key]["name"]).lower())
    return frozenset(names)


def lab_notebook(nb: dict, ctx: Context) -> dict:
    """The page's notebook as the lab shows it: markdown cells through :func:`to_lab`, the front matter on the
    first markdown cell."""
    cells, first, unseen = [], True, code_cell_labels(nb)
    for cell in nb["cells"]:
        cell = dict(cell)
        if cell.get("cell_type") == "markdown":
            expressions: list = []
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            shown = to_lab(source, ctx, expressions, unseen)
            if first:
                shown, first = front_matter(ctx) + shown, False
            cell["source"] = shown
            metadata = dict(cell.get("metadata", {}))
            if expressions:
                metadata["user_expressions"] = expressions
            cell["metadata"] = metadata
        cells.append(cell)
    return {**nb, "cells": cells}


def source_notebook(nb: dict) -> dict:
    """The inverse of :func:`lab_notebook`: what is saved to the page."""
    cells = []
    for cell in nb["cells"]:
        cell = dict(cell)
        if cell.get("cell_type") == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = from_lab(source)
            cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k not in ("user_expressions", "trusted")}
        cells.append(cell)
    return {**nb, "cells": cells}


# ---------------------------------------------------------------- the contents manager

def _book_page(root: str, path: str) -> tuple[Path, str] | None:
    """(checkout, docname) when ``path`` (relative to the server's root) is a page of the book."""
    full = (Path(root) / path.lstrip("/")).resolve()  # the server passes "/book/..."
    if full.suffix != ".md":
        return None
    for parent in full.parents:
        if (parent / "_toc.yml").exists() and (parent / "book").is_dir():
            rel = full.relative_to(parent).with_suffix("").as_posix()
            return (parent, rel) if rel.startswith("book/") else None
    return None


def _cells_key(nb) -> list:
    return [(c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
            for c in nb["cells"]]


def _show(manager, model: dict, path: str) -> dict:
    """The page as the lab shows it; its cells trusted (the book's own page: jupyterlab-myst shows the stored
    values of inline expressions only in trusted cells)."""
    page = _book_page(manager.root_dir, path)
    if page and model.get("type") == "notebook" and model.get("content") is not None:
        import nbformat

        nb = nbformat.from_dict(lab_notebook(model["content"], load_context(*page)))
        for cell in nb.cells:  # the notary marks code cells only; JupyterLab reads each cell's flag
            cell.metadata["trusted"] = True
        model["content"] = nb
    return model


def _to_save(model: dict, root: str, path: str):
    """(the model to save, whether the page's cells differ from the file's)."""
    page = _book_page(root, path)
    if not (page and model.get("type") == "notebook" and model.get("content") is not None):
        return model, True
    import jupytext
    import nbformat

    model = {**model, "content": nbformat.from_dict(source_notebook(model["content"]))}
    on_disk = Path(root, path.lstrip("/"))
    changed = not on_disk.exists() or _cells_key(jupytext.read(on_disk, fmt="md:myst")) != _cells_key(model["content"])
    return model, changed


def _manager_class():
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

    try:
        from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class
    except ImportError:  # jupytext < 1.17: a synchronous manager only
        from jupyter_server.services.contents.largefilemanager import LargeFileManager
        from jupytext.contentsmanager import build_jupytext_contents_manager_class

        class Sync(build_jupytext_contents_manager_class(LargeFileManager)):
            def get(self, path, content=True, type=None, format=None, **kwargs):
                return _show(self, super().get(path, content=content, type=type, format=format, **kwargs), path)

            def save(self, model, path=""):
                model, changed = _to_save(model, self.root_dir, path)
                return super().save(model, path) if changed else super().get(path, content=False)

        return Sync

    class Async(build_async_jupytext_contents_manager_class(AsyncLargeFileManager)):
        async def get(self, path, content=True, type=None, format=None, **kwargs):
            model = await super().get(path, content=content, type=type, format=format, **kwargs)
            return _show(self, model, path)

        async def save(self, model, path=""):
            model, changed = _to_save(model, self.root_dir, path)
            # an unchanged page is not rewritten (jupytext would re-wrap some option lines)
            return await super().save(model, path) if changed else await super().get(path, content=False)

    return Async


def __getattr__(name):
    if name == "BookContentsManager":  # built on first use: importing this module needs no server
        cls = _manager_class()
        cls.__name__ = cls.__qualname__ = "BookContentsManager"
        cls.__module__ = __name__
        globals()[name] = cls
        return cls
    raise AttributeError(name)
