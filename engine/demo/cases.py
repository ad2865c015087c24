"""Demo cases: each a small plan that walks the lifecycle through the services, step by step."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..access.actor import Actor
from ..cases.service import open_case, withdraw_consent
from ..followups.service import start_followup
from ..tasks.models import READY, TaskRecord
from ..tasks.service import complete_task
from . import checks as baustein3
from . import data as d
from . import households, referrals
from .runner import Runner, moment

CLOSURES = [("moved_away", 3), ("no_contact", 3), ("client_request", 2), ("other", 1)]


@dataclass
class CasePlan:
    user: Actor
    municipality: str
    route: str  # no_consent | referral | accompaniment
    contact: date
    year_end: date
    rng: random.Random
    case_id: int | None = None
    agency: tuple = ("jobcenter", "sgb2", 0)
    followup: bool = False
    household: int = 1  # persons in the case's household (engine/demo/households.py)
    log: list = field(default_factory=list)


def _complete(session, plan: CasePlan, bpmn_id: str, form: dict) -> bool:
    task_id = session.scalar(
        select(TaskRecord.id)
        .where(TaskRecord.case_id == plan.case_id, TaskRecord.bpmn_id == bpmn_id, TaskRecord.status == READY)
        .order_by(TaskRecord.created_at)
        .limit(1)
    )
    if task_id is None:
        return False
    complete_task(session, user=plan.user, task_id=task_id, data=form)
    return True


def _later(plan: CasePlan, day: date, lo: int, hi: int, limit: date | None = None) -> date:
    out = day + timedelta(days=plan.rng.randint(lo, hi))
    return min(out, limit) if limit else out


def _client(rng: random.Random) -> dict:
    nationality = d.weighted(rng, d.NATIONALITIES)[0]
    return {
        "given_name": rng.choice(d.GIVEN),
        "family_name": rng.choice(d.FAMILY),
        "birth_date": date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "nationality": nationality,
        "languages": d.LANGUAGES[nationality],
    }


def start(runner: Runner, plan: CasePlan) -> None:
    runner.at(moment(plan.contact, plan.rng.randint(8, 15), plan.rng.randint(0, 59)), _open, runner, plan)


def _open(session, runner: Runner, plan: CasePlan) -> None:
    rng = plan.rng
    case = open_case(session, user=plan.user, municipality=plan.municipality, client=_client(rng))
    plan.case_id = case.id
    if plan.household > 1 or rng.random() < 0.5:  # the residence status, the family before the first contact
        households.fill(
            session, user=plan.user, case_id=case.id, size=plan.household, day=plan.contact, rng=rng
        )
    _complete(
        session,
        plan,
        "first_contact",
        {
            "contact_date": plan.contact.isoformat(),
            "contact_channel": rng.choice(["in_person", "phone", "outreach"]),
            "access_route": rng.choice(["self", "authority", "counselling_service", "volunteer"]),
            "interpreter_needed": rng.random() < 0.4,
            "concerns": rng.choice(d.CONCERNS),
        },
    )
    day = _later(plan, plan.contact, 0, 7, plan.year_end if plan.route == "accompaniment" else None)
    runner.at(moment(day, 11), _consent, runner, plan, day)


def _consent(session, runner: Runner, plan: CasePlan, day: date) -> None:
    if plan.route == "no_consent":
        _complete(session, plan, "consent", {"consent_given": False})
        return
    plan.agency = d.weighted(plan.rng, d.AGENCIES)
    agencies = sorted({plan.agency[0], "jobcenter", "foreigners_authority"})
    _complete(
        session,
        plan,
        "consent",
        {
            "consent_given": True,
            "consent_date": day.isoformat(),
            "data_processing": True,
            "confidentiality_release_agencies": agencies,
        },
    )
    nxt = _later(plan, day, 0, 10, plan.year_end if plan.route == "accompaniment" else None)
    runner.at(moment(nxt, 12), _assess, runner, plan, nxt)


def _assess(session, runner: Runner, plan: CasePlan, day: date) -> None:
    rng = plan.rng
    areas = rng.sample(d.LIFE_AREAS, rng.randint(1, 3))
    referral = plan.route == "referral"
    _complete(
        session,
        plan,
        "assessment",
        {
            "needs": [{"life_area": a} for a in areas],
            "legal_domain": plan.agency[1] if referral else "none",
            "route": "referral" if referral else "accompaniment",
        },
    )
    if referral:
        nxt = _later(plan, day, 2, 21)
        runner.at(moment(nxt, 10), _refer, runner, plan, nxt)
    else:
        nxt = _later(plan, day, 5, 30, plan.year_end)
        runner.at(moment(nxt, 14), _goals, runner, plan, nxt, areas)


def _refer(session, runner: Runner, plan: CasePlan, day: date) -> None:
    _complete(
        session,
        plan,
        "referral",
        {
            "agency": plan.agency[0],
            "reason": "Zuständiger Rechtskreis mit eigenem Fallmanagement",
            "referral_date": day.isoformat(),
        },
    )
    _complete(session, plan, "closure", {"closure_reason": "referred", "closure_date": day.isoformat()})


def _goals(session, runner: Runner, plan: CasePlan, day: date, areas: list) -> None:
    rng = plan.rng
    _complete(
        session,
        plan,
        "goal_agreement",
        {
            "agreement_date": day.isoformat(),
            "review_interval_weeks": 8,
            "goals": [
                {
                    "goal": d.GOALS[a],
                    "life_area": a,
                    "target_date": (day + timedelta(days=180)).isoformat(),
                    "linked_help": rng.choice(
                        ["jmd", "mbe", "refugee_counselling", "integration_agency", "volunteers"]
                    ),
                }
                for a in areas
            ],
        },
    )
    referrals.plan(runner, plan, day)  # perhaps a referral to an agency, and its answer
    baustein3.plan(runner, plan, day)  # maybe a referral for an authority's check (engine/demo/checks.py)
    if rng.random() < 0.02:
        runner.at(moment(_later(plan, day, 20, 90), 9), _withdraw, plan)
        return
    if plan.followup:
        start_day = _later(plan, day, 20, 45)
        runner.at(moment(start_day, 9), _job_start, runner, plan, start_day)
    evaluations = rng.randint(1, 3)
    nxt = day
    for k in range(evaluations):
        nxt = _later(plan, nxt, 42, 70)
        runner.at(moment(nxt, 10), _evaluate, plan, nxt, k < evaluations - 1)
    final = _later(plan, nxt, 3, 20)
    runner.at(moment(final, 11), _finish, plan, final)


def _evaluate(session, plan: CasePlan, day: date, go_on: bool) -> None:
    _complete(session, plan, "evaluation", {"evaluation_date": day.isoformat(), "continue": go_on})


def _finish(session, plan: CasePlan, day: date) -> None:
    rng = plan.rng
    result = d.weighted(rng, [("all", 55), ("partly", 35), ("none", 10)])[0]
    if not _complete(
        session,
        plan,
        "final_evaluation",
        {"evaluation_date": day.isoformat(), "goals_met": result, "summary": "Begleitung abgeschlossen"},
    ):
        return
    reason = "goals_met" if result == "all" else d.weighted(rng, CLOSURES)[0]
    _complete(session, plan, "closure", {"closure_reason": reason, "closure_date": day.isoformat()})


def _withdraw(session, plan: CasePlan) -> None:
    assert plan.case_id is not None  # set when the case was opened
    withdraw_consent(session, user=plan.user, case_id=plan.case_id)


def _job_start(session, runner: Runner, plan: CasePlan, day: date) -> None:
    assert plan.case_id is not None  # set when the case was opened
    start_followup(session, user=plan.user, case_id=plan.case_id)
    _complete(
        session,
        plan,
        "coordination_talk",
        {
            "talk_date": day.isoformat(),
            "responsible": "joint",
            "responsible_person": "KIM-Case-Management UmA",
        },
    )
    _complete(
        session,
        plan,
        "job_start",
        {
            "placement_kind": plan.rng.choice(["job", "training"]),
            "employer": "Betrieb im Kreisgebiet",
            "start_date": day.isoformat(),
        },
    )
    for k in range(1, 6):
        runner.at(
            moment(day + timedelta(days=30 * k + 4), 15), _checkin, plan, day + timedelta(days=30 * k + 4)
        )
    runner.at(moment(day + timedelta(days=190), 15), _followup, plan, day + timedelta(days=190))


def _checkin(session, plan: CasePlan, day: date) -> None:
    _complete(session, plan, "checkin", {"contact_date": day.isoformat(), "status": "stable"})


def _followup(session, plan: CasePlan, day: date) -> None:
    _complete(
        session,
        plan,
        "six_month_followup",
        {
            "followup_date": day.isoformat(),
            "outcome": "still_employed" if plan.rng.random() < 0.75 else "ended",
        },
    )
