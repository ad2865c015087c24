"""Imports every table so that metadata (and Alembic) sees the whole schema."""
from .access.models import ApiToken, User
from .cases.models import Case
from .db import Base
from .instances.models import HistoryEntry, ProcessInstance
from .org.models import Municipality, Region, Team, Tenant
from .processes.models import FormVersion, ProcessVersion
from .tasks.models import TaskRecord

__all__ = [
    "ApiToken", "Base", "Case", "FormVersion", "HistoryEntry", "Municipality",
    "ProcessInstance", "ProcessVersion", "Region", "TaskRecord", "Team", "Tenant", "User",
]
