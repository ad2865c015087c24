"""Process owners edit forms: list, read, live check, save as a new version."""


def test_form_editing(client, login):
    owner = login("process-owner")
    listed = client.get("/api/v1/forms", headers=owner).json["items"]
    assert {"consent", "referral"} <= {f["form_key"] for f in listed}
    consent = client.get("/api/v1/forms/consent", headers=owner).json
    assert consent["version"] == 1 and consent["title"] == "Einwilligung"
    r = client.post("/api/v1/forms/validate", json={"schema": {"type": "objekt"}}, headers=owner).json
    assert r["valid"] is False and r["problems"] and "JSON Schema" in r["problems"][0]
    schema = {**consent["schema"], "title": "Einwilligung (neu)"}
    saved = client.put("/api/v1/forms/consent", json={"schema": schema}, headers=owner).json
    assert saved["version"] == 2 and saved["changed"] is True
    again = client.put("/api/v1/forms/consent", json={"schema": schema}, headers=owner).json
    assert again["version"] == 2 and again["changed"] is False
    bad = client.put("/api/v1/forms/consent", json={"schema": {"type": "array"}}, headers=owner)
    assert bad.status_code == 422 and bad.json["errors"]["schema"]
    assert client.put("/api/v1/forms/Bad-Key", json={"schema": schema}, headers=owner).status_code == 422
    assert client.get("/api/v1/forms/nope", headers=owner).status_code == 404
    for user in ("cm-borchen", "coordinator", "admin"):
        assert client.get("/api/v1/forms", headers=login(user)).status_code == 403
        assert (
            client.put("/api/v1/forms/consent", json={"schema": schema}, headers=login(user)).status_code
            == 403
        )


def test_startup_deploy_keeps_what_owners_deployed(client, login, app):
    from engine.config import PROJECT_ROOT
    from engine.processes.service import deploy_directories

    owner = login("process-owner")
    consent = client.get("/api/v1/forms/consent", headers=owner).json
    client.put("/api/v1/forms/consent", json={"schema": {**consent["schema"], "title": "Neu"}}, headers=owner)
    changed = (
        (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn")
        .read_bytes()
        .replace(b'name="Evaluation"', b'name="Zwischenauswertung"', 1)
    )
    v2 = client.post(
        "/api/v1/processes", data=changed, headers={**owner, "Content-Type": "application/xml"}
    ).json
    client.post("/api/v1/processes/case_lifecycle/deploy", json={"version": v2["version"]}, headers=owner)
    with app.extensions["kim"]["sessions"]() as session:
        assert deploy_directories(session, PROJECT_ROOT / "processes", PROJECT_ROOT / "forms") == []
        session.commit()
    assert client.get("/api/v1/forms/consent", headers=owner).json["title"] == "Neu"
    current = {
        p["process_id"]: p["current_version"]
        for p in client.get("/api/v1/processes", headers=owner).json["items"]
    }
    assert current["case_lifecycle"] == v2["version"]
