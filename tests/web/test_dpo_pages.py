"""The data-protection officer's pages: the audit trail with filters and the chain's status, the Art. 15
letter (PDF) and JSON, legal holds, the retention preview; other roles are refused (403)."""

from __future__ import annotations

import json
import shutil
import subprocess

from sqlalchemy import select, update

from engine.audit.models import AuditEntry
from engine.cases.models import Case
from tests.api.helpers import give_consent, open_case
from tests.engine.audit.test_tamper import unguarded

from .helpers import csrf_from, web_login

API = "/api/v1"
PAGES = ("/privacy/audit", "/privacy/access", "/privacy/holds", "/privacy/retention")


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the letter"
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def _case(client, login, **client_data) -> dict:
    cm = login("cm-borchen")
    case = open_case(client, cm, **client_data)
    give_consent(client, cm, case["id"])
    return case


def test_other_roles_cannot_open_the_dpo_pages(client):
    for user in ("cm-borchen", "coordinator"):
        csrf = web_login(client, user)
        for url in PAGES:
            r = client.get(url)
            assert r.status_code == 403, (user, url)
            assert "Datenschutzbeauftragte" in r.text
        r = client.post("/privacy/access", data={"csrf_token": csrf, "reason": "Antrag", "case": "x"})
        assert r.status_code == 403
        r = client.post("/privacy/holds", data={"csrf_token": csrf, "case": "x", "reason": "Verfahren 1"})
        assert r.status_code == 403
        assert "Protokoll" not in client.get("/").text.split("<main")[0]  # no navigation entry either
        client.post("/logout", data={"csrf_token": csrf})


def test_the_trail_filtered_by_pseudonym_and_case_number_with_the_chain_status(client, login):
    case = _case(client, login)
    other = _case(client, login, given_name="Omar", family_name="Nasser")
    web_login(client, "dpo")
    home = client.get("/")
    for text in ("Protokoll", "Auskunft (Art. 15)", "Löschsperren", "Löschvorschau"):
        assert text in home.text
    page = client.get("/privacy/audit")
    assert page.status_code == 200
    assert 'id="chain-ok"' in page.text and "Kette vollständig" in page.text
    assert "Haddad" not in page.text and "Nasser" not in page.text  # pseudonyms only

    by_pseudonym = client.get("/privacy/audit", query_string={"case": case["pseudonym"]})
    assert by_pseudonym.status_code == 200
    assert case["pseudonym"] in by_pseudonym.text and other["pseudonym"] not in by_pseudonym.text
    by_number = client.get("/privacy/audit", query_string={"case": other["case_number"]})
    assert other["pseudonym"] in by_number.text and case["pseudonym"] not in by_number.text

    who = client.get("/privacy/audit", query_string={"who": "cm-borchen", "action": "case.create"})
    assert who.text.count("<code>case.create</code>") == 2
    period = client.get("/privacy/audit", query_string={"since": "2000-01-01", "until": "01.01.2001"})
    assert period.status_code == 200 and "0 Einträge" in period.text


def test_bad_filters_are_named_next_to_their_fields(client, login):
    _case(client, login)
    web_login(client, "dpo")
    r = client.get("/privacy/audit", query_string={"since": "32.13.2026", "case": "K-NICHTDA"})
    assert r.status_code == 422
    assert 'id="f-since-error"' in r.text and "gültiges Datum" in r.text
    assert 'id="f-case-error"' in r.text and "keinen Fall" in r.text
    r = client.get("/privacy/audit", query_string={"since": "2026-11-10", "until": "2026-11-01"})
    assert r.status_code == 422 and "nicht vor" in r.text
    r = client.get("/privacy/audit", query_string={"who": "x" * 81})
    assert r.status_code == 422 and 'id="f-who-error"' in r.text


def test_the_chain_status_shows_a_changed_entry(client, login, db):
    _case(client, login)
    with unguarded(db), db.engine.begin() as conn:  # someone with database access changes one entry
        first = conn.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        conn.execute(update(AuditEntry).where(AuditEntry.id == first).values(reason="verändert"))
    web_login(client, "dpo")
    page = client.get("/privacy/audit")
    assert 'id="chain-broken"' in page.text and "VERÄNDERT" in page.text
    assert f"erster fehlerhafter Eintrag: {first}" in page.text


def test_the_letter_and_the_json_for_one_person(client, login, tmp_path):
    case = _case(client, login)
    csrf = web_login(client, "dpo")
    form = {"csrf_token": csrf, "reason": "Antrag vom 01.12.2026", "case": case["case_number"]}
    r = client.post("/privacy/access", data={**form, "format": "pdf"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data[:5] == b"%PDF-"
    assert "Amina" not in r.headers["Content-Disposition"]  # the file name holds the pseudonym only
    text = _pdf_text(r.data, tmp_path)
    for expected in (
        "Amina Haddad",
        "Art. 15",
        "Zwecke der Verarbeitung",
        "Empfänger",
        "Speicherdauer",
        "1095 Tage",
        "Ihre Rechte",
        case["case_number"],
        "Einwilligung",
        "Jobcenter",
        "Erstgespräch",
        "Kreis Paderborn",
    ):
        assert expected in text, expected
    r = client.post("/privacy/access", data={**form, "case": case["pseudonym"], "format": "json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    export = json.loads(r.data)
    assert export["format"] == "kim-art15-export/1" and export["cases"][0]["case"]["family_name"] == "Haddad"
    # By name as well.
    r = client.post(
        "/privacy/access",
        data={
            "csrf_token": csrf,
            "reason": "Antrag vom 01.12.2026",
            "family_name": "Haddad",
            "format": "json",
        },
    )
    assert r.status_code == 200 and json.loads(r.data)["cases"]
    trail = client.get("/privacy/audit", query_string={"action": "privacy.export"})
    assert trail.text.count("<code>privacy.export</code>") == 3


def test_letter_form_errors_are_german_and_next_to_the_fields(client, login):
    _case(client, login)
    csrf = web_login(client, "dpo")
    r = client.post("/privacy/access", data={"csrf_token": csrf, "reason": "ab", "format": "pdf"})
    assert r.status_code == 422
    assert 'id="f-reason-error"' in r.text and 'id="f-case-error"' in r.text
    assert r.mimetype == "text/html"
    r = client.post(
        "/privacy/access",
        data={"csrf_token": csrf, "reason": "Antrag 1", "family_name": "Haddad", "birth_date": "99.99.9999"},
    )
    assert r.status_code == 422 and 'id="f-birth_date-error"' in r.text
    r = client.post(
        "/privacy/access", data={"csrf_token": csrf, "reason": "Antrag 1", "family_name": "Niemand"}
    )
    assert r.status_code == 404 and "keinen Fall" in r.text
    r = client.post("/privacy/access", data={"csrf_token": csrf, "reason": "Antrag 1", "case": "K-NICHTDA"})
    assert r.status_code == 404 and "keinen Fall" in r.text


def test_legal_hold_set_and_lifted_and_the_retention_preview(client, login, app):
    case = _case(client, login)
    cm = login("cm-borchen")
    r = client.post(f"{API}/cases/{case['id']}/consent-withdrawal", headers=cm)
    assert r.status_code == 200, r.json
    csrf = web_login(client, "dpo")
    preview = client.get("/privacy/retention")
    assert preview.status_code == 200 and case["pseudonym"] in preview.text
    assert "Einwilligung widerrufen" in preview.text and "Haddad" not in preview.text
    none_yet = client.get("/privacy/retention", query_string={"days": "0"})
    assert case["pseudonym"] not in none_yet.text  # due in 30 days, not today
    assert client.get("/privacy/retention", query_string={"days": "abc"}).status_code == 422

    # Bad input: no reason, unknown case; nothing saved.
    r = client.post("/privacy/holds", data={"csrf_token": csrf, "case": case["case_number"], "reason": "x"})
    assert r.status_code == 422 and "mindestens 5 Zeichen" in r.text
    r = client.post(
        "/privacy/holds", data={"csrf_token": csrf, "case": "K-NICHTDA", "reason": "Verfahren 12"}
    )
    assert r.status_code == 422 and "keinen Fall" in r.text
    with app.extensions["kim"]["sessions"]() as s:
        assert s.get(Case, case["id"]).legal_hold is False

    r = client.post(
        "/privacy/holds", data={"csrf_token": csrf, "case": case["case_number"], "reason": "Az. 4 K 1/26"}
    )
    assert r.status_code == 303
    page = client.get(r.headers["Location"])
    assert f"Die Löschsperre für {case['pseudonym']} ist gesetzt." in page.text
    assert f'id="hold-{case["id"]}"' in page.text and "Az. 4 K 1/26" in page.text
    assert case["pseudonym"] not in client.get("/privacy/retention").text  # held: not deleted

    r = client.post(f"/privacy/holds/{case['id']}/lift", data={"csrf_token": csrf, "reason": ""})
    assert r.status_code == 422 and f'id="lift-{case["id"]}-error"' in r.text
    r = client.post(
        f"/privacy/holds/{case['id']}/lift", data={"csrf_token": csrf, "reason": "Verfahren beendet"}
    )
    assert r.status_code == 303
    page = client.get("/privacy/holds")
    assert "aufgehoben" in page.text and 'id="holds-empty"' in page.text
    assert case["pseudonym"] in client.get("/privacy/retention").text
    assert csrf_from(page.text)
