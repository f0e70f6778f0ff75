"""What the plots accept: one result or a mapping of them, read into labelled series.

Every plot that draws posteriors takes a single DataTree from
:func:`bayesreg.sample_posterior`, a fitted estimator that carries one (``posterior_``), a
sequence of them, or a mapping label -> either; the prior behind each posterior is read
from the DataTree (:func:`bayesreg.stats.posterior_prior`) unless given. Paths are a
:class:`~bayesreg.map.MapPath` or a mapping of them. An input of another kind is refused
with an error that names what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.families import prior_family
from bayesreg.priors import Prior
from bayesreg.stats import feature_dim, posterior_coef, posterior_prior

__all__ = [
    "as_datatree", "posterior_series", "series_priors", "unique_label", "path_series", "coef_vector",
    "select_features", "FeatureRows", "feature_rows",
]

_POSTERIOR = (
    "a posterior DataTree (from bayesreg.sample_posterior), a fitted estimator (or Pipeline "
    "ending in one) with a posterior_ (after .sample_posterior), or a mapping label -> either"
)


def _is_datatree(obj: Any) -> bool:
    import xarray as xr

    return isinstance(obj, xr.DataTree)


def as_datatree(obj: Any, where: str = "posterior") -> Any:
    """The DataTree of ``obj``: itself, an estimator's ``posterior_``, or that of the last step
    of a fitted scikit-learn Pipeline."""
    if hasattr(obj, "steps") and not _is_datatree(obj):
        obj = obj.steps[-1][1]
    if _is_datatree(obj):
        dt = obj
    elif getattr(obj, "posterior_", None) is not None:
        dt = obj.posterior_
    elif hasattr(obj, "coef_") or hasattr(obj, "result_"):
        raise TypeError(f"{where}: the {type(obj).__name__} has no posterior yet; call its "
                        ".sample_posterior(X, y) first (or pass the DataTree)")
    else:
        raise TypeError(f"{where}: expected {_POSTERIOR}; got {type(obj).__name__}")
    if "posterior" not in dt.children:
        raise ValueError(f"{where}: expected a posterior DataTree with a 'posterior' group; "
                         f"this one has groups {sorted(dt.children)}")
    return dt


def unique_label(base: str, taken: Any) -> str:
    """``base``, or ``"base (2)"``, ``"base (3)"``... the first not in ``taken``."""
    label, k = base, 1
    while label in taken:
        k += 1
        label = f"{base} ({k})"
    return label


def _label(dt: Any, fallback: str) -> str:
    try:
        return prior_family(posterior_prior(dt)).label
    except ValueError:
        return fallback


def posterior_series(posteriors: Any, var_name: str = "coef") -> dict[str, Any]:
    """Label -> posterior DataTree, from any of the accepted inputs (see the module).

    A single posterior is labelled with its prior family's label (``"Laplace"``), a
    sequence likewise (a repeated label gets `` (2)``, `` (3)``...). Every DataTree must
    hold ``posterior/<var_name>`` with the same feature coordinates as the first.
    """
    if isinstance(posteriors, Mapping) and not _is_datatree(posteriors):
        if not posteriors:
            raise ValueError(f"posteriors is empty; expected {_POSTERIOR}")
        out = {str(k): as_datatree(v, f"posteriors[{k!r}]") for k, v in posteriors.items()}
    elif isinstance(posteriors, (list, tuple)):
        if not posteriors:
            raise ValueError(f"posteriors is empty; expected {_POSTERIOR}")
        out = {}
        for i, item in enumerate(posteriors):
            dt = as_datatree(item, f"posteriors[{i}]")
            out[unique_label(_label(dt, f"posterior {i + 1}"), out)] = dt
    else:
        dt = as_datatree(posteriors, "posteriors")
        out = {_label(dt, "posterior"): dt}
    first_label, first = next(iter(out.items()))
    dim = feature_dim(posterior_coef(first, var_name))
    names = list(first["posterior"][dim].values)
    for label, dt in out.items():
        da = posterior_coef(dt, var_name)
        if feature_dim(da) != dim or list(da[dim].values) != names:
            raise ValueError(f"posterior {label!r} has other coefficients ({feature_dim(da)}) "
                             f"than {first_label!r} ({dim})")
    return out


def series_priors(posteriors: Mapping[str, Any], priors: Any = None, *, required: bool = True) -> dict[str, Any]:
    """Label -> the prior behind each posterior: from ``priors`` (a mapping, or one Prior
    for one posterior) where given, else read from the DataTree's attrs; a posterior whose
    prior is unknown is an error, or None with ``required=False``."""
    if isinstance(priors, Prior):
        if len(posteriors) != 1:
            raise ValueError("one prior given for several posteriors; pass a mapping label -> prior")
        priors = {next(iter(posteriors)): priors}
    given = dict(priors or {})
    out = {}
    for label, dt in posteriors.items():
        if label in given:
            out[label] = given[label]
            continue
        try:
            out[label] = posterior_prior(dt)
        except ValueError as exc:
            if not required:
                out[label] = None
                continue
            raise ValueError(f"no prior for posterior {label!r}: {exc} as priors={{{label!r}: prior}}") from None
    return out


def path_series(paths: Any) -> dict[str, Any]:
    """Panel title -> :class:`~bayesreg.map.MapPath`, from one path (titled with its
    scikit-learn twin, ``"Lasso"``, or its prior family where it has none) or a mapping of them."""
    from bayesreg.map import MapPath

    expected = "a MapPath (from bayesreg.map_path) or a mapping title -> MapPath"
    if isinstance(paths, MapPath):
        from bayesreg.families import prior_family

        return {paths.sklearn_name or prior_family(paths.priors[0]).label: paths}
    if not isinstance(paths, Mapping):
        raise TypeError(f"paths: expected {expected}; got {type(paths).__name__}")
    if not paths:
        raise ValueError(f"paths is empty; expected {expected}")
    for title, path in paths.items():
        if not isinstance(path, MapPath):
            raise TypeError(f"paths[{title!r}]: expected a MapPath; got {type(path).__name__}")
    return {str(k): v for k, v in paths.items()}


def coef_vector(obj: Any, n_features: int, where: str) -> np.ndarray:
    """The coefficients of a :class:`~bayesreg.map.MapResult` (``.coef``), a fitted estimator
    (``.coef_``, a bayesreg or scikit-learn one) or an array, checked to have ``n_features``."""
    for attr in ("coef", "coef_"):
        if hasattr(obj, attr):
            obj = getattr(obj, attr)
            break
    try:
        coef = np.asarray(obj, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected a MapResult, a fitted estimator or a coefficient array; "
                        f"got {type(obj).__name__}") from None
    if coef.size != n_features:
        raise ValueError(f"{where}: {coef.size} coefficients, but the posteriors have {n_features}")
    return coef


def select_features(
    names: Sequence[str], posteriors: Mapping[str, Any], features: Sequence[str] | None,
    max_features: int | None, var_name: str = "coef",
) -> list[int]:
    """Indices of the features to draw, in their own order.

    ``features`` names them; else ``max_features`` keeps that many with the largest
    posterior :math:`|\\mathrm{median}|` under any of the posteriors (from
    :func:`arviz_stats.median`); else all.
    """
    import arviz_stats as azs

    names = [str(n) for n in names]
    if features is not None:
        wanted = [str(f) for f in features]
        unknown = [f for f in wanted if f not in names]
        if unknown:
            shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
            raise ValueError(f"unknown features {unknown}; available: {shown}")
        return [names.index(f) for f in wanted]
    if max_features is None or int(max_features) >= len(names):
        return list(range(len(names)))
    if int(max_features) < 1:
        raise ValueError(f"max_features must be >= 1, got {max_features!r}")
    size = np.zeros(len(names))
    for dt in posteriors.values():
        med = azs.median(posterior_coef(dt, var_name), dim=["chain", "draw"], round_to="none")
        size = np.maximum(size, np.abs(np.asarray(med.values, dtype=float)))
    keep = np.argsort(-size, kind="stable")[: int(max_features)]
    return sorted(int(j) for j in keep)


@dataclass(frozen=True)
class FeatureRows:
    """The features a one-row-per-feature figure draws: feature ``index[r]`` at ``y[r] = -r``.

    Attributes
    ----------
    dim : str
        The feature dimension of the posteriors.
    names : list of str
        Every feature's name.
    index : ndarray of int
        The features shown (:func:`select_features`), in their own order.
    labels : list of str
        Their tick labels (:func:`~bayesreg.plots._style.short_labels`).
    note : str
        ``" (12 of 40 features)"`` when only some are shown, else empty.
    """

    dim: str
    names: list[str]
    index: np.ndarray
    labels: list[str]
    note: str

    @property
    def y(self) -> np.ndarray:
        return -np.arange(len(self.index), dtype=float)

    def apply(self, ax: Any) -> None:
        """Tick labels on the y-axis, one row per feature, first at the top."""
        ax.set_yticks(self.y, self.labels)
        ax.set_ylim(-len(self.index) + 0.4, 0.6)
        ax.set_ylabel(self.dim)


def feature_rows(
    posteriors: Mapping[str, Any], var_name: str, features: Sequence[str] | None,
    max_features: int | None, max_label_chars: int,
) -> FeatureRows:
    """The :class:`FeatureRows` of ``posteriors`` (label -> DataTree, :func:`posterior_series`)."""
    from bayesreg.plots._style import short_labels

    da = posterior_coef(next(iter(posteriors.values())), var_name)
    dim = feature_dim(da)
    names = [str(v) for v in da[dim].values]
    index = np.asarray(select_features(names, posteriors, features, max_features, var_name), dtype=int)
    note = "" if index.size == len(names) else f" ({index.size} of {len(names)} features)"
    return FeatureRows(dim, names, index, short_labels([names[j] for j in index], max_label_chars), note)
