"""The task form page: rendered from the form's JSON Schema, errors inline, drafts, completion."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.config import PROJECT_ROOT
from engine.processes.decisions import confirmation
from engine.tasks.models import TaskDraft, TaskRecord
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready

from .helpers import web_login

DECISIONS = {"consent_given", "continue"}  # Ja/Nein decisions: radio buttons posting true/false


def form_fields(data: dict, prefix: str = "") -> dict[str, list[str]]:
    """Typed form data as a browser posts it (ticked boxes, chosen radios, one field per row cell)."""
    out: dict[str, list[str]] = {}
    for key, value in data.items():
        name = prefix + key
        if key in DECISIONS and isinstance(value, bool):
            out[name] = [str(value).lower()]
        elif value is True:
            out[name] = ["1"]
        elif value is False:
            continue
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                out.update(form_fields(row, f"{name}.{i}."))
        elif isinstance(value, list):
            out[name] = [str(v) for v in value]
        else:
            out[name] = [str(value)]
    return out


def _task(client, headers, case_id, bpmn_id) -> dict:
    (task,) = [t for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id]
    return task


def _titles(form_key: str) -> list[str]:
    schema = json.loads((PROJECT_ROOT / "forms" / f"{form_key}.json").read_text())
    titles = []
    for spec in schema["properties"].values():
        titles.append(spec["title"])
        row = (spec.get("items") or {}).get("properties", {})
        replaced = {s.get("x-replaces") for s in row.values()}  # free text a case's goal choice replaces
        titles += [s["title"] for k, s in row.items() if k not in replaced]
    return titles


def _schema(form_key: str) -> dict:
    return json.loads((PROJECT_ROOT / "forms" / f"{form_key}.json").read_text())


def _submit(client, csrf, task_id, data, action="complete", confirm_for: str | None = None):
    """Post the form; ``confirm_for`` (a form key) also sends the confirmation its decision asks for."""
    fields: dict = {**form_fields(data), "csrf_token": csrf, "_action": action}
    ask = confirmation(_schema(confirm_for), data) if confirm_for else None
    if ask is not None:
        fields["_confirm"] = ask.key
    return client.post(f"/tasks/{task_id}", data=fields)


def test_every_lifecycle_form_renders_and_completes_through_the_page(client, login):
    csrf = web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    steps = [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
        ("evaluation", d.evaluation(True, goal_ids=["GOAL"])),
        ("evaluation", d.evaluation(False, day=20, goal_ids=["GOAL"], status="achieved")),
        ("final_evaluation", d.FINAL),
        ("closure", d.CLOSURE_GOALS_MET),
    ]
    goal = None
    for bpmn_id, step_data in steps:
        data = step_data
        task = _task(client, cm, case["id"], bpmn_id)
        page = client.get(f"/tasks/{task['id']}")
        assert page.status_code == 200, page.text
        for title in _titles(bpmn_id):
            assert title in page.text, (bpmn_id, title)
        if bpmn_id == "evaluation":  # the case's goal as the choice (radio buttons: one goal)
            (goal,) = client.get(f"/api/v1/cases/{case['id']}/goals", headers=cm).json["items"]
            assert f'name="progress.0.goal_id" value="{goal["id"]}"> Eigene Wohnung (Wohnen)' in page.text
            assert 'name="progress.0.goal"' not in page.text  # no free text beside the choice
            data = {**data, "progress": [{**p, "goal_id": goal["id"]} for p in data["progress"]]}
        r = _submit(client, csrf, task["id"], data, confirm_for=bpmn_id)
        assert r.status_code == 303, r.text
    assert client.get(f"/api/v1/cases/{case['id']}", headers=cm).json["status"] == "closed"
    (after,) = client.get(f"/api/v1/cases/{case['id']}/goals", headers=cm).json["items"]
    assert (
        after["id"] == goal["id"] and after["status"] == "achieved" and after["evaluated_on"] == "2026-11-20"
    )
    # The referral route's form as well.
    other = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_REFERRAL),
    ]:
        assert _submit(client, csrf, _task(client, cm, other["id"], bpmn_id)["id"], data).status_code == 303
    page = client.get(f"/tasks/{_task(client, cm, other['id'], 'referral')['id']}")
    assert page.status_code == 200 and all(t in page.text for t in _titles("referral"))


def test_widgets_follow_the_schema(client, login):
    web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    html = client.get(f"/tasks/{_task(client, cm, case['id'], 'first_contact')['id']}").text
    assert '<input type="date" id="f-contact_date" name="contact_date"' in html
    assert '<textarea id="f-concerns" name="concerns"' in html
    # Four choices or fewer are radio buttons in a labelled group; longer lists a select.
    assert '<fieldset class="radios" id="f-contact_channel"' in html and "<legend>Kontaktweg" in html
    assert 'type="radio" id="f-contact_channel-1" name="contact_channel" value="phone"> telefonisch' in html
    assert (
        'id="f-contact_channel-none" name="contact_channel" value="" checked' in html
    )  # optional: keine Angabe
    assert '<select id="f-access_route" name="access_route"' in html
    assert 'type="checkbox" id="f-interpreter_needed"' in html
    assert "Pflichtfeld" in html and "Erledigen" in html and "Entwurf speichern" in html
    assert "<script" not in html and "style=" not in html  # the CSP allows neither inline


def test_form_error_shown_inline_and_corrected(client, login, app):
    csrf = web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
    ]:
        assert _submit(client, csrf, _task(client, cm, case["id"], bpmn_id)["id"], data).status_code == 303
    task = _task(client, cm, case["id"], "goal_agreement")
    wrong = {
        "agreement_date": "2026-11-10",
        "review_interval_weeks": "acht",
        "goals": [{"goal": "Eigene Wohnung", "life_area": "housing"}],
    }
    r = _submit(client, csrf, task["id"], wrong)
    assert r.status_code == 422
    html = r.text
    assert 'class="error-summary"' in html
    assert (
        '<a href="#f-goals-0-target_date">Ziele › Ziel 1 › Zieldatum: Pflichtfeld: bitte ausfüllen.</a>'
        in html
    )
    assert 'id="f-goals-0-target_date-error">Pflichtfeld: bitte ausfüllen.' in html
    assert 'id="f-review_interval_weeks-error">Ungültiger Wert: erwartet ganze Zahl.' in html
    assert 'value="Eigene Wohnung"' in html and 'value="acht"' in html  # entered values kept
    # Adding a row keeps the values and shows a further empty one.
    r = _submit(client, csrf, task["id"], {**wrong, "goals": wrong["goals"] * 2}, action="add")
    assert r.status_code == 200 and 'name="goals.2.goal"' in r.text and 'value="Eigene Wohnung"' in r.text
    assert _submit(client, csrf, task["id"], d.GOALS).status_code == 303
    assert [t["bpmn_id"] for t in ready(client, cm, case["id"])] == ["evaluation"]


def test_draft_saved_restored_and_dropped_on_completion(client, login, app):
    csrf = web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task = _task(client, cm, case["id"], "first_contact")
    r = _submit(
        client,
        csrf,
        task["id"],
        {"concerns": "Gesundheit und Wohnung", "interpreter_needed": True},
        action="draft",
    )
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/tasks/{task['id']}")
    html = client.get(f"/tasks/{task['id']}").text
    assert "Entwurf gespeichert" in html and "wiederhergestellt" in html
    assert ">Gesundheit und Wohnung</textarea>" in html
    assert 'id="f-interpreter_needed" name="interpreter_needed" value="1" checked' in html
    session = app.extensions["kim"]["sessions"]()
    try:
        assert session.get(TaskDraft, task["id"]).data["concerns"] == "Gesundheit und Wohnung"
        raw = session.connection().exec_driver_sql("SELECT data FROM task_drafts").scalar()
        assert "Gesundheit" not in raw  # encrypted at rest
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == task["id"])).all()
        assert "task.draft_save" in actions
    finally:
        session.close()
    assert _submit(client, csrf, task["id"], d.FIRST_CONTACT).status_code == 303
    session = app.extensions["kim"]["sessions"]()
    try:
        assert session.get(TaskDraft, task["id"]) is None
    finally:
        session.close()


def test_manual_task_is_confirmed(client, login, app):
    csrf = web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task = _task(client, cm, case["id"], "first_contact")
    session = app.extensions["kim"]["sessions"]()
    try:  # a task without a form, as a modelled manual step would be
        session.get(TaskRecord, task["id"]).form_key = None
        session.commit()
    finally:
        session.close()
    html = client.get(f"/tasks/{task['id']}").text
    assert "Erledigt bestätigen" in html and "Entwurf speichern" not in html
    r = client.post(f"/tasks/{task['id']}", data={"csrf_token": csrf, "_action": "complete"})
    assert r.status_code == 303, r.text
    assert [t["bpmn_id"] for t in ready(client, cm, case["id"])] == ["consent"]
    done = client.get(f"/tasks/{task['id']}")
    assert "nicht mehr offen" in done.text


def test_out_of_scope_and_other_roles_get_german_error_pages(client, login, app):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task = _task(client, cm, case["id"], "first_contact")
    other = app.test_client()
    web_login(other, "cm-delbrueck")
    r = other.get(f"/tasks/{task['id']}")
    assert r.status_code == 404 and "keinen Zugriff" in r.text
    coord = app.test_client()  # coordinators work only the tasks of their lane: a case task is unknown
    web_login(coord, "coordinator")
    r = coord.get(f"/tasks/{task['id']}")
    assert r.status_code == 404 and "keinen Zugriff" in r.text
    owner = app.test_client()  # the data-protection officer works no tasks at all
    web_login(owner, "dpo")
    r = owner.get(f"/tasks/{task['id']}")
    assert r.status_code == 403 and "Das hat nicht geklappt" in r.text
    assert client.get("/tasks/nope").status_code in (302, 303)  # not logged in: off to /login


def test_posting_needs_the_csrf_token(client, login):
    web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task = _task(client, cm, case["id"], "first_contact")
    r = client.post(f"/tasks/{task['id']}", data={**form_fields(d.FIRST_CONTACT), "_action": "complete"})
    assert r.status_code in (400, 403)
    assert [t["bpmn_id"] for t in ready(client, cm, case["id"])] == ["first_contact"]


def test_decisions_have_no_default_and_drafts_do_not_keep_them(client, login, app):
    csrf = web_login(client)
    cm = login("cm-borchen")
    case = open_case(client, cm)
    assert (
        _submit(
            client, csrf, _task(client, cm, case["id"], "first_contact")["id"], d.FIRST_CONTACT
        ).status_code
        == 303
    )
    task = _task(client, cm, case["id"], "consent")
    html = client.get(f"/tasks/{task['id']}").text
    assert 'name="consent_given" value="true"> Ja, die Einwilligung ist erteilt' in html
    assert 'name="consent_given" value="false"> Nein, keine Einwilligung' in html
    assert 'type="checkbox" id="f-consent_given"' not in html and "checked" not in html
    assert '<button type="submit" class="implicit-stop" disabled' in html  # Enter submits nothing
    # A draft with "Nein" chosen keeps the rest, never the choice.
    r = _submit(client, csrf, task["id"], {"consent_given": False, "form_version": "2026-1"}, action="draft")
    assert r.status_code == 303
    session = app.extensions["kim"]["sessions"]()
    try:
        saved = session.get(TaskDraft, task["id"]).data
        assert saved["form_version"] == "2026-1" and "consent_given" not in saved
    finally:
        session.close()
    html = client.get(f"/tasks/{task['id']}").text
    assert 'value="2026-1"' in html and "checked" not in html
    # "Nein" without its confirmation, or confirming another value, saves nothing.
    r = _submit(client, csrf, task["id"], d.CONSENT_NO)
    assert r.status_code == 200 and "Der Fall wird ohne Case Management abgeschlossen." in r.text
    assert 'name="_confirm" value="consent_given=false"' in r.text
    fields = {**form_fields(d.CONSENT_NO), "csrf_token": csrf, "_confirm": "consent_given=true"}
    assert client.post(f"/tasks/{task['id']}", data=fields).status_code == 200
    assert [t["bpmn_id"] for t in ready(client, cm, case["id"])] == ["consent"]
    assert _submit(client, csrf, task["id"], d.CONSENT_NO, confirm_for="consent").status_code == 303
    assert client.get(f"/api/v1/cases/{case['id']}", headers=cm).json["status"] == "closed"
