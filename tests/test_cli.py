"""The ``bayesreg`` command line: exit codes, one-line errors, outputs, the docs' commands.

Most tests call :func:`bayesreg.cli.main` in-process; a few run the installed console
script to prove it works as a program.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import bayesreg
from bayesreg.cli import main
from bayesreg.io import load

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "cli.md"
SCRIPT = Path(sys.executable).parent / "bayesreg"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A working directory with the CSV files the docs use: my_data.csv, broken.csv."""
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame.rename(columns={"target": "y"})
    frame["w"] = np.where(frame["sex"] > 0, 2.0, 1.0)
    frame.to_csv(tmp_path / "my_data.csv", index=False)
    broken = frame.copy()
    broken.loc[17, "bmi"] = np.nan
    broken.to_csv(tmp_path / "broken.csv", index=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, out, err, match):
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("bayesreg: error: ")
    assert "Traceback" not in err and out == ""
    assert re.search(match, lines[0]), lines[0]


# ----------------------------------------------------------------- validate
def test_validate_builtin_exits_0_within_1e8(tmp_path, capsys):
    code, out, err = run(["validate", "--no-progress", "--out", str(tmp_path / "t.json")], capsys)
    assert code == 0, out + err
    doc = json.loads((tmp_path / "t.json").read_text())
    assert doc["ok"] and len(doc["rows"]) == 15
    assert all(r["max_rel_dcoef"] <= 1e-8 and r["zeros_agree"] for r in doc["rows"])
    assert {r["sklearn"] for r in doc["rows"]} == {"Ridge", "Lasso", "ElasticNet"}
    assert "OK: all 15 rows agree" in out
    assert err == ""


def test_validate_user_csv_with_weights_and_csv_output(data_dir, capsys):
    code, out, _ = run(
        [
            "validate",
            "--data",
            "my_data.csv",
            "--target",
            "y",
            "--weights",
            "w",
            "--priors",
            "lasso,enet",
            "--scales",
            "0.05",
            "0.5",
            "--out",
            "t.csv",
        ],
        capsys,
    )
    assert code == 0
    import csv

    with open("t.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["family"], r["scale"], r["weights"]) for r in rows][:2] == [
        ("laplace", "0.05", "none"),
        ("laplace", "0.05", "w"),
    ]
    # weighted Lasso: alpha = sigma^2 / (sum(w) b)
    w = np.loadtxt("my_data.csv", delimiter=",", skiprows=1)[:, -1]
    assert float(rows[1]["sklearn_alpha"]) == pytest.approx(1.0 / (w.sum() * 0.05), rel=1e-12)
    assert all(r["agree"] == "True" for r in rows)
    assert [r["prior"] for r in rows][-1] == "ElasticNet(l1_scale=0.5, l2_scale=0.5)"
    assert "OK: all 8 rows agree" in out


def test_validate_disagreement_exits_1_and_lists_rows(capsys):
    code, out, _ = run(
        ["validate", "--priors", "lasso", "--scales", "0.1", "1", "--tol", "1e-300"], capsys
    )
    assert code == 1
    summary, failures = out.split("FAIL: ", 1)
    assert failures.startswith("2 of 2 rows disagree")
    assert failures.count("laplace") == 2


def test_validate_wrong_conversion_exits_1(monkeypatch, capsys):
    import bayesreg.convert as convert

    right = convert.to_sklearn
    monkeypatch.setattr(
        convert,
        "to_sklearn",
        lambda prior, **kw: right(prior, **kw).set_params(alpha=1.5 * right(prior, **kw).alpha),
    )
    code, out, _ = run(["validate", "--priors", "ridge", "--scales", "1"], capsys)
    assert code == 1 and "FAIL: 1 of 1" in out


def test_validate_jobs_gives_identical_results(tmp_path, capsys):
    args = ["validate", "--priors", "lasso", "ridge", "--scales", "0.05", "0.5", "--no-progress"]
    c1, out1, _ = run(args + ["--jobs", "1", "--out", str(tmp_path / "a.json")], capsys)
    c2, out2, _ = run(args + ["--jobs", "2", "--out", str(tmp_path / "b.json")], capsys)
    assert c1 == c2 == 0
    rows1 = json.loads((tmp_path / "a.json").read_text())["rows"]
    rows2 = json.loads((tmp_path / "b.json").read_text())["rows"]
    assert rows1 == rows2
    assert out1.replace("a.json", "") == out2.replace("b.json", "")


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_only(monkeypatch, capsys):
    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["validate", "--priors", "lasso", "--scales", "0.1", "1"]) == 0
    assert "validate: 100%" in fake.getvalue()
    fake2 = _TTY()
    monkeypatch.setattr(sys, "stderr", fake2)
    assert main(["validate", "--priors", "lasso", "--scales", "0.1", "--no-progress"]) == 0
    assert fake2.getvalue() == ""
    capsys.readouterr()


@pytest.mark.parametrize("fmt", ["npz", "parquet"])
def test_validate_other_formats(tmp_path, capsys, fmt):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    if fmt == "npz":
        path = tmp_path / "d.npz"
        np.savez(path, X=X, y=y)
        args = ["--data", str(path)]
    else:
        import pandas as pd

        pytest.importorskip("pyarrow")
        path = tmp_path / "d.parquet"
        frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(10)]).assign(resp=y)
        frame.to_parquet(path)
        args = ["--data", str(path), "--target", "resp"]
    code, out, _ = run(["validate", *args, "--priors", "lasso", "--scales", "0.1"], capsys)
    assert code == 0 and "p=10" in out


# ----------------------------------------------------------------- bad input
def _bad_files(tmp: Path) -> dict[str, Path]:
    files = {}
    (tmp / "text.csv").write_text("a,b,y\n1,x,2\n2,y,3\n")
    files["text"] = tmp / "text.csv"
    (tmp / "negw.csv").write_text("a,w,y\n1,1,2\n2,-1,3\n")
    files["negw"] = tmp / "negw.csv"
    (tmp / "inf.csv").write_text("a,y\n1,2\ninf,3\n")
    files["inf"] = tmp / "inf.csv"
    (tmp / "empty.csv").write_text("")
    files["empty"] = tmp / "empty.csv"
    np.savez(tmp / "noy.npz", X=np.ones((3, 2)), z=np.ones(3))
    files["noy"] = tmp / "noy.npz"
    (tmp / "data.xlsx").write_text("not really")
    files["xlsx"] = tmp / "data.xlsx"
    (tmp / "somedir").mkdir()
    (tmp / "somedir" / "keep.txt").write_text("x")
    return files


BAD = [
    (["validate", "--data", "missing.csv", "--target", "y"], r"missing\.csv does not exist"),
    (
        ["validate", "--data", "my_data.csv", "--target", "yy"],
        r"target column 'yy' not found .*did you mean 'y'",
    ),
    (["validate", "--data", "my_data.csv"], r"--target"),
    (
        ["validate", "--data", "broken.csv", "--target", "y"],
        r"column 'bmi' .* missing values \(NaN\) .* row 18",
    ),
    (["validate", "--data", "{text}", "--target", "y"], r"non-numeric feature column 'b'"),
    (["validate", "--data", "{inf}", "--target", "y"], r"column 'a' .* infinite values"),
    (["validate", "--data", "{empty}", "--target", "y"], r"cannot read .*empty\.csv"),
    (
        ["validate", "--data", "{negw}", "--target", "y", "--weights", "w"],
        r"weights column 'w' .* negative",
    ),
    (
        ["validate", "--data", "my_data.csv", "--target", "y", "--weights", "nope"],
        r"weights column 'nope' not found",
    ),
    (["validate", "--data", "{noy}"], r"array 'y' not found"),
    (["validate", "--data", "{xlsx}", "--target", "y"], r"cannot tell the format .*'\.xlsx'"),
    (["validate", "--data", "somedir", "--target", "y"], r"is a directory"),
    (["validate", "--weights", "w"], r"--weights needs --data"),
    (["validate", "--target", "bmi"], r"built-in diabetes data has one response"),
    (["validate", "--priors", "horseshoe"], r"argument --priors: unknown prior 'horseshoe'"),
    (["validate", "--scales", "-1"], r"argument --scales: .*> 0"),
    (["validate", "--scales", "abc"], r"argument --scales: .*number"),
    (["validate", "--scales", "1:2:3"], r"argument --scales: .*B:T"),
    (["validate", "--jobs", "0"], r"argument --jobs"),
    (["validate", "--jobs", "two"], r"argument --jobs: expected an integer"),
    (["validate", "--tol", "0"], r"argument --tol"),
    (["validate", "--sigma", "nan"], r"argument --sigma"),
    (["validate", "--out", "table.txt"], r"argument --out: .*\.csv or \.json"),
    (["validate", "--out", "nodir/table.csv"], r"argument --out: directory nodir does not exist"),
    (["validate", "--bogus"], r"unrecognized arguments: --bogus"),
    (["frobnicate"], r"invalid choice: 'frobnicate'"),
    ([], r"required"),
    (["fit", "--prior", "lasso", "--scale", "0.1"], r"required: --out"),
    (
        ["fit", "--prior", "cauchy", "--scale", "0.1", "--out", "m"],
        r"argument --prior: unknown prior 'cauchy'",
    ),
    (["fit", "--prior", "ridge", "--scale", "0", "--out", "m"], r"argument --scale"),
    (["fit", "--prior", "ridge", "--scale", "1:x", "--out", "m"], r"argument --scale: .*number"),
    (
        ["fit", "--prior", "ridge", "--scale", "1", "--out", "somedir"],
        r"not a bayesreg model directory",
    ),
    (
        ["fit", "--prior", "ridge", "--scale", "1", "--chains", "0", "--out", "m"],
        r"argument --chains",
    ),
    (
        [
            "fit",
            "--data",
            "broken.csv",
            "--target",
            "y",
            "--prior",
            "ridge",
            "--scale",
            "1",
            "--out",
            "m",
        ],
        r"'bmi'",
    ),
    # the likelihood families: σ refused, no twin, the target's coding, unknown names
    (["validate", "--family", "bernoulli", "--sigma", "1"],
     r"argument --sigma: the bernoulli family has no noise scale \(its dispersion is 1\)"),
    (["validate", "--family", "poisson", "--priors", "lasso"],
     r"argument --priors: scikit-learn has no poisson estimator for the laplace prior"),
    (["validate", "--family", "gamma"], r"argument --family: unknown family 'gamma'"),
    (["validate", "--family", "logistic", "--data", "my_data.csv", "--target", "y"],
     r"the Bernoulli family needs a binary target, but y has \d+ classes"),
    (["validate", "--family", "bernoulli", "--weights", "w"],
     r"--weights needs --data \(the built-in breast_cancer data has no weights column\)"),
    (["validate", "--family", "poisson", "--target", "bmi"],
     r"the built-in diabetes_counts data has one response, 'target'"),
    (["fit", "--family", "poisson", "--prior", "ridge", "--scale", "1", "--sigma", "2", "--out", "m"],
     r"argument --sigma: the poisson family has no noise scale"),
    (["fit", "--family", "bernoulli", "--prior", "lasso", "--scale", "1", "--sigma", "learn", "--mcmc",
      "--out", "m"], r"argument --sigma: the bernoulli family has no noise scale"),
]


@pytest.mark.parametrize(("argv", "match"), BAD, ids=[" ".join(a)[:60] or "(none)" for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(data_dir, capsys, argv, match):
    files = _bad_files(data_dir)
    argv = [a.format(**files) for a in argv]
    code, out, err = run(argv, capsys)
    assert_one_line_error(code, out, err, match)
    assert not Path("m").exists()


def test_help_and_version(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "validate" in out and "demo" in out
    code, out, _ = run(["validate", "--help"], capsys)
    assert code == 0 and "--jobs" in out and "--scales" in out
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"bayesreg {bayesreg.__version__}"


# ----------------------------------------------------------------- fit
def test_fit_saves_the_map(data_dir, capsys):
    code, out, _ = run(
        [
            "fit",
            "--data",
            "my_data.csv",
            "--target",
            "y",
            "--weights",
            "w",
            "--prior",
            "lasso",
            "--scale",
            "0.1",
            "--sigma",
            "2",
            "--out",
            "model",
        ],
        capsys,
    )
    assert code == 0, out
    est = load("model")
    assert type(est) is bayesreg.LassoMAP and est.get_params()["sigma"] == 2.0
    data = np.loadtxt("my_data.csv", delimiter=",", skiprows=1)
    X, y, w = data[:, :10], data[:, 10], data[:, 11]
    alpha = 2.0**2 / (w.sum() * 0.1)  # Lasso alpha = sigma^2 / (S b)
    sk = Lasso(alpha=alpha, tol=1e-12, max_iter=10**6).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(
        est.coef_, sk.coef_, rtol=0, atol=1e-8 * (1 + np.abs(sk.coef_).max())
    )
    assert list(est.feature_names_in_) == [
        "age",
        "sex",
        "bmi",
        "bp",
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
        "s6",
    ]
    assert f"Lasso(alpha={alpha:.6g})" in out
    # fitting again into the same model directory replaces it
    assert (
        main(
            [
                "fit",
                "--data",
                "my_data.csv",
                "--target",
                "y",
                "--prior",
                "ridge",
                "--scale",
                "3",
                "--out",
                "model",
            ]
        )
        == 0
    )
    assert type(load("model")) is bayesreg.RidgeMAP


def test_fit_elastic_net_pair(tmp_path, capsys):
    code, out, _ = run(
        ["fit", "--prior", "enet", "--scale", "0.2:3", "--out", str(tmp_path / "m")], capsys
    )
    assert code == 0
    est = load(tmp_path / "m")
    assert (est.l1_scale, est.l2_scale) == (0.2, 3.0)
    assert "ElasticNet(alpha=" in out


def test_fit_mcmc_saves_the_posterior(tmp_path, monkeypatch, capsys):
    """Wiring of --mcmc (the sampler itself is tested in tests/test_mcmc_*.py)."""
    import arviz_base as azb

    from bayesreg.estimators import _MAPBase

    calls = {}

    def fake_sample_posterior(self, X, y, sample_weight=None, **kwargs):
        calls.update(kwargs, columns=list(X.columns))
        self.fit(X, y, sample_weight=sample_weight)
        rng = np.random.default_rng(0)
        self.posterior_ = azb.from_dict(
            {
                "posterior": {
                    "coef": self.coef_ + 0.01 * rng.standard_normal((1, 20, X.shape[1])),
                    "intercept": self.intercept_ + rng.standard_normal((1, 20)),
                }
            },
            dims={"coef": ["feature"]},
            coords={"feature": list(X.columns)},
        )
        return self

    monkeypatch.setattr(_MAPBase, "sample_posterior", fake_sample_posterior)
    code, out, _ = run(
        [
            "fit",
            "--prior",
            "lasso",
            "--scale",
            "0.1",
            "--mcmc",
            "--draws",
            "20",
            "--tune",
            "30",
            "--chains",
            "1",
            "--seed",
            "7",
            "--out",
            str(tmp_path / "m"),
        ],
        capsys,
    )
    assert code == 0
    assert calls["draws"] == 20 and calls["tune"] == 30 and calls["chains"] == 1
    assert calls["random_seed"] == 7 and calls["progressbar"] is False
    assert calls["columns"][:3] == ["age", "sex", "bmi"]
    assert "posterior mean" in out and "94% interval" in out
    post = np.asarray(load(tmp_path / "m").posterior_["posterior"]["coef"]).reshape(-1, 10)
    lo, hi = np.quantile(post[:, 0], [0.03, 0.97])  # the package's 94%: equal-tailed
    (age,) = [line for line in out.splitlines() if line.startswith("age ")]
    assert age.endswith(f"[{lo:.4g}, {hi:.4g}]")
    back = load(tmp_path / "m")
    assert any(p.suffix in (".nc", ".zarr") for p in (tmp_path / "m").iterdir())
    assert back.posterior_["posterior"]["coef"].shape == (1, 20, 10)


def test_fit_mcmc_intervals_follow_the_package_level(tmp_path, monkeypatch, capsys):
    """One level: bayesreg.settings.CI_PROB, read when the command runs, or --prob."""
    import arviz_base as azb

    from bayesreg import settings
    from bayesreg.estimators import _MAPBase

    def fake(self, X, y, sample_weight=None, **kwargs):
        self.fit(X, y, sample_weight=sample_weight)
        draws = self.coef_ + np.random.default_rng(0).standard_normal((1, 400, X.shape[1]))
        self.posterior_ = azb.from_dict({"posterior": {"coef": draws, "intercept": np.zeros((1, 400))}},
                                        dims={"coef": ["feature"]}, coords={"feature": list(X.columns)})
        return self

    monkeypatch.setattr(_MAPBase, "sample_posterior", fake)
    monkeypatch.setattr(settings, "CI_PROB", 0.8)
    argv = ["fit", "--prior", "lasso", "--scale", "0.1", "--mcmc", "--out", str(tmp_path / "m")]
    for extra, prob in (([], 0.8), (["--prob", "0.5"], 0.5)):
        code, out, _ = run(argv + extra, capsys)
        assert code == 0 and f"{prob:.0%} interval" in out
        coef = np.asarray(load(tmp_path / "m").posterior_["posterior"]["coef"]).reshape(-1, 10)
        lo, hi = np.quantile(coef[:, 2], [(1 - prob) / 2, (1 + prob) / 2])
        (bmi,) = [line for line in out.splitlines() if line.startswith("bmi ")]
        assert bmi.endswith(f"[{lo:.4g}, {hi:.4g}]")
    code, out, err = run(argv + ["--prob", "1.5"], capsys)
    assert_one_line_error(code, out, err, "prob must be in")


# ----------------------------------------------------------------- --family
def test_validate_bernoulli_builtin_exits_0_and_names_logistic_regression(tmp_path, capsys):
    code, out, err = run(["validate", "--family", "binomial", "--priors", "ridge", "lasso",
                          "--scales", "0.05:0.3", "--no-progress", "--out", str(tmp_path / "t.json")], capsys)
    assert code == 0, out + err
    assert out.startswith("bayesreg validate: breast_cancer (built-in), target 'target', n=569, p=30, "
                          "family bernoulli (no noise scale)")
    doc = json.loads((tmp_path / "t.json").read_text())
    assert doc["ok"] and doc["family"] == "bernoulli" and doc["sigma"] is None
    # C = 1/λ with λ₂ = 1/τ², λ₁ = 1/b (dispersion 1)
    assert [(r["sklearn"], r["sklearn_params"]) for r in doc["rows"]] == [
        ("LogisticRegression", {"C": pytest.approx(0.3**2), "l1_ratio": 0.0}),
        ("LogisticRegression", {"C": pytest.approx(0.05), "l1_ratio": 1.0}),
    ]
    assert all(r["kkt_residual"] <= 1e-12 and r["zeros_agree"] for r in doc["rows"])
    assert "OK: all 2 rows agree" in out


def test_validate_poisson_defaults_to_its_twin_and_exits_1_on_disagreement(capsys):
    code, out, _ = run(["validate", "--family", "poisson", "--no-progress"], capsys)
    assert code == 0 and "diabetes_counts (built-in)" in out and "OK: all 5 rows agree" in out
    assert out.count("PoissonRegressor(alpha=") == 5
    code, out, _ = run(["validate", "--family", "poisson", "--scales", "1", "--tol", "1e-300", "--no-progress"],
                       capsys)
    assert code == 1 and "FAIL: 1 of 1 rows disagree" in out


def test_fit_bernoulli_and_poisson_save_their_estimators(data_dir, capsys):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression, PoissonRegressor

    code, out, _ = run(["fit", "--family", "logistic", "--prior", "ridge", "--scale", "0.5", "--out", "lm"], capsys)
    assert code == 0, out
    est = load("lm")
    assert type(est) is bayesreg.LogisticMAP and est.prior == bayesreg.Gaussian(0.5)
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)  # the built-in data are standardised
    sk = LogisticRegression(C=0.5**2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)  # C = τ²
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-8 * (1 + np.abs(sk.coef_).max()))
    assert "MAP = scikit-learn LogisticRegression(C=0.25, l1_ratio=0)" in out
    assert "log-odds of class 1 (versus 0)" in out and "family bernoulli (no noise scale)" in out
    # a Poisson fit of the user's file, with weights: alpha = 1/(S τ²)
    frame = np.loadtxt("my_data.csv", delimiter=",", skiprows=1)
    counts = np.round(frame[:, 10] / 25.0)
    import pandas as pd

    names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    pd.DataFrame(np.column_stack([frame[:, :10], counts, frame[:, 11]]), columns=[*names, "y", "w"]).to_csv(
        "counts.csv", index=False)
    code, out, _ = run(["fit", "--family", "poisson", "--data", "counts.csv", "--target", "y", "--weights", "w",
                        "--prior", "ridge", "--scale", "2", "--out", "pm"], capsys)
    assert code == 0, out
    est = load("pm")
    w = frame[:, 11]
    sk = PoissonRegressor(alpha=1 / (w.sum() * 2.0**2), solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(
        frame[:, :10], counts, sample_weight=w)
    assert type(est) is bayesreg.PoissonMAP
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-8 * (1 + np.abs(sk.coef_).max()))
    # a penalty scikit-learn has no Poisson estimator for is fitted all the same
    code, out, _ = run(["fit", "--family", "poisson", "--prior", "lasso", "--scale", "0.5", "--out", "pl"], capsys)
    assert code == 0 and "scikit-learn has no poisson estimator for it" in out
    assert type(load("pl")) is bayesreg.PoissonMAP


def test_fit_bernoulli_mcmc_wiring(tmp_path, monkeypatch, capsys):
    """--mcmc with a GLM family samples through the estimator, without any sigma."""
    import arviz_base as azb

    from bayesreg.glm_estimators import _GLMMap

    calls = {}

    def fake(self, X, y, sample_weight=None, **kwargs):
        calls.update(kwargs)
        self.fit(X, y, sample_weight=sample_weight)
        draws = np.ravel(self.coef_) + 0.01 * np.random.default_rng(0).standard_normal((1, 20, X.shape[1]))
        self.posterior_ = azb.from_dict({"posterior": {"coef": draws, "intercept": np.zeros((1, 20))}},
                                        dims={"coef": ["feature"]}, coords={"feature": list(X.columns)})
        return self

    monkeypatch.setattr(_GLMMap, "sample_posterior", fake)
    code, out, _ = run(["fit", "--family", "bernoulli", "--prior", "lasso", "--scale", "0.05", "--mcmc",
                        "--draws", "20", "--chains", "1", "--out", str(tmp_path / "m")], capsys)
    assert code == 0, out
    assert "sigma" not in calls and calls["draws"] == 20 and calls["chains"] == 1
    assert "posterior: bernoulli likelihood (no noise scale)" in out and "posterior mean" in out
    assert load(tmp_path / "m").posterior_["posterior"]["coef"].shape == (1, 20, 30)


# ----------------------------------------------------------------- demo
def test_demo_calls_run_demo(tmp_path, monkeypatch, capsys):
    seen = {}

    def run_demo(out_dir="demo-output", *, progressbar=True, **kw):
        seen.update(out_dir=out_dir, progressbar=progressbar)
        return Path(out_dir)

    monkeypatch.setitem(sys.modules, "bayesreg.demo", types.SimpleNamespace(run_demo=run_demo))
    code, out, _ = run(["demo", "--out", str(tmp_path / "d")], capsys)
    assert code == 0 and seen == {"out_dir": tmp_path / "d", "progressbar": False}
    assert str(tmp_path / "d") in out
    assert f"report: {(tmp_path / 'd' / 'report.html').resolve()}" in out.splitlines()  # where to look
    code, _, _ = run(["demo"], capsys)
    assert code == 0 and seen["out_dir"] == Path("demo-output")


def test_demo_missing_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "bayesreg.demo", None)
    code, out, err = run(["demo"], capsys)
    assert code == 1 and err.startswith("bayesreg: error: the demo is not available")
    assert len(err.splitlines()) == 1


# ----------------------------------------------------------------- the docs
def _doc_blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)


def _doc_commands() -> list[tuple[str, list[str]]]:
    """``(command, shown output lines)`` for every ``$ bayesreg ...`` in docs/cli.md."""
    out = []
    for block in _doc_blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            lines = chunk.rstrip("\n").splitlines()
            out.append((lines[0], lines[1:]))
    return out


_NUM = re.compile(r"\d\.\de[-+]\d\d")  # accuracy figures may differ in the last bits


def test_docs_show_every_subcommand():
    cmds = [c.split()[1] for c, _ in _doc_commands()]
    assert {"validate", "fit", "demo"} <= set(cmds)
    assert any("--data my_data.csv" in c for c, _ in _doc_commands())


@pytest.mark.parametrize(
    "index", range(len(_doc_commands())), ids=[c[:50] for c, _ in _doc_commands()]
)
def test_docs_commands_run_as_shown(data_dir, capsys, index):
    command, shown = _doc_commands()[index]
    argv = shlex.split(command)
    assert argv[0] == "bayesreg"
    if argv[1] == "demo" or "--mcmc" in argv:
        pytest.skip("the demo and sampling are exercised by their own tests")
    for block in _doc_blocks("python"):
        exec(compile(block, str(DOCS), "exec"), {"__name__": "__docs__"})
    capsys.readouterr()
    code, out, err = run(argv[1:] + (["--no-progress"] if argv[1] == "validate" else []), capsys)
    printed = (err if err else out).splitlines()
    expected = (
        2
        if any(s.startswith("bayesreg: error:") for s in shown)
        else (1 if any(s.startswith("FAIL:") for s in shown) else 0)
    )
    assert code == expected, out + err
    assert [_NUM.sub("#", s) for s in printed] == [_NUM.sub("#", s) for s in shown]


# ----------------------------------------------------------------- the program
needs_script = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")


@needs_script
def test_console_script_validate_user_file(data_dir):
    res = subprocess.run(
        [
            str(SCRIPT),
            "validate",
            "--data",
            "my_data.csv",
            "--target",
            "y",
            "--priors",
            "lasso",
            "--scales",
            "0.1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "OK: all 1 rows agree" in res.stdout and "Traceback" not in res.stderr


@needs_script
def test_console_script_missing_value_exits_2(data_dir):
    res = subprocess.run(
        [str(SCRIPT), "validate", "--data", "broken.csv", "--target", "y"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("bayesreg: error: column 'bmi'")


def test_validate_without_intercept(tmp_path, capsys):
    code, out, _ = run(
        [
            "validate",
            "--no-intercept",
            "--priors",
            "lasso",
            "ridge",
            "--scales",
            "0.1",
            "10",
            "--out",
            str(tmp_path / "t.json"),
        ],
        capsys,
    )
    doc = json.loads((tmp_path / "t.json").read_text())
    assert code == 0 and doc["fit_intercept"] is False and doc["ok"]
    # without an intercept Ridge solves (XᵀX + αI)w = Xᵀy on the raw data
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    w = np.linalg.solve(X.T @ X + np.eye(10) / 10.0**2, X.T @ y)
    est = bayesreg.RidgeMAP(10.0, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(est.coef_, w, rtol=1e-10)


@pytest.mark.parametrize(
    "table",
    ["a,b,y\n1,2,3\n", "a,b,y\n1,2,3\n2,5,3\n4,1,3\n", "a,z,y\n1,0,3\n2,0,5\n4,0,3\n5,0,1\n"],
    ids=["one-row", "constant-y", "zero-column"],
)
def test_validate_degenerate_files_agree(tmp_path, capsys, table):
    (tmp_path / "d.csv").write_text(table)
    code, out, err = run(["validate", "--data", str(tmp_path / "d.csv"), "--target", "y"], capsys)
    assert code == 0, out + err
    assert "OK: all 15 rows agree" in out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:MCMC diagnostics")  # 50 draws: a round trip, not inference
def test_fit_mcmc_real_round_trip(tmp_path, capsys):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([1.0, 0.0, -1.0]) + 0.3 * rng.standard_normal(40)
    path = tmp_path / "small.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,c,y", comments="")
    code, out, err = run(
        [
            "fit",
            "--data",
            str(path),
            "--target",
            "y",
            "--prior",
            "laplace",
            "--scale",
            "0.5",
            "--mcmc",
            "--draws",
            "50",
            "--tune",
            "50",
            "--chains",
            "1",
            "--seed",
            "2",
            "--no-progress",
            "--out",
            str(tmp_path / "m"),
        ],
        capsys,
    )
    assert code == 0, out + err
    est = load(tmp_path / "m")
    post = est.posterior_["posterior"]
    assert post["coef"].shape == (1, 50, 3)
    assert list(post["feature"].values) == ["a", "b", "c"]
    # σ was learned: the MAP is reported (and saved) at σ's posterior mean
    sigma = float(est.posterior_["posterior"]["sigma"].mean())
    assert est.get_params()["sigma"] == pytest.approx(sigma, rel=1e-12)
    ref = bayesreg.LassoMAP(0.5, sigma=est.get_params()["sigma"]).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=0, atol=1e-12)


# ----------------------------------------------------------------- one-hot and standardise
@pytest.fixture
def categorical_csv(tmp_path, monkeypatch):
    """Raw units (income in dollars) and a text column: what --standardize and --one-hot are for."""
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 120
    frame = pd.DataFrame({
        "income": rng.normal(50_000, 15_000, n),
        "colour": rng.choice(["red", "green", "blue"], n),
        "age": rng.uniform(20, 70, n),
    })
    frame["y"] = 1e-4 * frame.income + 2.0 * (frame.colour == "red") - 0.05 * frame.age + rng.normal(0, 1, n)
    frame.to_csv(tmp_path / "people.csv", index=False)
    monkeypatch.chdir(tmp_path)
    return frame


def _design(frame):
    """The one-hot design by hand: reference level 'blue' (first sorted), indicators in place."""
    import pandas as pd

    return pd.DataFrame({"income": frame.income, "colour=green": (frame.colour == "green") * 1.0,
                         "colour=red": (frame.colour == "red") * 1.0, "age": frame.age})


def test_fit_one_hot_and_standardize(categorical_csv, capsys):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    code, out, _ = run(["fit", "--data", "people.csv", "--target", "y", "--prior", "lasso", "--scale", "0.2",
                        "--one-hot", "--standardize", "--out", "m"], capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert "one-hot colour: reference level 'blue'; columns colour=green, colour=red" in lines
    assert any(line.startswith("standardized: every feature centred and scaled to sd 1") for line in lines)
    X = _design(categorical_csv)
    y = categorical_csv.y.to_numpy()
    n = len(y)
    # the same MAP as scikit-learn's Pipeline(StandardScaler, Lasso(alpha = σ²/(n b)))
    pipe = make_pipeline(StandardScaler(), Lasso(alpha=1.0 / (n * 0.2), tol=1e-12, max_iter=10**6)).fit(X, y)
    est = load("m")
    assert list(est.feature_names_in_) == list(X.columns)
    np.testing.assert_allclose(est.coef_, pipe[-1].coef_, atol=1e-8)
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.split() and line.split()[0] in X.columns}
    assert set(rows) == set(X.columns)  # the encoded columns are named in the output
    per_unit = pipe[-1].coef_ / pipe[0].scale_
    for j, name in enumerate(X.columns):
        assert float(rows[name][0]) == pytest.approx(pipe[-1].coef_[j], rel=1e-5, abs=1e-9)
        assert float(rows[name][1]) == pytest.approx(per_unit[j], rel=1e-5, abs=1e-12)
    prep = json.loads((data_path := Path("m") / "preprocessing.json").read_text())
    assert prep["encodings"] == {"colour": ["blue", "green", "red"]}
    np.testing.assert_allclose(prep["center"], X.mean().to_numpy())
    np.testing.assert_allclose(prep["scale"], X.std(ddof=0).to_numpy())
    # a refit without the preparation removes the stale file
    code, out, _ = run(["fit", "--data", "people.csv", "--target", "y", "--prior", "lasso", "--scale", "0.2",
                        "--one-hot", "--out", "m"], capsys)
    assert code == 0 and "standardized" not in out and "center" not in json.loads(data_path.read_text())
    code, out, _ = run(["fit", "--data", "people.csv", "--target", "y", "--prior", "lasso", "--scale", "0.2",
                        "--out", "m"], capsys)
    assert code == 2  # and a text column without --one-hot is refused


def test_validate_one_hot_and_standardize(categorical_csv, capsys):
    code, out, _ = run(["validate", "--data", "people.csv", "--target", "y", "--one-hot", "--standardize",
                        "--priors", "lasso", "ridge", "--scales", "0.05", "1", "--no-progress"], capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert "p=4" in lines[0]
    assert lines[1] == "one-hot colour: reference level 'blue'; columns colour=green, colour=red"
    assert lines[2].startswith("standardized:")
    assert lines[-1].startswith("OK: all 4 rows agree")


def test_non_numeric_column_suggests_one_hot(categorical_csv, capsys):
    code, out, err = run(["validate", "--data", "people.csv", "--target", "y", "--no-progress"], capsys)
    assert_one_line_error(code, out, err, r"non-numeric feature column 'colour'; encode it .*--one-hot")


# ------------------------------------------------------------------ no silent sigma
def _fake_posterior(calls, with_sigma):
    import arviz_base as azb

    def fake(self, X, y, sample_weight=None, **kwargs):
        calls.append(kwargs)
        self.fit(X, y, sample_weight=sample_weight)
        rng = np.random.default_rng(0)
        post = {
            "coef": self.coef_ + 0.01 * rng.standard_normal((1, 20, X.shape[1])),
            "intercept": self.intercept_ + rng.standard_normal((1, 20)),
        }
        if with_sigma:
            post["sigma"] = 54.0 + rng.standard_normal((1, 20))
        self.posterior_ = azb.from_dict(
            {"posterior": post}, dims={"coef": ["feature"]}, coords={"feature": list(X.columns)}
        )
        return self

    return fake


@pytest.mark.parametrize(
    "sigma_args,expected,learned",
    [([], None, True), (["--sigma", "learn"], None, True), (["--sigma", "jeffreys"], "jeffreys", True),
     (["--sigma", "2.5"], 2.5, False)],
)
def test_fit_mcmc_learns_sigma_unless_fixed(tmp_path, monkeypatch, capsys, sigma_args, expected, learned):
    from bayesreg.estimators import _MAPBase

    calls = []
    monkeypatch.setattr(_MAPBase, "sample_posterior", _fake_posterior(calls, learned))
    code, out, err = run(
        ["fit", "--prior", "lasso", "--scale", "0.1", "--mcmc", *sigma_args, "--out", str(tmp_path / "m")],
        capsys,
    )
    assert code == 0, err
    assert calls[0]["sigma"] == expected
    if learned:
        assert re.search(r"posterior: sigma learned \((half-t|Jeffreys) prior\), mean 5\d\.\d+", out)
        est = load(tmp_path / "m")
        assert est.sigma == pytest.approx(54.0, abs=1.0)  # the MAP is at sigma's posterior mean
        assert f"sigma={est.sigma:g}" in out.splitlines()[0]
    else:
        assert "posterior: sigma=2.5 (fixed)" in out and load(tmp_path / "m").sigma == 2.5


@pytest.mark.parametrize(
    "argv,match",
    [
        (["fit", "--prior", "lasso", "--scale", "0.1", "--sigma", "learn", "--out", "m"], r"--sigma: 'learn'.*needs --mcmc"),
        (["fit", "--prior", "lasso", "--scale", "0.1", "--sigma", "guess", "--out", "m"], r"argument --sigma"),
        (["fit", "--prior", "lasso", "--scale", "0.1", "--mcmc", "--seed", "-1", "--out", "m"], r"argument --seed"),
        (["validate", "--sigma", "learn"], r"argument --sigma"),
    ],
)
def test_sigma_and_seed_errors_are_one_line(tmp_path, monkeypatch, capsys, argv, match):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(*run(argv, capsys), match)


def test_demo_out_an_existing_file_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "bayesreg.demo", types.SimpleNamespace(run_demo=lambda *a, **k: None))
    (tmp_path / "taken").write_text("x")
    assert_one_line_error(*run(["demo", "--out", str(tmp_path / "taken")], capsys), r"not a directory")


def test_unexpected_errors_never_print_a_traceback(tmp_path, monkeypatch, capsys):
    from bayesreg.estimators import _MAPBase

    def boom(self, *a, **k):
        raise RuntimeError("something broke")

    monkeypatch.setattr(_MAPBase, "fit", boom)
    code, out, err = run(["fit", "--prior", "lasso", "--scale", "0.1", "--out", str(tmp_path / "m")], capsys)
    assert code == 1 and "Traceback" not in err
    assert err.strip() == "bayesreg: error: unexpected RuntimeError: something broke (please report it)"


def test_wide_csv_loads_in_about_the_time_pandas_takes(tmp_path):
    """40,000 columns: the duplicate-name check was quadratic (28 s); now linear."""
    import time

    import pandas as pd

    from bayesreg.data import load_dataset

    rng = np.random.default_rng(0)
    cols = [f"x{j}" for j in range(40_000)] + ["y"]
    path = tmp_path / "wide.csv"
    pd.DataFrame(rng.standard_normal((20, len(cols))), columns=cols).to_csv(path, index=False)
    t0 = time.perf_counter()
    pd.read_csv(path)
    t_pandas = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = load_dataset(path, target="y")
    t_ours = time.perf_counter() - t0
    assert ds.X.shape == (20, 40_000)
    assert t_ours < 4 * t_pandas + 2.0, (t_ours, t_pandas)


@pytest.mark.parametrize("sampler", ["gibbs", "nutpie"])
def test_fit_mcmc_sampler_option_reaches_the_posterior(tmp_path, capsys, sampler):
    rng = np.random.default_rng(9)
    X = rng.standard_normal((40, 2))
    y = X @ np.array([1.0, -1.0]) + 0.3 * rng.standard_normal(40)
    path = tmp_path / "small.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,y", comments="")
    code, out, err = run(
        ["fit", "--data", str(path), "--target", "y", "--prior", "laplace", "--scale", "0.5",
         "--mcmc", "--sampler", sampler, "--draws", "50", "--tune", "50", "--chains", "1",
         "--seed", "3", "--no-progress", "--out", str(tmp_path / "m")],
        capsys,
    )
    assert code == 0, out + err
    assert load(tmp_path / "m").posterior_.attrs["sampler"] == sampler
    code, out, err = run(["fit", "--sampler", "metropolis", "--prior", "lasso", "--scale", "1",
                          "--out", str(tmp_path / "x")], capsys)
    assert code == 2 and "--sampler" in err
