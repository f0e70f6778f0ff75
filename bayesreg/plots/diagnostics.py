"""MCMC diagnostics, passed through to arviz-plots (matplotlib backend)."""

from __future__ import annotations

from typing import Any

__all__ = ["trace_plot", "rank_plot", "energy_plot", "figure_of"]


def _var_names(dt: Any, var_names: Any) -> list[str]:
    if var_names is not None:
        return list(var_names)
    present = list(dt["posterior"].data_vars)
    return [v for v in ("coef", "intercept", "sigma") if v in present] or present


def figure_of(pc: Any) -> Any:
    """The matplotlib figure behind an arviz-plots ``PlotCollection``, switched to
    constrained layout so panel titles do not overlap the tick labels above them."""
    fig = pc.viz["figure"].item()
    fig.set_layout_engine("constrained")
    return fig


def trace_plot(dt: Any, *, var_names: Any = None, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_trace` of ``coef``, ``intercept`` (and ``sigma``): one panel per
    scalar, one thin line per chain (override with ``visuals={"trace": {...}}``). Returns the
    ``PlotCollection``."""
    import arviz_plots as azp

    visuals = {"trace": {"width": 0.5, "alpha": 0.7}, **kwargs.pop("visuals", {})}
    return azp.plot_trace(dt, var_names=_var_names(dt, var_names), backend="matplotlib", visuals=visuals,
                          **kwargs)


def rank_plot(dt: Any, *, var_names: Any = None, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_rank`: fractional rank ECDFs per chain (uniform when chains
    mix). Returns the ``PlotCollection``."""
    import arviz_plots as azp

    return azp.plot_rank(dt, var_names=_var_names(dt, var_names), backend="matplotlib", **kwargs)


def energy_plot(dt: Any, **kwargs: Any) -> Any:
    """:func:`arviz_plots.plot_energy`: marginal versus transition energy of HMC, with BFMI.
    Needs ``sample_stats/energy``. Returns the ``PlotCollection``."""
    import arviz_plots as azp

    if "sample_stats" not in dt.children or "energy" not in dt["sample_stats"].data_vars:
        raise ValueError("energy_plot needs sample_stats/energy (an HMC/NUTS posterior)")
    return azp.plot_energy(dt, backend="matplotlib", **kwargs)
