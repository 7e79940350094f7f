"""Who to page: recipient references (user:, team:, schedule:, policy:) resolved to people, with the reason.

Resolution happens when an alert is sent, and again at each escalation step, so a page always goes
to whoever is on call at that moment. Every resolved person carries the reason they were chosen
(the schedule layer or override, the team membership, the escalation level); /api/alerts/<id>/explain
shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mendflow.db import Database
from mendflow.models import EscalationPolicy, Schedule, ScheduleOverride, Team, TeamMember, User
from mendflow.oncall import EscalationPolicy as PolicyModel
from mendflow.oncall import OnCall, escalation_plan, on_call
from mendflow.oncall import Schedule as ScheduleModel
from mendflow.paging.convert import policy_from_row, schedule_from_row

REF_KINDS = ("user", "team", "schedule", "policy")


class DirectoryError(LookupError):
    """A reference names nothing mendflow knows (an unknown user, team, schedule or policy)."""


@dataclass(frozen=True)
class Recipient:
    """One person to notify, and why them."""

    user_id: str
    name: str
    via: str
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanStep:
    """One moment of a page: the references to resolve then, and the escalation level it belongs to."""

    at: datetime
    refs: tuple[str, ...]
    level: int | None = None
    round: int | None = None
    policy: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "refs": list(self.refs), "level": self.level, "round": self.round,
                "policy": self.policy}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanStep:
        return cls(datetime.fromisoformat(data["at"]), tuple(data["refs"]), data.get("level"), data.get("round"),
                   data.get("policy"))


def split_ref(ref: str) -> tuple[str, str]:
    """'team:storage' -> ('team', 'storage'); a bare name is a user."""
    kind, sep, ident = ref.strip().partition(":")
    if not sep:
        return "user", kind
    if kind not in REF_KINDS or not ident:
        raise DirectoryError(f"{ref!r} is not a recipient; use user:<id>, team:<id>, schedule:<id> or policy:<id>")
    return kind, ident


class Directory:
    """Reads people, teams, schedules and escalation policies from the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- lookups ------------------------------------------------------------------------------------

    def schedule(self, schedule_id: str) -> ScheduleModel:
        with self.db.sessions() as session:
            return self._schedule(session, schedule_id)

    def policy(self, policy_id: str) -> PolicyModel:
        with self.db.sessions() as session:
            row = session.get(EscalationPolicy, policy_id)
            if row is None:
                raise DirectoryError(f"no escalation policy {policy_id!r}")
            return policy_from_row(row)

    def who_is_on_call(self, schedule_id: str, at: datetime) -> OnCall | None:
        return on_call(self.schedule(schedule_id), at)

    def team_schedules(self, team_id: str) -> list[str]:
        with self.db.sessions() as session:
            return list(session.scalars(select(Schedule.id).where(Schedule.team_id == team_id).order_by(Schedule.id)))

    # -- planning and resolving ---------------------------------------------------------------------

    def plan(self, refs: list[str], started_at: datetime) -> list[PlanStep]:
        """Every notification moment of a page: direct references now, escalation policies level by level."""
        direct: list[str] = []
        steps: list[PlanStep] = []
        with self.db.sessions() as session:
            for ref in refs:
                kind, ident = split_ref(ref)
                policy_id = ident if kind == "policy" else self._team_policy(session, ident) if kind == "team" else None
                if policy_id is None:
                    self._check_exists(session, kind, ident)
                    direct.append(ref)
                    continue
                row = session.get(EscalationPolicy, policy_id)
                if row is None:
                    raise DirectoryError(f"no escalation policy {policy_id!r}")
                for step in escalation_plan(policy_from_row(row), started_at):
                    steps.append(PlanStep(step.at, tuple(f"{t.kind}:{t.id}" for t in step.targets), step.level,
                                          step.round, policy_id))
        if direct:
            steps.insert(0, PlanStep(started_at, tuple(direct)))
        return sorted(steps, key=lambda s: (s.at, s.level is not None, s.level or 0))

    def resolve(self, refs: tuple[str, ...] | list[str], at: datetime) -> tuple[list[Recipient], list[str]]:
        """The people `refs` name at `at` (first reason wins for a person named twice), and the problems."""
        found: dict[str, Recipient] = {}
        problems: list[str] = []
        with self.db.sessions() as session:
            for ref in refs:
                try:
                    for recipient in self._resolve_one(session, ref, at):
                        found.setdefault(recipient.user_id, recipient)
                except DirectoryError as exc:
                    problems.append(str(exc))
        return list(found.values()), problems

    def _resolve_one(self, session: Session, ref: str, at: datetime) -> list[Recipient]:
        kind, ident = split_ref(ref)
        if kind == "user":
            user = self._user(session, ident)
            return [Recipient(user.id, user.name, ref, "named in the alert")]
        if kind == "schedule":
            return self._on_call(session, ident, at, ref)
        if kind == "team":
            team = session.get(Team, ident)
            if team is None:
                raise DirectoryError(f"no team {ident!r}")
            schedule_ids = list(session.scalars(select(Schedule.id).where(Schedule.team_id == ident)
                                                .order_by(Schedule.id)))
            people: list[Recipient] = []
            for schedule_id in schedule_ids:
                people += self._on_call(session, schedule_id, at, ref, quiet=True)
            if people:
                return people
            members = session.scalars(select(User).join(TeamMember, TeamMember.user_id == User.id)
                                      .where(TeamMember.team_id == ident, User.active.is_(True))
                                      .order_by(User.id)).all()
            if not members:
                raise DirectoryError(f"team {ident!r} has nobody on call and no active members")
            why = (f"member of team {team.name!r} (nobody on call on its schedules)" if schedule_ids
                   else f"member of team {team.name!r}, which has no schedule")
            return [Recipient(u.id, u.name, ref, why, {"team": ident}) for u in members]
        raise DirectoryError(f"{ref!r} is an escalation policy; it is paged level by level")

    def _on_call(self, session: Session, schedule_id: str, at: datetime, via: str,
                 quiet: bool = False) -> list[Recipient]:
        who = on_call(self._schedule(session, schedule_id), at)
        if who is None:
            if quiet:
                return []
            raise DirectoryError(f"nobody is on call on schedule {schedule_id!r} at {at.isoformat(timespec='minutes')}")
        user = session.get(User, who.user)
        if user is None or not user.active:
            raise DirectoryError(f"schedule {schedule_id!r} has {who.user!r} on call, who is not an active user")
        detail = {"schedule": schedule_id, "source": who.source, "layer": who.layer, "layer_name": who.layer_name,
                  "override_id": who.override_id, "since": who.since.isoformat(), "until": who.until.isoformat()}
        return [Recipient(user.id, user.name, via, f"on call on schedule {schedule_id!r}: {who.reason}", detail)]

    # -- rows ---------------------------------------------------------------------------------------

    @staticmethod
    def _schedule(session: Session, schedule_id: str) -> ScheduleModel:
        row = session.get(Schedule, schedule_id)
        if row is None:
            raise DirectoryError(f"no schedule {schedule_id!r}")
        overrides = session.scalars(select(ScheduleOverride).where(ScheduleOverride.schedule_id == schedule_id)
                                    .order_by(ScheduleOverride.start)).all()
        return schedule_from_row(row, overrides)

    @staticmethod
    def _user(session: Session, user_id: str) -> User:
        user = session.get(User, user_id)
        if user is None:
            raise DirectoryError(f"no user {user_id!r}")
        if not user.active:
            raise DirectoryError(f"user {user_id!r} is deactivated")
        return user

    @staticmethod
    def _team_policy(session: Session, team_id: str) -> str | None:
        if session.get(Team, team_id) is None:
            raise DirectoryError(f"no team {team_id!r}")
        return session.scalar(select(EscalationPolicy.id).where(EscalationPolicy.team_id == team_id)
                              .order_by(EscalationPolicy.id).limit(1))

    def _check_exists(self, session: Session, kind: str, ident: str) -> None:
        if kind == "user":
            self._user(session, ident)
        elif kind == "schedule" and session.get(Schedule, ident) is None:
            raise DirectoryError(f"no schedule {ident!r}")
