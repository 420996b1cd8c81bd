"""The registry of results and the checks in the pages agree (see commitment.registry)."""

import importlib
import subprocess
import textwrap
import tomllib

import pytest

from commitment.registry import (FALSIFIER_HOWS, KINDS, PAPERS, code_cells, find_checks, find_falsifiers,
                                 get_result, load_registry, parse_registry, status, UnknownResultError)
from tests.pages import ROOT, toc_files

REG = load_registry()
PAGES = [p for p in toc_files() if p.exists()]
CHECKS = find_checks(PAGES)
TEST_FILES = sorted((ROOT / "tests").glob("test_*.py"))
FALSIFIERS = find_falsifiers(TEST_FILES, root=ROOT)
STATUS = {r.id: status(r, CHECKS, FALSIFIERS) for r in REG.results.values()}


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
    verify("hl-theorem-1", x - 1, 1e-10, what="x", kind="claim")
    ```

    ````{code-cell} ipython3
    ---
    tags: [remove-input]
    ---
    from commitment import verify_close, verify_ordered
    rid = "hl-lemma-1"
    verify_close(rid, 1.0, 1.0, tol=TOL, kind=KIND)
    verify_ordered("hl-claim-interest-rate-ladder", [1, 2], kind="consistency")
    ````

    ```python
    verify("not-a-cell", 1, 1)
    ```
''')


def test_find_checks_reads_ids_and_tolerances(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    assert len(code_cells(PAGE)) == 2
    got = [(c.result_id, c.function, c.tol, c.kind, c.cell) for c in find_checks([page])]
    assert got == [
        ("hl-theorem-1", "verify", "1e-10", "claim", 0),
        (None, "verify_close", "TOL", None, 1),
        ("hl-claim-interest-rate-ladder", "verify_ordered", "0", "consistency", 1),
    ]


# ---------------------------------------------------------------- kinds, falsifiers, statuses, the ratchet

def test_every_check_states_its_kind_literally():
    bad = [f"{where(c)}: {c.function}(...) has no literal kind= among {KINDS}" for c in CHECKS if c.kind not in KINDS]
    assert not bad, "\n".join(bad)


def test_every_falsifier_is_well_formed():
    bad = []
    for f in FALSIFIERS:
        if f.result_id not in REG.results:
            bad.append(f"{f.test}: falsifies unknown result {f.result_id!r}")
        if f.how not in FALSIFIER_HOWS:
            bad.append(f"{f.test}: how={f.how!r}, admissible {FALSIFIER_HOWS}")
        if not f.calls_assert_falsified:
            bad.append(f"{f.test}: a falsifier must call assert_falsified")
    assert not bad, "\n".join(bad)


def test_status_rules(tmp_path):
    r = REG.results["hl-theorem-1"]
    page = tmp_path / "p.md"

    def checks(*kinds):
        cells = "".join(f'```{{code-cell}} ipython3\nverify("hl-theorem-1", 0, 1, kind="{k}")\n```\n' for k in kinds)
        page.write_text(cells)
        return find_checks([page])

    test = tmp_path / "test_x.py"
    test.write_text('import pytest\n@pytest.mark.falsifies("hl-theorem-1", how="violation")\n'
                    'def test_f():\n    assert_falsified(verify, "hl-theorem-1", 1, 0.1, kind="claim")\n')
    fals = find_falsifiers([test])
    assert fals[0].how == "violation" and fals[0].calls_assert_falsified and "verify" in fals[0].names
    assert status(r, checks(), fals) == "not checked"
    assert status(r, checks("consistency"), fals) == "consistency only"
    assert status(r, checks("consistency", "claim"), []) == "partly checked"
    assert status(r, checks("reference"), fals) == "verified"


def test_verified_results_name_their_claim_function_and_use_it():
    """One hop from a verified result's id to its code: the registry's `claim` is an importable function,
    called by a page that checks the result and by one of its falsifiers."""
    bad = []
    pages_of = {}
    for c in CHECKS:
        pages_of.setdefault(c.result_id, set()).add(c.page)
    for rid, st in STATUS.items():
        if st != "verified":
            continue
        claim = REG.results[rid].claim
        if not claim:
            bad.append(f"{rid}: verified but the registry names no `claim` function")
            continue
        module, _, name = claim.rpartition(".")
        try:
            fn = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as err:
            bad.append(f"{rid}: claim {claim} cannot be imported ({err})")
            continue
        if not callable(fn):
            bad.append(f"{rid}: claim {claim} is not callable")
        if not any(f"{name}(" in p.read_text(encoding="utf-8") for p in pages_of[rid]):
            bad.append(f"{rid}: no page that checks it calls {name}()")
        if not any(f.result_id == rid and name in f.names for f in FALSIFIERS):
            bad.append(f"{rid}: no falsifier calls {name}")
    assert not bad, "\n".join(bad)


def test_unverified_numerical_results_are_on_the_allowance_list():
    missing = [rid for rid, st in STATUS.items()
               if REG.results[rid].treatment == "numerical" and st != "verified" and rid not in REG.allowance]
    assert not missing, (f"numerical results without a claim/reference check and a falsifier: {missing}; "
                         "verify them (a new result cannot join the allowance list)")


def test_verified_results_leave_the_allowance_list():
    stale = [rid for rid in REG.allowance if STATUS[rid] == "verified"]
    assert not stale, f"verified results still on the allowance list (remove them): {stale}"


# The allowance list when it was introduced (issue "checks that can fail"): it may only shrink from here.
ALLOWANCE_BASELINE = frozenset({
    "aahw-claim-long-bond-trading-loss",
    "aahw-claim-restructuring",
    "aahw-claim-steady-state",
    "aahw-claim-yield-curve",
    "aahw-corollary-1",
    "aahw-lemma-1",
    "aahw-lemma-2",
    "aahw-lemma-4",
    "aahw-lemma-5",
    "aahw-ours-default-distribution",
    "aahw-ours-solver-accuracy",
    "aahw-proposition-1",
    "aahw-proposition-3",
    "bmv-footnote-12",
    "bmv-footnote-13",
    "bmv-footnote-15",
    "bmv-footnote-16",
    "bmv-footnote-5",
    "bmv-footnote-8",
    "bmv-r0",
    "bmv-r10",
    "bmv-r11",
    "bmv-r12",
    "bmv-r13",
    "bmv-r4",
    "bmv-r5",
    "bmv-r7",
    "bmv-r8",
    "bmv-r9",
    "hl-claim-aj-vs-hl",
    "hl-claim-appc-transition",
    "hl-claim-bubble-infinite-pv",
    "hl-claim-bulow-rogoff-unravelling",
    "hl-claim-debt-collapse",
    "hl-claim-expanding-limits",
    "hl-claim-growth-irrelevance",
    "hl-claim-interest-rate-ladder",
    "hl-claim-perron-condition",
    "hl-claim-se-price-condition",
    "hl-lemma-2",
    "hl-lemma-3",
    "hl-lemma-8",
    "hl-proposition-1",
    "hl-proposition-2",
    "hl-proposition-3",
    "hl-proposition-4",
    "hl-proposition-5",
    "hl-theorem-2",
    "kt-claim-active-exchanges",
    "kt-claim-env1-price-smoothing",
    "kt-claim-env1-redistribution",
    "kt-claim-figure-1",
    "kt-claim-gei-homothetic-no-externality",
    "kt-claim-incomplete-markets-inefficiency",
    "kt-claim-market-fundamental",
    "kt-claim-public-finance",
    "kt-claim-rights-clearing",
    "kt-claim-table-1",
    "kt-claim-table-2",
    "kt-claim-table-3",
    "kt-claim-table-4",
    "kt-claim-table-5",
    "kt-footnote-16",
    "kt-proposition-2",
    "kt-theorem-3",
})


def test_allowance_list_only_shrinks():
    added = sorted(set(REG.allowance) - ALLOWANCE_BASELINE)
    assert not added, f"ids added to the allowance list (it may only shrink): {added}"


def _allowance_at(commit):
    shown = subprocess.run(["git", "show", f"{commit}:lib/commitment/data/results.toml"], cwd=ROOT,
                           capture_output=True, text=True)
    if shown.returncode != 0:
        return None
    data = tomllib.loads(shown.stdout)
    return set(data["allowance"]) if "allowance" in data else None


def test_allowance_entries_are_never_added_back():
    """Across the committed history of the registry (and the working tree), an id that left the allowance
    list never returns to it."""
    log = subprocess.run(["git", "log", "--format=%H", "--reverse", "--", "lib/commitment/data/results.toml"],
                         cwd=ROOT, capture_output=True, text=True)
    if log.returncode != 0:
        pytest.skip("not a git checkout: the history of the allowance list cannot be read")
    history = [a for a in map(_allowance_at, log.stdout.split()) if a is not None] + [set(REG.allowance)]
    bad = _added_back(history)
    assert not bad, "\n".join(bad)


def _added_back(history):
    left, bad = set(), []
    for step, (before, after) in enumerate(zip(history, history[1:]), 1):
        left |= before - after
        if after & left:
            bad.append(f"version {step} of the registry adds back {sorted(after & left)}")
    return bad


def test_added_back_detects_a_returning_entry():
    assert _added_back([{"a", "b"}, {"a"}, {"a"}]) == []
    assert _added_back([{"a", "b"}, {"a"}, set(), {"b"}]) == ["version 3 of the registry adds back ['b']"]
