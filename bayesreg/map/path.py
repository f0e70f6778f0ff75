"""Regularisation paths: MAP coefficients along a grid of penalty strengths."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg._validation import check_bool, check_feature_names, check_X, feature_names
from bayesreg.datafits import GaussianDatafit, SufficientStatistics
from bayesreg.families import likelihood_family
from bayesreg.map._linalg import KKT_TOL, on_one_blas_thread
from bayesreg.map.kkt import kkt_residual
from bayesreg.map._stable import RCOND_MIN, residual_gradient
from bayesreg.map.active_set import residual_certificates, solve_l1_path, workspace
from bayesreg.map.estimate import check_representable
from bayesreg.map.solvers import solve_penalty
from bayesreg.map.ridge import Spectrum, ridge_path
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior, check_prior

__all__ = ["MapPath", "map_path", "default_factors"]


class _Priors(Sequence):
    """The prior at each point of a path, from its penalty, made when first read."""

    def __init__(self, penalties: list[Penalty], sigma: float | None) -> None:
        self._penalties, self._sigma = penalties, sigma
        self._made: dict[int, Prior] = {}

    def __len__(self) -> int:
        return len(self._penalties)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = range(len(self))[k]  # negative indices, and IndexError past the end
        if k not in self._made:
            from bayesreg.convert import prior_from_penalty

            self._made[k] = prior_from_penalty(self._penalties[k], self._sigma)
        return self._made[k]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass
class MapPath:
    r"""MAP coefficients along a path of penalties :math:`f_k \cdot (\lambda_1, \lambda_2)`.

    Points are ordered from the strongest penalty to the weakest.

    Attributes
    ----------
    factors : ndarray of shape (n_points,)
        Multipliers :math:`f_k` applied to the base prior's penalty.
    penalties : list of Penalty
        :math:`(f_k\lambda_1, f_k\lambda_2)` in the likelihood's dispersion units (σ² for
        the Gaussian family, 1 for Bernoulli and Poisson).
    priors : sequence of Prior
        The prior of the base family at each point (scales shrink as :math:`f_k` grows),
        made on first access (a hundred priors cost more than a warm-started path point).
    coefs : ndarray of shape (n_points, n_features)
    intercepts : ndarray of shape (n_points,)
    kkt_residuals : ndarray of shape (n_points,)
    sklearn_name : str or None
        ``"Ridge"``, ``"Lasso"``, ``"ElasticNet"``, ``"LogisticRegression"`` or
        ``"PoissonRegressor"``; None where scikit-learn has no twin (an L1 Poisson path).
    sklearn_alphas : ndarray of shape (n_points,)
        scikit-learn's strength at each point: ``alpha`` (for ``lasso_path(alphas=...)``
        etc.), ``C`` for ``LogisticRegression`` (for ``Cs=``), glmnet's ``lambda`` where
        ``sklearn_name`` is None; for a prior with per-coefficient scales, the multipliers
        :attr:`factors` (scikit-learn has no per-coefficient penalty).
    l1_ratio : float or None
    sigma : float or None
        The noise sd the penalties are expressed at (None for a family without one).
    fit_intercept : bool
        Whether the path's fits have an (unpenalised) intercept.
    feature_names : ndarray or None
    spectrum : Spectrum or None
        For a Ridge path, the decomposition it was computed from (its exact posterior
        bands reuse it: :func:`bayesreg.stats.ridge_path_bands`).
    """

    factors: np.ndarray
    penalties: list[Penalty]
    priors: Sequence[Prior]
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
    family: str = "gaussian"

    def predict(self, X: Any) -> np.ndarray:
        """The linear predictor ``X @ coef + intercept`` at every point, shape (n_points, n).

        A DataFrame's columns are matched to :attr:`feature_names` by name (reordered ones
        aligned; unknown, missing or renamed ones refused: see
        :func:`bayesreg._validation.check_feature_names`).
        """
        Xa = check_X(check_feature_names(X, self.feature_names), n_features=self.coefs.shape[1], accept_sparse=True)
        return np.asarray(Xa @ self.coefs.T).T + self.intercepts[:, None]  # Xa may be sparse

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
    # in the datafit's coordinates (an equilibrated one holds q_j / d_j and unit columns):
    # per-coefficient weights l1_j / d_j, l2_j / d_j**2, unpenalised coefficients left out
    d = lik.column_scale
    if np.any(base.l1 > 0):
        l1 = np.broadcast_to(base.l1 / d, d.shape)
        on = l1 > 0
        top = float((np.abs(lik.q[on]) / l1[on]).max(initial=0.0))
        if top == 0:
            top = 1.0
        return top * np.geomspace(1.0, eps, n_points)
    diag = np.diag(lik.gram) if lik.has_gram else np.einsum("ij,ij->j", lik.A, lik.A)
    l2 = np.broadcast_to((base.l2 / d) / d, d.shape)
    on = l2 > 0
    mean_eig = float(np.mean(diag[on] / l2[on])) if on.any() else 1.0
    mean_eig = mean_eig if mean_eig > 0 else 1.0
    return mean_eig * np.geomspace(eps**-0.5, eps**0.5, n_points)


@on_one_blas_thread
def map_path(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float | None = None,
    family: str = "gaussian",
    factors: Any = None,
    n_points: int = 50,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    offset: Any = None,
    progressbar: bool = False,
    check_input: bool = True,
) -> MapPath:
    r"""MAP coefficients for the penalties :math:`f\cdot\mathrm{pen}(\text{prior})` over a grid.

    The family and, for the elastic net, the L1/L2 mix come from ``prior``; the path
    scales its penalty by each factor :math:`f` (scales :math:`b/f`, :math:`\tau/\sqrt f`).
    L1 paths are warm-started point to point; Ridge paths reuse one SVD. Bernoulli and
    Poisson paths (``family=``, no ``sigma``) are warm-started proximal-Newton solves
    (:mod:`bayesreg.map.prox_newton`), their default grid that of the quadratic model at
    the intercept-only fit.

    Parameters
    ----------
    X, y, sigma, family, fit_intercept, sample_weight, offset
        As in :func:`bayesreg.map_estimate` (also Dask collections, summarised in one
        pass, or a :class:`~bayesreg.SufficientStatistics` with ``y=None``, for the
        Gaussian family).
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
    prior = check_prior(prior)
    fam = likelihood_family(family)
    sigma = fam.penalty_sigma(sigma)
    if not prior.has_penalty:
        raise ValueError(f"{type(prior).__name__} with a hyperprior has no penalty path")
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    # paths are solved in equilibrated coordinates (see solve_penalty); a Ridge path's single
    # decomposition is of the original ones, where they are safe (see _ridge_points)
    base = prior.penalty(sigma)
    if fam.has_noise_scale:
        if offset is not None:
            raise ValueError("offset is for the GLM families; subtract it from y instead")
        lik = GaussianDatafit.from_data(  # arrays, dask collections or SufficientStatistics
            X, y, sample_weight, fit_intercept, check_input=check_input, equilibrate=True
        )
        check_representable(lik)
        model = lik
    else:
        lik = fam.cls.from_data(
            X, y, sample_weight, fit_intercept, check_input=check_input, offset=offset
        )
        zero = np.zeros(lik.n_features)
        model = lik.quadratic(zero, lik.intercept(zero))  # its q is -∇L(0): the same grid
    if factors is None:
        f = default_factors(model, base, int(n_points), float(eps))
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
    if not fam.has_noise_scale:
        _warm_started(lik, pens, coefs, kkts, progressbar, None)
    elif base.kind == "ridge":
        spectrum = _ridge_points(lik, base, pens, coefs, kkts)
    else:
        if lik.n_samples >= lik.n_features:
            lik.gram  # noqa: B018 - like scikit-learn's precompute="auto": one Gram for the path
        if lik.has_gram:
            # solved from the Gram matrix in compiled runs of points (solve_l1_path), then
            # certified all at once: the residual form on the supports' columns, the Gram
            # form with a rounding bound elsewhere (residual_certificates); a point that
            # fails is re-solved by the active-set iterations on residual gradients
            base.for_features(p)
            d = lik.column_scale
            L1 = np.array([np.broadcast_to(pk.l1, (p,)) / d for pk in pens])
            L2 = np.array([np.broadcast_to(pk.l2, (p,)) / d / d for pk in pens])
            with _progress(f.size, progressbar) as bar:
                U = solve_l1_path(lik, L1, L2, progress=bar)
            coefs[:] = U / d
            kkts[:] = residual_certificates(lik, U, L1, L2)
            for k in np.flatnonzero(kkts > KKT_TOL):  # a workspace: not the compiled run again
                out = solve_penalty(lik, pens[k], w0=coefs[k], _workspace=workspace(lik))
                coefs[k], kkts[k] = out.coef, out.kkt_residual
        else:  # one working set and factor for the path
            _warm_started(lik, pens, coefs, kkts, progressbar, np.zeros(p), _workspace=workspace(lik))
    intercepts = np.array([lik.intercept(lik.scaled(c)) for c in coefs])
    if base.per_coefficient:  # no scikit-learn twin, and glmnet's needs a penalty.factor
        name, l1_ratio, alphas = None, None, f.copy()
    else:
        name, l1_ratio, alphas = _sklearn_strengths(base, pens, lik.weight_sum, fam.name)
    return MapPath(
        factors=f,
        penalties=pens,
        priors=_Priors(pens, sigma),
        coefs=coefs,
        intercepts=intercepts,
        kkt_residuals=kkts,
        sklearn_name=name,
        sklearn_alphas=alphas,
        l1_ratio=l1_ratio,
        sigma=sigma if fam.has_noise_scale else None,
        fit_intercept=lik.fit_intercept,
        feature_names=X.feature_names if isinstance(X, SufficientStatistics) else feature_names(X),
        spectrum=spectrum,
        family=fam.name,
    )


def _ridge_points(
    lik: GaussianDatafit, base: Penalty, pens: list[Penalty], coefs: np.ndarray, kkts: np.ndarray
) -> Spectrum | None:
    r"""A Ridge path into ``coefs`` and ``kkts``; returns its :class:`Spectrum` (or None).

    One decomposition of the original coordinates serves every point (:func:`ridge_path`)
    when the penalty is shared and the column norms lie within six decades of each other
    and far from the ends of double precision; points whose system
    :math:`Q + \lambda_2 I` has a condition number above :math:`10^8` (its eigenvalues say
    so) are then re-solved one by one, as is every point otherwise, by the exact
    equilibrated solver (:func:`solve_penalty`, QR on the design where the normal
    equations cannot be trusted). Certificates come from the residual in equilibrated
    coordinates (:mod:`bayesreg.map.kkt`).
    """
    d = lik.column_scale
    todo = np.ones(len(pens), dtype=bool)
    spectrum = None
    safe = bool(np.all((d > 1e-100) & (d < 1e100)) and d.max() <= 1e6 * d.min())
    if not base.per_coefficient and safe:
        l2s = np.array([pk.l2 for pk in pens])
        coefs[:], spectrum = ridge_path(lik, l2s)
        mu = spectrum.values if spectrum.kind == "gram" else spectrum.values**2
        low = float(mu.min(initial=0.0)) if mu.size == lik.n_features else 0.0
        todo = (float(mu.max(initial=0.0)) + l2s) > (low + l2s) / RCOND_MIN
    for k in np.flatnonzero(todo):
        coefs[k] = solve_penalty(lik, pens[k]).coef
    for k, pk in enumerate(pens):
        u = lik.scaled(coefs[k])
        l2u = (pk.l2 / d) / d
        kkts[k] = kkt_residual(u, residual_gradient(lik, u, l2u), 0.0, lik.q)
    return spectrum


def _warm_started(
    lik: Any, pens: list[Penalty], coefs: np.ndarray, kkts: np.ndarray, progressbar: bool,
    w: np.ndarray | None, **kw: Any,
) -> None:
    """Each point into ``coefs`` and ``kkts`` by :func:`solve_penalty`, warm-started from
    the last (the first from ``w``)."""
    with _progress(len(pens), progressbar) as bar:
        for k, pk in enumerate(pens):
            out = solve_penalty(lik, pk, w0=w, **kw)
            w = coefs[k] = out.coef
            kkts[k] = out.kkt_residual
            if bar is not None:
                bar.update()


def _progress(total: int, progressbar: bool) -> Any:
    """A tqdm bar of ``total`` points to advance by hand (a context; None without a bar)."""
    if not progressbar:
        return nullcontext()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="MAP path", unit="point")


def _sklearn_strengths(
    base: Penalty, pens: list[Penalty], S: float, family: str
) -> tuple[str | None, float | None, np.ndarray]:
    """The scikit-learn twin of a path, its ``l1_ratio`` and its strength at each point
    (``alpha``, or ``C`` for LogisticRegression); glmnet's ``lambda`` without a twin."""
    try:
        name, params0 = base.to_sklearn(S, family=family)
    except ValueError:  # no scikit-learn estimator for this family and penalty
        return None, base.to_glmnet(S)[1], np.array([pk.to_glmnet(S)[0] for pk in pens])
    key = "C" if "C" in params0 else "alpha"
    values = np.array([pk.to_sklearn(S, family=family)[1][key] for pk in pens])
    return name, params0.get("l1_ratio"), values
