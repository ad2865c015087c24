"""Import and export of the directory as CSV or XLSX, in one column layout (docs/offers.md).

Export writes the tenant's current offers with codes (life areas, kinds, languages, target groups),
ISO dates and the municipality's key (empty: county-wide). Import reads the same layout (codes or
their German labels, dates also as DD.MM.YYYY): a row with an ``id`` changes that offer, a row without
one adds an offer. Every row is checked first; if any row is bad, nothing of the file is imported and
each bad line is named with its reasons. Exporting and importing again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput
from .access import refuse_place, require_keeper, require_reader
from .fields import FIELDS, Places, clean
from .models import Offer
from .service import author_name, save_change, save_new

# column -> field (in the file's order); the file's first row names the columns
COLUMNS = {
    "id": "id",
    "gemeinde": "municipality",
    "anbieter": "provider",
    "angebot": "title",
    "art": "kind",
    "lebensbereiche": "life_areas",
    "zielgruppen": "target_groups",
    "sprachen": "languages",
    "kontakt": "contact",
    "adresse": "address",
    "zeiten": "opening_hours",
    "kosten": "cost",
    "gueltig_ab": "valid_from",
    "gueltig_bis": "valid_until",
    "quelle": "source",
    "geprueft_am": "checked_on",
    "pflege_case_management": "shared_upkeep",
}
FIELD_COLUMN = {f: c for c, f in COLUMNS.items()}
MAX_ROWS = 10_000
MAX_BYTES = 2 * 1024 * 1024
CSV, XLSX = "csv", "xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def rows(session: Session, *, user: Actor) -> list[list[str]]:
    """Header plus one row per current offer of the tenant (by id)."""
    require_reader(user)
    places = Places.of(session, user.tenant_id)
    offers = session.scalars(
        select(Offer).where(Offer.tenant_id == user.tenant_id, Offer.retired_at.is_(None)).order_by(Offer.id)
    ).all()
    out = [list(COLUMNS)]
    for o in offers:
        place = places.by_id.get(o.municipality_id) if o.municipality_id else None
        values = {"id": o.id, "municipality": place.key if place else None}
        values |= {name: getattr(o, name) for name in FIELDS[1:]}
        out.append([_cell(values[f]) for f in COLUMNS.values()])
    return out


def export(session: Session, *, user: Actor, fmt: str) -> bytes:
    """The directory as CSV (UTF-8 with BOM, ";" separated, as spreadsheet programs open it) or XLSX."""
    table = rows(session, user=user)
    if fmt == XLSX:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # a new workbook has its sheet
        sheet.title = "Angebote"
        for row in table:
            sheet.append(row)
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(table)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # older spreadsheet exports
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise InvalidInput(
            "Die Datei ist keine lesbare XLSX-Datei.", errors={"file": ["Keine lesbare XLSX-Datei."]}
        ) from exc
    sheet = book.worksheets[0]
    out = []
    for values in sheet.iter_rows(values_only=True):
        out.append(
            [
                v.date().isoformat()
                if isinstance(v, datetime)
                else v.isoformat()
                if isinstance(v, date)
                else ""
                if v is None
                else str(v)
                for v in values
            ]
        )
    return out


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int


def _line_errors(errors: dict[str, list[str]]) -> list[str]:
    return [
        f"{FIELD_COLUMN.get(name, name)}: {message}"
        for name, messages in errors.items()
        for message in messages
    ]


def _table(content: bytes, fmt: str) -> list[list[str]]:
    if fmt not in (CSV, XLSX):
        message = "Bitte eine CSV- oder XLSX-Datei wählen (Endung .csv oder .xlsx)."
        raise InvalidInput(message, errors={"file": [message]})
    if len(content) > MAX_BYTES:
        raise InvalidInput("Die Datei ist zu groß.", errors={"file": ["Höchstens 2 MB."]})
    table = (_read_xlsx(content) if fmt == XLSX else _read_csv(content)) if content else []
    if not table:
        raise InvalidInput("Die Datei ist leer.", errors={"file": ["Die Datei ist leer."]})
    header = [h.strip().casefold() for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in ("anbieter", "angebot", "art", "lebensbereiche") if c not in header]
    if unknown or missing:
        reasons = [f"unbekannte Spalte „{h}“" for h in unknown] + [f"Spalte „{c}“ fehlt" for c in missing]
        raise InvalidInput(
            "Die Kopfzeile passt nicht zum Spaltenaufbau (docs/offers.md); nichts wurde importiert.",
            errors={"Zeile 1": reasons},
        )
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput("Zu viele Zeilen.", errors={"file": [f"Höchstens {MAX_ROWS} Angebote je Datei."]})
    return [header, *table[1:]]


def _current(raw: dict, existing: dict[int, Offer], seen: set[int], reasons: list[str]) -> Offer | None:
    ident = (raw.get("id") or "").strip()
    if not ident:
        return None
    if not ident.isdigit() or int(ident) not in existing:
        reasons.insert(0, f"id: kein aktuelles Angebot mit der Nummer {ident}")
        return None
    if int(ident) in seen:
        reasons.insert(0, f"id: die Nummer {ident} steht mehrfach in der Datei")
        return None
    seen.add(int(ident))
    return existing[int(ident)]


def _scope(user: Actor, current: Offer | None, values: dict) -> str | None:
    if user.role != "coordinator":
        values["shared_upkeep"] = current.shared_upkeep if current is not None else False
    if current is not None:
        why = refuse_place(user, current.municipality_id, current.shared_upkeep)
        if why:
            return why
    return refuse_place(user, values["municipality_id"], values["shared_upkeep"])


def import_file(session: Session, *, user: Actor, content: bytes, fmt: str) -> ImportResult:
    """Import a CSV or XLSX file in the documented layout; all of it or, with any bad row, nothing."""
    require_keeper(user)
    begin_write(session)
    header, *table = _table(content, fmt)
    places = Places.of(session, user.tenant_id)
    existing = {
        o.id: o
        for o in session.scalars(
            select(Offer).where(Offer.tenant_id == user.tenant_id, Offer.retired_at.is_(None))
        )
    }
    errors: dict[str, list[str]] = {}
    plan: list[tuple[Offer | None, dict]] = []
    seen: set[int] = set()
    for line, row in enumerate(table, start=2):
        if not any((c or "").strip() for c in row):
            continue
        raw = {COLUMNS[h]: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}
        values, problems = clean(raw, places)
        reasons = _line_errors(problems)
        current = _current(raw, existing, seen, reasons)
        why = None if problems else _scope(user, current, values)
        if why:
            reasons.append(f"gemeinde: {why}")
        if reasons:
            errors[f"Zeile {line}"] = reasons
        else:
            plan.append((current, values))
    if errors:
        raise InvalidInput(
            f"{len(errors)} fehlerhafte Zeile(n); nichts aus der Datei wurde importiert.", errors=errors
        )
    now, author = utcnow(), author_name(session, user)
    created = changed = 0
    for current, values in plan:
        if current is None:
            save_new(session, user, values, action="imported", now=now, author=author)
            created += 1
        elif save_change(session, user, current, values, action="imported", now=now, author=author):
            changed += 1
    session.flush()
    return ImportResult(created, changed, len(plan) - created - changed)
