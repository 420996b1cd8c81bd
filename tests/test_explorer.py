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


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(float)


def _tight_savefig(fig, dpi):
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


@pytest.mark.parametrize("draw_name, params", [
    ("commitment.numerical_methods_explorers:draw_interpolation", dict(sigma=2.0, n=9)),
    ("commitment.numerical_methods_explorers:draw_interpolation", dict(sigma=0.5, n=33)),
])
@pytest.mark.parametrize("dpi", [72, 150])
def test_one_pass_frames_are_the_tight_savefig_images(draw_name, params, dpi):
    """tight_png (one drawing pass, then a crop) gives savefig(bbox_inches="tight")'s image: the same
    size to a pixel, the same picture up to the antialiasing of a sub-pixel shift. Tolerance: the mean
    absolute difference measured on these figures was 1.7-2.4 (of 255); a clipped label or a missing
    margin moves whole rows or columns of pixels and fails by far more (the second test)."""
    import importlib

    from commitment.explorer import tight_png
    from commitment.plotting import use_book_style

    use_book_style()
    module, name = draw_name.split(":")
    fig = getattr(importlib.import_module(module), name)(**params)
    ours, theirs = _pixels(tight_png(fig, dpi)), _pixels(_tight_savefig(fig, dpi))
    plt.close(fig)
    assert _same_picture(ours, theirs)


def _same_picture(a, b, mean_tol=4.0):
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return abs(a[:h, :w] - b[:h, :w]).mean() <= mean_tol


def test_the_comparison_fails_on_a_crop_that_clips_and_overhanging_content_falls_back_to_savefig():
    from commitment.explorer import tight_png

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x label")
    good = _pixels(tight_png(fig, 72))
    assert _same_picture(good, good) and not _same_picture(good[:-12], good)  # the x label's rows cut off
    shifted = good.copy()
    shifted[:, 3:] = good[:, :-3]  # the content three pixels to the right: same size, another picture
    assert not _same_picture(shifted, good)
    ax.legend(["a line"], loc="center left", bbox_to_anchor=(1.2, 0.5))  # reaches past the figure's edge
    assert tight_png(fig, 72) == _tight_savefig(fig, 72)
    plt.close(fig)
