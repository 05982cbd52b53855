"""Synthesise `iw dev IF scan` output at survey points, for the demo's replayed walks.

Each access point radio of a demo school is placed at its room's centre. Signal at a
point follows a log-distance path-loss model (free-space loss at 1 m, exponent 3.0
indoors) minus a fixed loss per wall crossed, plus a small deterministic jitter, so
the same inventory always gives the same scans. The text is in the format `iw`
prints, so the real parsers read it exactly as they read a laptop's scan.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from netsurvey.inventory import Room, School
from netsurvey.lab.agents import mac_for

PATH_LOSS_EXPONENT = 3.0
ANTENNA_GAIN_DBI = 3.0
CEILING_HEIGHT_M = 2.5  # APs hang on the ceiling near the front wall


@dataclass(frozen=True)
class SimRadio:
    bssid: str
    ssid: str
    channel: int
    width_mhz: int
    standard: str
    tx_power_dbm: float
    x_m: float
    y_m: float
    clients: int
    utilization_ratio: float

    @property
    def freq_mhz(self) -> int:
        return 2407 + 5 * self.channel if self.channel <= 14 else 5000 + 5 * self.channel


@dataclass(frozen=True)
class SurveyPoint:
    room: str
    x_m: float
    y_m: float
    scan_text: str


def radios_of(school: School) -> list[SimRadio]:
    lab = school.lab or {}
    rooms = {room.id: room for room in school.rooms}
    ssid = school.wifi.ssids[0] if school.wifi.ssids else "school"
    radios: list[SimRadio] = []
    for device in school.devices:
        spec = (lab.get("devices") or {}).get(device.id) or {}
        if spec.get("kind") != "ap" or device.room not in rooms:
            continue
        room = rooms[device.room]
        for index, radio in enumerate(spec.get("radios") or []):
            radios.append(
                SimRadio(
                    bssid=_mac_text(mac_for(device.id, f"radio{index}")),
                    ssid=ssid,
                    channel=int(radio.get("channel", 36)),
                    width_mhz=int(radio.get("width_mhz", 20)),
                    standard=str(spec.get("standard", "VHT")),
                    tx_power_dbm=float(radio.get("tx_power_dbm", 17)),
                    x_m=float(room.x_m or 0),
                    y_m=float(room.y_m or 0) - 0.3 * float(room.depth_m or 8),
                    clients=int(radio.get("clients", 0)),
                    utilization_ratio=float(radio.get("utilization_ratio", 0.2)),
                )
            )
    for index, foreign in enumerate((lab.get("wifi") or {}).get("neighbours") or []):
        radios.append(
            SimRadio(
                bssid=_mac_text(mac_for(school.id, f"foreign{index}")),
                ssid=str(foreign.get("ssid", "")),
                channel=int(foreign.get("channel", 6)),
                width_mhz=int(foreign.get("width_mhz", 20)),
                standard=str(foreign.get("standard", "HT")),
                tx_power_dbm=float(foreign.get("tx_power_dbm", 20)),
                x_m=float(foreign.get("x_m", -20)),
                y_m=float(foreign.get("y_m", 0)),
                clients=int(foreign.get("clients", 3)),
                utilization_ratio=float(foreign.get("utilization_ratio", 0.3)),
            )
        )
    return radios


def _mac_text(hex12: str) -> str:
    return ":".join(hex12[i : i + 2] for i in range(0, 12, 2))


def survey_points(school: School) -> list[SurveyPoint]:
    settings = (school.lab or {}).get("wifi") or {}
    per_room = int(settings.get("points_per_room", 3))
    wall_loss_db = float(settings.get("wall_loss_db", 8))
    radios = radios_of(school)
    rooms = [room for room in school.rooms if room.x_m is not None and room.y_m is not None]
    points = []
    for room in rooms:
        for x_m, y_m in _points_in(room, per_room):
            heard = [
                (radio, signal_dbm(radio, x_m, y_m, rooms, wall_loss_db, room.id))
                for radio in radios
            ]
            audible = [(radio, rssi) for radio, rssi in heard if rssi >= -92]
            points.append(SurveyPoint(room.id, x_m, y_m, iw_scan_text(audible)))
    return points


def _points_in(room: Room, count: int) -> list[tuple[float, float]]:
    cx, cy = float(room.x_m or 0), float(room.y_m or 0)
    half_w = float(room.width_m or 8) / 2
    half_d = float(room.depth_m or 8) / 2
    offsets = [(0.0, 0.0), (-0.6, 0.5), (0.6, -0.5), (0.6, 0.6), (-0.6, -0.6)]
    return [(round(cx + dx * half_w, 2), round(cy + dy * half_d, 2)) for dx, dy in offsets[:count]]


def walls_between(x0: float, y0: float, x1: float, y1: float, rooms: Sequence[Room]) -> int:
    """Room boundaries a straight line crosses (sampled every 0.25 m)."""
    distance = math.hypot(x1 - x0, y1 - y0)
    steps = max(1, int(distance / 0.25))
    previous: str | None = None
    crossings = 0
    for step in range(steps + 1):
        t = step / steps
        current = _room_at(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, rooms)
        if step and current != previous:
            crossings += 1
        previous = current
    return crossings


def _room_at(x: float, y: float, rooms: Iterable[Room]) -> str | None:
    for room in rooms:
        half_w = float(room.width_m or 8) / 2
        half_d = float(room.depth_m or 8) / 2
        if abs(x - float(room.x_m or 0)) <= half_w and abs(y - float(room.y_m or 0)) <= half_d:
            return room.id
    return None


def signal_dbm(
    radio: SimRadio,
    x_m: float,
    y_m: float,
    rooms: Sequence[Room],
    wall_loss_db: float,
    room_id: str,
) -> float:
    distance_m = math.sqrt((radio.x_m - x_m) ** 2 + (radio.y_m - y_m) ** 2 + CEILING_HEIGHT_M**2)
    loss_1m_db = 20 * math.log10(radio.freq_mhz) - 27.55
    path_loss_db = loss_1m_db + 10 * PATH_LOSS_EXPONENT * math.log10(distance_m)
    walls = walls_between(radio.x_m, radio.y_m, x_m, y_m, rooms)
    jitter = (
        int(hashlib.sha256(f"{radio.bssid}{x_m}{y_m}".encode()).hexdigest()[:4], 16) / 65535 - 0.5
    ) * 3
    return round(
        radio.tx_power_dbm + ANTENNA_GAIN_DBI - path_loss_db - walls * wall_loss_db + jitter, 2
    )


def iw_scan_text(heard: Iterable[tuple[SimRadio, float]], interface: str = "wlan0") -> str:
    blocks = [_bss_block(radio, rssi, interface) for radio, rssi in heard]
    return "".join(blocks)


def _bss_block(radio: SimRadio, rssi: float, interface: str) -> str:
    lines = [
        f"BSS {radio.bssid}(on {interface})",
        "\tTSF: 212106552475 usec (2d, 10:55:06)",
        f"\tfreq: {radio.freq_mhz}",
        "\tbeacon interval: 100 TUs",
        "\tcapability: ESS Privacy ShortSlotTime RadioMeasure (0x1411)",
        f"\tsignal: {rssi:.2f} dBm",
        "\tlast seen: 120 ms ago",
        f"\tSSID: {radio.ssid}",
        "\tSupported rates: 6.0* 9.0 12.0* 18.0 24.0* 36.0 48.0 54.0 ",
    ]
    if radio.channel <= 14:
        lines.append(f"\tDS Parameter set: channel {radio.channel}")
    wide = radio.width_mhz >= 40
    lines += [
        "\tHT capabilities:",
        "\t\tCapabilities: 0x1ef",
        "\tHT operation:",
        f"\t\t * primary channel: {radio.channel}",
        f"\t\t * secondary channel offset: {'above' if wide else 'no secondary'}",
        f"\t\t * STA channel width: {'any' if wide else '20 MHz'}",
    ]
    if radio.standard in ("VHT", "HE") and radio.channel > 14:
        code = "1" if radio.width_mhz >= 80 else "0"
        centre = radio.channel + 6 if radio.width_mhz >= 80 else 0
        lines += [
            "\tVHT capabilities:",
            "\t\tVHT Capabilities (0x338b79b2):",
            "\tVHT operation:",
            f"\t\t * channel width: {code} ({'80 MHz' if code == '1' else '20 or 40 MHz'})",
            f"\t\t * center freq segment 1: {centre}",
            "\t\t * center freq segment 2: 0",
        ]
    if radio.standard == "HE":
        lines += ["\tHE capabilities:", "\t\tHE MAC Capabilities (0x000801185018):"]
    lines += [
        "\tRSN:\t * Version: 1",
        "\t\t * Group cipher: CCMP",
        "\t\t * Pairwise ciphers: CCMP",
        "\t\t * Authentication suites: PSK",
        "\t\t * Capabilities: 16-PTKSA-RC 1-GTKSA-RC (0x000c)",
        "\tBSS Load:",
        f"\t\t * station count: {radio.clients}",
        f"\t\t * channel utilisation: {round(radio.utilization_ratio * 255)}/255",
        "\t\t * available admission capacity: 0 [*32us]",
    ]
    return "\n".join(lines) + "\n"
