"""Full posteriors: the problem, its PyMC model, the sampler backends, diagnostics, prediction.

* :mod:`bayesreg.mcmc.problem` — :class:`PosteriorProblem`, a datafit, a prior and the σ treatment;
* :mod:`bayesreg.mcmc.model` — its PyMC model, built and compiled once per structure;
* :mod:`bayesreg.mcmc.backends` — the samplers (nutpie, PyMC), one registry, one output layout;
* :mod:`bayesreg.mcmc.sample` — :func:`sample_posterior`, the front door;
* :mod:`bayesreg.mcmc.groups` — the DataTree's data groups (observed and constant data, the
  log-likelihood, the posterior predictive), :func:`add_log_likelihood`,
  :func:`add_posterior_predictive`;
* :mod:`bayesreg.mcmc.prior_predictive` — :func:`sample_prior`, the prior and prior predictive;
* :mod:`bayesreg.mcmc.diagnostics` — :func:`check_convergence` and :class:`SamplingWarning`;
* :mod:`bayesreg.mcmc.predict` — :func:`predict_posterior`.
"""

from bayesreg.mcmc.diagnostics import SamplingWarning, check_convergence
from bayesreg.mcmc.groups import SkippedGroupWarning, add_log_likelihood, add_posterior_predictive
from bayesreg.mcmc.predict import PosteriorPrediction, predict_posterior
from bayesreg.mcmc.prior_predictive import sample_prior
from bayesreg.mcmc.problem import PosteriorProblem
from bayesreg.mcmc.sample import sample_posterior

__all__ = [
    "sample_posterior", "check_convergence", "SamplingWarning", "predict_posterior",
    "PosteriorPrediction", "PosteriorProblem", "SkippedGroupWarning",
    "add_log_likelihood", "add_posterior_predictive", "sample_prior",
]
