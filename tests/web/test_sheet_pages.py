"""The sheets in the browser's pages: "Bogen drucken" on the consent step in the first contact's
languages, the PDF link, and the catalogue page (upload refused naming the message id, reset)."""

from __future__ import annotations

import re
from io import BytesIO

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready
from tests.sheets_pdf import count_in, pdf_text
from tests.web.helpers import web_login

GOOD = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: KIM Bögen 3\\n"\n"X-Review-State: draft\\n"\n\n'
    'msgid "about.title"\nmsgstr "Что такое KIM? (юридический отдел)"\n'
)
BAD = GOOD + '\nmsgid "about.contact"\nmsgstr "Контакт"\n'


def test_the_consent_step_offers_the_sheets_in_the_first_contact_languages(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h, languages=["ar", "de"])
    complete(client, h, case["id"], "first_contact", {**d.FIRST_CONTACT, "language": "Tigrinya"})
    (task,) = [t for t in ready(client, h, case["id"]) if t["bpmn_id"] == "consent"]
    csrf = web_login(client, "cm-borchen")
    page = client.get(f"/tasks/{task['id']}").text
    assert "Bogen drucken" in page
    section = page[page.index('id="h-sheets"') : page.index("</section>", page.index('id="h-sheets"'))]
    names = re.findall(r"<strong>([^<]+):</strong>", section)
    assert names == ["Tigrinya", "Arabisch", "Deutsch"]
    links = re.findall(r'href="([^"]+\.pdf[^"]*)"', section)
    assert f"/cases/{case['id']}/boegen/consent.pdf?lang=ti" in links and len(links) == 12
    r = client.get(f"/cases/{case['id']}/boegen/consent.pdf?lang=ti")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert count_in(pdf_text(r.data), "ethiopic") > 50
    r = client.get(f"/cases/{case['id']}/boegen/consent.pdf?lang=quenya")
    assert r.status_code == 422 and "keine bekannte Sprache" in r.text
    # other steps do not offer it; another municipality's case manager gets no PDF
    assert "Bogen drucken" not in client.get("/").text
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "cm-delbrueck")
    assert client.get(f"/cases/{case['id']}/boegen/consent.pdf?lang=ti").status_code == 404


def test_the_catalogue_page_uploads_refuses_naming_the_message_and_resets(client, login, db):
    csrf = web_login(client, "coordinator")
    home = client.get("/").text
    assert 'href="/boegen/kataloge"' in home
    page = client.get("/boegen/kataloge")
    assert page.status_code == 200 and "Übersetzungen der Bögen" in page.text
    assert "Tigrinya (ti)" in page.text and "keine Übersetzung" in page.text  # Sorani: none
    r = client.post(
        "/boegen/kataloge",
        data={"csrf_token": csrf, "language": "ru", "file": (BytesIO(BAD.encode()), "ru.po")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "„about.contact“ fehlt der Platzhalter {tenant}" in r.text
    assert db.rows("SELECT count(*) FROM sheet_catalogues") == [(0,)]
    r = client.post(
        "/boegen/kataloge",
        data={"csrf_token": csrf, "language": "ru", "file": (BytesIO(GOOD.encode()), "ru.po")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    page = client.get("/boegen/kataloge").text
    assert "Der Katalog ist gespeichert" in page and "eigene Fassung des Trägers" in page
    assert db.rows("SELECT language, review_state, version FROM sheet_catalogues") == [("ru", "draft", "3")]
    r = client.post("/boegen/kataloge/ru/reset", data={"csrf_token": csrf})
    assert r.status_code == 303 and db.rows("SELECT count(*) FROM sheet_catalogues") == [(0,)]
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "cm-borchen")
    assert client.get("/boegen/kataloge").status_code == 403
    assert 'href="/boegen/kataloge"' not in client.get("/").text
