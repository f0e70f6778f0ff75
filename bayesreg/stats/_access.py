"""Reading coefficient draws out of a posterior DataTree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["SAMPLE_DIMS", "posterior_coef", "feature_dim"]

#: the dimensions that index draws (arviz's sample dims)
SAMPLE_DIMS = ("chain", "draw")


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
