"""The compiled centring and equilibration of a row-major design is numpy's (the same
norms; each entry within 1.5 ulp: a multiplication by 1/d for numpy's division), and hands
columns outside the accurate range back to the rescaling numpy path."""

from __future__ import annotations

import numpy as np
import pytest

from bayesreg.datafits import GaussianDatafit


def _both(X, y, sw, fit_intercept):
    fused = GaussianDatafit(X, y, sw, fit_intercept, equilibrate=True)
    plain = GaussianDatafit(X, y, sw, fit_intercept, equilibrate=True)
    plain._whitened_compiled = lambda mean: None  # numpy's centred copy and scaling
    return fused._whitened, plain._whitened


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_compiled_whitening_is_numpys(fit_intercept, weighted):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((300, 25)) * 10.0 ** rng.uniform(-3, 3, 25) + rng.uniform(-1e3, 1e3, 25)
    X[:, 3] = 5.0  # a constant column
    X[:, 7] = 0.0  # a zero column
    y = rng.standard_normal(300)
    sw = rng.uniform(0.1, 3.0, 300) if weighted else None
    (A1, b1, d1), (A2, b2, d2) = _both(X, y, sw, fit_intercept)
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_max_ulp(A1, A2, maxulp=2)
    assert not np.array_equal(A1, A2)  # the two really are different computations
    np.testing.assert_array_equal(b1, b2)
    # and what both compute: unit-norm centred, weighted columns (constant ones aside)
    root = np.ones(300) if sw is None else np.sqrt(sw)
    Xc = X - np.average(X, axis=0, weights=sw) if fit_intercept else X
    ref = np.linalg.norm(root[:, None] * Xc, axis=0)
    live = ref > 1e-8 * np.abs(X).max(axis=0)
    np.testing.assert_allclose(d1[live], ref[live], rtol=1e-12)


def test_columns_outside_the_accurate_range_take_the_rescaling_path():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((50, 4))
    X[:, 1] *= 1e160  # its sum of squares overflows
    X[:, 2] *= 1e-150  # and this one underflows
    y = rng.standard_normal(50)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    assert lik._whitened_compiled(lik._offsets[0]) is None
    np.testing.assert_allclose(np.linalg.norm(lik.A, axis=0), 1.0, rtol=1e-13)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(lik.column_scale / np.abs(Xc).max(axis=0),
                               np.linalg.norm(Xc / np.abs(Xc).max(axis=0), axis=0), rtol=1e-13)
