r"""The MAP-versus-scikit-learn check: does each prior's MAP equal its scikit-learn twin?

For every prior :math:`p` in a grid (family × scale × sample weighting) this package
computes two things independently,

* the posterior mode :math:`\hat w_{\text{MAP}}` by :func:`bayesreg.map_estimate`
  (bayesreg's exact solvers), and
* the scikit-learn estimator that :func:`bayesreg.convert.to_sklearn` names for it
  (``Ridge(alpha=σ²/τ²)``, ``Lasso(alpha=σ²/(S b))``, ``ElasticNet(...)``, with
  ``tol=1e-12``), fitted on the same data and weights,

and compares them:

.. math::

    \Delta = \frac{\max_j |\hat w_{\text{MAP},j} - \hat w_{\text{sk},j}|}
                  {1 + \max_j |\hat w_{\text{MAP},j}|},

whether the two have the same exact zeros, and the MAP's KKT residual
(:mod:`bayesreg.map.kkt`). A row *agrees* when :math:`\Delta \le` ``tol``, the zero
patterns match and the KKT residual is :math:`\le` ``tol``.

With ``family="bernoulli"`` or ``"poisson"`` the twins are ``LogisticRegression`` and
``PoissonRegressor`` (:mod:`~bayesreg.sklearn_check.compare`), the penalties in dispersion
units (no σ), and every row also reports scikit-learn's own certificate.

* :mod:`~bayesreg.sklearn_check.compare`: one prior, one comparison
  (:func:`compare_to_sklearn` → :class:`ValidationRow`);
* :mod:`~bayesreg.sklearn_check.grid`: the grid (:func:`validate`, in parallel with
  ``n_jobs``) and its data-adapted scales (:func:`auto_scales`);
* :mod:`~bayesreg.sklearn_check.table`: the rows as a table (:class:`ValidationTable`:
  text, pandas DataFrame, CSV, JSON); ``bayesreg validate`` prints it.
"""

from bayesreg.sklearn_check.compare import DEFAULT_TOL, ValidationRow, compare_to_sklearn, sklearn_text
from bayesreg.sklearn_check.grid import DEFAULT_FRACTIONS, GLM_FRACTIONS, auto_scales, validate
from bayesreg.sklearn_check.table import ValidationTable

__all__ = [
    "DEFAULT_TOL",
    "DEFAULT_FRACTIONS",
    "GLM_FRACTIONS",
    "ValidationRow",
    "ValidationTable",
    "compare_to_sklearn",
    "sklearn_text",
    "auto_scales",
    "validate",
]
