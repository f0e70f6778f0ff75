"""A fitted Pipeline(StandardScaler, LassoMAP) to a posterior, and predictions on raw rows."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import bayesreg


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((120, 3)) * [1.0, 100.0, 0.01] + [0.0, 5e3, 1.0],
                     columns=["a", "income", "rate"])
    y = 2.0 * X["a"] - 0.01 * X["income"] + 50.0 * X["rate"] + rng.standard_normal(120)
    return X, y.to_numpy()


def test_pipeline_posterior_samples_in_the_transformed_space(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), bayesreg.RidgeMAP(2.0, sigma=1.0)).fit(X, y)
    bayesreg.sample_pipeline_posterior(pipe, X, y, sigma=1.0, sampler="gibbs", draws=2000, tune=300,
                                       chains=2, random_seed=1, progressbar=False)
    post = pipe[-1].posterior_
    assert list(post["posterior"]["feature"].values) == ["a", "income", "rate"]
    # independent reference: the exact Gaussian posterior on the standardised columns
    Z = StandardScaler().fit_transform(X)
    Zc, yc = Z - Z.mean(0), y - y.mean()
    cov = np.linalg.inv(Zc.T @ Zc + np.eye(3) / 2.0**2)
    mean = cov @ Zc.T @ yc
    draws = post["posterior"]["coef"].values.reshape(-1, 3)
    se = np.sqrt(np.diag(cov) / 1000)  # generous MCSE bound for 4000 nearly independent draws
    assert np.all(np.abs(draws.mean(0) - mean) < 5 * se)
    np.testing.assert_allclose(draws.std(0), np.sqrt(np.diag(cov)), rtol=0.08)
    # predictions on raw rows go through the scaler
    pred = bayesreg.predict_posterior(pipe, X.iloc[:5])
    np.testing.assert_allclose(pred.mean, pipe.predict(X.iloc[:5]), rtol=0, atol=0.05 * np.abs(y).std())


def test_pipeline_posterior_refuses_what_it_cannot_sample(data):
    X, y = data
    from sklearn.linear_model import Ridge

    with pytest.raises(TypeError, match="no posterior"):
        bayesreg.sample_pipeline_posterior(make_pipeline(StandardScaler(), Ridge()).fit(X, y), X, y)
    with pytest.raises(TypeError, match="Pipeline"):
        bayesreg.sample_pipeline_posterior(bayesreg.RidgeMAP(), X, y)
