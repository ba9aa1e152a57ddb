"""Hidden graders of chapter 5 (backpropagation).

torch (float64) is the oracle for every gradient: the ``Value`` tests build
the same expression twice, once from the student's ``Value`` handles (through
its named methods ``add``, ``mul``, ...; operators do not cross the sandbox)
and once from torch scalars, and compare ``.data`` and every node's ``.grad``.
The tensor exercises are compared with ``torch.autograd`` on the same
inputs; the spiral exercise is compared with ``solutions.ch05_backprop`` and
checked for the accuracy it reaches.

Tolerances (float64): values rtol 1e-12 where the computation is short,
gradients rtol 1e-9 / atol 1e-12, training trajectories rtol 1e-8.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch05_backprop as ref

F64 = torch.float64
GRAD_RTOL = 1e-9
GRAD_ATOL = 1e-12


def _t(x):
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=F64)


def _close(a, b, rtol=GRAD_RTOL, atol=GRAD_ATOL):
    return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)


# --------------------------------------------------------------------------
# Value: one expression, built from student handles and from torch scalars

UNARY = ("neg", "exp", "log", "tanh", "relu", "pow")
BINARY = ("add", "mul", "sub", "div", "rsub", "rdiv")


def _student_op(op, a, b=None, exponent=None):
    """Apply ``op`` to student handles ``a`` (and ``b``: handle or number)."""
    if op == "pow":
        return a.pow(exponent)
    if op in BINARY:
        return getattr(a, op)(b)
    return getattr(a, op)()


def _torch_op(op, a, b=None, exponent=None):
    if op == "add":
        return a + b
    if op == "mul":
        return a * b
    if op == "sub":
        return a - b
    if op == "div":
        return a / b
    if op == "rsub":
        return b - a
    if op == "rdiv":
        return b / a
    if op == "neg":
        return -a
    if op == "exp":
        return torch.exp(a)
    if op == "log":
        return torch.log(a)
    if op == "tanh":
        return torch.tanh(a)
    if op == "relu":
        return torch.relu(a)
    if op == "pow":
        return a**exponent
    raise ValueError(op)


def _allowed(op, a, b=None, exponent=None):
    """Keep every generated expression inside the domain, away from kinks."""
    if op == "log":
        return a > 0.05
    if op == "exp":
        return a < 2.5
    if op == "div":
        return abs(b) > 0.3
    if op == "rdiv":
        return abs(a) > 0.3
    if op == "relu":
        return abs(a) > 1e-3
    if op == "pow":
        if exponent == 0.5:
            return a > 0.05
        if exponent < 0:
            return abs(a) > 0.3
    return True


def _random_program(seed, n_inputs=3, n_ops=14):
    """A random expression DAG with reuse, as plain data.

    Returns ``(inputs, program)``; each program step is
    ``(op, i, j_or_None, const_or_None, exponent_or_None)``: node ``i`` is
    the first operand, the second is node ``j`` or the constant ``const``.
    """
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], n_inputs)
    inputs = [float(v) for v in rng.uniform(0.3, 1.5, n_inputs) * signs]
    values = list(inputs)
    program = []
    while len(program) < n_ops:
        op = str(rng.choice(UNARY + BINARY))
        # recent nodes are picked more often, so that chains and reuse appear
        i = len(values) - 1 - min(int(rng.geometric(0.4)) - 1, len(values) - 1)
        a = values[i]
        j = const = exponent = None
        b = None
        if op in BINARY:
            if rng.random() < 0.25:
                const = float(np.round(rng.uniform(-2.0, 2.0), 3))
                b = const
            else:
                j = int(rng.integers(len(values)))
                b = values[j]
        if op == "pow":
            exponent = [2, 3, 0.5, -1][int(rng.integers(4))]
        if not _allowed(op, a, b, exponent):
            continue
        with torch.no_grad():
            value = float(_torch_op(op, _t(a), None if b is None else _t(b), exponent))
        if not abs(value) < 30:
            continue
        values.append(value)
        program.append((op, i, j, const, exponent))
    return inputs, program


def _build_both(student, inputs, program):
    """Student handles and torch tensors (gradients retained) for every node."""
    nodes = [student.Value(v) for v in inputs]
    tnodes = [_t(v).requires_grad_(True) for v in inputs]
    for op, i, j, const, exponent in program:
        b = nodes[j] if j is not None else const
        tb = tnodes[j] if j is not None else (None if const is None else _t(const))
        nodes.append(_student_op(op, nodes[i], b, exponent))
        t = _torch_op(op, tnodes[i], tb, exponent)
        t.retain_grad()
        tnodes.append(t)
    return nodes, tnodes


def _ancestors(n_inputs, program, out):
    """Indices of node ``out`` and of every node it depends on."""
    found, stack = set(), [out]
    while stack:
        k = stack.pop()
        if k in found:
            continue
        found.add(k)
        if k >= n_inputs:
            _, i, j, _, _ = program[k - n_inputs]
            stack += [i] if j is None else [i, j]
    return sorted(found)


def _compare_graph(nodes, tnodes, program, out=None):
    """Backward from node ``out`` (default: the last) on both sides.

    Compares ``.grad`` of every node of ``out``'s graph; nodes outside it
    keep whatever they held, as the spec says.
    """
    out = len(nodes) - 1 if out is None else out
    for t in tnodes:
        t.grad = None
    tnodes[out].backward(retain_graph=True)
    nodes[out].backward()
    for k in _ancestors(len(nodes) - len(program), program, out):
        g = nodes[k].grad
        expect(isinstance(g, (int, float)), "after backward() .grad must be a float")
        want = 0.0 if tnodes[k].grad is None else float(tnodes[k].grad)
        assert _close(g, want), (k, g, want)


VALUE_HINT = (
    "Each operation records its parents and the local derivatives; backward() "
    "visits the nodes in reverse topological order and adds local * node.grad "
    "into each parent's grad."
)


@grader(
    "value",
    points=1,
    hint="Check each method's forward value: a.rsub(b) is b - a, a.rdiv(b) is "
    "b / a; numbers are wrapped into Value; .data is a float.",
)
def test_value_forward(student):
    a, b = 1.3, -0.7
    cases = [
        ("add", a, b, None, a + b),
        ("mul", a, b, None, a * b),
        ("sub", a, b, None, a - b),
        ("div", a, b, None, a / b),
        ("rsub", a, b, None, b - a),
        ("rdiv", a, b, None, b / a),
        ("neg", a, None, None, -a),
        ("exp", b, None, None, math.exp(b)),
        ("log", a, None, None, math.log(a)),
        ("tanh", b, None, None, math.tanh(b)),
        ("relu", b, None, None, 0.0),
        ("relu", a, None, None, a),
        ("pow", b, None, 3, b**3),
        ("pow", a, None, 0.5, a**0.5),
        ("pow", b, None, -2, b**-2),
    ]
    for op, x, y, exponent, want in cases:
        for number_operand in (False, True):
            if y is None and number_operand:
                continue
            va = student.Value(x)
            vb = None if y is None else (y if number_operand else student.Value(y))
            out = _student_op(op, va, vb, exponent)
            data = out.data
            expect(isinstance(data, float), f"{op}: .data must be a float")
            assert _close(data, want, 1e-12, 1e-15)
            expect(va.data == x, f"{op} changed the .data of its operand")
    leaf = student.Value(2)
    expect(
        isinstance(leaf.data, float) and leaf.data == 2.0,
        "Value(2).data must be the float 2.0",
    )
    expect(leaf.grad == 0.0, "a new Value must have grad 0.0")


@grader("value", points=2, hint=VALUE_HINT + " Check each local derivative.")
def test_value_local_derivatives(student):
    a, b = 0.8, -1.7
    for op in UNARY + BINARY:
        exponents = [2, 3, 0.5, -1] if op == "pow" else [None]
        for exponent in exponents:
            for number_operand in (False, True) if op in BINARY else (False,):
                va, ta = student.Value(a), _t(a).requires_grad_(True)
                if op in BINARY and not number_operand:
                    vb, tb = student.Value(b), _t(b).requires_grad_(True)
                else:
                    vb, tb = (b, _t(b)) if op in BINARY else (None, None)
                out = _student_op(op, va, vb, exponent)
                tout = _torch_op(op, ta, tb, exponent)
                tout.backward()
                out.backward()
                expect(out.grad == 1.0, "backward() must set the output's grad to 1.0")
                assert _close(va.grad, float(ta.grad)), op
                if op in BINARY and not number_operand:
                    assert _close(vb.grad, float(tb.grad)), op


@grader(
    "value",
    points=2,
    hint="A node used several times gets the sum of all contributions: "
    "accumulate with +=, and visit a node only after all of its children.",
)
def test_value_reuse_accumulates(student):
    # z = x*x + x: dz/dx = 2x + 1
    x = student.Value(3.0)
    z = x.mul(x).add(x)
    z.backward()
    assert _close(x.grad, 7.0)
    # diamond: a = x + 1, d = a*a + 3a: dd/dx = 2a + 3
    x = student.Value(2.0)
    a = x.add(1.0)
    d = a.mul(a).add(a.mul(3.0))
    d.backward()
    assert _close(a.grad, 9.0) and _close(x.grad, 9.0)
    # an intermediate reached along a short and a long path
    x = student.Value(0.5)
    a = x.mul(2.0)
    z = a.add(a.mul(a).tanh())
    z.backward()
    t = math.tanh(1.0)
    want_a = 1.0 + (1 - t * t) * 2 * 1.0
    assert _close(a.grad, want_a) and _close(x.grad, 2 * want_a)
    # x - x and x / x are constants
    x = student.Value(1.7)
    x.sub(x).backward()
    assert _close(x.grad, 0.0)
    x.div(x).backward()
    assert _close(x.grad, 0.0)
    # x * x * x
    x = student.Value(-1.2)
    x.mul(x).mul(x).backward()
    assert _close(x.grad, 3 * 1.44)


@grader("value", points=2, hint=VALUE_HINT)
def test_value_random_graphs_vs_torch(student):
    for seed in range(8):
        inputs, program = _random_program(500 + seed)
        nodes, tnodes = _build_both(student, inputs, program)
        assert _close(nodes[-1].data, float(tnodes[-1]), 1e-12, 1e-12)
        _compare_graph(nodes, tnodes, program)


@grader(
    "value",
    points=1,
    hint="Build the topological order with an explicit stack, not recursion: "
    "graphs can be deeper than Python's recursion limit.",
)
def test_value_deep_chain(student):
    n = 3000
    one = student.Value(1.0)
    add_one = one.add  # one bound method, called n times: acc = 1 + acc
    start = student.Value(0.5)
    acc = start
    for _ in range(n):
        acc = add_one(acc)
    acc.backward()
    expect(_close(acc.data, n + 0.5, 1e-12, 0), "the chain's value is wrong")
    assert _close(start.grad, 1.0) and _close(one.grad, float(n))


@grader(
    "value",
    points=1,
    hint="backward() first resets .grad to 0 on every node of the graph, so "
    "calling it twice, or on another node, starts afresh.",
)
def test_value_backward_twice(student):
    inputs, program = _random_program(900)
    nodes, tnodes = _build_both(student, inputs, program)
    _compare_graph(nodes, tnodes, program)
    _compare_graph(nodes, tnodes, program)
    # backward from an intermediate node, then from the output again
    _compare_graph(nodes, tnodes, program, out=len(inputs) + 8)
    _compare_graph(nodes, tnodes, program)


@grader(
    "value",
    points=1,
    hint="relu's derivative at exactly 0 is 0; log of a value <= 0 raises "
    "ValueError; pow takes a constant exponent (also negative bases with "
    "integer exponents).",
)
def test_value_edge_cases(student):
    x = student.Value(0.0)
    r = x.relu()
    r.backward()
    expect(r.data == 0.0, "relu(0).data must be 0.0")
    expect(x.grad == 0.0, "the derivative of relu at exactly 0 must be 0")
    for bad in (0.0, -2.0):
        try:
            student.Value(bad).log()
        except ValueError:
            pass
        else:
            expect(False, "log of a value <= 0 did not raise ValueError")
    x = student.Value(-2.0)
    x.pow(3).backward()
    assert _close(x.grad, 12.0)
    x = student.Value(4.0)
    x.pow(-0.5).backward()
    assert _close(x.grad, -0.5 * 4.0**-1.5)


# --------------------------------------------------------------------------
# unbroadcast


def _torch_unbroadcast(grad, shape):
    a = torch.zeros(shape, dtype=F64, requires_grad=True)
    a.expand(*grad.shape).backward(_t(grad))
    return a.grad.numpy()


def _check_unbroadcast(student, pairs, seed):
    rng = np.random.default_rng(seed)
    for big, small in pairs:
        grad = rng.normal(size=big)
        out = student.unbroadcast(grad.copy(), small)
        expect(
            np.shape(out) == tuple(small),
            "the result must have exactly the requested shape (keep size-1 axes)",
        )
        np.testing.assert_allclose(
            np.asarray(out), _torch_unbroadcast(grad, small), rtol=1e-12, atol=1e-14
        )


UNB_HINT = (
    "Sum (not average) over the leading axes that the target shape lacks, then "
    "over the axes where the target has size 1, keeping those axes; shapes "
    "align at the right."
)


@grader("unbroadcast", points=1, hint=UNB_HINT)
def test_unbroadcast_leading_axes(student):
    pairs = [
        ((2, 2), (2,)),
        ((5, 4, 3), (3,)),
        ((5, 4, 3), (4, 3)),
        ((7,), ()),
        ((2, 3), ()),
        ((3, 4), (3, 4)),
    ]
    _check_unbroadcast(student, pairs, 11)


@grader("unbroadcast", points=1, hint=UNB_HINT)
def test_unbroadcast_size_one_axes(student):
    pairs = [
        ((4, 3), (4, 1)),
        ((4, 3), (1, 3)),
        ((2, 3, 4), (2, 1, 4)),
        ((2, 3), (1, 1)),
        ((1, 3), (1, 3)),
    ]
    _check_unbroadcast(student, pairs, 12)


@grader("unbroadcast", points=1, hint=UNB_HINT)
def test_unbroadcast_mixed(student):
    pairs = [
        ((5, 4, 3), (4, 1)),
        ((6, 2, 3, 4), (1, 3, 1)),
        ((3, 4), (1,)),
        ((2, 5, 3), (5, 1)),
    ]
    _check_unbroadcast(student, pairs, 13)


@grader(
    "unbroadcast",
    points=1,
    hint="Return a new float64 array of exactly the target shape (a 0-d array "
    "for ()), and leave the input gradient unchanged.",
)
def test_unbroadcast_types_and_inputs(student):
    rng = np.random.default_rng(14)
    for big, small in [((4, 3), (4, 1)), ((5, 2), ()), ((2, 3), (2, 3))]:
        grad = rng.normal(size=big)
        before = grad.copy()
        out = student.unbroadcast(grad, small)
        expect(np.array_equal(grad, before), "unbroadcast modified its input")
        expect(
            isinstance(out, (np.ndarray, np.generic)) and np.shape(out) == small,
            "the result must be a numpy array of exactly the requested shape",
        )
        expect(np.asarray(out).dtype == np.float64, "the result must be float64")


@grader(
    "unbroadcast",
    points=1,
    hint="Raise ValueError when the target shape cannot broadcast to the "
    "gradient's shape (too many axes, or a size that is neither 1 nor equal).",
)
def test_unbroadcast_rejects(student):
    for big, small in [
        ((4, 3), (2,)),
        ((4, 3), (4, 2)),
        ((3,), (2, 3)),
        ((3,), (1, 3)),
    ]:
        try:
            student.unbroadcast(np.ones(big), small)
        except ValueError:
            continue
        expect(False, "an incompatible target shape did not raise ValueError")


# --------------------------------------------------------------------------
# linear_backward


def _torch_linear(dout, x, W):
    tx, tW = _t(x).requires_grad_(True), _t(W).requires_grad_(True)
    tb = torch.zeros(W.shape[1], dtype=F64, requires_grad=True)
    (tx @ tW + tb).backward(_t(dout))
    return tx.grad.numpy(), tW.grad.numpy(), tb.grad.numpy()


def _check_linear(student, lead, d_in, d_out, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(*lead, d_in))
    W = rng.normal(size=(d_in, d_out))
    dout = rng.normal(size=(*lead, d_out))
    got = student.linear_backward(dout.copy(), x.copy(), W.copy())
    expect(len(got) == 3, "linear_backward must return (dx, dW, db)")
    for name, g, w in zip(
        ("dx", "dW", "db"), got, _torch_linear(dout, x, W), strict=True
    ):
        expect(np.shape(g) == w.shape, f"{name} has the wrong shape")
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


LIN_HINT = (
    "dx = dout @ W.T, dW = x.T @ dout, db = dout summed over the batch; no "
    "averaging inside the layer."
)


@grader("linear_backward", points=2, hint=LIN_HINT)
def test_linear_matches_torch(student):
    for lead, d_in, d_out, seed in [
        ((5,), 3, 4, 21),
        ((1,), 4, 2, 22),
        ((8,), 6, 6, 23),
    ]:
        _check_linear(student, lead, d_in, d_out, seed)


@grader(
    "linear_backward",
    points=1,
    hint="With extra leading axes (batch, time, ...), flatten them: every "
    "position contributes to dW and db; dx keeps x's shape.",
)
def test_linear_leading_axes(student):
    _check_linear(student, (2, 5), 3, 4, 24)
    _check_linear(student, (2, 3, 2), 2, 5, 25)


@grader(
    "linear_backward",
    points=1,
    hint="Return new float64 arrays and leave dout, x and W unchanged.",
)
def test_linear_leaves_inputs(student):
    rng = np.random.default_rng(26)
    x, W, dout = (
        rng.normal(size=(4, 3)),
        rng.normal(size=(3, 2)),
        rng.normal(size=(4, 2)),
    )
    copies = [a.copy() for a in (dout, x, W)]
    dx, dW, db = student.linear_backward(dout, x, W)
    expect(
        all(np.array_equal(a, c) for a, c in zip((dout, x, W), copies, strict=True)),
        "linear_backward modified one of its inputs",
    )
    expect(
        all(np.asarray(g).dtype == np.float64 for g in (dx, dW, db)),
        "the gradients must be float64",
    )


# --------------------------------------------------------------------------
# softmax_cross_entropy


def _torch_ce(logits, y):
    t = _t(logits).requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(t, torch.as_tensor(y, dtype=torch.long))
    loss.backward()
    return float(loss), t.grad.numpy()


def _check_ce(student, logits, y):
    loss, dlogits = student.softmax_cross_entropy(logits.copy(), y.copy())
    want_loss, want_grad = _torch_ce(logits, y)
    expect(np.shape(dlogits) == logits.shape, "dlogits must have the shape of logits")
    expect(
        math.isfinite(float(loss)) and np.all(np.isfinite(dlogits)),
        "the loss or the gradient is not finite (overflow? log of 0?)",
    )
    assert math.isclose(float(loss), want_loss, rel_tol=1e-12, abs_tol=1e-13)
    np.testing.assert_allclose(dlogits, want_grad, rtol=1e-10, atol=1e-14)


CE_HINT = (
    "loss = mean over rows of logsumexp(z) - z[y]; dlogits = (softmax - onehot) "
    "/ N, the 1/N because the loss is a mean."
)


@grader("softmax_cross_entropy", points=2, hint=CE_HINT)
def test_ce_matches_torch(student):
    rng = np.random.default_rng(31)
    for n, c, scale in [(6, 4, 3.0), (1, 5, 1.0), (9, 2, 0.5), (4, 7, 10.0)]:
        logits = scale * rng.normal(size=(n, c))
        y = rng.integers(0, c, size=n)
        _check_ce(student, logits, y)


@grader(
    "softmax_cross_entropy",
    points=1,
    hint="Subtract each row's maximum before exp, so that no exp overflows.",
)
def test_ce_large_logits(student):
    rng = np.random.default_rng(32)
    logits = np.array(
        [[1000.0, 0.0, -1000.0], [5000.0, 4999.0, 4998.0], [-3000.0, -2999.5, -3001.0]]
    )
    _check_ce(student, logits, np.array([0, 1, 2]))
    logits = 1e4 * rng.normal(size=(5, 4))
    y = logits.argmax(axis=1)  # the right class is the largest logit
    _check_ce(student, logits, y)


@grader(
    "softmax_cross_entropy",
    points=1,
    hint="Compute log-probabilities as z - logsumexp(z); a probability like "
    "exp(-1000) underflows to 0 and log(0) is -inf.",
)
def test_ce_tiny_probability(student):
    logits = np.array([[0.0, 1000.0], [-800.0, 0.0], [2.0, -900.0]])
    _check_ce(student, logits, np.array([0, 0, 1]))


@grader(
    "softmax_cross_entropy",
    points=1,
    hint="Return (loss as a float, a new float64 array); do not modify logits "
    "or y; one class (C = 1) gives loss 0.",
)
def test_ce_types_and_edges(student):
    rng = np.random.default_rng(33)
    logits = rng.normal(size=(3, 4))
    y = np.array([3, 0, 2])
    before = (logits.copy(), y.copy())
    loss, dlogits = student.softmax_cross_entropy(logits, y)
    expect(
        np.array_equal(logits, before[0]) and np.array_equal(y, before[1]),
        "softmax_cross_entropy modified its inputs",
    )
    expect(
        isinstance(loss, (float, np.floating)) and np.ndim(loss) == 0,
        "the loss must be a float",
    )
    expect(np.asarray(dlogits).dtype == np.float64, "dlogits must be float64")
    _check_ce(student, rng.normal(size=(4, 1)), np.zeros(4, dtype=np.int64))


# --------------------------------------------------------------------------
# mlp_loss_and_grads


def _init(sizes, seed, bias_scale=0.5):
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(size=(a, b)) * math.sqrt(2 / a), bias_scale * rng.normal(size=b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _torch_mlp(params, X, y):
    tparams = [
        (_t(W).requires_grad_(True), _t(b).requires_grad_(True)) for W, b in params
    ]
    h = _t(X)
    for i, (W, b) in enumerate(tparams):
        h = h @ W + b
        if i < len(tparams) - 1:
            h = torch.relu(h)
    loss = torch.nn.functional.cross_entropy(h, torch.as_tensor(y, dtype=torch.long))
    loss.backward()
    return float(loss), [(W.grad.numpy(), b.grad.numpy()) for W, b in tparams]


def _check_mlp(student, sizes, n, seed):
    params = _init(sizes, seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    sent = [(W.copy(), b.copy()) for W, b in params]
    loss, grads = student.mlp_loss_and_grads(sent, X.copy(), y.copy())
    want_loss, want = _torch_mlp(params, X, y)
    expect(len(grads) == len(params), "return one (dW, db) pair per layer")
    for (dW, db), (W, b) in zip(grads, params, strict=True):
        expect(
            np.shape(dW) == W.shape and np.shape(db) == b.shape,
            "each (dW, db) must have exactly the shapes of its (W, b)",
        )
    assert math.isclose(float(loss), want_loss, rel_tol=1e-10)
    for (dW, db), (wW, wb) in zip(grads, want, strict=True):
        np.testing.assert_allclose(dW, wW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, wb, rtol=1e-9, atol=1e-12)


MLP_HINT = (
    "Keep every pre-activation z from the forward pass; going down, "
    "dz_prev = (dz @ W.T) * (z_prev > 0), dW = h_prev.T @ dz, db = dz.sum(0); "
    "the output layer has no ReLU and dlogits carries the 1/N."
)


@grader("mlp_loss_and_grads", points=2, hint=MLP_HINT)
def test_mlp_matches_torch(student):
    _check_mlp(student, [2, 5, 4, 3], 7, 41)
    _check_mlp(student, [4, 6, 3], 12, 42)


@grader("mlp_loss_and_grads", points=1, hint=MLP_HINT)
def test_mlp_deeper(student):
    _check_mlp(student, [3, 8, 8, 8, 4], 10, 43)
    _check_mlp(student, [5, 3, 7, 2, 6, 3], 9, 44)


@grader(
    "mlp_loss_and_grads",
    points=1,
    hint="With a single (W, b) there is no hidden layer: softmax regression, no "
    "ReLU anywhere.",
)
def test_mlp_single_layer(student):
    _check_mlp(student, [4, 3], 6, 45)


@grader(
    "mlp_loss_and_grads",
    points=1,
    hint="The function must be pure: do not modify params or X, keep no state "
    "between calls, and take every activation from this call's forward pass.",
)
def test_mlp_pure(student):
    params = _init([3, 6, 4], 46)
    rng = np.random.default_rng(47)
    X1, y1 = rng.normal(size=(8, 3)), rng.integers(0, 4, size=8)
    X2, y2 = rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)
    sent = [(W.copy(), b.copy()) for W, b in params]
    x_sent = X1.copy()
    student.mlp_loss_and_grads(sent, x_sent, y1.copy())
    expect(
        all(
            np.array_equal(W, W0) and np.array_equal(b, b0)
            for (W, b), (W0, b0) in zip(sent, params, strict=True)
        )
        and np.array_equal(x_sent, X1),
        "mlp_loss_and_grads modified params or X",
    )
    loss2, grads2 = student.mlp_loss_and_grads(sent, X2.copy(), y2.copy())
    want_loss, want = _torch_mlp(params, X2, y2)
    assert math.isclose(float(loss2), want_loss, rel_tol=1e-10)
    for (dW, db), (wW, wb) in zip(grads2, want, strict=True):
        np.testing.assert_allclose(dW, wW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, wb, rtol=1e-9, atol=1e-12)
    loss1, _ = student.mlp_loss_and_grads(sent, X1.copy(), y1.copy())
    loss1_again, _ = student.mlp_loss_and_grads(sent, X1.copy(), y1.copy())
    expect(
        float(loss1) == float(loss1_again), "two identical calls gave different losses"
    )


# --------------------------------------------------------------------------
# make_spiral and train_mlp


@grader(
    "spiral",
    points=1,
    hint="make_spiral: classes in order, one rng.standard_normal(n_per_class) "
    "call per class, the noise goes on the angle.",
)
def test_make_spiral_matches_reference(student):
    for n, k, noise, seed in [(50, 3, 0.2, 51), (7, 5, 0.5, 52), (20, 2, 0.0, 53)]:
        rng, rng_ref = np.random.default_rng(seed), np.random.default_rng(seed)
        X, y = student.make_spiral(n, k, noise, rng)
        X_ref, y_ref = ref.make_spiral(n, k, noise, rng_ref)
        expect(
            np.shape(X) == X_ref.shape and np.shape(y) == y_ref.shape,
            "X must have shape (N, 2) and y shape (N,)",
        )
        np.testing.assert_allclose(X, X_ref, rtol=1e-12, atol=1e-15)
        assert np.array_equal(y, y_ref)
        expect(
            rng.bit_generator.state == rng_ref.bit_generator.state,
            "make_spiral must draw exactly one standard_normal(n_per_class) per "
            "class from rng, and nothing else",
        )


@grader(
    "spiral",
    points=1,
    hint="X is float64 of shape (N, 2); y is a flat int64 array of shape (N,) "
    "with n_per_class labels of each class.",
)
def test_make_spiral_types(student):
    X, y = student.make_spiral(40, 4, 0.3, np.random.default_rng(54))
    expect(np.shape(X) == (160, 2), "X must have shape (n_classes * n_per_class, 2)")
    expect(np.shape(y) == (160,), "y must be a flat array of shape (N,)")
    expect(np.asarray(X).dtype == np.float64, "X must be float64")
    expect(np.asarray(y).dtype == np.int64, "y must be int64")
    expect(
        np.array_equal(np.bincount(y), [40] * 4),
        "each class must have n_per_class points",
    )


def _train_both(student, X, y, hidden, epochs, lr, seed):
    rng, rng_ref = np.random.default_rng(seed), np.random.default_rng(seed)
    Xs, ys = X.copy(), y.copy()
    params, losses = student.train_mlp(Xs, ys, list(hidden), epochs, lr, rng)
    expect(np.array_equal(Xs, X) and np.array_equal(ys, y), "train_mlp modified X or y")
    ref_params, ref_losses = ref.train_mlp(X, y, list(hidden), epochs, lr, rng_ref)
    expect(len(params) == len(ref_params), "params must hold one (W, b) per layer")
    for (W, b), (rW, rb) in zip(params, ref_params, strict=True):
        expect(
            np.shape(W) == rW.shape and np.shape(b) == rb.shape,
            "a (W, b) pair has the wrong shape",
        )
    expect(
        rng.bit_generator.state == rng_ref.bit_generator.state,
        "train_mlp must use rng only for the He-initialised weights",
    )
    expect(len(losses) == epochs, "losses must hold one float per epoch")
    return params, losses, ref_params, ref_losses


@grader(
    "spiral",
    points=1,
    hint="He initialisation layer by layer: W = rng.standard_normal((d_in, "
    "d_out)) * sqrt(2 / d_in), b = zeros(d_out); no other rng use.",
)
def test_train_mlp_initialisation(student):
    X, y = ref.make_spiral(10, 3, 0.2, np.random.default_rng(55))
    for hidden in ([16, 8], [], [5]):
        params, losses, ref_params, _ = _train_both(student, X, y, hidden, 0, 1.0, 56)
        for (W, b), (rW, rb) in zip(params, ref_params, strict=True):
            np.testing.assert_allclose(W, rW, rtol=1e-12, atol=0)
            np.testing.assert_allclose(b, rb, rtol=0, atol=0)


@grader(
    "spiral",
    points=2,
    hint="Each epoch: loss and gradients on all of X at the current params, "
    "record the loss before updating, then W -= lr * dW and b -= lr * db.",
)
def test_train_mlp_first_epochs(student):
    X, y = ref.make_spiral(20, 3, 0.2, np.random.default_rng(57))
    for hidden, lr in [([8, 8], 0.5), ([], 1.0)]:
        params, losses, ref_params, ref_losses = _train_both(
            student, X, y, hidden, 5, lr, 58
        )
        np.testing.assert_allclose(losses, ref_losses, rtol=1e-8)
        for (W, b), (rW, rb) in zip(params, ref_params, strict=True):
            np.testing.assert_allclose(W, rW, rtol=1e-8, atol=1e-12)
            np.testing.assert_allclose(b, rb, rtol=1e-8, atol=1e-12)


def _accuracy(params, X, y):
    h = X
    for i, (W, b) in enumerate(params):
        h = h @ np.asarray(W) + np.asarray(b)
        if i < len(params) - 1:
            h = np.maximum(h, 0.0)
    return float(np.mean(h.argmax(axis=1) == y))


@grader(
    "spiral",
    points=2,
    hint="Full-batch gradient descent with the mean loss's gradient; a [2, 16, "
    "16, 3] ReLU net with lr 1.0 separates the spirals in 300 epochs.",
)
def test_train_mlp_learns_spirals(student):
    for seed in (0, 1, 2):
        X, y = ref.make_spiral(100, 3, 0.2, np.random.default_rng(seed))
        params, losses = student.train_mlp(
            X.copy(), y.copy(), [16, 16], 300, 1.0, np.random.default_rng(100 + seed)
        )
        expect(len(losses) == 300, "losses must hold one float per epoch")
        expect(
            all(math.isfinite(float(v)) for v in losses), "the loss became NaN or inf"
        )
        assert float(losses[-1]) < 0.2 * float(losses[0])
        assert _accuracy(params, X, y) >= 0.95
