"""Who a description speaks to, and who the partner is in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.schemas import Voice

_SECOND = re.compile(r"\b(?:you|your|yours|yourself|you['’](?:re|ve|d|ll))\b", re.IGNORECASE)
_HE = re.compile(r"\b(?:he|him|his|himself|he['’](?:s|d|ll))\b", re.IGNORECASE)
_SHE = re.compile(r"\b(?:she|her|hers|herself|she['’](?:s|d|ll))\b", re.IGNORECASE)
_GENERIC_YOU = re.compile(
    r"\byou know\b|\byou see\b|\bmind you\b|\bthank you\b|\bif you ask me\b", re.IGNORECASE
)
PARTNER_NOUN = re.compile(
    r"\bmy\s+(?:(?:ex-?)?(husband|boyfriend|fianc[eé]|bf|hubby)|"
    r"(wife|girlfriend|fianc[eé]e|gf|wifey)|(partner|spouse|significant other|SO))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speaker:
    """How the description is voiced: to the partner, or about them (and which pronoun)."""

    voice: Voice
    partner: str  # "he", "she", "they", or "" when addressed directly

    def partner_object(self) -> str:
        return {"he": "him", "she": "her", "they": "them"}.get(self.partner, "your partner")

    def partner_possessive(self) -> str:
        return {"he": "his", "she": "her", "they": "their"}.get(self.partner, "your partner's")


def detect_speaker(text: str) -> Speaker:
    """Decide the voice from pronoun counts.

    Addressed descriptions use "you"; descriptions about a partner use "he"/"she" or name the
    partner ("my husband"); a description that addresses nobody ("I was bullied at school") is
    about the speaker, and is answered to them. Filler like "you know" does not count.
    """
    second = len(_SECOND.findall(text)) - len(_GENERIC_YOU.findall(text))
    he = len(_HE.findall(text))
    she = len(_SHE.findall(text))
    noun = PARTNER_NOUN.search(text)
    third = he + she + (2 if noun else 0)
    if second > 0 and second >= third:
        return Speaker(Voice.TO_PARTNER, "")
    if third == 0:
        # Nobody is addressed ("I was bullied at school"): the reflection speaks to the speaker.
        return Speaker(Voice.ABOUT_PARTNER, "")
    if noun:
        if noun.group(1):
            return Speaker(Voice.ABOUT_PARTNER, "he")
        if noun.group(2):
            return Speaker(Voice.ABOUT_PARTNER, "she")
        if he == 0 and she == 0:
            return Speaker(Voice.ABOUT_PARTNER, "they")
    return Speaker(Voice.ABOUT_PARTNER, "he" if he >= she else "she")
