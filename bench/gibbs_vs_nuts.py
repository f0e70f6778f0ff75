"""Gibbs against NUTS where shrinkage priors matter: min bulk ESS per second of ``coef``.

Three problems, each sampled by ``sampler="gibbs"`` and by nutpie in the same process,
timed from the ``sample_posterior`` call to its return with every in-process cache
cleared first (sufficient statistics, built and compiled models), so set-up and
compilation count:

=================  ===========================================  ==========================
case               problem                                      target
=================  ===========================================  ==========================
``horseshoe``      n = 500, p = 1000, 10 non-zero coefficients,  Gibbs ≥ 5× NUTS ESS/s,
                   regularised horseshoe with Piironen &        no divergences
                   Vehtari's τ₀ for p₀ = 10, σ learned
``blasso``         n = 200, p = 2000, 20 non-zero, Bayesian      1000 + 500 iterations ×
                   lasso with λ² ~ Gamma(1, 1), Jeffreys σ       2 chains < 90 s, min ESS
                                                                ≥ 300 (NUTS skipped unless
                                                                ``--nuts-blasso``: 40 draws
                                                                took 189 s)
``laplace``        n = 50 000, p = 50, Laplace(1), σ learned     Gibbs ≥ 2× nutpie ESS/s
=================  ===========================================  ==========================

Usage::

    python bench/gibbs_vs_nuts.py                     # all three, full size
    python bench/gibbs_vs_nuts.py --cases laplace     # one
    python bench/gibbs_vs_nuts.py --shrink 4 --draws 300 --tune 150   # a quick run

``--shrink k`` divides n and p by k. The NUTS runs use the same draws, tune and chains
unless ``--nuts-draws`` / ``--nuts-tune`` are given.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def _data(n: int, p: int, k: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 2.0, k)
    y = 1.0 + X @ w + rng.standard_normal(n)
    return X, y


def _cases(shrink: int):
    import bayesreg as br

    def hs():
        n, p = 500 // shrink, 1000 // shrink
        X, y = _data(n, p, 10)
        return X, y, br.Horseshoe.from_expected_nonzero(10, p, n), dict(sigma=None)

    def bl():
        n, p = 200 // shrink, 2000 // shrink
        X, y = _data(n, p, 20)
        return X, y, br.BayesianLasso(lam_prior=(1.0, 1.0)), dict(sigma="jeffreys")

    def lap():
        n, p = 50_000 // shrink, max(50 // shrink, 5)
        X, y = _data(n, p, 5)
        return X, y, br.Laplace(1.0), dict(sigma=None)

    return {"horseshoe": hs, "blasso": bl, "laplace": lap}


def _clear_caches() -> None:
    from bayesreg.datafits.gaussian import statistics_cache
    from bayesreg.mcmc.model import clear_cache

    statistics_cache.clear()
    clear_cache()


def _run(X, y, prior, sampler, draws, tune, chains, kw):
    import arviz_stats as azs

    import bayesreg as br
    from bayesreg.mcmc.diagnostics import SamplingWarning

    _clear_caches()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplingWarning)
        post = br.sample_posterior(
            X, y, prior, sampler=sampler, draws=draws, tune=tune, chains=chains, random_seed=1,
            progressbar=False, log_likelihood=False, posterior_predictive=False, **kw,
        )
    wall = time.perf_counter() - t0
    ess = azs.ess(post, var_names=["coef"], method="bulk")
    ess = getattr(ess, "posterior", ess)
    min_ess = float(np.nanmin(ess["coef"].values))
    div = int(post["sample_stats"]["diverging"].values.sum())
    return wall, min_ess, div


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=["horseshoe", "blasso", "laplace"],
                    choices=["horseshoe", "blasso", "laplace"])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--tune", type=int, default=500)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--nuts-draws", type=int, default=None)
    ap.add_argument("--nuts-tune", type=int, default=None)
    ap.add_argument("--shrink", type=int, default=1, help="divide n and p by this")
    ap.add_argument("--no-nuts", action="store_true", help="Gibbs only")
    ap.add_argument("--nuts-blasso", action="store_true", help="also run NUTS on the p = 2000 lasso")
    args = ap.parse_args()
    nd = args.nuts_draws or args.draws
    nt = args.nuts_tune if args.nuts_tune is not None else args.tune

    print(f"draws={args.draws} tune={args.tune} chains={args.chains} shrink={args.shrink}")
    header = f"{'case':<10} {'n':>6} {'p':>5} {'sampler':<7} {'wall s':>8} {'min ESS':>8} {'ESS/s':>8} {'div':>5}"
    print(header)
    print("-" * len(header))
    for name in args.cases:
        X, y, prior, kw = _cases(args.shrink)[name]()
        n, p = X.shape
        g = _run(X, y, prior, "gibbs", args.draws, args.tune, args.chains, kw)
        print(f"{name:<10} {n:>6} {p:>5} {'gibbs':<7} {g[0]:>8.1f} {g[1]:>8.0f} {g[1] / g[0]:>8.2f} {g[2]:>5}",
              flush=True)
        if args.no_nuts or (name == "blasso" and not args.nuts_blasso):
            continue
        u = _run(X, y, prior, "nutpie", nd, nt, args.chains, kw)
        print(f"{'':<10} {'':>6} {'':>5} {'nutpie':<7} {u[0]:>8.1f} {u[1]:>8.0f} {u[1] / u[0]:>8.2f} {u[2]:>5}")
        print(f"{'':<10} Gibbs / NUTS ESS/s = {(g[1] / g[0]) / (u[1] / u[0]):.1f}x", flush=True)


if __name__ == "__main__":
    main()
