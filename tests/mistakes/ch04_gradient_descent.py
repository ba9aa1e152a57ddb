"""Plausible wrong answers for chapter 4 (gradient descent)."""

from __future__ import annotations

import math

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# numerical_gradient


@mistake("numerical_gradient", "forward difference (f(x + h) - f(x)) / h", typical=True)
def numerical_gradient_forward(x, A, b, c=0.0, h=1e-5):
    def f(z):
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.size)
    fx = f(x)
    for i in range(x.size):
        step = x.copy()
        step[i] += h
        grad[i] = (f(step) - fx) / h
    return grad


@mistake("numerical_gradient", "perturbs a copy that keeps x's integer dtype")
def numerical_gradient_int_copy(x, A, b, c=0.0, h=1e-5):
    def f(z):
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    grad = np.zeros(len(x))
    for i in range(len(x)):
        plus = x.copy()
        plus[i] += h
        minus = x.copy()
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


@mistake("numerical_gradient", "divides the central difference by h, not 2h")
def numerical_gradient_over_h(x, A, b, c=0.0, h=1e-5):
    def f(z):
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.size)
    for i in range(x.size):
        plus = x.copy()
        plus[i] += h
        minus = x.copy()
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / h
    return grad


@mistake("numerical_gradient", "perturbs the caller's x in place and undoes it by +-h")
def numerical_gradient_in_place(x, A, b, c=0.0, h=1e-5):
    def f(z):
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    grad = np.zeros(len(x))
    for i in range(len(x)):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        x[i] += h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


@mistake(
    "numerical_gradient", "returns the analytic A @ x - b + c cos x (A not symmetric)"
)
def numerical_gradient_analytic(x, A, b, c=0.0, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(A, dtype=np.float64) @ x - b + c * np.cos(x)


@mistake("numerical_gradient", "ignores h and always steps by 1e-5")
def numerical_gradient_fixed_h(x, A, b, c=0.0, h=1e-5):
    def f(z):
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1e-5
        grad[i] = (f(x + e) - f(x - e)) / 2e-5
    return grad


# --------------------------------------------------------------------------
# gradient_descent


@mistake(
    "gradient_descent", "updates x in place and appends it: every row is the last x"
)
def gradient_descent_aliasing(x0, A, b, lr, n_steps, c=0.0):
    A = np.asarray(A, dtype=np.float64)
    x = np.array(x0, dtype=np.float64)
    history = [x]
    losses = [float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))]
    for _ in range(n_steps):
        x -= lr * (0.5 * (A + A.T) @ x - b + c * np.cos(x))
        history.append(x)
        losses.append(float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x))))
    return np.array(history), np.array(losses)


@mistake("gradient_descent", "uses A @ x - b as the gradient (A assumed symmetric)")
def gradient_descent_asymmetric(x0, A, b, lr, n_steps, c=0.0):
    A = np.asarray(A, dtype=np.float64)
    x = np.array(x0, dtype=np.float64)
    xs = [x]
    losses = [float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))]
    for _ in range(n_steps):
        x = x - lr * (A @ x - b + c * np.cos(x))
        xs.append(x)
        losses.append(float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x))))
    return np.array(xs), np.array(losses)


@mistake("gradient_descent", "records only the points after each step, not x0")
def gradient_descent_no_start(x0, A, b, lr, n_steps, c=0.0):
    A = np.asarray(A, dtype=np.float64)
    x = np.array(x0, dtype=np.float64)
    xs, losses = [], []
    for _ in range(n_steps):
        x = x - lr * (0.5 * (A + A.T) @ x - b + c * np.cos(x))
        xs.append(x)
        losses.append(float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x))))
    return np.array(xs).reshape(n_steps, -1), np.array(losses)


@mistake("gradient_descent", "steps with x -= ... on the caller's x0")
def gradient_descent_mutates_x0(x0, A, b, lr, n_steps, c=0.0):
    A = np.asarray(A, dtype=np.float64)
    x = x0
    xs = [x.copy()]
    losses = [float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))]
    for _ in range(n_steps):
        x -= lr * (0.5 * (A + A.T) @ x - b + c * np.cos(x))
        xs.append(x.copy())
        losses.append(float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x))))
    return np.array(xs, dtype=np.float64), np.array(losses)


@mistake("gradient_descent", "records the loss before the step next to the new point")
def gradient_descent_loss_lag(x0, A, b, lr, n_steps, c=0.0):
    A = np.asarray(A, dtype=np.float64)
    x = np.array(x0, dtype=np.float64)
    xs = [x]
    losses = [float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))]
    for _ in range(n_steps):
        loss = float(0.5 * x @ A @ x - b @ x + c * np.sum(np.sin(x)))
        x = x - lr * (0.5 * (A + A.T) @ x - b + c * np.cos(x))
        xs.append(x)
        losses.append(loss)
    return np.array(xs), np.array(losses)


# --------------------------------------------------------------------------
# lr_regime


@mistake(
    "lr_regime", "the book's reading: lr * lam == 1 called oscillating", typical=True
)
def lr_regime_one_oscillates(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if s > 2 + 1e-9:
        regime = "divergent"
    elif s >= 2 - 1e-9:
        regime = "periodic"
    elif s >= 1 - 1e-9:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


@mistake("lr_regime", "uses the smallest eigenvalue instead of the largest")
def lr_regime_smallest(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[0]
    if s > 2 + 1e-9:
        regime = "divergent"
    elif s >= 2 - 1e-9:
        regime = "periodic"
    elif s > 1 + 1e-9:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


@mistake("lr_regime", "compares s with 1 and 2 exactly, without the tolerance")
def lr_regime_exact(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if s > 2:
        regime = "divergent"
    elif s == 2:
        regime = "periodic"
    elif s > 1:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


@mistake("lr_regime", "rho from the largest eigenvalue only")
def lr_regime_rho_top_only(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if s > 2 + 1e-9:
        regime = "divergent"
    elif s >= 2 - 1e-9:
        regime = "periodic"
    elif s > 1 + 1e-9:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(abs(1 - s))


@mistake("lr_regime", "takes the diagonal of A as its eigenvalues")
def lr_regime_diagonal(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.sort(np.diag(A))
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if s > 2 + 1e-9:
        regime = "divergent"
    elif s >= 2 - 1e-9:
        regime = "periodic"
    elif s > 1 + 1e-9:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


@mistake("lr_regime", "np.isclose for the boundaries (tolerance 1e-5, not 1e-9)")
def lr_regime_isclose(A, lr):
    A = np.asarray(A, dtype=np.float64)
    if lr <= 0:
        raise ValueError("lr must be positive")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if np.isclose(s, 2):
        regime = "periodic"
    elif s > 2:
        regime = "divergent"
    elif s > 1 and not np.isclose(s, 1):
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


@mistake("lr_regime", "never validates lr or A")
def lr_regime_no_checks(A, lr):
    lam = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))
    s = lr * lam[-1]
    if s > 2 + 1e-9:
        regime = "divergent"
    elif s >= 2 - 1e-9:
        regime = "periodic"
    elif s > 1 + 1e-9:
        regime = "oscillating"
    else:
        regime = "monotone"
    return regime, float(max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1])))


# --------------------------------------------------------------------------
# minibatch_sgd


@mistake(
    "minibatch_sgd", "samples each batch with replacement (rng.choice)", typical=True
)
def minibatch_sgd_with_replacement(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    n_batches = math.ceil(n / batch_size)
    for e in range(epochs):
        for _ in range(n_batches):
            idx = rng.choice(n, size=min(batch_size, n))
            Xb = X[idx]
            w = w - rates[e] * (2 / len(idx)) * Xb.T @ (Xb @ w - y[idx])
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "drops the last, shorter batch")
def minibatch_sgd_drop_last(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    for e in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            w = w - rates[e] * (2 / len(idx)) * Xb.T @ (Xb @ w - y[idx])
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "divides by the nominal batch_size, also for the last batch")
def minibatch_sgd_nominal_size(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    for e in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            w = w - rates[e] * (2 / batch_size) * Xb.T @ (Xb @ w - y[idx])
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "gradient without the factor 2 (derivative of r**2 is 2r)")
def minibatch_sgd_no_two(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    for e in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            w = w - rates[e] * (1 / len(idx)) * Xb.T @ (Xb @ w - y[idx])
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "draws one permutation before the loop and reuses it")
def minibatch_sgd_one_shuffle(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    perm = rng.permutation(n)
    for e in range(epochs):
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            w = w - rates[e] * (2 / len(idx)) * Xb.T @ (Xb @ w - y[idx])
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "shuffles X and y in place with rng.shuffle")
def minibatch_sgd_shuffle_in_place(X, y, lr, epochs, batch_size, rng, w0=None):
    n, d = X.shape
    rates = np.full(epochs, float(lr)) if np.ndim(lr) == 0 else np.asarray(lr, float)
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    for e in range(epochs):
        perm = rng.permutation(n)
        X[:] = X[perm]
        y[:] = y[perm]
        for start in range(0, n, batch_size):
            Xb = X[start : start + batch_size]
            yb = y[start : start + batch_size]
            w = w - rates[e] * (2 / len(yb)) * Xb.T @ (Xb @ w - yb)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


@mistake("minibatch_sgd", "indexes an lr array by step instead of by epoch")
def minibatch_sgd_rate_per_step(X, y, lr, epochs, batch_size, rng, w0=None):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = [np.mean((X @ w - y) ** 2)]
    step = 0
    for _ in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            rate = float(lr) if np.ndim(lr) == 0 else lr[min(step, len(lr) - 1)]
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            w = w - rate * (2 / len(idx)) * Xb.T @ (Xb @ w - y[idx])
            step += 1
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


# --------------------------------------------------------------------------
# lr_schedule


@mistake("lr_schedule", "counts epochs from 1 (uses epoch + 1)")
def lr_schedule_epoch_plus_one(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    e = epoch + 1
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (e // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m <= e))
    if kind == "exponential":
        return float(base_lr * gamma**e)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    if e >= total_epochs:
        return float(min_lr)
    return min_lr + 0.5 * (base_lr - min_lr) * (
        1 + math.cos(math.pi * e / total_epochs)
    )


@mistake("lr_schedule", "cosine over a full period (2 pi) instead of half")
def lr_schedule_full_period(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (epoch // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m <= epoch))
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    if epoch >= total_epochs:
        return float(min_lr)
    angle = 2 * math.pi * epoch / total_epochs
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(angle))


@mistake("lr_schedule", "multistep drops only after a milestone (m < epoch)")
def lr_schedule_late_milestone(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (epoch // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m < epoch))
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    if epoch >= total_epochs:
        return float(min_lr)
    cos = math.cos(math.pi * epoch / total_epochs)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + cos)


@mistake("lr_schedule", "cosine keeps following the curve after total_epochs")
def lr_schedule_no_floor(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (epoch // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m <= epoch))
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    cos = math.cos(math.pi * epoch / total_epochs)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + cos)


@mistake(
    "lr_schedule", "step decay with (epoch + 1) // step_size: drops one epoch early"
)
def lr_schedule_step_early(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** ((epoch + 1) // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m <= epoch))
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    if epoch >= total_epochs:
        return float(min_lr)
    cos = math.cos(math.pi * epoch / total_epochs)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + cos)


@mistake("lr_schedule", "cosine decays base_lr to 0 and adds min_lr on top")
def lr_schedule_min_on_top(
    kind,
    epoch,
    base_lr,
    total_epochs,
    step_size=30,
    milestones=(30, 60),
    gamma=0.1,
    min_lr=0.0,
):
    if kind not in ("constant", "step", "multistep", "exponential", "cosine"):
        raise ValueError(kind)
    if epoch < 0:
        raise ValueError("negative epoch")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (epoch // step_size))
    if kind == "multistep":
        return float(base_lr * gamma ** sum(1 for m in milestones if m <= epoch))
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError("total_epochs")
    if epoch >= total_epochs:
        return float(min_lr)
    return min_lr + 0.5 * base_lr * (1 + math.cos(math.pi * epoch / total_epochs))
