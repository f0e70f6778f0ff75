"""The compiled moments, centring and equilibration of a row-major design: means and norms
against extended precision, the design against numpy's, NaN and inf found, and columns
outside the accurate range handed back to the rescaling numpy path."""

from __future__ import annotations

import numpy as np
import pytest

from bayesreg.datafits import GaussianDatafit


def _both(X, y, sw, fit_intercept):
    fused = GaussianDatafit(X, y, sw, fit_intercept, equilibrate=True)
    plain = GaussianDatafit(X, y, sw, fit_intercept, equilibrate=True)
    plain._whitened_compiled = lambda mean, root: None  # numpy's centred copy and scaling
    return fused._whitened, plain._whitened


def _reference(X, sw, fit_intercept):
    """Means and centred, weighted column norms in extended precision (numpy's longdouble)."""
    Xl = X.astype(np.longdouble)
    s = np.ones(X.shape[0], dtype=np.longdouble) if sw is None else sw.astype(np.longdouble)
    mean = (s[:, None] * Xl).sum(axis=0) / s.sum() if fit_intercept else np.zeros(X.shape[1], np.longdouble)
    return mean, np.sqrt((s[:, None] * (Xl - mean) ** 2).sum(axis=0))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_whitening_against_extended_precision_and_numpy(fit_intercept, weighted):
    rng = np.random.default_rng(4)
    n = 300
    spread = 10.0 ** rng.uniform(-3, 3, 25)
    offset = rng.uniform(-1e3, 1e3, 25)
    offset[:12] = 0.0  # well-conditioned columns beside offset ones
    X = rng.standard_normal((n, 25)) * spread + offset
    X[:, 3] = 5.0  # a constant column
    X[:, 7] = 0.0  # a zero column
    y = rng.standard_normal(n)
    sw = rng.uniform(0.1, 3.0, n) if weighted else None
    lik = GaussianDatafit.from_data(X, y, sw, fit_intercept, equilibrate=True)
    (A1, b1, d1), (A2, b2, d2) = _both(X, y, sw, fit_intercept)
    mean, norm = _reference(X, sw, fit_intercept)
    # the means: to rounding of the entries' magnitude
    np.testing.assert_array_less(np.abs(lik._offsets[0] - mean.astype(float)), 4e-15 * np.abs(X).max(axis=0) + 1e-300)
    # the norms: to rounding, times the column's offset-to-spread ratio (both the compiled
    # moments and numpy's two passes subtract a rounded mean)
    live = norm > 1e-8 * np.abs(X).max(axis=0)
    cond = np.where(fit_intercept, 1.0 + np.abs(offset) / spread, 1.0)
    ref = norm.astype(float)
    for d in (d1, d2):
        np.testing.assert_array_less(np.abs(d - ref)[live] / ref[live], (1e-13 * cond)[live])
        np.testing.assert_array_equal(d[~live & (norm == 0)], 1.0)
    # the design: the same centring, scaled by either norm
    np.testing.assert_allclose(A1 * d1, A2 * d2, rtol=1e-13, atol=1e-13 * np.abs(A2 * d2).max())
    np.testing.assert_array_equal(b1, b2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("weighted", [False, True])
def test_a_non_finite_entry_is_reported_from_the_moments_pass(bad, weighted):
    """NaN or inf anywhere in X, also in a row of weight 0 or a chunk of such rows, is the
    validation error naming its first position."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((200, 7))
    y = rng.standard_normal(200)
    sw = rng.uniform(0.5, 2.0, 200) if weighted else None
    if weighted:
        sw[128:192] = 0.0  # a whole chunk of weight 0
    X[150, 4] = bad
    kind = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at row 150, column 4\)"):
        GaussianDatafit.from_data(X, y, sw, True, equilibrate=True)
    Xf = np.asfortranarray(X)  # the numpy path checks entry by entry
    with pytest.raises(ValueError, match=rf"X contains {kind} \(first at row 150, column 4\)"):
        GaussianDatafit.from_data(Xf, y, sw, True, equilibrate=True)


def test_columns_outside_the_accurate_range_take_the_rescaling_path():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((50, 4))
    X[:, 1] *= 1e160  # its sum of squares overflows
    X[:, 2] *= 1e-150  # and this one underflows
    y = rng.standard_normal(50)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    assert lik._whitened_compiled(lik._offsets[0], None) is None
    np.testing.assert_allclose(np.linalg.norm(lik.A, axis=0), 1.0, rtol=1e-13)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(lik.column_scale / np.abs(Xc).max(axis=0),
                               np.linalg.norm(Xc / np.abs(Xc).max(axis=0), axis=0), rtol=1e-13)
