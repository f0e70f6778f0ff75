"""``map_estimate``: the posterior mode, exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg._validation import check_bool, check_X_y, feature_names
from bayesreg.datafits import GaussianDatafit, SufficientStatistics
from bayesreg.families import likelihood_family
from bayesreg.map._linalg import on_one_blas_thread
from bayesreg.map.kkt import kkt_residual
from bayesreg.map.result import MapResult, SolverOutput
from bayesreg.map.solvers import solve_penalty
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior, check_prior

__all__ = ["map_estimate", "kkt_certificate", "check_representable"]


def check_representable(lik: Any) -> None:
    r"""ValueError unless the Gaussian MAP problem of ``lik`` fits in double precision.

    The solvers work in σ²-units, where the data term is :math:`\tfrac12\sum_i s_i r_i^2`;
    a target whose centred squares overflow (``y * 1e300``) makes every objective, gradient
    and certificate overflow, so there is no answer to give, only this error.
    """
    if not getattr(lik, "has_noise_scale", False):
        return
    with np.errstate(over="ignore", invalid="ignore"):
        half_rss0 = float(lik.value(np.zeros(lik.n_features)))
    if not np.isfinite(half_rss0):
        b = getattr(lik, "b", None)
        big = float(np.abs(b).max()) if b is not None and b.size else float("inf")
        raise ValueError(
            "y is too large for double precision: half its sum of (centred, weighted) squares, "
            f"the data term of the MAP objective (|y| up to {big:.3g}), overflows, so double "
            "precision cannot represent the problem; divide y, sigma and the prior scales by "
            "a common factor (the coefficients scale with them)"
        )


def _result(
    lik: GaussianDatafit, out: SolverOutput, prior: Prior, sigma: float, pen: Penalty,
    names: np.ndarray | None,
) -> MapResult:
    u = lik.scaled(out.coef)
    return MapResult(
        coef=out.coef,
        intercept=lik.intercept(u),
        kkt_residual=out.kkt_residual,
        n_iter=out.n_iter,
        prior=prior,
        sigma=sigma if lik.has_noise_scale else None,
        penalty=pen,
        objective=lik.value(u) + pen.value(out.coef),
        weight_sum=lik.weight_sum,
        fit_intercept=lik.fit_intercept,
        feature_names=names,
        family=lik.family,
    )


@on_one_blas_thread
def map_estimate(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float | None = None,
    family: str = "gaussian",
    fit_intercept: bool = True,
    sample_weight: Any = None,
    offset: Any = None,
    check_input: bool = True,
) -> MapResult:
    r"""Posterior mode of :math:`y \sim \mathcal N(b + Xw, \sigma^2/s)` with prior ``prior`` on ``w``.

    Minimises, over :math:`w` and a flat-prior intercept :math:`b`,

    .. math::

        \frac{1}{2\sigma^2}\sum_i s_i (y_i - b - x_i^\top w)^2 - \sum_j \log p(w_j),

    which for the Gaussian, Laplace and elastic-net priors is, times σ²,
    :math:`\tfrac12\sum_i s_i r_i^2 + \lambda_1\lVert w\rVert_1
    + \tfrac{\lambda_2}{2}\lVert w\rVert^2` with :math:`\lambda_1 = \sigma^2/b`,
    :math:`\lambda_2 = \sigma^2/\tau^2`: Ridge, Lasso and ElasticNet (see
    :mod:`bayesreg.penalty` for their ``alpha``).

    Gaussian prior: one exact linear solve. Laplace and elastic-net: an exact
    active-set method (:func:`bayesreg.map.active_set.solve_l1`), so Lasso zeros are exact
    zeros. ``result.kkt_residual`` certifies optimality.

    ``family="bernoulli"`` (logistic regression; aliases ``"binomial"``, ``"logistic"``) and
    ``family="poisson"`` (log link) have no noise scale: pass no ``sigma``. Their MAP
    minimises the negative log posterior itself (dispersion 1),

    .. math::

        \sum_i s_i\,\ell(b + o_i + x_i^\top w;\, y_i) + \lambda_1\lVert w\rVert_1
        + \tfrac{\lambda_2}{2}\lVert w\rVert^2,\qquad \lambda_1 = 1/b,\ \lambda_2 = 1/\tau^2,

    with the log-loss or the half Poisson deviance :math:`\ell`
    (:mod:`bayesreg.datafits.bernoulli`, :mod:`bayesreg.datafits.poisson`): scikit-learn's
    ``LogisticRegression(C=τ²)`` or ``C=b`` with ``l1_ratio=1``, and
    ``PoissonRegressor(alpha=1/(S τ²))`` (:mod:`bayesreg.penalty`). The exact
    proximal-Newton solver (:mod:`bayesreg.map.prox_newton`) gives exact zeros and a
    certificate on the true objective. ``result.intercept`` is the log-odds or log-rate
    intercept and ``result.predict`` the linear predictor.

    The data enter only through their :class:`~bayesreg.SufficientStatistics`, so ``X``
    may also be a Dask array or DataFrame (with ``y`` and ``sample_weight`` partitioned
    alike: summarised in one pass on the active Dask scheduler, never gathered; see
    :mod:`bayesreg.dask`), or a :class:`~bayesreg.SufficientStatistics` computed before
    (then ``y=None``, no ``sample_weight``, and ``fit_intercept`` as they were computed).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), dask collection, or SufficientStatistics
    y : array-like of shape (n_samples,), dask collection, or None
    prior : Prior
        ``Gaussian``, ``Laplace``, ``ElasticNet`` or a ``BayesianLasso`` with fixed λ.
    sigma : float, optional
        Noise standard deviation σ > 0 (Gaussian family; must be None for the others).
    family : {"gaussian", "bernoulli", "poisson"}, default="gaussian"
        The likelihood (any alias of :data:`bayesreg.families.LIKELIHOOD_FAMILIES`). For
        ``"bernoulli"``, ``y`` is 0/1, boolean or two labels (the larger one is 1); for
        ``"poisson"``, non-negative counts.
    fit_intercept : bool, default=True
        Estimate an unpenalised intercept (by weighted centring, as scikit-learn does).
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative precision multipliers (scikit-learn's semantics).
    offset : array-like of shape (n_samples,), optional
        A known term of the linear predictor (GLM families; ``log(exposure)`` for counts).
    check_input : bool, default=True
        Validate the arrays. Callers that already did (the estimators) pass False and
        float64 arrays, as scikit-learn's ``check_input=False``.

    Returns
    -------
    MapResult

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Lasso
    >>> import bayesreg
    >>> X, y = load_diabetes(return_X_y=True)
    >>> res = bayesreg.map_estimate(X, y, bayesreg.Laplace(scale=0.5), sigma=1.0)
    >>> alpha = 1.0**2 / (len(y) * 0.5)          # Lasso alpha = sigma^2 / (n b)
    >>> sk = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    >>> bool(np.allclose(res.coef, sk.coef_, atol=1e-8, rtol=0))
    True
    """
    prior = check_prior(prior)
    fam = likelihood_family(family)
    sigma = fam.penalty_sigma(sigma)
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    if not prior.has_penalty:
        raise ValueError(
            f"{type(prior).__name__} with a hyperprior has no fixed penalty, so no "
            "penalised-regression MAP; use sample_posterior for its posterior"
        )
    # arrays (validated unless check_input=False), dask collections or SufficientStatistics
    if fam.has_noise_scale:
        if offset is not None:
            raise ValueError("offset is for the GLM families; subtract it from y instead")
        lik = GaussianDatafit.from_data(
            X, y, sample_weight, fit_intercept, check_input=check_input, equilibrate=True
        )
    else:
        lik = fam.cls.from_data(
            X, y, sample_weight, fit_intercept, check_input=check_input, offset=offset
        )
    check_representable(lik)
    pen = prior.penalty(sigma)
    names = X.feature_names if isinstance(X, SufficientStatistics) else feature_names(X)
    out = solve_penalty(lik, pen)
    return _result(lik, out, prior, sigma, pen, names)


def kkt_certificate(
    X: Any, y: Any, coef: Any, prior: Prior, *, sigma: float | None = None,
    fit_intercept: bool = True, sample_weight: Any = None, family: str = "gaussian",
    offset: Any = None,
) -> float:
    """The optimality certificate of any coefficient vector, as :attr:`MapResult.kkt_residual`.

    Zero exactly at the MAP of ``prior`` (intercept profiled out); the definition and its
    invariances are in :mod:`bayesreg.map.kkt` (for the Bernoulli and Poisson families, no
    ``sigma``: :func:`bayesreg.map.prox_newton.certificate`, at the optimal intercept). Use it
    to check an answer from elsewhere (another solver, a saved model) on the same data.
    """
    prior = check_prior(prior)
    fam = likelihood_family(family)
    sigma = fam.penalty_sigma(sigma)
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    if not fam.has_noise_scale:
        from bayesreg.map.prox_newton import certificate

        glm = fam.cls.from_data(X, y, sample_weight, fit_intercept, offset=offset)
        w = np.asarray(coef, dtype=float).ravel()
        if w.shape != (glm.n_features,):
            raise ValueError(f"coef must have one entry per feature ({glm.n_features}), got shape {w.shape}")
        pen = prior.penalty(sigma).for_features(w.size)
        return certificate(glm, w, glm.gradient(w), pen.l1, pen.l2)
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    w = np.asarray(coef, dtype=float).ravel()
    if w.shape != (Xa.shape[1],):
        raise ValueError(f"coef must have one entry per feature ({Xa.shape[1]}), got shape {w.shape}")
    lik = GaussianDatafit(Xa, ya, sw, fit_intercept, equilibrate=True)
    check_representable(lik)
    pen = prior.penalty(sigma)
    d = lik.column_scale
    u = lik.scaled(w)
    l2 = (pen.for_features(w.size).l2 / d) / d
    return kkt_residual(u, lik.smooth_gradient(u) + l2 * u, pen.l1 / d, lik.q)
