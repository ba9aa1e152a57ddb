"""Chapter 6 — loss functions: regression, binary, multi-class, focal, quantile.

Reference solutions. Every loss takes numpy arrays, works in float64 and
returns a Python float: the mean over the elements (PyTorch's default
``reduction="mean"``). Where PyTorch implements the same loss, the
definitions here match it exactly, so torch serves as the oracle.
"""

from __future__ import annotations

import math

import numpy as np

LOG2 = math.log(2.0)


def mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean squared error.

    With ``d = y_pred - y_true`` (elementwise), returns ``mean(d**2)`` over
    all elements. This is ``torch.nn.functional.mse_loss(y_pred, y_true)``
    (reduction ``"mean"``).

    Args:
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape as ``y_true``, any real dtype.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.
    """
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(d * d))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error.

    With ``d = y_pred - y_true``, returns ``mean(|d|)`` over all elements.
    This is ``torch.nn.functional.l1_loss(y_pred, y_true)``.

    Args:
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape as ``y_true``, any real dtype.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.
    """
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(np.abs(d)))


def huber(y_true: np.ndarray, y_pred: np.ndarray, delta: float = 1.0) -> float:
    """Huber loss: quadratic for small errors, linear for large ones.

    With ``d = y_pred - y_true``, each element costs

    - ``0.5 * d**2`` if ``|d| <= delta``,
    - ``delta * (|d| - 0.5 * delta)`` otherwise,

    and the result is the mean over all elements. The two pieces meet with
    equal value and slope at ``|d| = delta``. This is
    ``torch.nn.functional.huber_loss(y_pred, y_true, delta=delta)``; note that
    it is *not* Smooth L1 (``smooth_l1_loss`` with ``beta = delta`` equals this
    loss divided by ``delta``).

    Args:
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape as ``y_true``, any real dtype.
        delta: the threshold between the two pieces, a float ``> 0``.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.
    """
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    a = np.abs(d)
    per = np.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return float(np.mean(per))


def log_cosh(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Log-cosh loss, overflow-free.

    With ``d = y_pred - y_true``, returns ``mean(log(cosh(d)))``. ``cosh(d)``
    itself overflows float64 once ``|d|`` exceeds about 710, so it must not
    be formed; use the identity
    ``log(cosh(d)) = |d| + log1p(exp(-2 |d|)) - log(2)`` instead. The result
    must be finite and accurate (relative error around 1e-15, absolute error
    around 1e-16 near ``d = 0``) for every ``|d|`` up to 1e300, and no numpy
    warning may be raised.

    Args:
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape as ``y_true``, any real dtype.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.
    """
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    a = np.abs(d)
    return float(np.mean(a + np.log1p(np.exp(-2.0 * a)) - LOG2))


def regression_loss_grad(
    kind: str, y_true: np.ndarray, y_pred: np.ndarray, delta: float = 1.0
) -> np.ndarray:
    """Gradient of a mean regression loss with respect to ``y_pred``.

    With ``d = y_pred - y_true`` and ``N`` the number of elements, the
    gradient of the *mean* loss (the value of ``mse``, ``mae``, ``huber`` or
    ``log_cosh``) is, elementwise:

    - ``"mse"``: ``2 * d / N``;
    - ``"mae"``: ``sign(d) / N`` with ``sign(0) = 0`` (the value PyTorch's
      autograd gives for ``l1_loss`` where ``y_pred == y_true``);
    - ``"huber"``: ``clip(d, -delta, delta) / N`` (``d`` inside the quadratic
      zone, ``delta * sign(d)`` outside);
    - ``"log_cosh"``: ``tanh(d) / N``, finite for every finite ``d``.

    These are exactly what ``torch.autograd`` returns for the corresponding
    torch losses with reduction ``"mean"``.

    Args:
        kind: one of ``"mse"``, ``"mae"``, ``"huber"``, ``"log_cosh"``.
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape, any real dtype.
        delta: Huber threshold, a float ``> 0``; ignored by the other kinds.

    Returns:
        A new float64 array of the same shape as ``y_pred``. The inputs are
        not modified.

    Raises:
        ValueError: if ``kind`` is not one of the four names above.
    """
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(f"unknown loss kind {kind!r}")
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    n = d.size
    if kind == "mse":
        g = 2.0 * d
    elif kind == "mae":
        g = np.sign(d)
    elif kind == "huber":
        g = np.clip(d, -delta, delta)
    else:
        g = np.tanh(d)
    return g / n


def bce_with_logits(
    logits: np.ndarray, targets: np.ndarray, pos_weight: float | None = None
) -> float:
    """Binary cross-entropy computed from logits, without clipping.

    With ``x`` the logits, ``y`` the targets and ``w = pos_weight`` (1 when
    ``None``), each element costs::

        -(w * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))
          = w * y * softplus(-x) + (1 - y) * softplus(x)

    where ``softplus(z) = log(1 + exp(z))`` must be evaluated stably as
    ``max(z, 0) + log1p(exp(-|z|))``. Nothing is clipped: a confident wrong
    logit ``x`` costs about ``|x|`` (for example ``x = 1000``, ``y = 0``
    costs 1000). The result is the mean over all elements, which is
    ``torch.nn.functional.binary_cross_entropy_with_logits(x, y,
    pos_weight=...)`` with reduction ``"mean"``.

    Args:
        logits: array of any shape with at least one element, any real dtype;
            any finite values (``|x|`` up to 1e300).
        targets: array of the same shape with values in ``[0, 1]``; soft
            targets (not only 0 and 1) are allowed.
        pos_weight: ``None`` or a float ``> 0`` that multiplies the positive
            term ``y * log(sigmoid(x))`` only.

    Returns:
        The loss as a Python float, computed in float64 with no numpy warning.
        The inputs are not modified.
    """
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else float(pos_weight)

    def softplus(z):
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))

    per = w * y * softplus(-x) + (1.0 - y) * softplus(x)
    return float(np.mean(per))


def bce_with_logits_grad(
    logits: np.ndarray, targets: np.ndarray, pos_weight: float | None = None
) -> np.ndarray:
    """Gradient of ``bce_with_logits`` with respect to the logits.

    With ``w = pos_weight`` (1 when ``None``) and ``N`` the number of
    elements, the gradient of the mean loss is, elementwise::

        (sigmoid(x) * (w * y + 1 - y) - w * y) / N

    which is ``(sigmoid(x) - y) / N`` when ``w = 1``. ``sigmoid`` must be
    evaluated without overflow (no numpy warning for ``|x|`` up to 1e300):
    ``1 / (1 + exp(-x))`` for ``x >= 0`` and ``exp(x) / (1 + exp(x))`` for
    ``x < 0``.

    Args:
        logits: array of any shape with at least one element, any real dtype.
        targets: array of the same shape with values in ``[0, 1]``.
        pos_weight: ``None`` or a float ``> 0``, as in ``bce_with_logits``.

    Returns:
        A new float64 array of the same shape as ``logits``. The inputs are
        not modified.
    """
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else float(pos_weight)
    e = np.exp(-np.abs(x))
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (sig * (w * y + 1.0 - y) - w * y) / x.size


def cross_entropy(
    logits: np.ndarray,
    targets: np.ndarray,
    label_smoothing: float = 0.0,
    ignore_index: int | None = None,
) -> float:
    """Multi-class cross-entropy from logits, with PyTorch's semantics.

    Let ``log_p = log_softmax(logits, axis=1)``, computed stably (subtract
    each row's maximum before exponentiating; logits as large as 1e4 or
    more must give finite results). Rows whose target equals
    ``ignore_index`` are dropped entirely (their target may be any integer,
    even outside ``[0, C)``); with ``ignore_index=None`` no row is dropped.
    For each kept row ``i`` with target ``t_i`` and ``eps = label_smoothing``::

        loss_i = (1 - eps) * (-log_p[i, t_i]) + eps * mean_k(-log_p[i, k])

    i.e. the target distribution is ``(1 - eps) * one_hot + eps / C`` on
    *every* class, the true class included. The result is the mean of
    ``loss_i`` over the kept rows only. This is exactly
    ``torch.nn.functional.cross_entropy(logits, targets,
    label_smoothing=eps, ignore_index=...)`` with reduction ``"mean"``.

    Args:
        logits: float array of shape ``(N, C)``, ``N >= 1``, ``C >= 1``.
        targets: integer array of shape ``(N,)``; the targets of kept rows are
            in ``[0, C)``.
        label_smoothing: ``eps`` in ``[0, 1]``.
        ignore_index: ``None`` or the integer target value that marks rows to
            ignore (padding tokens, for example).

    Returns:
        The loss as a Python float, computed in float64; ``nan`` when every
        row is ignored (as torch does), without a numpy warning. The inputs
        are not modified.
    """
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    keep = np.ones(t.shape, dtype=bool) if ignore_index is None else t != ignore_index
    if not np.any(keep):
        return float("nan")
    z, t = z[keep], t[keep]
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    nll = -log_p[np.arange(t.size), t]
    uniform = -log_p.mean(axis=1)
    eps = float(label_smoothing)
    return float(np.mean((1.0 - eps) * nll + eps * uniform))


def focal_loss(
    logits: np.ndarray,
    targets: np.ndarray,
    gamma: float = 2.0,
    alpha: float | None = None,
) -> float:
    """Binary focal loss from logits (Lin et al., 2017), mean reduction.

    With ``x`` the logits and hard targets ``y`` in ``{0, 1}``, let ``p_t``
    be the probability the model gives to the true class:
    ``p_t = sigmoid(x)`` where ``y = 1`` and ``p_t = 1 - sigmoid(x)`` where
    ``y = 0``. With ``s = 2 * y - 1`` this is ``p_t = sigmoid(s * x)``, so
    ``log(p_t) = -softplus(-s * x)`` and ``1 - p_t = sigmoid(-s * x)``; compute
    them that way (stable log-sigmoid, no clipping, no warnings). Each element
    costs::

        -alpha_t * (1 - p_t)**gamma * log(p_t)

    with ``alpha_t = alpha`` where ``y = 1`` and ``1 - alpha`` where ``y = 0``
    when ``alpha`` is given, and ``alpha_t = 1`` when ``alpha`` is ``None``.
    The result is the mean over all elements. With ``gamma = 0`` and
    ``alpha = None`` this is ``bce_with_logits``. It equals
    ``torchvision.ops.sigmoid_focal_loss(x, y, alpha, gamma, "mean")`` for
    hard targets (torchvision's ``alpha=-1`` is ``alpha=None`` here), up to
    rounding.

    Args:
        logits: array of any shape with at least one element, any real dtype;
            any finite values (``|x|`` up to 1e300).
        targets: array of the same shape holding only 0 and 1 (int or float).
        gamma: focusing parameter, a float ``>= 0`` (``0**0`` counts as 1).
        alpha: ``None`` or the weight of the positive class, in ``[0, 1]``.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.
    """
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    sx = (2.0 * y - 1.0) * x  # sigmoid(sx) = p_t
    log_pt = -(np.maximum(-sx, 0.0) + np.log1p(np.exp(-np.abs(sx))))
    e = np.exp(-np.abs(sx))
    one_minus_pt = np.where(sx >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
    per = -(one_minus_pt**gamma) * log_pt
    if alpha is not None:
        per = per * (alpha * y + (1.0 - alpha) * (1.0 - y))
    return float(np.mean(per))


def pinball_loss(y_true: np.ndarray, y_pred: np.ndarray, q: float) -> float:
    """Pinball (quantile) loss at level ``q``, mean reduction.

    With the residual ``e = y_true - y_pred`` (positive when the prediction is
    too low), each element costs ``q * e`` if ``e >= 0`` and ``(q - 1) * e``
    if ``e < 0`` (equivalently ``max(q * e, (q - 1) * e)``), so
    under-prediction costs ``q`` per unit and over-prediction ``1 - q``. The
    result is the mean over all elements. The constant prediction that
    minimizes it over a sample is a ``q``-quantile of the sample. This is
    ``sklearn.metrics.mean_pinball_loss(y_true, y_pred, alpha=q)``.

    Args:
        y_true: array of any shape with at least one element, any real dtype.
        y_pred: array of the same shape, any real dtype.
        q: the quantile level, a float with ``0 < q < 1``.

    Returns:
        The loss as a Python float, computed in float64. The inputs are not
        modified.

    Raises:
        ValueError: if ``q`` is not strictly between 0 and 1 (checked before
            anything else).
    """
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must be strictly between 0 and 1, got {q}")
    e = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(np.maximum(q * e, (q - 1.0) * e)))
