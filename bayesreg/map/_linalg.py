"""Numerical helpers shared by the exact MAP solvers: one BLAS thread, pivot checks, PSD solves."""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg

__all__ = ["KKT_TOL", "single_threaded_blas", "well_pivoted", "pos_solve"]

KKT_TOL = 1e-13
#: Smallest ratio of Cholesky pivots (diagonal of the factor) accepted as non-singular.
_PIVOT = math.sqrt(np.finfo(float).eps)

_BLAS_CONTROLLER = None


def single_threaded_blas():
    """Context that runs BLAS on one thread.

    The active-set iterations make many small BLAS calls (|W| x |W| factors, O(p |S|)
    products); on those, thread start-up and synchronisation cost more than they save
    (measured: a 2-thread OpenBLAS makes the Lasso benchmark about 2x slower). Large
    one-off products (the Gram matrix, ridge solves) run outside this context.
    """
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _BLAS_CONTROLLER = ThreadpoolController()
    return _BLAS_CONTROLLER.limit(limits=1, user_api="blas")





def well_pivoted(L: np.ndarray) -> bool:
    """Whether a Cholesky factor is far enough from singular to solve with."""
    d = np.abs(np.diag(L))
    return bool(d.size == 0 or d.min() > _PIVOT * max(d.max(), 1e-300))


def pos_solve(H: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve a symmetric positive (semi)definite system; least squares if singular."""
    try:
        c, low = linalg.cho_factor(H, check_finite=False)
        if well_pivoted(c):
            return linalg.cho_solve((c, low), rhs, check_finite=False)
    except linalg.LinAlgError:
        pass
    return linalg.lstsq(H, rhs, check_finite=False, lapack_driver="gelsd")[0]
