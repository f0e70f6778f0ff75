"""The posterior DataTree is ArviZ-complete: the functions a user calls after sampling run on
a default posterior; the groups hold what they should (checked against closed forms); the
size rule skips with a warning and the on-demand functions add the groups back; attrs are
machine-readable; ``predict_posterior`` takes estimators and pipelines.

Every posterior has p = 3, so the fits of one structure share one compiled model.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import bayesreg
from bayesreg.mcmc import (
    SamplingWarning, SkippedGroupWarning, add_log_likelihood, add_posterior_predictive,
    predict_posterior, sample_prior,
)

pytest.importorskip("nutpie")
azs = pytest.importorskip("arviz_stats")
azp = pytest.importorskip("arviz_plots")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

P = 3
# NUTS, so that the energy-based functions have their sampler statistics (the Gibbs
# backend's layout is the same otherwise: tests/test_mcmc_sample.py checks it)
FIT = {"draws": 300, "tune": 300, "chains": 2, "progressbar": False, "sampler": "nutpie"}


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, P)) * [1.0, 2.0, 0.5] + [0.5, -1.0, 2.0]
    y = 2.0 + X @ np.array([1.0, -0.5, 0.0]) + 0.7 * rng.normal(size=n)
    return X, y


def _sample(X, y, prior, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        return bayesreg.sample_posterior(X, y, prior, **{**FIT, "random_seed": 1, **kw})


@pytest.fixture(scope="module")
def data():
    return _data()


@pytest.fixture(scope="module")
def post(data):
    """A default posterior (σ learned), with the prior drawn too."""
    return _sample(*data, bayesreg.Laplace(1.0), prior_draws=True)


@pytest.fixture(scope="module")
def other(data):
    return _sample(*data, bayesreg.Gaussian(1.0))


# ------------------------------------------------------------------ the ArviZ toolbox
#: (module, function, call) — what a user runs on a default posterior; every name is
#: checked to exist in the installed arviz-stats 1.3 / arviz-plots 1.3
STATS = [
    ("summary", lambda f, d, o: f(d)),
    ("ess", lambda f, d, o: f(d)),
    ("rhat", lambda f, d, o: f(d)),
    ("mcse", lambda f, d, o: f(d)),
    ("hdi", lambda f, d, o: f(d)),
    ("eti", lambda f, d, o: f(d)),
    ("diagnose", lambda f, d, o: f(d)),
    ("loo", lambda f, d, o: f(d)),
    ("loo_pit", lambda f, d, o: f(d)),
    ("loo_metrics", lambda f, d, o: f(d)),
    ("loo_r2", lambda f, d, o: f(d, "y")),
    ("compare", lambda f, d, o: f({"laplace": d, "gaussian": o})),
]
PLOTS = [
    ("plot_ppc_dist", lambda f, d, o: f(d)),
    ("plot_ppc_pit", lambda f, d, o: f(d)),
    ("plot_ppc_dist_pit", lambda f, d, o: f(d)),
    ("plot_ppc_tstat", lambda f, d, o: f(d)),
    ("plot_ppc_interval", lambda f, d, o: f(d)),
    ("plot_loo_pit", lambda f, d, o: f(d)),
    ("plot_loo_interval", lambda f, d, o: f(d)),
    # the intercept has a flat prior and no prior draws: name the variables that have them
    ("plot_prior_posterior", lambda f, d, o: f(d, var_names=["coef", "sigma"])),
    ("plot_trace", lambda f, d, o: f(d)),
    ("plot_trace_dist", lambda f, d, o: f(d)),
    ("plot_forest", lambda f, d, o: f(d)),
    ("plot_rank", lambda f, d, o: f(d)),
    ("plot_energy", lambda f, d, o: f(d)),
    ("plot_ess", lambda f, d, o: f(d)),
    ("plot_dist", lambda f, d, o: f(d)),
    ("plot_pair", lambda f, d, o: f(d, var_names=["coef"])),
    ("plot_khat", lambda f, d, o: f(azs.loo(d, pointwise=True))),
    ("plot_compare", lambda f, d, o: f(azs.compare({"laplace": d, "gaussian": o}))),
    # constant_data/X as the x axis, one panel per feature
    ("plot_lm", lambda f, d, o: f(d, x="X", plot_dim="obs")),
]


@pytest.mark.parametrize("name, call", STATS, ids=[s[0] for s in STATS])
def test_arviz_stats_functions_run(post, other, name, call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "log likelihood not found", no shape warnings
        out = call(getattr(azs, name), post, other)
    assert out is not None


@pytest.mark.parametrize("name, call", PLOTS, ids=[s[0] for s in PLOTS])
def test_arviz_plots_run(post, other, name, call):
    import matplotlib.pyplot as plt

    try:
        pc = call(getattr(azp, name), post, other)
    finally:
        plt.close("all")
    assert pc is not None


def test_loo_and_loo_pit_values_are_sane(post):
    loo = azs.loo(post)
    n = post["observed_data"].sizes["obs"]
    # well-specified Gaussian data with σ = 0.7: elpd per point near -log(0.7 √(2πe))
    assert loo.elpd / n == pytest.approx(-np.log(0.7 * np.sqrt(2 * np.pi * np.e)), abs=0.25)
    pit = azs.loo_pit(post)["y"].values
    assert np.all((pit >= 0) & (pit <= 1)) and 0.35 < pit.mean() < 0.65


def test_count_likelihood_is_discrete_for_arviz():
    """Poisson replicates and observations are stored as integers: rootogram, discrete PIT."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, P))
    y = rng.poisson(np.exp(0.5 + X @ [0.6, -0.4, 0.0]))
    post = _sample(X, y, bayesreg.Laplace(1.0), family="poisson", prior_draws=True)
    for group in ("observed_data", "posterior_predictive", "prior_predictive"):
        assert post[group]["y"].dtype == np.int64, group
    assert post.attrs["family"] == "poisson" and "sigma" not in post["prior"].data_vars
    azp.plot_ppc_rootogram(post)
    azp.plot_ppc_pit(post)
    plt.close("all")
    assert np.isfinite(azs.loo(post).elpd)


# ------------------------------------------------------------------ the groups
def test_groups_dims_and_attrs(post, data):
    X, y = data
    n = len(y)
    assert {"posterior", "sample_stats", "observed_data", "constant_data", "log_likelihood",
            "posterior_predictive", "prior", "prior_predictive"} <= set(post.children)
    for group in ("log_likelihood", "posterior_predictive", "prior_predictive"):
        assert post[group]["y"].dims == ("chain", "draw", "obs")
        assert post[group]["y"].shape == (2, 300, n)
    assert_allclose(post["observed_data"]["y"].values, y)
    assert post["constant_data"]["X"].dims == ("obs", "feature")
    assert_allclose(post["constant_data"]["X"].values, X)
    assert post["prior"]["coef"].dims == ("chain", "draw", "feature")
    assert list(post["prior"]["feature"].values) == ["x0", "x1", "x2"]
    a = post.attrs
    assert a["prior"] == "Laplace(scale=1)" and a["prior_family"] == "laplace"
    assert json.loads(a["prior_params"]) == {"scale": 1.0}
    assert a["family"] == "gaussian" and a["sigma_mode"] == "half-t" and a["fit_intercept"] == 1
    assert a["sigma_scale"] == pytest.approx(np.std(y)) and "sigma" not in a
    # the plots read the prior back from these attrs
    from bayesreg.stats._access import posterior_prior

    assert posterior_prior(post) == bayesreg.Laplace(1.0)


def test_prior_params_are_exact_and_json():
    from bayesreg.mcmc.problem import prior_params

    prior = bayesreg.BayesianLasso(lam_prior=(1.0, 1.78))
    params = json.loads(prior_params(prior))
    assert params == {"lam": None, "lam_prior": [1.0, 1.78]}
    assert json.loads(prior_params(bayesreg.Gaussian(0.1 + 0.2)))["scale"] == 0.1 + 0.2


def test_posterior_predictive_is_the_predictive_of_the_draws(data):
    """With σ fixed, y_rep_i = μ_i + σ ε: its mean over draws is the posterior mean of μ_i
    (to MC error σ/√draws) and its variance var(μ_i) + σ²."""
    X, y = data
    sigma = 0.7
    post = _sample(X, y, bayesreg.Gaussian(1.0), sigma=sigma)
    rep = post["posterior_predictive"]["y"].values.reshape(-1, len(y))
    mu = predict_posterior(post, X).flat_draws
    se = sigma / np.sqrt(rep.shape[0])
    assert np.max(np.abs(rep.mean(0) - mu.mean(0))) < 5 * se
    ratio = rep.var(0) / (mu.var(0) + sigma**2)
    assert 0.85 < ratio.mean() < 1.15 and np.all((ratio > 0.7) & (ratio < 1.4))
    assert post.attrs["sigma"] == sigma and post.attrs["sigma_mode"] == "fixed"


def test_size_rule_warns_and_groups_come_back_on_demand(data, monkeypatch):
    import bayesreg.mcmc.groups as groups

    X, y = data
    full = _sample(X, y, bayesreg.Laplace(1.0))
    monkeypatch.setattr(groups, "MAX_GROUP_VALUES", 100)
    with pytest.warns(SkippedGroupWarning) as rec:
        small = _sample(X, y, bayesreg.Laplace(1.0))
    msgs = [str(r.message) for r in rec if r.category is SkippedGroupWarning]
    assert len(msgs) == 1
    assert "add_log_likelihood" in msgs[0] and "add_posterior_predictive" in msgs[0]
    assert "log_likelihood" not in small.children and "posterior_predictive" not in small.children
    assert "observed_data" in small.children
    # forced past the size rule
    forced = _sample(X, y, bayesreg.Laplace(1.0), log_likelihood=True)
    assert "log_likelihood" in forced.children
    # on demand: the same numbers as computed at sampling time (same seed, same draws)
    out = add_log_likelihood(small, X, y)
    assert out is small
    assert_allclose(small["log_likelihood"]["y"].values, full["log_likelihood"]["y"].values)
    add_posterior_predictive(small, X, y, random_seed=0)
    assert small["posterior_predictive"]["y"].shape == (2, 300, len(y))
    assert np.isfinite(azs.loo(small).elpd)


def test_add_log_likelihood_matches_names_and_refuses_dask(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    post = _sample(df, y, bayesreg.Laplace(1.0), log_likelihood=False, posterior_predictive=False)
    ll = add_log_likelihood(post, df[["c", "a", "b"]], y)["log_likelihood"]["y"].values
    ref = add_log_likelihood(post.copy(), df, y)["log_likelihood"]["y"].values
    assert_allclose(ll, ref)
    with pytest.raises(ValueError, match="'d'"):
        add_log_likelihood(post, df.rename(columns={"c": "d"}), y)


def test_sample_prior_matches_the_closed_form(data):
    """Gaussian prior, fixed σ: y_rep_i = ȳ + (x_i - x̄)'w + σ ε, var τ²|x_i - x̄|² + σ²."""
    X, y = data
    tau, sigma = 0.5, 0.7
    pri = sample_prior(X, y, bayesreg.Gaussian(tau), sigma=sigma, draws=4000, random_seed=0)
    coef = pri["prior"]["coef"].values.reshape(-1, P)
    assert_allclose(coef.std(0), tau, rtol=0.05)
    rep = pri["prior_predictive"]["y"].values.reshape(-1, len(y))
    xc = X - X.mean(0)
    assert_allclose(rep.mean(0), y.mean(), atol=5 * np.sqrt((tau**2 * (xc**2).sum(1) + sigma**2) / 4000).max())
    assert_allclose(rep.var(0), tau**2 * (xc**2).sum(1) + sigma**2, rtol=0.12)
    assert "intercept" not in pri["prior"].data_vars and "sigma" not in pri["prior"].data_vars
    assert pri.attrs["prior_family"] == "gaussian"


def test_sample_prior_noise_relative_prior_and_learned_sigma(data):
    """Bayesian lasso: w | σ ~ Laplace(σ/λ), so w/σ ~ Laplace(1/λ) (E|w/σ| = 1/λ);
    σ ~ half-t₃(0, s) (median s · 0.765)."""
    X, y = data
    lam = 2.0
    pri = sample_prior(X, y, bayesreg.BayesianLasso(lam=lam), sigma_scale=3.0, draws=20000,
                       random_seed=1, prior_predictive=False)
    sig = pri["prior"]["sigma"].values
    assert np.median(sig) == pytest.approx(3.0 * 0.7649, rel=0.03)
    ratio = pri["prior"]["coef"].values / sig[..., None]
    assert np.abs(ratio).mean() == pytest.approx(1 / lam, rel=0.03)
    assert "prior_predictive" not in pri.children
    with pytest.raises(ValueError, match="jeffreys"):
        sample_prior(X, y, bayesreg.Laplace(1.0), sigma="jeffreys")


# ------------------------------------------------------------------ predict_posterior
def test_prediction_shape_repr_and_default_level(post, data, monkeypatch):
    from bayesreg import settings

    X, _ = data
    rows = np.repeat(X, 20, axis=0)  # 1200 rows: the repr stays one short line
    pred = predict_posterior(post, rows)
    assert pred.draws.shape == (2, 300, len(rows)) and pred.flat_draws.shape == (600, len(rows))
    assert pred.prob == settings.CI_PROB == 0.94
    text = repr(pred)
    assert len(text) < 160 and "\n" not in text and "n=1200" in text
    monkeypatch.setattr(settings, "CI_PROB", 0.5)
    half = predict_posterior(post, X)
    assert half.prob == 0.5
    assert_allclose(half.lower, np.quantile(half.flat_draws, 0.25, axis=0))
    ds = predict_posterior(post, X, include_noise=True, random_seed=0).to_dataset()
    assert ds["y"].dims == ("chain", "draw", "obs")


def test_predict_posterior_from_estimator_and_pipeline():
    pd = pytest.importorskip("pandas")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _data(seed=4)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    est = bayesreg.LassoMAP(scale=0.5)
    with pytest.raises(TypeError, match="sample_posterior"):
        predict_posterior(est.fit(df, y), df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        est.sample_posterior(df, y, **FIT, random_seed=0)
    a = predict_posterior(est, df)
    assert_allclose(a.mean, predict_posterior(est.posterior_, X).mean)
    # columns are matched by name
    assert_allclose(predict_posterior(est, df[["bp", "age", "bmi"]]).mean, a.mean)
    with pytest.raises(ValueError, match="bmi"):
        predict_posterior(est, df.rename(columns={"bmi": "BMI"}))

    pipe = make_pipeline(StandardScaler(), bayesreg.LassoMAP(scale=0.5)).fit(X, y)
    with pytest.raises(TypeError, match="LassoMAP"):
        predict_posterior(pipe, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        pipe[-1].sample_posterior(pipe[0].transform(X), y, **FIT, random_seed=0)
    raw = predict_posterior(pipe, X[:7])
    assert_allclose(raw.mean, predict_posterior(pipe[-1].posterior_, pipe[0].transform(X[:7])).mean)
    with pytest.raises(TypeError, match="DataTree"):
        predict_posterior({"coef": 1}, X)
