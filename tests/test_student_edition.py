"""The student edition (make book-student): every exercise is there, no solution is, anywhere in the site."""

import html
import re

import pytest

pytestmark = pytest.mark.browser  # needs full builds, like the browser tests

SOLUTION = re.compile(r'<div class="solution[^"]*"[^>]*>(.*?)</div>\s*</div>\s*</section>', re.S)


def _text(fragment):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _site_text(folder):
    return {p: p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.suffix in (".html", ".js", ".txt", ".ipynb", ".md", ".json")}


def test_student_edition_keeps_exercises_and_removes_solutions(book_html, student_html):
    full = _site_text(book_html)
    student = _site_text(student_html)
    exercise_ids = {m for text in full.values() for m in re.findall(r'<div class="exercise[^"]*" id="([^"]+)"', text)}
    solution_blocks = [m for text in full.values() for m in re.findall(r'<div class="solution[^"]*"', text)]
    assert exercise_ids and solution_blocks, "the book has no exercises or no solutions to check"
    student_html_text = "\n".join(t for p, t in student.items() if p.suffix == ".html")
    missing = sorted(i for i in exercise_ids if f'id="{i}"' not in student_html_text)
    assert not missing, f"exercises missing from the student edition: {missing}"
    assert '<div class="solution' not in student_html_text, "a solution block is left in the student edition"
    # the text of every solution: no sentence of it may appear anywhere in the student site
    snippets = set()
    for text in full.values():
        for block in re.findall(r'(<div class="solution.*?)(?=<div class="exercise|<section|</main>)', text, re.S):
            for sentence in re.split(r"(?<=[.:;])\s", _text(block)):
                if len(sentence) >= 40:
                    snippets.add(sentence[:80])
    assert snippets, "could not extract any solution text from the full edition"
    everything = _text("\n".join(student.values()))
    leaked = sorted(s for s in snippets if s in everything)
    assert not leaked, f"solution text found in the student edition: {leaked[:5]}"
    assert not (student_html / "_sources").exists(), "the student site must not offer page sources (they hold solutions)"
