r"""The Gaussian likelihood, the "datafit" that every prior is paired with.

.. math::

    y_i \mid w, b, \sigma \;\sim\; \mathcal N\big(b + x_i^\top w,\; \sigma^2 / s_i\big),
    \qquad
    -\log p(y \mid w, b) = \frac{1}{2\sigma^2}\sum_i s_i (y_i - b - x_i^\top w)^2 + \text{const}.

A sample weight :math:`s_i` is a precision multiplier (an observation with weight 2
counts as two identical observations), which is scikit-learn's meaning too.

The intercept :math:`b` is flat-prior (unpenalised). For any :math:`w` its optimum is
:math:`\hat b(w) = \bar y - \bar x^\top w` with weighted means
:math:`\bar y = \sum_i s_i y_i / S`, :math:`\bar x = \sum_i s_i x_i / S`,
:math:`S = \sum_i s_i`; substituting it leaves a quadratic in :math:`w` alone,

.. math::

    \tfrac12 \lVert b_c - A w \rVert^2,\qquad A = \sqrt{s}\odot(X - \bar x),
    \quad b_c = \sqrt{s}\odot(y - \bar y),

which is exactly scikit-learn's weighted centring. The MAP solvers work with
:math:`Q = A^\top A` and :math:`q = A^\top b_c` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

__all__ = ["GaussianLikelihood"]


@dataclass
class GaussianLikelihood:
    """Weighted Gaussian likelihood of a linear model with an optional intercept.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated float64 design.
    y : ndarray of shape (n_samples,)
        Validated float64 target.
    sample_weight : ndarray of shape (n_samples,) or None
        Precision multipliers :math:`s_i \\ge 0`.
    fit_intercept : bool
        Whether :math:`b` is estimated (else fixed at 0 and nothing is centred).
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None = None
    fit_intercept: bool = True
    _gram: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def weight_sum(self) -> float:
        r""":math:`S = \sum_i s_i` (``n_samples`` without weights)."""
        if self.sample_weight is None:
            return float(self.n_samples)
        return float(self.sample_weight.sum())

    @cached_property
    def _offsets(self) -> tuple[np.ndarray, float]:
        if not self.fit_intercept:
            return np.zeros(self.n_features), 0.0
        sw = self.sample_weight
        x_mean = np.average(self.X, axis=0, weights=sw)
        y_mean = float(np.average(self.y, weights=sw))
        return x_mean, y_mean

    @property
    def X_offset(self) -> np.ndarray:
        r"""Weighted column means :math:`\bar x` (zeros without an intercept)."""
        return self._offsets[0]

    @property
    def y_offset(self) -> float:
        r"""Weighted mean :math:`\bar y` (0 without an intercept)."""
        return self._offsets[1]

    @cached_property
    def _whitened(self) -> tuple[np.ndarray, np.ndarray]:
        A = np.subtract(self.X, self.X_offset, order="K") if self.fit_intercept else self.X
        bc = self.y - self.y_offset if self.fit_intercept else self.y
        if self.sample_weight is not None:
            root = np.sqrt(self.sample_weight)
            A = np.multiply(A, root[:, None], order="K")
            bc = bc * root
        return A, np.ascontiguousarray(bc)

    @property
    def A(self) -> np.ndarray:
        r"""Centred, weight-scaled design :math:`A = \sqrt s \odot (X - \bar x)`."""
        return self._whitened[0]

    @property
    def b(self) -> np.ndarray:
        r"""Centred, weight-scaled target :math:`b_c = \sqrt s \odot (y - \bar y)`."""
        return self._whitened[1]

    @cached_property
    def q(self) -> np.ndarray:
        r""":math:`q = A^\top b_c`; :math:`\lVert q\rVert_\infty` is the L1 weight above
        which the all-zero answer is optimal."""
        return self.A.T @ self.b

    @property
    def gram(self) -> np.ndarray:
        r""":math:`Q = A^\top A` (computed once, on first use)."""
        if self._gram is None:
            self._gram = self.A.T @ self.A
        return self._gram

    @property
    def has_gram(self) -> bool:
        return self._gram is not None

    def intercept(self, w: np.ndarray) -> float:
        r""":math:`\hat b(w) = \bar y - \bar x^\top w`."""
        if not self.fit_intercept:
            return 0.0
        return float(self.y_offset - self.X_offset @ w)

    def half_rss(self, w: np.ndarray) -> float:
        r""":math:`\frac12\sum_i s_i (y_i - \hat b(w) - x_i^\top w)^2`."""
        r = self.b - self.A @ w
        return 0.5 * float(r @ r)

    def smooth_gradient(self, w: np.ndarray, l2: float = 0.0) -> np.ndarray:
        r""":math:`Qw - q + \lambda_2 w`, the gradient of the differentiable part."""
        support = np.flatnonzero(w)
        if self._gram is not None:
            g = self._gram[:, support] @ w[support] - self.q
        else:
            g = self.A.T @ (self.A[:, support] @ w[support]) - self.q
        if l2:
            g += l2 * w
        return g
