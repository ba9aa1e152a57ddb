"""Plausible wrong answers of chapter 1, each proven to lose points."""

from __future__ import annotations

import math

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# vocab


@mistake(
    "build_vocab", "sorts the characters instead of first appearance", typical=True
)
def build_vocab_sorted(texts, specials=("<unk>",)):
    if len(set(specials)) != len(specials) or "" in specials:
        raise ValueError("bad specials")
    chars = sorted({ch for text in texts for ch in text} - set(specials))
    itos = list(specials) + chars
    return {t: i for i, t in enumerate(itos)}, itos


@mistake("build_vocab", "puts the special tokens after the characters")
def build_vocab_specials_last(texts, specials=("<unk>",)):
    if len(set(specials)) != len(specials) or "" in specials:
        raise ValueError("bad specials")
    itos = []
    for text in texts:
        for ch in text:
            if ch not in itos and ch not in specials:
                itos.append(ch)
    itos += list(specials)
    return {t: i for i, t in enumerate(itos)}, itos


@mistake("build_vocab", "splits on whitespace (word tokens) instead of characters")
def build_vocab_words(texts, specials=("<unk>",)):
    if len(set(specials)) != len(specials) or "" in specials:
        raise ValueError("bad specials")
    itos = list(specials)
    for text in texts:
        for word in text.split():
            if word not in itos:
                itos.append(word)
    return {t: i for i, t in enumerate(itos)}, itos


@mistake("encode", "maps unknown characters to id 0 instead of stoi[unk]")
def encode_unknown_zero(text, stoi, unk="<unk>"):
    return [stoi.get(ch, 0) for ch in text]


@mistake("encode", "drops unknown characters")
def encode_drop_unknown(text, stoi, unk="<unk>"):
    return [stoi[ch] for ch in text if ch in stoi]


@mistake("encode", "looks up stoi[unk] eagerly, failing when unk is not needed")
def encode_eager_unk(text, stoi, unk="<unk>"):
    return [stoi.get(ch, stoi[unk]) for ch in text]


@mistake("decode", "joins the tokens with spaces")
def decode_with_spaces(ids, itos):
    return " ".join(itos[int(i)] for i in ids)


@mistake("decode", "lets negative ids wrap around to the end of itos")
def decode_negative_wraps(ids, itos):
    return "".join(itos[int(i)] for i in ids)


# --------------------------------------------------------------------------
# word_vectors


@mistake("cosine_similarity", "no eps: a zero vector gives 0/0 = nan")
def cosine_no_eps(a, b, eps=1e-8):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dot = np.sum(a * b, axis=-1)
    return dot / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


@mistake("cosine_similarity", "clamps the product of the norms, not each norm")
def cosine_clamp_product(a, b, eps=1e-8):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dot = np.sum(a * b, axis=-1)
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return dot / np.maximum(norms, eps)


@mistake("cosine_similarity", "takes the norm of the whole array (no axis)")
def cosine_whole_norm(a, b, eps=1e-8):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dot = np.sum(a * b, axis=-1)
    return dot / (max(np.linalg.norm(a), eps) * max(np.linalg.norm(b), eps))


@mistake("cosine_similarity", "returns the dot product (no normalisation)")
def cosine_dot_only(a, b, eps=1e-8):
    return np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64), -1)


@mistake("analogy", "computes v(a) - v(b) + v(c), the wrong direction")
def analogy_wrong_direction(words, vectors, a, b, c, topn=1, exclude_inputs=True):
    index = {w: i for i, w in enumerate(words)}
    if topn < 1:
        raise ValueError("topn")
    vecs = np.asarray(vectors, dtype=np.float64)
    target = vecs[index[a]] - vecs[index[b]] + vecs[index[c]]
    norms = np.maximum(np.linalg.norm(vecs, axis=1), 1e-8)
    scores = vecs @ target / (norms * max(np.linalg.norm(target), 1e-8))
    order = np.argsort(-scores, kind="stable")
    skip = {a, b, c} if exclude_inputs else set()
    out = [(words[i], float(scores[i])) for i in order if words[i] not in skip]
    return out[:topn]


@mistake("analogy", "never excludes the input words")
def analogy_keeps_inputs(words, vectors, a, b, c, topn=1, exclude_inputs=True):
    index = {w: i for i, w in enumerate(words)}
    if topn < 1:
        raise ValueError("topn")
    vecs = np.asarray(vectors, dtype=np.float64)
    target = vecs[index[b]] - vecs[index[a]] + vecs[index[c]]
    norms = np.maximum(np.linalg.norm(vecs, axis=1), 1e-8)
    scores = vecs @ target / (norms * max(np.linalg.norm(target), 1e-8))
    order = np.argsort(-scores, kind="stable")
    return [(words[i], float(scores[i])) for i in order[:topn]]


@mistake("analogy", "ranks by dot product instead of cosine")
def analogy_dot_product(words, vectors, a, b, c, topn=1, exclude_inputs=True):
    index = {w: i for i, w in enumerate(words)}
    if topn < 1:
        raise ValueError("topn")
    vecs = np.asarray(vectors, dtype=np.float64)
    target = vecs[index[b]] - vecs[index[a]] + vecs[index[c]]
    scores = vecs @ target
    order = np.argsort(-scores, kind="stable")
    skip = {a, b, c} if exclude_inputs else set()
    out = [(words[i], float(scores[i])) for i in order if words[i] not in skip]
    return out[:topn]


@mistake("analogy", "reverses an ascending argsort, so ties come out backwards")
def analogy_reversed_ties(words, vectors, a, b, c, topn=1, exclude_inputs=True):
    index = {w: i for i, w in enumerate(words)}
    if topn < 1:
        raise ValueError("topn")
    vecs = np.asarray(vectors, dtype=np.float64)
    target = vecs[index[b]] - vecs[index[a]] + vecs[index[c]]
    norms = np.maximum(np.linalg.norm(vecs, axis=1), 1e-8)
    scores = vecs @ target / (norms * max(np.linalg.norm(target), 1e-8))
    order = np.argsort(scores, kind="stable")[::-1]
    skip = {a, b, c} if exclude_inputs else set()
    out = [(words[i], float(scores[i])) for i in order if words[i] not in skip]
    return out[:topn]


# --------------------------------------------------------------------------
# softmax


@mistake("softmax", "no max subtraction: exp(1000) overflows", typical=True)
def softmax_unstable(logits, temperature=1.0, axis=-1):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature")
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return e / np.sum(e, axis=axis, keepdims=True)


@mistake("softmax", "subtracts one global maximum instead of each slice's")
def softmax_global_max(logits, temperature=1.0, axis=-1):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature")
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp((x - np.max(x)) / temperature)
    return e / np.sum(e, axis=axis, keepdims=True)


@mistake("softmax", "ignores `axis` and always normalises the last axis")
def softmax_last_axis(logits, temperature=1.0, axis=-1):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature")
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp((x - np.max(x, axis=-1, keepdims=True)) / temperature)
    return e / np.sum(e, axis=-1, keepdims=True)


@mistake("softmax", "only rejects temperature == 0")
def softmax_weak_check(logits, temperature=1.0, axis=-1):
    if temperature == 0:
        raise ValueError("temperature")
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp((x - np.max(x, axis=axis, keepdims=True)) / temperature)
    return e / np.sum(e, axis=axis, keepdims=True)


@mistake("softmax", "subtracts the maximum in place, changing the caller's logits")
def softmax_in_place(logits, temperature=1.0, axis=-1):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature")
    x = np.asarray(logits, dtype=np.float64)
    x -= np.max(x, axis=axis, keepdims=True)
    e = np.exp(x / temperature)
    return e / np.sum(e, axis=axis, keepdims=True)


@mistake("softmax", "applies the temperature as p ** (1 / T) without renormalising")
def softmax_power(logits, temperature=1.0, axis=-1):
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature")
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    p = e / np.sum(e, axis=axis, keepdims=True)
    return p ** (1.0 / temperature)


# --------------------------------------------------------------------------
# bigram_matrix


@mistake("bigram_matrix", "counts pairs across sentence boundaries")
def bigram_across_sentences(sentences, vocab_size, alpha=0.0):
    V = int(vocab_size)
    if V < 1 or not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError("bad arguments")
    ids = [int(i) for s in sentences for i in s]
    if any(not 0 <= i < V for i in ids):
        raise ValueError("id out of range")
    counts = np.zeros((V, V))
    for i, j in zip(ids[:-1], ids[1:], strict=True):
        counts[i, j] += 1
    rows = counts.sum(axis=1, keepdims=True) + alpha * V
    return np.where(rows > 0, (counts + alpha) / np.where(rows > 0, rows, 1), 1 / V)


@mistake("bigram_matrix", "leaves rows of never-followed ids as zeros")
def bigram_zero_rows(sentences, vocab_size, alpha=0.0):
    V = int(vocab_size)
    if V < 1 or not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError("bad arguments")
    counts = np.zeros((V, V))
    for s in sentences:
        ids = [int(i) for i in s]
        if any(not 0 <= i < V for i in ids):
            raise ValueError("id out of range")
        for i, j in zip(ids[:-1], ids[1:], strict=True):
            counts[i, j] += 1
    rows = counts.sum(axis=1, keepdims=True) + alpha * V
    return (counts + alpha) / np.maximum(rows, 1e-300)


@mistake(
    "bigram_matrix", "smoothing denominator n_i + alpha instead of n_i + alpha * V"
)
def bigram_bad_smoothing(sentences, vocab_size, alpha=0.0):
    V = int(vocab_size)
    if V < 1 or not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError("bad arguments")
    counts = np.zeros((V, V))
    for s in sentences:
        ids = [int(i) for i in s]
        if any(not 0 <= i < V for i in ids):
            raise ValueError("id out of range")
        for i, j in zip(ids[:-1], ids[1:], strict=True):
            counts[i, j] += 1
    rows = counts.sum(axis=1, keepdims=True) + alpha
    return np.where(rows > 0, (counts + alpha) / np.where(rows > 0, rows, 1), 1 / V)


@mistake("bigram_matrix", "normalises columns instead of rows")
def bigram_columns(sentences, vocab_size, alpha=0.0):
    V = int(vocab_size)
    if V < 1 or not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError("bad arguments")
    counts = np.zeros((V, V))
    for s in sentences:
        ids = [int(i) for i in s]
        if any(not 0 <= i < V for i in ids):
            raise ValueError("id out of range")
        for i, j in zip(ids[:-1], ids[1:], strict=True):
            counts[i, j] += 1
    cols = counts.sum(axis=0, keepdims=True) + alpha * V
    return np.where(cols > 0, (counts + alpha) / np.where(cols > 0, cols, 1), 1 / V)


@mistake("bigram_matrix", "no id check: np.add.at lets negative ids wrap around")
def bigram_no_id_check(sentences, vocab_size, alpha=0.0):
    V = int(vocab_size)
    if V < 1 or not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError("bad arguments")
    counts = np.zeros((V, V))
    for s in sentences:
        ids = np.asarray(s, dtype=np.int64)
        if len(ids) > 1:
            np.add.at(counts, (ids[:-1], ids[1:]), 1)
    rows = counts.sum(axis=1, keepdims=True) + alpha * V
    return np.where(rows > 0, (counts + alpha) / np.where(rows > 0, rows, 1), 1 / V)


# --------------------------------------------------------------------------
# sample_chain


@mistake(
    "sample_chain", "draws `length` new ids after start (one too many)", typical=True
)
def sample_chain_off_by_one(P, start, length, rng):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError("P")
    if not 0 <= start < P.shape[0] or length < 1:
        raise ValueError("start or length")
    out = [int(start)]
    for _ in range(length):
        u = rng.random()
        j = int(np.searchsorted(np.cumsum(P[out[-1]]), u, side="right"))
        if j >= P.shape[0]:
            j = int(np.flatnonzero(P[out[-1]] > 0)[-1])
        out.append(j)
    return out


@mistake("sample_chain", "uses cdf >= u (searchsorted side='left')")
def sample_chain_left(P, start, length, rng):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError("P")
    if not 0 <= start < P.shape[0] or length < 1:
        raise ValueError("start or length")
    out = [int(start)]
    for _ in range(length - 1):
        u = rng.random()
        j = int(np.searchsorted(np.cumsum(P[out[-1]]), u, side="left"))
        out.append(min(j, P.shape[0] - 1))
    return out


@mistake("sample_chain", "seeds its own generator instead of using rng")
def sample_chain_own_seed(P, start, length, rng):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError("P")
    if not 0 <= start < P.shape[0] or length < 1:
        raise ValueError("start or length")
    local = np.random.default_rng(42)
    out = [int(start)]
    for _ in range(length - 1):
        u = local.random()
        out.append(int(np.searchsorted(np.cumsum(P[out[-1]]), u, side="right")))
    return out


@mistake("sample_chain", "reads the column P[:, cur] instead of the row")
def sample_chain_column(P, start, length, rng):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError("P")
    if not 0 <= start < P.shape[0] or length < 1:
        raise ValueError("start or length")
    out = [int(start)]
    for _ in range(length - 1):
        u = rng.random()
        cdf = np.cumsum(P[:, out[-1]])
        j = int(np.searchsorted(cdf / cdf[-1], u, side="right"))
        out.append(min(j, P.shape[0] - 1))
    return out


@mistake("sample_chain", "clips a past-the-end index to the last column")
def sample_chain_clip(P, start, length, rng):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError("P")
    if not 0 <= start < P.shape[0] or length < 1:
        raise ValueError("start or length")
    out = [int(start)]
    for _ in range(length - 1):
        u = rng.random()
        j = int(np.searchsorted(np.cumsum(P[out[-1]]), u, side="right"))
        out.append(min(j, P.shape[0] - 1))
    return out
