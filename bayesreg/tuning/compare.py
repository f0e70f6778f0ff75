r"""Every choice of the prior scale on one axis: the numbers behind the "which τ?" figure.

:func:`scale_choices` cross-validates (:mod:`bayesreg.tuning.cv`), maximises the marginal
likelihood (:mod:`bayesreg.tuning.empirical_bayes`) and computes the MAP at each choice,
all on one prior-scale axis; a plot only lays out the :class:`ScaleChoices` it returns.

A penalty is a ratio (ridge: :math:`\lambda_2 = \sigma^2/\tau^2`; lasso:
:math:`\lambda_1 = \sigma^2/b`), so putting a cross-validated penalty on a prior-scale
axis needs a σ. One σ serves the whole axis: the one given, else the empirical-Bayes σ
(σ̂ of the closed form, so that the marginal-likelihood maximum sits at its own τ̂; the
posterior mean of σ under Monte Carlo EM), else the σ estimated from the
cross-validated refit (:func:`bayesreg.tuning.cv.refit_sigma`). The MAP coefficients
at a choice depend on its penalty only, not on that σ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg._validation import check_sigma, check_X_y, feature_names
from bayesreg.convert import prior_from_penalty
from bayesreg.datafits import GaussianDatafit
from bayesreg.map import map_estimate
from bayesreg.penalty import Penalty
from bayesreg.tuning.cv import LassoMAPCV, RidgeMAPCV
from bayesreg.tuning.empirical_bayes import EmpiricalBayesResult, empirical_bayes

__all__ = ["ScaleChoices", "scale_choices", "laplace_scale_draws"]

#: the one-scale families, their cross-validating estimator and the name of their scale
_CV = {"gaussian": (RidgeMAPCV, "tau"), "laplace": (LassoMAPCV, "b")}


@dataclass(frozen=True)
class ScaleChoices:
    r"""Cross-validation and empirical Bayes on one prior-scale axis.

    Attributes
    ----------
    prior_family : str
        ``"gaussian"`` (scale τ) or ``"laplace"`` (scale b).
    scale_name : str
        ``"tau"`` or ``"b"``.
    sigma : float
        The σ that turns penalties into prior scales on the axis.
    sigma_source : str
        ``"user"``, ``"empirical_bayes"`` or ``"cv_refit"``.
    cv_alphas : ndarray of shape (n_alphas,)
        The cross-validated grid, as scikit-learn's ``alpha``.
    cv_scales : ndarray of shape (n_alphas,)
        The same grid as prior scales at ``sigma``.
    cv_error, cv_se : ndarray of shape (n_alphas,)
        Mean CV error (test MSE) and its standard error over the splits at each point.
    ml_scales, ml_curve : ndarray of shape (n_alphas,) or None
        The log marginal likelihood, σ profiled out, at the prior scales ``cv_scales``
        (Gaussian prior only: Monte Carlo EM never evaluates it).
    ml_value : float or None
        Its maximum over (scale, σ).
    choices : tuple of str
        ``"cv_min"``, ``"cv_1se"`` and, when available, ``"empirical_bayes"``.
    choice_alphas, choice_scales : ndarray of shape (n_choices,)
        Each choice as scikit-learn's ``alpha`` and as a prior scale (the empirical-Bayes
        choice at its own σ̂, the others at ``sigma``).
    coefs : ndarray of shape (n_choices, n_features)
        The MAP coefficients at each choice.
    intercepts : ndarray of shape (n_choices,)
    empirical_bayes : EmpiricalBayesResult or None
    feature_names : ndarray or None
    """

    prior_family: str
    scale_name: str
    sigma: float
    sigma_source: str
    cv_alphas: np.ndarray
    cv_scales: np.ndarray
    cv_error: np.ndarray
    cv_se: np.ndarray
    ml_scales: np.ndarray | None
    ml_curve: np.ndarray | None
    ml_value: float | None
    choices: tuple[str, ...]
    choice_alphas: np.ndarray
    choice_scales: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    empirical_bayes: EmpiricalBayesResult | None = None
    feature_names: np.ndarray | None = None

    def choice(self, name: str) -> dict[str, Any]:
        """One choice: its ``alpha``, prior ``scale``, ``coef`` and ``intercept``."""
        k = self.choices.index(name)
        return {
            "alpha": float(self.choice_alphas[k]), "scale": float(self.choice_scales[k]),
            "coef": self.coefs[k], "intercept": float(self.intercepts[k]),
        }


def scale_choices(
    X: Any,
    y: Any,
    prior_family: Any = "gaussian",
    *,
    cv: Any = 5,
    alphas: Any = None,
    n_alphas: int = 61,
    sigma: float | None = None,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    groups: Any = None,
    with_empirical_bayes: bool = True,
    eb_options: dict[str, Any] | None = None,
) -> ScaleChoices:
    r"""Cross-validated (minimum and 1-SE) and empirical-Bayes prior scales, side by side.

    Parameters
    ----------
    X, y, fit_intercept, sample_weight
        As in :func:`bayesreg.map_estimate`.
    prior_family : str or Prior, default="gaussian"
        A one-scale family: ``"gaussian"`` (ridge, :class:`RidgeMAPCV`) or ``"laplace"``
        (lasso, :class:`LassoMAPCV`).
    cv : int, splitter or None, default=5
        The cross-validation (``None``: ridge's exact leave-one-out, the lasso's 5-fold).
        The score is the weighted test MSE.
    alphas : array-like, optional
        scikit-learn ``alpha`` grid. Default: the lasso's automatic grid of ``n_alphas``
        points; for ridge ``n_alphas`` points from :math:`10^3` to :math:`10^{-3}` times the
        empirical-Bayes :math:`\hat\sigma^2/\hat\tau^2`.
    n_alphas : int, default=61
    sigma : float, optional
        The σ of the axis (see :mod:`bayesreg.tuning.compare`).
    groups : array-like, optional
        Group labels for the splitter.
    with_empirical_bayes : bool, default=True
        Also fit the scale by :func:`bayesreg.empirical_bayes` (closed form for the Gaussian
        prior; Monte Carlo EM, seconds and random, for the Laplace prior).
    eb_options : dict, optional
        Options for :func:`bayesreg.empirical_bayes` (``random_seed``, ``n_iter``, ...).

    Returns
    -------
    ScaleChoices
    """
    from bayesreg.families import prior_family as lookup

    family = lookup(prior_family).name
    if family not in _CV:
        raise ValueError(
            f"scale_choices puts one scale on one axis: the family must be one of "
            f"{', '.join(_CV)}, got {family!r}"
        )
    estimator, scale_name = _CV[family]
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept))
    S = lik.weight_sum
    eb = None
    if with_empirical_bayes:
        eb = empirical_bayes(
            Xa, ya, family, fit_intercept=fit_intercept, sample_weight=sw, **(eb_options or {})
        )

    kw: dict[str, Any] = {"cv": cv, "fit_intercept": fit_intercept, "sigma": sigma}
    if family == "gaussian":  # RidgeCV scores an explicit cv by R²: ask for the MSE
        kw["scoring"] = None if cv is None else "neg_mean_squared_error"
        if alphas is None:
            centre = eb.penalty.l2 if eb is not None else 1.0
            alphas = centre * np.geomspace(1e3, 1e-3, int(n_alphas))
    elif alphas is None:
        alphas = int(n_alphas)
    est = estimator(alphas=alphas, **kw).fit(Xa, ya, sample_weight=sw, groups=groups)

    if sigma is not None:
        axis_sigma, source = check_sigma(sigma), "user"
    elif eb is not None:
        axis_sigma, source = eb.sigma, "empirical_bayes"
    else:
        axis_sigma, source = est.sigma_, "cv_refit"

    def scale(alpha: float, s: float) -> float:
        pen = Penalty.from_sklearn(est._sklearn_name, {"alpha": alpha}, S)
        prior = prior_from_penalty(pen, s)
        return float(prior.scale)

    res = est.cv_results_
    cv_alphas = np.asarray(res["param_alpha"], float)
    cv_scales = np.array([scale(a, axis_sigma) for a in cv_alphas])
    names = ["cv_min", "cv_1se"]
    choice_alphas = [cv_alphas[est.index_min_], cv_alphas[est.index_1se_]]
    choice_scales = [cv_scales[est.index_min_], cv_scales[est.index_1se_]]
    ml_scales = ml_curve = ml_value = None
    if eb is not None:
        names.append("empirical_bayes")
        choice_alphas.append(eb.sklearn_params[1]["alpha"])
        choice_scales.append(float(eb.prior.scale))
    if eb is not None and eb.log_ml_curve is not None:  # the closed form has a curve
        curve = empirical_bayes(
            Xa, ya, family, fit_intercept=fit_intercept, sample_weight=sw, taus=cv_scales
        )
        ml_scales, ml_curve, ml_value = curve.taus, curve.log_ml_curve, eb.log_marginal_likelihood

    coefs, intercepts = [], []
    for a in choice_alphas:
        pen = Penalty.from_sklearn(est._sklearn_name, {"alpha": float(a)}, S)
        fit = map_estimate(
            Xa, ya, prior_from_penalty(pen, 1.0), sigma=1.0, fit_intercept=fit_intercept,
            sample_weight=sw,
        )
        coefs.append(fit.coef)
        intercepts.append(fit.intercept)
    return ScaleChoices(
        prior_family=family, scale_name=scale_name, sigma=float(axis_sigma), sigma_source=source,
        cv_alphas=cv_alphas, cv_scales=cv_scales, cv_error=-np.asarray(res["mean_test_score"]),
        cv_se=np.asarray(res["se_test_score"]), ml_scales=ml_scales, ml_curve=ml_curve,
        ml_value=ml_value, choices=tuple(names), choice_alphas=np.asarray(choice_alphas, float),
        choice_scales=np.asarray(choice_scales, float), coefs=np.array(coefs),
        intercepts=np.array(intercepts), empirical_bayes=eb, feature_names=feature_names(X),
    )


def laplace_scale_draws(posterior: Any) -> np.ndarray:
    r"""Posterior draws of the Laplace scale :math:`b = \sigma/\lambda` from a Bayesian-lasso posterior.

    Park & Casella's prior is :math:`w_j\mid\sigma,\lambda \sim \mathrm{Laplace}(0, \sigma/\lambda)`,
    so with a hyperprior on :math:`\lambda^2` each draw :math:`(\sigma^{(k)}, \lambda^{(k)})` is a
    draw of the Laplace scale on the axis of :func:`scale_choices` (σ fixed: ``attrs["sigma"]``).

    Parameters
    ----------
    posterior : DataTree
        From :func:`bayesreg.sample_posterior` with ``BayesianLasso(lam_prior=(r, delta))``.
    """
    post = posterior["posterior"]
    if "lam" not in post.data_vars:
        raise ValueError("the posterior has no 'lam': sample a BayesianLasso with lam_prior=(r, delta)")
    lam = np.asarray(post["lam"].values, dtype=float).ravel()
    if "sigma" in post.data_vars:
        sigma = np.asarray(post["sigma"].values, dtype=float).ravel()
    elif "sigma" in posterior.attrs:
        sigma = np.full(lam.shape, float(posterior.attrs["sigma"]))
    else:
        raise ValueError("the posterior has neither sigma draws nor a fixed sigma in its attrs")
    return sigma / lam
