"""Full posteriors in PyMC: the sufficient-statistics model, sampling, diagnostics, prediction.

* :mod:`bayesreg.mcmc.model` — the PyMC model, built and compiled once per structure;
* :mod:`bayesreg.mcmc.sample` — :func:`sample_posterior` and :func:`check_convergence`;
* :mod:`bayesreg.mcmc.predict` — :func:`predict_posterior`.
"""

from bayesreg.mcmc.predict import PosteriorPrediction, predict_posterior
from bayesreg.mcmc.sample import SamplingWarning, check_convergence, sample_posterior

__all__ = [
    "sample_posterior", "check_convergence", "SamplingWarning", "predict_posterior",
    "PosteriorPrediction",
]
