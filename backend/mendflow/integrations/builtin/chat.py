"""Built-in chat rooms: channels, members, messages with buttons, transcripts."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mendflow.db import Database, hot
from mendflow.integrations.builtin.store import insert_once, once
from mendflow.integrations.errors import IntegrationError
from mendflow.models import ChatMember, ChatMessage, ChatRoom, utcnow

_ROOMS = ChatRoom.__table__
_MESSAGES = ChatMessage.__table__
_ROOM_BY_NAME = select(_ROOMS.c.id, _ROOMS.c.name, _ROOMS.c.archived).where(
    _ROOMS.c.name == bindparam("name"))
_ROOM_BY_ID = select(_ROOMS.c.id, _ROOMS.c.name, _ROOMS.c.archived).where(_ROOMS.c.id == bindparam("id"))


class _Room(NamedTuple):
    id: int
    name: str
    archived: bool


def channel_name(name: str) -> str:
    """A channel name as chat systems accept it: lowercase, digits, '-' and '_', at most 80 chars."""
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    if not cleaned:
        raise IntegrationError(f"channel name {name!r} has no letters or digits", retryable=False)
    return cleaned[:80]


def room_dict(room: ChatRoom, members: list[str]) -> dict[str, Any]:
    return {"id": room.id, "name": room.name, "topic": room.topic, "incident_id": room.incident_id,
            "archived": room.archived, "members": members, "url": f"/chat/{room.name}", "system": "builtin",
            "created_at": room.created_at.isoformat()}


class BuiltinChat:
    """Chat rooms kept in mendflow's own database and shown in its web UI."""

    system = "builtin"

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_channel(self, *, name: str, topic: str = "", invite: list[str] | None = None,
                       incident_id: int | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
        base = channel_name(name)

        def make(session: Session) -> ChatRoom:
            taken = set(session.scalars(select(ChatRoom.name).where(ChatRoom.name.like(f"{base}%"))))
            unique, n = base, 1
            while unique in taken:
                n += 1
                unique = f"{base[:76]}-{n}"
            return ChatRoom(name=unique, topic=topic, incident_id=incident_id, idempotency_key=idempotency_key)

        room, created = once(self.db, ChatRoom, idempotency_key, make)
        members = self.invite(room.id, invite or [])
        return {**room_dict(room, members), "created": created}

    def invite(self, room_ref: str | int, handles: list[str]) -> list[str]:
        with self.db.session() as session:
            room = self._find(session, room_ref)
            present = set(session.scalars(select(ChatMember.handle).where(ChatMember.room_id == room.id)))
            for handle in dict.fromkeys(h.strip() for h in handles if h.strip()):
                if handle not in present:
                    session.add(ChatMember(room_id=room.id, handle=handle))
                    present.add(handle)
            return sorted(present)

    def post(self, room_ref: str | int, text: str, *, author: str = "mendflow",
             buttons: list[dict[str, Any]] | None = None, idempotency_key: str | None = None) -> dict[str, Any]:
        text_ref = str(room_ref).strip().lstrip("#")
        with self.db.engine.connect() as conn:  # every chat.post step reads this: straight to the driver
            found = hot(conn).execute(conn, _ROOM_BY_ID if text_ref.isdigit() else _ROOM_BY_NAME,
                                      {"id": int(text_ref)} if text_ref.isdigit() else {"name": text_ref})
        room = _Room(*found[0]) if found else None
        if room is None:
            raise IntegrationError(f"no chat channel {room_ref!r}; create it with chat.channel first",
                                   retryable=False, status=404)
        if room.archived:
            raise IntegrationError(f"channel #{room.name} is archived", retryable=False)
        message, created = insert_once(self.db, _MESSAGES, {
            "room_id": room.id, "author": author, "text": text, "buttons": buttons or [],
            "idempotency_key": idempotency_key, "created_at": utcnow()})
        return {"id": message["id"], "channel": room.name, "channel_id": room.id, "text": message["text"],
                "created": created}

    def transcript(self, room_ref: str | int) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            room = self._find(session, room_ref)
            rows = session.scalars(select(ChatMessage).where(ChatMessage.room_id == room.id)
                                   .order_by(ChatMessage.id)).all()
            return [{"id": m.id, "author": m.author, "text": m.text, "buttons": m.buttons,
                     "at": m.created_at.isoformat()} for m in rows]

    def archive(self, room_ref: str | int) -> None:
        with self.db.session() as session:
            self._find(session, room_ref).archived = True

    def get(self, room_ref: str | int) -> dict[str, Any]:
        with self.db.sessions() as session:
            room = self._find(session, room_ref)
            members = list(session.scalars(select(ChatMember.handle).where(ChatMember.room_id == room.id)))
            return room_dict(room, sorted(members))

    @staticmethod
    def _find(session: Session, ref: str | int) -> ChatRoom:
        text = str(ref).strip().lstrip("#")
        room = session.get(ChatRoom, int(text)) if text.isdigit() else session.scalar(
            select(ChatRoom).where(ChatRoom.name == text))
        if room is None:
            raise IntegrationError(f"no chat channel {ref!r}; create it with chat.channel first",
                                   retryable=False, status=404)
        return room
