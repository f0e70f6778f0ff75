"""``sample_posterior``: the full posterior of a shrinkage-prior regression.

The front door only: validate, build the :class:`~bayesreg.mcmc.problem.PosteriorProblem`,
hand it to a backend (:mod:`bayesreg.mcmc.backends`), add the data groups
(:mod:`bayesreg.mcmc.groups`) and, on request, the prior's
(:mod:`bayesreg.mcmc.prior_predictive`), record the problem in ``attrs``, diagnose.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg._validation import check_bool
from bayesreg.mcmc import backends
from bayesreg.mcmc.diagnostics import check_convergence
from bayesreg.mcmc.groups import add_data_groups, add_observed, as_counts, check_switch
from bayesreg.mcmc.problem import PosteriorProblem
from bayesreg.priors import Prior

__all__ = ["sample_posterior"]


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
    family: str = "gaussian",
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
    posterior_predictive: bool | str = "auto",
    prior_draws: bool = False,
    check_input: bool = True,
    feature_names: Any = None,
    **sampler_kwargs: Any,
):
    r"""Sample the posterior of :math:`y\sim\mathcal N(b + Xw, \sigma^2/s)` with prior ``prior`` on ``w``.

    .. math::

        p(w, b, \sigma \mid y) \;\propto\; \prod_i \mathcal N\big(y_i \mid b + x_i^\top w,
        \sigma^2/s_i\big)\,\prod_j p(w_j\mid\sigma)\;p(\sigma),

    with a flat prior on the intercept :math:`b`. The likelihood is evaluated through
    sufficient statistics (:mod:`bayesreg.datafits.gaussian`), so a gradient costs
    :math:`O(p^2)` for any number of rows, or, when there are fewer rows (of positive
    weight) than features, from the rows themselves, :math:`O(np)` per gradient and no
    :math:`p\times p` Gram matrix (:attr:`bayesreg.datafits.GaussianDatafit.pymc_form`);
    the pointwise log-likelihood (for LOO) is
    computed after sampling. The model is compiled once per structure (prior family,
    ``p``, intercept, σ treatment) and re-used: another prior scale, ``y``, weights or
    fixed σ only swap data (see :mod:`bayesreg.mcmc.model`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Design; a DataFrame's column names become the ``feature`` coordinates.
    y : array-like of shape (n_samples,)
    prior : Prior
        ``Gaussian``, ``Laplace``, ``ElasticNet``, ``BayesianLasso``, ``Horseshoe``,
        ``HorseshoePlus`` or ``SpikeAndSlab`` (whose inclusion probabilities only the Gibbs
        sampler records).
    sigma : float, None or "jeffreys", default=None
        A float fixes the noise standard deviation. ``None`` learns it with the
        weakly-informative prior :math:`\sigma\sim\text{half-}t_3(0, s_y)`, :math:`s_y`
        the weighted standard deviation of ``y`` (override with ``sigma_scale``).
        ``"jeffreys"`` learns it with :math:`p(\sigma^2)\propto 1/\sigma^2`.
        Must be None for a family without a noise scale.
    family : {"gaussian", "bernoulli", "poisson"}, default="gaussian"
        The likelihood (:data:`bayesreg.families.LIKELIHOOD_FAMILIES`; aliases such as
        ``"binomial"``, ``"logistic"``). ``"bernoulli"`` is logistic regression (``y`` 0/1,
        boolean or two labels), ``"poisson"`` log-linear regression of counts; their
        log-likelihood reads the rows in ``pm.Data`` (:math:`O(np)` per gradient) and they
        have no σ.
    fit_intercept : bool, default=True
        Sample a flat-prior intercept; with False the intercept is 0.
    sample_weight : array-like of shape (n_samples,), optional
        Precision multipliers :math:`s_i \ge 0` (scikit-learn's meaning).
    draws, tune, chains : int
        Kept draws, warm-up iterations and chains.
    random_seed : int or numpy Generator, optional
    sampler : str, optional
        A backend of :data:`bayesreg.mcmc.backends.BACKENDS`: ``"gibbs"`` (exact conditional
        draws for a Gaussian likelihood, or a Bernoulli one by Pólya-Gamma augmentation
        with the ``polyagamma`` package, and any prior that is a scale mixture of normals,
        no divergences; options ``coef_draw``, ``cores``: see
        :mod:`bayesreg.mcmc.backends.gibbs`), ``"nutpie"``,
        ``"pymc"`` (PyMC's own NUTS), ``"numpyro"`` or ``"blackjax"`` (through
        ``pm.sample(nuts_sampler=...)``, needing those packages). The default,
        ``"auto"`` (also ``None``), takes Gibbs where the likelihood is Gaussian (or
        Bernoulli, with ``polyagamma`` installed) and the prior a scale mixture, unless a NUTS option (``target_accept``, ...) is given, and
        nutpie otherwise (:func:`bayesreg.mcmc.backends.choose`).
    progressbar : bool, default=True
    sigma_scale : float, optional
        Scale of the half-t prior on σ (``sigma=None`` only); default :math:`s_y`.
    log_likelihood : bool or "auto", default="auto"
        Add the pointwise log-likelihood group (for ``arviz_stats.loo``). ``"auto"`` adds
        it unless it would hold more than :data:`bayesreg.mcmc.groups.MAX_GROUP_VALUES`
        (5·10⁷) numbers, chains × draws × n, and then warns
        (:class:`~bayesreg.mcmc.groups.SkippedGroupWarning`) how to add it later:
        :func:`bayesreg.mcmc.add_log_likelihood`.
    posterior_predictive : bool or "auto", default="auto"
        Add the ``posterior_predictive`` group: one replicated data set per draw at the
        observed rows (for ``plot_ppc_dist``, ``loo_pit``), under the same size rule
        (later: :func:`bayesreg.mcmc.add_posterior_predictive`).
    prior_draws : bool, default=False
        Also add the groups ``prior`` and ``prior_predictive``, exact draws from the prior
        (as many chains and draws as the posterior; see
        :func:`bayesreg.mcmc.sample_prior`, which draws them alone), for
        ``plot_prior_posterior`` and prior predictive checks.
    check_input : bool, default=True
        Validate ``X``, ``y`` and the weights. Callers that already did (the estimators'
        ``sample_posterior``) pass False with float64 arrays, as scikit-learn's
        ``check_input=False``.
    feature_names : sequence of str, optional
        The ``feature`` coordinates; default a DataFrame's columns, else ``x0, x1, ...``.
    **sampler_kwargs
        Passed to the backend: ``nutpie.sample`` or ``pm.sample`` (e.g. ``target_accept``,
        ``cores``).

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` (``coef`` over (chain, draw, feature), ``intercept``,
        ``sigma`` when learned, and prior hyper-parameters such as ``lam`` or ``tau``),
        ``sample_stats``, ``observed_data`` (``y``), ``constant_data`` (``X`` up to
        10⁶ values, the weights), ``log_likelihood`` and ``posterior_predictive`` (``y``,
        over (chain, draw, obs)), and with ``prior_draws`` ``prior`` and
        ``prior_predictive`` (see :mod:`bayesreg.mcmc.groups`). ``attrs`` record the prior
        (``prior``, its repr; ``prior_family`` and ``prior_params``, machine-readable), the
        likelihood ``family``, the σ treatment (``sigma_mode``; ``sigma`` when fixed,
        ``sigma_scale`` when half-t), ``fit_intercept`` and the ``sampler``.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, during the warm-up or the draws: never a shortened or NaN-padded
        posterior. From the nutpie and PyMC backends it carries the draws every chain
        completed in ``exc.partial`` (a DataTree with ``attrs["partial"] = 1``, or None
        in the warm-up), and ``exc.phase``, ``exc.draws_completed``,
        ``exc.draws_requested`` (see :func:`bayesreg.mcmc.backends.interrupted`).

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
    log_likelihood = check_switch("log_likelihood", log_likelihood)
    posterior_predictive = check_switch("posterior_predictive", posterior_predictive)
    prior_draws = check_bool("prior_draws", prior_draws)
    if isinstance(random_seed, np.random.Generator):
        random_seed = int(random_seed.integers(2**32))
    problem = PosteriorProblem.from_data(
        X, y, prior, sigma=sigma, sigma_scale=sigma_scale, fit_intercept=fit_intercept,
        sample_weight=sample_weight, family=family, check_input=check_input,
        feature_names=feature_names,
    )
    for group, switch in (("log_likelihood", log_likelihood), ("posterior_predictive", posterior_predictive)):
        if switch is True and problem.datafit.y is None:
            raise ValueError(f"{group}=True needs the observations; the data were summarised")
    name, backend = backends.choose(sampler, problem, sampler_kwargs)

    try:
        out = backend.sample(
            problem, draws=draws, tune=tune, chains=chains, random_seed=random_seed,
            progressbar=bool(progressbar), **sampler_kwargs,
        )
    except KeyboardInterrupt as exc:
        partial = getattr(exc, "partial", None)
        if partial is not None:  # what the draws were of, so that a save says so
            partial.attrs.update(problem.attrs(), sampler=name)
            if problem.datafit.y is not None:
                add_observed(partial, problem.datafit, problem.feature_names)
        raise
    backends.check_layout(out, problem, name, chains=chains, draws=draws)
    out.attrs.update(problem.attrs(), sampler=name)
    # the draws of new data get their own streams, apart from the sampler's seed
    streams = np.random.SeedSequence(random_seed).spawn(2)
    add_data_groups(
        out, problem, log_likelihood=log_likelihood, posterior_predictive=posterior_predictive,
        rng=np.random.default_rng(streams[0]),
    )
    if prior_draws:
        import xarray as xr

        from bayesreg.mcmc.prior_predictive import prior_datasets

        for group, ds in prior_datasets(
            problem, chains=chains, draws=draws, rng=np.random.default_rng(streams[1]),
        ).items():
            out[group] = xr.DataTree(ds)
        if "prior_predictive" in out.children:
            as_counts(out, "prior_predictive")
    check_convergence(out)
    return out
