r"""Statistics behind the figures that arviz-stats does not provide.

Every number a plot in :mod:`bayesreg.plots` draws is computed here (or in arviz-stats,
or by a prior object); the plots only lay them out. Each function states its maths.

Contents
--------
* :func:`default_eps`, :func:`posterior_mass_near_zero`, :func:`prior_mass_near_zero`:
  the probability of a "practically zero" coefficient, :math:`P(|\beta_j|<\varepsilon)`.
* :func:`matched_variance_priors`: Gaussian and Laplace priors with equal variance.
* :class:`OneCoefficient`: the one-feature problem :math:`y = w x` solved in closed form.
* :func:`geometry_contacts`: where the loss contours of a two-feature problem first
  touch the L1 diamond and the L2 disc.
* :class:`PathBands`, :func:`ridge_path_bands`, :func:`posterior_path_bands`: credible
  bands along a regularisation path (a Bayesian regularisation path).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors import Gaussian, Laplace, Prior, check_prior
from bayesreg.priors._base import check_scale

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from bayesreg.map import MapPath

__all__ = [
    "posterior_coef",
    "feature_dim",
    "EPS_FRACTION",
    "default_eps",
    "prior_sd",
    "prior_mass_near_zero",
    "posterior_mass_near_zero",
    "matched_variance_priors",
    "Density",
    "prior_density",
    "OneCoefficient",
    "Geometry",
    "geometry_contacts",
    "PathBands",
    "path_lambdas",
    "ridge_path_bands",
    "posterior_path_bands",
]

#: default ε as a fraction of the prior standard deviation (see :func:`default_eps`).
EPS_FRACTION = 0.1


SAMPLE_DIMS = ("chain", "draw")


# ------------------------------------------------------------------- DataTree access
def posterior_coef(dt: Any, var_name: str = "coef", group: str = "posterior") -> xr.DataArray:
    """The ``group/var_name`` array of a DataTree, with an error naming what is missing."""
    try:
        return dt[group][var_name]
    except (KeyError, TypeError):
        raise KeyError(f"the DataTree has no variable {group}/{var_name}") from None


def feature_dim(da: xr.DataArray) -> str:
    """Name of the one dimension of a coefficient array besides ``chain`` and ``draw``."""
    missing = [d for d in SAMPLE_DIMS if d not in da.dims]
    dims = [d for d in da.dims if d not in SAMPLE_DIMS]
    if missing or len(dims) != 1:
        raise ValueError(f"expected dims (chain, draw, <feature>), got {da.dims}")
    return dims[0]


# --------------------------------------------------------------------------- ε and mass
def prior_sd(prior: Prior) -> float:
    r"""Standard deviation :math:`\sqrt{\operatorname{Var} w}` of one coefficient.

    Priors with infinite variance (the horseshoe) fall back to their ``scale`` or
    ``global_scale`` attribute, so :func:`default_eps` still has a unit to work in.
    """
    check_prior(prior)
    try:
        v = float(prior.variance())
    except Exception:  # noqa: BLE001 - e.g. a prior whose variance integral diverges
        v = math.inf
    if math.isfinite(v) and v > 0:
        return math.sqrt(v)
    for attr in ("scale", "global_scale", "tau"):
        if hasattr(prior, attr):
            return float(getattr(prior, attr))
    raise ValueError(f"{prior!r} has no finite variance and no scale to set ε by")


def default_eps(priors: Prior | Mapping[str, Prior] | Sequence[Prior]) -> float:
    r"""Default half-width ε of the "practically zero" interval :math:`(-\varepsilon, \varepsilon)`.

    .. math::

        \varepsilon = 0.1 \times \Bigl(\prod_{k=1}^{K} \mathrm{sd}_k\Bigr)^{1/K},

    a tenth of the (geometric mean) prior standard deviation: an effect small compared
    with what the priors consider a typical coefficient. With priors of matched variance
    (:func:`matched_variance_priors`) this is a tenth of their common sd, so every prior
    is judged on the same interval. Pass ε explicitly when the units of the problem
    suggest a better threshold (for standardised predictors and outcome, a region of
    practical equivalence of ±0.05 is common).
    """
    if isinstance(priors, Prior):
        priors = [priors]
    elif isinstance(priors, Mapping):
        priors = list(priors.values())
    sds = [prior_sd(p) for p in priors]
    if not sds:
        raise ValueError("default_eps needs at least one prior")
    return EPS_FRACTION * float(np.exp(np.mean(np.log(sds))))


def prior_mass_near_zero(prior: Prior, eps: float) -> float:
    r"""Prior probability :math:`P(|w| < \varepsilon) = \int_{-\varepsilon}^{\varepsilon} p(w)\,dw`.

    Delegates to the prior (closed forms: :math:`\operatorname{erf}(\varepsilon/(\tau\sqrt2))`
    for the Gaussian, :math:`1 - e^{-\varepsilon/b}` for the Laplace).
    """
    return float(check_prior(prior).mass_near_zero(check_scale("eps", eps)))


def posterior_mass_near_zero(
    dt: Any, eps: float, *, var_name: str = "coef", group: str = "posterior"
) -> xr.DataArray:
    r"""Posterior probability :math:`P(|\beta_j| < \varepsilon \mid y)` for each coefficient.

    Estimated by the fraction of draws inside the interval,

    .. math::

        \hat P_j = \frac{1}{CD}\sum_{c=1}^{C}\sum_{d=1}^{D}
                   \mathbf 1\{|\beta_j^{(c,d)}| < \varepsilon\},

    whose Monte Carlo standard error is at most :math:`\sqrt{\hat P_j(1-\hat P_j)/\mathrm{ESS}}`.

    Parameters
    ----------
    dt : xarray.DataTree
        Posterior draws with ``group/var_name`` of dims ``(chain, draw, feature)``.
    eps : float
        Half-width ε > 0 (see :func:`default_eps`).

    Returns
    -------
    xarray.DataArray
        Dims ``(feature,)``, values in [0, 1].
    """
    eps = check_scale("eps", eps)
    da = posterior_coef(dt, var_name, group)
    feature_dim(da)
    out = (abs(da) < eps).mean([d for d in SAMPLE_DIMS if d in da.dims])
    out.name = f"P(|{var_name}|<eps)"
    out.attrs["eps"] = eps
    return out


def matched_variance_priors(variance: float = 1.0, *, horseshoe: bool = False) -> dict[str, Prior]:
    r"""Gaussian and Laplace (and optionally horseshoe) priors with the same variance :math:`v`.

    .. math::

        \tau = \sqrt v \quad(\operatorname{Var} = \tau^2), \qquad
        b = \sqrt{v/2} \quad(\operatorname{Var} = 2b^2).

    At equal variance the Laplace puts more mass near zero *and* in the tails: its
    density at 0 is :math:`1/(2b) = 1/\sqrt{2v}` against the Gaussian's
    :math:`1/\sqrt{2\pi v}`.

    The regularised horseshoe (:class:`bayesreg.priors.Horseshoe`) has a finite variance
    but no closed form for it. Its coefficient is :math:`z\tau\tilde\lambda` with
    :math:`\tau \propto \tau_0` and :math:`c \propto s`, so scaling both
    :math:`\tau_0` and :math:`s` by :math:`k` scales every draw by :math:`k` and the
    variance by :math:`k^2`. Starting from the default shape (:math:`\tau_0 = 0.1`,
    :math:`s = 2`, :math:`\nu = 4`), :math:`k = \sqrt{v/v_1}` with :math:`v_1` the
    prior's own (Monte Carlo) variance at :math:`k = 1`.
    """
    v = check_scale("variance", variance)
    out: dict[str, Prior] = {"Gaussian": Gaussian(scale=math.sqrt(v)), "Laplace": Laplace(scale=math.sqrt(v / 2))}
    if horseshoe:
        from bayesreg.priors import Horseshoe

        unit = Horseshoe()
        k = math.sqrt(v / unit.variance())
        out["Horseshoe"] = Horseshoe(
            global_scale=unit.global_scale * k, slab_scale=unit.slab_scale * k, slab_df=unit.slab_df
        )
    return out


@dataclass(frozen=True)
class Density:
    """A prior density on a grid: exact (from ``logpdf``) or a Monte Carlo histogram.

    Attributes
    ----------
    x : ndarray
        Grid (exact) or bin centres (Monte Carlo).
    density : ndarray
    exact : bool
    """

    x: np.ndarray
    density: np.ndarray
    exact: bool


def prior_density(prior: Prior, x_max: float, *, n_grid: int = 2001, n_draws: int = 400_000,
                  n_bins: int = 301, random_state: Any = 0) -> Density:
    r"""Density of one coefficient on :math:`[-x_{\max}, x_{\max}]`.

    :math:`\exp(\log p(w))` on an odd grid (so 0 is on it) when the prior has a
    closed-form ``logpdf``; otherwise (the horseshoe) the histogram of ``n_draws`` prior
    draws in ``n_bins`` equal bins, normalised by all draws (mass outside the range is
    not redistributed), whose value in a bin of width :math:`h` holding :math:`m` draws
    is :math:`m/(N h)`, with standard error :math:`\sqrt m/(N h)`.
    """
    x_max = check_scale("x_max", x_max)
    try:
        w = np.linspace(-x_max, x_max, int(n_grid) | 1)
        return Density(w, np.exp(np.asarray(prior.logpdf(w), dtype=float)), True)
    except NotImplementedError:
        pass
    draws = np.asarray(prior.rvs(int(n_draws), random_state=random_state), dtype=float)
    edges = np.linspace(-x_max, x_max, (int(n_bins) | 1) + 1)
    counts, _ = np.histogram(draws, bins=edges)
    h = edges[1] - edges[0]
    return Density(0.5 * (edges[1:] + edges[:-1]), counts / (draws.size * h), False)


# ----------------------------------------------------------------- one coefficient
@dataclass(frozen=True)
class OneCoefficient:
    r"""The one-feature problem :math:`y_i = w x_i + \text{noise}`, no intercept.

    Data loss and penalties, in the σ²-units of :mod:`bayesreg.penalty`:

    .. math::

        L(w) = \tfrac12\sum_i (y_i - w x_i)^2, \qquad
        \lambda_1|w|, \qquad \tfrac{\lambda_2}{2}w^2 .

    With :math:`c = \sum_i x_i y_i` and :math:`s = \sum_i x_i^2` the minimisers are

    .. math::

        \hat w_{\mathrm{LS}} = \frac{c}{s},\qquad
        \hat w_{L1} = \frac{\operatorname{sign}(c)\,(|c| - \lambda_1)_+}{s},\qquad
        \hat w_{L2} = \frac{c}{s + \lambda_2}.

    The L1 minimiser is *exactly* zero once :math:`\lambda_1 \ge |c|`
    (:attr:`l1_threshold`): the subgradient :math:`[-\lambda_1, \lambda_1]` of
    :math:`\lambda_1|w|` at 0 absorbs the data's slope :math:`-c`. The L2 minimiser only
    tends to zero as :math:`\lambda_2 \to \infty`.
    """

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=float).ravel()
        y = np.asarray(self.y, dtype=float).ravel()
        if x.size != y.size or x.size == 0:
            raise ValueError(f"x and y must be non-empty and of equal length, got {x.size}, {y.size}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("x and y must be finite")
        if not (x @ x) > 0:
            raise ValueError("x must not be all zero")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @classmethod
    def simulate(cls, w: float = 0.5, n: int = 50, noise: float = 0.5, random_state: Any = 0) -> OneCoefficient:
        """Draw ``x ~ N(0, 1)``, ``y = w x + noise * N(0, 1)``."""
        rng = np.random.default_rng(random_state)
        x = rng.normal(size=n)
        return cls(x, w * x + noise * rng.normal(size=n))

    @property
    def c(self) -> float:
        r""":math:`\sum_i x_i y_i`."""
        return float(self.x @ self.y)

    @property
    def s(self) -> float:
        r""":math:`\sum_i x_i^2`."""
        return float(self.x @ self.x)

    @property
    def l1_threshold(self) -> float:
        r""":math:`|c|`: the smallest :math:`\lambda_1` whose L1 minimiser is exactly 0."""
        return abs(self.c)

    def loss(self, w: Any) -> np.ndarray:
        r"""Data loss :math:`L(w)`, elementwise in ``w``."""
        w = np.asarray(w, dtype=float)
        yy = float(self.y @ self.y)
        return 0.5 * (yy - 2.0 * self.c * w + self.s * w**2)

    @staticmethod
    def penalty(w: Any, penalty: Penalty) -> np.ndarray:
        r""":math:`\lambda_1|w| + \frac{\lambda_2}{2}w^2`, elementwise in ``w``."""
        w = np.asarray(w, dtype=float)
        return penalty.l1 * np.abs(w) + 0.5 * penalty.l2 * w**2

    def objective(self, w: Any, penalty: Penalty) -> np.ndarray:
        """Penalised loss :math:`L(w) + \\mathrm{pen}(w)`."""
        return self.loss(w) + self.penalty(w, penalty)

    def least_squares(self) -> float:
        r""":math:`\hat w_{\mathrm{LS}} = c/s`."""
        return self.c / self.s

    def minimiser(self, penalty: Penalty) -> float:
        r"""Exact minimiser of :math:`L(w) + \lambda_1|w| + \frac{\lambda_2}{2}w^2`:
        :math:`\operatorname{sign}(c)(|c|-\lambda_1)_+/(s+\lambda_2)`."""
        c = self.c
        shrunk = max(abs(c) - penalty.l1, 0.0)
        if shrunk == 0.0:
            return 0.0
        return math.copysign(shrunk, c) / (self.s + penalty.l2)


# ---------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class Geometry:
    r"""Constrained least squares in two dimensions, L1 versus L2.

    The penalised problem :math:`\min_w L(w) + \mathrm{pen}(w)` has the same solution
    as :math:`\min_w L(w)` subject to :math:`\lVert w\rVert \le t` with
    :math:`t = \lVert\hat w\rVert` (Lagrange duality): the solution is where the
    lowest loss contour first touches the ball. For the L1 ball (a diamond) that point
    is typically a corner, where a coordinate is exactly zero; the L2 ball (a disc) has
    no corners.

    Attributes
    ----------
    least_squares : ndarray of shape (2,)
        Unconstrained minimiser (the centre of the contours).
    lasso, ridge : ndarray of shape (2,)
        Contact points: the MAP under the Laplace and Gaussian priors.
    l1_radius : float
        :math:`t_1 = \lVert\hat w_{L1}\rVert_1` (the diamond's half-diagonal).
    l2_radius : float
        :math:`t_2 = \lVert\hat w_{L2}\rVert_2` (the disc's radius).
    penalties : dict
        ``{"lasso": Penalty, "ridge": Penalty}`` that produced the contact points.
    gram : ndarray of shape (2, 2)
        :math:`G`, the centred Gram matrix.
    q : ndarray of shape (2,)
        :math:`q = X_c^\top y_c`.
    rss0 : float
        :math:`L(0)`; with these, :math:`L(w) = \tfrac12 w^\top G w - q^\top w + L(0)`.
    feature_names : tuple of str
    """

    least_squares: np.ndarray
    lasso: np.ndarray
    ridge: np.ndarray
    l1_radius: float
    l2_radius: float
    penalties: dict
    gram: np.ndarray
    q: np.ndarray
    rss0: float
    feature_names: tuple

    def loss(self, w0: Any, w1: Any) -> np.ndarray:
        r""":math:`L(w) = \tfrac12 w^\top G w - q^\top w + L(0)` on a grid (broadcasts)."""
        w0 = np.asarray(w0, dtype=float)
        w1 = np.asarray(w1, dtype=float)
        G, q = self.gram, self.q
        quad = G[0, 0] * w0**2 + 2 * G[0, 1] * w0 * w1 + G[1, 1] * w1**2
        return 0.5 * quad - q[0] * w0 - q[1] * w1 + self.rss0


def geometry_contacts(
    X: Any, y: Any, *, l1: float | None = None, fit_intercept: bool = True
) -> Geometry:
    r"""Contact points of the loss contours with the L1 diamond and an L2 disc.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    l1 : float, optional
        :math:`\lambda_1` in σ²-units. Default: the geometric mean of the two values at
        which the features enter the Lasso path, so the L1 contact is at a corner (one
        coefficient exactly zero) while the other is far from zero.
    fit_intercept : bool

    Returns
    -------
    Geometry
        The L2 penalty :math:`\lambda_2` is chosen (by root finding) so that the disc has
        the same radius as the diamond, :math:`t_2 = t_1`: both balls then reach the same
        points on the axes, as in the classic picture (Hastie, Tibshirani & Friedman,
        *Elements of Statistical Learning*, fig. 3.11).
    """
    from scipy.optimize import brentq

    from bayesreg._validation import check_X_y, feature_names
    from bayesreg.datafits import GaussianDatafit
    from bayesreg.map import map_estimate, map_path

    Xa, ya, _ = check_X_y(X, y, None)
    if Xa.shape[1] != 2:
        raise ValueError(f"geometry_contacts needs exactly 2 features, got {Xa.shape[1]}")
    names = feature_names(X)
    names = tuple(str(n) for n in names) if names is not None else ("w0", "w1")
    lik = GaussianDatafit(Xa, ya, None, bool(fit_intercept))
    G, q = lik.gram, lik.q
    ls = np.linalg.solve(G, q)
    if l1 is None:
        path = map_path(Xa, ya, Laplace(1.0), sigma=1.0, n_points=400, eps=1e-4, fit_intercept=fit_intercept)
        l1s = np.array([p.l1 for p in path.penalties])
        nnz = path.n_nonzero
        one = l1s[nnz == 1]
        two = l1s[nnz == 2]
        if one.size == 0 or two.size == 0:
            raise ValueError("the Lasso path of this problem never has exactly one active feature")
        l1 = math.sqrt(one.max() * two.max())
    l1 = check_scale("l1", l1)
    lasso = map_estimate(Xa, ya, Laplace(1.0 / l1), sigma=1.0, fit_intercept=fit_intercept).coef
    t1 = float(np.abs(lasso).sum())
    if t1 == 0:
        raise ValueError(f"l1={l1} is above the zero threshold: the diamond is a point")

    def ridge(l2: float) -> np.ndarray:
        return np.linalg.solve(G + l2 * np.eye(2), q)

    t_ls = float(np.linalg.norm(ls))
    if t1 >= t_ls:
        l2 = 0.0
        rid = ls
    else:
        # ‖w_ridge(λ2)‖ decreases from ‖w_LS‖ to 0: bracket the root on a log scale.
        lo, hi = 1e-12, 1.0
        while np.linalg.norm(ridge(hi)) > t1:
            hi *= 10.0
        l2 = brentq(lambda a: np.linalg.norm(ridge(a)) - t1, lo, hi, xtol=1e-14, rtol=1e-14)
        rid = map_estimate(Xa, ya, Gaussian(1.0 / math.sqrt(l2)), sigma=1.0, fit_intercept=fit_intercept).coef
    return Geometry(
        least_squares=ls,
        lasso=lasso,
        ridge=rid,
        l1_radius=t1,
        l2_radius=float(np.linalg.norm(rid)),
        penalties={"lasso": Penalty(l1=l1), "ridge": Penalty(l2=l2)},
        gram=G.copy(),
        q=q.copy(),
        rss0=lik.half_rss(np.zeros(2)),
        feature_names=names,
    )


# ------------------------------------------------------------------ path bands
@dataclass(frozen=True)
class PathBands:
    r"""Central credible intervals of the coefficients at points of a path.

    Attributes
    ----------
    lam : ndarray of shape (n_points,)
        Penalty strength :math:`\lambda` (σ²-units, the path's x-axis) at each point.
    lower, upper : ndarray of shape (n_points, n_features)
    prob : float
        Probability mass of each interval.
    """

    lam: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    prob: float


def path_lambdas(path: MapPath) -> np.ndarray:
    r"""The path's x-axis: :math:`\lambda_1` for L1 or elastic-net paths, :math:`\lambda_2` for Ridge."""
    if path.sklearn_name == "Ridge":
        return np.array([p.l2 for p in path.penalties])
    return np.array([p.l1 for p in path.penalties])


def _check_prob(prob: float) -> float:
    prob = float(prob)
    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob}")
    return prob


def ridge_path_bands(path: MapPath, X: Any, y: Any, *, prob: float = 0.9, sample_weight: Any = None) -> PathBands:
    r"""Exact credible bands along a Ridge path (Gaussian prior, known σ).

    With a flat prior on the intercept, the posterior of :math:`w` is Gaussian,

    .. math::

        w \mid y \sim \mathcal N\!\bigl(\hat w_\lambda,\;
        \sigma^2 (X_c^\top S X_c + \lambda_2 I)^{-1}\bigr),

    :math:`X_c` the weighted-centred design and :math:`\hat w_\lambda` the Ridge/MAP
    solution; the band is :math:`\hat w_{\lambda,j} \pm z_{(1+p)/2}\,\mathrm{sd}_j`.
    """
    from scipy.stats import norm

    from bayesreg._validation import check_X_y
    from bayesreg.datafits import GaussianDatafit

    prob = _check_prob(prob)
    if path.sklearn_name != "Ridge":
        raise ValueError(f"ridge_path_bands needs a Ridge (Gaussian-prior) path, got {path.sklearn_name}")
    Xa, ya, sw = check_X_y(X, y, sample_weight)
    lik = GaussianDatafit(Xa, ya, sw, True)
    if lik.n_features != path.coefs.shape[1]:
        raise ValueError("X does not have the path's number of features")
    evals, evecs = np.linalg.eigh(lik.gram)
    lams = path_lambdas(path)
    # diag((G + λI)^-1) = Σ_k V_jk² / (μ_k + λ)
    var = (evecs**2) @ (1.0 / (evals[:, None] + lams[None, :]))
    sd = path.sigma * np.sqrt(var.T)
    z = float(norm.ppf(0.5 + prob / 2))
    return PathBands(lam=lams, lower=path.coefs - z * sd, upper=path.coefs + z * sd, prob=prob)


def posterior_path_bands(
    lams: Sequence[float], posteriors: Sequence[Any], *, prob: float = 0.9, var_name: str = "coef"
) -> PathBands:
    r"""Equal-tailed credible intervals (:func:`arviz_stats.eti`) of posteriors sampled at
    points :math:`\lambda_k` of a path: the Bayesian regularisation path of a prior whose
    posterior has no closed form (the Laplace)."""
    import arviz_stats as azs

    prob = _check_prob(prob)
    if len(lams) != len(posteriors) or not len(lams):
        raise ValueError("lams and posteriors must be non-empty and of equal length")
    lo, hi = [], []
    for dt in posteriors:
        ci = azs.eti(dt["posterior"][var_name], prob=prob)
        lo.append(ci.sel(ci_bound="lower").values)
        hi.append(ci.sel(ci_bound="upper").values)
    return PathBands(lam=np.asarray(lams, dtype=float), lower=np.array(lo), upper=np.array(hi), prob=prob)
