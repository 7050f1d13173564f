"""The SSRF guard: a webhook goes only to a public address, over HTTPS in production.

An endpoint's URL is typed by a consultant, so the server must not become a way to reach what
only it can reach (its own ports, the cloud's metadata service at 169.254.169.254, the private
network). The URL is checked when it is saved and again before every attempt, after resolving
its name: a name may resolve to a private address, or change to one later. The delivery then
connects to the very address that was checked (delivery.py), so that a second lookup cannot
swap it (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(ValidationError):
    """The URL may not receive webhooks; the message says why, for the admin's form."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the delivery connects to


def _allowed_exceptions() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(network, strict=False) for network in settings.WEBHOOK_ALLOWED_NETWORKS
    ]


def address_check(address: IPAddress) -> None:
    """Refuse any address that is not public, unless a setting allows it explicitly."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_exceptions()):
        return
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
    ):
        raise UnsafeURL(
            _("Webhooks may only go to a public internet address, not %(address)s.")
            % {"address": address},
            code="private_address",
        )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the name resolves to (all are checked: the client may pick any)."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeURL(
            _("The address %(host)s could not be found.") % {"host": host}, code="unresolvable"
        ) from error
    # A scope ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def url_check(url: str) -> Target:
    """The URL's parts and a checked address to connect to; UnsafeURL when it may not be used."""
    parts = urlsplit(url.strip())
    allowed_schemes = {"https"} if settings.WEBHOOK_HTTPS_ONLY else {"https", "http"}
    if parts.scheme not in allowed_schemes:
        raise UnsafeURL(_("Webhook addresses must start with https://."), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(
            _("Put no user name or password in the address; the signature proves the sender."),
            code="credentials",
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeURL(_("The address's port is not valid."), code="port") from error
    host = parts.hostname
    if not host:
        raise UnsafeURL(_("The address has no host name."), code="host")
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeURL(
            _("The address %(host)s could not be found.") % {"host": host}, code="unresolvable"
        )
    for address in addresses:
        address_check(address)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0]))
