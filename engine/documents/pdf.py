"""HTML to PDF with WeasyPrint: the one place that knows the layout engine.

Documents are HTML templates with CSS (page size, margins, running footers through ``@page``); the text
is shaped by Pango with the fonts installed on the machine, so every script the fonts cover is set
correctly, right-to-left included. Nothing is fetched from the network or the file system: the URL
fetcher allows ``data:`` URLs only, so a document can embed its own images and nothing else.
"""

from __future__ import annotations

import weasyprint

PDF_MEDIA_TYPE = "application/pdf"


def render_pdf(html: str) -> bytes:
    """The PDF of one HTML document (A4 unless its CSS says otherwise)."""
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    if pdf is None:  # only when a target is given; kept for the type checker
        raise RuntimeError("PDF konnte nicht erzeugt werden.")
    return bytes(pdf)
