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
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import shutil
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


def _resolve(name: str) -> type:
    """A class from ``bayesreg`` by dotted name; anything else is refused."""
    module, _, qual = str(name).rpartition(".")
    if not (module == "bayesreg" or module.startswith("bayesreg.")):
        raise ValueError(f"refusing to load class {name!r}: only bayesreg classes are allowed")
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
            _resolve(_qualname(cls))  # only bayesreg dataclasses (priors, penalties, results)
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


class _Decoder:
    """Turns ``model.json`` entries back into values, reading ``arrays.npz`` on demand."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.arrays: dict[str, np.ndarray] | None = None

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        kind = value.get(_TYPE)
        if kind == "float":
            return float.fromhex(value["hex"])
        if kind == "scalar":
            return np.dtype(value["dtype"]).type(self(value["value"]))
        if kind == "tuple":
            return tuple(self(v) for v in value["items"])
        if kind == "dict":
            return {k: self(v) for k, v in value["items"].items()}
        if kind == "ndarray":
            return self._array(value) if "key" in value else _hex_list_array(value)
        if kind == "dataclass":
            cls = _resolve(value["class"])
            return cls(**{k: self(v) for k, v in value["fields"].items()})
        if kind == "datatree":
            return _open_datatree(self.directory / value["file"], value["format"])
        raise ValueError(f"unknown entry of type {kind!r} in the model file")

    def _array(self, value: dict[str, Any]) -> np.ndarray:
        if self.arrays is None:
            path = self.directory / ARRAYS_FILE
            if not path.is_file():
                raise FileNotFoundError(f"the model refers to {path}, which is missing")
            with np.load(path, allow_pickle=False) as npz:
                self.arrays = {k: npz[k] for k in npz.files}
        arr = self.arrays[value["key"]]
        if value["dtype"] == "object":
            out = np.empty(arr.shape, dtype=object)
            out[...] = arr.tolist() if arr.ndim else arr.item()
            return out
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
        A directory, created if needed. Files a previous :func:`save` wrote there are
        replaced; a non-empty directory that holds no ``model.json`` is refused.
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
    _resolve(_qualname(cls))
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise FileExistsError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MODEL_FILE).exists():
        raise FileExistsError(
            f"{directory} is a non-empty directory without {MODEL_FILE}; choose a new one"
        )
    directory.mkdir(parents=True, exist_ok=True)
    fitted = _fitted_attributes(estimator)
    if any(_is_datatree(v) for v in fitted.values()):
        _check_posterior_format(posterior_format)
    encoder = _Encoder(directory)
    _remove_previous(directory)
    from bayesreg import __version__

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
    (directory / MODEL_FILE).write_text(
        json.dumps(doc, indent=1, allow_nan=False), encoding="utf-8"
    )
    return directory


def _remove_previous(directory: Path) -> None:
    model = directory / MODEL_FILE
    if not model.exists():
        return
    try:
        old = json.loads(model.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError):
        old = []
    for name in old:
        target = directory / Path(name).name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def load(path: str | Path) -> Any:
    """Read an estimator written by :func:`save`.

    Returns an instance of the saved class with the saved parameters and every fitted
    attribute restored exactly (a posterior DataTree fully loaded into memory).

    Raises
    ------
    FileNotFoundError
        When ``path`` has no ``model.json``.
    ValueError
        When the file is not a bayesreg model, or names a class outside bayesreg.
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
    if doc.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{model} has format version {doc['format_version']}; this bayesreg reads "
            f"up to {FORMAT_VERSION}: upgrade bayesreg"
        )
    cls = _resolve(doc["class"])
    decode = _Decoder(directory)
    estimator = cls(**decode(doc["params"]))
    for name, value in doc["fitted"].items():
        setattr(estimator, name, decode(value))
    return estimator


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
