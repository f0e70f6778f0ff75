r"""Awkward inputs: a correct answer (checked independently) or a clear error, never a crash.

Cases from the issue: X scaled by 1e-6 and by 1e6, n = 1, p = 1, p = 5000 with n = 50,
an all-zero column, a constant y; plus inputs that must be refused with a message that
names the problem. References are closed forms or scikit-learn with the conversion
written out here (Ridge ``alpha = σ²/τ²``, Lasso ``alpha = σ²/(S b)``, ElasticNet
``alpha = (σ²/b + σ²/τ²)/S``, ``l1_ratio = (1/b)/(1/b + 1/τ²)``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, Lasso, Ridge

import bayesreg
from bayesreg import map_estimate

FAMILIES = ("gaussian", "laplace", "elasticnet")


def prior_of(family, b=0.1, tau=1.0):
    return {
        "gaussian": bayesreg.Gaussian(tau),
        "laplace": bayesreg.Laplace(b),
        "elasticnet": bayesreg.ElasticNet(b, tau),
    }[family]


def sklearn_twin(prior, sigma, S, fit_intercept=True):
    s2 = sigma**2
    if isinstance(prior, bayesreg.Gaussian):
        return Ridge(alpha=s2 / prior.scale**2, fit_intercept=fit_intercept)
    cd = dict(tol=1e-12, max_iter=10**6, fit_intercept=fit_intercept)
    if isinstance(prior, bayesreg.Laplace):
        return Lasso(alpha=s2 / (S * prior.scale), **cd)
    l1, l2 = s2 / prior.l1_scale, s2 / prior.l2_scale**2
    return ElasticNet(alpha=(l1 + l2) / S, l1_ratio=l1 / (l1 + l2), **cd)


def assert_matches_sklearn(X, y, prior, sigma=1.0, sw=None, fit_intercept=True, rel=1e-8):
    res = map_estimate(X, y, prior, sigma=sigma, sample_weight=sw, fit_intercept=fit_intercept)
    S = len(y) if sw is None else sw.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a non-converged reference proves nothing
        sk = sklearn_twin(prior, sigma, S, fit_intercept).fit(X, y, sample_weight=sw)
    scale = 1 + np.abs(res.coef).max()
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=0, atol=rel * scale)
    pred_scale = 1 + np.abs(y).max()
    np.testing.assert_allclose(res.predict(X), sk.predict(X), rtol=0, atol=rel * pred_scale * 10)
    assert res.kkt_residual <= 1e-9
    return res


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


# ------------------------------------------------------------------ scaled X
@pytest.mark.parametrize("c", [1e-6, 1e6])
@pytest.mark.parametrize("family", FAMILIES)
def test_scaled_X_with_rescaled_prior_is_the_same_problem(diabetes, c, family):
    """X → cX and scales → scales/c: coefficients → coef/c exactly, intercept unchanged."""
    X, y = diabetes
    base = map_estimate(X, y, prior_of(family, 0.05, 20.0), sigma=1.0)
    scaled = map_estimate(c * X, y, prior_of(family, 0.05 / c, 20.0 / c), sigma=1.0)
    np.testing.assert_allclose(
        c * scaled.coef, base.coef, rtol=0, atol=1e-9 * (1 + np.abs(base.coef).max())
    )
    assert np.array_equal(scaled.coef == 0, base.coef == 0)
    assert scaled.intercept == pytest.approx(base.intercept, rel=1e-10)
    assert scaled.kkt_residual <= 1e-12


@pytest.mark.parametrize("c", [1e-6, 1e6])
@pytest.mark.parametrize("family", FAMILIES)
def test_scaled_X_with_fixed_prior_matches_sklearn(diabetes, c, family):
    X, y = diabetes
    assert_matches_sklearn(c * X, y, prior_of(family, 0.1, 3.0))


# ------------------------------------------------------------------ n = 1
@pytest.mark.parametrize("family", FAMILIES)
def test_one_sample_with_intercept(family):
    """Centring a single row leaves nothing: w = 0 exactly and b = y."""
    X, y = np.array([[1.5, -2.0, 0.3]]), np.array([4.2])
    res = map_estimate(X, y, prior_of(family), sigma=1.0)
    assert np.all(res.coef == 0) and res.intercept == 4.2
    assert res.predict(np.array([[10.0, 10.0, 10.0]])) == pytest.approx([4.2])


def test_one_sample_without_intercept_ridge_closed_form():
    r"""min ½(y − xᵀw)² + λ/2‖w‖²  ⇒  w = x y / (xᵀx + λ)."""
    x, y = np.array([1.5, -2.0, 0.3]), 4.2
    lam = 1.0 / 0.5**2
    res = map_estimate(x[None, :], [y], bayesreg.Gaussian(0.5), sigma=1.0, fit_intercept=False)
    np.testing.assert_allclose(res.coef, x * y / (x @ x + lam), rtol=1e-14)


def test_one_sample_without_intercept_lasso_closed_form():
    r"""min ½(y − xᵀw)² + λ‖w‖₁ puts everything on the largest |x_k|:
    w_k = sign(x_k y)·max(|x_k y| − λ, 0)/x_k²."""
    x, y = np.array([1.5, -2.0, 0.3]), 4.2
    lam = 1.0 / 0.25
    res = map_estimate(x[None, :], [y], bayesreg.Laplace(0.25), sigma=1.0, fit_intercept=False)
    expect = np.zeros(3)
    expect[1] = np.sign(x[1] * y) * max(abs(x[1] * y) - lam, 0) / x[1] ** 2
    np.testing.assert_allclose(res.coef, expect, rtol=1e-13, atol=1e-15)
    assert_matches_sklearn(x[None, :], np.array([y]), bayesreg.Laplace(0.25), fit_intercept=False)


# ------------------------------------------------------------------ p = 1
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("weighted", [False, True])
def test_single_feature_closed_form(family, weighted):
    r"""p = 1: w = S_{λ1}(Σ aᵢbᵢ) / (Σ aᵢ² + λ2) with centred, √s-scaled a, b."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-2, 5, 30)
    y = 1.0 + 0.7 * x + rng.standard_normal(30)
    s = rng.uniform(0.2, 2.0, 30) if weighted else np.ones(30)
    prior = prior_of(family, 0.05, 0.5)
    sigma = 1.3
    a = np.sqrt(s) * (x - np.average(x, weights=s))
    b = np.sqrt(s) * (y - np.average(y, weights=s))
    l1, l2 = prior.penalty(sigma).l1, prior.penalty(sigma).l2
    assert (l1, l2) == pytest.approx(
        {
            "gaussian": (0, sigma**2 / 0.25),
            "laplace": (sigma**2 / 0.05, 0),
            "elasticnet": (sigma**2 / 0.05, sigma**2 / 0.25),
        }[family]
    )
    ab = a @ b
    w = np.sign(ab) * max(abs(ab) - l1, 0.0) / (a @ a + l2)
    res = map_estimate(x[:, None], y, prior, sigma=sigma, sample_weight=s if weighted else None)
    assert res.coef[0] == pytest.approx(w, rel=1e-12)
    assert res.intercept == pytest.approx(
        np.average(y, weights=s) - np.average(x, weights=s) * w, rel=1e-12
    )


# ------------------------------------------------------------------ p = 5000, n = 50
@pytest.fixture(scope="module")
def wide():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((50, 5000))
    w = np.zeros(5000)
    w[:5] = [3.0, -2.0, 1.5, 2.5, -1.0]
    return X, X @ w + 0.5 * rng.standard_normal(50)


@pytest.mark.parametrize(
    ("family", "b", "tau"),
    [
        ("gaussian", None, 0.05),
        ("laplace", 0.01, None),
        ("laplace", 0.1, None),
        ("laplace", 1.0, None),
        ("elasticnet", 0.02, 0.5),
    ],
)
def test_wide_p5000_n50(wide, family, b, tau):
    X, y = wide
    res = assert_matches_sklearn(X, y, prior_of(family, b or 1.0, tau or 1.0))
    if family != "gaussian":
        assert 0 < np.count_nonzero(res.coef) <= 49  # at most n - 1 non-zeros with an intercept


def test_wide_lasso_recovers_the_support(wide):
    X, y = wide
    res = map_estimate(X, y, bayesreg.Laplace(0.01), sigma=0.5)
    assert set(np.flatnonzero(res.coef)) >= {0, 1, 2, 3}


# ------------------------------------------------------------------ degenerate columns / y
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("constant", [0.0, 3.7])
def test_constant_column_gets_exactly_zero(family, constant):
    """An all-zero column (or, with an intercept, any constant one) carries no information:
    its coefficient is exactly 0 and the others equal the fit without it."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 5))
    y = X @ [1.0, -2.0, 0.0, 0.5, 3.0] + rng.standard_normal(40)
    Xz = np.insert(X, 2, constant, axis=1)
    prior = prior_of(family, 0.05, 2.0)
    with_col = map_estimate(Xz, y, prior, sigma=1.0)
    without = assert_matches_sklearn(X, y, prior)
    assert with_col.coef[2] == 0.0
    np.testing.assert_allclose(
        np.delete(with_col.coef, 2),
        without.coef,
        rtol=0,
        atol=1e-10 * (1 + np.abs(without.coef).max()),
    )
    assert with_col.intercept == pytest.approx(without.intercept, rel=1e-10)
    assert_matches_sklearn(Xz, y, prior)


@pytest.mark.parametrize("family", FAMILIES)
def test_all_zero_design_without_intercept(family):
    X, y = np.zeros((10, 3)), np.arange(10.0)
    res = map_estimate(X, y, prior_of(family), sigma=1.0, fit_intercept=False)
    assert np.all(res.coef == 0) and res.intercept == 0.0


@pytest.mark.parametrize("family", FAMILIES)
def test_constant_y(family):
    """y ≡ c: with an intercept, w = 0 exactly and b = c; without, as scikit-learn."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 4)) + 2.0
    y = np.full(30, -7.25)
    res = map_estimate(X, y, prior_of(family), sigma=1.0)
    assert np.all(res.coef == 0) and res.intercept == -7.25 and res.kkt_residual == 0.0
    assert_matches_sklearn(X, y, prior_of(family), fit_intercept=False)


# ------------------------------------------------------------------ clear errors
@pytest.mark.parametrize(
    ("X", "y", "kw", "exc", "match"),
    [
        (np.zeros((0, 3)), np.zeros(0), {}, ValueError, "empty"),
        (np.zeros((5, 0)), np.zeros(5), {}, ValueError, "empty"),
        (np.ones(5), np.ones(5), {}, ValueError, "reshape"),
        (np.ones((5, 2)), np.ones(4), {}, ValueError, "lengths must match"),
        (
            np.array([[1.0, np.nan], [2.0, 3.0]]),
            np.ones(2),
            {},
            ValueError,
            "NaN .*row 0, column 1",
        ),
        (np.ones((3, 2)), np.array([1.0, np.inf, 2.0]), {}, ValueError, "y contains inf"),
        (np.array([["a", "b"], ["c", "d"]]), np.ones(2), {}, TypeError, "numeric"),
        (np.ones((3, 2)), np.ones(3), {"sigma": 0.0}, ValueError, "sigma"),
        (
            np.ones((3, 2)),
            np.ones(3),
            {"sample_weight": [1.0, -1.0, 1.0]},
            ValueError,
            "sample_weight must be >= 0",
        ),
        (np.ones((3, 2)), np.ones(3), {"sample_weight": np.zeros(3)}, ValueError, "all zero"),
    ],
)
def test_bad_inputs_raise_clear_errors(X, y, kw, exc, match):
    kw = {"sigma": 1.0, **kw}
    with pytest.raises(exc, match=match):
        map_estimate(X, y, bayesreg.Laplace(0.1), **kw)


def test_bad_priors_raise_clear_errors():
    with pytest.raises(ValueError, match="scale must be finite and > 0"):
        bayesreg.Laplace(0.0)
    with pytest.raises(TypeError, match="bayesreg prior"):
        map_estimate(np.ones((3, 2)), np.ones(3), "lasso", sigma=1.0)


# ------------------------------------------------------------------ known solver bug
#: (seed, strength fraction) of tiny p > n Lasso problems where the MAP is not optimal.
_PURE_L1_WIDE = [(225, 0.1), (225, 0.01), (247, 0.1)]


def test_pure_lasso_with_more_features_than_samples_is_optimal():
    """Reproduction: X, y ~ N(0, 1) with n in [3, 9), p in [n, 3n), Laplace b = 1/(f λmax).

    The answer is checked by its KKT residual and against scikit-learn's objective.
    """
    worst = []
    for seed, frac in _PURE_L1_WIDE:
        rng = np.random.default_rng(seed)
        n = int(rng.integers(3, 9))
        p = int(rng.integers(n, 3 * n))
        X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
        lmax = np.abs((X - X.mean(0)).T @ (y - y.mean())).max()
        prior = bayesreg.Laplace(1.0 / (frac * lmax))
        res = map_estimate(X, y, prior, sigma=1.0)
        sk = Lasso(alpha=frac * lmax / n, tol=1e-14, max_iter=10**7).fit(X, y)
        sk_obj = 0.5 * np.sum((y - sk.predict(X)) ** 2) + frac * lmax * np.abs(sk.coef_).sum()
        worst.append((seed, frac, res.kkt_residual, res.objective - sk_obj))
    assert all(k <= 1e-9 and gap <= 1e-9 * abs(sk_obj) for _, _, k, gap in worst), worst
