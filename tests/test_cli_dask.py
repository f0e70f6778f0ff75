"""`bayesreg fit` and `bayesreg validate` on a Parquet directory or a glob, through Dask."""

import json

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import bayesreg
from bayesreg.cli import main
from bayesreg.data import DataError, load_dataset


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    root = tmp_path_factory.mktemp("parts")
    rng = np.random.default_rng(0)
    frames = []
    for k in range(3):
        X = rng.standard_normal((150, 4))
        df = pd.DataFrame(X, columns=list("abcd"))
        df["y"] = X @ [1.0, 0.0, -2.0, 0.5] + rng.standard_normal(150)
        df["w"] = rng.uniform(0.5, 2.0, 150)
        (root / "pq").mkdir(exist_ok=True)
        df.to_parquet(root / "pq" / f"part-{k}.parquet")
        df.to_csv(root / f"part-{k}.csv", index=False)
        frames.append(df)
    return root, pd.concat(frames, ignore_index=True)


def test_lazy_dataset_is_never_gathered_and_fits_like_memory(parts):
    root, whole = parts
    ds = load_dataset(root / "pq", target="y", weights="w", lazy=True)
    assert ds.lazy and ds.n_samples == 450 and ds.n_features == 4
    assert ds.feature_names == tuple("abcd") and "Dask, 3 partitions" in ds.source
    est = bayesreg.LassoMAP(0.5).fit(ds.frame(), ds.y, sample_weight=ds.sample_weight)
    ref = bayesreg.LassoMAP(0.5).fit(whole[list("abcd")], whole["y"], sample_weight=whole["w"])
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    assert np.array_equal(est.coef_ == 0, ref.coef_ == 0)


@pytest.mark.parametrize("source", ["dir", "glob"])
def test_fit_reads_a_directory_or_a_glob(parts, source, tmp_path, capsys):
    root, whole = parts
    data = str(root / "pq") if source == "dir" else str(root / "part-*.csv")
    out = tmp_path / "model"
    code = main(["fit", "--data", data, "--target", "y", "--weights", "w", "--prior", "lasso",
                 "--scale", "0.5", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Dask, 3 partitions" in printed and "n=450" in printed
    fitted = bayesreg.io.load(out)
    ref = bayesreg.LassoMAP(0.5).fit(whole[list("abcd")], whole["y"], sample_weight=whole["w"])
    np.testing.assert_allclose(fitted.coef_, ref.coef_, rtol=1e-10, atol=1e-12)


def test_validate_computes_the_rows_for_scikit_learn(parts, tmp_path):
    root, _ = parts
    out = tmp_path / "table.json"
    code = main(["validate", "--data", str(root / "part-*.csv"), "--target", "y", "--weights", "w",
                 "--priors", "lasso", "ridge", "--scales", "0.5", "--out", str(out)])
    assert code == 0
    table = json.loads(out.read_text())
    assert table["ok"] and table["n_samples"] == 450 and len(table["rows"]) == 4
    assert "Dask, 3 partitions" in table["source"]


def test_bad_collections_are_named(parts):
    root, _ = parts
    with pytest.raises(DataError, match="target"):
        load_dataset(root / "pq", lazy=True)
    with pytest.raises(DataError, match="nope"):
        load_dataset(root / "pq", target="nope", lazy=True)
    with pytest.raises(DataError, match="cannot read"):
        load_dataset(str(root / "missing-*.csv"), target="y")
    with pytest.raises(DataError, match="standardiz"):
        load_dataset(root / "pq", target="y", lazy=True).standardized()
