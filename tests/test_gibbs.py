"""The Gibbs backend against closed forms, exact enumeration, calibration and NUTS.

* the random-variate helpers against scipy's distributions (Kolmogorov–Smirnov);
* the conjugate posterior (Gaussian prior, fixed σ) in closed form, for Rue's draw
  (n ≥ p) and Bhattacharya's (p > n), with weights and without an intercept;
* simulation-based calibration (Talts et al. 2018) for every prior, fixed and learned σ;
* the spike-and-slab inclusion probabilities against all 2^8 models;
* NUTS on a small Laplace problem, and Park & Casella's diabetes analysis;
* the layout (the NUTS model's variable names), seeds, Ctrl-C, ``sampler="auto"``.
"""

from __future__ import annotations

import math
import threading
import time
from itertools import product

import numpy as np
import pytest
from scipy import stats

import bayesreg as br
from bayesreg.mcmc.backends import BACKENDS, choose
from bayesreg.mcmc.backends.gibbs import build_chain
from bayesreg.mcmc.gibbs_sweep import HalfTNoise
from bayesreg.mcmc.problem import PosteriorProblem
from bayesreg.priors.mixtures import draw_local_precision, inverse_gaussian

GIBBS = dict(sampler="gibbs", progressbar=False)

# short runs in the layout and option tests would flag low ESS
pytestmark = pytest.mark.filterwarnings("ignore:MCMC diagnostics flag problems")


def _problem(X, y, prior, **kw):
    return PosteriorProblem.from_data(X, y, prior, **kw)


# ------------------------------------------------------------------ random variates
@pytest.mark.parametrize("mu, kappa", [(1e-3, 0.0), (0.7, 0.0), (5.0, 0.0), (0.05, 0.3), (2.0, 4.0)])
def test_local_precision_draws_have_their_density(mu, kappa):
    from scipy.integrate import quad

    def dens(t):  # density of log(eta)
        e = math.exp(t)
        return e * math.exp(-mu * e) / (1 + e) * math.sqrt(1 + kappa / e)

    Z = quad(dens, -60, 20, limit=2000)[0]
    grid = np.linspace(-14, 14, 600)
    cdf = np.array([quad(dens, -60, g, limit=2000)[0] for g in grid]) / Z
    draws = np.log(draw_local_precision(np.full(20_000, mu), kappa, np.random.default_rng(3)))
    res = stats.kstest(draws, lambda t: np.interp(t, grid, cdf))
    assert res.pvalue > 0.01


def test_inverse_gaussian_draws():
    rng = np.random.default_rng(0)
    for mean, shape in [(0.3, 2.0), (50.0, 0.01), (1e-3, 10.0)]:
        x = inverse_gaussian(np.full(20_000, 1.0 / mean), shape, rng)
        assert stats.kstest(x, stats.invgauss(mean / shape, scale=shape).cdf).pvalue > 0.01
    # 1/mean = 0 (a coefficient exactly 0): the Lévy limit shape / chi2_1
    x = inverse_gaussian(np.zeros(20_000), 2.0, rng)
    assert stats.kstest(x, stats.levy(scale=2.0).cdf).pvalue > 0.01


def test_half_t_noise_is_a_scale_mixture():
    """σ² | a ~ IG(ν/2, ν/a), a ~ IG(1/2, 1/s²) gives σ ~ half-t_ν(0, s)."""
    rng = np.random.default_rng(1)
    noise = HalfTNoise(scale=2.5, nu=3.0)
    a = 1.0 / rng.gamma(0.5, noise.scale2, size=40_000)  # IG(1/2, 1/s²)
    sigma = np.sqrt(1.0 / rng.gamma(0.5 * noise.nu, a / noise.nu))  # IG(ν/2, ν/a)
    ref = stats.t(3, scale=2.5)
    assert stats.kstest(sigma, lambda s: 2 * ref.cdf(s) - 1).pvalue > 0.01


# ------------------------------------------------------------- conjugate posterior
def _conjugate(X, y, tau, sigma, sw=None, fit_intercept=True):
    """Closed form: w ~ N(μ, Σ), b = ȳ - x̄ᵀw + a, a ~ N(0, σ²/S) independent of w."""
    s = np.ones(len(y)) if sw is None else sw
    S = s.sum()
    xm = (s @ X) / S if fit_intercept else np.zeros(X.shape[1])
    ym = (s @ y) / S if fit_intercept else 0.0
    A = np.sqrt(s)[:, None] * (X - xm)
    bc = np.sqrt(s) * (y - ym)
    P = A.T @ A / sigma**2 + np.eye(X.shape[1]) / tau**2
    Sigma = np.linalg.inv(P)
    mu = Sigma @ (A.T @ bc) / sigma**2
    b_mean = ym - xm @ mu
    b_var = xm @ Sigma @ xm + (sigma**2 / S if fit_intercept else 0.0)
    return mu, np.sqrt(np.diag(Sigma)), b_mean, math.sqrt(b_var)


@pytest.mark.parametrize("case", ["n>=p", "p>n", "weights", "no-intercept", "p>n-rue"])
def test_gibbs_equals_the_conjugate_posterior(case):
    import arviz_stats as azs

    rng = np.random.default_rng(7)
    n, p = (40, 6) if case in ("n>=p", "weights", "no-intercept") else (12, 30)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-2, 2, p)
    y = 2.0 + X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.7 * rng.standard_normal(n)
    sw = rng.uniform(0.2, 3.0, n) if case == "weights" else None
    if sw is not None:
        sw[3] = 0.0
    fit_intercept = case != "no-intercept"
    tau, sigma = 1.5, 0.7
    kw = dict(coef_draw="rue") if case == "p>n-rue" else {}
    post = br.sample_posterior(
        X, y, br.Gaussian(tau), sigma=sigma, sample_weight=sw, fit_intercept=fit_intercept,
        draws=1000, tune=50, chains=4, random_seed=11, posterior_predictive=False, **GIBBS, **kw,
    )
    expected = "bhattacharya" if case == "p>n" else "rue"
    assert post.attrs["coef_draw"] == expected
    mu, sd, b_mean, b_sd = _conjugate(X, y, tau, sigma, sw, fit_intercept)
    coef = post["posterior"]["coef"]
    mcse = azs.mcse(post, var_names=["coef", "intercept"])
    mcse = getattr(mcse, "posterior", mcse)
    got = coef.mean(("chain", "draw")).values
    assert np.all(np.abs(got - mu) < 4 * mcse["coef"].values), (got, mu)
    np.testing.assert_allclose(coef.std(("chain", "draw")).values, sd, rtol=0.05)
    b = post["posterior"]["intercept"]
    if fit_intercept:
        assert abs(float(b.mean()) - b_mean) < 4 * float(mcse["intercept"])
        np.testing.assert_allclose(float(b.std()), b_sd, rtol=0.05)
    else:
        assert float(np.abs(b).max()) == 0.0


# ------------------------------------------------- simulation-based calibration
def _sbc(prior_draw, prior, *, sigma_mode, n=20, p=3, sims=150, draws=99, thin=3, tune=60, seed=0):
    """Ranks of the true values among thinned posterior draws, for each scalar quantity.

    ``prior_draw(rng)`` draws ``(w, sigma)`` from the joint prior (σ fixed at 1 when
    ``sigma_mode == "fixed"``; half-t₃(0, 1) when ``"half-t"``). Returns the chi-square
    p-values of the rank histograms (10 bins), one per quantity (the coefficients, and σ).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    ranks = []
    for _ in range(sims):
        w, sigma = prior_draw(rng)
        y = X @ w + sigma * rng.standard_normal(n)
        kw = dict(sigma=1.0) if sigma_mode == "fixed" else dict(sigma=None, sigma_scale=1.0)
        problem = _problem(X, y, prior, fit_intercept=False, **kw)
        out = build_chain(problem).run(draws * thin, tune, rng)
        post = [out["coef"][thin - 1 :: thin, j] for j in range(p)]
        truth = list(w)
        if sigma_mode != "fixed":
            post.append(out["sigma"][thin - 1 :: thin])
            truth.append(sigma)
        ranks.append([int(np.sum(d < t)) for d, t in zip(post, truth)])
    ranks = np.array(ranks)  # (sims, quantities), values 0..draws
    bins = np.linspace(0, draws + 1, 11)
    return [stats.chisquare(np.histogram(r, bins=bins)[0]).pvalue for r in ranks.T]


def _half_t(rng):
    return abs(rng.standard_t(3))


def _laplace_draw(sigma_mode):
    def draw(rng):
        return rng.laplace(0, 1.0, 3), (1.0 if sigma_mode == "fixed" else _half_t(rng))
    return draw


@pytest.mark.parametrize("sigma_mode", ["fixed", "half-t"])
def test_sbc_laplace(sigma_mode):
    pvals = _sbc(_laplace_draw(sigma_mode), br.Laplace(1.0), sigma_mode=sigma_mode, sims=100)
    assert min(pvals) > 0.01, pvals


def _horseshoe_draw(tau0, slab, df=4.0):
    def draw(rng):
        tau = abs(tau0 * rng.standard_cauchy())
        lam = np.abs(rng.standard_cauchy(3))
        u = (tau * lam) ** 2
        if slab is not None:
            c2 = 1.0 / rng.gamma(df / 2, 2.0 / (df * slab**2))
            u = 1.0 / (1.0 / u + 1.0 / c2)
        return np.sqrt(u) * rng.standard_normal(3), 1.0
    return draw


@pytest.mark.slow
@pytest.mark.parametrize("slab", [2.0, None], ids=["regularised", "plain"])
def test_sbc_horseshoe(slab):
    # τ and the λ_j mix more slowly than the coefficients of the other priors: thin more
    # (with thin=3 the regularised horseshoe's ranks are autocorrelated enough to fail)
    pvals = _sbc(_horseshoe_draw(0.5, slab), br.Horseshoe(0.5, slab_scale=slab), sigma_mode="fixed",
                 sims=100, thin=6)
    assert min(pvals) > 0.01, pvals


def _draw_bl_hyper(rng):
    sigma = _half_t(rng)
    lam = math.sqrt(rng.gamma(2.0, 1.0 / 2.0))
    return rng.laplace(0, sigma / lam, 3), sigma


def _draw_spike_slab(rng):
    theta = rng.beta(2.0, 2.0)
    gamma = rng.random(3) < theta
    return rng.standard_normal(3) * np.where(gamma, 2.0, 0.05), _half_t(rng)


def _draw_elastic_net(rng):
    return br.ElasticNet(1.0, 0.8).rvs(3, random_state=rng), _half_t(rng)


def _draw_gaussian(rng):
    return rng.normal(0, 1.2, 3), _half_t(rng)


def _draw_bl_fixed(rng):
    sigma = _half_t(rng)
    return rng.laplace(0, sigma / 1.5, 3), sigma


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior, draw",
    [
        (br.BayesianLasso(lam=1.5), _draw_bl_fixed),
        (br.BayesianLasso(lam_prior=(2.0, 2.0)), _draw_bl_hyper),
        (br.SpikeAndSlab(0.05, 2.0, inclusion_prior=(2.0, 2.0)), _draw_spike_slab),
        (br.ElasticNet(1.0, 0.8), _draw_elastic_net),
        (br.Gaussian(1.2), _draw_gaussian),
    ],
    ids=["bayesian-lasso", "bayesian-lasso-gamma", "spike-and-slab", "elastic-net", "gaussian"],
)
def test_sbc_learned_sigma(prior, draw):
    pvals = _sbc(draw, prior, sigma_mode="half-t", sims=200)
    assert min(pvals) > 0.01, pvals


# ------------------------------------------------------------- spike and slab
def _enumerate_inclusion(X, y, sigma, spike, slab, log_prior):
    """Posterior inclusion probabilities over all 2^p models: y_c ~ N(0, σ²I + A D_γ Aᵀ)."""
    A = X - X.mean(axis=0)
    bc = y - y.mean()
    n, p = X.shape
    logp, gammas = [], []
    for gamma in product([0, 1], repeat=p):
        g = np.array(gamma, dtype=bool)
        d = np.where(g, slab**2, spike**2)
        C = sigma**2 * np.eye(n) + (A * d) @ A.T
        # bc lies in the centred subspace; the flat intercept adds the same term to every model
        logp.append(stats.multivariate_normal(np.zeros(n), C).logpdf(bc) + log_prior(int(g.sum()), p))
        gammas.append(g)
    logp = np.array(logp)
    prob = np.exp(logp - logp.max())
    prob /= prob.sum()
    return np.array(gammas).T.astype(float) @ prob


@pytest.mark.parametrize("inclusion", [0.3, None], ids=["fixed", "beta"])
def test_spike_and_slab_inclusion_equals_enumeration(inclusion):
    rng = np.random.default_rng(5)
    n, p = 40, 8
    X = rng.standard_normal((n, p))
    y = 0.5 + X @ np.array([1.2, -0.8, 0.0, 0.0, 0.35, 0.0, 0.0, 0.25]) + rng.standard_normal(n)
    spike, slab, sigma = 0.05, 1.5, 1.0
    if inclusion is None:
        a, b = 1.0, 2.0
        prior = br.SpikeAndSlab(spike, slab, inclusion_prior=(a, b))

        def log_prior(k, p):  # Beta-binomial: B(a + k, b + p - k) / B(a, b)
            from scipy.special import betaln

            return betaln(a + k, b + p - k) - betaln(a, b)
    else:
        prior = br.SpikeAndSlab(spike, slab, inclusion=inclusion)

        def log_prior(k, p):
            return k * math.log(inclusion) + (p - k) * math.log1p(-inclusion)

    exact = _enumerate_inclusion(X, y, sigma, spike, slab, log_prior)
    post = br.sample_posterior(X, y, prior, sigma=sigma, draws=2500, tune=200, chains=2,
                               random_seed=2, **GIBBS)
    incl = post["posterior"]["inclusion"]
    assert incl.dims == ("chain", "draw", "feature")
    got = incl.mean(("chain", "draw")).values
    # Monte Carlo error of the Rao-Blackwellised estimate: at most ~0.02 here
    np.testing.assert_allclose(got, exact, atol=0.03)
    assert np.all((exact > 0.9) == (got > 0.9))


# ------------------------------------------------------------------------ NUTS
@pytest.mark.slow
def test_gibbs_agrees_with_nuts_on_a_laplace_problem():
    pytest.importorskip("nutpie")
    import arviz_stats as azs

    rng = np.random.default_rng(4)
    X = rng.standard_normal((50, 4))
    y = 1.0 + X @ np.array([1.0, -0.5, 0.0, 0.2]) + 0.8 * rng.standard_normal(50)
    kw = dict(sigma=None, draws=1000, tune=500, chains=2, progressbar=False, random_seed=3)
    g = br.sample_posterior(X, y, br.Laplace(0.5), sampler="gibbs", **kw)
    u = br.sample_posterior(X, y, br.Laplace(0.5), sampler="nutpie", **kw)
    for var in ("coef", "intercept", "sigma"):
        mg, mu = (t["posterior"][var].mean(("chain", "draw")).values for t in (g, u))
        se = [azs.mcse(t, var_names=[var]) for t in (g, u)]
        se = np.hypot(*(getattr(s, "posterior", s)[var].values for s in se))
        assert np.all(np.abs(mg - mu) < 4 * se), (var, mg, mu, se)
        sg, su = (t["posterior"][var].std(("chain", "draw")).values for t in (g, u))
        np.testing.assert_allclose(sg, su, rtol=0.1)


def _park_casella():
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    X = data.data - data.data.mean(axis=0)
    X = X / np.linalg.norm(X, axis=0)
    return X, data.target - data.target.mean()


@pytest.mark.slow
def test_park_casella_diabetes_medians_match_nuts():
    """Park & Casella (2008) §4, λ = 0.237, p(σ²) ∝ 1/σ²: the medians of Gibbs and NUTS agree."""
    pytest.importorskip("nutpie")
    X, y = _park_casella()
    kw = dict(sigma="jeffreys", draws=2000, tune=500, chains=2, progressbar=False, random_seed=2008)
    g = br.sample_posterior(X, y, br.BayesianLasso(lam=0.237), sampler="gibbs", **kw)
    u = br.sample_posterior(X, y, br.BayesianLasso(lam=0.237), sampler="nutpie", **kw)
    cg, cu = (t["posterior"]["coef"].values.reshape(-1, 10) for t in (g, u))
    med_g, med_u = np.median(cg, axis=0), np.median(cu, axis=0)
    # MC error of a median ≈ 1.25 sd / sqrt(ESS); both chains' ESS ≥ ~1000 here
    tol = 4 * 1.25 * np.hypot(cg.std(axis=0), cu.std(axis=0)) / math.sqrt(1000)
    assert np.all(np.abs(med_g - med_u) < tol), (med_g, med_u, tol)
    # the published shape (their Fig. 2): bmi and s5 largest, about 500; sex and s3 negative
    assert med_g[2] > 400 and med_g[8] > 400 and med_g[1] < 0 and med_g[6] < 0


def test_park_casella_hyperprior_lambda():
    """λ² ~ Gamma(1, rate 1.78): the posterior of λ covers Park & Casella's 0.237 (their median)."""
    X, y = _park_casella()
    post = br.sample_posterior(X, y, br.BayesianLasso(lam_prior=(1.0, 1.78)), sigma="jeffreys",
                               draws=1500, tune=300, chains=2, random_seed=1, **GIBBS)
    lam = post["posterior"]["lam"].values.ravel()
    lo, med, hi = np.quantile(lam, [0.025, 0.5, 0.975])
    assert lo < 0.237 < hi and 0.15 < med < 0.4
    assert set(post["posterior"].data_vars) >= {"lam", "lam_sq", "sigma"}


# ---------------------------------------------------------------------- layout
@pytest.mark.parametrize(
    "prior",
    [br.Gaussian(1.0), br.Laplace(1.0), br.ElasticNet(1.0, 1.0), br.BayesianLasso(lam=1.0),
     br.BayesianLasso(lam_prior=(1.0, 1.0)), br.Horseshoe(0.2), br.Horseshoe(0.2, slab_scale=None),
     br.SpikeAndSlab(0.05, 1.0)],
    ids=repr,
)
@pytest.mark.parametrize("sigma", [0.5, None])
def test_layout_is_the_nuts_models(prior, sigma, regression_data):
    """The posterior variables are the NUTS model's (plus ``inclusion`` for the spike and slab)."""
    from bayesreg.mcmc.model import get_model

    X, y = regression_data
    post = br.sample_posterior(X, y, prior, sigma=sigma, draws=20, tune=5, chains=2,
                               random_seed=0, log_likelihood=True, **GIBBS)
    problem = _problem(X, y, prior, sigma=sigma)
    model = get_model(problem, problem.data()).model
    names = {v.name for v in (*model.free_RVs, *model.deterministics)}
    names -= set(problem.internal_variables())
    gibbs = set(post["posterior"].data_vars)
    assert names <= gibbs and gibbs - names <= {"inclusion"}, (names, gibbs)
    assert post["posterior"]["coef"].dims == ("chain", "draw", "feature")
    assert post["sample_stats"]["diverging"].dtype == bool
    assert {"observed_data", "log_likelihood"} <= set(post.children)


def test_small_horseshoe_samples_without_warnings():
    """The issue's check: with the Gibbs sampler the horseshoe at n = 60, p = 10 passes every
    diagnostic (NUTS gives hundreds of divergences here)."""
    import warnings

    from bayesreg.mcmc.diagnostics import SamplingWarning

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 10))
    y = 1.0 + X[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng.standard_normal(60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SamplingWarning)
        post = br.sample_posterior(X, y, br.Horseshoe(0.1), sampler="auto", random_seed=1,
                                   progressbar=False)
    assert post.attrs["sampler"] == "gibbs"


def test_seed_reproducible_whatever_the_threads(regression_data):
    X, y = regression_data
    kw = dict(sigma=None, draws=50, tune=10, chains=3, random_seed=42, **GIBBS)
    a = br.sample_posterior(X, y, br.Horseshoe(0.2), cores=1, **kw)
    b = br.sample_posterior(X, y, br.Horseshoe(0.2), cores=3, **kw)
    c = br.sample_posterior(X, y, br.Horseshoe(0.2), cores=2, **{**kw, "random_seed": 43})
    np.testing.assert_array_equal(a["posterior"]["coef"].values, b["posterior"]["coef"].values)
    assert not np.array_equal(a["posterior"]["coef"].values, c["posterior"]["coef"].values)


_CTRL_C_CHILD = """
import signal, sys, threading, time
import numpy as np
import bayesreg as br

rng = np.random.default_rng(0)
X, y = rng.standard_normal((30, 200)), rng.standard_normal(30)
t0 = time.perf_counter()
print("ready", flush=True)
try:
    br.sample_posterior(X, y, br.Horseshoe(0.1), draws=10**6, tune=0, chains=2,
                        sampler="gibbs", progressbar=False)
except KeyboardInterrupt:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent keeps signalling until we exit
    chains = [t.name for t in threading.enumerate() if t.name.startswith("bayesreg-gibbs")]
    print(f"interrupted after {time.perf_counter() - t0:.1f} s; chain threads left {len(chains)}", flush=True)
    sys.exit(7)
sys.exit(3)
"""


def test_ctrl_c_raises_keyboard_interrupt_and_stops_the_chains(tmp_path):
    """SIGINT (repeated until it lands, so a signal swallowed by a C call cannot hang the
    test) ends the sampler with KeyboardInterrupt, and no chain thread is left running."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "child.py"
    script.write_text(_CTRL_C_CHILD)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 7, (proc.returncode, err[-2000:])
    assert out.strip().endswith("chain threads left 0"), out


def test_auto_takes_gibbs_where_there_is_one(regression_data):
    from dataclasses import dataclass

    X, y = regression_data
    assert next(iter(BACKENDS)) == "gibbs"
    assert choose("auto", _problem(X, y, br.Horseshoe(0.1)))[0] == "gibbs"

    @dataclass(frozen=True, repr=False)
    class NoMixture(br.Laplace):
        def scale_mixture(self):
            return None

    assert choose("auto", _problem(X, y, NoMixture(1.0)))[0] != "gibbs"
    with pytest.raises(ValueError, match="does not support"):
        choose("gibbs", _problem(X, y, NoMixture(1.0)))


def test_unknown_option_is_a_type_error(regression_data):
    X, y = regression_data
    with pytest.raises(TypeError, match="coef_draw"):
        br.sample_posterior(X, y, br.Laplace(1.0), target_accept=0.9, draws=5, tune=0, **GIBBS)
    with pytest.raises(ValueError, match="coef_draw"):
        br.sample_posterior(X, y, br.Laplace(1.0), coef_draw="qr", draws=5, tune=0, **GIBBS)
    with pytest.raises(ValueError, match="overrelax"):
        br.sample_posterior(X, y, br.Laplace(1.0), overrelax=-1.0, draws=5, tune=0, **GIBBS)


def test_badly_scaled_column(regression_data):
    """A column in units 1e8 times larger: Rue's equilibrated draw still equals the closed form."""
    X, y = regression_data
    X = X.copy()
    X[:, 1] *= 1e8
    post = br.sample_posterior(X, y, br.Gaussian(1.0), sigma=0.5, draws=500, tune=20, chains=2,
                               random_seed=5, **GIBBS)
    coef = post["posterior"]["coef"].values.reshape(-1, X.shape[1])
    mu, sd, _, _ = _conjugate(X, y, 1.0, 0.5)
    assert np.all(np.abs(coef.mean(axis=0) - mu) < 4 * sd / math.sqrt(coef.shape[0]))
    np.testing.assert_allclose(coef.std(axis=0), sd, rtol=0.1)


def test_join_waits_for_a_chain_thread_the_pool_never_recorded():
    """An interrupt inside ``submit`` can leave a started thread out of the pool's records;
    the join still waits for every thread named for the pool, and the chains' threads carry
    that name."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from bayesreg.mcmc.backends.gibbs import _join

    stop = threading.Event()
    pool = ThreadPoolExecutor(1, thread_name_prefix="bayesreg-gibbs-test")
    names = []
    pool.submit(lambda: names.append(threading.current_thread().name) or stop.wait(5.0))
    # it finishes its sweep 0.5 s after the pool's own thread
    orphan = threading.Thread(target=lambda: stop.wait(5.0) and time.sleep(0.5), name="bayesreg-gibbs-test_9")
    orphan.start()
    threading.Timer(0.3, stop.set).start()
    t0 = time.monotonic()
    _join(pool, stop, "bayesreg-gibbs-test")
    assert not orphan.is_alive() and 0.75 < time.monotonic() - t0 < 4.5
    assert names == ["bayesreg-gibbs-test_0"]


def test_gibbs_chains_run_on_threads_named_for_their_pool(monkeypatch):
    """The interrupt test counts threads by this name: the chains must really carry it."""
    import threading

    from bayesreg.mcmc import gibbs_sweep

    seen = set()
    real = gibbs_sweep.GibbsChain.run

    def run(self, *a, **k):
        seen.add(threading.current_thread().name.rsplit("_", 1)[0][:14])
        return real(self, *a, **k)

    monkeypatch.setattr(gibbs_sweep.GibbsChain, "run", run)
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((30, 4)), rng.standard_normal(30)
    br.sample_posterior(X, y, br.Laplace(1.0), sigma=1.0, sampler="gibbs", draws=20, tune=10,
                        chains=2, progressbar=False)
    assert seen == {"bayesreg-gibbs"}
