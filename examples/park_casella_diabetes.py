"""Park & Casella (2008), "The Bayesian Lasso", section 4: the diabetes data.

Model (their eq. 5 with the intercept integrated out under a flat prior):

    y | β, σ² ~ N(1μ + Xβ, σ² I),  β_j | σ ~ Laplace(0, σ/λ),  p(σ²) ∝ 1/σ²,

with the columns of X centred and scaled to unit L2 norm. First λ = 0.237 (their
marginal-maximum-likelihood value): posterior medians and 95% equal-tailed intervals
beside ordinary least squares and the lasso whose L1 norm equals that of the posterior
median (their Figure 2 compares exactly these). Then λ² ~ Gamma(r=1, rate δ=1.78), and
the posterior of λ.

Run:  python examples/park_casella_diabetes.py
Set BAYESREG_EXAMPLE_DRAWS (default 2000 per chain) for a shorter run.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
from scipy.optimize import brentq
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso, LinearRegression

import bayesreg
from bayesreg.mcmc import SamplingWarning


def load() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Diabetes data, columns centred with unit L2 norm, y centred."""
    data = load_diabetes(scaled=False)
    X = data.data - data.data.mean(axis=0)
    X = X / np.linalg.norm(X, axis=0)
    y = data.target - data.target.mean()
    return X, y, list(data.feature_names)


def lasso_with_l1_norm(X: np.ndarray, y: np.ndarray, l1_norm: float) -> np.ndarray:
    """The lasso solution whose ‖β‖₁ equals ``l1_norm`` (bisection on alpha)."""
    def fit(alpha):
        return Lasso(alpha=alpha, tol=1e-12, max_iter=200_000).fit(X, y).coef_

    alpha = brentq(lambda a: np.abs(fit(a)).sum() - l1_norm, 1e-8, np.abs(X.T @ y).max() / len(y))
    return fit(alpha)


def main() -> None:
    draws = int(os.environ.get("BAYESREG_EXAMPLE_DRAWS", "2000"))
    X, y, names = load()
    common = dict(sigma="jeffreys", draws=draws, tune=max(draws // 2, 300), chains=4, random_seed=2008,
                  progressbar=False)

    with warnings.catch_warnings():
        if draws < 1000:  # a short smoke run: ESS below 400 is expected
            warnings.simplefilter("ignore", SamplingWarning)
        post = bayesreg.sample_posterior(X, y, bayesreg.BayesianLasso(lam=0.237), **common)
    coef = post["posterior"]["coef"].values.reshape(-1, X.shape[1])
    median = np.median(coef, axis=0)
    lo, hi = np.quantile(coef, [0.025, 0.975], axis=0)
    ols = LinearRegression().fit(X, y).coef_
    lasso = lasso_with_l1_norm(X, y, np.abs(median).sum())

    print("Bayesian lasso, lambda = 0.237 (Park & Casella 2008, diabetes data)")
    print(f"{'':>6} {'median':>9} {'2.5%':>9} {'97.5%':>9} {'OLS':>9} {'lasso':>9}")
    for j, name in enumerate(names):
        print(f"{name:>6} {median[j]:9.1f} {lo[j]:9.1f} {hi[j]:9.1f} {ols[j]:9.1f} {lasso[j]:9.1f}")
    print(f"L1 norm of the posterior median = {np.abs(median).sum():.1f} (lasso matched to it)")

    with warnings.catch_warnings():
        if draws < 1000:
            warnings.simplefilter("ignore", SamplingWarning)
        hyper = bayesreg.sample_posterior(X, y, bayesreg.BayesianLasso(lam_prior=(1.0, 1.78)), **common)
    lam = hyper["posterior"]["lam"].values.reshape(-1)
    lam_lo, lam_med, lam_hi = np.quantile(lam, [0.025, 0.5, 0.975])
    print()
    print("Hyperprior lambda^2 ~ Gamma(1, rate 1.78):")
    print(f"posterior of lambda: median {lam_med:.3f}, 95% interval [{lam_lo:.3f}, {lam_hi:.3f}]")


if __name__ == "__main__":
    main()
