"""Verweisungen on the case page: each referral with its status, the form to send one with German errors
next to the fields (nothing saved), and no member names for pseudonymised roles."""

from __future__ import annotations

from engine import clock
from tests.engine.followups.helpers import travel
from tests.engine.referrals.helpers import family_case, send, stored

from .helpers import csrf_from, web_login


def _post(client, case_id, token, **fields):
    data = {"csrf_token": token, "reason": "", "referral_date": "2026-11-20", **fields}
    return client.post(f"/cases/{case_id}/referrals", data=data)


def test_the_case_manager_sends_referrals_from_the_case_page(app, client, login):
    travel("2026-11-20")
    try:
        case, m = family_case(app, client, login("cm-borchen"))
        send(client, login("cm-borchen"), case["id"], "youth_office", [m["Samir"], m["Nour"]], "education")
        web_login(client, "cm-borchen")
        page = client.get(f"/cases/{case['id']}")
        assert page.status_code == 200
        assert "Verweisungen" in page.text and "Jugendamt (SGB VIII)" in page.text
        assert (
            "Samir Haddad, Nour Haddad" in page.text and "gesendet" in page.text and "04.12.2026" in page.text
        )
        assert "Neue Verweisung senden" in page.text and "Lina Haddad" in page.text  # a member to choose
        token = csrf_from(page.text)

        # No member chosen, no reason: German messages next to the fields, nothing saved.
        r = _post(client, case["id"], token, agency="health_services", need="health")
        assert r.status_code == 422
        assert "Bitte mindestens eine Person wählen." in r.text and "Bitte ausfüllen." in r.text
        assert 'aria-invalid="true"' in r.text and "<details open>" in r.text
        # A member without a release towards the school: the engine's message on the members.
        r = _post(
            client,
            case["id"],
            token,
            agency="school",
            need="education",
            member_ids=[str(m["Samir"])],
            reason="Schulwechsel",
        )
        assert (
            r.status_code == 422
            and "Für Samir Haddad liegt am 20.11.2026 keine Schweigepflichtentbindung gegenüber Schule vor."
            in r.text
        )
        assert len(stored(app, case["id"])["rows"]) == 1

        r = _post(
            client,
            case["id"],
            token,
            agency="health_services",
            need="health",
            member_ids=[str(m["Lina"])],
            reason="Traumatherapie",
        )
        assert r.status_code == 303, r.text
        page = client.get(r.headers["Location"])
        assert "Die Verweisung wurde gesendet." in page.text and "Gesundheitswesen" in page.text
        assert len(stored(app, case["id"])["rows"]) == 2

        # The coordinator sees the referrals without names and without the form.
        client.post("/logout", data={"csrf_token": csrf_from(page.text)})
        web_login(client, "coordinator")
        seen = client.get(f"/cases/{case['id']}")
        assert seen.status_code == 200 and "Jugendamt (SGB VIII)" in seen.text
        assert (
            "Samir" not in seen.text and "Lina" not in seen.text and "Neue Verweisung senden" not in seen.text
        )
    finally:
        clock.reset()
