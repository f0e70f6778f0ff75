"""``map_estimate``: the posterior mode, exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg._validation import check_sigma, check_X_y, feature_names
from bayesreg.datafits import GaussianDatafit
from bayesreg.map.kkt import kkt_residual
from bayesreg.map.result import MapResult, SolverOutput
from bayesreg.map.solvers import solve_penalty
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior, check_prior

__all__ = ["map_estimate", "kkt_certificate"]


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
        sigma=sigma,
        penalty=pen,
        objective=lik.half_rss(u) + pen.value(out.coef),
        weight_sum=lik.weight_sum,
        fit_intercept=lik.fit_intercept,
        feature_names=names,
    )


def map_estimate(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float,
    fit_intercept: bool = True,
    sample_weight: Any = None,
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

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    prior : Prior
        ``Gaussian``, ``Laplace``, ``ElasticNet`` or a ``BayesianLasso`` with fixed λ.
    sigma : float
        Noise standard deviation σ > 0.
    fit_intercept : bool, default=True
        Estimate an unpenalised intercept (by weighted centring, as scikit-learn does).
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative precision multipliers (scikit-learn's semantics).
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
    sigma = check_sigma(sigma)
    if check_input:
        Xa, ya, sw = check_X_y(X, y, sample_weight)
    else:
        Xa, ya, sw = X, y, sample_weight
    if not prior.has_penalty:
        raise ValueError(
            f"{type(prior).__name__} with a hyperprior has no fixed penalty, so no "
            "penalised-regression MAP; use sample_posterior for its posterior"
        )
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept), equilibrate=True)
    pen = prior.penalty(sigma)
    out = solve_penalty(lik, pen)
    return _result(lik, out, prior, sigma, pen, feature_names(X))


def kkt_certificate(
    X: Any, y: Any, coef: Any, prior: Prior, *, sigma: float, fit_intercept: bool = True,
    sample_weight: Any = None,
) -> float:
    """The optimality certificate of any coefficient vector, as :attr:`MapResult.kkt_residual`.

    Zero exactly at the MAP of ``prior`` (intercept profiled out); the definition and its
    invariances are in :mod:`bayesreg.map.kkt`. Use it to check an answer from elsewhere
    (another solver, a saved model) on the same data.
    """
    prior = check_prior(prior)
    sigma = check_sigma(sigma)
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    w = np.asarray(coef, dtype=float).ravel()
    if w.shape != (Xa.shape[1],):
        raise ValueError(f"coef must have one entry per feature ({Xa.shape[1]}), got shape {w.shape}")
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept), equilibrate=True)
    pen = prior.penalty(sigma)
    d = lik.column_scale
    u = lik.scaled(w)
    l2 = pen.l2 / d**2
    return kkt_residual(u, lik.smooth_gradient(u) + l2 * u, pen.l1 / d, lik.q)
