"""NUTS when p > n: the likelihood reads the rows (O(np) per gradient), not the Gram.

* The rule: the row form exactly when the datafit holds dense rows and fewer observations
  of positive weight than features; the statistics form otherwise (sparse, Dask, saved
  statistics), and the two are different compiled structures.
* The row-form model's log density and gradient equal, at random points, those of a
  plain PyMC model written here (every observation in ``pm.Normal``, a flat intercept
  ``b``) and those of the sufficient-statistics form of the same model: intercept or not,
  sample weights (zeros included), fixed, half-t and Jeffreys σ.
* Nothing on the p > n path forms the Gram matrix or the statistics.
* nutpie at n = 30, p = 200 recovers the conjugate Gaussian posterior.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import bayesreg
from bayesreg.datafits import GaussianDatafit
from bayesreg.datafits.gaussian import SufficientStatistics
from bayesreg.mcmc.model import build_model
from bayesreg.mcmc.problem import PosteriorProblem

pm = pytest.importorskip("pymc")


def _data(n=12, p=40, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-3, 3, p)
    y = 4.0 + X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.7 * rng.normal(size=n)
    sw = None
    if weights:
        sw = rng.uniform(0.2, 3.0, n)
        sw[[2, 7]] = 0.0
    return X, y, sw


def _problem(X, y, sw, prior, sigma, fit_intercept, form=None):
    problem = PosteriorProblem.from_data(
        X, y, prior, sigma=sigma, fit_intercept=fit_intercept, sample_weight=sw,
    )
    if form is not None:
        problem.datafit._pymc_form = form
    return problem


def _plain(X, y, sw, prior, sigma, fit_intercept):
    """The textbook model, written independently of bayesreg's likelihood: the weighted
    Gaussian log-likelihood sum_{s_i > 0} log N(y_i | b + x_i'w, sigma / sqrt(s_i)), with a
    flat ``intercept`` b, and the same priors."""
    import pytensor.tensor as pt

    s = np.ones(len(y)) if sw is None else sw
    keep = s > 0
    sd_y = math.sqrt(np.average((y - np.average(y, weights=s)) ** 2, weights=s))
    with pm.Model(coords={"feature": [f"x{j}" for j in range(X.shape[1])]}) as model:
        if sigma is None:
            sig = pm.HalfStudentT("sigma", nu=3.0, sigma=sd_y)
        elif sigma == "jeffreys":
            sig = pt.exp(pm.Flat("log_sigma"))
        else:
            sig = sigma
        coef = prior.to_pymc("coef", dims="feature", sigma=sig)
        b = pm.Flat("intercept") if fit_intercept else 0.0
        pm.Normal(
            "y", mu=b + pt.dot(X[keep], coef), sigma=sig / np.sqrt(s[keep]), observed=y[keep]
        )
    return model


def _logp_dlogp(model):
    """``point -> (logp, {value variable: gradient})``: ``model.logp()`` and its gradient
    (what ``compile_logp`` and ``compile_dlogp`` compile), in one compiled function."""
    import pytensor.tensor as pt
    from pymc.pytensorf import compile as compile_pt

    logp = model.logp()
    grads = [pt.grad(logp, v) for v in model.value_vars]
    fn = compile_pt(model.value_vars, [logp, *grads])
    names = [v.name for v in model.value_vars]

    def call(point):
        value, *g = fn(*[point[k] for k in names])
        return float(value), dict(zip(names, g, strict=True))

    return call


CASES = [
    # prior, sigma, fit_intercept, weights: fixed σ with an intercept and weights (two
    # zero); a σ-scaled prior with half-t σ, weights and no intercept; Jeffreys σ with
    # an intercept and no weights
    (bayesreg.Laplace(0.5), 0.8, True, True),
    (bayesreg.BayesianLasso(lam=1.7), None, False, True),
    (bayesreg.Laplace(0.5), "jeffreys", True, False),
]


@pytest.mark.parametrize("prior,sigma,fit_intercept,weights", CASES, ids=repr)
def test_row_form_density_equals_plain_model_and_statistics_form(prior, sigma, fit_intercept, weights):
    X, y, sw = _data(weights=weights, seed=1)
    problem = _problem(X, y, sw, prior, sigma, fit_intercept)
    assert problem.datafit.pymc_form == "rows"
    assert "design" in problem.data() and "gram" not in problem.data()
    rows = build_model(problem)
    stats = build_model(_problem(X, y, sw, prior, sigma, fit_intercept, form="statistics"))
    plain = _plain(X, y, sw, prior, sigma, fit_intercept)
    f_rows, f_stats, f_plain = (_logp_dlogp(m) for m in (rows, stats, plain))
    ip = rows.initial_point()
    assert list(ip) == list(stats.initial_point())

    lik = GaussianDatafit(X, y, sw, fit_intercept)
    x_off, y_off = lik.X_offset, lik.y_offset
    rng = np.random.default_rng(2)
    for _ in range(4):
        point = {k: rng.normal(scale=0.5, size=np.shape(v)) for k, v in ip.items()}
        # the plain model at the same (w, b): b = ybar - xbar'w + a, a unit-Jacobian map
        plain_point = {k: v for k, v in point.items() if k != "intercept_offset"}
        if fit_intercept:
            plain_point["intercept"] = np.asarray(
                y_off - x_off @ point["coef"] + point["intercept_offset"]
            )
        (value, g), (v_stats, g_stats), (v_plain, g_plain) = (
            f_rows(point), f_stats(point), f_plain(plain_point)
        )
        assert_allclose(value, v_stats, rtol=1e-11)
        assert_allclose(value, v_plain, rtol=1e-10)
        if fit_intercept:  # chain rule: d/dw at fixed a = d/dw at fixed b - xbar d/db
            g_plain["intercept_offset"] = g_plain.pop("intercept")
            g_plain["coef"] = g_plain["coef"] - x_off * g_plain["intercept_offset"]
        scale = max(np.abs(v).max() for v in g.values())
        assert set(g) == set(g_stats) == set(g_plain)
        for k in g:
            assert_allclose(g[k], g_stats[k], rtol=1e-9, atol=1e-11 * scale, err_msg=k)
            assert_allclose(g[k], g_plain[k], rtol=1e-8, atol=1e-10 * scale, err_msg=k)


def test_the_rule_and_the_compiled_structure():
    X, y, sw = _data(n=12, p=40, weights=True)
    prior = bayesreg.Laplace(0.5)
    wide = _problem(X, y, sw, prior, 1.0, True)
    assert wide.datafit.pymc_form == "rows"
    assert wide.datafit.pymc_data()["design"].shape == (10, 40)  # zero-weight rows dropped
    # 12 rows of which 10 weigh: 10 < 11 features is rows, 10 >= 10 features statistics
    assert _problem(X[:, :11], y, sw, prior, 1.0, True).datafit.pymc_form == "rows"
    tall = _problem(X[:, :10], y, sw, prior, 1.0, True)
    assert tall.datafit.pymc_form == "statistics"
    assert "gram" in tall.data()
    # the forms are different compiled models, even for the same p
    forced = _problem(X, y, sw, prior, 1.0, True, form="statistics")
    assert forced.key != wide.key
    assert forced.key.datafit_structure == ("statistics",)
    assert wide.key.datafit_structure == ("rows",)
    # rows known only through statistics (sparse input): the statistics form, always
    from scipy import sparse

    summarised = _problem(sparse.csr_array(X), y, sw, prior, 1.0, True)
    assert summarised.datafit.pymc_form == "statistics"
    summarised.datafit._pymc_form = "rows"
    with pytest.raises(ValueError, match="rows"):
        summarised.datafit.pymc_data()
    bad = GaussianDatafit(X, y)
    bad._pymc_form = "gram"
    with pytest.raises(ValueError, match="_pymc_form"):
        bad.pymc_data()


def test_row_form_is_in_original_units_when_equilibrated():
    """An equilibrated datafit (the MAP solvers' scaled coordinates) still gives the model
    the rows of w in the user's units, equal to those of the plain datafit."""
    X, y, sw = _data(weights=True)
    X = X * np.logspace(-3, 3, X.shape[1])
    plain = GaussianDatafit(X, y, sw, True).pymc_data()
    eq = GaussianDatafit(X, y, sw, True, equilibrate=True).pymc_data()
    assert set(plain) == set(eq)
    scale = np.abs(plain["design"]).max(axis=0)
    assert_allclose(eq["design"] / scale, plain["design"] / scale, rtol=0, atol=1e-13)
    for k in plain:
        if k != "design":
            assert_allclose(eq[k], plain[k], rtol=1e-13, atol=1e-13, err_msg=k)
    # and the row residual equals the statistics' at any w
    st = SufficientStatistics.from_datafit(GaussianDatafit(X, y, sw, True))
    w = np.random.default_rng(0).normal(size=X.shape[1]) / scale
    r = eq["response"] - eq["design"] @ w
    assert_allclose(r @ r, st.rss(w), rtol=1e-10)


@pytest.fixture
def no_gram(monkeypatch):
    """Fail on any formation of the Gram matrix or the sufficient statistics."""

    def fail(*args, **kwargs):
        raise AssertionError("the p > n path formed the Gram matrix or the statistics")

    monkeypatch.setattr(GaussianDatafit, "gram", property(fail))
    monkeypatch.setattr(GaussianDatafit, "statistics", property(fail))
    monkeypatch.setattr(SufficientStatistics, "from_datafit", classmethod(fail))


def test_wide_model_never_forms_the_gram(no_gram):
    X, y, sw = _data(weights=True)
    problem = _problem(X, y, sw, bayesreg.Laplace(0.5), None, True)  # default σ scale
    assert problem.sigma_scale == pytest.approx(
        math.sqrt(np.cov(y, aweights=sw, bias=True))
    )
    model = build_model(problem)
    assert np.isfinite(model.compile_logp()(model.initial_point()))
    with pytest.raises(AssertionError, match="Gram"):  # the guard itself works
        _problem(X[:, :5], y, sw, bayesreg.Laplace(0.5), None, True).data()


# R-hat over 200 coefficients and 2 chains flags one now and then: the moments are the test
@pytest.mark.filterwarnings("ignore::bayesreg.mcmc.SamplingWarning")
def test_nutpie_wide_gaussian_prior_equals_conjugate_posterior(no_gram):
    """n = 30, p = 200, Gaussian prior, fixed σ: means within 4 MCSE, sds within 10%, with
    the Gram never formed on the way (model, sampling, data groups)."""
    pytest.importorskip("nutpie")
    azs = pytest.importorskip("arviz_stats")
    rng = np.random.default_rng(3)
    n, p, tau, sigma = 30, 200, 0.5, 0.8
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2, p) + rng.uniform(-1, 1, p)
    y = 1.0 + X[:, :4] @ np.array([1.0, -1.0, 0.5, 0.0]) + sigma * rng.normal(size=n)
    post = bayesreg.sample_posterior(
        X, y, bayesreg.Gaussian(tau), sigma=sigma, sampler="nutpie", chains=2, tune=400,
        draws=800, random_seed=5, progressbar=False,
    )
    assert post.attrs["sampler"] == "nutpie"
    # closed form: w ~ N(mu, Sigma), Sigma = (A'A/σ² + I/τ²)⁻¹, mu = Sigma A'b_c/σ²;
    # b = ybar - xbar'w + a, a ~ N(0, σ²/n) independent of w
    xm, ym = X.mean(axis=0), y.mean()
    A, bc = X - xm, y - ym
    Sigma = np.linalg.inv(A.T @ A / sigma**2 + np.eye(p) / tau**2)
    mu = Sigma @ A.T @ bc / sigma**2
    b_mean, b_sd = ym - xm @ mu, math.sqrt(xm @ Sigma @ xm + sigma**2 / n)

    mcse = azs.mcse(post, var_names=["coef", "intercept"])
    mcse = getattr(mcse, "dataset", mcse)
    coef = post["posterior"]["coef"]
    got = coef.mean(("chain", "draw")).values
    assert np.all(np.abs(got - mu) < 4 * mcse["coef"].values), np.abs(got - mu) / mcse["coef"].values
    assert_allclose(coef.std(("chain", "draw")).values, np.sqrt(np.diag(Sigma)), rtol=0.10)
    b = post["posterior"]["intercept"]
    assert abs(float(b.mean()) - b_mean) < 4 * float(mcse["intercept"])
    assert float(b.std()) == pytest.approx(b_sd, rel=0.10)


@pytest.mark.filterwarnings("ignore::bayesreg.mcmc.SamplingWarning")  # 30 draws: a low ESS
def test_refit_with_other_rows_swaps_data_without_compiling():
    """The row form's ``design`` changes shape with n: a re-fit of the same structure (p,
    prior family, intercept, σ) still only swaps data."""
    pytest.importorskip("nutpie")
    kw = dict(sampler="nutpie", chains=1, tune=30, draws=30, progressbar=False,
              log_likelihood=False, posterior_predictive=False)
    X, y, _ = _data(n=12, p=40, seed=4)
    first = bayesreg.sample_posterior(X, y, bayesreg.Laplace(0.5), sigma=0.9, random_seed=0, **kw)
    X2, y2, sw2 = _data(n=17, p=40, seed=5, weights=True)
    second = bayesreg.sample_posterior(
        X2, y2, bayesreg.Laplace(2.0), sigma=1.3, sample_weight=sw2, random_seed=0, **kw
    )
    assert second.attrs["n_compiles"] == first.attrs["n_compiles"]
    assert second["posterior"]["coef"].shape == (1, 30, 40)
    assert np.isfinite(second["posterior"]["coef"].values).all()
