"""The probes' ``Bss`` and ``Link`` read back from a ``wifi_point`` record's JSON.

A record may be old, hand-written or damaged: a value of the wrong type is None
(unknown), never 0 and never an error, so one odd field does not lose the point.
"""

from __future__ import annotations

from collections.abc import Mapping

from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float, integer
from probes.wifi_parsers import Bss, Link


def _text(value: JsonValue | None) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: JsonValue | None) -> bool:
    return value is True


def bss_from_json(data: Mapping[str, JsonValue]) -> Bss:
    """One BSS as ``average_scans`` (or a scan probe) wrote it; the averaged-scan
    extras (min/max signal, seen counts) are the writer's and are not read back."""
    bssid = data.get("bssid")
    return Bss(
        bssid="" if bssid is None else str(bssid),
        ssid=_text(data.get("ssid")),
        freq_mhz=integer(data.get("freq_mhz")),
        channel=integer(data.get("channel")),
        width_mhz=integer(data.get("width_mhz")),
        signal_dbm=finite_float(data.get("signal_dbm")),
        noise_dbm=finite_float(data.get("noise_dbm")),
        security=_text(data.get("security")),
        standard=_text(data.get("standard")),
        station_count=integer(data.get("station_count")),
        channel_utilization_ratio=finite_float(data.get("channel_utilization_ratio")),
        hidden=_flag(data.get("hidden")),
        band=_text(data.get("band")),
        signal_percent=finite_float(data.get("signal_percent")),
        associated=_flag(data.get("associated")),
    )


def link_from_json(data: Mapping[str, JsonValue]) -> Link:
    """The link reading taken before the point's scans (``WifiLinkProbe`` details).
    A reading that does not say ``connected`` counts as connected (a link naming a
    BSSID was one); only an explicit ``false`` means not connected."""
    return Link(
        connected=data.get("connected", True) is not False,
        bssid=_text(data.get("bssid")),
        ssid=_text(data.get("ssid")),
        freq_mhz=integer(data.get("freq_mhz")),
        channel=integer(data.get("channel")),
        signal_dbm=finite_float(data.get("signal_dbm")),
        signal_avg_dbm=finite_float(data.get("signal_avg_dbm")),
        tx_bitrate_bps=finite_float(data.get("tx_bitrate_bps")),
        rx_bitrate_bps=finite_float(data.get("rx_bitrate_bps")),
        tx_mcs=integer(data.get("tx_mcs")),
        rx_mcs=integer(data.get("rx_mcs")),
        nss=integer(data.get("nss")),
        width_mhz=integer(data.get("width_mhz")),
        standard=_text(data.get("standard")),
    )
