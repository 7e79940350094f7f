"""Outbound HTTP for flows: pooled sessions, timeouts, and a guard against metadata addresses."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

import requests

from mendflow.integrations.errors import IntegrationError

# Cloud metadata services and link-local ranges: a flow must not reach them unless allowed.
_BLOCKED_NETS = [ipaddress.ip_network(n) for n in (
    "169.254.0.0/16", "fe80::/10", "100.100.100.200/32", "fd00:ec2::254/128", "0.0.0.0/32")]
MAX_BODY = 1024 * 1024


def _is_blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in net for net in _BLOCKED_NETS)


class HttpClient:
    """Thread-safe HTTP with one keep-alive session per thread."""

    def __init__(self, *, allow_link_local: bool = False, user_agent: str = "mendflow") -> None:
        self.allow_link_local = allow_link_local
        self.user_agent = user_agent
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            # Without proxy variables, skip requests' per-call environment lookups (a third of its cost).
            session.trust_env = bool(getproxies()) or "REQUESTS_CA_BUNDLE" in os.environ
            self._local.session = session
        return session

    def check_url(self, url: str) -> None:
        """Refuse URLs that are not http(s) or that resolve to link-local or metadata addresses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IntegrationError(f"URL {url!r} must be http:// or https:// with a host", retryable=False)
        if self.allow_link_local:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise IntegrationError(f"cannot resolve {parts.hostname!r}: {exc.strerror}") from None
        for info in infos:
            if _is_blocked(str(info[4][0])):
                raise IntegrationError(
                    f"{parts.hostname} resolves to {info[4][0]}, a link-local or metadata address; "
                    "set MENDFLOW_HTTP_ALLOW_LINK_LOCAL=true to allow it", retryable=False)

    def request(self, method: str, url: str, *, timeout: float, headers: dict[str, str] | None = None,
                json_body: Any = None, data: str | bytes | None = None, verify: bool = True) -> requests.Response:
        """Send one request; connection errors and timeouts become a retryable IntegrationError."""
        self.check_url(url)
        try:
            response = self._session().request(method, url, headers=headers, json=json_body, data=data,
                                               timeout=timeout, verify=verify, stream=True, allow_redirects=False)
            response._content = response.raw.read(MAX_BODY + 1, decode_content=True)  # type: ignore[attr-defined]
            response.close()
        except requests.Timeout:
            raise IntegrationError(f"{method} {url} timed out after {timeout:.1f}s") from None
        except requests.RequestException as exc:
            raise IntegrationError(f"{method} {url} failed: {exc}") from None
        return response
