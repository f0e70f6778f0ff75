"""Elastic-net prior: the Bayesian reading of scikit-learn's ElasticNet."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np
from scipy import special, stats

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale, penalty_weight, scale_from_weight

__all__ = ["ElasticNet"]


@dataclass(frozen=True, repr=False, eq=False)
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
    l1_scale : float or array-like of shape (n_features,)
        Laplace scale :math:`b > 0`, or one per coefficient (``inf``: no L1 term).
    l2_scale : float or array-like of shape (n_features,)
        Gaussian standard deviation :math:`\tau > 0`, or one per coefficient (``inf``: no
        L2 term; both ``inf``: a flat, unpenalised coefficient).
    """

    l1_scale: float | np.ndarray = 1.0
    l2_scale: float | np.ndarray = 1.0
    per_coefficient = True

    @property
    def _log_norm(self) -> float | np.ndarray:
        b, t = self._scales_array("l1_scale", "l2_scale")
        if b.ndim == 0 and t.ndim == 0:
            return math.log(float(t) * math.sqrt(2 * math.pi) * special.erfcx(t / (b * math.sqrt(2))))
        b, t = np.broadcast_arrays(b, t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.log(t * math.sqrt(2 * math.pi) * special.erfcx(t / (b * math.sqrt(2))))
        out = np.where(np.isinf(t), np.log(2 * b), out)  # no L2 term: the Laplace's
        return np.where(np.isinf(t) & np.isinf(b), 0.0, out)  # flat: the improper constant

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        b, t = self._scales_array("l1_scale", "l2_scale")
        return -np.abs(w) / b - 0.5 * (w / t) ** 2 - self._log_norm

    def grad_logpdf(self, w):
        w = np.asarray(w, dtype=float)
        b, t = self._scales_array("l1_scale", "l2_scale")
        return -np.sign(w) / b - (w / t) / t

    def _abs_dist(self):
        t = self.l2_scale
        loc = -(t**2) / self.l1_scale
        return stats.truncnorm(a=-loc / t, b=np.inf, loc=loc, scale=t)

    def rvs(self, size, random_state=None):
        self._require_proper("draws")
        rng = np.random.default_rng(random_state)
        mag = self._abs_dist().rvs(size=size, random_state=rng)
        return np.where(rng.random(size=np.shape(mag)) < 0.5, -mag, mag)

    def mass_near_zero(self, eps: float) -> float | np.ndarray:
        self._require_proper("mass near zero")
        out = self._abs_dist().cdf(check_scale("eps", eps))
        return float(out) if np.ndim(out) == 0 else out

    def variance(self) -> float | np.ndarray:
        # 2 * int_0^inf t^2 p(t) dt by quadrature: truncnorm's moments lose accuracy
        # when the truncation point lies many standard deviations out (tau >> b).
        from scipy.integrate import quad

        if self.n_features is not None:
            b, t = np.broadcast_arrays(*self._scales_array("l1_scale", "l2_scale"))
            return np.array([
                np.inf if np.isinf(bj) and np.isinf(tj) else ElasticNet(
                    min(bj, 1e300), min(tj, 1e300)).variance()
                for bj, tj in zip(b, t)
            ])
        val, _ = quad(lambda t: t * t * math.exp(float(self.logpdf(t))), 0.0, np.inf)
        return 2.0 * float(val)

    def scale_mixture(self):
        """The Laplace mixture of scale :math:`b` times the Gaussian factor of scale :math:`\\tau`
        (:class:`~bayesreg.priors.mixtures.LaplaceMixture`)."""
        from bayesreg.priors.mixtures import LaplaceMixture

        return LaplaceMixture(lam2=1.0 / self.l1_scale**2, l2_precision=1.0 / self.l2_scale**2)

    def penalty(self, sigma: float) -> Penalty:
        return Penalty(
            l1=penalty_weight(self, sigma, self.l1_scale, 1),
            l2=penalty_weight(self, sigma, self.l2_scale, 2),
        )

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> ElasticNet:
        if not penalty.per_coefficient and (penalty.l1 <= 0 or penalty.l2 <= 0):
            raise ValueError(f"an elastic-net prior needs l1 > 0 and l2 > 0, got {penalty}")
        if penalty.kind == "none":
            raise ValueError(f"an elastic-net prior needs a non-zero penalty, got {penalty}")
        return cls(
            l1_scale=scale_from_weight(sigma, penalty.l1, 1),
            l2_scale=scale_from_weight(sigma, penalty.l2, 2),
        )
