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
# # Validate the MAP against scikit-learn on your own data
#
# bayesreg claims that its MAP under a Gaussian, Laplace or elastic-net prior *is*
# scikit-learn's Ridge, Lasso or ElasticNet with
#
# | prior | scikit-learn | conversion ($n$ = sum of sample weights) |
# |---|---|---|
# | `Gaussian(τ)` | `Ridge(alpha)` | $\alpha = \sigma^2/\tau^2$ |
# | `Laplace(b)` | `Lasso(alpha)` | $\alpha = \sigma^2/(n b)$ |
# | `ElasticNet(b, τ)` | `ElasticNet(alpha, l1_ratio)` | $\alpha = (\sigma^2/b + \sigma^2/\tau^2)/n$, $r = (\sigma^2/b)/(n\alpha)$ |
#
# This notebook checks the claim on any table you give it. Point `DATA` at a CSV, TSV,
# Parquet or NPZ file and `TARGET` at the response column (environment variables
# `BAYESREG_DATA` / `BAYESREG_TARGET`, or edit the cell); without them it uses scikit-learn's
# diabetes data.

# %%
import os

import numpy as np
from sklearn.linear_model import Lasso, Ridge, lasso_path

import bayesreg
from bayesreg import plots
from bayesreg.data import load_dataset
from bayesreg.sklearn_check import validate

DATA = os.environ.get("BAYESREG_DATA")  # e.g. "my_table.csv"
TARGET = os.environ.get("BAYESREG_TARGET")  # e.g. "price"
ds = load_dataset(DATA, target=TARGET)
X, y = ds.X, ds.y
print(f"{X.shape[0]} rows, {X.shape[1]} features, target {ds.target!r}: {ds.feature_names}")

# %% [markdown]
# ## 1. One prior, by hand
#
# The noise sd σ only sets the exchange rate between prior scale and penalty; take the
# residual sd of least squares (or any positive number) and a Laplace scale. The
# conversion is written out below, not hidden in a helper.

# %%
n, p = X.shape
Xc, yc = X - X.mean(0), y - y.mean()
resid = yc - Xc @ np.linalg.lstsq(Xc, yc, rcond=None)[0]
sigma = float(np.sqrt(resid @ resid / max(n - p - 1, 1)))
b = 10 * sigma**2 / np.abs(Xc.T @ yc).max()  # a scale at which some coefficients are zero

ours = bayesreg.map_estimate(X, y, bayesreg.Laplace(b), sigma=sigma)
theirs = Lasso(alpha=sigma**2 / (n * b), tol=1e-12, max_iter=200_000).fit(X, y)
print("max |Δcoef| =", np.abs(ours.coef - theirs.coef_).max(), " KKT residual =", ours.kkt_residual)
print("zeros (ours, scikit-learn):", np.flatnonzero(ours.coef == 0), np.flatnonzero(theirs.coef_ == 0))
assert np.allclose(ours.coef, theirs.coef_, atol=1e-6 * (1 + np.abs(theirs.coef_).max()))

tau = 2 * sigma / np.sqrt(np.trace(Xc.T @ Xc) / p)
ridge_ours = bayesreg.map_estimate(X, y, bayesreg.Gaussian(tau), sigma=sigma)
ridge_theirs = Ridge(alpha=sigma**2 / tau**2).fit(X, y)
assert np.allclose(ridge_ours.coef, ridge_theirs.coef_, rtol=1e-8, atol=1e-10)

# %% [markdown]
# ## 2. A whole grid
#
# `bayesreg.sklearn_check.validate` runs every family over a grid of scales spanning the
# data's interesting range (from nearly everything zero to nearly no shrinkage), with and
# without sample weights if the data has them, and tabulates the agreement.

# %%
table = validate(X, y, sigma=sigma, sample_weights=ds.sample_weight)
print(table)
assert table.ok, table.failures

# %% [markdown]
# ## 3. The whole path
#
# `bayesreg.map_path` computes the Lasso path exactly (exact zeros, warm starts).
# scikit-learn's `lasso_path` (no intercept, so centre first) must agree, zeros included.

# %%
path = bayesreg.map_path(X, y, bayesreg.Laplace(1.0), sigma=sigma, n_points=40)
_, sk_coefs, _ = lasso_path(Xc, yc, alphas=path.sklearn_alphas, tol=1e-12, max_iter=200_000)
print("max |Δcoef| along the path:", np.abs(path.coefs - sk_coefs.T).max())
assert np.allclose(path.coefs, sk_coefs.T, atol=1e-6 * (1 + np.abs(sk_coefs).max()))
ridge_path = bayesreg.map_path(X, y, bayesreg.Gaussian(1.0), sigma=sigma, n_points=40)
fig = plots.path_plot({"Ridge": ridge_path, "Lasso": path})
