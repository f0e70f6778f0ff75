r"""The Bernoulli datafit: logistic regression.

.. math::

    y_i \mid w, b \;\sim\; \mathrm{Bernoulli}(\mu_i),\qquad
    \mu_i = \operatorname{expit}(\eta_i) = \frac{1}{1 + e^{-\eta_i}},\qquad
    \eta_i = b + o_i + x_i^\top w,

so that, per observation (:mod:`bayesreg.datafits._glm` for the shared algebra),

.. math::

    \ell(\eta; y) = y\log(1 + e^{-\eta}) + (1-y)\log(1 + e^{\eta})
    = \log(1+e^{\eta}) - y\eta,\qquad
    \mu - y = (1-y)\operatorname{expit}(\eta) - y\operatorname{expit}(-\eta),\qquad
    v = \operatorname{expit}(\eta)\operatorname{expit}(-\eta).

The first form of each is the one computed: it has no cancellation for large
:math:`|\eta|` (a confidently right observation contributes a tiny, exact term). All three
come from one exponential, :math:`e = e^{-|\eta|}\in(0, 1]`:
:math:`\log(1 + e^{\pm\eta}) = \log(1 + e) + \max(\pm\eta, 0)`,
:math:`\operatorname{expit}(|\eta|) = 1/(1+e)`, :math:`\operatorname{expit}(-|\eta|) = e/(1+e)`
and :math:`v = e/(1+e)^2`, each to full relative precision (the solvers evaluate them at
every observation several times per iteration). The
weighted sum :math:`\sum_i s_i\ell_i` is scikit-learn's ``LogisticRegression`` loss
(its objective is :math:`C\sum_i s_i\ell_i + r(w)`; :mod:`bayesreg.penalty`).

The target is 0/1, booleans or any two class labels: the larger label (in sorted
order, scikit-learn's ``classes_[1]``) is coded 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from bayesreg.datafits._glm import GLMDatafit

__all__ = ["BernoulliDatafit", "encode_binary"]


def encode_binary(y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, y01)``: the sorted distinct labels and ``y`` coded 0/1 (``classes[1]`` is 1).

    0/1 and boolean targets keep their meaning even when only one value occurs; any other
    single label is ambiguous and refused, as are more than two labels.
    """
    arr = np.asarray(y)
    if arr.dtype == bool:
        return np.array([False, True]), arr.astype(np.float64)
    if arr.ndim != 1 or arr.size == 0:
        return np.array([0.0, 1.0]), arr  # the shape checks name the problem
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        return np.array([0.0, 1.0]), arr  # so does the NaN check
    try:
        classes, coded = np.unique(arr, return_inverse=True)
    except TypeError:
        raise TypeError("y mixes label types that cannot be sorted; use one type of label") from None
    if classes.size > 2:
        shown = ", ".join(repr(c) for c in classes[:5].tolist()) + (", ..." if classes.size > 5 else "")
        raise ValueError(
            f"the Bernoulli family needs a binary target, but y has {classes.size} classes "
            f"({shown}); multinomial (more than two classes) is not supported"
        )
    if classes.size == 2:
        return classes, coded.astype(np.float64)
    only = classes[0]
    if arr.dtype.kind in "biuf" and only in (0, 1):
        return np.array([0, 1], dtype=arr.dtype), arr.astype(np.float64)
    raise ValueError(
        f"y has one class ({only!r}): the Bernoulli family needs 0/1 (or boolean) targets to "
        "tell which class a single label is, and two classes to fit an intercept"
    )


def _expit_pair(eta: Any) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`(\operatorname{expit}(\eta), \operatorname{expit}(-\eta))` from one exponential
    :math:`e^{-|\eta|}` (module docstring), each to full relative precision."""
    eta = np.asarray(eta, dtype=float)
    e = np.exp(-np.abs(eta))
    big = 1.0 / (1.0 + e)  # expit(|η|)
    small = e * big  # expit(-|η|)
    pos = eta >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


class BernoulliDatafit(GLMDatafit):
    r"""Bernoulli likelihood with the logit link (logistic regression).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        0/1 floats (:meth:`check_target` codes labels and booleans).
    sample_weight : ndarray of shape (n_samples,) or None
    fit_intercept : bool
        With an intercept both classes must have positive weight: otherwise the
        likelihood grows without bound as :math:`b\to\pm\infty` and no MAP exists.
    offset : ndarray of shape (n_samples,) or None
        A known term of the log-odds.
    """

    family = "bernoulli"

    @staticmethod
    def loss(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        eta = np.asarray(eta, dtype=float)
        out = np.log1p(np.exp(-np.abs(eta)))
        out += y * np.maximum(-eta, 0.0)
        out += (1.0 - y) * np.maximum(eta, 0.0)
        return out

    @staticmethod
    def residual(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        p, q = _expit_pair(eta)
        return (1.0 - y) * p - y * q

    @staticmethod
    def variance(eta: np.ndarray) -> np.ndarray:
        e = np.exp(-np.abs(np.asarray(eta, dtype=float)))
        return e / (1.0 + e) ** 2

    @staticmethod
    def log_normaliser(y: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(y))

    @staticmethod
    def base_measure(y: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(y))

    @staticmethod
    def cumulant_tensor(eta: Any) -> Any:
        import pytensor.tensor as pt

        return pt.softplus(eta)

    @classmethod
    def check_target(cls, y: Any) -> np.ndarray:
        """0/1 floats from 0/1 numbers, booleans or two labels (:func:`encode_binary`)."""
        return encode_binary(y)[1]

    def _check_existence(self) -> None:
        if not self.fit_intercept:
            return
        s = self.weights
        ones = float(s @ self.y)
        total = float(s.sum())
        if ones <= 0 or ones >= total:
            which = "0" if ones <= 0 else "1"
            raise ValueError(
                f"every observation with positive weight is in class {which} (y has one "
                "class): with an unpenalised intercept the likelihood grows without bound as "
                "the intercept goes to infinity, so no MAP exists; give both classes, or fit "
                "without an intercept"
            )

    @property
    def _intercept_start(self) -> float:
        s = self.weights
        m = float(s @ self.y) / float(s.sum())
        m = min(max(m, 1e-12), 1 - 1e-12)
        start = float(np.log(m / (1.0 - m)))
        if self.offset is not None:
            start -= float(np.average(self.offset, weights=s))
        return start

    # ----------------------------------------------------------- predictions
    def mean(self, eta: np.ndarray) -> np.ndarray:
        """:math:`P(y = 1) = \\operatorname{expit}(\\eta)`."""
        return expit(eta)

    def predictive_draws(
        self, eta: np.ndarray, sigma: np.ndarray | None, rng: np.random.Generator,
        sample_weight: np.ndarray | None = None,
    ) -> np.ndarray:
        r""":math:`y^*\sim\mathrm{Bernoulli}(\operatorname{expit}\eta)`, as 0/1 floats (a weight
        repeats an observation; it does not change one new draw)."""
        if sigma is not None:
            raise ValueError("the Bernoulli likelihood has no noise scale: sigma must be None")
        return (rng.random(np.shape(eta)) < expit(eta)).astype(np.float64)
