#!/usr/bin/env bash
# The PDF documents (engine/documents, engine/sheets) are laid out by WeasyPrint on Debian's Pango with the
# installed fonts: DejaVu, and Noto for the clients' scripts (Latin, Cyrillic, Arabic, Ethiopic); the sheet
# tests read the PDFs back with poppler's pdftotext and pdftoppm. HarfBuzz's subsetter embeds only the glyphs a
# document uses (WeasyPrint warns without it).
# Idempotent: nothing happens when Pango, the fonts and the tools are there.
set -euo pipefail
if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
    || ! fc-list 2>/dev/null | grep -qi 'DejaVuSans' \
    || ! fc-list 2>/dev/null | grep -qi 'Noto Sans Ethiopic' || ! fc-list 2>/dev/null | grep -qi 'Noto Naskh Arabic' \
    || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-noto-core poppler-utils
fi
