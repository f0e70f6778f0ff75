r"""Cross-validated prior scales: drop-in twins of ``RidgeCV``, ``LassoCV`` and ``ElasticNetCV``.

One estimator, :class:`_MAPCV`, with three presets that differ only in the family of the
penalty, the default grid and what ``cv=None`` means. At each grid point they minimise
scikit-learn's objective, verbatim:

* :class:`RidgeMAPCV`: :math:`\sum_i s_i r_i^2 + \alpha\lVert w\rVert_2^2`
  (``cv=None``: exact leave-one-out);
* :class:`LassoMAPCV`: :math:`\frac{1}{2S}\sum_i s_i r_i^2 + \alpha\lVert w\rVert_1`
  (``cv=None``: 5-fold);
* :class:`ElasticNetMAPCV`: :math:`\frac{1}{2S}\sum_i s_i r_i^2 + \alpha\rho\lVert w\rVert_1
  + \frac{\alpha(1-\rho)}{2}\lVert w\rVert_2^2` (``cv=None``: 5-fold),

with :math:`r_i = y_i - b - x_i^\top w`, :math:`S = \sum_i s_i` the weight sum of the data
being fitted (of the training part of a fold), :math:`\rho` = ``l1_ratio``. In σ²-units
(:mod:`bayesreg.penalty`) these are :math:`\lambda_2 = \alpha` (ridge),
:math:`\lambda_1 = \alpha S` (lasso), :math:`\lambda_1 = \alpha\rho S`,
:math:`\lambda_2 = \alpha(1-\rho)S` (elastic net); the prior reading is
:math:`\tau = \sigma/\sqrt{\lambda_2}`, :math:`b = \sigma^2/\lambda_1`.

Every grid point is solved exactly: each fold's path is one :func:`bayesreg.map_path`
call with ``factors`` equal to the grid (warm-started active set for L1, one spectrum for
ridge); ridge's leave-one-out errors come in closed form from one SVD of the full data.
What is matched, and how:

* **Grid.** ``alphas`` is scikit-learn's: an int is the number of points of the geometric
  grid from :math:`\alpha_{\max} = \lVert q\rVert_\infty/(S\rho)` (the smallest penalty
  with an all-zero answer, computed on the full weighted, centred data) down to
  ``eps`` times it; an array is used as given (sorted decreasing for the lasso and the
  elastic net, as scikit-learn does). RidgeCV's default is ``(0.1, 1, 10)``.
* **Folds.** ``cv`` is anything :func:`sklearn.model_selection.check_cv` accepts; ``groups``
  goes to the splitter. Inside a fold the training weights enter the objective through
  their own sum :math:`S_{\text{train}}`, which is what scikit-learn's rescaling of the
  training weights to sum to the training size amounts to.
* **Score.** Lasso and elastic net (as ``LassoCV``): the weighted test MSE of each fold,
  averaged over folds without weights; ``scoring`` (an extra here) replaces it by a
  scorer, called with the test weights. Ridge with ``cv=None`` (as ``RidgeCV``'s
  GCV mode): the mean over all ``n`` samples of :math:`s_i e_i^2`, :math:`e_i` the exact
  leave-one-out residual, or ``scoring`` on the leave-one-out predictions (called with the
  weights). Ridge with an explicit ``cv`` (as ``RidgeCV``'s internal ``GridSearchCV``): the
  weighted R² — or ``scoring``, called with the test weights — of each test fold, averaged
  over folds without weights.
* **Choice.** ``selection="min"``: the best mean score, first in grid order on ties (as
  both scikit-learn estimators). ``selection="1se"`` (glmnet's rule; scikit-learn issue
  6630): with :math:`\bar e_k` the mean CV error (minus the mean score) and
  :math:`\mathrm{se}_k = \mathrm{sd}_k/\sqrt K` the standard error over the :math:`K`
  splits (``sd`` with ``ddof=1``, as glmnet's ``cvsd``), the largest ``alpha`` with
  :math:`\bar e_k \le \bar e_{k^*} + \mathrm{se}_{k^*}` at the minimiser :math:`k^*`
  (within :math:`k^*`'s ``l1_ratio`` for the elastic net).
* **Refit.** The chosen penalty on all the data, with the weights.

``coef_`` depends on the penalty only. Its reading as a prior (``prior_``) needs σ:
see :func:`refit_sigma` for how σ is estimated when ``sigma=None``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from scipy import linalg
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from bayesreg._validation import check_positive, check_sigma
from bayesreg.convert import prior_from_penalty
from bayesreg.datafits import GaussianDatafit
from bayesreg.estimators import _MAPBase
from bayesreg.map import map_estimate, map_path
from bayesreg.penalty import Penalty
from bayesreg.priors import Prior

__all__ = ["RidgeMAPCV", "LassoMAPCV", "ElasticNetMAPCV", "effective_df", "refit_sigma"]

def effective_df(lik: GaussianDatafit, coef: np.ndarray, penalty: Penalty) -> float:
    r"""Effective degrees of freedom of a penalised fit (intercept not counted).

    .. math::

        \mathrm{df} = \operatorname{tr}\!\big[A_{\mathcal S}(A_{\mathcal S}^\top A_{\mathcal S}
                      + \lambda_2 I)^{-1}A_{\mathcal S}^\top\big]
                    = \sum_k \frac{d_k^2}{d_k^2 + \lambda_2},

    with :math:`\mathcal S` the support of :math:`\hat w` and :math:`d_k` the singular values
    of the centred, weight-scaled columns :math:`A_{\mathcal S}`
    (:mod:`bayesreg.datafits.gaussian`). For the lasso (:math:`\lambda_2 = 0`) this is the
    rank of :math:`A_{\mathcal S}`, the unbiased estimate of Zou, Hastie & Tibshirani (2007);
    for ridge the trace of the hat matrix; for the elastic net their combination (Zou &
    Hastie 2005).
    """
    support = np.flatnonzero(coef)
    if support.size == 0:
        return 0.0
    d = linalg.svdvals(lik.A[:, support], check_finite=False)
    if penalty.l2 > 0:
        return float(np.sum(d**2 / (d**2 + penalty.l2)))
    return float(np.sum(d > d.max() * max(lik.A.shape) * np.finfo(float).eps))


def refit_sigma(lik: GaussianDatafit, coef: np.ndarray, df: float) -> float:
    r"""Noise sd of a penalised fit, corrected for its degrees of freedom :func:`effective_df`.

    .. math::

        \hat\sigma^2 = \frac{\sum_i s_i (y_i - \hat b - x_i^\top \hat w)^2}
                            {m - \mathrm{df} - [\text{intercept}]},

    with :math:`m` the number of observations with positive weight: weights are
    precisions, :math:`y_i \sim \mathcal N(\cdot, \sigma^2/s_i)`, so each such observation
    is one degree of freedom (as in :class:`~bayesreg.datafits.SufficientStatistics`).
    NaN, with a warning, when no residual degree of freedom is left.
    """
    sw = lik.sample_weight
    m = lik.n_samples if sw is None else int(np.count_nonzero(sw))
    dof = m - df - float(lik.fit_intercept)
    if not dof > 0:
        warnings.warn(
            f"no residual degree of freedom left (m={m}, df={df:.3g}): sigma cannot be "
            "estimated from the refit, so prior_ is None; pass sigma=...",
            RuntimeWarning, stacklevel=3,
        )
        return math.nan
    return math.sqrt(2.0 * lik.half_rss(coef) / dof)


class _Predictions(RegressorMixin, BaseEstimator):
    """A regressor whose "input" is its own predictions, so that any scorer can score them."""

    def fit(self, X, y=None):  # pragma: no cover - never fitted
        return self

    def predict(self, X):
        return np.asarray(X)


def _resolve_scorer(scoring: Any):
    if scoring is None or callable(scoring):
        return scoring
    if isinstance(scoring, str):
        return get_scorer(scoring)
    raise TypeError(f"scoring must be None, a scorer name or a callable, got {scoring!r}")


def _score(scorer, pred: np.ndarray, y: np.ndarray, sw: np.ndarray | None) -> np.ndarray:
    """One score per column of ``pred`` (one column per grid point)."""
    if scorer is None:  # minus the (weighted) mean squared error
        return -np.average((pred - y[:, None]) ** 2, axis=0, weights=sw)
    kw = {} if sw is None else {"sample_weight": sw}
    est = _Predictions()
    return np.array([scorer(est, pred[:, k], y, **kw) for k in range(pred.shape[1])])


class _MAPCV(_MAPBase):
    """Cross-validated MAP estimator; presets say the penalty family and the defaults."""

    #: scikit-learn name of the penalty family ("Ridge", "Lasso", "ElasticNet")
    _sklearn_name: ClassVar[str]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False  # the folds need rows: dense input only
        return tags

    def _check_fit_data(self, X: Any, y: Any, sample_weight: Any):
        from scipy import sparse

        if sparse.issparse(X):
            raise TypeError(
                f"{type(self).__name__}: sparse input is not supported (the folds are refitted on "
                "dense rows); pass X.toarray(), or use LassoMAP / RidgeMAP, which take sparse X"
            )
        return super()._check_fit_data(X, y, sample_weight)

    # ------------------------------------------------------------ preset hooks
    def _l1_ratios(self) -> list[float | None]:
        return [1.0]

    def _alpha_grid(self, lik: GaussianDatafit, l1_ratio: float | None) -> np.ndarray:
        """scikit-learn's grid: ``_alpha_grid`` for an int, the sorted values otherwise."""
        if isinstance(self.alphas, Integral) and not isinstance(self.alphas, bool):
            if self.alphas < 1:
                raise ValueError(f"alphas must be >= 1 when an int, got {self.alphas}")
            if l1_ratio == 0:
                raise ValueError(
                    "an automatic alpha grid needs l1_ratio > 0 (at l1_ratio=0 there is no "
                    "alpha_max); pass alphas=[...]"
                )
            eps = check_positive("eps", self.eps)
            alpha_max = lik.lambda_max() / (lik.weight_sum * l1_ratio)
            tiny = np.finfo(np.float64).resolution
            if alpha_max <= tiny:
                return np.full(int(self.alphas), tiny)
            return np.geomspace(alpha_max, alpha_max * eps, num=int(self.alphas))
        return np.sort(_check_alphas(self.alphas))[::-1]

    def _splits(self, X, y, groups) -> list | None:
        """The (train, test) index pairs; None for a closed-form leave-one-out."""
        return list(check_cv(self.cv).split(X, y, groups))

    def _default_scorer(self):
        return None  # minus the weighted test MSE

    def _path_shapes(self, mse: np.ndarray, grids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``mse_path_`` and ``alphas_`` in scikit-learn's shapes (``LinearModelCV``)."""
        alphas = grids if isinstance(self.alphas, Integral) else grids[0]
        if alphas.ndim == 2 and alphas.shape[0] == 1:
            alphas = alphas[0]
        return np.squeeze(mse), alphas

    # ------------------------------------------------------------------- fit
    def _penalty(self, alpha: float, l1_ratio: float | None, weight_sum: float) -> Penalty:
        return Penalty.from_sklearn(
            self._sklearn_name, {"alpha": alpha, "l1_ratio": l1_ratio}, weight_sum
        )

    def _path(self, X, y, sw, alphas: np.ndarray, l1_ratio) -> tuple[np.ndarray, np.ndarray]:
        """Exact MAP coefficients and intercepts at every ``alphas`` (in their order)."""
        S = X.shape[0] if sw is None else float(sw.sum())
        base = prior_from_penalty(self._penalty(1.0, l1_ratio, S), 1.0)
        path = map_path(
            X, y, base, sigma=1.0, factors=alphas, fit_intercept=self.fit_intercept,
            sample_weight=sw,
        )
        order = np.argsort(-alphas, kind="stable")  # map_path returns strongest first
        coefs = np.empty_like(path.coefs)
        intercepts = np.empty_like(path.intercepts)
        coefs[order], intercepts[order] = path.coefs, path.intercepts
        return coefs, intercepts

    def _cv_table(self, X, y, sw, splits, alphas, l1_ratio, scorer):
        """Test scores (n_alphas, n_splits) and weighted test MSEs (n_alphas, n_splits)."""
        scores = np.empty((alphas.size, len(splits)))
        mse = np.empty_like(scores)
        for j, (train, test) in enumerate(splits):
            sw_tr = None if sw is None else sw[train]
            sw_te = None if sw is None else sw[test]
            coefs, intercepts = self._path(X[train], y[train], sw_tr, alphas, l1_ratio)
            pred = X[test] @ coefs.T + intercepts
            mse[:, j] = -_score(None, pred, y[test], sw_te)
            scores[:, j] = -mse[:, j] if scorer is None else _score(scorer, pred, y[test], sw_te)
        return scores, mse

    def _check_summarised_data(self, X, y, sample_weight):
        raise TypeError(
            f"{type(self).__name__} needs the rows of X and y to cross-validate; sufficient "
            "statistics and dask collections are summaries (fit a MAP estimator on them instead)"
        )

    def _check_params(self) -> None:
        if self.selection not in ("min", "1se"):
            hint = (
                " (scikit-learn's coordinate-descent 'cyclic'/'random' does not apply: the "
                "solver here is exact)" if self.selection in ("cyclic", "random") else ""
            )
            raise ValueError(f"selection must be 'min' or '1se', got {self.selection!r}{hint}")
        if self.sigma is not None:
            check_sigma(self.sigma)

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> _MAPCV:
        """Cross-validate the grid, choose a penalty, refit it on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Precision weights, used in every fit and (see the module notes) in the scores.
        groups : array-like of shape (n_samples,), optional
            Group labels for the splitter (``GroupKFold`` and the like).

        Returns
        -------
        self
        """
        self._check_params()
        X, y, sw = self._check_fit_data(X, y, sample_weight)
        lik = GaussianDatafit(X, y, sw, bool(self.fit_intercept))
        ratios = self._l1_ratios()
        grids = np.array([self._alpha_grid(lik, r) for r in ratios])
        splits = self._splits(X, y, groups)
        scorer = _resolve_scorer(self.scoring)
        if scorer is None:
            scorer = self._default_scorer()
        tables = [self._cv_table(X, y, sw, splits, g, r, scorer) for r, g in zip(ratios, grids)]
        scores = np.stack([t[0] for t in tables])  # (n_l1, n_alphas, n_splits)
        mse = np.stack([t[1] for t in tables])
        self._select(scores, grids, ratios, with_splits=splits is not None)
        self.mse_path_, self.alphas_ = self._path_shapes(mse, grids)

        r_best = ratios[self.best_index_ // grids.shape[1]]
        if hasattr(self, "l1_ratio"):
            self.l1_ratio_ = r_best
        self.penalty_ = self._penalty(self.alpha_, r_best, lik.weight_sum)
        res = map_estimate(
            X, y, prior_from_penalty(self.penalty_, 1.0), sigma=1.0,
            fit_intercept=self.fit_intercept, sample_weight=sw,
        )
        self.df_ = effective_df(lik, res.coef, self.penalty_)
        self.sigma_ = (
            refit_sigma(lik, res.coef, self.df_) if self.sigma is None else check_sigma(self.sigma)
        )
        self.prior_: Prior | None = (
            prior_from_penalty(self.penalty_, self.sigma_) if math.isfinite(self.sigma_) else None
        )
        if self.prior_ is not None:
            res = replace(res, prior=self.prior_, sigma=self.sigma_)
        self._store_map(res)
        return self

    def _select(self, scores: np.ndarray, grids: np.ndarray, ratios, *, with_splits: bool) -> None:
        """``cv_results_``, the minimum, the one-standard-error choice, ``alpha_``."""
        n_l1, n_alphas, K = scores.shape
        mean = scores.mean(axis=2)
        std = scores.std(axis=2)
        se = scores.std(axis=2, ddof=1) / math.sqrt(K) if K > 1 else np.full_like(mean, np.nan)
        ranked = np.where(np.isnan(mean), -np.inf, mean)
        i_min = int(np.argmax(ranked))  # first best, in grid order (scikit-learn's tie rule)
        row, k_min = divmod(i_min, n_alphas)
        thr = mean[row, k_min] - se[row, k_min]
        i_1se = None
        if math.isfinite(thr):
            within = np.flatnonzero(mean[row] >= thr)
            i_1se = row * n_alphas + int(within[np.argmax(grids[row][within])])
        if self.selection == "1se" and i_1se is None:
            raise ValueError(
                "the one-standard-error rule needs a score per split; with cv=None and a "
                "scorer the leave-one-out predictions get one score only: pass cv=..."
            )
        res: dict[str, Any] = {}
        if hasattr(self, "l1_ratio"):
            res["param_l1_ratio"] = np.repeat(np.asarray(ratios, float), n_alphas)
        res["param_alpha"] = grids.ravel().copy()
        res["params"] = [
            ({"l1_ratio": float(r)} if "param_l1_ratio" in res else {}) | {"alpha": float(a)}
            for r, g in zip(ratios, grids) for a in g
        ]
        if with_splits:
            for j in range(K):
                res[f"split{j}_test_score"] = scores[:, :, j].ravel()
        res["mean_test_score"] = mean.ravel()
        res["std_test_score"] = std.ravel()
        res["se_test_score"] = se.ravel()
        res["rank_test_score"] = rankdata(-ranked.ravel(), method="min").astype(np.int32)
        self.cv_results_ = res
        self.index_min_ = i_min
        self.index_1se_ = i_1se
        self.best_index_ = i_1se if self.selection == "1se" else i_min
        self.best_score_ = float(res["mean_test_score"][self.best_index_])
        self.alpha_ = float(res["param_alpha"][self.best_index_])

    # -------------------------------------------------------------- readings
    def _prior(self) -> Prior:
        check_is_fitted(self)
        return self.result_.prior

    def to_sklearn(self, n_samples: int | None = None, sample_weight: Any = None):
        """The scikit-learn Ridge, Lasso or ElasticNet at the chosen penalty (configured, unfitted)."""
        from bayesreg.convert import to_sklearn

        check_is_fitted(self)
        if n_samples is None and sample_weight is None:
            n_samples = self.result_.weight_sum
        return to_sklearn(
            prior_from_penalty(self.penalty_, 1.0), sigma=1.0, n_samples=n_samples,
            sample_weight=sample_weight, fit_intercept=self.fit_intercept,
        )

    def sample_posterior(self, X: Any, y: Any, sample_weight: Any = None, **kwargs: Any) -> _MAPCV:
        """Choose the prior by cross-validation (:meth:`fit`), then sample the posterior under
        ``prior_`` (see :func:`bayesreg.sample_posterior`); σ defaults to ``sigma_``.

        Sets ``posterior_``; returns ``self``.
        """
        from bayesreg.mcmc import sample_posterior

        self.fit(X, y, sample_weight=sample_weight, groups=kwargs.pop("groups", None))
        if self.prior_ is None:
            raise ValueError("prior_ is undefined (sigma could not be estimated); pass sigma=...")
        kwargs.setdefault("sigma", self.sigma_)
        kwargs.setdefault("fit_intercept", self.fit_intercept)
        self.posterior_ = sample_posterior(X, y, self.prior_, sample_weight=sample_weight, **kwargs)
        return self


def _check_alphas(alphas: Any) -> np.ndarray:
    a = np.atleast_1d(np.asarray(alphas, dtype=float)).ravel()
    if a.size == 0 or not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(
            f"alphas must be finite and > 0 (alpha = 0 is a flat prior, with no MAP in "
            f"general), got {alphas!r}"
        )
    return a


class RidgeMAPCV(_MAPCV):
    r"""Ridge MAP with the prior scale τ chosen by cross-validation: ``RidgeCV``'s twin.

    Each grid point minimises :math:`\sum_i s_i (y_i - b - x_i^\top w)^2 + \alpha\lVert w\rVert_2^2`
    (ridge sums the loss: no :math:`n`), the MAP under :math:`w_j\sim\mathcal N(0,\tau^2)` with
    :math:`\alpha = \sigma^2/\tau^2`. ``cv=None`` is ``RidgeCV``'s default: exact
    leave-one-out errors :math:`e_i = r_i/(1-h_{ii})` from one SVD of the centred,
    weight-scaled design (:math:`h` the hat matrix, intercept included), scored by the mean
    over all ``n`` samples of :math:`s_i e_i^2`. An explicit ``cv`` is ``RidgeCV``'s
    ``GridSearchCV``: the (weighted) R² of each test fold unless ``scoring`` is given.
    See :mod:`bayesreg.tuning.cv` for the matching rules.

    Parameters
    ----------
    alphas : float or array-like, default=(0.1, 1.0, 10.0)
        The grid of Ridge ``alpha`` (= λ₂ = σ²/τ²), kept in the order given; each > 0.
    fit_intercept : bool, default=True
    scoring : str, callable or None, default=None
        A scikit-learn scorer (higher is better). None: as ``RidgeCV`` (above).
    cv : int, splitter, iterable or None, default=None
        None: exact leave-one-out; anything else goes through ``check_cv``.
    selection : {"min", "1se"}, default="min"
        The best mean score, or glmnet's one-standard-error rule (the largest ``alpha``
        whose mean CV error is within one standard error of the minimum's).
    sigma : float or None, default=None
        The noise sd σ that ``prior_`` assumes; ``alpha_`` and ``coef_`` do not depend on it.
        ``prior_`` is the Gaussian whose MAP at this σ is the chosen penalty,
        :math:`\tau = \sigma/\sqrt{\alpha}`. None: σ is estimated from the refit,
        :math:`\hat\sigma^2 = \sum_i s_i r_i^2/(m - \mathrm{df} - 1)` with df the trace of the
        hat matrix (:func:`refit_sigma`).

    Attributes
    ----------
    alpha_ : float
        The chosen Ridge ``alpha``.
    prior_ : Gaussian or None
        The chosen prior at ``sigma_`` (None if σ could not be estimated).
    sigma_, df_ : float
        The σ ``prior_`` assumes, and the effective degrees of freedom of the refit.
    penalty_ : Penalty
        The chosen penalty in σ²-units (:math:`\lambda_2 = \alpha`).
    coef_, intercept_, result_, kkt_residual_, n_iter_
        The refit on all the data (as :class:`bayesreg.RidgeMAP`).
    cv_results_ : dict of arrays
        ``GridSearchCV``'s layout, one entry per grid point: ``param_alpha``, ``params``,
        ``split{k}_test_score`` (not in leave-one-out mode: see ``mse_path_``),
        ``mean_test_score``, ``std_test_score`` (``ddof=0``, as ``GridSearchCV``),
        ``se_test_score`` (``ddof=1`` over :math:`\sqrt K`, glmnet's), ``rank_test_score``.
    best_index_, index_min_, index_1se_ : int
        Index into ``cv_results_`` of the choice, the minimum and the 1-SE choice
        (``index_1se_`` is None when there is one score only: ``cv=None`` with a scorer).
    best_score_ : float
        ``mean_test_score`` at the choice (``RidgeCV``'s ``best_score_`` for ``"min"``).
    mse_path_ : ndarray of shape (n_alphas, n_splits)
        Weighted test MSE per grid point and split; in leave-one-out mode the splits are
        the samples and the entries :math:`s_i e_i^2` (``RidgeCV``'s ``cv_results_.T`` with
        ``store_cv_results=True``).
    alphas_ : ndarray of shape (n_alphas,)
    """

    _sklearn_name = "Ridge"

    def __init__(
        self, alphas: Any = (0.1, 1.0, 10.0), *, fit_intercept: bool = True, scoring: Any = None,
        cv: Any = None, selection: str = "min", sigma: float | None = None,
    ):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.selection = selection
        self.sigma = sigma

    def _l1_ratios(self) -> list[float | None]:
        return [None]

    def _alpha_grid(self, lik, l1_ratio) -> np.ndarray:
        return _check_alphas(self.alphas)

    def _splits(self, X, y, groups) -> list | None:
        return None if self.cv is None else super()._splits(X, y, groups)

    def _default_scorer(self):
        return None if self.cv is None else get_scorer("r2")

    def _path_shapes(self, mse, grids):
        return mse[0], grids[0]

    def _cv_table(self, X, y, sw, splits, alphas, l1_ratio, scorer):
        if splits is not None:
            return super()._cv_table(X, y, sw, splits, alphas, l1_ratio, scorer)
        # Exact leave-one-out: with A = U diag(d) V' the centred, weight-scaled design,
        # w(alpha) = V diag(d/(d^2+alpha)) U'b_c and h_ii = sum_k U_ik^2 d_k^2/(d_k^2+alpha)
        # + s_i/S (the unpenalised intercept's column sqrt(s) is orthogonal to A).
        lik = GaussianDatafit(X, y, sw, bool(self.fit_intercept))
        U, d, Vt = linalg.svd(lik.A, full_matrices=False, check_finite=False)
        denom = d**2 + alphas[:, None]
        coefs = (d / denom * (U.T @ lik.b)) @ Vt
        intercepts = lik.y_offset - coefs @ lik.X_offset
        lev = (d**2 / denom) @ (U**2).T
        if self.fit_intercept:
            lev += (1.0 if sw is None else sw) / lik.weight_sum
        e = (y - coefs @ X.T - intercepts[:, None]) / (1.0 - lev)  # (n_alphas, n)
        sq = e**2 if sw is None else sw * e**2
        if scorer is None:
            return -sq, sq
        return _score(scorer, (y - e).T, y, sw)[:, None], sq


class LassoMAPCV(_MAPCV):
    r"""Lasso MAP with the Laplace scale b chosen by cross-validation: ``LassoCV``'s twin.

    Each grid point minimises :math:`\frac{1}{2S}\sum_i s_i (y_i - b - x_i^\top w)^2 +
    \alpha\lVert w\rVert_1` (:math:`S = \sum_i s_i` of the data being fitted), the MAP under
    :math:`w_j\sim\mathrm{Laplace}(0, b)` with :math:`\alpha = \sigma^2/(S b)`; every
    fold's path is exact and warm-started. See :mod:`bayesreg.tuning.cv` for the matching
    rules. The coordinate-descent options of ``LassoCV`` (``tol``, ``max_iter``,
    ``precompute``, ``selection="cyclic"``, ``random_state``) have no counterpart: the
    solver is exact. ``positive``, ``n_jobs`` and sparse ``X`` are not supported.

    Parameters
    ----------
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the automatic grid.
    alphas : int or array-like, default=100
        An int: the number of points of scikit-learn's automatic grid; an array: the grid
        (each > 0, used sorted decreasing).
    fit_intercept : bool, default=True
    cv : int, splitter, iterable or None, default=None
        As ``LassoCV``: None is 5-fold ``KFold``.
    scoring : str, callable or None, default=None
        None: minus the weighted test MSE, as ``LassoCV``; else a scorer (higher is
        better), called with the test weights.
    selection : {"min", "1se"}, default="min"
        The minimum mean CV error, or glmnet's one-standard-error rule (the largest
        ``alpha`` whose mean CV error is within one standard error of the minimum's).
    sigma : float or None, default=None
        The noise sd σ that ``prior_`` assumes; ``alpha_`` and ``coef_`` do not depend on it.
        ``prior_`` is the Laplace prior whose MAP at this σ is the chosen penalty,
        :math:`b = \sigma^2/(\alpha S)`. None: σ is estimated from the refit,
        :math:`\hat\sigma^2 = \sum_i s_i r_i^2/(m - \mathrm{df} - 1)` with df the number of
        non-zero coefficients (the rank of their columns; :func:`refit_sigma`).

    Attributes
    ----------
    alpha_ : float
        The chosen Lasso ``alpha``.
    prior_ : Laplace or None
        The chosen prior at ``sigma_`` (None if σ could not be estimated).
    sigma_, df_ : float
        The σ ``prior_`` assumes, and the degrees of freedom of the refit.
    penalty_ : Penalty
        The chosen penalty in σ²-units (:math:`\lambda_1 = \alpha S`).
    coef_, intercept_, result_, kkt_residual_, n_iter_
        The refit on all the data (as :class:`bayesreg.LassoMAP`).
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        Weighted test MSE per grid point and fold (``LassoCV``'s).
    alphas_ : ndarray of shape (n_alphas,)
        The grid (``LassoCV``'s).
    cv_results_ : dict of arrays
        ``GridSearchCV``'s layout: ``param_alpha``, ``params``, ``split{k}_test_score``,
        ``mean_test_score``, ``std_test_score`` (``ddof=0``), ``se_test_score`` (``ddof=1``
        over :math:`\sqrt K`, glmnet's ``cvsd``), ``rank_test_score``.
    best_index_, index_min_, index_1se_ : int
        Index into ``cv_results_`` of the choice, the minimum and the 1-SE choice.
    best_score_ : float
        ``mean_test_score`` at the choice.
    """

    _sklearn_name = "Lasso"

    def __init__(
        self, *, eps: float = 1e-3, alphas: Any = 100, fit_intercept: bool = True, cv: Any = None,
        scoring: Any = None, selection: str = "min", sigma: float | None = None,
    ):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.sigma = sigma


class ElasticNetMAPCV(_MAPCV):
    r"""Elastic-net MAP with both scales chosen by cross-validation: ``ElasticNetCV``'s twin.

    Each grid point minimises :math:`\frac{1}{2S}\sum_i s_i (y_i - b - x_i^\top w)^2 +
    \alpha\rho\lVert w\rVert_1 + \frac{\alpha(1-\rho)}{2}\lVert w\rVert_2^2`, the MAP under the
    elastic-net prior :math:`\propto e^{-|w|/b - w^2/(2\tau^2)}` with
    :math:`\alpha\rho = \sigma^2/(S b)` and :math:`\alpha(1-\rho) = \sigma^2/(S\tau^2)`.
    Each ``l1_ratio`` gets its own automatic grid; ties go to the first ``l1_ratio``, then
    the first ``alpha`` (as ``ElasticNetCV``); the 1-SE rule runs along the chosen
    ``l1_ratio``. Options as :class:`LassoMAPCV`.

    Parameters
    ----------
    l1_ratio : float or array-like, default=0.5
        :math:`\rho\in[0, 1]`, or a list of them to cross-validate too.
    eps, alphas, fit_intercept, cv, scoring, selection
        As :class:`LassoMAPCV`.
    sigma : float or None, default=None
        The noise sd σ that ``prior_`` assumes (see :class:`LassoMAPCV`); df of the refit
        is :math:`\operatorname{tr}[A_{\mathcal S}(A_{\mathcal S}^\top A_{\mathcal S}+\lambda_2
        I)^{-1}A_{\mathcal S}^\top]` on its support (:func:`effective_df`).

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen ``alpha`` and ``l1_ratio``.
    prior_ : ElasticNet, Laplace, Gaussian or None
        The chosen prior at ``sigma_`` (Laplace at ``l1_ratio_ = 1``, Gaussian at 0).
    mse_path_ : ndarray of shape (n_l1_ratio, n_alphas, n_folds)
        As ``ElasticNetCV`` (the first axis dropped for one ``l1_ratio``).
    alphas_ : ndarray of shape (n_l1_ratio, n_alphas) or (n_alphas,)
    cv_results_ : dict of arrays
        As :class:`LassoMAPCV`, plus ``param_l1_ratio``; entries run over ``l1_ratio``
        first, then ``alpha``.
    sigma_, df_, penalty_, coef_, intercept_, result_, best_index_, index_min_, index_1se_, best_score_
        As :class:`LassoMAPCV`.
    """

    _sklearn_name = "ElasticNet"

    def __init__(
        self, *, l1_ratio: Any = 0.5, eps: float = 1e-3, alphas: Any = 100,
        fit_intercept: bool = True, cv: Any = None, scoring: Any = None, selection: str = "min",
        sigma: float | None = None,
    ):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.sigma = sigma

    def _l1_ratios(self) -> list[float | None]:
        r = np.atleast_1d(np.asarray(self.l1_ratio, dtype=float)).ravel()
        if r.size == 0 or not ((r >= 0) & (r <= 1)).all():
            raise ValueError(f"l1_ratio must be in [0, 1], got {self.l1_ratio!r}")
        return [float(v) for v in r]
