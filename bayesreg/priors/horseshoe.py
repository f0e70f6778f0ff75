"""The regularised horseshoe of Piironen & Vehtari (2017)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.priors._base import HierarchicalPrior, check_scale

__all__ = ["Horseshoe"]


@dataclass(frozen=True, repr=False)
class Horseshoe(HierarchicalPrior):
    r"""Regularised ("Finnish") horseshoe prior, in its non-centred form.

    .. math::

        w_j = z_j\,\tau\,\tilde\lambda_j, \qquad
        \tilde\lambda_j^2 = \frac{c^2\lambda_j^2}{c^2 + \tau^2\lambda_j^2},\qquad
        z_j \sim \mathcal N(0, 1),\quad
        \lambda_j \sim \mathrm C^+(0, 1),\quad
        \tau \sim \mathrm C^+(0, \tau_0),\quad
        c^2 \sim \mathrm{Inv\text{-}Gamma}\!\Big(\frac{\nu}{2}, \frac{\nu s^2}{2}\Big).

    Small coefficients are shrunk like the horseshoe (:math:`\tau\lambda_j`); large ones
    see a Student-t slab of scale :math:`s` with :math:`\nu` degrees of freedom instead of
    no shrinkage at all, which keeps the posterior proper and the geometry tame. Sampling
    :math:`z_j` instead of :math:`w_j` (non-centred) removes the funnel between
    :math:`w_j` and :math:`\tau\lambda_j` that causes divergences when the data are weak.
    The posterior variable ``coef`` is the deterministic :math:`w`; ``tau``, ``lam``
    (local scales) and ``c2`` are reported too.

    Parameters
    ----------
    global_scale : float, default=0.1
        :math:`\tau_0`. Piironen & Vehtari recommend
        :math:`\tau_0 = \frac{p_0}{p - p_0}\frac{\sigma}{\sqrt n}` for :math:`p_0` expected
        non-zero coefficients: see :meth:`from_expected_nonzero`.
    slab_scale : float or None, default=2.0
        :math:`s`, the scale of the coefficients that escape shrinkage. None gives the
        plain horseshoe of Carvalho, Polson & Scott (2010): :math:`\tilde\lambda_j =
        \lambda_j`, no slab and no :math:`c^2` (its variance is infinite).
    slab_df : float, default=4.0
        :math:`\nu`.

    Notes
    -----
    The marginal density of one coefficient has no closed form (a three-dimensional
    integral over :math:`\tau, \lambda_j, c^2`), so :meth:`logpdf` and everything built
    on it raise ``NotImplementedError``; :meth:`rvs` draws from the hierarchy. There is
    no fixed penalty (:attr:`has_penalty` is False), hence no MAP.

    References
    ----------
    J. Piironen and A. Vehtari (2017), "Sparsity information and regularization in the
    horseshoe and other shrinkage priors", Electronic Journal of Statistics 11(2).
    """

    label = "horseshoe"
    marginal_over = "tau, lambda_j and c^2"

    global_scale: float = 0.1
    slab_scale: float | None = 2.0
    slab_df: float = 4.0

    def _validate_scales(self) -> None:
        object.__setattr__(self, "global_scale", check_scale("global_scale", self.global_scale))
        if self.slab_scale is not None:
            object.__setattr__(self, "slab_scale", check_scale("slab_scale", self.slab_scale))
        object.__setattr__(self, "slab_df", check_scale("slab_df", self.slab_df))

    @classmethod
    def from_expected_nonzero(
        cls, p0: float, n_features: int, n_samples: float, sigma: float = 1.0, **kwargs: Any
    ) -> Horseshoe:
        r"""Piironen & Vehtari's :math:`\tau_0 = \frac{p_0}{p-p_0}\frac{\sigma}{\sqrt n}`."""
        p0 = check_scale("p0", p0)
        if not p0 < n_features:
            raise ValueError(f"p0 must be < n_features = {n_features}, got {p0}")
        tau0 = p0 / (n_features - p0) * check_scale("sigma", sigma) / math.sqrt(
            check_scale("n_samples", n_samples)
        )
        return cls(global_scale=tau0, **kwargs)

    def variance(self) -> float:
        """Monte-Carlo estimate from 200 000 prior draws (finite: :math:`w_j^2 \\le z_j^2 c^2`);
        infinite for the plain horseshoe."""
        if self.slab_scale is None:
            return math.inf
        return float(np.var(self.rvs(200_000, random_state=0)))

    def sd(self) -> float:
        r"""Square root of :meth:`variance` when it is finite, else the global scale :math:`\tau_0`.

        :math:`w^2 = z^2\tau^2\tilde\lambda^2` with :math:`\tau^2\tilde\lambda^2 =
        c^2\tau^2\lambda^2/(c^2 + \tau^2\lambda^2)` between half and all of
        :math:`\min(c^2, \tau^2\lambda^2)`, whose tail falls like
        :math:`x^{-(\nu+1)/2}\log x` (:math:`c^2` inverse-gamma with shape :math:`\nu/2`,
        :math:`\tau\lambda` a product of half-Cauchys): the variance is finite iff
        :math:`\nu > 1` (``slab_df``). The plain horseshoe (no slab) has none.
        """
        if self.slab_scale is not None and self.slab_df > 1:
            return math.sqrt(self.variance())
        return self.global_scale

    def rvs(self, size, random_state=None):
        """Draws from the hierarchy; each draw has its own τ and c² (the marginal)."""
        rng = np.random.default_rng(random_state)
        tau = np.abs(self.global_scale * rng.standard_cauchy(size=size))
        lam = np.abs(rng.standard_cauchy(size=size))
        if self.slab_scale is None:
            return rng.standard_normal(size=size) * tau * lam
        nu, s = self.slab_df, self.slab_scale
        c2 = 1.0 / rng.gamma(nu / 2.0, 2.0 / (nu * s**2), size=size)
        lam_t2 = c2 * lam**2 / (c2 + tau**2 * lam**2)
        return rng.standard_normal(size=size) * tau * np.sqrt(lam_t2)

    # -------------------------------------------------------------- PyMC
    def pymc_data(self) -> dict[str, float]:
        """Hyper-parameter values that :meth:`to_pymc` reads from ``pm.Data``."""
        if self.slab_scale is None:
            return {"hs_global_scale": self.global_scale}
        return {
            "hs_global_scale": self.global_scale,
            "hs_slab_scale": self.slab_scale,
            "hs_slab_df": self.slab_df,
        }

    def pymc_structure(self) -> tuple:
        return ("Horseshoe",) if self.slab_scale is not None else ("Horseshoe", "plain")

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, sigma: Any = None,
                data: dict[str, Any] | None = None):
        """Non-centred hierarchy; returns the deterministic ``name`` (``sigma`` is unused)."""
        import pymc as pm
        import pytensor.tensor as pt

        v = dict(self.pymc_data()) if data is None else data
        tau = pm.HalfCauchy("tau", beta=v["hs_global_scale"])
        lam = pm.HalfCauchy("lam", beta=1.0, dims=dims, shape=shape)
        z = pm.Normal(f"{name}_raw", 0.0, 1.0, dims=dims, shape=shape)
        if self.slab_scale is None:
            return pm.Deterministic(name, z * tau * lam, dims=dims)
        nu, s = v["hs_slab_df"], v["hs_slab_scale"]
        c2 = pm.InverseGamma("c2", alpha=nu / 2.0, beta=nu * s**2 / 2.0)
        lam_t = pt.sqrt(c2 * lam**2 / (c2 + tau**2 * lam**2))
        return pm.Deterministic(name, z * tau * lam_t, dims=dims)

    def internal_variables(self, name: str) -> tuple[str, ...]:
        """The non-centred standard normals ``{name}_raw``."""
        return (f"{name}_raw",)

    def scale_mixture(self):
        """Makalic & Schmidt's inverse-gamma auxiliaries, with Metropolis and slice steps for the
        slab (:class:`~bayesreg.priors.mixtures.HorseshoeMixture`)."""
        from bayesreg.priors.mixtures import HorseshoeMixture

        return HorseshoeMixture(self.global_scale, self.slab_scale, self.slab_df)

    def __repr__(self) -> str:
        if self.slab_scale is None:
            return f"Horseshoe(global_scale={self.global_scale:.6g}, slab_scale=None)"
        return (
            f"Horseshoe(global_scale={self.global_scale:.6g}, slab_scale={self.slab_scale:.6g}, "
            f"slab_df={self.slab_df:.6g})"
        )
