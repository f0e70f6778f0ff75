r"""The nutpie backend: NUTS in Rust over PyTensor functions compiled with numba.

nutpie's own ``compile_pymc_model`` wraps the model in one numba C callback, which takes
25–30 s to compile on 2 cores. Here the log-density with its gradient and the "expand"
function (the reported variables from the unconstrained point) are compiled by
PyTensor's numba backend — ops are cached on disk, so a new structure costs about a
second once that cache is warm — and handed to nutpie's Python-function interface
(:func:`nutpie.compiled_pyfunc.from_pyfunc`) at a few microseconds of Python per
gradient. Only public PyMC, PyTensor and nutpie functions are used:

* the free variables' transformed values become slices of one flat vector ``x``, and
  every ``pm.Data`` shared variable a function input, by graph replacement
  (:func:`pytensor.graph.replace.graph_replace`), so that
  ``compiled.with_data(name=value, ...)`` re-targets the model without compiling;
* the initial points are PyMC's (support point plus U(-1, 1) jitter in the unconstrained
  space, :func:`pymc.initial_point.make_initial_point_fn`).

A compiled PyTensor function keeps its inputs and outputs in storage it owns, so each
one is called under its own lock: nutpie's chains run in threads that take turns on
the GIL for these calls anyway, so the lock costs little and makes them safe.

Sampling runs in nutpie's background sampler (``nutpie.sample(..., blocking=False)``)
and is waited for here, so that Ctrl-C is ours to handle: ``nutpie.sample`` itself
catches the KeyboardInterrupt and returns the trace so far, padded with NaN to the
requested length, and an interrupt during the warm-up gives a trace of no draws. Here
Ctrl-C aborts the sampler and raises
the KeyboardInterrupt of :func:`~bayesreg.mcmc.backends.interrupted`, which carries the
completed draws.

nutpie needs ``tune >= 1``: its warm-up schedule (nuts-rs ``GlobalStrategy::new``) puts
the first ``floor(0.3 tune)`` draws in an early window and asserts that this is fewer than
``tune``, which ``tune = 0`` breaks; the assertion is a Rust panic, which reaches Python
as ``pyo3_runtime.PanicException``, a ``BaseException`` that ``except Exception`` does
not catch. There is no "no adaptation" setting to map ``tune=0`` to (PyMC's NUTS runs
with its initial step size and a unit mass matrix: ``sampler="pymc"``), so ``tune=0`` is
a ValueError here, and any other panic is re-raised as a RuntimeError.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

from bayesreg.mcmc.backends import interrupted, posterior_tree
from bayesreg.mcmc.model import get_model
from bayesreg.mcmc.problem import PosteriorProblem

__all__ = ["sample", "supports", "compile_nutpie", "model_functions", "ModelFunctions"]

#: nutpie's sampler statistics under ArviZ's names (the layout every backend shares)
_STAT_NAMES = {
    "maxdepth_reached": "reached_max_treedepth", "depth": "tree_depth", "logp": "lp",
    "mean_tree_accept": "acceptance_rate",
}


def supports(problem: PosteriorProblem) -> bool:
    """nutpie samples any model the problem builds."""
    return True


def sample(
    problem: PosteriorProblem, *, draws: int, tune: int, chains: int, random_seed: int | None,
    progressbar: bool, **kwargs: Any,
):
    """Sample ``problem`` with ``nutpie.sample`` (``kwargs`` pass through, e.g. ``target_accept``).

    Raises
    ------
    ValueError
        For ``tune < 1`` (see the module docstring).
    KeyboardInterrupt
        On Ctrl-C, carrying the draws every chain completed (``exc.partial``).
    """
    import nutpie

    if tune < 1:
        raise ValueError(
            f"the nutpie sampler needs tune >= 1, got tune={tune}: its warm-up schedule "
            "cannot run without a tuning draw. Pass tune >= 1, or sampler='pymc' for NUTS "
            "with no adaptation at all"
        )
    values = problem.data()
    cached = get_model(problem, values)
    with cached.lock, _panics_as_errors():
        # the initial-point function reads the model's pm.Data: give it this fit's values
        cached.set_data(values)
        compiled = cached.compiled("nutpie", compile_nutpie)
        # the compiled functions trust their inputs: C-contiguous float64, as compiled
        data = {k: np.asarray(v, dtype=np.float64, order="C") for k, v in values.items()}
        run = nutpie.sample(
            compiled.with_data(**data), draws=draws, tune=tune, chains=chains, seed=random_seed,
            save_warmup=False, progress_bar=progressbar, blocking=False, **kwargs,
        )
        try:
            trace = run.wait()
        except KeyboardInterrupt:
            raise _interrupted(run, problem, draws, cached.n_compiles) from None
        except BaseException:
            run.cancel()
            raise
    return posterior_tree(*_datasets(trace), problem, n_compiles=cached.n_compiles)


def _datasets(trace: Any) -> tuple[Any, Any]:
    """nutpie's ``posterior`` and ``sample_stats`` (renamed to ArviZ's names) datasets."""
    stats = trace["sample_stats"].to_dataset()
    stats = stats.rename({k: v for k, v in _STAT_NAMES.items() if k in stats.data_vars})
    return trace["posterior"].to_dataset(), stats


def _interrupted(run: Any, problem: PosteriorProblem, draws: int, n_compiles: int):
    """Abort ``run`` and build the KeyboardInterrupt that carries its completed draws."""
    try:
        with warnings.catch_warnings():
            # a trace of no draws yet makes ArviZ warn about its dimensions
            warnings.simplefilter("ignore", UserWarning)
            posterior, stats = _datasets(run.abort())
    except Exception:  # nothing could be read back: interrupt without draws
        import xarray as xr

        posterior = stats = xr.Dataset()
    return interrupted(
        posterior, stats, problem, draws=draws, backend="nutpie", n_compiles=n_compiles,
    )


@contextmanager
def _panics_as_errors() -> Iterator[None]:
    """Re-raise a Rust panic (``pyo3_runtime.PanicException``, a ``BaseException``) as a RuntimeError."""
    try:
        yield
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise RuntimeError(f"nutpie failed inside its Rust code (a panic): {exc}") from exc


@dataclass(frozen=True)
class ModelFunctions:
    """A PyMC model's log-density, gradient and reported variables as functions of a flat point.

    Attributes
    ----------
    n_dim : int
        Length of the unconstrained point ``x`` (the free variables' transformed values,
        concatenated in ``model.value_vars`` order).
    logp_dlogp : callable
        ``logp_dlogp(x, **data) -> (float, ndarray (n_dim,))``.
    expand : callable
        ``expand(x, **data) -> {name: ndarray}`` for every free variable (on its own
        scale) and deterministic.
    shapes : dict
        Shape of each output of ``expand``.
    data : dict
        The model's ``pm.Data`` values when compiled (the default ``data``). The functions
        trust their inputs (PyTensor's ``trust_input``, which saves about 12 µs a call):
        other ``data`` must be float64, C-ordered and of the same ranks.
    initial_point : callable
        ``initial_point(seed) -> ndarray (n_dim,)``: PyMC's jittered initial point.
    """

    n_dim: int
    logp_dlogp: Callable[..., tuple[float, np.ndarray]]
    expand: Callable[..., dict[str, np.ndarray]]
    shapes: dict[str, tuple[int, ...]]
    data: dict[str, np.ndarray]
    initial_point: Callable[[Any], np.ndarray]


def _locked(fn: Callable) -> Callable:
    lock = threading.Lock()

    def call(*args):
        with lock:
            return fn(*args)

    return call


def model_functions(model: Any) -> ModelFunctions:
    """Compile ``model``'s :class:`ModelFunctions` with PyTensor's numba backend."""
    import pytensor.tensor as pt
    from pymc.initial_point import make_initial_point_fn
    from pymc.pytensorf import compile as compile_pt
    from pytensor.graph import rewrite_graph
    from pytensor.graph.replace import graph_replace

    value_vars = model.value_vars
    init = _locked(make_initial_point_fn(
        model=model, jitter_rvs=set(model.free_RVs), return_transformed=True,
    ))

    def initial_point(seed):
        point = init(seed)
        return np.concatenate([np.ravel(point[v.name]) for v in value_vars]).astype(np.float64)

    start = init(0)
    value_shapes = [tuple(np.shape(start[v.name])) for v in value_vars]
    sizes = [prod(s) for s in value_shapes]
    n_dim = sum(sizes)
    x = pt.vector("x", dtype="float64", shape=(n_dim,))
    bounds = np.cumsum([0, *sizes])
    replace: dict = {
        v: x[lo:hi].reshape(shape).astype(v.dtype)
        for v, lo, hi, shape in zip(value_vars, bounds[:-1], bounds[1:], value_shapes, strict=True)
    }
    data_vars = list(model.data_vars)
    data_names = [d.name for d in data_vars]
    inputs = [pt.tensor(name=d.name, dtype=d.dtype, shape=(None,) * d.ndim) for d in data_vars]
    replace.update(zip(data_vars, inputs, strict=True))

    logp = rewrite_graph(model.logp(), include=("canonicalize", "stabilize"))
    grad = pt.concatenate([pt.grad(logp, v).ravel() for v in value_vars])
    reported = model.unobserved_RVs
    names = [v.name for v in reported]
    logp, grad, *expanded = graph_replace(
        [logp, grad, *model.replace_rvs_by_values(reported)], replace, strict=False,
    )
    options = dict(mode="NUMBA", on_unused_input="ignore", trust_input=True)
    with model:
        logp_fn = _locked(compile_pt([x, *inputs], [logp, grad], **options))
        expand_fn = _locked(compile_pt([x, *inputs], expanded, **options))

    data = {d.name: np.asarray(d.get_value(), dtype=d.dtype) for d in data_vars}

    def logp_dlogp(x, **data):
        value, grad = logp_fn(x, *[data[k] for k in data_names])
        return float(value), np.asarray(grad, dtype=np.float64, order="C")

    def expand(x, **data):
        out = expand_fn(x, *[data[k] for k in data_names])
        return {k: np.asarray(v, dtype=np.float64, order="C") for k, v in zip(names, out, strict=True)}

    shapes = {k: v.shape for k, v in expand(initial_point(0), **data).items()}
    return ModelFunctions(
        n_dim=n_dim, logp_dlogp=logp_dlogp, expand=expand, shapes=shapes, data=data,
        initial_point=initial_point,
    )


def compile_nutpie(model: Any, functions: ModelFunctions | None = None):
    """``model`` as a nutpie model whose ``pm.Data`` are call arguments (``with_data`` swaps them)."""
    from nutpie.compiled_pyfunc import from_pyfunc

    fns = model_functions(model) if functions is None else functions
    names = list(fns.shapes)
    dims = {k: tuple(v) for k, v in model.named_vars_to_dims.items() if k in fns.shapes}
    coords = {
        k: list(v) if v is not None else list(range(int(model.dim_lengths[k].eval())))
        for k, v in model.coords.items()
    }

    def make_logp_fn():
        return fns.logp_dlogp

    def make_expand_fn(seed1, seed2, chain):
        return fns.expand

    return from_pyfunc(
        ndim=fns.n_dim, make_logp_fn=make_logp_fn, make_expand_fn=make_expand_fn,
        make_initial_point_fn=fns.initial_point, expanded_dtypes=[np.dtype("float64")] * len(names),
        expanded_shapes=[fns.shapes[k] for k in names], expanded_names=names,
        shared_data=fns.data, dims=dims, coords=coords,
    )
