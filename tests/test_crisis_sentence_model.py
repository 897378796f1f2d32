"""The crisis screen's sentence model (guardrails/sentence_model.py) and how the screen uses it.

The logic tests force the model's verdict with a stand-in, so they test the screen's rules for
hearing it (only raises, negation and figures of speech stand, fails closed) whatever the
trained heads say. How well the heads do is measured on held-out authors, not asserted here
(``python -m evals.train_crisis_sentence_model --assess``, ``python -m evals.holdout_report 4``).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from evals import linear_heads
from evals import train_crisis_sentence_model as training
from evals.guardrail_sets import CRISIS_BLIND_FILES, CRISIS_MEASURED_FILES, CRISIS_TRAINING_FILES
from guardrails import crisis, sentence_model, token_vectors
from guardrails.crisis import CrisisCategory, CrisisLevel, screen
from guardrails.sentence_model import Opinion


def _stored() -> dict[str, object]:
    path = resources.files("guardrails") / "data" / "crisis_sentence_head.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _force(
    monkeypatch: pytest.MonkeyPatch, category: str = "self_harm", sure: bool = False
) -> None:
    """The model finds every text as a whole urgent, in ``category``: just over its threshold,
    or (``sure``) over it by more than ``crisis._SURE_MARGIN``."""
    over = crisis._SURE_MARGIN + 1.0 if sure else 1.0
    score = sentence_model.head().threshold + over

    def worried(text: str, word_scores: object) -> Opinion:
        return Opinion(score, category, 0, len(text))

    monkeypatch.setattr(sentence_model, "opinion", worried)


# ------------------------------------------------------------------------------ the data file


def test_heads_load_for_the_shipped_model() -> None:
    head = sentence_model.head()
    assert head.urgent_weights.shape == (sentence_model.JOINT_DIMENSION,)
    assert head.gate_weights.shape == (token_vectors.QUICK_DIMENSION,)
    assert head.category_weights.shape == (4, sentence_model.DIMENSION)
    stored = _stored()
    trained_on = stored["trained_on"]
    assert isinstance(trained_on, list)
    assert set(CRISIS_TRAINING_FILES) <= set(trained_on)
    assert not set(CRISIS_BLIND_FILES) & set(trained_on)
    assert not set(CRISIS_MEASURED_FILES) & set(trained_on)
    cv = stored["cross_validation"]
    assert isinstance(cv, dict)
    # The threshold keeps the model's own held-out false alarms at the budget.
    assert cv["held_out_false_alarms"] <= training.FALSE_ALARM_BUDGET + 0.005
    # The gate lets through only part of the hard negatives (else it saves nothing) and sits
    # under the urgent threshold.
    assert 0 < cv["gate_passes_held_out_none"] < 1
    assert head.gate_threshold < head.threshold


@pytest.mark.refit
def test_heads_are_what_the_training_script_produces() -> None:
    """Re-fit from the committed sets (cross-validation included) and compare. Floating point
    may differ in the last digits between machines, so weights are compared with a tolerance."""
    data, _ = training.build(training.load_examples())
    stored = _stored()
    assert data["trained_on"] == stored["trained_on"]
    assert data["cross_validation"] == stored["cross_validation"]
    for part in ("gate", "urgent", "category"):
        fresh, kept = data[part], stored[part]
        assert isinstance(kept, dict)
        np.testing.assert_allclose(fresh["weights"], kept["weights"], atol=1e-4)
        np.testing.assert_allclose(fresh["bias"], kept["bias"], atol=1e-4)
    kept_urgent = stored["urgent"]
    assert isinstance(kept_urgent, dict)
    assert data["urgent"]["threshold"] == pytest.approx(kept_urgent["threshold"], abs=1e-3)
    kept_gate = stored["gate"]
    assert isinstance(kept_gate, dict)
    assert data["gate"]["threshold"] == pytest.approx(kept_gate["threshold"], abs=1e-3)


def test_a_head_for_another_model_is_refused() -> None:
    data = dict(_stored())
    data["model"] = "some-other-model"
    with pytest.raises(ValueError, match="not"):
        sentence_model.Head.from_data(data)


# ------------------------------------------------------------------------------ embeddings


def test_embeddings_are_unit_length_deterministic_and_differ_by_meaning() -> None:
    a = sentence_model.embed("I don't want to be here anymore.")
    b = sentence_model.embed("I don't want to be here anymore.")
    c = sentence_model.embed("We argued about whose turn it was to cook.")
    assert a.shape == (sentence_model.DIMENSION,)
    assert float(np.linalg.norm(a)) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_array_equal(a, b)
    assert float(a @ c) < 0.9


def test_training_embeddings_are_stored_per_text_and_only_new_texts_are_embedded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HEARDWELL_CACHE_DIR", str(tmp_path))
    embedded: list[str] = []
    real = sentence_model.embed

    def counting(text: str) -> sentence_model.Vector:
        embedded.append(text)
        return real(text)

    monkeypatch.setattr(sentence_model, "embed", counting)
    first = linear_heads.embeddings(["We argued about the bins.", "He forgot my birthday."])
    assert embedded == ["We argued about the bins.", "He forgot my birthday."]
    texts = ["He forgot my birthday.", "She left without a word.", "We argued about the bins."]
    second = linear_heads.embeddings(texts)
    assert embedded[2:] == ["She left without a word."]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    np.testing.assert_array_equal(second[1], real("She left without a word."))
    # A damaged store counts as empty: everything is embedded again, nothing fails.
    for path in tmp_path.iterdir():
        path.write_bytes(b"not a numpy file")
    again = linear_heads.embeddings(texts)
    assert embedded[3:] == texts
    np.testing.assert_array_equal(again, second)


def test_empty_text_has_no_opinion() -> None:
    assert sentence_model.opinion("", [0.0] * 4) is None
    assert sentence_model.opinion("   \n ", [0.0] * 4) is None


def test_a_long_text_is_read_in_pieces_of_whole_sentences() -> None:
    text = " ".join(f"On day {i} we argued about the dishes and the bins." for i in range(80))
    pieces = sentence_model._ENCODER.pieces(text)
    assert len(pieces) > 2
    previous_end = 0
    for ids, start, end in pieces:
        assert 0 < len(ids) <= sentence_model._PIECE_TOKENS
        assert previous_end <= start < end <= len(text)
        previous_end = end
    # Each piece but the last ends on a sentence end.
    assert all(text[end - 1] == "." for _, _, end in pieces[:-1])


def test_the_most_worrying_piece_decides_and_is_the_span(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in head that points at one sentence: the piece holding it must win."""
    danger = "I have written the letters and I know which bridge."
    filler = " ".join(f"On day {i} we argued about the dishes and the bins." for i in range(60))
    text = f"{filler} {danger} {filler}"
    target = sentence_model.embed(danger)
    real = sentence_model.head()
    stand_in = sentence_model.Head(
        gate_weights=np.zeros(token_vectors.QUICK_DIMENSION, dtype=np.float32),
        gate_bias=0.0,
        gate_threshold=-1.0,  # every piece passes
        urgent_weights=np.concatenate(
            [target, np.zeros(token_vectors.QUICK_DIMENSION, np.float32)]
        ),
        urgent_bias=0.0,
        threshold=real.threshold,
        word_weight=0.0,
        category_weights=real.category_weights,
        category_bias=real.category_bias,
        category_word_weight=0.0,
    )
    monkeypatch.setattr(sentence_model, "head", lambda: stand_in)
    view = sentence_model.opinion(text, [0.0] * 4)
    assert view is not None
    assert view.start <= text.index(danger) and text.index(danger) + len(danger) <= view.end
    assert view.end - view.start < len(text)


def _gated(gate_bias: float) -> sentence_model.Head:
    """The shipped heads with a gate that scores every piece ``gate_bias`` (threshold 0)."""
    real = sentence_model.head()
    return sentence_model.Head(
        gate_weights=np.zeros(token_vectors.QUICK_DIMENSION, dtype=np.float32),
        gate_bias=gate_bias,
        gate_threshold=0.0,
        urgent_weights=real.urgent_weights,
        urgent_bias=real.urgent_bias + 1000.0,  # urgent whenever it is read
        threshold=real.threshold,
        word_weight=0.0,
        category_weights=real.category_weights,
        category_bias=real.category_bias,
        category_word_weight=0.0,
    )


def test_a_piece_the_gate_turns_away_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    embed_ids = sentence_model._ENCODER.embed_ids

    def counted(ids: list[int]) -> sentence_model.Vector:
        calls.append(len(ids))
        return embed_ids(ids)

    monkeypatch.setattr(sentence_model._ENCODER, "embed_ids", counted)
    text = "I gave the dog to my sister and wrote the letters."
    closed, open_ = _gated(-1.0), _gated(1.0)
    monkeypatch.setattr(sentence_model, "head", lambda: closed)
    assert sentence_model.opinion(text, [0.0] * 4) is None
    assert calls == []
    monkeypatch.setattr(sentence_model, "head", lambda: open_)
    view = sentence_model.opinion(text, [0.0] * 4)
    assert view is not None and view.raises(open_.threshold)
    assert len(calls) == 1


def test_the_gate_is_the_shipped_quick_reading_of_the_text() -> None:
    """The gate scores the quick vector the token table gives for the text's tokens."""
    text = "I have been giving my things away and I know how many pills it takes."
    ids = sentence_model._ENCODER.pieces(text)[0][0]
    quick = token_vectors.quick_vector(ids)
    np.testing.assert_allclose(sentence_model.quick_embed(text), quick)
    assert float(np.linalg.norm(quick)) == pytest.approx(2**0.5, abs=1e-5)
    chosen = sentence_model.head()
    # A text the rules miss but the sentence model must read: the gate lets it through.
    assert chosen.gate_scores(quick[None, :])[0] > chosen.gate_threshold


# ------------------------------------------------------------------------------ false alarms

# The hard negatives the rule tests hold at none (written for the rules, many to trip the word
# classifier). The whole screen, sentence model included, raises some of them: 8 of 103 when
# the model was added, 9 once both learned layers were refit on 23 sets (the word classifier
# now raises "Growing up my mum used to throw parties for everyone."), 8 of 108 after
# session 3's figure-of-speech rules and their five new rows, and 10 of 108 once the heads were
# refit on 25 sets (two new authors wrote many urgent texts of control by phone and of
# indirect self-harm: "she checked my phone last night" and "I bought a rope for the washing
# line" now read as danger), and 9 of 116 in session 5 (eight new rows for the new rules'
# exclusions, none raised; the heads reading the quick vector's maximum too), and 9 of 128 in
# session 6 (twelve new rows; the refit on 28 sets raised two of them, "I've been googling
# methods for getting wax out of the carpet." and "I wrote a letter to my husband about how I
# feel", until "methods" and "letter" joined the danger words the rules read first, with their
# everyday uses as figures), against the target of at most 5%. The share is held
# rather than each text (no model of meaning gets every one right): the target as a known
# failure, and a guard against it getting worse.
HARD_NEGATIVE_TARGET = 0.05
# Session 7 added 32 fresh hard negatives and refit both layers on 37 sets: 12 of 160 are raised
# (9 of 128 before), among them two of the new twins by the sentence model (a husband's van, a
# cousin in a refuge) and "he doesn't hit me, he just goes quiet" by the word classifier.
# Session 9, after the refit on 55 sets: 14 of 260 (the lists grew with fresh twins), among them
# "he took my phone charger again", newly raised by the word classifier.
HARD_NEGATIVE_GUARD = 12 / 160


def _raised_hard_negatives() -> tuple[list[str], int]:
    from tests.test_crisis_classifier import FIGURATIVE
    from tests.test_crisis_rules import NO_DANGER
    from tests.test_crisis_tier3 import NOT_DANGER

    texts = sorted(set(NO_DANGER) | set(NOT_DANGER) | set(FIGURATIVE))
    raised = [t for t in texts if screen(t).level is not CrisisLevel.NONE]
    print(f"\nraised {len(raised)}/{len(texts)}:", *raised, sep="\n  ")
    return raised, len(texts)


def test_whole_screen_false_alarms_on_hard_negatives_do_not_grow() -> None:
    raised, total = _raised_hard_negatives()
    assert len(raised) / total <= HARD_NEGATIVE_GUARD


# Met in session 10 (13/291 raised; 14/260 in session 9). Not met since session 11: after the
# refit on 77 sets, 16/314 are raised (5.1%), among them two fresh twins written for a narrowed
# rule ("He is going to sort out the boiler guy tonight...", "He said he'll sort out the manager
# tonight..."), which the rules no longer raise and the sentence model does (1.37 and 3.54 over
# its threshold 1.19); the refit itself raised "he wouldnt let me see the contract for the house"
# and the fresh twin "She cupped my face in her hands..." (14/311 before the two were added).
# Session 12's refit on 83 sets: 17/317 (5.4%; three fresh meme twins added, none raised); it
# raises "I don't see myself being around here in ten years, I want to move to Spain" and the
# window-seat joke, and no longer "My cousin is in a refuge now with her boys...".
# Session 13: 19/319 (6.0%). Two fresh insult twins were added (neither raised); the very sure
# model heard past an exclusion (``crisis._SURE_MARGIN``) raises "Our son fell off the bed last
# night but he's fine" and "He caught my arm when I slipped on the ice...".
# Session 14: the rules' new idioms and the refit on 91 sets: 17/319 (5.3%).
# Session 15's refit on 95 sets: the same 17/319. Session 16's rules and refit on 99 sets: the same.
# Held as a known failure again: strict, so meeting it shows up.
@pytest.mark.xfail(
    strict=True, reason="17/319 (5.3%) raised since session 14's refit on 91 sets (and on 95, 99)"
)
def test_whole_screen_false_alarms_on_hard_negatives_meet_the_target() -> None:
    raised, total = _raised_hard_negatives()
    assert len(raised) / total <= HARD_NEGATIVE_TARGET


# ------------------------------------------------------------------------------ how it is heard


def test_it_speaks_when_the_rules_found_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    _force(monkeypatch, "abuse")
    text = "He chooses who I can still text."
    assert crisis._screen(text, "en-US", read_meaning=False).level is CrisisLevel.NONE
    result = screen(text)
    assert result.level is CrisisLevel.URGENT
    assert result.categories == [CrisisCategory.ABUSE]
    assert result.spans[0].text == text
    assert result.route is not None
    names = [line.name.lower() for line in result.route.lines]
    assert any("domestic violence" in name for name in names)
    assert not any("couples" in name for name in names)  # abuse: never couples therapy


def test_it_is_not_heard_on_a_piece_of_one_or_two_words(monkeypatch: pytest.MonkeyPatch) -> None:
    _force(monkeypatch, "self_harm")
    assert screen("Better week.").level is CrisisLevel.NONE
    assert screen("Fine").level is CrisisLevel.NONE
    assert screen("Better week again.").level is CrisisLevel.URGENT


def test_a_short_check_in_note_is_not_raised() -> None:
    # "Better week." was raised by the sentence model refit on 69 sets (score 1.33 over 1.07).
    assert screen("Better week.").level is CrisisLevel.NONE


def test_it_never_changes_what_the_rules_found(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "My ex used to hit me, years ago. I'm safe now.",  # caution told as over stays caution
        "My husband hit me once when we were first married. It was a long time ago.",
        "He locks me in the bedroom when he goes out.",
        "I cut myself again last night after our fight.",
    ]
    before = [crisis._screen(t, "en-US", read_meaning=False) for t in texts]
    _force(monkeypatch, "threat_to_others")
    for text, rules in zip(texts, before, strict=True):
        assert rules.level is not CrisisLevel.NONE
        assert screen(text) == rules


def test_a_caution_the_rules_cannot_place_in_time_is_raised_when_it_reads_danger_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rules' caution with no word saying it is over ("he checks my phone every night"):
    the model decides, and the rules' categories (not the model's) become urgent."""
    text = "He checks my phone every night before bed."
    rules = crisis._screen(text, "en-US", read_meaning=False)
    assert (rules.level, rules.categories) == (CrisisLevel.CAUTION, [CrisisCategory.ABUSE])
    _force(monkeypatch, "self_harm")
    result = screen(text)
    assert (result.level, result.categories) == (CrisisLevel.URGENT, [CrisisCategory.ABUSE])
    assert result.spans == rules.spans  # the rules' span, once
    assert result.route is not None
    assert not any("couples" in line.name.lower() for line in result.route.lines)


def test_a_caution_stays_when_the_model_does_not_read_danger_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def calm(text: str, word_scores: object) -> Opinion:
        return Opinion(-1000.0, "self_harm", 0, len(text))

    monkeypatch.setattr(sentence_model, "opinion", calm)
    text = "He checks my phone every night before bed."
    assert screen(text) == crisis._screen(text, "en-US", read_meaning=False)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # A past marker in the caution's sentence or the one after it: the rules' caution stands.
        (
            "He checks my phone every night before bed. That was years ago, in my first marriage.",
            "caution",
        ),
        ("In 2015 he checked my phone every night before bed.", "caution"),
        # Further away, it tells of something else: the model decides.
        (
            "We married in 2010. The early years were good. He checks my phone every night.",
            "urgent",
        ),
    ],
)
def test_only_a_past_marker_near_the_caution_says_it_is_over(
    text: str, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert crisis._screen(text, "en-US", read_meaning=False).level is CrisisLevel.CAUTION
    _force(monkeypatch, "self_harm")
    assert screen(text).level is CrisisLevel(level)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Written for this test, in no labelled set: a caution phrase, and danger now around it.
        ("He's been told where she works now. He says she's gonna regret it.", "urgent"),
        ("I can't do this anymore. I've told my sister where the spare key is.", "urgent"),
        # The same phrase in an ordinary complaint: the model does not raise it.
        ("I can't do this anymore, the washing up is endless and he never helps.", "caution"),
    ],
)
def test_the_shipped_model_decides_a_caution_without_time(text: str, level: str) -> None:
    assert crisis._screen(text, "en-US", read_meaning=False).level is CrisisLevel.CAUTION
    assert screen(text).level is CrisisLevel(level)


@pytest.mark.parametrize(
    "text",
    [
        "I have no plans to hurt myself",
        "I don't want to die.",
        "He has never once hit me, he just goes quiet for days.",
        "this argument is killing me",
        "I could kill you for spoiling the finale",
        "I nearly died of embarrassment when he told that story.",
        "In the film the husband hits his wife, and I had to stop watching.",
    ],
)
def test_negation_and_figures_of_speech_stand(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the rules read the danger words and set every one aside, the model is not heard.
    (The word classifier reads on its own: its known false alarms, among them the third text
    since the refit on 99 sets, are held in test_crisis_rules.)"""
    _force(monkeypatch)
    monkeypatch.setattr(crisis, "_second_opinion", lambda found, lazy_view: [])
    assert screen(text).level is CrisisLevel.NONE


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # A rules' match set aside inside the piece silences the model however sure it is.
        ("I have no plans to hurt myself", CrisisLevel.NONE),
        ("I don't want to die.", CrisisLevel.NONE),
        # A figure of speech or an exclusion does not, once the model is very sure: it covers
        # a phrase, and the model reads the whole piece.
        ("I could kill you for spoiling the finale", CrisisLevel.URGENT),
        ("In the film the husband hits his wife, and I had to stop watching.", CrisisLevel.URGENT),
    ],
)
def test_a_very_sure_model_is_silenced_only_by_what_the_rules_set_aside(
    text: str, level: CrisisLevel, monkeypatch: pytest.MonkeyPatch
) -> None:
    _force(monkeypatch, sure=True)
    assert screen(text).level is level


def test_the_shipped_model_is_sure_of_a_plan_beside_a_figure_of_speech() -> None:
    """Written for this test: "rather be dead than" is an everyday figure, and the rest says it
    is not one here."""
    text = (
        "I'd rather be dead than sit through another of his family dinners. I mean it. "
        "I've been reading about how many of my sleeping pills it would take."
    )
    assert screen(text).level is CrisisLevel.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "Lately I keep picturing not waking up tomorrow and feeling relieved about it.",
        "I've sorted out who gets the dog and the letters are in the drawer.",
        "I'm not angry any more. I've been practising with the rope in the garage.",
    ],
)
def test_danger_words_not_set_aside_leave_it_to_the_model(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _force(monkeypatch)
    assert screen(text).level is CrisisLevel.URGENT


def test_a_model_failure_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, word_scores: object) -> Opinion:
        raise RuntimeError("onnxruntime could not start")

    monkeypatch.setattr(sentence_model, "opinion", broken)
    result = screen("We argued about the dishes again.")
    assert result.level is CrisisLevel.URGENT
    assert result.error
    assert result.route is not None


def test_a_model_file_that_is_not_the_fitted_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sentence_model, "_sha256", lambda path: "0" * 64)
    with pytest.raises(RuntimeError, match="not the model"):
        sentence_model._Encoder().pieces("hello")
