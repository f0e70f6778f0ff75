"""Regularisation paths: MAP coefficients along a grid of penalty strengths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg._validation import check_sigma, check_X_y, feature_names
from bayesreg.datafits import GaussianDatafit
from bayesreg.map.kkt import kkt_residual
from bayesreg.map.active_set import workspace
from bayesreg.map.solvers import solve_penalty
from bayesreg.map.ridge import Spectrum, ridge_path
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior, check_prior

__all__ = ["MapPath", "map_path", "default_factors"]


@dataclass
class MapPath:
    r"""MAP coefficients along a path of penalties :math:`f_k \cdot (\lambda_1, \lambda_2)`.

    Points are ordered from the strongest penalty to the weakest.

    Attributes
    ----------
    factors : ndarray of shape (n_points,)
        Multipliers :math:`f_k` applied to the base prior's penalty.
    penalties : list of Penalty
        :math:`(f_k\lambda_1, f_k\lambda_2)` in σ²-units.
    priors : list of Prior
        The prior of the base family at each point (scales shrink as :math:`f_k` grows).
    coefs : ndarray of shape (n_points, n_features)
    intercepts : ndarray of shape (n_points,)
    kkt_residuals : ndarray of shape (n_points,)
    sklearn_name : str
        ``"Ridge"``, ``"Lasso"`` or ``"ElasticNet"``.
    sklearn_alphas : ndarray of shape (n_points,)
        scikit-learn's ``alpha`` at each point (for ``lasso_path(alphas=...)`` etc.).
    l1_ratio : float or None
    sigma : float
        The noise sd the penalties are expressed at.
    fit_intercept : bool
        Whether the path's fits have an (unpenalised) intercept.
    feature_names : ndarray or None
    spectrum : Spectrum or None
        For a Ridge path, the decomposition it was computed from (its exact posterior
        bands reuse it: :func:`bayesreg.stats.ridge_path_bands`).
    """

    factors: np.ndarray
    penalties: list[Penalty]
    priors: list[Prior]
    coefs: np.ndarray
    intercepts: np.ndarray
    kkt_residuals: np.ndarray
    sklearn_name: str
    sklearn_alphas: np.ndarray
    l1_ratio: float | None
    sigma: float
    fit_intercept: bool = True
    feature_names: np.ndarray | None = None
    spectrum: Spectrum | None = field(default=None, repr=False)

    @property
    def n_nonzero(self) -> np.ndarray:
        """Number of non-zero coefficients at each point."""
        return (self.coefs != 0).sum(axis=1)

    @property
    def entry_alphas(self) -> np.ndarray:
        """For each feature, the largest ``sklearn_alphas`` value at which it is non-zero
        (NaN if it never enters)."""
        out = np.full(self.coefs.shape[1], np.nan)
        for j in range(self.coefs.shape[1]):
            nz = np.flatnonzero(self.coefs[:, j] != 0)
            if nz.size:
                out[j] = self.sklearn_alphas[nz[0]]
        return out


def default_factors(lik: GaussianDatafit, base: Penalty, n_points: int, eps: float) -> np.ndarray:
    r"""Geometric grid of multipliers, strongest first.

    With an L1 part it runs, like scikit-learn's ``lasso_path``, from the point where the
    all-zero answer becomes optimal (:math:`f\lambda_1 = \lVert q\rVert_\infty`) down to
    ``eps`` times that. A pure L2 penalty has no such point: the grid is centred on the
    mean eigenvalue :math:`\bar\mu = \operatorname{tr}(Q)/p`, from :math:`\bar\mu/\sqrt{eps}`
    to :math:`\bar\mu\sqrt{eps}`, so it spans shrinkage from nearly total to nearly none.
    """
    if n_points < 2:
        raise ValueError(f"n_points must be >= 2, got {n_points}")
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps}")
    if base.l1 > 0:
        # |q_j| in the original coordinates (an equilibrated datafit holds q_j / d_j)
        top = float(np.abs(lik.q * lik.column_scale).max(initial=0.0)) / base.l1
        if top == 0:
            top = 1.0
        return top * np.geomspace(1.0, eps, n_points)
    mean_eig = float(np.einsum("ij,ij->", lik.A, lik.A)) / lik.n_features
    mean_eig = mean_eig if mean_eig > 0 else 1.0
    return (mean_eig / base.l2) * np.geomspace(eps**-0.5, eps**0.5, n_points)


def map_path(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float,
    factors: Any = None,
    n_points: int = 50,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    progressbar: bool = False,
    check_input: bool = True,
) -> MapPath:
    r"""MAP coefficients for the penalties :math:`f\cdot\mathrm{pen}(\text{prior})` over a grid.

    The family and, for the elastic net, the L1/L2 mix come from ``prior``; the path
    scales its penalty by each factor :math:`f` (scales :math:`b/f`, :math:`\tau/\sqrt f`).
    L1 paths are warm-started point to point; Ridge paths reuse one SVD.

    Parameters
    ----------
    X, y, sigma, fit_intercept, sample_weight
        As in :func:`bayesreg.map_estimate`.
    prior : Prior
        Gaussian, Laplace or ElasticNet; its own scale sets the base penalty.
    factors : array-like, optional
        Multipliers, any order (returned strongest first). Default: :func:`default_factors`.
    n_points, eps : int, float
        Size and depth of the default grid.
    progressbar : bool
        Show a tqdm progress bar.
    check_input : bool, default=True
        Validate the arrays (False: the caller passes validated float64 arrays).

    Returns
    -------
    MapPath
    """
    from bayesreg.convert import prior_from_penalty

    prior = check_prior(prior)
    sigma = check_sigma(sigma)
    if check_input:
        Xa, ya, sw = check_X_y(X, y, sample_weight)
    else:
        Xa, ya, sw = X, y, sample_weight
    if not prior.has_penalty:
        raise ValueError(f"{type(prior).__name__} with a hyperprior has no penalty path")
    # L1 paths are solved in equilibrated coordinates (see solve_penalty); a Ridge path
    # needs the isotropic penalty of the original ones for its single decomposition
    base = prior.penalty(sigma)
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept), equilibrate=base.l1 > 0)
    if factors is None:
        f = default_factors(lik, base, int(n_points), float(eps))
    else:
        f = np.asarray(factors, dtype=float).ravel()
        if f.size == 0 or not np.isfinite(f).all() or (f <= 0).any():
            raise ValueError("factors must be a non-empty array of finite values > 0")
        f = np.sort(f)[::-1]
    pens = [base.scaled(float(fk)) for fk in f]
    p = lik.n_features
    coefs = np.zeros((f.size, p))
    kkts = np.zeros(f.size)
    spectrum = None
    if base.l1 == 0:
        coefs[:], spectrum = ridge_path(lik, np.array([pk.l2 for pk in pens]))
        for k, pk in enumerate(pens):
            kkts[k] = kkt_residual(coefs[k], lik.smooth_gradient(coefs[k], pk.l2), 0.0, lik.q)
    else:
        if lik.n_samples >= lik.n_features:
            lik.gram  # noqa: B018 - like scikit-learn's precompute="auto": one Gram for the path
        ws = workspace(lik)
        w = np.zeros(p)
        iterator = range(f.size)
        if progressbar:
            from tqdm.auto import tqdm

            iterator = tqdm(iterator, desc="MAP path", unit="point")
        for k in iterator:
            out = solve_penalty(lik, pens[k], w0=w, _workspace=ws)
            w = out.coef
            coefs[k] = w
            kkts[k] = out.kkt_residual
    intercepts = np.array([lik.intercept(lik.scaled(c)) for c in coefs])
    name, params0 = base.to_sklearn(lik.weight_sum)
    alphas = np.array([pk.to_sklearn(lik.weight_sum)[1]["alpha"] for pk in pens])
    return MapPath(
        factors=f,
        penalties=pens,
        priors=[prior_from_penalty(pk, sigma) for pk in pens],
        coefs=coefs,
        intercepts=intercepts,
        kkt_residuals=kkts,
        sklearn_name=name,
        sklearn_alphas=alphas,
        l1_ratio=params0.get("l1_ratio"),
        sigma=sigma,
        fit_intercept=lik.fit_intercept,
        feature_names=feature_names(X),
        spectrum=spectrum,
    )
