"""Saving a fitted estimator, with its posterior, to a directory, and loading it back.

``save(estimator, path)`` writes a directory::

    path/
        model.json        the specification and every fitted attribute
        arrays.npz        the values of every array in model.json (NumPy's binary format)
        posterior.nc      the posterior DataTree (netCDF-4 via h5netcdf), if any

``model.json`` holds the estimator class, its ``get_params()`` (a prior as its class and
fields), and every fitted attribute (the scikit-learn trailing-underscore ones:
``coef_``, ``intercept_``, ``n_features_in_``, ``feature_names_in_``, ``result_``, ...).
An array appears there as its dtype and a key into ``arrays.npz``, which stores its bytes
as they are, so nothing is rounded; scalars are JSON numbers, which Python writes and
reads back bit-exactly (``repr`` round-trips). Classes are restored only from the
``bayesreg`` package, and ``arrays.npz`` is read without pickles, so a model directory
cannot run arbitrary code.

``load(path)`` rebuilds an estimator equal to the saved one to the bit: same class and
parameters, identical arrays, an identical posterior DataTree, identical predictions. It
also reads format version 1, which wrote the arrays into ``model.json`` as lists of
hexadecimal floats (:meth:`float.hex`).

**Nothing is lost on failure.** ``save`` writes the new files into a fresh hidden
directory beside ``path`` and only then renames it into place (the previous save, if
any, is renamed aside first and removed last; files there that bayesreg did not write
are carried over). An error or an interruption at any point before the final rename
leaves the previous save as it was. ``load`` checks what it reads, so a hand-edited or
damaged file gives a ValueError that names the file and the field (``fitted.coef_``,
``params.prior.scale``), not a bare KeyError or a model with a wrong value.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["save", "load", "MODEL_FILE", "ARRAYS_FILE", "FORMAT", "FORMAT_VERSION"]

MODEL_FILE = "model.json"
ARRAYS_FILE = "arrays.npz"
FORMAT = "bayesreg-model"
#: 2: arrays in ``arrays.npz``; 1: arrays as hexadecimal-float lists in ``model.json``
FORMAT_VERSION = 2
_TYPE = "__type__"


# --------------------------------------------------------------------- helpers
def _qualname(obj: type) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _resolve(name: str, verb: str = "load") -> type:
    """A class from ``bayesreg`` by dotted name; anything else is refused (``verb``: what
    the refusal is of, "load" or "save")."""
    module, _, qual = str(name).rpartition(".")
    if not (module == "bayesreg" or module.startswith("bayesreg.")):
        raise ValueError(f"refusing to {verb} class {name!r}: only bayesreg classes are allowed")
    try:
        obj: Any = importlib.import_module(module)
        for part in qual.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise ValueError(
            f"the model file names class {name!r}, which this bayesreg lacks"
        ) from None
    if not isinstance(obj, type):
        raise ValueError(f"{name!r} is not a class")
    return obj


def _is_datatree(value: Any) -> bool:
    return type(value).__name__ == "DataTree" and hasattr(value, "to_netcdf")


def _check_posterior_format(requested: str) -> None:
    if requested not in ("auto", "netcdf"):
        raise ValueError(f"posterior_format must be 'auto' or 'netcdf', got {requested!r}")
    if not all(importlib.util.find_spec(m) for m in ("h5netcdf", "h5py")):
        raise ImportError("saving a posterior needs h5netcdf and h5py: pip install 'bayesreg[io]'")


# --------------------------------------------------------------------- encoding
class _Encoder:
    """Turns attribute values into JSON, collecting arrays and writing DataTrees beside it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: list[str] = []
        self.arrays: dict[str, np.ndarray] = {}

    def __call__(self, value: Any, where: str) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.generic):
            return {_TYPE: "scalar", "dtype": value.dtype.str, "value": self(value.item(), where)}
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if np.isfinite(value):
                return value
            return {_TYPE: "float", "hex": value.hex()}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, (list, tuple)):
            items = [self(v, f"{where}[{i}]") for i, v in enumerate(value)]
            return items if isinstance(value, list) else {_TYPE: "tuple", "items": items}
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise TypeError(f"cannot save {where}: a dict with non-string keys")
            return {
                _TYPE: "dict",
                "items": {k: self(v, f"{where}[{k!r}]") for k, v in value.items()},
            }
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            _resolve(_qualname(cls), "save")  # only bayesreg dataclasses (priors, penalties, results)
            fields = {
                f.name: self(getattr(value, f.name), f"{where}.{f.name}")
                for f in dataclasses.fields(value)
                if f.init
            }
            return {_TYPE: "dataclass", "class": _qualname(cls), "fields": fields}
        if _is_datatree(value):
            return self._datatree(value, where)
        raise TypeError(
            f"cannot save {where}: values of type {type(value).__name__} are not supported"
        )

    def _array(self, arr: np.ndarray, where: str) -> dict[str, Any]:
        """An entry naming the array's key in ``arrays.npz`` (strings of an object array
        are stored as a unicode array, the entry keeping dtype ``"object"``)."""
        kind = arr.dtype.kind
        if kind == "O" and all(isinstance(v, str) for v in arr.flat):
            stored = np.array(arr.tolist(), dtype=str).reshape(arr.shape)
        elif kind in "fbiuU":
            stored = arr
        else:
            raise TypeError(f"cannot save {where}: arrays of dtype {arr.dtype} are not supported")
        key = f"a{len(self.arrays)}"
        self.arrays[key] = stored
        return {_TYPE: "ndarray", "dtype": "object" if kind == "O" else arr.dtype.str, "key": key}

    def _datatree(self, tree: Any, where: str) -> dict[str, Any]:
        fname = (where.strip("_").replace(".", "_") or "tree") + ".nc"
        tree.to_netcdf(self.directory / fname, engine="h5netcdf")
        self.files.append(fname)
        return {_TYPE: "datatree", "file": fname, "format": "netcdf"}

    def write_arrays(self) -> None:
        if self.arrays:
            np.savez(self.directory / ARRAYS_FILE, **self.arrays)
            self.files.append(ARRAYS_FILE)


class _FieldError(ValueError):
    """A bad entry of the model file; ``where`` is its field path (``fitted.coef_``)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"field {where!r}: {message}")
        self.where = where


class _Decoder:
    """Turns ``model.json`` entries back into values, reading ``arrays.npz`` on demand.

    Every entry is checked as it is read; a bad one raises :class:`_FieldError` naming
    its field path.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.arrays: dict[str, np.ndarray] | None = None

    def __call__(self, value: Any, where: str) -> Any:
        try:
            return self._decode(value, where)
        except _FieldError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as exc:
            what = f"missing entry {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
            raise _FieldError(where, what or type(exc).__name__) from None

    def _decode(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [self(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        kind = value.get(_TYPE)
        if kind == "float":
            return float.fromhex(value["hex"])
        if kind == "scalar":
            return np.dtype(value["dtype"]).type(self(value["value"], where))
        if kind == "tuple":
            return tuple(self(v, f"{where}[{i}]") for i, v in enumerate(value["items"]))
        if kind == "dict":
            items = value["items"]
            if not isinstance(items, dict):
                raise TypeError(f"expected a mapping, got {type(items).__name__}")
            return {k: self(v, f"{where}.{k}" if k.isidentifier() else f"{where}[{k!r}]")
                    for k, v in items.items()}
        if kind == "ndarray":
            return self._array(value) if "key" in value else _hex_list_array(value)
        if kind == "dataclass":
            cls = _resolve(value["class"])
            fields = value["fields"]
            if not isinstance(fields, dict):
                raise TypeError(f"expected a mapping of fields, got {type(fields).__name__}")
            return cls(**{k: self(v, f"{where}.{k}") for k, v in fields.items()})
        if kind == "datatree":
            return _open_datatree(self.directory / value["file"], value["format"])
        raise ValueError(f"unknown entry of type {kind!r}")

    def _array(self, value: dict[str, Any]) -> np.ndarray:
        if self.arrays is None:
            path = self.directory / ARRAYS_FILE
            if not path.is_file():
                raise FileNotFoundError(f"the model refers to {path}, which is missing")
            try:
                with np.load(path, allow_pickle=False) as npz:
                    self.arrays = {k: npz[k] for k in npz.files}
            except (OSError, ValueError) as exc:
                raise ValueError(f"{path} is not a readable NPZ archive ({exc})") from None
        key = value["key"]
        if key not in self.arrays:
            raise ValueError(f"array {key!r} is missing from {ARRAYS_FILE}")
        arr = self.arrays[key]
        if value["dtype"] == "object":
            if arr.dtype.kind != "U":
                raise ValueError(f"expected strings in {ARRAYS_FILE}[{key!r}], got dtype {arr.dtype}")
            out = np.empty(arr.shape, dtype=object)
            out[...] = arr.tolist() if arr.ndim else arr.item()
            return out
        if np.dtype(value["dtype"]) != arr.dtype:
            raise ValueError(
                f"the model says dtype {value['dtype']!r} but {ARRAYS_FILE}[{key!r}] holds {arr.dtype.str!r}"
            )
        return arr


def _hex_list_array(value: dict[str, Any]) -> np.ndarray:
    """An array of format version 1: its values as a flat list, floats as :meth:`float.hex`."""
    dtype = np.dtype(value["dtype"])
    data = value["data"]
    if dtype.kind == "f":
        arr = np.array([float.fromhex(v) for v in data], dtype=np.float64).astype(dtype)
    elif dtype.kind == "O":
        arr = np.empty(len(data), dtype=object)
        arr[:] = data
    else:
        arr = np.array(data, dtype=dtype)
    return arr.reshape(value["shape"])


def _open_datatree(path: Path, fmt: str) -> Any:
    import xarray as xr

    if fmt != "netcdf":
        raise ValueError(
            f"the model's posterior {path.name} is stored as {fmt!r}; this bayesreg reads "
            f"netCDF only (open it with xarray.open_datatree({str(path)!r}, engine={fmt!r}))"
        )
    if not path.exists():
        raise FileNotFoundError(f"the model refers to {path}, which is missing")
    tree = xr.open_datatree(path, engine="h5netcdf")
    try:
        tree = tree.load()
    finally:
        tree.close()
    return tree


# --------------------------------------------------------------------- API
def _fitted_attributes(estimator: Any) -> dict[str, Any]:
    """scikit-learn's fitted attributes: public names ending in one underscore."""
    return {
        k: v
        for k, v in vars(estimator).items()
        if k.endswith("_") and not k.startswith("_") and not k.endswith("__")
    }


def save(estimator: Any, path: str | Path, *, posterior_format: str = "auto") -> Path:
    """Write ``estimator`` (fitted or not, with or without ``posterior_``) to directory ``path``.

    Parameters
    ----------
    estimator : bayesreg estimator
        :class:`~bayesreg.MAPRegressor`, :class:`~bayesreg.RidgeMAP`,
        :class:`~bayesreg.LassoMAP`, :class:`~bayesreg.ElasticNetMAP` (any class of the
        ``bayesreg`` package with ``get_params``).
    path : str or Path
        A directory, created if needed. A previous :func:`save` there is replaced
        atomically (module docstring: on any failure it stays intact); a non-empty
        directory that holds no ``model.json`` is refused.
    posterior_format : {"auto", "netcdf"}
        How to store DataTree attributes. netCDF-4 (``.nc``, needs h5netcdf and h5py:
        the ``io`` extra) is the one format; ``"auto"`` means it.

    Returns
    -------
    Path
        The directory.

    Raises
    ------
    TypeError
        For a non-bayesreg estimator or a fitted attribute that cannot be stored exactly.
    ImportError
        For a posterior when h5netcdf or h5py is missing.
    """
    cls = type(estimator)
    if not hasattr(estimator, "get_params"):
        raise TypeError(f"save expects a bayesreg estimator, got {cls.__name__}")
    _resolve(_qualname(cls), "save")
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise FileExistsError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MODEL_FILE).exists():
        raise FileExistsError(
            f"{directory} is a non-empty directory without {MODEL_FILE}; choose a new one"
        )
    fitted = _fitted_attributes(estimator)
    if any(_is_datatree(v) for v in fitted.values()):
        _check_posterior_format(posterior_format)
    from bayesreg import __version__

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.saving-", dir=directory.parent))
    try:
        encoder = _Encoder(staging)
        doc = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "bayesreg_version": __version__,
            "class": _qualname(cls),
            "params": encoder(estimator.get_params(deep=False), "params"),
            "fitted": {k: encoder(v, k) for k, v in fitted.items()},
        }
        encoder.write_arrays()
        doc["files"] = encoder.files
        with open(staging / MODEL_FILE, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, indent=1, allow_nan=False))
            fh.flush()
            os.fsync(fh.fileno())
        _replace_directory(staging, directory, set(doc["files"]) | {MODEL_FILE})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _previous_files(directory: Path) -> set[str]:
    """The files a previous :func:`save` wrote into ``directory`` (as its model.json lists)."""
    try:
        old = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8")).get("files", [])
        return {Path(str(name)).name for name in old}
    except (OSError, ValueError, AttributeError):
        return set()


def _replace_directory(staging: Path, directory: Path, new_files: set[str]) -> None:
    """Rename the fully written ``staging`` directory to ``directory``.

    A previous save there is renamed aside first and removed only after the new one is in
    place (on a failure in between it is renamed back); entries bayesreg did not write are
    moved into the new directory. ``staging`` is left for the caller to remove on failure.
    """
    if not directory.exists():
        os.replace(staging, directory)
        return
    ours = _previous_files(directory) | {MODEL_FILE}
    foreign = [e for e in os.listdir(directory) if e not in ours and e not in new_files]
    moved: list[str] = []
    aside = directory.parent / f".{directory.name}.previous-{staging.name.rsplit('-', 1)[-1]}"
    try:
        for name in foreign:
            os.replace(directory / name, staging / name)
            moved.append(name)
        os.replace(directory, aside)
        try:
            os.replace(staging, directory)
        except BaseException:
            os.replace(aside, directory)
            raise
    except BaseException:
        for name in moved:
            os.replace(staging / name, directory / name)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def load(path: str | Path) -> Any:
    """Read an estimator written by :func:`save`.

    Returns an instance of the saved class with the saved parameters and every fitted
    attribute restored exactly (a posterior DataTree fully loaded into memory).

    Raises
    ------
    FileNotFoundError
        When ``path`` has no ``model.json``.
    ValueError
        When the file is not a bayesreg model, names a class outside bayesreg, or holds an
        entry that is missing, malformed or inconsistent with the others (hand-edited or
        damaged files); the message names the file and the field.
    """
    directory = Path(path)
    model = directory / MODEL_FILE
    if not model.is_file():
        raise FileNotFoundError(f"no saved bayesreg model at {directory} ({MODEL_FILE} missing)")
    try:
        doc = json.loads(model.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{model} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{model} is not a bayesreg model file")
    version = doc.get("format_version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"{model}: field 'format_version' must be an integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{model} has format version {version}; this bayesreg reads "
            f"up to {FORMAT_VERSION}: upgrade bayesreg"
        )
    for key, kind in (("class", str), ("params", dict), ("fitted", dict)):
        if key not in doc:
            raise ValueError(f"{model}: field {key!r} is missing")
        if not isinstance(doc[key], kind):
            raise ValueError(f"{model}: field {key!r} must be a {kind.__name__}, got {type(doc[key]).__name__}")
    decode = _Decoder(directory)
    try:
        try:
            cls = _resolve(doc["class"])
        except ValueError as exc:
            raise _FieldError("class", str(exc)) from None
        params = decode(doc["params"], "params")
        if not isinstance(params, dict):
            raise _FieldError("params", f"expected a mapping, got {type(params).__name__}")
        try:
            estimator = cls(**params)
        except TypeError as exc:
            raise _FieldError("params", " ".join(str(exc).split())) from None
        for name, value in doc["fitted"].items():
            setattr(estimator, name, decode(value, f"fitted.{name}"))
        _check_loaded(estimator)
    except _FieldError as exc:
        raise ValueError(f"{model}: {exc}") from None
    return estimator


def _check_loaded(est: Any) -> None:
    """Raise :class:`_FieldError` where the parameters or fitted attributes of a loaded
    estimator contradict each other or the estimator's own checks."""
    from bayesreg._validation import check_bool, check_sigma
    from bayesreg.priors import check_prior

    checks: list[tuple[str, Any]] = []
    if hasattr(est, "_prior"):
        checks.append(("params", lambda: check_prior(est._prior())))
    if getattr(est, "sigma", None) is not None:
        checks.append(("params.sigma", lambda: check_sigma(est.sigma)))
    if hasattr(est, "fit_intercept"):
        checks.append(("params.fit_intercept", lambda: check_bool("fit_intercept", est.fit_intercept)))
    for where, check in checks:
        try:
            check()
        except (TypeError, ValueError) as exc:
            raise _FieldError(where, " ".join(str(exc).split())) from None
    fitted = vars(est)
    if "coef_" in fitted:
        coef = fitted["coef_"]
        # a classifier's coef_ is one row, shape (1, p), as in scikit-learn (LogisticMAP)
        if isinstance(coef, np.ndarray) and coef.ndim == 2 and coef.shape[0] == 1 and "classes_" in fitted:
            coef = coef[0]
        if not (isinstance(coef, np.ndarray) and coef.dtype.kind == "f" and coef.ndim == 1):
            raise _FieldError("fitted.coef_", f"expected a 1-D float array, got {coef!r:.80}")
        if not np.isfinite(coef).all():
            raise _FieldError("fitted.coef_", "contains NaN or infinite values")
        n = fitted.get("n_features_in_", coef.size)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n != coef.size:
            raise _FieldError("fitted.n_features_in_", f"{n!r} does not match coef_ ({coef.size} entries)")
        names = fitted.get("feature_names_in_")
        if names is not None and np.shape(names) != (coef.size,):
            raise _FieldError(
                "fitted.feature_names_in_", f"has shape {np.shape(names)}, but coef_ has {coef.size} entries"
            )
        res = fitted.get("result_")
        if res is not None and hasattr(res, "coef") and not np.array_equal(res.coef, coef):
            raise _FieldError("fitted.result_.coef", "differs from fitted.coef_")
    if "intercept_" in fitted:
        b = fitted["intercept_"]
        if isinstance(b, np.ndarray) and b.shape == (1,) and b.dtype.kind == "f" and "classes_" in fitted:
            b = float(b[0])
        if isinstance(b, bool) or not isinstance(b, (int, float, np.floating)) or not np.isfinite(b):
            raise _FieldError("fitted.intercept_", f"expected a finite number, got {b!r}")
        res = fitted.get("result_")
        if res is not None and hasattr(res, "intercept") and res.intercept != b:
            raise _FieldError("fitted.result_.intercept", "differs from fitted.intercept_")


# ------------------------------------------------------------ sufficient statistics
#: the ``format`` entry of a statistics file
STATISTICS_FORMAT = "bayesreg-statistics"
STATISTICS_FORMAT_VERSION = 1

__all__ += ["save_statistics", "load_statistics", "STATISTICS_FORMAT", "STATISTICS_FORMAT_VERSION"]


def save_statistics(statistics: Any, path: str | Path) -> Path:
    """Write :class:`~bayesreg.SufficientStatistics` to one ``.npz`` file.

    Every field is stored in NumPy's binary format (bit-exact; strings as unicode
    arrays, no pickles), so a summary computed once on a cluster can be fitted from
    anywhere: ``map_estimate(load_statistics(path), None, prior, sigma=...)`` equals the
    fit from the original statistics to the bit. The suffix ``.npz`` is added if missing.

    Returns
    -------
    Path
        The file written.
    """
    from bayesreg.datafits import SufficientStatistics

    if not isinstance(statistics, SufficientStatistics):
        raise TypeError(f"expected SufficientStatistics, got {type(statistics).__name__}")
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    entries: dict[str, np.ndarray] = {
        "format": np.array(STATISTICS_FORMAT), "format_version": np.array(STATISTICS_FORMAT_VERSION),
    }
    for f in dataclasses.fields(statistics):
        value = getattr(statistics, f.name)
        if value is None:
            continue
        entries[f.name] = np.asarray(value, dtype=str) if f.name == "feature_names" else np.asarray(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez(fh, **entries)
    return path


def load_statistics(path: str | Path) -> Any:
    """Read :class:`~bayesreg.SufficientStatistics` written by :func:`save_statistics`.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        When the file is not a bayesreg statistics file, or is from a newer bayesreg.
    """
    from bayesreg.datafits import SufficientStatistics

    path = Path(path)
    if not path.is_file() and path.suffix != ".npz" and path.with_name(path.name + ".npz").is_file():
        path = path.with_name(path.name + ".npz")
    if not path.is_file():
        raise FileNotFoundError(f"no bayesreg statistics file at {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            data = {k: npz[k] for k in npz.files}
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path} is not a bayesreg statistics file: {exc}") from None
    if "format" not in data or str(data["format"]) != STATISTICS_FORMAT:
        raise ValueError(f"{path} is not a bayesreg statistics file")
    version = int(data["format_version"])
    if version > STATISTICS_FORMAT_VERSION:
        raise ValueError(
            f"{path} has statistics format version {version}; this bayesreg reads up to "
            f"{STATISTICS_FORMAT_VERSION}: upgrade bayesreg"
        )
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(SufficientStatistics):
        if f.name not in data:
            if f.default is dataclasses.MISSING:
                raise ValueError(f"{path} lacks the field {f.name!r}")
            continue
        value = data[f.name]
        if f.name == "feature_names":
            kwargs[f.name] = value.astype(object)
        else:
            kwargs[f.name] = value.item() if value.ndim == 0 else value
    return SufficientStatistics(**kwargs)
