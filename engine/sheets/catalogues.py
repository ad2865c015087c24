"""Translation catalogues of the sheets: gettext ``.po`` files read with Babel.

One catalogue per language ships in ``catalogues/<code>.po``; German (``de.po``) is the source every
other catalogue is checked against. Message ids are stable keys (``consent.purpose``); a text may hold
brace placeholders (``{tenant}``, ``{retention}``) that the sheet fills in. The review state lives in the
catalogue's header::

    "X-Review-State: draft"            (or "reviewed")
    "X-Reviewed-By: Name of the certified translator or office"
    "X-Reviewed-On: 2026-12-01"

Babel keeps only the standard header fields, so the three ``X-Review-*`` fields are read from the
header block here. A catalogue is "reviewed" only when its header says so and names who and when;
anything else counts as a draft. Tenants upload their own catalogues (engine/sheets/uploads.py): they
pass :func:`parse` against the German source before anything is stored.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from ..errors import InvalidInput

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"
SOURCE = "de"
DRAFT, REVIEWED = "draft", "reviewed"
REVIEW_STATES = {DRAFT: "Entwurf", REVIEWED: "geprüft"}
MAX_BYTES = 256 * 1024
PLACEHOLDER = re.compile(r"\{(\w+)\}")
FIELD = "catalogue"


@dataclass(frozen=True)
class Catalogue:
    """The texts of one language with where they come from and their review state."""

    code: str
    messages: dict[str, str]
    version: str
    review_state: str
    reviewed_by: str = ""
    reviewed_on: str = ""
    source: str = "shipped"  # or "tenant" (uploaded by the tenant, over the shipped texts)
    # the message ids whose text comes from a reviewed catalogue (a tenant's upload may cover one
    # document only; the other texts stay the shipped ones with their own state)
    reviewed_ids: frozenset[str] = frozenset()

    @property
    def reviewed(self) -> bool:
        return self.review_state == REVIEWED

    def reviewed_for(self, ids) -> bool:
        """Whether every text of ``ids`` (one sheet's) comes from a reviewed catalogue."""
        return all(i in self.reviewed_ids for i in ids)

    def label_for(self, reviewed: bool) -> str:
        """The version as printed in a sheet's footer and stored with a consent: ``ar 1 (Entwurf)``."""
        origin = "" if self.source == "shipped" else " Träger"
        return f"{self.code} {self.version}{origin} ({REVIEW_STATES[REVIEWED if reviewed else DRAFT]})"

    @property
    def label(self) -> str:
        return self.label_for(self.reviewed)

    def over(self, shipped: Catalogue | None) -> Catalogue:
        """This (tenant's) catalogue over the shipped one: its texts win, the rest stays shipped."""
        if shipped is None:
            return self
        messages = {**shipped.messages, **self.messages}
        own = set(self.messages) if self.reviewed else set()
        reviewed_ids = frozenset(own | (shipped.reviewed_ids - set(self.messages)))
        full = reviewed_ids >= set(messages)
        return Catalogue(
            self.code,
            messages,
            self.version,
            REVIEWED if full else DRAFT,
            self.reviewed_by,
            self.reviewed_on,
            self.source,
            reviewed_ids,
        )


def _header(text: str, name: str) -> str:
    found = re.search(rf'^"{re.escape(name)}:[ \t]*(.*?)\\n"\s*$', text, flags=re.MULTILINE)
    return found.group(1).strip() if found else ""


def placeholders(text: str) -> list[str]:
    """The placeholder names of a text, sorted (a name twice counts twice)."""
    return sorted(PLACEHOLDER.findall(text))


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(f"Der Katalog wurde nicht gespeichert: {message}", errors={FIELD: [message]})


def _read(text: str) -> tuple[dict[str, str], str]:
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except (PoFileError, ValueError, IndexError) as exc:
        raise _invalid(f"Die Datei ist keine lesbare .po-Datei ({exc}).") from exc
    messages = {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}
    return messages, str(catalog.version or "")


def parse(code: str, raw: bytes, *, source: str = "tenant") -> Catalogue:
    """An uploaded catalogue checked against the German source: readable UTF-8 ``.po``, no unknown
    message id, every placeholder of the German text and no other; else a German 422 naming the id.

    Missing ids are allowed (the sheet falls back to German for them, like for a missing language), so a
    legal department can upload its own wording of a single document."""
    if len(raw) > MAX_BYTES:
        raise _invalid(f"Die Datei ist größer als {MAX_BYTES // 1024} KB.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid("Die Datei ist nicht in UTF-8 kodiert.") from exc
    messages, version = _read(text)
    german = shipped(SOURCE).messages
    for msgid, translated in messages.items():
        if msgid not in german:
            raise _invalid(f"Unbekannte Nachricht „{msgid}“ (diese Kennung gibt es im deutschen Text nicht).")
        if not translated.strip():
            continue
        want, have = placeholders(german[msgid]), placeholders(translated)
        missing = sorted(set(want) - set(have))
        extra = sorted(set(have) - set(want))
        if missing:
            names = ", ".join("{" + p + "}" for p in missing)
            raise _invalid(f"In „{msgid}“ fehlt der Platzhalter {names}.")
        if extra:
            names = ", ".join("{" + p + "}" for p in extra)
            raise _invalid(f"In „{msgid}“ steht der unbekannte Platzhalter {names}.")
    messages = {k: v for k, v in messages.items() if v.strip()}
    if not messages:
        raise _invalid("Die Datei enthält keine übersetzten Nachrichten.")
    state = _header(text, "X-Review-State").lower()
    by, on = _header(text, "X-Reviewed-By"), _header(text, "X-Reviewed-On")
    if state not in REVIEW_STATES:
        raise _invalid("Im Kopf fehlt „X-Review-State: draft“ oder „X-Review-State: reviewed“.")
    if state == REVIEWED and (not by or not on):
        raise _invalid("Ein geprüfter Katalog nennt im Kopf „X-Reviewed-By“ und „X-Reviewed-On“.")
    reviewed_ids = frozenset(messages) if state == REVIEWED else frozenset()
    return Catalogue(code, messages, version or "1", state, by, on, source, reviewed_ids)


@cache
def shipped(code: str) -> Catalogue:
    """The catalogue shipped for ``code`` (read once per process); KeyError when none ships."""
    path = CATALOGUE_DIR / f"{code}.po"
    if not path.is_file():
        raise KeyError(code)
    text = path.read_text(encoding="utf-8")
    messages, version = _read(text)
    state = _header(text, "X-Review-State").lower()
    by, on = _header(text, "X-Reviewed-By"), _header(text, "X-Reviewed-On")
    reviewed = state == REVIEWED and bool(by) and bool(on)
    ids = frozenset(messages) if reviewed else frozenset()
    return Catalogue(code, messages, version or "1", REVIEWED if reviewed else DRAFT, by, on, "shipped", ids)


def shipped_codes() -> list[str]:
    """The languages a catalogue ships for."""
    return sorted(p.stem for p in CATALOGUE_DIR.glob("*.po"))
