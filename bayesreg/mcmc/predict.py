r"""Posterior predictive for new rows: draws of the mean or of new observations, summarised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg._validation import check_X

__all__ = ["PosteriorPrediction", "predict_posterior"]


@dataclass(frozen=True)
class PosteriorPrediction:
    """Summary of posterior predictive draws at new rows.

    Attributes
    ----------
    mean : ndarray (n,)
        Posterior mean of the prediction.
    lower, upper : ndarray (n,)
        Equal-tailed credible interval of probability ``prob``.
    prob : float
    draws : ndarray (n_draws, n)
        The draws (chains stacked).
    include_noise : bool
        Whether draws are of a new observation :math:`y^*` (True) or of the mean
        :math:`g^{-1}(b + x^\\top w)` (False).
    """

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    prob: float
    draws: np.ndarray
    include_noise: bool


def predict_posterior(
    idata: Any, X: Any, *, prob: float = 0.95, include_noise: bool = False,
    sample_weight: Any = None, random_seed: Any = None,
) -> PosteriorPrediction:
    r"""Predict at new rows from posterior draws.

    For each draw :math:`(w^{(k)}, b^{(k)}, \sigma^{(k)})`, with the likelihood's inverse
    link :math:`g^{-1}` (the identity for the Gaussian),

    .. math::

        \mu^{(k)}(x) = g^{-1}\big(b^{(k)} + x^\top w^{(k)}\big), \qquad
        y^{*(k)} \sim p\big(y \mid b^{(k)} + x^\top w^{(k)}, \sigma^{(k)}\big),

    for the Gaussian :math:`y^{*(k)} = \mu^{(k)}(x) + \frac{\sigma^{(k)}}{\sqrt{s}}\,
    \varepsilon^{(k)}`, :math:`\varepsilon^{(k)}\sim\mathcal N(0,1)`. The summary is the
    mean and the equal-tailed ``prob`` interval of those draws: of the regression mean
    :math:`\mu` (``include_noise=False``) or of a new observation :math:`y^*`
    (``include_noise=True``; weight ``s`` defaults to 1). The likelihood is the datafit
    of ``idata.attrs["family"]`` (see :mod:`bayesreg.families`; Gaussian when absent),
    through its :meth:`~bayesreg.datafits.Datafit.mean` and
    :meth:`~bayesreg.datafits.Datafit.predictive_draws`.

    Parameters
    ----------
    idata : DataTree
        Output of :func:`bayesreg.sample_posterior`.
    X : array-like of shape (n, n_features)
    prob : float in (0, 1), default=0.95
    include_noise : bool, default=False
    sample_weight : array-like of shape (n,), optional
        Precision weights of the new observations (noise ``σ/√s``).
    random_seed : int or Generator, optional
        For the noise draws.
    """
    from bayesreg.families import likelihood_family

    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob!r}")
    post = idata["posterior"]
    coef = post["coef"].values
    p = coef.shape[-1]
    Xa = check_X(X, n_features=p)
    datafit_cls = likelihood_family(idata.attrs.get("family", "gaussian")).cls
    sw = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=float)
        if sw.shape != (Xa.shape[0],) or not np.all(sw > 0):
            raise ValueError("sample_weight must be positive, one per row of X")
    # mean and predictive_draws read no data, and a datafit is built from observations,
    # which new rows lack: an instance without rows serves
    datafit = datafit_cls.__new__(datafit_cls)
    eta = post["intercept"].values.reshape(-1)[:, None] + coef.reshape(-1, p) @ Xa.T
    if include_noise:
        sigma = None
        if datafit.has_noise_scale:
            if "sigma" in post.data_vars:
                sigma = post["sigma"].values.reshape(-1)
            elif "sigma" in idata.attrs:
                sigma = np.full(eta.shape[0], float(idata.attrs["sigma"]))
            else:
                raise ValueError("the posterior has no sigma (neither sampled nor fixed in attrs)")
        draws = datafit.predictive_draws(eta, sigma, np.random.default_rng(random_seed), sw)
    else:
        draws = datafit.mean(eta)
    tail = (1 - prob) / 2
    lower, upper = np.quantile(draws, [tail, 1 - tail], axis=0)
    return PosteriorPrediction(
        mean=draws.mean(axis=0), lower=lower, upper=upper, prob=float(prob), draws=draws,
        include_noise=bool(include_noise),
    )
