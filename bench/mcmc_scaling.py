"""MCMC scaling: the sufficient-statistics model against the plain PyMC model.

For n in {1e3, 1e5, 1e6} rows and p = 50 features, a Laplace prior and a learned σ
(half-t), this prints, for both models, run in the same process with the same sampler
(nutpie over PyTensor's numba backend, :func:`bayesreg.mcmc.backends.nutpie.compile_nutpie`) and
the same draws:

* wall time of a fit, compile included;
* minimum bulk ESS over all parameters, and that per second of wall time;
* for our model, the wall time of a second fit with another prior scale (no compile).

The plain model puts ``X @ w`` inside ``pm.Normal``, so each gradient costs O(np)
instead of O(p²). Where one plain fit would exceed ``--plain-budget`` seconds (estimated
from the measured cost of one gradient times the gradients our own fit needed), it is
skipped and the estimate printed instead.

Targets: ESS/s ≥ 10× the plain model's at n = 1e5; the n = 1e6 fit under 60 s
on 2 cores; the second fit ≤ 50% of the first.

Usage:  python bench/mcmc_scaling.py [--draws 500] [--tune 500] [--chains 2] [--cold]

With a warm PyTensor cache (the usual case after the first session) compiling a new
structure takes about a second, so the first and second fits of a small problem differ
little; ``--cold`` shows what the cache saves.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def _data(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    k = min(5, p)
    w[:k] = [2.0, -1.5, 1.0, 0.5, -0.5][:k]
    y = 1.0 + X @ w + rng.standard_normal(n)
    return X, y


def _min_ess(post) -> float:
    import arviz_stats as azs

    ds = post["posterior"].to_dataset() if hasattr(post["posterior"], "to_dataset") else post["posterior"]
    keep = [v for v in ds.data_vars if float(ds[v].std()) > 0 and not str(v).endswith("__")]
    import xarray as xr

    ess = azs.ess(xr.DataTree.from_dict({"posterior": ds[keep]}), method="bulk")
    ess = getattr(ess, "dataset", ess)
    return float(min(float(ess[v].min()) for v in ess.data_vars))


def _plain_model(X, y, scale: float, y_scale: float):
    import pymc as pm
    import pytensor.tensor as pt

    with pm.Model() as model:
        Xd = pm.Data("X", X)
        yd = pm.Data("y", y)
        coef = pm.Laplace("coef", 0.0, scale, shape=X.shape[1])
        b = pm.Flat("intercept")
        sigma = pm.HalfStudentT("sigma", nu=3.0, sigma=y_scale)
        pm.Normal("y_obs", mu=b + pt.dot(Xd, coef), sigma=sigma, observed=yd)
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ns", type=float, nargs="+", default=[1e3, 1e5, 1e6])
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--tune", type=int, default=500)
    ap.add_argument("--chains", type=int, default=2)
    ap.add_argument("--plain-budget", type=float, default=600.0,
                    help="skip a plain fit estimated to take longer than this (seconds)")
    ap.add_argument("--cold", action="store_true",
                    help="empty PyTensor compile cache (a fresh machine): first fits compile from scratch")
    args = ap.parse_args()
    if args.cold:
        import os
        import tempfile

        os.environ["PYTENSOR_FLAGS"] = f"base_compiledir={tempfile.mkdtemp(prefix='pytensor-cold-')}"

    import nutpie
    from tqdm import tqdm

    import bayesreg
    from bayesreg.mcmc import SamplingWarning
    from bayesreg.mcmc.backends.nutpie import compile_nutpie, model_functions
    from bayesreg.mcmc.model import clear_cache

    warnings.simplefilter("ignore", SamplingWarning)
    kw = dict(draws=args.draws, tune=args.tune, chains=args.chains, progressbar=False)
    # warm-up (not timed): numba's and nutpie's one-off start-up costs, paid by neither model
    Xw, yw = _data(50, 2)
    bayesreg.sample_posterior(Xw, yw, bayesreg.Horseshoe(), draws=50, tune=50, chains=1,
                              progressbar=False)
    rows = []
    for n in tqdm([int(v) for v in args.ns], desc="n"):
        X, y = _data(n, args.p)
        y_scale = float(np.std(y))
        clear_cache()  # compile included in the first fit

        t0 = time.perf_counter()
        ours = bayesreg.sample_posterior(X, y, bayesreg.Laplace(1.0), random_seed=1, **kw)
        t_ours = time.perf_counter() - t0
        ess_ours = _min_ess(ours)
        n_grad = int(ours["sample_stats"]["n_steps"].sum()) * (1 + args.tune / args.draws)

        t0 = time.perf_counter()
        bayesreg.sample_posterior(X, y, bayesreg.Laplace(0.3), random_seed=2, **kw)
        t_second = time.perf_counter() - t0

        # plain model: compile, time one gradient, then sample if affordable
        t0 = time.perf_counter()
        plain_model = _plain_model(X, y, 1.0, y_scale)
        fns = model_functions(plain_model)
        plain = compile_nutpie(plain_model, fns)
        x0 = np.zeros(fns.n_dim)
        fns.logp_dlogp(x0, **fns.data)
        t_compile_plain = time.perf_counter() - t0
        t1 = time.perf_counter()
        reps = 20
        for _ in range(reps):
            fns.logp_dlogp(x0, **fns.data)
        t_grad = (time.perf_counter() - t1) / reps
        est = t_compile_plain + n_grad * t_grad
        if est <= args.plain_budget:
            t0 = time.perf_counter()
            tr = nutpie.sample(plain, draws=args.draws, tune=args.tune, chains=args.chains,
                               seed=1, save_warmup=False, progress_bar=False)
            t_plain = t_compile_plain + time.perf_counter() - t0
            ess_plain = _min_ess(tr)
            plain_note = ""
        else:
            t_plain, ess_plain = est, float("nan")
            plain_note = f"skipped: estimated {est:.0f} s ({t_grad * 1e3:.1f} ms per gradient)"
        rows.append((n, t_ours, ess_ours, t_second, t_plain, ess_plain, plain_note))

    print()
    print(f"p = {args.p}, Laplace prior, learned sigma; draws={args.draws} tune={args.tune} "
          f"chains={args.chains}; wall times include compilation")
    hdr = (f"{'n':>9} | {'ours s':>7} {'minESS':>7} {'ESS/s':>8} {'2nd fit s':>9} {'2nd/1st':>7} |"
           f" {'plain s':>8} {'minESS':>7} {'ESS/s':>8} | {'ESS/s ratio':>11}")
    print(hdr)
    print("-" * len(hdr))
    for n, t_o, e_o, t_2, t_p, e_p, note in rows:
        r_o, r_p = e_o / t_o, e_p / t_p
        ratio = f"{r_o / r_p:11.1f}" if np.isfinite(r_p) else f"{'>' + format(r_o * t_p / max(e_o, 1), '.0f'):>11}"
        plain_cols = (f"{t_p:8.1f} {e_p:7.0f} {r_p:8.1f}" if not note else f"{'~' + format(t_p, '.0f'):>8} {'-':>7} {'-':>8}")
        print(f"{n:9d} | {t_o:7.1f} {e_o:7.0f} {r_o:8.1f} {t_2:9.1f} {t_2 / t_o:7.2f} | {plain_cols} | {ratio}")
        if note:
            print(f"{'':9}   plain model {note}; ratio shown assumes the plain model's ESS equals ours")


if __name__ == "__main__":
    main()
