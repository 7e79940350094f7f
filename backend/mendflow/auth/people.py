"""Users, their contact methods, teams and membership; password sign-in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from mendflow.auth.identity import Identity, identity_of
from mendflow.auth.roles import check_role
from mendflow.auth.validators import (
    check_contact,
    check_email,
    check_handle,
    check_name,
    check_password,
    check_time_zone,
)
from mendflow.db import Database
from mendflow.errors import ConflictError, InvalidError, NotFoundError, UnauthorizedError
from mendflow.models import ContactMethod, Team, TeamMember, User

SIGN_IN_REFUSED = "Wrong email or password."
USER_FIELDS = ("email", "name", "role", "time_zone", "active", "password")
TEAM_FIELDS = ("name", "description")
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("mendflow-no-such-user")


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the stored hash; a session remembers it, so changing the password ends old sessions."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def user_dict(user: User, contacts: Iterable[ContactMethod] = (), teams: Iterable[str] = ()) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "time_zone": user.time_zone,
            "active": user.active, "has_password": user.password_hash is not None,
            "created_at": user.created_at.isoformat(),
            "contact_methods": [contact_dict(c) for c in contacts], "teams": sorted(teams)}


def contact_dict(contact: ContactMethod) -> dict[str, Any]:
    return {"id": contact.id, "kind": contact.kind, "address": contact.address, "label": contact.label}


class People:
    """The directory of people: every read and write of users, contact methods and teams goes through here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # users

    def list_users(self, *, include_inactive: bool = True) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            query = select(User).order_by(User.id)
            if not include_inactive:
                query = query.where(User.active.is_(True))
            users = session.scalars(query).all()
            contacts = _contacts_by_user(session)
            teams = _teams_by_user(session)
            return [user_dict(u, contacts.get(u.id, ()), teams.get(u.id, ())) for u in users]

    def get_user(self, user_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            return self._user_detail(session, _user(session, user_id))

    def create_user(self, user_id: str, email: str, name: str, role: str, *, password: str | None = None,
                    time_zone: str = "UTC", active: bool = True,
                    contact_methods: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
        """Add a user; the id and the email must both be free (409 otherwise)."""
        user = User(id=check_handle(user_id), email=check_email(email), name=check_name(name),
                    role=check_role(role), time_zone=check_time_zone(time_zone), active=bool(active),
                    password_hash=None if password is None else generate_password_hash(check_password(password)))
        contacts = [_new_contact(user.id, c) for c in contact_methods]
        try:
            with self.db.session() as session:
                _refuse_taken(session, user.id, user.email)
                session.add(user)
                session.flush()
                session.add_all(contacts)
        except IntegrityError:
            raise ConflictError(f"a user with id {user.id!r} or email {user.email!r} already exists") from None
        return self.get_user(user.id)

    def update_user(self, user_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change any of email, name, role, time_zone, active, password; the last active admin stays one."""
        unknown = set(changes) - set(USER_FIELDS)
        if unknown:
            raise InvalidError(f"cannot change {', '.join(sorted(unknown))} of a user", field=sorted(unknown)[0])
        values = _checked_user_changes(changes)
        try:
            with self.db.session() as session:
                user = _user(session, user_id)
                if "email" in values and values["email"] != user.email:
                    _refuse_taken(session, None, values["email"])
                demoted = values.get("role", "admin") != "admin" or values.get("active", True) is False
                if user.role == "admin" and user.active and demoted:
                    _keep_an_admin(session, user.id)
                for key, value in values.items():
                    setattr(user, key, value)
        except IntegrityError:
            raise ConflictError(f"email {values.get('email')!r} belongs to another user") from None
        return self.get_user(user_id)

    def set_password(self, user_id: str, password: str) -> None:
        self.update_user(user_id, {"password": password})

    def deactivate(self, user_id: str) -> dict[str, Any]:
        """An inactive user cannot sign in and their tokens stop working; their history stays."""
        return self.update_user(user_id, {"active": False})

    def teams_of(self, user_id: str) -> list[str]:
        with self.db.sessions() as session:
            return sorted(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))

    # sign-in

    def sign_in(self, email: str, password: str) -> Identity:
        """The identity for an email and password; one message for every refusal, so it tells nobody who exists."""
        email = (email or "").strip().lower()
        with self.db.sessions() as session:
            user = session.scalar(select(User).where(User.email == email)) if email else None
        stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
        matches = check_password_hash(stored, password or "")
        if user is None or not user.password_hash or not matches or not user.active:
            raise UnauthorizedError(SIGN_IN_REFUSED)
        return identity_of(user, "session")

    def verify_password(self, user_id: str, password: str) -> bool:
        """Whether `password` is the user's current one (asked before they set a new one)."""
        with self.db.sessions() as session:
            user = session.get(User, user_id)
        stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
        return check_password_hash(stored, password or "") and user is not None and user.password_hash is not None

    def fingerprint(self, user_id: str) -> str:
        """The password fingerprint a session cookie carries (see `password_fingerprint`)."""
        with self.db.sessions() as session:
            return password_fingerprint(_user(session, user_id).password_hash)

    def session_identity(self, user_id: str, fingerprint: str) -> Identity | None:
        """The identity behind a session cookie, or None when the user is gone, inactive or changed password."""
        with self.db.sessions() as session:
            user = session.get(User, user_id)
        if user is None or not user.active or password_fingerprint(user.password_hash) != fingerprint:
            return None
        return identity_of(user, "session")

    def ensure_service_user(self, user_id: str, name: str, role: str) -> dict[str, Any]:
        """A built-in user without a password (it cannot sign in; only tokens made for it work)."""
        with self.db.sessions() as session:
            if session.get(User, user_id) is not None:
                return self.get_user(user_id)
        try:
            return self.create_user(user_id, f"{user_id}@mendflow.invalid", name, role)
        except ConflictError:
            return self.get_user(user_id)

    # contact methods

    def list_contacts(self, user_id: str) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            _user(session, user_id)
            rows = session.scalars(select(ContactMethod).where(ContactMethod.user_id == user_id)
                                   .order_by(ContactMethod.id)).all()
            return [contact_dict(c) for c in rows]

    def add_contact(self, user_id: str, kind: str, address: str, label: str | None = None) -> dict[str, Any]:
        contact = _new_contact(user_id, {"kind": kind, "address": address, "label": label})
        with self.db.session() as session:
            _user(session, user_id)
            session.add(contact)
            session.flush()
            return contact_dict(contact)

    def update_contact(self, user_id: str, contact_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self.db.session() as session:
            contact = _contact(session, user_id, contact_id)
            kind = changes.get("kind", contact.kind)
            address = changes.get("address", contact.address)
            contact.kind, contact.address = kind, check_contact(kind, address)
            if "label" in changes:
                contact.label = _label(changes["label"])
            return contact_dict(contact)

    def remove_contact(self, user_id: str, contact_id: int) -> None:
        with self.db.session() as session:
            session.delete(_contact(session, user_id, contact_id))

    # teams

    def list_teams(self) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            teams = session.scalars(select(Team).order_by(Team.id)).all()
            members = _members_by_team(session)
            return [_team_dict(t, members.get(t.id, [])) for t in teams]

    def get_team(self, team_id: str) -> dict[str, Any]:
        with self.db.sessions() as session:
            team = _team(session, team_id)
            return _team_dict(team, _members_by_team(session, team_id).get(team_id, []))

    def create_team(self, team_id: str, name: str, description: str = "",
                    members: Iterable[str] = ()) -> dict[str, Any]:
        team = Team(id=check_handle(team_id), name=check_name(name), description=_description(description))
        try:
            with self.db.session() as session:
                if session.get(Team, team.id) is not None:
                    raise ConflictError(f"a team with id {team.id!r} already exists", field="id")
                session.add(team)
                session.flush()
                for user_id in dict.fromkeys(members):
                    _user(session, user_id, "members", in_body=True)
                    session.add(TeamMember(team_id=team.id, user_id=user_id))
        except IntegrityError:
            raise ConflictError(f"a team with id {team.id!r} already exists", field="id") from None
        return self.get_team(team.id)

    def update_team(self, team_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(changes) - set(TEAM_FIELDS)
        if unknown:
            raise InvalidError(f"cannot change {', '.join(sorted(unknown))} of a team", field=sorted(unknown)[0])
        with self.db.session() as session:
            team = _team(session, team_id)
            if "name" in changes:
                team.name = check_name(changes["name"])
            if "description" in changes:
                team.description = _description(changes["description"])
        return self.get_team(team_id)

    def delete_team(self, team_id: str) -> None:
        with self.db.session() as session:
            session.delete(_team(session, team_id))

    def add_member(self, team_id: str, user_id: str) -> dict[str, Any]:
        """Put a user in a team (adding someone already in it changes nothing)."""
        with self.db.session() as session:
            _team(session, team_id)
            _user(session, user_id, in_body=True)
            if session.get(TeamMember, (team_id, user_id)) is None:
                session.add(TeamMember(team_id=team_id, user_id=user_id))
        return self.get_team(team_id)

    def remove_member(self, team_id: str, user_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            _team(session, team_id)
            member = session.get(TeamMember, (team_id, user_id))
            if member is None:
                raise NotFoundError(f"{user_id!r} is not a member of team {team_id!r}")
            session.delete(member)
        return self.get_team(team_id)

    def _user_detail(self, session: Session, user: User) -> dict[str, Any]:
        contacts = _contacts_by_user(session, user.id).get(user.id, ())
        teams = _teams_by_user(session, user.id).get(user.id, ())
        return user_dict(user, contacts, teams)


def _user(session: Session, user_id: str, field: str = "user_id", *, in_body: bool = False) -> User:
    """The user, or 404 (or 422 when the id came in a request body, where it is bad input)."""
    user = session.get(User, user_id)
    if user is None:
        raise (InvalidError if in_body else NotFoundError)(f"no user {user_id!r}", field=field)
    return user


def _team(session: Session, team_id: str) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFoundError(f"no team {team_id!r}")
    return team


def _contact(session: Session, user_id: str, contact_id: int) -> ContactMethod:
    contact = session.get(ContactMethod, contact_id)
    if contact is None or contact.user_id != user_id:
        raise NotFoundError(f"user {user_id!r} has no contact method {contact_id}")
    return contact


def _refuse_taken(session: Session, user_id: str | None, email: str) -> None:
    if user_id is not None and session.get(User, user_id) is not None:
        raise ConflictError(f"a user with id {user_id!r} already exists", field="id")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"a user with email {email!r} already exists", field="email")


def _keep_an_admin(session: Session, user_id: str) -> None:
    others = session.scalar(select(func.count()).select_from(User)
                            .where(User.role == "admin", User.active.is_(True), User.id != user_id))
    if not others:
        raise ConflictError(f"{user_id!r} is the last active admin; make someone else admin first")


def _checked_user_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    checks = {"email": check_email, "name": check_name, "role": check_role, "time_zone": check_time_zone}
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "password":
            values["password_hash"] = generate_password_hash(check_password(value))
        elif key == "active":
            if not isinstance(value, bool):
                raise InvalidError("active must be true or false", field="active")
            values["active"] = value
        else:
            values[key] = checks[key](value)
    return values


def _new_contact(user_id: str, data: Mapping[str, Any]) -> ContactMethod:
    kind = data.get("kind", "")
    return ContactMethod(user_id=user_id, kind=kind, address=check_contact(kind, data.get("address", "")),
                         label=_label(data.get("label")))


def _label(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return check_name(value, "label", 100)


def _description(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 10_000:
        raise InvalidError("description must be text of at most 10000 characters", field="description")
    return value


def _contacts_by_user(session: Session, user_id: str | None = None) -> dict[str, list[ContactMethod]]:
    query = select(ContactMethod).order_by(ContactMethod.id)
    if user_id is not None:
        query = query.where(ContactMethod.user_id == user_id)
    grouped: dict[str, list[ContactMethod]] = {}
    for contact in session.scalars(query):
        grouped.setdefault(contact.user_id, []).append(contact)
    return grouped


def _teams_by_user(session: Session, user_id: str | None = None) -> dict[str, list[str]]:
    query = select(TeamMember.user_id, TeamMember.team_id)
    if user_id is not None:
        query = query.where(TeamMember.user_id == user_id)
    grouped: dict[str, list[str]] = {}
    for member, team in session.execute(query):
        grouped.setdefault(member, []).append(team)
    return grouped


def _members_by_team(session: Session, team_id: str | None = None) -> dict[str, list[str]]:
    query = select(TeamMember.team_id, TeamMember.user_id).order_by(TeamMember.user_id)
    if team_id is not None:
        query = query.where(TeamMember.team_id == team_id)
    grouped: dict[str, list[str]] = {}
    for team, member in session.execute(query):
        grouped.setdefault(team, []).append(member)
    return grouped


def _team_dict(team: Team, members: list[str]) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "description": team.description, "members": members}

