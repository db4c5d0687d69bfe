"""The real client address (docs/security.md): behind a reverse proxy every request comes from the proxy, so the
address must come from its forwarding header, but only when the request really came through a proxy we trust.

`SHIAN_TRUSTED_PROXIES` lists the proxies' addresses or networks (e.g. `127.0.0.1,10.0.0.0/8`). When the direct
peer is one of them, the client is the right-most address in `X-Forwarded-For` that is not itself a trusted proxy;
otherwise the header is ignored (anyone can send it) and the direct peer is the client. Login lockout (django-axes),
the self-registration throttle and every audit entry use this one function.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    nets = _networks(tuple(getattr(settings, "SHIAN_TRUSTED_PROXIES", ())))
    return address is not None and any(address in net for net in nets)


def client_ip(request) -> str | None:
    """The client's address as far as we can trust it (see the module docstring)."""
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    if not _trusted(peer):
        return str(peer)
    hops = [_parse(part) for part in request.META.get(settings.SHIAN_FORWARDED_FOR_HEADER, "").split(",")]
    for hop in reversed(hops):
        if hop is None:  # a garbled entry: stop trusting the chain here
            break
        if not _trusted(hop):
            return str(hop)
    return str(peer)


def forwarded_untrusted(request) -> bool:
    """True when a forwarding header came from a peer that is not a trusted proxy (it was ignored)."""
    if not request.META.get(settings.SHIAN_FORWARDED_FOR_HEADER):
        return False
    return not _trusted(_parse(request.META.get("REMOTE_ADDR", "") or ""))
