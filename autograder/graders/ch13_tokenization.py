"""Hidden graders of chapter 13 — tokenization."""

from __future__ import annotations

import copy
import functools
import random
import re
from collections import Counter
from importlib.resources import files

from autograder.harness import grader
from course.selfcheck import expect
from solutions import ch13_tokenization as ref

EN_TEXT = (files("course") / "data" / "ch13_en.txt").read_text(encoding="utf-8")
ZH_TEXT = (files("course") / "data" / "ch13_zh.txt").read_text(encoding="utf-8")

SENNRICH = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
SENNRICH_MERGES = [
    ("e", "s"),
    ("es", "t"),
    ("est", "</w>"),
    ("l", "o"),
    ("lo", "w"),
    ("e", "w"),
    ("ew", "est</w>"),
    ("n", "ewest</w>"),
    ("low", "</w>"),
    ("d", "est</w>"),
]

# note: pieces for random text; several are multi-code-point on purpose
# (skin tone, ZWJ family, flag, combining accents) and several are 4-byte.
UNICODE_PIECES = [
    *"abcdefghijklmnopqrstuvwxyzABCZ0123456789.,;:!?'-()",
    *"的一是了我不人在他有这中大来上个国到说们为子和你地出道也时年",
    *"研究生命起源南京市长江大桥自然语言处理分词模型",
    "\U00020000",  # CJK extension B, 4 bytes
    "😀",
    "🤖",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇨🇳",
    "e\u0301",
    "n\u0303",
    "\u0301",
    "é",
    "ß",
    "Ж",
    "م",
    "क्",
    "€",
    "\x00",
]
SPACES = [" ", " ", " ", "  ", "\n", "\t", "\u3000", "\xa0", " \n "]


def _random_texts(seed: int, n: int, max_pieces: int, spaces: bool) -> list[str]:
    rng = random.Random(seed)
    texts = ["", "a", "中", "😀"]
    if spaces:
        texts += [" ", "  lead and trail  ", "\u3000中文\u3000空格\u3000"]
    for _ in range(n):
        k = rng.randint(1, max_pieces)
        parts = []
        for _ in range(k):
            if spaces and rng.random() < 0.2:
                parts.append(rng.choice(SPACES))
            else:
                parts.append(rng.choice(UNICODE_PIECES))
        texts.append("".join(parts))
    return texts


def _en_word_freqs() -> dict[str, int]:
    return dict(Counter(re.findall(r"[a-z]+", EN_TEXT.lower())))


def _zh_phrase_freqs() -> dict[str, int]:
    phrases = re.split(r"[\s，。、：；？！“”（）]+", ZH_TEXT)
    return dict(Counter(p for p in phrases if p))


@functools.cache
def _corpus_merges(name: str) -> tuple[tuple[str, str], ...]:
    """Reference merges on a course corpus ("en" or "zh"); slice for fewer."""
    freqs = _en_word_freqs() if name == "en" else _zh_phrase_freqs()
    return tuple(ref.bpe_train(freqs, 200))


def _is_str_list(x: object) -> bool:
    return isinstance(x, list) and all(isinstance(t, str) for t in x)


def _is_pair_list(x: object, kind: type) -> bool:
    return isinstance(x, list) and all(
        isinstance(p, tuple)
        and len(p) == 2
        and all(isinstance(s, kind) and not isinstance(s, bool) for s in p)
        for p in x
    )


def _is_int_list(x: object) -> bool:
    return isinstance(x, list) and all(type(i) is int for i in x)


# ---------------------------------------------------------------- max match

BOOK_VOCAB = {
    "我", "爱", "自然", "语言", "处理", "自然语言处理", "今天", "天气", "很好", "学习",
}  # fmt: skip
ZH_VOCAB = {
    "研究", "研究生", "生命", "命", "起源", "南京", "南京市", "市长", "长江",
    "大桥", "江大桥", "长江大桥", "自然", "语言", "自然语言", "自然语言处理",
    "处理", "语言模型", "模型", "分词", "今天", "天气", "很好", "学习",
    "机器学习", "机器", "学生", "生物", "物理", "理学", "中国", "国家",
    "和平", "和尚", "尚未", "结婚", "结合", "成分", "分子", "子时",
}  # fmt: skip


@grader(
    "max_match",
    points=1,
    hint="With max_len=None the window is the length of the longest vocabulary "
    "word, however long it is.",
)
def test_max_match_long_word(student):
    text = "今天天气很好我爱自然语言处理"
    vocab = set(BOOK_VOCAB)
    fwd = student.forward_max_match(text, vocab)
    bwd = student.backward_max_match(text, vocab)
    expect(_is_str_list(fwd) and _is_str_list(bwd), "both must return lists of str")
    expect(vocab == BOOK_VOCAB, "the vocabulary was mutated")
    assert fwd == ref.forward_max_match(text, BOOK_VOCAB)
    assert bwd == ref.backward_max_match(text, BOOK_VOCAB)


@grader(
    "max_match",
    points=2,
    hint="Every character must appear in exactly one token, in order; a character "
    "no word covers is a token of its own. Backward matching returns tokens "
    "left to right.",
)
def test_max_match_random(student):
    rng = random.Random(1301)
    alphabet = sorted(set("".join(ZH_VOCAB))) + list("ab😀 ")
    for _ in range(60):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))
        for name, fn in (
            ("forward_max_match", student.forward_max_match),
            ("backward_max_match", student.backward_max_match),
        ):
            got = fn(text, set(ZH_VOCAB))
            expect(_is_str_list(got), f"{name} must return a list of str")
            expect(
                "".join(got) == text,
                f"the tokens of {name} do not concatenate back to the text",
            )
            assert got == getattr(ref, name)(text, ZH_VOCAB)


@grader(
    "max_match",
    points=1,
    hint='"" gives []; an explicit max_len limits the candidates; the word may end '
    "at the last character; an empty vocabulary gives single characters.",
)
def test_max_match_edges(student):
    cases = [
        ("", ZH_VOCAB, None),
        ("研究生命起源", ZH_VOCAB, 2),
        ("南京市长江大桥", ZH_VOCAB, 3),
        ("南京市长江大桥", ZH_VOCAB, 100),
        ("我学习机器学习", ZH_VOCAB, None),
        ("abc", set(), None),
        ("xx中国", {"中国", "x"}, None),
        ("中国xx", {"中国", "xx"}, None),
    ]
    for text, vocab, max_len in cases:
        for name in ("forward_max_match", "backward_max_match"):
            got = getattr(student, name)(text, set(vocab), max_len)
            assert got == getattr(ref, name)(text, vocab, max_len)


# ---------------------------------------------------------------- bpe_train


@grader(
    "bpe_train",
    points=2,
    hint="Count pairs weighted by word frequency; break ties by the smallest pair "
    "in tuple order; '</w>' is a symbol of its own.",
)
def test_bpe_train_sennrich(student):
    freqs = dict(SENNRICH)
    merges = student.bpe_train(freqs, 10)
    expect(freqs == SENNRICH, "word_freqs was mutated")
    expect(_is_pair_list(merges, str), "return a list of (str, str) tuples")
    assert merges == SENNRICH_MERGES


@grader(
    "bpe_train",
    points=2,
    hint="Merge symbols, not substrings: a pair (a, b) matches only where one "
    "symbol equals a and the next equals b (string replacement can match across "
    "symbol boundaries).",
)
def test_bpe_train_symbol_boundaries(student):
    corpora = [
        ({"ca": 10, "cab": 1, "ab": 5}, 10, 1),
        ({"xab": 4, "ab": 3, "bab": 2}, 10, 1),
    ]
    for freqs, n, min_count in corpora:
        got = student.bpe_train(dict(freqs), n, min_count)
        assert got == ref.bpe_train(freqs, n, min_count)


@grader(
    "bpe_train",
    points=1,
    hint="On equal counts choose min over pairs as tuples of str (first symbol, "
    "then second; Python string order), not the first pair you met.",
)
def test_bpe_train_ties(student):
    corpora = [
        {"zy": 3, "ba": 3, "ab": 3},
        {"dc": 2, "cd": 2, "abc": 2, "bcd": 2},
        {"ab": 1, "zz": 1, "Ab": 1, "中文": 1},
    ]
    for freqs in corpora:
        got = student.bpe_train(dict(freqs), 6, 1)
        assert got == ref.bpe_train(freqs, 6, 1)


@grader(
    "bpe_train",
    points=1,
    hint="Count overlapping positions ('aaa' holds the pair (a, a) twice) but merge "
    "non-overlapping occurrences from left to right.",
)
def test_bpe_train_runs(student):
    corpora = [
        ({"aaa": 3}, 5, 2),
        ({"aaaa": 1, "aab": 2}, 6, 1),
        ({"aaaaa": 2, "ba": 3}, 6, 2),
        ({"abab": 2, "bab": 3}, 6, 2),
    ]
    for freqs, n, min_count in corpora:
        got = student.bpe_train(dict(freqs), n, min_count)
        assert got == ref.bpe_train(freqs, n, min_count)


@grader(
    "bpe_train",
    points=1,
    hint="Stop when the best count is below min_count or no pair is left; "
    "num_merges=0 gives [].",
)
def test_bpe_train_stopping(student):
    cases = [
        (SENNRICH, 0, 2),
        (SENNRICH, 100, 2),
        (SENNRICH, 100, 4),
        (SENNRICH, 100, 1),
        ({"a": 7}, 5, 1),
        ({"ab": 1, "cd": 1}, 5, 2),
    ]
    for freqs, n, min_count in cases:
        got = student.bpe_train(dict(freqs), n, min_count)
        assert got == ref.bpe_train(freqs, n, min_count)


@grader(
    "bpe_train",
    points=2,
    hint="On a real corpus every merge must match: recount all pairs after each "
    "merge and merge on symbol tuples.",
)
def test_bpe_train_corpora(student):
    for name, freqs, n in (
        ("en", _en_word_freqs(), 200),
        ("zh", _zh_phrase_freqs(), 120),
    ):
        given = copy.deepcopy(freqs)
        got = student.bpe_train(given, n)
        expect(given == freqs, "word_freqs was mutated")
        assert got == list(_corpus_merges(name)[:n])


# ---------------------------------------------------------------- bpe_codec


@grader(
    "bpe_codec",
    points=1,
    hint="Each word is its characters plus '</w>'; repeatedly merge the adjacent "
    "pair with the lowest merge rank.",
)
def test_bpe_encode_known(student):
    merges = ref.bpe_train(SENNRICH, 8)
    cases = ["newest", "lowest", "low lower widest", "slower", "abc", "东西"]
    for text in cases:
        got = student.bpe_encode(text, list(merges))
        expect(_is_str_list(got), "bpe_encode must return a list of str")
        assert got == ref.bpe_encode(text, merges)


@grader(
    "bpe_codec",
    points=2,
    hint="Encoding a training word must reproduce its final training segmentation; "
    "keep merging until no adjacent pair has a rank.",
)
def test_bpe_encode_matches_training(student):
    for name, freqs, n in (
        ("en", _en_word_freqs(), 200),
        ("zh", _zh_phrase_freqs(), 120),
    ):
        merges = list(_corpus_merges(name)[:n])
        given = list(merges)
        text = " ".join(freqs)
        got = student.bpe_encode(text, given)
        expect(given == merges, "merges was mutated")
        assert got == ref.bpe_encode(text, merges)


@grader(
    "bpe_codec",
    points=1,
    hint="Repeated pairs: merge every non-overlapping occurrence of the best pair, "
    "left to right, before looking for the next pair.",
)
def test_bpe_encode_runs(student):
    merges = ref.bpe_train({"aaaaaaaa": 3, "abab": 2, "ba": 1}, 8, 1)
    for text in ["aaaaaaaa", "aaaaa", "abababab", "a aa aaa", "bababa aab"]:
        assert student.bpe_encode(text, list(merges)) == ref.bpe_encode(text, merges)


@grader(
    "bpe_codec",
    points=2,
    hint="Split with text.split() (no argument); decode turns each '</w>' into a "
    "space and drops the final one; unseen characters must survive.",
)
def test_bpe_round_trip(student):
    merges = list(_corpus_merges("en")[:150] + _corpus_merges("zh")[:60])
    for text in _random_texts(1302, 150, 30, spaces=True):
        tokens = student.bpe_encode(text, merges)
        expect(_is_str_list(tokens), "bpe_encode must return a list of str")
        expect(
            student.bpe_decode(list(tokens)) == " ".join(text.split()),
            "bpe_decode(bpe_encode(text)) is not ' '.join(text.split()) for some text",
        )
        assert tokens == ref.bpe_encode(text, merges)


@grader(
    "bpe_codec",
    points=1,
    hint="bpe_decode concatenates the tokens, turns every '</w>' into one space "
    "and removes the trailing space; [] gives ''.",
)
def test_bpe_decode_cases(student):
    cases = [
        [],
        ["low</w>"],
        ["lo", "w", "er</w>", "new", "est</w>"],
        ["中", "文</w>", "a</w>"],
        ["ab", "c"],
    ]
    for tokens in cases:
        given = list(tokens)
        got = student.bpe_decode(given)
        expect(isinstance(got, str), "bpe_decode must return a str")
        expect(given == tokens, "the token list was mutated")
        assert got == ref.bpe_decode(tokens)


# ---------------------------------------------------------------- build_vocab


@grader(
    "build_vocab",
    points=2,
    hint="Specials first, then sorted(alphabet | {'</w>'}), then every merge "
    "product in merge order; skip tokens already present.",
)
def test_build_vocab_exact(student):
    freqs = _en_word_freqs()
    alphabet = set("".join(freqs))
    cases = [
        (ref.bpe_train(SENNRICH, 15), set("lowernstid"), ("<pad>", "<unk>")),
        (list(_corpus_merges("en")[:120]), alphabet, ("<pad>", "<unk>", "<s>")),
        (
            [("a", "b"), ("ab", "c"), ("a", "bc"), ("abc", "</w>")],
            {"c", "b", "a"},
            ("<unk>",),
        ),
        ([], {"z", "</w>", "a"}, ("<pad>", "a")),
    ]
    for merges, alpha, specials in cases:
        given_m, given_a = list(merges), set(alpha)
        got = student.build_vocab(given_m, given_a, specials)
        expect(isinstance(got, dict), "build_vocab must return a dict")
        expect(given_m == merges and given_a == alpha, "an argument was mutated")
        expect(
            sorted(got.values()) == list(range(len(got))),
            "the ids must be exactly 0 .. len(vocab) - 1",
        )
        assert got == ref.build_vocab(merges, alpha, specials)


@grader(
    "build_vocab",
    points=1,
    hint="Every token bpe_encode can produce must have an id: include every "
    "intermediate merge product, not only final segments.",
)
def test_build_vocab_closure(student):
    freqs = _zh_phrase_freqs()
    merges = list(_corpus_merges("zh")[:120])
    alphabet = set("".join(freqs))
    vocab = student.build_vocab(merges, alphabet)
    expect(isinstance(vocab, dict), "build_vocab must return a dict")
    rng = random.Random(1303)
    chars = sorted(alphabet)
    texts = [" ".join(list(freqs)[:80])]
    texts += ["".join(rng.choice(chars) for _ in range(12)) for _ in range(30)]
    for text in texts:
        for token in ref.bpe_encode(text, merges):
            expect(token in vocab, "some token produced by bpe_encode has no id")


# ---------------------------------------------------------------- byte_bpe_train


@grader(
    "byte_bpe_train",
    points=1,
    hint="Overlapping pairs count; on a tie take the smallest (id1, id2); stop "
    "when the best count is below 2.",
)
def test_byte_bpe_train_small(student):
    for text, size in [("aaabdaaabac", 300), ("aaaa", 300), ("", 300), ("a", 257)]:
        got = student.byte_bpe_train(text, size)
        expect(_is_pair_list(got, int), "return a list of (int, int) tuples")
        assert got == ref.byte_bpe_train(text, size)


@grader(
    "byte_bpe_train",
    points=1,
    hint="vocab_size below 256 is an error (ValueError); exactly 256 means no merges.",
)
def test_byte_bpe_train_vocab_size(student):
    for bad in (0, 100, 255):
        try:
            student.byte_bpe_train("aaaa", bad)
        except ValueError:
            pass
        else:
            expect(False, "vocab_size < 256 must raise ValueError")
    assert student.byte_bpe_train("aaaa", 256) == []


@grader(
    "byte_bpe_train",
    points=2,
    hint="Count every adjacent position (overlapping runs count more than once); "
    "merge non-overlapping occurrences left to right; new ids are 256, 257, ...",
)
def test_byte_bpe_train_random(student):
    rng = random.Random(1304)
    for _ in range(40):
        text = "".join(rng.choice("aab") for _ in range(rng.randint(2, 40)))
        size = 256 + rng.randint(1, 12)
        assert student.byte_bpe_train(text, size) == ref.byte_bpe_train(text, size)


@grader(
    "byte_bpe_train",
    points=2,
    hint="Work on the UTF-8 bytes of the whole text (text.encode('utf-8')); merge "
    "ids refer to earlier merges.",
)
def test_byte_bpe_train_corpora(student):
    for text, size in ((ZH_TEXT[:1200], 256 + 150), (EN_TEXT[:2500], 256 + 150)):
        assert student.byte_bpe_train(text, size) == ref.byte_bpe_train(text, size)


# ---------------------------------------------------------------- byte_bpe_codec


@grader(
    "byte_bpe_codec",
    points=1,
    hint="Start from the UTF-8 bytes and repeatedly merge the adjacent pair with the "
    "lowest rank; merge i becomes id 256 + i.",
)
def test_byte_bpe_encode_known(student):
    merges = [(97, 97), (97, 98), (256, 257)]
    for text in ["aaabdaaabac", "aaaa", "", "ab", "baaab"]:
        got = student.byte_bpe_encode(text, list(merges))
        expect(_is_int_list(got), "byte_bpe_encode must return a list of Python ints")
        assert got == ref.byte_bpe_encode(text, merges)


@grader(
    "byte_bpe_codec",
    points=2,
    hint="Encode must follow merge ranks exactly (merge every occurrence of the "
    "lowest-ranked pair, then look again).",
)
def test_byte_bpe_encode_corpora(student):
    zh_merges = ref.byte_bpe_train(ZH_TEXT[:1500], 256 + 120)
    en_merges = ref.byte_bpe_train(EN_TEXT[:3000], 256 + 120)
    cases = [
        (ZH_TEXT[1500:1900], zh_merges),
        (EN_TEXT[3000:3800], en_merges),
        (ZH_TEXT[:300], zh_merges),
    ]
    for text, merges in cases:
        given = list(merges)
        got = student.byte_bpe_encode(text, given)
        expect(given == merges, "merges was mutated")
        expect(_is_int_list(got), "byte_bpe_encode must return a list of Python ints")
        assert got == ref.byte_bpe_encode(text, merges)


@grader(
    "byte_bpe_codec",
    points=2,
    hint="Decode: join the bytes of all ids first and decode the whole byte string "
    "once; a character's bytes may sit in different tokens.",
)
def test_byte_bpe_round_trip(student):
    merges_sets = [
        [],
        ref.byte_bpe_train(EN_TEXT[:2000], 256 + 80),
        ref.byte_bpe_train(ZH_TEXT[:800] + "😀👍🏽 e\u0301 " * 5, 256 + 80),
    ]
    texts = _random_texts(1305, 80, 25, spaces=True)
    for merges in merges_sets:
        for text in texts:
            ids = student.byte_bpe_encode(text, merges)
            expect(_is_int_list(ids), "byte_bpe_encode must return a list of ints")
            back = student.byte_bpe_decode(list(ids), merges)
            expect(
                back == text,
                "byte_bpe_decode(byte_bpe_encode(text)) differs from text for some "
                "text with non-ASCII characters",
            )


@grader(
    "byte_bpe_codec",
    points=1,
    hint="Invalid UTF-8 (hand-made ids) must decode with errors='replace', giving "
    "U+FFFD, not raise and not vanish.",
)
def test_byte_bpe_decode_invalid(student):
    merges = [(228, 189), (256, 160)]
    cases = [[0xE4, 0xBD], [0xFF, 65], [256], [65, 256, 66], [257, 256, 160], []]
    for ids in cases:
        got = student.byte_bpe_decode(list(ids), list(merges))
        expect(isinstance(got, str), "byte_bpe_decode must return a str")
        assert got == ref.byte_bpe_decode(ids, merges)


@grader(
    "byte_bpe_codec",
    points=1,
    hint="An id outside 0 .. 255 + len(merges) (negative ids included) must raise "
    "ValueError.",
)
def test_byte_bpe_decode_bad_id(student):
    merges = [(97, 97)]
    for ids in ([257], [97, -1], [300]):
        try:
            student.byte_bpe_decode(list(ids), list(merges))
        except ValueError:
            pass
        else:
            expect(False, "an out-of-range id must raise ValueError")
