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


def test_live_panel_shows_a_message_never_a_traceback(monkeypatch, caplog):
    """A draw that raises: one line in the panel, "Nothing to draw here" when explained, "Unexpected
    error" for a bug; nothing escapes to ipywidgets (which would log or show the traceback)."""
    import IPython.display

    from commitment.explorer import NothingToDraw

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(getattr(obj, "data", repr(obj))))

    def no_equilibrium(a, b):
        plt.figure()  # begun before the error: must not be shown
        raise NothingToDraw(f"no equilibrium at a = {a}")

    def bug(a, b):
        return 1 / 0

    for draw_, expected in ((no_equilibrium, "Nothing to draw here: no equilibrium at a = 2"),
                            (bug, "Unexpected error (a bug, please report it) at a = 2, b = 0.5: ZeroDivisionError")):
        n_figures = len(plt.get_fignums())
        shown.clear()
        live_explorer(draw_, SLIDERS).update()  # (the panel also draws once when it is built)
        assert shown and all(expected in out and "Traceback" not in out and "\n" not in out for out in shown)
        assert len(plt.get_fignums()) == n_figures
    assert "Exception in interact callback" not in caplog.text


def test_explained_exceptions():
    """NothingToDraw, NoEquilibrium and the library's ValueErrors are explained; NumPy's or SciPy's
    ValueErrors (raised in their code: a bug of the caller) and other exceptions are not."""
    import numpy as np

    from commitment import fire_sales as fs
    from commitment.explorer import NothingToDraw, explain, is_explained
    from commitment.self_enforcing_debt import steady_state

    def raised(f):
        try:
            f()
        except Exception as err:  # noqa: BLE001
            return err
        raise AssertionError("did not raise")

    assert is_explained(raised(lambda: steady_state(1.5, 0.5, 1.2)))  # beta outside (0, 1): validation
    assert is_explained(NothingToDraw("x = 1"))
    assert is_explained(fs.NoSupportedEquilibrium("none")) and issubclass(fs.NoSupportedEquilibrium, RuntimeError)
    assert not is_explained(raised(lambda: np.ones(2) + np.ones(3)))
    assert not is_explained(raised(lambda: {}["k"]))
    assert not is_explained(RuntimeError("did not converge"))
    assert len(explain(NothingToDraw("x" * 1000))) < 250
