"""Gaussian prior: the Bayesian reading of Ridge."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale, penalty_weight, scale_from_weight

__all__ = ["Gaussian"]


@dataclass(frozen=True, repr=False, eq=False)
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
    scale : float or array-like of shape (n_features,)
        Standard deviation :math:`\tau > 0`, or one per coefficient :math:`\tau_j`
        (``inf``: a flat, unpenalised coefficient; then :math:`\lambda_{2j} = \sigma^2/\tau_j^2`).
    """

    scale: float | np.ndarray = 1.0
    per_coefficient = True

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        (t,) = self._scales_array("scale")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -0.5 * (w / t) ** 2 - np.log(t) - 0.5 * math.log(2 * math.pi)
        return np.where(np.isinf(t), 0.0, out) if t.ndim else out

    def grad_logpdf(self, w):
        (t,) = self._scales_array("scale")
        return -(np.asarray(w, dtype=float) / t) / t

    def rvs(self, size, random_state=None):
        self._require_proper("draws")
        rng = np.random.default_rng(random_state)
        return rng.normal(0.0, self.scale, size=size)

    def mass_near_zero(self, eps: float) -> float | np.ndarray:
        from scipy.special import erf

        self._require_proper("mass near zero")
        out = erf(check_scale("eps", eps) / (np.asarray(self.scale) * math.sqrt(2)))
        return float(out) if np.ndim(out) == 0 else out

    def variance(self) -> float | np.ndarray:
        return self.scale**2

    def scale_mixture(self):
        """No mixing: :math:`v_j = \\tau^2` (:class:`~bayesreg.priors.mixtures.FixedVariance`)."""
        from bayesreg.priors.mixtures import FixedVariance

        return FixedVariance(self.scale**2)

    def penalty(self, sigma: float) -> Penalty:
        return Penalty(l1=0.0, l2=penalty_weight(self, sigma, self.scale, 2))

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Gaussian:
        if np.any(penalty.l1 != 0) or not np.any(penalty.l2 > 0) or (
            not penalty.per_coefficient and penalty.l2 <= 0
        ):
            raise ValueError(f"a Gaussian prior needs a pure L2 penalty, got {penalty}")
        return cls(scale=scale_from_weight(sigma, penalty.l2, 2))
