"""The offline engine: a deterministic reflection with no model and no network.

It reads the description sentence by sentence, says it back from the listener's side (see
``perspective``), names the feelings it finds (``feelings``), decides where the hurt comes
from (``origin``) and fills the repair templates in ``data/templates.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from assistant.offline.feelings import DetectedFeeling, detect_feelings
from assistant.offline.origin import detect_origin
from assistant.offline.perspective import partner_to_first, speaker_to_you, to_listener
from assistant.offline.sentences import Piece, clauses, sentences
from assistant.offline.voice import PARTNER_NOUN, Speaker, detect_speaker
from assistant.schemas import (
    FeelingAcknowledgment,
    Feelings,
    Origin,
    Reflection,
    Repair,
    RepairKind,
    Summary,
    Voice,
)
from guardrails.apology import check_apology

MAX_RESTATEMENT_CHARS = 480
MAX_RESTATEMENT_SENTENCES = 4
MAX_ACTION_CHARS = 110

# Verbs and phrases that usually carry the hurtful act in a clause.
_HURTFUL = re.compile(
    r"\b(?:forg[eo]t\w*|cancel+ed|canceled|lied|lie|left|ignor\w+|laugh\w*|yell\w*|shout\w*|"
    r"scream\w*|told|broke|miss\w+|critici[sz]\w+|mock\w*|made fun|read|flirt\w*|cheat\w*|hid|"
    r"kept|text\w*|blam\w+|walked out|hung up|compar\w+|snapp\w+|dismiss\w+|stood \w+ up|"
    r"bail\w*|chose|picked|roll\w+|didn['’]t|did not|wasn['’]t|weren['’]t|refus\w+|complain\w+|"
    r"spent|went|brought up|shar\w+|post\w*|interrupt\w*|correct\w*|teas\w+|joked|ditch\w*|"
    r"ghost\w*|slamm\w+|storm\w+|made me|called me|raised|embarrass\w+|humiliat\w+|snoop\w*|"
    r"check\w+ my|went through)\b",
    re.IGNORECASE,
)
_ABSOLUTES = re.compile(r"\b(?:always|never|every time|constantly)\b", re.IGNORECASE)
# "promised I'd come", "swore I wouldn't": the commitment, not the act that broke it.
_COMMITMENT = re.compile(
    r"^(?:promised|said|swore|agreed|told you|assured you|guaranteed)\b.*?"
    r"\b(?:I['’]d|I would|I wouldn['’]t|I would not|I['’]ll|I will|I won['’]t|to)\b",
    re.IGNORECASE,
)
BROKEN_PROMISE = "broke my word to you"
_LEADING_ADVERBS = re.compile(r"^(?:then|just|also|even|still|again|now|finally)\s+", re.I)


@cache
def _templates() -> dict[str, Any]:
    text = resources.files("assistant.offline.data").joinpath("templates.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def reflect_offline(text: str) -> Reflection:
    """Reflect one (already validated) English description."""
    speaker = detect_speaker(text)
    origin = detect_origin(text)
    found = detect_feelings(text)
    summary = Summary(
        restatement=_restatement(text, speaker),
        meaning=_meaning(found, speaker, origin),
        origin=origin,
    )
    feelings = _feelings(found, speaker)
    repair = _repair(text, speaker, origin, found)
    return Reflection(
        summary=summary,
        feelings=feelings,
        repair=repair,
        engine="offline",
        model="offline",
        voice=speaker.voice,
    )


def _say_back(text: str, speaker: Speaker) -> str:
    if speaker.voice is Voice.TO_PARTNER:
        return to_listener(text)
    return speaker_to_you(text)


def _restatement(text: str, speaker: Speaker) -> str:
    pieces = sentences(text)
    statements = [p for p in pieces if not p.text.endswith("?")] or pieces
    chosen = _choose(statements)
    return " ".join(_finish(_say_back(p.text, speaker)) for p in chosen)


def _choose(pieces: list[Piece]) -> list[Piece]:
    """Keep the sentences that carry the event and the feeling, in their order, within limits."""
    if len(pieces) <= MAX_RESTATEMENT_SENTENCES and sum(len(p.text) for p in pieces) <= (
        MAX_RESTATEMENT_CHARS
    ):
        return pieces
    ranked = sorted(
        range(len(pieces)),
        key=lambda i: (i != 0, not _HURTFUL.search(pieces[i].text), i),
    )
    keep: list[int] = []
    total = 0
    for i in ranked:
        size = len(pieces[i].text)
        if len(keep) >= MAX_RESTATEMENT_SENTENCES or (
            keep and total + size > MAX_RESTATEMENT_CHARS
        ):
            continue
        keep.append(i)
        total += size
    return [pieces[i] for i in sorted(keep)]


def _finish(sentence: str) -> str:
    sentence = sentence.strip()
    if sentence.endswith("..."):
        sentence = sentence.rstrip(".") + "."
    if sentence and sentence[-1] not in ".!?…\"”'":
        sentence += "."
    return sentence[:1].upper() + sentence[1:]


def _partner_words(speaker: Speaker) -> dict[str, str]:
    if speaker.voice is Voice.TO_PARTNER:
        return {"obj": "me", "poss": "my"}
    return {"obj": speaker.partner_object(), "poss": speaker.partner_possessive()}


def _meaning(found: list[DetectedFeeling], speaker: Speaker, origin: Origin) -> str:
    t = _templates()
    if origin is Origin.BEFORE_RELATIONSHIP:
        return str(t["meaning_before"][speaker.voice.value])
    if origin is Origin.UNCLEAR:
        return str(t["meaning_default"])  # no partner act to read meaning into
    meanings: dict[str, str] = t["meanings"]
    for feeling in found:
        if feeling.feeling in meanings:
            return meanings[feeling.feeling].format(**_partner_words(speaker))
    return str(t["meaning_default"])


def _feelings(found: list[DetectedFeeling], speaker: Speaker) -> Feelings:
    acks = [FeelingAcknowledgment(feeling=f.feeling, sentence=f.sentence) for f in found]
    if not acks:
        acks = [FeelingAcknowledgment(feeling="hurt", sentence="You were hurt.")]
    lines = _templates()["validation"][speaker.voice.value]
    return Feelings(acknowledgments=acks, validation=lines["one" if len(acks) == 1 else "many"])


def _feeling_list(found: list[DetectedFeeling]) -> str:
    words = [f.feeling for f in found[:2]] or ["hurt"]
    return " and ".join(words)


def _repair(text: str, speaker: Speaker, origin: Origin, found: list[DetectedFeeling]) -> Repair:
    t = _templates()
    if origin is Origin.UNCLEAR:
        return Repair(kind=RepairKind.NONE, text=None)
    if origin is Origin.BEFORE_RELATIONSHIP:
        return Repair(kind=RepairKind.EMPATHY, text=t["empathy"])
    feelings = _feeling_list(found)
    action = partner_action(text, speaker)
    if action:
        apology = t["apology"]["with_action"].format(action=action, feelings=feelings)
        if check_apology(apology).accepted:
            return Repair(kind=RepairKind.APOLOGY, text=apology)
    return Repair(
        kind=RepairKind.APOLOGY, text=t["apology"]["without_action"].format(feelings=feelings)
    )


def partner_action(text: str, speaker: Speaker) -> str | None:
    """The partner's hurtful act, in the partner's own voice without its subject.

    "You promised..., then you texted an hour before" -> "texted an hour before".
    """
    candidates: list[str] = []
    for piece in sentences(text):
        if piece.text.endswith("?"):
            continue
        for clause in clauses(piece.text):
            clause = _LEADING_ADVERBS.sub("", clause)
            first = _in_partner_voice(clause, speaker)
            if first is not None:
                candidates.append(first)
    if not candidates:
        return None
    acts = [c for c in candidates if not _COMMITMENT.match(c) and len(c.split()) > 1]
    if not acts:
        # Only the promise is described ("he promised he wouldn't tell, and he did"):
        # what hurt is that it was broken.
        return BROKEN_PROMISE
    hurtful = [c for c in acts if _HURTFUL.search(c) and not _ABSOLUTES.search(c)]
    plain = [c for c in acts if not _ABSOLUTES.search(c)]
    pick = (hurtful or plain or acts)[0]
    if len(pick) > MAX_ACTION_CHARS:
        pick = pick[:MAX_ACTION_CHARS].rsplit(",", 1)[0].rsplit(" ", 1)[0]
    return pick.rstrip(" ,;.!")


def _in_partner_voice(clause: str, speaker: Speaker) -> str | None:
    """If the partner is the clause's subject, return the clause in the partner's voice."""
    low = clause.lower()
    if speaker.voice is Voice.TO_PARTNER:
        if not re.match(r"you\s+\w", low) or re.match(r"you\s+(?:know|see|guys)\b", low):
            return None
        flipped = to_listener(clause)
    else:
        noun = PARTNER_NOUN.match(clause)
        if noun:
            clause = speaker.partner + clause[noun.end() :]
        elif not re.match(rf"{speaker.partner}\s+\w", clause, re.IGNORECASE):
            return None
        flipped = partner_to_first(clause, speaker.partner)
    if not flipped.startswith("I "):
        return None
    action = flipped[2:]
    if re.match(r"(?:was|am)\s+(?:so|just|really)?\s*(?:busy|tired|stressed)\b", action):
        return None  # an explanation, not the act
    return action
