r"""Sufficient statistics of the Gaussian likelihood, and its pointwise values.

The weighted Gaussian log-likelihood of :mod:`bayesreg.likelihood`,

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
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from bayesreg.likelihood import GaussianLikelihood

__all__ = ["SufficientStatistics", "pointwise_log_likelihood"]

_LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class SufficientStatistics:
    r"""Everything the sampler needs to know about ``(X, y, s)``.

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
    def from_likelihood(cls, lik: GaussianLikelihood) -> SufficientStatistics:
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


def pointwise_log_likelihood(
    X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, coef: np.ndarray,
    intercept: np.ndarray, sigma: np.ndarray, *, chunk_bytes: int = 64 * 2**20,
) -> np.ndarray:
    r"""Pointwise :math:`\log p(y_i\mid w, b, \sigma)` for every draw, shape (draws, n).

    .. math::

        \ell_i = \tfrac12\log s_i - \tfrac12\log 2\pi - \log\sigma
                 - \frac{s_i (y_i - b - x_i^\top w)^2}{2\sigma^2}

    (``0`` for an observation with :math:`s_i = 0`, which carries no information).
    ``coef`` is (draws, p), ``intercept`` and ``sigma`` (draws,). Computed after
    sampling, over blocks of observations so that the temporary ``X @ coef.T`` block
    stays under ``chunk_bytes``; the result itself is draws × n floats.
    """
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    D = coef.shape[0]
    out = np.empty((D, n))
    step = max(1, int(chunk_bytes // (8 * max(D, 1))))
    log_sigma = np.log(sigma)[:, None]
    inv_var = (1.0 / sigma**2)[:, None]
    for start in range(0, n, step):
        sl = slice(start, min(n, start + step))
        resid = y[sl][None, :] - intercept[:, None] - coef @ X[sl].T
        s = 1.0 if sample_weight is None else sample_weight[sl][None, :]
        with np.errstate(divide="ignore"):
            log_s = 0.0 if sample_weight is None else 0.5 * np.log(sample_weight[sl])[None, :]
        block = log_s - 0.5 * _LOG_2PI - log_sigma - 0.5 * s * resid**2 * inv_var
        if sample_weight is not None:
            block = np.where(sample_weight[sl][None, :] > 0, block, 0.0)
        out[:, sl] = block
    return out


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

    def get(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, fit_intercept: bool
    ) -> SufficientStatistics:
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
        stats = SufficientStatistics.from_likelihood(
            GaussianLikelihood(X, y, sample_weight, bool(fit_intercept))
        )
        sw = None if sample_weight is None else sample_weight.copy()
        self._entry = ((X.shape, bool(fit_intercept)), fp, y.copy(), sw, stats)
        return stats

    def clear(self) -> None:
        self._entry = None


statistics_cache = _StatisticsCache()
