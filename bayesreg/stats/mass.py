r"""The probability of a "practically zero" coefficient, :math:`P(|\beta_j| < \varepsilon)`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.priors import Prior, check_prior
from bayesreg.priors._base import check_scale
from bayesreg.stats._access import SAMPLE_DIMS, feature_dim, posterior_coef

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["EPS_FRACTION", "prior_sd", "default_eps", "prior_mass_near_zero", "posterior_mass_near_zero"]

#: default ε as a fraction of the prior standard deviation (see :func:`default_eps`).
EPS_FRACTION = 0.1


def prior_sd(prior: Prior) -> float:
    r"""The prior's typical coefficient scale, :meth:`Prior.sd() <bayesreg.priors.Prior.sd>`.

    The standard deviation :math:`\sqrt{\operatorname{Var} w}` where it is finite; a
    prior with infinite variance states its own stand-in (see its ``sd``).
    """
    return float(check_prior(prior).sd())


def default_eps(priors: Prior | Mapping[str, Prior] | Sequence[Prior]) -> float:
    r"""Default half-width ε of the "practically zero" interval :math:`(-\varepsilon, \varepsilon)`.

    .. math::

        \varepsilon = 0.1 \times \Bigl(\prod_{k=1}^{K} \mathrm{sd}_k\Bigr)^{1/K},

    a tenth of the (geometric mean) prior standard deviation (:func:`prior_sd`): an
    effect small compared with what the priors consider a typical coefficient. With
    priors of matched variance (:func:`~bayesreg.stats.matched_variance_priors`) this is
    a tenth of their common sd, so every prior is judged on the same interval. Pass ε
    explicitly when the units of the problem suggest a better threshold (for
    standardised predictors and outcome, a region of practical equivalence of ±0.05 is
    common).
    """
    if isinstance(priors, Prior):
        priors = [priors]
    elif isinstance(priors, Mapping):
        priors = list(priors.values())
    sds = [prior_sd(p) for p in priors]
    if not sds:
        raise ValueError("default_eps needs at least one prior")
    return EPS_FRACTION * float(np.exp(np.mean(np.log(sds))))


def prior_mass_near_zero(prior: Prior, eps: float) -> float:
    r"""Prior probability :math:`P(|w| < \varepsilon) = \int_{-\varepsilon}^{\varepsilon} p(w)\,dw`.

    Delegates to the prior (closed forms: :math:`\operatorname{erf}(\varepsilon/(\tau\sqrt2))`
    for the Gaussian, :math:`1 - e^{-\varepsilon/b}` for the Laplace).
    """
    return float(check_prior(prior).mass_near_zero(check_scale("eps", eps)))


def posterior_mass_near_zero(
    dt: Any, eps: float, *, var_name: str = "coef", group: str = "posterior"
) -> xr.DataArray:
    r"""Posterior probability :math:`P(|\beta_j| < \varepsilon \mid y)` for each coefficient.

    Estimated by the fraction of draws inside the interval,

    .. math::

        \hat P_j = \frac{1}{CD}\sum_{c=1}^{C}\sum_{d=1}^{D}
                   \mathbf 1\{|\beta_j^{(c,d)}| < \varepsilon\},

    whose Monte Carlo standard error is at most :math:`\sqrt{\hat P_j(1-\hat P_j)/\mathrm{ESS}}`.

    Parameters
    ----------
    dt : xarray.DataTree
        Posterior draws with ``group/var_name`` of dims ``(chain, draw, feature)``.
    eps : float
        Half-width ε > 0 (see :func:`default_eps`).

    Returns
    -------
    xarray.DataArray
        Dims ``(feature,)``, values in [0, 1].
    """
    eps = check_scale("eps", eps)
    da = posterior_coef(dt, var_name, group)
    feature_dim(da)
    out = (abs(da) < eps).mean([d for d in SAMPLE_DIMS if d in da.dims])
    out.name = f"P(|{var_name}|<eps)"
    out.attrs["eps"] = eps
    return out
