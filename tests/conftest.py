"""Test settings and session fixtures shared by the whole suite."""

from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# deadline=None: the first call of a numba kernel compiles it (seconds), which is not a slow test.
# derandomize=True: property-based tests draw the same examples on every run (reproducible CI).
settings.register_profile("book", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("book")


@pytest.fixture(scope="session")
def book_html():
    """Build the book strictly once per session (reusing the execution cache unless the library or
    the installed packages changed since it was filled); the HTML folder. The same build executes the
    pages for their tests (tests/site.py)."""
    from tests.site import main_build

    build = main_build()
    if build.error:
        pytest.fail(f"the book does not build: {build.error}")
    return build.html


@pytest.fixture(scope="session")
def student_html(book_html):
    """Build the student edition (after the main build, whose execution cache it reuses)."""
    from commitment.editions import build_student_edition

    try:
        return build_student_edition(ROOT, echo=False)
    except RuntimeError as err:
        pytest.fail(f"the student edition does not build: {err}")


def _pdf(student: bool):
    import os

    from commitment.editions import build_pdf, missing_pdf_tools

    missing = missing_pdf_tools()
    if missing:
        if os.environ.get("COMMITMENT_REQUIRE_PDF") == "1":
            pytest.fail(f"COMMITMENT_REQUIRE_PDF=1 but {', '.join(missing)} (TeX Live) is missing")
        pytest.skip(f"the PDF build needs {', '.join(missing)} (TeX Live; see the README)")
    try:
        return build_pdf(ROOT, echo=False, student=student)
    except RuntimeError as err:
        pytest.fail(f"the {'student ' if student else ''}PDF does not build: {err}")


@pytest.fixture(scope="session")
def book_pdf(book_html):
    """The book as a PDF (make pdf), built after the site, from its execution cache; skipped without TeX
    Live unless COMMITMENT_REQUIRE_PDF=1 (CI sets it)."""
    return _pdf(student=False)


@pytest.fixture(scope="session")
def student_pdf(book_html):
    """The student edition as a PDF (make pdf-student)."""
    return _pdf(student=True)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session, shared by the website's and JupyterLab's browser tests.
    Playwright's sync API keeps an asyncio loop running in the main thread while it is open, so a second
    ``sync_playwright()`` in the same session fails ("Sync API inside the asyncio loop"): there must be one."""
    import os

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        if os.environ.get("COMMITMENT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def one_thread():
    """Many small solves: one numba thread. The solvers' results are bit-identical for any thread count
    (tests/test_debt_maturity.py checks it), and one thread avoids the parallel pool's waits on a loaded
    machine (measured: 5 ms against 1 s per trade-loss computation at N = 200 with five jobs on two cores)."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(threads)

