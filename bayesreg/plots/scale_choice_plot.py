"""Every choice of the prior scale on one axis: cross-validation, empirical Bayes, hyperprior."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bayesreg.families import prior_family
from bayesreg.plots._style import feature_color, new_figure, short_labels, styled

__all__ = ["scale_choice_plot", "CHOICE_LABELS"]

#: how each choice is named in the figure
CHOICE_LABELS = {
    "cv_min": "CV minimum",
    "cv_1se": "CV one-SE rule",
    "empirical_bayes": "max. marginal likelihood",
}
_CHOICE_STYLE = {
    "cv_min": {"color": "#0072B2", "ls": "-"},
    "cv_1se": {"color": "#56B4E9", "ls": "--"},
    "empirical_bayes": {"color": "#D55E00", "ls": "-."},
}
_SCALE_SYMBOL = {"tau": "τ", "b": "b"}


@styled
def scale_choice_plot(
    choices: Any,
    *,
    scale_draws: Sequence[float] | np.ndarray | None = None,
    scale_draws_label: str = "posterior under a hyperprior",
    features: Sequence[str] | None = None,
) -> Any:
    r"""Cross-validation, empirical Bayes and a hyperprior's posterior on one prior-scale axis.

    Left: the cross-validated test error against the prior scale (τ for the Gaussian
    prior, b for the Laplace), with its ± one-standard-error band, and — on a second axis
    — the log marginal likelihood (σ profiled out); vertical lines mark the CV minimum,
    the one-SE choice (the largest penalty, i.e. smallest scale, within one SE of the
    minimum) and the marginal-likelihood maximum. ``scale_draws`` (for example
    :math:`b = \sigma/\lambda` from a Bayesian lasso with a Gamma hyperprior on
    :math:`\lambda^2`) adds the posterior of the scale as a histogram along the axis.
    Right: the MAP coefficients at each choice.

    Parameters
    ----------
    choices : ScaleChoices
        From :func:`bayesreg.scale_choices` (all numbers are computed there).
    scale_draws : array-like, optional
        Posterior draws of the same prior scale, in the same units.
    scale_draws_label : str
    features : sequence of str, optional
        Coefficients to show in the right panel (default: all).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; the curve lines carry ``gid`` ``"cv_error"``, ``"log_ml"``, the choice
        lines ``"choice/<name>"``, the coefficient markers ``"coef/<choice>"``.
    """
    from bayesreg.tuning.compare import ScaleChoices

    if not isinstance(choices, ScaleChoices):
        raise TypeError(
            f"scale_choice_plot takes the ScaleChoices of bayesreg.scale_choices(X, y, ...), "
            f"got {type(choices).__name__}"
        )
    sym = _SCALE_SYMBOL.get(choices.scale_name, choices.scale_name)
    p = choices.coefs.shape[1]
    names = ([str(n) for n in choices.feature_names] if choices.feature_names is not None
             else [f"x{j}" for j in range(p)])
    shown = list(range(p)) if features is None else [names.index(str(f)) for f in features]
    fig, axes = new_figure(1, 2, panel=(5.0, max(3.6, 0.28 * len(shown) + 1.2)))
    ax, axc = axes[0]

    order = np.argsort(choices.cv_scales)
    s, err, se = choices.cv_scales[order], choices.cv_error[order], choices.cv_se[order]
    ax.fill_between(s, err - se, err + se, color="0.6", alpha=0.25, lw=0, gid="cv_band")
    ax.plot(s, err, color="0.15", gid="cv_error", label="CV test error (± 1 SE)")
    ax.set_xscale("log")
    ax.set_xlabel(f"prior scale {sym}  (at σ = {choices.sigma:.3g})")
    ax.set_ylabel("mean CV test error")
    handles, labels = ax.get_legend_handles_labels()
    if choices.ml_curve is not None:
        axm = ax.twinx()
        k = np.argsort(choices.ml_scales)
        (line,) = axm.plot(choices.ml_scales[k], choices.ml_curve[k], color="#D55E00", lw=1.2,
                           gid="log_ml", label="log marginal likelihood")
        axm.set_ylabel("log marginal likelihood", color="#D55E00")
        axm.grid(False)
        axm.spines["right"].set_visible(True)
        handles.append(line)
        labels.append(line.get_label())
    if scale_draws is not None:
        draws = np.asarray(scale_draws, dtype=float).ravel()
        draws = draws[np.isfinite(draws) & (draws > 0)]
        if draws.size:
            axh = ax.twinx()
            bins = np.geomspace(draws.min(), draws.max(), 40)
            axh.hist(draws, bins=bins, color="#CC79A7", alpha=0.3, gid="scale_draws", zorder=0,
                     label=scale_draws_label)
            axh.set_yticks([])
            axh.set_ylim(0, axh.get_ylim()[1] * 4)  # keep it in the lower quarter
            axh.spines["right"].set_visible(False)
            axh.grid(False)
            h, lab = axh.get_legend_handles_labels()
            handles += h
            labels += lab
    for k, name in enumerate(choices.choices):
        style = _CHOICE_STYLE.get(name, {"color": "0.3", "ls": ":"})
        line = ax.axvline(choices.choice_scales[k], lw=1.2, gid=f"choice/{name}", **style,
                          label=f"{CHOICE_LABELS.get(name, name)}: {sym} = {choices.choice_scales[k]:.3g}")
        handles.append(line)
        labels.append(line.get_label())
    ax.legend(handles, labels, loc="best", fontsize=7.5)
    ax.set_title(f"Choosing the {prior_family(choices.prior_family).label} prior's scale")

    y = np.arange(len(shown))[::-1]
    n_choice = len(choices.choices)
    for k, name in enumerate(choices.choices):
        style = _CHOICE_STYLE.get(name, {"color": feature_color(k, n_choice)})
        offset = (k - (n_choice - 1) / 2) * 0.22
        axc.plot(choices.coefs[k, shown], y + offset, "o", ms=4, color=style["color"],
                 gid=f"coef/{name}", label=CHOICE_LABELS.get(name, name))
    axc.axvline(0.0, color="0.5", lw=0.6)
    axc.set_yticks(y, short_labels([names[j] for j in shown]))
    axc.set_xlabel("MAP coefficient")
    axc.set_title("MAP at each choice")
    axc.legend(loc="best", fontsize=7.5)
    return fig
