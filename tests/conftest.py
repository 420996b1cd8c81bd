"""Test settings and session fixtures shared by the whole suite."""

import subprocess
import sys
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
    """Build the book strictly (reusing the execution cache) once per session; the HTML folder."""
    jb = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run([str(jb), "build", str(ROOT), "--warningiserror", "--keep-going"],
                           capture_output=True, text=True)
    assert build.returncode == 0, f"the book does not build:\n{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def student_html(book_html):
    """Build the student edition (after the main build, whose execution cache it reuses)."""
    from commitment.editions import build_student_edition

    return build_student_edition(ROOT)
