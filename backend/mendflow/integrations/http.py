"""Outbound HTTP for flows: keep-alive pools per thread, timeouts, and a guard against metadata addresses."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit
from urllib.request import getproxies, proxy_bypass_environment

import certifi
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError

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


def _literal_address(host: str) -> str | None:
    """`host` if it is an IP address written out (no lookup needed), else None."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


@dataclass
class HttpResponse:
    """What a server answered: status, headers (case-insensitive), and the body (at most MAX_BODY bytes)."""

    status_code: int
    reason: str
    headers: urllib3.HTTPHeaderDict
    content: bytes
    url: str

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def text(self) -> str:
        """The body decoded with the charset the server named, else UTF-8; undecodable bytes are replaced."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class HttpClient:
    """Thread-safe HTTP on urllib3, with keep-alive connection pools per thread.

    Redirects are not followed and cookies are not kept. Proxy variables (HTTP_PROXY,
    HTTPS_PROXY, NO_PROXY, read when a thread first sends) are honoured, and so is
    REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE for verification (else certifi's bundle). Going through
    urllib3 directly, without requests, costs under half the CPU per request, which matters to a
    flow engine calling out on every run.
    """

    def __init__(self, *, allow_link_local: bool = False, user_agent: str = "mendflow") -> None:
        self.allow_link_local = allow_link_local
        self.user_agent = user_agent
        self._local = threading.local()

    def _pools(self, parts: SplitResult, verify: bool) -> urllib3.PoolManager:
        """This thread's pool manager for the URL `parts`: direct or through the proxy the environment names."""
        local = self._local
        if not hasattr(local, "managers"):
            local.managers, local.proxies = {}, getproxies()
        proxy = local.proxies.get(parts.scheme) or local.proxies.get("all")
        if proxy and proxy_bypass_environment(parts.hostname or "", local.proxies):
            proxy = None
        key = (proxy, verify)
        manager = local.managers.get(key)
        if manager is None:
            tls: dict[str, Any] = {"cert_reqs": "CERT_REQUIRED", "ca_certs": (
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where())} \
                if verify else {"cert_reqs": "CERT_NONE"}
            manager = local.managers[key] = (
                urllib3.ProxyManager(proxy, num_pools=20, **tls) if proxy else urllib3.PoolManager(num_pools=20, **tls))
        return manager

    def check_url(self, url: str) -> SplitResult:
        """`url` split, or refused when not http(s) or when it resolves to a link-local or metadata address."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IntegrationError(f"URL {url!r} must be http:// or https:// with a host", retryable=False)
        if self.allow_link_local:
            return parts
        literal = _literal_address(parts.hostname)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
            except socket.gaierror as exc:
                raise IntegrationError(f"cannot resolve {parts.hostname!r}: {exc.strerror}") from None
            addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if _is_blocked(address):
                raise IntegrationError(
                    f"{parts.hostname} resolves to {address}, a link-local or metadata address; "
                    "set MENDFLOW_HTTP_ALLOW_LINK_LOCAL=true to allow it", retryable=False)
        return parts

    def request(self, method: str, url: str, *, timeout: float, headers: dict[str, str] | None = None,
                json_body: Any = None, data: str | bytes | None = None, verify: bool = True) -> HttpResponse:
        """Send one request; connection errors and timeouts become a retryable IntegrationError.

        A body longer than MAX_BODY is cut there (and its connection closed, not reused).
        """
        parts = self.check_url(url)
        method = method.upper()
        merged = urllib3.HTTPHeaderDict({"User-Agent": self.user_agent, "Accept": "*/*",
                                         "Accept-Encoding": "gzip, deflate"})
        for name, value in (headers or {}).items():
            merged[name] = value
        try:
            body: bytes | None = None
            if json_body is not None:
                body = json.dumps(json_body, allow_nan=False).encode()
                merged.setdefault("Content-Type", "application/json")
            elif data is not None:
                body = data.encode() if isinstance(data, str) else data
            manager = self._pools(parts, verify)
            raw = manager.urlopen(method, url, body=body, headers=merged, redirect=False, retries=False,
                                  timeout=urllib3.Timeout(connect=timeout, read=timeout), preload_content=False)
            try:
                content = raw.read(MAX_BODY + 1, decode_content=True)
                if len(content) > MAX_BODY:
                    content = content[:MAX_BODY]
                    raw.close()  # the rest is unread: this connection cannot carry another request
            finally:
                raw.release_conn()
        except NewConnectionError as exc:  # urllib3 files it under timeouts; it is a refusal or an unreachable host
            raise IntegrationError(f"{method} {url} failed: {exc}") from None
        except TimeoutError:
            raise IntegrationError(f"{method} {url} timed out after {timeout:.1f}s") from None
        except (HTTPError, OSError) as exc:
            raise IntegrationError(f"{method} {url} failed: {exc}") from None
        except ValueError as exc:  # a header or body that cannot be sent (NaN in JSON, a bad header value)
            raise IntegrationError(f"{method} {url} cannot be sent: {exc}", retryable=False) from None
        return HttpResponse(raw.status, raw.reason or "", raw.headers, content, url)
