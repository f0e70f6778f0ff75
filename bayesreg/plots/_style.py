"""Shared look of bayesreg figures: one colour per prior family, paper-style rc settings,
labels that fit, and figures that Jupyter shows once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from matplotlib.figure import Figure

from bayesreg.families import PRIOR_FAMILIES, prior_family

__all__ = [
    "color_for", "series_colors", "feature_color", "paper_style", "styled", "new_figure",
    "BayesregFigure", "FIGURE_KWARGS", "short_labels", "row_panel", "EPS_COLOR", "SKLEARN_COLOR",
    "MAP_COLOR", "MAX_LABEL_CHARS",
]

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
    # "+" is part of a name ("Horseshoe+"), not punctuation
    return "".join(ch for ch in str(text).lower().replace("+", "plus") if ch.isalnum())


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


def series_colors(priors: Mapping[str, Any]) -> dict[str, str]:
    """Label -> colour of each series of a figure: its prior family's colour.

    The family is that of the series' prior (a :class:`~bayesreg.priors.Prior`, or None when
    unknown, then the family the label names, :func:`color_for`). A family met again in
    the same figure (two Laplace priors of different scales) gets a darker shade of its
    colour, so series stay distinct and keep their family's hue.
    """
    import matplotlib as mpl
    import numpy as np

    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i, (label, prior) in enumerate(priors.items()):
        try:
            base = prior_family(prior).color if prior is not None else color_for(label, i)
        except ValueError:
            base = color_for(label, i)
        k = seen.get(base, 0)
        seen[base] = k + 1
        rgb = np.asarray(mpl.colors.to_rgb(base)) * (0.6 ** k)
        out[label] = mpl.colors.to_hex(rgb)
    return out


#: longest tick label, in characters, before :func:`short_labels` elides its middle
MAX_LABEL_CHARS = 28


def short_labels(names: Sequence[str], max_chars: int = MAX_LABEL_CHARS) -> list[str]:
    """``names`` with those longer than ``max_chars`` cut in the middle (``"very_lo…_suffix"``).

    The start and the end survive (a one-hot column keeps its ``=level``); shortened names
    that would coincide get their position appended, so every label stays distinct.
    """
    max_chars = max(int(max_chars), 5)
    head = (max_chars - 1) // 2
    tail = max_chars - 1 - head
    out = [n if len(n) <= max_chars else f"{n[:head]}…{n[-tail:]}" for n in map(str, names)]
    counts: dict[str, int] = {}
    for label in out:
        counts[label] = counts.get(label, 0) + 1
    return [f"{label} [{j}]" if counts[label] > 1 and label != str(names[j]) else label
            for j, label in enumerate(out)]


def row_panel(n_rows: int, *, width: float = 6.8, per_row: float = 0.24, extra: float = 1.6) -> tuple[float, float]:
    """Panel size (inches) of a figure with one row per feature: ``per_row`` inches per row
    (room for a 10-pt label) plus ``extra`` for the title, axis and legend."""
    return (width, per_row * max(int(n_rows), 1) + extra)


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


def _inline_backend() -> bool:
    """Whether matplotlib draws into Jupyter's cell outputs (the inline backend), which draws
    every figure still open in pyplot at the end of the cell."""
    import matplotlib

    return "inline" in matplotlib.get_backend().lower()


class BayesregFigure(Figure):
    """The matplotlib :class:`~matplotlib.figure.Figure` every bayesreg plot returns.

    A plain ``Figure`` in every respect but one: in Jupyter it is displayed once. Like the
    figure of an arviz-plots ``PlotCollection`` it stays open in pyplot, so ``plt.show()``
    shows it and the inline backend draws it at the end of the cell when it is assigned
    (``fig = plots.path_plot(path)``). Displayed earlier (the last value of a cell, or
    ``display(fig)``), it is drawn by IPython's formatters as any figure and, under the
    inline backend, closed in pyplot so that the end of the cell does not draw it again.
    """

    def _ipython_display_(self) -> None:
        from IPython import get_ipython
        from IPython.display import publish_display_data

        shell = get_ipython()
        if shell is None:  # pragma: no cover - only IPython calls this
            return
        data, metadata = {}, {}
        for mime, formatter in shell.display_formatter.formatters.items():
            if not formatter.enabled:
                continue
            value = formatter(self)
            if isinstance(value, tuple) and len(value) == 2:
                value, metadata[mime] = value
            if value is not None:
                data[mime] = value
        publish_display_data(data, metadata)
        if _inline_backend():
            import matplotlib.pyplot as plt

            plt.close(self)


#: keyword arguments that make pyplot (and arviz-plots' ``figure_kwargs``) create a :class:`BayesregFigure`
FIGURE_KWARGS = {"FigureClass": BayesregFigure}


def new_figure(nrows: int = 1, ncols: int = 1, *, panel: tuple[float, float] = (4.2, 3.3), **kw: Any):
    """Figure (a :class:`BayesregFigure`) and axes array (always 2-D) with ``panel`` inches
    per panel, constrained layout."""
    import matplotlib.pyplot as plt

    with paper_style():
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(panel[0] * ncols, panel[1] * nrows), squeeze=False,
            layout="constrained", **FIGURE_KWARGS, **kw,
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
