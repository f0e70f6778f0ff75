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

The Gaussian, Laplace and elastic-net priors (``per_coefficient = True``) also take one
scale per coefficient, :math:`w_j \sim p(\cdot\,; b_j)` independently: a 1-D array of
scales in :math:`(0, \infty]`, where :math:`\infty` is a flat (unpenalised) coefficient.
A scale has the units of its coefficient, so a column measured in other units (cents for
thousands) is the same model with that coefficient's scale in the same units. Their
density methods then act coefficient-wise on arrays whose last axis is the coefficient
(a flat coefficient's log-density is the improper constant 0), and their penalty is per
coefficient (:class:`~bayesreg.penalty.Penalty`).

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

from bayesreg._validation import check_positive, check_scales, value_key
from bayesreg.penalty import Penalty

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = [
    "Prior", "HierarchicalPrior", "ScaleMixture", "check_scale", "check_prior", "penalty_weight",
    "scale_from_weight",
]


#: a prior's scales (and other positive reals) are checked by the package-wide check
check_scale = check_positive


def penalty_weight(prior: Prior, sigma: Any, scale: Any, power: int) -> float | np.ndarray:
    r"""A prior's penalty weight :math:`\sigma^2/b` (``power=1``) or :math:`\sigma^2/\tau^2`
    (``power=2``), computed as :math:`\sigma\,(\sigma/b)` and :math:`(\sigma/\tau)^2` so
    that no intermediate square under- or overflows.

    An infinite (flat) scale gives 0. A weight that is itself outside double precision
    (:math:`\sigma = 1, \tau = 10^{-300}` gives :math:`10^{600}`; one below the smallest
    normal double, :math:`2.2\cdot10^{-308}`, has lost its digits) is a ValueError that
    says so: the MAP depends on σ and the scales only through these ratios, so rescaling
    ``y``, ``sigma`` and the scales together is the remedy.
    """
    sigma = check_scale("sigma", sigma)
    b = np.asarray(scale, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        w = sigma * (sigma / b) if power == 1 else (sigma / b) ** 2
    # a subnormal weight has lost its precision (1e-320 holds 3 digits): underflow too
    bad = np.isfinite(b) & ~(np.isfinite(w) & (w >= np.finfo(float).tiny))
    if bad.any():
        j = int(np.flatnonzero(np.ravel(bad))[0])
        bj = float(np.ravel(b)[j])
        exp10 = 2 * math.log10(sigma) - power * math.log10(bj)
        what = "overflows" if exp10 > 0 else "underflows"
        term = "sigma**2/scale" if power == 1 else "sigma**2/scale**2"
        where = "" if b.ndim == 0 else f" (coefficient {j})"
        raise ValueError(
            f"{prior!r} at sigma={sigma:g}: its penalty {term} = 1e{exp10:.0f}{where} {what} "
            "double precision; the MAP depends on sigma and the prior scales only through "
            "this ratio, so rescale y, sigma and the scales together"
        )
    return float(w) if b.ndim == 0 else w


def scale_from_weight(sigma: Any, weight: Any, power: int) -> float | np.ndarray:
    r"""Inverse of :func:`penalty_weight`: :math:`b = \sigma(\sigma/\lambda_1)` or
    :math:`\tau = \sigma/\sqrt{\lambda_2}`; a zero weight of a per-coefficient penalty is
    an infinite (flat) scale."""
    sigma = check_scale("sigma", sigma)
    lam = np.asarray(weight, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        b = sigma * (sigma / lam) if power == 1 else sigma / np.sqrt(lam)
    if lam.ndim == 0:
        return float(b)
    b.setflags(write=False)
    return b


@dataclass(frozen=True)
class Prior(ABC):
    """Base class of coefficient priors. Subclasses are frozen dataclasses."""

    #: whether the prior's negative log-density is a fixed penalty given σ (so that
    #: the MAP is a penalised least-squares problem scikit-learn can solve).
    has_penalty = True
    #: whether the prior's scale is relative to the noise σ (its penalty is then ∝ σ).
    relative_to_noise: ClassVar[bool] = False
    #: whether its scales may be one per coefficient (module docstring)
    per_coefficient: ClassVar[bool] = False

    def _validate_scales(self) -> None:
        check = check_scales if self.per_coefficient else check_scale
        sizes = set()
        for f in fields(self):
            value = check(f.name, getattr(self, f.name))
            object.__setattr__(self, f.name, value)
            if np.ndim(value):
                sizes.add(np.size(value))
        if len(sizes) > 1:
            raise ValueError(f"{type(self).__name__}'s per-coefficient scales differ in length: {sorted(sizes)}")

    @property
    def n_features(self) -> int | None:
        """The number of coefficients of a prior with per-coefficient scales (None: shared)."""
        return next((int(np.size(getattr(self, f.name))) for f in fields(self)
                     if np.ndim(getattr(self, f.name))), None)

    def _scales_array(self, *names: str) -> list[np.ndarray]:
        """The named scales as float arrays (broadcastable against coefficient arrays)."""
        return [np.asarray(getattr(self, n), dtype=float) for n in names]

    def _require_proper(self, what: str) -> None:
        """ValueError if some coefficient's prior is flat (an infinite scale)."""
        for f in fields(self):
            if np.ndim(getattr(self, f.name)) and np.isinf(getattr(self, f.name)).any():
                raise ValueError(
                    f"{type(self).__name__} with an infinite {f.name} (a flat coefficient) "
                    f"has no {what}"
                )

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

    def sd(self) -> float | np.ndarray:
        """A typical coefficient scale: the standard deviation :math:`\\sqrt{\\operatorname{Var} w}`
        (priors with infinite variance override it with their own scale); one per
        coefficient for per-coefficient scales."""
        v = np.asarray(self.variance(), dtype=float)
        if not (np.isfinite(v).all() and (v > 0).all()):
            raise ValueError(f"{self!r} has no finite variance; it must define sd()")
        return math.sqrt(float(v)) if v.ndim == 0 else np.sqrt(v)

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
        log0 = np.asarray(self.logpdf(np.zeros(self.n_features or ())), dtype=float)
        return {"prior_l1": pen.l1, "prior_l2": pen.l2,
                "prior_log0": float(log0) if log0.ndim == 0 else log0}

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
        def fmt(v: Any) -> str:
            if np.ndim(v):
                return np.array2string(np.asarray(v), precision=6, threshold=8, separator=", ")
            return f"{v:.6g}"

        args = ", ".join(f"{f.name}={fmt(getattr(self, f.name))}" for f in fields(self))
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(value_key(getattr(self, f.name)) == value_key(getattr(other, f.name))
                   for f in fields(self))

    def __hash__(self) -> int:
        return hash((type(self),) + tuple(value_key(getattr(self, f.name)) for f in fields(self)))


@dataclass(frozen=True)
class HierarchicalPrior(Prior):
    """A prior known through its hierarchy only (the horseshoes): its marginal density has no
    closed form, so :meth:`logpdf` raises NotImplementedError, :meth:`mass_near_zero` is a Monte
    Carlo estimate from :meth:`rvs`, and there is no fixed penalty (hence no MAP).

    Subclasses name themselves in messages (``label``) and say what the marginal integrates
    over (``marginal_over``).
    """

    has_penalty = False
    label: ClassVar[str] = "prior"
    marginal_over: ClassVar[str] = "its hyper-parameters"

    def _no_density(self, what: str):
        raise NotImplementedError(
            f"{type(self).__name__}.{what}: the {self.label}'s marginal density has no closed form "
            f"(an integral over {self.marginal_over}); use rvs() for draws or sample_posterior "
            "for the posterior"
        )

    def logpdf(self, w):
        self._no_density("logpdf")

    def grad_logpdf(self, w):
        self._no_density("grad_logpdf")

    def mass_near_zero(self, eps: float) -> float:
        """Monte-Carlo estimate from 200 000 prior draws (no closed form)."""
        eps = check_scale("eps", eps)
        return float(np.mean(np.abs(self.rvs(200_000, random_state=0)) < eps))

    def penalty(self, sigma: float) -> Penalty:
        raise ValueError(f"the {self.label} has no fixed penalty; use sample_posterior")

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> Prior:
        raise ValueError(f"the {cls.label} has no penalty form; construct {cls.__name__}(...) directly")


class ScaleMixture(ABC):
    r"""A prior written as a scale mixture of normals, :math:`w_j \mid \psi \sim \mathcal N(0, v_j(\psi))`.

    This is all a Gibbs sampler needs from a prior (Makalic & Schmidt 2016): given the
    current mixing variables :math:`\psi` the coefficient block is one Gaussian draw
    with prior variances :meth:`variances`, and given :math:`w` the mixing variables have
    standard full conditionals (:meth:`update`). A prior never needs to be special-cased
    by name. The implementations, one per mixing distribution, are in
    :mod:`bayesreg.priors.mixtures`.

    ``noise_scaled`` says whether the variances multiply :math:`\sigma^2` (the Bayesian
    lasso, as in Park & Casella) or are absolute (Gaussian, Laplace, elastic net,
    horseshoe, spike and slab). A noise-scaled mixture lets the sampler draw
    :math:`\sigma^2` with :math:`w` integrated out (the joint of :math:`(w, \sigma^2)`
    given :math:`\psi` is normal–inverse-gamma), so the mixture itself says nothing about
    :math:`\sigma^2`.

    :meth:`variances` need only be the Gaussian factor of the joint density in :math:`w`
    given :math:`\psi` (for the elastic net it is not a conditional prior); :meth:`update`
    may be any step that leaves the full conditional of :math:`\psi` invariant (an exact
    draw, or Metropolis–Hastings or slice steps, whose acceptance :meth:`stats` reports).
    """

    noise_scaled: ClassVar[bool] = False
    #: whether :meth:`site_update` is implemented
    has_site_update: ClassVar[bool] = False
    #: whether :meth:`global_move` moves anything (the coefficients must then be drawn
    #: exactly after it, so the sampler does not over-relax them)
    has_global_move: ClassVar[bool] = False

    @abstractmethod
    def init(self, n_features: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Initial mixing state (random, so that chains start apart)."""

    @abstractmethod
    def variances(self, state: dict[str, np.ndarray]) -> np.ndarray:
        """Prior variances :math:`v_j` of the coefficients given the state (times σ² if ``noise_scaled``)."""

    @abstractmethod
    def update(
        self, state: dict[str, np.ndarray], w: np.ndarray, sigma2: float, rng: np.random.Generator
    ) -> dict[str, np.ndarray]:
        """A new state, from a step that leaves the full conditional of ψ given ``w`` and σ² invariant."""

    def report(self, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The variables recorded in the posterior (named as the NUTS posterior names them):
        floats, or arrays of length ``p`` (over ``feature``)."""
        return {}

    def stats(self, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Sample statistics of the last :meth:`update` (acceptance rates of its Metropolis steps)."""
        return {}

    def site_update(
        self, state: dict[str, np.ndarray], j: int, c: float, q: float, sigma2: float,
        rng: np.random.Generator,
    ) -> float:
        r"""Optionally, coefficient :math:`j`'s own mixing variables with :math:`w_j` integrated out,
        then :math:`w_j`; returns the new :math:`w_j` and updates ``state`` in place.

        The sampler passes the likelihood of :math:`w_j` given the other coefficients,
        :math:`\exp\big(-(q w_j^2 - 2cw_j)/2\sigma^2\big)` (:math:`q = \lVert A_j\rVert^2`,
        :math:`c = A_j^\top(b_c - A_{-j}w_{-j})`), for a few coefficients per sweep. A
        local scale and its coefficient form a funnel that alternating Gibbs steps cross
        slowly; this step crosses it in one move (only if :attr:`has_site_update`).
        """
        raise NotImplementedError

    def global_move(
        self, state: dict[str, np.ndarray], log_marginal: Any, rng: np.random.Generator, *,
        tuning: bool = False,
    ) -> dict[str, np.ndarray]:
        r"""Optionally, a move of a global scale with the coefficients integrated out.

        ``log_marginal(candidate)`` is :math:`\log\int p(y\mid w)\,\mathcal N(w\mid 0, v)\,dw`
        (up to a constant) for the variances :math:`v` of a candidate state, which only the
        sampler can evaluate (one factorisation each). A mixture with a global scale (the
        horseshoe's τ) makes a Metropolis–Hastings step on it with the marginal
        likelihood, and returns the candidate if accepted, else ``state`` itself; the
        sampler then draws :math:`w` given the returned state (a valid blocked draw of the
        scale and :math:`w`; Johndrow, Orenstein & Bhattacharya 2020). Gibbs steps alone
        cross the coupling of :math:`w` and a global scale slowly. ``tuning`` is True
        during warm-up (a step size may adapt then). The default makes no move.
        """
        return state


def check_prior(prior: Any) -> Prior:
    """Raise a TypeError naming the problem if ``prior`` is not a :class:`Prior`."""
    if not isinstance(prior, Prior):
        raise TypeError(
            "prior must be a bayesreg prior such as bayesreg.Laplace(scale=1.0), "
            f"got {type(prior).__name__}: {prior!r}"
        )
    return prior
