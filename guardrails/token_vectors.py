"""A quick first read for the sentence model: one vector per token, distilled from the model.

Running all-MiniLM-L6-v2 on 500 characters costs about 30 ms; most texts a person types are
ordinary and need not wait for it. Following model2vec (Tulkens and van Dongen, 2024), each of
the tokenizer's 30,522 tokens was passed through the same local model once, on its own, and its
output vector kept; those vectors were centred, projected on their main directions, weighted so
that rarer tokens count for more, and stored as 8-bit integers with a scale per token
(``data/minilm/token_vectors.npz``, written by ``python -m evals.distill_token_vectors``). A
text's quick vector is the mean of its tokens' vectors and, beside it, their largest value in
each direction (the mean says what a text is mostly about, the maximum whether one strong word
is in it; across authors, beside the model's embedding, the pair caught 0.767 of urgent texts
where the mean alone caught 0.760, and 0.668 of faulty apologies where it caught 0.645, at the
same false-alarm rates): a few microseconds, no model run.

The quick vector reads words, not their order, so it is not trusted to decide anything alone.
The crisis heads (``sentence_model``) and the apology heads (``apology_model``) use it twice:
as a gate, set by cross-validation so low that no held-out urgent text (or faulty apology) the
full reading caught fell under it, below which the full reading is skipped; and beside the full
reading's embedding, where the two together catch more than either.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

__all__ = ["DIMENSION", "FILE", "QUICK_DIMENSION", "Table", "load", "quick_vector"]

FILE = "minilm/token_vectors.npz"
DIMENSION = 256
# A quick vector: the mean of a text's token vectors, then their maximum in each direction.
QUICK_DIMENSION = 2 * DIMENSION

Vector = npt.NDArray[np.float32]


class Table:
    """The stored token vectors (int8, one scale per token) and how they were made (the mean
    and the main directions of the model's token outputs, and each token's weight)."""

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        self.codes = np.asarray(arrays["codes"], dtype=np.int8)
        self.scales = np.asarray(arrays["scales"], dtype=np.float32)
        self.mean = np.asarray(arrays["mean"], dtype=np.float32)
        self.components = np.asarray(arrays["components"], dtype=np.float32)
        self.weights = np.asarray(arrays["weights"], dtype=np.float32)
        tokens, dimension = self.codes.shape
        if dimension != DIMENSION or self.scales.shape != (tokens,):
            raise ValueError("token vectors have the wrong shape")
        if self.components.shape != (DIMENSION, self.mean.shape[0]):
            raise ValueError("token vector directions have the wrong shape")
        if self.weights.shape != (tokens,):
            raise ValueError("token weights have the wrong shape")
        # Every token's vector, unpacked once (31 MB): a text's look-up then copies its rows
        # instead of unpacking them on every call (the same float32 values either way).
        self._unpacked: Vector = self.codes.astype(np.float32) * self.scales[:, None]

    def vectors(self, ids: Sequence[int]) -> Vector:
        """The stored vectors of ``ids`` (one row each)."""
        out: Vector = self._unpacked[np.asarray(ids, dtype=np.int64)]
        return out

    def quick_vector(self, ids: Sequence[int]) -> Vector:
        """The mean of the tokens' vectors and their largest value in each direction, each
        unit length, side by side (zeros for no tokens)."""
        if not ids:
            return np.zeros(QUICK_DIMENSION, dtype=np.float32)
        vectors = self.vectors(ids)
        return np.concatenate([_unit(vectors.mean(axis=0)), _unit(vectors.max(axis=0))])


def _unit(vector: Vector) -> Vector:
    # ``np.linalg.norm`` of a vector is the square root of its dot product with itself.
    out: Vector = vector / np.float32(max(float(np.sqrt(vector.dot(vector))), 1e-12))
    return out


@cache
def load() -> Table:
    """The shipped table, read once per process, like the heads. Raises if missing or
    malformed: the crisis screen then fails closed."""
    source = resources.files("guardrails") / "data" / FILE
    with resources.as_file(source) as path, np.load(path) as arrays:
        return Table({name: arrays[name] for name in arrays.files})


def quick_vector(ids: Sequence[int]) -> Vector:
    """The quick vector of a piece's token ids (without [CLS]/[SEP])."""
    return load().quick_vector(ids)
