"""The scikit-learn-compatible MAP estimators.

* The API contract: ``parametrize_with_checks`` on every estimator.
* Equivalence: each preset against the scikit-learn estimator its docstring names, with
  the alpha conversion written out (Ridge: σ²/τ²; Lasso: σ²/(n b); ElasticNet:
  (σ²/b + σ²/τ²)/n and l1_ratio = (1/b)/(1/b + 1/τ²)).
* Composition: inside a ``Pipeline`` with a ``StandardScaler`` and in ``GridSearchCV``
  over the prior scale, against the same pipeline/search built on scikit-learn.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import bayesreg
from bayesreg import ElasticNetMAP, LassoMAP, MAPRegressor, RidgeMAP
from conftest import make_design, make_weights

COEF_RTOL = 1e-8
SK_PRECISE = dict(tol=1e-12, max_iter=1_000_000)


def _quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def _assert_coef_close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert np.abs(a - b).max() <= COEF_RTOL * (1 + np.abs(a).max())


# --------------------------------------------------------------- API contract
@parametrize_with_checks(
    [
        MAPRegressor(),
        MAPRegressor(bayesreg.Laplace(0.5), sigma=0.5),
        RidgeMAP(),
        LassoMAP(scale=0.3),
        ElasticNetMAP(0.3, 2.0, fit_intercept=False),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ------------------------------------------------- equivalence with sklearn
def _sk_twin(est, n):
    """The scikit-learn estimator (conversion written out) that ``est`` must reproduce."""
    s2 = est.sigma**2
    fi = est.fit_intercept
    if isinstance(est, RidgeMAP):
        return Ridge(alpha=s2 / est.scale**2, fit_intercept=fi, solver="cholesky")
    if isinstance(est, LassoMAP):
        return Lasso(alpha=s2 / (n * est.scale), fit_intercept=fi, **SK_PRECISE)
    l1, l2 = s2 / est.l1_scale, s2 / est.l2_scale**2
    return ElasticNet(alpha=(l1 + l2) / n, l1_ratio=l1 / (l1 + l2), fit_intercept=fi, **SK_PRECISE)


PRESETS = [
    pytest.param(RidgeMAP(scale=0.4, sigma=1.3), id="RidgeMAP"),
    pytest.param(RidgeMAP(scale=0.4, sigma=1.3, fit_intercept=False), id="RidgeMAP-noint"),
    pytest.param(LassoMAP(scale=0.05, sigma=0.9), id="LassoMAP"),
    pytest.param(LassoMAP(scale=0.05, sigma=0.9, fit_intercept=False), id="LassoMAP-noint"),
    pytest.param(ElasticNetMAP(0.05, 0.5, sigma=0.9), id="ElasticNetMAP"),
]


@pytest.mark.parametrize("est", PRESETS)
def test_preset_matches_sklearn(est):
    X, y = make_design("corr0.9", seed=21)
    ours = clone(est).fit(X, y)
    sk = _quiet_fit(_sk_twin(est, len(y)), X, y)
    _assert_coef_close(ours.coef_, sk.coef_)
    assert ours.intercept_ == pytest.approx(sk.intercept_, abs=1e-7 * (1 + abs(sk.intercept_)))
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-7, atol=1e-7)
    assert ours.score(X, y) == pytest.approx(r2_score(y, sk.predict(X)), abs=1e-9)
    assert ours.n_features_in_ == X.shape[1]
    assert not hasattr(ours, "feature_names_in_")
    assert ours.kkt_residual_ <= 1e-10
    assert isinstance(ours.result_, bayesreg.MapResult)


@pytest.mark.parametrize("est", PRESETS)
def test_preset_matches_sklearn_with_sample_weight(est):
    X, y = make_design("n>p", seed=22)
    sw = make_weights(len(y))
    ours = clone(est).fit(X, y, sample_weight=sw)
    sk = _quiet_fit(_sk_twin(est, sw.sum()), X, y, sample_weight=sw)  # n → Σ s_i
    _assert_coef_close(ours.coef_, sk.coef_)


@pytest.mark.parametrize("est", PRESETS)
def test_preset_equals_general_estimator_and_map_estimate(est):
    X, y = make_design("p>n", seed=23)
    prior = est._prior()
    general = MAPRegressor(prior, sigma=est.sigma, fit_intercept=est.fit_intercept).fit(X, y)
    res = bayesreg.map_estimate(X, y, prior, sigma=est.sigma, fit_intercept=est.fit_intercept)
    ours = clone(est).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, general.coef_)
    np.testing.assert_array_equal(ours.coef_, res.coef)
    assert ours.intercept_ == res.intercept


def test_map_regressor_default_prior_is_unit_gaussian():
    X, y = make_design("n>p", seed=24)
    a = MAPRegressor().fit(X, y)
    b = RidgeMAP(scale=1.0, sigma=1.0).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert MAPRegressor().get_params()["prior"] is None


@pytest.mark.parametrize("est", PRESETS)
def test_to_sklearn_after_fit(est):
    X, y = make_design("n>p", seed=25)
    ours = clone(est).fit(X, y)
    twin = _quiet_fit(ours.to_sklearn(), X, y)
    _assert_coef_close(ours.coef_, twin.coef_)


@pytest.mark.parametrize("est", [p for p in PRESETS if "Ridge" not in p.id])
def test_to_sklearn_after_weighted_fit(est):
    """The weight sum of non-integer weights is not an integer; the twin must still build."""
    X, y = make_design("n>p", seed=26)
    sw = make_weights(len(y))
    ours = clone(est).fit(X, y, sample_weight=sw)
    twin = _quiet_fit(ours.to_sklearn(sample_weight=sw), X, y, sample_weight=sw)
    _assert_coef_close(ours.coef_, twin.coef_)
    twin = _quiet_fit(ours.to_sklearn(), X, y, sample_weight=sw)  # S remembered from fit
    _assert_coef_close(ours.coef_, twin.coef_)


# --------------------------------------------------------------- parameters
def test_get_set_params_and_clone():
    est = ElasticNetMAP(0.2, 3.0, sigma=0.5, fit_intercept=False)
    assert est.get_params() == {
        "l1_scale": 0.2, "l2_scale": 3.0, "sigma": 0.5, "fit_intercept": False,
    }
    assert est.set_params(l1_scale=0.7) is est and est.l1_scale == 0.7
    c = clone(est)
    assert c.get_params() == est.get_params() and c is not est
    m = MAPRegressor(bayesreg.Laplace(0.3), sigma=2.0)
    assert clone(m).get_params()["prior"] == bayesreg.Laplace(0.3)
    with pytest.raises(ValueError, match="scale_"):
        LassoMAP().set_params(scale_=1.0)


def test_arguments_after_the_first_are_keyword_only():
    with pytest.raises(TypeError):
        LassoMAP(1.0, 2.0)  # sigma is keyword-only
    with pytest.raises(TypeError):
        MAPRegressor(bayesreg.Laplace(1.0), 2.0)


def test_bad_hyperparameters_fail_at_fit_with_named_errors():
    X, y = make_design("n>p", seed=27)
    with pytest.raises(ValueError, match="scale"):
        LassoMAP(scale=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="sigma"):
        RidgeMAP(sigma=0.0).fit(X, y)
    with pytest.raises(ValueError, match="l2_scale"):
        ElasticNetMAP(1.0, np.nan).fit(X, y)
    with pytest.raises(TypeError, match="prior"):
        MAPRegressor(prior="laplace").fit(X, y)


def test_pickle_round_trip():
    X, y = make_design("n>p", seed=28)
    est = LassoMAP(scale=0.05).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))


# --------------------------------------------------------------- DataFrames
def test_feature_names_from_dataframe():
    import pandas as pd

    X, y = make_design("n>p", seed=29)
    cols = [f"f{j}" for j in range(X.shape[1])]
    df = pd.DataFrame(X, columns=cols)
    est = LassoMAP(scale=0.05).fit(df, pd.Series(y))
    np.testing.assert_array_equal(est.feature_names_in_, cols)
    assert est.n_features_in_ == X.shape[1]
    ref = LassoMAP(scale=0.05).fit(X, y).predict(X)  # same numbers, other memory layout
    np.testing.assert_allclose(est.predict(df), ref, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df[cols[::-1]])
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(X)


# ------------------------------------------------------ Pipeline, GridSearchCV
def test_pipeline_with_scaler_matches_sklearn():
    X, y = make_design("corr0.9", seed=30)
    sigma, b = 0.8, 0.02
    ours = make_pipeline(StandardScaler(), LassoMAP(scale=b, sigma=sigma)).fit(X, y)
    sk = make_pipeline(StandardScaler(), Lasso(alpha=sigma**2 / (len(y) * b), **SK_PRECISE))
    _quiet_fit(sk, X, y)
    _assert_coef_close(ours[-1].coef_, sk[-1].coef_)
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-7, atol=1e-7)
    assert (ours[-1].coef_ == 0).any()  # the grid point is sparse: zeros are exact


def test_grid_search_over_scale_matches_sklearn():
    """Every fold trains on 32 of 40 rows, so scale b ↔ Lasso alpha = σ²/(32 b) exactly."""
    X, y = make_design("n>p", seed=31)
    sigma = 0.8
    scales = [0.005, 0.02, 0.1, 1.0]
    cv = KFold(5, shuffle=True, random_state=0)
    ours = GridSearchCV(
        make_pipeline(StandardScaler(), LassoMAP(sigma=sigma)), {"lassomap__scale": scales}, cv=cv
    ).fit(X, y)
    n_train = len(y) * 4 // 5
    alphas = [sigma**2 / (n_train * b) for b in scales]
    sk = GridSearchCV(
        make_pipeline(StandardScaler(), Lasso(**SK_PRECISE)), {"lasso__alpha": alphas}, cv=cv
    )
    _quiet_fit(sk, X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], sk.cv_results_["mean_test_score"], rtol=1e-8
    )
    assert scales.index(ours.best_params_["lassomap__scale"]) == alphas.index(
        sk.best_params_["lasso__alpha"]
    )
    # refit on all 40 rows uses n = 40
    best_b = ours.best_params_["lassomap__scale"]
    refit = _quiet_fit(
        make_pipeline(StandardScaler(), Lasso(alpha=sigma**2 / (len(y) * best_b), **SK_PRECISE)),
        X, y,
    )
    _assert_coef_close(ours.best_estimator_[-1].coef_, refit[-1].coef_)


def test_grid_search_ridge_scale_and_sigma():
    X, y = make_design("corr0.9", seed=32)
    grid = {"scale": [0.1, 0.5, 2.0], "sigma": [0.5, 1.0]}
    ours = GridSearchCV(RidgeMAP(), grid, cv=4).fit(X, y)
    combos = ours.cv_results_["params"]
    sk = GridSearchCV(
        Ridge(solver="cholesky"),
        {"alpha": [c["sigma"] ** 2 / c["scale"] ** 2 for c in combos]},
        cv=4,
    ).fit(X, y)
    # same candidates in the same order (alpha depends on the ratio only)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], sk.cv_results_["mean_test_score"], rtol=1e-10
    )
