"""Imports every table so that metadata (and Alembic) sees the whole schema."""

from .access.models import ApiToken, User
from .audit.models import AuditEntry, AuditHead
from .casefile.models import CaseNote, Document
from .cases.models import Case
from .checks.models import Check
from .consents.models import Consent, ConsentMember, Referral
from .db import Base
from .escalations.models import AgendaItem, Body, BodyMember, Meeting, Topic, TopicCase, TopicEvent
from .followups.models import FollowUp
from .goals.models import Goal
from .households.models import Member, MemberChange
from .instances.models import HistoryEntry, ProcessInstance
from .org.models import Municipality, Region, Team, Tenant
from .processes.models import FormVersion, ProcessIncident, ProcessVersion
from .reports.models import ProgrammeEvent
from .retention.models import DeletionRecord
from .tasks.models import TaskDraft, TaskRecord
from .timers.models import Timer

__all__ = [
    "AgendaItem",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Body",
    "BodyMember",
    "Case",
    "CaseNote",
    "Check",
    "Consent",
    "ConsentMember",
    "DeletionRecord",
    "Document",
    "FollowUp",
    "FormVersion",
    "Goal",
    "HistoryEntry",
    "Meeting",
    "Member",
    "MemberChange",
    "Municipality",
    "ProcessIncident",
    "ProcessInstance",
    "ProcessVersion",
    "ProgrammeEvent",
    "Referral",
    "Region",
    "TaskDraft",
    "TaskRecord",
    "Team",
    "Tenant",
    "Timer",
    "Topic",
    "TopicCase",
    "TopicEvent",
    "User",
]
