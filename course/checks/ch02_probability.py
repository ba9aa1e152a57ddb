"""Public self-checks of chapter 2 (probability and language)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check

# the tiny corpus ["ab", "b"] read as ".ab." and ".b."
TINY_VOCAB = [".", "a", "b"]
TINY_COUNTS = [[0, 1, 1], [0, 0, 1], [2, 0, 0]]


@public_check("bigram_counts", points=1)
def counts_of_a_tiny_corpus(student):
    """bigram_counts(["ab", "b"]): vocab ['.', 'a', 'b'] and 5 transitions"""
    vocab, counts = student.bigram_counts(["ab", "b"], ".")
    expect(list(vocab) == TINY_VOCAB, f"vocab is {vocab}; expected {TINY_VOCAB}")
    counts = np.asarray(counts)
    expect(counts.dtype == np.int64, f"counts has dtype {counts.dtype}; expected int64")
    expect(
        counts.tolist() == TINY_COUNTS,
        f"counts is {counts.tolist()}; expected {TINY_COUNTS} "
        "(row = previous token, column = next token; '.' starts and ends "
        "every sentence)",
    )


@public_check("bigram_probs", points=1)
def probs_of_tiny_counts(student):
    """bigram_probs: maximum likelihood, add-one, and a row never seen"""
    counts = np.array(TINY_COUNTS)
    got = np.asarray(student.bigram_probs(counts, 0.0))
    want = np.array([[0, 0.5, 0.5], [0, 0, 1], [1, 0, 0]])
    expect(
        np.allclose(got, want, rtol=1e-12, atol=0),
        f"alpha = 0 gave {got.tolist()}; expected {want.tolist()}",
    )
    got = np.asarray(student.bigram_probs(counts, 1.0))
    want = np.array([[1, 2, 2], [1, 1, 2], [3, 1, 1]]) / np.array([[5], [4], [5]])
    expect(
        np.allclose(got, want, rtol=1e-12, atol=0),
        f"alpha = 1 gave {np.round(got, 4).tolist()}; expected "
        f"{np.round(want, 4).tolist()} ((c + 1) / (N + V) in every cell)",
    )
    got = np.asarray(student.bigram_probs(np.array([[0, 0], [1, 3]]), 0.0))
    expect(
        np.allclose(got, [[0.5, 0.5], [0.25, 0.75]], rtol=1e-12, atol=0),
        f"counts [[0, 0], [1, 3]] gave {got.tolist()}; expected "
        "[[0.5, 0.5], [0.25, 0.75]] (a row of zeros becomes uniform)",
    )


@public_check("perplexity", points=1)
def tiny_logprob_and_perplexity(student):
    """sentence_logprob and perplexity on the model of ["ab", "b"]"""
    probs = np.array([[0, 0.5, 0.5], [0, 0, 1], [1, 0, 0]])
    got = student.sentence_logprob("ab", list(TINY_VOCAB), probs.copy(), ".")
    expect(
        math.isclose(float(got), math.log(0.5), rel_tol=1e-12),
        f'sentence_logprob("ab") gave {got}; expected ln(0.5) = {math.log(0.5)} '
        "(P(a|.) P(b|a) P(.|b) = 0.5 * 1 * 1)",
    )
    got = student.sentence_logprob("ba", list(TINY_VOCAB), probs.copy(), ".")
    expect(
        float(got) == float("-inf"),
        f'sentence_logprob("ba") gave {got}; expected -inf (P(a|b) = 0)',
    )
    got = student.perplexity(["ab", "b"], list(TINY_VOCAB), probs.copy(), ".")
    want = 2**0.4
    expect(
        math.isclose(float(got), want, rel_tol=1e-12),
        f"perplexity gave {got}; expected exp(-2 ln(0.5) / 5) = {want} "
        "(5 transitions in all)",
    )
    got = student.perplexity(["ab", "ba"], list(TINY_VOCAB), probs.copy(), ".")
    expect(
        float(got) == float("inf"),
        f"perplexity with an impossible sentence gave {got}; expected inf",
    )


@public_check("filters", points=1)
def nucleus_and_ties(student):
    """top_p_filter keeps the token that crosses p; top_k_filter breaks ties by index"""
    got = np.asarray(student.top_p_filter(np.array([0.5, 0.35, 0.1, 0.05]), 0.9))
    want = np.array([0.5, 0.35, 0.1, 0.0]) / 0.95
    expect(
        np.allclose(got, want, rtol=1e-12, atol=1e-15),
        f"top_p_filter([0.5, 0.35, 0.1, 0.05], 0.9) gave {np.round(got, 4)}; "
        f"expected {np.round(want, 4)} (0.5 + 0.35 = 0.85 < 0.9, so the third "
        "token is needed)",
    )
    got = np.asarray(student.top_k_filter(np.array([0.25, 0.25, 0.25, 0.25]), 2))
    expect(
        np.allclose(got, [0.5, 0.5, 0, 0], rtol=1e-12, atol=0),
        f"top_k_filter([0.25] * 4, 2) gave {got}; expected [0.5, 0.5, 0, 0] "
        "(ties go to the lower index)",
    )


@public_check("sample_next_token", points=1)
def greedy_and_one_draw(student):
    """temperature 0 is argmax and uses no randomness; otherwise one rng.random()"""
    logits = np.array([0.3, 2.5, -1.0, 2.5])
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    got = student.sample_next_token(logits.copy(), rng, temperature=0.0)
    expect(int(got) == 1, f"temperature 0 gave token {got}; expected 1 (argmax)")
    expect(rng.bit_generator.state == before, "temperature 0 changed the rng state")
    rng = np.random.default_rng(3)
    got = student.sample_next_token(logits.copy(), rng, temperature=1.0)
    # rng.random() with seed 3 is 0.0856...; softmax cumsum starts 0.0518, 0.5188
    expect(int(got) == 1, f"seed 3, temperature 1 gave token {got}; expected 1")
    after = np.random.default_rng(3)
    after.random()
    expect(
        rng.bit_generator.state == after.bit_generator.state,
        "the rng must be advanced by exactly one rng.random() call",
    )
