"""Laplace prior: the Bayesian reading of Lasso."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale

__all__ = ["Laplace"]


@dataclass(frozen=True, repr=False)
class Laplace(Prior):
    r"""Laplace (double-exponential) prior with scale :math:`b`.

    .. math::

        p(w) = \frac{1}{2b} e^{-|w|/b}, \qquad
        \sigma^2(-\log p(w)) = \lambda_1 |w| + \text{const},
        \quad \lambda_1 = \frac{\sigma^2}{b}.

    The MAP under this prior is :class:`sklearn.linear_model.Lasso` with
    ``alpha = σ²/(n b)`` (``n`` the sum of sample weights). Variance :math:`2b^2`.

    Parameters
    ----------
    scale : float
        Scale :math:`b > 0`.
    """

    scale: float = 1.0

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        return -np.abs(w) / self.scale - math.log(2 * self.scale)

    def grad_logpdf(self, w):
        # sign(0) = 0 is the least-norm element of the subdifferential [-1/b, 1/b].
        return -np.sign(np.asarray(w, dtype=float)) / self.scale

    def rvs(self, size, random_state=None):
        rng = np.random.default_rng(random_state)
        return rng.laplace(0.0, self.scale, size=size)

    def mass_near_zero(self, eps: float) -> float:
        return float(-math.expm1(-check_scale("eps", eps) / self.scale))

    def variance(self) -> float:
        return 2.0 * self.scale**2

    def penalty(self, sigma: float) -> Penalty:
        sigma = check_scale("sigma", sigma)
        return Penalty(l1=sigma**2 / self.scale, l2=0.0)

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Laplace:
        sigma = check_scale("sigma", sigma)
        if penalty.l2 != 0 or penalty.l1 <= 0:
            raise ValueError(f"a Laplace prior needs a pure L1 penalty, got {penalty}")
        return cls(scale=sigma**2 / penalty.l1)
