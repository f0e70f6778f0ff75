r"""Converters between prior scales and every penalty convention.

The hub is :class:`bayesreg.penalty.Penalty` (σ²-units); a prior maps to it through
its noise scale σ, and a convention maps to it through the weight sum
:math:`S = \sum_i s_i` (``n_samples`` when unweighted). Each function below is one
composition of those two steps; ``docs/converters.md`` derives every formula.

>>> from bayesreg import Laplace
>>> from bayesreg.convert import sklearn_params
>>> sklearn_params(Laplace(scale=0.5), sigma=2.0, n_samples=100)
('Lasso', {'alpha': 0.08})
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg._validation import check_positive, check_sample_weight, check_sigma
from bayesreg.families import penalty_family
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
    """
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=float)
        sw = check_sample_weight(sw, sw.shape[0] if sw.ndim == 1 else int(n_samples or 1))
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


def sklearn_params(
    prior: Prior, *, sigma: float, n_samples: int | None = None, sample_weight: Any = None
) -> tuple[str, dict[str, float]]:
    """Name and parameters of the scikit-learn estimator whose solution is the MAP.

    ``n_samples`` (or ``sample_weight``) is required for Laplace and elastic-net priors,
    whose scikit-learn objectives average the loss over the weight sum.
    """
    pen = check_prior(prior).penalty(check_sigma(sigma))
    S = weight_sum(n_samples, sample_weight) if pen.kind != "ridge" else 1.0
    return pen.to_sklearn(S)


def to_sklearn(
    prior: Prior,
    *,
    sigma: float,
    n_samples: int | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    precise: bool = True,
    **kwargs: Any,
):
    """A configured, unfitted scikit-learn estimator whose ``fit`` gives the MAP.

    Pass the same ``sample_weight`` to its ``fit``. With ``precise=True`` (default)
    Lasso and ElasticNet get ``tol=1e-12`` and a large ``max_iter`` so their coordinate
    descent reaches the exact answer; extra ``kwargs`` go to the estimator.
    """
    from sklearn import linear_model

    name, params = sklearn_params(
        prior, sigma=sigma, n_samples=n_samples, sample_weight=sample_weight
    )
    params = dict(params, fit_intercept=fit_intercept)
    if precise and name in ("Lasso", "ElasticNet"):
        params.update(tol=PRECISE_TOL, max_iter=PRECISE_MAX_ITER)
    params.update(kwargs)
    return getattr(linear_model, name)(**params)


def from_sklearn(
    estimator: Any, *, sigma: float, n_samples: int | None = None, sample_weight: Any = None
) -> Prior:
    """The prior whose MAP a scikit-learn Ridge, Lasso or ElasticNet computes."""
    name = type(estimator).__name__
    if name not in ("Ridge", "Lasso", "ElasticNet"):
        raise TypeError(f"expected a scikit-learn Ridge, Lasso or ElasticNet, got {name}")
    params = estimator.get_params()
    S = None if name == "Ridge" else weight_sum(n_samples, sample_weight)
    return prior_from_penalty(Penalty.from_sklearn(name, params, S), sigma)


def glmnet_params(
    prior: Prior, *, sigma: float, n_samples: int | None = None, sample_weight: Any = None
) -> tuple[float, float]:
    """glmnet's Gaussian-family ``(lambda, alpha)`` (``standardize=FALSE``)."""
    pen = check_prior(prior).penalty(check_sigma(sigma))
    return pen.to_glmnet(weight_sum(n_samples, sample_weight))


def from_glmnet(
    lam: float,
    alpha: float,
    *,
    sigma: float,
    n_samples: int | None = None,
    sample_weight: Any = None,
) -> Prior:
    """Inverse of :func:`glmnet_params`."""
    return prior_from_penalty(
        Penalty.from_glmnet(lam, alpha, weight_sum(n_samples, sample_weight)), sigma
    )


def to_C(prior: Prior, *, sigma: float) -> float:
    """Inverse-penalty ``C`` of a Gaussian or Laplace prior (see :meth:`Penalty.to_C`)."""
    return check_prior(prior).penalty(check_sigma(sigma)).to_C()


def from_C(C: float, *, sigma: float, kind: str = "l2") -> Prior:
    """Inverse of :func:`to_C`: ``kind="l2"`` gives a Gaussian, ``"l1"`` a Laplace."""
    return prior_from_penalty(Penalty.from_C(C, kind), sigma)
