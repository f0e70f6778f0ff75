r"""One chain of the Gibbs sampler for the Gaussian likelihood and any scale-mixture prior.

The model (:mod:`bayesreg.mcmc.problem`), with the intercept written
:math:`b = \bar y - \bar x^\top w + a` (flat prior on :math:`a`, see
:class:`~bayesreg.datafits.gaussian.SufficientStatistics`) and the prior as a scale
mixture :math:`w_j\mid\psi\sim\mathcal N(0, v_j)` (:class:`~bayesreg.priors.ScaleMixture`):

.. math::

    p(w, a, \sigma^2, \psi\mid y) \propto \sigma^{-m}
      \exp\Big(-\frac{\lVert b_c - Aw\rVert^2 + S a^2}{2\sigma^2}\Big)
      \prod_j \mathcal N(w_j\mid 0, v_j)\; p(\psi)\, p(\sigma^2).

Write the prior variances in units of σ², :math:`r_j = v_j/\sigma^2` (for a noise-scaled
mixture :math:`r_j` is the mixture's own variance), and :math:`P = A^\top A + R^{-1}`. One
sweep draws, in turn,

0. **a global scale** with :math:`w` integrated out, if the mixture has one
   (:meth:`~bayesreg.priors.ScaleMixture.global_move`; the horseshoe's τ), each candidate's
   marginal likelihood :math:`-\tfrac12\log\det(I + ARA^\top) - Q(r)/2\sigma^2` from its own
   factorisation (:meth:`CoefficientDraw.log_marginal`), the accepted one re-used below;
1. **the coefficients** :math:`w\mid\psi,\sigma^2\sim\mathcal N(P^{-1}A^\top b_c,\ \sigma^2P^{-1})`
   (:class:`RueDraw` when :math:`n\ge p`, :class:`BhattacharyaDraw` when :math:`p > n`),
   over-relaxed where an exact draw is not needed (``overrelax``);
2. **the noise** :math:`\sigma^2` with :math:`a` integrated out
   (:math:`\int e^{-Sa^2/2\sigma^2}da\propto\sigma`, so the likelihood counts
   :math:`m' = m - 1` observations with an intercept, :math:`m` without), from an
   inverse gamma: given :math:`w`, with rate :math:`\tfrac12\lVert b_c - Aw\rVert^2`; for a
   noise-scaled mixture :math:`(w, \sigma^2)\mid\psi` is normal–inverse-gamma, and
   :math:`\sigma^2` is drawn *before* :math:`w` with :math:`w` integrated out too, rate
   :math:`\tfrac12 Q(r)`, :math:`Q(r) = \min_w \lVert b_c - Aw\rVert^2 + w^\top R^{-1} w`
   (the blocked sampler of Hans 2009 and Rajaratnam et al. 2019, which mixes far faster than
   Park & Casella's when p is large); see :class:`HalfTNoise` and :class:`JeffreysNoise`;
3. **the mixing variables** :math:`\psi` by the mixture's own
   :meth:`~bayesreg.priors.ScaleMixture.update`, after, if it has them, its
   :meth:`~bayesreg.priors.ScaleMixture.site_update` steps for every coefficient in turn (a
   coefficient's local scale with the coefficient integrated out, then the coefficient:
   the funnel between the two is crossed in one move);
4. **the intercept offset** :math:`a\mid\sigma^2\sim\mathcal N(0, \sigma^2/S)`, exactly,
   reported as :math:`b = \bar y - \bar x^\top w + a`.

A likelihood that is Gaussian given auxiliary variables (the logistic one, by Pólya-Gamma
augmentation: :mod:`bayesreg.mcmc.polya_gamma`) adds a step before 0: the auxiliary
variables given the current :math:`(w, b)`, which define that sweep's Gaussian problem at
:math:`\sigma = 1`; steps 0–4 then run on it unchanged.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import lapack

from bayesreg.priors import ScaleMixture

__all__ = [
    "CoefficientDraw", "RueDraw", "BhattacharyaDraw", "coefficient_draw", "COEF_DRAWS",
    "FixedNoise", "HalfTNoise", "JeffreysNoise", "noise_prior", "GibbsChain",
]

#: names of the coefficient draws (``coef_draw=`` of the Gibbs backend)
COEF_DRAWS = ("auto", "rue", "bhattacharya")

_TINY = np.finfo(float).tiny
_HUGE = 1.0 / _TINY


def _cholesky(M: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of a symmetric positive-definite ``M`` (overwritten)."""
    L, info = lapack.dpotrf(M, lower=1, clean=1, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(
            f"the Gibbs coefficient draw met a matrix that is not numerically positive definite "
            f"(LAPACK dpotrf info={info}); the prior variances span too many orders of magnitude"
        )
    return L


def _solve_lower(L: np.ndarray, b: np.ndarray, *, trans: bool = False) -> np.ndarray:
    x, info = lapack.dtrtrs(L, b, lower=1, trans=int(trans))
    if info != 0:  # pragma: no cover - a valid factor is never singular
        raise np.linalg.LinAlgError(f"triangular solve failed (info={info})")
    return x


# --------------------------------------------------------------- coefficient draws
class CoefficientDraw(ABC):
    r"""The Gaussian full conditional of the coefficients, for prior variances :math:`\sigma^2 r`.

    :meth:`factor` factorises it for one :math:`r`; then :meth:`draw` gives
    :math:`w\sim\mathcal N(P^{-1}q, \sigma^2P^{-1})` for any σ, and :meth:`quad` gives
    :math:`Q(r) = \min_w\lVert b_c - Aw\rVert^2 + w^\top R^{-1}w`, which does not depend on σ.
    """

    name: str

    @abstractmethod
    def factor(self, r: np.ndarray) -> None:
        """Factorise :math:`P = A^\\top A + \\operatorname{diag}(1/r)`."""

    def draw(self, sigma: float, rng: np.random.Generator, prev: np.ndarray | None = None,
             alpha: float = 0.0) -> np.ndarray:
        r"""A draw of :math:`w` given the factored :math:`r` and σ; with ``prev`` and ``alpha`` < 0,
        Adler's (1981) over-relaxed update :math:`\mu + \alpha(w_{\text{prev}} - \mu) +
        \sqrt{1-\alpha^2}\,\xi`, :math:`\xi\sim\mathcal N(0, \sigma^2P^{-1})`, which leaves the
        same Gaussian invariant and anti-correlates successive draws."""
        x = self._exact(sigma, rng)
        if prev is None or alpha == 0.0:
            return x
        mu = self.mean()
        return mu + alpha * (prev - mu) + math.sqrt(1.0 - alpha * alpha) * (x - mu)

    @abstractmethod
    def _exact(self, sigma: float, rng: np.random.Generator) -> np.ndarray:
        """An exact draw of :math:`w` given the factored :math:`r` and σ."""

    @abstractmethod
    def mean(self) -> np.ndarray:
        """:math:`P^{-1}q`, the conditional mean (it does not depend on σ)."""

    @abstractmethod
    def quad(self) -> float:
        """:math:`Q(r)` at the factored :math:`r`."""

    @abstractmethod
    def rss(self, w: np.ndarray) -> float:
        """:math:`\\lVert b_c - Aw\\rVert^2`."""

    @abstractmethod
    def site_sweep(self, w: np.ndarray, sites: np.ndarray, update: Any) -> np.ndarray:
        """``w`` after ``update(j, c, q)`` (the new :math:`w_j`) for each ``j`` in ``sites`` in turn, with
        :math:`q = Q_{jj}` and :math:`c = q_j - (Qw)_j + Q_{jj}w_j`, the likelihood of :math:`w_j`
        given the current others (see :meth:`~bayesreg.priors.ScaleMixture.site_update`)."""

    @abstractmethod
    def log_marginal(self, sigma2: float) -> float:
        """:math:`-\\tfrac12\\log\\det(I + ARA^\\top) - Q(r)/(2\\sigma^2)` at the factored :math:`r`: the log
        of :math:`\\int p(y\\mid w)\\,\\mathcal N(w\\mid 0, \\sigma^2R)\\,dw` up to a term in σ alone."""


class RueDraw(CoefficientDraw):
    r"""Rue's (2001) draw through the Cholesky factor of the :math:`p\times p` precision.

    From the sufficient statistics only (:math:`O(p^3)` per sweep whatever ``n``). The
    precision :math:`P = Q + R^{-1}` is equilibrated first, :math:`\tilde P = DPD` with
    :math:`D = \operatorname{diag}(P)^{-1/2}` (unit diagonal), so that columns in any units
    and prior variances from :math:`10^{-300}` to :math:`10^{300}` factor stably:
    :math:`\tilde P = LL^\top`, :math:`z = L^{-1}Dq`, and

    .. math::

        w = D L^{-\top}(z + \sigma\varepsilon),\quad \varepsilon\sim\mathcal N(0, I_p),

    has mean :math:`DL^{-\top}L^{-1}Dq = P^{-1}q` and covariance
    :math:`\sigma^2 D\tilde P^{-1}D = \sigma^2P^{-1}`. With :math:`\mu = P^{-1}q`,
    :math:`Q(r) = R_0 + (\mu-\hat w)^\top Q(\mu-\hat w) + \mu^\top R^{-1}\mu`, a sum of
    non-negative terms (no cancellation when the fit is good).
    """

    name = "rue"

    def __init__(self, gram: np.ndarray, q: np.ndarray, w_ls: np.ndarray, rss_min: float) -> None:
        self.gram, self.q, self.w_ls, self.rss_min = gram, q, w_ls, float(rss_min)
        self._diag = np.ascontiguousarray(np.diag(gram))

    def factor(self, r):
        p = self.q.size
        inv_r = 1.0 / r
        d = 1.0 / np.sqrt(self._diag + inv_r)
        M = self.gram * d[:, None]
        M *= d[None, :]
        M.flat[:: p + 1] = 1.0
        self._L = _cholesky(M)
        self._d, self._inv_r, self._r = d, inv_r, r
        self._z = _solve_lower(self._L, d * self.q)

    def _exact(self, sigma, rng):
        eps = rng.standard_normal(self.q.size)
        return self._d * _solve_lower(self._L, self._z + sigma * eps, trans=True)

    def mean(self):
        return self._d * _solve_lower(self._L, self._z, trans=True)

    def quad(self):
        mu = self.mean()
        return self.rss(mu) + float(mu @ (self._inv_r * mu))

    def rss(self, w):
        e = w - self.w_ls
        return self.rss_min + float(e @ (self.gram @ e))

    def site_sweep(self, w, sites, update):
        w = w.copy()
        g = self.gram @ w
        for j in sites:
            qjj = self._diag[j]
            new = update(j, self.q[j] - g[j] + qjj * w[j], qjj)
            g += self.gram[:, j] * (new - w[j])
            w[j] = new
        return w

    def log_marginal(self, sigma2):
        # det(I + A R A^T) = det(R) det(P), det P = det(L)^2 / prod(d)^2
        log_det = float(np.sum(np.log(self._r)) + 2.0 * np.sum(np.log(np.diag(self._L) / self._d)))
        return -0.5 * log_det - 0.5 * self.quad() / sigma2


class BhattacharyaDraw(CoefficientDraw):
    r"""Bhattacharya, Chakraborty & Mallick's (2016) draw through an :math:`n\times n` system.

    For :math:`N(\Sigma A^\top\alpha, \Sigma)`, :math:`\Sigma = (A^\top A + R^{-1})^{-1}`,
    :math:`\alpha = b_c/\sigma`: draw :math:`u\sim\mathcal N(0, R)`,
    :math:`\delta\sim\mathcal N(0, I_n)`, solve
    :math:`(ARA^\top + I_n)\,v = \alpha - Au - \delta` and set :math:`\theta = u + RA^\top v`;
    then :math:`w = \sigma\theta`. :math:`O(n^2p)` per sweep. The matrix
    :math:`M = ARA^\top + I_n \succeq I_n` factors stably whatever the scales, and
    :math:`Q(r) = b_c^\top M^{-1}b_c` (Woodbury). Rows with zero weight are dropped.
    """

    name = "bhattacharya"

    def __init__(self, A: np.ndarray, b: np.ndarray) -> None:
        self.A, self.b = A, b

    def factor(self, r):
        self._r = r
        B = self.A * np.sqrt(r)
        M = np.dot(B, B.T)
        M.flat[:: M.shape[0] + 1] += 1.0
        self._L = _cholesky(M)

    def mean(self):
        return self._r * (self.A.T @ _solve_lower(self._L, _solve_lower(self._L, self.b), trans=True))

    def _exact(self, sigma, rng):
        r, A, L = self._r, self.A, self._L
        u = np.sqrt(r) * rng.standard_normal(r.size)
        rhs = self.b / sigma - A @ u - rng.standard_normal(A.shape[0])
        v = _solve_lower(L, _solve_lower(L, rhs), trans=True)
        return sigma * (u + r * (A.T @ v))

    def quad(self):
        z = _solve_lower(self._L, self.b)
        return float(z @ z)

    def rss(self, w):
        e = self.b - self.A @ w
        return float(e @ e)

    def site_sweep(self, w, sites, update):
        if getattr(self, "_cols", None) is None:  # the sites' columns, contiguous
            self._cols = np.ascontiguousarray(self.A[:, sites].T)
            self._col2 = np.einsum("ij,ij->i", self._cols, self._cols)
        w = w.copy()
        res = self.b - self.A @ w
        for k, j in enumerate(sites):
            a, qjj = self._cols[k], self._col2[k]
            new = update(j, float(a @ res) + qjj * w[j], qjj)
            res -= a * (new - w[j])
            w[j] = new
        return w

    def log_marginal(self, sigma2):
        return -float(np.sum(np.log(np.diag(self._L)))) - 0.5 * self.quad() / sigma2


def coefficient_draw(datafit: Any, method: str = "auto") -> CoefficientDraw:
    """The coefficient draw for a Gaussian datafit.

    ``"auto"``: Rue's when n ≥ p (n counting the observations with positive weight) or
    when the datafit holds sufficient statistics only, Bhattacharya's when p > n.
    """
    method = str(method).lower()
    if method not in COEF_DRAWS:
        raise ValueError(f"coef_draw must be one of {COEF_DRAWS}, got {method!r}")
    has_rows = getattr(datafit, "X", None) is not None
    if method == "auto":
        method = "bhattacharya" if has_rows and datafit.n_features > datafit.n_effective else "rue"
    if method == "rue":
        st = datafit.statistics
        return RueDraw(st.gram, st.q, st.w_ls, st.rss_min)
    if not has_rows:
        raise ValueError(
            "coef_draw='bhattacharya' needs the rows; this datafit holds sufficient statistics only"
        )
    A, b = datafit.A, datafit.b
    if datafit.sample_weight is not None:
        keep = datafit.sample_weight > 0
        A, b = A[keep], b[keep]
    return BhattacharyaDraw(np.ascontiguousarray(A), np.ascontiguousarray(b))


# ----------------------------------------------------------------------- the noise
class FixedNoise:
    """σ fixed: nothing to draw."""

    learned = False

    def __init__(self, sigma: float) -> None:
        self.sigma2 = float(sigma) ** 2

    def init(self, sigma2: float, rng) -> dict:
        return {}


class JeffreysNoise:
    r""":math:`p(\sigma^2)\propto 1/\sigma^2`: the conditional is :math:`\mathrm{IG}(\alpha, \beta)`
    with the likelihood's shape :math:`\alpha` and rate :math:`\beta` alone."""

    learned = True

    def init(self, sigma2: float, rng) -> dict:
        return {}

    def draw(self, shape, rate, state, rng):
        return rate / rng.standard_gamma(shape)


class HalfTNoise:
    r""":math:`\sigma\sim\text{half-}t_\nu(0, s)` as an inverse-gamma scale mixture (Wand et al. 2011):

    .. math::

        \sigma^2\mid a\sim\mathrm{IG}(\nu/2, \nu/a),\qquad a\sim\mathrm{IG}(1/2, 1/s^2).

    (Integrating :math:`a` out, :math:`p(\sigma^2)\propto(\sigma^2)^{-1/2}(\nu + \sigma^2/s^2)^{-(\nu+1)/2}`,
    so :math:`p(\sigma)\propto(1 + \sigma^2/(\nu s^2))^{-(\nu+1)/2}`.) The conditionals are
    :math:`\sigma^2\sim\mathrm{IG}(\alpha + \nu/2, \beta + \nu/a)` and
    :math:`a\mid\sigma^2\sim\mathrm{IG}((\nu+1)/2, \nu/\sigma^2 + 1/s^2)`.
    """

    learned = True

    def __init__(self, scale: float, nu: float = 3.0) -> None:
        self.scale2 = float(scale) ** 2
        self.nu = float(nu)

    def init(self, sigma2, rng):
        return {"a": 1.0 / rng.gamma(0.5 * (self.nu + 1), 1.0 / (self.nu / sigma2 + 1.0 / self.scale2))}

    def draw(self, shape, rate, state, rng):
        nu = self.nu
        sigma2 = (rate + nu / state["a"]) / rng.standard_gamma(shape + 0.5 * nu)
        state["a"] = (nu / sigma2 + 1.0 / self.scale2) / rng.standard_gamma(0.5 * (nu + 1))
        return sigma2


def noise_prior(sigma_mode: str, sigma: float | None, sigma_scale: float | None):
    """The noise treatment of a :class:`~bayesreg.mcmc.problem.PosteriorProblem` as a Gibbs step."""
    if sigma_mode == "fixed":
        return FixedNoise(sigma)  # type: ignore[arg-type]
    if sigma_mode == "half-t":
        return HalfTNoise(sigma_scale)  # type: ignore[arg-type]
    if sigma_mode == "jeffreys":
        return JeffreysNoise()
    raise ValueError(f"the Gibbs sampler needs a noise scale sigma, got sigma_mode={sigma_mode!r}")


# ------------------------------------------------------------------------- a chain
@dataclass
class GibbsChain:
    """Everything one chain needs, shared read-only between chains.

    Attributes
    ----------
    mixture : ScaleMixture
    coef : CoefficientDraw
        Not factored; each sweep factors a copy (so chains share nothing mutable).
    noise : FixedNoise, HalfTNoise or JeffreysNoise
    n_obs : int
        :math:`m'`, the observations the σ² conditional counts (:math:`m - 1` with an intercept).
    weight_sum : float
        :math:`S`.
    X_offset, y_offset
        :math:`\\bar x, \\bar y` (zeros without an intercept).
    fit_intercept : bool
    sigma2_init : float
        Starting σ² of a learned σ.
    overrelax : float
        α of the over-relaxed coefficient draw (:meth:`CoefficientDraw.draw`), used in the
        sweeps where :math:`w` need not be an exact draw: not after a
        :meth:`~bayesreg.priors.ScaleMixture.global_move`, nor after σ² drawn with
        :math:`w` integrated out (the blocked draws need an exact :math:`w`).
    sites : ndarray of int
        The coefficients whose mixing variables get a
        :meth:`~bayesreg.priors.ScaleMixture.site_update` each sweep, in this order
        (all of them when the mixture has the step).
    augmentation : PolyaGammaAugmentation or None
        A likelihood that is Gaussian given auxiliary variables
        (:mod:`bayesreg.mcmc.polya_gamma`: the logistic one): each sweep starts with its
        ``refresh(w, b, rng)``, the Gaussian problem of that sweep (``coef``, ``X_offset``,
        ``y_offset``, ``weight_sum``, at σ = 1), which replaces the fixed ones above, and
        the intercept is then drawn every sweep (the next refresh needs it).
    """

    mixture: ScaleMixture
    coef: CoefficientDraw
    noise: Any
    n_obs: int
    weight_sum: float
    X_offset: np.ndarray
    y_offset: float
    fit_intercept: bool
    sigma2_init: float
    sites: np.ndarray
    overrelax: float = 0.0
    augmentation: Any = None

    def _factored(self, coef: CoefficientDraw, state: dict, sigma2: float) -> CoefficientDraw:
        """A copy of ``coef`` factored at the variances of ``state`` (in units of σ²)."""
        import copy

        r = self.mixture.variances(state)
        if not self.mixture.noise_scaled:
            r = r / sigma2
        coef = copy.copy(coef)
        coef.factor(np.clip(r, _TINY, _HUGE))
        return coef

    def _intercept(self, w, X_offset, y_offset, weight_sum, sigma2, rng) -> float:
        r""":math:`b = \bar y - \bar x^\top w + a`, :math:`a\sim\mathcal N(0, \sigma^2/S)` (0 without one)."""
        if not self.fit_intercept:
            return 0.0
        a = math.sqrt(sigma2 / weight_sum) * rng.standard_normal()
        return y_offset - float(X_offset @ w) + a

    def _global_move(self, state, coef, sigma2, rng, *, tuning):
        """The mixture's :meth:`~bayesreg.priors.ScaleMixture.global_move`, with the marginal
        likelihood of each candidate state from its own factorisation; returns the new
        state and the factorisation that belongs to it."""
        factors = {id(state): coef}

        def log_marginal(candidate):
            f = factors.get(id(candidate))
            if f is None:
                f = factors[id(candidate)] = self._factored(coef, candidate, sigma2)
            return f.log_marginal(sigma2)

        new = self.mixture.global_move(state, log_marginal, rng, tuning=tuning)
        f = factors.get(id(new))
        return new, (f if f is not None else self._factored(coef, new, sigma2))

    def run(self, draws: int, tune: int, rng: np.random.Generator, *, stop: Any = None,
            tick: Any = None) -> dict[str, np.ndarray]:
        """``tune`` discarded sweeps, then ``draws`` recorded ones.

        ``stop`` (a :class:`threading.Event`) ends the chain early with KeyboardInterrupt;
        ``tick()`` is called after every sweep (the progress bar). Returns arrays with a
        leading draw axis: ``coef``, ``intercept``, ``sigma`` (when learned), the mixture's
        :meth:`~bayesreg.priors.ScaleMixture.report` variables and, prefixed ``stat:``, its
        :meth:`~bayesreg.priors.ScaleMixture.stats`.
        """
        mix, noise, aug = self.mixture, self.noise, self.augmentation
        coef = self.coef
        X_offset, y_offset, weight_sum = self.X_offset, self.y_offset, self.weight_sum
        p = self.X_offset.size
        state = mix.init(p, rng)
        learned = noise.learned
        sigma2 = self.sigma2_init * math.exp(rng.uniform(-1, 1)) if learned else noise.sigma2
        nstate = noise.init(sigma2, rng) if learned else {}
        shape = 0.5 * self.n_obs
        out: dict[str, np.ndarray] | None = None
        w = None
        if aug is not None:
            w, b = aug.start()
        for it in range(tune + draws):
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
            if aug is not None:
                g = aug.refresh(w, b, rng)
                coef, X_offset, y_offset, weight_sum = g.coef, g.X_offset, g.y_offset, g.weight_sum
            coef = self._factored(coef, state, sigma2)
            state, coef = self._global_move(state, coef, sigma2, rng, tuning=it < tune)
            if learned and mix.noise_scaled:
                sigma2 = noise.draw(shape, 0.5 * coef.quad(), nstate, rng)
            blocked = mix.has_global_move or (learned and mix.noise_scaled)
            w = coef.draw(math.sqrt(sigma2), rng, prev=None if blocked else w, alpha=self.overrelax)
            if learned and not mix.noise_scaled:
                sigma2 = noise.draw(shape, 0.5 * coef.rss(w), nstate, rng)
            if self.sites.size:
                s2 = sigma2

                def site(j, c, q):
                    return mix.site_update(state, j, c, q, s2, rng)

                w = coef.site_sweep(w, self.sites, site)
            state = mix.update(state, w, sigma2, rng)
            if aug is not None:
                b = self._intercept(w, X_offset, y_offset, weight_sum, sigma2, rng)
            if tick is not None:
                tick()
            k = it - tune
            if k < 0:
                continue
            if aug is None:
                b = self._intercept(w, X_offset, y_offset, weight_sum, sigma2, rng)
            row = {
                "coef": w,
                "intercept": b,
                **({"sigma": math.sqrt(sigma2)} if learned else {}),
                **mix.report(state),
                **{f"stat:{k_}": v for k_, v in mix.stats(state).items()},
            }
            if out is None:
                out = {name: np.empty((draws, *np.shape(v))) for name, v in row.items()}
            for name, v in row.items():
                out[name][k] = v
        assert out is not None
        return out
