"""Missing-data notes as message ids: ``"lan: no SNMP/SSH record for switch sw-2"`` ->
``{"message": "missing.lan_switch_unread", "params": {"item": "sw-2"}, "dimension": "lan"}``.

The scorer and the visit reader write their notes as short English sentences
(``scores.json`` ``missing``); every known shape is listed here once, so scores.json can
also carry them as ids (``missing_notes``) that the report renders from its locale
catalogue (``missing.<key>``). A note of unknown shape becomes ``missing.other`` with its
dimension, and the original sentence stays in ``text``.
"""

from __future__ import annotations

import re
from typing import Any

NOTE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("wifi_none", r"^wifi: no room has a Wi-Fi survey \(RSSI\) and a serving AP$"),
        ("lan_none", r"^lan: no AP port or switch uplink speed is known$"),
        ("wan_none", r"^wan: no speedtest samples$"),
        ("poe_none", r"^poe: no switch reports a PoE budget and AP allocations$"),
        ("power_none", r"^power: no charging cart is on a known circuit$"),
        ("wifi_rooms_unsurveyed", r"^wifi: rooms without a survey are left out: (?P<items>.+)$"),
        ("wan_no_upload", r"^wan: no upload samples, only the download direction is scored$"),
        ("lan_port_speed_unknown", r"^lan: port speed unknown for (?P<items>.+)$"),
        (
            "wifi_no_utilisation",
            r"^wifi: no channel utilisation for radio (?P<item>.+), profile default used$",
        ),
        ("lan_switch_unread", r"^lan: no SNMP/SSH record for switch (?P<item>.+)$"),
        ("lan_uplink_unknown", r"^lan: uplink port of (?P<item>.+) unknown \(set uplink_port\)$"),
        ("lan_no_counters", r"^lan: no traffic counters on the uplink of (?P<item>.+)$"),
        ("lan_uplink_lldp", r"^lan: uplink of (?P<item>.+) taken from LLDP$"),
        (
            "lan_uplink_guessed",
            r"^lan: uplink of (?P<item>.+) guessed as (?P<port>.+) \(fastest port\)$",
        ),
        ("rooms_no_pupils", r"^rooms: no pupil count for room (?P<item>.+), left out$"),
        ("wifi_room_unsurveyed", r"^wifi: room (?P<item>.+) has no survey point$"),
        ("wifi_no_points", r"^wifi: no Wi-Fi survey points in this visit$"),
        ("wan_no_speedtest", r"^wan: no successful speedtest in this visit$"),
    )
)


def note_message(note: str) -> dict[str, Any]:
    """The message id, parameters and dimension of one missing-data note."""
    dimension = note.partition(":")[0].strip() if ":" in note else None
    for key, pattern in NOTE_PATTERNS:
        match = pattern.match(note)
        if match is not None:
            params = {k: v for k, v in match.groupdict().items() if v is not None}
            return {"message": f"missing.{key}", "params": params, "dimension": dimension}
    return {"message": "missing.other", "params": {}, "dimension": dimension, "text": note}
