r"""Compiled solve of the L1 problem from a formed Gram matrix: the points of a path.

.. math::

    \min_w \tfrac12 w^\top Q w - q^\top w + \sum_j \lambda_{1j}|w_j| + \tfrac12\sum_j\lambda_{2j}w_j^2

With :math:`Q` formed (paths with ``n >= p``) a warm-started point costs little arithmetic,
and the Python-level active-set iterations of :mod:`bayesreg.map.active_set` (about 1 ms a
point, ~85 % of a 100-point path at 2000 × 500) would dominate. :func:`gram_path` solves a
run of points in one compiled call, each from the last, in rounds of

1. sweeps of cyclic coordinate descent (soft-thresholding: exact zeros) until one leaves
   every sign as it was: they find the support and signs as scikit-learn's Gram solver does;
2. the exact minimiser on that support with those signs, :math:`(Q_{SS} + \Lambda_2)\,x =
   q_S - \lambda_{1S}\theta_S`, by Cholesky: the point moves to it when its signs are
   :math:`\theta`, else towards it up to the first coordinate that reaches zero (which
   leaves the support), a descent step either way;
3. the optimality test of :mod:`bayesreg.map.kkt` on the gradient recomputed from
   :math:`Q` (not accumulated): every violation at most ``thr``.

The Cholesky factor is kept from point to point (:func:`_factor_support`): a coordinate
entering the support borders it and one leaving it is deleted by a rank-one update (both
:math:`O(m^2)`), an L2 weight that changed cuts it there; a factor mostly to be rebuilt (an
elastic net's L2 weight moves with every point) is refactored by LAPACK. The gradient recomputed in step 3 is the next
point's starting gradient (:math:`Qw - q` does not depend on the penalty).

A point it does not settle (``max_rounds`` rounds, or a support system that is not
numerically positive definite: more features than the rank) is handed back, and the
caller's active-set iterations solve it. It never decides the answer on its own: every
point of a path is certified afterwards from the residuals
(:func:`bayesreg.map.active_set.residual_certificates`), which also catches a support
system too ill-conditioned for the normal equations (the point is then re-solved by the
solver that checks conditioning and falls back to QR). Compiled once per machine (numba's
on-disk cache).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["GramFactor", "gram_path", "gradient"]


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
    for sweep in range(n_sweeps):
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
            return sweep + 1
    return n_sweeps


class GramFactor:
    r"""The support's Cholesky factor carried between the calls of one path.

    ``F[:m, :m]`` is the lower factor of :math:`Q_{oo} + \operatorname{diag}(\lambda_{2,o})`
    for the coordinates ``o = order[:m]`` in that order, with the L2 weights ``l2[o]`` it
    was formed with; ``pos[j]`` is coordinate ``j``'s place in ``order`` (-1 outside).
    """

    def __init__(self, p: int) -> None:
        self.F = np.zeros((p, p))
        self.order = np.zeros(p, dtype=np.int64)
        self.pos = np.full(p, -1, dtype=np.int64)
        self.l2 = np.zeros(p)
        self.m = np.zeros(1, dtype=np.int64)
        #: counts for :func:`gram_path` (its docstring)
        self.stats = np.zeros(7, dtype=np.int64)

    def reset(self) -> None:
        self.pos[:] = -1
        self.m[0] = 0


@njit(cache=True)
def gradient(Q, q, w, g):
    """``g = Qw - q`` in place (the exact starting gradient of :func:`gram_path`)."""
    _gradient(Q, q, w, g)


@njit(cache=True)
def _factor_support(Q, l2, w, S, F, order, pos, fl2, m_box, stats):
    """Make ``F`` the factor of the support ``S`` (nonzeros of ``w``) with weights ``l2``
    (:class:`GramFactor`); False if the system is not numerically positive definite."""
    m = m_box[0]
    cut = m  # the factor is kept up to the first coordinate whose L2 weight moved
    for a in range(m):
        if fl2[order[a]] != l2[order[a]]:
            cut = a
            break
    for a in range(cut, m):
        pos[order[a]] = -1
    stats[3] += m - cut
    m = cut
    for a in range(m - 1, -1, -1):  # coordinates that left the support, from the back
        if w[order[a]] == 0.0:
            m = _delete(F, order, pos, m, a)
            stats[6] += 1
    s = S.size
    if 2 * (s - m) > s:  # most of it to build: one blocked LAPACK factorisation
        H = np.empty((s, s))
        for a in range(s):
            ja = S[a]
            for b in range(s):
                H[a, b] = Q[ja, S[b]]
            H[a, a] += l2[ja]
        try:
            L = np.linalg.cholesky(H)
        except Exception:  # not positive definite
            for a in range(m):
                pos[order[a]] = -1
            m_box[0] = 0
            return False
        for a in range(s):
            ja = S[a]
            order[a] = ja
            pos[ja] = a
            fl2[ja] = l2[ja]
            for b in range(a + 1):
                F[a, b] = L[a, b]
        m_box[0] = s
        stats[4] += 1
        return True
    for t in range(s):  # border the factor with each new coordinate
        j = S[t]
        if pos[j] >= 0:
            continue
        ss = 0.0
        for a in range(m):
            v = Q[j, order[a]]
            for b in range(a):
                v -= F[a, b] * F[m, b]
            v /= F[a, a]
            F[m, a] = v
            ss += v * v
        d2 = Q[j, j] + l2[j] - ss
        if not d2 > 0.0:
            m_box[0] = m
            return False
        F[m, m] = np.sqrt(d2)
        order[m] = j
        pos[j] = m
        fl2[j] = l2[j]
        m += 1
        stats[5] += 1
    m_box[0] = m
    return True


@njit(cache=True)
def _delete(F, order, pos, m, i):
    r"""Remove the coordinate at place ``i`` from the factor of ``m`` (:class:`GramFactor`);
    returns ``m - 1``. With :math:`F` split at ``i`` into blocks, the factor without it is
    :math:`F_{11}, F_{31}` and a factor of :math:`F_{33}F_{33}^\top + f_{32}f_{32}^\top`,
    a rank-one update (LINPACK's ``dchud`` rotations: :math:`O((m - i)^2)`, stable)."""
    n2 = m - i - 1
    x = np.empty(n2)
    for a in range(n2):
        x[a] = F[i + 1 + a, i]
    for a in range(n2):
        ka = i + 1 + a
        fkk = F[ka, ka]
        r = np.hypot(fkk, x[a])
        c = r / fkk
        sn = x[a] / fkk
        F[ka, ka] = r
        for b in range(a + 1, n2):
            kb = i + 1 + b
            F[kb, ka] = (F[kb, ka] + sn * x[b]) / c
            x[b] = c * x[b] - sn * F[kb, ka]
    for a in range(i + 1, m):  # rows and columns after i move up and left by one
        for b in range(i):
            F[a - 1, b] = F[a, b]
        for b in range(i + 1, a + 1):
            F[a - 1, b - 1] = F[a, b]
    pos[order[i]] = -1
    for a in range(i + 1, m):
        order[a - 1] = order[a]
        pos[order[a - 1]] = a - 1
    return m - 1


@njit(cache=True)
def _solve_factored(F, order, m, q, l1, w):
    r""":math:`x` on the factor's coordinates ``order[:m]``: :math:`FF^\top x = q_o - \lambda_{1o}\theta_o`."""
    y = np.empty(m)
    for i in range(m):
        j = order[i]
        v = q[j] - l1[j] * np.sign(w[j])
        for k in range(i):
            v -= F[i, k] * y[k]
        y[i] = v / F[i, i]
    for i in range(m - 1, -1, -1):  # F^T x = y by rows of F (contiguous)
        y[i] /= F[i, i]
        xi = y[i]
        for k in range(i):
            y[k] -= F[i, k] * xi
    return y


@njit(cache=True)
def gram_path(
    Q, q, L1, L2, U, w, g, thr, start, stop, max_rounds, n_sweeps, F, order, pos, fl2, m_box, stats
):
    """Points ``start`` to ``stop - 1`` (rows of ``L1``, ``L2``) into the rows of ``U``, each
    warm-started from the last (module docstring).

    ``w`` is the warm start and ``g = Qw - q`` its exact gradient, both updated in place:
    on return they are the last settled point's. ``F, order, pos, fl2, m_box`` are a
    :class:`GramFactor`'s arrays. ``stats`` (int64, length 7) accumulates the rounds,
    sweeps, support solves, factor rows cut, LAPACK refactorisations, borderings and
    deletions.
    Returns the first point not settled (``stop`` if all are).
    """
    p = w.size
    x_w = np.empty(p)
    x_g = np.empty(p)
    for k in range(start, stop):
        l1 = L1[k]
        l2 = L2[k]
        settled = _max_violation(l1, l2, w, g) <= thr
        if not settled:
            x_w[:] = w  # the warm start, restored if the point is not settled
            x_g[:] = g
        r = 0
        while not settled and r < max_rounds:
            r += 1
            stats[0] += 1
            stats[1] += _sweeps(Q, l1, l2, w, g, n_sweeps)
            S = np.nonzero(w)[0]
            if S.size > 0:
                if not _factor_support(Q, l2, w, S, F, order, pos, fl2, m_box, stats):
                    break
                stats[2] += 1
                m = m_box[0]
                x = _solve_factored(F, order, m, q, l1, w)
                # towards x as far as the signs allow: all the way when they agree, else to
                # the first coordinate that crosses zero, which is set to exactly zero (the
                # objective is convex on the orthant, minimised there at x: a descent step)
                t = 1.0
                for a in range(m):
                    wa = w[order[a]]
                    if np.sign(x[a]) != np.sign(wa):
                        t = min(t, wa / (wa - x[a]))
                for a in range(m):
                    j = order[a]
                    wa = w[j]
                    if np.sign(x[a]) != np.sign(wa) and wa / (wa - x[a]) <= t:
                        w[j] = 0.0
                    else:
                        w[j] = wa + t * (x[a] - wa)
            _gradient(Q, q, w, g)
            settled = _max_violation(l1, l2, w, g) <= thr
        if not settled:
            w[:] = x_w
            g[:] = x_g
            return k
        U[k, :] = w
    return stop
