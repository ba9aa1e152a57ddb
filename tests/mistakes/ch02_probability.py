"""Plausible wrong answers of chapter 2, each proven to lose points."""

from __future__ import annotations

import math

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# bigram_counts


@mistake(
    "bigram_counts", "forgets the end transition (last char -> boundary)", typical=True
)
def bigram_counts_no_end(sentences, boundary="."):
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
    vocab = [boundary] + sorted({c for s in sentences for c in s})
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [boundary, *s]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


@mistake("bigram_counts", "forgets the start transition (boundary -> first char)")
def bigram_counts_no_start(sentences, boundary="."):
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
    vocab = [boundary] + sorted({c for s in sentences for c in s})
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [*s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


@mistake("bigram_counts", "vocab in order of first appearance, not sorted")
def bigram_counts_unsorted(sentences, boundary="."):
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
    vocab = [boundary]
    for s in sentences:
        for c in s:
            if c not in vocab:
                vocab.append(c)
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


@mistake("bigram_counts", "sorts the boundary together with the characters")
def bigram_counts_boundary_sorted(sentences, boundary="."):
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
    vocab = sorted({boundary} | {c for s in sentences for c in s})
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


@mistake("bigram_counts", "float64 counts (np.zeros without dtype)")
def bigram_counts_float(sentences, boundary="."):
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
    vocab = [boundary] + sorted({c for s in sentences for c in s})
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)))
    for s in sentences:
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


@mistake("bigram_counts", "silently accepts a boundary inside a sentence")
def bigram_counts_no_check(sentences, boundary="."):
    vocab = [boundary] + sorted({c for s in sentences for c in s} - {boundary})
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


# --------------------------------------------------------------------------
# bigram_probs


@mistake("bigram_probs", "adds alpha only to the cells with a non-zero count")
def bigram_probs_alpha_nonzero(counts, alpha=0.0):
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    c = np.asarray(counts, dtype=np.float64)
    c = np.where(c > 0, c + alpha, 0.0)
    totals = c.sum(axis=1, keepdims=True)
    out = np.full(c.shape, 1.0 / c.shape[1])
    seen = totals[:, 0] > 0
    out[seen] = c[seen] / totals[seen]
    return out


@mistake("bigram_probs", "denominator N + alpha instead of N + alpha * V")
def bigram_probs_wrong_denominator(counts, alpha=0.0):
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    c = np.asarray(counts, dtype=np.float64)
    totals = c.sum(axis=1, keepdims=True) + alpha
    out = np.full(c.shape, 1.0 / c.shape[1])
    seen = totals[:, 0] > 0
    out[seen] = (c[seen] + alpha) / totals[seen]
    return out


@mistake("bigram_probs", "a row of zeros at alpha = 0 gives 0 / 0 = NaN")
def bigram_probs_nan_rows(counts, alpha=0.0):
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    c = np.asarray(counts, dtype=np.float64) + alpha
    with np.errstate(invalid="ignore", divide="ignore"):
        return c / c.sum(axis=1, keepdims=True)


@mistake("bigram_probs", "normalizes columns instead of rows")
def bigram_probs_columns(counts, alpha=0.0):
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    c = np.asarray(counts, dtype=np.float64) + alpha
    totals = c.sum(axis=0, keepdims=True)
    out = np.full(c.shape, 1.0 / c.shape[0])
    seen = totals[0] > 0
    out[:, seen] = c[:, seen] / totals[:, seen]
    return out


@mistake("bigram_probs", "accepts a negative alpha")
def bigram_probs_negative_alpha(counts, alpha=0.0):
    c = np.asarray(counts, dtype=np.float64) + alpha
    totals = c.sum(axis=1, keepdims=True)
    out = np.full(c.shape, 1.0 / c.shape[1])
    seen = totals[:, 0] > 0
    out[seen] = c[seen] / totals[seen]
    return out


# --------------------------------------------------------------------------
# sentence_logprob / perplexity


@mistake(
    "sentence_logprob",
    "skips unseen transitions instead of returning -inf",
    typical=True,
)
def sentence_logprob_skip_unseen(sentence, vocab, probs, boundary="."):
    if boundary in sentence:
        raise ValueError("boundary inside the sentence")
    seq = [boundary, *sentence, boundary]
    total = 0.0
    for a, b in zip(seq[:-1], seq[1:], strict=True):
        if a in vocab and b in vocab:
            p = probs[vocab.index(a), vocab.index(b)]
            if p > 0:
                total += math.log(p)
    return total


@mistake("sentence_logprob", "adds 1e-10 to every probability to avoid log(0)")
def sentence_logprob_epsilon(sentence, vocab, probs, boundary="."):
    if boundary in sentence:
        raise ValueError("boundary inside the sentence")
    seq = [boundary, *sentence, boundary]
    total = 0.0
    for a, b in zip(seq[:-1], seq[1:], strict=True):
        if a not in vocab or b not in vocab:
            return float("-inf")
        total += math.log(probs[vocab.index(a), vocab.index(b)] + 1e-10)
    return total


@mistake("sentence_logprob", "omits the end transition (last char -> boundary)")
def sentence_logprob_no_end(sentence, vocab, probs, boundary="."):
    if boundary in sentence:
        raise ValueError("boundary inside the sentence")
    seq = [boundary, *sentence]
    total = 0.0
    for a, b in zip(seq[:-1], seq[1:], strict=True):
        if a not in vocab or b not in vocab:
            return float("-inf")
        p = probs[vocab.index(a), vocab.index(b)]
        if p <= 0:
            return float("-inf")
        total += math.log(p)
    return total


@mistake("perplexity", "averages over sentences instead of transitions")
def perplexity_per_sentence(sentences, vocab, probs, boundary="."):
    if not sentences:
        raise ValueError("no sentences")
    total = 0.0
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            if a not in vocab or b not in vocab:
                return float("inf")
            p = probs[vocab.index(a), vocab.index(b)]
            if p <= 0:
                return float("inf")
            total += math.log(p)
    return math.exp(-total / len(sentences))


@mistake("perplexity", "mixes bases: 2 ** (-mean natural log)")
def perplexity_mixed_bases(sentences, vocab, probs, boundary="."):
    if not sentences:
        raise ValueError("no sentences")
    total, n = 0.0, 0
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
        seq = [boundary, *s, boundary]
        n += len(seq) - 1
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            if a not in vocab or b not in vocab:
                return float("inf")
            p = probs[vocab.index(a), vocab.index(b)]
            if p <= 0:
                return float("inf")
            total += math.log(p)
    return 2.0 ** (-total / n)


@mistake("perplexity", "counts len(s) transitions per sentence instead of len(s) + 1")
def perplexity_len_s(sentences, vocab, probs, boundary="."):
    if not sentences:
        raise ValueError("no sentences")
    total, n = 0.0, 0
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
        seq = [boundary, *s, boundary]
        n += len(s)
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            if a not in vocab or b not in vocab:
                return float("inf")
            p = probs[vocab.index(a), vocab.index(b)]
            if p <= 0:
                return float("inf")
            total += math.log(p)
    return math.exp(-total / n)


@mistake("perplexity", "averages the sentences' own perplexities")
def perplexity_mean_of_sentences(sentences, vocab, probs, boundary="."):
    if not sentences:
        raise ValueError("no sentences")
    values = []
    for s in sentences:
        if boundary in s:
            raise ValueError("boundary inside a sentence")
        seq = [boundary, *s, boundary]
        total = 0.0
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            if a not in vocab or b not in vocab:
                return float("inf")
            p = probs[vocab.index(a), vocab.index(b)]
            if p <= 0:
                return float("inf")
            total += math.log(p)
        values.append(math.exp(-total / (len(seq) - 1)))
    return sum(values) / len(values)


# --------------------------------------------------------------------------
# top_k_filter / top_p_filter


@mistake(
    "top_p_filter",
    "keeps only cumsum <= p, dropping the token that crosses p",
    typical=True,
)
def top_p_filter_drops_crossing(probs, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    order = np.argsort(-probs, kind="stable")
    keep_sorted = np.cumsum(probs[order]) <= p
    keep_sorted[0] = True
    out = np.zeros(len(probs))
    out[order[keep_sorted]] = probs[order[keep_sorted]]
    return out / out.sum()


@mistake("top_p_filter", "needs cumsum > p strictly (one token too many at p exactly)")
def top_p_filter_strict(probs, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    q = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-q, kind="stable")
    reached = np.flatnonzero(np.cumsum(q[order]) > p)
    m = int(reached[0]) + 1 if reached.size else q.size
    out = np.zeros_like(q)
    out[order[:m]] = q[order[:m]]
    return out / out.sum()


@mistake("top_k_filter", "returns the kept probabilities in ranked (sorted) order")
def top_k_filter_sorted_order(probs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    q = np.sort(np.asarray(probs, dtype=np.float64))[::-1]
    out = np.zeros_like(q)
    out[:k] = q[:k]
    return out / out.sum()


@mistake("top_k_filter", "keeps every token >= the k-th value (too many on ties)")
def top_k_filter_threshold(probs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    q = np.asarray(probs, dtype=np.float64)
    kth = np.sort(q)[::-1][min(k, q.size) - 1]
    out = np.where(q >= kth, q, 0.0)
    return out / out.sum()


@mistake("top_k_filter", "forgets to renormalize")
def top_k_filter_no_renorm(probs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    q = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-q, kind="stable")
    out = np.zeros_like(q)
    out[order[:k]] = q[order[:k]]
    return out


@mistake("top_k_filter", "argsort(probs)[::-1]: ties go to the higher index")
def top_k_filter_reversed_ties(probs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    q = np.asarray(probs, dtype=np.float64)
    order = np.argsort(q, kind="stable")[::-1]
    out = np.zeros_like(q)
    out[order[:k]] = q[order[:k]]
    return out / out.sum()


@mistake("top_k_filter", "zeroes the dropped tokens in the caller's array")
def top_k_filter_in_place(probs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    order = np.argsort(-probs, kind="stable")
    probs[order[k:]] = 0.0
    return probs / probs.sum()


# --------------------------------------------------------------------------
# sample_next_token


@mistake("sample_next_token", "temperature 0 clamped to 1e-8 and sampled (uses rng)")
def sample_next_token_clamped_t(logits, rng, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    z = np.asarray(logits, dtype=np.float64) / max(temperature, 1e-8)
    q = np.exp(z - z.max())
    q /= q.sum()
    if top_k is not None:
        order = np.argsort(-q, kind="stable")
        q[order[top_k:]] = 0.0
        q /= q.sum()
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        q[order[m:]] = 0.0
        q /= q.sum()
    return int(rng.choice(len(q), p=q))


@mistake("sample_next_token", "applies top-p and top-k before the temperature")
def sample_next_token_filter_first(
    logits, rng, temperature=1.0, top_k=None, top_p=None
):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    q = np.exp(x - x.max())
    q /= q.sum()
    keep = np.ones(len(q), dtype=bool)
    if top_k is not None:
        keep[np.argsort(-q, kind="stable")[top_k:]] = False
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        keep[order[m:]] = False
    z = np.where(keep, x / temperature, -np.inf)
    w = np.exp(z - z.max())
    return int(rng.choice(len(w), p=w / w.sum()))


@mistake("sample_next_token", "ignores rng and makes its own default_rng(0)")
def sample_next_token_own_rng(logits, rng, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    z = x / temperature
    q = np.exp(z - z.max())
    q /= q.sum()
    if top_k is not None:
        order = np.argsort(-q, kind="stable")
        q[order[top_k:]] = 0.0
        q /= q.sum()
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        q[order[m:]] = 0.0
        q /= q.sum()
    return int(np.random.default_rng(0).choice(len(q), p=q))


@mistake("sample_next_token", "softmax without subtracting the max (overflow -> NaN)")
def sample_next_token_unstable(logits, rng, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    q = np.exp(x / temperature)
    q = q / q.sum()
    if top_k is not None:
        order = np.argsort(-q, kind="stable")
        q[order[top_k:]] = 0.0
        q = q / q.sum()
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        q[order[m:]] = 0.0
        q = q / q.sum()
    u = rng.random()
    i = int(np.searchsorted(np.cumsum(q), u, side="right"))
    return min(i, len(q) - 1)


@mistake("sample_next_token", "returns the position in the sorted order, not the id")
def sample_next_token_sorted_position(
    logits, rng, temperature=1.0, top_k=None, top_p=None
):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    z = x / temperature
    q = np.exp(z - z.max())
    q = np.sort(q / q.sum())[::-1]
    if top_k is not None:
        q[top_k:] = 0.0
    if top_p is not None:
        reached = np.flatnonzero(np.cumsum(q / q.sum()) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        q[m:] = 0.0
    q = q / q.sum()
    return int(rng.choice(len(q), p=q))


@mistake("sample_next_token", "divides the caller's logits in place (logits /= T)")
def sample_next_token_in_place(logits, rng, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    if temperature == 0:
        return int(np.argmax(logits))
    logits /= temperature
    q = np.exp(logits - logits.max())
    q /= q.sum()
    if top_k is not None:
        order = np.argsort(-q, kind="stable")
        q[order[top_k:]] = 0.0
        q /= q.sum()
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        m = int(reached[0]) + 1 if reached.size else q.size
        q[order[m:]] = 0.0
        q /= q.sum()
    return int(rng.choice(len(q), p=q))


@mistake("sample_next_token", "applies top-p before top-k")
def sample_next_token_p_before_k(
    logits, rng, temperature=1.0, top_k=None, top_p=None
):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    z = x / temperature
    e = np.exp(z - np.max(z))
    q = e / e.sum()
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        n_keep = int(reached[0]) + 1 if reached.size else q.size
        kept = np.zeros_like(q)
        kept[order[:n_keep]] = q[order[:n_keep]]
        q = kept / kept.sum()
    if top_k is not None:
        order = np.argsort(-q, kind="stable")
        n_keep = min(int(top_k), q.size)
        kept = np.zeros_like(q)
        kept[order[:n_keep]] = q[order[:n_keep]]
        q = kept / kept.sum()
    u = rng.random()
    i = int(np.searchsorted(np.cumsum(q), u, side="right"))
    if i >= q.size:
        i = int(np.flatnonzero(q > 0)[-1])
    return i
