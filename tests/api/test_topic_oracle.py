"""No oracle: a pseudonymised author learns nothing from a guessed client name in a topic.

For a right and a wrong guess the answers are the same (status, body shape), the same is stored and
the same becomes visible to the author; only the linked case's case manager sees the finding.
"""

from __future__ import annotations

import pytest

from tests.api.helpers import open_case
from tests.engine.escalations.helpers import API, LOCAL_ESCALATE, PAPER, decide, raise_topic

# The linked client is Amina Haddad, born 1990-04-02 (tests/api/helpers.py).
GUESSES = [
    ("Frau Haddad wartet auf den Kurs", "Frau Schulte wartet auf den Kurs"),
    ("Amina wartet auf den Kurs", "Berta wartet auf den Kurs"),
    ("Geboren am 02.04.1990", "Geboren am 03.04.1990"),
    ("Geboren 1990-04-02", "Geboren 1990-04-03"),
]
VARYING = {"id", "number", "title", "raised_at", "age_days", "due_at", "trail", "waiting_since"}


def _shape(value):
    """The structure of an answer: keys and types, not the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def _same(a: dict, b: dict) -> dict:
    return {k: v for k, v in a.items() if k not in VARYING}, {k: v for k, v in b.items() if k not in VARYING}


def _stored(db, topic_id):
    (row,) = db.rows(
        "SELECT description, level, status, waiting_step, category FROM topics WHERE id = :i", i=topic_id
    )
    return row


def _last_audit(db) -> int:
    return db.rows("SELECT coalesce(max(id), 0) FROM audit_log")[0][0]


def _audit_since(db, last):
    return db.rows(
        "SELECT action, object_type, case_id, pseudonym FROM audit_log WHERE id > :i ORDER BY id", i=last
    )


@pytest.fixture
def linked(client, login):
    cm = login("cm-borchen")
    return cm, login("coordinator"), open_case(client, cm)


@pytest.mark.parametrize("right,wrong", GUESSES)
def test_right_and_wrong_guesses_look_the_same_to_the_author(client, login, db, linked, right, wrong):
    cm, coord, case = linked
    answers, audits = [], []
    for title in (right, wrong):
        last = _last_audit(db)
        answers.append(
            client.post(
                f"{API}/topics",
                headers=coord,
                json={
                    "title": title,
                    "category": "language",
                    "municipality": "Borchen",
                    "description": "Mehrere Fälle warten.",
                    "case_ids": [case["id"]],
                },
            )
        )
        audits.append([(a, o, c, p) for a, o, c, p in _audit_since(db, last)])
    assert [r.status_code for r in answers] == [201, 201]
    assert answers[0].mimetype == answers[1].mimetype == "application/json"
    assert _shape(answers[0].json) == _shape(answers[1].json)
    assert _same(answers[0].json, answers[1].json)[0] == _same(answers[0].json, answers[1].json)[1]
    assert [r.json["title"] for r in answers] == [right, wrong]  # stored as written, both
    ids = [r.json["id"] for r in answers]
    # what is stored besides the title, and what the author sees afterwards, is the same
    assert _stored(db, ids[0]) == _stored(db, ids[1])
    assert [a[0] for a in audits[0]] == [a[0] for a in audits[1]] and audits[0]
    seen = [client.get(f"{API}/topics/{i}", headers=coord) for i in ids]
    assert _same(seen[0].json, seen[1].json)[0] == _same(seen[0].json, seen[1].json)[1]
    assert _shape(seen[0].json) == _shape(seen[1].json)
    review = [client.get(f"{API}/topics/{i}/personal-data-review", headers=coord) for i in ids]
    assert [r.status_code for r in review] == [403, 403]
    assert review[0].json == review[1].json
    # the case manager of the linked case is shown which topic names her client, and where
    findings = [
        client.get(f"{API}/topics/{i}/personal-data-review", headers=cm).json["findings"] for i in ids
    ]
    assert findings == [{"title": [case["pseudonym"]]}, {}]


def test_a_decision_text_of_a_pseudonymised_author_is_not_an_oracle_either(client, login, linked):
    cm, coord, case = linked
    topics = [raise_topic(client, cm, title=f"Wartezeit {n}", case_ids=[case["id"]]) for n in (1, 2)]
    for topic in topics:
        decide(client, cm, topic["id"], LOCAL_ESCALATE)
    right = decide(client, coord, topics[0]["id"], {**PAPER, "summary": "Familie Haddad wartet"})
    wrong = decide(client, coord, topics[1]["id"], {**PAPER, "summary": "Familie Schulte wartet"})
    assert _shape(right) == _shape(wrong) and right["level"] == wrong["level"]
    findings = client.get(f"{API}/topics/{topics[0]['id']}/personal-data-review", headers=cm).json["findings"]
    assert findings == {"trail.2.summary": [case["pseudonym"]]}


def test_an_author_who_sees_the_names_is_still_refused(client, linked):
    cm, _coord, case = linked
    r = raise_topic(client, cm, title="Frau Haddad wartet", case_ids=[case["id"]], expect=422)
    assert r["type"].endswith("/personal-data-refused") and "title" in r["errors"]
