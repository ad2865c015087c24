"""The consent register, referrals it covers or refuses, and withdrawal."""

from sqlalchemy import text

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready


def _to_referral(client, h, consent=d.CONSENT_YES):
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", {**consent, "form_version": "EV-2026-1"})
    complete(client, h, case["id"], "assessment", d.ASSESS_REFERRAL)
    return case


def test_consent_form_fills_the_register(client, login):
    h = login("cm-borchen")
    case = _to_referral(client, h)
    items = client.get(f"/api/v1/cases/{case['id']}/consents", headers=h).json["items"]
    assert [(c["kind"], c["agency"]) for c in items] == [
        ("data_processing", None),
        ("confidentiality_release", "jobcenter"),
        ("confidentiality_release", "foreigners_authority"),
    ]
    assert all(
        c["form_version"] == "EV-2026-1" and c["given_on"] == "2026-11-02" and c["in_force"] for c in items
    )
    assert items[2]["agency_name"] == "Ausländerbehörde"


def test_referral_outside_the_release_is_refused_and_nothing_moves(client, login):
    h = login("cm-borchen")
    case = _to_referral(client, h, {**d.CONSENT_YES, "confidentiality_release_agencies": ["jobcenter"]})
    r = complete(client, h, case["id"], "referral", d.REFERRAL, expect=422)
    assert "Schweigepflichtentbindung" in r["detail"] and "Ausländerbehörde" in r["detail"]
    assert r["errors"] == {"agency": ["Keine Schweigepflichtentbindung gegenüber dieser Stelle."]}
    assert [t["bpmn_id"] for t in ready(client, h, case["id"])] == ["referral"]
    assert client.get("/api/v1/referrals", headers=h).json["total"] == 0

    # The client signs a further release; now the referral goes through.
    r = client.post(
        f"/api/v1/cases/{case['id']}/consents",
        headers=h,
        json={"agency": "foreigners_authority", "given_on": "2026-11-09"},
    )
    assert r.status_code == 201 and r.json["in_force"], r.json
    again = client.post(
        f"/api/v1/cases/{case['id']}/consents",
        headers=h,
        json={"agency": "foreigners_authority", "given_on": "2026-11-09"},
    )
    assert again.status_code == 409
    complete(client, h, case["id"], "referral", d.REFERRAL)
    listed = client.get("/api/v1/referrals", headers=h).json
    assert listed["total"] == 1 and listed["items"][0]["agency"] == "foreigners_authority"


def test_withdrawn_release_refuses_the_next_referral(client, login):
    h = login("cm-borchen")
    case = _to_referral(client, h)
    items = client.get(f"/api/v1/cases/{case['id']}/consents", headers=h).json["items"]
    abh = next(c for c in items if c["agency"] == "foreigners_authority")
    r = client.post(f"/api/v1/cases/{case['id']}/consents/{abh['id']}/withdrawal", headers=h)
    assert r.status_code == 200 and r.json["in_force"] is False and r.json["withdrawn_at"]
    assert (
        client.post(f"/api/v1/cases/{case['id']}/consents/{abh['id']}/withdrawal", headers=h).status_code
        == 409
    )
    complete(client, h, case["id"], "referral", d.REFERRAL, expect=422)
    dp = next(c for c in items if c["kind"] == "data_processing")
    r = client.post(f"/api/v1/cases/{case['id']}/consents/{dp['id']}/withdrawal", headers=h)
    assert r.status_code == 409 and "ganzen Fall" in r.json["detail"]


def test_authority_sees_only_referrals_addressed_to_it(client, login):
    h = login("cm-borchen")
    case = _to_referral(client, h)
    complete(client, h, case["id"], "referral", d.REFERRAL)
    abh, jc = login("abh"), login("jobcenter")
    listed = client.get("/api/v1/referrals", headers=abh).json
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["client_name"] == "Amina Haddad" and item["pseudonym"] == case["pseudonym"]
    detail = client.get(f"/api/v1/referrals/{item['id']}", headers=abh).json
    assert detail["reason"] == d.REFERRAL["reason"] and detail["birth_date"] == "1990-04-02"
    assert client.get("/api/v1/referrals", headers=jc).json["total"] == 0
    assert client.get(f"/api/v1/referrals/{item['id']}", headers=jc).status_code == 404
    assert client.get(f"/api/v1/cases/{case['id']}", headers=abh).status_code == 403
    coord = client.get(f"/api/v1/referrals/{item['id']}", headers=login("coordinator")).json
    assert coord["client_name"] is None and coord["reason"] is None


def test_withdrawal_stops_every_process_and_schedules_deletion(client, login, app):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    r = client.post(f"/api/v1/cases/{case['id']}/followups", headers=h)
    assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h)
    assert r.status_code == 200 and r.json["closure_reason"] == "consent_withdrawn"
    assert ready(client, h, case["id"]) == []
    items = client.get(f"/api/v1/cases/{case['id']}/consents", headers=h).json["items"]
    assert items and all(not c["in_force"] for c in items)
    engine = app.extensions["kim"]["engine"]
    with engine.connect() as conn:

        def one(sql):
            return conn.execute(text(sql), {"case": case["id"]})

        statuses = one("SELECT process_id, status FROM process_instances WHERE case_id = :case").fetchall()
        due = one("SELECT deletion_due_at FROM cases WHERE id = :case").scalar()
        timers = one(
            "SELECT count(*) FROM timers t JOIN process_instances p "
            "ON p.id = t.instance_id WHERE p.case_id = :case"
        ).scalar()
        followup = one("SELECT status FROM followups WHERE case_id = :case").scalar()
    assert dict(statuses) == {"case_lifecycle": "completed", "uma_job_followup": "cancelled"}
    assert due is not None and timers == 0 and followup == "stopped"
