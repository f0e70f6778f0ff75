r"""The Gaussian, Laplace and elastic-net priors against independent references.

* log-densities against ``scipy.stats`` (norm, laplace) or, for the elastic net, against
  numerical normalisation (``scipy.integrate.quad`` of the unnormalised kernel);
* gradients against central finite differences;
* draws against the distribution function (Kolmogorov–Smirnov);
* ``mass_near_zero`` and ``variance`` against quadrature;
* ``penalty(σ)`` against the density itself: :math:`\sigma^2(\log p(0) - \log p(w))`
  must equal :math:`\lambda_1|w| + \tfrac{\lambda_2}{2}w^2`;
* the PyMC variable's log-density against ``logpdf``.

(BayesianLasso and Horseshoe are tested with the MCMC code, apart from the Bayesian
lasso's mass near zero at a noise scale σ ≠ 1, checked here against its own draws.)
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import integrate, stats

from bayesreg.penalty import Penalty
from bayesreg.priors import BayesianLasso, ElasticNet, Gaussian, Laplace, Prior, check_prior

PRIORS = [
    pytest.param(Gaussian(0.7), id="Gaussian(0.7)"),
    pytest.param(Gaussian(3.0), id="Gaussian(3)"),
    pytest.param(Laplace(0.5), id="Laplace(0.5)"),
    pytest.param(Laplace(2.0), id="Laplace(2)"),
    pytest.param(ElasticNet(0.5, 1.0), id="ElasticNet(0.5,1)"),
    pytest.param(ElasticNet(2.0, 0.3), id="ElasticNet(2,0.3)"),
    pytest.param(ElasticNet(0.05, 10.0), id="ElasticNet(0.05,10)"),  # nearly Laplace
    pytest.param(ElasticNet(50.0, 0.5), id="ElasticNet(50,0.5)"),  # nearly Gaussian
]

#: significance level of the distributional (KS) tests; seeds are fixed
ALPHA = 1e-3


def _kernel_integral(prior: Prior, f=lambda t: 1.0, lo=-np.inf, hi=np.inf) -> float:
    """∫ f(t) p(t) dt by adaptive quadrature, split at the kink at 0."""
    g = lambda t: f(t) * math.exp(float(prior.logpdf(t)))  # noqa: E731
    if lo < 0 < hi:
        return integrate.quad(g, lo, 0.0)[0] + integrate.quad(g, 0.0, hi)[0]
    return integrate.quad(g, lo, hi)[0]


def _cdf(prior: Prior, x: np.ndarray) -> np.ndarray:
    """Distribution function by quadrature of exp(logpdf) (symmetric about 0)."""
    out = np.empty(len(x))
    for i, xi in enumerate(x):
        tail = _kernel_integral(prior, lo=-np.inf, hi=-abs(xi))
        out[i] = tail if xi <= 0 else 1.0 - tail
    return out


# ------------------------------------------------------------------ log-density
W = np.array([-7.3, -2.0, -0.4, -1e-3, 0.0, 1e-3, 0.25, 1.0, 5.5])


@pytest.mark.parametrize("scale", [0.3, 1.0, 4.0])
def test_gaussian_logpdf_matches_scipy_norm(scale):
    np.testing.assert_allclose(
        Gaussian(scale).logpdf(W), stats.norm(0, scale).logpdf(W), rtol=1e-14, atol=1e-14
    )


@pytest.mark.parametrize("scale", [0.3, 1.0, 4.0])
def test_laplace_logpdf_matches_scipy_laplace(scale):
    np.testing.assert_allclose(
        Laplace(scale).logpdf(W), stats.laplace(0, scale).logpdf(W), rtol=1e-14, atol=1e-14
    )


@pytest.mark.parametrize("prior", PRIORS)
def test_logpdf_integrates_to_one(prior):
    assert _kernel_integral(prior) == pytest.approx(1.0, abs=1e-10)


@pytest.mark.parametrize("prior", PRIORS)
def test_logpdf_shape_and_scalar(prior):
    assert np.shape(prior.logpdf(W.reshape(3, 3))) == (3, 3)
    assert np.ndim(prior.logpdf(0.3)) == 0
    assert float(prior.logpdf(0.3)) == pytest.approx(float(prior.logpdf(np.array([0.3]))[0]))


def test_elastic_net_tends_to_its_limits():
    """b → ∞ gives the Gaussian, τ → ∞ the Laplace (checks the normaliser's erfcx form)."""
    np.testing.assert_allclose(ElasticNet(1e12, 0.8).logpdf(W), Gaussian(0.8).logpdf(W), atol=1e-9)
    np.testing.assert_allclose(ElasticNet(0.6, 1e9).logpdf(W), Laplace(0.6).logpdf(W), atol=1e-9)


# --------------------------------------------------------------------- gradient
@pytest.mark.parametrize("prior", PRIORS)
def test_grad_logpdf_matches_finite_differences(prior):
    w = W[W != 0]  # away from the kink
    h = 1e-6
    fd = (prior.logpdf(w + h) - prior.logpdf(w - h)) / (2 * h)
    np.testing.assert_allclose(prior.grad_logpdf(w), fd, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("prior", PRIORS)
def test_grad_logpdf_at_zero_is_least_norm_subgradient(prior):
    """At 0 the left and right derivatives (±1/b for L1 priors) bracket it; least norm is 0."""
    h = 1e-7
    right = (prior.logpdf(h) - prior.logpdf(0.0)) / h
    left = (prior.logpdf(0.0) - prior.logpdf(-h)) / h
    g0 = float(prior.grad_logpdf(0.0))
    assert min(left, right) - 1e-6 <= g0 <= max(left, right) + 1e-6
    assert g0 == 0.0


# ------------------------------------------------------------------------ draws
@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_gaussian_rvs_ks(scale):
    x = Gaussian(scale).rvs(4000, random_state=1)
    assert stats.kstest(x, stats.norm(0, scale).cdf).pvalue > ALPHA


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_laplace_rvs_ks(scale):
    x = Laplace(scale).rvs(4000, random_state=2)
    assert stats.kstest(x, stats.laplace(0, scale).cdf).pvalue > ALPHA


@pytest.mark.parametrize("prior", [p for p in PRIORS if "ElasticNet" in p.id])
def test_elastic_net_rvs_ks_against_quadrature_cdf(prior):
    """Draws against the cdf obtained by integrating exp(logpdf) numerically."""
    x = prior.rvs(1500, random_state=3)
    assert stats.kstest(x, lambda v: _cdf(prior, np.atleast_1d(v))).pvalue > ALPHA
    assert (x < 0).mean() == pytest.approx(0.5, abs=4 * 0.5 / math.sqrt(1500))


@pytest.mark.parametrize("prior", PRIORS)
def test_rvs_reproducible_and_shaped(prior):
    a = prior.rvs((3, 4), random_state=7)
    b = prior.rvs((3, 4), random_state=7)
    assert a.shape == (3, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, prior.rvs((3, 4), random_state=8))
    g = np.random.default_rng(0)
    assert prior.rvs(5, random_state=g).shape == (5,)


# ------------------------------------------------------ mass near zero, variance
@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("eps", [1e-3, 0.1, 1.0, 5.0])
def test_mass_near_zero_matches_quadrature(prior, eps):
    ref = _kernel_integral(prior, lo=-eps, hi=eps)
    assert prior.mass_near_zero(eps) == pytest.approx(ref, rel=1e-9, abs=1e-14)


def test_mass_near_zero_closed_forms():
    assert Gaussian(2.0).mass_near_zero(1.0) == pytest.approx(
        stats.norm(0, 2.0).cdf(1.0) - stats.norm(0, 2.0).cdf(-1.0), rel=1e-14
    )
    assert Laplace(2.0).mass_near_zero(1.0) == pytest.approx(1 - math.exp(-0.5), rel=1e-14)


@pytest.mark.parametrize("prior", PRIORS)
def test_variance_matches_quadrature(prior):
    """E[w²] by quadrature split at the kink (error estimate < 1e-16 here).

    For ElasticNet(0.05, 10) the truncated normal of |w| is cut 200 sd below its mean;
    a series in (b/τ)² about the Laplace limit gives E[w²] = 0.00499937512, which the
    quadrature reproduces and ``scipy.stats.truncnorm(...).moment(2)`` misses by 5e-7.
    """
    ref = _kernel_integral(prior, f=lambda t: t * t)
    assert prior.variance() == pytest.approx(ref, rel=1e-9)


def test_variance_closed_forms():
    assert Gaussian(3.0).variance() == pytest.approx(stats.norm(0, 3.0).var(), rel=1e-15)
    assert Laplace(3.0).variance() == pytest.approx(stats.laplace(0, 3.0).var(), rel=1e-15)


@pytest.mark.parametrize("sigma", [0.4, 2.5])
@pytest.mark.parametrize("lam_prior", [(1.0, 1.78), (3.0, 0.5)], ids=["r=1,d=1.78", "r=3,d=0.5"])
def test_bayesian_lasso_mass_near_zero_given_sigma_matches_its_draws(lam_prior, sigma):
    """P(|w| < ε | σ) under λ² ~ Gamma(r, δ) against the fraction of prior draws at that σ.

    The draws (a λ each, then w | λ, σ ~ Laplace(0, σ/λ)) are an independent route to the
    marginal; the tolerance is 5 binomial standard errors. The value at σ = 1 is hundreds
    of standard errors away at these σ, which is what ignoring σ used to return.
    """
    prior = BayesianLasso(lam_prior=lam_prior)
    eps, n = 0.3, 400_000
    draws = prior.rvs(n, random_state=1, sigma=sigma)
    p_mc = float(np.mean(np.abs(draws) < eps))
    se = math.sqrt(p_mc * (1.0 - p_mc) / n)
    assert abs(prior.mass_near_zero(eps, sigma) - p_mc) < 5 * se
    assert abs(prior.mass_near_zero(eps, 1.0) - p_mc) > 50 * se


@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_mass_near_zero_rejects_bad_eps(prior, bad):
    with pytest.raises(ValueError, match="eps"):
        prior.mass_near_zero(bad)


# ---------------------------------------------------------------------- penalty
@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_penalty_is_sigma2_times_negative_log_density(prior, sigma):
    r""":math:`\sigma^2(\log p(0) - \log p(w)) = \lambda_1|w| + \tfrac{\lambda_2}{2}w^2`."""
    pen = prior.penalty(sigma)
    lhs = sigma**2 * (prior.logpdf(0.0) - prior.logpdf(W))
    rhs = pen.l1 * np.abs(W) + 0.5 * pen.l2 * W**2
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-14)
    # and the closed forms λ1 = σ²/b, λ2 = σ²/τ²
    if isinstance(prior, Gaussian):
        assert (pen.l1, pen.l2) == (0.0, pytest.approx(sigma**2 / prior.scale**2, rel=1e-15))
    elif isinstance(prior, Laplace):
        assert (pen.l1, pen.l2) == (pytest.approx(sigma**2 / prior.scale, rel=1e-15), 0.0)
    else:
        assert pen.l1 == pytest.approx(sigma**2 / prior.l1_scale, rel=1e-15)
        assert pen.l2 == pytest.approx(sigma**2 / prior.l2_scale**2, rel=1e-15)


@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_from_penalty_round_trip(prior, sigma):
    back = type(prior).from_penalty(prior.penalty(sigma), sigma)
    assert type(back) is type(prior)
    for f in dataclasses.fields(prior):
        assert getattr(back, f.name) == pytest.approx(getattr(prior, f.name), rel=8 * np.finfo(float).eps)


@pytest.mark.parametrize(
    ("family", "penalty"),
    [
        (Gaussian, Penalty(1.0, 1.0)),
        (Gaussian, Penalty(1.0, 0.0)),
        (Laplace, Penalty(0.0, 1.0)),
        (Laplace, Penalty(1.0, 1.0)),
        (ElasticNet, Penalty(1.0, 0.0)),
        (ElasticNet, Penalty(0.0, 1.0)),
    ],
    ids=lambda v: getattr(v, "__name__", repr(v)),
)
def test_from_penalty_rejects_the_wrong_family(family, penalty):
    with pytest.raises(ValueError, match="(?i)penalty"):
        family.from_penalty(penalty, 1.0)


@pytest.mark.parametrize("prior", PRIORS)
@pytest.mark.parametrize("sigma", [0.0, -1.0, float("nan"), float("inf")])
def test_penalty_rejects_bad_sigma(prior, sigma):
    with pytest.raises(ValueError, match="sigma"):
        prior.penalty(sigma)


# ------------------------------------------------------------------- validation
@pytest.mark.parametrize("family", [Gaussian, Laplace])
@pytest.mark.parametrize("bad", [0.0, -2.0, float("nan"), float("inf"), -float("inf")])
def test_scale_must_be_finite_positive(family, bad):
    with pytest.raises(ValueError, match="scale"):
        family(bad)


@pytest.mark.parametrize("bad", [0.0, -2.0, float("nan")])
def test_elastic_net_scales_checked_by_name(bad):
    with pytest.raises(ValueError, match="l1_scale"):
        ElasticNet(bad, 1.0)
    with pytest.raises(ValueError, match="l2_scale"):
        ElasticNet(1.0, bad)


@pytest.mark.parametrize("bad", ["1.0x", None, ["a"], True])
def test_scale_must_be_a_number(bad):
    with pytest.raises(TypeError, match="scale"):
        Laplace(bad)


def test_scale_accepts_numbers_and_stores_floats():
    p = Laplace(np.float32(2))
    assert p.scale == 2.0 and type(p.scale) is float
    assert Gaussian(3).scale == 3.0


def test_priors_are_frozen_hashable_values():
    p = Laplace(1.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.scale = 2.0  # type: ignore[misc]
    assert p == Laplace(1.5) and hash(p) == hash(Laplace(1.5))
    assert p != Gaussian(1.5)
    assert repr(ElasticNet(0.5, 2.0)) == "ElasticNet(l1_scale=0.5, l2_scale=2)"


@pytest.mark.parametrize("bad", [1.0, "laplace", None, Penalty(1.0, 0.0), Laplace])
def test_check_prior_names_the_problem(bad):
    with pytest.raises(TypeError, match="prior must be a bayesreg prior"):
        check_prior(bad)


# ------------------------------------------------------------------------ PyMC
@pytest.mark.parametrize(
    "prior", [Gaussian(0.7), Laplace(0.5), ElasticNet(0.5, 1.0)], ids=lambda p: repr(p)
)
def test_to_pymc_log_density_matches_logpdf(prior):
    import pymc as pm

    values = np.array([-2.0, -0.3, 0.0, 0.4, 3.0])
    with pm.Model(coords={"feature": list("abcde")}) as model:
        rv = prior.to_pymc("w", dims="feature")
    assert model["w"] is rv
    assert tuple(model.named_vars_to_dims["w"]) == ("feature",)
    logp = pm.logp(rv, values).eval()
    np.testing.assert_allclose(logp, prior.logpdf(values), rtol=1e-12, atol=1e-12)
