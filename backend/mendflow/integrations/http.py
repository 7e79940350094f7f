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
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest
from requests.structures import CaseInsensitiveDict
from requests.utils import default_headers, resolve_proxies

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
    """Thread-safe HTTP with one keep-alive connection pool per thread.

    Requests are prepared and sent by requests' own PreparedRequest and HTTPAdapter, without a
    `requests.Session`: a session's per-call environment lookups (proxies, netrc) and cookie jar
    cost more than the request itself. Proxy variables are still honoured (no_proxy included),
    and so is REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE for verification. Cookies are not kept between
    requests, and ~/.netrc is not read.
    """

    def __init__(self, *, allow_link_local: bool = False, user_agent: str = "mendflow") -> None:
        self.allow_link_local = allow_link_local
        self.user_agent = user_agent
        self._headers = default_headers()
        self._headers["User-Agent"] = user_agent
        self._local = threading.local()

    def _adapter(self) -> tuple[HTTPAdapter, bool]:
        """This thread's adapter (its connection pools), and whether proxy variables are set."""
        adapter = getattr(self._local, "adapter", None)
        if adapter is None:
            adapter = self._local.adapter = (HTTPAdapter(), bool(getproxies()))
        return adapter

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
        merged = CaseInsensitiveDict(self._headers)
        merged.update(headers or {})
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") if verify else None
        adapter, proxied = self._adapter()
        try:
            prepared = PreparedRequest()
            prepared.prepare(method=method.upper(), url=url, headers=merged, json=json_body, data=data)
            proxies = resolve_proxies(prepared, {}, True) if proxied else {}
            response = adapter.send(prepared, stream=True, timeout=timeout, verify=bundle or verify, proxies=proxies)
            response._content = response.raw.read(MAX_BODY + 1, decode_content=True)  # type: ignore[attr-defined]
            response.close()
        except requests.Timeout:
            raise IntegrationError(f"{method} {url} timed out after {timeout:.1f}s") from None
        except requests.RequestException as exc:
            raise IntegrationError(f"{method} {url} failed: {exc}") from None
        return response
