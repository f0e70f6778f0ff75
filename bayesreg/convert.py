r"""Converters between prior scales and every penalty convention.

The hub is :class:`bayesreg.penalty.Penalty` (σ²-units); a prior maps to it through
its noise scale σ, and a convention maps to it through the weight sum
:math:`S = \sum_i s_i` (``n_samples`` when unweighted). Each function below is one
composition of those two steps; ``docs/converters.md`` derives every formula.

``family="bernoulli"`` or ``"poisson"`` (:data:`bayesreg.families.LIKELIHOOD_FAMILIES`)
converts for logistic and Poisson regression: those likelihoods have no noise scale, so
no ``sigma`` is passed and the penalty is the prior's at σ = 1 (``LogisticRegression``'s
``C`` is :math:`\tau^2` for a Gaussian prior and :math:`b` for a Laplace prior).

>>> from bayesreg import Laplace
>>> from bayesreg.convert import sklearn_params
>>> sklearn_params(Laplace(scale=0.5), sigma=2.0, n_samples=100)
('Lasso', {'alpha': 0.08})
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg._validation import check_positive, check_sample_weight, check_sigma
from bayesreg.families import LIKELIHOOD_FAMILIES, likelihood_family, penalty_family
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior, check_prior

__all__ = [
    "weight_sum",
    "prior_from_penalty",
    "sklearn_params",
    "to_sklearn",
    "from_sklearn",
    "glmnet_params",
    "from_glmnet",
    "to_C",
    "from_C",
]

#: Tolerance and iteration cap given to coordinate-descent estimators by
#: :func:`to_sklearn`, so that their ``fit`` reproduces the exact MAP.
PRECISE_TOL = 1e-12
PRECISE_MAX_ITER = 1_000_000


def weight_sum(n_samples: int | None = None, sample_weight: Any = None) -> float:
    r""":math:`S = \sum_i s_i`, or ``n_samples`` without weights.

    ``n_samples`` may be any finite real > 0: after a weighted fit it is the weight sum.
    A scalar ``sample_weight`` is one weight for each of ``n_samples`` rows (as scikit-learn
    reads it), so it needs ``n_samples``.
    """
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=float)
        if sw.ndim == 0:
            if n_samples is None:
                raise ValueError(
                    "a scalar sample_weight is one weight per row: pass n_samples too "
                    "(the weight sum is sample_weight * n_samples)"
                )
            return check_positive("sample_weight", sw) * check_positive("n_samples", n_samples)
        sw = check_sample_weight(sw, sw.shape[0])
        return float(sw.sum())
    if n_samples is None:
        raise ValueError("n_samples (or sample_weight) is required for this conversion")
    return check_positive("n_samples", n_samples)


def prior_from_penalty(penalty: Penalty, sigma: float) -> Prior:
    """The prior family a penalty implies: L2 → Gaussian, L1 → Laplace, both → ElasticNet.

    The penalty's kind (``"ridge"``, ``"lasso"``, ``"elasticnet"``) names its family in
    :mod:`bayesreg.families`.
    """
    if penalty.kind == "none":
        raise ValueError("a zero penalty is a flat prior, which has no proper prior object")
    return penalty_family(penalty.kind).cls.from_penalty(penalty, check_sigma(sigma))


#: scikit-learn estimators whose objective averages the loss over the weight sum
_AVERAGED = ("Lasso", "ElasticNet", "PoissonRegressor")


def _penalty(prior: Prior, sigma: Any, family: str):
    """The prior's penalty in ``family``'s dispersion units, and the family."""
    fam = likelihood_family(family)
    return check_prior(prior).penalty(fam.penalty_sigma(sigma)), fam


def sklearn_params(
    prior: Prior, *, sigma: float | None = None, n_samples: int | None = None,
    sample_weight: Any = None, family: str = "gaussian",
) -> tuple[str, dict[str, float]]:
    """Name and parameters of the scikit-learn estimator whose solution is the MAP.

    ``n_samples`` (or ``sample_weight``) is required where the scikit-learn objective
    averages the loss over the weight sum: Laplace and elastic-net priors for the Gaussian
    family, and ``PoissonRegressor``. ``sigma`` is the Gaussian family's noise sd; the
    Bernoulli and Poisson families take none.
    """
    pen, fam = _penalty(prior, sigma, family)
    name = fam.sklearn_name(pen.kind)
    S = weight_sum(n_samples, sample_weight) if name in _AVERAGED else 1.0
    return pen.to_sklearn(S, family=fam.name)


def _logistic_solver(params: dict[str, Any], fit_intercept: bool, precise: bool) -> dict[str, Any]:
    """A ``LogisticRegression`` solver for the penalty, and its precision settings.

    Pure L2 (or none): ``newton-cholesky``. L1 without an intercept: ``liblinear``, whose
    intercept would be penalised (it is the weight of a constant feature). L1 with an
    intercept, or an elastic net: ``saga``, the one solver that leaves the intercept
    unpenalised for those penalties.
    """
    ratio = params["l1_ratio"]
    if ratio == 0:
        out: dict[str, Any] = {"solver": "newton-cholesky"}
        if precise:
            out.update(tol=PRECISE_TOL, max_iter=1000)
        return out
    out = {"solver": "liblinear" if ratio == 1 and not fit_intercept else "saga"}
    if precise:
        out.update(tol=PRECISE_TOL, max_iter=PRECISE_MAX_ITER)
    return out


def _logistic_spelling(params: dict[str, Any]) -> dict[str, Any]:
    """``(C, l1_ratio)`` in the installed scikit-learn's spelling: before 1.8 the penalty was
    named by ``penalty=`` ("l2", "l1", "elasticnet" or None)."""
    import inspect

    from sklearn.linear_model import LogisticRegression

    if inspect.signature(LogisticRegression).parameters["penalty"].default == "deprecated":
        return params
    out = dict(params)
    ratio = out.pop("l1_ratio")
    if np.isinf(out["C"]):
        out.update(penalty=None, C=1.0)
    elif ratio == 0:
        out["penalty"] = "l2"
    elif ratio == 1:
        out["penalty"] = "l1"
    else:
        out.update(penalty="elasticnet", l1_ratio=ratio)
    return out


def to_sklearn(
    prior: Prior,
    *,
    sigma: float | None = None,
    n_samples: int | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    precise: bool = True,
    family: str = "gaussian",
    **kwargs: Any,
):
    """A configured, unfitted scikit-learn estimator whose ``fit`` gives the MAP.

    Pass the same ``sample_weight`` to its ``fit``. With ``precise=True`` (default)
    Lasso and ElasticNet get ``tol=1e-12`` and a large ``max_iter`` so their coordinate
    descent reaches the exact answer; extra ``kwargs`` go to the estimator.

    For ``family="bernoulli"`` it is a ``LogisticRegression(C, l1_ratio)`` with a solver
    that supports the penalty (:func:`_logistic_solver`: ``newton-cholesky`` for L2, ``saga``
    for L1 with an intercept or an elastic net, ``liblinear`` for L1 without an intercept);
    for ``family="poisson"`` a ``PoissonRegressor(alpha)`` (``newton-cholesky``; L2 only, as
    scikit-learn has no L1 Poisson regression).
    """
    from sklearn import linear_model

    name, params = sklearn_params(
        prior, sigma=sigma, n_samples=n_samples, sample_weight=sample_weight, family=family
    )
    params = dict(params, fit_intercept=fit_intercept)
    if name == "LogisticRegression":
        params.update(_logistic_solver(params, fit_intercept, precise))
        params = _logistic_spelling(params)
    elif name == "PoissonRegressor":
        params["solver"] = "newton-cholesky"
        if precise:
            params.update(tol=PRECISE_TOL, max_iter=1000)
    elif precise and name in ("Lasso", "ElasticNet"):
        params.update(tol=PRECISE_TOL, max_iter=PRECISE_MAX_ITER)
    params.update(kwargs)
    return getattr(linear_model, name)(**params)


def _estimator_family(name: str) -> str:
    """The likelihood family whose scikit-learn twin is the estimator class ``name``."""
    for fam in LIKELIHOOD_FAMILIES.values():
        if name in fam.sklearn.values():
            return fam.name
    parts = []
    for fam in LIKELIHOOD_FAMILIES.values():
        names = list(dict.fromkeys(fam.sklearn.values()))
        if names:
            listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
            parts.append(f"{listed} ({fam.label})")
    raise TypeError(f"expected a scikit-learn {'; '.join(parts)}; got {name}")


#: scikit-learn's cross-validated estimators -> the estimator their chosen ``alpha_`` (and
#: ``l1_ratio_``) parametrise
_CV_TWINS = {"RidgeCV": "Ridge", "LassoCV": "Lasso", "ElasticNetCV": "ElasticNet"}


def _cv_twin(estimator: Any) -> tuple[str, dict[str, Any]]:
    """``(name, params)`` of the estimator; a fitted RidgeCV / LassoCV / ElasticNetCV is read as
    the Ridge / Lasso / ElasticNet at the ``alpha_`` (and ``l1_ratio_``) it chose."""
    name, params = type(estimator).__name__, estimator.get_params()
    if name not in _CV_TWINS:
        return name, params
    if not hasattr(estimator, "alpha_"):
        raise ValueError(f"{name} is not fitted: from_sklearn reads the alpha_ its cross-validation "
                         "chose, so call fit first")
    alpha = np.asarray(estimator.alpha_, dtype=float)
    if alpha.size != 1:
        raise ValueError(f"{name} chose one alpha per target ({alpha.size}); a prior has one scale")
    params = {**params, "alpha": float(alpha)}
    if hasattr(estimator, "l1_ratio_"):
        params["l1_ratio"] = float(estimator.l1_ratio_)
    return _CV_TWINS[name], params


def from_sklearn(
    estimator: Any, *, sigma: float | None = None, n_samples: int | None = None,
    sample_weight: Any = None,
) -> Prior:
    """The prior whose MAP a scikit-learn estimator computes.

    Ridge, Lasso, ElasticNet (Gaussian family: pass ``sigma``), LogisticRegression and
    PoissonRegressor (no ``sigma``). A fitted RidgeCV, LassoCV or ElasticNetCV is read at
    the ``alpha_`` (and ``l1_ratio_``) its cross-validation chose. ``n_samples`` (or ``sample_weight``) is required for
    the estimators that average their loss. ``LogisticRegression`` is read in scikit-learn
    ≥ 1.8's spelling (``C``, ``l1_ratio``, ``C=np.inf`` for no penalty) or the older
    ``penalty=`` one. Its ``liblinear`` solver penalises the intercept (the weight of a
    constant feature ``intercept_scaling``) and ``class_weight`` reweights observations:
    the prior describes the coefficients only, so a ``UserWarning`` says so; fit such a
    model without an intercept (or pass the class weights as ``sample_weight``) to compare.
    """
    import warnings

    name, params = _cv_twin(estimator)
    family = _estimator_family(name)
    fam = likelihood_family(family)
    sig = fam.penalty_sigma(sigma)
    S = weight_sum(n_samples, sample_weight) if name in _AVERAGED else None
    pen = Penalty.from_sklearn(name, params, S)
    if pen.kind == "none":
        raise ValueError(
            f"{name} with these parameters is unpenalised: a flat prior, which has no proper "
            "prior object (and whose MAP need not exist, e.g. for separable classes)"
        )
    if name == "LogisticRegression":
        if params.get("solver") == "liblinear" and params.get("fit_intercept", True):
            warnings.warn(
                "liblinear penalises the intercept (as the weight of a constant feature "
                "intercept_scaling); bayesreg's intercept is unpenalised, so the two MAPs "
                "differ unless fit_intercept=False",
                UserWarning,
                stacklevel=2,
            )
        if params.get("class_weight") is not None:
            warnings.warn(
                "class_weight reweights observations, which is not part of the prior: pass "
                "the same weights as sample_weight to the MAP",
                UserWarning,
                stacklevel=2,
            )
    return prior_from_penalty(pen, sig)


def _glmnet_scales(
    pen: Penalty, family: str, y: Any, sample_weight: Any, fit_intercept: bool, X: Any,
    standardize: bool,
) -> tuple[float, np.ndarray | None]:
    r"""glmnet's :math:`s_y` and (``standardize=TRUE``) :math:`\xi_j`, as its Fortran computes them.

    With the weights normalised to sum to 1, :math:`v_i = s_i/S`:
    :math:`s_y = \sqrt{\sum_i v_i(y_i-\bar y)^2}` with an intercept, :math:`\sqrt{\sum_i v_i y_i^2}`
    without; :math:`\xi_j = \sqrt{\sum_i v_i(x_{ij}-\bar x_j)^2}` (centred in both cases). The
    binomial and Poisson families do not rescale the response (:math:`s_y = 1`).
    """
    from bayesreg._validation import check_bool, check_X, check_y

    fit_intercept = check_bool("fit_intercept", fit_intercept)
    standardize = check_bool("standardize", standardize)
    ys = 1.0
    if family == "gaussian":
        if y is None:
            if np.any(pen.l2 > 0):
                raise ValueError(
                    "glmnet divides every lambda by the scale of y (its weighted sd, or root "
                    "mean square without an intercept), which changes its L2 term: pass y "
                    "(and sample_weight)"
                )
        else:
            ya = check_y(y, np.shape(y)[0] if np.ndim(y) else 0)
            sw = check_sample_weight(sample_weight, ya.shape[0])
            v = np.full(ya.shape[0], 1.0 / ya.shape[0]) if sw is None else sw / sw.sum()
            yc = ya - v @ ya if fit_intercept else ya
            big = float(np.abs(yc).max(initial=0.0))
            ys = big * float(np.sqrt(v @ (yc / big) ** 2)) if big > 0 else 0.0
            if not ys > 0:
                raise ValueError("y is constant: glmnet cannot standardise it (its scale is 0)")
    xs = None
    if standardize:
        if X is None:
            raise ValueError("standardize=True penalises coefficients of standardised columns: pass X")
        Xa = check_X(X)
        sw = check_sample_weight(sample_weight, Xa.shape[0])
        v = np.full(Xa.shape[0], 1.0 / Xa.shape[0]) if sw is None else sw / sw.sum()
        Xc = Xa - v @ Xa
        big = np.abs(Xc).max(axis=0)
        big = np.where(big > 0, big, 1.0)
        xs = big * np.sqrt(v @ (Xc / big) ** 2)
    return ys, xs


def _glmnet_weight_sum(n_samples: Any, sample_weight: Any, y: Any) -> float:
    if sample_weight is None and n_samples is None and y is not None:
        n_samples = np.shape(y)[0]
    return weight_sum(n_samples, sample_weight)


def glmnet_params(
    prior: Prior, *, sigma: float | None = None, y: Any = None, n_samples: int | None = None,
    sample_weight: Any = None, fit_intercept: bool = True, X: Any = None,
    standardize: bool = False, family: str = "gaussian",
):
    r"""glmnet's ``(lambda, alpha)`` whose fit is the MAP of ``prior``, or
    ``(lambda, alpha, penalty_factor)`` for a prior with per-coefficient scales or
    ``standardize=True``.

    glmnet (``family`` ``"gaussian"``, ``"binomial"`` or ``"poisson"``; no ``sigma`` for the
    last two) minimises, in the original units and times :math:`S = \sum_i s_i`,

    .. math::

        \tfrac12\sum_i s_i r_i^2 + S\lambda\sum_j f_j\Big[\alpha\,\xi_j|w_j|
        + \frac{1-\alpha}{2 s_y}\xi_j^2 w_j^2\Big]

    (:meth:`bayesreg.penalty.Penalty.to_glmnet_factors`): it divides ``lambda`` by the scale
    :math:`s_y` of ``y`` (Gaussian family: the weighted 1/N sd with ``intercept=TRUE``, the
    weighted root mean square with ``intercept=FALSE``), rescales ``penalty.factor`` to sum
    to the number of coefficients, and with ``standardize=TRUE`` penalises the coefficients
    of columns divided by their weighted 1/N sd :math:`\xi_j`. So ``y`` (and the weights) is
    needed for the Gaussian family whenever the prior has an L2 part, and ``X`` for
    ``standardize=True``. A prior with per-coefficient scales maps to glmnet only where
    each coefficient's L1 and L2 weights are in glmnet's ratio (a ValueError says otherwise).

    Parameters
    ----------
    prior : Prior
    sigma : float, optional
        Noise sd (Gaussian family).
    y : array-like of shape (n_samples,), optional
        The response glmnet is given (its scale :math:`s_y`, and ``n_samples``).
    n_samples, sample_weight
        :math:`S` (``len(y)`` by default).
    fit_intercept : bool, default=True
        glmnet's ``intercept``.
    X : array-like of shape (n_samples, n_features), optional
        The design, for ``standardize=True``.
    standardize : bool, default=False
        glmnet's ``standardize``.

    Returns
    -------
    tuple
        ``(lambda, alpha)``, or ``(lambda, alpha, penalty_factor)`` (summing to
        ``n_features``, as glmnet rescales it) when the prior has per-coefficient scales
        or ``standardize=True``.
    """
    pen, fam = _penalty(prior, sigma, family)
    S = _glmnet_weight_sum(n_samples, sample_weight, y)
    ys, xs = _glmnet_scales(pen, fam.name, y, sample_weight, fit_intercept, X, standardize)
    if not pen.per_coefficient and xs is None:
        return pen.to_glmnet(S, y_scale=ys)
    return pen.to_glmnet_factors(S, y_scale=ys, x_scale=xs)


def from_glmnet(
    lam: float,
    alpha: float,
    *,
    sigma: float | None = None,
    y: Any = None,
    n_samples: int | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    penalty_factor: Any = None,
    X: Any = None,
    standardize: bool = False,
    family: str = "gaussian",
) -> Prior:
    """The prior whose MAP glmnet computes with ``(lambda, alpha)`` on these data (the
    inverse of :func:`glmnet_params`).

    ``y`` (and ``sample_weight``) give glmnet's scale of the response, needed for the
    Gaussian family when ``alpha < 1``; ``penalty_factor`` (glmnet's, any non-negative
    values, 0 for an unpenalised coefficient) and ``standardize=True`` (with ``X``) give a
    prior with one scale per coefficient (``inf`` where unpenalised).
    """
    fam = likelihood_family(family)
    probe = Penalty(0.0, 1.0 if float(alpha) < 1 else 0.0)  # whether s_y matters
    S = _glmnet_weight_sum(n_samples, sample_weight, y)
    ys, xs = _glmnet_scales(probe, fam.name, y, sample_weight, fit_intercept, X, standardize)
    pen = Penalty.from_glmnet(lam, alpha, S, y_scale=ys, penalty_factor=penalty_factor, x_scale=xs)
    return prior_from_penalty(pen, fam.penalty_sigma(sigma))


def to_C(prior: Prior, *, sigma: float) -> float:
    """Inverse-penalty ``C`` of a Gaussian or Laplace prior (see :meth:`Penalty.to_C`)."""
    return check_prior(prior).penalty(check_sigma(sigma)).to_C()


def from_C(C: float, *, sigma: float, kind: str = "l2") -> Prior:
    """Inverse of :func:`to_C`: ``kind="l2"`` gives a Gaussian, ``"l1"`` a Laplace."""
    return prior_from_penalty(Penalty.from_C(C, kind), sigma)
