"""The one serving-AP rule: which of the school's BSSs serves a survey point.

The scorer (``scoring/from_visit.py``) and the Wi-Fi chapter (``wifi/analysis.py``)
both ask this module, so a room's AP, signal and channel load never differ between the
score and the report.

The rule, in order:

1. the BSS the laptop was associated with, when it is one of the school's;
2. otherwise what a school Chromebook joins: school APs steer capable clients to
   5/6 GHz while that band is usable, so the strongest of the school's 5/6 GHz BSSs
   heard at or above ``BAND_STEERING_MIN_DBM``;
3. otherwise the strongest of the school's BSSs.

"The school's" BSSs are those of the inventory's SSIDs; with no SSIDs declared, every
BSS the caller passes counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

BAND_STEERING_MIN_DBM = -75.0  # common band-steering threshold (Aruba/Cisco/UniFi defaults)

Bss = Mapping[str, Any]  # a BSS as a wifi_point record stores it (probes.wifi_parsers.Bss)


def signal_dbm(bss: Bss) -> float | None:
    value = bss.get("signal_dbm")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def is_upper_band(bss: Bss) -> bool:
    """5 or 6 GHz, from the channel (above 14) or the frequency."""
    channel, freq = bss.get("channel"), bss.get("freq_mhz")
    if isinstance(freq, int | float) and not isinstance(freq, bool):
        return freq > 4900
    return isinstance(channel, int) and not isinstance(channel, bool) and channel > 14


def school_bss(bss: Sequence[Bss], ssids: Sequence[str]) -> list[Bss]:
    return [b for b in bss if not ssids or b.get("ssid") in ssids]


def serving_bss(bss: Sequence[Bss], link: Bss | None, ssids: Sequence[str] = ()) -> Bss | None:
    """The BSS that serves a point (see the module docstring), None when the school's
    networks were not heard."""
    ours = [b for b in school_bss(bss, ssids) if signal_dbm(b) is not None]
    linked = str(link.get("bssid") or "").lower() if isinstance(link, Mapping) else ""
    if linked and (link is None or link.get("connected", True) is not False):
        for candidate in ours:
            if str(candidate.get("bssid", "")).lower() == linked:
                return candidate
    steered = [
        b for b in ours if is_upper_band(b) and (signal_dbm(b) or -999.0) >= BAND_STEERING_MIN_DBM
    ]
    return max(steered or ours, key=lambda b: signal_dbm(b) or -999.0, default=None)


def bssid_of(bss: Bss) -> str:
    return str(bss.get("bssid", "")).lower()


def room_serving(servings: Sequence[Bss], group: Callable[[Bss], str] = bssid_of) -> Bss | None:
    """A room's serving BSS: the one that served most of its points; a tie goes to the
    strongest. ``group`` may count BSSIDs of one radio together (one per SSID)."""
    if not servings:
        return None
    counts = Counter(group(s) for s in servings)
    top = max(counts.values())
    candidates = [s for s in servings if counts[group(s)] == top]
    return max(candidates, key=lambda s: signal_dbm(s) or -999.0)
