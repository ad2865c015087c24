"""The form editor's preview (POST /modeler/forms/preview): the draft schema rendered by the task page's
own templates; owners only, the CSRF token required, a schema it cannot show a German 422."""

from __future__ import annotations

import json

from engine.config import PROJECT_ROOT
from tests.web.helpers import web_login

WELCOME = {
    "title": "Begrüßungsanruf",
    "type": "object",
    "required": ["reached"],
    "properties": {
        "reached": {"title": "Erreicht", "type": "boolean"},
        "channel": {
            "title": "Kanal",
            "type": "string",
            "enum": ["phone", "video"],
            "x-enum-titles": ["Telefon", "Video"],
        },
        "note": {"title": "Notiz", "type": "string", "x-widget": "textarea"},
    },
}


def _preview(client, csrf, body):
    return client.post(
        "/modeler/forms/preview",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )


def test_the_preview_is_the_task_forms_rendering(client):
    csrf = web_login(client, "process-owner")
    r = _preview(client, csrf, {"schema": WELCOME})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.text
    assert "<html" not in html and 'aria-label="Vorschau: Begrüßungsanruf"' in html  # a fragment
    # A required Ja/Nein is a decision (radio buttons); two choices are radio buttons with "keine Angabe".
    assert 'class="field field-decision"' in html and 'type="radio" id="f-reached-0"' in html
    assert 'class="field field-radio"' in html and "keine Angabe" in html and "<select" not in html
    assert "aria-required" not in html.split('id="f-reached"')[1].split(">")[0]  # no aria-required on a group
    assert '<textarea id="f-note"' in html and "Mit * markierte Felder sind Pflichtfelder." in html


def test_every_shipped_form_previews(client):
    csrf = web_login(client, "process-owner")
    for path in sorted((PROJECT_ROOT / "forms").glob("*.json")):
        r = _preview(client, csrf, {"schema": json.loads(path.read_text())})
        assert r.status_code == 200, (path.name, r.text)
        assert 'class="field ' in r.text, path.name


def test_a_schema_it_cannot_show_is_a_german_422_naming_the_field(client):
    csrf = web_login(client, "process-owner")
    for body in ({"schema": []}, {"schema": {"properties": []}}, {"nothing": 1}, "text"):
        r = _preview(client, csrf, body)
        assert r.status_code == 422 and "JSON-Objekt" in r.json["detail"], body
    r = _preview(client, csrf, {"schema": {"properties": {"goals": {"type": "array", "items": "x"}}}})
    assert r.status_code == 422 and "„goals“" in r.json["detail"]
    assert r.json["errors"] == {"schema": [r.json["detail"]]}


def test_only_owners_with_the_token_get_a_preview(client):
    csrf = web_login(client, "process-owner")
    assert _preview(client, "falsch", {"schema": WELCOME}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf})
    csrf = web_login(client, "cm-borchen")
    r = _preview(client, csrf, {"schema": WELCOME})
    assert r.status_code == 403 and "Prozessverantwortlichen vorbehalten" in r.text
