"""Hidden graders of chapter 7 (optimizers).

torch is the oracle: each optimizer test runs the student's optimizer and the
matching ``torch.optim`` class side by side on the same problem, changes the
learning rate mid-run (the student's ``.lr`` attribute and torch's
``param_group["lr"]``), and compares the parameters after every step.
Gradients come from the grader: a noisy, ill-conditioned quadratic evaluated
at each optimizer's own current parameters.

Tolerances: parameters rtol 1e-9, atol 1e-12 (float64; the only differences a
correct answer may show are rounding differences of order 1e-16 per step).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch07_optimizers as ref

RTOL = 1e-9
ATOL = 1e-12
SHAPES = [(3,), (2, 4), (5,)]


# --------------------------------------------------------------------------
# helpers (grader side only)


def _init_params(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) for s in shapes]


class _Quadratic:
    """f(p) = sum(0.5 * c * (p - target)**2) + a seeded noise term per step."""

    def __init__(self, shapes, seed, noise=0.1, scale=1.0):
        rng = np.random.default_rng(seed)
        self.curv = [rng.uniform(0.5, 20.0, size=s) for s in shapes]
        self.target = [rng.normal(size=s) for s in shapes]
        self.noise = noise
        self.scale = scale
        self.seed = seed

    def grads(self, step, params):
        # note: the noise depends only on (seed, step), so both optimizers see
        # the same noise while each gets the gradient at its own parameters.
        rng = np.random.default_rng([self.seed, step])
        out = []
        for c, t, p in zip(self.curv, self.target, params, strict=True):
            g = c * (p - t) + self.noise * rng.normal(size=p.shape)
            out.append(self.scale * g)
        return out


def _tiny_grads(shapes, seed):
    """Gradients of order 1e-10 with random signs, independent of the params."""

    def grads(step, params):
        rng = np.random.default_rng([seed, step])
        return [1e-10 * rng.normal(size=s) for s in shapes]

    return grads


def _run_side_by_side(
    make_student, make_torch, grad_fn, *, seed, n_steps, lr_changes, shapes=SHAPES
):
    """Run both optimizers for ``n_steps``; compare parameters after each."""
    params = _init_params(shapes, seed)
    originals = list(params)
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    opt = make_student(params)
    topt = make_torch(tparams)
    for step in range(n_steps):
        if step in lr_changes:
            opt.lr = lr_changes[step]
            for group in topt.param_groups:
                group["lr"] = lr_changes[step]
        grads = grad_fn(step, [p.copy() for p in originals])
        tgrads = grad_fn(step, [tp.detach().numpy().copy() for tp in tparams])
        opt.step([g.copy() for g in grads])
        for tp, g in zip(tparams, tgrads, strict=True):
            tp.grad = torch.from_numpy(g)
        topt.step()
        for p, tp in zip(originals, tparams, strict=True):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=RTOL, atol=ATOL)


def _check_in_place(make_student, shapes, seed, n_steps=4):
    """The caller's arrays are updated in place; grads are left untouched."""
    params = _init_params(shapes, seed)
    originals = list(params)
    before = [p.copy() for p in params]
    opt = make_student(params)
    problem = _Quadratic(shapes, seed + 1)
    for step in range(n_steps):
        grads = problem.grads(step, [p.copy() for p in originals])
        grads_copy = [g.copy() for g in grads]
        opt.step(grads)
        for g, g0 in zip(grads, grads_copy, strict=True):
            expect(
                np.array_equal(g, g0, equal_nan=True),
                "step() modified the gradient arrays it was given; "
                "compute with new arrays instead",
            )
    expect(
        all(a is b for a, b in zip(params, originals, strict=True)),
        "the list of parameters now holds different array objects; update "
        "each array in place (p -= ...) instead of assigning a new array",
    )
    expect(
        all(p.dtype == np.float64 for p in originals),
        "a parameter array changed dtype",
    )
    expect(
        all(not np.array_equal(p, b) for p, b in zip(originals, before, strict=True)),
        "the caller's parameter arrays did not change; step() must modify "
        "the arrays it was given, in place",
    )


def _torch_sgd(**kw):
    return lambda tps: torch.optim.SGD(tps, **kw)


# --------------------------------------------------------------------------
# SGD

SGD_HINT_LR = (
    "Follow torch's buffer form: buf = g on the first step, then "
    "buf = mu * buf + g, and multiply by the *current* lr only when moving p. "
    "Weight decay is added to g before the momentum buffer."
)


@grader("sgd", points=1, hint="Plain SGD: p -= lr * (g + weight_decay * p).")
def test_sgd_plain_matches_torch(student):
    for wd, seed in [(0.0, 1), (0.1, 2)]:
        problem = _Quadratic(SHAPES, seed + 100)
        _run_side_by_side(
            lambda ps, wd=wd: student.SGD(ps, lr=0.02, weight_decay=wd),
            _torch_sgd(lr=0.02, weight_decay=wd),
            problem.grads,
            seed=seed,
            n_steps=30,
            lr_changes={10: 0.005},
        )


@grader("sgd", points=2, hint=SGD_HINT_LR)
def test_sgd_momentum_with_lr_change(student):
    for mu, seed in [(0.9, 3), (0.5, 4)]:
        problem = _Quadratic(SHAPES, seed + 100)
        _run_side_by_side(
            lambda ps, mu=mu: student.SGD(ps, lr=0.05, momentum=mu),
            _torch_sgd(lr=0.05, momentum=mu),
            problem.grads,
            seed=seed,
            n_steps=30,
            lr_changes={10: 0.005, 20: 0.02},
        )


@grader("sgd", points=1, hint=SGD_HINT_LR)
def test_sgd_momentum_with_weight_decay(student):
    problem = _Quadratic(SHAPES, 105)
    _run_side_by_side(
        lambda ps: student.SGD(ps, lr=0.03, momentum=0.8, weight_decay=0.05),
        _torch_sgd(lr=0.03, momentum=0.8, weight_decay=0.05),
        problem.grads,
        seed=5,
        n_steps=30,
        lr_changes={12: 0.01},
    )


@grader(
    "sgd",
    points=2,
    hint="Nesterov: after updating buf, move along g + mu * buf (g including "
    "weight decay), not along buf.",
)
def test_sgd_nesterov_matches_torch(student):
    for wd, seed in [(0.0, 6), (0.02, 7)]:
        problem = _Quadratic(SHAPES, seed + 100)
        _run_side_by_side(
            lambda ps, wd=wd: student.SGD(
                ps, lr=0.04, momentum=0.9, nesterov=True, weight_decay=wd
            ),
            _torch_sgd(lr=0.04, momentum=0.9, nesterov=True, weight_decay=wd),
            problem.grads,
            seed=seed,
            n_steps=30,
            lr_changes={10: 0.004},
        )


@grader(
    "sgd",
    points=1,
    hint="Update the arrays you were given in place (p -= ...); do not "
    "modify the gradients.",
)
def test_sgd_in_place(student):
    for kw in [{}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}]:
        _check_in_place(
            lambda ps, kw=kw: student.SGD(ps, lr=0.01, weight_decay=0.01, **kw),
            SHAPES,
            8,
        )


@grader("sgd", points=1, hint="nesterov=True with momentum 0 must raise ValueError.")
def test_sgd_nesterov_needs_momentum(student):
    try:
        student.SGD([np.zeros(3)], lr=0.1, momentum=0.0, nesterov=True)
    except ValueError:
        pass
    else:
        expect(False, "SGD(..., momentum=0.0, nesterov=True) did not raise ValueError")
    # a valid configuration must still construct
    student.SGD([np.zeros(3)], lr=0.1, momentum=0.9, nesterov=True)


# --------------------------------------------------------------------------
# RMSprop

RMS_HINT = (
    "v = alpha * v + (1 - alpha) * g**2 starting from zeros; "
    "p -= lr * g / (sqrt(v) + eps), eps outside the root, no bias correction."
)


@grader("rmsprop", points=2, hint=RMS_HINT)
def test_rmsprop_matches_torch(student):
    problem = _Quadratic(SHAPES, 120)
    _run_side_by_side(
        lambda ps: student.RMSprop(ps, lr=0.01),
        lambda tps: torch.optim.RMSprop(tps, lr=0.01),
        problem.grads,
        seed=20,
        n_steps=50,
        lr_changes={20: 0.002, 35: 0.005},
    )


@grader("rmsprop", points=1, hint=RMS_HINT)
def test_rmsprop_other_hyperparameters(student):
    problem = _Quadratic(SHAPES, 121, scale=30.0)
    _run_side_by_side(
        lambda ps: student.RMSprop(ps, lr=0.003, alpha=0.9, eps=1e-6),
        lambda tps: torch.optim.RMSprop(tps, lr=0.003, alpha=0.9, eps=1e-6),
        problem.grads,
        seed=21,
        n_steps=50,
        lr_changes={25: 0.03},
    )


@grader(
    "rmsprop",
    points=1,
    hint="With gradients near 1e-10 the placement of eps decides the step: "
    "add eps to sqrt(v), outside the square root.",
)
def test_rmsprop_tiny_gradients(student):
    _run_side_by_side(
        lambda ps: student.RMSprop(ps, lr=0.01),
        lambda tps: torch.optim.RMSprop(tps, lr=0.01),
        _tiny_grads(SHAPES, 122),
        seed=22,
        n_steps=30,
        lr_changes={15: 0.1},
    )


@grader(
    "rmsprop",
    points=1,
    hint="Update the arrays you were given in place; do not modify the gradients.",
)
def test_rmsprop_in_place(student):
    _check_in_place(lambda ps: student.RMSprop(ps, lr=0.01), SHAPES, 23)


# --------------------------------------------------------------------------
# Adam / AdamW

ADAM_HINT = (
    "Increment t once per step (first step t = 1); m and v are exponential "
    "averages of g and g**2; divide them by 1 - beta1**t and 1 - beta2**t; "
    "eps goes outside the square root."
)


def _torch_adam(**kw):
    return lambda tps: torch.optim.Adam(tps, **kw)


@grader("adam", points=2, hint=ADAM_HINT)
def test_adam_matches_torch(student):
    problem = _Quadratic(SHAPES, 140)
    _run_side_by_side(
        lambda ps: student.Adam(ps, lr=0.02),
        _torch_adam(lr=0.02),
        problem.grads,
        seed=40,
        n_steps=100,
        lr_changes={30: 0.005, 60: 0.01},
    )


@grader("adam", points=1, hint=ADAM_HINT)
def test_adam_other_hyperparameters(student):
    shapes = [(4,), (3, 2)]
    problem = _Quadratic(shapes, 141, scale=0.01)
    _run_side_by_side(
        lambda ps: student.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6),
        _torch_adam(lr=0.05, betas=(0.8, 0.99), eps=1e-6),
        problem.grads,
        seed=41,
        n_steps=60,
        lr_changes={40: 0.005},
        shapes=shapes,
    )


@grader(
    "adam",
    points=1,
    hint="On the first step m_hat = g and v_hat = g**2, so every coordinate "
    "moves by about lr whatever the gradient's scale (bias correction!); "
    "a zero gradient gives no move.",
)
def test_adam_first_step(student):
    g = np.array([1e3, 1.0, 1e-3, -5e2, -2e-3, 0.0])
    for lr in (0.01, 0.3):
        p = np.linspace(-1.0, 1.0, g.size)
        p0 = p.copy()
        opt = student.Adam([p], lr=lr)
        opt.step([g.copy()])
        moved = p - p0
        expect(moved[-1] == 0.0, "a zero gradient moved the parameter")
        expected = -lr * g / (np.abs(g) + 1e-8)
        np.testing.assert_allclose(moved, expected, rtol=1e-9, atol=1e-15)


@grader(
    "adam",
    points=1,
    hint="With gradients near 1e-10, eps decides the step size: add eps to "
    "sqrt(v_hat), outside the square root.",
)
def test_adam_tiny_gradients(student):
    _run_side_by_side(
        lambda ps: student.Adam(ps, lr=0.01),
        _torch_adam(lr=0.01),
        _tiny_grads(SHAPES, 142),
        seed=42,
        n_steps=30,
        lr_changes={15: 0.05},
    )


@grader(
    "adam",
    points=1,
    hint="Coupled (decoupled=False): add weight_decay * p to the gradient "
    "before the moments, as torch.optim.Adam does.",
)
def test_adam_coupled_weight_decay(student):
    problem = _Quadratic(SHAPES, 143)
    _run_side_by_side(
        lambda ps: student.Adam(ps, lr=0.02, weight_decay=0.1),
        _torch_adam(lr=0.02, weight_decay=0.1),
        problem.grads,
        seed=43,
        n_steps=60,
        lr_changes={30: 0.004},
    )


@grader(
    "adam",
    points=2,
    hint="AdamW (decoupled=True): first p *= 1 - lr * weight_decay with the "
    "current lr, then the Adam update with the raw gradient.",
)
def test_adamw_matches_torch(student):
    problem = _Quadratic(SHAPES, 144)
    _run_side_by_side(
        lambda ps: student.Adam(ps, lr=0.02, weight_decay=0.1, decoupled=True),
        lambda tps: torch.optim.AdamW(tps, lr=0.02, weight_decay=0.1),
        problem.grads,
        seed=44,
        n_steps=60,
        lr_changes={30: 0.004},
    )


@grader(
    "adam",
    points=1,
    hint="Update the arrays you were given in place; do not modify the gradients.",
)
def test_adam_in_place(student):
    for kw in [{}, {"weight_decay": 0.1, "decoupled": True}]:
        _check_in_place(lambda ps, kw=kw: student.Adam(ps, lr=0.01, **kw), SHAPES, 45)


# --------------------------------------------------------------------------
# gradient clipping


def _grad_sets():
    rng = np.random.default_rng(160)
    sets = []
    for scale, max_norm in [(3.0, 1.0), (0.01, 1.0), (1.0, 2.5), (50.0, 0.1)]:
        sets.append(([scale * rng.normal(size=s) for s in SHAPES], max_norm))
    return sets


def _torch_clip(grads, max_norm):
    tps = []
    for g in grads:
        tp = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        tp.grad = torch.tensor(g.copy())
        tps.append(tp)
    total = torch.nn.utils.clip_grad_norm_(tps, max_norm)
    return float(total), [tp.grad.numpy() for tp in tps]


@grader(
    "clip_grad_norm",
    points=2,
    hint="One norm over all arrays together: sqrt(sum of all squares). Scale "
    "every array by max_norm / (total + eps) only when that factor is < 1.",
)
def test_clip_matches_torch(student):
    for grads, max_norm in _grad_sets():
        want_total, want = _torch_clip(grads, max_norm)
        # note: compare the array objects we passed, not the list's slots, so
        # that the result is the same in-process and in the sandboxed worker
        mine = [g.copy() for g in grads]
        total = student.clip_grad_norm(list(mine), max_norm)
        expect(
            isinstance(total, (float, np.floating)),
            "clip_grad_norm must return the norm as a float",
        )
        assert math.isclose(float(total), want_total, rel_tol=1e-12)
        for g, w in zip(mine, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=0)


@grader(
    "clip_grad_norm",
    points=1,
    hint="Scale the given arrays in place (g *= coef) and return the norm "
    "measured before clipping.",
)
def test_clip_in_place_and_pre_clip_norm(student):
    rng = np.random.default_rng(161)
    grads = [10.0 * rng.normal(size=s) for s in SHAPES]
    originals = list(grads)
    before = [g.copy() for g in grads]
    total = student.clip_grad_norm(grads, 1.0)
    expect(
        all(a is b for a, b in zip(grads, originals, strict=True)),
        "the list now holds new arrays; scale the given arrays in place",
    )
    expect(
        not any(np.array_equal(g, b) for g, b in zip(grads, before, strict=True)),
        "the gradient arrays were not scaled in place",
    )
    after = math.sqrt(sum(float(np.sum(g * g)) for g in originals))
    expect(after <= 1.0 + 1e-9, "after clipping the global norm is above max_norm")
    pre = math.sqrt(sum(float(np.sum(b * b)) for b in before))
    expect(
        math.isclose(float(total), pre, rel_tol=1e-12),
        "the returned value is not the global norm measured before clipping",
    )


@grader(
    "clip_grad_norm",
    points=1,
    hint="Scale only when max_norm / (total + eps) < 1; otherwise (small or "
    "all-zero gradients) leave the arrays exactly as they are; never scale up.",
)
def test_clip_small_and_zero_grads(student):
    rng = np.random.default_rng(162)
    small = [0.05 * rng.normal(size=s) for s in SHAPES]
    before = [g.copy() for g in small]
    total = student.clip_grad_norm(list(small), 5.0)
    expect(
        all(np.array_equal(g, b) for g, b in zip(small, before, strict=True)),
        "gradients whose norm is below max_norm were changed",
    )
    want = math.sqrt(sum(float(np.sum(b * b)) for b in before))
    assert math.isclose(float(total), want, rel_tol=1e-12)
    zeros = [np.zeros(s) for s in SHAPES]
    total = student.clip_grad_norm(list(zeros), 1.0)
    expect(float(total) == 0.0, "all-zero gradients must have norm 0.0")
    expect(
        all(np.array_equal(z, np.zeros(z.shape)) for z in zeros),
        "all-zero gradients were changed (nan?)",
    )


# --------------------------------------------------------------------------
# warm-up + cosine schedule

SCHEDULES = [
    # (base_lr, warmup_steps, total_steps, min_lr, steps)
    (1e-3, 10, 100, 0.0, [0, 1, 5, 9, 10, 11, 30, 55, 77, 99, 100, 150]),
    (0.5, 0, 20, 0.05, [0, 1, 7, 10, 19, 20, 25]),
    (3e-4, 4, 4, 1e-5, [0, 2, 3, 4, 9]),
    (1.0, 1, 2, 0.1, [0, 1, 2]),
    (2e-3, 5, 37, 2e-4, [0, 4, 5, 6, 13, 21, 29, 36, 37]),
]


@grader(
    "warmup_cosine_lr",
    points=2,
    hint="Warm-up: base_lr * (step + 1) / warmup_steps. Then progress = "
    "(step - warmup_steps) / max(1, total_steps - warmup_steps) and "
    "min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * progress)).",
)
def test_schedule_table(student):
    for base, warm, total, low, steps in SCHEDULES:
        for s in steps:
            got = student.warmup_cosine_lr(s, base, warm, total, min_lr=low)
            expect(
                isinstance(got, (float, np.floating)),
                "warmup_cosine_lr must return a float",
            )
            want = ref.warmup_cosine_lr(s, base, warm, total, min_lr=low)
            assert math.isclose(float(got), want, rel_tol=1e-12, abs_tol=1e-15)


@grader(
    "warmup_cosine_lr",
    points=1,
    hint="Step warmup_steps - 1 and step warmup_steps both give base_lr; the "
    "rate never rises after warm-up and is min_lr from total_steps on.",
)
def test_schedule_shape(student):
    base, warm, total, low = 0.1, 8, 64, 0.01
    lrs = [student.warmup_cosine_lr(s, base, warm, total, low) for s in range(80)]
    expect(lrs[0] > 0, "the rate at step 0 must be positive (the (step + 1) rule)")
    expect(
        all(a < b for a, b in zip(lrs[: warm - 1], lrs[1:warm], strict=True)),
        "the rate must rise during warm-up",
    )
    expect(
        math.isclose(lrs[warm - 1], base, rel_tol=1e-12)
        and math.isclose(lrs[warm], base, rel_tol=1e-12),
        "the last warm-up step and the first decay step must both give base_lr",
    )
    expect(
        all(b <= a for a, b in zip(lrs[warm:], lrs[warm + 1 :], strict=False)),
        "the rate rose after warm-up",
    )
    expect(all(x == low for x in lrs[total:]), "from total_steps on it must be min_lr")
    expect(
        lrs[total - 1] > low,
        "the rate reaches min_lr too early (check the progress denominator)",
    )


@grader("warmup_cosine_lr", points=1, hint="A negative step must raise ValueError.")
def test_schedule_negative_step(student):
    for s in (-1, -10):
        try:
            student.warmup_cosine_lr(s, 1e-3, 10, 100)
        except ValueError:
            continue
        expect(False, "a negative step did not raise ValueError")
