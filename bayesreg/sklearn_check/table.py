"""The rows of a validation grid as a table: aligned text, a pandas DataFrame, CSV, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from bayesreg.sklearn_check.compare import DEFAULT_TOL, ValidationRow

__all__ = ["ValidationTable"]


def _text_cells(rows: list[ValidationRow]) -> pd.DataFrame:
    """The columns ``bayesreg validate`` prints, as text (weights only when some row has them)."""
    cells = pd.DataFrame(
        {
            "prior": [r.family for r in rows],
            "scale": [r.scale for r in rows],
            "weights": [r.weights for r in rows],
            "scikit-learn equivalent": [r.sklearn_text for r in rows],
            "max|Δcoef| rel": [f"{r.max_rel_dcoef:.1e}" for r in rows],
            "zeros agree": ["yes" if r.zeros_agree else "NO" for r in rows],
            "KKT residual": [f"{r.kkt_residual:.1e}" for r in rows],
            "sklearn KKT": [f"{r.sklearn_kkt:.1e}" for r in rows],
            "ok": ["ok" if r.agree else "FAIL" for r in rows],
        },
        dtype=object,
    )
    return cells.drop(columns="weights") if (cells["weights"] == "none").all() else cells


def _fixed_width(cells: pd.DataFrame) -> str:
    """Left-aligned columns two spaces apart, a rule of dashes under the header."""
    widths = [max([len(c), *cells[c].map(len)]) for c in cells]
    lines = [cells.columns, ["-" * w for w in widths], *cells.itertuples(index=False)]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() for line in lines)


@dataclass
class ValidationTable:
    """The rows of a validation grid and the tolerance they were judged by.

    ``ok`` is true when every row agrees; ``failures`` lists the rows that do not.
    ``str(table)`` is the aligned text table; :meth:`to_records`, :meth:`to_frame`,
    :meth:`write` export it.
    """

    rows: list[ValidationRow]
    tol: float = DEFAULT_TOL
    sigma: float | None = 1.0
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.agree for r in self.rows)

    @property
    def failures(self) -> list[ValidationRow]:
        return [r for r in self.rows if not r.agree]

    def __len__(self) -> int:
        return len(self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (JSON-ready; ``sklearn_params`` is a nested dict)."""
        return [asdict(r) for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """One row per comparison; ``sklearn_params`` becomes ``sklearn_alpha`` and
        ``sklearn_l1_ratio`` (and ``sklearn_C`` when a row has LogisticRegression's ``C``;
        NaN where the estimator has none)."""
        frame = pd.DataFrame(self.to_records(), columns=[f.name for f in fields(ValidationRow)])
        keys = ["alpha"] + (["C"] if any("C" in r.sklearn_params for r in self.rows) else []) + ["l1_ratio"]
        params = pd.DataFrame(list(frame.pop("sklearn_params")), index=frame.index, columns=keys)
        return frame.join(params.add_prefix("sklearn_"))

    def to_csv(self) -> str:
        """:meth:`to_frame` as CSV text (floats written in full, so exactly)."""
        return self.to_frame().to_csv(index=False, lineterminator="\n", na_rep="nan")

    def to_json(self) -> str:
        """The table as JSON: tolerance, σ, source and the records.

        Written by :mod:`json`, which round-trips every float; ``DataFrame.to_json``
        keeps at most 15 significant digits.
        """
        doc = {
            "tol": self.tol,
            "sigma": self.sigma,
            "source": self.source,
            "ok": self.ok,
            **self.meta,
            "rows": self.to_records(),
        }
        return json.dumps(doc, indent=2, allow_nan=True)

    def write(self, path: str | Path) -> Path:
        """Write the table as CSV (``.csv``) or JSON (``.json``), chosen by extension."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValueError(f"cannot write a table to {path}: use a .csv or .json file name")
        path.write_text(self.to_csv() if suffix == ".csv" else self.to_json(), encoding="utf-8")
        return path

    def format(self, rows: Iterable[ValidationRow] | None = None) -> str:
        """An aligned plain-text table of ``rows`` (all rows by default)."""
        return _fixed_width(_text_cells(list(self.rows if rows is None else rows)))

    def __str__(self) -> str:
        return self.format()
