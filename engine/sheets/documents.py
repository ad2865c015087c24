"""The four sheets as bilingual HTML, laid out as PDF (engine/documents/pdf.py).

A sheet is a list of message ids of the catalogues; each paragraph is printed in German and then in
the client's language (``lang`` and ``dir`` set, so Pango shapes right-to-left scripts in logical
order and picks the Noto font of the script). What it prints depends on the catalogue:

- a reviewed catalogue: both languages;
- a draft: both languages and, at the top, the catalogue's own draft notice in German and the
  client's language; the footer says "Entwurf";
- no catalogue for the language (or no text for one message id): the German text, with a notice in
  German and English that the sheet is not yet available in that language - never a blank page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from ..documents.pdf import render_pdf
from .catalogues import DRAFT, REVIEW_STATES, REVIEWED, SOURCE, Catalogue
from .languages import LANGUAGES, direction

# document -> (short id printed in the footer, German name, message ids in order; the first is the title)
DOCUMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "consent": (
        "KIM-EW",
        "Einwilligung in die Datenverarbeitung",
        ("consent.title", "consent.purpose", "consent.data", "consent.voluntary", "consent.withdraw"),
    ),
    "release": (
        "KIM-SE",
        "Schweigepflichtentbindung",
        ("release.title", "release.text", "release.members", "release.withdraw"),
    ),
    "information": (
        "KIM-DS",
        "Information nach Art. 13 DSGVO",
        (
            "info.title",
            "info.controller",
            "info.purpose",
            "info.legal_basis",
            "info.recipients",
            "info.storage",
            "info.rights",
            "info.dpo",
        ),
    ),
    "about": (
        "KIM-INFO",
        "Was ist KIM?",
        ("about.title", "about.what", "about.how", "about.free", "about.contact"),
    ),
}
SIGNED = ("consent", "release")


def needed(document: str) -> tuple[str, ...]:
    """The message ids a sheet prints in the client's language."""
    return DOCUMENTS[document][2] + (("sheet.signature",) if document in SIGNED else ())


MISSING_DE = "Dieser Bogen liegt in der Sprache {name} noch nicht vor. Es gilt der deutsche Text."
MISSING_EN = "This sheet is not yet available in the client's language ({name}). The German text applies."


@dataclass(frozen=True)
class SheetData:
    """What a sheet fills in: tenant data, the client, and for a release the agencies and members."""

    tenant: str
    controller: str
    dpo: str
    retention_days: int
    client: str = ""
    agencies: tuple[str, ...] = ()  # German names, as chosen
    members: tuple[str, ...] = ()
    case_ref: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def fill(self) -> dict[str, str]:
        return {
            "tenant": self.tenant,
            "controller": self.controller,
            "dpo": self.dpo,
            "retention": str(self.retention_days),
            "client": self.client,
            "agencies": ", ".join(self.agencies),
            "members": ", ".join(self.members) or self.client,
        }


@dataclass(frozen=True)
class Sheet:
    """A rendered sheet: its PDF and what a consent record stores about it."""

    document: str
    language: str  # the client's language as asked for
    printed_in: str  # the language printed beside German ("de" when only German)
    version: str  # catalogue version with review state, as printed in the footer
    draft: bool
    pdf: bytes


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("engine.sheets", "templates"), autoescape=select_autoescape(["html"])
    )


def _text(messages: dict[str, str], msgid: str, values: dict[str, str]) -> str:
    template = messages.get(msgid, "")
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def html(document: str, code: str, german: Catalogue, client: Catalogue | None, data: SheetData) -> str:
    """The sheet's HTML: German, and the client's language where its catalogue has the text."""
    short, _name, ids = DOCUMENTS[document]
    values = data.fill()
    bilingual = client is not None and code != SOURCE
    tr = client.messages if bilingual and client is not None else {}
    direction_ = direction(code)
    notices = []
    if code != SOURCE and client is None:
        name = LANGUAGES.get(code, code)
        notices.append(
            [
                {"lang": "de", "dir": "ltr", "text": MISSING_DE.format(name=name)},
                {"lang": "en", "dir": "ltr", "text": MISSING_EN.format(name=name)},
            ]
        )
    elif bilingual and client is not None and not client.reviewed_for(needed(document)):
        notices.append(
            [
                {"lang": "de", "dir": "ltr", "text": german.messages["sheet.draft_notice"]},
                {"lang": code, "dir": direction_, "text": tr.get("sheet.draft_notice", "")},
            ]
        )
    paragraphs = []
    for msgid in ids[1:]:
        paragraphs.append(
            {
                "de": _text(german.messages, msgid, values),
                "tr": _text(tr, msgid, values),
                "agencies": list(data.agencies) if msgid == "release.text" else [],
            }
        )
    used = client if bilingual and client is not None else german
    reviewed = used.reviewed_for(needed(document))
    state = REVIEW_STATES[REVIEWED if reviewed else DRAFT]
    footer = f"{short} · {data.case_ref} · Katalog {used.label_for(reviewed)} · Übersetzung: {state}"
    if code != SOURCE and client is None:
        missing = LANGUAGES.get(code, code)
        footer = f"{short} · {data.case_ref} · Katalog {german.label} · {missing}: nicht vorhanden"
    footer = footer.replace("\\", "/").replace('"', "'")
    return (
        _environment()
        .get_template("sheet.html")
        .render(
            title=_text(german.messages, ids[0], values),
            heading={"de": _text(german.messages, ids[0], values), "tr": _text(tr, ids[0], values)},
            client=_text(german.messages, "sheet.client", values) if data.client else "",
            paragraphs=paragraphs,
            notices=notices,
            signature=(
                {"de": german.messages["sheet.signature"], "tr": tr.get("sheet.signature", "")}
                if document in SIGNED
                else None
            ),
            code=code,
            dir=direction_,
            footer=footer,
        )
    )


def render(document: str, code: str, german: Catalogue, client: Catalogue | None, data: SheetData) -> Sheet:
    """The sheet as PDF with what a consent record keeps about it."""
    bilingual = client is not None and code != SOURCE
    used = client if bilingual and client is not None else german
    reviewed = used.reviewed_for(needed(document))
    pdf = render_pdf(html(document, code, german, client, data))
    return Sheet(document, code, code if bilingual else SOURCE, used.label_for(reviewed), not reviewed, pdf)
