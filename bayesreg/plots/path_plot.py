"""Regularisation paths against λ, with optional posterior credible bands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg import settings
from bayesreg.families import path_axis_label
from bayesreg.plots._inputs import path_series
from bayesreg.plots._style import EPS_COLOR, MAX_LABEL_CHARS, feature_color, new_figure, short_labels, styled
from bayesreg.stats import PathBands, path_lambdas

__all__ = ["path_plot", "LEGEND_FEATURES"]

#: most features named in the legend (each its own colour); beyond, the legend names the
#: largest ones and the others are thin grey lines
LEGEND_FEATURES = 10


def _names(path: Any) -> list[str]:
    p = path.coefs.shape[1]
    return [str(n) for n in path.feature_names] if path.feature_names is not None else [f"x{j}" for j in range(p)]


@styled
def path_plot(
    paths: Any,
    *,
    bands: Mapping[str, PathBands] | PathBands | None = None,
    mark: Mapping[str, float] | float | None = None,
    features: Sequence[str] | None = None,
    max_features: int | None = None,
    max_label_chars: int = MAX_LABEL_CHARS,
) -> Any:
    r"""MAP coefficient paths against the penalty λ (log axis), one panel per path.

    The paths come from :func:`bayesreg.map_path` (warm-started, exact zeros for L1);
    the x-axis is :func:`bayesreg.stats.path_lambdas`. ``bands`` adds credible bands
    (:func:`bayesreg.stats.ridge_path_bands`, exact for the Gaussian prior, or
    :func:`bayesreg.stats.posterior_path_bands` from MCMC at a few λ): shaded when they
    cover the whole path, error bars at the sampled λ otherwise.

    With more than :data:`LEGEND_FEATURES` features drawn, the legend names only the
    :data:`LEGEND_FEATURES` largest, each in its own colour, and the others are thin grey
    lines; every line keeps its full name as ``gid``.

    Parameters
    ----------
    paths : MapPath or mapping of str to MapPath
        One path (its panel is titled with its scikit-learn twin, ``"Lasso"``), or panel
        title -> path (e.g. ``{"Ridge": ..., "Lasso": ...}``).
    bands : PathBands or mapping of str to PathBands, optional
        Panel title -> bands (one PathBands for one path).
    mark : float or mapping of str to float, optional
        Panel title -> a λ to mark with a vertical line (e.g. the fitted model's).
    features : sequence of str, optional
        The coefficients to draw, by name.
    max_features : int, optional
        Draw only this many: those with the largest :math:`|w_j|` anywhere on the paths.
    max_label_chars : int
        Longer feature names are shortened in the middle in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per path; coefficient lines carry ``gid`` = feature name.
    """
    paths = path_series(paths)
    if isinstance(bands, PathBands):
        bands = {next(iter(paths)): bands}
    if mark is not None and not isinstance(mark, Mapping):
        mark = {next(iter(paths)): float(mark)}
    names = _names(next(iter(paths.values())))
    for title, path in paths.items():
        if _names(path) != names:
            raise ValueError(f"path {title!r} has other features than the first path")
    size = np.max([np.abs(path.coefs).max(axis=0) for path in paths.values()], axis=0)
    if features is not None:
        unknown = [f for f in features if str(f) not in names]
        if unknown:
            raise ValueError(f"unknown features {unknown}; available: {', '.join(names[:20])}")
        shown = [names.index(str(f)) for f in features]
    elif max_features is not None and int(max_features) < len(names):
        shown = sorted(int(j) for j in np.argsort(-size, kind="stable")[: max(int(max_features), 1)])
    else:
        shown = list(range(len(names)))
    labels = dict(zip(shown, short_labels([names[j] for j in shown], max_label_chars), strict=True))
    legend_js = set(shown) if len(shown) <= LEGEND_FEATURES else set(
        sorted(shown, key=lambda j: -size[j])[:LEGEND_FEATURES])
    named = [j for j in shown if j in legend_js]
    style = {j: {"color": feature_color(named.index(j), len(named))} if j in legend_js
             else {"color": EPS_COLOR, "lw": 0.8, "alpha": 0.6} for j in shown}
    fig, axes = new_figure(1, len(paths), panel=(4.8, 3.8), sharey=False)
    for ax, (title, path) in zip(axes[0], paths.items(), strict=True):
        lam = path_lambdas(path)
        band = None if bands is None else bands.get(title)
        for r, j in enumerate(shown):
            col = style[j]["color"]
            ax.plot(lam, path.coefs[:, j], gid=names[j], label=labels[j] if j in legend_js else "_" + names[j],
                    zorder=2 if j in legend_js else 1, **style[j])
            if band is None:
                continue
            if band.lam.size == lam.size and np.allclose(band.lam, lam):
                ax.fill_between(band.lam, band.lower[:, j], band.upper[:, j], color=col, alpha=0.12, lw=0,
                                gid=f"band/{names[j]}")
            else:
                mid = 0.5 * (band.lower[:, j] + band.upper[:, j])
                p = len(shown)
                ax.errorbar(band.lam * (1 + 0.03 * (r - p / 2) / p), mid,
                            yerr=[mid - band.lower[:, j], band.upper[:, j] - mid],
                            fmt="none", ecolor=col, elinewidth=1.0, capsize=2, alpha=0.8, gid=f"band/{names[j]}")
        if band is not None:
            ax.plot([], [], color="0.6", lw=6, alpha=0.4, label=f"{settings.percent(band.prob)} posterior band")
        if mark is not None and title in mark:
            ax.axvline(mark[title], color="0.2", ls="--", lw=1.0, gid="mark", label="fitted λ")
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.set_xscale("log")
        ax.set_xlabel(path_axis_label(path))
        ax.set_title(f"{title} path")
    axes[0, 0].set_ylabel("MAP coefficient")
    entries: dict[str, Any] = {}
    for ax in axes[0]:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(text, handle)
    texts, handles = list(entries), list(entries.values())
    title = None if len(legend_js) == len(shown) else f"{len(legend_js)} largest of {len(shown)}"
    fig.legend(handles, texts, loc="outside right upper", title=title,
               ncols=1 if len(texts) <= 16 else 2)
    return fig
