r"""The one registry of families: every name, alias, scikit-learn twin, colour and label.

Everything that needs to know about a prior family or a likelihood family — the
converters, the command line, the scikit-learn validation grid, the estimators, the plots
and the demo — reads these two tables, so a new family is one entry here (plus its class).

* :data:`PRIOR_FAMILIES`: coefficient priors (``gaussian``, ``laplace``, ``elasticnet``,
  ``bayesianlasso``, ``horseshoe``, ``horseshoeplus``, ``spikeandslab``).
* :data:`LIKELIHOOD_FAMILIES`: datafits (``gaussian``, ``bernoulli``, ``poisson``).

A *scale* (:data:`Scale`) is what a penalty family is built from: one number ``s`` is every
scale the family has, a pair ``(b, τ)`` a Laplace ``b`` and a Gaussian ``τ`` (the elastic
net takes both, the Laplace prior ``b``, the Gaussian prior ``τ``), so one list of pairs
serves every family. Written as text it is ``"0.5"`` or ``"B:T"`` (:func:`parse_scale`).

>>> from bayesreg.families import prior_family
>>> prior_family("lasso").name, prior_family("lasso").sklearn
('laplace', 'Lasso')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from bayesreg._validation import check_positive

__all__ = [
    "PriorFamily", "LikelihoodFamily", "PRIOR_FAMILIES", "LIKELIHOOD_FAMILIES",
    "prior_family", "penalty_family", "likelihood_family", "PENALTY_FAMILIES",
    "Scale", "parse_scale", "prior_scale", "path_axis_label",
]

#: a scale given on the command line or to a grid: one number, or a (Laplace b, Gaussian τ) pair
Scale = float | tuple[float, float]


def _load(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class PriorFamily:
    """One coefficient-prior family.

    Attributes
    ----------
    name : str
        Canonical lower-case name.
    prior_class : str
        Dotted path of the :class:`~bayesreg.priors.Prior` subclass (imported on use).
    label : str
        Display name in plots and tables.
    aliases : tuple of str
        Other names accepted wherever a family is named (CLI, grids), case-insensitively.
    sklearn : str or None
        The scikit-learn estimator whose solution is the MAP (None: no fixed penalty).
    estimator : str or None
        bayesreg's preset estimator in :mod:`bayesreg.estimators`.
    color : str
        Plot colour (Okabe-Ito palette, colour-blind safe).
    axis_label : str or None
        x-axis label of its regularisation path, with ``{dispersion}`` where the likelihood's
        dispersion goes (σ² for the Gaussian family, 1 for a family without a noise scale):
        read it through :meth:`path_label` (or :func:`path_axis_label`), which fills it in.
    make : callable
        ``make(scale)`` builds the prior from a :data:`Scale` (one number is every scale the
        family has; a pair is a Laplace ``b`` and a Gaussian ``τ``).
    """

    name: str
    prior_class: str
    label: str
    aliases: tuple[str, ...] = ()
    sklearn: str | None = None
    estimator: str | None = None
    color: str = "#000000"
    axis_label: str | None = None
    make: Callable[[Scale], Any] | None = field(default=None, repr=False, compare=False)

    @property
    def cls(self) -> type:
        """The prior class."""
        return _load(self.prior_class)

    @property
    def penalty_kind(self) -> str | None:
        """The :attr:`Penalty.kind <bayesreg.penalty.Penalty.kind>` of this family's priors
        (``"ridge"``, ``"lasso"``, ``"elasticnet"``), None without a fixed penalty."""
        return None if self.make is None else self.prior(1.0).penalty(1.0).kind

    @property
    def estimator_class(self) -> type:
        """The preset estimator class; its parameters are the prior's fields, then ``sigma`` and
        ``fit_intercept`` (``RidgeMAP(scale, ...)``, ``ElasticNetMAP(l1_scale, l2_scale, ...)``)."""
        if self.estimator is None:
            raise ValueError(f"the {self.name} family has no preset estimator")
        return _load(f"bayesreg.estimators.{self.estimator}")

    def path_label(self, likelihood: Any = "gaussian") -> str:
        """The x-axis label of this prior's regularisation path under ``likelihood`` (a name,
        alias or :class:`LikelihoodFamily`): ``"λ₁ = σ²/b  (Laplace prior)"`` for the
        Gaussian family, ``"λ₁ = 1/b  (Laplace prior)"`` for one with dispersion 1; ``"λ"``
        for a family without a fixed penalty."""
        lik = likelihood if isinstance(likelihood, LikelihoodFamily) else likelihood_family(likelihood)
        if self.axis_label is None:
            return "λ"
        return self.axis_label.format(dispersion=lik.dispersion_symbol)

    def prior(self, scale: Scale) -> Any:
        """The prior of this family at ``scale``."""
        if self.make is None:
            raise ValueError(f"the {self.name} family is not built from a scale; construct {self.label}(...)")
        return self.make(scale)


@dataclass(frozen=True)
class LikelihoodFamily:
    """One likelihood family (a datafit).

    Attributes
    ----------
    name : str
        Canonical lower-case name.
    datafit_class : str
        Dotted path of the :class:`~bayesreg.datafits.Datafit` subclass.
    label : str
    aliases : tuple of str
    link : str
        Link function of the linear predictor.
    sklearn : mapping
        Penalty kind (``"l2"``, ``"l1"``, ``"elasticnet"``) → scikit-learn estimator name
        (a kind missing here has no scikit-learn twin).
    estimator : str or None
        bayesreg's MAP estimator for the family, as ``"module.Class"`` under ``bayesreg``.
    builtin : str
        The dataset ``bayesreg validate`` and ``bayesreg fit`` use without ``--data``
        (:data:`bayesreg.data.BUILTIN_DATASETS`: bundled with scikit-learn, no download).
    """

    name: str
    datafit_class: str
    label: str
    aliases: tuple[str, ...] = ()
    link: str = "identity"
    sklearn: Mapping[str, str] = field(default_factory=dict)
    estimator: str | None = None
    builtin: str = "diabetes"

    @property
    def cls(self) -> type:
        """The datafit class."""
        return _load(self.datafit_class)

    @property
    def estimator_class(self) -> type:
        """bayesreg's MAP estimator class for the family (e.g. :class:`~bayesreg.LogisticMAP`)."""
        if self.estimator is None:
            raise ValueError(f"the {self.name} family has no estimator of its own; use the prior presets")
        return _load(f"bayesreg.{self.estimator}")

    @property
    def has_noise_scale(self) -> bool:
        """Whether the likelihood has a noise scale σ (dispersion σ²); else φ = 1."""
        return bool(self.cls.has_noise_scale)

    @property
    def dispersion_symbol(self) -> str:
        """The dispersion φ as written in penalty formulas: ``"σ²"`` (λ₁ = σ²/b), or ``"1"``
        for a family without a noise scale (λ₁ = 1/b)."""
        return "σ²" if self.has_noise_scale else "1"

    def penalty_sigma(self, sigma: Any) -> float:
        """The σ at which a prior's penalty is in this family's dispersion units.

        A family with a noise scale needs ``sigma`` (a finite float > 0) and returns it; a
        family without one (dispersion 1) refuses any ``sigma`` other than None and
        returns 1.0, so that ``prior.penalty(family.penalty_sigma(sigma))`` is always the
        MAP's penalty.
        """
        from bayesreg._validation import check_sigma

        if self.has_noise_scale:
            if sigma is None:
                raise ValueError(f"the {self.name} family needs sigma, the noise standard deviation")
            return check_sigma(sigma)
        if sigma is not None:
            raise ValueError(
                f"the {self.name} family has no noise scale (its dispersion is 1): sigma plays "
                f"no part in its likelihood or its penalty, so pass no sigma (got {sigma!r})"
            )
        return 1.0

    def sklearn_name(self, kind: str) -> str | None:
        """The scikit-learn estimator for a :attr:`Penalty.kind <bayesreg.penalty.Penalty.kind>`
        (``"ridge"``, ``"lasso"``, ``"elasticnet"``), or None if it has none."""
        key = {"ridge": "l2", "lasso": "l1"}.get(kind, kind)
        return self.sklearn.get(key)

    def sklearn_twin(self, prior: PriorFamily) -> str:
        """The scikit-learn estimator whose solution is the MAP of a ``prior`` family under this
        likelihood; a ValueError naming the choices when scikit-learn has none."""
        name = self.sklearn_name(prior.penalty_kind) if prior.penalty_kind else None
        if name is None:
            twins = ", ".join(f"{k}: {v}" for k, v in self.sklearn.items())
            raise ValueError(
                f"scikit-learn has no {self.name} estimator for the {prior.name} prior "
                f"({prior.penalty_kind} penalty; its {self.name} estimators: {twins}); "
                f"priors with a twin: {', '.join(self.twin_priors)}"
            )
        return name

    @property
    def twin_priors(self) -> tuple[str, ...]:
        """The :data:`PENALTY_FAMILIES` whose MAP has a scikit-learn twin under this likelihood
        (all three for the Gaussian and Bernoulli families; the Gaussian prior alone for Poisson,
        as scikit-learn has no L1 Poisson regression)."""
        return tuple(n for n in PENALTY_FAMILIES if self.sklearn_name(PRIOR_FAMILIES[n].penalty_kind))


def _pair(scale: Scale) -> tuple[float, float]:
    return scale if isinstance(scale, tuple) else (scale, scale)


def _gaussian(scale: Scale):
    from bayesreg.priors import Gaussian

    return Gaussian(_pair(scale)[1])


def _laplace(scale: Scale):
    from bayesreg.priors import Laplace

    return Laplace(_pair(scale)[0])


def _elasticnet(scale: Scale):
    from bayesreg.priors import ElasticNet

    b, t = _pair(scale)
    return ElasticNet(l1_scale=b, l2_scale=t)


#: coefficient priors, by canonical name
PRIOR_FAMILIES: dict[str, PriorFamily] = {
    f.name: f
    for f in (
        PriorFamily(
            "gaussian", "bayesreg.priors.Gaussian", "Gaussian", ("normal", "ridge", "l2"),
            sklearn="Ridge", estimator="RidgeMAP", color="#0072B2",
            axis_label="λ₂ = {dispersion}/τ²  (Gaussian prior)", make=_gaussian,
        ),
        PriorFamily(
            "laplace", "bayesreg.priors.Laplace", "Laplace", ("lasso", "l1"),
            sklearn="Lasso", estimator="LassoMAP", color="#D55E00",
            axis_label="λ₁ = {dispersion}/b  (Laplace prior)", make=_laplace,
        ),
        PriorFamily(
            "elasticnet", "bayesreg.priors.ElasticNet", "Elastic net",
            ("elastic-net", "elastic_net", "enet"),
            sklearn="ElasticNet", estimator="ElasticNetMAP", color="#E69F00",
            axis_label="λ₁  (elastic-net prior)", make=_elasticnet,
        ),
        PriorFamily(
            "bayesianlasso", "bayesreg.priors.BayesianLasso", "Bayesian lasso",
            ("bayesian-lasso", "bayesian_lasso", "blasso"), sklearn="Lasso", color="#CC79A7",
        ),
        PriorFamily(
            "horseshoe", "bayesreg.priors.Horseshoe", "Horseshoe", ("hs",), color="#009E73",
        ),
        PriorFamily(
            "horseshoeplus", "bayesreg.priors.HorseshoePlus", "Horseshoe+",
            ("horseshoe-plus", "horseshoe_plus", "hsplus"), color="#000000",
        ),
        PriorFamily(
            "spikeandslab", "bayesreg.priors.SpikeAndSlab", "Spike and slab",
            ("spike-and-slab", "spike_and_slab", "ssvs"), color="#56B4E9",
        ),
    )
}

#: the families a scale alone determines (the MAP-versus-scikit-learn grid runs over these)
PENALTY_FAMILIES = tuple(name for name, f in PRIOR_FAMILIES.items() if f.make is not None)

#: likelihoods, by canonical name
LIKELIHOOD_FAMILIES: dict[str, LikelihoodFamily] = {
    f.name: f
    for f in (
        LikelihoodFamily(
            "gaussian", "bayesreg.datafits.GaussianDatafit", "Gaussian", ("normal", "linear"),
            link="identity", sklearn={"l2": "Ridge", "l1": "Lasso", "elasticnet": "ElasticNet"},
        ),
        LikelihoodFamily(
            "bernoulli", "bayesreg.datafits.BernoulliDatafit", "Bernoulli",
            ("binomial", "logistic", "logit", "logisticregression"), link="logit",
            sklearn={"l2": "LogisticRegression", "l1": "LogisticRegression",
                     "elasticnet": "LogisticRegression"},
            estimator="glm_estimators.LogisticMAP", builtin="breast_cancer",
        ),
        LikelihoodFamily(
            "poisson", "bayesreg.datafits.PoissonDatafit", "Poisson",
            ("log-linear", "count", "counts", "poissonregressor"), link="log",
            sklearn={"l2": "PoissonRegressor"}, estimator="glm_estimators.PoissonMAP",
            builtin="diabetes_counts",
        ),
    )
}


def _lookup(table: Mapping[str, Any], name: Any, what: str) -> Any:
    key = "".join(str(name).strip().lower().split())
    for fam in table.values():
        if key == fam.name or key in fam.aliases:
            return fam
    choices = ", ".join(
        f"{f.name} ({'/'.join(f.aliases)})" if f.aliases else f.name for f in table.values()
    )
    raise ValueError(f"unknown {what} {name!r}; choose from {choices}")


def prior_family(name_or_prior: Any) -> PriorFamily:
    """The :class:`PriorFamily` of a name or alias (case-insensitive), or of a prior object."""
    from bayesreg.priors import Prior

    if isinstance(name_or_prior, Prior):
        cls = type(name_or_prior)
        for fam in PRIOR_FAMILIES.values():
            if fam.cls is cls:
                return fam
        raise ValueError(f"{cls.__name__} is not a registered prior family")
    return _lookup(PRIOR_FAMILIES, name_or_prior, "prior")


def penalty_family(name: Any) -> PriorFamily:
    """The :class:`PriorFamily` of a name or alias among :data:`PENALTY_FAMILIES` (those with a
    fixed penalty and a scikit-learn twin); a ``ValueError`` naming those choices otherwise."""
    return _lookup({n: PRIOR_FAMILIES[n] for n in PENALTY_FAMILIES}, name, "prior")


def parse_scale(text: str | float) -> Scale:
    """A :data:`Scale` from text: ``"0.5"``, or ``"B:T"`` for a Laplace ``b`` and a Gaussian ``τ``.

    Each number must be finite and > 0; a ``ValueError`` says what is wrong otherwise.
    """
    parts = text.split(":") if isinstance(text, str) else [text]
    if len(parts) > 2:
        raise ValueError(f"a scale pair is written B:T, got {text!r}")
    try:
        values = tuple(check_positive("scale", part) for part in parts)
    except TypeError:
        raise ValueError(f"scale must be a number, got {text!r}") from None
    return values if len(values) == 2 else values[0]


def prior_scale(prior: Any) -> Scale:
    """The :data:`Scale` of a penalty-family prior (the inverse of :meth:`PriorFamily.prior`):
    its one scale, or its ``(b, τ)`` pair for the elastic net."""
    values = tuple(float(getattr(prior, f.name)) for f in fields(prior))
    return values if len(values) == 2 else values[0]


def likelihood_family(name: Any) -> LikelihoodFamily:
    """The :class:`LikelihoodFamily` of a name or alias (case-insensitive)."""
    return _lookup(LIKELIHOOD_FAMILIES, name, "family")


def path_axis_label(path: Any) -> str:
    """The x-axis label of a :class:`~bayesreg.map.MapPath`: its prior family's
    :meth:`~PriorFamily.path_label` under its likelihood family (the one place the label is made)."""
    return prior_family(path.priors[0]).path_label(path.family)
