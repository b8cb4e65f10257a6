"""ASGI middleware: the start-up token gate, the request body limit, and the site guard
(known Host names only, same-origin state changes, security headers)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

from starlette.datastructures import Headers, QueryParams
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "standoff_token"


class TokenGate:
    """Every request must carry the token: ``Authorization: Bearer TOKEN``, ``?token=TOKEN``,
    or the cookie set after a page was opened with ``?token=`` (so its links and scripts work).
    Anything else gets 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    def _ok(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(given.encode(), self.token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        auth = headers.get("authorization", "")
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        from_query = QueryParams(scope.get("query_string", b"")).get("token")
        cookie = _cookie(headers.get("cookie", ""))
        if self._ok(bearer) or self._ok(cookie):
            await self.app(scope, receive, send)
            return
        if not self._ok(from_query):
            await _unauthorised(scope)(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = f"{COOKIE}={quote(from_query or '', safe='')}; HttpOnly; SameSite=Strict; Path=/"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == COOKIE:
            return unquote(value)
    return None


def _unauthorised(scope: Scope) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="standoff"'}
    if scope.get("path", "").startswith("/api") or scope.get("path") == "/openapi.json":
        return JSONResponse({"detail": "a token is required: Authorization: Bearer TOKEN"}, 401, headers=headers)
    body = (
        "<!doctype html><title>Token required · Standoff</title>"
        "<body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
        "<h1>Token required</h1><p>This dashboard was started with a token. Open it as "
        "<code>http://HOST:PORT/?token=TOKEN</code>, or send <code>Authorization: Bearer TOKEN</code>.</p>"
    )
    return HTMLResponse(body, 401, headers=headers)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before any parsing."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        text = f"the request body is larger than the limit of {self.limit:,} bytes"
        await JSONResponse({"detail": text}, 413)(scope, receive, send)


#: Host names the dashboard answers to unless told otherwise: this machine's loopback names, and the
#: name Starlette's test client sends.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")
#: The one inline script of the pages (``base.html``), allowed by its hash.
INLINE_SCRIPTS = ("standoffDraw();",)
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _csp() -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in INLINE_SCRIPTS
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


SECURITY_HEADERS = [
    (b"content-security-policy", _csp().encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make browsers send "Origin: null"
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def _hostname(netloc: str) -> str:
    """The host name of ``host[:port]`` (IPv6 in brackets), lower case."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")] if "]" in netloc else netloc
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


class SiteGuard:
    """Answer only to known Host names (a page elsewhere cannot reach the dashboard through DNS
    rebinding), refuse state-changing requests from another origin (cross-site request forgery),
    and send security headers with every response.

    ``hosts``: the host names served (``"*"``: any, for a dashboard behind a token on every address).
    A state-changing request (POST, PUT, PATCH, DELETE) must come from the same origin: its ``Origin``
    header, which browsers send on such requests, must name the host it was sent to; without
    ``Origin`` (a command-line client), ``Sec-Fetch-Site`` must not say it is cross-site.
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = {_hostname(h) for h in hosts}
        self.any_host = "*" in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self.any_host and _hostname(host) not in self.hosts:
            text = (
                f"unknown Host {host[:100]!r}: this dashboard answers to {', '.join(sorted(self.hosts))}; "
                "open it by one of those names"
            )
            await self._refuse(scope, receive, send, 400, text)
            return
        if scope["method"] in _UNSAFE and not self._same_origin(headers, host):
            text = "cross-site request refused: state-changing requests must come from the dashboard's own pages"
            await self._refuse(scope, receive, send, 403, text)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)

    @staticmethod
    def _same_origin(headers: Headers, host: str) -> bool:
        origin = headers.get("origin")
        if origin is not None:
            parts = urlsplit(origin)
            return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()
        return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        response = JSONResponse({"detail": text}, status)
        response.headers.update({k.decode(): v.decode() for k, v in SECURITY_HEADERS})
        await response(scope, receive, send)


_TOKEN_IN_QUERY = re.compile(r"(?i)([?&]token=)[^&\s]*")


class RedactToken(logging.Filter):
    """Hide ``?token=`` values in log records (uvicorn's access log prints every request's path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_QUERY.sub(r"\1***", record.msg)
        return True
