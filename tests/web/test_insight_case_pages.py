"""From the heat map to a single case for process owners and coordinators: the list of instances waiting
at an element, one instance's diagram page and its JSON, the search by pseudonym or case number;
pseudonymised (roles, not names; no client data), refused for other roles, 404 like a missing id."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.access.models import User
from engine.cases.models import Case
from engine.escalations.models import Topic
from engine.instances.models import ProcessInstance
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.api.test_insight import PERSONAL, at_second_evaluation
from tests.engine.escalations.helpers import raise_topic

from .helpers import web_login

API = "/api/v1"


def _case(app, case_id: int) -> tuple[str, str, int]:
    with app.extensions["kim"]["sessions"]() as s:
        case = s.get_one(Case, case_id)
        instance = s.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.case_id == case_id, ProcessInstance.process_id == "case_lifecycle"
            )
        ).one()
        return case.pseudonym, case.case_number, instance


def _as(client, username: str) -> None:
    """Log in through the form as ``username``, leaving whoever was logged in before."""
    client.delete_cookie("kim_session")
    web_login(client, username)


def _staff_names(app) -> list[str]:
    with app.extensions["kim"]["sessions"]() as s:
        return [n for n in s.scalars(select(User.display_name).where(User.username == "cm-borchen")) if n]


def _no_personal_data(app, text: str) -> None:
    for needle in [*PERSONAL, *_staff_names(app)]:
        assert needle not in text, needle


def test_a_process_owner_goes_from_the_heat_map_to_the_waiting_cases_and_their_diagrams(app, client, login):
    cm = login("cm-borchen")
    cases = [at_second_evaluation(client, cm) for _ in range(3)]
    other = open_case(client, cm)
    complete(client, cm, other["id"], "first_contact", d.FIRST_CONTACT)
    _as(client, "process-owner")
    heat = client.get("/prozessauswertung/case_lifecycle")
    assert heat.status_code == 200
    listing = "/prozessauswertung/case_lifecycle/wartend/evaluation?version="
    assert listing in heat.text  # the waiting count in the table links to the list
    assert 'data-waiting-url="/prozessauswertung/case_lifecycle/wartend/__element__' in heat.text
    version = heat.text.split(listing, 1)[1].split('"', 1)[0]

    page = client.get(listing + version)
    assert page.status_code == 200
    assert "Wartend bei „" in page.text
    for case in cases:
        pseudonym, number, instance = _case(app, case["id"])
        assert pseudonym in page.text and number in page.text
        assert f'href="/prozessauswertung/instanz/{instance}"' in page.text
    waiting_consent = _case(app, other["id"])[0]
    assert waiting_consent not in page.text  # waits at the consent, not at the evaluation
    _no_personal_data(app, page.text)

    pseudonym, number, instance = _case(app, cases[0]["id"])
    diagram = client.get(f"/prozessauswertung/instanz/{instance}")
    assert diagram.status_code == 200
    assert (
        pseudonym in diagram.text
        and f'data-diagram-url="/prozessauswertung/instanz/{instance}/ablauf.json"' in (diagram.text)
    )
    _no_personal_data(app, diagram.text)
    data = client.get(f"/prozessauswertung/instanz/{instance}/ablauf.json")
    assert data.status_code == 200
    (view,) = data.json["instances"]
    assert [c["bpmn_id"] for c in view["current"]] == ["evaluation"]
    done = {d["bpmn_id"]: d for d in view["done"]}
    assert done["first_contact"]["times"][0]["by"] == "Case-Management"  # the role, not the name
    _no_personal_data(app, json.dumps(data.json, ensure_ascii=False))


def test_the_search_finds_a_case_by_pseudonym_or_case_number_and_shows_its_diagrams(app, client, login):
    case = at_second_evaluation(client, login("cm-borchen"))
    pseudonym, number, _instance = _case(app, case["id"])
    for role in ("process-owner", "coordinator"):
        _as(client, role)
        for query in (pseudonym, number.lower(), f"  {number} "):
            r = client.get("/prozessauswertung/faelle", query_string={"q": query})
            assert r.status_code == 303, (role, query)
            assert r.headers["Location"].endswith(f"/prozessauswertung/faelle/{case['id']}")
        page = client.get(f"/prozessauswertung/faelle/{case['id']}")
        assert page.status_code == 200
        assert pseudonym in page.text and f'data-diagram-url="/cases/{case["id"]}/ablauf.json"' in page.text
        _no_personal_data(app, page.text)
        r = client.get(f"/cases/{case['id']}/ablauf.json")
        assert r.status_code == 200
        _no_personal_data(app, json.dumps(r.json, ensure_ascii=False))
        missing = client.get("/prozessauswertung/faelle", query_string={"q": "PB-0000-XXXX"})
        assert missing.status_code == 404
        assert "Keinen Fall mit diesem Pseudonym oder Aktenzeichen gefunden." in missing.text
        assert 'value="PB-0000-XXXX"' in missing.text
    form = client.get("/prozessauswertung/faelle")
    assert form.status_code == 200 and 'name="q"' in form.text


def test_a_topics_escalation_is_shown_by_its_number(app, client, login):
    case = at_second_evaluation(client, login("cm-borchen"))
    topic = raise_topic(client, login("coordinator"), case_ids=[case["id"]])
    with app.extensions["kim"]["sessions"]() as s:
        row = s.get_one(Topic, topic["id"])
        instance, number = row.instance_id, row.number
    _as(client, "process-owner")
    page = client.get(f"/prozessauswertung/instanz/{instance}")
    assert page.status_code == 200 and number in page.text
    data = client.get(f"/prozessauswertung/instanz/{instance}/ablauf.json").json
    assert data["topic_number"] == number and data["instances"][0]["current"]


def test_other_roles_are_refused_and_unknown_ids_look_missing(app, client, login):
    case = at_second_evaluation(client, login("cm-borchen"))
    _pseudonym, _number, instance = _case(app, case["id"])
    _as(client, "cm-borchen")
    for url in (
        f"/prozessauswertung/instanz/{instance}",
        "/prozessauswertung/case_lifecycle/wartend/evaluation",
        f"/prozessauswertung/faelle/{case['id']}",
        "/prozessauswertung/faelle?q=x",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/prozessauswertung/instanz/{instance}/ablauf.json").status_code == 403
    _as(client, "process-owner")
    assert client.get("/prozessauswertung/instanz/999999").status_code == 404
    assert client.get("/prozessauswertung/faelle/999999").status_code == 404
    missing = client.get("/prozessauswertung/instanz/999999/ablauf.json")
    assert missing.status_code == 404
    r = client.get("/prozessauswertung/case_lifecycle/wartend/no_such_step")
    assert r.status_code == 404 and "Diesen Schritt gibt es in dieser Version nicht." in r.text
