"""Datafits: one class per likelihood, behind the interface of :mod:`bayesreg.datafits._base`.

* :class:`GaussianDatafit` — the linear-Gaussian likelihood and its sufficient statistics.
* :class:`BernoulliDatafit` — logistic regression (logit link).
* :class:`PoissonDatafit` — log-linear regression of counts (log link, optional exposure).

The two GLMs share :class:`~bayesreg.datafits._glm.GLMDatafit`, the canonical-link
exponential family with dispersion 1.
"""

from bayesreg.datafits._base import Datafit, require
from bayesreg.datafits._glm import GLMDatafit
from bayesreg.datafits.bernoulli import BernoulliDatafit
from bayesreg.datafits.gaussian import GaussianDatafit, SufficientStatistics, statistics_cache
from bayesreg.datafits.poisson import PoissonDatafit

__all__ = [
    "BernoulliDatafit", "Datafit", "GLMDatafit", "GaussianDatafit", "PoissonDatafit",
    "SufficientStatistics", "require", "statistics_cache",
]
