"""Paging: send an alert to the people its recipients resolve to, on every channel they have, and record it.

Channels: the in-app responder inbox (always), email (SMTP), chat (a direct message in the built-in
chat, with one button per response) and webhook (a JSON POST). Each delivery is one `notifications`
row keyed by alert, escalation step, person and channel: a step retried after a crash does not
notify twice (at most once per key; a delivery interrupted mid-send is not repeated).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from mendflow.db import Database
from mendflow.errors import ConflictError, GoneError, InvalidError, NotFoundError
from mendflow.incidents import IncidentService
from mendflow.integrations.builtin.chat import BuiltinChat
from mendflow.integrations.builtin.store import insert_once
from mendflow.integrations.email import SmtpSender
from mendflow.integrations.errors import IntegrationError
from mendflow.integrations.http import HttpClient
from mendflow.models import Alert, ContactMethod, Notification, utcnow
from mendflow.paging.directory import Directory, PlanStep, Recipient
from mendflow.paging.message import Page
from mendflow.paging.tokens import ResponseTokens

log = logging.getLogger(__name__)
_NOTIFICATIONS = Notification.__table__
TIMELINE_LINES = 5


@dataclass(frozen=True)
class Delivery:
    user_id: str
    channel: str
    address: str
    status: str
    error: str | None
    reason: str


def notification_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "alert_id": row.alert_id, "user_id": row.user_id, "channel": row.channel,
            "address": row.address, "status": row.status, "error": row.error, "level": row.level,
            "round": row.round, "via": row.via, "reason": row.reason, "detail": row.detail,
            "sent_at": row.sent_at.isoformat()}


class Pager:
    def __init__(self, db: Database, directory: Directory, *, email: SmtpSender, chat: BuiltinChat,
                 http: HttpClient, incidents: IncidentService, tokens: ResponseTokens, public_url: str) -> None:
        self.db, self.directory, self.email, self.chat, self.http = db, directory, email, chat, http
        self.incidents, self.tokens, self.public_url = incidents, tokens, public_url.rstrip("/")

    # -- sending ------------------------------------------------------------------------------------

    def plan(self, refs: list[str], started_at: datetime) -> list[PlanStep]:
        return self.directory.plan(refs, started_at)

    def notify(self, alert: dict[str, Any], step: PlanStep, *, at: datetime | None = None,
               escalation: str = "") -> tuple[list[Delivery], list[str]]:
        """Resolve `step`'s references now and deliver the alert to each person on each channel."""
        recipients, problems = self.directory.resolve(step.refs, at or utcnow())
        page_context = self._context(alert)
        deliveries: list[Delivery] = []
        for recipient in recipients:
            page = self._page(alert, recipient.user_id, page_context, escalation)
            for channel, address in self._channels(recipient.user_id):
                deliveries.append(self._deliver(alert, step, recipient, channel, address, page))
        return deliveries, problems

    def _context(self, alert: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        incident_id = alert.get("incident_id")
        if incident_id is None:
            return None, []
        incident = self.incidents.get(incident_id)
        timeline = [{"at": e["at"], "actor": e["actor"], "message": e["message"]}
                    for e in self.incidents.timeline(incident_id)[-TIMELINE_LINES:]]
        return incident, timeline

    def _page(self, alert: dict[str, Any], user_id: str, context: tuple[Any, Any], escalation: str) -> Page:
        options = [(choice, f"{self.public_url}/respond/{self.tokens.make(alert['id'], user_id, choice)}")
                   for choice in alert["responses"]]
        return Page(alert["id"], alert["subject"], alert["message"], context[0], context[1], options,
                    f"{self.public_url}/respond", escalation)

    def _channels(self, user_id: str) -> list[tuple[str, str]]:
        with self.db.sessions() as session:
            contacts = session.scalars(select(ContactMethod).where(ContactMethod.user_id == user_id)
                                       .order_by(ContactMethod.id)).all()
            return [("inbox", "")] + [(c.kind, c.address) for c in contacts]

    def _deliver(self, alert: dict[str, Any], step: PlanStep, recipient: Recipient, channel: str, address: str,
                 page: Page) -> Delivery:
        key = f"{alert['id']}:{step.level}:{step.round}:{recipient.user_id}:{channel}:{address}"
        row, created = insert_once(self.db, _NOTIFICATIONS, {
            "idempotency_key": key[:300], "alert_id": alert["id"], "incident_id": alert.get("incident_id"),
            "user_id": recipient.user_id, "channel": channel, "address": address, "status": "sending",
            "error": None, "level": step.level, "round": step.round, "via": recipient.via,
            "reason": recipient.reason, "detail": recipient.detail, "sent_at": utcnow()})
        if not created:
            return Delivery(recipient.user_id, channel, address, row["status"], row["error"], recipient.reason)
        status, error = "sent", None
        try:
            if channel == "email" and not self.email.configured:
                status, error = "skipped", "email is not configured (MENDFLOW_SMTP_HOST)"
            else:
                self._send(channel, address, recipient.user_id, page, key)
        except IntegrationError as exc:
            status, error = "failed", str(exc)
            log.warning("alert %s to %s by %s failed: %s", alert["id"], recipient.user_id, channel, exc)
        with self.db.begin() as conn:
            conn.execute(update(_NOTIFICATIONS).where(_NOTIFICATIONS.c.id == row["id"])
                         .values(status=status, error=error, sent_at=utcnow()))
        return Delivery(recipient.user_id, channel, address, status, error, recipient.reason)

    def _send(self, channel: str, address: str, user_id: str, page: Page, key: str) -> None:
        if channel == "inbox":
            return  # the alert row and this notification are the inbox entry
        if channel == "email":
            self.email.send(address, f"[mendflow] {page.subject}", page.text(), page.html())
        elif channel == "chat":
            room = self.chat.create_channel(name=f"dm-{user_id}", topic=f"mendflow alerts for {user_id}",
                                            invite=[address], idempotency_key=f"dm:{user_id}")
            buttons = [{"label": option, "url": url} for option, url in page.options]
            self.chat.post(room["name"], page.chat_text(), buttons=buttons, idempotency_key=f"notify:{key}")
        elif channel == "webhook":
            self._post_webhook(address, page.webhook_body(user_id))
        else:
            raise IntegrationError(f"unknown contact method {channel!r}", retryable=False)

    def _post_webhook(self, url: str, body: dict[str, Any], attempts: int = 3) -> None:
        last = ""
        for _ in range(attempts):
            try:
                response = self.http.request("POST", url, timeout=10, json_body=body,
                                             headers={"Content-Type": "application/json"})
            except IntegrationError as exc:
                if not exc.retryable:
                    raise
                last = str(exc)
                continue
            if response.status_code < 300:
                return
            last = f"{url} answered {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                raise IntegrationError(last, retryable=False, status=response.status_code)
        raise IntegrationError(f"webhook {url} failed after {attempts} attempts: {last}")

    # -- reading ------------------------------------------------------------------------------------

    def notifications(self, alert_id: int) -> list[dict[str, Any]]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(_NOTIFICATIONS).where(_NOTIFICATIONS.c.alert_id == alert_id)
                                .order_by(_NOTIFICATIONS.c.id)).all()
            return [notification_dict(r) for r in rows]

    def alerts_for(self, user_id: str, *, status: str = "open") -> list[int]:
        """Ids of the alerts `user_id` was notified of, newest first."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(Alert.id).join(Notification, Notification.alert_id == Alert.id)
                                .where(Notification.user_id == user_id, Alert.status == status)
                                .group_by(Alert.id).order_by(Alert.id.desc())).all()
            return [r.id for r in rows]

    def answerable(self, alert_id: int, choice: str) -> Alert:
        """The alert, if it still takes `choice`; else the error a responder should see."""
        with self.db.sessions() as session:
            alert = session.get(Alert, alert_id)
            if alert is None:
                raise NotFoundError(f"no alert {alert_id}")
            refuse_closed(alert)
            if alert.expires_at is not None and alert.expires_at <= utcnow():
                raise GoneError(f"Alert {alert_id} expired at {alert.expires_at.isoformat(timespec='seconds')}; "
                                "it takes no more responses.")
            if choice not in alert.responses:
                raise InvalidError(f"{choice!r} is not a response of this alert; choose one of: "
                                   f"{', '.join(alert.responses)}", field="choice")
            session.expunge(alert)
            return alert


def refuse_closed(alert: Alert) -> None:
    """ConflictError saying what became of an alert that is no longer open."""
    if alert.status == "open":
        return
    when = alert.closed_at.isoformat(timespec="seconds") if alert.closed_at else "earlier"
    if alert.status == "answered":
        raise ConflictError(f"Alert {alert.id} was already answered: {alert.responder} chose {alert.response!r} "
                            f"at {when}.", responder=alert.responder, response=alert.response)
    if alert.status == "timed_out":
        raise GoneError(f"Alert {alert.id} timed out at {when}; it takes no more responses.")
    raise ConflictError(f"Alert {alert.id} was {alert.status} at {when}; it takes no more responses.")
