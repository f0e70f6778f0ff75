"""Full posteriors: the problem, its PyMC model, the sampler backends, diagnostics, prediction.

* :mod:`bayesreg.mcmc.problem` — :class:`PosteriorProblem`, a datafit, a prior and the σ treatment;
* :mod:`bayesreg.mcmc.model` — its PyMC model, built and compiled once per structure;
* :mod:`bayesreg.mcmc.backends` — the samplers (nutpie, PyMC), one registry, one output layout;
* :mod:`bayesreg.mcmc.sample` — :func:`sample_posterior`, the front door;
* :mod:`bayesreg.mcmc.diagnostics` — :func:`check_convergence` and :class:`SamplingWarning`;
* :mod:`bayesreg.mcmc.predict` — :func:`predict_posterior`.
"""

from bayesreg.mcmc.diagnostics import SamplingWarning, check_convergence
from bayesreg.mcmc.predict import PosteriorPrediction, predict_posterior
from bayesreg.mcmc.problem import PosteriorProblem
from bayesreg.mcmc.sample import sample_posterior

__all__ = [
    "sample_posterior", "check_convergence", "SamplingWarning", "predict_posterior",
    "PosteriorPrediction", "PosteriorProblem",
]
