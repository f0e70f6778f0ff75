"""No silent wrong answers: columns in other units, and a certificate that cannot be fooled.

References: scikit-learn's coordinate descent on the same (badly scaled) data, compared
by objective value (its coefficients for a 1e9-scaled column are only as accurate as its
tolerance allows), and the rescaled problem solved exactly.
"""

import warnings

import numpy as np
import pytest

import bayesreg
from bayesreg.map import kkt_certificate

PRIORS = [bayesreg.Laplace(0.3), bayesreg.Gaussian(0.7), bayesreg.ElasticNet(0.3, 0.7)]


def _objective(X, y, w, b, pen):
    r = y - X @ w - b
    return 0.5 * r @ r + pen.value(w)


def _problem(seed, n=40, p=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def test_issue_example_one_column_in_cents():
    """X[:, 1] *= 1e9: the MAP the old solver got wrong (objective 289 worse, KKT 1.5e-9)."""
    X, y = _problem(0)
    X[:, 1] *= 1e9
    prior = bayesreg.Laplace(0.3)
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    sk = bayesreg.convert.to_sklearn(prior, sigma=1.0, n_samples=len(y), tol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, y)
    ours = _objective(X, y, res.coef, res.intercept, res.penalty)
    theirs = _objective(X, y, sk.coef_, sk.intercept_, res.penalty)
    assert ours <= theirs * (1 + 1e-12)
    assert res.kkt_residual < 1e-10
    # the other coefficients barely move from the unscaled problem's (column 1 is now
    # effectively unpenalised), and none of them is a spurious zero
    assert np.count_nonzero(res.coef) >= np.count_nonzero(sk.coef_)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("exponent", [-9, -4, 4, 9])
def test_one_badly_scaled_column_matches_sklearn_objective(prior, fit_intercept, exponent):
    X, y = _problem(20 + exponent)
    X[:, 2] *= 10.0**exponent
    if not fit_intercept:
        X += 50.0  # offsets without centring
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0, fit_intercept=fit_intercept)
    sk = bayesreg.convert.to_sklearn(
        prior, sigma=1.0, n_samples=len(y), fit_intercept=fit_intercept, tol=1e-14
    ) if not isinstance(prior, bayesreg.Gaussian) else bayesreg.convert.to_sklearn(
        prior, sigma=1.0, fit_intercept=fit_intercept
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, y)
    ours = _objective(X, y, res.coef, res.intercept, res.penalty)
    theirs = _objective(X, y, sk.coef_, sk.intercept_, res.penalty)
    assert ours <= theirs + 1e-10 * abs(theirs)
    assert res.kkt_residual < 1e-10


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_perturbing_any_one_coordinate_raises_the_certificate(prior, scale):
    """At every column scale, an error of 1e-4 (relative to that coefficient's natural
    size) in any single coordinate shows as a certificate far above rounding."""
    X, y = _problem(11)
    X[:, 0] *= scale
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    assert kkt_certificate(X, y, res.coef, prior, sigma=1.0) == pytest.approx(
        res.kkt_residual, abs=1e-14
    )
    col_norm = np.linalg.norm(X - X.mean(axis=0), axis=0)
    natural = np.linalg.norm(y - y.mean()) / col_norm  # size of a unit-correlation coefficient
    for j in range(X.shape[1]):
        w = res.coef.copy()
        w[j] += 1e-4 * natural[j]
        assert kkt_certificate(X, y, w, prior, sigma=1.0) > 1e-6, j


def test_old_certificate_scaling_would_hide_the_error():
    """The former scale (largest raw gradient) is dominated by a 1e9 column: the same
    perturbation of a small-unit coordinate was invisible to it, and is not now."""
    X, y = _problem(5)
    X[:, 0] *= 1e9
    prior = bayesreg.Laplace(0.3)
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    w = res.coef.copy()
    w[3] += 1e-3
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    g = Xc.T @ (Xc @ w - yc)
    old = np.abs(g[3] + res.penalty.l1 * np.sign(w[3])) / np.abs(Xc.T @ yc).max()
    assert old < 1e-8  # what the old definition reported
    assert kkt_certificate(X, y, w, prior, sigma=1.0) > 1e-4


# ---------------------------------------------------------------- scale invariance
def _matched(prior, c):
    """The prior of the rescaled problem: a coefficient of a column times c is 1/c times
    the original, so its prior scale is 1/c times the original (per coefficient)."""
    if isinstance(prior, bayesreg.ElasticNet):
        return bayesreg.ElasticNet(prior.l1_scale / c, prior.l2_scale / c)
    return type(prior)(prior.scale / c)


def _column_scales(which, exponent, p, exact):
    """One column, all columns, or a spread of scales up to 10**±exponent; ``exact`` uses the
    nearest powers of two, so that X * c is the same data exactly (needed where an offset
    makes the rounding of X * 10**e a visible change of the centred data)."""
    base, e = (2.0, round(exponent * np.log2(10))) if exact else (10.0, exponent)
    c = np.ones(p)
    if which == "one":
        c[1] = base**e
    elif which == "all":
        c[:] = base**e
    else:
        c = base ** np.round(e * np.linspace(-1, 1, p))
    return c


SCALE_CASES = [
    # (n, p, offset, fit_intercept)
    (40, 6, 0.0, True), (40, 6, 0.0, False), (15, 30, 0.0, True), (15, 30, 0.0, False),
    (40, 6, 1e8, True), (15, 30, 1e8, True), (40, 6, 1e4, False),
]


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("n,p,offset,fit_intercept", SCALE_CASES)
@pytest.mark.parametrize("which", ["one", "all", "spread"])
def test_rescaling_columns_rescales_only_their_coefficients(prior, n, p, offset, fit_intercept, which):
    """Column scales 1e±8 ... 1e±150 with each coefficient's prior scale rescaled to match:
    the same coefficients after rescaling (1e-10 relative), zeros, intercept and certificate."""
    rng = np.random.default_rng(n + p)
    X = rng.standard_normal((n, p)) + offset
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    base = bayesreg.map_estimate(X, y, prior, sigma=1.0, fit_intercept=fit_intercept)
    assert base.kkt_residual < 1e-10
    scale = max(np.abs(base.coef).max(), 1e-300)
    for exponent in (8, -8, 50, -50, 100, -100, 150, -150):
        c = _column_scales(which, exponent, p, exact=offset != 0)
        prior_c = _matched(prior, c)
        res = bayesreg.map_estimate(X * c, y, prior_c, sigma=1.0, fit_intercept=fit_intercept)
        assert np.abs(res.coef * c - base.coef).max() <= 1e-10 * scale, exponent
        assert np.array_equal(res.coef != 0, base.coef != 0), exponent
        assert res.intercept == pytest.approx(base.intercept, rel=1e-10, abs=1e-10 * scale)
        assert res.kkt_residual < 1e-10
        # the certificate of the same answer is the same in either units
        assert kkt_certificate(
            X * c, y, base.coef / c, prior_c, sigma=1.0, fit_intercept=fit_intercept
        ) == pytest.approx(base.kkt_residual, abs=1e-12)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_rescaling_columns_rescales_the_path(prior, fit_intercept):
    X, y = _problem(3, n=15, p=30)
    f = np.geomspace(3.0, 0.05, 6)
    base = bayesreg.map_path(X, y, prior, sigma=1.0, fit_intercept=fit_intercept, factors=f)
    for exponent in (8, -150, 150):
        c = _column_scales("spread", exponent, X.shape[1], exact=False)
        res = bayesreg.map_path(
            X * c, y, _matched(prior, c), sigma=1.0, fit_intercept=fit_intercept, factors=f
        )
        assert np.abs(res.coefs * c - base.coefs).max() <= 1e-10 * np.abs(base.coefs).max()
        assert np.array_equal(res.coefs != 0, base.coefs != 0)
        assert res.kkt_residuals.max() < 1e-10


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_rescaling_columns_and_the_target_rescale_the_gram_path(prior, fit_intercept):
    """n >= p: the path's compiled run from the Gram matrix. Columns rescaled with their
    prior scales, or y with σ and the prior (exact powers of two), change nothing but units."""
    X, y = _problem(5, n=80, p=12)
    X[:, 1] = X[:, 0] + 0.1 * X[:, 1]  # correlated: coordinates enter and leave
    f = np.geomspace(3.0, 0.01, 15)
    base = bayesreg.map_path(X, y, prior, sigma=1.0, fit_intercept=fit_intercept, factors=f)
    top = np.abs(base.coefs).max()
    for exponent in (8, -150, 150):
        c = _column_scales("spread", exponent, X.shape[1], exact=False)
        res = bayesreg.map_path(
            X * c, y, _matched(prior, c), sigma=1.0, fit_intercept=fit_intercept, factors=f
        )
        assert np.abs(res.coefs * c - base.coefs).max() <= 1e-10 * top
        assert np.array_equal(res.coefs != 0, base.coefs != 0)
        assert res.kkt_residuals.max() < 1e-10
    for k in (-40, 40):
        c = 2.0**k
        res = bayesreg.map_path(
            X, y * c, _matched(prior, np.full(X.shape[1], 1.0 / c)), sigma=c,
            fit_intercept=fit_intercept, factors=f,
        )
        assert np.abs(res.coefs / c - base.coefs).max() <= 1e-10 * top
        assert np.array_equal(res.coefs != 0, base.coefs != 0)
        np.testing.assert_allclose(res.kkt_residuals, base.kkt_residuals, rtol=0, atol=1e-13)


def _exact_ridge(X, y, l2, fit_intercept):
    """The Ridge solution of the floating-point data in exact rational arithmetic."""
    from fractions import Fraction

    n, p = X.shape
    Xf = [[Fraction(float(v)) for v in row] for row in X]
    yf = [Fraction(float(v)) for v in y]
    if fit_intercept:
        xm = [sum(Xf[i][j] for i in range(n)) / n for j in range(p)]
        ym = sum(yf) / n
        Xf = [[Xf[i][j] - xm[j] for j in range(p)] for i in range(n)]
        yf = [v - ym for v in yf]
    M = [
        [sum(Xf[i][j] * Xf[i][k] for i in range(n)) + (Fraction(l2) if j == k else 0) for k in range(p)]
        + [sum(Xf[i][j] * yf[i] for i in range(n))]
        for j in range(p)
    ]
    for c in range(p):  # Gauss-Jordan, exact
        for r in range(p):
            if r != c:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    return np.array([float(M[j][p] / M[j][j]) for j in range(p)])


@pytest.mark.parametrize("offset,tol", [(1e4, 1e-11), (1e6, 1e-9), (1e8, 1e-7)])
def test_ridge_without_intercept_on_offset_columns_is_exact(offset, tol):
    """Columns offset by 1e8 without an intercept: the Gram matrix holds none of the
    columns' differences (the old answer was 66% off, with a 2e-16 certificate); the QR
    solve on the design is as accurate as the data allow (scikit-learn's SVD solver: 1.4e-8)."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 6)) + offset
    y = X @ rng.standard_normal(6) + rng.standard_normal(40)
    res = bayesreg.map_estimate(X, y, bayesreg.Gaussian(0.7), sigma=1.0, fit_intercept=False)
    exact = _exact_ridge(X, y, 1 / 0.49, False)
    assert np.abs(res.coef - exact).max() <= tol * np.abs(exact).max()


# ------------------------------------------------ prior scales and sigma at the limits
@pytest.mark.parametrize(
    "prior,sigma",
    [
        (bayesreg.Gaussian(1e-300), 1.0),  # sigma**2/scale**2 = 1e600
        (bayesreg.Gaussian(1e200), 1.0),  # 1e-400
        (bayesreg.Gaussian(1.0), 1e-160),  # 1e-320: subnormal, its digits lost
        (bayesreg.Gaussian(1.0), 1e160),
        (bayesreg.Laplace(1.0), 1e160),
        (bayesreg.ElasticNet(1.0, 1e-200), 1.0),  # its L2 part: 1e400
    ],
    ids=repr,
)
def test_penalties_outside_double_precision_are_a_clear_error(prior, sigma):
    X, y = _problem(0)
    with pytest.raises(ValueError, match="double precision"):
        bayesreg.map_estimate(X, y, prior, sigma=sigma)
    with pytest.raises(ValueError, match="double precision"):
        bayesreg.map_path(X, y, prior, sigma=sigma, n_points=3)


def test_extreme_but_representable_scales_give_the_right_answer():
    X, y = _problem(0)
    # a penalty of 1e300: far above the point where every coefficient is exactly 0
    res = bayesreg.map_estimate(X, y, bayesreg.Laplace(1e-300), sigma=1.0)
    assert np.all(res.coef == 0) and res.kkt_residual == 0
    # X, y and sigma at 1e±150 together (the coefficients keep their units): the same MAP
    ref = bayesreg.map_estimate(X, y, bayesreg.ElasticNet(0.3, 0.7), sigma=1.0)
    for s in (1e150, 1e-150):
        res = bayesreg.map_estimate(X * s, y * s, bayesreg.ElasticNet(0.3, 0.7), sigma=s)
        assert np.abs(res.coef - ref.coef).max() <= 1e-12 * np.abs(ref.coef).max()
    # a nearly flat Gaussian prior (penalty 1e-300): least squares
    res = bayesreg.map_estimate(X, y, bayesreg.Gaussian(1e150), sigma=1.0)
    Xc = X - X.mean(axis=0)
    ols = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    assert np.abs(res.coef - ols).max() <= 1e-12 * np.abs(ols).max()


def test_y_beyond_double_precision_is_a_clear_error():
    X, y = _problem(0)
    for call in (
        lambda: bayesreg.map_estimate(X, y * 1e300, bayesreg.Laplace(0.3), sigma=1.0),
        lambda: bayesreg.map_path(X, y * 1e300, bayesreg.Gaussian(0.3), sigma=1.0, n_points=3),
        lambda: kkt_certificate(X, y * 1e300, np.zeros(6), bayesreg.Laplace(0.3), sigma=1.0),
    ):
        with pytest.raises(ValueError, match="double precision cannot represent the problem"):
            call()


# ------------------------------------------------------- per-coefficient prior scales
def test_per_coefficient_scales_equal_the_rescaled_scikit_learn_problem():
    """Laplace(b_j) is scikit-learn's Lasso(alpha = sigma²/(n b)) on columns x_j * b_j / b."""
    from sklearn.linear_model import Lasso

    X, y = _problem(7)
    b = 0.3
    bj = b * np.array([1.0, 0.1, 10.0, 1.0, 3.0, 0.5])
    res = bayesreg.map_estimate(X, y, bayesreg.Laplace(bj), sigma=1.0)
    sk = Lasso(alpha=1.0 / (len(y) * b), tol=1e-14, max_iter=1_000_000).fit(X * (bj / b), y)
    assert np.abs(res.coef - sk.coef_ * (bj / b)).max() <= 1e-8 * np.abs(res.coef).max()
    assert np.array_equal(res.coef != 0, sk.coef_ != 0)
    assert res.penalty.per_coefficient and res.penalty.l1 == pytest.approx(1.0 / bj)


@pytest.mark.parametrize("prior_cls", [bayesreg.Gaussian, bayesreg.Laplace, bayesreg.ElasticNet])
def test_an_infinite_scale_leaves_its_coefficient_unpenalised(prior_cls):
    X, y = _problem(8)
    scales = np.array([0.05, np.inf, 0.05, 0.05, np.inf, 0.05])
    prior = prior_cls(scales) if prior_cls is not bayesreg.ElasticNet else prior_cls(scales, scales)
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    assert res.kkt_residual < 1e-10
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    g = Xc.T @ (yc - Xc @ res.coef)
    assert np.abs(g[[1, 4]]).max() <= 1e-10 * np.abs(Xc.T @ yc).max()  # unpenalised: zero gradient
    # the limit of a huge finite scale
    big = np.where(np.isinf(scales), 1e7, scales)
    near = prior_cls(big) if prior_cls is not bayesreg.ElasticNet else prior_cls(big, big)
    ref = bayesreg.map_estimate(X, y, near, sigma=1.0)
    assert np.abs(res.coef - ref.coef).max() <= 1e-6 * np.abs(res.coef).max()


def test_per_coefficient_scales_through_estimators_and_their_limits():
    X, y = _problem(9)
    est = bayesreg.LassoMAP(scale=np.full(6, 0.3)).fit(X, y)
    assert np.array_equal(est.coef_, bayesreg.LassoMAP(scale=0.3).fit(X, y).coef_)
    with pytest.raises(ValueError, match="3 per-coefficient scales but X has 6 features"):
        bayesreg.LassoMAP(scale=[0.3, 0.3, 0.3]).fit(X, y)
    with pytest.raises(ValueError, match="one penalty strength for all coefficients"):
        bayesreg.convert.sklearn_params(bayesreg.Laplace([0.3, 1.0]), sigma=1.0, n_samples=10)
    with pytest.raises(ValueError, match="scale must be > 0 for every coefficient"):
        bayesreg.Laplace([0.3, -1.0])
    with pytest.raises(ValueError, match="finite"):
        bayesreg.Laplace(np.inf)  # a flat prior on every coefficient is no prior object
    prior = bayesreg.ElasticNet([0.3, np.inf], [1.0, 2.0])
    assert prior == bayesreg.ElasticNet(np.array([0.3, np.inf]), [1.0, 2.0])
    assert len({prior, bayesreg.ElasticNet(np.array([0.3, np.inf]), [1.0, 2.0])}) == 1
    assert np.isfinite(prior.logpdf(np.array([0.2, 5.0]))).all()
    with pytest.raises(ValueError, match="flat coefficient"):
        prior.rvs((3, 2))


# ------------------------------------------------------------------- feature names
def test_map_result_and_path_check_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _problem(10)
    cols = [f"f{j}" for j in range(6)]
    df = pd.DataFrame(X, columns=cols)
    res = bayesreg.map_estimate(df, y, bayesreg.Laplace(0.3), sigma=1.0)
    path = bayesreg.map_path(df, y, bayesreg.Laplace(0.3), sigma=1.0, n_points=4)
    expected = X @ res.coef + res.intercept
    shuffled = df[cols[::-1]]
    assert np.allclose(res.predict(shuffled), expected, rtol=1e-14, atol=1e-12)  # aligned
    assert np.allclose(path.predict(shuffled), path.predict(df), rtol=1e-14, atol=1e-12)
    assert np.allclose(res.predict(X), expected)  # no names: by position
    renamed = df.rename(columns={"f2": "F2"})
    for obj in (res, path):
        with pytest.raises(ValueError, match=r"not seen at fit time: 'F2'.*missing: 'f2'"):
            obj.predict(renamed)
        with pytest.raises(ValueError, match="not seen at fit time: 'extra'"):
            obj.predict(df.assign(extra=1.0))


# ------------------------------------------------------------------ smaller ones
def test_fit_intercept_must_be_a_bool():
    X, y = _problem(0)
    for call in (
        lambda: bayesreg.map_estimate(X, y, bayesreg.Laplace(0.3), sigma=1.0, fit_intercept="no"),
        lambda: bayesreg.map_path(X, y, bayesreg.Laplace(0.3), sigma=1.0, fit_intercept="no"),
        lambda: bayesreg.LassoMAP(0.3, fit_intercept="no").fit(X, y),
        lambda: kkt_certificate(X, y, np.zeros(6), bayesreg.Laplace(0.3), sigma=1.0, fit_intercept=0),
    ):
        with pytest.raises(TypeError, match="fit_intercept must be True or False"):
            call()


def test_scipy_sparse_glm_input_is_named_not_densified():
    """Sparse X is served for the Gaussian family (tests/test_sparse.py); a GLM family,
    whose datafit needs the rows, refuses it with an error that names sparse input."""
    sparse = pytest.importorskip("scipy.sparse")
    X, y = _problem(0)
    with pytest.raises(TypeError, match="sparse"):
        bayesreg.map_estimate(sparse.csr_matrix(X), (y > 0).astype(float), bayesreg.Laplace(0.3),
                              family="bernoulli")


def test_estimator_posterior_learns_sigma_unless_fixed(monkeypatch):
    """The estimator's sigma only sets the MAP's penalty; the posterior learns σ by default."""
    import bayesreg.mcmc

    seen = []

    def fake(X, y, prior, **kwargs):
        seen.append(kwargs)
        return "posterior"

    monkeypatch.setattr(bayesreg.mcmc, "sample_posterior", fake)
    X, y = _problem(0)
    bayesreg.LassoMAP(0.3, sigma=2.0).sample_posterior(X, y, draws=10)
    assert seen[-1].get("sigma") is None  # the sampler's default: learned
    bayesreg.LassoMAP(0.3, sigma=2.0).sample_posterior(X, y, sigma=2.0)
    assert seen[-1]["sigma"] == 2.0
