"""One-glance text about a freshly taken survey point, for the technician."""

from __future__ import annotations

from collections.abc import Sequence

from netsurvey.records import Measurement
from netsurvey.wifi.pointiperf import PointIperf
from netsurvey.wifi.points import SurveyPoint
from probes.wifi_parsers import Link


def point_summary(point: Measurement, own_ssids: Sequence[str]) -> list[str]:
    room = point.details.get("room")
    if point.status != "ok":
        message = (point.error or {}).get("message", "every scan failed")
        return [f"Point in {room} FAILED: {message}"]
    survey = SurveyPoint.from_record(point)
    lines = [_headline(survey, own_ssids)]
    if survey.link is not None:
        lines.extend(_link_lines(survey.link))
    if survey.iperf is not None:
        lines.append(_iperf_line(survey.iperf))
    lines.extend(f"  ! {w}" for w in point.warnings[:5])
    return lines


def _headline(point: SurveyPoint, own_ssids: Sequence[str]) -> str:
    own = [(b.signal_dbm, b) for b in point.bss if b.ssid in own_ssids and b.signal_dbm is not None]
    headline = f"Saved point in {point.room}: {len(point.bss)} network(s) heard"
    if own:
        signal_dbm, best = max(own, key=lambda pair: pair[0])
        headline += (
            f", school signal {signal_dbm:.0f} dBm ({best.ssid} on channel "
            f"{best.channel}, {best.band or '?'})"
        )
    elif own_ssids:
        headline += f", none of the school's networks ({', '.join(own_ssids)})"
    return headline + "."


def _link_lines(link: Link) -> list[str]:
    if not link.connected:
        return []
    rate = link.tx_bitrate_bps
    rate_text = f", {rate / 1e6:.0f} Mbit/s" if rate is not None else ""
    return [f"  link: {link.bssid} {link.signal_dbm} dBm{rate_text}"]


def _iperf_line(iperf: PointIperf) -> str:
    throughput_bps = iperf.valid_throughput_bps
    if throughput_bps is not None:
        return f"  iperf3: {throughput_bps / 1e6:.1f} Mbit/s ({iperf.direction})"
    return f"  iperf3 INVALID: {iperf.problem}"
