"""MAP estimation: exact solvers, the KKT certificate, paths."""

from bayesreg.map.estimate import map_estimate
from bayesreg.map.path import MapPath, map_path
from bayesreg.map.result import MapResult

__all__ = ["map_estimate", "MapResult", "map_path", "MapPath"]
