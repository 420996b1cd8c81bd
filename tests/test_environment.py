"""environment.yml (conda route) and pyproject.toml (pip route) declare the same dependencies."""

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from tests.pages import ROOT


def _parse(spec):
    name, ranges = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec).groups()
    return name.lower().replace("_", "-"), ranges.replace(" ", "")


def pyproject_deps():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = proj["dependencies"] + [s for group in proj["optional-dependencies"].values() for s in group]
    return dict(_parse(s) for s in specs)


def conda_deps():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = {}
    specs = []
    for d in env["dependencies"]:
        if isinstance(d, str):
            specs.append(d)
        else:  # the pip: section (packages not on conda-forge, and the book's own package)
            specs += [s for s in d["pip"] if not s.startswith("-e")]
    for spec in specs:
        name, ranges = _parse(spec)
        if name not in ("python", "pip"):
            deps[name] = ranges
    return deps


def test_same_packages_and_ranges():
    py, conda = pyproject_deps(), conda_deps()
    assert py == conda, (
        f"only in pyproject.toml: {sorted(set(py) - set(conda))}; only in environment.yml: "
        f"{sorted(set(conda) - set(py))}; different ranges: "
        f"{ {k: (py[k], conda[k]) for k in set(py) & set(conda) if py[k] != conda[k]} }"
    )


def test_every_dependency_is_pinned_to_a_range():
    for name, ranges in pyproject_deps().items():
        assert ">=" in ranges and "<" in ranges.replace("<=", ""), f"{name}: needs a lower and an upper bound"


def test_python_version_agrees():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert proj["requires-python"] == ">=3.11"
    pythons = [d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    # conda pins the tested version, written `python=X.Y`: the only form repo2docker (Binder) reads
    assert pythons == ["python=3.11"], pythons


def test_binder_uses_the_same_environment_and_opens_pages_as_notebooks(tmp_path):
    binder = ROOT / ".binder"
    assert (binder / "environment.yml").resolve() == (ROOT / "environment.yml").resolve(), \
        ".binder/environment.yml must be a link to the root environment.yml (one list of packages)"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [s for d in env["dependencies"] if isinstance(d, dict) for s in d["pip"]]
    assert "-e ." in pip, "Binder and the conda route install the book's package from the repository"
    subprocess.run(["bash", str(binder / "postBuild")], check=True, env={**os.environ, "NB_PYTHON_PREFIX": str(tmp_path),
                                                                             "COMMITMENT_BUILD_SITE": "0"})
    settings = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    # no "receive official Jupyter news?" pop-up on a student's first start, and no update checks
    assert settings["@jupyterlab/apputils-extension:notification"] == {"checkForUpdates": False, "fetchNews": "false"}


# --- the lock: uv.lock (universal, every supported Python) exported to requirements-lock.txt -------------

def locked_requirements():
    """requirements-lock.txt as {name: (version, marker or None)} for the lines that apply here."""
    from packaging.requirements import Requirement

    text = (ROOT / "requirements-lock.txt").read_text().replace("\\\n", " ")
    locked = {}
    for line in text.splitlines():
        line = line.split("--hash")[0].strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            (spec,) = req.specifier
            assert spec.operator == "==", f"{line}: a lock pins exact versions"
            locked[req.name.lower().replace("_", "-")] = spec.version
    return locked


def test_every_locked_line_pins_a_version_with_hashes():
    text = (ROOT / "requirements-lock.txt").read_text().replace("\\\n", " ")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines, "requirements-lock.txt is empty"
    bad = [ln.split()[0] for ln in lines if "==" not in ln.split("--hash")[0] or "--hash=sha256:" not in ln]
    assert not bad, f"lines without an exact version and a sha256 hash: {bad}"


def test_the_export_is_the_lock():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    in_lock = {(p["name"], p["version"]) for p in lock["package"] if "version" in p}
    text = (ROOT / "requirements-lock.txt").read_text()
    exported = set(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", text, re.M))
    missing = {(n.lower().replace("_", "-"), v) for n, v in exported} - in_lock
    assert not missing, f"requirements-lock.txt pins versions that uv.lock does not hold (run make lock): {missing}"


def test_the_lock_satisfies_the_ranges_on_this_python():
    from packaging.specifiers import SpecifierSet

    locked = locked_requirements()
    outside = {name: (locked.get(name), ranges) for name, ranges in pyproject_deps().items()
               if name not in locked or locked[name] not in SpecifierSet(ranges)}
    assert not outside, f"direct dependencies missing from the lock or outside their range (run make lock): {outside}"


@pytest.mark.skipif(bool(os.environ.get("COMMITMENT_LANE")), reason="a CI lane installs resolved, not locked, versions")
def test_installed_versions_are_the_locked_ones():
    # make install installs requirements-lock.txt; a venv that drifted from it is not what CI tests
    from importlib import metadata

    drift = {}
    for name, version in locked_requirements().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            drift[name] = (version, installed)
    assert not drift, f"installed versions differ from requirements-lock.txt (locked, installed): {drift}; run make install"


# --- numba's on-disk cache: what a second run of a page loads ---------------------------------------------

SECOND_RUN = ("import commitment.debt_maturity as dm; "
              "s = dm.solve_planner(dm.create_model(beta=0.9 / 1.05, N=100), 0.25); print(s.b_max)")


def test_a_cached_parallel_kernel_loads_in_a_new_process(tmp_path):
    """The debt-maturity solver's parallel kernel (prange) is compiled by a first process and loaded from
    numba's cache by a second, as when a reader runs a page twice. numba 0.60 to 0.62 segfault on the load
    (found by the lowest-versions lane, 2026-12-03; hence numba >= 0.63 in pyproject.toml)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    runs = [subprocess.run([sys.executable, "-c", SECOND_RUN], env=env, capture_output=True, text=True, timeout=600)
            for _ in range(2)]
    for k, run in enumerate(runs, 1):
        assert run.returncode == 0, f"run {k} exited with {run.returncode} (-11 or 139: segfault)\n{run.stderr[-2000:]}"
    assert runs[0].stdout == runs[1].stdout
    assert any((tmp_path / "numba-cache").rglob("*.nbi")), "nothing was cached"


def test_every_page_opens_as_a_notebook_in_jupyterlab(tmp_path):
    """What `make lab` and Binder do when a page is opened: jupytext's contents manager, with the
    repository's jupytext.toml, reads every page of the book as a notebook. Without the file, the five
    pages that have no jupytext header (the verification report, the bibliography, ...) failed with HTTP
    500: jupytext took their ::: fences for pandoc Markdown, which needs pandoc."""
    import shutil

    try:
        from jupytext.sync_contentsmanager import TextFileContentsManager
    except ImportError:  # jupytext < 1.17 (the lowest versions' lane)
        from jupytext.contentsmanager import TextFileContentsManager

    from tests.pages import toc_files

    def unopenable(root):
        cm = TextFileContentsManager(root_dir=str(root))
        bad = []
        for page in toc_files():
            rel = page.relative_to(ROOT).as_posix()
            try:
                assert cm.get(rel, content=True, type="notebook")["type"] == "notebook"
            except Exception as err:  # noqa: BLE001 - the server turns any error into an HTTP error
                bad.append(f"{rel}: {str(err)[:80]}")
        return bad

    assert unopenable(ROOT) == []
    shutil.copytree(ROOT / "book", tmp_path / "book")  # the same pages without jupytext.toml
    assert len(unopenable(tmp_path)) >= 5, "the check can fail: without the configuration pages do not open"
