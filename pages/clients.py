"""Who is asking: a client's address, as the proxy in front reports it."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The reader's address: the one the proxy in front reports when the
    deployment says there is one (BEHIND_PROXY), else the connection's.

    The proxy appends the address it saw to X-Forwarded-For, after whatever
    the client sent: only the last entry is the proxy's word. Without a proxy
    the header is the client's own claim and is ignored. Always a valid
    address or "" (the login protection stores it in an address column).
    """
    address = _valid_address(request.META.get("REMOTE_ADDR", ""))
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid_address(forwarded.rsplit(",", 1)[-1]) or address
    return address


def client_group(request) -> str:
    """The client as a cap counts it: its address, or for IPv6 its /64 (one
    subscriber holds a whole /64: one phone on Viettel, VNPT, Mobifone, which
    may change address within it at will)."""
    client = client_address(request) or "unknown"
    if ":" in client:
        network = ipaddress.ip_network(f"{client}/64", strict=False)
        client = f"{network.network_address}/64"
    return client


def _valid_address(text: str) -> str:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return ""
    if ip.version == 6 and (ip.scope_id or ip.ipv4_mapped):
        return str(ip.ipv4_mapped or "")
    return str(ip)
