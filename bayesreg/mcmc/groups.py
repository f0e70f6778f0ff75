r"""The ArviZ groups of a posterior DataTree besides ``posterior`` and ``sample_stats``.

:func:`bayesreg.sample_posterior` adds, from the rows it was given:

``observed_data``
    ``y`` over ``obs`` (in the family's coding: 0/1 for the Bernoulli).
``constant_data``
    ``sample_weight`` and ``offset`` over ``obs`` when there are any, and the design ``X``
    over ``(obs, feature)`` when it holds at most :data:`MAX_CONSTANT_DATA_VALUES`
    numbers (a copy of ``X`` would otherwise double the size of a saved posterior).
``log_likelihood``
    ``y`` over ``(chain, draw, obs)``: :math:`\log p(y_i \mid \theta^{(k)})`, for
    ``arviz_stats.loo``, ``loo_pit``, ``compare``
    (:meth:`~bayesreg.datafits.Datafit.pointwise_log_likelihood`).
``posterior_predictive``
    ``y`` over ``(chain, draw, obs)``: one replicated data set per draw,
    :math:`y^{\text{rep}(k)} \sim p(y \mid \theta^{(k)})` at the observed rows, weights and
    offset (:func:`~bayesreg.mcmc.predict.predictive_draws`), for ``plot_ppc_dist``,
    ``plot_ppc_pit``, ``loo_pit``.

The last two hold chains × draws × n numbers each. Under ``"auto"`` (the default of both
switches) a group is skipped when that exceeds :data:`MAX_GROUP_VALUES`, with a
:class:`SkippedGroupWarning` that says how to add it afterwards:
:func:`add_log_likelihood` and :func:`add_posterior_predictive` compute it on demand, one
chain at a time and (for the log-likelihood) in blocks of rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from bayesreg.mcmc.predict import posterior_sigma, predictive_draws

__all__ = [
    "MAX_GROUP_VALUES", "MAX_CONSTANT_DATA_VALUES", "SkippedGroupWarning", "add_data_groups",
    "add_log_likelihood", "add_posterior_predictive", "check_switch", "want_group", "as_counts",
]

#: groups over (chain, draw, obs) with more values than this are skipped under "auto"
MAX_GROUP_VALUES = 50_000_000

#: ``constant_data/X`` is kept when it holds at most this many values
MAX_CONSTANT_DATA_VALUES = 1_000_000


class SkippedGroupWarning(UserWarning):
    """A DataTree group was left out for its size; the message says how to add it."""


def check_switch(name: str, value: Any) -> bool | str:
    """``value`` if it is True, False or ``"auto"``; a ValueError naming ``name`` otherwise."""
    if value is True or value is False or (isinstance(value, str) and value == "auto"):
        return value
    raise ValueError(f"{name} must be True, False or 'auto', got {value!r}")


def want_group(switch: bool | str, size: int) -> bool:
    """Whether a group of ``size`` values is added under ``switch`` (True, False, "auto")."""
    return switch is True or (switch == "auto" and size <= MAX_GROUP_VALUES)


def _obs(n: int) -> dict[str, np.ndarray]:
    return {"obs": np.arange(n)}


def _draw_coords(post: Any, n: int) -> dict[str, np.ndarray]:
    return {"chain": post["chain"].values, "draw": post["draw"].values, **_obs(n)}


def _put(tree: Any, group: str, variables: dict[str, tuple], coords: dict[str, Any]) -> None:
    import xarray as xr

    tree[group] = xr.DataTree(xr.Dataset(variables, coords=coords))


def add_data_groups(
    tree: Any, problem: Any, *, log_likelihood: bool | str = "auto",
    posterior_predictive: bool | str = "auto", rng: np.random.Generator | None = None,
) -> None:
    """Add the groups of the module docstring to ``tree``, from ``problem``'s datafit.

    Nothing is added when the datafit holds no rows (a fit from sufficient statistics or
    Dask collections); ``log_likelihood`` and ``posterior_predictive`` are True, False
    or ``"auto"`` (the size rule), and a group ``"auto"`` skips is named in one
    :class:`SkippedGroupWarning`.
    """
    datafit = problem.datafit
    if datafit.y is None:  # summarised without its rows
        return
    add_observed(tree, datafit, problem.feature_names)
    post = tree["posterior"]
    n = datafit.n_samples
    size = post.sizes["chain"] * post.sizes["draw"] * n
    skipped = []
    for group, switch in (("log_likelihood", log_likelihood), ("posterior_predictive", posterior_predictive)):
        if not want_group(switch, size):
            if switch == "auto":
                skipped.append(group)
            continue
        if group == "log_likelihood":
            _add_log_likelihood(tree, datafit)
        else:
            _add_posterior_predictive(tree, datafit, rng)
    if skipped:
        _warn_skipped(skipped, post.sizes, n)


def add_observed(tree: Any, datafit: Any, feature_names: Any) -> None:
    """``observed_data`` (y) and ``constant_data`` (weights, offset, X within its limit)."""
    y, sw, offset = datafit.y, datafit.sample_weight, getattr(datafit, "offset", None)
    n = y.shape[0]
    _put(tree, "observed_data", {"y": ("obs", y)}, _obs(n))
    const: dict[str, tuple] = {}
    coords: dict[str, Any] = _obs(n)
    if datafit.X.size <= MAX_CONSTANT_DATA_VALUES:
        const["X"] = (("obs", "feature"), datafit.X)
        coords["feature"] = list(feature_names)
    if sw is not None:
        const["sample_weight"] = ("obs", sw)
    if offset is not None:
        const["offset"] = ("obs", offset)
    if const:
        _put(tree, "constant_data", const, coords)


def _add_log_likelihood(tree: Any, datafit: Any) -> None:
    post = tree["posterior"]
    coef, intercept = post["coef"].values, post["intercept"].values
    sigma = posterior_sigma(tree, datafit.has_noise_scale)
    C, D, _ = coef.shape
    ll = np.empty((C, D, datafit.n_samples))
    for c in range(C):  # one chain at a time; each computes in blocks of rows
        ll[c] = datafit.pointwise_log_likelihood(coef[c], intercept[c], None if sigma is None else sigma[c])
    _put(tree, "log_likelihood", {"y": (("chain", "draw", "obs"), ll)}, _draw_coords(post, ll.shape[2]))


def _add_posterior_predictive(tree: Any, datafit: Any, rng: np.random.Generator | None) -> None:
    post = tree["posterior"]
    draws = predictive_draws(
        datafit, post["coef"].values, post["intercept"].values,
        posterior_sigma(tree, datafit.has_noise_scale), datafit.X,
        offset=getattr(datafit, "offset", None), sample_weight=datafit.sample_weight, rng=rng,
    )
    _put(tree, "posterior_predictive", {"y": (("chain", "draw", "obs"), draws)},
         _draw_coords(post, draws.shape[2]))
    as_counts(tree, "posterior_predictive")


def as_counts(tree: Any, predictive: str) -> None:
    """Store ``observed_data/y`` and ``<predictive>/y`` as integers when both are whole numbers.

    The replicates of a count or binary likelihood are whole numbers, and ArviZ treats a
    variable as discrete by its integer dtype (``plot_ppc_rootogram``, the randomised
    PIT of ``loo_pit`` and ``plot_ppc_pit``); a Gaussian's replicates never are.
    """
    y, rep = tree["observed_data"]["y"], tree[predictive]["y"]
    whole = [np.array_equal(v.values, np.round(v.values)) for v in (y, rep)]
    if all(whole) and np.abs(rep.values).max(initial=0.0) < 2.0**53:
        tree["observed_data"]["y"] = y.astype(np.int64)
        tree[predictive]["y"] = rep.astype(np.int64)


#: how to add each group that the size rule skipped
_HOW = {
    "log_likelihood": "Add log_likelihood with bayesreg.mcmc.add_log_likelihood(post, X, y, "
                      "sample_weight=...) when you need it (arviz_stats.loo does), or pass "
                      "log_likelihood=True",
    "posterior_predictive": "Add posterior_predictive with bayesreg.mcmc.add_posterior_predictive("
                            "post, X, y, sample_weight=...), or pass posterior_predictive=True",
    "prior_predictive": "Draw prior_predictive with bayesreg.mcmc.sample_prior(X, y, prior, "
                        "draws=<fewer>), or pass it prior_predictive=True",
}


def _warn_skipped(groups: list[str], sizes: Any, n: int) -> None:
    c, d = sizes["chain"], sizes["draw"]
    size = c * d * n
    warnings.warn(
        f"{' and '.join(groups)} not added: {'each' if len(groups) > 1 else 'it'} would hold "
        f"{c} chains x {d} draws x {n} rows = {size:.3g} values ({8 * size / 1e6:.3g} MB), "
        f"more than bayesreg.mcmc.groups.MAX_GROUP_VALUES = {MAX_GROUP_VALUES:.3g}. "
        + "; ".join(_HOW[g] for g in groups) + ".",
        SkippedGroupWarning,
        stacklevel=4,
    )


def _datafit_of(idata: Any, X: Any, y: Any, sample_weight: Any, **datafit_kwargs: Any):
    """The datafit of ``idata``'s family and intercept at the rows ``X``, ``y`` (validated)."""
    from bayesreg._validation import check_feature_names
    from bayesreg.dask import is_dask_collection
    from bayesreg.families import likelihood_family

    if is_dask_collection(X, y, sample_weight):
        raise TypeError(
            "X, y are Dask collections: compute the pointwise log-likelihood lazily, block by "
            "block, with bayesreg.dask.pointwise_log_likelihood"
        )
    post = idata["posterior"]
    names = [str(v) for v in post["feature"].values]
    if names != [f"x{j}" for j in range(len(names))]:
        X = check_feature_names(X, names)
    cls = likelihood_family(idata.attrs.get("family", "gaussian")).cls
    datafit = cls.from_data(X, y, sample_weight, bool(idata.attrs.get("fit_intercept", 1)), **datafit_kwargs)
    if datafit.n_features != len(names):
        raise ValueError(f"X has {datafit.n_features} features, but the posterior has {len(names)}")
    return datafit, names


def add_log_likelihood(idata: Any, X: Any, y: Any, sample_weight: Any = None, **datafit_kwargs: Any):
    r"""Add the pointwise log-likelihood group of the rows ``(X, y)`` to a posterior DataTree.

    The ``log_likelihood`` group (``y`` over (chain, draw, obs),
    :math:`\log p(y_i\mid w^{(k)}, b^{(k)}, \sigma^{(k)})`) that ``arviz_stats.loo``,
    ``loo_pit`` and ``compare`` read, for the posterior's family (``attrs["family"]``)
    and intercept setting, computed one chain at a time in blocks of rows, so that only
    the result (chains × draws × n floats) is held. Pass the rows the posterior was fitted
    to — that is what LOO estimates from — when :func:`~bayesreg.sample_posterior` skipped
    the group for its size. Also sets ``observed_data`` (and ``constant_data``).

    Parameters
    ----------
    idata : DataTree
        From :func:`bayesreg.sample_posterior`; modified in place.
    X, y, sample_weight
        As given to :func:`~bayesreg.sample_posterior` (a DataFrame's columns are matched
        to the posterior's feature names).
    **datafit_kwargs
        The family's own row data, e.g. ``offset=`` or ``exposure=`` for the Poisson.

    Returns
    -------
    DataTree
        ``idata``.
    """
    datafit, names = _datafit_of(idata, X, y, sample_weight, **datafit_kwargs)
    add_observed(idata, datafit, names)
    _add_log_likelihood(idata, datafit)
    return idata


def add_posterior_predictive(
    idata: Any, X: Any, y: Any, sample_weight: Any = None, *, random_seed: Any = None,
    **datafit_kwargs: Any,
):
    r"""Add the ``posterior_predictive`` group at the rows ``(X, y)`` to a posterior DataTree.

    One replicated data set per draw, :math:`y^{\text{rep}(k)} \sim p(y\mid\theta^{(k)})`
    at the rows of ``X`` with their weights (``y`` over (chain, draw, obs)), computed one
    chain at a time; also sets ``observed_data`` to ``y`` (and ``constant_data``), which
    ``plot_ppc_dist`` and ``loo_pit`` compare the replicates with. Arguments as for
    :func:`add_log_likelihood`; ``random_seed`` seeds the draws. Returns ``idata``.
    """
    datafit, names = _datafit_of(idata, X, y, sample_weight, **datafit_kwargs)
    add_observed(idata, datafit, names)
    _add_posterior_predictive(idata, datafit, np.random.default_rng(random_seed))
    return idata
