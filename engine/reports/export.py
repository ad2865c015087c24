"""The figures as a table (CSV and XLSX): one row per county, municipality, region and team."""
from __future__ import annotations

import csv
import io

from ..consents.service import AGENCIES
from ..escalations.steps import CATEGORIES, LEVELS

CLOSURE_REASONS = {"goals_met": "Ziele erreicht", "referred": "Verwiesen", "moved_away": "Weggezogen",
                   "no_contact": "Kein Kontakt mehr", "client_request": "Auf Wunsch der Person", "other": "Sonstiges",
                   "no_consent": "Keine Einwilligung", "consent_withdrawn": "Einwilligung widerrufen"}
GOALS = {"all": "alle Ziele erreicht", "partly": "teilweise", "none": "keine"}
ESCALATED = ("steering", "working_group", "state")
RESOLVED = ("local", "steering", "working_group", "state")
COLUMNS = (
    [("persons_supported", None, "Unterstützte Personen (Erstgespräche)"), ("cm_cases", None, "CM-Fälle (mit Zielvereinbarung)"),
     ("referrals", None, "Verweisungen gesamt")]
    + [("referrals_by_agency", k, f"Verweisungen: {v}") for k, v in AGENCIES.items()]
    + [("closures", None, "Abschlüsse gesamt")]
    + [("closures_by_reason", k, f"Abschluss: {v}") for k, v in CLOSURE_REASONS.items()]
    + [("goals_met_by_result", k, f"Zielerreichung: {v}") for k, v in GOALS.items()]
    + [("topics_raised", None, "Themen eingebracht")]
    + [("topics_raised_by_category", k, f"Themen: {v}") for k, v in CATEGORIES.items()]
    + [("topics_escalated_by_level", k, f"Eskaliert an: {LEVELS[k]}") for k in ESCALATED]
    + [("topics_resolved_by_level", k, f"Gelöst: {LEVELS[k]}") for k in RESOLVED]
)


def table(fig: dict) -> list[list]:
    """Header plus one row per scope; suppressed counts as '<n'."""
    hidden = f"<{fig['min_count']}"
    header = ["Schuljahr", "Ebene", "Name", "Region"] + [label for _f, _c, label in COLUMNS]

    def row(scope: str, name: str, region, data: dict) -> list:
        cells = []
        for field, code, _label in COLUMNS:
            value = data[field] if code is None else data[field].get(code, 0)
            path = field if code is None else f"{field}.{code}"
            cells.append(hidden if value is None and path in data.get("suppressed", []) else (value or 0))
        return [fig["school_year"], scope, name, region or ""] + cells

    rows = [header, row("Kreis", "Gesamt", None, fig["totals"])]
    rows += [row("Gemeinde", r["municipality"], r["region"], r) for r in fig["by_municipality"]]
    rows += [row("Region", r["region"], None, r) for r in fig["by_region"]]
    rows += [row("Team", r["team"], None, r) for r in fig["by_team"]]
    return rows


NOTE = ("Schuljahr 1. August bis 31. Juli. Unterstützte Personen: dokumentierte Erstgespräche; CM-Fälle: "
        "Prozessbegleitungen mit Zielvereinbarung. Werte unter {n} sind zum Schutz einzelner Personen "
        "ausgeblendet (<{n}), ebenso je Kennzahl ein weiterer Wert, wenn sonst ein ausgeblendeter Wert "
        "aus der Summe errechnet werden könnte.")


def to_csv(fig: dict) -> str:
    """CSV (semicolon-separated, as German spreadsheet programs expect), with a BOM for Excel."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerows(table(fig))
    return "\ufeff" + buf.getvalue()


def to_xlsx(fig: dict) -> bytes:
    """An XLSX workbook: the figures and a sheet with the notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Kennzahlen {fig['school_year'].replace('/', '-')}"
    for values in table(fig):
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "E2"
    sheet.column_dimensions["C"].width = 26
    notes = book.create_sheet("Hinweise")
    notes.append(["Kennzahlen KIM (Programmcontrolling)", fig["school_year"]])
    notes.append([NOTE.format(n=fig["min_count"])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
