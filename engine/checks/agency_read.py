"""The checks on a referral as the addressed authority's staff see them on its page: which checks their
agency may begin there, and each check begun with its state, its result and its open tasks (the
checklist, the result) that the staff work in the ordinary task form."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..processes.models import FormVersion
from ..tasks.models import READY, TaskRecord
from ..vocabulary import label
from .access import referral_of_agency
from .models import Check
from .read import CheckView, check_view
from .service import KINDS


@dataclass(frozen=True)
class ReferralChecks:
    kinds: list[tuple[str, str]]  # (kind, label) the agency may begin on this referral
    checks: list[CheckView] = field(default_factory=list)
    tasks: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # check id -> (task id, name)


def referral_checks(session: Session, *, user: Actor, referral_id: int) -> ReferralChecks:
    """The checks of a referral addressed to the user's agency (404 for every other referral)."""
    referral = referral_of_agency(session, user, referral_id)
    kinds = [(k, label("check.kind", k)) for k, spec in KINDS.items() if referral.agency in spec.agencies]
    rows = session.execute(
        select(Check, FormVersion.version)
        .join(FormVersion, FormVersion.id == Check.form_version_id)
        .where(Check.referral_id == referral.id, Check.agency == referral.agency)
        .order_by(Check.started_at, Check.id)
    ).all()
    instance_ids = {c.instance_id: c.id for c, _v in rows}
    tasks: dict[int, list[tuple[str, str]]] = {}
    if instance_ids:
        for task_id, name, instance_id in session.execute(
            select(TaskRecord.id, TaskRecord.name, TaskRecord.instance_id)
            .where(
                TaskRecord.instance_id.in_(instance_ids),
                TaskRecord.status == READY,
                TaskRecord.role == user.role,
            )
            .order_by(TaskRecord.created_at)
        ):
            tasks.setdefault(instance_ids[instance_id], []).append((task_id, name))
    return ReferralChecks(kinds, [check_view(c, v, personal=True) for c, v in rows], tasks)
