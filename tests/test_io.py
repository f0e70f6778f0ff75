"""bayesreg.io: a saved estimator loads back equal to the bit, posterior included."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os

import arviz_base as azb
import numpy as np
import pandas as pd
import pytest

import bayesreg
from bayesreg.io import ARRAYS_FILE, MODEL_FILE, load, save
from conftest import make_design, make_weights

_NETCDF = all(importlib.util.find_spec(m) for m in ("h5netcdf", "h5py"))
FORMATS = [
    pytest.param("netcdf", marks=pytest.mark.skipif(not _NETCDF, reason="needs h5netcdf and h5py")),
]


def assert_same_bits(a, b, where="value"):
    """Equality to the bit, recursively: arrays by dtype, shape and bytes; floats by hex."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        if a.dtype == object:
            assert a.tolist() == b.tolist(), where
        else:
            assert a.tobytes() == b.tobytes(), where
    elif isinstance(a, float):
        assert a.hex() == b.hex(), where
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same_bits(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif type(a).__name__ == "DataTree":
        assert a.identical(b), where
        for group in a.groups:
            for name, var in a[group].variables.items():
                other = b[group].variables[name]
                assert var.dtype == other.dtype, f"{where}{group}/{name}"
                if var.dtype.kind == "f":
                    assert var.values.tobytes() == other.values.tobytes(), f"{where}{group}/{name}"
    else:
        assert a == b, where


def assert_same_estimator(a, b):
    assert type(a) is type(b)
    assert_same_bits(a.get_params(), b.get_params(), "params")
    fitted_a = {k for k in vars(a) if k.endswith("_")}
    assert fitted_a == {k for k in vars(b) if k.endswith("_")}
    for k in sorted(fitted_a):
        assert_same_bits(getattr(a, k), getattr(b, k), k)


ESTIMATORS = [
    lambda: bayesreg.RidgeMAP(0.7, sigma=1.3),
    lambda: bayesreg.LassoMAP(0.05, fit_intercept=False),
    lambda: bayesreg.ElasticNetMAP(0.1, 2.0, sigma=0.4),
    lambda: bayesreg.MAPRegressor(bayesreg.Laplace(0.2), sigma=2.0),
]


@pytest.mark.parametrize("make", ESTIMATORS, ids=["ridge", "lasso", "enet", "general"])
@pytest.mark.parametrize("frame", [False, True], ids=["array", "dataframe"])
def test_map_round_trip_is_bit_exact(tmp_path, make, frame):
    X, y = make_design("corr0.9", seed=7)
    sw = make_weights(len(y))
    if frame:
        X = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    est = make().fit(X, y, sample_weight=sw)
    save(est, tmp_path / "m")
    back = load(tmp_path / "m")
    assert_same_estimator(est, back)
    assert back.predict(X).tobytes() == est.predict(X).tobytes()
    if frame:
        assert list(back.feature_names_in_) == list(X.columns)


def test_unfitted_estimator_round_trip(tmp_path):
    est = bayesreg.ElasticNetMAP(0.3, 4.0, fit_intercept=False)
    back = load(save(est, tmp_path / "u"))
    assert type(back) is bayesreg.ElasticNetMAP and back.get_params() == est.get_params()
    assert not hasattr(back, "coef_")


def _synthetic_posterior(p: int, names: list[str]):
    """A DataTree shaped like sample_posterior's (no PyMC needed), with edge values."""
    rng = np.random.default_rng(0)
    coef = rng.standard_normal((2, 40, p))
    coef[0, 0, 0] = -0.0
    stats = {
        "diverging": rng.random((2, 40)) < 0.1,
        "tree_depth": rng.integers(1, 5, (2, 40)),
        "energy_error": np.where(rng.random((2, 40)) < 0.5, np.nan, 1.0),
    }
    return azb.from_dict(
        {
            "posterior": {
                "coef": coef,
                "intercept": rng.standard_normal((2, 40)),
                "sigma": np.exp(rng.standard_normal((2, 40))),
            },
            "sample_stats": stats,
            "observed_data": {"y": rng.standard_normal(25)},
            "log_likelihood": {"y": rng.standard_normal((2, 40, 25))},
        },
        dims={"coef": ["feature"], "y": ["obs"]},
        coords={"feature": names},
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_posterior_round_trip_is_bit_exact(tmp_path, fmt):
    X, y = make_design("n>p", seed=1)
    est = bayesreg.LassoMAP(0.2).fit(X, y)
    est.posterior_ = _synthetic_posterior(X.shape[1], [f"x{j}" for j in range(X.shape[1])])
    save(est, tmp_path / "m", posterior_format=fmt)
    suffix = {"netcdf": "posterior.nc"}[fmt]
    assert (tmp_path / "m" / suffix).exists()
    back = load(tmp_path / "m")
    assert_same_estimator(est, back)
    assert np.signbit(back.posterior_["posterior"]["coef"].values[0, 0, 0])
    assert back.predict(X).tobytes() == est.predict(X).tobytes()


def _sample(est, X, y):
    """A tiny real posterior."""
    return est.sample_posterior(X, y, draws=50, tune=50, chains=1, random_seed=3, progressbar=False)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:MCMC diagnostics")  # 50 draws: a round trip, not inference
def test_real_posterior_round_trip(tmp_path):
    """A PyMC posterior (all groups, sampler attributes) survives save/load unchanged."""
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.standard_normal((30, 3)), columns=["a", "b", "c"])
    y = X.to_numpy() @ np.array([1.0, 0.0, -2.0]) + 0.5 + rng.standard_normal(30)
    est = _sample(bayesreg.LassoMAP(0.5), X, y)
    assert {"posterior", "observed_data"} <= {g.strip("/") for g in est.posterior_.groups}
    save(est, tmp_path / "m")
    back = load(tmp_path / "m")
    assert_same_estimator(est, back)
    assert list(back.posterior_["posterior"]["feature"].values) == ["a", "b", "c"]
    assert back.predict(X).tobytes() == est.predict(X).tobytes()


def test_special_floats_and_types_round_trip(tmp_path):
    X, y = make_design("n>p", seed=0)
    est = bayesreg.RidgeMAP().fit(X, y)
    est.extra_ = np.array([[-0.0, np.nan], [np.inf, -np.inf]])
    est.flags_ = np.array([True, False])
    est.counts_ = np.arange(3, dtype=np.int32)
    est.scalar_ = np.float32(0.1)
    est.names_ = ("a", "b")
    est.nan_ = float("nan")
    est.neg_zero_ = -0.0
    est.info_ = {"k": [1, 2.5, None]}
    back = load(save(est, tmp_path / "m"))
    assert_same_estimator(est, back)
    json.loads((tmp_path / "m" / MODEL_FILE).read_text())  # strict JSON: no bare NaN


def _odd_estimator():
    """A fitted estimator with arrays of every stored kind, names and special values."""
    X, y = make_design("n>p", seed=2)
    X = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    est = bayesreg.LassoMAP(0.1).fit(X, y, sample_weight=make_weights(len(y)))
    est.extra_ = np.array([[-0.0, np.nan], [np.inf, 5e-324]])
    est.single_ = np.array([0.1, -0.0], dtype=np.float32)
    est.flags_ = np.array([True, False])
    est.counts_ = np.arange(3, dtype=np.int32)
    est.labels_ = np.array(["a", "bc"])
    return est, X


def test_arrays_are_stored_as_npz(tmp_path):
    est, _ = _odd_estimator()
    save(est, tmp_path / "m")
    doc = json.loads((tmp_path / "m" / MODEL_FILE).read_text())
    assert doc["format_version"] == 2 and ARRAYS_FILE in doc["files"]
    entry = doc["fitted"]["coef_"]
    assert entry["__type__"] == "ndarray" and "data" not in entry
    with np.load(tmp_path / "m" / ARRAYS_FILE, allow_pickle=False) as npz:
        assert npz[entry["key"]].tobytes() == est.coef_.tobytes()
    assert_same_estimator(est, load(tmp_path / "m"))


def _as_format_1(entry, arrays):
    """A format-2 entry as format 1 wrote it: each array inline as its flat values in C
    order, floats as ``float.hex`` of their float64 value, other values as listed."""
    if isinstance(entry, list):
        return [_as_format_1(v, arrays) for v in entry]
    if not isinstance(entry, dict):
        return entry
    if entry.get("__type__") == "ndarray":
        arr = arrays[entry["key"]]
        flat = arr.ravel(order="C")
        if arr.dtype.kind == "f":
            data = [float(v).hex() for v in flat.astype(np.float64)]
        else:
            data = flat.tolist()
        return {"__type__": "ndarray", "dtype": entry["dtype"], "shape": list(arr.shape), "data": data}
    return {k: _as_format_1(v, arrays) for k, v in entry.items()}


def test_reads_format_1_saves(tmp_path):
    est, X = _odd_estimator()
    save(est, tmp_path / "m")
    model, npz_file = tmp_path / "m" / MODEL_FILE, tmp_path / "m" / ARRAYS_FILE
    doc = json.loads(model.read_text())
    with np.load(npz_file, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    old = _as_format_1(doc, arrays)
    old["format_version"] = 1
    old["files"] = [f for f in doc["files"] if f != ARRAYS_FILE]
    npz_file.unlink()
    model.write_text(json.dumps(old, indent=1, allow_nan=False))
    # float32 0.1 and -0.0 as format 1 wrote them
    assert old["fitted"]["single_"]["data"] == ["0x1.99999a0000000p-4", "-0x0.0p+0"]
    back = load(tmp_path / "m")
    assert_same_estimator(est, back)
    assert back.predict(X).tobytes() == est.predict(X).tobytes()


def test_resave_replaces_a_stale_posterior(tmp_path):
    X, y = make_design("n>p", seed=0)
    est = bayesreg.LassoMAP(0.2).fit(X, y)
    est.posterior_ = _synthetic_posterior(X.shape[1], [f"x{j}" for j in range(X.shape[1])])
    save(est, tmp_path / "m")
    del est.posterior_
    save(est, tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [ARRAYS_FILE, MODEL_FILE]
    assert not hasattr(load(tmp_path / "m"), "posterior_")


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.json missing"):
        load(tmp_path / "nothing")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    X, y = make_design("n>p", seed=0)
    est = bayesreg.LassoMAP(0.2).fit(X, y)
    with pytest.raises(FileExistsError, match="non-empty directory"):
        save(est, tmp_path / "other")
    with pytest.raises(TypeError, match="bayesreg estimator"):
        save(object(), tmp_path / "x")
    from sklearn.linear_model import Lasso

    with pytest.raises(ValueError, match="only bayesreg classes"):
        save(Lasso(), tmp_path / "x")
    est.model_ = Lasso()
    with pytest.raises(TypeError, match="model_"):
        save(est, tmp_path / "y")
    del est.model_
    save(est, tmp_path / "z")
    doc = json.loads((tmp_path / "z" / MODEL_FILE).read_text())
    doc["class"] = "os.system"
    (tmp_path / "z" / MODEL_FILE).write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="only bayesreg classes"):
        load(tmp_path / "z")
    doc["format"] = "something-else"
    (tmp_path / "z" / MODEL_FILE).write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="not a bayesreg model"):
        load(tmp_path / "z")
    with pytest.raises(ValueError, match="posterior_format"):
        est.posterior_ = _synthetic_posterior(X.shape[1], [f"x{j}" for j in range(X.shape[1])])
        save(est, tmp_path / "w", posterior_format="hdf9")


# ------------------------------------------------------------ failures lose nothing
def _hidden(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("where", ["arrays", "rename", "interrupt"])
def test_a_failed_save_leaves_the_previous_one_intact(tmp_path, monkeypatch, where):
    X, y = make_design("n>p", seed=3)
    names = [f"x{j}" for j in range(X.shape[1])]
    old = bayesreg.LassoMAP(0.2).fit(X, y)
    old.posterior_ = _synthetic_posterior(X.shape[1], names)
    save(old, tmp_path / "m")
    (tmp_path / "m" / "notes.txt").write_text("mine")  # not bayesreg's: must survive
    before = {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()}
    new = bayesreg.LassoMAP(0.05).fit(X, 2 * y)
    new.posterior_ = _synthetic_posterior(X.shape[1], names)
    import bayesreg.io as bio

    if where == "arrays":
        def fail(*a, **k):
            raise OSError("disk full")

        monkeypatch.setattr(bio.np, "savez", fail)
        error = OSError
    else:
        real = os.replace
        error = OSError if where == "rename" else KeyboardInterrupt

        def replace(src, dst):  # fail as the new save is renamed into place
            if ".saving-" in str(src) and str(dst) == str(tmp_path / "m"):
                raise error("injected")
            return real(src, dst)

        monkeypatch.setattr(bio.os, "replace", replace)
    with pytest.raises(error):
        save(new, tmp_path / "m")
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()} == before
    assert _hidden(tmp_path) == []  # no staging or set-aside directory left behind
    assert_same_estimator(old, load(tmp_path / "m"))
    save(new, tmp_path / "m")  # and the next save works, keeping the foreign file
    assert_same_estimator(new, load(tmp_path / "m"))
    assert (tmp_path / "m" / "notes.txt").read_text() == "mine"
    assert _hidden(tmp_path) == []


def _edited(tmp_path, edit):
    X, y = make_design("n>p", seed=0)
    est = bayesreg.MAPRegressor(bayesreg.Laplace(0.2)).fit(X, y)
    path = tmp_path / "m"
    save(est, path)
    doc = json.loads((path / MODEL_FILE).read_text())
    edit(doc)
    (path / MODEL_FILE).write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    "edit,field",
    [
        (lambda d: d.pop("fitted"), "'fitted' is missing"),
        (lambda d: d["fitted"]["coef_"].update(key="a99"), "'fitted.coef_'.*a99"),
        (lambda d: d["fitted"]["coef_"].update(dtype="<i8"), "'fitted.coef_'.*dtype"),
        (lambda d: d["fitted"]["coef_"].pop("key"), "'fitted.coef_'"),
        (lambda d: d["fitted"].update(n_features_in_=5), "'fitted.n_features_in_'"),
        (lambda d: d["fitted"].update(intercept_="zero"), "'fitted.intercept_'"),
        (lambda d: d["params"]["items"]["prior"]["fields"].update(scale=-1), "'params.prior'.*scale must be"),
        (lambda d: d["params"]["items"].update(sigma=0), "'params.sigma'"),
        (lambda d: d["params"]["items"].update(colour="red"), "'params'.*colour"),
        (lambda d: d.update(format_version="2"), "'format_version'"),
    ],
)
def test_hand_edited_files_name_the_file_and_the_field(tmp_path, edit, field):
    path = _edited(tmp_path, edit)
    with pytest.raises(ValueError, match=field) as info:
        load(path)
    assert str(path / MODEL_FILE) in str(info.value)


def test_save_of_a_foreign_estimator_says_save():
    from sklearn.linear_model import Lasso
    from sklearn.pipeline import make_pipeline

    with pytest.raises(ValueError, match="refusing to save class 'sklearn.pipeline.Pipeline'"):
        save(make_pipeline(Lasso()), "unused")
