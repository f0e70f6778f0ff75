r"""Compiled solve of the L1 problem from a formed Gram matrix: the points of a path.

.. math::

    \min_w \tfrac12 w^\top Q w - q^\top w + \sum_j \lambda_{1j}|w_j| + \tfrac12\sum_j\lambda_{2j}w_j^2

With :math:`Q` formed (paths with ``n >= p``) a warm-started point costs little arithmetic,
and the Python-level active-set iterations of :mod:`bayesreg.map.active_set` (about 1 ms a
point, ~85 % of a 100-point path at 2000 × 500) dominate. :func:`gram_point` does the same
job in one compiled call, in rounds of

1. sweeps of cyclic coordinate descent (soft-thresholding: exact zeros) until one leaves
   every sign as it was: they find the support and signs as scikit-learn's Gram solver does;
2. the exact minimiser on that support with those signs, :math:`(Q_{SS} + \Lambda_2)\,x =
   q_S - \lambda_{1S}\theta_S`, by Cholesky (LAPACK), accepted when its signs are
   :math:`\theta`;
3. the optimality test of :mod:`bayesreg.map.kkt` on the gradient recomputed from
   :math:`Q` (not accumulated): every violation at most ``thr``.

It returns whether step 3 passed. It never decides the answer on its own: a point it does
not settle goes to the active-set solver, and every point of a path is certified afterwards
from the residuals (:func:`bayesreg.map.active_set.residual_certificates`), which also
catches a support system too ill-conditioned for the normal equations (the point is then
re-solved by the solver that checks conditioning and falls back to QR). A non-positive-
definite support system raises ``LinAlgError`` (more features than the rank), also a
fall-back. Compiled once per machine (numba's on-disk cache).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["gram_point"]


@njit(cache=True)
def _gradient(Q, q, w, g):
    """:math:`g = Qw - q` from the support's rows of the symmetric :math:`Q`."""
    p = w.size
    for k in range(p):
        g[k] = -q[k]
    for j in range(p):
        wj = w[j]
        if wj != 0.0:
            for k in range(p):
                g[k] += wj * Q[j, k]


@njit(cache=True)
def _max_violation(l1, l2, w, g):
    """Largest distance from 0 to a coordinate's subdifferential (:mod:`bayesreg.map.kkt`)."""
    v = 0.0
    for j in range(w.size):
        gj = g[j] + l2[j] * w[j]
        if w[j] > 0.0:
            x = abs(gj + l1[j])
        elif w[j] < 0.0:
            x = abs(gj - l1[j])
        else:
            x = abs(gj) - l1[j]
        if x > v:
            v = x
    return v


@njit(cache=True)
def _sweeps(Q, l1, l2, w, g, n_sweeps):
    """Cyclic coordinate descent, in place on ``w`` and on ``g = Qw - q``, until a sweep
    leaves every sign unchanged (at most ``n_sweeps``)."""
    p = w.size
    for _ in range(n_sweeps):
        stable = True
        for j in range(p):
            h = Q[j, j] + l2[j]
            if not h > 0.0:
                continue
            old = w[j]
            z = h * old - (g[j] + l2[j] * old)
            a = abs(z) - l1[j]
            new = 0.0
            if a > 0.0:
                new = a / h if z > 0.0 else -a / h
            if new != old:
                if np.sign(new) != np.sign(old):
                    stable = False
                d = new - old
                for k in range(p):
                    g[k] += d * Q[j, k]
                w[j] = new
        if stable:
            return


@njit(cache=True)
def _solve_support(Q, q, l1, l2, w, S):
    r""":math:`(Q_{SS} + \Lambda_{2,S})^{-1}(q_S - \lambda_{1S}\operatorname{sign} w_S)`."""
    m = S.size
    H = np.empty((m, m))
    rhs = np.empty(m)
    for a in range(m):
        ja = S[a]
        for b in range(m):
            H[a, b] = Q[ja, S[b]]
        H[a, a] += l2[ja]
        rhs[a] = q[ja] - l1[ja] * np.sign(w[ja])
    L = np.linalg.cholesky(H)
    y = np.empty(m)
    for i in range(m):
        s = rhs[i]
        for k in range(i):
            s -= L[i, k] * y[k]
        y[i] = s / L[i, i]
    # L^T x = y by columns of L^T, i.e. rows of L (contiguous)
    for i in range(m - 1, -1, -1):
        y[i] /= L[i, i]
        xi = y[i]
        for k in range(i):
            y[k] -= L[i, k] * xi
    return y


@njit(cache=True)
def gram_point(Q, q, l1, l2, w, thr, max_rounds, n_sweeps):
    """Rounds of sweeps and support solves (module docstring), in place on ``w``.

    Returns ``(settled, rounds)``: whether every violation is at most ``thr``.
    """
    p = w.size
    g = np.empty(p)
    _gradient(Q, q, w, g)
    if _max_violation(l1, l2, w, g) <= thr:
        return True, 0
    for r in range(1, max_rounds + 1):
        _sweeps(Q, l1, l2, w, g, n_sweeps)
        S = np.nonzero(w)[0]
        if S.size > 0:
            x = _solve_support(Q, q, l1, l2, w, S)
            same = True
            for a in range(S.size):
                if np.sign(x[a]) != np.sign(w[S[a]]):
                    same = False
                    break
            if same:
                for a in range(S.size):
                    w[S[a]] = x[a]
        _gradient(Q, q, w, g)
        if _max_violation(l1, l2, w, g) <= thr:
            return True, r
    return False, max_rounds
