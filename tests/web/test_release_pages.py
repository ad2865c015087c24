"""The case page records a further release from confidentiality for chosen household members, with the
same engine rule as the API (the consent register then covers exactly those members)."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.clock import today_berlin
from engine.consents.models import Consent
from tests.api.helpers import give_consent, open_case

from .helpers import web_login

API = "/api/v1"


def _releases(app, case_id: int) -> int:
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(
            select(func.count())
            .select_from(Consent)
            .where(Consent.case_id == case_id, Consent.kind == "confidentiality_release")
        )


def test_a_release_for_the_children_from_the_case_page(app, client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    give_consent(client, h, case["id"])
    child = {
        "given_name": "Samir",
        "family_name": "Haddad",
        "birth_date": "2012-09-14",
        "relationship": "child",
    }
    r = client.post(f"{API}/cases/{case['id']}/members", json=child, headers=h)
    assert r.status_code == 201, r.json
    samir = r.json["id"]
    csrf = web_login(client, "cm-borchen")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and "Schweigepflichtentbindung erfassen" in page.text
    assert f'name="member_ids" value="{samir}"' in page.text

    before = _releases(app, case["id"])
    today = today_berlin().isoformat()
    # Nobody ticked: refused with the German message, nothing saved, the choices kept.
    r = client.post(
        f"/cases/{case['id']}/releases",
        data={"csrf_token": csrf, "agency": "youth_office", "given_on": today},
    )
    assert r.status_code == 422 and "mindestens eine Person" in r.text
    assert 'value="youth_office" selected' in r.text and _releases(app, case["id"]) == before
    # A date in the future: the engine's rule, the same as over the API.
    future = "2099-01-01"
    r = client.post(
        f"/cases/{case['id']}/releases",
        data={"csrf_token": csrf, "agency": "youth_office", "given_on": future, "member_ids": [str(samir)]},
    )
    assert r.status_code == 422 and _releases(app, case["id"]) == before

    r = client.post(
        f"/cases/{case['id']}/releases",
        data={"csrf_token": csrf, "agency": "youth_office", "given_on": today, "member_ids": [str(samir)]},
    )
    assert r.status_code == 303 and r.headers["Location"].endswith("#h-consents")
    assert _releases(app, case["id"]) == before + 1
    listed = client.get(f"{API}/cases/{case['id']}/consents", headers=h).json["items"]
    (release,) = [
        c for c in listed if c["kind"] == "confidentiality_release" and c["agency"] == "youth_office"
    ]
    assert release["member_ids"] == [samir]

    # Pseudonymised roles see no form and no names.
    coord = app.test_client()
    web_login(coord, "coordinator")
    page = coord.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and "Schweigepflichtentbindung erfassen" not in page.text
    assert "Samir" not in page.text
