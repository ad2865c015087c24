"""The figures as a table (CSV and XLSX): one row per county, municipality, region and team."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

# (figure, breakdown prefix of its columns' headers); a breakdown has one column per code, headed by the
# code's label (fig["labels"], from engine/vocabulary.py).
FIGURES = (
    ("persons_supported", "Unterstützte Personen (Erstgespräche)"),
    ("cm_cases", "CM-Fälle (mit Zielvereinbarung)"),
    ("referrals", "Verweisungen gesamt"),
    ("referrals_by_agency", "Verweisungen"),
    ("closures", "Abschlüsse gesamt"),
    ("closures_by_reason", "Abschluss"),
    ("goals_met_by_result", "Zielerreichung"),
    ("topics_raised", "Themen eingebracht"),
    ("topics_raised_by_category", "Themen"),
    ("topics_escalated_by_level", "Eskaliert an"),
    ("topics_resolved_by_level", "Gelöst"),
)


def columns(fig: dict) -> list[tuple[str, str | None, str]]:
    """(figure, code or None, header) of every column after the scope columns."""
    out: list[tuple[str, str | None, str]] = []
    for field, header in FIGURES:
        if field in fig["labels"]:
            out += [(field, code, f"{header}: {name}") for code, name in fig["labels"][field].items()]
        else:
            out.append((field, None, header))
    return out


def table(fig: dict) -> list[list]:
    """Header plus one row per scope; suppressed counts as '<n'."""
    hidden = f"<{fig['min_count']}"
    cols = columns(fig)
    header = ["Schuljahr", "Ebene", "Name", "Region"] + [label for _f, _c, label in cols]

    def row(scope: str, name: str, region, data: dict) -> list:
        cells = []
        for field, code, _label in cols:
            value = data[field] if code is None else data[field].get(code, 0)
            path = field if code is None else f"{field}.{code}"
            cells.append(hidden if value is None and path in data.get("suppressed", []) else (value or 0))
        return [fig["school_year"], scope, name, region or "", *cells]

    rows = [header, row("Kreis", "Gesamt", None, fig["totals"])]
    rows += [row("Gemeinde", r["municipality"], r["region"], r) for r in fig["by_municipality"]]
    rows += [row("Region", r["region"], None, r) for r in fig["by_region"]]
    rows += [row("Team", r["team"], None, r) for r in fig["by_team"]]
    return rows


NOTE = (
    "Schuljahr 1. August bis 31. Juli. Unterstützte Personen: dokumentierte Erstgespräche; CM-Fälle: "
    "Prozessbegleitungen mit Zielvereinbarung. Werte unter {n} sind zum Schutz einzelner Personen "
    "ausgeblendet (<{n}), ebenso je Kennzahl ein weiterer Wert, wenn sonst ein ausgeblendeter Wert "
    "aus der Summe errechnet werden könnte."
)


def csv_text(rows: list[list]) -> str:
    """CSV (semicolon-separated, CRLF, as German spreadsheet programs expect), with a BOM for Excel."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buf.getvalue()


def workbook(sheets: list[tuple[str, list[list]]], *, freeze: str, name_width: int) -> bytes:
    """An XLSX workbook: the first sheet a table (bold header, frozen at ``freeze``, column C
    ``name_width`` wide), every further sheet its rows as they are."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one worksheet
    (title, rows), *others = sheets
    sheet.title = title
    for values in rows:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = freeze
    sheet.column_dimensions["C"].width = name_width
    for other_title, other_rows in others:
        other = book.create_sheet(other_title)
        for values in other_rows:
            other.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(fig: dict) -> str:
    """CSV (semicolon-separated, as German spreadsheet programs expect), with a BOM for Excel."""
    return csv_text(table(fig))


def to_xlsx(fig: dict) -> bytes:
    """An XLSX workbook: the figures and a sheet with the notes."""
    notes = [["Kennzahlen KIM (Programmcontrolling)", fig["school_year"]], [NOTE.format(n=fig["min_count"])]]
    title = f"Kennzahlen {fig['school_year'].replace('/', '-')}"
    return workbook([(title, table(fig)), ("Hinweise", notes)], freeze="E2", name_width=26)
