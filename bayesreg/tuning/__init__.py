"""Choosing the prior scale: cross-validation, empirical Bayes, and the two side by side.

* :mod:`bayesreg.tuning.cv` — :class:`RidgeMAPCV`, :class:`LassoMAPCV`,
  :class:`ElasticNetMAPCV`: drop-in twins of scikit-learn's ``RidgeCV``, ``LassoCV`` and
  ``ElasticNetCV`` (same folds and grid, same ``alpha_`` and ``coef_``) that also report
  the choice as a prior and offer glmnet's one-standard-error rule;
* :mod:`bayesreg.tuning.empirical_bayes` — :func:`empirical_bayes`: the prior scale (and
  σ) that maximise the marginal likelihood (type-II maximum likelihood);
* :mod:`bayesreg.tuning.compare` — :func:`scale_choices`: every choice on one prior-scale
  axis, the numbers behind the "which τ?" figure (statistics only; plots draw them).
"""

from bayesreg.tuning.compare import ScaleChoices, laplace_scale_draws, scale_choices
from bayesreg.tuning.cv import ElasticNetMAPCV, LassoMAPCV, RidgeMAPCV
from bayesreg.tuning.empirical_bayes import EmpiricalBayesResult, empirical_bayes

__all__ = [
    "RidgeMAPCV", "LassoMAPCV", "ElasticNetMAPCV",
    "empirical_bayes", "EmpiricalBayesResult",
    "scale_choices", "ScaleChoices", "laplace_scale_draws",
]
