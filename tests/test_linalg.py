"""The MAP solvers' numerical helpers: one factorisation for a solve and its condition
estimate, and BLAS threads handed back to the large products only."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from bayesreg.map import _linalg
from bayesreg.map._linalg import callers_blas_threads, pos_solve, single_threaded_blas
from bayesreg.map._stable import jacobi_rcond


def _blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


@pytest.mark.parametrize("kind", ["spd", "spread", "near_singular", "singular", "zero_column"])
def test_pos_solve_rcond_is_jacobi_rcond_of_a_second_factorisation(kind):
    rng = np.random.default_rng(3)
    A = rng.standard_normal((40, 12))
    if kind == "near_singular":
        A[:, 5] = A[:, 4] + 1e-9 * rng.standard_normal(40)
    if kind == "singular":
        A[:, 5] = A[:, 4]
    if kind == "zero_column":
        A[:, 7] = 0.0
    H0 = A.T @ A
    r0 = rng.standard_normal(12)
    d = 10.0 ** rng.uniform(-80, 80, 12) if kind == "spread" else np.ones(12)
    H, rhs = H0 * d[:, None] * d[None, :], r0 * d  # DH0D x = D r0: x = H0^{-1} r0 / d
    x, rcond = pos_solve(H, rhs, with_rcond=True)
    assert rcond == pytest.approx(jacobi_rcond(H), rel=1e-12, abs=1e-300)
    np.testing.assert_array_equal(x, pos_solve(H, rhs))  # the same answer either way
    if kind in ("spd", "spread"):  # against an independent solve
        np.testing.assert_allclose(x * d, np.linalg.solve(H0, r0), rtol=1e-10)


def test_large_products_get_the_callers_threads_and_small_ones_do_not():
    if not _blas_threads():
        pytest.skip("no BLAS library visible to threadpoolctl")
    with threadpool_limits(limits=2, user_api="blas"):
        with single_threaded_blas():
            assert _blas_threads() == {1}
            with callers_blas_threads(10 * _linalg._LEVEL3_MIN_FLOPS):
                assert _blas_threads() == {2}
            assert _blas_threads() == {1}
            with callers_blas_threads(0.1 * _linalg._LEVEL3_MIN_FLOPS):
                assert _blas_threads() == {1}
            with single_threaded_blas():  # nested: still the outermost caller's count
                with callers_blas_threads(10 * _linalg._LEVEL3_MIN_FLOPS):
                    assert _blas_threads() == {2}
        assert _blas_threads() == {2}
    with threadpool_limits(limits=1, user_api="blas"), single_threaded_blas():
        with callers_blas_threads(10 * _linalg._LEVEL3_MIN_FLOPS):
            assert _blas_threads() == {1}  # a caller on one thread keeps one


def test_a_system_wrongly_declared_definite_still_gets_the_least_squares_answer():
    """``definite=True`` factors in place; if the factorisation fails after all (a singular,
    indefinite matrix passed as definite), the least-squares solve must see the matrix, not
    the half-factored remains."""
    rng = np.random.default_rng(8)
    A = rng.standard_normal((20, 6))
    A[:, 5] = A[:, 4]
    H = A.T @ A
    H[5, 5] = H[4, 4] = 2.0  # rows 4 and 5 of H become equal: singular, and indefinite
    H[4, 5] = H[5, 4] = 2.0
    rhs = H @ rng.standard_normal(6)  # in the range of H
    x = pos_solve(H, rhs, definite=True)
    np.testing.assert_allclose(H @ x, rhs, rtol=1e-9, atol=1e-9 * np.abs(rhs).max())
