"""Prior densities side by side: linear and log scale, mass within ±ε annotated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bayesreg.plots._style import EPS_COLOR, color_for, new_figure, styled
from bayesreg.priors import Prior
from bayesreg.stats import default_eps, matched_variance_priors, prior_mass_near_zero, prior_sd

__all__ = ["priors_plot"]


@styled
def priors_plot(
    priors: Mapping[str, Prior] | None = None,
    *,
    variance: float = 1.0,
    eps: float | None = None,
    x_max: float | None = None,
    n_grid: int = 2001,
) -> Any:
    r"""Densities :math:`p(w)` of coefficient priors, linear (left) and log (right) scale.

    Each curve's legend entry carries the prior's mass :math:`P(|w|<\varepsilon)`
    (:func:`bayesreg.stats.prior_mass_near_zero`); the interval :math:`\pm\varepsilon` is
    shaded. The log panel shows the shapes behind the penalties: a parabola
    (Gaussian, :math:`-w^2/2\tau^2`) against a tent (Laplace, :math:`-|w|/b`) with a kink
    at zero.

    Parameters
    ----------
    priors : mapping of str to Prior, optional
        Label -> prior. Default: :func:`bayesreg.stats.matched_variance_priors` at
        ``variance`` (Gaussian and Laplace of equal variance).
    variance : float, default=1.0
        Common variance of the default priors.
    eps : float, optional
        Half-width of the near-zero interval; default :func:`bayesreg.stats.default_eps`.
    x_max : float, optional
        Half-width of the plotted range; default 4 prior standard deviations.
    n_grid : int
        Grid points (odd, so that 0 is on the grid).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; each prior's line carries ``gid`` = its label.
    """
    matched = priors is None
    if matched:
        priors = matched_variance_priors(variance)
    if not priors:
        raise ValueError("priors must contain at least one prior")
    eps = default_eps(priors) if eps is None else float(eps)
    if x_max is None:
        x_max = 4.0 * max(prior_sd(p) for p in priors.values())
    n_grid = int(n_grid) | 1
    w = np.linspace(-x_max, x_max, n_grid)
    fig, axes = new_figure(1, 2)
    ax_lin, ax_log = axes[0]
    for i, (label, prior) in enumerate(priors.items()):
        logp = np.asarray(prior.logpdf(w), dtype=float)
        mass = prior_mass_near_zero(prior, eps)
        col = color_for(label, i)
        text = f"{label}: P(|w|<ε) = {mass:.3f}"
        dens = np.exp(logp)
        finite = np.isfinite(dens)
        ax_lin.plot(w[finite], dens[finite], color=col, label=text, gid=label)
        ax_log.plot(w[np.isfinite(logp)], logp[np.isfinite(logp)], color=col, label=text, gid=label)
    for ax in (ax_lin, ax_log):
        ax.axvspan(-eps, eps, color=EPS_COLOR, alpha=0.25, lw=0, label=f"±ε, ε = {eps:.3g}")
        ax.set_xlabel("coefficient w")
        ax.set_xlim(-x_max, x_max)
    ax_lin.set_ylabel("density p(w)")
    ax_lin.set_ylim(bottom=0)
    ax_log.set_ylabel("log density log p(w)")
    ax_lin.set_title("Prior density")
    ax_log.set_title("Log density (= −penalty / σ² + const)")
    fig.legend(*ax_lin.get_legend_handles_labels(), loc="outside lower center", ncols=len(priors) + 1)
    fig.suptitle(f"Coefficient priors at matched variance {variance:g}" if matched else "Coefficient priors")
    return fig
