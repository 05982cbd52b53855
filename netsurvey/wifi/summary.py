"""One-glance text about a freshly taken survey point, for the technician."""

from __future__ import annotations

from collections.abc import Sequence

from netsurvey.records import Measurement


def point_summary(point: Measurement, own_ssids: Sequence[str]) -> list[str]:
    details = point.details
    room = details.get("room")
    if point.status != "ok":
        message = (point.error or {}).get("message", "every scan failed")
        return [f"Point in {room} FAILED: {message}"]
    bss = details.get("bss") or []
    own = [b for b in bss if b.get("ssid") in own_ssids and b.get("signal_dbm") is not None]
    lines = []
    headline = f"Saved point in {room}: {len(bss)} network(s) heard"
    if own:
        best = max(own, key=lambda b: b["signal_dbm"])
        headline += (
            f", school signal {best['signal_dbm']:.0f} dBm ({best.get('ssid')} on channel "
            f"{best.get('channel')}, {best.get('band') or '?'})"
        )
    elif own_ssids:
        headline += f", none of the school's networks ({', '.join(own_ssids)})"
    lines.append(headline + ".")
    link = details.get("link") or {}
    if link.get("connected"):
        rate = link.get("tx_bitrate_bps")
        rate_text = f", {rate / 1e6:.0f} Mbit/s" if isinstance(rate, int | float) else ""
        lines.append(f"  link: {link.get('bssid')} {link.get('signal_dbm')} dBm{rate_text}")
    iperf = details.get("iperf")
    if isinstance(iperf, dict):
        if iperf.get("valid"):
            lines.append(
                f"  iperf3: {iperf['throughput_bps'] / 1e6:.1f} Mbit/s ({iperf.get('direction')})"
            )
        else:
            lines.append(
                f"  iperf3 INVALID: {iperf.get('reason') or iperf.get('error') or iperf.get('status')}"
            )
    lines.extend(f"  ! {w}" for w in point.warnings[:5])
    return lines
