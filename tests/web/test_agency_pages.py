"""The agencies' workspace in the web: the start page leads to the inbox, the inbox lists only the
agency's referrals with filters, the referral page's actions with German errors at their fields, another
agency's referral 404; the coordinators' overview and "Als Thema einbringen"."""

from __future__ import annotations

import pytest

from engine import clock
from tests.engine.followups.helpers import travel
from tests.engine.referrals.helpers import family_case, send, stored

from .helpers import csrf_from, web_login


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def test_the_agency_works_its_referrals_in_the_browser_pages(app, client, login):
    case, m = family_case(app, client, login("cm-borchen"))
    ref = send(client, login("cm-borchen"), case["id"], "foreigners_authority", [m["Karim"]], "residence")
    other = send(client, login("cm-borchen"), case["id"], "jobcenter", [m["Lina"]], "work_training")
    web_login(client, "abh")
    home = client.get("/")
    assert "/agency/referrals" in home.text and "keine Seiten" not in home.text
    inbox = client.get("/agency/referrals")
    assert inbox.status_code == 200 and "Verweisungen an Ausländerbehörde Kreis Paderborn" in inbox.text
    assert f'data-referral="{ref["id"]}"' in inbox.text and f'data-referral="{other["id"]}"' not in inbox.text
    assert "Karim Haddad" in inbox.text and "04.12.2026" in inbox.text
    assert f'data-referral="{ref["id"]}"' not in client.get("/agency/referrals?status=answered").text
    assert f'data-referral="{ref["id"]}"' not in client.get("/agency/referrals?overdue=1").text

    page = client.get(f"/agency/referrals/{ref['id']}")
    assert page.status_code == 200 and "Verweisung wegen residence" in page.text
    token = csrf_from(page.text)
    r = client.post(f"/agency/referrals/{ref['id']}/answer", data={"csrf_token": token, "result": " "})
    assert r.status_code == 422 and "Bitte das Ergebnis der Verweisung angeben." in r.text
    assert 'id="answer-result-error"' in r.text and 'aria-invalid="true"' in r.text
    r = client.post(f"/agency/referrals/{ref['id']}/decline", data={"csrf_token": token, "text": "x"})
    assert r.status_code == 422 and "Bitte den Grund der Ablehnung angeben." in r.text
    assert stored(app, case["id"])["rows"][0].status == "sent"

    r = client.post(f"/agency/referrals/{ref['id']}/accept", data={"csrf_token": token, "text": ""})
    assert r.status_code == 303
    page = client.get(f"/agency/referrals/{ref['id']}")
    assert "Die Verweisung ist angenommen." in page.text and "in Bearbeitung" in page.text
    r = client.post(
        f"/agency/referrals/{ref['id']}/questions", data={"csrf_token": token, "text": "Zeugnis fehlt."}
    )
    assert r.status_code == 303
    assert "Noch keine Antwort des Case-Managements." in client.get(f"/agency/referrals/{ref['id']}").text
    r = client.post(
        f"/agency/referrals/{ref['id']}/answer",
        data={"csrf_token": token, "result": "Geprüft: erfüllt.", "check_result": "met"},
    )
    assert r.status_code == 303
    page = client.get(f"/agency/referrals/{ref['id']}")
    assert "Voraussetzungen erfüllt" in page.text and "Antwort senden" not in page.text

    # Another agency's referral: the same page as a missing one.
    theirs, missing = client.get(f"/agency/referrals/{other['id']}"), client.get("/agency/referrals/999999")
    assert theirs.status_code == missing.status_code == 404
    assert "Diese Verweisung gibt es nicht" in theirs.text
    r = client.post(f"/agency/referrals/{other['id']}/accept", data={"csrf_token": token})
    assert r.status_code == 404 and stored(app, case["id"])["rows"][1].status == "sent"

    # The case manager's case page shows the answer, its check result and the question.
    client.post("/logout", data={"csrf_token": token})
    web_login(client, "cm-borchen")
    page = client.get(f"/cases/{case['id']}")
    assert "Geprüft: erfüllt." in page.text and "Prüfergebnis: Voraussetzungen erfüllt" in page.text
    assert "Rückfrage der Stelle:</strong> Zeugnis fehlt." in page.text
    assert client.get("/agency/referrals").status_code == 403


def test_the_coordinators_overview_and_raising_a_row_as_a_topic(app, client, login):
    case, m = family_case(app, client, login("cm-borchen"))
    for name in ("Karim", "Lina", "Samir"):
        send(client, login("cm-borchen"), case["id"], "jobcenter", [m[name]], "work_training")
    token = web_login(client, "coordinator")
    page = client.get("/referrals/overview?school_year=2026/27")
    assert page.status_code == 200 and "Verweisungen je Stelle" in page.text
    assert 'data-agency="jobcenter"' in page.text and "Haddad" not in page.text
    r = client.post(
        "/referrals/overview/topics",
        data={"csrf_token": token, "agency": "jobcenter", "school_year": "2026/27"},
    )
    assert r.status_code == 303 and "/topics/" in r.headers["Location"]
    topic = client.get(r.headers["Location"])
    assert "Verweisungen an Jobcenter (SGB II): Rückmeldungen im Schuljahr 2026/27" in topic.text
    assert "Haddad" not in topic.text
    client.post("/logout", data={"csrf_token": token})
    token = web_login(client, "steering")
    page = client.get("/referrals/overview?school_year=2026/27")
    assert page.status_code == 200 and "Als Thema einbringen" not in page.text
    client.post("/logout", data={"csrf_token": token})
    web_login(client, "abh")
    assert client.get("/referrals/overview").status_code == 403
