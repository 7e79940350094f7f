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
@click.option("--hook", default=None, help="Send to this webhook token instead of /api/events.")
@click.option("--wait/--no-wait", default=False, help="Wait for the runs it started to finish.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait with --wait.")
def send_event(event: str, url: str, hook: str | None, wait: bool, timeout: float) -> None:
    """Send an event (JSON text, @file, or - for stdin) to a running server."""
    if event == "-":
        text = sys.stdin.read()
    elif event.startswith("@"):
        text = Path(event[1:]).read_text()
    else:
        text = event
    target = f"{url.rstrip('/')}/hooks/{hook}" if hook else f"{url.rstrip('/')}/api/events"
    try:
        response = requests.post(target, data=text.encode(), headers={"Content-Type": "application/json"}, timeout=30)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from None
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code >= 400:
        raise click.ClickException(f"{response.status_code}: {body.get('message') or response.text}")
    click.echo(json.dumps(body, indent=2))
    if wait:
        _wait_for_runs(url, body.get("runs", []), timeout)


def _wait_for_runs(url: str, run_ids: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = set(run_ids)
    failed = False
    while pending and time.monotonic() < deadline:
        for run_id in sorted(pending):
            run = requests.get(f"{url.rstrip('/')}/api/runs/{run_id}", timeout=10).json()
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
