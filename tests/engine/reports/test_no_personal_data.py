"""No topic, body, meeting, dashboard or report endpoint ever returns a client's personal data."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from engine.clock import today_berlin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.engine.escalations.helpers import (
    API,
    LOCAL_ESCALATE,
    PAPER,
    decide,
    meeting,
    minutes,
    raise_topic,
    to_steering,
)

CLIENTS = [
    {
        "given_name": "Zuleika",
        "family_name": "Quastenbrink",
        "birth_date": "1987-03-14",
        "nationality": "eritreisch",
        "phone": "0151-7788991",
        "email": "zuleika@example.org",
        "address": "Lindenweg 17, Borchen",
    },
    {
        "given_name": "Bartholomew",
        "family_name": "Xylander",
        "birth_date": "2004-12-29",
        "phone": "05251-445566",
        "address": "Am Teich 3",
    },
]
SECRETS = [
    "Zuleika",
    "Quastenbrink",
    "1987-03-14",
    "14.03.1987",
    "0151-7788991",
    "zuleika@example.org",
    "Lindenweg",
    "Bartholomew",
    "Xylander",
    "2004-12-29",
    "29.12.2004",
    "05251-445566",
    "Am Teich",
    d.FIRST_CONTACT["concerns"],
]


def _web(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            "/login", data={"username": username, "password": "demo", "csrf_token": token}
        ).status_code
        == 303
    )


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


@pytest.mark.slow  # about 6 s
def test_topics_dashboard_and_reports_carry_no_client_data(app, client, login):
    cm, uma, coord = login("cm-borchen"), login("cm-uma"), login("coordinator")
    borchen = open_case(client, cm, **CLIENTS[0])
    team = open_case(client, uma, **CLIENTS[1])
    for h, cid in ((cm, borchen["id"]), (uma, team["id"])):
        for bpmn_id, data in (
            ("first_contact", d.FIRST_CONTACT),
            ("consent", d.CONSENT_YES),
            ("assessment", d.ASSESS_ACCOMPANY),
            ("goal_agreement", d.GOALS),
        ):
            complete(client, h, cid, bpmn_id, data)
    assert client.post(f"{API}/cases/{team['id']}/followups", headers=uma).status_code == 201
    start = (today_berlin() - timedelta(days=170)).isoformat()  # the six-month follow-up is due soon
    complete(
        client,
        uma,
        team["id"],
        "coordination_talk",
        {"talk_date": start, "responsible": "joint", "responsible_person": "Frau Berger"},
    )
    complete(
        client,
        uma,
        team["id"],
        "job_start",
        {"placement_kind": "job", "employer": "Tischlerei", "start_date": start},
    )
    created = [
        raise_topic(client, cm, case_ids=[borchen["id"]]),
        to_steering(client, cm, coord, case_ids=[borchen["id"]], title="Kita-Plätze"),
        raise_topic(
            client, uma, municipality="Delbrück", case_ids=[team["id"]], title="Ausbildung und Duldung"
        ),
    ]
    decide(client, uma, created[2]["id"], LOCAL_ESCALATE)
    decide(client, coord, created[2]["id"], PAPER)
    steering = client.get(f"{API}/bodies?kind=steering", headers=coord).json["items"][0]["id"]
    m = meeting(client, coord, steering)
    minutes(
        client,
        coord,
        m["id"],
        [
            {
                "topic_id": created[1]["id"],
                "data": {"steering_outcome": "forward_state", "reason": "Landesrecht"},
            }
        ],
    )
    responses = []
    for user in ("coordinator", "steering", "cm-borchen", "cm-uma"):
        h = login(user)
        urls = [
            f"{API}/topics?per_page=100",
            f"{API}/topics/overdue",
            f"{API}/bodies",
            f"{API}/meetings",
            f"{API}/meetings/{m['id']}",
            *[f"{API}/topics/{t['id']}" for t in created],
            f"{API}/reports/figures",
            f"{API}/reports/figures?format=csv",
        ]
        for url in urls:
            r = client.get(url, headers=h)
            assert r.status_code in (200, 403), (url, user, r.status_code)
            responses.append((user, url, r.get_data(as_text=True)))
        r = client.get(f"{API}/reports/figures?format=xlsx", headers=h)
        if r.status_code == 200:
            book = load_workbook(io.BytesIO(r.data))
            cells = " ".join(
                str(c.value) for s in book for row in s.iter_rows() for c in row if c.value is not None
            )
            responses.append((user, "xlsx", cells))
    for body in (created[0], created[1]):
        responses.append(("create", "topic", str(body)))
    for user in ("coordinator", "steering"):
        web = app.test_client()
        _web(web, user)
        page = web.get("/dashboard")
        assert page.status_code == 200 and "Koordination" in page.get_data(as_text=True)
        assert team["pseudonym"] in page.get_data(as_text=True)  # the follow-up, by pseudonym
        responses.append((user, "/dashboard", page.get_data(as_text=True)))
    found = [(user, url, _leaks(text)) for user, url, text in responses if _leaks(text)]
    assert not found, found
    # Case managers do not get the dashboard; the pseudonym of the Borchen case is only shown in scope.
    web = app.test_client()
    _web(web, "cm-borchen")
    assert web.get("/dashboard").status_code == 403
    as_uma = client.get(f"{API}/topics/{created[0]['id']}", headers=uma).json
    assert as_uma["cases"] == [] and as_uma["linked_cases_total"] == 1
