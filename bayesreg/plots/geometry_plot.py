"""Loss contours of a two-feature problem against the L1 diamond and the L2 disc."""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.plots._style import color_for, new_figure, styled
from bayesreg.stats import Geometry

__all__ = ["geometry_plot"]


@styled
def geometry_plot(geometry: Geometry, *, n_grid: int = 400, n_contours: int = 7) -> Any:
    r"""Why the L1 ball gives zeros: the lowest loss contour touches the diamond at a corner.

    Left: L1 constraint :math:`|w_0|+|w_1|\le t_1`; right: L2 constraint
    :math:`\sqrt{w_0^2+w_1^2}\le t_2`. Ellipses are levels of the data loss
    :math:`L(w)` around the least-squares point; the bold ellipse is the level at the
    contact point, which is the MAP (computed by :func:`bayesreg.stats.geometry_contacts`).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes; the contact markers carry ``gid`` ``"contact/lasso"`` and
        ``"contact/ridge"``, the least-squares marker ``"least_squares"``.
    """
    g = geometry
    ls = g.least_squares
    t = max(g.l1_radius, g.l2_radius)
    lo = min(float(np.minimum(ls, 0.0).min()), -t)
    hi = max(float(np.maximum(ls, 0.0).max()), t)
    pad = 0.15 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    grid = np.linspace(lo, hi, int(n_grid))
    W0, W1 = np.meshgrid(grid, grid)
    L = g.loss(W0, W1)
    lmin = float(g.loss(*ls))
    fig, axes = new_figure(1, 2, panel=(4.3, 4.3))
    panels = [
        ("lasso", "L1 ball: |w₀| + |w₁| ≤ t", color_for("laplace")),
        ("ridge", "L2 ball: w₀² + w₁² ≤ t²", color_for("gaussian")),
    ]
    for ax, (kind, title, col) in zip(axes[0], panels, strict=True):
        contact = getattr(g, kind)
        level = float(g.loss(*contact))
        excess = level - lmin
        levels = lmin + excess * np.array([0.1, 0.3, 0.6, 1.6, 2.5, 4.0, 6.0])[: int(n_contours)]
        ax.contour(W0, W1, L, levels=np.sort(levels), colors="0.55", linewidths=0.8)
        ax.contour(W0, W1, L, levels=[level], colors=[col], linewidths=2.0)
        if kind == "lasso":
            r = g.l1_radius
            poly = np.array([[r, 0], [0, r], [-r, 0], [0, -r]])
            ax.fill(poly[:, 0], poly[:, 1], color=col, alpha=0.25, lw=1.5, ec=col, gid="ball/l1")
            pen = f"λ₁ = {g.penalties['lasso'].l1:.3g}"
        else:
            r = g.l2_radius
            th = np.linspace(0, 2 * np.pi, 400)
            ax.fill(r * np.cos(th), r * np.sin(th), color=col, alpha=0.25, lw=1.5, ec=col, gid="ball/l2")
            pen = f"λ₂ = {g.penalties['ridge'].l2:.3g}"
        ax.scatter(*ls, marker="x", color="k", s=40, zorder=5, gid="least_squares", label="least squares")
        ax.scatter(*contact, marker="o", s=46, color=col, ec="k", zorder=6, gid=f"contact/{kind}",
                   label=f"MAP ({contact[0]:.3g}, {contact[1]:.3g})")
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="k", lw=0.6)
        ax.set_aspect("equal")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(g.feature_names[0])
        ax.set_ylabel(g.feature_names[1])
        ax.set_title(f"{title}\n{pen}, t = {r:.3g}")
        ax.legend(loc="upper left")
    fig.suptitle("Where the loss contours first touch the constraint")
    return fig
