"""The nbval harness: every page under book/ with code cells is executed as a notebook.

pytest walks book/ (see ``testpaths`` in pyproject.toml). For each MyST page with code cells, this
plugin converts the page with jupytext to ``_build/nbval/<same path>.ipynb`` and hands that notebook
to nbval in lax mode (``--nbval-lax``: outputs are not compared; the pages' checks raise when a result
fails). The test items are named after the page, ``book/<chapter>/<page>.md::Cell <n>``, so
``pytest book/<chapter>/<page>.md`` runs one page, and a failing cell reports its source and traceback.
Cells tagged ``nbval-skip`` (live widgets) are skipped.
"""

from __future__ import annotations

import os

from _pytest.compat import legacy_path
from nbval.plugin import IPyNbCell, IPyNbFile, NbCellError

from tests.pages import BOOK, NBVAL_DIR, convert, notebook_pages


class PageNotebook(IPyNbFile):
    """nbval's notebook collector for a MyST page: pytest sees the page, nbval reads its notebook.

    nbval reads the notebook from ``self.fspath`` (and starts the kernel in its folder); pytest names
    and selects the test by ``self.path``, the page itself.
    """

    @property
    def fspath(self):
        return legacy_path(convert(self.path))

    def collect(self):
        for item in super().collect():
            item.__class__ = PageCell
            yield item


class PageCell(IPyNbCell):
    """A page's code cell; a failure starts with the page, the cell and the exception's last line."""

    def repr_failure(self, excinfo):
        exc = excinfo.value
        report = super().repr_failure(excinfo)
        if isinstance(exc, NbCellError):
            lines = [ln for ln in (exc.inner_traceback or str(exc)).splitlines() if ln.strip()]
            report = f"{self.nodeid}: {lines[-1] if lines else exc}\n\n{report}"
        return report


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
