"""The reminder mails' German texts. No client's name ever goes into a mail: cases by pseudonym, tasks by
title with any name of the case's client taken out, and a link to the task (behind the login)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from ..clock import BERLIN

# Links are written with this placeholder and completed when sent (KIM_PUBLIC_URL is a setting of the
# sender, not of the request that queued the mail).
SITE = "{KIM_SITE}"
HIDDEN = "…"
FOOTER = (
    "\n--\nDiese Nachricht enthält keine Namen von Klientinnen und Klienten. Einzelheiten sehen Sie nach "
    "der Anmeldung in KIM.\nErinnerungen per E-Mail stellt die Administration ab (E-Mail-Adresse im "
    "Benutzerkonto leeren).\n"
)


def without_names(text: str, names: Iterable[str | None]) -> str:
    """``text`` with every given name (two letters or more) replaced by an ellipsis, in any case."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), HIDDEN, text, flags=re.IGNORECASE)
    return text


def day(moment: datetime | None) -> str:
    """A Berlin date as people read it (dd.mm.yyyy)."""
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y") if moment else "ohne Frist"


def task_line(title: str, pseudonym: str | None, due: datetime | None, task_id: str) -> str:
    """One task in a mail: title, case pseudonym, due day and the link."""
    case = f" – Fall {pseudonym}" if pseudonym else ""
    return f"- {title}{case}, fällig {day(due)}\n  {SITE}/tasks/{task_id}"


def handed_over(*, to: str, by: str, line: str) -> tuple[str, str]:
    """(subject, body) of the message to whom a task was handed over."""
    body = f"Guten Tag {to},\n\n{by} hat Ihnen in KIM eine Aufgabe übergeben:\n\n{line}\n{FOOTER}"
    return "KIM: Eine Aufgabe wurde Ihnen übergeben", body


def taken_over(*, to: str, by: str, line: str) -> tuple[str, str]:
    """(subject, body) of the message to the previous holder of a task someone took over."""
    body = (
        f"Guten Tag {to},\n\n{by} hat in KIM eine Aufgabe übernommen, die bei Ihnen lag:\n\n{line}\n{FOOTER}"
    )
    return "KIM: Ihre Aufgabe wurde übernommen", body


def digest(*, to: str, on: datetime, mine: list[str], team: list[str]) -> tuple[str, str]:
    """(subject, body) of the daily digest: the user's due and overdue tasks, then the team's unassigned."""
    parts = [f"Guten Tag {to},\n\nIhre fälligen und überfälligen Aufgaben in KIM am {day(on)}:"]
    if mine:
        parts.append("\nIhre Aufgaben:\n" + "\n".join(mine))
    if team:
        parts.append("\nNoch nicht zugewiesen (Ihr Team):\n" + "\n".join(team))
    parts.append(f"\nAlle Aufgaben: {SITE}/\n{FOOTER}")
    count = len(mine) + len(team)
    return f"KIM: {count} fällige Aufgabe{'n' if count != 1 else ''}", "\n".join(parts)
