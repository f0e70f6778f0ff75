"""Numerical helpers shared by the exact MAP solvers: one BLAS thread, pivot checks, PSD solves."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import linalg

__all__ = ["KKT_TOL", "on_one_blas_thread", "single_threaded_blas", "well_pivoted", "pos_solve"]

KKT_TOL = 1e-13
#: Smallest ratio of Cholesky pivots (diagonal of the factor) accepted as non-singular.
_PIVOT = math.sqrt(np.finfo(float).eps)

_BLAS_CONTROLLER = None


def single_threaded_blas():
    """Context that runs BLAS on one thread.

    The MAP solves make many small BLAS calls (|W| x |W| factors, O(p |S|) products) and
    a few O(np) matrix-vector products (the datafit's statistics, the objective); on
    those, thread start-up and synchronisation cost more than they save, and on a busy
    machine far more: with the two cores shared, a 2-thread OpenBLAS takes ~25 ms for a
    matrix-vector product with a 2000 x 500 design that one thread does in 0.2 ms, and
    Ridge solves (one Gram matrix and one Cholesky factor) were 1.5-6x faster on one
    thread too (``bench/map_vs_sklearn.py``). :func:`bayesreg.map_estimate` and
    :func:`bayesreg.map_path` run inside this context (:func:`on_one_blas_thread`). Nesting is cheap
    (~20 µs per entry).
    """
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _BLAS_CONTROLLER = ThreadpoolController()
    return _BLAS_CONTROLLER.limit(limits=1, user_api="blas")


def on_one_blas_thread(fn: Callable) -> Callable:
    """Decorator: ``fn`` runs inside :func:`single_threaded_blas`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with single_threaded_blas():
            return fn(*args, **kwargs)

    return wrapper


def well_pivoted(L: np.ndarray) -> bool:
    """Whether a Cholesky factor is far enough from singular to solve with."""
    d = np.abs(np.diag(L))
    return bool(d.size == 0 or d.min() > _PIVOT * max(d.max(), 1e-300))


def pos_solve(H: np.ndarray, rhs: np.ndarray, *, definite: bool = False) -> np.ndarray:
    r"""Solve a symmetric positive (semi)definite system; least squares if singular.

    ``definite=True`` states that :math:`H` is positive definite by construction (a
    Ridge system :math:`Q + L`, :math:`L > 0`, or :math:`I + AL^{-1}A^\top`): Cholesky of
    its Jacobi-scaled form is then backward stable with small *relative* errors
    (Demmel & Veselić 1992), and no pivot test is applied.

    The system is Jacobi-scaled first, :math:`(SHS)(S^{-1}x) = S\,\mathrm{rhs}` with
    :math:`S = \operatorname{diag}(H)^{-1/2}`, so that the pivot test judges
    conditioning rather than the spread of the diagonal (a per-coordinate penalty of
    :math:`10^{80}` beside one of 1 is not a near-singular system).
    """
    diag = np.diag(H).copy()
    scale = np.where(diag > 0, 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)
    Hs = H * scale[:, None] * scale[None, :]
    rs = rhs * (scale if rhs.ndim == 1 else scale[:, None])
    try:
        c, low = linalg.cho_factor(Hs, check_finite=False)
        if definite or well_pivoted(c):
            z = linalg.cho_solve((c, low), rs, check_finite=False)
            return z * (scale if z.ndim == 1 else scale[:, None])
    except linalg.LinAlgError:
        pass
    z = linalg.lstsq(Hs, rs, check_finite=False, lapack_driver="gelsd")[0]
    return z * (scale if z.ndim == 1 else scale[:, None])
