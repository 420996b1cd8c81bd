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

__all__ = ["Slider", "static_explorer", "live_explorer"]


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


def _split(result):
    if isinstance(result, tuple):
        fig, extra = result
        return fig, extra
    return result, ""


def _png(fig, dpi) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class _HTML:
    """Minimal rich-display object (text/html), so the module does not need IPython at import."""

    def __init__(self, data: str):
        self.data = data

    def _repr_html_(self):
        return self.data


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
    for idx in itertools.product(*(range(len(s.values)) for s in sliders)):
        params = {s.name: s.values[i] for s, i in zip(sliders, idx)}
        fig, extra = _split(draw(**params))
        frames["-".join(map(str, idx))] = [_png(fig, dpi), extra]
    uid = "explorer-" + uuid.uuid4().hex[:10]
    start = [s.values.index(s.default) for s in sliders]
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
    return _HTML(page)


def live_explorer(draw, sliders):
    """An ``ipywidgets`` panel calling ``draw`` live (needs a running kernel; tag the cell to skip it)."""
    import ipywidgets as widgets
    from IPython.display import HTML, display

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
        fig, extra = _split(draw(**params))
        plt.show()
        if extra:
            display(HTML(extra))

    return widgets.interactive(show, **controls)
