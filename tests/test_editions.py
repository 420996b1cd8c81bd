"""The execution cache is dropped when the library or the installed packages change (commitment.editions)."""

import shutil

import pytest

import commitment.editions as editions
from tests.pages import ROOT


def test_fingerprint_follows_the_library_sources(tmp_path, monkeypatch):
    lib = tmp_path / "commitment"
    shutil.copytree(editions.LIBRARY, lib, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(editions, "LIBRARY", lib)
    first = editions.library_fingerprint()
    assert editions.library_fingerprint() == first
    (lib / "__pycache__").mkdir(exist_ok=True)
    (lib / "__pycache__" / "x.nbi").write_bytes(b"compiled")  # numba's cache is not the library
    assert editions.library_fingerprint() == first
    with (lib / "utility.py").open("a") as f:
        f.write("\n# an edit\n")
    assert editions.library_fingerprint() != first


def test_fingerprint_follows_the_installed_packages(monkeypatch):
    first = editions.library_fingerprint()
    assert "numpy==" in editions._installed_versions()
    monkeypatch.setattr(editions, "_installed_versions", lambda: "3.11\nnumpy==0.0")
    assert editions.library_fingerprint() != first


def _stored(root):
    stored = [root / "_build" / ".jupyter_cache", root / "_build" / ".doctrees",
              root / "_build" / "student" / "_build" / ".doctrees"]
    for path in stored:
        path.mkdir(parents=True, exist_ok=True)
        (path / "data").write_text("stored executions")
    return stored


def test_stale_executions_are_dropped_and_current_ones_kept(tmp_path, monkeypatch):
    stored = _stored(tmp_path)
    assert editions.drop_stale_executions(tmp_path) is True  # no fingerprint: cannot be trusted
    assert not any(path.exists() for path in stored)
    stored = _stored(tmp_path)
    assert editions.drop_stale_executions(tmp_path) is False
    assert all((path / "data").exists() for path in stored)
    monkeypatch.setattr(editions, "library_fingerprint", lambda: "another version")
    assert editions.drop_stale_executions(tmp_path) is True
    assert not any(path.exists() for path in stored)
    assert (tmp_path / "_build" / "html").exists() is False  # nothing else is touched or created


PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# A page

```{{code-cell}} ipython3
x = {value}
assert x == 1, "x is not 1"
```
"""


def test_pages_run_in_parallel_into_the_cache_and_failures_are_not_stored(tmp_path):
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n  allow_errors: false\n")
    good, bad = tmp_path / "book" / "good.md", tmp_path / "book" / "bad.md"
    good.parent.mkdir()
    good.write_text(PAGE.format(value=1))
    bad.write_text(PAGE.format(value=2))
    assert editions.notebook_pages(tmp_path) == [bad, good]
    times = editions.execute_pages(tmp_path, workers=2, echo=False)
    assert times[good] > 0 and times[bad] is None
    # the good page is in the cache as MyST-NB reads it; the failing one runs again next time
    assert editions.execute_pages(tmp_path, workers=2, echo=False).keys() == {bad}


def test_each_worker_gives_its_pages_their_own_numba_cache(tmp_path, monkeypatch):
    """Two kernels compiling the same kernel into one numba cache at once can leave it corrupt (a segfault
    in CI); the parallel runner gives each worker's pages their own cache folder."""
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: cache\n  timeout: 60\n  allow_errors: false\n")
    (tmp_path / "book").mkdir()
    out = tmp_path / "caches"
    out.mkdir()
    for k in range(4):
        page = PAGE.format(value=1).replace(
            'assert x == 1, "x is not 1"',
            f'import os, pathlib; pathlib.Path(r"{out}/{k}").write_text(os.environ["NUMBA_CACHE_DIR"])')
        (tmp_path / "book" / f"p{k}.md").write_text(page)
    editions.execute_pages(tmp_path, workers=2, echo=False)
    used = {p.read_text() for p in out.iterdir()}
    base = tmp_path / "_build" / "numba-cache"
    assert len(list(out.iterdir())) == 4
    assert used <= {str(base / "worker-0"), str(base / "worker-1")}, used


def test_pages_start_longest_first_and_pages_never_timed_before_first(tmp_path):
    from commitment.editions import longest_first

    pages = [tmp_path / "book" / f"{name}.md" for name in ("a", "b", "c", "d")]
    last = {"book/a.md": 3.0, "book/b.md": 12.5, "book/d.md": 0.5}
    assert [p.stem for p in longest_first(pages, tmp_path, last)] == ["c", "b", "a", "d"]


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--warm-runs", "0"]])
def test_the_book_execution_benchmark_refuses_bad_arguments(argv):
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_execution", ROOT / "benchmarks" / "book_execution.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(SystemExit) as exit_info:
        module.main(argv)
    assert exit_info.value.code == 2
