"""The Park & Casella diabetes example runs and says what the paper says."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "park_casella_diabetes.py"


def test_park_casella_example(monkeypatch, capsys):
    pytest.importorskip("nutpie")
    monkeypatch.setenv("BAYESREG_EXAMPLE_DRAWS", "400")
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    rows = re.findall(r"^\s*(\w+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)$", out, re.M)
    assert [r[0] for r in rows] == ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    med, lo, hi, ols, lasso = (np.array([float(r[k]) for r in rows]) for k in range(1, 6))
    assert np.all((lo < med) & (med < hi))
    # Park & Casella, Fig. 2: the posterior medians sit close to the lasso with the same
    # L1 norm, well inside the credible intervals, and shrink the OLS estimates
    assert np.all((lasso > lo) & (lasso < hi))
    assert np.abs(med).sum() < np.abs(ols).sum()
    lam = re.search(r"median ([\d.]+), 95% interval \[([\d.]+), ([\d.]+)\]", out)
    assert lam is not None
    lam_med, lam_lo, lam_hi = map(float, lam.groups())
    assert lam_lo < 0.237 < lam_hi  # the marginal-likelihood value is a plausible λ
