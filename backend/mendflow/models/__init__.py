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
from mendflow.models.oncall import EscalationPolicy, Notification, Schedule, ScheduleOverride
from mendflow.models.people import ApiToken, ContactMethod, Team, TeamMember, User
from mendflow.models.runs import Run, Step

__all__ = [
    "Alert", "ApiToken", "Base", "ChatMember", "ChatMessage", "ChatRoom", "ContactMethod", "DeploySwitch",
    "DeployTarget", "EscalationPolicy", "Event", "Flow", "FlowVersion", "Hook", "Incident", "Notification", "Run",
    "Schedule", "ScheduleOverride", "Step", "Team", "TeamMember", "Ticket", "TicketComment", "TimelineEntry", "User",
    "new_id", "utcnow",
]
