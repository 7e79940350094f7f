"""Built-in blue/green targets: the active colour of each target, and every switch made."""

from __future__ import annotations

from typing import Any

from mendflow.db import Database
from mendflow.integrations.builtin.store import once
from mendflow.integrations.errors import IntegrationError
from mendflow.models import DeploySwitch, DeployTarget, utcnow

COLORS = ("blue", "green")


class BuiltinDeploy:
    """A target's active colour recorded in the database; the switch is idempotent per step."""

    system = "builtin"

    def __init__(self, db: Database) -> None:
        self.db = db

    def switch(self, target: str, to: str, *, reason: str = "", idempotency_key: str | None = None) -> dict[str, Any]:
        if to not in (*COLORS, "other"):
            raise IntegrationError(f"switch to {to!r}: use blue, green or other", retryable=False)

        def make(session: Any) -> DeploySwitch:
            row = session.get(DeployTarget, target, with_for_update=True)
            if row is None:
                row = DeployTarget(name=target, active_color="blue")
                session.add(row)
                session.flush()  # the switch row references the target: without relationship() the unit
                # of work does not order the two inserts, and the switch went first (FOREIGN KEY failed)
            previous = row.active_color
            new = ("green" if previous == "blue" else "blue") if to == "other" else to
            row.active_color, row.updated_at = new, utcnow()
            return DeploySwitch(target=target, from_color=previous, to_color=new, reason=reason,
                                idempotency_key=idempotency_key)

        switch, created = once(self.db, DeploySwitch, idempotency_key, make)
        return {"target": target, "previous": switch.from_color, "active": switch.to_color,
                "changed": switch.from_color != switch.to_color, "switched_at": switch.created_at.isoformat(),
                "system": self.system, "created": created}

    def active(self, target: str) -> str | None:
        with self.db.sessions() as session:
            row = session.get(DeployTarget, target)
            return row.active_color if row else None
