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
:math:`Q = A^\top A` and :math:`q = A^\top b_c` only, and the NUTS samplers' PyMC
model with the :class:`SufficientStatistics` below (at large ``n`` they *are* this
datafit), or, with fewer rows than features, with :math:`A` and :math:`b_c` themselves
(:attr:`GaussianDatafit.pymc_form`).

Those statistics are sums over rows, so they can be computed in chunks and combined
(:meth:`SufficientStatistics.combine`, one pass over a Dask collection in
:mod:`bayesreg.dask`), saved (:func:`bayesreg.io.save_statistics`) and fitted from
without the rows: :meth:`GaussianDatafit.from_statistics` is the datafit of a summary,
:meth:`GaussianDatafit.from_data` the datafit of any supported input.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg.datafits._base import Datafit

__all__ = ["GaussianDatafit", "SummarisedGaussianDatafit", "SufficientStatistics", "statistics_cache"]

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
    #: force the PyMC likelihood's form, "rows" or "statistics", on an instance or on the
    #: class (every datafit); None lets :attr:`pymc_form` choose. Private: for tests and
    #: benchmarks of the two forms.
    _pymc_form: str | None = None

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

    @property
    def _compiled_passes(self) -> bool:
        """Whether the moments and the whitening are compiled passes (a row-major design
        to be equilibrated: :mod:`bayesreg.datafits._whiten_kernel`)."""
        return self.equilibrate and self.X.flags.c_contiguous and self.X.size > 0

    @cached_property
    def _moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Weighted column means and centred sums of squares of :math:`X`, one pass
        (:func:`~bayesreg.datafits._whiten_kernel.column_moments`)."""
        from bayesreg.datafits._whiten_kernel import column_moments

        sw = np.empty(0) if self.sample_weight is None else self.sample_weight
        return column_moments(self.X, sw)

    def _check_finite_X(self) -> None:
        """:func:`bayesreg._validation.check_X`'s error for a NaN or infinite entry of ``X``,
        from the moments where they are computed (a non-finite moment sends the design to
        the entrywise check, which also lets through finite entries whose sums overflow)."""
        from bayesreg._validation import check_X

        if self._compiled_passes:
            mean, m2 = self._moments
            if np.isfinite(mean).all() and np.isfinite(m2).all():
                return
        check_X(self.X)

    @cached_property
    def _offsets(self) -> tuple[np.ndarray, float]:
        if not self.fit_intercept:
            return np.zeros(self.n_features), 0.0
        sw = self.sample_weight
        x_mean = self._moments[0] if self._compiled_passes else np.average(self.X, axis=0, weights=sw)
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
        # one n x p array, written once and scaled in place (each extra full-size
        # temporary costs several passes over X: its page faults and its writes); a
        # row-major design to be equilibrated in two compiled passes
        x_mean = self._offsets[0]  # zeros without an intercept
        bc = self.y - self.y_offset if self.fit_intercept else self.y
        root = None if self.sample_weight is None else np.sqrt(self.sample_weight)
        if root is not None:
            bc = bc * root
        bc = np.ascontiguousarray(bc)
        if self._compiled_passes:
            fused = self._whitened_compiled(x_mean, root)
            if fused is not None:
                return fused[0], bc, fused[1]
        A = np.subtract(self.X, x_mean, order="K") if self.fit_intercept else None
        if root is not None:
            A = np.multiply(self.X if A is None else A, root[:, None], out=A, order="K")
        d = np.ones(self.n_features)
        if self.equilibrate:
            d = _column_norms(self.X if A is None else A)
            A = np.divide(self.X if A is None else A, d, out=A, order="K")
        return (self.X if A is None else A), bc, d

    def _whitened_compiled(
        self, x_mean: np.ndarray, root: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``(A, d)`` of :attr:`_whitened` by :mod:`bayesreg.datafits._whiten_kernel`; None
        where a column's sum of squares is outside the range where it is accurate
        (:func:`_column_norms`), where :math:`1/d_j` is also a normal number."""
        from bayesreg.datafits._whiten_kernel import write_whitened

        m, ss = self._moments
        if not self.fit_intercept:  # sums of squares about 0
            ss = ss + self.weight_sum * m * m
        if not ((ss > 1e-280) & (ss < 1e300) | (ss == 0)).all():
            return None
        d = np.sqrt(ss)
        d = np.where(d > 0, d, 1.0)
        A = np.empty_like(self.X)
        write_whitened(self.X, x_mean, np.empty(0) if root is None else root, 1.0 / d, A)
        return A, d

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
        from bayesreg.map._linalg import callers_blas_threads

        with callers_blas_threads(2 * self.A.size):  # one pass over a large design
            return self.A.T @ self.b

    @property
    def gram(self) -> np.ndarray:
        r""":math:`Q = A^\top A` (computed once, on first use)."""
        if self._gram is None:
            from bayesreg.map._linalg import callers_blas_threads

            n, p = self.A.shape
            with callers_blas_threads(n * p * p):  # the one large product of a Gram solve
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
        r""":math:`\frac12\sum_i s_i (y_i - \hat b(w) - x_i^\top w)^2` (only the support's columns are read)."""
        support = np.flatnonzero(w)
        r = self.b - self.A[:, support] @ w[support] if support.size < w.size else self.b - self.A @ w
        return 0.5 * float(r @ r)

    @cached_property
    def y_scale(self) -> float:
        """Weighted standard deviation of ``y`` (1 for a constant ``y``): the scale of the default
        σ prior, equal to :attr:`SufficientStatistics.y_scale` without computing the statistics."""
        mean = float(np.average(self.y, weights=self.sample_weight))
        sd = float(np.sqrt(np.average((self.y - mean) ** 2, weights=self.sample_weight)))
        return sd if sd > 0 else 1.0

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
    @property
    def pymc_form(self) -> str:
        r"""How :meth:`pymc_loglik` evaluates :math:`\lVert b_c - Aw\rVert^2`: ``"rows"`` or ``"statistics"``.

        ``"rows"`` when the datafit holds a dense design in memory and it has fewer
        observations of positive weight than features, :math:`m < p`
        (:attr:`n_effective` < ``n_features``); ``"statistics"`` otherwise, and always for
        a :class:`SummarisedGaussianDatafit` (sufficient statistics only: Dask, sparse or
        saved statistics). The same rule as the Gibbs sampler's coefficient draw
        (:func:`bayesreg.mcmc.gibbs_sweep.coefficient_draw`).

        * ``"statistics"``: :math:`R_0 + (w-\hat w)^\top Q (w-\hat w)`, two products with
          the :math:`p\times p` Gram per gradient (:math:`O(p^2)` whatever :math:`n`),
          after one :math:`O(np^2)` pass and an :math:`O(p^3)` eigendecomposition (for
          :math:`\hat w`), holding :math:`8p^2` bytes.
        * ``"rows"``: :math:`\lVert b_c - Aw\rVert^2` from the :math:`m\times p` rows, two
          products with :math:`A` per gradient (:math:`O(mp)`), no statistics and no Gram:
          :math:`8mp` bytes.

        Measured (the log density and gradient as nutpie's backend compiles them, numba,
        one thread, median of 7 runs): a gradient costs the same at :math:`m = p` (ratio
        row/statistics 1.02 at p = 500, 1.01 at p = 2000), the row form is faster below
        (0.59 at p = 500, m = 250; 0.29 at p = 2000, m = 1000; 0.06 at p = 2000, m = 100:
        44 µs against 715 µs, and 0.7 s of statistics avoided) and slower above (1.35 at
        p = 500, m = 1000; 2.9 at p = 2000, m = 4000). Hence the row form exactly when
        :math:`m < p`. Both forms give the same log density to rounding
        (``tests/test_nuts_wide.py``); set ``_pymc_form`` to compare them.
        """
        forced = self._pymc_form
        has_rows = isinstance(self.X, np.ndarray)
        if forced is not None:
            if forced not in ("rows", "statistics"):
                raise ValueError(f"_pymc_form must be 'rows', 'statistics' or None, got {forced!r}")
            if forced == "rows" and not has_rows:
                raise ValueError("the row form of the likelihood needs the rows in memory")
            return forced
        return "rows" if has_rows and self.n_effective < self.n_features else "statistics"

    def pymc_structure(self) -> tuple:
        """The likelihood's part of the compiled model's structure: its :attr:`pymc_form`."""
        return (self.pymc_form,)

    @cached_property
    def _pymc_rows(self) -> dict[str, Any]:
        r"""The ``pm.Data`` of the row form, in the original units of ``w``.

        ``design`` is :math:`A = \sqrt s\odot(X - \bar x)` and ``response``
        :math:`b_c = \sqrt s\odot(y - \bar y)` over the rows of positive weight only (the
        others are zero rows of :math:`A` and :math:`b_c`); with ``equilibrate`` the column
        scale :math:`d` is multiplied back, so that the model's ``coef`` is :math:`w`, not
        :math:`u = Dw`. With an intercept the means are refined once as in
        :meth:`SufficientStatistics.from_datafit` (the centring defects
        :math:`e = \sum_i \sqrt{s_i} A_i / S` subtracted), so that ``X_offset``, ``y_offset``
        and the residual are those of the statistics form. Costs :math:`O(np)`; the Gram
        and the statistics are never formed.
        """
        A, b = self.A, self.b
        if self.equilibrate:
            A = A * self.column_scale
        sw = self.sample_weight
        x_mean, y_mean = self._offsets
        if sw is None:
            m, log_w = self.n_samples, 0.0
            root = np.ones(self.n_samples)
        else:
            pos = sw > 0
            m, log_w = int(pos.sum()), 0.5 * float(np.log(sw[pos]).sum())
            if m < self.n_samples:
                A, b = A[pos], b[pos]
            root = np.sqrt(sw[pos])
        vals: dict[str, Any] = {}
        if self.fit_intercept:
            S = self.weight_sum
            ex, ey = (root @ A) / S, float(root @ b) / S
            A = A - root[:, None] * ex[None, :]
            b = b - root * ey
            vals.update(weight_sum=S, X_offset=x_mean + ex, y_offset=y_mean + ey)
        vals.update(
            design=np.ascontiguousarray(A), response=np.ascontiguousarray(b), n_obs=float(m),
            log_weight_term=log_w - 0.5 * m * _LOG_2PI,
        )
        return vals

    def pymc_data(self) -> dict[str, Any]:
        """What the PyMC likelihood reads: the rows (``design``, ``response``) or the
        sufficient statistics (see :class:`SufficientStatistics`), by :attr:`pymc_form`;
        with an intercept also ``weight_sum``, ``X_offset`` and ``y_offset``."""
        if self.pymc_form == "rows":
            return dict(self._pymc_rows)
        st = self.statistics
        vals: dict[str, Any] = {
            "gram": st.gram, "w_ls": st.w_ls, "rss_min": st.rss_min,
            "n_obs": float(st.n_obs), "log_weight_term": st.log_weight_term,
        }
        if self.fit_intercept:
            vals.update(weight_sum=st.weight_sum, X_offset=st.X_offset, y_offset=st.y_offset)
        return vals

    def pymc_loglik(self, coef: Any, data: dict[str, Any], sigma: Any) -> Any:
        r"""The log-likelihood :math:`-\frac{\mathrm{RSS}(w) + S a^2}{2\sigma^2} - m\log\sigma + c_s`,
        with the intercept :math:`b = \bar y - \bar x^\top w + a` (flat prior on
        ``intercept_offset`` :math:`a`) and :math:`\mathrm{RSS}(w) = \lVert b_c - Aw\rVert^2`
        read as ``data`` holds it (:attr:`pymc_form`): :math:`\lVert b_c - Aw\rVert^2` from
        the rows (:math:`O(mp)` per gradient), or :math:`R_0 + d^\top Q d`,
        :math:`d = w - \hat w`, from the statistics (:math:`O(p^2)`)."""
        import pymc as pm
        import pytensor.tensor as pt

        if "design" in data:
            r = data["response"] - pt.dot(data["design"], coef)
            rss = pt.dot(r, r)
        else:
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
        r""":math:`y^* = \eta + \frac{\sigma}{\sqrt s}\,\varepsilon`, :math:`\varepsilon\sim\mathcal N(0, 1)`.

        An observation of weight :math:`s = 0` has infinite noise variance (it carries no
        information): its replicate is NaN rather than a draw of no meaning.
        """
        if sigma is None:
            raise ValueError("the Gaussian predictive needs sigma")
        scale = np.asarray(sigma, dtype=float).reshape(-1, 1)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=float)
            with np.errstate(divide="ignore"):
                inv_root = np.where(sw > 0, 1.0 / np.sqrt(np.where(sw > 0, sw, 1.0)), np.nan)
            scale = scale * inv_root[None, :]
        return eta + scale * rng.standard_normal(eta.shape)

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_statistics(
        cls, statistics: SufficientStatistics, *, equilibrate: bool = False
    ) -> SummarisedGaussianDatafit:
        """The datafit of rows known only through their :class:`SufficientStatistics`
        (see :class:`SummarisedGaussianDatafit`)."""
        return SummarisedGaussianDatafit(statistics, equilibrate=equilibrate)

    @classmethod
    def from_data(
        cls, X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True, *,
        check_input: bool = True, equilibrate: bool = False,
    ) -> GaussianDatafit:
        """The datafit of any input the public functions accept.

        * arrays (NumPy, pandas, lists): validated (unless ``check_input=False``) and held;
        * Dask arrays or DataFrames (any of ``X``, ``y``, ``sample_weight``): summarised
          in one pass on the active Dask scheduler (:func:`bayesreg.dask.sufficient_statistics`),
          then :meth:`from_statistics`; the rows are never gathered;
        * a scipy.sparse ``X``: :meth:`SufficientStatistics.from_sparse` (implicit centring,
          sparse products, never densified), then :meth:`from_statistics`;
        * a :class:`SufficientStatistics` as ``X``: :meth:`from_statistics`; ``y`` and
          ``sample_weight`` must then be None and ``fit_intercept`` the one the statistics
          were computed with.
        """
        if isinstance(X, SufficientStatistics):
            X.check_fit_arguments(y, sample_weight, fit_intercept)
            return cls.from_statistics(X, equilibrate=equilibrate)
        from bayesreg.dask import is_dask_collection

        if is_dask_collection(X, y, sample_weight):
            stats = SufficientStatistics.from_dask(X, y, sample_weight, bool(fit_intercept))
            return cls.from_statistics(stats, equilibrate=equilibrate)
        from scipy import sparse

        if sparse.issparse(X):  # implicit centring: statistics from sparse products
            stats = SufficientStatistics.from_sparse(X, y, sample_weight, bool(fit_intercept))
            return cls.from_statistics(stats, equilibrate=equilibrate)
        if not check_input:
            return cls(X, y, sample_weight, bool(fit_intercept), equilibrate=equilibrate)
        from bayesreg._validation import check_X_y

        # an equilibrated datafit reads every entry of X for its moments, which NaN and inf
        # reach: finiteness is checked there, not in a pass of its own
        X, y, sample_weight = check_X_y(X, y, sample_weight, finite_X=not equilibrate)
        lik = cls(X, y, sample_weight, bool(fit_intercept), equilibrate=equilibrate)
        if equilibrate:
            lik._check_finite_X()
        return lik


def _column_norms(A: np.ndarray) -> np.ndarray:
    r""":math:`\lVert A_j\rVert` for each column (1 for a zero column), without overflow or underflow.

    The sum of squares is taken directly; a column where it could have overflowed or lost
    precision to underflow is recomputed with its largest entry divided out first.
    """
    ss = np.einsum("ij,ij->j", A, A)
    d = np.sqrt(ss)
    bad = ~((ss > 1e-280) & (ss < 1e300))
    if bad.any() and A.shape[0]:
        Ab = A[:, bad]
        big = np.abs(Ab).max(axis=0)
        big = np.where(big > 0, big, 1.0)
        d[bad] = big * np.sqrt(np.einsum("ij,ij->j", Ab / big, Ab / big))
    return np.where(d > 0, d, 1.0)


def _least_squares(Q: np.ndarray, q: np.ndarray) -> np.ndarray:
    r"""A solution of :math:`Qw = q` for a symmetric PSD :math:`Q` and :math:`q` in its range.

    The pseudo-inverse of the unit-diagonal :math:`M = D^{-1}QD^{-1}`,
    :math:`D = \operatorname{diag}(Q)^{1/2}`: :math:`w = D^{-1}M^+D^{-1}q`, so that a column
    in other units (a large :math:`Q_{jj}`) does not swamp the others' eigenvalues.
    """
    d = np.sqrt(np.diag(Q))
    d = np.where(d > 0, d, 1.0)
    evals, evecs = np.linalg.eigh(Q / np.outer(d, d))
    tol = max(evals.max(initial=0.0), 0.0) * Q.shape[0] * np.finfo(float).eps
    inv = np.where(evals > tol, 1.0 / np.where(evals > tol, evals, 1.0), 0.0)
    return (evecs @ (inv * (evecs.T @ (q / d)))) / d


# ------------------------------------------------------------ sufficient statistics
@dataclass(frozen=True, eq=False)  # arrays: compare fields with np.array_equal
class SufficientStatistics:
    r"""Everything the MAP solvers, the paths and the sampler need to know about ``(X, y, s)``.

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

    **Combining.** The statistics of two sets of rows determine those of their union
    (:meth:`combine`), in centred form, so that large means never cancel (the update of
    Chan, Golub & LeVeque 1979). With :math:`S = S_1 + S_2`, :math:`c = S_1S_2/S` and
    :math:`\delta = \bar x_2 - \bar x_1`, :math:`\delta_y = \bar y_2 - \bar y_1`,

    .. math::

        Q = Q_1 + Q_2 + c\,\delta\delta^\top, \qquad q = q_1 + q_2 + c\,\delta\,\delta_y,

    and, because each part's residual is :math:`R_{0,k} + (w-\hat w_k)^\top Q_k (w-\hat w_k)`
    about its own mean, the combined minimum is a sum of non-negative terms,

    .. math::

        R_0 = \sum_k \big[R_{0,k} + (\hat w - \hat w_k)^\top Q_k (\hat w - \hat w_k)\big]
              + c\,(\delta_y - \delta^\top \hat w)^2 ,

    never the cancelling :math:`y^\top y - q^\top\hat w`. Without an intercept nothing is
    centred and the :math:`c` terms vanish. :math:`S`, :math:`m`, the row count and the
    log-weight term add.

    Attributes
    ----------
    gram : ndarray (p, p)
        :math:`Q = A^\top A`.
    q : ndarray (p,)
        :math:`q = A^\top b_c`.
    w_ls : ndarray (p,)
        A least-squares solution :math:`\hat w` (:math:`Q\hat w = q`; the minimum-norm one
        in coordinates where :math:`Q` has a unit diagonal).
    rss_min : float
        :math:`R_0 = \lVert b_c - A\hat w\rVert^2`.
    weight_sum : float
        :math:`S = \sum_i s_i`.
    n_obs : int
        :math:`m`, the number of observations with positive weight.
    n_samples : int
        The number of rows, those of weight 0 included.
    log_weight_term : float
        :math:`\tfrac12\sum_{s_i>0}\log s_i - \tfrac m2\log 2\pi`, the constant of the
        log-likelihood.
    X_offset : ndarray (p,)
        :math:`\bar x` (zeros without an intercept).
    y_mean, y_sd : float
        Weighted mean and standard deviation of :math:`y` (with or without an intercept):
        ``y_offset`` and ``y_scale`` derive from them.
    fit_intercept : bool
        Whether :math:`A` and :math:`b_c` are centred (the model has an intercept).
    feature_names : ndarray of str or None
        Column names, when the rows came from a DataFrame.
    """

    gram: np.ndarray
    q: np.ndarray
    w_ls: np.ndarray
    rss_min: float
    weight_sum: float
    n_obs: int
    n_samples: int
    log_weight_term: float
    X_offset: np.ndarray
    y_mean: float
    y_sd: float
    fit_intercept: bool
    feature_names: np.ndarray | None = None

    # ------------------------------------------------------------ construction
    @classmethod
    def from_datafit(cls, lik: GaussianDatafit) -> SufficientStatistics:
        r"""Compute the statistics of a datafit's rows (O(n p²)).

        The means are refined once (the corrected two-pass algorithm): a computed mean
        :math:`\tilde x` of large values misses the true one by
        :math:`e = \sum_i s_i (x_i - \tilde x)/S` (about :math:`\epsilon\,|\bar x|`), and a
        scatter matrix about :math:`\tilde x` differs from the centred one only by the
        negligible :math:`S ee^\top`, but :meth:`combine` multiplies a difference of means
        by the other part's, so the means kept here are :math:`\tilde x + e`, with
        :math:`Q, q, R_0` moved to them exactly (rank-one updates, :math:`O(np)`).
        """
        sw = lik.sample_weight
        A, b = lik.A, lik.b
        Q, q = lik.gram, lik.q
        x_mean = lik.X_offset.copy()
        y_mean = float(np.average(lik.y, weights=sw))
        if lik.fit_intercept:  # the centring defects of A and b_c, then Q, q about x̄ + e
            root = np.ones(lik.n_samples) if sw is None else np.sqrt(sw)
            S = lik.weight_sum
            ex, ey = (root @ A) / S, float(root @ b) / S
            Q = Q - S * np.outer(ex, ex)
            q = q - (S * ey) * ex
            x_mean += ex
            y_mean = lik.y_offset + ey
        else:
            root, ex, ey = None, None, 0.0
            y_mean += float(np.average(lik.y - y_mean, weights=sw))
        w_ls = _least_squares(Q, q)
        r = b - A @ w_ls
        if root is not None:
            r -= root * (ey - float(ex @ w_ls))
        if sw is None:
            m, log_w = lik.n_samples, 0.0
        else:
            pos = sw > 0
            m, log_w = int(pos.sum()), 0.5 * float(np.log(sw[pos]).sum())
        y_sd = float(np.sqrt(np.average((lik.y - y_mean) ** 2, weights=sw)))
        return cls(
            gram=Q, q=q, w_ls=w_ls, rss_min=float(r @ r), weight_sum=lik.weight_sum, n_obs=m,
            n_samples=lik.n_samples, log_weight_term=log_w - 0.5 * m * _LOG_2PI,
            X_offset=x_mean, y_mean=y_mean, y_sd=y_sd, fit_intercept=lik.fit_intercept,
        )

    @classmethod
    def from_arrays(
        cls, X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True
    ) -> SufficientStatistics:
        """The statistics of in-memory arrays (validated as :func:`bayesreg.map_estimate` does).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        fit_intercept : bool, default=True
            Centre (the model has an unpenalised intercept); fits from these statistics
            must use the same value.

        Examples
        --------
        >>> import numpy as np
        >>> from bayesreg import SufficientStatistics
        >>> rng = np.random.default_rng(0)
        >>> X, y = rng.normal(size=(100, 3)), rng.normal(size=100)
        >>> whole = SufficientStatistics.from_arrays(X, y)
        >>> parts = SufficientStatistics.from_arrays(X[:40], y[:40]).combine(
        ...     SufficientStatistics.from_arrays(X[40:], y[40:]))
        >>> bool(np.allclose(parts.gram, whole.gram, rtol=1e-12))
        True
        """
        from bayesreg._validation import check_X_y, feature_names
        from bayesreg.dask import is_dask_collection

        if is_dask_collection(X, y, sample_weight):
            raise TypeError(
                "from_arrays takes in-memory arrays; summarise Dask collections with "
                "SufficientStatistics.from_dask (one pass, never gathering the rows)"
            )
        Xa, ya, sw = check_X_y(X, y, sample_weight)
        stats = cls.from_datafit(GaussianDatafit(Xa, ya, sw, bool(fit_intercept)))
        return replace(stats, feature_names=feature_names(X))

    @classmethod
    def from_sparse(
        cls, X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True
    ) -> SufficientStatistics:
        r"""The statistics of a scipy.sparse design, from sparse products (``X`` is never densified).

        With :math:`s` the weights, :math:`S = \sum_i s_i`, :math:`\bar x = X^\top s/S` and
        :math:`\bar y = s^\top y/S` (zeros without an intercept), centring is implicit,
        as scikit-learn does for sparse input:

        .. math::

            Q = X^\top\!\operatorname{diag}(s)X - S\,\bar x\bar x^\top, \qquad
            q = X^\top\big(s\odot(y - \bar y)\big),

        and :math:`R_0 = \sum_i s_i\big(y_i - \bar y - (x_i - \bar x)^\top\hat w\big)^2` from
        one sparse product :math:`X\hat w`. Cost :math:`O(\mathrm{nnz}\cdot p)` and :math:`O(p^2)`
        memory: the dense :math:`Q` bounds the number of features this serves.
        """
        from scipy import sparse

        from bayesreg._validation import check_sample_weight, check_y

        if not sparse.issparse(X):
            raise TypeError(f"from_sparse takes a scipy.sparse matrix or array, got {type(X).__name__}")
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must be a non-empty 2-D sparse matrix, got shape {X.shape}")
        X = sparse.csr_array(X, dtype=np.float64)
        if not np.isfinite(X.data).all():
            raise ValueError("X contains NaN or infinite values")
        n, p = X.shape
        ya = check_y(y, n)
        sw = check_sample_weight(sample_weight, n)
        s = np.ones(n) if sw is None else sw
        S = float(s.sum())
        if fit_intercept:
            x_mean = np.asarray(X.T @ s).ravel() / S
            y_mean = float(s @ ya) / S
        else:
            x_mean, y_mean = np.zeros(p), 0.0
        Xs = X.multiply(s[:, None]) if sw is not None else X
        Q = np.asarray((Xs.T @ X).toarray()) - S * np.outer(x_mean, x_mean)
        Q = 0.5 * (Q + Q.T)
        yc = ya - y_mean
        q = np.asarray(X.T @ (s * yc)).ravel()
        w_ls = _least_squares(Q, q)
        r = yc - (np.asarray(X @ w_ls).ravel() - float(x_mean @ w_ls))
        pos = s > 0
        m = int(pos.sum())
        log_w = 0.0 if sw is None else 0.5 * float(np.log(s[pos]).sum())
        mean_all = float(s @ ya) / S
        y_sd = float(np.sqrt(s @ (ya - mean_all) ** 2 / S))
        return cls(
            gram=Q, q=q, w_ls=w_ls, rss_min=float(s @ r**2), weight_sum=S, n_obs=m, n_samples=n,
            log_weight_term=log_w - 0.5 * m * _LOG_2PI, X_offset=x_mean,
            y_mean=mean_all, y_sd=y_sd, fit_intercept=bool(fit_intercept),
        )

    @classmethod
    def from_dask(
        cls, X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True, *,
        split_every: int = 8,
    ) -> SufficientStatistics:
        """The statistics of Dask collections, in one pass on the active scheduler.

        See :func:`bayesreg.dask.sufficient_statistics` (same arguments).
        """
        from bayesreg.dask import sufficient_statistics

        return sufficient_statistics(
            X, y, sample_weight, fit_intercept, split_every=split_every
        )

    @classmethod
    def empty(cls, n_features: int, fit_intercept: bool, n_samples: int = 0) -> SufficientStatistics:
        """The statistics of no rows of positive weight: the identity of :meth:`combine`."""
        z = np.zeros(n_features)
        return cls(
            gram=np.zeros((n_features, n_features)), q=z, w_ls=z, rss_min=0.0, weight_sum=0.0,
            n_obs=0, n_samples=int(n_samples), log_weight_term=0.0, X_offset=z, y_mean=0.0,
            y_sd=0.0, fit_intercept=bool(fit_intercept),
        )

    def combine(self, *others: SufficientStatistics) -> SufficientStatistics:
        """The statistics of the rows of ``self`` and of every one of ``others`` together.

        Pairwise, in a balanced tree (see the class docstring for the update); the result
        equals the statistics of the stacked rows up to rounding.
        """
        parts = [self, *others]
        while len(parts) > 1:
            parts = [
                _combine_pair(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
                for i in range(0, len(parts), 2)
            ]
        return parts[0]

    # -------------------------------------------------------------- reading
    @property
    def n_features(self) -> int:
        return self.gram.shape[0]

    @property
    def y_offset(self) -> float:
        r""":math:`\bar y` (0 without an intercept)."""
        return self.y_mean if self.fit_intercept else 0.0

    @property
    def y_scale(self) -> float:
        """The scale of the default σ prior: ``y_sd``, or 1 for a constant ``y``."""
        return self.y_sd if self.y_sd > 0 else 1.0

    def rss(self, w: np.ndarray) -> float:
        r""":math:`\lVert b_c - Aw\rVert^2 = R_0 + (w-\hat w)^\top Q (w-\hat w)` (intercept
        profiled out), as a sum of non-negative terms."""
        d = np.asarray(w, dtype=float) - self.w_ls
        return float(self.rss_min + max(float(d @ self.gram @ d), 0.0))

    def log_likelihood(self, w: np.ndarray, a: float, sigma: float) -> float:
        """The total log-likelihood at one point (numpy; the model builds the same in PyTensor)."""
        rss = self.rss(w) + self.weight_sum * a * a
        return float(-0.5 * rss / sigma**2 - self.n_obs * np.log(sigma) + self.log_weight_term)

    def design_root(self) -> tuple[np.ndarray, np.ndarray]:
        r"""``(R, r)``: :math:`p + 1` pseudo-rows with the same least-squares problem.

        :math:`R^\top R = Q`, :math:`R^\top r = q` and
        :math:`\lVert r - Rw\rVert^2 = R_0 + (w-\hat w)^\top Q (w-\hat w) = \lVert b_c - Aw\rVert^2`
        for every :math:`w`: with :math:`D = \operatorname{diag}(Q)^{1/2}` and any root
        :math:`E^\top E = D^{-1}QD^{-1}` (Cholesky, or the eigen-root when that fails on a
        singular :math:`Q`), :math:`R = \big[E D;\ 0\big]` and
        :math:`r = \big[ED\hat w;\ \sqrt{R_0}\big]`. :math:`O(p^3)`.
        """
        from scipy import linalg

        p = self.n_features
        d = np.sqrt(np.diag(self.gram))
        d = np.where(d > 0, d, 1.0)
        M = self.gram / np.outer(d, d)
        try:
            E = linalg.cholesky(M, lower=False, check_finite=False)
        except linalg.LinAlgError:
            mu, V = np.linalg.eigh(M)
            E = np.sqrt(np.maximum(mu, 0.0))[:, None] * V.T
        E = E * d[None, :]
        R = np.vstack([E, np.zeros((1, p))])
        r = np.append(E @ self.w_ls, np.sqrt(max(self.rss_min, 0.0)))
        return R, r

    def check_fit_arguments(self, y: Any, sample_weight: Any, fit_intercept: bool) -> None:
        """Refuse arguments that a fit from these statistics cannot honour."""
        if y is not None or sample_weight is not None:
            raise ValueError(
                "a fit from SufficientStatistics takes y=None and sample_weight=None: "
                "the target and the weights are already in the statistics"
            )
        if bool(fit_intercept) != self.fit_intercept:
            raise ValueError(
                f"these statistics were computed with fit_intercept={self.fit_intercept}; "
                f"pass fit_intercept={self.fit_intercept} (or recompute them)"
            )


def _combine_pair(a: SufficientStatistics, b: SufficientStatistics) -> SufficientStatistics:
    """Statistics of the union of two sets of rows (see :class:`SufficientStatistics`)."""
    if a.n_features != b.n_features or a.fit_intercept != b.fit_intercept:
        raise ValueError(
            "cannot combine statistics of different designs: "
            f"{a.n_features} vs {b.n_features} features, "
            f"fit_intercept={a.fit_intercept} vs {b.fit_intercept}"
        )
    names = a.feature_names if a.feature_names is not None else b.feature_names
    if (
        a.feature_names is not None and b.feature_names is not None
        and not np.array_equal(a.feature_names, b.feature_names)
    ):
        raise ValueError("cannot combine statistics with different feature names")
    n_samples = a.n_samples + b.n_samples
    if a.weight_sum == 0 or b.weight_sum == 0:
        kept = b if a.weight_sum == 0 else a
        return replace(kept, n_samples=n_samples, feature_names=names)
    S = a.weight_sum + b.weight_sum
    f = b.weight_sum / S
    c = a.weight_sum * f  # S_1 S_2 / S
    dy = b.y_mean - a.y_mean
    Q = a.gram + b.gram
    q = a.q + b.q
    x_mean = a.X_offset
    if a.fit_intercept:
        dx = b.X_offset - a.X_offset
        Q = Q + c * np.outer(dx, dx)
        q = q + (c * dy) * dx
        x_mean = a.X_offset + f * dx
    w = _least_squares(Q, q)
    da, db = w - a.w_ls, w - b.w_ls
    rss = (
        a.rss_min + max(float(da @ a.gram @ da), 0.0)
        + b.rss_min + max(float(db @ b.gram @ db), 0.0)
    )
    if a.fit_intercept:
        rss += c * (dy - float(dx @ w)) ** 2
    y_var = (a.weight_sum * a.y_sd**2 + b.weight_sum * b.y_sd**2 + c * dy * dy) / S
    return SufficientStatistics(
        gram=Q, q=q, w_ls=w, rss_min=float(rss), weight_sum=S, n_obs=a.n_obs + b.n_obs,
        n_samples=n_samples, log_weight_term=a.log_weight_term + b.log_weight_term,
        X_offset=x_mean, y_mean=a.y_mean + f * dy, y_sd=float(np.sqrt(y_var)),
        fit_intercept=a.fit_intercept, feature_names=names,
    )


class SummarisedGaussianDatafit(GaussianDatafit):
    r"""The Gaussian datafit of rows known only through their :class:`SufficientStatistics`.

    Everything a MAP solver, a regularisation path and the sampler read is exact:
    :math:`Q`, :math:`q`, the offsets and the intercept, :math:`S`, :math:`m`, and
    :meth:`half_rss` in the stable form :math:`\tfrac12\big(R_0 + (w-\hat w)^\top Q(w-\hat w)\big)`.
    The Gram matrix is always held (``has_gram`` is True), so the solvers never read
    rows; ``A`` and ``b`` are the :math:`p+1` pseudo-rows of
    :meth:`SufficientStatistics.design_root` (the same least-squares problem, formed on
    first use). ``X``, ``y`` and ``sample_weight`` are None, and what needs every row
    (:meth:`pointwise_log_likelihood`) raises instead of guessing.

    Parameters
    ----------
    statistics : SufficientStatistics
    equilibrate : bool, default=False
        As for :class:`GaussianDatafit`: scaled coordinates :math:`u = Dw`,
        :math:`d_j = \sqrt{Q_{jj}}` (1 for a constant column).
    """

    def __init__(self, statistics: SufficientStatistics, *, equilibrate: bool = False) -> None:
        if not isinstance(statistics, SufficientStatistics):
            raise TypeError(f"expected SufficientStatistics, got {type(statistics).__name__}")
        if not statistics.weight_sum > 0:
            raise ValueError("the statistics hold no row of positive weight")
        super().__init__(  # no rows: X, y and the weights are None
            None, None, None, statistics.fit_intercept, equilibrate=equilibrate  # type: ignore[arg-type]
        )
        self._statistics = statistics
        d = self.column_scale
        self._gram = statistics.gram / np.outer(d, d) if self.equilibrate else statistics.gram

    def __repr__(self) -> str:
        st = self._statistics
        return (
            f"{type(self).__name__}(n_samples={st.n_samples}, n_features={st.n_features}, "
            f"fit_intercept={self.fit_intercept})"
        )

    @property
    def n_samples(self) -> int:
        return self._statistics.n_samples

    @property
    def n_features(self) -> int:
        return self._statistics.n_features

    @property
    def weight_sum(self) -> float:  # type: ignore[override]
        return self._statistics.weight_sum

    @property
    def n_effective(self) -> int:  # type: ignore[override]
        return self._statistics.n_obs

    @property
    def statistics(self) -> SufficientStatistics:
        """The statistics this datafit was built from (in the original coordinates)."""
        return self._statistics

    @cached_property
    def _offsets(self) -> tuple[np.ndarray, float]:
        return self._statistics.X_offset, self._statistics.y_offset

    @cached_property
    def column_scale(self) -> np.ndarray:  # type: ignore[override]
        r""":math:`d_j = \sqrt{Q_{jj}}` when ``equilibrate`` (1 for a constant column), else ones."""
        if not self.equilibrate:
            return np.ones(self.n_features)
        d = np.sqrt(np.diag(self._statistics.gram))
        return np.where(d > 0, d, 1.0)

    @cached_property
    def _whitened(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        R, r = self._statistics.design_root()
        d = self.column_scale
        return (R / d if self.equilibrate else R), r, d

    @cached_property
    def q(self) -> np.ndarray:  # type: ignore[override]
        q = self._statistics.q
        return q / self.column_scale if self.equilibrate else q

    @property
    def y_scale(self) -> float:
        """The statistics' weighted standard deviation of ``y``."""
        return self._statistics.y_scale

    def half_rss(self, w: np.ndarray) -> float:
        r""":math:`\tfrac12\big(R_0 + (w-\hat w)^\top Q (w-\hat w)\big)`, ``w`` in this
        datafit's coordinates."""
        w = np.asarray(w, dtype=float)
        return 0.5 * self._statistics.rss(w / self.column_scale if self.equilibrate else w)

    def pointwise_log_likelihood(
        self, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray | None, **kw: Any
    ) -> np.ndarray:
        """Refused: it needs every row (see :func:`bayesreg.dask.pointwise_log_likelihood`)."""
        raise ValueError(
            "the pointwise log-likelihood needs every row, and this datafit holds only "
            "sufficient statistics; compute it lazily, block by block, from the Dask "
            "collections with bayesreg.dask.pointwise_log_likelihood"
        )


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
