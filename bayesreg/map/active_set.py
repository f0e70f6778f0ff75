r"""Exact solvers for the MAP problem in σ²-units.

.. math::

    \min_w F(w) = \tfrac12 w^\top Q w - q^\top w
                  + \lambda_1 \lVert w\rVert_1 + \tfrac{\lambda_2}{2}\lVert w\rVert^2,
    \qquad Q = A^\top A,\; q = A^\top b_c

(:mod:`bayesreg.datafits.gaussian` defines :math:`A` and :math:`b_c`; :mod:`bayesreg.penalty`
defines :math:`\lambda_1, \lambda_2`).

The exact solver for :math:`\lambda_1 > 0` (the Gaussian prior's linear solve is in
:mod:`bayesreg.map.ridge`):

* :func:`solve_l1` (:math:`\lambda_1 > 0`): an active-set method in the family of the
  feature-sign search of Lee et al. (2007). On a working set :math:`W` with signs
  :math:`\theta` fixed, :math:`F` is a quadratic whose minimiser solves the linear system

  .. math:: (Q_{WW} + \lambda_2 I)\, x = q_W - \lambda_1 \theta_W .

  From the current point the solver moves toward :math:`x` with an *exact* line search
  on the true, piecewise-quadratic :math:`F` (breakpoints where a coordinate crosses
  zero); a coordinate whose optimum is a breakpoint is set to exactly zero. When the
  support is optimal, coordinates violating :math:`|g_j| \le \lambda_1` join the working
  set with sign :math:`-\operatorname{sign}(g_j)`. Every step decreases :math:`F` and the
  number of sign patterns is finite, so it terminates at an exact optimum: zeros are
  exact zeros and the non-zeros solve the linear system to rounding error.
  Cold starts use continuation (a short geometric sequence of :math:`\lambda_1` from
  :math:`\lVert q\rVert_\infty` down), and paths use warm starts.

The iterations above run on a *working set* of features (celer's and skglm's strategy,
with an exact inner solver): features outside it are held at zero, :math:`Q` is formed
on it only (:class:`_WorkingSet`), and one outer iteration is

1. the exact minimiser over the working set (the iterations above);
2. one gradient over every feature from the residual, :math:`A^\top(Aw - b_c)`, the one
   :math:`O(np)` pass of the iteration, and the certificate when nothing violates;
3. the violators outside the working set and the features nearest to violating, by
   :math:`|g_j|/\lambda_{1j}`, join it, at least ``WS_MIN`` and as many as the support
   (so it grows geometrically from a cold start and by a few along a path).

A cold solve at 0.1 of the zero-threshold penalty takes 2-5 outer iterations. Where the
datafit holds :math:`Q` (paths with ``n >= p``, small problems) the points are solved by a
compiled run from :math:`Q` (:func:`solve_l1_path`), these iterations (working set: every
feature, gradients from :math:`Q`) taking any point it does not settle, and the points are
certified afterwards from the residuals where the Gram form could be off
(:func:`residual_certificates`).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import linalg

from bayesreg.datafits import GaussianDatafit
from bayesreg.map._linalg import KKT_TOL, callers_blas_threads, pos_solve, single_threaded_blas, well_pivoted
from bayesreg.map._stable import RCOND_MIN, jacobi_rcond, refine_l1, residual_gradient
from bayesreg.map.kkt import coordinate_violations, kkt_residual
from bayesreg.map.result import SolverOutput

__all__ = ["REQUIRES", "residual_certificates", "solve_l1", "workspace", "zero_threshold"]

#: what this solver reads from a datafit (skglm's ``_datafit_required_attr``); it reads
#: ``gram`` only where ``has_gram`` says it is already formed
REQUIRES = ("has_gram", "q", "A", "b", "n_effective", "fit_intercept", "n_features")


def zero_threshold(lik: GaussianDatafit) -> float:
    r""":math:`\lambda_1^{\max} = \lVert q\rVert_\infty`: for :math:`\lambda_1` at or above
    it (and any :math:`\lambda_2`), :math:`w = 0` is the exact MAP."""
    q = lik.q
    return float(np.abs(q).max()) if q.size else 0.0


# ------------------------------------------------------------------------ lasso/EN
#: size of the first working set and least number of features added per outer
#: iteration (celer's ``p0``); measured at the benchmark's sizes: 10 and 20 alike, 5 and
#: 40 slower
WS_MIN = 10


def _times(Q: np.ndarray, w: np.ndarray) -> np.ndarray:
    r""":math:`Qw` for a symmetric :math:`Q` and a sparse :math:`w`: :math:`w_S^\top Q_{S,:}`
    gathers the support's rows (contiguous) where :math:`Q_{:,S}w_S` would gather columns,
    and the whole product is cheaper once the support is a quarter of the coordinates."""
    S = np.flatnonzero(w)
    if 4 * S.size >= w.size:
        return Q @ w
    return w[S] @ Q[S]


class _WorkingSet:
    r"""The features the exact solver works on, :math:`W`, with :math:`Q_{WW}` and :math:`q_W`.

    Features only join :math:`W`, so a feature's position in it (a coordinate of the inner
    problem, and of the Cholesky factor) never changes. Unless the datafit already holds
    the Gram matrix, the columns :math:`A_W` are kept side by side and :math:`Q_{WW}` grows
    by bordering: :math:`m` new features cost :math:`O(n|W|m)`, never a pass over :math:`A`.
    With the Gram matrix formed (paths with ``n >= p``), :math:`W` is every feature.

    :meth:`full_gradient` is the only product with all of :math:`A`, one per outer
    iteration: :math:`A^\top(Aw - b_c)` from the residual
    (:func:`bayesreg.map._stable.residual_gradient`), so the certificate is honest and free.
    With ``from_residual=False`` (a formed Gram matrix only) it is :math:`Qw - q` instead,
    no pass over :math:`A`; the caller then certifies from the residual itself
    (:func:`residual_certificates`, the points of a path in blocks of matrix products).
    """

    def __init__(self, lik: GaussianDatafit, from_residual: bool = True) -> None:
        p = lik.n_features
        self.lik = lik
        self.from_residual = bool(from_residual) or not lik.has_gram
        self.full = lik.gram if lik.has_gram else None
        if self.full is not None:
            self.pos = np.arange(p)
            self._idx = np.arange(p)
            self.size = p
        else:
            self.pos = np.full(p, -1, dtype=np.intp)
            self._idx = np.empty(0, dtype=np.intp)
            self._Q = np.empty((0, 0))
            self._At = np.empty((0, lik.A.shape[0]))  # A_W, one row per column
            self.size = 0
        self._q: np.ndarray | None = None
        self._memo: tuple | None = None
        self._outer: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def idx(self) -> np.ndarray:
        """The features of :math:`W`, by position."""
        return self._idx[: self.size]

    @property
    def Q(self) -> np.ndarray:
        """:math:`Q_{WW}` (a view)."""
        return self.full if self.full is not None else self._Q[: self.size, : self.size]

    @property
    def q(self) -> np.ndarray:
        """:math:`q_W`."""
        if self._q is None or self._q.size != self.size:
            self._q = self.lik.q[self.idx]
        return self._q

    def add(self, new: np.ndarray) -> None:
        """Let the features ``new`` join :math:`W` (those already in it are ignored)."""
        new = new[self.pos[new] < 0]
        m, k = self.size, new.size
        if k == 0:
            return
        if m + k > self._Q.shape[0]:
            cap = max(m + k, 2 * self._Q.shape[0], 32)
            Q = np.empty((cap, cap))
            Q[:m, :m] = self._Q[:m, :m]
            At = np.empty((cap, self._At.shape[1]))
            At[:m] = self._At[:m]
            idx = np.empty(cap, dtype=np.intp)
            idx[:m] = self._idx[:m]
            self._Q, self._At, self._idx = Q, At, idx
        An = self._At[m : m + k]
        An[:] = self.lik.A[:, new].T
        B = self._At[: m + k] @ An.T  # (Q_{W,new}; Q_{new,new})
        self._Q[: m + k, m : m + k] = B
        self._Q[m : m + k, :m] = B[:m].T
        self._idx[m : m + k] = new
        self.pos[new] = np.arange(m, m + k)
        self.size = m + k
        self._memo = None

    def block(self, idx: np.ndarray) -> np.ndarray:
        """:math:`Q_{II}` for positions ``I`` in :math:`W` (a fresh array)."""
        return self.Q[idx][:, idx]  # rows, then columns: 4x faster than np.ix_

    def gradient(self, w: np.ndarray, l2: np.ndarray) -> np.ndarray:
        r"""Smooth gradient of the inner problem, :math:`Q_{WW}w - q_W + \lambda_2 w`,
        for ``w`` on :math:`W` (:math:`O(|W|\,|S|)`; the last one is remembered)."""
        memo = self._memo
        if memo is not None and memo[0] == self.size and memo[2] is l2 and np.array_equal(memo[1], w):
            return memo[3]
        g = _times(self.Q, w) - self.q
        g += l2 * w
        self._memo = (self.size, w.copy(), l2, g)
        return g

    def full_gradient(self, w: np.ndarray) -> np.ndarray:
        r""":math:`A^\top(Aw - b_c)` over every feature, for ``w`` of every feature (one pass
        over :math:`A`, none at :math:`w = 0`; the last one is remembered, so the next
        point of a path starts from it)."""
        o = self._outer
        if o is not None and np.array_equal(o[0], w):
            return o[1]
        if not w.any():
            g = -self.lik.q
        elif self.from_residual:
            g = residual_gradient(self.lik, w)
        else:
            g = _times(self.full, w) - self.lik.q
        self._outer = (w.copy(), g)
        return g


class _CholeskyCache:
    r"""Cholesky factor of :math:`Q_{WW} + \lambda_2 I`, kept across iterations.

    Features that leave the working set are removed by recomputing only the trailing
    block (:meth:`_downdate`); features that join it are added by bordering (:meth:`_border`),
    :math:`L' = \begin{pmatrix} L & 0 \\ B L^{-\top} & \mathrm{chol}(C - B H^{-1} B^\top)\end{pmatrix}`,
    at :math:`O(k^2 m)` instead of :math:`O(k^3)`. A numerically singular system raises
    ``LinAlgError``; the caller then takes a null-space or least-squares direction.
    """

    def __init__(self, p: int) -> None:
        self.order: np.ndarray | None = None
        self.L: np.ndarray | None = None
        self.l2: np.ndarray | None = None
        self.loc = np.full(p, -1, dtype=np.intp)

    def reset(self, l2: np.ndarray) -> None:
        r"""Forget the factor unless it was built for this :math:`\lambda_2` (``l2`` of
        the working set, which only grows: the factor's positions keep their weights)."""
        old = self.l2
        if old is None or old.size > l2.size or not np.array_equal(old, l2[: old.size]):
            self.order = self.L = None
        self.l2 = l2

    @staticmethod
    def _downdate(order: np.ndarray, L: np.ndarray, kept: np.ndarray):
        r"""Factor of the system without the dropped features.

        With :math:`i_0` the first dropped position and :math:`K` the kept ones after it,
        the new factor keeps :math:`L_{:i_0,:i_0}` and :math:`L_{K,:i_0}`, and its trailing
        block is :math:`\mathrm{chol}(L_{K,i_0:}L_{K,i_0:}^\top)`.
        """
        i0 = int(np.argmin(kept))
        K = np.flatnonzero(kept[i0:]) + i0
        m = i0 + K.size
        new = np.zeros((m, m))
        new[:i0, :i0] = L[:i0, :i0]
        if K.size:
            tail = L[K, i0:]
            new[i0:, :i0] = L[K, :i0]
            new[i0:, i0:] = linalg.cholesky(tail @ tail.T, lower=True, check_finite=False)
        return order[kept], new

    @staticmethod
    def _border(order, L, added, H, loc):
        """Factor extended by the rows and columns of the ``added`` features."""
        k = order.size
        po, pa = loc[order], loc[added]
        L21 = linalg.solve_triangular(L, H[po][:, pa], lower=True, check_finite=False).T
        L22 = linalg.cholesky(
            H[pa][:, pa] - L21 @ L21.T, lower=True, check_finite=False
        )
        new = np.zeros((k + added.size, k + added.size))
        new[:k, :k] = L
        new[k:, :k] = L21
        new[k:, k:] = L22
        return np.concatenate([order, added]), new

    def factor_of(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """``(L, perm)`` with ``L`` the cached factor of ``H[perm][:, perm]``, ``H`` the
        system on working-set positions ``W`` (in W's order), if the cache holds exactly
        that set; else None."""
        if self.order is None or self.order.size != W.size:
            return None
        loc = self.loc
        loc[W] = np.arange(W.size)
        try:
            perm = loc[self.order]
            return None if (perm < 0).any() else (self.L, perm)
        finally:
            loc[W] = -1

    def solve(self, W: np.ndarray, H: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        """Solve ``H x = rhs`` where ``H`` is the system on working set ``W`` (in W's order).

        Raises ``LinAlgError`` when the system is numerically singular.
        """
        loc = self.loc
        loc[W] = np.arange(W.size)
        try:
            L = None
            if self.order is not None:
                order, L = self.order, self.L
                kept = loc[order] >= 0
                if not kept.all():
                    order, L = self._downdate(order, L, kept)
                if L is not None and order.size > 0:
                    is_old = np.zeros(W.size, dtype=bool)
                    is_old[loc[order]] = True
                    if not is_old.all():
                        order, L = self._border(order, L, W[~is_old], H, loc)
                    perm = loc[order]
                else:
                    L = None
            if L is None:
                order, perm = W, np.arange(W.size)
                L = linalg.cholesky(H, lower=True, check_finite=False)
            if not well_pivoted(L):
                raise linalg.LinAlgError("near-singular")
            xp = linalg.cho_solve((L, True), rhs[perm], check_finite=False)
            x = np.empty_like(xp)
            x[perm] = xp
            # a factor of a numerically singular matrix can "succeed" with a useless
            # solution: accept only a small backward error
            scale = np.abs(H).max() * np.abs(x).max() + np.abs(rhs).max()
            if np.abs(H @ x - rhs).max() > 1e-10 * scale:
                raise linalg.LinAlgError("inaccurate solve")
            self.order, self.L = order, L
            return x
        except linalg.LinAlgError:
            self.order = self.L = None
            raise
        finally:
            loc[W] = -1


def _line_search(w: np.ndarray, d: np.ndarray, slope: float, curv: float, l1: np.ndarray):
    r"""Exact minimiser over :math:`t\in[0,1]` of the convex piecewise quadratic
    :math:`\varphi(t) = t\,g^\top d + \tfrac{t^2}{2} d^\top H d + \lambda_1\lVert w+td\rVert_1`.

    Returns ``(t, at_kink, crossed)``: the step, a boolean mask of coordinates whose
    breakpoint equals ``t`` (to be set to exactly zero), and whether any coordinate
    changed sign before ``t``.
    """
    nz = w != 0
    s0 = np.where(nz, np.sign(w), np.sign(d))
    D = slope + float((l1 * d) @ s0)  # right derivative at t = 0
    none = np.zeros(w.shape, dtype=bool)
    if D >= 0:  # not a descent direction (after a kink, D < 0 holds by construction)
        return 0.0, none, False
    with np.errstate(divide="ignore", invalid="ignore"):
        tb = np.where(nz & (w * d < 0), -w / d, np.inf)
    cand = np.flatnonzero(tb <= 1.0)
    order = cand[np.argsort(tb[cand], kind="stable")]
    t_cur = 0.0
    k = 0
    crossed = False
    while k < order.size:
        tk = tb[order[k]]
        if curv > 0:
            t_star = t_cur - D / curv
            if t_star < tk:
                return t_star, none, crossed
        # pass the breakpoint(s) at tk
        j = k
        jump = 0.0
        while j < order.size and tb[order[j]] == tk:
            jump += 2.0 * l1[order[j]] * abs(d[order[j]])
            j += 1
        D_left = D + curv * (tk - t_cur)  # derivative just left of tk
        if D_left + jump >= 0:  # minimum exactly at the kink tk
            at = none.copy()
            at[order[k:j]] = True
            return tk, at, crossed
        D = D_left + jump
        t_cur = tk
        crossed = True
        k = j
    if curv > 0:
        return min(t_cur - D / curv, 1.0), none, crossed
    return 1.0, none, crossed


#: an eigenvalue this small relative to the largest is zero (a null direction)
_NULL_EIG = 1e-10


def _singular_direction(
    H: np.ndarray, rhs: np.ndarray, wW: np.ndarray, theta: np.ndarray, n_added: int
) -> tuple[np.ndarray, int | None]:
    r"""A step when the sign-fixed system on :math:`W` is singular.

    With one feature :math:`j` added to a support :math:`S` on which :math:`H_{SS}` is
    non-singular and :math:`x_S` optimal, a singular :math:`H_{WW}` has the null vector
    :math:`v = \theta_j\,(-H_{SS}^{-1}H_{Sj},\ 1)`. Along it the data term is constant
    and the L1 term falls at rate :math:`|g_j| - \lambda_1 > 0` until the first
    coordinate of :math:`S` reaches zero, where the step stops exactly (a swap).

    With no feature added (a support whose own system is singular, more non-zeros than
    the rank of :math:`Q`), the null vector :math:`v` of :math:`H` (its eigenvector of
    least eigenvalue, oriented so that :math:`F` does not rise along it: the data term is
    constant and the L1 term linear) leads to the first coordinate that reaches zero, which
    leaves the support.

    Returns ``(d, i)``: the step and the position in ``W`` to set to exactly zero, or
    ``(d, None)`` for a least-squares direction to be line-searched.
    """
    k = wW.size - n_added
    if n_added == 0 and k > 0:
        evals, evecs = linalg.eigh(H, check_finite=False)
        v = evecs[:, 0]
        if abs(evals[0]) <= _NULL_EIG * max(abs(evals[-1]), 1e-300):
            if (H @ wW - rhs) @ v > 0:  # slope of F along v (signs fixed)
                v = -v
            with np.errstate(divide="ignore", invalid="ignore"):
                tb = np.where(wW * v < 0, -wW / v, np.inf)
            i = int(np.argmin(tb))
            if np.isfinite(tb[i]):
                return tb[i] * v, i
    if n_added == 1 and k > 0:
        try:
            u = linalg.cho_solve(
                (linalg.cholesky(H[:k, :k], lower=True, check_finite=False), True),
                H[:k, k],
                check_finite=False,
            )
            v = theta[k] * np.append(-u, 1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                tb = np.where(wW[:k] * v[:k] < 0, -wW[:k] / v[:k], np.inf)
            i = int(np.argmin(tb))
            if np.isfinite(tb[i]):
                return tb[i] * v, i
        except linalg.LinAlgError:
            pass
    return linalg.lstsq(H, rhs, check_finite=False, lapack_driver="gelsd")[0] - wW, None


def _descend(
    ws: _WorkingSet,
    fac: _CholeskyCache,
    w: np.ndarray,
    l1: np.ndarray,
    l2: np.ndarray,
    thr: float,
    max_iter: int,
    max_w: int,
) -> int:
    r"""Feature-sign iterations on the inner problem over :math:`W` at fixed (l1, l2), in
    place on ``w`` (coordinates are positions in :math:`W`). Returns the count.

    Each iteration either re-solves on the support (when its optimality conditions
    fail) or adds the largest KKT violators with sign :math:`-\operatorname{sign}(g_j)`,
    solves the sign-fixed system and takes the exact line-search step. The batch of
    violators doubles after a successful step and halves when it gives no descent, so
    cold starts add many features per solve and one at a time only where needed.
    ``max_w`` bounds the support (the rank of :math:`Q`).
    """
    fac.reset(l2)
    q = ws.q
    support_ok = False
    batch = max(1, int(np.count_nonzero(w)))
    for it in range(1, max_iter + 1):
        S = np.flatnonzero(w)
        g = ws.gradient(w, l2)
        theta_S = np.sign(w[S])
        viol = np.abs(g) - l1
        viol[S] = -np.inf
        V = np.flatnonzero(viol > thr)
        supp_bad = S.size > 0 and np.abs(g[S] + l1[S] * theta_S).max() > thr
        if V.size == 0 and (support_ok or not supp_bad):
            return it - 1
        if not support_ok and supp_bad:
            W, theta, n_added = S, theta_S, 0
        else:
            k = max(1, min(batch, max_w - S.size))
            if V.size > k:
                V = V[np.argpartition(-viol[V], k - 1)[:k]]
            W = np.concatenate([S, V])
            theta = np.concatenate([theta_S, -np.sign(g[V])])
            n_added = V.size
        H = ws.block(W)
        H.flat[:: W.size + 1] += l2[W]
        wW = w[W]
        lW = l1[W]
        rhs = q[W] - lW * theta
        try:
            d = fac.solve(W, H, rhs) - wW
        except linalg.LinAlgError:
            if n_added > 1:  # too many at once (more than the rank): fewer
                batch = max(1, n_added // 2)
                continue
            d, swap = _singular_direction(H, rhs, wW, theta, n_added)
            if swap is not None:  # exact step along a null direction, to a kink
                new = wW + d
                new[swap] = 0.0
                w[W] = new
                support_ok = False
                continue
        x = wW + d
        curv = float(d @ H @ d)
        t, at_kink, crossed = _line_search(wW, d, float(g[W] @ d), curv, lW)
        if t <= 0:
            if n_added > 1:
                batch = max(1, n_added // 2)  # no descent from the batch: halve it
                continue
            if n_added == 0:
                support_ok = True  # already the optimum on this support, to rounding
                continue
            return it  # stalled at rounding level: the KKT residual tells how close
        if n_added > 0:
            batch = min(2 * max(batch, n_added), max_w)
        new = x if (t == 1.0 and not crossed) else wW + t * d
        new[at_kink] = 0.0
        w[W] = new
        support_ok = t == 1.0 and not crossed and not at_kink.any()
    warnings.warn(
        f"MAP active-set solver stopped after max_iter={max_iter} iterations; "
        "check kkt_residual",
        RuntimeWarning,
        stacklevel=3,
    )
    return max_iter


def _polish(ws: _WorkingSet, w: np.ndarray, l1: np.ndarray, l2: np.ndarray) -> None:
    """One step of iterative refinement on the final support, kept if signs hold."""
    S = np.flatnonzero(w)
    if S.size == 0:
        return
    H = ws.block(ws.pos[S])
    H.flat[:: S.size + 1] += l2[S]
    r = ws.lik.q[S] - l1[S] * np.sign(w[S]) - H @ w[S]
    new = w[S] + pos_solve(H, r)
    if np.array_equal(np.sign(new), np.sign(w[S])):
        w[S] = new


def workspace(
    lik: GaussianDatafit, *, from_residual: bool = True
) -> tuple[_WorkingSet, _CholeskyCache]:
    """Working set and Cholesky factor, shared by the points of a path (``from_residual``:
    see :class:`_WorkingSet`)."""
    return _WorkingSet(lik, from_residual), _CholeskyCache(lik.n_features)


#: points per block of :func:`residual_certificates`' residual products
_CERT_BLOCK = 10


def residual_certificates(
    lik: GaussianDatafit, U: np.ndarray, l1: np.ndarray, l2: np.ndarray
) -> np.ndarray:
    r"""The certificate of each row of ``U`` (points × features, this datafit's coordinates)
    with the L1 and L2 weights in the same rows of ``l1`` and ``l2``, equal to the one from
    the residual gradient :math:`A^\top(Au - b_c)`, for a datafit whose Gram matrix is formed.

    Only the coordinates where the residual form can matter are read from the design:

    * on each point's support :math:`S`, :math:`g_S = A_S^\top(A_S u_S - b_c)`;
    * a zero coordinate's violation is :math:`\max(0, |g_j| - \lambda_{1j})`. Its Gram-form
      gradient :math:`\tilde g_j = (\tilde Q u - \tilde q)_j` differs from the exact one by at
      most (Higham 2002, §3.5, for :math:`\tilde Q = fl(A^\top A)`, :math:`\tilde q = fl(A^\top b_c)`
      and the product in any summation order)

      .. math:: \beta_j = \gamma_n\,\lVert a_j\rVert\big(\textstyle\sum_k\lVert a_k\rVert|u_k|
                + \lVert b_c\rVert\big) + \gamma_{p+1}\big(|\tilde Q||u| + |\tilde q|\big)_j,
                \qquad \gamma_m = \frac{m\,\epsilon}{1 - m\,\epsilon},

      so :math:`|\tilde g_j| + \beta_j < \lambda_{1j}` proves a violation of exactly 0 with
      no pass over :math:`A`; the few zero coordinates on a thinner margin (or violating)
      get the residual form too.

    The columns needing the residual form at any point are gathered once, in the order the
    points first need them, and each block of :data:`_CERT_BLOCK` consecutive points is done
    in two matrix products with the leading columns it needs (:math:`O(n\sum_b k_b m_b)`
    for blocks of :math:`k_b` points needing :math:`m_b` columns: a path's supports grow
    from nothing, and are small where :math:`n \gg p`). One residual gradient per point
    would read all of :math:`A` twice per point.
    """
    Q, q, A, b = lik.gram, lik.q, lik.A, lik.b
    n, p = A.shape
    eps = np.finfo(float).eps / 2

    def gamma(m: int) -> float:
        return m * eps / (1.0 - m * eps)

    norms = np.sqrt(np.maximum(np.diag(Q), 0.0)) * (1.0 + gamma(n + 2))  # ||a_j||, rounded up
    b_norm = float(np.linalg.norm(b)) * (1.0 + gamma(n + 2))
    absU = np.abs(U)
    k = U.shape[0]
    with callers_blas_threads(2 * k * p * p):
        G = U @ Q - q + l2 * U  # the Gram form, one row per point (Q is symmetric)
        absQu = absU @ np.abs(Q)
    B = gamma(n) * norms[None, :] * ((absU @ norms)[:, None] + b_norm)
    B += gamma(p + 1) * (absQu + np.abs(q)[None, :])
    B *= 1.0 + 1e-6  # the bound's own rounding
    # the coordinates needing the residual form at some point (supports, thin margins),
    # gathered once in the order a point first needs them: a block of points then reads a
    # leading block of those columns (a view), not all of them
    need = (U != 0) | (np.abs(G) + B >= l1)
    R = np.flatnonzero(need.any(axis=0))
    first = need[:, R].argmax(axis=0)
    order = np.argsort(first, kind="stable")
    R, first = R[order], first[order]
    AR = A[:, R]
    for start in range(0, k, _CERT_BLOCK):
        stop = min(k, start + _CERT_BLOCK)
        e = int(np.searchsorted(first, stop))  # the columns some point before ``stop`` needs
        if e == 0:
            continue
        Re, Ub = R[:e], U[start:stop, R[:e]]
        with callers_blas_threads(4 * n * e * (stop - start)):
            Res = AR[:, :e] @ Ub.T
            Res -= b[:, None]
            G[start:stop, Re] = (AR[:, :e].T @ Res).T + l2[start:stop, Re] * Ub
    return kkt_residual(U, G, l1, q)


def _as_penalty_vector(value: Any, p: int, name: str) -> np.ndarray:
    """A scalar or per-coordinate penalty weight as a fresh float array of length ``p``."""
    v = np.asarray(value, dtype=float)
    if v.ndim > 1 or (v.ndim == 1 and v.shape[0] != p):
        raise ValueError(f"{name} must be a scalar or have one entry per feature ({p}), got shape {v.shape}")
    return np.array(np.broadcast_to(v, (p,)), dtype=float)


def _zero_multiplier(q: np.ndarray, l1: np.ndarray) -> float:
    r""":math:`f^{\max} = \max_j |q_j|/\lambda_{1j}`: for multipliers :math:`f \ge f^{\max}` of the
    L1 weights (and any L2 weights) :math:`w = 0` is the exact MAP (∞ if an unpenalised
    coordinate has :math:`q_j \ne 0`, 0 when :math:`q = 0`)."""
    a = np.abs(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(a > 0, a / l1, 0.0)
    return float(r.max()) if r.size else 0.0


def solve_l1(
    lik: GaussianDatafit,
    l1: Any,
    l2: Any = 0.0,
    *,
    w0: np.ndarray | None = None,
    tol: float = KKT_TOL,
    max_iter: int = 10_000,
    _workspace: tuple[_WorkingSet, _CholeskyCache] | None = None,
) -> SolverOutput:
    r"""Exact minimiser of :math:`F` (module docstring) with L1 weights not all zero.

    A small problem (:math:`np^2` up to :data:`GRAM_SOLVE_FLOPS`, or a Gram matrix already
    formed) is solved by the compiled run
    of :func:`solve_l1_path` from its Gram matrix and certified from the residuals; the
    Python-level iterations cost more than the arithmetic there (200 × 50: 1.7 ms against
    0.3 ms). A point whose certificate fails, every other problem, and every solve given a
    ``_workspace`` (a path's) go to the active-set iterations.

    Parameters
    ----------
    lik : GaussianDatafit
    l1, l2 : float or ndarray of shape (n_features,)
        Penalty weights in the datafit's dispersion units, one per coordinate or shared
        (a zero L1 and L2 weight leaves that coordinate unpenalised).
    w0 : ndarray, optional
        Warm start. Without one, continuation from the point where 0 is optimal.
    tol : float
        KKT violations below ``tol * ||q||_inf`` count as rounding error.
    max_iter : int
        Active-set iterations per continuation stage.
    """
    p = lik.n_features
    l1v = _as_penalty_vector(l1, p, "l1")
    l2v = _as_penalty_vector(l2, p, "l2")
    if not (l1v >= 0).all() or not (l2v >= 0).all() or not (l1v > 0).any():
        raise ValueError("the L1 solver needs l1 >= 0 and l2 >= 0 with some l1 > 0")
    # a lone solve (a path's points and re-solves bring their workspace)
    if _workspace is None and _gram_solve_pays(lik):
        with single_threaded_blas():
            U = solve_l1_path(lik, l1v[None, :], l2v[None, :], tol=tol, max_iter=max_iter, w0=w0)
            cert = float(residual_certificates(lik, U, l1v[None, :], l2v[None, :])[0])
        if cert <= tol:
            return SolverOutput(U[0], 1, cert)
        w0 = U[0]
    ws, fac = _workspace if _workspace is not None else workspace(lik)
    thr = tol * max(zero_threshold(lik), 1e-300)
    with single_threaded_blas():
        return _solve_l1(lik, ws, fac, l1v, l2v, w0, thr, tol, max_iter)


#: the largest :math:`np^2` for which a lone L1 solve forms the Gram matrix (about 1 ms)
GRAM_SOLVE_FLOPS = 2e7


def _gram_solve_pays(lik: GaussianDatafit) -> bool:
    """Whether :func:`solve_l1` takes the compiled Gram run: a datafit with rows (not
    summary statistics) and a Gram matrix formed or cheap to form (also for p > n: a
    support the rank cannot carry is handed to the active-set iterations)."""
    from bayesreg.datafits.gaussian import SummarisedGaussianDatafit

    if isinstance(lik, SummarisedGaussianDatafit):
        return False
    if not lik.has_gram:
        if lik.n_samples * lik.n_features**2 > GRAM_SOLVE_FLOPS:
            return False
        lik.gram  # noqa: B018 - formed once, kept by the datafit
    return True


#: rounds of the compiled solve before the active-set iterations take over a point, and
#: the most coordinate-descent sweeps in each (a round ends at the first sweep that keeps
#: the signs)
GRAM_ROUNDS, GRAM_SWEEPS = 8, 20


def solve_l1_path(
    lik: GaussianDatafit,
    L1: np.ndarray,
    L2: np.ndarray,
    *,
    tol: float = KKT_TOL,
    max_iter: int = 10_000,
    progress: Any = None,
    w0: np.ndarray | None = None,
) -> np.ndarray:
    r"""The minimisers of :math:`F` (module docstring) for the penalty weights in each row of
    ``L1`` and ``L2`` (points × features, every row with some L1 weight), each point
    warm-started from the last, for a datafit whose Gram matrix is formed.

    Runs of points are solved by the compiled kernel (:func:`bayesreg.map._gram_kernel.gram_path`,
    which keeps the support's Cholesky factor from point to point); a point it does not
    settle is solved by the active-set iterations on :math:`Qw - q` and the kernel goes on
    from there. The caller certifies the points from the residuals
    (:func:`residual_certificates`). ``progress``: a tqdm-like bar, advanced per point;
    ``w0``: the first point's warm start (else 0).

    Returns
    -------
    ndarray of shape (n_points, n_features), in this datafit's coordinates.
    """
    from bayesreg.map._gram_kernel import GramFactor, gradient, gram_path

    if not lik.has_gram:
        raise ValueError("solve_l1_path needs the datafit's Gram matrix formed")
    Q, q = lik.gram, lik.q
    K, p = L1.shape
    L1 = np.ascontiguousarray(L1, dtype=float)
    L2 = np.ascontiguousarray(L2, dtype=float)
    if L2.shape != L1.shape or not (L1 >= 0).all() or not (L2 >= 0).all() or not (L1 > 0).any(axis=1).all():
        raise ValueError("the L1 path needs l1 >= 0 and l2 >= 0 with some l1 > 0 at every point")
    thr = tol * max(zero_threshold(lik), 1e-300)
    ws, fac = workspace(lik, from_residual=False)
    factor = GramFactor(p)
    U = np.zeros((K, p))
    w, g = np.zeros(p), np.empty(p)
    if w0 is not None:
        w[:] = w0
    gradient(Q, q, w, g)
    step = K if progress is None else max(1, K // 50)
    k = 0
    with single_threaded_blas():
        while k < K:
            stop = min(K, k + step)
            k_new = gram_path(
                Q, q, L1, L2, U, w, g, thr, k, stop, GRAM_ROUNDS, GRAM_SWEEPS,
                factor.F, factor.order, factor.pos, factor.l2, factor.m, factor.stats,
            )
            if k_new < stop:  # the active-set iterations, from the same warm start
                out = _solve_l1(lik, ws, fac, L1[k_new], L2[k_new], w.copy(), thr, tol, max_iter)
                U[k_new] = w = out.coef
                gradient(Q, q, w, g)
                factor.reset()
                k_new += 1
            if progress is not None:
                progress.update(k_new - k)
            k = k_new
    return U


def _solve_l1(
    lik: GaussianDatafit,
    ws: _WorkingSet,
    fac: _CholeskyCache,
    l1: np.ndarray,
    l2: np.ndarray,
    w0: np.ndarray | None,
    thr: float,
    tol: float,
    max_iter: int,
) -> SolverOutput:
    p = lik.n_features
    fmax = _zero_multiplier(lik.q, l1)
    if fmax <= 1.0 and w0 is None:
        w = np.zeros(p)
        return SolverOutput(w, 0, kkt_residual(w, lik.smooth_gradient(w) + l2 * w, l1, lik.q))
    w = np.zeros(p) if w0 is None else np.array(w0, dtype=float, copy=True)
    # a working set larger than rank(Q) makes the sign-fixed system singular
    max_w = max(min(lik.n_effective - int(lik.fit_intercept), p), 1)
    ws.add(np.flatnonzero(w))
    n_iter = 0
    solved = False  # whether w is the exact optimum on the current W
    while True:
        g = ws.full_gradient(w) + l2 * w
        v = coordinate_violations(w, g, l1)
        if v.max(initial=0.0) <= thr:
            break
        outside = ws.pos < 0
        n_out = int(np.count_nonzero(outside & (v > thr)))
        if n_out == 0 and solved:
            break  # violations within W at rounding level: the polish below
        if n_out:
            # the violators and near-violators outside W, by |g_j| / l1_j (celer's
            # score), at least WS_MIN and at most as many as the support: geometric growth
            with np.errstate(divide="ignore", invalid="ignore"):
                score = np.where(l1 > 0, np.abs(g) / l1, np.where(g != 0, np.inf, 0.0))
            score[~outside] = -np.inf
            nnz = int(np.count_nonzero(w))
            k = min(max(WS_MIN, min(n_out, nnz)), int(np.count_nonzero(outside)))
            ws.add(np.argpartition(-score, k - 1)[:k])
        n_iter += _solve_inner(ws, fac, w, l1, l2, thr, max_iter, max_w)
        solved = True
    res = kkt_residual(w, g, l1, lik.q)
    if res > tol:
        _polish(ws, w, l1, l2)
    # a support system too ill-conditioned for 8 digits from the Gram matrix (nearly
    # collinear columns: a large offset without an intercept) is re-solved on the design
    # (QR, bayesreg.map._stable); the certificate comes from the residual, A^T(Aw - b),
    # never from the cancelling Qw - q
    S = np.flatnonzero(w)
    if S.size:
        WS = ws.pos[S]
        H = ws.block(WS)
        H.flat[:: S.size + 1] += l2[S]
        factor = fac.factor_of(WS) if fac.l2 is not None and np.array_equal(fac.l2, l2[ws.idx]) else None
        if jacobi_rcond(H, factor) < RCOND_MIN:
            n_iter += refine_l1(lik, w, l1, l2, thr)
    res = kkt_residual(w, ws.full_gradient(w) + l2 * w, l1, lik.q)
    return SolverOutput(w, n_iter, res)


def _solve_inner(
    ws: _WorkingSet,
    fac: _CholeskyCache,
    w: np.ndarray,
    l1: np.ndarray,
    l2: np.ndarray,
    thr: float,
    max_iter: int,
    max_w: int,
) -> int:
    r"""The exact minimiser of :math:`F` over :math:`W` (the other coordinates held at 0),
    in place on ``w`` of every feature. Returns the iteration count.

    From :math:`w_W = 0` it uses continuation: geometric stages of the penalty multiplier,
    ratio >= 0.3, from where 0 is optimal (or 1e6 for unpenalised coordinates) down to 1.
    """
    idx = ws.idx
    wW = w[idx]
    l1W, l2W = l1[idx], l2[idx]
    n_iter = 0
    if not wW.any():
        top = min(_zero_multiplier(ws.q, l1W), 1e6)
        n_stages = max(1, math.ceil(math.log(top) / math.log(1 / 0.3))) if top > 1 else 1
        for f in top ** (1.0 - np.arange(1, n_stages) / n_stages):
            n_iter += _descend(ws, fac, wW, f * l1W, f * l2W, thr, max_iter, max_w)
    n_iter += _descend(ws, fac, wW, l1W, l2W, thr, max_iter, max_w)
    w[idx] = wW
    return n_iter
