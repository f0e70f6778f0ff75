r"""Priors of equal variance and the density of one coefficient, for the priors figure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.priors import Gaussian, Horseshoe, Laplace, Prior
from bayesreg.priors._base import check_scale

__all__ = ["matched_variance_priors", "Density", "prior_density"]


def matched_variance_priors(variance: float = 1.0, *, horseshoe: bool = False) -> dict[str, Prior]:
    r"""Gaussian and Laplace (and optionally horseshoe) priors with the same variance :math:`v`.

    .. math::

        \tau = \sqrt v \quad(\operatorname{Var} = \tau^2), \qquad
        b = \sqrt{v/2} \quad(\operatorname{Var} = 2b^2).

    At equal variance the Laplace puts more mass near zero *and* in the tails: its
    density at 0 is :math:`1/(2b) = 1/\sqrt{2v}` against the Gaussian's
    :math:`1/\sqrt{2\pi v}`.

    The regularised horseshoe (:class:`bayesreg.priors.Horseshoe`) has a finite variance
    but no closed form for it. Its coefficient is :math:`z\tau\tilde\lambda` with
    :math:`\tau \propto \tau_0` and :math:`c \propto s`, so scaling both
    :math:`\tau_0` and :math:`s` by :math:`k` scales every draw by :math:`k` and the
    variance by :math:`k^2`. Starting from the default shape (:math:`\tau_0 = 0.1`,
    :math:`s = 2`, :math:`\nu = 4`), :math:`k = \sqrt{v/v_1}` with :math:`v_1` the
    prior's own (Monte Carlo) variance at :math:`k = 1`.
    """
    v = check_scale("variance", variance)
    out: dict[str, Prior] = {"Gaussian": Gaussian(scale=math.sqrt(v)), "Laplace": Laplace(scale=math.sqrt(v / 2))}
    if horseshoe:
        unit = Horseshoe()
        k = math.sqrt(v / unit.variance())
        out["Horseshoe"] = Horseshoe(
            global_scale=unit.global_scale * k, slab_scale=unit.slab_scale * k, slab_df=unit.slab_df
        )
    return out


@dataclass(frozen=True)
class Density:
    """A prior density on a grid: exact (from ``logpdf``) or a Monte Carlo histogram.

    Attributes
    ----------
    x : ndarray
        Grid (exact) or bin centres (Monte Carlo).
    density : ndarray
    exact : bool
    """

    x: np.ndarray
    density: np.ndarray
    exact: bool


def prior_density(prior: Prior, x_max: float, *, n_grid: int = 2001, n_draws: int = 400_000,
                  n_bins: int = 301, random_state: Any = 0) -> Density:
    r"""Density of one coefficient on :math:`[-x_{\max}, x_{\max}]`.

    :math:`\exp(\log p(w))` on an odd grid (so 0 is on it) when the prior has a
    closed-form ``logpdf``; otherwise (the horseshoe) the histogram of ``n_draws`` prior
    draws in ``n_bins`` equal bins, normalised by all draws (mass outside the range is
    not redistributed), whose value in a bin of width :math:`h` holding :math:`m` draws
    is :math:`m/(N h)`, with standard error :math:`\sqrt m/(N h)`.
    """
    x_max = check_scale("x_max", x_max)
    try:
        w = np.linspace(-x_max, x_max, int(n_grid) | 1)
        return Density(w, np.exp(np.asarray(prior.logpdf(w), dtype=float)), True)
    except NotImplementedError:
        pass
    draws = np.asarray(prior.rvs(int(n_draws), random_state=random_state), dtype=float)
    edges = np.linspace(-x_max, x_max, (int(n_bins) | 1) + 1)
    counts, _ = np.histogram(draws, bins=edges)
    h = edges[1] - edges[0]
    return Density(0.5 * (edges[1:] + edges[:-1]), counts / (draws.size * h), False)
