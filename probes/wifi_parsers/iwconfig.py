"""``iwconfig`` (wireless-tools): the associated link only, no neighbour list.

Without an interface name iwconfig prints every interface, one block each (the
block's first line starts at column 0 with the name). Only the block of the
interface asked for is read; the other Wi-Fi interfaces are named in a warning, so
nothing one adapter says is mixed into another's link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import channel_of
from probes.wifi_parsers.ies import decode_ssid
from probes.wifi_parsers.iw import unescape_iw
from probes.wifi_parsers.model import Link

AP = re.compile(r"Access Point: ((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})")
NOT_WIRELESS = "no wireless extensions"


@dataclass(frozen=True)
class IwconfigParse:
    interface: str
    link: Link
    warnings: tuple[str, ...] = ()


def interface_blocks(text: str) -> dict[str, str]:
    """Interface name -> its block of lines, in output order."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line[:1].strip():  # a new block starts at column 0
            name = line.split()[0]
            current = blocks.setdefault(name, [])
        if current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def _wireless(blocks: dict[str, str]) -> dict[str, str]:
    return {name: block for name, block in blocks.items() if NOT_WIRELESS not in block}


def _describe(name: str, block: str) -> str:
    access_point = AP.search(block)
    return f"{name} (associated to {access_point.group(1).lower()})" if access_point else name


def _link(block: str) -> tuple[Link, list[str]]:
    access_point = AP.search(block)
    if access_point is None:
        return Link(connected=False), []
    notes = []
    essid = re.search(r'ESSID:"(.*?)"', block)
    freq = re.search(r"Frequency[:=](\d+(?:\.\d+)?) ?GHz", block)
    rate = re.search(r"Bit Rate[=:](\d+(?:\.\d+)?) ?([MG])b/s", block)
    signal = re.search(r"Signal level[=:](-?\d+(?:\.\d+)?) ?dBm", block)
    if signal is None:
        other = re.search(r"Signal level[=:](\S+)", block)
        if other:
            notes.append(f"signal level given as {other.group(1)!r}, not in dBm: left unknown")
    freq_mhz = round(float(freq.group(1)) * 1000) if freq else None
    bitrate_bps = None
    if rate:
        bitrate_bps = float(rate.group(1)) * (1e9 if rate.group(2) == "G" else 1e6)
    link = Link(
        connected=True,
        bssid=access_point.group(1).lower(),
        ssid=decode_ssid(unescape_iw(essid.group(1)))[0] if essid else None,
        freq_mhz=freq_mhz,
        channel=channel_of(freq_mhz),
        signal_dbm=float(signal.group(1)) if signal else None,
        tx_bitrate_bps=bitrate_bps,
    )
    return link, notes


def read_iwconfig(text: str, interface: str | None = None) -> IwconfigParse:
    """The link of ``interface`` (default: the first Wi-Fi interface), warning about
    every other Wi-Fi interface the output holds."""
    blocks = interface_blocks(text)
    wireless = _wireless(blocks)
    if not wireless:
        raise ProbeParseError(
            "iwconfig output has no Wi-Fi interface (only 'no wireless extensions')"
        )
    if interface is None:
        interface = next(iter(wireless))
    elif interface not in wireless:
        kind = "is not a Wi-Fi interface" if interface in blocks else "is not in the output"
        raise ProbeParseError(
            f"iwconfig: {interface} {kind}; Wi-Fi interfaces there: {', '.join(wireless)}"
        )
    link, warnings = _link(wireless[interface])
    others = [_describe(name, block) for name, block in wireless.items() if name != interface]
    if others:
        warnings.insert(
            0,
            f"iwconfig also shows {', '.join(others)}; only {interface} was read "
            "(name another with --param interface=NAME)",
        )
    return IwconfigParse(interface, link, tuple(warnings))


def parse_iwconfig(text: str, interface: str | None = None) -> Link:
    return read_iwconfig(text, interface).link
