"""The prior interface: one small value object per prior family.

A prior here is an i.i.d. prior on each regression coefficient :math:`w_j`. It is a
plain frozen dataclass until it is asked for one of the things only it knows:

* its log-density and (sub)gradient (:meth:`Prior.logpdf`, :meth:`Prior.grad_logpdf`);
* draws from it (:meth:`Prior.rvs`);
* its penalty in σ²-units (:meth:`Prior.penalty`, see :mod:`bayesreg.penalty`), from
  which every scikit-learn / glmnet convention follows;
* its PyMC variable inside a model context (:meth:`Prior.to_pymc`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg._validation import check_positive
from bayesreg.penalty import Penalty

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = ["Prior", "check_scale", "check_prior"]


#: a prior's scales (and other positive reals) are checked by the package-wide check
check_scale = check_positive


@dataclass(frozen=True)
class Prior(ABC):
    """Base class of coefficient priors. Subclasses are frozen dataclasses."""

    #: whether the prior's negative log-density is a fixed penalty given σ (so that
    #: the MAP is a penalised least-squares problem scikit-learn can solve).
    has_penalty = True

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

    # ----------------------------------------------------------- penalty
    @abstractmethod
    def penalty(self, sigma: float) -> Penalty:
        """Penalty in σ²-units: ``σ² · (-log p(w))`` up to a constant."""

    @classmethod
    @abstractmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Prior:
        """The prior of this family whose :meth:`penalty` at ``sigma`` is ``penalty``."""

    # -------------------------------------------------------------- PyMC
    @abstractmethod
    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, sigma: Any = None):
        """Create the PyMC random variable inside the current model context.

        ``sigma`` is the noise standard deviation (a float or a PyMC variable); only
        priors whose scale is relative to the noise (the Bayesian lasso) use it.
        """

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name):.6g}" for f in fields(self))
        return f"{type(self).__name__}({args})"


def check_prior(prior: Any) -> Prior:
    """Raise a TypeError naming the problem if ``prior`` is not a :class:`Prior`."""
    if not isinstance(prior, Prior):
        raise TypeError(
            "prior must be a bayesreg prior such as bayesreg.Laplace(scale=1.0), "
            f"got {type(prior).__name__}: {prior!r}"
        )
    return prior
