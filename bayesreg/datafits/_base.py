r"""The datafit interface: one small class per likelihood (skglm's word for it).

A datafit is the likelihood side of a model, :math:`p(y \mid \eta)` with the linear
predictor :math:`\eta = b + Xw` and a link. Everything the rest of bayesreg needs to
know about a likelihood is one method here:

==================================  ==========================================================
method / attribute                  used by
==================================  ==========================================================
:attr:`Datafit.family`              the family registry (:mod:`bayesreg.families`)
:meth:`Datafit.dispersion`          the penalty's units: the MAP objective is
                                    :math:`\phi\,(-\log p(y\mid w,b)) + \mathrm{pen}(w)`,
                                    :math:`\phi = \sigma^2` (Gaussian) or 1
:meth:`Datafit.value`,              the MAP solvers and the KKT certificate
:meth:`Datafit.gradient`
:meth:`Datafit.quadratic`           a quadratic model at a point (IRLS weights and working
                                    response, as a :class:`~bayesreg.datafits.GaussianDatafit`
                                    with :math:`\sigma = 1`); exact for the Gaussian, the inner
                                    problem of the proximal-Newton solver otherwise
:meth:`Datafit.lambda_max`          the L1 weight above which :math:`w = 0` is the MAP
:meth:`Datafit.pymc_data`,          the PyMC model (:mod:`bayesreg.mcmc.model`)
:meth:`Datafit.pymc_loglik`,
:meth:`Datafit.pymc_structure`
:meth:`Datafit.pointwise_log_likelihood`  LOO / WAIC after sampling
:meth:`Datafit.mean`,               :func:`bayesreg.predict_posterior`
:meth:`Datafit.predictive_draws`
==================================  ==========================================================

Solvers and sampler backends state what they need from a datafit (a tuple of attribute
names, as skglm's ``_datafit_required_attr``) and refuse one that lacks it, through
:func:`require`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

__all__ = ["Datafit", "require"]


class Datafit(ABC):
    """Base class of likelihoods of a linear predictor :math:`\\eta = b + Xw`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated float64 design.
    y : ndarray of shape (n_samples,)
        Validated target (in the family's coding).
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative multipliers of each observation's log-likelihood (scikit-learn's
        meaning: weight 2 counts as two identical observations).
    fit_intercept : bool
        Whether the unpenalised, flat-prior intercept :math:`b` is estimated.
    """

    #: the family name in :mod:`bayesreg.families` ("gaussian", "bernoulli", "poisson")
    family: ClassVar[str]
    #: whether the likelihood has a noise scale σ (dispersion σ²); False means φ = 1
    has_noise_scale: ClassVar[bool] = False

    def __init__(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
        fit_intercept: bool = True,
    ) -> None:
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.fit_intercept = bool(fit_intercept)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_samples={self.n_samples}, n_features={self.n_features}, "
            f"weighted={self.sample_weight is not None}, fit_intercept={self.fit_intercept})"
        )

    # ------------------------------------------------------------------ sizes
    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def weight_sum(self) -> float:
        r""":math:`S = \sum_i s_i` (``n_samples`` without weights): the ``n`` of
        scikit-learn's and glmnet's averaged objectives."""
        if self.sample_weight is None:
            return float(self.n_samples)
        return float(self.sample_weight.sum())

    # ----------------------------------------------------------------- units
    @abstractmethod
    def dispersion(self, sigma: float | None) -> float:
        r"""The factor :math:`\phi` that puts the MAP objective in the penalty's units.

        The MAP minimises :math:`\phi\,(-\log p(y\mid w, b)) - \phi \sum_j\log p(w_j)`:
        :math:`\phi=\sigma^2` for the Gaussian (so the data term is :math:`\frac12\mathrm{RSS}`
        and a Gaussian prior contributes :math:`\lambda_2 = \sigma^2/\tau^2`), and 1 for
        families without a noise scale. ``sigma`` must be None for those.
        """

    # -------------------------------------------------------------- MAP side
    @abstractmethod
    def value(self, w: np.ndarray, b: float | None = None) -> float:
        r""":math:`\phi\,(-\log p(y\mid w, b))` up to a constant; ``b=None`` uses the
        optimal intercept for ``w`` (0 without one)."""

    @abstractmethod
    def gradient(self, w: np.ndarray, b: float | None = None) -> np.ndarray:
        """Gradient of :meth:`value` with respect to ``w`` (intercept profiled out when
        ``b`` is None)."""

    @abstractmethod
    def quadratic(self, w: np.ndarray, b: float) -> Datafit:
        r"""Second-order model of :meth:`value` at :math:`(w, b)`, as a weighted Gaussian datafit.

        With :math:`\mu_i = g^{-1}(\eta_i)` and :math:`h_i = \partial^2 \ell_i/\partial\eta_i^2`,
        the model is :math:`\frac12\sum_i s_i h_i (z_i - \eta_i')^2` with the working
        response :math:`z_i = \eta_i - \partial_{\eta}\ell_i / h_i` (IRLS). The Gaussian
        datafit returns itself.
        """

    @abstractmethod
    def lambda_max(self) -> float:
        r"""Largest useful L1 weight: for :math:`\lambda_1` at or above it, :math:`w=0` is the MAP
        (:math:`\lVert\nabla_w\,\mathrm{value}(0)\rVert_\infty` at the optimal intercept)."""

    @abstractmethod
    def intercept(self, w: np.ndarray) -> float:
        """The optimal (unpenalised) intercept for ``w``; 0 without one."""

    # ------------------------------------------------------------ PyMC side
    @abstractmethod
    def pymc_data(self) -> dict[str, Any]:
        """Arrays the PyMC likelihood reads from ``pm.Data`` (swapped on re-fits)."""

    def pymc_structure(self) -> tuple:
        """What of the likelihood's PyMC graph is not ``pm.Data`` (part of the compiled
        model's key: another value builds another model). Empty by default; the Gaussian
        datafit names its form (rows or sufficient statistics)."""
        return ()

    @abstractmethod
    def pymc_loglik(self, coef: Any, data: dict[str, Any], sigma: Any) -> Any:
        """Add the likelihood to the current PyMC model.

        ``coef`` is the coefficient tensor, ``data`` the ``pm.Data`` tensors named as in
        :meth:`pymc_data`, ``sigma`` the noise scale (tensor or float; None without one).
        Creates the ``intercept`` variable when there is one and returns the total
        log-likelihood tensor it added.
        """

    # ------------------------------------------------------ after sampling
    @abstractmethod
    def pointwise_log_likelihood(
        self, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray | None
    ) -> np.ndarray:
        """:math:`\\log p(y_i\\mid\\cdot)` for draws ``coef`` (D, p), ``intercept`` (D,): shape (D, n)."""

    @abstractmethod
    def mean(self, eta: np.ndarray) -> np.ndarray:
        """Inverse link :math:`E[y\\mid\\eta]`."""

    @abstractmethod
    def predictive_draws(
        self, eta: np.ndarray, sigma: np.ndarray | None, rng: np.random.Generator,
        sample_weight: np.ndarray | None = None,
    ) -> np.ndarray:
        """Draws of new observations :math:`y^*` given linear predictors ``eta`` (D, n)."""


_MISSING = object()


def require(datafit: Any, attrs: Iterable[str], who: str) -> None:
    """Raise a TypeError naming what ``who`` (a solver or backend) needs and ``datafit`` lacks.

    Presence is looked up without evaluating anything (:func:`inspect.getattr_static`): a
    lazily computed statistic such as the Gram matrix is not formed by asking whether
    the datafit has it.
    """
    import inspect

    missing = [a for a in attrs if inspect.getattr_static(datafit, a, _MISSING) is _MISSING]
    if missing:
        raise TypeError(
            f"{who} needs a datafit with {', '.join(missing)}; "
            f"{type(datafit).__name__} has none"
        )
