"""Datafits: one class per likelihood, behind the interface of :mod:`bayesreg.datafits._base`.

* :class:`GaussianDatafit` — the linear-Gaussian likelihood and its sufficient statistics.
"""

from bayesreg.datafits._base import Datafit, require
from bayesreg.datafits.gaussian import GaussianDatafit, SufficientStatistics, statistics_cache

__all__ = ["Datafit", "GaussianDatafit", "SufficientStatistics", "require", "statistics_cache"]
