r"""Posterior inclusion probabilities :math:`P(\gamma_j = 1\mid y)` of a spike-and-slab posterior."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bayesreg.stats._access import SAMPLE_DIMS, feature_dim, posterior_coef

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from bayesreg.priors import Prior

__all__ = ["INCLUSION", "has_inclusion", "inclusion_probability", "prior_inclusion_probability"]

#: the posterior variable of per-draw conditional inclusion probabilities
#: (:class:`~bayesreg.priors.mixtures.SpikeAndSlabMixture`)
INCLUSION = "inclusion"


def has_inclusion(dt: Any, *, var_name: str = INCLUSION, group: str = "posterior") -> bool:
    """Whether a posterior DataTree records inclusion probabilities (``group/var_name``)."""
    try:
        posterior_coef(dt, var_name, group)
    except KeyError:
        return False
    return True


def inclusion_probability(
    dt: Any, *, var_name: str = INCLUSION, group: str = "posterior"
) -> xr.DataArray:
    r"""Posterior inclusion probability :math:`P(\gamma_j = 1\mid y)` of each coefficient.

    Under the spike and slab :math:`w_j\mid\gamma_j\sim\mathcal N(0, \gamma_j s_1^2 +
    (1-\gamma_j)s_0^2)`, :math:`\gamma_j\mid\theta\sim\mathrm{Bernoulli}(\theta)`, the Gibbs
    sampler records at every draw :math:`d` the conditional probability

    .. math::

        \pi_j^{(d)} = P(\gamma_j = 1\mid w_j^{(d)}, \theta^{(d)}) =
            \frac{\theta\,\mathcal N(w_j\mid 0, s_1^2)}{\theta\,\mathcal N(w_j\mid 0, s_1^2)
            + (1-\theta)\,\mathcal N(w_j\mid 0, s_0^2)},

    and, since :math:`P(\gamma_j = 1\mid y) = E[\pi_j\mid y]` (the indicators are
    conditionally independent given :math:`w` and θ), the Rao–Blackwellised estimate is the
    mean over chains and draws,

    .. math::

        \hat P(\gamma_j = 1\mid y) = \frac{1}{CD}\sum_{c=1}^{C}\sum_{d=1}^{D}\pi_j^{(c,d)},

    with a smaller Monte Carlo error than the fraction of draws with :math:`\gamma_j = 1`.
    :math:`1 - \hat P` is the posterior probability that the coefficient is in the spike.

    Parameters
    ----------
    dt : xarray.DataTree
        A posterior with ``group/var_name`` of dims ``(chain, draw, feature)``, such as
        :func:`bayesreg.sample_posterior` returns for
        :class:`~bayesreg.priors.SpikeAndSlab` with ``sampler="gibbs"``.

    Returns
    -------
    xarray.DataArray
        Dims ``(feature,)``, values in [0, 1].

    Raises
    ------
    KeyError
        When the posterior has no ``var_name`` (a prior without indicators, or a NUTS
        posterior, which sums the indicators out).
    """
    da = posterior_coef(dt, var_name, group)
    feature_dim(da)
    out = da.mean([d for d in SAMPLE_DIMS if d in da.dims])
    out.name = "P(gamma=1|y)"
    return out


def prior_inclusion_probability(prior: Prior) -> float | None:
    r"""The prior probability :math:`P(\gamma_j = 1) = E\theta` of a prior with inclusion
    indicators (θ when fixed, :math:`a/(a+b)` under :math:`\theta\sim\mathrm{Beta}(a, b)`),
    or None for a prior without them."""
    value = getattr(prior, "mean_inclusion", None)
    return None if value is None else float(value)
