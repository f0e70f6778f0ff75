"""Coefficient priors: one module per family, each a small frozen value object."""

from bayesreg.priors._base import Prior, ScaleMixture, check_prior
from bayesreg.priors.bayesian_lasso import BayesianLasso
from bayesreg.priors.elastic_net import ElasticNet
from bayesreg.priors.gaussian import Gaussian
from bayesreg.priors.horseshoe import Horseshoe
from bayesreg.priors.horseshoe_plus import HorseshoePlus
from bayesreg.priors.laplace import Laplace
from bayesreg.priors.spike_and_slab import SpikeAndSlab

__all__ = [
    "Prior", "ScaleMixture", "Gaussian", "Laplace", "ElasticNet", "BayesianLasso", "Horseshoe",
    "HorseshoePlus", "SpikeAndSlab", "check_prior",
]
