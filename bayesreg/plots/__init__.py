"""Figures for shrinkage priors, MAP paths and posteriors.

One plot per module, each taking bayesreg results (priors, :class:`~bayesreg.MapPath`,
:class:`~bayesreg.MapResult`, posterior DataTrees) and returning a matplotlib figure (or
an arviz-plots ``PlotCollection`` for the MCMC diagnostics and the predictive check). The
numbers drawn are computed in :mod:`bayesreg.stats`, arviz-stats or the prior objects,
never here.

Natural calls: a plot of posteriors takes one DataTree from
:func:`bayesreg.sample_posterior`, an estimator after ``.sample_posterior``, a list of
them or a mapping label -> either, and reads each one's prior from the DataTree; a path
plot takes one :class:`~bayesreg.MapPath` or a mapping of them. Figures with one row
per feature grow with the number of features, shorten long names in the middle, and
take ``features=`` / ``max_features=`` to show a selection; colours follow the prior
family (:mod:`bayesreg.families`). Every figure is a
:class:`BayesregFigure`, which Jupyter displays once, and every
interval defaults to :data:`bayesreg.settings.CI_PROB`.
"""

from bayesreg.plots._style import BayesregFigure
from bayesreg.plots.diagnostics import energy_plot, figure_of, ppc_plot, rank_plot, trace_plot
from bayesreg.plots.geometry_plot import geometry_plot
from bayesreg.plots.mass_near_zero_plot import mass_near_zero_plot
from bayesreg.plots.one_coefficient_plot import one_coefficient_plot
from bayesreg.plots.path_plot import path_plot
from bayesreg.plots.posterior_comparison_plot import posterior_comparison_plot
from bayesreg.plots.prior_posterior_plot import prior_posterior_plot
from bayesreg.plots.priors_plot import priors_plot
from bayesreg.plots.scale_choice_plot import scale_choice_plot

__all__ = [
    "priors_plot",
    "scale_choice_plot",
    "mass_near_zero_plot",
    "posterior_comparison_plot",
    "prior_posterior_plot",
    "path_plot",
    "geometry_plot",
    "one_coefficient_plot",
    "trace_plot",
    "rank_plot",
    "energy_plot",
    "ppc_plot",
    "figure_of",
    "BayesregFigure",
]
