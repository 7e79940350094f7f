"""Runs of a flow and the record of each step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from mendflow.models.base import Base


class Run(Base):
    """One execution of one flow version, started by one event."""

    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_flow_started", "flow_id", "started_at"),
        Index("ix_runs_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(100))
    flow_name: Mapped[str] = mapped_column(String(200), default="")
    flow_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    flow_revision: Mapped[int] = mapped_column(Integer)
    document: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    trigger_node: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    dry_run: Mapped[bool] = mapped_column(default=False, server_default=false())
    replay_of: Mapped[str | None] = mapped_column(String(32), nullable=True)
    choices: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)


class Step(Base):
    """What one node did in one run: at most one row per (run, node); nodes never run twice."""

    __tablename__ = "steps"

    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    node_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    port: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    config: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    output: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    logs: Mapped[list[Any] | None] = mapped_column(nullable=True)
    wait: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
