r"""The prior interface: one small value object per prior family.

A prior here is an i.i.d. prior on each regression coefficient :math:`w_j`. It is a
plain frozen dataclass until it is asked for one of the things only it knows:

* its log-density and (sub)gradient (:meth:`Prior.logpdf`, :meth:`Prior.grad_logpdf`);
* draws from it (:meth:`Prior.rvs`);
* its penalty in the datafit's dispersion units (:meth:`Prior.penalty`, see
  :mod:`bayesreg.penalty`), from which every scikit-learn / glmnet convention follows;
* its PyMC variable inside a model context (:meth:`Prior.to_pymc`), with what fixes the
  compiled graph (:meth:`Prior.pymc_structure`) apart from the values that only swap data
  (:meth:`Prior.pymc_data`), and which of its PyMC variables are re-parametrisations
  rather than results (:meth:`Prior.internal_variables`);
* whether it is a scale mixture of normals, and how (:meth:`Prior.scale_mixture`), which
  is all a Gibbs sampler needs to know about it.

The protocol, attribute by attribute:

=============================  ============================================================
``has_penalty``                the negative log-density is a fixed penalty given σ, so the
                               MAP is a penalised regression (False under a hyperprior)
``relative_to_noise``          the prior's scale is relative to σ (Park & Casella), so its
                               penalty is :math:`\propto\sigma` rather than :math:`\sigma^2`
``penalty(sigma)``             :class:`~bayesreg.penalty.Penalty` in dispersion units
``pymc_structure()``           hashable key of the compiled graph
``pymc_data()``                name → float read through ``pm.Data``
``to_pymc(name, *, dims,       the PyMC variable; ``data`` maps :meth:`pymc_data` names to
shape, sigma, data)``          tensors (defaults to the stored floats)
``internal_variables(name)``   names to drop from a posterior (non-centred raw variables)
``sd()``                       a typical coefficient scale (the sd, or the prior's own scale
                               where the variance is infinite)
``scale_mixture()``            the :class:`ScaleMixture` representation, or None
=============================  ============================================================
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from bayesreg._validation import check_positive
from bayesreg.penalty import Penalty

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = ["Prior", "ScaleMixture", "check_scale", "check_prior"]


#: a prior's scales (and other positive reals) are checked by the package-wide check
check_scale = check_positive


@dataclass(frozen=True)
class Prior(ABC):
    """Base class of coefficient priors. Subclasses are frozen dataclasses."""

    #: whether the prior's negative log-density is a fixed penalty given σ (so that
    #: the MAP is a penalised least-squares problem scikit-learn can solve).
    has_penalty = True
    #: whether the prior's scale is relative to the noise σ (its penalty is then ∝ σ).
    relative_to_noise: ClassVar[bool] = False

    def _validate_scales(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, check_scale(f.name, getattr(self, f.name)))

    def __post_init__(self) -> None:
        self._validate_scales()

    # ----------------------------------------------------------- density
    @abstractmethod
    def logpdf(self, w: np.ndarray | float) -> np.ndarray:
        """Normalised log-density of one coefficient, elementwise."""

    @abstractmethod
    def grad_logpdf(self, w: np.ndarray | float) -> np.ndarray:
        """Derivative of :meth:`logpdf`; at a kink, the subgradient of least norm."""

    @abstractmethod
    def rvs(self, size: int | Sequence[int], random_state: Any = None) -> np.ndarray:
        """Independent draws."""

    def mass_near_zero(self, eps: float) -> float:
        """Prior probability ``P(|w| < eps)`` of one coefficient."""
        from scipy.integrate import quad

        eps = check_scale("eps", eps)
        val, _ = quad(lambda t: math.exp(float(self.logpdf(t))), -eps, eps, points=[0.0])
        return float(val)

    def variance(self) -> float:
        """Variance of one coefficient."""
        from scipy.integrate import quad

        val, _ = quad(lambda t: t * t * math.exp(float(self.logpdf(t))), -np.inf, np.inf)
        return float(val)

    def sd(self) -> float:
        """A typical coefficient scale: the standard deviation :math:`\\sqrt{\\operatorname{Var} w}`
        (priors with infinite variance override it with their own scale)."""
        v = float(self.variance())
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"{self!r} has no finite variance; it must define sd()")
        return math.sqrt(v)

    # ----------------------------------------------------------- penalty
    @abstractmethod
    def penalty(self, sigma: float) -> Penalty:
        """Penalty in σ²-units: ``σ² · (-log p(w))`` up to a constant."""

    @classmethod
    @abstractmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Prior:
        """The prior of this family whose :meth:`penalty` at ``sigma`` is ``penalty``."""

    # -------------------------------------------------------------- PyMC
    def pymc_structure(self) -> tuple:
        """What fixes the compiled PyMC graph; values in :meth:`pymc_data` do not.

        Every prior whose density is a fixed penalty not involving σ shares one graph,
        ``("penalty",)``: :math:`\\log p(w_j) = -\\ell_1|w_j| - \\tfrac{\\ell_2}{2}w_j^2
        + \\log p(0)` with :math:`(\\ell_1, \\ell_2)` the penalty at σ = 1 — the very
        penalty the MAP solvers use, so the MAP is the mode of this density.
        """
        if self.has_penalty and not self.relative_to_noise:
            return ("penalty",)
        raise NotImplementedError(f"{type(self).__name__} must define pymc_structure()")

    def pymc_data(self) -> dict[str, float]:
        """The hyper-parameter values :meth:`to_pymc` reads through ``pm.Data``."""
        pen = self.penalty(1.0)
        return {"prior_l1": pen.l1, "prior_l2": pen.l2, "prior_log0": float(self.logpdf(0.0))}

    def to_pymc(
        self, name: str, *, dims: Any = None, shape: Any = None, sigma: Any = None,
        data: dict[str, Any] | None = None,
    ):
        """Create the PyMC random variable inside the current model context.

        Parameters
        ----------
        name : str
            Name of the coefficient variable.
        dims, shape
            As in PyMC.
        sigma : float or tensor, optional
            The noise standard deviation; only priors that are ``relative_to_noise`` use it.
        data : dict, optional
            Tensors (``pm.Data``) for the names of :meth:`pymc_data`, so that a re-fit
            with other hyper-parameters swaps data instead of compiling; by default the
            stored floats.
        """
        import pymc as pm
        import pytensor.tensor as pt

        v = dict(self.pymc_data()) if data is None else data

        def logp(value, l1, l2, log0):
            return -l1 * pt.abs(value) - 0.5 * l2 * pt.sqr(value) + log0

        return pm.CustomDist(
            name, v["prior_l1"], v["prior_l2"], v["prior_log0"], logp=logp, dims=dims, shape=shape,
        )

    def internal_variables(self, name: str) -> tuple[str, ...]:
        """PyMC variables :meth:`to_pymc` creates that are re-parametrisations, not results."""
        return ()

    # ------------------------------------------------------------- Gibbs
    def scale_mixture(self) -> ScaleMixture | None:
        """The prior as a scale mixture of normals, or None if it is not one (see :class:`ScaleMixture`)."""
        return None

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name):.6g}" for f in fields(self))
        return f"{type(self).__name__}({args})"


class ScaleMixture(ABC):
    r"""A prior written as a scale mixture of normals, :math:`w_j \mid \psi \sim \mathcal N(0, v_j(\psi))`.

    This is all a Gibbs sampler needs from a prior (Makalic & Schmidt 2016): given the
    current mixing variables :math:`\psi` the coefficient block is one Gaussian draw
    with prior variances :meth:`variances`, and given :math:`w` the mixing variables have
    standard full conditionals (:meth:`update`). A prior never needs to be special-cased
    by name.

    ``noise_scaled`` says whether the variances multiply :math:`\sigma^2` (the Bayesian
    lasso and the horseshoe, as in Park & Casella) or are absolute (Gaussian, Laplace,
    elastic net with fixed scales).
    """

    noise_scaled: ClassVar[bool] = False

    @abstractmethod
    def init(self, n_features: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Initial mixing state."""

    @abstractmethod
    def variances(self, state: dict[str, np.ndarray]) -> np.ndarray:
        """Prior variances :math:`v_j` of the coefficients given the state (times σ² if ``noise_scaled``)."""

    @abstractmethod
    def update(
        self, state: dict[str, np.ndarray], w: np.ndarray, sigma2: float, rng: np.random.Generator
    ) -> dict[str, np.ndarray]:
        """A draw of the mixing variables from their full conditional given ``w`` and σ²."""

    def report(self, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The variables recorded in the posterior (named as the NUTS posterior names them)."""
        return {}

    def log_prior_sigma2_term(self, w: np.ndarray, state: dict[str, np.ndarray]) -> tuple[float, float]:
        r"""``(shape, rate)`` contribution of the coefficient prior to σ²'s inverse-gamma full
        conditional: :math:`(p/2, \tfrac12\sum_j w_j^2/v_j)` when ``noise_scaled``, else (0, 0)."""
        if not self.noise_scaled:
            return 0.0, 0.0
        return 0.5 * w.size, 0.5 * float(np.sum(w * w / self.variances(state)))


def check_prior(prior: Any) -> Prior:
    """Raise a TypeError naming the problem if ``prior`` is not a :class:`Prior`."""
    if not isinstance(prior, Prior):
        raise TypeError(
            "prior must be a bayesreg prior such as bayesreg.Laplace(scale=1.0), "
            f"got {type(prior).__name__}: {prior!r}"
        )
    return prior
