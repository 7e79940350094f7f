"""The `mendflow` command: serve, validate, import, export, send-event, runs, db."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click
import requests

from mendflow.config import Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _flow_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.exists():
            files.append(path)
        else:
            raise click.BadParameter(f"{path} does not exist", param_hint="FILE")
    return files


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mendflow")
def main() -> None:
    """mendflow: low-code flows for self-healing operations."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--load-flows", "flows_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Create (and publish) the flows of this directory that do not exist yet.")
def serve(host: str, port: int, flows_dir: Path | None) -> None:
    """Serve the API, the canvas and live events (the engine runs in this process)."""
    import logging

    from mendflow.app import create_app, runtime_of
    from mendflow.live import socketio

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    if settings.public_url == "http://127.0.0.1:5000" and port != 5000:
        settings = settings.with_overrides(public_url=f"http://{host}:{port}")
    app = create_app(settings)
    if flows_dir is not None:
        _load_flows(runtime_of(app).library, _flow_files((str(flows_dir),)), publish=True, update=False)
    click.echo(f"mendflow serving on http://{host}:{port} (database {settings.database_url})")
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)


@main.command()
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check flow files; prints file:node: message per problem and exits 1 if any."""
    from mendflow.flowdoc import DocumentError, parse_flow_text, validate_flow
    from mendflow.nodes import default_registry

    registry = default_registry()
    failed = 0
    for path in _flow_files(files):
        try:
            problems = validate_flow(parse_flow_text(path.read_bytes()), registry.get)
        except DocumentError as exc:
            problems = exc.problems
        for problem in problems:
            where = problem.node_id or problem.edge_id or "-"
            click.echo(f"{path}:{where}: {problem.message}")
        failed += bool(problems)
    if failed:
        click.echo(f"{failed} file(s) with problems", err=True)
        sys.exit(1)


def _load_flows(library: Any, files: list[Path], *, publish: bool, update: bool = True) -> int:
    from mendflow.errors import MendflowError
    from mendflow.flowdoc import DocumentError, parse_flow_text

    errors = 0
    for path in files:
        try:
            detail, action = library.load(parse_flow_text(path.read_bytes()), publish=publish, update=update)
        except (DocumentError, MendflowError) as exc:
            errors += 1
            click.echo(f"{path}: {exc}", err=True)
            for problem in getattr(exc, "problems", None) or getattr(exc, "details", {}).get("problems", []):
                problem = problem if isinstance(problem, dict) else problem.to_dict()
                click.echo(f"{path}:{problem.get('node_id') or '-'}: {problem['message']}", err=True)
            continue
        state = f"published v{detail['published_version']}" if detail["published_version"] else "draft"
        note = "; exists, left as it is" if action == "kept" else ""
        click.echo(f"{path}: {action} {detail['id']} (revision {detail['revision']}, {state}{note})")
    return errors


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--publish", is_flag=True, help="Publish each valid flow after importing it.")
def import_(files: tuple[str, ...], publish: bool) -> None:
    """Create or update flows from files or directories of *.json."""
    from mendflow.runtime import Runtime

    runtime = Runtime.build(_settings())
    try:
        errors = _load_flows(runtime.library, _flow_files(files), publish=publish)
    finally:
        runtime.db.dispose()
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("flow_id")
@click.option("--version", "version", default="draft", show_default=True, help="draft or a version number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export(flow_id: str, version: str, output: Path | None) -> None:
    """Write a flow as canonical JSON (to stdout, or a file)."""
    from mendflow.errors import MendflowError
    from mendflow.runtime import Runtime

    runtime = Runtime.build(_settings())
    try:
        text = runtime.library.export(flow_id, None if version == "draft" else int(version))
    except MendflowError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        runtime.db.dispose()
    if output:
        output.write_text(text)
    else:
        click.echo(text, nl=False)


@main.command("send-event")
@click.argument("event", default="-")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, envvar="MENDFLOW_URL",
              help="The mendflow server.")
@click.option("--token", default=None, envvar="MENDFLOW_API_TOKEN",
              help="An API token with the responder role or above (also MENDFLOW_API_TOKEN).")
@click.option("--hook", default=None, help="Send to this webhook token instead of /api/events.")
@click.option("--wait/--no-wait", default=False, help="Wait for the runs it started to finish.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait with --wait.")
def send_event(event: str, url: str, token: str | None, hook: str | None, wait: bool, timeout: float) -> None:
    """Send an event (JSON text, @file, or - for stdin) to a running server.

    /api/events needs an API token. Without --token or MENDFLOW_API_TOKEN, and when the local
    instance database can be opened (the same MENDFLOW_* settings as `mendflow serve`), a token
    that expires after 10 minutes is made for the built-in user mendflow-cli (role responder).
    """
    if event == "-":
        text = sys.stdin.read()
    elif event.startswith("@"):
        text = Path(event[1:]).read_text()
    else:
        text = event
    minted = token is None and (not hook or wait)
    if minted:
        token = _local_token()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    target = f"{url.rstrip('/')}/hooks/{hook}" if hook else f"{url.rstrip('/')}/api/events"
    try:
        response = requests.post(target, data=text.encode(), headers=headers, timeout=30)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from None
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code >= 400:
        hint = ""
        if response.status_code == 401:
            hint = (" (the token made from the local database was not accepted by this server)" if minted and token
                    else " (pass --token or set MENDFLOW_API_TOKEN; `mendflow tokens create` makes one)")
        raise click.ClickException(f"{response.status_code}: {body.get('message') or response.text}{hint}")
    click.echo(json.dumps(body, indent=2))
    if wait:
        _wait_for_runs(url, body.get("runs", []), timeout, headers)


CLI_USER = "mendflow-cli"


def _local_token() -> str | None:
    """A 10-minute responder token of the built-in user mendflow-cli, made in the local instance database.

    None when that database does not exist (a SQLite file is never created here) or cannot be used.
    """
    from datetime import timedelta

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from mendflow.auth import People, Tokens, lower_role
    from mendflow.db import Database
    from mendflow.errors import MendflowError

    settings = _settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
        return None
    db = Database(settings.database_url)
    try:
        user = People(db).ensure_service_user(CLI_USER, "mendflow command line", "responder")
        tokens = Tokens(db)
        tokens.delete_expired(CLI_USER)
        _, secret = tokens.create(CLI_USER, "send-event", lower_role("responder", user["role"]),
                                  expires_in=timedelta(minutes=10))
        return secret
    except (SQLAlchemyError, MendflowError) as exc:
        click.echo(f"note: no token from the local database ({exc}); pass --token", err=True)
        return None
    finally:
        db.dispose()


def _wait_for_runs(url: str, run_ids: list[str], timeout: float, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + timeout
    pending = set(run_ids)
    failed = False
    while pending and time.monotonic() < deadline:
        for run_id in sorted(pending):
            run = requests.get(f"{url.rstrip('/')}/api/runs/{run_id}", headers=headers, timeout=10).json()
            if run["status"] in ("succeeded", "failed", "cancelled"):
                pending.discard(run_id)
                failed |= run["status"] != "succeeded"
                click.echo(f"run {run_id} {run['status']}" + (f": {run['error']}" if run.get("error") else ""))
        time.sleep(0.25)
    if pending:
        raise click.ClickException(f"still running after {timeout:g}s: {', '.join(sorted(pending))}")
    if failed:
        sys.exit(1)


@main.command()
@click.option("--flow", "flow_id", default=None)
@click.option("--status", multiple=True, type=click.Choice(["running", "waiting", "succeeded", "failed",
                                                             "cancelled"]))
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def runs(flow_id: str | None, status: tuple[str, ...], limit: int, as_json: bool) -> None:
    """List recent runs from the database."""
    from mendflow.db import Database
    from mendflow.engine.history import RunHistory

    db = Database(_settings().database_url)
    try:
        items, total = RunHistory(db).list(flow_id=flow_id, status=list(status) or None, limit=limit)
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps({"items": items, "total": total}, indent=2))
        return
    for run in items:
        duration = f"{run['duration_ms']} ms" if run["duration_ms"] is not None else "-"
        error = f"  {run['error']}" if run["error"] else ""
        click.echo(f"{run['id']}  {run['started_at'][:19]}  {run['status']:<9}  {duration:>9}  "
                   f"{run['flow_id']} v{run['flow_version'] or 'draft'}{error}")
    click.echo(f"{len(items)} of {total} run(s)", err=True)


@main.group()
def db() -> None:
    """Database migrations."""


@db.command()
def upgrade() -> None:
    """Apply every migration (creates the database if needed)."""
    from mendflow.migrations import upgrade as run_upgrade

    settings = _settings()
    run_upgrade(settings.database_url)
    click.echo(f"database at head: {settings.database_url}")


@db.command()
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from mendflow.migrations import make_revision

    make_revision(_settings().database_url, message)


# -- people --------------------------------------------------------------------------------------------------

def _directory(settings: Settings) -> tuple[Any, Any, Any]:
    """The database (migrated first), with the People and Tokens services on it."""
    from mendflow.auth import People, Tokens
    from mendflow.db import Database
    from mendflow.migrations import upgrade as run_upgrade

    if settings.migrate_on_start:
        run_upgrade(settings.database_url)
    db = Database(settings.database_url)
    return db, People(db), Tokens(db)


def _domain_call(call: Any) -> Any:
    from mendflow.errors import MendflowError

    try:
        return call()
    except MendflowError as exc:
        raise click.ClickException(exc.message) from None


_ROLE_CHOICE = click.Choice(["viewer", "responder", "editor", "admin"])
_ROLE_BRIEF = {"viewer": "reads everything", "responder": "answers alerts, sends events",
               "editor": "edits flows and schedules", "admin": "manages users, teams and tokens"}


@main.group()
def users() -> None:
    """Users who sign in: create, list, set-password."""


@users.command("create")
@click.argument("user_id")
@click.option("--email", required=True)
@click.option("--name", default=None, help="The display name; the id when left out.")
@click.option("--role", type=_ROLE_CHOICE, default="viewer", show_default=True)
@click.option("--password", default=None,
              help="At least 10 characters. Without one the user cannot sign in (API tokens only); "
                   "see `mendflow users set-password`.")
@click.option("--time-zone", default="UTC", show_default=True)
def users_create(user_id: str, email: str, name: str | None, role: str, password: str | None,
                 time_zone: str) -> None:
    """Add a user; USER_ID is their handle (a-z, 0-9, '.', '_', '-')."""
    db, people, _ = _directory(_settings())
    try:
        user = _domain_call(lambda: people.create_user(user_id, email, name or user_id, role, password=password,
                                                       time_zone=time_zone))
    finally:
        db.dispose()
    click.echo(f"created {user['id']} <{user['email']}> ({user['role']})")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    """Every user with role, state and teams."""
    db, people, _ = _directory(_settings())
    try:
        items = people.list_users()
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps({"items": items}, indent=2))
        return
    for user in items:
        state = "" if user["active"] else "  (inactive)"
        teams = f"  teams: {', '.join(user['teams'])}" if user["teams"] else ""
        click.echo(f"{user['id']:<16} {user['email']:<32} {user['role']:<10}{teams}{state}")


@users.command("set-password")
@click.argument("user_id")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters; asked for when left out.")
def users_set_password(user_id: str, password: str) -> None:
    """Set a user's password (their other browser sessions end)."""
    db, people, _ = _directory(_settings())
    try:
        _domain_call(lambda: people.set_password(user_id, password))
    finally:
        db.dispose()
    click.echo(f"password of {user_id} set")


@main.group()
def tokens() -> None:
    """API tokens (Authorization: Bearer ...): create, list, revoke."""


@tokens.command("create")
@click.option("--user", "user_id", required=True, help="Whose token.")
@click.option("--role", type=_ROLE_CHOICE, default=None, help="At most the user's role; theirs when left out.")
@click.option("--name", required=True, help="What the token is for, such as ci or grafana.")
@click.option("--expires-in", default=None, help="A duration such as 30d or 12h; never expires when left out.")
def tokens_create(user_id: str, role: str | None, name: str, expires_in: str | None) -> None:
    """Make a token and print its secret on stdout (shown this once; details go to stderr)."""
    from datetime import timedelta

    from mendflow.flowdoc import parse_duration

    try:
        lifetime = timedelta(seconds=parse_duration(expires_in)) if expires_in else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires-in") from None
    db, _, store = _directory(_settings())
    try:
        info, secret = _domain_call(lambda: store.create(user_id, name, role, expires_in=lifetime))
    finally:
        db.dispose()
    until = f", expires {info['expires_at']}" if info["expires_at"] else ""
    click.echo(f"token {info['id']} for {user_id} ({info['role']}{until})", err=True)
    click.echo(secret)


@tokens.command("list")
@click.option("--user", "user_id", default=None, help="Only this user's tokens.")
def tokens_list(user_id: str | None) -> None:
    """Tokens, newest first (never their secrets)."""
    db, _, store = _directory(_settings())
    try:
        items = store.list(user_id)
    finally:
        db.dispose()
    for token in items:
        click.echo(f"{token['id']}  {token['user_id']:<16} {token['role']:<10} {token['status']:<8} {token['name']}")


@tokens.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """Stop a token from working."""
    db, _, store = _directory(_settings())
    try:
        _domain_call(lambda: store.revoke(token_id))
    finally:
        db.dispose()
    click.echo(f"token {token_id} revoked")


@main.command("seed-demo")
def seed_demo() -> None:
    """Create the demo users, teams, schedules and escalation policy that are missing; print how to sign in."""
    from mendflow.auth.demo import DEMO_USERS, demo_password, seed_people
    from mendflow.paging.demo import seed_oncall_demo
    from mendflow.paging.store import OnCallStore

    settings = _settings()
    db, people, _ = _directory(settings)
    try:
        password = demo_password(settings.instance_dir)
        created = _domain_call(lambda: seed_people(people, password) + seed_oncall_demo(OnCallStore(db)))
        teams = {user["id"]: user["teams"] for user in people.list_users()}
    finally:
        db.dispose()
    click.echo(f"demo data: created {', '.join(created)}" if created else "demo data: already there")
    click.echo(f"Sign in at {settings.public_url} as one of:")
    for user in DEMO_USERS:
        team_note = f"; teams {', '.join(teams.get(user.id, []))}" if teams.get(user.id) else ""
        click.echo(f"  {user.email:<20} password {password}   ({user.role}: {_ROLE_BRIEF[user.role]}{team_note})")
