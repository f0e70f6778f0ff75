"""Sampling: exactness against the closed-form Gaussian posterior, simulation-based
calibration for the Laplace prior, re-fits without recompiling, the estimator hook,
posterior predictive coverage, LOO, the diagnostics warning, sampler pass-through.

Every test uses p = 3 so that fits of the same structure share one compiled model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import bayesreg
from bayesreg.datafits import GaussianDatafit
from bayesreg.mcmc import SamplingWarning, predict_posterior

pytest.importorskip("nutpie")
azs = pytest.importorskip("arviz_stats")

P = 3
QUIET = {"progressbar": False}


def _problem(n=50, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, P)) * [1.0, 2.0, 0.5] + [0.5, -1.0, 2.0]
    y = 2.0 + X @ np.array([1.0, -0.5, 0.0]) + 0.7 * rng.normal(size=n)
    sw = rng.uniform(0.3, 3.0, n) if weights else None
    return X, y, sw


def _gaussian_posterior(X, y, sw, tau, sigma):
    r"""Closed form: w | y ~ N(m, S), S = (Q/σ² + I/τ²)⁻¹, m = S q/σ²; b = ȳ - x̄'w + a, a ~ N(0, σ²/Σs)."""
    lik = GaussianDatafit(X, y, sw, True)
    S = np.linalg.inv(lik.gram / sigma**2 + np.eye(P) / tau**2)
    m = S @ lik.q / sigma**2
    b_mean = lik.y_offset - lik.X_offset @ m
    b_var = lik.X_offset @ S @ lik.X_offset + sigma**2 / lik.weight_sum
    return m, S, b_mean, b_var


def _check_exact(post, m, S, b_mean, b_var):
    coef = post["posterior"]["coef"]
    mcse = azs.mcse(post, var_names=["coef", "intercept"])
    mcse = getattr(mcse, "dataset", mcse)
    means = coef.mean(("chain", "draw")).values
    assert np.all(np.abs(means - m) < 4 * mcse["coef"].values), (means, m, mcse["coef"].values)
    assert_allclose(coef.std(("chain", "draw")).values, np.sqrt(np.diag(S)), rtol=0.05)
    b = post["posterior"]["intercept"]
    assert abs(float(b.mean()) - b_mean) < 4 * float(mcse["intercept"])
    assert float(b.std()) == pytest.approx(np.sqrt(b_var), rel=0.05)


def test_gaussian_prior_fixed_sigma_matches_closed_form_and_refits_without_compiling():
    X, y, _ = _problem()
    sigma = 0.7
    post = bayesreg.sample_posterior(
        X, y, bayesreg.Gaussian(0.5), sigma=sigma, draws=1000, chains=4, random_seed=1, **QUIET
    )
    _check_exact(post, *_gaussian_posterior(X, y, None, 0.5, sigma))
    assert set(post.children) >= {"posterior", "sample_stats", "observed_data", "log_likelihood"}
    assert list(post["posterior"]["coef"].dims) == ["chain", "draw", "feature"]
    assert list(post["posterior"]["feature"].values) == ["x0", "x1", "x2"]
    assert "sigma" not in post["posterior"].data_vars
    n_compiles = post.attrs["n_compiles"]

    # another prior scale, another y, sample weights and σ: data swap, no compile
    X2, y2, sw2 = _problem(seed=5, weights=True)
    post2 = bayesreg.sample_posterior(
        X2, y2, bayesreg.Gaussian(2.0), sigma=1.1, sample_weight=sw2, draws=1000, chains=4,
        random_seed=2, **QUIET,
    )
    assert post2.attrs["n_compiles"] == n_compiles
    _check_exact(post2, *_gaussian_posterior(X2, y2, sw2, 2.0, 1.1))


def _sbc_ranks(sigma_mode: str, n_sims: int, seed: int) -> dict[str, np.ndarray]:
    """Talts et al. (2018): rank of the true value among L = 100 thinned posterior draws."""
    rng = np.random.default_rng(seed)
    n, b = 20, 1.0
    X = rng.normal(size=(n, P))
    prior = bayesreg.Laplace(b)
    ranks: dict[str, list[int]] = {f"coef{j}": [] for j in range(P)}
    if sigma_mode == "learned":
        ranks["sigma"] = []
    for _ in range(n_sims):
        w = prior.rvs(P, random_state=rng)
        sigma = abs(stats.t.rvs(3, random_state=rng)) if sigma_mode == "learned" else 1.0
        y = X @ w + sigma * rng.normal(size=n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SamplingWarning)
            post = bayesreg.sample_posterior(
                X, y, prior, sigma=None if sigma_mode == "learned" else 1.0,
                sigma_scale=1.0 if sigma_mode == "learned" else None, fit_intercept=False,
                draws=250, tune=250, chains=2, random_seed=int(rng.integers(2**31)),
                log_likelihood=False, **QUIET,
            )
        draws = post["posterior"]["coef"].values.reshape(-1, P)[::5]  # thin 500 -> 100
        for j in range(P):
            ranks[f"coef{j}"].append(int((draws[:, j] < w[j]).sum()))
        if sigma_mode == "learned":
            s = post["posterior"]["sigma"].values.reshape(-1)[::5]
            ranks["sigma"].append(int((s < sigma).sum()))
    return {k: np.asarray(v) for k, v in ranks.items()}


@pytest.mark.slow
@pytest.mark.parametrize("sigma_mode", ["fixed", "learned"])
def test_sbc_laplace_prior(sigma_mode):
    """Ranks from 100 simulated data sets are uniform on {0..100} (chi-square, 5 bins)."""
    ranks = _sbc_ranks(sigma_mode, n_sims=100, seed={"fixed": 11, "learned": 12}[sigma_mode])
    for name, r in ranks.items():
        counts = np.bincount(np.minimum(r * 5 // 101, 4), minlength=5)
        p = stats.chisquare(counts).pvalue
        assert p > 0.01, (name, counts, p)


def test_estimator_sample_posterior_dataframe_names_and_map():
    pd = pytest.importorskip("pandas")
    X, y, _ = _problem(seed=3)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    est = bayesreg.LassoMAP(scale=0.5, sigma=0.7).sample_posterior(df, y, draws=300, chains=2,
                                                                   random_seed=0, **QUIET)
    ref = bayesreg.LassoMAP(scale=0.5, sigma=0.7).fit(df, y)
    assert_allclose(est.coef_, ref.coef_)
    assert list(est.posterior_["posterior"]["feature"].values) == ["age", "bmi", "bp"]
    # the MAP sits inside the bulk of the posterior it is the mode of
    coef = est.posterior_["posterior"]["coef"]
    lo, hi = coef.quantile([0.01, 0.99], dim=("chain", "draw")).values
    assert np.all((est.coef_ >= lo) & (est.coef_ <= hi))


def test_estimator_validates_once_and_keeps_feature_names(monkeypatch):
    """The estimator checks the data itself and calls ``sample_posterior(check_input=False)``
    with the DataFrame's names; the sampler then validates nothing again."""
    pd = pytest.importorskip("pandas")
    import bayesreg._validation as validation

    calls = []
    real = validation.check_X_y
    monkeypatch.setattr(validation, "check_X_y", lambda *a, **k: calls.append(1) or real(*a, **k))
    X, y, sw = _problem(seed=3, weights=True)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        est = bayesreg.RidgeMAP(scale=0.5).sample_posterior(df, y, sample_weight=sw, draws=100,
                                                           tune=100, chains=1, random_seed=0, **QUIET)
    assert calls == []
    assert list(est.posterior_["posterior"]["feature"].values) == ["age", "bmi", "bp"]
    assert list(est.posterior_["constant_data"]["feature"].values) == ["age", "bmi", "bp"]
    assert_allclose(est.posterior_["constant_data"]["sample_weight"].values, sw)
    assert est.posterior_.attrs["prior_family"] == "gaussian"
    assert_allclose(est.coef_, bayesreg.RidgeMAP(scale=0.5).fit(df, y, sample_weight=sw).coef_)
    # the public function validates unless told otherwise
    with pytest.raises(ValueError, match="NaN"):
        bayesreg.sample_posterior(np.where(X > 3, np.nan, X), y, bayesreg.Gaussian(1.0))


def test_arguments_are_named_in_errors():
    X, y, _ = _problem()
    with pytest.raises(ValueError, match="sigma_scale must be finite and > 0"):
        bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), sigma_scale=-1)
    with pytest.raises(ValueError, match="feature_names must be 3 distinct"):
        bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), feature_names=["a", "b"])
    with pytest.raises(ValueError, match="posterior_predictive must be True, False or 'auto'"):
        bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), posterior_predictive="yes")
    with pytest.raises(TypeError, match="prior_draws"):
        bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), prior_draws="yes")


def test_posterior_predictive_coverage_and_loo():
    """95% predictive intervals cover ~95% of fresh draws from the true model."""
    X, y, _ = _problem(n=200, seed=7)
    post = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(3.0), sigma="jeffreys", draws=500,
                                     chains=2, random_seed=3, **QUIET)
    assert "sigma" in post["posterior"].data_vars
    Xn, yn, _ = _problem(n=2000, seed=8)
    pred = predict_posterior(post, Xn, prob=0.95, include_noise=True, random_seed=0)
    cover = np.mean((yn >= pred.lower) & (yn <= pred.upper))
    assert 0.93 < cover < 0.97, cover  # binomial sd at 2000 draws is 0.005
    mean_only = predict_posterior(post, Xn)
    # noise averages out of the mean: sd σ/√(draws) per point, max over 2000 points < 5 sd
    se = float(post["posterior"]["sigma"].mean()) / np.sqrt(pred.flat_draws.shape[0])
    assert np.max(np.abs(mean_only.mean - pred.mean)) < 5 * se
    loo = azs.loo(post)
    assert np.isfinite(loo.elpd)
    # elpd_loo is close to the log predictive density of fresh data (per point)
    lpd_new = stats.norm.logpdf(yn, pred.mean, float(post["posterior"]["sigma"].mean())).mean()
    assert loo.elpd / len(y) == pytest.approx(lpd_new, abs=0.15)


def test_horseshoe_shrinks_noise_keeps_signal():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, P))
    y = X @ np.array([3.0, 0.0, 0.0]) + 0.5 * rng.normal(size=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        post = bayesreg.sample_posterior(X, y, bayesreg.Horseshoe(0.05, slab_scale=5.0),
                                         draws=500, chains=2, random_seed=1,
                                         target_accept=0.95, **QUIET)
    med = post["posterior"]["coef"].median(("chain", "draw")).values
    assert abs(med[0] - 3.0) < 0.2
    assert np.all(np.abs(med[1:]) < 0.1)
    assert {"tau", "lam", "c2"} <= set(post["posterior"].data_vars)
    assert "coef_raw" not in post["posterior"].data_vars


def test_short_run_warns_once_naming_variables():
    X, y, _ = _problem(seed=9)
    with pytest.warns(SamplingWarning) as rec:
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), sigma=0.7, draws=20, tune=20,
                                  chains=2, random_seed=0, **QUIET)
    msgs = [str(r.message) for r in rec if r.category is SamplingWarning]
    assert len(msgs) == 1 and "coef[x" in msgs[0] and "bulk ESS" in msgs[0]


def test_pymc_sampler_passes_through():
    X, y, _ = _problem(seed=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        post = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(0.5), sigma=0.7, draws=300,
                                         tune=300, chains=2, cores=1, sampler="pymc",
                                         random_seed=0, **QUIET)
    assert post.attrs["sampler"] == "pymc"
    m, S, *_ = _gaussian_posterior(X, y, None, 0.5, 0.7)
    coef = post["posterior"]["coef"]
    # 600 draws of a near-independent NUTS chain: mean error well within 5 sd/sqrt(300)
    assert np.all(np.abs(coef.mean(("chain", "draw")).values - m) < 5 * np.sqrt(np.diag(S) / 300))


def test_random_seed_reproduces_draws():
    X, y, _ = _problem(seed=11)
    fit = dict(sigma=0.7, draws=200, chains=2, **QUIET)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        runs = [
            bayesreg.sample_posterior(X, y, bayesreg.Gaussian(0.5), random_seed=42,
                                      log_likelihood=False, **fit)
            for _ in range(2)
        ]
        other = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(0.5), random_seed=43, **fit)
    a, b = (r["posterior"]["coef"].values for r in runs)
    assert_allclose(a, b)
    assert not np.allclose(a, other["posterior"]["coef"].values)
    assert "log_likelihood" not in runs[0].children and "log_likelihood" in other.children


def test_every_backend_returns_the_documented_layout():
    """Each registered backend that can run here: the same variables over the same dims,
    ``diverging``; the NUTS backends (nutpie, PyMC) also ArviZ's sampler statistics."""
    from bayesreg.mcmc.backends import BACKENDS, check_layout
    from bayesreg.mcmc.problem import PosteriorProblem

    X, y, sw = _problem(n=30, seed=12, weights=True)
    # hyper-variables over () and over feature, learned sigma, no intercept (zeros added)
    problem = PosteriorProblem.from_data(
        X, y, bayesreg.Horseshoe(0.3), sigma=None, fit_intercept=False, sample_weight=sw,
    )
    arviz_stats = {"diverging", "energy", "lp", "tree_depth", "reached_max_treedepth",
                   "n_steps", "step_size", "acceptance_rate"}
    layouts = {}
    for name, backend in BACKENDS.items():
        if not backend.supports(problem):
            continue
        try:
            tree = backend.sample(problem, draws=20, tune=20, chains=2, random_seed=0,
                                  progressbar=False, cores=1)
        except ImportError:  # numpyro / blackjax are optional
            continue
        check_layout(tree, problem, name)
        post = tree["posterior"]
        layouts[name] = [(v, post[v].dims) for v in post.data_vars]
        assert not post["intercept"].values.any()
        if name in ("nutpie", "pymc"):
            assert arviz_stats <= set(tree["sample_stats"].data_vars), name
            assert "n_compiles" in tree.attrs
    assert {"nutpie", "pymc"} <= set(layouts)
    assert layouts["nutpie"] == [
        ("coef", ("chain", "draw", "feature")), ("intercept", ("chain", "draw")),
        ("sigma", ("chain", "draw")), ("tau", ("chain", "draw")),
        ("lam", ("chain", "draw", "feature")), ("c2", ("chain", "draw")),
    ]
    for name, layout in layouts.items():
        assert layout == layouts["nutpie"], name
