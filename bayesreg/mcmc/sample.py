"""``sample_posterior``: the full posterior of a shrinkage-prior regression, in PyMC."""

from __future__ import annotations

import warnings
from importlib.util import find_spec
from typing import Any

import numpy as np

from bayesreg._validation import check_sigma, check_X_y, feature_names
from bayesreg.mcmc.model import ModelKey, coef_prior_spec, get_model, model_data, sigma_mode
from bayesreg.datafits import GaussianDatafit
from bayesreg.priors import Prior, check_prior

__all__ = ["sample_posterior", "check_convergence", "SamplingWarning", "SAMPLERS"]

#: sampler names understood by ``sample_posterior`` (numpyro/blackjax need those packages)
SAMPLERS = ("nutpie", "pymc", "numpyro", "blackjax")

#: pointwise log-likelihoods with more values than this are skipped under ``log_likelihood="auto"``
MAX_LOG_LIKELIHOOD_VALUES = 50_000_000

# model variables that are a re-parametrisation, not something to report
_INTERNAL = ("intercept_offset", "log_sigma", "coef_raw")


class SamplingWarning(UserWarning):
    """The sampler's output fails a convergence check (R-hat, ESS, divergences)."""


def _check_count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def default_sampler() -> str:
    """``"nutpie"`` when it is installed (fast sampling, data swaps without compiling), else ``"pymc"``."""
    return "nutpie" if find_spec("nutpie") is not None else "pymc"


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
    sampler : {"nutpie", "pymc", "numpyro", "blackjax"}, optional
        NUTS implementation; default nutpie when installed, else PyMC's own. numpyro
        and blackjax go through ``pm.sample(nuts_sampler=...)`` and need those packages.
    progressbar : bool, default=True
    sigma_scale : float, optional
        Scale of the half-t prior on σ (``sigma=None`` only); default :math:`s_y`.
    log_likelihood : bool or "auto", default="auto"
        Add the pointwise log-likelihood group. ``"auto"`` adds it unless it would hold
        more than :data:`MAX_LOG_LIKELIHOOD_VALUES` numbers (chains × draws × n).
    **sampler_kwargs
        Passed to ``nutpie.sample`` or ``pm.sample`` (e.g. ``target_accept``, ``cores``).

    Returns
    -------
    xarray.DataTree
        Groups ``posterior`` (``coef`` over (chain, draw, feature), ``intercept``,
        ``sigma`` when learned, and prior hyper-parameters such as ``lam`` or ``tau``),
        ``sample_stats``, ``observed_data`` (``y``) and ``log_likelihood`` (``y``, over
        (chain, draw, obs)). ``attrs`` record the prior, σ treatment and sampler.

    Warns
    -----
    SamplingWarning
        Once, naming the variables, when any R-hat > 1.01, any bulk ESS < 400, or there
        are divergent transitions (see :func:`check_convergence`).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> import bayesreg
    >>> X, y = load_diabetes(return_X_y=True)
    >>> post = bayesreg.sample_posterior(X, y, bayesreg.Laplace(10.0), progressbar=False)  # doctest: +SKIP
    >>> post.posterior["coef"].mean(("chain", "draw"))  # doctest: +SKIP
    """
    prior = check_prior(prior)
    mode = sigma_mode(sigma)
    if mode == "fixed":
        sigma = check_sigma(sigma)
    if sigma_scale is not None:
        if mode != "half-t":
            raise ValueError("sigma_scale is the scale of the half-t prior on sigma: use it with sigma=None")
        sigma_scale = check_sigma(sigma_scale)
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    draws = _check_count("draws", draws, 1)
    tune = _check_count("tune", tune, 0)
    chains = _check_count("chains", chains, 1)
    sampler = default_sampler() if sampler is None else str(sampler).lower()
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}, got {sampler!r}")
    if log_likelihood not in (True, False, "auto"):
        raise ValueError(f"log_likelihood must be True, False or 'auto', got {log_likelihood!r}")
    names = feature_names(X)
    if names is None:
        names = np.asarray([f"x{j}" for j in range(Xa.shape[1])], dtype=object)

    datafit = GaussianDatafit(Xa, ya, sw, bool(fit_intercept))
    stats = datafit.statistics
    structure, prior_data = coef_prior_spec(prior)
    key = ModelKey(structure, Xa.shape[1], bool(fit_intercept), mode)
    values = model_data(stats, prior_data, sigma, sigma_scale, bool(fit_intercept))
    cached = get_model(key, prior, values)

    seed = random_seed
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**32))
    with cached.lock:
        if sampler == "nutpie":
            import nutpie

            compiled = cached.nutpie_with_data(values)
            idata = nutpie.sample(
                compiled, draws=draws, tune=tune, chains=chains, seed=seed,
                save_warmup=False, progress_bar=progressbar, **sampler_kwargs,
            )
        else:
            import pymc as pm

            cached.set_data(values)
            kw = dict(sampler_kwargs)
            with cached.model:
                idata = pm.sample(
                    draws=draws, tune=tune, chains=chains, random_seed=seed,
                    nuts_sampler=sampler, progressbar=progressbar,
                    compute_convergence_checks=False, **kw,
                )

    out = _tidy(idata, names, fit_intercept=bool(fit_intercept))
    _add_data_groups(out, datafit, log_likelihood, sigma if mode == "fixed" else None)
    out.attrs.update(
        prior=repr(prior), sigma_mode=mode, sampler=sampler, fit_intercept=int(bool(fit_intercept)),
        n_compiles=cached.n_compiles,
    )
    if mode == "fixed":
        out.attrs["sigma"] = float(sigma)  # type: ignore[arg-type]
    check_convergence(out)
    return out


def _tidy(idata: Any, names: np.ndarray, *, fit_intercept: bool):
    """Keep posterior + sample_stats, drop re-parametrisations, set feature names."""
    import xarray as xr

    post = idata["posterior"].to_dataset()
    post = post.drop_vars([v for v in post.data_vars if v in _INTERNAL or str(v).endswith("__")])
    extra_dims = [d for d in post.dims if d not in ("chain", "draw", "feature")]
    if extra_dims:  # pragma: no cover - samplers that ignore dims
        raise RuntimeError(f"unexpected posterior dimensions {extra_dims}")
    post = post.assign_coords(feature=list(names))
    if not fit_intercept:
        post["intercept"] = xr.zeros_like(post["coef"].isel(feature=0, drop=True))
    stats = idata["sample_stats"].to_dataset()
    keep = [v for v in stats.data_vars if stats[v].dtype != object]
    return xr.DataTree.from_dict({"posterior": post, "sample_stats": stats[keep]})


def _add_data_groups(out, datafit, log_likelihood, fixed_sigma) -> None:
    import xarray as xr

    y, sw = datafit.y, datafit.sample_weight

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
    if fixed_sigma is None:
        sigma = post["sigma"].values.reshape(-1)
    else:
        sigma = np.full(n_chain * n_draw, fixed_sigma)
    ll = datafit.pointwise_log_likelihood(coef, intercept, sigma).reshape(n_chain, n_draw, n)
    out["log_likelihood"] = xr.DataTree(
        xr.Dataset(
            {"y": (("chain", "draw", "obs"), ll)},
            coords={"chain": post["chain"].values, "draw": post["draw"].values, **obs},
        )
    )


def check_convergence(
    idata: Any, *, rhat_max: float = 1.01, ess_min: float = 400, warn: bool = True
) -> list[str]:
    """Check R-hat, bulk ESS and divergences; warn once, naming the offending variables.

    Parameters
    ----------
    idata : DataTree
        With a ``posterior`` group (and ``sample_stats`` with ``diverging``).
    rhat_max, ess_min : float
        Thresholds: a problem is R-hat > ``rhat_max`` or bulk ESS < ``ess_min``
        (rank-normalised split R-hat and bulk ESS of Vehtari et al. 2021, from
        arviz-stats).
    warn : bool, default=True
        Emit one :class:`SamplingWarning` listing all problems.

    Returns
    -------
    list of str
        One line per kind of problem (empty when the run looks fine).
    """
    import arviz_stats as azs

    post = idata["posterior"].to_dataset()
    # a variable that is constant across draws (intercept 0) has undefined R-hat / ESS
    varying = [v for v in post.data_vars if float(post[v].std()) > 0]
    problems: list[str] = []
    if varying:
        sub = _as_tree(post[varying])
        rhat = azs.rhat(sub)
        ess = azs.ess(sub, method="bulk")
        rhat = getattr(rhat, "dataset", rhat)
        ess = getattr(ess, "dataset", ess)
        bad_r = _offenders(rhat, lambda a: ~(a <= rhat_max))
        bad_e = _offenders(ess, lambda a: ~(a >= ess_min))
        if bad_r:
            problems.append(f"R-hat > {rhat_max:g} for {', '.join(bad_r)}")
        if bad_e:
            problems.append(f"bulk ESS < {ess_min:g} for {', '.join(bad_e)}")
    if "sample_stats" in idata.children and "diverging" in idata["sample_stats"].data_vars:
        n_div = int(idata["sample_stats"]["diverging"].values.sum())
        if n_div:
            total = idata["sample_stats"]["diverging"].size
            problems.append(f"{n_div} divergent transitions out of {total} draws")
    if problems and warn:
        warnings.warn(
            "MCMC diagnostics flag problems: " + "; ".join(problems)
            + ". Run longer (draws/tune), raise target_accept, or reparametrise before trusting "
            "the posterior.",
            SamplingWarning,
            stacklevel=3,
        )
    return problems


def _as_tree(ds):
    import xarray as xr

    return xr.DataTree.from_dict({"posterior": ds})


def _offenders(ds, is_bad, limit: int = 8) -> list[str]:
    """Names like ``coef[age]`` for every flagged element (at most ``limit`` per variable)."""
    found: list[str] = []
    for name, da in ds.data_vars.items():
        vals = np.asarray(da.values, dtype=float)
        bad = is_bad(vals)
        if not np.any(bad):
            continue
        if da.ndim == 0:
            found.append(str(name))
            continue
        idx = np.argwhere(np.atleast_1d(bad))
        labels = []
        for row in idx[:limit]:
            parts = [str(da[d].values[i]) if d in da.coords else str(i) for d, i in zip(da.dims, row)]
            labels.append(f"{name}[{','.join(parts)}]")
        if len(idx) > limit:
            labels.append(f"... ({len(idx)} elements of {name})")
        found.extend(labels)
    return found
