"""Who is asking: the client's address as the deployment lets us know it,
and the client an address stands for (an IPv6 subscriber's /64).

Shared by the view cap (articles/counting.py) and the login lockout
(AXES_CLIENT_IP_CALLABLE, logins/), so both tell clients apart the same
way. A building block: it knows nothing of articles or logins.
"""

import ipaddress

from django.conf import settings

# An IPv6 subscriber is given a whole /64 (a phone on Viettel, VNPT,
# Mobifone; a home router) and may pick any address in it at will.
IPV6_CLIENT_PREFIX = 64


def address(request) -> str:
    """The client's address: the one the proxy in front reports when the
    deployment says there is one (BEHIND_PROXY), else the connection's.

    The proxy appends the address it saw to X-Forwarded-For, after whatever
    the client sent: only the last entry is the proxy's word. Without a proxy
    the header is the client's own claim and is ignored. Always a valid
    address or "" (the login lockout stores it in an address column).
    """
    found = _valid(request.META.get("REMOTE_ADDR", ""))
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        found = _valid(forwarded.rsplit(",", 1)[-1]) or found
    return found


def client(request) -> str:
    """The client the request comes from, as one address: an IPv4 address
    itself, an IPv6 one its /64 (2001:db8:1:2::), "" when unknown. A valid
    address, so it may be stored where an address goes."""
    found = address(request)
    if ":" not in found:
        return found
    network = ipaddress.ip_network(f"{found}/{IPV6_CLIENT_PREFIX}", strict=False)
    return str(network.network_address)


def _valid(text: str) -> str:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return ""
    if ip.version == 6 and (ip.scope_id or ip.ipv4_mapped):
        return str(ip.ipv4_mapped or "")
    return str(ip)
