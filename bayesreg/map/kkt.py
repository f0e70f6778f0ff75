r"""Optimality certificate for the penalised least-squares problem.

For :math:`F(w) = \tfrac12 w^\top Q w - q^\top w + \lambda_1\lVert w\rVert_1
+ \tfrac{\lambda_2}{2}\lVert w\rVert^2` (see :mod:`bayesreg.datafits.gaussian`) with smooth
gradient :math:`g = Qw - q + \lambda_2 w`, a point is optimal iff
:math:`0 \in \partial F(w)`, coordinate by coordinate:

.. math::

    g_j + \lambda_1 \operatorname{sign}(w_j) = 0 \quad (w_j \ne 0), \qquad
    |g_j| \le \lambda_1 \quad (w_j = 0).

The violation of coordinate :math:`j` is the distance from 0 to
:math:`\partial_j F(w)`:

.. math::

    v_j = |g_j + \lambda_1\operatorname{sign}(w_j)| \;(w_j\ne0), \qquad
    v_j = \max(0, |g_j| - \lambda_1) \;(w_j = 0).

``kkt_residual`` is :math:`\max_j v_j / \lVert q\rVert_\infty` *in equilibrated
coordinates*: the solvers work on the design :math:`XD^{-1}` whose centred, weighted
columns have unit norm, with coefficients :math:`u = Dw` and per-coordinate weights
:math:`\lambda_{1}/d_j`, :math:`\lambda_2/d_j^2` (:func:`bayesreg.map.solvers.solve_penalty`).
There coordinate :math:`j`'s violation is :math:`v_j/d_j` in the original units, so

.. math::

    \text{kkt\_residual} = \frac{\max_j v_j / d_j}{\max_j |q_j| / d_j},

each coordinate judged on its own scale. Zero means exactly optimal; the value is
invariant to rescaling any column (with its prior scale), the target and the prior
together, or the weights; and since every column has unit norm, an error in any one
coefficient shows in its own violation however small its column's units make it
(the former scaling by the largest gradient let one big column hide the rest).
:math:`\max_j |q_j|/d_j` is the largest correlation-scale gradient at :math:`w = 0`, the
L1 weight above which the all-zero answer is optimal. When :math:`q = 0` the scale is 1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["coordinate_violations", "kkt_residual"]


def coordinate_violations(w: np.ndarray, grad: np.ndarray, l1: float | np.ndarray) -> np.ndarray:
    """Distance from 0 to each coordinate's subdifferential (see module docstring);
    ``l1`` is one weight or one per coordinate."""
    l1 = np.broadcast_to(np.asarray(l1, dtype=float), w.shape)
    nz = w != 0
    v = np.maximum(np.abs(grad) - l1, 0.0)
    v[nz] = np.abs(grad[nz] + l1[nz] * np.sign(w[nz]))
    return v


def kkt_residual(
    w: np.ndarray, grad: np.ndarray, l1: float | np.ndarray, q: np.ndarray
) -> float | np.ndarray:
    """Largest coordinate violation over :math:`\\lVert q\\rVert_\\infty` (module docstring);
    for 2-D ``w`` and ``grad`` (points × features, ``l1`` alike or shared) one per row."""
    scale = float(np.abs(q).max()) if q.size else 0.0
    if not scale > 0:
        scale = 1.0
    v = coordinate_violations(w, grad, l1)
    if v.ndim == 2:
        return v.max(axis=1, initial=0.0) / scale
    return float(v.max(initial=0.0) / scale)
