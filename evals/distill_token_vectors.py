"""Distil the sentence model into one vector per token, for ``guardrails/token_vectors.py``.

The file is ``guardrails/data/minilm/token_vectors.npz``.

Each token of the tokenizer's vocabulary is run through the local all-MiniLM-L6-v2 (int8 ONNX,
the crisis screen's model) on its own, as ``[CLS] token [SEP]``, and the model's output at the
token is kept. The vectors are centred, projected on their first ``DIMENSION`` main directions
(found on the ordinary tokens, after the special and ``[unused]`` ones, as model2vec does),
weighted by how rare the token is (the vocabulary is roughly in order of frequency, so the
weight grows with the log of the rank, as Zipf's law suggests) and stored as 8-bit integers with
one scale per token. See ``guardrails/token_vectors.py`` for how they are used.

    python -m evals.distill_token_vectors          # write the file (about half a minute)
    python -m evals.distill_token_vectors --check  # exit 1 if the file is not what this makes
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from guardrails import sentence_model, token_vectors

OUT_PATH = Path(__file__).resolve().parent.parent / "guardrails" / "data" / token_vectors.FILE
# The first ordinary token of the BERT vocabulary: before it come [PAD], [unused*], [CLS],
# [SEP], [MASK] and the single characters.
FIRST_WORD = 999
BATCH = 512
# Recomputing on another machine may round a few codes the other way.
CHECK_TOLERANCE = 1

Array = npt.NDArray[np.float32]


def token_outputs(ids: Sequence[int] | None = None) -> Array:
    """The model's output vector for each token id (all of the vocabulary by default), each
    read on its own between [CLS] and [SEP]."""
    tokenizer, session = sentence_model._ENCODER._load()
    chosen = np.arange(tokenizer.get_vocab_size()) if ids is None else np.asarray(ids)
    out = np.zeros((len(chosen), sentence_model.DIMENSION), dtype=np.float32)
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        rows = np.stack(
            [
                np.full(len(batch), sentence_model._CLS),
                batch,
                np.full(len(batch), sentence_model._SEP),
            ],
            axis=1,
        ).astype(np.int64)
        hidden = session.run(
            None,
            {
                "input_ids": rows,
                "attention_mask": np.ones_like(rows),
                "token_type_ids": np.zeros_like(rows),
            },
        )[0]
        out[start : start + len(batch)] = hidden[:, 1, :]
    return out


def rank_weights(tokens: int) -> Array:
    """Rarer tokens count for more: the log of the rank among ordinary tokens, scaled to 1."""
    ranks = np.maximum(np.arange(tokens) - FIRST_WORD + 1, 1)
    weights = np.log1p(ranks).astype(np.float32)
    out: Array = weights / weights.max()
    return out


def directions(outputs: Array) -> tuple[Array, Array]:
    """The mean of the token outputs and their first ``DIMENSION`` main directions, each signed
    so that its largest entry is positive (the same on every machine)."""
    mean = outputs.mean(axis=0)
    _, _, vt = np.linalg.svd((outputs - mean)[FIRST_WORD:].astype(np.float64), full_matrices=False)
    components = vt[: token_vectors.DIMENSION]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    return mean.astype(np.float32), (components * signs[:, None]).astype(np.float32)


def quantise(projected: Array) -> tuple[npt.NDArray[np.int8], Array]:
    scales = np.abs(projected).max(axis=1) / 127.0
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    codes = np.round(projected / scales[:, None]).astype(np.int8)
    return codes, scales


def project(outputs: Array, mean: Array, components: Array, weights: Array) -> Array:
    projected = ((outputs - mean) @ components.T) * weights[:, None]
    out: Array = projected.astype(np.float32)
    return out


def build() -> dict[str, npt.NDArray[np.generic]]:
    outputs = token_outputs()
    mean, components = directions(outputs)
    weights = rank_weights(len(outputs))
    codes, scales = quantise(project(outputs, mean, components, weights))
    return {
        "codes": codes,
        "scales": scales,
        "mean": mean,
        "components": components,
        "weights": weights,
    }


def _same(
    fresh: dict[str, npt.NDArray[np.generic]], kept: dict[str, npt.NDArray[np.generic]]
) -> bool:
    if set(fresh) != set(kept):
        return False
    for name in ("scales", "mean", "components", "weights"):
        if not np.allclose(np.asarray(fresh[name]), np.asarray(kept[name]), atol=1e-4):
            return False
    difference = np.abs(fresh["codes"].astype(np.int16) - kept["codes"].astype(np.int16))
    return int(difference.max()) <= CHECK_TOLERANCE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    fresh = build()
    if args.check:
        with np.load(OUT_PATH) as stored:
            kept = {name: stored[name] for name in stored.files}
        if _same(fresh, kept):
            print(f"{OUT_PATH} is up to date")
            return 0
        print(f"{OUT_PATH} is stale: run python -m evals.distill_token_vectors", file=sys.stderr)
        return 1
    buffer = io.BytesIO()
    np.savez(buffer, **fresh)  # type: ignore[arg-type]  # uncompressed: loads in a third of the time
    OUT_PATH.write_bytes(buffer.getvalue())
    print(f"wrote {OUT_PATH} ({len(buffer.getvalue()) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
