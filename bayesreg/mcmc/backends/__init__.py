r"""Sampler backends: one module per sampler, one registry, one output layout.

:func:`bayesreg.sample_posterior` validates its inputs, builds a
:class:`~bayesreg.mcmc.problem.PosteriorProblem` and hands it to the backend named by
``sampler`` (:data:`BACKENDS`; ``None`` is :data:`DEFAULT`, ``"auto"`` the first backend,
in registry order, that :func:`supports <Backend.supports>` the problem). It then adds
the data groups and runs the diagnostics, the same for every backend.

Writing a backend
-----------------
A backend is a module ``bayesreg/mcmc/backends/<name>.py`` with two functions, and one
entry in :data:`BACKENDS`:

``supports(problem) -> bool``
    Whether it can sample this problem (e.g. a Gibbs sampler needs a Gaussian datafit
    and ``problem.prior.scale_mixture()`` not None). It should not import anything slow.

``sample(problem, *, draws, tune, chains, random_seed, progressbar, **kwargs) -> xarray.DataTree``
    ``draws`` kept draws per chain after ``tune`` warm-up iterations, ``chains`` chains,
    ``random_seed`` an int or None, ``progressbar`` a bool; ``kwargs`` are the caller's
    sampler options (a backend raises ``TypeError`` on one it does not know).

It returns this layout, which :func:`posterior_tree` builds from two datasets and
:func:`check_layout` checks:

``posterior``
    ``coef`` over ``(chain, draw, feature)`` with ``feature`` = ``problem.feature_names``;
    ``intercept`` over ``(chain, draw)`` (zeros without one); ``sigma`` when it is learned
    (``problem.sigma_mode`` ``"half-t"`` or ``"jeffreys"``); the prior's hyper-variables
    under the names its ``to_pymc`` gives them (``lam``, ``tau``, ``c2``, ...), over
    ``(chain, draw)`` or ``(chain, draw, feature)``. No re-parametrisation
    (``problem.internal_variables()``), no other dimension. ``chain`` and ``draw`` are
    ``0..n-1``.
``sample_stats``
    ``diverging`` (bool, ``(chain, draw)``; all False for a sampler that cannot diverge)
    and any other statistics under ArviZ's names: ``energy``, ``lp``, ``tree_depth``,
    ``reached_max_treedepth``, ``n_steps``, ``step_size``, ``acceptance_rate``.
``attrs``
    Optionally ``n_compiles``: compilations of the cached model so far (a re-fit of the
    same structure must not add one).

Every chain holds all ``draws`` draws, every one finite: a backend never returns a
shortened or NaN-padded posterior. On Ctrl-C it raises :class:`KeyboardInterrupt`,
whatever the phase (warm-up or draws) — where it can keep the draws so far, the one
:func:`interrupted` builds, which carries them (``exc.partial``).

The model and its compiled forms are cached per structure in :mod:`bayesreg.mcmc.model`
(``get_model(problem).compiled(name, compile)``); a backend that needs no PyMC model
(a Gibbs sampler working from ``problem.datafit`` and ``problem.prior.scale_mixture()``)
ignores it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Backend", "BACKENDS", "DEFAULT", "choose", "posterior_tree", "check_layout",
    "interrupted",
]

#: the dimensions a posterior variable may have
POSTERIOR_DIMS = ("chain", "draw", "feature")


@dataclass(frozen=True)
class Backend:
    """A registry entry: the backend module and fixed options of its ``sample``."""

    module: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def _load(self):
        return importlib.import_module(self.module)

    def supports(self, problem: Any) -> bool:
        return bool(self._load().supports(problem))

    def accepts(self, options: Mapping[str, Any]) -> bool:
        """Whether ``sample`` takes these caller options (a module's ``OPTIONS`` tuple lists
        them; a module without one passes any option on to its sampler)."""
        known = getattr(self._load(), "OPTIONS", None)
        return known is None or set(options) <= set(known)

    def sample(self, problem: Any, **kwargs: Any):
        return self._load().sample(problem, **self.options, **kwargs)


#: sampler name → backend, in the order ``sampler="auto"`` tries them
BACKENDS: dict[str, Backend] = {
    "gibbs": Backend("bayesreg.mcmc.backends.gibbs"),
    "nutpie": Backend("bayesreg.mcmc.backends.nutpie"),
    "pymc": Backend("bayesreg.mcmc.backends.pymc"),
    "numpyro": Backend("bayesreg.mcmc.backends.pymc", {"nuts_sampler": "numpyro"}),
    "blackjax": Backend("bayesreg.mcmc.backends.pymc", {"nuts_sampler": "blackjax"}),
}

#: the backend of ``sampler=None``
DEFAULT = "auto"


def choose(sampler: str | None, problem: Any, options: Mapping[str, Any] | None = None) -> tuple[str, Backend]:
    """``(name, backend)`` for ``sampler`` (a name in :data:`BACKENDS`, ``"auto"`` or None).

    ``"auto"`` (the default) takes the first backend, in registry order, that supports the
    problem and takes the caller's sampler ``options``: the Gibbs sampler where the prior
    is a scale mixture and the likelihood Gaussian, or Bernoulli with ``polyagamma``
    installed (no divergences, and faster per effective draw in ``bench/gibbs_vs_nuts.py``),
    nutpie's NUTS otherwise, or when a NUTS option such as ``target_accept`` is given.
    """
    options = {} if options is None else options
    name = DEFAULT if sampler is None else str(sampler).lower()
    if name == "auto":
        name = next(
            (n for n, b in BACKENDS.items() if b.supports(problem) and b.accepts(options)), ""
        )
        if not name:
            raise ValueError(f"no backend of {tuple(BACKENDS)} supports this problem")
    if name not in BACKENDS:
        raise ValueError(f"sampler must be one of {(*BACKENDS, 'auto')} or None, got {sampler!r}")
    if not BACKENDS[name].supports(problem):
        raise ValueError(
            f"the {name!r} sampler does not support a {problem.prior!r} prior with a "
            f"{problem.family} likelihood; use sampler='auto'"
        )
    return name, BACKENDS[name]


def posterior_tree(posterior: Any, sample_stats: Any, problem: Any, **attrs: Any):
    """The layout above from a sampler's ``posterior`` and ``sample_stats`` datasets.

    Drops re-parametrisations (``problem.internal_variables()`` and names ending in
    ``__``) and non-numeric statistics, names the features, adds a zero ``intercept``
    when there is none, puts ``coef``, ``intercept``, ``sigma`` first and sets ``attrs``.
    """
    import xarray as xr

    internal = set(problem.internal_variables())
    post = posterior.drop_vars(
        [v for v in posterior.data_vars if v in internal or str(v).endswith("__")]
    )
    extra = [d for d in post.dims if d not in POSTERIOR_DIMS]
    if extra:
        raise RuntimeError(f"unexpected posterior dimensions {extra}")
    post = post.assign_coords(feature=list(problem.feature_names))
    if not problem.fit_intercept:
        post["intercept"] = xr.zeros_like(post["coef"].isel(feature=0, drop=True))
    first = [v for v in ("coef", "intercept", "sigma") if v in post.data_vars]
    post = post[first + [v for v in post.data_vars if v not in first]]
    stats = sample_stats[[v for v in sample_stats.data_vars if sample_stats[v].dtype != object]]
    tree = xr.DataTree.from_dict({"posterior": post, "sample_stats": stats})
    tree.attrs.update(attrs)
    return tree


def check_layout(
    tree: Any, problem: Any, backend: str = "backend", *, chains: int | None = None,
    draws: int | None = None,
) -> None:
    """Raise a RuntimeError naming what ``tree`` lacks of the layout above (with ``chains``
    and ``draws``: also every draw asked for, all finite)."""
    post, stats = tree["posterior"], tree["sample_stats"]
    sizes = (post.sizes["chain"], post.sizes["draw"])
    if chains is not None and draws is not None:
        if sizes != (chains, draws):
            raise RuntimeError(
                f"the {backend} backend returned {sizes[0]} chains x {sizes[1]} draws of the "
                f"{chains} x {draws} asked for: refusing an incomplete posterior"
            )
        bad = [str(v) for v in post.data_vars if not np.isfinite(post[v].values).all()]
        if bad:
            raise RuntimeError(
                f"the {backend} backend returned non-finite draws of {', '.join(bad)}: "
                "refusing an incomplete posterior"
            )
    wanted = {
        "coef": ("chain", "draw", "feature"), "intercept": ("chain", "draw"),
        **({"sigma": ("chain", "draw")} if problem.sigma_mode in ("half-t", "jeffreys") else {}),
    }
    problems = [
        f"{name} over {dims}" for name, dims in wanted.items()
        if name not in post.data_vars or post[name].dims != dims
    ]
    if "feature" in post.coords and list(post["feature"].values) != list(problem.feature_names):
        problems.append(f"feature coordinates {list(problem.feature_names)}")
    for dim, n in zip(("chain", "draw"), sizes, strict=True):
        if not np.array_equal(post[dim].values, np.arange(n)):
            problems.append(f"{dim} coordinates 0..{n - 1}")
    problems += [f"no {v}" for v in problem.internal_variables() if v in post.data_vars]
    problems += [f"no dimension {d}" for d in post.dims if d not in POSTERIOR_DIMS]
    if "diverging" not in stats.data_vars or stats["diverging"].dims != ("chain", "draw"):
        problems.append("sample_stats/diverging over ('chain', 'draw')")
    if problems:
        raise RuntimeError(f"the {backend} backend broke the posterior layout: needs {'; '.join(problems)}")


def interrupted(
    posterior: Any, sample_stats: Any, problem: Any, *, draws: int, backend: str,
    **attrs: Any,
) -> KeyboardInterrupt:
    """The KeyboardInterrupt to raise for a run stopped by Ctrl-C, carrying what it drew.

    It is a plain :class:`KeyboardInterrupt`, not a subclass: uncaught, Python ends the
    process by SIGINT (exit status 130 in a shell, which stops a shell loop) only for
    that exact type. It carries:

    ``partial`` : xarray.DataTree or None
        The draws that every chain completed, trimmed to the shortest chain, in the layout
        above (:func:`posterior_tree`, plus ``attrs``), with ``attrs["partial"] = 1``,
        ``attrs["draws_completed"]`` and ``attrs["draws_requested"]``: chains stopped in
        mid-run, so not a posterior to report. None when some chain had no draw yet.
    ``phase`` : {"tuning", "draws"}
        Whether some chain was still in its warm-up, or all were drawing.
    ``draws_completed``, ``draws_requested`` : int
        Draws per chain in ``partial``, and asked for.

    ``posterior`` and ``sample_stats`` are the sampler's datasets of kept draws, possibly
    NaN-padded past each chain's last draw (nutpie) or shorter than asked (PyMC). A chain's
    completed draws are its leading draws whose floating-point posterior values are all
    finite.
    """
    floats = [v for v in posterior.data_vars if np.issubdtype(posterior[v].dtype, np.floating)]
    n_chain, n_draw = posterior.sizes.get("chain", 0), posterior.sizes.get("draw", 0)
    done = np.full(n_chain, n_draw, dtype=int)
    for v in floats if n_draw else ():
        da = posterior[v]
        finite = np.isfinite(da.values).reshape(n_chain, n_draw, -1).all(axis=2)
        # leading finite draws of each chain
        done = np.minimum(done, np.where(finite.all(axis=1), n_draw, np.argmin(finite, axis=1)))
    kept = int(done.min()) if n_chain else 0
    partial = None
    if kept > 0:
        keep = {"draw": slice(0, kept)}
        partial = posterior_tree(
            posterior.isel(keep).assign_coords(draw=np.arange(kept)),
            sample_stats.isel(keep).assign_coords(draw=np.arange(kept)), problem,
            **attrs, partial=1, draws_completed=kept, draws_requested=int(draws),
        )
    phase = "tuning" if kept == 0 else "draws"
    if kept == 0:
        what = "during the warm-up (tuning): not every chain had a draw yet, so none is kept"
    else:
        what = (
            f"after {kept} of {draws} draws per chain; those draws are in exc.partial "
            "(attrs['partial'] = 1), which is not a converged posterior"
        )
    exc = KeyboardInterrupt(f"the {backend} sampler was interrupted (Ctrl-C) {what}")
    exc.partial, exc.phase = partial, phase  # type: ignore[attr-defined]
    exc.draws_completed, exc.draws_requested = kept, int(draws)  # type: ignore[attr-defined]
    return exc
