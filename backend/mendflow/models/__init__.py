"""SQLAlchemy models: every table mendflow keeps."""

from mendflow.models.base import Base, new_id, utcnow
from mendflow.models.builtin import (
    Alert,
    ChatMember,
    ChatMessage,
    ChatRoom,
    DeploySwitch,
    DeployTarget,
    Ticket,
    TicketComment,
)
from mendflow.models.flows import Flow, FlowVersion, Hook
from mendflow.models.incidents import Event, Incident, TimelineEntry
from mendflow.models.runs import Run, Step

__all__ = [
    "Alert", "Base", "ChatMember", "ChatMessage", "ChatRoom", "DeploySwitch", "DeployTarget", "Event",
    "Flow", "FlowVersion", "Hook", "Incident", "Run", "Step", "Ticket", "TicketComment", "TimelineEntry",
    "new_id", "utcnow",
]
