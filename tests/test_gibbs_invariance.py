"""The Gibbs sampler is equivariant under a change of units, draw by draw.

Rescaling ``y`` by c, with every prior scale (and a fixed σ) times c, is the same model in
other units: its posterior of ``coef`` is c times the original's. The sampler goes further:
with the same seed each draw is c times the original draw. Every step is a ratio of
quantities in the same units (the coefficient draw is factored in units of σ², the mixing
variables' conditionals see :math:`w_j^2/v_j`, the inverse gammas scale), so

* for c a power of two, whose products are exact in floating point, the draws are
  **bit-identical** times c — for every prior whose steps are rational operations and
  square roots (Gaussian, Laplace, elastic net, Bayesian lasso, spike and slab), under fixed,
  half-t (its default scale follows sd(y)) and Jeffreys σ;
* for any c they agree to rounding (relative 1e-15 per operation, which the chain carries
  along: under 1e-12 measured in 250 sweeps); the horseshoe's Metropolis and slice moves on
  :math:`\\log\\tau` and :math:`\\log c^2` (:math:`\\log(c\\tau)\\ne\\log c + \\log\\tau` in floating point)
  make it (and the horseshoe+) agree to rounding even for c = 2. Its auxiliary ξ used to start at τ0² (in the
  units of τ², where ξ is in those of 1/τ²), which made every horseshoe draw depend on the
  units of ``y``; it now starts at 1/τ0².

Likewise a column of X in other units (times c) with its coefficient's prior scale divided
by c (per-coefficient scales) divides that coefficient's draws by c and leaves the rest
unchanged: bit-identical for powers of two, for Rue's equilibrated draw (n ≥ p) and
Bhattacharya's (p > n).

The per-coefficient scales the column tests need are checked first against the closed-form
conjugate posterior, with one coefficient flat (an infinite scale).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from test_gibbs import _conjugate

import bayesreg as br

pytestmark = pytest.mark.filterwarnings("ignore:MCMC diagnostics flag problems")

RUN = dict(draws=200, tune=50, chains=2, random_seed=5, sampler="gibbs", progressbar=False,
           log_likelihood=False, posterior_predictive=False)

#: how each posterior variable scales with the units of y: coef, intercept, σ and the
#: horseshoes' τ like y; the slab c² like y²; the rest (local scales λ_j and the horseshoe+'s
#: η_j, λ of the Bayesian lasso, inclusion probabilities, θ) are unit-free
EXPONENT = {"coef": 1, "intercept": 1, "sigma": 1, "tau": 1, "c2": 2,
            "lam": 0, "lam_sq": 0, "eta": 0, "inclusion": 0, "theta": 0}


def _data(n=30, p=4, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.uniform(-1, 1, p)
    w = np.zeros(p)
    w[:4] = [1.0, 0.0, -0.5, 0.2]
    return X, 1.0 + X @ w + rng.standard_normal(n)


def _in_units_of_y(prior, c):
    """The prior of the problem with y times c: every scale times c (the Bayesian lasso's scale
    σ/λ follows σ, so λ stays)."""
    if isinstance(prior, br.Gaussian):
        return br.Gaussian(prior.scale * c)
    if isinstance(prior, br.ElasticNet):
        return br.ElasticNet(prior.l1_scale * c, prior.l2_scale * c)
    if isinstance(prior, br.Laplace):
        return br.Laplace(prior.scale * c)
    if isinstance(prior, br.HorseshoePlus):
        return br.HorseshoePlus(prior.global_scale * c)
    if isinstance(prior, br.Horseshoe):
        slab = None if prior.slab_scale is None else prior.slab_scale * c
        return br.Horseshoe(prior.global_scale * c, slab_scale=slab, slab_df=prior.slab_df)
    if isinstance(prior, br.SpikeAndSlab):
        return br.SpikeAndSlab(prior.spike_scale * c, prior.slab_scale * c, inclusion_prior=prior.inclusion_prior)
    assert isinstance(prior, br.BayesianLasso)
    return prior


def _in_units_of_columns(prior, c):
    """The prior of the problem with column j times c_j: coefficient j's scales divided by c_j."""
    if isinstance(prior, br.ElasticNet):
        return br.ElasticNet(prior.l1_scale / c, prior.l2_scale / c)
    return type(prior)(prior.scale / c)


# ------------------------------------------------------- per-coefficient scales
TAU = np.array([1.5, 0.3, np.inf, 2.0, 0.05])


@pytest.mark.parametrize(
    "prior, tau, coef_draw",
    [(br.Gaussian(TAU), TAU, "rue"), (br.Laplace(np.full(5, np.inf)), np.full(5, np.inf), "rue"),
     (br.ElasticNet(np.full(5, np.inf), TAU), TAU, "rue"),
     (br.Gaussian(np.where(np.isinf(TAU), 5.0, TAU)), np.where(np.isinf(TAU), 5.0, TAU), "bhattacharya")],
    ids=["gaussian", "laplace-flat", "elastic-net-flat-l1", "gaussian-bhattacharya"],
)
def test_per_coefficient_scales_equal_the_conjugate_posterior(prior, tau, coef_draw):
    """One scale per coefficient, some infinite (flat): a Gaussian prior, a flat Laplace prior and
    an elastic net whose Laplace factors are flat all have the closed-form posterior
    w ~ N(μ, Σ), Σ = (AᵀA/σ² + diag(1/τ_j²))⁻¹: within 4 MCSE (means) and 5 % (sds)."""
    import arviz_stats as azs

    X, y = _data(40, 5, seed=8)
    sigma = 0.7
    post = br.sample_posterior(X, y, prior, sigma=sigma, coef_draw=coef_draw,
                               **{**RUN, "draws": 1500, "chains": 4})
    assert post.attrs["coef_draw"] == coef_draw
    mu, sd, _, _ = _conjugate(X, y, tau, sigma)
    coef = post["posterior"]["coef"]
    mcse = azs.mcse(post, var_names=["coef"])
    mcse = getattr(mcse, "posterior", mcse)["coef"].values
    got = coef.mean(("chain", "draw")).values
    assert np.all(np.abs(got - mu) < 4 * mcse), (got, mu, mcse)
    assert_allclose(coef.std(("chain", "draw")).values, sd, rtol=0.05)


def test_a_flat_coefficient_with_p_greater_than_n_is_drawn_by_rue():
    """Bhattacharya's draw needs a finite prior variance for every coefficient: with p > n and a
    flat one, "auto" takes Rue's (and still equals the closed form), and asking for
    Bhattacharya's says why not."""
    X, y = _data(12, 20, seed=2)
    tau = np.full(20, 0.5)
    tau[3] = np.inf
    with pytest.raises(ValueError, match="flat"):
        br.sample_posterior(X, y, br.Gaussian(tau), sigma=0.7, coef_draw="bhattacharya", **RUN)
    post = br.sample_posterior(X, y, br.Gaussian(tau), sigma=0.7, **{**RUN, "draws": 1500, "chains": 4})
    assert post.attrs["coef_draw"] == "rue"
    mu, sd, _, _ = _conjugate(X, y, tau, 0.7)
    coef = post["posterior"]["coef"].values.reshape(-1, 20)
    assert np.all(np.abs(coef.mean(axis=0) - mu) < 4 * sd / np.sqrt(coef.shape[0] / 2))
    assert_allclose(coef.std(axis=0), sd, rtol=0.05)


# ------------------------------------------------------------------ units of y
PRIORS = [
    br.Gaussian(0.7), br.Laplace(0.5), br.ElasticNet(0.5, 1.0), br.BayesianLasso(lam=1.5),
    br.BayesianLasso(lam_prior=(1.0, 1.0)), br.SpikeAndSlab(0.05, 1.0),
    br.Horseshoe(0.3), br.Horseshoe(0.3, slab_scale=None), br.HorseshoePlus(0.3),
]
SIGMAS = [0.8, None, "jeffreys"]


def _compare_units_of_y(prior, sigma, c, check):
    X, y = _data()
    a = br.sample_posterior(X, y, prior, sigma=sigma, **RUN)
    s2 = sigma * c if isinstance(sigma, float) else sigma
    b = br.sample_posterior(X, c * y, _in_units_of_y(prior, c), sigma=s2, **RUN)
    if sigma is None:  # the default half-t scale is sd(y), so it follows the units
        assert b.attrs["sigma_scale"] == pytest.approx(c * a.attrs["sigma_scale"], rel=1e-15)
    assert set(a["posterior"].data_vars) == set(b["posterior"].data_vars)
    for name, var in a["posterior"].data_vars.items():
        check(b["posterior"][name].values, c ** EXPONENT[name] * var.values, name)
    for name, var in a["sample_stats"].data_vars.items():
        check(b["sample_stats"][name].values, var.values, name)


@pytest.mark.parametrize("sigma", SIGMAS, ids=["fixed", "half-t", "jeffreys"])
@pytest.mark.parametrize("prior", PRIORS[:6], ids=repr)
def test_y_in_other_units_gives_the_same_draws_exactly(prior, sigma):
    """c = 2: every draw of every variable is exactly c^k times the original's."""
    def same(got, want, name):
        assert_array_equal(got, want, err_msg=name)

    _compare_units_of_y(prior, sigma, 2.0, same)


#: any c for every prior and σ treatment; c = 2 for the horseshoes, which it does not make exact;
#: a far smaller c (y in units 10⁴ times larger) with the default half-t σ
ROUNDING = (
    [(prior, sigma, 3.7) for prior in PRIORS for sigma in SIGMAS]
    + [(prior, sigma, 2.0) for prior in PRIORS[6:] for sigma in SIGMAS]
    + [(prior, None, 1e-4) for prior in PRIORS]
)


@pytest.mark.parametrize("prior, sigma, c", ROUNDING, ids=lambda v: repr(v) if isinstance(v, br.Prior) else str(v))
def test_y_in_other_units_gives_the_same_draws_to_rounding(prior, sigma, c):
    """Any c, every prior: the draws agree to rounding (relative to each variable's largest draw)."""
    def close(got, want, name):
        scale = float(np.max(np.abs(want))) or 1.0
        assert_allclose(got, want, rtol=0, atol=1e-10 * scale, err_msg=name)

    _compare_units_of_y(prior, sigma, c, close)


# ------------------------------------------------------------ units of a column
@pytest.mark.parametrize("sigma", [0.8, None], ids=["fixed", "half-t"])
@pytest.mark.parametrize("shape", [(30, 4), (10, 25)], ids=["rue", "bhattacharya"])
@pytest.mark.parametrize("prior", [br.Gaussian, br.Laplace, br.ElasticNet], ids=lambda c: c.__name__)
def test_a_column_in_other_units_divides_its_draws(prior, shape, sigma):
    """Column 1 times c, its prior scale over c: its draws over c, every other draw (and the
    intercept, and σ) unchanged; bit-identical for c = 2⁻²⁰, to rounding for c = 10⁶."""
    n, p = shape
    X, y = _data(n, p)
    args = (np.full(p, 0.7),) if prior is not br.ElasticNet else (np.full(p, 0.5), np.full(p, 1.0))
    base = prior(*args)
    a = br.sample_posterior(X, y, base, sigma=sigma, **RUN)
    assert a.attrs["coef_draw"] == ("rue" if n >= p else "bhattacharya")
    for c, exact in ((2.0**-20, True), (1e6, False)):
        cvec = np.ones(p)
        cvec[1] = c
        b = br.sample_posterior(X * cvec, y, _in_units_of_columns(base, cvec), sigma=sigma, **RUN)
        for name, var in a["posterior"].data_vars.items():
            got = b["posterior"][name].values * (cvec if name == "coef" else 1.0)
            if exact:
                assert_array_equal(got, var.values, err_msg=name)
            else:
                scale = np.max(np.abs(var.values), axis=(0, 1))
                assert np.all(np.abs(got - var.values) <= 1e-10 * scale), name
