"""The PyMC backend: ``pm.sample`` on the cached model, its ``pm.Data`` set to the fit's values.

``nuts_sampler`` picks PyMC's own NUTS (``"pymc"``) or one of the external samplers
``pm.sample`` drives (``"numpyro"``, ``"blackjax"``, which need those packages); the
registry in :mod:`bayesreg.mcmc.backends` names each as its own backend.

``pm.sample`` catches Ctrl-C itself and returns the draws so far (fewer draws, or fewer
chains, than asked); a result short of what was asked is therefore an interrupted run,
raised as the KeyboardInterrupt of :func:`~bayesreg.mcmc.backends.interrupted`, which
carries those draws.
"""

from __future__ import annotations

from typing import Any

from bayesreg.mcmc.backends import interrupted, posterior_tree
from bayesreg.mcmc.model import get_model
from bayesreg.mcmc.problem import PosteriorProblem

__all__ = ["sample", "supports"]


def supports(problem: PosteriorProblem) -> bool:
    """``pm.sample`` samples any model the problem builds."""
    return True


def sample(
    problem: PosteriorProblem, *, draws: int, tune: int, chains: int, random_seed: int | None,
    progressbar: bool, nuts_sampler: str = "pymc", **kwargs: Any,
):
    """Sample ``problem`` with ``pm.sample`` (``kwargs`` pass through, e.g. ``target_accept``, ``cores``)."""
    import pymc as pm

    values = problem.data()
    cached = get_model(problem, values)
    with cached.lock:
        cached.set_data(values)
        with cached.model:
            idata = pm.sample(
                draws=draws, tune=tune, chains=chains, random_seed=random_seed,
                nuts_sampler=nuts_sampler, progressbar=progressbar,
                compute_convergence_checks=False, **kwargs,
            )
    import xarray as xr

    posterior, stats = (
        idata[g].to_dataset() if g in idata.children else xr.Dataset()
        for g in ("posterior", "sample_stats")
    )
    if (posterior.sizes.get("chain"), posterior.sizes.get("draw")) != (chains, draws):
        raise interrupted(
            posterior, stats, problem, draws=draws, backend=nuts_sampler,
            n_compiles=cached.n_compiles,
        )
    return posterior_tree(posterior, stats, problem, n_compiles=cached.n_compiles)
