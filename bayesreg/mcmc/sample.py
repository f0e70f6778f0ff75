"""``sample_posterior``: the full posterior of a shrinkage-prior regression.

The front door only: validate, build the :class:`~bayesreg.mcmc.problem.PosteriorProblem`,
hand it to a backend (:mod:`bayesreg.mcmc.backends`), add the data groups, diagnose.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.mcmc import backends
from bayesreg.mcmc.diagnostics import check_convergence
from bayesreg.mcmc.problem import PosteriorProblem
from bayesreg.priors import Prior

__all__ = ["sample_posterior", "MAX_LOG_LIKELIHOOD_VALUES"]

#: pointwise log-likelihoods with more values than this are skipped under ``log_likelihood="auto"``
MAX_LOG_LIKELIHOOD_VALUES = 50_000_000


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def sample_posterior(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float | str | None = None,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    random_seed: Any = None,
    sampler: str | None = None,
    progressbar: bool = True,
    sigma_scale: float | None = None,
    log_likelihood: bool | str = "auto",
    **sampler_kwargs: Any,
):
    r"""Sample the posterior of :math:`y\sim\mathcal N(b + Xw, \sigma^2/s)` with prior ``prior`` on ``w``.

    .. math::

        p(w, b, \sigma \mid y) \;\propto\; \prod_i \mathcal N\big(y_i \mid b + x_i^\top w,
        \sigma^2/s_i\big)\,\prod_j p(w_j\mid\sigma)\;p(\sigma),

    with a flat prior on the intercept :math:`b`. The likelihood is evaluated through
    sufficient statistics (:mod:`bayesreg.datafits.gaussian`), so a gradient costs
    :math:`O(p^2)` for any number of rows; the pointwise log-likelihood (for LOO) is
    computed after sampling. The model is compiled once per structure (prior family,
    ``p``, intercept, σ treatment) and re-used: another prior scale, ``y``, weights or
    fixed σ only swap data (see :mod:`bayesreg.mcmc.model`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design; a DataFrame's column names become the ``feature`` coordinates.
    y : array-like of shape (n_samples,)
    prior : Prior
        ``Gaussian``, ``Laplace``, ``ElasticNet``, ``BayesianLasso`` or ``Horseshoe``.
    sigma : float, None or "jeffreys", default=None
        A float fixes the noise standard deviation. ``None`` learns it with the
        weakly-informative prior :math:`\sigma\sim\text{half-}t_3(0, s_y)`, :math:`s_y`
        the weighted standard deviation of ``y`` (override with ``sigma_scale``).
        ``"jeffreys"`` learns it with :math:`p(\sigma^2)\propto 1/\sigma^2`.
    fit_intercept : bool, default=True
        Sample a flat-prior intercept; with False the intercept is 0.
    sample_weight : array-like of shape (n_samples,), optional
        Precision multipliers :math:`s_i \ge 0` (scikit-learn's meaning).
    draws, tune, chains : int
        Kept draws, warm-up iterations and chains.
    random_seed : int or numpy Generator, optional
    sampler : str, optional
        A backend of :data:`bayesreg.mcmc.backends.BACKENDS`: ``"nutpie"`` (the default),
        ``"pymc"`` (PyMC's own NUTS), ``"numpyro"`` or ``"blackjax"`` (through
        ``pm.sample(nuts_sampler=...)``, needing those packages); ``"auto"`` takes the
        first one that supports the problem.
    progressbar : bool, default=True
    sigma_scale : float, optional
        Scale of the half-t prior on σ (``sigma=None`` only); default :math:`s_y`.
    log_likelihood : bool or "auto", default="auto"
        Add the pointwise log-likelihood group. ``"auto"`` adds it unless it would hold
        more than :data:`MAX_LOG_LIKELIHOOD_VALUES` numbers (chains × draws × n).
    **sampler_kwargs
        Passed to the backend: ``nutpie.sample`` or ``pm.sample`` (e.g. ``target_accept``,
        ``cores``).

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` (``coef`` over (chain, draw, feature), ``intercept``,
        ``sigma`` when learned, and prior hyper-parameters such as ``lam`` or ``tau``),
        ``sample_stats``, ``observed_data`` (``y``) and ``log_likelihood`` (``y``, over
        (chain, draw, obs)). ``attrs`` record the prior, the likelihood ``family``, the σ treatment
        (``sigma_mode``, and ``sigma`` when fixed) and the sampler.

    Warns
    -----
    SamplingWarning
        Once, naming the variables, when any R-hat > 1.01, any bulk ESS < 400, or the
        sampler's statistics flag divergences, tree-depth saturation or a low E-BFMI
        (see :func:`~bayesreg.mcmc.check_convergence`).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> import bayesreg
    >>> X, y = load_diabetes(return_X_y=True)
    >>> post = bayesreg.sample_posterior(X, y, bayesreg.Laplace(10.0), progressbar=False)  # doctest: +SKIP
    >>> post.posterior["coef"].mean(("chain", "draw"))  # doctest: +SKIP
    """
    draws = _check_count("draws", draws, 1)
    tune = _check_count("tune", tune, 0)
    chains = _check_count("chains", chains, 1)
    if log_likelihood not in (True, False, "auto"):
        raise ValueError(f"log_likelihood must be True, False or 'auto', got {log_likelihood!r}")
    if isinstance(random_seed, np.random.Generator):
        random_seed = int(random_seed.integers(2**32))
    problem = PosteriorProblem.from_data(
        X, y, prior, sigma=sigma, sigma_scale=sigma_scale, fit_intercept=fit_intercept,
        sample_weight=sample_weight,
    )
    if log_likelihood is True and problem.datafit.y is None:
        raise ValueError("log_likelihood=True needs the observations; the data were summarised")
    name, backend = backends.choose(sampler, problem)

    out = backend.sample(
        problem, draws=draws, tune=tune, chains=chains, random_seed=random_seed,
        progressbar=bool(progressbar), **sampler_kwargs,
    )
    backends.check_layout(out, problem, name)
    _add_data_groups(out, problem, log_likelihood)
    out.attrs.update(
        prior=repr(problem.prior), family=problem.family, sigma_mode=problem.sigma_mode,
        sampler=name, fit_intercept=int(problem.fit_intercept),
    )
    if problem.sigma is not None:
        out.attrs["sigma"] = problem.sigma
    check_convergence(out)
    return out


def _add_data_groups(out, problem: PosteriorProblem, log_likelihood: bool | str) -> None:
    """``observed_data`` (y), ``constant_data`` (weights) and, if wanted, ``log_likelihood``."""
    import xarray as xr

    datafit = problem.datafit
    y, sw = datafit.y, datafit.sample_weight
    if y is None:  # a datafit summarised without its rows (sufficient statistics)
        return
    n = y.shape[0]
    obs = {"obs": np.arange(n)}
    out["observed_data"] = xr.DataTree(xr.Dataset({"y": ("obs", y)}, coords=obs))
    if sw is not None:
        out["constant_data"] = xr.DataTree(xr.Dataset({"sample_weight": ("obs", sw)}, coords=obs))
    post = out["posterior"]
    n_chain, n_draw = post.sizes["chain"], post.sizes["draw"]
    size = n_chain * n_draw * n
    if log_likelihood is False or (log_likelihood == "auto" and size > MAX_LOG_LIKELIHOOD_VALUES):
        return
    coef = post["coef"].values.reshape(n_chain * n_draw, -1)
    intercept = post["intercept"].values.reshape(-1)
    if problem.sigma_mode == "none":
        sigma = None
    elif problem.sigma is None:
        sigma = post["sigma"].values.reshape(-1)
    else:
        sigma = np.full(n_chain * n_draw, problem.sigma)
    ll = datafit.pointwise_log_likelihood(coef, intercept, sigma).reshape(n_chain, n_draw, n)
    out["log_likelihood"] = xr.DataTree(
        xr.Dataset(
            {"y": (("chain", "draw", "obs"), ll)},
            coords={"chain": post["chain"].values, "draw": post["draw"].values, **obs},
        )
    )
