"""Prior against posterior density for chosen coefficients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg.plots._inputs import coef_vector, feature_rows, posterior_series, series_priors
from bayesreg.plots._style import MAP_COLOR, new_figure, series_colors, styled
from bayesreg.priors import Prior
from bayesreg.stats import feature_dim, posterior_coef, prior_density

__all__ = ["prior_posterior_plot", "MAX_PANELS"]

#: panels drawn when neither ``features`` nor ``max_features`` is given
MAX_PANELS = 12
#: longest panel title (a feature name) before it is shortened in the middle
_TITLE_CHARS = 36


@styled
def prior_posterior_plot(
    posteriors: Any,
    priors: Mapping[str, Prior] | Prior | None = None,
    *,
    features: Sequence[str] | None = None,
    max_features: int | None = MAX_PANELS,
    maps: Mapping[str, Any] | None = None,
    var_name: str = "coef",
    ncols: int = 3,
) -> Any:
    r"""One panel per chosen coefficient: prior density (dashed) and posterior density
    (solid, a KDE from :func:`arviz_stats.kde`) under each prior; MAP as a vertical tick.

    Parameters
    ----------
    posteriors : DataTree, estimator, sequence or mapping of str to either
        A posterior from :func:`bayesreg.sample_posterior` (or an estimator after
        ``.sample_posterior``), several, or label -> posterior; ``posterior/<var_name>``
        of dims (chain, draw, feature).
    priors : Prior or mapping of str to Prior, optional
        Label -> the prior behind the posterior; default: read from each DataTree.
    features : sequence of str, optional
        Coordinates of the feature dimension to show.
    max_features : int or None, default 12
        Without ``features``: at most this many panels, the coefficients with the largest
        posterior :math:`|\mathrm{median}|` (None: all).
    maps : mapping of str to MapResult, estimator or array, optional
        MAP coefficients to mark.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per feature (titled with its name); lines carry ``gid``
        ``"<label>/prior"`` and ``"<label>/posterior"``.
    """
    import arviz_stats as azs

    posts = posterior_series(posteriors, var_name)
    pri = series_priors(posts, priors)
    rows = feature_rows(posts, var_name, features, max_features, _TITLE_CHARS)
    colors = series_colors(pri)
    ncols = max(1, min(int(ncols), len(rows.index)))
    nrows = -(-len(rows.index) // ncols)
    fig, axes = new_figure(nrows, ncols, panel=(3.4, 2.7))
    flat = axes.ravel()
    for ax in flat[len(rows.index):]:
        ax.remove()
    map_coefs = {label: coef_vector(m, len(rows.names), f"maps[{label!r}]") for label, m in (maps or {}).items()
                 if label in posts}
    for f_idx, (name, j) in enumerate(zip(rows.labels, rows.index, strict=True)):
        ax = flat[f_idx]
        kdes = {}
        for label, dt in posts.items():
            da = posterior_coef(dt, var_name)
            kdes[label] = azs.kde(da.isel({feature_dim(da): j}))
        lo = min(float(k.sel(plot_axis="x").min()) for k in kdes.values())
        hi = max(float(k.sel(plot_axis="x").max()) for k in kdes.values())
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        pad = 0.1 * (hi - lo)
        grid = np.linspace(lo - pad, hi + pad, 400)
        for label, kde in kdes.items():
            col = colors[label]
            ax.plot(kde.sel(plot_axis="x"), kde.sel(plot_axis="y"), color=col, gid=f"{label}/posterior",
                    label=f"{label} posterior")
            d = prior_density(pri[label], max(abs(grid[0]), abs(grid[-1])), n_grid=801)
            ax.plot(d.x, d.density, color=col, ls="--", lw=1.2, gid=f"{label}/prior", label=f"{label} prior",
                    drawstyle="default" if d.exact else "steps-mid")
            if label in map_coefs:
                ax.axvline(map_coefs[label][j], color=col, ls=":", lw=1.2, gid=f"{label}/map", label=f"{label} MAP")
        ax.axvline(0.0, color=MAP_COLOR, lw=0.6, alpha=0.4)
        ax.set_title(name)
        ax.set_xlim(grid[0], grid[-1])
        ax.set_ylim(bottom=0)
        ax.set_xlabel("coefficient")
    for ax in axes[:, 0]:
        ax.set_ylabel("density")
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6))
    fig.suptitle("Prior versus posterior" + rows.note)
    return fig
