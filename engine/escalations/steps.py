"""The escalation process's steps: level, who may decide, which body, what was decided.

Labels of the codes (categories, levels, decisions, step names) are in engine/vocabulary.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import labels
from .models import LOCAL, STATE, STEERING, WORKING_GROUP

PROCESS_ID = "escalation"
# The valid codes; their labels come from the vocabulary.
CATEGORIES = tuple(labels("topic.category"))
FIELDS = tuple(labels("escalation_steering.working_group_field"))
LEVELS = tuple(labels("topic.level"))
# End events -> (outcome, level the topic was resolved at)
ENDS = {
    "end_local": ("resolved_local", LOCAL),
    "end_steering": ("resolved_steering", STEERING),
    "end_working_group": ("resolved_working_group", WORKING_GROUP),
    "end_state": ("answered_state", STATE),
}
REMINDER_EVENT = "answer_overdue"


@dataclass(frozen=True)
class Step:
    """A user task of the escalation process as the escalation service treats it."""

    level: str
    roles: frozenset[str]
    body: str | None  # which body's agenda the waiting topic is on: local | steering | working_group
    agenda: str | None  # decision | information
    date_field: str
    outcome_field: str | None = None  # form field holding the decision code, if it branches
    fixed: str | None = None  # decision code of a step that does not branch


COORD = frozenset({"coordinator"})
STEPS: dict[str, Step] = {
    "local_decision": Step(
        LOCAL,
        frozenset({"coordinator", "case_manager"}),
        LOCAL,
        "decision",
        "decision_date",
        outcome_field="local_outcome",
    ),
    "decision_paper": Step(STEERING, COORD, None, None, "prepared_on", fixed="decision_paper"),
    "steering_decision": Step(
        STEERING,
        frozenset({"coordinator", "steering"}),
        STEERING,
        "decision",
        "decision_date",
        outcome_field="steering_outcome",
    ),
    "working_group_result": Step(
        WORKING_GROUP, COORD, WORKING_GROUP, "decision", "reported_on", fixed="reported"
    ),
    "steering_informed": Step(
        WORKING_GROUP,
        frozenset({"coordinator", "steering"}),
        STEERING,
        "information",
        "informed_on",
        fixed="informed",
    ),
    "forward_to_state": Step(STATE, COORD, None, None, "forwarded_on", fixed="forwarded"),
    "state_answer": Step(STATE, COORD, None, None, "answered_on", fixed="answered"),
    "state_reminder": Step(STATE, COORD, None, None, "reminded_on", fixed="reminded"),
}
# Where a decision sends the topic next (programme figures: topics escalated by level).
ESCALATES_TO = {
    ("local_decision", "escalated"): STEERING,
    ("steering_decision", "working_group"): WORKING_GROUP,
    ("steering_decision", "forward_state"): STATE,
}
# Free-text fields of the forms, checked for client personal data.
TEXT_FIELDS = ("reason", "solution", "summary", "mandate", "result", "note", "answer", "working_group_name")


def decision_code(bpmn_id: str, data: dict) -> str:
    """What was decided at a step, as a code (vocabulary ``topic.decision``)."""
    step = STEPS[bpmn_id]
    if step.outcome_field:
        return str(data.get(step.outcome_field) or "")
    return step.fixed or bpmn_id
