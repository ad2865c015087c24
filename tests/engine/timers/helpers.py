"""Deploying the timer fixtures and starting instances of them, through the services."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine import workflow as wf
from engine.access.actor import Actor
from engine.access.models import User
from engine.cases.service import open_case
from engine.db import begin_write
from engine.instances.service import create_instance
from engine.processes.service import deploy_form, deploy_process, parsed_version

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def actor(session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(user.id, user.username, user.role, user.tenant_id, user.municipality_id, user.team_id)


def deploy_fixture(session, name: str):
    begin_write(session)  # a scheduler may be writing: take the write lock first
    deploy_form(session, "note", (FIXTURES / "note.json").read_bytes(), "test")
    version, _ = deploy_process(session, (FIXTURES / f"{name}.bpmn").read_bytes(), "test", process_id=name)
    session.commit()
    return version


def start_instances(session, name: str, count: int, username: str = "cm-borchen"):
    """One case, ``count`` instances of fixture ``name`` attached to it; returns instance ids."""
    version = deploy_fixture(session, name)
    begin_write(session)  # the next transaction writes too: the lock before its first read
    user = actor(session, username)
    case = open_case(
        session, user=user, municipality="Borchen", client={"given_name": "Test", "family_name": "Timer"}
    )
    proc = parsed_version(session, version.id)
    ids = []
    for _ in range(count):
        instance, _ = create_instance(
            session, case=case, version_id=version.id, process_id=name, result=wf.start(proc), user=user
        )
        ids.append(instance.id)
    session.commit()
    return case, ids
