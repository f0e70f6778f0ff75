"""`make demo` end to end (the demo's own MCMC settings, one point on the Lasso path): every
output written, the HTML report shows every figure and the tables that make it an analysis
(zeros, convergence, LOO, the predictive check, versions), the tables agree with independent
recomputation, every posterior drawn passes its own convergence check, and one interval level
runs through the outputs."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from bayesreg import demo, settings  # noqa: E402

MAP_ONLY = [s for s in demo.FIGURES if s not in demo._MCMC_FIGURES]
HAVE_MCMC = demo._sampler() is not None


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    if not HAVE_MCMC:
        pytest.skip("bayesreg.sample_posterior is not available")
    out = tmp_path_factory.mktemp("demo")
    return demo.run_demo(out, progressbar=False, band_points=1, random_seed=1)


def test_demo_end_to_end(demo_dir):
    """One test for the one (expensive) demo run, so pytest-xdist runs it once."""
    check_outputs(demo_dir)
    check_validation(demo_dir)
    check_summary(demo_dir)
    check_analysis(demo_dir)
    check_convergence(demo_dir)
    check_screenshot(demo_dir)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def embedded_images(page: str) -> dict[str, bytes]:
    """data-file name -> decoded PNG bytes of every <img> in the report."""
    pat = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]*" data-file="([^"]+)"')
    return {name: base64.b64decode(data) for data, name in pat.findall(page)}


def check_report(out, stems):
    page = (out / "report.html").read_text(encoding="utf-8")
    imgs = embedded_images(page)
    assert sorted(imgs) == sorted(f"{s}.png" for s in stems)
    for stem in stems:
        png = out / f"{stem}.png"
        assert png.is_file()
        # the embedded copy is the file, and it decodes to a real image
        assert imgs[f"{stem}.png"] == png.read_bytes()
        with Image.open(io.BytesIO(imgs[f"{stem}.png"])) as im:
            im.load()
            assert im.format == "PNG" and im.width > 300 and im.height > 200
        assert f'id="fig-{stem}"' in page
    assert "src=\"http" not in page and "href=\"http" not in page  # self-contained
    return page


def check_outputs(demo_dir):
    expected = [f"{s}.png" for s in demo.FIGURES] + [
        "summary.csv", "summary.md", "validation.csv", "zeros.csv", "convergence.csv", "loo.csv", "report.html",
        "posterior_gaussian.nc", "posterior_laplace.nc",
    ]
    for name in expected:
        assert (demo_dir / name).is_file(), name
    page = check_report(demo_dir, list(demo.FIGURES))
    assert "The MAP, checked against scikit-learn" in page
    for table in ("validation", "zeros", "convergence", "loo", "summary", "versions"):
        assert f'id="table-{table}"' in page, table
    assert 'id="fig-ppc"' in page  # the posterior predictive check
    # captions explain, they do not start with a file name
    assert not re.search(r"<figcaption><b>\w+\.png", page)


def check_validation(demo_dir):
    rows = read_csv(demo_dir / "validation.csv")
    assert len(rows) == 6
    assert {r["prior"].split("(")[0] for r in rows} == {"Gaussian", "Laplace"}
    assert all(r["agree"] == "True" for r in rows)
    assert all(float(r["max|Δcoef| rel"]) < 1e-6 for r in rows)


def check_summary(demo_dir):
    import xarray as xr
    from sklearn.linear_model import Lasso, Ridge

    rows = read_csv(demo_dir / "summary.csv")
    assert len(rows) == 20
    X, y = demo._load_data()
    sigma, priors = demo._choose_priors(X, y)
    n = len(y)
    sk = {"Gaussian": Ridge(alpha=sigma**2 / priors["Gaussian"].scale ** 2).fit(X, y),
          "Laplace": Lasso(alpha=sigma**2 / (n * priors["Laplace"].scale), tol=1e-12, max_iter=100_000).fit(X, y)}
    level = settings.percent(settings.CI_PROB)
    md = (demo_dir / "summary.md").read_text(encoding="utf-8")
    assert f"intervals at {level}" in md
    eps = float(re.search(r"ε = ([0-9.e+-]+)", md).group(1))
    for label in ("Gaussian", "Laplace"):
        dt = xr.open_datatree(demo_dir / f"posterior_{label.lower()}.nc")
        draws = dt["posterior"]["coef"]
        assert draws.sizes["chain"] == 4 and draws.sizes["draw"] == 1000
        for j, row in enumerate(r for r in rows if r["prior"] == label):
            assert row["feature"] == str(draws["feature"].values[j]) == X.columns[j]
            assert float(row["MAP"]) == pytest.approx(sk[label].coef_[j], abs=1e-6)
            d = draws.isel(feature=j).values.ravel()
            assert float(row["post. mean"]) == pytest.approx(d.mean(), rel=1e-9, abs=1e-12)
            # eps was printed with 4 significant digits: allow draws at the boundary
            p_lo = np.mean(np.abs(d) < eps * (1 - 1e-3))
            p_hi = np.mean(np.abs(d) < eps * (1 + 1e-3))
            assert p_lo - 1e-12 <= float(row["P(|b|<eps)"]) <= p_hi + 1e-12
            # the interval at the package level, equal-tailed
            lo, hi = np.quantile(d, [(1 - settings.CI_PROB) / 2, (1 + settings.CI_PROB) / 2])
            assert float(row[f"{level} lower"]) == pytest.approx(lo, rel=1e-9)
            assert float(row[f"{level} upper"]) == pytest.approx(hi, rel=1e-9)
    # the Laplace MAP has exact zeros; its posterior does not (the Bayesian lasso point)
    lap = [r for r in rows if r["prior"] == "Laplace"]
    assert any(float(r["MAP"]) == 0.0 for r in lap)
    assert all(float(r["post. mean"]) != 0.0 for r in lap)


def check_analysis(demo_dir):
    """The zeros table sets the MAP's exact zeros beside the posterior mass near zero; the
    report states the σ treatment, explains the halving, compares the priors by LOO, and
    says when and with what it was made."""
    import arviz_stats as azs
    import xarray as xr

    page = (demo_dir / "report.html").read_text(encoding="utf-8")
    zeros = read_csv(demo_dir / "zeros.csv")
    summary = read_csv(demo_dir / "summary.csv")
    lap_map = {r["feature"]: float(r["MAP"]) for r in summary if r["prior"] == "Laplace"}
    lap_pz = {r["feature"]: float(r["P(|b|<eps)"]) for r in summary if r["prior"] == "Laplace"}
    assert [r["feature"] for r in zeros] == list(lap_map)
    for r in zeros:
        assert (r["Laplace MAP = 0"] == "True") == (lap_map[r["feature"]] == 0.0)
        assert float(r["Laplace P(|b|<ε | y)"]) == pytest.approx(lap_pz[r["feature"]])
    assert any(r["Laplace MAP = 0"] == "True" for r in zeros)
    assert "Why the Gaussian-prior coefficients are about half the Laplace ones" in page
    assert "σ̂ =" in page and "learn σ" in page and "fix σ = σ̂" in page  # the σ treatment
    # LOO: the table is arviz-stats' comparison of the saved posteriors
    loo = read_csv(demo_dir / "loo.csv")
    posts = {k: xr.open_datatree(demo_dir / f"posterior_{k.lower()}.nc") for k in ("Gaussian", "Laplace")}
    for row in loo:
        assert float(row["elpd_loo"]) == pytest.approx(azs.loo(posts[row["prior"]]).elpd, rel=1e-9)
    assert float(loo[0]["elpd_diff"]) == 0.0
    assert re.search(r"PSIS-LOO\) \w+ prefers the (Laplace|Gaussian) prior", page)
    # versions and the date
    from bayesreg import __version__

    assert f"bayesreg {__version__}" in page and re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)
    assert f"intervals at {settings.percent(settings.CI_PROB)}" in page
    # which scale: Park & Casella's Monte Carlo EM, in unit-sd units (their 0.225-0.249 times √n)
    m = re.search(r"i\.e\. λ = σ/b = ([0-9.]+)\. Park &amp; Casella report λ = 0\.237", page)
    assert m and 0.225 * np.sqrt(442) < float(m.group(1)) < 0.249 * np.sqrt(442)
    assert "Which prior scale?" in page and 'data-file="scale_choice.png"' in page


def check_convergence(demo_dir):
    """Every posterior the demo drew passes bayesreg's own check, without a second run."""
    rows = read_csv(demo_dir / "convergence.csv")
    assert len(rows) == 4  # Gaussian, Laplace, the hyperprior (Gibbs), one point on the Lasso path
    for r in rows:
        assert r["verdict"] == "pass", r
        assert float(r["max R-hat"]) <= 1.01 and float(r["min bulk ESS"]) >= 400
        assert r["divergences"] == "0"
        assert r["at max tree depth"] == ("n/a" if r["sampler"] == "gibbs" else "0")  # Gibbs has no trees
    page = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert "sampled again" not in page and "fails its convergence check" not in page


def test_summary_intervals_follow_the_package_level(monkeypatch):
    """The report's intervals are read from bayesreg.settings when they are made."""
    import types

    from test_stats import normal_posterior

    monkeypatch.setattr(settings, "CI_PROB", 0.8)
    dt = normal_posterior([0.0, 1.0, 2.0], draws=500)
    m = types.SimpleNamespace(coef=np.zeros(3))
    sk = types.SimpleNamespace(coef_=np.zeros(3))
    table = demo._summary_table({"A": dt}, {"A": m}, {"A": sk}, 0.1, ["a", "b", "c"])
    draws = dt["posterior"]["coef"].values.reshape(-1, 3)
    np.testing.assert_allclose(table["80% lower"], np.quantile(draws, 0.1, axis=0), rtol=1e-10)
    np.testing.assert_allclose(table["80% upper"], np.quantile(draws, 0.9, axis=0), rtol=1e-10)


def check_screenshot(demo_dir):
    """A headless-Chromium screenshot of the report is not blank (only if Chromium is installed)."""
    browsers = [shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")]
    browser = next((b for b in browsers if b), None)
    if browser is None:
        return
    shot = demo_dir / "report-screenshot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                    "--window-size=1200,4000", (demo_dir / "report.html").as_uri()],
                   check=True, timeout=120, capture_output=True)
    with Image.open(shot) as im:
        arr = np.asarray(im.convert("L"))
    assert arr.std() > 5  # not a blank page


def test_demo_without_mcmc_degrades_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "_sampler", lambda: None)
    out = demo.run_demo(tmp_path / "map-only", progressbar=False)
    page = check_report(out, MAP_ONLY)
    assert "sample_posterior is not available" in page
    for stem in demo._MCMC_FIGURES:
        assert not (out / f"{stem}.png").exists()
    assert all(r["agree"] == "True" for r in read_csv(out / "validation.csv"))
