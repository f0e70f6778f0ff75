"""Ctrl-C while sampling raises KeyboardInterrupt — never a NaN-padded posterior passed off as
complete — during the draws and during the warm-up; the completed draws ride on the
exception (``exc.partial``), marked partial. It is the exact KeyboardInterrupt type, so
that uncaught it ends the process by SIGINT, as Ctrl-C ends Python.

The end-to-end test runs a child process and sends it SIGINT: once in the draws (caught
there, to inspect what the exception carries) and once in the warm-up (uncaught: the child
must die of it with a traceback and write nothing). The other tests exercise the pieces
in-process: the trimming of a NaN-padded trace, and PyMC's habit of returning a shortened
trace after Ctrl-C.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import bayesreg

pytest.importorskip("nutpie")

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, signal, sys, warnings
# Ctrl-C as at a terminal, even when the test runs where SIGINT is ignored (a background job)
signal.signal(signal.SIGINT, signal.default_int_handler)
from pathlib import Path
import numpy as np
import bayesreg

out = Path(sys.argv[1])
rng = np.random.default_rng(0)
X = rng.normal(size=(50, 3))
y = X @ [1.0, -0.5, 0.0] + rng.normal(size=50)
fit = dict(sigma=1.0, chains=2, progressbar=False, random_seed=0, sampler="nutpie")  # NUTS interrupts
warnings.simplefilter("ignore")
bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), draws=20, tune=20, **fit)  # compile

print("READY draws", flush=True)
try:
    post = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), draws=2_000_000, tune=20, **fit)
    np.save(out / "draws.npy", post["posterior"]["coef"].values)
except KeyboardInterrupt as exc:
    part = exc.partial
    coef = part["posterior"]["coef"].values
    (out / "draws.json").write_text(json.dumps({
        "exact": type(exc) is KeyboardInterrupt, "phase": exc.phase,
        "completed": exc.draws_completed, "requested": exc.draws_requested,
        "shape": list(coef.shape), "finite": bool(np.isfinite(coef).all()),
        "attrs": {k: part.attrs[k] for k in ("partial", "draws_completed", "prior", "sampler")},
        "groups": sorted(part.children), "message": str(exc),
    }))

print("READY tuning", flush=True)
post = bayesreg.sample_posterior(X, y, bayesreg.Gaussian(1.0), draws=10, tune=10_000_000, **fit)
np.save(out / "tuning.npy", post["posterior"]["coef"].values)
"""


def _wait_for(proc: subprocess.Popen, line: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            got = proc.stdout.readline()
            if got.strip() == line:
                return
            if not got and proc.poll() is not None:
                break
    proc.kill()
    raise AssertionError(f"the child never printed {line!r}: {proc.stderr.read()}")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_in_draws_and_in_warmup_raises_and_saves_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    try:
        start = time.monotonic()
        _wait_for(proc, "READY draws", start + 600)  # imports and one compile
        time.sleep(2.0)  # 20 warm-up draws take milliseconds: this is inside the draws
        proc.send_signal(signal.SIGINT)
        _wait_for(proc, "READY tuning", time.monotonic() + 120)
        time.sleep(2.0)  # 10⁷ warm-up draws take hours
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    # the warm-up interrupt is uncaught: the child dies of SIGINT, as Ctrl-C ends Python
    assert proc.returncode in (-signal.SIGINT, 130), (proc.returncode, stderr)
    assert "KeyboardInterrupt: the nutpie sampler was interrupted (Ctrl-C) during the warm-up" in stderr, stderr
    assert "ValueError" not in stderr and "PanicException" not in stderr, stderr
    assert not (tmp_path / "draws.npy").exists() and not (tmp_path / "tuning.npy").exists()

    rep = json.loads((tmp_path / "draws.json").read_text())
    assert rep["exact"] and rep["phase"] == "draws"
    assert 0 < rep["completed"] < rep["requested"] == 2_000_000
    assert rep["shape"] == [2, rep["completed"], 3] and rep["finite"]
    assert rep["attrs"]["partial"] == 1 and rep["attrs"]["draws_completed"] == rep["completed"]
    assert rep["attrs"]["prior"] == "Gaussian(scale=1)" and rep["attrs"]["sampler"] == "nutpie"
    assert "log_likelihood" not in rep["groups"] and "observed_data" in rep["groups"]
    assert "exc.partial" in rep["message"]


def _problem():
    from bayesreg.mcmc.problem import PosteriorProblem

    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, 0.0, -1.0] + rng.normal(size=30)
    return PosteriorProblem.from_data(X, y, bayesreg.Gaussian(1.0), sigma=1.0)


def test_interrupted_trims_a_nan_padded_trace_to_the_shortest_chain():
    import xarray as xr

    from bayesreg.mcmc.backends import interrupted

    problem = _problem()
    coef = np.random.default_rng(0).normal(size=(2, 10, 3))
    coef[0, 7:] = np.nan  # chain 0 stopped after 7 draws, chain 1 after 9
    coef[1, 9:] = np.nan
    posterior = xr.Dataset(
        {"coef": (("chain", "draw", "coef_dim_0"), coef),
         "intercept_offset": (("chain", "draw"), np.zeros((2, 10)))},
        coords={"chain": [0, 1], "draw": np.arange(10)},
    ).rename({"coef_dim_0": "feature"})
    stats = xr.Dataset({"diverging": (("chain", "draw"), np.zeros((2, 10), bool))},
                       coords={"chain": [0, 1], "draw": np.arange(10)})
    exc = interrupted(posterior, stats, problem, draws=10, backend="test")
    assert type(exc) is KeyboardInterrupt and exc.phase == "draws"
    part = exc.partial
    assert part["posterior"]["coef"].shape == (2, 7, 3)
    assert np.isfinite(part["posterior"]["coef"].values).all()
    assert part.attrs["partial"] == 1 and part.attrs["draws_requested"] == 10
    assert "intercept_offset" not in part["posterior"].data_vars

    # an interrupt before every chain has a draw keeps nothing
    coef[1, :] = np.nan
    exc = interrupted(posterior.assign(coef=(("chain", "draw", "feature"), coef)), stats,
                      problem, draws=10, backend="test")
    assert exc.partial is None and exc.phase == "tuning" and "warm-up" in str(exc)


def test_pymc_backend_turns_a_shortened_trace_into_an_interrupt(monkeypatch):
    """``pm.sample`` swallows Ctrl-C and returns fewer draws: that must not pass as a posterior."""
    import pymc as pm
    import xarray as xr

    from bayesreg.mcmc.backends import pymc as backend

    def short_sample(*, draws, chains, **kwargs):  # Ctrl-C after 4 draws of one chain
        coef = np.ones((1, 4, 3))
        post = xr.Dataset({"coef": (("chain", "draw", "feature"), coef)},
                          coords={"chain": [0], "draw": np.arange(4)})
        stats = xr.Dataset({"diverging": (("chain", "draw"), np.zeros((1, 4), bool))},
                           coords={"chain": [0], "draw": np.arange(4)})
        return xr.DataTree.from_dict({"posterior": post, "sample_stats": stats})

    monkeypatch.setattr(pm, "sample", short_sample)
    with pytest.raises(KeyboardInterrupt) as info:
        backend.sample(_problem(), draws=100, tune=10, chains=2, random_seed=0, progressbar=False)
    assert info.value.draws_completed == 4 and info.value.partial["posterior"].sizes["chain"] == 1


def test_tune_zero_is_a_clear_error_for_nutpie():
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="tune >= 1.*sampler='pymc'"):
        bayesreg.sample_posterior(X, X[:, 0], bayesreg.Gaussian(1.0), sigma=1.0, tune=0,
                                  progressbar=False, sampler="nutpie")
