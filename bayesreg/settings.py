"""Package-wide defaults, read at call time so that one assignment changes them everywhere.

.. data:: CI_PROB

   The probability mass of every credible interval bayesreg reports when none is asked
   for: the intervals of the plots (:mod:`bayesreg.plots`), of the command line
   (``bayesreg fit --mcmc``), of the demo report, of the posterior path bands and of the
   posterior summaries and predictions. Default ``0.94`` (equal-tailed: the 3 % and 97 %
   quantiles).

   Override it for a session with ``bayesreg.settings.CI_PROB = 0.9``, or per call with
   the function's own ``prob`` argument. ArviZ's own functions (``arviz_stats.summary``,
   ``arviz_plots.plot_forest``, ...) read ``arviz_base.rcParams["stats.ci_prob"]``
   instead (0.89 by default); to make them agree, set
   ``arviz_base.rcParams["stats.ci_prob"] = bayesreg.settings.CI_PROB``.

>>> from bayesreg import settings
>>> settings.ci_prob()
0.94
>>> settings.ci_prob(0.5)
0.5
"""

from __future__ import annotations

__all__ = ["CI_PROB", "ci_prob", "interval_label", "percent"]

#: probability mass of the credible intervals bayesreg reports by default
CI_PROB: float = 0.94


def ci_prob(prob: float | None = None) -> float:
    """``prob`` checked to lie in (0, 1), or :data:`CI_PROB` (read now) when it is None."""
    value = CI_PROB if prob is None else prob
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"prob must be a number in (0, 1), got {value!r}") from None
    if not 0.0 < value < 1.0:
        raise ValueError(f"prob must be in (0, 1), got {value!r}")
    return value


def interval_label(prob: float | None = None) -> str:
    """``"94% interval"`` for the interval of probability ``prob`` (default :data:`CI_PROB`)."""
    return f"{percent(ci_prob(prob))} interval"


def percent(prob: float) -> str:
    """``0.94`` as ``"94%"``, ``0.945`` as ``"94.5%"`` (never rounded to another level)."""
    return f"{100 * float(prob):.4g}%"
