"""After any form on the case page is refused, the page comes back whole: the household, the referrals
and the goals are all there, not only the section whose form was sent (api/web/case_page.py)."""

from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.clock import today_berlin
from tests.engine.followups.helpers import travel
from tests.engine.referrals.helpers import family_case, send

from .helpers import csrf_from, web_login

SECTIONS = ('id="h-household"', 'id="h-referrals"', 'id="h-goals"', "data-referral=", "Samir Haddad")


def test_every_section_is_shown_after_a_refused_form(app, client, login):
    travel("2026-11-20")
    try:
        case, m = family_case(app, client, login("cm-borchen"))
        send(client, login("cm-borchen"), case["id"], "youth_office", [m["Samir"]], "education")
        web_login(client, "cm-borchen")
        page = client.get(f"/cases/{case['id']}")
        assert page.status_code == 200 and all(s in page.text for s in SECTIONS)
        token = csrf_from(page.text)
        future = (today_berlin() + timedelta(days=3)).isoformat()
        refused = {
            "household": client.post(
                f"/cases/{case['id']}/members",
                data={"csrf_token": token, "given_name": "Lina", "family_name": "X", "birth_date": future},
            ),
            "goal": client.post(f"/cases/{case['id']}/goals", data={"csrf_token": token, "text": "Kita"}),
            "referral": client.post(
                f"/cases/{case['id']}/referrals",
                data={"csrf_token": token, "agency": "health_services", "need": "health", "reason": ""},
            ),
            "topic": client.post(f"/cases/{case['id']}/topics", data={"csrf_token": token, "title": ""}),
        }
        for form, answer in refused.items():
            assert answer.status_code == 422, (form, answer.status_code)
            missing = [s for s in SECTIONS if s not in answer.text]
            assert not missing, (form, missing)
    finally:
        clock.reset()
