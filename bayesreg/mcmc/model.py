r"""The PyMC model: a coefficient prior, a noise prior and the sufficient-statistics likelihood.

One model is built (and compiled) per *structure* — prior family, number of features,
intercept or not, how σ is treated — and cached. Everything else is ``pm.Data``: the
sufficient statistics of :mod:`bayesreg.datafits.gaussian`, the prior's scales, a fixed σ.
Re-fitting with another prior scale, another ``y`` or other sample weights swaps the
data and samples again without compiling: PyMC models get ``pm.set_data``, and
nutpie's compiled model (:func:`compile_nutpie`) gets ``with_data``.

The log-density, with :math:`d = w - \hat w` and the intercept written
:math:`b = \bar y - \bar x^\top w + a` (flat prior on :math:`a`, unit Jacobian):

.. math::

    \log p(w, a, \sigma\mid y) = \sum_j \log p(w_j\mid\sigma) + \log p(\sigma)
      - \frac{R_0 + d^\top Q d + S a^2}{2\sigma^2} - m\log\sigma + c_s + \text{const}.

Coefficient priors
    * Gaussian, Laplace, ElasticNet (any prior whose penalty scales as σ²): one shared
      graph, :math:`\log p(w_j) = -\ell_1|w_j| - \tfrac{\ell_2}{2}w_j^2 + \log p(0)`
      with :math:`(\ell_1, \ell_2)` the prior's penalty at σ = 1 — the very penalty the
      MAP solvers use, so the MAP is the mode of this density (for fixed σ).
    * :class:`~bayesreg.priors.BayesianLasso`, :class:`~bayesreg.priors.Horseshoe`:
      their own ``to_pymc`` with hyper-parameters passed in as ``pm.Data``.
    * any other prior: its ``to_pymc`` (compiled once per distinct prior value).

Noise
    * ``sigma=<float>``: fixed (``pm.Data``), not in the posterior.
    * ``sigma=None``: :math:`\sigma \sim \text{half-}t_3(0, s_y)`, weakly informative,
      with :math:`s_y` the weighted standard deviation of ``y`` (or ``sigma_scale``).
    * ``sigma="jeffreys"``: :math:`p(\sigma^2)\propto 1/\sigma^2`, sampled as a flat
      :math:`\log\sigma` (since :math:`p(\log\sigma) = \sigma\,p(\sigma) \propto 1`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg.datafits.gaussian import SufficientStatistics
from bayesreg.priors import Prior

__all__ = ["ModelKey", "CachedModel", "get_model", "coef_prior_spec", "sigma_mode", "model_data",
           "clear_cache", "compile_nutpie"]

#: how σ is treated: fixed, half-t prior scaled to y, Jeffreys
SIGMA_MODES = ("fixed", "half-t", "jeffreys")


def sigma_mode(sigma: Any) -> str:
    """``"fixed"`` for a number, ``"half-t"`` for None, ``"jeffreys"`` for that string."""
    if sigma is None:
        return "half-t"
    if isinstance(sigma, str):
        if sigma.lower() == "jeffreys":
            return "jeffreys"
        raise ValueError(
            f"sigma must be a positive float (fixed noise), None (learned, half-t prior) or "
            f"'jeffreys' (learned, p(sigma^2) ~ 1/sigma^2); got {sigma!r}"
        )
    return "fixed"


def _penalty_is_sigma_squared(prior: Prior) -> bool:
    """True when ``penalty(σ) = σ² · penalty(1)``: the prior density does not involve σ."""
    if not prior.has_penalty:
        return False
    p1, p2 = prior.penalty(1.0), prior.penalty(2.0)
    return bool(np.allclose([p2.l1, p2.l2], [4 * p1.l1, 4 * p1.l2], rtol=1e-12, atol=0))


def coef_prior_spec(prior: Prior) -> tuple[tuple, dict[str, float]]:
    """``(structure, data)``: what fixes the compiled graph, and the values that do not."""
    if hasattr(prior, "pymc_structure"):
        return tuple(prior.pymc_structure()), dict(prior.pymc_data())
    if _penalty_is_sigma_squared(prior):
        pen = prior.penalty(1.0)
        return ("penalty",), {
            "prior_l1": pen.l1, "prior_l2": pen.l2, "prior_log0": float(prior.logpdf(0.0)),
        }
    return ("to_pymc", repr(prior)), {}


@dataclass(frozen=True)
class ModelKey:
    """What fixes a compiled model."""

    prior_structure: tuple
    n_features: int
    fit_intercept: bool
    sigma_mode: str


def model_data(
    stats: SufficientStatistics, prior_data: dict[str, float], sigma: Any,
    sigma_scale: float | None, fit_intercept: bool,
) -> dict[str, Any]:
    """The ``pm.Data`` values of one fit."""
    vals: dict[str, Any] = {
        "gram": stats.gram, "w_ls": stats.w_ls, "rss_min": stats.rss_min,
        "n_obs": float(stats.n_obs), "log_weight_term": stats.log_weight_term,
    }
    if fit_intercept:
        vals.update(weight_sum=stats.weight_sum, X_offset=stats.X_offset, y_offset=stats.y_offset)
    mode = sigma_mode(sigma)
    if mode == "fixed":
        vals["sigma_fixed"] = float(sigma)
    elif mode == "half-t":
        vals["sigma_scale"] = float(stats.y_scale if sigma_scale is None else sigma_scale)
    vals.update({k: float(v) for k, v in prior_data.items()})
    return vals


def _build(key: ModelKey, prior: Prior, values: dict[str, Any]):
    import pymc as pm
    import pytensor.tensor as pt

    p = key.n_features
    coords = {"feature": [f"x{j}" for j in range(p)]}
    with pm.Model(coords=coords) as model:
        data = {name: pm.Data(name, np.asarray(val, dtype=float)) for name, val in values.items()}
        if key.sigma_mode == "fixed":
            sigma = data["sigma_fixed"]
        elif key.sigma_mode == "half-t":
            sigma = pm.HalfStudentT("sigma", nu=3.0, sigma=data["sigma_scale"])
        else:
            log_sigma = pm.Flat("log_sigma")
            sigma = pm.Deterministic("sigma", pt.exp(log_sigma))

        if key.prior_structure == ("penalty",):
            def logp(value, l1, l2, log0):
                return -l1 * pt.abs(value) - 0.5 * l2 * pt.sqr(value) + log0

            coef = pm.CustomDist(
                "coef", data["prior_l1"], data["prior_l2"], data["prior_log0"], logp=logp,
                dims="feature",
            )
        elif key.prior_structure[0] == "to_pymc":
            coef = prior.to_pymc("coef", dims="feature", sigma=sigma)
        else:
            prior_data = {k: data[k] for k in prior.pymc_data()}
            coef = prior.to_pymc("coef", dims="feature", sigma=sigma, data=prior_data)

        d = coef - data["w_ls"]
        rss = data["rss_min"] + pt.dot(d, pt.dot(data["gram"], d))
        if key.fit_intercept:
            a = pm.Flat("intercept_offset")
            pm.Deterministic("intercept", data["y_offset"] - pt.dot(data["X_offset"], coef) + a)
            rss = rss + data["weight_sum"] * pt.sqr(a)
        pm.Potential(
            "y_loglik",
            -0.5 * rss / pt.sqr(sigma) - data["n_obs"] * pt.log(sigma) + data["log_weight_term"],
        )
    return model


@dataclass
class CachedModel:
    """A built PyMC model and, once used with nutpie, its compiled form."""

    key: ModelKey
    model: Any
    nutpie_model: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    n_compiles: int = 0

    def nutpie_with_data(self, values: dict[str, Any]):
        """nutpie's model carrying ``values`` (compiles on first use only)."""
        if self.nutpie_model is None:
            self.set_data(values)
            self.nutpie_model = compile_nutpie(self.model)
            self.n_compiles += 1
        return self.nutpie_model.with_data(**{k: np.asarray(v, dtype=np.float64) for k, v in values.items()})

    def set_data(self, values: dict[str, Any]) -> None:
        import pymc as pm

        with self.model:
            pm.set_data({k: np.asarray(v, dtype=float) for k, v in values.items()})


def compile_nutpie(model: Any):
    """Compile any PyMC model for ``nutpie.sample``, with data as call arguments.

    PyTensor's numba backend compiles the log-density, its gradient and the
    deterministics (ops are cached on disk, so a new structure costs about a second
    once the cache is warm); nutpie calls them through its Python-function interface.
    That interface, unlike ``nutpie.compile_pymc_model`` (which wraps the same graph in
    one numba C callback, about 25 s to compile on 2 cores), costs a few microseconds
    of Python per gradient. Every ``pm.Data`` is an argument, not frozen state: the
    returned model's ``with_data(name=value, ...)`` re-targets it without compiling,
    and chains running in parallel threads share nothing mutable.
    """
    from nutpie.compile_pymc import _make_functions, _prepare_dims_and_coords
    from nutpie.compiled_pyfunc import from_pyfunc
    from pymc.initial_point import make_initial_point_fn

    init = make_initial_point_fn(
        model=model, jitter_rvs=set(model.free_RVs), return_transformed=True,
    )
    lock = threading.Lock()

    def locked_init(seed):
        with lock:
            return init(seed)

    n_dim, _, logp_pt, expand_pt, init_flat, shape_info, reparam = _make_functions(
        model, mode="NUMBA", compute_grad=True, join_expanded=False,
        pymc_initial_point_fn=locked_init,
    )
    logp_fn, expand_fn = logp_pt.vm.jit_fn, expand_pt.vm.jit_fn
    logp_names = [v.name for v in logp_pt.get_shared()]
    expand_names = [v.name for v in expand_pt.get_shared()]
    shared = {v.name: np.asarray(v.get_value()) for v in [*logp_pt.get_shared(), *expand_pt.get_shared()]}
    names, _, shapes = shape_info

    def make_logp_fn():
        def logp(x, **data):
            value, grad = logp_fn(x, *[data[k] for k in logp_names])
            return float(value), np.asarray(grad, dtype=np.float64, order="C")

        return logp

    def make_expand_fn(seed1, seed2, chain):
        def expand(x, **data):
            out = expand_fn(x, *[data[k] for k in expand_names])
            return {
                k: np.asarray(v, dtype=np.float64, order="C").reshape(shape)
                for k, v, shape in zip(names, out, shapes, strict=True)
            }

        return expand

    dims, coords = _prepare_dims_and_coords(model, shape_info, reparam)
    return from_pyfunc(
        ndim=n_dim, make_logp_fn=make_logp_fn, make_expand_fn=make_expand_fn,
        make_initial_point_fn=init_flat, expanded_dtypes=[np.dtype("float64")] * len(names),
        expanded_shapes=shapes, expanded_names=names, shared_data=shared, dims=dims,
        coords=coords, reparameterized_names=reparam,
    )


_CACHE: OrderedDict[ModelKey, CachedModel] = OrderedDict()
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()


def get_model(key: ModelKey, prior: Prior, values: dict[str, Any]) -> CachedModel:
    """The cached model for ``key``, built on first request (least recently used evicted)."""
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
        cached = CachedModel(key, _build(key, prior, values))
        _CACHE[key] = cached
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return cached


def clear_cache() -> None:
    """Forget every built and compiled model."""
    with _CACHE_LOCK:
        _CACHE.clear()
