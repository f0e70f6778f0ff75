r"""Loading a regression problem from a file, or a built-in dataset.

:func:`load_dataset` turns a CSV, Parquet or NPZ file (or nothing: a dataset bundled with
scikit-learn, :data:`BUILTIN_DATASETS`) into a :class:`Dataset`: a finite float64 design ``X``, a target
``y``, optional sample weights, and the feature names. Every problem a user can cause
(a missing file, an unknown column, a missing value, a non-numeric column) raises
:class:`DataError` with a one-line message that names the file, the column and the row,
so the command line can print it without a traceback.

Two preparations the command line offers (``--one-hot``, ``--standardize``):

* ``load_dataset(..., one_hot=True)`` encodes every non-numeric feature column as
  indicator columns named ``column=level``, one per level but the first (sorted), which
  is the reference level absorbed by the intercept (so the design keeps full rank and
  every MAP stays unique);
* :meth:`Dataset.standardized` centres each feature column at its mean and divides it by
  its standard deviation, so that one prior scale means the same for every coefficient
  (change of the outcome per standard deviation of the feature);
  :meth:`Dataset.original_units` turns coefficients back into the file's units.

Built-in datasets
-----------------
Without a file the command line reads its likelihood family's dataset
(:attr:`bayesreg.families.LikelihoodFamily.builtin`), each bundled with scikit-learn (no
download), target column ``"target"``:

``diabetes`` (Gaussian family)
    scikit-learn's diabetes data as it ships (442 × 10, columns centred and scaled to unit
    norm), a disease-progression score.
``breast_cancer`` (Bernoulli family)
    scikit-learn's Wisconsin breast-cancer data (569 × 30), target 1 = benign; every feature
    centred and scaled to standard deviation 1. The raw features span six decades (0.0008
    to 4254), and ``LogisticRegression``'s one solver for an L1 or elastic-net penalty with an
    unpenalised intercept, saga, converges only on columns of similar scale.
``diabetes_counts`` (Poisson family)
    The diabetes features with a count target simulated from a known log-linear model:
    :math:`y_i\sim\mathrm{Poisson}\big(\exp(1 + \sum_j \beta_j z_{ij})\big)`,
    :math:`z_{ij}` feature :math:`j` scaled to sd 1, :math:`\beta` =
    (0, −0.15, 0.35, 0.2, −0.3, 0.2, 0, 0.1, 0.35, 0.05) for (age, sex, bmi, bp, s1, …, s6),
    drawn with ``numpy.random.default_rng(0)`` (the same counts on every machine). scikit-learn
    bundles no count data; a simulated target with a known truth serves the check.

File layouts
------------
CSV (``.csv``, ``.txt``, ``.tsv``), Parquet (``.parquet``, ``.pq``)
    A table with a header row. ``target`` names the response column, ``weights``
    (optional) a column of sample weights; every other column is a feature.
NPZ (``.npz``)
    Either arrays ``X`` (2-D) and a 1-D target (key ``target``, default ``"y"``), with
    optional ``feature_names`` and a 1-D weights array (key ``weights``); or only 1-D
    arrays of equal length, read as the columns of a table.
A directory of Parquet files, or a glob (``"data/part-*.csv"``, ``"data/*.parquet"``)
    Read through Dask (the ``bayesreg[dask]`` extra), partition by partition. With
    ``lazy=True`` the :class:`Dataset` holds Dask arrays and nothing is gathered: the
    Gaussian family's fits need one pass for their sufficient statistics
    (:mod:`bayesreg.dask`); with ``lazy=False`` the table is computed into memory (the
    scikit-learn comparison of ``bayesreg validate`` needs the rows). The entries are
    checked block by block when the statistics are computed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bayesreg._validation import BadEntryError, _as_float_array, check_sample_weight, check_X, check_y

__all__ = ["DataError", "Dataset", "load_dataset", "is_collection", "BUILTIN", "BUILTIN_DATASETS"]

#: Name of the default built-in dataset (``load_dataset(None)``).
BUILTIN = "diabetes"
#: The built-in datasets (module docstring), one per likelihood family.
BUILTIN_DATASETS = ("diabetes", "breast_cancer", "diabetes_counts")
_BUILTIN_TARGET = "target"
#: the log-linear model behind ``diabetes_counts`` (module docstring)
_COUNTS_INTERCEPT = 1.0
_COUNTS_BETA = (0.0, -0.15, 0.35, 0.2, -0.3, 0.2, 0.0, 0.1, 0.35, 0.05)

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
    encodings : mapping of str to tuple of str
        Each one-hot encoded column -> its levels, the reference level first (its
        indicator columns ``column=level`` are the other levels).
    center, scale : ndarray of shape (n_features,) or None
        The column means and standard deviations :meth:`standardized` divided out
        (None: the columns are in the file's units).
    n_rows : int or None
        The number of rows of a lazy dataset, whose ``X`` is a Dask DataFrame of the
        feature columns and ``y`` / ``sample_weight`` Dask Series of the same partitions.
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    feature_names: tuple[str, ...]
    target: str
    weights: str | None
    source: str
    encodings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    center: np.ndarray | None = None
    scale: np.ndarray | None = None
    n_rows: int | None = None

    @property
    def n_samples(self) -> int:
        return self.n_rows if self.n_rows is not None else self.X.shape[0]

    @property
    def n_features(self) -> int:
        return len(self.feature_names) if self.lazy else self.X.shape[1]

    def frame(self) -> Any:
        """``X`` as a pandas DataFrame (a Dask DataFrame for a lazy dataset) with the
        feature names as columns.

        Estimators fitted on it record ``feature_names_in_``, and posteriors label
        their ``feature`` coordinate with the names.
        """
        if self.lazy:
            return self.X
        import pandas as pd

        return pd.DataFrame(self.X, columns=list(self.feature_names))

    @property
    def lazy(self) -> bool:
        """Whether the arrays are Dask arrays (read from a Parquet directory or a glob)."""
        from bayesreg.dask import is_dask_collection

        return is_dask_collection(self.X)

    def standardized(self) -> Dataset:
        r"""This dataset with every feature column centred and scaled to standard deviation 1,

        .. math::

            x'_{ij} = (x_{ij} - \bar x_j) / s_j,

        :math:`\bar x_j` and :math:`s_j` the column's (unweighted) mean and population
        standard deviation, as scikit-learn's ``StandardScaler``; a constant column is
        only centred (:math:`s_j = 1`). They are kept as :attr:`center` and :attr:`scale`.
        """
        if self.center is not None:
            return self
        if self.lazy:
            raise DataError(
                f"{self.source}: standardizing a Dask-read table is not supported; standardize the "
                "files beforehand, or read one file"
            )
        center = self.X.mean(axis=0)
        scale = self.X.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        return replace(self, X=(self.X - center) / scale, center=center, scale=scale)

    def original_units(self, coef: Any, intercept: float = 0.0) -> tuple[np.ndarray, float]:
        r"""Coefficients and intercept fitted on :meth:`standardized` columns, in the file's units:
        :math:`w_j = w'_j / s_j` and :math:`b = b' - \sum_j w'_j \bar x_j / s_j`."""
        coef = np.asarray(coef, dtype=float)
        if self.center is None:
            return coef, float(intercept)
        return coef / self.scale, float(intercept - np.sum(coef * self.center / self.scale))

    def preprocessing(self) -> dict[str, Any]:
        """What was done to the file's columns, as plain JSON-ready values: the one-hot
        ``encodings`` and the standardisation's ``center`` and ``scale`` per feature."""
        out: dict[str, Any] = {"feature_names": list(self.feature_names)}
        if self.encodings:
            out["encodings"] = {k: list(v) for k, v in self.encodings.items()}
        if self.center is not None:
            out["center"] = self.center.tolist()
            out["scale"] = self.scale.tolist()
        return out


# ---------------------------------------------------------------------- reading
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _read_table(path: Path) -> dict[str, Any]:
    """The columns (pandas Series) of a CSV / Parquet file, in file order."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in _PARQUET:
            frame = pd.read_parquet(path)
        else:
            sep = _CSV[suffix]
            frame = pd.read_csv(path, sep=sep, engine="python" if sep is None else "c")
    except ImportError as exc:  # Parquet without pyarrow (the io extra)
        raise DataError(f"cannot read {path}: {_one_line(exc)}") from None
    except Exception as exc:  # parser errors, empty files, corrupt Parquet
        raise DataError(f"cannot read {path} as a table: {_one_line(exc)}") from None
    if frame.columns.size == 0:
        raise DataError(f"{path} has no columns")
    cols = [str(c) for c in frame.columns]
    dup = sorted(c for c, k in Counter(cols).items() if k > 1)  # linear: 40,000 columns
    if dup:
        raise DataError(f"{path} has duplicate column names: {', '.join(dup)}")
    return {str(c): frame[c] for c in frame.columns}


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
_PROBLEM = {"NaN": "missing values (NaN)", "inf": "infinite values", "negative": "negative values"}


@contextmanager
def _in_file_terms(where: str, names: Sequence[str], label: str = "column") -> Iterator[None]:
    """Re-raise the shared checks' errors (:mod:`bayesreg._validation`) as a DataError:
    a bad entry by the file's column name and 1-based data row, anything else prefixed
    with the file."""
    try:
        yield
    except BadEntryError as exc:
        name = names[0 if exc.column is None else exc.column]
        rows = f"{exc.count} row{'s' if exc.count > 1 else ''}"
        remedy = "sample weights must be >= 0" if exc.kind == "negative" else "remove or impute them first"
        raise DataError(
            f"{label} {name!r} in {where} has {_PROBLEM[exc.kind]} in {rows}, first at data "
            f"row {exc.row + 1}; {remedy}"
        ) from None
    except ValueError as exc:
        raise DataError(f"{where}: {exc}") from None


def _floats(columns: Sequence[tuple[str, Any]], kind: str, where: str) -> list[np.ndarray]:
    """The columns as float64 arrays; the non-numeric ones named together in one DataError."""
    out, bad = [], []
    for name, values in columns:
        try:
            out.append(_as_float_array(values, name))
        except TypeError:
            bad.append(name)
    if bad:
        many = len(bad) > 1
        it = "them" if many else "it"
        how = f"encode {it} (one_hot=True, the command line's --one-hot) or drop {it}" if kind == "feature" \
            else f"encode or drop {it}"
        raise DataError(
            f"{where} has non-numeric {kind} column{'s' if many else ''} "
            f"{', '.join(repr(c) for c in bad)}; {how} first"
        )
    return out


def _one_hot(
    features: Sequence[tuple[str, Any]], where: str
) -> tuple[list[tuple[str, Any]], dict[str, tuple[str, ...]]]:
    """Every non-numeric column as indicators ``column=level`` of its levels but the first
    (sorted; the reference), and the levels of each encoded column."""
    import pandas as pd

    out: list[tuple[str, Any]] = []
    encodings: dict[str, tuple[str, ...]] = {}
    for name, values in features:
        try:
            _as_float_array(values, name)
        except TypeError:
            pass
        else:
            out.append((name, values))
            continue
        values = pd.Series(values)
        missing = values.isna().to_numpy()
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise DataError(
                f"column {name!r} in {where} has missing values in {int(missing.sum())} row"
                f"{'s' if missing.sum() > 1 else ''}, first at data row {first + 1}; "
                "remove or impute them first"
            )
        text = values.astype(str).to_numpy()
        levels = tuple(sorted(set(text)))
        encodings[name] = levels
        out += [(f"{name}={level}", (text == level).astype(np.float64)) for level in levels[1:]]
    return out, encodings


def _dataset(
    features: Sequence[tuple[str, Any]], target: str, y: Any, weights: str | None, w: Any,
    where: str, encodings: Mapping[str, tuple[str, ...]] | None = None,
) -> Dataset:
    """A Dataset validated by the shared checks, their errors in the file's terms."""
    names = [name for name, _ in features]
    X = np.column_stack(_floats(features, "feature", where))
    (ya,) = _floats([(target, y)], "target", where)
    with _in_file_terms(where, [target]):
        ya = check_y(ya, X.shape[0], name=f"column {target!r}")
    with _in_file_terms(where, names):
        X = check_X(X)
    sw = None
    if weights is not None:
        (wa,) = _floats([(weights, w)], "weights", where)
        with _in_file_terms(where, [weights], "weights column"):
            sw = check_sample_weight(wa, X.shape[0], name=f"weights column {weights!r}")
    return Dataset(X, ya, sw, tuple(names), target, weights, where, dict(encodings or {}))


def _unknown(kind: str, name: str, where: str, available: list[str]) -> DataError:
    import difflib

    close = difflib.get_close_matches(name, available, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(available[:20]) + (", ..." if len(available) > 20 else "")
    return DataError(f"{kind} {name!r} not found in {where}{hint}; columns are: {shown}")


def _from_columns(
    columns: dict[str, Any], target: str | None, weights: str | None, where: str, one_hot: bool = False
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
    feature_columns, encodings = [(c, columns[c]) for c in features], {}
    if one_hot:
        feature_columns, encodings = _one_hot(feature_columns, where)
        if not feature_columns:
            raise DataError(f"{where} has no feature columns left after one-hot encoding (one level each)")
    return _dataset(
        feature_columns, target, columns[target],
        weights, None if weights is None else columns[weights], where, encodings,
    )


def _builtin(name: str, target: str | None, weights: str | None) -> Dataset:
    """One of :data:`BUILTIN_DATASETS` (module docstring)."""
    from sklearn import datasets

    if name not in BUILTIN_DATASETS:
        raise DataError(f"unknown built-in dataset {name!r}; choose from {', '.join(BUILTIN_DATASETS)}")
    where = f"{name} (built-in)"
    if target not in (None, _BUILTIN_TARGET):
        raise DataError(
            f"the built-in {name} data has one response, {_BUILTIN_TARGET!r}; "
            f"got --target {target!r} (pass --data FILE to use your own)"
        )
    data = datasets.load_breast_cancer() if name == "breast_cancer" else datasets.load_diabetes()
    X, y = np.asarray(data.data, dtype=np.float64), np.asarray(data.target, dtype=np.float64)
    if name == "breast_cancer":
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    elif name == "diabetes_counts":
        z = (X - X.mean(axis=0)) / X.std(axis=0)
        rate = np.exp(_COUNTS_INTERCEPT + z @ np.asarray(_COUNTS_BETA))
        y = np.random.default_rng(0).poisson(rate).astype(np.float64)
    columns = {str(col): X[:, j] for j, col in enumerate(data.feature_names)}
    columns[_BUILTIN_TARGET] = y
    return _from_columns(columns, _BUILTIN_TARGET, weights, where)


def is_collection(path: str | Path) -> bool:
    """Whether ``path`` names several files read through Dask: a directory or a glob."""
    text = str(path)
    return any(ch in text for ch in "*?[") or Path(text).is_dir()


def _read_collection(
    path: str, target: str | None, weights: str | None, one_hot: bool, lazy: bool
) -> Dataset:
    """A Parquet directory or a glob of CSV/Parquet files, read through Dask."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise DataError(
            f"{path}: reading a directory or a glob needs Dask (pip install 'bayesreg[dask]')"
        ) from None
    text = str(path)
    if Path(text).is_dir() and not any(
        f.suffix.lower() in (".parquet", ".pq", ".parq") for f in Path(text).rglob("*")
    ):
        raise DataError(f"{text} is a directory with no Parquet files (.parquet, .pq) in it")
    parquet = Path(text).is_dir() or text.lower().endswith((".parquet", ".pq"))
    try:
        frame = dd.read_parquet(text) if parquet else dd.read_csv(text)
    except Exception as exc:  # no files matched, unreadable files
        raise DataError(f"cannot read {text} through Dask: {_one_line(exc)}") from None
    cols = [str(c) for c in frame.columns]
    dup = sorted(c for c, k in Counter(cols).items() if k > 1)
    if dup:
        raise DataError(f"{text} has duplicate column names: {', '.join(dup)}")
    where = f"{text} (Dask, {frame.npartitions} partitions)"
    if target is None:
        raise DataError(f"{text}: name the target column (--target); columns are: {', '.join(cols[:20])}")
    for kind, name in (("target column", target), ("weights column", weights)):
        if name is not None and name not in cols:
            raise _unknown(kind, name, text, cols)
    if not lazy:
        return _from_columns(_computed_columns(frame), target, weights, where, one_hot)
    if one_hot:
        raise DataError(f"{text}: --one-hot is not supported for Dask-read tables; encode the files beforehand")
    features = [c for c in cols if c not in (target, weights)]
    if not features:
        raise DataError(f"{text} has no feature columns besides the target")
    bad = [c for c in features if not _is_numeric(frame[c].dtype)]
    if bad:
        raise DataError(f"{text}: non-numeric feature column(s) {', '.join(bad[:5])}")
    n_rows = int(frame.map_partitions(len).sum().compute())
    X = frame[features].astype("float64")
    y = frame[target].astype("float64")
    w = None if weights is None else frame[weights].astype("float64")
    return Dataset(X=X, y=y, sample_weight=w, feature_names=tuple(features), target=target,
                   weights=weights, source=where, n_rows=n_rows)


def _computed_columns(frame: Any) -> dict[str, Any]:
    pdf = frame.compute()
    return {str(c): pdf[c] for c in pdf.columns}


def _is_numeric(dtype: Any) -> bool:
    return np.issubdtype(np.dtype(dtype), np.number) if str(dtype) not in ("object", "string", "category") else False


def load_dataset(
    path: str | Path | None = None, *, target: str | None = None, weights: str | None = None,
    one_hot: bool = False, lazy: bool = False, builtin: str = BUILTIN,
) -> Dataset:
    """Read a regression problem from a file, or a built-in dataset.

    Parameters
    ----------
    path : str or Path, optional
        A ``.csv`` / ``.tsv`` / ``.txt``, ``.parquet`` / ``.pq`` or ``.npz`` file (see
        the module docstring for the layouts). None: the built-in dataset ``builtin``.
    target : str, optional
        Response column. Required for tables; ``"y"`` by default for an NPZ with ``X``.
    weights : str, optional
        Column (or NPZ array) of sample weights: finite, >= 0, not all zero.
    one_hot : bool, default=False
        Encode each non-numeric feature column as indicator columns ``column=level``
        (every level but the first, sorted, which is the reference); without it such a
        column is an error.
    lazy : bool, default=False
        For a directory or a glob (read through Dask): keep Dask arrays instead of
        computing the table into memory.
    builtin : str, default="diabetes"
        The dataset read when ``path`` is None, one of :data:`BUILTIN_DATASETS` (module
        docstring): scikit-learn's diabetes data (442 × 10, target ``"target"``), its
        breast-cancer data (standardised, 569 × 30) or the diabetes features with simulated
        counts; all bundled with scikit-learn, no download.

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
        return _builtin(builtin, target, weights)
    if is_collection(path):
        return _read_collection(str(path), target, weights, one_hot, lazy)
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
            return _from_columns(columns, target, weights, where, one_hot)
        X, y, w, names, target = arrays
        return _from_arrays(X, y, w, names, target, weights, where)
    if suffix in _CSV or suffix in _PARQUET:
        return _from_columns(_read_table(path), target, weights, where, one_hot)
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
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{where}: X is empty (shape {X.shape})")
    return _dataset([(names[j], X[:, j]) for j in range(X.shape[1])], target, y, weights, w, where)
