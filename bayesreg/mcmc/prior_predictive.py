r"""Draws from the prior and the prior predictive: the ``prior`` and ``prior_predictive`` groups.

Every draw is exact and independent (no MCMC): the prior objects draw themselves
(:meth:`~bayesreg.priors.Prior.rvs`) and the datafit draws the data
(:meth:`~bayesreg.datafits.Datafit.predictive_draws`). For draw :math:`k`,

.. math::

    \sigma^{(k)} \sim p(\sigma), \qquad w_j^{(k)} \sim p(w_j \mid \sigma^{(k)}), \qquad
    y_i^{\text{rep}(k)} \sim p\big(y \mid b^{(k)} + o_i + x_i^\top w^{(k)}, \sigma^{(k)}\big),

* :math:`p(\sigma)`: the half-:math:`t_3(0, s)` of ``sigma=None``, or the fixed σ. The
  Jeffreys prior (``sigma="jeffreys"``) is improper and has no draws: a ValueError.
* :math:`p(w_j\mid\sigma)`: ``prior.rvs``; a prior whose scale is relative to σ
  (``relative_to_noise``, the Bayesian lasso) is drawn at σ = 1 and multiplied by
  :math:`\sigma^{(k)}`, since for it :math:`w/\sigma` does not depend on σ. ``rvs`` draws each
  coefficient's marginal, so for a hierarchical prior (horseshoe, a Bayesian lasso with
  a prior on λ) the coefficients of one draw do not share their global scale: the
  marginals are exact, the joint is not, and the prior predictive is that of
  independent coefficients with those marginals. The prior's hyper-variables (``tau``,
  ``lam``, ...) are not in the group.
* :math:`b`: the intercept has a flat, improper prior, so it is not drawn (no
  ``intercept`` in ``prior``). The prior predictive puts it where the data put an
  intercept-only model, moved with each draw so that the prediction at the mean row stays
  there: :math:`b^{(k)} = b_0 - \bar x^\top w^{(k)}`, with :math:`b_0` the datafit's
  optimal intercept at :math:`w = 0` (:math:`\bar y` for the Gaussian, the logit or log of
  the mean for the GLMs) and :math:`\bar x` the weighted column means — for the Gaussian,
  the profiled intercept :math:`\bar y - \bar x^\top w` exactly. 0 without an intercept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.mcmc.groups import add_observed, as_counts, want_group
from bayesreg.mcmc.predict import predictive_draws
from bayesreg.mcmc.problem import PosteriorProblem

__all__ = ["sample_prior", "prior_datasets"]


def sample_prior(
    X: Any, y: Any, prior: Any, *, sigma: float | str | None = None, family: str = "gaussian",
    fit_intercept: bool = True, sample_weight: Any = None, draws: int = 1000, chains: int = 1,
    random_seed: Any = None, sigma_scale: float | None = None, prior_predictive: bool | str = "auto",
    feature_names: Any = None,
):
    r"""Draws from the prior and the prior predictive of the model :func:`~bayesreg.sample_posterior` samples.

    The arguments mean what they mean there (``X``, ``y`` and the weights give the design
    the prior predictive is drawn at, the scale of the default σ prior and the location
    of the intercept; see the module :mod:`bayesreg.mcmc.prior_predictive` for the
    maths). ``prior_predictive`` is True, False or ``"auto"`` (skipped, with a warning,
    above :data:`bayesreg.mcmc.groups.MAX_GROUP_VALUES` values).

    Returns
    -------
    xarray.DataTree
        Groups ``prior`` (``coef`` over (chain, draw, feature), ``sigma`` when it is
        learned), ``prior_predictive`` (``y`` over (chain, draw, obs)), ``observed_data``
        and ``constant_data``; ``attrs`` as those of :func:`~bayesreg.sample_posterior`.
        ``sample_posterior(..., prior=True)`` adds the same groups to the posterior.

    Examples
    --------
    >>> import numpy as np, bayesreg
    >>> from bayesreg.mcmc import sample_prior
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
    >>> pri = sample_prior(X, y, bayesreg.Laplace(0.5), sigma=1.0, draws=200, random_seed=0)
    >>> pri["prior"]["coef"].shape, pri["prior_predictive"]["y"].shape
    ((1, 200, 2), (1, 200, 30))
    """
    import xarray as xr

    from bayesreg.mcmc.sample import _check_count

    draws = _check_count("draws", draws, 1)
    chains = _check_count("chains", chains, 1)
    problem = PosteriorProblem.from_data(
        X, y, prior, sigma=sigma, sigma_scale=sigma_scale, fit_intercept=fit_intercept,
        sample_weight=sample_weight, family=family, feature_names=feature_names,
    )
    tree = xr.DataTree()
    for name, ds in prior_datasets(
        problem, chains=chains, draws=draws, rng=np.random.default_rng(random_seed),
        predictive=prior_predictive,
    ).items():
        tree[name] = xr.DataTree(ds)
    if problem.datafit.y is not None:
        add_observed(tree, problem.datafit, problem.feature_names)
        if "prior_predictive" in tree.children:
            as_counts(tree, "prior_predictive")
    tree.attrs.update(problem.attrs())
    return tree


def prior_datasets(
    problem: PosteriorProblem, *, chains: int, draws: int, rng: np.random.Generator,
    predictive: bool | str = "auto",
) -> dict[str, Any]:
    """``{"prior": Dataset, "prior_predictive": Dataset}`` for ``problem`` (module docstring).

    ``prior_predictive`` is left out when ``predictive`` is False, when the datafit holds
    no rows, or under ``"auto"`` above the size limit (with a
    :class:`~bayesreg.mcmc.groups.SkippedGroupWarning`).
    """
    import xarray as xr

    from bayesreg.mcmc.groups import _warn_skipped

    shape = (chains, draws)
    sigma = _sigma_draws(problem, shape, rng)
    coef = problem.prior.rvs((*shape, problem.n_features), random_state=rng)
    if problem.prior.relative_to_noise and sigma is not None:
        coef = coef * sigma[..., None]
    coords = {"chain": np.arange(chains), "draw": np.arange(draws)}
    variables: dict[str, Any] = {"coef": (("chain", "draw", "feature"), coef)}
    if problem.sigma_mode == "half-t":
        variables["sigma"] = (("chain", "draw"), sigma)
    out = {"prior": xr.Dataset(variables, coords={**coords, "feature": list(problem.feature_names)})}
    datafit = problem.datafit
    if predictive is False or datafit.y is None:
        return out
    n = datafit.n_samples
    if not want_group(predictive, chains * draws * n):
        _warn_skipped(["prior_predictive"], {"chain": chains, "draw": draws}, n)
        return out
    X, sw = datafit.X, datafit.sample_weight
    intercept = np.zeros(shape)
    if problem.fit_intercept:
        b0 = float(datafit.intercept(np.zeros(problem.n_features)))
        intercept = b0 - coef @ np.average(X, axis=0, weights=sw)
    y_rep = predictive_draws(
        datafit, coef, intercept, sigma, X, offset=getattr(datafit, "offset", None),
        sample_weight=sw, rng=rng,
    )
    out["prior_predictive"] = xr.Dataset(
        {"y": (("chain", "draw", "obs"), y_rep)}, coords={**coords, "obs": np.arange(n)},
    )
    return out


def _sigma_draws(problem: PosteriorProblem, shape: tuple[int, int], rng: np.random.Generator):
    """σ for every prior draw (None for a likelihood without a noise scale)."""
    mode = problem.sigma_mode
    if mode == "none":
        return None
    if mode == "fixed":
        return np.full(shape, float(problem.sigma))  # type: ignore[arg-type]
    if mode == "half-t":
        return float(problem.sigma_scale) * np.abs(rng.standard_t(3.0, size=shape))  # type: ignore[arg-type]
    raise ValueError(
        "prior draws need a proper prior on sigma, and sigma='jeffreys' (p(sigma^2) ~ 1/sigma^2) "
        "is improper: use sigma=None (a half-t prior) or a fixed sigma"
    )
