"""The pages keep the same rules as the API (one engine rule): implausible names and dates are refused with
a German message next to the field, and nothing is saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.access.models import User
from engine.cases.models import Case
from engine.clock import today_berlin
from engine.instances.models import HistoryEntry
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready

from .helpers import web_login
from .test_task_form import form_fields

PERSON = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-02",
    "municipality": "borchen",
}


def _count(app, model, *cond) -> int:
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*cond)) or 0


def test_a_name_with_a_direction_override_or_an_escape_is_refused_on_the_new_case_page(app, client):
    csrf = web_login(client, "cm-borchen")
    before = _count(app, Case)
    for field, name in (
        ("given_name", "Amina\u202eadsaH"),
        ("family_name", "\x1b[2JHaddad"),
        ("given_name", "\u200b"),
    ):
        r = client.post("/cases/new", data={"csrf_token": csrf, **PERSON, field: name})
        assert r.status_code == 422, r.text
        assert f'id="e-{field}"' in r.text and "unzulässiges Zeichen" in r.text
        assert r.text.count('aria-invalid="true"') == 1
    assert _count(app, Case) == before
    # Inner runs of spaces are collapsed, as over the API.
    r = client.post("/cases/new", data={"csrf_token": csrf, **PERSON, "given_name": "Amina   Sara"})
    assert r.status_code == 303
    with app.extensions["kim"]["sessions"]() as s:
        assert s.scalars(select(Case.given_name).order_by(Case.id.desc())).first() == "Amina Sara"


def test_a_future_first_contact_is_refused_on_the_task_page(app, client, login):
    csrf = web_login(client, "cm-borchen")
    cm = login("cm-borchen")
    case = open_case(client, cm)
    (task,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "first_contact"]
    page = client.get(f"/tasks/{task['id']}").text
    assert 'id="f-contact_date-hint">Nicht in der Zukunft.</p>' in page  # the rule is shown with the field
    tomorrow = (today_berlin() + timedelta(days=1)).isoformat()
    data = {**d.FIRST_CONTACT, "contact_date": tomorrow}
    r = client.post(
        f"/tasks/{task['id']}", data={**form_fields(data), "csrf_token": csrf, "_action": "complete"}
    )
    assert r.status_code == 422
    assert 'id="f-contact_date-error"' in r.text and "Das Datum darf nicht in der Zukunft liegen" in r.text
    assert f'value="{tomorrow}"' in r.text  # what was typed stays
    assert _count(app, HistoryEntry, HistoryEntry.task_id == task["id"]) == 0
    assert [t["id"] for t in ready(client, cm, case["id"])] == [task["id"]]


def test_an_account_name_with_a_terminal_escape_is_refused(app, client):
    csrf = web_login(client, "admin")
    before = _count(app, User)
    form = {
        "csrf_token": csrf,
        "username": "cm-lichtenau",
        "display_name": "\x1b]0;Admin\x07Case-Manager",
        "role": "case_manager",
        "unit": "m:lichtenau",
        "agency": "",
        "password": "sehr-geheim-2026",
    }
    r = client.post("/admin/users/new", data=form)
    assert r.status_code == 422 and 'id="e-display_name"' in r.text and "unzulässiges Zeichen" in r.text
    assert _count(app, User) == before
    r = client.post("/admin/users/new", data={**form, "display_name": "  Case-Manager   Lichtenau "})
    assert r.status_code == 303
    with app.extensions["kim"]["sessions"]() as s:
        name = s.scalar(select(User.display_name).where(User.username == "cm-lichtenau"))
    assert name == "Case-Manager Lichtenau"
