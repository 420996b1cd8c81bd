"""commitment.glue sends the display message of myst_nb.glue (so {glue} roles work), without its import."""

import numpy as np
import pytest

from commitment import glue


def _capture(monkeypatch, name, value, display):
    import IPython.display
    import myst_nb.ext.glue as mg

    calls = {"ours": [], "myst": []}
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: calls["ours"].append((a, k)))
    monkeypatch.setattr(mg, "ipy_display", lambda *a, **k: calls["myst"].append((a, k)))
    glue(name, value, display=display)
    return calls, mg


@pytest.mark.parametrize("value, display", [(0.0389612345, False), (24, False), ("domestic only", True),
                                            ([1, 2], False)])
def test_glue_matches_myst_nb(monkeypatch, value, display):
    calls, mg = _capture(monkeypatch, "x", value, display)
    mg.glue("x", value, display=display)
    assert len(calls["ours"]) == 1 and calls["ours"] == calls["myst"]


def test_numpy_scalars_are_glued_as_python_numbers(monkeypatch):
    calls, mg = _capture(monkeypatch, "x", np.float64(0.125), False)
    mg.glue("x", 0.125, display=False)  # what myst-nb would send for the plain float
    assert calls["ours"] == calls["myst"]
    (bundle,), _ = calls["ours"][0]
    assert bundle["application/papermill.record/text/plain"] == "0.125"
