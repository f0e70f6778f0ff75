r"""Converters for the families without a noise scale, each formula written out by hand.

In dispersion units the MAP objective is :math:`\sum_i s_i\ell_i + \lambda_1\lVert w\rVert_1
+ \frac{\lambda_2}{2}\lVert w\rVert^2` with :math:`\lambda_1 = 1/b` (Laplace) and
:math:`\lambda_2 = 1/\tau^2` (Gaussian). Then

* ``LogisticRegression`` minimises :math:`C\sum_i s_i\ell_i + r\lVert w\rVert_1 + \frac{1-r}{2}\lVert w\rVert^2`:
  dividing ours by :math:`\lambda_1+\lambda_2` gives :math:`C = 1/(\lambda_1+\lambda_2)`,
  :math:`r = \lambda_1/(\lambda_1+\lambda_2)` — so :math:`C = \tau^2` (Gaussian), :math:`C = b` (Laplace);
* ``PoissonRegressor`` minimises :math:`\frac1S\sum_i s_i\ell_i + \frac\alpha2\lVert w\rVert^2`:
  :math:`\alpha = \lambda_2/S = 1/(S\tau^2)`;
* glmnet's binomial and Poisson families minimise
  :math:`\frac1S\sum_i s_i\ell_i + \lambda[\frac{1-\alpha}{2}\lVert w\rVert^2 + \alpha\lVert w\rVert_1]`:
  :math:`\lambda = (\lambda_1+\lambda_2)/S`, :math:`\alpha = \lambda_1/(\lambda_1+\lambda_2)`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, PoissonRegressor

import bayesreg
from bayesreg import convert
from bayesreg.families import likelihood_family
from bayesreg.penalty import Penalty


def _data(family, n=80, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = 0.2 + X @ np.r_[1.0, -0.7, np.zeros(p - 2)]
    if family == "bernoulli":
        return X, (rng.random(n) < expit(eta)).astype(float)
    return X, rng.poisson(np.exp(0.5 * eta)).astype(float)


def test_registry_names_the_families():
    for alias in ("bernoulli", "binomial", "logistic", "Logistic", "LogisticRegression"):
        assert likelihood_family(alias).name == "bernoulli"
    for alias in ("poisson", "PoissonRegressor", "count"):
        assert likelihood_family(alias).name == "poisson"
    fam = likelihood_family("binomial")
    assert fam.link == "logit" and fam.sklearn_name("lasso") == "LogisticRegression"
    assert likelihood_family("poisson").sklearn_name("lasso") is None
    assert fam.cls is bayesreg.datafits.BernoulliDatafit
    assert fam.estimator_class is bayesreg.LogisticMAP
    assert likelihood_family("poisson").estimator_class is bayesreg.PoissonMAP


def test_logistic_conversions_by_hand():
    b, tau = 0.4, 1.7
    assert convert.sklearn_params(bayesreg.Gaussian(tau), family="bernoulli") == (
        "LogisticRegression", {"C": pytest.approx(tau**2, rel=1e-15), "l1_ratio": 0.0})
    name, params = convert.sklearn_params(bayesreg.Laplace(b), family="logistic")
    assert name == "LogisticRegression" and params == {"C": pytest.approx(b), "l1_ratio": 1.0}
    l1, l2 = 1 / b, 1 / tau**2
    _, params = convert.sklearn_params(bayesreg.ElasticNet(b, tau), family="binomial")
    assert params["C"] == pytest.approx(1 / (l1 + l2), rel=1e-15)
    assert params["l1_ratio"] == pytest.approx(l1 / (l1 + l2), rel=1e-15)
    # and back, in the current spelling and the older penalty= one
    for est, prior in (
        (LogisticRegression(C=tau**2), bayesreg.Gaussian(tau)),
        (LogisticRegression(C=b, l1_ratio=1.0, solver="saga"), bayesreg.Laplace(b)),
        (LogisticRegression(C=1 / (l1 + l2), l1_ratio=l1 / (l1 + l2), solver="saga"),
         bayesreg.ElasticNet(b, tau)),
    ):
        back = convert.from_sklearn(est)
        assert type(back) is type(prior)
        np.testing.assert_allclose([getattr(back, f) for f in back.__dataclass_fields__],
                                   [getattr(prior, f) for f in prior.__dataclass_fields__], rtol=1e-14)
    assert Penalty.from_sklearn("LogisticRegression", {"penalty": "l1", "C": b}) == Penalty(1 / b, 0.0)
    assert Penalty.from_sklearn("LogisticRegression", {"penalty": "l2", "C": 2.0}) == Penalty(0.0, 0.5)
    pen = Penalty.from_sklearn("LogisticRegression", {"penalty": "elasticnet", "C": 2.0, "l1_ratio": 0.25})
    assert pen == Penalty(0.125, 0.375)
    assert Penalty.from_sklearn("LogisticRegression", {"penalty": None, "C": 2.0}).kind == "none"
    assert Penalty.from_sklearn("LogisticRegression", {"C": np.inf, "l1_ratio": 0.0}).kind == "none"
    with pytest.raises(ValueError, match="needs l1_ratio"):
        Penalty.from_sklearn("LogisticRegression", {"penalty": "elasticnet", "C": 1.0, "l1_ratio": None})
    with pytest.raises(ValueError, match="unknown LogisticRegression penalty"):
        Penalty.from_sklearn("LogisticRegression", {"penalty": "l3"})


def test_unpenalised_and_liblinear_are_explained():
    with pytest.raises(ValueError, match="unpenalised: a flat prior"):
        convert.from_sklearn(LogisticRegression(C=np.inf))
    with pytest.warns(UserWarning, match="liblinear penalises the intercept"):
        convert.from_sklearn(LogisticRegression(C=1.0, l1_ratio=1.0, solver="liblinear"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        convert.from_sklearn(LogisticRegression(C=1.0, l1_ratio=1.0, solver="liblinear",
                                                fit_intercept=False))
    with pytest.warns(UserWarning, match="class_weight"):
        convert.from_sklearn(LogisticRegression(class_weight="balanced"))
    with pytest.raises(TypeError, match="Ridge, Lasso or ElasticNet"):
        convert.from_sklearn(LinearRegression())


def test_poisson_conversions_by_hand():
    tau, S = 0.6, 37.5
    name, params = convert.sklearn_params(bayesreg.Gaussian(tau), family="poisson", n_samples=S)
    assert name == "PoissonRegressor" and params["alpha"] == pytest.approx(1 / (S * tau**2), rel=1e-15)
    back = convert.from_sklearn(PoissonRegressor(alpha=params["alpha"]), n_samples=S)
    assert isinstance(back, bayesreg.Gaussian) and back.scale == pytest.approx(tau, rel=1e-14)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, 40)
    _, params = convert.sklearn_params(bayesreg.Gaussian(tau), family="poisson", sample_weight=sw)
    assert params["alpha"] == pytest.approx(1 / (sw.sum() * tau**2), rel=1e-14)
    with pytest.raises(ValueError, match="no poisson estimator with a lasso penalty.*glmnet"):
        convert.sklearn_params(bayesreg.Laplace(1.0), family="poisson", n_samples=10)
    with pytest.raises(ValueError, match="n_samples"):
        convert.sklearn_params(bayesreg.Gaussian(1.0), family="poisson")


def test_glmnet_glm_conversions_by_hand():
    b, tau, S = 0.25, 2.0, 50.0
    for family in ("binomial", "poisson"):
        lam, alpha = convert.glmnet_params(bayesreg.Laplace(b), family=family, n_samples=S)
        assert lam == pytest.approx(1 / (S * b), rel=1e-15) and alpha == 1.0
        lam, alpha = convert.glmnet_params(bayesreg.Gaussian(tau), family=family, n_samples=S)
        assert lam == pytest.approx(1 / (S * tau**2), rel=1e-15) and alpha == 0.0
        l1, l2 = 1 / b, 1 / tau**2
        lam, alpha = convert.glmnet_params(bayesreg.ElasticNet(b, tau), family=family, n_samples=S)
        assert lam == pytest.approx((l1 + l2) / S) and alpha == pytest.approx(l1 / (l1 + l2))
        back = convert.from_glmnet(lam, alpha, family=family, n_samples=S)
        assert back.l1_scale == pytest.approx(b, rel=1e-14) and back.l2_scale == pytest.approx(tau, rel=1e-14)


def test_glmnet_objective_is_ours_over_S():
    """glmnet's binomial objective at any point is the MAP objective divided by S."""
    X, y = _data("bernoulli")
    sw = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    S = sw.sum()
    b, tau = 0.3, 1.5
    lam, alpha = convert.glmnet_params(bayesreg.ElasticNet(b, tau), family="binomial", sample_weight=sw)
    rng = np.random.default_rng(4)
    for _ in range(3):
        w, b0 = rng.standard_normal(X.shape[1]), rng.standard_normal()
        eta = b0 + X @ w
        nll = sw @ (np.logaddexp(0, eta) - y * eta)
        ours = nll + np.abs(w).sum() / b + 0.5 * (w @ w) / tau**2
        # glmnet rescales the weights to sum to N: -(1/N) Σ (N s_i / S) loglik_i
        glmnet = nll / S + lam * ((1 - alpha) / 2 * (w @ w) + alpha * np.abs(w).sum())
        assert glmnet == pytest.approx(ours / S, rel=1e-13)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(("family", "prior"), [
    ("bernoulli", bayesreg.Gaussian(0.9)),
    ("bernoulli", bayesreg.Laplace(0.3)),
    ("bernoulli", bayesreg.ElasticNet(0.3, 1.0)),
    ("poisson", bayesreg.Gaussian(0.5)),
])
def test_to_sklearn_reproduces_the_map(family, prior, fit_intercept):
    X, y = _data(family)
    sw = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    res = bayesreg.map_estimate(X, y, prior, family=family, fit_intercept=fit_intercept,
                                sample_weight=sw)
    est = res.sklearn_estimator
    assert est.fit_intercept == fit_intercept
    if family == "bernoulli" and not isinstance(prior, bayesreg.Gaussian):
        expected = "liblinear" if isinstance(prior, bayesreg.Laplace) and not fit_intercept else "saga"
        assert est.solver == expected
    est.fit(X, y, sample_weight=sw)
    coef = np.ravel(est.coef_)
    assert np.abs(coef - res.coef).max() <= 1e-6 * (1 + np.abs(res.coef).max())
    if not isinstance(prior, bayesreg.Gaussian):
        np.testing.assert_array_equal(coef != 0, res.coef != 0)
    assert res.sklearn_params[0] == type(est).__name__


def test_sigma_rules():
    with pytest.raises(ValueError, match="bernoulli family has no noise scale"):
        convert.sklearn_params(bayesreg.Gaussian(1.0), sigma=1.0, family="bernoulli")
    with pytest.raises(ValueError, match="no noise scale"):
        convert.from_sklearn(LogisticRegression(), sigma=2.0)
    with pytest.raises(ValueError, match="gaussian family needs sigma"):
        convert.sklearn_params(bayesreg.Gaussian(1.0))
    # the Gaussian family is unchanged
    assert convert.from_sklearn(Lasso(alpha=0.1), sigma=1.0, n_samples=10).scale == pytest.approx(1.0)
