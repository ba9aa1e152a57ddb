"""Chapter 4 — gradient descent: how a model learns (reference solutions).

Three exercises share one family of test objectives, the *ripple quadratic*

    f(x) = 0.5 * x @ A @ x - b @ x + c * sum(sin(x))

given by data (a square matrix ``A``, a vector ``b`` and a number ``c``), so
that an objective can be handed to a function without passing a callable.
With ``c = 0`` it is an ordinary quadratic; with ``c != 0`` the sine ripple
adds local minima. ``A`` need not be symmetric: only its symmetric part
``(A + A.T) / 2`` matters, and the gradient is

    grad f(x) = 0.5 * (A + A.T) @ x - b + c * cos(x).
"""

from __future__ import annotations

import math

import numpy as np

REGIME_TOL = 1e-9
SCHEDULE_KINDS = ("constant", "step", "multistep", "exponential", "cosine")


def numerical_gradient(
    x: np.ndarray,
    A: np.ndarray,
    b: np.ndarray,
    c: float = 0.0,
    h: float = 1e-5,
) -> np.ndarray:
    """Central-difference gradient of the ripple quadratic at ``x``.

    The objective is ``f(z) = 0.5 * z @ A @ z - b @ z + c * sum(sin(z))``
    for a vector ``z`` of shape ``(d,)``. Work on a float64 copy of ``x``
    (so that an integer ``x`` works: adding ``h`` to an integer array would
    truncate). For each coordinate ``i = 0, ..., d - 1``, with ``e_i`` the
    ``i``-th unit vector::

        g[i] = (f(x + h * e_i) - f(x - h * e_i)) / (2 * h)

    Every ``f`` is evaluated at a point that differs from ``x`` in
    coordinate ``i`` only. Do not use the analytic gradient.

    Args:
        x: the point, shape ``(d,)`` with ``d >= 1``, any real dtype (int or
            float). Not modified.
        A: matrix of shape ``(d, d)``, any real dtype, not necessarily
            symmetric. Not modified.
        b: vector of shape ``(d,)``. Not modified.
        c: amplitude of the sine ripple (a number; 0 gives a quadratic).
        h: the step, ``h > 0``.

    Returns:
        A new float64 array of shape ``(d,)``: the central-difference
        estimate ``g``. Its error is of order ``h**2`` (plus rounding of
        order ``1e-16 * |f| / h``); a forward difference would be off by
        about ``h / 2`` times the second derivative.
    """

    def f(z: np.ndarray) -> float:
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    x = np.array(x, dtype=np.float64)  # a float copy: the caller's x is safe
    grad = np.empty_like(x)
    for i in range(x.size):
        plus = x.copy()
        plus[i] += h
        minus = x.copy()
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def gradient_descent(
    x0: np.ndarray,
    A: np.ndarray,
    b: np.ndarray,
    lr: float,
    n_steps: int,
    c: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Plain gradient descent on the ripple quadratic, recording the path.

    The objective is ``f(x) = 0.5 * x @ A @ x - b @ x + c * sum(sin(x))``
    and its gradient is ``grad(x) = 0.5 * (A + A.T) @ x - b + c * cos(x)``
    (``A`` need not be symmetric, so ``A @ x - b`` would be wrong). Start
    from ``x_0 = x0`` (as float64) and take exactly ``n_steps`` steps::

        x_{k+1} = x_k - lr * grad(x_k),   k = 0, 1, ..., n_steps - 1.

    There is no early stopping: if the iterates blow up, the overflowing
    values (``inf`` or ``nan``) are recorded as they are.

    Args:
        x0: start point, shape ``(d,)``, any real dtype. Not modified.
        A: matrix of shape ``(d, d)``. Not modified.
        b: vector of shape ``(d,)``. Not modified.
        lr: learning rate (a positive number).
        n_steps: number of steps, ``>= 0``.
        c: amplitude of the sine ripple.

    Returns:
        ``(xs, losses)``, two new float64 arrays:

        - ``xs`` of shape ``(n_steps + 1, d)``: ``xs[0]`` is ``x0`` and
          ``xs[k]`` is the point after ``k`` steps (each row its own values:
          updating one array in place and appending it would make all rows
          the same);
        - ``losses`` of shape ``(n_steps + 1,)``: ``losses[k] = f(xs[k])``.

        With ``n_steps == 0`` they hold only the start point and its loss.

    Raises:
        ValueError: if ``n_steps < 0``.
    """
    if n_steps < 0:
        raise ValueError(f"n_steps must be >= 0, got {n_steps}")
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    sym = 0.5 * (A + A.T)

    def f(z: np.ndarray) -> float:
        return float(0.5 * z @ A @ z - b @ z + c * np.sum(np.sin(z)))

    x = np.array(x0, dtype=np.float64)
    xs = np.empty((n_steps + 1, x.size))
    losses = np.empty(n_steps + 1)
    xs[0] = x
    losses[0] = f(x)
    for k in range(1, n_steps + 1):
        x = x - lr * (sym @ x - b + c * np.cos(x))  # a new array every step
        xs[k] = x
        losses[k] = f(x)
    return xs, losses


def lr_regime(A: np.ndarray, lr: float) -> tuple[str, float]:
    """Classify gradient descent with learning rate ``lr`` on a quadratic.

    For ``f(x) = 0.5 * x @ A @ x - b @ x`` with ``A`` symmetric positive
    definite, the error ``e_k = x_k - x*`` of gradient descent obeys
    ``e_{k+1} = (I - lr * A) @ e_k``: along the eigenvector of eigenvalue
    ``lam_i`` the error is multiplied by ``r_i = 1 - lr * lam_i`` at every
    step. The regime is decided by the steepest direction (the worst
    starting point), through ``s = lr * lam_max``, where ``lam_max`` is the
    largest value of ``np.linalg.eigvalsh(A)``. A value of ``s`` within
    ``REGIME_TOL = 1e-9`` (absolute) of 1 or of 2 counts as equal to it:

    - ``"monotone"`` if ``s <= 1 + REGIME_TOL``: every ``r_i`` is in
      ``[0, 1)``, so the error's component along an eigenvector never
      changes sign (at ``s == 1`` the steepest direction is solved in one
      step);
    - ``"oscillating"`` if ``1 + REGIME_TOL < s < 2 - REGIME_TOL``: the error
      along the steepest direction flips sign every step but shrinks, so
      the iterates jump across the minimum and still converge;
    - ``"periodic"`` if ``|s - 2| <= REGIME_TOL``: ``r = -1``, that part of
      the error flips sign with a constant size forever (no convergence, no
      divergence);
    - ``"divergent"`` if ``s > 2 + REGIME_TOL``: it grows without bound.

    Args:
        A: symmetric positive definite matrix, shape ``(d, d)``, ``d >= 1``.
            Not modified.
        lr: the learning rate.

    Returns:
        ``(regime, rho)``: one of the four strings above, and the
        convergence factor ``rho = max_i |1 - lr * lam_i|`` as a Python
        float, computed from the eigenvalues as they are (no rounding to the
        thresholds). ``rho`` uses both ends of the spectrum: with a small
        ``lr`` it is ``1 - lr * lam_min`` (the flattest direction is the
        slowest), with a large one ``lr * lam_max - 1``.

    Raises:
        ValueError: if ``lr <= 0``, if ``A`` is not a square 2-D array, or if
            its smallest eigenvalue is ``<= 0``.
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    lam = np.linalg.eigvalsh(A)
    if lam[0] <= 0:
        raise ValueError("A must be positive definite")
    s = lr * lam[-1]
    if s > 2 + REGIME_TOL:
        regime = "divergent"
    elif s >= 2 - REGIME_TOL:
        regime = "periodic"
    elif s > 1 + REGIME_TOL:
        regime = "oscillating"
    else:
        regime = "monotone"
    rho = max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1]))
    return regime, float(rho)


def minibatch_sgd(
    X: np.ndarray,
    y: np.ndarray,
    lr: float | np.ndarray,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    w0: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch SGD for least-squares linear regression (no intercept).

    The loss is the mean squared error over all ``n`` samples,
    ``L(w) = mean((X @ w - y)**2)`` (no factor 1/2; add a column of ones to
    ``X`` yourself if you want an intercept). On a batch of row indices
    ``idx`` with ``B = len(idx)`` rows, the gradient is::

        g = (2 / B) * X[idx].T @ (X[idx] @ w - y[idx])

    where ``B`` is the *actual* size of this batch, and the step is
    ``w = w - lr_e * g`` with ``lr_e`` the rate of the current epoch.

    Randomness: at the start of each epoch, exactly one call
    ``perm = rng.permutation(n)``, and no other use of ``rng`` (so each
    sample is visited exactly once per epoch: sampling *without*
    replacement). The epoch then visits the batches ``perm[0:batch_size]``,
    ``perm[batch_size:2 * batch_size]``, ... in this order; the last batch
    is shorter when ``batch_size`` does not divide ``n``, and it is kept.
    With ``batch_size >= n`` every epoch is one full-batch step (``rng`` is
    still called once per epoch). With ``epochs == 0`` ``rng`` is not used.

    Args:
        X: inputs, shape ``(n, d)`` with ``n >= 1``, any real dtype. Not
            modified.
        y: targets, shape ``(n,)``, any real dtype. Not modified.
        lr: the learning rate: a number (the same for every epoch), or a 1-D
            array or list of ``epochs`` numbers where ``lr[e]`` is used for
            every step of epoch ``e``.
        epochs: number of passes over the data, ``>= 0``.
        batch_size: number of rows per batch, ``>= 1``.
        rng: the generator used as described above.
        w0: initial weights, shape ``(d,)``; ``None`` means zeros. Not
            modified.

    Returns:
        ``(w, losses)``: the final weights, a new float64 array of shape
        ``(d,)``, and ``losses``, a float64 array of shape ``(epochs + 1,)``
        where ``losses[0]`` is ``L(w0)`` and ``losses[e]`` is ``L`` over all
        samples at the end of epoch ``e``.

    Raises:
        ValueError: if ``batch_size < 1``, ``epochs < 0``, or ``lr`` is an
            array whose shape is not ``(epochs,)``.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    if np.ndim(lr) == 0:
        rates = np.full(epochs, float(lr))
    else:
        rates = np.asarray(lr, dtype=np.float64)
        if rates.shape != (epochs,):
            raise ValueError(f"lr must hold {epochs} rates, got shape {rates.shape}")
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=np.float64)
    losses = np.empty(epochs + 1)
    losses[0] = np.mean((X @ w - y) ** 2)
    for e in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            Xb = X[idx]
            grad = (2.0 / len(idx)) * (Xb.T @ (Xb @ w - y[idx]))
            w = w - rates[e] * grad
        losses[e + 1] = np.mean((X @ w - y) ** 2)
    return w, losses


def lr_schedule(
    kind: str,
    epoch: int,
    base_lr: float,
    total_epochs: int,
    step_size: int = 30,
    milestones: tuple[int, ...] = (30, 60),
    gamma: float = 0.1,
    min_lr: float = 0.0,
) -> float:
    """Learning rate of epoch ``epoch`` (counted from 0) under a schedule.

    ``kind`` is one of ``SCHEDULE_KINDS``:

    - ``"constant"``: ``base_lr``;
    - ``"step"``: ``base_lr * gamma ** (epoch // step_size)`` (the rate
      drops at epochs ``step_size, 2 * step_size, ...``);
    - ``"multistep"``: ``base_lr * gamma ** k`` where ``k`` is the number of
      entries ``m`` of ``milestones`` with ``m <= epoch`` (so the drop
      happens *at* a milestone; an entry listed twice counts twice);
    - ``"exponential"``: ``base_lr * gamma ** epoch``;
    - ``"cosine"``: for ``epoch < total_epochs``,
      ``min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * epoch / total_epochs))``,
      and ``min_lr`` for every ``epoch >= total_epochs`` (it stays at the
      bottom and does not rise again).

    For ``epoch <= total_epochs`` these equal, value by value, the rate that
    ``torch.optim.lr_scheduler`` gives at epoch ``epoch`` (the rate in
    ``optimizer.param_groups`` after ``epoch`` calls of ``scheduler.step()``)
    for ``StepLR(step_size, gamma)``, ``MultiStepLR(milestones, gamma)``,
    ``ExponentialLR(gamma)`` and ``CosineAnnealingLR(T_max=total_epochs,
    eta_min=min_lr)``. Arguments a kind does not use are ignored.

    Args:
        kind: the schedule's name.
        epoch: the epoch, an int ``>= 0``.
        base_lr: the rate at epoch 0.
        total_epochs: length of the cosine schedule, ``>= 1`` when
            ``kind == "cosine"`` (ignored otherwise).
        step_size: epochs between two drops of ``"step"``, ``>= 1``.
        milestones: epochs at which ``"multistep"`` drops (a tuple or list
            of ints).
        gamma: the factor of each drop (``"step"``, ``"multistep"``) or of
            each epoch (``"exponential"``).
        min_lr: the floor of ``"cosine"``.

    Returns:
        The learning rate as a Python float.

    Raises:
        ValueError: if ``kind`` is unknown, if ``epoch < 0``, or if
            ``kind == "cosine"`` and ``total_epochs < 1``.
    """
    if kind not in SCHEDULE_KINDS:
        raise ValueError(f"unknown schedule {kind!r}; use one of {SCHEDULE_KINDS}")
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")
    if kind == "constant":
        return float(base_lr)
    if kind == "step":
        return float(base_lr * gamma ** (epoch // step_size))
    if kind == "multistep":
        k = sum(1 for m in milestones if m <= epoch)
        return float(base_lr * gamma**k)
    if kind == "exponential":
        return float(base_lr * gamma**epoch)
    if total_epochs < 1:
        raise ValueError(f"total_epochs must be >= 1, got {total_epochs}")
    if epoch >= total_epochs:
        return float(min_lr)
    cos = math.cos(math.pi * epoch / total_epochs)
    return float(min_lr + 0.5 * (base_lr - min_lr) * (1 + cos))
