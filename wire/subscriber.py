"""Whom a per-client limit counts: the relay's booking and remote-ticket rates and the city's
streams per client all count a subscriber, not an address."""

from __future__ import annotations

import ipaddress


def subscriber(address: str) -> str:
    """An IPv6 client by its /64, which one home or phone gets whole (counted per address, one
    machine had 2^64 budgets); IPv4, also IPv4-mapped, as it is; anything else cut short."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
