r"""The penalty hub and the converters.

Three kinds of check:

1. **Round trips** (``Penalty`` ↔ scikit-learn / glmnet / C, prior ↔ estimator) hold to
   rounding: a chain of k floating-point operations may move a value by a few ulp, so
   "exact" means a relative error ≤ ``ROUND_TRIP_RTOL`` (8 ulp), checked with hypothesis
   over many orders of magnitude. One documented exception is conditioning, not
   arithmetic: scikit-learn and glmnet carry the L2 weight as ``alpha·(1 − l1_ratio)``,
   and ``1 − l1_ratio`` knows λ₂ only to ``eps·(λ₁+λ₂)/λ₂`` relative, so for λ₁ ≫ λ₂ the
   bound on λ₂ (and τ) is multiplied by that condition number.
2. **Formulas written out**: each converter against the hand-derived expression in
   ``docs/converters.md`` (Gaussian(τ) → Ridge(alpha = σ²/τ²), Laplace(b) →
   Lasso(alpha = σ²/(S b)), …).
3. **Independent solvers**: the scikit-learn estimator a converter returns reproduces
   ``map_estimate``; glmnet's documented objective is proportional to ours; the ``C``
   convention reproduces Ridge through ``sklearn.svm.LinearSVR``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso, LinearRegression, Ridge
from sklearn.svm import LinearSVR

import bayesreg
from bayesreg import convert
from bayesreg.penalty import Penalty
from bayesreg.priors import ElasticNet, Gaussian, Laplace
from conftest import make_design, make_weights

ROUND_TRIP_RTOL = 8 * np.finfo(float).eps
COEF_RTOL = 1e-8

positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)
weight_sums = st.one_of(st.integers(1, 10**6).map(float), positive)


def _close(a: float, b: float, cond: float = 1.0) -> bool:
    """Equal to rounding: relative error ≤ 8 ulp times the condition number ``cond``."""
    return math.isclose(a, b, rel_tol=ROUND_TRIP_RTOL * cond, abs_tol=0.0)


def _l2_cond(pen: Penalty) -> float:
    """Condition number of λ₂ when it is carried as ``(λ₁+λ₂)·(1 − l1_ratio)``."""
    return (pen.l1 + pen.l2) / pen.l2 if pen.l2 > 0 else 1.0


# ============================================================ Penalty: basics
def test_penalty_value_kind_scaled():
    w = np.array([1.0, -2.0, 0.0, 0.5])
    pen = Penalty(l1=0.3, l2=2.0)
    assert pen.value(w) == pytest.approx(0.3 * 3.5 + 0.5 * 2.0 * (1 + 4 + 0.25), rel=1e-15)
    assert pen.kind == "elasticnet"
    assert Penalty(0.3, 0).kind == "lasso"
    assert Penalty(0, 2).kind == "ridge"
    assert Penalty().kind == "none"
    assert pen.scaled(3.0) == Penalty(0.3 * 3.0, 2.0 * 3.0)


@pytest.mark.parametrize("field", ["l1", "l2"])
@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_penalty_rejects_bad_values(field, bad):
    with pytest.raises(ValueError, match=field):
        Penalty(**{field: bad})


@pytest.mark.parametrize("bad", ["a", None, ["a", 1.0]])
def test_penalty_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="l1"):
        Penalty(l1=bad)


@pytest.mark.parametrize("bad", [[[1.0]], [], [1.0, -1.0], [1.0, np.inf]])
def test_penalty_rejects_bad_per_coefficient_weights(bad):
    with pytest.raises(ValueError, match="l1"):
        Penalty(l1=bad)


def test_per_coefficient_penalty_is_a_value():
    pen = Penalty([1.0, 0.0], 2.0)
    assert pen.per_coefficient and pen.n_features == 2 and pen.kind == "elasticnet"
    assert pen == Penalty(np.array([1.0, 0.0]), 2.0) and hash(pen) == hash(Penalty([1.0, 0.0], 2.0))
    assert pen.value(np.array([3.0, -1.0])) == 1.0 * 3.0 + 0.5 * 2.0 * 10.0
    assert Penalty([2.0, 2.0], [1.0, 1.0]).shared() == Penalty(2.0, 1.0)
    with pytest.raises(ValueError, match="different numbers of coefficients"):
        Penalty([1.0, 2.0], [1.0, 2.0, 3.0])


# ================================================ scikit-learn: formulas
@pytest.mark.parametrize("S", [1.0, 37.0, 442.0, 12.625])
def test_penalty_to_sklearn_formulas(S):
    assert Penalty(0, 2.5).to_sklearn(S) == ("Ridge", {"alpha": 2.5})  # Ridge sums: no S
    name, params = Penalty(3.0, 0).to_sklearn(S)
    assert name == "Lasso" and params["alpha"] == pytest.approx(3.0 / S, rel=1e-15)
    name, params = Penalty(3.0, 1.0).to_sklearn(S)
    assert name == "ElasticNet"
    assert params["alpha"] == pytest.approx(4.0 / S, rel=1e-15)
    assert params["l1_ratio"] == pytest.approx(0.75, rel=1e-15)
    assert Penalty().to_sklearn(S) == ("LinearRegression", {})


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_sklearn_params_written_out(sigma):
    n = 80
    sw = make_weights(n)
    S = sw.sum()
    tau, b = 0.8, 0.25
    assert convert.sklearn_params(Gaussian(tau), sigma=sigma) == (
        "Ridge",
        {"alpha": pytest.approx(sigma**2 / tau**2, rel=1e-15)},
    )
    name, params = convert.sklearn_params(Laplace(b), sigma=sigma, n_samples=n)
    assert name == "Lasso" and params["alpha"] == pytest.approx(sigma**2 / (n * b), rel=1e-15)
    # with weights the n of Lasso's 1/(2n) becomes the weight sum
    _, params = convert.sklearn_params(Laplace(b), sigma=sigma, sample_weight=sw)
    assert params["alpha"] == pytest.approx(sigma**2 / (S * b), rel=1e-15)
    name, params = convert.sklearn_params(ElasticNet(b, tau), sigma=sigma, n_samples=n)
    l1, l2 = sigma**2 / b, sigma**2 / tau**2
    assert name == "ElasticNet"
    assert params["alpha"] == pytest.approx((l1 + l2) / n, rel=1e-15)
    assert params["l1_ratio"] == pytest.approx(l1 / (l1 + l2), rel=1e-15)


def test_sklearn_params_needs_n_for_averaged_losses():
    with pytest.raises(ValueError, match="n_samples"):
        convert.sklearn_params(Laplace(1.0), sigma=1.0)
    with pytest.raises(ValueError, match="n_samples"):
        convert.sklearn_params(ElasticNet(1.0, 1.0), sigma=1.0)
    # Ridge sums its loss, so it needs neither
    assert convert.sklearn_params(Gaussian(1.0), sigma=2.0)[1]["alpha"] == 4.0


# ============================================== scikit-learn: round trips
@settings(max_examples=300, deadline=None)
@given(l1=positive, l2=positive, S=weight_sums)
def test_sklearn_round_trip_penalty(l1, l2, S):
    for pen in (Penalty(l1, 0.0), Penalty(0.0, l2), Penalty(l1, l2)):
        name, params = pen.to_sklearn(S)
        back = Penalty.from_sklearn(name, params, S)
        assert _close(back.l1, pen.l1) and _close(back.l2, pen.l2, _l2_cond(pen)), (pen, back)


@settings(max_examples=300, deadline=None)
@given(alpha=positive, ratio=st.floats(0.001, 1.0), S=weight_sums)
def test_sklearn_round_trip_params(alpha, ratio, S):
    pen = Penalty.from_sklearn("ElasticNet", {"alpha": alpha, "l1_ratio": ratio}, S)
    name, params = pen.to_sklearn(S)
    if ratio == 1.0:
        assert name == "Lasso"
    else:
        assert name == "ElasticNet" and _close(params["l1_ratio"], ratio)
    assert _close(params["alpha"], alpha)


@settings(max_examples=200, deadline=None)
@given(scale=positive, scale2=positive, sigma=positive, n=st.integers(1, 10**6))
def test_prior_round_trip_through_sklearn_estimator(scale, scale2, sigma, n):
    """prior → configured estimator → prior (the estimator holds only alpha, l1_ratio)."""
    for prior in (Gaussian(scale), Laplace(scale), ElasticNet(scale, scale2)):
        est = convert.to_sklearn(prior, sigma=sigma, n_samples=n)
        back = convert.from_sklearn(est, sigma=sigma, n_samples=n)
        cond = _l2_cond(prior.penalty(sigma)) if isinstance(prior, ElasticNet) else 1.0
        if cond > 1e6:  # λ₂/λ₁ near eps: l1_ratio rounds to 1, the L2 part is lost
            continue
        assert type(back) is type(prior)
        for a, b in zip(vars(back).values(), vars(prior).values(), strict=True):
            assert _close(a, b, cond), (prior, back)


def test_from_sklearn_formulas():
    sigma = 2.0
    g = convert.from_sklearn(Ridge(alpha=4.0), sigma=sigma)
    assert isinstance(g, Gaussian) and g.scale == pytest.approx(sigma / math.sqrt(4.0), rel=1e-15)
    lap = convert.from_sklearn(Lasso(alpha=0.01), sigma=sigma, n_samples=100)
    assert isinstance(lap, Laplace)
    assert lap.scale == pytest.approx(sigma**2 / (100 * 0.01), rel=1e-15)  # b = σ²/(n α)
    en = convert.from_sklearn(SkElasticNet(alpha=0.02, l1_ratio=0.25), sigma=sigma, n_samples=50)
    l1, l2 = 0.02 * 50 * 0.25, 0.02 * 50 * 0.75
    assert en.l1_scale == pytest.approx(sigma**2 / l1, rel=1e-15)
    assert en.l2_scale == pytest.approx(sigma / math.sqrt(l2), rel=1e-15)


def test_from_sklearn_reads_the_cv_estimators(diabetes):
    """"Tuned by CV, now give me the prior": the CV estimator's alpha_ (and l1_ratio_) is the
    plain estimator's alpha, so its MAP is the CV estimator's refit."""
    from sklearn.linear_model import ElasticNetCV, LassoCV, RidgeCV

    from bayesreg import map_estimate

    X, y = diabetes
    n, sigma = len(y), 50.0
    lasso = LassoCV(cv=3, alphas=20, tol=1e-10, max_iter=100_000).fit(X, y)
    lap = convert.from_sklearn(lasso, sigma=sigma, n_samples=n)
    assert isinstance(lap, Laplace)
    assert lap.scale == pytest.approx(sigma**2 / (n * lasso.alpha_), rel=1e-15)  # b = σ²/(n α_)
    np.testing.assert_allclose(map_estimate(X, y, lap, sigma=sigma).coef, lasso.coef_, atol=1e-6)
    ridge = RidgeCV(alphas=[0.01, 0.1, 1.0]).fit(X, y)
    g = convert.from_sklearn(ridge, sigma=sigma)
    assert g.scale == pytest.approx(sigma / math.sqrt(ridge.alpha_), rel=1e-15)  # τ = σ/√α_
    np.testing.assert_allclose(map_estimate(X, y, g, sigma=sigma).coef, ridge.coef_, rtol=1e-8)
    enet = ElasticNetCV(l1_ratio=[0.3, 0.8], cv=3, alphas=10, tol=1e-10, max_iter=100_000).fit(X, y)
    en = convert.from_sklearn(enet, sigma=sigma, n_samples=n)
    l1, l2 = enet.alpha_ * n * enet.l1_ratio_, enet.alpha_ * n * (1 - enet.l1_ratio_)
    assert en.l1_scale == pytest.approx(sigma**2 / l1, rel=1e-13)
    assert en.l2_scale == pytest.approx(sigma / math.sqrt(l2), rel=1e-13)
    with pytest.raises(ValueError, match="LassoCV is not fitted"):
        convert.from_sklearn(LassoCV(), sigma=sigma, n_samples=n)


def test_from_sklearn_rejects_other_estimators():
    with pytest.raises(TypeError, match="Ridge, Lasso or ElasticNet"):
        convert.from_sklearn(LinearRegression(), sigma=1.0)
    with pytest.raises(ValueError, match="unknown scikit-learn estimator"):
        Penalty.from_sklearn("SGDRegressor", {"alpha": 1.0}, 10)
    with pytest.raises(ValueError, match="weight_sum"):
        Penalty.from_sklearn("Lasso", {"alpha": 1.0})
    with pytest.raises(ValueError, match="l1_ratio"):
        Penalty.from_sklearn("ElasticNet", {"alpha": 1.0, "l1_ratio": 1.5}, 10)


# ========================== the converter's estimator reproduces map_estimate
PRIORS = [
    pytest.param(Gaussian(0.3), id="Gaussian"),
    pytest.param(Laplace(0.05), id="Laplace"),
    pytest.param(ElasticNet(0.05, 0.3), id="ElasticNet"),
]


def _fit_quiet(est, X, y, sw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("prior", PRIORS)
def test_to_sklearn_estimator_reproduces_map(prior, fit_intercept, weighted):
    X, y = make_design("corr0.9", seed=4)
    sw = make_weights(len(y)) if weighted else None
    sigma = 0.9
    res = bayesreg.map_estimate(
        X, y, prior, sigma=sigma, fit_intercept=fit_intercept, sample_weight=sw
    )
    est = convert.to_sklearn(
        prior, sigma=sigma, n_samples=len(y), sample_weight=sw, fit_intercept=fit_intercept
    )
    assert type(est).__name__ == res.sklearn_params[0]
    _fit_quiet(est, X, y, sw)
    bound = COEF_RTOL * (1 + np.abs(res.coef).max())
    assert np.abs(est.coef_ - res.coef).max() <= bound
    assert est.intercept_ == pytest.approx(res.intercept, abs=1e-7 * (1 + abs(res.intercept)))


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("prior", PRIORS)
def test_result_sklearn_estimator_reproduces_map(prior, weighted):
    """``MapResult.sklearn_estimator`` fitted on the same data (and weights) gives ``coef``.

    The weights are not integers, so the weight sum S is not an integer either.
    """
    X, y = make_design("n>p", seed=5)
    sw = make_weights(len(y)) if weighted else None
    res = bayesreg.map_estimate(X, y, prior, sigma=1.3, sample_weight=sw)
    est = _fit_quiet(res.sklearn_estimator, X, y, sw)
    assert np.abs(est.coef_ - res.coef).max() <= COEF_RTOL * (1 + np.abs(res.coef).max())
    assert (type(est).__name__, est.get_params()["alpha"]) == (
        res.sklearn_params[0],
        pytest.approx(res.sklearn_params[1]["alpha"], rel=1e-15),
    )


def test_to_sklearn_precise_settings_and_overrides():
    est = convert.to_sklearn(Laplace(1.0), sigma=1.0, n_samples=10)
    assert est.tol <= 1e-12 and est.max_iter >= 100_000
    est = convert.to_sklearn(Laplace(1.0), sigma=1.0, n_samples=10, precise=False, tol=1e-3)
    assert est.tol == 1e-3
    ridge = convert.to_sklearn(Gaussian(1.0), sigma=1.0, fit_intercept=False)
    assert isinstance(ridge, Ridge) and ridge.fit_intercept is False


# ================================================================== glmnet
def glmnet_y_scale(y, sw, intercept):
    """The scale glmnet's Gaussian family divides y and every lambda by (its Fortran
    ``standard``: weights normalised to sum to 1; centred with an intercept)."""
    v = np.full(len(y), 1 / len(y)) if sw is None else sw / sw.sum()
    yc = y - v @ y if intercept else y
    return np.sqrt(v @ yc**2)


def glmnet_objective(X, y, sw, w, b0, lam, alpha, *, intercept=True, vp=None, standardize=False):
    r"""What glmnet minimises, written as its Fortran computes it: on the standardised
    response :math:`y/s_y` (and, with ``standardize``, columns :math:`x_j/\xi_j`), with
    weights summing to 1, penalty factors rescaled to sum to p, and ``lambda / s_y``:

    .. math::

        \tfrac12\sum_i v_i (y_i/s_y - \beta_0/s_y - \sum_j (x_{ij}/\xi_j) a_j)^2
        + \frac{\lambda}{s_y}\sum_j f_j\Big[\frac{1-\alpha}{2}a_j^2 + \alpha|a_j|\Big],
        \qquad a_j = \beta_j\xi_j/s_y .
    """
    n, p = X.shape
    v = np.full(n, 1 / n) if sw is None else sw / sw.sum()
    ys = glmnet_y_scale(y, sw, intercept)
    xs = np.sqrt(v @ (X - v @ X) ** 2) if standardize else np.ones(p)
    f = np.ones(p) if vp is None else np.asarray(vp, float) * p / np.sum(vp)
    a = w * xs / ys
    r = y / ys - b0 / ys - (X / xs) @ a
    return 0.5 * (v * r * r).sum() + lam / ys * (f * (0.5 * (1 - alpha) * a * a + alpha * np.abs(a))).sum()


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("prior", PRIORS)
def test_glmnet_objective_is_ours_over_S_sy2(prior, weighted, intercept):
    """For every (w, b): glmnet's objective = (σ²-units objective) / (S s_y²), so the same
    minimiser, with (lambda, alpha) from glmnet_params given y."""
    X, y = make_design("n>p", seed=6)
    y = 3.0 * y + 1.0  # a response whose scale is not 1
    sw = make_weights(len(y)) if weighted else None
    S = len(y) if sw is None else sw.sum()
    sigma = 1.7
    lam, alpha = convert.glmnet_params(prior, sigma=sigma, y=y, sample_weight=sw, fit_intercept=intercept)
    pen = prior.penalty(sigma)
    ys = glmnet_y_scale(y, sw, intercept)
    rng = np.random.default_rng(0)
    s = np.ones(len(y)) if sw is None else sw
    for _ in range(5):
        w, b0 = rng.standard_normal(X.shape[1]), rng.standard_normal()
        r = y - b0 - X @ w
        ours = 0.5 * (s * r * r).sum() + pen.l1 * np.abs(w).sum() + 0.5 * pen.l2 * (w @ w)
        theirs = glmnet_objective(X, y, sw, w, b0, lam, alpha, intercept=intercept)
        assert theirs == pytest.approx(ours / (S * ys**2), rel=1e-12)


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("alpha", [1.0, 0.6, 0.0])
def test_from_glmnet_with_factors_minimises_glmnet_objective(alpha, standardize):
    """penalty.factor (with a 0: unpenalised) and standardize=TRUE: the MAP of the converted
    prior minimises glmnet's objective (checked by its optimality on random perturbations)."""
    X, y = make_design("n>p", seed=9)
    X = X * np.linspace(0.5, 3.0, X.shape[1])
    sw = make_weights(len(y))
    vp = np.linspace(0.0, 2.0, X.shape[1])
    prior = convert.from_glmnet(
        0.2, alpha, sigma=1.0, y=y, sample_weight=sw, penalty_factor=vp, X=X, standardize=standardize
    )
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0, sample_weight=sw)
    assert res.kkt_residual < 1e-12
    obj = lambda w, b: glmnet_objective(X, y, sw, w, b, 0.2, alpha, vp=vp, standardize=standardize)  # noqa: E731
    best = obj(res.coef, res.intercept)
    rng = np.random.default_rng(1)
    for _ in range(50):
        dw = 1e-4 * rng.standard_normal(X.shape[1]) * rng.integers(0, 2, X.shape[1])
        assert obj(res.coef + dw, res.intercept + 1e-4 * rng.standard_normal()) >= best - 1e-15
    back = convert.glmnet_params(
        prior, sigma=1.0, y=y, sample_weight=sw, X=X, standardize=standardize
    )
    assert back[0] == pytest.approx(0.2, rel=1e-12) and back[1] == pytest.approx(alpha, abs=1e-12)
    assert np.allclose(back[2], vp * len(vp) / vp.sum(), rtol=1e-12)


def test_glmnet_params_formulas():
    sigma, b, tau, n = 2.0, 0.5, 1.5, 40
    y = np.random.default_rng(0).standard_normal(n) * 4.0
    sy = np.sqrt(np.mean((y - y.mean()) ** 2))
    # alpha = 1: y's scale does not matter, so y is not needed
    assert convert.glmnet_params(Laplace(b), sigma=sigma, n_samples=n) == pytest.approx(
        (sigma**2 / (n * b), 1.0), rel=1e-15
    )
    l1, l2 = sigma**2 / b, sigma**2 / tau**2
    lam, alpha = convert.glmnet_params(Gaussian(tau), sigma=sigma, y=y)
    assert (lam, alpha) == pytest.approx((sy * l2 / n, 0.0), rel=1e-14)  # ridge: times s_y
    assert convert.glmnet_params(ElasticNet(b, tau), sigma=sigma, y=y) == pytest.approx(
        ((l1 + sy * l2) / n, l1 / (l1 + sy * l2)), rel=1e-14
    )
    rms = np.sqrt(np.mean(y**2))  # intercept=FALSE: the root mean square
    assert convert.glmnet_params(Gaussian(tau), sigma=sigma, y=y, fit_intercept=False)[0] == (
        pytest.approx(rms * l2 / n, rel=1e-14)
    )
    with pytest.raises(ValueError, match="pass y"):
        convert.glmnet_params(Gaussian(tau), sigma=sigma, n_samples=n)


@pytest.mark.parametrize(
    ("lam", "alpha", "family"),
    [(0.05, 1.0, Laplace), (0.05, 0.0, Gaussian), (0.05, 0.4, ElasticNet)],
)
def test_from_glmnet_matches_sklearn_enet_fit(lam, alpha, family):
    """On a response of unit (1/N) sd, glmnet (lambda, alpha) = sklearn ElasticNet(alpha=lambda,
    l1_ratio=alpha) (glmnet's own advice when comparing with other software)."""
    X, y = make_design("n>p", seed=7)
    y = (y - y.mean()) / y.std()
    sigma = 1.1
    prior = convert.from_glmnet(lam, alpha, sigma=sigma, y=y)
    assert type(prior) is family
    res = bayesreg.map_estimate(X, y, prior, sigma=sigma)
    if alpha == 0.0:  # sklearn's ElasticNet refuses l1_ratio=0 accuracy-wise: Ridge sums
        sk = Ridge(alpha=lam * len(y), solver="cholesky").fit(X, y)
    else:
        sk = _fit_quiet(
            SkElasticNet(alpha=lam, l1_ratio=alpha, tol=1e-12, max_iter=10**6), X, y, None
        )
    assert np.abs(sk.coef_ - res.coef).max() <= COEF_RTOL * (1 + np.abs(res.coef).max())


def _r_glmnet_available():
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(glmnet)"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _r_glmnet_available(), reason="R with glmnet is not installed")
def test_from_glmnet_equals_real_glmnet(tmp_path):
    """Against R's glmnet itself: every alpha, intercept, standardize, penalty.factor, weights."""
    import itertools
    import subprocess

    rng = np.random.default_rng(4)
    n, p = 60, 5
    X = rng.standard_normal((n, p)) * [1, 3, 0.5, 2, 1] + [0, 5, -2, 0, 1]
    y = X @ [1.0, -0.5, 2.0, 0.0, 0.3] + 3 + 2 * rng.standard_normal(n)
    sw = rng.uniform(0.5, 2, n)
    vp = [1, 0, 2, 1, 0.5]
    cases = list(itertools.product([1.0, 0.5, 0.0], [1, 0], [0, 1], [0, 1], [0, 1]))
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "y.csv", y)
    np.savetxt(tmp_path / "w.csv", sw)
    np.savetxt(tmp_path / "cases.csv", np.array(cases), delimiter=",")
    script = f"""
    suppressMessages(library(glmnet))
    X <- as.matrix(read.csv("{tmp_path}/X.csv", header=FALSE)); y <- scan("{tmp_path}/y.csv", quiet=TRUE)
    w <- scan("{tmp_path}/w.csv", quiet=TRUE); cases <- as.matrix(read.csv("{tmp_path}/cases.csv", header=FALSE))
    out <- t(apply(cases, 1, function(k) {{
      pf <- if (k[4] == 1) c({", ".join(map(str, vp))}) else rep(1, ncol(X))
      ww <- if (k[5] == 1) w else rep(1, nrow(X))
      as.numeric(coef(glmnet(X, y, weights=ww, alpha=k[1], lambda=0.3, intercept=k[2] == 1,
        standardize=k[3] == 1, penalty.factor=pf, thresh=1e-22, maxit=1e8)))
    }}))
    write.table(format(out, digits=17), "{tmp_path}/out.csv", sep=",", row.names=FALSE, col.names=FALSE, quote=FALSE)
    """
    subprocess.run(["Rscript", "-e", script], check=True, capture_output=True)
    theirs = np.loadtxt(tmp_path / "out.csv", delimiter=",")
    for (alpha, intercept, std, pf, weighted), coef in zip(cases, theirs):
        w = sw if weighted else None
        prior = convert.from_glmnet(
            0.3, alpha, sigma=1.0, y=y, sample_weight=w, fit_intercept=bool(intercept),
            penalty_factor=vp if pf else None, X=X, standardize=bool(std),
        )
        res = bayesreg.map_estimate(X, y, prior, sigma=1.0, fit_intercept=bool(intercept), sample_weight=w)
        case = dict(alpha=alpha, intercept=intercept, standardize=std, penalty_factor=pf, weights=weighted)
        # glmnet's coordinate descent converges to about 1e-11 without an intercept
        assert np.abs(res.coef - coef[1:]).max() <= 1e-9 * np.abs(coef[1:]).max(), case
        assert res.intercept == pytest.approx(coef[0], abs=1e-9 * (1 + abs(coef[0]))), case


def test_scalar_sample_weight_needs_n_samples():
    assert convert.weight_sum(10, 2.0) == 20.0
    assert convert.sklearn_params(Laplace(1.0), sigma=1.0, n_samples=10, sample_weight=2.0) == (
        "Lasso", {"alpha": 1.0 / 20.0}
    )
    with pytest.raises(ValueError, match="pass n_samples too"):
        convert.sklearn_params(Laplace(1.0), sigma=1.0, sample_weight=2.0)


@settings(max_examples=300, deadline=None)
@given(l1=positive, l2=positive, S=weight_sums)
def test_glmnet_round_trip(l1, l2, S):
    for pen in (Penalty(l1, 0.0), Penalty(0.0, l2), Penalty(l1, l2)):
        back = Penalty.from_glmnet(*pen.to_glmnet(S), S)
        assert _close(back.l1, pen.l1) and _close(back.l2, pen.l2, _l2_cond(pen)), (pen, back)


def test_glmnet_rejects_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        Penalty.from_glmnet(0.1, 1.5, 10)
    with pytest.raises(ValueError, match="lambda"):
        Penalty.from_glmnet(-0.1, 0.5, 10)


# ======================================================================= C
@pytest.mark.parametrize("tau", [0.1, 0.5, 2.0])
def test_C_reproduces_ridge_through_linear_svr(tau):
    r"""LinearSVR(squared ε-insensitive, ε=0) minimises :math:`C\sum r^2 + \frac12\lVert w\rVert^2`.

    Multiplying our :math:`\frac12\sum r^2 + \frac{\lambda_2}{2}\lVert w\rVert^2` by
    :math:`1/\lambda_2` gives it with :math:`C = 1/(2\lambda_2) = \tau^2/(2\sigma^2)`.
    """
    X, y = make_design("n>p", seed=8)
    sigma = 0.7
    C = convert.to_C(Gaussian(tau), sigma=sigma)
    assert C == pytest.approx(tau**2 / (2 * sigma**2), rel=1e-15)
    res = bayesreg.map_estimate(X, y, Gaussian(tau), sigma=sigma, fit_intercept=False)
    svr = LinearSVR(
        C=C, epsilon=0.0, loss="squared_epsilon_insensitive", fit_intercept=False,
        dual=True, tol=1e-12, max_iter=1_000_000,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        svr.fit(X, y)
    assert np.abs(svr.coef_ - res.coef).max() <= COEF_RTOL * (1 + np.abs(res.coef).max())


def test_C_l1_objective_is_ours_over_l1():
    r""":math:`C\sum r^2 + \lVert w\rVert_1` with :math:`C = 1/(2\lambda_1) = b/(2\sigma^2)`
    equals our objective divided by :math:`\lambda_1`, for every w."""
    X, y = make_design("n>p", seed=9)
    sigma, b = 0.8, 0.3
    C = convert.to_C(Laplace(b), sigma=sigma)
    assert C == pytest.approx(b / (2 * sigma**2), rel=1e-15)
    l1 = sigma**2 / b
    rng = np.random.default_rng(1)
    for _ in range(5):
        w = rng.standard_normal(X.shape[1])
        r = y - X @ w
        ours = 0.5 * (r @ r) + l1 * np.abs(w).sum()
        assert C * (r @ r) + np.abs(w).sum() == pytest.approx(ours / l1, rel=1e-13)


@settings(max_examples=300, deadline=None)
@given(C=positive, sigma=positive)
def test_C_round_trip(C, sigma):
    assert _close(Penalty.from_C(C, "l2").to_C(), C)
    assert _close(Penalty.from_C(C, "l1").to_C(), C)
    g = convert.from_C(C, sigma=sigma, kind="l2")
    lap = convert.from_C(C, sigma=sigma, kind="l1")
    assert isinstance(g, Gaussian) and isinstance(lap, Laplace)
    assert _close(convert.to_C(g, sigma=sigma), C)
    assert _close(convert.to_C(lap, sigma=sigma), C)


def test_C_errors():
    with pytest.raises(ValueError, match="no single C"):
        convert.to_C(ElasticNet(1.0, 1.0), sigma=1.0)
    with pytest.raises(ValueError, match="kind"):
        Penalty.from_C(1.0, "l3")
    with pytest.raises(ValueError, match="C"):
        Penalty.from_C(0.0)


# ====================================================== other converter helpers
def test_prior_from_penalty_families():
    assert convert.prior_from_penalty(Penalty(0, 4.0), sigma=2.0) == Gaussian(1.0)
    assert convert.prior_from_penalty(Penalty(2.0, 0), sigma=2.0) == Laplace(2.0)
    assert convert.prior_from_penalty(Penalty(2.0, 4.0), sigma=2.0) == ElasticNet(2.0, 1.0)
    with pytest.raises(ValueError, match="flat prior"):
        convert.prior_from_penalty(Penalty(), sigma=1.0)


def test_weight_sum():
    assert convert.weight_sum(10) == 10.0
    sw = make_weights(12)
    assert convert.weight_sum(sample_weight=sw) == pytest.approx(sw.sum(), rel=1e-15)
    with pytest.raises(ValueError, match="n_samples"):
        convert.weight_sum()
    for bad in (0, -3, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="n_samples"):
            convert.weight_sum(bad)
    with pytest.raises(ValueError, match="sample_weight"):
        convert.weight_sum(sample_weight=[1.0, -1.0])


@pytest.mark.parametrize("bad_sigma", [0.0, -1.0, float("nan")])
def test_converters_check_sigma(bad_sigma):
    for fn in (convert.sklearn_params, convert.glmnet_params):
        with pytest.raises(ValueError, match="sigma"):
            fn(Laplace(1.0), sigma=bad_sigma, n_samples=10)
    with pytest.raises(ValueError, match="sigma"):
        convert.to_C(Gaussian(1.0), sigma=bad_sigma)


def test_converters_check_prior():
    with pytest.raises(TypeError, match="prior"):
        convert.sklearn_params("laplace", sigma=1.0, n_samples=10)
