"""MAP estimation: exact solvers, the KKT certificate, paths.

* :mod:`bayesreg.map.estimate` — :func:`map_estimate`, the front door;
* :mod:`bayesreg.map.solvers` — which solver serves a penalty, and what it needs;
* :mod:`bayesreg.map.ridge` — the Gaussian prior: one linear solve, or a spectrum for a path;
* :mod:`bayesreg.map.active_set` — Laplace and elastic net: the exact active-set method;
* :mod:`bayesreg.map.kkt` — the optimality certificate;
* :mod:`bayesreg.map.path` — :func:`map_path`, warm-started regularisation paths;
* :mod:`bayesreg.map.result` — :class:`MapResult`.
"""

from bayesreg.map.estimate import kkt_certificate, map_estimate
from bayesreg.map.path import MapPath, map_path
from bayesreg.map.result import MapResult

__all__ = ["map_estimate", "kkt_certificate", "MapResult", "map_path", "MapPath"]
