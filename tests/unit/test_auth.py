"""People and tokens: validation rules, roles, password sign-in, token life (expiry, revocation, role caps)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mendflow.auth import (
    SIGN_IN_REFUSED,
    People,
    Tokens,
    check_user_edit,
    has_role,
    lower_role,
    password_fingerprint,
    require_role,
)
from mendflow.auth.identity import Identity
from mendflow.auth.validators import check_chat_handle, check_email, check_handle, check_time_zone, check_webhook_url
from mendflow.db import Database
from mendflow.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError, UnauthorizedError
from mendflow.models import ApiToken, User, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def people(db: Database) -> People:
    people = People(db)
    people.create_user("root", "root@example.com", "Root", "admin", password=PASSWORD)
    people.create_user("alice", "alice@example.com", "Alice", "editor", password=PASSWORD)
    return people


@pytest.fixture
def tokens(db: Database) -> Tokens:
    return Tokens(db)


# -- roles and rules -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "minimum", "allowed"), [
    ("viewer", "viewer", True), ("viewer", "responder", False), ("responder", "editor", False),
    ("editor", "editor", True), ("editor", "admin", False), ("admin", "viewer", True), ("bogus", "viewer", False),
])
def test_roles_are_ordered(role: str, minimum: str, allowed: bool) -> None:
    assert has_role(role, minimum) is allowed


def test_lower_role() -> None:
    assert lower_role("admin", "responder") == "responder"
    assert lower_role("viewer", "editor") == "viewer"


@pytest.mark.parametrize("handle", ["alice", "a", "bob.smith", "ops_1", "x-9", "0day"])
def test_good_handles(handle: str) -> None:
    assert check_handle(handle) == handle


@pytest.mark.parametrize("handle", ["", "Alice", "-bob", ".x", "a b", "a/b", "é", "a" * 65])
def test_bad_handles(handle: str) -> None:
    with pytest.raises(InvalidError, match="1-64 characters of a-z"):
        check_handle(handle)


def test_email_is_lowercased_and_checked() -> None:
    assert check_email(" Ann@Example.COM ") == "ann@example.com"
    for bad in ("ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@@example.com"):
        with pytest.raises(InvalidError, match="must be an email address"):
            check_email(bad)


def test_chat_handles() -> None:
    assert check_chat_handle("alice") == "@alice"
    assert check_chat_handle("@alice:matrix.org") == "@alice:matrix.org"
    for bad in ("", "@", "al ice", "#channel", "@alice:"):
        with pytest.raises(InvalidError, match="chat handle"):
            check_chat_handle(bad)


def test_webhook_urls() -> None:
    assert check_webhook_url("https://hooks.example.com/x?y=1") == "https://hooks.example.com/x?y=1"
    for bad in ("ftp://example.com", "hooks.example.com", "https://", "javascript:alert(1)", "http://" + "a" * 1000):
        with pytest.raises(InvalidError, match="http:// or https:// URL"):
            check_webhook_url(bad)


def test_time_zones() -> None:
    assert check_time_zone("Europe/Berlin") == "Europe/Berlin"
    for bad in ("Mars/Olympus", "", "../etc/passwd"):
        with pytest.raises(InvalidError, match="IANA time zone"):
            check_time_zone(bad)


# -- users ------------------------------------------------------------------------------------------------

def test_create_user_with_contacts(people: People) -> None:
    user = people.create_user("bob", "Bob@Example.com", "Bob", "responder", time_zone="Europe/Berlin",
                              contact_methods=[{"kind": "email", "address": "bob@example.com"},
                                               {"kind": "chat", "address": "bob", "label": "Slack"},
                                               {"kind": "webhook", "address": "https://pager.example.com/bob"}])
    assert user["email"] == "bob@example.com"
    assert [(c["kind"], c["address"], c["label"]) for c in user["contact_methods"]] == [
        ("email", "bob@example.com", None), ("chat", "@bob", "Slack"),
        ("webhook", "https://pager.example.com/bob", None)]
    assert user["has_password"] is False
    assert "password_hash" not in user


def test_duplicate_id_and_email_conflict(people: People) -> None:
    with pytest.raises(ConflictError, match="id 'alice' already exists"):
        people.create_user("alice", "other@example.com", "A", "viewer")
    with pytest.raises(ConflictError, match=r"email 'alice@example\.com' already exists"):
        people.create_user("alice2", "ALICE@example.com", "A", "viewer")


def test_bad_user_fields(people: People) -> None:
    with pytest.raises(InvalidError, match="role must be one of viewer, responder, editor, admin"):
        people.create_user("zed", "zed@example.com", "Zed", "owner")
    with pytest.raises(InvalidError, match="password must be 10 to 200 characters"):
        people.create_user("zed", "zed@example.com", "Zed", "viewer", password="short")
    with pytest.raises(InvalidError, match="cannot change id"):
        people.update_user("alice", {"id": "alicia"})
    with pytest.raises(NotFoundError, match="no user 'nobody'"):
        people.update_user("nobody", {"name": "X"})


def test_the_last_admin_stays(people: People) -> None:
    with pytest.raises(ConflictError, match="last active admin"):
        people.update_user("root", {"role": "editor"})
    with pytest.raises(ConflictError, match="last active admin"):
        people.deactivate("root")
    people.update_user("alice", {"role": "admin"})
    assert people.deactivate("root")["active"] is False


def test_contact_methods(people: People) -> None:
    added = people.add_contact("alice", "chat", "@alice:matrix.org", "Matrix")
    changed = people.update_contact("alice", added["id"], {"kind": "email", "address": "a@example.org"})
    assert changed == {"id": added["id"], "kind": "email", "address": "a@example.org", "label": "Matrix"}
    with pytest.raises(InvalidError, match="kind must be one of email, chat, webhook"):
        people.add_contact("alice", "pager", "123")
    with pytest.raises(NotFoundError, match="user 'root' has no contact method"):
        people.remove_contact("root", added["id"])
    people.remove_contact("alice", added["id"])
    assert people.list_contacts("alice") == []


def test_teams_and_members(people: People) -> None:
    team = people.create_team("storage", "Storage", "Disks and volumes", members=["alice", "alice"])
    assert team == {"id": "storage", "name": "Storage", "description": "Disks and volumes", "members": ["alice"]}
    assert people.add_member("storage", "root")["members"] == ["alice", "root"]
    assert people.add_member("storage", "root")["members"] == ["alice", "root"]
    assert people.teams_of("root") == ["storage"]
    assert people.get_user("root")["teams"] == ["storage"]
    with pytest.raises(ConflictError, match="team with id 'storage' already exists"):
        people.create_team("storage", "Again")
    with pytest.raises(InvalidError, match="no user 'ghost'"):
        people.add_member("storage", "ghost")
    assert people.remove_member("storage", "alice")["members"] == ["root"]
    with pytest.raises(NotFoundError, match="not a member"):
        people.remove_member("storage", "alice")
    people.delete_team("storage")
    assert people.teams_of("root") == []


# -- sign-in ----------------------------------------------------------------------------------------------

def test_sign_in(people: People) -> None:
    identity = people.sign_in(" Alice@Example.com", PASSWORD)
    assert (identity.user_id, identity.role, identity.via) == ("alice", "editor", "session")


@pytest.mark.parametrize(("email", "password"), [
    ("alice@example.com", "wrong password!"), ("nobody@example.com", PASSWORD), ("", ""), ("alice@example.com", ""),
])
def test_sign_in_refusals_all_read_the_same(people: People, email: str, password: str) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        people.sign_in(email, password)
    assert refused.value.message == SIGN_IN_REFUSED


def test_inactive_users_and_users_without_password_cannot_sign_in(people: People) -> None:
    people.create_user("svc", "svc@example.com", "Service", "viewer")
    people.update_user("alice", {"active": False})
    for email in ("svc@example.com", "alice@example.com"):
        with pytest.raises(UnauthorizedError, match=SIGN_IN_REFUSED):
            people.sign_in(email, PASSWORD)


def test_a_new_password_ends_sessions(people: People, db: Database) -> None:
    with db.sessions() as session:
        before = password_fingerprint(session.get(User, "alice").password_hash)
    assert people.session_identity("alice", before) is not None
    people.set_password("alice", "another good password")
    assert people.session_identity("alice", before) is None
    assert people.sign_in("alice@example.com", "another good password").user_id == "alice"
    assert people.verify_password("alice", "another good password")
    assert not people.verify_password("alice", PASSWORD)


# -- tokens -----------------------------------------------------------------------------------------------

def test_token_round_trip(people: People, tokens: Tokens, db: Database) -> None:
    info, secret = tokens.create("alice", "ci", "responder")
    assert secret.startswith(f"mf_{info['id']}_")
    assert info["role"] == "responder" and info["status"] == "active"
    identity = tokens.authenticate(secret)
    assert (identity.user_id, identity.role, identity.user_role, identity.via, identity.token_id) == (
        "alice", "responder", "editor", "token", info["id"])
    with db.sessions() as session:
        stored = session.get(ApiToken, info["id"])
        assert stored.token_hash != secret and secret not in stored.token_hash
        assert stored.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(people: People, tokens: Tokens, db: Database) -> None:
    info, secret = tokens.create("alice", "ci")
    tokens.authenticate(secret)
    first = tokens.get(info["id"])["last_used_at"]
    tokens.authenticate(secret)
    assert tokens.get(info["id"])["last_used_at"] == first
    with db.begin() as conn:
        conn.execute(update(ApiToken.__table__).values(last_used_at=utcnow() - timedelta(minutes=2)))
    tokens.authenticate(secret)
    assert tokens.get(info["id"])["last_used_at"] > first


def test_a_token_never_exceeds_its_user(people: People, tokens: Tokens) -> None:
    with pytest.raises(InvalidError, match="at most editor, not admin"):
        tokens.create("alice", "too much", "admin")
    info, secret = tokens.create("alice", "editor token")
    assert info["role"] == "editor"
    people.update_user("alice", {"role": "viewer"})
    assert tokens.authenticate(secret).role == "viewer"


@pytest.mark.parametrize("bad", ["", "Bearer", "mf_", "mf_x_y", "nonsense", "mf_" + "0" * 40 + "_x"])
def test_unknown_tokens_are_refused(people: People, tokens: Tokens, bad: str) -> None:
    with pytest.raises(UnauthorizedError, match="not valid"):
        tokens.authenticate(bad)


def test_a_wrong_secret_for_a_real_id_is_refused(people: People, tokens: Tokens) -> None:
    _, secret = tokens.create("alice", "ci")
    with pytest.raises(UnauthorizedError):
        tokens.authenticate(secret[:-2] + ("AA" if not secret.endswith("AA") else "BB"))


def test_expired_revoked_and_inactive(people: People, tokens: Tokens, db: Database) -> None:
    expiring, expiring_secret = tokens.create("alice", "short", expires_in=timedelta(minutes=10))
    assert tokens.authenticate(expiring_secret).user_id == "alice"
    with db.begin() as conn:
        conn.execute(update(ApiToken.__table__).where(ApiToken.__table__.c.id == expiring["id"])
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(UnauthorizedError):
        tokens.authenticate(expiring_secret)
    assert tokens.get(expiring["id"])["status"] == "expired"

    revoked, revoked_secret = tokens.create("alice", "to revoke")
    assert tokens.revoke(revoked["id"])["status"] == "revoked"
    with pytest.raises(UnauthorizedError):
        tokens.authenticate(revoked_secret)

    _, active_secret = tokens.create("alice", "user leaves")
    people.deactivate("alice")
    with pytest.raises(UnauthorizedError):
        tokens.authenticate(active_secret)
    with pytest.raises(ConflictError, match="inactive"):
        tokens.create("alice", "after")


def test_token_input(people: People, tokens: Tokens) -> None:
    with pytest.raises(InvalidError, match="expires_in must be a positive duration"):
        tokens.create("alice", "x", expires_in=timedelta(0))
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        tokens.create("ghost", "x")
    with pytest.raises(InvalidError, match="name must be 1 to 100 characters"):
        tokens.create("alice", " ")
    assert [t["name"] for t in tokens.list("alice")] == []


def test_tokens_are_listed_newest_first(people: People, tokens: Tokens, db: Database) -> None:
    tokens.create("alice", "one")
    tokens.create("root", "two")
    tokens.create("alice", "three")
    assert [t["name"] for t in tokens.list("alice")] == ["three", "one"]
    assert len(tokens.list()) == 3
    with db.sessions() as session:
        assert len(session.scalars(select(ApiToken)).all()) == 3


# -- policy -----------------------------------------------------------------------------------------------

def _who(user_id: str, role: str) -> Identity:
    return Identity(user_id=user_id, name=user_id, email=f"{user_id}@example.com", role=role, user_role=role,
                    via="session")


def test_require_role_names_both_roles() -> None:
    with pytest.raises(ForbiddenError, match="needs the editor role; you are signed in as vic with the viewer role"):
        require_role(_who("vic", "viewer"), "editor", "Saving a flow")
    require_role(_who("ed", "editor"), "responder")


def test_users_edit_themselves_within_limits() -> None:
    check_user_edit(_who("vic", "viewer"), "vic", ["name", "time_zone", "password"])
    check_user_edit(_who("root", "admin"), "vic", ["role", "active"])
    with pytest.raises(ForbiddenError, match="Changing your own role needs the admin role"):
        check_user_edit(_who("vic", "viewer"), "vic", ["role"])
    with pytest.raises(ForbiddenError, match="Changing another user needs the admin role"):
        check_user_edit(_who("ed", "editor"), "vic", ["name"])


def test_delete_expired_keeps_live_tokens(people: People, tokens: Tokens, db: Database) -> None:
    old, _ = tokens.create("alice", "old", expires_in=timedelta(minutes=10))
    live, _ = tokens.create("alice", "live", expires_in=timedelta(minutes=10))
    forever, _ = tokens.create("alice", "forever")
    others, _ = tokens.create("root", "root's", expires_in=timedelta(minutes=10))
    with db.begin() as conn:
        table = ApiToken.__table__
        conn.execute(update(table).where(table.c.id.in_([old["id"], others["id"]]))
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert tokens.delete_expired("alice") == 1
    assert {t["id"] for t in tokens.list()} == {live["id"], forever["id"], others["id"]}


def test_demo_people_are_seeded_once(people: People) -> None:
    from mendflow.auth.demo import seed_people

    created = seed_people(people, PASSWORD)
    assert "user vera (viewer)" in created and "team web" in created
    people.remove_member("web", "bob")
    assert seed_people(people, PASSWORD) == []
    assert people.get_team("web")["members"] == ["bob", "carol"]
    assert people.sign_in("dave@example.com", PASSWORD).role == "responder"
