"""Elastic-net prior: the Bayesian reading of scikit-learn's ElasticNet."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np
from scipy import special, stats

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale

__all__ = ["ElasticNet"]


@dataclass(frozen=True, repr=False)
class ElasticNet(Prior):
    r"""Elastic-net prior, the product of a Laplace and a Gaussian kernel.

    .. math::

        p(w) = \frac{1}{Z} \exp\!\Big(-\frac{|w|}{b} - \frac{w^2}{2\tau^2}\Big),
        \qquad Z = \tau\sqrt{2\pi}\;\operatorname{erfcx}\!\Big(\frac{\tau}{b\sqrt2}\Big),

    so that :math:`\sigma^2(-\log p(w)) = \lambda_1|w| + \frac{\lambda_2}{2}w^2 + \text{const}`
    with :math:`\lambda_1 = \sigma^2/b` and :math:`\lambda_2 = \sigma^2/\tau^2`. The MAP is
    :class:`sklearn.linear_model.ElasticNet` with ``alpha = (λ1 + λ2)/n`` and
    ``l1_ratio = λ1/(λ1 + λ2)``. Given its sign, :math:`|w|` is a normal
    :math:`\mathcal N(-\tau^2/b, \tau^2)` truncated to :math:`[0, \infty)`.

    Parameters
    ----------
    l1_scale : float
        Laplace scale :math:`b > 0`.
    l2_scale : float
        Gaussian standard deviation :math:`\tau > 0`.
    """

    l1_scale: float = 1.0
    l2_scale: float = 1.0

    @property
    def _log_norm(self) -> float:
        b, t = self.l1_scale, self.l2_scale
        return math.log(t * math.sqrt(2 * math.pi) * special.erfcx(t / (b * math.sqrt(2))))

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        return -np.abs(w) / self.l1_scale - 0.5 * (w / self.l2_scale) ** 2 - self._log_norm

    def grad_logpdf(self, w):
        w = np.asarray(w, dtype=float)
        return -np.sign(w) / self.l1_scale - w / self.l2_scale**2

    def _abs_dist(self):
        t = self.l2_scale
        loc = -(t**2) / self.l1_scale
        return stats.truncnorm(a=-loc / t, b=np.inf, loc=loc, scale=t)

    def rvs(self, size, random_state=None):
        rng = np.random.default_rng(random_state)
        mag = self._abs_dist().rvs(size=size, random_state=rng)
        return np.where(rng.random(size=np.shape(mag)) < 0.5, -mag, mag)

    def mass_near_zero(self, eps: float) -> float:
        return float(self._abs_dist().cdf(check_scale("eps", eps)))

    def variance(self) -> float:
        # 2 * int_0^inf t^2 p(t) dt by quadrature: truncnorm's moments lose accuracy
        # when the truncation point lies many standard deviations out (tau >> b).
        from scipy.integrate import quad

        val, _ = quad(lambda t: t * t * math.exp(float(self.logpdf(t))), 0.0, np.inf)
        return 2.0 * float(val)

    def penalty(self, sigma: float) -> Penalty:
        sigma = check_scale("sigma", sigma)
        return Penalty(l1=sigma**2 / self.l1_scale, l2=sigma**2 / self.l2_scale**2)

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> ElasticNet:
        sigma = check_scale("sigma", sigma)
        if penalty.l1 <= 0 or penalty.l2 <= 0:
            raise ValueError(f"an elastic-net prior needs l1 > 0 and l2 > 0, got {penalty}")
        return cls(l1_scale=sigma**2 / penalty.l1, l2_scale=sigma / math.sqrt(penalty.l2))
