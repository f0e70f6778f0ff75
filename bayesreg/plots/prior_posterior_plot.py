"""Prior against posterior density for chosen coefficients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg.plots._style import MAP_COLOR, color_for, new_figure, styled
from bayesreg.priors import Prior
from bayesreg.stats import feature_dim, posterior_coef, prior_density

__all__ = ["prior_posterior_plot"]


@styled
def prior_posterior_plot(
    posteriors: Mapping[str, Any],
    priors: Mapping[str, Prior],
    *,
    features: Sequence[str] | None = None,
    maps: Mapping[str, Any] | None = None,
    var_name: str = "coef",
    ncols: int = 3,
) -> Any:
    r"""One panel per chosen coefficient: prior density (dashed) and posterior density
    (solid, a KDE from :func:`arviz_stats.kde`) under each prior; MAP as a vertical tick.

    Parameters
    ----------
    posteriors : mapping of str to DataTree
        Label -> posterior with ``posterior/<var_name>`` of dims (chain, draw, feature).
    priors : mapping of str to Prior
        Label -> the prior behind the posterior.
    features : sequence of str, optional
        Coordinates of the feature dimension to show (default: all).
    maps : mapping of str to MapResult or array, optional
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

    if not posteriors:
        raise ValueError("posteriors must contain at least one DataTree")
    missing = set(posteriors) - set(priors)
    if missing:
        raise ValueError(f"no prior given for posterior(s) {sorted(missing)}")
    first = posterior_coef(next(iter(posteriors.values())), var_name)
    dim = feature_dim(first)
    all_names = [str(v) for v in first[dim].values]
    features = all_names if features is None else [str(f) for f in features]
    unknown = [f for f in features if f not in all_names]
    if unknown:
        raise ValueError(f"unknown features {unknown}; available: {all_names}")
    ncols = max(1, min(int(ncols), len(features)))
    nrows = -(-len(features) // ncols)
    fig, axes = new_figure(nrows, ncols, panel=(3.4, 2.7))
    flat = axes.ravel()
    for ax in flat[len(features):]:
        ax.remove()
    for f_idx, name in enumerate(features):
        ax = flat[f_idx]
        j = all_names.index(name)
        kdes = {}
        for label, dt in posteriors.items():
            da = posterior_coef(dt, var_name)
            kdes[label] = azs.kde(da.isel({feature_dim(da): j}))
        lo = min(float(k.sel(plot_axis="x").min()) for k in kdes.values())
        hi = max(float(k.sel(plot_axis="x").max()) for k in kdes.values())
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        pad = 0.1 * (hi - lo)
        grid = np.linspace(lo - pad, hi + pad, 400)
        for i, (label, kde) in enumerate(kdes.items()):
            col = color_for(label, i)
            ax.plot(kde.sel(plot_axis="x"), kde.sel(plot_axis="y"), color=col, gid=f"{label}/posterior",
                    label=f"{label} posterior")
            d = prior_density(priors[label], max(abs(grid[0]), abs(grid[-1])), n_grid=801)
            ax.plot(d.x, d.density, color=col, ls="--", lw=1.2, gid=f"{label}/prior", label=f"{label} prior",
                    drawstyle="default" if d.exact else "steps-mid")
            if maps is not None and label in maps:
                m = maps[label]
                coef = np.asarray(getattr(m, "coef", m), dtype=float).ravel()
                ax.axvline(coef[j], color=col, ls=":", lw=1.2, gid=f"{label}/map", label=f"{label} MAP")
        ax.axvline(0.0, color=MAP_COLOR, lw=0.6, alpha=0.4)
        ax.set_title(name)
        ax.set_xlim(grid[0], grid[-1])
        ax.set_ylim(bottom=0)
        ax.set_xlabel("coefficient")
    for ax in axes[:, 0]:
        ax.set_ylabel("density")
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6))
    fig.suptitle("Prior versus posterior")
    return fig
