"""Where the hall reaches the page: the base of every link and QR code the page hands out.

A laptop serving on 127.0.0.1 is reachable by no phone, and the page's own address shows
whatever the lecturer typed. The base is ``PUBLIC_URL`` when set (by a deployment, or by
``loss-playground serve --public-url`` / ``--lan``), else the address the request came to,
with a warning beside the QR code when that address is a loopback one.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

ENV = "PUBLIC_URL"
ANY_HOSTS = frozenset({"0.0.0.0", "::", ""})  # a bind on every interface
LOOPBACK_WARNING = (
    "This link points to this computer only (a loopback address): no phone in the room can open it. "
    "Serve with `loss-playground serve --lan` (or set PUBLIC_URL) to give the hall an address it can reach."
)
# connecting a UDP socket sends nothing: it only asks the kernel which interface would route there
_ROUTE_PROBE = ("10.254.254.254", 1)


def normalise(url: str) -> str:
    """``url`` as a link base (``scheme://host[:port]/path/``); ValueError saying why not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"a public URL is http(s)://host[:port][/path], not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"a public URL has no query or fragment: {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this computer only (localhost, 127.x.x.x, ::1)."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on its local network (the interface of its default route),
    found without sending anything; None when there is none but a loopback one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(_ROUTE_PROBE)
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if is_loopback(address) or address == "0.0.0.0" else address


def served_base(public_url: str | None, host: str, port: int, lan: str | None) -> str | None:
    """The link base a server bound to ``host:port`` hands out: the public URL when given,
    else the LAN address when it listens on every interface; None: the request's own."""
    if public_url:
        return normalise(public_url)
    if host in ANY_HOSTS and lan:
        return f"http://{lan}:{port}/"
    return None


def base(host_url: str) -> tuple[str, str | None]:
    """The base of the links a request hands out, and the warning to show beside its QR code."""
    configured = os.environ.get(ENV, "").strip()
    try:
        url = normalise(configured) if configured else host_url
    except ValueError:
        url = host_url  # a malformed setting is refused where it is set (serve); never a broken link
    return url, LOOPBACK_WARNING if is_loopback(urlsplit(url).hostname) else None
