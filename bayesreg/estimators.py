"""scikit-learn-compatible MAP estimators.

:class:`MAPRegressor` is the one general estimator (any prior); :class:`RidgeMAP`,
:class:`LassoMAP` and :class:`ElasticNetMAP` are presets that take the prior's scales
as plain hyper-parameters, so they grid-search like ``alpha`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_numeric_columns, check_sample_weight
from bayesreg.map.estimate import map_estimate
from bayesreg.priors import ElasticNet, Gaussian, Laplace, Prior, check_prior

__all__ = ["MAPRegressor", "RidgeMAP", "LassoMAP", "ElasticNetMAP", "sample_pipeline_posterior"]


class _MAPBase(RegressorMixin, BaseEstimator):
    """Shared fit / predict; subclasses say which prior they mean."""

    def _prior(self) -> Prior:  # pragma: no cover - abstract
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR/CSC through sparse sufficient statistics
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _MAPBase:
        r"""Compute the MAP (see :func:`bayesreg.map_estimate`) and store it.

        Sets ``coef_``, ``intercept_``, ``kkt_residual_``, ``n_iter_``, ``result_``,
        ``n_features_in_`` (and ``feature_names_in_`` for a DataFrame).
        """
        prior = check_prior(self._prior())
        check_bool("fit_intercept", self.fit_intercept)
        self._fit_checked(prior, *self._check_fit_data(X, y, sample_weight))
        return self

    def _fit_checked(self, prior: Prior, X: Any, y: Any, sw: Any) -> None:
        """The MAP of data :meth:`_check_fit_data` validated, stored."""
        res = map_estimate(
            X, y, prior, sigma=self.sigma, fit_intercept=self.fit_intercept, sample_weight=sw,
            check_input=False,
        )
        self._store_map(res)

    def _check_fit_data(self, X: Any, y: Any, sample_weight: Any):
        """Validated float64 ``(X, y, sample_weight)``, checked once here so that the solvers
        need not (``check_input=False``); sets ``n_features_in_`` (and feature names)."""
        from bayesreg.dask import is_dask_collection
        from bayesreg.datafits import SufficientStatistics

        if isinstance(X, SufficientStatistics) or is_dask_collection(X, y, sample_weight):
            return self._check_summarised_data(X, y, sample_weight)
        check_numeric_columns(X)  # a DataFrame's non-numeric columns, by name
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64, accept_sparse=("csr", "csc"))
        return X, np.asarray(y, dtype=np.float64), check_sample_weight(sample_weight, X.shape[0])

    def _check_summarised_data(self, X: Any, y: Any, sample_weight: Any):
        """Dask collections or :class:`~bayesreg.SufficientStatistics`: passed on unread (the
        fit summarises them in one pass, :mod:`bayesreg.dask`); sets ``n_features_in_`` and
        ``feature_names_in_`` from their shape and columns."""
        from bayesreg._validation import feature_names
        from bayesreg.datafits import SufficientStatistics

        is_stats = isinstance(X, SufficientStatistics)
        self.n_features_in_ = X.n_features if is_stats else int(X.shape[1])
        names = X.feature_names if is_stats else feature_names(X)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return X, y, sample_weight

    def _store_map(self, res: Any) -> None:
        """Set the fitted attributes from a :class:`~bayesreg.MapResult`."""
        self.result_ = res
        self.coef_ = res.coef
        self.intercept_ = res.intercept
        self.kkt_residual_ = res.kkt_residual
        self.n_iter_ = res.n_iter

    def predict(self, X: Any) -> np.ndarray:
        """Posterior-mode prediction ``X @ coef_ + intercept_`` (lazy for a Dask collection)."""
        check_is_fitted(self)
        from bayesreg.dask import is_dask_collection, predict

        if is_dask_collection(X):
            if X.ndim != 2 or X.shape[1] != self.n_features_in_:
                raise ValueError(f"X must have {self.n_features_in_} features, got shape {X.shape}")
            return predict(X, self.coef_, self.intercept_)
        X = validate_data(self, X, reset=False, dtype=np.float64, accept_sparse=("csr", "csc"))
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def sample_posterior(self, X: Any, y: Any, sample_weight: Any = None, **kwargs: Any) -> _MAPBase:
        r"""Fit the MAP, then sample the full posterior (see :func:`bayesreg.sample_posterior`).

        Sets everything :meth:`fit` sets plus ``posterior_``, the DataTree of draws
        (``coef`` over (chain, draw, feature), ``intercept``, ``sigma`` when learned).

        The noise scale σ of the posterior is **learned** unless you fix it: the default
        is :func:`bayesreg.sample_posterior`'s ``sigma=None`` (a half-t prior on σ), and
        ``sigma="jeffreys"`` learns it under :math:`p(\sigma^2)\propto1/\sigma^2`; pass
        ``sigma=<number>`` (for instance ``sigma=est.sigma``) to fix it. The estimator's
        own ``sigma`` only turns its prior scales into the MAP's penalty: a noise scale
        nobody chose would make every interval as narrow as that σ says. What was used is
        in ``posterior_.attrs["sigma_mode"]`` (and ``attrs["sigma"]`` when fixed).

        For a prior without a fixed penalty (a Bayesian lasso with a hyperprior, the
        horseshoe) there is no MAP: ``coef_`` and ``intercept_`` are then the posterior
        means. Returns ``self``.
        """
        from bayesreg.mcmc import sample_posterior

        prior = check_prior(self._prior())
        kwargs.setdefault("fit_intercept", self.fit_intercept)
        from bayesreg.dask import is_dask_collection

        if is_dask_collection(X, y, sample_weight):  # one pass serves the MAP and the sampler
            from bayesreg.datafits import SufficientStatistics

            X = SufficientStatistics.from_dask(X, y, sample_weight, bool(kwargs["fit_intercept"]))
            y = sample_weight = None
        # validated once, here: the MAP and the sampler take the checked arrays as they are
        X, y, sample_weight = self._check_fit_data(X, y, sample_weight)
        if prior.has_penalty:
            check_bool("fit_intercept", self.fit_intercept)
            self._fit_checked(prior, X, y, sample_weight)
        kwargs.setdefault("feature_names", getattr(self, "feature_names_in_", None))
        self.posterior_ = sample_posterior(
            X, y, prior, sample_weight=sample_weight, check_input=False, **kwargs
        )
        if not prior.has_penalty:
            post = self.posterior_["posterior"]
            self.coef_ = post["coef"].mean(("chain", "draw")).values
            self.intercept_ = float(post["intercept"].mean())
        return self

    def to_sklearn(self, n_samples: int | None = None, sample_weight: Any = None):
        """The equivalent configured scikit-learn estimator (see :func:`bayesreg.convert.to_sklearn`)."""
        from bayesreg.convert import to_sklearn

        if n_samples is None and sample_weight is None and hasattr(self, "result_"):
            n_samples = self.result_.weight_sum
        return to_sklearn(
            self._prior(), sigma=self.sigma, n_samples=n_samples,
            sample_weight=sample_weight, fit_intercept=self.fit_intercept,
        )


class MAPRegressor(_MAPBase):
    r"""Posterior-mode linear regression under any bayesreg prior.

    Minimises :math:`\frac{1}{2\sigma^2}\sum_i s_i(y_i - b - x_i^\top w)^2 - \sum_j\log p(w_j)`.

    Parameters
    ----------
    prior : Prior, default=None
        The coefficient prior; None means ``Gaussian(scale=1.0)``.
    sigma : float, default=1.0
        Noise standard deviation σ.
    fit_intercept : bool, default=True
    """

    def __init__(self, prior: Prior | None = None, *, sigma: float = 1.0, fit_intercept: bool = True):
        self.prior = prior
        self.sigma = sigma
        self.fit_intercept = fit_intercept

    def _prior(self) -> Prior:
        return Gaussian(1.0) if self.prior is None else self.prior


class _OneScaleMAP(_MAPBase):
    """A preset whose prior family has one scale parameter."""

    _family: type[Prior]

    def __init__(self, scale: float = 1.0, *, sigma: float = 1.0, fit_intercept: bool = True):
        self.scale = scale
        self.sigma = sigma
        self.fit_intercept = fit_intercept

    def _prior(self) -> Prior:
        return self._family(self.scale)


class RidgeMAP(_OneScaleMAP):
    r"""MAP under :math:`w_j\sim\mathcal N(0,\tau^2)`: Ridge with ``alpha = σ²/τ²``.

    Objective (σ²-units): :math:`\tfrac12\sum_i s_i r_i^2 + \frac{\sigma^2}{2\tau^2}\lVert w\rVert^2`.

    Parameters
    ----------
    scale : float, default=1.0
        Prior standard deviation τ.
    sigma : float, default=1.0
    fit_intercept : bool, default=True
    """

    _family = Gaussian


class LassoMAP(_OneScaleMAP):
    r"""MAP under :math:`w_j\sim\mathrm{Laplace}(0,b)`: Lasso with ``alpha = σ²/(n b)``.

    Objective (σ²-units): :math:`\tfrac12\sum_i s_i r_i^2 + \frac{\sigma^2}{b}\lVert w\rVert_1`.

    Parameters
    ----------
    scale : float, default=1.0
        Laplace scale b.
    sigma : float, default=1.0
    fit_intercept : bool, default=True
    """

    _family = Laplace


class ElasticNetMAP(_MAPBase):
    r"""MAP under the elastic-net prior :math:`\propto e^{-|w|/b - w^2/(2\tau^2)}`.

    ElasticNet with ``alpha = (σ²/b + σ²/τ²)/n`` and ``l1_ratio = (1/b)/(1/b + 1/τ²)``.

    Parameters
    ----------
    l1_scale : float, default=1.0
        Laplace scale b.
    l2_scale : float, default=1.0
        Gaussian standard deviation τ.
    sigma : float, default=1.0
    fit_intercept : bool, default=True
    """

    def __init__(
        self, l1_scale: float = 1.0, l2_scale: float = 1.0, *, sigma: float = 1.0,
        fit_intercept: bool = True,
    ):
        self.l1_scale = l1_scale
        self.l2_scale = l2_scale
        self.sigma = sigma
        self.fit_intercept = fit_intercept

    def _prior(self) -> Prior:
        return ElasticNet(self.l1_scale, self.l2_scale)


def sample_pipeline_posterior(pipeline: Any, X: Any, y: Any, sample_weight: Any = None, **kwargs: Any):
    r"""Sample the posterior of a fitted ``Pipeline``'s last step, in the space its earlier steps make.

    The prior acts on the coefficients of the transformed columns (for example per standard
    deviation after a ``StandardScaler``), so the posterior is sampled on
    ``pipeline[:-1].transform(X)``, with the transformed columns' names
    (``get_feature_names_out``) as its ``feature`` coordinate. The last step keeps the
    posterior as ``posterior_`` (and its MAP as ``coef_``), so
    :func:`bayesreg.predict_posterior` ``(pipeline, X_new)`` takes raw rows and sends them
    through the same transforms.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted, its last step a bayesreg MAP estimator (``LassoMAP``, ``RidgeMAP``, ...).
    X, y, sample_weight
        The raw rows (as given to ``pipeline.fit``).
    **kwargs
        Passed to the last step's ``sample_posterior`` (and so to
        :func:`bayesreg.sample_posterior`): ``sigma``, ``draws``, ``sampler``, ...

    Returns
    -------
    Pipeline
        ``pipeline``, its last step now carrying ``posterior_``.
    """
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted as _fitted

    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"expected a fitted sklearn Pipeline, got {type(pipeline).__name__}")
    last = pipeline[-1]
    if not hasattr(last, "sample_posterior"):
        raise TypeError(
            f"the pipeline's last step {type(last).__name__} has no posterior; end it with a bayesreg "
            "MAP estimator (LassoMAP, RidgeMAP, ElasticNetMAP, MAPRegressor)"
        )
    _fitted(pipeline)
    head = pipeline[:-1]
    Xt = head.transform(X)
    try:
        names = head.get_feature_names_out()
    except (AttributeError, ValueError, TypeError):
        names = None
    if names is not None and not hasattr(Xt, "columns"):
        # name the posterior's features without refitting the step on a DataFrame (its
        # feature_names_in_ must stay what pipeline.fit gave it)
        kwargs.setdefault("feature_names", [str(n) for n in names])
    last.sample_posterior(Xt, y, sample_weight, **kwargs)
    return pipeline
