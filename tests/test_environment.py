"""environment.yml (conda route) and pyproject.toml (pip route) declare the same dependencies."""

import re
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
    assert "python>=3.11" in [d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str)]
