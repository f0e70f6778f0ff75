"""``LogisticMAP`` and ``PoissonMAP``: the scikit-learn contract, and the answers of their twins."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import bayesreg
from bayesreg import LogisticMAP, PoissonMAP


@parametrize_with_checks([LogisticMAP(), LogisticMAP(bayesreg.Laplace(0.5)), PoissonMAP()])
def test_sklearn_contract(estimator, check):
    check(estimator)


def _binary(n=120, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = 0.4 + X @ np.r_[1.5, -1.0, np.zeros(p - 2)]
    return X, (rng.random(n) < expit(eta)).astype(int)


def _counts(n=120, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, rng.poisson(np.exp(0.3 + X @ np.r_[0.5, -0.4, np.zeros(p - 2)])).astype(float)


def test_logistic_map_is_logistic_regression():
    X, y = _binary()
    labels = np.where(y == 1, "spam", "ham")
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    tau = 0.8
    est = LogisticMAP(bayesreg.Gaussian(tau)).fit(X, labels, sample_weight=sw)
    sk = LogisticRegression(C=tau**2, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    sk.fit(X, labels, sample_weight=sw)
    np.testing.assert_array_equal(est.classes_, ["ham", "spam"])
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(est.intercept_, sk.intercept_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(est.predict_proba(X), sk.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_allclose(est.predict_log_proba(X), sk.predict_log_proba(X), rtol=0, atol=1e-9)
    np.testing.assert_allclose(est.decision_function(X), sk.decision_function(X), atol=1e-9)
    np.testing.assert_array_equal(est.predict(X), sk.predict(X))
    assert est.coef_.shape == (1, X.shape[1]) and est.intercept_.shape == (1,)
    assert est.kkt_residual_ <= 1e-10
    assert est.score(X, labels) == sk.score(X, labels)


def test_logistic_map_l1_has_exact_zeros():
    X, y = _binary(p=12)
    b = 0.05
    est = LogisticMAP(bayesreg.Laplace(b), fit_intercept=False).fit(X, y)
    sk = LogisticRegression(C=b, l1_ratio=1.0, solver="liblinear", tol=1e-12, max_iter=100_000,
                            fit_intercept=False).fit(X, y)
    np.testing.assert_array_equal(est.coef_ != 0, sk.coef_ != 0)
    assert 0 < np.count_nonzero(est.coef_) < X.shape[1]
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-8)
    # to_sklearn is that estimator
    twin = est.to_sklearn()
    assert isinstance(twin, LogisticRegression) and twin.C == b and twin.l1_ratio == 1.0
    assert twin.solver == "liblinear"


def test_more_than_two_classes_is_a_clear_error():
    X, _ = _binary()
    with pytest.raises(ValueError, match="Only binary classification.*3 classes"):
        LogisticMAP().fit(X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match="one class"):
        LogisticMAP().fit(X, np.ones(len(X)))


def test_poisson_map_is_poisson_regressor():
    X, y = _counts()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    tau = 0.5
    est = PoissonMAP(bayesreg.Gaussian(tau)).fit(X, y, sample_weight=sw)
    sk = PoissonRegressor(alpha=1 / (sw.sum() * tau**2), solver="newton-cholesky", tol=1e-14,
                          max_iter=1000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-10)
    assert est.intercept_ == pytest.approx(sk.intercept_, abs=1e-10)
    np.testing.assert_allclose(est.predict(X), sk.predict(X), rtol=1e-9)
    assert est.score(X, y, sample_weight=sw) == pytest.approx(sk.score(X, y, sample_weight=sw), rel=1e-9)
    twin = est.to_sklearn()
    assert isinstance(twin, PoissonRegressor)
    assert twin.alpha == pytest.approx(1 / (sw.sum() * tau**2), rel=1e-15)
    with pytest.raises(ValueError, match="counts y >= 0"):
        PoissonMAP().fit(X, -y)


def test_pipeline_and_grid_search():
    X, y = _binary(n=200, p=8)
    X = X * np.logspace(-2, 2, X.shape[1])  # a scaler in front matters
    pipe = make_pipeline(StandardScaler(), LogisticMAP())
    grid = GridSearchCV(pipe, {"logisticmap__prior": [bayesreg.Laplace(b) for b in (0.01, 0.1, 1.0)]},
                        cv=3).fit(X, y)
    assert isinstance(grid.best_params_["logisticmap__prior"], bayesreg.Laplace)
    assert grid.predict_proba(X).shape == (len(y), 2)
    Xc, yc = _counts(n=150)
    grid = GridSearchCV(PoissonMAP(), {"prior": [bayesreg.Gaussian(t) for t in (0.1, 1.0)]},
                        cv=3).fit(Xc, yc)
    assert grid.best_score_ > 0


def test_feature_names_and_dataframes():
    X, y = _binary()
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    est = LogisticMAP().fit(df, pd.Series(y.astype(bool)))
    np.testing.assert_array_equal(est.feature_names_in_, df.columns)
    np.testing.assert_array_equal(est.classes_, [False, True])
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df[df.columns[::-1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.predict(df)


def test_default_prior_is_sklearns_default():
    """LogisticRegression(C=1) is the MAP under N(0, 1): LogisticMAP()'s default."""
    X, y = _binary()
    est = LogisticMAP().fit(X, y)
    sk = LogisticRegression(solver="newton-cholesky", tol=1e-14).fit(X, y)
    np.testing.assert_allclose(est.coef_, sk.coef_, atol=1e-9)


def test_sample_posterior_passes_the_coded_target_and_the_family(monkeypatch):
    """The estimators sample the model they fit: labels coded 0/1 (classes_[1] is 1), the
    family, the prior and fit_intercept; σ is refused (the sampler itself: test_glm_posterior)."""
    import bayesreg.mcmc

    seen = {}

    def fake(X, y, prior, **kw):
        seen.update(X=X, y=y, prior=prior, **kw)
        return "posterior"

    monkeypatch.setattr(bayesreg.mcmc, "sample_posterior", fake)
    X, y = _binary()
    labels = np.where(y > 0, "spam", "ham")
    est = LogisticMAP(bayesreg.Laplace(0.5), fit_intercept=False).sample_posterior(X, labels, draws=10)
    assert est.posterior_ == "posterior" and list(est.classes_) == ["ham", "spam"]
    np.testing.assert_array_equal(seen["y"], y)  # "spam" = classes_[1] is coded 1
    assert seen["family"] == "bernoulli" and seen["prior"] == bayesreg.Laplace(0.5)
    assert seen["fit_intercept"] is False and seen["draws"] == 10 and "sigma" not in seen
    Xc, yc = _counts(n=60)
    PoissonMAP().sample_posterior(Xc, yc)
    assert seen["family"] == "poisson" and np.array_equal(seen["y"], yc)
    with pytest.raises(ValueError, match="no noise scale"):
        PoissonMAP().sample_posterior(Xc, yc, sigma=1.0)
