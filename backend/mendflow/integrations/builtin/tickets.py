"""Built-in service-desk tickets, shown in the web UI (keys MF-1, MF-2, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mendflow.db import Database
from mendflow.integrations.builtin.store import insert_once
from mendflow.integrations.errors import IntegrationError
from mendflow.models import Ticket, TicketComment, utcnow

_TICKETS = Ticket.__table__
_COMMENTS = TicketComment.__table__

STATUSES = ("open", "in_progress", "on_hold", "resolved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")


def ticket_dict(ticket: Ticket | Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as steps and the API see it, from an ORM object or a table row."""
    t = ticket if isinstance(ticket, Mapping) else {c.name: getattr(ticket, c.name) for c in _TICKETS.c}
    key = f"MF-{t['id']}"
    return {"id": t["id"], "key": key, "title": t["title"], "description": t["description"],
            "status": t["status"], "priority": t["priority"], "assignee": t["assignee"],
            "incident_id": t["incident_id"], "url": f"/tickets/{key}", "system": "builtin",
            "created_at": t["created_at"].isoformat(), "updated_at": t["updated_at"].isoformat()}


class BuiltinTickets:
    """Tickets kept in mendflow's own database."""

    system = "builtin"

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, *, title: str, description: str = "", priority: str = "normal",
               assignee: str | None = None, incident_id: int | None = None,
               idempotency_key: str | None = None) -> dict[str, Any]:
        if priority not in PRIORITIES:
            raise IntegrationError(f"priority {priority!r} is not one of {', '.join(PRIORITIES)}", retryable=False)
        now = utcnow()
        row, created = insert_once(self.db, _TICKETS, {
            "title": title, "description": description, "status": "open", "priority": priority,
            "assignee": assignee, "incident_id": incident_id, "idempotency_key": idempotency_key,
            "created_at": now, "updated_at": now})
        return {**ticket_dict(row), "created": created}

    def update(self, ref: str | int, *, status: str | None = None, comment: str | None = None,
               author: str = "mendflow", idempotency_key: str | None = None) -> dict[str, Any]:
        if status is not None and status not in STATUSES:
            raise IntegrationError(f"status {status!r} is not one of {', '.join(STATUSES)}", retryable=False)
        with self.db.session() as session:
            ticket = self._find(session, ref)
            if status is not None and ticket.status != status:
                ticket.status = status
                ticket.updated_at = utcnow()
            ticket_id = ticket.id
        if comment:
            self.comment(ticket_id, comment, author=author, idempotency_key=idempotency_key)
        with self.db.sessions() as session:
            return ticket_dict(self._find(session, ticket_id))

    def comment(self, ref: str | int, body: str, *, author: str = "mendflow",
                idempotency_key: str | None = None) -> dict[str, Any]:
        with self.db.sessions() as session:
            ticket_id = self._find(session, ref).id
        row, created = insert_once(self.db, _COMMENTS, {
            "ticket_id": ticket_id, "body": body, "author": author, "idempotency_key": idempotency_key,
            "created_at": utcnow()})
        return {"id": row["id"], "ticket_id": ticket_id, "body": row["body"], "created": created}

    def get(self, ref: str | int) -> dict[str, Any]:
        with self.db.sessions() as session:
            ticket = self._find(session, ref)
            comments = session.scalars(select(TicketComment).where(TicketComment.ticket_id == ticket.id)
                                       .order_by(TicketComment.id)).all()
            return {**ticket_dict(ticket), "comments": [
                {"id": c.id, "body": c.body, "author": c.author, "created_at": c.created_at.isoformat()}
                for c in comments]}

    @staticmethod
    def _find(session: Session, ref: str | int) -> Ticket:
        text = str(ref).strip()
        number = text[3:] if text.upper().startswith("MF-") else text
        ticket = session.get(Ticket, int(number)) if number.isdigit() else None
        if ticket is None:
            raise IntegrationError(f"no built-in ticket {text!r}", retryable=False, status=404)
        return ticket
