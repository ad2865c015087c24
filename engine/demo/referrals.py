"""Demo referrals to the agencies and how the agencies answer them, so the coordinators' overview per
agency (engine/referrals/overview.py) shows a plausible school year.

About a third of the accompaniments refer the case's person to an agency a few days after the goal
agreement (the Ausländerbehörde of the county or of the city of Paderborn, or the Jobcenter: releases
towards both are part of every demo consent). Each agency then behaves as agencies do: most accept
within days and answer within weeks (the Ausländerbehörden slower, sometimes with a question the case
manager answers and with a check result), some decline with a reason, some never answer (the reminder
fires, the case manager follows up). The case manager looks at every answer („Rückmeldung ansehen“).
Every step goes through the services the web pages call, on the demo's travelled clock. A referral
whose case closed in between is left alone (its process stopped with the case).

The choices come from a random generator of their own, seeded by the case, so the cases' own plans
(and the annual figures they reproduce) stay exactly as before.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..access.actor import Actor
from ..agencies.service import agency_name, find_agency
from ..consents.models import Referral
from ..errors import KimError
from ..households.service import members_of
from ..referrals import actions
from ..referrals.service import send_referral
from ..tasks.models import READY, TaskRecord
from ..tasks.service import complete_task
from .runner import Runner, ensure_user, moment

SHARE = 0.35  # accompaniments with a referral to an agency
# agency code -> (account, display name, weight, need, days to accept, days to answer, no answer %, decline %)
AGENCIES = {
    "foreigners_authority": (
        "abh",
        "Ausländerbehörde des Kreises",
        40,
        "residence",
        (2, 10),
        (10, 45),
        18,
        8,
    ),
    "foreigners_authority_city": (
        "abh-stadt",
        "Ausländerbehörde der großen Stadt (wo der Kreis eine hat)",
        20,
        "residence",
        (1, 7),
        (7, 30),
        12,
        6,
    ),
    "jobcenter": ("jobcenter", "Jobcenter", 40, "work_training", (1, 4), (3, 20), 10, 15),
}
REASONS = [("not_responsible", 5), ("already_known", 3), ("no_capacity", 2), ("requirements_not_met", 2)]
CHECKS = [("met", 5), ("not_yet_met", 4), ("not_met", 1)]
ANSWERS = {
    "residence": "Prüfung abgeschlossen; Termin zur Vorsprache ist vereinbart.",
    "work_training": "Erstgespräch hat stattgefunden; Förderung ist beantragt.",
}


def _weighted(rng: random.Random, items):
    return rng.choices([i[0] for i in items], weights=[i[1] for i in items])[0]


def _agency_user(session, tenant_id: int, code: str) -> Actor:
    return ensure_user(
        session,
        username=AGENCIES[code][0],
        display_name=agency_name(session, tenant_id, code),
        role="authority",
        tenant_id=tenant_id,
        demo=False,
        agency=code,
        password=f"{random.random()}-{AGENCIES[code][0]}",
    )


def plan(runner: Runner, plan, day: date) -> None:
    """Perhaps refer the case's person to an agency a few days after ``day`` (the goal agreement)."""
    rng = random.Random(plan.case_id * 7919 + day.toordinal())
    if rng.random() >= SHARE:
        return
    code = _weighted(rng, [(c, v[2]) for c, v in AGENCIES.items()])
    when = day + timedelta(days=rng.randint(1, 14))
    runner.at(moment(when, 10, rng.randint(0, 59)), _send, runner, plan, code, when, rng)


def _send(session, runner: Runner, plan, code: str, day: date, rng: random.Random) -> None:
    first = members_of(session, plan.case_id)[0]
    if find_agency(session, first.tenant_id, code) is None:  # a county without a city's own authority
        code = "foreigners_authority"
    need = AGENCIES[code][3]
    try:
        row = send_referral(
            session,
            user=plan.user,
            case_id=plan.case_id,
            agency=code,
            member_ids=[first.id],
            need=need,
            reason="Bitte um Prüfung und Rückmeldung an das KIM-Case-Management.",
            referral_date=day,
        )
    except KimError:  # the case closed or its consent was withdrawn in between
        return
    _, _, _, _, accept, answer, silent, declines = AGENCIES[code]
    luck = rng.random() * 100
    if luck < silent:
        return  # no answer: the reminder fires, the case manager follows up
    first_day = day + timedelta(days=rng.randint(*accept))
    if luck < silent + declines:
        runner.at(moment(first_day, 9), _act, runner, plan, row.id, code, "decline", first_day, rng)
        return
    runner.at(moment(first_day, 9), _act, runner, plan, row.id, code, "accept", first_day, rng)
    if need == "residence" and rng.random() < 0.3:
        asked = first_day + timedelta(days=rng.randint(1, 5))
        runner.at(moment(asked, 11), _act, runner, plan, row.id, code, "ask", asked, rng)
        replied = asked + timedelta(days=rng.randint(1, 4))
        runner.at(moment(replied, 15), _task, plan, "answer_question", {"reply": "Die Unterlagen folgen."})
    done = first_day + timedelta(days=rng.randint(*answer))
    runner.at(moment(done, 10), _act, runner, plan, row.id, code, "answer", done, rng)


def _act(session, runner: Runner, plan, referral_id: int, code: str, what: str, day: date, rng) -> None:
    row = session.get(Referral, referral_id)
    if row is None:
        return
    user = _agency_user(session, row.tenant_id, code)
    try:
        if what == "accept":
            actions.accept(session, user=user, referral_id=referral_id)
        elif what == "ask":
            actions.ask(
                session,
                user=user,
                referral_id=referral_id,
                text="Bitte den Pass und die Meldebescheinigung nachreichen.",
            )
        elif what == "decline":
            actions.decline(session, user=user, referral_id=referral_id, reason=_weighted(rng, REASONS))
        else:
            check = _weighted(rng, CHECKS) if AGENCIES[code][3] == "residence" else None
            actions.answer(
                session,
                user=user,
                referral_id=referral_id,
                result=ANSWERS[AGENCIES[code][3]],
                check_result=check,
            )
    except KimError:  # closed with its case, or a question still open: the agency waits
        return
    if what in ("answer", "decline"):
        seen = day + timedelta(days=rng.randint(1, 6))
        runner.at(
            moment(seen, 16), _task, plan, "review_answer", {"review_notes": "Mit der Person besprochen."}
        )


def _task(session, plan, bpmn_id: str, form: dict) -> None:
    task_id = session.scalar(
        select(TaskRecord.id)
        .where(TaskRecord.case_id == plan.case_id, TaskRecord.bpmn_id == bpmn_id, TaskRecord.status == READY)
        .order_by(TaskRecord.created_at)
        .limit(1)
    )
    if task_id is not None:
        complete_task(session, user=plan.user, task_id=task_id, data=form)
