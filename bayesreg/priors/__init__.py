"""Coefficient priors: one module per family, each a small frozen value object."""

from bayesreg.priors._base import Prior, check_prior
from bayesreg.priors.bayesian_lasso import BayesianLasso
from bayesreg.priors.elastic_net import ElasticNet
from bayesreg.priors.gaussian import Gaussian
from bayesreg.priors.horseshoe import Horseshoe
from bayesreg.priors.laplace import Laplace

__all__ = ["Prior", "Gaussian", "Laplace", "ElasticNet", "BayesianLasso", "Horseshoe", "check_prior"]
