"""The sampler's log-density, without sampling.

* The sufficient-statistics model has the same log-density and gradient as the plain
  PyMC model (``X @ w`` inside ``pm.Normal``) at random points, for every prior, every
  σ treatment, with and without intercept and sample weights.
* The MAP of :func:`bayesreg.map_estimate` is the mode of that log-density.
* Pointwise log-likelihood, predictive summaries and the diagnostics warning against
  direct computations; the Bayesian lasso and horseshoe priors against scipy.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

import bayesreg
from bayesreg.datafits import GaussianDatafit
from bayesreg.datafits.gaussian import SufficientStatistics
from bayesreg.mcmc import SamplingWarning, check_convergence, predict_posterior
from bayesreg.mcmc.model import build_model
from bayesreg.mcmc.problem import PosteriorProblem, sigma_mode

pm = pytest.importorskip("pymc")
xr = pytest.importorskip("xarray")


def _data(n=30, p=4, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-1, 1, p)
    y = 1.0 + X @ rng.normal(size=p) + 0.7 * rng.normal(size=n)
    sw = None
    if weights:
        sw = rng.uniform(0.2, 3.0, n)
        sw[[2, 7]] = 0.0
    return X, y, sw


def _ours(X, y, sw, prior, sigma, fit_intercept, sigma_scale=None):
    problem = PosteriorProblem.from_data(
        X, y, prior, sigma=sigma, sigma_scale=sigma_scale, fit_intercept=fit_intercept,
        sample_weight=sw,
    )
    return build_model(problem), SufficientStatistics.from_datafit(GaussianDatafit(X, y, sw, fit_intercept))


def _plain(X, y, sw, prior, sigma, fit_intercept, st):
    """The textbook model: every observation in ``pm.Normal``, mean ``b + X @ w``.

    The intercept is written ``b = ybar - xbar'w + a`` with ``a`` flat (unit Jacobian,
    so this is the flat-``b`` model; see ``test_flat_intercept_offset_is_flat_intercept``)
    to compare gradients coordinate by coordinate.
    """
    import pytensor.tensor as pt

    keep = np.ones(len(y), bool) if sw is None else sw > 0
    s = np.ones(len(y)) if sw is None else sw
    with pm.Model(coords={"feature": [f"x{j}" for j in range(X.shape[1])]}) as m:
        mode = sigma_mode(sigma)
        if mode == "fixed":
            sig = sigma
        elif mode == "half-t":
            sig = pm.HalfStudentT("sigma", nu=3.0, sigma=st.y_scale)
        else:
            sig = pt.exp(pm.Flat("log_sigma"))
        coef = prior.to_pymc("coef", dims="feature", sigma=sig)
        b = 0.0
        if fit_intercept:
            b = st.y_offset - pt.dot(st.X_offset, coef) + pm.Flat("intercept_offset")
        pm.Normal(
            "y", mu=b + pt.dot(X[keep], coef), sigma=sig / np.sqrt(s[keep]), observed=y[keep]
        )
    return m


PRIORS = [
    bayesreg.Gaussian(0.8),
    bayesreg.Laplace(0.5),
    bayesreg.ElasticNet(0.7, 1.3),
    bayesreg.BayesianLasso(lam=1.7),
    bayesreg.BayesianLasso(lam_prior=(1.0, 1.78)),
    bayesreg.Horseshoe(0.3, slab_scale=2.0, slab_df=4.0),
]
# PyTensor's default (numba) backend, the one the sampler uses: one cold compile cache
# to fill per CI run instead of two
_C: dict = {}


def _logp_dlogp(model):
    """One compiled function: total log-density, its gradient, and the likelihood term."""
    import pytensor.tensor as pt
    from pymc.pytensorf import compile as compile_pt

    logp = model.logp()
    grad = pt.concatenate([pt.grad(logp, v).ravel() for v in model.value_vars])
    (lik,) = model.replace_rvs_by_values(
        [model.logp(vars=model.observed_RVs) if model.observed_RVs else model["y_loglik"]]
    )
    fn = compile_pt(model.value_vars, [logp, grad, lik], **_C)
    return lambda point: fn(*[point[v.name] for v in model.value_vars])


def _check_same_density(X, y, sw, prior, sigma, fit_intercept, n_points=4):
    ours, st = _ours(X, y, sw, prior, sigma, fit_intercept)
    plain = _plain(X, y, sw, prior, sigma, fit_intercept, st)
    ip = ours.initial_point()
    assert list(ip) == list(plain.initial_point())
    f_ours, f_plain = _logp_dlogp(ours), _logp_dlogp(plain)
    rng = np.random.default_rng(1)
    for _ in range(n_points):
        point = {k: rng.normal(scale=0.8, size=np.shape(v)) for k, v in ip.items()}
        (lo, go, lik_o), (lp, gp, lik_p) = f_ours(point), f_plain(point)
        # the likelihood term: sufficient statistics vs the sum over observations
        assert_allclose(lik_o, lik_p, rtol=1e-11)
        # totals add the prior terms; both models build those from the same to_pymc
        # graph, but PyTensor rewrites them differently (1e-10 relative differences for
        # the horseshoe's log1p/softplus forms), hence rtol 1e-9 here
        assert_allclose(lo, lp, rtol=1e-9)
        assert_allclose(go, gp, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize(
    "prior,sigma",
    # σ enters the prior only for the Bayesian lasso: all σ treatments there, fixed σ elsewhere
    [(p, 0.9) for p in PRIORS]
    + [(bayesreg.BayesianLasso(lam=1.7), None), (bayesreg.BayesianLasso(lam_prior=(1.0, 1.78)), "jeffreys")],
    ids=lambda v: repr(v),
)
def test_logp_and_gradient_equal_plain_model(prior, sigma):
    """Every prior and σ treatment; intercept and sample weights (two of them zero)."""
    X, y, sw = _data(weights=True)
    _check_same_density(X, y, sw, prior, sigma, True)


@pytest.mark.parametrize(
    "fit_intercept,weights,sigma", [(True, False, None), (False, True, "jeffreys")]
)
def test_logp_and_gradient_equal_plain_model_intercept_weights(fit_intercept, weights, sigma):
    X, y, sw = _data(weights=weights, seed=2)
    _check_same_density(X, y, sw, bayesreg.Laplace(0.5), sigma, fit_intercept)


def test_flat_intercept_offset_is_flat_intercept():
    """logp(w, a) of the re-parametrised model equals the plain flat-b model at b(w, a)."""
    import pytensor.tensor as pt

    X, y, sw = _data(weights=True, seed=3)
    prior, sigma = bayesreg.Laplace(0.5), 0.9
    ours, st = _ours(X, y, sw, prior, sigma, True)
    keep = sw > 0
    with pm.Model() as plain:
        coef = prior.to_pymc("coef", shape=X.shape[1])
        b = pm.Flat("intercept")
        pm.Normal("y", mu=b + pt.dot(X[keep], coef), sigma=sigma / np.sqrt(sw[keep]), observed=y[keep])
    f_ours, f_plain = _logp_dlogp(ours), _logp_dlogp(plain)
    rng = np.random.default_rng(0)
    w, a = rng.normal(size=X.shape[1]), rng.normal()
    b = st.y_offset - st.X_offset @ w + a
    assert_allclose(
        f_ours({"coef": w, "intercept_offset": a})[0], f_plain({"coef": w, "intercept": b})[0], rtol=1e-10
    )


@pytest.mark.parametrize(
    "prior", [bayesreg.Gaussian(0.3), bayesreg.Laplace(0.05), bayesreg.ElasticNet(0.05, 0.5),
              bayesreg.BayesianLasso(lam=8.0)], ids=repr,
)
@pytest.mark.parametrize("weights", [False, True])
def test_map_is_mode_of_sampled_density(prior, weights):
    """At the MAP: zero gradient on the support, |gradient| <= l1/σ² off it, for fixed σ."""
    X, y, sw = _data(n=40, p=6, seed=3, weights=weights)
    sigma = 0.9
    res = bayesreg.map_estimate(X, y, prior, sigma=sigma, sample_weight=sw)
    assert res.kkt_residual < 1e-8
    model, _ = _ours(X, y, sw, prior, sigma, True)
    dlogp = model.compile_dlogp(**_C)
    g = dlogp({"coef": res.coef, "intercept_offset": np.array(0.0)})
    g_coef, g_a = g[:-1], g[-1]
    scale = np.abs(GaussianDatafit(X, y, sw, True).q).max() / sigma**2
    on = res.coef != 0
    assert on.any()
    assert_allclose(g_coef[on], 0.0, atol=1e-7 * scale)
    assert abs(g_a) < 1e-9 * scale
    l1 = res.penalty.l1 / sigma**2
    assert np.all(np.abs(g_coef[~on]) <= l1 * (1 + 1e-7) + 1e-9 * scale)
    # and the intercept of the MAP is ybar - xbar'w, i.e. offset a = 0
    lik = GaussianDatafit(X, y, sw, True)
    assert_allclose(res.intercept, lik.y_offset - lik.X_offset @ res.coef, rtol=1e-10, atol=1e-10)


def test_sufficient_statistics_log_likelihood_matches_scipy():
    X, y, sw = _data(n=50, p=5, seed=4, weights=True)
    st = SufficientStatistics.from_datafit(GaussianDatafit(X, y, sw, True))
    rng = np.random.default_rng(0)
    for _ in range(3):
        w, a, sigma = rng.normal(size=5), rng.normal(), rng.uniform(0.5, 2)
        b = st.y_offset - st.X_offset @ w + a
        keep = sw > 0
        ref = stats.norm.logpdf(y[keep], b + X[keep] @ w, sigma / np.sqrt(sw[keep])).sum()
        assert_allclose(st.log_likelihood(w, a, sigma), ref, rtol=1e-11)


def test_sufficient_statistics_rank_deficient_design():
    """Duplicate column, p > n: the pseudo-inverse form is still exact."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(8, 12))
    X[:, 3] = X[:, 0]
    y = rng.normal(size=8)
    st = SufficientStatistics.from_datafit(GaussianDatafit(X, y, None, True))
    w = rng.normal(size=12)
    b = st.y_offset - st.X_offset @ w
    ref = stats.norm.logpdf(y, b + X @ w, 1.3).sum()
    assert_allclose(st.log_likelihood(w, 0.0, 1.3), ref, rtol=1e-10)


def test_pointwise_log_likelihood_matches_scipy_in_chunks():
    X, y, sw = _data(n=37, p=3, seed=6, weights=True)
    rng = np.random.default_rng(0)
    coef, b, sig = rng.normal(size=(11, 3)), rng.normal(size=11), rng.uniform(0.5, 2, 11)
    ll = GaussianDatafit(X, y, sw).pointwise_log_likelihood(coef, b, sig, chunk_bytes=8 * 11 * 5)
    with np.errstate(divide="ignore"):
        ref = stats.norm.logpdf(y[None], b[:, None] + coef @ X.T, sig[:, None] / np.sqrt(sw)[None])
    ref[:, sw == 0] = 0.0
    assert_allclose(ll, ref, rtol=1e-12)
    ll1 = GaussianDatafit(X, y, None).pointwise_log_likelihood(coef, b, sig)
    assert_allclose(ll1, stats.norm.logpdf(y[None], b[:, None] + coef @ X.T, sig[:, None]), rtol=1e-12)


def _tree(post: dict, diverging=None):
    ds = xr.Dataset(
        {k: (("chain", "draw", *(["feature"] if v.ndim == 3 else [])), v) for k, v in post.items()},
        coords={"feature": ["age", "bmi"]} if any(v.ndim == 3 for v in post.values()) else None,
    )
    d = {"posterior": ds}
    if diverging is not None:
        d["sample_stats"] = xr.Dataset({"diverging": (("chain", "draw"), diverging)})
    return xr.DataTree.from_dict(d)


def test_check_convergence_silent_on_good_chains_and_names_bad_ones():
    rng = np.random.default_rng(0)
    good = _tree({"coef": rng.normal(size=(4, 1000, 2)), "sigma": rng.gamma(5, size=(4, 1000))},
                 diverging=np.zeros((4, 1000), bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_convergence(good) == []
    coef = rng.normal(size=(4, 1000, 2))
    coef[0, :, 1] += 3.0  # one chain elsewhere: R-hat of coef[bmi] blows up
    div = np.zeros((4, 1000), bool)
    div[1, :7] = True
    bad = _tree({"coef": coef, "sigma": np.cumsum(rng.normal(size=(4, 1000)), axis=1)}, diverging=div)
    with pytest.warns(SamplingWarning) as rec:
        problems = check_convergence(bad)
    assert len(rec) == 1
    msg = str(rec[0].message)
    assert "coef[bmi]" in msg and "coef[age]" not in msg.split("R-hat")[1].split(";")[0]
    assert "sigma" in msg and "7 divergent" in msg
    assert any("bulk ESS" in p for p in problems)


def test_predict_posterior_against_direct_computation():
    rng = np.random.default_rng(0)
    coef, b = rng.normal(size=(2, 300, 2)), rng.normal(size=(2, 300))
    sig = rng.uniform(0.5, 1.5, (2, 300))
    dt = _tree({"coef": coef, "intercept": b, "sigma": sig})
    Xn = rng.normal(size=(5, 2))
    pred = predict_posterior(dt, Xn, prob=0.9)
    mu = b.reshape(-1)[:, None] + coef.reshape(-1, 2) @ Xn.T
    assert_allclose(pred.mean, mu.mean(0), rtol=1e-12)
    assert_allclose(pred.lower, np.quantile(mu, 0.05, axis=0))
    assert_allclose(pred.upper, np.quantile(mu, 0.95, axis=0))
    noisy = predict_posterior(dt, Xn, prob=0.9, include_noise=True, random_seed=1)
    # noise widens the interval by about sqrt(var(mu) + E sigma^2)
    assert np.all(noisy.upper - noisy.lower > pred.upper - pred.lower)
    with pytest.raises(ValueError, match="features"):
        predict_posterior(dt, rng.normal(size=(5, 3)))
    with pytest.raises(ValueError, match="prob"):
        predict_posterior(dt, Xn, prob=1.5)


# ---------------------------------------------------------------- priors
def test_bayesian_lasso_fixed_is_scaled_laplace():
    bl = bayesreg.BayesianLasso(lam=2.5)
    w = np.linspace(-3, 3, 13)
    for sigma in (0.5, 1.0, 3.0):
        ref = stats.laplace(scale=sigma / 2.5)
        assert_allclose(bl.logpdf(w, sigma=sigma), ref.logpdf(w), rtol=1e-12)
        assert_allclose(bl.variance(sigma=sigma), ref.var(), rtol=1e-12)
        assert_allclose(bl.mass_near_zero(0.3, sigma=sigma), ref.cdf(0.3) - ref.cdf(-0.3), rtol=1e-12)
    d = bl.rvs(4000, random_state=0, sigma=2.0)
    assert stats.kstest(d, stats.laplace(scale=2.0 / 2.5).cdf).pvalue > 0.01


def test_bayesian_lasso_fixed_map_is_sklearn_lasso():
    """Penalty l1 = σλ, so Lasso alpha = σλ/n."""
    from sklearn.linear_model import Lasso

    X, y, _ = _data(n=60, p=6, seed=8)
    sigma, lam = 0.8, 30.0
    res = bayesreg.map_estimate(X, y, bayesreg.BayesianLasso(lam=lam), sigma=sigma)
    sk = Lasso(alpha=sigma * lam / len(y), tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(res.coef, sk.coef_, atol=1e-7)
    back = bayesreg.BayesianLasso.from_penalty(res.penalty, sigma)
    assert back.lam == pytest.approx(lam)


@pytest.mark.parametrize("r,delta,sigma", [(1.0, 1.78, 1.0), (2.5, 0.3, 2.0)])
def test_bayesian_lasso_hyperprior_marginal_against_quadrature(r, delta, sigma):
    bl = bayesreg.BayesianLasso(lam_prior=(r, delta))
    assert not bl.has_penalty
    total, _ = integrate.quad(lambda t: math.exp(float(bl.logpdf(t, sigma=sigma))), -np.inf, np.inf)
    assert total == pytest.approx(1.0, abs=1e-7)
    lam_pdf = lambda lam: 2 * lam * stats.gamma.pdf(lam**2, a=r, scale=1 / delta)  # noqa: E731
    for w in (0.0, 0.4, 3.0, 40.0):
        direct, _ = integrate.quad(
            lambda lam: stats.laplace.pdf(w, scale=sigma / lam) * lam_pdf(lam), 0, np.inf, limit=200
        )
        assert_allclose(bl.logpdf(w, sigma=sigma), math.log(direct), rtol=1e-7)
    # draws follow the marginal: KS against its numerically integrated CDF
    d = bl.rvs(3000, random_state=1, sigma=sigma)
    cdf = np.vectorize(lambda t: integrate.quad(lambda u: math.exp(float(bl.logpdf(u, sigma=sigma))), -np.inf, t)[0])
    assert stats.kstest(d[:400], cdf).pvalue > 0.01
    with pytest.raises(ValueError, match="no fixed penalty"):
        bl.penalty(1.0)
    with pytest.raises(ValueError, match="hyperprior"):
        bayesreg.map_estimate(*_data()[:2], bl, sigma=1.0)


def test_bayesian_lasso_validation():
    with pytest.raises(ValueError, match="exactly one"):
        bayesreg.BayesianLasso()
    with pytest.raises(ValueError, match="exactly one"):
        bayesreg.BayesianLasso(lam=1.0, lam_prior=(1, 1))
    with pytest.raises(ValueError, match="lam"):
        bayesreg.BayesianLasso(lam=-1.0)
    with pytest.raises(TypeError, match="pair"):
        bayesreg.BayesianLasso(lam_prior=3.0)
    assert "0.237" in repr(bayesreg.BayesianLasso(lam=0.237))


def test_horseshoe_rvs_match_pymc_hierarchy():
    """numpy draws of the hierarchy vs PyMC draws of to_pymc's graph (two-sample KS)."""
    hs = bayesreg.Horseshoe(0.2, slab_scale=1.5, slab_df=3.0)
    ours = hs.rvs(4000, random_state=0)
    with pm.Model():
        w = hs.to_pymc("w", shape=10)
    # each PyMC draw shares tau and c2 over its coordinates: take 400 draws of 10
    theirs = pm.draw(w, draws=400, random_seed=1).reshape(-1)
    assert stats.ks_2samp(ours, theirs).pvalue > 0.01
    with pytest.raises(NotImplementedError, match="no closed"):
        hs.logpdf(0.0)
    with pytest.raises(ValueError, match="penalty"):
        bayesreg.map_estimate(*_data()[:2], hs, sigma=1.0)
    tau0 = bayesreg.Horseshoe.from_expected_nonzero(3, 20, 100, sigma=2.0).global_scale
    assert tau0 == pytest.approx(3 / 17 * 2 / 10)


def test_sample_posterior_rejects_bad_input():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="jeffreys"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), sigma="flat")
    with pytest.raises(ValueError, match="sigma"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), sigma=-1.0)
    with pytest.raises(ValueError, match="draws"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), draws=0)
    with pytest.raises(ValueError, match="sampler"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), sampler="metropolis")
    with pytest.raises(ValueError, match="sigma_scale"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), sigma=1.0, sigma_scale=2.0)
    with pytest.raises(TypeError, match="prior"):
        bayesreg.sample_posterior(X, y, "laplace")
    with pytest.raises(ValueError, match="rows"):
        bayesreg.sample_posterior(X, y[:-1], bayesreg.Laplace(1.0))
