r"""The exact MAP of a non-quadratic datafit: proximal Newton with an exact inner solver.

For a GLM datafit (:mod:`bayesreg.datafits._glm`) the MAP problem in dispersion units
(:math:`\phi = 1`) is

.. math::

    \min_{w,\,b}\; F(w, b) = L(w, b) + \lambda_1\lVert w\rVert_1 + \tfrac{\lambda_2}{2}\lVert w\rVert^2,
    \qquad L(w, b) = \sum_i s_i\,\ell(b + o_i + x_i^\top w;\, y_i),

with an unpenalised intercept :math:`b`. This is glmnet's design (an outer loop of
quadratic models, an inner penalised least-squares solver), with the inner problem solved
*exactly* and the step controlled on the true objective:

1. At the iterate :math:`(w, b)`, with :math:`b = \hat b(w)` the exact profile intercept,
   the datafit's :meth:`~bayesreg.datafits.Datafit.quadratic` gives the second-order model
   of :math:`L` as a weighted Gaussian datafit (IRLS weights :math:`s_i v(\mu_i)`, working
   response :math:`z_i`), whose weighted centring profiles the model's intercept out
   exactly as the Gaussian family does.
2. The model plus the penalty is minimised exactly, with exact zeros, by the solver
   :func:`bayesreg.map.solvers.solve_penalty` picks for a quadratic datafit (the active-set
   method for an L1 part, one linear solve for pure L2), warm-started at :math:`w`. Once
   the support settles, the sign-fixed solve on the iterate's support is checked against
   the model's optimality conditions and, when they hold, taken directly (it *is* the
   model's minimiser; :func:`_support_step`). The minimiser :math:`(w^+, b^+)` defines the
   direction :math:`d = (w^+ - w,\, b^+ - b)`. A pure L2 penalty has no zeros to find, and
   its model's minimiser is the Newton step, solved by preconditioned conjugate gradients
   to the accuracy the next iterate needs (:class:`_RidgeNewtonCG`: two products with
   :math:`X` per iteration, where the exact solve forms an :math:`O(np\min(n, p))` Gram or
   kernel matrix at every step); a step whose CG does not converge within its budget
   (an ill-conditioned model) hands the rest to the exact solves.
3. A backtracking line search on the *true* objective accepts the largest
   :math:`t\in\{1, \tfrac12, \tfrac14, \dots\}` with
   :math:`F((w, b) + t d) \le F(w, b) + 10^{-4}\, t\,\Delta`, where
   :math:`\Delta = \nabla L^\top d + \lambda_2 w^\top d_w + \lambda_1(\lVert w^+\rVert_1
   - \lVert w\rVert_1) < 0` is the decrease the model predicts to first order (Lee, Sun &
   Saunders 2014). Along :math:`d` the linear predictor moves along :math:`X d_w + d_b`,
   computed once, so a trial costs :math:`O(n)`. Then the intercept is re-profiled.

Near the answer the full step :math:`t = 1` is accepted and the iterates converge
quadratically; with an L1 part the last iterate *is* the exact minimiser of its model, so
its zeros are exact zeros. The inexact pure-L2 steps converge quadratically too (their
forcing term is the square of the certificate), and what proves the answer is in either
case the certificate below. The iterations stop when the certificate on the true objective,

.. math::

    \frac{\max_j v_j\big(w,\; \nabla_w L(w, \hat b(w)) + \lambda_2 w,\; \lambda_1\big)/d_j}
          {\max_j |\nabla_j L(0, \hat b(0))|/d_j}

(:func:`certificate`: :math:`v_j` the distance from 0 to coordinate :math:`j`'s
subdifferential, :math:`d_j` the root diagonal of the profiled Hessian at the
intercept-only fit, so each coordinate is judged on its own scale as
:mod:`bayesreg.map.kkt` does for the Gaussian family), is at rounding level, or
when no step decreases :math:`F` any more. A cold start with an L1 part uses continuation:
a geometric sequence of :math:`\lambda_1` (ratio 0.3) from :math:`\lambda_{\max}` down,
each stage solved loosely (certificate :math:`10^{-2}`) and warm-starting the next, as
glmnet's path does.

For :math:`\lambda_1 \ge \lambda_{\max}` the answer is exactly :math:`w = 0` with the
intercept-only fit, whatever :math:`\lambda_2`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.map._linalg import KKT_TOL
from bayesreg.map.active_set import _zero_multiplier
from bayesreg.map.kkt import kkt_residual
from bayesreg.map.result import SolverOutput

__all__ = ["REQUIRES", "solve_prox_newton", "certificate"]

#: what this solver reads from a datafit (skglm's ``_datafit_required_attr``)
REQUIRES = (
    "linear_predictor", "design_product", "total_loss", "eta_gradient", "profile_intercept", "quadratic",
    "profiled_hessian",
    "gradient_at_zero", "column_scale", "remember_intercept", "residual", "weights", "fit_intercept",
    "n_features", "y",
)

#: Armijo constant of the line search
_ARMIJO = 1e-4
#: L1 continuation: ratio between consecutive stages of a cold start
_STAGE_RATIO = 0.3
#: certificate an intermediate continuation stage is solved to
_STAGE_TOL = 1e-2


class _Penalty:
    """:math:`\\lambda_1\\lVert w\\rVert_1 + \\frac{\\lambda_2}{2}\\lVert w\\rVert^2` with scalar or
    per-coordinate weights."""

    def __init__(self, l1: Any, l2: Any, p: int) -> None:
        self.l1 = np.broadcast_to(np.asarray(l1, dtype=float), (p,))
        self.l2 = np.broadcast_to(np.asarray(l2, dtype=float), (p,))

    def value(self, w: np.ndarray) -> float:
        return float(self.l1 @ np.abs(w) + 0.5 * (self.l2 * w) @ w)

    def scaled(self, f: float) -> _Penalty:
        return _Penalty(f * self.l1, f * self.l2, self.l1.size)

    def as_penalty(self):
        """The :class:`~bayesreg.penalty.Penalty` the inner solver is dispatched on (shared
        weights when they are, per coefficient otherwise)."""
        from bayesreg.penalty import Penalty

        if np.ptp(self.l1) == 0 and np.ptp(self.l2) == 0:
            return Penalty(float(self.l1[0]), float(self.l2[0]))
        return Penalty(np.array(self.l1), np.array(self.l2))


@dataclass
class _State:
    """An iterate: coefficients, profile intercept, linear predictor, objective, gradient."""

    w: np.ndarray
    b: float
    eta: np.ndarray
    F: float
    g: np.ndarray

    @classmethod
    def at(cls, datafit: Any, pen: _Penalty, w: np.ndarray, c: np.ndarray | None = None,
           b0: float = 0.0) -> _State:
        """The iterate at ``w``, whose linear predictor without intercept is ``c``
        (computed when None), with the intercept profiled from ``b0``."""
        if c is None:
            c = datafit.linear_predictor(w)
        b = datafit.profile_intercept(c, b0) if datafit.fit_intercept else 0.0
        eta = c + b
        return cls(w, b, eta, datafit.total_loss(eta) + pen.value(w), datafit.eta_gradient(eta))


def solve_prox_newton(
    datafit: Any,
    l1: Any,
    l2: Any = 0.0,
    *,
    w0: np.ndarray | None = None,
    tol: float = KKT_TOL,
    max_iter: int = 200,
) -> SolverOutput:
    r"""Exact minimiser of :math:`L(w, b) + \lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert^2`
    for a non-quadratic datafit (module docstring).

    Parameters
    ----------
    datafit : GLMDatafit
        Anything with :data:`REQUIRES`.
    l1, l2 : float
        Penalty weights in the datafit's dispersion units (:math:`\phi = 1`); one of them > 0.
    w0 : ndarray, optional
        Warm start (a path's previous point). Without one: continuation for an L1 part,
        Newton from :math:`w = 0` otherwise.
    tol : float
        Certificate (:mod:`bayesreg.map.kkt`) at which the iterations stop.
    max_iter : int
        Newton iterations per continuation stage.

    Returns
    -------
    SolverOutput
        ``kkt_residual`` is the certificate of the true objective at the answer; the
        datafit remembers the answer's intercept (:meth:`~bayesreg.datafits.Datafit.intercept`).
    """
    p = datafit.n_features
    pen = _Penalty(l1, l2, p)
    if not (np.all(pen.l1 >= 0) and np.all(pen.l2 >= 0)) or not (np.any(pen.l1 > 0) or np.any(pen.l2 > 0)):
        raise ValueError("the proximal-Newton solver needs l1 >= 0 and l2 >= 0, not both zero")
    n_iter = 0
    if w0 is None:
        zero = np.zeros(p)
        state = _State.at(datafit, pen, zero, b0=datafit.intercept(zero))
        # (capped: an unpenalised coordinate with a gradient at 0 makes the ratio infinite)
        lmax_ratio = min(_zero_multiplier(datafit.gradient_at_zero, pen.l1), 1e6)
        if np.any(pen.l1 > 0) and lmax_ratio > 1:
            n_stages = max(1, math.ceil(math.log(lmax_ratio) / math.log(1 / _STAGE_RATIO)))
            for f in lmax_ratio ** (1.0 - np.arange(1, n_stages) / n_stages):
                state, k, _ = _newton(datafit, pen.scaled(float(f)), state, _STAGE_TOL, max_iter)
                n_iter += k
                state.F = datafit.total_loss(state.eta) + pen.value(state.w)
    else:
        w = np.array(w0, dtype=float, copy=True)
        state = _State.at(datafit, pen, w, b0=datafit.intercept(w))
    state, k, res = _newton(datafit, pen, state, tol, max_iter)
    datafit.remember_intercept(state.w, state.b)
    return SolverOutput(state.w, n_iter + k, res)


def certificate(datafit: Any, w: np.ndarray, grad: np.ndarray, l1: Any, l2: Any) -> float:
    r"""The KKT certificate of :math:`w` on the true objective, given the data term's gradient
    ``grad`` :math:`= \nabla_w L(w, \hat b(w))`.

    As for the Gaussian family (:mod:`bayesreg.map.kkt`), in equilibrated coordinates
    :math:`u = Dw`: with :math:`d` the datafit's ``column_scale`` (the root diagonal of the
    profiled Hessian at the intercept-only fit) it is
    :math:`\max_j v_j/d_j \,/\, \max_j |\nabla_j L(0,\hat b(0))|/d_j`, invariant to rescaling
    any column with its prior scale.
    """
    d = datafit.column_scale
    l2 = np.asarray(l2, dtype=float)
    return kkt_residual(w, (grad + l2 * w) / d, np.asarray(l1, dtype=float) / d,
                        datafit.gradient_at_zero / d)


def _support_step(datafit: Any, state: _State, pen: _Penalty, grad_b: float) -> tuple[np.ndarray, float] | None:
    r"""The exact minimiser :math:`(w^+, b^+)` of the quadratic model plus the penalty when it
    keeps the support and signs of the iterate, else None (then the active-set solver finds it).

    With the intercept profiled out of the model (:mod:`bayesreg.datafits._glm`, "Profiled
    Hessian"), the model's gradient at :math:`w + \delta` is
    :math:`\hat g + H_p\delta`, :math:`\hat g = 
abla_w L - ar x_h\,\partial_b L`. On the
    support :math:`S` with signs :math:`	heta_S` the minimiser solves
    :math:`(H_{SS} + \Lambda_{2,S})\,w^+_S = H_{SS}w_S - \hat g_S - \lambda_{1,S}	heta_S`
    (Cholesky of its Jacobi-scaled form, refused when badly pivoted); it is the model's
    minimiser iff its signs are :math:`	heta_S` and every :math:`j
otin S` has
    :math:`|\hat g_j + (H_p\delta)_j| \le \lambda_{1j}`, to :data:`KKT_TOL` in the
    certificate's units. Near the answer the support no longer changes, and this costs
    :math:`O(n|S|^2)` for :math:`H_{SS}` and one product :math:`H_p\delta` (two with
    :math:`X`), without forming the model's :math:`n	imes p` weighted design.
    """
    from scipy import linalg

    from bayesreg.map._linalg import well_pivoted

    w = state.w
    S = np.flatnonzero(w)
    if not np.any(pen.l1) or S.size == 0:
        return None  # pure L2 is a Newton step (_RidgeNewtonCG, or solve_penalty)
    hess = datafit.profiled_hessian(state.eta)
    if hess is None or S.size >= np.count_nonzero(hess.h) - int(datafit.fit_intercept):
        return None
    XS = hess.X[:, S] if hess.shift is None else hess.X[:, S] - hess.shift[S]
    HSS = XS.T @ (hess.h[:, None] * XS)
    g_hat = state.g if hess.x_mean is None else state.g - hess.x_mean * grad_b
    theta = np.sign(w[S])
    rhs = HSS @ w[S] - g_hat[S] - pen.l1[S] * theta
    H = HSS.copy()
    H.flat[:: S.size + 1] += pen.l2[S]
    diag = np.diag(H)
    if not np.all(diag > 0):
        return None
    e = 1.0 / np.sqrt(diag)
    try:
        L = linalg.cholesky(H * e[:, None] * e[None, :], lower=True, check_finite=False)
    except linalg.LinAlgError:
        return None
    if not well_pivoted(L):
        return None
    x = e * linalg.cho_solve((L, True), e * rhs, check_finite=False)
    if not np.array_equal(np.sign(x), theta):
        return None
    step = np.zeros_like(w)
    step[S] = x - w[S]
    grad = g_hat + hess.matvec(step)
    grad[S] = 0.0
    d = datafit.column_scale
    scale = float(np.max(np.abs(datafit.gradient_at_zero) / d, initial=0.0))
    if np.any((np.abs(grad) - pen.l1) / d > KKT_TOL * max(scale, 1e-300)):
        return None
    wn = np.zeros_like(w)
    wn[S] = x
    return wn, state.b + hess.intercept_step(step, grad_b)


class _RidgeNewtonCG:
    r"""Newton steps of a pure-L2 problem by preconditioned conjugate gradients.

    Each :meth:`step` solves :math:`(H_p + \Lambda)\,\delta w = -(\nabla_w L + \Lambda w)
    + \bar x_h\,\partial_b L` (:mod:`bayesreg.datafits._glm`, "Profiled Hessian") from
    :math:`\delta w = 0`, with products :math:`H_p v` only (two products with :math:`X`,
    :math:`O(np)`, where forming :math:`H_p` costs :math:`O(np\min(n, p))`), until the
    model's gradient at the step, the CG residual :math:`\rho`, is below ``target`` in the
    certificate's units: :math:`\max_j |\rho_j|/d_j \le \text{target}\cdot\max_j
    |\nabla_j L(0, \hat b(0))|/d_j`. ``target`` is the forcing term of an inexact Newton
    method; :func:`_newton` passes :math:`\max(\text{tol}/4, \min(c/4, c^2))` at certificate
    :math:`c`, so the outer iterations keep Newton's quadratic rate (Dembo, Eisenstat &
    Steihaug 1982) while the early ones cost a few products each. Every CG iterate from 0 is
    a descent direction, so a step cut short by the budget is still one the line search can
    take; after one, :func:`_newton` solves the models exactly.

    The preconditioner is Jacobi's, :math:`\operatorname{diag}(H_p) + \Lambda`, which makes
    the iterations blind to column scaling as the certificate is; the data part is computed
    at the first step and then rescaled by :math:`\sum_i h_i` (the curvature's overall level
    moves, its balance between columns much less), which saves a pass over :math:`X` a step.

    ``budget`` (per step) is about :math:`\min(n, p)/2` iterations: one costs two
    memory-bound products with :math:`X`, the exact step a Gram or kernel matrix in BLAS-3.
    """

    def __init__(self, datafit: Any) -> None:
        self.budget = max(20, min(datafit.n_samples, datafit.n_features) // 2)
        self._diag: tuple[np.ndarray, float] | None = None

    def step(self, datafit: Any, state: _State, pen: _Penalty, grad_b: float, target: float
             ) -> tuple[np.ndarray, float, bool] | None:
        """``(δw, δb, converged)``, or None when the curvature is not usable."""
        hess = datafit.profiled_hessian(state.eta)
        if hess is None:
            return None
        l2 = pen.l2
        rhs = -(state.g + l2 * state.w)
        if hess.x_mean is not None:
            rhs += hess.x_mean * grad_b
        h_sum = float(hess.h.sum())
        if self._diag is None:
            self._diag = (hess.diagonal(), h_sum)
        diag = self._diag[0] * (h_sum / self._diag[1]) + l2
        inv_diag = np.where(diag > 0, 1.0 / np.where(diag > 0, diag, 1.0), 1.0)
        d = datafit.column_scale
        bound = target * float(np.max(np.abs(datafit.gradient_at_zero) / d, initial=0.0))
        dw, converged = _pcg(lambda v: hess.matvec(v) + l2 * v, rhs, inv_diag,
                             lambda r: float(np.max(np.abs(r) / d, initial=0.0)) <= bound, self.budget)
        return dw, hess.intercept_step(dw, grad_b), converged


def _pcg(matvec: Any, rhs: np.ndarray, inv_diag: np.ndarray, done: Any, max_iter: int
         ) -> tuple[np.ndarray, bool]:
    """Preconditioned conjugate gradients for ``matvec(x) = rhs`` from 0 (Jacobi preconditioner
    ``inv_diag``), until ``done(residual)`` or ``max_iter`` products; returns ``(x, done)``."""
    x = np.zeros_like(rhs)
    r = rhs.copy()
    if done(r):
        return x, True
    z = inv_diag * r
    direction = z.copy()
    rz = float(r @ z)
    for _ in range(max_iter):
        Ad = matvec(direction)
        curvature = float(direction @ Ad)
        if not curvature > 0 or not np.isfinite(curvature):
            return x, False  # breakdown at rounding level (or no curvature along the direction)
        a = rz / curvature
        x += a * direction
        r -= a * Ad
        if done(r):
            return x, True
        z = inv_diag * r
        rz_new = float(r @ z)
        direction *= rz_new / rz
        direction += z
        rz = rz_new
    return x, False


def _newton(
    datafit: Any, pen: _Penalty, state: _State, tol: float, max_iter: int
) -> tuple[_State, int, float]:
    """Proximal-Newton iterations at fixed penalty from ``state``; returns (state, iterations, certificate)."""
    from bayesreg.map.solvers import solve_penalty

    inner_pen = pen.as_penalty()
    cg = _RidgeNewtonCG(datafit) if not np.any(pen.l1) else None
    eps = np.finfo(float).eps
    res = best = math.inf
    stalls = 0
    for it in range(1, max_iter + 1):
        w, b, eta, F, g = state.w, state.b, state.eta, state.F, state.g
        res = certificate(datafit, w, g, pen.l1, pen.l2)
        if res <= tol:
            return state, it - 1, res
        # at rounding level a full step changes F by less than its rounding and no longer
        # shrinks the certificate (quadratic convergence would): three such steps end it
        stalls = stalls + 1 if it > 1 and res > 0.5 * best and last_gain <= noise else 0
        best = min(best, res)
        if stalls >= 3:
            return state, it - 1, res
        g_b = float(datafit.weights @ datafit.residual(eta, datafit.y)) if datafit.fit_intercept else 0.0
        # 2. the minimiser of the quadratic model plus the penalty: for pure L2 by conjugate
        # gradients to the forcing accuracy (_RidgeNewtonCG), else (or once CG has not got
        # there within its budget) exactly
        step = None
        if cg is not None:
            step = cg.step(datafit, state, pen, g_b, max(0.25 * tol, min(0.25 * res, res * res)))
            if step is None or not step[2]:
                cg = None  # ill-conditioned (or no curvature): the exact solves from here on
            if step is not None and not np.any(step[0]):
                step = None
        if step is not None:
            dw, db = step[0], step[1]
            wn = w + dw
        else:
            found = _support_step(datafit, state, pen, g_b)
            if found is not None:
                wn, bn = found
            else:
                quad = datafit.quadratic(w, b, eta, equilibrate=True)
                wn = solve_penalty(quad, inner_pen, w0=w if np.any(w) else None).coef
                bn = quad.intercept(quad.scaled(wn)) if datafit.fit_intercept else 0.0
            dw, db = wn - w, bn - b
        moved = np.flatnonzero(dw)
        if moved.size == 0 and db == 0.0:
            return state, it, res  # the model's minimiser is the iterate: rounding level
        d_eta = datafit.design_product(dw) + db
        delta = (
            float(g @ dw) + g_b * db + float((pen.l2 * w) @ dw)
            + float(pen.l1 @ (np.abs(wn) - np.abs(w)))
        )
        # 3. backtracking on the true objective (a step whose change is below rounding of
        # F is accepted at t = 1: the model is then exact to working precision)
        noise = 64 * eps * (abs(F) + 1.0)
        t = 1.0
        while True:
            eta_t = eta + t * d_eta
            w_t = w + t * dw if t < 1.0 else wn
            F_t = datafit.total_loss(eta_t) + pen.value(w_t)
            if F_t <= F + _ARMIJO * t * min(delta, 0.0) or (t == 1.0 and F_t <= F + noise):
                break
            t *= 0.5
            if t < 1e-12:
                return state, it, res  # no decrease along the Newton direction: rounding level
        state = _State.at(datafit, pen, w_t, eta_t - (b + t * db), b + t * db)
        last_gain = F - state.F
    res = certificate(datafit, state.w, state.g, pen.l1, pen.l2)
    if res > tol:
        warnings.warn(
            f"proximal-Newton MAP solver stopped after max_iter={max_iter} iterations; "
            f"certificate {res:.2g}",
            RuntimeWarning,
            stacklevel=3,
        )
    return state, max_iter, res
