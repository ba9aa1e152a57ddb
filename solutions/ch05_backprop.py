"""Chapter 5 — backpropagation: scalar autograd, tensor gradients, an MLP.

Everything is float64. The tensor exercises follow the conventions of
PyTorch (``torch.autograd`` with ``torch.nn.functional.cross_entropy``), so
torch in float64 serves as the oracle. Randomness only comes from an explicit
``np.random.Generator`` passed in by the caller.
"""

from __future__ import annotations

import math

import numpy as np


class Value:
    """A scalar that records how it was computed, for reverse-mode autodiff.

    Every arithmetic method returns a *new* ``Value`` that remembers its
    parents (the operands) and the local derivative of the result with
    respect to each parent, evaluated at the forward values. ``backward``
    then applies the chain rule over the recorded graph.

    Operands written as plain numbers (``int``, ``float`` or numpy scalars)
    are wrapped into new leaf ``Value`` objects. A ``Value`` used several
    times in a graph is one node with several children: its gradient is the
    sum over all the paths from the output.

    Attributes:
        data: the forward value, a Python ``float``.
        grad: a Python ``float``; ``0.0`` on creation, and after
            ``out.backward()`` the derivative ``d out.data / d self.data``
            for every node of ``out``'s graph.
        parents: tuple of the ``Value`` objects this one was computed from
            (empty for a leaf), in operand order; a node used twice as an
            operand (``x.mul(x)``) appears twice.
        local_grads: tuple of Python floats, same length and order as
            ``parents``: ``d self.data / d parent.data`` at the forward
            values.

    The operators ``+ - * / **`` and unary ``-`` are aliases of the methods
    (also with a number on the left: ``2 * v``, ``1 - v``, ``1 / v``), so
    ``(w * x + b) ** 2`` builds the same graph as
    ``w.mul(x).add(b).pow(2)``.
    """

    def __init__(self, data, parents=(), local_grads=()):
        """Create a node; with only ``data`` given, a leaf.

        Args:
            data: a real number (``int``, ``float`` or numpy scalar); stored
                as ``float(data)``.
            parents: the operand nodes, a tuple of ``Value``.
            local_grads: one real number per parent, the local derivative;
                stored as a tuple of Python floats.

        ``grad`` starts at ``0.0``.
        """
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def add(self, other):
        """Return the node ``self + other``.

        Args:
            other: a ``Value`` or a real number (wrapped into a new leaf).

        Returns:
            A new ``Value`` with ``data = self.data + other.data``, parents
            ``(self, other)`` and local derivatives ``(1.0, 1.0)``.
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        """Return the node ``self * other``.

        Args:
            other: a ``Value`` or a real number (wrapped into a new leaf).

        Returns:
            A new ``Value`` with ``data = self.data * other.data``, parents
            ``(self, other)`` and local derivatives
            ``(other.data, self.data)``.
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def pow(self, exponent):
        """Return the node ``self ** exponent`` for a constant exponent.

        Args:
            exponent: a real number (``int`` or ``float``), not a ``Value``.
                Callers use a positive base with non-integer exponents and a
                non-zero base with negative exponents.

        Returns:
            A new ``Value`` with ``data = self.data ** exponent``, parent
            ``(self,)`` and local derivative
            ``exponent * self.data ** (exponent - 1)``.

        Raises:
            TypeError: if ``exponent`` is a ``Value``.
        """
        if isinstance(exponent, Value):
            raise TypeError("only constant exponents are supported")
        n = float(exponent)
        return Value(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        """Return the node ``-self`` (local derivative ``-1.0``).

        Returns:
            A new ``Value`` with ``data = -self.data``.
        """
        return Value(-self.data, (self,), (-1.0,))

    def sub(self, other):
        """Return the node ``self - other``.

        Args:
            other: a ``Value`` or a real number (wrapped into a new leaf).

        Returns:
            A ``Value`` with ``data = self.data - other.data`` whose gradient
            flows with derivative ``+1`` to ``self`` and ``-1`` to ``other``
            (one node or a small sub-graph: either is fine).
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        """Return the node ``other - self`` (number on the left: ``2 - v``).

        Args:
            other: a ``Value`` or a real number (wrapped into a new leaf).

        Returns:
            A ``Value`` with ``data = other.data - self.data``, derivative
            ``-1`` with respect to ``self`` and ``+1`` with respect to
            ``other``.
        """
        other = other if isinstance(other, Value) else Value(other)
        return other.sub(self)

    def div(self, other):
        """Return the node ``self / other``.

        Args:
            other: a ``Value`` or a non-zero real number (wrapped into a new
                leaf).

        Returns:
            A ``Value`` with ``data = self.data / other.data``, derivative
            ``1 / other.data`` with respect to ``self`` and
            ``-self.data / other.data ** 2`` with respect to ``other``.
        """
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        return Value(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        """Return the node ``other / self`` (number on the left: ``1 / v``).

        Args:
            other: a ``Value`` or a real number (wrapped into a new leaf).

        Returns:
            A ``Value`` with ``data = other.data / self.data`` and the
            derivatives of division (see ``div``).
        """
        other = other if isinstance(other, Value) else Value(other)
        return other.div(self)

    def exp(self):
        """Return the node ``e ** self`` (local derivative: its own data).

        Returns:
            A new ``Value`` with ``data = math.exp(self.data)``.
        """
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self):
        """Return the node ``ln(self)`` (local derivative ``1 / self.data``).

        Returns:
            A new ``Value`` with ``data = math.log(self.data)``.

        Raises:
            ValueError: if ``self.data <= 0``.
        """
        if self.data <= 0:
            raise ValueError(f"log of a non-positive value {self.data}")
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        """Return the node ``tanh(self)``.

        Returns:
            A new ``Value`` with ``data = t = math.tanh(self.data)`` and local
            derivative ``1 - t ** 2``.
        """
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def relu(self):
        """Return the node ``max(0, self)``.

        Returns:
            A new ``Value`` with ``data = max(0.0, self.data)`` and local
            derivative ``1.0`` if ``self.data > 0`` else ``0.0`` (so the
            derivative at exactly 0 is 0, as in torch).
        """
        positive = self.data > 0
        out = self.data if positive else 0.0
        return Value(out, (self,), (1.0 if positive else 0.0,))

    def backward(self):
        """Fill ``.grad`` of every node of this node's graph with d self / d node.

        The graph is ``self`` and every node reachable through ``parents``.
        In order:

        1. Build a topological order of the graph (every node after all of
           its parents) **without recursion**: graphs can be far deeper than
           Python's recursion limit (chains of thousands of nodes are
           tested). Each node appears once, however many paths lead to it.
        2. Set ``grad = 0.0`` on every node of the graph, so that calling
           ``backward`` again (on this node or another) starts afresh.
        3. Set ``self.grad = 1.0``, then visit the nodes in reverse
           topological order; each node adds ``local_grad * node.grad`` to
           each of its parents' ``grad`` (accumulate with ``+=``: a node
           used twice receives both contributions).

        Nodes outside the graph are not touched; ``data`` never changes.

        Returns:
            None.
        """
        order = []
        seen = set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for parent in node.parents:
                if id(parent) not in seen:
                    stack.append((parent, False))
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad += local * node.grad

    __add__ = add
    __radd__ = add
    __mul__ = mul
    __rmul__ = mul
    __pow__ = pow
    __neg__ = neg
    __sub__ = sub
    __rsub__ = rsub
    __truediv__ = div
    __rtruediv__ = rdiv


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient back to the shape of an operand that was broadcast.

    If an array ``a`` of shape ``shape`` was broadcast to ``grad.shape`` in
    the forward pass (``a + B``, say), then ``d loss / d a`` is ``grad``
    summed over every axis along which ``a`` was repeated:

    * the leading axes that ``grad`` has and ``shape`` lacks (summed away);
    * the axes where ``shape`` has size 1 and ``grad`` does not (summed,
      keeping a size-1 axis).

    Shapes align at the right, as in numpy broadcasting: for
    ``grad.shape == (5, 4, 3)`` and ``shape == (4, 1)`` the result is
    ``grad.sum(axis=(0, 2))`` kept as shape ``(4, 1)``.

    Args:
        grad: float64 array. Not modified.
        shape: tuple of ints, a shape that broadcasts to ``grad.shape``
            (``()`` for a scalar).

    Returns:
        A new float64 array of shape exactly ``shape`` (a 0-d array for
        ``()``); a copy of ``grad`` when the shapes are equal.

    Raises:
        ValueError: if ``shape`` does not broadcast to ``grad.shape`` (more
            dimensions than ``grad``, or a size that is neither 1 nor equal
            to ``grad``'s size on that axis).
    """
    shape = tuple(int(s) for s in shape)
    grad = np.asarray(grad, dtype=np.float64)
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"cannot unbroadcast {grad.shape} to {shape}")
    for size, full in zip(shape, grad.shape[extra:], strict=True):
        if size != full and size != 1:
            raise ValueError(f"cannot unbroadcast {grad.shape} to {shape}")
    out = grad.sum(axis=tuple(range(extra))) if extra else grad.copy()
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    if axes:
        out = out.sum(axis=axes, keepdims=True)
    return np.array(out, dtype=np.float64).reshape(shape)


def linear_backward(
    dout: np.ndarray, x: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a linear layer ``out = x @ W + b``.

    ``x`` may have any number of leading (batch) axes: ``x`` has shape
    ``(..., d_in)`` and ``out`` has shape ``(..., d_out)``; ``b`` of shape
    ``(d_out,)`` is broadcast over all the leading axes. Given the upstream
    gradient ``dout = d loss / d out``:

    * ``dx = dout @ W.T``, shape of ``x``;
    * ``dW = sum over all leading positions of x[..., :, None] * dout[..., None, :]``,
      i.e. ``x2.T @ dout2`` with ``x2 = x.reshape(-1, d_in)`` and
      ``dout2 = dout.reshape(-1, d_out)``;
    * ``db = dout`` summed over all leading axes, shape ``(d_out,)``.

    Nothing is averaged here: if the loss is a mean, its ``1/N`` is already
    inside ``dout``.

    Args:
        dout: float64 array of shape ``(..., d_out)``.
        x: float64 array of shape ``(..., d_in)``, the same leading shape as
            ``dout`` (at least one leading axis).
        W: float64 array of shape ``(d_in, d_out)``.

    Returns:
        ``(dx, dW, db)``: new float64 arrays of shapes ``x.shape``,
        ``W.shape`` and ``(d_out,)``. The inputs are not modified.
    """
    d_in, d_out = W.shape
    dx = dout @ W.T
    dW = x.reshape(-1, d_in).T @ dout.reshape(-1, d_out)
    db = dout.reshape(-1, d_out).sum(axis=0)
    return dx, dW, db


def softmax_cross_entropy(
    logits: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient with respect to the logits.

    With ``p = softmax(logits)`` row by row,
    ``loss = -(1/N) * sum_i log p[i, y[i]]`` and
    ``dlogits = (p - onehot(y)) / N``. This is
    ``torch.nn.functional.cross_entropy(logits, y)`` (mean reduction) and its
    gradient.

    Compute it stably: ``log p[i, c] = z[i, c] - logsumexp(z[i])`` with the
    row maximum subtracted before ``exp``. The result must be finite and
    accurate for logits of magnitude up to 1e4 (rows such as
    ``[0, 1000, -1000]``), without overflow, and ``log`` must never be taken
    of a probability that underflowed to 0.

    Args:
        logits: float64 array of shape ``(N, C)``, ``N >= 1``, ``C >= 1``.
        y: integer array of shape ``(N,)`` with class ids in ``[0, C)``.

    Returns:
        ``(loss, dlogits)``: ``loss`` a Python float; ``dlogits`` a new
        float64 array of shape ``(N, C)``. The inputs are not modified.
    """
    n = logits.shape[0]
    rows = np.arange(n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_z
    loss = -float(log_p[rows, y].mean())
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n


def mlp_loss_and_grads(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, y: np.ndarray
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Loss and gradients of a ReLU network with a softmax cross-entropy head.

    With ``L = len(params)`` layers and ``h_0 = X``:

    * hidden layers ``l = 1 .. L-1``: ``z_l = h_{l-1} @ W_l + b_l`` and
      ``h_l = relu(z_l) = max(z_l, 0)``;
    * output layer: ``logits = h_{L-1} @ W_L + b_L`` (no ReLU);
    * ``loss`` is the mean softmax cross-entropy of ``logits`` against
      ``y`` (as in ``softmax_cross_entropy``).

    Backward pass: start from ``dlogits = (softmax - onehot) / N``; for each
    layer from the last to the first, ``dW_l = h_{l-1}.T @ dz_l``,
    ``db_l = dz_l.sum(axis=0)``, and, below a hidden layer,
    ``dz_{l-1} = (dz_l @ W_l.T) * (z_{l-1} > 0)`` (the ReLU's derivative is
    0 at exactly 0). ``L = 1`` is softmax regression.

    The function is pure: it keeps no state between calls (every activation
    it needs comes from this call's forward pass).

    Args:
        params: list of ``(W, b)`` tuples of float64 arrays, ``W`` of shape
            ``(d_in, d_out)`` and ``b`` of shape ``(d_out,)``, consecutive
            layers with matching sizes. Not modified.
        X: float64 array of shape ``(N, d_0)``. Not modified.
        y: integer array of shape ``(N,)``, class ids in
            ``[0, d_out of the last layer)``.

    Returns:
        ``(loss, grads)``: ``loss`` a Python float; ``grads`` a list of
        ``(dW, db)`` tuples of new float64 arrays, one per layer, each with
        exactly the shapes of the corresponding ``(W, b)``.
    """
    n = X.shape[0]
    rows = np.arange(n)
    hs = [X]
    zs = []
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ W + b
        zs.append(z)
        if i < len(params) - 1:
            hs.append(np.maximum(z, 0.0))
    logits = zs[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[rows, y].mean())
    dz = np.exp(log_p)
    dz[rows, y] -= 1.0
    dz /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W = params[i][0]
        grads.append((hs[i].T @ dz, dz.sum(axis=0)))
        if i > 0:
            dz = (dz @ W.T) * (zs[i - 1] > 0)
    grads.reverse()
    return loss, grads


def make_spiral(
    n_per_class: int, n_classes: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points on ``n_classes`` interleaved spiral arms in the plane.

    For each class ``k = 0, 1, ..., n_classes - 1``, in this order:

    * ``r = np.linspace(0.1, 1.0, n_per_class)`` (distance from the origin);
    * ``eps = rng.standard_normal(n_per_class)`` — exactly this one call per
      class, and no other use of ``rng``;
    * ``angle = 2 * pi * k / n_classes + 6.0 * r + noise * eps``;
    * the class's points are ``(r * cos(angle), r * sin(angle))`` with label
      ``k``.

    The classes are stacked in order: rows ``k * n_per_class`` to
    ``(k + 1) * n_per_class - 1`` belong to class ``k``.

    Args:
        n_per_class: points per class, ``>= 1``.
        n_classes: number of arms, ``>= 1``.
        noise: standard deviation of the angle noise, in radians.
        rng: the only source of randomness; advanced by exactly
            ``n_classes`` calls of ``standard_normal(n_per_class)``.

    Returns:
        ``(X, y)``: ``X`` float64 of shape ``(n_classes * n_per_class, 2)``
        and ``y`` int64 of shape ``(n_classes * n_per_class,)``.
    """
    xs, ys = [], []
    r = np.linspace(0.1, 1.0, n_per_class)
    for k in range(n_classes):
        eps = rng.standard_normal(n_per_class)
        angle = 2 * math.pi * k / n_classes + 6.0 * r + noise * eps
        xs.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        ys.append(np.full(n_per_class, k, dtype=np.int64))
    return np.concatenate(xs).astype(np.float64), np.concatenate(ys)


def train_mlp(
    X: np.ndarray,
    y: np.ndarray,
    hidden_sizes: list[int],
    epochs: int,
    lr: float,
    rng: np.random.Generator,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[float]]:
    """Train a ReLU network with full-batch gradient descent.

    The network is the one of ``mlp_loss_and_grads`` with layer sizes
    ``[X.shape[1], *hidden_sizes, n_classes]``, ``n_classes = int(y.max()) + 1``.

    1. He initialisation, layer by layer from the input: ``W`` is
       ``rng.standard_normal((d_in, d_out)) * sqrt(2 / d_in)`` and ``b`` is
       ``np.zeros(d_out)``. These are the only uses of ``rng``.
    2. For each of ``epochs`` epochs: compute the mean cross-entropy loss
       and its gradients at the current parameters on all of ``X``, append
       the loss to the history, then update every parameter
       ``W -= lr * dW``, ``b -= lr * db``.

    You may call your ``mlp_loss_and_grads`` for step 2.

    Args:
        X: float64 array of shape ``(N, d)``. Not modified.
        y: integer array of shape ``(N,)``, class ids ``0 .. n_classes - 1``.
            Not modified.
        hidden_sizes: widths of the hidden layers (may be empty).
        epochs: number of gradient steps, ``>= 0``.
        lr: learning rate.
        rng: the only source of randomness, used for the weights only.

    Returns:
        ``(params, losses)``: ``params`` the trained list of ``(W, b)``
        tuples of float64 arrays (the initial ones when ``epochs == 0``);
        ``losses`` a list of ``epochs`` Python floats, ``losses[e]`` the loss
        *before* the ``e``-th update.
    """
    sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
    params = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:], strict=True):
        W = rng.standard_normal((d_in, d_out)) * math.sqrt(2.0 / d_in)
        params.append((W, np.zeros(d_out)))

    def loss_and_grads(params):
        n = X.shape[0]
        hs, zs = [X], []
        for i, (W, b) in enumerate(params):
            zs.append(hs[-1] @ W + b)
            if i < len(params) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -float(log_p[np.arange(n), y].mean())
        dz = np.exp(log_p)
        dz[np.arange(n), y] -= 1.0
        dz /= n
        grads = []
        for i in range(len(params) - 1, -1, -1):
            grads.append((hs[i].T @ dz, dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ params[i][0].T) * (zs[i - 1] > 0)
        return loss, grads[::-1]

    losses = []
    for _ in range(epochs):
        loss, grads = loss_and_grads(params)
        losses.append(loss)
        params = [
            (W - lr * dW, b - lr * db)
            for (W, b), (dW, db) in zip(params, grads, strict=True)
        ]
    return params, losses
