"""The case lifecycle's countable facts, projected into programme_events as each step happens (a hook).

- persons supported: the first contact (Erstgespräch) is documented, dated by its contact date: one row
  per household member (``member_id``), and one for each member who joins later, dated by the joining
  (``count_joined_member``); a member is counted once however many referrals, steps or school years
  touch them;
- CM cases: the goal agreement (accompaniment with a goal agreement), dated by its agreement date;
- referrals by agency, dated by the referral date: each referral process at its start
  (``project_referral``), and the single referral task of older lifecycle versions;
- goals met: the final evaluation's goal attainment (all / partly / none);
- closures by reason, when the process ends (including no consent and withdrawn consent); a case
  reopened within its period (engine/cases/reopen.py) takes its closure back (``retract_closure``).
Form dates count (what people entered), but never later than the day the step was recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ..clock import BERLIN
from ..households.service import members_of
from .events import add_event, as_date
from .models import ProgrammeEvent

# bpmn id of the finished user task -> (fact kind, date field, code field)
FACTS = {
    "first_contact": ("persons_supported", "contact_date", None),
    "goal_agreement": ("cm_case", "agreement_date", None),
    "referral": ("referral", "referral_date", "agency"),
    "final_evaluation": ("goals_met", "evaluation_date", "goals_met"),
}


def project_lifecycle(session: Session, instance, case, result, now: datetime) -> None:
    """Record the facts of one lifecycle step (after-step hook, engine/hooks.py; same transaction)."""
    if case is None:
        return
    today = now.astimezone(BERLIN).date()
    common = {
        "tenant_id": case.tenant_id,
        "municipality_id": case.municipality_id,
        "team_id": case.team_id,
        "case_id": case.id,
        "now": now,
    }
    closed_on = today
    for item in result.finished:
        if item.data is None:
            continue
        if item.bpmn_id == "closure":
            closed_on = as_date(item.data.get("closure_date"), today)
        fact = FACTS.get(item.bpmn_id)
        if fact is None:
            continue
        kind, date_field, code_field = fact
        code = item.data.get(code_field) if code_field else None
        if kind in ("goals_met", "referral") and not code:  # closing the referrals names no agency
            continue
        if kind == "persons_supported":
            _count_members(session, case, as_date(item.data.get(date_field), today), common)
            continue
        add_event(
            session, kind=kind, code=code, occurred_on=as_date(item.data.get(date_field), today), **common
        )
    if result.completed:
        reason = result.data.get("closure_reason") or "other"
        add_event(session, kind="closure", code=str(reason), occurred_on=closed_on, **common)


def _counted(session: Session, case_id: int) -> set[int | None]:
    """The members of the case already counted as persons supported (None: a row from before members)."""
    return set(session.scalars(_COUNTED, {"counted_case": case_id}))


# Built once (a statement object keeps its cache key).
_COUNTED = select(ProgrammeEvent.member_id).where(
    ProgrammeEvent.case_id == bindparam("counted_case"), ProgrammeEvent.kind == "persons_supported"
)


def _count_members(session: Session, case, day, common: dict) -> None:
    counted = _counted(session, case.id)
    for member in members_of(session, case.id):
        if member.id not in counted and not (member.position == 1 and None in counted):
            add_event(
                session, kind="persons_supported", code=None, occurred_on=day, member_id=member.id, **common
            )


def count_joined_member(session: Session, case, member, now: datetime) -> None:
    """A member joining a household whose first contact is documented counts from the day they join
    (same transaction as the joining); before the first contact, the first contact counts them."""
    counted = _counted(session, case.id)
    if not counted or member.id in counted:
        return
    add_event(
        session,
        kind="persons_supported",
        code=None,
        occurred_on=now.astimezone(BERLIN).date(),
        now=now,
        tenant_id=case.tenant_id,
        municipality_id=case.municipality_id,
        team_id=case.team_id,
        case_id=case.id,
        member_id=member.id,
    )


REFERRAL_START = "start"  # the start event of processes/referral.bpmn


def project_referral(session: Session, instance, case, result, now: datetime) -> None:
    """Count one referral, by agency, when its process starts (after-step hook, engine/hooks.py)."""
    if case is None or not any(item.bpmn_id == REFERRAL_START for item in result.finished):
        return
    today = now.astimezone(BERLIN).date()
    add_event(
        session,
        kind="referral",
        code=result.data.get("agency"),
        occurred_on=as_date(result.data.get("referral_date"), today),
        tenant_id=case.tenant_id,
        municipality_id=case.municipality_id,
        team_id=case.team_id,
        case_id=case.id,
        now=now,
    )


def retract_closure(session: Session, case_id: int) -> int:
    """A reopened case is not closed: its closure stops counting (same transaction); rows removed."""
    gone = session.execute(
        delete(ProgrammeEvent)
        .where(ProgrammeEvent.case_id == case_id, ProgrammeEvent.kind == "closure")
        .execution_options(synchronize_session=False)
    )
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]  # DML gives a CursorResult
