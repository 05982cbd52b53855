"""Write the snmp fixtures in tests/fixtures/snmprec/ (what the real corpus lacks).

Run: .venv/bin/python tests/snmp/make_fixtures.py
The rates below are the contract of test_utilisation.py.
"""

from __future__ import annotations

from pathlib import Path

from netsurvey.lab.snmprec import (
    COUNTER32,
    COUNTER64,
    GAUGE32,
    INTEGER,
    OBJECT_ID,
    TIMETICKS,
    SnmprecRow,
    delayed_row,
    error_row,
    moving_counter,
    number,
    text,
    write_snmprec,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "snmprec"

IF = "1.3.6.1.2.1.2.2.1"
IFX = "1.3.6.1.2.1.31.1.1.1"
UPLINK_IF_INDEX = 49
UPLINK_IN_BYTES_PER_S = 1_250_000  # 10 Mbit/s
UPLINK_OUT_BYTES_PER_S = 3_125_000  # 25 Mbit/s
WRAP_IN_BYTES_PER_S = 500_000  # 4 Mbit/s across a 32-bit wrap


def system(descr: str, object_id: str, name: str) -> list[SnmprecRow]:
    return [
        text("1.3.6.1.2.1.1.1.0", descr),
        SnmprecRow("1.3.6.1.2.1.1.2.0", OBJECT_ID, object_id),
        SnmprecRow("1.3.6.1.2.1.1.3.0", TIMETICKS, "rate=100,initial=123400", "numeric"),
        text("1.3.6.1.2.1.1.5.0", name),
    ]


def interface(index: int, name: str, speed_mbps: int, *, hc: bool = True) -> list[SnmprecRow]:
    rows = [
        text(f"{IF}.2.{index}", name),
        number(f"{IF}.3.{index}", INTEGER, 6),
        number(f"{IF}.5.{index}", GAUGE32, min(speed_mbps * 1_000_000, 2**32 - 1)),
        number(f"{IF}.7.{index}", INTEGER, 1),
        number(f"{IF}.8.{index}", INTEGER, 1 if index % 3 else 2),
        number(f"{IF}.10.{index}", COUNTER32, 1000 + index),
        number(f"{IF}.13.{index}", COUNTER32, 0),
        number(f"{IF}.14.{index}", COUNTER32, index % 4),
        number(f"{IF}.16.{index}", COUNTER32, 2000 + index),
        number(f"{IF}.19.{index}", COUNTER32, 1),
        number(f"{IF}.20.{index}", COUNTER32, 0),
    ]
    if hc:
        rows += [
            text(f"{IFX}.1.{index}", name),
            number(f"{IFX}.6.{index}", COUNTER64, 10_000 + index),
            number(f"{IFX}.10.{index}", COUNTER64, 20_000 + index),
            number(f"{IFX}.15.{index}", GAUGE32, speed_mbps),
            text(f"{IFX}.18.{index}", f"desk {index}" if index <= 48 else "uplink to core"),
        ]
    return rows


def poe_switch() -> list[SnmprecRow]:
    rows = system(
        "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8",
        "1.3.6.1.4.1.9.1.1208",
        "sw-access-1",
    )
    for index in range(1, 51):
        name = f"Gi1/0/{index}" if index <= 48 else f"Te1/0/{index - 48}"
        rows += interface(index, name, 1000 if index <= 48 else 10000)
    rows += [
        moving_counter(f"{IFX}.6.{UPLINK_IF_INDEX}", UPLINK_IN_BYTES_PER_S, initial=10**12),
        moving_counter(f"{IFX}.10.{UPLINK_IF_INDEX}", UPLINK_OUT_BYTES_PER_S, initial=5 * 10**12),
    ]
    peth = "1.3.6.1.2.1.105.1"
    rows += [
        number(f"{peth}.3.1.1.2.1", GAUGE32, 740),
        number(f"{peth}.3.1.1.3.1", INTEGER, 1),
        number(f"{peth}.3.1.1.4.1", GAUGE32, 123),
    ]
    for port in range(1, 49):
        delivering = port <= 12
        rows += [
            number(f"{peth}.1.1.3.1.{port}", INTEGER, 1),
            number(f"{peth}.1.1.6.1.{port}", INTEGER, 3 if delivering else 2),
            number(f"{peth}.1.1.10.1.{port}", INTEGER, 5 if delivering else 1),
            number(f"1.3.6.1.4.1.9.9.402.1.2.1.6.1.{port}", GAUGE32, 30000),
            number(f"1.3.6.1.4.1.9.9.402.1.2.1.9.1.{port}", GAUGE32, 9500 if delivering else 0),
        ]
    lldp = "1.0.8802.1.1.2.1.4.1.1"
    for n, port in enumerate((1, 2, 3), start=1):
        index = f"0.{port}.{n}"
        rows += [
            number(f"{lldp}.4.{index}", INTEGER, 4),
            SnmprecRow(f"{lldp}.5.{index}", "4x", f"a4b23901000{n}"),
            number(f"{lldp}.6.{index}", INTEGER, 5),
            text(f"{lldp}.7.{index}", "eth0"),
            text(f"{lldp}.9.{index}", f"ap-room-10{n}"),
            SnmprecRow(f"{lldp}.11.{index}", "4x", "3000"),
            SnmprecRow(f"{lldp}.12.{index}", "4x", "1000"),
        ]
    return rows


def controller() -> list[SnmprecRow]:
    rows = system(
        "ArubaOS (MODEL: Aruba7010), Version 8.10.0.6", "1.3.6.1.4.1.14823.1.1.32", "wlc-1"
    )
    rows += interface(1, "GE0/0/0", 1000)
    radio = "1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1"
    aps = {"ap-room-101": "0.11.134.1.2.3", "ap-room-102": "0.11.134.1.2.4"}
    for ap_name, mac in aps.items():
        for radio_number, (band, channel, clients) in enumerate(
            ((2, 6, 11), (1, 36, 27)) if ap_name.endswith("1") else ((2, 11, 3), (1, 100, 0))
        ):
            index = f"{mac}.{radio_number}"
            rows += [
                number(f"{radio}.2.{index}", INTEGER, band),
                number(f"{radio}.3.{index}", INTEGER, channel),
                number(f"{radio}.4.{index}", INTEGER, 36),
                number(f"{radio}.6.{index}", INTEGER, 42),
                number(f"{radio}.7.{index}", GAUGE32, clients),
                text(f"{radio}.16.{index}", ap_name),
            ]
    return rows


def cisco_wlc() -> list[SnmprecRow]:
    rows = system("Cisco Controller", "1.3.6.1.4.1.9.1.2170", "wlc-cisco")
    rows += interface(1, "Gi0/0/1", 1000)
    ap_table, radio_table = "1.3.6.1.4.1.14179.2.2.1.1", "1.3.6.1.4.1.14179.2.2.2.1"
    for n, (name, clients) in enumerate((("ap-hall", (14, 31)), ("ap-gym", (2, 5))), start=1):
        mac = f"0.58.152.10.0.{n}"
        rows += [
            SnmprecRow(f"{ap_table}.1.{mac}", "4x", f"003a980a000{n}"),
            text(f"{ap_table}.3.{mac}", name),
        ]
        for slot, (band, channel) in enumerate(((1, 1), (2, 44))):
            index = f"{mac}.{slot}"
            rows += [
                number(f"{radio_table}.2.{index}", INTEGER, band),
                number(f"{radio_table}.4.{index}", INTEGER, channel),
                number(f"{radio_table}.15.{index}", INTEGER, clients[slot]),
            ]
    return rows


def pdu() -> list[SnmprecRow]:
    rows = system(
        "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2)",
        "1.3.6.1.4.1.318.1.3.4.5",
        "pdu-cart-1",
    )
    rows += [
        text("1.3.6.1.4.1.318.1.1.12.1.5.0", "AP7921B"),
        number("1.3.6.1.4.1.318.1.1.12.1.15.0", INTEGER, 230),
        number("1.3.6.1.4.1.318.1.1.12.1.16.0", INTEGER, 1840),
        number("1.3.6.1.4.1.318.1.1.12.2.1.1.0", INTEGER, 16),
        number("1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.1", GAUGE32, 80),
    ]
    for outlet in range(1, 9):
        on = outlet != 8
        rows += [
            text(f"1.3.6.1.4.1.318.1.1.12.3.5.1.1.2.{outlet}", f"cart slot {outlet}"),
            number(f"1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.{outlet}", INTEGER, 1 if on else 2),
            text(f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.3.{outlet}", f"cart slot {outlet}"),
            number(f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.4.{outlet}", INTEGER, outlet),
            number(f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.6.{outlet}", INTEGER, 10 if on else 0),
            number(f"1.3.6.1.4.1.318.1.1.26.9.4.3.1.7.{outlet}", INTEGER, 230 if on else 0),
        ]
    return rows


def counters32() -> list[SnmprecRow]:
    """An old agent with ifTable only; port 1's in-counter wraps about 2 s after start."""
    rows = system("Old switch", "1.3.6.1.4.1.99999.1", "sw-old")
    rows += interface(1, "port1", 100, hc=False) + interface(2, "port2", 100, hc=False)
    rows.append(
        moving_counter(
            f"{IF}.10.1", WRAP_IN_BYTES_PER_S, tag=COUNTER32, initial=2**32 - 1_000_000, wrap=True
        )
    )
    return rows


def backwards() -> list[SnmprecRow]:
    rows = system("Confused switch", "1.3.6.1.4.1.99999.2", "sw-backwards")
    rows += interface(1, "port1", 1000)
    rows.append(moving_counter(f"{IFX}.6.1", -100_000, initial=10**12))
    return rows


def midwalk_error() -> list[SnmprecRow]:
    rows = system("Flaky switch", "1.3.6.1.4.1.99999.3", "sw-flaky")
    for index in range(1, 41):
        rows += interface(index, f"port{index}", 1000)
    rows.append(error_row(f"{IFX}.1.30", "4"))
    return rows


def midwalk_stall() -> list[SnmprecRow]:
    rows = system("Slow switch", "1.3.6.1.4.1.99999.4", "sw-slow")
    for index in range(1, 41):
        rows += interface(index, f"port{index}", 1000)
    rows.append(delayed_row(f"{IFX}.1.30", "4", "port30", wait_ms=2500))
    return rows


def empty() -> list[SnmprecRow]:
    return [text("1.3.6.1.2.1.1.1.0", "Agent with no tables"), text("1.3.6.1.2.1.1.5.0", "bare")]


FIXTURE_ROWS = {
    "poe48": poe_switch,
    "controller": controller,
    "cisco_wlc": cisco_wlc,
    "pdu": pdu,
    "counters32": counters32,
    "backwards": backwards,
    "midwalk_error": midwalk_error,
    "midwalk_stall": midwalk_stall,
    "empty": empty,
}


def main() -> None:
    for name, build in FIXTURE_ROWS.items():
        write_snmprec(FIXTURES / f"{name}.snmprec", build())


if __name__ == "__main__":
    main()
