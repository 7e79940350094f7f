"""Demo people for `mendflow seed-demo`: six users (every role; everyone on a demo schedule can answer) and three teams.

Idempotent: users and teams that exist are left as they are, missing members are added. The
demo password is made once per installation and kept in the instance directory (like the
secret key), so a demo instance never signs in with a password printed in a public README.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from mendflow.auth.people import People
from mendflow.errors import NotFoundError


@dataclass(frozen=True)
class DemoUser:
    id: str
    name: str
    role: str
    chat: str
    time_zone: str

    @property
    def email(self) -> str:
        return f"{self.id}@example.com"


DEMO_USERS = (
    DemoUser("admin", "Ada Admin", "admin", "@admin", "UTC"),
    DemoUser("alice", "Alice Editor", "editor", "@alice", "Europe/Berlin"),
    DemoUser("bob", "Bob Responder", "responder", "@bob", "Europe/Berlin"),
    DemoUser("carol", "Carol Responder", "responder", "@carol", "America/New_York"),
    DemoUser("dave", "Dave Responder", "responder", "@dave", "Europe/London"),
    DemoUser("vera", "Vera Viewer", "viewer", "@vera", "Europe/Paris"),
)
DEMO_TEAMS = (
    ("storage", "Storage", "Disks, volumes and backups.", ("alice", "bob")),
    ("platform", "Platform", "Hosts, processes and the runtime.", ("carol", "dave")),
    ("web", "Web", "The shop front and its blue/green deployments.", ("bob", "carol")),
)


def demo_password(instance_dir: Path) -> str:
    """The installation's demo password: made on first use, kept in <instance>/demo_password (mode 0600)."""
    path = instance_dir / "demo_password"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance_dir.mkdir(parents=True, exist_ok=True)
        password = f"demo-{secrets.token_urlsafe(9)}"
        path.write_text(password)
        path.chmod(0o600)
        return password


def seed_people(people: People, password: str) -> list[str]:
    """Create the demo users and teams that are missing; returns one line per thing created."""
    created = []
    for user in DEMO_USERS:
        try:
            people.get_user(user.id)
        except NotFoundError:
            people.create_user(user.id, user.email, user.name, user.role, password=password,
                               time_zone=user.time_zone,
                               contact_methods=[{"kind": "email", "address": user.email},
                                                {"kind": "chat", "address": user.chat, "label": "Chat"}])
            created.append(f"user {user.id} ({user.role})")
    for team_id, name, description, members in DEMO_TEAMS:
        try:
            existing = set(people.get_team(team_id)["members"])
        except NotFoundError:
            people.create_team(team_id, name, description)
            created.append(f"team {team_id}")
            existing = set()
        for member in members:
            if member not in existing:
                people.add_member(team_id, member)
    return created
