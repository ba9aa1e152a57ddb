"""Public self-checks of chapter 5 (backpropagation)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check


@public_check("value", points=1)
def value_square_of_affine(student):
    """Value: y = (w*x + b)**2 at x=2, w=3, b=1 gives dy/dx=42, dy/dw=28, dy/db=14"""
    x, w, b = student.Value(2.0), student.Value(3.0), student.Value(1.0)
    y = w.mul(x).add(b).pow(2)
    expect(math.isclose(y.data, 49.0), f"y.data is {y.data}; expected 49.0")
    y.backward()
    got = (x.grad, w.grad, b.grad)
    expect(
        all(math.isclose(g, e) for g, e in zip(got, (42.0, 28.0, 14.0), strict=True)),
        f"(x.grad, w.grad, b.grad) = {got}; expected (42.0, 28.0, 14.0)",
    )
    expect(math.isclose(y.grad, 1.0), f"y.grad is {y.grad}; expected 1.0")
    z = x.mul(x).add(x)  # x is used twice: dz/dx = 2x + 1
    z.backward()
    expect(
        math.isclose(x.grad, 5.0),
        f"for z = x*x + x at x=2, x.grad is {x.grad}; expected 5.0 "
        "(the contributions of every use of x are added with +=, after "
        "backward() has reset the graph's grads to 0)",
    )


@public_check("unbroadcast", points=1)
def unbroadcast_bias_of_two_rows(student):
    """unbroadcast: a bias of shape (2,) added to two rows gets gradient [2, 2]"""
    out = student.unbroadcast(np.ones((2, 2)), (2,))
    expect(
        np.shape(out) == (2,) and np.allclose(out, [2.0, 2.0]),
        f"unbroadcast(ones((2, 2)), (2,)) gave {out!r}; expected array([2., 2.])",
    )
    g = np.arange(6.0).reshape(2, 3)
    out = student.unbroadcast(g, (2, 1))
    expect(
        np.shape(out) == (2, 1) and np.allclose(out, [[3.0], [12.0]]),
        f"unbroadcast(arange(6).reshape(2, 3), (2, 1)) gave {out!r}; "
        "expected [[3.], [12.]] with shape (2, 1)",
    )


@public_check("linear_backward", points=1)
def linear_backward_by_hand(student):
    """linear_backward: one sample, d_in=2, d_out=3, checked by hand"""
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
    dout = np.array([[1.0, -1.0, 2.0]])
    dx, dW, db = student.linear_backward(dout, x, W)
    expect(
        np.allclose(dx, [[-1.0, 2.0]]),
        f"dx = {dx!r}; expected [[-1., 2.]] (dout @ W.T)",
    )
    expect(
        np.allclose(dW, [[1.0, -1.0, 2.0], [2.0, -2.0, 4.0]]),
        f"dW = {dW!r}; expected [[1, -1, 2], [2, -2, 4]] (x.T @ dout)",
    )
    expect(
        np.shape(db) == (3,) and np.allclose(db, [1.0, -1.0, 2.0]),
        f"db = {db!r}; expected [1., -1., 2.] with shape (3,)",
    )


@public_check("softmax_cross_entropy", points=1)
def softmax_ce_uniform(student):
    """softmax_cross_entropy: all-zero logits give loss ln 3 and (1/3 - onehot) / N"""
    logits = np.zeros((2, 3))
    y = np.array([0, 2])
    loss, dlogits = student.softmax_cross_entropy(logits, y)
    expect(
        math.isclose(float(loss), math.log(3.0), rel_tol=1e-12),
        f"loss = {loss}; expected ln 3 = {math.log(3.0):.12f}",
    )
    want = (np.full((2, 3), 1 / 3) - np.array([[1, 0, 0], [0, 0, 1]])) / 2
    expect(
        np.allclose(dlogits, want, rtol=1e-12, atol=1e-15),
        f"dlogits = {dlogits!r}; expected {want!r} (note the division by N = 2)",
    )
    loss, _ = student.softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    expect(
        math.isclose(float(loss), 1000.0, rel_tol=1e-12),
        f"logits [[1000, 0]] with y = [1] gave loss {loss}; expected 1000.0 "
        "(use log-sum-exp; never take log of an underflowed probability)",
    )


@public_check("mlp_loss_and_grads", points=1)
def mlp_one_layer_is_softmax_regression(student):
    """mlp_loss_and_grads: with a single layer it is softmax regression"""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4, 3))
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    y = np.array([0, 1, 1, 0])
    loss, grads = student.mlp_loss_and_grads([(W, b)], X, y)
    z = X @ W + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    want_loss = -np.mean(np.log(p[np.arange(4), y]))
    d = (p - np.eye(2)[y]) / 4
    expect(
        math.isclose(float(loss), want_loss, rel_tol=1e-10),
        f"loss = {loss}; expected {want_loss}",
    )
    expect(len(grads) == 1, f"expected one (dW, db) pair, got {len(grads)}")
    dW, db = grads[0]
    expect(
        np.allclose(dW, X.T @ d, rtol=1e-10) and np.allclose(db, d.sum(axis=0)),
        f"dW = {dW!r}, db = {db!r}; expected {X.T @ d!r} and {d.sum(axis=0)!r}",
    )


@public_check("spiral", points=1)
def spiral_layout_and_short_training(student):
    """make_spiral layout, and train_mlp lowers the loss in 100 epochs"""
    X, y = student.make_spiral(4, 3, 0.0, np.random.default_rng(0))
    expect(
        np.shape(X) == (12, 2) and np.shape(y) == (12,),
        f"shapes {np.shape(X)} and {np.shape(y)}; expected (12, 2) and (12,)",
    )
    expect(
        list(y) == [0] * 4 + [1] * 4 + [2] * 4,
        f"labels {list(y)}; expected four 0s, then four 1s, then four 2s",
    )
    first = [0.1 * math.cos(0.6), 0.1 * math.sin(0.6)]
    expect(
        np.allclose(X[0], first, rtol=1e-12),
        f"with noise 0 the first point is {X[0]}; expected r = 0.1 at angle "
        f"0.6 rad: {first}",
    )
    X, y = student.make_spiral(30, 3, 0.2, np.random.default_rng(1))
    params, losses = student.train_mlp(X, y, [8], 100, 1.0, np.random.default_rng(2))
    expect(len(losses) == 100, f"got {len(losses)} losses for 100 epochs")
    expect(
        losses[-1] < 0.8 * losses[0],
        f"loss went from {losses[0]:.4f} to {losses[-1]:.4f}; expected a clear drop",
    )
