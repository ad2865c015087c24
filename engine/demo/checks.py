"""Baustein 3 in the demo county: referrals to the authorities for a check, worked through the services.

About a quarter of the accompanied cases are referred after their goal agreement to the
Ausländerbehörde for a Bleiberechtsprüfung (§ 25a, § 25b or § 104c), a few with a release towards the
Einbürgerungsbehörde for an Einbürgerungsprüfung. The authority starts the check a few days later, asks
for documents in about half of them (the case manager brings them in, sometimes after the reminder),
records the result from the checklist of the pinned form version (the criteria come from the form, none
from here) and the result goes back through the referral; the case manager turns some missing criteria
into goals. Each case's steps draw from their own random stream, so the rest of the demo stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..access.actor import Actor
from ..agencies.service import agency_name
from ..cases.models import OPEN, Case
from ..checks.models import FINISHED, RUNNING, Check
from ..checks.result import PATHS, criteria_of
from ..checks.service import goal_from_criterion, start_check
from ..consents.models import OPEN_STATUSES, Referral
from ..households.service import members_of
from ..processes.models import FormVersion
from ..referrals.service import send_referral
from ..tasks.models import READY, TaskRecord
from ..tasks.service import complete_task
from .runner import Runner, ensure_user, moment

SHARE = 0.25  # accompanied cases referred for a check
STAFF = {  # agency -> (username, display name, kind of check)
    "foreigners_authority": ("abh", "Ausländerbehörde", "residence"),
    "naturalisation_authority": ("ebh", "Einbürgerungsbehörde", "naturalisation"),
}
DOCUMENTS = ["Schulbescheinigung", "Sprachzertifikat", "Arbeitsvertrag und Gehaltsnachweise", "Reisepass"]
REASONS = {
    "residence": "Bitte um Prüfung eines Bleiberechts (§ 25a/§ 25b/§ 104c AufenthG).",
    "naturalisation": "Bitte um Prüfung der Einbürgerungsvoraussetzungen (§ 10 StAG).",
}


def _staff(session, tenant_id: int, agency: str) -> Actor:
    """The authority's demo account of the tenant (created with its agency if missing; password 'demo')."""
    username, _, _ = STAFF[agency]
    return ensure_user(
        session,
        username=username,
        display_name=agency_name(session, tenant_id, agency),
        role="authority",
        tenant_id=tenant_id,
        demo=True,
        agency=agency,
    )


def plan(runner: Runner, case_plan, day: date) -> None:
    """After a goal agreement: maybe a referral for a check, and the check's year."""
    rng = random.Random(f"check-{case_plan.case_id}")
    if rng.random() >= SHARE:
        return
    agency = "naturalisation_authority" if case_plan.agency[0] == "naturalisation_authority" else None
    agency = agency or "foreigners_authority"
    refer_on = day + timedelta(days=rng.randint(3, 30))
    runner.at(moment(refer_on, 10), _refer, runner, case_plan, agency, refer_on, rng)


def _open_case(session, case_id: int) -> Case | None:
    case = session.get(Case, case_id)
    return case if case is not None and case.status == OPEN else None


def _refer(session, runner: Runner, case_plan, agency: str, day: date, rng: random.Random) -> None:
    if _open_case(session, case_plan.case_id) is None:
        return
    first = members_of(session, case_plan.case_id)[0]
    kind = STAFF[agency][2]
    row = send_referral(
        session,
        user=case_plan.user,
        case_id=case_plan.case_id,
        agency=agency,
        member_ids=[first.id],
        need="residence",
        reason=REASONS[kind],
        referral_date=day,
    )
    start_on = day + timedelta(days=rng.randint(2, 12))
    runner.at(moment(start_on, 9), _start, runner, case_plan, row.id, kind, start_on, rng)


def _start(session, runner: Runner, case_plan, referral_id: int, kind: str, day, rng) -> None:
    referral = session.get_one(Referral, referral_id)
    if _open_case(session, case_plan.case_id) is None or referral.status not in OPEN_STATUSES:
        return
    check = start_check(
        session, user=_staff(session, referral.tenant_id, referral.agency), referral_id=referral_id, kind=kind
    )
    work_on = day + timedelta(days=rng.randint(5, 25))
    runner.at(moment(work_on, 10), _assess, runner, case_plan, check.id, work_on, rng, True)


def _task(session, check: Check, bpmn_id: str) -> str | None:
    return session.scalar(
        select(TaskRecord.id).where(
            TaskRecord.instance_id == check.instance_id,
            TaskRecord.bpmn_id == bpmn_id,
            TaskRecord.status == READY,
        )
    )


def _checklist(session, check: Check, day: date, rng: random.Random) -> dict:
    """The authority's entries: one path checked, each criterion met or (now and then) missing."""
    schema = session.get_one(FormVersion, check.form_version_id).schema
    paths = schema.get(PATHS) or {}
    weights = {"p25b": 6, "p25a": 3, "p104c": 1}
    code = rng.choices(list(paths), weights=[weights.get(p, 1) for p in paths])[0]
    entries: dict = {paths[code]["field"]: True, "missing": []}
    for key, spec in criteria_of(schema).items():
        if spec["x-criterion"].get("path") != code:
            continue
        met = rng.random() > 0.12
        entries[key] = "met" if met else "missing"
        if not met:
            possible = day + timedelta(days=rng.randint(60, 540))
            entries["missing"].append(
                {"criterion": key, "what": "Nachweis fehlt noch", "possible_from": possible.isoformat()}
            )
    return entries


def _assess(session, runner: Runner, case_plan, check_id: int, day: date, rng, first: bool) -> None:
    check = session.get_one(Check, check_id)
    task_id = _task(session, check, "assess")
    if check.status != RUNNING or task_id is None:
        return
    staff = _staff(session, check.tenant_id, check.agency)
    entries = _checklist(session, check, day, rng)
    if first and rng.random() < 0.5:
        due = day + timedelta(days=rng.randint(14, 28))
        entries |= {"next_step": "request_documents", "document_name": rng.choice(DOCUMENTS)}
        complete_task(session, user=staff, task_id=task_id, data={**entries, "document_due": due.isoformat()})
        brought = due + timedelta(days=rng.randint(-10, 6))  # now and then after the reminder
        runner.at(moment(brought, 11), _documents, runner, case_plan, check_id, brought, rng)
        return
    complete_task(session, user=staff, task_id=task_id, data={**entries, "next_step": "record_result"})
    later = day + timedelta(days=rng.randint(2, 20))
    runner.at(moment(later, 15), _goals, case_plan, check_id)


def _documents(session, runner: Runner, case_plan, check_id: int, day: date, rng) -> None:
    check = session.get_one(Check, check_id)
    task_id = _task(session, check, "collect_documents")
    if check.status != RUNNING or task_id is None:
        return
    entries = {"document_status": "received", "received_on": day.isoformat()}
    complete_task(session, user=case_plan.user, task_id=task_id, data=entries)
    decided = day + timedelta(days=rng.randint(3, 21))
    runner.at(moment(decided, 10), _assess, runner, case_plan, check_id, decided, rng, False)


def _goals(session, case_plan, check_id: int) -> None:
    """The case manager makes goals of some missing criteria (while the case is open)."""
    check = session.get_one(Check, check_id)
    if check.status != FINISHED or _open_case(session, check.case_id) is None:
        return
    rng = random.Random(f"goals-{check_id}")
    for path in (check.result or {}).get("paths") or []:
        for row in path["criteria"]:
            if not row["met"] and not row.get("goal_id") and rng.random() < 0.6:
                goal_from_criterion(session, user=case_plan.user, check_id=check_id, criterion=row["key"])
