"""The web app's pages with the Flask test client: German, scoped, pseudonymised for coordinators."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.access.models import User
from engine.cases.models import Case
from engine.tasks.models import TaskRecord
from tests.web.helpers import csrf_from, web_login

PERSON = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-02",
    "nationality": "syrisch",
    "languages": "Arabisch, Deutsch",
}


def _create(client, csrf, **over):
    form = {"csrf_token": csrf, "municipality": "borchen", **PERSON, **over}
    return client.post("/cases/new", data=form)


def _case_count(app):
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(Case))


def test_case_manager_pages_are_german_and_a_case_can_be_opened(app, client):
    csrf = web_login(client, "cm-borchen")
    home = client.get("/")
    assert home.status_code == 200 and "Meine Aufgaben" in home.text and "Abmelden" in home.text
    assert 'href="/cases"' in home.text and "Nachverfolgung" in home.text and "Modellierung" not in home.text
    r = _create(client, csrf)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["Location"])
    assert page.status_code == 200
    for text in (
        "Amina Haddad",
        "Offene Aufgaben",
        "Erstgespräch",
        "Einwilligungen",
        "Verlauf",
        "UmA-Nachverfolgung",
        "Ziele und Fortschritt",
        "02.04.1990",
    ):
        assert text in page.text, text
    # Meine Aufgaben: nobody holds it yet, and it is a task of her own case
    task_id = client.get("/").text.split('href="/tasks/')[1].split('"')[0]
    assert f'href="/tasks/{task_id}"' in client.get("/?view=unassigned").text
    assert f'href="/tasks/{task_id}"' in page.text
    listing = client.get("/cases")
    assert "Haddad, Amina" in listing.text and "Neuen Fall anlegen" in listing.text
    assert "Haddad" in client.get("/cases", query_string={"q": "had"}).text
    assert "Keine Fälle gefunden." in client.get("/cases", query_string={"q": "Nobody"}).text
    with app.extensions["kim"]["sessions"]() as s:
        number, pseudonym = s.execute(select(Case.case_number, Case.pseudonym)).first()
    for q in (number, pseudonym):
        assert "Haddad" in client.get("/cases", query_string={"q": q}).text
    assert client.get("/followups").status_code == 200


def test_invalid_birth_date_shows_the_error_inline_and_creates_nothing(app, client):
    csrf = web_login(client, "cm-borchen")
    before = _case_count(app)
    r = _create(client, csrf, birth_date="2024-13-45", given_name="")
    assert r.status_code == 422
    assert "Bitte ein gültiges Datum angeben" in r.text and 'aria-invalid="true"' in r.text
    assert 'id="e-given_name"' in r.text and "Bitte ausfüllen." in r.text
    assert 'value="Haddad"' in r.text  # what was typed stays
    assert _case_count(app) == before


def test_claim_unclaim_and_hand_over(app, client):
    # The demo seeds a second case manager in Borchen (cm-borchen-2), so hand-over has someone to go to.
    csrf = web_login(client, "cm-borchen")
    assert _create(client, csrf).status_code == 303
    home = client.get("/?view=team")  # remembered for the next visits
    task_id = home.text.split('href="/tasks/')[1].split('"')[0]
    assert "Übernehmen" in home.text and "Case-Manager Borchen (Vertretung)" in home.text

    def assignee():
        with app.extensions["kim"]["sessions"]() as s:
            uid = s.get(TaskRecord, task_id).assignee_id
            return s.get(User, uid).username if uid else None

    r = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf})
    assert r.status_code == 303 and assignee() == "cm-borchen"
    assert "Zurückgeben" in client.get("/").text
    assert client.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": csrf}).status_code == 303
    assert assignee() is None
    client.post(f"/tasks/{task_id}/assign", data={"csrf_token": csrf, "username": "cm-delbrueck"})
    assert assignee() is None and "nicht übergeben" in client.get("/").text
    client.post(f"/tasks/{task_id}/assign", data={"csrf_token": csrf, "username": "cm-borchen-2"})
    assert assignee() == "cm-borchen-2"
    # Someone else holds it now: claiming is refused with a German message.
    client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf})
    assert assignee() == "cm-borchen-2" and "bereits jemand anderes" in client.get("/").text
    # Without the CSRF token nothing happens.
    assert client.post(f"/tasks/{task_id}/unclaim").status_code == 403


def test_coordinator_pages_show_no_client_name(app, client):
    csrf = web_login(client, "cm-borchen")
    r = _create(client, csrf)
    case_url = r.headers["Location"]
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "coordinator")
    for url in ("/", "/cases", case_url, "/followups"):
        page = client.get(url)
        assert page.status_code == 200, url
        for secret in ("Amina", "Haddad", "1990", "syrisch", "Arabisch"):
            assert secret not in page.text, (url, secret)
    assert "Dashboard" in client.get("/").text
    assert "Pseudonymisierte Ansicht" in client.get(case_url).text
    assert client.get("/cases/new").status_code == 403


def test_delbrueck_case_manager_gets_404_on_a_borchen_case(app, client):
    csrf = web_login(client, "cm-borchen")
    case_url = _create(client, csrf).headers["Location"]
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "cm-delbrueck")
    r = client.get(case_url)
    missing = client.get("/cases/999999")
    assert r.status_code == missing.status_code == 404
    assert "Diesen Fall gibt es nicht" in r.text and "Haddad" not in r.text
    # the same page, but for the CSRF token, which carries the second it was made in
    assert r.text.replace(csrf_from(r.text), "") == missing.text.replace(csrf_from(missing.text), "")
    assert "Keine Fälle gefunden." in client.get("/cases", query_string={"q": "Haddad"}).text


def test_other_roles_get_a_start_page(client):
    web_login(client, "process-owner")
    page = client.get("/")
    assert page.status_code == 200 and "Startseite" in page.text and "Modellierung" in page.text
    assert csrf_from(page.text)
