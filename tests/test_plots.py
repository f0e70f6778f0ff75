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
        widths = [r.get_width() for b in bars for r in (b.patches if hasattr(b, "patches") else [b])]
        assert_allclose(widths, (np.abs(draws) < eps).mean(axis=0), rtol=1e-12)  # horizontal bars
    line_g = one(fig, "prior/Gaussian")
    assert line_g.get_xdata()[0] == pytest.approx(st.norm.cdf(eps) - st.norm.cdf(-eps))
    line_l = one(fig, "prior/Laplace")
    ref = st.laplace(0, 1 / np.sqrt(2))
    assert line_l.get_xdata()[0] == pytest.approx(ref.cdf(eps) - ref.cdf(-eps))
    assert [t.get_text() for t in ax.get_yticklabels()] == FEATURES  # one row per feature
    assert f"ε = {eps:.3g}" in ax.get_xlabel()


def test_mass_near_zero_plot_needs_a_prior_for_each_posterior():
    # the DataTree records no prior and none is given for it: the error says how to pass one
    with pytest.raises(ValueError, match=r"no prior for posterior 'A'.*priors=\{'A': prior\}"):
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


# ------------------------------------------------------------------ natural calls
def recorded(dt, prior, *, exact=True):
    """``dt`` with its prior in the attrs ``sample_posterior`` writes (exact, or only the repr)."""
    import dataclasses
    import json

    from bayesreg.families import prior_family

    dt.attrs["prior"] = repr(prior)
    if exact:
        dt.attrs["prior_family"] = prior_family(prior).name
        dt.attrs["prior_params"] = json.dumps(dataclasses.asdict(prior))
    return dt


def test_posterior_prior_reads_the_attrs():
    from bayesreg.priors import BayesianLasso, Horseshoe

    for prior in (Laplace(0.123456789123), Gaussian(2.5), BayesianLasso(lam_prior=(1.5, 2.0)), Horseshoe()):
        assert stats.posterior_prior(recorded(normal_posterior([0.0]), prior)) == prior  # to the bit
    # an older DataTree with only the repr: rounded to 6 significant digits
    got = stats.posterior_prior(recorded(normal_posterior([0.0]), Laplace(0.123456789123), exact=False))
    assert got == Laplace(0.123457)
    with pytest.raises(ValueError, match="records no prior"):
        stats.posterior_prior(normal_posterior([0.0]))
    dt = normal_posterior([0.0])
    dt.attrs["prior"] = "__import__('os')"
    with pytest.raises(ValueError, match="cannot read a prior"):
        stats.posterior_prior(dt)


@pytest.fixture(scope="module")
def two_posteriors():
    return {"Gaussian": recorded(normal_posterior([0.0, 0.4, 3.0], 0.6, seed=1, draws=300), Gaussian(1.0)),
            "Laplace": recorded(normal_posterior([0.0, 0.4, 3.0], 0.3, seed=2, draws=300), Laplace(0.7))}


class _Fitted:
    """A fitted estimator after ``.sample_posterior``, as far as the plots look."""

    def __init__(self, dt):
        self.posterior_ = dt
        self.coef_ = dt["posterior"]["coef"].mean(("chain", "draw")).values


@pytest.mark.parametrize("plot", ["mass_near_zero_plot", "posterior_comparison_plot", "prior_posterior_plot",
                                  "priors_plot", "trace_plot", "rank_plot"])
def test_each_plot_takes_one_posterior_or_a_mapping(plot, two_posteriors):
    """One DataTree, an estimator carrying it, a list, a mapping: the priors come from the attrs."""
    func = getattr(plots, plot)
    lap = two_posteriors["Laplace"]

    def labels(fig):
        return {part for a in fig.findobj() if a.get_gid() for part in str(a.get_gid()).split("/")} & {
            "Gaussian", "Laplace"}

    single = plots.figure_of(func(lap)) if plot in ("trace_plot", "rank_plot") else func(lap)
    assert single.axes
    if plot in ("trace_plot", "rank_plot"):
        plots.figure_of(func(_Fitted(lap)))
        return
    assert labels(single) == {"Laplace"}  # labelled with the family of the recorded prior
    assert labels(func(_Fitted(lap))) == {"Laplace"}
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    assert labels(func(Pipeline([("scale", StandardScaler()), ("map", _Fitted(lap))]))) == {"Laplace"}
    assert labels(func(two_posteriors)) == {"Gaussian", "Laplace"}
    assert labels(func(list(two_posteriors.values()))) == {"Gaussian", "Laplace"}


def test_mass_near_zero_reads_the_prior_and_matches_an_explicit_one(two_posteriors):
    eps = 0.2
    from_attrs = plots.mass_near_zero_plot(two_posteriors, eps=eps)
    explicit = plots.mass_near_zero_plot(two_posteriors, {"Gaussian": Gaussian(1.0), "Laplace": Laplace(0.7)}, eps=eps)
    for label in two_posteriors:
        assert one(from_attrs, f"prior/{label}").get_xdata()[0] == one(explicit, f"prior/{label}").get_xdata()[0]
    ref = st.laplace(0, 0.7)
    assert one(from_attrs, "prior/Laplace").get_xdata()[0] == pytest.approx(ref.cdf(eps) - ref.cdf(-eps))


def test_path_plot_takes_one_map_path(diabetes):
    X, y = diabetes
    path = map_path(X, y, Laplace(1.0), sigma=50.0, n_points=10)
    fig = plots.path_plot(path, mark=30.0)
    (ax,) = fig.axes
    assert ax.get_title() == "Lasso path"
    assert one(fig, "mark", ax).get_xdata()[0] == 30.0
    assert {a.get_gid() for a in ax.lines} >= set(X.columns)


def test_l2_logistic_path_plots_against_lambda2_with_a_dispersion_free_label():
    """A Gaussian-prior logistic path runs along λ₂ = 1/τ² (not its zero λ₁), labelled without σ²;
    a Laplace one along λ₁ = 1/b; the Gaussian family keeps σ² in its labels."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    ridge = map_path(X, y, Gaussian(1.0), family="bernoulli", n_points=6)
    lam = stats.path_lambdas(ridge)
    # λ₂ = 1/τ² at each point, written out from the priors (dispersion 1: no σ²)
    assert_allclose(lam, [1 / p.scale**2 for p in ridge.priors], rtol=1e-12)
    assert np.all(lam > 0) and np.all(np.diff(lam) < 0)
    fig = plots.path_plot(ridge)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "λ₂ = 1/τ²  (Gaussian prior)"
    assert ax.get_title() == "LogisticRegression path"
    assert_allclose(one(fig, "x0", ax).get_xdata(), lam, rtol=0)
    lasso = map_path(X, y, Laplace(1.0), family="bernoulli", n_points=6)
    assert_allclose(stats.path_lambdas(lasso), [1 / p.scale for p in lasso.priors], rtol=1e-12)
    assert plots.path_plot(lasso).axes[0].get_xlabel() == "λ₁ = 1/b  (Laplace prior)"
    poisson = map_path(X, np.round(np.exp(X[:, 0] / 3)), Laplace(1.0), family="poisson", n_points=4)
    (ax,) = plots.path_plot(poisson).axes  # no scikit-learn twin: titled with its prior
    assert ax.get_title() == "Laplace path" and ax.get_xlabel() == "λ₁ = 1/b  (Laplace prior)"
    with pytest.raises(ValueError, match="Gaussian-likelihood path"):
        stats.ridge_path_bands(ridge)


def test_gaussian_path_labels_keep_sigma_squared(diabetes):
    X, y = diabetes
    fig = plots.path_plot({"Ridge": map_path(X, y, Gaussian(1.0), sigma=50.0, n_points=5),
                           "Lasso": map_path(X, y, Laplace(1.0), sigma=50.0, n_points=5)})
    assert [ax.get_xlabel() for ax in fig.axes] == ["λ₂ = σ²/τ²  (Gaussian prior)",
                                                     "λ₁ = σ²/b  (Laplace prior)"]


@pytest.mark.parametrize(("call", "match"), [
    (lambda: plots.path_plot([1, 2]), "expected a MapPath .* or a mapping"),
    (lambda: plots.path_plot({"Lasso": normal_posterior([0.0])}), r"paths\['Lasso'\]: expected a MapPath"),
    (lambda: plots.posterior_comparison_plot(np.zeros(3)), "expected a posterior DataTree"),
    (lambda: plots.posterior_comparison_plot({}), "posteriors is empty"),
    (lambda: plots.mass_near_zero_plot(_Unsampled()), r"no posterior yet; call its \.sample_posterior"),
    (lambda: plots.trace_plot(normal_posterior([0.0])["posterior"]), "expected a posterior DataTree"),
    (lambda: plots.priors_plot("laplace"), "expected a Prior"),
    (lambda: plots.ppc_plot(normal_posterior([0.0])), "needs the group.*posterior_predictive"),
])
def test_wrong_inputs_name_what_was_expected(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


class _Unsampled:
    coef_ = np.zeros(3)
    posterior_ = None


def test_maps_take_results_estimators_and_arrays(two_posteriors, diabetes):
    from bayesreg import LassoMAP

    X, y = diabetes
    X = X[["age", "bmi", "s5"]]
    est = LassoMAP(scale=0.8, sigma=54.0).fit(X, y)
    fig = plots.posterior_comparison_plot(two_posteriors["Laplace"], maps={"Laplace": est},
                                          sklearn={"Laplace": est.to_sklearn(len(y)).fit(X, y)})
    assert_allclose(one(fig, "Laplace/map").get_offsets()[:, 0], est.coef_)
    with pytest.raises(ValueError, match=r"maps\['Laplace'\]: 2 coefficients, but the posteriors have 3"):
        plots.posterior_comparison_plot(two_posteriors["Laplace"], maps={"Laplace": [1.0, 2.0]})


def test_colours_follow_the_prior_family(two_posteriors):
    """The same family has the same colour in every figure, whatever the series is called."""
    import matplotlib.colors as mcolors

    from bayesreg.families import PRIOR_FAMILIES

    lap = mcolors.to_hex(PRIOR_FAMILIES["laplace"].color)
    renamed = {"model A": two_posteriors["Gaussian"], "model B": two_posteriors["Laplace"]}
    comp = plots.posterior_comparison_plot(renamed)
    mass = plots.mass_near_zero_plot(renamed)
    pri = plots.priors_plot({"b": Laplace(0.7)})
    assert mcolors.to_hex(one(comp, "model B/interval").get_color()[0]) == lap
    assert mcolors.to_hex(one(mass, "prior/model B").get_color()) == lap
    assert mcolors.to_hex(one(pri, "b", pri.axes[0]).get_color()) == lap
    # two posteriors of one family: the family's hue, two shades
    twice = plots.mass_near_zero_plot({"b=0.7": two_posteriors["Laplace"],
                                       "b=2": recorded(normal_posterior([0.0, 0.4, 3.0], seed=5), Laplace(2.0))})
    c1, c2 = (mcolors.to_hex(one(twice, f"prior/{k}").get_color()) for k in ("b=0.7", "b=2"))
    assert c1 == lap and c2 != lap
    assert_allclose(mcolors.to_rgb(c2), 0.6 * np.array(mcolors.to_rgb(c1)), atol=0.005)


# ------------------------------------------------------------------ figures that scale
LONG = "a_rather_long_feature_name_from_a_data_frame_"


def many_features(p, seed=0):
    rng = np.random.default_rng(seed)
    names = [f"{LONG}{j}" if j % 3 else f"x{j}" for j in range(p)]
    means = rng.normal(0.0, 1.0, p) * (rng.uniform(size=p) < 0.3)
    from arviz_base import from_dict

    out = {}
    for k, (label, prior) in enumerate({"Gaussian": Gaussian(1.0), "Laplace": Laplace(0.7)}.items()):
        draws = means + 0.3 * rng.standard_normal((2, 100, p))
        dt = from_dict({"posterior": {"coef": draws, "intercept": rng.standard_normal((2, 100))}},
                       dims={"coef": ["feature"]}, coords={"feature": names})
        out[label] = recorded(dt, prior)
    return names, means, out


def drawn_tick_labels(fig):
    """(text, window extent) of every tick label drawn (inside its axis' view limits)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for axis, coord in ((ax.xaxis, 0), (ax.yaxis, 1)):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * (hi - lo)
            out += [(t.get_text(), t.get_window_extent(renderer)) for t in axis.get_ticklabels()
                    if t.get_visible() and t.get_text() and lo - tol <= t.get_position()[coord] <= hi + tol]
    return out


def tick_label_overlaps(fig):
    """Pairs of drawn tick labels (every axes, both axes) whose text extents intersect."""
    boxes = drawn_tick_labels(fig)
    assert boxes
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:] if ba.overlaps(bb)]


@pytest.mark.parametrize("p", [2, 40, 100])
def test_many_features_no_overlapping_tick_labels(p):
    names, _, posts = many_features(p)
    for fig in (plots.mass_near_zero_plot(posts), plots.posterior_comparison_plot(posts),
                plots.prior_posterior_plot(posts)):
        assert tick_label_overlaps(fig) == []
        plt.close(fig)
    comp = plots.posterior_comparison_plot(posts)
    shown = [t.get_text() for t in comp.axes[0].get_yticklabels()]
    assert len(shown) == p and len(set(shown)) == p  # every feature, each label distinct
    assert all(len(t) <= 28 for t in shown)  # long names shortened in the middle ...
    assert shown[1].startswith(LONG[:13]) and shown[1].endswith("_1")  # ... keeping both ends


@pytest.mark.parametrize("p", [40, 100])
def test_path_plot_many_features(p, recwarn):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3 * p, p))
    y = X[:, :5] @ np.arange(1.0, 6.0) + rng.standard_normal(3 * p)
    import pandas as pd

    X = pd.DataFrame(X, columns=[f"{LONG}{j}" for j in range(p)])
    paths = {"Ridge": map_path(X, y, Gaussian(1.0), sigma=1.0, n_points=8),
             "Lasso": map_path(X, y, Laplace(1.0), sigma=1.0, n_points=8)}
    fig = plots.path_plot(paths)
    assert tick_label_overlaps(fig) == []
    fig.savefig(io_bytes(), format="png")
    assert not [w for w in recwarn if "constrained_layout not applied" in str(w.message)]
    (legend,) = fig.legends
    from bayesreg.plots.path_plot import LEGEND_FEATURES

    assert len(legend.get_texts()) == LEGEND_FEATURES
    assert legend.get_title().get_text() == f"{LEGEND_FEATURES} largest of {p}"
    assert len([a for a in fig.axes[1].lines if a.get_gid() in X.columns]) == p  # every line drawn
    few = plots.path_plot(paths, max_features=5)
    assert {a.get_gid() for a in few.axes[1].lines} - {None, "mark"} == {f"{LONG}{j}" for j in range(5)}


def io_bytes():
    import io

    return io.BytesIO()


def test_max_features_keeps_the_largest(two_posteriors):
    names, means, posts = many_features(40)
    fig = plots.posterior_comparison_plot(posts, max_features=6)
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(shown) == 6 and "(6 of 40 features)" in fig.axes[0].get_title()
    from bayesreg.plots._style import short_labels

    top = sorted(np.argsort(-np.abs(means))[:6])  # the |posterior median|s follow the true means
    assert shown == short_labels([names[j] for j in top])
    sel = plots.mass_near_zero_plot(posts, features=[names[3], names[0]])
    assert [t.get_text() for t in sel.axes[0].get_yticklabels()] == short_labels([names[3], names[0]])
    # the prior/posterior panels default to at most 12
    assert len(plots.prior_posterior_plot(posts).axes) == 12
    with pytest.raises(ValueError, match="unknown features"):
        plots.posterior_comparison_plot(posts, features=["nope"])


def test_short_labels_stay_distinct():
    from bayesreg.plots._style import short_labels

    names = ["x" * 40 + "_a", "x" * 40 + "_a ", "short"]
    got = short_labels(names, 20)
    assert len(set(got)) == 3 and got[2] == "short" and all(len(g) <= 24 for g in got)


# ------------------------------------------------------------------ one interval level
def test_intervals_default_to_the_package_level(monkeypatch, two_posteriors):
    from bayesreg import settings

    monkeypatch.setattr(settings, "CI_PROB", 0.8)
    fig = plots.posterior_comparison_plot(two_posteriors["Laplace"])
    draws = two_posteriors["Laplace"]["posterior"]["coef"].values.reshape(-1, 3)
    seg = np.array(one(fig, "Laplace/interval").get_segments())
    assert_allclose(seg[:, 0, 0], np.quantile(draws, 0.1, axis=0), rtol=1e-10)
    assert_allclose(seg[:, 1, 0], np.quantile(draws, 0.9, axis=0), rtol=1e-10)
    assert "50% / 80% intervals" in one(fig, "Laplace/interval").get_label()
    with pytest.raises(ValueError, match="prob must be in"):
        plots.posterior_comparison_plot(two_posteriors["Laplace"], prob=1.5)


# ------------------------------------------------------------------ Jupyter shows each figure once
def test_jupyter_displays_each_figure_once():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    setup = """%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from arviz_base import from_dict
from bayesreg import plots, map_path, Laplace
rng = np.random.default_rng(0)
dt = from_dict({"posterior": {"coef": rng.normal(size=(2, 100, 3)), "intercept": rng.normal(size=(2, 100))}},
               dims={"coef": ["feature"]}, coords={"feature": ["a", "b", "c"]})
dt.attrs["prior"] = "Laplace(scale=1)"
X = rng.normal(size=(30, 3)); y = X @ [1.0, 0.0, -1.0] + rng.normal(size=30)
path = map_path(X, y, Laplace(1.0), sigma=1.0, n_points=10)"""
    cells = {
        "plots.path_plot(path)": 1,                       # the last value of the cell
        "fig = plots.mass_near_zero_plot(dt)": 1,         # assigned: drawn at the end of the cell
        "plots.trace_plot(dt)": 1,                        # an arviz-plots PlotCollection
        "plots.figure_of(plots.rank_plot(dt))": 1,        # the figure of one
        "plt.close(fig)\nfig": 1,                         # closed, then shown again
        "plt.subplots()[0]": 2,                           # control: a plain Figure shows twice
    }
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in [setup, *cells]])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    for cell, expected in zip(nb.cells[1:], cells.values(), strict=True):
        pngs = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(pngs) == expected, (cell.source, cell.outputs)


def test_priors_plot_takes_a_map_result_or_a_fitted_estimator(diabetes):
    from bayesreg import LassoMAP

    X, y = diabetes
    est = LassoMAP(scale=0.7, sigma=50.0).fit(X, y)
    for obj in (est, est.result_):
        fig = plots.priors_plot(obj)
        line = one(fig, "Laplace", fig.axes[0])
        assert_allclose(line.get_ydata(), st.laplace(0, 0.7).pdf(line.get_xdata()), rtol=1e-12)


def test_ppc_plot_draws_observed_against_replicates():
    import xarray as xr

    rng = np.random.default_rng(3)
    dt = normal_posterior([0.0, 1.0, 2.0], draws=60, chains=2)
    obs = {"obs": np.arange(25)}
    dt["observed_data"] = xr.DataTree(xr.Dataset({"y": ("obs", rng.normal(size=25))}, coords=obs))
    dt["posterior_predictive"] = xr.DataTree(xr.Dataset(
        {"y": (("chain", "draw", "obs"), rng.normal(size=(2, 60, 25)))},
        coords={"chain": [0, 1], "draw": np.arange(60), **obs}))
    pc = plots.ppc_plot(dt, num_samples=20)
    fig = plots.figure_of(pc)
    assert isinstance(fig, plots.BayesregFigure)
    assert len(fig.axes[0].lines) >= 21  # 20 replicated densities and the observed one


def test_a_label_naming_horseshoe_plus_gets_its_own_colour():
    """"Horseshoe+" is the Horseshoe+ family (the "+" is part of the name), not the
    horseshoe's; every spelling of each family gets that family's colour."""
    from bayesreg.families import PRIOR_FAMILIES
    from bayesreg.plots._style import color_for

    plus, hs = PRIOR_FAMILIES["horseshoeplus"].color, PRIOR_FAMILIES["horseshoe"].color
    assert plus != hs
    for label in ("Horseshoe+", "horseshoe+ (tau0=0.1)", "HorseshoePlus", "hsplus"):
        assert color_for(label) == plus, label
    for label in ("Horseshoe", "horseshoe (tau0=0.1)", "hs"):
        assert color_for(label) == hs, label
