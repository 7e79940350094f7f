"""The Flask app factory: reads as the table of contents of the web application."""

from __future__ import annotations

import atexit
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

from mendflow import __version__, live
from mendflow.api import register_api
from mendflow.config import PROJECT_ROOT, Settings
from mendflow.runtime import Runtime

FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"


def create_app(settings: Settings | None = None, *, start_engine: bool = True) -> Flask:
    """Build the app: runtime (database, engine), REST API, live events, and the canvas."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        API_TITLE="mendflow",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        SESSION_COOKIE_NAME="mendflow_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(days=7),
    )
    runtime = Runtime.build(settings)
    app.extensions["mendflow"] = runtime
    register_api(app)
    live.init_app(app, settings.socketio_queue, settings.socketio_channel)
    _serve_frontend(app, FRONTEND_DIST)
    if start_engine:
        runtime.start()
        atexit.register(runtime.close)
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["mendflow"]


def _serve_frontend(app: Flask, dist: Path) -> None:
    """The built canvas at /, with client-side routes falling back to index.html."""

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def frontend(path: str) -> Response:
        if path.startswith(("api/", "hooks/", "socket.io/")):
            abort(404)
        if not (dist / "index.html").is_file():
            return Response(_NOT_BUILT, mimetype="text/html")
        if path and (dist / path).is_file():
            return send_from_directory(dist, path, max_age=31536000 if path.startswith("assets/") else 0)
        return send_from_directory(dist, "index.html", max_age=0)


_NOT_BUILT = """<!doctype html><title>mendflow</title>
<h1>mendflow</h1><p>The canvas is not built. Run <code>make run</code>, which builds
<code>frontend/dist</code>, or use the API: <a href="/api/docs">/api/docs</a>.</p>"""
