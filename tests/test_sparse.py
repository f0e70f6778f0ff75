"""scipy.sparse designs: equal to scikit-learn's results on the same sparse input, never densified.

Reference: scikit-learn's Lasso / ElasticNet (coordinate descent on sparse X, implicit
centring) and Ridge (its sparse iterative solver, run to a tight tolerance), fitted on
the very same CSR/CSC matrix.
"""

import warnings

import numpy as np
import pytest
from scipy import sparse

import bayesreg
from bayesreg import SufficientStatistics

PRIORS = [bayesreg.Laplace(0.05), bayesreg.Gaussian(0.7), bayesreg.ElasticNet(0.05, 0.7)]


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = sparse.random(300, 40, density=0.1, random_state=1, format="csr") * 3.0
    y = np.asarray(X @ rng.standard_normal(40)).ravel() + rng.standard_normal(300)
    return X, y, rng.uniform(0.5, 2.0, 300)


def _sklearn(prior, X, y, sw, fit_intercept):
    kw = {"tol": 1e-14} if not isinstance(prior, bayesreg.Gaussian) else {"solver": "sparse_cg", "tol": 1e-14,
                                                                           "max_iter": 100_000}
    est = bayesreg.convert.to_sklearn(
        prior, sigma=1.0, n_samples=X.shape[0] if sw is None else None, sample_weight=sw,
        fit_intercept=fit_intercept, **kw,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_map_equals_sklearn_on_the_same_sparse_input(problem, prior, fit_intercept, weighted, fmt):
    X, y, w = problem
    X = X.asformat(fmt)
    sw = w if weighted else None
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0, fit_intercept=fit_intercept, sample_weight=sw)
    sk = _sklearn(prior, X, y, sw, fit_intercept)
    scale = 1 + np.abs(sk.coef_).max()
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=0, atol=1e-8 * scale)
    assert res.intercept == pytest.approx(sk.intercept_, abs=1e-8 * scale)
    assert np.array_equal(res.coef == 0, sk.coef_ == 0)
    assert res.kkt_residual < 1e-10
    # and the same answer as the dense problem
    dense = bayesreg.map_estimate(X.toarray(), y, prior, sigma=1.0, fit_intercept=fit_intercept, sample_weight=sw)
    np.testing.assert_allclose(res.coef, dense.coef, rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(res.predict(X[:7]), dense.predict(X[:7].toarray()), rtol=1e-9, atol=1e-9)


def test_statistics_from_sparse_products_equal_the_dense_ones(problem):
    X, y, w = problem
    for fi in (True, False):
        a = SufficientStatistics.from_sparse(X, y, w, fi)
        b = SufficientStatistics.from_arrays(X.toarray(), y, w, fi)
        np.testing.assert_allclose(a.gram, b.gram, rtol=1e-12, atol=1e-12 * np.abs(b.gram).max())
        np.testing.assert_allclose(a.q, b.q, rtol=1e-12, atol=1e-12 * np.abs(b.q).max())
        assert a.rss_min == pytest.approx(b.rss_min, rel=1e-9)
        np.testing.assert_allclose(a.X_offset, b.X_offset, rtol=1e-12, atol=1e-15)


def test_estimator_path_and_posterior_take_sparse(problem):
    X, y, _ = problem
    est = bayesreg.LassoMAP(0.05).fit(X, y)
    dense = bayesreg.LassoMAP(0.05).fit(X.toarray(), y)
    np.testing.assert_allclose(est.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(est.predict(X), dense.predict(X.toarray()), rtol=1e-9, atol=1e-9)
    path = bayesreg.map_path(X, y, bayesreg.Laplace(0.05), sigma=1.0, n_points=8)
    dpath = bayesreg.map_path(X.toarray(), y, bayesreg.Laplace(0.05), sigma=1.0, n_points=8)
    np.testing.assert_allclose(path.coefs, dpath.coefs, rtol=1e-9, atol=1e-12)
    post = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(0.7), sigma=1.0, sampler="gibbs", draws=400,
                                     tune=200, chains=2, random_seed=0, progressbar=False)
    pred = bayesreg.predict_posterior(post, X[:5])
    assert pred.mean.shape == (5,) and np.isfinite(pred.mean).all()


def test_sparse_with_nan_is_named():
    X = sparse.csr_array(np.array([[1.0, 0.0], [np.nan, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="NaN"):
        bayesreg.map_estimate(X, [1.0, 2.0, 3.0], bayesreg.Laplace(1.0), sigma=1.0)
