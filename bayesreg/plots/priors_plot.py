"""Prior densities side by side: linear and log scale, mass within ±ε annotated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bayesreg.families import prior_family
from bayesreg.plots._inputs import posterior_series, series_priors, unique_label
from bayesreg.plots._style import EPS_COLOR, new_figure, series_colors, styled
from bayesreg.priors import Prior
from bayesreg.stats import default_eps, matched_variance_priors, prior_density, prior_mass_near_zero, prior_sd

__all__ = ["priors_plot"]


def _has_density(prior: Prior) -> bool:
    try:
        return bool(np.isfinite(prior.logpdf(0.0)))
    except NotImplementedError:
        return False


@styled
def priors_plot(
    priors: Mapping[str, Prior] | Prior | Any = None,
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
    priors : Prior, sequence of Prior, mapping of str to Prior, or fitted result(s), optional
        Label -> prior (one prior or a sequence: labelled with their families); a
        :class:`~bayesreg.map.MapResult` or a fitted estimator (its prior); or posterior
        DataTrees (one, several, or label -> DataTree: the priors they record).
        Default: :func:`bayesreg.stats.matched_variance_priors` at ``variance``
        (Gaussian, Laplace and regularised horseshoe of equal variance).
    variance : float, default=1.0
        Common variance of the default priors.
    eps : float, optional
        Half-width of the near-zero interval; default :func:`bayesreg.stats.default_eps`.
    x_max : float, optional
        Half-width of the plotted range; default 4 prior standard deviations.
    n_grid : int
        Grid points (odd, so that 0 is on the grid). Priors without a closed-form
        density (the horseshoe) are drawn as a Monte Carlo histogram
        (:func:`bayesreg.stats.prior_density`); the linear panel is cut at 1.15 times the
        largest closed-form density at 0, so the horseshoe's pole runs off the top.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; each prior's line carries ``gid`` = its label.
    """
    matched = priors is None
    priors = matched_variance_priors(variance, horseshoe=True) if matched else _as_priors(priors)
    eps = default_eps(priors) if eps is None else float(eps)
    if x_max is None:
        x_max = 4.0 * max(prior_sd(p) for p in priors.values())
    fig, axes = new_figure(1, 2)
    ax_lin, ax_log = axes[0]
    colors = series_colors(priors)
    for label, prior in priors.items():
        d = prior_density(prior, x_max, n_grid=n_grid)
        mass = prior_mass_near_zero(prior, eps)
        col = colors[label]
        text = f"{label}: P(|w|<ε) = {mass:.3f}" + ("" if d.exact else " (Monte Carlo)")
        style = {} if d.exact else {"drawstyle": "steps-mid", "lw": 1.2}
        with np.errstate(divide="ignore"):
            logp = np.log(d.density)
        ok = np.isfinite(logp)
        ax_lin.plot(d.x[ok], d.density[ok], color=col, label=text, gid=label, **style)
        ax_log.plot(d.x[ok], logp[ok], color=col, label=text, gid=label, **style)
    for ax in (ax_lin, ax_log):
        ax.axvspan(-eps, eps, color=EPS_COLOR, alpha=0.25, lw=0, label=f"±ε, ε = {eps:.3g}")
        ax.set_xlabel("coefficient w")
        ax.set_xlim(-x_max, x_max)
    ax_lin.set_ylabel("density p(w)")
    ax_lin.set_ylim(0, 1.15 * max(
        float(np.exp(p.logpdf(0.0))) for p in priors.values() if _has_density(p)
    ) if any(_has_density(p) for p in priors.values()) else None)
    ax_log.set_ylabel("log density log p(w)")
    ax_lin.set_title("Prior density")
    ax_log.set_title("Log density (= −penalty / σ² + const)")
    fig.legend(*ax_lin.get_legend_handles_labels(), loc="outside lower center", ncols=len(priors) + 1)
    fig.suptitle(f"Coefficient priors at matched variance {variance:g}" if matched else "Coefficient priors")
    return fig


def _as_priors(priors: Any) -> dict[str, Prior]:
    """Label -> prior from a Prior, a MapResult or fitted estimator (its prior), a sequence of
    them, a mapping, or posterior DataTree(s)."""
    if not isinstance(priors, (Prior, Mapping, list, tuple)):
        fitted = getattr(getattr(priors, "result_", priors), "prior", None)
        if isinstance(fitted, Prior) and getattr(priors, "posterior_", None) is None:
            priors = fitted
    if isinstance(priors, Prior):
        priors = [priors]
    if isinstance(priors, (list, tuple)) and priors and all(isinstance(p, Prior) for p in priors):
        out: dict[str, Prior] = {}
        for p in priors:
            out[unique_label(prior_family(p).label, out)] = p
        return out
    if isinstance(priors, Mapping) and priors and all(isinstance(p, Prior) for p in priors.values()):
        return {str(k): v for k, v in priors.items()}
    try:
        posts = posterior_series(priors)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "priors: expected a Prior, a sequence or mapping of Priors, or posterior DataTree(s) "
            f"that record their prior ({exc})"
        ) from None
    return series_priors(posts)
