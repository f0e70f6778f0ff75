"""The ``bayesreg`` command line.

Subcommands
-----------
``bayesreg validate``
    The MAP-versus-penalty check (:mod:`bayesreg.sklearn_check`) on a CSV, Parquet or NPZ
    file, or on the built-in data: prints a table, optionally writes it as CSV
    or JSON, exits 0 when every row agrees within ``--tol`` and 1 otherwise.
``bayesreg fit``
    The MAP (or, with ``--mcmc``, the posterior) on a file, saved with
    :func:`bayesreg.io.save`.

Both take ``--family gaussian|bernoulli|poisson`` (any alias of
:data:`bayesreg.families.LIKELIHOOD_FAMILIES`; default gaussian): ``validate`` then
compares with that family's scikit-learn twin (``LogisticRegression``,
``PoissonRegressor``) and ``fit`` fits :class:`~bayesreg.LogisticMAP` or
:class:`~bayesreg.PoissonMAP`. Those families have no noise scale, so ``--sigma`` with them
is an error (exit 2) that says so. Without ``--data`` each family reads its built-in
dataset (:data:`bayesreg.data.BUILTIN_DATASETS`: diabetes; breast_cancer, standardised;
the diabetes features with simulated counts), all bundled with scikit-learn.
``bayesreg demo``
    The demonstration (:func:`bayesreg.demo.run_demo`), what ``make demo`` runs; prints
    the path of its ``report.html``.

``validate`` and ``fit`` read the data with :func:`bayesreg.data.load_dataset`;
``--one-hot`` encodes non-numeric feature columns as ``column=level`` indicators and
``--standardize`` scales every feature to sd 1 (:meth:`~bayesreg.data.Dataset.standardized`),
both named in the output; ``fit`` then also prints the coefficients in the file's units
and writes ``preprocessing.json`` beside the model. Posterior intervals use
:data:`bayesreg.settings.CI_PROB` unless ``--prob`` says otherwise.

``fit --mcmc`` learns the noise scale σ unless ``--sigma`` fixes it (``--sigma
learn|jeffreys|NUMBER``) and prints what was used; the MAP beside the posterior is then at
σ's posterior mean.

Exit codes: 0 success, 1 a validation row disagrees (or the demo is unavailable, or an
unexpected internal error), 2 bad input (a missing file, an unknown column, a NaN, a
non-numeric column, a bad option value, data the model cannot represent), 130
interrupted; every error is one line ``bayesreg: error: ...`` on stderr, never a
traceback.

Prior names, aliases and preset estimators come from :mod:`bayesreg.families`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from bayesreg._validation import check_positive
from bayesreg.families import LIKELIHOOD_FAMILIES, PENALTY_FAMILIES, likelihood_family, parse_scale, penalty_family
from bayesreg.settings import ci_prob, interval_label

__all__ = ["main", "UsageError", "build_parser", "PREPARATION_FILE"]

PROG = "bayesreg"


class UsageError(Exception):
    """A problem with the command line or the user's input; reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors raise :class:`UsageError` instead of printing the usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ----------------------------------------------------------------- option types
def _option_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse ``type`` from a parser that raises ValueError or TypeError with a clear message."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _integer(text: str, minimum: int) -> int:
    """An integer >= ``minimum``."""
    try:
        v = int(text)
    except ValueError:
        raise ValueError(f"expected an integer, got {text!r}") from None
    if v < minimum:
        raise ValueError(f"expected an integer >= {minimum}, got {text!r}")
    return v


def _count(text: str) -> int:
    """An integer >= 1."""
    return _integer(text, 1)


def _jobs(text: str) -> int:
    """An integer >= 1, or -1 for one worker per core."""
    return -1 if text.strip() == "-1" else _count(text)


def _number(text: str) -> float:
    """A finite number > 0."""
    return check_positive("the value", text)


def _seed(text: str) -> int:
    """An integer >= 0 (NumPy's seeds are non-negative)."""
    return _integer(text, 0)


#: ``--sigma`` words that learn the noise scale (``fit --mcmc``), and the sampler's spelling
SIGMA_MODES = {"learn": None, "jeffreys": "jeffreys"}


def _sigma_choice(text: str) -> float | str:
    """``learn``, ``jeffreys`` or a finite number > 0."""
    word = text.strip().lower()
    if word in SIGMA_MODES:
        return word
    try:
        return _number(text)
    except (ValueError, TypeError):
        raise ValueError(f"expected 'learn', 'jeffreys' or a number > 0, got {text!r}") from None


_positive_float = _option_type(_number)
_positive_int = _option_type(_count)
_seed_type = _option_type(_seed)
_sigma_type = _option_type(_sigma_choice)
_jobs_type = _option_type(_jobs)
_family_type = _option_type(penalty_family)
_likelihood_type = _option_type(likelihood_family)
_scale_type = _option_type(parse_scale)


def _split(values: Sequence[str] | None) -> list[str] | None:
    """Accept both ``--priors a b`` and ``--priors a,b``."""
    if values is None:
        return None
    return [part for v in values for part in v.split(",") if part.strip()]


# ----------------------------------------------------------------- the parser
#: the penalty families and their aliases, for the help texts
_FAMILY_CHOICES = ", ".join(
    f"{name} ({'/'.join(penalty_family(name).aliases)})" for name in PENALTY_FAMILIES
)
#: the likelihood families, their aliases and built-in data, for the help texts
_LIKELIHOOD_CHOICES = ", ".join(
    f"{f.name} ({'/'.join(f.aliases[:3])}; built-in data {f.builtin})" for f in LIKELIHOOD_FAMILIES.values()
)


def _add_data_options(p: argparse.ArgumentParser, *, learn_sigma: bool = False) -> None:
    g = p.add_argument_group("data")
    g.add_argument(
        "--data",
        metavar="FILE",
        type=Path,
        help="CSV, Parquet or NPZ file, or a Parquet directory or a quoted glob of CSV/Parquet files "
        "(read through Dask; fit never gathers them) (default: the family's built-in data, "
        "bundled with scikit-learn: diabetes; breast_cancer for bernoulli; diabetes features "
        "with simulated counts for poisson)",
    )
    g.add_argument(
        "--family",
        type=_likelihood_type,
        default=likelihood_family("gaussian"),
        help=f"likelihood: {_LIKELIHOOD_CHOICES} (default gaussian)",
    )
    g.add_argument(
        "--target", metavar="COLUMN", help="response column (required with --data for tables)"
    )
    g.add_argument("--weights", metavar="COLUMN", help="column of sample weights (not a feature)")
    g.add_argument(
        "--no-intercept",
        dest="fit_intercept",
        action="store_false",
        help="fit without an intercept",
    )
    if learn_sigma:
        g.add_argument(
            "--sigma",
            type=_sigma_type,
            default=None,
            help="noise standard deviation σ (Gaussian family only): a number fixes it (and "
            "turns prior scales into the MAP's penalty); with --mcmc, 'learn' (the default: "
            "half-t prior) or 'jeffreys' samples it, and the MAP is reported at its posterior "
            "mean. Without --mcmc the default is 1",
        )
    else:
        g.add_argument(
            "--sigma",
            type=_positive_float,
            default=None,
            help="noise standard deviation σ that turns prior scales into penalties (Gaussian "
            "family only; default 1)",
        )
    g.add_argument(
        "--one-hot",
        dest="one_hot",
        action="store_true",
        help="encode each non-numeric feature column as indicator columns COLUMN=LEVEL "
        "(every level but the first, sorted, which is the reference)",
    )
    g.add_argument(
        "--standardize",
        action="store_true",
        help="centre every feature column and scale it to standard deviation 1 before fitting, "
        "so that one prior scale means the same for every coefficient",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``bayesreg`` argument parser (subcommands ``validate``, ``fit``, ``demo``)."""
    from bayesreg import __version__
    from bayesreg.sklearn_check import DEFAULT_TOL

    parser = _Parser(
        prog=PROG,
        description="Bayesian regression with shrinkage priors: check that MAP estimates "
        "equal their scikit-learn penalties, fit posteriors, run the demo.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{validate,fit,demo}")
    sub.required = True

    v = sub.add_parser(
        "validate",
        help="check MAP == scikit-learn penalty over a grid of priors x scales",
        description="For every prior x scale (x weighting) fit the MAP and the equivalent "
        "scikit-learn estimator (tol=1e-12; LogisticRegression or PoissonRegressor with "
        "--family), and compare: max |Δcoef| relative to 1 + max|coef|, zero patterns, "
        "KKT residual (and scikit-learn's). Exit 0 when all rows agree within --tol, 1 "
        "otherwise, 2 for bad input.",
    )
    _add_data_options(v)
    v.add_argument(
        "--priors",
        nargs="+",
        metavar="PRIOR",
        type=str,
        default=None,
        help=f"prior families: {_FAMILY_CHOICES} (default: all those with a scikit-learn twin "
        "under the family: the Gaussian prior alone for poisson; comma- or space-separated)",
    )
    v.add_argument(
        "--scales",
        nargs="+",
        metavar="SCALE",
        type=str,
        default=None,
        help="prior scales: Gaussian sd τ, Laplace b; a pair B:T gives Laplace b=B, Gaussian "
        "τ=T, elastic net both (one number: b=τ). "
        "Default: five scales adapted to the data",
    )
    v.add_argument(
        "--tol",
        type=_positive_float,
        default=DEFAULT_TOL,
        help=f"agreement tolerance (default {DEFAULT_TOL:g})",
    )
    v.add_argument(
        "--out", metavar="FILE", type=Path, help="also write the table to FILE (.csv or .json)"
    )
    v.add_argument(
        "--jobs",
        type=_jobs_type,
        default=1,
        metavar="N",
        help="worker processes (-1: all cores; default 1)",
    )
    v.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    v.set_defaults(func=_cmd_validate)

    f = sub.add_parser(
        "fit",
        help="fit the MAP (or the posterior with --mcmc) on a file and save it",
        description="Fit a prior's MAP on a data file (and, with --mcmc, sample its "
        "posterior), print the coefficients and save the model to --out with "
        "bayesreg.io.save (model.json, posterior.nc).",
    )
    _add_data_options(f, learn_sigma=True)
    f.add_argument(
        "--prior",
        type=_family_type,
        required=True,
        help=_FAMILY_CHOICES,
    )
    f.add_argument(
        "--scale",
        type=_scale_type,
        required=True,
        help="prior scale: Gaussian sd τ, Laplace b, elastic net B:T (one number: b=τ)",
    )
    f.add_argument("--mcmc", action="store_true", help="also sample the posterior (see --sampler)")
    f.add_argument(
        "--draws", type=_positive_int, default=1000, help="posterior draws per chain (default 1000)"
    )
    f.add_argument(
        "--tune", type=_positive_int, default=1000, help="tuning steps per chain (default 1000)"
    )
    f.add_argument("--chains", type=_positive_int, default=4, help="chains (default 4)")
    f.add_argument(
        "--sampler",
        choices=("auto", "gibbs", "nutpie", "pymc"),
        default="auto",
        help="posterior sampler (default auto: Gibbs for a scale-mixture prior with a Gaussian "
        "likelihood, or a Bernoulli one when polyagamma is installed, else nutpie's NUTS)",
    )
    f.add_argument(
        "--prob",
        type=_option_type(ci_prob),
        default=None,
        help=f"probability of the posterior intervals (default {ci_prob():g}, bayesreg.settings.CI_PROB)",
    )
    f.add_argument("--seed", type=_seed_type, default=None, help="random seed of the sampler (>= 0)")
    f.add_argument(
        "--out", metavar="DIR", type=Path, required=True, help="directory to save the model in"
    )
    f.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    f.set_defaults(func=_cmd_fit)

    d = sub.add_parser(
        "demo",
        help="run the demonstration and write its outputs",
        description="Run the bayesreg demonstration (what `make demo` runs) and write its "
        "figures and tables to --out.",
    )
    d.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("demo-output"),
        help="output directory (default demo-output)",
    )
    d.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars")
    d.set_defaults(func=_cmd_demo)
    return parser


# ----------------------------------------------------------------- commands
def _progress(args: argparse.Namespace) -> bool:
    return bool(args.progress) and sys.stderr.isatty()


def _load(args: argparse.Namespace, *, lazy: bool = False):
    from bayesreg.data import DataError, load_dataset

    builtin = args.family.builtin
    if args.data is None and args.weights is not None:
        raise UsageError(
            f"--weights needs --data (the built-in {builtin} data has no weights column)"
        )
    try:
        ds = load_dataset(args.data, target=args.target, weights=args.weights, one_hot=args.one_hot,
                          lazy=lazy and args.family.has_noise_scale, builtin=builtin)
        return ds.standardized() if args.standardize else ds
    except DataError as exc:
        raise UsageError(str(exc)) from None


def _no_sigma(args: argparse.Namespace) -> None:
    """A UsageError when ``--sigma`` is given with a family that has no noise scale."""
    try:
        args.family.penalty_sigma(args.sigma)
    except ValueError as exc:
        raise UsageError(f"argument --sigma: {exc}") from None


def _family_text(args: argparse.Namespace, sigma: Any) -> str:
    """``sigma=1`` (Gaussian family) or ``family bernoulli (no noise scale)``."""
    if args.family.has_noise_scale:
        return f"sigma={sigma:g}"
    return f"family {args.family.name} (no noise scale)"


def _preparation(ds: Any) -> list[str]:
    """The lines that say how the file's columns became the features."""
    lines = [
        f"one-hot {column}: reference level {levels[0]!r}; columns "
        + ", ".join(f"{column}={level}" for level in levels[1:])
        for column, levels in ds.encodings.items()
    ]
    if ds.center is not None:
        lines.append("standardized: every feature centred and scaled to sd 1 (coefficients per sd)")
    return lines


def _cmd_validate(args: argparse.Namespace) -> int:
    from bayesreg.sklearn_check import validate

    lik = args.family
    if not lik.has_noise_scale:
        _no_sigma(args)
    sigma = 1.0 if args.sigma is None and lik.has_noise_scale else args.sigma
    priors = _split(args.priors) or lik.twin_priors
    scales = _split(args.scales)
    try:
        fams = [penalty_family(p) for p in priors]
        for fam in fams:
            lik.sklearn_twin(fam)
    except ValueError as exc:
        raise UsageError(f"argument --priors: {exc}") from None
    try:
        scales = None if scales is None else [parse_scale(s) for s in scales]
        for fam in fams:
            for s in scales or ():
                fam.prior(s)
    except ValueError as exc:
        raise UsageError(f"argument --scales: {exc}") from None
    out = args.out
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise UsageError(
            f"argument --out: cannot tell the format of {out}; use a .csv or .json name"
        )
    if out is not None and not out.resolve().parent.is_dir():
        raise UsageError(f"argument --out: directory {out.parent} does not exist")
    ds = _load(args)
    weights = None if ds.sample_weight is None else {"none": None, ds.weights: ds.sample_weight}
    table = validate(
        ds.X,
        ds.y,
        [fam.name for fam in fams],
        scales,
        sigma=sigma,
        family=lik.name,
        sample_weights=weights,
        fit_intercept=args.fit_intercept,
        tol=args.tol,
        n_jobs=args.jobs,
        progress=_progress(args),
        source=ds.source,
    )
    print(
        f"bayesreg validate: {ds.source}, target {ds.target!r}, n={ds.n_samples}, "
        f"p={ds.n_features}, {_family_text(args, sigma)}, tol={args.tol:g}"
    )
    for line in _preparation(ds):
        print(line)
    print(table.format())
    if out is not None:
        try:
            table.write(out)
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
        print(f"wrote {out}")
    bad = table.failures
    if not bad:
        print(f"OK: all {len(table)} rows agree within tol={args.tol:g}")
        return 0
    print(f"FAIL: {len(bad)} of {len(table)} rows disagree beyond tol={args.tol:g}:")
    print(table.format(bad))
    return 1


def _sigma_plan(args: argparse.Namespace) -> tuple[float | None, Any, str]:
    """``(the MAP's sigma, the sampler's sigma, how it is described)`` from ``--sigma``
    (``(None, None, ...)`` for a family without a noise scale, which refuses ``--sigma``)."""
    if not args.family.has_noise_scale:
        _no_sigma(args)
        return None, None, f"{args.family.name} likelihood (no noise scale)"
    choice = args.sigma
    if choice is None:
        choice = "learn" if args.mcmc else 1.0
    if isinstance(choice, str):
        if not args.mcmc:
            raise UsageError(
                f"argument --sigma: {choice!r} samples the noise scale, which needs --mcmc; "
                "the MAP alone needs a number"
            )
        prior = "half-t prior" if choice == "learn" else "Jeffreys prior"
        return 1.0, SIGMA_MODES[choice], f"sigma learned ({prior})"
    return float(choice), float(choice), f"sigma={choice:g} (fixed)"


def _sample(est: Any, X: Any, ds: Any, args: argparse.Namespace, post_sigma: Any, text: str) -> str:
    """Sample the posterior into ``est``; a learned σ also moves the MAP to σ's posterior
    mean. Returns the line that says which σ was used."""
    import numpy as np

    noise = {"sigma": post_sigma} if args.family.has_noise_scale else {}
    est.sample_posterior(
        X,
        ds.y,
        sample_weight=ds.sample_weight,
        **noise,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        random_seed=args.seed,
        progressbar=_progress(args),
        sampler=args.sampler,
    )
    post = est.posterior_["posterior"]
    if post_sigma is None and not args.family.has_noise_scale:
        return f"posterior: {text}"
    if isinstance(post_sigma, float) or "sigma" not in post:
        return f"posterior: {text}"
    s = np.asarray(post["sigma"]).ravel()
    prob = ci_prob(args.prob)
    lo, hi = np.quantile(s, [(1 - prob) / 2, (1 + prob) / 2])  # equal-tailed, at the package level
    posterior = est.posterior_
    est.set_params(sigma=float(s.mean()))
    est.fit(X, ds.y, sample_weight=ds.sample_weight)
    est.posterior_ = posterior
    return (
        f"posterior: {text}, mean {s.mean():.6g}, {interval_label(prob)} [{lo:.4g}, {hi:.4g}]; "
        f"the MAP is at sigma={s.mean():.6g}"
    )


def _cmd_fit(args: argparse.Namespace) -> int:
    import dataclasses

    import numpy as np

    from bayesreg import io
    from bayesreg.sklearn_check import sklearn_text

    fam = args.prior  # a PriorFamily (the --prior type)
    lik = args.family  # a LikelihoodFamily (the --family type)
    prior = fam.prior(args.scale)
    map_sigma, post_sigma, sigma_text = _sigma_plan(args)
    if lik.has_noise_scale:
        est = fam.estimator_class(
            **dataclasses.asdict(prior), sigma=map_sigma, fit_intercept=args.fit_intercept
        )
    else:  # LogisticMAP / PoissonMAP take the prior itself
        est = lik.estimator_class(prior, fit_intercept=args.fit_intercept)
    out = args.out
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / io.MODEL_FILE).exists())
    ):
        raise UsageError(f"argument --out: {out} exists and is not a bayesreg model directory")
    ds = _load(args, lazy=True)  # a directory or glob stays in Dask: one pass of statistics
    X = ds.frame()
    est.fit(X, ds.y, sample_weight=ds.sample_weight)
    sigma_line = _sample(est, X, ds, args, post_sigma, sigma_text) if args.mcmc else None
    try:
        twin = f"scikit-learn {sklearn_text(*est.result_.sklearn_params)}"
    except ValueError:  # no scikit-learn estimator for this family and penalty (L1 Poisson)
        twin = f"the {fam.name}-prior MAP (scikit-learn has no {lik.name} estimator for it)"
    print(
        f"bayesreg fit: {ds.source}, target {ds.target!r}, n={ds.n_samples}, p={ds.n_features}, "
        f"prior {est.result_.prior!r}, "
        + (f"sigma={est.sigma:g}" if lik.has_noise_scale else f"family {lik.name} (no noise scale)")
    )
    if sigma_line is not None:
        print(sigma_line)
    for line in _preparation(ds):
        print(line)
    print(f"MAP = {twin}; KKT residual {est.kkt_residual_:.1e}")
    if not lik.has_noise_scale and hasattr(est, "classes_"):
        one, zero = (f"{c:g}" if isinstance(c, (float, np.floating)) else str(c) for c in est.classes_[::-1])
        print(f"the coefficients are log-odds of class {one} (versus {zero})")
    names = list(ds.feature_names)
    coef_map = np.ravel(est.coef_)  # LogisticMAP's coef_ is one row, as scikit-learn's classifiers'
    intercept_map = float(np.ravel(est.intercept_)[0])
    rows = [("feature", "MAP coef")] + [(n, f"{c:.6g}") for n, c in zip(names, coef_map)]
    rows.append(("(intercept)", f"{intercept_map:.6g}"))
    if ds.center is not None:
        coef, intercept = ds.original_units(coef_map, intercept_map)
        rows[0] = ("feature", "MAP coef (per sd)", "MAP coef (per unit)")
        for j, c in enumerate([*coef, intercept]):
            rows[j + 1] = rows[j + 1] + (f"{c:.6g}",)
    if args.mcmc:
        post = est.posterior_["posterior"]
        prob = ci_prob(args.prob)
        tails = [(1 - prob) / 2, (1 + prob) / 2]  # the equal-tailed interval
        coef = np.asarray(post["coef"]).reshape(-1, ds.n_features)
        lo, hi = np.quantile(coef, tails, axis=0)
        rows[0] = rows[0] + ("posterior mean", interval_label(prob))
        for j in range(ds.n_features):
            rows[j + 1] = rows[j + 1] + (f"{coef[:, j].mean():.6g}", f"[{lo[j]:.4g}, {hi[j]:.4g}]")
        if "intercept" in post:
            b = np.asarray(post["intercept"]).ravel()
            bl, bh = np.quantile(b, tails)
            rows[-1] = rows[-1] + (f"{b.mean():.6g}", f"[{bl:.4g}, {bh:.4g}]")
    width = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(width[i]) for i, c in enumerate(r)).rstrip())
    try:
        io.save(est, out)
        _save_preparation(ds, out)
    except OSError as exc:
        raise UsageError(f"cannot save to {out}: {exc}") from None
    print(f"saved to {out} (load with bayesreg.io.load({str(out)!r}))")
    if ds.encodings or ds.center is not None:
        print(f"the model expects the prepared columns: see {out / PREPARATION_FILE}")
    return 0


#: the file ``bayesreg fit`` writes beside the model when --one-hot or --standardize changed the columns
PREPARATION_FILE = "preprocessing.json"


def _save_preparation(ds: Any, out: Path) -> None:
    """Write (or remove a stale) :data:`PREPARATION_FILE`: :meth:`Dataset.preprocessing`."""
    import json

    path = out / PREPARATION_FILE
    if ds.encodings or ds.center is not None:
        path.write_text(json.dumps(ds.preprocessing(), indent=1), encoding="utf-8")
    elif path.exists():
        path.unlink()


def _cmd_demo(args: argparse.Namespace) -> int:
    try:
        from bayesreg.demo import run_demo
    except ImportError as exc:
        if getattr(exc, "name", None) in ("bayesreg.demo",):
            print(
                f"{PROG}: error: the demo is not available in this install (bayesreg.demo is missing)",
                file=sys.stderr,
            )
            return 1
        raise
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"argument --out: {args.out} exists and is not a directory")
    try:
        path = run_demo(args.out, progressbar=_progress(args))
    except OSError as exc:
        raise UsageError(f"cannot write the demo to {args.out}: {exc.strerror or exc}") from None
    print(f"demo outputs written to {path}")
    print(f"report: {(Path(path) / 'report.html').resolve()}")
    return 0


# ----------------------------------------------------------------- entry point
def _safe_streams() -> None:
    """Never crash on a console that cannot print "Δ" or "τ" (e.g. cp1252 on Windows)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "Δτσ".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``bayesreg`` command line with ``argv`` (default ``sys.argv[1:]``).

    Returns the exit code: 0 success, 1 a failed check, 2 bad input (one line on
    stderr, ``bayesreg: error: ...``). ``--help`` and ``--version`` return 0.
    """
    _safe_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
        return int(args.func(args))
    except UsageError as exc:
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError) as exc:  # the library's checks: bad input for the model
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback: one line, and how to see the details
        msg = " ".join(str(exc).split()) or "(no message)"
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {msg} (please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
