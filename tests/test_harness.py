"""The page harness in site-build mode: a failure in the build's execution names the page's failing cell
(tests/harness.py, tests/site.py)."""

import nbformat
from nbclient.exceptions import CellExecutionError

from tests.site import failing_cell_source


def _nbclient_report(source):
    """The text MyST-NB saves for a failed page: nbclient's CellExecutionError, as its traceback prints."""
    cell = nbformat.v4.new_code_cell(source)
    msg = {"ename": "CheckFailed", "evalue": "✗ [claim] hl-theorem-1 ...",
           "traceback": ["\x1b[0;31mCheckFailed\x1b[0m: ✗ [claim] hl-theorem-1 ..."]}
    err = CellExecutionError.from_cell_and_msg(cell, msg)
    return f"Traceback (most recent call last):\n  ...\n{type(err).__module__}.{type(err).__name__}: {err}\n"


def test_the_failing_cell_is_read_from_nbclients_report():
    source = 'x = 1\nverify("hl-theorem-1", x - 2, 1e-10, kind="claim")'
    assert failing_cell_source(_nbclient_report(source)) == source


def test_a_report_that_quotes_no_cell_names_none():
    assert failing_cell_source("DeadKernelError: Kernel died") is None
