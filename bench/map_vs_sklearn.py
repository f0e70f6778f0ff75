"""MAP solvers versus scikit-learn, skglm and celer, timed in one run at matched accuracy.

For each design n x p in {2000x500, 300x3000, 200x10000, 20000x300} (AR(1) columns,
rho = 0.5, 10 true non-zeros) this times, interleaved (every solver once per round, so
that the machine's load falls on all alike; each round starts one solver later, and each
timed call follows a short pause, so that no solver pays for threads its predecessor left
spinning: ``bench/_timing.py``):

* Lasso at one penalty, alpha = 0.1 alpha_max: ``map_estimate`` with a Laplace prior
  versus scikit-learn's ``Lasso``, skglm's ``Lasso`` and celer's ``Lasso``;
* elastic net at l1_ratio = 0.5, alpha = 0.1 alpha_max(l1_ratio): versus scikit-learn's,
  skglm's and celer's ``ElasticNet``;
* a 100-point path of each (alpha_max down to 1e-3 alpha_max, warm-started), versus
  scikit-learn's ``lasso_path``/``enet_path``, celer's ``celer_path`` and skglm's
  estimator ``path`` (peers fit no intercept on a path: they are given the centred
  design, and the centring is timed with them);
* Ridge at one penalty versus scikit-learn's ``Ridge``.

The peers run at ``tol=1e-10`` (``--tol``): their duality-gap criteria, ours is exact (the
KKT residual of :mod:`bayesreg.map.kkt`, printed for every answer; ~1e-15). Each row prints
min / median / max wall time over ``--repeat`` rounds and the ratio of our median to the
fastest peer's median (with min/min beside it); a peer slower than ``--slow`` seconds on
its first run is timed once. Targets (issue 13): ratio <= 1.0 everywhere.

Needs skglm and celer (benchmark-only: ``make bench`` installs them; a missing one is
skipped with a note).

Usage: ``python bench/map_vs_sklearn.py [--repeat 7] [--quick] [--only lasso,path]``.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.linear_model import ElasticNet, Lasso, Ridge, enet_path, lasso_path

import bayesreg
from _timing import round_order, timed
from bayesreg.convert import from_sklearn
from bayesreg.datafits import GaussianDatafit
from bayesreg.map.kkt import kkt_residual

try:
    import skglm
except ImportError:  # pragma: no cover - benchmark-only dependency
    skglm = None
try:
    import celer
except ImportError:  # pragma: no cover - benchmark-only dependency
    celer = None

TOL = 1e-10
L1_RATIO = 0.5
N_PATH = 100
SIZES = [(2000, 500), (300, 3000), (200, 10000), (20000, 300)]
QUICK = [(200, 50), (50, 300)]


def make_design(n: int, p: int, seed: int = 0, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """AR(1) Gaussian design (rho = 0.5) and y = X w + noise with ``k`` non-zeros in w."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    rho = 0.5
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, min(k, p), replace=False)] = rng.normal(0, 2, min(k, p))
    return X, X @ w + rng.standard_normal(n)


def interleaved(fns: dict[str, Callable[[], object]], repeat: int, slow: float):
    """Wall times of each function over ``repeat`` rounds, one call of each per round
    (after an untimed warm-up call, which also gives the answer and compiles skglm's
    kernels; a function slower than ``slow`` seconds in the first round runs only once),
    in :mod:`_timing`'s rotated rounds, each call after its settle pause."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    answers = {k: f() for k, f in fns.items()}
    once = set()
    for r in range(repeat):
        for k in round_order(list(fns), r):
            if k in once:
                continue
            times[k].append(timed(fns[k]))
            if r == 0 and times[k][-1] > slow:
                once.add(k)
    return {k: np.array(v) for k, v in times.items()}, answers


def report(task: str, times: dict[str, np.ndarray], kkts: dict[str, float], dcoef: dict[str, float]):
    """One block: each solver's min/median/max, our ratio to the fastest peer."""
    med = {k: float(np.median(v)) for k, v in times.items()}
    peers = [k for k in times if k != "bayesreg"]
    best = min(peers, key=med.get)
    ratio = med["bayesreg"] / med[best]
    ratio_min = times["bayesreg"].min() / times[best].min()
    flag = "ok" if ratio <= 1.0 else "SLOW"
    print(f"  {task:<18} ratio {ratio:5.2f} (min/min {ratio_min:5.2f}) vs {best:<8} {flag}")
    for k, v in times.items():
        print(
            f"    {k:<9} {v.min() * 1e3:9.1f} {np.median(v) * 1e3:9.1f} {v.max() * 1e3:9.1f} ms"
            f"  (n={v.size})  kkt {kkts[k]:8.1e}  max|dcoef| {dcoef[k]:8.1e}"
        )
    return ratio


def _kkt(lik: GaussianDatafit, coef: np.ndarray, l1: float, l2: float) -> float:
    """Our certificate (equilibrated coordinates) of an answer in the original ones."""
    d = lik.column_scale
    u = coef * d
    return kkt_residual(u, lik.smooth_gradient(u) + (l2 / d**2) * u, l1 / d, lik.q)


def one_penalty(X, y, lik, l1_ratio: float, repeat: int, slow: float) -> float:
    n = X.shape[0]
    alpha = 0.1 * float(np.abs(lik.q * lik.column_scale).max()) / (n * l1_ratio)
    if l1_ratio == 1.0:
        sk = Lasso(alpha=alpha)
        fns = {
            "sklearn": lambda: Lasso(alpha=alpha, tol=TOL, max_iter=100_000).fit(X, y).coef_,
        }
        if skglm is not None:
            fns["skglm"] = lambda: skglm.Lasso(alpha=alpha, tol=TOL, max_iter=1000).fit(X, y).coef_
        if celer is not None:
            fns["celer"] = lambda: celer.Lasso(alpha=alpha, tol=TOL, max_iter=1000).fit(X, y).coef_
    else:
        sk = ElasticNet(alpha=alpha, l1_ratio=l1_ratio)
        fns = {
            "sklearn": lambda: ElasticNet(
                alpha=alpha, l1_ratio=l1_ratio, tol=TOL, max_iter=100_000
            ).fit(X, y).coef_,
        }
        if skglm is not None:
            fns["skglm"] = lambda: skglm.ElasticNet(
                alpha=alpha, l1_ratio=l1_ratio, tol=TOL, max_iter=1000
            ).fit(X, y).coef_
        if celer is not None:
            fns["celer"] = lambda: celer.ElasticNet(
                alpha=alpha, l1_ratio=l1_ratio, tol=TOL, max_iter=1000
            ).fit(X, y).coef_
    prior = from_sklearn(sk, sigma=1.0, n_samples=n)
    fns = {"bayesreg": lambda: bayesreg.map_estimate(X, y, prior, sigma=1.0).coef, **fns}
    times, coefs = interleaved(fns, repeat, slow)
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    kkts = {k: _kkt(lik, c, l1, l2) for k, c in coefs.items()}
    dc = {k: float(np.abs(c - coefs["bayesreg"]).max()) for k, c in coefs.items()}
    name = "Lasso" if l1_ratio == 1.0 else f"ElasticNet {l1_ratio}"
    return report(name, times, kkts, dc)


def path(X, y, lik, l1_ratio: float, repeat: int, slow: float) -> float:
    n = X.shape[0]
    sk = Lasso(alpha=1.0) if l1_ratio == 1.0 else ElasticNet(alpha=1.0, l1_ratio=l1_ratio)
    prior = from_sklearn(sk, sigma=1.0, n_samples=n)
    ours = bayesreg.map_path(X, y, prior, sigma=1.0, n_points=N_PATH)
    alphas = ours.sklearn_alphas

    def centred():
        return X - X.mean(axis=0), y - y.mean()

    def sk_path():
        Xc, yc = centred()
        if l1_ratio == 1.0:
            return lasso_path(Xc, yc, alphas=alphas, tol=TOL, max_iter=100_000)[1].T
        return enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=alphas, tol=TOL, max_iter=100_000)[1].T

    fns = {
        "bayesreg": lambda: bayesreg.map_path(X, y, prior, sigma=1.0, n_points=N_PATH).coefs,
        "sklearn": sk_path,
    }
    if skglm is not None:
        def skglm_path():
            Xc, yc = centred()
            est = (
                skglm.Lasso(alpha=alphas[0], tol=TOL, fit_intercept=False, max_iter=1000)
                if l1_ratio == 1.0
                else skglm.ElasticNet(
                    alpha=alphas[0], l1_ratio=l1_ratio, tol=TOL, fit_intercept=False, max_iter=1000
                )
            )
            return est.path(Xc, yc, alphas)[1].T

        fns["skglm"] = skglm_path
    if celer is not None:
        def celer_path():
            Xc, yc = centred()
            return celer.celer_path(
                Xc, yc, "lasso", alphas=alphas, l1_ratio=l1_ratio, tol=TOL, max_iter=100
            )[1].T

        fns["celer"] = celer_path
    times, coefs = interleaved(fns, repeat, slow)
    kkts = {
        k: max(
            _kkt(lik, c[i], n * a * l1_ratio, n * a * (1 - l1_ratio)) for i, a in enumerate(alphas)
        )
        for k, c in coefs.items()
    }
    dc = {k: float(np.abs(c - coefs["bayesreg"]).max()) for k, c in coefs.items()}
    name = f"{'Lasso' if l1_ratio == 1.0 else 'EN'} path ({N_PATH})"
    return report(name, times, kkts, dc)


def ridge(X, y, lik, repeat: int, slow: float) -> float:
    n, p = X.shape
    A = lik.A * lik.column_scale  # the centred design, original units
    alpha = float(np.einsum("ij,ij->", A, A)) / p
    prior = from_sklearn(Ridge(alpha=alpha), sigma=1.0)
    fns = {
        "bayesreg": lambda: bayesreg.map_estimate(X, y, prior, sigma=1.0).coef,
        "sklearn": lambda: Ridge(alpha=alpha).fit(X, y).coef_,
    }
    times, coefs = interleaved(fns, repeat, slow)
    kkts = {k: _kkt(lik, c, 0.0, alpha) for k, c in coefs.items()}
    dc = {k: float(np.abs(c - coefs["bayesreg"]).max()) for k, c in coefs.items()}
    return report("Ridge", times, kkts, dc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="small designs only (smoke test)")
    ap.add_argument("--tol", type=float, default=TOL, help="the peers' tol")
    ap.add_argument("--slow", type=float, default=5.0, help="time a slower peer once (s)")
    ap.add_argument(
        "--only", default="lasso,enet,path,enet_path,ridge",
        help="comma-separated subset of lasso,enet,path,enet_path,ridge",
    )
    ap.add_argument("--sizes", default="", help="comma-separated n x p, e.g. 2000x500,300x3000")
    args = ap.parse_args()
    globals()["TOL"] = args.tol
    tasks = set(args.only.split(","))
    for name, mod in (("skglm", skglm), ("celer", celer)):
        if mod is None:
            print(f"note: {name} is not installed (make bench installs it); skipped")
    warnings.filterwarnings("ignore")  # peers' ConvergenceWarnings at tol=1e-10
    worst: dict[str, float] = {}
    sizes = QUICK if args.quick else SIZES
    if args.sizes:
        sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    for n, p in sizes:
        X, y = make_design(n, p)
        lik = GaussianDatafit(X, y, None, True, equilibrate=True)
        print(f"n={n} p={p}")
        runs = {
            "lasso": lambda: one_penalty(X, y, lik, 1.0, args.repeat, args.slow),
            "enet": lambda: one_penalty(X, y, lik, L1_RATIO, args.repeat, args.slow),
            "path": lambda: path(X, y, lik, 1.0, max(2, args.repeat // 2), args.slow),
            "enet_path": lambda: path(X, y, lik, L1_RATIO, max(2, args.repeat // 2), args.slow),
            "ridge": lambda: ridge(X, y, lik, args.repeat, args.slow),
        }
        for task, run in runs.items():
            if task in tasks:
                worst[task] = max(worst.get(task, 0.0), run())
    print("worst ratio (ours / fastest peer, medians): "
          + ", ".join(f"{k} {v:.2f}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
