"""Chapter 2 — probability and language: bigram models, perplexity, sampling.

Reference solutions. A character bigram model is built from counts, smoothed
with add-alpha, scored with log-probabilities and perplexity, and used to
generate text with temperature, top-k and top-p (nucleus) sampling.

Conventions shared by every exercise:

- One boundary character (``"."`` by default) marks both the start and the
  end of a sentence: a sentence ``s`` is read as ``boundary + s + boundary``.
- Probabilities are float64; logarithms are natural logarithms.
- Randomness comes only from an explicit ``rng: np.random.Generator``;
  ``np.random``'s global state is never touched.
"""

from __future__ import annotations

import math

import numpy as np

CORPUS = [
    "我喜欢喝茶",
    "我喜欢看书",
    "我喜欢看电影",
    "他喜欢喝咖啡",
    "她喜欢看书",
    "我今天喝茶",
    "他明天看电影",
    "我们喜欢喝茶",
]


def bigram_counts(
    sentences: list[str], boundary: str = "."
) -> tuple[list[str], np.ndarray]:
    """Count character bigrams, with one boundary token for start and end.

    Each sentence ``s`` is read as the character sequence
    ``boundary + s + boundary``, so it contributes exactly ``len(s) + 1``
    transitions: ``boundary -> s[0]``, ``s[i] -> s[i + 1]`` for every
    ``i``, and ``s[-1] -> boundary``. An empty sentence ``""`` contributes
    the single transition ``boundary -> boundary``. Sentences are split into
    single characters (Python ``str`` items), never into words.

    Args:
        sentences: list of ``str`` (possibly empty). Not modified.
        boundary: a one-character string that marks both the start and the
            end of every sentence.

    Returns:
        ``(vocab, counts)``:

        - ``vocab``: list of ``str``. ``vocab[0]`` is ``boundary``; it is
          followed by every distinct character that occurs in ``sentences``,
          each once, in ascending order of Python's default string
          comparison (``sorted``). The boundary is always first, whatever
          its code point. With no sentences, ``vocab == [boundary]``.
        - ``counts``: ``int64`` array of shape ``(V, V)`` with
          ``V = len(vocab)``; ``counts[i, j]`` is the number of times
          ``vocab[j]`` directly follows ``vocab[i]`` (row = previous token,
          column = next token).

    Raises:
        ValueError: if any sentence contains the boundary character.
    """
    for s in sentences:
        if boundary in s:
            raise ValueError(f"sentence {s!r} contains the boundary {boundary!r}")
    chars = sorted({c for s in sentences for c in s})
    vocab = [boundary] + chars
    index = {c: i for i, c in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)), dtype=np.int64)
    for s in sentences:
        seq = [boundary, *s, boundary]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            counts[index[a], index[b]] += 1
    return vocab, counts


def bigram_probs(counts: np.ndarray, alpha: float = 0.0) -> np.ndarray:
    """Add-alpha (Lidstone) estimate of next-token probabilities, row by row.

    With ``V = counts.shape[1]`` and ``N_i = counts[i].sum()``::

        P[i, j] = (counts[i, j] + alpha) / (N_i + alpha * V)

    ``alpha = 0`` gives the maximum-likelihood estimate ``counts / N_i``;
    ``alpha = 1`` is Laplace smoothing. Every cell gets ``alpha``, including
    cells whose count is zero. A row whose denominator ``N_i + alpha * V``
    is 0 (a token never seen as "previous" while ``alpha = 0``) becomes the
    uniform row ``1 / V``, never NaN.

    Args:
        counts: array of shape ``(V, V)`` of non-negative counts, integer or
            float dtype (for example the output of ``bigram_counts``). Not
            modified.
        alpha: the pseudo-count added to every cell, ``alpha >= 0``.

    Returns:
        A new ``float64`` array of shape ``(V, V)`` whose rows each sum to 1
        (up to rounding).

    Raises:
        ValueError: if ``alpha < 0``.
    """
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    c = np.asarray(counts, dtype=np.float64) + alpha
    v = c.shape[1]
    totals = c.sum(axis=1, keepdims=True)
    out = np.full(c.shape, 1.0 / v)
    seen = totals[:, 0] > 0
    out[seen] = c[seen] / totals[seen]
    return out


def sentence_logprob(
    sentence: str, vocab: list[str], probs: np.ndarray, boundary: str = "."
) -> float:
    """Natural-log probability of one sentence under a bigram model.

    The sentence is read as ``boundary + sentence + boundary``, exactly as in
    ``bigram_counts``, and the result is the sum over its
    ``len(sentence) + 1`` transitions ``a -> b`` of
    ``ln probs[vocab.index(a), vocab.index(b)]``. Both the start transition
    (``boundary -> first character``) and the end transition
    (``last character -> boundary``) count. For ``""`` the result is
    ``ln probs[k, k]`` with ``k = vocab.index(boundary)``.

    A transition of probability 0 is not skipped: the whole sentence is
    impossible and the result is ``float("-inf")``. The same holds for a
    character that is not in ``vocab`` (the model cannot produce it). The
    result is never NaN.

    Args:
        sentence: the sentence, a ``str``.
        vocab: list of ``str``; ``vocab[k]`` names row and column ``k`` of
            ``probs``. It contains ``boundary``. Not modified.
        probs: ``float64`` array of shape ``(V, V)``, ``V = len(vocab)``;
            ``probs[i, j]`` is the probability that ``vocab[j]`` follows
            ``vocab[i]``. Entries are in ``[0, 1]``. Not modified.
        boundary: the boundary character.

    Returns:
        A Python ``float``: a finite number ``<= 0`` or ``-inf``.

    Raises:
        ValueError: if ``sentence`` contains ``boundary``.
    """
    if boundary in sentence:
        raise ValueError(f"sentence {sentence!r} contains the boundary {boundary!r}")
    index = {c: i for i, c in enumerate(vocab)}
    seq = [boundary, *sentence, boundary]
    total = 0.0
    for a, b in zip(seq[:-1], seq[1:], strict=True):
        if a not in index or b not in index:
            return float("-inf")
        p = float(probs[index[a], index[b]])
        if p <= 0.0:
            return float("-inf")
        total += math.log(p)
    return total


def perplexity(
    sentences: list[str], vocab: list[str], probs: np.ndarray, boundary: str = "."
) -> float:
    """Per-transition perplexity of a bigram model on a list of sentences.

    With ``L`` the sum of the sentences' natural-log probabilities (as
    defined by ``sentence_logprob``: start and end transitions included)
    and ``N = sum(len(s) + 1 for s in sentences)`` the number of
    transitions::

        perplexity = exp(-L / N)

    It is the exponential of the average negative log-likelihood per
    transition, not per sentence and not per character; the base of the
    logarithm does not matter as long as exponentiation uses the same base.
    If any sentence has probability 0 (log-probability ``-inf``), the result
    is ``float("inf")``; no transition is ever skipped.

    Args:
        sentences: non-empty list of ``str``. Not modified.
        vocab: as in ``sentence_logprob``.
        probs: as in ``sentence_logprob``. Not modified.
        boundary: the boundary character.

    Returns:
        A Python ``float`` (``inf`` when some sentence is impossible).

    Raises:
        ValueError: if ``sentences`` is empty, or if a sentence contains
            ``boundary``.
    """
    if len(sentences) == 0:
        raise ValueError("perplexity needs at least one sentence")
    for s in sentences:
        if boundary in s:
            raise ValueError(f"sentence {s!r} contains the boundary {boundary!r}")
    index = {c: i for i, c in enumerate(vocab)}
    total, n = 0.0, 0
    for s in sentences:
        seq = [boundary, *s, boundary]
        n += len(seq) - 1
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            if a not in index or b not in index:
                return float("inf")
            p = float(probs[index[a], index[b]])
            if p <= 0.0:
                return float("inf")
            total += math.log(p)
    return math.exp(-total / n)


def top_k_filter(probs: np.ndarray, k: int) -> np.ndarray:
    """Keep the ``k`` most probable tokens and renormalize.

    Ranking: tokens are ordered by decreasing probability, and tokens of
    equal probability by increasing index (a stable sort of ``-probs``,
    e.g. ``np.argsort(-probs, kind="stable")``). The first ``min(k, V)``
    tokens of this ranking are kept: exactly ``min(k, V)`` tokens, even when
    there are ties at the cut.

    Args:
        probs: 1-D float array of shape ``(V,)``, ``V >= 1``, non-negative
            entries summing to 1. Not modified.
        k: number of tokens to keep, an ``int >= 1``; ``k >= V`` keeps all.

    Returns:
        A new ``float64`` array of shape ``(V,)`` in the original token
        order: ``out[j] = probs[j] / S`` for kept tokens ``j``, where ``S``
        is the sum of the kept probabilities, and ``out[j] = 0`` for the
        others.

    Raises:
        ValueError: if ``k < 1``.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    p = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-p, kind="stable")
    out = np.zeros_like(p)
    keep = order[: min(int(k), p.size)]
    out[keep] = p[keep]
    return out / out.sum()


def top_p_filter(probs: np.ndarray, p: float) -> np.ndarray:
    """Nucleus (top-p) filter: keep the smallest top set of mass >= p.

    Rank the tokens exactly as ``top_k_filter`` does (decreasing
    probability, ties by increasing index). Let ``c = np.cumsum`` of the
    probabilities in that ranked order. Keep the first ``m`` ranked tokens,
    where ``m`` is the smallest count with ``c[m - 1] >= p - 1e-12``; if no
    count qualifies (rounding), keep all ``V``. So the token whose
    probability carries the running total across ``p`` is kept, and at
    least one token is always kept. Example: ``[0.5, 0.35, 0.1, 0.05]`` with
    ``p = 0.9`` keeps the first three tokens (0.85 < 0.9 <= 0.95).

    Args:
        probs: 1-D float array of shape ``(V,)``, ``V >= 1``, non-negative
            entries summing to 1. Not modified.
        p: the probability mass to cover, ``0 < p <= 1``; ``p = 1`` keeps
            every token of non-zero probability, up to the ``1e-12``
            tolerance above (a tail below it may be dropped).

    Returns:
        A new ``float64`` array of shape ``(V,)`` in the original token
        order, renormalized like ``top_k_filter``: kept tokens divided by
        their total, 0 elsewhere.

    Raises:
        ValueError: if ``p <= 0`` or ``p > 1``.
    """
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    q = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-q, kind="stable")
    c = np.cumsum(q[order])
    reached = np.flatnonzero(c >= p - 1e-12)
    m = int(reached[0]) + 1 if reached.size else q.size
    out = np.zeros_like(q)
    keep = order[:m]
    out[keep] = q[keep]
    return out / out.sum()


def sample_next_token(
    logits: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """Draw the next token id from logits, with temperature, top-k and top-p.

    Arguments are validated first, before ``rng`` is touched. Then:

    - ``temperature == 0`` (greedy decoding): return the index of the
      largest logit, the lowest such index on ties (``np.argmax``). ``rng``
      is not used at all; its state is unchanged. ``top_k`` and ``top_p``
      cannot change this answer.
    - ``temperature > 0``, in this order:

      1. ``z = logits / temperature`` (float64).
      2. ``q = softmax(z)``, computed stably as ``exp(z - max(z))``
         divided by its sum, so that large logits (``1e4``) or small
         temperatures (``1e-3``) give no overflow and no NaN.
      3. If ``top_k`` is not ``None``: ``q = top_k_filter(q, top_k)``.
      4. If ``top_p`` is not ``None``: ``q = top_p_filter(q, top_p)``,
         applied to the distribution left by step 3.
      5. Exactly one uniform number ``u = rng.random()`` is drawn; no other
         call on ``rng`` is made.
      6. With ``c = np.cumsum(q)`` in token-index order (not in ranked
         order), return the smallest ``i`` with ``c[i] > u``. If there is
         none (rounding left ``c[-1] <= u``), return the largest ``i`` with
         ``q[i] > 0``. Tokens of probability 0 are never returned. (Steps 5
         and 6 are what ``rng.choice(V, p=q)`` does.)

    The filtering rules of steps 3 and 4 are those of ``top_k_filter`` and
    ``top_p_filter`` (same ranking, same tie-breaking, same renormalization).

    Args:
        logits: 1-D float array of shape ``(V,)``, ``V >= 1``. Entries are
            finite or ``-inf`` (a forbidden token), with at least one finite
            entry. Not modified.
        rng: the only source of randomness.
        temperature: ``>= 0``.
        top_k: ``None`` (no top-k) or an ``int >= 1``.
        top_p: ``None`` (no top-p) or a float with ``0 < top_p <= 1``.

    Returns:
        The sampled token id, a Python ``int`` in ``[0, V)``.

    Raises:
        ValueError: if ``temperature < 0``, ``top_k < 1``, or ``top_p`` is not
            in ``(0, 1]``.
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))

    def keep_first(q: np.ndarray, n_keep: int, order: np.ndarray) -> np.ndarray:
        out = np.zeros_like(q)
        out[order[:n_keep]] = q[order[:n_keep]]
        return out / out.sum()

    z = x / temperature
    e = np.exp(z - np.max(z))
    q = e / e.sum()
    if top_k is not None:
        q = keep_first(q, min(int(top_k), q.size), np.argsort(-q, kind="stable"))
    if top_p is not None:
        order = np.argsort(-q, kind="stable")
        reached = np.flatnonzero(np.cumsum(q[order]) >= top_p - 1e-12)
        q = keep_first(q, int(reached[0]) + 1 if reached.size else q.size, order)
    u = rng.random()
    c = np.cumsum(q)
    i = int(np.searchsorted(c, u, side="right"))
    if i >= q.size:
        i = int(np.flatnonzero(q > 0)[-1])
    return i
