r"""Which exact solver serves a penalty, and what each needs from its datafit.

The MAP problem in the datafit's dispersion units (:mod:`bayesreg.penalty`) is

.. math::

    \min_w \; \phi\,(-\log p(y\mid w, \hat b(w))) + \lambda_1\lVert w\rVert_1
    + \tfrac{\lambda_2}{2}\lVert w\rVert^2 .

=================  =========================================  ===================================
penalty            solver                                     needs from the datafit
=================  =========================================  ===================================
pure L2            :func:`bayesreg.map.ridge.solve_ridge`     :data:`bayesreg.map.ridge.REQUIRES`
L1 (and L2)        :func:`bayesreg.map.active_set.solve_l1`   :data:`bayesreg.map.active_set.REQUIRES`
=================  =========================================  ===================================

Both need a *quadratic* datafit (the Gaussian one: :math:`Q`, :math:`q`, :math:`A`); a
solver for a non-quadratic datafit asks it for :meth:`~bayesreg.datafits.Datafit.quadratic`
models and calls these on them. A datafit that lacks what a solver needs is refused with
an error that names what is missing (:func:`bayesreg.datafits.require`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.datafits import Datafit, require
from bayesreg.map import active_set, ridge
from bayesreg.map.result import SolverOutput
from bayesreg.penalty import Penalty

__all__ = ["solve_penalty"]


def solve_penalty(
    datafit: Datafit, penalty: Penalty, *, w0: np.ndarray | None = None, **kw: Any
) -> SolverOutput:
    """Dispatch a penalty to its exact solver (one linear solve for pure L2)."""
    if penalty.kind == "none":
        raise ValueError("a zero penalty (flat prior) has no unique MAP in general")
    if penalty.kind == "ridge":
        require(datafit, ridge.REQUIRES, "the Ridge solver")
        return ridge.solve_ridge(datafit, penalty.l2)
    require(datafit, active_set.REQUIRES, "the active-set L1 solver")
    return active_set.solve_l1(datafit, penalty.l1, penalty.l2, w0=w0, **kw)
