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
# # Why the Lasso sets coefficients exactly to zero
#
# Ridge is the posterior mode (MAP) under a Gaussian prior, the Lasso under a Laplace
# prior. Both shrink; only the Lasso produces exact zeros. Five views of the same fact,
# each with its picture and each checked by an assertion (this notebook runs in
# `make test`, so the claims cannot rot):
#
# 1. a single coefficient, solved in closed form;
# 2. sparse versus dense vectors under the two norms;
# 3. the geometry of the constrained problem;
# 4. the priors' shapes;
# 5. the penalties' gradients.

# %%
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso

import bayesreg
from bayesreg import plots, stats
from bayesreg.penalty import Penalty

# %% [markdown]
# ## 1. One coefficient
#
# Data $y_i = w x_i + \text{noise}$ with true $w = 0.5$. With $c = \sum x_i y_i$ and
# $s = \sum x_i^2$, the penalised minimisers are
#
# $$\hat w_{L1} = \operatorname{sign}(c)\,(|c| - \lambda)_+ / s, \qquad
#   \hat w_{L2} = c / (s + \lambda).$$
#
# The L1 penalty's kink at 0 has a subgradient $[-\lambda, \lambda]$: once $\lambda \ge |c|$
# it absorbs the data's pull and the minimum sits *exactly* at 0. The L2 minimum only
# approaches 0.

# %%
problem = stats.OneCoefficient.simulate(w=0.5, n=50, noise=0.5, random_state=0)
thr = problem.l1_threshold
fig = plots.one_coefficient_plot(problem, lams=[0.5 * thr, 1.5 * thr])

# %%
assert problem.minimiser(Penalty(l1=1.5 * thr)) == 0.0
assert problem.minimiser(Penalty(l2=1.5 * thr)) > 0.0
print(f"threshold |Σxy| = {thr:.3f}; L1 minimum at 1.5×: 0.0; "
      f"L2 minimum at 1.5×: {problem.minimiser(Penalty(l2=1.5 * thr)):.3f}")

# %% [markdown]
# ## 2. Sparse versus dense
#
# Two vectors with the same Euclidean length: sparse $(1, 0)$ and dense
# $(1/\sqrt2, 1/\sqrt2)$. The L2 norm cannot tell them apart; the L1 norm charges the dense
# one $\sqrt2$ times more. An L1 penalty therefore prefers to spend its budget on few
# coefficients.

# %%
sparse, dense = np.array([1.0, 0.0]), np.array([1.0, 1.0]) / np.sqrt(2)
for name, v in (("sparse", sparse), ("dense", dense)):
    print(f"{name:6s} L1 = {np.abs(v).sum():.3f}   L2 = {np.linalg.norm(v):.3f}")
assert np.isclose(np.linalg.norm(sparse), np.linalg.norm(dense))
assert np.abs(dense).sum() > np.abs(sparse).sum()

# %% [markdown]
# ## 3. Geometry
#
# The penalised problem equals least squares inside a ball $\lVert w\rVert \le t$. On two
# standardised diabetes predictors (body-mass index and blood pressure) the elliptical loss
# contours first touch the L1 diamond at a corner, where blood pressure is exactly 0;
# they touch the L2 disc of the same radius at a point with both coefficients non-zero.

# %%
X, y = load_diabetes(return_X_y=True, as_frame=True)
X = (X - X.mean()) / X.std(ddof=0)
geo = stats.geometry_contacts(X[["bmi", "bp"]], y)
fig = plots.geometry_plot(geo)
print("L1 contact:", geo.lasso, " L2 contact:", geo.ridge)

# %%
assert np.count_nonzero(geo.lasso == 0) == 1 and np.all(geo.ridge != 0)
sk = Lasso(alpha=geo.penalties["lasso"].l1 / len(y), tol=1e-12, max_iter=100_000).fit(X[["bmi", "bp"]], y)
assert np.allclose(sk.coef_, geo.lasso, atol=1e-8)

# %% [markdown]
# ## 4. The priors
#
# At matched variance the Laplace density has a sharp peak at 0 ($\sqrt{\pi}$ times
# the Gaussian's height) and heavier tails. Its log density is a tent,
# $-|w|/b$, so the penalty $\sigma^2 |w|/b$ has a kink at 0; the Gaussian's is a smooth
# parabola. The regularised horseshoe goes further: a pole at 0 and heavy tails.

# %%
fig = plots.priors_plot(variance=1.0)
pri = stats.matched_variance_priors(1.0)
ratio = np.exp(pri["Laplace"].logpdf(0.0) - pri["Gaussian"].logpdf(0.0))
assert np.isclose(ratio, np.sqrt(np.pi))
eps = stats.default_eps(pri)
assert pri["Laplace"].mass_near_zero(eps) > pri["Gaussian"].mass_near_zero(eps)

# %% [markdown]
# ## 5. Gradients
#
# The force a penalty exerts towards 0 is its derivative: $\lambda w$ for the L2 penalty,
# which fades as $w \to 0$, so a small coefficient is barely pushed; $\lambda\,\mathrm{sign}(w)$
# for the L1 penalty, which stays at full strength all the way to 0. That constant push is
# what pins weak coefficients at exactly zero. In prior terms, it is
# $-\sigma^2\,\frac{d}{dw}\log p(w)$.

# %%
import matplotlib.pyplot as plt

w = np.linspace(-2, 2, 401)
sigma = 1.0
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
for label, prior in pri.items():
    force = -sigma**2 * prior.grad_logpdf(w)
    ax.plot(w, force, label=f"{label}: −σ² d/dw log p(w)", color=plots._style.color_for(label))
ax.axhline(0, color="0.5", lw=0.6)
ax.set_xlabel("w")
ax.set_ylabel("pull towards 0")
ax.legend(frameon=False)
ax.set_title("Penalty gradients at matched variance")

# %%
small = 1e-6
lap, gau = pri["Laplace"], pri["Gaussian"]
assert np.isclose(-lap.grad_logpdf(small), 1 / lap.scale)  # full strength near 0
assert abs(gau.grad_logpdf(small)) < 1e-5  # fades to nothing

# %% [markdown]
# ## The same story on all ten predictors
#
# Along the regularisation path the Lasso coefficients leave zero one by one; the Ridge
# coefficients are never zero. `bayesreg.map_path` computes the exact MAP path
# (warm-started), and its zeros are scikit-learn's.

# %%
sigma = 54.0
paths = {"Ridge": bayesreg.map_path(X, y, bayesreg.Gaussian(1.0), sigma=sigma),
         "Lasso": bayesreg.map_path(X, y, bayesreg.Laplace(1.0), sigma=sigma)}
fig = plots.path_plot(paths)
print("non-zero Lasso coefficients along the path:", paths["Lasso"].n_nonzero)
assert (paths["Ridge"].coefs != 0).all()
assert paths["Lasso"].n_nonzero[0] == 0 and paths["Lasso"].n_nonzero[-1] == 10
