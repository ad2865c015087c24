"""Names people read: a client's given and family name, a user's display name. One rule for API and web.

A name is trimmed and its inner spaces collapsed to single spaces ("  Amina   Haddad " -> "Amina
Haddad"). It must contain a letter (of any script) and may not contain what no name has and what
misleads a reader or a terminal: control characters (terminal escape sequences start with one),
zero-width characters, and the bidirectional overrides and isolates that turn text around
(U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF, also U+2060 WORD JOINER).
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InvalidInput

MAX_NAME = 200
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")

NO_LETTER = "Der Name muss mindestens einen Buchstaben enthalten."
BAD_CHARACTER = (
    "Der Name enthält ein unzulässiges Zeichen (Steuerzeichen, unsichtbares Zeichen oder "
    "Schreibrichtungszeichen)."
)
TOO_LONG = f"Der Name darf höchstens {MAX_NAME} Zeichen lang sein."


def tidy(value: str) -> str:
    """The name trimmed, its runs of whitespace made single spaces."""
    return _SPACES.sub(" ", value).strip()


def name_problem(value: object) -> str | None:
    """Why ``value`` is not a usable name (German), or None."""
    if not isinstance(value, str):
        return NO_LETTER
    name = value.strip()  # a line break or tab at either end is trimmed; inside a name it is refused
    if _INVISIBLE.search(name) or any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        return BAD_CHARACTER
    name = tidy(name)
    if not any(unicodedata.category(c).startswith("L") for c in name):
        return NO_LETTER
    if len(name) > MAX_NAME:
        return TOO_LONG
    return None


def clean_names(values: dict, fields: dict[str, str]) -> dict:
    """``values`` with each name of ``fields`` (key -> error path) tidied; one 422 naming every bad one.

    Nothing is stored before this passes, so a refused name leaves nothing half-saved.
    """
    errors = {path: [msg] for key, path in fields.items() if (msg := name_problem(values.get(key)))}
    if errors:
        raise InvalidInput("Bitte die Namen prüfen.", errors=errors)
    return {**values, **{key: tidy(values[key]) for key in fields}}
