"""Saved flows: the editable draft, its published versions and its webhook tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mendflow.models.base import Base, utcnow


class Flow(Base):
    """A flow's draft (`document`, edited with optimistic `revision`) and its publication state."""

    __tablename__ = "flows"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    valid: Mapped[bool] = mapped_column(default=False)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlowVersion(Base):
    """An immutable published version; runs record the version they executed."""

    __tablename__ = "flow_versions"

    flow_id: Mapped[str] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class Hook(Base):
    """The secret URL token of one trigger.webhook node."""

    __tablename__ = "hooks"
    __table_args__ = (UniqueConstraint("flow_id", "node_id"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow_id: Mapped[str] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
