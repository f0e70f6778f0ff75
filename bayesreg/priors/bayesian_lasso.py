"""The Bayesian lasso of Park & Casella (2008): a Laplace prior scaled by the noise."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.penalty import Penalty
from bayesreg.priors._base import Prior, check_scale

__all__ = ["BayesianLasso"]


@dataclass(frozen=True, repr=False)
class BayesianLasso(Prior):
    r"""Park & Casella's Bayesian lasso: :math:`w_j \mid \sigma \sim \mathrm{Laplace}(0, \sigma/\lambda)`.

    .. math::

        p(w_j \mid \sigma, \lambda) = \frac{\lambda}{2\sigma}\, e^{-\lambda |w_j| / \sigma},
        \qquad
        \sigma^2\big(-\log p(w \mid \sigma)\big) = \sigma\lambda\,\lVert w\rVert_1 + \text{const},

    so with λ and σ fixed the MAP is a lasso with :math:`\lambda_1 = \sigma\lambda` (σ²-units,
    see :mod:`bayesreg.penalty`), i.e. scikit-learn ``Lasso(alpha=σλ/n)``. Scaling the prior
    by σ keeps the joint posterior of :math:`(w, \sigma^2)` unimodal (Park & Casella 2008,
    §2 and appendix).

    With a hyperprior (``lam_prior=(r, delta)``), :math:`\lambda^2 \sim \mathrm{Gamma}(r,
    \text{rate}=\delta)`, the paper's conjugate choice; the posterior of λ is then sampled
    (variable ``lam``). The penalty is then not fixed, so :attr:`has_penalty` is False and
    :func:`bayesreg.map_estimate` refuses it. Park & Casella use ``r = 1, delta = 1.78`` on
    the diabetes data.

    Parameters
    ----------
    lam : float, optional
        Fixed λ > 0 (Park & Casella's diabetes analysis: ``lam=0.237``).
    lam_prior : tuple (r, delta), optional
        Shape and rate of the Gamma prior on λ². Give exactly one of ``lam`` and
        ``lam_prior``.

    Notes
    -----
    :meth:`logpdf`, :meth:`rvs` and :meth:`penalty` take the noise scale ``sigma``
    (default 1): the prior is conditional on it. With a hyperprior, :meth:`logpdf` is
    the marginal :math:`\int p(w\mid\sigma,\lambda)\,p(\lambda)\,d\lambda` of one
    coefficient, computed by adaptive quadrature.

    References
    ----------
    T. Park and G. Casella (2008), "The Bayesian Lasso", JASA 103(482), 681-686.
    """

    lam: float | None = None
    lam_prior: tuple[float, float] | None = None

    relative_to_noise = True

    def _validate_scales(self) -> None:
        if (self.lam is None) == (self.lam_prior is None):
            raise ValueError(
                "BayesianLasso needs exactly one of lam (a fixed λ, e.g. lam=0.237) or "
                f"lam_prior=(r, delta) (λ² ~ Gamma(r, rate=delta)); got lam={self.lam!r}, "
                f"lam_prior={self.lam_prior!r}"
            )
        if self.lam is not None:
            object.__setattr__(self, "lam", check_scale("lam", self.lam))
        else:
            try:
                r, delta = self.lam_prior  # type: ignore[misc]
            except (TypeError, ValueError):
                raise TypeError(
                    f"lam_prior must be a pair (r, delta), got {self.lam_prior!r}"
                ) from None
            object.__setattr__(
                self, "lam_prior", (check_scale("lam_prior r", r), check_scale("lam_prior delta", delta))
            )

    @property
    def has_penalty(self) -> bool:  # type: ignore[override]
        """True only for a fixed λ: a hyperprior leaves no fixed penalty."""
        return self.lam is not None

    # ----------------------------------------------------------- density
    def logpdf(self, w, sigma: float = 1.0):
        sigma = check_scale("sigma", sigma)
        w = np.asarray(w, dtype=float)
        if self.lam is not None:
            return -self.lam * np.abs(w) / sigma + math.log(self.lam / (2.0 * sigma))
        return _marginal_logpdf(np.abs(w) / sigma, *self.lam_prior) - math.log(sigma)  # type: ignore[misc]

    def grad_logpdf(self, w, sigma: float = 1.0):
        sigma = check_scale("sigma", sigma)
        if self.lam is None:
            raise NotImplementedError(
                "grad_logpdf of the Bayesian lasso with a hyperprior on λ is not implemented; "
                "sample_posterior samples λ jointly instead"
            )
        return -self.lam * np.sign(np.asarray(w, dtype=float)) / sigma

    def rvs(self, size, random_state=None, sigma: float = 1.0):
        """Independent draws; with a hyperprior each draw has its own λ (the marginal)."""
        sigma = check_scale("sigma", sigma)
        rng = np.random.default_rng(random_state)
        if self.lam is not None:
            return rng.laplace(0.0, sigma / self.lam, size=size)
        r, delta = self.lam_prior  # type: ignore[misc]
        lam = np.sqrt(rng.gamma(r, 1.0 / delta, size=size))
        return rng.laplace(0.0, 1.0, size=size) * sigma / lam

    def mass_near_zero(self, eps: float, sigma: float = 1.0) -> float:
        eps = check_scale("eps", eps)
        sigma = check_scale("sigma", sigma)
        if self.lam is not None:
            return float(-math.expm1(-eps * self.lam / sigma))
        # w / sigma has the sigma = 1 marginal, so P(|w| < eps | sigma) = P(|w/sigma| < eps/sigma)
        return super().mass_near_zero(eps / sigma)

    def variance(self, sigma: float = 1.0) -> float:
        r""":math:`2\sigma^2/\lambda^2`, or :math:`2\sigma^2\,E[\lambda^{-2}] = 2\sigma^2\delta/(r-1)` (r > 1)."""
        sigma = check_scale("sigma", sigma)
        if self.lam is not None:
            return 2.0 * sigma**2 / self.lam**2
        r, delta = self.lam_prior  # type: ignore[misc]
        return math.inf if r <= 1 else 2.0 * sigma**2 * delta / (r - 1.0)

    def sd(self, sigma: float = 1.0) -> float:
        r"""Standard deviation :math:`\sqrt{\operatorname{Var} w}` (:meth:`variance`).

        With a hyperprior of shape :math:`r \le 1` the variance is infinite; the stand-in
        is then the sd :math:`\sqrt2\,\sigma/\lambda` of the Laplace at the prior mean
        :math:`E[\lambda^2] = r/\delta`, i.e. :math:`\sigma\sqrt{2\delta/r}`.
        """
        v = self.variance(sigma)
        if math.isfinite(v):
            return math.sqrt(v)
        r, delta = self.lam_prior  # type: ignore[misc]
        return check_scale("sigma", sigma) * math.sqrt(2.0 * delta / r)

    def scale_mixture(self):
        """Park & Casella's hierarchy :math:`w_j\\mid\\sigma^2,\\tau_j^2\\sim\\mathcal N(0, \\sigma^2\\tau_j^2)`
        (:class:`~bayesreg.priors.mixtures.BayesianLassoMixture`)."""
        from bayesreg.priors.mixtures import BayesianLassoMixture

        if self.lam is not None:
            return BayesianLassoMixture(lam2=self.lam**2)
        return BayesianLassoMixture(lam2_prior=self.lam_prior)

    # ----------------------------------------------------------- penalty
    def penalty(self, sigma: float) -> Penalty:
        sigma = check_scale("sigma", sigma)
        if self.lam is None:
            raise ValueError(
                "BayesianLasso with a hyperprior on λ has no fixed penalty; "
                "use sample_posterior for its posterior"
            )
        return Penalty(l1=sigma * self.lam, l2=0.0)

    @classmethod
    def from_penalty(cls, penalty: Penalty, sigma: float) -> BayesianLasso:
        sigma = check_scale("sigma", sigma)
        if penalty.l2 != 0 or penalty.l1 <= 0:
            raise ValueError(f"a Bayesian lasso needs a pure L1 penalty, got {penalty}")
        return cls(lam=penalty.l1 / sigma)

    # -------------------------------------------------------------- PyMC
    def pymc_data(self) -> dict[str, float]:
        """Hyper-parameter values that :meth:`to_pymc` reads from ``pm.Data`` (re-fits swap them)."""
        if self.lam is not None:
            return {"lam": self.lam}
        return {"lam_r": self.lam_prior[0], "lam_delta": self.lam_prior[1]}  # type: ignore[index]

    def pymc_structure(self) -> tuple:
        """What fixes the compiled graph (hyper-parameter *values* do not)."""
        return ("BayesianLasso", "fixed" if self.lam is not None else "gamma")

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, sigma: Any = None,
                data: dict[str, Any] | None = None):
        r"""``w ~ Laplace(0, σ/λ)``; with a hyperprior also ``lam_sq ~ Gamma(r, δ)``, ``lam = √lam_sq``.

        ``data`` maps the names of :meth:`pymc_data` to tensors (``pm.Data``) to use in
        place of the stored floats; ``sigma`` defaults to 1.
        """
        import pymc as pm
        import pytensor.tensor as pt

        vals = dict(self.pymc_data()) if data is None else data
        sigma = 1.0 if sigma is None else sigma
        if self.lam is not None:
            lam = vals["lam"]
        else:
            lam_sq = pm.Gamma("lam_sq", alpha=vals["lam_r"], beta=vals["lam_delta"])
            lam = pm.Deterministic("lam", pt.sqrt(lam_sq))
        return pm.Laplace(name, mu=0.0, b=sigma / lam, dims=dims, shape=shape)

    def __repr__(self) -> str:
        if self.lam is not None:
            return f"BayesianLasso(lam={self.lam:.6g})"
        return f"BayesianLasso(lam_prior=({self.lam_prior[0]:.6g}, {self.lam_prior[1]:.6g}))"  # type: ignore[index]


def _marginal_logpdf(a: np.ndarray, r: float, delta: float) -> np.ndarray:
    r"""Log of :math:`\int_0^\infty \frac{\lambda}{2} e^{-\lambda a}\, p(\lambda)\, d\lambda` for
    :math:`\lambda^2 \sim \mathrm{Gamma}(r, \delta)` and :math:`a = |w|/\sigma \ge 0`.

    With :math:`p(\lambda) = 2\lambda\,\delta^r\lambda^{2r-2}e^{-\delta\lambda^2}/\Gamma(r)`
    the integral is :math:`\frac{\delta^r}{\Gamma(r)}\int_0^\infty \lambda^{2r}
    e^{-\delta\lambda^2 - a\lambda}\,d\lambda`, and (Gradshteyn & Ryzhik 3.462.1)

    .. math::

        \int_0^\infty x^{\nu-1}e^{-\beta x^2-\gamma x}dx
        = (2\beta)^{-\nu/2}\,\Gamma(\nu)\,e^{\gamma^2/(8\beta)}\,
          D_{-\nu}\!\big(\gamma/\sqrt{2\beta}\big)

    with :math:`\nu = 2r + 1`. Where :math:`D_{-\nu}(x)` underflows (large x) its
    asymptotic series :math:`x^{-\nu}e^{-x^2/4}\big(1 - \frac{\nu(\nu+1)}{2x^2}
    + \frac{\nu(\nu+1)(\nu+2)(\nu+3)}{8x^4}\big)` is used.
    """
    from scipy import special

    a = np.asarray(a, dtype=float)
    nu = 2.0 * r + 1.0
    x = a / math.sqrt(2.0 * delta)
    d = special.pbdv(-nu, x)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        series = 1 - nu * (nu + 1) / (2 * x**2) + nu * (nu + 1) * (nu + 2) * (nu + 3) / (8 * x**4)
        log_d = np.where(
            d > 1e-280, np.log(np.where(d > 0, d, 1.0)),
            -nu * np.log(np.where(x > 0, x, 1.0)) - x**2 / 4 + np.log(np.abs(series)),
        )
    const = (
        r * math.log(delta) - special.gammaln(r) - 0.5 * nu * math.log(2 * delta)
        + special.gammaln(nu)
    )
    return const + a**2 / (8 * delta) + log_d
