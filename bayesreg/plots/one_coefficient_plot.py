"""One coefficient: data loss, L1 and L2 penalties, and the penalised losses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.plots._style import color_for, new_figure, styled
from bayesreg.stats import OneCoefficient

__all__ = ["one_coefficient_plot"]


@styled
def one_coefficient_plot(
    problem: OneCoefficient,
    *,
    lams: Sequence[float] | None = None,
    w_range: tuple[float, float] | None = None,
) -> Any:
    r"""For each λ: the data loss, :math:`\lambda|w|`, :math:`\frac{\lambda}{2}w^2` and both
    penalised losses, minima marked.

    Losses are drawn relative to the least-squares minimum :math:`L(\hat w_{LS})` (a
    constant shift). The minima are the closed forms of
    :class:`bayesreg.stats.OneCoefficient`: for :math:`\lambda \ge |\sum_i x_iy_i|` the L1
    minimum is exactly 0, while the L2 minimum is only shrunk.

    Parameters
    ----------
    problem : OneCoefficient
    lams : sequence of float, optional
        Penalty strengths, one panel each (the same λ for the L1 weight λ₁ and the L2
        weight λ₂). Default: half and 1.5 times the L1 zero threshold.
    w_range : (float, float), optional
        Range of w; default covers 0 and the least-squares estimate generously.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per λ; the minima markers carry ``gid`` ``"min/ls"``, ``"min/l1"``,
        ``"min/l2"``.
    """
    thr = problem.l1_threshold
    lams = [0.5 * thr, 1.5 * thr] if lams is None else [float(v) for v in lams]
    if not lams or any(not np.isfinite(v) or v < 0 for v in lams):
        raise ValueError("lams must be a non-empty sequence of finite values >= 0")
    w_ls = problem.least_squares()
    if w_range is None:
        half = 1.6 * max(abs(w_ls), 1e-12)
        w_range = (-half, half)
    w = np.linspace(w_range[0], w_range[1], 801)
    base = float(problem.loss(w_ls))
    c1, c2 = color_for("laplace"), color_for("gaussian")
    fig, axes = new_figure(1, len(lams), panel=(4.4, 3.6), sharey=True)
    for ax, lam in zip(axes[0], lams, strict=True):
        p1, p2 = Penalty(l1=lam), Penalty(l2=lam)
        ax.plot(w, problem.loss(w) - base, color="k", lw=1.8, label="data loss L(w)")
        ax.plot(w, problem.penalty(w, p1), color=c1, ls=":", lw=1.4, label="λ|w|")
        ax.plot(w, problem.penalty(w, p2), color=c2, ls=":", lw=1.4, label="(λ/2)w²")
        ax.plot(w, problem.objective(w, p1) - base, color=c1, lw=2.0, label="L(w) + λ|w|")
        ax.plot(w, problem.objective(w, p2) - base, color=c2, lw=2.0, label="L(w) + (λ/2)w²")
        for gid, wm, col, obj in (
            ("min/ls", w_ls, "k", lambda v: problem.loss(v) - base),
            ("min/l1", problem.minimiser(p1), c1, lambda v: problem.objective(v, p1) - base),
            ("min/l2", problem.minimiser(p2), c2, lambda v: problem.objective(v, p2) - base),
        ):
            ax.scatter([wm], [obj(wm)], color=col, s=48, zorder=5, ec="white", lw=1.0, gid=gid)
            ax.axvline(wm, color=col, lw=0.7, alpha=0.5)
        w1 = problem.minimiser(p1)
        ax.set_title(f"λ = {lam:.3g}  ({lam / thr:.2g}× threshold |Σxy|)\n"
                     f"L1 minimum {w1:.3g}, L2 minimum {problem.minimiser(p2):.3g}")
        ax.set_xlabel("w")
        ax.set_xlim(*w_range)
        top = float((problem.objective(w, p1) - base).max())
        ax.set_ylim(-0.05 * top, 0.9 * top)
    axes[0, 0].set_ylabel("loss − min L")
    axes[0, 0].legend(loc="upper center")
    fig.suptitle(f"One coefficient, y = w·x + noise (least squares ŵ = {w_ls:.3g})")
    return fig
