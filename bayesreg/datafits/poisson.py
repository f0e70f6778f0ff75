r"""The Poisson datafit: log-linear regression of counts.

.. math::

    y_i \mid w, b \;\sim\; \mathrm{Poisson}(\mu_i),\qquad
    \mu_i = e^{\eta_i},\qquad \eta_i = b + o_i + x_i^\top w,

with an offset :math:`o_i = \log t_i` for an exposure :math:`t_i` (counts over time or
area: the rate is :math:`\mu_i/t_i`). Per observation (:mod:`bayesreg.datafits._glm`),

.. math::

    \ell(\eta; y) = e^{\eta} - y - y\,(\eta - \log y) \;\;(0\log 0 = 0),\qquad
    \mu - y = e^{\eta} - y,\qquad v = e^{\eta},

the half Poisson deviance, which is :math:`-\log p(y\mid\eta)` up to
:math:`y\log y - y - \log y!`. The weighted sum :math:`\sum_i s_i\ell_i` is :math:`S` times
the loss of scikit-learn's ``PoissonRegressor`` (:mod:`bayesreg.penalty`). With an
intercept the optimal :math:`b` has a closed form,
:math:`\hat b(w) = \log\sum_i s_i y_i - \log\sum_i s_i e^{o_i + x_i^\top w}`.

``y`` must be non-negative; it need not be an integer (a rate fitted with the exposure as
sample weight gives the same coefficients as the count with an offset, as scikit-learn
recommends).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, logsumexp, xlogy

from bayesreg.datafits._glm import GLMDatafit

__all__ = ["PoissonDatafit"]


class PoissonDatafit(GLMDatafit):
    r"""Poisson likelihood with the log link.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Non-negative counts (or rates).
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool
        With an intercept some observation with positive weight must have
        :math:`y > 0`: all-zero counts send :math:`b\to-\infty` and no MAP exists.
    offset : ndarray of shape (n_samples,) or None
        A known term of the log-mean.
    exposure : ndarray of shape (n_samples,) or None
        Positive exposures :math:`t_i`; the same as ``offset=log(exposure)`` (not both).
    """

    family = "poisson"

    def __init__(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
        fit_intercept: bool = True, *, offset: Any = None, exposure: Any = None,
    ) -> None:
        if exposure is not None:
            if offset is not None:
                raise ValueError("pass an exposure or an offset (= log exposure), not both")
            t = np.asarray(exposure, dtype=np.float64)
            if t.ndim != 1 or not np.isfinite(t).all() or (t <= 0).any():
                raise ValueError("exposure must be a 1-D array of finite values > 0")
            offset = np.log(t)
        super().__init__(X, y, sample_weight, fit_intercept, offset=offset)

    @staticmethod
    def loss(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta) - y - y * eta + xlogy(y, y)

    @staticmethod
    def residual(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta) - y

    @staticmethod
    def variance(eta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta)

    @staticmethod
    def log_normaliser(y: np.ndarray) -> np.ndarray:
        return xlogy(y, y) - y - gammaln(y + 1.0)

    @staticmethod
    def base_measure(y: np.ndarray) -> np.ndarray:
        return -gammaln(y + 1.0)

    @staticmethod
    def cumulant_tensor(eta: Any) -> Any:
        import pytensor.tensor as pt

        return pt.exp(eta)

    @classmethod
    def check_target(cls, y: Any) -> np.ndarray:
        """``y`` as floats; a ValueError if any is negative (NaN is left for the shape checks)."""
        from bayesreg._validation import _as_float_array

        arr = _as_float_array(y, "y")
        with np.errstate(invalid="ignore"):
            if (arr < 0).any():
                raise ValueError(
                    f"the Poisson family needs counts y >= 0; y has {int((arr < 0).sum())} "
                    "negative values"
                )
        return arr

    def _check_existence(self) -> None:
        if self.fit_intercept and not float(self.weights @ self.y) > 0:
            raise ValueError(
                "every count with positive weight is 0: with an unpenalised intercept the "
                "likelihood grows without bound as the intercept goes to -infinity, so no "
                "MAP exists; fit without an intercept"
            )

    def profile_intercept(self, c: np.ndarray, b0: float = 0.0) -> float:
        r"""Closed form :math:`\log\sum_i s_i y_i - \log\sum_i s_i e^{c_i}` (module docstring)."""
        s = self.weights
        return float(np.log(s @ self.y) - logsumexp(c, b=s))

    # ----------------------------------------------------------- predictions
    def mean(self, eta: np.ndarray) -> np.ndarray:
        """:math:`E[y] = e^\\eta`."""
        return np.exp(eta)

    def predictive_draws(
        self, eta: np.ndarray, sigma: np.ndarray | None, rng: np.random.Generator,
        sample_weight: np.ndarray | None = None,
    ) -> np.ndarray:
        r""":math:`y^*\sim\mathrm{Poisson}(e^\eta)` (include the offset in ``eta``)."""
        if sigma is not None:
            raise ValueError("the Poisson likelihood has no noise scale: sigma must be None")
        return rng.poisson(np.exp(eta)).astype(np.float64)
