r"""The posterior problem: what every sampler backend is handed.

A :class:`PosteriorProblem` is the pair the samplers share — a datafit (the likelihood)
and a coefficient prior — plus the treatment of the noise scale σ and the feature names:

.. math::

    p(w, b, \sigma \mid y) \;\propto\; p(y \mid b + Xw, \sigma)\,\prod_j p(w_j \mid \sigma)\;p(\sigma),

with a flat prior on the intercept :math:`b`. The noise σ is

* ``"fixed"`` (``sigma=<float>``): a constant, not in the posterior;
* ``"half-t"`` (``sigma=None``): :math:`\sigma \sim \text{half-}t_3(0, s)`, weakly
  informative, :math:`s` the weighted standard deviation of ``y`` unless ``sigma_scale``
  is given;
* ``"jeffreys"`` (``sigma="jeffreys"``): :math:`p(\sigma^2) \propto 1/\sigma^2`, sampled as
  a flat :math:`\log\sigma` (since :math:`p(\log\sigma) = \sigma\,p(\sigma) \propto 1`);
* ``"none"``: the likelihood has no noise scale (``Datafit.has_noise_scale`` is False).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg._validation import check_positive, check_sigma, feature_names
from bayesreg.datafits import Datafit
from bayesreg.priors import Prior, check_prior

__all__ = [
    "PosteriorProblem", "ModelKey", "SIGMA_MODES", "sigma_mode", "COEF", "prior_params",
    "default_feature_names",
]

#: how σ is treated (see the module docstring)
SIGMA_MODES = ("fixed", "half-t", "jeffreys", "none")

#: name of the coefficient variable in every posterior
COEF = "coef"

#: variables the model itself adds as re-parametrisations (never reported): the flat
#: intercept offset of the Gaussian likelihood and the flat log σ of the Jeffreys prior
MODEL_INTERNAL = ("intercept_offset", "log_sigma")


def sigma_mode(sigma: Any, *, has_noise_scale: bool = True) -> str:
    """``"fixed"`` for a number, ``"half-t"`` for None, ``"jeffreys"`` for that string;
    ``"none"`` (and ``sigma`` must be None) for a likelihood without a noise scale."""
    if not has_noise_scale:
        if sigma is not None:
            raise ValueError(f"this likelihood has no noise scale: sigma must be None, got {sigma!r}")
        return "none"
    if sigma is None:
        return "half-t"
    if isinstance(sigma, str):
        if sigma.lower() == "jeffreys":
            return "jeffreys"
        raise ValueError(
            f"sigma must be a positive float (fixed noise), None (learned, half-t prior) or "
            f"'jeffreys' (learned, p(sigma^2) ~ 1/sigma^2); got {sigma!r}"
        )
    return "fixed"


@dataclass(frozen=True)
class ModelKey:
    """What fixes a compiled model; everything else is data swapped between fits."""

    family: str
    prior_structure: tuple
    n_features: int
    fit_intercept: bool
    sigma_mode: str
    #: the datafit's :meth:`~bayesreg.datafits.Datafit.pymc_structure` (the Gaussian
    #: likelihood's row or sufficient-statistics form)
    datafit_structure: tuple = ()


@dataclass(frozen=True, eq=False)
class PosteriorProblem:
    """A datafit, a coefficient prior and the σ treatment: the input of every backend.

    Attributes
    ----------
    datafit : Datafit
        The likelihood, holding the validated ``X``, ``y``, weights and intercept flag.
    prior : Prior
        The i.i.d. prior of the coefficients.
    sigma_mode : {"fixed", "half-t", "jeffreys", "none"}
    sigma : float or None
        The fixed noise scale (``sigma_mode == "fixed"`` only).
    sigma_scale : float or None
        The scale of the half-t prior on σ (``sigma_mode == "half-t"`` only).
    feature_names : tuple of str
        The ``feature`` coordinates of the posterior.
    """

    datafit: Datafit
    prior: Prior
    sigma_mode: str
    sigma: float | None
    sigma_scale: float | None
    feature_names: tuple[str, ...]

    @classmethod
    def from_data(
        cls, X: Any, y: Any, prior: Prior, *, sigma: float | str | None = None,
        sigma_scale: float | None = None, fit_intercept: bool = True, sample_weight: Any = None,
        family: str = "gaussian", check_input: bool = True, feature_names: Any = None,
    ) -> PosteriorProblem:
        """Validate the inputs and build the problem (see :func:`bayesreg.sample_posterior`).

        The datafit is the ``family``'s (:mod:`bayesreg.families`), built by its own
        ``from_data`` (which validates ``X``, ``y`` and the weights, and codes ``y``, unless
        ``check_input=False``: then they must be validated float64 arrays already). The
        feature names are ``feature_names``, else a DataFrame's string columns, else
        ``x0, x1, ...``.
        """
        from bayesreg.families import likelihood_family

        prior = check_prior(prior)
        datafit_cls = likelihood_family(family).cls
        mode = sigma_mode(sigma, has_noise_scale=datafit_cls.has_noise_scale)
        if mode == "fixed":
            sigma = check_sigma(sigma)
        if sigma_scale is not None:
            if mode != "half-t":
                raise ValueError(
                    "sigma_scale is the scale of the half-t prior on sigma: use it with sigma=None"
                )
            sigma_scale = check_positive("sigma_scale", sigma_scale)
        datafit = datafit_cls.from_data(
            X, y, sample_weight, bool(fit_intercept), check_input=bool(check_input),
        )
        if mode == "half-t" and sigma_scale is None:
            # the weighted sd of y (read from the rows: no statistics pass when p > n)
            y_scale = getattr(datafit, "y_scale", None)
            if y_scale is None:
                raise TypeError(
                    f"{type(datafit).__name__} has no scale of y for the half-t prior on sigma: "
                    "pass sigma_scale"
                )
            sigma_scale = float(y_scale)
        names = _feature_names(X, feature_names, datafit.n_features)
        return cls(
            datafit=datafit, prior=prior, sigma_mode=mode,
            sigma=float(sigma) if mode == "fixed" else None,  # type: ignore[arg-type]
            sigma_scale=sigma_scale, feature_names=tuple(str(n) for n in names),
        )

    @property
    def n_features(self) -> int:
        return self.datafit.n_features

    @property
    def fit_intercept(self) -> bool:
        return self.datafit.fit_intercept

    @property
    def family(self) -> str:
        return self.datafit.family

    @property
    def key(self) -> ModelKey:
        """The structure of the compiled model (:class:`ModelKey`)."""
        return ModelKey(
            self.family, tuple(self.prior.pymc_structure()), self.n_features,
            self.fit_intercept, self.sigma_mode, tuple(self.datafit.pymc_structure()),
        )

    def noise_data(self) -> dict[str, float]:
        """The values of the σ treatment read through ``pm.Data``."""
        if self.sigma_mode == "fixed":
            return {"sigma_fixed": float(self.sigma)}  # type: ignore[arg-type]
        if self.sigma_mode == "half-t":
            return {"sigma_scale": float(self.sigma_scale)}  # type: ignore[arg-type]
        return {}

    def data(self) -> dict[str, np.ndarray]:
        """Every ``pm.Data`` value of one fit: the datafit's, the prior's and the noise's."""
        parts = (self.datafit.pymc_data(), self.prior.pymc_data(), self.noise_data())
        values: dict[str, np.ndarray] = {}
        for part in parts:
            for name, value in part.items():
                if name in values:
                    raise ValueError(f"two parts of the model both name their data {name!r}")
                values[name] = np.asarray(value, dtype=np.float64)
        return values

    def attrs(self) -> dict[str, Any]:
        """What a posterior's ``attrs`` record of the problem, machine-readable.

        ``prior`` (its repr), ``prior_family`` (the :mod:`bayesreg.families` registry name),
        ``prior_params`` (the prior's dataclass fields as a JSON object, exact: floats
        round-trip, tuples and arrays as lists), ``family`` (the likelihood), ``sigma_mode``,
        ``sigma`` (when fixed), ``sigma_scale`` (the half-t prior's scale, when learned so),
        ``fit_intercept`` (0 or 1).
        """
        from bayesreg.families import prior_family

        out: dict[str, Any] = {
            "prior": repr(self.prior), "prior_family": prior_family(self.prior).name,
            "prior_params": prior_params(self.prior), "family": self.family,
            "sigma_mode": self.sigma_mode, "fit_intercept": int(self.fit_intercept),
        }
        if self.sigma is not None:
            out["sigma"] = float(self.sigma)
        if self.sigma_scale is not None:
            out["sigma_scale"] = float(self.sigma_scale)
        return out

    @property
    def named_features(self) -> bool:
        """Whether the feature names came with the data (not the ``x0, x1, ...`` default)."""
        return self.feature_names != default_feature_names(self.n_features)

    def internal_variables(self) -> tuple[str, ...]:
        """Model variables that are re-parametrisations, dropped from the posterior."""
        return (*self.prior.internal_variables(COEF), *MODEL_INTERNAL)


def default_feature_names(n_features: int) -> tuple[str, ...]:
    """``("x0", "x1", ...)``: the names of features that came without any."""
    return tuple(f"x{j}" for j in range(n_features))


def _feature_names(X: Any, given: Any, n_features: int) -> tuple[str, ...]:
    """``given`` (checked against a DataFrame's own columns), the columns, or the default."""
    from_data = feature_names(X)
    if given is None:
        return default_feature_names(n_features) if from_data is None else tuple(map(str, from_data))
    names = tuple(str(n) for n in np.asarray(given, dtype=object).ravel())
    if len(names) != n_features or len(set(names)) != n_features:
        raise ValueError(
            f"feature_names must be {n_features} distinct names, one per column of X, got {len(names)}"
            + ("" if len(set(names)) == len(names) else " with repeats")
        )
    if from_data is not None and tuple(map(str, from_data)) != names:
        raise ValueError("feature_names differ from the column names of X; pass one or the other")
    return names


def prior_params(prior: Prior) -> str:
    """The prior's dataclass fields as a JSON object (``'{"scale": 0.5}'``), exact to the bit.

    A flat coefficient's infinite scale is written ``Infinity`` (as :func:`json.dumps` does,
    and :func:`json.loads` reads back); a scale is never NaN.
    """
    import json
    from dataclasses import fields

    def plain(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        return value.item() if isinstance(value, np.generic) else value

    return json.dumps({f.name: plain(getattr(prior, f.name)) for f in fields(prior)})
