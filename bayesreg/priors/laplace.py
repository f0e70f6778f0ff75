"""Laplace prior: the Bayesian reading of Lasso."""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale, penalty_weight, scale_from_weight

__all__ = ["Laplace"]


@dataclass(frozen=True, repr=False, eq=False)
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
    scale : float or array-like of shape (n_features,)
        Scale :math:`b > 0`, or one per coefficient :math:`b_j` (``inf``: a flat,
        unpenalised coefficient; then :math:`\lambda_{1j} = \sigma^2/b_j`).
    """

    scale: float | np.ndarray = 1.0
    per_coefficient = True

    def logpdf(self, w):
        w = np.asarray(w, dtype=float)
        (b,) = self._scales_array("scale")
        out = -np.abs(w) / b - np.log(2 * b)
        return np.where(np.isinf(b), 0.0, out) if b.ndim else out

    def grad_logpdf(self, w):
        # sign(0) = 0 is the least-norm element of the subdifferential [-1/b, 1/b].
        return -np.sign(np.asarray(w, dtype=float)) / np.asarray(self.scale, dtype=float)

    def rvs(self, size, random_state=None):
        self._require_proper("draws")
        rng = np.random.default_rng(random_state)
        return rng.laplace(0.0, self.scale, size=size)

    def mass_near_zero(self, eps: float) -> float | np.ndarray:
        self._require_proper("mass near zero")
        out = -np.expm1(-check_scale("eps", eps) / np.asarray(self.scale, dtype=float))
        return float(out) if np.ndim(out) == 0 else out

    def variance(self) -> float | np.ndarray:
        return 2.0 * self.scale**2

    def scale_mixture(self):
        """:math:`w\\mid\\eta\\sim\\mathcal N(0,\\eta)`, :math:`\\eta\\sim\\mathrm{Exp}(\\text{rate }1/(2b^2))`
        (:class:`~bayesreg.priors.mixtures.LaplaceMixture`)."""
        from bayesreg.priors.mixtures import LaplaceMixture

        return LaplaceMixture(lam2=1.0 / self.scale**2)

    def penalty(self, sigma: float) -> Penalty:
        return Penalty(l1=penalty_weight(self, sigma, self.scale, 1), l2=0.0)

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Laplace:
        if np.any(penalty.l2 != 0) or not np.any(penalty.l1 > 0) or (
            not penalty.per_coefficient and penalty.l1 <= 0
        ):
            raise ValueError(f"a Laplace prior needs a pure L1 penalty, got {penalty}")
        return cls(scale=scale_from_weight(sigma, penalty.l1, 1))
