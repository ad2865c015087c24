"""One rendered page per script family compared with a committed reference (pdftoppm at 40 dpi, grey).

A sheet that loses its font (boxes instead of letters), its direction (right-to-left set left-aligned)
or its layout moves the mean pixel difference far beyond the tolerance; anti-aliasing and small
version differences of Pango or poppler stay within it.

To regenerate the references after an intended change of the layout or a text:
``KIM_UPDATE_SHEET_REFERENCES=1 pytest tests/engine/sheets/test_rendering.py`` (then look at the PNGs
in tests/engine/sheets/reference/ before committing them).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from engine.sheets import catalogues, documents
from tests.sheets_pdf import first_page_png

REFERENCE = Path(__file__).resolve().parent / "reference"
TOLERANCE = 1.0  # mean absolute difference of grey values (0-255) over the page; another script: > 5
FAMILIES = {"latin": "fr", "cyrillic": "uk", "arabic": "ar", "ethiopic": "ti"}
DATA = documents.SheetData(
    tenant="Kreis Paderborn",
    controller="Kreis Paderborn, Der Landrat",
    dpo="Datenschutzbeauftragte, dsb@kreis.example",
    retention_days=1095,
    client="Amina Haddad",
    case_ref="PB-2026-0001",
)


def _page(code: str) -> Image.Image:
    sheet = documents.render("consent", code, catalogues.shipped("de"), catalogues.shipped(code), DATA)
    return Image.open(io.BytesIO(first_page_png(sheet.pdf))).convert("L")


def _difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size, (a.size, b.size)
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_consent_page_looks_like_its_reference(family):
    code = FAMILIES[family]
    page = _page(code)
    path = REFERENCE / f"consent_{family}.png"
    if os.environ.get("KIM_UPDATE_SHEET_REFERENCES"):
        REFERENCE.mkdir(exist_ok=True)
        page.save(path, optimize=True)
    reference = Image.open(path).convert("L")
    assert _difference(page, reference) <= TOLERANCE
    # and the tolerance can fail: another script's page is far from this reference
    other = "ar" if code != "ar" else "uk"
    assert _difference(_page(other), reference) > 3 * TOLERANCE
