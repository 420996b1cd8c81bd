"""Sphinx extension: the book's verification report, generated at build time.

Two directives, used in ``book/verification.md``:

- ``{verification-summary}``: one row per paper -- how many results, how many checked numerically, with
  passing checks in the pages, analytical, pending;
- ``{verification-report} <paper>``: one row per result of that paper -- label, statement, treatment,
  and the pages (linked) whose cells check it, with the tolerance written in the call.

Both read the registry (``commitment/data/results.toml``) and scan the code cells of every page in the
build (:func:`commitment.registry.find_checks`); nothing in the report is written by hand. The page
depends on every chapter page, so it is rebuilt whenever a check is added or removed. Whether the
checks *pass* is established by executing the pages (the build fails on a failing check, and so does
the test suite); the report says where they are and what they check.

It also adds the book's stylesheet (``commitment/static/commitment.css``: long cell outputs scroll),
removes solutions in the student edition, drops duplicated inline scripts, and strips outputs from the
downloadable ``.ipynb`` files.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from commitment.registry import PAPERS, find_checks, load_registry

__all__ = ["setup"]


def _book_pages(env):
    """(docname, path) of every markdown page of the build, except the report itself."""
    out = []
    for doc in sorted(env.found_docs):
        path = Path(env.doc2path(doc))
        if path.suffix == ".md" and doc != env.docname:
            out.append((doc, path))
    return out


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


class VerificationSummary(_MarkdownDirective):
    has_content = False

    def run(self):
        reg = load_registry()
        checks = _checks_by_result(self.env)
        lines = [
            "| paper | results | numerical | checked in a page | analytical | pending |",
            "|:--|--:|--:|--:|--:|--:|",
        ]
        totals = [0, 0, 0, 0, 0]
        for key in PAPERS:
            rs = reg.of_paper(key)
            row = [
                len(rs),
                sum(r.treatment == "numerical" for r in rs),
                sum(r.treatment == "numerical" and bool(checks.get(r.id)) for r in rs),
                sum(r.treatment == "analytical" for r in rs),
                sum(r.treatment == "pending" for r in rs),
            ]
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
        lines = ["| id | result | statement | treatment | checked in (tolerance) |", "|:--|:--|:--|:--|:--|"]
        for r in reg.of_paper(key):
            where = []
            for doc, chk in checks.get(r.id, []):
                tol = f" ({_cell(chk.tol)})" if chk.tol else ""
                where.append(f"{{doc}}`/{doc}`{tol}")
            if r.treatment == "analytical":
                treatment = f"analytical: {_cell(r.reason)}"
            elif r.treatment == "pending":
                treatment = "not yet treated"
            else:
                treatment = "numerical" if where else "numerical, **no check found**"
            lines.append(
                f"| `{r.id}` | {_cell(r.label)} ({_cell(r.section)}) | {_cell(r.statement)} | {treatment} | "
                f"{'; '.join(where) if where else '—'} |"
            )
        return self._render(lines)


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


def _strip_downloaded_notebooks(app, exception):
    """Remove outputs from the ``.ipynb`` downloads (``_sources/``): readers get a clean notebook to run.

    MyST-NB writes the executed notebook there; the website shows the outputs already.
    """
    if exception is not None or app.builder.format != "html":
        return
    import json

    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("commitment.css")
    app.add_directive("verification-summary", VerificationSummary)
    app.add_directive("verification-report", VerificationReport)
    app.add_config_value("commitment_student_edition", False, "env")
    app.add_transform(RemoveSolutions)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _strip_downloaded_notebooks)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
