"""Phonetic keys of names, so that spelling and transliteration variants of one name meet.

A name is normalised first: umlauts and ß written out (ä -> ae, ß -> ss), other accents dropped, case
folded, everything but letters removed ("Al-Hassan" -> "alhassan"); then jellyfish's Metaphone gives a
key in which vowels and doubled letters no longer matter, so Mohammed, Muhammad, Mohamed and Mohammad
share "MHMT" and Schmidt / Schmitt share "SXMT". The key is stored with each household member
(``name_key``, computed when a name is written, indexed) and is the prefilter of the duplicate check
(engine/households/duplicates.py); the check then compares the full names itself.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

KEY_LENGTH = 40
_WRITTEN_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_NOT_LETTER = re.compile(r"[^a-z]")
_REPEATED = re.compile(r"(.)\1+")


def normalised(name: str | None) -> str:
    """Lower-case ASCII letters of ``name``, umlauts written out ("Müller-Öz" -> "muelleroez")."""
    text = (name or "").casefold().translate(_WRITTEN_OUT)
    text = unicodedata.normalize("NFKD", text)
    return _NOT_LETTER.sub("", "".join(c for c in text if not unicodedata.combining(c)))


def name_key(name: str | None) -> str | None:
    """The phonetic key of a name (None for a name without Latin letters, e.g. one removed)."""
    plain = normalised(name)
    if not plain:
        return None
    # "ue" of a written-out umlaut and "u" of a transliteration sound alike: drop the e after a vowel
    plain = re.sub(r"([aou])e", r"\1", plain)
    return _REPEATED.sub(r"\1", jellyfish.metaphone(plain).upper())[:KEY_LENGTH] or None


def similarity(a: str | None, b: str | None) -> float:
    """How alike two names are, 0..1 (Jaro-Winkler of the normalised names; equal keys count as 0.9+)."""
    left, right = normalised(a), normalised(b)
    if not left or not right:
        return 0.0
    score = jellyfish.jaro_winkler_similarity(left, right)
    if score < 0.9 and name_key(a) == name_key(b):
        score = 0.9 + score / 20  # a transliteration variant: as good as a typo, still below equal
    return round(score, 3)
