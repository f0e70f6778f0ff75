r"""scikit-learn-compatible MAP estimators for logistic and Poisson regression.

:class:`LogisticMAP` is a binary classifier and :class:`PoissonMAP` a count regressor; both
take any prior with a fixed penalty (Gaussian, Laplace, elastic net) and compute its exact
posterior mode with :func:`bayesreg.map_estimate` (``family="bernoulli"`` or ``"poisson"``),
so a Laplace prior gives exact zeros and ``kkt_residual_`` certifies the answer. Neither
likelihood has a noise scale: there is no ``sigma``.

The default prior, ``Gaussian(1.0)``, is scikit-learn's default too:
``LogisticRegression(C=1.0)`` is the MAP under :math:`w_j\sim\mathcal N(0, C)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import _as_float_array, check_sample_weight
from bayesreg.map.estimate import map_estimate
from bayesreg.priors import Gaussian, Prior, check_prior

__all__ = ["LogisticMAP", "PoissonMAP"]


class _GLMMap(BaseEstimator):
    """Shared fitting: validate, compute the MAP, store it."""

    _family: str

    def __init__(self, prior: Prior | None = None, *, fit_intercept: bool = True):
        self.prior = prior
        self.fit_intercept = fit_intercept

    def _prior(self) -> Prior:
        return Gaussian(1.0) if self.prior is None else self.prior

    def _validate(self, X: Any, y: Any, **kw: Any) -> tuple[np.ndarray, np.ndarray]:
        if hasattr(X, "columns"):
            _as_float_array(X, "X")  # names non-numeric columns in a clear TypeError
        return validate_data(self, X, y, dtype=np.float64, **kw)

    def _fit_map(self, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> None:
        prior = check_prior(self._prior())
        sw = check_sample_weight(sample_weight, X.shape[0])
        res = map_estimate(
            X, y, prior, family=self._family, fit_intercept=self.fit_intercept,
            sample_weight=sw, check_input=False,
        )
        self.result_ = res
        self.kkt_residual_ = res.kkt_residual
        self.n_iter_ = res.n_iter

    def sample_posterior(self, X: Any, y: Any, sample_weight: Any = None, **kwargs: Any) -> _GLMMap:
        """Fit the MAP, then sample the posterior of the same model (:func:`bayesreg.sample_posterior`
        with this estimator's family, prior and ``fit_intercept``; ``kwargs`` go to it: ``draws``,
        ``tune``, ``chains``, ``random_seed``, ``progressbar``, ``backend``, ...). Sets everything
        :meth:`fit` sets plus ``posterior_``, the DataTree of draws. There is no noise scale:
        ``sigma`` is refused. Returns ``self``."""
        from bayesreg.mcmc import sample_posterior

        if kwargs.get("sigma") is not None:
            raise ValueError(f"the {self._family} likelihood has no noise scale: sigma must be None")
        kwargs.pop("sigma", None)
        self.fit(X, y, sample_weight=sample_weight)
        Xa = validate_data(self, X, reset=False, dtype=np.float64)
        kwargs.setdefault("fit_intercept", self.fit_intercept)
        kwargs.setdefault("feature_names", getattr(self, "feature_names_in_", None))
        self.posterior_ = sample_posterior(
            Xa, self._coded(y), check_prior(self._prior()), family=self._family,
            sample_weight=check_sample_weight(sample_weight, Xa.shape[0]), **kwargs,
        )
        return self

    def _coded(self, y: Any) -> np.ndarray:
        """``y`` in the family's coding (the fitted one)."""
        return np.asarray(y, dtype=np.float64)

    def to_sklearn(self, n_samples: float | None = None, sample_weight: Any = None):
        """The equivalent configured scikit-learn estimator (:func:`bayesreg.convert.to_sklearn`)."""
        from bayesreg.convert import to_sklearn

        if n_samples is None and sample_weight is None and hasattr(self, "result_"):
            n_samples = self.result_.weight_sum
        return to_sklearn(
            self._prior(), n_samples=n_samples, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept, family=self._family,
        )


class LogisticMAP(ClassifierMixin, _GLMMap):
    r"""Binary logistic regression at the posterior mode of a coefficient prior.

    Minimises, over :math:`w` and a flat-prior intercept :math:`b`,

    .. math::

        \sum_i s_i\big[\log(1 + e^{\eta_i}) - y_i\eta_i\big] - \sum_j \log p(w_j),
        \qquad \eta_i = b + x_i^\top w,\; y_i\in\{0, 1\},

    i.e. :math:`\sum_i s_i\ell_i + \lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert^2`
    with :math:`\lambda_1 = 1/b`, :math:`\lambda_2 = 1/\tau^2`: scikit-learn's
    ``LogisticRegression(C=τ²)`` for ``Gaussian(τ)``, ``C=b, l1_ratio=1`` for
    ``Laplace(b)``, and ``C=1/(λ₁+λ₂), l1_ratio=λ₁/(λ₁+λ₂)`` for the elastic net (which, unlike
    liblinear, leaves the intercept unpenalised).

    Parameters
    ----------
    prior : Prior, default=None
        The coefficient prior; None means ``Gaussian(1.0)`` (``LogisticRegression``'s default).
    fit_intercept : bool, default=True

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the class whose probability the model gives.
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    kkt_residual_ : float
        Optimality certificate on the true objective (:mod:`bayesreg.map.prox_newton`).
    n_iter_ : int
        Proximal-Newton iterations.
    result_ : MapResult
    n_features_in_, feature_names_in_
        As in scikit-learn.

    Notes
    -----
    More than two classes is an error (multinomial logistic regression is not implemented).
    """

    _family = "bernoulli"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticMAP:
        """Compute the MAP and store it; returns ``self``."""
        X, y = self._validate(X, y)
        check_classification_targets(y)
        classes, y01 = np.unique(y, return_inverse=True)
        if classes.size != 2:
            what = "one class" if classes.size == 1 else f"{classes.size} classes"
            raise ValueError(
                f"Only binary classification is supported: LogisticMAP needs two classes, "
                f"and y has {what}"
                + (" (multinomial logistic regression is not implemented)" if classes.size > 2 else "")
            )
        self.classes_ = classes
        self._fit_map(X, y01.astype(np.float64), sample_weight)
        self.coef_ = self.result_.coef.reshape(1, -1)
        self.intercept_ = np.array([self.result_.intercept])
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear predictor :math:`\\eta = b + x^\\top w` (log-odds of ``classes_[1]``)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class: ``classes_[1]`` where :math:`\\eta > 0`."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def _coded(self, y: Any) -> np.ndarray:
        """``y`` as 0/1 floats, ``classes_[1]`` coded 1."""
        return (np.asarray(y) == self.classes_[1]).astype(np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of ``classes_``, shape (n_samples, 2): :math:`1 - \\mu`, :math:`\\mu = \\operatorname{expit}(\\eta)`."""
        eta = self.decision_function(X)
        return np.column_stack([expit(-eta), expit(eta)])

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`, computed without underflow."""
        eta = self.decision_function(X)
        return np.column_stack([-np.logaddexp(0.0, eta), -np.logaddexp(0.0, -eta)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class PoissonMAP(RegressorMixin, _GLMMap):
    r"""Poisson regression (log link) at the posterior mode of a coefficient prior.

    Minimises :math:`\sum_i s_i\big[e^{\eta_i} - y_i\eta_i\big] - \sum_j \log p(w_j)`,
    :math:`\eta_i = b + x_i^\top w`, i.e. the half deviance plus
    :math:`\lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert^2`; for ``Gaussian(τ)``
    that is scikit-learn's ``PoissonRegressor(alpha=1/(S τ²))`` with :math:`S = \sum_i s_i`
    (scikit-learn has no L1 Poisson regression; glmnet's is ``(lambda, alpha)`` from
    :func:`bayesreg.convert.glmnet_params`).

    Parameters
    ----------
    prior : Prior, default=None
        The coefficient prior; None means ``Gaussian(1.0)``.
    fit_intercept : bool, default=True

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
        Log-rate intercept.
    kkt_residual_, n_iter_, result_, n_features_in_, feature_names_in_
        As in :class:`LogisticMAP`.
    """

    _family = "poisson"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PoissonMAP:
        """Compute the MAP and store it; returns ``self``. ``y`` are counts (or rates) >= 0."""
        from bayesreg.datafits import PoissonDatafit

        X, y = self._validate(X, y, y_numeric=True)
        y = PoissonDatafit.check_target(y)
        self._fit_map(X, y, sample_weight)
        self.coef_ = self.result_.coef
        self.intercept_ = self.result_.intercept
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The mean count :math:`e^{b + x^\\top w}`."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return np.exp(X @ self.coef_ + self.intercept_)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """:math:`D^2`, the fraction of Poisson deviance explained (``PoissonRegressor.score``)."""
        from sklearn.metrics import d2_tweedie_score

        return float(d2_tweedie_score(y, self.predict(X), sample_weight=sample_weight, power=1))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags
