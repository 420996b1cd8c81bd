"""The website in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is built once per test session (``jupyter-book build``, reusing the execution cache) and
served from ``_build/html`` on a loopback port. For every page of the toc: no uncaught script error and
no console error from the page's own scripts, no failed request to the site, MathJax has rendered
(no raw ``$$`` or ``\\begin{`` left in the visible text), every image has loaded with a non-zero size,
every internal link resolves (page and anchor), no figure is shrunk so much that its labels become
unreadable on a laptop screen, long text outputs scroll inside a box of bounded
height, and there is a link to the next page. Every kernel-free explorer changes its figure when any
of its sliders moves. Screenshots (each page's top, its first figure, each explorer) go to
``_build/screenshots/`` (ignored by git).

Without Chromium these tests are skipped with a message, unless ``COMMITMENT_REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs Chromium), in which case they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socketserver
import threading
import urllib.parse
from pathlib import Path

import pytest

from tests.pages import ROOT, toc_files

pytestmark = pytest.mark.browser

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAGES = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in toc_files()]
MIN_FIGURE_SCALE = 0.7  # at 1366 px, the text column is ~740 px wide: figures up to ~1050 px (10.5 in)
MAX_OUTPUT_PX = 600  # a text output box taller than this must scroll (commitment.css caps it at 30em)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(book_html, chromium):
    """Serve the built book on 127.0.0.1; yields the base URL (skipped without Chromium: the fixture)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=book_html))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(site, chromium):
    return chromium


class LoadedPage:
    """A page opened in the browser, with what went wrong while it loaded."""

    def __init__(self, browser, base, path):
        self.url = urllib.parse.urljoin(base, path)
        self.base = base
        self.page = browser.new_page(viewport={"width": 1366, "height": 850})
        self.problems = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught script error: {exc}"))
        self.page.on("console", self._console)
        self.page.on("requestfailed", lambda r: self._request(r.url, r.failure))
        self.page.on("response", lambda r: r.status >= 400 and self._request(r.url, f"HTTP {r.status}"))
        self.page.goto(self.url, wait_until="load")
        # MathJax 3 (served from _static by sphinx-mathjax-offline) typesets after load
        self.page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
        self.page.evaluate("() => window.MathJax ? MathJax.startup.promise.then(() => true) : true")

    def _console(self, msg):
        # errors from the page's own (inline) scripts; the theme's third-party scripts log elsewhere
        if msg.type == "error" and msg.location.get("url", "").split("#")[0] == self.url:
            self.problems.append(f"console error from the page's script: {msg.text}")

    def _request(self, url, why):
        if url.startswith(self.base) and not url.endswith("/favicon.ico"):
            self.problems.append(f"request to the site failed ({why}): {url}")

    def close(self):
        self.page.close()


@pytest.fixture(scope="session")
def anchors():
    """ids defined in each built page (cached), to check links with a #fragment."""
    cache = {}

    def ids(path: Path):
        if path not in cache:
            cache[path] = set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))
        return cache[path]

    return ids


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(browser, site, anchors, path):
    lp = LoadedPage(browser, site, path)
    try:
        page = lp.page
        visible = page.evaluate("""() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
            return main.innerText;
        }""")
        raw = [m for m in ("$$", "\\begin{", "\\frac") if m in visible]
        assert not raw, f"{path}: unrendered math left in the visible text: {raw}"
        broken = page.evaluate("""() => Array.from(document.querySelectorAll('main img'))
            .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
            .map(img => img.src.slice(0, 80))""")
        assert not broken, f"{path}: images that did not load: {broken}"
        links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        bad_links = []
        for href in sorted(set(links)):
            if not href.startswith(site):
                continue
            target, _, fragment = href.partition("#")
            rel = urllib.parse.unquote(target[len(site):]) or "index.html"
            file = HTML / rel
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                bad_links.append(f"{href} (no such file)")
            elif fragment and file.suffix == ".html" and urllib.parse.unquote(fragment) not in anchors(file):
                bad_links.append(f"{href} (no such anchor)")
        assert not bad_links, f"{path}: internal links that do not resolve: {bad_links}"
        # a figure much wider than the text column is shrunk, and its labels with it
        shrunk = page.evaluate(f"""() => Array.from(document.querySelectorAll('main div.cell_output img'))
            .filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width < {MIN_FIGURE_SCALE} * img.naturalWidth)
            .map(img => img.naturalWidth + ' px shown at ' + Math.round(img.getBoundingClientRect().width) + ' px')""")
        assert not shrunk, f"{path}: figures shrunk below {MIN_FIGURE_SCALE:.0%} (labels too small on a laptop): {shrunk}"
        tall = page.evaluate(f"""() => Array.from(document.querySelectorAll('div.cell_output pre'))
            .filter(pre => pre.getBoundingClientRect().height > {MAX_OUTPUT_PX})
            .map(pre => pre.innerText.slice(0, 60))""")
        assert not tall, f"{path}: text outputs taller than {MAX_OUTPUT_PX} px (not scrolled): {tall}"
        assert not lp.problems, f"{path}: " + "; ".join(lp.problems)
        if path != PAGES[-1]:
            assert page.query_selector("a.right-next"), f"{path}: no link to the next page"
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = path.replace("/", "__").removesuffix(".html")
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        figure = page.query_selector("div.cell_output img")
        if figure:  # the page's first figure as a reader sees it, to judge its size and legibility
            figure.scroll_into_view_if_needed()
            figure.screenshot(path=str(SHOTS / f"{name}__figure0.png"))
    finally:
        lp.close()


def _explorer_pages():
    """Pages whose source builds a kernel-free explorer (known before the site is built)."""
    return [p.relative_to(ROOT).with_suffix(".html").as_posix()
            for p in toc_files() if "static_explorer(" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", _explorer_pages())
def test_static_explorers_respond_to_their_sliders(browser, site, path):
    lp = LoadedPage(browser, site, path)
    try:
        explorers = lp.page.query_selector_all(".commitment-explorer")
        assert explorers, f"{path}: the page calls static_explorer but shows no explorer"
        for k, explorer in enumerate(explorers):
            explorer.scroll_into_view_if_needed()
            SHOTS.mkdir(parents=True, exist_ok=True)
            explorer.screenshot(path=str(SHOTS / f"{path.replace('/', '__').removesuffix('.html')}__explorer{k}.png"))
            sliders = explorer.query_selector_all("input[type=range]")
            assert sliders, f"{path}: explorer {k} has no slider"
            for n, slider in enumerate(sliders):
                before = explorer.eval_on_selector("img", "img => img.src")
                high = int(slider.get_attribute("max"))
                if high == 0:
                    continue  # a single value: nothing to move
                current = int(slider.input_value())
                new = 0 if current == high else high
                slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(new))
                after = explorer.eval_on_selector("img", "img => img.src")
                assert after != before, f"{path}: explorer {k}: moving slider {n} did not change the figure"
                slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(current))
        assert not lp.problems, f"{path}: " + "; ".join(lp.problems)
    finally:
        lp.close()
