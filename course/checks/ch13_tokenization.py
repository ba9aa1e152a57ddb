"""Public self-checks of chapter 13 — tokenization."""

from __future__ import annotations

from course.selfcheck import expect, public_check

SENNRICH = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


@public_check("max_match", points=1)
def max_match_ambiguity(student):
    """研究生命起源: forward and backward maximum matching disagree"""
    vocab = {"研究", "研究生", "生命", "命", "起源"}
    fwd = student.forward_max_match("研究生命起源", set(vocab))
    bwd = student.backward_max_match("研究生命起源", set(vocab))
    expect(
        fwd == ["研究生", "命", "起源"],
        f"forward_max_match gave {fwd}; expected ['研究生', '命', '起源']",
    )
    expect(
        bwd == ["研究", "生命", "起源"],
        f"backward_max_match gave {bwd}; expected ['研究', '生命', '起源']",
    )
    got = student.forward_max_match("", set(vocab))
    expect(got == [], f'forward_max_match("", vocab) gave {got}; expected []')
    got = student.forward_max_match("研究X", set(vocab))
    expect(
        got == ["研究", "X"],
        f"an unknown character must stay a token: got {got}, expected ['研究', 'X']",
    )


@public_check("bpe_train", points=1)
def bpe_train_first_merges(student):
    """the first five merges on {low: 5, lower: 2, newest: 6, widest: 3}"""
    merges = student.bpe_train(dict(SENNRICH), 5)
    expected = [("e", "s"), ("es", "t"), ("est", "</w>"), ("l", "o"), ("lo", "w")]
    expect(
        isinstance(merges, list) and all(isinstance(p, tuple) for p in merges),
        f"expected a list of tuples, got {type(merges).__name__}",
    )
    expect(merges == expected, f"got {merges}; expected {expected}")


@public_check("bpe_train", points=1)
def bpe_train_symbol_boundaries(student):
    """merges act on symbols, never across boundaries ({ca: 10, cab: 1, ab: 5})"""
    merges = student.bpe_train({"ca": 10, "cab": 1, "ab": 5}, 10, min_count=1)
    expected = [
        ("c", "a"),
        ("ca", "</w>"),
        ("b", "</w>"),
        ("a", "b</w>"),
        ("ca", "b</w>"),
    ]
    expect(merges == expected, f"got {merges}; expected {expected}")


@public_check("bpe_codec", points=1)
def bpe_codec_toy(student):
    """encode/decode with the first 8 merges of the toy corpus"""
    merges = [
        ("e", "s"), ("es", "t"), ("est", "</w>"), ("l", "o"),
        ("lo", "w"), ("e", "w"), ("ew", "est</w>"), ("n", "ewest</w>"),
    ]  # fmt: skip
    for text, expected in [
        ("newest", ["newest</w>"]),
        ("lowest", ["low", "est</w>"]),
        ("  low  x ", ["low", "</w>", "x", "</w>"]),
        ("", []),
    ]:
        got = student.bpe_encode(text, list(merges))
        expect(got == expected, f"bpe_encode({text!r}) gave {got}; expected {expected}")
    got = student.bpe_decode(["low", "est</w>", "new", "er</w>"])
    expect(got == "lowest newer", f"bpe_decode gave {got!r}; expected 'lowest newer'")


@public_check("build_vocab", points=1)
def build_vocab_small(student):
    """ids: specials, then sorted alphabet with '</w>', then merge products"""
    merges = [("a", "b"), ("ab", "</w>"), ("c", "ab</w>")]
    got = student.build_vocab(merges, {"c", "b", "a"})
    expected = {
        "<pad>": 0, "<unk>": 1, "</w>": 2, "a": 3, "b": 4, "c": 5,
        "ab": 6, "ab</w>": 7, "cab</w>": 8,
    }  # fmt: skip
    expect(got == expected, f"got {got}; expected {expected}")


@public_check("byte_bpe_train", points=1)
def byte_bpe_train_classic(student):
    """'aaabdaaabac' with vocab_size 260 learns [(97, 97), (97, 98), (256, 257)]"""
    merges = student.byte_bpe_train("aaabdaaabac", 260)
    expected = [(97, 97), (97, 98), (256, 257)]
    expect(merges == expected, f"got {merges}; expected {expected}")


@public_check("byte_bpe_codec", points=1)
def byte_bpe_codec_round_trip(student):
    """encode 'aaabdaaabac'; Chinese and emoji survive encode + decode"""
    merges = [(97, 97), (97, 98), (256, 257)]
    ids = student.byte_bpe_encode("aaabdaaabac", list(merges))
    expected = [258, 100, 258, 97, 99]
    expect(ids == expected, f"byte_bpe_encode gave {ids}; expected {expected}")
    merges = [(228, 184), (256, 173), (230, 150)]  # parts of 中 and 文
    for text in ["中文 tokens 😀", "café", ""]:
        ids = student.byte_bpe_encode(text, list(merges))
        back = student.byte_bpe_decode(list(ids), list(merges))
        expect(back == text, f"round trip of {text!r} gave {back!r}")
