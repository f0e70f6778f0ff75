"""The working-set machinery of the exact L1 solver (bayesreg.map.active_set).

The solver works on a growing working set W (Q_WW by bordering, one pass over the design
per outer iteration), so these check what that adds: the answer equals scikit-learn's
and the cold solve's wherever it starts, W stays small when p >> n, asking whether a
datafit has the Gram matrix never forms it, rank-deficient designs (repeated rows) reach
the optimum, and a path's batched certificates equal the per-point ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Lasso

import bayesreg
from bayesreg.convert import from_sklearn
from bayesreg.datafits import GaussianDatafit
from bayesreg.map import active_set
from bayesreg.map._stable import residual_gradient
from bayesreg.map.kkt import kkt_residual


def _design(n, p, k=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[rng.choice(p, k, replace=False)] = rng.normal(0, 2, k)
    return X, X @ w + rng.standard_normal(n)


def _l1(lik, alpha):
    # scikit-learn's Lasso alpha in equilibrated coordinates: n * alpha / d_j
    return lik.n_samples * alpha / lik.column_scale


@pytest.mark.parametrize("n,p", [(60, 2000), (400, 40)])
def test_wide_and_tall_match_sklearn_with_a_small_working_set(n, p):
    X, y = _design(n, p)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    alpha = 0.1 * float(np.abs(lik.q * lik.column_scale).max()) / n
    ws, fac = active_set.workspace(lik)
    out = active_set.solve_l1(lik, _l1(lik, alpha), _workspace=(ws, fac))
    sk = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(out.coef / lik.column_scale, sk.coef_, atol=1e-8)
    assert out.kkt_residual <= 1e-10
    assert not lik.has_gram  # Q_WW only, never the p x p Gram matrix
    if p > n:
        assert ws.size < p // 10


def test_asking_for_the_gram_matrix_does_not_form_it():
    X, y = _design(30, 500)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    bayesreg.datafits.require(lik, active_set.REQUIRES + ("gram",), "test")
    assert not lik.has_gram


def test_warm_start_anywhere_gives_the_cold_answer():
    X, y = _design(80, 300)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    l1 = _l1(lik, 0.05 * float(np.abs(lik.q * lik.column_scale).max()) / 80)
    cold = active_set.solve_l1(lik, l1)
    rng = np.random.default_rng(1)
    w0 = np.where(rng.random(300) < 0.1, rng.normal(size=300), 0.0)
    warm = active_set.solve_l1(lik, l1, w0=w0)
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-10)
    np.testing.assert_array_equal(warm.coef == 0, cold.coef == 0)


def test_repeated_rows_rank_deficient_reach_the_optimum():
    """Integer weights equal repeated rows: rank 8 with 27 rows, support larger than the
    rank on the way (a batch of violators that makes the sign-fixed system singular)."""
    rng = np.random.RandomState(42)
    X = rng.rand(15, 30)
    y = rng.randint(0, 3, size=15).astype(float)
    sw = rng.randint(0, 5, size=15)
    prior = bayesreg.Laplace(0.5)
    weighted = bayesreg.map_estimate(X, y, prior, sigma=0.5, sample_weight=sw.astype(float))
    repeated = bayesreg.map_estimate(X.repeat(sw, axis=0), y.repeat(sw), prior, sigma=0.5)
    assert weighted.kkt_residual <= 1e-10 and repeated.kkt_residual <= 1e-10
    np.testing.assert_allclose(repeated.coef, weighted.coef, atol=1e-9)
    np.testing.assert_array_equal(repeated.coef == 0, weighted.coef == 0)


@pytest.mark.parametrize("prior", [bayesreg.Laplace(1.0), bayesreg.ElasticNet(1.0, 1.0)])
def test_path_certificates_from_residuals_in_one_batch(prior):
    """n >= p paths solve from the Gram matrix and certify all points at once; the
    certificates equal those of one residual gradient per point."""
    X, y = _design(300, 40)
    path = bayesreg.map_path(X, y, prior, sigma=1.0, n_points=30)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    d = lik.column_scale
    for coef, pen, res in zip(path.coefs, path.penalties, path.kkt_residuals):
        u = coef * d
        l1, l2 = np.broadcast_to(pen.l1, d.shape) / d, np.broadcast_to(pen.l2, d.shape) / d**2
        ref = kkt_residual(u, residual_gradient(lik, u, l2), l1, lik.q)
        assert res <= 1e-10
        assert res == pytest.approx(ref, abs=1e-14)


def test_batched_certificates_on_thin_margins_and_perturbations():
    """The batched certificates read a zero coordinate's gradient from the Gram matrix only
    where a rounding-error bound proves it inside its threshold: on a margin of exactly 0,
    just past it, and after perturbing the answer they still equal the residual-form
    certificate of each point, and a perturbation raises it."""
    X, y = _design(2000, 30)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    lik.gram  # noqa: B018 - the batched certificates are for datafits with the Gram matrix
    out = active_set.solve_l1(lik, 0.2 * float(np.abs(lik.q).max()))
    u = out.coef
    l1 = np.full(u.size, 0.2 * float(np.abs(lik.q).max()))
    g = residual_gradient(lik, u)
    zeros = np.flatnonzero(u == 0)
    j = zeros[np.argmax(np.abs(g[zeros]))]
    at_margin, past = l1.copy(), l1.copy()
    at_margin[j] = abs(g[j])  # zero violation, zero margin
    past[j] = abs(g[j]) * (1 - 1e-9)  # a violation of ~1e-9 |g_j|
    moved = u.copy()
    moved[j] = 1e-6  # off its optimum
    U = np.array([u, u, u, moved])
    L1 = np.array([l1, at_margin, past, l1])
    got = active_set.residual_certificates(lik, U, L1, np.zeros_like(U))
    ref = [kkt_residual(U[k], residual_gradient(lik, U[k]), L1[k], lik.q) for k in range(4)]
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-15)
    assert got[0] <= 1e-13 and got[1] <= 1e-13
    assert got[2] > 1e-11 and got[3] > 1e-9


@pytest.mark.parametrize(
    "case", ["lasso", "elastic-net", "unpenalised", "duplicate-columns", "weights"]
)
def test_compiled_gram_solve_equals_the_active_set_iterations(case, monkeypatch):
    """Paths with the Gram matrix solve each point in one compiled call (coordinate-descent
    sweeps, then the exact support solve); with it switched off the active-set iterations
    solve them. Same zeros, same non-zeros to rounding, both certified from the residuals."""
    X, y = _design(400, 30, k=8, seed=3)
    prior, kw = bayesreg.Laplace(0.5), {}
    if case == "elastic-net":
        prior = bayesreg.ElasticNet(0.5, 2.0)
    elif case == "unpenalised":
        prior = bayesreg.Laplace(np.r_[np.inf, np.inf, np.full(28, 0.5)])
    elif case == "duplicate-columns":
        X = np.hstack([X, X[:, :3]])  # rank 30 of 33: a tie the support must break
    elif case == "weights":
        kw = {"sample_weight": np.random.default_rng(1).uniform(0.1, 3.0, X.shape[0])}
    fast = bayesreg.map_path(X, y, prior, sigma=1.0, n_points=40, **kw)
    monkeypatch.setattr(active_set, "GRAM_ROUNDS", 0)  # the compiled solve settles nothing
    slow = bayesreg.map_path(X, y, prior, sigma=1.0, n_points=40, **kw)
    assert fast.kkt_residuals.max() <= 1e-13 and slow.kkt_residuals.max() <= 1e-13
    if case == "duplicate-columns":  # a tie has many optima: the same objective, certified
        for pen, a, b in zip(fast.penalties, fast.coefs, slow.coefs):
            lik = GaussianDatafit(X, y, None, True)
            fa, fb = (lik.value(c) + pen.value(c) for c in (a, b))
            assert fa == pytest.approx(fb, rel=1e-12)
        return
    np.testing.assert_array_equal(fast.coefs == 0, slow.coefs == 0)
    np.testing.assert_allclose(fast.coefs, slow.coefs, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(
        [bayesreg.map_estimate(X, y, pr, sigma=1.0, **kw).coef for pr in fast.priors[::13]],
        fast.coefs[::13], rtol=1e-8, atol=1e-10,
    )


def test_a_point_failing_its_certificate_is_re_solved_by_the_active_set_iterations(monkeypatch):
    """A path point whose residual certificate fails is re-solved without the compiled Gram
    solve (which would give the same answer again): by the active-set iterations, with
    residual gradients and their conditioning check."""
    import bayesreg.map.path as path_module
    from bayesreg.map import _gram_kernel

    X, y = _design(300, 20)
    calls = []
    real = _gram_kernel.gram_path
    monkeypatch.setattr(_gram_kernel, "gram_path", lambda *a: calls.append(a[8:10]) or real(*a))
    monkeypatch.setattr(path_module, "residual_certificates", lambda lik, U, l1, l2: np.ones(len(U)))
    path = bayesreg.map_path(X, y, bayesreg.Laplace(0.5), sigma=1.0, n_points=10)
    assert calls == [(0, 10)]  # one compiled run for the batched pass, none for the re-solves
    assert path.kkt_residuals.max() <= 1e-13
    ref = [bayesreg.map_estimate(X, y, pr, sigma=1.0).coef for pr in path.priors]
    np.testing.assert_allclose(path.coefs, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mix", ["lasso", "elastic-net", "l2-moves-every-other-point"])
def test_compiled_path_with_supports_that_shrink_and_grow(mix, monkeypatch):
    """The compiled run keeps the support's Cholesky factor between points, bordering it for
    entering coordinates and cutting it where one leaves or an L2 weight changes. Penalties
    that jump up and down (supports shrink, grow, vanish) give each point the answer of a
    cold solve by the active-set iterations."""
    X, y = _design(300, 40, k=12, seed=5)
    X[:, 1] = X[:, 0] + 0.05 * X[:, 1]  # correlated pairs: coordinates enter and leave
    X[:, 3] = X[:, 2] - 0.05 * X[:, 3]
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    lik.gram  # noqa: B018
    top = float(np.abs(lik.q).max())
    f = np.array([0.5, 0.05, 0.3, 0.003, 0.2, 0.01, 1.5, 0.02, 0.002, 0.4, 0.001, 0.0015])
    L1 = np.outer(f * top, np.ones(40))
    if mix == "lasso":
        L2 = np.zeros_like(L1)
    elif mix == "elastic-net":
        L2 = L1 / top
    else:
        L2 = np.outer(np.where(np.arange(f.size) % 2, 0.3, 0.1), np.ones(40))
    handed_back = []
    real = active_set._solve_l1
    monkeypatch.setattr(active_set, "_solve_l1", lambda *a: handed_back.append(1) or real(*a))
    U = active_set.solve_l1_path(lik, L1, L2)
    # every point settled in the compiled run: a stale factor would give wrong support
    # solves, and the points would end up handed to the active-set iterations
    assert not handed_back
    monkeypatch.undo()
    for k in range(f.size):
        ref = active_set.solve_l1(lik, L1[k], L2[k], _workspace=active_set.workspace(lik)).coef
        np.testing.assert_array_equal(U[k] == 0, ref == 0)
        np.testing.assert_allclose(U[k], ref, rtol=1e-9, atol=1e-12 * np.abs(ref).max())
    assert (U[6] == 0).all() and (U[10] != 0).sum() > 20
    kk = active_set.residual_certificates(lik, U, L1, L2)
    assert kk.max() <= 1e-13


def test_compiled_path_hands_back_a_singular_support():
    """More columns than the rank on the support (duplicates, no L2): the compiled run
    cannot factor it and hands the point to the active-set iterations, which settle it."""
    X, y = _design(200, 10, k=10, seed=2)
    X = np.hstack([X, X[:, :4]])
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    lik.gram  # noqa: B018
    top = float(np.abs(lik.q).max())
    L1 = np.outer(top * np.geomspace(0.9, 1e-4, 15), np.ones(14))
    U = active_set.solve_l1_path(lik, L1, np.zeros_like(L1))
    kk = active_set.residual_certificates(lik, U, L1, np.zeros_like(L1))
    assert kk.max() <= 1e-13
    for k in (0, 7, 14):  # the objective of a cold solve (a tie has many minimisers)
        ref = active_set.solve_l1(lik, L1[k], 0.0).coef
        obj = [lik.value(u) + float(L1[k] @ np.abs(u)) for u in (U[k], ref)]
        assert obj[0] == pytest.approx(obj[1], rel=1e-12)


def test_blocked_certificates_equal_per_point_residual_certificates():
    """Certificates of many points, in blocks that read only the leading columns they need,
    equal one residual gradient per point, for optimal and perturbed points alike (a
    perturbation putting a late column into an early point's support, one violating a
    zero coordinate, one moving a support coefficient)."""
    X, y = _design(300, 40, k=8, seed=11)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    path = bayesreg.map_path(X, y, bayesreg.ElasticNet(1.0, 1.0), sigma=1.0, n_points=35)
    d = lik.column_scale
    U = path.coefs * d
    L1 = np.array([np.broadcast_to(pk.l1, d.shape) / d for pk in path.penalties])
    L2 = np.array([np.broadcast_to(pk.l2, d.shape) / d**2 for pk in path.penalties])
    rng = np.random.default_rng(0)
    late = int(np.flatnonzero(U[-1] != 0)[-1])
    U[2, late] = 0.3  # a column the early blocks do not otherwise need
    zero = np.flatnonzero(U[17] == 0)[0]
    U[17, zero] = 1e-9
    sup = np.flatnonzero(U[31] != 0)
    U[31, sup] *= 1 + 1e-7 * rng.standard_normal(sup.size)
    got = active_set.residual_certificates(lik, U, L1, L2)
    ref = [kkt_residual(U[k], residual_gradient(lik, U[k], L2[k]), L1[k], lik.q) for k in range(35)]
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-15)
    assert got[2] > 1e-6 and got[17] > 1e-12 and got[31] > 1e-12
    assert np.delete(got, [2, 17, 31]).max() <= 1e-13


@pytest.mark.parametrize("i", [0, 3, 7, 8])
def test_deleting_a_coordinate_from_the_support_factor_is_the_factor_without_it(i):
    """The compiled run's rank-one deletion gives LAPACK's factor of the matrix without
    that row and column (the Cholesky factor with a positive diagonal is unique)."""
    from bayesreg.map._gram_kernel import _delete

    rng = np.random.default_rng(i)
    A = rng.standard_normal((30, 9))
    order = rng.permutation(20)[:9].astype(np.int64)
    H = A.T @ A
    F = np.zeros((20, 20))
    F[:9, :9] = np.linalg.cholesky(H)
    pos = np.full(20, -1, dtype=np.int64)
    pos[order] = np.arange(9)
    left, before = order[i], order.copy()
    m = _delete(F, order, pos, 9, i)
    keep = np.delete(np.arange(9), i)
    assert m == 8 and pos[left] == -1
    np.testing.assert_array_equal(order[:8], np.delete(before, i))
    np.testing.assert_array_equal(pos[order[:8]], np.arange(8))
    np.testing.assert_allclose(np.tril(F[:8, :8]), np.linalg.cholesky(H[np.ix_(keep, keep)]), rtol=1e-12, atol=1e-12)


def test_kkt_residual_of_many_points_is_each_points():
    """The certificate of a points × features array, row by row, is that of each row."""
    rng = np.random.default_rng(2)
    W = rng.standard_normal((6, 9)) * (rng.uniform(size=(6, 9)) < 0.5)
    G = rng.standard_normal((6, 9))
    L1 = rng.uniform(0.0, 2.0, (6, 9))
    q = rng.standard_normal(9)
    got = kkt_residual(W, G, L1, q)
    assert got.shape == (6,)
    np.testing.assert_array_equal(got, [kkt_residual(W[k], G[k], L1[k], q) for k in range(6)])
    np.testing.assert_array_equal(kkt_residual(W, G, 0.7, q), [kkt_residual(W[k], G[k], 0.7, q) for k in range(6)])


@pytest.mark.parametrize("shape,family", [((200, 20), "gaussian"), ((40, 90), "gaussian"), ((200, 20), "bernoulli")])
def test_path_progress_bar_counts_every_point_and_changes_nothing(shape, family, capsys):
    """A progress bar on each kind of path (compiled Gram run, p > n active set, GLM) reaches
    the number of points and leaves the answer as it is."""
    X, y = _design(*shape, k=5, seed=4)
    kw = {"sigma": 1.0} if family == "gaussian" else {"family": family}
    if family == "bernoulli":
        y = (y > np.median(y)).astype(float)
    plain = bayesreg.map_path(X, y, bayesreg.Laplace(0.5), n_points=12, **kw)
    shown = bayesreg.map_path(X, y, bayesreg.Laplace(0.5), n_points=12, progressbar=True, **kw)
    np.testing.assert_array_equal(plain.coefs, shown.coefs)
    assert "12/12" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["lasso", "elastic-net", "unpenalised", "weights", "warm"])
def test_small_one_penalty_solves_take_the_compiled_gram_run(case, monkeypatch):
    """n >= p and a cheap Gram matrix: one penalty is solved by the compiled run and
    certified from the residuals; the same zeros and coefficients as the active-set
    iterations (the route switched off), each certified."""
    X, y = _design(200, 30, k=8, seed=9)
    prior, kw = bayesreg.Laplace(0.3), {}
    if case == "elastic-net":
        prior = bayesreg.ElasticNet(0.3, 1.5)
    elif case == "unpenalised":
        prior = bayesreg.Laplace(np.r_[np.inf, np.full(29, 0.3)])
    elif case == "weights":
        kw = {"sample_weight": np.random.default_rng(3).uniform(0.2, 2.0, 200)}
    lik = GaussianDatafit(X, y, kw.get("sample_weight"), True, equilibrate=True)
    pen = prior.penalty(1.0)
    d = lik.column_scale
    l1, l2 = np.broadcast_to(pen.l1, d.shape) / d, np.broadcast_to(pen.l2, d.shape) / d**2
    w0 = None
    if case == "warm":  # a warm start elsewhere: the same answer
        w0 = active_set.solve_l1(GaussianDatafit(X, y, None, True, equilibrate=True), 2 * l1, l2).coef
    runs = []
    real = active_set.solve_l1_path
    monkeypatch.setattr(active_set, "solve_l1_path", lambda *a, **k: runs.append(1) or real(*a, **k))
    fast = active_set.solve_l1(lik, l1, l2, w0=w0)
    assert runs == [1]
    monkeypatch.setattr(active_set, "GRAM_SOLVE_FLOPS", 0.0)
    slow = active_set.solve_l1(GaussianDatafit(X, y, kw.get("sample_weight"), True, equilibrate=True), l1, l2)
    assert runs == [1]  # the switched-off route did not run
    assert fast.kkt_residual <= 1e-13 and slow.kkt_residual <= 1e-13
    ref = kkt_residual(fast.coef, residual_gradient(lik, fast.coef, l2), l1, lik.q)
    assert fast.kkt_residual == pytest.approx(ref, rel=1e-6, abs=1e-16)
    np.testing.assert_array_equal(fast.coef == 0, slow.coef == 0)
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=1e-10, atol=1e-12)


def test_a_small_solve_failing_its_certificate_goes_to_the_active_set_iterations(monkeypatch):
    X, y = _design(150, 12, k=5, seed=1)
    lik = GaussianDatafit(X, y, None, True, equilibrate=True)
    iterations = []
    real = active_set._solve_l1
    monkeypatch.setattr(active_set, "_solve_l1", lambda *a: iterations.append(1) or real(*a))
    monkeypatch.setattr(active_set, "residual_certificates", lambda lik, U, l1, l2: np.ones(len(U)))
    top = float(np.abs(lik.q).max())
    out = active_set.solve_l1(lik, 0.1 * top, 0.0)
    assert iterations == [1] and out.kkt_residual <= 1e-13
    ref = Lasso(alpha=0.1 * top / 150, tol=1e-14, max_iter=100_000).fit(lik.A, lik.b).coef_
    np.testing.assert_allclose(out.coef, ref, rtol=1e-7, atol=1e-9)


def test_small_wide_problems_take_the_compiled_run_and_match_scikit_learn(monkeypatch):
    """p > n with a cheap Gram matrix: the compiled run, whose support solves the rank may
    not carry (handed to the active-set iterations), gives scikit-learn's Lasso at a tight
    tolerance, zeros included, certified."""
    X, y = _design(40, 120, k=6, seed=13)
    runs = []
    real = active_set.solve_l1_path
    monkeypatch.setattr(active_set, "solve_l1_path", lambda *a, **k: runs.append(1) or real(*a, **k))
    for alpha in (0.3, 0.03, 0.003):
        res = bayesreg.map_estimate(X, y, from_sklearn(Lasso(alpha=alpha), sigma=1.0, n_samples=40), sigma=1.0)
        ref = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
        assert res.kkt_residual <= 1e-13
        np.testing.assert_array_equal(res.coef == 0, np.abs(ref) < 1e-9)
        np.testing.assert_allclose(res.coef, ref, rtol=1e-6, atol=1e-8)
    assert len(runs) == 3
