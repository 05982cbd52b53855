"""Visit records -> features -> scores, with missing measurements reported, never zero."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsurvey.errors import RecordsError
from netsurvey.records import write_manifest
from netsurvey.scoring.from_visit import features_from_visit
from netsurvey.scoring.notes import Note
from netsurvey.scoring.pipeline import score_schools
from netsurvey.scoring.profile import Profile

SCHOOL: dict[str, Any] = {
    "id": "lv-test-psk",
    "name": "Testa pamatskola",
    "municipality": "Rīga",
    "scope": ["127.0.0.0/8"],
    "pupils": {"7": 25, "8": 24},
    "staff": 9,
    "rooms": [
        {"id": "201", "kind": "classroom", "grade": 7, "pupils": 25},
        {"id": "202", "kind": "classroom", "grade": 8, "pupils": 24},
        {"id": "hall", "kind": "hall", "pupils": 200},
    ],
    "devices": [
        {"id": "sw-1", "role": "switch", "mgmt_ip": "127.0.0.1", "uplink_port": "ge-0/0/48"},
        {
            "id": "ap-201",
            "role": "ap",
            "mgmt_ip": "127.0.0.2",
            "room": "201",
            "uplink_to": "sw-1",
            "uplink_port": "ge-0/0/1",
            "poe_class_required": 4,
        },
    ],
    "carts": [
        {
            "id": "cart-1",
            "room": "201",
            "slots": 30,
            "charger_w": 45,
            "circuit": "c-1",
            "sequencing": "sequenced",
            "slots_at_once": 10,
        }
    ],
    "circuits": [{"id": "c-1", "breaker_a": 16, "rcd_ma": 30, "other_loads_w": 200}],
    "wifi": {"ssids": ["skola"], "client_standard": "VHT", "client_nss": 2},
}


def record(
    ident: str,
    probe: str,
    status: str = "ok",
    device: str | None = None,
    metrics: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> str:
    return json.dumps(
        {
            "schema_version": 1,
            "id": ident,
            "job_id": f"{probe}:{device or 'x'}",
            "probe": probe,
            "target": {"host": "127.0.0.1", "device_id": device},
            "status": status,
            "started_at": "2026-11-22T10:00:00+00:00",
            "finished_at": "2026-11-22T10:00:05+00:00",
            "duration_s": 5.0,
            "metrics": metrics or {},
            "details": details or {},
        }
    )


def bss(signal: float, bssid: str = "aa:bb:cc:dd:ee:01", ssid: str = "skola") -> dict[str, Any]:
    return {
        "bssid": bssid,
        "ssid": ssid,
        "freq_mhz": 5180,
        "channel": 36,
        "width_mhz": 40,
        "signal_dbm": signal,
        "noise_dbm": -92.0,
        "standard": "VHT",
        "channel_utilization_ratio": 0.12,
    }


def write_visit(directory: Path, speedtests: bool = True) -> Path:
    directory.mkdir(parents=True)
    (directory / "visit.json").write_text(
        json.dumps(
            {
                "schema_version": 1,
                "visit_id": directory.name,
                "school_id": SCHOOL["id"],
                "started_at": "2026-11-22T09:00:00+00:00",
                "operator": "tests",
                "school": SCHOOL,
            }
        )
    )
    lines = [
        record(
            "m-1",
            "wifi_point",
            details={
                "room": "201",
                "bss": [bss(-58.0), bss(-80, "11:22:33:44:55:66", "kaimiņi")],
                "link": {"bssid": "aa:bb:cc:dd:ee:01"},
            },
        ),
        record("m-2", "wifi_point", details={"room": "201", "bss": [bss(-62.0)]}),
        record(
            "m-3",
            "snmp",
            device="sw-1",
            details={
                "device": {
                    "interfaces": [
                        {"if_index": 1, "name": "ge-0/0/1", "speed_bps": 1e9},
                        {
                            "if_index": 48,
                            "name": "ge-0/0/48",
                            "speed_bps": 1e9,
                            "in_bps": 8e7,
                            "out_bps": 2e7,
                        },
                    ],
                    "poe": {
                        "groups": [{"group": 1, "budget_w": 120.0}],
                        "ports": [
                            {"port": "ge-0/0/1", "class": 4, "status": "delivering"},
                            {"port": "ge-0/0/7", "class": 2, "status": "delivering"},
                        ],
                    },
                }
            },
        ),
    ]
    if speedtests:
        lines += [
            record("m-4", "speedtest", metrics={"download_bps": 9.1e7, "upload_bps": 3.0e7}),
            record("m-5", "speedtest", metrics={"download_bps": 8.7e7, "upload_bps": None}),
            record("m-6", "speedtest", status="failed", metrics={"download_bps": None}),
        ]
    (directory / "measurements.jsonl").write_text("\n".join(lines) + "\n")
    write_manifest(directory)  # sealed, as a finished survey leaves it
    return directory


def test_features_from_a_visit(tmp_path: Path) -> None:
    school = features_from_visit(write_visit(tmp_path / "v1"))
    assert school.id == "lv-test-psk" and school.students == 49 and school.staff == 9
    room = {r.id: r for r in school.rooms}
    assert set(room) == {"201", "202"}  # the hall is not a classroom
    assert room["201"].ap == "ap-201" and room["201"].rssi_dbm == pytest.approx(-60.0)
    assert room["201"].rssi_sd_db == pytest.approx(2.83, abs=0.01)
    assert room["201"].noise_dbm == pytest.approx(-92.0)
    assert room["202"].ap is None and room["202"].rssi_dbm is None
    (ap,) = school.aps
    assert (ap.id, ap.switch, ap.channel, ap.width_mhz, ap.standard) == (
        "ap-201",
        "sw-1",
        36,
        40,
        "VHT",
    )
    assert ap.port_speed_mbps == 1000 and ap.poe_class_port == 4 and ap.poe_class_required == 4
    assert ap.foreign_utilization_ratio == pytest.approx(0.12)
    (switch,) = school.switches
    assert switch.uplink_mbps == 1000 and switch.uplink_busy_mbps == 80
    assert switch.poe_budget_w == 120 and switch.poe_other_w == pytest.approx(7.0)
    assert (
        school.wan is not None
        and school.wan.down_mbps == (91.0, 87.0)
        and school.wan.up_mbps == (30.0,)
    )
    assert school.carts[0].concurrent_slots == 10 and school.circuits[0].breaker_a == 16
    assert Note.of("wifi_room_unsurveyed", item="202") in school.missing
    evidence = dict(school.evidence)
    assert evidence["wan.download_bps"] == ("m-4", "m-5")
    assert evidence["wifi.rssi_dbm"] == ("m-1", "m-2")


def test_missing_speedtest_means_null_wan_not_zero(tmp_path: Path, profile: Profile) -> None:
    school = features_from_visit(write_visit(tmp_path / "v2", speedtests=False))
    assert school.wan is None
    (result,) = score_schools((school,), profile, draws=50, upgrades=False)
    assert result["dimensions"]["wan"]["score"] is None
    assert "wan: no successful speedtest in this visit" in result["missing"]
    assert result["dimensions"]["wifi"]["score"] is not None
    assert result["visit"] == str(tmp_path / "v2")
    assert {e["figure"] for e in result["evidence"]} >= {"wifi.rssi_dbm"}
    assert all(b["ratio"] is None for b in result["figures"]["benchmarks"])


def test_not_a_visit_directory(tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match="not a visit directory"):
        features_from_visit(tmp_path)


def test_score_command_reads_visit_dirs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from netsurvey.cli import main

    visit = write_visit(tmp_path / "visits" / "lv-test-psk" / "v-1")
    out = tmp_path / "scores.json"
    assert main(["score", str(visit), "--out", str(out), "--draws", "60"]) == 0
    doc = json.loads(out.read_text())
    assert doc["schools"][0]["school_id"] == "lv-test-psk"
    assert main(["score", str(tmp_path)]) == 3
    assert "not a visit directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("names", "if_index", "port", "expected"),
    [
        (("GigabitEthernet1/0/1",), None, "Gi1/0/1", True),
        (("GigabitEthernet1/0/10",), None, "Gi1/0/1", False),
        (("port 1",), 1, "1", True),
        (("gigabitEthernet 1/0/3",), 3, "1", False),
        (("ge-0/0/7",), None, "ge-0/0/7", True),
    ],
)
def test_inventory_port_names_match_snmp_names(
    names: tuple[str, ...], if_index: int | None, port: str, expected: bool
) -> None:
    from netsurvey.scoring.ports import port_matches

    assert port_matches(names, if_index, port) is expected


def test_uplink_is_guessed_when_the_inventory_does_not_name_it(tmp_path: Path) -> None:
    visit = write_visit(tmp_path / "v3")
    data = json.loads((visit / "visit.json").read_text())
    data["school"]["devices"][0].pop("uplink_port")
    (visit / "visit.json").write_text(json.dumps(data))
    school = features_from_visit(visit)
    assert school.switches[0].uplink_mbps == 1000 and school.switches[0].uplink_busy_mbps == 80
    assert Note.of("lan_uplink_guessed", item="sw-1", port="ge-0/0/48") in school.missing


def test_a_radio_counts_every_ssid_it_beacons_and_assumed_streams_are_noted(
    tmp_path: Path,
) -> None:
    """One radio beaconing the school SSID and a guest SSID sends two beacons per interval
    (bssids 2, not 1); its spatial streams are not in a scan, so the assumption is noted."""
    visit = write_visit(tmp_path / "v")
    lines = (visit / "measurements.jsonl").read_text().splitlines()
    guest = record("m-9", "wifi_point", details={
        "room": "201", "bss": [bss(-57.0), bss(-58.0, "aa:bb:cc:dd:ee:02", "viesi")]})  # fmt: skip
    (visit / "measurements.jsonl").write_text("\n".join([*lines, guest]) + "\n")
    school = features_from_visit(visit)
    (ap,) = school.aps
    assert ap.bssids == 2 and ap.streams == 2
    assert any(note.key == "wifi_streams_assumed" for note in school.missing)
