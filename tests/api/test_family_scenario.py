"""The whole family over the API: one household of four, a Duldung with its valid-until date, releases per
member, four referrals to four agencies beside an accompaniment with three goals, two evaluations picking
those goals, a note, a document, closure; the figures afterwards; and the bad input of such a case in one
place, each a German 422 (or 409) naming the field or the member, with nothing half-saved."""

from __future__ import annotations

from io import BytesIO

from engine.clock import today_berlin
from engine.reports.events import school_year_of
from engine.reports.figures import raw_counts
from engine.vocabulary import labels
from tests import casefile_data as files
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready

API = "/api/v1"
VALID_UNTIL = "2027-03-31"
FAMILY = [  # (relationship, given name, birth date); the father Karim is the case's person
    ("partner", "Lina", "1992-06-01"),
    ("child", "Samir", "2012-09-14"),
    ("child", "Nour", "2021-03-03"),
]
RELEASES = [  # (agency, who); the father's towards Ausländerbehörde and Jobcenter come with the consent form
    ("youth_office", ("Karim", "Lina", "Samir", "Nour")),
    ("health_services", ("Lina",)),
]
CONSENT = {**d.CONSENT_YES, "consent_date": "2026-11-03"}
ASSESSMENT = {
    "needs": [
        {"life_area": "residence", "description": "Arbeitserlaubnis trotz Duldung?"},
        {"life_area": "housing", "description": "Eigene Wohnung"},
        {"life_area": "education", "description": "Schulwechsel"},
        {"life_area": "childcare", "description": "Kita-Platz"},
        {"life_area": "health", "description": "Traumatherapie"},
    ],
    "legal_domain": "aufenthg",
    "route": "accompaniment",
}


def _post(client, h, path, body, expect=201):
    r = client.post(f"{API}{path}", json=body, headers=h)
    assert r.status_code == expect, r.json
    return r.json


def _upload(client, h, case_id, content, name, title="Duldungsbescheid"):
    data = {"title": title, "file": (BytesIO(content), name)}
    return client.post(
        f"{API}/cases/{case_id}/documents", data=data, headers=h, content_type="multipart/form-data"
    )


def household(client, h) -> tuple[dict, dict[str, int]]:
    """The father's case with his Duldung, three members added over the API, consent and the releases
    per member, the assessment on the accompaniment path; returns the case and member ids by name."""
    case = open_case(client, h, given_name="Karim", family_name="Haddad", birth_date="1985-01-20")
    cid = case["id"]
    (father,) = client.get(f"{API}/cases/{cid}/members", headers=h).json["items"]
    r = client.patch(
        f"{API}/cases/{cid}/members/{father['id']}",
        json={"residence_status": "duldung", "residence_valid_until": VALID_UNTIL},
        headers=h,
    )
    assert r.status_code == 200, r.json
    ids = {"Karim": father["id"]}
    for relationship, given, born in FAMILY:
        body = {
            "given_name": given,
            "family_name": "Haddad",
            "relationship": relationship,
            "birth_date": born,
        }
        ids[given] = _post(client, h, f"/cases/{cid}/members", body)["id"]
    complete(client, h, cid, "first_contact", d.FIRST_CONTACT)
    complete(client, h, cid, "consent", CONSENT)
    for agency, who in RELEASES:
        body = {"agency": agency, "given_on": "2026-11-03", "member_ids": [ids[n] for n in who]}
        _post(client, h, f"/cases/{cid}/consents", body)
    complete(client, h, cid, "assessment", ASSESSMENT)
    return case, ids


def referral(ids, agency, names, need) -> dict:
    return {
        "agency": agency,
        "member_ids": [ids[n] for n in names],
        "need": need,
        "reason": f"Verweisung ({need})",
        "referral_date": "2026-11-12",
    }


def goal_agreement(ids) -> dict:
    return {
        "agreement_date": "2026-11-10",
        "review_interval_weeks": 8,
        "goals": [
            {
                "goal": "Eigene Wohnung für die Familie",
                "life_area": "housing",
                "target_date": "2027-06-30",
                "member_ids": list(ids.values()),
            },
            {
                "goal": "Wechsel auf die Realschule",
                "life_area": "education",
                "target_date": "2027-08-01",
                "member_ids": [ids["Samir"]],
            },
            {
                "goal": "Kita-Platz",
                "life_area": "childcare",
                "target_date": "2027-03-01",
                "member_ids": [ids["Nour"]],
            },
        ],
    }


def _counts(app) -> dict[str, int]:
    with app.extensions["kim"]["sessions"]() as s:
        rows = raw_counts(s, 1, school_year_of(today_berlin()))
    out: dict[str, int] = {}
    for kind, _code, _place, _team, n in rows:
        out[kind] = out.get(kind, 0) + n
    return out


def test_a_family_of_four_in_one_case_from_first_contact_to_closure(app, client, login, db):
    h = login("cm-borchen")
    case, ids = household(client, h)
    cid = case["id"]
    members = {m["given_name"]: m for m in client.get(f"{API}/cases/{cid}/members", headers=h).json["items"]}
    assert list(members) == ["Karim", "Lina", "Samir", "Nour"]
    karim = members["Karim"]
    assert (karim["residence_status_label"], karim["residence_valid_until"]) == ("Duldung", VALID_UNTIL)
    assert [members[n]["minor"] for n in ("Lina", "Samir", "Nour")] == [False, True, True]

    # Four referrals to four agencies beside the accompaniment, each for the members it concerns.
    sent = [
        _post(client, h, f"/cases/{cid}/referrals", referral(ids, *r))
        for r in [
            ("foreigners_authority", ["Karim"], "residence"),
            ("jobcenter", ["Karim"], "work_training"),
            ("youth_office", ["Samir", "Nour"], "education"),
            ("health_services", ["Lina"], "health"),
        ]
    ]
    agency = {**labels("referral.agency"), "foreigners_authority": "Ausländerbehörde Kreis Paderborn"}
    assert [r["agency_name"] for r in sent] == [agency[r["agency"]] for r in sent]  # the tenant's agencies
    assert len({r["agency"] for r in sent}) == 4
    assert [m["name"] for m in sent[2]["members"]] == ["Samir Haddad", "Nour Haddad"]
    assert [t["bpmn_id"] for t in ready(client, h, cid)].count("goal_agreement") == 1

    # Three goals naming members; two evaluations pick them by id.
    complete(client, h, cid, "goal_agreement", goal_agreement(ids))
    goals = client.get(f"{API}/cases/{cid}/goals", headers=h).json["items"]
    flat, school, kita = (g["id"] for g in goals)
    assert [g["life_area"] for g in goals] == ["housing", "education", "childcare"]
    complete(client, h, cid, "evaluation", d.evaluation(True, 15, goal_ids=[flat, school, kita]))
    second = {
        "evaluation_date": "2026-11-25",
        "continue": False,
        "progress": [
            {"goal_id": flat, "status": "achieved"},
            {"goal_id": school, "status": "achieved"},
            {"goal_id": kita, "status": "partly_achieved", "note": "Zusage ab März"},
        ],
    }
    complete(client, h, cid, "evaluation", second)
    states = [g["status"] for g in client.get(f"{API}/cases/{cid}/goals", headers=h).json["items"]]
    assert states == ["achieved", "achieved", "partly_achieved"]

    # A note and an uploaded PDF in the case file.
    note = {"noted_on": "2026-11-26", "kind": "phone_call", "text": "Jobcenter ruft zurück."}
    assert _post(client, h, f"/cases/{cid}/notes", note)["text"] == note["text"]
    r = _upload(client, h, cid, files.pdf(), "duldung.pdf")
    assert r.status_code == 201 and r.json["media_type"] == "application/pdf", r.json

    complete(client, h, cid, "final_evaluation", d.FINAL)
    out = complete(client, h, cid, "closure", d.CLOSURE_GOALS_MET)
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == "goals_met"

    # The case file reads back: the forms completed, the note, the document.
    forms = [f["form_key"] for f in client.get(f"{API}/cases/{cid}/forms", headers=h).json["items"]]
    for step in ("first_contact", "consent", "assessment", "goal_agreement", "evaluation", "closure"):
        assert step in forms, forms
    assert len(client.get(f"{API}/cases/{cid}/documents", headers=h).json["items"]) == 1
    assert len(client.get(f"{API}/cases/{cid}/referrals", headers=h).json["items"]) == 4

    # Figures: four persons supported, one CM case, four referrals (one per agency).
    counts = _counts(app)
    assert (counts["persons_supported"], counts["cm_case"], counts["referral"]) == (4, 1, 4)
    agencies = db.rows(
        "SELECT code FROM programme_events WHERE case_id = :c AND kind = 'referral' ORDER BY code", c=cid
    )
    assert agencies == [("foreigners_authority",), ("health_services",), ("jobcenter",), ("youth_office",)]
    fig = client.get(f"{API}/reports/figures", headers=login("coordinator")).json
    assert (fig["totals"]["persons_supported"], fig["totals"]["referrals"]) == (4, 4)


TABLES = ("referrals", "documents", "goals", "history", "household_members", "member_changes", "tasks")


def _rows(db) -> dict[str, int]:
    return {t: db.rows(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_bad_input_in_a_family_case_is_refused_naming_the_field_and_nothing_is_half_saved(client, login, db):
    h = login("cm-borchen")
    case, ids = household(client, h)
    cid = case["id"]
    complete(client, h, cid, "goal_agreement", goal_agreement(ids))
    grandma = _post(
        client,
        h,
        f"/cases/{cid}/members",
        {
            "given_name": "Huda",
            "family_name": "Haddad",
            "relationship": "grandparent",
            "birth_date": "1950-02-02",
        },
    )["id"]
    r = client.post(f"{API}/cases/{cid}/members/{grandma}/leave", json={"reason": "Umzug"}, headers=h)
    assert r.status_code == 200, r.json
    before = _rows(db)

    # A referral naming a member without a release towards that agency (Nour: none to health services).
    r = client.post(
        f"{API}/cases/{cid}/referrals",
        json=referral(ids, "health_services", ["Lina", "Nour"], "health"),
        headers=h,
    )
    assert r.status_code == 422 and list(r.json["errors"]) == ["member_ids"], r.json
    assert "Nour" in r.json["errors"]["member_ids"][0]

    # An executable renamed to .pdf.
    r = _upload(client, h, cid, files.elf(), "bescheid.pdf")
    assert r.status_code == 422 and list(r.json["errors"]) == ["file"], r.json
    assert r.json["errors"]["file"][0].startswith("Der Inhalt ist keine PDF-Datei")

    # An evaluation picking a goal that does not exist.
    (task,) = [t for t in ready(client, h, cid) if t["bpmn_id"] == "evaluation"]
    data = {**d.evaluation(True), "progress": [{"goal_id": 999_999, "status": "achieved"}]}
    r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}, headers=h)
    assert r.status_code == 422, r.json
    assert r.json["errors"] == {"progress.0.goal_id": ["Dieses Ziel gibt es in diesem Fall nicht."]}

    # A member removed a second time: refused naming her.
    r = client.post(f"{API}/cases/{cid}/members/{grandma}/leave", json={"reason": "nochmal"}, headers=h)
    assert r.status_code == 409 and r.json["type"].endswith("/member-left"), r.json
    assert "Huda Haddad" in r.json["detail"]

    assert _rows(db) == before
    assert [t["id"] for t in ready(client, h, cid) if t["bpmn_id"] == "evaluation"] == [task["id"]]
    goals = client.get(f"{API}/cases/{cid}/goals", headers=h).json["items"]
    assert all(g["status"] == "open" and g["evaluated_on"] is None for g in goals)
