"""Choosing the prior scale (issue 14): cross-validation, empirical Bayes, and both side by side.

* The CV estimators against scikit-learn's ``LassoCV`` / ``ElasticNetCV`` / ``RidgeCV`` (and
  ``GridSearchCV``'s table) on several designs and splitters, with and without weights:
  same grid, same chosen index and ``alpha_``, coefficients within 1e-8 relative.
* The one-standard-error rule against a hand computation from the CV table.
* ``prior_`` and σ written out: the conversion and the degrees-of-freedom σ̂ by hand.
* Empirical Bayes against ``BayesianRidge`` (no intercept; and, with ``dof = n``, its
  centring convention), against an independent dense evidence maximised by scipy, and its
  invariances.
* ``scale_choices``: every number it reports against the estimator or function it claims
  to come from.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import optimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import BayesianRidge, ElasticNetCV, Lasso, LassoCV, Ridge, RidgeCV
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import bayesreg
from bayesreg import ElasticNetMAPCV, LassoMAPCV, RidgeMAPCV
from bayesreg.tuning.empirical_bayes import GaussianEvidence
from conftest import make_design, make_weights

COEF_RTOL = 1e-8
SK_PRECISE = dict(tol=1e-12, max_iter=1_000_000)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*args, **kwargs)


def _assert_coef_close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert np.abs(a - b).max() <= COEF_RTOL * (1 + np.abs(b).max())


def _groups(n):
    return np.arange(n) % 7


def _splitter(name, n):
    """``(cv for bayesreg, cv for scikit-learn, groups)``: GroupKFold gets explicit folds
    on the scikit-learn side (it routes groups only with metadata routing on)."""
    if name == "default":
        return None, None, None
    if name == "kfold":
        cv = KFold(4, shuffle=True, random_state=0)
        return cv, cv, None
    if name == "shuffle":
        cv = ShuffleSplit(5, test_size=0.25, random_state=1)
        return cv, cv, None
    if name == "group":
        g = _groups(n)
        cv = GroupKFold(4)
        return cv, list(cv.split(np.zeros((n, 1)), groups=g)), g
    raise ValueError(name)


SPLITTERS = ("default", "kfold", "shuffle", "group")


# ------------------------------------------------------------------ API contract
@parametrize_with_checks(
    [
        RidgeMAPCV(),
        RidgeMAPCV(alphas=[0.5, 5.0], cv=3, selection="1se"),
        LassoMAPCV(cv=3),
        ElasticNetMAPCV(cv=3, l1_ratio=[0.5, 1.0], alphas=10),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ------------------------------------------------------- Lasso / ElasticNet CV
@pytest.mark.filterwarnings("ignore:no residual degree of freedom")  # p > n: df = n - 1
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("split", SPLITTERS)
@pytest.mark.parametrize("design", ["n>p", "p>n", "n=p", "corr0.9"])
def test_lasso_cv_matches_sklearn(design, split, weighted):
    X, y = make_design(design)
    n = len(y)
    sw = make_weights(n) if weighted else None
    cv, sk_cv, groups = _splitter(split, n)
    sk = _quiet(LassoCV(cv=sk_cv, **SK_PRECISE).fit, X, y, sample_weight=sw)
    me = LassoMAPCV(cv=cv).fit(X, y, sample_weight=sw, groups=groups)
    np.testing.assert_allclose(me.alphas_, sk.alphas_, rtol=1e-12)  # the same grid
    assert me.mse_path_.shape == sk.mse_path_.shape
    np.testing.assert_allclose(me.mse_path_, sk.mse_path_, rtol=1e-8, atol=0)
    assert me.index_min_ == int(np.argmin(sk.mse_path_.mean(axis=1)))
    assert me.alpha_ == pytest.approx(sk.alpha_, rel=1e-12)
    _assert_coef_close(me.coef_, sk.coef_)
    assert me.intercept_ == pytest.approx(sk.intercept_, rel=1e-8, abs=1e-8)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("split", ["kfold", "group"])
@pytest.mark.parametrize("design", ["n>p", "p>n", "dup-column"])
def test_elastic_net_cv_matches_sklearn(design, split, weighted):
    X, y = make_design(design, seed=2)
    n = len(y)
    sw = make_weights(n) if weighted else None
    cv, sk_cv, groups = _splitter(split, n)
    ratios = [0.1, 0.5, 0.8]  # < 1: the solution is unique even with a duplicated column
    sk = _quiet(ElasticNetCV(l1_ratio=ratios, cv=sk_cv, **SK_PRECISE).fit, X, y, sample_weight=sw)
    me = ElasticNetMAPCV(l1_ratio=ratios, cv=cv).fit(X, y, sample_weight=sw, groups=groups)
    assert me.alphas_.shape == sk.alphas_.shape == (3, 100)
    np.testing.assert_allclose(me.alphas_, sk.alphas_, rtol=1e-12)
    assert me.mse_path_.shape == sk.mse_path_.shape
    np.testing.assert_allclose(me.mse_path_, sk.mse_path_, rtol=1e-8, atol=0)
    assert me.l1_ratio_ == sk.l1_ratio_
    assert me.alpha_ == pytest.approx(sk.alpha_, rel=1e-12)
    _assert_coef_close(me.coef_, sk.coef_)
    # cv_results_ runs over l1_ratio first, then alpha
    res = me.cv_results_
    assert res["params"][me.best_index_] == {"l1_ratio": me.l1_ratio_, "alpha": me.alpha_}
    np.testing.assert_allclose(-res["mean_test_score"], sk.mse_path_.mean(axis=2).ravel(), rtol=1e-8)


def test_explicit_alphas_and_one_l1_ratio_shapes():
    X, y = make_design("n>p", seed=4)
    alphas = [0.3, 0.01, 0.1, 0.003]  # unsorted: both sort it decreasing
    cv = KFold(3, shuffle=True, random_state=2)
    sk = _quiet(ElasticNetCV(l1_ratio=0.7, alphas=alphas, cv=cv, **SK_PRECISE).fit, X, y)
    me = ElasticNetMAPCV(l1_ratio=0.7, alphas=alphas, cv=cv).fit(X, y)
    np.testing.assert_array_equal(me.alphas_, sk.alphas_)
    assert me.mse_path_.shape == sk.mse_path_.shape == (4, 3)
    assert me.alpha_ == sk.alpha_ and me.l1_ratio_ == sk.l1_ratio_
    _assert_coef_close(me.coef_, sk.coef_)
    # l1_ratio = 0 is a pure ridge penalty alpha * S in σ²-units: fine with explicit alphas
    sk0 = _quiet(ElasticNetCV(l1_ratio=[0.0, 0.5], alphas=alphas, cv=cv, **SK_PRECISE).fit, X, y)
    me0 = ElasticNetMAPCV(l1_ratio=[0.0, 0.5], alphas=alphas, cv=cv).fit(X, y)
    np.testing.assert_allclose(me0.mse_path_, sk0.mse_path_, rtol=1e-8)
    assert (me0.alpha_, me0.l1_ratio_) == (sk0.alpha_, sk0.l1_ratio_)


def test_cv_results_layout_matches_grid_search():
    """``cv_results_`` is ``GridSearchCV``'s table over the same grid and folds."""
    X, y = make_design("corr0.9", seed=5)
    sw = make_weights(len(y), seed=3)
    cv = KFold(5, shuffle=True, random_state=3)
    me = LassoMAPCV(alphas=12, cv=cv).fit(X, y, sample_weight=sw)
    gs = _quiet(
        GridSearchCV(
            Lasso(**SK_PRECISE), {"alpha": list(me.alphas_)}, cv=cv,
            scoring="neg_mean_squared_error",
        ).fit, X, y, sample_weight=sw,
    )
    ref = gs.cv_results_
    for key in ["mean_test_score", "std_test_score"] + [f"split{k}_test_score" for k in range(5)]:
        np.testing.assert_allclose(me.cv_results_[key], ref[key], rtol=1e-8, err_msg=key)
    np.testing.assert_array_equal(me.cv_results_["rank_test_score"], ref["rank_test_score"])
    np.testing.assert_allclose(me.cv_results_["param_alpha"], np.asarray(ref["param_alpha"], float))
    assert me.cv_results_["params"] == [{"alpha": float(a)} for a in me.alphas_]
    assert me.best_index_ == gs.best_index_


def test_lasso_scoring_is_a_weighted_scorer():
    X, y = make_design("n>p", seed=6)
    sw = make_weights(len(y))
    cv = KFold(4, shuffle=True, random_state=0)
    me = LassoMAPCV(alphas=10, cv=cv, scoring="neg_mean_absolute_error").fit(X, y, sample_weight=sw)
    gs = _quiet(
        GridSearchCV(
            Lasso(**SK_PRECISE), {"alpha": list(me.alphas_)}, cv=cv,
            scoring="neg_mean_absolute_error",
        ).fit, X, y, sample_weight=sw,
    )
    np.testing.assert_allclose(me.cv_results_["mean_test_score"], gs.cv_results_["mean_test_score"], rtol=1e-8)
    assert me.alpha_ == gs.best_params_["alpha"]


# ------------------------------------------------------------------- Ridge CV
RIDGE_ALPHAS = np.geomspace(1e-3, 1e3, 25)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("design", ["n>p", "p>n", "n=p", "corr0.9", "dup-column"])
def test_ridge_cv_leave_one_out_matches_sklearn(design, weighted):
    """cv=None: RidgeCV's efficient leave-one-out (GCV mode), matched exactly."""
    X, y = make_design(design)
    sw = make_weights(len(y)) if weighted else None
    sk = RidgeCV(alphas=RIDGE_ALPHAS, store_cv_results=True).fit(X, y, sample_weight=sw)
    me = RidgeMAPCV(alphas=RIDGE_ALPHAS).fit(X, y, sample_weight=sw)
    assert me.alpha_ == sk.alpha_
    assert me.best_score_ == pytest.approx(sk.best_score_, rel=1e-9)
    _assert_coef_close(me.coef_, sk.coef_)
    assert me.intercept_ == pytest.approx(sk.intercept_, rel=1e-9, abs=1e-9)
    # the per-sample leave-one-out squared errors s_i e_i^2 (RidgeCV's cv_results_)
    scale = np.abs(sk.cv_results_).max()
    assert np.abs(me.mse_path_ - sk.cv_results_.T).max() <= 1e-9 * scale


@pytest.mark.parametrize("scoring", ["r2", "neg_mean_absolute_error"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_ridge_cv_leave_one_out_with_scorer(scoring, weighted):
    X, y = make_design("n>p", seed=7)
    sw = None if not weighted else np.random.default_rng(0).uniform(0.3, 3.0, len(y))
    sk = RidgeCV(alphas=RIDGE_ALPHAS, scoring=scoring).fit(X, y, sample_weight=sw)
    me = RidgeMAPCV(alphas=RIDGE_ALPHAS, scoring=scoring).fit(X, y, sample_weight=sw)
    assert me.alpha_ == sk.alpha_
    assert me.best_score_ == pytest.approx(sk.best_score_, rel=1e-9)
    with pytest.raises(ValueError, match="one score"):
        RidgeMAPCV(alphas=RIDGE_ALPHAS, scoring=scoring, selection="1se").fit(X, y)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("split", ["kfold", "shuffle", "group"])
@pytest.mark.parametrize("design", ["n>p", "p>n", "corr0.9"])
def test_ridge_cv_kfold_matches_sklearn(design, split, weighted):
    """An explicit cv: RidgeCV's GridSearchCV (R² on each test fold), matched exactly."""
    X, y = make_design(design, seed=1)
    n = len(y)
    sw = make_weights(n) if weighted else None
    cv, sk_cv, groups = _splitter(split, n)
    sk = RidgeCV(alphas=RIDGE_ALPHAS, cv=sk_cv).fit(X, y, sample_weight=sw)
    me = RidgeMAPCV(alphas=RIDGE_ALPHAS, cv=cv).fit(X, y, sample_weight=sw, groups=groups)
    assert me.alpha_ == sk.alpha_
    assert me.best_score_ == pytest.approx(sk.best_score_, rel=1e-9)
    _assert_coef_close(me.coef_, sk.coef_)
    gs = GridSearchCV(Ridge(solver="cholesky"), {"alpha": list(RIDGE_ALPHAS)}, cv=sk_cv).fit(
        X, y, sample_weight=sw
    )
    np.testing.assert_allclose(me.cv_results_["mean_test_score"], gs.cv_results_["mean_test_score"], rtol=1e-9)
    np.testing.assert_allclose(me.cv_results_["std_test_score"], gs.cv_results_["std_test_score"], rtol=1e-9)


def test_ridge_default_alphas_are_ridgecv_defaults():
    X, y = make_design("n>p")
    me = RidgeMAPCV().fit(X, y)
    np.testing.assert_array_equal(me.alphas_, [0.1, 1.0, 10.0])
    assert me.alpha_ == RidgeCV().fit(X, y).alpha_


# ----------------------------------------------------- composition
def test_in_pipeline_matches_sklearn_pipeline():
    X, y = make_design("corr0.9", seed=8)
    cv = KFold(5, shuffle=True, random_state=4)
    ours = make_pipeline(StandardScaler(), LassoMAPCV(cv=cv)).fit(X, y)
    ref = _quiet(make_pipeline(StandardScaler(), LassoCV(cv=cv, **SK_PRECISE)).fit, X, y)
    assert ours[-1].alpha_ == pytest.approx(ref[-1].alpha_, rel=1e-12)
    _assert_coef_close(ours[-1].coef_, ref[-1].coef_)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8)


def test_in_grid_search_matches_sklearn_grid_search():
    X, y = make_design("n>p", seed=9)
    inner = KFold(3, shuffle=True, random_state=5)
    outer = KFold(3, shuffle=True, random_state=6)
    grid = {"l1_ratio": [0.3, 0.9]}
    ours = GridSearchCV(ElasticNetMAPCV(cv=inner, alphas=20), grid, cv=outer).fit(X, y)
    ref = _quiet(GridSearchCV(ElasticNetCV(cv=inner, alphas=20, **SK_PRECISE), grid, cv=outer).fit, X, y)
    assert ours.best_params_ == ref.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"], rtol=1e-8)
    _assert_coef_close(ours.best_estimator_.coef_, ref.best_estimator_.coef_)


def test_grid_search_over_the_selection_rule():
    X, y = make_design("corr0.9", seed=10)
    gs = GridSearchCV(
        LassoMAPCV(cv=KFold(5, shuffle=True, random_state=0)), {"selection": ["min", "1se"]}, cv=3
    ).fit(X, y)
    assert set(gs.cv_results_["param_selection"]) == {"min", "1se"}


# --------------------------------------------------------- the 1-SE rule
def _one_se_by_hand(mse_path, alphas):
    """glmnet's lambda.1se from a CV table (n_alphas, n_splits), written out."""
    K = mse_path.shape[1]
    mean = mse_path.mean(axis=1)
    se = mse_path.std(axis=1, ddof=1) / np.sqrt(K)
    k = int(np.argmin(mean))
    ok = mean <= mean[k] + se[k]
    return alphas[ok].max(), alphas[k]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_one_standard_error_rule_lasso(weighted):
    X, y = make_design("corr0.9", seed=11)
    sw = make_weights(len(y)) if weighted else None
    cv = KFold(10, shuffle=True, random_state=7)
    me = LassoMAPCV(cv=cv, selection="1se").fit(X, y, sample_weight=sw)
    a1se, amin = _one_se_by_hand(me.mse_path_, me.alphas_)
    assert a1se > amin  # the rule must move the choice here, or this test proves nothing
    assert me.alpha_ == a1se
    assert me.cv_results_["param_alpha"][me.index_min_] == amin
    sk = Lasso(alpha=a1se, **SK_PRECISE).fit(X, y, sample_weight=sw)
    _assert_coef_close(me.coef_, sk.coef_)
    # the min rule on the same data is LassoCV's
    assert LassoMAPCV(cv=cv).fit(X, y, sample_weight=sw).alpha_ == amin


def test_one_standard_error_rule_ridge_leave_one_out():
    """In leave-one-out mode the splits are the samples (mse_path_ columns)."""
    X, y = make_design("n>p", seed=12)
    alphas = np.geomspace(1e-2, 1e3, 40)
    me = RidgeMAPCV(alphas=alphas, selection="1se").fit(X, y)
    a1se, amin = _one_se_by_hand(me.mse_path_, alphas)
    assert a1se > amin
    assert me.alpha_ == a1se
    _assert_coef_close(me.coef_, Ridge(alpha=a1se, solver="cholesky").fit(X, y).coef_)


def test_one_standard_error_rule_elastic_net_stays_on_the_best_l1_ratio():
    X, y = make_design("corr0.9", seed=13)
    cv = KFold(8, shuffle=True, random_state=1)
    me = ElasticNetMAPCV(l1_ratio=[0.2, 0.9], cv=cv, selection="1se").fit(X, y)
    row = int(np.argmin(me.mse_path_.mean(axis=2).min(axis=1)))
    a1se, amin = _one_se_by_hand(me.mse_path_[row], me.alphas_[row])
    assert a1se > amin
    assert me.l1_ratio_ == [0.2, 0.9][row]
    assert me.alpha_ == a1se


# ------------------------------------------------------ the choice as a prior
def test_prior_at_a_given_sigma_is_the_conversion():
    X, y = make_design("n>p", seed=14)
    sw = make_weights(len(y))
    S = sw.sum()
    cv = KFold(5, shuffle=True, random_state=0)
    las = LassoMAPCV(cv=cv, sigma=0.7).fit(X, y, sample_weight=sw)
    assert las.sigma_ == 0.7
    assert isinstance(las.prior_, bayesreg.Laplace)
    assert las.prior_.scale == pytest.approx(0.7**2 / (S * las.alpha_), rel=1e-12)  # b = σ²/(S α)
    rid = RidgeMAPCV(alphas=RIDGE_ALPHAS, sigma=0.7).fit(X, y)
    assert rid.prior_.scale == pytest.approx(0.7 / math.sqrt(rid.alpha_), rel=1e-12)  # τ = σ/√α
    en = ElasticNetMAPCV(l1_ratio=0.6, cv=cv, sigma=0.7).fit(X, y, sample_weight=sw)
    a, r = en.alpha_, en.l1_ratio_
    assert en.prior_.l1_scale == pytest.approx(0.7**2 / (S * a * r), rel=1e-12)
    assert en.prior_.l2_scale == pytest.approx(0.7 / math.sqrt(S * a * (1 - r)), rel=1e-12)
    # the MAP at that prior and sigma is the refit
    res = bayesreg.map_estimate(X, y, en.prior_, sigma=0.7, sample_weight=sw)
    _assert_coef_close(en.coef_, res.coef)
    # sigma changes the reading, never the choice
    other = LassoMAPCV(cv=cv, sigma=3.0).fit(X, y, sample_weight=sw)
    assert other.alpha_ == las.alpha_
    np.testing.assert_array_equal(other.coef_, las.coef_)


def test_estimated_sigma_is_the_degrees_of_freedom_corrected_residual_sd():
    X, y = make_design("corr0.9", seed=15)
    n = len(y)
    cv = KFold(5, shuffle=True, random_state=0)
    las = LassoMAPCV(cv=cv).fit(X, y)
    r = y - X @ las.coef_ - las.intercept_
    df = np.count_nonzero(las.coef_)
    assert 0 < df < X.shape[1]  # a genuinely sparse answer
    assert las.df_ == df
    assert las.sigma_ == pytest.approx(math.sqrt(r @ r / (n - df - 1)), rel=1e-10)
    rid = RidgeMAPCV(alphas=RIDGE_ALPHAS).fit(X, y)
    Xc = X - X.mean(axis=0)
    H = Xc @ np.linalg.solve(Xc.T @ Xc + rid.alpha_ * np.eye(X.shape[1]), Xc.T)
    r = y - X @ rid.coef_ - rid.intercept_
    assert rid.df_ == pytest.approx(np.trace(H), rel=1e-10)
    assert rid.sigma_ == pytest.approx(math.sqrt(r @ r / (n - np.trace(H) - 1)), rel=1e-10)
    assert rid.prior_.scale == pytest.approx(rid.sigma_ / math.sqrt(rid.alpha_), rel=1e-12)
    # weights are precisions: zero-weight rows are not observations
    sw = make_weights(n)
    rw = RidgeMAPCV(alphas=RIDGE_ALPHAS).fit(X, y, sample_weight=sw)
    m = np.count_nonzero(sw)
    A = np.sqrt(sw)[:, None] * (X - np.average(X, axis=0, weights=sw))
    d2 = np.linalg.svd(A, compute_uv=False) ** 2
    df = np.sum(d2 / (d2 + rw.alpha_))
    r = y - X @ rw.coef_ - rw.intercept_
    assert rw.sigma_ == pytest.approx(math.sqrt(np.sum(sw * r**2) / (m - df - 1)), rel=1e-10)


def test_no_residual_degree_of_freedom_leaves_prior_undefined():
    X, y = make_design("p>n", seed=16)
    with pytest.warns(RuntimeWarning, match="degree of freedom"):
        est = LassoMAPCV(alphas=[1e-4], cv=3).fit(X, y)  # n - 1 non-zeros: an exact fit
    assert est.df_ == len(y) - 1
    assert est.prior_ is None and math.isnan(est.sigma_)
    assert est.to_sklearn().alpha == pytest.approx(1e-4)  # the penalty is still known


def test_to_sklearn_is_the_refit():
    X, y = make_design("n>p", seed=17)
    sw = make_weights(len(y))
    est = ElasticNetMAPCV(l1_ratio=[0.3, 0.8], cv=4).fit(X, y, sample_weight=sw)
    sk = est.to_sklearn()
    assert type(sk).__name__ == "ElasticNet"
    assert sk.alpha == pytest.approx(est.alpha_, rel=1e-12)
    assert sk.l1_ratio == pytest.approx(est.l1_ratio_, rel=1e-12)
    _assert_coef_close(est.coef_, sk.fit(X, y, sample_weight=sw).coef_)


@pytest.mark.parametrize(
    "est, msg",
    [
        (LassoMAPCV(selection="cyclic"), "exact"),
        (LassoMAPCV(alphas=[0.1, 0.0]), "flat prior"),
        (RidgeMAPCV(alphas=[-1.0]), "> 0"),
        (ElasticNetMAPCV(l1_ratio=[0.0, 0.5]), "l1_ratio > 0"),
        (ElasticNetMAPCV(l1_ratio=1.5), r"\[0, 1\]"),
        (LassoMAPCV(sigma=-1.0), "sigma"),
    ],
)
def test_bad_parameters_say_what_is_wrong(est, msg):
    X, y = make_design("n>p")
    with pytest.raises(ValueError, match=msg):
        est.fit(X, y)


# ------------------------------------------------------------ empirical Bayes
def _bayesian_ridge(fit_intercept):
    return BayesianRidge(
        # tol: on sum |Δcoef|; 1e-12 is reached in < 100 iterations here, and far below
        # it rounding stalls the iteration, which then runs to max_iter
        alpha_1=0.0, alpha_2=0.0, lambda_1=0.0, lambda_2=0.0, tol=1e-12, max_iter=100_000,
        fit_intercept=fit_intercept, compute_score=True,
    )


@pytest.mark.parametrize(
    "design, seed", [("n>p", 19), ("p>n", 19), ("n=p", 0), ("corr0.9", 19), ("dup-column", 19)]
)
def test_empirical_bayes_no_intercept_equals_bayesian_ridge(design, seed):
    X, y = make_design(design, seed=seed)
    eb = bayesreg.empirical_bayes(X, y, "gaussian", fit_intercept=False)
    br = _bayesian_ridge(False).fit(X, y)
    assert not eb.at_boundary
    assert eb.sigma == pytest.approx(br.alpha_**-0.5, rel=1e-6)  # alpha_ = 1/σ²
    assert eb.tau == pytest.approx(br.lambda_**-0.5, rel=1e-6)  # lambda_ = 1/τ²
    assert eb.log_marginal_likelihood == pytest.approx(br.scores_[-1], rel=1e-9)
    assert isinstance(eb.prior, bayesreg.Gaussian)
    # the posterior mean at the maximum is Ridge at alpha = σ²/τ²
    name, params = eb.sklearn_params
    assert name == "Ridge"
    sk = Ridge(alpha=params["alpha"], fit_intercept=False, solver="svd").fit(X, y)
    np.testing.assert_allclose(sk.coef_, br.coef_, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("design, seed, edge", [("p>n", 0, "tau"), ("n=p", 19, "sigma")])
def test_empirical_bayes_boundary_agrees_with_bayesian_ridge(design, seed, edge):
    """Without an intercept and p >= n the evidence can grow towards an edge: τ -> 0 (no
    signal it can credit) or σ -> 0 (an exact fit). BayesianRidge's updates then run to the
    same edge (lambda_ or alpha_ -> inf), and the other scale agrees."""
    X, y = make_design(design, seed=seed)
    with pytest.warns(RuntimeWarning, match="no interior maximum"):
        eb = bayesreg.empirical_bayes(X, y, fit_intercept=False)
    br = _bayesian_ridge(False).fit(X, y)
    tau_br, sigma_br = br.lambda_**-0.5, br.alpha_**-0.5
    assert eb.at_boundary
    if edge == "tau":
        assert eb.tau < 1e-4 * eb.sigma and tau_br < 1e-4 * eb.sigma
        assert eb.sigma == pytest.approx(sigma_br, rel=1e-6)
    else:
        assert eb.sigma < 1e-4 * eb.tau and sigma_br < 1e-4 * eb.tau
        assert eb.tau == pytest.approx(tau_br, rel=1e-6)


def test_bayesian_ridge_centring_is_the_n_degrees_of_freedom_evidence():
    """The documented intercept convention: BayesianRidge(fit_intercept=True) is our
    evidence with ν = n (centred data as n observations); ours integrates the flat
    intercept out (ν = n - 1), and the two differ."""
    X, y = make_design("n>p", seed=18)
    n = len(y)
    br = _bayesian_ridge(True).fit(X, y)
    as_sklearn = GaussianEvidence.from_data(X, y, fit_intercept=True, dof=n)
    tau, sigma, _, _ = as_sklearn.maximise()
    assert sigma == pytest.approx(br.alpha_**-0.5, rel=1e-6)
    assert tau == pytest.approx(br.lambda_**-0.5, rel=1e-6)
    ours = bayesreg.empirical_bayes(X, y)
    assert ours.dof == n - 1
    assert abs(ours.sigma / sigma - 1) > 1e-3  # the conventions really differ


def _dense_log_evidence(X, y, sw, tau, sigma, fit_intercept):
    """log p(y | τ, σ) from the n × n covariance, flat intercept integrated analytically.

    y ~ N(b 1, C) with C = σ² W⁻¹ + τ² X Xᵀ (raw, uncentred X);
    ∫ N(y; b1, C) db = (2π)^{-(n-1)/2} |C|^{-1/2} a^{-1/2} exp(-½(yᵀC⁻¹y - (1ᵀC⁻¹y)²/a)),
    a = 1ᵀC⁻¹1. Zero-weight rows carry no information and are dropped.
    """
    if sw is not None:
        keep = sw > 0
        X, y, sw = X[keep], y[keep], sw[keep]
    n = len(y)
    noise = np.full(n, sigma**2) if sw is None else sigma**2 / sw
    C = np.diag(noise) + tau**2 * X @ X.T
    L = np.linalg.cholesky(C)
    logdet = 2 * np.log(np.diag(L)).sum()
    Ciy = np.linalg.solve(C, y)
    if not fit_intercept:
        return -0.5 * n * math.log(2 * math.pi) - 0.5 * logdet - 0.5 * y @ Ciy
    Ci1 = np.linalg.solve(C, np.ones(n))
    a = Ci1.sum()
    quad = y @ Ciy - Ciy.sum() ** 2 / a
    return -0.5 * (n - 1) * math.log(2 * math.pi) - 0.5 * logdet - 0.5 * math.log(a) - 0.5 * quad


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no-intercept", "intercept"])
@pytest.mark.parametrize("design", ["n>p", "p>n", "corr0.9"])
def test_empirical_bayes_against_dense_evidence_maximised_by_scipy(design, fit_intercept, weighted):
    X, y = make_design(design, seed=19)
    sw = make_weights(len(y)) if weighted else None
    eb = bayesreg.empirical_bayes(X, y, fit_intercept=fit_intercept, sample_weight=sw)
    ev = GaussianEvidence.from_data(X, y, fit_intercept=fit_intercept, sample_weight=sw)
    # 1. the O(r) formula is the dense density, pointwise
    for tau, sigma in [(0.3, 0.5), (1.7, 0.2), (eb.tau, eb.sigma), (5.0, 3.0)]:
        dense = _dense_log_evidence(X, y, sw, tau, sigma, fit_intercept)
        assert float(ev.log_ml(tau, sigma)) == pytest.approx(dense, rel=1e-10)

    # 2. scipy's maximum of the dense evidence is ours
    def neg(theta):
        return -_dense_log_evidence(X, y, sw, math.exp(theta[0]), math.exp(theta[1]), fit_intercept)

    # a coarse grid for the start (the evidence has a flat ridge towards σ -> 0 where a
    # local search can stall), then Nelder-Mead to the optimum
    lt, ls = np.meshgrid(np.linspace(-4, 2, 25), np.log(np.std(y)) + np.linspace(-6, 1, 25))
    vals = [neg(t) for t in zip(lt.ravel(), ls.ravel())]
    start = np.array([lt.ravel()[np.argmin(vals)], ls.ravel()[np.argmin(vals)]])
    opt = optimize.minimize(
        neg, start, method="Nelder-Mead",
        options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 20_000, "maxfev": 40_000},
    )
    tau_sp, sigma_sp = np.exp(opt.x)
    assert eb.tau == pytest.approx(tau_sp, rel=1e-6)
    assert eb.sigma == pytest.approx(sigma_sp, rel=1e-6)
    assert eb.log_marginal_likelihood >= -opt.fun - 1e-10 * abs(opt.fun)  # nothing higher
    assert eb.log_marginal_likelihood == pytest.approx(-opt.fun, rel=1e-12)


def test_empirical_bayes_curve_is_the_sigma_profile():
    X, y = make_design("n>p", seed=20)
    eb = bayesreg.empirical_bayes(X, y)
    assert eb.taus.shape == eb.log_ml_curve.shape == eb.sigma_curve.shape == (101,)
    assert eb.taus[50] == pytest.approx(eb.tau, rel=1e-12)  # the default grid is centred on τ̂
    assert eb.log_ml_curve[50] == pytest.approx(eb.log_marginal_likelihood, rel=1e-12)
    assert eb.sigma_curve[50] == pytest.approx(eb.sigma, rel=1e-6)
    assert eb.log_ml_curve.max() <= eb.log_marginal_likelihood + 1e-12 * abs(eb.log_marginal_likelihood)
    for k in (0, 20, 70, 100):  # each point is the maximum over σ at its τ
        tau, s = eb.taus[k], eb.sigma_curve[k]
        here = _dense_log_evidence(X, y, None, tau, s, True)
        assert eb.log_ml_curve[k] == pytest.approx(here, rel=1e-10)
        for f in (0.99, 1.01):
            assert _dense_log_evidence(X, y, None, tau, s * f, True) < eb.log_ml_curve[k]


@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no-intercept", "intercept"])
def test_empirical_bayes_scales_with_y(fit_intercept):
    X, y = make_design("corr0.9", seed=21)
    sw = make_weights(len(y))
    a = bayesreg.empirical_bayes(X, y, fit_intercept=fit_intercept, sample_weight=sw)
    c = 7.5
    b = bayesreg.empirical_bayes(X, c * y, fit_intercept=fit_intercept, sample_weight=sw)
    assert b.tau == pytest.approx(c * a.tau, rel=1e-9)
    assert b.sigma == pytest.approx(c * a.sigma, rel=1e-9)
    # the density of c·y in ν dimensions: log p shifts by -ν log c
    assert b.log_marginal_likelihood == pytest.approx(a.log_marginal_likelihood - a.dof * math.log(c), rel=1e-10)


def test_empirical_bayes_weights_are_precisions():
    """Weighted, no intercept = unweighted on √s-scaled rows (+ ½Σlog s in the evidence)."""
    X, y = make_design("n>p", seed=22)
    sw = np.random.default_rng(3).uniform(0.2, 3.0, len(y))
    a = bayesreg.empirical_bayes(X, y, fit_intercept=False, sample_weight=sw)
    r = np.sqrt(sw)
    b = bayesreg.empirical_bayes(r[:, None] * X, r * y, fit_intercept=False)
    assert a.tau == pytest.approx(b.tau, rel=1e-9)
    assert a.sigma == pytest.approx(b.sigma, rel=1e-9)
    assert a.log_marginal_likelihood == pytest.approx(b.log_marginal_likelihood + 0.5 * np.log(sw).sum(), rel=1e-10)


def test_empirical_bayes_without_signal_is_at_the_boundary():
    x = np.array([1.0, -1.0, 1.0, -1.0, 2.0, -2.0])
    y = np.array([1.0, 1.0, -1.0, -1.0, 0.5, 0.5])  # orthogonal to x after centring
    with pytest.warns(RuntimeWarning, match="no interior maximum"):
        eb = bayesreg.empirical_bayes(x[:, None], y)
    assert eb.at_boundary
    assert eb.tau < 1e-3 * eb.sigma


def test_mcem_bayesian_lasso_on_diabetes_is_park_and_casella():
    """Park & Casella's λ on the diabetes data (their preprocessing: load_diabetes(scaled=True),
    σ² with the prior 1/σ²): λ ≈ 0.237."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, scaled=True)
    eb = bayesreg.empirical_bayes(X, y, "bayesianlasso", random_seed=0)
    assert isinstance(eb.prior, bayesreg.BayesianLasso) and eb.method == "mcem"
    assert 0.225 <= eb.prior.lam <= 0.249
    # the Monte Carlo error: small, and what the spread of the (nearly independent,
    # Newton-accelerated) averaged iterates says
    window = eb.trace[-10:]
    spread = window.std(ddof=1) / np.sqrt(window.size)
    assert 0 < eb.mc_error < 2e-3
    assert 0.4 < eb.mc_error / spread < 2.5
    assert eb.prior.lam == pytest.approx(window.mean(), rel=1e-12)
    assert 0.5 < eb.em_rate < 0.95  # slow plain EM: why the steps are accelerated
    assert 40 < eb.sigma < 70  # the posterior mean of σ (the residual sd is about 54)


def _quadrature_log_evidence(x, y, laplace_scale, sigma):
    """log p(y | b) for one coefficient, w ~ Laplace(b), y ~ N(x w, σ²), up to a constant in b."""
    from scipy import integrate

    xx, xy = x @ x / sigma**2, x @ y / sigma**2
    mode, sd = xy / xx, 1 / math.sqrt(xx)

    def f(w):
        return math.exp(-0.5 * xx * (w - mode) ** 2 - abs(w) / laplace_scale) / (2 * laplace_scale)

    lo, hi = min(mode, 0.0) - 12 * sd, max(mode, 0.0) + 12 * sd
    val, _ = integrate.quad(f, lo, hi, points=[0.0, mode], limit=200, epsabs=0, epsrel=1e-12)
    return math.log(val)


@pytest.mark.parametrize("family", ["laplace", "bayesianlasso"])
def test_mcem_finds_the_maximum_of_the_marginal_likelihood(family):
    """One coefficient and σ fixed: the evidence is a 1-D integral, maximised by scipy."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(30)
    y = 1.5 * x + rng.standard_normal(30)
    sigma = 0.8
    relative = family == "bayesianlasso"  # Park & Casella: w | σ ~ Laplace(σ/λ)

    def neg(t):
        scale = sigma / math.exp(t) if relative else math.exp(t)
        return -_quadrature_log_evidence(x, y, scale, sigma)

    best = math.exp(optimize.minimize_scalar(neg, bounds=(-6, 6), method="bounded", options={"xatol": 1e-10}).x)
    eb = bayesreg.empirical_bayes(x[:, None], y, family, sigma=sigma, fit_intercept=False, random_seed=1)
    value = eb.prior.lam if relative else eb.prior.scale
    assert eb.sigma == sigma
    assert abs(value - best) < 4 * eb.mc_error
    assert eb.mc_error < 0.01 * best


def test_mcem_plain_park_and_casella_iteration():
    """accelerate=False iterates λ² ← 2p / Σ E[τ_j²] as it stands: monotone from the
    least-squares start here, to the same λ."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, scaled=True)
    eb = bayesreg.empirical_bayes(X, y, "bayesianlasso", accelerate=False, n_iter=30, n_average=10, random_seed=2)
    start = eb.trace[:12]
    assert np.all(np.diff(start) > 0)  # far from the optimum the noise is small next to the step
    assert 0.225 <= eb.prior.lam <= 0.249


def test_empirical_bayes_other_families_and_bad_input():
    X, y = make_design("n>p")
    for family in ("elasticnet", "horseshoe"):
        with pytest.raises(NotImplementedError, match=family):
            bayesreg.empirical_bayes(X, y, family)
    with pytest.raises(TypeError, match="unexpected keyword"):
        bayesreg.empirical_bayes(X, y, "gaussian", draws=10)
    with pytest.raises(ValueError, match="unknown prior"):
        bayesreg.empirical_bayes(X, y, "cauchy")
    with pytest.raises(ValueError, match="constant"):
        bayesreg.empirical_bayes(X, np.full(len(y), 3.0))


# ------------------------------------------------------------- scale_choices
def test_scale_choices_gaussian_reports_what_it_computed():
    X, y = make_design("corr0.9", seed=23)
    cv = KFold(5, shuffle=True, random_state=8)
    sc = bayesreg.scale_choices(X, y, "gaussian", cv=cv)
    eb = bayesreg.empirical_bayes(X, y)
    assert sc.sigma_source == "empirical_bayes" and sc.sigma == eb.sigma
    assert sc.choices == ("cv_min", "cv_1se", "empirical_bayes")
    # the CV curve and its choices are RidgeMAPCV's on the same grid, scored by the MSE
    ref = RidgeMAPCV(alphas=sc.cv_alphas, cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    np.testing.assert_allclose(sc.cv_error, ref.mse_path_.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(sc.cv_se, ref.mse_path_.std(axis=1, ddof=1) / np.sqrt(5), rtol=1e-10)
    assert sc.choice("cv_min")["alpha"] == ref.alpha_
    a1se, _ = _one_se_by_hand(ref.mse_path_, sc.cv_alphas)
    assert sc.choice("cv_1se")["alpha"] == a1se
    # the axis: τ = σ/√α at the empirical-Bayes σ̂
    np.testing.assert_allclose(sc.cv_scales, eb.sigma / np.sqrt(sc.cv_alphas), rtol=1e-12)
    assert sc.choice("empirical_bayes")["scale"] == eb.tau
    assert sc.choice("empirical_bayes")["alpha"] == pytest.approx(eb.sigma**2 / eb.tau**2, rel=1e-12)
    # the marginal-likelihood curve on the same axis, and its maximum
    np.testing.assert_allclose(sc.ml_scales, sc.cv_scales)
    curve = bayesreg.empirical_bayes(X, y, taus=sc.ml_scales)
    np.testing.assert_array_equal(sc.ml_curve, curve.log_ml_curve)
    for k in (0, 30, 60):
        dense = _dense_log_evidence(X, y, None, sc.ml_scales[k], curve.sigma_curve[k], True)
        assert sc.ml_curve[k] == pytest.approx(dense, rel=1e-10)
    assert sc.ml_value == eb.log_marginal_likelihood >= sc.ml_curve.max()
    # the MAP coefficients at each choice are Ridge's at its alpha
    for k, name in enumerate(sc.choices):
        sk = Ridge(alpha=sc.choice(name)["alpha"], solver="cholesky").fit(X, y)
        _assert_coef_close(sc.coefs[k], sk.coef_)
        assert sc.intercepts[k] == pytest.approx(sk.intercept_, rel=1e-9)


def test_scale_choices_laplace_uses_the_cv_sigma_and_lasso_maps():
    X, y = make_design("n>p", seed=24)
    sw = make_weights(len(y))
    S = sw.sum()
    cv = KFold(5, shuffle=True, random_state=9)
    sc = bayesreg.scale_choices(X, y, "lasso", cv=cv, sample_weight=sw, with_empirical_bayes=False)
    ref = LassoMAPCV(alphas=61, cv=cv).fit(X, y, sample_weight=sw)
    assert sc.choices == ("cv_min", "cv_1se")
    assert sc.ml_curve is None and sc.empirical_bayes is None
    assert sc.sigma_source == "cv_refit" and sc.sigma == ref.sigma_
    np.testing.assert_allclose(sc.cv_alphas, ref.alphas_)
    np.testing.assert_allclose(sc.cv_scales, ref.sigma_**2 / (S * ref.alphas_), rtol=1e-12)  # b
    assert sc.choice("cv_min")["alpha"] == ref.alpha_
    for k, name in enumerate(sc.choices):
        sk = Lasso(alpha=sc.choice_alphas[k], **SK_PRECISE).fit(X, y, sample_weight=sw)
        _assert_coef_close(sc.coefs[k], sk.coef_)
    given = bayesreg.scale_choices(
        X, y, "laplace", cv=cv, sample_weight=sw, sigma=2.0, with_empirical_bayes=False
    )
    assert given.sigma_source == "user"
    np.testing.assert_allclose(given.cv_scales, 4.0 / (S * ref.alphas_), rtol=1e-12)
    np.testing.assert_array_equal(given.coefs, sc.coefs)  # σ moves the axis, not the MAPs
    with pytest.raises(ValueError, match="one scale"):
        bayesreg.scale_choices(X, y, "elasticnet")


def test_scale_choices_laplace_with_monte_carlo_em():
    X, y = make_design("n>p", seed=25)
    cv = KFold(5, shuffle=True, random_state=10)
    opts = dict(random_seed=3, n_iter=8, n_average=4, draws=300)
    sc = bayesreg.scale_choices(X, y, "laplace", cv=cv, eb_options=opts)
    eb = bayesreg.empirical_bayes(X, y, "laplace", **opts)
    assert sc.choices == ("cv_min", "cv_1se", "empirical_bayes")
    assert sc.sigma_source == "empirical_bayes" and sc.sigma == eb.sigma
    assert sc.ml_curve is None  # Monte Carlo EM never evaluates the evidence
    got = sc.choice("empirical_bayes")
    assert got["scale"] == eb.prior.scale
    assert got["alpha"] == pytest.approx(eb.sigma**2 / (len(y) * eb.prior.scale), rel=1e-12)
    sk = Lasso(alpha=got["alpha"], **SK_PRECISE).fit(X, y)
    _assert_coef_close(got["coef"], sk.coef_)


def test_cv_estimators_refuse_summaries():
    """Cross-validation needs the rows: a summary of them is refused by name."""
    from bayesreg.datafits import SufficientStatistics

    X, y = make_design("n>p")
    with pytest.raises(TypeError, match="rows"):
        LassoMAPCV().fit(SufficientStatistics.from_arrays(X, y), None)
