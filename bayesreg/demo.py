r"""``make demo``: an analysis of the diabetes data under Gaussian and Laplace priors, as a report.

:func:`run_demo` does, in order (one progress-bar step each):

1. **Data.** scikit-learn's bundled diabetes data (442 patients, 10 predictors), predictors
   standardised to mean 0 and sd 1 so the coefficients share one unit (outcome change per
   sd of the predictor).
2. **Priors.** The noise sd σ is the least-squares residual sd. The Laplace scale
   :math:`b` is the one whose MAP is the cross-validated Lasso
   (:class:`sklearn.linear_model.LassoCV`, ``alpha`` :math:`\to b = \sigma^2/(n\,\alpha)`,
   with the one-standard-error rule: the largest ``alpha`` whose cross-validated error is
   within one standard error of the minimum, a sparser model than the minimiser);
   the Gaussian prior gets the *same variance*, :math:`\tau = \sqrt2\,b`, so the two
   priors differ in shape only.
3. **MAP and validation.** :func:`bayesreg.map_estimate` under both priors (σ fixed at
   its estimate), each compared with its scikit-learn twin
   (:func:`bayesreg.sklearn_check.compare_to_sklearn`) at the chosen scale and at ten
   times weaker and stronger penalties.
4. **MCMC.** :func:`bayesreg.sample_posterior` for both priors (σ learned), and the
   Laplace posterior with σ fixed at a few points of the Lasso path (the credible bands of
   the Bayesian regularisation path; the Ridge bands are exact). Every posterior is
   checked by :func:`bayesreg.mcmc.check_convergence`; one that fails is sampled once
   more with twice the draws and tuning steps, and the report says so.
5. **Checks.** Convergence diagnostics of every posterior (arviz-stats), the LOO
   comparison of the two priors (:func:`arviz_stats.loo`, :func:`arviz_stats.compare`)
   and posterior predictive draws of the data (:func:`bayesreg.predict_posterior`).
6. **Outputs** in ``out_dir``: every figure of :mod:`bayesreg.plots` as PNG, the summary
   table (``summary.csv``, ``summary.md``), the validation, zeros, convergence and LOO
   tables (``validation.csv``, ``zeros.csv``, ``convergence.csv``, ``loo.csv``), the
   posteriors (``posterior_<prior>.nc``, netCDF) and ``report.html``: a self-contained
   page that explains each figure in the analysis' own terms, with the versions and the
   date.

Every interval is at :data:`bayesreg.settings.CI_PROB`. If the MCMC part of bayesreg is
not available, the MAP figures are still written and the report says what is missing.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import math
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayesreg import settings
from bayesreg.families import PRIOR_FAMILIES

__all__ = ["run_demo", "FIGURES"]

#: file stem -> title of every figure the demo writes (in report order); the captions
#: are written per run, in terms of its numbers
FIGURES: dict[str, str] = {
    "priors": "Coefficient priors at matched variance",
    "one_coefficient": "One coefficient: where the L1 minimum becomes exactly zero",
    "geometry": "Two coefficients: the L1 diamond against the L2 disc",
    "paths": "Regularisation paths with posterior bands",
    "scale_choice": "Which prior scale? Cross-validation, empirical Bayes and a hyperprior",
    "posterior_comparison": "Each coefficient under both priors",
    "mass_near_zero": "Posterior mass near zero against the prior's",
    "prior_posterior": "Prior versus posterior",
    "ppc": "Posterior predictive check",
    "trace": "Trace plot (Laplace prior)",
    "rank": "Rank plot (Laplace prior)",
    "energy": "Energy plot (Laplace prior)",
}
_MCMC_FIGURES = ("posterior_comparison", "mass_near_zero", "prior_posterior", "ppc", "trace", "rank", "energy")
#: the two families the demo sets side by side; their labels key every table and figure
GAUSSIAN, LAPLACE = PRIOR_FAMILIES["gaussian"], PRIOR_FAMILIES["laplace"]
#: the packages whose versions the report lists
_PACKAGES = ("bayesreg", "numpy", "scipy", "pandas", "scikit-learn", "pymc", "pytensor", "nutpie", "xarray",
             "arviz-base", "arviz-stats", "arviz-plots", "matplotlib")


def _sampler() -> Callable[..., Any] | None:
    """``bayesreg.sample_posterior`` if the MCMC part is installed, else None."""
    try:
        from bayesreg.mcmc import sample_posterior
    except ImportError:
        return None
    return sample_posterior


def _load_data():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = (X - X.mean()) / X.std(ddof=0)
    return X, y.to_numpy(dtype=float)


def _choose_priors(X: Any, y: np.ndarray) -> tuple[float, dict[str, Any]]:
    from sklearn.linear_model import LassoCV, LinearRegression

    n, p = X.shape
    resid = y - LinearRegression().fit(X, y).predict(X)
    sigma = float(np.sqrt(resid @ resid / (n - p - 1)))
    cv = LassoCV(cv=5, alphas=60).fit(X, y)
    mse = cv.mse_path_.mean(axis=1)
    se = cv.mse_path_.std(axis=1) / math.sqrt(cv.mse_path_.shape[1])
    best = int(np.argmin(mse))
    alpha = float(cv.alphas_[mse <= mse[best] + se[best]].max())  # the one-standard-error rule
    b = sigma**2 / (n * alpha)
    return sigma, {GAUSSIAN.label: GAUSSIAN.prior(math.sqrt(2.0) * b), LAPLACE.label: LAPLACE.prior(b)}


def _validation_table(X: Any, y: np.ndarray, priors: dict[str, Any], sigma: float) -> pd.DataFrame:
    """Each prior against scikit-learn at its scale and at ten times weaker and stronger penalties."""
    from bayesreg.sklearn_check import compare_to_sklearn

    rows = [
        compare_to_sklearn(X, y, type(prior)(scale=prior.scale * f), sigma=sigma)
        for prior in priors.values()
        for f in (0.1, 1.0, 10.0)
    ]
    return pd.DataFrame(
        {
            "prior": [r.prior for r in rows],
            "scikit-learn equivalent": [r.sklearn_text for r in rows],
            "max|Δcoef| rel": [r.max_rel_dcoef for r in rows],
            "|Δintercept|": [r.intercept_diff for r in rows],
            "zeros agree": [r.zeros_agree for r in rows],
            "non-zeros": [r.n_nonzero for r in rows],
            "KKT residual": [r.kkt_residual for r in rows],
            "agree": [r.agree for r in rows],
        }
    )


# ------------------------------------------------------------------ sampling
@contextlib.contextmanager
def _noted_warnings(notes: list[str], where: str, *, skip: tuple[type, ...] = ()) -> Iterator[None]:
    """Record the warnings raised inside as report notes and re-emit them; those of a class
    in ``skip`` are dropped (the caller reports them its own way)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if skip and issubclass(w.category, skip):
            continue
        notes.append(f"{where}: {w.message}")
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _sample_converged(
    sample: Callable[..., Any], where: str, notes: list[str], *, draws: int, tune: int, **kw: Any
) -> Any:
    """``sample(draws=..., tune=..., **kw)``, checked by :func:`bayesreg.mcmc.check_convergence`;
    a posterior that fails is sampled once more with twice the draws and tuning steps."""
    from bayesreg.mcmc import SamplingWarning, check_convergence

    for attempt in (1, 2):
        with _noted_warnings(notes, where, skip=(SamplingWarning,)):
            post = sample(draws=draws, tune=tune, **kw)
        problems = check_convergence(post, warn=False)
        if not problems:
            return post
        text = "; ".join(problems)
        if attempt == 1:
            notes.append(f"{where}: {text} with {draws} draws after {tune} tuning steps per chain; "
                         f"sampled again with {2 * draws} after {2 * tune}")
            draws, tune = 2 * draws, 2 * tune
    notes.append(f"{where}: fails its convergence check after a second run: {text}")
    warnings.warn(f"{where}: {text}", SamplingWarning, stacklevel=2)
    return post


def _with_predictive(post: Any, X: Any, prob: float, random_seed: int) -> tuple[Any, Any]:
    """``post`` with a ``posterior_predictive`` group (``y`` over (chain, draw, obs)) drawn by
    :func:`bayesreg.predict_posterior` with noise (unless it has one), and that prediction."""
    import xarray as xr

    from bayesreg.mcmc import predict_posterior

    pred = predict_posterior(post, X, include_noise=True, prob=prob, random_seed=random_seed)
    if "posterior_predictive" in post.children:  # sample_posterior drew it already
        return post, pred
    p = post["posterior"]
    draws = pred.draws.reshape(p.sizes["chain"], p.sizes["draw"], -1)
    out = post.copy()
    out["posterior_predictive"] = xr.DataTree(xr.Dataset(
        {"y": (("chain", "draw", "obs"), draws)},
        coords={"chain": p["chain"].values, "draw": p["draw"].values,
                "obs": post["observed_data"]["obs"].values},
    ))
    return out, pred


# ------------------------------------------------------------------ tables
def _fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "NO"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "nan" if not np.isfinite(v) else f"{v + 0.0:.4g}"  # + 0.0 turns -0.0 into 0
    return str(v)


def _markdown(table: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of ``table``'s cells as :func:`_fmt` writes them.

    (``DataFrame.to_markdown`` would need the ``tabulate`` package for this one file.)
    """
    cells = table.map(_fmt)

    def line(values: Any) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in values) + " |"

    rows = [line(table.columns), "|" + "---|" * table.shape[1], *map(line, cells.itertuples(index=False))]
    return "\n".join(rows) + "\n"


def _html_table(table: pd.DataFrame, table_id: str) -> str:
    return table.map(_fmt).to_html(index=False, border=0, table_id=table_id)


def _interval_columns(prob: float) -> tuple[str, str]:
    return f"{settings.percent(prob)} lower", f"{settings.percent(prob)} upper"


def _summary_table(
    posteriors: dict[str, Any], maps: dict[str, Any], sklearn: dict[str, Any], eps: float, names: list[str],
    prob: float | None = None,
) -> pd.DataFrame:
    """One row per (prior, coefficient): MAP, scikit-learn, posterior summaries, the
    equal-tailed interval at ``prob`` (default :data:`bayesreg.settings.CI_PROB`)."""
    import arviz_stats as azs

    from bayesreg.stats import posterior_mass_near_zero

    prob = settings.ci_prob(prob)
    lo_name, hi_name = _interval_columns(prob)
    header = ["prior", "feature", "MAP", "scikit-learn", "post. mean", "post. sd", lo_name, hi_name,
              "P(|b|<eps)", "r_hat", "ess_bulk"]
    rows: list[list[Any]] = []
    for label in maps:
        coef_map, coef_sk = maps[label].coef, np.asarray(sklearn[label].coef_)
        if label in posteriors:
            da = posteriors[label]["posterior"]["coef"]
            mean = azs.mean(da, dim=["chain", "draw"], round_to="none").values
            sd = azs.std(da, dim=["chain", "draw"], round_to="none").values
            ci = azs.eti(da, prob=prob)
            lo, hi = ci.sel(ci_bound="lower").values, ci.sel(ci_bound="upper").values
            pz = posterior_mass_near_zero(posteriors[label], eps).values
            rhat = azs.rhat(da).values
            ess = azs.ess(da, method="bulk").values
        else:
            mean = sd = lo = hi = pz = rhat = ess = np.full(len(names), np.nan)
        for j, name in enumerate(names):
            rows.append([label, name, coef_map[j], coef_sk[j], mean[j], sd[j], lo[j], hi[j], pz[j],
                         rhat[j], ess[j]])
    return pd.DataFrame(rows, columns=header)


def _zeros_table(maps: dict[str, Any], posteriors: dict[str, Any], priors: dict[str, Any], eps: float,
                 names: list[str]) -> pd.DataFrame:
    """Per feature: each prior's MAP (is it exactly 0?) beside its posterior P(|β_j| < ε | y)."""
    from bayesreg.stats import posterior_mass_near_zero

    table = pd.DataFrame({"feature": names})
    for label in maps:
        coef = maps[label].coef
        table[f"{label} MAP"] = coef
        table[f"{label} MAP = 0"] = coef == 0
        if label in posteriors:
            table[f"{label} P(|b|<ε | y)"] = posterior_mass_near_zero(posteriors[label], eps).values
    return table


def _convergence_table(posteriors: dict[str, Any]) -> pd.DataFrame:
    """One row per posterior: the worst R-hat, bulk and tail ESS over its varying variables
    (:func:`arviz_stats.summary`), divergences and transitions at the maximum tree depth
    (``sample_stats``), the lowest E-BFMI (:func:`arviz_stats.bfmi`), and the verdict of
    :func:`bayesreg.mcmc.check_convergence`."""
    import arviz_stats as azs

    from bayesreg.mcmc import check_convergence

    rows = []
    for label, dt in posteriors.items():
        post = dt["posterior"]
        varying = [v for v in post.data_vars if float(post[v].std()) > 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            diag = azs.summary(dt, var_names=varying, kind="diagnostics", round_to="none")
        stats = dt["sample_stats"] if "sample_stats" in dt.children else None

        def total(var: str) -> Any:
            return int(stats[var].values.sum()) if stats is not None and var in stats.data_vars else "n/a"

        bfmi = (float(azs.bfmi(dt)["energy"].values.min())
                if stats is not None and "energy" in stats.data_vars else float("nan"))
        problems = check_convergence(dt, warn=False)
        rows.append({
            "posterior": label,
            "sampler": dt.attrs.get("sampler", "?"),
            "chains × draws": f"{post.sizes['chain']} × {post.sizes['draw']}",
            "max R-hat": float(diag["r_hat"].max()),
            "min bulk ESS": float(diag["ess_bulk"].min()),
            "min tail ESS": float(diag["ess_tail"].min()),
            "divergences": total("diverging"),
            "at max tree depth": total("reached_max_treedepth"),
            "min E-BFMI": bfmi,
            "verdict": "pass" if not problems else "FAIL: " + "; ".join(problems),
        })
    return pd.DataFrame(rows)


def _loo_table(posteriors: dict[str, Any]) -> pd.DataFrame:
    """:func:`arviz_stats.compare` of the posteriors' PSIS-LOO, best first, with the number of
    observations whose Pareto k exceeds the reliability threshold."""
    import arviz_stats as azs

    comp = azs.compare(posteriors, round_to="none")
    bad = {}
    for label, dt in posteriors.items():
        loo = azs.loo(dt)
        bad[label] = int((np.asarray(loo.pareto_k) > loo.good_k).sum())
    return pd.DataFrame({
        "prior": comp.index,
        "elpd_loo": comp["elpd"].to_numpy(),
        "se": comp["se"].to_numpy(),
        "p_loo": comp["p"].to_numpy(),
        "elpd_diff": comp["elpd_diff"].to_numpy(),
        "se of diff": comp["dse"].to_numpy(),
        "stacking weight": comp["weight"].to_numpy(),
        "Pareto k > threshold": [bad[k] for k in comp.index],
    })


def _ppc_numbers(y: np.ndarray, pred: Any) -> dict[str, float]:
    """What the predictive check shows, in numbers: the coverage of the predictive intervals,
    the observed and the replicated skewness, the replicated mass below 0."""
    from scipy.stats import skew

    draws = np.asarray(pred.draws).reshape(-1, y.size)  # one replicated data set per row
    return {
        "coverage": float(np.mean((y >= pred.lower) & (y <= pred.upper))),
        "skew_obs": float(skew(y)),
        "skew_rep": float(np.mean(skew(draws, axis=1))),
        "negative": float(np.mean(draws < 0)),
        "y_min": float(y.min()),
    }


def _versions() -> dict[str, str]:
    import importlib.metadata
    import platform

    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=150, bbox_inches="tight", facecolor="white")
    plt.close(fig)


# ------------------------------------------------------------------ the report's words
def _criteria() -> str:
    """The thresholds of :func:`bayesreg.mcmc.check_convergence` (its defaults), in words."""
    import inspect

    from bayesreg.mcmc import check_convergence

    d = {k: v.default for k, v in inspect.signature(check_convergence).parameters.items()}
    return (f"R-hat ≤ {d['rhat_max']:g}, bulk ESS ≥ {d['ess_min']:g}, no divergent transition, "
            f"none at the maximum tree depth, E-BFMI ≥ {d['bfmi_min']:g}")


def _names_list(names: list[str]) -> str:
    if not names:
        return "none"
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def _analysis(ctx: dict[str, Any]) -> dict[str, str]:
    """The report's prose, in the analysis' own numbers: the findings, the σ treatment, why
    the Gaussian-prior coefficients are about half the Laplace ones, and a caption per figure."""
    n, names, sigma = ctx["n"], ctx["names"], ctx["sigma"]
    g, lap = ctx["priors"][GAUSSIAN.label], ctx["priors"][LAPLACE.label]
    mg, ml = ctx["maps"][GAUSSIAN.label].coef, ctx["maps"][LAPLACE.label].coef
    pct = settings.percent(ctx["prob"])
    lam2, lam1 = sigma**2 / g.scale**2, sigma**2 / lap.scale
    zeros = [names[j] for j in np.flatnonzero(ml == 0)]
    kept = [names[j] for j in np.flatnonzero(ml != 0)]
    top = [int(j) for j in np.argsort(-np.abs(ml))[:2]]
    ratios = ", ".join(f"{names[j]} {mg[j]:.3g} against {ml[j]:.3g} (ratio {mg[j] / ml[j]:.2f})" for j in top)
    posts = ctx["posteriors"]
    eps = ctx["eps"]
    text = {}
    text["sigma"] = (
        f"The MAP needs σ to turn a prior scale into a penalty (λ₂ = σ²/τ², λ₁ = σ²/b); it is fixed at "
        f"the least-squares residual sd, σ̂ = {sigma:.4g}. The two main posteriors learn σ (a half-t₃ "
        "prior scaled by the sd of y)"
        + (f": its posterior median is {ctx['sigma_post']}." if ctx.get("sigma_post") else ".")
        + " The posteriors along the Lasso path fix σ = σ̂, so that each is the posterior whose mode "
        "is that point of the path."
    )
    text["half"] = (
        f"Both priors have variance {g.scale**2:.3g} (Gaussian sd τ = {g.scale:.3g}, Laplace scale "
        f"b = {lap.scale:.3g}), yet the Gaussian-prior coefficients are about half the Laplace ones "
        f"where the effects are large: {ratios}. Equal variance is not equal shrinkage. The "
        f"Gaussian prior's quadratic penalty λ₂ = σ²/τ² = {lam2:.4g} multiplies every coefficient by "
        f"about n/(n + λ₂) = {n / (n + lam2):.2f} (exactly so for uncorrelated standardised "
        f"predictors, whose XᵀX is n = {n} times the identity): it pulls hardest where the "
        f"coefficient is largest. The Laplace prior's penalty λ₁|w| = {lam1:.4g}|w| instead "
        f"subtracts a constant λ₁/n = {lam1 / n:.3g} from each coefficient's magnitude (soft "
        f"thresholding): small effects become exactly zero, large ones keep most of their size. "
        f"The Laplace density has more mass both near zero and in the tails than the Gaussian of "
        f"the same variance, and its tails are what let {names[top[0]]} and {names[top[1]]} through."
    )
    findings = [
        f"The Laplace prior's MAP, which is the cross-validated Lasso (one-standard-error rule), "
        f"keeps {len(kept)} of {len(names)} predictors ({_names_list(kept)}) and sets "
        f"{len(zeros)} exactly to zero ({_names_list(zeros)}). The Gaussian prior's MAP (Ridge) has "
        "no zeros. Every MAP equals its scikit-learn twin (validation table).",
        f"The strongest effects are {names[top[0]]} and {names[top[1]]} under both priors; the "
        f"Gaussian prior of the same variance roughly halves them ({ratios}).",
    ]
    if posts:
        lap_post = ctx["mass"][LAPLACE.label]
        j = int(np.argmax(lap_post))
        findings.append(
            f"No posterior coefficient is exactly zero. Under the Laplace prior the largest posterior "
            f"probability of |β| < ε = {eps:.3g} is {lap_post[j]:.2f} ({names[j]}), against the "
            f"prior's own {ctx['prior_mass'][LAPLACE.label]:.2f}: an exact zero of the MAP is a "
            "coefficient the data do not pin down, not one they show to be zero."
        )
    if ctx.get("loo") is not None:
        loo = ctx["loo"]
        best, other = loo.iloc[0], loo.iloc[1]
        diff, dse = float(-other["elpd_diff"]), float(other["se of diff"])
        verdict = ("clearly" if diff > 4 * dse else "slightly" if diff > 2 * dse else "not distinguishably")
        findings.append(
            f"Leave-one-out cross-validation (PSIS-LOO) {verdict} prefers the {best['prior']} prior: "
            f"its expected log predictive density is higher by {diff:.3g} (se of the difference "
            f"{dse:.2g})."
        )
    if ctx.get("convergence") is not None:
        conv = ctx["convergence"]
        failed = conv[conv["verdict"] != "pass"]
        findings.append(
            f"All {len(conv)} posteriors drawn pass the convergence check ({_criteria()})."
            if failed.empty else
            f"{len(failed)} of {len(conv)} posteriors fail the convergence check: "
            f"{_names_list(list(failed['posterior']))}; do not trust them."
        )
    if ctx.get("ppc") is not None:
        ppc = ctx["ppc"]
        findings.append(
            f"The posterior predictive check finds the model's weak point. {ppc['coverage']:.0%} of the "
            f"observed outcomes lie inside their {pct} predictive interval, but the outcome is "
            f"right-skewed (skewness {ppc['skew_obs']:.2f}, no value below {ppc['y_min']:.3g}) while "
            f"the replicated data are symmetric (skewness {ppc['skew_rep']:.2f}) and put "
            f"{ppc['negative']:.1%} of their values below 0, which no patient shows. A likelihood for "
            "positive, skewed outcomes (a log link, or a log-transformed outcome) would describe the "
            "data better; the priors' comparison above holds within the Gaussian model."
        )
    text["findings"] = "".join(f"<li>{html.escape(f)}</li>" for f in findings)
    band_note = (f"the Lasso bands are {pct} credible intervals of the Laplace posterior (σ fixed) sampled at "
                 f"{ctx['band_points']} points of the path" if ctx.get("band_points") else
                 "no Lasso bands (MCMC not run)")
    caps = {
        "priors": (
            f"The three priors at the variance of this analysis ({g.scale**2:.3g}). The log density "
            "(right) is minus the penalty: the Gaussian's parabola, the Laplace's tent with its kink at "
            "zero (the source of exact zeros) and the horseshoe's spike with heavy tails. Each legend "
            f"entry is the prior probability of |w| < ε, ε = {eps:.3g}."
        ),
        "one_coefficient": (
            "A one-predictor problem shows the mechanism: once λ exceeds |Σxᵢyᵢ| the L1-penalised "
            "loss has its minimum exactly at 0, while the L2 minimum only moves towards it."
        ),
        "geometry": (
            "bmi and bp alone: the least-squares point (cross) and the loss contours. The lowest "
            "contour touches the L1 diamond at a corner, bp = 0, and the L2 disc of the same radius "
            "at a point where both coefficients are non-zero."
        ),
        "paths": (
            "MAP coefficients as the penalty grows (log axis); the dashed line is the prior chosen "
            f"here. The Ridge bands are the exact {pct} Gaussian posterior; {band_note}. "
            f"Along the Lasso path {_names_list(ctx['entry_order'][:3])} enter first, in that order."
        ),
        "posterior_comparison": (
            f"Posterior medians with 50% and {pct} intervals under each prior; open diamonds are "
            "the MAPs and crosses the scikit-learn estimates, which coincide. The Gaussian prior's "
            "intervals sit closer to zero for the large effects (see above); the Laplace prior's "
            "are pulled towards zero for the small ones."
        ),
        "mass_near_zero": (
            f"Posterior probability that each coefficient is within ±{eps:.3g} of zero (bars), beside "
            "each prior's own probability (dashed). Where the bar exceeds the dashed line the data "
            f"moved the coefficient towards zero. {ctx.get('mass_text', '')}"
        ),
        "prior_posterior": (
            "For the two largest effects and two of the Lasso's zeros: the prior (dashed) against "
            "the posterior (solid), MAP dotted. The data overwhelm the prior for the large effects; "
            "for the zeros the Laplace posterior keeps a peak at 0 but spreads to both sides."
        ),
        "ppc": (
            f"The distribution of the {n} observed outcomes (black) against data sets replicated from "
            "the Laplace-prior posterior predictive (a draw of b + xᵀw + σε for every patient per "
            "posterior draw). The replicates are symmetric and reach below 0; "
            "the observed outcomes pile up at low values and have a long right tail "
            + (f"(skewness {ctx['ppc']['skew_obs']:.2f} against {ctx['ppc']['skew_rep']:.2f})."
               if ctx.get("ppc") else ".")
        ),
        "trace": "Draws of every coefficient, the intercept and σ by chain (Laplace prior). Chains that "
                 "mix overlap without trends; the convergence table above gives the numbers.",
        "rank": "Each chain's fractional-rank ECDF against the simultaneous envelope of uniformity, with "
                "the test's p-value per panel; black marks a chain outside the envelope. Chains that "
                "explore the same distribution stay inside; with 12 panels tested at α = 0.01, one "
                "excursion happens by chance in about one run in nine (1 − 0.99¹²), so read it with "
                "the R-hat and ESS of the table.",
        "energy": "Marginal and transition energy of NUTS with each chain's E-BFMI: when the two "
                  "distributions overlap (E-BFMI ≥ 0.3) the sampler moves freely through the posterior.",
    }
    ch = ctx["choices"]
    sc = {name: ch.choice(name) for name in ch.choices}
    b_cv, b_1se = sc["cv_min"]["scale"], sc["cv_1se"]["scale"]
    scale_text = (
        f"λ = σ²/b is the first thing bayesreg shows; which b is the next question, and three tools answer it. "
        f"Cross-validation picks the penalty that predicts held-out patients best: b = {b_cv:.3g}, almost no "
        f"shrinkage, because the CV error is flat there. glmnet's one-standard-error rule takes the strongest "
        f"penalty within one standard error of that minimum: b = {b_1se:.3g}, the scale this report uses, with "
        f"{int((sc['cv_1se']['coef'] == 0).sum())} exact zeros. Empirical Bayes asks instead which prior makes "
        "the observed data most probable (Park & Casella's Monte Carlo EM for the Laplace prior)"
    )
    if "empirical_bayes" in sc:
        eb = sc["empirical_bayes"]["scale"]
        scale_text += (f": b = {eb:.3g}, i.e. λ = σ/b = {sigma / eb:.3f}. Park & Casella report λ = 0.237 for "
                       f"unit-norm columns; these have unit sd, which multiplies λ by √n: 0.237·√{n} = "
                       f"{0.237 * np.sqrt(n):.3f}")
    scale_text += "."
    if ctx.get("scale_draws") is not None:
        d = ctx["scale_draws"]
        lo, hi = np.quantile(d, [(1 - ctx["prob"]) / 2, (1 + ctx["prob"]) / 2])
        scale_text += (f" A hyperprior does not choose at all: under Park & Casella's Gamma(1, 1.78) on λ² "
                       f"(rate 1.78/n in these units) the posterior of b = σ/λ has median {np.median(d):.3g} and "
                       f"{pct} interval [{lo:.3g}, {hi:.3g}]")
        if "empirical_bayes" in sc:
            inside = lo <= sc["empirical_bayes"]["scale"] <= hi
            scale_text += (", which contains the marginal-likelihood choice" if inside
                           else ", which does not contain the marginal-likelihood choice")
        scale_text += "; the one-SE choice shrinks more than either, the CV minimum far less."
    text["scale"] = scale_text
    caps["scale_choice"] = (
        "Left: mean 5-fold CV error (± one standard error) against the Laplace scale b, with the CV minimum, the "
        "one-SE choice and the marginal-likelihood maximum marked; the histogram is the posterior of b under the "
        "hyperprior. Right: the MAP coefficients at each choice — the one-SE rule zeros coefficients that the "
        "CV minimum keeps."
    )
    text.update({f"caption/{k}": v for k, v in caps.items()})
    return text


def _figure_html(out: Path, stem: str, caption: str) -> str:
    data = base64.b64encode((out / f"{stem}.png").read_bytes()).decode("ascii")
    return (f'<figure id="fig-{stem}"><img src="data:image/png;base64,{data}" alt="{html.escape(FIGURES[stem])}" '
            f'data-file="{stem}.png"><figcaption><b>{html.escape(FIGURES[stem])}.</b> {html.escape(caption)}'
            f' <span class="file">({stem}.png)</span></figcaption></figure>')


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222;
       line-height: 1.45; }
h1 { margin-bottom: 0.2em; } .meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; }
th { background: #f3f3f3; }
figure { margin: 2em 0; } img { max-width: 100%; }
figcaption { font-size: 0.92em; color: #333; } .file { color: #888; font-size: 0.85em; }
.notes li { color: #8a4b00; } .findings li { margin: 0.4em 0; }
"""


def _report_html(out: Path, figures: list[str], ctx: dict[str, Any], tables: dict[str, pd.DataFrame],
                 notes: list[str]) -> str:
    text = _analysis(ctx)
    pct = settings.percent(ctx["prob"])

    def fig(stem: str) -> str:
        return _figure_html(out, stem, text[f"caption/{stem}"]) if stem in figures else ""

    def table(name: str) -> str:
        return _html_table(tables[name], f"table-{name}") if name in tables else ""

    settings_html = pd.Series(ctx["settings"]).to_frame().to_html(header=False, border=0, table_id="table-settings")
    versions_html = pd.Series(ctx["versions"]).to_frame().to_html(header=False, border=0, table_id="table-versions")
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    mcmc = bool(ctx["posteriors"])
    eps = ctx["eps"]
    sections = [
        f"""<h2>Findings</h2><ul class="findings">{text["findings"]}</ul>""",
        f"""<h2>Data, priors and σ</h2>
<p>The diabetes data: {ctx["n"]} patients, {len(ctx["names"])} baseline measurements (age, sex, body mass
index bmi, blood pressure bp and six serum measurements s1–s6), and a measure of disease progression one
year later. The predictors are standardised, so every coefficient is the change in progression per
standard deviation of its predictor. The Laplace prior's scale is the one whose MAP is the cross-validated
Lasso; the Gaussian prior has the same variance, so the two differ in shape only.</p>
<p>{html.escape(text["sigma"])}</p>{settings_html}""",
        f"""<h2>Priors, and where exact zeros come from</h2>{fig("priors")}{fig("one_coefficient")}{fig("geometry")}""",
        f"""<h2>The MAP, checked against scikit-learn</h2>
<p>Ridge is the MAP under the Gaussian prior and Lasso under the Laplace prior. Each MAP from bayesreg's exact
solvers is compared with the scikit-learn estimator it maps to, at the chosen scale and at ten times weaker and
stronger penalties (max |Δcoef| relative to 1 + max|coef|, identical zero patterns, KKT residual).</p>
{table("validation")}{fig("paths")}""",
        f"""<h2>Which prior scale?</h2><p>{html.escape(text["scale"])}</p>{fig("scale_choice")}""",
        f"""<h2>Why the Gaussian-prior coefficients are about half the Laplace ones</h2>
<p>{html.escape(text["half"])}</p>{fig("posterior_comparison")}""",
        f"""<h2>Exact zeros against posterior mass near zero</h2>
<p>The MAP of the Laplace prior has exact zeros; its posterior has none: every draw is non-zero. What the
posterior offers instead is the probability that a coefficient is practically zero, P(|β| &lt; ε | y), here
with ε = {eps:.3g} (a tenth of the prior sd). The table sets each MAP beside that probability.</p>
{table("zeros")}{fig("mass_near_zero")}{fig("prior_posterior")}""" if mcmc else "",
        f"""<h2>Predictive checks and model comparison</h2>
<p>PSIS-LOO estimates each prior's expected log predictive density for a new patient from the pointwise
log-likelihood (arviz-stats); elpd_diff is the difference to the best, with its standard error. Pareto k
values above the threshold would make an estimate unreliable.</p>{table("loo")}{fig("ppc")}""" if mcmc else "",
        f"""<h2>Convergence</h2>
<p>Every posterior drawn for this report, with the worst value of each diagnostic over its coefficients,
intercept and σ (R-hat and ESS from arviz-stats; divergences, tree depth and E-BFMI from the sampler's
statistics). The verdict is bayesreg.mcmc.check_convergence: {html.escape(_criteria())}.</p>
{table("convergence")}{fig("trace")}{fig("rank")}{fig("energy")}""" if mcmc else "",
        f"""<h2>Notes</h2><ul class="notes">{notes_html}</ul>""" if notes else "",
        f"""<h2>Summary table</h2><p>Every coefficient under both priors: MAP, scikit-learn, posterior mean, sd
and {pct} equal-tailed interval, P(|β| &lt; ε | y), R-hat and bulk ESS.</p>{table("summary")}""",
        f"""<h2>Versions</h2><p>Generated {html.escape(ctx["date"])}.</p>{versions_html}""",
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Shrinkage priors on the diabetes data</title>
<style>{_CSS}</style></head><body>
<h1>Gaussian or Laplace prior? Ten predictors of diabetes progression</h1>
<p class="meta">bayesreg {html.escape(ctx["versions"]["bayesreg"])} · {html.escape(ctx["date"])} ·
intervals at {pct}</p>
{"".join(sections)}
</body></html>
"""


# ------------------------------------------------------------------ the run
def run_demo(
    out_dir: str | Path = "demo-output",
    *,
    progressbar: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    band_points: int = 3,
    eps: float | None = None,
    random_seed: int = 20240,
    sampler: str | None = "nutpie",
) -> Path:
    """Run the demo and write everything to ``out_dir``; return that directory.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if needed).
    progressbar : bool
        Show the demo's step bar and the samplers' bars.
    draws, tune, chains : int
        MCMC settings (for the two main posteriors and the path-band posteriors); a
        posterior that fails its convergence check is sampled once more with twice
        ``draws`` and ``tune``.
    band_points : int
        Number of λ on the Lasso path at which the Laplace posterior is sampled for the
        credible bands (0 for none).
    eps : float, optional
        Half-width of the near-zero interval; default :func:`bayesreg.stats.default_eps`.
    random_seed : int
    sampler : str, default="nutpie"
        Passed to :func:`bayesreg.sample_posterior` for the two main posteriors and the path
        bands (NUTS, so that the report can show its energy diagnostics; the hyperprior's
        posterior is drawn by Gibbs sampling).

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding the PNGs, ``summary.csv``, ``summary.md``, ``validation.csv``,
        ``zeros.csv``, ``convergence.csv``, ``loo.csv``, ``posterior_gaussian.nc``,
        ``posterior_laplace.nc`` and ``report.html``.
    """
    import datetime

    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo"):
        matplotlib.use("Agg")
    from tqdm.auto import tqdm

    from bayesreg import plots, stats
    from bayesreg.map import map_estimate, map_path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    prob = settings.ci_prob()
    notes: list[str] = []
    sample_posterior = _sampler()
    if sample_posterior is None:
        notes.append("bayesreg.sample_posterior is not available: only the MAP figures were made.")
    steps = ["data and priors", "MAP and validation", "MCMC (Gaussian, Laplace)", "MCMC along the Lasso path",
             "LOO, predictive check, convergence", "figures", "tables and posteriors", "report"]
    bar = tqdm(total=len(steps), desc="bayesreg demo", unit="step", disable=not progressbar)
    step = iter(steps)

    def advance() -> None:
        bar.set_postfix_str(next(step))

    advance()
    X, y = _load_data()
    names = [str(c) for c in X.columns]
    sigma, priors = _choose_priors(X, y)
    eps = stats.default_eps(priors) if eps is None else float(eps)
    bar.update()

    advance()
    maps = {k: map_estimate(X, y, p, sigma=sigma) for k, p in priors.items()}
    sklearn = {k: m.sklearn_estimator.fit(X, y) for k, m in maps.items()}
    validation = _validation_table(X, y, priors, sigma)
    if not validation["agree"].all():
        notes.append("Some MAPs disagree with scikit-learn: see the validation table.")
    gauss, lap = GAUSSIAN.label, LAPLACE.label
    ridge, lasso = GAUSSIAN.sklearn, LAPLACE.sklearn  # the path panels are named after the twins
    paths = {ridge: map_path(X, y, priors[gauss], sigma=sigma, n_points=60),
             lasso: map_path(X, y, priors[lap], sigma=sigma, n_points=60)}
    bar.update()

    advance()
    kw = dict(chains=chains, progressbar=progressbar)
    if sampler is not None:
        kw["sampler"] = sampler
    posteriors: dict[str, Any] = {}
    drawn: dict[str, Any] = {}  # every posterior of the report, for the convergence table
    if sample_posterior is not None:
        for i, (label, prior) in enumerate(priors.items()):
            posteriors[label] = drawn[f"{label} (σ learned)"] = _sample_converged(
                functools.partial(sample_posterior, X, y, prior, random_seed=random_seed + i),
                f"MCMC, {label} prior", notes, draws=draws, tune=tune, **kw)
    bar.update()

    advance()
    # which scale? cross-validation (as _choose_priors), Monte Carlo EM and the Bayesian
    # lasso's hyperprior, all in Laplace-scale units. Park & Casella's Gamma(1, 1.78) on λ²
    # is for unit-norm columns; these have unit sd, so λ is √n times larger and the
    # Gamma rate n times smaller
    from bayesreg.tuning import laplace_scale_draws, scale_choices

    choices = scale_choices(X, y, LAPLACE.name, cv=5, n_alphas=60, sigma=sigma,
                            eb_options={"random_seed": random_seed})
    scale_draws = None
    if sample_posterior is not None:
        from bayesreg.priors import BayesianLasso

        hyper = _sample_converged(
            functools.partial(sample_posterior, X, y, BayesianLasso(lam_prior=(1.0, 1.78 / len(y))),
                              sampler="gibbs", random_seed=random_seed + 5),
            "MCMC, Bayesian lasso with a hyperprior", notes, draws=draws, tune=tune,
            chains=chains, progressbar=progressbar)
        drawn["Bayesian lasso, Gamma(1, 1.78/n) on λ² (Gibbs)"] = hyper
        scale_draws = laplace_scale_draws(hyper)
    bands = {ridge: stats.ridge_path_bands(paths[ridge], X, y, prob=prob)}
    if sample_posterior is not None and band_points > 0:
        lam = stats.path_lambdas(paths[lasso])
        idx = np.unique(np.linspace(0, lam.size - 1, band_points + 2).round().astype(int)[1:-1])
        band_posts = []
        for k in idx:
            where = f"Laplace, λ₁ = {lam[k]:.4g} (σ fixed)"
            band_posts.append(_sample_converged(
                functools.partial(sample_posterior, X, y, paths[lasso].priors[k], sigma=sigma,
                                  random_seed=random_seed + 10 + int(k)),
                f"MCMC on the Lasso path at λ₁ = {lam[k]:.4g}", notes, draws=draws, tune=tune, **kw))
            drawn[where] = band_posts[-1]
        bands[lasso] = stats.posterior_path_bands(lam[idx], band_posts, prob=prob)
    bar.update()

    advance()
    tables: dict[str, pd.DataFrame] = {"validation": validation}
    entry = paths[lasso].entry_alphas
    ctx: dict[str, Any] = {"n": len(y), "names": names, "sigma": sigma, "priors": priors, "maps": maps,
                           "posteriors": posteriors, "eps": eps, "prob": prob,
                           "band_points": band_points if posteriors else 0,
                           "choices": choices, "scale_draws": scale_draws,
                           "entry_order": [names[j] for j in np.argsort(-np.nan_to_num(entry, nan=-np.inf))]}
    ppc_post = None
    if posteriors:
        tables["zeros"] = _zeros_table(maps, posteriors, priors, eps, names)
        tables["convergence"] = ctx["convergence"] = _convergence_table(drawn)
        try:
            tables["loo"] = ctx["loo"] = _loo_table(posteriors)
        except (KeyError, ValueError, TypeError) as exc:
            notes.append(f"LOO comparison skipped: {exc}")
        ppc_post, pred = _with_predictive(posteriors[lap], X, prob, random_seed)
        ctx["ppc"] = _ppc_numbers(y, pred)
        ctx["mass"] = {k: stats.posterior_mass_near_zero(dt, eps).values for k, dt in posteriors.items()}
        ctx["prior_mass"] = {k: stats.prior_mass_near_zero(priors[k], eps) for k in posteriors}
        zero = maps[lap].coef == 0
        if zero.any() and (~zero).any():
            m = ctx["mass"][lap]
            ctx["mass_text"] = (
                f"Under the Laplace prior the {int(zero.sum())} exact zeros of the MAP have posterior masses "
                f"{m[zero].min():.2f}–{m[zero].max():.2f}, the {int((~zero).sum())} non-zeros "
                f"{m[~zero].min():.2f}–{m[~zero].max():.2f}.")
        if "sigma" in posteriors[lap]["posterior"]:
            med = {k: float(dt["posterior"]["sigma"].median()) for k, dt in posteriors.items()}
            ctx["sigma_post"] = ", ".join(f"{v:.4g} ({k} prior)" for k, v in med.items())
    bar.update()

    advance()
    figures: dict[str, Any] = {}
    prior_set = stats.matched_variance_priors(priors[gauss].scale ** 2, horseshoe=True)
    figures["priors"] = plots.priors_plot(prior_set, eps=eps, x_max=4 * priors[gauss].scale)
    figures["one_coefficient"] = plots.one_coefficient_plot(stats.OneCoefficient.simulate(w=0.5))
    figures["geometry"] = plots.geometry_plot(stats.geometry_contacts(X[["bmi", "bp"]], y))
    figures["scale_choice"] = plots.scale_choice_plot(
        choices, scale_draws=scale_draws, scale_draws_label="b = σ/λ, Gamma(1, 1.78/n) hyperprior on λ²")
    figures["paths"] = plots.path_plot(
        paths, bands=bands,
        mark={ridge: maps[gauss].penalty.l2, lasso: maps[lap].penalty.l1},
    )
    if posteriors:
        figures["posterior_comparison"] = plots.posterior_comparison_plot(posteriors, maps=maps, sklearn=sklearn)
        figures["mass_near_zero"] = plots.mass_near_zero_plot(posteriors, eps=eps)
        lap_coef = maps[lap].coef
        zero = [names[j] for j in np.flatnonzero(lap_coef == 0)][:2]
        big = [names[j] for j in np.argsort(-np.abs(lap_coef))][:2]
        chosen = [n for n in names if n in set(big + zero)] or names[:3]
        figures["prior_posterior"] = plots.prior_posterior_plot(
            posteriors, features=chosen, maps=maps, ncols=len(chosen) if len(chosen) <= 4 else 3
        )
        figures["ppc"] = plots.figure_of(plots.ppc_plot(ppc_post))
        lap_post = posteriors[lap]
        figures["trace"] = plots.figure_of(plots.trace_plot(lap_post))
        figures["rank"] = plots.figure_of(plots.rank_plot(lap_post))
        try:
            figures["energy"] = plots.figure_of(plots.energy_plot(lap_post))
        except ValueError as exc:
            notes.append(f"energy plot skipped: {exc}")
    for stem, fig in figures.items():
        _save(fig, out / f"{stem}.png")
    bar.update()

    advance()
    summary = tables["summary"] = _summary_table(posteriors, maps, sklearn, eps, names, prob)
    summary.to_csv(out / "summary.csv", index=False, na_rep="nan")
    (out / "summary.md").write_text(
        f"# bayesreg demo summary\n\nσ = {sigma:.4g}, ε = {eps:.4g}, intervals at {settings.percent(prob)}; "
        "priors: " + ", ".join(repr(p) for p in priors.values()) + "\n\n" + _markdown(summary)
        + "\n## Validation against scikit-learn\n\n" + _markdown(validation)
        + "".join(f"\n## {name.capitalize()}\n\n" + _markdown(tables[name])
                  for name in ("zeros", "convergence", "loo") if name in tables),
        encoding="utf-8",
    )
    for name in ("validation", "zeros", "convergence", "loo"):
        if name in tables:
            tables[name].to_csv(out / f"{name}.csv", index=False)
    for label, dt in posteriors.items():
        dt.to_netcdf(out / f"posterior_{label.lower()}.nc")
    bar.update()

    advance()
    ctx["versions"] = _versions()
    ctx["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ctx["settings"] = {
        "data": f"scikit-learn diabetes, n = {len(y)}, p = {len(names)}, predictors standardised",
        "σ (least-squares residual sd)": f"{sigma:.4g}",
        "priors": ", ".join(f"{k}: {p!r}" for k, p in priors.items()),
        "scikit-learn twins": ", ".join(f"{k}: {m.sklearn_params[0]}(alpha={m.sklearn_params[1]['alpha']:.4g})"
                                        for k, m in maps.items()),
        "ε (near-zero half-width)": f"{eps:.4g}",
        "intervals": f"{settings.percent(prob)}, equal-tailed (bayesreg.settings.CI_PROB)",
        "MCMC": f"{chains} chains × {draws} draws after {tune} tuning steps" if posteriors else "not run",
        "wall time": f"{time.perf_counter() - t0:.1f} s",
    }
    page = _report_html(out, [s for s in FIGURES if s in figures], ctx, tables, notes)
    (out / "report.html").write_text(page, encoding="utf-8")
    bar.update()
    bar.close()
    return out
