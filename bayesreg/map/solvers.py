r"""Which exact solver serves a penalty, and what each needs from its datafit.

The MAP problem in the datafit's dispersion units (:mod:`bayesreg.penalty`) is

.. math::

    \min_w \; \phi\,(-\log p(y\mid w, \hat b(w))) + \lambda_1\lVert w\rVert_1
    + \tfrac{\lambda_2}{2}\lVert w\rVert^2 .

===================  ==================================================  ==========================================
penalty, datafit     solver                                              needs from the datafit
===================  ==================================================  ==========================================
pure L2, quadratic   :func:`bayesreg.map.ridge.solve_ridge`              :data:`bayesreg.map.ridge.REQUIRES`
L1 (and L2), quad.   :func:`bayesreg.map.active_set.solve_l1`            :data:`bayesreg.map.active_set.REQUIRES`
any, GLM             :func:`bayesreg.map.prox_newton.solve_prox_newton`  :data:`bayesreg.map.prox_newton.REQUIRES`
===================  ==================================================  ==========================================

The first two need a *quadratic* datafit (the Gaussian one: :math:`Q`, :math:`q`, :math:`A`);
a datafit without those (Bernoulli, Poisson) goes to the proximal-Newton solver, which asks
it for :meth:`~bayesreg.datafits.Datafit.quadratic` models and solves each with the first
two. A datafit that lacks what a solver needs is refused with
an error that names what is missing (:func:`bayesreg.datafits.require`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.datafits import Datafit, require
from bayesreg.map import active_set, prox_newton, ridge
from bayesreg.map.result import SolverOutput
from bayesreg.penalty import Penalty

__all__ = ["solve_penalty"]


_MISSING = object()


#: (datafit class, attributes) -> those of the attributes its class does not define
_NOT_ON_CLASS: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}


def _has(datafit: Datafit, attrs: tuple[str, ...]) -> bool:
    """Whether ``datafit`` has every attribute, looked up without computing any (a lazy Gram
    matrix is not formed by asking for it). What the class defines is looked up once per
    class (the static lookups cost ~20 ms over a 100-point path); the rest on the instance."""
    import inspect

    key = (type(datafit), attrs)
    rest = _NOT_ON_CLASS.get(key)
    if rest is None:
        rest = tuple(a for a in attrs if inspect.getattr_static(type(datafit), a, _MISSING) is _MISSING)
        _NOT_ON_CLASS[key] = rest
    return all(inspect.getattr_static(datafit, a, _MISSING) is not _MISSING for a in rest)


def solve_penalty(
    datafit: Datafit, penalty: Penalty, *, w0: np.ndarray | None = None, **kw: Any
) -> SolverOutput:
    r"""Dispatch a penalty to its exact solver (one linear solve for pure L2).

    On an equilibrated datafit (design :math:`XD^{-1}`, coefficients :math:`u = Dw`, see
    :class:`~bayesreg.datafits.GaussianDatafit`) the penalty becomes per-coordinate,
    :math:`\lambda_1\lVert w\rVert_1 = \sum_j (\lambda_1/d_j)|u_j|` and
    :math:`\tfrac{\lambda_2}{2}\lVert w\rVert^2 = \sum_j \tfrac{\lambda_2}{2d_j^2}u_j^2` (per
    coefficient alike: :math:`\lambda_{1j}/d_j`, :math:`\lambda_{2j}/d_j^2`); the
    solver works on :math:`u` and the returned ``coef`` is :math:`w = D^{-1}u`, while
    ``kkt_residual`` is the certificate of the equilibrated problem
    (:mod:`bayesreg.map.kkt`), which no rescaling of a column can change.
    """
    if penalty.kind == "none":
        raise ValueError("a zero penalty (flat prior) has no unique MAP in general")
    penalty.for_features(datafit.n_features)
    if not _has(datafit, active_set.REQUIRES):
        # not a quadratic datafit: proximal Newton over its quadratic models
        require(datafit, prox_newton.REQUIRES, "the proximal-Newton solver")
        return prox_newton.solve_prox_newton(datafit, penalty.l1, penalty.l2, w0=w0, **kw)
    d = getattr(datafit, "column_scale", None) if getattr(datafit, "equilibrate", False) else None
    l1, l2 = penalty.l1, penalty.l2
    if d is not None:
        # (l2 / d) / d: d**2 alone under- or overflows for columns in units of 1e±160
        l1, l2 = l1 / d, (l2 / d) / d
        w0 = None if w0 is None else np.asarray(w0, dtype=float) * d
    if penalty.kind == "ridge":
        if not _has(datafit, ridge.REQUIRES):
            require(datafit, ridge.REQUIRES, "the Ridge solver")
        out = ridge.solve_ridge(datafit, l2)
    else:
        out = active_set.solve_l1(datafit, l1, l2, w0=w0, **kw)
    if d is not None:
        out.coef = out.coef / d
    return out
