"""The languages a sheet can be asked for: codes, German names, writing direction.

The first contact records the conversation language as free text (forms/first_contact.json
``language``) and household members their languages as codes; :func:`code_of` maps either to one of
the codes here (``"Arabisch"``, ``"arabic"``, ``"ar"`` → ``ar``; ``"ku"`` → ``kmr``). The list is the
vocabulary ``sheets.language`` (engine/vocabulary.py); a code here without a shipped catalogue gets
the German sheet with a notice (engine/sheets/documents.py).
"""

from __future__ import annotations

from ..errors import InvalidInput

# code -> German name; codes are ISO 639 (Dari ``prs``, Kurmanji ``kmr``, Sorani ``ckb``).
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "Englisch",
    "ar": "Arabisch",
    "prs": "Dari",
    "fa": "Farsi",
    "uk": "Ukrainisch",
    "ru": "Russisch",
    "tr": "Türkisch",
    "kmr": "Kurmandschi",
    "ckb": "Sorani",
    "ti": "Tigrinya",
    "ps": "Paschtu",
    "so": "Somali",
    "fr": "Französisch",
    "hi": "Hindi",
    "hy": "Armenisch",
    "ka": "Georgisch",
    "mk": "Mazedonisch",
    "sq": "Albanisch",
    "sr": "Serbisch",
}
RIGHT_TO_LEFT = frozenset({"ar", "fa", "prs", "ps", "ckb"})

# Other spellings people type into the first contact's free-text field, and older codes.
ALIASES: dict[str, str] = {
    "deutsch": "de",
    "german": "de",
    "englisch": "en",
    "english": "en",
    "arabic": "ar",
    "arabisch": "ar",
    "persisch": "fa",
    "persian": "fa",
    "farsi": "fa",
    "dari": "prs",
    "ukrainian": "uk",
    "russian": "ru",
    "turkish": "tr",
    "türkisch": "tr",
    "kurdisch": "kmr",
    "kurdish": "kmr",
    "ku": "kmr",
    "kurmandschi": "kmr",
    "kurmanji": "kmr",
    "sorani": "ckb",
    "tigrinya": "ti",
    "tigrinisch": "ti",
    "paschtu": "ps",
    "pashto": "ps",
    "paschto": "ps",
    "somali": "so",
    "somalisch": "so",
    "französisch": "fr",
    "french": "fr",
    "armenisch": "hy",
    "georgisch": "ka",
    "mazedonisch": "mk",
    "albanisch": "sq",
    "serbisch": "sr",
}


def code_of(text: str | None) -> str | None:
    """The language code a free-text entry or code means, or None when it is not one we know."""
    key = (text or "").strip().lower().replace("_", "-")
    if key in LANGUAGES:
        return key
    if key in ALIASES:
        return ALIASES[key]
    for code, name in LANGUAGES.items():
        if name.lower() == key:
            return code
    return None


def require_language(code: str | None, field: str = "lang") -> str:
    """``code`` if it is a language of the list, else a German 422 on ``field``."""
    found = code_of(code)
    if found is None:
        message = f"„{code or ''}“ ist keine bekannte Sprache (bekannt: {', '.join(sorted(LANGUAGES))})."
        raise InvalidInput(message, errors={field: [message]})
    return found


def direction(code: str) -> str:
    """``rtl`` for the right-to-left scripts, else ``ltr``."""
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"
