"""Building the book: the main site, and the student edition (every solution removed, not collapsed).

``python -m commitment.editions book`` builds the main site strictly into ``_build/html``. The execution
cache (``_build/.jupyter_cache``) and Sphinx's doctrees know only the pages' own code, not the
library's, so a page whose code did not change would keep outputs computed by an older ``commitment``
(or older numpy, scipy, ...): before building, both are dropped whenever the library's sources or the
installed packages changed since they were filled (:func:`drop_stale_executions`). MyST-NB's reports of
failed executions (``_build/html/reports``) are dropped before each build, so that those left are this
build's. The pages without a cached execution are then executed in parallel, one process per core
(:func:`execute_pages`), and stored in the cache as MyST-NB would store them, so that the build itself
takes every page from the cache. Each of those processes gives its pages' kernels a numba cache of its
own (``_build/numba-cache/worker-<k>``, or under ``NUMBA_CACHE_DIR`` when it is set): numba's cache is
not safe against two processes compiling the same kernel into it at once.

``python -m commitment.editions student`` writes ``_build/student/_config.yml`` (the book's
configuration with ``commitment_student_edition: true``, no source or notebook downloads, and the main
build's execution cache) and builds the site into ``_build/student/_build/html``. The removal itself is
done by :mod:`commitment.sphinxext` (:class:`~commitment.sphinxext.RemoveSolutions`); a download of the
page sources would contain the solutions, so the student site offers none.

``python -m commitment.editions pdf`` (and ``pdf-student``) builds the book (the student edition) as one PDF
through jupyter-book's LaTeX builder and XeLaTeX, from the same execution cache, into
``_build/commitment-book.pdf`` (``_build/commitment-book-student.pdf``); :mod:`commitment.pdf` adds what the
LaTeX build needs (the website's macros, exercise labels, a sentence under each explorer's figure).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path

import yaml

__all__ = ["BuildFailed", "notebook_pages", "execute_pages", "library_fingerprint", "drop_stale_executions", "build_book",
           "student_config", "build_student_edition", "PDF_TOOLS", "missing_pdf_tools", "build_pdf"]

LIBRARY = Path(__file__).resolve().parent


def _installed_versions() -> str:
    """Python's version and every installed distribution's name and version, one per line."""
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"])
    return "\n".join([sys.version, *names])


def library_fingerprint() -> str:
    """sha256 over the library's sources and data files (names and contents), Python's version and the
    installed packages' versions: the pages' outputs depend on all of them."""
    digest = hashlib.sha256()
    digest.update(_installed_versions().encode())
    for path in sorted(LIBRARY.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".json", ".css"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(LIBRARY).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def drop_stale_executions(root: Path) -> bool:
    """Delete the stored executions if they were made with another version of the library; True if so.

    They are stored twice: in the execution cache, and in Sphinx's doctrees (of the main site and of
    the student edition), which Sphinx reuses for every page whose source did not change. Both go. The
    fingerprint of the library they belong to is kept in ``_build/.jupyter_cache.library``.
    """
    build = root / "_build"
    cache = build / ".jupyter_cache"
    stamp = build / ".jupyter_cache.library"
    current = library_fingerprint()
    stored = [cache, *build.glob("**/.doctrees")] if build.exists() else []
    stored = [p for p in stored if p.exists()]
    stale = bool(stored) and (not stamp.exists() or stamp.read_text().strip() != current)
    if stale:
        for path in stored:
            shutil.rmtree(path)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return stale


class BuildFailed(RuntimeError):
    """jupyter-book's build failed; ``output`` is its whole output when it was captured."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output


def _jupyter_book(*args, echo: bool) -> None:
    """``jupyter-book build <args>`` strictly; its output goes to the terminal as it runs if ``echo``
    (a build can take minutes), otherwise it is captured and quoted in the error. Raises RuntimeError
    on failure (:class:`BuildFailed`)."""
    jb = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run([str(jb), "build", *map(str, args), "--warningiserror", "--keep-going"],
                           capture_output=not echo, text=True)
    if build.returncode != 0:
        output = "" if echo else f"{build.stdout}\n{build.stderr}"
        detail = "see its output above" if echo else f"{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
        raise BuildFailed(f"jupyter-book build failed (exit {build.returncode}): {detail}", output)


def notebook_pages(root: Path) -> list[Path]:
    """The book's MyST notebooks (jupytext front matter with a kernelspec) that have code cells."""
    pages = []
    for page in sorted((root / "book").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        front = text.split("\n---", 2)[0] if text.startswith("---") else ""
        if "jupytext:" in front and "kernelspec:" in front and "```{code-cell}" in text:
            pages.append(page)
    return pages


def _read_as_myst_nb(page: Path):
    """The page as MyST-NB reads it for execution (so that its execution cache recognises it)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    return read_myst_markdown_notebook(page.read_text(encoding="utf-8"), MdParserConfig(), path=str(page))


def _own_numba_cache(counter, base: str) -> None:
    """Worker initializer: this worker's pages (their kernels) get their own numba cache folder,
    ``<base>/worker-<k>``. Kernels of two workers that compile and store the same kernel at the same time
    can leave a cache that another kernel then loads and crashes on (a segfault seen in CI, 2026-12-03,
    with the debt-maturity solver's parallel kernel); one worker's pages run one after another, which is
    how numba's cache is meant to be used."""
    with counter.get_lock():
        k = counter.value
        counter.value += 1
    os.environ["NUMBA_CACHE_DIR"] = str(Path(base) / f"worker-{k}")


def _execute_page(page: Path, timeout: int, threads: int):
    """Execute one page as MyST-NB does (in its folder, stopping at the first error): (notebook, seconds,
    error text or None). Runs in a worker process; the page's kernel gets ``threads`` threads for BLAS and
    numba unless the environment sets them (the workers share the cores; results do not depend on it)."""
    from jupyter_cache.executors.utils import single_nb_execution

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))

    nb = _read_as_myst_nb(page)
    result = single_nb_execution(nb, cwd=str(page.parent), timeout=timeout, allow_errors=False, meta_override=True)
    return nb, result.time, (result.exc_string if result.err else None)


def longest_first(pages: list[Path], root: Path, last: dict[str, float]) -> list[Path]:
    """``pages`` in the order the workers should take them: those without a recorded time first, then by
    the time their last run took (``last``: path relative to ``root`` -> seconds), longest first, so
    that no long page starts when the other workers are about to finish."""
    return sorted(pages, key=lambda page: -last.get(page.relative_to(root).as_posix(), float("inf")))


def execute_pages(root: Path, workers: int | None = None, echo: bool = True) -> dict[Path, float | None]:
    """Execute in parallel, on ``workers`` processes (default: every core), the pages whose code has no
    execution in the cache, and store the successful ones there as MyST-NB would: the build that follows
    takes every page from the cache, and the execution report shows each page's own time. A page that
    fails is not stored: the build executes it again and reports its error. Pages start longest first
    (:func:`longest_first`, with the times of earlier runs kept in ``_build/page-times.json``). Returns
    each executed page's time in seconds (None if it failed)."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")).get("execute", {})
    if cfg.get("execute_notebooks", "auto") != "cache" or cfg.get("allow_errors", False):
        return {}  # the build executes the pages itself (this runner stores successful executions only)
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    todo = []
    for page in notebook_pages(root):
        try:
            cache.match_cache_notebook(_read_as_myst_nb(page))
        except KeyError:
            todo.append(page)
    times: dict[Path, float | None] = {}
    if not todo:
        return times
    log = root / "_build" / "page-times.json"
    last = json.loads(log.read_text(encoding="utf-8")) if log.exists() else {}
    todo = longest_first(todo, root, last)
    cores = os.cpu_count() or 1
    workers = min(workers or cores, len(todo))
    threads = max(1, cores // workers)
    if echo:
        print(f"Executing {len(todo)} pages on {workers} processes ...", flush=True)
    timeout = int(cfg.get("timeout", 30))
    ctx = get_context("spawn")
    numba_caches = Path(os.environ.get("NUMBA_CACHE_DIR") or root / "_build" / "numba-cache")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_own_numba_cache,
                             initargs=(ctx.Value("i", 0), str(numba_caches))) as pool:
        runs = {pool.submit(_execute_page, page, timeout, threads): page for page in todo}
        for done in as_completed(runs):
            page = runs[done]
            nb, seconds, error = done.result()
            times[page] = None if error else seconds
            if error is None:
                cache.cache_notebook_bundle(CacheBundleIn(nb, str(page), data={"execution_seconds": seconds}),
                                            check_validity=False, overwrite=True)
            if echo:
                print(f"  {page.relative_to(root)}: {'failed' if error else f'{seconds:.1f} s'}", flush=True)
    last.update({page.relative_to(root).as_posix(): t for page, t in times.items() if t is not None})
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps(last, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return times


def build_book(root: Path, echo: bool = True, workers: int | None = None) -> Path:
    """Build the main site strictly (stale executions dropped first, pages executed in parallel on
    ``workers`` processes, default every core); returns the HTML folder."""
    if drop_stale_executions(root) and echo:
        print("The library or the installed packages changed since the pages were last executed: "
              "every page runs again.")
    shutil.rmtree(root / "_build" / "html" / "reports", ignore_errors=True)
    execute_pages(root, workers, echo=echo)
    _jupyter_book(root, echo=echo)
    return root / "_build" / "html"


def student_config(root: Path) -> dict:
    """The book's _config.yml, changed for the student edition."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = f"{cfg['title']} (student edition)"
    cfg.setdefault("execute", {})["cache"] = str(root / "_build" / ".jupyter_cache")  # reuse executions
    sphinx_cfg = cfg.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_cfg["commitment_student_edition"] = True
    sphinx_cfg["html_copy_source"] = False
    sphinx_cfg.setdefault("html_theme_options", {})["use_download_button"] = False
    cfg.setdefault("launch_buttons", {}).update({"binderhub_url": "", "colab_url": ""})
    return cfg


def build_student_edition(root: Path, echo: bool = True) -> Path:
    """Build the student edition strictly; returns the folder of the HTML site."""
    out = root / "_build" / "student"
    out.mkdir(parents=True, exist_ok=True)
    config = out / "_config.yml"
    config.write_text(yaml.safe_dump(student_config(root), sort_keys=False, allow_unicode=True), encoding="utf-8")
    drop_stale_executions(root)  # the student edition reuses (and may fill) the main build's cache
    shutil.rmtree(out / "_build" / "html" / "reports", ignore_errors=True)
    execute_pages(root, echo=echo)
    _jupyter_book(root, "--config", config, "--path-output", out, echo=echo)
    return out / "_build" / "html"


PDF_TOOLS = ("xelatex", "latexmk", "makeindex")  # TeX Live (Debian: texlive-xetex, latexmk, texlive-latex-extra, ...)


def missing_pdf_tools() -> list[str]:
    """The programs the PDF build needs that are not on the PATH (see the README for the packages)."""
    return [tool for tool in PDF_TOOLS if shutil.which(tool) is None]


def build_pdf(root: Path, echo: bool = True, student: bool = False) -> Path:
    """Build the book (``student``: the student edition, no solutions) as one PDF, strictly, from the main
    build's execution cache; returns ``_build/commitment-book.pdf`` (``-student.pdf``)."""
    missing = missing_pdf_tools()
    if missing:
        raise RuntimeError(f"the PDF build needs {', '.join(missing)} (TeX Live): see the README's 'The book as a PDF'")
    name = "student-pdf" if student else "pdf"
    out = root / "_build" / name
    out.mkdir(parents=True, exist_ok=True)
    cfg = student_config(root) if student else yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg.setdefault("execute", {})["cache"] = str(root / "_build" / ".jupyter_cache")
    config = out / "_config.yml"
    config.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    drop_stale_executions(root)
    execute_pages(root, echo=echo)
    _jupyter_book(root, "--config", config, "--path-output", out, "--builder", "pdflatex", echo=echo)
    target = cfg["latex"]["latex_documents"]["targetname"].removesuffix(".tex")
    pdf = root / "_build" / f"{target}{'-student' if student else ''}.pdf"
    shutil.copyfile(out / "_build" / "latex" / f"{target}.pdf", pdf)
    return pdf


if __name__ == "__main__":
    builders = {"book": build_book, "student": build_student_edition,
                "pdf": build_pdf, "pdf-student": lambda root: build_pdf(root, student=True)}
    if len(sys.argv) != 2 or sys.argv[1] not in builders:
        sys.exit("usage: python -m commitment.editions book|student|pdf|pdf-student")
    try:
        built = builders[sys.argv[1]](Path.cwd())
    except RuntimeError as err:
        sys.exit(str(err))
    if sys.argv[1].startswith("pdf"):
        print(f"\nThe PDF is built: {built}")
    else:
        edition = "The book" if sys.argv[1] == "book" else "The student edition"
        print(f"\n{edition} is built: open {built / 'index.html'} in a browser.")
