r"""Statistics behind the figures that arviz-stats does not provide.

Every number a plot in :mod:`bayesreg.plots` draws is computed here (or in arviz-stats,
or by a prior object); the plots only lay them out. Each function states its maths.
One module per topic:

* :mod:`~bayesreg.stats.mass`: :func:`default_eps`, :func:`prior_sd`,
  :func:`prior_mass_near_zero`, :func:`posterior_mass_near_zero`: the probability of a
  "practically zero" coefficient, :math:`P(|\beta_j|<\varepsilon)`.
* :mod:`~bayesreg.stats.inclusion`: :func:`inclusion_probability`, :func:`has_inclusion`,
  :func:`prior_inclusion_probability`: a spike-and-slab posterior's
  :math:`P(\gamma_j = 1\mid y)` and the prior's :math:`E\theta`.
* :mod:`~bayesreg.stats.prior_shapes`: :func:`matched_variance_priors` (Gaussian,
  Laplace and horseshoe priors of equal variance) and :func:`prior_density`.
* :mod:`~bayesreg.stats.one_coefficient`: :class:`OneCoefficient`, the one-feature
  problem :math:`y = w x` solved in closed form.
* :mod:`~bayesreg.stats.geometry`: :func:`geometry_contacts`, where the loss contours of
  a two-feature problem first touch the L1 diamond and the L2 disc.
* :mod:`~bayesreg.stats.path_bands`: :class:`PathBands`, :func:`ridge_path_bands`,
  :func:`posterior_path_bands`: credible bands along a regularisation path (a Bayesian
  regularisation path).

:func:`posterior_coef` and :func:`feature_dim` read a posterior DataTree for all of them,
:func:`posterior_prior` the prior it was sampled under.
"""

from __future__ import annotations

from bayesreg.stats._access import feature_dim, posterior_coef, posterior_prior
from bayesreg.stats.geometry import Geometry, geometry_contacts
from bayesreg.stats.inclusion import has_inclusion, inclusion_probability, prior_inclusion_probability
from bayesreg.stats.mass import (
    EPS_FRACTION,
    default_eps,
    posterior_mass_near_zero,
    prior_mass_near_zero,
    prior_sd,
)
from bayesreg.stats.one_coefficient import OneCoefficient
from bayesreg.stats.path_bands import PathBands, path_lambdas, posterior_path_bands, ridge_path_bands
from bayesreg.stats.prior_shapes import Density, matched_variance_priors, prior_density

__all__ = [
    "posterior_coef",
    "feature_dim",
    "posterior_prior",
    "EPS_FRACTION",
    "default_eps",
    "prior_sd",
    "prior_mass_near_zero",
    "posterior_mass_near_zero",
    "has_inclusion",
    "inclusion_probability",
    "prior_inclusion_probability",
    "matched_variance_priors",
    "Density",
    "prior_density",
    "OneCoefficient",
    "Geometry",
    "geometry_contacts",
    "PathBands",
    "path_lambdas",
    "ridge_path_bands",
    "posterior_path_bands",
]
