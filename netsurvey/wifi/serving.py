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
BSS the caller passes counts. "Associated" means the point's link reading names that
BSSID and does not say it was disconnected.

Everything here takes the typed BSSs and link of a ``points.SurveyPoint``
(``SurveyPoint.from_record(record)``), read from the record once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from probes.wifi_parsers import Bss, Link

BAND_STEERING_MIN_DBM = -75.0  # common band-steering threshold (Aruba/Cisco/UniFi defaults)


def signal_dbm(bss: Bss) -> float | None:
    return bss.signal_dbm


def is_upper_band(bss: Bss) -> bool:
    """5 or 6 GHz, from the frequency, else the channel (above 14)."""
    if bss.freq_mhz is not None:
        return bss.freq_mhz > 4900
    return bss.channel is not None and bss.channel > 14


def school_bss(bss: Sequence[Bss], ssids: Sequence[str]) -> list[Bss]:
    return [b for b in bss if not ssids or b.ssid in ssids]


def _linked_bssid(link: Link | None) -> str:
    """The BSSID the laptop was on; "" when it was not connected."""
    if link is None or not link.connected:
        return ""
    return (link.bssid or "").lower()


def serving_bss(bss: Sequence[Bss], link: Link | None, ssids: Sequence[str] = ()) -> Bss | None:
    """The BSS that serves a point (see the module docstring), None when the school's
    networks were not heard."""
    ours = [b for b in school_bss(bss, ssids) if b.signal_dbm is not None]
    linked = _linked_bssid(link)
    if linked:
        for candidate in ours:
            if bssid_of(candidate) == linked:
                return candidate
    steered = [
        b for b in ours if is_upper_band(b) and (signal_dbm(b) or -999.0) >= BAND_STEERING_MIN_DBM
    ]
    return max(steered or ours, key=lambda b: signal_dbm(b) or -999.0, default=None)


def bssid_of(bss: Bss) -> str:
    return bss.bssid.lower()


def room_serving(servings: Sequence[Bss], group: Callable[[Bss], str] = bssid_of) -> Bss | None:
    """A room's serving BSS: the one that served most of its points; a tie goes to the
    strongest. ``group`` may count BSSIDs of one radio together (one per SSID)."""
    if not servings:
        return None
    counts = Counter(group(s) for s in servings)
    top = max(counts.values())
    candidates = [s for s in servings if counts[group(s)] == top]
    return max(candidates, key=lambda s: signal_dbm(s) or -999.0)
