"""Email over SMTP: one message per call, with a plain-text and an HTML part; retries on transient failures."""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from mendflow.integrations.errors import IntegrationError

SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSender:
    """An SMTP relay; `security` is none, starttls or ssl. An empty host means email is not configured."""

    host: str
    port: int = 25
    sender: str = "mendflow@localhost"
    username: str = ""
    password: str = ""
    security: str = "none"
    timeout: float = 10.0
    attempts: int = 3
    backoff: float = 0.5

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> str:
        """Send one message and return its Message-ID; IntegrationError after the last failed attempt."""
        if not self.configured:
            raise IntegrationError("email is not configured (set MENDFLOW_SMTP_HOST)", retryable=False)
        if self.security not in SECURITY_MODES:
            raise IntegrationError(f"MENDFLOW_SMTP_SECURITY={self.security!r}: use one of "
                                   f"{', '.join(SECURITY_MODES)}", retryable=False)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = make_msgid(domain="mendflow")
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        for attempt in range(1, self.attempts + 1):
            try:
                self._deliver(message)
                return str(message["Message-ID"])
            except smtplib.SMTPRecipientsRefused as exc:
                raise IntegrationError(f"the mail server refused {to}: {_reason(exc)}", retryable=False) from None
            except (smtplib.SMTPException, OSError) as exc:
                permanent = isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600
                if permanent or attempt == self.attempts:
                    raise IntegrationError(f"sending email to {to} via {self.host}:{self.port} failed: "
                                           f"{_reason(exc)}", retryable=not permanent) from None
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _deliver(self, message: EmailMessage) -> None:
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if self.username:
                client.login(self.username, self.password)
            client.send_message(message)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {detail}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = exc.recipients.items()
        return "; ".join(f"{rcpt}: {code} {msg.decode(errors='replace')}" for rcpt, (code, msg) in refused)
    return str(exc) or type(exc).__name__
