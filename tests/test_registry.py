"""The registry of results and the checks in the pages agree (see commitment.registry)."""

import textwrap

import pytest

from commitment.registry import (PAPERS, code_cells, find_checks, get_result, load_registry,
                                 parse_registry, UnknownResultError)
from tests.pages import ROOT, toc_files

REG = load_registry()
PAGES = [p for p in toc_files() if p.exists()]
CHECKS = find_checks(PAGES)


def where(chk):
    return f"{chk.page.relative_to(ROOT)} (code cell {chk.cell}, line {chk.line})"


def test_registry_lists_every_paper_with_results():
    for key in PAPERS:
        assert REG.of_paper(key), f"no results registered for paper {key}"


def test_every_check_names_a_registered_result_literally():
    bad = [f"{where(c)}: {c.function}(...) first argument is not a string literal" for c in CHECKS if c.result_id is None]
    bad += [f"{where(c)}: unknown result id {c.result_id!r}" for c in CHECKS
            if c.result_id is not None and c.result_id not in REG.results]
    assert not bad, "\n".join(bad)


def test_every_numerical_result_is_checked_in_a_page():
    checked = {c.result_id for c in CHECKS}
    unchecked = [r.id for r in REG.results.values() if r.treatment == "numerical" and r.id not in checked]
    assert not unchecked, f"results marked numerical with no check in any page of the toc: {unchecked}"


def test_checked_results_are_marked_numerical():
    wrong = sorted({f"{c.result_id} ({REG.results[c.result_id].treatment})" for c in CHECKS
                    if c.result_id in REG.results and REG.results[c.result_id].treatment != "numerical"})
    assert not wrong, f"results checked in a page but not marked numerical in the registry: {wrong}"


def test_get_result_refuses_unknown_ids():
    with pytest.raises(UnknownResultError, match="hl-theorem-99"):
        get_result("hl-theorem-99")


HEADER = textwrap.dedent("""
    [papers.bmv]
    authors = "A"
    title = "T"
    citekey = "a"
    chapter = "a"
    [papers.hl]
    authors = "B"
    title = "T"
    citekey = "b"
    chapter = "b"
    [papers.aahw]
    authors = "C"
    title = "T"
    citekey = "c"
    chapter = "c"
    [papers.kt]
    authors = "D"
    title = "T"
    citekey = "d"
    chapter = "d"
""")


def entry(id_="hl-theorem-1", paper="hl", treatment="numerical", reason="", statement="S"):
    return textwrap.dedent(f"""
        [[result]]
        id = "{id_}"
        paper = "{paper}"
        label = "Theorem 1"
        section = "2"
        statement = "{statement}"
        treatment = "{treatment}"
        plan = "p"
        reason = "{reason}"
    """)


@pytest.mark.parametrize(
    "body, message",
    [
        (entry() + entry(), "duplicate id"),
        (entry(id_="hl_theorem_1"), "malformed id"),
        (entry(paper="kt"), "does not match"),
        (entry(treatment="checked"), "treatment"),
        (entry(treatment="analytical"), "needs a reason"),
        (entry(statement=""), "one non-empty line"),
    ],
)
def test_parse_registry_rejects_schema_violations(body, message):
    with pytest.raises(ValueError, match=message):
        parse_registry(HEADER + body)


def test_parse_registry_accepts_a_valid_entry():
    reg = parse_registry(HEADER + entry() + entry(id_="hl-lemma-2", treatment="analytical", reason="proof only"))
    assert list(reg.results) == ["hl-theorem-1", "hl-lemma-2"]


PAGE = textwrap.dedent('''
    # A page

    ```{code-cell} ipython3
    :tags: [hide-input]
    %time x = 1
    verify("hl-theorem-1", x - 1, 1e-10, what="x")
    ```

    ````{code-cell} ipython3
    ---
    tags: [remove-input]
    ---
    from commitment import verify_close, verify_ordered
    rid = "hl-lemma-1"
    verify_close(rid, 1.0, 1.0, tol=TOL)
    verify_ordered("hl-claim-interest-rate-ladder", [1, 2])
    ````

    ```python
    verify("not-a-cell", 1, 1)
    ```
''')


def test_find_checks_reads_ids_and_tolerances(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    assert len(code_cells(PAGE)) == 2
    got = [(c.result_id, c.function, c.tol, c.cell) for c in find_checks([page])]
    assert got == [
        ("hl-theorem-1", "verify", "1e-10", 0),
        (None, "verify_close", "TOL", 1),
        ("hl-claim-interest-rate-ladder", "verify_ordered", "0", 1),
    ]
