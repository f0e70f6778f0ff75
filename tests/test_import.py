"""``import bayesreg`` is cheap: PyMC, PyTensor, ArviZ and matplotlib load lazily.

Each check runs in a fresh interpreter (``subprocess``), because this test process has
long since imported everything.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest

import bayesreg

#: top-level packages that must not be imported by ``import bayesreg`` nor by MAP work
HEAVY = ("pymc", "pytensor", "arviz", "arviz_base", "arviz_stats", "arviz_plots", "matplotlib")

#: "well under a second": the cumulative import time of bayesreg (``-X importtime``),
#: which excludes interpreter start-up; today it is ~15 ms
IMPORT_BUDGET_S = 0.5


def _run(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


LOADED = """
import json, sys
def loaded():
    return sorted({m.split(".")[0] for m in sys.modules} & set(%r))
""" % (HEAVY,)


def test_import_loads_no_heavy_dependency():
    got = _run(LOADED + "import bayesreg\nprint(json.dumps(loaded()))")
    assert got == [], f"import bayesreg imported {got}"


def test_map_workflow_loads_no_heavy_dependency():
    """Priors, converters, MAP, paths and estimators need neither PyMC nor plotting."""
    code = LOADED + """
import numpy as np
import bayesreg
from bayesreg import convert
rng = np.random.default_rng(0)
X = rng.standard_normal((30, 4)); y = X @ [1.0, 0, -1, 0] + rng.standard_normal(30)
prior = bayesreg.Laplace(0.1)
bayesreg.map_estimate(X, y, prior, sigma=1.0)
bayesreg.map_path(X, y, prior, sigma=1.0, n_points=3)
convert.to_sklearn(prior, sigma=1.0, n_samples=30).fit(X, y)
convert.glmnet_params(bayesreg.ElasticNet(1.0, 2.0), sigma=1.0, y=y)
bayesreg.LassoMAP(0.1).fit(X, y).predict(X)
for p in (bayesreg.Gaussian(1.0), prior, bayesreg.ElasticNet(1.0, 1.0)):
    p.logpdf(0.3); p.rvs(3, random_state=0); p.variance(); p.mass_near_zero(0.1)
print(json.dumps(loaded()))
"""
    got = _run(code)
    assert got == [], f"MAP workflow imported {got}"


def test_import_time_is_well_under_a_second():
    code = """
import json, subprocess, sys
r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import bayesreg"],
                   capture_output=True, text=True, check=True)
line = [l for l in r.stderr.splitlines() if l.rstrip().endswith("| bayesreg")][-1]
print(json.dumps(int(line.split("|")[1]) / 1e6))
"""
    seconds = _run(code)
    assert seconds < IMPORT_BUDGET_S, f"import bayesreg took {seconds:.3f} s"


def test_public_names_listed():
    names = dir(bayesreg)
    for name in ("Gaussian", "Laplace", "ElasticNet", "Penalty", "map_estimate", "map_path",
                 "MAPRegressor", "RidgeMAP", "LassoMAP", "ElasticNetMAP", "convert"):
        assert name in names
    assert bayesreg.__version__
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        bayesreg.nonexistent  # noqa: B018


@pytest.mark.parametrize("name", sorted(bayesreg._LAZY))
def test_lazy_name_resolves_to_its_definition(name):
    module = bayesreg._LAZY[name]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not written yet")
    obj = getattr(bayesreg, name)
    assert obj is getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("name", sorted(bayesreg._SUBMODULES))
def test_lazy_submodule_resolves(name):
    if importlib.util.find_spec(f"bayesreg.{name}") is None:
        pytest.skip(f"bayesreg.{name} is not written yet")
    assert getattr(bayesreg, name) is importlib.import_module(f"bayesreg.{name}")
