"""Shared fixtures: small reproducible designs, sample weights, the diabetes data.

Other test modules import from here, so the public names are stable:

* ``DESIGN_NAMES`` and :func:`make_design` — the five design shapes the issue lists;
* :func:`make_weights` — positive sample weights with a few zeros;
* fixtures ``design`` (parametrized over ``DESIGN_NAMES``), ``diabetes``, ``rng``,
  ``regression_data`` (one small n > p problem).
"""

from __future__ import annotations

import numpy as np
import pytest

#: The designs every MAP-vs-scikit-learn comparison runs on.
DESIGN_NAMES = ("n>p", "p>n", "n=p", "corr0.9", "dup-column")


def make_design(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small regression problem ``(X, y)`` of the named shape.

    * ``"n>p"``: 40 × 10 standard normal.
    * ``"p>n"``: 20 × 50 standard normal.
    * ``"n=p"``: 25 × 25 standard normal.
    * ``"corr0.9"``: 40 × 15 with every pair of columns correlated at ρ = 0.9
      (a shared factor: :math:`x_j = \\sqrt{0.9}\\,z_0 + \\sqrt{0.1}\\,z_j`).
    * ``"dup-column"``: 40 × 11, the last column an exact copy of column 3.

    Columns get different scales and non-zero means so that centring and intercepts
    matter; ``y`` depends on a sparse true coefficient vector plus noise.
    """
    rng = np.random.default_rng(seed)
    if name == "n>p":
        X = rng.standard_normal((40, 10))
    elif name == "p>n":
        X = rng.standard_normal((20, 50))
    elif name == "n=p":
        X = rng.standard_normal((25, 25))
    elif name == "corr0.9":
        z0 = rng.standard_normal((40, 1))
        X = np.sqrt(0.9) * z0 + np.sqrt(0.1) * rng.standard_normal((40, 15))
    elif name == "dup-column":
        X = rng.standard_normal((40, 10))
        X = np.column_stack([X, X[:, 3]])
    else:
        raise ValueError(f"unknown design {name!r}; choose from {DESIGN_NAMES}")
    n, p = X.shape
    X = X * rng.uniform(0.5, 2.0, size=p) + rng.uniform(-1.0, 1.0, size=p)
    w = np.zeros(p)
    k = min(5, p)
    w[rng.choice(p, size=k, replace=False)] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(
        0.5, 2.0, size=k
    )
    y = 1.5 + X @ w + 0.5 * rng.standard_normal(n)
    return X, y


def make_weights(n: int, seed: int = 1) -> np.ndarray:
    """Sample weights in [0.2, 3] with two exact zeros (scikit-learn's precision semantics)."""
    rng = np.random.default_rng(seed)
    sw = rng.uniform(0.2, 3.0, size=n)
    sw[[1, n // 2]] = 0.0
    return sw


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture(params=DESIGN_NAMES)
def design(request) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` for each design in ``DESIGN_NAMES`` (test ids are the names)."""
    return make_design(request.param)


@pytest.fixture(scope="session")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled diabetes data (442 × 10), no download."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return X, y


@pytest.fixture
def regression_data() -> tuple[np.ndarray, np.ndarray]:
    """One small n > p problem for tests that need just some data."""
    return make_design("n>p", seed=3)
