"""ASGI middleware: the start-up token gate and the request body limit."""

from __future__ import annotations

import secrets
from urllib.parse import quote, unquote

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
