"""The result of a MAP fit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors import Prior

__all__ = ["MapResult", "SolverOutput"]


@dataclass
class SolverOutput:
    """Raw output of a solver: coefficients, iterations, KKT residual."""

    coef: np.ndarray
    n_iter: int
    kkt_residual: float


@dataclass
class MapResult:
    r"""Posterior mode of a linear-Gaussian model under a coefficient prior.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        MAP coefficients; exact zeros where the L1 optimality conditions say so.
    intercept : float
        :math:`\bar y - \bar x^\top w` (0 when ``fit_intercept=False``).
    kkt_residual : float
        Largest violation of the optimality conditions divided by
        :math:`\lVert A^\top b_c\rVert_\infty`; 0 means exactly optimal
        (:mod:`bayesreg.map.kkt`).
    n_iter : int
        Solver iterations (1 for the Gaussian prior's single linear solve).
    prior, sigma, penalty
        The prior, the noise sd (None for a family without one) and the implied penalty
        in the likelihood's dispersion units (σ² for the Gaussian family, 1 otherwise).
    objective : float
        :math:`\tfrac12\sum_i s_i r_i^2 + \lambda_1\lVert w\rVert_1
        + \tfrac{\lambda_2}{2}\lVert w\rVert^2` at the answer, i.e. σ² times the
        negative log posterior up to a constant; for a GLM family the weighted half
        deviance :math:`\sum_i s_i\ell_i` plus the penalty (the negative log posterior up
        to a constant).
    weight_sum : float
        :math:`S = \sum_i s_i`, the ``n`` in scikit-learn's averaged objectives.
    fit_intercept : bool
    family : str
        The likelihood family (:data:`bayesreg.families.LIKELIHOOD_FAMILIES`).
    """

    coef: np.ndarray
    intercept: float
    kkt_residual: float
    n_iter: int
    prior: Prior
    sigma: float | None
    penalty: Penalty
    objective: float
    weight_sum: float
    fit_intercept: bool = True
    feature_names: np.ndarray | None = field(default=None, repr=False)
    family: str = "gaussian"

    @property
    def sklearn_params(self) -> tuple[str, dict[str, float]]:
        """Name and parameters of the equivalent scikit-learn estimator."""
        return self.penalty.to_sklearn(self.weight_sum, family=self.family)

    @property
    def sklearn_estimator(self) -> Any:
        """The equivalent scikit-learn estimator, configured and unfitted.

        Fit it with the same data (and ``sample_weight``) to reproduce :attr:`coef`.
        """
        from bayesreg.convert import to_sklearn

        return to_sklearn(
            self.prior,
            sigma=self.sigma,
            n_samples=self.weight_sum,
            fit_intercept=self.fit_intercept,
            family=self.family,
        )

    @property
    def support(self) -> np.ndarray:
        """Indices of the non-zero coefficients."""
        return np.flatnonzero(self.coef)

    def predict(self, X: Any) -> np.ndarray:
        """``X @ coef + intercept`` for a validated design.

        A DataFrame's columns are matched to :attr:`feature_names` by name: reordered ones
        are aligned, unknown, missing or renamed ones refused with an error that names them
        (:func:`bayesreg._validation.check_feature_names`).
        """
        from bayesreg._validation import check_feature_names, check_X

        X = check_feature_names(X, self.feature_names)
        Xa = check_X(X, n_features=self.coef.size, accept_sparse=True)
        return np.asarray(Xa @ self.coef).ravel() + self.intercept
