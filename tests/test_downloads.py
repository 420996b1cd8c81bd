"""Downloads and launch buttons of the built site point at files that exist."""

import json
import re
import urllib.parse

import pytest

from tests.pages import ROOT, code_cells, is_notebook, toc_files

pytestmark = pytest.mark.browser  # needs the built site

NOTEBOOK_PAGES = [p for p in toc_files() if is_notebook(p) and code_cells(p)]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_offers_md_and_clean_ipynb_downloads(book_html, page):
    rel = page.relative_to(ROOT)
    html = (book_html / rel.with_suffix(".html")).read_text(encoding="utf-8")
    for suffix in (".md", ".ipynb"):
        link = f"_sources/{rel.with_suffix(suffix).as_posix()}"
        assert link in html, f"{rel}: no download link to {link}"
        assert (book_html / link).exists(), f"{rel}: {link} is linked but missing"
    nb = json.loads((book_html / "_sources" / rel.with_suffix(".ipynb")).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) == len(code_cells(page)), f"{rel}: the .ipynb download does not have the page's code cells"
    assert all(not c["outputs"] and c["execution_count"] is None for c in cells), f"{rel}: outputs not stripped"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_launch_buttons_point_at_files_in_the_repository(book_html, page):
    rel = page.relative_to(ROOT)
    html = (book_html / rel.with_suffix(".html")).read_text(encoding="utf-8")
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html)
    assert binder and colab, f"{rel}: missing Binder or Colab launch button"
    for url in binder:
        target = urllib.parse.parse_qs(urllib.parse.urlparse(url.replace("&amp;", "&")).query)["urlpath"][0]
        path = target.split("tree/", 1)[1]
        assert (ROOT / path).exists(), f"{rel}: Binder opens {path}, which is not in the repository"
    for url in colab:
        path = url.split("/blob/", 1)[1].split("/", 1)[1]
        assert (ROOT / path).exists(), f"{rel}: Colab opens {path}, which is not in the repository"
