"""E-mail through the configured SMTP server (standard library smtplib); no server configured: nothing sent."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from semap.errors import ConfigError
from semap.settings import AccessSettings


def message(settings: AccessSettings, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.mail_from, to, subject
    mail.set_content(body)  # UTF-8, as everything Korean in SeMap
    return mail


def send(settings: AccessSettings, mails: list[EmailMessage]) -> int:
    if not settings.smtp_host:
        raise ConfigError("SEMAP_SMTP_HOST is not set: nothing can be sent (print the messages instead)")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for mail in mails:
            smtp.send_message(mail)
    return len(mails)
