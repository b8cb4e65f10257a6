"""The dashboard and JSON API (FastAPI): :func:`standoff.web.app.create_app` and :func:`serve`.

Importing this package does not import FastAPI; the HTML report
(:mod:`standoff.web.report`) shares its templates without needing a web server.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    *,
    scenarios: Sequence[str | Path] | None = None,
) -> None:
    """Run the dashboard with uvicorn until interrupted.

    Raises:
        ValueError: ``host`` is not a loopback address and no token was given
            (anyone who can reach the port could use the dashboard).
    """
    if not token and not is_loopback(host):
        raise ValueError(
            f"refusing to listen on {host!r} without a token: other machines could reach the dashboard. "
            "Give a token (every request must then carry it as 'Authorization: Bearer TOKEN' or '?token=TOKEN'), "
            "or listen on 127.0.0.1."
        )
    import logging

    import uvicorn

    from standoff.web.app import create_app
    from standoff.web.security import RedactToken

    logging.getLogger("uvicorn.access").addFilter(RedactToken())
    # the address listened on is a name the dashboard answers to; on every address (behind a token), any name
    hosts = ["*"] if host in ("0.0.0.0", "::", "") else [host]
    uvicorn.run(create_app(token, scenarios=scenarios, hosts=hosts), host=host, port=port, log_level="info")
