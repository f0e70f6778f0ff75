r"""Exact logistic and Poisson MAPs (``map_estimate(..., family=...)``) against independent references.

The objective is the negative log posterior itself (dispersion 1), written out here:

.. math::

    F(w, b) = \sum_i s_i\,\ell(b + x_i^\top w; y_i) + \lambda_1\lVert w\rVert_1
    + \tfrac{\lambda_2}{2}\lVert w\rVert^2,

with :math:`\ell` the log-loss :math:`\log(1+e^\eta) - y\eta` (Bernoulli) or
:math:`e^\eta - y\eta` (Poisson, up to a constant), and, from the priors' densities,
Gaussian(τ): :math:`\lambda_2 = 1/\tau^2`; Laplace(b): :math:`\lambda_1 = 1/b`;
ElasticNet(b, τ): both. The references, with the conversion written out by hand:

* L2, Bernoulli: ``LogisticRegression(C = 1/λ₂ = τ², solver="newton-cholesky")``;
* L2, Poisson: ``PoissonRegressor(alpha = λ₂/S, solver="newton-cholesky")``, S = Σ s_i;
* L1, Bernoulli without an intercept: ``LogisticRegression(C = 1/λ₁ = b, l1_ratio=1,
  solver="liblinear")`` (liblinear would penalise an intercept);
* otherwise (L1 or elastic net with an intercept, any Poisson L1): L-BFGS-B on the smooth
  reformulation :math:`w = u - v`, :math:`u, v \ge 0`,
  :math:`\sum_i s_i\ell_i + \lambda_1\mathbf 1^\top(u+v) + \frac{\lambda_2}{2}\lVert u-v\rVert^2`
  (columns standardised for the optimiser), then Newton steps on its support.

A reference is trusted at the issue's tolerance only where it is itself that accurate: its
error is estimated by a Newton step on the smooth problem restricted to its support
(:func:`newton_step`). Where it is, ``max|coef − reference| ≤ 1e-6 (1 + max|coef|)`` and the
zero patterns are identical; everywhere, our certificate and an independent KKT check
written here are ≤ 1e-10 and our objective is no worse than the reference's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, PoissonRegressor

import bayesreg
from bayesreg.datafits import BernoulliDatafit, PoissonDatafit
from conftest import make_design, make_weights

COEF_RTOL = 1e-6
KKT_TOL = 1e-10
#: a reference whose estimated error (a Newton step) is below this is "that accurate"
REF_RTOL = 1e-7

L1_FRACTIONS = (1e-3, 1e-2, 0.1, 0.5, 1.5)
#: L2 weights as multiples of the mean eigenvalue of the Hessian at the intercept-only fit
L2_FACTORS = (1e-4, 1e-2, 1.0, 100.0)
EN_L2_OVER_L1 = 0.5
GLM_DESIGNS = ("n>p", "p>n", "corr0.9", "scaled")


# ------------------------------------------------------------------ reference maths
def loss(fam, eta, y):
    if fam == "bernoulli":
        return y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta)
    return np.exp(eta) - y * eta


def mean(fam, eta):
    return expit(eta) if fam == "bernoulli" else np.exp(eta)


def var(fam, eta):
    return expit(eta) * expit(-eta) if fam == "bernoulli" else np.exp(eta)


def objective(fam, X, y, s, w, b, l1, l2):
    return float(s @ loss(fam, b + X @ w, y) + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w)


def intercept_only(fam, y, s, fit_intercept):
    """The intercept-only fit: log-odds or log of the weighted mean."""
    if not fit_intercept:
        return 0.0
    m = (s @ y) / s.sum()
    return float(np.log(m / (1 - m)) if fam == "bernoulli" else np.log(m))


def hessian_scales(fam, X, y, s, fit_intercept):
    """λ_max, the column scales d_j (root diagonal of the profiled Hessian at the
    intercept-only fit) and the gradient there."""
    b0 = intercept_only(fam, y, s, fit_intercept)
    eta0 = np.full(len(y), b0)
    g0 = X.T @ (s * (mean(fam, eta0) - y))
    h = s * var(fam, eta0)
    Xc = X - (h @ X) / h.sum() if fit_intercept else X
    d = np.sqrt(h @ Xc**2)
    return float(np.abs(g0).max()), np.where(d > 0, d, 1.0), g0, Xc, h


def independent_kkt(fam, X, y, s, w, b, l1, l2, fit_intercept):
    r"""Largest violation of :math:`0\in\partial F`, each coordinate on its own scale
    :math:`d_j`, over :math:`\max_j |g_{0j}|/d_j`; and the intercept's stationarity
    :math:`\sum_i s_i(\mu_i - y_i) = 0` over :math:`\sum_i s_i|y_i - \bar y|`."""
    _, d, g0, _, _ = hessian_scales(fam, X, y, s, fit_intercept)
    r = mean(fam, b + X @ w) - y
    g = X.T @ (s * r) + l2 * w
    v = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    out = float((v / d).max() / (np.abs(g0) / d).max())
    if fit_intercept:
        ym = (s @ y) / s.sum()
        out = max(out, abs(float(s @ r)) / float(s @ np.abs(y - ym)))
    return out


def newton_step(fam, X, y, s, w, b, l1, l2, fit_intercept):
    """The Newton step of the smooth problem on the support of ``w`` (signs fixed) and the
    intercept: an estimate of the distance from ``(w, b)`` to the optimum there."""
    S = np.flatnonzero(w)
    eta = b + X @ w
    r, h = s * (mean(fam, eta) - y), s * var(fam, eta)
    Z = X[:, S]
    grad = Z.T @ r + l1 * np.sign(w[S]) + l2 * w[S]
    H = Z.T @ (h[:, None] * Z) + l2 * np.eye(S.size)
    if fit_intercept:
        grad = np.append(grad, r.sum())
        H = np.block([[H, (Z.T @ h)[:, None]], [(h @ Z)[None, :], np.array([[h.sum()]])]])
    step = -np.linalg.lstsq(H, grad, rcond=None)[0] if grad.size else grad
    dw = np.zeros_like(w)
    dw[S] = step[: S.size]
    return dw, (float(step[-1]) if fit_intercept else 0.0)


def polish(fam, X, y, s, w, b, l1, l2, fit_intercept, n_steps=30):
    """Newton steps on the reference's support while they keep its signs and do not raise
    F beyond rounding."""
    f = objective(fam, X, y, s, w, b, l1, l2)
    for _ in range(n_steps):
        dw, db = newton_step(fam, X, y, s, w, b, l1, l2, fit_intercept)
        wn, bn = w + dw, b + db
        fn = objective(fam, X, y, s, wn, bn, l1, l2)
        if not np.array_equal(np.sign(wn), np.sign(w)) or fn > f + 1e-13 * abs(f):
            break
        w, b, f = wn, bn, fn
        if np.abs(dw).max() <= 1e-15 * (1 + np.abs(w).max()):
            break
    return w, b


def split_lbfgs(fam, X, y, s, l1, l2, fit_intercept):
    """L-BFGS-B on :math:`w = u - v` with :math:`u, v \\ge 0` (standardised columns)."""
    n, p = X.shape
    d = X.std(0)
    d[d == 0] = 1.0
    Z = X / d
    l1z, l2z = l1 / d, l2 / d**2

    def f(th):
        u, v = th[:p], th[p : 2 * p]
        b = th[2 * p] if fit_intercept else 0.0
        wz = u - v
        eta = b + Z @ wz
        r = s * (mean(fam, eta) - y)
        g = Z.T @ r
        F = s @ loss(fam, eta, y) + l1z @ (u + v) + 0.5 * (l2z * wz) @ wz
        parts = [g + l1z + l2z * wz, -g + l1z - l2z * wz] + ([[r.sum()]] if fit_intercept else [])
        return F, np.concatenate(parts)

    th0 = np.zeros(2 * p + int(fit_intercept))
    if fit_intercept:
        th0[-1] = intercept_only(fam, y, s, True)
    bounds = [(0, None)] * (2 * p) + ([(None, None)] if fit_intercept else [])
    o = minimize(f, th0, jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(maxiter=2_000, maxfun=4_000, ftol=0.0, gtol=1e-10, maxcor=30))
    w = (o.x[:p] - o.x[p : 2 * p]) / d
    return w, (float(o.x[-1]) if fit_intercept else 0.0)


# --------------------------------------------------------------- case construction
def glm_design(name: str, family: str):
    """A design of :data:`GLM_DESIGNS` and a target of the family.

    ``"scaled"`` is the n > p design with columns multiplied by 10^U(-3, 3) (badly scaled
    columns); the other three are conftest's designs.
    """
    rng = np.random.default_rng(7)
    X, _ = make_design("n>p" if name == "scaled" else name)
    if name == "scaled":
        X = X * 10.0 ** rng.uniform(-3, 3, X.shape[1])
    Xs = (X - X.mean(0)) / X.std(0)
    w = np.zeros(X.shape[1])
    w[:4] = [1.0, -0.8, 0.5, 0.3]
    eta = 0.3 + Xs @ w
    if family == "bernoulli":
        y = (rng.random(len(eta)) < expit(eta)).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    return X, y


def prior_for(kind, strength, family, X, y, s, fit_intercept):
    """Prior and (l1, l2) for one grid point."""
    lmax, _, _, Xc, h = hessian_scales(family, X, y, s, fit_intercept)
    if kind == "gaussian":
        l2 = strength * float(h @ (Xc**2).sum(1)) / X.shape[1]
        return bayesreg.Gaussian(scale=1 / np.sqrt(l2)), 0.0, l2
    l1 = strength * lmax
    if kind == "laplace":
        return bayesreg.Laplace(scale=1 / l1), l1, 0.0
    l2 = EN_L2_OVER_L1 * l1
    return bayesreg.ElasticNet(l1_scale=1 / l1, l2_scale=1 / np.sqrt(l2)), l1, l2


def reference(kind, family, X, y, sw, s, l1, l2, fit_intercept):
    """The reference answer ``(coef, intercept, name)`` (module docstring)."""
    S = s.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        if kind == "gaussian" and family == "bernoulli":
            sk = LogisticRegression(C=1 / l2, solver="newton-cholesky", tol=1e-14, max_iter=1000,
                                    fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
            return sk.coef_[0], float(np.ravel(sk.intercept_)[0]) if fit_intercept else 0.0, "sklearn"
        if kind == "gaussian":
            sk = PoissonRegressor(alpha=l2 / S, solver="newton-cholesky", tol=1e-14, max_iter=1000,
                                  fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
            return sk.coef_, float(sk.intercept_), "sklearn"
        if kind == "laplace" and family == "bernoulli" and not fit_intercept:
            sk = LogisticRegression(C=1 / l1, l1_ratio=1.0, solver="liblinear", tol=1e-12,
                                    max_iter=100_000, fit_intercept=False).fit(X, y, sample_weight=sw)
            return sk.coef_[0], 0.0, "liblinear"
    w, b = split_lbfgs(family, X, y, s, l1, l2, fit_intercept)
    w, b = polish(family, X, y, s, w, b, l1, l2, fit_intercept)
    return w, b, "L-BFGS-B"


def check_against_reference(kind, strength, family, design_name, fit_intercept, weighted):
    X, y = glm_design(design_name, family)
    sw = make_weights(len(y)) if weighted else None
    s = np.ones(len(y)) if sw is None else sw
    prior, l1, l2 = prior_for(kind, strength, family, X, y, s, fit_intercept)
    res = bayesreg.map_estimate(X, y, prior, family=family, fit_intercept=fit_intercept,
                                sample_weight=sw)
    # optimality: our certificate, and the conditions checked from the raw data
    assert res.kkt_residual <= KKT_TOL
    kkt = independent_kkt(family, X, y, s, res.coef, res.intercept, l1, l2, fit_intercept)
    assert kkt <= KKT_TOL
    f = objective(family, X, y, s, res.coef, res.intercept, l1, l2)
    # the reported objective is F up to the family's constant Σ s (y log y - y)
    const = 0.0 if family == "bernoulli" else float(
        s @ (np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y))
    assert res.objective == pytest.approx(f + const, rel=1e-10, abs=1e-10)

    w_ref, b_ref, name = reference(kind, family, X, y, sw, s, l1, l2, fit_intercept)
    f_ref = objective(family, X, y, s, w_ref, b_ref, l1, l2)
    assert f <= f_ref + 1e-12 * (1 + abs(f_ref)), (name, f, f_ref)
    dw, _ = newton_step(family, X, y, s, w_ref, b_ref, l1, l2, fit_intercept)
    scale = 1 + np.abs(res.coef).max()
    ref_kkt = independent_kkt(family, X, y, s, w_ref, b_ref, l1, l2, fit_intercept)
    if np.abs(dw).max() > REF_RTOL * scale or ref_kkt > 1e-8:
        return False  # the reference is not that accurate: optimality and F decide
    err = np.abs(res.coef - w_ref).max()
    assert err <= COEF_RTOL * scale, f"max|coef - {name}| = {err:.3g}"
    if fit_intercept:
        assert abs(res.intercept - b_ref) <= COEF_RTOL * (1 + abs(b_ref)) + np.abs(X).max() * COEF_RTOL * scale
    if l1 > 0:
        np.testing.assert_array_equal(res.coef != 0, w_ref != 0)
    return True


GRID = [
    pytest.param(kind, s, id=f"{kind}-{s:g}")
    for kind, strengths in (("gaussian", L2_FACTORS), ("laplace", L1_FRACTIONS),
                            ("elasticnet", L1_FRACTIONS))
    for s in strengths
]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [True, False], ids=["intercept", "no-intercept"])
@pytest.mark.parametrize("design_name", GLM_DESIGNS)
@pytest.mark.parametrize(("kind", "strength"), GRID)
@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_glm_map_equals_reference(family, kind, strength, design_name, fit_intercept, weighted):
    check_against_reference(kind, strength, family, design_name, fit_intercept, weighted)


def test_references_are_accurate_on_most_of_the_grid():
    """The coefficient comparison is not vacuous: on a sample of the grid's hard corner
    (p > n and correlated designs, every prior) the references are accurate enough."""
    compared = [
        check_against_reference(kind, s, fam, design, True, True)
        for fam in ("bernoulli", "poisson")
        for design in ("p>n", "corr0.9")
        for kind, s in (("gaussian", 1e-2), ("laplace", 1e-2), ("elasticnet", 0.1))
    ]
    assert sum(compared) >= len(compared) - 1


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_l1_above_lambda_max_is_exactly_zero(family):
    X, y = glm_design("n>p", family)
    sw = make_weights(len(y))
    lmax, *_ = hessian_scales(family, X, y, sw, True)
    for factor, zero in ((1.0001, True), (0.9999, False)):
        res = bayesreg.map_estimate(X, y, bayesreg.Laplace(1 / (factor * lmax)), family=family,
                                    sample_weight=sw)
        assert np.all(res.coef == 0) == zero
    res = bayesreg.map_estimate(X, y, bayesreg.ElasticNet(1 / (1.0001 * lmax), 0.1),
                                family=family, sample_weight=sw)
    assert np.all(res.coef == 0)
    assert res.intercept == pytest.approx(intercept_only(family, y, sw, True), rel=1e-13)


def test_saga_agrees_with_an_intercept():
    """scikit-learn's saga (the one solver with an unpenalised intercept under L1) agrees
    where it converges fast."""
    X, y = glm_design("n>p", "bernoulli")
    lmax, *_ = hessian_scales("bernoulli", X, y, np.ones(len(y)), True)
    for frac in (0.05, 0.3):
        b = 1 / (frac * lmax)
        res = bayesreg.map_estimate(X, y, bayesreg.Laplace(b), family="logistic")
        sk = LogisticRegression(C=b, l1_ratio=1.0, solver="saga", tol=1e-13,
                                max_iter=1_000_000).fit(X, y)
        assert np.abs(res.coef - sk.coef_[0]).max() <= 1e-8 * (1 + np.abs(res.coef).max())
        np.testing.assert_array_equal(res.coef != 0, sk.coef_[0] != 0)
        assert res.intercept == pytest.approx(sk.intercept_[0], abs=1e-8)


# --------------------------------------------------------------- datafit maths
@pytest.mark.parametrize("cls", [BernoulliDatafit, PoissonDatafit])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_datafit_gradients_by_finite_differences(cls, fit_intercept):
    family = cls.family
    X, y = glm_design("n>p", family)
    sw = make_weights(len(y))
    df = cls(X, y, sw, fit_intercept)
    rng = np.random.default_rng(3)
    w = 0.2 * rng.standard_normal(X.shape[1])
    b = 0.1
    h = 1e-6
    E = np.eye(X.shape[1])
    # the value is F's data term, up to the family's constant
    const = df.value(w, b) - float(sw @ loss(family, b + X @ w, y))
    assert df.value(w + 0.3, b) - float(sw @ loss(family, b + X @ (w + 0.3), y)) == pytest.approx(const, abs=1e-9)
    fd = np.array([(df.value(w + h * e, b) - df.value(w - h * e, b)) / (2 * h) for e in E])
    np.testing.assert_allclose(df.gradient(w, b), fd, rtol=1e-6, atol=1e-6)
    # profiled: b = b̂(w), the gradient of w ↦ L(w, b̂(w)) (envelope theorem)
    fd = np.array([(df.value(w + h * e) - df.value(w - h * e)) / (2 * h) for e in E])
    np.testing.assert_allclose(df.gradient(w), fd, rtol=1e-6, atol=1e-6)
    bh = df.intercept(w)
    if fit_intercept:
        assert abs(sw @ (mean(family, bh + X @ w) - y)) <= 1e-10 * sw.sum()
    else:
        assert bh == 0.0
    # the IRLS model at (w, b̂) has the same gradient, and its Hessian is the GLM's
    q = df.quadratic(w, bh)
    np.testing.assert_allclose(q.smooth_gradient(w), df.gradient(w), rtol=1e-10, atol=1e-10)
    hw = sw * var(family, bh + X @ w)
    Xc = X - (hw @ X) / hw.sum() if fit_intercept else X
    np.testing.assert_allclose(q.gram, Xc.T @ (hw[:, None] * Xc), rtol=1e-10, atol=1e-10)
    # λ_max at the intercept-only fit
    lmax, d, *_ = hessian_scales(family, X, y, sw, fit_intercept)
    assert df.lambda_max() == pytest.approx(lmax, rel=1e-10)
    np.testing.assert_allclose(df.column_scale, d, rtol=1e-10)


def test_losses_are_stable_far_out():
    """No cancellation or overflow where an observation is fitted confidently."""
    eta = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    one, zero = np.ones(5), np.zeros(5)
    np.testing.assert_allclose(BernoulliDatafit.loss(eta, one), np.logaddexp(0, -eta), rtol=1e-15)
    np.testing.assert_allclose(BernoulliDatafit.loss(eta, zero), np.logaddexp(0, eta), rtol=1e-15)
    assert BernoulliDatafit.loss(np.array([40.0]), np.array([1.0]))[0] == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert BernoulliDatafit.residual(np.array([40.0]), np.array([1.0]))[0] == pytest.approx(-np.exp(-40.0), rel=1e-10)
    assert np.all(np.isfinite(BernoulliDatafit.residual(eta, zero)))
    with np.errstate(over="raise"):
        assert PoissonDatafit.loss(np.array([-800.0]), np.array([0.0]))[0] == 0.0


# ------------------------------------------------------ existence and targets
def test_separable_data_has_a_finite_map_under_any_penalty():
    X, _ = make_design("n>p")
    y = (X[:, 0] > np.median(X[:, 0])).astype(float)  # perfectly separable by column 0
    for prior in (bayesreg.Laplace(1e3), bayesreg.Gaussian(1e2), bayesreg.ElasticNet(1e3, 1e2)):
        for fit_intercept in (True, False):
            res = bayesreg.map_estimate(X, y, prior, family="bernoulli", fit_intercept=fit_intercept)
            assert np.all(np.isfinite(res.coef)) and np.isfinite(res.intercept)
            assert res.kkt_residual <= KKT_TOL
    # a weaker penalty moves the separating coefficient further out (no finite limit)
    w = [bayesreg.map_estimate(X, y, bayesreg.Gaussian(t), family="bernoulli").coef[0]
         for t in (1.0, 10.0, 100.0)]
    assert w[0] < w[1] < w[2]


def test_no_map_is_a_clear_error():
    X, _ = make_design("n>p")
    n = X.shape[0]
    with pytest.raises(ValueError, match="one class.*no MAP exists"):
        bayesreg.map_estimate(X, np.ones(n), bayesreg.Laplace(1.0), family="bernoulli")
    with pytest.raises(ValueError, match="count.*is 0.*no MAP exists"):
        bayesreg.map_estimate(X, np.zeros(n), bayesreg.Gaussian(1.0), family="poisson")
    # zero weight on the only positive observations is the same thing
    y = np.zeros(n)
    y[0] = 3.0
    sw = np.ones(n)
    sw[0] = 0.0
    with pytest.raises(ValueError, match="no MAP exists"):
        bayesreg.map_estimate(X, y, bayesreg.Gaussian(1.0), family="poisson", sample_weight=sw)
    # without an intercept the penalty keeps them finite
    res = bayesreg.map_estimate(X, np.ones(n), bayesreg.Laplace(1.0), family="bernoulli",
                                fit_intercept=False)
    assert res.kkt_residual <= KKT_TOL
    res = bayesreg.map_estimate(X, np.zeros(n), bayesreg.Gaussian(1.0), family="poisson",
                                fit_intercept=False)
    assert res.kkt_residual <= KKT_TOL
    # a flat prior (no penalty) has no MAP in general, separable data included
    from bayesreg.datafits import BernoulliDatafit as B
    from bayesreg.map.solvers import solve_penalty
    from bayesreg.penalty import Penalty

    with pytest.raises(ValueError, match="zero penalty"):
        solve_penalty(B(X, (X[:, 0] > 0).astype(float)), Penalty(0.0, 0.0))


def test_sigma_is_refused_for_families_without_one():
    X, y = glm_design("n>p", "bernoulli")
    with pytest.raises(ValueError, match="no noise scale.*pass no sigma"):
        bayesreg.map_estimate(X, y, bayesreg.Laplace(1.0), family="bernoulli", sigma=1.0)
    with pytest.raises(ValueError, match="needs sigma"):
        bayesreg.map_estimate(X, y, bayesreg.Laplace(1.0))
    with pytest.raises(ValueError, match="unknown family"):
        bayesreg.map_estimate(X, y, bayesreg.Laplace(1.0), family="gamma")


def test_targets_any_two_labels():
    X, y01 = glm_design("n>p", "bernoulli")
    ref = bayesreg.map_estimate(X, y01, bayesreg.Laplace(2.0), family="bernoulli")
    for y in (y01.astype(bool), np.where(y01 == 1, "yes", "no"), 2 * y01 - 1, y01 + 4):
        for family in ("binomial", "logistic", "Bernoulli"):
            res = bayesreg.map_estimate(X, y, bayesreg.Laplace(2.0), family=family)
            np.testing.assert_array_equal(res.coef, ref.coef)
    with pytest.raises(ValueError, match="3 classes"):
        bayesreg.map_estimate(X, np.arange(len(y01)) % 3, bayesreg.Laplace(1.0), family="bernoulli")
    with pytest.raises(ValueError, match="one class"):
        bayesreg.map_estimate(X, np.full(len(y01), "a"), bayesreg.Laplace(1.0), family="bernoulli")
    with pytest.raises(ValueError, match="counts y >= 0"):
        bayesreg.map_estimate(X, -y01, bayesreg.Laplace(1.0), family="poisson")


def test_sample_weights_are_repetitions():
    X, y = glm_design("n>p", "poisson")
    sw = np.ones(len(y))
    sw[:5] = 2.0
    Xr = np.vstack([X, X[:5]])
    yr = np.concatenate([y, y[:5]])
    for family, yy, yyr in (("poisson", y, yr), ("bernoulli", (y > 1).astype(float), (yr > 1).astype(float))):
        a = bayesreg.map_estimate(X, yy, bayesreg.Laplace(0.3), family=family, sample_weight=sw)
        b = bayesreg.map_estimate(Xr, yyr, bayesreg.Laplace(0.3), family=family)
        np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-10)
        np.testing.assert_array_equal(a.coef != 0, b.coef != 0)


def test_poisson_exposure_is_an_offset_and_a_weighted_rate():
    """Counts with exposure t (offset log t) give the coefficients of the rate y/t with
    weights t, which is how scikit-learn's PoissonRegressor takes an exposure."""
    X, y = glm_design("n>p", "poisson")
    t = np.random.default_rng(5).uniform(0.5, 3.0, len(y))
    a = bayesreg.map_estimate(X, y, bayesreg.Gaussian(0.7), family="poisson", offset=np.log(t))
    b = bayesreg.map_estimate(X, y / t, bayesreg.Gaussian(0.7), family="poisson", sample_weight=t)
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-11)
    assert a.intercept == pytest.approx(b.intercept, abs=1e-11)
    sk = PoissonRegressor(alpha=1 / (t.sum() * 0.7**2), solver="newton-cholesky", tol=1e-14,
                          max_iter=1000).fit(X, y / t, sample_weight=t)
    np.testing.assert_allclose(a.coef, sk.coef_, rtol=0, atol=1e-9)
    d = PoissonDatafit(X, y, exposure=t)
    np.testing.assert_allclose(d.offset, np.log(t))
    with pytest.raises(ValueError, match="not both"):
        PoissonDatafit(X, y, offset=np.log(t), exposure=t)
    with pytest.raises(ValueError, match="offset is for the GLM families"):
        bayesreg.map_estimate(X, y, bayesreg.Gaussian(0.7), sigma=1.0, offset=np.log(t))


def test_gaussian_family_is_unchanged():
    X, y = make_design("n>p")
    a = bayesreg.map_estimate(X, y, bayesreg.Laplace(0.5), sigma=0.7)
    b = bayesreg.map_estimate(X, y, bayesreg.Laplace(0.5), sigma=0.7, family="normal")
    np.testing.assert_array_equal(a.coef, b.coef)
    assert a.family == "gaussian" and a.sigma == 0.7


# --------------------------------------------------------------------- paths
@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
@pytest.mark.parametrize("kind", ["laplace", "elasticnet", "gaussian"])
def test_map_path_is_map_estimate_at_every_point(family, kind):
    X, y = glm_design("corr0.9", family)
    sw = make_weights(len(y))
    prior = {"laplace": bayesreg.Laplace(1.0), "elasticnet": bayesreg.ElasticNet(1.0, 2.0),
             "gaussian": bayesreg.Gaussian(1.0)}[kind]
    path = bayesreg.map_path(X, y, prior, family=family, n_points=8, sample_weight=sw)
    assert path.family == family and path.sigma is None
    assert np.all(path.kkt_residuals <= KKT_TOL)
    assert np.all(np.diff(path.factors) < 0)
    if kind != "gaussian":
        assert np.all(path.coefs[0] == 0)  # the grid starts at λ_max
        assert path.n_nonzero[-1] > 0
    for k in (1, 4, 7):
        res = bayesreg.map_estimate(X, y, path.priors[k], family=family, sample_weight=sw)
        scale = 1 + np.abs(res.coef).max()
        assert np.abs(res.coef - path.coefs[k]).max() <= 1e-9 * scale
        np.testing.assert_array_equal(res.coef != 0, path.coefs[k] != 0)
        assert path.intercepts[k] == pytest.approx(res.intercept, abs=1e-9 * scale)


def test_logistic_path_strengths_are_sklearn_C():
    X, y = glm_design("n>p", "bernoulli")
    path = bayesreg.map_path(X, y, bayesreg.Laplace(1.0), family="logistic", n_points=6,
                             fit_intercept=False)
    assert path.sklearn_name == "LogisticRegression" and path.l1_ratio == 1.0
    np.testing.assert_allclose(path.sklearn_alphas, [1 / p.l1 for p in path.penalties], rtol=1e-15)
    for k in (2, 5):
        sk = LogisticRegression(C=path.sklearn_alphas[k], l1_ratio=1.0, solver="liblinear",
                                tol=1e-12, max_iter=100_000, fit_intercept=False).fit(X, y)
        assert np.abs(path.coefs[k] - sk.coef_[0]).max() <= 1e-7 * (1 + np.abs(sk.coef_).max())
    # an L1 Poisson path has no scikit-learn twin: glmnet's lambda instead
    Xp, yp = glm_design("n>p", "poisson")
    path = bayesreg.map_path(Xp, yp, bayesreg.Laplace(1.0), family="poisson", n_points=4)
    assert path.sklearn_name is None
    np.testing.assert_allclose(path.sklearn_alphas, [p.l1 / len(yp) for p in path.penalties])


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_kkt_certificate_of_any_coefficients(family):
    """``kkt_certificate`` recomputes the certificate from the data, and no coefficient of a
    wrong answer can hide, whatever its column's units."""
    X, y = glm_design("scaled", family)
    prior = bayesreg.Laplace(0.05)
    res = bayesreg.map_estimate(X, y, prior, family=family)
    cert = bayesreg.map.estimate.kkt_certificate(X, y, res.coef, prior, family=family)
    assert cert == pytest.approx(res.kkt_residual, abs=1e-14) and cert <= KKT_TOL
    for j in range(X.shape[1]):
        w = res.coef.copy()
        w[j] += 1e-3 * (1 + abs(w[j])) / X[:, j].std()  # a small move in column j's own units
        assert bayesreg.map.estimate.kkt_certificate(X, y, w, prior, family=family) > 1e-6
    with pytest.raises(ValueError, match="no noise scale"):
        bayesreg.map.estimate.kkt_certificate(X, y, res.coef, prior, family=family, sigma=1.0)


# ------------------------------------------------------ pure-L2 Newton steps by CG
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_profiled_hessian_is_the_schur_complement(family, fit_intercept):
    r""":math:`H_p = X_h^\top H X_h` with :math:`X_h` centred at the h-weighted means, and the
    intercept's Newton step :math:`-g_b/\sum h - \bar x_h^\top\delta w`: the Schur complement of
    the full Hessian of (w, b), written out here."""
    X, y = glm_design("scaled", family)
    s = make_weights(len(y))
    cls = BernoulliDatafit if family == "bernoulli" else PoissonDatafit
    d = cls(X, y, s, fit_intercept)
    rng = np.random.default_rng(3)
    w = 0.1 * rng.standard_normal(X.shape[1]) / X.std(0)
    eta = 0.2 + X @ w
    hess = d.profiled_hessian(eta)
    h = s * var(family, eta)
    full = np.block([[X.T @ (h[:, None] * X), (X.T @ h)[:, None]], [(h @ X)[None, :], np.array([[h.sum()]])]])
    if fit_intercept:
        Hp = full[:-1, :-1] - np.outer(full[:-1, -1], full[-1, :-1]) / full[-1, -1]
    else:
        Hp = full[:-1, :-1]
    v = rng.standard_normal(X.shape[1])
    np.testing.assert_allclose(hess.matvec(v), Hp @ v, rtol=1e-9, atol=1e-9 * np.abs(Hp).max())
    np.testing.assert_allclose(hess.diagonal(), np.diag(Hp), rtol=1e-9)
    # the (w, b) Newton step: solve the full system, compare its b part
    gw, gb = rng.standard_normal(X.shape[1]), (0.7 if fit_intercept else 0.0)
    if fit_intercept:
        step = np.linalg.solve(full, -np.append(gw, gb))
        assert hess.intercept_step(step[:-1], gb) == pytest.approx(step[-1], rel=1e-8)
    else:
        assert hess.intercept_step(v, gb) == 0.0


def _spy_cg(monkeypatch):
    from bayesreg.map import prox_newton

    steps = []
    real = prox_newton._RidgeNewtonCG.step

    def spy(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        steps.append(None if out is None else out[2])
        return out

    monkeypatch.setattr(prox_newton._RidgeNewtonCG, "step", spy)
    return steps


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_l2_newton_steps_by_cg_reach_the_exact_answer(family, monkeypatch):
    """A well-conditioned L2 problem is solved by CG Newton steps only, and its answer is the
    one of the exact (direct) Newton steps and of scikit-learn's Newton solver."""
    from bayesreg.map import prox_newton

    rng = np.random.default_rng(0)
    n, p = 600, 80
    X = rng.standard_normal((n, p)) * rng.uniform(0.01, 100, p) + rng.uniform(-5, 5, p)
    eta = 0.3 + (X / X.std(0))[:, :5] @ np.array([1.0, -0.5, 0.5, 0.3, -0.2])
    y = (rng.random(n) < expit(eta)).astype(float) if family == "bernoulli" else rng.poisson(np.exp(0.5 * eta)) * 1.0
    s = make_weights(n)
    prior, _, l2 = prior_for("gaussian", 0.1, family, X, y, s, True)
    steps = _spy_cg(monkeypatch)
    res = bayesreg.map_estimate(X, y, prior, family=family, sample_weight=s)
    assert steps and all(steps), steps  # every step by CG, each converged
    assert res.kkt_residual <= KKT_TOL
    assert independent_kkt(family, X, y, s, res.coef, res.intercept, 0.0, l2, True) <= KKT_TOL
    monkeypatch.setattr(prox_newton._RidgeNewtonCG, "step", lambda self, *a, **k: None)  # exact steps
    exact = bayesreg.map_estimate(X, y, prior, family=family, sample_weight=s)
    scale = 1 + np.abs(exact.coef).max()
    assert np.abs(res.coef - exact.coef).max() <= 1e-10 * scale
    w_ref, _, _ = reference("gaussian", family, X, y, s, s, 0.0, l2, True)
    assert np.abs(res.coef - w_ref).max() <= COEF_RTOL * scale


def test_ill_conditioned_l2_hands_over_to_the_exact_solves(monkeypatch):
    """p > n with a tiny L2 weight: CG stops at its budget, the exact solves finish, and the
    certificate holds."""
    X, y = glm_design("p>n", "bernoulli")
    X = np.column_stack([X, X[:, :10] + 1e-6 * np.random.default_rng(1).standard_normal((len(y), 10))])
    s = np.ones(len(y))
    prior, _, l2 = prior_for("gaussian", 1e-6, "bernoulli", X, y, s, True)
    steps = _spy_cg(monkeypatch)
    res = bayesreg.map_estimate(X, y, prior, family="bernoulli")
    assert False in steps, steps  # a step ran out of budget ...
    assert steps[-1] is False  # ... and none is tried after it
    assert res.kkt_residual <= KKT_TOL
    assert independent_kkt("bernoulli", X, y, s, res.coef, res.intercept, 0.0, l2, True) <= KKT_TOL
