r"""One comparison: a prior's MAP against the scikit-learn estimator it converts to.

The measures (:mod:`bayesreg.sklearn_check`): the relative coefficient difference
:math:`\Delta = \max_j |\hat w_{\text{MAP},j} - \hat w_{\text{sk},j}| / (1 + \max_j
|\hat w_{\text{MAP},j}|)`, whether both have the same exact zeros, and the MAP's KKT
residual; the row agrees when :math:`\Delta` and the residual are at most ``tol`` and
the zeros match. The same certificate of scikit-learn's answer is reported beside it
(``sklearn_kkt``): when a row disagrees, it says whether scikit-learn reached its own
optimum.

Likelihood families (``family=``, :data:`bayesreg.families.LIKELIHOOD_FAMILIES`): the twin
is the family's scikit-learn estimator as :func:`bayesreg.convert.to_sklearn` configures it
to reach the exact answer — for the Bernoulli family ``LogisticRegression`` with
``newton-cholesky`` (a Newton method: exact to rounding) for a Gaussian prior, and ``saga``
(the one solver that leaves the intercept unpenalised with an L1 part; ``liblinear``
without an intercept) for Laplace and elastic-net priors, at ``tol=1e-12``; for the
Poisson family ``PoissonRegressor`` with ``newton-cholesky`` (Gaussian prior only:
scikit-learn has no L1 Poisson regression). These families have no noise scale: σ is
refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.families import likelihood_family, prior_family, prior_scale
from bayesreg.priors import Prior

__all__ = ["DEFAULT_TOL", "ValidationRow", "compare_to_sklearn", "sklearn_text"]

#: Default agreement tolerance on the relative coefficient difference and the KKT residual.
DEFAULT_TOL = 1e-8


@dataclass(frozen=True)
class ValidationRow:
    r"""One comparison of a MAP with its scikit-learn equivalent.

    Attributes
    ----------
    prior : str
        ``repr`` of the prior, e.g. ``"Laplace(scale=0.1)"``.
    family : str
        Its prior family's name in :mod:`bayesreg.families`.
    scale : str
        The scale as typed on the command line (``"0.1"`` or ``"B:T"``).
    weights : str
        Name of the sample weighting (``"none"`` without weights).
    sklearn : str
        ``"Ridge"``, ``"Lasso"``, ``"ElasticNet"``, ``"LogisticRegression"`` or
        ``"PoissonRegressor"``.
    sklearn_params : dict
        Its ``alpha`` (and ``l1_ratio``), or LogisticRegression's ``C`` and ``l1_ratio``.
    max_abs_dcoef : float
        :math:`\max_j |\hat w_{\text{MAP},j} - \hat w_{\text{sk},j}|`.
    max_rel_dcoef : float
        ``max_abs_dcoef / (1 + max|coef|)``.
    intercept_diff : float
        Absolute difference of the intercepts.
    zeros_agree : bool
        Both solutions have exactly the same zero coefficients.
    n_nonzero : int
        Non-zero MAP coefficients.
    kkt_residual : float
        The MAP's relative KKT residual.
    agree : bool
        ``max_rel_dcoef <= tol`` and ``zeros_agree`` and ``kkt_residual <= tol``.
    sklearn_kkt : float
        The same certificate of scikit-learn's coefficients (how close *it* got).
    likelihood : str
        The likelihood family (``"gaussian"``, ``"bernoulli"``, ``"poisson"``).
    """

    prior: str
    family: str
    scale: str
    weights: str
    sklearn: str
    sklearn_params: dict[str, float]
    max_abs_dcoef: float
    max_rel_dcoef: float
    intercept_diff: float
    zeros_agree: bool
    n_nonzero: int
    kkt_residual: float
    agree: bool
    sklearn_kkt: float = float("nan")
    likelihood: str = "gaussian"

    @property
    def sklearn_text(self) -> str:
        """``"Lasso(alpha=0.00113)"``."""
        return sklearn_text(self.sklearn, self.sklearn_params)


def sklearn_text(name: str, params: Mapping[str, float]) -> str:
    """A scikit-learn estimator and its penalty as text: ``"Lasso(alpha=0.00113)"``."""
    args = ", ".join(f"{k}={v:.6g}" for k, v in params.items())
    return f"{name}({args})"


def _scale_text(prior: Prior) -> str:
    scale = prior_scale(prior)
    if isinstance(scale, tuple):
        return f"{scale[0]:.6g}:{scale[1]:.6g}"
    return f"{scale:.6g}"


def compare_to_sklearn(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float | None = None,
    family: str = "gaussian",
    sample_weight: Any = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    weights_name: str | None = None,
    scale: str | None = None,
) -> ValidationRow:
    """Fit ``prior``'s MAP and its scikit-learn equivalent on ``(X, y)`` and compare.

    Parameters
    ----------
    X, y, sample_weight
        The data, as for :func:`bayesreg.map_estimate`.
    prior : Prior
        A prior with a fixed penalty (Gaussian, Laplace, ElasticNet).
    sigma : float, optional
        Noise sd σ of the penalty conversion (Gaussian family; default 1). A family without
        a noise scale refuses one.
    family : str, default="gaussian"
        The likelihood family (module docstring).
    tol : float
        Agreement tolerance (module docstring).
    weights_name, scale : str, optional
        Labels for the row; defaults ``"none"``/``"given"`` and the prior's scale.

    Returns
    -------
    ValidationRow
    """
    from bayesreg.convert import to_sklearn
    from bayesreg.map import kkt_certificate, map_estimate

    lik = likelihood_family(family)
    if sigma is None and lik.has_noise_scale:
        sigma = 1.0
    lik.penalty_sigma(sigma)  # a σ for a family without one: the error that says so
    res = map_estimate(
        X, y, prior, sigma=sigma, family=lik.name, fit_intercept=fit_intercept,
        sample_weight=sample_weight,
    )
    sk = to_sklearn(
        prior,
        sigma=sigma,
        n_samples=int(np.shape(y)[0]),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        family=lik.name,
    )
    if "random_state" in sk.get_params():
        sk.set_params(random_state=0)  # saga visits the rows in random order: the same rows every run
    with warnings.catch_warnings():
        # a ConvergenceWarning is reported through the row (it will disagree)
        warnings.simplefilter("ignore")
        sk.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float), sample_weight=sample_weight)
    ours, theirs = res.coef, np.asarray(sk.coef_, dtype=float).ravel()
    sk_intercept = float(np.ravel(sk.intercept_)[0]) if fit_intercept else 0.0
    sk_kkt = float(kkt_certificate(X, y, theirs, prior, sigma=sigma, fit_intercept=fit_intercept,
                                   sample_weight=sample_weight, family=lik.name))
    d_abs = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    d_rel = d_abs / (1.0 + float(np.max(np.abs(ours))))
    zeros = bool(np.array_equal(ours == 0, theirs == 0))
    name, params = res.sklearn_params
    return ValidationRow(
        prior=repr(prior),
        family=prior_family(prior).name,
        scale=_scale_text(prior) if scale is None else scale,
        weights=weights_name or ("none" if sample_weight is None else "given"),
        sklearn=name,
        sklearn_params={k: float(v) for k, v in params.items()},
        max_abs_dcoef=d_abs,
        max_rel_dcoef=d_rel,
        intercept_diff=abs(float(res.intercept) - sk_intercept),
        zeros_agree=zeros,
        n_nonzero=int(np.count_nonzero(ours)),
        kkt_residual=float(res.kkt_residual),
        agree=bool(d_rel <= tol and zeros and res.kkt_residual <= tol),
        sklearn_kkt=sk_kkt,
        likelihood=lik.name,
    )
