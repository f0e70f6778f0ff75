"""Input checking shared by every public entry point.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the
argument and the problem; nothing is silently dropped or coerced past recognition. A bad
entry (NaN, infinity, a negative weight) raises :class:`BadEntryError`, which also says
where it is, so that :mod:`bayesreg.data` can name a file's column and row instead.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

__all__ = [
    "BadEntryError",
    "check_X_y",
    "check_X",
    "check_y",
    "check_numeric_columns",
    "check_sigma",
    "check_sample_weight",
    "check_positive",
    "check_nonnegative",
    "check_scales",
    "check_weights",
    "check_bool",
    "check_feature_names",
    "feature_names",
    "value_key",
]


class BadEntryError(ValueError):
    """An entry of an array fails a check.

    Attributes
    ----------
    kind : {"NaN", "inf", "negative"}
    row : int
        0-based row (index, for a 1-D array) of the first offending entry of ``column``.
    column : int or None
        0-based column: the first that has an offending entry (None for a 1-D array).
    count : int
        How many rows of ``column`` have one.
    """

    def __init__(self, message: str, *, kind: str, row: int, column: int | None, count: int):
        super().__init__(message)
        self.kind, self.row, self.column, self.count = kind, row, column, count


def _locate(bad: np.ndarray) -> tuple[int, int | None, int]:
    """``(row, column, count)`` of a boolean mask (see :class:`BadEntryError`)."""
    by_column = bad.reshape(bad.shape[0], -1)
    column = int(np.flatnonzero(by_column.any(axis=0))[0])
    rows = np.flatnonzero(by_column[:, column])
    return int(rows[0]), (column if bad.ndim == 2 else None), int(rows.size)


def _where(row: int, column: int | None) -> str:
    return f"index {row}" if column is None else f"row {row}, column {column}"


def _check_finite(arr: np.ndarray, name: str, hint: str = "") -> np.ndarray:
    # NaN and inf propagate through a sum, so a finite sum proves every entry finite in one
    # pass without a temporary (scikit-learn's fast path); a sum that overflowed, or a bad
    # entry, falls through to the entrywise check
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(arr)
    if np.isfinite(total):
        return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        row, column, count = _locate(bad)
        kind = "NaN" if math.isnan(arr[row] if column is None else arr[row, column]) else "inf"
        raise BadEntryError(
            f"{name} contains {kind} (first at {_where(row, column)}){hint}",
            kind=kind, row=row, column=column, count=count,
        )
    return arr


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None


def check_nonnegative(name: str, value: Any) -> float:
    """``value`` as a float; TypeError if it is not a real number, ValueError unless finite and >= 0."""
    v = _real(name, value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return v


def check_positive(name: str, value: Any) -> float:
    """``value`` as a float; TypeError if it is not a real number, ValueError unless finite and > 0."""
    v = _real(name, value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return v


def _vector(name: str, value: Any) -> np.ndarray:
    """A 1-D, non-empty float64 copy of a per-coefficient value (TypeError if not real)."""
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or a 1-D array of them, got {value!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D array, got shape {arr.shape}")
    return arr


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def check_scales(name: str, value: Any) -> float | np.ndarray:
    """A prior scale: a finite float > 0, or one per coefficient.

    A 1-D array-like gives a read-only float64 array whose entries are > 0 and may be
    ``inf`` (a flat, unpenalised coefficient); a scalar must be finite (a flat prior on
    every coefficient is no proper prior object).
    """
    if np.ndim(value) == 0:
        return check_positive(name, value)
    arr = _vector(name, value)
    bad = np.isnan(arr) | (arr <= 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be > 0 for every coefficient (inf: unpenalised), got {float(arr[j])!r} "
            f"at index {j}"
        )
    return _frozen(arr)


def check_weights(name: str, value: Any) -> float | np.ndarray:
    """A penalty weight: a finite float >= 0, or a read-only 1-D array of them (one per coefficient)."""
    if np.ndim(value) == 0:
        return check_nonnegative(name, value)
    arr = _vector(name, value)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be finite and >= 0 for every coefficient, got {float(arr[j])!r} at index {j}"
        )
    return _frozen(arr)


def value_key(value: Any) -> Any:
    """A hashable key equal for equal values: the float itself, or an array's shape and bytes
    (so that frozen dataclasses with per-coefficient arrays compare and hash by value)."""
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, value.tobytes())
    return value


def check_bool(name: str, value: Any) -> bool:
    """``value`` if it is a bool (or NumPy bool); TypeError otherwise (``"no"`` is not False)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {value!r}")


def check_feature_names(X: Any, expected: Any, *, name: str = "X") -> Any:
    """``X`` with its columns in the order of the feature names seen at fit time.

    ``expected`` is the fitted ``feature_names`` (None when the fit saw no names: ``X`` is
    then used by position). A DataFrame-like ``X`` whose string column names are the
    expected ones in another order is reordered to match (selected by name); one with a
    column that was not seen at fit time, or without one that was (a renamed column is
    both), is refused with a ValueError naming them. An ``X`` without column names is
    used by position, as scikit-learn does.
    """
    if expected is None:
        return X
    got = feature_names(X)
    if got is None:
        return X
    want = [str(c) for c in np.asarray(expected, dtype=object).tolist()]
    have = [str(c) for c in got.tolist()]
    if have == want:
        return X
    seen, cols = set(want), set(have)
    unknown = [c for c in have if c not in seen]
    missing = [c for c in want if c not in cols]
    dup = sorted(c for c, k in Counter(have).items() if k > 1) if len(cols) < len(have) else []
    if unknown or missing or dup:
        parts = []
        if unknown:
            parts.append(f"not seen at fit time: {', '.join(map(repr, unknown))}")
        if missing:
            parts.append(f"seen at fit time but missing: {', '.join(map(repr, missing))}")
        if dup:
            parts.append(f"repeated: {', '.join(map(repr, dup))}")
        raise ValueError(f"{name}'s column names do not match the fitted features ({'; '.join(parts)})")
    return X[want]


def _refuse_sparse(value: Any, name: str) -> None:
    from scipy import sparse

    if sparse.issparse(value):
        raise TypeError(
            f"{name} is a scipy.sparse {type(value).__name__}: sparse input is not supported "
            f"yet; pass {name}.toarray() (dense) instead"
        )


def feature_names(X: Any) -> np.ndarray | None:
    """Column names of a DataFrame-like ``X`` if they are all strings, else None."""
    cols = getattr(X, "columns", None)
    if cols is None:
        return None
    names = [c for c in cols]
    if names and all(isinstance(c, str) for c in names):
        return np.asarray(names, dtype=object)
    return None


def check_numeric_columns(value: Any, name: str = "X") -> None:
    """TypeError naming the non-numeric columns of a DataFrame-like ``value`` (else nothing)."""
    cols = getattr(value, "columns", None)
    dtypes = getattr(value, "dtypes", None)
    if cols is not None and dtypes is not None:
        bad = [str(c) for c, dt in zip(cols, dtypes) if not _is_numeric_dtype(dt)]
        if bad:
            raise TypeError(f"{name} has non-numeric columns: {', '.join(bad)}")


def _as_float_array(value: Any, name: str) -> np.ndarray:
    _refuse_sparse(value, name)
    check_numeric_columns(value, name)
    dtypes = getattr(value, "dtypes", None)
    if hasattr(value, "to_numpy") and (dtypes is not None or hasattr(value, "dtype")):
        # pandas: nullable dtypes hold pd.NA, which becomes NaN (and is then reported)
        try:
            return np.asarray(value.to_numpy(dtype=np.float64, na_value=np.nan))
        except (TypeError, ValueError):
            pass
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic containers
        raise TypeError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numeric, got values of dtype {arr.dtype}") from None
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex values")
    return np.asarray(arr, dtype=np.float64)


def _is_numeric_dtype(dt: Any) -> bool:
    try:
        npdt = np.dtype(dt)
    except TypeError:
        # pandas extension dtypes (nullable Int64, Float64, boolean)
        kind = getattr(dt, "kind", "O")
        return kind in "biuf"
    return npdt.kind in "biuf"


def check_X(
    X: Any, *, n_features: int | None = None, name: str = "X", accept_sparse: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """A finite 2-D float64 array with at least one row and one column.

    With ``accept_sparse=True`` a scipy.sparse ``X`` is returned as a float64 CSR array
    (its stored values checked), never densified. ``finite=False`` leaves the finiteness
    of a dense ``X`` to the caller, who reads every entry anyway
    (:meth:`bayesreg.datafits.GaussianDatafit.from_data`).
    """
    if X is None:
        raise ValueError(f"{name} is None; expected a 2-D array of shape (n_samples, n_features)")
    from scipy import sparse

    if accept_sparse and sparse.issparse(X):
        arr = sparse.csr_array(X, dtype=np.float64)
        if arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError(f"{name} is empty: shape {arr.shape}")
        if not np.isfinite(arr.data).all():
            raise ValueError(f"{name} contains NaN or infinite values; remove or impute missing values first")
        if n_features is not None and arr.shape[1] != n_features:
            raise ValueError(f"{name} has {arr.shape[1]} features, but {n_features} were expected")
        return arr
    arr = _as_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features), got {arr.ndim}-D shape "
            f"{arr.shape}; reshape a single feature with X.reshape(-1, 1)"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    if finite:
        _check_finite(arr, name, "; remove or impute missing values first")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} features, but {n_features} were expected")
    return arr


def check_y(y: Any, n_samples: int, *, name: str = "y") -> np.ndarray:
    """A finite 1-D float64 array of length ``n_samples``."""
    if y is None:
        raise ValueError(f"{name} is None; expected a 1-D array of shape (n_samples,)")
    arr = _as_float_array(y, name)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D of shape (n_samples,), got shape {arr.shape}; "
            "bayesreg fits one target at a time (use y.ravel() for a single column)"
        )
    if arr.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} rows but {name} has {arr.shape[0]}: lengths must match")
    return _check_finite(arr, name)


def check_sample_weight(
    sample_weight: Any, n_samples: int, *, name: str = "sample_weight"
) -> np.ndarray | None:
    """None, or a finite, non-negative, not-all-zero 1-D float64 array of length n_samples."""
    if sample_weight is None:
        return None
    sw = _as_float_array(sample_weight, name)
    if sw.ndim == 0:
        sw = np.full(n_samples, float(sw))
    if sw.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {sw.shape}")
    if sw.shape[0] != n_samples:
        raise ValueError(f"{name} has length {sw.shape[0]} but X has {n_samples} rows")
    _check_finite(sw, name)
    negative = sw < 0
    if negative.any():
        row, _, count = _locate(negative)
        raise BadEntryError(
            f"{name} must be >= 0; found {count} negative, first at index {row} ({sw[row]:g})",
            kind="negative", row=row, column=None, count=count,
        )
    if not (sw > 0).any():
        raise ValueError(f"{name} is all zero: at least one sample needs weight > 0")
    return sw


def check_X_y(
    X: Any, y: Any, sample_weight: Any = None, *, finite_X: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a design, a target and optional sample weights together (``finite_X``: see
    :func:`check_X`)."""
    Xa = check_X(X, finite=finite_X)
    ya = check_y(y, Xa.shape[0])
    sw = check_sample_weight(sample_weight, Xa.shape[0])
    return Xa, ya, sw


def check_sigma(sigma: Any) -> float:
    """The noise standard deviation: a finite float > 0."""
    return check_positive("sigma", sigma)
