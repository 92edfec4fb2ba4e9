"""E-mail through the configured SMTP server (standard library smtplib); no server configured: nothing sent."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from semap.errors import ConfigError, MailNotSent
from semap.settings import AccessSettings


def message(settings: AccessSettings, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.mail_from, to, subject
    mail.set_content(body)  # UTF-8, as everything Korean in SeMap
    return mail


def send(settings: AccessSettings, mails: list[EmailMessage]) -> int:
    """Send ``mails`` in order through one SMTP session: how many were sent, or MailNotSent saying how many were
    before the server failed (unreachable, refused a sender or recipient, dropped the connection)."""
    if not settings.smtp_host:
        raise ConfigError("SEMAP_SMTP_HOST is not set: nothing can be sent (print the messages instead)")
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for mail in mails:
                smtp.send_message(mail)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:  # ConnectionRefusedError, timeouts, refusals, disconnects
        if sent == len(mails):
            return sent  # the server went away after the last message was accepted
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MailNotSent(
            f"the mail server {settings.smtp_host}:{settings.smtp_port} failed ({reason}) after {sent} of "
            f"{len(mails)} message(s)",
            sent,
        ) from None
    return sent
