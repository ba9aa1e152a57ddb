"""Plausible wrong answers to chapter 3; each must lose points."""

import numpy as np

from solutions.ch03_perceptron import XOR_X, XOR_Y
from tests.mistakes import mistake

# --------------------------------------------------------------------------
# perceptron_train


@mistake("perceptron_train", "never updates its bias", typical=True)
def perceptron_no_bias(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=np.float64)
    b = float(b0)
    errors = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1 if x_i @ w + b > 0 else 0
            if y_hat != y_i:
                count += 1
                w = w + lr * (y_i - y_hat) * x_i
        errors.append(count)
    return w, b, errors


@mistake("perceptron_train", "predicts 1 when w·x + b >= 0 (not strictly)")
def perceptron_non_strict(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=np.float64)
    b = float(b0)
    errors = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1 if x_i @ w + b >= 0 else 0
            if y_hat != y_i:
                count += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
        errors.append(count)
    return w, b, errors


@mistake("perceptron_train", "batch updates: sums the epoch's corrections")
def perceptron_batch(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=np.float64)
    b = float(b0)
    errors = []
    for _ in range(epochs):
        y_hat = (X @ w + b > 0).astype(np.float64)
        errors.append(int(np.sum(y_hat != y)))
        w = w + lr * (y - y_hat) @ X
        b = b + lr * float(np.sum(y - y_hat))
    return w, b, errors


@mistake("perceptron_train", "counts errors with the weights after the epoch")
def perceptron_errors_after(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=np.float64)
    b = float(b0)
    errors = []
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            w = w + lr * (y_i - y_hat) * x_i
            b = b + lr * (y_i - y_hat)
        errors.append(int(np.sum((X @ w + b > 0) != y)))
    return w, b, errors


@mistake("perceptron_train", "stops early at the first epoch without errors")
def perceptron_early_stop(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=np.float64)
    b = float(b0)
    errors = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1 if x_i @ w + b > 0 else 0
            if y_hat != y_i:
                count += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
        errors.append(count)
        if count == 0:
            break
    return w, b, errors


@mistake("perceptron_train", "updates the caller's w0 in place")
def perceptron_mutates_w0(X, y, lr=0.1, epochs=10, w0=None, b0=0.0):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1]) if w0 is None else w0
    b = float(b0)
    errors = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1 if x_i @ w + b > 0 else 0
            if y_hat != y_i:
                count += 1
                w += lr * (y_i - y_hat) * x_i
                b += lr * (y_i - y_hat)
        errors.append(count)
    return w, b, errors


# --------------------------------------------------------------------------
# activations


@mistake("sigmoid", "naive 1 / (1 + exp(-x)) overflows for x < -709")
def sigmoid_naive(x):
    x = np.asarray(x, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-x))


@mistake("sigmoid", "np.where evaluates both branches, so exp still overflows")
def sigmoid_where_both_branches(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))


@mistake("sigmoid_grad", "takes the activated value s, not x", typical=True)
def sigmoid_grad_of_output(x):
    x = np.asarray(x, dtype=np.float64)
    return x * (1.0 - x)


@mistake("sigmoid_grad", "naive sigmoid inside the derivative overflows")
def sigmoid_grad_naive(x):
    s = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
    return s * (1.0 - s)


@mistake("tanh_grad", "takes the activated value tanh(x), not x")
def tanh_grad_of_output(x):
    x = np.asarray(x, dtype=np.float64)
    return 1.0 - x**2


@mistake("relu", "np.maximum(x, 0) keeps an integer dtype")
def relu_keeps_dtype(x):
    return np.maximum(x, 0)


@mistake("relu_grad", "uses 1 at x == 0 (x >= 0)")
def relu_grad_one_at_zero(x):
    return (np.asarray(x) >= 0).astype(np.float64)


# --------------------------------------------------------------------------
# init_mlp and mlp_forward


@mistake("init_mlp", "he with std sqrt(1 / fan_in) (that is LeCun's scale)")
def init_mlp_lecun_as_he(layer_sizes, rng, scheme="he"):
    if scheme not in ("he", "xavier"):
        raise ValueError(scheme)
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if scheme == "he":
            std = np.sqrt(1.0 / fan_in)
        else:
            std = np.sqrt(2.0 / (fan_in + fan_out))
        params.append((std * rng.standard_normal((fan_in, fan_out)), np.zeros(fan_out)))
    return params


@mistake("init_mlp", "xavier with std 1 / sqrt(fan_in)")
def init_mlp_wrong_xavier(layer_sizes, rng, scheme="he"):
    if scheme not in ("he", "xavier"):
        raise ValueError(scheme)
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        std = np.sqrt(2.0 / fan_in) if scheme == "he" else 1.0 / np.sqrt(fan_in)
        params.append((std * rng.standard_normal((fan_in, fan_out)), np.zeros(fan_out)))
    return params


@mistake("init_mlp", "PyTorch's (fan_out, fan_in) weight layout")
def init_mlp_transposed(layer_sizes, rng, scheme="he"):
    if scheme not in ("he", "xavier"):
        raise ValueError(scheme)
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if scheme == "he":
            std = np.sqrt(2.0 / fan_in)
        else:
            std = np.sqrt(2.0 / (fan_in + fan_out))
        params.append((std * rng.standard_normal((fan_out, fan_in)), np.zeros(fan_out)))
    return params


@mistake("init_mlp", "draws the biases at random as well")
def init_mlp_random_bias(layer_sizes, rng, scheme="he"):
    if scheme not in ("he", "xavier"):
        raise ValueError(scheme)
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if scheme == "he":
            std = np.sqrt(2.0 / fan_in)
        else:
            std = np.sqrt(2.0 / (fan_in + fan_out))
        W = std * rng.standard_normal((fan_in, fan_out))
        params.append((W, std * rng.standard_normal(fan_out)))
    return params


@mistake("mlp_forward", "applies the activation after the output layer too")
def mlp_forward_activates_output(X, params, activation="relu"):
    acts = {
        "relu": lambda a: np.maximum(a, 0.0),
        "sigmoid": lambda a: np.exp(-np.logaddexp(0.0, -a)),
        "tanh": np.tanh,
    }
    if activation not in acts:
        raise ValueError(activation)
    H = np.asarray(X, dtype=np.float64)
    for W, b in params:
        H = acts[activation](H @ W + b)
    return H


@mistake("mlp_forward", "multiplies by W.T (PyTorch's layout)")
def mlp_forward_transposed(X, params, activation="relu"):
    acts = {
        "relu": lambda a: np.maximum(a, 0.0),
        "sigmoid": lambda a: np.exp(-np.logaddexp(0.0, -a)),
        "tanh": np.tanh,
    }
    if activation not in acts:
        raise ValueError(activation)
    H = np.asarray(X, dtype=np.float64)
    for i, (W, b) in enumerate(params):
        H = H @ W.T + b
        if i < len(params) - 1:
            H = acts[activation](H)
    return H


@mistake("mlp_forward", "forgets the biases")
def mlp_forward_no_bias(X, params, activation="relu"):
    acts = {
        "relu": lambda a: np.maximum(a, 0.0),
        "sigmoid": lambda a: np.exp(-np.logaddexp(0.0, -a)),
        "tanh": np.tanh,
    }
    if activation not in acts:
        raise ValueError(activation)
    H = np.asarray(X, dtype=np.float64)
    for i, (W, _b) in enumerate(params):
        H = H @ W
        if i < len(params) - 1:
            H = acts[activation](H)
    return H


@mistake("mlp_forward", "naive sigmoid overflows on saturated units")
def mlp_forward_naive_sigmoid(X, params, activation="relu"):
    acts = {
        "relu": lambda a: np.maximum(a, 0.0),
        "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
        "tanh": np.tanh,
    }
    if activation not in acts:
        raise ValueError(activation)
    H = np.asarray(X, dtype=np.float64)
    for i, (W, b) in enumerate(params):
        H = H @ W + b
        if i < len(params) - 1:
            H = acts[activation](H)
    return H


# --------------------------------------------------------------------------
# train_xor


@mistake("train_xor", "reports MSE while stepping along the BCE gradient", typical=True)
def train_xor_reports_mse(hidden=4, lr=0.5, epochs=5000, seed=0):
    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    b2 = np.zeros(1)
    y = XOR_Y.reshape(-1, 1)
    history = np.empty(epochs)
    for t in range(epochs):
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        history[t] = np.mean((p - y) ** 2)
        dz = (p - y) / 4
        dA1 = (dz @ W2.T) * H * (1 - H)
        W2, b2 = W2 - lr * H.T @ dz, b2 - lr * dz.sum(axis=0)
        W1, b1 = W1 - lr * XOR_X.T @ dA1, b1 - lr * dA1.sum(axis=0)
    return [(W1, b1), (W2, b2)], history


@mistake("train_xor", "sums the gradient over samples (no / m)")
def train_xor_no_mean(hidden=4, lr=0.5, epochs=5000, seed=0):
    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    b2 = np.zeros(1)
    y = XOR_Y.reshape(-1, 1)
    history = np.empty(epochs)
    for t in range(epochs):
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        history[t] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        dz = p - y
        dA1 = (dz @ W2.T) * H * (1 - H)
        W2, b2 = W2 - lr * H.T @ dz, b2 - lr * dz.sum(axis=0)
        W1, b1 = W1 - lr * XOR_X.T @ dA1, b1 - lr * dA1.sum(axis=0)
    return [(W1, b1), (W2, b2)], history


@mistake("train_xor", "draws W2 before W1")
def train_xor_w2_first(hidden=4, lr=0.5, epochs=5000, seed=0):
    rng = np.random.default_rng(seed)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    b2 = np.zeros(1)
    y = XOR_Y.reshape(-1, 1)
    history = np.empty(epochs)
    for t in range(epochs):
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        history[t] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        dz = (p - y) / 4
        dA1 = (dz @ W2.T) * H * (1 - H)
        W2, b2 = W2 - lr * H.T @ dz, b2 - lr * dz.sum(axis=0)
        W1, b1 = W1 - lr * XOR_X.T @ dA1, b1 - lr * dA1.sum(axis=0)
    return [(W1, b1), (W2, b2)], history


@mistake("train_xor", "backpropagates through the already-updated W2")
def train_xor_updated_w2(hidden=4, lr=0.5, epochs=5000, seed=0):
    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    b2 = np.zeros(1)
    y = XOR_Y.reshape(-1, 1)
    history = np.empty(epochs)
    for t in range(epochs):
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        history[t] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        dz = (p - y) / 4
        W2 = W2 - lr * H.T @ dz
        b2 = b2 - lr * dz.sum(axis=0)
        dA1 = (dz @ W2.T) * H * (1 - H)
        W1 = W1 - lr * XOR_X.T @ dA1
        b1 = b1 - lr * dA1.sum(axis=0)
    return [(W1, b1), (W2, b2)], history


@mistake("train_xor", "records the loss after each update")
def train_xor_loss_after(hidden=4, lr=0.5, epochs=5000, seed=0):
    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    b2 = np.zeros(1)
    y = XOR_Y.reshape(-1, 1)
    history = np.empty(epochs)
    for t in range(epochs):
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        dz = (p - y) / 4
        dA1 = (dz @ W2.T) * H * (1 - H)
        W2, b2 = W2 - lr * H.T @ dz, b2 - lr * dz.sum(axis=0)
        W1, b1 = W1 - lr * XOR_X.T @ dA1, b1 - lr * dA1.sum(axis=0)
        H = 1.0 / (1.0 + np.exp(-(XOR_X @ W1 + b1)))
        p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
        history[t] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return [(W1, b1), (W2, b2)], history


# --------------------------------------------------------------------------
# collapse_linear


@mistake("collapse_linear", "multiplies the weights in reverse order")
def collapse_reversed(params):
    W = np.array(params[-1][0], dtype=np.float64)
    b = np.array(params[0][1], dtype=np.float64)
    for W_l, b_l in params[1:]:
        b = b @ W_l + b_l
    for W_l, _ in reversed(params[:-1]):
        W = W @ W_l
    return W, b


@mistake("collapse_linear", "adds the biases without pushing them through")
def collapse_sums_biases(params):
    W = np.array(params[0][0], dtype=np.float64)
    b = np.array(params[0][1], dtype=np.float64)
    for W_l, b_l in params[1:]:
        W = W @ W_l
        b = b + b_l
    return W, b


@mistake("collapse_linear", "keeps only the last layer's bias")
def collapse_last_bias(params):
    W = np.array(params[0][0], dtype=np.float64)
    for W_l, _ in params[1:]:
        W = W @ W_l
    return W, np.array(params[-1][1], dtype=np.float64)


@mistake("collapse_linear", "accumulates into the last layer's bias in place")
def collapse_in_place(params):
    W, b = params[-1]
    for W_l, b_l in reversed(params[:-1]):
        b += b_l @ W
        W = W_l @ W
    return W, b
