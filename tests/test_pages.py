"""Consistency of the book's pages: the toc, the notebooks' metadata, the widget-cell tags."""

import re

import pytest

from tests.pages import BOOK, ROOT, SKIP_TAGS, all_pages, code_cells, is_notebook, notebook_pages, toc_files

LIVE_WIDGET = re.compile(r"\bipywidgets\b|\binteract(ive)?\s*\(|\bwidgets\.")


def test_every_toc_entry_exists():
    missing = [str(p.relative_to(ROOT)) for p in toc_files() if not p.exists()]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_page_is_in_the_toc():
    # only toc files are built (only_build_toc_files); a page outside the toc would be tested but never published
    orphans = sorted(set(all_pages()) - set(toc_files()))
    assert not orphans, f"pages under book/ missing from _toc.yml: {[str(p.relative_to(ROOT)) for p in orphans]}"


@pytest.mark.parametrize("page", [p for p in all_pages() if is_notebook(p)], ids=lambda p: p.name)
def test_notebook_kernel_is_python3(page):
    from tests.pages import read_notebook

    assert read_notebook(page).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_live_widget_cells_are_skipped_by_build_and_nbval(page):
    bad = []
    for n, cell in enumerate(code_cells(page)):
        if LIVE_WIDGET.search(cell.source):
            tags = set(cell.metadata.get("tags", []))
            if not SKIP_TAGS <= tags:
                bad.append(f"code cell {n} (tags {sorted(tags)})")
    assert not bad, (
        f"{page.relative_to(ROOT)}: live widget cells need the tags {sorted(SKIP_TAGS)} "
        f"so that neither the book build nor nbval executes them: {bad}"
    )


def test_widget_detector_flags_widget_code():
    assert LIVE_WIDGET.search("import ipywidgets as widgets")
    assert LIVE_WIDGET.search("interact(f, x=(0, 1))")
    assert LIVE_WIDGET.search("s = widgets.FloatSlider()")
    assert not LIVE_WIDGET.search("fig, ax = plt.subplots()")


SUMMARY = re.compile(r"^# .+\n+(?:\*[^\n]+\*\n+)?:::\{admonition\} What you will learn\n:class: tip\n", re.M)


@pytest.mark.parametrize("page", toc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_page_opens_with_what_you_will_learn(page):
    # readers see a short summary right under the title (an optional italic subtitle may sit between)
    assert SUMMARY.search(page.read_text(encoding="utf-8")), (
        f"{page.relative_to(ROOT)}: put a ':::{{admonition}} What you will learn' box (class tip) right after the title")


CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # every control character but newline (tabs too)


def test_sources_hold_no_control_characters():
    # an unescaped "\t", "\a" or "\b" typed into a docstring's LaTeX (\tau, \alpha, \bar) becomes a
    # control character: the text shows "au", "lpha", "ar"; tabs are not the house style either
    assert CONTROL.search(":math:`\alpha`") and CONTROL.search("\tau") and not CONTROL.search(r"\alpha \tau")
    files = [*ROOT.joinpath("lib").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"), *all_pages(),
             *ROOT.joinpath("lib").rglob("*.toml"), ROOT / "references.bib", ROOT / "README.md"]
    bad = [f"{f.relative_to(ROOT)}:{n}" for f in files
           for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if CONTROL.search(line)]
    assert not bad, f"control characters (write \\\\tau, \\\\alpha, \\\\bar in non-raw strings): {bad}"


def test_the_first_page_says_where_each_chapter_starts():
    """book/intro.md (the page make lab opens) names each part's folder and first page, as _toc.yml orders them."""
    import yaml

    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc["parts"]:
        if not part.get("numbered"):
            continue
        first = part["chapters"][0]["file"]
        folder, page = first.rsplit("/", 1)
        row = f"| {part['caption']} | `{folder}/` | `{page}.md` |"
        assert row in intro, f"book/intro.md lacks the row {row!r}"


LIST_MARKER = re.compile(r"^ {0,3}([-+*]|\d+[.)])( |$)")


def list_markers_inside_inline_math(text: str) -> list[tuple[int, str]]:
    """Lines that start with a list marker (``+ ``, ``- ``, ``* ``, ``1. ``) while an inline ``$...$``
    opened on an earlier line of the same paragraph is still open: Markdown starts a list there and the
    formula breaks (on the website and in Jupyter). Code blocks and ``$$`` displays are skipped."""
    found, open_math, fence, display = [], False, None, False
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if fence:  # inside a code block or a code cell
            if stripped == fence:
                fence = None
            continue
        m = re.match(r"^(`{3,}|~{3,})(\{code-cell\}|[^{]*$)", stripped)
        if m and not display:
            fence, open_math = m.group(1), False
            continue
        if stripped.startswith("$$") or (display and stripped.endswith("$$")):
            display = not display if stripped.count("$$") == 1 else display
            open_math = False
            continue
        if display:
            continue
        if not stripped or re.match(r"^(`{3,}|:{3,})", stripped):  # a blank line or a directive's fence
            open_math = False
            continue
        if open_math and LIST_MARKER.match(line):
            found.append((n, line))
        open_math ^= (len(re.findall(r"(?<!\\)\$", line.replace("$$", ""))) % 2 == 1)
    return found


def test_no_line_inside_inline_math_starts_a_list():
    bad = [(p.relative_to(ROOT), n, line) for p in all_pages()
           for n, line in list_markers_inside_inline_math(p.read_text(encoding="utf-8"))]
    assert not bad, f"a line inside $...$ starts with a list marker (move the operator to the line before): {bad}"
    assert list_markers_inside_inline_math("text $a\n+ b$ more") == [(2, "+ b$ more")]  # the check can fail
    assert list_markers_inside_inline_math("text $a$\n+ an item") == []


MATH_ROLE = re.compile(r"\{(eq|ref|prf:ref|numref|doc|cite|cite:t|cite:p|glue:text|glue)\}`")


def roles_inside_math(text: str) -> list[str]:
    """Roles written inside mathematics (``$$ ... \\text{see {eq}`x`} $$``): MyST does not parse roles in math,
    so the website and JupyterLab show them as typed. Display math ``$$...$$`` and inline ``$...$`` on one line."""
    found = [m.group(0) for m in re.finditer(r"\$\$(.*?)\$\$", text, re.S) if MATH_ROLE.search(m.group(1))]
    rest = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    found += [m.group(0) for line in rest.split("\n")
              for m in re.finditer(r"(?<![\\$])\$([^$\n]+)\$", line) if MATH_ROLE.search(m.group(1))]
    return found


def test_no_role_is_written_inside_mathematics():
    bad = [(p.relative_to(ROOT), m[:80]) for p in all_pages() for m in roles_inside_math(p.read_text(encoding="utf-8"))]
    assert not bad, f"a role inside math is shown as typed (move it out of the formula): {bad}"
    assert roles_inside_math("$$\na \\text{by {eq}`x`}\n$$ (y)") != []  # the check can fail
    assert roles_inside_math("$a$ by {eq}`x` and $b$") == []


def unlabelled_results(text: str) -> list[str]:
    """The sphinx-proof directives (other than proofs) without a ``:label:``: sphinx-proof labels them
    ``<kind>-<n>`` per page, and two pages with an unlabelled remark collide ("duplicate remark label
    'remark-0'"), a warning that fails the strict build."""
    found, lines = [], text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^(`{3,}|:{3,})\{prf:(?P<kind>[a-z]+)\}", line)
        if not m or m["kind"] == "proof":
            continue
        options = []
        for nxt in lines[i + 1:]:
            if not nxt.startswith(":"):
                break
            options.append(nxt)
        if not any(o.startswith(":label:") for o in options):
            found.append(line)
    return found


def test_every_result_directive_has_a_label():
    bad = [(p.relative_to(ROOT), line) for p in all_pages() for line in unlabelled_results(p.read_text(encoding="utf-8"))]
    assert not bad, f"a result without :label: (sphinx-proof's automatic labels collide across pages): {bad}"
    assert unlabelled_results("```{prf:remark} R\nText\n```") == ["```{prf:remark} R"]  # the check can fail
    assert unlabelled_results("```{prf:remark} R\n:label: x\nText\n```\n```{prf:proof}\nP\n```") == []
