"""marshmallow's messages reach users in German only."""

from __future__ import annotations

import re

ENGLISH = re.compile(
    r"\b(must|between|length|not a valid|field|shorter|longer|greater|less|one of)\b", re.IGNORECASE
)


def test_validation_messages_are_german(client, login):
    headers = login("coordinator")
    answers = [
        client.post(
            "/api/v1/topics",
            json={
                "title": "x",
                "category": "nope",
                "municipality": "",
                "description": 5,
                "case_ids": "a",
                "extra": 1,
            },
            headers=headers,
        ),
        client.get("/api/v1/topics?per_page=0&page=-1&min_age_days=x", headers=headers),
        client.post("/api/v1/auth/token", json={"username": "", "password": None}),
    ]
    for r in answers:
        assert r.status_code == 422, r.json
        messages = [m for ms in r.json["errors"].values() for m in ms]
        assert messages and not [m for m in messages if ENGLISH.search(m)], messages


def test_every_marshmallow_default_is_translated():
    from marshmallow import fields, validate

    from api import messages_de

    for cls in vars(fields).values():
        for message in getattr(cls, "__dict__", {}).get("default_error_messages", {}).values():
            assert message not in messages_de.FIELD, (cls, message)
    assert "Zeichen" in validate.Length.message_all and "sein" in validate.Range.message_all
