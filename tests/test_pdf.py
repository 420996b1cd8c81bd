"""The book as a PDF (make pdf) and the student edition as a PDF (make pdf-student).

Read back with poppler's tools: ``pdfinfo`` (the file opens), ``pdftotext`` (its text), ``pdffonts`` (the
mathematics is set in fonts, not pictures), ``pdfimages`` (the figures are in it); and LaTeX's own log.
Every expectation is computed from the sources (the toc's pages and their titles, the exercise and solution
directives, the explorer calls), not from the PDF, so each test fails when the PDF misses what it checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from commitment.pdf import EXPLORER_NOTE
from tests.pages import ROOT, code_cells, directives, is_notebook, toc_files

pytestmark = pytest.mark.pdf

TOOLS = ("pdfinfo", "pdftotext", "pdffonts", "pdfimages")


@pytest.fixture(scope="module", autouse=True)
def _poppler():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        if os.environ.get("COMMITMENT_REQUIRE_PDF") == "1":  # CI: a missing tool must not hide the tests
            pytest.fail(f"COMMITMENT_REQUIRE_PDF=1 but poppler-utils ({', '.join(missing)}) is missing")
        pytest.skip(f"poppler-utils ({', '.join(missing)}) is needed to read the PDF back")


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def normalise(text: str) -> str:
    """Text as words: ligatures split (NFKC), words hyphenated across lines joined, one space between words."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


@cache
def pdf_text(pdf: Path) -> str:
    return normalise(_run("pdftotext", "-enc", "UTF-8", str(pdf), "-"))


def _squash(text: str) -> str:
    """Letters and digits only: for titles, which LaTeX may break across lines or set in small caps."""
    return re.sub(r"[^0-9a-z]", "", normalise(text).lower())


def page_title(page: Path) -> str:
    """The page's first level-1 heading, without MyST markup."""
    body = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    title = next(line[2:] for line in body.splitlines() if line.startswith("# "))
    return re.sub(r"[`*$\\]|\{[a-z]+\}", "", title).strip()


def _toc() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def part_captions() -> list[str]:
    return [p["caption"] for p in _toc().get("parts", [])]


def numbered_pages() -> set[Path]:
    """The pages of the toc's numbered parts (their exercises are numbered, e.g. Exercise 13.2)."""
    return {ROOT / f"{c['file']}.md" for p in _toc().get("parts", []) if p.get("numbered") for c in p["chapters"]}


def plain_sentences(body: str, min_len: int = 40) -> list[str]:
    """Sentences of a directive's body with no markup or mathematics (they read the same in the PDF)."""
    lines = [ln for ln in body.splitlines() if not ln.startswith(":")]
    text = " ".join(lines)
    out = []
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        sentence = sentence.strip()
        if len(sentence) >= min_len and not re.search(r"[$`{}\[\]*_\\|<>#]", sentence):
            out.append(normalise(sentence))
    return out


def latex_log(pdf: Path, student: bool) -> str:
    folder = ROOT / "_build" / ("student-pdf" if student else "pdf") / "_build" / "latex"
    return next(folder.glob("*.log")).read_text(encoding="utf-8", errors="replace")


def test_pdf_opens_with_a_title_page(book_pdf):
    info = _run("pdfinfo", str(book_pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 100, f"the book's PDF has only {pages} pages"
    assert "Limited Commitment and Markets" in re.search(r"^Title:\s+(.*)$", info, re.M).group(1)
    first = normalise(_run("pdftotext", "-f", "1", "-l", "1", str(book_pdf), "-"))
    assert "Limited Commitment and Markets" in first


@pytest.mark.parametrize("student", [False, True], ids=["book", "student"])
def test_every_part_page_and_exercise_is_in_the_pdf(book_pdf, student_pdf, student):
    pdf = student_pdf if student else book_pdf
    text = _squash(pdf_text(pdf))
    missing = [t for t in part_captions() + [page_title(p) for p in toc_files()] if _squash(t) not in text]
    assert not missing, f"titles missing from the PDF: {missing}"
    exercises = directives("exercise")
    assert len(exercises) >= 20
    missing = [title for _, title, _ in exercises if _squash(title) not in text]
    assert not missing, f"exercises missing from the PDF: {missing}"
    # the LaTeX builder numbers an exercise inside a page's section with the section too (21.6.1 where the
    # website says 21.1: the exercise of debt_maturity/beyond.md)
    numbered = set(re.findall(r"Exercise (\d+(?:\.\d+)+) \(", pdf_text(pdf)))
    in_numbered_parts = [e for e in exercises if e[0] in numbered_pages()]
    assert len(numbered) >= len(in_numbered_parts), \
        f"{len(numbered)} numbered exercise headings for {len(in_numbered_parts)} exercises in numbered parts"


@pytest.mark.parametrize("student", [False, True], ids=["book", "student"])
def test_no_unresolved_reference_or_missing_figure(book_pdf, student_pdf, student):
    pdf = student_pdf if student else book_pdf
    assert "??" not in pdf_text(pdf), "an unresolved reference (??) in the PDF"
    log = latex_log(pdf, student)
    assert not re.search(r"Reference `[^']+' on page \d+ undefined|There were undefined references", log)
    assert not re.search(r"File `[^']+' not found|Missing (image|file)", log)
    tex = next((ROOT / "_build" / ("student-pdf" if student else "pdf") / "_build" / "latex").glob("*.tex"))
    included = len(re.findall(r"\\sphinxincludegraphics", tex.read_text(encoding="utf-8")))
    images = len(_run("pdfimages", "-list", str(pdf)).splitlines()) - 2  # two header lines
    assert included >= 20, f"only {included} figures in the LaTeX source"
    assert images >= included, f"{included} figures in the LaTeX source, {images} images in the PDF"


def test_mathematics_is_typeset_in_fonts(book_pdf):
    fonts = _run("pdffonts", str(book_pdf))
    assert re.search(r"Math|CMMI|cmmi", fonts), f"no mathematics font in the PDF:\n{fonts}"
    text = pdf_text(book_pdf)
    assert "β" in text and "σ" in text  # symbols extracted as text: set in a font, not as pictures


def test_each_explorer_shows_its_figure_and_says_where_the_sliders_are(book_pdf):
    calls = sum(cell.source.count("static_explorer(") for page in toc_files() if is_notebook(page)
                for cell in code_cells(page))
    assert calls >= 4
    lead = normalise(EXPLORER_NOTE.split("(")[0])
    text = pdf_text(book_pdf)
    assert text.count(lead) == calls
    pages = re.findall(re.escape(lead) + r"\s*\((\S+)\.html\)", text)
    assert len(set(pages)) >= 5 and not any(p.endswith("intro") for p in pages), f"explorer notes name {pages}"


def test_the_student_pdf_has_no_solution(book_pdf, student_pdf):
    solutions = directives("solution")
    assert len(solutions) >= 20
    full, student = pdf_text(book_pdf), pdf_text(student_pdf)
    sentences = [s for _, _, body in solutions for s in plain_sentences(body)]
    readable = [s for s in sentences if s in full]  # the sentences pdftotext gives back verbatim
    assert len(readable) >= len(solutions), (
        f"only {len(readable)} of {len(sentences)} plain solution sentences found in the book's PDF: "
        "the check below would be too weak")
    leaked = [s for s in readable if s in student]
    assert not leaked, f"solution text in the student PDF: {leaked[:3]}"
    assert "Solution to Exercise" in full and "Solution to Exercise" not in student


def test_every_box_has_its_title(book_pdf):
    """Each LaTeX admonition gets its title argument (a proof's box had none: an empty title bar, and the
    proof's first words set as the title)."""
    tex = next((ROOT / "_build" / "pdf" / "_build" / "latex").glob("*.tex")).read_text(encoding="utf-8")
    boxes = re.findall(r"\\begin\{sphinxadmonition\}\{[a-z]+\}(.?)", tex)
    assert len(boxes) >= 50
    untitled = sum(1 for nxt in boxes if nxt != "{")
    assert untitled == 0, f"{untitled} of {len(boxes)} boxes without a title"
    assert tex.count("{Proof}") >= 20
