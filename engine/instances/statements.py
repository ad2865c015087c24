"""The statements a step writes with, built once.

SQLAlchemy keeps a statement's cache key on the statement object, so a statement that is built once
and executed with its parameters (engine/writes.py, ``params``) costs neither its construction nor its
key on each step. Parameter names carry a prefix per statement: the parts sent together on PostgreSQL
share one parameter set.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, update

from ..tasks.models import CANCELLED, COMPLETED, TaskRecord
from ..writes import kept
from .models import HistoryEntry, ProcessInstance

INSTANCES = cast(Table, ProcessInstance.__table__)
TASKS = cast(Table, TaskRecord.__table__)
HISTORY = cast(Table, HistoryEntry.__table__)

# The instance's state, under its optimistic lock (exactly one row, or someone changed it meanwhile).
SAVE_STATE = kept(
    update(INSTANCES)
    .where(INSTANCES.c.id == bindparam("inst_id"), INSTANCES.c.lock_version == bindparam("inst_lock"))
    .values(
        state=bindparam("inst_state"),
        updated_at=bindparam("inst_at"),
        lock_version=bindparam("inst_next_lock"),
        status=bindparam("inst_status"),
    )
)
SAVE_STATE_AND_SEEN = kept(SAVE_STATE.values(insight_seen=bindparam("inst_seen")))

INSERT_HISTORY = kept(HISTORY.insert())
INSERT_TASKS = kept(TASKS.insert())

TASK_DONE = kept(
    update(TASKS)
    .where(TASKS.c.id == bindparam("done_id"))
    .values(status=COMPLETED, completed_at=bindparam("done_at"), completed_by_id=bindparam("done_by"))
)
TASKS_CANCELLED = kept(
    update(TASKS)
    .where(TASKS.c.id.in_(bindparam("cancelled_ids", expanding=True)))
    .values(status=CANCELLED, completed_at=bindparam("cancelled_at"))
)
