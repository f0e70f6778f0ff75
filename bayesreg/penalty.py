r"""The penalty a prior puts on the coefficients, in the one scale all solvers share.

Every MAP problem in bayesreg is written in *σ²-units*: multiply the negative log
posterior of the linear-Gaussian model by :math:`\sigma^2` and drop constants,

.. math::

    \hat w = \arg\min_w \; \tfrac12 \sum_i s_i (y_i - b - x_i^\top w)^2
             \;+\; \lambda_1 \lVert w\rVert_1 \;+\; \tfrac{\lambda_2}{2} \lVert w\rVert_2^2 ,

with sample weights :math:`s_i` (all 1 by default). A prior with density
:math:`p(w_j) \propto \exp(-|w_j|/b_1 - w_j^2/(2\tau^2))` contributes

.. math::

    \lambda_1 = \sigma^2 / b_1, \qquad \lambda_2 = \sigma^2/\tau^2 .

:class:`Penalty` holds :math:`(\lambda_1, \lambda_2)` and translates them into every
penalty convention users meet. With :math:`S = \sum_i s_i` (``n_samples`` when unweighted):

==========================  ==============================================================
convention                  objective and mapping
==========================  ==============================================================
``Ridge(alpha)``            :math:`\lVert y-Xw\rVert_s^2 + \alpha\lVert w\rVert_2^2`;
                            :math:`\alpha = \lambda_2` (no :math:`S`: Ridge sums the loss)
``Lasso(alpha)``            :math:`\frac{1}{2S}\lVert y-Xw\rVert_s^2 + \alpha\lVert w\rVert_1`;
                            :math:`\alpha = \lambda_1 / S`
``ElasticNet(alpha, r)``    :math:`\frac{1}{2S}\lVert y-Xw\rVert_s^2 + \alpha r\lVert w\rVert_1
                            + \frac{\alpha(1-r)}{2}\lVert w\rVert_2^2`;
                            :math:`\alpha = (\lambda_1+\lambda_2)/S`,
                            :math:`r = \lambda_1/(\lambda_1+\lambda_2)`
glmnet ``(lambda, alpha,    :math:`\frac{1}{2S}\lVert y-Xw\rVert_s^2 + \lambda\sum_j f_j
penalty.factor)``           \big[\frac{1-\alpha}{2 s_y}\xi_j^2w_j^2 + \alpha\,\xi_j|w_j|\big]`:
                            :math:`s_y` the scale glmnet divides ``lambda`` by, :math:`\xi_j`
                            the column sd (``standardize=TRUE``) or 1, :math:`\sum_j f_j = p`;
                            see :meth:`Penalty.to_glmnet`
``C``                       :math:`C \sum_i s_i r_i^2 + \tfrac12\lVert w\rVert_2^2` (L2) or
                            :math:`C \sum_i s_i r_i^2 + \lVert w\rVert_1` (L1);
                            :math:`C = 1/(2\lambda_2)` or :math:`C = 1/(2\lambda_1)`
==========================  ==============================================================

**Families without a noise scale** (Bernoulli, Poisson: dispersion 1) write the same
penalty in the units of the negative log posterior itself,
:math:`\sum_i s_i\ell_i + \lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert^2`
with :math:`\lambda_1 = 1/b_1`, :math:`\lambda_2 = 1/\tau^2` (a prior's penalty at σ = 1),
and :math:`\ell_i` the log-loss or the half Poisson deviance (``family=`` below):

==================================  ======================================================
convention                          objective and mapping
==================================  ======================================================
``LogisticRegression(C, l1_ratio)`` :math:`C\sum_i s_i\ell_i + r\lVert w\rVert_1
                                    + \frac{1-r}{2}\lVert w\rVert_2^2`;
                                    :math:`C = 1/(\lambda_1+\lambda_2)`,
                                    :math:`r = \lambda_1/(\lambda_1+\lambda_2)`
                                    (no :math:`S`: the loss is summed)
``PoissonRegressor(alpha)``         :math:`\frac1S\sum_i s_i\ell_i + \frac{\alpha}{2}\lVert w\rVert_2^2`;
                                    :math:`\alpha = \lambda_2/S` (L2 only)
glmnet binomial/poisson             :math:`\frac1S\sum_i s_i\ell_i + \lambda\big[\frac{1-\alpha}{2}
``(lambda, alpha)``                 \lVert w\rVert^2 + \alpha\lVert w\rVert_1\big]`: the same
                                    formulas as the Gaussian family's
==================================  ======================================================

**Per-coefficient penalties.** :math:`\lambda_1` and :math:`\lambda_2` may each be one
weight per coefficient, :math:`\sum_j \lambda_{1j}|w_j| + \tfrac12\sum_j\lambda_{2j}w_j^2`:
the penalty of a prior with one scale per coefficient (``Laplace(scale=[...])``), a zero
weight leaving that coefficient unpenalised. scikit-learn has no such penalty; glmnet's
``penalty.factor`` and ``standardize=TRUE`` are one.

The derivations are in ``docs/converters.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg._validation import check_nonnegative, check_positive, check_weights, value_key

__all__ = ["Penalty"]


@dataclass(frozen=True)
class Penalty:
    r"""Penalty :math:`\lambda_1\lVert w\rVert_1 + \frac{\lambda_2}{2}\lVert w\rVert_2^2` in σ²-units.

    Parameters
    ----------
    l1 : float or ndarray of shape (n_features,)
        :math:`\lambda_1 \ge 0`, the L1 weight (``σ²/b`` for a Laplace scale ``b``), or
        one per coefficient (:math:`\sum_j\lambda_{1j}|w_j|`; 0 leaves it unpenalised).
    l2 : float or ndarray of shape (n_features,)
        :math:`\lambda_2 \ge 0`, the L2 weight (``σ²/τ²`` for a Gaussian sd ``τ``), or one
        per coefficient.
    """

    l1: float | np.ndarray = 0.0
    l2: float | np.ndarray = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", check_weights("l1", self.l1))
        object.__setattr__(self, "l2", check_weights("l2", self.l2))
        sizes = {np.size(v) for v in (self.l1, self.l2) if np.ndim(v)}
        if len(sizes) > 1:
            raise ValueError(f"l1 and l2 have different numbers of coefficients: {sorted(sizes)}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return value_key(self.l1) == value_key(other.l1) and value_key(self.l2) == value_key(other.l2)

    def __hash__(self) -> int:
        return hash((value_key(self.l1), value_key(self.l2)))

    # ------------------------------------------------------------------ maths
    def value(self, w: np.ndarray) -> float:
        r""":math:`\sum_j\lambda_{1j}|w_j| + \frac12\sum_j\lambda_{2j}w_j^2` (shared weights: the norms)."""
        w = np.asarray(w, dtype=float)
        return float(np.sum(self.l1 * np.abs(w)) + 0.5 * np.sum(self.l2 * (w * w)))

    def scaled(self, factor: float) -> Penalty:
        """Both weights multiplied by ``factor`` (a point on a regularisation path)."""
        return Penalty(self.l1 * factor, self.l2 * factor)

    @property
    def per_coefficient(self) -> bool:
        """Whether the weights are one per coefficient (arrays) rather than shared."""
        return bool(np.ndim(self.l1) or np.ndim(self.l2))

    @property
    def n_features(self) -> int | None:
        """The number of coefficients a per-coefficient penalty is for (None when shared)."""
        return next((int(np.size(v)) for v in (self.l1, self.l2) if np.ndim(v)), None)

    def shared(self) -> Penalty | None:
        """The same penalty with shared (scalar) weights, or None if the weights differ
        between coefficients."""
        if not self.per_coefficient:
            return self
        l1, l2 = np.ravel(self.l1), np.ravel(self.l2)
        if np.ptp(l1) == 0 and np.ptp(l2) == 0:
            return Penalty(float(l1[0]), float(l2[0]))
        return None

    def for_features(self, n_features: int) -> Penalty:
        """Itself, after checking that a per-coefficient penalty has ``n_features`` entries."""
        p = self.n_features
        if p is not None and p != n_features:
            raise ValueError(
                f"the prior has {p} per-coefficient scales but X has {n_features} features"
            )
        return self

    @cached_property
    def kind(self) -> str:
        """``"ridge"``, ``"lasso"``, ``"elasticnet"`` or ``"none"`` (per-coefficient: by which
        weights are positive for some coefficient)."""
        has_l1, has_l2 = bool(np.any(self.l1 > 0)), bool(np.any(self.l2 > 0))
        if has_l1 and has_l2:
            return "elasticnet"
        if has_l1:
            return "lasso"
        if has_l2:
            return "ridge"
        return "none"

    def _require_shared(self, what: str) -> Penalty:
        pen = self.shared()
        if pen is None:
            raise ValueError(
                f"{what} has one penalty strength for all coefficients; a per-coefficient "
                "penalty (one prior scale per coefficient) has none (glmnet's penalty.factor "
                "is one: see Penalty.to_glmnet)"
            )
        return pen

    # ------------------------------------------------------------ scikit-learn
    def to_sklearn(
        self, weight_sum: float | None, family: str = "gaussian"
    ) -> tuple[str, dict[str, float]]:
        """Name and penalty parameters of the equivalent scikit-learn estimator.

        Parameters
        ----------
        weight_sum : float or None
            :math:`S=\\sum_i s_i`: ``n_samples`` without sample weights. Only Lasso,
            ElasticNet and PoissonRegressor use it (they average the loss; Ridge and
            LogisticRegression sum it).
        family : str, default="gaussian"
            The likelihood (:data:`bayesreg.families.LIKELIHOOD_FAMILIES`); the penalty is
            in its dispersion units.

        Returns
        -------
        name : {"Ridge", "Lasso", "ElasticNet", "LinearRegression", "LogisticRegression", \
"PoissonRegressor"}
        params : dict
            ``{"alpha": ...}`` and, for ElasticNet, ``"l1_ratio"``; ``{"C": ..., "l1_ratio":
            ...}`` for LogisticRegression (``C=inf`` without a penalty).
        """
        from bayesreg.families import likelihood_family

        fam = likelihood_family(family)
        if self.per_coefficient:
            return self._require_shared("scikit-learn").to_sklearn(weight_sum, family)
        if fam.name != "gaussian":
            return self._to_sklearn_glm(weight_sum, fam)
        kind = self.kind
        if kind == "ridge":
            return "Ridge", {"alpha": self.l2}
        S = check_positive("weight_sum", weight_sum)
        if kind == "lasso":
            return "Lasso", {"alpha": self.l1 / S}
        if kind == "elasticnet":
            total = self.l1 + self.l2
            return "ElasticNet", {"alpha": total / S, "l1_ratio": self.l1 / total}
        return "LinearRegression", {}

    def _to_sklearn_glm(self, weight_sum: float | None, fam: Any) -> tuple[str, dict[str, float]]:
        """:meth:`to_sklearn` for a family without a noise scale (module docstring)."""
        name = fam.sklearn_name(self.kind) if self.kind != "none" else fam.sklearn_name("ridge")
        if name is None:
            twins = ", ".join(f"{k}: {v}" for k, v in fam.sklearn.items()) or "none"
            raise ValueError(
                f"scikit-learn has no {fam.name} estimator with a {self.kind} penalty "
                f"(its {fam.name} estimators: {twins}); glmnet_params gives glmnet's "
                "(lambda, alpha)"
            )
        total = self.l1 + self.l2
        if name == "LogisticRegression":
            if total == 0:
                return name, {"C": np.inf, "l1_ratio": 0.0}
            return name, {"C": 1.0 / total, "l1_ratio": self.l1 / total}
        if name == "PoissonRegressor":
            S = check_positive("weight_sum", weight_sum)
            return name, {"alpha": self.l2 / S}
        raise ValueError(f"no conversion to scikit-learn's {name}")  # pragma: no cover

    @classmethod
    def from_sklearn(
        cls, name: str, params: dict[str, Any], weight_sum: float | None = None
    ) -> Penalty:
        """Inverse of :meth:`to_sklearn`.

        ``name`` is ``"Ridge"``, ``"Lasso"``, ``"ElasticNet"``, ``"LogisticRegression"`` or
        ``"PoissonRegressor"`` (case-insensitive); ``params`` holds ``alpha`` (and
        ``l1_ratio`` for ElasticNet, default 0.5 as in scikit-learn), or LogisticRegression's
        ``C`` and ``l1_ratio`` (or its older ``penalty=`` spelling: ``"l2"``, ``"l1"``,
        ``"elasticnet"`` with ``l1_ratio``, None for no penalty). ``weight_sum`` is needed
        for Lasso, ElasticNet and PoissonRegressor.
        """
        key = str(name).lower()
        if key == "logisticregression":
            return cls._from_logistic(params)
        alpha = check_nonnegative("alpha", params.get("alpha", 1.0))
        if key == "ridge":
            return cls(0.0, alpha)
        if key not in ("lasso", "elasticnet", "poissonregressor"):
            raise ValueError(
                f"unknown scikit-learn estimator {name!r}; expected Ridge, Lasso, ElasticNet, "
                "LogisticRegression or PoissonRegressor"
            )
        if weight_sum is None:
            raise ValueError(f"{name} averages its loss: weight_sum (n_samples) is required")
        S = check_positive("weight_sum", weight_sum)
        if key == "poissonregressor":
            return cls(0.0, alpha * S)
        ratio = 1.0 if key == "lasso" else params.get("l1_ratio", 0.5)
        ratio = check_nonnegative("l1_ratio", ratio)
        if ratio > 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {ratio!r}")
        return cls(alpha * S * ratio, alpha * S * (1.0 - ratio))

    @classmethod
    def _from_logistic(cls, params: dict[str, Any]) -> Penalty:
        """LogisticRegression's ``(C, l1_ratio)``, or its pre-1.8 ``penalty=`` spelling."""
        C = params.get("C", 1.0)
        if isinstance(C, bool) or not isinstance(C, (int, float, np.floating, np.integer)):
            raise TypeError(f"C must be a real number, got {C!r}")
        C = float(C)
        if not C > 0:
            raise ValueError(f"C must be > 0 (np.inf for no penalty), got {C!r}")
        penalty = params.get("penalty", "deprecated")
        l1_ratio = params.get("l1_ratio")
        if penalty == "deprecated":  # scikit-learn >= 1.8: the penalty is l1_ratio and C
            ratio = 0.0 if l1_ratio is None else l1_ratio
        elif penalty in (None, "none"):
            return cls(0.0, 0.0)
        elif penalty == "l2":
            ratio = 0.0
        elif penalty == "l1":
            ratio = 1.0
        elif penalty == "elasticnet":
            if l1_ratio is None:
                raise ValueError("penalty='elasticnet' needs l1_ratio")
            ratio = l1_ratio
        else:
            raise ValueError(
                f"unknown LogisticRegression penalty {penalty!r}; expected 'l2', 'l1', "
                "'elasticnet' or None"
            )
        ratio = check_nonnegative("l1_ratio", ratio)
        if ratio > 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {ratio!r}")
        if np.isinf(C):
            return cls(0.0, 0.0)
        return cls(ratio / C, (1.0 - ratio) / C)

    # ------------------------------------------------------------------ glmnet
    def to_glmnet(self, weight_sum: float, *, y_scale: float = 1.0) -> tuple[float, float]:
        r"""glmnet's ``(lambda, alpha)`` with ``standardize=FALSE`` and no ``penalty.factor``.

        glmnet's Gaussian family fits :math:`y/s_y` and divides every user-supplied
        ``lambda`` by :math:`s_y` (``y_scale``: the weighted 1/N sd of ``y`` with an
        intercept, its weighted root mean square without one;
        :func:`bayesreg.convert.glmnet_params` computes it), so in the original units it
        minimises :math:`\frac{1}{2S}\mathrm{RSS}_s + \lambda\big[\frac{1-\alpha}{2s_y}\lVert
        w\rVert^2 + \alpha\lVert w\rVert_1\big]`: ``lambda = (l1 + s_y l2)/S``,
        ``alpha = l1/(l1 + s_y l2)``. The L1 part is unaffected by :math:`s_y`; the L2 part
        is. :meth:`to_glmnet_factors` is the general form (per-coefficient penalties,
        ``standardize=TRUE``).

        The binomial and Poisson families minimise ``-loglik/S + lambda * (...)`` on the
        unscaled response (:math:`s_y = 1`), which is ``1/S`` times the dispersion-1
        objective: the same formulas, with the penalty at σ = 1.
        """
        pen = self.shared()
        if pen is None:
            raise ValueError(
                "a per-coefficient penalty is glmnet's (lambda, alpha) with a penalty.factor: "
                "use to_glmnet_factors"
            )
        if pen.kind == "none":
            check_positive("weight_sum", weight_sum)
            return 0.0, 1.0
        lam, alpha, _ = pen.to_glmnet_factors(weight_sum, y_scale=y_scale, n_features=1)
        return lam, alpha

    def to_glmnet_factors(
        self, weight_sum: float, *, y_scale: float = 1.0, x_scale: Any = None,
        n_features: int | None = None,
    ) -> tuple[float, float, np.ndarray]:
        r"""glmnet's ``(lambda, alpha, penalty.factor)`` for this penalty.

        glmnet rescales the weights to sum to :math:`N`, the penalty factors :math:`f_j` to
        sum to :math:`p`, fits the standardised response :math:`y/s_y` with
        :math:`\lambda/s_y`, and (``standardize=TRUE``) penalises the coefficients of the
        columns divided by their weighted 1/N sd :math:`\xi_j` (``x_scale``; 1 without
        standardisation). Mapped back to the original units its objective is, times
        :math:`S = \sum_i s_i`,

        .. math::

            \tfrac12\sum_i s_i r_i^2 + \sum_j \lambda_{1j}|w_j| + \tfrac12\sum_j\lambda_{2j}w_j^2,
            \qquad \lambda_{1j} = S\lambda\alpha f_j\xi_j,\quad
            \lambda_{2j} = S\lambda(1-\alpha) f_j\xi_j^2/s_y .

        Inverting: with :math:`t_j = \lambda_{1j}/\xi_j`, :math:`u_j = s_y\lambda_{2j}/\xi_j^2`,
        :math:`T = \sum_j t_j`, :math:`U = \sum_j u_j`: :math:`\lambda = (T+U)/(Sp)`,
        :math:`\alpha = T/(T+U)`, :math:`f_j = p\,(t_j+u_j)/(T+U)`. This needs
        :math:`t_j/(t_j+u_j) = \alpha` for every penalised coefficient (glmnet's factor
        multiplies a coefficient's L1 and L2 terms alike); a ValueError says when it fails.

        Parameters
        ----------
        weight_sum : float
            :math:`S`.
        y_scale : float, default=1
            :math:`s_y` (Gaussian family; 1 for the others).
        x_scale : array-like of shape (n_features,), optional
            :math:`\xi_j` for ``standardize=TRUE``.
        n_features : int, optional
            :math:`p`, needed for a penalty with shared weights and no ``x_scale``.
        """
        S = check_positive("weight_sum", weight_sum)
        ys = check_positive("y_scale", y_scale)
        p = self.n_features
        if x_scale is not None:
            xs = np.asarray(x_scale, dtype=float).ravel()
            p = xs.size if p is None else p
            if xs.size != p:
                raise ValueError(f"x_scale has {xs.size} entries for a penalty of {p} coefficients")
            if not (np.isfinite(xs).all() and (xs > 0).all()):
                j = int(np.flatnonzero(~(np.isfinite(xs) & (xs > 0)))[0])
                raise ValueError(
                    f"column {j} has standard deviation {xs[j]!r}: glmnet (standardize=TRUE) "
                    "drops constant columns, so no penalty.factor describes it"
                )
        else:
            p = p if p is not None else n_features
            if p is None:
                raise ValueError("n_features is required for a penalty with shared weights")
            xs = np.ones(p)
        l1 = np.broadcast_to(np.asarray(self.l1, dtype=float), (p,))
        l2 = np.broadcast_to(np.asarray(self.l2, dtype=float), (p,))
        t, u = l1 / xs, (ys * l2 / xs) / xs
        T, U = float(t.sum()), float(u.sum())
        if not T + U > 0:
            raise ValueError("an all-zero penalty (flat prior) has no glmnet lambda")
        alpha = T / (T + U)
        tu = t + u
        off = np.abs(t - alpha * tu) > 1e-12 * tu
        if off.any():
            j = int(np.flatnonzero(off)[0])
            raise ValueError(
                "glmnet's penalty.factor multiplies a coefficient's L1 and L2 terms alike, so "
                f"it cannot give these per-coefficient scales: their L1 share is {alpha:.6g} "
                f"overall but {t[j] / tu[j]:.6g} for coefficient {j}"
            )
        return (T + U) / (S * p), alpha, p * tu / (T + U)

    @classmethod
    def from_glmnet(
        cls, lam: float, alpha: float, weight_sum: float, *, y_scale: float = 1.0,
        penalty_factor: Any = None, x_scale: Any = None,
    ) -> Penalty:
        """Inverse of :meth:`to_glmnet` and :meth:`to_glmnet_factors`.

        ``penalty_factor`` is glmnet's (any non-negative values, not all zero; rescaled to
        sum to the number of coefficients, as glmnet does), ``x_scale`` the column sds
        for ``standardize=TRUE``; with either, the penalty is per coefficient.
        """
        lam = check_nonnegative("lambda", lam)
        alpha = check_nonnegative("alpha", alpha)
        if alpha > 1:
            raise ValueError(f"glmnet alpha must be in [0, 1], got {alpha!r}")
        S = check_positive("weight_sum", weight_sum)
        ys = check_positive("y_scale", y_scale)
        if penalty_factor is None and x_scale is None:
            return cls(lam * S * alpha, lam * S * (1.0 - alpha) / ys)
        f = None if penalty_factor is None else check_weights("penalty_factor", np.ravel(penalty_factor))
        xs = None if x_scale is None else check_weights("x_scale", np.ravel(x_scale))
        p = (f if f is not None else xs).size
        if f is None:
            f = np.ones(p)
        elif not f.sum() > 0:
            raise ValueError("penalty_factor is all zero: glmnet needs some penalised coefficient")
        if xs is None:
            xs = np.ones(p)
        if f.size != xs.size:
            raise ValueError(f"penalty_factor has {f.size} entries but x_scale has {xs.size}")
        f = f * (p / f.sum())
        return cls(S * lam * alpha * f * xs, S * lam * (1.0 - alpha) * f * xs * (xs / ys))

    # ----------------------------------------------------------------------- C
    def to_C(self) -> float:
        r"""Inverse-penalty ``C`` of :math:`C\sum_i s_i r_i^2 + \mathrm{pen}(w)`.

        For a pure L2 penalty the unit penalty is :math:`\frac12\lVert w\rVert^2`
        (as in :class:`sklearn.svm.LinearSVR` with ``loss="squared_epsilon_insensitive"``):
        :math:`C = 1/(2\lambda_2)`. For a pure L1 penalty it is :math:`\lVert w\rVert_1`:
        :math:`C = 1/(2\lambda_1)`. An elastic net has no single ``C``.
        """
        pen = self._require_shared("C")
        kind = pen.kind
        if kind == "ridge":
            return 1.0 / (2.0 * pen.l2)
        if kind == "lasso":
            return 1.0 / (2.0 * pen.l1)
        raise ValueError(f"a {kind} penalty has no single C; use to_sklearn or to_glmnet")

    @classmethod
    def from_C(cls, C: float, kind: str = "l2") -> Penalty:
        """Inverse of :meth:`to_C`; ``kind`` is ``"l2"`` or ``"l1"``."""
        C = check_positive("C", C)
        if kind == "l2":
            return cls(0.0, 1.0 / (2.0 * C))
        if kind == "l1":
            return cls(1.0 / (2.0 * C), 0.0)
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
