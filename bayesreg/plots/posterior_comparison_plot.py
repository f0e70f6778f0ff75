"""Forest plot of the coefficients under several priors, MAP and scikit-learn overlaid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bayesreg.plots._style import SKLEARN_COLOR, color_for, new_figure, styled
from bayesreg.stats import feature_dim, posterior_coef

__all__ = ["posterior_comparison_plot"]


@styled
def posterior_comparison_plot(
    posteriors: Mapping[str, Any],
    *,
    maps: Mapping[str, Any] | None = None,
    sklearn: Mapping[str, Any] | None = None,
    prob: float = 0.94,
    inner_prob: float = 0.5,
    var_name: str = "coef",
) -> Any:
    r"""Coefficients under two or more priors, side by side (forest style).

    For each coefficient and prior: the posterior median (dot), the central
    ``inner_prob`` and ``prob`` equal-tailed intervals (thick and thin lines, from
    :func:`arviz_stats.eti` and :func:`arviz_stats.median`), the MAP (open diamond) and
    the equivalent scikit-learn estimate (black cross).

    Parameters
    ----------
    posteriors : mapping of str to DataTree
        Label -> posterior with ``posterior/<var_name>`` of dims (chain, draw, feature).
    maps : mapping of str to MapResult or array, optional
        Label -> MAP (anything with ``.coef``, or the coefficient array).
    sklearn : mapping of str to estimator or array, optional
        Label -> fitted scikit-learn estimator (``.coef_``) or coefficient array.
    prob, inner_prob : float
        Interval probabilities.

    Returns
    -------
    matplotlib.figure.Figure
        Artists carry ``gid`` ``"<label>/interval"``, ``"<label>/inner"``,
        ``"<label>/median"``, ``"<label>/map"``, ``"<label>/sklearn"``; the feature of
        row ``r`` is at y = -r (offset per prior).
    """
    import arviz_stats as azs

    if not posteriors:
        raise ValueError("posteriors must contain at least one DataTree")
    first = posterior_coef(next(iter(posteriors.values())), var_name)
    dim = feature_dim(first)
    names = [str(v) for v in first[dim].values]
    p, k = len(names), len(posteriors)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 2))
    fig, axes = new_figure(1, 1, panel=(6.8, 0.42 * p * max(k, 2) / 2 + 1.8))
    ax = axes[0, 0]
    rows = -np.arange(p, dtype=float)

    def coef_of(obj: Any) -> np.ndarray:
        for attr in ("coef", "coef_"):
            if hasattr(obj, attr):
                return np.asarray(getattr(obj, attr), dtype=float).ravel()
        return np.asarray(obj, dtype=float).ravel()

    sk_labelled = False
    for i, (label, dt) in enumerate(posteriors.items()):
        da = posterior_coef(dt, var_name)
        if feature_dim(da) != dim or da.sizes[dim] != p:
            raise ValueError(f"posterior {label!r} has different coefficients from the first")
        y = rows - offsets[i]
        col = color_for(label, i)
        outer = azs.eti(da, prob=prob)
        inner = azs.eti(da, prob=inner_prob)
        med = azs.median(da, dim=["chain", "draw"], round_to="none")
        ax.hlines(y, outer.sel(ci_bound="lower"), outer.sel(ci_bound="upper"), color=col, lw=1.2,
                  gid=f"{label}/interval", label=f"{label}: median, {inner_prob:.0%} / {prob:.0%} intervals")
        ax.hlines(y, inner.sel(ci_bound="lower"), inner.sel(ci_bound="upper"), color=col, lw=3.5,
                  gid=f"{label}/inner")
        ax.scatter(med.values, y, color=col, s=18, zorder=3, gid=f"{label}/median")
        if maps is not None and label in maps:
            ax.scatter(coef_of(maps[label]), y, marker="D", s=34, facecolor="white", edgecolor=col,
                       lw=1.4, zorder=4, gid=f"{label}/map", label=f"{label}: MAP")
        if sklearn is not None and label in sklearn:
            ax.scatter(coef_of(sklearn[label]), y, marker="x", s=22, color=SKLEARN_COLOR, lw=1.1,
                       zorder=5, gid=f"{label}/sklearn",
                       label=None if sk_labelled else "scikit-learn estimate")
            sk_labelled = True
    ax.axvline(0.0, color="0.5", lw=0.8, zorder=0)
    ax.set_yticks(rows, names)
    ax.set_ylim(rows[-1] - 0.7, 0.7)
    ax.set_xlabel("coefficient")
    ax.set_title("Posterior of each coefficient under each prior")
    fig.legend(loc="outside lower center", ncols=2)
    return fig
