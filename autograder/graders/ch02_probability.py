"""Hidden graders of chapter 2 (probability and language).

Oracles: the reference solutions, and torch where torch implements the thing
(float64): ``torch.bincount`` for bigram counts, ``F.normalize`` for add-alpha
rows, ``F.nll_loss`` for log-probabilities and perplexity, ``torch.topk`` and
a stable ``torch.sort`` for top-k / top-p, ``torch.softmax`` for the sampling
distribution. Every test is seeded; random test vectors are built so that no
cumulative sum lies within 1e-9 of a top-p threshold (no float-boundary
cases, except exactly representable ones such as 0.5 + 0.25 = 0.75).

Tolerances: probabilities and log-probabilities rtol 1e-12 (atol 1e-15);
counts and sampled ids exactly.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch02_probability as ref

RTOL = 1e-12
ATOL = 1e-15

HELD_OUT = ["我喜欢喝咖啡", "她今天看书", "我们看电影", "他喜欢看书", "我明天喝茶"]


# --------------------------------------------------------------------------
# helpers (grader side only)


def _random_sentences(seed, n, alphabet="abcde", max_len=7):
    rng = np.random.default_rng(seed)
    letters = list(alphabet)
    return [
        "".join(rng.choice(letters, size=int(rng.integers(0, max_len + 1))))
        for _ in range(n)
    ]


def _dirichlet(seed, n, size_range=(2, 12), concentration=0.6):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        v = int(rng.integers(*size_range))
        out.append(rng.dirichlet(np.full(v, concentration)))
    return out


def _is_float(x) -> bool:
    return isinstance(x, (float, np.floating))


def _same_float(got, want) -> bool:
    got, want = float(got), float(want)
    if math.isinf(want) or math.isnan(want):
        return got == want
    return math.isclose(got, want, rel_tol=RTOL, abs_tol=ATOL)


def _torch_counts(sentences, boundary):
    vocab = [boundary] + sorted({c for s in sentences for c in s})
    index = {c: i for i, c in enumerate(vocab)}
    prev, nxt = [], []
    for s in sentences:
        ids = [0] + [index[c] for c in s] + [0]
        prev += ids[:-1]
        nxt += ids[1:]
    v = len(vocab)
    flat = torch.tensor(prev, dtype=torch.int64) * v + torch.tensor(
        nxt, dtype=torch.int64
    )
    return vocab, torch.bincount(flat, minlength=v * v).reshape(v, v).numpy()


def _torch_add_alpha(counts, alpha):
    c = torch.tensor(np.asarray(counts, dtype=np.float64)) + alpha
    return F.normalize(c, p=1.0, dim=1).numpy()


def _transitions(sentence, vocab, boundary):
    index = {c: i for i, c in enumerate(vocab)}
    ids = [index[boundary]] + [index[c] for c in sentence] + [index[boundary]]
    return torch.tensor(ids[:-1]), torch.tensor(ids[1:])


def _torch_nll_sum(sentences, vocab, probs, boundary):
    """Sum over all transitions of -ln p (inf for an impossible one), and N."""
    logp = torch.log(torch.tensor(probs, dtype=torch.float64))
    total, n = 0.0, 0
    for s in sentences:
        prev, nxt = _transitions(s, vocab, boundary)
        total += float(F.nll_loss(logp[prev], nxt, reduction="sum"))
        n += len(nxt)
    return total, n


def _torch_keep(q, keep_sorted, idx):
    mask = torch.zeros(q.shape, dtype=torch.bool)
    mask[idx] = keep_sorted
    out = torch.where(mask, q, torch.zeros_like(q))
    return out / out.sum()


def _torch_top_k(probs, k):
    q = torch.tensor(probs, dtype=torch.float64)
    k = min(k, q.numel())
    _, idx = torch.topk(q, k)
    return _torch_keep(q, torch.ones(k, dtype=torch.bool), idx).numpy()


def _torch_top_p(probs, p):
    q = torch.tensor(probs, dtype=torch.float64)
    sorted_q, idx = torch.sort(q, descending=True, stable=True)
    before = torch.cumsum(sorted_q, 0) - sorted_q  # mass ranked strictly before
    keep = before < p
    keep[0] = True
    return _torch_keep(q, keep, idx).numpy()


def _far_from_threshold(probs, p, margin=1e-9):
    c = np.cumsum(np.sort(probs)[::-1])
    return bool(np.all(np.abs(c - p) > margin))


def _model(alpha, sentences=None, boundary="."):
    vocab, counts = ref.bigram_counts(sentences or ref.CORPUS, boundary)
    return vocab, ref.bigram_probs(counts, alpha)


def _staged(buffers, values):
    """``values`` copied into a reusable float64 array of the same shape.

    Every distinct array a test passes stays registered with the sandboxed
    worker for the rest of the session (and is re-hashed on every call), so
    the bulk tests reuse one array per shape instead of a fresh copy per call.
    """
    values = np.asarray(values, dtype=np.float64)
    buf = buffers.setdefault(values.shape, np.empty(values.shape))
    buf[...] = values
    return buf


# --------------------------------------------------------------------------
# bigram_counts

COUNTS_HINT = (
    "Wrap each sentence as boundary + s + boundary (len(s) + 1 transitions, "
    "start and end included); vocab = [boundary] + sorted distinct characters; "
    "counts[i, j] counts vocab[j] right after vocab[i], as int64."
)


def _check_counts(student, sentences, boundary):
    got = student.bigram_counts(list(sentences), boundary)
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        "bigram_counts must return a pair (vocab, counts)",
    )
    vocab, counts = got
    counts = np.asarray(counts)
    want_vocab, want = ref.bigram_counts(list(sentences), boundary)
    expect(
        counts.dtype == np.int64, f"counts must have dtype int64, not {counts.dtype}"
    )
    expect(
        counts.shape == (len(vocab), len(vocab)),
        "counts must have shape (V, V) with V = len(vocab)",
    )
    assert list(vocab) == want_vocab
    assert np.array_equal(counts, want)


@grader("bigram_counts", points=2, hint=COUNTS_HINT)
def test_counts_on_corpus(student):
    _check_counts(student, ref.CORPUS, ".")
    _check_counts(student, ref.CORPUS + ["他们喜欢看书"], ".")


@grader(
    "bigram_counts",
    points=1,
    hint="The boundary is a parameter: it is vocab[0] whatever its code point, "
    "and it is not sorted with the other characters. '.' may then be an "
    "ordinary character.",
)
def test_counts_other_boundary(student):
    sentences = ["ab.c", "b.", "cab", "zz"]
    _check_counts(student, sentences, "~")
    _check_counts(student, ["xyz", "zyx", "yy"], "a")


@grader(
    "bigram_counts",
    points=1,
    hint="Every sentence adds len(s) + 1 transitions; each character is entered "
    "as often as it is left, so row sums equal column sums.",
)
def test_counts_random_corpus_against_torch(student):
    for seed in (1, 2, 3):
        sentences = _random_sentences(seed, 40, alphabet="pqrstu")
        vocab, counts = student.bigram_counts(list(sentences), ".")
        counts = np.asarray(counts)
        want_vocab, want = _torch_counts(sentences, ".")
        assert list(vocab) == want_vocab
        assert np.array_equal(counts, want)
        assert int(counts.sum()) == sum(len(s) + 1 for s in sentences)
        assert np.array_equal(counts.sum(axis=0), counts.sum(axis=1))


@grader(
    "bigram_counts",
    points=1,
    hint="An empty sentence is the transition boundary -> boundary; no sentences "
    "give vocab [boundary] and a 1x1 zero matrix; a sentence that contains the "
    "boundary raises ValueError.",
)
def test_counts_edge_cases(student):
    _check_counts(student, ["", "a", ""], ".")
    vocab, counts = student.bigram_counts([], "#")
    counts = np.asarray(counts)
    expect(list(vocab) == ["#"], "with no sentences vocab must be [boundary]")
    expect(
        counts.shape == (1, 1) and counts.dtype == np.int64 and counts[0, 0] == 0,
        "with no sentences counts must be a 1x1 int64 zero matrix",
    )
    for sentences, boundary in [(["ab", "a.b"], "."), (["x#"], "#")]:
        try:
            student.bigram_counts(sentences, boundary)
        except ValueError:
            pass
        else:
            expect(False, "a sentence containing the boundary did not raise ValueError")


# --------------------------------------------------------------------------
# bigram_probs

PROBS_HINT = (
    "P[i, j] = (counts[i, j] + alpha) / (N_i + alpha * V) with N_i the row sum "
    "and V the number of columns; alpha goes into every cell, zeros included."
)


def _check_probs(student, counts, alpha, want):
    c = np.array(counts, copy=True)
    got = student.bigram_probs(c, alpha)
    expect(np.array_equal(c, counts), "bigram_probs modified the counts array")
    got = np.asarray(got)
    expect(got.shape == want.shape, "the result must have the shape of counts")
    expect(got.dtype == np.float64, f"the result must be float64, not {got.dtype}")
    expect(not np.isnan(got).any(), "the result contains NaN")
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


@grader(
    "bigram_probs",
    points=1,
    hint="alpha = 0 is the maximum-likelihood estimate: each row divided by its sum.",
)
def test_probs_mle(student):
    _, counts = ref.bigram_counts(ref.CORPUS)
    _check_probs(student, counts, 0.0, ref.bigram_probs(counts, 0.0))
    _, counts = ref.bigram_counts(_random_sentences(4, 30))
    _check_probs(student, counts, 0, ref.bigram_probs(counts, 0))


@grader("bigram_probs", points=2, hint=PROBS_HINT)
def test_probs_add_alpha_against_torch(student):
    _, corpus_counts = ref.bigram_counts(ref.CORPUS)
    rng = np.random.default_rng(5)
    random_counts = rng.integers(0, 4, size=(7, 7)) * rng.integers(0, 2, size=(7, 7))
    random_counts[2] = 0  # a row never seen, smoothed to uniform
    for counts in (corpus_counts, random_counts.astype(np.int64)):
        for alpha in (0.01, 0.5, 1.0, 3.0):
            _check_probs(student, counts, alpha, _torch_add_alpha(counts, alpha))


@grader(
    "bigram_probs",
    points=1,
    hint="A row of zeros with alpha = 0 has denominator 0: make it uniform, 1 / V, "
    "never NaN and never all zeros.",
)
def test_probs_zero_rows(student):
    counts = np.array([[0, 2, 1, 1], [0, 0, 0, 0], [3, 0, 0, 1], [0, 0, 0, 0]])
    got = np.asarray(student.bigram_probs(counts.copy(), 0.0))
    expect(not np.isnan(got).any(), "a row of zeros gave NaN")
    np.testing.assert_allclose(got[[1, 3]], np.full((2, 4), 0.25), rtol=RTOL)
    np.testing.assert_allclose(got, ref.bigram_probs(counts, 0.0), rtol=RTOL)
    np.testing.assert_allclose(got.sum(axis=1), np.ones(4), rtol=1e-12)


@grader(
    "bigram_probs",
    points=1,
    hint="Accept float counts, return a new float64 array, leave counts unchanged, "
    "and raise ValueError for alpha < 0.",
)
def test_probs_float_counts_and_validation(student):
    rng = np.random.default_rng(6)
    counts = rng.uniform(0, 3, size=(5, 5))
    _check_probs(student, counts, 0.25, _torch_add_alpha(counts, 0.25))
    for alpha in (-0.5, -1e-9):
        try:
            student.bigram_probs(np.ones((3, 3), dtype=np.int64), alpha)
        except ValueError:
            pass
        else:
            expect(False, "a negative alpha did not raise ValueError")


# --------------------------------------------------------------------------
# sentence_logprob / perplexity

LOGPROB_HINT = (
    "Read boundary + s + boundary and add ln P over all len(s) + 1 transitions, "
    "including the start and the end transition."
)
PPL_HINT = (
    "perplexity = exp(-(sum of all sentence log-probs) / (sum of len(s) + 1)): "
    "an average per transition, natural log and exp together."
)


@grader("perplexity", points=2, hint=LOGPROB_HINT)
def test_logprob_against_torch(student):
    cases = [
        (ref.CORPUS + HELD_OUT + [""], 0.5, ".", None),
        (["ab.c", "b", "", "cc.a"], 0.2, "#", ["ab.c", "b.b", "c.", "a"]),
    ]
    for sentences, alpha, boundary, train in cases:
        vocab, probs = _model(alpha, train, boundary)
        for s in sentences:
            p = probs.copy()
            got = student.sentence_logprob(s, list(vocab), p, boundary)
            expect(_is_float(got), "sentence_logprob must return a float")
            expect(np.array_equal(p, probs), "sentence_logprob modified probs")
            want, _ = _torch_nll_sum([s], vocab, probs, boundary)
            assert math.isclose(float(got), -want, rel_tol=RTOL, abs_tol=ATOL)


@grader(
    "perplexity",
    points=1,
    hint="A transition of probability 0 makes the sentence impossible: return "
    "-inf (never skip it, never add a small epsilon); an unknown character "
    "is impossible too.",
)
def test_logprob_impossible_is_minus_inf(student):
    vocab, probs = _model(0.0)
    for s in ("我们看书", "她明天喝茶", "茶", "我喜欢喝"):
        got = float(student.sentence_logprob(s, list(vocab), probs.copy(), "."))
        expect(not math.isnan(got), "sentence_logprob returned NaN")
        assert got == float("-inf")
    for s in ("我喜欢喝茶", "他明天看电影"):
        got = float(student.sentence_logprob(s, list(vocab), probs.copy(), "."))
        assert _same_float(got, ref.sentence_logprob(s, vocab, probs))
    vocab, probs = _model(1.0)
    for s in ("我喜欢喝水", "X"):
        got = float(student.sentence_logprob(s, list(vocab), probs.copy(), "."))
        assert got == float("-inf")


@grader("perplexity", points=2, hint=PPL_HINT)
def test_perplexity_against_torch(student):
    cases = [
        (ref.CORPUS, 0.0),
        (ref.CORPUS, 0.5),
        (HELD_OUT, 1.0),
        (["我喜欢喝茶"], 0.0),
        (HELD_OUT[:2] + [""] + ref.CORPUS[:3], 0.1),
    ]
    for sentences, alpha in cases:
        vocab, probs = _model(alpha)
        p = probs.copy()
        got = student.perplexity(list(sentences), list(vocab), p, ".")
        expect(_is_float(got), "perplexity must return a float")
        expect(np.array_equal(p, probs), "perplexity modified probs")
        nll, n = _torch_nll_sum(sentences, vocab, probs, ".")
        want = float(torch.exp(torch.tensor(nll / n, dtype=torch.float64)))
        assert math.isclose(float(got), want, rel_tol=RTOL)


@grader(
    "perplexity",
    points=1,
    hint="If any sentence has probability 0 the perplexity is inf; an unseen "
    "transition is never skipped.",
)
def test_perplexity_infinite(student):
    vocab, probs = _model(0.0)
    for sentences in (["我们看书"], ref.CORPUS + ["我们看书"], ["我喜欢喝水"]):
        got = float(student.perplexity(list(sentences), list(vocab), probs.copy(), "."))
        expect(not math.isnan(got), "perplexity returned NaN")
        assert got == float("inf")


@grader(
    "perplexity",
    points=1,
    hint="A uniform model over V tokens has perplexity exactly V, whatever the "
    "sentences: check the base of your exponential and what you average over.",
)
def test_perplexity_of_uniform_model_is_v(student):
    for v_letters, seed in [("abcd", 7), ("abcdefghij", 8)]:
        vocab = ["."] + list(v_letters)
        v = len(vocab)
        probs = np.full((v, v), 1.0 / v)
        sentences = _random_sentences(seed, 6, alphabet=v_letters, max_len=9)
        got = float(student.perplexity(list(sentences), list(vocab), probs, "."))
        assert math.isclose(got, v, rel_tol=1e-12)


@grader(
    "perplexity",
    points=1,
    hint="Raise ValueError for a sentence that contains the boundary (both "
    "functions) and for an empty list of sentences.",
)
def test_perplexity_validation(student):
    vocab, probs = _model(1.0)
    calls = [
        lambda: student.sentence_logprob("我.喜欢", list(vocab), probs.copy(), "."),
        lambda: student.perplexity(["我喜欢", "茶."], list(vocab), probs.copy(), "."),
        lambda: student.perplexity([], list(vocab), probs.copy(), "."),
    ]
    for call in calls:
        try:
            call()
        except ValueError:
            pass
        else:
            expect(False, "an invalid input did not raise ValueError")


# --------------------------------------------------------------------------
# top_k_filter / top_p_filter

TOPK_HINT = (
    "Rank by decreasing probability with ties to the lower index (a stable "
    "argsort of -probs), keep exactly min(k, V) tokens, and renormalize; the "
    "result stays in the original token order."
)
TOPP_HINT = (
    "Rank as in top-k; keep the smallest ranked prefix whose cumulative sum "
    "reaches p (the token that crosses p is kept); renormalize; original order."
)


def _check_filter(func, probs, arg, want, buffers=None):
    if buffers is None:
        q = np.array(probs, dtype=np.float64)
    else:
        q = _staged(buffers, probs)
    got = func(q, arg)
    expect(np.array_equal(q, probs), "the filter modified its input array")
    got = np.asarray(got)
    expect(got.shape == q.shape, "the result must have the shape of probs")
    expect(got.dtype == np.float64, f"the result must be float64, not {got.dtype}")
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


@grader("filters", points=2, hint=TOPK_HINT)
def test_top_k_against_torch(student):
    buffers = {}
    for i, probs in enumerate(_dirichlet(10, 40)):
        k = 1 + i % (len(probs) + 2)  # includes k >= V
        want = _torch_top_k(probs, k)
        _check_filter(student.top_k_filter, probs, k, want, buffers)


@grader("filters", points=1, hint=TOPK_HINT)
def test_top_k_ties(student):
    cases = [
        ([0.25, 0.25, 0.25, 0.25], 2, [0.5, 0.5, 0.0, 0.0]),
        ([0.1, 0.3, 0.3, 0.3], 2, [0.0, 0.5, 0.5, 0.0]),
        ([0.4, 0.2, 0.2, 0.2], 2, [2 / 3, 1 / 3, 0.0, 0.0]),
        ([0.0, 0.5, 0.0, 0.5], 3, [0.0, 0.5, 0.0, 0.5]),
        ([0.2, 0.4, 0.2, 0.2], 3, [0.25, 0.5, 0.25, 0.0]),
    ]
    for probs, k, want in cases:
        _check_filter(student.top_k_filter, probs, k, np.array(want))


@grader(
    "filters",
    points=1,
    hint="top_k_filter: k >= V keeps everything, k = 1 keeps the most probable "
    "token, k < 1 raises ValueError.",
)
def test_top_k_edges(student):
    probs = np.array([0.05, 0.6, 0.1, 0.25])
    _check_filter(student.top_k_filter, probs, 1, np.array([0.0, 1.0, 0.0, 0.0]))
    _check_filter(student.top_k_filter, probs, 4, probs)
    _check_filter(student.top_k_filter, probs, 10, probs)
    _check_filter(student.top_k_filter, np.array([1.0]), 3, np.array([1.0]))
    for k in (0, -2):
        try:
            student.top_k_filter(probs.copy(), k)
        except ValueError:
            pass
        else:
            expect(False, "k < 1 did not raise ValueError")


@grader("filters", points=2, hint=TOPP_HINT)
def test_top_p_against_torch(student):
    n, buffers = 0, {}
    for i, probs in enumerate(_dirichlet(11, 60)):
        p = (0.3, 0.5, 0.8, 0.9, 0.95, 0.99)[i % 6]
        if not _far_from_threshold(probs, p):
            continue
        n += 1
        want = _torch_top_p(probs, p)
        _check_filter(student.top_p_filter, probs, p, want, buffers)
    assert n >= 50  # the grader's own sanity check


@grader(
    "filters",
    points=1,
    hint="The token that carries the cumulative sum across p is kept; reaching p "
    "exactly (>=) is enough; ties go to the lower index.",
)
def test_top_p_crossing_token(student):
    cases = [
        ([0.5, 0.35, 0.1, 0.05], 0.9, [0.5, 0.35, 0.1, 0.0]),
        ([0.05, 0.1, 0.35, 0.5], 0.9, [0.0, 0.1, 0.35, 0.5]),
        ([0.5, 0.3, 0.2], 0.5, [1.0, 0.0, 0.0]),
        ([0.5, 0.25, 0.25], 0.75, [0.5, 0.25, 0.0]),
        ([0.25, 0.25, 0.5], 0.6, [0.25, 0.0, 0.5]),
        ([0.7, 0.2, 0.1], 0.05, [0.7, 0.0, 0.0]),
        ([0.125, 0.375, 0.5], 0.875, [0.0, 0.375, 0.5]),
    ]
    for probs, p, kept in cases:
        want = np.array(kept) / sum(kept)
        _check_filter(student.top_p_filter, probs, p, want)


@grader(
    "filters",
    points=1,
    hint="top_p_filter: p = 1 keeps every non-zero token, a tiny p keeps one, "
    "p <= 0 or p > 1 raises ValueError.",
)
def test_top_p_edges(student):
    probs = np.array([0.1, 0.0, 0.6, 0.3])
    _check_filter(student.top_p_filter, probs, 1.0, probs)
    _check_filter(student.top_p_filter, probs, 1e-9, np.array([0.0, 0.0, 1.0, 0.0]))
    _check_filter(student.top_p_filter, np.array([1.0]), 0.5, np.array([1.0]))
    for p in (0.0, -0.1, 1.5):
        try:
            student.top_p_filter(probs.copy(), p)
        except ValueError:
            pass
        else:
            expect(False, "a p outside (0, 1] did not raise ValueError")


# --------------------------------------------------------------------------
# sample_next_token

SAMPLE_HINT = (
    "For temperature > 0: softmax(logits / T) computed stably, then top-k, then "
    "top-p, then one u = rng.random() and the smallest i with cumsum(q)[i] > u "
    "(cumsum in token order)."
)


def _sampler_cases(seed, n, filters):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        v = int(rng.integers(2, 12))
        logits = rng.normal(scale=2.0, size=v)
        temperature = float((0.3, 0.7, 1.0, 1.5, 3.0)[i % 5])
        top_k = top_p = None
        if filters:
            if i % 3 != 1:
                top_k = int(rng.integers(1, v + 2))
            if i % 3 != 0:
                top_p = float((0.5, 0.75, 0.9, 0.97)[i % 4])
            # keep every case away from float boundaries of the nucleus
            q = np.exp(logits / temperature - np.max(logits / temperature))
            q /= q.sum()
            if top_k is not None:
                q = ref.top_k_filter(q, top_k)
            if top_p is not None and not _far_from_threshold(q, top_p):
                continue
        cases.append((logits, temperature, top_k, top_p, 1000 * seed + i))
    return cases


def _run_sampler_cases(student, cases, check_state):
    """Compare with the reference case by case, each from its own seed.

    One generator and one array per length cross to the worker for the whole
    test; the generator is reset to the case's seed before every call.
    """
    rng, buffers = np.random.default_rng(0), {}
    for logits, temperature, top_k, top_p, seed in cases:
        want_rng = np.random.default_rng(seed)
        want = ref.sample_next_token(logits, want_rng, temperature, top_k, top_p)
        rng.bit_generator.state = np.random.default_rng(seed).bit_generator.state
        x = _staged(buffers, logits)
        got = student.sample_next_token(x, rng, temperature, top_k, top_p)
        expect(
            isinstance(got, (int, np.integer)) and not isinstance(got, bool),
            "sample_next_token must return an int",
        )
        expect(np.array_equal(x, logits), "sample_next_token modified the logits")
        if check_state:
            expect(
                rng.bit_generator.state == want_rng.bit_generator.state,
                "the rng was not advanced by exactly one rng.random() call",
            )
        assert int(got) == want


@grader(
    "sample_next_token",
    points=2,
    hint="temperature == 0 is greedy: np.argmax of the logits (lowest index on "
    "ties), whatever top_k and top_p are, without touching rng at all.",
)
def test_sample_greedy(student):
    cases = [
        (np.array([0.1, 2.0, -1.0, 2.0]), None, None),
        (np.array([3.0, 3.0, 3.0]), 2, 0.5),
        (np.array([-np.inf, -5.0, -np.inf, -7.0]), None, 0.9),
        (np.array([1e4, -1e4, 9999.0]), 1, None),
        (np.array([0.5]), None, None),
    ]
    for i, (logits, top_k, top_p) in enumerate(cases):
        rng = np.random.default_rng(20 + i)
        before = rng.bit_generator.state
        got = student.sample_next_token(logits.copy(), rng, 0.0, top_k, top_p)
        expect(
            rng.bit_generator.state == before,
            "temperature 0 used the rng; greedy decoding must consume no randomness",
        )
        assert int(got) == int(np.argmax(logits))


@grader("sample_next_token", points=2, hint=SAMPLE_HINT)
def test_sample_matches_reference_without_filters(student):
    _run_sampler_cases(student, _sampler_cases(21, 40, filters=False), False)


@grader("sample_next_token", points=2, hint=SAMPLE_HINT)
def test_sample_matches_reference_with_filters(student):
    cases = _sampler_cases(22, 70, filters=True)
    assert len(cases) >= 55  # the grader's own sanity check
    _run_sampler_cases(student, cases, False)


@grader(
    "sample_next_token",
    points=1,
    hint="The filters compose in the order the docstring gives: top-k first, "
    "then top-p on what top-k left (renormalized).",
)
def test_sample_filters_in_order(student):
    # note: on these probabilities the two orders keep different tokens
    # (top-k then top-p keeps only token 0; top-p first would keep 0 and 1)
    logits = np.log(np.array([0.4, 0.3, 0.2, 0.1]))
    cases = [(logits, 1.0, 2, 0.5, seed) for seed in range(30, 50)]
    _run_sampler_cases(student, cases, False)


@grader(
    "sample_next_token",
    points=1,
    hint="Use only the rng you are given, and exactly one rng.random() per call "
    "(never np.random.*, never a new generator).",
)
def test_sample_uses_one_random_draw(student):
    _run_sampler_cases(student, _sampler_cases(23, 15, filters=True), True)


@grader(
    "sample_next_token",
    points=1,
    hint="Over many draws the frequencies must follow the filtered softmax; "
    "tokens outside top-k / the nucleus never appear.",
)
def test_sample_frequencies_against_torch(student):
    logits = np.array([1.2, -0.3, 2.0, 0.4, 1.9, -2.0, 0.8, 0.0])
    temperature, top_k, top_p = 0.8, 5, 0.85
    q = torch.softmax(torch.tensor(logits / temperature), dim=0).numpy()
    q = _torch_top_p(_torch_top_k(q, top_k), top_p)
    rng = np.random.default_rng(24)
    n = 300
    seen = np.zeros(len(logits))
    for _ in range(n):
        seen[
            int(student.sample_next_token(logits, rng, temperature, top_k, top_p))
        ] += 1
    expect(
        np.all(seen[q == 0] == 0),
        "a token outside top-k or outside the nucleus was sampled",
    )
    sigma = np.sqrt(n * q * (1 - q))
    assert np.all(np.abs(seen - n * q) <= 5 * sigma + 1)


@grader(
    "sample_next_token",
    points=1,
    hint="Subtract max(z) before exp so huge logits or tiny temperatures cannot "
    "overflow; a -inf logit has probability 0 and is never sampled.",
)
def test_sample_extreme_logits(student):
    cases = [
        (np.array([1e4, 9999.5, -1e4, 1e4 - 3]), 1.0, None, None),
        (np.array([2.0, 1.999, 1.5, -3.0]), 1e-3, None, None),
        (np.array([800.0, 799.0, 790.0]), 0.5, None, 0.99),
        (np.array([-np.inf, 0.3, -np.inf, 0.1, 0.2]), 2.0, None, None),
        (np.array([-np.inf, 5.0, -np.inf]), 0.7, 2, 0.9),
    ]
    rng, buffers = np.random.default_rng(0), {}
    for i, (logits, temperature, top_k, top_p) in enumerate(cases):
        for seed in range(4):
            s = 100 * i + seed
            want = ref.sample_next_token(
                logits, np.random.default_rng(s), temperature, top_k, top_p
            )
            rng.bit_generator.state = np.random.default_rng(s).bit_generator.state
            x = _staged(buffers, logits)
            got = student.sample_next_token(x, rng, temperature, top_k, top_p)
            expect(
                np.isfinite(logits[int(got)]),
                "a token with logit -inf (probability 0) was sampled",
            )
            assert int(got) == want


@grader(
    "sample_next_token",
    points=1,
    hint="Raise ValueError for temperature < 0, top_k < 1 or top_p outside "
    "(0, 1], before using the rng.",
)
def test_sample_validation(student):
    logits = np.array([0.5, 1.0, -0.5])
    bad = [
        {"temperature": -0.1},
        {"temperature": 1.0, "top_k": 0},
        {"temperature": 1.0, "top_p": 0.0},
        {"temperature": 0.7, "top_p": 1.2},
        {"temperature": 0.0, "top_k": -1},
    ]
    for kw in bad:
        rng = np.random.default_rng(30)
        before = rng.bit_generator.state
        try:
            student.sample_next_token(logits.copy(), rng, **kw)
        except ValueError:
            pass
        else:
            expect(False, "an invalid argument did not raise ValueError")
        expect(rng.bit_generator.state == before, "the rng was used before raising")
