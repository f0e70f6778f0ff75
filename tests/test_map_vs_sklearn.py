r"""``map_estimate`` against scikit-learn, the independent reference.

Every case writes the alpha conversion out by hand (as skglm's tests do), from the
σ²-units objective

.. math::

    \tfrac12\sum_i s_i (y_i - b - x_i^\top w)^2 + \lambda_1\lVert w\rVert_1
    + \tfrac{\lambda_2}{2}\lVert w\rVert^2,
    \qquad \lambda_1 = \sigma^2/b_{\text{Laplace}},\quad \lambda_2 = \sigma^2/\tau^2 :

* Gaussian(τ)  → ``Ridge(alpha = σ²/τ²)`` (Ridge sums the loss);
* Laplace(b)   → ``Lasso(alpha = σ²/(S b))`` (Lasso averages it over S = Σ s_i);
* ElasticNet(b, τ) → ``ElasticNet(alpha = (σ²/b + σ²/τ²)/S, l1_ratio = (1/b)/(1/b + 1/τ²))``.

Penalty strengths are fractions of the problem's own scale: for L1 priors
:math:`\lambda_{\max} = \max_j |\sum_i s_i (x_{ij}-\bar x_j)(y_i-\bar y)|`, the weight above
which :math:`w = 0` is optimal (the grid goes past it); for the Gaussian prior the mean
eigenvalue of the centred Gram matrix. The acceptance bound is the issue's:
``max|coef − sklearn| ≤ 1e-8 (1 + max|coef|)``, the same zero pattern for L1 priors,
and a KKT residual ≤ 1e-10, computed here from the raw data independently of
``bayesreg.map.kkt``.

When the comparison fails, :func:`_who_is_wrong` says which answer violates the
optimality conditions, so a failure can be attributed before anyone touches a tolerance.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso, Ridge, enet_path, lasso_path

import bayesreg
from conftest import DESIGN_NAMES, make_design, make_weights

SIGMA = 0.7
#: the acceptance bound of the issue
COEF_RTOL = 1e-8
KKT_TOL = 1e-10
#: scikit-learn's coordinate descent settings for the reference answers
SK_TOL = 1e-12
SK_MAX_ITER = 1_000_000

#: penalty strengths as fractions of λ_max (L1) — near zero to above the all-zero point
L1_FRACTIONS = (1e-4, 1e-2, 0.1, 0.5, 1.5)
#: ridge strengths as multiples of the mean eigenvalue of the centred Gram matrix
L2_FACTORS = (1e-6, 1e-3, 0.1, 1.0, 100.0)
#: the elastic net's L2 weight relative to its L1 weight (in σ²-units): l1_ratio = 2/3
EN_L2_OVER_L1 = 0.5


# ----------------------------------------------------------------- reference maths
def _centre(X, y, sw, fit_intercept):
    """Weighted centring written out (x̄ = Σ s x / Σ s), independent of bayesreg."""
    s = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    if fit_intercept:
        xm = (s[:, None] * X).sum(0) / s.sum()
        ym = (s * y).sum() / s.sum()
    else:
        xm, ym = np.zeros(X.shape[1]), 0.0
    return s, xm, ym


def lambda_max(X, y, sw, fit_intercept) -> float:
    r""":math:`\lVert \sum_i s_i (x_i - \bar x)(y_i - \bar y)\rVert_\infty`."""
    s, xm, ym = _centre(X, y, sw, fit_intercept)
    return float(np.abs((X - xm).T @ (s * (y - ym))).max())


def mean_eigenvalue(X, y, sw, fit_intercept) -> float:
    s, xm, _ = _centre(X, y, sw, fit_intercept)
    return float((s[:, None] * (X - xm) ** 2).sum() / X.shape[1])


def objective(X, y, sw, w, b, l1, l2) -> float:
    """σ²-units negative log posterior: ½ Σ s r² + l1 |w|₁ + l2/2 |w|²."""
    s = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    r = y - b - X @ w
    return float(0.5 * (s * r * r).sum() + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w))


def independent_kkt(X, y, sw, w, b, l1, l2, fit_intercept) -> float:
    r"""Largest violation of :math:`0\in\partial F`, over :math:`\lambda_{\max}`.

    For the weights: :math:`g_j = -\sum_i s_i x_{ij} r_i + \lambda_2 w_j` must equal
    :math:`-\lambda_1\operatorname{sign} w_j` where :math:`w_j\ne0` and satisfy
    :math:`|g_j|\le\lambda_1` where :math:`w_j=0`. For the intercept (if fitted):
    :math:`\sum_i s_i r_i = 0`, measured as the weighted mean residual over the
    weighted mean absolute deviation of :math:`y`.
    """
    s = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    r = y - b - X @ w
    g = -X.T @ (s * r) + l2 * w
    v = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    scale = lambda_max(X, y, sw, fit_intercept) or 1.0
    out = float(v.max()) / scale
    if fit_intercept:
        ym = (s * y).sum() / s.sum()
        spread = (s * np.abs(y - ym)).sum() or 1.0
        out = max(out, abs(float((s * r).sum())) / spread)
    return out


# --------------------------------------------------------------- case construction
def _prior_for(kind: str, strength: float, X, y, sw, fit_intercept):
    """Prior and (l1, l2) in σ²-units for one grid point."""
    if kind == "gaussian":
        l2 = strength * mean_eigenvalue(X, y, sw, fit_intercept)
        tau = SIGMA / np.sqrt(l2)
        return bayesreg.Gaussian(scale=tau), 0.0, l2
    l1 = strength * lambda_max(X, y, sw, fit_intercept)
    b = SIGMA**2 / l1
    if kind == "laplace":
        return bayesreg.Laplace(scale=b), l1, 0.0
    l2 = EN_L2_OVER_L1 * l1
    tau = SIGMA / np.sqrt(l2)
    return bayesreg.ElasticNet(l1_scale=b, l2_scale=tau), l1, l2


def _sklearn_fit(prior, X, y, sw, fit_intercept, *, tol=SK_TOL, max_iter=SK_MAX_ITER):
    """The scikit-learn estimator for ``prior``, conversion written out by hand."""
    S = len(y) if sw is None else float(np.sum(sw))
    if isinstance(prior, bayesreg.Gaussian):
        tau = prior.scale
        est = Ridge(alpha=SIGMA**2 / tau**2, fit_intercept=fit_intercept, solver="cholesky")
    elif isinstance(prior, bayesreg.Laplace):
        b = prior.scale
        est = Lasso(
            alpha=SIGMA**2 / (S * b), fit_intercept=fit_intercept, tol=tol, max_iter=max_iter
        )
    else:
        b, tau = prior.l1_scale, prior.l2_scale
        l1, l2 = SIGMA**2 / b, SIGMA**2 / tau**2
        est = SkElasticNet(
            alpha=(l1 + l2) / S,
            l1_ratio=l1 / (l1 + l2),
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=max_iter,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, sample_weight=sw)


def _who_is_wrong(X, y, sw, res, sk, l1, l2, fit_intercept) -> str:
    ours = independent_kkt(X, y, sw, res.coef, res.intercept, l1, l2, fit_intercept)
    theirs = independent_kkt(X, y, sw, sk.coef_, sk.intercept_, l1, l2, fit_intercept)
    f_ours = objective(X, y, sw, res.coef, res.intercept, l1, l2)
    f_sk = objective(X, y, sw, sk.coef_, sk.intercept_, l1, l2)
    return (
        f"KKT residual: bayesreg {ours:.3g}, scikit-learn {theirs:.3g}; "
        f"objective: bayesreg {f_ours:.17g}, scikit-learn {f_sk:.17g}"
    )


def _check_against_sklearn(kind, strength, X, y, sw, fit_intercept):
    prior, l1, l2 = _prior_for(kind, strength, X, y, sw, fit_intercept)
    res = bayesreg.map_estimate(
        X, y, prior, sigma=SIGMA, fit_intercept=fit_intercept, sample_weight=sw
    )
    sk = _sklearn_fit(prior, X, y, sw, fit_intercept)

    # optimality, from bayesreg's own certificate and from the raw data
    assert res.kkt_residual <= KKT_TOL
    kkt = independent_kkt(X, y, sw, res.coef, res.intercept, l1, l2, fit_intercept)
    assert kkt <= KKT_TOL, _who_is_wrong(X, y, sw, res, sk, l1, l2, fit_intercept)

    # the reported objective is the σ²-units objective at the answer
    f = objective(X, y, sw, res.coef, res.intercept, l1, l2)
    assert res.objective == pytest.approx(f, rel=1e-12, abs=1e-12 * (1 + abs(f)))

    non_unique = kind == "laplace" and np.linalg.matrix_rank(X) < min(X.shape)
    # p > n has no duplicate columns: the lasso solution is unique (general position)
    bound = COEF_RTOL * (1 + np.abs(res.coef).max())
    if non_unique:
        # no unique coefficients: the fitted values and the optimum are unique
        fit_ours = X @ res.coef + res.intercept
        fit_sk = sk.predict(X)
        assert np.abs(fit_ours - fit_sk).max() <= COEF_RTOL * (1 + np.abs(fit_ours).max())
        f_sk = objective(X, y, sw, sk.coef_, sk.intercept_, l1, l2)
        assert f <= f_sk * (1 + 1e-12) + 1e-12
        assert f == pytest.approx(f_sk, rel=1e-10)
        return
    err = np.abs(res.coef - sk.coef_).max()
    assert err <= bound, (
        f"max|coef - sklearn| = {err:.3g} > {bound:.3g}; "
        + _who_is_wrong(X, y, sw, res, sk, l1, l2, fit_intercept)
    )
    # b = ȳ - x̄ᵀw: a coefficient error within the bound moves b by at most ‖x̄‖₁ · bound
    _, xm, _ = _centre(X, y, sw, fit_intercept)
    icpt_bound = COEF_RTOL * (1 + abs(res.intercept)) + np.abs(xm).sum() * bound
    assert abs(res.intercept - sk.intercept_) <= icpt_bound
    if l1 > 0:
        np.testing.assert_array_equal(res.coef != 0, sk.coef_ != 0)


# ----------------------------------------------------------------------- the grid
GRID = [
    pytest.param(kind, s, id=f"{kind}-{s:g}")
    for kind, strengths in (
        ("gaussian", L2_FACTORS),
        ("laplace", L1_FRACTIONS),
        ("elasticnet", L1_FRACTIONS),
    )
    for s in strengths
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("design_name", DESIGN_NAMES)
@pytest.mark.parametrize(("kind", "strength"), GRID)
def test_map_equals_sklearn(kind, strength, design_name, fit_intercept, weighted):
    X, y = make_design(design_name)
    sw = make_weights(len(y)) if weighted else None
    _check_against_sklearn(kind, strength, X, y, sw, fit_intercept)


@pytest.mark.parametrize("kind", ["gaussian", "laplace", "elasticnet"])
@pytest.mark.parametrize("strength", [1e-3, 0.1, 0.7], ids=lambda s: f"{s:g}")
def test_map_equals_sklearn_diabetes(kind, strength, diabetes):
    X, y = diabetes
    _check_against_sklearn(kind, strength, X, y, None, True)


def test_map_above_lambda_max_is_exactly_zero():
    """Past λ_max the Laplace MAP is exactly w = 0 and the intercept the weighted mean."""
    X, y = make_design("n>p")
    sw = make_weights(len(y))
    l1 = 1.01 * lambda_max(X, y, sw, True)
    res = bayesreg.map_estimate(
        X, y, bayesreg.Laplace(SIGMA**2 / l1), sigma=SIGMA, sample_weight=sw
    )
    assert np.all(res.coef == 0)
    assert res.intercept == pytest.approx(np.average(y, weights=sw), rel=1e-14)


def test_ridge_matches_normal_equations():
    """Ridge against the closed form (XᵀSX + λ₂I) w = XᵀSy on centred data."""
    for name in DESIGN_NAMES:
        X, y = make_design(name)
        sw = make_weights(len(y))
        s, xm, ym = _centre(X, y, sw, True)
        Xc, yc = X - xm, y - ym
        l2 = 0.3 * mean_eigenvalue(X, y, sw, True)
        w = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + l2 * np.eye(X.shape[1]), Xc.T @ (s * yc))
        res = bayesreg.map_estimate(
            X, y, bayesreg.Gaussian(SIGMA / np.sqrt(l2)), sigma=SIGMA, sample_weight=sw
        )
        np.testing.assert_allclose(res.coef, w, rtol=0, atol=1e-10 * (1 + np.abs(w).max()))
        assert res.intercept == pytest.approx(ym - xm @ w, rel=1e-10)


@pytest.mark.parametrize("per_coefficient", [False, True])
def test_wide_ridge_kernel_form_over_several_column_blocks(per_coefficient):
    """p > n Ridge is solved in the kernel form, :math:`AL^{-1}A^\top` summed over blocks of
    columns; with more columns than one block it is the primal closed form, shared or
    per-coefficient scales, with weights."""
    rng = np.random.default_rng(12)
    n, p = 60, 2600  # three blocks of bayesreg.map.ridge._KERNEL_BLOCK columns
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.uniform(-3, 3, p)
    y = X[:, :5] @ rng.standard_normal(5) + rng.standard_normal(n)
    sw = rng.uniform(0.2, 2.0, n)
    tau = rng.uniform(0.5, 2.0, p) if per_coefficient else 0.8
    s, xm, ym = _centre(X, y, sw, True)
    Xc, yc = X - xm, y - ym
    l2 = SIGMA**2 / np.broadcast_to(tau, (p,)) ** 2
    # the primal closed form (X^T S X + L) w = X^T S y on centred data: p x p, independent
    w = np.linalg.solve(Xc.T @ (s[:, None] * Xc) + np.diag(l2), Xc.T @ (s * yc))
    res = bayesreg.map_estimate(X, y, bayesreg.Gaussian(tau), sigma=SIGMA, sample_weight=sw)
    assert res.kkt_residual <= 1e-12
    np.testing.assert_allclose(res.coef, w, rtol=0, atol=1e-10 * np.abs(w).max())


# --------------------------------------------------------------------------- paths
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("kind", ["laplace", "elasticnet"])
def test_map_path_matches_sklearn_path(kind, weighted):
    """``map_path`` against ``lasso_path``/``enet_path`` at the same alphas."""
    X, y = make_design("corr0.9")
    sw = make_weights(len(y)) if weighted else None
    prior = bayesreg.Laplace(1.0) if kind == "laplace" else bayesreg.ElasticNet(1.0, 2.0)
    path = bayesreg.map_path(X, y, prior, sigma=SIGMA, n_points=12, sample_weight=sw)
    assert np.all(path.kkt_residuals <= KKT_TOL)
    assert np.all(np.diff(path.factors) < 0)  # strongest first
    # the path's own alphas, recomputed by hand from its penalties
    S = len(y) if sw is None else sw.sum()
    alphas = np.array([(p.l1 + p.l2) / S for p in path.penalties])
    np.testing.assert_allclose(path.sklearn_alphas, alphas, rtol=1e-15)
    # scikit-learn's path functions take no sample_weight: absorb it (and the centring)
    s, xm, ym = _centre(X, y, sw, True)
    Xc = np.sqrt(s)[:, None] * (X - xm) * np.sqrt(len(y) / S)
    yc = np.sqrt(s) * (y - ym) * np.sqrt(len(y) / S)
    kw = dict(alphas=alphas, tol=SK_TOL, max_iter=SK_MAX_ITER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "laplace":
            _, coefs, _ = lasso_path(Xc, yc, **kw)
        else:
            _, coefs, _ = enet_path(Xc, yc, l1_ratio=path.l1_ratio, **kw)
    for k in range(len(alphas)):
        bound = COEF_RTOL * (1 + np.abs(path.coefs[k]).max())
        assert np.abs(path.coefs[k] - coefs[:, k]).max() <= bound, k
        np.testing.assert_array_equal(path.coefs[k] != 0, coefs[:, k] != 0)
    np.testing.assert_allclose(path.intercepts, ym - path.coefs @ xm, rtol=1e-12, atol=1e-12)


def test_ridge_path_matches_ridge():
    X, y = make_design("p>n")
    path = bayesreg.map_path(X, y, bayesreg.Gaussian(1.0), sigma=SIGMA, n_points=8)
    assert path.sklearn_name == "Ridge"
    for k, pen in enumerate(path.penalties):
        sk = Ridge(alpha=pen.l2, solver="cholesky").fit(X, y)
        assert path.sklearn_alphas[k] == pen.l2
        bound = COEF_RTOL * (1 + np.abs(path.coefs[k]).max())
        assert np.abs(path.coefs[k] - sk.coef_).max() <= bound
        assert path.kkt_residuals[k] <= KKT_TOL
