"""Public self-checks of chapter 4 (gradient descent)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check

# f(x) = x**2 - 4x, i.e. (x - 2)**2 - 4, as a ripple quadratic: A = [[2]], b = [4]
A_1D = np.array([[2.0]])
B_1D = np.array([4.0])


@public_check("numerical_gradient", points=1)
def derivative_of_a_parabola(student):
    """numerical_gradient: f(x) = x**2 - 4x at x = 5 has slope 6 (int input too)"""
    g = student.numerical_gradient(np.array([5.0]), A_1D, B_1D)
    expect(
        isinstance(g, np.ndarray) and g.shape == (1,),
        f"expected an array of shape (1,), got {type(g).__name__} "
        f"{getattr(g, 'shape', '')}",
    )
    expect(abs(g[0] - 6.0) < 1e-6, f"got {g[0]!r}; expected 6 (f'(x) = 2x - 4)")
    x = np.array([5])  # an integer array
    g = student.numerical_gradient(x, A_1D, B_1D)
    expect(
        g.dtype == np.float64 and abs(g[0] - 6.0) < 1e-6,
        f"with the integer input np.array([5]) got {g!r}; expected [6.0] as "
        "float64 (work on a float copy of x)",
    )
    expect(x[0] == 5, "x was modified")
    g = student.numerical_gradient(np.array([0.0]), np.array([[0.0]]), [0.0], c=2.0)
    expect(
        abs(g[0] - 2.0) < 1e-6,
        f"for f(x) = 2 sin(x) at x = 0 got {g!r}; expected [2.0] (2 cos 0)",
    )


@public_check("gradient_descent", points=1)
def descent_on_a_parabola(student):
    """gradient_descent: on (x - 2)**2 - 4 from 5 with lr 0.1, x_k = 2 + 3 * 0.8**k"""
    xs, losses = student.gradient_descent(np.array([5.0]), A_1D, B_1D, 0.1, 5)
    expect(
        np.shape(xs) == (6, 1) and np.shape(losses) == (6,),
        f"expected shapes (6, 1) and (6,), got {np.shape(xs)} and "
        f"{np.shape(losses)} (n_steps + 1 rows: the start point too)",
    )
    want = 2 + 3 * 0.8 ** np.arange(6)
    expect(
        np.allclose(xs[:, 0], want, rtol=1e-12, atol=1e-12),
        f"got x = {np.round(xs[:, 0], 6)}; expected {np.round(want, 6)}",
    )
    want_loss = want**2 - 4 * want
    expect(
        np.allclose(losses, want_loss, rtol=1e-12, atol=1e-12),
        f"got losses {np.round(losses, 6)}; expected {np.round(want_loss, 6)} "
        "(losses[k] = f(xs[k]))",
    )


@public_check("lr_regime", points=1)
def regimes_of_a_parabola(student):
    """lr_regime: curvature 2 with lr 0.1, 0.5, 0.9, 1.0, 1.1"""
    want = [
        ("monotone", 0.8),
        ("monotone", 0.0),
        ("oscillating", 0.8),
        ("periodic", 1.0),
        ("divergent", 1.2),
    ]
    got = [student.lr_regime(A_1D, lr) for lr in (0.1, 0.5, 0.9, 1.0, 1.1)]
    ok = all(
        g[0] == w[0] and math.isclose(float(g[1]), w[1], rel_tol=1e-9, abs_tol=1e-12)
        for g, w in zip(got, want, strict=True)
    )
    expect(ok, f"got {got}; expected {want}")


@public_check("minibatch_sgd", points=1)
def one_full_batch_epoch(student):
    """minibatch_sgd: one full-batch epoch on y = 2x, by hand"""
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([2.0, 4.0, 6.0])
    rng = np.random.default_rng(0)
    w, losses = student.minibatch_sgd(X, y, 0.05, 1, 3, rng)
    # gradient at w = 0: (2 / 3) * X.T @ (0 - y) = -56 / 3; w = 0.05 * 56 / 3
    w1 = 0.05 * 56 / 3
    expect(
        np.shape(w) == (1,) and math.isclose(float(w[0]), w1, rel_tol=1e-12),
        f"got w = {w}; expected [{w1:.12f}]",
    )
    want = [56 / 3, np.mean((X[:, 0] * w1 - y) ** 2)]
    expect(
        np.shape(losses) == (2,) and np.allclose(losses, want, rtol=1e-12),
        f"got losses {losses}; expected {want} (the MSE before training and "
        "after the epoch)",
    )
    twin = np.random.default_rng(0)
    twin.permutation(3)
    expect(
        rng.bit_generator.state == twin.bit_generator.state,
        "rng was not advanced exactly as by one rng.permutation(n) per epoch",
    )


@public_check("lr_schedule", points=1)
def schedule_landmarks(student):
    """lr_schedule: a few values of each kind with base_lr 1.0"""
    cases = [
        (("constant", 7, 1.0, 10), 1.0),
        (("step", 29, 1.0, 100), 1.0),
        (("step", 30, 1.0, 100), 0.1),
        (("multistep", 60, 1.0, 100), 0.01),
        (("exponential", 2, 1.0, 10, 30, (30, 60), 0.5), 0.25),
        (("cosine", 5, 1.0, 10), 0.5),
        (("cosine", 10, 1.0, 10), 0.0),
    ]
    for args, want in cases:
        got = student.lr_schedule(*args)
        expect(
            math.isclose(float(got), want, rel_tol=1e-12, abs_tol=1e-15),
            f"lr_schedule{args} returned {got!r}; expected {want}",
        )
