"""Schedules, overrides and escalation policies as the API reads and writes them; shifts, on-call and iCal.

Bodies are validated by the on-call schemas (every problem at its field path) and against the
people directory (users and teams must exist). Nothing is half-saved: a refused body changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mendflow.db import Database
from mendflow.errors import ConflictError, InvalidError, NotFoundError
from mendflow.models import EscalationPolicy, Schedule, ScheduleOverride, Team, TeamMember, User, new_id, utcnow
from mendflow.oncall import OnCall, Shift, final_shifts, layer_shifts, on_call, shifts_to_ical
from mendflow.oncall.schemas import EscalationPolicySchema, OverrideSchema, ScheduleSchema
from mendflow.paging.convert import policy_from_row, schedule_from_row

ICAL_WEEKS = 8
MAX_WINDOW = timedelta(days=92)
_SCHEDULE = ScheduleSchema()
_POLICY = EscalationPolicySchema()
_OVERRIDE = OverrideSchema()


def shift_dict(shift: Shift) -> dict[str, Any]:
    return {"user": shift.user, "start": shift.start.isoformat(), "end": shift.end.isoformat(),
            "source": shift.source, "layer": shift.layer, "layer_name": shift.layer_name,
            "override_id": shift.override_id}


def oncall_dict(who: OnCall) -> dict[str, Any]:
    return {"user": who.user, "since": who.since.isoformat(), "until": who.until.isoformat(), "source": who.source,
            "layer": who.layer, "layer_name": who.layer_name, "override_id": who.override_id, "reason": who.reason}


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise InvalidError(f"The body must be a JSON object, not {type(body).__name__}.")
    return body


def _keep_id(payload: dict[str, Any], replace: str | None, what: str) -> dict[str, Any]:
    """On a PUT the path names the id; a body may repeat it but not change it."""
    if replace is not None:
        payload.setdefault("id", replace)
        if payload["id"] != replace:
            raise InvalidError(f"The id in the body differs from the one in the path; {what} keeps its id.",
                               field="id")
    return payload


def _load(schema: Any, body: Mapping[str, Any]) -> Any:
    try:
        return schema.load(dict(body))
    except ValidationError as exc:
        raise InvalidError(f"Invalid body: {_flatten(exc.messages)}", errors=exc.messages) from None


def _flatten(messages: Any, path: str = "") -> str:
    if isinstance(messages, dict):
        return "; ".join(_flatten(v, f"{path}.{k}" if path else str(k)) for k, v in messages.items())
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return f"{path}: {' '.join(messages)}"
    if isinstance(messages, list):
        return "; ".join(_flatten(m, path) for m in messages)
    return f"{path}: {messages}"


class OnCallStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- schedules ----------------------------------------------------------------------------------

    def schedules(self, team_id: str | None = None) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            query = select(Schedule).order_by(Schedule.name)
            if team_id:
                query = query.where(Schedule.team_id == team_id)
            return [self._schedule_dict(session, row) for row in session.scalars(query)]

    def schedule(self, schedule_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            return self._schedule_dict(session, self._schedule_row(session, schedule_id))

    def create_schedule(self, body: Mapping[str, Any], *, replace: str | None = None) -> dict[str, Any]:
        body = _object(body)
        payload = _keep_id({k: v for k, v in body.items() if k not in ("team_id", "description", "overrides")},
                           replace, "a schedule")
        loaded = _load(_SCHEDULE, payload)
        team_id = body.get("team_id") or None
        description = body.get("description") or ""
        if not isinstance(description, str):
            raise InvalidError("description must be text.", field="description")
        with self.db.session() as session:
            self._check_users(session, [u for layer in loaded.layers for u in layer.users], "layers")
            if team_id is not None:
                self._check_team(session, team_id)
            row = session.get(Schedule, loaded.id)
            if replace is None and row is not None:
                raise ConflictError(f"A schedule with id {loaded.id!r} exists; choose another id or PUT "
                                    f"/api/schedules/{loaded.id} to change it.", field="id")
            if replace is not None and row is None:
                raise NotFoundError(f"no schedule {replace!r}")
            if row is None:
                row = Schedule(id=loaded.id)
                session.add(row)
            row.name, row.time_zone, row.team_id, row.description = loaded.name, loaded.time_zone, team_id, description
            row.layers = _SCHEDULE.dump(loaded)["layers"]
            row.updated_at = utcnow()
            session.flush()
            return self._schedule_dict(session, row)

    def delete_schedule(self, schedule_id: str) -> None:
        with self.db.session() as session:
            session.delete(self._schedule_row(session, schedule_id))

    # -- overrides ----------------------------------------------------------------------------------

    def overrides(self, schedule_id: str) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            self._schedule_row(session, schedule_id)
            return [self._override_dict(o) for o in self._override_rows(session, schedule_id)]

    def add_override(self, schedule_id: str, body: Mapping[str, Any], *, actor: str) -> dict[str, Any]:
        body = _object(body)
        note = body.get("note") or ""
        loaded = _load(_OVERRIDE, {k: v for k, v in body.items() if k not in ("note", "id")})
        try:
            with self.db.session() as session:
                row = self._schedule_row(session, schedule_id)
                self._check_users(session, [loaded.user], "user")
                existing = self._override_rows(session, schedule_id)
                override = ScheduleOverride(id=new_id(), schedule_id=schedule_id, user_id=loaded.user,
                                            start=loaded.start, end=loaded.end, note=str(note), created_by=actor)
                for other in existing:  # the schedule's own check names both overrides and the overlap
                    if other.start < override.end and override.start < other.end:
                        raise ConflictError(
                            f"This override ({override.user_id}, {_fmt(override.start)} to {_fmt(override.end)}) "
                            f"overlaps override {other.id} ({other.user_id}, {_fmt(other.start)} to "
                            f"{_fmt(other.end)}); change or delete that one first.",
                            field="start", overlaps=other.id)
                schedule_from_row(row, [*existing, override])  # validates the combination
                session.add(override)
                session.flush()
                return self._override_dict(override)
        except IntegrityError:
            raise ConflictError("The schedule changed meanwhile; try again.") from None

    def delete_override(self, schedule_id: str, override_id: str) -> None:
        with self.db.session() as session:
            row = session.get(ScheduleOverride, override_id)
            if row is None or row.schedule_id != schedule_id:
                raise NotFoundError(f"no override {override_id!r} on schedule {schedule_id!r}")
            session.delete(row)

    # -- computed -----------------------------------------------------------------------------------

    def shifts(self, schedule_id: str, start: datetime, end: datetime) -> dict[str, Any]:
        _check_window(start, end)
        schedule = self._model(schedule_id)
        layers = [{"index": i, "name": layer.name, "time_zone": layer.time_zone,
                   "shifts": [shift_dict(s) for s in layer_shifts(layer, start, end, index=i)]}
                  for i, layer in enumerate(schedule.layers)]
        return {"schedule_id": schedule_id, "time_zone": schedule.time_zone, "start": start.isoformat(),
                "end": end.isoformat(), "layers": layers,
                "final": [shift_dict(s) for s in final_shifts(schedule, start, end)]}

    def on_call(self, at: datetime, *, schedule_id: str | None = None, team_id: str | None = None,
                user_id: str | None = None) -> list[dict[str, Any]]:
        """Who is on call at `at` on one schedule, on a team's schedules, or on every schedule."""
        with self.db.sessions() as session:
            if schedule_id:
                rows = [self._schedule_row(session, schedule_id)]
            else:
                query = select(Schedule).order_by(Schedule.name)
                if team_id:
                    self._check_team(session, team_id)
                    query = query.where(Schedule.team_id == team_id)
                rows = list(session.scalars(query))
            entries = []
            for row in rows:
                who = on_call(schedule_from_row(row, self._override_rows(session, row.id)), at)
                if who is None or (user_id and who.user != user_id):
                    continue
                entries.append({"schedule_id": row.id, "schedule_name": row.name, "team_id": row.team_id,
                                **oncall_dict(who)})
            if team_id and not rows:  # a team without schedules: its members are who gets paged
                members = session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id)
                                          .order_by(TeamMember.user_id)).all()
                entries = [{"schedule_id": None, "schedule_name": None, "team_id": team_id, "user": m,
                            "since": None, "until": None, "source": "team", "layer": None, "layer_name": None,
                            "override_id": None, "reason": f"member of team {team_id!r}, which has no schedule"}
                           for m in members]
            return entries

    def schedule_ical(self, schedule_id: str, now: datetime | None = None) -> str:
        now = now or utcnow()
        schedule = self._model(schedule_id)
        shifts = final_shifts(schedule, now - timedelta(days=7), now + timedelta(weeks=ICAL_WEEKS))
        return shifts_to_ical(f"{schedule.name} (mendflow on-call)", shifts, now=now)

    def user_ical(self, user_id: str, now: datetime | None = None) -> str:
        now = now or utcnow()
        with self.db.sessions() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError(f"no user {user_id!r}")
            rows = list(session.scalars(select(Schedule).order_by(Schedule.id)))
            models = [schedule_from_row(r, self._override_rows(session, r.id)) for r in rows]
        shifts = [s for m in models for s in final_shifts(m, now - timedelta(days=7), now + timedelta(weeks=ICAL_WEEKS))
                  if s.user == user_id]
        return shifts_to_ical(f"{user.name} on call (mendflow)", sorted(shifts, key=lambda s: s.start), now=now)

    # -- escalation policies ------------------------------------------------------------------------

    def policies(self) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            return [self._policy_dict(r) for r in session.scalars(select(EscalationPolicy)
                                                                    .order_by(EscalationPolicy.name))]

    def policy(self, policy_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            return self._policy_dict(self._policy_row(session, policy_id))

    def save_policy(self, body: Mapping[str, Any], *, replace: str | None = None) -> dict[str, Any]:
        body = _object(body)
        payload = _keep_id({k: v for k, v in body.items() if k not in ("team_id", "description")}, replace,
                           "a policy")
        loaded = _load(_POLICY, payload)
        team_id = body.get("team_id") or None
        with self.db.session() as session:
            for i, level in enumerate(loaded.levels):
                for j, target in enumerate(level.targets):
                    self._check_target(session, target.kind, target.id, f"levels.{i}.targets.{j}")
            if team_id is not None:
                self._check_team(session, team_id)
            row = session.get(EscalationPolicy, loaded.id)
            if replace is None and row is not None:
                raise ConflictError(f"An escalation policy with id {loaded.id!r} exists.", field="id")
            if replace is not None and row is None:
                raise NotFoundError(f"no escalation policy {replace!r}")
            if row is None:
                row = EscalationPolicy(id=loaded.id)
                session.add(row)
            row.name, row.team_id, row.repeat = loaded.name, team_id, loaded.repeat
            row.description = str(body.get("description") or "")
            row.levels = _POLICY.dump(loaded)["levels"]
            row.updated_at = utcnow()
            session.flush()
            return self._policy_dict(row)

    def delete_policy(self, policy_id: str) -> None:
        with self.db.session() as session:
            session.delete(self._policy_row(session, policy_id))

    # -- rows ---------------------------------------------------------------------------------------

    def _model(self, schedule_id: str) -> Any:
        with self.db.sessions() as session:
            row = self._schedule_row(session, schedule_id)
            return schedule_from_row(row, self._override_rows(session, schedule_id))

    @staticmethod
    def _schedule_row(session: Session, schedule_id: str) -> Schedule:
        row = session.get(Schedule, schedule_id)
        if row is None:
            raise NotFoundError(f"no schedule {schedule_id!r}")
        return row

    @staticmethod
    def _policy_row(session: Session, policy_id: str) -> EscalationPolicy:
        row = session.get(EscalationPolicy, policy_id)
        if row is None:
            raise NotFoundError(f"no escalation policy {policy_id!r}")
        return row

    @staticmethod
    def _override_rows(session: Session, schedule_id: str) -> list[ScheduleOverride]:
        return list(session.scalars(select(ScheduleOverride).where(ScheduleOverride.schedule_id == schedule_id)
                                    .order_by(ScheduleOverride.start)))

    @staticmethod
    def _check_users(session: Session, user_ids: list[str], field: str) -> None:
        known = set(session.scalars(select(User.id).where(User.id.in_(set(user_ids)))))
        unknown = sorted(set(user_ids) - known)
        if unknown:
            raise InvalidError(f"{field}: no such user: {', '.join(unknown)}", field=field)

    @staticmethod
    def _check_team(session: Session, team_id: str) -> None:
        if session.get(Team, team_id) is None:
            raise InvalidError(f"team_id: no team {team_id!r}", field="team_id")

    def _check_target(self, session: Session, kind: str, ident: str, field: str) -> None:
        model = {"user": User, "team": Team, "schedule": Schedule}[kind]
        if session.get(model, ident) is None:
            raise InvalidError(f"{field}: no {kind} {ident!r}", field=field)

    def _schedule_dict(self, session: Session, row: Schedule) -> dict[str, Any]:
        return {"id": row.id, "name": row.name, "description": row.description, "time_zone": row.time_zone,
                "team_id": row.team_id, "layers": row.layers,
                "overrides": [self._override_dict(o) for o in self._override_rows(session, row.id)],
                "updated_at": row.updated_at.isoformat()}

    @staticmethod
    def _override_dict(row: ScheduleOverride) -> dict[str, Any]:
        return {"id": row.id, "user": row.user_id, "start": row.start.isoformat(), "end": row.end.isoformat(),
                "note": row.note, "created_by": row.created_by}

    @staticmethod
    def _policy_dict(row: EscalationPolicy) -> dict[str, Any]:
        return {"id": row.id, "name": row.name, "description": row.description, "team_id": row.team_id,
                "repeat": row.repeat, "levels": row.levels, "updated_at": row.updated_at.isoformat()}


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidError("end must be after start.", field="end")
    if end - start > MAX_WINDOW:
        raise InvalidError(f"The window is at most {MAX_WINDOW.days} days.", field="end")


def _fmt(value: datetime) -> str:
    return value.isoformat(timespec="minutes")


__all__ = ["OnCallStore", "oncall_dict", "policy_from_row", "shift_dict"]
