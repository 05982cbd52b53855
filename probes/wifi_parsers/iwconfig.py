"""``iwconfig IF`` (wireless-tools): the associated link only, no neighbour list."""

from __future__ import annotations

import re

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import channel_of
from probes.wifi_parsers.ies import decode_ssid
from probes.wifi_parsers.iw import unescape_iw
from probes.wifi_parsers.model import Link

AP = re.compile(r"Access Point: ((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})")


def parse_iwconfig(text: str) -> Link:
    if "IEEE 802.11" not in text:
        raise ProbeParseError("iwconfig output has no 'IEEE 802.11' interface")
    access_point = AP.search(text)
    if access_point is None:
        return Link(connected=False)
    essid = re.search(r'ESSID:"(.*?)"', text)
    freq = re.search(r"Frequency[:=](\d+(?:\.\d+)?) ?GHz", text)
    rate = re.search(r"Bit Rate[=:](\d+(?:\.\d+)?) ?([MG])b/s", text)
    signal = re.search(r"Signal level[=:](-?\d+(?:\.\d+)?) ?dBm", text)
    freq_mhz = round(float(freq.group(1)) * 1000) if freq else None
    bitrate_bps = None
    if rate:
        bitrate_bps = float(rate.group(1)) * (1e9 if rate.group(2) == "G" else 1e6)
    return Link(
        connected=True,
        bssid=access_point.group(1).lower(),
        ssid=decode_ssid(unescape_iw(essid.group(1)))[0] if essid else None,
        freq_mhz=freq_mhz,
        channel=channel_of(freq_mhz),
        signal_dbm=float(signal.group(1)) if signal else None,
        tx_bitrate_bps=bitrate_bps,
    )
