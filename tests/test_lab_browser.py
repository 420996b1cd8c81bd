"""The pages in a real JupyterLab: headless Chromium opens every notebook page in the lab that ``make lab`` and
Binder start (the configuration ``.binder/postBuild`` installs: jupytext's notebook view, the book's contents
manager, jupyterlab-myst) and reads the rendered markdown.

A page fails if its rendered markdown shows raw MyST (a directive fence, an option line, a role), if a result
or proof shows LaTeX that was not typeset, if a reference or citation is left unresolved, or if a glued number
is shown as its name. Screenshots of a rendered result and a proof go to ``_build/screenshots/lab-*.png``.
"""

import functools
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import jupytext
import pytest

from commitment.lab import load_context, to_lab
from tests.pages import ROOT, toc_files
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS

pytestmark = [pytest.mark.browser]

PAGES = [p.relative_to(ROOT).as_posix() for p in toc_files() if p.suffix == ".md"]
# CI's newest-versions lane (.ci/lane) opens one page of each kind (about 10 s a page on the 2-core machine;
# the main run opens them all): the three pages the issue counted raw markers on, a model page, the methods page
if os.environ.get("COMMITMENT_LANE") == "newest":
    PAGES = [p for p in PAGES if p in ("book/debt_maturity/planner.md", "book/self_enforcing_debt/roll_over.md",
                                       "book/fire_sales/tables.md", "book/secondary_markets/model.md",
                                       "book/numerical_methods.md")]
# raw MyST in rendered text: what a reader would see if the renderer or the bridge missed something
RAW = [
    ("a directive fence", re.compile(r"(`{3,}|:{3,})\{[\w:-]+\}")),
    ("an option line", re.compile(r"(?m)^\s*:(label|class|enumerated|nonumber|name):")),
    ("a role", re.compile(r"\{(eq|ref|prf:ref|numref|doc|cite|cite:t|cite:p|glue:text|glue|eval|math)\}")),
    ("a label target", re.compile(r"(?m)^\([\w:.-]+\)=\s*$")),
    ("the bridge's kept lines", re.compile(r"commitment-lab")),
    ("a glued value not shown", re.compile(r"run the page's code cells|glue_text\(")),
]
# LaTeX left as text: a backslash command or a $ delimiter outside typeset mathematics
UNTYPESET = re.compile(r"\\[a-zA-Z]{2,}|\$[^$\s][^$]*\$")


@functools.cache
def _website_labels():
    """The website's numbers of labels (written by the build the ``lab`` fixture waits for)."""
    return json.loads((ROOT / "_build" / "lab-context.json").read_text(encoding="utf-8"))["labels"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(book_html, chromium, tmp_path_factory):
    """JupyterLab on the checkout, configured as postBuild configures it (in a prefix of its own, so that the
    test sees the repository's configuration, not whatever an earlier install left); yields its URL."""
    prefix = tmp_path_factory.mktemp("lab-prefix")
    subprocess.run(["bash", str(ROOT / ".binder" / "postBuild")], check=True, cwd=ROOT,
                   env={**os.environ, "NB_PYTHON_PREFIX": str(prefix), "COMMITMENT_BUILD_SITE": "0"})
    # the test reads every cell: no windowing (JupyterLab attaches only the visible cells by default)
    user_settings = tmp_path_factory.mktemp("lab-user-settings")
    tracker = user_settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), "commitment-lab-test"
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter"),
           "JUPYTER_CONFIG_DIR": str(tmp_path_factory.mktemp("lab-config")),
           "JUPYTERLAB_SETTINGS_DIR": str(user_settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("lab-workspaces"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={ROOT}",
         f"--LabApp.app_settings_dir={prefix / 'share' / 'jupyter' / 'lab' / 'settings'}",
         "--ServerApp.open_browser=False", "--allow-root",
         # the checkpoints JupyterLab makes when it opens a file: outside the checkout
         f"--FileCheckpoints.checkpoint_dir={tmp_path_factory.mktemp('lab-checkpoints')}"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not answer within 120 s")
    yield url, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def lab_browser(lab, chromium):
    return chromium


def _open(lab, lab_browser, page_path):
    url, token = lab
    page = lab_browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{url}/lab/tree/{page_path}?token={token}&reset", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=120_000)
    # every markdown cell rendered by jupyterlab-myst (its output is a widget of class "myst"; mathematics is
    # typeset by KaTeX as it renders)
    page.wait_for_function("""() => {
        const cells = [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')];
        return cells.length > 0 && cells.every(c => c.querySelector('.myst'));
    }""", timeout=120_000)
    page.wait_for_timeout(1000)
    return page


def _rendered(page):
    """Per markdown cell: its text without typeset mathematics, the texts of its result, proof and admonition
    blocks, the references and citations the renderer could not resolve, and KaTeX's errors."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')].map(cell => {
        const out = cell.querySelector('.myst');
        const copy = out.cloneNode(true);
        copy.querySelectorAll('.katex, .katex-display, script, style').forEach(n => n.remove());
        return {
            text: copy.innerText,
            full: out.innerText,
            blocks: [...copy.querySelectorAll('aside.myst-proof, aside.myst-admonition')].map(b => b.innerText),
            unresolved: [...out.querySelectorAll('[title$="Not Found"]')].map(e => e.title + ': ' + e.innerText),
            katex_errors: [...out.querySelectorAll('.katex-error')].map(e => e.title || e.innerText),
            numbered: [...out.querySelectorAll('aside.myst-proof[id], aside[id].myst-exercise')].map(a =>
                [a.id, (a.querySelector('.myst-proof-title, [class*="title"]') || a).innerText]),
        };
    })""")


@pytest.mark.site
@pytest.mark.parametrize("page_path", PAGES)
def test_a_page_in_jupyterlab_shows_no_raw_myst_and_typesets_its_mathematics(lab, lab_browser, page_path):
    page = _open(lab, lab_browser, page_path)
    try:
        cells = _rendered(page)
        problems = []
        for k, cell in enumerate(cells):
            for what, rx in RAW:
                for m in rx.finditer(cell["text"]):
                    problems.append(f"cell {k}: {what}: {m.group(0)!r}")
            for block in cell["blocks"]:
                for m in UNTYPESET.finditer(block):
                    problems.append(f"cell {k}: untypeset LaTeX in a block: {m.group(0)!r}")
            problems += [f"cell {k}: unresolved {u!r}" for u in cell["unresolved"]]
            for label, title in cell["numbered"]:  # the website's number, e.g. Lemma 15.1
                website = _website_labels().get(label.lower(), ("",))[0]
                if website and not title.startswith(website):
                    problems.append(f"cell {k}: {label} is titled {title[:40]!r}, the website says {website!r}")
            problems += [f"cell {k}: KaTeX error {e[:120]!r}" for e in cell["katex_errors"]]
        # every glued number shown with its value (stored from the website's build until the cell runs)
        shown = re.sub(r"\s+", "", "".join(c["full"] for c in cells)).replace("\u2212", "-")
        for value in _glued_values(page_path):
            if re.sub(r"\s+", "", value).replace("\u2212", "-") not in shown:
                problems.append(f"a glued value is not shown: {value!r}")
        assert not problems, problems[:15]
    finally:
        page.close()


def _glued_values(page_path):
    """The texts of the page's glued numbers, as the website shows them."""
    ctx = load_context(ROOT, page_path[: -len(".md")])
    expressions = []
    for cell in jupytext.read(ROOT / page_path, fmt="md:myst").cells:
        if cell.cell_type == "markdown":
            to_lab(cell.source, ctx, expressions)
    return [e["result"]["data"]["text/plain"] for e in expressions]


@pytest.mark.site
def test_screenshots_of_a_result_and_a_proof_in_jupyterlab(lab, lab_browser):
    page = _open(lab, lab_browser, "book/debt_maturity/planner.md")
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = 0
        title = page.locator(".myst-proof-title")
        for kind, name in ((r"^Lemma \d+\.\d+", "lab-result.png"), (r"^Proof", "lab-proof.png")):
            block = page.locator("aside.myst-proof").filter(has=title.filter(has_text=re.compile(kind))).first
            block.scroll_into_view_if_needed()
            block.screenshot(path=str(SHOTS / name))
            shot += 1
        assert shot == 2
    finally:
        page.close()
