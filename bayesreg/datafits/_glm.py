r"""What the canonical-link GLM datafits share: the likelihood of an exponential family.

A canonical-link exponential family with dispersion 1 (Bernoulli with the logit link,
Poisson with the log link) has, per observation, the negative log-likelihood

.. math::

    \ell(\eta; y) = A(\eta) - y\,\eta + c(y), \qquad
    \ell' = A'(\eta) - y = \mu - y, \qquad \ell'' = A''(\eta) = v(\mu),

with the cumulant :math:`A`, the mean :math:`\mu = A'(\eta)` (the inverse link) and the
variance function :math:`v`. The linear predictor is
:math:`\eta_i = b + o_i + x_i^\top w` with an optional offset :math:`o_i`, and a sample
weight :math:`s_i` multiplies observation :math:`i`'s term (weight 2 counts as two
identical observations, scikit-learn's meaning). The data term of the MAP objective
(dispersion :math:`\phi = 1`, so the penalty is :math:`-\log p(w)` itself) is

.. math::

    L(w, b) = \sum_i s_i\,\ell(\eta_i; y_i), \qquad
    \nabla_w L = X^\top\big(s\odot(\mu - y)\big), \qquad
    \partial_b L = \textstyle\sum_i s_i(\mu_i - y_i),

where each family picks :math:`c(y)` so that :math:`\ell \ge 0` with equality at
:math:`\mu = y` (the half deviance: then :math:`L` is what scikit-learn's objectives
average, times the weight sum :math:`S`).

**Intercept.** :math:`b` is unpenalised. For fixed :math:`w`, :math:`L` is convex in
:math:`b` and its minimiser :math:`\hat b(w)` solves :math:`\sum_i s_i(\mu_i - y_i) = 0`
(:meth:`GLMDatafit.intercept`). By the envelope theorem the gradient of the profiled
:math:`L(w, \hat b(w))` is :math:`X^\top(s\odot(\mu - y))` at :math:`b = \hat b(w)`.

**Quadratic model (IRLS).** At :math:`(w, b)`, with :math:`h_i = s_i v(\mu_i)` and the
working response :math:`z_i = b + x_i^\top w - (\mu_i - y_i)/v(\mu_i)`,

.. math::

    L(w', b') \approx \text{const} + \tfrac12\sum_i h_i\,(z_i - b' - x_i^\top w')^2 ,

a weighted least-squares problem: a :class:`~bayesreg.datafits.GaussianDatafit` with
weights :math:`h` and target :math:`z` at :math:`\sigma = 1`, whose weighted centring
profiles the intercept :math:`b'` out of the model exactly as for the Gaussian family.
:mod:`bayesreg.map.prox_newton` minimises these models plus the penalty.

**Profiled Hessian.** The same model's curvature in :math:`w` once :math:`b'` is profiled
out is :math:`H_p = X_h^\top \operatorname{diag}(h)\, X_h`, :math:`X_h = X - \mathbf 1\bar x_h^\top`
centred at the :math:`h`-weighted column means :math:`\bar x_h = X^\top h / \sum_i h_i`,
and the Newton step of the pair :math:`(w, b)` is

.. math::

    (H_p + \Lambda)\,\delta w = -(\nabla_w L + \Lambda w) + \bar x_h\,\partial_b L, \qquad
    \delta b = -\partial_b L / \textstyle\sum_i h_i - \bar x_h^\top \delta w

(the Schur complement of the intercept's row). :meth:`GLMDatafit.profiled_hessian` gives
:math:`H_p` as products :math:`v \mapsto H_p v` (two products with :math:`X`, :math:`O(np)`),
which is what a conjugate-gradient solve of a pure-L2 Newton step needs; the products use
the design centred at its :math:`s`-weighted means (the one the gradient uses), shifted by
:math:`\bar x_h - \bar x_s`, so columns far from zero lose no digits.

**Existence.** With an intercept, :math:`L` is bounded below in :math:`b` only if the
data do not let :math:`b\to\pm\infty` fit every observation perfectly (a single class, all
counts zero); the datafit refuses such data with an error that says so. Any penalty
:math:`\lambda_1 > 0` or :math:`\lambda_2 > 0` then makes the MAP exist, separable data
included.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from bayesreg.datafits._base import Datafit

__all__ = ["GLMDatafit", "ProfiledHessian"]


class GLMDatafit(Datafit):
    """Base class of canonical-link, dispersion-1 datafits (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated float64 design.
    y : ndarray of shape (n_samples,)
        Validated target in the family's coding (:meth:`check_target`).
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative multipliers of each observation's log-likelihood.
    fit_intercept : bool
        Whether the unpenalised intercept :math:`b` is estimated.
    offset : ndarray of shape (n_samples,) or None
        A known term :math:`o_i` of the linear predictor (for the Poisson family,
        ``log(exposure)``).
    """

    has_noise_scale = False

    def __init__(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
        fit_intercept: bool = True, *, offset: Any = None,
    ) -> None:
        super().__init__(X, y, sample_weight, fit_intercept)
        self.offset = _check_offset(offset, X.shape[0])
        self._intercept_memo: tuple[np.ndarray, float] | None = None
        self._check_existence()

    @classmethod
    def from_data(
        cls, X: Any, y: Any, sample_weight: Any = None, fit_intercept: bool = True, *,
        check_input: bool = True, **kwargs: Any,
    ) -> GLMDatafit:
        """The datafit of user input: ``y`` coded by :meth:`check_target`, then ``X``, ``y`` and
        the weights validated (unless ``check_input=False``: validated float64 arrays);
        ``kwargs`` (``offset``, ``exposure``) go to the constructor."""
        if check_input:
            from bayesreg._validation import check_X_y

            X, y, sample_weight = check_X_y(X, cls.check_target(y), sample_weight)
        return cls(X, y, sample_weight, bool(fit_intercept), **kwargs)

    # ------------------------------------------------------------ family maths
    @staticmethod
    @abstractmethod
    def loss(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        r"""Per-observation :math:`\ell(\eta; y)` (the half deviance, :math:`\ge 0`)."""

    @staticmethod
    @abstractmethod
    def residual(eta: np.ndarray, y: np.ndarray) -> np.ndarray:
        r""":math:`\ell'(\eta) = \mu - y`, computed without cancellation."""

    @staticmethod
    @abstractmethod
    def variance(eta: np.ndarray) -> np.ndarray:
        r""":math:`\ell''(\eta) = v(\mu)`."""

    @staticmethod
    @abstractmethod
    def log_normaliser(y: np.ndarray) -> np.ndarray:
        r""":math:`\log p(y\mid\eta) + \ell(\eta; y)`, the part of the log-likelihood free of :math:`\eta`."""

    @staticmethod
    @abstractmethod
    def base_measure(y: np.ndarray) -> np.ndarray:
        r""":math:`k(y)` in :math:`\log p(y\mid\eta) = y\eta - A(\eta) + k(y)`."""

    @staticmethod
    @abstractmethod
    def cumulant_tensor(eta: Any) -> Any:
        r""":math:`A(\eta)` as a PyTensor expression."""

    @classmethod
    @abstractmethod
    def check_target(cls, y: Any) -> np.ndarray:
        """``y`` in the family's coding (a ValueError says what is wrong otherwise)."""

    @abstractmethod
    def _check_existence(self) -> None:
        """Raise a ValueError when the data leave the MAP undefined (module docstring)."""

    # ------------------------------------------------------------------ units
    def dispersion(self, sigma: float | None) -> float:
        """:math:`\\phi = 1`; ``sigma`` must be None (a ValueError says why otherwise)."""
        from bayesreg.families import likelihood_family

        likelihood_family(self.family).penalty_sigma(sigma)
        return 1.0

    # ------------------------------------------------------- linear predictor
    @cached_property
    def weights(self) -> np.ndarray:
        """:math:`s` (ones without sample weights)."""
        return np.ones(self.n_samples) if self.sample_weight is None else self.sample_weight

    def design_product(self, v: np.ndarray) -> np.ndarray:
        r""":math:`Xv`, reading only the columns of non-zero :math:`v_j`."""
        support = np.flatnonzero(v)
        if support.size > v.size // 2:
            return self.X @ v
        return self.X[:, support] @ v[support]

    def linear_predictor(self, w: np.ndarray, b: float = 0.0) -> np.ndarray:
        r""":math:`\eta = b + o + Xw`."""
        eta = self.design_product(w)
        eta += b
        if self.offset is not None:
            eta += self.offset
        return eta

    def total_loss(self, eta: np.ndarray) -> float:
        r""":math:`L = \sum_i s_i\,\ell(\eta_i; y_i)` at a linear predictor."""
        with np.errstate(over="ignore", invalid="ignore"):
            val = float(self.weights @ self.loss(eta, self.y))
        return val if np.isfinite(val) else np.inf

    def eta_gradient(self, eta: np.ndarray) -> np.ndarray:
        r""":math:`X^\top(s\odot(\mu - y))` at a linear predictor.

        With an intercept it is computed as :math:`(X - \bar x)^\top r + \bar x\,\mathbf 1^\top r`,
        :math:`r = s\odot(\mu - y)`, :math:`\bar x` the weighted column means: at the profile
        intercept :math:`\mathbf 1^\top r = 0`, and the centred product does not lose the
        digits that columns far from zero (a mean of 100) cancel in :math:`X^\top r`.
        """
        r = self.weights * self.residual(eta, self.y)
        if not self.fit_intercept:
            return self.X.T @ r
        Xc, x_mean = self._centred
        return Xc.T @ r + x_mean * r.sum()

    @cached_property
    def _centred(self) -> tuple[np.ndarray, np.ndarray]:
        s = self.weights
        x_mean = (s @ self.X) / s.sum()
        return np.subtract(self.X, x_mean, order="K"), x_mean

    def profile_intercept(self, c: np.ndarray, b0: float = 0.0) -> float:
        r""":math:`\arg\min_b \sum_i s_i\,\ell(c_i + b; y_i)` for the rest of the linear predictor
        :math:`c = o + Xw`: the root of the increasing :math:`\phi(b) = \sum_i s_i(\mu_i - y_i)`
        by Newton's method from ``b0``, safeguarded by a bracket of the root: while the
        bracket is open a step is at most :math:`\max(1, |b|)` (so the search at worst
        doubles), and once it is closed a step that leaves it, or that does not halve
        :math:`|\phi|`, is replaced by bisection. It stops when :math:`\phi = 0` or the step
        no longer changes :math:`b` in double precision (quadratic convergence: a few steps).
        """
        s, y = self.weights, self.y
        b = float(b0)
        lo, hi = -np.inf, np.inf
        eps = np.finfo(float).eps
        g_prev = np.inf
        for _ in range(400):
            eta = c + b
            g = float(s @ self.residual(eta, y))
            if g == 0.0 or not np.isfinite(g):
                return b
            if g > 0:
                hi = b
            else:
                lo = b
            h = float(s @ self.variance(eta))
            step = -g / h if h > 0 else -np.sign(g) * np.inf
            ahead = hi if g < 0 else lo  # the bound in the direction of the step
            if np.isfinite(ahead):
                new = b + step
                if not lo < new < hi or abs(g) > 0.5 * g_prev:
                    new = 0.5 * (lo + hi)
            else:
                new = b + np.sign(step) * min(abs(step), max(1.0, abs(b)))
            if abs(new - b) <= 4 * eps * max(1.0, abs(b)):
                return new
            b, g_prev = new, abs(g)
        return b

    # -------------------------------------------------------------- MAP side
    def intercept(self, w: np.ndarray) -> float:
        r""":math:`\hat b(w)` (0 without an intercept); the last answer is remembered."""
        if not self.fit_intercept:
            return 0.0
        memo = self._intercept_memo
        if memo is not None and np.array_equal(memo[0], w):
            return memo[1]
        b0 = self._intercept_start if memo is None else memo[1]
        b = self.profile_intercept(self.linear_predictor(w), b0)
        self._intercept_memo = (np.array(w, dtype=float, copy=True), b)
        return b

    def remember_intercept(self, w: np.ndarray, b: float) -> None:
        """Record that ``b`` is :math:`\\hat b(w)` (a solver that computed it already)."""
        if self.fit_intercept:
            self._intercept_memo = (np.array(w, dtype=float, copy=True), float(b))

    @property
    def _intercept_start(self) -> float:
        """A starting point for :meth:`profile_intercept` (the family's closed form at w = 0)."""
        return 0.0

    def scaled(self, w: np.ndarray) -> np.ndarray:
        """Coefficients in this datafit's coordinates: the design is used as given."""
        return w

    def value(self, w: np.ndarray, b: float | None = None) -> float:
        r""":math:`\sum_i s_i\,\ell(\eta_i; y_i)` (optimal :math:`b` when None)."""
        if b is None:
            b = self.intercept(w)
        return self.total_loss(self.linear_predictor(w, b))

    def gradient(self, w: np.ndarray, b: float | None = None) -> np.ndarray:
        r""":math:`X^\top(s\odot(\mu - y))` at :math:`(w, b)` (at :math:`\hat b(w)` when None,
        the gradient of the profiled data term)."""
        if b is None:
            b = self.intercept(w)
        return self.eta_gradient(self.linear_predictor(w, b))

    @cached_property
    def gradient_at_zero(self) -> np.ndarray:
        r""":math:`\nabla_w L(0, \hat b(0))`: the GLM's counterpart of the Gaussian :math:`-q`
        (the scale of the KKT certificate, :mod:`bayesreg.map.kkt`)."""
        return self.gradient(np.zeros(self.n_features))

    @cached_property
    def column_scale(self) -> np.ndarray:
        r""":math:`d`, the certificate's coordinates (:mod:`bayesreg.map.kkt`): the norms of the
        centred, IRLS-weighted columns :math:`\lVert\sqrt h\odot(x_j - \bar x_h)\rVert` at the
        intercept-only fit, i.e. the square roots of the diagonal of the profiled Hessian there
        (1 for a column without spread).

        Computed from :meth:`profiled_hessian` (one pass over the design); where a squared
        norm could have overflowed or lost its digits to underflow (columns in units of
        :math:`10^{\pm 150}`), from the equilibrated IRLS model, which scales each column first.
        """
        zero = np.zeros(self.n_features)
        b0 = self.intercept(zero)
        hess = self.profiled_hessian(self.linear_predictor(zero, b0))
        if hess is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                sq = hess.diagonal()
            if np.all((sq > 1e-280) & (sq < 1e300)):
                return np.sqrt(sq)
        return self.quadratic(zero, b0, equilibrate=True).column_scale

    def lambda_max(self) -> float:
        r""":math:`\lVert\nabla_w L(0, \hat b(0))\rVert_\infty`, at the intercept-only fit."""
        g = self.gradient_at_zero
        return float(np.abs(g).max()) if g.size else 0.0

    def quadratic(
        self, w: np.ndarray, b: float, eta: np.ndarray | None = None, *, equilibrate: bool = False
    ):
        r"""The IRLS model at :math:`(w, b)` as a :class:`~bayesreg.datafits.GaussianDatafit`
        (weights :math:`s\,v(\mu)`, target :math:`z`, σ = 1; module docstring).

        ``eta`` may pass the linear predictor at :math:`(w, b)` when the caller has it;
        ``equilibrate`` is the Gaussian datafit's (unit-norm columns for the solvers).
        An observation whose variance underflows to 0 gets weight 0.
        """
        from bayesreg.datafits.gaussian import GaussianDatafit

        if eta is None:
            eta = self.linear_predictor(w, b)
        v = self.variance(eta)
        r = self.residual(eta, self.y)
        ok = v > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(ok, r / np.where(ok, v, 1.0), 0.0)
        z = eta - step
        if self.offset is not None:
            z = z - self.offset
        h = self.weights * np.where(ok, v, 0.0)
        return GaussianDatafit(self.X, z, h, self.fit_intercept, equilibrate=equilibrate)

    def profiled_hessian(self, eta: np.ndarray) -> ProfiledHessian | None:
        r"""The Hessian :math:`H_p` of :math:`L` in :math:`w` at the linear predictor ``eta``,
        the intercept profiled out (module docstring, "Profiled Hessian"); None when the
        curvature is not finite or is zero everywhere (then no Newton step is defined by it)."""
        with np.errstate(over="ignore", invalid="ignore"):
            h = self.weights * self.variance(eta)
        if not np.isfinite(h).all():
            return None
        h_sum = float(h.sum())
        if not h_sum > 0:
            return None
        if not self.fit_intercept:
            return ProfiledHessian(self.X, h, None, None)
        Xs, x_mean = self._centred
        shift = (Xs.T @ h) / h_sum
        return ProfiledHessian(Xs, h, shift, x_mean + shift)

    # -------------------------------------------------------- after sampling
    def pymc_data(self) -> dict[str, Any]:
        r"""The design, the target, the weights, the offset and :math:`\sum_i s_i k(y_i)`,
        read through ``pm.Data`` (a re-fit of the same shape swaps them)."""
        offset = np.zeros(self.n_samples) if self.offset is None else self.offset
        const = float(self.weights @ self.base_measure(self.y))
        return {"X": self.X, "y": self.y, "weights": self.weights, "offset": offset,
                "loglik_const": const}

    def pymc_loglik(self, coef: Any, data: dict[str, Any], sigma: Any = None) -> Any:
        r"""Add :math:`\sum_i s_i\,(y_i\eta_i - A(\eta_i)) + \sum_i s_i k(y_i)` as a potential.

        :math:`\eta = b + o + X w` with a flat-prior ``intercept`` :math:`b` when there is
        one; the data are the ``pm.Data`` tensors of :meth:`pymc_data`, so one gradient
        costs two products with :math:`X`, :math:`O(np)`. ``sigma`` must be None.
        """
        import pymc as pm
        import pytensor.tensor as pt

        if sigma is not None:
            raise ValueError(f"the {self.family} likelihood has no noise scale: sigma must be None")
        eta = pt.dot(data["X"], coef) + data["offset"]
        if self.fit_intercept:
            eta = eta + pm.Flat("intercept")
        total = pt.sum(data["weights"] * (data["y"] * eta - self.cumulant_tensor(eta)))
        total = total + data["loglik_const"]
        pm.Potential("y_loglik", total)
        return total

    def pointwise_log_likelihood(
        self, coef: np.ndarray, intercept: np.ndarray, sigma: np.ndarray | None = None, *,
        chunk_bytes: int = 64 * 2**20,
    ) -> np.ndarray:
        r""":math:`s_i\log p(y_i\mid\eta_i)` for every draw, shape (draws, n).

        A weight multiplies its observation's term (0 for :math:`s_i = 0`), which is the
        weighted likelihood the posterior was computed from. ``sigma`` must be None.
        Computed over blocks of observations, so that the temporary ``X @ coef.T``
        block stays under ``chunk_bytes``.
        """
        if sigma is not None:
            raise ValueError(f"the {self.family} likelihood has no noise scale: sigma must be None")
        X, y, s = self.X, self.y, self.weights
        D = coef.shape[0]
        out = np.empty((D, self.n_samples))
        step = max(1, int(chunk_bytes // (8 * max(D, 1))))
        const = self.log_normaliser(y)
        for start in range(0, self.n_samples, step):
            sl = slice(start, min(self.n_samples, start + step))
            eta = coef @ X[sl].T + np.asarray(intercept, dtype=float).reshape(-1, 1)
            if self.offset is not None:
                eta = eta + self.offset[sl]
            with np.errstate(over="ignore"):
                block = s[sl] * (const[sl] - self.loss(eta, y[sl]))
            out[:, sl] = np.where(s[sl] > 0, block, 0.0)
        return out


@dataclass(frozen=True)
class ProfiledHessian:
    r""":math:`H_p = X_h^\top \operatorname{diag}(h)\, X_h` (:mod:`bayesreg.datafits._glm`,
    "Profiled Hessian"), held as the centred design and the curvature weights.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        The design centred at its :math:`s`-weighted means, :math:`X_s` (the design itself
        without an intercept).
    h : ndarray of shape (n_samples,)
        :math:`h_i = s_i v(\mu_i)`.
    shift : ndarray of shape (n_features,) or None
        :math:`\bar x_h - \bar x_s = X_s^\top h / \sum_i h_i`, so that :math:`X_h = X_s - \mathbf 1\,\text{shift}^\top`
        (None without an intercept: nothing is centred).
    x_mean : ndarray of shape (n_features,) or None
        :math:`\bar x_h`, the :math:`h`-weighted column means of :math:`X` (None without an intercept).
    """

    X: np.ndarray
    h: np.ndarray
    shift: np.ndarray | None
    x_mean: np.ndarray | None

    def matvec(self, v: np.ndarray) -> np.ndarray:
        r""":math:`H_p v = X_h^\top\big(h\odot X_h v\big)`: two products with the design."""
        u = self.X @ v
        if self.shift is not None:
            u -= self.shift @ v
        u *= self.h
        out = self.X.T @ u
        if self.shift is not None:
            out -= self.shift * u.sum()  # 0 in exact arithmetic (h ⊥ X_h v)
        return out

    def diagonal(self) -> np.ndarray:
        r""":math:`\operatorname{diag} H_p = \sum_i h_i x_{s,ij}^2 - \sum_i h_i\,\text{shift}_j^2` (a Jacobi preconditioner)."""
        d = np.einsum("ij,ij,i->j", self.X, self.X, self.h, optimize=True)
        if self.shift is not None:
            d -= self.h.sum() * self.shift**2
        return np.maximum(d, 0.0)

    def intercept_step(self, dw: np.ndarray, grad_b: float) -> float:
        r"""The intercept's part of the Newton step, :math:`\delta b = -\partial_b L/\sum_i h_i - \bar x_h^\top\delta w`
        (0 without an intercept)."""
        if self.x_mean is None:
            return 0.0
        return -float(grad_b) / float(self.h.sum()) - float(self.x_mean @ dw)


def _check_offset(offset: Any, n: int) -> np.ndarray | None:
    if offset is None:
        return None
    from bayesreg._validation import _as_float_array

    o = _as_float_array(offset, "offset")
    if o.ndim != 1 or o.shape[0] != n:
        raise ValueError(f"offset must be 1-D of length n_samples={n}, got shape {o.shape}")
    if not np.isfinite(o).all():
        raise ValueError("offset contains NaN or inf")
    return o

