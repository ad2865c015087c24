"""A family's case with four members and releases towards four agencies, and reading referral rows."""

from __future__ import annotations

from sqlalchemy import select

from engine.clock import utcnow
from engine.consents.models import Referral
from engine.households.models import Member
from engine.instances.models import ProcessInstance
from engine.timers.models import Timer
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

API = "/api/v1"
FAMILY = [  # (relationship, given name, birth date); the father is the case's person
    ("partner", "Lina", "1992-06-01"),
    ("child", "Samir", "2012-09-14"),
    ("child", "Nour", "2021-03-03"),
]


def family_case(app, client, h, route: dict = d.ASSESS_ACCOMPANY) -> tuple[dict, dict[str, int]]:
    """The father's case with consent, releases towards four agencies, the assessment done and three more
    members (added directly); returns the case and the member ids by given name."""
    case = open_case(client, h, given_name="Karim", family_name="Haddad", birth_date="1985-01-20")
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)  # jobcenter, foreigners_authority
    complete(client, h, case["id"], "assessment", route)
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        first = s.scalars(select(Member).where(Member.case_id == case["id"])).one()
        ids = {"Karim": first.id}
        for position, (relationship, given, born) in enumerate(FAMILY, start=2):
            m = Member(
                case_id=case["id"],
                tenant_id=first.tenant_id,
                position=position,
                relationship=relationship,
                family_name="Haddad",
                given_name=given,
                person={"given_name": given, "family_name": "Haddad", "birth_date": born},
                joined_at=utcnow(),
            )
            s.add(m)
            s.flush()
            ids[given] = m.id
        s.commit()
    # Releases per member: the adults for themselves, the children by their parents (the guardian).
    # (the consent form gave the father's releases towards the Jobcenter and the Ausländerbehörde)
    others = [ids["Lina"], ids["Samir"], ids["Nour"]]
    for agency, members in [
        ("jobcenter", others),
        ("foreigners_authority", others),
        ("youth_office", list(ids.values())),
        ("health_services", list(ids.values())),
    ]:
        r = client.post(
            f"{API}/cases/{case['id']}/consents",
            headers=h,
            json={"agency": agency, "given_on": "2026-11-09", "member_ids": members},
        )
        assert r.status_code == 201, r.json
    return case, ids


def send(client, h, case_id, agency, member_ids, need, expect=201, **extra):
    body = {
        "agency": agency,
        "member_ids": member_ids,
        "need": need,
        "reason": f"Verweisung wegen {need}",
        "referral_date": "2026-11-20",
        **extra,
    }
    r = client.post(f"{API}/cases/{case_id}/referrals", headers=h, json=body)
    assert r.status_code == expect, r.json
    return r.json


def stored(app, case_id: int) -> dict:
    """The case's referral rows, its referral instances and their waiting timers."""
    with app.extensions["kim"]["sessions"]() as s:
        instances = s.scalars(
            select(ProcessInstance).where(
                ProcessInstance.case_id == case_id, ProcessInstance.process_id == "referral"
            )
        ).all()
        return {
            "rows": s.scalars(
                select(Referral).where(Referral.case_id == case_id).order_by(Referral.id)
            ).all(),
            "instances": {i.id: i.status for i in instances},
            "timers": s.scalars(select(Timer).where(Timer.instance_id.in_([i.id for i in instances]))).all(),
        }
