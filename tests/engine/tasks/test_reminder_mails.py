"""Reminder mails against a real SMTP server the test starts (aiosmtpd): the hand-over message and the
daily digest arrive with pseudonyms and links and no client's name; the scheduler sends them; a refused
server blocks no task, is retried, counted in kim_mail_failures_total and given up after the last try."""

from __future__ import annotations

import dataclasses
import email
import time
from datetime import datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from prometheus_client import REGISTRY
from sqlalchemy import select

from engine.access.models import User
from engine.cases.models import Case
from engine.clock import BERLIN, utcnow
from engine.config import Settings
from engine.mail.models import FAILED, OFF, PENDING, SENT, OutboxMail
from engine.mail.outbox import send_due
from engine.scheduler import TimerScheduler, install_housekeeping
from engine.tasks import reminders
from engine.tasks.models import TaskRecord
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready
from tests.conftest import free_port

SECRETS = ("Amina", "Haddad", "Kowalczyk", "Zofia")  # the clients' given and family names
ADDRESSES = {"cm-borchen": "borchen@kim.example", "cm-borchen-2": "vertretung@kim.example"}


class Inbox:
    """What the SMTP server received: (recipients, parsed message)."""

    def __init__(self):
        self.mails: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.mails if address in rcpt]


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _mail_settings(app, port: int, **more):
    return dataclasses.replace(
        app.extensions["kim"]["settings"],
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_timeout_seconds=3,
        public_url="https://kim.example",
        **more,
    )


def _addresses(app):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        for username, address in ADDRESSES.items():
            s.scalars(select(User).where(User.username == username)).one().email = address
        s.commit()


def _outbox(app) -> list[OutboxMail]:
    with app.extensions["kim"]["sessions"]() as s:
        rows = list(s.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        s.expunge_all()
    return rows


def _text(message) -> str:
    """Everything a reader sees: headers and the decoded body."""
    return "\n".join(f"{k}: {v}" for k, v in message.items()) + "\n" + message.get_content()


def _body(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def _no_client_names(messages) -> None:
    assert messages
    for message in messages:
        text = _text(message)
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, text)


def _handed_over(app, client, login, **client_data) -> tuple[dict, str]:
    """A Borchen case whose first contact cm-borchen hands to cm-borchen-2."""
    cm = login("cm-borchen")
    case = open_case(client, cm, **client_data)
    (task,) = [t["id"] for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "first_contact"]
    r = client.post(f"/api/v1/tasks/{task}/assign", json={"username": "cm-borchen-2"}, headers=cm)
    assert r.status_code == 200, r.json
    return case, task


def _pseudonym(app, case_id: int) -> str:
    with app.extensions["kim"]["sessions"]() as s:
        return s.get_one(Case, case_id).pseudonym


def test_hand_over_and_take_over_messages_arrive_with_pseudonym_and_link_only(app, client, login, smtp):
    controller, received = smtp
    _addresses(app)
    case, task = _handed_over(app, client, login)
    sessions, settings = app.extensions["kim"]["sessions"], _mail_settings(app, controller.port)
    assert send_due(sessions, settings=settings)[SENT] == 1
    (mail,) = received.to("vertretung@kim.example")
    body = mail.get_content()
    assert mail["Subject"] == "KIM: Eine Aufgabe wurde Ihnen übergeben"
    assert "Case-Managerin Borchen hat Ihnen in KIM eine Aufgabe übergeben" in body
    assert _pseudonym(app, case["id"]) in body and f"https://kim.example/tasks/{task}" in body
    assert mail["From"] == settings.smtp_from
    # cm-borchen takes it back over: the colleague who held it is told.
    assert client.post(f"/api/v1/tasks/{task}/take-over", headers=login("cm-borchen")).status_code == 200
    assert send_due(sessions, settings=settings)[SENT] == 1
    (second, first) = received.to("vertretung@kim.example")[::-1]
    assert second["Subject"] == "KIM: Ihre Aufgabe wurde übernommen" and first is mail
    _no_client_names([mail, second])
    assert not received.to("borchen@kim.example")  # nobody is told about what they did themselves
    assert [r.status for r in _outbox(app)] == [SENT, SENT]


def test_the_daily_digest_lists_due_and_overdue_tasks_once_a_day(app, client, login, smtp):
    controller, received = smtp
    _addresses(app)
    cm = login("cm-borchen")
    _handed_over(app, client, login)  # held by cm-borchen-2
    other = open_case(client, cm, given_name="Zofia", family_name="Kowalczyk")  # nobody holds it
    later = open_case(client, cm)  # due in seven days: not in today's digest
    (later_task,) = [t["id"] for t in ready(client, cm, later["id"])]
    sessions, settings = app.extensions["kim"]["sessions"], _mail_settings(app, controller.port)
    with sessions() as s:
        begin(s, write=True)
        for row in s.scalars(select(TaskRecord).where(TaskRecord.id != later_task)):
            row.due_at = utcnow() - timedelta(days=2)
        # A title with the client's name in it (a process owner's title expression) loses the name.
        row = s.scalars(select(TaskRecord).where(TaskRecord.case_id == other["id"])).one()
        row.name = "Rückruf bei Zofia KOWALCZYK"
        s.commit()
    send_due(sessions, settings=settings)  # the hand-over message out of the way
    received.mails.clear()
    today = utcnow().astimezone(BERLIN).date()
    early = datetime(today.year, today.month, today.day, 6, tzinfo=BERLIN)
    assert reminders.queue_digests(sessions, settings=settings, now=early) == 0  # before 7 o'clock
    at_eight = early + timedelta(hours=2)
    assert reminders.queue_digests(sessions, settings=settings, now=at_eight) == 2
    assert reminders.queue_digests(sessions, settings=settings, now=at_eight + timedelta(hours=3)) == 0
    assert send_due(sessions, settings=settings)[SENT] == 2
    (own,) = received.to("vertretung@kim.example")
    (team,) = received.to("borchen@kim.example")
    assert own["Subject"] == "KIM: 2 fällige Aufgaben"  # her own, and the one nobody holds
    assert "Ihre Aufgaben:\n- Erstgespräch" in _body(own)
    assert "Noch nicht zugewiesen (Ihr Team):\n- Rückruf bei … …" in _body(team)
    assert _pseudonym(app, other["id"]) in _body(team)
    assert _pseudonym(app, later["id"]) not in _body(team) and later_task not in _body(team)
    assert "https://kim.example/tasks/" in _body(team)
    _no_client_names([own, team])


@pytest.mark.slow  # a real scheduler starts and waits for its first run
def test_the_scheduler_sends_the_outbox(app, client, login, smtp):
    controller, received = smtp
    _addresses(app)
    _handed_over(app, client, login)
    settings = _mail_settings(app, controller.port, mail_digest_hour=0)
    scheduler = TimerScheduler(app.extensions["kim"]["sessions"], watch_seconds=0.5)
    install_housekeeping(scheduler, app.extensions["kim"]["sessions"], settings)
    scheduler.start()
    try:
        deadline = time.time() + 20
        while time.time() < deadline and not received.to("vertretung@kim.example"):
            time.sleep(0.1)
    finally:
        scheduler.shutdown()
    assert received.to("vertretung@kim.example")
    _no_client_names([m for _r, m in received.mails])


def _failures(outcome: str) -> float:
    return REGISTRY.get_sample_value("kim_mail_failures_total", {"outcome": outcome}) or 0.0


def test_a_refused_mail_server_blocks_no_task_is_retried_and_counted(app, client, login):
    _addresses(app)
    case, _task = _handed_over(app, client, login)
    port = free_port()  # nothing listens here
    sessions, settings = app.extensions["kim"]["sessions"], _mail_settings(app, port, mail_retry_seconds=60)
    before = _failures("retry")
    assert send_due(sessions, settings=settings)["retry"] == 1
    assert _failures("retry") == before + 1
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'kim_mail_failures_total{outcome="retry"}' in metrics
    (row,) = _outbox(app)
    assert row.status == PENDING and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
    # The task goes on: its new holder completes it while the mail waits.
    complete(client, login("cm-borchen-2"), case["id"], "first_contact", d.FIRST_CONTACT)
    assert send_due(sessions, settings=settings) == {}  # not due again yet
    # The server is back: the next attempt after the pause gets through.
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert send_due(sessions, settings=settings, now=utcnow() + timedelta(minutes=2))[SENT] == 1
    finally:
        controller.stop()
    assert handler.to("vertretung@kim.example") and _outbox(app)[0].status == SENT


def test_the_last_failed_attempt_gives_up_and_mail_off_queues_nothing_to_send(app, client, login):
    _addresses(app)
    _handed_over(app, client, login)
    sessions = app.extensions["kim"]["sessions"]
    settings = _mail_settings(app, free_port(), mail_max_attempts=1)
    before = _failures("given_up")
    assert send_due(sessions, settings=settings)["given_up"] == 1
    assert _failures("given_up") == before + 1 and _outbox(app)[0].status == FAILED
    # Mail off (no KIM_SMTP_HOST, as in `make run`): what is queued is set aside, never sent late.
    _handed_over(app, client, login)
    off = app.extensions["kim"]["settings"]
    assert not off.mail_enabled
    assert send_due(sessions, settings=off)[OFF] == 1
    assert [r.status for r in _outbox(app)] == [FAILED, OFF]
    # Thirty days on, what is done is deleted (the rows name pseudonyms).
    send_due(sessions, settings=off, now=utcnow() + timedelta(days=31))
    assert _outbox(app) == []


def test_mail_settings_come_from_the_environment_and_are_off_by_default():
    assert not Settings.from_env({}).mail_enabled
    on = Settings.from_env(
        {
            "KIM_SMTP_HOST": "mail.kreis.example",
            "KIM_SMTP_PORT": "465",
            "KIM_SMTP_USER": "kim",
            "KIM_SMTP_PASSWORD": "geheim",
            "KIM_SMTP_FROM": "kim@kreis.example",
            "KIM_SMTP_TLS": "SSL",
            "KIM_PUBLIC_URL": "https://kim.kreis.example/",
            "KIM_MAIL_DIGEST_HOUR": "6",
        }
    )
    assert on.mail_enabled and (on.smtp_port, on.smtp_tls, on.mail_digest_hour) == (465, "ssl", 6)
    assert (on.smtp_user, on.smtp_password, on.smtp_from) == ("kim", "geheim", "kim@kreis.example")
    assert on.site_url() == "https://kim.kreis.example"
    assert Settings.from_env({"KIM_HOST": "0.0.0.0", "KIM_PORT": "8000"}).site_url() == "http://0.0.0.0:8000"
