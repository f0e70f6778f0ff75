r"""The validation grid: every prior family × scale × sample weighting, optionally in parallel.

Scales
------
A scale is the prior's own parameter (:data:`bayesreg.families.Scale`): the Gaussian sd
:math:`\tau`, the Laplace scale :math:`b`, or the elastic-net pair :math:`(b, \tau)`. A
single number ``s`` means :math:`b = \tau = s`; a pair ``"B:T"`` gives the Laplace prior
``B``, the Gaussian prior ``T`` and the elastic net both, so one list of pairs serves every
family. Without scales, :func:`auto_scales` picks a grid that spans the data's interesting
range: penalties at fractions :math:`f` of natural sizes,

.. math::

    \lambda_1 = f\,\lVert q\rVert_\infty \;\Rightarrow\; b = \sigma^2/\lambda_1, \qquad
    \lambda_2 = f\,\operatorname{tr}(Q)/p \;\Rightarrow\; \tau = \sigma/\sqrt{\lambda_2},

with :math:`Q, q` from :class:`bayesreg.datafits.gaussian.GaussianDatafit`
(:math:`\lVert q\rVert_\infty` is the L1 weight at which every coefficient is zero,
:math:`\operatorname{tr}(Q)/p` the mean eigenvalue of the centred Gram matrix), for
:math:`f \in \{0.5, 0.1, 0.01, 10^{-3}, 10^{-4}\}`, rounded to three significant digits.

For a likelihood without a noise scale (``family="bernoulli"``, ``"poisson"``: dispersion 1,
so :math:`b = 1/\lambda_1`, :math:`\tau = 1/\sqrt{\lambda_2}`) the same two sizes are those
of the quadratic model at the intercept-only fit: :math:`\lVert\nabla_w L(0, \hat b(0))\rVert_\infty`
(:meth:`~bayesreg.datafits.GLMDatafit.lambda_max`) and the mean eigenvalue of the profiled
Hessian there, :math:`\sum_j d_j^2/p` (:attr:`~bayesreg.datafits.GLMDatafit.column_scale`), at
:math:`f \in \{0.5, 0.2, 0.1, 0.05, 0.02\}` (:data:`GLM_FRACTIONS`): the twin of a Laplace or
elastic-net prior with an intercept is ``LogisticRegression``'s saga, which converges
linearly, and below a fiftieth of :math:`\lambda_{\max}` on data that are nearly
separable (the built-in breast-cancer data) it does not reach :math:`10^{-8}` in
:math:`10^6` epochs. Pass ``scales`` to check other penalties.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg._validation import check_positive, check_X_y
from bayesreg.families import (
    PENALTY_FAMILIES, Scale, likelihood_family, parse_scale, penalty_family, prior_scale,
)
from bayesreg.sklearn_check.compare import DEFAULT_TOL, compare_to_sklearn
from bayesreg.sklearn_check.table import ValidationTable

__all__ = ["DEFAULT_FRACTIONS", "GLM_FRACTIONS", "auto_scales", "validate"]

#: Penalty fractions of :func:`auto_scales` (module docstring).
DEFAULT_FRACTIONS = (0.5, 0.1, 0.01, 1e-3, 1e-4)
#: Penalty fractions of :func:`auto_scales` for a likelihood without a noise scale (module docstring).
GLM_FRACTIONS = (0.5, 0.2, 0.1, 0.05, 0.02)


def _sig3(v: float) -> float:
    return float(f"{v:.3g}")


def auto_scales(
    X: Any,
    y: Any,
    family: str,
    *,
    sigma: float | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    fractions: Sequence[float] | None = None,
    likelihood: str = "gaussian",
) -> list[Scale]:
    r"""A data-adapted grid of scales for the prior ``family`` (module docstring, "Scales").

    Returns one scale per fraction (strongest penalty first; default :data:`DEFAULT_FRACTIONS`,
    or :data:`GLM_FRACTIONS` for a ``likelihood`` without a noise scale), in the family's own
    form (a ``b``, a ``τ`` or a ``(b, τ)`` pair); for a degenerate problem (:math:`q = 0`,
    e.g. a constant ``y``) the natural sizes fall back to 1. ``sigma`` (default 1) is the
    Gaussian likelihood's; another family refuses one.
    """
    from bayesreg.datafits import GaussianDatafit

    fam = penalty_family(family)
    lik_fam = likelihood_family(likelihood)
    sigma = lik_fam.penalty_sigma(1.0 if sigma is None and lik_fam.has_noise_scale else sigma)
    if lik_fam.has_noise_scale:
        Xa, ya, sw = check_X_y(X, y, sample_weight)
        lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept))
        l1_ref = float(np.abs(lik.q).max()) or 1.0
        l2_ref = float(np.einsum("ij,ij->", lik.A, lik.A)) / lik.n_features or 1.0
    else:
        lik = lik_fam.cls.from_data(X, y, sample_weight, bool(fit_intercept))
        l1_ref = lik.lambda_max() or 1.0
        l2_ref = float(np.mean(lik.column_scale**2)) or 1.0
    if fractions is None:
        fractions = DEFAULT_FRACTIONS if lik_fam.has_noise_scale else GLM_FRACTIONS
    pairs = [(_sig3(sigma**2 / (f * l1_ref)), _sig3(sigma / math.sqrt(f * l2_ref))) for f in fractions]
    return [prior_scale(fam.prior(pair)) for pair in pairs]


def _weightings(sample_weights: Any) -> dict[str, np.ndarray | None]:
    if sample_weights is None:
        return {"none": None}
    if isinstance(sample_weights, Mapping):
        if not sample_weights:
            raise ValueError("sample_weights is an empty mapping; pass None for unweighted")
        return {
            str(k): (None if v is None else np.asarray(v, dtype=float))
            for k, v in sample_weights.items()
        }
    return {"none": None, "weights": np.asarray(sample_weights, dtype=float)}


def _n_workers(n_jobs: int, n_tasks: int) -> int:
    if isinstance(n_jobs, bool) or int(n_jobs) != n_jobs or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    n = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    return max(1, min(n, n_tasks))


def validate(
    X: Any,
    y: Any,
    priors: Sequence[str] | None = None,
    scales: Sequence[Scale | str] | None = None,
    *,
    sigma: float | None = None,
    family: str = "gaussian",
    sample_weights: Any = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    n_jobs: int = 1,
    progress: bool = False,
    source: str = "",
) -> ValidationTable:
    """Compare the MAP with its scikit-learn equivalent over priors × scales × weights.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    priors : sequence of str, optional
        Family names or aliases (:func:`bayesreg.families.penalty_family`); default every
        penalty family with a scikit-learn twin under ``family``
        (:attr:`~bayesreg.families.LikelihoodFamily.twin_priors`: all three, or the
        Gaussian prior alone for the Poisson family).
    scales : sequence of float, "B:T" str or (b, τ) pairs, optional
        The same scales for every family; None: :func:`auto_scales` per family.
    sigma : float, optional
        Noise sd σ used to turn scales into penalties (Gaussian family; default 1). A
        family without a noise scale refuses one.
    family : str, default="gaussian"
        The likelihood family (:data:`bayesreg.families.LIKELIHOOD_FAMILIES`, any alias):
        ``"bernoulli"`` compares with ``LogisticRegression``, ``"poisson"`` with
        ``PoissonRegressor`` (:mod:`bayesreg.sklearn_check.compare`).
    sample_weights : None, array or mapping name -> array (or None)
        An array adds a weighted copy of the grid next to the unweighted one; a mapping
        gives every weighting a name (use ``None`` as a value for "unweighted").
    tol : float, default=1e-8
        Agreement tolerance on the relative coefficient difference and KKT residual.
    n_jobs : int, default=1
        Worker processes (``-1``: one per core), through joblib. Results do not depend on it.
    progress : bool, default=False
        Show a tqdm progress bar on stderr.
    source : str
        A label of the data recorded in the table.

    Returns
    -------
    ValidationTable
        Rows in grid order: priors, then scales, then weightings.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from bayesreg.sklearn_check import validate
    >>> X, y = load_diabetes(return_X_y=True)
    >>> table = validate(X, y, ["laplace"], [0.01, 0.1])
    >>> table.ok, [r.sklearn for r in table.rows]
    (True, ['Lasso', 'Lasso'])
    """
    from joblib import Parallel, delayed
    from tqdm import tqdm

    lik = likelihood_family(family)
    sigma = lik.penalty_sigma(1.0 if sigma is None and lik.has_noise_scale else sigma)
    sigma = sigma if lik.has_noise_scale else None
    tol = check_positive("tol", tol)
    weights = _weightings(sample_weights)
    if not lik.has_noise_scale:
        y = lik.cls.check_target(y)  # the family's coding (0/1, counts), with its errors
    Xa, ya, _ = check_X_y(X, y)
    for w in weights.values():  # clear errors before any work (a GLM's "no MAP exists" too)
        if lik.has_noise_scale:
            check_X_y(Xa, ya, w)
        else:
            lik.cls.from_data(Xa, ya, w, bool(fit_intercept))
    fams = [penalty_family(p) for p in (lik.twin_priors if priors is None else priors)]
    if not fams:
        raise ValueError("no priors to validate")
    for fam in fams:
        lik.sklearn_twin(fam)  # a prior without a twin under this likelihood: the error that says so
    grid_scales = (
        None if scales is None else [parse_scale(s) if isinstance(s, str) else s for s in scales]
    )
    grid_priors = [
        fam.prior(s)  # every prior is built (and checked) before any work
        for fam in fams
        for s in (
            grid_scales
            if grid_scales is not None
            else auto_scales(Xa, ya, fam.name, sigma=sigma, fit_intercept=fit_intercept,
                             likelihood=lik.name)
        )
    ]
    tasks = [
        delayed(compare_to_sklearn)(
            Xa, ya, prior, sigma=sigma, family=lik.name, sample_weight=w,
            fit_intercept=bool(fit_intercept), tol=tol, weights_name=name,
        )
        for prior in grid_priors
        for name, w in weights.items()
    ]
    parallel = Parallel(n_jobs=_n_workers(n_jobs, len(tasks)), return_as="generator")
    with tqdm(
        parallel(tasks), total=len(tasks), desc="validate", unit="fit", file=sys.stderr,
        disable=not progress,
    ) as bar:
        rows = list(bar)
    meta = {
        "family": lik.name,
        "fit_intercept": bool(fit_intercept),
        "n_samples": int(Xa.shape[0]),
        "n_features": int(Xa.shape[1]),
    }
    return ValidationTable(rows, tol=tol, sigma=sigma, source=source, meta=meta)
