r"""Dask collections: the Gaussian family's sufficient statistics in one pass.

For the Gaussian likelihood everything bayesreg computes — the exact MAP of every
prior, the regularisation paths, the posterior — reads the data only through the
:class:`~bayesreg.SufficientStatistics` (:mod:`bayesreg.datafits.gaussian`), which are
sums over rows. A design that does not fit in one machine's memory therefore costs one
pass:

1. each row block (a chunk of a ``dask.array``, a partition of a ``dask.dataframe``)
   is summarised where it lives, centred about its own weighted mean
   (:meth:`SufficientStatistics.from_datafit`, :math:`O(n_k p^2)` time, :math:`O(p^2)`
   result);
2. the block summaries are merged pairwise in a tree of fan-in ``split_every``
   (:meth:`SufficientStatistics.combine`, the centred update of Chan, Golub & LeVeque,
   so large means never cancel);
3. the :math:`O(p^2)` result comes back to the caller, who fits any prior or path from
   it (:meth:`~bayesreg.datafits.GaussianDatafit.from_statistics`).

It runs on whatever Dask scheduler is active: a ``distributed.Client`` if one is
registered, the local threaded scheduler otherwise. ``X`` is never gathered. Quantities
that need every row (the pointwise log-likelihood for LOO) are never computed by
default; :func:`pointwise_log_likelihood` builds them lazily, block by block, on request.

Importing this module does not import Dask; its functions do.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

import numpy as np

from bayesreg._validation import _as_float_array, _is_numeric_dtype, check_X, check_y, feature_names
from bayesreg.datafits.gaussian import GaussianDatafit, SufficientStatistics

__all__ = ["is_dask_collection", "sufficient_statistics", "pointwise_log_likelihood", "predict"]

_Y, _W = "__bayesreg_y__", "__bayesreg_sample_weight__"


def is_dask_collection(*objs: Any) -> bool:
    """Whether any of ``objs`` is a Dask collection (never imports Dask: none can exist
    before it is imported)."""
    if "dask" not in sys.modules:
        return False
    from dask import is_dask_collection as is_collection

    return any(o is not None and is_collection(o) for o in objs)


# ---------------------------------------------------------------- one block
def _block_arrays(
    X: Any, y: Any, w: Any, where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """A row block validated as :func:`bayesreg._validation.check_X_y` would, except
    that a block may be empty or have weights that are all zero."""
    try:
        Xa = _as_float_array(X, "X")
        if Xa.ndim != 2:
            raise ValueError(f"X must be 2-D, got shape {Xa.shape}")
        if Xa.shape[0] and not np.isfinite(Xa).all():
            check_X(Xa)  # names the first non-finite entry
        ya = _as_float_array(y, "y")
        if ya.ndim != 1 or ya.shape[0] != Xa.shape[0] or not np.isfinite(ya).all():
            check_y(ya, Xa.shape[0])  # raises, naming the problem
        wa = None
        if w is not None:
            wa = _as_float_array(w, "sample_weight")
            if wa.shape != ya.shape:
                raise ValueError(
                    f"sample_weight has length {wa.shape[0]} but X has {Xa.shape[0]} rows"
                )
            if not np.isfinite(wa).all():
                raise ValueError("sample_weight contains NaN or inf")
            if (wa < 0).any():
                raise ValueError(f"sample_weight must be >= 0; found {int((wa < 0).sum())} negative")
    except ValueError as exc:
        raise ValueError(f"{exc} (in {where}; rows counted from its start)") from None
    return Xa, ya, wa


def _block_statistics(
    X: Any, y: Any, w: Any, fit_intercept: bool, n_features: int, where: str
) -> SufficientStatistics:
    """The statistics of one row block, centred about its own mean."""
    Xa, ya, wa = _block_arrays(X, y, w, where)
    n = Xa.shape[0]
    if n == 0 or (wa is not None and not (wa > 0).any()):
        return SufficientStatistics.empty(n_features, fit_intercept, n_samples=n)
    return SufficientStatistics.from_datafit(GaussianDatafit(Xa, ya, wa, fit_intercept))


def _array_block_statistics(X, y, w=None, *, fit_intercept, n_features):
    out = np.empty((1, 1), dtype=object)  # one summary per block, as a dask "array" of objects
    out[0, 0] = _block_statistics(X, y, w, fit_intercept, n_features, "a row block")
    return out


def _split(frame: Any, n_features: int, weighted: bool) -> tuple[Any, Any, Any]:
    """A partition of :func:`_joined` back into ``(X, y, sample_weight)``."""
    w = frame.iloc[:, n_features + 1] if weighted else None
    return frame.iloc[:, :n_features], frame.iloc[:, n_features], w


def _frame_block_statistics(frame, n_features: int, fit_intercept: bool, weighted: bool, k: int):
    X, y, w = _split(frame, n_features, weighted)
    return _block_statistics(X, y, w, fit_intercept, n_features, f"partition {k}")


def _combine(*parts: Any) -> SufficientStatistics:
    flat = [p.item() if isinstance(p, np.ndarray) else p for p in parts]
    return flat[0].combine(*flat[1:])


# ---------------------------------------------------------------- the pass
def _kind(obj: Any) -> str:
    import dask.array as da

    if obj is None:
        return "none"
    if isinstance(obj, da.Array):
        return "array"
    if is_dask_collection(obj) and hasattr(obj, "npartitions"):
        return "frame"
    return "memory"


def _check_frame_dtypes(obj: Any, name: str) -> None:
    dtypes = obj.dtypes.items() if obj.ndim == 2 else [(name, obj.dtype)]
    bad = [str(c) for c, dt in dtypes if not _is_numeric_dtype(dt)]
    if bad:
        raise TypeError(f"{name} has non-numeric columns: {', '.join(bad)}")


def _aligned_array(v: Any, X: Any, name: str) -> Any:
    """``v`` as a 1-D dask array with the row chunks of the dask array ``X``."""
    import dask.array as da

    if _kind(v) == "memory":
        if any(np.isnan(c) for c in X.chunks[0]):
            raise TypeError(
                f"{name} is in memory but X has unknown chunk sizes: pass {name} as a dask array"
            )
        v = da.from_array(_as_float_array(v, name), chunks=-1)
    elif _kind(v) == "frame":  # a dask Series beside a dask array X: blocks of unknown sizes
        v = v.to_dask_array()
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (n_samples,), got shape {v.shape}")
    known = not any(np.isnan(c) for c in X.chunks[0] + v.chunks[0])
    if known and v.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but {name} has {v.shape[0]}: lengths must match")
    if known and v.chunks[0] != X.chunks[0]:
        v = v.rechunk({0: X.chunks[0]})
    if v.numblocks[0] != X.numblocks[0]:
        raise ValueError(
            f"X has {X.numblocks[0]} row blocks but {name} has {v.numblocks[0]} (of unknown "
            f"sizes): chunk them alike"
        )
    return v


def _blockwise_args(X: Any, y: Any, w: Any) -> list[Any]:
    """``X`` (whole rows per block), ``y`` and ``w`` (None passed as is) with their indices
    for :func:`dask.array.blockwise`, row blocks aligned."""
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (n_samples, n_features), got shape {X.shape}")
    if X.numblocks[1] > 1:
        X = X.rechunk({1: -1})
    args: list[Any] = [X, "ij", _aligned_array(y, X, "y"), "i"]
    if w is None:
        return args + [None, None]
    return args + [_aligned_array(w, X, "sample_weight"), "i"]


def _array_parts(X: Any, y: Any, w: Any, fit_intercept: bool) -> list[Any]:
    import dask.array as da

    args = _blockwise_args(X, y, w)
    p = int(X.shape[1])
    # output index "ij" over X's single column block: each task gets its blocks as they
    # are (no concatenation copy), and the graph optimiser fuses it with X's producers
    blocks = da.blockwise(
        _array_block_statistics, "ij", *args, dtype=object, adjust_chunks={"i": 1, "j": 1},
        align_arrays=False, meta=np.empty((0, 0), dtype=object),
        fit_intercept=bool(fit_intercept), n_features=p,
    )
    return list(blocks.to_delayed().ravel())


def _joined(X: Any, y: Any, w: Any) -> Any:
    """One dask DataFrame holding ``X``'s columns, then ``y`` and ``w``: one graph, so each
    partition is read once, with the rows of ``y`` and ``w`` aligned by dask."""
    if X.ndim != 2:
        raise TypeError("X must be a dask DataFrame (or a dask array), not a dask Series")
    for v, name in ((y, "y"), (w, "sample_weight")):
        if v is not None and (_kind(v) != "frame" or v.ndim != 1):
            raise TypeError(
                f"with a dask DataFrame X, {name} must be a dask Series partitioned like X "
                f"(for instance a column of the same DataFrame), got {type(v).__name__}"
            )
    _check_frame_dtypes(X, "X")
    _check_frame_dtypes(y, "y")
    if w is not None:
        _check_frame_dtypes(w, "sample_weight")
    if {_Y, _W} & {str(c) for c in X.columns}:
        raise ValueError(f"X may not have columns named {_Y!r} or {_W!r}")
    return X.assign(**{_Y: y}) if w is None else X.assign(**{_Y: y, _W: w})


def _frame_parts(X: Any, y: Any, w: Any, fit_intercept: bool) -> list[Any]:
    import dask

    frame = _joined(X, y, w)
    block = dask.delayed(_frame_block_statistics, pure=True)
    return [
        block(part, len(X.columns), bool(fit_intercept), w is not None, k)
        for k, part in enumerate(frame.to_delayed())
    ]


def sufficient_statistics(
    X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True, *,
    split_every: int = 8,
) -> SufficientStatistics:
    r"""The :class:`~bayesreg.SufficientStatistics` of Dask collections, in one pass.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features), or dask.dataframe.DataFrame
        Chunked along rows (column chunks are merged: each block holds whole rows).
    y : dask array or Series of shape (n_samples,)
        Partitioned like ``X``: for a DataFrame, a Series of the same frame (or one that
        dask can align with it); for an array, any chunks (re-chunked to ``X``'s) or an
        in-memory array when ``X``'s chunk sizes are known.
    sample_weight : like ``y``, optional
        Non-negative precision multipliers (scikit-learn's semantics).
    fit_intercept : bool, default=True
        Centre (an unpenalised intercept); fits from the result must use the same value.
    split_every : int, default=8
        Fan-in of the tree that merges the block summaries.

    Returns
    -------
    SufficientStatistics
        With ``feature_names`` from a DataFrame's columns.

    Notes
    -----
    One pass over the data, on the active scheduler; each task holds one row block and
    returns :math:`O(p^2)` numbers, so a worker needs memory for a block plus
    :math:`O(p^2)`, and the time is :math:`O(np^2)` spread over the workers plus
    :math:`O(p^3)` per merge. The result equals :meth:`SufficientStatistics.from_arrays`
    on the gathered rows up to rounding.
    """
    import dask

    if not is_dask_collection(X):
        raise TypeError(f"X must be a dask array or DataFrame, got {type(X).__name__}")
    if y is None:
        raise ValueError("y is None; expected a 1-D collection of shape (n_samples,)")
    split_every = int(split_every)
    if split_every < 2:
        raise ValueError(f"split_every must be >= 2, got {split_every}")
    kind = _kind(X)
    if kind == "array":
        parts = _array_parts(X, y, sample_weight, fit_intercept)
    else:
        parts = _frame_parts(X, y, sample_weight, fit_intercept)
    combine = dask.delayed(_combine, pure=True)
    while len(parts) > 1:
        parts = [combine(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)]
    # the pass is parallel over blocks: BLAS threads on top of the scheduler's only contend
    # (measured: 500k x 20 Gram blocks 0.03 s on one thread, seconds with two on a busy
    # machine). Worker processes of distributed already run one BLAS thread each.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        (stats,) = dask.compute(combine(*parts))
    if stats.n_samples == 0:
        raise ValueError("X is empty: it has no rows")
    if not stats.weight_sum > 0:
        raise ValueError("sample_weight is all zero: at least one sample needs weight > 0")
    return replace(stats, feature_names=feature_names(X))


# ------------------------------------------------------------- on request
def _block_pointwise(X, y, w, coef, intercept, sigma, where):
    Xa, ya, wa = _block_arrays(X, y, w, where)
    lik = GaussianDatafit(Xa, ya, wa, True)
    return lik.pointwise_log_likelihood(coef, intercept, sigma)


def _frame_block_pointwise(frame, n_features, weighted, coef, intercept, sigma, k):
    X, y, w = _split(frame, n_features, weighted)
    return _block_pointwise(X, y, w, coef, intercept, sigma, f"partition {k}")


def pointwise_log_likelihood(
    X: Any, y: Any, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray,
    sample_weight: Any = None,
) -> Any:
    r"""Lazy :math:`\log p(y_i\mid w_d, b_d, \sigma_d)` for every draw :math:`d`: a dask
    array of shape (draws, n).

    Nothing is computed until asked (``.compute()``, ``.to_zarr(...)``); each row block
    is evaluated by :meth:`GaussianDatafit.pointwise_log_likelihood` where it lives. Its
    size is draws × n: at :math:`10^8` rows and 4000 draws that is 3.2 TB, which is why no
    bayesreg function computes it by default on a Dask input.

    Parameters
    ----------
    X, y, sample_weight
        As for :func:`sufficient_statistics`.
    coef : ndarray (draws, n_features)
    intercept, sigma : ndarray (draws,)
    """
    import dask
    import dask.array as da

    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    intercept = np.asarray(intercept, dtype=float).reshape(-1)
    sigma = np.asarray(sigma, dtype=float).reshape(-1)
    D = coef.shape[0]
    if _kind(X) == "array":
        return da.blockwise(
            _block_pointwise, "di", *_blockwise_args(X, y, sample_weight),
            coef, None, intercept, None, sigma, None,
            "a row block", None, new_axes={"d": D}, dtype=float, concatenate=True,
            align_arrays=False,
        )
    frame = _joined(X, y, sample_weight)
    block = dask.delayed(_frame_block_pointwise, pure=True)
    pieces = [
        da.from_delayed(
            block(part, len(X.columns), sample_weight is not None, coef, intercept, sigma, k),
            shape=(D, np.nan), dtype=float,
        )
        for k, part in enumerate(frame.to_delayed())
    ]
    return da.concatenate(pieces, axis=1, allow_unknown_chunksizes=True)


def predict(X: Any, coef: np.ndarray, intercept: float) -> Any:
    """Lazy ``X @ coef + intercept`` for a dask array or DataFrame (a dask array)."""
    if _kind(X) == "frame":
        X = X.to_dask_array()
    return X @ np.asarray(coef, dtype=float) + float(intercept)
