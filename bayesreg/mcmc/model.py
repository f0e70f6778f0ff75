r"""The PyMC model of a :class:`~bayesreg.mcmc.problem.PosteriorProblem`, built once per structure.

.. math::

    \log p(w, b, \sigma \mid y) = \log p(y \mid b + Xw, \sigma) + \sum_j \log p(w_j \mid \sigma)
      + \log p(\sigma) + \text{const},

assembled from the protocol of its parts, and knowing nothing else about them:

* every value is ``pm.Data``, named as in :meth:`PosteriorProblem.data
  <bayesreg.mcmc.problem.PosteriorProblem.data>` (the datafit's
  :meth:`~bayesreg.datafits.Datafit.pymc_data`, the prior's
  :meth:`~bayesreg.priors.Prior.pymc_data`, the noise values);
* the noise σ is fixed, half-t, Jeffreys or absent (see :mod:`bayesreg.mcmc.problem`);
* ``coef`` is the prior's :meth:`~bayesreg.priors.Prior.to_pymc`, over ``feature``;
* the likelihood is the datafit's :meth:`~bayesreg.datafits.Datafit.pymc_loglik`, which
  also creates ``intercept`` when there is one. For the Gaussian datafit it is the
  sufficient-statistics form, :math:`O(p^2)` per gradient whatever ``n``, or, when the
  rows are in memory and fewer than the features, the row form, :math:`O(np)` per
  gradient and no Gram matrix (:attr:`~bayesreg.datafits.GaussianDatafit.pymc_form`).

One model is built per :class:`~bayesreg.mcmc.problem.ModelKey` (likelihood family and
form, prior structure, ``p``, intercept, σ treatment) and cached with what the backends
compiled from it: another prior scale, ``y``, weights or fixed σ only swap data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg.mcmc.problem import COEF, ModelKey, PosteriorProblem

__all__ = ["CachedModel", "build_model", "get_model", "clear_cache"]


def build_model(problem: PosteriorProblem, values: dict[str, np.ndarray] | None = None):
    """The PyMC model of ``problem``, its ``pm.Data`` holding ``values`` (default ``problem.data()``)."""
    import pymc as pm
    import pytensor.tensor as pt

    values = problem.data() if values is None else values
    datafit, prior = problem.datafit, problem.prior
    coords = {"feature": [f"x{j}" for j in range(problem.n_features)]}
    with pm.Model(coords=coords) as model:
        data = {name: pm.Data(name, val) for name, val in values.items()}
        if problem.sigma_mode == "fixed":
            sigma = data["sigma_fixed"]
        elif problem.sigma_mode == "half-t":
            sigma = pm.HalfStudentT("sigma", nu=3.0, sigma=data["sigma_scale"])
        elif problem.sigma_mode == "jeffreys":
            sigma = pm.Deterministic("sigma", pt.exp(pm.Flat("log_sigma")))
        else:
            sigma = None
        coef = prior.to_pymc(
            COEF, dims="feature", sigma=sigma, data={k: data[k] for k in prior.pymc_data()},
        )
        datafit.pymc_loglik(coef, {k: data[k] for k in datafit.pymc_data()}, sigma)
    return model


@dataclass
class CachedModel:
    """A built PyMC model and what backends compiled from it.

    ``lock`` serialises what mutates the model (``set_data``) or its compiled forms;
    ``n_compiles`` counts the compilations, so that callers can check a re-fit reused one.
    """

    key: ModelKey
    model: Any
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    n_compiles: int = 0
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    def set_data(self, values: dict[str, np.ndarray]) -> None:
        """Put ``values`` into the model's ``pm.Data``."""
        import pymc as pm

        with self.model:
            pm.set_data(values)

    def compiled(self, name: str, compile: Callable[[Any], Any]) -> Any:
        """``compile(model)``, run on the first request for ``name`` only."""
        with self.lock:
            if name not in self._compiled:
                self._compiled[name] = compile(self.model)
                self.n_compiles += 1
            return self._compiled[name]


_CACHE: OrderedDict[ModelKey, CachedModel] = OrderedDict()
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()


def get_model(problem: PosteriorProblem, values: dict[str, np.ndarray] | None = None) -> CachedModel:
    """The cached model of ``problem``'s structure, built on first request (least recently used evicted)."""
    key = problem.key
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
        cached = CachedModel(key, build_model(problem, values))
        _CACHE[key] = cached
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return cached


def clear_cache() -> None:
    """Forget every built and compiled model."""
    with _CACHE_LOCK:
        _CACHE.clear()
