"""Which URLs we POST to: SSRF protection, applied at registration and again at delivery.

A webhook URL is chosen by a customer, so it must never reach our own network. Registration
checks the syntax and, when the host is an address or already resolves, its addresses; a name
that does not resolve yet (the docs' own `https://your-app.com/...` example, a host not live
yet) is accepted, and its deliveries fail until it resolves. At delivery the host is resolved
and *every* address must be public (no loopback, private, link-local such as
169.254.169.254, multicast, reserved or unspecified addresses). Delivery resolves again and
connects to the address it checked, so DNS rebinding between check and connect cannot work.
The local stage additionally accepts the exact loopback hosts (127.0.0.1, localhost, [::1]) so
developers can receive on their machine, but never on the local stack's own ports (its API and
its AWS endpoint: one POST to moto's /moto-api/reset would wipe every local resource).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from ...models.webhooks import URL_PATTERN

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})  # docs/webhooks.md
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """The URL may not be called; the message is safe to show to the customer."""


class UrlUnresolved(UrlRefused):
    """The host does not resolve (now): refused at delivery, accepted at registration."""


@dataclass(frozen=True)
class Target:
    """Where a delivery connects: a checked IP address, and the name for TLS and `Host`."""
    scheme: str
    host: str
    port: int
    address: str
    path: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address, looking through IPv6 wrappings of IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified)


class UrlGuard:
    def __init__(self, *, allow_loopback: bool, own_ports: frozenset[int] = frozenset()) -> None:
        """`allow_loopback`: the local stage; `own_ports`: loopback ports never called there."""
        self._allow_loopback, self._own_ports = allow_loopback, own_ports

    def parse(self, url: str) -> SplitResult:
        """Refuse what is not an absolute http(s) URL we are willing to call."""
        invalid = UrlRefused("The 'url' field must be an absolute URL, such as "
                             "https://example.com/webhooks.")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            raise invalid from None
        if parts.hostname and not parts.hostname.isascii():
            raise UrlRefused("The 'url' host must be ASCII: write an internationalized domain "
                             "name in its xn-- form (for example xn--bcher-kva.example).")
        if parts.scheme not in ("http", "https") or not parts.hostname or any(
                c.isspace() or c in CONTROL for c in url) or not _valid_host(parts.hostname):
            raise invalid
        if parts.username is not None or parts.password is not None:
            raise UrlRefused("The 'url' field must not contain a user name or password.")
        if parts.fragment:
            raise UrlRefused("The 'url' field must not contain a fragment ('#...').")
        if not SYNTAX.match(url):  # the rest of what the document's pattern says
            raise invalid
        loopback = self._allow_loopback and parts.hostname in LOOPBACK_HOSTS
        if parts.scheme != "https" and not loopback:
            raise UrlRefused("The 'url' field must use https.")
        if loopback and _port(parts) in self._own_ports:
            raise UrlRefused(f"The 'url' port {_port(parts)} is the local stack's own (its API "
                             "or AWS endpoint); receive webhooks on another port.")
        return parts

    def target(self, url: str) -> Target:
        """Parse, resolve and check `url`; the answer says which address to connect to."""
        parts = self.parse(url)
        host = parts.hostname or ""
        port = _port(parts)
        addresses = self._resolve(host, port)
        loopback = self._allow_loopback and host in LOOPBACK_HOSTS
        for address in addresses:
            allowed = address.is_loopback if loopback else is_public(address)
            if not allowed:
                raise UrlRefused("The 'url' host resolves to a private, loopback, link-local, "
                                 "multicast or reserved address, which is not allowed.")
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return Target(parts.scheme, host, port, str(addresses[0]), path)

    @staticmethod
    def _resolve(host: str, port: int) -> list[IPAddress]:
        try:
            # Looked up at call time so that tests can substitute DNS.
            answers = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, OSError):
            raise UrlUnresolved("The 'url' host could not be resolved.") from None
        addresses = []
        for _family, _type, _proto, _name, sockaddr in answers:
            text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 scope id
            address = ipaddress.ip_address(text)
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise UrlUnresolved("The 'url' host could not be resolved.")
        return addresses


CONTROL = frozenset(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))  # as the document's pattern
SYNTAX = re.compile(URL_PATTERN)  # what the document says a webhook URL looks like
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _valid_host(host: str) -> bool:
    """A host we could ever resolve: an IP address, or an ASCII name of valid DNS labels, at
    most 253 characters without its trailing dot (a name that does not resolve *yet* is
    accepted at registration, not any text). The document's pattern says the same
    (models/webhooks.py)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    name = host.lower().removesuffix(".")
    return 0 < len(name) <= 253 and all(LABEL.match(label) for label in name.split("."))


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)
