r"""Credible bands along a regularisation path: a Bayesian regularisation path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from bayesreg.map import MapPath
    from bayesreg.map.ridge import Spectrum

__all__ = ["PathBands", "path_lambdas", "ridge_path_bands", "posterior_path_bands"]


@dataclass(frozen=True)
class PathBands:
    r"""Central credible intervals of the coefficients at points of a path.

    Attributes
    ----------
    lam : ndarray of shape (n_points,)
        Penalty strength :math:`\lambda` (the path's x-axis, :func:`path_lambdas`) at each point.
    lower, upper : ndarray of shape (n_points, n_features)
    prob : float
        Probability mass of each interval.
    """

    lam: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    prob: float


def path_lambdas(path: MapPath) -> np.ndarray:
    r"""The path's x-axis, chosen by the kind of its penalty (:attr:`Penalty.kind
    <bayesreg.penalty.Penalty.kind>`): :math:`\lambda_2` for a pure L2 penalty (a Gaussian
    prior, whatever the likelihood), :math:`\lambda_1` for an L1 or elastic-net one, in the
    likelihood's dispersion units (:math:`\sigma^2` for the Gaussian family, 1 for Bernoulli
    and Poisson). Its label is :func:`bayesreg.families.path_axis_label`."""
    if path.penalties[0].kind == "ridge":
        return np.array([p.l2 for p in path.penalties])
    return np.array([p.l1 for p in path.penalties])


def _check_prob(prob: float | None) -> float:
    from bayesreg import settings

    return settings.ci_prob(prob)


#: KKT residual of the path's coefficients on the data given to ``ridge_path_bands`` below
#: which (or below 100 times the path's own) the data count as the path's
_SAME_DATA_TOL = 1e-6


def _spectrum_from_data(path: MapPath, X: Any, y: Any, sample_weight: Any) -> Spectrum:
    """The path's spectrum, after checking that ``X, y, sample_weight`` are its data.

    The check is that the path's coefficients solve the Ridge problem of these data
    (their KKT residual, one gradient per point); the decomposition is recomputed only
    for a path that does not carry one.
    """
    from bayesreg.datafits import GaussianDatafit
    from bayesreg.map.kkt import kkt_residual
    from bayesreg.map.ridge import ridge_path

    if X is None or y is None:
        raise ValueError("pass both X and y (the data the path was fitted to), or neither")
    lik = GaussianDatafit.from_data(X, y, sample_weight, path.fit_intercept)
    if lik.n_features != path.coefs.shape[1]:
        raise ValueError("X does not have the path's number of features")
    residuals = [
        kkt_residual(w, lik.smooth_gradient(w, pen.l2), 0.0, lik.q)
        for w, pen in zip(path.coefs, path.penalties)
    ]
    tol = max(_SAME_DATA_TOL, 100.0 * float(np.max(path.kkt_residuals)))
    if max(residuals) > tol:
        raise ValueError(
            "X, y and sample_weight are not the data of this path: its coefficients do not "
            f"solve their Ridge problem (KKT residual {max(residuals):.3g})"
        )
    if path.spectrum is not None:
        return path.spectrum
    return ridge_path(lik, path_lambdas(path))[1]


def ridge_path_bands(
    path: MapPath, X: Any = None, y: Any = None, *, prob: float | None = None, sample_weight: Any = None
) -> PathBands:
    r"""Exact credible bands along a Ridge path (Gaussian prior, known σ).

    With a flat prior on the intercept (when the path has one), the posterior of
    :math:`w` is Gaussian,

    .. math::

        w \mid y \sim \mathcal N\!\bigl(\hat w_\lambda,\;
        \sigma^2 (X_c^\top S X_c + \lambda_2 I)^{-1}\bigr),

    :math:`S = \operatorname{diag}(s_i)` the sample weights, :math:`X_c` the design
    centred at its weighted column means (``fit_intercept=True``) or :math:`X` itself
    (``fit_intercept=False``), and :math:`\hat w_\lambda` the Ridge/MAP solution; the band
    is :math:`\hat w_{\lambda,j} \pm z_{(1+p)/2}\,\mathrm{sd}_j`. The variances
    :math:`\operatorname{diag}\big((X_c^\top S X_c + \lambda_2 I)^{-1}\big)` come from the
    decomposition the path was computed from (:attr:`MapPath.spectrum
    <bayesreg.map.MapPath.spectrum>`), for every λ at once.

    Parameters
    ----------
    path : MapPath
        A Ridge path from :func:`bayesreg.map_path`.
    X, y, sample_weight : array-like, optional
        The data the path was fitted to. Not needed (the path carries its spectrum);
        when given they are checked to be the path's data.
    prob : float, optional
        Probability mass of each band; default :data:`bayesreg.settings.CI_PROB`.
    """
    from scipy.stats import norm

    prob = _check_prob(prob)
    if path.family != "gaussian":
        raise ValueError(
            f"ridge_path_bands needs a Gaussian-likelihood path: under the {path.family} likelihood "
            "the posterior is not Gaussian (use posterior_path_bands with posterior draws)"
        )
    if path.penalties[0].kind != "ridge":
        raise ValueError(f"ridge_path_bands needs a Ridge (Gaussian-prior) path, got {path.sklearn_name}")
    if X is None and y is None and sample_weight is None:
        spectrum = path.spectrum
        if spectrum is None:
            raise ValueError("this path carries no spectrum: pass the X and y it was fitted to")
    else:
        spectrum = _spectrum_from_data(path, X, y, sample_weight)
    lams = path_lambdas(path)
    sd = path.sigma * np.sqrt(spectrum.inverse_diagonal(lams))
    z = float(norm.ppf(0.5 + prob / 2))
    return PathBands(lam=lams, lower=path.coefs - z * sd, upper=path.coefs + z * sd, prob=prob)


def posterior_path_bands(
    lams: Sequence[float], posteriors: Sequence[Any], *, prob: float | None = None, var_name: str = "coef"
) -> PathBands:
    r"""Equal-tailed credible intervals (:func:`arviz_stats.eti`) of posteriors sampled at
    points :math:`\lambda_k` of a path: the Bayesian regularisation path of a prior whose
    posterior has no closed form (the Laplace)."""
    import arviz_stats as azs

    prob = _check_prob(prob)
    if len(lams) != len(posteriors) or not len(lams):
        raise ValueError("lams and posteriors must be non-empty and of equal length")
    lo, hi = [], []
    for dt in posteriors:
        ci = azs.eti(dt["posterior"][var_name], prob=prob)
        lo.append(ci.sel(ci_bound="lower").values)
        hi.append(ci.sel(ci_bound="upper").values)
    return PathBands(lam=np.asarray(lams, dtype=float), lower=np.array(lo), upper=np.array(hi), prob=prob)
