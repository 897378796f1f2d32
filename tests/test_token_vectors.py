"""The token vectors distilled from the sentence model (guardrails/token_vectors.py).

The whole table is rebuilt by ``python -m evals.distill_token_vectors --check`` (half a minute);
here a sample of tokens is recomputed from the model and compared with what is stored.
"""

from __future__ import annotations

import numpy as np
import pytest

from evals import distill_token_vectors as distil
from guardrails import sentence_model, token_vectors


def _ids(text: str) -> list[int]:
    ids: list[int] = sentence_model._ENCODER.pieces(text)[0][0]
    return ids


def test_the_table_covers_the_tokenizer() -> None:
    table = token_vectors.load()
    tokenizer, _ = sentence_model._ENCODER._load()
    assert table.codes.shape == (tokenizer.get_vocab_size(), token_vectors.DIMENSION)
    assert table.mean.shape == (sentence_model.DIMENSION,)


def test_stored_vectors_are_the_models_token_outputs_projected() -> None:
    table = token_vectors.load()
    ids = np.random.default_rng(7).choice(np.arange(distil.FIRST_WORD, len(table.codes)), 40)
    outputs = distil.token_outputs(ids.tolist())
    expected = distil.project(outputs, table.mean, table.components, table.weights[ids])
    stored = table.vectors(ids.tolist())
    # Within one quantisation step of each token.
    step = table.scales[ids][:, None] * (distil.CHECK_TOLERANCE + 0.01)
    assert np.all(np.abs(stored - expected) <= step)


def test_the_directions_are_orthonormal() -> None:
    components = token_vectors.load().components
    np.testing.assert_allclose(components @ components.T, np.eye(len(components)), atol=1e-4)


def test_quick_vectors_are_the_mean_and_the_maximum_each_unit_length() -> None:
    ids = _ids("We argued about the dishes again.")
    vector = token_vectors.quick_vector(ids)
    assert vector.shape == (token_vectors.QUICK_DIMENSION,)
    mean, peak = vector[: token_vectors.DIMENSION], vector[token_vectors.DIMENSION :]
    rows = token_vectors.load().vectors(ids)
    np.testing.assert_allclose(
        mean, rows.mean(axis=0) / np.linalg.norm(rows.mean(axis=0)), atol=1e-6
    )
    np.testing.assert_allclose(peak, rows.max(axis=0) / np.linalg.norm(rows.max(axis=0)), atol=1e-6)
    assert not token_vectors.quick_vector([]).any()
    assert token_vectors.quick_vector([]).shape == (token_vectors.QUICK_DIMENSION,)


def test_quick_vectors_keep_some_meaning() -> None:
    """Words of the same kind lie closer than unrelated ones, as in the model they came from."""

    def quick(text: str) -> np.ndarray:
        return token_vectors.quick_vector(_ids(text))

    pills = quick("she took too many pills")
    assert float(pills @ quick("an overdose of tablets")) > float(
        pills @ quick("the garden fence needs paint")
    )


def test_a_broken_table_is_refused() -> None:
    table = token_vectors.load()
    arrays: dict[str, np.ndarray] = {
        "codes": table.codes[:, :10],
        "scales": table.scales,
        "mean": table.mean,
        "components": table.components,
        "weights": table.weights,
    }
    with pytest.raises(ValueError, match="shape"):
        token_vectors.Table(arrays)


def _labelled_texts() -> list[str]:
    """Every labelled text but the blind sets' (a failure prints the text)."""
    import json

    from evals.guardrail_sets import APOLOGY_BLIND_FILES, CASES_DIR, CRISIS_BLIND_FILES

    blind = {*CRISIS_BLIND_FILES, *APOLOGY_BLIND_FILES}
    return [
        json.loads(line)["text"]
        for path in sorted(CASES_DIR.glob("*.jsonl"))
        if path.name not in blind
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_the_quick_split_gives_the_tokenizers_ids_and_offsets() -> None:
    """``_Encoder._encode`` splits plain ASCII text itself and remembers each word's pieces;
    on every labelled text, on random strings of letters and punctuation, and on text it hands
    to the tokenizer (accents, emoji, control characters), it gives exactly the tokenizer's
    ids and offsets."""
    import random

    tokenizer, _ = sentence_model._ENCODER._load()
    rng = random.Random(11)
    alphabet = "abcXYZ019 .,!?'\"-_()[]{}<>@#$%^&*+=/\\|~`;:\t\n\r"
    texts = [
        *_labelled_texts(),
        *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(500)),
        "x" * 150 + " supercalifragilisticexpialidocious" * 3,
        "Café déjà vu 😢 and a\x00null, a\x07bell",
        "",
        "   ",
    ]
    encoder = sentence_model._Encoder()
    for text in texts:
        expected = tokenizer.encode(text, add_special_tokens=False)
        ids, offsets = encoder._encode(text)
        assert (ids, offsets) == (expected.ids, list(expected.offsets)), text[:80]


def test_the_one_piece_way_gives_the_pieces_of_the_long_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``_Encoder.pieces`` skips working out every token's offsets for plain ASCII text of one
    piece; on every labelled text, on random strings with runs of space at either end, and on
    texts of more than one piece or with characters the quick split leaves to the tokenizer,
    it gives what it gives with that shortcut turned off."""
    import random

    rng = random.Random(13)
    alphabet = "abcXYZ019 .,!?'\"-_()[]{}<>@#$%^&*+=/\\|~`;:\t\n\r"
    texts = [
        *_labelled_texts(),
        *(
            " " * rng.randint(0, 3)
            + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
            + rng.choice(["", " ", "\n\t "])
            for _ in range(500)
        ),
        "word " * 199 + "end.",
        "word " * 400,
        "Café déjà vu 😢 and a\x00null",
        "",
        " \n ",
    ]
    quick = sentence_model._Encoder()
    long_way = sentence_model._Encoder()
    monkeypatch.setattr(long_way, "_one_piece", lambda text: None)
    for text in texts:
        assert quick.pieces(text) == long_way.pieces(text), text[:80]


def test_the_unpacked_table_holds_the_stored_vectors() -> None:
    """The vectors are unpacked once at load; a look-up gives the int8 codes times their
    token's scale, exactly."""
    table = token_vectors.load()
    ids = [0, 101, 2000, 7592, 30521, 2000]
    expected = table.codes[ids].astype(np.float32) * table.scales[ids, None]
    assert np.array_equal(table.vectors(ids), expected)
