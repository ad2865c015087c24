"""Imports every table so that metadata (and Alembic) sees the whole schema."""

from .access.models import ApiToken, User
from .agencies.models import Agency
from .audit.models import AuditEntry, AuditHead
from .casefile.models import CaseNote, Document
from .cases.models import Case
from .cases.numbers import CaseCounter
from .checks.models import Check
from .consents.models import Consent, ConsentMember, Referral
from .db import Base
from .escalations.models import AgendaItem, Body, BodyMember, Meeting, Topic, TopicCase, TopicEvent
from .followups.models import FollowUp
from .goals.models import Goal
from .households.models import Member, MemberChange
from .insight.models import InsightStep
from .instances.models import HistoryEntry, ProcessInstance
from .mail.models import OutboxMail
from .offers.models import Offer, OfferGap, OfferGapTopic, OfferLink, OfferNeed, OfferTag, OfferVersion  # noqa: F401
from .org.models import Municipality, Region, Team, Tenant
from .processes.models import FormVersion, ProcessIncident, ProcessVersion
from .reports.models import ProgrammeEvent
from .retention.models import DeletionRecord
from .sheets.models import TenantCatalogue
from .tasks.models import InboxChoice, TaskDraft, TaskRecord
from .timers.models import Timer

__all__ = [
    "Agency",
    "AgendaItem",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Body",
    "BodyMember",
    "Case",
    "CaseCounter",
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
    "InboxChoice",
    "InsightStep",
    "Meeting",
    "Member",
    "MemberChange",
    "Municipality",
    "OutboxMail",
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
    "TenantCatalogue",
    "Timer",
    "Topic",
    "TopicCase",
    "TopicEvent",
    "User",
]
