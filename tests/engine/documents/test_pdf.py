"""The layout engine: German text in, a PDF out, nothing fetched from outside."""

from engine.documents.pdf import render_pdf


def test_a_document_becomes_a_pdf_with_its_text():
    pdf = render_pdf("<html lang='de'><body><h1>Tagesordnung</h1><p>Straße, Übersicht</p></body></html>")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000


def test_a_document_cannot_load_files_or_urls(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with_file = render_pdf(f"<img src='file://{secret}'><img src='http://127.0.0.1:9/x.png'><p>x</p>")
    plain = render_pdf("<p>x</p>")
    # Refused resources leave the page as it is without them.
    assert abs(len(with_file) - len(plain)) < 200
