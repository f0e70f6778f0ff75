r"""Posterior predictive for new rows: draws of :math:`b + x^\top w` (+ noise), mean and interval."""

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
        :math:`b + x^\\top w` (False).
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

    For each draw :math:`(w^{(k)}, b^{(k)}, \sigma^{(k)})`,

    .. math::

        \mu^{(k)}(x) = b^{(k)} + x^\top w^{(k)}, \qquad
        y^{*(k)} = \mu^{(k)}(x) + \frac{\sigma^{(k)}}{\sqrt{s}}\,\varepsilon^{(k)},
        \quad \varepsilon^{(k)}\sim\mathcal N(0,1),

    and the summary is the mean and the equal-tailed ``prob`` interval of those draws:
    of the regression mean :math:`\mu` (``include_noise=False``) or of a new
    observation :math:`y^*` (``include_noise=True``; weight ``s`` defaults to 1).

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
    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob!r}")
    post = idata["posterior"]
    coef = post["coef"].values
    p = coef.shape[-1]
    Xa = check_X(X, n_features=p)
    coef = coef.reshape(-1, p)
    intercept = post["intercept"].values.reshape(-1)
    mu = intercept[:, None] + coef @ Xa.T
    if include_noise:
        if "sigma" in post.data_vars:
            sigma = post["sigma"].values.reshape(-1)
        elif "sigma" in idata.attrs:
            sigma = np.full(mu.shape[0], float(idata.attrs["sigma"]))
        else:
            raise ValueError("the posterior has no sigma (neither sampled nor fixed in attrs)")
        scale = sigma[:, None]
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=float)
            if sw.shape != (Xa.shape[0],) or not np.all(sw > 0):
                raise ValueError("sample_weight must be positive, one per row of X")
            scale = scale / np.sqrt(sw)[None, :]
        rng = np.random.default_rng(random_seed)
        mu = mu + scale * rng.standard_normal(mu.shape)
    tail = (1 - prob) / 2
    lower, upper = np.quantile(mu, [tail, 1 - tail], axis=0)
    return PosteriorPrediction(
        mean=mu.mean(axis=0), lower=lower, upper=upper, prob=float(prob), draws=mu,
        include_noise=bool(include_noise),
    )
