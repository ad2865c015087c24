"""Client sheets over the API: the case's PDFs (scope, audit, exactly the chosen agencies), the tenant's
catalogues (checked upload, nothing stored on error, reset), the interpreter rule and the signed scan."""

from __future__ import annotations

from io import BytesIO

from engine.sheets import catalogues, documents
from tests import casefile_data as files
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.sheets_pdf import count_in, pdf_lines, pdf_text

API = "/api/v1"
HEAD = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: KIM Bögen 2\\n"\n'
    '"Content-Type: text/plain; charset=utf-8\\n"\n'
    '"X-Review-State: reviewed\\n"\n"X-Reviewed-By: Übersetzungsbüro Nord (vereidigt)\\n"\n'
    '"X-Reviewed-On: 2026-11-30\\n"\n\n'
)
# the legal department's reviewed wording of the two sheets a consent is signed on (the rest stays shipped)
SIGNED_IDS = documents.needed("consent") + documents.needed("release")
AR = {**catalogues.shipped("ar").messages, "consent.title": "الموافقة على معالجة البيانات الشخصية مراجعة"}
REVIEWED_AR = HEAD + "".join(f'msgid "{k}"\nmsgstr "{AR[k]}"\n\n' for k in SIGNED_IDS)
BROKEN_AR = REVIEWED_AR + 'msgid "info.storage"\nmsgstr "مدة التخزين: {retention_days} يومًا"\n'


def _consented(client, h, **consent):
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    complete(client, h, case["id"], "consent", d.not_after_today({**d.CONSENT_YES, **consent}))
    return case


def _sheet(client, h, case_id, document, query):
    return client.get(f"{API}/cases/{case_id}/sheets/{document}.pdf?{query}", headers=h)


def _upload(client, h, language, text):
    data = {"file": (BytesIO(text.encode("utf-8")), f"{language}.po")}
    return client.put(
        f"{API}/sheets/catalogues/{language}", data=data, headers=h, content_type="multipart/form-data"
    )


def test_the_case_manager_prints_the_release_naming_exactly_the_case_releases(client, login, db):
    h = login("cm-borchen")
    case = _consented(client, h)
    r = _sheet(client, h, case["id"], "release", "lang=ar")
    assert r.status_code == 200 and r.mimetype == "application/pdf", r.data[:300]
    assert r.headers["Cache-Control"] == "no-store"
    listed = [line.removeprefix("•").strip() for line in pdf_lines(r.data) if line.startswith("•")]
    assert listed == ["Jobcenter (SGB II)", "Ausländerbehörde"]
    text = pdf_text(r.data)
    assert count_in(text, "arabic") > 100 and "Amina Haddad" in text
    # a release being prepared: the agencies asked for, nothing else
    r = _sheet(client, h, case["id"], "release", "lang=uk&agencies=jmd,school")
    listed = [line.removeprefix("•").strip() for line in pdf_lines(r.data) if line.startswith("•")]
    assert listed == ["Jugendmigrationsdienst (JMD)", "Schule"] and "Jobcenter" not in pdf_text(r.data)
    prints = db.rows(
        "SELECT username, detail FROM audit_log WHERE case_id = :c AND action = 'sheet.print'", c=case["id"]
    )
    assert [p[0] for p in prints] == ["cm-borchen", "cm-borchen"]


def test_the_information_sheet_carries_the_tenant_dpo_and_storage_period(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    db.execute("UPDATE tenants SET retention_days = 730")
    text = pdf_text(_sheet(client, h, case["id"], "information", "lang=Farsi").data)
    assert "datenschutz@kreis-paderborn.de" in text and "Aldegreverstraße" in text
    assert "Ihre Daten werden 730 Tage nach dem Abschluss" in text and text.count("730") == 2


def test_unknown_language_document_or_agency_and_other_scopes_are_refused(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    r = _sheet(client, h, case["id"], "consent", "lang=klingonisch")
    assert r.status_code == 422 and "keine bekannte Sprache" in r.json["errors"]["lang"][0], r.json
    assert _sheet(client, h, case["id"], "consent", "").status_code == 422
    assert _sheet(client, h, case["id"], "leaflet", "lang=ar").status_code == 404
    r = _sheet(client, h, case["id"], "release", "lang=ar&agencies=secret_service")
    assert r.status_code == 422 and "agencies" in r.json["errors"]
    r = _sheet(client, login("cm-delbrueck"), case["id"], "consent", "lang=ar")
    assert r.status_code == 404 and "keinen Zugriff" in r.json["detail"]
    assert _sheet(client, login("coordinator"), case["id"], "consent", "lang=ar").status_code == 403


def test_a_language_without_catalogue_prints_german_with_a_notice(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    text = pdf_text(_sheet(client, h, case["id"], "about", "lang=ckb").data)
    assert "Dieser Bogen liegt in der Sprache Sorani noch nicht vor." in text
    assert "KIM heißt Kommunales Integrationsmanagement." in text


def test_a_catalogue_with_a_broken_placeholder_is_refused_naming_the_message_and_nothing_stored(
    client, login, db
):
    h = login("coordinator")
    r = _upload(client, h, "ar", BROKEN_AR)
    assert r.status_code == 422, r.json
    message = r.json["errors"]["catalogue"][0]
    assert "„info.storage“" in message and "{retention}" in message, message
    assert db.rows("SELECT count(*) FROM sheet_catalogues") == [(0,)]
    assert _upload(client, login("cm-borchen"), "ar", REVIEWED_AR).status_code == 403
    r = _upload(client, h, "xx", REVIEWED_AR)
    assert r.status_code == 422 and "language" in r.json["errors"]
    assert db.rows("SELECT count(*) FROM sheet_catalogues") == [(0,)]


def test_a_reviewed_upload_overrides_the_shipped_draft_until_reset(client, login, db):
    coord, cm = login("process-owner"), login("cm-borchen")
    r = _upload(client, coord, "ar", REVIEWED_AR)
    assert r.status_code == 200, r.json
    assert r.json["source"] == "tenant" and r.json["review_state"] == "reviewed"
    assert r.json["reviewed_by"] == "Übersetzungsbüro Nord (vereidigt)" and r.json["version"] == "2"
    listed = {c["code"]: c for c in client.get(f"{API}/sheets/catalogues", headers=coord).json["items"]}
    assert listed["ar"]["source"] == "tenant" and listed["fa"]["source"] == "shipped"
    assert listed["fa"]["review_state"] == "draft" and listed["ckb"]["source"] == "none"
    case = open_case(client, cm)
    text = pdf_text(_sheet(client, cm, case["id"], "consent", "lang=ar").data)
    assert "مراجعة" in text and "Katalog ar 2 Träger (geprüft)" in text
    assert "Diese Übersetzung ist ein Entwurf" not in text
    # the information sheet's texts are still the shipped draft: it says so
    text = pdf_text(_sheet(client, cm, case["id"], "information", "lang=ar").data)
    assert "Katalog ar 2 Träger (Entwurf)" in text and "Diese Übersetzung ist ein Entwurf" in text
    # reviewed: a consent in Arabic needs no interpreter now
    complete(client, cm, case["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    complete(client, cm, case["id"], "consent", d.not_after_today({**d.CONSENT_YES, "sheet_language": "ar"}))
    assert db.rows(
        "SELECT DISTINCT sheet_language, sheet_version, interpreter_service FROM consents WHERE case_id = :c",
        c=case["id"],
    ) == [("ar", "ar 2 Träger (geprüft)", None)]
    assert client.delete(f"{API}/sheets/catalogues/ar", headers=coord).status_code == 204
    assert client.delete(f"{API}/sheets/catalogues/ar", headers=coord).status_code == 404
    text = pdf_text(_sheet(client, cm, case["id"], "consent", "lang=ar").data)
    assert "Katalog ar 1 (Entwurf)" in text and "Diese Übersetzung ist ein Entwurf" in text
    actions = [
        a
        for (a,) in db.rows("SELECT action FROM audit_log WHERE action LIKE 'sheet_catalogue.%' ORDER BY id")
    ]
    assert actions == ["sheet_catalogue.upload", "sheet_catalogue.reset"]


def test_a_consent_on_a_draft_sheet_needs_the_interpreting_service(client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    consent = d.not_after_today({**d.CONSENT_YES, "sheet_language": "ti"})
    r = complete(client, h, case["id"], "consent", consent, expect=422)
    assert "Tigrinya nur als Entwurf" in r["errors"]["interpreter_service"][0]
    assert db.rows("SELECT count(*) FROM consents WHERE case_id = :c", c=case["id"]) == [(0,)]
    r = complete(client, h, case["id"], "consent", {**consent, "sheet_language": "ckb"}, expect=422)
    assert "Sorani noch nicht vor" in r["errors"]["interpreter_service"][0]
    r = complete(client, h, case["id"], "consent", {**consent, "sheet_language": "elbisch"}, expect=422)
    assert "sheet_language" in r["errors"]
    complete(client, h, case["id"], "consent", {**consent, "interpreter_service": "Dolmetscherpool Kreis PB"})
    rows = db.rows(
        "SELECT kind, sheet_language, sheet_version, interpreter_service FROM consents "
        "WHERE case_id = :c ORDER BY id",
        c=case["id"],
    )
    assert rows == [
        ("data_processing", "ti", "ti 1 (Entwurf)", "Dolmetscherpool Kreis PB"),
        ("confidentiality_release", "ti", "ti 1 (Entwurf)", "Dolmetscherpool Kreis PB"),
        ("confidentiality_release", "ti", "ti 1 (Entwurf)", "Dolmetscherpool Kreis PB"),
    ]


def test_the_signed_scan_goes_into_the_case_file_encrypted_and_linked(client, login, db):
    h = login("cm-borchen")
    case = _consented(client, h, sheet_language="de")
    ((consent_id,),) = db.rows(
        "SELECT id FROM consents WHERE case_id = :c AND kind = 'data_processing'", c=case["id"]
    )
    url = f"{API}/cases/{case['id']}/consents/{consent_id}/scan"
    r = client.post(
        url, data={"file": (BytesIO(files.pdf()), "scan.pdf")}, headers=h, content_type="multipart/form-data"
    )
    assert r.status_code == 201, r.json
    assert r.json["sheet_language"] == "de" and r.json["sheet_version"] == "de 1 (geprüft)"
    ((doc_id, title),) = db.rows("SELECT id, title FROM documents WHERE case_id = :c", c=case["id"])
    assert r.json["scan_document_id"] == doc_id and title.startswith("gAAAAA")  # encrypted at rest
    register = client.get(f"{API}/cases/{case['id']}/consents", headers=h).json["items"]
    (processing,) = [c for c in register if c["id"] == consent_id]
    assert processing["scan_document_id"] == doc_id and processing["sheet_version"] == "de 1 (geprüft)"
    listed = client.get(f"{API}/cases/{case['id']}/documents", headers=h).json["items"]
    assert listed[0]["title"].startswith("Unterschriebener Bogen: Einwilligung Datenverarbeitung")
    r = client.post(
        url, data={"file": (BytesIO(b"MZ\x90\x00"), "x.exe")}, headers=h, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and db.rows(
        "SELECT count(*) FROM documents WHERE case_id = :c", c=case["id"]
    ) == [(1,)]
    r = client.post(
        url,
        data={"file": (BytesIO(files.pdf()), "scan.pdf")},
        headers=login("cm-delbrueck"),
        content_type="multipart/form-data",
    )
    assert r.status_code == 404
