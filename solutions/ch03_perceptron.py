"""Chapter 3 — perceptron and multilayer networks (reference solutions)."""

from __future__ import annotations

import numpy as np

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


def perceptron_train(
    X: np.ndarray,
    y: np.ndarray,
    lr: float = 0.1,
    epochs: int = 10,
    w0: np.ndarray | None = None,
    b0: float = 0.0,
) -> tuple[np.ndarray, float, list[int]]:
    """Train a perceptron with the online (one sample at a time) rule.

    The perceptron predicts ``1`` when ``x @ w + b > 0`` (strictly) and
    ``0`` otherwise, so a point exactly on the boundary is predicted ``0``.

    Each epoch visits the samples in the given order ``i = 0, 1, ..., n-1``.
    For sample ``i``, using the *current* ``w`` and ``b``:

    1. ``y_hat = 1 if X[i] @ w + b > 0 else 0``;
    2. if ``y_hat != y[i]``, count one error for this epoch;
    3. update immediately, before the next sample is looked at::

           w = w + lr * (y[i] - y_hat) * X[i]
           b = b + lr * (y[i] - y_hat)

       (a correct prediction gives a zero update).

    Training always runs exactly ``epochs`` epochs: it does not stop early
    when an epoch has no errors (later epochs then simply count 0 errors).

    Args:
        X: inputs, shape ``(n, d)``, real numbers (int or float dtype).
        y: targets, shape ``(n,)``, each ``0`` or ``1`` (int or float dtype).
        lr: learning rate, ``lr > 0``.
        epochs: number of passes over the data, ``epochs >= 0``.
        w0: initial weights, shape ``(d,)``; ``None`` means zeros.
        b0: initial bias.

    Returns:
        ``(w, b, errors)``: the final weights as a new float64 array of shape
        ``(d,)``, the final bias as a Python ``float``, and ``errors``, a
        list of ``epochs`` Python ``int``s where ``errors[e]`` is the number
        of samples misclassified during epoch ``e``, each counted with the
        parameters it saw just before its own update. With ``epochs == 0``
        this is ``(copy of w0 or zeros, float(b0), [])``.

    ``X``, ``y`` and ``w0`` are not modified.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if w0 is None:
        w = np.zeros(X.shape[1])
    else:
        w = np.array(w0, dtype=np.float64)  # a copy: w0 stays untouched
    b = float(b0)
    errors: list[int] = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            if y_hat != y_i:
                count += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
        errors.append(count)
    return w, float(b), errors


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, element-wise and overflow-free.

    ``np.exp(-x)`` overflows (and numpy warns) once ``-x`` exceeds about 709.
    This function must never evaluate ``exp`` of a large positive number,
    not even in a branch whose result is thrown away (``np.where`` evaluates
    both branches): under ``np.errstate(over="raise")`` it must not raise for
    any finite input. One way: with ``z = exp(-|x|)`` (always in ``(0, 1]``),
    ``sigmoid(x) = 1 / (1 + z)`` where ``x >= 0`` and ``z / (1 + z)``
    where ``x < 0``. ``scipy.special.expit`` is also fine.

    Args:
        x: array of any shape (0-d included), int or float dtype.

    Returns:
        float64 array of the same shape. ``sigmoid(1000) == 1`` and
        ``sigmoid(-1000) == 0``. ``x`` is not modified.
    """
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid, taken at the pre-activation ``x``.

    Returns ``s * (1 - s)`` with ``s = sigmoid(x)``. Note the argument: it is
    ``x`` (the input of the sigmoid), not the sigmoid's output. Must not
    overflow for any finite ``x`` (see :func:`sigmoid`).

    Args:
        x: array of any shape, int or float dtype.

    Returns:
        float64 array of the same shape; ``sigmoid_grad(0) == 0.25``.
        ``x`` is not modified.
    """
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    return s * (1.0 - s)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of ``tanh``, taken at the pre-activation ``x``.

    Returns ``1 - tanh(x) ** 2`` (the argument is ``x``, not ``tanh(x)``).

    Args:
        x: array of any shape, int or float dtype.

    Returns:
        float64 array of the same shape; ``tanh_grad(0) == 1``.
        ``x`` is not modified.
    """
    t = np.tanh(np.asarray(x, dtype=np.float64))
    return 1.0 - t * t


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(x, 0)``, element-wise.

    Args:
        x: array of any shape, int or float dtype.

    Returns:
        float64 array of the same shape (also for integer input).
        ``x`` is not modified.
    """
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """Derivative of ReLU at the pre-activation ``x``.

    ``1.0`` where ``x > 0`` and ``0.0`` where ``x <= 0``. ReLU has no
    derivative at ``0``; like PyTorch, we use ``0`` there.

    Args:
        x: array of any shape, int or float dtype.

    Returns:
        float64 array of the same shape, holding only 0.0 and 1.0.
        ``x`` is not modified.
    """
    return (np.asarray(x) > 0).astype(np.float64)


def init_mlp(
    layer_sizes: list[int], rng: np.random.Generator, scheme: str = "he"
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random initial parameters of a fully connected network.

    Layer ``l`` (``l = 1 .. L`` with ``L = len(layer_sizes) - 1``) maps
    ``fan_in = layer_sizes[l-1]`` features to ``fan_out = layer_sizes[l]``
    with the row-vector convention ``H_l = H_{l-1} @ W_l + b_l``, so
    ``W_l`` has shape ``(fan_in, fan_out)`` and ``b_l`` shape
    ``(fan_out,)``.

    Weights are ``std * rng.standard_normal((fan_in, fan_out))`` with

    * ``scheme="he"``: ``std = sqrt(2 / fan_in)``;
    * ``scheme="xavier"``: ``std = sqrt(2 / (fan_in + fan_out))``.

    Randomness: exactly one call ``rng.standard_normal((fan_in, fan_out))``
    per layer, in layer order ``l = 1, 2, ..., L``, and no other use of
    ``rng`` (nor of ``np.random``). Biases are zeros.

    Args:
        layer_sizes: ``[d_0, d_1, ..., d_L]``, at least two positive ints.
        rng: the generator to draw from.
        scheme: ``"he"`` or ``"xavier"``.

    Returns:
        A list of ``L`` tuples ``(W_l, b_l)`` of float64 arrays.

    Raises:
        ValueError: if ``scheme`` is neither ``"he"`` nor ``"xavier"``
            (raised before anything is drawn).
    """
    if scheme not in ("he", "xavier"):
        raise ValueError(f"unknown scheme {scheme!r}; use 'he' or 'xavier'")
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if scheme == "he":
            std = np.sqrt(2.0 / fan_in)
        else:
            std = np.sqrt(2.0 / (fan_in + fan_out))
        W = std * rng.standard_normal((fan_in, fan_out))
        params.append((W, np.zeros(fan_out)))
    return params


def mlp_forward(
    X: np.ndarray,
    params: list[tuple[np.ndarray, np.ndarray]],
    activation: str = "relu",
) -> np.ndarray:
    """Forward pass of a fully connected network; returns the output logits.

    With ``H_0 = X`` and layers ``(W_l, b_l)``, ``l = 1 .. L``::

        A_l = H_{l-1} @ W_l + b_l      (b_l is added to every row)
        H_l = act(A_l)                 for hidden layers l < L
        output = A_L                   no activation on the last layer

    Args:
        X: inputs, shape ``(n, d_0)``, one sample per row.
        params: ``[(W_1, b_1), ..., (W_L, b_L)]``, ``L >= 1``, with ``W_l`` of
            shape ``(d_{l-1}, d_l)`` and ``b_l`` of shape ``(d_l,)``, as
            returned by :func:`init_mlp`.
        activation: hidden activation, ``"relu"``, ``"sigmoid"`` (an
            overflow-free one) or ``"tanh"``.

    Returns:
        float64 array of shape ``(n, d_L)``. With ``L == 1`` it is simply
        ``X @ W_1 + b_1``. ``X`` and ``params`` are not modified.

    Raises:
        ValueError: for any other ``activation``.
    """
    if activation == "relu":

        def act(a):
            return np.maximum(a, 0.0)

    elif activation == "sigmoid":

        def act(a):
            z = np.exp(-np.abs(a))
            return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))

    elif activation == "tanh":
        act = np.tanh
    else:
        raise ValueError(f"unknown activation {activation!r}")
    H = np.asarray(X, dtype=np.float64)
    for l, (W, b) in enumerate(params):
        A = H @ W + b
        H = act(A) if l < len(params) - 1 else A
    return H


def train_xor(
    hidden: int = 4, lr: float = 0.5, epochs: int = 5000, seed: int = 0
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Train a 2-``hidden``-1 sigmoid network on XOR by full-batch gradient descent.

    Data: ``XOR_X`` (shape ``(4, 2)``) and ``XOR_Y`` (shape ``(4,)``).

    Initialization, in this order and with no other random calls::

        rng = np.random.default_rng(seed)
        W1 = 0.5 * rng.standard_normal((2, hidden));  b1 = zeros(hidden)
        W2 = 0.5 * rng.standard_normal((hidden, 1));  b2 = zeros(1)

    Model (row-vector convention, ``m = 4`` samples)::

        H = sigmoid(X @ W1 + b1)        shape (4, hidden)
        z = H @ W2 + b2                 shape (4, 1), the logits
        p = sigmoid(z)                  probability that the XOR output is 1

    Loss: mean binary cross-entropy over the 4 samples,
    ``L = -mean(y * log(p) + (1 - y) * log(1 - p))``.

    Each epoch: compute ``L`` and the exact gradient of *this* ``L`` with
    respect to ``W1, b1, W2, b2`` at the current parameters (all four
    gradients from the same forward pass, so the mean over samples gives a
    factor ``1 / 4``), then update all four at once: ``param -= lr * grad``.

    Args:
        hidden: number of hidden units, ``>= 1``.
        lr: learning rate.
        epochs: number of gradient steps, ``>= 1``.
        seed: seed for ``np.random.default_rng``.

    Returns:
        ``(params, history)`` with ``params = [(W1, b1), (W2, b2)]`` after
        the last update (float64, shapes ``(2, hidden)``, ``(hidden,)``,
        ``(hidden, 1)``, ``(1,)``) and ``history`` a float64 array of shape
        ``(epochs,)`` where ``history[t]`` is the BCE loss *before* update
        ``t`` (so ``history[0]`` is the loss of the initial parameters).
    """

    def stable_sigmoid(a):
        z = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))

    rng = np.random.default_rng(seed)
    W1 = 0.5 * rng.standard_normal((2, hidden))
    b1 = np.zeros(hidden)
    W2 = 0.5 * rng.standard_normal((hidden, 1))
    b2 = np.zeros(1)
    X = XOR_X
    y = XOR_Y.reshape(-1, 1)
    m = X.shape[0]
    history = np.empty(epochs)
    for t in range(epochs):
        H = stable_sigmoid(X @ W1 + b1)
        z = H @ W2 + b2
        # BCE from the logits: log(1 + e^z) - y z, without forming log(p)
        history[t] = np.mean(np.logaddexp(0.0, z) - y * z)
        dz = (stable_sigmoid(z) - y) / m  # dL/dz for sigmoid + BCE
        dW2 = H.T @ dz
        db2 = dz.sum(axis=0)
        dA1 = (dz @ W2.T) * H * (1.0 - H)  # sigmoid'(a) = H (1 - H)
        dW1 = X.T @ dA1
        db1 = dA1.sum(axis=0)
        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
    return [(W1, b1), (W2, b2)], history


def collapse_linear(
    params: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Merge a stack of linear (activation-free) layers into one layer.

    For layers ``(W_1, b_1), ..., (W_L, b_L)`` applied in order with the
    row-vector convention ``H_l = H_{l-1} @ W_l + b_l`` and no activation,
    return the single ``(W, b)`` with ``X @ W + b == H_L`` for every ``X``
    (up to rounding)::

        W = W_1 @ W_2 @ ... @ W_L
        b = (...((b_1 @ W_2 + b_2) @ W_3 + b_3) ...) @ W_L + b_L

    Args:
        params: ``L >= 1`` tuples, ``W_l`` of shape ``(d_{l-1}, d_l)`` and
            ``b_l`` of shape ``(d_l,)``.

    Returns:
        ``(W, b)``: new float64 arrays of shapes ``(d_0, d_L)`` and
        ``(d_L,)``. ``params`` and its arrays are not modified.
    """
    W = np.array(params[0][0], dtype=np.float64)
    b = np.array(params[0][1], dtype=np.float64)
    for W_l, b_l in params[1:]:
        W = W @ W_l
        b = b @ W_l + b_l
    return W, b
