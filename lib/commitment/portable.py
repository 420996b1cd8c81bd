"""Portable notebooks: the pages' MyST turned into the Markdown every Jupyter client renders.

The website offers each page as an ``.ipynb`` download, the route to Colab, VS Code and plain Jupyter.
Those clients render CommonMark with ``$``-mathematics and nothing of MyST: a result would show as a code
block of raw LaTeX with its ``:label:`` line, a reference as ``{eq}`aahw-bc```. :func:`portable_markdown`
rewrites one markdown cell with what the website shows:

- results, proofs, exercises, solutions and admonitions become block quotes with a bold, numbered title
  (``> **Proposition 4** (Title).``); option lines (``:label:``, ``:class:``) go;
- references (``{eq}``, ``{ref}``, ``{prf:ref}``, ``{numref}``, ``{doc}``) become their text on the website,
  linked to it; citations become author-year text; glued numbers become their values;
- labelled displays ``$$ ... $$ (label)`` get their number as ``\\tag``; label targets ``(label)=`` and
  MyST comments go; the book's LaTeX macros (``_config.yml``'s MathJax macros) are expanded, since a
  notebook client knows none of them;
- the book's own directives (the verification report, the execution table, the bibliography) become a
  sentence linking to the website page that shows them.

:class:`Context` holds what the rewriting needs: the numbers and titles of labels, page titles and
addresses, citation texts, glued values and the macros. ``commitment.sphinxext`` builds it from the Sphinx
environment after the website build and converts every downloadable notebook (:func:`portable_notebook`);
``tests/test_portable.py`` checks the rewriting and that no MyST-only syntax is left in any download.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Context", "portable_markdown", "portable_notebook", "myst_left", "INSTALL_CELL"]

REPOSITORY = "https://github.com/commitment-book/commitment-book"

INSTALL_CELL = (
    "# Outside the book's environment (Colab, a fresh Jupyter)? This cell installs the book's library.\n"
    "import importlib.util, subprocess, sys\n"
    "if importlib.util.find_spec(\"commitment\") is None:\n"
    f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"commitment @ git+{REPOSITORY}\"],\n"
    "                   check=True)"
)


@dataclass
class Context:
    """What :func:`portable_markdown` needs to write a page as the website shows it.

    ``labels``: label -> (text as the website shows it, e.g. ``"Proposition 4"``, ``"(3)"`` or a section
    title; the page's URL relative to the site root, with the anchor); ``docs``: docname -> (title, URL);
    ``citations``: key -> (authors, year); ``glue``: name -> the glued value's ``text/plain``;
    ``macros``: name -> (definition, number of arguments); ``site``: the website's address, prefixed to
    the URLs (empty: relative links)."""

    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    docs: dict[str, tuple[str, str]] = field(default_factory=dict)
    citations: dict[str, tuple[str, str]] = field(default_factory=dict)
    glue: dict[str, str] = field(default_factory=dict)
    macros: dict[str, tuple[str, int]] = field(default_factory=dict)
    site: str = ""
    docname: str = ""

    def link(self, text: str, relative: str) -> str:
        """``text``, linked to the website when its address is known (``html_baseurl``)."""
        return f"[{text}]({self.site.rstrip('/')}/{relative})" if self.site and relative else text


# ---------------------------------------------------------------- roles

ROLE = re.compile(r"\{(?P<name>[a-z][a-z0-9:-]*)\}`(?P<content>[^`]*)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


def _explicit(content: str) -> tuple[str | None, str]:
    m = EXPLICIT.match(content.strip())
    return (m["text"], m["target"]) if m else (None, content.strip())


def plain_text(text: str, spec: str) -> str:
    """A glued ``text/plain`` value formatted with ``spec`` as myst-nb's ``{glue:text}`` does
    (``myst_nb.core.variables.format_plain_text``; ``tests/test_portable.py`` compares the two)."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if spec == "":
        return str(value)
    if spec[-1] == "s":
        value = str(value)
    elif spec[-1] in "bcdoxX":
        value = int(value)
    elif spec[-1] in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


def _glue_text(content: str, ctx: Context) -> str:
    """``{glue:text}`name:format```: the value the page glued, formatted as on the website."""
    name, _, spec = content.strip().partition(":")
    if name not in ctx.glue:
        raise KeyError(f"{ctx.docname}: no glued value {name!r}")
    return plain_text(ctx.glue[name], spec)


def _cite(name: str, content: str, ctx: Context) -> str:
    keys = [k.strip() for k in content.split(",") if k.strip()]
    missing = [k for k in keys if k not in ctx.citations]
    if missing:
        raise KeyError(f"{ctx.docname}: no bibliography entry {missing}")
    pairs = [ctx.citations[k] for k in keys]
    if name == "cite:t":
        return "; ".join(f"{a} ({y})" for a, y in pairs)
    return "(" + "; ".join(f"{a}, {y}" for a, y in pairs) + ")"


def _reference(name: str, content: str, ctx: Context) -> str:
    text, target = _explicit(content)
    if name == "doc":
        doc = _resolve_doc(target, ctx)
        title, url = ctx.docs[doc]
        return ctx.link(text or f"*{title}*", url)
    if target.lower() not in ctx.labels:
        raise KeyError(f"{ctx.docname}: unknown label {target!r}")
    shown, url = ctx.labels[target.lower()]
    if text and name == "numref" and "%s" in text:
        text = text.replace("%s", re.sub(r"^\D*", "", shown))
    return ctx.link(text or shown, url)


def _resolve_doc(target: str, ctx: Context) -> str:
    """A ``{doc}`` target (relative to the page, or absolute from the root with a leading slash)."""
    if target.startswith("/"):
        doc = target.lstrip("/")
    else:
        parts = ctx.docname.split("/")[:-1] + target.split("/")
        stack: list[str] = []
        for p in parts:
            if p == "..":
                stack.pop()
            elif p not in ("", "."):
                stack.append(p)
        doc = "/".join(stack)
    doc = re.sub(r"\.(md|ipynb)$", "", doc)
    if doc not in ctx.docs:
        raise KeyError(f"{ctx.docname}: unknown page {target!r}")
    return doc


def _roles(text: str, ctx: Context) -> str:
    def one(m: re.Match) -> str:
        name, content = m["name"], m["content"]
        if name == "glue:text":
            return _glue_text(content, ctx)
        if name in ("cite", "cite:t", "cite:p"):
            return _cite(name, content, ctx)
        if name in ("eq", "ref", "prf:ref", "numref", "doc"):
            return _reference(name, content, ctx)
        if name == "math":
            return f"${content}$"
        raise ValueError(f"{ctx.docname}: no portable form for the role {{{name}}}")

    return ROLE.sub(one, text)


# ---------------------------------------------------------------- macros

def _expand_macros(text: str, macros: dict[str, tuple[str, int]]) -> str:
    """Replace ``\\name`` (not followed by a letter) by its definition; one-argument macros take the
    braced group that follows."""
    for _ in range(5):  # definitions may use other macros
        changed = False
        for name, (definition, nargs) in macros.items():
            pattern = re.compile(r"\\" + re.escape(name) + r"(?![A-Za-z])")
            out, pos = [], 0
            for m in pattern.finditer(text):
                if m.start() < pos:
                    continue
                out.append(text[pos:m.start()])
                end = m.end()
                body = definition
                if nargs:
                    args, end = _braced_args(text, end, nargs)
                    if args is None:
                        out.append(m.group(0))
                        pos = m.end()
                        continue
                    for i, a in enumerate(args, 1):
                        body = body.replace(f"#{i}", a)
                out.append(body + (" " if re.match(r"[A-Za-z]", text[end:end + 1]) and body[-1:].isalpha() else ""))
                pos = end
                changed = True
            out.append(text[pos:])
            text = "".join(out)
        if not changed:
            break
    return text


def _braced_args(text: str, pos: int, n: int) -> tuple[list[str] | None, int]:
    args = []
    for _ in range(n):
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos >= len(text) or text[pos] != "{":
            return None, pos
        depth, start = 0, pos
        while pos < len(text):
            if text[pos] == "\\":
                pos += 2
                continue
            if text[pos] == "{":
                depth += 1
            elif text[pos] == "}":
                depth -= 1
                if depth == 0:
                    break
            pos += 1
        args.append(text[start + 1:pos])
        pos += 1
    return args, pos


# ---------------------------------------------------------------- directives

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[a-zA-Z][\w:-]*)\}[ \t]*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
RESULTS = {"theorem", "proposition", "lemma", "definition", "corollary", "observation", "remark",
           "example", "conjecture", "assumption", "axiom", "criterion", "algorithm", "property"}
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
               "seealso"}
SITE_ONLY = {"verification-report": "the verification report", "verification-summary": "the verification summary",
             "nb-exec-table": "the table of execution times", "bibliography": "the bibliography"}


def _split_directive(lines: list[str], i: int) -> tuple[dict, int]:
    """The directive opening at line ``i``: its name, argument, options and body lines; and the index
    after its closing fence (a closing fence has the opening's character, at least as many, nothing
    else)."""
    m = FENCE.match(lines[i])
    fence = m["fence"]
    close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    j = i + 1
    while j < len(lines) and not close.match(lines[j]):  # a nested directive uses a longer fence
        j += 1
    body = lines[i + 1:j]
    options: dict[str, str] = {}
    if body and body[0].strip() == "---":  # YAML options block
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
        if end is not None:
            for line in body[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            body = body[end + 1:]
    while body and OPTION.match(body[0]):
        o = OPTION.match(body[0])
        options[o["key"]] = o["value"].strip()
        body = body[1:]
    return dict(name=m["name"], arg=m["arg"].strip(), options=options, body=body), min(j + 1, len(lines))


def _quote(text: str) -> list[str]:
    text = re.sub(r"\n{3,}", "\n\n", text.strip("\n"))
    return [("> " + line).rstrip() for line in text.split("\n")]


def _directive(d: dict, ctx: Context) -> str:
    name, arg, options = d["name"], d["arg"], d["options"]
    body = _blocks("\n".join(d["body"]), ctx)
    label = options.get("label", "")
    if name.startswith("prf:") and name[4:] in RESULTS or name == "exercise":
        kind = name.split(":")[-1].capitalize()
        shown = ctx.labels.get(label.lower(), (kind, ""))[0] if label else kind
        title = f"**{shown}**" + (f" ({_inline(arg, ctx)})" if arg else "") + "."
        return "\n".join(_quote(title + "\n\n" + body))
    if name == "prf:proof":
        return "\n".join(_quote(f"*Proof.* {body.strip()} ∎"))
    if name in ("solution", "solution-start"):
        shown = ctx.labels.get(arg.lower(), ("the exercise", ""))[0]
        return f"**Solution to {shown}.**" + (f"\n\n{body}" if body.strip() else "")
    if name == "solution-end":
        return "*End of the solution.*"
    if name == "admonition" or name in ADMONITIONS:
        title = _inline(arg, ctx) if name == "admonition" else name.capitalize()
        return "\n".join(_quote(f"**{title}**\n\n{body}"))
    if name in ("math",):
        tag = ctx.labels.get(label.lower(), ("", ""))[0].strip("()")
        return "$$\n" + _math(body) + (f"\n\\tag{{{tag}}}" if tag else "") + "\n$$"
    if name in SITE_ONLY:
        title, url = ctx.docs.get(ctx.docname, ("this page", ""))
        return f"*{SITE_ONLY[name].capitalize()} is shown on the book's website, on the page {ctx.link(title, url)}.*"
    raise ValueError(f"{ctx.docname}: no portable form for the directive {{{name}}}")


def _inline(text: str, ctx: Context) -> str:
    return _expand_macros(_roles(text, ctx), ctx.macros)


def _math(text: str) -> str:
    return text.strip("\n")


DISPLAY = re.compile(r"^\$\$[ \t]*$")
DISPLAY_END = re.compile(r"^(?P<math>.*?)\$\$[ \t]*(?:\((?P<label>[^()\s]+)\))?[ \t]*$")
CODE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[^`{]*$")


def code_block_end(lines: list[str], i: int, fence: str) -> int:
    """The index of the line that closes the code block opened by ``fence`` on line ``i`` (``len(lines)`` if
    none does)."""
    close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    j = i + 1
    while j < len(lines) and not close.match(lines[j]):
        j += 1
    return j
TARGET = re.compile(r"^\([\w:.-]+\)=\s*$")
COMMENT = re.compile(r"^%")


def _blocks(text: str, ctx: Context) -> str:
    """Rewrite the block structure (directives, labelled displays, targets, comments) and then, outside
    directives' own handling, the inline roles."""
    lines = text.split("\n")
    out: list[str] = []
    plain: list[str] = []  # a run of ordinary lines: roles may span their line breaks

    def flush():
        if plain:
            out.append(_inline("\n".join(plain), ctx))
            plain.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if FENCE.match(line) or CODE.match(line) or TARGET.match(line) or COMMENT.match(line) or DISPLAY.match(line):
            flush()
        if FENCE.match(line):
            d, i = _split_directive(lines, i)
            out.append(_directive(d, ctx))
            continue
        code = CODE.match(line)
        if code:  # a plain code block: copied as it is
            j = code_block_end(lines, i, code["fence"])
            out.extend(lines[i:j + 1])
            i = j + 1
            continue
        if TARGET.match(line) or COMMENT.match(line):
            i += 1
            continue
        if DISPLAY.match(line):  # $$ ... $$ (label)
            j = i + 1
            while j < len(lines) and not DISPLAY_END.match(lines[j]):
                j += 1
            if j < len(lines):
                end = DISPLAY_END.match(lines[j])
                math = "\n".join(lines[i + 1:j] + ([end["math"]] if end["math"].strip() else []))
                tag = ctx.labels[end["label"].lower()][0].strip("()") if end["label"] else ""
                out.append("$$\n" + _inline(math, ctx) + (f"\n\\tag{{{tag}}}" if tag else "") + "\n$$")
                i = j + 1
                continue
        plain.append(line)
        i += 1
    flush()
    return "\n".join(out)


def portable_markdown(source: str, ctx: Context) -> str:
    """One markdown cell of a page, as standard Markdown that shows what the website shows."""
    return _blocks(source, ctx)


# ---------------------------------------------------------------- notebooks and the check

MYST_ONLY = [
    ("a directive fence", re.compile(r"^ {0,3}(`{3,}|:{3,})\{[\w:-]+\}", re.M)),
    ("a role", re.compile(r"\{[a-z][\w:-]*\}`")),
    ("an option line", re.compile(r"^:(label|class|nonumber|name|dropdown):", re.M)),
    ("a label target", re.compile(r"^\([\w:.-]+\)=\s*$", re.M)),
    ("a labelled display", re.compile(r"\$\$[ \t]*\([\w:.-]+\)[ \t]*$", re.M)),
]


def myst_left(markdown: str) -> list[str]:
    """The MyST-only constructs left in a markdown text (empty: a plain client renders it all)."""
    return [f"{what}: {m.group(0).strip()!r}" for what, rx in MYST_ONLY for m in rx.finditer(markdown)]


def glued_values(glue_json: dict) -> dict[str, str]:
    """The values a page glued, from the ``<page>.glue.json`` myst-nb writes beside the executed notebook
    (in ``_build/jupyter_execute``): name -> ``text/plain``."""
    out = {}
    for name, output in glue_json.items():
        text = output.get("data", {}).get("text/plain")
        if text is not None:
            out[name] = text if isinstance(text, str) else "".join(text)
    return out


def portable_notebook(nb: dict, ctx: Context) -> dict:
    """The notebook ``nb`` as a portable download (``ctx.glue``: the page's glued values): markdown cells rewritten
    (:func:`portable_markdown`), code cells unchanged and without outputs, and a first code cell that
    installs the book's library where it is missing (Colab)."""
    if nb.get("metadata", {}).get("commitment", {}).get("portable"):
        return nb  # converted already (an incremental build keeps the downloads it wrote before)
    cells = []
    for cell in nb.get("cells", []):
        cell = dict(cell)
        if cell.get("cell_type") == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = portable_markdown(source, ctx)
        elif cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    first_code = next((k for k, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    cells.insert(first_code, {"cell_type": "code", "id": "install-commitment", "metadata": {"tags": ["install"]},
                              "outputs": [], "execution_count": None, "source": INSTALL_CELL})
    metadata = {**nb.get("metadata", {}), "commitment": {"portable": True}}
    return {**nb, "metadata": metadata, "cells": cells}
