"""Plausible wrong answers for chapter 5 (backpropagation).

Each ``Value`` mistake is a complete class: it creates new nodes with
``type(self)`` so that it still works after the demo pastes it into a
notebook under the name ``Value``.
"""

from __future__ import annotations

import math

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# Value


@mistake("Value", "assigns parent.grad = ... instead of accumulating", typical=True)
class ValueAssignGrad:
    """Scalar autograd whose backward overwrites instead of adding."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1.0 - t * t,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad = local * node.grad

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


@mistake("Value", "builds the topological order with a recursive function")
class ValueRecursiveTopo:
    """Scalar autograd with the textbook recursive topological sort."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1.0 - t * t,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            for p in node.parents:
                visit(p)
            order.append(node)

        visit(self)
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


@mistake("Value", "never resets .grad, so a second backward adds on top")
class ValueNoReset:
    """Scalar autograd that only sets the output's grad to 1 before propagating."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1.0 - t * t,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
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


@mistake("Value", "propagates in breadth-first order from the output, not topological")
class ValueBreadthFirst:
    """Scalar autograd that visits nodes level by level from the output."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1.0 - t * t,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen, i = [self], {id(self)}, 0
        while i < len(order):
            for p in order[i].parents:
                if id(p) not in seen:
                    seen.add(id(p))
                    order.append(p)
            i += 1
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in order:
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


@mistake("Value", "tanh's local derivative as 1 - x**2 of the input, not the output")
class ValueTanhOfInput:
    """Scalar autograd with the wrong tanh derivative."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data ** (n - 1),))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        x = self.data
        return type(self)(math.tanh(x), (self,), (1.0 - x * x,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
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


@mistake("Value", "power rule as n * x**n instead of n * x**(n - 1)")
class ValueWrongPowerRule:
    """Scalar autograd with a wrong derivative of x ** n."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def _wrap(self, other):
        return other if isinstance(other, type(self)) else type(self)(other)

    def add(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

    def mul(self, other):
        other = self._wrap(other)
        return type(self)(
            self.data * other.data, (self, other), (other.data, self.data)
        )

    def pow(self, exponent):
        n = float(exponent)
        return type(self)(self.data**n, (self,), (n * self.data**n,))

    def neg(self):
        return type(self)(-self.data, (self,), (-1.0,))

    def sub(self, other):
        other = self._wrap(other)
        return type(self)(self.data - other.data, (self, other), (1.0, -1.0))

    def rsub(self, other):
        return self._wrap(other).sub(self)

    def div(self, other):
        other = self._wrap(other)
        a, b = self.data, other.data
        return type(self)(a / b, (self, other), (1.0 / b, -a / (b * b)))

    def rdiv(self, other):
        return self._wrap(other).div(self)

    def exp(self):
        e = math.exp(self.data)
        return type(self)(e, (self,), (e,))

    def log(self):
        if self.data <= 0:
            raise ValueError("log of a non-positive value")
        return type(self)(math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1.0 - t * t,))

    def relu(self):
        pos = self.data > 0
        return type(self)(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
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


# --------------------------------------------------------------------------
# unbroadcast


@mistake("unbroadcast", "averages over the broadcast axes instead of summing")
def unbroadcast_mean(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra < 0 or any(
        s not in (1, g) for s, g in zip(shape, grad.shape[extra:], strict=True)
    ):
        raise ValueError("incompatible shapes")
    out = grad.mean(axis=tuple(range(extra))) if extra else grad.copy()
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    if axes:
        out = out.mean(axis=axes, keepdims=True)
    return np.asarray(out, dtype=np.float64).reshape(shape)


@mistake("unbroadcast", "sums the size-1 axes without keeping them")
def unbroadcast_drops_dims(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra < 0 or any(
        s not in (1, g) for s, g in zip(shape, grad.shape[extra:], strict=True)
    ):
        raise ValueError("incompatible shapes")
    out = grad.sum(axis=tuple(range(extra))) if extra else grad.copy()
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    if axes:
        out = out.sum(axis=axes)
    return np.asarray(out, dtype=np.float64)


@mistake("unbroadcast", "sums only the leading axes, ignoring size-1 axes")
def unbroadcast_leading_only(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra < 0 or any(
        s not in (1, g) for s, g in zip(shape, grad.shape[extra:], strict=True)
    ):
        raise ValueError("incompatible shapes")
    out = grad.sum(axis=tuple(range(extra))) if extra else grad.copy()
    return np.asarray(out, dtype=np.float64)


@mistake("unbroadcast", "aligns shapes at the left: sums the trailing extra axes")
def unbroadcast_left_aligned(grad, shape):
    out = np.array(grad, dtype=np.float64)
    while out.ndim > len(shape):
        out = out.sum(axis=-1)
    for i, s in enumerate(shape):
        if s == 1 and out.shape[i] != 1:
            out = out.sum(axis=i, keepdims=True)
    if out.shape != tuple(shape):
        raise ValueError("incompatible shapes")
    return out


@mistake("unbroadcast", "never checks the shapes, so bad targets pass silently")
def unbroadcast_no_check(grad, shape):
    shape = tuple(shape)
    out = np.array(grad, dtype=np.float64)
    while out.ndim > len(shape):
        out = out.sum(axis=0)
    for i, s in enumerate(shape):
        if s == 1 and out.shape[i] != 1:
            out = out.sum(axis=i, keepdims=True)
    return out


# --------------------------------------------------------------------------
# linear_backward


@mistake("linear_backward", "db as the mean over the batch instead of the sum")
def linear_backward_db_mean(dout, x, W):
    d_in, d_out = W.shape
    dx = dout @ W.T
    dW = x.reshape(-1, d_in).T @ dout.reshape(-1, d_out)
    db = dout.reshape(-1, d_out).mean(axis=0)
    return dx, dW, db


@mistake("linear_backward", "divides dW and db by the batch size a second time")
def linear_backward_averaged(dout, x, W):
    d_in, d_out = W.shape
    x2, d2 = x.reshape(-1, d_in), dout.reshape(-1, d_out)
    n = x2.shape[0]
    return dout @ W.T, x2.T @ d2 / n, d2.sum(axis=0) / n


@mistake("linear_backward", "x.T @ dout, which only works for 2-D inputs")
def linear_backward_2d_only(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


@mistake("linear_backward", "dx = dout @ W without the transpose (square W passes)")
def linear_backward_no_transpose(dout, x, W):
    d_in, d_out = W.shape
    dx = dout @ W if d_in == d_out else dout @ W.T
    dW = x.reshape(-1, d_in).T @ dout.reshape(-1, d_out)
    return dx, dW, dout.reshape(-1, d_out).sum(axis=0)


# --------------------------------------------------------------------------
# softmax_cross_entropy


@mistake(
    "softmax_cross_entropy",
    "mean loss but gradient p - onehot without / N",
    typical=True,
)
def softmax_cross_entropy_no_mean_grad(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[np.arange(n), y].mean())
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1.0
    return loss, grad


@mistake("softmax_cross_entropy", "naive softmax: exp of the raw logits overflows")
def softmax_cross_entropy_naive(logits, y):
    n = logits.shape[0]
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -float(np.mean(np.log(p[np.arange(n), y])))
    grad = p.copy()
    grad[np.arange(n), y] -= 1.0
    return loss, grad / n


@mistake("softmax_cross_entropy", "stable softmax, then log of a probability that is 0")
def softmax_cross_entropy_log_of_p(logits, y):
    n = logits.shape[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -float(np.mean(np.log(p[np.arange(n), y])))
    grad = p.copy()
    grad[np.arange(n), y] -= 1.0
    return loss, grad / n


@mistake("softmax_cross_entropy", "gradient with the wrong sign: onehot - p")
def softmax_cross_entropy_sign(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[np.arange(n), y].mean())
    onehot = np.zeros_like(logits)
    onehot[np.arange(n), y] = 1.0
    return loss, (onehot - np.exp(log_p)) / n


@mistake("softmax_cross_entropy", "sums the loss over the batch instead of averaging")
def softmax_cross_entropy_sum(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[np.arange(n), y].sum())
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1.0
    return loss, grad


# --------------------------------------------------------------------------
# mlp_loss_and_grads


@mistake("mlp_loss_and_grads", "forgets the ReLU derivative on the way down")
def mlp_loss_and_grads_no_mask(params, X, y):
    n = X.shape[0]
    hs = [X]
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ W + b
        hs.append(np.maximum(z, 0.0) if i < len(params) - 1 else z)
    logits = hs.pop()
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[np.arange(n), y].mean())
    dz = np.exp(log_p)
    dz[np.arange(n), y] -= 1.0
    dz /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        grads.insert(0, (hs[i].T @ dz, dz.sum(axis=0)))
        dz = dz @ params[i][0].T
    return loss, grads


@mistake("mlp_loss_and_grads", "applies ReLU to the output logits as well")
def mlp_loss_and_grads_relu_logits(params, X, y):
    n = X.shape[0]
    hs, zs = [X], []
    for W, b in params:
        zs.append(hs[-1] @ W + b)
        hs.append(np.maximum(zs[-1], 0.0))
    logits = hs[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(log_p[np.arange(n), y].mean())
    dh = np.exp(log_p)
    dh[np.arange(n), y] -= 1.0
    dh /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        dz = dh * (zs[i] > 0)
        grads.insert(0, (hs[i].T @ dz, dz.sum(axis=0)))
        dh = dz @ params[i][0].T
    return loss, grads


@mistake("mlp_loss_and_grads", "masks with the current layer's z before W.T")
def mlp_loss_and_grads_mask_off_by_one(params, X, y):
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
        grads.insert(0, (hs[i].T @ dz, dz.sum(axis=0)))
        dz = (dz * (zs[i] > 0)) @ params[i][0].T
    return loss, grads


@mistake("mlp_loss_and_grads", "mean loss, but gradients without the 1 / N")
def mlp_loss_and_grads_no_mean(params, X, y):
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
    grads = []
    for i in range(len(params) - 1, -1, -1):
        grads.insert(0, (hs[i].T @ dz, dz.sum(axis=0)))
        if i > 0:
            dz = (dz @ params[i][0].T) * (zs[i - 1] > 0)
    return loss, grads


# --------------------------------------------------------------------------
# make_spiral and train_mlp


@mistake("make_spiral", "appends a list per class, so y has shape (K, n)", typical=True)
def make_spiral_2d_labels(n_per_class, n_classes, noise, rng):
    xs, ys = [], []
    r = np.linspace(0.1, 1.0, n_per_class)
    for k in range(n_classes):
        angle = 2 * math.pi * k / n_classes + 6.0 * r
        angle = angle + noise * rng.standard_normal(n_per_class)
        xs.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        ys.append([k] * n_per_class)
    return np.vstack(xs), np.array(ys)


@mistake("make_spiral", "draws the noise from np.random instead of rng")
def make_spiral_global_random(n_per_class, n_classes, noise, rng):
    xs, ys = [], []
    r = np.linspace(0.1, 1.0, n_per_class)
    for k in range(n_classes):
        eps = np.random.standard_normal(n_per_class)
        angle = 2 * math.pi * k / n_classes + 6.0 * r + noise * eps
        xs.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        ys.append(np.full(n_per_class, k, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


@mistake("make_spiral", "adds the noise to the radius instead of the angle")
def make_spiral_noisy_radius(n_per_class, n_classes, noise, rng):
    xs, ys = [], []
    r = np.linspace(0.1, 1.0, n_per_class)
    for k in range(n_classes):
        rr = r + noise * rng.standard_normal(n_per_class)
        angle = 2 * math.pi * k / n_classes + 6.0 * r
        xs.append(np.column_stack([rr * np.cos(angle), rr * np.sin(angle)]))
        ys.append(np.full(n_per_class, k, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


@mistake("make_spiral", "float labels (np.ones(n) * k)")
def make_spiral_float_labels(n_per_class, n_classes, noise, rng):
    xs, ys = [], []
    r = np.linspace(0.1, 1.0, n_per_class)
    for k in range(n_classes):
        eps = rng.standard_normal(n_per_class)
        angle = 2 * math.pi * k / n_classes + 6.0 * r + noise * eps
        xs.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        ys.append(np.ones(n_per_class) * k)
    return np.concatenate(xs), np.concatenate(ys)


@mistake("train_mlp", "initialises W with std 0.01 instead of He scaling")
def train_mlp_small_init(X, y, hidden_sizes, epochs, lr, rng):
    sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
    params = [
        (0.01 * rng.standard_normal((a, b)), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    n, rows = X.shape[0], np.arange(X.shape[0])
    losses = []
    for _ in range(epochs):
        hs, zs = [X], []
        for i, (W, b) in enumerate(params):
            zs.append(hs[-1] @ W + b)
            if i < len(params) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(-float(log_p[rows, y].mean()))
        dz = np.exp(log_p)
        dz[rows, y] -= 1.0
        dz /= n
        new = []
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            new.insert(0, (W - lr * (hs[i].T @ dz), b - lr * dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ W.T) * (zs[i - 1] > 0)
        params = new
    return params, losses


@mistake("train_mlp", "records the loss after the update instead of before")
def train_mlp_loss_after(X, y, hidden_sizes, epochs, lr, rng):
    sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
    params = [
        (rng.standard_normal((a, b)) * math.sqrt(2.0 / a), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    n, rows = X.shape[0], np.arange(X.shape[0])

    def forward_backward(params):
        hs, zs = [X], []
        for i, (W, b) in enumerate(params):
            zs.append(hs[-1] @ W + b)
            if i < len(params) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -float(log_p[rows, y].mean())
        dz = np.exp(log_p)
        dz[rows, y] -= 1.0
        dz /= n
        grads = []
        for i in range(len(params) - 1, -1, -1):
            grads.insert(0, (hs[i].T @ dz, dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ params[i][0].T) * (zs[i - 1] > 0)
        return loss, grads

    losses = []
    for _ in range(epochs):
        _, grads = forward_backward(params)
        params = [
            (W - lr * dW, b - lr * db)
            for (W, b), (dW, db) in zip(params, grads, strict=True)
        ]
        losses.append(forward_backward(params)[0])
    return params, losses


@mistake("train_mlp", "sums the per-sample gradients (no 1 / N): lr is N times too big")
def train_mlp_summed_grads(X, y, hidden_sizes, epochs, lr, rng):
    sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
    params = [
        (rng.standard_normal((a, b)) * math.sqrt(2.0 / a), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    rows = np.arange(X.shape[0])
    losses = []
    for _ in range(epochs):
        hs, zs = [X], []
        for i, (W, b) in enumerate(params):
            zs.append(hs[-1] @ W + b)
            if i < len(params) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(-float(log_p[rows, y].mean()))
        dz = np.exp(log_p)
        dz[rows, y] -= 1.0
        new = []
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            new.insert(0, (W - lr * (hs[i].T @ dz), b - lr * dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ W.T) * (zs[i - 1] > 0)
        params = new
    return params, losses


@mistake("train_mlp", "draws W as (d_out, d_in) and transposes it")
def train_mlp_transposed_init(X, y, hidden_sizes, epochs, lr, rng):
    sizes = [X.shape[1], *hidden_sizes, int(y.max()) + 1]
    params = [
        (rng.standard_normal((b, a)).T * math.sqrt(2.0 / a), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    n, rows = X.shape[0], np.arange(X.shape[0])
    losses = []
    for _ in range(epochs):
        hs, zs = [X], []
        for i, (W, b) in enumerate(params):
            zs.append(hs[-1] @ W + b)
            if i < len(params) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        shifted = zs[-1] - zs[-1].max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(-float(log_p[rows, y].mean()))
        dz = np.exp(log_p)
        dz[rows, y] -= 1.0
        dz /= n
        new = []
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            new.insert(0, (W - lr * (hs[i].T @ dz), b - lr * dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ W.T) * (zs[i - 1] > 0)
        params = new
    return params, losses
