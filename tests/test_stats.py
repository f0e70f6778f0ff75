"""bayesreg.stats against independent references: scipy.stats, scikit-learn, brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st
from numpy.testing import assert_allclose
from sklearn.linear_model import Lasso, Ridge, lasso_path

from bayesreg import Gaussian, Laplace, map_path, stats
from bayesreg.penalty import Penalty

FEATURES = ["a", "b", "c"]


def normal_posterior(means, sd=1.0, *, chains=4, draws=2000, seed=0, extra=None):
    """A DataTree shaped like sample_posterior's output, coef_j ~ N(means_j, sd²) i.i.d."""
    from arviz_base import from_dict

    rng = np.random.default_rng(seed)
    means = np.asarray(means, dtype=float)
    post = {"coef": means + sd * rng.standard_normal((chains, draws, means.size)),
            "intercept": rng.standard_normal((chains, draws))}
    groups = {"posterior": post}
    if extra:
        groups.update(extra)
    names = FEATURES if means.size == len(FEATURES) else [f"x{j}" for j in range(means.size)]
    return from_dict(groups, dims={"coef": ["feature"]}, coords={"feature": names})


# ------------------------------------------------------------------ mass near zero
def test_posterior_mass_near_zero_matches_normal_cdf():
    means, sd, eps = [0.0, 0.3, 2.0], 0.5, 0.25
    dt = normal_posterior(means, sd, draws=5000)
    got = stats.posterior_mass_near_zero(dt, eps)
    assert list(got["feature"].values) == FEATURES
    exact = st.norm.cdf(eps, means, sd) - st.norm.cdf(-eps, means, sd)
    se = np.sqrt(exact * (1 - exact) / 20000) + 1e-12
    assert np.all(np.abs(got.values - exact) < 5 * se + 1e-9)
    assert got.attrs["eps"] == eps


def test_posterior_mass_near_zero_errors():
    dt = normal_posterior([0.0, 1.0, 2.0])
    with pytest.raises(KeyError, match="posterior/beta"):
        stats.posterior_mass_near_zero(dt, 0.1, var_name="beta")
    with pytest.raises(ValueError, match="eps"):
        stats.posterior_mass_near_zero(dt, -1.0)


@pytest.mark.parametrize("prior, ref", [
    (Gaussian(2.0), st.norm(0, 2.0)),
    (Laplace(0.7), st.laplace(0, 0.7)),
])
def test_prior_mass_and_sd_match_scipy(prior, ref):
    eps = 0.3
    assert stats.prior_mass_near_zero(prior, eps) == pytest.approx(ref.cdf(eps) - ref.cdf(-eps), rel=1e-12)
    assert stats.prior_sd(prior) == pytest.approx(ref.std(), rel=1e-12)


def test_prior_sd_is_the_priors_own():
    from bayesreg.priors import BayesianLasso, Horseshoe

    # finite variance: the standard deviation, at the noise scale for the Bayesian lasso
    assert stats.prior_sd(BayesianLasso(lam=0.5)) == pytest.approx(st.laplace(0, 2.0).std(), rel=1e-12)
    assert BayesianLasso(lam=0.5).sd(sigma=3.0) == pytest.approx(st.laplace(0, 6.0).std(), rel=1e-12)
    r, delta = 4.0, 1.5  # Var = 2 σ² E[1/λ²] with λ² ~ Gamma(r, rate=δ): E[1/λ²] = δ/(r-1)
    assert stats.prior_sd(BayesianLasso(lam_prior=(r, delta))) == pytest.approx(
        math.sqrt(2 * delta / (r - 1)), rel=1e-12
    )
    hs = Horseshoe()
    assert stats.prior_sd(hs) == pytest.approx(math.sqrt(hs.variance()), rel=1e-12)
    # infinite variance: the stand-in each prior states
    assert stats.prior_sd(BayesianLasso(lam_prior=(1.0, 2.0))) == pytest.approx(2.0, rel=1e-12)
    assert stats.prior_sd(Horseshoe(global_scale=0.3, slab_df=1.0)) == 0.3
    assert stats.default_eps(BayesianLasso(lam_prior=(1.0, 2.0))) == pytest.approx(0.2, rel=1e-12)


def test_matched_variance_and_default_eps():
    pri = stats.matched_variance_priors(9.0)
    assert st.norm(0, pri["Gaussian"].scale).var() == pytest.approx(9.0)
    assert st.laplace(0, pri["Laplace"].scale).var() == pytest.approx(9.0)
    # equal sds -> eps is a tenth of the common sd
    assert stats.default_eps(pri) == pytest.approx(0.3)
    assert stats.default_eps(Gaussian(2.0)) == pytest.approx(0.2)
    # geometric mean of the sds otherwise
    assert stats.default_eps([Gaussian(1.0), Gaussian(4.0)]) == pytest.approx(0.2)


def test_matched_variance_horseshoe():
    hs = stats.matched_variance_priors(4.0, horseshoe=True)["Horseshoe"]
    # the prior's own (Monte Carlo, fixed-seed) variance equals the target by scale equivariance
    assert hs.variance() == pytest.approx(4.0, rel=1e-9)


def test_prior_density_exact_and_monte_carlo():
    d = stats.prior_density(Laplace(0.5), 3.0, n_grid=101)
    assert d.exact and d.x.size == 101 and 0.0 in d.x
    assert_allclose(d.density, st.laplace(0, 0.5).pdf(d.x), rtol=1e-12)

    class NoDensity(Laplace):
        def logpdf(self, w):
            raise NotImplementedError

    n = 200_000
    mc = stats.prior_density(NoDensity(0.5), 3.0, n_draws=n, n_bins=61)
    assert not mc.exact and mc.x.size == 61
    h = mc.x[1] - mc.x[0]
    # bin probability (exact) versus the histogram: binomial standard error per bin
    ref = st.laplace(0, 0.5)
    p_bin = ref.cdf(mc.x + h / 2) - ref.cdf(mc.x - h / 2)
    se = np.sqrt(p_bin * (1 - p_bin) / n) / h
    assert np.all(np.abs(mc.density - p_bin / h) < 5 * se + 1e-12)


# ------------------------------------------------------------------ one coefficient
@pytest.fixture
def one():
    return stats.OneCoefficient.simulate(w=0.5, n=60, noise=0.8, random_state=3)


def test_one_coefficient_matches_sklearn(one):
    X = one.x[:, None]
    n = X.shape[0]
    for lam in (0.1 * one.l1_threshold, 0.9 * one.l1_threshold):
        sk = Lasso(alpha=lam / n, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, one.y)
        assert one.minimiser(Penalty(l1=lam)) == pytest.approx(sk.coef_[0], abs=1e-10)
        # Ridge minimises ||y - Xw||^2 + alpha w^2 = 2 (L(w) + (lam/2) w^2) with alpha = lam
        rk = Ridge(alpha=lam, fit_intercept=False).fit(X, one.y)
        assert one.minimiser(Penalty(l2=lam)) == pytest.approx(rk.coef_[0], rel=1e-12)
    assert one.least_squares() == pytest.approx(np.linalg.lstsq(X, one.y, rcond=None)[0][0], rel=1e-12)


def test_one_coefficient_l1_minimum_exactly_zero_beyond_threshold(one):
    thr = one.l1_threshold
    assert thr == pytest.approx(abs(one.x @ one.y))
    assert one.minimiser(Penalty(l1=thr)) == 0.0
    assert one.minimiser(Penalty(l1=1.5 * thr)) == 0.0
    assert one.minimiser(Penalty(l1=0.999 * thr)) != 0.0
    assert one.minimiser(Penalty(l2=1e6 * thr)) != 0.0  # L2 only shrinks


def test_one_coefficient_minimiser_beats_grid(one):
    grid = np.linspace(-2, 2, 40001)
    for pen in (Penalty(l1=0.4 * one.l1_threshold), Penalty(l2=30.0), Penalty(l1=5.0, l2=3.0)):
        w = one.minimiser(pen)
        assert one.objective(w, pen) <= one.objective(grid, pen).min() + 1e-9
    # the loss is the data loss written out
    w = 0.37
    assert one.loss(w) == pytest.approx(0.5 * np.sum((one.y - w * one.x) ** 2), rel=1e-12)


def test_one_coefficient_rejects_bad_input():
    with pytest.raises(ValueError, match="equal length"):
        stats.OneCoefficient([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="all zero"):
        stats.OneCoefficient([0.0, 0.0], [1.0, 2.0])


# ------------------------------------------------------------------------ geometry
@pytest.fixture(scope="module")
def diabetes2():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = (X - X.mean()) / X.std(ddof=0)
    return X[["bmi", "bp"]], y.to_numpy()


def test_geometry_contacts_are_constrained_minimisers(diabetes2):
    X, y = diabetes2
    g = stats.geometry_contacts(X, y)
    assert g.feature_names == ("bmi", "bp")
    # the lasso contact is a corner of the diamond: exactly one exact zero
    assert np.count_nonzero(g.lasso == 0) == 1
    assert np.all(g.ridge != 0)
    assert g.l1_radius == pytest.approx(np.abs(g.lasso).sum())
    assert g.l2_radius == pytest.approx(g.l1_radius, rel=1e-9)
    # scikit-learn's Lasso at alpha = l1 / n gives the same contact point
    sk = Lasso(alpha=g.penalties["lasso"].l1 / len(y), tol=1e-14, max_iter=100_000).fit(X, y)
    assert_allclose(g.lasso, sk.coef_, atol=1e-8)
    # brute force: the contact point has the lowest loss on the boundary of each ball
    th = np.linspace(0, 2 * np.pi, 20001)
    disc = g.l2_radius * np.stack([np.cos(th), np.sin(th)])
    diamond = g.l1_radius * np.stack([np.cos(th), np.sin(th)]) / (np.abs(np.cos(th)) + np.abs(np.sin(th)))
    assert g.loss(*g.ridge) <= g.loss(*disc).min() + 1e-6
    assert g.loss(*g.lasso) <= g.loss(*diamond).min() + 1e-6
    # and the loss is the centred half residual sum of squares
    Xc, yc = X.to_numpy() - X.to_numpy().mean(0), y - y.mean()
    w = np.array([3.0, -2.0])
    assert g.loss(*w) == pytest.approx(0.5 * np.sum((yc - Xc @ w) ** 2), rel=1e-10)


def test_geometry_contacts_rejects_wrong_width():
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="exactly 2 features"):
        stats.geometry_contacts(X, X[:, 0])


# ---------------------------------------------------------------------- path bands
@pytest.fixture(scope="module")
def small_problem():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 4)) * [1.0, 2.0, 0.5, 1.5] + 3.0
    y = X @ [1.0, 0.0, -2.0, 0.5] + rng.normal(size=60) + 4.0
    return X, y


def test_ridge_path_bands_match_full_gaussian_posterior(small_problem):
    X, y = small_problem
    sigma = 1.3
    path = map_path(X, y, Gaussian(1.0), sigma=sigma, n_points=5)
    bands = stats.ridge_path_bands(path, X, y, prob=0.8)
    z = st.norm.ppf(0.9)
    # independent route: the joint Gaussian posterior of (intercept, w) with a nearly flat
    # intercept prior, from the uncentred design
    Z = np.column_stack([np.ones(len(y)), X])
    for k, pen in enumerate(path.penalties):
        prec = Z.T @ Z + np.diag([1e-12, *([pen.l2] * X.shape[1])])
        cov = sigma**2 * np.linalg.inv(prec)
        mean = np.linalg.solve(prec, Z.T @ y)
        sd = np.sqrt(np.diag(cov))[1:]
        assert_allclose(path.coefs[k], mean[1:], rtol=1e-7, atol=1e-9)
        assert_allclose(bands.lower[k], mean[1:] - z * sd, rtol=1e-6, atol=1e-8)
        assert_allclose(bands.upper[k], mean[1:] + z * sd, rtol=1e-6, atol=1e-8)
    assert_allclose(bands.lam, [p.l2 for p in path.penalties])


def _exact_posterior_sd(X, sample_weight, fit_intercept, lam, sigma):
    r"""sd of w | y: the diagonal of σ²(X_cᵀ S X_c + λI)⁻¹, X_c centred at the weighted
    column means with an intercept, X itself without; written out with numpy."""
    s = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    Xc = X - (s @ X) / s.sum() if fit_intercept else X
    precision = Xc.T @ (s[:, None] * Xc) + lam * np.eye(X.shape[1])
    return sigma * np.sqrt(np.diag(np.linalg.inv(precision)))


@pytest.mark.parametrize("shape", [(40, 5), (8, 12)], ids=["n>p", "p>n"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("fit_intercept", [False, True], ids=["no-intercept", "intercept"])
def test_ridge_path_bands_are_the_exact_posterior(shape, weighted, fit_intercept):
    # The bands of a no-intercept path used to be those of the centred design (10-20 % off).
    n, p = shape
    rng = np.random.default_rng(11)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p) + 2.0
    y = X @ rng.normal(size=p) + rng.normal(size=n) + 1.0
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    sigma, prob = 1.3, 0.9
    path = map_path(X, y, Gaussian(1.0), sigma=sigma, n_points=6, fit_intercept=fit_intercept,
                    sample_weight=sw)
    bands = stats.ridge_path_bands(path, prob=prob)  # from the path's own spectrum
    z = st.norm.ppf(0.5 + prob / 2)
    for k, lam in enumerate(bands.lam):
        sd = _exact_posterior_sd(X, sw, fit_intercept, lam, sigma)
        assert_allclose((bands.upper[k] - bands.lower[k]) / (2 * z), sd, rtol=1e-9)
        assert_allclose((bands.upper[k] + bands.lower[k]) / 2, path.coefs[k], rtol=1e-12, atol=1e-14)
    # the data, when given, are checked and give the same bands
    again = stats.ridge_path_bands(path, X, y, prob=prob, sample_weight=sw)
    assert_allclose(again.lower, bands.lower, rtol=0, atol=0)
    assert_allclose(again.upper, bands.upper, rtol=0, atol=0)


def test_ridge_path_bands_check_the_data_they_are_given(small_problem):
    X, y = small_problem
    path = map_path(X, y, Gaussian(1.0), sigma=1.0, n_points=4, fit_intercept=False)
    with pytest.raises(ValueError, match="not the data of this path"):
        stats.ridge_path_bands(path, X + 1.0, y)
    with pytest.raises(ValueError, match="number of features"):
        stats.ridge_path_bands(path, X[:, :3], y)
    with pytest.raises(ValueError, match="both X and y"):
        stats.ridge_path_bands(path, X)


def test_ridge_path_bands_refuse_lasso_paths(small_problem):
    X, y = small_problem
    path = map_path(X, y, Laplace(1.0), sigma=1.0, n_points=5)
    with pytest.raises(ValueError, match="Ridge"):
        stats.ridge_path_bands(path, X, y)


def test_posterior_path_bands_are_quantiles():
    dts = [normal_posterior([0.0, 1.0, 2.0], 0.5, seed=s, draws=500) for s in range(3)]
    b = stats.posterior_path_bands([3.0, 2.0, 1.0], dts, prob=0.9)
    for k, dt in enumerate(dts):
        draws = dt["posterior"]["coef"].values.reshape(-1, 3)
        assert_allclose(b.lower[k], np.quantile(draws, 0.05, axis=0), rtol=1e-10)
        assert_allclose(b.upper[k], np.quantile(draws, 0.95, axis=0), rtol=1e-10)
    with pytest.raises(ValueError, match="equal length"):
        stats.posterior_path_bands([1.0], dts)


def test_path_lambdas_lasso_matches_sklearn_alphas(small_problem):
    X, y = small_problem
    path = map_path(X, y, Laplace(1.0), sigma=1.0, n_points=6)
    assert_allclose(stats.path_lambdas(path), path.sklearn_alphas * len(y), rtol=1e-12)
    # and the coefficients match scikit-learn's lasso_path on the centred data
    Xc, yc = X - X.mean(0), y - y.mean()
    _, coefs, _ = lasso_path(Xc, yc, alphas=path.sklearn_alphas, tol=1e-14, max_iter=100_000)
    assert_allclose(path.coefs, coefs.T, atol=1e-7)
    assert math.isfinite(stats.path_lambdas(path)[0])
