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
        assert client.put("/api/v1/forms/consent", json={"schema": schema}, headers=login(user)).status_code == 403
