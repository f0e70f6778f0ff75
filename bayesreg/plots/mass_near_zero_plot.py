"""Posterior probability that each coefficient is practically zero, beside the prior's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bayesreg.plots._style import color_for, new_figure, styled
from bayesreg.priors import Prior
from bayesreg.stats import (
    default_eps,
    feature_dim,
    posterior_coef,
    posterior_mass_near_zero,
    prior_mass_near_zero,
)

__all__ = ["mass_near_zero_plot"]


@styled
def mass_near_zero_plot(
    posteriors: Mapping[str, Any],
    priors: Mapping[str, Prior],
    *,
    eps: float | None = None,
    var_name: str = "coef",
) -> Any:
    r"""Bars of :math:`P(|\beta_j| < \varepsilon \mid y)` per coefficient and prior, with
    each prior's own :math:`P(|\beta| < \varepsilon)` as a dashed line.

    The two numbers come from :func:`bayesreg.stats.posterior_mass_near_zero` and
    :func:`bayesreg.stats.prior_mass_near_zero`. A coefficient whose posterior mass near
    zero exceeds the prior's is one the data pushed towards zero; the Laplace prior
    starts higher (its density peaks at 0) and keeps more mass there.

    Parameters
    ----------
    posteriors : mapping of str to DataTree
        Label -> posterior with ``posterior/<var_name>`` of dims (chain, draw, feature).
    priors : mapping of str to Prior
        The prior behind each posterior (same labels).
    eps : float, optional
        Half-width ε; default :func:`bayesreg.stats.default_eps` of the priors
        (a tenth of their geometric-mean standard deviation).

    Returns
    -------
    matplotlib.figure.Figure
        One axes; bar containers are labelled with the posterior labels, prior lines
        carry ``gid="prior/<label>"``.
    """
    if not posteriors:
        raise ValueError("posteriors must contain at least one DataTree")
    missing = set(posteriors) - set(priors)
    if missing:
        raise ValueError(f"no prior given for posterior(s) {sorted(missing)}")
    eps = default_eps([priors[k] for k in posteriors]) if eps is None else float(eps)
    first = posterior_coef(next(iter(posteriors.values())), var_name)
    dim = feature_dim(first)
    names = [str(v) for v in first[dim].values]
    k = len(posteriors)
    width = 0.8 / k
    x = np.arange(len(names))
    fig, axes = new_figure(1, 1, panel=(max(6.0, 0.42 * len(names) * max(k, 2)), 3.4))
    ax = axes[0, 0]
    for i, (label, dt) in enumerate(posteriors.items()):
        col = color_for(label, i)
        post = posterior_mass_near_zero(dt, eps, var_name=var_name)
        ax.bar(x + (i - (k - 1) / 2) * width, post.values, width=width * 0.95, color=col,
               label=f"{label}: posterior P(|β_j|<ε | y)", gid=f"posterior/{label}")
        pm = prior_mass_near_zero(priors[label], eps)
        ax.axhline(pm, color=col, ls="--", lw=1.3, label=f"{label}: prior P(|β|<ε) = {pm:.3f}",
                   gid=f"prior/{label}")
    ax.set_xticks(x, names, rotation=0)
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(dim)
    ax.set_ylabel(f"P(|β| < ε),  ε = {eps:.3g}")
    ax.set_title("Mass near zero: posterior per coefficient vs prior")
    fig.legend(loc="outside lower center", ncols=2)
    return fig
