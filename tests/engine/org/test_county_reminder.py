"""The county's escalation reminder (seed ``terms.escalation_reminder``) sets how long the state has to
answer a forwarded topic, unless the decision names a period itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine import clock
from engine.org.models import Tenant
from engine.uow import begin
from tests.engine.escalations.helpers import FORWARD, TODAY, decide, to_steering


def _forward(client, cm, coord, **extra) -> dict:
    topic = to_steering(client, cm, coord, category="residence")
    decision = {"steering_outcome": "forward_state", "reason": "Landesrecht", "decision_date": TODAY}
    decide(client, coord, topic["id"], decision)
    return decide(client, coord, topic["id"], {**FORWARD, **extra})


def _weeks_until(topic: dict) -> float:
    return (datetime.fromisoformat(topic["reminder_due_at"]) - clock.utcnow()) / timedelta(weeks=1)


def test_the_county_s_reminder_period_wins_over_the_installation_s(app, client, login):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        tenant = s.query(Tenant).filter_by(key="paderborn").one()
        tenant.terms = {**(tenant.terms or {}), "escalation_reminder": "P3W"}
        s.commit()
    cm, coord = login("cm-borchen"), login("coordinator")
    assert round(_weeks_until(_forward(client, cm, coord)), 2) == 3.0  # not the installation's P6W
    assert round(_weeks_until(_forward(client, cm, coord, answer_within="P2W")), 2) == 2.0
