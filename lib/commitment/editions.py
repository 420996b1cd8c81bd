"""The student edition of the book: the same site with every solution removed (not collapsed).

``python -m commitment.editions student`` writes ``_build/student/_config.yml`` (the book's
configuration with ``commitment_student_edition: true``, no source or notebook downloads, and the main
build's execution cache) and builds the site into ``_build/student/_build/html``. The removal itself is
done by :mod:`commitment.sphinxext` (:class:`~commitment.sphinxext.RemoveSolutions`); a download of the
page sources would contain the solutions, so the student site offers none.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

__all__ = ["student_config", "build_student_edition"]


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


def build_student_edition(root: Path) -> Path:
    """Build the student edition strictly; returns the folder of the HTML site."""
    out = root / "_build" / "student"
    out.mkdir(parents=True, exist_ok=True)
    config = out / "_config.yml"
    config.write_text(yaml.safe_dump(student_config(root), sort_keys=False, allow_unicode=True), encoding="utf-8")
    jb = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jb), "build", str(root), "--config", str(config), "--path-output", str(out),
                    "--warningiserror", "--keep-going"], check=True)
    return out / "_build" / "html"


if __name__ == "__main__":
    if sys.argv[1:] != ["student"]:
        sys.exit("usage: python -m commitment.editions student")
    html = build_student_edition(Path.cwd())
    print(f"\nThe student edition is built: open {html / 'index.html'} in a browser.")
