"""The verification report (commitment.sphinxext): margins read from the printed check lines, and the
built page's statuses and counts computed from the registry, the pages and the tests."""

import html
import re

import pytest

from commitment import verify, verify_leq
from commitment.registry import find_checks, find_falsifiers, load_registry, status
from commitment.sphinxext import _LINE, _margin_text
from tests.pages import ROOT, toc_files

RID = "hl-theorem-1"


def test_printed_lines_are_read_back_with_their_margins(capsys):
    verify(RID, 2e-12, 1e-10, kind="claim", what="a | b")  # a '|' inside `what` must not confuse the reader
    verify_leq(RID, 0.5, 1.0, 1e-3, kind="reference")
    verify(RID, 0.0, 1e-10, kind="consistency")
    found = [(m.group(2), m.group(3), m.group(4), m.group(5)) for m in _LINE.finditer(capsys.readouterr().out)]
    assert found == [("claim", RID, "margin", "50"), ("reference", RID, "slack", "0.501"),
                     ("consistency", RID, "margin", "inf")]
    assert _margin_text(found, RID) == "tol/error 50; slack 0.5"  # consistency checks do not count
    assert _margin_text(found[2:], RID) == "—"


def _plain(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _text(path):
    return _plain(path.read_text(encoding="utf-8"))


def test_built_report_counts_statuses_and_fills_every_margin(book_html):
    page = book_html / "book" / "verification.html"
    text = _text(page)
    assert "MARGINOF(" not in text, "a margin placeholder was not replaced"
    reg = load_registry()
    checks = find_checks(p for p in toc_files() if p.exists())
    falsifiers = find_falsifiers(sorted((ROOT / "tests").glob("test_*.py")), root=ROOT)
    verified = [r.id for r in reg.results.values() if status(r, checks, falsifiers) == "verified"]
    rows = {}
    for row in re.findall(r"<tr.*?</tr>", page.read_text(encoding="utf-8"), re.S):
        first = re.search(r"<td[^>]*>(.*?)</td>", row, re.S)
        if first:
            rows[_plain(first.group(1))] = _plain(row)
    for rid in verified:  # a verified result shows the margin its claim/reference checks printed
        assert re.search(r"(tol/error|slack) -?[0-9.e+inf]+", rows.get(rid, "")), f"{rid}: no margin shown"
    total = re.search(r"all four papers\s+(\d+)\s+(\d+)", text)
    assert total, "summary row not found"
    assert int(total.group(1)) == len(reg.results) and int(total.group(2)) == len(verified)


@pytest.mark.parametrize("key", ["bmv", "hl", "aahw", "kt"])
def test_report_lists_every_result_of_each_paper(book_html, key):
    text = _text(book_html / "book" / "verification.html")
    missing = [r.id for r in load_registry().of_paper(key) if r.id not in text]
    assert not missing, f"results missing from the report: {missing}"
