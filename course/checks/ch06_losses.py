"""Public self-checks of chapter 6 (loss functions)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check


def _close(a, b, rel=1e-9, abs_=1e-12):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)


@public_check("regression_losses", points=1)
def regression_losses_by_hand(student):
    """mse, mae, huber, log_cosh on errors d = [0.5, -2, 0, 3]"""
    y_true = np.array([1.0, 2.0, 3.0, -1.0])
    y_pred = np.array([1.5, 0.0, 3.0, 2.0])  # d = [0.5, -2, 0, 3]
    got = {
        "mse": student.mse(y_true.copy(), y_pred.copy()),
        "mae": student.mae(y_true.copy(), y_pred.copy()),
        "huber": student.huber(y_true.copy(), y_pred.copy(), delta=1.0),
    }
    want = {"mse": 13.25 / 4, "mae": 5.5 / 4, "huber": 4.125 / 4}
    for name, value in got.items():
        expect(
            _close(value, want[name]),
            f"{name} gave {value}; expected {want[name]} (the mean over the four "
            "elements; huber pieces 0.125, 1.5, 0, 2.5)",
        )
    big = student.log_cosh(np.array([0.0]), np.array([1000.0]))
    want_big = 1000.0 - math.log(2.0)
    expect(
        math.isfinite(float(big)) and _close(big, want_big),
        f"log_cosh(0, 1000) gave {big}; expected {want_big:.9f}. cosh(1000) "
        "overflows: use |d| + log1p(exp(-2|d|)) - log(2)",
    )


@public_check("regression_grad", points=1)
def regression_grads_by_hand(student):
    """regression_loss_grad for each kind on d = [0.5, -2, 0, 3]"""
    y_true = np.array([1.0, 2.0, 3.0, -1.0])
    y_pred = np.array([1.5, 0.0, 3.0, 2.0])
    want = {
        "mse": np.array([1.0, -4.0, 0.0, 6.0]) / 4,
        "mae": np.array([1.0, -1.0, 0.0, 1.0]) / 4,
        "huber": np.array([0.5, -1.0, 0.0, 1.0]) / 4,
        "log_cosh": np.tanh([0.5, -2.0, 0.0, 3.0]) / 4,
    }
    for kind, w in want.items():
        g = student.regression_loss_grad(kind, y_true.copy(), y_pred.copy(), 1.0)
        g = np.asarray(g)
        expect(
            g.shape == w.shape, f"{kind}: gradient has shape {g.shape}; expected (4,)"
        )
        expect(
            np.allclose(g, w, rtol=1e-9, atol=1e-12),
            f"{kind}: gradient {g}; expected {w} (derivative of the mean loss "
            "with respect to y_pred)",
        )


@public_check("bce", points=1)
def bce_extreme_logits(student):
    """bce_with_logits on logits [1000, -1000, 0, 3], targets [0, 1, 1, 0]"""
    x = np.array([1000.0, -1000.0, 0.0, 3.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    got = student.bce_with_logits(x.copy(), y.copy())
    want = (2000.0 + math.log(2.0) + 3.0 + math.log1p(math.exp(-3.0))) / 4
    expect(
        _close(got, want),
        f"got {got}; expected {want:.6f}. A value near 9 means the "
        "probabilities were clipped; inf or nan means exp overflowed",
    )
    g = np.asarray(student.bce_with_logits_grad(x.copy(), y.copy()))
    want_g = (np.array([1.0, 0.0, 0.5, 1.0 / (1.0 + math.exp(-3.0))]) - y) / 4
    expect(
        g.shape == (4,) and np.allclose(g, want_g, rtol=1e-9, atol=1e-15),
        f"bce_with_logits_grad gave {g}; expected {want_g} = (sigmoid(x) - y) / N",
    )


@public_check("cross_entropy", points=1)
def cross_entropy_reference_values(student):
    """cross_entropy: plain, with label smoothing 0.1, and with ignore_index=2"""
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1e4, 0.0, 0.0]])
    targets = np.array([0, 1, 2])
    cases = [
        ({}, 3333.5456931797667),
        ({"label_smoothing": 0.1}, 3222.513470957544),
        ({"label_smoothing": 0.1, "ignore_index": 2}, 0.43687310298251913),
    ]
    for kw, want in cases:
        got = student.cross_entropy(logits.copy(), targets.copy(), **kw)
        expect(
            _close(got, want),
            f"cross_entropy(..., {kw}) gave {got}; expected {want} "
            "(torch.nn.functional.cross_entropy)",
        )


@public_check("focal_loss", points=1)
def focal_loss_small_case(student):
    """focal_loss: gamma 2 with and without alpha = 0.25, and gamma 0 equals BCE"""
    x = np.array([2.0, -1.0, 0.5, -3.0])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    p = 1.0 / (1.0 + np.exp(-x))
    pt = np.where(y == 1, p, 1 - p)
    base = -((1 - pt) ** 2) * np.log(pt)
    want = float(np.mean(base))
    want_a = float(np.mean(base * np.where(y == 1, 0.25, 0.75)))
    want_bce = float(np.mean(-np.log(pt)))
    got = student.focal_loss(x.copy(), y.copy(), gamma=2.0)
    expect(_close(got, want), f"gamma=2, alpha=None gave {got}; expected {want}")
    got = student.focal_loss(x.copy(), y.copy(), gamma=2.0, alpha=0.25)
    expect(
        _close(got, want_a),
        f"gamma=2, alpha=0.25 gave {got}; expected {want_a} (alpha for y = 1, "
        "1 - alpha for y = 0)",
    )
    got = student.focal_loss(x.copy(), y.copy(), gamma=0.0)
    expect(_close(got, want_bce), f"gamma=0 gave {got}; expected BCE {want_bce}")


@public_check("pinball_loss", points=1)
def pinball_by_hand(student):
    """pinball_loss: q = 0.9 punishes under-prediction 9 times more"""
    y_true = np.array([10.0, 10.0])
    y_pred = np.array([8.0, 12.0])  # e = y_true - y_pred = [2, -2]
    got = student.pinball_loss(y_true.copy(), y_pred.copy(), 0.9)
    expect(
        _close(got, (0.9 * 2 + 0.1 * 2) / 2),
        f"q = 0.9 gave {got}; expected 1.0 = (0.9 * 2 + 0.1 * 2) / 2",
    )
    got = student.pinball_loss(y_true.copy(), np.array([8.0, 8.0]), 0.9)
    expect(
        _close(got, 1.8),
        f"q = 0.9 with both predictions 2 too low gave {got}; expected 1.8",
    )
