r"""The Gaussian datafit: the linear-Gaussian likelihood, and its sufficient statistics.

.. math::

    y_i \mid w, b, \sigma \;\sim\; \mathcal N\big(b + x_i^\top w,\; \sigma^2 / s_i\big),
    \qquad
    -\log p(y \mid w, b) = \frac{1}{2\sigma^2}\sum_i s_i (y_i - b - x_i^\top w)^2 + \text{const}.

A sample weight :math:`s_i` is a precision multiplier (an observation with weight 2
counts as two identical observations), which is scikit-learn's meaning too.

The intercept :math:`b` is flat-prior (unpenalised). For any :math:`w` its optimum is
:math:`\hat b(w) = \bar y - \bar x^\top w` with weighted means
:math:`\bar y = \sum_i s_i y_i / S`, :math:`\bar x = \sum_i s_i x_i / S`,
:math:`S = \sum_i s_i`; substituting it leaves a quadratic in :math:`w` alone,

.. math::

    \tfrac12 \lVert b_c - A w \rVert^2,\qquad A = \sqrt{s}\odot(X - \bar x),
    \quad b_c = \sqrt{s}\odot(y - \bar y),

which is exactly scikit-learn's weighted centring. The MAP solvers work with
:math:`Q = A^\top A` and :math:`q = A^\top b_c` only, and the sampler with the
:class:`SufficientStatistics` below: at large ``n`` they *are* this datafit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg.datafits._base import Datafit

__all__ = ["GaussianDatafit", "SufficientStatistics", "statistics_cache"]

_LOG_2PI = float(np.log(2.0 * np.pi))


class GaussianDatafit(Datafit):
    """Weighted Gaussian likelihood of a linear model with an optional intercept.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated float64 design.
    y : ndarray of shape (n_samples,)
        Validated float64 target.
    sample_weight : ndarray of shape (n_samples,) or None
        Precision multipliers :math:`s_i \\ge 0`.
    fit_intercept : bool
        Whether :math:`b` is estimated (else fixed at 0 and nothing is centred).
    equilibrate : bool, default=False
        Work in equilibrated coordinates: the design is :math:`X D^{-1}` with
        :math:`D = \\operatorname{diag}(d)`, :math:`d_j = \\lVert A_j\\rVert` the norm of the
        centred, weighted column (1 for a constant column). Every quantity of this datafit
        (``A``, ``q``, ``gram``, ``X_offset``, ``intercept``) is then that of the scaled
        design, whose coefficients are :math:`u = Dw`. The MAP solvers work in these
        coordinates so that a column in other units (cents next to thousands) changes
        nothing but its coefficient's units (:func:`bayesreg.map_estimate`).
    """

    family = "gaussian"
    has_noise_scale = True

    def __init__(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
        fit_intercept: bool = True, *, equilibrate: bool = False,
    ) -> None:
        super().__init__(X, y, sample_weight, fit_intercept)
        self.equilibrate = bool(equilibrate)
        self._gram: np.ndarray | None = None

    @cached_property
    def n_effective(self) -> int:
        """Number of observations with a positive weight (bounds the rank of :math:`Q`)."""
        if self.sample_weight is None:
            return self.n_samples
        return int(np.count_nonzero(self.sample_weight))

    def dispersion(self, sigma: float | None) -> float:
        """:math:`\\phi = \\sigma^2`."""
        from bayesreg._validation import check_sigma

        return check_sigma(sigma) ** 2

    @cached_property
    def _offsets(self) -> tuple[np.ndarray, float]:
        if not self.fit_intercept:
            return np.zeros(self.n_features), 0.0
        sw = self.sample_weight
        x_mean = np.average(self.X, axis=0, weights=sw)
        y_mean = float(np.average(self.y, weights=sw))
        return x_mean, y_mean

    @property
    def X_offset(self) -> np.ndarray:
        r"""Weighted column means :math:`\bar x` (zeros without an intercept), of the
        scaled design when ``equilibrate``."""
        if self.equilibrate:
            return self._offsets[0] / self.column_scale
        return self._offsets[0]

    @property
    def column_scale(self) -> np.ndarray:
        r""":math:`d`, the column norms divided out when ``equilibrate`` (ones otherwise)."""
        return self._whitened[2]

    def scaled(self, w: np.ndarray) -> np.ndarray:
        """Coefficients ``w`` of the original design in this datafit's coordinates (:math:`u = Dw`)."""
        return w * self.column_scale if self.equilibrate else w

    @property
    def y_offset(self) -> float:
        r"""Weighted mean :math:`\bar y` (0 without an intercept)."""
        return self._offsets[1]

    @cached_property
    def _whitened(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x_mean = self._offsets[0]
        A = np.subtract(self.X, x_mean, order="K") if self.fit_intercept else self.X
        bc = self.y - self.y_offset if self.fit_intercept else self.y
        if self.sample_weight is not None:
            root = np.sqrt(self.sample_weight)
            A = np.multiply(A, root[:, None], order="K")
            bc = bc * root
        d = np.ones(self.n_features)
        if self.equilibrate:
            # the largest entry first, so that squaring cannot overflow or underflow
            big = np.abs(A).max(axis=0) if A.shape[0] else np.zeros(self.n_features)
            big = np.where(big > 0, big, 1.0)
            d = big * np.sqrt(np.einsum("ij,ij->j", A / big, A / big))
            d = np.where(d > 0, d, 1.0)
            A = A / d
        return A, np.ascontiguousarray(bc), d

    @property
    def A(self) -> np.ndarray:
        r"""Centred, weight-scaled design :math:`A = \sqrt s \odot (X - \bar x)`."""
        return self._whitened[0]

    @property
    def b(self) -> np.ndarray:
        r"""Centred, weight-scaled target :math:`b_c = \sqrt s \odot (y - \bar y)`."""
        return self._whitened[1]

    @cached_property
    def q(self) -> np.ndarray:
        r""":math:`q = A^\top b_c`; :math:`\lVert q\rVert_\infty` is the L1 weight above
        which the all-zero answer is optimal."""
        return self.A.T @ self.b

    @property
    def gram(self) -> np.ndarray:
        r""":math:`Q = A^\top A` (computed once, on first use)."""
        if self._gram is None:
            self._gram = self.A.T @ self.A
        return self._gram

    @property
    def has_gram(self) -> bool:
        return self._gram is not None

    @property
    def statistics(self) -> SufficientStatistics:
        """The :class:`SufficientStatistics` of this design (cached across re-fits)."""
        return statistics_cache.get(self)

    def intercept(self, w: np.ndarray) -> float:
        r""":math:`\hat b(w) = \bar y - \bar x^\top w`."""
        if not self.fit_intercept:
            return 0.0
        return float(self.y_offset - self.X_offset @ w)

    def value(self, w: np.ndarray, b: float | None = None) -> float:
        r""":math:`\frac12\sum_i s_i (y_i - b - x_i^\top w)^2` (optimal :math:`b` when None)."""
        if b is None or not self.fit_intercept:
            return self.half_rss(w)
        return self.half_rss(w) + 0.5 * self.weight_sum * (b - self.intercept(w)) ** 2

    def gradient(self, w: np.ndarray, b: float | None = None) -> np.ndarray:
        r""":math:`Qw - q` with the intercept profiled out (``b`` must be None or optimal)."""
        return self.smooth_gradient(w)

    def quadratic(self, w: np.ndarray, b: float) -> GaussianDatafit:
        """The Gaussian datafit is its own quadratic model."""
        return self

    def lambda_max(self) -> float:
        r""":math:`\lVert q\rVert_\infty`: the exact MAP is 0 for :math:`\lambda_1` at or above it."""
        q = self.q
        return float(np.abs(q).max()) if q.size else 0.0

    def half_rss(self, w: np.ndarray) -> float:
        r""":math:`\frac12\sum_i s_i (y_i - \hat b(w) - x_i^\top w)^2`."""
        r = self.b - self.A @ w
        return 0.5 * float(r @ r)

    def smooth_gradient(self, w: np.ndarray, l2: float = 0.0) -> np.ndarray:
        r""":math:`Qw - q + \lambda_2 w`, the gradient of the differentiable part."""
        support = np.flatnonzero(w)
        if self._gram is not None:
            g = self._gram[:, support] @ w[support] - self.q
        else:
            g = self.A.T @ (self.A[:, support] @ w[support]) - self.q
        if np.any(l2):
            g += l2 * w
        return g

    # ------------------------------------------------------------------ PyMC
    def pymc_data(self) -> dict[str, Any]:
        """The sufficient statistics the PyMC likelihood reads (see :class:`SufficientStatistics`)."""
        st = self.statistics
        vals: dict[str, Any] = {
            "gram": st.gram, "w_ls": st.w_ls, "rss_min": st.rss_min,
            "n_obs": float(st.n_obs), "log_weight_term": st.log_weight_term,
        }
        if self.fit_intercept:
            vals.update(weight_sum=st.weight_sum, X_offset=st.X_offset, y_offset=st.y_offset)
        return vals

    def pymc_loglik(self, coef: Any, data: dict[str, Any], sigma: Any) -> Any:
        r"""The sufficient-statistics log-likelihood :math:`-\frac{R_0 + d^\top Q d + S a^2}{2\sigma^2}
        - m\log\sigma + c_s`, :math:`d = w - \hat w`, with the intercept
        :math:`b = \bar y - \bar x^\top w + a` (flat prior on ``intercept_offset`` :math:`a`)."""
        import pymc as pm
        import pytensor.tensor as pt

        d = coef - data["w_ls"]
        rss = data["rss_min"] + pt.dot(d, pt.dot(data["gram"], d))
        if self.fit_intercept:
            a = pm.Flat("intercept_offset")
            pm.Deterministic("intercept", data["y_offset"] - pt.dot(data["X_offset"], coef) + a)
            rss = rss + data["weight_sum"] * pt.sqr(a)
        total = -0.5 * rss / pt.sqr(sigma) - data["n_obs"] * pt.log(sigma) + data["log_weight_term"]
        pm.Potential("y_loglik", total)
        return total

    # -------------------------------------------------------- after sampling
    def pointwise_log_likelihood(
        self, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray | None, *,
        chunk_bytes: int = 64 * 2**20,
    ) -> np.ndarray:
        r"""Pointwise :math:`\log p(y_i\mid w, b, \sigma)` for every draw, shape (draws, n).

        .. math::

            \ell_i = \tfrac12\log s_i - \tfrac12\log 2\pi - \log\sigma
                     - \frac{s_i (y_i - b - x_i^\top w)^2}{2\sigma^2}

        (``0`` for an observation with :math:`s_i = 0`, which carries no information).
        ``coef`` is (draws, p), ``intercept`` and ``sigma`` (draws,). Computed over blocks
        of observations so that the temporary ``X @ coef.T`` block stays under
        ``chunk_bytes``; the result itself is draws × n floats.
        """
        X, y, sw = self.X, self.y, self.sample_weight
        n = X.shape[0]
        D = coef.shape[0]
        out = np.empty((D, n))
        step = max(1, int(chunk_bytes // (8 * max(D, 1))))
        log_sigma = np.log(sigma)[:, None]
        inv_var = (1.0 / sigma**2)[:, None]
        for start in range(0, n, step):
            sl = slice(start, min(n, start + step))
            resid = y[sl][None, :] - intercept[:, None] - coef @ X[sl].T
            s = 1.0 if sw is None else sw[sl][None, :]
            with np.errstate(divide="ignore"):
                log_s = 0.0 if sw is None else 0.5 * np.log(sw[sl])[None, :]
            block = log_s - 0.5 * _LOG_2PI - log_sigma - 0.5 * s * resid**2 * inv_var
            if sw is not None:
                block = np.where(sw[sl][None, :] > 0, block, 0.0)
            out[:, sl] = block
        return out

    def mean(self, eta: np.ndarray) -> np.ndarray:
        """Identity link."""
        return eta

    def predictive_draws(
        self, eta: np.ndarray, sigma: np.ndarray | None, rng: np.random.Generator,
        sample_weight: np.ndarray | None = None,
    ) -> np.ndarray:
        r""":math:`y^* = \eta + \frac{\sigma}{\sqrt s}\,\varepsilon`, :math:`\varepsilon\sim\mathcal N(0, 1)`."""
        if sigma is None:
            raise ValueError("the Gaussian predictive needs sigma")
        scale = np.asarray(sigma, dtype=float).reshape(-1, 1)
        if sample_weight is not None:
            scale = scale / np.sqrt(sample_weight)[None, :]
        return eta + scale * rng.standard_normal(eta.shape)


# ------------------------------------------------------------ sufficient statistics
@dataclass(frozen=True)
class SufficientStatistics:
    r"""Everything the sampler needs to know about ``(X, y, s)``.

    The weighted Gaussian log-likelihood of :mod:`bayesreg.datafits.gaussian`,
    
    .. math::
    
        \log p(y\mid w, b, \sigma) = -\frac{1}{2\sigma^2}\sum_i s_i (y_i - b - x_i^\top w)^2
            - m\log\sigma + \tfrac12\sum_{i: s_i>0}\log s_i - \tfrac m2 \log 2\pi,
        \qquad m = \#\{i : s_i > 0\},
    
    depends on the data only through a few sums. Write :math:`\bar x, \bar y` for the
    weighted means, :math:`S=\sum_i s_i`, :math:`A = \sqrt s\odot(X-\bar x)`,
    :math:`b_c = \sqrt s\odot(y-\bar y)` (no centring without an intercept), and
    re-parametrise the intercept as :math:`b = \bar y - \bar x^\top w + a`. Because
    :math:`\sum_i s_i (x_i - \bar x) = 0` and :math:`\sum_i s_i(y_i-\bar y) = 0`, the cross terms
    with :math:`a` vanish:
    
    .. math::
    
        \sum_i s_i (y_i - b - x_i^\top w)^2 = \lVert b_c - A w\rVert^2 + S a^2 .
    
    With :math:`Q = A^\top A` and any least-squares solution :math:`\hat w`
    (:math:`Q\hat w = A^\top b_c`), expanding around :math:`\hat w` gives
    
    .. math::
    
        \lVert b_c - A w\rVert^2 = R_0 + (w-\hat w)^\top Q\,(w-\hat w),
        \qquad R_0 = \lVert b_c - A\hat w\rVert^2 ,
    
    a form that is exact, non-negative term by term, and free of the cancellation
    :math:`y^\top y - 2w^\top q + w^\top Q w` suffers when the fit is good. One evaluation of
    the log-likelihood and its gradient costs :math:`O(p^2)` whatever :math:`n`. The map
    :math:`(w, b)\mapsto(w, a)` has unit Jacobian, so a flat prior on :math:`b` is a flat
    prior on :math:`a`, and :math:`a \mid \sigma, y \sim \mathcal N(0, \sigma^2/S)` exactly.

    Attributes
    ----------
    gram : ndarray (p, p)
        :math:`Q = A^\top A`.
    w_ls : ndarray (p,)
        Minimum-norm least-squares solution :math:`\hat w` (pseudo-inverse of Q).
    rss_min : float
        :math:`R_0 = \lVert b_c - A\hat w\rVert^2`.
    weight_sum : float
        :math:`S = \sum_i s_i`.
    n_obs : int
        :math:`m`, the number of observations with positive weight.
    log_weight_term : float
        :math:`\tfrac12\sum_{s_i>0}\log s_i - \tfrac m2\log 2\pi`, the constant of the
        log-likelihood.
    X_offset, y_offset : ndarray (p,), float
        :math:`\bar x, \bar y` (zeros without an intercept).
    y_scale : float
        Weighted standard deviation of :math:`y` about :math:`\bar y`, the scale of the
        default σ prior.
    """

    gram: np.ndarray
    w_ls: np.ndarray
    rss_min: float
    weight_sum: float
    n_obs: int
    log_weight_term: float
    X_offset: np.ndarray
    y_offset: float
    y_scale: float

    @classmethod
    def from_datafit(cls, lik: GaussianDatafit) -> SufficientStatistics:
        """Compute the statistics in one pass over the data (O(n p²))."""
        Q = lik.gram
        q = lik.q
        evals, evecs = np.linalg.eigh(Q)
        tol = max(evals.max(initial=0.0), 0.0) * Q.shape[0] * np.finfo(float).eps
        inv = np.where(evals > tol, 1.0 / np.where(evals > tol, evals, 1.0), 0.0)
        w_ls = evecs @ (inv * (evecs.T @ q))
        r = lik.b - lik.A @ w_ls
        sw = lik.sample_weight
        if sw is None:
            m, log_w = lik.n_samples, 0.0
        else:
            pos = sw > 0
            m, log_w = int(pos.sum()), 0.5 * float(np.log(sw[pos]).sum())
        yc = lik.y - float(np.average(lik.y, weights=sw))
        y_scale = float(np.sqrt(np.average(yc**2, weights=sw)))
        return cls(
            gram=Q, w_ls=w_ls, rss_min=float(r @ r), weight_sum=lik.weight_sum, n_obs=m,
            log_weight_term=log_w - 0.5 * m * _LOG_2PI, X_offset=lik.X_offset.copy(),
            y_offset=lik.y_offset, y_scale=y_scale if y_scale > 0 else 1.0,
        )

    @property
    def n_features(self) -> int:
        return self.gram.shape[0]

    def log_likelihood(self, w: np.ndarray, a: float, sigma: float) -> float:
        """The total log-likelihood at one point (numpy; the model builds the same in PyTensor)."""
        d = np.asarray(w) - self.w_ls
        rss = self.rss_min + d @ self.gram @ d + self.weight_sum * a * a
        return float(-0.5 * rss / sigma**2 - self.n_obs * np.log(sigma) + self.log_weight_term)


class _StatisticsCache:
    r"""One-entry cache of :class:`SufficientStatistics`, so that re-fitting the same
    design (another prior scale, the usual notebook sweep) skips the :math:`O(np^2)` pass.

    The key is the shape, the intercept flag, ``y`` and the weights compared exactly, and a
    fingerprint of ``X``: its products :math:`Xu_1, Xu_2` with two fixed random vectors,
    compared exactly (:math:`O(np)`, about 1/p of the statistics' cost). A changed ``X``
    (also one modified in place) changes the fingerprint unless the change :math:`\Delta`
    satisfies :math:`\Delta u_1 = \Delta u_2 = 0` exactly, which has probability zero for a
    change that does not depend on the hidden vectors. A miss only costs the recomputation.
    """

    def __init__(self) -> None:
        self._entry: tuple | None = None

    @staticmethod
    def _fingerprint(X: np.ndarray) -> np.ndarray:
        U = np.random.default_rng(20260522).standard_normal((X.shape[1], 2))
        return X @ U

    def get(self, datafit: GaussianDatafit) -> SufficientStatistics:
        if datafit.equilibrate:  # statistics of scaled coordinates are never shared
            return SufficientStatistics.from_datafit(datafit)
        X, y, sample_weight, fit_intercept = (
            datafit.X, datafit.y, datafit.sample_weight, datafit.fit_intercept
        )
        fp = self._fingerprint(X)
        e = self._entry
        if (
            e is not None
            and e[0] == (X.shape, bool(fit_intercept))
            and np.array_equal(e[1], fp)
            and np.array_equal(e[2], y)
            and (
                (e[3] is None and sample_weight is None)
                or (e[3] is not None and sample_weight is not None
                    and np.array_equal(e[3], sample_weight))
            )
        ):
            return e[4]
        stats = SufficientStatistics.from_datafit(datafit)
        sw = None if sample_weight is None else sample_weight.copy()
        self._entry = ((X.shape, bool(fit_intercept)), fp, y.copy(), sw, stats)
        return stats

    def clear(self) -> None:
        self._entry = None


statistics_cache = _StatisticsCache()
