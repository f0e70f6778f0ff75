r"""Orthogonal-factorisation fallbacks for designs whose Gram matrix has lost the answer.

The fast solvers work with :math:`Q = A^\top A`. Forming it squares the design's
condition number: columns that differ only in their eighth digit (a large common offset
without an intercept, or nearly collinear features) have differences that :math:`Q`
holds to no digit at all, and an answer solved from it can be wrong in its first digit
while a gradient formed as :math:`Qw - q` cancels to a reassuring zero. Everything here
works on :math:`A` itself:

* :func:`residual_gradient` forms :math:`g = A^\top(Aw - b_c) + \lambda_2 w` from the residual,
  which loses nothing to cancellation, so the certificate it gives is honest;
* :func:`solve_support` solves the sign-fixed system of a working set :math:`W`,
  :math:`(A_W^\top A_W + \Lambda_{2})x = A_W^\top b_c - \lambda_{1W}\theta_W`, from a QR
  factorisation :math:`[A_W;\ \Lambda_2^{1/2}] = QR`:
  :math:`x = R^{-1}\big(Q^\top[b_c; 0] - R^{-\top}\lambda_{1W}\theta_W\big)`, whose error
  grows with :math:`\kappa(A)`, not :math:`\kappa(A)^2` (as scikit-learn's SVD solver);
* :func:`refine_l1` repeats the active-set step of :mod:`bayesreg.map.active_set` with
  those two, from the fast solver's answer, until the honest certificate holds.

A certificate alone cannot tell when they are needed: it measures the *backward* error,
and with :math:`\kappa(Q) = 10^{16}` a backward error of :math:`10^{-16}` allows a forward
error of order one. So the solvers estimate the condition number of the system they
solved (:func:`jacobi_rcond`, LAPACK's ``dpocon`` on the Jacobi-scaled Cholesky factor)
and switch to these when :math:`\kappa > 10^8` (:data:`RCOND_MIN`), where the normal
equations can no longer promise 8 digits; a well-conditioned problem pays one
:math:`O(p^3/3)` factor of the final system and one :math:`O(np)` gradient.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from bayesreg.map._linalg import callers_blas_threads, factor_rcond

__all__ = ["RCOND_MIN", "jacobi_rcond", "residual_gradient", "solve_support", "solve_ridge_qr",
           "refine_l1"]

#: reciprocal condition number below which the normal equations are not trusted
RCOND_MIN = 1e-8


def jacobi_rcond(H: np.ndarray, factor: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    r"""Estimated reciprocal condition number of the Jacobi-scaled SPD matrix ``H`` (0 if
    it is not numerically positive definite).

    ``factor=(L, perm)``, a lower Cholesky factor of ``H[perm][:, perm]`` already at hand,
    saves the factorisation: with :math:`S = \operatorname{diag}(H)^{-1/2}`, :math:`S_\pi L`
    is a factor of the scaled matrix permuted alike, and neither the condition number nor
    the 1-norm depends on the order.
    """
    if H.size == 0:
        return 1.0
    diag = np.diag(H)
    if not (diag > 0).all():
        return 0.0
    s = 1.0 / np.sqrt(diag)
    Hs = H * s[:, None] * s[None, :]
    anorm = float(np.abs(Hs).sum(axis=0).max())
    if factor is not None:
        L, perm = factor
        return factor_rcond((L * s[perm][:, None]).T, anorm)  # upper factor
    try:
        c = linalg.cholesky(Hs, lower=False, check_finite=False)
    except linalg.LinAlgError:
        return 0.0
    return factor_rcond(c, anorm)


def residual_gradient(lik, w: np.ndarray, l2: float | np.ndarray = 0.0) -> np.ndarray:
    r""":math:`A^\top(Aw - b_c) + \lambda_2 w`, from the residual (module docstring)."""
    S = np.flatnonzero(w)
    A = lik.A
    # the support's columns gathered, unless they are a good part of A (then A @ w reads
    # A once and copies nothing); a large design's passes get the caller's BLAS threads
    with callers_blas_threads(2 * A.size):
        r = (A @ w if 4 * S.size > w.size else A[:, S] @ w[S]) - lik.b
        g = A.T @ r
    if np.any(l2):
        g = g + l2 * w
    return g


def solve_support(
    lik, W: np.ndarray, l1: np.ndarray, l2: np.ndarray, theta: np.ndarray
) -> np.ndarray:
    """The sign-fixed minimiser on working set ``W`` from a QR factorisation (module docstring)."""
    A = lik.A[:, W]
    m = W.size
    M = np.vstack([A, np.diag(np.sqrt(l2[W]))])
    rhs = np.concatenate([lik.b, np.zeros(m)])
    Q, R = linalg.qr(M, mode="economic", check_finite=False)
    c = l1[W] * theta
    d = np.abs(np.diag(R))
    if d.size and d.min() > 1e3 * np.finfo(float).eps * d.max():
        z = Q.T @ rhs - linalg.solve_triangular(R, c, trans="T", check_finite=False)
        return linalg.solve_triangular(R, z, check_finite=False)
    # rank-deficient (unpenalised collinear columns): the least-squares solution
    H = R.T @ R
    return linalg.lstsq(H, R.T @ (Q.T @ rhs) - c, check_finite=False, lapack_driver="gelsd")[0]


def solve_ridge_qr(lik, l2: np.ndarray) -> np.ndarray:
    r""":math:`\arg\min \tfrac12\lVert b_c - Aw\rVert^2 + \tfrac12\sum_j\lambda_{2j}w_j^2` by QR."""
    p = lik.n_features
    l2 = np.broadcast_to(np.asarray(l2, dtype=float), (p,))
    return solve_support(lik, np.arange(p), np.zeros(p), l2, np.zeros(p))


def refine_l1(
    lik, w: np.ndarray, l1: np.ndarray, l2: np.ndarray, thr: float, max_iter: int = 200
) -> int:
    r"""Active-set steps on the design itself, in place on ``w``, until every coordinate's
    violation (from :func:`residual_gradient`) is at most ``thr``. Returns the count.

    Each step solves the sign-fixed system of the support plus the worst violator
    (:func:`solve_support`) and moves toward it with the exact line search of
    :func:`bayesreg.map.active_set._line_search`, its curvature :math:`\lVert A_Wd\rVert^2
    + \sum\lambda_2 d^2` formed from the design.
    """
    from bayesreg.map.active_set import _line_search

    S = np.flatnonzero(w)
    if S.size:  # the fast solver's support and signs, re-solved on the design
        x = solve_support(lik, S, l1, l2, np.sign(w[S]))
        if np.array_equal(np.sign(x), np.sign(w[S])):
            w[S] = x
    for it in range(1, max_iter + 1):
        g = residual_gradient(lik, w, l2)
        S = np.flatnonzero(w)
        theta_S = np.sign(w[S])
        viol = np.abs(g) - l1
        viol[S] = -np.inf
        supp = np.abs(g[S] + l1[S] * theta_S) if S.size else np.zeros(0)
        worst = int(np.argmax(viol)) if viol.size else 0
        if (viol.size == 0 or viol[worst] <= thr) and (supp.size == 0 or supp.max() <= thr):
            return it - 1
        if viol.size and viol[worst] > thr:
            W = np.append(S, worst)
            theta = np.append(theta_S, -np.sign(g[worst]))
        else:
            W, theta = S, theta_S
        wW = w[W]
        d = solve_support(lik, W, l1, l2, theta) - wW
        Ad = lik.A[:, W] @ d
        curv = float(Ad @ Ad + (l2[W] * d) @ d)
        t, at_kink, crossed = _line_search(wW, d, float(g[W] @ d), curv, l1[W])
        if t <= 0:
            return it
        new = wW + t * d
        new[at_kink] = 0.0
        w[W] = new
    return max_iter
