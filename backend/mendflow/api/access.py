"""Access to /api: who is calling (a bearer token or the session cookie) and the role each endpoint needs.

Every /api endpoint declares its minimum role with `@requires("editor")`, or says it is open with
`@open_access`; a test walks the URL map so a new endpoint cannot forget. At run time an endpoint
that declares nothing needs admin, so a forgotten declaration fails closed.

Cookie sessions are CSRF-prone, so a request that changes something and authenticates with the
cookie must carry `X-Requested-With: mendflow`, which a cross-site form cannot send. Bearer
tokens need no such header: browsers never attach them on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_smorest import Blueprint

from mendflow.api.body import error_response
from mendflow.auth import Identity, bearer_secret, check_role, identify, require_role
from mendflow.errors import UnauthorizedError

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "mendflow"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIGN_IN_NEEDED = "Sign in or send an API token (Authorization: Bearer ...)."
CSRF_REFUSED = (f"A request that changes something and signs in with the session cookie needs the header "
                f"{CSRF_HEADER}: {CSRF_VALUE} (CSRF protection); API clients send Authorization: Bearer <token>.")
SECURITY = [{"bearer": []}, {"session": []}]
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (mf_...), made with POST /api/tokens or `mendflow tokens create`."},
    "session": {"type": "apiKey", "in": "cookie", "name": "mendflow_session",
                "description": "The browser session from POST /api/auth/login; requests that change something "
                               f"also need the header {CSRF_HEADER}: {CSRF_VALUE}."},
}
# Endpoints flask-smorest and the API package register themselves, which cannot carry a decorator.
OPEN_ENDPOINTS = frozenset({"api-docs.openapi_json", "api_docs"})
OPEN = None
_UNDECLARED = object()


def requires(role: str) -> Callable[[F], F]:
    """Declare the minimum role of a view (or MethodView method); it shows in the OpenAPI document too."""
    check_role(role)

    def decorate(func: F) -> F:
        func = Blueprint.doc(security=SECURITY, **{"x-required-role": role})(func)
        func.required_role = role  # type: ignore[attr-defined]
        return func

    return decorate


def open_access(func: F) -> F:
    """Declare a view that needs no sign-in (health, the API document, signing in itself)."""
    func = Blueprint.doc(security=[])(func)
    func.required_role = OPEN  # type: ignore[attr-defined]
    return func


def declared_role(app: Flask, endpoint: str, method: str) -> Any:
    """The role an endpoint declares for `method`: a role name, OPEN (None), or `_UNDECLARED`."""
    if endpoint in OPEN_ENDPOINTS:
        return OPEN
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        name = "get" if method == "HEAD" and not hasattr(view_class, "head") else method.lower()
        view = getattr(view_class, name, None)
    return getattr(view, "required_role", _UNDECLARED)


def is_declared(app: Flask, endpoint: str, method: str) -> bool:
    return declared_role(app, endpoint, method) is not _UNDECLARED


def current_identity() -> Identity:
    """The caller of this request (set by `guard` before any /api view that needs one runs)."""
    identity = g.get("identity")
    if identity is None:
        raise UnauthorizedError(SIGN_IN_NEEDED)
    return identity


def guard() -> Response | None:
    """before_request for /api: find the caller, refuse without one, check CSRF and the endpoint's role."""
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return None
    minimum = _minimum_role()
    if minimum is OPEN:
        return None
    runtime = current_app.extensions["mendflow"]
    try:
        identity = identify(runtime.people, runtime.tokens, session=session,
                            token=bearer_secret(request.headers.get("Authorization")))
    except UnauthorizedError as exc:
        return _unauthorized(exc.message)
    if identity is None:
        session.pop("auth", None)
        return _unauthorized(SIGN_IN_NEEDED)
    if identity.via == "session" and request.method in UNSAFE_METHODS and not has_csrf_header():
        return error_response(403, CSRF_REFUSED)
    g.identity = identity
    require_role(identity, minimum, f"{request.method} {request.path}")
    return None


def has_csrf_header() -> bool:
    return request.headers.get(CSRF_HEADER, "").lower() == CSRF_VALUE


def _minimum_role() -> Any:
    endpoint = request.endpoint
    if endpoint is None or endpoint == "frontend":
        return "viewer"  # no such endpoint: a signed-in caller gets the 404 or 405
    role = declared_role(current_app, endpoint, request.method)
    if role is _UNDECLARED:
        log.warning("%s %s (endpoint %s) declares no role; only admins may call it", request.method, request.path,
                    endpoint)
        return "admin"
    return role


def _unauthorized(message: str) -> Response:
    response = error_response(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="mendflow"'
    return response
