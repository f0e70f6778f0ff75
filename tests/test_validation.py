"""Bad input raises a clear error naming the problem; awkward-but-valid input works.

Every public entry point that takes data (``map_estimate``, ``map_path``, the
estimators' ``fit``) is run on each bad input, and the message is matched against the
words a user needs to see (which argument, what is wrong). Valid inputs in unusual
containers (float32, lists, pandas, a constant column, a single row) are compared with
the float64-array answer or with scikit-learn / a closed form.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, Ridge

import bayesreg
from bayesreg._validation import check_sample_weight, check_sigma, check_X, check_X_y
from conftest import make_design

SIGMA = 0.8
PRIOR = bayesreg.Laplace(0.05)


def _map(X, y, sample_weight=None, *, prior=PRIOR, sigma=SIGMA):
    return bayesreg.map_estimate(X, y, prior, sigma=sigma, sample_weight=sample_weight)


def _path(X, y, sample_weight=None, *, prior=PRIOR, sigma=SIGMA):
    return bayesreg.map_path(X, y, prior, sigma=sigma, n_points=3, sample_weight=sample_weight)


def _fit(X, y, sample_weight=None, *, prior=PRIOR, sigma=SIGMA):
    return bayesreg.MAPRegressor(prior, sigma=sigma).fit(X, y, sample_weight=sample_weight)


ENTRY_POINTS = [
    pytest.param(_map, id="map_estimate"),
    pytest.param(_path, id="map_path"),
    pytest.param(_fit, id="MAPRegressor.fit"),
]


def _data():
    return make_design("n>p", seed=11)


def _with(arr, index, value):
    out = np.array(arr, dtype=float, copy=True)
    out[index] = value
    return out


# ------------------------------------------------------------------ bad data
X0, Y0 = _data()
N, P = X0.shape

BAD_DATA = [
    pytest.param(_with(X0, (3, 2), np.nan), Y0, None, ValueError, r"X.*NaN", id="nan-in-X"),
    pytest.param(_with(X0, (0, 0), np.inf), Y0, None, ValueError, r"X.*(inf|infinity)", id="inf-in-X"),
    pytest.param(_with(X0, (5, 1), -np.inf), Y0, None, ValueError, r"X.*(inf|infinity)", id="-inf-in-X"),
    pytest.param(X0, _with(Y0, 4, np.nan), None, ValueError, r"[yY].*NaN", id="nan-in-y"),
    pytest.param(X0, _with(Y0, 7, np.inf), None, ValueError, r"[yY].*(inf|infinity)", id="inf-in-y"),
    pytest.param(X0, Y0[:-1], None, ValueError, r"(?i)(length|rows|samples|inconsistent)", id="length-mismatch"),
    pytest.param(X0[:, 0], Y0, None, ValueError, r"2-?D|2D", id="1-D-X"),
    pytest.param(X0, np.column_stack([Y0, Y0]), None, ValueError, r"1-?D|1d|shape", id="2-D-y"),
    pytest.param(np.empty((0, P)), np.empty(0), None, ValueError, r"(?i)empty|0 sample|minimum", id="empty-X"),
    pytest.param(np.empty((N, 0)), Y0, None, ValueError, r"(?i)empty|0 feature|minimum", id="no-columns"),
    pytest.param(X0, Y0, -np.ones(N), ValueError, r"sample_weight.*(>= 0|negative)", id="negative-weights"),
    pytest.param(X0, Y0, _with(np.ones(N), 3, -0.5), ValueError, r"sample_weight.*(>= 0|negative)", id="one-negative-weight"),
    pytest.param(X0, Y0, np.zeros(N), ValueError, r"sample_weight.*(all zero|zero)", id="all-zero-weights"),
    pytest.param(X0, Y0, np.ones(N - 2), ValueError, r"sample_weight.*(length|\d+)", id="short-weights"),
    pytest.param(X0, Y0, _with(np.ones(N), 0, np.nan), ValueError, r"sample_weight.*NaN", id="nan-weight"),
    pytest.param(X0, Y0, np.ones((N, 2)), ValueError, r"sample_weight.*1-?D", id="2-D-weights"),
]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("X", "y", "sw", "exc", "match"), BAD_DATA)
def test_bad_data_raises_a_named_error(entry, X, y, sw, exc, match):
    with pytest.raises(exc, match=match):
        entry(X, y, sw)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("sigma", [0.0, -1.0, np.nan, np.inf], ids=str)
def test_bad_sigma_raises(entry, sigma):
    with pytest.raises(ValueError, match="sigma"):
        entry(X0, Y0, sigma=sigma)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("sigma", ["one", None, [1.0], True], ids=repr)
def test_non_numeric_sigma_raises(entry, sigma):
    with pytest.raises((TypeError, ValueError), match="sigma"):
        entry(X0, Y0, sigma=sigma)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    "prior",
    [1.0, "laplace", object(), bayesreg.penalty.Penalty(1.0, 0.0), bayesreg.Laplace],
    ids=["float", "str", "object", "Penalty", "class-not-instance"],
)
def test_not_a_prior_raises(entry, prior):
    with pytest.raises(TypeError, match="prior"):
        entry(X0, Y0, prior=prior)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_non_numeric_column_is_named(entry):
    df = pd.DataFrame(X0[:, :3], columns=["age", "bmi", "bp"])
    df["city"] = ["Oslo", "Lima"] * (N // 2)
    with pytest.raises(TypeError, match="city"):
        entry(df, Y0)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_string_array_is_rejected(entry):
    X = X0.astype(str)
    X[0, 0] = "abc"
    with pytest.raises((TypeError, ValueError), match=r"(?i)numeric|convert|float|abc"):
        entry(X, Y0)


def test_complex_input_is_rejected():
    with pytest.raises((TypeError, ValueError), match=r"(?i)complex|real"):
        _map(X0 + 1j, Y0)


def test_messages_locate_the_bad_value():
    with pytest.raises(ValueError, match=r"row 3, column 2"):
        check_X(_with(X0, (3, 2), np.nan))
    with pytest.raises(ValueError, match=r"index 4"):
        check_X_y(X0, _with(Y0, 4, np.nan))
    with pytest.raises(ValueError, match=rf"{N - 2}.*{N}"):
        check_sample_weight(np.ones(N - 2), N)
    with pytest.raises(ValueError, match="None"):
        check_X(None)
    with pytest.raises(ValueError, match="None"):
        check_X_y(X0, None)


def test_check_sigma_returns_float():
    assert check_sigma(np.float32(2.0)) == 2.0 and type(check_sigma(2)) is float
    with pytest.raises(TypeError, match="sigma"):
        check_sigma(True)


def test_predict_with_wrong_width_raises():
    est = _fit(X0, Y0)
    with pytest.raises(ValueError, match=r"(?i)features"):
        est.predict(X0[:, :-1])
    res = _map(X0, Y0)
    with pytest.raises(ValueError, match=r"(?i)features"):
        res.predict(X0[:, :-1])


# --------------------------------------------------------- awkward but valid
@pytest.mark.parametrize(
    "prior", [bayesreg.Gaussian(0.5), bayesreg.Laplace(0.05), bayesreg.ElasticNet(0.05, 0.5)],
    ids=["Gaussian", "Laplace", "ElasticNet"],
)
def test_float32_lists_pandas_agree_with_float64(prior):
    X32, y32 = X0.astype(np.float32), Y0.astype(np.float32)
    # the float64 answer on exactly the same (float32-rounded) numbers
    ref = _map(X32.astype(np.float64), y32.astype(np.float64), prior=prior)
    for X, y in [
        (X32, y32),
        (X32.astype(np.float64).tolist(), y32.astype(np.float64).tolist()),
        (pd.DataFrame(X32.astype(np.float64)), pd.Series(y32.astype(np.float64))),
    ]:
        res = _map(X, y, prior=prior)
        np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-12, atol=1e-12)
        assert res.intercept == pytest.approx(ref.intercept, rel=1e-12)
    # float32 data gives a float64 answer: no silent loss of precision
    assert _map(X32, y32, prior=prior).coef.dtype == np.float64


def test_integer_and_bool_inputs_work():
    Xi = np.round(X0 * 3).astype(int)
    ref = _map(Xi.astype(float), Y0)
    np.testing.assert_allclose(_map(Xi, Y0).coef, ref.coef, rtol=1e-13, atol=1e-13)
    Xb = X0 > 0
    ref = _map(Xb.astype(float), Y0)
    np.testing.assert_allclose(_map(Xb, Y0).coef, ref.coef, rtol=1e-13, atol=1e-13)


def test_pandas_nullable_and_feature_names():
    df = pd.DataFrame(X0[:, :4], columns=["a", "b", "c", "d"]).astype("Float64")
    res = _map(df, pd.Series(Y0))
    ref = _map(X0[:, :4], Y0)
    np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-13, atol=1e-13)
    assert list(res.feature_names) == ["a", "b", "c", "d"]
    # pd.NA in a nullable numeric column is a missing value, not a non-numeric column
    with pytest.raises((ValueError, TypeError), match=r"NaN|missing|\bNA\b"):
        _map(df.mask(df > 1.5), Y0)


@pytest.mark.parametrize(
    "prior", [bayesreg.Gaussian(0.5), bayesreg.Laplace(0.05), bayesreg.ElasticNet(0.05, 0.5)],
    ids=["Gaussian", "Laplace", "ElasticNet"],
)
def test_constant_column(prior):
    """A constant column is absorbed by the intercept: its coefficient is 0, the rest
    equal the fit without it (and scikit-learn's)."""
    X = np.column_stack([X0, np.full(N, 3.7)])
    res = _map(X, Y0, prior=prior)
    assert abs(res.coef[-1]) <= 1e-12 * (1 + np.abs(res.coef).max())
    ref = _map(X0, Y0, prior=prior)
    np.testing.assert_allclose(res.coef[:-1], ref.coef, rtol=0, atol=1e-10 * (1 + np.abs(ref.coef).max()))
    assert res.intercept == pytest.approx(ref.intercept, rel=1e-10)
    assert res.kkt_residual <= 1e-10
    if isinstance(prior, bayesreg.Laplace):
        assert res.coef[-1] == 0.0  # an L1 zero is an exact zero


def test_all_constant_design():
    """Every column constant: nothing to explain, coef = 0 and intercept = mean(y)."""
    X = np.ones((N, 3)) * [1.0, -2.0, 5.0]
    for prior in (bayesreg.Gaussian(1.0), bayesreg.Laplace(1.0)):
        res = _map(X, Y0, prior=prior)
        np.testing.assert_allclose(res.coef, 0.0, atol=1e-12)
        assert res.intercept == pytest.approx(Y0.mean(), rel=1e-12)


def test_single_row_with_intercept():
    """n = 1: the intercept fits the one point exactly; every slope is 0."""
    X, y = X0[:1], Y0[:1]
    for prior in (bayesreg.Gaussian(1.0), bayesreg.Laplace(0.1), bayesreg.ElasticNet(0.1, 1.0)):
        res = _map(X, y, prior=prior)
        np.testing.assert_array_equal(res.coef, 0.0)
        assert res.intercept == pytest.approx(y[0], rel=1e-15)


def test_single_row_without_intercept():
    r"""n = 1, no intercept: Ridge has the closed form :math:`w = x y/(\lVert x\rVert^2 + \lambda_2)`;
    Lasso is checked against scikit-learn."""
    x, y = X0[0], Y0[:1]
    tau = 0.6
    l2 = SIGMA**2 / tau**2
    res = bayesreg.map_estimate(
        x[None, :], y, bayesreg.Gaussian(tau), sigma=SIGMA, fit_intercept=False
    )
    np.testing.assert_allclose(res.coef, x * y[0] / (x @ x + l2), rtol=1e-13)
    sk_ridge = Ridge(alpha=l2, fit_intercept=False).fit(x[None, :], y)
    np.testing.assert_allclose(res.coef, sk_ridge.coef_, rtol=1e-10)
    b = 0.2
    res = bayesreg.map_estimate(
        x[None, :], y, bayesreg.Laplace(b), sigma=SIGMA, fit_intercept=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = Lasso(alpha=SIGMA**2 / (1 * b), fit_intercept=False, tol=1e-14, max_iter=10**6)
        sk.fit(x[None, :], y)
    np.testing.assert_allclose(res.coef, sk.coef_, rtol=0, atol=1e-10 * (1 + np.abs(res.coef).max()))
    assert res.kkt_residual <= 1e-10


def test_scalar_sample_weight_broadcasts():
    """A scalar weight multiplies every sample equally: Ridge's answer changes only
    through the effective λ₂/c, so compare with Gaussian data weighting written out."""
    res = bayesreg.map_estimate(X0, Y0, bayesreg.Gaussian(0.5), sigma=SIGMA, sample_weight=2.0)
    ref = bayesreg.map_estimate(
        X0, Y0, bayesreg.Gaussian(0.5), sigma=SIGMA, sample_weight=np.full(N, 2.0)
    )
    np.testing.assert_allclose(res.coef, ref.coef, rtol=1e-13)


def test_zero_weight_equals_dropping_the_row():
    sw = np.ones(N)
    sw[[2, 9]] = 0.0
    keep = sw > 0
    for prior in (bayesreg.Gaussian(0.5), bayesreg.Laplace(0.05)):
        res = _map(X0, Y0, sw, prior=prior)
        ref = _map(X0[keep], Y0[keep], prior=prior)
        np.testing.assert_allclose(res.coef, ref.coef, rtol=0, atol=1e-10 * (1 + np.abs(ref.coef).max()))
        assert res.intercept == pytest.approx(ref.intercept, rel=1e-10)


def test_integer_weight_equals_repeating_the_row():
    sw = np.ones(N)
    sw[5] = 3.0
    Xr = np.vstack([X0, X0[[5, 5]]])
    yr = np.concatenate([Y0, Y0[[5, 5]]])
    res = _map(X0, Y0, sw, prior=bayesreg.Laplace(0.05))
    ref = _map(Xr, yr, prior=bayesreg.Laplace(0.05))
    np.testing.assert_allclose(res.coef, ref.coef, rtol=0, atol=1e-10 * (1 + np.abs(ref.coef).max()))


def test_inputs_are_not_modified():
    X, y, sw = X0.copy(), Y0.copy(), np.linspace(0.5, 2.0, N)
    Xc, yc, swc = X.copy(), y.copy(), sw.copy()
    _map(X, y, sw)
    _fit(X, y, sw)
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(y, yc)
    np.testing.assert_array_equal(sw, swc)


def test_finiteness_fast_path_neither_refuses_large_values_nor_misses_opposite_infinities():
    """One sum proves every entry finite; a sum that overflows (finite entries near the
    largest double) or cancels to NaN (+inf and -inf) goes to the entrywise check."""
    big = np.full((4, 3), 1e308)
    np.testing.assert_array_equal(check_X(big), big)
    bad = big.copy()
    bad[1, 0], bad[3, 2] = np.inf, -np.inf
    with pytest.raises(ValueError, match=r"X contains inf \(first at row 1, column 0\)"):
        check_X(bad)
