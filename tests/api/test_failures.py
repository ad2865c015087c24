"""Failures that must end cleanly: a process error at run time, an unreachable database."""

from engine.config import PROJECT_ROOT, Settings
from engine.processes.service import deploy_process
from engine.tasks.drafts import get_draft
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready


def test_runtime_process_error_is_409_keeps_a_draft_and_saves_nothing_else(app, client, login):
    """A diagram error at run time is the model's, not the entries': 409 process-model-error naming the step,
    the entries kept as a draft, an incident for the process owners (without the error's text), nothing
    of the step saved."""
    h = login("cm-borchen")
    earlier = open_case(client, h)  # started on version 1
    xml = (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes()
    broken = xml.replace(b"consent_given == True", b"consent_givn == True")
    with app.app_context():
        session = app.extensions["kim"]["sessions"]()
        version, created = deploy_process(session, broken, "test")
        session.commit()
        session.close()
    assert created and version.version == 2
    # Running cases stay on the version they started with.
    complete(client, h, earlier["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, earlier["id"], "consent", d.CONSENT_YES)
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    before = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    (task,) = ready(client, h, case["id"])
    r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": d.CONSENT_YES}, headers=h)
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert r.json["type"].endswith("/process-model-error") and r.json["title"] == "Fehler im Prozessmodell"
    assert r.json["element_id"] == "gw_consent" and "Fehler im Prozessmodell" in r.json["detail"]
    assert "als Entwurf gespeichert" in r.json["detail"] and "mit diesen Angaben" not in r.json["detail"]
    assert "NameError" not in r.get_data(as_text=True)
    after = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    assert after["history_total"] == before["history_total"] and after["status"] == "open"
    assert ready(client, h, case["id"])[0]["id"] == task["id"]
    with app.app_context():
        session = app.extensions["kim"]["sessions"]()
        kept = {k: v for k, v in d.CONSENT_YES.items() if k != "consent_given"}  # a decision is never kept
        assert get_draft(session, task["id"]).data == kept
        session.close()
    (incident,) = client.get("/api/v1/processes/incidents", headers=login("process-owner")).json
    assert incident["element_id"] == "gw_consent" and incident["kind"] == "error"
    assert incident["cause"] == "Fehler bei der Ausführung (NameError)."  # its type only, never its text


def test_unreachable_database_is_503(tmp_path):
    from api.app import create_app

    not_a_file = tmp_path / "db-is-a-directory"
    not_a_file.mkdir()
    app = create_app(Settings(database_url=f"sqlite:///{not_a_file}", log_level="CRITICAL"))
    assert app.test_client().get("/api/v1/health").status_code == 200  # liveness never asks the database
    r = app.test_client().get("/api/v1/ready")
    assert r.status_code == 503 and r.mimetype == "application/problem+json"
    assert r.headers["Retry-After"] and "Datenbank" in r.json["detail"]
    r = app.test_client().get("/api/v1/cases", headers={"Authorization": "Bearer x"})
    assert r.status_code == 503
