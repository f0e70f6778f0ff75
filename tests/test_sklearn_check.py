"""bayesreg.sklearn_check: the MAP-versus-penalty grid, checked against scikit-learn directly.

The conversions are written out here (Ridge ``alpha = σ²/τ²``, Lasso ``alpha = σ²/(S b)``,
ElasticNet ``alpha = (σ²/b + σ²/τ²)/S``, ``l1_ratio = (1/b)/(1/b + 1/τ²)``) so that a
wrong converter cannot make its own check pass.
"""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import ElasticNet, Lasso, Ridge

import bayesreg
from bayesreg import sklearn_check as V
from bayesreg.families import parse_scale, penalty_family
from bayesreg.sklearn_check.grid import _n_workers
from conftest import make_design, make_weights


@pytest.fixture(scope="module")
def diabetes_table(request):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return X, y, V.validate(X, y)


def test_diabetes_default_grid_agrees(diabetes_table):
    X, y, table = diabetes_table
    assert len(table) == 15
    assert table.ok and table.failures == []
    assert {r.family for r in table.rows} == {"gaussian", "laplace", "elasticnet"}
    for r in table.rows:
        assert r.max_rel_dcoef <= 1e-8, r
        assert r.zeros_agree and r.kkt_residual <= 1e-12


def test_rows_match_an_independent_sklearn_fit(diabetes_table):
    """Recompute every row with scikit-learn and the conversion written out here."""
    X, y, table = diabetes_table
    n = len(y)
    for r in table.rows:
        if r.family == "gaussian":
            prior = bayesreg.Gaussian(float(r.scale))
            sk = Ridge(alpha=1.0 / prior.scale**2)
        elif r.family == "laplace":
            prior = bayesreg.Laplace(float(r.scale))
            sk = Lasso(alpha=1.0 / (n * prior.scale), tol=1e-12, max_iter=10**6)
        else:
            b, t = (float(s) for s in r.scale.split(":"))
            prior = bayesreg.ElasticNet(b, t)
            l1, l2 = 1.0 / b, 1.0 / t**2
            sk = ElasticNet(alpha=(l1 + l2) / n, l1_ratio=l1 / (l1 + l2), tol=1e-12, max_iter=10**6)
        assert r.prior == repr(prior)
        assert r.sklearn == type(sk).__name__
        for k, v in r.sklearn_params.items():
            assert v == pytest.approx(sk.get_params()[k], rel=1e-12)
        sk.fit(X, y)
        ours = bayesreg.map_estimate(X, y, prior, sigma=1.0).coef
        d = np.abs(ours - sk.coef_).max() / (1 + np.abs(ours).max())
        assert r.max_rel_dcoef == pytest.approx(d, rel=1e-6, abs=1e-15)
        assert r.n_nonzero == np.count_nonzero(ours)


def test_auto_scales_closed_form():
    r"""b = σ²/(f‖X_cᵀy_c‖∞), τ = σ/√(f‖X_c‖²_F/p), to three significant digits."""
    X, y = make_design("n>p", seed=4)
    sigma = 1.7
    Xc, yc = X - X.mean(0), y - y.mean()
    lmax = np.abs(Xc.T @ yc).max()
    l2ref = (Xc**2).sum() / X.shape[1]
    for f, b, t in zip(
        V.DEFAULT_FRACTIONS,
        V.auto_scales(X, y, "lasso", sigma=sigma),
        V.auto_scales(X, y, "ridge", sigma=sigma),
    ):
        assert b == pytest.approx(sigma**2 / (f * lmax), rel=5e-3)
        assert t == pytest.approx(sigma / math.sqrt(f * l2ref), rel=5e-3)
    pairs = V.auto_scales(X, y, "elasticnet", sigma=sigma)
    assert pairs == list(
        zip(
            V.auto_scales(X, y, "laplace", sigma=sigma),
            V.auto_scales(X, y, "gaussian", sigma=sigma),
        )
    )


def test_l1_threshold_behind_auto_scales_is_where_everything_vanishes():
    """Just above λ1 = ‖q‖∞ the Lasso is all zero, just below it is not (scikit-learn)."""
    X, y = make_design("n>p", seed=5)
    n = len(y)
    lmax = np.abs((X - X.mean(0)).T @ (y - y.mean())).max()
    above = Lasso(alpha=lmax * 1.001 / n, tol=1e-12).fit(X, y).coef_
    below = Lasso(alpha=lmax * 0.999 / n, tol=1e-12).fit(X, y).coef_
    assert not above.any() and below.any()
    table = V.validate(X, y, ["laplace"], [1 / (lmax * 1.001), 1 / (lmax * 0.999)])
    assert [r.n_nonzero for r in table.rows] == [0, np.count_nonzero(below)]
    assert table.ok


def test_weighted_rows_use_the_weight_sum():
    X, y = make_design("corr0.9", seed=2)
    sw = make_weights(len(y))
    table = V.validate(X, y, ["lasso", "ridge"], [0.05, 0.5], sigma=0.8, sample_weights=sw)
    assert [(r.family, r.scale, r.weights) for r in table.rows] == [
        (f, s, w)
        for f in ("laplace", "gaussian")
        for s in ("0.05", "0.5")
        for w in ("none", "weights")
    ]
    assert table.ok
    for r in table.rows:
        b = float(r.scale)
        if r.family == "laplace":
            S = sw.sum() if r.weights == "weights" else len(y)
            assert r.sklearn_params["alpha"] == pytest.approx(0.8**2 / (S * b), rel=1e-12)
        else:
            assert r.sklearn_params["alpha"] == pytest.approx(0.8**2 / b**2, rel=1e-12)
    # the weighted MAP really is the weighted Lasso
    lasso = Lasso(alpha=0.8**2 / (sw.sum() * 0.05), tol=1e-12, max_iter=10**6).fit(
        X, y, sample_weight=sw
    )
    ours = bayesreg.map_estimate(X, y, bayesreg.Laplace(0.05), sigma=0.8, sample_weight=sw).coef
    assert_allclose(ours, lasso.coef_, atol=1e-8 * (1 + np.abs(ours).max()))


def test_named_weightings_and_none():
    X, y = make_design("n>p", seed=1)
    table = V.validate(
        X, y, ["laplace"], [0.1], sample_weights={"flat": None, "w": make_weights(len(y))}
    )
    assert [r.weights for r in table.rows] == ["flat", "w"]


def test_a_wrong_conversion_is_caught(monkeypatch):
    """The check is not a tautology: a converter off by a factor 2 makes rows disagree."""
    import bayesreg.convert as convert

    right = convert.to_sklearn

    def wrong(prior, **kw):
        est = right(prior, **kw)
        return est.set_params(alpha=2 * est.alpha)

    monkeypatch.setattr(convert, "to_sklearn", wrong)
    X, y = make_design("n>p", seed=0)
    table = V.validate(X, y, ["ridge", "lasso"], [0.3, 1.0])
    assert not table.ok
    assert len(table.failures) == 4
    assert all(r.max_rel_dcoef > 1e-4 for r in table.failures)
    assert "FAIL" in table.format(table.failures)


def test_tolerance_decides_agreement():
    X, y = make_design("n>p", seed=0)
    loose = V.validate(X, y, ["lasso"], [0.5], tol=1e-8)
    tight = V.validate(X, y, ["lasso"], [0.5], tol=1e-300)
    assert loose.ok
    row = tight.rows[0]
    assert row.agree == (row.max_rel_dcoef <= 1e-300 and row.kkt_residual <= 1e-300)


def test_csv_and_json_exports_are_exact(tmp_path):
    X, y = make_design("n>p", seed=0)
    table = V.validate(X, y, ["enet"], ["0.2:1.5", 2.0], sigma=1.3)
    recs = table.to_records()
    doc = json.loads(table.write(tmp_path / "t.json").read_text())
    assert doc["ok"] is True and doc["tol"] == 1e-8 and doc["sigma"] == 1.3
    assert doc["rows"] == recs
    with open(table.write(tmp_path / "t.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(recs) == 2
    for row, rec in zip(rows, recs):
        assert float(row["max_rel_dcoef"]) == rec["max_rel_dcoef"]
        assert float(row["sklearn_alpha"]) == rec["sklearn_params"]["alpha"]
        assert row["scale"] == rec["scale"] and row["agree"] == str(rec["agree"])
    assert recs[0]["scale"] == "0.2:1.5" and recs[0]["sklearn"] == "ElasticNet"
    with pytest.raises(ValueError, match="csv or .json"):
        table.write(tmp_path / "t.txt")


def test_a_pair_of_scales_serves_every_family():
    X, y = make_design("n>p", seed=0)
    table = V.validate(X, y, ["lasso", "ridge", "enet"], ["0.05:2"])
    assert [(r.prior, r.scale) for r in table.rows] == [
        ("Laplace(scale=0.05)", "0.05"),
        ("Gaussian(scale=2)", "2"),
        ("ElasticNet(l1_scale=0.05, l2_scale=2)", "0.05:2"),
    ]
    assert table.ok


def test_table_text_lists_every_row():
    X, y = make_design("n>p", seed=0)
    table = V.validate(X, y, ["lasso"], [0.1, 1.0])
    lines = str(table).splitlines()
    assert lines[0].split()[:2] == ["prior", "scale"]
    assert len(lines) == 2 + len(table)
    assert all(line.split()[0] == "laplace" and line.endswith("ok") for line in lines[2:])
    assert "weights" not in lines[0]


def test_to_frame():
    X, y = make_design("n>p", seed=0)
    frame = V.validate(X, y, ["lasso"], [0.1]).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["sklearn"]) == ["Lasso"] and np.isnan(frame["sklearn_l1_ratio"][0])


@pytest.mark.parametrize(
    ("alias", "family"),
    [
        ("Ridge", "gaussian"),
        ("normal", "gaussian"),
        ("LASSO", "laplace"),
        ("l1", "laplace"),
        ("elastic-net", "elasticnet"),
        ("enet", "elasticnet"),
    ],
)
def test_family_aliases(alias, family):
    assert penalty_family(alias).name == family


def test_scale_parsing_and_priors():
    assert parse_scale("0.5") == 0.5
    assert parse_scale("0.5:2") == (0.5, 2.0)
    assert penalty_family("enet").prior(0.3) == bayesreg.ElasticNet(0.3, 0.3)
    assert penalty_family("enet").prior((0.3, 2.0)) == bayesreg.ElasticNet(0.3, 2.0)
    assert penalty_family("ridge").prior(2.0) == bayesreg.Gaussian(2.0)
    assert penalty_family("lasso").prior((0.3, 2.0)) == bayesreg.Laplace(0.3)
    assert penalty_family("ridge").prior((0.3, 2.0)) == bayesreg.Gaussian(2.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: penalty_family("horse"), "unknown prior 'horse'"),
        (lambda: parse_scale("-1"), "finite and > 0"),
        (lambda: parse_scale("abc"), "must be a number"),
        (lambda: parse_scale("1:2:3"), "B:T"),
    ],
)
def test_bad_grid_specs_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_data_raises_before_any_work():
    X, y = make_design("n>p", seed=0)
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        V.validate(X, y, ["lasso"], [0.1])
    X, y = make_design("n>p", seed=0)
    with pytest.raises(ValueError, match="sample_weight"):
        V.validate(X, y, ["lasso"], [0.1], sample_weights=-np.ones(len(y)))
    with pytest.raises(ValueError, match="n_jobs"):
        V.validate(X, y, ["lasso"], [0.1], n_jobs=0)
    with pytest.raises(ValueError, match="no priors"):
        V.validate(X, y, [], [0.1])


def test_worker_count():
    import os

    assert _n_workers(-1, 1000) == (os.cpu_count() or 1)
    assert _n_workers(8, 3) == 3 and _n_workers(1, 10) == 1
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="n_jobs"):
            _n_workers(bad, 10)


# ------------------------------------------------------------- likelihood families
def _breast_cancer():
    from bayesreg.data import load_dataset

    ds = load_dataset(builtin="breast_cancer")
    return ds.X, ds.y


def test_bernoulli_rows_match_logistic_regression_written_out():
    r"""LogisticRegression minimises C·Σ s_i logloss_i + r(w): C = 1/(λ₁ + λ₂), l1_ratio =
    λ₁/(λ₁ + λ₂) with λ₁ = 1/b, λ₂ = 1/τ² (dispersion 1: no σ)."""
    from sklearn.linear_model import LogisticRegression

    X, y = _breast_cancer()
    table = V.validate(X, y, ["ridge", "lasso", "enet"], ["0.05:0.3"], family="bernoulli")
    assert table.ok and table.meta["family"] == "bernoulli" and table.sigma is None
    assert [r.likelihood for r in table.rows] == ["bernoulli"] * 3
    fits = {
        "gaussian": (1 / 0.3**2, 0.0, dict(solver="newton-cholesky")),
        "laplace": (1 / 0.05, 1.0, dict(solver="saga")),
        "elasticnet": (1 / 0.05 + 1 / 0.3**2, (1 / 0.05) / (1 / 0.05 + 1 / 0.3**2), dict(solver="saga")),
    }
    for r in table.rows:
        total, ratio, kw = fits[r.family]
        assert r.sklearn == "LogisticRegression"
        assert r.sklearn_params["C"] == pytest.approx(1 / total, rel=1e-12)
        assert r.sklearn_params["l1_ratio"] == pytest.approx(ratio, rel=1e-12)
        sk = LogisticRegression(C=1 / total, l1_ratio=ratio, tol=1e-12, max_iter=10**6, random_state=0,
                                **kw).fit(X, y)
        prior = {"gaussian": bayesreg.Gaussian(0.3), "laplace": bayesreg.Laplace(0.05),
                 "elasticnet": bayesreg.ElasticNet(0.05, 0.3)}[r.family]
        ours = bayesreg.map_estimate(X, y, prior, family="bernoulli").coef
        d = np.abs(ours - sk.coef_[0]).max() / (1 + np.abs(ours).max())
        assert d <= 1e-8 and r.max_rel_dcoef == pytest.approx(d, rel=1e-3, abs=1e-14)
        assert r.zeros_agree and r.kkt_residual <= 1e-12 and r.sklearn_kkt <= 1e-8
    frame = table.to_frame()  # LogisticRegression's C gets its own column
    assert list(frame["sklearn_C"]) == [r.sklearn_params["C"] for r in table.rows]
    assert frame["sklearn_alpha"].isna().all() and list(frame["likelihood"]) == ["bernoulli"] * 3


def test_poisson_rows_match_poisson_regressor_and_default_to_the_gaussian_prior():
    r"""PoissonRegressor minimises (1/S) Σ s_i half-deviance_i + (α/2)‖w‖²: α = λ₂/S = 1/(S τ²)."""
    from sklearn.linear_model import PoissonRegressor

    from bayesreg.data import load_dataset

    ds = load_dataset(builtin="diabetes_counts")
    sw = make_weights(len(ds.y))
    table = V.validate(ds.X, ds.y, scales=[1.0], family="poisson", sample_weights=sw)
    assert table.ok and [(r.family, r.weights) for r in table.rows] == [("gaussian", "none"), ("gaussian", "weights")]
    for r, S, w in zip(table.rows, (len(ds.y), sw.sum()), (None, sw)):
        assert r.sklearn == "PoissonRegressor"
        assert r.sklearn_params["alpha"] == pytest.approx(1 / S, rel=1e-12)
        sk = PoissonRegressor(alpha=1 / S, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(
            ds.X, ds.y, sample_weight=w)
        ours = bayesreg.map_estimate(ds.X, ds.y, bayesreg.Gaussian(1.0), family="poisson", sample_weight=w)
        assert np.abs(ours.coef - sk.coef_).max() <= 1e-8 * (1 + np.abs(ours.coef).max())


def test_glm_auto_scales_closed_form():
    r"""b = 1/(f ‖∇L(0)‖∞) and τ = 1/√(f · mean_j Σ h_i (x_ij − x̄_j)²) at the intercept-only fit
    (logit of the mean, h_i = p̄(1 − p̄)), computed here from the raw data."""
    X, y = _breast_cancer()
    pbar = y.mean()
    g0 = X.T @ (pbar - y)
    h = pbar * (1 - pbar)
    mean_eig = (h * ((X - X.mean(0)) ** 2).sum(0)).mean()
    fr = V.GLM_FRACTIONS
    sig3 = lambda v: float(f"{v:.3g}")  # noqa: E731
    assert V.auto_scales(X, y, "laplace", likelihood="bernoulli") == [sig3(1 / (f * np.abs(g0).max())) for f in fr]
    assert V.auto_scales(X, y, "ridge", likelihood="logistic") == [sig3(1 / np.sqrt(f * mean_eig)) for f in fr]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(family="bernoulli", sigma=1.0), "no noise scale"),
        (dict(family="poisson", priors=["lasso"]), "no poisson estimator for the laplace prior"),
        (dict(family="binomial", y="counts"), "binary target"),
        (dict(family="poisson", y="negative"), "counts y >= 0"),
        (dict(family="bernoulli", y="one class"), "one class"),
        (dict(family="gamma"), "unknown family 'gamma'"),
    ],
)
def test_glm_grid_errors_name_the_problem(kwargs, match):
    X, y = make_design("n>p", seed=0)
    target = {"counts": np.round(np.abs(y)), "negative": y - y.max() - 1, "one class": np.ones_like(y)}
    y = target.get(kwargs.pop("y", None), (y > y.mean()).astype(float))
    with pytest.raises(ValueError, match=match):
        V.validate(X, y, scales=[1.0], **kwargs)
