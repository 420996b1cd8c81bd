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
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "install" not in c["metadata"].get("tags", [])]
    assert len(cells) == len(code_cells(page)), f"{rel}: the .ipynb download does not have the page's code cells"
    assert all(not c["outputs"] and c["execution_count"] is None for c in cells), f"{rel}: outputs not stripped"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_launch_buttons_open_files_in_the_repository_in_a_format_the_service_reads(book_html, page):
    rel = page.relative_to(ROOT)
    html = (book_html / rel.with_suffix(".html")).read_text(encoding="utf-8")
    binder = re.findall(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
    assert binder, f"{rel}: missing Binder launch button"
    for url in binder:
        target = urllib.parse.parse_qs(urllib.parse.urlparse(url.replace("&amp;", "&")).query)["urlpath"][0]
        interface, path = target.split("/tree/", 1)
        assert interface == "lab", f"{rel}: Binder should open JupyterLab (jupytext's notebook view), not {interface}"
        assert path == rel.as_posix(), f"{rel}: Binder opens {path}, not the page's own source"
        assert (ROOT / path).exists(), f"{rel}: Binder opens {path}, which is not in the repository"
    # Colab reads only .ipynb files from GitHub; the repository holds MyST .md sources, so a Colab
    # button would open nothing (book/intro.md gives the download-and-upload route instead)
    colab = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', html)
    assert all(url.endswith(".ipynb") and (ROOT / url.split("/blob/", 1)[1].split("/", 1)[1]).exists()
               for url in colab), f"{rel}: Colab button on a file Colab cannot open: {colab}"
