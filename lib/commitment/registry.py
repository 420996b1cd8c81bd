"""The registry of the four papers' formal results, and the scanner that finds their checks.

The registry is the data file ``commitment/data/results.toml``: one entry per formal result (theorem,
proposition, lemma, corollary, and the unnumbered or footnote claims the book treats as results), with

- ``id``: stable identifier, ``<paper>-<kind>-<n>`` (e.g. ``hl-theorem-1``);
- ``paper``, ``label`` (the paper's own label), ``section``, ``statement`` (one line);
- ``treatment``: ``numerical`` (checked by executed code in a page), ``analytical`` (proved in the text
  only; ``reason`` says why no computation applies) or ``pending`` (its chapter has not treated it yet);
- ``plan``: what the study notes propose for it;
- ``claim`` (optional): the library function that computes the quantity its claim or reference checks
  test, as a dotted path (``commitment.debt_maturity.lemma_3_residual``): one hop from the id to the code.

A top-level ``allowance`` list names the numerical results that are not yet *verified* (see below) and
are allowed to stay so for now; it may only shrink (``tests/test_registry.py``).

A *check* is a call to one of :mod:`commitment.verification`'s functions in a code cell of a book page,
with the result id as a string literal in first position and its kind (``kind="claim"``,
``"reference"`` or ``"consistency"``, see :mod:`commitment.verification`) as a literal keyword.
:func:`find_checks` finds them by parsing the pages, so that the verification report and the tests know
which results are checked where, and how.

A *falsifier* is a test marked ``@pytest.mark.falsifies("<id>", how="violation")`` (the result's
hypothesis violated: the same computation on an economy where the result is false) or
``how="perturbation"`` (the weaker kind: the computed object perturbed, where no violating economy
exists), whose body calls :func:`commitment.verification.assert_falsified`. :func:`find_falsifiers` finds
them by parsing the test files.

A numerical result is **verified** when it has at least one claim or reference check in a page and a
falsifier; **partly checked** when it has a claim or reference check but no falsifier; **consistency
only** when its checks are all consistency checks (:func:`status`).
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = [
    "PAPERS",
    "TREATMENTS",
    "CHECK_FUNCTIONS",
    "Paper",
    "Result",
    "Check",
    "Falsifier",
    "KINDS",
    "STATUSES",
    "UnknownResultError",
    "load_registry",
    "get_result",
    "find_checks",
    "find_falsifiers",
    "status",
    "code_cells",
]

PAPERS = ("bmv", "hl", "aahw", "kt")
TREATMENTS = ("numerical", "analytical", "pending")
CHECK_FUNCTIONS = ("verify", "verify_close", "verify_leq", "verify_ordered")
KINDS = ("claim", "reference", "consistency")
FALSIFIER_HOWS = ("violation", "perturbation")
STATUSES = ("verified", "partly checked", "consistency only", "not checked", "analytical", "pending")
_ID = re.compile(r"^(bmv|hl|aahw|kt)-[a-z0-9]+(-[a-z0-9]+)*$")


class UnknownResultError(LookupError):
    """A result id that is not in the registry."""


@dataclass(frozen=True)
class Paper:
    key: str
    authors: str
    title: str
    citekey: str
    chapter: str  # folder under book/ that holds its chapter


@dataclass(frozen=True)
class Result:
    id: str
    paper: str
    label: str
    section: str
    statement: str
    treatment: str
    plan: str
    reason: str = ""
    claim: str = ""


@dataclass(frozen=True)
class Registry:
    papers: dict[str, Paper]
    results: dict[str, Result]
    allowance: tuple[str, ...] = ()

    def of_paper(self, key: str) -> list[Result]:
        return [r for r in self.results.values() if r.paper == key]


@cache
def load_registry() -> Registry:
    """Read and validate the registry (once per process)."""
    text = resources.files("commitment").joinpath("data/results.toml").read_text(encoding="utf-8")
    return parse_registry(text)


def parse_registry(text: str) -> Registry:
    """Parse registry TOML text, raising ``ValueError`` on any schema violation."""
    data = tomllib.loads(text)
    papers = {}
    for key, p in data.get("papers", {}).items():
        if key not in PAPERS:
            raise ValueError(f"registry: unknown paper key {key!r}; admissible: {PAPERS}")
        papers[key] = Paper(key=key, **p)
    if set(papers) != set(PAPERS):
        raise ValueError(f"registry: papers must be exactly {PAPERS}, got {sorted(papers)}")
    results = {}
    for entry in data.get("result", []):
        r = Result(**entry)
        if not _ID.match(r.id):
            raise ValueError(f"registry: malformed id {r.id!r} (expected <paper>-<kind>-<n>)")
        if r.id in results:
            raise ValueError(f"registry: duplicate id {r.id!r}")
        if r.paper not in PAPERS or not r.id.startswith(r.paper + "-"):
            raise ValueError(f"registry: {r.id}: paper {r.paper!r} does not match the id")
        if r.treatment not in TREATMENTS:
            raise ValueError(f"registry: {r.id}: treatment {r.treatment!r} not in {TREATMENTS}")
        if r.treatment == "analytical" and not r.reason.strip():
            raise ValueError(f"registry: {r.id}: an analytical result needs a reason")
        for field in ("label", "statement"):
            value = getattr(r, field)
            if not value.strip() or "\n" in value:
                raise ValueError(f"registry: {r.id}: {field} must be one non-empty line")
        if r.claim and not re.match(r"^commitment(\.[A-Za-z_]\w*)+$", r.claim):
            raise ValueError(f"registry: {r.id}: claim {r.claim!r} is not a dotted path in the commitment package")
        results[r.id] = r
    allowance = tuple(data.get("allowance", []))
    for rid in allowance:
        if rid not in results:
            raise ValueError(f"registry: allowance names {rid!r}, which is not a result")
        if results[rid].treatment != "numerical":
            raise ValueError(f"registry: allowance names {rid!r}, which is not numerical")
    if len(set(allowance)) != len(allowance):
        raise ValueError("registry: allowance lists an id twice")
    return Registry(papers=papers, results=results, allowance=allowance)


def get_result(result_id: str) -> Result:
    """The registry entry for ``result_id``; raises :class:`UnknownResultError` if there is none."""
    results = load_registry().results
    if result_id not in results:
        raise UnknownResultError(
            f"unknown result id {result_id!r}: not in the registry (lib/commitment/data/results.toml); "
            "add the result there before checking it"
        )
    return results[result_id]


@dataclass(frozen=True)
class Check:
    """A check found in a page: which result, which function, with what tolerance, where."""

    result_id: str | None  # None when the first argument is not a string literal
    function: str
    tol: str  # the tolerance as written in the source ("" when the function has none)
    kind: str | None  # "claim", "reference", "consistency"; None when missing or not a literal
    page: Path
    cell: int  # index of the code cell within the page (0-based)
    line: int  # line within the cell (1-based)


_FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}[^\n]*$")


def code_cells(text: str) -> list[str]:
    """Sources of the ``{code-cell}`` blocks of a MyST-markdown notebook, options stripped."""
    cells, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = _FENCE.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence, body, i = m.group(1), [], i + 1
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        i += 1
        # options: a YAML block between '---' lines, or ':key: value' lines, at the top of the cell
        if body and body[0].strip() == "---":
            end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), 0)
            body = body[end + 1:]
        while body and body[0].startswith(":") and re.match(r"^:[\w-]+:", body[0]):
            body = body[1:]
        cells.append("\n".join(body))
    return cells


def _python_source(cell: str) -> str:
    # IPython magics and shell escapes are not Python: blank them out (line numbers kept)
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in cell.splitlines())


_TOL_POSITION = {"verify": 2, "verify_close": 3, "verify_leq": 3, "verify_ordered": None}


def find_checks(pages) -> list[Check]:
    """All calls to the verification functions in the code cells of the given page files."""
    checks = []
    for page in pages:
        page = Path(page)
        for n, cell in enumerate(code_cells(page.read_text(encoding="utf-8"))):
            try:
                tree = ast.parse(_python_source(cell))
            except SyntaxError:
                continue  # the page will fail when executed; nothing to report here
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in CHECK_FUNCTIONS:
                    continue
                first = node.args[0] if node.args else None
                rid = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
                tol = ""
                pos = _TOL_POSITION[name]
                kw = {k.arg: k.value for k in node.keywords}
                if "tol" in kw:
                    tol = ast.unparse(kw["tol"])
                elif pos is not None and len(node.args) > pos:
                    tol = ast.unparse(node.args[pos])
                elif name in ("verify_leq", "verify_ordered"):
                    tol = "0"
                k = kw.get("kind")
                kind = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
                checks.append(Check(rid, name, tol, kind, page, n, node.lineno))
    return checks


@dataclass(frozen=True)
class Falsifier:
    """A test marked ``@pytest.mark.falsifies(result_id, how=...)``."""

    result_id: str
    how: str  # "violation" or "perturbation"
    test: str  # "tests/test_x.py::test_name"
    calls_assert_falsified: bool  # it calls assert_falsified (itself or through a helper of its file)
    names: frozenset = frozenset()  # names and attributes it uses, with its file's helpers (to find the claim)


def _falsifies_marks(func):
    for dec in func.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        if call is None or ast.unparse(call.func) not in ("pytest.mark.falsifies", "mark.falsifies"):
            continue
        first = call.args[0] if call.args else None
        rid = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        how = next((k.value.value for k in call.keywords
                    if k.arg == "how" and isinstance(k.value, ast.Constant)), None)
        yield rid, how


def _names_used(func, funcs):
    """Names and attributes used in ``func``'s body and, transitively, in the module-level helper
    functions of the same file that it calls (a falsifier may run the page's check through a helper)."""
    seen, todo, names = set(), [func], set()
    while todo:
        f = todo.pop()
        for n in ast.walk(f):
            if isinstance(n, (ast.Name, ast.Attribute)):
                name = n.id if isinstance(n, ast.Name) else n.attr
                names.add(name)
                if name in funcs and name not in seen and funcs[name] is not func:
                    seen.add(name)
                    todo.append(funcs[name])
    return frozenset(names)


def find_falsifiers(test_files, root=None) -> list[Falsifier]:
    """Every test function marked as a falsifier in the given files (``root``: paths shown relative to it)."""
    found = []
    for path in test_files:
        path = Path(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        shown = path.relative_to(root).as_posix() if root else path.as_posix()
        funcs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            names = _names_used(node, funcs)
            calls = "assert_falsified" in names
            for rid, how in _falsifies_marks(node):
                found.append(Falsifier(rid, how, f"{shown}::{node.name}", calls, names))
    return found


def status(result: Result, checks, falsifiers) -> str:
    """The result's status given its checks and falsifiers (see the module docstring)."""
    if result.treatment != "numerical":
        return result.treatment
    kinds = {c.kind for c in checks if c.result_id == result.id}
    if not kinds:
        return "not checked"
    evidence = bool(kinds & {"claim", "reference"})
    if not evidence:
        return "consistency only"
    if any(f.result_id == result.id and f.calls_assert_falsified for f in falsifiers):
        return "verified"
    return "partly checked"
