"""The book's website, built once per test session, and what its build executed.

When a test session builds the site (the browser, report, download and student-edition tests need it),
the build's own execution of the pages is also the pages' test: each page is executed once, by the
build (:func:`commitment.editions.execute_pages`, in parallel, or MyST-NB), and the page's cells are
checked against that execution (:mod:`tests.harness`). This module
answers, for a page, whether the build executed it without error and, if not, which code cell failed
and with what traceback.

- A failing cell stops the build (``nb_execution_raise_on_error`` in ``_config.yml``): its output names the
  page (``ExecutionError: <path>``) and quotes the failing cell's source (nbclient's
  ``CellExecutionError``); the pages after it are not executed. (Were errors not raised, MyST-NB would
  leave the same traceback in ``_build/html/reports/<docname>.err.log``: read too.)
- A page that ran is in the execution cache (``_build/.jupyter_cache``): its code cells, read as MyST-NB
  reads them, match a stored successful execution. The cache is dropped before the build whenever the
  library or the installed packages changed (:func:`commitment.editions.drop_stale_executions`), so a
  match means that this code ran without error with this library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.pages import ROOT

CACHE = ROOT / "_build" / ".jupyter_cache"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FAILING_CELL = re.compile(r"executing the following cell:\n-{10,}\n(.*?)\n-{10,}\n", re.S)
_FAILED_PAGE = re.compile(r"ExecutionError: (\S+\.(?:md|ipynb))")


@dataclass(frozen=True)
class Build:
    """The outcome of building the main site: its HTML folder, and the build's error and whole output if
    it failed."""

    html: Path
    error: str | None
    output: str = ""


@cache
def main_build() -> Build:
    """Build the main site strictly, once per session (pages whose code and library are unchanged come
    from the execution cache)."""
    from commitment.editions import BuildFailed, build_book

    try:
        return Build(build_book(ROOT, echo=False), None)
    except BuildFailed as err:
        return Build(ROOT / "_build" / "html", str(err), _ANSI.sub("", err.output))


@dataclass(frozen=True)
class PageRun:
    """What the build did with one page: ``ran`` (True if its code executed without error); if not,
    ``stopped_at`` (another page whose failure stopped the build before this one ran) or the failing
    cell's source (None if the build's output does not quote it) and the traceback."""

    ran: bool
    failed_source: str | None = None
    traceback: str = ""
    stopped_at: str | None = None


def docname(page: Path) -> str:
    return page.relative_to(ROOT).with_suffix("").as_posix()


def _in_cache(page: Path) -> bool:
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    if not CACHE.exists():
        return False
    nb = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), MdParserConfig(), path=str(page))
    try:
        get_cache(str(CACHE)).match_cache_notebook(nb)
    except KeyError:
        return False
    return True


def failing_cell_source(report: str) -> str | None:
    """The failing cell's source quoted in an execution report (nbclient's ``CellExecutionError``), or
    None if the report quotes none."""
    quoted = _FAILING_CELL.search(report)
    return quoted.group(1).strip() if quoted else None


def cell_error(output: str) -> str:
    """The failing cell's error in a build's output: nbclient's message, from the quoted cell to the
    exception's last line (the whole output's tail if the message is not found)."""
    start = output.find("An error occurred while executing the following cell")
    if start < 0:
        return output[-6000:]
    ends = [i for i in (output.find("\nThe above exception", start), output.find("ExecutionError:", start)) if i > 0]
    return output[start:min(ends) if ends else len(output)].rstrip()


@cache
def page_run(page: Path) -> PageRun:
    """The build's execution of ``page`` (builds the site first if this session has not)."""
    build = main_build()
    report = build.html / "reports" / f"{docname(page)}.err.log"
    if report.exists():
        text = _ANSI.sub("", report.read_text(encoding="utf-8", errors="replace"))
        return PageRun(False, failing_cell_source(text), text)
    if _in_cache(page):
        return PageRun(True)
    failed = _FAILED_PAGE.search(build.output)
    if failed and Path(failed.group(1)).resolve() == page.resolve():
        return PageRun(False, failing_cell_source(build.output), cell_error(build.output))
    if failed:
        return PageRun(False, stopped_at=str(Path(failed.group(1)).resolve().relative_to(ROOT)))
    why = build.error or "the build neither failed nor cached an execution of it"
    return PageRun(False, None, f"the build did not execute this page's current code: {why[-3000:]}")
