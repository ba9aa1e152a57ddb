"""Chapter 1 — from human language to machine language (reference solutions).

Text becomes integer ids through a character vocabulary; a bigram table turns
counts into next-token probabilities; sampling from it generates text; word
vectors are compared by cosine similarity; softmax with a temperature turns
scores into probabilities. Everything is float64 numpy, and every random
choice goes through an explicit ``np.random.Generator``.
"""

from __future__ import annotations

import math

import numpy as np


def build_vocab(
    texts: list[str], specials: tuple[str, ...] = ("<unk>",)
) -> tuple[dict[str, int], list[str]]:
    """Build a character vocabulary whose ids follow a fixed, documented order.

    Tokens are Unicode code points, exactly what iterating over a Python
    ``str`` yields: the emoji ``"👩‍🔬"`` (woman, zero-width joiner,
    microscope) is three tokens, and an "é" typed as "e" plus a combining
    accent is two.
    Ids are given in this order:

    1. The special tokens, in the order given: ``specials[k]`` gets id ``k``.
    2. Then each character of ``texts`` that is not yet in the vocabulary, in
       order of first appearance, scanning ``texts[0]`` left to right, then
       ``texts[1]``, and so on. A character equal to a one-character special
       token keeps that special's id and is not added again.

    The order never depends on sorting or on ``set`` iteration order, so the
    same texts give the same ids in every run.

    Args:
        texts: list of strings; may be empty, and strings may be empty.
            Not modified.
        specials: distinct, non-empty strings (a multi-character special such
            as ``"<unk>"`` is one token).

    Returns:
        ``(stoi, itos)``: ``stoi`` is a dict mapping each token to its id and
        ``itos`` a list of the tokens ordered by id, so that
        ``itos[stoi[t]] == t`` for every token and ``stoi[itos[i]] == i`` for
        every id ``0 <= i < len(itos)``.

    Raises:
        ValueError: if ``specials`` holds the same string twice or holds an
            empty string.
    """
    stoi: dict[str, int] = {}
    itos: list[str] = []
    for tok in specials:
        if tok == "":
            raise ValueError("special tokens must be non-empty strings")
        if tok in stoi:
            raise ValueError(f"special token {tok!r} is given twice")
        stoi[tok] = len(itos)
        itos.append(tok)
    for text in texts:
        for ch in text:
            if ch not in stoi:
                stoi[ch] = len(itos)
                itos.append(ch)
    return stoi, itos


def encode(text: str, stoi: dict[str, int], unk: str = "<unk>") -> list[int]:
    """Turn a string into token ids, one id per code point.

    Each character ``ch`` of ``text`` (in order) becomes ``stoi[ch]``; a
    character that is not a key of ``stoi`` becomes ``stoi[unk]`` (it is never
    dropped). Special tokens are not recognised inside the text: the five
    characters of ``"<unk>"`` in ``text`` are five separate characters, each
    looked up on its own.

    Args:
        text: the string to encode; may be empty.
        stoi: token -> id mapping, as returned by :func:`build_vocab`.
            Not modified.
        unk: the token that stands for unknown characters.

    Returns:
        A new list of Python ints, ``len(text)`` of them (``[]`` for ``""``).

    Raises:
        KeyError: if ``text`` holds a character missing from ``stoi`` and
            ``unk`` is not a key of ``stoi`` either.
    """
    ids = []
    for ch in text:
        if ch in stoi:
            ids.append(int(stoi[ch]))
        else:
            ids.append(int(stoi[unk]))  # KeyError when unk is missing too
    return ids


def decode(ids: list[int], itos: list[str]) -> str:
    """Turn token ids back into a string.

    The result is the concatenation ``itos[ids[0]] + itos[ids[1]] + ...``
    with no separator. A special token decodes to its own text (the id of
    ``"<unk>"`` gives the five characters ``"<unk>"``), so
    ``decode(encode(t))`` equals ``t`` only when every character of ``t`` is
    in the vocabulary.

    Args:
        ids: list (or 1-D integer array) of ids; may be empty. Not modified.
        itos: id -> token list, as returned by :func:`build_vocab`.

    Returns:
        The decoded string (``""`` for no ids).

    Raises:
        IndexError: if an id is outside ``0 <= id < len(itos)``. Negative
            ids are errors too; they must not wrap around to the end of
            ``itos`` as Python list indexing would.
    """
    parts = []
    for i in ids:
        i = int(i)
        if not 0 <= i < len(itos):
            raise IndexError(f"id {i} is outside the vocabulary (size {len(itos)})")
        parts.append(itos[i])
    return "".join(parts)


def cosine_similarity(a: np.ndarray, b: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """Cosine similarity along the last axis, with broadcasting.

    For vectors ``x`` and ``y`` (the last axis of ``a`` and ``b``)::

        cos(x, y) = (x . y) / (max(||x||, eps) * max(||y||, eps))

    where ``||.||`` is the Euclidean norm. Each norm is clamped on its own,
    as ``torch.nn.functional.cosine_similarity`` does, so a zero vector gives
    ``0.0``, never NaN, and no warning is raised.

    Args:
        a: real array of shape ``(..., d)``. Not modified.
        b: real array of shape ``(..., d)``; the leading axes of ``a`` and
            ``b`` broadcast against each other (``(n, d)`` with ``(d,)`` gives
            ``n`` similarities; ``(n, 1, d)`` with ``(m, d)`` gives ``(n, m)``).
            Not modified.
        eps: the smallest norm used in the denominator, ``> 0``.

    Returns:
        float64 similarities of shape ``np.broadcast_shapes(a.shape,
        b.shape)[:-1]``. For two 1-D vectors that shape is ``()``: a numpy
        float64 scalar (or 0-d array) is returned.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dot = np.sum(a * b, axis=-1)
    na = np.sqrt(np.sum(a * a, axis=-1))
    nb = np.sqrt(np.sum(b * b, axis=-1))
    return dot / (np.maximum(na, eps) * np.maximum(nb, eps))


def analogy(
    words: list[str],
    vectors: np.ndarray,
    a: str,
    b: str,
    c: str,
    topn: int = 1,
    exclude_inputs: bool = True,
) -> list[tuple[str, float]]:
    """Answer "a is to b as c is to ?" by vector arithmetic (3CosAdd).

    With ``v(w)`` the row of ``vectors`` for word ``w``, the target is::

        t = v(b) - v(a) + v(c)

    computed from the raw rows (no normalisation first). Every word ``w`` is
    scored by ``cos(t, v(w))`` with the convention of
    :func:`cosine_similarity` (``eps = 1e-8``, each norm clamped on its own).
    Words are ranked by score, highest first; exactly equal scores keep the
    order of ``words`` (the word listed earlier comes first). When
    ``exclude_inputs`` is true, ``a``, ``b`` and ``c`` themselves are skipped
    (the nearest vector to ``t`` is often one of them). The first ``topn``
    remaining words are returned; fewer when fewer words remain.

    Example: ``analogy(words, vectors, "man", "king", "woman")`` asks for the
    word that is to ``woman`` what ``king`` is to ``man``.

    Args:
        words: distinct strings, one per row of ``vectors``. Not modified.
        vectors: real array of shape ``(len(words), d)``. Not modified.
        a, b, c: words of ``words``.
        topn: how many answers to return, ``>= 1``.
        exclude_inputs: skip ``a``, ``b`` and ``c`` in the ranking.

    Returns:
        A list of ``(word, score)`` tuples, best first, each score a Python
        float.

    Raises:
        KeyError: if ``a``, ``b`` or ``c`` is not in ``words``.
        ValueError: if ``topn < 1``.
    """
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise KeyError(w)
    if topn < 1:
        raise ValueError(f"topn must be >= 1, got {topn}")
    vecs = np.asarray(vectors, dtype=np.float64)
    target = vecs[index[b]] - vecs[index[a]] + vecs[index[c]]
    dots = np.sum(vecs * target, axis=-1)
    norms = np.maximum(np.sqrt(np.sum(vecs * vecs, axis=-1)), 1e-8)
    scores = dots / (norms * max(math.sqrt(float(np.sum(target * target))), 1e-8))
    # note: a stable sort of -scores keeps equal scores in the order of words
    order = np.argsort(-scores, kind="stable")
    skip = {a, b, c} if exclude_inputs else set()
    out: list[tuple[str, float]] = []
    for i in order:
        if words[i] in skip:
            continue
        out.append((words[i], float(scores[i])))
        if len(out) == topn:
            break
    return out


def softmax(logits: np.ndarray, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax of ``logits / temperature`` along one axis.

    For each slice ``x`` along ``axis``, with ``m = max(x)`` over that slice
    and ``T = temperature``::

        p_i = exp((x_i - m) / T) / sum_j exp((x_j - m) / T)

    Subtracting the slice's own maximum leaves the result unchanged
    mathematically and keeps every exponent ``<= 0``, so nothing overflows:
    logits of ``1000``, ``-1000`` or ``1e300`` work. ``T < 1`` sharpens the
    distribution, ``T > 1`` flattens it; ``T = 1`` is the plain softmax.

    Args:
        logits: real array (integer or float dtype) of any shape with at
            least one axis. Entries are finite or ``-inf`` (a masked entry,
            probability 0); every slice along ``axis`` holds at least one
            finite entry. Not modified.
        temperature: a finite number ``> 0``.
        axis: the axis to normalise along; negative values count from the end.

    Returns:
        A new float64 array of the same shape as ``logits``; every slice along
        ``axis`` sums to 1 (up to rounding).

    Raises:
        ValueError: if ``temperature`` is zero, negative, NaN or infinite.
    """
    t = float(temperature)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    x = np.asarray(logits, dtype=np.float64)
    z = (x - np.max(x, axis=axis, keepdims=True)) / t
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def bigram_matrix(
    sentences: list[list[int]], vocab_size: int, alpha: float = 0.0
) -> np.ndarray:
    """Next-token probabilities of a bigram model, from sentences of ids.

    Counts: ``C[i, j]`` is the number of places where id ``j`` immediately
    follows id ``i`` *inside one sentence*. The last id of a sentence is not
    followed by the first id of the next one. With ``n_i = sum_j C[i, j]``
    and ``V = vocab_size``, the row of ``i`` is (add-alpha smoothing)::

        P[i, j] = (C[i, j] + alpha) / (n_i + alpha * V)

    A row whose denominator is 0 (``alpha == 0`` and ``i`` never followed by
    anything: unused, or only ever at the end of a sentence) is uniform,
    ``P[i, j] = 1 / V``. So every row is a probability distribution.

    Args:
        sentences: list of sentences; each is a list (or tuple, or 1-D
            integer array) of ids, possibly empty. Not modified.
        vocab_size: ``V >= 1``.
        alpha: smoothing pseudo-count, a finite number ``>= 0``.

    Returns:
        A new float64 array of shape ``(V, V)``; row ``i`` is the distribution
        of the id that follows ``i``; every row sums to 1 (up to rounding).

    Raises:
        ValueError: if ``vocab_size < 1``, if ``alpha`` is negative or not
            finite, or if any id is outside ``0 <= id < V`` (negative ids must
            not wrap around).
    """
    V = int(vocab_size)
    if V < 1:
        raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
    alpha = float(alpha)
    if not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha}")
    counts = np.zeros((V, V), dtype=np.float64)
    for sentence in sentences:
        ids = [int(i) for i in sentence]
        for i in ids:
            if not 0 <= i < V:
                raise ValueError(f"id {i} is outside 0..{V - 1}")
        for i, j in zip(ids[:-1], ids[1:], strict=True):
            counts[i, j] += 1
    rows = counts.sum(axis=1, keepdims=True) + alpha * V
    probs = np.full((V, V), 1.0 / V)
    seen = rows[:, 0] > 0
    probs[seen] = (counts[seen] + alpha) / rows[seen]
    return probs


def sample_chain(
    P: np.ndarray, start: int, length: int, rng: np.random.Generator
) -> list[int]:
    """Generate ids from a bigram (Markov) chain by inverse-CDF sampling.

    The sequence starts with ``start`` and has exactly ``length`` ids,
    ``start`` included (``length - 1`` ids are drawn). Each new id depends
    only on the current one, ``cur``:

    1. ``u = rng.random()`` — one float in ``[0, 1)``.
    2. ``cdf = np.cumsum(P[cur])``; the new id is the smallest ``j`` with
       ``cdf[j] > u`` (strictly greater: an id of probability 0 can never be
       drawn, not even when ``u == 0.0``).
    3. If no ``j`` qualifies (``u >= cdf[-1]``, which only rounding can cause
       when the row sums to slightly less than 1), the new id is the largest
       ``j`` with ``P[cur, j] > 0``.

    Randomness: exactly ``length - 1`` calls of ``rng.random()``, one per
    drawn id, in order (one ``rng.random(length - 1)`` call gives the same
    numbers and is fine too); no other use of ``rng`` and never ``np.random``'s
    global functions. ``length == 1`` returns ``[start]`` without touching
    ``rng``.

    Args:
        P: float array of shape ``(V, V)``; row ``i`` is the distribution of
            the id that follows ``i`` (non-negative, sums to 1 up to rounding;
            this is not checked). Not modified.
        start: the first id, ``0 <= start < V``.
        length: the number of ids to return, ``>= 1``.
        rng: the generator that supplies the uniform numbers.

    Returns:
        A list of ``length`` Python ints.

    Raises:
        ValueError: if ``P`` is not a square 2-D array, if ``start`` is outside
            ``0 <= start < V``, or if ``length < 1``.
    """
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] != P.shape[1]:
        raise ValueError(f"P must be a square matrix, got shape {P.shape}")
    V = P.shape[0]
    if not 0 <= start < V:
        raise ValueError(f"start {start} is outside 0..{V - 1}")
    if length < 1:
        raise ValueError(f"length must be >= 1, got {length}")
    cdfs = np.cumsum(P, axis=1)
    out = [int(start)]
    cur = int(start)
    for _ in range(length - 1):
        u = rng.random()
        j = int(np.searchsorted(cdfs[cur], u, side="right"))
        if j >= V:
            j = int(np.flatnonzero(P[cur] > 0)[-1])
        out.append(j)
        cur = j
    return out
