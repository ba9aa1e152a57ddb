"""Hidden graders of chapter 1 (language as symbols, counts and vectors).

Expected values come from ``solutions.ch01_language`` called here, from torch
(cosine similarity and softmax, float64), or from literals worked out by hand.
Randomness: every test seeds its own generators; the sampling tests also
build generators whose next ``random()`` is an exact chosen number (see
``_rng_with_next``), to test the inverse-CDF rule at its boundaries.

Tolerances: exact equality for ids, strings and sampled sequences;
probabilities and similarities rtol 1e-9 (1e-12 where no reordering of the
arithmetic is expected), atol 1e-300 for probabilities that underflow.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch01_language as ref

# --------------------------------------------------------------------------
# helpers (grader side only)


def _is_int_list(x) -> bool:
    return isinstance(x, list) and all(
        isinstance(i, int | np.integer) and not isinstance(i, bool) for i in x
    )


def _raises(exc_type, func, *args, **kwargs) -> bool:
    try:
        func(*args, **kwargs)
    except exc_type:
        return True
    return False


def _rng_with_next(u: float) -> np.random.Generator:
    """A generator whose next ``random()`` returns exactly ``u``.

    ``Generator.random()`` is ``(next_uint64 >> 11) * 2**-53`` and SFC64's
    next output is the sum of three of its state words, so a state of
    ``[k << 11, 0, 0, 0]`` makes the next draw ``k * 2**-53``.
    """
    k = round(u * 2**53)
    if not (0 <= k < 2**53 and k / 2**53 == u):
        raise ValueError("u must be a multiple of 2**-53 in [0, 1)")
    gen = np.random.Generator(np.random.SFC64(0))
    state = gen.bit_generator.state
    state["state"]["state"] = np.array([k << 11, 0, 0, 0], dtype=np.uint64)
    state["has_uint32"] = 0
    state["uinteger"] = 0
    gen.bit_generator.state = state
    return gen


# --------------------------------------------------------------------------
# vocab: build_vocab, encode, decode

CORPUS = ["语言模型很有趣", "I love NLP!", "模型 = model 👩‍🔬", "", "love 语言"]
VOCAB_HINT = (
    "Specials first in the given order, then characters (code points) in order "
    "of first appearance across the texts; never sort, never iterate a set."
)


@grader("vocab", points=2, hint=VOCAB_HINT)
def test_vocab_first_appearance_order(student):
    stoi, itos = student.build_vocab(list(CORPUS))
    want_stoi, want_itos = ref.build_vocab(list(CORPUS))
    expect(
        isinstance(stoi, dict) and isinstance(itos, list | tuple),
        "build_vocab must return (dict, list)",
    )
    assert list(itos) == want_itos
    assert dict(stoi) == want_stoi


@grader(
    "vocab",
    points=1,
    hint="specials[k] gets id k; a character equal to a one-character special "
    "keeps the special's id and is not added a second time.",
)
def test_vocab_custom_specials(student):
    specials = ("<pad>", "<bos>", "<unk>", " ")
    stoi, itos = student.build_vocab(list(CORPUS), specials)
    want_stoi, want_itos = ref.build_vocab(list(CORPUS), specials)
    expect(len(itos) == len(want_itos), "the vocabulary has the wrong size")
    assert list(itos) == want_itos
    assert dict(stoi) == want_stoi


@grader(
    "vocab",
    points=1,
    hint="No texts (or only empty strings) give a vocabulary of just the "
    "specials; no specials at all is allowed too.",
)
def test_vocab_empty_inputs(student):
    stoi, itos = student.build_vocab([])
    assert list(itos) == ["<unk>"] and dict(stoi) == {"<unk>": 0}
    stoi, itos = student.build_vocab(["", ""], ("<pad>", "<unk>"))
    assert list(itos) == ["<pad>", "<unk>"] and dict(stoi) == {"<pad>": 0, "<unk>": 1}
    stoi, itos = student.build_vocab(["aba"], ())
    assert list(itos) == ["a", "b"] and dict(stoi) == {"a": 0, "b": 1}


@grader(
    "vocab",
    points=1,
    hint="A special token given twice, or an empty special token, raises ValueError.",
)
def test_vocab_rejects_bad_specials(student):
    expect(
        _raises(ValueError, student.build_vocab, ["abc"], ("<unk>", "<pad>", "<unk>")),
        "duplicate special tokens did not raise ValueError",
    )
    expect(
        _raises(ValueError, student.build_vocab, ["abc"], ("<unk>", "")),
        "an empty special token did not raise ValueError",
    )


@grader(
    "vocab",
    points=1,
    hint="Unknown characters become stoi[unk] (look the id up, do not assume "
    "0) and are never dropped; KeyError only when an unknown character occurs "
    "and unk itself is missing.",
)
def test_encode_unknown_policy(student):
    stoi, _ = ref.build_vocab(["abc"], ("<pad>", "<unk>"))
    ids = student.encode("a?cb!", dict(stoi))
    expect(_is_int_list(ids), "encode must return a list of ints")
    assert list(ids) == [2, 1, 4, 3, 1]
    stoi2, _ = ref.build_vocab(["xyz"], ("<oov>",))
    assert list(student.encode("zq", dict(stoi2), unk="<oov>")) == [3, 0]
    # no unknown token in the vocabulary: fine while every character is known
    stoi3, _ = ref.build_vocab(["hello"], ())
    assert list(student.encode("hole", dict(stoi3))) == [0, 3, 2, 1]
    expect(
        _raises(KeyError, student.encode, "help", dict(stoi3)),
        "an unknown character with no unk token in stoi must raise KeyError",
    )


@grader(
    "vocab",
    points=1,
    hint="One id per code point (iterate over the str); special tokens are not "
    "parsed out of the text.",
)
def test_encode_code_points(student):
    stoi, itos = ref.build_vocab(list(CORPUS))
    for text in ["👩‍🔬", "语言 model", "e\u0301", "<unk>", ""]:
        ids = student.encode(text, dict(stoi))
        expect(_is_int_list(ids), "encode must return a list of ints")
        assert list(ids) == ref.encode(text, stoi)
    ids = student.encode("I love 语言模型 👩‍🔬", dict(stoi))
    assert ref.decode(list(ids), itos) == "I love 语言模型 👩‍🔬"


@grader(
    "vocab",
    points=1,
    hint="decode concatenates itos[i] with no separator; a special token "
    "decodes to its own text.",
)
def test_decode_concatenates(student):
    stoi, itos = ref.build_vocab(list(CORPUS), ("<pad>", "<unk>"))
    for text in ["I love NLP!", "模型 = model 👩‍🔬", "语言模型很有趣", ""]:
        got = student.decode(ref.encode(text, stoi), list(itos))
        expect(isinstance(got, str), "decode must return a str")
        assert got == text
    assert student.decode([1, 2, 0, 1], list(itos)) == "<unk>语<pad><unk>"
    arr = np.array(ref.encode("love", stoi), dtype=np.int64)
    assert student.decode(arr, list(itos)) == "love"


@grader(
    "vocab",
    points=1,
    hint="An id outside 0 <= id < len(itos) raises IndexError; check negative "
    "ids yourself, since itos[-1] would silently return the last token.",
)
def test_decode_out_of_range(student):
    _, itos = ref.build_vocab(["abc"])
    expect(
        _raises(IndexError, student.decode, [1, -1], list(itos)),
        "a negative id did not raise IndexError",
    )
    expect(
        _raises(IndexError, student.decode, [len(itos)], list(itos)),
        "an id equal to len(itos) did not raise IndexError",
    )


# --------------------------------------------------------------------------
# word_vectors: cosine_similarity, analogy


def _torch_cos(a, b, eps=1e-8):
    ta, tb = (
        torch.as_tensor(a, dtype=torch.float64),
        torch.as_tensor(b, dtype=torch.float64),
    )
    return torch.nn.functional.cosine_similarity(ta, tb, dim=-1, eps=eps).numpy()


def _check_cos(student, a, b, eps=None):
    a0, b0 = a.copy(), b.copy()
    if eps is None:
        got = student.cosine_similarity(a, b)
        want = _torch_cos(a, b)
    else:
        got = student.cosine_similarity(a, b, eps=eps)
        want = _torch_cos(a, b, eps=eps)
    got = np.asarray(got)
    expect(
        np.array_equal(a, a0) and np.array_equal(b, b0),
        "cosine_similarity modified its inputs",
    )
    expect(got.dtype == np.float64, "cosine_similarity must return float64 values")
    expect(
        got.shape == want.shape,
        f"for inputs of shapes {a.shape} and {b.shape} the result has shape "
        f"{got.shape}; reduce over the last axis only",
    )
    expect(np.all(np.isfinite(got)), "cosine_similarity returned nan or inf")
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)


COS_HINT = (
    "Sum a * b over the last axis only; divide by max(||a||, eps) * "
    "max(||b||, eps), each norm taken along the last axis."
)


@grader("word_vectors", points=2, hint=COS_HINT)
def test_cosine_matches_torch(student):
    rng = np.random.default_rng(101)
    a = rng.normal(size=(20, 8)) * rng.uniform(0.1, 10, size=(20, 1))
    b = rng.normal(size=(20, 8))
    _check_cos(student, a, b)
    _check_cos(student, a[3], b[5])
    _check_cos(student, a, b[0])
    _check_cos(student, -a[:4], a[:4])


@grader("word_vectors", points=1, hint=COS_HINT + " Leading axes broadcast.")
def test_cosine_broadcasts(student):
    rng = np.random.default_rng(102)
    a = rng.normal(size=(5, 1, 6))
    b = rng.normal(size=(7, 6))
    _check_cos(student, a, b)
    _check_cos(student, rng.normal(size=(2, 3, 4)), rng.normal(size=(3, 4)))


@grader(
    "word_vectors",
    points=1,
    hint="Clamp each norm on its own: max(||a||, eps) * max(||b||, eps). A zero "
    "vector then gives exactly 0.0, and tiny vectors follow the same rule.",
)
def test_cosine_zero_and_tiny_vectors(student):
    z = np.zeros(4)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    got = np.asarray(student.cosine_similarity(z, v))
    expect(got.shape == () and got == 0.0, "a zero vector must give exactly 0.0")
    got = np.asarray(student.cosine_similarity(np.zeros((3, 4)), np.zeros((3, 4))))
    expect(
        got.shape == (3,) and np.all(got == 0.0),
        "two zero vectors must give 0.0 (never nan)",
    )
    rng = np.random.default_rng(103)
    tiny = rng.normal(size=(6, 4)) * 1e-6
    _check_cos(student, tiny, tiny[::-1].copy())
    _check_cos(student, tiny, rng.normal(size=(6, 4)))
    _check_cos(student, tiny * 1e3, tiny.copy(), eps=1e-2)


TOY_WORDS = [
    "king", "queen", "man", "woman", "prince", "princess", "boy", "girl",
    "apple", "river",
]  # fmt: skip
TOY_VECTORS = np.array(
    [
        [0.92, -0.81, -0.58, 0.71],
        [0.88, 0.79, -0.52, 0.74],
        [-0.31, -0.90, -0.63, 0.82],
        [-0.28, 0.87, -0.49, 0.79],
        [0.83, -0.77, 0.69, 0.68],
        [0.79, 0.84, 0.76, 0.72],
        [-0.42, -0.83, 0.81, 0.77],
        [-0.37, 0.91, 0.72, 0.83],
        [-0.12, 0.05, 0.09, -0.93],
        [0.04, 0.11, -0.13, -0.85],
    ]
)

ANALOGY_HINT = (
    "Target = v(b) - v(a) + v(c) from the raw rows; rank every word by cosine "
    "with the target, highest first; skip a, b and c when exclude_inputs."
)


def _check_analogy(student, words, vecs, a, b, c, **kw):
    v0 = vecs.copy()
    got = student.analogy(list(words), vecs, a, b, c, **kw)
    want = ref.analogy(list(words), v0, a, b, c, **kw)
    expect(np.array_equal(vecs, v0), "analogy modified the vectors")
    expect(
        isinstance(got, list)
        and all(isinstance(p, tuple | list) and len(p) == 2 for p in got),
        "analogy must return a list of (word, score) tuples",
    )
    assert [p[0] for p in got] == [p[0] for p in want]
    np.testing.assert_allclose(
        [float(p[1]) for p in got], [p[1] for p in want], rtol=1e-9, atol=1e-12
    )


@grader("word_vectors", points=1, hint=ANALOGY_HINT)
def test_analogy_toy_vectors(student):
    for a, b, c in [
        ("man", "king", "woman"),
        ("boy", "prince", "girl"),
        ("man", "woman", "king"),
        ("king", "prince", "queen"),
    ]:
        _check_analogy(student, TOY_WORDS, TOY_VECTORS.copy(), a, b, c, topn=3)


def _random_embeddings(seed, n=40, d=6):
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, d)) * rng.uniform(0.2, 5.0, size=(n, 1))
    words = [f"w{i:02d}" for i in range(n)]
    return words, vecs


@grader("word_vectors", points=2, hint=ANALOGY_HINT)
def test_analogy_random_embeddings(student):
    for seed in (111, 112):
        words, vecs = _random_embeddings(seed)
        for a, b, c in [
            ("w00", "w01", "w02"),
            ("w10", "w03", "w27"),
            ("w39", "w20", "w05"),
        ]:
            _check_analogy(student, words, vecs, a, b, c, topn=5)


@grader(
    "word_vectors",
    points=1,
    hint="With exclude_inputs=True skip exactly a, b and c; with False they "
    "compete like every other word.",
)
def test_analogy_exclude_inputs(student):
    # the target v(b) - v(a) + v(c) is nearest to b itself here
    words = ["a", "b", "c", "d", "e"]
    vecs = np.array(
        [
            [0.0, 0.1, 1.0],
            [1.0, 0.0, 0.0],
            [0.0, 0.3, 1.0],
            [0.6, 0.6, 0.2],
            [0.0, 1.0, 0.0],
        ]
    )
    for flag in (True, False):
        _check_analogy(
            student, words, vecs.copy(), "a", "b", "c", topn=2, exclude_inputs=flag
        )
    got = student.analogy(list(words), vecs.copy(), "a", "b", "c", topn=10)
    expect(
        [p[0] for p in got] == ["d", "e"],
        "with exclude_inputs=True and topn larger than the remaining words, "
        "return every remaining word, best first",
    )


@grader(
    "word_vectors",
    points=1,
    hint="Exactly equal scores keep the order of `words`: the word listed "
    "earlier comes first (a stable sort of -scores does this; reversing an "
    "ascending argsort does not).",
)
def test_analogy_ties(student):
    # all values are small dyadic numbers, so equal rows give bit-equal scores
    words = ["p", "q", "r", "s", "t", "u", "v"]
    vecs = np.array(
        [
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.5, 0.5, 0.5],
            [0.25, 0.5, 0.25],
            [0.5, 0.5, 0.5],
            [0.25, 0.5, 0.25],
        ]
    )
    for a, b, c in [("p", "q", "r"), ("r", "q", "p")]:
        _check_analogy(student, words, vecs.copy(), a, b, c, topn=4)


@grader(
    "word_vectors",
    points=1,
    hint="Unknown words raise KeyError; topn < 1 raises ValueError.",
)
def test_analogy_errors(student):
    expect(
        _raises(
            KeyError,
            student.analogy,
            list(TOY_WORDS),
            TOY_VECTORS.copy(),
            "man",
            "king",
            "duchess",
        ),
        "an unknown word did not raise KeyError",
    )
    expect(
        _raises(
            ValueError,
            student.analogy,
            list(TOY_WORDS),
            TOY_VECTORS.copy(),
            "man",
            "king",
            "woman",
            topn=0,
        ),
        "topn=0 did not raise ValueError",
    )


# --------------------------------------------------------------------------
# softmax


def _torch_softmax(x, t, axis):
    tx = torch.as_tensor(np.asarray(x, dtype=np.float64))
    return torch.softmax(tx / t, dim=axis).numpy()


def _check_softmax(student, x, t=1.0, axis=-1):
    # note: the student gets a copy; mutation is graded on its own below
    got = np.asarray(student.softmax(x.copy(), temperature=t, axis=axis))
    expect(got.shape == x.shape, "softmax must return an array of the input's shape")
    expect(got.dtype == np.float64, "softmax must return float64")
    expect(
        np.all(np.isfinite(got)),
        "softmax returned nan or inf (subtract each slice's own maximum)",
    )
    np.testing.assert_allclose(got, _torch_softmax(x, t, axis), rtol=1e-9, atol=1e-300)


SOFTMAX_HINT = (
    "p = exp((x - max) / T) / sum(exp((x - max) / T)), where max, exp-sum and "
    "normalisation are all taken along `axis` (keepdims=True)."
)


@grader("softmax", points=2, hint=SOFTMAX_HINT)
def test_softmax_matches_torch(student):
    rng = np.random.default_rng(201)
    x = rng.normal(scale=3.0, size=(4, 7))
    for t in (0.3, 1.0, 2.5):
        _check_softmax(student, x, t)
    _check_softmax(student, rng.normal(size=9), 0.7)
    _check_softmax(student, np.array([[2, 1, 0, -1]], dtype=np.int64), 1.0)


@grader(
    "softmax",
    points=1,
    hint="Normalise along the `axis` you are given (negative axes count from "
    "the end), not always the last one.",
)
def test_softmax_axis(student):
    rng = np.random.default_rng(202)
    x = rng.normal(scale=2.0, size=(3, 5, 4))
    for axis in (0, 1, -2, 2):
        _check_softmax(student, x, 0.8, axis)


@grader(
    "softmax",
    points=2,
    hint="exp(1000) overflows to inf: subtract the maximum before exponentiating.",
)
def test_softmax_large_logits(student):
    _check_softmax(student, np.array([1000.0, 1001.0, 1002.0]))
    _check_softmax(student, np.array([-1000.0, -1001.0, -1003.0]), 0.5)
    _check_softmax(student, np.array([1e4, 1e4 - 3.0, -1e4, 0.0]), 0.1)
    _check_softmax(student, np.array([3e3, 2.9e3, 1e3]), 0.25)
    got = np.asarray(student.softmax(np.array([1e300, 0.0, -1e300])))
    expect(np.all(np.isfinite(got)), "softmax overflowed on logits of 1e300")
    assert np.array_equal(got, [1.0, 0.0, 0.0])


@grader(
    "softmax",
    points=1,
    hint="Each slice needs its own maximum (max along `axis` with "
    "keepdims=True); one global maximum underflows the other slices to 0/0.",
)
def test_softmax_per_slice_maximum(student):
    x = np.array([[0.0, 0.0, 1.0], [1000.0, 1000.0, 999.0], [-1000.0, -998.0, -999.0]])
    _check_softmax(student, x, 1.0, -1)
    _check_softmax(student, x.T.copy(), 2.0, 0)


@grader(
    "softmax",
    points=1,
    hint="Masked entries (-inf) get probability 0; a constant added to a slice "
    "changes nothing; larger T means higher entropy.",
)
def test_softmax_properties(student):
    x = np.array([[0.5, -np.inf, 2.0, 1.0], [-np.inf, -np.inf, -np.inf, 7.0]])
    _check_softmax(student, x, 1.0)
    _check_softmax(student, x, 3.0)
    rng = np.random.default_rng(203)
    y = rng.normal(size=(5, 6))
    base = np.asarray(student.softmax(y.copy(), temperature=1.5))
    shifted = np.asarray(student.softmax(y + rng.normal(size=(5, 1)) * 50, 1.5))
    np.testing.assert_allclose(shifted, base, rtol=1e-9, atol=1e-15)
    ent = []
    for t in (0.25, 0.5, 1.0, 2.0, 4.0):
        p = np.asarray(student.softmax(y[0].copy(), temperature=t))
        ent.append(float(-np.sum(p * np.log(p))))
    expect(
        all(e1 < e2 for e1, e2 in zip(ent[:-1], ent[1:], strict=True)),
        "the entropy did not grow with the temperature",
    )
    near_uniform = np.asarray(student.softmax(y[0].copy(), temperature=1e6))
    np.testing.assert_allclose(near_uniform, np.full(6, 1 / 6), rtol=1e-5)


@grader(
    "softmax",
    points=1,
    hint="Work on a new array (x = x - max, not x -= max): the caller's logits "
    "must be left exactly as they were.",
)
def test_softmax_leaves_input_alone(student):
    rng = np.random.default_rng(204)
    for shape, axis in [((6,), -1), ((3, 4), 0), ((2, 3, 5), 1)]:
        x = rng.normal(scale=4.0, size=shape)
        x0 = x.copy()
        got = np.asarray(student.softmax(x, temperature=0.7, axis=axis))
        expect(np.array_equal(x, x0), "softmax modified the logits it was given")
        np.testing.assert_allclose(
            got, _torch_softmax(x0, 0.7, axis), rtol=1e-9, atol=1e-300
        )


@grader(
    "softmax",
    points=1,
    hint="Raise ValueError unless the temperature is a finite number > 0 "
    "(reject 0, negative numbers, nan and inf).",
)
def test_softmax_rejects_bad_temperature(student):
    x = np.array([1.0, 2.0, 3.0])
    for t in (0.0, -1.0, float("nan"), float("inf")):
        expect(
            _raises(ValueError, student.softmax, x.copy(), t),
            f"temperature={t} did not raise ValueError",
        )
    # valid temperatures still work
    student.softmax(x.copy(), 1e-3)
    student.softmax(x.copy(), 2)


# --------------------------------------------------------------------------
# bigram_matrix

BIGRAM_HINT = (
    "Count pairs (i, j) of neighbours inside each sentence, then divide each "
    "row (the current id) by its total; with smoothing, (C + alpha) / "
    "(n_i + alpha * V)."
)


def _check_bigram(student, sentences, V, alpha=None):
    if alpha is None:
        got = student.bigram_matrix(sentences, V)
        want = ref.bigram_matrix(sentences, V)
    else:
        got = student.bigram_matrix(sentences, V, alpha)
        want = ref.bigram_matrix(sentences, V, alpha)
    got = np.asarray(got)
    expect(got.shape == (V, V), "bigram_matrix must return a (V, V) array")
    expect(got.dtype == np.float64, "bigram_matrix must return float64")
    expect(np.all(np.isfinite(got)), "bigram_matrix returned nan or inf")
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    return got


@grader("bigram_matrix", points=1, hint=BIGRAM_HINT)
def test_bigram_by_hand(student):
    P = np.asarray(student.bigram_matrix([[0, 1, 1, 2, 1, 0]], 3))
    want = np.array([[0.0, 1.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]])
    expect(P.shape == (3, 3), "bigram_matrix must return a (V, V) array")
    np.testing.assert_allclose(P, want, rtol=1e-12, atol=1e-15)


def _random_corpus(seed, V, n_sent):
    rng = np.random.default_rng(seed)
    return [
        [int(i) for i in rng.integers(0, V - 2, size=rng.integers(0, 9))]
        for _ in range(n_sent)
    ]


@grader("bigram_matrix", points=2, hint=BIGRAM_HINT)
def test_bigram_matches_reference(student):
    for seed, alpha in [(301, 0.0), (302, 0.5), (303, 2.0)]:
        corpus = _random_corpus(seed, 12, 15)
        P = _check_bigram(student, corpus, 12, alpha)
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    arrays = [np.array(s, dtype=np.int64) for s in _random_corpus(304, 9, 10)]
    before = [a.copy() for a in arrays]
    _check_bigram(student, arrays, 9)
    expect(
        all(np.array_equal(a, b) for a, b in zip(arrays, before, strict=True)),
        "bigram_matrix modified the sentences",
    )


@grader(
    "bigram_matrix",
    points=1,
    hint="Count only within a sentence: the last id of one sentence is not "
    "followed by the first id of the next.",
)
def test_bigram_sentence_boundaries(student):
    _check_bigram(student, [[0, 1], [2, 3], [3, 0, 2]], 4)
    _check_bigram(student, [[1], [0, 1], [], [2]], 3)


@grader(
    "bigram_matrix",
    points=1,
    hint="A row with nothing to count (alpha = 0) is uniform, 1 / V in every "
    "column: never 0/0, never a row of zeros.",
)
def test_bigram_unfollowed_rows_are_uniform(student):
    P = _check_bigram(student, [[0, 1, 2], [2, 0]], 5)
    expect(
        np.allclose(P[3:], 0.2) and np.allclose(P.sum(axis=1), 1.0),
        "rows of ids that are never followed must be uniform",
    )
    _check_bigram(student, [], 3)
    _check_bigram(student, [[4]], 6)


@grader(
    "bigram_matrix",
    points=1,
    hint="Add alpha to every count of the row and alpha * V to its total.",
)
def test_bigram_smoothing(student):
    P = _check_bigram(student, [[0, 1, 0, 2]], 4, 1.0)
    expect(
        math.isclose(float(P[0, 1]), 2 / 6) and math.isclose(float(P[3, 0]), 0.25),
        "with alpha = 1 the row of id 0 is (C + 1) / (2 + 4)",
    )
    _check_bigram(student, [[0, 0, 0, 1]], 2, 0.1)


@grader(
    "bigram_matrix",
    points=1,
    hint="Raise ValueError for ids outside 0..V-1 (negative ids too), a "
    "negative or non-finite alpha, and vocab_size < 1.",
)
def test_bigram_validation(student):
    cases = [
        (([[0, 1, -1]], 3), "a negative id"),
        (([[0, 3]], 3), "an id equal to vocab_size"),
        (([[0, 1]], 2, -0.5), "a negative alpha"),
        (([[0, 1]], 2, float("nan")), "alpha = nan"),
        (([], 0), "vocab_size = 0"),
    ]
    for args, what in cases:
        expect(
            _raises(ValueError, student.bigram_matrix, *args),
            f"{what} did not raise ValueError",
        )


# --------------------------------------------------------------------------
# sample_chain


def _chain_P(seed, V, zero_frac=0.4):
    rng = np.random.default_rng(seed)
    P = rng.random((V, V)) * (rng.random((V, V)) > zero_frac)
    P[:, 0] = 0.0  # only the last row (below) can move to id 0
    P[np.arange(V), (np.arange(V) + 1) % V] += 0.05  # every row has a successor
    return P / P.sum(axis=1, keepdims=True)


CHAIN_HINT = (
    "One u = rng.random() per new id, in order; the new id is the smallest j "
    "with cumsum(P[cur])[j] > u. The sequence has `length` ids, start included."
)


def _check_chain(student, P, start, length, seed):
    rng = np.random.default_rng(seed)
    P0 = P.copy()
    got = student.sample_chain(P, start, length, rng)
    want_rng = np.random.default_rng(seed)
    want = ref.sample_chain(P0, start, length, want_rng)
    expect(np.array_equal(P, P0), "sample_chain modified P")
    expect(_is_int_list(got), "sample_chain must return a list of ints")
    expect(len(got) == length, "the sequence must hold exactly `length` ids")
    assert [int(i) for i in got] == want
    return rng, want_rng


@grader("sample_chain", points=2, hint=CHAIN_HINT)
def test_chain_matches_reference(student):
    for seed, V, start, length in [(401, 6, 1, 40), (402, 9, 8, 200), (403, 3, 2, 7)]:
        _check_chain(student, _chain_P(seed, V), start, length, seed + 50)


@grader(
    "sample_chain",
    points=1,
    hint="Call rng.random() exactly length - 1 times and nothing else: the "
    "generator must end up exactly length - 1 draws further on.",
)
def test_chain_rng_usage(student):
    P = _chain_P(411, 5)
    for length in (2, 25):
        rng, want_rng = _check_chain(student, P, 3, length, 412)
        expect(
            rng.bit_generator.state == want_rng.bit_generator.state,
            "the generator was not advanced by exactly length - 1 draws",
        )


@grader(
    "sample_chain",
    points=2,
    hint="Use a strict comparison, cdf[j] > u (searchsorted side='right'): "
    "u = 0.0 can happen and must never pick a probability-0 id.",
)
def test_chain_inverse_cdf_boundaries(student):
    # row 0 has exact (dyadic) cumulative sums 0, .25, .25, .5, 1, 1
    P = np.array(
        [
            [0.0, 0.25, 0.0, 0.25, 0.5, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    )
    for u, want in [(0.0, 1), (0.125, 1), (0.25, 3), (0.375, 3), (0.5, 4), (0.875, 4)]:
        got = student.sample_chain(P.copy(), 0, 2, _rng_with_next(u))
        expect(
            _is_int_list(got) and len(got) >= 2,
            "sample_chain must return a list of `length` ints",
        )
        expect(P[0, int(got[1])] > 0, "a transition of probability 0 was drawn")
        assert int(got[1]) == want
    got = student.sample_chain(P.copy(), 2, 2, _rng_with_next(0.5))
    assert int(got[1]) == 1


@grader(
    "sample_chain",
    points=1,
    hint="When u >= cdf[-1] (a row that sums to 1 - 1e-16 through rounding), "
    "take the largest j with P[cur, j] > 0, not simply the last column.",
)
def test_chain_rounding_fallback(student):
    row = np.array([0.1] * 10 + [0.0])  # cumsum ends at 1 - 2**-53
    P = np.tile(row, (11, 1))
    u = 1.0 - 2.0**-53
    got = student.sample_chain(P.copy(), 4, 2, _rng_with_next(u))
    expect(
        _is_int_list(got) and len(got) >= 2,
        "sample_chain must return a list of `length` ints",
    )
    assert int(got[1]) == 9


@grader(
    "sample_chain",
    points=1,
    hint="length = 1 returns [start] without drawing; ValueError for length "
    "< 1, a start outside 0..V-1, or a P that is not square.",
)
def test_chain_length_one_and_validation(student):
    P = _chain_P(421, 4)
    rng = np.random.default_rng(422)
    state = rng.bit_generator.state
    got = student.sample_chain(P.copy(), 2, 1, rng)
    expect(list(got) == [2], "length=1 must return [start]")
    expect(rng.bit_generator.state == state, "length=1 must not draw from rng")
    for args, what in [
        ((P.copy(), 0, 0), "length=0"),
        ((P.copy(), -1, 3), "start=-1"),
        ((P.copy(), 4, 3), "start=V"),
        ((np.full((2, 3), 1 / 3), 0, 3), "a 2x3 P"),
    ]:
        expect(
            _raises(ValueError, student.sample_chain, *args, np.random.default_rng(0)),
            f"{what} did not raise ValueError",
        )


@grader(
    "sample_chain",
    points=1,
    hint="Draw each new id from the row of the *current* id; over a long chain "
    "the observed transition frequencies must match that row.",
)
def test_chain_statistics(student):
    P = _chain_P(431, 5, zero_frac=0.3)
    seq = student.sample_chain(P.copy(), 1, 20_000, np.random.default_rng(432))
    # note: the length itself is graded elsewhere; here only the draws count
    expect(len(seq) >= 10_000, "the chain is far too short")
    seq = np.asarray(seq, dtype=np.int64)
    counts = np.zeros((5, 5))
    np.add.at(counts, (seq[:-1], seq[1:]), 1)
    expect(not np.any(counts[P == 0]), "transitions of probability 0 were sampled")
    visits = counts.sum(axis=1)
    for i in range(5):
        if visits[i] >= 1000:
            freq = counts[i] / visits[i]
            assert np.max(np.abs(freq - P[i])) < 0.03
