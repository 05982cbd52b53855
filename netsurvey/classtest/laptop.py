"""The laptop's own link, checked before the class test: every seat's bytes pass it.

The interface is the one the kernel uses towards the seats that joined; its kind and
speed come from ``probes.linkinfo`` and the verdict reuses ``limited_by_laptop``
(a result close to what the port carries, or to half a Wi-Fi PHY rate, hit the
laptop's limit). Before the start the technician is warned about a laptop on Wi-Fi
or on a port of 100 Mbit/s or less, because such a link caps the whole class.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from probes.linkinfo import UNKNOWN_LINK, LinkInfo, describe_interface, limited_by_laptop, route_to

SLOW_PORT_BPS = 100e6


def check_laptop_link(seat_ips: Sequence[str]) -> LinkInfo:
    """The laptop interface most seats are reached through (never raises)."""
    routes = [route_to(ip) for ip in seat_ips]
    interfaces = Counter(interface for interface, _ in routes if interface)
    if not interfaces:
        return UNKNOWN_LINK
    interface = interfaces.most_common(1)[0][0]
    source_ip = next((src for name, src in routes if name == interface), None)
    return replace(describe_interface(interface), source_ip=source_ip)


def may_limit_class(link: LinkInfo) -> bool:
    """Wi-Fi, or a wired port of 100 Mbit/s or less: the laptop would cap the class."""
    if link.kind == "wifi":
        return True
    return (
        link.kind == "wired" and link.link_speed_bps is not None
        and link.link_speed_bps <= SLOW_PORT_BPS
    )  # fmt: skip


def laptop_link_json(link: LinkInfo, class_throughput_bps: float | None) -> dict[str, Any]:
    data = link.to_json(class_throughput_bps)
    data["limited_by_laptop"] = limited_by_laptop(class_throughput_bps, link)
    data["may_limit_class"] = may_limit_class(link)
    return data
