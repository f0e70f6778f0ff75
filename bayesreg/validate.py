r"""The MAP-versus-penalty check: does each prior's MAP equal its scikit-learn twin?

For every prior :math:`p` in a grid (family × scale × sample weighting) this module
computes two things independently,

* the posterior mode :math:`\hat w_{\text{MAP}}` by :func:`bayesreg.map_estimate`
  (bayesreg's exact solvers), and
* the scikit-learn estimator that :func:`bayesreg.convert.to_sklearn` names for it
  (``Ridge(alpha=σ²/τ²)``, ``Lasso(alpha=σ²/(S b))``, ``ElasticNet(...)``, with
  ``tol=1e-12``), fitted on the same data and weights,

and compares them:

.. math::

    \Delta = \frac{\max_j |\hat w_{\text{MAP},j} - \hat w_{\text{sk},j}|}
                  {1 + \max_j |\hat w_{\text{MAP},j}|},

whether the two have the same exact zeros, and the MAP's KKT residual
(:mod:`bayesreg.map.kkt`). A row *agrees* when :math:`\Delta \le` ``tol``, the zero
patterns match and the KKT residual is :math:`\le` ``tol``.

:func:`validate` runs the grid (optionally in parallel processes) and returns a
:class:`ValidationTable`; ``bayesreg validate`` prints it.

Scales
------
A scale is the prior's own parameter: the Gaussian sd :math:`\tau`, the Laplace scale
:math:`b`, or the elastic-net pair :math:`(b, \tau)`. A single number ``s`` means
:math:`b = \tau = s`; a pair ``"B:T"`` gives the Laplace prior ``B``, the Gaussian
prior ``T`` and the elastic net both, so one list of pairs serves every family.
Without scales, :func:`auto_scales` picks a grid that spans the data's interesting
range: penalties at fractions :math:`f` of natural sizes,

.. math::

    \lambda_1 = f\,\lVert q\rVert_\infty \;\Rightarrow\; b = \sigma^2/\lambda_1, \qquad
    \lambda_2 = f\,\operatorname{tr}(Q)/p \;\Rightarrow\; \tau = \sigma/\sqrt{\lambda_2},

with :math:`Q, q` from :class:`bayesreg.datafits.gaussian.GaussianDatafit`
(:math:`\lVert q\rVert_\infty` is the L1 weight at which every coefficient is zero,
:math:`\operatorname{tr}(Q)/p` the mean eigenvalue of the centred Gram matrix), for
:math:`f \in \{0.5, 0.1, 0.01, 10^{-3}, 10^{-4}\}`, rounded to three significant digits.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bayesreg._validation import check_positive
from bayesreg.priors import ElasticNet, Gaussian, Laplace, Prior

__all__ = [
    "FAMILIES",
    "DEFAULT_FRACTIONS",
    "parse_family",
    "parse_scale",
    "positive_number",
    "make_prior",
    "auto_scales",
    "compare_to_sklearn",
    "sklearn_text",
    "ValidationRow",
    "ValidationTable",
    "validate",
]

#: Prior families with a fixed penalty, by canonical name.
FAMILIES: dict[str, type[Prior]] = {
    "gaussian": Gaussian,
    "laplace": Laplace,
    "elasticnet": ElasticNet,
}
_ALIASES = {
    "gaussian": "gaussian",
    "normal": "gaussian",
    "ridge": "gaussian",
    "l2": "gaussian",
    "laplace": "laplace",
    "lasso": "laplace",
    "l1": "laplace",
    "elasticnet": "elasticnet",
    "elastic-net": "elasticnet",
    "elastic_net": "elasticnet",
    "enet": "elasticnet",
}
#: Penalty fractions of :func:`auto_scales` (module docstring).
DEFAULT_FRACTIONS = (0.5, 0.1, 0.01, 1e-3, 1e-4)
#: Default agreement tolerance on the relative coefficient difference.
DEFAULT_TOL = 1e-8

Scale = float | tuple[float, float]


# ------------------------------------------------------------------ grid specs
def parse_family(name: str) -> str:
    """Canonical family name (``"gaussian"``, ``"laplace"``, ``"elasticnet"``) of an alias.

    Accepts ``ridge``/``normal``/``l2``, ``lasso``/``l1``, ``elastic-net``/``enet``,
    case-insensitively; raises ``ValueError`` naming the choices otherwise.
    """
    key = str(name).strip().lower()
    if key not in _ALIASES:
        raise ValueError(
            f"unknown prior {name!r}; choose from gaussian (ridge), laplace (lasso), elasticnet"
        )
    return _ALIASES[key]


def positive_number(text: str | float, what: str) -> float:
    """``text`` as a finite float > 0, or a ValueError naming ``what``."""
    try:
        return check_positive(what, text)
    except TypeError:
        raise ValueError(f"{what} must be a number, got {text!r}") from None


def parse_scale(text: str | float) -> Scale:
    """A scale from text: ``"0.5"``, or ``"B:T"`` for a Laplace b and a Gaussian τ (:func:`make_prior`)."""
    if isinstance(text, str) and ":" in text:
        parts = text.split(":")
        if len(parts) != 2:
            raise ValueError(f"a scale pair is written B:T, got {text!r}")
        return (positive_number(parts[0], "scale"), positive_number(parts[1], "scale"))
    return positive_number(text, "scale")


def make_prior(family: str, scale: Scale) -> Prior:
    """The prior of ``family`` at ``scale``.

    A pair ``(b, τ)`` holds a Laplace part and a Gaussian part: the elastic net takes
    both, the Laplace prior ``b``, the Gaussian prior ``τ``. A single number ``s`` is
    every scale the family has (the elastic net gets ``b = τ = s``).
    """
    fam = parse_family(family)
    b, t = scale if isinstance(scale, tuple) else (scale, scale)
    if fam == "elasticnet":
        return ElasticNet(l1_scale=b, l2_scale=t)
    return Laplace(b) if fam == "laplace" else Gaussian(t)


def _sig3(v: float) -> float:
    return float(f"{v:.3g}")


def auto_scales(
    X: Any,
    y: Any,
    family: str,
    *,
    sigma: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> list[Scale]:
    r"""A data-adapted grid of scales for ``family`` (module docstring, "Scales").

    Returns one scale per fraction (strongest penalty first); for a degenerate problem
    (:math:`q = 0`, e.g. a constant ``y``) the natural sizes fall back to 1.
    """
    from bayesreg._validation import check_sigma, check_X_y
    from bayesreg.datafits import GaussianDatafit

    fam = parse_family(family)
    sigma = check_sigma(sigma)
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    lik = GaussianDatafit(Xa, ya, sw, bool(fit_intercept))
    l1_ref = float(np.abs(lik.q).max()) or 1.0
    l2_ref = float(np.einsum("ij,ij->", lik.A, lik.A)) / lik.n_features or 1.0
    out: list[Scale] = []
    for f in fractions:
        b = _sig3(sigma**2 / (f * l1_ref))
        t = _sig3(sigma / math.sqrt(f * l2_ref))
        out.append({"gaussian": t, "laplace": b}.get(fam, (b, t)))
    return out


def _scale_text(scale: Scale) -> str:
    if isinstance(scale, tuple):
        return f"{scale[0]:.6g}:{scale[1]:.6g}"
    return f"{scale:.6g}"


# ------------------------------------------------------------------ one row
@dataclass(frozen=True)
class ValidationRow:
    """One comparison of a MAP with its scikit-learn equivalent.

    Attributes
    ----------
    prior : str
        ``repr`` of the prior, e.g. ``"Laplace(scale=0.1)"``.
    family : str
    scale : str
        The scale as typed on the command line (``"0.1"`` or ``"B:T"``).
    weights : str
        Name of the sample weighting (``"none"`` without weights).
    sklearn : str
        ``"Ridge"``, ``"Lasso"`` or ``"ElasticNet"``.
    sklearn_params : dict
        Its ``alpha`` (and ``l1_ratio``).
    max_abs_dcoef : float
        :math:`\\max_j |\\hat w_{\\text{MAP},j} - \\hat w_{\\text{sk},j}|`.
    max_rel_dcoef : float
        ``max_abs_dcoef / (1 + max|coef|)``.
    intercept_diff : float
        Absolute difference of the intercepts.
    zeros_agree : bool
        Both solutions have exactly the same zero coefficients.
    n_nonzero : int
        Non-zero MAP coefficients.
    kkt_residual : float
        The MAP's relative KKT residual.
    agree : bool
        ``max_rel_dcoef <= tol`` and ``zeros_agree`` and ``kkt_residual <= tol``.
    """

    prior: str
    family: str
    scale: str
    weights: str
    sklearn: str
    sklearn_params: dict[str, float]
    max_abs_dcoef: float
    max_rel_dcoef: float
    intercept_diff: float
    zeros_agree: bool
    n_nonzero: int
    kkt_residual: float
    agree: bool

    @property
    def sklearn_text(self) -> str:
        """``"Lasso(alpha=0.00113)"``."""
        return sklearn_text(self.sklearn, self.sklearn_params)


def sklearn_text(name: str, params: Mapping[str, float]) -> str:
    """A scikit-learn estimator and its penalty as text: ``"Lasso(alpha=0.00113)"``."""
    args = ", ".join(f"{k}={v:.6g}" for k, v in params.items())
    return f"{name}({args})"


def compare_to_sklearn(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    sigma: float = 1.0,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    weights_name: str | None = None,
    scale: str | None = None,
) -> ValidationRow:
    """Fit ``prior``'s MAP and its scikit-learn equivalent on ``(X, y)`` and compare.

    Parameters
    ----------
    X, y, sample_weight
        The data, as for :func:`bayesreg.map_estimate`.
    prior : Prior
        A prior with a fixed penalty (Gaussian, Laplace, ElasticNet).
    sigma : float
        Noise sd σ of the penalty conversion.
    tol : float
        Agreement tolerance (module docstring).
    weights_name, scale : str, optional
        Labels for the row; defaults ``"none"``/``"given"`` and the prior's scale.

    Returns
    -------
    ValidationRow
    """
    import warnings

    from bayesreg.convert import to_sklearn
    from bayesreg.map import map_estimate

    res = map_estimate(
        X, y, prior, sigma=sigma, fit_intercept=fit_intercept, sample_weight=sample_weight
    )
    sk = to_sklearn(
        prior,
        sigma=sigma,
        n_samples=int(np.shape(y)[0]),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
    )
    with warnings.catch_warnings():
        # a ConvergenceWarning is reported through the row (it will disagree)
        warnings.simplefilter("ignore")
        sk.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float), sample_weight=sample_weight)
    ours, theirs = res.coef, np.asarray(sk.coef_, dtype=float)
    d_abs = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    d_rel = d_abs / (1.0 + float(np.max(np.abs(ours))))
    zeros = bool(np.array_equal(ours == 0, theirs == 0))
    name, params = res.sklearn_params
    if scale is None:
        vals = [getattr(prior, f) for f in prior.__dataclass_fields__]
        scale = _scale_text(tuple(vals) if len(vals) == 2 else float(vals[0]))
    agree = bool(d_rel <= tol and zeros and res.kkt_residual <= tol)
    return ValidationRow(
        prior=repr(prior),
        family=type(prior).__name__.lower(),
        scale=scale,
        weights=weights_name or ("none" if sample_weight is None else "given"),
        sklearn=name,
        sklearn_params={k: float(v) for k, v in params.items()},
        max_abs_dcoef=d_abs,
        max_rel_dcoef=d_rel,
        intercept_diff=abs(float(res.intercept) - float(sk.intercept_)),
        zeros_agree=zeros,
        n_nonzero=int(np.count_nonzero(ours)),
        kkt_residual=float(res.kkt_residual),
        agree=agree,
    )


# ------------------------------------------------------------------ the table
_COLUMNS = (
    ("family", "prior"),
    ("scale", "scale"),
    ("weights", "weights"),
    ("sklearn_text", "scikit-learn equivalent"),
    ("max_rel_dcoef", "max|Δcoef| rel"),
    ("zeros_agree", "zeros agree"),
    ("kkt_residual", "KKT residual"),
    ("agree", "ok"),
)


@dataclass
class ValidationTable:
    """The rows of a validation grid and the tolerance they were judged by.

    ``ok`` is true when every row agrees; ``failures`` lists the rows that do not.
    ``str(table)`` is the aligned text table; :meth:`to_records`, :meth:`to_frame`,
    :meth:`write` export it.
    """

    rows: list[ValidationRow]
    tol: float = DEFAULT_TOL
    sigma: float = 1.0
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.agree for r in self.rows)

    @property
    def failures(self) -> list[ValidationRow]:
        return [r for r in self.rows if not r.agree]

    def __len__(self) -> int:
        return len(self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (JSON-ready; ``sklearn_params`` is a nested dict)."""
        return [asdict(r) for r in self.rows]

    def to_frame(self):
        """A pandas DataFrame of :meth:`to_records` with ``alpha`` / ``l1_ratio`` columns."""
        import pandas as pd

        return pd.DataFrame(self._flat_records())

    def _flat_records(self) -> list[dict[str, Any]]:
        out = []
        for rec in self.to_records():
            params = rec.pop("sklearn_params")
            rec["sklearn_alpha"] = params.get("alpha", float("nan"))
            rec["sklearn_l1_ratio"] = params.get("l1_ratio", float("nan"))
            out.append(rec)
        return out

    def to_csv(self) -> str:
        """The table as CSV text (floats written with ``repr``, so exactly)."""
        recs = self._flat_records()
        buf = io.StringIO()
        if recs:
            writer = csv.DictWriter(buf, fieldnames=list(recs[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(recs)
        return buf.getvalue()

    def to_json(self) -> str:
        """The table as JSON: tolerance, σ, source and the records."""
        doc = {
            "tol": self.tol,
            "sigma": self.sigma,
            "source": self.source,
            "ok": self.ok,
            **self.meta,
            "rows": self.to_records(),
        }
        return json.dumps(doc, indent=2, allow_nan=True)

    def write(self, path: str | Path) -> Path:
        """Write the table as CSV (``.csv``) or JSON (``.json``), chosen by extension."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValueError(f"cannot write a table to {path}: use a .csv or .json file name")
        path.write_text(self.to_csv() if suffix == ".csv" else self.to_json(), encoding="utf-8")
        return path

    def format(self, rows: Iterable[ValidationRow] | None = None) -> str:
        """An aligned plain-text table of ``rows`` (all rows by default)."""
        rows = list(self.rows if rows is None else rows)
        show = [c for c in _COLUMNS if c[0] != "weights" or any(r.weights != "none" for r in rows)]
        cells = [[h for _, h in show]]
        for r in rows:
            line = []
            for attr, _ in show:
                v = getattr(r, attr)
                if isinstance(v, bool):
                    v = ("yes" if v else "NO") if attr != "agree" else ("ok" if v else "FAIL")
                elif isinstance(v, float):
                    v = f"{v:.1e}"
                line.append(str(v))
            cells.append(line)
        widths = [max(len(c[i]) for c in cells) for i in range(len(show))]
        lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(show))).rstrip() for c in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


# ------------------------------------------------------------------ the grid
_WORKER: dict[str, Any] = {}


def _init_worker(X, y, weights, sigma, fit_intercept, tol) -> None:
    _WORKER.update(X=X, y=y, weights=weights, sigma=sigma, fit_intercept=fit_intercept, tol=tol)


def _run_task(task: tuple[str, Scale, str]) -> ValidationRow:
    family, scale, wname = task
    w = _WORKER
    return compare_to_sklearn(
        w["X"],
        w["y"],
        make_prior(family, scale),
        sigma=w["sigma"],
        sample_weight=w["weights"][wname],
        fit_intercept=w["fit_intercept"],
        tol=w["tol"],
        weights_name=wname,
    )


def _weightings(sample_weights: Any) -> dict[str, np.ndarray | None]:
    if sample_weights is None:
        return {"none": None}
    if isinstance(sample_weights, Mapping):
        if not sample_weights:
            raise ValueError("sample_weights is an empty mapping; pass None for unweighted")
        return {
            str(k): (None if v is None else np.asarray(v, dtype=float))
            for k, v in sample_weights.items()
        }
    return {"none": None, "weights": np.asarray(sample_weights, dtype=float)}


def validate(
    X: Any,
    y: Any,
    priors: Sequence[str] = tuple(FAMILIES),
    scales: Sequence[Scale | str] | None = None,
    *,
    sigma: float = 1.0,
    sample_weights: Any = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    n_jobs: int = 1,
    progress: bool = False,
    source: str = "",
) -> ValidationTable:
    """Compare the MAP with its scikit-learn equivalent over priors × scales × weights.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    priors : sequence of str
        Family names or aliases (:func:`parse_family`), default all three.
    scales : sequence of float, "B:T" str or (b, τ) pairs, optional
        The same scales for every family; None: :func:`auto_scales` per family.
    sigma : float, default=1.0
        Noise sd σ used to turn scales into penalties.
    sample_weights : None, array or mapping name -> array (or None)
        An array adds a weighted copy of the grid next to the unweighted one; a mapping
        gives every weighting a name (use ``None`` as a value for "unweighted").
    tol : float, default=1e-8
        Agreement tolerance on the relative coefficient difference and KKT residual.
    n_jobs : int, default=1
        Worker processes (``-1``: one per core). Results do not depend on it.
    progress : bool, default=False
        Show a tqdm progress bar on stderr.
    source : str
        A label of the data recorded in the table.

    Returns
    -------
    ValidationTable
        Rows in grid order: priors, then scales, then weightings.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from bayesreg.validate import validate
    >>> X, y = load_diabetes(return_X_y=True)
    >>> table = validate(X, y, ["laplace"], [0.01, 0.1])
    >>> table.ok, [r.sklearn for r in table.rows]
    (True, ['Lasso', 'Lasso'])
    """
    from bayesreg._validation import check_sigma, check_X_y

    sigma = check_sigma(sigma)
    tol = positive_number(tol, "tol")
    weights = _weightings(sample_weights)
    Xa, ya, _ = check_X_y(X, y)
    for w in weights.values():
        check_X_y(Xa, ya, w)  # clear errors before any work
    fams = [parse_family(p) for p in priors]
    if not fams:
        raise ValueError("no priors to validate")
    grid_scales = (
        None if scales is None else [parse_scale(s) if isinstance(s, str) else s for s in scales]
    )
    tasks: list[tuple[str, Scale, str]] = []
    for fam in fams:
        fam_scales = (
            grid_scales
            if grid_scales is not None
            else auto_scales(Xa, ya, fam, sigma=sigma, fit_intercept=fit_intercept)
        )
        for s in fam_scales:
            make_prior(fam, s)  # validate before any work
            tasks.extend((fam, s, wname) for wname in weights)
    n_jobs = _n_workers(n_jobs, len(tasks))
    init = (Xa, ya, weights, sigma, bool(fit_intercept), float(tol))
    rows = _run(tasks, init, n_jobs, progress)
    meta = {
        "fit_intercept": bool(fit_intercept),
        "n_samples": int(Xa.shape[0]),
        "n_features": int(Xa.shape[1]),
    }
    return ValidationTable(rows, tol=float(tol), sigma=sigma, source=source, meta=meta)


def _n_workers(n_jobs: int, n_tasks: int) -> int:
    if isinstance(n_jobs, bool) or int(n_jobs) != n_jobs or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    n = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    return max(1, min(n, n_tasks))


def _run(tasks, init, n_jobs: int, progress: bool) -> list[ValidationRow]:
    from tqdm import tqdm

    bar = tqdm(total=len(tasks), desc="validate", unit="fit", file=sys.stderr, disable=not progress)
    try:
        if n_jobs == 1:
            _init_worker(*init)
            rows = []
            for t in tasks:
                rows.append(_run_task(t))
                bar.update()
            return rows
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")  # safe with BLAS / PyMC threads
        with ProcessPoolExecutor(
            n_jobs, mp_context=ctx, initializer=_init_worker, initargs=init
        ) as pool:
            rows = []
            for row in pool.map(_run_task, tasks, chunksize=max(1, len(tasks) // (4 * n_jobs))):
                rows.append(row)
                bar.update()
            return rows
    finally:
        bar.close()
