"""The Ist-/Bedarfsanalyse as an XLSX workbook: one sheet per municipality (for the Lenkungsgruppe)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font


def _cell(value: int | None, min_count: int):
    return f"<{min_count}" if value is None else value


def to_xlsx(data: dict) -> bytes:
    """One sheet per municipality: life area, needs, offers (own, county-wide), gaps and gaps by reason."""
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has its sheet
    book.remove(first)
    m = data["min_count"]
    reasons = data["reasons"]
    for place in data["municipalities"]:
        sheet = book.create_sheet(place["name"][:31])
        region = f" (Region {place['region']})" if place.get("region") else ""
        sheet.append([f"Ist-/Bedarfsanalyse {place['name']}{region}, Schuljahr {data['school_year']}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append([f"Fallzahlen unter {m} sind unterdrückt („<{m}“); keine personenbezogenen Daten."])
        header = [
            "Lebensbereich",
            "Bedarf (Fälle)",
            "Angebote vor Ort",
            "Angebote kreisweit",
            "Kein passendes Angebot",
        ]
        sheet.append(header + [f"davon: {r['label']}" for r in reasons])
        for row in place["rows"]:
            sheet.append(
                [
                    row["life_area_label"],
                    _cell(row["needs"], m),
                    row["offers_local"],
                    row["offers_county"],
                    _cell(row["gaps"], m),
                    *(_cell(row["gaps_by_reason"][r["code"]], m) for r in reasons),
                ]
            )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
