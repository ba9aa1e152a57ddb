"""Public self-checks of chapter 7 (optimizers)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check


@public_check("sgd", points=1)
def sgd_two_steps_by_hand(student):
    """SGD: two hand-computed steps, plain and with momentum 0.9"""
    p = np.array([1.0, -2.0])
    opt = student.SGD([p], lr=0.1)
    opt.step([np.array([0.5, -1.0])])
    expect(
        np.allclose(p, [0.95, -1.9], rtol=1e-12),
        f"plain SGD from [1, -2] with g = [0.5, -1], lr = 0.1 gave {p}; "
        "expected [0.95, -1.9] in the same array (update it in place)",
    )
    q = np.array([0.0])
    opt = student.SGD([q], lr=0.1, momentum=0.9)
    opt.step([np.array([1.0])])  # buf = 1.0, q = -0.1
    opt.step([np.array([1.0])])  # buf = 0.9 * 1 + 1 = 1.9, q = -0.1 - 0.19
    expect(
        np.allclose(q, [-0.29], rtol=1e-12),
        f"two momentum steps with g = 1 gave {q}; expected [-0.29] "
        "(buf = g on the first step, then buf = 0.9 * buf + g)",
    )


@public_check("rmsprop", points=1)
def rmsprop_first_step(student):
    """RMSprop: the first step from v = 0 is lr * g / (sqrt(0.01 * g**2) + eps)"""
    p = np.array([0.0, 0.0, 0.0])
    g = np.array([2.0, -0.5, 0.0])
    opt = student.RMSprop([p], lr=0.01)
    opt.step([g.copy()])
    want = -0.01 * g / (np.sqrt(0.01 * g * g) + 1e-8)
    expect(
        np.allclose(p, want, rtol=1e-9, atol=0),
        f"got {p}; expected {want} (about -0.1 * sign(g), 0 where g = 0)",
    )


@public_check("adam", points=1)
def adam_first_step_is_lr(student):
    """Adam: thanks to bias correction, the first step moves every coordinate by ~lr"""
    g = np.array([100.0, 1.0, -0.01, 0.0])
    p = np.zeros(4)
    opt = student.Adam([p], lr=0.1)
    opt.step([g.copy()])
    want = -0.1 * g / (np.abs(g) + 1e-8)
    expect(
        np.allclose(p, want, rtol=1e-6, atol=1e-12),
        f"got {p}; expected {want}. A first step near 3.16 * lr means that "
        "the bias correction is missing",
    )


@public_check("clip_grad_norm", points=1)
def clip_three_four_five(student):
    """clip_grad_norm: grads [3] and [4] have global norm 5; clip to 1"""
    a, b = np.array([3.0]), np.array([4.0])
    total = student.clip_grad_norm([a, b], 1.0)
    expect(
        math.isclose(float(total), 5.0, rel_tol=1e-12),
        f"returned {total}; expected 5.0, the norm before clipping",
    )
    expect(
        np.allclose([a[0], b[0]], [0.6, 0.8], rtol=1e-5),
        f"the two arrays now hold {a} and {b}; expected about [0.6] and [0.8] "
        "(scale the given arrays in place)",
    )


@public_check("warmup_cosine_lr", points=1)
def schedule_landmarks(student):
    """warmup_cosine_lr: base 1.0, warm-up 4, total 12"""
    got = [student.warmup_cosine_lr(s, 1.0, 4, 12) for s in (0, 3, 4, 8, 12)]
    want = [0.25, 1.0, 1.0, 0.5, 0.0]
    expect(
        all(
            math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
            for a, b in zip(got, want, strict=True)
        ),
        f"steps 0, 3, 4, 8, 12 gave {got}; expected {want}",
    )
