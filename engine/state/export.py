"""The programme controlling export of a school year: one row per county, CSV, XLSX and JSON.

The layout (docs/state.md): the columns ``school_year``, ``tenant_key``, ``tenant_name``, then per figure
its total and, for a figure with a breakdown, one column per code named ``<breakdown>.<code>``
(e.g. ``referrals_by_agency.jobcenter``), in the order of ``columns``. The same column codes head the
CSV and the XLSX sheet and key the JSON rows. A suppressed count is ``<n`` in CSV and XLSX (n: the
minimum count) and ``null`` in JSON, where each row also lists its suppressed columns.
"""

from __future__ import annotations

import json
from datetime import date

from ..reports import export as county_export
from ..reports.figures import FIGURES

LAYOUT = "kim-programmcontrolling-land/1"
KEYS = (("school_year", "Schuljahr"), ("tenant_key", "Kennung"), ("tenant_name", "Kreis / kreisfreie Stadt"))
# The German name of each figure and breakdown: the county export's headers, and the three totals it
# does not show on their own.
NAMES = {
    **dict(county_export.FIGURES),
    "goals_met": "Abschlussauswertungen gesamt",
    "topics_escalated": "Themen eskaliert gesamt",
    "topics_resolved": "Themen gelöst gesamt",
}
NOTE = county_export.NOTE + (
    " Eine Zeile je Kreis und kreisfreier Stadt; die Landesebene selbst wird nicht gezählt. "
    "Spaltencodes und Aufbau: docs/state.md ({layout})."
)


def columns(fig: dict) -> list[tuple[str, str]]:
    """(code, German label) of every column, in order."""
    out = list(KEYS)
    for name, (_kind, breakdown) in FIGURES.items():
        out.append((name, NAMES[name]))
        if breakdown:
            prefix = NAMES[breakdown]
            codes = fig["labels"][breakdown].items()
            out += [(f"{breakdown}.{code}", f"{prefix}: {label}") for code, label in codes]
    return out


def _value(row: dict, code: str):
    if "." in code:
        breakdown, key = code.split(".", 1)
        return row[breakdown].get(key, 0)
    return row[code]


def records(fig: dict) -> list[dict]:
    """One dict per county: column code -> count (None: suppressed), plus ``suppressed``."""
    out = []
    for row in fig["tenants"]:
        record: dict = {"school_year": fig["school_year"]}
        for code, _label in columns(fig)[1:]:
            record[code] = _value(row, code)
        record["suppressed"] = sorted(row["suppressed"])
        out.append(record)
    return out


def table(fig: dict) -> list[list]:
    """The header of column codes, then one row per county; suppressed counts as '<n'."""
    hidden = f"<{fig['min_count']}"
    codes = [code for code, _label in columns(fig)]
    rows: list[list] = [codes]
    for record in records(fig):
        gone = set(record["suppressed"])
        rows.append([hidden if code in gone else record[code] for code in codes])
    return rows


def to_csv(fig: dict) -> str:
    """CSV: semicolons, CRLF and a BOM (as German spreadsheet programs expect), as the county export."""
    return county_export.csv_text(table(fig))


def to_xlsx(fig: dict) -> bytes:
    """XLSX: the sheet "Kennzahlen" as the CSV, a sheet "Spalten" (code, label) and "Hinweise"."""
    legend = [["Spalte", "Bezeichnung"], *([code, label] for code, label in columns(fig))]
    notes = [
        ["Programmcontrolling KIM, alle Kreise und kreisfreien Städte", fig["school_year"]],
        [NOTE.format(n=fig["min_count"], layout=LAYOUT)],
    ]
    sheets = [("Kennzahlen", table(fig)), ("Spalten", legend), ("Hinweise", notes)]
    return county_export.workbook(sheets, freeze="D2", name_width=32)


def document(fig: dict) -> dict:
    """The JSON export: layout, school year and period, minimum count, columns and rows."""
    return {
        "layout": LAYOUT,
        "school_year": fig["school_year"],
        "period_start": fig["period_start"].isoformat(),
        "period_end": fig["period_end"].isoformat(),
        "min_count": fig["min_count"],
        "columns": [{"code": code, "label": label} for code, label in columns(fig)],
        "rows": records(fig),
    }


def to_json(fig: dict) -> str:
    """``document`` as UTF-8 JSON text."""
    return json.dumps(document(fig), ensure_ascii=False, default=_iso, indent=1)


def _iso(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
