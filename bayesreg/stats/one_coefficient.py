r"""The one-feature problem :math:`y = w x` solved in closed form: why L1 gives exact zeros."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.penalty import Penalty

__all__ = ["OneCoefficient"]


@dataclass(frozen=True)
class OneCoefficient:
    r"""The one-feature problem :math:`y_i = w x_i + \text{noise}`, no intercept.

    Data loss and penalties, in the σ²-units of :mod:`bayesreg.penalty`:

    .. math::

        L(w) = \tfrac12\sum_i (y_i - w x_i)^2, \qquad
        \lambda_1|w|, \qquad \tfrac{\lambda_2}{2}w^2 .

    With :math:`c = \sum_i x_i y_i` and :math:`s = \sum_i x_i^2` the minimisers are

    .. math::

        \hat w_{\mathrm{LS}} = \frac{c}{s},\qquad
        \hat w_{L1} = \frac{\operatorname{sign}(c)\,(|c| - \lambda_1)_+}{s},\qquad
        \hat w_{L2} = \frac{c}{s + \lambda_2}.

    The L1 minimiser is *exactly* zero once :math:`\lambda_1 \ge |c|`
    (:attr:`l1_threshold`): the subgradient :math:`[-\lambda_1, \lambda_1]` of
    :math:`\lambda_1|w|` at 0 absorbs the data's slope :math:`-c`. The L2 minimiser only
    tends to zero as :math:`\lambda_2 \to \infty`.
    """

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=float).ravel()
        y = np.asarray(self.y, dtype=float).ravel()
        if x.size != y.size or x.size == 0:
            raise ValueError(f"x and y must be non-empty and of equal length, got {x.size}, {y.size}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("x and y must be finite")
        if not (x @ x) > 0:
            raise ValueError("x must not be all zero")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @classmethod
    def simulate(cls, w: float = 0.5, n: int = 50, noise: float = 0.5, random_state: Any = 0) -> OneCoefficient:
        """Draw ``x ~ N(0, 1)``, ``y = w x + noise * N(0, 1)``."""
        rng = np.random.default_rng(random_state)
        x = rng.normal(size=n)
        return cls(x, w * x + noise * rng.normal(size=n))

    @property
    def c(self) -> float:
        r""":math:`\sum_i x_i y_i`."""
        return float(self.x @ self.y)

    @property
    def s(self) -> float:
        r""":math:`\sum_i x_i^2`."""
        return float(self.x @ self.x)

    @property
    def l1_threshold(self) -> float:
        r""":math:`|c|`: the smallest :math:`\lambda_1` whose L1 minimiser is exactly 0."""
        return abs(self.c)

    def loss(self, w: Any) -> np.ndarray:
        r"""Data loss :math:`L(w)`, elementwise in ``w``."""
        w = np.asarray(w, dtype=float)
        yy = float(self.y @ self.y)
        return 0.5 * (yy - 2.0 * self.c * w + self.s * w**2)

    @staticmethod
    def penalty(w: Any, penalty: Penalty) -> np.ndarray:
        r""":math:`\lambda_1|w| + \frac{\lambda_2}{2}w^2`, elementwise in ``w``."""
        w = np.asarray(w, dtype=float)
        return penalty.l1 * np.abs(w) + 0.5 * penalty.l2 * w**2

    def objective(self, w: Any, penalty: Penalty) -> np.ndarray:
        """Penalised loss :math:`L(w) + \\mathrm{pen}(w)`."""
        return self.loss(w) + self.penalty(w, penalty)

    def least_squares(self) -> float:
        r""":math:`\hat w_{\mathrm{LS}} = c/s`."""
        return self.c / self.s

    def minimiser(self, penalty: Penalty) -> float:
        r"""Exact minimiser of :math:`L(w) + \lambda_1|w| + \frac{\lambda_2}{2}w^2`:
        :math:`\operatorname{sign}(c)(|c|-\lambda_1)_+/(s+\lambda_2)`."""
        c = self.c
        shrunk = max(abs(c) - penalty.l1, 0.0)
        if shrunk == 0.0:
            return 0.0
        return math.copysign(shrunk, c) / (self.s + penalty.l2)
