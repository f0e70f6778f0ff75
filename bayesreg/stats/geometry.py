r"""Constrained least squares in two dimensions: the L1 diamond against the L2 disc."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors import Gaussian, Laplace
from bayesreg.priors._base import check_scale

__all__ = ["Geometry", "geometry_contacts"]


@dataclass(frozen=True)
class Geometry:
    r"""Constrained least squares in two dimensions, L1 versus L2.

    The penalised problem :math:`\min_w L(w) + \mathrm{pen}(w)` has the same solution
    as :math:`\min_w L(w)` subject to :math:`\lVert w\rVert \le t` with
    :math:`t = \lVert\hat w\rVert` (Lagrange duality): the solution is where the
    lowest loss contour first touches the ball. For the L1 ball (a diamond) that point
    is typically a corner, where a coordinate is exactly zero; the L2 ball (a disc) has
    no corners.

    Attributes
    ----------
    least_squares : ndarray of shape (2,)
        Unconstrained minimiser (the centre of the contours).
    lasso, ridge : ndarray of shape (2,)
        Contact points: the MAP under the Laplace and Gaussian priors.
    l1_radius : float
        :math:`t_1 = \lVert\hat w_{L1}\rVert_1` (the diamond's half-diagonal).
    l2_radius : float
        :math:`t_2 = \lVert\hat w_{L2}\rVert_2` (the disc's radius).
    penalties : dict
        ``{"lasso": Penalty, "ridge": Penalty}`` that produced the contact points.
    gram : ndarray of shape (2, 2)
        :math:`G`, the centred Gram matrix.
    q : ndarray of shape (2,)
        :math:`q = X_c^\top y_c`.
    rss0 : float
        :math:`L(0)`; with these, :math:`L(w) = \tfrac12 w^\top G w - q^\top w + L(0)`.
    feature_names : tuple of str
    """

    least_squares: np.ndarray
    lasso: np.ndarray
    ridge: np.ndarray
    l1_radius: float
    l2_radius: float
    penalties: dict
    gram: np.ndarray
    q: np.ndarray
    rss0: float
    feature_names: tuple

    def loss(self, w0: Any, w1: Any) -> np.ndarray:
        r""":math:`L(w) = \tfrac12 w^\top G w - q^\top w + L(0)` on a grid (broadcasts)."""
        w0 = np.asarray(w0, dtype=float)
        w1 = np.asarray(w1, dtype=float)
        G, q = self.gram, self.q
        quad = G[0, 0] * w0**2 + 2 * G[0, 1] * w0 * w1 + G[1, 1] * w1**2
        return 0.5 * quad - q[0] * w0 - q[1] * w1 + self.rss0


def geometry_contacts(
    X: Any, y: Any, *, l1: float | None = None, fit_intercept: bool = True
) -> Geometry:
    r"""Contact points of the loss contours with the L1 diamond and an L2 disc.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    l1 : float, optional
        :math:`\lambda_1` in σ²-units. Default: the geometric mean of the two values at
        which the features enter the Lasso path, so the L1 contact is at a corner (one
        coefficient exactly zero) while the other is far from zero.
    fit_intercept : bool

    Returns
    -------
    Geometry
        The L2 penalty :math:`\lambda_2` is chosen (by root finding) so that the disc has
        the same radius as the diamond, :math:`t_2 = t_1`: both balls then reach the same
        points on the axes, as in the classic picture (Hastie, Tibshirani & Friedman,
        *Elements of Statistical Learning*, fig. 3.11).
    """
    from scipy.optimize import brentq

    from bayesreg._validation import check_X_y, feature_names
    from bayesreg.datafits import GaussianDatafit
    from bayesreg.map import map_estimate, map_path

    Xa, ya, _ = check_X_y(X, y, None)
    if Xa.shape[1] != 2:
        raise ValueError(f"geometry_contacts needs exactly 2 features, got {Xa.shape[1]}")
    names = feature_names(X)
    names = tuple(str(n) for n in names) if names is not None else ("w0", "w1")
    lik = GaussianDatafit(Xa, ya, None, bool(fit_intercept))
    G, q = lik.gram, lik.q
    ls = np.linalg.solve(G, q)
    if l1 is None:
        path = map_path(Xa, ya, Laplace(1.0), sigma=1.0, n_points=400, eps=1e-4,
                        fit_intercept=fit_intercept, check_input=False)
        l1s = np.array([p.l1 for p in path.penalties])
        nnz = path.n_nonzero
        one = l1s[nnz == 1]
        two = l1s[nnz == 2]
        if one.size == 0 or two.size == 0:
            raise ValueError("the Lasso path of this problem never has exactly one active feature")
        l1 = math.sqrt(one.max() * two.max())
    l1 = check_scale("l1", l1)
    lasso = map_estimate(
        Xa, ya, Laplace(1.0 / l1), sigma=1.0, fit_intercept=fit_intercept, check_input=False
    ).coef
    t1 = float(np.abs(lasso).sum())
    if t1 == 0:
        raise ValueError(f"l1={l1} is above the zero threshold: the diamond is a point")

    def ridge(l2: float) -> np.ndarray:
        return np.linalg.solve(G + l2 * np.eye(2), q)

    t_ls = float(np.linalg.norm(ls))
    if t1 >= t_ls:
        l2 = 0.0
        rid = ls
    else:
        # ‖w_ridge(λ2)‖ decreases from ‖w_LS‖ to 0: bracket the root on a log scale.
        lo, hi = 1e-12, 1.0
        while np.linalg.norm(ridge(hi)) > t1:
            hi *= 10.0
        l2 = brentq(lambda a: np.linalg.norm(ridge(a)) - t1, lo, hi, xtol=1e-14, rtol=1e-14)
        rid = map_estimate(
            Xa, ya, Gaussian(1.0 / math.sqrt(l2)), sigma=1.0, fit_intercept=fit_intercept,
            check_input=False,
        ).coef
    return Geometry(
        least_squares=ls,
        lasso=lasso,
        ridge=rid,
        l1_radius=t1,
        l2_radius=float(np.linalg.norm(rid)),
        penalties={"lasso": Penalty(l1=l1), "ridge": Penalty(l2=l2)},
        gram=G.copy(),
        q=q.copy(),
        rss0=lik.half_rss(np.zeros(2)),
        feature_names=names,
    )
