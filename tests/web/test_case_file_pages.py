"""The Akte page (/cases/{id}/akte): add a note, upload and download a document, read completed forms;
what a coordinator sees of it."""

from __future__ import annotations

from io import BytesIO

from tests import casefile_data as files
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.web.helpers import web_login


def _case(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    return case


def test_the_case_manager_adds_a_note_uploads_and_downloads(client, login, db):
    case = _case(client, login)
    csrf = web_login(client, "cm-borchen")
    akte = f"/cases/{case['id']}/akte"
    assert f'href="{akte}"' in client.get(f"/cases/{case['id']}").text  # linked from the case page
    page = client.get(akte)
    assert page.status_code == 200 and "Fallakte" in page.text
    # completed forms read back: titles, labels, who
    assert (
        "Falleinschätzung" in page.text
        and "Kinderbetreuung" in page.text
        and "Prozessbegleitung" in page.text
    )
    assert "Kontaktweg" in page.text and "persönlich" in page.text and "in_person" not in page.text
    # a note: a future date is refused next to its field, nothing saved
    r = client.post(
        f"{akte}/notes",
        data={"csrf_token": csrf, "noted_on": "2999-01-01", "kind": "visit", "text": "Hausbesuch"},
    )
    assert r.status_code == 422 and "Zukunft" in r.text
    assert db.rows("SELECT count(*) FROM case_notes") == [(0,)]
    r = client.post(
        f"{akte}/notes",
        data={
            "csrf_token": csrf,
            "noted_on": "2026-11-04",
            "kind": "visit",
            "text": "Hausbesuch: Wohnung zu klein.",
        },
    )
    assert r.status_code == 303
    page = client.get(akte)
    assert "Hausbesuch: Wohnung zu klein." in page.text and "Der Vermerk ist gespeichert." in page.text
    # a document: an executable named .pdf is refused, a PDF is stored and downloaded as it was
    r = client.post(
        f"{akte}/documents",
        data={"csrf_token": csrf, "title": "Mietvertrag", "file": (BytesIO(files.elf()), "mietvertrag.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "Der Inhalt ist keine PDF-Datei" in r.text
    assert db.rows("SELECT count(*) FROM documents") == [(0,)]
    pdf = files.pdf()
    r = client.post(
        f"{akte}/documents",
        data={"csrf_token": csrf, "title": "Mietvertrag", "file": (BytesIO(pdf), "mietvertrag.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    page = client.get(akte).text
    ((doc_id,),) = db.rows("SELECT id FROM documents")
    link = f"{akte}/documents/{doc_id}"
    assert "Mietvertrag" in page and f'href="{link}"' in page
    r = client.get(link)
    assert r.status_code == 200 and r.data == pdf
    assert (
        r.headers["Content-Disposition"].startswith("attachment;")
        and "mietvertrag.pdf" in r.headers["Content-Disposition"]
    )
    assert db.rows(
        "SELECT username FROM audit_log WHERE case_id = :c AND action = 'document.read'", c=case["id"]
    ) == [("cm-borchen",)]


def test_a_coordinator_sees_the_file_without_personal_data(client, login):
    case = _case(client, login)
    h = login("cm-borchen")
    note = {"noted_on": "2026-11-04", "kind": "phone_call", "text": "Telefonat mit Frau Haddad über Kita."}
    assert client.post(f"/api/v1/cases/{case['id']}/notes", json=note, headers=h).status_code == 201
    r = client.post(
        f"/api/v1/cases/{case['id']}/documents",
        data={"title": "Pass Amina", "file": (BytesIO(files.png()), "pass.png")},
        headers=h,
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    web_login(client, "coordinator")
    page = client.get(f"/cases/{case['id']}/akte")
    assert page.status_code == 200 and "Pseudonymisierte Ansicht" in page.text
    assert "Telefonat" in page.text  # the kind and date of the note, not its text
    for secret in ("Amina", "Haddad", "Kita", "Pass", "pass.png", "Arbeit und Wohnung", "persönlich"):
        assert secret not in page.text, secret
    assert client.get(f"/cases/{case['id']}/akte/documents/{r.json['id']}").status_code == 403
    assert 'name="text"' not in page.text and 'type="file"' not in page.text
