"""Posterior inclusion probabilities: :func:`bayesreg.stats.inclusion_probability` against exact
enumeration of all 2^8 spike-and-slab models, and the mass-near-zero plot's spike markers
against the DataTree they were read from."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from scipy.special import betaln  # noqa: E402
from test_gibbs import _enumerate_inclusion  # noqa: E402
from test_plots import by_gid, one  # noqa: E402
from test_stats import normal_posterior  # noqa: E402

import bayesreg as br  # noqa: E402
from bayesreg import plots, stats  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:MCMC diagnostics flag problems")

SPIKE, SLAB, SIGMA, AB = 0.05, 1.5, 1.0, (2.0, 3.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def spike_slab():
    """A p = 8 problem (other data than tests/test_gibbs.py's), its spike-and-slab Gibbs posterior
    under θ ~ Beta(2, 3), and the exact inclusion probabilities of all 2^8 models."""
    rng = np.random.default_rng(17)
    n, p = 35, 8
    X = rng.standard_normal((n, p))
    y = -1.0 + X @ np.array([0.0, 1.0, 0.0, -0.6, 0.0, 0.3, 0.0, 0.0]) + SIGMA * rng.standard_normal(n)
    a, b = AB

    def log_prior(k, p):  # Beta-binomial: B(a + k, b + p - k) / B(a, b)
        return betaln(a + k, b + p - k) - betaln(a, b)

    exact = _enumerate_inclusion(X, y, SIGMA, SPIKE, SLAB, log_prior)
    post = br.sample_posterior(X, y, br.SpikeAndSlab(SPIKE, SLAB, inclusion_prior=AB), sigma=SIGMA,
                               draws=2500, tune=200, chains=2, random_seed=4, sampler="gibbs",
                               progressbar=False)
    return X, y, post, exact


# ------------------------------------------------------------------------- stats
def test_inclusion_probability_equals_enumeration(spike_slab):
    _, _, post, exact = spike_slab
    got = stats.inclusion_probability(post)
    assert got.dims == ("feature",) and list(got["feature"].values) == [f"x{j}" for j in range(8)]
    # the Rao-Blackwellised mean's Monte Carlo error is at most ~0.02 with 5000 draws here
    assert_allclose(got.values, exact, atol=0.03)
    assert exact.min() < 0.1 and exact.max() > 0.9  # the problem has clear ins and outs
    assert stats.prior_inclusion_probability(br.SpikeAndSlab(SPIKE, SLAB, inclusion_prior=AB)) == 0.4
    assert stats.prior_inclusion_probability(br.SpikeAndSlab(SPIKE, SLAB, inclusion=0.3)) == 0.3
    assert stats.prior_inclusion_probability(br.Laplace(1.0)) is None


def test_inclusion_probability_is_the_mean_of_the_recorded_draws():
    from arviz_base import from_dict

    rng = np.random.default_rng(0)
    pi = rng.random((3, 40, 3))
    dt = from_dict({"posterior": {"coef": rng.standard_normal((3, 40, 3)), "inclusion": pi}},
                   dims={"coef": ["feature"], "inclusion": ["feature"]}, coords={"feature": ["a", "b", "c"]})
    assert stats.has_inclusion(dt)
    assert_allclose(stats.inclusion_probability(dt).values, pi.mean(axis=(0, 1)), rtol=1e-14)
    plain = normal_posterior([0.0, 1.0, 2.0])
    assert not stats.has_inclusion(plain)
    with pytest.raises(KeyError, match="posterior/inclusion"):
        stats.inclusion_probability(plain)


# -------------------------------------------------------------------------- plot
def test_mass_near_zero_plot_marks_the_spike_probability(spike_slab):
    X, y, post, exact = spike_slab
    lap = br.sample_posterior(X, y, br.Laplace(0.5), sigma=SIGMA, draws=300, tune=50, chains=2,
                              random_seed=1, sampler="gibbs", progressbar=False)
    posts = {"SSVS": post, "Laplace": lap}
    fig = plots.mass_near_zero_plot(posts, eps=0.1)
    bars = {lab: [r for r in by_gid(fig, f"posterior/{lab}") if isinstance(r, Rectangle)] for lab in posts}
    marks = one(fig, "exclusion/SSVS")
    # read independently of the stats function: 1 - the mean over chains and draws of the draws
    incl = post["posterior"]["inclusion"].values.reshape(-1, X.shape[1]).mean(axis=0)
    assert_allclose(marks.get_xdata(), 1.0 - incl, rtol=0, atol=1e-14)
    assert_allclose(marks.get_xdata(), 1.0 - exact, atol=0.03)  # and the exact P(γ_j = 0 | y)
    centres = [r.get_y() + r.get_height() / 2 for r in bars["SSVS"]]
    assert_allclose(marks.get_ydata(), centres, atol=1e-12)  # beside the SSVS bar of each row
    assert "P(γ_j = 0 | y)" in marks.get_label()
    # the prior's P(γ = 0) = 1 - a/(a+b), read from the DataTree's attrs
    prior_line = one(fig, "prior-exclusion/SSVS")
    a, b = AB
    assert prior_line.get_xdata()[0] == pytest.approx(1 - a / (a + b))
    assert "prior P(γ = 0) = 0.600" in prior_line.get_label()
    # a posterior without inclusion probabilities gets none
    assert not by_gid(fig, "exclusion/Laplace") and not by_gid(fig, "prior-exclusion/Laplace")
    assert "inclusion" not in lap["posterior"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "SSVS: posterior P(γ_j = 0 | y) (spike)" in legend
    # feature selection keeps the markers on their rows
    sub = plots.mass_near_zero_plot(post, features=["x3", "x1"], eps=0.1)
    label = next(iter({g.split("/", 1)[1] for g in (a.get_gid() for a in sub.findobj()) if g and
                       g.startswith("exclusion/")}))
    assert_allclose(one(sub, f"exclusion/{label}").get_xdata(), 1.0 - incl[[3, 1]], atol=1e-14)
    assert math.isclose(one(sub, f"exclusion/{label}").get_ydata()[1], -1.0)
