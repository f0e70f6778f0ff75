"""Convergence checks of a posterior DataTree, computed by arviz-stats."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["SamplingWarning", "check_convergence"]


class SamplingWarning(UserWarning):
    """The sampler's output fails a convergence check (R-hat, ESS, divergences, tree depth, E-BFMI)."""


def check_convergence(
    idata: Any, *, rhat_max: float = 1.01, ess_min: float = 400, bfmi_min: float = 0.3,
    warn: bool = True,
) -> list[str]:
    """Check R-hat, bulk ESS and the sampler's statistics; warn once, naming what fails.

    A problem is any of:

    * rank-normalised split R-hat > ``rhat_max`` or bulk ESS < ``ess_min`` for an element
      of a posterior variable (Vehtari et al. 2021, from ``arviz_stats.summary``);
      elements constant across draws (an intercept fixed at 0) are skipped;
    * divergent transitions (``sample_stats/diverging``);
    * transitions that hit the maximum tree depth (``sample_stats/reached_max_treedepth``);
    * a chain whose E-BFMI (Betancourt 2016, ``arviz_stats.bfmi`` of
      ``sample_stats/energy``) is below ``bfmi_min``.

    The thresholds on the sampler's statistics are those of ``arviz_stats.diagnose``.

    Parameters
    ----------
    idata : DataTree
        With a ``posterior`` group and, optionally, ``sample_stats``.
    rhat_max, ess_min, bfmi_min : float
        Thresholds.
    warn : bool, default=True
        Emit one :class:`SamplingWarning` listing all problems.

    Returns
    -------
    list of str
        One line per kind of problem (empty when the run looks fine).
    """
    import arviz_stats as azs

    post = idata["posterior"]
    varying = [v for v in post.data_vars if float(post[v].std()) > 0]
    problems: list[str] = []
    if varying:
        with np.errstate(invalid="ignore", divide="ignore"):
            table = azs.summary(idata, var_names=varying, kind="all", round_to="none")
        # an element constant across draws (an inclusion probability of exactly 1) has no
        # R-hat or ESS; NaN draws (sd NaN) stay flagged
        table = table[~(table["sd"] == 0)]
        bad_r = _elements(table.index[~(table["r_hat"] <= rhat_max)])
        bad_e = _elements(table.index[~(table["ess_bulk"] >= ess_min)])
        if bad_r:
            problems.append(f"R-hat > {rhat_max:g} for {', '.join(bad_r)}")
        if bad_e:
            problems.append(f"bulk ESS < {ess_min:g} for {', '.join(bad_e)}")
    stats = idata["sample_stats"] if "sample_stats" in idata.children else None
    if stats is not None:
        for var, what in (
            ("diverging", "divergent transitions"),
            ("reached_max_treedepth", "transitions at the maximum tree depth"),
        ):
            if var in stats.data_vars and (n := int(stats[var].values.sum())):
                problems.append(f"{n} {what} out of {stats[var].size} draws")
        if "energy" in stats.data_vars:
            bfmi = azs.bfmi(idata)["energy"]
            low = [str(c) for c, v in zip(bfmi[bfmi.dims[0]].values, bfmi.values) if v < bfmi_min]
            if low:
                problems.append(f"E-BFMI < {bfmi_min:g} in chain {', '.join(low)}")
    if problems and warn:
        warnings.warn(
            "MCMC diagnostics flag problems: " + "; ".join(problems)
            + ". Run longer (draws/tune), raise target_accept, or reparametrise before trusting "
            "the posterior.",
            SamplingWarning,
            stacklevel=3,
        )
    return problems


def _elements(labels: Iterable[str], limit: int = 8) -> list[str]:
    """The summary's row labels (``coef[age]``), at most ``limit`` per variable."""
    by_var: dict[str, list[str]] = {}
    for label in labels:
        by_var.setdefault(str(label).split("[", 1)[0], []).append(str(label))
    out: list[str] = []
    for var, found in by_var.items():
        out += found[:limit]
        if len(found) > limit:
            out.append(f"... ({len(found)} elements of {var})")
    return out
