"""Reading personal data leaves an audit row (web inbox, web case page); pseudonymised roles get none."""

from __future__ import annotations

import json

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.web.helpers import web_login

CONSENT = {**d.CONSENT_YES, "confidentiality_release_agencies": ["youth_office", "foreigners_authority"]}
PERSONAL = ("Haddad", "Amina", "1990-04-02", "02.04.1990", "Arbeit und Wohnung")


def _audit(db, case_id: int) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in db.rows("SELECT username, action FROM audit_log WHERE case_id = :c ORDER BY id", c=case_id)
    ]


def _count(db) -> int:
    return db.rows("SELECT count(*) FROM audit_log")[0][0]


def _case(client, login, consent=False):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    if consent:
        complete(client, cm, case["id"], "consent", CONSENT)
    return case


def test_the_web_inbox_records_the_cases_it_shows(db, client, login):
    case = _case(client, login)
    web_login(client, "cm-borchen")
    before, rows = _count(db), len(_audit(db, case["id"]))
    home = client.get("/?view=team")
    assert home.status_code == 200 and "Amina Haddad" in home.text
    assert _count(db) > before
    assert _audit(db, case["id"])[rows:] == [("cm-borchen", "task.list")]


def test_the_web_case_page_records_the_case_its_consents_and_its_history(db, client, login):
    case = _case(client, login)
    web_login(client, "cm-borchen")
    before, rows = _count(db), len(_audit(db, case["id"]))
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and "Amina Haddad" in page.text
    assert _count(db) == before + 6
    assert _audit(db, case["id"])[rows:] == [
        ("cm-borchen", "case.read"),
        ("cm-borchen", "consent.read"),
        ("cm-borchen", "case.history"),
        ("cm-borchen", "goal.read"),
        ("cm-borchen", "referral.list"),
        ("cm-borchen", "member.list"),  # the Haushalt section
    ]


def test_pseudonymised_roles_get_no_client_data_from_api_or_pages(db, client, login):
    case = _case(client, login, consent=True)
    for username in ("coordinator", "steering", "dpo"):
        h = login(username)
        detail = client.get(f"/api/v1/cases/{case['id']}", headers=h)
        history = client.get(f"/api/v1/cases/{case['id']}/history", headers=h)
        listing = client.get("/api/v1/cases", headers=h)
        assert detail.status_code == history.status_code == listing.status_code == 200
        assert "client" not in detail.json and all(e["data"] is None for e in detail.json["history"])
        assert detail.json["history"] and all(e["data"] is None for e in history.json["items"])
        body = json.dumps([detail.json, history.json, listing.json], ensure_ascii=False)
        assert not [p for p in PERSONAL if p in body], username
    web_login(client, "coordinator")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and "Pseudonymisierte Ansicht" in page.text
    assert not [p for p in PERSONAL if p in page.text]


def test_the_case_page_shows_labels_not_codes(client, login):
    case = _case(client, login, consent=True)
    web_login(client, "cm-borchen")
    page = client.get(f"/cases/{case['id']}").text
    consents = page.split('id="h-consents"')[1].split("</section>")[0]
    assert 'id="releases"' in consents  # the form to add a release: codes only as option values
    consents = consents.split('<details id="releases"')[0]
    assert "Schweigepflichtentbindung: Jugendamt (SGB VIII)" in consents
    assert "Schweigepflichtentbindung: Ausländerbehörde" in consents and "Datenverarbeitung" in consents
    for code in ("confidentiality_release", "youth_office", "foreigners_authority", "data_processing"):
        assert code not in consents, code
    meta = page.split('class="meta"')[1].split("</p>")[0]
    assert "offen" in meta and "open" not in meta.replace("opened", "")
    timeline = page.split('id="h-timeline"')[1].split("</section>")[0]
    assert "erledigt" in timeline and "completed" not in timeline
