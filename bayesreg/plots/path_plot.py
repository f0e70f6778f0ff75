"""Regularisation paths against λ, with optional posterior credible bands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bayesreg.families import prior_family
from bayesreg.plots._style import feature_color, new_figure, styled
from bayesreg.stats import PathBands, path_lambdas

__all__ = ["path_plot"]


@styled
def path_plot(
    paths: Mapping[str, Any],
    *,
    bands: Mapping[str, PathBands] | None = None,
    mark: Mapping[str, float] | None = None,
) -> Any:
    r"""MAP coefficient paths against the penalty λ (log axis), one panel per path.

    The paths come from :func:`bayesreg.map_path` (warm-started, exact zeros for L1);
    the x-axis is :func:`bayesreg.stats.path_lambdas`. ``bands`` adds credible bands
    (:func:`bayesreg.stats.ridge_path_bands`, exact for the Gaussian prior, or
    :func:`bayesreg.stats.posterior_path_bands` from MCMC at a few λ): shaded when they
    cover the whole path, error bars at the sampled λ otherwise.

    Parameters
    ----------
    paths : mapping of str to MapPath
        Panel title -> path (e.g. ``{"Ridge": ..., "Lasso": ...}``).
    bands : mapping of str to PathBands, optional
        Panel title -> bands.
    mark : mapping of str to float, optional
        Panel title -> a λ to mark with a vertical line (e.g. the fitted model's).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per path; coefficient lines carry ``gid`` = feature name.
    """
    if not paths:
        raise ValueError("paths must contain at least one MapPath")
    fig, axes = new_figure(1, len(paths), panel=(4.8, 3.8), sharey=False)
    names = None
    for ax, (title, path) in zip(axes[0], paths.items(), strict=True):
        lam = path_lambdas(path)
        p = path.coefs.shape[1]
        names = [str(n) for n in path.feature_names] if path.feature_names is not None else [f"x{j}" for j in range(p)]
        band = None if bands is None else bands.get(title)
        for j in range(p):
            col = feature_color(j, p)
            ax.plot(lam, path.coefs[:, j], color=col, gid=names[j], label=names[j])
            if band is None:
                continue
            if band.lam.size == lam.size and np.allclose(band.lam, lam):
                ax.fill_between(band.lam, band.lower[:, j], band.upper[:, j], color=col, alpha=0.12, lw=0,
                                gid=f"band/{names[j]}")
            else:
                mid = 0.5 * (band.lower[:, j] + band.upper[:, j])
                ax.errorbar(band.lam * (1 + 0.03 * (j - p / 2) / p), mid,
                            yerr=[mid - band.lower[:, j], band.upper[:, j] - mid],
                            fmt="none", ecolor=col, elinewidth=1.0, capsize=2, alpha=0.8, gid=f"band/{names[j]}")
        if band is not None:
            ax.plot([], [], color="0.6", lw=6, alpha=0.4, label=f"{band.prob:.0%} posterior band")
        if mark is not None and title in mark:
            ax.axvline(mark[title], color="0.2", ls="--", lw=1.0, gid="mark", label="fitted λ")
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.set_xscale("log")
        ax.set_xlabel(prior_family(path.priors[0]).axis_label or "λ")
        ax.set_title(f"{title} path")
    axes[0, 0].set_ylabel("MAP coefficient")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    axes[0, -1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig
