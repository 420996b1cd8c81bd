"""The book's pages, as the tests see them: where they are, which are in the toc, their cells."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jupytext
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NBVAL_DIR = ROOT / "_build" / "nbval"  # converted notebooks (ignored by git)

SKIP_TAGS = {"skip-execution", "nbval-skip"}  # myst-nb skips the first, nbval the second


def all_pages() -> list[Path]:
    """Every markdown file under book/ (not in hidden folders such as JupyterLab's .ipynb_checkpoints)."""
    return sorted(p for p in BOOK.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(BOOK).parts))


def toc_files() -> list[Path]:
    """The files listed in _toc.yml (root first), as paths with their .md suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [ROOT / (f if f.endswith(".md") else f + ".md") for f in files]


def is_notebook(page: Path) -> bool:
    """A MyST notebook: jupytext front matter with a kernelspec."""
    text = page.read_text(encoding="utf-8")
    return text.startswith("---") and "jupytext:" in text.split("\n---", 2)[0] and "kernelspec:" in text


@cache
def read_notebook(page: Path):
    return jupytext.read(page)


def code_cells(page: Path):
    return [c for c in read_notebook(page).cells if c.cell_type == "code"]


def notebook_pages() -> list[Path]:
    """Pages that are notebooks with at least one code cell: the ones the nbval harness executes."""
    return [p for p in all_pages() if is_notebook(p) and code_cells(p)]


def convert(page: Path) -> Path:
    """Write the page as .ipynb under _build/nbval/ (same relative path) and return that path."""
    target = NBVAL_DIR / page.relative_to(ROOT).with_suffix(".ipynb")
    if not target.exists() or target.stat().st_mtime < page.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(read_notebook(page), target, fmt="ipynb")
    return target


DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{(exercise|solution)\}\s*(.*?)\n(.*?)^\1\s*$", re.S | re.M)
GATED = re.compile(r"^(`{3,}|:{3,})\{solution-start\}\s*(.*?)\n.*?^\1\s*$(.*?)^(`{3,}|:{3,})\{solution-end\}", re.S | re.M)


def directives(kind: str) -> list[tuple[Path, str, str]]:
    """(page, argument, body) of every ``{exercise}`` or ``{solution}`` directive of the toc's pages; for
    solutions, the gated ones too (``{solution-start}`` ... ``{solution-end}``, code cells included)."""
    found = []
    for page in toc_files():
        text = page.read_text(encoding="utf-8")
        for m in DIRECTIVE.finditer(text):
            if m.group(2) == kind:
                found.append((page, m.group(3).strip(), m.group(4)))
        if kind == "solution":
            found += [(page, m.group(2).strip(), m.group(3)) for m in GATED.finditer(text)]
    return found
