"""Figures for shrinkage priors, MAP paths and posteriors.

One plot per module, each taking bayesreg results (priors, :class:`~bayesreg.MapPath`,
:class:`~bayesreg.MapResult`, posterior DataTrees) and returning a matplotlib figure (or
an arviz-plots ``PlotCollection`` for the MCMC diagnostics). The numbers drawn are
computed in :mod:`bayesreg.stats`, arviz-stats or the prior objects, never here.
"""

from bayesreg.plots.diagnostics import energy_plot, figure_of, rank_plot, trace_plot
from bayesreg.plots.geometry_plot import geometry_plot
from bayesreg.plots.mass_near_zero_plot import mass_near_zero_plot
from bayesreg.plots.one_coefficient_plot import one_coefficient_plot
from bayesreg.plots.path_plot import path_plot
from bayesreg.plots.posterior_comparison_plot import posterior_comparison_plot
from bayesreg.plots.prior_posterior_plot import prior_posterior_plot
from bayesreg.plots.priors_plot import priors_plot

__all__ = [
    "priors_plot",
    "mass_near_zero_plot",
    "posterior_comparison_plot",
    "prior_posterior_plot",
    "path_plot",
    "geometry_plot",
    "one_coefficient_plot",
    "trace_plot",
    "rank_plot",
    "energy_plot",
    "figure_of",
]
