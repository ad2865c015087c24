"""The scheduler anchors the audit trail on its own: a signed checkpoint at start and periodically."""

from __future__ import annotations

import json
import time

from engine.audit.anchor import FILE
from engine.scheduler import TimerScheduler, install_housekeeping
from tests.api.helpers import open_case


def test_the_scheduler_writes_a_checkpoint_of_the_current_trail(app, client, login, settings, db):
    open_case(client, login("cm-borchen"))
    ((count,),) = db.rows("SELECT count(*) FROM audit_log")
    sessions = app.extensions["kim"]["sessions"]
    sched = TimerScheduler(sessions, watch_seconds=5).start()
    try:
        install_housekeeping(sched, sessions, settings)  # both jobs run once at start
        path = settings.anchor_dir() / FILE
        deadline = time.time() + 30
        while not (path.exists() and path.read_text().endswith("\n")) and time.time() < deadline:
            time.sleep(0.1)
    finally:
        sched.shutdown()
    (line,) = path.read_text().splitlines()
    checkpoint = json.loads(line)
    assert checkpoint["count"] == checkpoint["last_id"] == count and checkpoint["sig"]
