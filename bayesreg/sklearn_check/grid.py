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
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayesreg._validation import check_positive, check_sigma, check_X_y
from bayesreg.families import PENALTY_FAMILIES, Scale, parse_scale, penalty_family, prior_scale
from bayesreg.sklearn_check.compare import DEFAULT_TOL, compare_to_sklearn
from bayesreg.sklearn_check.table import ValidationTable

__all__ = ["DEFAULT_FRACTIONS", "auto_scales", "validate"]

#: Penalty fractions of :func:`auto_scales` (module docstring).
DEFAULT_FRACTIONS = (0.5, 0.1, 0.01, 1e-3, 1e-4)


def _sig3(v: float) -> float:
    return float(f"{v:.3g}")


def auto_scales(
    X: Any,
    y: Any,
    family: str,
    *,
    sigma: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> list[Scale]:
    r"""A data-adapted grid of scales for ``family`` (module docstring, "Scales").

    Returns one scale per fraction (strongest penalty first), in the family's own form
    (a ``b``, a ``τ`` or a ``(b, τ)`` pair); for a degenerate problem (:math:`q = 0`,
    e.g. a constant ``y``) the natural sizes fall back to 1.
    """
    from bayesreg.datafits import GaussianDatafit

    fam = penalty_family(family)
    sigma = check_sigma(sigma)
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept))
    l1_ref = float(np.abs(lik.q).max()) or 1.0
    l2_ref = float(np.einsum("ij,ij->", lik.A, lik.A)) / lik.n_features or 1.0
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
    priors: Sequence[str] = PENALTY_FAMILIES,
    scales: Sequence[Scale | str] | None = None,
    *,
    sigma: float = 1.0,
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
    priors : sequence of str
        Family names or aliases (:func:`bayesreg.families.penalty_family`), default all
        three penalty families.
    scales : sequence of float, "B:T" str or (b, τ) pairs, optional
        The same scales for every family; None: :func:`auto_scales` per family.
    sigma : float, default=1.0
        Noise sd σ used to turn scales into penalties.
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

    sigma = check_sigma(sigma)
    tol = check_positive("tol", tol)
    weights = _weightings(sample_weights)
    Xa, ya, _ = check_X_y(X, y)
    for w in weights.values():
        check_X_y(Xa, ya, w)  # clear errors before any work
    fams = [penalty_family(p) for p in priors]
    if not fams:
        raise ValueError("no priors to validate")
    grid_scales = (
        None if scales is None else [parse_scale(s) if isinstance(s, str) else s for s in scales]
    )
    grid_priors = [
        fam.prior(s)  # every prior is built (and checked) before any work
        for fam in fams
        for s in (
            grid_scales
            if grid_scales is not None
            else auto_scales(Xa, ya, fam.name, sigma=sigma, fit_intercept=fit_intercept)
        )
    ]
    tasks = [
        delayed(compare_to_sklearn)(
            Xa, ya, prior, sigma=sigma, sample_weight=w, fit_intercept=bool(fit_intercept),
            tol=tol, weights_name=name,
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
        "fit_intercept": bool(fit_intercept),
        "n_samples": int(Xa.shape[0]),
        "n_features": int(Xa.shape[1]),
    }
    return ValidationTable(rows, tol=tol, sigma=sigma, source=source, meta=meta)
