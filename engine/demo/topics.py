"""Demo topics and meetings: raised from cases, decided in local round tables and the Lenkungsgruppe,
working groups reporting back, topics forwarded to the state (some answered only after a reminder)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..access.actor import Actor
from ..clock import today_berlin
from ..escalations import decisions, meetings
from ..escalations.models import LOCAL, STEERING, Body, Topic
from ..escalations.service import raise_topic
from ..org.terms import Terms
from ..vocabulary import labels
from . import data as d
from .runner import Runner, moment

# Months between meetings when the seed gives none: round tables quarterly, the steering body twice a year.
DEFAULT_RHYTHM = {LOCAL: 3, STEERING: 6}
# Their meeting days in the school year (month, day), as Paderborn's bodies meet.
DEFAULT_DAYS = {LOCAL: ((9, 16), (12, 9), (3, 10), (6, 16)), STEERING: ((11, 12), (5, 13))}
CURRENT_ROUTES = ("working_group", "state_slow", "deferred", "local", "steering", "state_fast")


def meeting_days(kind: str, rhythm: int) -> tuple[tuple[int, int], ...]:
    """The (month, day) meetings of a body meeting every ``rhythm`` months in a school year: the
    default days for the default rhythm, else every ``rhythm`` months from September on the 12th."""
    if rhythm == DEFAULT_RHYTHM[kind]:
        return DEFAULT_DAYS[kind]
    return tuple(((8 + m - 1) % 12 + 1, 12) for m in range(1, 13, rhythm))


@dataclass
class TopicPlan:
    route: str  # local | steering | working_group | state_fast | state_slow | deferred
    rng: random.Random
    topic_id: int | None = None


class Topics:
    """Plans topics for the school years and holds the meetings that decide on them."""

    def __init__(self, runner: Runner, coordinator: Actor, tenant_id: int, terms: Terms, county: str):
        self.runner, self.coord, self.tenant_id = runner, coordinator, tenant_id
        self.terms = terms
        self.steering_place = terms.meeting_place or f"Kreishaus, {county}"
        self.plans: dict[int, TopicPlan] = {}

    def plan_year(
        self,
        year: int,
        rng: random.Random,
        cases_by_place: dict[str, list],
        count: int = 12,
        current: bool = False,
    ) -> None:
        """``count`` topics a year, and the meetings of the bodies (local quarterly, Lenkungsgruppe twice).

        In the current school year the topics are raised before the first round tables and cover every
        route, so that today some wait at each level (one deferred by the Lenkungsgruppe).
        """
        places = [p for p, plans in cases_by_place.items() if plans]
        if not places:
            return
        for k, (category, title, text) in enumerate(d.TOPICS[:count]):
            if current:
                route = CURRENT_ROUTES[k % len(CURRENT_ROUTES)]
                raised = date(year, 8, 3) + timedelta(days=rng.randint(0, 38))
                if route == "local":  # raised recently: waits for the next round table
                    raised = max(raised, self.runner.until.date() - timedelta(days=rng.randint(10, 40)))
            else:
                raised = date(year, 9, 1) + timedelta(days=rng.randint(0, 240))
                route = d.weighted(
                    rng,
                    [
                        ("local", 40),
                        ("steering", 20),
                        ("working_group", 15),
                        ("state_fast", 10),
                        ("state_slow", 10),
                        ("deferred", 5),
                    ],
                )[0]
            plan = TopicPlan(route, random.Random(rng.random()))
            place = places[(k + year) % len(places)]
            self.runner.at(
                moment(raised, 13),
                self._raise,
                plan,
                cases_by_place[place],
                category,
                f"{title} ({year}/{(year + 1) % 100:02d})",
                text,
                raised,
            )
        for kind, lead in ((LOCAL, 21), (STEERING, 28)):
            for rhythm, keys in self._rhythms(kind).items():
                for month, day in meeting_days(kind, rhythm):
                    when = date(year + (month < 8), month, day)
                    self.runner.at(moment(when - timedelta(days=lead), 9), self._meetings, kind, when, keys)

    def _rhythms(self, kind: str) -> dict[int, frozenset[str] | None]:
        """Months between meetings -> the keys of the bodies of ``kind`` meeting so (None: every other
        body of the kind), from the seed's ``rhythm_months``."""
        default = DEFAULT_RHYTHM[kind]
        own: dict[int, set[str]] = {}
        for key, months in self.terms.meeting_rhythm_months.items():
            own.setdefault(months, set()).add(key)
        out: dict[int, frozenset[str] | None] = {m: frozenset(k) for m, k in own.items() if m != default}
        out[default] = None  # the default rhythm: every body without another one
        return out

    def _raise(
        self, session, plan: TopicPlan, candidates: list, category: str, title: str, text: str, day: date
    ) -> None:
        linked = [c for c in candidates if c.case_id is not None and c.contact < day][-40:]
        if not linked:
            return
        picks = plan.rng.sample(linked, min(len(linked), plan.rng.randint(1, 2)))
        topic = raise_topic(
            session,
            user=picks[0].user,
            title=title,
            category=category,
            municipality=picks[0].municipality,
            description=text,
            case_ids=[c.case_id for c in picks],
        )
        session.flush()
        plan.topic_id = topic.id
        self.plans[topic.id] = plan

    def _meetings(self, session, kind: str, when: date, keys: frozenset[str] | None = None) -> None:
        """Schedule the meetings of the bodies of this kind meeting in this rhythm (``keys``; None: those
        of the default rhythm); agenda a week before, minutes on the day."""
        for body in session.scalars(select(Body).where(Body.tenant_id == self.tenant_id, Body.kind == kind)):
            rhythm = self.terms.meeting_rhythm_months.get(body.key, DEFAULT_RHYTHM[kind])
            if (body.key not in keys) if keys is not None else (rhythm != DEFAULT_RHYTHM[kind]):
                continue
            meeting = meetings.create_meeting(
                session,
                user=self.coord,
                body_id=body.id,
                meets_on=when,
                location=self.steering_place if kind == STEERING else "Rathaus",
            )
            session.flush()  # the meeting's id, for the steps scheduled below
            self.runner.at(moment(when - timedelta(days=7), 9), self._agenda, meeting.id)
            self.runner.at(moment(when, 17), self._minutes, meeting.id)

    def _agenda(self, session, meeting_id: int) -> None:
        meetings.assemble_agenda(session, user=self.coord, meeting_id=meeting_id)

    def _minutes(self, session, meeting_id: int) -> None:
        meeting = meetings.get_meeting(session, user=self.coord, meeting_id=meeting_id)
        waiting = {t.id: t for _i, t in meetings.agenda(session, meeting)}
        waiting.update({t.id: t for t in meetings.waiting_topics(session, meeting)})
        items = []
        for topic in waiting.values():
            plan = self.plans.get(topic.id)
            if topic.status != "open" or plan is None:
                continue
            if plan.route == "deferred" and topic.waiting_step == "steering_decision":
                plan.route = "steering"  # decided at the following meeting
                items.append(
                    {
                        "topic_id": topic.id,
                        "deferred": True,
                        "reason": "Stellungnahme des Jobcenters abwarten",
                    }
                )
                continue
            items.append({"topic_id": topic.id, "data": self._decision(topic, plan, meeting.meets_on)})
        meetings.record_minutes(
            session, user=self.coord, meeting_id=meeting_id, items=items, note="Protokoll (Demo)"
        )

    def _decision(self, topic: Topic, plan: TopicPlan, day: date) -> dict:  # noqa: PLR0911 - one per scenario
        step = topic.waiting_step
        if step == "local_decision":
            if plan.route == "local":
                return {
                    "local_outcome": "resolved",
                    "reason": "Vor Ort mit den Trägern geklärt",
                    "solution": "Absprache im Runden Tisch; Ansprechperson benannt",
                }
            self.runner.at(moment(day + timedelta(days=plan.rng.randint(7, 20)), 10), self._paper, topic.id)
            return {"local_outcome": "escalated", "reason": "Überregional; vor Ort nicht lösbar"}
        if step == "steering_decision":
            if plan.route == "steering":
                return {
                    "steering_outcome": "resolved",
                    "reason": "Kreisweite Absprache der Ämter",
                    "solution": "Verfahrensabsprache zwischen Kreis und Kommunen",
                }
            if plan.route == "working_group":
                report = day + timedelta(days=plan.rng.randint(80, 130))
                self.runner.at(moment(report - timedelta(days=14), 9), self._wg_meeting, topic.id, report)
                return {
                    "steering_outcome": "working_group",
                    "reason": "Vertiefung in einer Arbeitsgruppe",
                    "working_group_name": f"AG {d_label(topic.category)}",
                    "working_group_field": _field(topic.category),
                    "mandate": "Lösungsvorschläge erarbeiten und berichten",
                }
            self.runner.at(moment(day + timedelta(days=plan.rng.randint(7, 14)), 10), self._forward, topic.id)
            return {"steering_outcome": "forward_state", "reason": "Außerhalb der Zuständigkeit der Kommunen"}
        if step == "working_group_result":
            return {"result": "Handlungsempfehlungen erarbeitet und mit den Trägern abgestimmt"}
        return {"note": "Zur Kenntnis genommen"}

    def _wg_meeting(self, session, topic_id: int, when: date) -> None:
        """The working group meets and reports its result (decided in its meeting's minutes)."""
        topic = session.get(Topic, topic_id)
        if topic.working_group_id is None:
            return
        meeting = meetings.create_meeting(
            session,
            user=self.coord,
            body_id=topic.working_group_id,
            meets_on=when,
            location=self.steering_place,
        )
        session.flush()  # the meeting's id, for the step scheduled below
        self.runner.at(moment(when, 17), self._minutes, meeting.id)

    def _paper(self, session, topic_id: int) -> None:
        decisions.decide(
            session,
            user=self.coord,
            topic_id=topic_id,
            data={
                "prepared_on": _today(),
                "summary": "Sachstand aus den Kommunen",
                "reason": "Kreisweiter Handlungsbedarf",
                "proposal": {
                    "working_group": "working_group",
                    "steering": "resolved",
                    "deferred": "resolved",
                }.get(self.plans[topic_id].route, "forward_state"),
            },
        )

    def _forward(self, session, topic_id: int) -> None:
        plan = self.plans[topic_id]
        decisions.decide(
            session,
            user=self.coord,
            topic_id=topic_id,
            data={
                "forwarded_on": _today(),
                "recipient_authority": d.STATE_AUTHORITY,
                "reference": f"KIM-PB-{topic_id:04d}",
            },
        )
        start = date.fromisoformat(_today())
        if plan.route == "state_slow":
            self.runner.at(moment(start + timedelta(weeks=6, days=4), 10), self._remind, topic_id)
            answer = start + timedelta(days=plan.rng.randint(60, 90))
        else:
            answer = start + timedelta(days=plan.rng.randint(20, 35))
        self.runner.at(moment(answer, 11), self._answer, topic_id)

    def _remind(self, session, topic_id: int) -> None:
        topic = session.get(Topic, topic_id)
        if topic.waiting_step == "state_reminder":
            decisions.decide(
                session,
                user=self.coord,
                topic_id=topic_id,
                data={"reminded_on": _today(), "note": "Sachstand telefonisch erfragt"},
            )

    def _answer(self, session, topic_id: int) -> None:
        topic = session.get(Topic, topic_id)
        if topic.waiting_step == "state_reminder":  # a second reminder fell due before the answer came
            self._remind(session, topic_id)
            session.flush()
            session.expire_all()  # the reminder moved the topic on: read its new step
            topic = session.get(Topic, topic_id)
        if topic.waiting_step == "state_answer":
            decisions.decide(
                session,
                user=self.coord,
                topic_id=topic_id,
                data={
                    "answered_on": _today(),
                    "answer": "Das Land prüft eine Anpassung der Förderrichtlinie.",
                },
            )


def _today() -> str:
    return today_berlin().isoformat()


def _field(category: str) -> str:
    return (
        category
        if category in ("language", "health", "housing", "education", "training", "work")
        else "other"
    )


def d_label(category: str) -> str:
    return labels("topic.category").get(category, "Integration")
