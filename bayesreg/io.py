"""Saving a fitted estimator, with its posterior, to a directory, and loading it back.

``save(estimator, path)`` writes a directory::

    path/
        model.json        the specification and every fitted attribute, exactly
        posterior.nc      the posterior DataTree (netCDF-4 via h5netcdf), if any
                          (posterior.zarr when h5netcdf/h5py are missing and zarr is there)

``model.json`` holds the estimator class, its ``get_params()`` (a prior as its class and
fields), and every fitted attribute (the scikit-learn trailing-underscore ones:
``coef_``, ``intercept_``, ``n_features_in_``, ``feature_names_in_``, ``result_``, ...).
Floating-point numbers in arrays are written as hexadecimal strings
(:meth:`float.hex`), so nothing is rounded; scalars are JSON numbers, which Python
writes and reads back bit-exactly (``repr`` round-trips). Classes are restored only
from the ``bayesreg`` package, so a model file cannot import arbitrary code.

``load(path)`` rebuilds an estimator equal to the saved one to the bit: same class and
parameters, identical arrays, an identical posterior DataTree, identical predictions.
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

__all__ = ["save", "load", "MODEL_FILE", "FORMAT", "FORMAT_VERSION"]

MODEL_FILE = "model.json"
FORMAT = "bayesreg-model"
FORMAT_VERSION = 1
_POSTERIOR_SUFFIX = {"netcdf": ".nc", "zarr": ".zarr"}
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


def _posterior_format(requested: str) -> str:
    if requested not in ("auto", "netcdf", "zarr"):
        raise ValueError(f"posterior_format must be 'auto', 'netcdf' or 'zarr', got {requested!r}")
    available = {
        "netcdf": all(importlib.util.find_spec(m) for m in ("h5netcdf", "h5py")),
        "zarr": importlib.util.find_spec("zarr") is not None,
    }
    if requested != "auto":
        if not available[requested]:
            need = "h5netcdf and h5py" if requested == "netcdf" else "zarr"
            raise ImportError(f"saving a posterior as {requested} needs {need}")
        return requested
    for fmt in ("netcdf", "zarr"):
        if available[fmt]:
            return fmt
    raise ImportError("saving a posterior needs h5netcdf and h5py (netCDF) or zarr")


# --------------------------------------------------------------------- encoding
class _Encoder:
    """Turns attribute values into JSON, writing DataTrees to files beside it."""

    def __init__(self, directory: Path, posterior_format: str) -> None:
        self.directory = directory
        self.posterior_format = posterior_format
        self.files: list[str] = []

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
        kind = arr.dtype.kind
        flat = arr.ravel(order="C")
        if kind == "f":
            data = [float(v).hex() for v in flat.astype(np.float64)]
        elif kind in "biu":
            data = flat.tolist()
        elif kind == "U" or (kind == "O" and all(isinstance(v, str) for v in flat)):
            data = [str(v) for v in flat]
        else:
            raise TypeError(f"cannot save {where}: arrays of dtype {arr.dtype} are not supported")
        dtype = "object" if kind == "O" else arr.dtype.str
        return {_TYPE: "ndarray", "dtype": dtype, "shape": list(arr.shape), "data": data}

    def _datatree(self, tree: Any, where: str) -> dict[str, Any]:
        name = where.strip("_").replace(".", "_") or "tree"
        fname = name + _POSTERIOR_SUFFIX[self.posterior_format]
        target = self.directory / fname
        if self.posterior_format == "netcdf":
            tree.to_netcdf(target, engine="h5netcdf")
        else:
            tree.to_zarr(target, mode="w", consolidated=False)
        self.files.append(fname)
        return {_TYPE: "datatree", "file": fname, "format": self.posterior_format}


def _decode(value: Any, directory: Path) -> Any:
    if isinstance(value, list):
        return [_decode(v, directory) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_TYPE)
    if kind == "float":
        return float.fromhex(value["hex"])
    if kind == "scalar":
        return np.dtype(value["dtype"]).type(_decode(value["value"], directory))
    if kind == "tuple":
        return tuple(_decode(v, directory) for v in value["items"])
    if kind == "dict":
        return {k: _decode(v, directory) for k, v in value["items"].items()}
    if kind == "ndarray":
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
    if kind == "dataclass":
        cls = _resolve(value["class"])
        return cls(**{k: _decode(v, directory) for k, v in value["fields"].items()})
    if kind == "datatree":
        return _open_datatree(directory / value["file"], value["format"])
    raise ValueError(f"unknown entry of type {kind!r} in the model file")


def _open_datatree(path: Path, fmt: str) -> Any:
    import xarray as xr

    if not path.exists():
        raise FileNotFoundError(f"the model refers to {path}, which is missing")
    if fmt == "netcdf":
        tree = xr.open_datatree(path, engine="h5netcdf")
    elif fmt == "zarr":
        tree = xr.open_datatree(path, engine="zarr", consolidated=False)
    else:
        raise ValueError(f"unknown posterior format {fmt!r} in the model file")
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
    posterior_format : {"auto", "netcdf", "zarr"}
        How to store DataTree attributes: netCDF-4 (``.nc``, needs h5netcdf and h5py)
        or zarr (``.zarr``). ``"auto"`` prefers netCDF.

    Returns
    -------
    Path
        The directory.

    Raises
    ------
    TypeError
        For a non-bayesreg estimator or a fitted attribute that cannot be stored exactly.
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
    needs_tree = any(_is_datatree(v) for v in fitted.values())
    encoder = _Encoder(directory, _posterior_format(posterior_format) if needs_tree else "netcdf")
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
    estimator = cls(**_decode(doc["params"], directory))
    for name, value in doc["fitted"].items():
        setattr(estimator, name, _decode(value, directory))
    return estimator
