"""The sufficient-statistics cache: a hit for the same data, a miss for any change."""

import numpy as np
import pytest

from bayesreg.datafits import GaussianDatafit
from bayesreg.datafits.gaussian import SufficientStatistics, _StatisticsCache


def _fresh(X, y, sw, fi):
    return SufficientStatistics.from_datafit(GaussianDatafit(X, y, sw, fi))


def _same(a, b):
    return all(
        np.array_equal(getattr(a, f), getattr(b, f))
        for f in ("gram", "w_ls", "rss_min", "weight_sum", "n_obs", "X_offset", "y_offset")
    )


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = X @ [1.0, 0.0, -2.0, 0.5] + rng.standard_normal(60)
    return X, y, rng.uniform(0.5, 2.0, 60)


def test_hit_returns_the_cached_statistics(data):
    X, y, sw = data
    cache = _StatisticsCache()
    first = cache.get(GaussianDatafit(X, y, sw, True))
    assert cache.get(GaussianDatafit(X.copy(), y.copy(), sw.copy(), True)) is first
    assert _same(first, _fresh(X, y, sw, True))


@pytest.mark.parametrize("change", ["X in place", "y", "weights", "no weights", "intercept"])
def test_any_change_is_a_miss_with_correct_statistics(data, change):
    X, y, sw = data
    cache = _StatisticsCache()
    first = cache.get(GaussianDatafit(X, y, sw, True))
    fi = True
    if change == "X in place":
        X[7, 2] += 1e-9
    elif change == "y":
        y = y + 1.0
    elif change == "weights":
        sw = sw.copy()
        sw[3] = 0.0
    elif change == "no weights":
        sw = None
    else:
        fi = False
    second = cache.get(GaussianDatafit(X, y, sw, fi))
    assert second is not first
    assert _same(second, _fresh(X, y, sw, fi))
