"""The "which τ?" figure draws the numbers scale_choices computed, and nothing else."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import bayesreg
from bayesreg import plots


@pytest.fixture(scope="module")
def choices():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ [2.0, 0.0, -1.0, 0.0, 0.5, 0.0] + rng.standard_normal(80)
    return bayesreg.scale_choices(X, y, "gaussian", cv=4, n_alphas=21)


def _by_gid(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


def test_curves_and_choices_are_the_computed_numbers(choices):
    fig = plots.scale_choice_plot(choices)
    (cv,) = _by_gid(fig, "cv_error")
    order = np.argsort(choices.cv_scales)
    np.testing.assert_array_equal(cv.get_xdata(), choices.cv_scales[order])
    np.testing.assert_array_equal(cv.get_ydata(), choices.cv_error[order])
    (ml,) = _by_gid(fig, "log_ml")
    assert np.nanmax(ml.get_ydata()) <= choices.ml_value + 1e-9  # the curve never beats the maximum
    for k, name in enumerate(choices.choices):
        (line,) = _by_gid(fig, f"choice/{name}")
        assert line.get_xdata()[0] == pytest.approx(choices.choice_scales[k], rel=1e-12)
        (coef,) = _by_gid(fig, f"coef/{name}")
        np.testing.assert_array_equal(coef.get_xdata(), choices.coefs[k])
    # the 1-SE choice is a smaller scale (more shrinkage) than the CV minimum
    ks = {n: i for i, n in enumerate(choices.choices)}
    assert choices.choice_scales[ks["cv_1se"]] <= choices.choice_scales[ks["cv_min"]]


def test_scale_draws_are_drawn_and_bad_input_is_named(choices):
    draws = np.random.default_rng(1).lognormal(np.log(choices.sigma), 0.3, 500)
    fig = plots.scale_choice_plot(choices, scale_draws=draws)
    patches = _by_gid(fig, "scale_draws")
    assert sum(p.get_height() for p in patches) == 500
    with pytest.raises(TypeError, match="ScaleChoices"):
        plots.scale_choice_plot({"not": "choices"})
