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
# # Choosing the prior scale
#
# A Gaussian prior of scale τ is Ridge with λ = σ²/τ²; a Laplace prior of scale b is the
# Lasso with λ = σ²/b. So "which λ?" and "which τ?" are one question, and three tools
# answer it in three vocabularies:
#
# 1. **cross-validation** picks the penalty that predicts held-out rows best (scikit-learn's
#    `LassoCV`/`RidgeCV`; glmnet adds the *one-standard-error rule*: the strongest
#    penalty whose error is within one standard error of the minimum);
# 2. **empirical Bayes** picks the scale that makes the observed data most probable, the
#    maximum of the marginal likelihood (scikit-learn's `BayesianRidge` for the Gaussian
#    prior; Park & Casella's Monte Carlo EM for the Laplace prior);
# 3. **a hyperprior** does not pick at all: it puts a prior on the scale and lets the
#    posterior say how sure the data are about it.
#
# bayesreg owns the conversions between penalties and prior scales, so it can put all
# three on one axis. The data are Park & Casella's: the diabetes data, standardised.

# %%
import os

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoCV

import bayesreg
from bayesreg import plots

FAST = os.environ.get("BAYESREG_FAST") == "1"
data = load_diabetes(scaled=True, as_frame=True)
X, y = data.data, data.target.to_numpy()

# %% [markdown]
# ## The Gaussian prior: cross-validation against the exact marginal likelihood
#
# For the Gaussian prior the marginal likelihood is a closed form, maximised over (τ, σ)
# together. `scale_choices` cross-validates the same family on a grid around it, and
# converts every penalty to a prior scale at one σ (the empirical-Bayes σ̂).

# %%
gauss = bayesreg.scale_choices(X, y, "gaussian", cv=5)
for name in gauss.choices:
    c = gauss.choice(name)
    print(f"{name:16s} tau = {c['scale']:8.3f}   Ridge alpha = {c['alpha']:.4g}")
plots.scale_choice_plot(gauss)

# %% [markdown]
# The CV curve is flat near its minimum, so the one-SE rule moves to a clearly smaller
# scale (more shrinkage) at almost no cost in predictive error; the marginal likelihood,
# which judges the prior as a description of the coefficients rather than of held-out
# predictions, lands in between. The cross-validated α is scikit-learn's own:

# %%
from sklearn.linear_model import RidgeCV

cv_alphas = gauss.cv_alphas
ridge = RidgeCV(alphas=cv_alphas, cv=5, scoring="neg_mean_squared_error").fit(X, y)
assert np.isclose(ridge.alpha_, gauss.choice("cv_min")["alpha"], rtol=1e-10)

# %% [markdown]
# ## The Laplace prior: Monte Carlo EM and the Bayesian lasso's hyperprior
#
# For the Laplace prior the marginal likelihood has no closed form; Park & Casella
# maximise it by Monte Carlo EM, alternating Gibbs sampling with the update
# λ² ← 2p / Σ E[τ_j²]. On these data they report λ = 0.237; in prior-scale units that
# is b = σ/λ. Their other answer is a Gamma(1, 1.78) hyperprior on λ²: its posterior,
# turned into draws of b = σ/λ, is the histogram.

# %%
lap = bayesreg.scale_choices(X, y, "laplace", cv=5, eb_options={"random_seed": 1})
lam_mcem = lap.sigma / lap.choice("empirical_bayes")["scale"]
print(f"MCEM: lambda = {lam_mcem:.3f}  (Park & Casella: 0.237)")
assert 0.215 < lam_mcem < 0.26

draws = 300 if FAST else 1000
post = bayesreg.sample_posterior(
    X, y, bayesreg.BayesianLasso(lam_prior=(1.0, 1.78)), sampler="gibbs",
    draws=draws, tune=draws // 2, chains=2, random_seed=2, progressbar=False,
)
b_draws = bayesreg.tuning.laplace_scale_draws(post)
print(f"hyperprior: median b = {np.median(b_draws):.1f}, "
      f"90% interval [{np.quantile(b_draws, 0.05):.1f}, {np.quantile(b_draws, 0.95):.1f}]")
plots.scale_choice_plot(lap, scale_draws=b_draws,
                        scale_draws_label="b = σ/λ, Gamma(1, 1.78) hyperprior on λ²")

# %% [markdown]
# Cross-validation wants almost no shrinkage here (the CV minimum sits where the curve
# is flattest, at a large b), the one-SE rule zeros several coefficients, and the
# marginal likelihood and the hyperprior's posterior agree with each other: the data
# pin the scale down to within a factor of about two. The cross-validated choice is
# scikit-learn's `LassoCV` with the same folds and grid:

# %%
lcv = LassoCV(alphas=lap.cv_alphas, cv=5).fit(X, y)
assert np.isclose(lcv.alpha_, lap.choice("cv_min")["alpha"], rtol=1e-10)
zeros = {name: int((lap.choice(name)["coef"] == 0).sum()) for name in lap.choices}
print("exact zeros at each choice:", zeros)
