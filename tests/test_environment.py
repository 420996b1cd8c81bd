"""environment.yml (conda route) and pyproject.toml (pip route) declare the same dependencies."""

import json
import os
import re
import subprocess
import tomllib

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
    subprocess.run(["bash", str(binder / "postBuild")], check=True, env={**os.environ, "NB_PYTHON_PREFIX": str(tmp_path)})
    settings = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
