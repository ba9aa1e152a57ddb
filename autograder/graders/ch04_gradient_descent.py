"""Hidden graders of chapter 4 (gradient descent).

Oracles: closed forms where the maths gives one (gradient descent on a 1-D
parabola, the analytic gradient of the ripple quadratic), torch where torch
implements the thing (autograd + ``torch.optim.SGD`` for descent and
mini-batch SGD, ``torch.optim.lr_scheduler`` for the schedules), and
``solutions.ch04_gradient_descent`` otherwise. Everything is float64 and
seeded; every array handed to the student is a copy that is compared with the
original afterwards where the spec promises not to modify it.

Tolerances: the central difference at ``h = 1e-5`` is within about 1e-9 of
the analytic gradient on these problems and a forward difference is off by
at least 4e-6, so that test uses ``atol = 1e-7``. Paths and losses are
compared at ``rtol = 1e-9`` (a correct answer differs only by rounding).
Schedules are compared at ``rel_tol = 1e-12``.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch04_gradient_descent as ref

RTOL = 1e-9
ATOL = 1e-12


# --------------------------------------------------------------------------
# helpers (grader side only)


def _ripple_case(rng, d, *, c_max=1.0, spread=2.0):
    """A non-symmetric A whose symmetric part is positive definite, b, c, x."""
    M = rng.normal(size=(d, d))
    A = M + (3.0 + d) * np.eye(d) + 0.8 * rng.normal(size=(d, d))
    b = rng.normal(size=d)
    c = float(rng.uniform(-c_max, c_max))
    x = rng.uniform(-spread, spread, size=d)
    return A, b, c, x


def _analytic_grad(x, A, b, c):
    return 0.5 * (A + A.T) @ x - b + c * np.cos(x)


def _ripple(x, A, b, c):
    return float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))


def _expect_array(value, shape, what):
    expect(
        isinstance(value, np.ndarray),
        f"{what} must be a numpy array, got {type(value).__name__}",
    )
    expect(value.shape == shape, f"{what} has the wrong shape {value.shape}")
    expect(value.dtype == np.float64, f"{what} must be float64, got {value.dtype}")


def _unpack_pair(result, what):
    expect(
        isinstance(result, tuple) and len(result) == 2,
        f"{what} must return a tuple of two arrays",
    )
    return result


def _rotation(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def _spd(rng, eigenvalues):
    q = _rotation(rng, len(eigenvalues))
    A = q @ np.diag(eigenvalues) @ q.T
    return 0.5 * (A + A.T)  # exactly symmetric


# --------------------------------------------------------------------------
# numerical_gradient

NG_HINT = (
    "Central differences on a float64 copy of x: for each i, "
    "(f(x + h e_i) - f(x - h e_i)) / (2 h), with f(z) = 0.5 z@A@z - b@z + "
    "c sum(sin z) and the h you were given."
)


@grader("numerical_gradient", points=2, hint=NG_HINT)
def test_ng_matches_analytic_gradient(student):
    rng = np.random.default_rng(400)
    for _ in range(12):
        d = int(rng.integers(1, 7))
        A, b, c, x = _ripple_case(rng, d)
        g = student.numerical_gradient(x.copy(), A.copy(), b.copy(), c)
        _expect_array(g, (d,), "the gradient")
        np.testing.assert_allclose(g, _analytic_grad(x, A, b, c), rtol=0, atol=1e-7)


@grader(
    "numerical_gradient",
    points=1,
    hint="Use the step h you are given, on both sides of x, and divide by 2 h.",
)
def test_ng_uses_h(student):
    rng = np.random.default_rng(401)
    for h in (1e-3, 0.1, 0.5):
        A, b, c, x = _ripple_case(rng, 4, c_max=3.0)
        g = student.numerical_gradient(x.copy(), A.copy(), b.copy(), c, h=h)
        _expect_array(g, (4,), "the gradient")
        want = ref.numerical_gradient(x, A, b, c, h=h)
        np.testing.assert_allclose(g, want, rtol=1e-9, atol=1e-9)


@grader(
    "numerical_gradient",
    points=1,
    hint="Convert x to a float64 copy first: x[i] += h on an integer array "
    "truncates the step to 0.",
)
def test_ng_integer_inputs(student):
    x = np.array([1, -2, 3, 0])
    A = np.array([[4, 1, 0, 0], [-1, 3, 2, 0], [0, 0, 5, 1], [1, 0, 0, 2]])
    b = np.array([1, 0, -2, 3])
    g = student.numerical_gradient(x, A, b, 0.5)
    _expect_array(g, (4,), "the gradient for integer inputs")
    expect(np.array_equal(x, [1, -2, 3, 0]), "the integer x was modified")
    want = _analytic_grad(x.astype(float), A.astype(float), b.astype(float), 0.5)
    np.testing.assert_allclose(g, want, rtol=0, atol=1e-7)


@grader(
    "numerical_gradient",
    points=1,
    hint="Perturb a copy of x, never the caller's array (not even if you undo "
    "the change: x + h - h is not always x), and return a new array.",
)
def test_ng_inputs_untouched(student):
    rng = np.random.default_rng(403)
    A, b, c, x = _ripple_case(rng, 5)
    x[:] = rng.uniform(-2, 2, size=5) * np.pi  # values that do not round-trip
    copies = [a.copy() for a in (x, A, b)]
    g = student.numerical_gradient(x, A, b, c)
    for arr, before, name in zip((x, A, b), copies, "xAb", strict=True):
        expect(
            np.array_equal(arr, before),
            f"numerical_gradient modified its argument {name}",
        )
    expect(isinstance(g, np.ndarray), "the gradient must be a numpy array")
    expect(not np.shares_memory(g, x), "the result shares memory with x")


# --------------------------------------------------------------------------
# gradient_descent

GD_HINT = (
    "x_{k+1} = x_k - lr * (0.5 (A + A.T) x_k - b + c cos x_k); record n_steps + "
    "1 rows (the start too) and losses[k] = f(xs[k])."
)


def _parabola_path(student, lr, n_steps, x0=5.0):
    xs, losses = _unpack_pair(
        student.gradient_descent(np.array([x0]), np.array([[2.0]]), [4.0], lr, n_steps),
        "gradient_descent",
    )
    _expect_array(xs, (n_steps + 1, 1), "xs")
    _expect_array(losses, (n_steps + 1,), "losses")
    return xs[:, 0], losses


@grader("gradient_descent", points=2, hint=GD_HINT)
def test_gd_parabola_closed_forms(student):
    # f(x) = (x - 2)**2 - 4, curvature 2: x_k - 2 = 3 * (1 - 2 lr)**k
    k = np.arange(21)
    for lr in (0.01, 0.1, 0.5, 0.9, 1.0, 1.1):
        path, losses = _parabola_path(student, lr, 20)
        want = 2 + 3 * (1 - 2 * lr) ** k
        np.testing.assert_allclose(path, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(losses, want**2 - 4 * want, rtol=1e-12, atol=1e-11)


def _torch_descent(x0, A, b, c, lr, n_steps):
    At = torch.tensor(A)
    bt = torch.tensor(b)
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr)
    xs, losses = [], []
    for k in range(n_steps + 1):
        opt.zero_grad()
        loss = 0.5 * x @ At @ x - bt @ x + c * torch.sin(x).sum()
        xs.append(x.detach().numpy().copy())
        losses.append(loss.item())
        if k < n_steps:
            loss.backward()
            opt.step()
    return np.array(xs), np.array(losses)


@grader("gradient_descent", points=2, hint=GD_HINT)
def test_gd_matches_torch_autograd(student):
    rng = np.random.default_rng(410)
    for d, lr, n_steps in [(3, 0.05, 40), (2, 0.2, 25), (5, 0.02, 30)]:
        A, b, c, x0 = _ripple_case(rng, d, c_max=2.0)
        xs, losses = _unpack_pair(
            student.gradient_descent(x0.copy(), A.copy(), b.copy(), lr, n_steps, c=c),
            "gradient_descent",
        )
        _expect_array(xs, (n_steps + 1, d), "xs")
        _expect_array(losses, (n_steps + 1,), "losses")
        want_xs, want_losses = _torch_descent(x0, A, b, c, lr, n_steps)
        np.testing.assert_allclose(xs, want_xs, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(losses, want_losses, rtol=RTOL, atol=1e-10)


@grader(
    "gradient_descent",
    points=1,
    hint="Keep every step's point: build a new array each step (x = x - ...) "
    "or copy it into the history; n_steps = 0 gives just the start.",
)
def test_gd_history_rows(student):
    rng = np.random.default_rng(411)
    A, b, c, x0 = _ripple_case(rng, 3)
    xs, losses = _unpack_pair(
        student.gradient_descent(x0.copy(), A, b, 0.05, 6, c=c), "gradient_descent"
    )
    _expect_array(xs, (7, 3), "xs")
    expect(
        np.array_equal(xs[0], x0),
        "xs[0] must be the start point x0",
    )
    expect(
        all(not np.array_equal(xs[k], xs[k + 1]) for k in range(6)),
        "consecutive rows of xs are equal: each row must hold its own step",
    )
    expect(
        np.allclose(losses, [_ripple(x, A, b, c) for x in xs], rtol=1e-12),
        "losses[k] must be f(xs[k])",
    )
    xs, losses = _unpack_pair(
        student.gradient_descent(x0.copy(), A, b, 0.05, 0, c=c), "gradient_descent"
    )
    _expect_array(xs, (1, 3), "xs for n_steps = 0")
    _expect_array(losses, (1,), "losses for n_steps = 0")
    expect(np.array_equal(xs[0], x0), "with n_steps = 0, xs[0] must be x0")


@grader(
    "gradient_descent",
    points=1,
    hint="Start from a float64 copy of x0 (x0 may hold integers) and never "
    "update x0, A or b in place.",
)
def test_gd_inputs_untouched(student):
    rng = np.random.default_rng(412)
    A, b, c, x0 = _ripple_case(rng, 4)
    copies = [a.copy() for a in (x0, A, b)]
    student.gradient_descent(x0, A, b, 0.05, 5, c=c)
    for arr, before, name in zip((x0, A, b), copies, ("x0", "A", "b"), strict=True):
        expect(np.array_equal(arr, before), f"gradient_descent modified {name}")
    x_int = np.array([5])
    xs, _ = _unpack_pair(
        student.gradient_descent(x_int, np.array([[2]]), np.array([4]), 0.1, 3),
        "gradient_descent",
    )
    _expect_array(xs, (4, 1), "xs for an integer x0")
    expect(np.array_equal(x_int, [5]), "gradient_descent modified the integer x0")
    np.testing.assert_allclose(xs[:, 0], 2 + 3 * 0.8 ** np.arange(4), rtol=1e-12)


@grader("gradient_descent", points=1, hint=GD_HINT)
def test_gd_ripple_and_divergence(student):
    rng = np.random.default_rng(413)
    for d, lr, n_steps, c_max in [
        (2, 0.1, 30, 4.0),
        (3, 0.45, 12, 1.0),
        (1, 0.9, 20, 6.0),
    ]:
        A, b, c, x0 = _ripple_case(rng, d, c_max=c_max, spread=5.0)
        got = _unpack_pair(
            student.gradient_descent(x0.copy(), A.copy(), b.copy(), lr, n_steps, c=c),
            "gradient_descent",
        )
        want = ref.gradient_descent(x0, A, b, lr, n_steps, c=c)
        for g, w in zip(got, want, strict=True):
            _expect_array(g, w.shape, "a result")
            np.testing.assert_allclose(g, w, rtol=RTOL, atol=1e-10)


# --------------------------------------------------------------------------
# lr_regime

REGIME_HINT = (
    "Use s = lr * (largest eigenvalue of A, from np.linalg.eigvalsh): monotone "
    "if s <= 1, oscillating if 1 < s < 2, periodic if s == 2, divergent if "
    "s > 2 (equal meaning within 1e-9); rho = max |1 - lr * lam_i|."
)


def _check_regime(student, A, lr):
    got = student.lr_regime(A.copy(), lr)
    expect(
        isinstance(got, tuple) and len(got) == 2,
        "lr_regime must return a tuple (regime, rho)",
    )
    regime, rho = got
    expect(isinstance(regime, str), "the regime must be a str")
    expect(isinstance(rho, (float, np.floating)), "rho must be a float")
    want_regime, want_rho = ref.lr_regime(A, lr)
    assert regime == want_regime
    assert math.isclose(float(rho), want_rho, rel_tol=1e-9, abs_tol=1e-12)


@grader("lr_regime", points=1, hint=REGIME_HINT)
def test_regime_parabola(student):
    # the book's learning rates on a curvature of 2, plus the optimum 0.5
    for lr in (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 3.0):
        _check_regime(student, np.array([[2.0]]), lr)


@grader(
    "lr_regime",
    points=2,
    hint="The steepest direction (largest eigenvalue) decides the regime; "
    "rho takes both the flattest and the steepest direction into account.",
)
def test_regime_uses_the_spectrum(student):
    rng = np.random.default_rng(420)
    diag = np.diag([1.0, 10.0])
    rotated = _spd(rng, [1.0, 10.0])
    three = _spd(rng, [0.3, 2.0, 5.0])
    for A in (diag, rotated, three):
        lam_max = float(np.linalg.eigvalsh(A)[-1])
        for s in (0.05, 0.4, 0.8, 1.3, 1.7, 1.95, 2.5, 4.0):
            _check_regime(student, A, s / lam_max)


@grader(
    "lr_regime",
    points=1,
    hint="Compare s with 1 and 2 with the absolute tolerance 1e-9 of the spec: "
    "eigenvalues carry rounding errors, but 1e-6 away is not equal.",
)
def test_regime_boundaries(student):
    # eigenvalues 3.2 and 0.6, and 3.9 and 1.7: lr * lam_max lands within
    # rounding of 2 (or 1) without being exactly 2 (or 1) in floating point
    hand_made = [
        (np.array([[2.4, 1.2], [1.2, 1.4]]), 3.2),
        (np.array([[3.7, 0.6], [0.6, 2.1]]), 3.9),
    ]
    rng = np.random.default_rng(421)
    rotated = [(_spd(rng, eigs), eigs[-1]) for eigs in ([0.5, 3.0, 7.0], [0.2, 6.1])]
    for A, top in hand_made + rotated:
        cases = [
            (2.0 / top, "periodic"),
            (1.0 / top, "monotone"),
            ((2.0 + 1e-6) / top, "divergent"),
            ((2.0 - 1e-6) / top, "oscillating"),
            ((1.0 + 1e-6) / top, "oscillating"),
        ]
        for lr, want in cases:
            got = student.lr_regime(A.copy(), lr)
            expect(isinstance(got, tuple) and len(got) == 2, "return (regime, rho)")
            assert got[0] == want


@grader("lr_regime", points=1, hint=REGIME_HINT)
def test_regime_random_matrices(student):
    rng = np.random.default_rng(422)
    for _ in range(10):
        d = int(rng.integers(1, 6))
        A = _spd(rng, np.sort(rng.uniform(0.1, 10.0, size=d)))
        lr = float(rng.uniform(0.01, 0.35))
        _check_regime(student, A, lr)


@grader(
    "lr_regime",
    points=1,
    hint="Raise ValueError when lr <= 0 or when A has an eigenvalue <= 0; "
    "never modify A.",
)
def test_regime_rejects_bad_input(student):
    good = np.array([[2.0, 0.5], [0.5, 1.0]])
    before = good.copy()
    student.lr_regime(good, 0.3)
    expect(np.array_equal(good, before), "lr_regime modified A")
    bad = [
        (good, 0.0),
        (good, -0.1),
        (np.array([[1.0, 0.0], [0.0, 0.0]]), 0.1),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), 0.1),  # eigenvalues 3 and -1
        (np.array([[-2.0]]), 0.1),
    ]
    for A, lr in bad:
        try:
            student.lr_regime(A.copy(), lr)
        except ValueError:
            continue
        expect(
            False,
            "lr_regime accepted lr <= 0 or a matrix that is not positive "
            "definite instead of raising ValueError",
        )


# --------------------------------------------------------------------------
# minibatch_sgd

SGD_HINT = (
    "One rng.permutation(n) per epoch; batches perm[0:B], perm[B:2B], ... "
    "keeping the short last one; g = (2 / len(batch)) Xb.T (Xb w - yb); losses "
    "= MSE over all samples before training and after each epoch."
)


def _regression(seed, n, d, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w_true = rng.normal(size=d) * 2
    y = X @ w_true + noise * rng.normal(size=n)
    return X, y


def _call_sgd(student, X, y, lr, epochs, batch_size, seed, w0=None):
    rng = np.random.default_rng(seed)
    kwargs = {} if w0 is None else {"w0": w0.copy()}
    w, losses = _unpack_pair(
        student.minibatch_sgd(
            X.copy(), y.copy(), lr, epochs, batch_size, rng, **kwargs
        ),
        "minibatch_sgd",
    )
    _expect_array(w, (X.shape[1],), "w")
    _expect_array(losses, (epochs + 1,), "losses")
    return w, losses


@grader("minibatch_sgd", points=2, hint=SGD_HINT)
def test_sgd_matches_reference(student):
    for seed, n, d, lr, epochs, bs in [
        (430, 23, 3, 0.05, 4, 5),
        (431, 40, 2, 0.1, 3, 7),
        (432, 17, 4, 0.02, 5, 1),
        (433, 30, 3, 0.03, 2, 10),
    ]:
        X, y = _regression(seed, n, d)
        w0 = np.random.default_rng(seed + 50).normal(size=d)
        w, losses = _call_sgd(student, X, y, lr, epochs, bs, seed, w0)
        want_w, want_losses = ref.minibatch_sgd(
            X, y, lr, epochs, bs, np.random.default_rng(seed), w0=w0
        )
        np.testing.assert_allclose(w, want_w, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(losses, want_losses, rtol=RTOL, atol=ATOL)


def _torch_minibatch(X, y, lr, epochs, bs, seed):
    twin = np.random.default_rng(seed)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    losses = [torch.mean((Xt @ w - yt) ** 2).item()]
    for _ in range(epochs):
        perm = torch.from_numpy(twin.permutation(len(y)))
        for batch in torch.split(perm, bs):
            opt.zero_grad()
            loss = torch.mean((Xt[batch] @ w - yt[batch]) ** 2)
            loss.backward()
            opt.step()
        losses.append(torch.mean((Xt @ w - yt) ** 2).item())
    return w.detach().numpy(), np.array(losses)


@grader("minibatch_sgd", points=2, hint=SGD_HINT)
def test_sgd_matches_torch(student):
    for seed, n, d, lr, epochs, bs in [
        (440, 50, 3, 0.05, 6, 8),
        (441, 33, 5, 0.02, 4, 4),
    ]:
        X, y = _regression(seed, n, d)
        w, losses = _call_sgd(student, X, y, lr, epochs, bs, seed)
        want_w, want_losses = _torch_minibatch(X, y, lr, epochs, bs, seed)
        np.testing.assert_allclose(w, want_w, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(losses, want_losses, rtol=RTOL, atol=ATOL)


@grader(
    "minibatch_sgd",
    points=1,
    hint="Call rng.permutation(n) exactly once per epoch and use rng for "
    "nothing else (no rng.choice, no rng.integers).",
)
def test_sgd_rng_usage(student):
    X, y = _regression(450, 26, 2)
    for epochs, bs in [(3, 4), (1, 26), (0, 5)]:
        rng = np.random.default_rng(451)
        student.minibatch_sgd(X.copy(), y.copy(), 0.01, epochs, bs, rng)
        twin = np.random.default_rng(451)
        for _ in range(epochs):
            twin.permutation(len(y))
        expect(
            rng.bit_generator.state == twin.bit_generator.state,
            "rng was not advanced exactly as by one rng.permutation(n) per epoch",
        )


@grader(
    "minibatch_sgd",
    points=1,
    hint="With batch_size >= n each epoch is one full-batch gradient step, "
    "whatever the permutation.",
)
def test_sgd_full_batch_is_gradient_descent(student):
    X, y = _regression(460, 20, 3)
    w = np.zeros(3)
    want = [np.mean((X @ w - y) ** 2)]
    for _ in range(5):
        w = w - 0.1 * (2 / 20) * X.T @ (X @ w - y)
        want.append(np.mean((X @ w - y) ** 2))
    for bs, seed in [(20, 1), (20, 2), (500, 3)]:
        got_w, losses = _call_sgd(student, X, y, 0.1, 5, bs, seed)
        np.testing.assert_allclose(got_w, w, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(losses, want, rtol=1e-10, atol=1e-12)


@grader(
    "minibatch_sgd",
    points=1,
    hint="An array lr holds one rate per epoch: every step of epoch e uses lr[e].",
)
def test_sgd_per_epoch_rates(student):
    X, y = _regression(470, 29, 3)
    rates = np.array([0.08, 0.05, 0.02, 0.01, 0.004])
    for lr in (rates, list(rates)):
        w, losses = _call_sgd(student, X, y, lr, 5, 6, 471)
        want_w, want_losses = ref.minibatch_sgd(
            X, y, rates, 5, 6, np.random.default_rng(471)
        )
        np.testing.assert_allclose(w, want_w, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(losses, want_losses, rtol=RTOL, atol=ATOL)


@grader(
    "minibatch_sgd",
    points=1,
    hint="Work on float64 copies: X may hold integers, and X, y, w0 must not "
    "change (no in-place shuffling, no w -= ... on w0).",
)
def test_sgd_inputs_untouched(student):
    rng = np.random.default_rng(480)
    X = rng.integers(-3, 4, size=(15, 2))
    y = (X @ np.array([1.5, -0.5]) + rng.normal(size=15)).round(2)
    w0 = np.array([0.3, -0.2])
    copies = [a.copy() for a in (X, y, w0)]
    w, losses = _unpack_pair(
        student.minibatch_sgd(X, y, 0.01, 3, 4, np.random.default_rng(481), w0=w0),
        "minibatch_sgd",
    )
    for arr, before, name in zip((X, y, w0), copies, ("X", "y", "w0"), strict=True):
        expect(np.array_equal(arr, before), f"minibatch_sgd modified {name}")
    _expect_array(w, (2,), "w")
    expect(not np.shares_memory(w, w0), "the returned w is the array w0")
    want_w, want_losses = ref.minibatch_sgd(
        X, y, 0.01, 3, 4, np.random.default_rng(481), w0=w0
    )
    np.testing.assert_allclose(w, want_w, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(losses, want_losses, rtol=RTOL, atol=ATOL)


@grader("minibatch_sgd", points=1, hint=SGD_HINT)
def test_sgd_reaches_least_squares(student):
    rng = np.random.default_rng(42)
    X = rng.normal(size=(100, 2))
    y = X @ np.array([3.0, -2.0]) + 0.5 * rng.normal(size=100)
    w, losses = _call_sgd(student, X, y, 0.05, 50, 10, 7)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.linalg.norm(w - w_star) < 0.05
    assert losses[-1] < 0.05 * losses[0]


# --------------------------------------------------------------------------
# lr_schedule


def _torch_rates(make_scheduler, n_epochs, base_lr):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_scheduler(opt)
    rates = []
    for _ in range(n_epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


def _compare_rates(student, kind, base_lr, total, want, **kw):
    for epoch, w in enumerate(want):
        got = student.lr_schedule(kind, epoch, base_lr, total, **kw)
        expect(isinstance(got, (float, np.floating)), "lr_schedule must return a float")
        assert math.isclose(float(got), w, rel_tol=1e-12, abs_tol=1e-15 * base_lr)


@grader(
    "lr_schedule",
    points=1,
    hint="step: base_lr * gamma ** (epoch // step_size), epochs counted from 0.",
)
def test_step_matches_torch(student):
    sched = torch.optim.lr_scheduler.StepLR
    for base, step_size, gamma in [(0.1, 30, 0.1), (0.5, 7, 0.3), (1.0, 1, 0.9)]:
        want = _torch_rates(
            lambda o, s=step_size, g=gamma: sched(o, step_size=s, gamma=g), 64, base
        )
        _compare_rates(
            student, "step", base, 64, want, step_size=step_size, gamma=gamma
        )


@grader(
    "lr_schedule",
    points=1,
    hint="multistep: multiply by gamma once for every milestone m with m <= epoch.",
)
def test_multistep_matches_torch(student):
    sched = torch.optim.lr_scheduler.MultiStepLR
    for base, milestones, gamma in [
        (0.1, [30, 60], 0.1),
        (0.4, [3, 10, 11], 0.5),
        (2.0, [5, 5, 20], 0.3),
    ]:
        want = _torch_rates(
            lambda o, m=milestones, g=gamma: sched(o, milestones=m, gamma=g), 70, base
        )
        _compare_rates(
            student,
            "multistep",
            base,
            70,
            want,
            milestones=tuple(milestones),
            gamma=gamma,
        )


@grader(
    "lr_schedule",
    points=1,
    hint="exponential: base_lr * gamma ** epoch (epoch 0 gives base_lr).",
)
def test_exponential_matches_torch(student):
    sched = torch.optim.lr_scheduler.ExponentialLR
    for base, gamma in [(0.1, 0.95), (1.0, 0.5), (0.03, 0.999)]:
        want = _torch_rates(lambda o, g=gamma: sched(o, gamma=g), 80, base)
        _compare_rates(student, "exponential", base, 80, want, gamma=gamma)


@grader(
    "lr_schedule",
    points=2,
    hint="cosine: min_lr + 0.5 (base_lr - min_lr)(1 + cos(pi epoch / total_epochs)), "
    "half a period over total_epochs.",
)
def test_cosine_matches_torch(student):
    sched = torch.optim.lr_scheduler.CosineAnnealingLR
    for base, total, low in [
        (0.1, 100, 0.0),
        (0.5, 37, 0.01),
        (1.0, 1, 0.2),
        (3e-4, 10, 3e-5),
    ]:
        want = _torch_rates(
            lambda o, t=total, m=low: sched(o, T_max=t, eta_min=m), total + 1, base
        )
        _compare_rates(student, "cosine", base, total, want, min_lr=low)


@grader(
    "lr_schedule",
    points=1,
    hint="After total_epochs the cosine schedule stays at min_lr (unlike torch, "
    "which climbs again).",
)
def test_cosine_stays_at_floor(student):
    for base, total, low in [(0.1, 20, 0.001), (1.0, 5, 0.0)]:
        for epoch in (total, total + 1, total + 7, 3 * total):
            got = student.lr_schedule("cosine", epoch, base, total, min_lr=low)
            assert math.isclose(float(got), low, rel_tol=1e-12, abs_tol=1e-15)


@grader(
    "lr_schedule",
    points=1,
    hint="Raise ValueError for an unknown kind, a negative epoch, or a cosine "
    "schedule with total_epochs < 1; constant returns base_lr as a float.",
)
def test_schedule_edge_cases(student):
    got = student.lr_schedule("constant", 123, 0.25, 10)
    expect(isinstance(got, (float, np.floating)), "lr_schedule must return a float")
    assert float(got) == 0.25
    for args in [
        ("linear", 3, 0.1, 10),
        ("step", -1, 0.1, 10),
        ("cosine", -1, 0.1, 10),
        ("cosine", 0, 0.1, 0),
    ]:
        try:
            student.lr_schedule(*args)
        except ValueError:
            continue
        expect(
            False,
            "lr_schedule did not raise ValueError for an unknown kind, a "
            "negative epoch, or total_epochs < 1 with cosine",
        )
