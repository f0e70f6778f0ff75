"""No silent wrong answers: columns in other units, and a certificate that cannot be fooled.

References: scikit-learn's coordinate descent on the same (badly scaled) data, compared
by objective value (its coefficients for a 1e9-scaled column are only as accurate as its
tolerance allows), and the rescaled problem solved exactly.
"""

import warnings

import numpy as np
import pytest

import bayesreg
from bayesreg.map import kkt_certificate

PRIORS = [bayesreg.Laplace(0.3), bayesreg.Gaussian(0.7), bayesreg.ElasticNet(0.3, 0.7)]


def _objective(X, y, w, b, pen):
    r = y - X @ w - b
    return 0.5 * r @ r + pen.value(w)


def _problem(seed, n=40, p=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def test_issue_example_one_column_in_cents():
    """X[:, 1] *= 1e9: the MAP the old solver got wrong (objective 289 worse, KKT 1.5e-9)."""
    X, y = _problem(0)
    X[:, 1] *= 1e9
    prior = bayesreg.Laplace(0.3)
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    sk = bayesreg.convert.to_sklearn(prior, sigma=1.0, n_samples=len(y), tol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, y)
    ours = _objective(X, y, res.coef, res.intercept, res.penalty)
    theirs = _objective(X, y, sk.coef_, sk.intercept_, res.penalty)
    assert ours <= theirs * (1 + 1e-12)
    assert res.kkt_residual < 1e-10
    # the other coefficients barely move from the unscaled problem's (column 1 is now
    # effectively unpenalised), and none of them is a spurious zero
    assert np.count_nonzero(res.coef) >= np.count_nonzero(sk.coef_)


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("exponent", [-9, -4, 4, 9])
def test_one_badly_scaled_column_matches_sklearn_objective(prior, fit_intercept, exponent):
    X, y = _problem(20 + exponent)
    X[:, 2] *= 10.0**exponent
    if not fit_intercept:
        X += 50.0  # offsets without centring
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0, fit_intercept=fit_intercept)
    sk = bayesreg.convert.to_sklearn(
        prior, sigma=1.0, n_samples=len(y), fit_intercept=fit_intercept, tol=1e-14
    ) if not isinstance(prior, bayesreg.Gaussian) else bayesreg.convert.to_sklearn(
        prior, sigma=1.0, fit_intercept=fit_intercept
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.fit(X, y)
    ours = _objective(X, y, res.coef, res.intercept, res.penalty)
    theirs = _objective(X, y, sk.coef_, sk.intercept_, res.penalty)
    assert ours <= theirs + 1e-10 * abs(theirs)
    assert res.kkt_residual < 1e-10


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: type(p).__name__)
@pytest.mark.parametrize("scale", [1e-8, 1.0, 1e8])
def test_perturbing_any_one_coordinate_raises_the_certificate(prior, scale):
    """At every column scale, an error of 1e-4 (relative to that coefficient's natural
    size) in any single coordinate shows as a certificate far above rounding."""
    X, y = _problem(11)
    X[:, 0] *= scale
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    assert kkt_certificate(X, y, res.coef, prior, sigma=1.0) == pytest.approx(
        res.kkt_residual, abs=1e-14
    )
    col_norm = np.linalg.norm(X - X.mean(axis=0), axis=0)
    natural = np.linalg.norm(y - y.mean()) / col_norm  # size of a unit-correlation coefficient
    for j in range(X.shape[1]):
        w = res.coef.copy()
        w[j] += 1e-4 * natural[j]
        assert kkt_certificate(X, y, w, prior, sigma=1.0) > 1e-6, j


def test_old_certificate_scaling_would_hide_the_error():
    """The former scale (largest raw gradient) is dominated by a 1e9 column: the same
    perturbation of a small-unit coordinate was invisible to it, and is not now."""
    X, y = _problem(5)
    X[:, 0] *= 1e9
    prior = bayesreg.Laplace(0.3)
    res = bayesreg.map_estimate(X, y, prior, sigma=1.0)
    w = res.coef.copy()
    w[3] += 1e-3
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    g = Xc.T @ (Xc @ w - yc)
    old = np.abs(g[3] + res.penalty.l1 * np.sign(w[3])) / np.abs(Xc.T @ yc).max()
    assert old < 1e-8  # what the old definition reported
    assert kkt_certificate(X, y, w, prior, sigma=1.0) > 1e-4
