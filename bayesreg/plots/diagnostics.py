"""MCMC diagnostics and the posterior predictive check, passed through to arviz-plots
(matplotlib backend)."""

from __future__ import annotations

from typing import Any

from bayesreg.plots._inputs import as_datatree
from bayesreg.plots._style import FIGURE_KWARGS

__all__ = ["trace_plot", "rank_plot", "energy_plot", "ppc_plot", "figure_of"]


def _var_names(dt: Any, var_names: Any) -> list[str]:
    if var_names is not None:
        return list(var_names)
    present = list(dt["posterior"].data_vars)
    return [v for v in ("coef", "intercept", "sigma") if v in present] or present


def _pc_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with figures created as :class:`~bayesreg.plots._style.BayesregFigure`
    (shown once in Jupyter, like the PlotCollection itself)."""
    return {**kwargs, "figure_kwargs": {**FIGURE_KWARGS, **kwargs.get("figure_kwargs", {})}}


def figure_of(pc: Any) -> Any:
    """The matplotlib figure behind an arviz-plots ``PlotCollection``, switched to
    constrained layout so panel titles do not overlap the tick labels above them."""
    fig = pc.viz["figure"].item()
    fig.set_layout_engine("constrained")
    return fig


def trace_plot(dt: Any, *, var_names: Any = None, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_trace` of ``coef``, ``intercept`` (and ``sigma``): one panel per
    scalar, one thin line per chain (override with ``visuals={"trace": {...}}``; pick
    coefficients with ``coords={"feature": [...]}``). ``dt`` is a posterior DataTree or an
    estimator after ``.sample_posterior``. Returns the ``PlotCollection``."""
    import arviz_plots as azp

    dt = as_datatree(dt, "trace_plot")
    visuals = {"trace": {"width": 0.5, "alpha": 0.7}, **kwargs.pop("visuals", {})}
    return azp.plot_trace(dt, var_names=_var_names(dt, var_names), backend="matplotlib", visuals=visuals,
                          **_pc_kwargs(kwargs))


def rank_plot(dt: Any, *, var_names: Any = None, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_rank`: fractional rank ECDFs per chain (uniform when chains
    mix). Returns the ``PlotCollection``."""
    import arviz_plots as azp

    dt = as_datatree(dt, "rank_plot")
    return azp.plot_rank(dt, var_names=_var_names(dt, var_names), backend="matplotlib", **_pc_kwargs(kwargs))


def energy_plot(dt: Any, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_energy`: marginal versus transition energy of HMC, with BFMI.
    Needs ``sample_stats/energy``. Returns the ``PlotCollection``."""
    import arviz_plots as azp

    dt = as_datatree(dt, "energy_plot")
    if "sample_stats" not in dt.children or "energy" not in dt["sample_stats"].data_vars:
        raise ValueError("energy_plot needs sample_stats/energy (an HMC/NUTS posterior)")
    return azp.plot_energy(dt, backend="matplotlib", **_pc_kwargs(kwargs))


def ppc_plot(dt: Any, *, var_names: Any = None, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_ppc_dist`: the distribution of the observed ``y`` against that
    of replicated data sets drawn from the posterior predictive. Needs the groups
    ``posterior_predictive`` and ``observed_data`` (each with ``y`` over ``obs``). Returns
    the ``PlotCollection``."""
    import arviz_plots as azp

    dt = as_datatree(dt, "ppc_plot")
    missing = [g for g in ("posterior_predictive", "observed_data") if g not in dt.children]
    if missing:
        raise ValueError(
            f"ppc_plot needs the group(s) {', '.join(missing)}; add posterior_predictive/y of "
            "dims (chain, draw, obs), e.g. from bayesreg.predict_posterior(post, X, include_noise=True)"
        )
    return azp.plot_ppc_dist(dt, var_names=var_names, backend="matplotlib", **_pc_kwargs(kwargs))
