"""The logistic and Poisson posteriors: the model's log-density and gradient equal a plain
PyMC model's (``pm.Bernoulli`` / ``pm.Poisson`` with ``X @ w`` inside), the pointwise
log-likelihood equals scipy's, and ``sample_posterior`` / ``predict_posterior`` run end to end."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.special import expit

import bayesreg
from bayesreg.datafits import BernoulliDatafit, PoissonDatafit
from bayesreg.mcmc.model import build_model
from bayesreg.mcmc.problem import PosteriorProblem

pm = pytest.importorskip("pymc")

PRIORS = [bayesreg.Laplace(0.7), bayesreg.Gaussian(1.3), bayesreg.ElasticNet(0.7, 1.3)]


def _data(family, n=40, p=4, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-1, 1, p)
    eta = 0.3 + X @ (0.4 * rng.normal(size=p))
    y = (rng.random(n) < expit(eta)).astype(float) if family == "bernoulli" else rng.poisson(np.exp(eta)).astype(float)
    sw = rng.uniform(0.2, 3.0, n) if weights else None
    return X, y, sw


def _prior_logp(prior, coef):
    import pytensor.tensor as pt

    if isinstance(prior, bayesreg.Laplace):
        return pt.sum(pm.logp(pm.Laplace.dist(0.0, prior.scale), coef))
    if isinstance(prior, bayesreg.Gaussian):
        return pt.sum(pm.logp(pm.Normal.dist(0.0, prior.scale), coef))
    return pt.sum(-pt.abs(coef) / prior.l1_scale - coef**2 / (2 * prior.l2_scale**2)
                  + float(prior.logpdf(0.0)))


def _plain(family, X, y, sw, prior, fit_intercept):
    """The textbook model: ``y ~ Bernoulli(logit_p = b + X w)`` or ``Poisson(exp(b + X w))``;
    weights multiply each observation's log-probability."""
    import pytensor.tensor as pt

    with pm.Model() as model:
        coef = pm.Flat("coef", shape=X.shape[1])
        pm.Potential("prior", _prior_logp(prior, coef))
        eta = pt.dot(X, coef) + (pm.Flat("intercept") if fit_intercept else 0.0)
        dist = pm.Bernoulli.dist(logit_p=eta) if family == "bernoulli" else pm.Poisson.dist(mu=pt.exp(eta))
        if sw is None:
            (pm.Bernoulli if family == "bernoulli" else pm.Poisson)(
                "y", **({"logit_p": eta} if family == "bernoulli" else {"mu": pt.exp(eta)}), observed=y)
        else:
            pm.Potential("y", pt.sum(sw * pm.logp(dist, y)))
    return model


def _logp_and_grad(model, names):
    f = model.compile_logp(jacobian=False)
    df = model.compile_dlogp(vars=[model[n] for n in names], jacobian=False)
    return f, df


@pytest.mark.parametrize("weights", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_model_logp_and_gradient_equal_plain_pymc(family, prior, fit_intercept, weights):
    X, y, sw = _data(family, weights=weights)
    problem = PosteriorProblem.from_data(X, y, prior, family=family, fit_intercept=fit_intercept,
                                         sample_weight=sw)
    ours = build_model(problem)
    plain = _plain(family, X, y, sw, prior, fit_intercept)
    names = ["coef"] + (["intercept"] if fit_intercept else [])
    f_ours, df_ours = _logp_and_grad(ours, names)
    f_plain, df_plain = _logp_and_grad(plain, names)
    # ours parametrises coef through the prior's own variable: map a point onto both
    rng = np.random.default_rng(1)
    value_names = {v.name for v in ours.value_vars}
    for _ in range(3):
        point = {"coef": 0.5 * rng.normal(size=X.shape[1])}
        if fit_intercept:
            point["intercept"] = float(rng.normal())
        if value_names != set(point):
            pytest.skip(f"the prior's variables {value_names} are not the plain ones")
        assert f_ours(point) == pytest.approx(f_plain(point), rel=1e-10, abs=1e-10)
        assert_allclose(df_ours(point), df_plain(point), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("cls", [BernoulliDatafit, PoissonDatafit])
def test_pointwise_log_likelihood_is_scipys(cls, fit_intercept):
    X, y, sw = _data(cls.family, weights=True)
    sw[3] = 0.0
    df = cls(X, y, sw, fit_intercept)
    rng = np.random.default_rng(2)
    coef = 0.3 * rng.normal(size=(5, X.shape[1]))
    intercept = rng.normal(size=5) if fit_intercept else np.zeros(5)
    ll = df.pointwise_log_likelihood(coef, intercept, None, chunk_bytes=8 * 5 * 7)
    eta = intercept[:, None] + coef @ X.T
    ref = (stats.bernoulli.logpmf(y, expit(eta)) if cls is BernoulliDatafit
           else stats.poisson.logpmf(y, np.exp(eta)))
    assert_allclose(ll, sw * ref, rtol=1e-12, atol=1e-12)
    assert np.all(ll[:, 3] == 0)
    # the MAP's objective is minus the total log-likelihood, up to a constant in y
    w, b = coef[0], intercept[0]
    const = df.value(w, b) + ll[0].sum()
    assert df.value(0.5 * w, b) + df.pointwise_log_likelihood(0.5 * w[None], np.array([b]), None).sum() == pytest.approx(const)
    with pytest.raises(ValueError, match="no noise scale"):
        df.pointwise_log_likelihood(coef, intercept, np.ones(5))


def test_mean_and_predictive_draws():
    rng = np.random.default_rng(3)
    eta = rng.normal(size=(4000, 3))
    b = BernoulliDatafit.__new__(BernoulliDatafit)
    p = PoissonDatafit.__new__(PoissonDatafit)
    assert_allclose(b.mean(eta), expit(eta))
    assert_allclose(p.mean(eta), np.exp(eta))
    yb = b.predictive_draws(eta, None, rng)
    yp = p.predictive_draws(eta, None, rng)
    assert set(np.unique(yb)) <= {0.0, 1.0} and np.all(yp >= 0) and np.all(yp == np.round(yp))
    eta0 = np.zeros((20000, 1))
    assert b.predictive_draws(eta0, None, rng).mean() == pytest.approx(0.5, abs=0.02)
    assert p.predictive_draws(eta0 + np.log(3.0), None, rng).mean() == pytest.approx(3.0, abs=0.06)


@pytest.mark.filterwarnings("ignore::bayesreg.mcmc.SamplingWarning")
def test_sample_posterior_end_to_end():
    X, y, _ = _data("bernoulli", n=120, p=3)
    labels = np.where(y == 1, "b", "a")
    post = bayesreg.sample_posterior(X, labels, bayesreg.Laplace(1.0), family="logistic",
                                     draws=300, tune=300, chains=2, progressbar=False,
                                     random_seed=4)
    assert post.attrs["family"] == "bernoulli" and post.attrs["sigma_mode"] == "none"
    assert "sigma" not in post["posterior"].data_vars
    assert post["log_likelihood"]["y"].shape == (2, 300, 120)
    pred = bayesreg.predict_posterior(post, X[:10])
    assert np.all((pred.lower >= 0) & (pred.upper <= 1) & (pred.lower <= pred.mean))
    draws = bayesreg.predict_posterior(post, X[:10], include_noise=True, random_seed=0).draws
    assert set(np.unique(draws)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="no noise scale"):
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), family="bernoulli", sigma=1.0)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::bayesreg.mcmc.SamplingWarning")
def test_sbc_logistic_laplace():
    """Simulation-based calibration (Talts et al. 2018): with w drawn from the Laplace prior
    and y from the logistic likelihood, the rank of each true coefficient among (thinned)
    posterior draws is uniform — chi-square p-values of 10-bin histograms."""
    rng = np.random.default_rng(0)
    n, p, sims, kept, thin = 30, 3, 100, 99, 2
    X = rng.standard_normal((n, p))
    prior = bayesreg.Laplace(1.0)
    ranks = []
    for k in range(sims):
        w = rng.laplace(0.0, 1.0, p)
        y = (rng.random(n) < expit(X @ w)).astype(float)
        post = bayesreg.sample_posterior(
            X, y, prior, family="bernoulli", fit_intercept=False, draws=kept * thin, tune=200,
            chains=1, progressbar=False, random_seed=k, log_likelihood=False,
        )
        d = post["posterior"]["coef"].values[0, thin - 1 :: thin]
        ranks.append([int(np.sum(d[:, j] < w[j])) for j in range(p)])
    bins = np.linspace(0, kept + 1, 11)
    pvals = [stats.chisquare(np.histogram(r, bins=bins)[0]).pvalue for r in np.array(ranks).T]
    assert min(pvals) > 0.01, pvals
