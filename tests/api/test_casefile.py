"""The case file over the API: notes, documents (type from the content, encrypted, audited download),
completed forms read back, and what pseudonymised roles see of them."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from engine.casefile.documents import MAX_BYTES
from engine.clock import today_berlin
from tests import casefile_data as files
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

API = "/api/v1"
NOTE = {
    "noted_on": "2026-11-03",
    "kind": "phone_call",
    "text": "Vater fragt nach Arbeitserlaubnis (Duldung).",
}


def _upload(client, h, case_id, content, name, title="Bescheid", **fields):
    data = {"title": title, "file": (BytesIO(content), name), **fields}
    return client.post(
        f"{API}/cases/{case_id}/documents", data=data, headers=h, content_type="multipart/form-data"
    )


def _audit(db, case_id, action):
    return db.rows(
        "SELECT username FROM audit_log WHERE case_id = :c AND action = :a ORDER BY id", c=case_id, a=action
    )


def test_notes_are_added_listed_and_checked(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    member = db.rows("SELECT id FROM household_members WHERE case_id = :c", c=case["id"])[0][0]
    r = client.post(f"{API}/cases/{case['id']}/notes", json={**NOTE, "member_id": member}, headers=h)
    assert r.status_code == 201, r.json
    assert r.json["kind_label"] == "Telefonat" and r.json["author"] == "Case-Managerin Borchen"
    assert r.json["member"] == "Amina Haddad" and r.json["text"] == NOTE["text"]
    listed = client.get(f"{API}/cases/{case['id']}/notes", headers=h).json["items"]
    assert [n["text"] for n in listed] == [NOTE["text"]]
    assert _audit(db, case["id"], "note.create") == [("cm-borchen",)]
    assert _audit(db, case["id"], "note.list") != []
    # the text is stored encrypted
    ((raw,),) = db.rows("SELECT text FROM case_notes WHERE case_id = :c", c=case["id"])
    assert "Arbeitserlaubnis" not in raw and raw.startswith("gAAAAA")


def test_a_note_in_the_future_or_about_another_case_is_refused(client, login, db):
    h = login("cm-borchen")
    case, other = open_case(client, h), open_case(client, h, given_name="Samir")
    tomorrow = (today_berlin() + timedelta(days=1)).isoformat()
    r = client.post(f"{API}/cases/{case['id']}/notes", json={**NOTE, "noted_on": tomorrow}, headers=h)
    assert r.status_code == 422 and "noted_on" in r.json["errors"], r.json
    assert "Zukunft" in r.json["errors"]["noted_on"][0]
    stranger = db.rows("SELECT id FROM household_members WHERE case_id = :c", c=other["id"])[0][0]
    r = client.post(f"{API}/cases/{case['id']}/notes", json={**NOTE, "member_id": stranger}, headers=h)
    assert r.status_code == 422 and "member_id" in r.json["errors"], r.json
    r = client.post(f"{API}/cases/{case['id']}/notes", json={**NOTE, "kind": "fax"}, headers=h)
    assert r.status_code == 422 and "kind" in r.json["errors"]
    assert db.rows("SELECT count(*) FROM case_notes") == [(0,)]


def test_a_pdf_and_a_png_are_stored_encrypted_and_downloaded_byte_identical(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    pdf, png = files.pdf(), files.png()
    r = _upload(client, h, case["id"], pdf, "../../Bescheid Ausländerbehörde.PDF", title="Duldung bis 2027")
    assert r.status_code == 201, r.json
    doc = r.json
    assert doc["media_type"] == "application/pdf" and doc["size"] == len(pdf)
    assert doc["file_name"] == "Bescheid Ausländerbehörde.pdf" and doc["title"] == "Duldung bis 2027"
    r = _upload(client, h, case["id"], png, "foto.png", title="Foto Mietvertrag")
    assert r.status_code == 201 and r.json["media_type"] == "image/png"
    r = _upload(client, h, case["id"], files.xlsx(), "miete.xlsx", title="Mietaufstellung")
    assert r.status_code == 201 and r.json["file_name"] == "miete.xlsx"
    # bytes, title and file name in the database are not the plaintext
    for content, title, name in db.rows("SELECT content, title, file_name FROM documents"):
        raw = bytes(content)
        # the files' signatures hold a byte outside the token's base64 alphabet: never there by chance
        assert raw.startswith(b"gAAAAA") and b"%PDF-" not in raw and b"\x89PNG" not in raw
        assert "Duldung" not in title and "Bescheid" not in name
    r = client.get(f"{API}/cases/{case['id']}/documents/{doc['id']}/download", headers=h)
    assert r.status_code == 200 and r.data == pdf and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert "Bescheid" in r.headers["Content-Disposition"] and "/" not in r.headers["Content-Disposition"]
    assert _audit(db, case["id"], "document.read") == [("cm-borchen",)]
    listed = client.get(f"{API}/cases/{case['id']}/documents", headers=h).json["items"]
    assert [x["title"] for x in listed] == ["Mietaufstellung", "Foto Mietvertrag", "Duldung bis 2027"]


def test_an_executable_renamed_to_pdf_is_refused_and_nothing_is_saved(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    r = _upload(client, h, case["id"], files.elf(), "bescheid.pdf")
    assert r.status_code == 422, r.json
    assert r.json["errors"]["file"][0].startswith("Der Inhalt ist keine PDF-Datei")
    r = _upload(client, h, case["id"], files.png(), "bescheid.pdf")  # a real image, named as a PDF
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = _upload(client, h, case["id"], files.pdf(), "setup.exe")
    assert r.status_code == 422 and "Nur PDF" in r.json["errors"]["file"][0]
    r = _upload(client, h, case["id"], files.pdf(), "a.pdf", title="  ")
    assert r.status_code == 422 and "title" in r.json["errors"]
    r = _upload(client, h, case["id"], files.pdf(), "a.pdf", member_id="x")
    assert r.status_code == 422 and "member_id" in r.json["errors"]
    assert db.rows("SELECT count(*) FROM documents") == [(0,)]
    assert _audit(db, case["id"], "document.create") == []


def test_a_document_over_the_limit_is_refused(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    big = files.pdf() + b"\n%" + b"x" * MAX_BYTES  # just over 10 MB: the engine says so on `file`
    r = _upload(client, h, case["id"], big, "gross.pdf")
    assert r.status_code == 422 and "10 MB" in r.json["errors"]["file"][0], r.json
    huge = files.pdf() + b"x" * (MAX_BYTES + 512 * 1024)  # beyond the upload request's limit: 413
    r = _upload(client, h, case["id"], huge, "riesig.pdf")
    assert r.status_code == 413 and r.mimetype == "application/problem+json"
    # other requests keep the ordinary 2 MiB limit
    r = client.post(
        f"{API}/cases/{case['id']}/notes", json={**NOTE, "text": "x" * (3 * 1024 * 1024)}, headers=h
    )
    assert r.status_code == 413
    assert db.rows("SELECT count(*) FROM documents") == [(0,)]


def test_completed_forms_read_back_with_labels_who_and_when(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    r = client.get(f"{API}/cases/{case['id']}/forms", headers=h)
    assert r.status_code == 200, r.json
    items = r.json["items"]
    assert [f["title"] for f in items] == ["Erstgespräch", "Einwilligung", "Falleinschätzung"]
    assert {f["who"] for f in items} == {"Case-Managerin Borchen"} and all(f["completed_at"] for f in items)
    first = {v["title"]: v["text"] for v in items[0]["fields"]}
    assert first["Kontaktweg"] == "persönlich" and first["Datum des Erstgesprächs"] == "02.11.2026"
    consent = {v["title"]: v["text"] for v in items[1]["fields"]}
    assert "Jobcenter" in consent[next(k for k in consent if "Schweigepflicht" in k or "Stellen" in k)]
    needs = next(v for v in items[2]["fields"] if v["key"] == "needs")
    assert needs["columns"] == ["Lebensbereich"] and needs["rows"] == [["Wohnen"], ["Kinderbetreuung"]]
    route = next(v for v in items[2]["fields"] if v["key"] == "route")
    assert route["title"] == "Weiteres Vorgehen" and route["text"] == "Prozessbegleitung"


def test_pseudonymised_roles_see_no_note_text_document_or_form_values(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    assert client.post(f"{API}/cases/{case['id']}/notes", json=NOTE, headers=h).status_code == 201
    doc = _upload(client, h, case["id"], files.pdf(), "Pass Haddad.pdf", title="Pass von Amina").json
    for role in ("coordinator", "steering", "dpo"):
        c = login(role)
        for what in ("notes", "documents", "forms"):
            r = client.get(f"{API}/cases/{case['id']}/{what}", headers=c)
            assert r.status_code == 200, (role, what, r.json)
            body = r.get_data(as_text=True)
            for secret in ("Arbeitserlaubnis", "Pass", "Amina", "Haddad", "Arbeit und Wohnung", "persönlich"):
                assert secret not in body, (role, what, secret)
            assert r.json["items"], (role, what)
        r = client.get(f"{API}/cases/{case['id']}/documents/{doc['id']}/download", headers=c)
        assert r.status_code == 403 and b"%PDF" not in r.data
    assert _audit(db, case["id"], "document.read") == []
    for role in ("abh", "process-owner", "admin"):
        r = client.get(f"{API}/cases/{case['id']}/notes", headers=login(role))
        assert r.status_code == 403
    other = login("cm-delbrueck")
    assert client.get(f"{API}/cases/{case['id']}/notes", headers=other).status_code == 404
    r = client.get(f"{API}/cases/{case['id']}/documents/{doc['id']}/download", headers=other)
    assert r.status_code == 404
    assert (
        client.post(f"{API}/cases/{case['id']}/notes", json=NOTE, headers=login("coordinator")).status_code
        == 403
    )
