"""Explorers: a figure with sliders, live in Jupyter and kernel-free on the static website.

A chapter writes one drawing function, ``draw(**params) -> Figure`` (or ``(Figure, html)`` to show a
table under the figure), and declares its sliders once. Then

- :func:`static_explorer` evaluates ``draw`` on every combination of the sliders' grid values when the
  page is executed, and returns an HTML block with the pre-rendered figures and range sliders that swap
  them in the browser: it works on the static website, without a kernel;
- :func:`live_explorer` returns an ``ipywidgets`` panel that calls ``draw`` on demand, over the
  sliders' continuous ranges; its cell must carry the tags ``skip-execution`` and ``nbval-skip``
  (neither the book build nor the tests have a live kernel to drive it).

Keep the static grid small (the product of the grid sizes is the number of figures stored in the page;
:func:`static_explorer` refuses more than ``max_figures``).

Where the sliders describe a point with nothing to draw (an inadmissible parameter combination, or no
equilibrium of the kinds the chapter solves), ``draw`` raises :class:`NothingToDraw` with a short
message. The live panel never shows a traceback: it shows the message of an *explained* exception
(:func:`is_explained`) as one or two lines, and any other exception, which is a bug, as a one-line
report. ``tests/test_explorers_live.py`` drives every live explorer of the book through its live ranges
and fails on the second kind.

The chapters' draw functions and sliders live in ``commitment/<chapter>_explorers.py``, next to the
chapter's code (e.g. :mod:`commitment.fire_sales_explorers`).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import uuid
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from matplotlib.colors import to_rgba as matplotlib_colors_to_rgba

from commitment.errors import NoEquilibrium

__all__ = ["Slider", "NothingToDraw", "is_explained", "explain", "live_values", "live_positions",
           "render_png", "overhang", "static_explorer", "live_explorer"]

MAX_MESSAGE = 200  # characters of an explained message: one or two lines of the live panel
PRINT_DPI = 150  # a static explorer's default figure for the PDF
LIVE_DPI = 72  # the live panel's resolution: the static explorers' (one look on the website and in Jupyter)


class NothingToDraw(ValueError):
    """Raised by a draw function when its sliders describe a point with nothing to draw.

    The message (at most :data:`MAX_MESSAGE` characters) names the offending parameter or the reason,
    e.g. ``"no debt steady state: β ē ≤ e̲ (κ = 0.95)"``; the live panel shows it instead of the figure.
    A ``ValueError``: the sliders' values are outside the set the figure is defined on.
    """


def is_explained(err: BaseException) -> bool:
    """True when ``err`` says why there is nothing to draw, rather than revealing a bug.

    Explained are :class:`NothingToDraw`, :class:`commitment.errors.NoEquilibrium` and its subclasses
    (e.g. :class:`commitment.fire_sales.NoSupportedEquilibrium`: no equilibrium of the kinds the
    chapter's solver handles), and ``ValueError`` raised by the library's own validation: one whose
    innermost traceback frame is in the ``commitment`` package. A ``ValueError`` raised inside NumPy
    or SciPy (a broadcasting error, a root bracket without a sign change) is a bug of the caller.
    """
    if isinstance(err, (NothingToDraw, NoEquilibrium)):
        return True
    if not isinstance(err, ValueError):
        return False
    tb = err.__traceback__
    if tb is None:  # constructed, never raised: nothing says where from; taken as a validation message
        return True
    while tb.tb_next is not None:
        tb = tb.tb_next
    return "commitment" in tb.tb_frame.f_globals.get("__name__", "").split(".")[:1]


def explain(err: BaseException, params: dict | None = None) -> str:
    """The live panel's text for an exception raised by ``draw``: its message, shortened to
    :data:`MAX_MESSAGE` characters, prefixed ``Nothing to draw here:`` when explained and
    ``Unexpected error (a bug, please report it)`` otherwise; never a traceback."""
    msg = " ".join(str(err).split()) or type(err).__name__
    if len(msg) > MAX_MESSAGE:
        msg = msg[:MAX_MESSAGE - 1] + "…"
    if is_explained(err):
        return f"Nothing to draw here: {msg}"
    where = ", ".join(f"{k} = {v}" for k, v in (params or {}).items())
    return f"Unexpected error (a bug, please report it) at {where}: {type(err).__name__}: {msg}"


@dataclass(frozen=True)
class Slider:
    """One parameter of an explorer.

    ``values`` is the grid of the static version; ``default`` must be one of them. ``live`` is
    ``(min, max, step)`` for the live version's slider; ``None`` offers the grid values there too.
    ``fmt`` formats a value for display.
    """

    name: str
    label: str
    values: tuple
    default: object
    live: tuple | None = None
    fmt: str = "{:g}"

    def __post_init__(self):
        if len(self.values) < 1:
            raise ValueError(f"Slider {self.name!r}: values must not be empty")
        if self.default not in self.values:
            raise ValueError(f"Slider {self.name!r}: default {self.default!r} is not one of its values")
        if self.live is not None:
            lo, hi, step = self.live
            if not (lo <= hi and step > 0):
                raise ValueError(f"Slider {self.name!r}: live must be (min, max, step) with min <= max, step > 0")

    def show(self, value) -> str:
        return self.fmt.format(value)


def live_values(slider) -> list:
    """The values the live slider offers: its grid values (a selection slider, ``live=None``) or
    min, min + step, ..., max (rounded to 10 decimals, as a float slider snaps to its step)."""
    if slider.live is None:
        return list(slider.values)
    lo, hi, step = slider.live
    return [round(lo + k * step, 10) for k in range(int(round((hi - lo) / step)) + 1)]


def live_positions(sliders, n_random=24, seed=0) -> list[dict]:
    """Slider positions that exercise a live explorer: all sliders at the min of their live ranges, all at
    the max, each slider alone at its min and at its max (the others at their defaults), then
    ``n_random`` positions drawn uniformly (``numpy`` generator with ``seed``) from the product of the live
    values. Used by ``tests/test_explorers_live.py`` and ``benchmarks/bench_explorers.py``."""
    values = {s.name: live_values(s) for s in sliders}
    default = {s.name: s.default for s in sliders}
    out = [{k: v[0] for k, v in values.items()}, {k: v[-1] for k, v in values.items()}]
    for k, v in values.items():
        out += [{**default, k: v[0]}, {**default, k: v[-1]}]
    rng = np.random.default_rng(seed)
    out += [{k: v[rng.integers(len(v))] for k, v in values.items()} for _ in range(n_random)]
    return out


def _split(result):
    if isinstance(result, tuple):
        fig, extra = result
        return fig, extra
    return result, ""


def _png(fig, dpi, close=True) -> str:
    """A static frame: ``fig`` as a PNG data URL at ``dpi``, cropped to its content (:func:`tight_png`)."""
    if close:
        plt.close(fig)  # before drawing: the inline backend shows no figure left open at the end of a cell
    return "data:image/png;base64," + base64.b64encode(tight_png(fig, dpi)).decode("ascii")


def tight_png(fig, dpi) -> bytes:
    """``fig`` as ``savefig(..., bbox_inches="tight")`` writes it, in one drawing pass instead of two.

    ``bbox_inches="tight"`` draws the figure once to measure its content and again to write it; the
    static explorers' frames are most of the heaviest pages' time. Here the figure is drawn once at ``dpi``
    and the image cropped to the content's box plus savefig's padding, filled with the figure's colour
    where the padding reaches past the figure's edge. Where content overhangs the figure (:func:`overhang`)
    the crop would clip it, and savefig does the work. ``tests/test_explorer.py`` compares the two images."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if hasattr(fig.canvas, "buffer_rgba") else FigureCanvasAgg(fig)
    dpi0 = fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        content = fig.get_tightbbox(canvas.get_renderer())
        image = np.asarray(canvas.buffer_rgba())
    finally:
        fig.dpi = dpi0
    w, h = fig.get_size_inches()
    if min(content.x0, content.y0, w - content.x1, h - content.y1) < 0:  # overhang: cropping would clip it
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()
    box = content.padded(plt.rcParams["savefig.pad_inches"])
    height, width = image.shape[:2]
    c0, r0 = int(round(box.x0 * dpi)), int(round(height - box.y1 * dpi))
    out = np.empty((int(round(box.height * dpi)), int(round(box.width * dpi)), 4), np.uint8)
    out[...] = np.round(np.array(matplotlib_colors_to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
    rows = slice(max(r0, 0), min(r0 + out.shape[0], height))
    cols = slice(max(c0, 0), min(c0 + out.shape[1], width))
    out[rows.start - r0:rows.stop - r0, cols.start - c0:cols.stop - c0] = image[rows, cols]
    buf = io.BytesIO()
    Image.fromarray(out, "RGBA").save(buf, format="png")
    return buf.getvalue()


class _HTML:
    """Minimal rich-display object (text/html), so the module does not need IPython at import."""

    def __init__(self, data: str):
        self.data = data

    def _repr_html_(self):
        return self.data


class _Explorer(_HTML):
    """A static explorer's display: its HTML, and its default figure as a PNG for outputs that cannot show
    HTML (the PDF's LaTeX builder takes the PNG; :mod:`commitment.pdf` adds a sentence under it)."""

    def __init__(self, data: str, png_base64: str, title: str):
        super().__init__(data)
        self.png_base64 = png_base64
        self.title = title

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"Explorer{': ' + self.title if self.title else ''} (sliders in the HTML edition and in Jupyter)"
        return {"text/html": self.data, "image/png": self.png_base64, "text/plain": text}


def render_png(fig, dpi=LIVE_DPI) -> bytes:
    """The live panel's image of ``fig``: a PNG of the whole figure at ``dpi``, in one drawing pass.

    Jupyter's inline backend crops to the content (``bbox_inches="tight"``), which draws the figure
    twice; the explorers' figures keep their content inside the figure instead (:func:`overhang`,
    tested at every position ``tests/test_explorers_live.py`` draws), so nothing is clipped."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def overhang(fig) -> float:
    """How far, in inches, the figure's content (labels, titles, legends) reaches outside the figure: 0
    when everything is inside, so that :func:`render_png` clips nothing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)  # closed figures too
    box = fig.get_tightbbox(canvas.get_renderer())
    w, h = fig.get_size_inches()
    return float(max(0.0, -box.x0, -box.y0, box.x1 - w, box.y1 - h))


def static_explorer(draw, sliders, *, title="", dpi=72, max_figures=150):
    """Pre-render ``draw`` on the grid of ``sliders`` and return a kernel-free HTML explorer.

    Each slider is an ``<input type="range">`` over the indices of its grid values; moving it swaps
    the image (and the HTML returned with it) in the browser. The element has the CSS class
    ``commitment-explorer`` and a ``data-figures`` attribute with the number of stored figures.
    """
    sliders = list(sliders)
    names = [s.name for s in sliders]
    if len(set(names)) != len(names):
        raise ValueError(f"slider names must be distinct, got {names}")
    n = 1
    for s in sliders:
        n *= len(s.values)
    if n > max_figures:
        raise ValueError(f"the slider grid has {n} combinations; max_figures is {max_figures}: use fewer values")
    frames = {}
    start = tuple(s.values.index(s.default) for s in sliders)
    for idx in itertools.product(*(range(len(s.values)) for s in sliders)):
        params = {s.name: s.values[i] for s, i in zip(sliders, idx)}
        fig, extra = _split(draw(**params))
        if idx == start:  # the default figure at print resolution too, for the PDF
            default_png = _png(fig, PRINT_DPI, close=False)
        frames["-".join(map(str, idx))] = [_png(fig, dpi), extra]
    uid = "explorer-" + uuid.uuid4().hex[:10]
    controls = []
    for k, (s, i0) in enumerate(zip(sliders, start)):
        shown = json.dumps([s.show(v) for v in s.values])
        if len(s.values) == 1:  # fixed on the website: say so instead of showing a slider that cannot move
            controls.append(
                f'<label style="display:block;margin:0.2em 0">{html.escape(s.label)}: '
                f'<input type="hidden" value="0" data-slider="{k}" data-labels=\'{html.escape(shown)}\'>'
                f'<output>{html.escape(s.show(s.default))}</output> '
                f'<em style="opacity:0.7">(fixed here; the live version in Jupyter moves it)</em></label>'
            )
            continue
        controls.append(
            f'<label style="display:block;margin:0.2em 0">{html.escape(s.label)}: '
            f'<input type="range" min="0" max="{len(s.values) - 1}" step="1" value="{i0}" '
            f'data-slider="{k}" data-labels=\'{html.escape(shown)}\' style="vertical-align:middle;width:14em"> '
            f'<output>{html.escape(s.show(s.default))}</output></label>'
        )
    key0 = "-".join(map(str, start))
    payload = json.dumps(frames).replace("</", "<\\/")  # no "</script>" inside the JSON
    heading = f"<p><strong>{html.escape(title)}</strong></p>" if title else ""
    # tables returned with the figures get cell padding here, so they read the same in Jupyter and on the site
    style = f"<style>#{uid} .explorer-extra td, #{uid} .explorer-extra th {{padding: 0.1em 0.7em}}</style>"
    page = f"""<div class="commitment-explorer" id="{uid}" data-figures="{n}">
{style}{heading}{''.join(controls)}
<img alt="explorer figure" style="max-width:100%" src="{frames[key0][0]}">
<div class="explorer-extra">{frames[key0][1]}</div>
<script type="application/json" class="explorer-frames">{payload}</script>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  var frames = JSON.parse(root.querySelector("script.explorer-frames").textContent);
  var inputs = root.querySelectorAll("input[data-slider]");
  function update() {{
    var key = Array.prototype.map.call(inputs, function (el) {{ return el.value; }}).join("-");
    inputs.forEach(function (el) {{
      el.nextElementSibling.textContent = JSON.parse(el.dataset.labels)[el.value];
    }});
    root.querySelector("img").src = frames[key][0];
    root.querySelector(".explorer-extra").innerHTML = frames[key][1];
  }}
  inputs.forEach(function (el) {{ el.addEventListener("input", update); }});
}})();
</script>
</div>"""
    return _Explorer(page, default_png.split(",", 1)[1], title)


def live_explorer(draw, sliders):
    """An ``ipywidgets`` panel calling ``draw`` live (needs a running kernel; tag the cell to skip it).

    The figure is shown as :func:`render_png`'s image. When ``draw`` raises, the panel shows
    :func:`explain`'s one- or two-line text instead of the figure, never a traceback.
    """
    import ipywidgets as widgets
    from IPython.display import HTML, Image, display

    controls = {}
    for s in sliders:
        if s.live is None:
            controls[s.name] = widgets.SelectionSlider(
                options=[(s.show(v), v) for v in s.values], value=s.default, description=s.label,
                style={"description_width": "initial"}, continuous_update=False)
        else:
            lo, hi, step = s.live
            controls[s.name] = widgets.FloatSlider(
                value=s.default, min=lo, max=hi, step=step, description=s.label,
                style={"description_width": "initial"}, continuous_update=False)

    def show(**params):
        before = set(plt.get_fignums())
        try:
            fig, extra = _split(draw(**params))
        except Exception as err:  # noqa: BLE001 - the panel reports every failure in one line
            for num in set(plt.get_fignums()) - before:  # a figure begun before the error is not shown
                plt.close(num)
            display(HTML(f'<p class="explorer-message">{html.escape(explain(err, params))}</p>'))
            return
        png = render_png(fig)  # one drawing pass at the website's resolution (the inline backend draws twice)
        plt.close(fig)
        display(Image(data=png, format="png"))
        if extra:
            display(HTML(extra))

    return widgets.interactive(show, **controls)
