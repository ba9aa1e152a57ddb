"""Plausible wrong answers for chapter 6 (loss functions)."""

from __future__ import annotations

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# regression losses


@mistake("log_cosh", "naive np.log(np.cosh(d)): inf once |d| > 710", typical=True)
def log_cosh_naive(y_true, y_pred):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(np.log(np.cosh(d))))


@mistake("log_cosh", "stable logaddexp(d, -d) but forgets the - log(2)")
def log_cosh_no_log2(y_true, y_pred):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(np.logaddexp(d, -d)))


@mistake(
    "huber", "linear branch delta * |d| without the -delta**2 / 2 (jumps at delta)"
)
def huber_missing_half(y_true, y_pred, delta=1.0):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    a = np.abs(d)
    return float(np.mean(np.where(a <= delta, 0.5 * d * d, delta * a)))


@mistake("huber", "Smooth L1 (divided by delta) instead of Huber")
def huber_as_smooth_l1(y_true, y_pred, delta=1.0):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    a = np.abs(d)
    return float(np.mean(np.where(a < delta, 0.5 * d * d / delta, a - 0.5 * delta)))


@mistake("mse", "root mean squared error instead of the mean squared error")
def mse_rmse(y_true, y_pred):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.sqrt(np.mean(d * d)))


@mistake("mae", "sum of absolute errors instead of the mean")
def mae_sum(y_true, y_pred):
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.sum(np.abs(d)))


# --------------------------------------------------------------------------
# gradients of the regression losses


@mistake("regression_loss_grad", "sign flipped: differentiates w.r.t. y_true - y_pred")
def regression_loss_grad_flipped(kind, y_true, y_pred, delta=1.0):
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(kind)
    d = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    if kind == "mse":
        g = 2.0 * d
    elif kind == "mae":
        g = np.sign(d)
    elif kind == "huber":
        g = np.clip(d, -delta, delta)
    else:
        g = np.tanh(d)
    return g / d.size


@mistake("regression_loss_grad", "forgets the 1 / N of the mean")
def regression_loss_grad_no_mean(kind, y_true, y_pred, delta=1.0):
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(kind)
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    if kind == "mse":
        return 2.0 * d
    if kind == "mae":
        return np.sign(d)
    if kind == "huber":
        return np.clip(d, -delta, delta)
    return np.tanh(d)


@mistake("regression_loss_grad", "mse gradient d / N without the factor 2")
def regression_loss_grad_mse_no_two(kind, y_true, y_pred, delta=1.0):
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(kind)
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    if kind == "mse":
        g = d
    elif kind == "mae":
        g = np.sign(d)
    elif kind == "huber":
        g = np.clip(d, -delta, delta)
    else:
        g = np.tanh(d)
    return g / d.size


@mistake("regression_loss_grad", "mae gradient +1 where d == 0 (d >= 0 test)")
def regression_loss_grad_sign_zero(kind, y_true, y_pred, delta=1.0):
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(kind)
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    if kind == "mse":
        g = 2.0 * d
    elif kind == "mae":
        g = np.where(d >= 0, 1.0, -1.0)
    elif kind == "huber":
        g = np.clip(d, -delta, delta)
    else:
        g = np.tanh(d)
    return g / d.size


@mistake("regression_loss_grad", "huber gradient clip(d / delta, -1, 1) (Smooth L1's)")
def regression_loss_grad_smooth_l1(kind, y_true, y_pred, delta=1.0):
    if kind not in ("mse", "mae", "huber", "log_cosh"):
        raise ValueError(kind)
    d = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    if kind == "mse":
        g = 2.0 * d
    elif kind == "mae":
        g = np.sign(d)
    elif kind == "huber":
        g = np.clip(d / delta, -1.0, 1.0)
    else:
        g = np.tanh(d)
    return g / d.size


# --------------------------------------------------------------------------
# binary cross-entropy on logits


@mistake(
    "bce_with_logits",
    "sigmoid, clip to [1e-7, 1 - 1e-7], then log, as the book does",
    typical=True,
)
def bce_with_logits_clipped(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight
    p = 1.0 / (1.0 + np.exp(-x))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(-(w * y * np.log(p) + (1 - y) * np.log(1 - p))))


@mistake("bce_with_logits", "log(1 + exp(-x)) written out: overflows for x << 0")
def bce_with_logits_overflow(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight
    sp_neg = np.log(1.0 + np.exp(-x))  # softplus(-x)
    return float(np.mean(w * y * sp_neg + (1 - y) * (x + sp_neg)))


@mistake(
    "bce_with_logits",
    "weights the whole element loss by 1 + (w - 1) * y: wrong for soft targets",
)
def bce_with_logits_weight_all(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight

    def softplus(z):
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))

    per = y * softplus(-x) + (1 - y) * softplus(x)
    return float(np.mean((1 + (w - 1) * y) * per))


@mistake("bce_with_logits", "pos_weight applied to the negative term")
def bce_with_logits_weight_negative(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight

    def softplus(z):
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))

    return float(np.mean(y * softplus(-x) + w * (1 - y) * softplus(x)))


@mistake("bce_with_logits_grad", "gradient y - sigmoid(x): the sign flipped")
def bce_with_logits_grad_flipped(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight
    e = np.exp(-np.abs(x))
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (w * y - sig * (w * y + 1 - y)) / x.size


@mistake("bce_with_logits_grad", "ignores pos_weight in the gradient")
def bce_with_logits_grad_no_weight(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    e = np.exp(-np.abs(x))
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (sig - y) / x.size


@mistake("bce_with_logits_grad", "per-element gradient sigmoid(x) - y, no 1 / N")
def bce_with_logits_grad_no_mean(logits, targets, pos_weight=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = 1.0 if pos_weight is None else pos_weight
    e = np.exp(-np.abs(x))
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return sig * (w * y + 1 - y) - w * y


# --------------------------------------------------------------------------
# multi-class cross-entropy


@mistake(
    "cross_entropy",
    "smoothing puts eps / (C - 1) on the wrong classes only",
    typical=True,
)
def cross_entropy_smooth_others(
    logits, targets, label_smoothing=0.0, ignore_index=None
):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    keep = np.ones(t.shape, bool) if ignore_index is None else t != ignore_index
    if not keep.any():
        return float("nan")
    z, t = z[keep], t[keep]
    n, c = z.shape
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    eps = label_smoothing
    q = np.full((n, c), eps / max(c - 1, 1))
    q[np.arange(n), t] = 1.0 - eps
    return float(np.mean(-(q * log_p).sum(axis=1)))


@mistake("cross_entropy", "ignored rows count in the denominator")
def cross_entropy_divides_by_n(logits, targets, label_smoothing=0.0, ignore_index=None):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    n = t.size
    keep = np.ones(t.shape, bool) if ignore_index is None else t != ignore_index
    if not keep.any():
        return float("nan")
    z, t = z[keep], t[keep]
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    eps = label_smoothing
    per = (1 - eps) * -log_p[np.arange(t.size), t] + eps * -log_p.mean(axis=1)
    return float(per.sum() / n)


@mistake("cross_entropy", "log(softmax) with a plain exp: overflows for large logits")
def cross_entropy_naive_softmax(
    logits, targets, label_smoothing=0.0, ignore_index=None
):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    keep = np.ones(t.shape, bool) if ignore_index is None else t != ignore_index
    if not keep.any():
        return float("nan")
    z, t = z[keep], t[keep]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    log_p = np.log(p)
    eps = label_smoothing
    per = (1 - eps) * -log_p[np.arange(t.size), t] + eps * -log_p.mean(axis=1)
    return float(per.mean())


@mistake("cross_entropy", "smoothing term averaged over all rows, ignored ones too")
def cross_entropy_smooth_unmasked(
    logits, targets, label_smoothing=0.0, ignore_index=None
):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    keep = np.ones(t.shape, bool) if ignore_index is None else t != ignore_index
    if not keep.any():
        return float("nan")
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    eps = label_smoothing
    nll = -log_p[np.arange(t.size)[keep], t[keep]].mean()
    smooth = -log_p.mean(axis=1).mean()
    return float((1 - eps) * nll + eps * smooth)


# --------------------------------------------------------------------------
# focal loss


@mistake("focal_loss", "modulates every example by (1 - sigmoid(x))**gamma, not p_t")
def focal_loss_p_not_pt(logits, targets, gamma=2.0, alpha=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    sx = (2 * y - 1) * x
    log_pt = -(np.maximum(-sx, 0.0) + np.log1p(np.exp(-np.abs(sx))))
    e = np.exp(-np.abs(x))
    one_minus_p = np.where(x >= 0, e / (1 + e), 1 / (1 + e))
    per = -(one_minus_p**gamma) * log_pt
    if alpha is not None:
        per = per * (alpha * y + (1 - alpha) * (1 - y))
    return float(np.mean(per))


@mistake("focal_loss", "alpha multiplies both classes instead of alpha / 1 - alpha")
def focal_loss_alpha_both(logits, targets, gamma=2.0, alpha=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    sx = (2 * y - 1) * x
    log_pt = -(np.maximum(-sx, 0.0) + np.log1p(np.exp(-np.abs(sx))))
    e = np.exp(-np.abs(sx))
    one_minus_pt = np.where(sx >= 0, e / (1 + e), 1 / (1 + e))
    per = -(one_minus_pt**gamma) * log_pt
    if alpha is not None:
        per = alpha * per
    return float(np.mean(per))


@mistake("focal_loss", "sigmoid, then np.log: log(0) = -inf for large logits")
def focal_loss_unstable_log(logits, targets, gamma=2.0, alpha=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-x))
    pt = np.where(y == 1, p, 1 - p)
    per = -((1 - pt) ** gamma) * np.log(pt)
    if alpha is not None:
        per = per * np.where(y == 1, alpha, 1 - alpha)
    return float(np.mean(per))


@mistake("focal_loss", "modulating factor p_t**gamma instead of (1 - p_t)**gamma")
def focal_loss_pt_power(logits, targets, gamma=2.0, alpha=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    sx = (2 * y - 1) * x
    log_pt = -(np.maximum(-sx, 0.0) + np.log1p(np.exp(-np.abs(sx))))
    per = -np.exp(gamma * log_pt) * log_pt
    if alpha is not None:
        per = per * (alpha * y + (1 - alpha) * (1 - y))
    return float(np.mean(per))


@mistake("focal_loss", "alpha and 1 - alpha swapped between the classes")
def focal_loss_alpha_swapped(logits, targets, gamma=2.0, alpha=None):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    sx = (2 * y - 1) * x
    log_pt = -(np.maximum(-sx, 0.0) + np.log1p(np.exp(-np.abs(sx))))
    e = np.exp(-np.abs(sx))
    one_minus_pt = np.where(sx >= 0, e / (1 + e), 1 / (1 + e))
    per = -(one_minus_pt**gamma) * log_pt
    if alpha is not None:
        per = per * ((1 - alpha) * y + alpha * (1 - y))
    return float(np.mean(per))


# --------------------------------------------------------------------------
# pinball loss


@mistake("pinball_loss", "residual y_pred - y_true: fits the 1 - q quantile")
def pinball_loss_flipped(y_true, y_pred, q):
    if not 0 < q < 1:
        raise ValueError(q)
    e = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(np.maximum(q * e, (q - 1) * e)))


@mistake("pinball_loss", "q * |e| on both sides: just a scaled MAE")
def pinball_loss_symmetric(y_true, y_pred, q):
    if not 0 < q < 1:
        raise ValueError(q)
    e = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(q * np.abs(e)))


@mistake("pinball_loss", "typo max(q * e, (1 - q) * e): negative losses")
def pinball_loss_typo(y_true, y_pred, q):
    if not 0 < q < 1:
        raise ValueError(q)
    e = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(np.maximum(q * e, (1 - q) * e)))


@mistake("pinball_loss", "accepts q = 0 and q = 1 (only rejects values outside [0, 1])")
def pinball_loss_closed_interval(y_true, y_pred, q):
    if not 0 <= q <= 1:
        raise ValueError(q)
    e = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(np.maximum(q * e, (q - 1) * e)))
