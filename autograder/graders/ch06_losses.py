"""Hidden graders of chapter 6 (loss functions).

torch is the oracle wherever it implements the loss (``mse_loss``,
``l1_loss``, ``huber_loss``, ``smooth_l1_loss``,
``binary_cross_entropy_with_logits``, ``cross_entropy``, and autograd for
the gradients), always in float64. log-cosh and focal loss are built from
stable torch primitives (``logaddexp``, ``logsigmoid``); the pinball loss is
checked against ``sklearn.metrics.mean_pinball_loss``, against properties
(the minimizing constant is the sample quantile) and against the reference.

Tolerances: values rtol 1e-9, atol 1e-12 unless a test says otherwise (all
correct float64 formulas agree to about 1e-15 here).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch06_losses as ref

RTOL = 1e-9
ATOL = 1e-12


# --------------------------------------------------------------------------
# helpers (grader side only)


def _t(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64))


def _value(fn, *args, **kw) -> float:
    """Call ``fn`` with copies of the array arguments; check the result."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    got = fn(*copies, **kw)
    expect(
        all(
            c.dtype == a.dtype and np.array_equal(c, a, equal_nan=True)
            for c, a in zip(copies, args, strict=True)
            if isinstance(a, np.ndarray)
        ),
        "the function modified the arrays it was given; leave inputs untouched",
    )
    expect(
        isinstance(got, (float, np.floating)),
        f"the loss must be returned as a Python float, not {type(got).__name__}",
    )
    return float(got)


def _array(fn, *args, shape, **kw) -> np.ndarray:
    """Call ``fn`` with copies of the array arguments; check the result."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    got = fn(*copies, **kw)
    expect(
        all(
            np.array_equal(c, a, equal_nan=True)
            for c, a in zip(copies, args, strict=True)
            if isinstance(a, np.ndarray)
        ),
        "the function modified the arrays it was given; leave inputs untouched",
    )
    expect(isinstance(got, np.ndarray), "the gradient must be a numpy array")
    expect(got.shape == tuple(shape), "the gradient must have the shape of the input")
    expect(got.dtype == np.float64, "the gradient must be a float64 array")
    return got


def _close(got: float, want: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return math.isclose(got, want, rel_tol=rtol, abs_tol=atol)


def _pairs(seed: int, shapes, scale: float = 2.0):
    """(y_true, y_pred) pairs of several shapes, seeded."""
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        y_true = rng.normal(size=s)
        y_pred = y_true + scale * rng.standard_t(3, size=s)
        out.append((y_true, y_pred))
    return out


SHAPES = [(7,), (3, 5), (2, 3, 4), (1,)]


# --------------------------------------------------------------------------
# regression losses


@grader("regression_losses", points=1, hint="mse is mean((y_pred - y_true)**2).")
def test_mse_matches_torch(student):
    for y_true, y_pred in _pairs(600, SHAPES):
        got = _value(student.mse, y_true, y_pred)
        want = F.mse_loss(_t(y_pred), _t(y_true)).item()
        assert _close(got, want)
    # integer inputs are converted to float64 (no integer overflow or rounding)
    got = _value(student.mse, np.array([0, 3, -2]), np.array([1, 1, 1]))
    assert _close(got, 14.0 / 3)


@grader("regression_losses", points=1, hint="mae is mean(|y_pred - y_true|).")
def test_mae_matches_torch(student):
    for y_true, y_pred in _pairs(601, SHAPES):
        got = _value(student.mae, y_true, y_pred)
        want = F.l1_loss(_t(y_pred), _t(y_true)).item()
        assert _close(got, want)


HUBER_HINT = (
    "0.5 * d**2 where |d| <= delta, delta * (|d| - 0.5 * delta) elsewhere, "
    "then the mean. Smooth L1 divides by delta; Huber does not."
)


@grader("regression_losses", points=1, hint=HUBER_HINT)
def test_huber_default_delta(student):
    for y_true, y_pred in _pairs(602, SHAPES):
        got = _value(student.huber, y_true, y_pred)
        want = F.huber_loss(_t(y_pred), _t(y_true), delta=1.0).item()
        assert _close(got, want)


@grader("regression_losses", points=2, hint=HUBER_HINT)
def test_huber_other_deltas(student):
    rng = np.random.default_rng(603)
    for delta in (0.1, 0.5, 2.5, 7.0):
        y_true = rng.normal(size=30)
        d = rng.normal(scale=2 * delta, size=30)
        d[:4] = [delta, -delta, 0.0, 3 * delta]  # the boundary and beyond
        y_pred = y_true + d
        got = _value(student.huber, y_true, y_pred, delta=delta)
        want = F.huber_loss(_t(y_pred), _t(y_true), delta=delta).item()
        assert _close(got, want)
        smooth = F.smooth_l1_loss(_t(y_pred), _t(y_true), beta=delta).item()
        assert _close(got, delta * smooth)


def _torch_log_cosh(d: np.ndarray) -> float:
    x = _t(d)
    return (torch.logaddexp(x, -x) - math.log(2.0)).mean().item()


@grader(
    "regression_losses",
    points=1,
    hint="log_cosh is mean(log(cosh(y_pred - y_true))); check small errors too.",
)
def test_log_cosh_moderate_errors(student):
    for y_true, y_pred in _pairs(604, SHAPES):
        got = _value(student.log_cosh, y_true, y_pred)
        assert _close(got, _torch_log_cosh(y_pred - y_true))
    # tiny errors: log(cosh(d)) ~ d**2 / 2
    d = np.array([1e-4, -3e-5, 2e-3, 0.0])
    got = _value(student.log_cosh, np.zeros(4), d)
    assert _close(got, float(np.mean(d * d / 2)), rtol=1e-5, atol=1e-15)


@grader(
    "regression_losses",
    points=2,
    hint="cosh overflows float64 for |d| > 710. Use "
    "log(cosh(d)) = |d| + log1p(exp(-2|d|)) - log(2).",
)
def test_log_cosh_large_errors(student):
    cases = [
        (np.array([0.0]), np.array([1000.0])),
        (np.array([0.0, 1.0, 2.0, -5.0]), np.array([-800.0, 5001.0, 1e6, -5.25])),
        (np.array([1.0]), np.array([1e300])),
    ]
    for y_true, y_pred in cases:
        got = _value(student.log_cosh, y_true, y_pred)
        expect(math.isfinite(got), "log_cosh returned inf or nan for a large error")
        want = ref.log_cosh(y_true, y_pred)
        assert _close(got, want)
    assert _close(_torch_log_cosh(np.array([1000.0])), 999.3068528194401)


# --------------------------------------------------------------------------
# gradients of the regression losses


def _autograd(kind: str, y_true: np.ndarray, y_pred: np.ndarray, delta: float = 1.0):
    p = _t(y_pred).requires_grad_(True)
    t = _t(y_true)
    if kind == "mse":
        loss = F.mse_loss(p, t)
    elif kind == "mae":
        loss = F.l1_loss(p, t)
    elif kind == "huber":
        loss = F.huber_loss(p, t, delta=delta)
    else:
        d = p - t
        loss = (torch.logaddexp(d, -d) - math.log(2.0)).mean()
    loss.backward()
    return p.grad.numpy()


def _check_grad(student, kind, seed, deltas=(1.0,), extra=None):
    cases = _pairs(seed, SHAPES)
    if extra is not None:
        cases.append(extra)
    for delta in deltas:
        for y_true, y_pred in cases:
            got = _array(
                student.regression_loss_grad,
                kind,
                y_true,
                y_pred,
                shape=y_pred.shape,
                delta=delta,
            )
            want = _autograd(kind, y_true, y_pred, delta)
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-15)


GRAD_HINT = (
    "Differentiate the *mean* loss with respect to y_pred, with "
    "d = y_pred - y_true: every element of the gradient carries a 1 / N."
)


@grader("regression_grad", points=1, hint=GRAD_HINT + " For mse: 2 * d / N.")
def test_grad_mse(student):
    _check_grad(student, "mse", 610)


@grader(
    "regression_grad",
    points=1,
    hint=GRAD_HINT + " For mae: sign(d) / N, and 0 where d == 0.",
)
def test_grad_mae_with_exact_zeros(student):
    y_true = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y_pred = np.array([[1.0, 2.5, 3.0], [3.0, 5.0, 9.0]])  # three exact zeros
    _check_grad(student, "mae", 611, extra=(y_true, y_pred))


@grader(
    "regression_grad",
    points=2,
    hint=GRAD_HINT + " For huber: clip(d, -delta, delta) / N.",
)
def test_grad_huber(student):
    rng = np.random.default_rng(612)
    y_true = rng.normal(size=12)
    y_pred = y_true + np.array(
        [0.3, -0.3, 1.0, -1.0, 2.0, -2.0, 5, -5, 0, 0.7, 9, -0.1]
    )
    _check_grad(student, "huber", 612, deltas=(1.0, 0.3, 2.5), extra=(y_true, y_pred))


@grader(
    "regression_grad",
    points=1,
    hint=GRAD_HINT + " For log_cosh: tanh(d) / N, which never overflows.",
)
def test_grad_log_cosh(student):
    y_true = np.array([0.0, 0.0, 1.0, -2.0, 3.0])
    y_pred = np.array([1000.0, -1000.0, 1.0, -2.5, 1e5])
    _check_grad(student, "log_cosh", 613, extra=(y_true, y_pred))


@grader(
    "regression_grad",
    points=1,
    hint="Raise ValueError for an unknown kind; return a new float64 array of "
    "the input's shape; accept integer inputs.",
)
def test_grad_contract(student):
    for bad in ("rmse", "MSE", "l1", ""):
        try:
            student.regression_loss_grad(bad, np.zeros(3), np.ones(3))
        except ValueError:
            pass
        else:
            expect(
                False, f"regression_loss_grad({bad!r}, ...) did not raise ValueError"
            )
    y_true = np.array([[1, 2], [3, 4]])
    y_pred = np.array([[2, 2], [1, 7]])
    for kind in ("mse", "mae", "huber", "log_cosh"):
        got = _array(student.regression_loss_grad, kind, y_true, y_pred, shape=(2, 2))
        want = _autograd(kind, y_true, y_pred)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-15)


# --------------------------------------------------------------------------
# binary cross-entropy on logits


def _torch_bce(x, y, pos_weight=None):
    pw = (
        None
        if pos_weight is None
        else torch.tensor(float(pos_weight), dtype=torch.float64)
    )
    return F.binary_cross_entropy_with_logits(_t(x), _t(y), pos_weight=pw).item()


def _torch_bce_grad(x, y, pos_weight=None):
    xt = _t(x).requires_grad_(True)
    pw = (
        None
        if pos_weight is None
        else torch.tensor(float(pos_weight), dtype=torch.float64)
    )
    F.binary_cross_entropy_with_logits(xt, _t(y), pos_weight=pw).backward()
    return xt.grad.numpy()


def _bce_cases(seed, soft=False):
    rng = np.random.default_rng(seed)
    out = []
    for s in [(50,), (4, 5), (1,)]:
        x = 3.0 * rng.normal(size=s)
        y = rng.uniform(size=s) if soft else (rng.uniform(size=s) < 0.4).astype(float)
        out.append((x, y))
    return out


EXTREME_X = np.array([1000.0, -1000.0, 0.0, 3.0, 50.0, -50.0, 1e5, -1e5, 40.0, -40.0])
EXTREME_Y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])

BCE_HINT = (
    "Per element: w * y * softplus(-x) + (1 - y) * softplus(x), with "
    "softplus(z) = max(z, 0) + log1p(exp(-|z|)); then the mean."
)


@grader("bce", points=2, hint=BCE_HINT)
def test_bce_matches_torch(student):
    for x, y in _bce_cases(620):
        got = _value(student.bce_with_logits, x, y)
        assert _close(got, _torch_bce(x, y))


@grader(
    "bce",
    points=2,
    hint="Never clip probabilities and never form exp(|x|) for large |x|: "
    "a confident wrong logit x must cost about |x|.",
)
def test_bce_extreme_logits(student):
    got = _value(student.bce_with_logits, EXTREME_X[:4], EXTREME_Y[:4])
    expect(math.isfinite(got), "bce_with_logits returned inf or nan for logits ±1000")
    assert _close(got, 500.9354336330334)
    got = _value(student.bce_with_logits, EXTREME_X, EXTREME_Y)
    expect(math.isfinite(got), "bce_with_logits returned inf or nan for large logits")
    assert _close(got, _torch_bce(EXTREME_X, EXTREME_Y))
    got = _value(
        student.bce_with_logits, np.array([1e300, -1e300]), np.array([1.0, 0.0])
    )
    assert got == 0.0 or _close(got, 0.0)


@grader("bce", points=1, hint=BCE_HINT + " Targets may be any value in [0, 1].")
def test_bce_soft_targets(student):
    for x, y in _bce_cases(621, soft=True):
        got = _value(student.bce_with_logits, x, y)
        assert _close(got, _torch_bce(x, y))


@grader(
    "bce",
    points=1,
    hint="pos_weight multiplies only the positive term y * log(sigmoid(x)).",
)
def test_bce_pos_weight(student):
    cases = _bce_cases(622) + [(EXTREME_X, EXTREME_Y)] + _bce_cases(623, soft=True)
    for pw in (3.0, 0.25):
        for x, y in cases:
            got = _value(student.bce_with_logits, x, y, pos_weight=pw)
            assert _close(got, _torch_bce(x, y, pw))


@grader(
    "bce",
    points=2,
    hint="The gradient of the mean BCE is (sigmoid(x) - y) / N; compute "
    "sigmoid without overflow.",
)
def test_bce_grad_matches_autograd(student):
    cases = _bce_cases(624) + _bce_cases(625, soft=True) + [(EXTREME_X, EXTREME_Y)]
    for x, y in cases:
        got = _array(student.bce_with_logits_grad, x, y, shape=x.shape)
        np.testing.assert_allclose(got, _torch_bce_grad(x, y), rtol=RTOL, atol=1e-15)


@grader(
    "bce",
    points=1,
    hint="With pos_weight w: (sigmoid(x) * (w * y + 1 - y) - w * y) / N.",
)
def test_bce_grad_pos_weight(student):
    cases = _bce_cases(626) + [(EXTREME_X, EXTREME_Y)] + _bce_cases(627, soft=True)
    for pw in (3.0, 0.25):
        for x, y in cases:
            got = _array(
                student.bce_with_logits_grad, x, y, shape=x.shape, pos_weight=pw
            )
            want = _torch_bce_grad(x, y, pw)
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-15)


# --------------------------------------------------------------------------
# multi-class cross-entropy


def _torch_ce(logits, targets, eps=0.0, ignore_index=None):
    kw = {"label_smoothing": eps}
    if ignore_index is not None:
        kw["ignore_index"] = int(ignore_index)
    return F.cross_entropy(
        _t(logits), torch.tensor(targets, dtype=torch.int64), **kw
    ).item()


def _ce_case(seed, n=20, c=7, scale=3.0):
    rng = np.random.default_rng(seed)
    logits = scale * rng.normal(size=(n, c))
    targets = rng.integers(0, c, size=n)
    return logits, targets


def _ce(student, logits, targets, **kw) -> float:
    return _value(student.cross_entropy, logits, targets, **kw)


@grader(
    "cross_entropy",
    points=2,
    hint="Mean over rows of -log_softmax(logits)[i, target_i].",
)
def test_ce_plain_matches_torch(student):
    for seed, n, c in [(630, 20, 7), (631, 1, 3), (632, 9, 2), (633, 5, 1)]:
        logits, targets = _ce_case(seed, n, c)
        assert _close(_ce(student, logits, targets), _torch_ce(logits, targets))


@grader(
    "cross_entropy",
    points=1,
    hint="Subtract each row's maximum before exp (log-sum-exp), so that huge "
    "logits neither overflow nor give log(0).",
)
def test_ce_large_logits(student):
    logits, targets = _ce_case(634, 12, 5, scale=1e4)
    logits[:3] += 1e6
    got = _ce(student, logits, targets)
    expect(math.isfinite(got), "cross_entropy returned inf or nan for large logits")
    assert _close(got, _torch_ce(logits, targets))
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1e4, 0.0, 0.0]])
    got = _ce(student, logits, np.array([0, 1, 2]))
    assert _close(got, 3333.5456931797667)


@grader(
    "cross_entropy",
    points=2,
    hint="Torch's label smoothing: (1 - eps) * NLL + eps * mean over all C "
    "classes of -log p (eps / C on every class, the true one included).",
)
def test_ce_label_smoothing(student):
    for seed, eps in [(635, 0.1), (636, 0.3), (637, 1.0)]:
        logits, targets = _ce_case(seed)
        got = _ce(student, logits, targets, label_smoothing=eps)
        assert _close(got, _torch_ce(logits, targets, eps))


@grader(
    "cross_entropy",
    points=2,
    hint="Drop the rows whose target equals ignore_index before anything "
    "else: the mean is over the kept rows only, for both terms.",
)
def test_ce_ignore_index(student):
    for seed, ignore, eps in [(638, -100, 0.0), (639, 3, 0.0), (640, -100, 0.2)]:
        logits, targets = _ce_case(seed, n=16, c=6)
        targets[[1, 4, 5, 11]] = ignore
        got = _ce(student, logits, targets, label_smoothing=eps, ignore_index=ignore)
        assert _close(got, _torch_ce(logits, targets, eps, ignore))
    # rows with large logits that are ignored must not matter
    logits, targets = _ce_case(641, n=6, c=4)
    logits[0] = [1e5, -1e5, 0.0, 3.0]
    targets[0] = 7
    got = _ce(student, logits, targets, label_smoothing=0.1, ignore_index=7)
    assert _close(got, _torch_ce(logits, targets, 0.1, 7))


@grader(
    "cross_entropy",
    points=1,
    hint="When every row is ignored there is nothing to average: return nan, "
    "as torch does. ignore_index=None ignores nothing.",
)
def test_ce_all_ignored_and_none(student):
    logits, targets = _ce_case(642, n=4, c=3)
    got = _ce(student, logits, np.full(4, -1), ignore_index=-1)
    expect(math.isnan(got), "with every row ignored the result must be nan")
    got = _ce(student, logits, np.full(4, 2), label_smoothing=0.1, ignore_index=2)
    expect(math.isnan(got), "with every row ignored the result must be nan")
    got = _ce(student, logits, targets, ignore_index=None)
    assert _close(got, _torch_ce(logits, targets))


# --------------------------------------------------------------------------
# focal loss


def _torch_focal(x, y, gamma, alpha=None):
    xt, yt = _t(x), _t(y)
    s = 2 * yt - 1
    log_pt = F.logsigmoid(s * xt)
    one_minus_pt = torch.sigmoid(-s * xt)
    per = -(one_minus_pt**gamma) * log_pt
    if alpha is not None:
        per = per * (alpha * yt + (1 - alpha) * (1 - yt))
    return per.mean().item()


def _focal_cases(seed):
    rng = np.random.default_rng(seed)
    out = []
    for s in [(40,), (3, 6), (1,)]:
        x = 3.0 * rng.normal(size=s)
        y = (rng.uniform(size=s) < 0.3).astype(float)
        out.append((x, y))
    return out


FOCAL_HINT = (
    "p_t = sigmoid(x) for y = 1 and 1 - sigmoid(x) for y = 0; each element "
    "costs -alpha_t * (1 - p_t)**gamma * log(p_t); then the mean."
)


@grader("focal_loss", points=2, hint=FOCAL_HINT)
def test_focal_without_alpha(student):
    for gamma in (2.0, 0.5, 3.0):
        for x, y in _focal_cases(650):
            got = _value(student.focal_loss, x, y, gamma=gamma)
            assert _close(got, _torch_focal(x, y, gamma))


@grader(
    "focal_loss",
    points=2,
    hint="alpha_t = alpha where y = 1 and 1 - alpha where y = 0.",
)
def test_focal_with_alpha(student):
    for gamma, alpha in [(2.0, 0.25), (1.0, 0.9), (0.0, 0.5)]:
        for x, y in _focal_cases(651):
            got = _value(student.focal_loss, x, y, gamma=gamma, alpha=alpha)
            assert _close(got, _torch_focal(x, y, gamma, alpha))


@grader(
    "focal_loss",
    points=1,
    hint="With gamma = 0 and alpha = None the focal loss is plain BCE on logits.",
)
def test_focal_gamma_zero_is_bce(student):
    for x, y in _focal_cases(652):
        got = _value(student.focal_loss, x, y, gamma=0.0)
        assert _close(got, _torch_bce(x, y))


@grader(
    "focal_loss",
    points=1,
    hint="Compute log(p_t) as a stable log-sigmoid of (2y - 1) * x, and "
    "1 - p_t as sigmoid(-(2y - 1) * x): no log(0), no overflow.",
)
def test_focal_extreme_logits(student):
    x = np.array([100.0, -100.0, 1000.0, -1000.0, 30.0, -30.0, 0.0, 1e5])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    for gamma, alpha in [(2.0, None), (2.0, 0.25), (0.0, None)]:
        got = _value(student.focal_loss, x, y, gamma=gamma, alpha=alpha)
        expect(math.isfinite(got), "focal_loss returned inf or nan for large logits")
        assert _close(got, _torch_focal(x, y, gamma, alpha))


@grader(
    "focal_loss",
    points=1,
    hint="Focal / BCE for one example is (1 - p_t)**gamma: it shrinks as the "
    "example gets easier (p_t grows), for positives and negatives alike.",
)
def test_focal_down_weights_easy_examples(student):
    gamma = 2.0
    for label in (1.0, 0.0):
        sign = 1.0 if label == 1.0 else -1.0
        ratios = []
        for z in np.linspace(-4.0, 6.0, 11):
            x = np.array([sign * z])
            y = np.array([label])
            focal = _value(student.focal_loss, x, y, gamma=gamma)
            ratios.append(focal / _torch_bce(x, y))
        ratios = np.array(ratios)
        expect(
            np.all(np.diff(ratios) < 0),
            "focal / BCE must decrease as p_t grows (easier examples count less)",
        )
        p_t = 1.0 / (1.0 + np.exp(-np.linspace(-4.0, 6.0, 11)))
        np.testing.assert_allclose(ratios, (1.0 - p_t) ** gamma, rtol=1e-9)


# --------------------------------------------------------------------------
# pinball loss


PINBALL_HINT = (
    "e = y_true - y_pred; each element costs q * e if e >= 0 and (q - 1) * e "
    "otherwise; then the mean."
)


@grader("pinball_loss", points=2, hint=PINBALL_HINT)
def test_pinball_matches_sklearn(student):
    from sklearn.metrics import mean_pinball_loss

    rng = np.random.default_rng(660)
    for q in (0.1, 0.37, 0.5, 0.9, 0.99):
        for shape in [(25,), (1,)]:
            y_true = rng.normal(size=shape)
            y_pred = rng.normal(size=shape)
            got = _value(student.pinball_loss, y_true, y_pred, q)
            want = mean_pinball_loss(y_true, y_pred, alpha=q)
            assert _close(got, want)
    got = _value(student.pinball_loss, np.ones((2, 3)), np.zeros((2, 3)), 0.9)
    assert _close(got, 0.9)


@grader(
    "pinball_loss",
    points=2,
    hint="The best constant prediction under the q-pinball loss is the sample's "
    "q-quantile: under-prediction must cost q per unit, over-prediction 1 - q.",
)
def test_pinball_minimizer_is_quantile(student):
    rng = np.random.default_rng(661)
    y = rng.lognormal(size=101)
    order = np.sort(y)
    for q in (0.1, 0.5, 0.9):
        losses = np.array(
            [_value(student.pinball_loss, y, np.full(y.shape, c), q) for c in order]
        )
        k = math.ceil(q * y.size) - 1  # 0-based index of the q-quantile
        expect(
            int(np.argmin(losses)) == k,
            f"the constant that minimizes your loss at q = {q} is not the "
            "sample's q-quantile",
        )


@grader(
    "pinball_loss",
    points=1,
    hint="At q = 0.5 the pinball loss is half the mean absolute error.",
)
def test_pinball_half_mae(student):
    rng = np.random.default_rng(662)
    y_true, y_pred = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    got = _value(student.pinball_loss, y_true, y_pred, 0.5)
    assert _close(got, 0.5 * float(np.mean(np.abs(y_true - y_pred))))


@grader(
    "pinball_loss",
    points=1,
    hint="Raise ValueError unless 0 < q < 1 (0 and 1 themselves are refused).",
)
def test_pinball_rejects_bad_q(student):
    for q in (0.0, 1.0, -0.2, 1.5):
        try:
            student.pinball_loss(np.zeros(3), np.ones(3), q)
        except ValueError:
            pass
        else:
            expect(False, f"pinball_loss(..., q={q}) did not raise ValueError")
    for q in (1e-3, 0.999):
        got = _value(student.pinball_loss, np.zeros(3), np.ones(3), q)
        assert _close(got, 1.0 - q)
