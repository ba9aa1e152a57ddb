"""Public self-checks of chapter 3 (perceptron and multilayer networks)."""

import numpy as np

from course.selfcheck import expect, public_check

X_GATE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])


@public_check("perceptron_train", points=1)
def learns_and_gate(student):
    """perceptron_train learns AND: errors per epoch [1, 3, 3, 2, 1, 0] with lr=0.5"""
    w, b, errors = student.perceptron_train(X_GATE, Y_AND, lr=0.5, epochs=6)
    expect(
        list(errors) == [1, 3, 3, 2, 1, 0],
        f"errors per epoch were {list(errors)}; expected [1, 3, 3, 2, 1, 0] "
        "(predict 1 only when w·x + b > 0, update after every sample)",
    )
    expect(
        np.allclose(w, [1.0, 0.5]) and np.isclose(b, -1.0),
        f"final (w, b) was ({w}, {b}); expected ([1.0, 0.5], -1.0)",
    )


@public_check("activations", points=1)
def activation_values(student):
    """sigmoid, its gradient, tanh_grad, relu and relu_grad at a few points"""
    x = np.array([-2.0, 0.0, 3.0])
    s = student.sigmoid(x)
    expect(
        np.allclose(s, [0.11920292202211755, 0.5, 0.9525741268224334]),
        f"sigmoid([-2, 0, 3]) gave {s}; expected [0.1192, 0.5, 0.9526]",
    )
    g = student.sigmoid_grad(np.array([0.0]))
    expect(
        np.allclose(g, [0.25]),
        f"sigmoid_grad(0) gave {g}; expected 0.25 (the argument is the "
        "pre-activation x, not sigmoid(x))",
    )
    t = student.tanh_grad(np.array([0.0, 1.0]))
    expect(
        np.allclose(t, [1.0, 0.41997434161402614]),
        f"tanh_grad([0, 1]) gave {t}; expected [1.0, 0.42]",
    )
    r = student.relu(x)
    expect(np.allclose(r, [0.0, 0.0, 3.0]), f"relu([-2, 0, 3]) gave {r}")
    rg = student.relu_grad(x)
    expect(
        np.array_equal(rg, [0.0, 0.0, 1.0]),
        f"relu_grad([-2, 0, 3]) gave {rg}; expected [0, 0, 1] (0 at x == 0)",
    )
    with np.errstate(over="raise"):
        big = student.sigmoid(np.array([-1000.0, 1000.0]))
    expect(np.allclose(big, [0.0, 1.0]), f"sigmoid([-1000, 1000]) gave {big}")


@public_check("mlp", points=1)
def mlp_shapes_and_forward(student):
    """init_mlp shapes and zero biases; mlp_forward on a small 2-2-1 ReLU net"""
    params = student.init_mlp([3, 5, 2], np.random.default_rng(0))
    shapes = [(W.shape, b.shape) for W, b in params]
    expect(
        shapes == [((3, 5), (5,)), ((5, 2), (2,))],
        f"init_mlp([3, 5, 2]) gave shapes {shapes}; expected "
        "[((3, 5), (5,)), ((5, 2), (2,))]",
    )
    expect(all(np.all(b == 0) for _, b in params), "biases should be zeros")
    W1 = np.array([[1.0, -1.0], [2.0, 0.5]])
    b1 = np.array([0.0, 1.0])
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-4.0])
    X = np.array([[1.0, 1.0], [-1.0, 0.0]])
    out = student.mlp_forward(X, [(W1, b1), (W2, b2)], activation="relu")
    expect(
        np.allclose(out, [[-0.5], [-2.0]]),
        f"mlp_forward gave {out}; expected [[-0.5], [-2.0]] "
        "(ReLU on the hidden layer only)",
    )


@public_check("train_xor", points=1)
def solves_xor(student):
    """train_xor() learns XOR: 4/4 correct and a falling BCE history"""
    params, history = student.train_xor()
    history = np.asarray(history)
    expect(
        history.shape == (5000,), f"history has shape {history.shape}; expected (5000,)"
    )
    expect(
        np.isclose(history[0], 0.7491728116766878),
        f"history[0] was {history[0]}; expected 0.74917 (BCE of the initial "
        "parameters with seed 0, measured before the first update)",
    )
    (W1, b1), (W2, b2) = params
    H = 1.0 / (1.0 + np.exp(-(X_GATE @ W1 + b1)))
    p = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
    pred = (p.ravel() > 0.5).astype(int)
    expect(
        list(pred) == [0, 1, 1, 0],
        f"predictions after training were {list(pred)}; expected [0, 1, 1, 0]",
    )
    expect(history[-1] < 0.05, f"final loss {history[-1]:.4f} is not below 0.05")


@public_check("collapse_linear", points=1)
def collapses_two_layers(student):
    """collapse_linear merges two linear layers into one"""
    W1 = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]])
    b1 = np.array([1.0, 0.0, 2.0])
    W2 = np.array([[1.0], [-1.0], [0.5]])
    b2 = np.array([3.0])
    W, b = student.collapse_linear([(W1, b1), (W2, b2)])
    expect(
        np.allclose(W, [[-1.0], [-1.5]]) and np.allclose(b, [5.0]),
        f"got W={np.asarray(W).tolist()}, b={np.asarray(b).tolist()}; expected "
        "W=[[-1.0], [-1.5]], b=[5.0] (b = b1 @ W2 + b2)",
    )
