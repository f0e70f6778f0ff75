r"""``make demo``: Gaussian and Laplace priors on the diabetes data, MAP and MCMC, in pictures.

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
3. **MAP and validation.** :func:`bayesreg.map_estimate` under both priors, each
   compared with its scikit-learn twin (:func:`bayesreg.sklearn_check.compare_to_sklearn`)
   at the chosen scale and at ten times weaker and stronger penalties.
4. **MCMC.** :func:`bayesreg.sample_posterior` for both priors (σ learned), and the
   Laplace posterior with σ fixed at a few points of the Lasso path (the credible bands of
   the Bayesian regularisation path; the Ridge bands are exact).
5. **Outputs** in ``out_dir``: every figure of :mod:`bayesreg.plots` as PNG, the summary
   table (``summary.csv``, ``summary.md``), the validation table (``validation.csv``), the
   posteriors (``posterior_<prior>.nc``, netCDF) and ``report.html``, a self-contained
   page embedding the figures and the tables.

If the MCMC part of bayesreg is not available, the MAP figures are still written and the
report says what is missing.
"""

from __future__ import annotations

import base64
import contextlib
import html
import math
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayesreg.families import PRIOR_FAMILIES

__all__ = ["run_demo", "FIGURES"]

#: file stem -> caption of every figure the demo writes (in report order).
FIGURES: dict[str, str] = {
    "priors": "Gaussian, Laplace and horseshoe priors at matched variance: density and log density, "
              "with each prior's mass within ±ε.",
    "one_coefficient": "One coefficient, y = w·x with true w = 0.5: data loss, L1 and L2 penalties "
                       "and the penalised losses. Beyond the threshold the L1 minimum is exactly 0.",
    "geometry": "Loss contours of the two-feature problem (bmi, bp) against the L1 diamond and "
                "the L2 disc of equal radius; the contact points are the MAPs.",
    "paths": "MAP regularisation paths against λ (log axis), Ridge and Lasso, with posterior "
             "credible bands (exact for Ridge, MCMC at a few λ for Lasso).",
    "posterior_comparison": "Posterior of each coefficient under both priors (median, 50% and 94% "
                            "intervals), MAP marked, scikit-learn's Ridge/Lasso overlaid.",
    "mass_near_zero": "Posterior probability that each coefficient is within ±ε of zero, "
                      "beside each prior's own probability.",
    "prior_posterior": "Prior versus posterior density for selected coefficients.",
    "trace": "Trace plot of the Laplace-prior posterior (arviz-plots).",
    "rank": "Rank plot of the Laplace-prior posterior (arviz-plots).",
    "energy": "Energy plot of the Laplace-prior posterior (arviz-plots).",
}
_MCMC_FIGURES = ("posterior_comparison", "mass_near_zero", "prior_posterior", "trace", "rank", "energy")
#: the two families the demo sets side by side; their labels key every table and figure
GAUSSIAN, LAPLACE = PRIOR_FAMILIES["gaussian"], PRIOR_FAMILIES["laplace"]


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


@contextlib.contextmanager
def _noted_warnings(notes: list[str], where: str) -> Iterator[None]:
    """Record the warnings raised inside (e.g. MCMC diagnostics) as report notes, and re-emit them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        notes.append(f"{where}: {w.message}")
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=150, bbox_inches="tight", facecolor="white")
    plt.close(fig)


def _fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "NO"
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


def _html_table(table: pd.DataFrame) -> str:
    return table.map(_fmt).to_html(index=False, border=0)


def _summary_table(
    posteriors: dict[str, Any], maps: dict[str, Any], sklearn: dict[str, Any], eps: float, names: list[str]
) -> pd.DataFrame:
    """One row per (prior, coefficient): MAP, scikit-learn, posterior summaries."""
    import arviz_stats as azs

    from bayesreg.stats import posterior_mass_near_zero

    header = ["prior", "feature", "MAP", "scikit-learn", "post. mean", "post. sd", "eti 3%", "eti 97%",
              "P(|b|<eps)", "r_hat", "ess_bulk"]
    rows: list[list[Any]] = []
    for label in maps:
        coef_map, coef_sk = maps[label].coef, np.asarray(sklearn[label].coef_)
        if label in posteriors:
            da = posteriors[label]["posterior"]["coef"]
            mean = azs.mean(da, dim=["chain", "draw"], round_to="none").values
            sd = azs.std(da, dim=["chain", "draw"], round_to="none").values
            ci = azs.eti(da, prob=0.94)
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


def _report_html(
    out: Path, figures: list[str], settings: dict[str, str], validation: pd.DataFrame, summary: pd.DataFrame,
    notes: list[str],
) -> str:
    figs = []
    for stem in figures:
        data = base64.b64encode((out / f"{stem}.png").read_bytes()).decode("ascii")
        figs.append(
            f'<figure id="fig-{stem}"><img src="data:image/png;base64,{data}" alt="{stem}" '
            f'data-file="{stem}.png"><figcaption><b>{stem}.png</b>: {html.escape(FIGURES[stem])}</figcaption></figure>'
        )
    settings_html = pd.Series(settings).to_frame().to_html(header=False, border=0)
    notes_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>bayesreg demo: shrinkage priors on the diabetes data</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }}
th, td {{ border: 1px solid #ccc; padding: 3px 7px; text-align: right; }}
th {{ background: #f3f3f3; }}
figure {{ margin: 2em 0; }} img {{ max-width: 100%; }}
figcaption {{ font-size: 0.9em; color: #444; }}
.notes li {{ color: #8a4b00; }}
</style></head><body>
<h1>bayesreg demo: Gaussian versus Laplace priors on the diabetes data</h1>
<p>Ridge is the posterior mode (MAP) under a Gaussian prior and Lasso under a Laplace prior,
with λ = σ²/τ² (Gaussian, sd τ) and λ = σ²/b (Laplace, scale b). This report fits both priors by MAP
and by MCMC and checks every MAP against scikit-learn.</p>
<h2>Settings</h2>{settings_html}
{"<h2>Notes</h2><ul class='notes'>" + notes_html + "</ul>" if notes else ""}
<h2>Validation: MAP versus scikit-learn</h2>
<p>Each prior's MAP from bayesreg's exact solver against the scikit-learn estimator it maps to
(max |Δcoef| relative to 1 + max|coef|, identical zero patterns, KKT residual).</p>
{_html_table(validation)}
<h2>Figures</h2>
{"".join(figs)}
<h2>Summary</h2>
{_html_table(summary)}
</body></html>
"""


def run_demo(
    out_dir: str | Path = "demo-output",
    *,
    progressbar: bool = True,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    band_points: int = 4,
    eps: float | None = None,
    random_seed: int = 20240,
    sampler: str | None = None,
) -> Path:
    """Run the demo and write everything to ``out_dir``; return that directory.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if needed).
    progressbar : bool
        Show the demo's step bar and the samplers' bars.
    draws, tune, chains : int
        MCMC settings (for the two main posteriors and the path-band posteriors).
    band_points : int
        Number of λ on the Lasso path at which the Laplace posterior is sampled for the
        credible bands (0 for none).
    eps : float, optional
        Half-width of the near-zero interval; default :func:`bayesreg.stats.default_eps`.
    random_seed : int
    sampler : str, optional
        Passed to :func:`bayesreg.sample_posterior` (e.g. ``"nutpie"`` or ``"pymc"``).

    Returns
    -------
    pathlib.Path
        ``out_dir``, holding the PNGs, ``summary.csv``, ``summary.md``, ``validation.csv``,
        ``posterior_gaussian.nc``, ``posterior_laplace.nc`` and ``report.html``.
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo"):
        matplotlib.use("Agg")
    from tqdm.auto import tqdm

    from bayesreg import plots, stats
    from bayesreg.map import map_estimate, map_path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    notes: list[str] = []
    sample_posterior = _sampler()
    if sample_posterior is None:
        notes.append("bayesreg.sample_posterior is not available: only the MAP figures were made.")
    steps = ["data and priors", "MAP and validation", "MCMC (Gaussian, Laplace)", "MCMC along the Lasso path",
             "figures", "tables and posteriors", "report"]
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
    kw = dict(draws=draws, tune=tune, chains=chains, progressbar=progressbar)
    if sampler is not None:
        kw["sampler"] = sampler
    posteriors: dict[str, Any] = {}
    if sample_posterior is not None:
        for i, (label, prior) in enumerate(priors.items()):
            with _noted_warnings(notes, f"MCMC, {label} prior"):
                posteriors[label] = sample_posterior(X, y, prior, random_seed=random_seed + i, **kw)
    bar.update()

    advance()
    bands = {ridge: stats.ridge_path_bands(paths[ridge], X, y, prob=0.9)}
    if sample_posterior is not None and band_points > 0:
        lam = stats.path_lambdas(paths[lasso])
        idx = np.unique(np.linspace(0, lam.size - 1, band_points + 2).round().astype(int)[1:-1])
        band_kw = dict(kw)
        band_posts = []
        for k in idx:
            with _noted_warnings(notes, f"MCMC on the Lasso path at λ₁ = {lam[k]:.4g}"):
                band_posts.append(sample_posterior(X, y, paths[lasso].priors[k], sigma=sigma,
                                                   random_seed=random_seed + 10 + k, **band_kw))
        bands[lasso] = stats.posterior_path_bands(lam[idx], band_posts, prob=0.9)
    bar.update()

    advance()
    figures: dict[str, Any] = {}
    prior_set = stats.matched_variance_priors(priors[gauss].scale ** 2, horseshoe=True)
    figures["priors"] = plots.priors_plot(prior_set, eps=eps, x_max=4 * priors[gauss].scale)
    figures["one_coefficient"] = plots.one_coefficient_plot(stats.OneCoefficient.simulate(w=0.5))
    figures["geometry"] = plots.geometry_plot(stats.geometry_contacts(X[["bmi", "bp"]], y))
    figures["paths"] = plots.path_plot(
        paths, bands=bands,
        mark={ridge: maps[gauss].penalty.l2, lasso: maps[lap].penalty.l1},
    )
    if posteriors:
        figures["posterior_comparison"] = plots.posterior_comparison_plot(posteriors, maps=maps, sklearn=sklearn)
        figures["mass_near_zero"] = plots.mass_near_zero_plot(posteriors, priors, eps=eps)
        lap_coef = maps[lap].coef
        zero = [names[j] for j in np.flatnonzero(lap_coef == 0)][:2]
        big = [names[j] for j in np.argsort(-np.abs(lap_coef))][:2]
        chosen = [n for n in names if n in set(big + zero)] or names[:3]
        figures["prior_posterior"] = plots.prior_posterior_plot(
            posteriors, priors, features=chosen, maps=maps, ncols=len(chosen) if len(chosen) <= 4 else 3
        )
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
    summary = _summary_table(posteriors, maps, sklearn, eps, names)
    summary.to_csv(out / "summary.csv", index=False, na_rep="nan")
    (out / "summary.md").write_text(
        f"# bayesreg demo summary\n\nσ = {sigma:.4g}, ε = {eps:.4g}; priors: "
        + ", ".join(repr(p) for p in priors.values()) + "\n\n" + _markdown(summary)
        + "\n## Validation against scikit-learn\n\n" + _markdown(validation),
        encoding="utf-8",
    )
    validation.to_csv(out / "validation.csv", index=False)
    for label, dt in posteriors.items():
        dt.to_netcdf(out / f"posterior_{label.lower()}.nc")
    bar.update()

    advance()
    settings = {
        "data": f"scikit-learn diabetes, n = {len(y)}, p = {len(names)}, predictors standardised",
        "σ (least-squares residual sd)": f"{sigma:.4g}",
        "priors": ", ".join(f"{k}: {p!r}" for k, p in priors.items()),
        "scikit-learn twins": ", ".join(f"{k}: {m.sklearn_params[0]}(alpha={m.sklearn_params[1]['alpha']:.4g})"
                                        for k, m in maps.items()),
        "ε (near-zero half-width)": f"{eps:.4g}",
        "MCMC": f"{chains} chains × {draws} draws after {tune} tuning steps" if posteriors else "not run",
        "wall time": f"{time.perf_counter() - t0:.1f} s",
    }
    page = _report_html(out, [s for s in FIGURES if s in figures], settings, validation, summary, notes)
    (out / "report.html").write_text(page, encoding="utf-8")
    bar.update()
    bar.close()
    return out
