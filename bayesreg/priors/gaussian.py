"""Gaussian prior: the Bayesian reading of Ridge."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale

__all__ = ["Gaussian"]


@dataclass(frozen=True, repr=False)
class Gaussian(Prior):
    r"""Gaussian prior :math:`w_j \sim \mathcal N(0, \tau^2)`.

    .. math::

        \log p(w) = -\frac{w^2}{2\tau^2} - \log\tau - \tfrac12\log(2\pi),
        \qquad
        \sigma^2(-\log p(w)) = \frac{\lambda_2}{2} w^2 + \text{const},
        \quad \lambda_2 = \frac{\sigma^2}{\tau^2}.

    The MAP under this prior is :class:`sklearn.linear_model.Ridge` with
    ``alpha = σ²/τ²``.

    Parameters
    ----------
    scale : float
        Standard deviation :math:`\tau > 0`.
    """

    scale: float = 1.0

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        t = self.scale
        return -0.5 * (w / t) ** 2 - math.log(t) - 0.5 * math.log(2 * math.pi)

    def grad_logpdf(self, w):
        return -np.asarray(w, dtype=float) / self.scale**2

    def rvs(self, size, random_state=None):
        rng = np.random.default_rng(random_state)
        return rng.normal(0.0, self.scale, size=size)

    def mass_near_zero(self, eps: float) -> float:
        from scipy.special import erf

        return float(erf(check_scale("eps", eps) / (self.scale * math.sqrt(2))))

    def variance(self) -> float:
        return self.scale**2

    def penalty(self, sigma: float) -> Penalty:
        sigma = check_scale("sigma", sigma)
        return Penalty(l1=0.0, l2=sigma**2 / self.scale**2)

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Gaussian:
        sigma = check_scale("sigma", sigma)
        if penalty.l1 != 0 or penalty.l2 <= 0:
            raise ValueError(f"a Gaussian prior needs a pure L2 penalty, got {penalty}")
        return cls(scale=sigma / math.sqrt(penalty.l2))
