"""Sphinx extension: the book's verification report, generated at build time.

Two directives, used in ``book/verification.md``:

- ``{verification-summary}``: one row per paper -- how many results, and how many of the numerical ones
  are *verified* (a claim or reference check in a page and a falsifier test), *partly checked* (claim or
  reference checks, no falsifier), *consistency only*, not checked; analytical; pending; the checks by
  kind; the allowance list;
- ``{verification-report} <paper>``: one row per result of that paper -- label and statement, status, the
  library function behind its claim checks, its checks by kind (the pages, linked, with the tolerance as
  written), the smallest margin of its claim and reference checks as printed when the pages ran, and its
  falsifier tests.

Both read the registry (``commitment/data/results.toml``), scan the code cells of every page in the build
(:func:`commitment.registry.find_checks`) and the test files (:func:`commitment.registry.find_falsifiers`);
nothing in the report is written by hand. The margins are read from the check lines that the executed
pages printed (their outputs are in the doctrees), after every page has been read, so they are the margins
of this build. The page depends on every chapter page and test file, so it is rebuilt whenever a check or
a falsifier changes.

It also adds the book's stylesheet (``commitment/static/commitment.css``: long cell outputs scroll),
removes solutions in the student edition, drops duplicated inline scripts, and makes the downloadable
``.ipynb`` files portable (:mod:`commitment.portable`: standard Markdown, no outputs), and stores the
website's numbers and titles for JupyterLab's pages (``_build/lab-context.json``, :mod:`commitment.lab`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from commitment.registry import KINDS, PAPERS, find_checks, find_falsifiers, load_registry, status

__all__ = ["setup"]

# a printed check line: "✓ [claim] hl-theorem-1 (...) | what | ... | margin 3.2e+02" (or "| slack 0.018")
_LINE = re.compile(r"^([✓✗]) \[(claim|reference|consistency)\] (\S+) .*\| (margin|slack) (\S+)$", re.M)
_TOKEN = re.compile(r"MARGINOF\(([a-z0-9-]+)\)")
STATUS_ORDER = ("verified", "partly checked", "consistency only", "not checked")


def _book_pages(env):
    """(docname, path) of every markdown page of the build, except the report itself."""
    out = []
    for doc in sorted(env.found_docs):
        path = Path(env.doc2path(doc))
        if path.suffix == ".md" and doc != env.docname:
            out.append((doc, path))
    return out


def _test_files(env):
    tests = Path(env.srcdir) / "tests"
    return sorted(tests.glob("test_*.py")) if tests.is_dir() else []


def _falsifiers(env):
    files = _test_files(env)
    for f in files:
        env.note_dependency(str(f))
    return find_falsifiers(files, root=Path(env.srcdir))


def _checks_by_result(env):
    pages = _book_pages(env)
    docname = {path.resolve(): doc for doc, path in pages}
    by_result = defaultdict(list)
    for chk in find_checks(path for _, path in pages):
        env.note_dependency(str(chk.page))
        by_result[chk.result_id].append((docname[chk.page.resolve()], chk))
    for _, path in pages:
        env.note_dependency(str(path))
    return by_result


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


class _MarkdownDirective(SphinxDirective):
    def _render(self, lines):
        container = nodes.container(classes=["verification-report"])
        self.state.nested_parse(StringList(lines, source="verification-report"), self.content_offset, container)
        return [container]


def _page_checks(doc, tols):
    """One page's checks of one kind: the link, how many, and the distinct tolerances as written."""
    shown = list(dict.fromkeys(t for t in tols if t))
    count = f"{len(tols)} × " if len(tols) > 1 else ""
    return f"{count}{{doc}}`/{doc}`" + (f" ({_cell(', '.join(shown))})" if shown else "")


def _statuses(reg, checks, falsifiers, key):
    flat = [c for pairs in checks.values() for _, c in pairs]
    return {r.id: status(r, flat, falsifiers) for r in reg.of_paper(key)}


class VerificationSummary(_MarkdownDirective):
    has_content = False

    def run(self):
        reg = load_registry()
        checks = _checks_by_result(self.env)
        falsifiers = _falsifiers(self.env)
        cols = ["results", *STATUS_ORDER, "analytical", "pending", *(f"{k} checks" for k in KINDS),
                "falsifier tests", "allowance"]
        lines = ["| paper | " + " | ".join(cols) + " |", "|:--|" + "--:|" * len(cols)]
        totals = [0] * len(cols)
        for key in PAPERS:
            rs = reg.of_paper(key)
            st = _statuses(reg, checks, falsifiers, key)
            ids = {r.id for r in rs}
            mine = [c for r in rs for _, c in checks.get(r.id, [])]
            row = [len(rs), *(sum(v == s for v in st.values()) for s in STATUS_ORDER),
                   sum(v == "analytical" for v in st.values()), sum(v == "pending" for v in st.values()),
                   *(sum(c.kind == k for c in mine) for k in KINDS),
                   sum(f.result_id in ids for f in falsifiers), sum(a in ids for a in reg.allowance)]
            totals = [a + b for a, b in zip(totals, row)]
            p = reg.papers[key]
            lines.append(f"| {p.authors} {{cite:p}}`{p.citekey}` | " + " | ".join(map(str, row)) + " |")
        lines.append("| **all four papers** | " + " | ".join(f"**{t}**" for t in totals) + " |")
        return self._render(lines)


class VerificationReport(_MarkdownDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        key = self.arguments[0]
        reg = load_registry()
        if key not in reg.papers:
            raise self.error(f"verification-report: unknown paper {key!r}; admissible: {', '.join(PAPERS)}")
        checks = _checks_by_result(self.env)
        falsifiers = _falsifiers(self.env)
        st = _statuses(reg, checks, falsifiers, key)
        lines = ["| id | result | status | checks by kind: page (tolerance) | smallest margin | falsifiers |",
                 "|:--|:--|:--|:--|:--|:--|"]
        for r in reg.of_paper(key):
            by_kind = defaultdict(lambda: defaultdict(list))  # kind -> page -> tolerances as written
            for doc, chk in checks.get(r.id, []):
                by_kind[chk.kind or "no kind"][doc].append(chk.tol)
            where = "; ".join(f"**{k}**: " + ", ".join(_page_checks(doc, tols) for doc, tols in pages.items())
                              for k, pages in by_kind.items()) or "—"
            state = st[r.id]
            if state == "analytical":
                state = f"analytical: {_cell(r.reason)}"
            elif state == "pending":
                state = "not yet treated"
            else:
                state = f"**{state}**" + (" (allowance)" if r.id in reg.allowance else "")
                if r.claim:
                    state += f"; computed by `{r.claim}`"
            fals = [f"`{f.test}` ({f.how})" for f in falsifiers if f.result_id == r.id]
            margin = f"MARGINOF({r.id})" if r.treatment == "numerical" else "—"
            lines.append(f"| `{r.id}` | {_cell(r.label)} ({_cell(r.section)}): {_cell(r.statement)} | {state} | "
                         f"{where} | {margin} | {'<br>'.join(fals) if fals else '—'} |")
        return self._render(lines)


def _collect_check_lines(app, doctree):
    """Remember the check lines a page printed (its executed outputs are literal blocks of the doctree)."""
    env = app.env
    store = env.__dict__.setdefault("commitment_check_lines", {})
    found = []
    for node in doctree.findall(nodes.literal_block):
        for m in _LINE.finditer(node.astext()):
            found.append((m.group(2), m.group(3), m.group(4), m.group(5)))
    store[env.docname] = found


def _purge_check_lines(app, env, docname):
    env.__dict__.get("commitment_check_lines", {}).pop(docname, None)


def _merge_check_lines(app, env, docnames, other):
    mine = env.__dict__.setdefault("commitment_check_lines", {})
    for doc in docnames:
        if doc in other.__dict__.get("commitment_check_lines", {}):
            mine[doc] = other.commitment_check_lines[doc]


def _margin_text(lines, rid):
    """Smallest margin of the result's claim and reference checks, as printed when the pages ran: the
    ratio tol / error of error checks and the slack of inequalities and orderings."""
    ratios = [float(v) for kind, r, style, v in lines if r == rid and kind != "consistency" and style == "margin"]
    slacks = [float(v) for kind, r, style, v in lines if r == rid and kind != "consistency" and style == "slack"]
    parts = ([f"tol/error {min(ratios):.2g}"] if ratios else []) + ([f"slack {min(slacks):.2g}"] if slacks else [])
    return "; ".join(parts) or "—"


def _fill_margins(app, doctree, docname):
    """Replace the report's MARGINOF(id) placeholders once every page has been read."""
    store = app.env.__dict__.get("commitment_check_lines", {})
    lines = [t for found in store.values() for t in found]
    for text in list(doctree.findall(nodes.Text)):
        if "MARGINOF(" not in text:
            continue
        new = _TOKEN.sub(lambda m: _margin_text(lines, m.group(1)), str(text))
        text.parent.replace(text, nodes.Text(new))


class RemoveSolutions(SphinxTransform):
    """Student edition (``commitment_student_edition = True``): delete every solution from the doctree.

    Runs after sphinx-exercise has merged gated solutions (``{solution-start}`` ... ``{solution-end}``,
    priority 10) into single solution nodes, so the code cells of a gated solution go too. (Its own
    ``hide_solutions`` option drops only the opening directive of a gated solution and leaves the code.)
    """

    default_priority = 20

    def apply(self):
        if not self.config.commitment_student_edition:
            return
        from sphinx_exercise.nodes import solution_node

        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated <script> entries from a page.

    sphinx-thebe and sphinx-togglebutton register their inline scripts twice under jupyter-book 1.0
    (once with filename ``None``, once with ``''``, which Sphinx does not recognise as the same script),
    so every page declared ``const THEBE_JS_URL`` twice and the browser reported a SyntaxError.
    Keep the first copy.
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def portable_context(app):
    """What :func:`commitment.portable.portable_markdown` needs, from the built environment: every label's
    number or title as the website shows it (``Lemma 15.3``, ``(15.1)``, a section's title) with its address,
    every page's title and address, the bibliography's author-year texts and the MathJax macros."""
    from commitment.portable import Context

    env, builder = app.env, app.builder
    ctx = Context(site=app.config.html_baseurl or "")
    for doc in env.found_docs:
        ctx.docs[doc] = (env.titles[doc].astext() if doc in env.titles else doc, builder.get_target_uri(doc))
    for label, (doc, anchor, title) in env.domaindata["std"]["labels"].items():
        ctx.labels[label.lower()] = (str(title), f"{builder.get_target_uri(doc)}#{anchor}")
    for doc, figtypes in env.toc_fignumbers.items():
        for figtype, numbers in figtypes.items():
            for anchor, number in numbers.items():
                shown = ".".join(map(str, number))
                if figtype == "displaymath":
                    label, text = anchor.removeprefix("equation-"), f"({shown})"
                else:  # as the website writes it: "Fig. 3.1", "Lemma 15.3" (sphinx-proof capitalises)
                    text = app.config.numfig_format.get(figtype, f"{figtype} %s") % shown
                    label, text = anchor, text[:1].upper() + text[1:]
                ctx.labels[label.lower()] = (text, f"{builder.get_target_uri(doc)}#{anchor}")
    ctx.citations = _citations(Path(app.srcdir), app.config.bibtex_bibfiles)
    macros = ((app.config.mathjax3_config or {}).get("tex", {}).get("macros", {}))
    ctx.macros = {k: (v, 0) if isinstance(v, str) else (v[0], int(v[1])) for k, v in macros.items()}
    return ctx


def _citations(srcdir: Path, bibfiles) -> dict[str, tuple[str, str]]:
    """key -> (authors as the website's author-year style shows them, year)."""
    from pybtex.database import parse_file

    out = {}
    for bib in bibfiles:
        for key, entry in parse_file(str(srcdir / bib)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [" ".join(p.last_names) for p in people] or [entry.fields.get("title", key)]
            names = last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al."
            out[key] = (names.replace("{", "").replace("}", ""), entry.fields.get("year", "n.d."))
    return out


def _portable_downloads(app, exception):
    """Turn the ``.ipynb`` downloads (``_sources/``) into portable notebooks: MyST-only syntax rewritten as
    standard Markdown with the website's numbers, references, citations and glued values, outputs removed,
    and a first cell that installs the library where it is missing (:mod:`commitment.portable`).

    MyST-NB writes the executed notebook there, and the glued values beside the executed notebook in
    ``jupyter_execute/<page>.glue.json``; the website shows the outputs already, so readers get a clean
    notebook to run."""
    if exception is not None or app.builder.format != "html":
        return
    import json
    from dataclasses import replace

    from commitment.portable import glued_values, portable_notebook

    ctx = portable_context(app)
    if not app.config.commitment_student_edition:  # JupyterLab's pages use the website's numbers (commitment.lab)
        from commitment.lab import write_context

        write_context(ctx, Path(app.outdir).parent / "lab-context.json")
    sources, executed = Path(app.outdir, "_sources"), Path(app.outdir).parent / "jupyter_execute"
    for path in sources.rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        doc = path.relative_to(sources).with_suffix("").as_posix()
        glue_file = executed / f"{doc}.glue.json"
        glue = glued_values(json.loads(glue_file.read_text(encoding="utf-8"))) if glue_file.exists() else {}
        nb = portable_notebook(nb, replace(ctx, docname=doc, glue=glue))
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("commitment.css")
    app.add_directive("verification-summary", VerificationSummary)
    app.add_directive("verification-report", VerificationReport)
    app.connect("doctree-read", _collect_check_lines)
    app.connect("env-purge-doc", _purge_check_lines)
    app.connect("env-merge-info", _merge_check_lines)
    app.connect("doctree-resolved", _fill_margins)
    app.add_config_value("commitment_student_edition", False, "env")
    app.add_transform(RemoveSolutions)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _portable_downloads)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
