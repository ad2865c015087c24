"""Sending over SMTP with the standard library (smtplib), one connection per batch."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ..config import Settings


def _connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_tls == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_tls != "none":
            conn.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        conn.login(settings.smtp_user, settings.smtp_password)
    return conn


def message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text German mail from KIM_SMTP_FROM."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.smtp_from, to, subject
    msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid(domain="kim.local")
    msg.set_content(body)
    return msg


def _reason(exc: Exception) -> str:
    """A short cause for the outbox row and the log (never the password)."""
    return f"{type(exc).__name__}: {exc}"[:300]


def send_all(settings: Settings, mails: list[tuple[str, str, str]]) -> list[str | None]:
    """Send (to, subject, body) mails over one connection; per mail None (sent) or the reason it was not."""
    if not mails:
        return []
    try:
        conn = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        return [_reason(exc)] * len(mails)
    out: list[str | None] = []
    try:
        for to, subject, body in mails:
            try:
                conn.send_message(message(settings, to, subject, body))
                out.append(None)
            except (OSError, smtplib.SMTPException) as exc:
                out.append(_reason(exc))
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()
    return out
