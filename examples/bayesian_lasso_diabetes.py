# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The Bayesian lasso on the diabetes data (Park & Casella, 2008)
#
# Park & Casella put a Laplace prior on each coefficient, scaled by the noise:
#
# $$w_j \mid \sigma \sim \mathrm{Laplace}(0,\ \sigma/\lambda), \qquad
#   p(w_j \mid \sigma) = \frac{\lambda}{2\sigma} e^{-\lambda |w_j|/\sigma}.$$
#
# With σ fixed, the posterior mode is the Lasso with $\lambda_1 = \sigma\lambda$ in
# bayesreg's σ²-units (scikit-learn `Lasso(alpha=σλ/n)`). The full posterior, however, never
# puts a coefficient exactly at zero: it gives each one a distribution, and the Lasso's
# zeros become posterior mass near zero.
#
# Data: the 442 × 10 diabetes data of Efron et al. (2004), predictors standardised to mean 0
# and unit Euclidean norm (scikit-learn's `load_diabetes` already is), outcome centred by the
# intercept. λ = 0.237 is the paper's marginal-maximum-likelihood value.
#
# Set `BAYESREG_FAST=1` for a quick run (fewer draws), as `make test` does. The script
# `examples/park_casella_diabetes.py` reproduces the paper's section 4 in full (σ with a
# Jeffreys prior, the Gamma hyperprior on λ², the comparison with the matching Lasso).

# %%
import os

import arviz_stats as azs
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso

import bayesreg
from bayesreg import plots, stats
from bayesreg.priors import BayesianLasso, Laplace

FAST = os.environ.get("BAYESREG_FAST") == "1"
DRAWS, TUNE, CHAINS = (400, 400, 2) if FAST else (2000, 1000, 4)

X, y = load_diabetes(return_X_y=True, as_frame=True)
print(X.shape, "column norms:", np.round(np.linalg.norm(X, axis=0), 6)[:3], "...")

# %% [markdown]
# ## The posterior
#
# `bayesreg.sample_posterior` builds the PyMC model (flat intercept, σ learned with a
# weakly-informative half-t prior) and samples it with NUTS.

# %%
LAM = 0.237
post = bayesreg.sample_posterior(X, y, BayesianLasso(lam=LAM), draws=DRAWS, tune=TUNE, chains=CHAINS,
                                 random_seed=2008, progressbar=False)
coef = post["posterior"]["coef"]
sigma_hat = float(post["posterior"]["sigma"].median())
median = coef.median(("chain", "draw")).values
print(f"posterior median sigma = {sigma_hat:.2f}")
print(dict(zip(X.columns, np.round(median, 1))))

# %% [markdown]
# ## Posterior medians against the Lasso
#
# Park & Casella (fig. 2) compare the Bayesian lasso's posterior medians with the Lasso at
# comparable strength. Here the comparison is exact in one direction: with σ fixed at its
# posterior median, the posterior *mode* is `Lasso(alpha=σλ/n)`, which `bayesreg.map_estimate`
# computes exactly and scikit-learn agrees with.

# %%
n = len(y)
laplace_at_sigma = Laplace(scale=sigma_hat / LAM)  # the conditional prior at σ = median
mode = bayesreg.map_estimate(X, y, laplace_at_sigma, sigma=sigma_hat)
sk = Lasso(alpha=sigma_hat * LAM / n, tol=1e-12, max_iter=100_000).fit(X, y)
assert np.allclose(mode.coef, sk.coef_, atol=1e-6 * (1 + np.abs(sk.coef_).max()))
fig = plots.posterior_comparison_plot({"Bayesian lasso": post}, maps={"Bayesian lasso": mode},
                                      sklearn={"Bayesian lasso": sk})

# %% [markdown]
# The posterior medians follow the Lasso closely for the strong predictors (bmi, bp, s5)
# and are pulled towards zero, but not onto it, for the weak ones. The 94% intervals of the
# weak predictors straddle zero.

# %%
ci = stats.posterior_path_bands([LAM], [post], prob=0.94)
strong = [list(X.columns).index(c) for c in ("bmi", "s5")]
assert np.all(ci.lower[0, strong] > 0), "bmi and s5 are clearly positive"
assert np.all(median != 0)
print("predictors whose 94% interval contains 0:",
      [c for j, c in enumerate(X.columns) if ci.lower[0, j] < 0 < ci.upper[0, j]])

# %% [markdown]
# ## Mass near zero
#
# How much posterior mass does each coefficient keep within ±ε of zero, compared with the
# prior? ε defaults to a tenth of the prior standard deviation $\sqrt2\,\sigma/\lambda$
# (`bayesreg.stats.default_eps`).

# %%
priors = {"Bayesian lasso": laplace_at_sigma}
eps = stats.default_eps(priors)
fig = plots.mass_near_zero_plot({"Bayesian lasso": post}, priors, eps=eps)
p0 = stats.posterior_mass_near_zero(post, eps)
print(f"eps = {eps:.2f};", dict(zip(X.columns, np.round(p0.values, 3))))

# %% [markdown]
# ## Prior against posterior, and the sampler's health

# %%
fig = plots.prior_posterior_plot({"Bayesian lasso": post}, priors, features=["age", "bmi", "s3", "s5"],
                                 maps={"Bayesian lasso": mode}, ncols=4)

# %%
pc = plots.trace_plot(post, var_names=["coef", "sigma"])
rhat = float(np.max(azs.rhat(coef).values))
print(f"max R-hat over coefficients: {rhat:.3f}")
assert rhat < 1.05
