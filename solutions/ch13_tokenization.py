"""Chapter 13 — tokenization: maximum matching and BPE (reference solutions)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise


def forward_max_match(
    text: str, vocab: set[str], max_len: int | None = None
) -> list[str]:
    """Segment ``text`` by forward maximum matching (greedy, left to right).

    Starting at position ``i = 0``, try the candidates ``text[i:i + L]`` for
    ``L = min(max_len, len(text) - i)`` down to ``L = 1`` and take the first
    (longest) one that is in ``vocab``. When no candidate is in ``vocab``,
    the single character ``text[i]`` becomes a token anyway (unknown
    characters are kept, never dropped). Continue after the token.

    Args:
        text: the string to segment; may be empty and may hold any character.
        vocab: the dictionary of words; only membership (``w in vocab``) is
            used. Not mutated.
        max_len: the longest candidate tried. ``None`` means the length of the
            longest word in ``vocab`` (1 if ``vocab`` is empty). A given
            ``max_len`` is a positive int; words longer than it never match.

    Returns:
        The tokens, a new list of non-empty strings in text order whose
        concatenation is ``text``. ``""`` gives ``[]``.
    """
    if max_len is None:
        max_len = max((len(w) for w in vocab), default=1)
    tokens: list[str] = []
    i = 0
    while i < len(text):
        # note: L = 1 is taken whether or not text[i] is a word
        step = 1
        for length in range(min(max_len, len(text) - i), 1, -1):
            if text[i : i + length] in vocab:
                step = length
                break
        tokens.append(text[i : i + step])
        i += step
    return tokens


def backward_max_match(
    text: str, vocab: set[str], max_len: int | None = None
) -> list[str]:
    """Segment ``text`` by backward maximum matching (greedy, right to left).

    The mirror image of :func:`forward_max_match`: with ``j = len(text)``,
    try ``text[j - L:j]`` for ``L = min(max_len, j)`` down to ``1``, take the
    longest one in ``vocab`` (a single unknown character when none is), and
    continue before it.

    Args:
        text: the string to segment; may be empty and may hold any character.
        vocab: the dictionary of words; only membership is used. Not mutated.
        max_len: as in :func:`forward_max_match` (``None``: the length of the
            longest word in ``vocab``, 1 if ``vocab`` is empty).

    Returns:
        The tokens in text order (left to right, although they were found
        right to left), a new list whose concatenation is ``text``.
        ``""`` gives ``[]``.
    """
    if max_len is None:
        max_len = max((len(w) for w in vocab), default=1)
    tokens: list[str] = []
    j = len(text)
    while j > 0:
        step = 1
        for length in range(min(max_len, j), 1, -1):
            if text[j - length : j] in vocab:
                step = length
                break
        tokens.append(text[j - step : j])
        j -= step
    tokens.reverse()
    return tokens


def bpe_train(
    word_freqs: dict[str, int], num_merges: int, min_count: int = 2
) -> list[tuple[str, str]]:
    """Learn character-level BPE merges from word counts.

    Each word becomes a tuple of symbols: its characters, then the separate
    end-of-word symbol ``"</w>"`` (``"low"`` -> ``("l", "o", "w", "</w>")``).
    Then, up to ``num_merges`` times:

    1. Count every adjacent pair of symbols at every position of every word,
       weighted by the word's count. Overlapping positions all count: the word
       ``"aaa"`` with count 3 adds 6 to the pair ``("a", "a")``.
    2. The best pair has the highest count; ties go to the smallest pair in
       Python's tuple order (compare the first symbols as strings, then the
       second), i.e. ``min(counts, key=lambda p: (-counts[p], p))``.
    3. Stop (returning fewer merges) when there is no pair at all or the best
       count is below ``min_count``.
    4. Record the best pair ``(a, b)`` and, in every word, replace its
       non-overlapping occurrences, scanning left to right, by the single
       symbol ``a + b``: ``("a", "a", "a", "</w>")`` becomes
       ``("aa", "a", "</w>")``. Merging works on symbols, never on the
       word's string, so a match never straddles a symbol boundary.

    Args:
        word_freqs: word -> count (a positive int). Words are non-empty,
            contain no whitespace and never contain ``"</w>"``. Not mutated.
        num_merges: the most merges to learn, an int >= 0.
        min_count: the smallest pair count that is still merged.

    Returns:
        The merges in the order learned, a list of ``(a, b)`` tuples of str.
    """
    words = [(tuple(w) + ("</w>",), f) for w, f in word_freqs.items()]
    merges: list[tuple[str, str]] = []
    for _ in range(num_merges):
        counts: Counter[tuple[str, str]] = Counter()
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
        merged = []
        for symbols, freq in words:
            out = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged.append((tuple(out), freq))
        words = merged
    return merges


def bpe_encode(text: str, merges: list[tuple[str, str]]) -> list[str]:
    """Tokenize ``text`` with learned character-level BPE merges.

    Split ``text`` into words with ``text.split()`` (no argument: any run of
    whitespace separates words; leading and trailing whitespace is ignored).
    Each word starts as its characters followed by ``"</w>"``. The rank of a
    pair is its index in ``merges`` (the first index if it occurs twice).
    Within each word, repeat: among the adjacent pairs, find the one with the
    lowest rank; if no adjacent pair has a rank, stop; otherwise replace all
    non-overlapping occurrences of that pair, scanning left to right, by the
    concatenated symbol. Characters that no merge mentions simply stay single
    symbols (nothing is dropped or replaced by an unknown token).

    Args:
        text: any string. It must not contain ``"</w>"``.
        merges: as returned by :func:`bpe_train`. Not mutated.

    Returns:
        The tokens of all words, in order, as one flat list of str. The last
        token of each word ends with ``"</w>"``. Empty or whitespace-only
        ``text`` gives ``[]``.
    """
    ranks: dict[tuple[str, str], int] = {}
    for r, pair in enumerate(merges):
        ranks.setdefault(tuple(pair), r)
    tokens: list[str] = []
    for word in text.split():
        symbols = list(word) + ["</w>"]
        while len(symbols) > 1:
            ranked = [(ranks[p], p) for p in pairwise(symbols) if p in ranks]
            if not ranked:
                break
            _, (a, b) = min(ranked)
            out = []
            i = 0
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


def bpe_decode(tokens: list[str]) -> str:
    """Turn character-level BPE tokens back into text.

    Concatenate the tokens, replace every ``"</w>"`` by one space and remove
    the single trailing space this leaves at the end (if the result ends with
    a space). Thus ``bpe_decode(bpe_encode(t)) == " ".join(t.split())``:
    words come back separated by single spaces.

    Args:
        tokens: a list of str as returned by :func:`bpe_encode`. Not mutated.

    Returns:
        The text; ``[]`` gives ``""``.
    """
    text = "".join(tokens).replace("</w>", " ")
    return text[:-1] if text.endswith(" ") else text


def build_vocab(
    merges: list[tuple[str, str]],
    alphabet: set[str],
    specials: tuple[str, ...] = ("<pad>", "<unk>"),
) -> dict[str, int]:
    """Give every token a BPE tokenizer can produce an integer id.

    Ids are assigned in this order, each new token getting the next id
    ``0, 1, 2, ...``; a token already in the vocabulary is skipped (it keeps
    its first id and takes no new one):

    1. the ``specials``, in the given order;
    2. the base symbols ``sorted(alphabet | {"</w>"})`` (Python str order);
    3. the product ``a + b`` of every merge ``(a, b)``, in merge order.

    Every intermediate merge product is included, not only the tokens of some
    final segmentation, so every token of ``bpe_encode(text, merges)`` is in
    the vocabulary when ``text`` uses only characters of ``alphabet``.

    Args:
        merges: as returned by :func:`bpe_train`. Not mutated.
        alphabet: the base characters (one-character strings). Not mutated.
        specials: special tokens such as padding and unknown.

    Returns:
        A new dict token -> id whose values are exactly ``0 .. len - 1``, in
        insertion order of ids.
    """
    vocab: dict[str, int] = {}
    candidates = list(specials) + sorted(set(alphabet) | {"</w>"})
    candidates += [a + b for a, b in merges]
    for token in candidates:
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab


def byte_bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Learn byte-level BPE merges on one text (no pre-tokenization).

    The text becomes the list of its UTF-8 bytes, ids 0..255. Merge ``i``
    (counting from 0) creates the new id ``256 + i``, so at most
    ``vocab_size - 256`` merges are learned. Each step:

    1. Count adjacent pairs ``(ids[k], ids[k + 1])`` at every position ``k``
       of the whole sequence (overlapping occurrences all count: three equal
       ids in a row count twice).
    2. The best pair has the highest count; ties go to the smallest
       ``(id1, id2)`` tuple.
    3. Stop early (fewer merges) when there is no pair or the best count is
       below 2.
    4. Record the pair and replace its non-overlapping occurrences, scanning
       left to right, by the new id (``97, 97, 97`` -> ``256, 97``).

    Args:
        text: training text, any Unicode string.
        vocab_size: 256 plus the most merges to learn.

    Returns:
        The merges in order, a list of ``(id1, id2)`` tuples of Python ints;
        merge ``i`` stands for id ``256 + i``.

    Raises:
        ValueError: if ``vocab_size < 256``.
    """
    if vocab_size < 256:
        raise ValueError(f"vocab_size must be at least 256, got {vocab_size}")
    ids = list(text.encode("utf-8"))
    merges: list[tuple[int, int]] = []
    for new_id in range(256, vocab_size):
        counts = Counter(pairwise(ids))
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < 2:
            break
        merges.append(best)
        out = []
        k = 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == best:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return merges


def byte_bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Encode ``text`` into byte-level BPE ids.

    Start from the UTF-8 bytes of ``text`` (ids 0..255). The rank of a pair
    is its index ``i`` in ``merges``; merging it produces id ``256 + i``.
    Repeat: among the adjacent pairs, find the one with the lowest rank; if
    none has a rank, stop; otherwise replace all its non-overlapping
    occurrences, scanning left to right, by its id.

    Args:
        text: any str UTF-8 can encode (Chinese, emoji, combining marks,
            ``""``; not lone surrogates).
        merges: as returned by :func:`byte_bpe_train` (distinct pairs; merge
            ``i`` uses only ids below ``256 + i``). Not mutated.

    Returns:
        A new list of Python ints; ``""`` gives ``[]``. Every text can be
        encoded: with no merges at all the result is just its bytes.
    """
    ranks = {tuple(pair): r for r, pair in reversed(list(enumerate(merges)))}
    ids = list(text.encode("utf-8"))
    while len(ids) > 1:
        ranked = [ranks[p] for p in pairwise(ids) if p in ranks]
        if not ranked:
            break
        rank = min(ranked)
        pair, new_id = tuple(merges[rank]), 256 + rank
        out = []
        k = 0
        while k < len(ids):
            if k + 1 < len(ids) and (ids[k], ids[k + 1]) == pair:
                out.append(new_id)
                k += 2
            else:
                out.append(ids[k])
                k += 1
        ids = out
    return ids


def byte_bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Decode byte-level BPE ids back into text.

    Id ``b < 256`` stands for the byte ``b``; id ``256 + i`` stands for the
    bytes of ``merges[i][0]`` followed by those of ``merges[i][1]``. Join the
    bytes of all ids first, then decode the whole byte string once with
    ``.decode("utf-8", errors="replace")`` (decoding id by id would break
    characters whose bytes lie in different tokens).

    Args:
        ids: ints, each in ``0 .. 255 + len(merges)``. Not mutated.
        merges: as returned by :func:`byte_bpe_train`. Not mutated.

    Returns:
        The text. ``byte_bpe_decode(byte_bpe_encode(t, m), m) == t`` for every
        str ``t`` UTF-8 can encode; invalid UTF-8 (possible for hand-made ids)
        becomes U+FFFD.

    Raises:
        ValueError: if an id is outside ``0 .. 255 + len(merges)``.
    """
    pieces = [bytes([b]) for b in range(256)]
    for a, b in merges:
        pieces.append(pieces[a] + pieces[b])
    chunks = []
    for i in ids:
        if not 0 <= i < len(pieces):
            raise ValueError(f"id {i} is not in 0..{len(pieces) - 1}")
        chunks.append(pieces[i])
    return b"".join(chunks).decode("utf-8", errors="replace")
