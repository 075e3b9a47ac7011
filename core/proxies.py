"""Which reverse proxies may tell us the client's address (``DJANGO_TRUSTED_PROXIES``).

One list decides it for the ASGI server (``onlinecityhall/run.py`` passes it to uvicorn as
``--forwarded-allow-ips``) and for the application (sign-in rate limits): ``X-Forwarded-For``
is read from the right, skipping addresses of trusted proxies; the first address that is not
one is the client. A forged header added by the client itself sits to the left of what our
proxies appended and is never reached. With the list empty (the default) the header is
ignored and the peer address is the client. No Django import: the launcher uses it too.
"""

import ipaddress
import os

ENVIRONMENT_VARIABLE = "DJANGO_TRUSTED_PROXIES"


def trusted_proxies_from_environment() -> list[str]:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    return [item.strip() for item in value.split(",") if item.strip()]


def _networks(proxies):
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError:
            continue
    return networks


def is_trusted(address: str, proxies) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def client_address(peer: str, forwarded_for: str, proxies) -> str:
    """The client's address given the peer's and the ``X-Forwarded-For`` header."""
    if not proxies or not is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage where an address should be: trust nothing in it
    return hops[0] if hops else peer
