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
        The prior, the noise sd and the implied penalty in σ²-units.
    objective : float
        :math:`\tfrac12\sum_i s_i r_i^2 + \lambda_1\lVert w\rVert_1
        + \tfrac{\lambda_2}{2}\lVert w\rVert^2` at the answer, i.e. σ² times the
        negative log posterior up to a constant.
    weight_sum : float
        :math:`S = \sum_i s_i`, the ``n`` in scikit-learn's averaged objectives.
    fit_intercept : bool
    """

    coef: np.ndarray
    intercept: float
    kkt_residual: float
    n_iter: int
    prior: Prior
    sigma: float
    penalty: Penalty
    objective: float
    weight_sum: float
    fit_intercept: bool = True
    feature_names: np.ndarray | None = field(default=None, repr=False)

    @property
    def sklearn_params(self) -> tuple[str, dict[str, float]]:
        """Name and parameters of the equivalent scikit-learn estimator."""
        return self.penalty.to_sklearn(self.weight_sum)

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
        )

    @property
    def support(self) -> np.ndarray:
        """Indices of the non-zero coefficients."""
        return np.flatnonzero(self.coef)

    def predict(self, X: Any) -> np.ndarray:
        """``X @ coef + intercept`` for a validated design."""
        from bayesreg._validation import check_X

        return check_X(X, n_features=self.coef.size) @ self.coef + self.intercept
