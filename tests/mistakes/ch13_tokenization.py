"""Plausible wrong answers for chapter 13 — tokenization."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from tests.mistakes import mistake

# ---------------------------------------------------------------- max_match


@mistake(
    "forward_max_match",
    "window fixed at 5 characters, as the book does, so longer words never match",
    typical=True,
)
def forward_max_match(text, vocab, max_len=None):
    if max_len is None:
        max_len = 5
    tokens = []
    i = 0
    while i < len(text):
        for length in range(min(max_len, len(text) - i), 0, -1):
            if text[i : i + length] in vocab or length == 1:
                tokens.append(text[i : i + length])
                i += length
                break
    return tokens


@mistake("forward_max_match", "drops characters that no vocabulary word covers")
def forward_max_match(text, vocab, max_len=None):  # noqa: F811
    if max_len is None:
        max_len = max((len(w) for w in vocab), default=1)
    tokens = []
    i = 0
    while i < len(text):
        for length in range(min(max_len, len(text) - i), 0, -1):
            if text[i : i + length] in vocab:
                tokens.append(text[i : i + length])
                i += length
                break
        else:
            i += 1
    return tokens


@mistake(
    "forward_max_match",
    "off by one at the end: a word ending at the last character is never tried",
)
def forward_max_match(text, vocab, max_len=None):  # noqa: F811
    if max_len is None:
        max_len = max((len(w) for w in vocab), default=1)
    tokens = []
    i = 0
    while i < len(text):
        step = 1
        for length in range(min(max_len, len(text) - i - 1), 1, -1):
            if text[i : i + length] in vocab:
                step = length
                break
        tokens.append(text[i : i + step])
        i += step
    return tokens


@mistake(
    "backward_max_match",
    "returns the tokens in the order they were found (right to left)",
)
def backward_max_match(text, vocab, max_len=None):
    if max_len is None:
        max_len = max((len(w) for w in vocab), default=1)
    tokens = []
    j = len(text)
    while j > 0:
        step = 1
        for length in range(min(max_len, j), 1, -1):
            if text[j - length : j] in vocab:
                step = length
                break
        tokens.append(text[j - step : j])
        j -= step
    return tokens


# ---------------------------------------------------------------- bpe_train


@mistake(
    "bpe_train",
    "BPE merged with str.replace on space-joined symbols (matches across symbol "
    "boundaries), as the book does",
    typical=True,
)
def bpe_train(word_freqs, num_merges, min_count=2):
    vocab = {" ".join(word) + " </w>": freq for word, freq in word_freqs.items()}
    merges = []
    for _ in range(num_merges):
        counts = {}
        for word, freq in vocab.items():
            symbols = word.split()
            for pair in pairwise(symbols):
                counts[pair] = counts.get(pair, 0) + freq
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < min_count:
            break
        merges.append(best)
        old, new = " ".join(best), "".join(best)
        vocab = {word.replace(old, new): freq for word, freq in vocab.items()}
    return merges


@mistake("bpe_train", "ties broken by dict order (max(counts, key=counts.get))")
def bpe_train(word_freqs, num_merges, min_count=2):  # noqa: F811
    words = [(list(w) + ["</w>"], f) for w, f in word_freqs.items()]
    merges = []
    for _ in range(num_merges):
        counts = {}
        for symbols, freq in words:
            for pair in pairwise(symbols):
                counts[pair] = counts.get(pair, 0) + freq
        if not counts:
            break
        best = max(counts, key=counts.get)
        if counts[best] < min_count:
            break
        merges.append(best)
        for k, (symbols, freq) in enumerate(words):
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[k] = (out, freq)
    return merges


@mistake("bpe_train", "pair counts ignore word frequencies (each word counts once)")
def bpe_train(word_freqs, num_merges, min_count=2):  # noqa: F811
    words = [list(w) + ["</w>"] for w in word_freqs]
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for symbols in words:
            for pair in pairwise(symbols):
                counts[pair] += 1
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < min_count:
            break
        merges.append(best)
        for k, symbols in enumerate(words):
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[k] = out
    return merges


@mistake(
    "bpe_train",
    "counts each distinct pair once per word (a set), so 'aaa' adds (a, a) once",
)
def bpe_train(word_freqs, num_merges, min_count=2):  # noqa: F811
    words = [(list(w) + ["</w>"], f) for w, f in word_freqs.items()]
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for symbols, freq in words:
            for pair in set(pairwise(symbols)):
                counts[pair] += freq
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < min_count:
            break
        merges.append(best)
        for k, (symbols, freq) in enumerate(words):
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[k] = (out, freq)
    return merges


@mistake("bpe_train", "ignores min_count: keeps merging pairs seen only once")
def bpe_train(word_freqs, num_merges, min_count=2):  # noqa: F811
    words = [(list(w) + ["</w>"], f) for w, f in word_freqs.items()]
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for symbols, freq in words:
            for pair in pairwise(symbols):
                counts[pair] += freq
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        for k, (symbols, freq) in enumerate(words):
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[k] = (out, freq)
    return merges


@mistake(
    "bpe_train",
    "merges in place scanning from the right (to keep indices valid), so "
    "'a a a' becomes 'a aa' instead of 'aa a'",
)
def bpe_train(word_freqs, num_merges, min_count=2):  # noqa: F811
    words = [(list(w) + ["</w>"], f) for w, f in word_freqs.items()]
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for symbols, freq in words:
            for pair in pairwise(symbols):
                counts[pair] += freq
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < min_count:
            break
        merges.append(best)
        a, b = best
        for symbols, _ in words:
            for i in range(len(symbols) - 2, -1, -1):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    symbols[i : i + 2] = [a + b]
    return merges


# ---------------------------------------------------------------- bpe_codec


@mistake(
    "bpe_encode",
    "one left-to-right pass: merges any known pair as soon as it is met",
)
def bpe_encode(text, merges):
    known = {tuple(p) for p in merges}
    tokens = []
    for word in text.split():
        symbols = list(word) + ["</w>"]
        out = [symbols[0]]
        for s in symbols[1:]:
            if (out[-1], s) in known:
                out[-1] = out[-1] + s
            else:
                out.append(s)
        tokens.extend(out)
    return tokens


@mistake("bpe_encode", "applies each merge, in order, only at its first occurrence")
def bpe_encode(text, merges):  # noqa: F811
    tokens = []
    for word in text.split():
        symbols = list(word) + ["</w>"]
        for a, b in merges:
            for i in range(len(symbols) - 1):
                if symbols[i] == a and symbols[i + 1] == b:
                    symbols[i : i + 2] = [a + b]
                    break
        tokens.extend(symbols)
    return tokens


@mistake("bpe_encode", "splits on single spaces (text.split(' ')), not on whitespace")
def bpe_encode(text, merges):  # noqa: F811
    ranks = {}
    for r, pair in enumerate(merges):
        ranks.setdefault(tuple(pair), r)
    tokens = []
    for word in text.split(" "):
        symbols = list(word) + ["</w>"]
        while len(symbols) > 1:
            ranked = [(ranks[p], p) for p in pairwise(symbols) if p in ranks]
            if not ranked:
                break
            a, b = min(ranked)[1]
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            symbols = out
        tokens.extend(symbols)
    return tokens


@mistake("bpe_decode", "drops '</w>' without putting a space back: words run together")
def bpe_decode(tokens):
    return "".join(tokens).replace("</w>", "")


@mistake("bpe_decode", "turns '</w>' into a space but keeps the trailing space")
def bpe_decode(tokens):  # noqa: F811
    return "".join(tokens).replace("</w>", " ")


# ---------------------------------------------------------------- build_vocab


@mistake(
    "build_vocab",
    "keeps only merge products that no later merge consumes (final tokens), like "
    "the book's vocabulary from the final segmentation",
)
def build_vocab(merges, alphabet, specials=("<pad>", "<unk>")):
    used = {s for pair in merges for s in pair}
    vocab = {}
    for token in list(specials) + sorted(set(alphabet) | {"</w>"}):
        if token not in vocab:
            vocab[token] = len(vocab)
    for a, b in merges:
        if a + b not in used and a + b not in vocab:
            vocab[a + b] = len(vocab)
    return vocab


@mistake("build_vocab", "forgets the end-of-word symbol '</w>' among the base symbols")
def build_vocab(merges, alphabet, specials=("<pad>", "<unk>")):  # noqa: F811
    vocab = {}
    for token in list(specials) + sorted(alphabet) + [a + b for a, b in merges]:
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab


@mistake(
    "build_vocab",
    "numbers the candidates with enumerate, so duplicates leave gaps in the ids",
)
def build_vocab(merges, alphabet, specials=("<pad>", "<unk>")):  # noqa: F811
    candidates = list(specials) + sorted(set(alphabet) | {"</w>"})
    candidates += [a + b for a, b in merges]
    vocab = {}
    for i, token in enumerate(candidates):
        vocab.setdefault(token, i)
    return vocab


@mistake("build_vocab", "puts the special tokens after the merge products")
def build_vocab(merges, alphabet, specials=("<pad>", "<unk>")):  # noqa: F811
    candidates = sorted(set(alphabet) | {"</w>"}) + [a + b for a, b in merges]
    vocab = {}
    for token in candidates + list(specials):
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab


# ---------------------------------------------------------------- byte_bpe_train


@mistake(
    "byte_bpe_train",
    "ties broken by first occurrence (max(counts, key=counts.get)) instead of the "
    "smallest pair",
)
def byte_bpe_train(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = {}
        for pair in pairwise(ids):
            counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            break
        best = max(counts, key=counts.get)
        if counts[best] < 2:
            break
        merges.append(best)
        out, k = [], 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == best:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return merges


@mistake(
    "byte_bpe_train",
    "counts pairs without overlap (like bytes.count): 'aaa' holds (a, a) once",
)
def byte_bpe_train(text, vocab_size):  # noqa: F811
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts, last = Counter(), {}
        for k, pair in enumerate(pairwise(ids)):
            if last.get(pair, -2) < k - 1:
                counts[pair] += 1
                last[pair] = k
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < 2:
            break
        merges.append(best)
        out, k = [], 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == best:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return merges


@mistake("byte_bpe_train", "never stops early: also merges pairs seen only once")
def byte_bpe_train(text, vocab_size):  # noqa: F811
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = Counter(pairwise(ids))
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        out, k = [], 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == best:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return merges


@mistake(
    "byte_bpe_train",
    "no check of vocab_size: a size below 256 silently learns nothing",
)
def byte_bpe_train(text, vocab_size):  # noqa: F811
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = Counter(pairwise(ids))
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < 2:
            break
        merges.append(best)
        out, k = [], 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == best:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return merges


# ---------------------------------------------------------------- byte_bpe_codec


@mistake(
    "byte_bpe_decode",
    "decodes token by token, which breaks characters whose bytes are split across "
    "tokens",
    typical=True,
)
def byte_bpe_decode(ids, merges):
    pieces = [bytes([b]) for b in range(256)]
    for a, b in merges:
        pieces.append(pieces[a] + pieces[b])
    return "".join(pieces[i].decode("utf-8", errors="replace") for i in ids)


@mistake("byte_bpe_decode", "decodes with errors='ignore', so invalid bytes vanish")
def byte_bpe_decode(ids, merges):  # noqa: F811
    pieces = [bytes([b]) for b in range(256)]
    for a, b in merges:
        pieces.append(pieces[a] + pieces[b])
    for i in ids:
        if not 0 <= i < len(pieces):
            raise ValueError(f"bad id {i}")
    return b"".join(pieces[i] for i in ids).decode("utf-8", errors="ignore")


@mistake(
    "byte_bpe_decode",
    "indexes a list without a range check: negative ids silently wrap around",
)
def byte_bpe_decode(ids, merges):  # noqa: F811
    pieces = [bytes([b]) for b in range(256)]
    for a, b in merges:
        pieces.append(pieces[a] + pieces[b])
    return b"".join(pieces[i] for i in ids).decode("utf-8", errors="replace")


@mistake(
    "byte_bpe_encode",
    "starts from code points (ord) instead of UTF-8 bytes",
)
def byte_bpe_encode(text, merges):
    ranks = {tuple(p): r for r, p in reversed(list(enumerate(merges)))}
    ids = [ord(c) for c in text]
    while len(ids) > 1:
        ranked = [ranks[p] for p in pairwise(ids) if p in ranks]
        if not ranked:
            break
        r = min(ranked)
        pair = tuple(merges[r])
        out, k = [], 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == pair:
                out.append(256 + r)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return ids


@mistake(
    "byte_bpe_encode",
    "one left-to-right pass that merges any known pair as soon as it is met",
)
def byte_bpe_encode(text, merges):  # noqa: F811
    ids_of = {tuple(p): 256 + r for r, p in reversed(list(enumerate(merges)))}
    out = []
    for b in text.encode("utf-8"):
        out.append(b)
        while len(out) > 1 and (out[-2], out[-1]) in ids_of:
            out[-2:] = [ids_of[(out[-2], out[-1])]]
    return out
