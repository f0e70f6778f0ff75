"""The example notebooks (jupytext percent scripts under examples/) execute top to bottom.

Each runs in a fresh kernel with ``BAYESREG_FAST=1`` (fewer MCMC draws) and matplotlib's inline backend (figures become PNG outputs); a failing cell (including the notebooks' own assertions) fails the test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# jupytext percent notebooks (plain scripts such as park_casella_diabetes.py are not notebooks)
NOTEBOOKS = sorted(p for p in EXAMPLES.glob("*.py") if "format_name: percent" in p.read_text(encoding="utf-8"))
PLOT_CALL = re.compile(r"\bplots\.\w+_plot\(")


def test_there_are_at_least_three_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"why_lasso_zeros", "bayesian_lasso_diabetes", "validate_on_your_data"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    nb = jupytext.read(path)
    assert any(c.cell_type == "markdown" for c in nb.cells), "a notebook explains itself"
    monkeypatch.setenv("BAYESREG_FAST", "1")
    monkeypatch.chdir(tmp_path)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # every cell that calls a bayesreg plot shows its figure
    plot_cells = [c for c in nb.cells if c.cell_type == "code" and PLOT_CALL.search(c.source)]
    assert plot_cells, f"{path.name} draws no figure"
    for c in plot_cells:
        assert any("image/png" in o.get("data", {}) for o in c.get("outputs", [])), c.source[:80]
    assert os.environ["BAYESREG_FAST"] == "1"
