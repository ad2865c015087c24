"""The case file's pieces on their own: file names, the type from the content, forms as read, retention."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest

from engine.casefile.documents import checked_type, safe_name
from engine.casefile.forms import readable
from engine.clock import utcnow
from engine.errors import InvalidInput
from engine.retention.jobs import run
from tests import casefile_data as files
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case


def test_file_names_lose_folders_and_odd_characters():
    assert safe_name("../../etc/passwd.pdf") == ("passwd", "pdf")
    assert safe_name("C:\\Users\\x\\Bescheid <ABH>.PDF") == ("Bescheid _ABH", "pdf")
    assert safe_name("") == ("Dokument", "")
    assert safe_name(".pdf") == ("Dokument", "pdf")


def test_the_type_comes_from_the_content():
    assert checked_type("a.pdf", files.pdf()) == ("application/pdf", "a.pdf")
    assert checked_type("Foto.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 20)[1] == "Foto.jpg"
    with pytest.raises(InvalidInput) as refused:
        checked_type("bescheid.pdf", files.elf())
    assert refused.value.errors["file"][0].startswith("Der Inhalt ist keine PDF-Datei")
    with pytest.raises(InvalidInput) as refused:
        checked_type("bild.png", files.pdf())
    assert refused.value.errors["file"][0].startswith("Der Inhalt ist kein PNG-Bild")


def test_a_form_reads_as_titles_and_labels():
    schema = {
        "properties": {
            "when": {"title": "Datum", "type": "string", "format": "date"},
            "ok": {"title": "Erledigt", "type": "boolean"},
            "route": {"title": "Weiteres Vorgehen", "type": "string", "enum": ["referral", "accompaniment"]},
            "needs": {
                "title": "Bedarfe",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"life_area": {"title": "Lebensbereich", "enum": []}},
                },
            },
            "empty": {"title": "Leer", "type": "string"},
        }
    }
    data = {
        "ok": False,
        "when": "2026-11-02",
        "route": "referral",
        "needs": [{"life_area": "housing"}],
        "empty": "",
    }
    out = {f.title: f for f in readable("assessment", schema, data)}
    assert [f.title for f in readable("assessment", schema, data)] == [
        "Datum",
        "Erledigt",
        "Weiteres Vorgehen",
        "Bedarfe",
    ]
    assert out["Datum"].text == "02.11.2026" and out["Erledigt"].text == "nein"
    assert out["Weiteres Vorgehen"].text == "Verweisberatung"
    assert out["Bedarfe"].columns == ["Lebensbereich"] and out["Bedarfe"].rows == [["Wohnen"]]


def test_retention_removes_notes_text_and_documents(client, login, app, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_NO)  # closes the case
    note = {"noted_on": "2026-11-03", "kind": "letter", "text": "Brief der Ausländerbehörde erhalten."}
    assert client.post(f"/api/v1/cases/{case['id']}/notes", json=note, headers=h).status_code == 201
    r = client.post(
        f"/api/v1/cases/{case['id']}/documents",
        data={"title": "Brief", "file": (BytesIO(files.pdf()), "brief.pdf")},
        headers=h,
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.json
    report = run(app.extensions["kim"]["sessions"], default_days=1, now=utcnow() + timedelta(days=2))
    assert report.anonymised == [case["pseudonym"]]
    assert db.rows("SELECT count(*) FROM documents WHERE case_id = :c", c=case["id"]) == [(0,)]
    assert db.rows("SELECT kind, text FROM case_notes WHERE case_id = :c", c=case["id"]) == [("letter", None)]
    ((removed,),) = db.rows(
        "SELECT CAST(removed AS TEXT) FROM deletion_records WHERE case_id = :c", c=case["id"]
    )
    assert '"note_texts": 1' in removed.replace(":1", ": 1") and '"documents": 1' in removed.replace(
        ":1", ": 1"
    )
    # once erased, the case file takes nothing new
    r = client.post(f"/api/v1/cases/{case['id']}/notes", json=note, headers=h)
    assert r.status_code == 409
