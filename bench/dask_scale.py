"""Beyond one machine's memory: the MAP of a lazily generated design on Dask.

A ``--rows`` × ``--features`` design (default 5×10⁷ × 20: 8 GB of float64) is defined
lazily with ``dask.array.random`` in row chunks and never materialised. In the same
run this prints, over ``--repeats`` alternating repeats (min / median / max):

* one plain Dask pass over the same data, ``(X**2).sum(0)``: the floor for any
  algorithm that reads every entry once;
* ``map_estimate`` of a Laplace prior from the Dask inputs — one pass of sufficient
  statistics (:mod:`bayesreg.dask`) plus the exact solve — and its ratio to the plain
  pass (target ≤ 2.5×);
* the whole 50-point Lasso path and a Ridge fit from the saved statistics (no pass);
* the posterior from the statistics (``sample_posterior(stats, None, ...)``) when the
  sampler's front door accepts them (otherwise says so);
* the peak resident memory of this process (target < 2 GB; with ``--scheduler
  distributed`` the workers are other processes, so the figure is the client's).

Wall times on a shared machine vary with its load; the CPU time of this process (all
threads of the local scheduler) measures the work itself and is printed beside them.

Usage::

    python bench/dask_scale.py                       # the full 8 GB design
    python bench/dask_scale.py --rows 2_000_000      # a quick run
    python bench/dask_scale.py --scheduler distributed --workers 2
    python bench/dask_scale.py --address tcp://scheduler:8786
"""

from __future__ import annotations

import argparse
import resource
import statistics as st
import time
import warnings

import numpy as np


def _design(n: int, p: int, chunk_rows: int, seed: int = 0):
    import dask.array as da

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n, p), chunks=(chunk_rows, p))
    beta = np.zeros(p)
    beta[: min(5, p)] = [2.0, -1.5, 1.0, 0.5, -0.5][: min(5, p)]
    y = 1.0 + X @ beta + rng.standard_normal(n, chunks=chunk_rows)
    return X, y


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def _summary(values: list[float]) -> str:
    return f"min {min(values):7.2f}  median {st.median(values):7.2f}  max {max(values):7.2f}"


def _posterior_time(stats, prior) -> str:
    import bayesreg

    t = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bayesreg.sample_posterior(
                stats, None, prior, sigma=None, draws=1000, tune=1000, chains=2,
                progressbar=False,
            )
    except (TypeError, ValueError) as exc:
        return f"not available: sample_posterior does not take SufficientStatistics yet ({exc})"
    return f"{time.perf_counter() - t:.2f} s (2 chains × 1000 draws + 1000 tune, sigma learned)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=lambda s: int(float(s)), default=50_000_000)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--chunk-rows", type=lambda s: int(float(s)), default=500_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scheduler", choices=("threads", "distributed"), default="threads")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers (distributed)")
    ap.add_argument("--address", default=None, help="an existing scheduler, e.g. tcp://host:8786")
    ap.add_argument("--no-posterior", action="store_true")
    args = ap.parse_args()

    import dask

    import bayesreg

    client = None
    if args.address or args.scheduler == "distributed":
        from distributed import Client, LocalCluster

        if args.address:
            client = Client(args.address)
        else:
            client = Client(LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=":0",
            ))
        where = f"distributed: {client.dashboard_link}"
    else:
        dask.config.set(scheduler="threads")
        where = "local threaded scheduler"

    n, p = args.rows, args.features
    X, y = _design(n, p, args.chunk_rows)
    # lambda_1 = sigma^2 / b = 3 sqrt(n): about a 3-sd threshold for a null feature's |q_j|,
    # so the MAP keeps the 5 true features and zeros most of the others
    prior = bayesreg.Laplace(1.0 / (3.0 * np.sqrt(n)))
    print(
        f"design {n:,} × {p} float64 = {n * p * 8 / 1e9:.1f} GB (never materialised), "
        f"{X.numblocks[0]} chunks of {args.chunk_rows:,} rows; {where}"
    )
    print(f"peak RSS after imports: {_peak_rss_gb():.2f} GB")

    plain, fit, plain_cpu, fit_cpu = [], [], [], []
    res = None
    for _ in range(args.repeats):
        t, c = time.perf_counter(), time.process_time()
        (X**2).sum(0).compute()
        plain.append(time.perf_counter() - t)
        plain_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
        fit.append(time.perf_counter() - t)
        fit_cpu.append(time.process_time() - c)
    ratios = [f / q for f, q in zip(fit, plain)]
    cpu_ratios = [f / q for f, q in zip(fit_cpu, plain_cpu)]
    print(f"plain pass (X**2).sum(0)     wall [s]: {_summary(plain)}")
    print(f"map_estimate (one pass+solve) wall [s]: {_summary(fit)}")
    print(f"ratio map / plain pass, wall        : {_summary(ratios)}   (target <= 2.5)")
    print(f"plain pass                    CPU [s]: {_summary(plain_cpu)}")
    print(f"map_estimate                  CPU [s]: {_summary(fit_cpu)}")
    print(f"ratio map / plain pass, CPU         : {_summary(cpu_ratios)}")
    print(f"  MAP: {int((res.coef != 0).sum())} non-zero of {p}, kkt_residual {res.kkt_residual:.1e}")

    t = time.perf_counter()
    stats = bayesreg.SufficientStatistics.from_dask(X, y)
    t_stats = time.perf_counter() - t
    t = time.perf_counter()
    path = bayesreg.map_path(stats, None, prior, sigma=1.0, n_points=50)
    ridge = bayesreg.map_estimate(stats, None, bayesreg.Gaussian(1.0), sigma=1.0)
    t_fits = time.perf_counter() - t
    print(
        f"statistics alone: {t_stats:.2f} s; then a 50-point Lasso path + a Ridge fit "
        f"from them: {t_fits * 1e3:.1f} ms (no pass; max |Δcoef| vs the Dask MAP "
        f"{np.abs(bayesreg.map_estimate(stats, None, prior, sigma=1.0).coef - res.coef).max():.1e})"
    )
    del path, ridge
    if not args.no_posterior:
        print(f"posterior from the statistics: {_posterior_time(stats, prior)}")
    print(f"peak RSS of this process: {_peak_rss_gb():.2f} GB (target < 2 GB)")
    if client is not None:
        client.close()


if __name__ == "__main__":
    main()
