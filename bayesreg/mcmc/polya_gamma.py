r"""Pólya-Gamma augmentation: the logistic likelihood as a Gaussian one, for the Gibbs sampler.

Polson, Scott & Windle (2013): for :math:`b > 0` and :math:`\omega\sim\mathrm{PG}(b, 0)`,

.. math::

    \frac{(e^{\eta})^{a}}{(1 + e^{\eta})^{b}}
    = 2^{-b} e^{\kappa\eta}\,\mathbb E\big[e^{-\omega\eta^2/2}\big],\qquad \kappa = a - b/2 .

A Bernoulli observation of weight :math:`s_i` (weight 2 counts as two identical
observations, :mod:`bayesreg.datafits.bernoulli`) contributes
:math:`(e^{\eta_i})^{s_iy_i}/(1 + e^{\eta_i})^{s_i}`, so with :math:`a_i = s_iy_i`,
:math:`b_i = s_i` the likelihood is the margin of

.. math::

    p(y, \omega\mid\eta) \propto \prod_i e^{\kappa_i\eta_i - \omega_i\eta_i^2/2}\,
    \mathrm{PG}(\omega_i\mid s_i, 0),\qquad \kappa_i = s_i(y_i - \tfrac12),

whose two conditionals are standard:

* :math:`\omega_i\mid\eta_i\sim\mathrm{PG}(s_i, \eta_i)` (the exponentially tilted law; the
  ``polyagamma`` package draws it, for any real :math:`s_i > 0`);
* :math:`\eta\mid\omega`: the likelihood :math:`\prod_i e^{-\omega_i(z_i - \eta_i)^2/2}`,
  :math:`z_i = \kappa_i/\omega_i`, which is the Gaussian likelihood of
  :class:`~bayesreg.datafits.GaussianDatafit` with weights :math:`\omega_i`, target
  :math:`z_i - o_i` (the offset moved to the target) and :math:`\sigma = 1`.

So given :math:`\omega` the coefficients, the intercept and the scale-mixture variables are
drawn exactly as for the Gaussian likelihood at σ = 1 (:mod:`bayesreg.mcmc.gibbs_sweep`):
:meth:`PolyaGammaAugmentation.refresh` turns the current linear predictor into that
Gaussian problem, and the Gibbs backend (:mod:`bayesreg.mcmc.backends.gibbs`) runs its
sweep on it. An observation of weight 0 carries no information and is left out.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["available", "PolyaGammaAugmentation", "GaussianModel"]


def available() -> bool:
    """Whether the ``polyagamma`` package (the PG draws) is installed."""
    return importlib.util.find_spec("polyagamma") is not None


@dataclass(frozen=True)
class GaussianModel:
    """The Gaussian problem given ω: what one Gibbs sweep needs of it.

    Attributes
    ----------
    coef : CoefficientDraw
        The coefficients' conditional (not factored), :mod:`bayesreg.mcmc.gibbs_sweep`.
    X_offset, y_offset : ndarray, float
        The ω-weighted means of :math:`X` and of :math:`z - o` (zeros without an intercept):
        the intercept is :math:`\\bar z - \\bar x^\\top w + a`, :math:`a\\sim\\mathcal N(0, 1/\\sum\\omega)`.
    weight_sum : float
        :math:`\\sum_i\\omega_i`.
    """

    coef: Any
    X_offset: np.ndarray
    y_offset: float
    weight_sum: float


class PolyaGammaAugmentation:
    r"""The ω step of the Pólya-Gamma Gibbs sampler for a :class:`~bayesreg.datafits.BernoulliDatafit`
    (module docstring).

    Parameters
    ----------
    datafit : BernoulliDatafit
    coef_draw : {"auto", "rue", "bhattacharya"}
        The coefficient draw of the Gaussian problem (``"auto"``: Rue's when the
        observations of positive weight are at least as many as the features).
    """

    def __init__(self, datafit: Any, coef_draw: str = "auto") -> None:
        from bayesreg.mcmc.gibbs_sweep import COEF_DRAWS

        method = str(coef_draw).lower()
        if method not in COEF_DRAWS:
            raise ValueError(f"coef_draw must be one of {COEF_DRAWS}, got {coef_draw!r}")
        s = datafit.weights
        keep = s > 0
        self.datafit = datafit
        self._X = datafit.X if keep.all() else datafit.X[keep]
        self._s = s[keep]
        self._kappa = self._s * (datafit.y[keep] - 0.5)
        self._offset = None if datafit.offset is None else datafit.offset[keep]
        self._keep = None if keep.all() else keep
        if method == "auto":
            method = "bhattacharya" if datafit.n_features > int(keep.sum()) else "rue"
        self.method = method

    def start(self) -> tuple[np.ndarray, float]:
        """``(w, b)`` to start a chain from: zero coefficients and the intercept-only fit."""
        zero = np.zeros(self.datafit.n_features)
        return zero, float(self.datafit.intercept(zero))

    def linear_predictor(self, w: np.ndarray, b: float) -> np.ndarray:
        r""":math:`\eta = b + o + Xw` at the observations of positive weight."""
        eta = self.datafit.linear_predictor(w, b)
        return eta if self._keep is None else eta[self._keep]

    def draw_omega(self, eta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        r""":math:`\omega_i\sim\mathrm{PG}(s_i, \eta_i)`."""
        from polyagamma import random_polyagamma

        return np.asarray(random_polyagamma(self._s, eta, random_state=rng), dtype=float)

    def mean_omega(self, eta: np.ndarray) -> np.ndarray:
        r""":math:`\mathbb E[\omega_i] = \frac{s_i}{2\eta_i}\tanh\frac{\eta_i}{2}` (:math:`s_i/4` at
        :math:`\eta_i = 0`): a deterministic ω, for a chain's layout before any draw."""
        eta = np.asarray(eta, dtype=float)
        small = np.abs(eta) < 1e-6
        safe = np.where(small, 1.0, eta)
        return self._s * np.where(small, 0.25 - eta**2 / 48.0, np.tanh(safe / 2.0) / (2.0 * safe))

    def model(self, omega: np.ndarray) -> GaussianModel:
        r"""The Gaussian problem given ω: weights ω, target :math:`\kappa/\omega - o`, σ = 1."""
        from bayesreg.datafits import GaussianDatafit, SufficientStatistics
        from bayesreg.mcmc.gibbs_sweep import BhattacharyaDraw, RueDraw

        omega = np.maximum(omega, np.finfo(float).tiny)  # PG(s, η) > 0 almost surely
        z = self._kappa / omega
        if self._offset is not None:
            z = z - self._offset
        lik = GaussianDatafit(self._X, z, omega, self.datafit.fit_intercept)
        if self.method == "rue":
            st = SufficientStatistics.from_datafit(lik)  # not the design's cache: ω changes every sweep
            coef = RueDraw(st.gram, st.q, st.w_ls, st.rss_min)
        else:
            coef = BhattacharyaDraw(np.ascontiguousarray(lik.A), np.ascontiguousarray(lik.b))
        return GaussianModel(coef, np.asarray(lik.X_offset, dtype=float), float(lik.y_offset),
                             float(lik.weight_sum))

    def refresh(self, w: np.ndarray, b: float, rng: np.random.Generator) -> GaussianModel:
        """One ω step at ``(w, b)``: the Gaussian problem of the next coefficient draw."""
        return self.model(self.draw_omega(self.linear_predictor(w, b), rng))
