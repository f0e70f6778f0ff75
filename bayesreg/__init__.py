"""bayesreg: Bayesian regression with shrinkage priors.

Ridge is the posterior mode under a Gaussian prior, Lasso under a Laplace prior.
bayesreg makes that correspondence exact and checkable (``map_estimate``, the
converters in ``bayesreg.convert``), then samples the full posterior in PyMC.

Importing bayesreg is cheap: PyMC, PyTensor, ArviZ and matplotlib load only when a
function that needs them is called.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (loaded on first attribute access)
_LAZY = {
    "Prior": "bayesreg.priors",
    "Gaussian": "bayesreg.priors",
    "Laplace": "bayesreg.priors",
    "ElasticNet": "bayesreg.priors",
    "Penalty": "bayesreg.penalty",
    "map_estimate": "bayesreg.map",
    "MapResult": "bayesreg.map",
    "map_path": "bayesreg.map",
    "MapPath": "bayesreg.map",
    "MAPRegressor": "bayesreg.estimators",
    "RidgeMAP": "bayesreg.estimators",
    "LassoMAP": "bayesreg.estimators",
    "ElasticNetMAP": "bayesreg.estimators",
    "sample_pipeline_posterior": "bayesreg.estimators",
    # issue 12 (logistic and Poisson regression): bayesreg/glm_estimators
    "LogisticMAP": "bayesreg.glm_estimators",
    "PoissonMAP": "bayesreg.glm_estimators",
    # issue 16 (beyond one machine's memory): the Gaussian family's summary of the rows
    "SufficientStatistics": "bayesreg.datafits",
    "BayesianLasso": "bayesreg.priors",
    "Horseshoe": "bayesreg.priors",
    "HorseshoePlus": "bayesreg.priors",
    "SpikeAndSlab": "bayesreg.priors",
    "sample_posterior": "bayesreg.mcmc",
    "predict_posterior": "bayesreg.mcmc",
    # issue 14 (choosing the prior scale): defined in bayesreg/tuning
    "RidgeMAPCV": "bayesreg.tuning",
    "LassoMAPCV": "bayesreg.tuning",
    "ElasticNetMAPCV": "bayesreg.tuning",
    "empirical_bayes": "bayesreg.tuning",
    "EmpiricalBayesResult": "bayesreg.tuning",
    "scale_choices": "bayesreg.tuning",
    "ScaleChoices": "bayesreg.tuning",
}
_SUBMODULES = {"convert", "priors", "penalty", "map", "likelihood", "estimators", "mcmc", "plots", "io", "cli", "sklearn_check", "families", "data", "stats", "demo", "tuning", "settings", "datafits", "glm_estimators", "dask"}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"bayesreg.{name}")
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
