"""Which of the laptop's interfaces reaches a host, and how fast that interface is.

Bandwidth records carry this as ``details.link`` so a reader can tell a 94 Mbit/s
result on a 100 Mbit/s laptop port ("the laptop was the limit") from the same number
on a gigabit port ("the network was the limit"), and a Wi-Fi measurement from a
wired one. Facts come from ``ip -j route get`` and ``/sys/class/net``; for Wi-Fi the
BSSID and bitrate come from ``iw dev IF link`` when ``iw`` is installed.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

logger = logging.getLogger(__name__)

LinkKind = Literal["wired", "wifi", "loopback", "unknown"]
SYS_CLASS_NET = Path("/sys/class/net")
_ARPHRD_ETHER = 1
_ARPHRD_LOOPBACK = 772
# TCP goodput of a full-size Ethernet frame: 1448 payload bytes per 1514 on the wire.
TCP_GOODPUT_RATIO = 1448 / 1514
# A result this close to what the laptop's own interface can carry hit the laptop's limit.
WIRED_LIMIT_RATIO = 0.90
# Wi-Fi delivers roughly half to two thirds of its PHY bitrate as TCP goodput.
WIFI_LIMIT_RATIO = 0.50


@dataclass(frozen=True)
class LinkInfo:
    interface: str | None
    kind: LinkKind
    link_speed_bps: float | None = None
    bssid: str | None = None
    ssid: str | None = None
    virtual: bool = False
    source_ip: str | None = None

    def to_json(self, throughput_bps: float | None = None) -> dict[str, Any]:
        return {
            "interface": self.interface,
            "kind": self.kind,
            "link_speed_bps": self.link_speed_bps,
            "bssid": self.bssid,
            "ssid": self.ssid,
            "virtual": self.virtual,
            "source_ip": self.source_ip,
            "limited_by_laptop": limited_by_laptop(throughput_bps, self),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkInfo:
        kind = data.get("kind")
        return cls(
            interface=data.get("interface"),
            kind=kind if kind in ("wired", "wifi", "loopback") else "unknown",
            link_speed_bps=data.get("link_speed_bps"),
            bssid=data.get("bssid"),
            ssid=data.get("ssid"),
            virtual=bool(data.get("virtual", False)),
            source_ip=data.get("source_ip"),
        )


UNKNOWN_LINK = LinkInfo(interface=None, kind="unknown")


def limited_by_laptop(throughput_bps: float | None, link: LinkInfo) -> bool:
    """True when ``throughput_bps`` is close to what the laptop's interface can carry."""
    if throughput_bps is None or link.link_speed_bps is None or link.link_speed_bps <= 0:
        return False
    if link.kind == "wifi":
        return throughput_bps >= WIFI_LIMIT_RATIO * link.link_speed_bps
    if link.kind == "wired":
        return throughput_bps >= WIRED_LIMIT_RATIO * TCP_GOODPUT_RATIO * link.link_speed_bps
    return False


# --------------------------------------------------------------------------- routing


def parse_route_get(text: str) -> tuple[str | None, str | None]:
    """``ip -j route get`` JSON -> (interface, source address)."""
    try:
        routes = json.loads(text)
    except json.JSONDecodeError:
        return None, None
    if not isinstance(routes, list) or not routes or not isinstance(routes[0], dict):
        return None, None
    route = routes[0]
    return route.get("dev"), route.get("prefsrc")


def route_to(address: str, timeout_s: float = 2.0) -> tuple[str | None, str | None]:
    """The interface and source address the kernel would use to reach ``address``."""
    ip = shutil.which("ip")
    if ip is None:
        return None, None
    try:
        completed = subprocess.run(
            [ip, "-j", "route", "get", address],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.debug("ip route get %s failed: %s", address, exc)
        return None, None
    return parse_route_get(completed.stdout) if completed.returncode == 0 else (None, None)


# --------------------------------------------------------------------------- interfaces


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:  # e.g. reading `speed` of a down or wireless interface raises EINVAL
        return None


def parse_iw_link(text: str) -> tuple[str | None, str | None, float | None]:
    """``iw dev IF link`` -> (BSSID, SSID, tx bitrate in bit/s)."""
    bssid_match = re.search(r"Connected to ([0-9a-fA-F:]{17})", text)
    ssid_match = re.search(r"^\s*SSID:\s*(.+)$", text, re.MULTILINE)
    rate_match = re.search(r"tx bitrate:\s*([\d.]+)\s*MBit/s", text)
    return (
        bssid_match.group(1).lower() if bssid_match else None,
        ssid_match.group(1).strip() if ssid_match else None,
        float(rate_match.group(1)) * 1e6 if rate_match else None,
    )


def _iw_link(interface: str, timeout_s: float = 2.0) -> str:
    iw = shutil.which("iw")
    if iw is None:
        return ""
    try:
        completed = subprocess.run(
            [iw, "dev", interface, "link"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return completed.stdout


def describe_interface(interface: str, sys_root: Path = SYS_CLASS_NET) -> LinkInfo:
    """Kind and speed of one interface from ``/sys/class/net/IF``."""
    base = sys_root / interface
    if not base.exists():
        return LinkInfo(interface=interface, kind="unknown")
    arp_type = _read(base / "type")
    virtual = not (base / "device").exists()
    if arp_type == str(_ARPHRD_LOOPBACK):
        return LinkInfo(interface=interface, kind="loopback", virtual=True)
    if (base / "wireless").exists() or (base / "phy80211").exists():
        bssid, ssid, bitrate_bps = parse_iw_link(_iw_link(interface))
        return LinkInfo(
            interface=interface, kind="wifi", link_speed_bps=bitrate_bps, bssid=bssid, ssid=ssid
        )
    if arp_type == str(_ARPHRD_ETHER):
        speed = _read(base / "speed")
        speed_bps = float(speed) * 1e6 if speed and speed.lstrip("-").isdigit() else None
        if speed_bps is not None and speed_bps <= 0:
            speed_bps = None  # -1: unknown (link down or a driver that does not say)
        return LinkInfo(
            interface=interface, kind="wired", link_speed_bps=speed_bps, virtual=virtual
        )
    return LinkInfo(interface=interface, kind="unknown", virtual=virtual)


def link_for(host: str) -> LinkInfo:
    """The laptop's link towards ``host`` (a name or an address); never raises."""
    try:
        address = socket.getaddrinfo(host, None, socket.AF_UNSPEC)[0][4][0]
    except (OSError, IndexError):
        return UNKNOWN_LINK
    interface, source_ip = route_to(str(address))
    if interface is None:
        return UNKNOWN_LINK
    return replace(describe_interface(interface), source_ip=source_ip)
