"""The nbval harness: every page under book/ with code cells is executed as a notebook.

pytest walks book/ (see ``testpaths`` in pyproject.toml). For each MyST page with code cells, this
plugin converts the page with jupytext to ``_build/nbval/<same path>.ipynb`` and hands that notebook
to nbval in lax mode (``--nbval-lax``: outputs are not compared; the pages' checks raise when a result
fails). The test items are named after the page, ``book/<chapter>/<page>.md::Cell <n>``, so
``pytest book/<chapter>/<page>.md`` runs one page, and a failing cell reports its source and traceback.
Cells tagged ``nbval-skip`` (live widgets) are skipped.

When the session also builds the website (``make test``: the browser, report, download and
student-edition tests need it), the pages are not executed twice: the build executes each page once
(MyST-NB, the execution that the site shows), and each cell's test reads what the build did with its
page (:mod:`tests.site`): the cells before a failing one pass, the failing cell fails with the build's
traceback, the cells after it are skipped as not executed. Names and selection are the same in both
modes; ``pytest book/<chapter>/<page>.md`` alone executes the page under nbval.
"""

from __future__ import annotations

import os

import pytest

from _pytest.compat import legacy_path
from nbval.plugin import IPyNbCell, IPyNbFile, NbCellError

from tests.pages import BOOK, NBVAL_DIR, code_cells, convert, notebook_pages, toc_files
from tests.site import page_run

SITE_FIXTURES = {"book_html", "student_html", "book_pdf", "student_pdf"}  # tests that need the built website


class PageNotebook(IPyNbFile):
    """nbval's notebook collector for a MyST page: pytest sees the page, nbval reads its notebook.

    nbval reads the notebook from ``self.fspath`` (and starts the kernel in its folder); pytest names
    and selects the test by ``self.path``, the page itself.
    """

    @property
    def fspath(self):
        return legacy_path(convert(self.path))

    from_build = False  # set when this session's site build executes the page (see the module docstring)

    def collect(self):
        for item in super().collect():
            item.__class__ = PageCell
            yield item

    def setup(self):
        if not self.from_build:  # nbval's kernel is needed only when nbval executes the page
            super().setup()

    def teardown(self):
        if not self.from_build:
            super().teardown()


class PageCell(IPyNbCell):
    """A page's code cell; a failure starts with the page, the cell and the exception's last line."""

    def repr_failure(self, excinfo):
        exc = excinfo.value
        report = super().repr_failure(excinfo)
        if isinstance(exc, NbCellError):
            lines = [ln for ln in (exc.inner_traceback or str(exc)).splitlines() if ln.strip()]
            report = f"{self.nodeid}: {lines[-1] if lines else exc}\n\n{report}"
        return report


class BuiltPageCell(PageCell):
    """A page's code cell checked against the site build's execution of the page."""

    def runtest(self):
        if self.options["skip"]:
            pytest.skip("a live-widget cell (tagged nbval-skip and skip-execution)")
        run = page_run(self.parent.path)
        if run.ran:
            return
        if run.stopped_at:
            pytest.skip(f"not executed: the site build stopped at a failing cell of {run.stopped_at}")
        if run.failed_source is None:
            self.raise_cell_error("the site build failed to execute this page", run.traceback)
        sources = [cell.source.strip() for cell in code_cells(self.parent.path)]
        failing = sources.index(run.failed_source) if run.failed_source in sources else None
        mine = sources.index(self.cell.source.strip())
        if failing is None or mine == failing:
            self.raise_cell_error("Cell execution caused an exception (in the site build)", run.traceback)
        if mine > failing:
            pytest.skip("not executed: an earlier cell of the page failed in the site build")


def _needs_site(item) -> bool:
    return bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Tests that need the built website are marked ``site`` (``-m "not site"`` runs the rest)."""
    for item in items:
        if _needs_site(item):
            item.add_marker("site")


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """If the selected tests build the website, the pages' cells are checked against its execution."""
    if not any(_needs_site(item) for item in session.items):
        return
    in_toc = set(toc_files())  # only toc pages are built
    for item in session.items:
        if isinstance(item, PageCell) and item.parent.path in in_toc:
            item.__class__ = BuiltPageCell
            item.parent.from_build = True


def pytest_configure(config):
    # kernels started by nbval print tracebacks without ANSI colours, so failures read cleanly in a log
    profile = NBVAL_DIR / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text('c.InteractiveShell.colors = "nocolor"\n')
    os.environ["IPYTHONDIR"] = str(profile.parent)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and BOOK in file_path.parents and file_path in notebook_pages():
        return PageNotebook.from_parent(parent, path=file_path)
    return None
