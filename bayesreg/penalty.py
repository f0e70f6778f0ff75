r"""The penalty a prior puts on the coefficients, in the one scale all solvers share.

Every MAP problem in bayesreg is written in *σ²-units*: multiply the negative log
posterior of the linear-Gaussian model by :math:`\sigma^2` and drop constants,

.. math::

    \hat w = \arg\min_w \; \tfrac12 \sum_i s_i (y_i - b - x_i^\top w)^2
             \;+\; \lambda_1 \lVert w\rVert_1 \;+\; \tfrac{\lambda_2}{2} \lVert w\rVert_2^2 ,

with sample weights :math:`s_i` (all 1 by default). A prior with density
:math:`p(w_j) \propto \exp(-|w_j|/b_1 - w_j^2/(2\tau^2))` contributes

.. math::

    \lambda_1 = \sigma^2 / b_1, \qquad \lambda_2 = \sigma^2/\tau^2 .

:class:`Penalty` holds :math:`(\lambda_1, \lambda_2)` and translates them into every
penalty convention users meet. With :math:`S = \sum_i s_i` (``n_samples`` when unweighted):

==========================  ==============================================================
convention                  objective and mapping
==========================  ==============================================================
``Ridge(alpha)``            :math:`\lVert y-Xw\rVert_s^2 + \alpha\lVert w\rVert_2^2`;
                            :math:`\alpha = \lambda_2` (no :math:`S`: Ridge sums the loss)
``Lasso(alpha)``            :math:`\frac{1}{2S}\lVert y-Xw\rVert_s^2 + \alpha\lVert w\rVert_1`;
                            :math:`\alpha = \lambda_1 / S`
``ElasticNet(alpha, r)``    :math:`\frac{1}{2S}\lVert y-Xw\rVert_s^2 + \alpha r\lVert w\rVert_1
                            + \frac{\alpha(1-r)}{2}\lVert w\rVert_2^2`;
                            :math:`\alpha = (\lambda_1+\lambda_2)/S`,
                            :math:`r = \lambda_1/(\lambda_1+\lambda_2)`
glmnet ``(lambda, alpha)``  same objective as ElasticNet: ``lambda`` = sklearn ``alpha``,
                            glmnet ``alpha`` = ``l1_ratio`` (also for ridge, ``alpha=0``)
``C``                       :math:`C \sum_i s_i r_i^2 + \tfrac12\lVert w\rVert_2^2` (L2) or
                            :math:`C \sum_i s_i r_i^2 + \lVert w\rVert_1` (L1);
                            :math:`C = 1/(2\lambda_2)` or :math:`C = 1/(2\lambda_1)`
==========================  ==============================================================

The derivations are in ``docs/converters.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg._validation import check_nonnegative, check_positive

__all__ = ["Penalty"]


@dataclass(frozen=True)
class Penalty:
    r"""Penalty :math:`\lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert_2^2` in σ²-units.

    Parameters
    ----------
    l1 : float
        :math:`\lambda_1 \ge 0`, the L1 weight (``σ²/b`` for a Laplace scale ``b``).
    l2 : float
        :math:`\lambda_2 \ge 0`, the L2 weight (``σ²/τ²`` for a Gaussian sd ``τ``).
    """

    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", check_nonnegative("l1", self.l1))
        object.__setattr__(self, "l2", check_nonnegative("l2", self.l2))

    # ------------------------------------------------------------------ maths
    def value(self, w: np.ndarray) -> float:
        r""":math:`\lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert_2^2`."""
        w = np.asarray(w, dtype=float)
        return float(self.l1 * np.abs(w).sum() + 0.5 * self.l2 * (w @ w))

    def scaled(self, factor: float) -> Penalty:
        """Both weights multiplied by ``factor`` (a point on a regularisation path)."""
        return Penalty(self.l1 * factor, self.l2 * factor)

    @property
    def kind(self) -> str:
        """``"ridge"``, ``"lasso"``, ``"elasticnet"`` or ``"none"``."""
        if self.l1 > 0 and self.l2 > 0:
            return "elasticnet"
        if self.l1 > 0:
            return "lasso"
        if self.l2 > 0:
            return "ridge"
        return "none"

    # ------------------------------------------------------------ scikit-learn
    def to_sklearn(self, weight_sum: float) -> tuple[str, dict[str, float]]:
        """Name and penalty parameters of the equivalent scikit-learn estimator.

        Parameters
        ----------
        weight_sum : float
            :math:`S=\\sum_i s_i`: ``n_samples`` without sample weights. Only Lasso and
            ElasticNet use it (they average the loss; Ridge sums it).

        Returns
        -------
        name : {"Ridge", "Lasso", "ElasticNet", "LinearRegression"}
        params : dict
            ``{"alpha": ...}`` and, for ElasticNet, ``"l1_ratio"``.
        """
        kind = self.kind
        if kind == "ridge":
            return "Ridge", {"alpha": self.l2}
        S = check_positive("weight_sum", weight_sum)
        if kind == "lasso":
            return "Lasso", {"alpha": self.l1 / S}
        if kind == "elasticnet":
            total = self.l1 + self.l2
            return "ElasticNet", {"alpha": total / S, "l1_ratio": self.l1 / total}
        return "LinearRegression", {}

    @classmethod
    def from_sklearn(
        cls, name: str, params: dict[str, float], weight_sum: float | None = None
    ) -> Penalty:
        """Inverse of :meth:`to_sklearn`.

        ``name`` is ``"Ridge"``, ``"Lasso"`` or ``"ElasticNet"`` (case-insensitive);
        ``params`` holds ``alpha`` (and ``l1_ratio`` for ElasticNet, default 0.5 as in
        scikit-learn). ``weight_sum`` is needed for Lasso and ElasticNet.
        """
        key = str(name).lower()
        alpha = check_nonnegative("alpha", params.get("alpha", 1.0))
        if key == "ridge":
            return cls(0.0, alpha)
        if key not in ("lasso", "elasticnet"):
            raise ValueError(
                f"unknown scikit-learn estimator {name!r}; expected Ridge, Lasso or ElasticNet"
            )
        if weight_sum is None:
            raise ValueError(f"{name} averages its loss: weight_sum (n_samples) is required")
        S = check_positive("weight_sum", weight_sum)
        ratio = 1.0 if key == "lasso" else params.get("l1_ratio", 0.5)
        ratio = check_nonnegative("l1_ratio", ratio)
        if ratio > 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {ratio!r}")
        return cls(alpha * S * ratio, alpha * S * (1.0 - ratio))

    # ------------------------------------------------------------------ glmnet
    def to_glmnet(self, weight_sum: float) -> tuple[float, float]:
        """glmnet's Gaussian-family ``(lambda, alpha)``, with ``standardize=FALSE``.

        glmnet minimises ``1/(2S) RSS_s + lambda * ((1-alpha)/2 ||w||² + alpha ||w||_1)``
        with its weights rescaled to sum to ``n``: the same objective as scikit-learn's
        ElasticNet, so ``lambda = (l1 + l2)/S`` and ``alpha = l1/(l1 + l2)``.
        """
        S = check_positive("weight_sum", weight_sum)
        total = self.l1 + self.l2
        if total == 0:
            return 0.0, 1.0
        return total / S, self.l1 / total

    @classmethod
    def from_glmnet(cls, lam: float, alpha: float, weight_sum: float) -> Penalty:
        """Inverse of :meth:`to_glmnet`."""
        lam = check_nonnegative("lambda", lam)
        alpha = check_nonnegative("alpha", alpha)
        if alpha > 1:
            raise ValueError(f"glmnet alpha must be in [0, 1], got {alpha!r}")
        S = check_positive("weight_sum", weight_sum)
        return cls(lam * S * alpha, lam * S * (1.0 - alpha))

    # ----------------------------------------------------------------------- C
    def to_C(self) -> float:
        r"""Inverse-penalty ``C`` of :math:`C\sum_i s_i r_i^2 + \mathrm{pen}(w)`.

        For a pure L2 penalty the unit penalty is :math:`\frac12\lVert w\rVert^2`
        (as in :class:`sklearn.svm.LinearSVR` with ``loss="squared_epsilon_insensitive"``):
        :math:`C = 1/(2\lambda_2)`. For a pure L1 penalty it is :math:`\lVert w\rVert_1`:
        :math:`C = 1/(2\lambda_1)`. An elastic net has no single ``C``.
        """
        kind = self.kind
        if kind == "ridge":
            return 1.0 / (2.0 * self.l2)
        if kind == "lasso":
            return 1.0 / (2.0 * self.l1)
        raise ValueError(f"a {kind} penalty has no single C; use to_sklearn or to_glmnet")

    @classmethod
    def from_C(cls, C: float, kind: str = "l2") -> Penalty:
        """Inverse of :meth:`to_C`; ``kind`` is ``"l2"`` or ``"l1"``."""
        C = check_positive("C", C)
        if kind == "l2":
            return cls(0.0, 1.0 / (2.0 * C))
        if kind == "l1":
            return cls(1.0 / (2.0 * C), 0.0)
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
