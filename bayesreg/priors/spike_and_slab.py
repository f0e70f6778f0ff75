"""The continuous spike-and-slab prior of George & McCulloch (1993), with posterior inclusion probabilities."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale

__all__ = ["SpikeAndSlab"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass(frozen=True, repr=False)
class SpikeAndSlab(Prior):
    r"""Continuous spike and slab (SSVS): each coefficient is near zero or not, with probability θ.

    .. math::

        w_j\mid\gamma_j \sim \gamma_j\,\mathcal N(0, s_1^2) + (1-\gamma_j)\,\mathcal N(0, s_0^2),
        \qquad \gamma_j\mid\theta \sim \mathrm{Bernoulli}(\theta),
        \qquad \theta \sim \mathrm{Beta}(a, b)\ \text{or fixed},

    with a narrow spike :math:`s_0` and a wide slab :math:`s_1`. One coefficient's marginal
    density is the two-component mixture
    :math:`p(w) = \bar\theta\,\mathcal N(w\mid 0, s_1^2) + (1-\bar\theta)\,\mathcal N(w\mid 0, s_0^2)`,
    :math:`\bar\theta = E\theta` (:math:`a/(a+b)` under the Beta prior), but the shared θ
    makes the coefficients dependent a priori. The posterior probability that
    :math:`\gamma_j = 1` is each coefficient's *inclusion probability*; the Gibbs sampler
    (``sampler="gibbs"``) records it as the variable ``inclusion`` over
    ``(chain, draw, feature)`` (see :class:`~bayesreg.priors.mixtures.SpikeAndSlabMixture`),
    and θ as ``theta`` under the Beta prior.

    Parameters
    ----------
    spike_scale : float, default=0.01
        :math:`s_0`: the size of an "excluded" coefficient, in the units of ``w``.
        George & McCulloch choose it as the largest effect that is practically zero.
    slab_scale : float, default=1.0
        :math:`s_1 > s_0`: the prior sd of an included coefficient.
    inclusion : float, optional
        A fixed prior inclusion probability :math:`\theta\in(0, 1)`.
    inclusion_prior : (a, b), optional
        The Beta prior on θ; the default when ``inclusion`` is not given is ``(1, 1)``
        (uniform, which adapts to the number of effects: Scott & Berger 2010).

    Notes
    -----
    There is no fixed penalty (:attr:`has_penalty` is False): the negative log-density is
    not of the L1/L2 form, and the mixture is multimodal, so bayesreg has no MAP for it.

    References
    ----------
    E. I. George and R. E. McCulloch (1993), "Variable selection via Gibbs sampling",
    JASA 88(423), 881-889.
    """

    has_penalty = False

    spike_scale: float = 0.01
    slab_scale: float = 1.0
    inclusion: float | None = None
    inclusion_prior: tuple[float, float] | None = None

    def _validate_scales(self) -> None:
        spike = check_scale("spike_scale", self.spike_scale)
        slab = check_scale("slab_scale", self.slab_scale)
        if not spike < slab:
            raise ValueError(f"spike_scale must be < slab_scale, got {spike!r} >= {slab!r}")
        object.__setattr__(self, "spike_scale", spike)
        object.__setattr__(self, "slab_scale", slab)
        if self.inclusion is not None and self.inclusion_prior is not None:
            raise ValueError("give at most one of inclusion (a fixed θ) and inclusion_prior (a, b)")
        if self.inclusion is not None:
            theta = check_scale("inclusion", self.inclusion)
            if not theta < 1:
                raise ValueError(f"inclusion must be in (0, 1), got {self.inclusion!r}")
            object.__setattr__(self, "inclusion", theta)
            return
        prior = (1.0, 1.0) if self.inclusion_prior is None else self.inclusion_prior
        try:
            a, b = prior
        except (TypeError, ValueError):
            raise TypeError(f"inclusion_prior must be a pair (a, b), got {prior!r}") from None
        object.__setattr__(
            self, "inclusion_prior", (check_scale("inclusion_prior a", a), check_scale("inclusion_prior b", b))
        )

    @property
    def mean_inclusion(self) -> float:
        r""":math:`\bar\theta = E\theta`, the prior probability that one coefficient is in the slab."""
        if self.inclusion is not None:
            return self.inclusion
        a, b = self.inclusion_prior  # type: ignore[misc]
        return a / (a + b)

    # ----------------------------------------------------------- density
    def _log_components(self, w):
        w = np.asarray(w, dtype=float)
        theta = self.mean_inclusion
        slab = math.log(theta) - 0.5 * (w / self.slab_scale) ** 2 - math.log(self.slab_scale)
        spike = math.log1p(-theta) - 0.5 * (w / self.spike_scale) ** 2 - math.log(self.spike_scale)
        return slab - _LOG_SQRT_2PI, spike - _LOG_SQRT_2PI

    def logpdf(self, w):
        return np.logaddexp(*self._log_components(w))

    def grad_logpdf(self, w):
        w = np.asarray(w, dtype=float)
        slab, spike = self._log_components(w)
        pi = special.expit(slab - spike)  # P(slab | w) at θ = E θ
        return -w * (pi / self.slab_scale**2 + (1.0 - pi) / self.spike_scale**2)

    def rvs(self, size, random_state=None):
        """Independent draws of the marginal (each draw its own θ, hence γ ~ Bernoulli(E θ))."""
        rng = np.random.default_rng(random_state)
        slab = rng.random(size=size) < self.mean_inclusion
        return rng.standard_normal(size=size) * np.where(slab, self.slab_scale, self.spike_scale)

    def mass_near_zero(self, eps: float) -> float:
        eps = check_scale("eps", eps)
        theta = self.mean_inclusion
        return float(
            theta * special.erf(eps / (self.slab_scale * math.sqrt(2)))
            + (1 - theta) * special.erf(eps / (self.spike_scale * math.sqrt(2)))
        )

    def variance(self) -> float:
        theta = self.mean_inclusion
        return theta * self.slab_scale**2 + (1 - theta) * self.spike_scale**2

    # ----------------------------------------------------------- penalty
    def penalty(self, sigma: float) -> Penalty:
        raise ValueError("the spike-and-slab prior has no fixed penalty; use sample_posterior")

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> SpikeAndSlab:
        raise ValueError("the spike-and-slab prior has no penalty form; construct SpikeAndSlab(...) directly")

    # -------------------------------------------------------------- PyMC
    def pymc_data(self) -> dict[str, float]:
        """Hyper-parameter values that :meth:`to_pymc` reads from ``pm.Data``."""
        out = {"ss_spike_scale": self.spike_scale, "ss_slab_scale": self.slab_scale}
        if self.inclusion is not None:
            out["ss_inclusion"] = self.inclusion
        else:
            out["ss_a"], out["ss_b"] = self.inclusion_prior  # type: ignore[misc]
        return out

    def pymc_structure(self) -> tuple:
        return ("SpikeAndSlab", "fixed" if self.inclusion is not None else "beta")

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, sigma: Any = None,
                data: dict[str, Any] | None = None):
        """The mixture with the indicators summed out (``theta ~ Beta(a, b)`` unless fixed);
        NUTS then samples ``coef`` and ``theta`` but reports no inclusion probabilities."""
        import pymc as pm
        import pytensor.tensor as pt

        v = dict(self.pymc_data()) if data is None else data
        theta = v["ss_inclusion"] if self.inclusion is not None else pm.Beta("theta", v["ss_a"], v["ss_b"])
        weights = pt.stack([1.0 - theta, theta])
        scales = pt.stack([v["ss_spike_scale"], v["ss_slab_scale"]])
        return pm.NormalMixture(name, w=weights, mu=pt.zeros(2), sigma=scales, dims=dims, shape=shape)

    # ------------------------------------------------------------- Gibbs
    def scale_mixture(self):
        """Indicator-switched variances :math:`s_0^2, s_1^2`
        (:class:`~bayesreg.priors.mixtures.SpikeAndSlabMixture`)."""
        from bayesreg.priors.mixtures import SpikeAndSlabMixture

        return SpikeAndSlabMixture(self.spike_scale, self.slab_scale, self.inclusion, self.inclusion_prior)

    def __repr__(self) -> str:
        head = f"SpikeAndSlab(spike_scale={self.spike_scale:.6g}, slab_scale={self.slab_scale:.6g}"
        if self.inclusion is not None:
            return head + f", inclusion={self.inclusion:.6g})"
        a, b = self.inclusion_prior  # type: ignore[misc]
        return head + f", inclusion_prior=({a:.6g}, {b:.6g}))"
