"""The explorer helpers: static HTML with one pre-rendered figure per slider combination."""

import json
import re

import matplotlib.pyplot as plt
import pytest

from commitment.explorer import Slider, live_explorer, static_explorer

CALLS = []


def draw(a, b):
    CALLS.append((a, b))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [a, b])
    return fig, f"<p>a={a}, b={b}</p>"


SLIDERS = [Slider("a", "first", (1, 2, 3), 2), Slider("b", "second", (0.5, 1.5), 0.5, live=(0.0, 2.0, 0.1))]


def test_static_explorer_renders_every_combination_once():
    CALLS.clear()
    page = static_explorer(draw, SLIDERS, title="t")._repr_html_()
    assert sorted(CALLS) == [(a, b) for a in (1, 2, 3) for b in (0.5, 1.5)]
    frames = json.loads(re.search(r'class="explorer-frames">(.*?)</script>', page, re.S).group(1))
    assert sorted(frames) == [f"{i}-{j}" for i in range(3) for j in range(2)]
    assert all(v[0].startswith("data:image/png;base64,") for v in frames.values())
    assert frames["2-1"][1] == "<p>a=3, b=1.5</p>"
    assert 'data-figures="6"' in page and page.count('type="range"') == 2
    # the page opens on the defaults: a = 2 (index 1), b = 0.5 (index 0)
    assert '<div class="explorer-extra"><p>a=2, b=0.5</p></div>' in page


def test_single_valued_sliders_are_shown_as_fixed():
    page = static_explorer(draw, [SLIDERS[0], Slider("b", "second", (0.5,), 0.5, live=(0.0, 1.0, 0.1))])._repr_html_()
    assert page.count('type="range"') == 1 and page.count('type="hidden"') == 1
    assert "fixed here" in page


def test_static_explorer_refuses_large_grids():
    with pytest.raises(ValueError, match="max_figures"):
        static_explorer(draw, SLIDERS, max_figures=5)


def test_slider_validation():
    with pytest.raises(ValueError, match="default"):
        Slider("a", "a", (1, 2), 3)
    with pytest.raises(ValueError, match="live"):
        Slider("a", "a", (1, 2), 1, live=(2.0, 1.0, 0.1))
    with pytest.raises(ValueError, match="distinct"):
        static_explorer(draw, [SLIDERS[0], SLIDERS[0]])


def test_live_explorer_builds_widgets():
    panel = live_explorer(draw, SLIDERS)
    assert [w.description for w in panel.children[:2]] == ["first", "second"]
