"""The horseshoe+ prior (Bhadra et al. 2017): its exact conditional draw against quadrature, its
PyMC hierarchy against its own draws and the closed-form density of λ, simulation-based
calibration under the Gibbs sampler, and Gibbs against NUTS."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad
from test_gibbs import _sbc

import bayesreg as br
from bayesreg.priors.mixtures import draw_local_scale_split

pytestmark = pytest.mark.filterwarnings("ignore:MCMC diagnostics flag problems")


def _numeric_cdf(logdens, lo, hi, grid):
    """CDF on ``grid`` of the density exp(logdens(t)) of t, by quadrature (no closed form used)."""
    Z = quad(lambda t: math.exp(logdens(t)), lo, hi, limit=2000)[0]
    return np.array([quad(lambda t: math.exp(logdens(t)), lo, g, limit=2000)[0] for g in grid]) / Z


@pytest.mark.parametrize("a", [1e-8, 0.3, 1.0, 7.0, 1e10])
def test_local_scale_split_draws_have_their_density(a):
    """η² | λ² = a has density ∝ 1/((e + a)(1 + e)): the draws of log e against quadrature of
    that density (Kolmogorov-Smirnov)."""
    def logdens(t):  # of t = log e: e / ((e + a)(1 + e))
        e = math.exp(t)
        return t - math.log(e + a) - math.log1p(e)

    c = 0.5 * math.log(a)  # log e is symmetric about log(a)/2
    grid = np.linspace(c - 30, c + 30, 400)
    cdf = _numeric_cdf(logdens, c - 60, c + 60, grid)
    draws = np.log(draw_local_scale_split(np.full(20_000, a), np.random.default_rng(7)))
    assert np.isfinite(draws).all()
    assert stats.kstest(draws, lambda t: np.interp(t, grid, cdf)).pvalue > 0.01


def test_pymc_hierarchy_matches_rvs_and_the_density_of_lambda():
    """to_pymc's non-centred graph against rvs (two-sample KS), and its λ against Bhadra et al.'s
    marginal p(λ) = (4/π²) log(λ)/(λ² - 1) by quadrature."""
    import pymc as pm

    prior = br.HorseshoePlus(0.4)
    ours = prior.rvs(4000, random_state=0)
    with pm.Model() as m:
        prior.to_pymc("w", shape=10)
    w_draws, lam_draws = pm.draw([m["w"], m["lam"]], draws=400, random_seed=1)
    assert stats.ks_2samp(ours, w_draws.reshape(-1)).pvalue > 0.01

    def logdens(t):  # of t = log λ: λ p(λ), p(λ) ∝ log λ / (λ² - 1) (→ 1/2 at λ = 1)
        lam = math.exp(t)
        r = 0.5 if abs(t) < 1e-9 else t / (lam * lam - 1.0)
        return t + math.log(r)

    grid = np.linspace(-25, 25, 400)
    cdf = _numeric_cdf(logdens, -60, 60, grid)
    assert stats.kstest(np.log(lam_draws.reshape(-1)), lambda t: np.interp(t, grid, cdf)).pvalue > 0.01


def test_prior_object_and_registry():
    prior = br.HorseshoePlus(0.25)
    assert repr(prior) == "HorseshoePlus(global_scale=0.25)"
    assert prior.sd() == 0.25 and prior.variance() == math.inf and not prior.has_penalty
    with pytest.raises(NotImplementedError, match="no closed form"):
        prior.logpdf(0.0)
    with pytest.raises(ValueError, match="penalty"):
        prior.penalty(1.0)
    with pytest.raises(ValueError, match="global_scale"):
        br.HorseshoePlus(-1.0)
    from bayesreg.families import prior_family

    assert prior_family("hsplus") is prior_family(prior) and prior_family(prior).label == "Horseshoe+"
    # P(|w| < ε): a Monte Carlo estimate from seeded prior draws, so reproducible
    assert 0.0 < prior.mass_near_zero(0.01) == prior.mass_near_zero(0.01) < 1.0


def test_layout_is_the_nuts_models(regression_data):
    """The Gibbs posterior holds exactly the NUTS model's reported variables, over the same dims,
    and the prior round-trips through the DataTree's attrs."""
    from bayesreg.mcmc.model import get_model
    from bayesreg.mcmc.problem import PosteriorProblem
    from bayesreg.stats import posterior_prior

    X, y = regression_data
    prior = br.HorseshoePlus(0.2)
    post = br.sample_posterior(X, y, prior, sigma=None, draws=20, tune=5, chains=2, random_seed=0,
                               sampler="gibbs", progressbar=False)
    problem = PosteriorProblem.from_data(X, y, prior, sigma=None)
    model = get_model(problem, problem.data()).model
    names = {v.name for v in (*model.free_RVs, *model.deterministics)} - set(problem.internal_variables())
    assert names == set(post["posterior"].data_vars)
    for name in ("coef", "lam", "eta"):
        assert post["posterior"][name].dims == ("chain", "draw", "feature")
    assert posterior_prior(post) == prior


# --------------------------------------------------------------- calibration
def _horseshoe_plus_draw(tau0, learned):
    def draw(rng):
        tau = abs(tau0 * rng.standard_cauchy())
        lam = np.abs(rng.standard_cauchy(3)) * np.abs(rng.standard_cauchy(3))
        sigma = abs(rng.standard_t(3)) if learned else 1.0
        return tau * lam * rng.standard_normal(3), sigma
    return draw


@pytest.mark.slow
@pytest.mark.parametrize("sigma_mode", ["fixed", "half-t"])
def test_sbc_horseshoe_plus(sigma_mode):
    """Simulation-based calibration (Talts et al. 2018) under the Gibbs sampler: the ranks of the
    true coefficients (and σ) among the posterior draws are uniform (chi-square p > 0.01); thinned
    like the horseshoe's (tests/test_gibbs.py), whose τ and λ_j mix more slowly than the other
    priors' scales."""
    pvals = _sbc(_horseshoe_plus_draw(0.5, sigma_mode != "fixed"), br.HorseshoePlus(0.5),
                 sigma_mode=sigma_mode, sims=100, thin=6)
    assert min(pvals) > 0.01, pvals


# ---------------------------------------------------------------------- NUTS
@pytest.mark.slow
def test_gibbs_agrees_with_nuts():
    """n = 80, p = 6 with two large, one moderate and three zero coefficients: the posterior
    medians of Gibbs and NUTS agree within Monte Carlo error (4 × the combined standard error
    of two medians, 1.25 sd / sqrt(ESS) each). NUTS, even non-centred and at target_accept
    0.95, still reports 39 divergent transitions in 2000 draws here (none are possible for
    Gibbs), so this is the agreement of a sampler with one that is nearly reliable."""
    pytest.importorskip("nutpie")
    import arviz_stats as azs

    rng = np.random.default_rng(0)
    n, p = 80, 6
    X = rng.standard_normal((n, p))
    y = 0.5 + X @ np.array([1.5, -1.0, 0.0, 0.0, 0.5, 0.0]) + rng.standard_normal(n)
    kw = dict(sigma=None, draws=1000, tune=500, chains=2, random_seed=1, progressbar=False)
    g = br.sample_posterior(X, y, br.HorseshoePlus(0.3), sampler="gibbs", **kw)
    u = br.sample_posterior(X, y, br.HorseshoePlus(0.3), sampler="nutpie", target_accept=0.95, **kw)
    for var in ("coef", "sigma", "intercept"):
        draws = [t["posterior"][var].values.reshape(2000, -1) for t in (g, u)]
        ess = [np.atleast_1d(getattr(e := azs.ess(t, var_names=[var]), "posterior", e)[var].values)
               for t in (g, u)]
        se = np.hypot(*(1.25 * d.std(axis=0) / np.sqrt(s) for d, s in zip(draws, ess)))
        med = [np.median(d, axis=0) for d in draws]
        assert np.all(np.abs(med[0] - med[1]) < 4 * se), (var, med, se)
