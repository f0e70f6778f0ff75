"""Each plot is checked on what it drew: the numbers behind lines and markers, labels,
panel counts, against references computed independently (scipy, scikit-learn, numpy)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.stats as st  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402
from sklearn.linear_model import Lasso, Ridge, lasso_path  # noqa: E402
from test_stats import FEATURES, normal_posterior  # noqa: E402

from bayesreg import Gaussian, Laplace, map_estimate, map_path, plots, stats  # noqa: E402
from bayesreg.penalty import Penalty  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def by_gid(fig, gid):
    """All artists of a figure with the given gid."""
    return [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]


def one(fig, gid, ax=None):
    found = by_gid(fig if ax is None else ax, gid)
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


@pytest.fixture(scope="module")
def diabetes():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = (X - X.mean()) / X.std(ddof=0)
    return X, y.to_numpy()


# ------------------------------------------------------------------------ 1 priors
def test_priors_plot_draws_the_densities_and_masses():
    pri = {"Gaussian": Gaussian(2.0), "Laplace": Laplace(np.sqrt(2.0))}
    eps = 0.5
    fig = plots.priors_plot(pri, eps=eps)
    ax_lin, ax_log = fig.axes
    refs = {"Gaussian": st.norm(0, 2.0), "Laplace": st.laplace(0, np.sqrt(2.0))}
    for label, ref in refs.items():
        lin, log = one(fig, label, ax_lin), one(fig, label, ax_log)
        x = lin.get_xdata()
        assert 0.0 in x and x.min() == pytest.approx(-8.0)  # 4 sd either side
        assert_allclose(lin.get_ydata(), ref.pdf(x), rtol=1e-12)
        assert_allclose(log.get_ydata(), ref.logpdf(log.get_xdata()), rtol=1e-12)
        mass = ref.cdf(eps) - ref.cdf(-eps)
        assert f"{label}: P(|w|<ε) = {mass:.3f}" in lin.get_label()
    # the ±ε band on both panels
    for ax in (ax_lin, ax_log):
        span = [p for p in ax.patches if "±ε" in p.get_label()]
        assert len(span) == 1
        r = span[0]
        assert_allclose([r.get_x(), r.get_x() + r.get_width()], [-eps, eps])
    assert ax_log.get_ylabel().startswith("log density")


def test_priors_plot_default_is_matched_variance_with_horseshoe():
    pytest.importorskip("bayesreg.priors.horseshoe")
    fig = plots.priors_plot(variance=4.0)
    labels = {a.get_gid() for a in fig.axes[0].lines}
    assert labels == {"Gaussian", "Laplace", "Horseshoe"}
    hs = one(fig, "Horseshoe", fig.axes[0])
    assert hs.get_drawstyle() == "steps-mid" and "Monte Carlo" in hs.get_label()
    assert "matched variance 4" in fig.get_suptitle()


# ------------------------------------------------------------------ 2 mass near zero
def test_mass_near_zero_plot_bars_and_prior_lines():
    means = [0.0, 0.4, 3.0]
    posts = {"Gaussian": normal_posterior(means, 0.6, seed=1, draws=800),
             "Laplace": normal_posterior(means, 0.3, seed=2, draws=800)}
    pri = {"Gaussian": Gaussian(1.0), "Laplace": Laplace(1 / np.sqrt(2))}
    eps = 0.2
    fig = plots.mass_near_zero_plot(posts, pri, eps=eps)
    (ax,) = fig.axes
    for label, dt in posts.items():
        draws = dt["posterior"]["coef"].values.reshape(-1, 3)
        bars = by_gid(fig, f"posterior/{label}")
        heights = [r.get_height() for b in bars for r in (b.patches if hasattr(b, "patches") else [b])]
        assert_allclose(heights, (np.abs(draws) < eps).mean(axis=0), rtol=1e-12)
    line_g = one(fig, "prior/Gaussian")
    assert line_g.get_ydata()[0] == pytest.approx(st.norm.cdf(eps) - st.norm.cdf(-eps))
    line_l = one(fig, "prior/Laplace")
    ref = st.laplace(0, 1 / np.sqrt(2))
    assert line_l.get_ydata()[0] == pytest.approx(ref.cdf(eps) - ref.cdf(-eps))
    assert [t.get_text() for t in ax.get_xticklabels()] == FEATURES
    assert f"ε = {eps:.3g}" in ax.get_ylabel()


def test_mass_near_zero_plot_needs_matching_priors():
    with pytest.raises(ValueError, match="no prior given"):
        plots.mass_near_zero_plot({"A": normal_posterior([0, 1, 2])}, {"B": Gaussian(1.0)})


# ------------------------------------------------------------- 3 posterior comparison
def test_posterior_comparison_plot_intervals_map_and_sklearn(diabetes):
    X, y = diabetes
    X = X[["age", "bmi", "s5"]]
    sigma = 54.0
    pri = {"Gaussian": Gaussian(3.0), "Laplace": Laplace(0.8)}
    maps = {k: map_estimate(X, y, p, sigma=sigma) for k, p in pri.items()}
    sk = {"Gaussian": Ridge(alpha=sigma**2 / 9.0).fit(X, y),
          "Laplace": Lasso(alpha=sigma**2 / (len(y) * 0.8), tol=1e-12, max_iter=100_000).fit(X, y)}
    posts = {k: normal_posterior(m.coef, 1.0, seed=i, draws=400) for i, (k, m) in enumerate(maps.items())}
    fig = plots.posterior_comparison_plot(posts, maps=maps, sklearn=sk, prob=0.9, inner_prob=0.5)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == FEATURES
    for label, dt in posts.items():
        draws = dt["posterior"]["coef"].values.reshape(-1, 3)
        seg = np.array(one(fig, f"{label}/interval").get_segments())
        assert_allclose(seg[:, 0, 0], np.quantile(draws, 0.05, axis=0), rtol=1e-10)
        assert_allclose(seg[:, 1, 0], np.quantile(draws, 0.95, axis=0), rtol=1e-10)
        inner = np.array(one(fig, f"{label}/inner").get_segments())
        assert_allclose(inner[:, 0, 0], np.quantile(draws, 0.25, axis=0), rtol=1e-10)
        assert_allclose(one(fig, f"{label}/median").get_offsets()[:, 0], np.median(draws, axis=0), rtol=1e-10)
        map_xy = one(fig, f"{label}/map").get_offsets()
        assert_allclose(map_xy[:, 0], maps[label].coef)
        sk_xy = one(fig, f"{label}/sklearn").get_offsets()
        assert_allclose(sk_xy[:, 0], sk[label].coef_)
        assert_allclose(sk_xy[:, 1], map_xy[:, 1])  # same row as the MAP
    # the validated twins agree: the Lasso's exact zero is drawn at exactly 0 by both
    assert_allclose(one(fig, "Laplace/map").get_offsets()[:, 0], sk["Laplace"].coef_, atol=1e-7)


# ---------------------------------------------------------------- 4 prior/posterior
def test_prior_posterior_plot_panels_and_densities():
    posts = {"Gaussian": normal_posterior([0.0, 1.0, 2.0], 0.3, seed=4, draws=1000)}
    pri = {"Gaussian": Gaussian(1.5)}
    fig = plots.prior_posterior_plot(posts, pri, features=["a", "c"], maps={"Gaussian": [0.1, 0.9, 1.8]})
    assert [ax.get_title() for ax in fig.axes] == ["a", "c"]
    for ax, j in zip(fig.axes, (0, 2), strict=True):
        prior = one(fig, "Gaussian/prior", ax)
        assert_allclose(prior.get_ydata(), st.norm(0, 1.5).pdf(prior.get_xdata()), rtol=1e-12)
        post = one(fig, "Gaussian/posterior", ax)
        x, d = post.get_xdata(), post.get_ydata()
        assert np.trapezoid(d, x) == pytest.approx(1.0, abs=0.02)
        # the KDE peaks near the normal's mean
        assert x[np.argmax(d)] == pytest.approx([0.0, 1.0, 2.0][j], abs=0.1)
        assert one(fig, "Gaussian/map", ax).get_xdata()[0] == [0.1, 0.9, 1.8][j]
    with pytest.raises(ValueError, match="unknown features"):
        plots.prior_posterior_plot(posts, pri, features=["zz"])


# --------------------------------------------------------------------------- 5 paths
def test_path_plot_lasso_zeros_where_sklearn_lasso_path_has_them(diabetes):
    X, y = diabetes
    sigma = 50.0
    lasso = map_path(X, y, Laplace(1.0), sigma=sigma, n_points=30)
    ridge = map_path(X, y, Gaussian(1.0), sigma=sigma, n_points=12)
    fig = plots.path_plot({"Ridge": ridge, "Lasso": lasso})
    ax_r, ax_l = fig.axes
    assert ax_l.get_xscale() == "log" and ax_r.get_xscale() == "log"
    Xc, yc = X.to_numpy() - X.to_numpy().mean(0), y - y.mean()
    _, sk_coefs, _ = lasso_path(Xc, yc, alphas=lasso.sklearn_alphas, tol=1e-13, max_iter=200_000)
    for j, name in enumerate(X.columns):
        line = one(fig, name, ax_l)
        assert_allclose(line.get_xdata(), lasso.sklearn_alphas * len(y), rtol=1e-12)  # λ1 = n alpha
        drawn = line.get_ydata()
        assert_allclose(drawn, sk_coefs[j], atol=1e-6)
        # exact zeros drawn exactly where scikit-learn's coordinate descent has them
        np.testing.assert_array_equal(drawn == 0, sk_coefs[j] == 0)
        rline = one(fig, name, ax_r)
        for k in (0, 5, 11):
            sk = Ridge(alpha=rline.get_xdata()[k]).fit(X, y)
            assert rline.get_ydata()[k] == pytest.approx(sk.coef_[j], rel=1e-8, abs=1e-10)
    # the path starts where every coefficient is zero (alpha_max) and ends with all in
    assert np.all(lasso.coefs[0] == 0) and np.all(lasso.coefs[-1] != 0)


def test_path_plot_bands_and_mark(diabetes):
    X, y = diabetes
    ridge = map_path(X, y, Gaussian(1.0), sigma=50.0, n_points=10)
    lasso = map_path(X, y, Laplace(1.0), sigma=50.0, n_points=10)
    rb = stats.ridge_path_bands(ridge, X, y, prob=0.9)
    lam = stats.path_lambdas(lasso)
    lb = stats.PathBands(lam=lam[[3, 6]], lower=lasso.coefs[[3, 6]] - 1, upper=lasso.coefs[[3, 6]] + 2, prob=0.9)
    fig = plots.path_plot({"Ridge": ridge, "Lasso": lasso}, bands={"Ridge": rb, "Lasso": lb},
                          mark={"Lasso": lam[4]})
    ax_r, ax_l = fig.axes
    band = one(fig, "bmi", ax_r)
    fill = one(fig, "band/bmi", ax_r)
    verts = fill.get_paths()[0].vertices
    j = list(X.columns).index("bmi")
    assert verts[:, 1].max() == pytest.approx(rb.upper[:, j].max())
    assert verts[:, 1].min() == pytest.approx(rb.lower[:, j].min())
    assert band.get_xdata().size == 10
    # error bars at the two sampled λ: one vertical segment from lower to upper each
    (err,) = [a for a in by_gid(ax_l, "band/bmi") if isinstance(a, LineCollection)]
    seg = np.array(err.get_segments())
    assert seg.shape[0] == 2
    assert_allclose(np.sort(seg[:, :, 1], axis=1), np.c_[lb.lower[:, j], lb.upper[:, j]])
    assert one(fig, "mark", ax_l).get_xdata()[0] == lam[4]


# ------------------------------------------------------------------------ 6 geometry
def test_geometry_plot_marks_the_contact_points(diabetes):
    X, y = diabetes
    g = stats.geometry_contacts(X[["bmi", "bp"]], y)
    fig = plots.geometry_plot(g)
    ax1, ax2 = fig.axes
    lasso_xy = one(fig, "contact/lasso", ax1).get_offsets()[0]
    ridge_xy = one(fig, "contact/ridge", ax2).get_offsets()[0]
    assert_allclose(lasso_xy, g.lasso)
    assert_allclose(ridge_xy, g.ridge)
    assert np.count_nonzero(lasso_xy == 0.0) == 1  # touches the diamond at a corner
    sk = Lasso(alpha=g.penalties["lasso"].l1 / len(y), tol=1e-14, max_iter=100_000).fit(X[["bmi", "bp"]], y)
    assert_allclose(lasso_xy, sk.coef_, atol=1e-8)
    assert_allclose(one(fig, "least_squares", ax1).get_offsets()[0],
                    np.linalg.lstsq(np.c_[np.ones(len(y)), X[["bmi", "bp"]]], y, rcond=None)[0][1:])
    diamond = one(fig, "ball/l1", ax1).get_xy()
    assert np.abs(diamond).sum(axis=1).max() == pytest.approx(np.abs(g.lasso).sum())
    disc = one(fig, "ball/l2", ax2).get_xy()
    assert_allclose(np.hypot(disc[:, 0], disc[:, 1]), np.linalg.norm(g.ridge), rtol=1e-9)
    assert (ax1.get_xlabel(), ax1.get_ylabel()) == ("bmi", "bp")


# ------------------------------------------------------------------ 7 one coefficient
def test_one_coefficient_plot_minima():
    prob = stats.OneCoefficient.simulate(w=0.5, n=50, random_state=1)
    thr = prob.l1_threshold
    fig = plots.one_coefficient_plot(prob, lams=[0.3 * thr, 1.2 * thr])
    small, large = fig.axes
    X = prob.x[:, None]
    # large λ: the L1 minimum is exactly 0, the L2 minimum is not
    assert one(fig, "min/l1", large).get_offsets()[0, 0] == 0.0
    assert one(fig, "min/l2", large).get_offsets()[0, 0] != 0.0
    # small λ: both match scikit-learn
    lam = 0.3 * thr
    sk1 = Lasso(alpha=lam / 50, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, prob.y).coef_[0]
    sk2 = Ridge(alpha=lam, fit_intercept=False).fit(X, prob.y).coef_[0]
    assert one(fig, "min/l1", small).get_offsets()[0, 0] == pytest.approx(sk1, abs=1e-10)
    assert one(fig, "min/l2", small).get_offsets()[0, 0] == pytest.approx(sk2, rel=1e-10)
    ls = one(fig, "min/ls", small).get_offsets()[0]
    assert ls[0] == pytest.approx(np.linalg.lstsq(X, prob.y, rcond=None)[0][0])
    assert ls[1] == pytest.approx(0.0, abs=1e-9)  # losses are drawn relative to min L
    # the curves: L1-penalised loss = data loss + λ|w| (relative to the LS minimum)
    lines = {ln.get_label(): ln for ln in small.lines}
    w = lines["L(w) + λ|w|"].get_xdata()
    base = 0.5 * np.sum((prob.y - ls[0] * prob.x) ** 2)
    ref = 0.5 * ((prob.y[None, :] - w[:, None] * prob.x[None, :]) ** 2).sum(1) + lam * np.abs(w) - base
    assert_allclose(lines["L(w) + λ|w|"].get_ydata(), ref, rtol=1e-9, atol=1e-9)
    assert_allclose(lines["λ|w|"].get_ydata(), Penalty(l1=lam).l1 * np.abs(w))


# --------------------------------------------------------------------- 8 diagnostics
def test_diagnostics_pass_through_to_arviz_plots():
    rng = np.random.default_rng(0)
    dt = normal_posterior([0.0, 1.0, 2.0], draws=200, chains=2,
                          extra={"sample_stats": {"energy": rng.normal(size=(2, 200))}})
    pc = plots.trace_plot(dt)
    fig = plots.figure_of(pc)
    # one trace panel per scalar: 3 coefficients + intercept, one line per chain
    traces = pc.viz["trace"]
    assert traces["coef"].sizes["feature"] == 3 and "intercept" in traces.data_vars
    assert sum(1 for ax in fig.axes if ax.lines) == 4
    pc = plots.rank_plot(dt, var_names=["coef"])
    assert sum(1 for ax in plots.figure_of(pc).axes if ax.lines) == 3
    pc = plots.energy_plot(dt)
    assert plots.figure_of(pc) is not None
    with pytest.raises(ValueError, match="energy"):
        plots.energy_plot(normal_posterior([0.0, 1.0, 2.0]))


def test_paper_style_restores_only_its_own_keys():
    from bayesreg.plots._style import _RC, paper_style

    before = {k: matplotlib.rcParams[k] for k in _RC}
    interactive = matplotlib.rcParams["interactive"]
    try:
        with paper_style():
            assert matplotlib.rcParams["axes.spines.top"] is False
            # a backend switching interactive mode on meanwhile (as Jupyter's does) is kept
            matplotlib.rcParams["interactive"] = not interactive
        assert matplotlib.rcParams["interactive"] is (not interactive)
        assert {k: matplotlib.rcParams[k] for k in _RC} == before
    finally:
        matplotlib.rcParams["interactive"] = interactive
