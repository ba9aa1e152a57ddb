"""Public self-checks of chapter 1 (language as symbols, counts and vectors)."""

from __future__ import annotations

import math

import numpy as np

from course.selfcheck import expect, public_check


@public_check("vocab", points=1)
def vocab_small_corpus(student):
    """vocab: ids in order of first appearance after <unk>; encode/decode"""
    stoi, itos = student.build_vocab(["abca", "bd"])
    want = ["<unk>", "a", "b", "c", "d"]
    expect(
        list(itos) == want,
        f"build_vocab(['abca', 'bd']) gave itos = {list(itos)}; expected {want}",
    )
    expect(
        dict(stoi) == {t: i for i, t in enumerate(want)},
        f"stoi = {dict(stoi)} does not match itos",
    )
    ids = student.encode("cabz", stoi)
    expect(
        list(ids) == [3, 1, 2, 0],
        f"encode('cabz') gave {ids}; expected [3, 1, 2, 0] ('z' is unknown -> 0)",
    )
    text = student.decode([3, 1, 2, 0], itos)
    expect(
        text == "cab<unk>",
        f"decode([3, 1, 2, 0]) gave {text!r}; expected 'cab<unk>'",
    )


@public_check("word_vectors", points=1)
def cosine_and_analogy_by_hand(student):
    """word_vectors: cos([1, 0], [1, 1]) = 0.7071, zero vector -> 0; a tiny analogy"""
    got = float(student.cosine_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0])))
    expect(
        math.isclose(got, math.sqrt(0.5), rel_tol=1e-12),
        f"cosine_similarity([1, 0], [1, 1]) gave {got}; expected {math.sqrt(0.5)}",
    )
    zero = float(student.cosine_similarity(np.zeros(3), np.array([1.0, 2.0, 3.0])))
    expect(zero == 0.0, f"a zero vector gave {zero}; expected 0.0 (never nan)")
    words = ["man", "woman", "king", "queen", "apple"]
    vecs = np.array(
        [
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 1.0, 0.0],
            [1.0, 0.0, 1.0],
            [0.0, 0.3, 0.3],
        ]
    )
    res = student.analogy(words, vecs, "man", "king", "woman")
    expect(
        len(res) == 1 and res[0][0] == "queen" and math.isclose(res[0][1], 1.0),
        f"analogy(man : king :: woman : ?) gave {res}; expected [('queen', 1.0)]",
    )


@public_check("softmax", points=1)
def softmax_large_logits(student):
    """softmax: [1000, 1001, 1002] without overflow; temperature 0 is rejected"""
    p = np.asarray(student.softmax(np.array([1000.0, 1001.0, 1002.0])))
    e = np.exp([-2.0, -1.0, 0.0])
    want = e / e.sum()
    expect(
        p.shape == (3,) and np.allclose(p, want, rtol=1e-12, atol=0),
        f"got {p}; expected {want} (the same as softmax([0, 1, 2]))",
    )
    try:
        student.softmax(np.array([1.0, 2.0]), temperature=0.0)
    except ValueError:
        pass
    else:
        expect(False, "softmax(..., temperature=0.0) must raise ValueError")


@public_check("bigram_matrix", points=1)
def bigram_two_sentences(student):
    """bigram_matrix: sentences [0, 1, 0, 2] and [1, 2], vocabulary of 4"""
    P = np.asarray(student.bigram_matrix([[0, 1, 0, 2], [1, 2]], 4))
    want = np.array(
        [
            [0.0, 0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5, 0.0],
            [0.25, 0.25, 0.25, 0.25],
            [0.25, 0.25, 0.25, 0.25],
        ]
    )
    expect(
        P.shape == (4, 4) and np.allclose(P, want, rtol=0, atol=1e-12),
        f"got {np.round(P, 4).tolist()}; expected {want.tolist()} (ids 2 and 3 "
        "are never followed by anything, so their rows are uniform)",
    )


@public_check("sample_chain", points=1)
def chain_length_and_support(student):
    """sample_chain: exactly `length` ids, start first, only allowed transitions"""
    P = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.0, 0.5]])
    seq = student.sample_chain(P, 0, 10, np.random.default_rng(0))
    expect(len(seq) == 10, f"length=10 gave {len(seq)} ids: {seq}")
    expect(seq[0] == 0, f"the sequence must start with the start id 0: {seq}")
    bad = [
        (int(i), int(j)) for i, j in zip(seq[:-1], seq[1:], strict=True) if P[i, j] == 0
    ]
    expect(not bad, f"{seq} holds transitions of probability 0: {bad}")
    again = student.sample_chain(P, 0, 10, np.random.default_rng(0))
    expect(list(again) == list(seq), "the same seed gave a different sequence")
    expect(
        list(student.sample_chain(P, 2, 1, np.random.default_rng(0))) == [2],
        "length=1 must return just [start]",
    )
