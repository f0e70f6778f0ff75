"""Loading a regression problem from a file, or the built-in diabetes data.

:func:`load_dataset` turns a CSV, Parquet or NPZ file (or nothing: scikit-learn's
bundled diabetes data) into a :class:`Dataset`: a finite float64 design ``X``, a target
``y``, optional sample weights, and the feature names. Every problem a user can cause
(a missing file, an unknown column, a missing value, a non-numeric column) raises
:class:`DataError` with a one-line message that names the file, the column and the row,
so the command line can print it without a traceback.

File layouts
------------
CSV (``.csv``, ``.txt``, ``.tsv``), Parquet (``.parquet``, ``.pq``)
    A table with a header row. ``target`` names the response column, ``weights``
    (optional) a column of sample weights; every other column is a feature.
NPZ (``.npz``)
    Either arrays ``X`` (2-D) and a 1-D target (key ``target``, default ``"y"``), with
    optional ``feature_names`` and a 1-D weights array (key ``weights``); or only 1-D
    arrays of equal length, read as the columns of a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DataError", "Dataset", "load_dataset", "BUILTIN"]

#: Name under which the built-in data is known (``load_dataset(None)``).
BUILTIN = "diabetes"
_BUILTIN_TARGET = "target"

_CSV = {".csv": ",", ".txt": None, ".tsv": "\t"}
_PARQUET = {".parquet", ".pq"}
_NPZ = {".npz"}


class DataError(ValueError):
    """A problem with the user's data; the message is one line naming file, column, row."""


@dataclass(frozen=True)
class Dataset:
    """A validated regression problem.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 design.
    y : ndarray of shape (n_samples,)
        Finite float64 target.
    sample_weight : ndarray of shape (n_samples,) or None
        Finite, non-negative, not-all-zero weights.
    feature_names : tuple of str
    target : str
        Name of the target column.
    weights : str or None
        Name of the weights column.
    source : str
        The file read, or ``"diabetes (built-in)"``.
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    feature_names: tuple[str, ...]
    target: str
    weights: str | None
    source: str

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def frame(self) -> Any:
        """``X`` as a pandas DataFrame with the feature names as columns.

        Estimators fitted on it record ``feature_names_in_``, and posteriors label
        their ``feature`` coordinate with the names.
        """
        import pandas as pd

        return pd.DataFrame(self.X, columns=list(self.feature_names))


# ---------------------------------------------------------------------- reading
def _pandas(path: Path) -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas ships with the io extra
        raise DataError(f"reading {path.name} needs pandas: pip install 'bayesreg[io]'") from None
    return pd


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _read_table(path: Path) -> dict[str, np.ndarray]:
    """The columns of a CSV / Parquet / column-NPZ file, in file order."""
    suffix = path.suffix.lower()
    if suffix in _CSV or suffix in _PARQUET:
        pd = _pandas(path)
        try:
            if suffix in _PARQUET:
                frame = pd.read_parquet(path)
            else:
                sep = _CSV[suffix]
                frame = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c")
        except ImportError as exc:
            raise DataError(f"cannot read {path}: {_one_line(exc)}") from None
        except Exception as exc:  # parser errors, empty files, corrupt Parquet
            raise DataError(f"cannot read {path} as a table: {_one_line(exc)}") from None
        if frame.columns.size == 0:
            raise DataError(f"{path} has no columns")
        cols = [str(c) for c in frame.columns]
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise DataError(f"{path} has duplicate column names: {', '.join(dup)}")
        return {str(c): frame[c].to_numpy() for c in frame.columns}
    raise DataError(  # pragma: no cover - dispatched by the caller
        f"unsupported file type {suffix!r}"
    )


def _read_npz(path: Path, target: str | None, weights: str | None):
    """``(columns, None)`` for a column-NPZ, or ``(None, (X, y, w, names, target))``."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except Exception as exc:
        raise DataError(f"cannot read {path} as an NPZ archive: {_one_line(exc)}") from None
    if not arrays:
        raise DataError(f"{path} contains no arrays")
    if "X" in arrays and np.ndim(arrays["X"]) == 2:
        target = target or "y"
        if target not in arrays:
            raise DataError(
                f"array {target!r} not found in {path}; arrays are: {', '.join(arrays)}"
            )
        X = arrays["X"]
        names = arrays.get("feature_names")
        if names is None:
            names = [f"x{j}" for j in range(X.shape[1])]
        else:
            names = [str(s) for s in np.ravel(names)]
            if len(names) != X.shape[1]:
                raise DataError(
                    f"{path}: feature_names has {len(names)} entries but X has {X.shape[1]} columns"
                )
        w = None
        if weights is not None:
            if weights not in arrays:
                raise DataError(
                    f"array {weights!r} not found in {path}; arrays are: {', '.join(arrays)}"
                )
            w = arrays[weights]
        return None, (X, arrays[target], w, names, target)
    bad = [k for k, v in arrays.items() if np.ndim(v) != 1]
    if bad:
        raise DataError(
            f"{path}: expected a 2-D array 'X' or only 1-D column arrays; "
            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not 1-D"
        )
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}={n}" for k, n in lengths.items())
        raise DataError(f"{path}: column arrays have different lengths ({detail})")
    return arrays, None


# ------------------------------------------------------------------- checking
def _numeric_column(values: Any, column: str, where: str) -> np.ndarray:
    """A column as float64, with a DataError naming it if it is not numeric or not finite."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise DataError(
                f"column {column!r} in {where} is not numeric (dtype {arr.dtype}); "
                "encode or drop it first"
            ) from None
    return _finite(np.asarray(arr, dtype=np.float64), column, where)


def _finite(arr: np.ndarray, column: str, where: str) -> np.ndarray:
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = np.flatnonzero(bad.reshape(arr.shape[0], -1).any(axis=1))
        first = arr.reshape(arr.shape[0], -1)[rows[0]]
        kind = "missing values (NaN)" if np.isnan(first).any() else "infinite values"
        raise DataError(
            f"column {column!r} in {where} has {kind} in {rows.size} row"
            f"{'s' if rows.size > 1 else ''}, first at data row {int(rows[0]) + 1}; "
            "remove or impute them first"
        )
    return arr


def _check_weights(w: np.ndarray, column: str, where: str) -> np.ndarray:
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise DataError(
            f"weights column {column!r} in {where} has negative values, first at row "
            f"{i + 1} ({w[i]:g}); sample weights must be >= 0"
        )
    if not (w > 0).any():
        raise DataError(f"weights column {column!r} in {where} is all zero")
    return w


def _unknown(kind: str, name: str, where: str, available: list[str]) -> DataError:
    import difflib

    close = difflib.get_close_matches(name, available, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(available[:20]) + (", ..." if len(available) > 20 else "")
    return DataError(f"{kind} {name!r} not found in {where}{hint}; columns are: {shown}")


def _from_columns(
    columns: dict[str, np.ndarray], target: str | None, weights: str | None, where: str
) -> Dataset:
    names = list(columns)
    if target is None:
        raise DataError(
            f"name the response column of {where} with --target (columns: {', '.join(names[:20])})"
        )
    if target not in columns:
        raise _unknown("target column", target, where, names)
    if weights is not None:
        if weights not in columns:
            raise _unknown("weights column", weights, where, names)
        if weights == target:
            raise DataError(f"the weights column {weights!r} is also the target")
    features = [c for c in names if c not in (target, weights)]
    if not features:
        raise DataError(f"{where} has no feature columns besides {target!r}")
    n = len(columns[target])
    if n == 0:
        raise DataError(f"{where} has no data rows")
    # non-numeric feature columns are reported together, before any value check
    bad = [c for c in features if not _castable(columns[c])]
    if bad:
        raise DataError(
            f"{where} has non-numeric feature column{'s' if len(bad) > 1 else ''} "
            f"{', '.join(repr(c) for c in bad)}; encode or drop {'them' if len(bad) > 1 else 'it'} first"
        )
    y = _numeric_column(columns[target], target, where)
    X = np.column_stack([_numeric_column(columns[c], c, where) for c in features])
    w = None
    if weights is not None:
        w = _check_weights(_numeric_column(columns[weights], weights, where), weights, where)
    return Dataset(X, y, w, tuple(features), target, weights, where)


def _castable(values: Any) -> bool:
    if np.asarray(values).dtype.kind in "biuf":
        return True
    try:
        np.asarray(values).astype(np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _builtin(target: str | None, weights: str | None) -> Dataset:
    from sklearn.datasets import load_diabetes

    where = f"{BUILTIN} (built-in)"
    data = load_diabetes()
    if target not in (None, _BUILTIN_TARGET):
        raise DataError(
            f"the built-in {BUILTIN} data has one response, {_BUILTIN_TARGET!r}; "
            f"got --target {target!r} (pass --data FILE to use your own)"
        )
    columns = {str(name): data.data[:, j] for j, name in enumerate(data.feature_names)}
    columns[_BUILTIN_TARGET] = data.target
    return _from_columns(columns, _BUILTIN_TARGET, weights, where)


def load_dataset(
    path: str | Path | None = None, *, target: str | None = None, weights: str | None = None
) -> Dataset:
    """Read a regression problem from a file, or the built-in diabetes data.

    Parameters
    ----------
    path : str or Path, optional
        A ``.csv`` / ``.tsv`` / ``.txt``, ``.parquet`` / ``.pq`` or ``.npz`` file (see
        the module docstring for the layouts). None: scikit-learn's diabetes data
        (442 × 10, target ``"target"``), bundled with scikit-learn, no download.
    target : str, optional
        Response column. Required for tables; ``"y"`` by default for an NPZ with ``X``.
    weights : str, optional
        Column (or NPZ array) of sample weights: finite, >= 0, not all zero.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        A missing or unreadable file, an unknown column, a non-numeric feature column,
        a NaN or infinite value (naming the column and first row), bad weights.

    Examples
    --------
    >>> from bayesreg.data import load_dataset
    >>> ds = load_dataset()
    >>> ds.X.shape, ds.target, ds.feature_names[:3]
    ((442, 10), 'target', ('age', 'sex', 'bmi'))
    """
    if path is None:
        return _builtin(target, weights)
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise DataError(f"data file {where} does not exist")
    if path.is_dir():
        raise DataError(f"{where} is a directory, not a data file")
    suffix = path.suffix.lower()
    if suffix in _NPZ:
        columns, arrays = _read_npz(path, target, weights)
        if columns is not None:
            return _from_columns(columns, target, weights, where)
        X, y, w, names, target = arrays
        return _from_arrays(X, y, w, names, target, weights, where)
    if suffix in _CSV or suffix in _PARQUET:
        return _from_columns(_read_table(path), target, weights, where)
    raise DataError(
        f"cannot tell the format of {where} from its extension {suffix or '(none)'!r}; "
        "use .csv, .tsv, .txt, .parquet, .pq or .npz"
    )


def _from_arrays(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray | None,
    names: list[str],
    target: str,
    weights: str | None,
    where: str,
) -> Dataset:
    if np.ndim(y) != 1 or len(y) != X.shape[0]:
        raise DataError(
            f"{where}: {target!r} must be 1-D with one entry per row of X "
            f"(X has shape {X.shape}, {target!r} has shape {np.shape(y)})"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{where}: X is empty (shape {X.shape})")
    Xf = np.column_stack([_numeric_column(X[:, j], names[j], where) for j in range(X.shape[1])])
    y = _numeric_column(y, target, where)
    if w is not None:
        if np.ndim(w) != 1 or len(w) != X.shape[0]:
            raise DataError(f"{where}: weights {weights!r} must be 1-D with one entry per row of X")
        w = _check_weights(_numeric_column(w, str(weights), where), str(weights), where)
    return Dataset(Xf, y, w, tuple(names), target, weights, where)
