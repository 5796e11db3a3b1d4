"""The address a request came from: one answer for django-axes and the access log.

Behind a reverse proxy every request arrives from the proxy's own address, so
lockouts would be shared by every client and the access log would name the proxy.
Each proxy appends the address it received the request from to X-Forwarded-For.
Read from the right, the first address there that is not one of
``settings.TRUSTED_PROXIES`` (DJANGO_TRUSTED_PROXIES) is the client's; whatever lies
further left was written by the client and may be forged. The header is read only
when REMOTE_ADDR itself is a trusted proxy, never otherwise.

``client_address`` is both ``AXES_CLIENT_IP_CALLABLE`` and what
``refleact.audit.services.client_ip`` returns, so the two cannot disagree.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(value: str) -> tuple[str, ...]:
    """Return the comma-separated addresses and networks in value, normalised.

    Raise ValueError when a part is neither an IP address nor a network (CIDR).
    """
    parts = [part.strip() for part in value.split(",")]
    return tuple(str(ipaddress.ip_network(p, strict=False)) for p in parts if p)


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in trusted)


def _address(value: str) -> Address | None:
    """Return value as an IP address, allowing a port; None when it is none."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen by a dual-stack proxy: ::ffff:192.0.2.1.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in n for n in networks)


def from_trusted_proxy(request) -> bool:
    """True if request arrived from one of ``settings.TRUSTED_PROXIES``."""
    meta = getattr(request, "META", None) or {}
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return _trusted(_address(meta.get("REMOTE_ADDR") or ""), networks)


def forwarded_chain_readable(request) -> bool:
    """True unless X-Forwarded-For is present but names no address at its right end.

    A trusted proxy appends the address it received the request from, so the
    header's last hop is always an address. An empty or unparsable one means the
    proxy did not write it (or was bypassed): ``client_address`` then falls back to
    the proxy's own address, which says nothing about where the client is.
    """
    meta = getattr(request, "META", None) or {}
    if "HTTP_X_FORWARDED_FOR" not in meta:
        return True
    nearest = meta["HTTP_X_FORWARDED_FOR"].split(",")[-1]
    return _address(nearest) is not None


def client_address(request) -> str | None:
    """Return the address of the client that sent request (see the module docstring)."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _trusted(_address(remote or ""), networks):
        return remote
    nearest_proxy = None
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # A trusted proxy writes only addresses: the chain is broken here, and
            # nothing to the left of it can be believed.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest_proxy = address
    # No client beyond the proxies (a proxy's own health check, say).
    return str(nearest_proxy) if nearest_proxy else remote
