"""Reading coefficient draws, and the prior they were drawn under, out of a posterior DataTree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["SAMPLE_DIMS", "PRIOR_ATTRS", "posterior_coef", "feature_dim", "posterior_prior"]

#: the dimensions that index draws (arviz's sample dims)
SAMPLE_DIMS = ("chain", "draw")

#: the DataTree attrs that record its prior: a family name of :mod:`bayesreg.families` and
#: the prior's fields as a JSON object (``{"scale": 0.5}``)
PRIOR_ATTRS = ("prior_family", "prior_params")


def posterior_coef(dt: Any, var_name: str = "coef", group: str = "posterior") -> xr.DataArray:
    """The ``group/var_name`` array of a DataTree, with an error naming what is missing."""
    try:
        return dt[group][var_name]
    except (KeyError, TypeError):
        raise KeyError(f"the DataTree has no variable {group}/{var_name}") from None


def feature_dim(da: xr.DataArray) -> str:
    """Name of the one dimension of a coefficient array besides ``chain`` and ``draw``."""
    missing = [d for d in SAMPLE_DIMS if d not in da.dims]
    dims = [d for d in da.dims if d not in SAMPLE_DIMS]
    if missing or len(dims) != 1:
        raise ValueError(f"expected dims (chain, draw, <feature>), got {da.dims}")
    return dims[0]


def posterior_prior(dt: Any) -> Any:
    """The :class:`~bayesreg.priors.Prior` a posterior DataTree was sampled under, from its attrs.

    Read from ``attrs["prior_family"]`` (a family name or alias of
    :mod:`bayesreg.families`) and ``attrs["prior_params"]`` (the prior's fields as a JSON
    object, exact to the bit), which :func:`bayesreg.sample_posterior` writes. A DataTree
    without them (an older file) is read from ``attrs["prior"]``, the prior's repr such as
    ``"Laplace(scale=0.5)"``, whose numbers are rounded to 6 significant digits.

    Raises
    ------
    ValueError
        When the attrs record no prior, or one that is not a registered family.
    """
    import json

    from bayesreg.families import PRIOR_FAMILIES, prior_family

    attrs = dict(getattr(dt, "attrs", None) or {})
    family, params = (attrs.get(k) for k in PRIOR_ATTRS)
    if family is not None and params is not None:
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(params).items()}
        return prior_family(family).cls(**fields)
    text = attrs.get("prior")
    if not isinstance(text, str):
        raise ValueError(
            "the DataTree records no prior (attrs 'prior_family' and 'prior_params', or 'prior'); "
            "pass the prior explicitly"
        )
    name, fields = _parse_call(text)
    for fam in PRIOR_FAMILIES.values():
        if fam.prior_class.rsplit(".", 1)[1] == name:
            return fam.cls(**fields)
    raise ValueError(f"the DataTree's prior {text!r} is not a registered prior family")


def _parse_call(text: str) -> tuple[str, dict[str, Any]]:
    """``"Name(a=1, b=(1, 2))"`` as ``("Name", {"a": 1, "b": (1, 2)})``: literals only."""
    import ast

    try:
        call = ast.parse(text.strip(), mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)) or call.args:
            raise ValueError
        return call.func.id, {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    except (SyntaxError, ValueError):
        raise ValueError(f"cannot read a prior from the DataTree's attrs['prior'] = {text!r}") from None
