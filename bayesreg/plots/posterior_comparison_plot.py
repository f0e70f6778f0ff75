"""Forest plot of the coefficients under several priors, MAP and scikit-learn overlaid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg import settings
from bayesreg.plots._inputs import coef_vector, feature_rows, posterior_series, series_priors
from bayesreg.plots._style import MAX_LABEL_CHARS, SKLEARN_COLOR, new_figure, row_panel, series_colors, styled
from bayesreg.stats import posterior_coef

__all__ = ["posterior_comparison_plot"]


@styled
def posterior_comparison_plot(
    posteriors: Any,
    *,
    maps: Mapping[str, Any] | None = None,
    sklearn: Mapping[str, Any] | None = None,
    prob: float | None = None,
    inner_prob: float = 0.5,
    var_name: str = "coef",
    features: Sequence[str] | None = None,
    max_features: int | None = None,
    max_label_chars: int = MAX_LABEL_CHARS,
) -> Any:
    r"""Coefficients under one or more priors, side by side (forest style).

    For each coefficient and prior: the posterior median (dot), the central
    ``inner_prob`` and ``prob`` equal-tailed intervals (thick and thin lines, from
    :func:`arviz_stats.eti` and :func:`arviz_stats.median`), the MAP (open diamond) and
    the equivalent scikit-learn estimate (black cross). One row per coefficient.

    Parameters
    ----------
    posteriors : DataTree, estimator, sequence or mapping of str to either
        A posterior from :func:`bayesreg.sample_posterior` (or an estimator after
        ``.sample_posterior``), several, or label -> posterior; ``posterior/<var_name>``
        of dims (chain, draw, feature).
    maps : mapping of str to MapResult, estimator or array, optional
        Label -> MAP (a :class:`~bayesreg.map.MapResult`, a fitted bayesreg estimator, or
        the coefficient array).
    sklearn : mapping of str to estimator or array, optional
        Label -> fitted scikit-learn estimator (``.coef_``) or coefficient array.
    prob : float, optional
        Outer interval probability; default :data:`bayesreg.settings.CI_PROB`.
    inner_prob : float
        Inner interval probability.
    features, max_features : optional
        The coefficients to show by name, or only the ``max_features`` with the largest
        posterior :math:`|\mathrm{median}|`.
    max_label_chars : int
        Longer feature names are shortened in the middle.

    Returns
    -------
    matplotlib.figure.Figure
        Artists carry ``gid`` ``"<label>/interval"``, ``"<label>/inner"``,
        ``"<label>/median"``, ``"<label>/map"``, ``"<label>/sklearn"``; the feature of
        row ``r`` is at y = -r (offset per prior).
    """
    import arviz_stats as azs

    prob = settings.ci_prob(prob)
    inner_prob = settings.ci_prob(inner_prob)
    posts = posterior_series(posteriors, var_name)
    rows = feature_rows(posts, var_name, features, max_features, max_label_chars)
    p_all, k = len(rows.names), len(posts)
    offsets = (np.arange(k) - (k - 1) / 2) * (0.7 / max(k, 2))
    fig, axes = new_figure(1, 1, panel=row_panel(len(rows.index), per_row=max(0.24, 0.14 * k)))
    ax = axes[0, 0]
    colors = series_colors(series_priors(posts, required=False))
    sk_labelled = False
    for i, (label, dt) in enumerate(posts.items()):
        da = posterior_coef(dt, var_name).isel({rows.dim: rows.index})
        y = rows.y - offsets[i]
        col = colors[label]
        outer = azs.eti(da, prob=prob)
        inner = azs.eti(da, prob=inner_prob)
        med = azs.median(da, dim=["chain", "draw"], round_to="none")
        ax.hlines(y, outer.sel(ci_bound="lower"), outer.sel(ci_bound="upper"), color=col, lw=1.2,
                  gid=f"{label}/interval",
                  label=f"{label}: median, {settings.percent(inner_prob)} / {settings.percent(prob)} intervals")
        ax.hlines(y, inner.sel(ci_bound="lower"), inner.sel(ci_bound="upper"), color=col, lw=3.5,
                  gid=f"{label}/inner")
        ax.scatter(med.values, y, color=col, s=18, zorder=3, gid=f"{label}/median")
        if maps is not None and label in maps:
            coef = coef_vector(maps[label], p_all, f"maps[{label!r}]")[rows.index]
            ax.scatter(coef, y, marker="D", s=34, facecolor="white", edgecolor=col,
                       lw=1.4, zorder=4, gid=f"{label}/map", label=f"{label}: MAP")
        if sklearn is not None and label in sklearn:
            coef = coef_vector(sklearn[label], p_all, f"sklearn[{label!r}]")[rows.index]
            ax.scatter(coef, y, marker="x", s=22, color=SKLEARN_COLOR, lw=1.1,
                       zorder=5, gid=f"{label}/sklearn",
                       label=None if sk_labelled else "scikit-learn estimate")
            sk_labelled = True
    ax.axvline(0.0, color="0.5", lw=0.8, zorder=0)
    rows.apply(ax)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("coefficient")
    ax.set_title("Posterior of each coefficient" + (" under each prior" if k > 1 else "") + rows.note)
    fig.legend(loc="outside upper center", ncols=2)
    return fig

