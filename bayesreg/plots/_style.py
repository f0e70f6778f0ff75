"""Shared look of bayesreg figures: one colour per prior family, paper-style rc settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bayesreg.families import PRIOR_FAMILIES

__all__ = ["color_for", "feature_color", "paper_style", "styled", "new_figure", "EPS_COLOR", "SKLEARN_COLOR", "MAP_COLOR"]

# Okabe-Ito palette (colour-blind safe); the prior families' own colours are in bayesreg.families.
_CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
EPS_COLOR = "#999999"
SKLEARN_COLOR = "#000000"
MAP_COLOR = "#000000"

_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
}


def feature_color(index: int, n: int) -> str:
    """Colour of feature ``index`` of ``n``: ``tab10`` up to 10 features, else ``viridis``."""
    import matplotlib as mpl

    if n <= 10:
        return mpl.colors.to_hex(mpl.colormaps["tab10"](index % 10))
    return mpl.colors.to_hex(mpl.colormaps["viridis"](index / max(n - 1, 1)))


def _letters(text: str) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def color_for(name: str, index: int = 0) -> str:
    """Colour of the prior family ``name`` names, else the ``index``-th colour of the cycle.

    ``name`` is matched case-insensitively on the longest family name or alias
    (:mod:`bayesreg.families`) it contains, so ``"Lasso"``, ``"Laplace(scale=1)"`` and
    ``"Bayesian lasso"`` each get their family's colour; aliases of two letters (``l1``,
    ``hs``) are not matched inside longer words.
    """
    key = _letters(name)
    hits = [
        (len(word), fam.color)
        for fam in PRIOR_FAMILIES.values()
        for word in map(_letters, (fam.name, *fam.aliases))
        if word == key or (len(word) > 2 and word in key)
    ]
    return max(hits)[1] if hits else _CYCLE[index % len(_CYCLE)]


@contextmanager
def paper_style() -> Iterator[None]:
    """Temporarily apply bayesreg's rc settings.

    Only the keys bayesreg sets are saved and restored (unlike ``plt.rc_context``, which
    restores every key and so would undo a backend's own changes made meanwhile, such as
    the interactive mode a Jupyter kernel switches on when the first figure is created).
    """
    import matplotlib as mpl

    old = {k: mpl.rcParams[k] for k in _RC}
    mpl.rcParams.update(_RC)
    try:
        yield
    finally:
        mpl.rcParams.update(old)


def new_figure(nrows: int = 1, ncols: int = 1, *, panel: tuple[float, float] = (4.2, 3.3), **kw: Any):
    """Figure and axes array (always 2-D) with ``panel`` inches per panel, constrained layout."""
    import matplotlib.pyplot as plt

    with paper_style():
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(panel[0] * ncols, panel[1] * nrows), squeeze=False,
            layout="constrained", **kw,
        )
    return fig, axes


def styled(func):
    """Decorator: run a plot function inside :func:`paper_style` (rc values are read when
    artists are created, so the whole function must run inside the context)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        with paper_style():
            return func(*args, **kwargs)

    return wrapper
