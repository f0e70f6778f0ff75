"""Dask inputs: one pass of sufficient statistics gives the in-memory answer.

On the threaded scheduler and on a two-worker ``distributed.LocalCluster``, dask.array
and dask.dataframe inputs (weights or none, intercept or none, one column scaled by 1e6
with an offset of 1e6) give the in-memory MAP to 1e-10 relative with the same exact
zeros; chunk statistics combined equal the one-shot statistics; statistics saved and
reloaded give identical fits; the rows are never gathered.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
import pandas as pd  # noqa: E402

import bayesreg  # noqa: E402
from bayesreg import SufficientStatistics  # noqa: E402
from bayesreg.datafits import GaussianDatafit  # noqa: E402

PRIORS = {
    "gaussian": bayesreg.Gaussian(0.5),
    "laplace": bayesreg.Laplace(0.02),
    "elastic-net": bayesreg.ElasticNet(0.02, 0.5),
}
FIELDS = [f.name for f in dataclasses.fields(SufficientStatistics)]


def _data(n=1200, p=7, seed=0):
    """A sparse problem whose column 2 is in other units: x * 1e6 + 1e6."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.uniform(-2, 2, p)
    X[:, 2] = X[:, 2] * 1e6 + 1e6
    beta = np.zeros(p)
    beta[[0, 2, 4]] = [1.5, 0.8e-6, -1.0]
    y = X @ beta + rng.normal(size=n)  # no intercept in truth: sparse fits either way
    sw = rng.uniform(0.2, 3.0, n)
    sw[rng.choice(n, 50, replace=False)] = 0.0
    sw[:150] = 0.0  # the first block of weight zero
    return X, y, sw


def _dask_inputs(kind, X, y, sw):
    if kind == "array":
        # rows in blocks of unequal sizes, columns split too (merged on the way in)
        n = X.shape[0]
        rows = (n // 8, n // 4, n // 4, n - n // 8 - 2 * (n // 4))
        return (
            da.from_array(X, chunks=(rows, 3)),
            da.from_array(y, chunks=500),
            None if sw is None else da.from_array(sw, chunks=(rows,)),
        )
    names = [f"x{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names).assign(target=y, weight=sw if sw is not None else 1.0)
    ddf = dd.from_pandas(frame, npartitions=5)
    return ddf[names], ddf["target"], None if sw is None else ddf["weight"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as lc:
        yield lc


@pytest.fixture(params=["threads", "distributed"])
def scheduler(request):
    if request.param == "threads":
        with dask.config.set(scheduler="threads"):
            yield "threads"
    else:
        with distributed.Client(request.getfixturevalue("cluster")):
            yield "distributed"


def _assert_same_map(ours, ref):
    assert np.array_equal(ours.coef == 0, ref.coef == 0)
    assert_allclose(ours.coef, ref.coef, rtol=1e-10, atol=0)
    assert_allclose(ours.intercept, ref.intercept, rtol=1e-10, atol=1e-12)
    assert_allclose(ours.objective, ref.objective, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("weighted", [True, False], ids=["weights", "no-weights"])
@pytest.mark.parametrize("kind", ["array", "frame"])
def test_map_equals_in_memory(scheduler, kind, weighted, fit_intercept):
    X, y, sw = _data()
    sw = sw if weighted else None
    Xd, yd, wd = _dask_inputs(kind, X, y, sw)
    for name, prior in PRIORS.items():
        ref = bayesreg.map_estimate(X, y, prior, sigma=1.0, sample_weight=sw, fit_intercept=fit_intercept)
        ours = bayesreg.map_estimate(
            Xd, yd, prior, sigma=1.0, sample_weight=wd, fit_intercept=fit_intercept
        )
        if name != "gaussian":
            assert 0 < (ref.coef == 0).sum() < X.shape[1]  # a sparse answer, so zeros are tested
        _assert_same_map(ours, ref)
    if kind == "frame":
        assert list(ours.feature_names) == [f"x{j}" for j in range(X.shape[1])]


def test_statistics_equal_in_memory(scheduler):
    X, y, sw = _data()
    for kind in ("array", "frame"):
        ours = SufficientStatistics.from_dask(*_dask_inputs(kind, X, y, sw))
        ref = SufficientStatistics.from_arrays(X, y, sw)
        d = np.sqrt(np.diag(ref.gram))
        assert_allclose(ours.gram / np.outer(d, d), ref.gram / np.outer(d, d), rtol=0, atol=1e-13)
        assert_allclose(ours.q / d, ref.q / d, rtol=0, atol=1e-13 * np.abs(ref.q / d).max())
        for name in ("rss_min", "weight_sum", "log_weight_term", "y_mean", "y_sd"):
            assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-12)
        assert_allclose(ours.X_offset, ref.X_offset, rtol=1e-13)
        assert (ours.n_obs, ours.n_samples) == (ref.n_obs, ref.n_samples) == (int((sw > 0).sum()), 1200)


@pytest.mark.parametrize("prior", ["laplace", "elastic-net"])
def test_l1_path_equals_in_memory(prior):
    X, y, sw = _data()
    Xd, yd, wd = _dask_inputs("array", X, y, sw)
    ref = bayesreg.map_path(X, y, PRIORS[prior], sigma=1.0, sample_weight=sw, n_points=12)
    ours = bayesreg.map_path(Xd, yd, PRIORS[prior], sigma=1.0, sample_weight=wd, n_points=12)
    assert_allclose(ours.factors, ref.factors, rtol=1e-12)
    assert np.array_equal(ours.coefs == 0, ref.coefs == 0)
    assert_allclose(ours.coefs, ref.coefs, rtol=1e-10, atol=0)
    assert_allclose(ours.intercepts, ref.intercepts, rtol=1e-10)


def test_ridge_path_equals_in_memory():
    # a well-scaled design: the Ridge path's single eigendecomposition of an unscaled Gram
    # is itself accurate only to ~1e-7 with a column in other units (in memory too)
    X, y, sw = _data()
    X[:, 2] = (X[:, 2] - 1e6) / 1e6
    Xd, yd, wd = _dask_inputs("frame", X, y, sw)
    ref = bayesreg.map_path(X, y, PRIORS["gaussian"], sigma=1.0, sample_weight=sw, n_points=8)
    ours = bayesreg.map_path(Xd, yd, PRIORS["gaussian"], sigma=1.0, sample_weight=wd, n_points=8)
    assert_allclose(ours.coefs, ref.coefs, rtol=1e-10)
    assert ours.spectrum is not None


@pytest.mark.parametrize(
    "estimator", [bayesreg.RidgeMAP(0.5), bayesreg.LassoMAP(0.02), bayesreg.ElasticNetMAP(0.02, 0.5)]
)
def test_estimators_fit_dask_and_predict_lazily(estimator):
    X, y, sw = _data()
    Xd, yd, wd = _dask_inputs("frame", X, y, sw)
    names = [f"x{j}" for j in range(X.shape[1])]
    ref = estimator.fit(pd.DataFrame(X, columns=names), y, sample_weight=sw)
    coef, intercept = ref.coef_.copy(), ref.intercept_
    ours = estimator.fit(Xd, yd, sample_weight=wd)
    assert_allclose(ours.coef_, coef, rtol=1e-10, atol=0)
    assert_allclose(ours.intercept_, intercept, rtol=1e-10)
    assert ours.n_features_in_ == X.shape[1] and list(ours.feature_names_in_) == names
    pred = ours.predict(Xd)
    assert dask.is_dask_collection(pred)
    assert_allclose(pred.compute(), X @ ours.coef_ + ours.intercept_, rtol=1e-12)


def test_the_rows_are_never_gathered(monkeypatch):
    """Neither X nor y is ever turned into one in-memory array (only blocks are)."""
    X, y, sw = _data()
    Xd, yd, wd = _dask_inputs("array", X, y, sw)

    def refuse(*args, **kwargs):
        raise AssertionError("a whole dask collection was materialised")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    monkeypatch.setattr(da.Array, "compute", refuse)
    res = bayesreg.map_estimate(Xd, yd, PRIORS["laplace"], sigma=1.0, sample_weight=wd)
    assert res.coef.shape == (X.shape[1],)


# ----------------------------------------------------------------- the statistics
def test_combine_of_chunks_equals_one_shot():
    """Also with a column of mean 1e7 and sd 1, where uncentred sums lose 14 digits."""
    X, y, sw = _data()
    X[:, 5] = X[:, 5] + 1e7
    raw = X.T @ (sw[:, None] * X)  # the cancelling formula: sum s x x' - S xbar xbar'
    xbar = np.average(X, axis=0, weights=sw)
    naive = raw - sw.sum() * np.outer(xbar, xbar)
    for fit_intercept in (True, False):
        whole = SufficientStatistics.from_arrays(X, y, sw, fit_intercept)
        cuts = [0, 150, 151, 600, 601, 1200]  # a block of weight 0 and two single rows
        parts = []
        for a, b in zip(cuts[:-1], cuts[1:]):
            if sw[a:b].any():
                parts.append(SufficientStatistics.from_arrays(X[a:b], y[a:b], sw[a:b], fit_intercept))
            else:  # rows of weight 0 only: from_arrays refuses them, as map_estimate does
                parts.append(SufficientStatistics.empty(X.shape[1], fit_intercept, n_samples=b - a))
        combined = parts[0].combine(*parts[1:])
        d = np.sqrt(np.diag(whole.gram))
        assert_allclose(combined.gram / np.outer(d, d), whole.gram / np.outer(d, d), atol=1e-10)
        if fit_intercept:  # what the centred update avoids
            assert np.abs((naive - whole.gram) / np.outer(d, d)).max() > 1e-5
        assert_allclose(combined.q / d, whole.q / d, atol=1e-10 * np.abs(whole.q / d).max())
        assert_allclose(combined.rss_min, whole.rss_min, rtol=1e-10)
        assert_allclose(combined.X_offset, whole.X_offset, rtol=1e-14)
        for name in ("weight_sum", "log_weight_term", "y_mean", "y_sd"):
            assert_allclose(getattr(combined, name), getattr(whole, name), rtol=1e-12)
        assert (combined.n_obs, combined.n_samples) == (whole.n_obs, whole.n_samples)
        # the likelihood surface is the same everywhere, not only at the optimum
        rng = np.random.default_rng(1)
        for _ in range(3):
            w = whole.w_ls + rng.normal(size=X.shape[1]) / d
            assert_allclose(
                combined.log_likelihood(w, 0.3, 1.7), whole.log_likelihood(w, 0.3, 1.7), rtol=1e-10
            )


def test_saved_statistics_give_identical_fits(tmp_path):
    X, y, sw = _data()
    Xd, yd, wd = _dask_inputs("frame", X, y, sw)
    stats = SufficientStatistics.from_dask(Xd, yd, wd)
    path = bayesreg.io.save_statistics(stats, tmp_path / "summary")
    assert path.name == "summary.npz"
    back = bayesreg.io.load_statistics(path)
    for name in FIELDS:
        assert np.array_equal(getattr(back, name), getattr(stats, name)), name
        assert type(getattr(back, name)) is type(getattr(stats, name)) or name == "feature_names"
    for prior in PRIORS.values():
        a = bayesreg.map_estimate(stats, None, prior, sigma=1.0)
        b = bayesreg.map_estimate(back, None, prior, sigma=1.0)
        assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept
        assert list(b.feature_names) == list(Xd.columns)
    pa = bayesreg.map_path(stats, None, PRIORS["laplace"], sigma=1.0, n_points=6)
    pb = bayesreg.map_path(back, None, PRIORS["laplace"], sigma=1.0, n_points=6)
    assert np.array_equal(pa.coefs, pb.coefs)


def test_load_statistics_refuses_other_files(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a bayesreg statistics file"):
        bayesreg.io.load_statistics(tmp_path / "other.npz")
    with pytest.raises(FileNotFoundError):
        bayesreg.io.load_statistics(tmp_path / "missing.npz")


def test_summarised_datafit_matches_the_rows():
    X, y, sw = _data(n=300, p=5)
    rows = GaussianDatafit(X, y, sw, True)
    summ = GaussianDatafit.from_statistics(SufficientStatistics.from_arrays(X, y, sw))
    assert (summ.n_samples, summ.n_features, summ.n_effective) == (300, 5, rows.n_effective)
    assert summ.has_gram and summ.X is None
    assert_allclose(summ.weight_sum, rows.weight_sum, rtol=1e-15)
    rng = np.random.default_rng(2)
    w = rng.normal(size=5) / np.sqrt(np.diag(rows.gram))
    assert_allclose(summ.half_rss(w), rows.half_rss(w), rtol=1e-10)
    assert_allclose(summ.intercept(w), rows.intercept(w), rtol=1e-12)
    # the pseudo-rows are the same least-squares problem
    assert summ.A.shape == (6, 5)
    r = summ.b - summ.A @ w
    assert_allclose(0.5 * r @ r, rows.half_rss(w), rtol=1e-8)
    # what the PyMC likelihood reads (the sampler's front door can use from_statistics)
    for key, value in rows.pymc_data().items():
        assert_allclose(summ.pymc_data()[key], value, rtol=1e-12, atol=1e-12, err_msg=key)
    with pytest.raises(ValueError, match="needs every row"):
        summ.pointwise_log_likelihood(np.zeros((2, 5)), np.zeros(2), np.ones(2))


def test_pointwise_log_likelihood_is_lazy_and_exact():
    from bayesreg.dask import pointwise_log_likelihood

    X, y, sw = _data(n=400, p=5)
    rng = np.random.default_rng(3)
    coef, b, sig = rng.normal(size=(6, 5)) * 1e-3, rng.normal(size=6), rng.uniform(1, 2, 6)
    ref = GaussianDatafit(X, y, sw).pointwise_log_likelihood(coef, b, sig)
    for kind in ("array", "frame"):
        Xd, yd, wd = _dask_inputs(kind, X, y, sw)
        ll = pointwise_log_likelihood(Xd, yd, coef, b, sig, sample_weight=wd)
        assert dask.is_dask_collection(ll)
        assert_allclose(ll.compute(), ref, rtol=1e-12)


# -------------------------------------------------------------------- refusals
def test_fit_arguments_must_agree_with_the_statistics():
    X, y, sw = _data(n=200, p=5)
    stats = SufficientStatistics.from_arrays(X, y, sw, fit_intercept=False)
    with pytest.raises(ValueError, match="fit_intercept=False"):
        bayesreg.map_estimate(stats, None, PRIORS["laplace"], sigma=1.0)
    with pytest.raises(ValueError, match="y=None"):
        bayesreg.map_estimate(stats, y, PRIORS["laplace"], sigma=1.0, fit_intercept=False)
    with pytest.raises(TypeError, match="from_dask"):
        SufficientStatistics.from_arrays(da.from_array(X), y)
    other = SufficientStatistics.from_arrays(X[:, :3], y)
    with pytest.raises(ValueError, match="different designs"):
        stats.combine(other)


def test_bad_blocks_are_named():
    X, y, sw = _data(n=200, p=5)
    X[130, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN.*row block"):
        SufficientStatistics.from_dask(da.from_array(X, chunks=50), da.from_array(y, chunks=50))
    X, y, sw = _data(n=200, p=5)
    with pytest.raises(ValueError, match="200 rows but y has 199"):
        SufficientStatistics.from_dask(da.from_array(X, chunks=50), da.from_array(y[:-1], chunks=50))
    with pytest.raises(ValueError, match="all zero"):
        SufficientStatistics.from_dask(da.from_array(X, chunks=50), da.from_array(y), np.zeros(200))
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")).assign(t=y, s="x"), npartitions=2)
    with pytest.raises(TypeError, match="non-numeric columns: s"):
        SufficientStatistics.from_dask(frame[["a", "s"]], frame["t"])
    with pytest.raises(TypeError, match="dask Series"):
        SufficientStatistics.from_dask(frame[list("abcde")], y)


def test_worker_processes():
    """The summaries cross process boundaries (pickled functions and results)."""
    X, y, sw = _data(n=600, p=5)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as lc, distributed.Client(lc):
        ours = bayesreg.map_estimate(*_dask_inputs("array", X, y, None)[:2], PRIORS["laplace"], sigma=1.0)
    _assert_same_map(ours, bayesreg.map_estimate(X, y, PRIORS["laplace"], sigma=1.0))


@pytest.mark.slow
def test_posterior_from_dask_matches_in_memory():
    """The sampler reads the same statistics: posteriors agree within Monte Carlo error,
    and nothing per row (observed data, pointwise log-likelihood) is computed."""
    X, y, sw = _data(n=800, p=5)
    X[:, 2] = (X[:, 2] - 1e6) / 1e6
    Xd, yd, wd = _dask_inputs("frame", X, y, sw)
    kw = dict(sigma=None, draws=500, tune=500, chains=2, random_seed=3, progressbar=False)
    with warnings.catch_warnings():  # short chains: the comparison, not R-hat, is the test
        warnings.simplefilter("ignore")
        ref = bayesreg.sample_posterior(X, y, PRIORS["laplace"], sample_weight=sw, **kw)
        ours = bayesreg.sample_posterior(Xd, yd, PRIORS["laplace"], sample_weight=wd, **kw)
    assert "observed_data" not in ours.children and "log_likelihood" not in ours.children
    assert list(ours["posterior"]["feature"].values) == list(Xd.columns)
    draws = ref["posterior"].sizes["chain"] * ref["posterior"].sizes["draw"]
    for name in ("coef", "intercept", "sigma"):
        a, b = ref["posterior"][name], ours["posterior"][name]
        sd = a.std(("chain", "draw")).values
        diff = np.abs(a.mean(("chain", "draw")).values - b.mean(("chain", "draw")).values)
        assert np.all(diff <= 4 * sd * np.sqrt(2 / draws)), name
