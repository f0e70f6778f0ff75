"""Posterior probability that each coefficient is practically zero, beside the prior's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bayesreg.plots._inputs import feature_rows, posterior_series, series_priors
from bayesreg.plots._style import MAX_LABEL_CHARS, new_figure, row_panel, series_colors, styled
from bayesreg.priors import Prior
from bayesreg.stats import (
    default_eps,
    has_inclusion,
    inclusion_probability,
    posterior_mass_near_zero,
    prior_inclusion_probability,
    prior_mass_near_zero,
)

__all__ = ["mass_near_zero_plot"]


@styled
def mass_near_zero_plot(
    posteriors: Any,
    priors: Mapping[str, Prior] | Prior | None = None,
    *,
    eps: float | None = None,
    var_name: str = "coef",
    features: Sequence[str] | None = None,
    max_features: int | None = None,
    max_label_chars: int = MAX_LABEL_CHARS,
) -> Any:
    r"""Bars of :math:`P(|\beta_j| < \varepsilon \mid y)` per coefficient and prior, with
    each prior's own :math:`P(|\beta| < \varepsilon)` as a dashed line; for a spike-and-slab
    posterior also :math:`P(\gamma_j = 0\mid y)`, the posterior probability of the spike.

    The two numbers come from :func:`bayesreg.stats.posterior_mass_near_zero` and
    :func:`bayesreg.stats.prior_mass_near_zero`. A coefficient whose posterior mass near
    zero exceeds the prior's is one the data pushed towards zero; the Laplace prior
    starts higher (its density peaks at 0) and keeps more mass there. One row per
    coefficient (horizontal bars), so any number of features and long names fit.

    A posterior that records the variable ``inclusion`` (the spike and slab under the Gibbs
    sampler, :class:`~bayesreg.priors.SpikeAndSlab`) also gets a diamond per coefficient at
    :math:`P(\gamma_j = 0\mid y) = 1 - P(\gamma_j = 1\mid y)`
    (:func:`bayesreg.stats.inclusion_probability`) on its bar's row, and a dotted line at
    the prior's :math:`P(\gamma = 0) = 1 - E\theta`
    (:func:`bayesreg.stats.prior_inclusion_probability`): the probability that the
    coefficient belongs to the spike. It is close to the bar only when ε separates the
    spike from the slab (:math:`s_0 \ll \varepsilon \ll s_1`).

    Parameters
    ----------
    posteriors : DataTree, estimator, sequence or mapping of str to either
        A posterior from :func:`bayesreg.sample_posterior` (or an estimator after
        ``.sample_posterior``), several, or label -> posterior; ``posterior/<var_name>``
        of dims (chain, draw, feature).
    priors : Prior or mapping of str to Prior, optional
        The prior behind each posterior (same labels); default: read from each DataTree
        (:func:`bayesreg.stats.posterior_prior`).
    eps : float, optional
        Half-width ε; default :func:`bayesreg.stats.default_eps` of the priors
        (a tenth of their geometric-mean standard deviation).
    features : sequence of str, optional
        The coefficients to show, by name.
    max_features : int, optional
        Show only this many: those with the largest posterior :math:`|\mathrm{median}|`.
    max_label_chars : int
        Longer feature names are shortened in the middle (``short_labels``).

    Returns
    -------
    matplotlib.figure.Figure
        One axes, feature ``r`` (of those shown) at y = -r; bar containers carry
        ``gid="posterior/<label>"``, prior lines ``gid="prior/<label>"``; for posteriors
        with inclusion probabilities, the diamonds (one Line2D, x = P(γ_j = 0 | y), y = the
        bars' centres) ``gid="exclusion/<label>"`` and the prior's dotted line
        ``gid="prior-exclusion/<label>"``.
    """
    posts = posterior_series(posteriors, var_name)
    pri = series_priors(posts, priors)
    eps = default_eps(list(pri.values())) if eps is None else float(eps)
    rows = feature_rows(posts, var_name, features, max_features, max_label_chars)
    k = len(posts)
    width = 0.8 / k
    fig, axes = new_figure(1, 1, panel=row_panel(len(rows.index), per_row=max(0.24, 0.13 * k)))
    ax = axes[0, 0]
    colors = series_colors(pri)
    for i, (label, dt) in enumerate(posts.items()):
        post = posterior_mass_near_zero(dt, eps, var_name=var_name).values[rows.index]
        y = rows.y - (i - (k - 1) / 2) * width
        ax.barh(y, post, height=width * 0.95, color=colors[label],
                label=f"{label}: posterior P(|β_j|<ε | y)", gid=f"posterior/{label}")
        pm = prior_mass_near_zero(pri[label], eps)
        ax.axvline(pm, color=colors[label], ls="--", lw=1.3, label=f"{label}: prior P(|β|<ε) = {pm:.3f}",
                   gid=f"prior/{label}")
        if has_inclusion(dt):
            spike = 1.0 - inclusion_probability(dt).values[rows.index]
            ax.plot(spike, y, ls="none", marker="D", ms=6, mfc=colors[label], mec="black", mew=0.8, clip_on=False,
                    label=f"{label}: posterior P(γ_j = 0 | y) (spike)", gid=f"exclusion/{label}")
            theta = prior_inclusion_probability(pri[label])
            if theta is not None:
                ax.axvline(1.0 - theta, color=colors[label], ls=":", lw=1.3,
                           label=f"{label}: prior P(γ = 0) = {1.0 - theta:.3f}", gid=f"prior-exclusion/{label}")
    rows.apply(ax)
    ax.set_xlim(0, 1.02)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"P(|β| < ε),  ε = {eps:.3g}")
    ax.set_title("Mass near zero: posterior per coefficient vs prior" + rows.note)
    fig.legend(loc="outside upper center", ncols=2)
    return fig
