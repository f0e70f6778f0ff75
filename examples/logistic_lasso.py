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
# # L1 logistic regression is a Laplace-prior MAP — and what its posterior adds
#
# scikit-learn's `LogisticRegression(C=b, l1_ratio=1)` minimises
#
# $$C\sum_i \big[\log(1 + e^{\eta_i}) - y_i\eta_i\big] + \lVert w\rVert_1,
#   \qquad \eta_i = b_0 + x_i^\top w .$$
#
# Dividing by $C$ gives the negative log posterior of a logistic likelihood with independent
# Laplace priors $p(w_j) \propto e^{-|w_j|/b}$ and $b = C$ (a flat prior on the intercept
# $b_0$): the L1 estimate is that posterior's **mode**. This notebook
#
# 1. computes the mode exactly with `bayesreg.map_estimate(..., family="logistic")` and
#    checks it against scikit-learn;
# 2. draws the L1 path (exact zeros, warm-started);
# 3. samples the **posterior** of the same model with NUTS;
# 4. shows what the posterior says that the point estimate does not: coefficients the
#    mode sets to exactly zero are not "zero" to the posterior, and a predicted probability
#    has an uncertainty.
#
# It runs in `make test` (`BAYESREG_FAST=1`: fewer draws), so every claim is an assertion.

# %%
import os

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import bayesreg
from bayesreg import plots, stats

FAST = os.environ.get("BAYESREG_FAST") == "1"
DRAWS, TUNE, CHAINS = (400, 400, 2) if FAST else (2000, 1000, 4)

# %% [markdown]
# ## Data
#
# The Wisconsin breast-cancer data bundled with scikit-learn: 569 tumours, here the eight
# "mean" measurements that are not near-copies of each other (radius, perimeter and area
# are 0.99-correlated; radius stands for the three), standardised. The target is the
# diagnosis, given as its two labels: the larger one in sorted order, "malignant", is
# coded 1.

# %%
data = load_breast_cancer(as_frame=True)
cols = ["mean radius", "mean texture", "mean smoothness", "mean compactness",
        "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension"]
X = StandardScaler().set_output(transform="pandas").fit_transform(data.data[cols])
X.columns = [c.removeprefix("mean ") for c in cols]
diagnosis = data.target_names[data.target]  # "malignant" / "benign"
print(X.shape, dict(zip(*np.unique(diagnosis, return_counts=True))))

# %% [markdown]
# ## The mode, exactly
#
# With Laplace scale $b = 0.05$ the MAP is `LogisticRegression(C=0.05, l1_ratio=1)`. Its
# unpenalised intercept needs the `saga` solver (liblinear would penalise the intercept);
# `result.sklearn_estimator` is that configured estimator. The proximal-Newton solver
# returns exact zeros and a certificate of optimality on the true objective.

# %%
b = 0.05
prior = bayesreg.Laplace(b)
mode = bayesreg.map_estimate(X, diagnosis, prior, family="logistic")
print(mode.sklearn_estimator)
sk = LogisticRegression(C=b, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=100_000)
sk.fit(X, diagnosis)
print("MAP:", dict(zip(X.columns, np.round(mode.coef, 3))))
print(f"KKT residual {mode.kkt_residual:.1e}; max |MAP - sklearn| = {np.abs(mode.coef - sk.coef_[0]).max():.1e}")
assert mode.kkt_residual < 1e-10
assert np.abs(mode.coef - sk.coef_[0]).max() < 1e-6
assert np.array_equal(mode.coef != 0, sk.coef_[0] != 0)
zeros = [c for c, w in zip(X.columns, mode.coef) if w == 0]
assert len(zeros) >= 3
print("exactly zero at the mode:", zeros)

# %% [markdown]
# ## The L1 path
#
# `map_path` scales the penalty from $\lambda_{\max}$ (where every coefficient is zero)
# down, warm-starting each point from the last. Features enter one by one; each point is
# an exact MAP.

# %%
path = bayesreg.map_path(X, diagnosis, bayesreg.Laplace(1.0), family="logistic", n_points=40)
assert np.all(path.kkt_residuals < 1e-10) and np.all(path.coefs[0] == 0)
fig = plots.path_plot({"L1 logistic": path}, mark={"L1 logistic": prior.penalty(1.0).l1})
first = [np.flatnonzero(path.coefs[:, j])[0] if path.coefs[:, j].any() else path.coefs.shape[0]
         for j in range(X.shape[1])]
print("order of entry:", [X.columns[j] for j in np.argsort(first, kind="stable")])
assert X.columns[np.argmin(first)] == "concave points"

# %% [markdown]
# ## The posterior of the same model
#
# `sample_posterior(..., family="logistic")` builds the same likelihood and prior in PyMC
# (the rows in `pm.Data`, an $O(np)$ gradient; no noise scale) and samples it with NUTS.
# The mode above is this posterior's mode.

# %%
post = bayesreg.sample_posterior(X, diagnosis, prior, family="logistic", draws=DRAWS, tune=TUNE,
                                 chains=CHAINS, random_seed=12, progressbar=False)
coef = post["posterior"]["coef"]
fig = plots.posterior_comparison_plot({"Laplace prior": post}, maps={"Laplace prior": mode},
                                      sklearn={"Laplace prior": sk})

# %% [markdown]
# ## What the posterior says that the mode does not
#
# **Zeros are not zero.** Under a continuous prior the posterior puts probability 0 on
# $w_j = 0$ exactly: the mode's zeros say that the data do not pull hard enough to leave
# the prior's kink, not that the effect is absent. The posterior keeps a whole range of
# values for those coefficients, of either sign, as the table of $P(w_j > 0)$ shows; for
# the strong predictors it is (nearly) 0 or 1.

# %%
p_pos = (coef > 0).mean(("chain", "draw")).to_series()
lo, hi = coef.quantile([0.03, 0.97], dim=("chain", "draw")).values
for j, c in enumerate(X.columns):
    print(f"{c:18s} MAP {mode.coef[j]:+.3f}   94% [{lo[j]:+.3f}, {hi[j]:+.3f}]   P(w>0) = {p_pos[c]:.2f}")
for c in zeros:
    j = list(X.columns).index(c)
    assert lo[j] < 0 < hi[j], c  # an interval around the mode's zero, not a point
assert p_pos["concave points"] > 0.99 and p_pos["radius"] > 0.99  # malignant: larger, more concave

# %% [markdown]
# **How much mass stays near zero.** Against the prior, the posterior mass within ±ε of
# zero shows which coefficients the data moved away from zero and which they left where the
# prior put them.

# %%
priors = {"Laplace prior": prior}
eps = stats.default_eps(priors)
fig = plots.mass_near_zero_plot({"Laplace prior": post}, priors, eps=eps)
p0 = stats.posterior_mass_near_zero(post, eps)
print(f"eps = {eps:.3f}", dict(zip(X.columns, np.round(p0.values, 3))))
assert p0.sel(feature="concave points") < 0.01

# %% [markdown]
# **A probability has an uncertainty.** The mode gives each tumour one probability of
# malignancy; the posterior gives a distribution. For the tumours the mode finds most
# ambiguous the 94% interval of $P(\text{malignant})$ is wide: the decision there rests on
# the coefficients' uncertainty, which a point estimate hides.

# %%
p_mode = 1 / (1 + np.exp(-mode.predict(X)))
borderline = np.argsort(np.abs(p_mode - 0.5))[:5]
pred = bayesreg.predict_posterior(post, X.iloc[borderline], prob=0.94)
for i, k in enumerate(borderline):
    print(f"tumour {k:3d} ({diagnosis[k]:9s}): mode {p_mode[k]:.2f}, posterior mean {pred.mean[i]:.2f}, "
          f"94% [{pred.lower[i]:.2f}, {pred.upper[i]:.2f}]")
assert np.all(pred.upper - pred.lower > 0.1)
