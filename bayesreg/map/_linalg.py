"""Numerical helpers shared by the exact MAP solvers: one BLAS thread, pivot checks, PSD solves."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np
from scipy import linalg

__all__ = [
    "KKT_TOL", "callers_blas_threads", "factor_rcond", "on_one_blas_thread", "single_threaded_blas",
    "well_pivoted", "pos_solve",
]

KKT_TOL = 1e-13
#: Smallest ratio of Cholesky pivots (diagonal of the factor) accepted as non-singular.
_PIVOT = math.sqrt(np.finfo(float).eps)

_BLAS_CONTROLLER = None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Context that runs BLAS on one thread.

    The MAP solves make many small BLAS calls (|W| x |W| factors, O(p |S|) products) and
    a few O(np) matrix-vector products (the datafit's statistics, the objective); on
    those, thread start-up and synchronisation cost more than they save, and on a busy
    machine far more: with the two cores shared, a 2-thread OpenBLAS takes ~25 ms for a
    matrix-vector product with a 2000 x 500 design that one thread does in 0.2 ms.
    :func:`bayesreg.map_estimate` and :func:`bayesreg.map_path` run inside this context
    (:func:`on_one_blas_thread`); their few large numpy products (the Gram matrix, the
    batched certificates of a path, :math:`q`, a large design's residual gradient, a Ridge
    kernel matrix) are given back the caller's threads by :func:`callers_blas_threads`.
    Nesting is cheap (~20 µs per entry).
    """
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _BLAS_CONTROLLER = ThreadpoolController()
    limiter = _BLAS_CONTROLLER.limit(limits=1, user_api="blas")
    _CALLER_THREADS.append(limiter.get_original_num_threads().get("blas") or 1)
    try:
        yield
    finally:
        _CALLER_THREADS.pop()
        limiter.restore_original_limits()


#: the BLAS threads each open :func:`single_threaded_blas` found on entry (outermost first)
_CALLER_THREADS: list[int] = []
#: floating-point operations below which a product stays on one thread
_LEVEL3_MIN_FLOPS = 5e6


def callers_blas_threads(flops: float) -> AbstractContextManager[Any]:
    """Context giving a large level-3 product the BLAS threads of the caller.

    Inside :func:`single_threaded_blas` the product of ``flops`` floating-point
    operations runs on as many threads as the caller of the outermost context had (what
    ``OMP_NUM_THREADS``, threadpoolctl or joblib's workers set; scikit-learn's solvers use
    the same), when it is large enough (:data:`_LEVEL3_MIN_FLOPS`) for threads to pay.
    Quiet two-core machine, 20000 x 300 Gram matrix: 20 ms on two threads against 37 ms
    on one. Outside any context, or with one thread, it changes nothing.

    Only for numpy's products: SciPy's LAPACK links its own OpenBLAS, whose threads,
    started while numpy's still spin after a product, oversubscribe the cores (Ridge at
    2000 x 500: 117 ms median against 11 ms when the factorisation also got two threads;
    scikit-learn's Ridge, which does the same, shows the same outliers).
    """
    n = _CALLER_THREADS[0] if _CALLER_THREADS else 1
    if n <= 1 or flops < _LEVEL3_MIN_FLOPS or _BLAS_CONTROLLER is None:
        return nullcontext()
    return _BLAS_CONTROLLER.limit(limits=n, user_api="blas")


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


def factor_rcond(upper: np.ndarray, anorm: float) -> float:
    """LAPACK's (``dpocon``) reciprocal condition estimate of the SPD matrix of 1-norm
    ``anorm`` whose upper Cholesky factor is ``upper`` (0 if LAPACK refuses)."""
    est, info = linalg.lapack.dpocon(upper, anorm)
    return float(est) if info == 0 else 0.0


def pos_solve(
    H: np.ndarray, rhs: np.ndarray, *, definite: bool = False, with_rcond: bool = False
) -> np.ndarray | tuple[np.ndarray, float]:
    r"""Solve a symmetric positive (semi)definite system; least squares if singular.

    ``definite=True`` states that :math:`H` is positive definite by construction (a
    Ridge system :math:`Q + L`, :math:`L > 0`, or :math:`I + AL^{-1}A^\top`): Cholesky of
    its Jacobi-scaled form is then backward stable with small *relative* errors
    (Demmel & Veselić 1992), and no pivot test is applied.

    The system is Jacobi-scaled first, :math:`(SHS)(S^{-1}x) = S\,\mathrm{rhs}` with
    :math:`S = \operatorname{diag}(H)^{-1/2}`, so that the pivot test judges
    conditioning rather than the spread of the diagonal (a per-coordinate penalty of
    :math:`10^{80}` beside one of 1 is not a near-singular system).

    ``with_rcond=True`` also returns LAPACK's estimate of the reciprocal condition number
    of :math:`SHS` from the same factor (0 when it is not numerically positive definite),
    what :func:`bayesreg.map._stable.jacobi_rcond` would compute with a second
    factorisation.
    """
    diag = np.diag(H).copy()
    scale = np.where(diag > 0, 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)
    Hs = H * scale[:, None]
    Hs *= scale[None, :]
    rs = rhs * (scale if rhs.ndim == 1 else scale[:, None])
    rcond = 0.0
    try:
        anorm = float(np.abs(Hs).sum(axis=0).max()) if with_rcond else 0.0
        # factored in place when definite (no least-squares fall-back needs Hs then)
        c, low = linalg.cho_factor(Hs, check_finite=False, overwrite_a=definite)
        if with_rcond and (diag > 0).all():
            rcond = factor_rcond(c if not low else c.T, anorm)
        if definite or well_pivoted(c):
            z = linalg.cho_solve((c, low), rs, check_finite=False)
            z = z * (scale if z.ndim == 1 else scale[:, None])
            return (z, rcond) if with_rcond else z
    except linalg.LinAlgError:
        if definite:  # the failed factorisation overwrote Hs
            Hs = H * scale[:, None]
            Hs *= scale[None, :]
    z = linalg.lstsq(Hs, rs, check_finite=False, lapack_driver="gelsd")[0]
    z = z * (scale if z.ndim == 1 else scale[:, None])
    return (z, rcond) if with_rcond else z
