"""Access-matrix rows of a case's referrals, the escalation and report endpoints (merged into
tests/api/test_access_matrix.py).

Format as there: (method, path) -> (request builder, expectation(role, own), list ids, scoped). Decisions
and minutes are sent with invalid data, so a permitted role gets 422 and nothing changes state.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from engine.clock import today_berlin
from tests.casefile_data import pdf

API = "/api/v1"
CM = ("cm-borchen", "cm-delbrueck", "cm-uma")
READERS = (*CM, "coordinator", "steering")
MISSING = 999_999


def readers(role, own):
    return 200 if role in READERS else 403


def raise_expect(role, own):
    if role == "coordinator":
        return 201
    return (201 if own else 404) if role in CM else 403  # another scope's case cannot be linked


def decide_expect(role, own):
    if role == "coordinator":
        return 422
    return (422 if own else 403) if role in CM else 403  # the local step is the own municipality's or team's


def only(*who, ok=200):
    return lambda role, own: ok if role in who else 403


def linked_case_ids(body):
    return [c["case_id"] for item in body["items"] for c in item["cases"]]


def _get(w, k, key):
    return w[k].get(key, 1)


def case_read(role, own):
    return (200 if own else 404) if role in CM else 200 if role in ("coordinator", "steering", "dpo") else 403


def cm_write(ok):
    return lambda role, own: (ok if own else 404) if role in CM else 403


FUTURE = (today_berlin() + timedelta(days=10)).isoformat()


def reopen_expect(role, own):
    """Reopening: case managers only; their own case is open, so 409 (nothing changes), another's 404."""
    return (409 if own else 404) if role in CM else 403


def goal_read(role, own):
    """A case's goals: its case managers, and the pseudonymised county roles (life area and status only)."""
    return (200 if own else 404) if role in CM else 200 if role in ("coordinator", "steering", "dpo") else 403


def goal_write(ok):
    return lambda role, own: (ok if own else 404) if role in CM else 403


def cm_only_read(role, own):
    """Document bytes: the case's own case managers; pseudonymised roles 403, another scope 404."""
    return (200 if own else 404) if role in CM else 403


NOTE = {"noted_on": "2026-11-03", "kind": "visit", "text": "Hausbesuch bei der Familie."}


def referral_send_expect(role, own):
    """Sending a referral: case managers only; it names a member the household does not have, so their
    own case answers 422 (nothing is saved), another's 404."""
    return (422 if own else 404) if role in CM else 403


def diagram_read(role, own):
    """A case's diagrams: its case managers, the pseudonymised county roles and process owners."""
    if role in CM:
        return 200 if own else 404
    return 200 if role in ("coordinator", "steering", "dpo", "process-owner") else 403


INSIGHT = ("coordinator", "process-owner")


AGENCY_STAFF = ("abh", "jobcenter")


def agency_only(ok):
    return lambda role, own: ok if role in AGENCY_STAFF else 403


def agency_scoped(ok):
    """The addressed agency's staff: ``ok`` for their own referral, 404 for another agency's; others 403."""
    return lambda role, own: (ok if own else 404) if role in AGENCY_STAFF else 403


ROWS = {
    # Process insight: a case's and a topic's diagram, heat map figures, event logs.
    ("GET", "/api/v1/cases/{case_id}/diagrams"): (
        lambda w, k: (f"{API}/cases/{w[k]['consented']}/diagrams", None),
        diagram_read,
        None,
        True,
    ),
    ("GET", "/api/v1/topics/{topic_id}/diagram"): (
        lambda w, k: (f"{API}/topics/{_get(w, k, 'topic')}/diagram", None),
        readers,
        None,
        False,
    ),
    ("GET", "/api/v1/processes/{process_id}/insight"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/insight", None),
        only(*INSIGHT),
        None,
        False,
    ),
    ("GET", "/api/v1/eventlog.xes"): (
        lambda w, k: (f"{API}/eventlog.xes", None),
        only(*INSIGHT),
        None,
        False,
    ),
    ("GET", "/api/v1/eventlog.jsonocel"): (
        lambda w, k: (f"{API}/eventlog.jsonocel", None),
        only(*INSIGHT),
        None,
        False,
    ),
    # Goals of the world's open ("consented") case; add_goals (below) gave each one goal to drop.
    ("GET", "/api/v1/cases/{case_id}/goals"): (
        lambda w, k: (f"{API}/cases/{w[k]['consented']}/goals", None),
        goal_read,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/goals"): (
        lambda w, k: (
            f"{API}/cases/{w[k]['consented']}/goals",
            {"text": "Deutschkurs B1 abschließen", "life_area": "language"},
        ),
        goal_write(201),
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/goals/{goal_id}/drop"): (
        lambda w, k: (
            f"{API}/cases/{w[k]['consented']}/goals/{_get(w, k, 'goal')}/drop",
            {"reason": "Umzug"},
        ),
        goal_write(200),
        None,
        True,
    ),
    # the case file: notes (JSON), documents (the upload row sends JSON: a permitted role gets 422 on `file`)
    ("GET", "/api/v1/cases/{case_id}/notes"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/notes", None),
        case_read,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/notes"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/notes", NOTE),
        cm_write(201),
        None,
        True,
    ),
    ("GET", "/api/v1/cases/{case_id}/documents"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/documents", None),
        case_read,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/documents"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/documents", {"title": "Bescheid"}),
        cm_write(422),
        None,
        True,
    ),
    ("GET", "/api/v1/cases/{case_id}/documents/{document_id}/download"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/documents/{_get(w, k, 'document')}/download", None),
        cm_only_read,
        None,
        True,
    ),
    ("GET", "/api/v1/cases/{case_id}/forms"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/forms", None),
        case_read,
        None,
        True,
    ),
    ("GET", "/api/v1/cases/{case_id}/referrals"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/referrals", None),
        case_read,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/referrals"): (
        lambda w, k: (
            f"{API}/cases/{w[k]['consented']}/referrals",
            {
                "agency": "jobcenter",
                "member_ids": [MISSING],
                "need": "housing",
                "reason": "Wohnungssuche",
                "referral_date": today_berlin().isoformat(),
            },
        ),
        referral_send_expect,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/reopen"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/reopen", {"reason": "Versehentlich abgeschlossen"}),
        reopen_expect,
        None,
        True,
    ),
    ("GET", "/api/v1/topics"): (
        lambda w, k: (f"{API}/topics?per_page=100", None),
        readers,
        linked_case_ids,
        True,
    ),
    ("GET", "/api/v1/topics/overdue"): (lambda w, k: (f"{API}/topics/overdue", None), readers, None, False),
    ("GET", "/api/v1/topics/{topic_id}"): (
        lambda w, k: (f"{API}/topics/{_get(w, k, 'topic')}", None),
        readers,
        None,
        True,
    ),
    # the personal-data review: case managers only (they see their own linked cases' findings)
    ("GET", "/api/v1/topics/{topic_id}/personal-data-review"): (
        lambda w, k: (f"{API}/topics/{_get(w, k, 'topic')}/personal-data-review", None),
        only(*CM),
        None,
        True,
    ),
    ("GET", "/api/v1/bodies"): (lambda w, k: (f"{API}/bodies", None), readers, None, False),
    ("GET", "/api/v1/bodies/{body_id}"): (
        lambda w, k: (f"{API}/bodies/{_get(w, k, 'body')}", None),
        readers,
        None,
        False,
    ),
    ("GET", "/api/v1/meetings"): (lambda w, k: (f"{API}/meetings", None), readers, None, False),
    ("GET", "/api/v1/meetings/{meeting_id}"): (
        lambda w, k: (f"{API}/meetings/{_get(w, k, 'meeting')}", None),
        readers,
        None,
        False,
    ),
    ("GET", "/api/v1/reports/figures"): (
        lambda w, k: (f"{API}/reports/figures", None),
        only("coordinator", "steering"),
        None,
        False,
    ),
    ("POST", "/api/v1/topics"): (
        lambda w, k: (
            f"{API}/topics",
            {
                "title": "Wartezeiten bei Sprachkursen",
                "category": "language",
                "municipality": w[k]["municipality"],
                "description": "Mehrere Fälle warten lange.",
                "case_ids": [w[k]["id"]],
            },
        ),
        raise_expect,
        None,
        True,
    ),
    ("POST", "/api/v1/topics/{topic_id}/decisions"): (
        lambda w, k: (f"{API}/topics/{_get(w, k, 'topic')}/decisions", {"data": {}}),
        decide_expect,
        None,
        True,
    ),
    ("POST", "/api/v1/bodies"): (
        lambda w, k: (f"{API}/bodies", {"kind": "working_group", "name": "AG Matrix", "field": "work"}),
        only("coordinator", ok=201),
        None,
        False,
    ),
    ("POST", "/api/v1/meetings"): (
        lambda w, k: (
            f"{API}/meetings",
            {"body_id": _get(w, k, "body"), "meets_on": today_berlin().isoformat()},
        ),
        only("coordinator", ok=201),
        None,
        False,
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda"): (
        lambda w, k: (f"{API}/meetings/{_get(w, k, 'meeting')}/agenda", None),
        only("coordinator"),
        None,
        False,
    ),
    ("POST", "/api/v1/meetings/{meeting_id}/minutes"): (
        lambda w, k: (
            f"{API}/meetings/{_get(w, k, 'meeting')}/minutes",
            {"items": [{"topic_id": MISSING, "data": {}}]},
        ),
        only("coordinator", "steering", ok=422),
        None,
        False,
    ),
    # households (tests/api/test_members.py): writes are sent so that nothing changes (422, 409)
    ("GET", "/api/v1/cases/{case_id}/members"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/members", None),
        case_read,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/members"): (
        lambda w, k: (
            f"{API}/cases/{w[k]['id']}/members",
            {"given_name": "Neu", "family_name": "Person", "relationship": "self"},  # only member 1 is self
        ),
        cm_write(422),
        None,
        True,
    ),
    ("PATCH", "/api/v1/cases/{case_id}/members/{member_id}"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/members/{_get(w, k, 'member')}", {"birth_date": FUTURE}),
        cm_write(422),
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/members/{member_id}/leave"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/members/{_get(w, k, 'member')}/leave", {"reason": "Umzug"}),
        cm_write(409),  # the case's person cannot leave
        None,
        True,
    ),
    ("GET", "/api/v1/cases/{case_id}/members/{member_id}/history"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/members/{_get(w, k, 'member')}/history", None),
        case_read,
        None,
        True,
    ),
    ("POST", "/api/v1/duplicates/check"): (
        lambda w, k: (
            f"{API}/duplicates/check",
            dict(w[k].get("person", {"given_name": "A", "family_name": "B"})),
        ),
        only(*CM),
        None,
        False,
    ),
    # client sheets (engine/sheets): the case's case managers print; coordinators and process owners
    # manage the catalogues (the PUT row sends JSON: a permitted role gets 422 on `catalogue`; the DELETE
    # finds no own catalogue: 404); the scan row sends JSON: the case's case managers get 422 on `file`
    ("GET", "/api/v1/cases/{case_id}/sheets/{document}.pdf"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/sheets/consent.pdf?lang=ar", None),
        cm_only_read,
        None,
        True,
    ),
    ("GET", "/api/v1/sheets/catalogues"): (
        lambda w, k: (f"{API}/sheets/catalogues", None),
        only("coordinator", "process-owner"),
        None,
        False,
    ),
    ("PUT", "/api/v1/sheets/catalogues/{language}"): (
        lambda w, k: (f"{API}/sheets/catalogues/ar", {"file": "x"}),
        only("coordinator", "process-owner", ok=422),
        None,
        False,
    ),
    ("DELETE", "/api/v1/sheets/catalogues/{language}"): (
        lambda w, k: (f"{API}/sheets/catalogues/ar", None),
        only("coordinator", "process-owner", ok=404),
        None,
        False,
    ),
    ("POST", "/api/v1/cases/{case_id}/consents/{consent_id}/scan"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/consents/{w[k]['consent']}/scan", None),
        cm_write(422),
        None,
        True,
    ),
    # The agencies' workspace (tests/api/test_agency_referrals.py): the world's referrals come from the
    # lifecycle's single referral task and have no process, so accepting one is 409; the other actions
    # are sent without their required text (422 for the addressed agency, nothing changes).
    ("GET", "/api/v1/referrals/inbox"): (
        lambda w, k: (f"{API}/referrals/inbox", None),
        agency_only(200),
        None,
        False,
    ),
    ("GET", "/api/v1/referrals/{referral_id}/agency"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}/agency", None),
        agency_scoped(200),
        None,
        True,
    ),
    ("POST", "/api/v1/referrals/{referral_id}/accept"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}/accept", {}),
        agency_scoped(409),
        None,
        True,
    ),
    ("POST", "/api/v1/referrals/{referral_id}/questions"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}/questions", {"text": " "}),
        agency_scoped(422),
        None,
        True,
    ),
    ("POST", "/api/v1/referrals/{referral_id}/answer"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}/answer", {"result": ""}),
        agency_scoped(422),
        None,
        True,
    ),
    ("POST", "/api/v1/referrals/{referral_id}/decline"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}/decline", {"reason": ""}),
        agency_scoped(422),
        None,
        True,
    ),
    ("GET", "/api/v1/reports/referrals"): (
        lambda w, k: (f"{API}/reports/referrals", None),
        only("coordinator", "steering"),
        None,
        False,
    ),
    ("POST", "/api/v1/reports/referrals/topics"): (
        lambda w, k: (f"{API}/reports/referrals/topics", {"agency": "nowhere", "school_year": "2026/27"}),
        only("coordinator", ok=422),
        None,
        False,
    ),
}


def add_documents(client, world: dict, heads: dict) -> None:
    """One note and one PDF per world case, by its case manager (the download rows read them)."""
    for key, w in world.items():
        owner = next(u for u, k in (("cm-borchen", "B"), ("cm-delbrueck", "D"), ("cm-uma", "U")) if k == key)
        r = client.post(f"{API}/cases/{w['id']}/notes", json=NOTE, headers=heads[owner])
        assert r.status_code == 201, r.json
        r = client.post(
            f"{API}/cases/{w['id']}/documents",
            data={
                "title": f"Bescheid {w['person']['family_name']}",
                "file": (BytesIO(pdf()), "bescheid.pdf"),
            },
            headers=heads[owner],
            content_type="multipart/form-data",
        )
        assert r.status_code == 201, r.json
        w["document"] = r.json["id"]


def add_goals(client, world: dict, heads: dict) -> None:
    """One goal on each world's open case, named after its client (a leak would show the name)."""
    for key, w in world.items():
        owner = next(u for u, k in (("cm-borchen", "B"), ("cm-delbrueck", "D"), ("cm-uma", "U")) if k == key)
        r = client.post(
            f"{API}/cases/{w['consented']}/goals",
            json={"text": f"{w['person']['given_name']} findet eine Wohnung", "life_area": "housing"},
            headers=heads[owner],
        )
        assert r.status_code == 201, r.json
        w["goal"] = r.json["id"]


def add_topics(client, world: dict, heads: dict, login) -> None:
    """One topic per world case, raised by its case manager; the Lenkungsgruppe and a meeting today."""
    for key, w in world.items():
        owner = next(u for u, k in (("cm-borchen", "B"), ("cm-delbrueck", "D"), ("cm-uma", "U")) if k == key)
        r = client.post(
            f"{API}/topics",
            json={
                "title": "Kinderbetreuung während der Kurse",
                "category": "language",
                "municipality": w["municipality"],
                "description": "Aus der Fallarbeit.",
                "case_ids": [w["id"]],
            },
            headers=heads[owner],
        )
        assert r.status_code == 201, r.json
        w["topic"] = r.json["id"]
    coord = login("coordinator")
    body = client.get(f"{API}/bodies?kind=steering", headers=coord).json["items"][0]["id"]
    r = client.post(
        f"{API}/meetings", json={"body_id": body, "meets_on": today_berlin().isoformat()}, headers=coord
    )
    assert r.status_code == 201, r.json
    for w in world.values():
        w["body"], w["meeting"] = body, r.json["id"]


# --- the offers directory (engine/offers): ids that do not exist and bodies a permitted role gets a 422
# or 404 for, so nothing changes; the case rows use the world's open case and its goal.
OFFER = {"provider": "Träger", "title": "Kurs", "kind": "language_course", "life_areas": ["language"]}
OFFER_READERS = (*CM, "coordinator", "steering")
OFFER_KEEPERS = (*CM, "coordinator")


def offer_rows() -> dict:
    """Rows of the offers endpoints (merged into ROWS below)."""
    return {
        ("GET", "/api/v1/offers"): (
            lambda w, k: (f"{API}/offers?life_area=language", None),
            only(*OFFER_READERS),
            None,
            False,
        ),
        ("POST", "/api/v1/offers"): (
            lambda w, k: (f"{API}/offers", {**OFFER, "municipality": "Atlantis"}),
            only(*OFFER_KEEPERS, ok=422),
            None,
            False,
        ),
        ("GET", "/api/v1/offers/{offer_id}"): (
            lambda w, k: (f"{API}/offers/{MISSING}", None),
            only(*OFFER_READERS, ok=404),
            None,
            False,
        ),
        ("PUT", "/api/v1/offers/{offer_id}"): (
            lambda w, k: (f"{API}/offers/{MISSING}", OFFER),
            only(*OFFER_KEEPERS, ok=404),
            None,
            False,
        ),
        ("POST", "/api/v1/offers/{offer_id}/retire"): (
            lambda w, k: (f"{API}/offers/{MISSING}/retire", None),
            only(*OFFER_KEEPERS, ok=404),
            None,
            False,
        ),
        ("GET", "/api/v1/offers/{offer_id}/versions"): (
            lambda w, k: (f"{API}/offers/{MISSING}/versions", None),
            only(*OFFER_READERS, ok=404),
            None,
            False,
        ),
        ("GET", "/api/v1/offers/export"): (
            lambda w, k: (f"{API}/offers/export", None),
            only(*OFFER_READERS),
            None,
            False,
        ),
        ("POST", "/api/v1/offers/import"): (
            lambda w, k: (f"{API}/offers/import", {}),
            only(*OFFER_KEEPERS, ok=422),
            None,
            False,
        ),
        ("GET", "/api/v1/offers/gaps"): (
            lambda w, k: (f"{API}/offers/gaps", None),
            only(*CM, "coordinator", "steering", "dpo"),
            None,
            False,
        ),
        ("GET", "/api/v1/offers/analysis"): (
            lambda w, k: (f"{API}/offers/analysis", None),
            only("coordinator", "steering"),
            None,
            False,
        ),
        ("POST", "/api/v1/offers/analysis/topics"): (
            lambda w, k: (
                f"{API}/offers/analysis/topics",
                {"school_year": "2026/27", "municipality": "Atlantis"},
            ),
            only("coordinator", ok=422),
            None,
            False,
        ),
        ("GET", "/api/v1/cases/{case_id}/offer-links"): (
            lambda w, k: (f"{API}/cases/{w[k]['consented']}/offer-links", None),
            case_read,
            None,
            True,
        ),
        ("POST", "/api/v1/cases/{case_id}/offer-links"): (
            lambda w, k: (
                f"{API}/cases/{w[k]['consented']}/offer-links",
                {"offer_id": MISSING, "goal_id": _get(w, k, "goal")},
            ),
            cm_write(422),
            None,
            True,
        ),
        ("POST", "/api/v1/cases/{case_id}/offer-gaps"): (
            lambda w, k: (f"{API}/cases/{w[k]['consented']}/offer-gaps", {"reason": "unbekannt"}),
            cm_write(422),
            None,
            True,
        ),
    }


ROWS.update(offer_rows())


# Baustein 3: the authorities' checks (engine/checks). Starting one sends an unknown kind, so the addressed
# agency's staff get 422 and nothing starts; another agency's referral is 404 for them.
def check_start_expect(role, own):
    return (422 if own else 404) if role in AGENCY_STAFF else 403


ROWS.update(
    {
        ("POST", "/api/v1/referrals/{referral_id}/checks"): (
            lambda w, k: (f"{API}/referrals/{w[k]['referral']}/checks", {"kind": "flying"}),
            check_start_expect,
            None,
            True,
        ),
        ("GET", "/api/v1/checks/{check_id}"): (
            lambda w, k: (f"{API}/checks/{MISSING}", None),
            lambda role, own: 404 if role in AGENCY_STAFF else 403,
            None,
            False,
        ),
        ("GET", "/api/v1/cases/{case_id}/checks"): (
            lambda w, k: (f"{API}/cases/{w[k]['id']}/checks", None),
            case_read,
            None,
            True,
        ),
        ("POST", "/api/v1/checks/{check_id}/goals"): (
            lambda w, k: (f"{API}/checks/{MISSING}/goals", {"criterion": "b_language"}),
            lambda role, own: 404 if role in CM else 403,
            None,
            False,
        ),
    }
)
