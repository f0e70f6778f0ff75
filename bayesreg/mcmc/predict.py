r"""Posterior predictive for new rows: draws of the mean or of new observations, summarised.

:func:`predict_posterior` takes a posterior DataTree, an estimator that holds one
(``est.posterior_``, from :meth:`~bayesreg.estimators.MAPRegressor.sample_posterior`), or a
fitted scikit-learn ``Pipeline`` whose last step holds one (the rows then go through the
earlier steps first). :func:`predictive_draws` is the computation it shares with the
``posterior_predictive`` group of :func:`bayesreg.sample_posterior`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg._validation import check_feature_names, check_X

__all__ = ["PosteriorPrediction", "predict_posterior", "predictive_draws", "posterior_sigma"]


@dataclass(frozen=True, repr=False)
class PosteriorPrediction:
    r"""Summary of posterior predictive draws at new rows.

    Attributes
    ----------
    mean : ndarray (n,)
        Posterior mean of the prediction.
    lower, upper : ndarray (n,)
        Equal-tailed credible interval of probability ``prob``.
    prob : float
    draws : ndarray (n_chains, n_draws, n)
        The draws, over (chain, draw, row) as in the posterior (:attr:`flat_draws`
        stacks the chains).
    include_noise : bool
        Whether draws are of a new observation :math:`y^*` (True) or of the mean
        :math:`g^{-1}(b + x^\top w)` (False).
    """

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    prob: float
    draws: np.ndarray
    include_noise: bool

    @property
    def flat_draws(self) -> np.ndarray:
        """The draws with the chains stacked: shape (n_chains × n_draws, n)."""
        return self.draws.reshape(-1, self.draws.shape[-1])

    def to_dataset(self, name: str = "y"):
        """The draws as an ``xarray.Dataset`` with ``name`` over (chain, draw, obs): the
        ``posterior_predictive`` group of these rows (``include_noise=True``)."""
        import xarray as xr

        c, d, n = self.draws.shape
        coords = {"chain": np.arange(c), "draw": np.arange(d), "obs": np.arange(n)}
        return xr.Dataset({name: (("chain", "draw", "obs"), self.draws)}, coords=coords)

    def __repr__(self) -> str:
        c, d, n = self.draws.shape
        head = ", ".join(f"{v:.4g}" for v in self.mean[:3]) + (", ..." if n > 3 else "")
        what = "new observations" if self.include_noise else "the mean"
        return (
            f"PosteriorPrediction(n={n}, of {what}, {c} chains x {d} draws, "
            f"prob={self.prob:g}, mean=[{head}])"
        )


def predict_posterior(
    model: Any, X: Any, *, prob: float | None = None, include_noise: bool = False,
    sample_weight: Any = None, offset: Any = None, random_seed: Any = None,
) -> PosteriorPrediction:
    r"""Predict at new rows from posterior draws.

    For each draw :math:`(w^{(k)}, b^{(k)}, \sigma^{(k)})`, with the likelihood's inverse
    link :math:`g^{-1}` (the identity for the Gaussian),

    .. math::

        \mu^{(k)}(x) = g^{-1}\big(b^{(k)} + o + x^\top w^{(k)}\big), \qquad
        y^{*(k)} \sim p\big(y \mid b^{(k)} + o + x^\top w^{(k)}, \sigma^{(k)}\big),

    for the Gaussian :math:`y^{*(k)} = \mu^{(k)}(x) + \frac{\sigma^{(k)}}{\sqrt{s}}\,
    \varepsilon^{(k)}`, :math:`\varepsilon^{(k)}\sim\mathcal N(0,1)`. The summary is the
    mean and the equal-tailed ``prob`` interval of those draws: of the regression mean
    :math:`\mu` (``include_noise=False``) or of a new observation :math:`y^*`
    (``include_noise=True``; weight ``s`` defaults to 1). The likelihood is the datafit
    of ``attrs["family"]`` (see :mod:`bayesreg.families`; Gaussian when absent),
    through its :meth:`~bayesreg.datafits.Datafit.mean` and
    :meth:`~bayesreg.datafits.Datafit.predictive_draws`.

    Parameters
    ----------
    model : DataTree, estimator or Pipeline
        A posterior from :func:`bayesreg.sample_posterior`; an estimator holding one in
        ``posterior_``; or a fitted ``sklearn.pipeline.Pipeline`` whose last step holds
        one, in which case ``X`` is first transformed by the steps before it (the
        posterior is of the coefficients of the transformed features).
    X : array-like of shape (n, n_features)
        New rows. A DataFrame's columns are matched to the posterior's feature names
        (reordered if they are the same names in another order; unknown or missing names
        are refused) when the posterior was fitted with names.
    prob : float in (0, 1), optional
        Default :data:`bayesreg.settings.CI_PROB` (0.94), the package's interval level.
    include_noise : bool, default=False
    sample_weight : array-like of shape (n,), optional
        Precision weights of the new observations (noise ``σ/√s``).
    offset : array-like of shape (n,), optional
        A known term :math:`o` of the linear predictor of the new rows (GLM families: the
        log exposure of a count).
    random_seed : int or Generator, optional
        For the noise draws.

    Returns
    -------
    PosteriorPrediction
        ``draws`` over (chain, draw, row).
    """
    from bayesreg.families import likelihood_family
    from bayesreg.settings import ci_prob

    prob = ci_prob(prob)
    idata, X = _posterior_and_rows(model, X)
    post = idata["posterior"]
    names = [str(v) for v in post["feature"].values] if "feature" in post.coords else None
    p = post["coef"].shape[-1]
    if names is not None and names != [f"x{j}" for j in range(p)]:
        X = check_feature_names(X, names)
    Xa = check_X(X, n_features=p, accept_sparse=True)
    datafit_cls = likelihood_family(idata.attrs.get("family", "gaussian")).cls
    sw = _row_values(sample_weight, Xa.shape[0], "sample_weight", positive=True)
    off = _row_values(offset, Xa.shape[0], "offset")
    if off is not None and datafit_cls.has_noise_scale:
        raise ValueError("offset is for the GLM families; add it to the Gaussian predictions instead")
    # mean and predictive_draws read no data, and a datafit is built from observations,
    # which new rows lack: an instance without rows serves
    datafit = datafit_cls.__new__(datafit_cls)
    sigma = posterior_sigma(idata, datafit.has_noise_scale) if include_noise else None
    draws = predictive_draws(
        datafit, post["coef"].values, post["intercept"].values, sigma, Xa, offset=off,
        sample_weight=sw, rng=np.random.default_rng(random_seed), include_noise=include_noise,
    )
    flat = draws.reshape(-1, draws.shape[-1])
    tail = (1 - prob) / 2
    lower, upper = np.quantile(flat, [tail, 1 - tail], axis=0)
    return PosteriorPrediction(
        mean=flat.mean(axis=0), lower=lower, upper=upper, prob=prob, draws=draws,
        include_noise=bool(include_noise),
    )


def predictive_draws(
    datafit: Any, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray | None,
    X: np.ndarray, *, offset: np.ndarray | None = None, sample_weight: np.ndarray | None = None,
    rng: np.random.Generator | None = None, include_noise: bool = True,
) -> np.ndarray:
    r"""Draws at the rows ``X`` of :math:`y^*` (``include_noise``) or of :math:`g^{-1}(\eta)`.

    ``coef`` is (chains, draws, p), ``intercept`` and ``sigma`` (chains, draws) (``sigma``
    None for a likelihood without a noise scale); :math:`\eta = b + o + Xw`. Computed
    one chain at a time, so that the temporaries are one chain's; returns
    (chains, draws, n).
    """
    C, D, _ = coef.shape
    out = np.empty((C, D, X.shape[0]))
    rng = np.random.default_rng() if rng is None else rng
    for c in range(C):
        eta = np.asarray(X @ coef[c].T).T + intercept[c][:, None]  # X may be sparse
        if offset is not None:
            eta += offset[None, :]
        if include_noise:
            out[c] = datafit.predictive_draws(eta, None if sigma is None else sigma[c], rng, sample_weight)
        else:
            out[c] = datafit.mean(eta)
    return out


def posterior_sigma(idata: Any, has_noise_scale: bool) -> np.ndarray | None:
    """σ for every draw, (chains, draws): sampled, or the fixed ``attrs["sigma"]``; None
    for a likelihood without a noise scale."""
    if not has_noise_scale:
        return None
    post = idata["posterior"]
    if "sigma" in post.data_vars:
        return np.asarray(post["sigma"].values, dtype=float)
    if "sigma" in idata.attrs:
        return np.full(post["coef"].shape[:2], float(idata.attrs["sigma"]))
    raise ValueError("the posterior has no sigma (neither sampled nor fixed in attrs)")


def _posterior_and_rows(model: Any, X: Any) -> tuple[Any, Any]:
    """The posterior DataTree of ``model`` and the rows in its features' space."""
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline):
        final = model.steps[-1][1]
        if not hasattr(final, "posterior_"):
            raise TypeError(
                f"the last step of the Pipeline, {type(final).__name__}, holds no posterior_: "
                "call its sample_posterior (on the transformed rows) first"
            )
        return final.posterior_, model[:-1].transform(X)
    if hasattr(model, "children") and "posterior" in getattr(model, "children", ()):
        return model, X
    if hasattr(model, "posterior_"):
        return model.posterior_, X
    if hasattr(model, "get_params"):
        raise TypeError(
            f"{type(model).__name__} holds no posterior_: call est.sample_posterior(X, y) first"
        )
    raise TypeError(
        "predict_posterior needs a posterior DataTree (from bayesreg.sample_posterior), an "
        f"estimator with posterior_ or a Pipeline ending in one; got {type(model).__name__}"
    )


def _row_values(value: Any, n: int, name: str, *, positive: bool = False) -> np.ndarray | None:
    """None, or a finite float vector with one value per row (> 0 with ``positive``)."""
    if value is None:
        return None
    v = np.asarray(value, dtype=float)
    ok = v.shape == (n,) and np.isfinite(v).all() and (not positive or np.all(v > 0))
    if not ok:
        raise ValueError(f"{name} must be {'positive and ' if positive else ''}finite, one per row of X")
    return v
