r"""Pólya-Gamma Gibbs for the logistic likelihood (``sampler="gibbs"``, ``family="bernoulli"``).

The references are independent of the sampler: the moments of :math:`\mathrm{PG}(b, c)`
in closed form, :math:`\mathbb E\,\omega = \frac{b}{2c}\tanh\frac c2`; and the posterior of
a small logistic model (two coefficients and an intercept, sample weights including a 0 and
a 2) by numerical integration on a grid of the unnormalised density written out here,

.. math::

    \log p(w, b\mid y) = \sum_i s_i\big[y_i\eta_i - \log(1 + e^{\eta_i})\big] + \sum_j\log p(w_j)
    + \text{const},\qquad \eta_i = b + o_i + x_i^\top w,

with a flat prior on :math:`b`.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

import bayesreg
from bayesreg.mcmc import polya_gamma

pytestmark = pytest.mark.skipif(not polya_gamma.available(), reason="polyagamma is not installed")


def _data(fit_intercept=True, with_offset=False):
    rng = np.random.default_rng(11)
    n = 40
    X = rng.standard_normal((n, 2)) * [1.0, 2.0] + [0.5, -1.0]
    offset = 0.3 * rng.standard_normal(n) if with_offset else np.zeros(n)
    eta = (0.4 if fit_intercept else 0.0) + offset + X @ [0.8, -0.3]
    y = (rng.random(n) < expit(eta)).astype(float)
    s = rng.choice([0.5, 1.0, 2.0], n)
    s[3] = 0.0
    return X, y, s, offset


def _grid_moments(X, y, s, offset, log_prior, fit_intercept, centre, half):
    """Posterior means and sds of (w1, w2, b) by a 3-D (2-D without intercept) grid."""
    k = 61
    axes = [np.linspace(c - h, c + h, k) for c, h in zip(centre, half)]
    if not fit_intercept:
        axes = axes[:2] + [np.zeros(1)]
    W1, W2 = np.meshgrid(axes[0], axes[1], indexing="ij")
    logp = np.empty((k, k, axes[2].size))
    for m, b in enumerate(axes[2]):
        eta = b + offset[:, None, None] + X[:, 0, None, None] * W1 + X[:, 1, None, None] * W2
        ll = np.tensordot(s, y[:, None, None] * eta - np.logaddexp(0.0, eta), axes=1)
        logp[:, :, m] = ll + log_prior(W1) + log_prior(W2)
    dens = np.exp(logp - logp.max())
    dens /= dens.sum()
    grids = np.meshgrid(*axes, indexing="ij")
    mean = np.array([(g * dens).sum() for g in grids])
    sd = np.sqrt(np.array([((g - mu) ** 2 * dens).sum() for g, mu in zip(grids, mean)]))
    # the grid must hold the posterior: negligible mass on its faces
    for axis in range(3 if fit_intercept else 2):
        edge = np.take(dens, [0, -1], axis=axis).sum()
        assert edge < 1e-6, (axis, edge)
    return mean, sd


def test_the_gaussian_problem_given_omega():
    r"""Given ω: weights ω, target κ/ω − o with κ = s(y − ½), the zero-weight row left out."""
    X, y, s, offset = _data(with_offset=True)
    aug = polya_gamma.PolyaGammaAugmentation(bayesreg.datafits.BernoulliDatafit(X, y, s, True, offset=offset))
    keep = s > 0
    omega = np.random.default_rng(1).uniform(0.1, 0.3, keep.sum())
    g = aug.model(omega)
    z = s[keep] * (y[keep] - 0.5) / omega - offset[keep]
    assert g.weight_sum == pytest.approx(omega.sum(), rel=1e-14)
    assert g.y_offset == pytest.approx(omega @ z / omega.sum(), rel=1e-12)
    np.testing.assert_allclose(g.X_offset, omega @ X[keep] / omega.sum(), rtol=1e-12)
    w, b = aug.start()
    np.testing.assert_allclose(aug.linear_predictor(w + 0.5, b), b + offset[keep] + X[keep] @ [0.5, 0.5])


def test_omega_draws_have_the_tilted_mean():
    rng = np.random.default_rng(0)
    X, y, s, offset = _data()
    aug = polya_gamma.PolyaGammaAugmentation(bayesreg.datafits.BernoulliDatafit(X, y, s, True))
    eta = np.array([0.0, 1e-8, 0.7, -3.0, 12.0])
    aug._s = np.array([1.0, 2.0, 0.5, 1.0, 3.0])  # (PG shapes for these η)
    draws = np.array([aug.draw_omega(eta, rng) for _ in range(40_000)])
    c = np.where(eta == 0, 1.0, eta)
    exact = np.where(eta == 0, aug._s / 4, aug._s / (2 * c) * np.tanh(c / 2))
    np.testing.assert_allclose(aug.mean_omega(eta), exact, rtol=1e-12)
    se = draws.std(0) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(0) - exact) < 5 * se)


@pytest.mark.parametrize(("prior", "log_prior"), [
    (bayesreg.Gaussian(1.5), lambda w: -0.5 * w**2 / 1.5**2),
    (bayesreg.Laplace(0.4), lambda w: -np.abs(w) / 0.4),
])
@pytest.mark.parametrize("coef_draw", ["rue", "bhattacharya"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_posterior_moments_equal_numerical_integration(prior, log_prior, coef_draw, fit_intercept):
    X, y, s, offset = _data(fit_intercept)
    post = bayesreg.sample_posterior(
        X, y, prior, family="bernoulli", sampler="gibbs", coef_draw=coef_draw, sample_weight=s,
        fit_intercept=fit_intercept, draws=3000, tune=300, chains=4,
        random_seed=3, progressbar=False, log_likelihood=False, posterior_predictive=False,
    )
    assert post.attrs["sampler"] == "gibbs" and "sigma" not in post["posterior"]
    coef = post["posterior"]["coef"].values.reshape(-1, 2)
    b = post["posterior"]["intercept"].values.ravel()
    draws = np.column_stack([coef, b])
    centre, half = draws.mean(0), 7 * draws.std(0) + 1e-3
    mean, sd = _grid_moments(X, y, s, offset, log_prior, fit_intercept, centre, half)
    k = 3 if fit_intercept else 2
    # Monte Carlo error: 12 000 draws of a nearly independent sampler; 5 standard errors
    # with an effective sample size of a quarter of the draws
    se = sd[:k] / np.sqrt(len(draws) / 4)
    assert np.all(np.abs(draws.mean(0)[:k] - mean[:k]) < 5 * se), (draws.mean(0), mean, se)
    np.testing.assert_allclose(draws.std(0)[:k], sd[:k], rtol=0.05)
    if not fit_intercept:
        assert np.all(b == 0.0)


def test_without_polyagamma_gibbs_refuses_and_auto_takes_nuts(monkeypatch):
    from bayesreg.mcmc.backends import choose
    from bayesreg.mcmc.problem import PosteriorProblem

    X, y, _, _ = _data()
    monkeypatch.setattr(polya_gamma, "available", lambda: False)
    problem = PosteriorProblem.from_data(X, y, bayesreg.Laplace(1.0), family="bernoulli")
    assert choose("auto", problem)[0] != "gibbs"
    with pytest.raises(ValueError, match="does not support"):
        choose("gibbs", problem)
    from bayesreg.mcmc.backends.gibbs import build_chain

    with pytest.raises(ValueError, match="pip install polyagamma"):
        build_chain(problem)
    monkeypatch.undo()
    assert choose("auto", problem)[0] == "gibbs"  # with it, the Gibbs sampler serves logistic models
