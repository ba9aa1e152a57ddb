"""Hidden graders of chapter 3 (perceptron and multilayer networks).

Expected values come from ``solutions.ch03_perceptron``, from torch (sigmoid,
tanh, ReLU, their autograd derivatives, ``nn.Linear`` stacks, the XOR
gradient) or from properties. Perceptron trajectories use dyadic learning
rates and small-integer data, so every sum is exact in float64 and a correct
answer cannot differ from the reference by rounding.
"""

import numpy as np
import torch

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch03_perceptron as ref

X_GATE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])
Y_OR = np.array([0, 1, 1, 1])
Y_XOR = np.array([0, 1, 1, 0])

PERCEPTRON_HINT = (
    "Visit the samples in order and update right after each one; predict 1 "
    "only when w·x + b > 0 (strictly); update the bias too; count an error "
    "before its update; always run all epochs."
)


def _as_errors(errors) -> list[int]:
    expect(
        isinstance(errors, list | tuple | np.ndarray),
        "errors should be a list of ints, one per epoch",
    )
    out = [int(e) for e in errors]
    expect(all(float(e) == int(e) for e in errors), "error counts should be integers")
    return out


def _same_run(got, want, rtol=0.0, atol=0.0) -> None:
    w, b, errors = got
    w_ref, b_ref, errors_ref = want
    w = np.asarray(w)
    expect(w.shape == w_ref.shape, "w has the wrong shape; it should be (d,)")
    assert _as_errors(errors) == errors_ref
    np.testing.assert_allclose(w, w_ref, rtol=rtol, atol=atol)
    np.testing.assert_allclose(float(b), b_ref, rtol=rtol, atol=atol)


@grader("perceptron_train", points=2, hint=PERCEPTRON_HINT)
def test_gate_trajectories(student):
    # note: lr in {1, 0.5} and 0/1 inputs keep all arithmetic exact
    for y in (Y_AND, Y_OR):
        for lr in (1.0, 0.5):
            got = student.perceptron_train(X_GATE.copy(), y.copy(), lr=lr, epochs=7)
            _same_run(got, ref.perceptron_train(X_GATE, y, lr=lr, epochs=7))


@grader(
    "perceptron_train",
    points=1,
    hint="Return exactly `epochs` error counts (no early stopping), a float64 "
    "w of shape (d,) and a float b; epochs=0 gives an empty list.",
)
def test_runs_every_epoch(student):
    w, b, errors = student.perceptron_train(X_GATE.copy(), Y_OR.copy(), 1.0, 12)
    errors = _as_errors(errors)
    expect(len(errors) == 12, "errors must have one entry per epoch, even after 0")
    expect(errors[-1] == 0, "OR is linearly separable; the last epochs have 0 errors")
    w = np.asarray(w)
    expect(w.shape == (2,) and w.dtype == np.float64, "w must be float64, shape (d,)")
    expect(np.ndim(b) == 0 and np.isrealobj(b), "b must be a real scalar")
    w, b, errors = student.perceptron_train(
        X_GATE.copy(), Y_OR.copy(), 1.0, 0, np.array([1.0, -2.0]), 0.5
    )
    expect(len(errors) == 0, "epochs=0 should give an empty error list")
    expect(
        np.array_equal(np.asarray(w), [1.0, -2.0]) and float(b) == 0.5,
        "epochs=0 should return the starting parameters unchanged",
    )


@grader(
    "perceptron_train",
    points=1,
    hint="Start from w0 and b0 when given; copy w0 instead of updating it in "
    "place; leave X and y untouched.",
)
def test_start_point_and_no_mutation(student):
    X = np.array([[2.0, -1.0], [-1.0, 1.0], [0.0, 2.0], [1.0, 1.0], [-2.0, 0.0]])
    y = np.array([1, 0, 1, 1, 0])
    w0 = np.array([-1.0, 0.5])
    args = (X.copy(), y.copy())
    w0_copy = w0.copy()
    got = student.perceptron_train(*args, lr=0.5, epochs=6, w0=w0_copy, b0=1.5)
    expect(np.array_equal(w0_copy, w0), "perceptron_train modified w0")
    expect(
        np.array_equal(args[0], X) and np.array_equal(args[1], y),
        "perceptron_train modified X or y",
    )
    _same_run(got, ref.perceptron_train(X, y, lr=0.5, epochs=6, w0=w0, b0=1.5))


@grader("perceptron_train", points=1, hint=PERCEPTRON_HINT)
def test_separable_integer_data(student):
    rng = np.random.default_rng(3)
    X = rng.integers(-3, 4, size=(40, 3)).astype(np.float64)
    score = X @ np.array([2.0, -1.0, 1.0]) - 0.5  # never 0 on integer points
    y = (score > 0).astype(np.int64)
    got = student.perceptron_train(X.copy(), y.copy(), lr=1.0, epochs=30)
    want = ref.perceptron_train(X, y, lr=1.0, epochs=30)
    assert want[2][-1] == 0  # the data are separable: the reference converges
    _same_run(got, want)


@grader("perceptron_train", points=1, hint=PERCEPTRON_HINT)
def test_real_valued_data(student):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((30, 4))
    y = (X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.3 > 0).astype(np.float64)
    w0 = 0.1 * rng.standard_normal(4)
    got = student.perceptron_train(X.copy(), y.copy(), 0.1, 15, w0.copy(), -0.2)
    _same_run(got, ref.perceptron_train(X, y, 0.1, 15, w0, -0.2), rtol=1e-9, atol=1e-12)


@grader(
    "perceptron_train",
    points=1,
    hint="On XOR no line is right for all four points, so every epoch must "
    "count at least one error.",
)
def test_xor_never_separated(student):
    _, _, errors = student.perceptron_train(X_GATE.copy(), Y_XOR.copy(), 0.1, 100)
    errors = _as_errors(errors)
    expect(len(errors) == 100, "errors must have one entry per epoch")
    expect(min(errors) >= 1, "an epoch on XOR reported 0 errors, which is impossible")


# --------------------------------------------------------------------------
# activations

ACT_NAMES = ("sigmoid", "sigmoid_grad", "tanh_grad", "relu", "relu_grad")


def _torch_grad(fn, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


@grader(
    "activations",
    points=1,
    hint="sigmoid(x) = 1 / (1 + exp(-x)), element-wise, for every shape.",
)
def test_sigmoid_values(student):
    x = 8.0 * np.random.default_rng(0).standard_normal((4, 5))
    got = np.asarray(student.sigmoid(x.copy()))
    expect(got.shape == x.shape, "sigmoid must keep the input's shape")
    want = torch.sigmoid(torch.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


@grader(
    "activations",
    points=2,
    hint="Never compute exp of a large positive number, not even in the branch "
    "np.where discards: use exp(-|x|).",
)
def test_sigmoid_no_overflow(student):
    x = np.array([-1e308, -1000.0, -710.0, -30.0, 0.0, 30.0, 710.0, 1000.0, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            got = np.asarray(student.sigmoid(x.copy()))
        except FloatingPointError:
            expect(False, "sigmoid overflowed (or produced inf/nan) on large |x|")
    want = torch.sigmoid(torch.tensor(x)).numpy()
    expect(np.all(np.isfinite(got)), "sigmoid returned inf or nan")
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


@grader(
    "activations",
    points=1,
    hint="sigmoid_grad takes the pre-activation x and returns s(1-s) with "
    "s = sigmoid(x).",
)
def test_sigmoid_grad_autograd(student):
    x = 4.0 * np.random.default_rng(1).standard_normal((3, 4))
    got = np.asarray(student.sigmoid_grad(x.copy()))
    expect(got.shape == x.shape, "sigmoid_grad must keep the input's shape")
    np.testing.assert_allclose(got, _torch_grad(torch.sigmoid, x), rtol=1e-10)


@grader(
    "activations",
    points=1,
    hint="sigmoid_grad must not overflow either: build it on a stable sigmoid.",
)
def test_sigmoid_grad_extremes(student):
    x = np.array([-1000.0, -750.0, 0.0, 750.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            got = np.asarray(student.sigmoid_grad(x.copy()))
        except FloatingPointError:
            expect(False, "sigmoid_grad overflowed (or produced inf/nan) on large |x|")
    np.testing.assert_allclose(got, [0.0, 0.0, 0.25, 0.0, 0.0], atol=1e-300)


@grader(
    "activations",
    points=1,
    hint="tanh_grad takes the pre-activation x: 1 - tanh(x)**2.",
)
def test_tanh_grad_autograd(student):
    x = 3.0 * np.random.default_rng(2).standard_normal((2, 3, 2))
    got = np.asarray(student.tanh_grad(x.copy()))
    expect(got.shape == x.shape, "tanh_grad must keep the input's shape")
    np.testing.assert_allclose(got, _torch_grad(torch.tanh, x), rtol=1e-10, atol=1e-15)


@grader(
    "activations",
    points=1,
    hint="relu(x) = max(x, 0); relu_grad(x) is 1 where x > 0 and 0 where "
    "x <= 0 (0 at exactly 0, as in PyTorch).",
)
def test_relu_and_grad(student):
    x = np.array([[-2.5, -1e-300, 0.0, 1e-300, 3.0], [0.0, 7.0, -0.0, -4.0, 0.5]])
    got = np.asarray(student.relu(x.copy()))
    np.testing.assert_array_equal(got, torch.relu(torch.tensor(x)).numpy())
    grad = np.asarray(student.relu_grad(x.copy()))
    np.testing.assert_array_equal(grad, _torch_grad(torch.relu, x))


@grader(
    "activations",
    points=1,
    hint="Every activation function returns float64 with the input's shape, "
    "also for int or float32 input, and leaves its input unchanged.",
)
def test_dtypes_shapes_no_mutation(student):
    inputs = [
        np.array([[-2, 0, 3], [1, -1, 5]]),
        np.array([-1.5, 0.0, 2.0, 40.0], dtype=np.float32),
        np.linspace(-3.0, 3.0, 8).reshape(2, 2, 2),
        np.array(0.5),
    ]
    for name in ACT_NAMES:
        fn = getattr(student, name)
        for x in inputs:
            x_copy = x.copy()
            out = np.asarray(fn(x_copy))
            expect(
                np.array_equal(x_copy, x) and x_copy.dtype == x.dtype,
                f"{name} modified its input",
            )
            expect(out.shape == x.shape, f"{name} changed the shape of its input")
            expect(
                out.dtype == np.float64,
                f"{name} returned dtype {out.dtype} for {x.dtype} input; "
                "expected float64",
            )


# --------------------------------------------------------------------------
# init_mlp and mlp_forward

MLP_HINT = (
    "W_l has shape (fan_in, fan_out), one rng.standard_normal call per layer "
    "in layer order, std sqrt(2/fan_in) for 'he' and sqrt(2/(fan_in+fan_out)) "
    "for 'xavier', zero biases."
)
FORWARD_HINT = (
    "Rows are samples: H = act(H @ W + b) on hidden layers, and no activation "
    "after the last layer."
)


def _random_params(sizes, rng, scale=1.0):
    return [
        (
            scale * rng.standard_normal((a, b)),
            rng.standard_normal(b),
        )
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _torch_forward(X, params, activation):
    act = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}
    layers = []
    for i, (W, b) in enumerate(params):
        lin = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T))
            lin.bias.copy_(torch.tensor(b))
        layers.append(lin)
        if i < len(params) - 1:
            layers.append(act[activation]())
    with torch.no_grad():
        return torch.nn.Sequential(*layers)(torch.tensor(X)).numpy()


def _copy_params(params):
    return [(W.copy(), b.copy()) for W, b in params]


@grader("mlp", points=1, hint=MLP_HINT + " An unknown scheme raises ValueError.")
def test_init_shapes(student):
    params = student.init_mlp([4, 7, 3, 2], np.random.default_rng(0), "xavier")
    expect(len(params) == 3, "init_mlp must return one (W, b) pair per layer")
    want = [((4, 7), (7,)), ((7, 3), (3,)), ((3, 2), (2,))]
    for (W, b), (w_shape, b_shape) in zip(params, want, strict=True):
        W, b = np.asarray(W), np.asarray(b)
        expect(W.shape == w_shape, "a weight matrix has the wrong shape")
        expect(b.shape == b_shape, "a bias has the wrong shape")
        expect(W.dtype == np.float64 and b.dtype == np.float64, "use float64")
        expect(np.all(b == 0.0), "biases must start at zero")
    try:
        student.init_mlp([3, 2], np.random.default_rng(0), "uniform")
    except ValueError:
        pass
    else:
        expect(False, "init_mlp accepted an unknown scheme instead of raising")


@grader("mlp", points=2, hint=MLP_HINT)
def test_init_exact_draws(student):
    for scheme in ("he", "xavier"):
        got = student.init_mlp([5, 8, 3, 4], np.random.default_rng(11), scheme)
        want = ref.init_mlp([5, 8, 3, 4], np.random.default_rng(11), scheme)
        expect(len(got) == len(want), "one (W, b) pair per layer")
        for (W, b), (W_ref, b_ref) in zip(got, want, strict=True):
            expect(np.shape(W) == W_ref.shape, "a weight matrix has the wrong shape")
            np.testing.assert_allclose(W, W_ref, rtol=1e-12)
            np.testing.assert_allclose(b, b_ref)


@grader("mlp", points=1, hint=MLP_HINT)
def test_init_scale(student):
    # note: 5e5 draws give the sample std to about 0.1 %; 3 % is generous
    for sizes, scheme, std in (
        ([1000, 500], "he", np.sqrt(2.0 / 1000)),
        ([600, 900], "xavier", np.sqrt(2.0 / 1500)),
    ):
        W = np.asarray(student.init_mlp(sizes, np.random.default_rng(5), scheme)[0][0])
        expect(W.shape == tuple(sizes), "a weight matrix has the wrong shape")
        expect(abs(W.std() / std - 1.0) < 0.03, f"the spread of '{scheme}' is off")
        expect(abs(W.mean()) < 0.03 * std, f"'{scheme}' weights are not centred")


@grader("mlp", points=2, hint=FORWARD_HINT)
def test_forward_relu_vs_torch(student):
    rng = np.random.default_rng(21)
    params = _random_params([6, 9, 4, 3], rng)
    X = rng.standard_normal((5, 6))
    got = np.asarray(student.mlp_forward(X.copy(), _copy_params(params), "relu"))
    expect(got.shape == (5, 3), "the output must have shape (n, d_L)")
    want = _torch_forward(X, params, "relu")
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    got = np.asarray(student.mlp_forward(X.copy(), _copy_params(params)))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@grader("mlp", points=1, hint=FORWARD_HINT)
def test_forward_sigmoid_tanh_vs_torch(student):
    rng = np.random.default_rng(22)
    params = _random_params([3, 5, 5, 2], rng)
    X = rng.standard_normal((7, 3))
    for activation in ("sigmoid", "tanh"):
        got = student.mlp_forward(X.copy(), _copy_params(params), activation)
        want = _torch_forward(X, params, activation)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@grader(
    "mlp",
    points=1,
    hint="The sigmoid inside mlp_forward must be overflow-free (pre-activations "
    "can be far beyond ±709).",
)
def test_forward_saturated_sigmoid(student):
    rng = np.random.default_rng(23)
    params = _random_params([4, 6, 1], rng, scale=1000.0)
    X = 10.0 * rng.standard_normal((6, 4))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        try:
            got = student.mlp_forward(X.copy(), _copy_params(params), "sigmoid")
        except FloatingPointError:
            expect(False, "mlp_forward overflowed with a sigmoid activation")
    want = _torch_forward(X, params, "sigmoid")
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@grader(
    "mlp",
    points=1,
    hint="One layer means X @ W + b; do not modify X or params; an unknown "
    "activation raises ValueError.",
)
def test_forward_single_layer_no_mutation(student):
    rng = np.random.default_rng(24)
    params = _random_params([3, 4, 2], rng)
    X = rng.standard_normal((5, 3))
    X_copy, params_copy = X.copy(), _copy_params(params)
    student.mlp_forward(X_copy, params_copy, "tanh")
    expect(np.array_equal(X_copy, X), "mlp_forward modified X")
    expect(
        all(
            np.array_equal(W, W0) and np.array_equal(b, b0)
            for (W, b), (W0, b0) in zip(params_copy, params, strict=True)
        ),
        "mlp_forward modified params",
    )
    got = np.asarray(student.mlp_forward(X.copy(), _copy_params(params[:1]), "relu"))
    expect(got.shape == (5, 4), "with one layer the output has shape (n, d_1)")
    np.testing.assert_allclose(got, X @ params[0][0] + params[0][1], rtol=1e-12)
    try:
        student.mlp_forward(X.copy(), _copy_params(params), "softplus")
    except ValueError:
        pass
    else:
        expect(False, "mlp_forward accepted an unknown activation instead of raising")


# --------------------------------------------------------------------------
# train_xor

XOR_HINT = (
    "Draw W1 then W2 from default_rng(seed) (times 0.5), zero biases; record "
    "the mean BCE before each update; the BCE gradient at the logits is "
    "(p - y) / 4; update all parameters from the same forward pass."
)


def _xor_init(hidden: int, seed: int):
    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    return [W1, np.zeros(hidden), W2, np.zeros(1)]


def _torch_xor_loss(tensors):
    W1, b1, W2, b2 = tensors
    X = torch.tensor(ref.XOR_X)
    y = torch.tensor(ref.XOR_Y).reshape(-1, 1)
    logits = torch.sigmoid(X @ W1 + b1) @ W2 + b2
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, y)


def _flat(params):
    expect(
        isinstance(params, list | tuple) and len(params) == 2,
        "params must be [(W1, b1), (W2, b2)]",
    )
    (W1, b1), (W2, b2) = params
    return [np.asarray(a) for a in (W1, b1, W2, b2)]


@grader(
    "train_xor",
    points=1,
    hint="Return [(W1, b1), (W2, b2)] with shapes (2, h), (h,), (h, 1), (1,) "
    "and a float64 history of shape (epochs,).",
)
def test_xor_shapes(student):
    params, history = student.train_xor(hidden=5, lr=0.5, epochs=3, seed=1)
    shapes = [a.shape for a in _flat(params)]
    expect(shapes == [(2, 5), (5,), (5, 1), (1,)], "a parameter has the wrong shape")
    history = np.asarray(history)
    expect(history.shape == (3,), "history must have shape (epochs,)")
    expect(history.dtype == np.float64, "history must be float64")


@grader("train_xor", points=1, hint=XOR_HINT)
def test_xor_initial_loss(student):
    _, history = student.train_xor(hidden=3, lr=0.8, epochs=1, seed=7)
    tensors = [torch.tensor(a) for a in _xor_init(3, 7)]
    want = _torch_xor_loss(tensors).item()
    np.testing.assert_allclose(np.asarray(history)[0], want, rtol=1e-12)


@grader("train_xor", points=2, hint=XOR_HINT)
def test_xor_one_step_vs_autograd(student):
    params, _ = student.train_xor(hidden=3, lr=0.8, epochs=1, seed=7)
    start = _xor_init(3, 7)
    tensors = [torch.tensor(a, requires_grad=True) for a in start]
    _torch_xor_loss(tensors).backward()
    for got, a, t in zip(_flat(params), start, tensors, strict=True):
        expect(got.shape == a.shape, "a parameter has the wrong shape")
        want = a - 0.8 * t.grad.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


@grader("train_xor", points=1, hint=XOR_HINT)
def test_xor_history_matches(student):
    params, history = student.train_xor(hidden=3, lr=1.0, epochs=300, seed=3)
    want_params, want_history = ref.train_xor(hidden=3, lr=1.0, epochs=300, seed=3)
    history = np.asarray(history)
    expect(history.shape == (300,), "history must have shape (epochs,)")
    np.testing.assert_allclose(history, want_history, rtol=1e-9)
    for got, want in zip(_flat(params), _flat(want_params), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-10)


@grader(
    "train_xor",
    points=2,
    hint="With the default settings the network should classify all four "
    "XOR points and reach a mean BCE below 0.05.",
)
def test_xor_learned(student):
    for seed in (0, 1, 2):
        params, _ = student.train_xor(seed=seed)
        tensors = [torch.tensor(a) for a in _flat(params)]
        with torch.no_grad():
            loss = _torch_xor_loss(tensors).item()
            W1, b1, W2, b2 = tensors
            H = torch.sigmoid(torch.tensor(ref.XOR_X) @ W1 + b1)
            pred = ((H @ W2 + b2).numpy().ravel() > 0).astype(int)
        expect(list(pred) == [0, 1, 1, 0], "the trained network misclassifies XOR")
        expect(loss < 0.05, "the trained network's BCE is not below 0.05")


# --------------------------------------------------------------------------
# collapse_linear

COLLAPSE_HINT = (
    "Row vectors: (X @ W1 + b1) @ W2 + b2 = X @ (W1 @ W2) + (b1 @ W2 + b2); "
    "every earlier bias goes through all later weights."
)


def _linear_stack(X, params):
    H = X
    for W, b in params:
        H = H @ W + b
    return H


@grader("collapse_linear", points=2, hint=COLLAPSE_HINT)
def test_collapse_depths(student):
    rng = np.random.default_rng(31)
    sizes = [4, 6, 3, 5, 2, 3]
    X = rng.standard_normal((10, 4))
    for depth in range(1, 6):
        params = _random_params(sizes[: depth + 1], rng)
        W, b = student.collapse_linear(_copy_params(params))
        W, b = np.asarray(W), np.asarray(b)
        expect(W.shape == (4, sizes[depth]), "W must have shape (d_0, d_L)")
        expect(b.shape == (sizes[depth],), "b must have shape (d_L,)")
        np.testing.assert_allclose(
            X @ W + b, _linear_stack(X, params), rtol=1e-10, atol=1e-10
        )


@grader("collapse_linear", points=1, hint=COLLAPSE_HINT)
def test_collapse_square_layers(student):
    # note: square layers make every wrong multiplication order run silently
    rng = np.random.default_rng(32)
    params = _random_params([4, 4, 4, 4], rng)
    W, b = student.collapse_linear(_copy_params(params))
    W_ref, b_ref = ref.collapse_linear(params)
    np.testing.assert_allclose(W, W_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-12)


@grader(
    "collapse_linear",
    points=1,
    hint="Return new float64 arrays; do not modify params or its arrays.",
)
def test_collapse_no_mutation(student):
    rng = np.random.default_rng(33)
    params = _random_params([3, 5, 2, 2], rng)
    given = _copy_params(params)
    W, b = student.collapse_linear(given)
    expect(
        all(
            np.array_equal(Wg, W0) and np.array_equal(bg, b0)
            for (Wg, bg), (W0, b0) in zip(given, params, strict=True)
        ),
        "collapse_linear modified the layers it was given",
    )
    expect(
        np.asarray(W).dtype == np.float64 and np.asarray(b).dtype == np.float64,
        "W and b must be float64",
    )
    W_ref, b_ref = ref.collapse_linear(params)
    np.testing.assert_allclose(W, W_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-12)
